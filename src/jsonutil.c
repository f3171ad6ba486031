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
    /* when 15 digits do not read back as v, fewer do not either (except perhaps beside a power of two, where
     * the 16- or 17-digit form found instead reads back exactly too): try 16, then 17 */
    snprintf(buf, 32, "%.15g", v);
    if (strtod(buf, NULL) != v) {
        snprintf(buf, 32, "%.16g", v);
        if (strtod(buf, NULL) != v) snprintf(buf, 32, "%.17g", v);
        return;
    }
    for (int p = 1; p <= 15; p++) {
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

/* the printed size, near enough that the printer's buffer need not grow (and so double) on large raw lists */
static size_t print_size(const cJSON *t) {
    size_t n = 8 + (t->string ? strlen(t->string) + 3 : 0);
    if ((cJSON_IsRaw(t) || cJSON_IsString(t)) && t->valuestring) n += strlen(t->valuestring) * (cJSON_IsString(t) ? 2 : 1);
    else if (cJSON_IsNumber(t)) n += 32;
    for (const cJSON *c = t->child; c; c = c->next) n += print_size(c);
    return n;
}

char *bcml__json_print(cJSON *tree) {
    if (!tree || !exact_numbers(tree)) return NULL;
    size_t size = print_size(tree);
    return size < 0x7fffffff ? cJSON_PrintBuffered(tree, (int)size, 0) : cJSON_PrintUnformatted(tree);
}

void bcml__text_put(bcml__text *t, const char *s, size_t n) {
    if (t->failed) return;
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 256;
        while (cap < t->len + n + 1) cap *= 2;
        char *b = realloc(t->buf, cap); /* cJSON frees raw text with free(): no hooks are installed */
        if (!b) { t->failed = 1; return; }
        t->buf = b;
        t->cap = cap;
    }
    memcpy(t->buf + t->len, s, n);
    t->len += n;
    t->buf[t->len] = 0;
}

void bcml__text_str(bcml__text *t, const char *s) { bcml__text_put(t, s, strlen(s)); }

void bcml__text_num(bcml__text *t, double v) {
    char buf[32];
    if (isfinite(v)) shortest(v, buf);
    else strcpy(buf, "null");
    bcml__text_str(t, buf);
}

void bcml__text_quoted(bcml__text *t, const char *s) {
    bcml__text_put(t, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        const char *esc = NULL;
        char u[8];
        switch (*p) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default:
            if (*p < 32) { snprintf(u, sizeof u, "\\u%04x", *p); esc = u; }
        }
        if (esc) bcml__text_str(t, esc);
        else bcml__text_put(t, (const char *)p, 1);
    }
    bcml__text_put(t, "\"", 1);
}

cJSON *bcml__text_raw(bcml__text *t) {
    if (!t->buf && !t->failed) bcml__text_str(t, "[]");
    cJSON *item = t->failed ? NULL : cJSON_CreateRaw("");
    if (item) {
        free(item->valuestring);
        item->valuestring = t->buf;
    } else {
        free(t->buf);
    }
    memset(t, 0, sizeof *t);
    return item;
}

void bcml__text_free(bcml__text *t) {
    free(t->buf);
    memset(t, 0, sizeof *t);
}

void bcml__json_add_number(cJSON *obj, const char *key, double v) { cJSON_AddItemToObject(obj, key, bcml__json_number(v)); }
