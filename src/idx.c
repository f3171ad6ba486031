/* idx.c - IDX files (the MNIST and Fashion-MNIST format): a big-endian header of type and dimensions. */
#include "internal.h"

#include <math.h>
#include <string.h>

static uint64_t be(const unsigned char *p, int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v = v << 8 | p[i];
    return v;
}

bcml_status bcml_idx_read(const unsigned char *b, size_t len, const char *what, bcml_array *out, bcml_error *err) {
    memset(out, 0, sizeof *out);
    if (len < 4 || b[0] != 0 || b[1] != 0)
        return bcml__fail(err, BCML_EFORMAT, "%s: not an IDX file (bad magic at byte 0)", what);
    int type = b[2], ndim = b[3], size;
    switch (type) {
    case 0x08: case 0x09: size = 1; break;
    case 0x0B: size = 2; break;
    case 0x0C: case 0x0D: size = 4; break;
    case 0x0E: size = 8; break;
    default: return bcml__fail(err, BCML_EFORMAT, "%s: unknown IDX data type 0x%02x at byte 2", what, type);
    }
    if (ndim < 1 || ndim > 8) return bcml__fail(err, BCML_EFORMAT, "%s: %d dimensions at byte 3 (1 to 8 supported)", what, ndim);
    size_t start = 4 + 4 * (size_t)ndim;
    if (len < start) return bcml__fail(err, BCML_EFORMAT, "%s: truncated header", what);
    int64_t count = 1;
    for (int i = 0; i < ndim; i++) {
        int64_t d = (int64_t)be(b + 4 + 4 * i, 4);
        if (d > 0 && count > ((int64_t)1 << 40) / d)
            return bcml__fail(err, BCML_EFORMAT, "%s: dimensions too large for a file of %zu bytes", what, len);
        out->shape[i] = d;
        count *= d;
    }
    out->ndim = ndim;
    if (count == 0) return bcml__fail(err, BCML_EFORMAT, "%s: the array is empty", what);
    if ((size_t)count > (len - start) / (size_t)size)
        return bcml__fail(err, BCML_EFORMAT, "%s: truncated: the header declares %lld values, the file holds %zu", what,
                          (long long)count, (len - start) / (size_t)size);
    if (!(out->data = bcml__alloc((size_t)count, sizeof(float)))) return bcml__fail(err, BCML_ENOMEM, "%s: out of memory", what);
    out->integer = type != 0x0D && type != 0x0E;
    const unsigned char *p = b + start;
    for (int64_t i = 0; i < count; i++, p += size) {
        uint64_t u = be(p, size);
        double v;
        switch (type) {
        case 0x08: v = (uint8_t)u; break;
        case 0x09: v = (int8_t)u; break;
        case 0x0B: v = (int16_t)u; break;
        case 0x0C: v = (int32_t)u; break;
        case 0x0D: { uint32_t w = (uint32_t)u; float f; memcpy(&f, &w, 4); v = f; break; }
        default: memcpy(&v, &u, 8); break;
        }
        if (!isfinite(v) || fabs(v) > 3.4e38) {
            bcml_array_free(out);
            return bcml__fail(err, BCML_EFORMAT, "%s: value %lld is not a finite float32", what, (long long)i);
        }
        out->data[i] = (float)v;
    }
    return BCML_OK;
}
