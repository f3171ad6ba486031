/* fileio.c - whole-file reads and atomic writes (temporary name, then rename). */
#define _POSIX_C_SOURCE 200809L /* getpid */
#include "internal.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static atomic_uint tmp_counter;

bcml_status bcml__write_file_atomic(const char *path, const void *data, size_t len, bcml_error *err) {
    size_t pl = strlen(path);
    char *tmp = bcml__alloc(pl + 48, 1);
    if (!tmp) return bcml__fail(err, BCML_ENOMEM, "out of memory writing %s", path);
    /* unique per process and call: parallel jobs may write the same file */
    snprintf(tmp, pl + 48, "%s.%ld.%u.tmp", path, (long)getpid(), atomic_fetch_add(&tmp_counter, 1u));
    FILE *f = fopen(tmp, "wb");
    int ok = f && fwrite(data, 1, len, f) == len;
    if (f && fclose(f) != 0) ok = 0;
    if (!ok || rename(tmp, path) != 0) {
        remove(tmp);
        free(tmp);
        return bcml__fail(err, BCML_EIO, "cannot write %s", path);
    }
    free(tmp);
    return BCML_OK;
}

bcml_status bcml__read_file(const char *path, char **data, size_t *len, bcml_error *err) {
    *data = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return bcml__fail(err, BCML_EIO, "cannot open %s", path);
    size_t cap = 1 << 16, n = 0;
    char *b = bcml__alloc(cap, 1);
    while (b) {
        n += fread(b + n, 1, cap - n - 1, f);
        if (n < cap - 1) break;
        char *nb = cap > BCML_MAX_ALLOC / 2 ? NULL : bcml__realloc(b, cap * 2, 1);
        if (!nb) { free(b); b = NULL; break; }
        b = nb;
        cap *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (!b) return bcml__fail(err, BCML_ENOMEM, "%s is too large to read", path);
    if (bad) { free(b); return bcml__fail(err, BCML_EIO, "cannot read %s", path); }
    b[n] = 0;
    *data = b;
    if (len) *len = n;
    return BCML_OK;
}
