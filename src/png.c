/* png.c - PNG thumbnails of image instances (stb_image_write from Debian's libstb-dev), in memory. */
#include "internal.h"

#include <string.h>

/* stb must never abort or touch files from library code */
#define STBIW_ASSERT(x) ((void)0)
#define STBI_WRITE_NO_STDIO
#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wunused-function" /* stb's writers this file does not use; reported at the end */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#endif
#include <stb/stb_image_write.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

typedef struct {
    unsigned char *buf;
    size_t len, cap;
    int failed;
} sink;

static void append(void *ctx, void *data, int size) {
    sink *s = ctx;
    if (s->failed || size <= 0) return;
    if (s->len + (size_t)size > s->cap) {
        size_t cap = (s->cap ? s->cap * 2 : 4096) + (size_t)size;
        unsigned char *nb = bcml__realloc(s->buf, cap, 1);
        if (!nb) { s->failed = 1; return; }
        s->buf = nb;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, data, (size_t)size);
    s->len += (size_t)size;
}

bcml_status bcml_png_thumbnail(const float *px, int channels, int h, int w, int scale, float lo, float hi,
                               unsigned char **png, size_t *len, bcml_error *err) {
    *png = NULL;
    *len = 0;
    if (channels != 1 && channels != 3) return bcml__fail(err, BCML_EINVAL, "thumbnail: 1 or 3 channels, got %d", channels);
    if (h < 1 || w < 1 || scale < 1 || (int64_t)h * scale > 4096 || (int64_t)w * scale > 4096)
        return bcml__fail(err, BCML_EINVAL, "thumbnail: size %dx%d at scale %d is out of range", h, w, scale);
    int64_t n = (int64_t)channels * h * w;
    if (lo == hi) {
        lo = hi = px[0];
        for (int64_t i = 0; i < n; i++) {
            if (px[i] < lo) lo = px[i];
            if (px[i] > hi) hi = px[i];
        }
    }
    float range = hi > lo ? hi - lo : 1.0f;
    int H = h * scale, W = w * scale;
    unsigned char *img = bcml__alloc((size_t)H * W, (size_t)channels);
    if (!img) return bcml__fail(err, BCML_ENOMEM, "thumbnail: out of memory");
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            for (int c = 0; c < channels; c++) {
                float v = (px[((size_t)c * h + y / scale) * w + x / scale] - lo) / range;
                v = v != v ? 0.0f : v < 0 ? 0.0f : v > 1 ? 1.0f : v;
                img[((size_t)y * W + x) * channels + c] = (unsigned char)(v * 255.0f + 0.5f);
            }
    sink s = {0};
    int ok = stbi_write_png_to_func(append, &s, W, H, channels, img, W * channels);
    free(img);
    if (!ok || s.failed) {
        free(s.buf);
        return bcml__fail(err, BCML_ENOMEM, "thumbnail: could not encode the PNG");
    }
    *png = s.buf;
    *len = s.len;
    return BCML_OK;
}
