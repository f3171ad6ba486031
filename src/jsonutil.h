/* jsonutil.h - reading typed, range-checked values from cJSON objects with errors that say where. */
#ifndef BCML_JSONUTIL_H
#define BCML_JSONUTIL_H

#include "internal.h"
#include <cjson/cJSON.h>

/* Fails when obj has a key not in the NULL-terminated list `allowed`. */
bcml_status bcml__json_only_keys(const cJSON *obj, const char *const *allowed, const char *where, bcml_error *err);
/* Integer member in [lo, hi]; def when absent (required: absent is an error). */
bcml_status bcml__json_int(const cJSON *obj, const char *key, int required, int64_t def, int64_t lo, int64_t hi,
                           const char *where, int64_t *out, bcml_error *err);
/* Finite number member in [lo, hi]; def when absent. */
bcml_status bcml__json_num(const cJSON *obj, const char *key, int required, double def, double lo, double hi,
                           const char *where, double *out, bcml_error *err);
/* A number node that prints the shortest digits reading back as exactly v (cJSON's own printer rounds
 * to 15 digits when that is "close enough"): 0.8999999999999999 stays itself. NaN and Inf become null. */
cJSON *bcml__json_number(double v);
void bcml__json_add_number(cJSON *obj, const char *key, double v);
/* Prints a tree compactly with every number exact (see bcml__json_number), parsed ones included. */
char *bcml__json_print(cJSON *tree);
/* JSON text built by appending, for the large lists of an evaluation: one raw node instead of a node per
 * number. Appends after a failed allocation do nothing; bcml__text_raw then returns NULL. */
typedef struct {
    char *buf;
    size_t len, cap;
    int failed;
} bcml__text;
void bcml__text_put(bcml__text *t, const char *s, size_t n);
void bcml__text_str(bcml__text *t, const char *s);
void bcml__text_num(bcml__text *t, double v);         /* as bcml__json_number prints it */
void bcml__text_quoted(bcml__text *t, const char *s); /* a JSON string, escaped as cJSON escapes */
/* A raw node that takes over the text (NULL text: "[]"); the builder is left empty. NULL when out of memory. */
cJSON *bcml__text_raw(bcml__text *t);
void bcml__text_free(bcml__text *t);
/* Parses text; on failure names the line and column. */
bcml_status bcml__json_parse(const char *text, const char *what, cJSON **out, bcml_error *err);

#endif /* BCML_JSONUTIL_H */
