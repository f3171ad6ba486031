/* jsonutil.c - checked access to JSON values. */
#include "jsonutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bcml_status bcml__json_only_keys(const cJSON *obj, const char *const *allowed, const char *where, bcml_error *err) {
    const cJSON *it;
    cJSON_ArrayForEach(it, obj) {
        int ok = 0;
        for (const char *const *a = allowed; *a; a++)
            if (it->string && strcmp(it->string, *a) == 0) ok = 1;
        if (!ok) {
            char list[256] = "";
            for (const char *const *a = allowed; *a; a++) {
                if (a != allowed) strncat(list, ", ", sizeof list - strlen(list) - 1);
                strncat(list, *a, sizeof list - strlen(list) - 1);
            }
            return bcml__fail(err, BCML_EINVAL, "%s: unknown key \"%s\" (known: %s)", where,
                              it->string ? it->string : "?", list);
        }
    }
    return BCML_OK;
}

bcml_status bcml__json_num(const cJSON *obj, const char *key, int required, double def, double lo, double hi,
                           const char *where, double *out, bcml_error *err) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v || cJSON_IsNull(v)) {
        if (required) return bcml__fail(err, BCML_EINVAL, "%s: missing \"%s\"", where, key);
        *out = def;
        return BCML_OK;
    }
    if (!cJSON_IsNumber(v)) return bcml__fail(err, BCML_EINVAL, "%s: \"%s\" must be a number", where, key);
    double d = v->valuedouble;
    if (!isfinite(d) || d < lo || d > hi)
        return bcml__fail(err, BCML_EINVAL, "%s: \"%s\" is %g, expected a value in [%g, %g]", where, key, d, lo, hi);
    *out = d;
    return BCML_OK;
}

bcml_status bcml__json_int(const cJSON *obj, const char *key, int required, int64_t def, int64_t lo, int64_t hi,
                           const char *where, int64_t *out, bcml_error *err) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!required && (!v || cJSON_IsNull(v))) {
        *out = def;
        return BCML_OK;
    }
    double d = 0;
    bcml_status s = bcml__json_num(obj, key, required, (double)def, -9007199254740992.0, 9007199254740992.0, where, &d, err);
    if (s) return s;
    if (d != floor(d)) return bcml__fail(err, BCML_EINVAL, "%s: \"%s\" must be a whole number, got %g", where, key, d);
    if (d < (double)lo || d > (double)hi)
        return bcml__fail(err, BCML_EINVAL, "%s: \"%s\" is %.0f, expected %lld to %lld", where, key, d, (long long)lo,
                          (long long)hi);
    *out = (int64_t)d;
    return BCML_OK;
}

bcml_status bcml__json_parse(const char *text, const char *what, cJSON **out, bcml_error *err) {
    const char *end = NULL;
    *out = cJSON_ParseWithOpts(text, &end, 1);
    if (*out) return BCML_OK;
    if (!end) return bcml__fail(err, BCML_ENOMEM, "%s: out of memory while parsing JSON", what);
    int line = 1, col = 1;
    for (const char *p = text; p < end && *p; p++) {
        if (*p == '\n') { line++; col = 1; } else col++;
    }
    return bcml__fail(err, BCML_EFORMAT, "%s: invalid JSON at line %d, column %d", what, line, col);
}

/* Digits of a whole number below 1e15, without printf: cJSON prints every number with sprintf and checks it
 * with sscanf, which dominated writing large evaluation records. */
static void whole(double v, char buf[32]) {
    char tmp[24];
    int n = 0, neg = v < 0;
    uint64_t u = (uint64_t)(neg ? -v : v);
    do { tmp[n++] = (char)('0' + u % 10); u /= 10; } while (u);
    int k = 0;
    if (neg) buf[k++] = '-';
    while (n) buf[k++] = tmp[--n];
    buf[k] = 0;
}

static int is_whole(double v) { return v == floor(v) && fabs(v) < 1e15; }

static void shortest(double v, char buf[32]) {
    if (is_whole(v)) { whole(v, buf); return; }
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, 32, "%.*g", p, v);
        if (strtod(buf, NULL) == v) break;
    }
}

cJSON *bcml__json_number(double v) {
    if (!isfinite(v)) return cJSON_CreateNull();
    char buf[32];
    shortest(v, buf);
    return cJSON_CreateRaw(buf);
}

/* turns every non-integer number node of t (and below it) into a raw node holding its exact digits */
static int exact_numbers(cJSON *t) {
    if (cJSON_IsNumber(t) && isfinite(t->valuedouble)) {
        char buf[32];
        shortest(t->valuedouble, buf);
        size_t n = strlen(buf) + 1;
        char *raw = cJSON_malloc(n);
        if (!raw) return 0;
        memcpy(raw, buf, n);
        t->type = cJSON_Raw | (t->type & cJSON_StringIsConst);
        t->valuestring = raw;
    }
    for (cJSON *c = t->child; c; c = c->next)
        if (!exact_numbers(c)) return 0;
    return 1;
}

char *bcml__json_print(cJSON *tree) {
    if (!tree || !exact_numbers(tree)) return NULL;
    return cJSON_PrintUnformatted(tree);
}

void bcml__json_add_number(cJSON *obj, const char *key, double v) { cJSON_AddItemToObject(obj, key, bcml__json_number(v)); }
