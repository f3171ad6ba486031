/* config.c - the parts of command configs that several commands share: datasets, models, optimizers,
 * losses, and flags that override config keys. */
#include "cli.h"
#include "../jsonutil.h"
#include "../internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void cli_free_data(cli_data *d) {
    free(d->x);
    free(d->y);
    free(d->ids);
    for (int i = 0; d->slices && i < d->num_slices; i++) bcml_slice_column_free(&d->slices[i]);
    free(d->slices);
    bcml_encoder_free(d->encoder);
    memset(d, 0, sizeof *d);
}

static int read_bytes(const char *path, unsigned char **b, size_t *len, const char *where, bcml_error *e) {
    char *data = NULL;
    if (bcml__read_file(path, &data, len, e)) {
        char msg[sizeof e->msg];
        snprintf(msg, sizeof msg, "%.60s: %.400s", where, e->msg);
        memcpy(e->msg, msg, sizeof msg);
        return 1;
    }
    *b = (unsigned char *)data;
    return 0;
}

/* An array from a file by its format: "npy", "npz" (member), "idx". */
static int read_array(const char *fmt, const char *path, const char *member, const char *where, bcml_array *a, bcml_error *e) {
    unsigned char *b = NULL;
    size_t len;
    if (read_bytes(path, &b, &len, where, e)) return 1;
    bcml_status s = strcmp(fmt, "npz") == 0 ? bcml_npz_read(b, len, member, path, a, e)
                    : strcmp(fmt, "idx") == 0 ? bcml_idx_read(b, len, path, a, e)
                                             : bcml_npy_read(b, len, path, a, e);
    free(b);
    return s != BCML_OK;
}

/* Features [n, ...] and labels [n] arrays into d; images keep their [C,H,W] shape. */
static int take_arrays(bcml_array *x, bcml_array *y, double scale, const char *where, cli_data *d, bcml_error *e) {
    if (y->ndim != 1 && !(y->ndim == 2 && y->shape[1] == 1)) {
        snprintf(e->msg, sizeof e->msg, "%s: labels must be a vector, got %d dimensions", where, y->ndim);
        return 1;
    }
    if (x->shape[0] != y->shape[0]) {
        snprintf(e->msg, sizeof e->msg, "%s: %lld feature rows but %lld labels", where, (long long)x->shape[0], (long long)y->shape[0]);
        return 1;
    }
    d->n = x->shape[0];
    d->dim = bcml_array_row_size(x);
    if (x->ndim == 3) { d->shape[0] = 1; d->shape[1] = (int)x->shape[1]; d->shape[2] = (int)x->shape[2]; }
    else if (x->ndim == 4) { d->shape[0] = (int)x->shape[1]; d->shape[1] = (int)x->shape[2]; d->shape[2] = (int)x->shape[3]; }
    if (!(d->y = malloc((size_t)d->n * sizeof(int32_t)))) { snprintf(e->msg, sizeof e->msg, "out of memory"); return 1; }
    for (int64_t i = 0; i < d->n; i++) {
        float v = y->data[i];
        if (v < 0 || v != floorf(v) || v > 2147483647.0f) {
            snprintf(e->msg, sizeof e->msg, "%s: label %lld is %g; labels must be whole numbers >= 0", where, (long long)i, v);
            return 1;
        }
        d->y[i] = (int32_t)v;
    }
    d->x = x->data;
    x->data = NULL;
    if (scale != 1.0)
        for (int64_t i = 0; i < d->n * d->dim; i++) d->x[i] = (float)(d->x[i] * scale);
    return 0;
}

static int string_list(const cJSON *j, const char *key, const char *where, const char ***out, int *n, bcml_error *e) {
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(j, key), *it;
    *out = NULL;
    *n = 0;
    if (!a) return 0;
    if (!cJSON_IsArray(a)) { snprintf(e->msg, sizeof e->msg, "%s: \"%s\" must be a list of column names", where, key); return 1; }
    *out = malloc((size_t)(cJSON_GetArraySize(a) + 1) * sizeof(char *));
    cJSON_ArrayForEach(it, a) {
        if (!cJSON_IsString(it)) { snprintf(e->msg, sizeof e->msg, "%s: \"%s\" must list column names", where, key); return 1; }
        (*out)[(*n)++] = it->valuestring;
    }
    return 0;
}

static int load_csv(const cJSON *spec, const char *path, const char *where, const bcml_encoder *enc, cli_data *d, bcml_error *e) {
    bcml_csv_options o;
    memset(&o, 0, sizeof o);
    const cJSON *label = cJSON_GetObjectItemCaseSensitive(spec, "label"), *id = cJSON_GetObjectItemCaseSensitive(spec, "id");
    const cJSON *delim = cJSON_GetObjectItemCaseSensitive(spec, "delimiter");
    if (!cJSON_IsString(label)) { snprintf(e->msg, sizeof e->msg, "%s: \"label\" (the label column) is required", where); return 1; }
    if (id && !cJSON_IsString(id)) { snprintf(e->msg, sizeof e->msg, "%s: \"id\" must be a column name", where); return 1; }
    if (delim && (!cJSON_IsString(delim) || strlen(delim->valuestring) != 1)) {
        snprintf(e->msg, sizeof e->msg, "%s: \"delimiter\" must be one character", where);
        return 1;
    }
    o.label = label->valuestring;
    o.id = id ? id->valuestring : NULL;
    o.delimiter = delim ? delim->valuestring[0] : ',';
    const char **slices = NULL, **ignore = NULL;
    int rc = string_list(spec, "slices", where, &slices, &o.num_slices, e) || string_list(spec, "ignore", where, &ignore, &o.num_ignore, e);
    o.slices = slices;
    o.ignore = ignore;
    unsigned char *b = NULL;
    size_t len;
    bcml_table t;
    if (!rc) rc = read_bytes(path, &b, &len, where, e);
    if (!rc) rc = bcml_csv_read((const char *)b, len, path, &o, enc, &t, enc ? NULL : &d->encoder, e) != BCML_OK;
    free(b);
    free(slices);
    free(ignore);
    if (rc) return 1;
    d->n = t.n;
    d->dim = t.dim;
    d->x = t.x;
    d->y = t.y;
    d->ids = t.ids;
    d->slices = t.slices;
    d->num_slices = t.num_slices;
    t.x = NULL;
    t.y = NULL;
    t.ids = NULL;
    t.slices = NULL;
    t.num_slices = 0;
    bcml_table_free(&t);
    return 0;
}

/* "start" and "fraction" of a dataset spec: the rows from start*n up to fraction*n (e.g. the second half: 0.5
 * to 1). 0, or -1 with e filled when they are out of range or leave no rows (n < 0: the ranges only). */
static int row_range(const cJSON *spec, const char *where, int64_t n, int64_t *from, int64_t *to, bcml_error *e) {
    double start, fraction;
    if (bcml__json_num(spec, "start", 0, 0.0, 0.0, 1.0, where, &start, e) ||
        bcml__json_num(spec, "fraction", 0, 1.0, 1e-9, 1.0, where, &fraction, e))
        return -1;
    *from = (int64_t)llround(start * (double)n);
    *to = (int64_t)llround(fraction * (double)n);
    if (n >= 0 && *to - *from < 1) {
        snprintf(e->msg, sizeof e->msg, "%s: \"start\" %g and \"fraction\" %g leave no rows", where, start, fraction);
        return -1;
    }
    return 0;
}

int cli_same_rows(const cJSON *spec, const cJSON *of, const char *what, int64_t n, int64_t *from, int64_t *to, bcml_error *e) {
    if (!cJSON_IsObject(spec) || !cJSON_IsObject(of) || cJSON_GetObjectItemCaseSensitive(of, "start") ||
        cJSON_GetObjectItemCaseSensitive(of, "fraction"))
        return 0;
    cJSON *rest = cJSON_Duplicate(spec, 1);
    cJSON_DeleteItemFromObjectCaseSensitive(rest, "start");
    cJSON_DeleteItemFromObjectCaseSensitive(rest, "fraction");
    int same = rest && cJSON_Compare(rest, of, 1);
    cJSON_Delete(rest);
    char where[64];
    snprintf(where, sizeof where, "\"%s\"", what);
    return !same ? 0 : row_range(spec, where, n, from, to, e) ? -1 : 1;
}

int cli_load_data(const cJSON *spec, const char *what, const bcml_encoder *enc, cli_data *d, bcml_error *e) {
    static const char *const keys[] = {"builtin", "n", "seed", "file", "x", "y", "fraction", "start", "positive", "csv", "label", "id",
                                       "slices", "ignore", "delimiter", "npy", "npz", "idx", "scale", NULL};
    memset(d, 0, sizeof *d);
    char where[64];
    snprintf(where, sizeof where, "\"%s\"", what);
    if (!cJSON_IsObject(spec)) {
        snprintf(e->msg, sizeof e->msg, "%s must be an object: {\"builtin\"}, {\"csv\"}, {\"npy\"}, {\"npz\"}, {\"idx\"}, "
                 "{\"file\"} or {\"x\", \"y\"}", where);
        return 1;
    }
    if (bcml__json_only_keys(spec, keys, where, e)) return 1;
    if (cJSON_GetObjectItemCaseSensitive(spec, "csv") && cJSON_GetObjectItemCaseSensitive(spec, "positive")) {
        /* the CSV's class names would no longer match the labels */
        snprintf(e->msg, sizeof e->msg, "%s: \"positive\" is for numeric labels; for a CSV, make the label column binary", where);
        return 1;
    }
    double scale;
    const cJSON *builtin = cJSON_GetObjectItemCaseSensitive(spec, "builtin"), *file = cJSON_GetObjectItemCaseSensitive(spec, "file");
    const cJSON *csv = cJSON_GetObjectItemCaseSensitive(spec, "csv"), *npy = cJSON_GetObjectItemCaseSensitive(spec, "npy");
    const cJSON *npz = cJSON_GetObjectItemCaseSensitive(spec, "npz"), *idx = cJSON_GetObjectItemCaseSensitive(spec, "idx");
    int64_t from, to;
    if (row_range(spec, where, -1, &from, &to, e) || /* the ranges, checked before anything is read */
        bcml__json_num(spec, "scale", 0, idx ? 1.0 / 255 : 1.0, -1e30, 1e30, where, &scale, e))
        return 1;
    int rc = 0;
    d->shape[0] = 0;
    if (builtin) {
        int64_t n, seed;
        int classes;
        if (!cJSON_IsString(builtin)) { snprintf(e->msg, sizeof e->msg, "%s: \"builtin\" must be a name", where); return 1; }
        if (bcml__json_int(spec, "n", 0, 1000, 1, 100000000, where, &n, e) ||
            bcml__json_int(spec, "seed", 0, 0, 0, 9007199254740991LL, where, &seed, e))
            return 1;
        if (bcml_dataset_builtin(builtin->valuestring, n, (uint64_t)seed, &d->x, &d->y, &d->dim, &classes, e)) return 1;
        d->n = n;
    } else if (csv) {
        if (!cJSON_IsString(csv)) { snprintf(e->msg, sizeof e->msg, "%s: \"csv\" must be a path", where); return 1; }
        rc = load_csv(spec, csv->valuestring, where, enc, d, e);
    } else if (npy || idx) {
        /* {"npy": {"x": path, "y": path}} or {"idx": {"images": path, "labels": path}} */
        const cJSON *pair = npy ? npy : idx;
        const cJSON *xp = cJSON_GetObjectItemCaseSensitive(pair, npy ? "x" : "images");
        const cJSON *yp = cJSON_GetObjectItemCaseSensitive(pair, npy ? "y" : "labels");
        if (!cJSON_IsString(xp) || !cJSON_IsString(yp)) {
            snprintf(e->msg, sizeof e->msg, npy ? "%s: \"npy\" must be {\"x\": path, \"y\": path}"
                                                : "%s: \"idx\" must be {\"images\": path, \"labels\": path}", where);
            return 1;
        }
        bcml_array x = {0}, y = {0};
        rc = read_array(npy ? "npy" : "idx", xp->valuestring, NULL, where, &x, e) ||
             read_array(npy ? "npy" : "idx", yp->valuestring, NULL, where, &y, e) || take_arrays(&x, &y, scale, where, d, e);
        bcml_array_free(&x);
        bcml_array_free(&y);
    } else if (npz) {
        /* {"npz": path, "x": member, "y": member} */
        const cJSON *xm = cJSON_GetObjectItemCaseSensitive(spec, "x"), *ym = cJSON_GetObjectItemCaseSensitive(spec, "y");
        if (!cJSON_IsString(npz)) { snprintf(e->msg, sizeof e->msg, "%s: \"npz\" must be a path", where); return 1; }
        bcml_array x = {0}, y = {0};
        rc = read_array("npz", npz->valuestring, cJSON_IsString(xm) ? xm->valuestring : "x", where, &x, e) ||
             read_array("npz", npz->valuestring, cJSON_IsString(ym) ? ym->valuestring : "y", where, &y, e) ||
             take_arrays(&x, &y, scale, where, d, e);
        bcml_array_free(&x);
        bcml_array_free(&y);
    } else {
        cJSON *doc = NULL;
        const cJSON *src = spec;
        if (file) {
            if (!cJSON_IsString(file)) { snprintf(e->msg, sizeof e->msg, "%s: \"file\" must be a path", where); return 1; }
            if (!(doc = cli_read_json(file->valuestring))) {
                snprintf(e->msg, sizeof e->msg, "%s: cannot load %s", where, file->valuestring);
                return 1;
            }
            src = doc;
        }
        int cols;
        int64_t ny;
        d->x = cli_matrix(cJSON_GetObjectItemCaseSensitive(src, "x"), "x", &d->n, &cols, e);
        d->y = d->x ? cli_labels(cJSON_GetObjectItemCaseSensitive(src, "y"), "y", &ny, e) : NULL;
        cJSON_Delete(doc);
        rc = !d->x || !d->y;
        d->dim = cols;
        if (!rc && ny != d->n) {
            snprintf(e->msg, sizeof e->msg, "%s: \"x\" has %lld rows but \"y\" has %lld labels", where, (long long)d->n,
                     (long long)ny);
            rc = 1;
        }
    }
    if (rc) { cli_free_data(d); return 1; }
    if (d->shape[0] == 0) { d->shape[0] = (int)d->dim; d->shape[1] = d->shape[2] = 1; }
    int64_t positive;
    if (row_range(spec, where, d->n, &from, &to, e) || bcml__json_int(spec, "positive", 0, -1, 0, 2147483647, where, &positive, e)) {
        cli_free_data(d);
        return 1;
    }
    if (from > 0) {
        memmove(d->x, d->x + from * d->dim, (size_t)(to - from) * (size_t)d->dim * sizeof(float));
        memmove(d->y, d->y + from, (size_t)(to - from) * sizeof(int32_t));
        if (d->ids) memmove(d->ids, d->ids + from, (size_t)(to - from) * sizeof(int64_t));
        for (int k = 0; k < d->num_slices; k++)
            memmove((int32_t *)d->slices[k].value, d->slices[k].value + from, (size_t)(to - from) * sizeof(int32_t));
    }
    d->n = to - from;
    /* "positive": k turns the labels into a binary task, 1 for class k (the original's "digit == 3") */
    if (positive >= 0)
        for (int64_t i = 0; i < d->n; i++) d->y[i] = d->y[i] == positive;
    return 0;
}

int cli_load_model(const cJSON *cfg, const char *key_spec, const char *key_file, uint64_t seed, bcml_model **m,
                      bcml_error *e) {
    const cJSON *spec = cJSON_GetObjectItemCaseSensitive(cfg, key_spec);
    const cJSON *file = cJSON_GetObjectItemCaseSensitive(cfg, key_file);
    if (file) {
        if (!cJSON_IsString(file)) { snprintf(e->msg, sizeof e->msg, "\"%s\" must be a path", key_file); return 1; }
        return bcml_model_load_file(file->valuestring, m, e) != BCML_OK;
    }
    if (!spec) { snprintf(e->msg, sizeof e->msg, "missing \"%s\" (a model spec) or \"%s\"", key_spec, key_file); return 1; }
    char *text = bcml__json_print((cJSON *)spec) /* exact digits; not read again */;
    int rc = bcml_model_create(text, seed, m, e) != BCML_OK;
    free(text);
    return rc;
}

/* Sets root.a.b... = value, making objects on the way; a string in the way (a loss or optimizer given by
 * name) becomes {"name": string}. */
static int set_path(cJSON *root, const char *path, cJSON *value) {
    char key[64];
    const char *dot = strchr(path, '.');
    if (!dot) {
        if (cJSON_GetObjectItemCaseSensitive(root, path)) cJSON_ReplaceItemInObjectCaseSensitive(root, path, value);
        else cJSON_AddItemToObject(root, path, value);
        return 0;
    }
    snprintf(key, sizeof key, "%.*s", (int)(dot - path), path);
    cJSON *child = cJSON_GetObjectItemCaseSensitive(root, key);
    if (cJSON_IsString(child)) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", child->valuestring);
        cJSON_ReplaceItemInObjectCaseSensitive(root, key, o);
        child = o;
    } else if (!child) {
        child = cJSON_AddObjectToObject(root, key);
    } else if (!cJSON_IsObject(child)) {
        cJSON_Delete(value);
        return 1;
    }
    return set_path(child, dot + 1, value);
}

int cli_apply_overrides(cJSON *cfg, const cli_args *a) {
    for (int i = 0; i < a->nsets; i++) {
        cJSON *v;
        if (a->set_is_number[i]) {
            char *end;
            double d = strtod(a->set_value[i], &end);
            if (*a->set_value[i] == 0 || *end != 0 || !isfinite(d))
                return cli_fail("the option for %s needs a number, got \"%s\"", a->set_path[i], a->set_value[i]);
            v = cJSON_CreateNumber(d); /* read back as a number by the command, not printed */
        } else {
            v = cJSON_CreateString(a->set_value[i]);
        }
        if (set_path(cfg, a->set_path[i], v)) return cli_fail("cannot set %s: the config has another kind of value there", a->set_path[i]);
    }
    return 0;
}

bcml_encoder *cli_model_encoding(const char *model_path, bcml_error *e, int *failed) {
    *failed = 0;
    if (!model_path) return NULL;
    char path[4096];
    snprintf(path, sizeof path, "%s.encoding.json", model_path);
    FILE *f = fopen(path, "rb");
    if (!f) {
        const char *slash = strrchr(model_path, '/');
        snprintf(path, sizeof path, "%.*sencoding.json", slash ? (int)(slash - model_path + 1) : 0, model_path);
        f = fopen(path, "rb");
    }
    if (!f) return NULL;
    fclose(f);
    char *text = cli_read_file(path, NULL);
    bcml_encoder *enc = NULL;
    if (!text || bcml_encoder_from_json(text, &enc, e)) {
        if (text) {
            char msg[sizeof e->msg];
            snprintf(msg, sizeof msg, "%.200s: %.300s", path, e->msg);
            memcpy(e->msg, msg, sizeof msg);
        } else {
            snprintf(e->msg, sizeof e->msg, "cannot read %.400s", path);
        }
        *failed = 1;
    }
    free(text);
    return enc;
}

int cli_save_encoding(const bcml_encoder *enc, const char *path, bcml_error *e) {
    char *json = NULL;
    if (!enc) return 0;
    if (bcml_encoder_to_json(enc, &json, e)) return 1;
    FILE *f = fopen(path, "wb");
    int ok = f && fputs(json, f) >= 0;
    if (f && fclose(f) != 0) ok = 0;
    bcml_free(json);
    if (!ok) snprintf(e->msg, sizeof e->msg, "cannot write %s", path);
    return !ok;
}

int cli_file_array(const cJSON *v, const char *what, bcml_array *a, bcml_error *e) {
    memset(a, 0, sizeof *a);
    if (cJSON_IsString(v)) return read_array("npy", v->valuestring, NULL, what, a, e);
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(v, "npz"), *m = cJSON_GetObjectItemCaseSensitive(v, "member");
    if (!cJSON_IsObject(v) || !cJSON_IsString(f) || !cJSON_IsString(m)) {
        snprintf(e->msg, sizeof e->msg, "\"%s\": arrays in a file are \"file.npy\" or {\"npz\": path, \"member\": name}", what);
        return 1;
    }
    return read_array("npz", f->valuestring, m->valuestring, what, a, e);
}

float *cli_array_outputs(bcml_array *a, const char *what, int64_t *rows, int *cols, bcml_error *e) {
    if (a->ndim > 2) {
        snprintf(e->msg, sizeof e->msg, "\"%s\": outputs must be [n] or [n, classes], got %d dimensions", what, a->ndim);
        bcml_array_free(a);
        return NULL;
    }
    *rows = a->shape[0];
    *cols = a->ndim == 2 ? (int)a->shape[1] : 1;
    return a->data;
}

float *cli_outputs(const cJSON *v, const char *what, int64_t *rows, int *cols, bcml_error *e) {
    if (!cJSON_IsString(v) && !cJSON_IsObject(v)) return cli_matrix(v, what, rows, cols, e);
    bcml_array a;
    if (cli_file_array(v, what, &a, e)) return NULL;
    return cli_array_outputs(&a, what, rows, cols, e);
}
