/* util.c - input reading and JSON array conversion for the CLI. */
#include "cli.h"
#include "../jsonutil.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int cli_fail(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("bcml: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

int cli_fail_err(const bcml_error *e) { return cli_fail("%s", e->msg); }

static int set_err(bcml_error *e, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    e->code = BCML_EINVAL;
    return 0;
}

char *cli_read_file(const char *path, size_t *len) {
    int is_stdin = !path || strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) { cli_fail("cannot open %s", path); return NULL; }
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    for (;;) {
        if (!b) break;
        n += fread(b + n, 1, cap - n - 1, f);
        if (n < cap - 1) break;
        char *nb = realloc(b, cap * 2);
        if (!nb) { free(b); b = NULL; break; }
        b = nb;
        cap *= 2;
    }
    int bad = ferror(f);
    if (!is_stdin) fclose(f);
    if (!b) { cli_fail("out of memory reading %s", is_stdin ? "standard input" : path); return NULL; }
    if (bad) { free(b); cli_fail("cannot read %s", is_stdin ? "standard input" : path); return NULL; }
    b[n] = 0;
    if (strlen(b) != n) {
        free(b);
        cli_fail("%s: contains a NUL byte; expected JSON text", is_stdin ? "standard input" : path);
        return NULL;
    }
    if (len) *len = n;
    return b;
}

cJSON *cli_read_json(const char *path) {
    char *text = cli_read_file(path, NULL);
    if (!text) return NULL;
    const char *name = (!path || strcmp(path, "-") == 0) ? "standard input" : path;
    const char *t = text;
    if ((unsigned char)t[0] == 0xEF && (unsigned char)t[1] == 0xBB && (unsigned char)t[2] == 0xBF) t += 3; /* BOM */
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithOpts(t, &end, 1);
    if (!j) {
        int line = 1, col = 1;
        for (const char *p = t; end && p < end && *p; p++) {
            if (*p == '\n') { line++; col = 1; } else col++;
        }
        cli_fail("%s: invalid JSON at line %d, column %d", name, line, col);
    }
    free(text);
    return j;
}

float *cli_matrix(const cJSON *v, const char *what, int64_t *rows, int *cols, bcml_error *e) {
    if (!cJSON_IsArray(v)) { set_err(e, "\"%s\" must be an array", what); return NULL; }
    int64_t n = cJSON_GetArraySize(v);
    if (n == 0) { set_err(e, "\"%s\" is empty", what); return NULL; }
    const cJSON *first = v->child;
    int c = cJSON_IsArray(first) ? cJSON_GetArraySize(first) : 1;
    if (c < 1) { set_err(e, "\"%s\"[0] is an empty row", what); return NULL; }
    float *m = malloc((size_t)n * (size_t)c * sizeof(float));
    if (!m) { set_err(e, "\"%s\": out of memory", what); return NULL; }
    int64_t i = 0;
    const cJSON *row;
    cJSON_ArrayForEach(row, v) {
        if (cJSON_IsArray(first) != cJSON_IsArray(row)) {
            set_err(e, "\"%s\"[%lld]: mixes rows and plain numbers", what, (long long)i);
            goto fail;
        }
        if (cJSON_IsArray(row)) {
            if (cJSON_GetArraySize(row) != c) {
                set_err(e, "\"%s\"[%lld] has %d values, row 0 has %d", what, (long long)i, cJSON_GetArraySize(row), c);
                goto fail;
            }
            int j = 0;
            const cJSON *x;
            cJSON_ArrayForEach(x, row) {
                if (!cJSON_IsNumber(x) || !isfinite(x->valuedouble) || fabs(x->valuedouble) > 3.4e38) {
                    set_err(e, "\"%s\"[%lld][%d] is not a finite number", what, (long long)i, j);
                    goto fail;
                }
                m[i * c + j++] = (float)x->valuedouble;
            }
        } else {
            if (!cJSON_IsNumber(row) || !isfinite(row->valuedouble) || fabs(row->valuedouble) > 3.4e38) {
                set_err(e, "\"%s\"[%lld] is not a finite number", what, (long long)i);
                goto fail;
            }
            m[i] = (float)row->valuedouble;
        }
        i++;
    }
    *rows = n;
    *cols = c;
    return m;
fail:
    free(m);
    return NULL;
}

/* Labels from a file: a vector of whole numbers >= 0. */
static int32_t *file_labels(const bcml_array *a, const char *what, int64_t *n, bcml_error *e) {
    if (a->ndim != 1) { set_err(e, "\"%s\": labels must be a vector, got %d dimensions", what, a->ndim); return NULL; }
    int32_t *out = malloc((size_t)(a->shape[0] ? a->shape[0] : 1) * sizeof(int32_t));
    if (!out) { set_err(e, "\"%s\": out of memory", what); return NULL; }
    for (int64_t i = 0; i < a->shape[0]; i++) {
        float d = a->data[i];
        if (!(d == floorf(d)) || d < 0 || d > 2147483647.0f) {
            set_err(e, "\"%s\"[%lld] must be a whole number >= 0 (a class label)", what, (long long)i);
            free(out);
            return NULL;
        }
        out[i] = (int32_t)d;
    }
    *n = a->shape[0];
    return out;
}

int32_t *cli_labels(const cJSON *v, const char *what, int64_t *n, bcml_error *e) {
    if (cJSON_IsString(v) || cJSON_IsObject(v)) {
        bcml_array a;
        if (cli_file_array(v, what, &a, e)) return NULL;
        int32_t *out = file_labels(&a, what, n, e);
        bcml_array_free(&a);
        return out;
    }
    if (!cJSON_IsArray(v)) { set_err(e, "\"%s\" must be an array of labels or a .npy file", what); return NULL; }
    int64_t cnt = cJSON_GetArraySize(v), i = 0;
    int32_t *out = malloc((size_t)(cnt ? cnt : 1) * sizeof(int32_t));
    if (!out) { set_err(e, "\"%s\": out of memory", what); return NULL; }
    const cJSON *x;
    cJSON_ArrayForEach(x, v) {
        double d = cJSON_IsNumber(x) ? x->valuedouble : NAN;
        if (!(d == floor(d)) || d < 0 || d > 2147483647.0) {
            set_err(e, "\"%s\"[%lld] must be a whole number >= 0 (a class label)", what, (long long)i);
            free(out);
            return NULL;
        }
        out[i++] = (int32_t)d;
    }
    *n = cnt;
    return out;
}

int32_t *cli_labels_or_outputs(const cJSON *v, const char *what, double threshold, int64_t *n, bcml_error *e) {
    int file = cJSON_IsString(v) || cJSON_IsObject(v);
    if (file || (cJSON_IsArray(v) && cJSON_IsArray(v->child))) {
        int64_t rows;
        int cols;
        float *m;
        if (file) { /* an integer vector holds labels; anything else outputs */
            bcml_array a;
            if (cli_file_array(v, what, &a, e)) return NULL;
            if (a.integer && a.ndim == 1) {
                int32_t *lab = file_labels(&a, what, n, e);
                bcml_array_free(&a);
                return lab;
            }
            if (!(m = cli_array_outputs(&a, what, &rows, &cols, e))) return NULL;
        } else if (!(m = cli_matrix(v, what, &rows, &cols, e))) {
            return NULL;
        }
        int32_t *lab = malloc((size_t)rows * sizeof(int32_t));
        bcml_error le;
        if (!lab || bcml_outputs_to_labels(rows, cols, m, threshold, lab, &le)) {
            if (lab) set_err(e, "\"%s\": %s", what, le.msg);
            else set_err(e, "\"%s\": out of memory", what);
            free(m);
            free(lab);
            return NULL;
        }
        free(m);
        *n = rows;
        return lab;
    }
    return cli_labels(v, what, n, e);
}

int64_t *cli_ids(const cJSON *v, const char *what, int64_t *n, bcml_error *e) {
    if (!cJSON_IsArray(v)) { set_err(e, "\"%s\" must be an array of instance ids", what); return NULL; }
    int64_t cnt = cJSON_GetArraySize(v), i = 0;
    int64_t *out = malloc((size_t)(cnt ? cnt : 1) * sizeof(int64_t));
    if (!out) { set_err(e, "\"%s\": out of memory", what); return NULL; }
    const cJSON *x;
    cJSON_ArrayForEach(x, v) {
        double d = cJSON_IsNumber(x) ? x->valuedouble : NAN;
        if (!(d == floor(d)) || fabs(d) > 9007199254740992.0) {
            set_err(e, "\"%s\"[%lld] must be a whole number (an instance id)", what, (long long)i);
            free(out);
            return NULL;
        }
        out[i++] = (int64_t)d;
    }
    *n = cnt;
    return out;
}

int cli_print_json(cJSON *v) {
    char *s = bcml__json_print(v);
    if (!s) return cli_fail("out of memory writing JSON");
    fputs(s, stdout);
    fputc('\n', stdout);
    free(s);
    return 0;
}

int cli_print_text(const char *json_text) {
    fputs(json_text, stdout);
    fputc('\n', stdout);
    return 0;
}
