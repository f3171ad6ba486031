/* npy.c - NumPy .npy arrays and .npz archives (zip, stored or deflated), read into float32. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

void bcml_array_free(bcml_array *a) {
    if (!a) return;
    free(a->data);
    memset(a, 0, sizeof *a);
}

int64_t bcml_array_row_size(const bcml_array *a) {
    int64_t r = 1;
    for (int i = 1; i < a->ndim; i++) r *= a->shape[i];
    return r;
}

typedef enum { T_F32, T_F64, T_I8, T_I16, T_I32, T_I64, T_U8, T_U16, T_BOOL } dtype;

static const struct { const char *code; dtype t; int size; } dtypes[] = {
    {"f4", T_F32, 4}, {"f8", T_F64, 8}, {"i1", T_I8, 1}, {"i2", T_I16, 2}, {"i4", T_I32, 4},
    {"i8", T_I64, 8}, {"u1", T_U8, 1}, {"u2", T_U16, 2}, {"b1", T_BOOL, 1},
};

static uint64_t le(const unsigned char *p, int n) {
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

/* Converts count elements of type t (little-endian) to float; rejects NaN/Inf with the element index. */
static bcml_status convert(const unsigned char *p, dtype t, int size, int64_t count, float *out, const char *what,
                           bcml_error *err) {
    for (int64_t i = 0; i < count; i++, p += size) {
        uint64_t u = le(p, size);
        double v;
        switch (t) {
        case T_F32: { uint32_t b = (uint32_t)u; float f; memcpy(&f, &b, 4); v = f; break; }
        case T_F64: memcpy(&v, &u, 8); break;
        case T_I8: v = (int8_t)u; break;
        case T_I16: v = (int16_t)u; break;
        case T_I32: v = (int32_t)u; break;
        case T_I64: v = (double)(int64_t)u; break;
        case T_U8: case T_BOOL: v = (uint8_t)u; break;
        default: v = (uint16_t)u; break;
        }
        if (!isfinite(v) || fabs(v) > 3.4e38)
            return bcml__fail(err, BCML_EFORMAT, "%s: element %lld is %s", what, (long long)i,
                              v != v ? "NaN" : "infinite or beyond float32");
        out[i] = (float)v;
    }
    return BCML_OK;
}

/* Finds 'key': in the header dict text; returns a pointer after the colon or NULL. */
static const char *dict_value(const char *h, const char *key) {
    char pat[32];
    snprintf(pat, sizeof pat, "'%s'", key);
    const char *p = strstr(h, pat);
    if (!p) return NULL;
    p += strlen(pat);
    while (*p == ' ') p++;
    if (*p != ':') return NULL;
    p++;
    while (*p == ' ') p++;
    return p;
}

bcml_status bcml_npy_read(const unsigned char *b, size_t len, const char *what, bcml_array *out, bcml_error *err) {
    memset(out, 0, sizeof *out);
    static const unsigned char magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
    if (len < 10 || memcmp(b, magic, 6) != 0) return bcml__fail(err, BCML_EFORMAT, "%s: not a .npy file (bad magic at byte 0)", what);
    int major = b[6];
    size_t hlen, start;
    if (major == 1) { hlen = (size_t)le(b + 8, 2); start = 10; }
    else if (major == 2 || major == 3) {
        if (len < 12) return bcml__fail(err, BCML_EFORMAT, "%s: truncated header", what);
        hlen = (size_t)le(b + 8, 4);
        start = 12;
    } else return bcml__fail(err, BCML_EFORMAT, "%s: .npy format version %d is not supported", what, major);
    if (hlen > len - start || hlen > 1 << 20) return bcml__fail(err, BCML_EFORMAT, "%s: truncated header (%zu bytes declared)", what, hlen);
    char h[4096];
    if (hlen >= sizeof h) return bcml__fail(err, BCML_EFORMAT, "%s: header of %zu bytes is too long", what, hlen);
    memcpy(h, b + start, hlen);
    h[hlen] = 0;
    const char *d = dict_value(h, "descr"), *fo = dict_value(h, "fortran_order"), *sh = dict_value(h, "shape");
    if (!d || !fo || !sh) return bcml__fail(err, BCML_EFORMAT, "%s: header lacks descr, fortran_order or shape", what);
    if (*d != '\'') return bcml__fail(err, BCML_EFORMAT, "%s: structured dtypes are not supported", what);
    char endian = d[1];
    const char *code = d + 2;
    if (endian == '>') return bcml__fail(err, BCML_EFORMAT, "%s: big-endian data (dtype %.4s) is not supported; save with "
                                         "little-endian byte order", what, d + 1);
    if (endian != '<' && endian != '|' && endian != '=')
        return bcml__fail(err, BCML_EFORMAT, "%s: unknown dtype byte order '%c'", what, endian);
    int di = -1;
    for (int i = 0; i < (int)(sizeof dtypes / sizeof *dtypes); i++)
        if (strncmp(code, dtypes[i].code, 2) == 0 && code[2] == '\'') di = i;
    if (di < 0) {
        const char *q = strchr(d + 1, '\'');
        return bcml__fail(err, BCML_EFORMAT, "%s: dtype %.*s is not supported (float32/64, int8/16/32/64, uint8/16, bool)",
                          what, q ? (int)(q - d + 1) : 6, d);
    }
    if (strncmp(fo, "False", 5) != 0) return bcml__fail(err, BCML_EFORMAT, "%s: Fortran-order arrays are not supported", what);
    if (*sh != '(') return bcml__fail(err, BCML_EFORMAT, "%s: bad shape in header", what);
    const char *p = sh + 1;
    int64_t count = 1;
    while (*p && *p != ')') {
        while (*p == ' ' || *p == ',') p++;
        if (*p == ')') break;
        char *end;
        long long v = strtoll(p, &end, 10);
        if (end == p || v < 0) return bcml__fail(err, BCML_EFORMAT, "%s: bad shape in header", what);
        if (out->ndim == 8) return bcml__fail(err, BCML_EFORMAT, "%s: more than 8 dimensions", what);
        if (v > 0 && count > ((int64_t)1 << 40) / v)
            return bcml__fail(err, BCML_EFORMAT, "%s: shape too large for the %zu bytes of the file", what, len);
        out->shape[out->ndim++] = v;
        count *= v;
        p = end;
    }
    if (out->ndim == 0) return bcml__fail(err, BCML_EFORMAT, "%s: a scalar, expected an array", what);
    size_t body = len - start - hlen, need = (size_t)count * (size_t)dtypes[di].size;
    if (body < need)
        return bcml__fail(err, BCML_EFORMAT, "%s: truncated: the shape needs %zu bytes of data, the file has %zu", what, need, body);
    if (count == 0) return bcml__fail(err, BCML_EFORMAT, "%s: the array is empty", what);
    if (!(out->data = bcml__alloc((size_t)count, sizeof(float)))) return bcml__fail(err, BCML_ENOMEM, "%s: out of memory", what);
    out->integer = dtypes[di].t != T_F32 && dtypes[di].t != T_F64;
    bcml_status s = convert(b + start + hlen, dtypes[di].t, dtypes[di].size, count, out->data, what, err);
    if (s) bcml_array_free(out);
    return s;
}

/* ---------------------------------------------------------------- npz (zip) */

bcml_status bcml_npz_read(const unsigned char *b, size_t len, const char *member, const char *what, bcml_array *out,
                          bcml_error *err) {
    memset(out, 0, sizeof *out);
    if (len < 22) return bcml__fail(err, BCML_EFORMAT, "%s: not a .npz (zip) file: too short", what);
    /* the end-of-central-directory record, within the last 64 KiB + 22 bytes */
    size_t eocd = (size_t)-1;
    for (size_t i = len - 22 + 1; i-- > 0 && len - i <= 65535 + 22;)
        if (le(b + i, 4) == 0x06054b50) { eocd = i; break; }
    if (eocd == (size_t)-1) return bcml__fail(err, BCML_EFORMAT, "%s: not a .npz (zip) file: no central directory", what);
    uint64_t entries = le(b + eocd + 10, 2), cd_off = le(b + eocd + 16, 4);
    if (cd_off == 0xffffffffu && eocd >= 20 && le(b + eocd - 20, 4) == 0x07064b50) { /* zip64 locator */
        uint64_t z64 = le(b + eocd - 12, 8);
        if (len < 56 || z64 > len - 56 || le(b + z64, 4) != 0x06064b50) return bcml__fail(err, BCML_EFORMAT, "%s: bad zip64 record", what);
        entries = le(b + z64 + 32, 8);
        cd_off = le(b + z64 + 48, 8);
    }
    char want[256];
    snprintf(want, sizeof want, "%s%s", member, strstr(member, ".npy") ? "" : ".npy");
    size_t p = (size_t)cd_off;
    char names[512] = "";
    for (uint64_t e = 0; e < entries; e++) {
        if (len < 46 || p > len - 46 || le(b + p, 4) != 0x02014b50)
            return bcml__fail(err, BCML_EFORMAT, "%s: corrupt central directory at byte %zu", what, p);
        uint64_t method = le(b + p + 10, 2), crc = le(b + p + 16, 4), csize = le(b + p + 20, 4), usize = le(b + p + 24, 4);
        size_t nlen = (size_t)le(b + p + 28, 2), xlen = (size_t)le(b + p + 30, 2), clen = (size_t)le(b + p + 32, 2);
        uint64_t off = le(b + p + 42, 4);
        if (nlen + xlen + clen > len - p - 46) return bcml__fail(err, BCML_EFORMAT, "%s: corrupt central directory", what);
        const unsigned char *name = b + p + 46, *x = name + nlen, *xe = x + xlen;
        while (x + 4 <= xe) { /* zip64 sizes and offset */
            size_t id = (size_t)le(x, 2), sz = (size_t)le(x + 2, 2);
            const unsigned char *q = x + 4;
            if (id == 1) {
                if (usize == 0xffffffffu && q + 8 <= xe) { usize = le(q, 8); q += 8; }
                if (csize == 0xffffffffu && q + 8 <= xe) { csize = le(q, 8); q += 8; }
                if (off == 0xffffffffu && q + 8 <= xe) off = le(q, 8);
            }
            x += 4 + sz;
        }
        if (strlen(names) + nlen + 3 < sizeof names) {
            if (names[0]) strcat(names, ", ");
            strncat(names, (const char *)name, nlen);
        }
        if (nlen == strlen(want) && memcmp(name, want, nlen) == 0) {
            if (len < 30 || off > len - 30 || le(b + off, 4) != 0x04034b50)
                return bcml__fail(err, BCML_EFORMAT, "%s: %s: bad local header at byte %llu", what, want, (unsigned long long)off);
            size_t data = (size_t)off + 30 + (size_t)le(b + off + 26, 2) + (size_t)le(b + off + 28, 2);
            if (data > len || csize > len - data)
                return bcml__fail(err, BCML_EFORMAT, "%s: %s is truncated (%llu bytes declared)", what, want, (unsigned long long)csize);
            if (usize > BCML_MAX_ALLOC || (method == 8 && usize > csize * 1032 + 64))
                return bcml__fail(err, BCML_EFORMAT, "%s: %s declares an implausible size of %llu bytes", what, want,
                                  (unsigned long long)usize);
            unsigned char *raw;
            if (method == 0) {
                if (usize != csize) return bcml__fail(err, BCML_EFORMAT, "%s: %s: stored sizes disagree", what, want);
                raw = (unsigned char *)b + data;
            } else if (method == 8) {
                if (!(raw = bcml__alloc((size_t)usize + 1, 1))) return bcml__fail(err, BCML_ENOMEM, "%s: out of memory", what);
                z_stream z;
                memset(&z, 0, sizeof z);
                int zr = inflateInit2(&z, -15);
                if (zr == Z_OK) {
                    z.next_in = (unsigned char *)b + data;
                    z.avail_in = (uInt)csize;
                    z.next_out = raw;
                    z.avail_out = (uInt)usize + 1;
                    zr = inflate(&z, Z_FINISH);
                    inflateEnd(&z);
                }
                if (zr != Z_STREAM_END || z.total_out != usize) {
                    free(raw);
                    return bcml__fail(err, BCML_EFORMAT, "%s: %s: corrupt compressed data", what, want);
                }
            } else {
                return bcml__fail(err, BCML_EFORMAT, "%s: %s uses zip compression method %llu (only stored and deflate)", what,
                                  want, (unsigned long long)method);
            }
            bcml_status s = BCML_OK;
            if (crc32(0L, raw, (uInt)usize) != crc) s = bcml__fail(err, BCML_EFORMAT, "%s: %s: CRC mismatch", what, want);
            char inner[300];
            snprintf(inner, sizeof inner, "%s:%s", what, want);
            if (!s) s = bcml_npy_read(raw, (size_t)usize, inner, out, err);
            if (method == 8) free(raw);
            return s;
        }
        p += 46 + nlen + xlen + clen;
    }
    return bcml__fail(err, BCML_EINVAL, "%s: no member \"%s\" (members: %s)", what, want, names[0] ? names : "none");
}
