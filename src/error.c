/* error.c - status messages and checked allocation. */
#if defined(__linux__) && !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE /* posix_memalign, madvise */
#endif
#include "internal.h"
#if defined(__linux__) && !defined(__wasm__)
#include <sys/mman.h>
#endif

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

void *bcml__alloc_large(size_t count, size_t size) {
    if (too_big(count, size)) return NULL;
    size_t n = count * size;
#if defined(__linux__) && !defined(__wasm__)
    if (n >= ((size_t)4 << 20)) { /* rows read at random: 2 MB pages spare the TLB a miss per row */
        void *p = NULL;
        size_t huge = (size_t)2 << 20;
        if (posix_memalign(&p, huge, (n + huge - 1) / huge * huge)) return NULL;
        madvise(p, (n + huge - 1) / huge * huge, MADV_HUGEPAGE);
        return p;
    }
#endif
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
