/* error.c - status messages and checked allocation. */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>

bcml_status bcml__fail(bcml_error *err, bcml_status code, const char *fmt, ...) {
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

const char *bcml_status_name(bcml_status s) {
    switch (s) {
    case BCML_OK: return "ok";
    case BCML_EINVAL: return "invalid input";
    case BCML_ENOMEM: return "out of memory";
    case BCML_EIO: return "i/o error";
    case BCML_EFORMAT: return "malformed data";
    case BCML_ECANCELLED: return "cancelled";
    }
    return "unknown status";
}

void bcml_free(void *p) { free(p); }

static int too_big(size_t count, size_t size) {
    return size != 0 && count > BCML_MAX_ALLOC / size;
}

void *bcml__alloc(size_t count, size_t size) {
    if (too_big(count, size)) return NULL;
    size_t n = count * size;
    return malloc(n ? n : 1);
}

void *bcml__calloc(size_t count, size_t size) {
    if (too_big(count, size)) return NULL;
    return calloc(count ? count : 1, size ? size : 1);
}

void *bcml__realloc(void *p, size_t count, size_t size) {
    if (too_big(count, size)) return NULL;
    size_t n = count * size;
    return realloc(p, n ? n : 1);
}
