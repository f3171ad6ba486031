/* config.c - the parts of command configs that several commands share: datasets, models, optimizers,
 * losses, and flags that override config keys. */
#include "cli.h"
#include "../jsonutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void cli_free_data(cli_data *d) {
    free(d->x);
    free(d->y);
    memset(d, 0, sizeof *d);
}

/* A dataset from {"builtin": name, "n", "seed"}, {"file": "data.json"} or inline {"x", "y"};
 * "fraction" keeps the first part of the instances (e.g. h1 trained on 20% of the data). */
int cli_load_data(const cJSON *spec, const char *what, cli_data *d, bcml_error *e) {
    static const char *const keys[] = {"builtin", "n", "seed", "file", "x", "y", "fraction", NULL};
    memset(d, 0, sizeof *d);
    char where[64];
    snprintf(where, sizeof where, "\"%s\"", what);
    if (!cJSON_IsObject(spec)) {
        snprintf(e->msg, sizeof e->msg, "%s must be an object: {\"builtin\": name} or {\"file\": path} or {\"x\", \"y\"}", where);
        return 1;
    }
    if (bcml__json_only_keys(spec, keys, where, e)) return 1;
    double fraction;
    if (bcml__json_num(spec, "fraction", 0, 1.0, 1e-9, 1.0, where, &fraction, e)) return 1;
    const cJSON *builtin = cJSON_GetObjectItemCaseSensitive(spec, "builtin");
    const cJSON *file = cJSON_GetObjectItemCaseSensitive(spec, "file");
    if (builtin) {
        int64_t n, seed;
        int classes;
        if (!cJSON_IsString(builtin)) { snprintf(e->msg, sizeof e->msg, "%s: \"builtin\" must be a name", where); return 1; }
        if (bcml__json_int(spec, "n", 0, 1000, 1, 100000000, where, &n, e) ||
            bcml__json_int(spec, "seed", 0, 0, 0, 9007199254740991LL, where, &seed, e))
            return 1;
        if (bcml_dataset_builtin(builtin->valuestring, n, (uint64_t)seed, &d->x, &d->y, &d->dim, &classes, e)) return 1;
        d->n = n;
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
        if (!d->x || !d->y) { cli_free_data(d); return 1; }
        d->dim = cols;
        if (ny != d->n) {
            snprintf(e->msg, sizeof e->msg, "%s: \"x\" has %lld rows but \"y\" has %lld labels", where, (long long)d->n,
                     (long long)ny);
            cli_free_data(d);
            return 1;
        }
    }
    int64_t keep = (int64_t)llround(fraction * (double)d->n);
    d->n = keep < 1 ? 1 : keep;
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
    char *text = cJSON_PrintUnformatted(spec);
    int rc = bcml_model_create(text, seed, m, e) != BCML_OK;
    free(text);
    return rc;
}

int cli_parse_optimizer(const cJSON *j, bcml_optimizer_opts *o, bcml_error *e) {
    static const char *const keys[] = {"name", "lr", "momentum", "dampening", "nesterov", "weight_decay", "betas", "eps",
                                       NULL};
    bcml_optimizer_kind kind = BCML_OPT_SGD;
    if (!j) { bcml_optimizer_opts_init(o, kind); return 0; }
    if (!cJSON_IsObject(j)) { snprintf(e->msg, sizeof e->msg, "\"optimizer\" must be an object"); return 1; }
    if (bcml__json_only_keys(j, keys, "\"optimizer\"", e)) return 1;
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(j, "name");
    if (name && (!cJSON_IsString(name) || bcml_optimizer_from_name(name->valuestring, &kind, e))) {
        if (!cJSON_IsString(name)) snprintf(e->msg, sizeof e->msg, "\"optimizer\": \"name\" must be sgd or adam");
        return 1;
    }
    bcml_optimizer_opts_init(o, kind);
    const cJSON *nes = cJSON_GetObjectItemCaseSensitive(j, "nesterov");
    if (nes && !cJSON_IsBool(nes)) { snprintf(e->msg, sizeof e->msg, "\"optimizer\": \"nesterov\" must be true or false"); return 1; }
    o->nesterov = nes && cJSON_IsTrue(nes);
    const cJSON *betas = cJSON_GetObjectItemCaseSensitive(j, "betas");
    if (betas) {
        if (!cJSON_IsArray(betas) || cJSON_GetArraySize(betas) != 2 || !cJSON_IsNumber(betas->child) ||
            !cJSON_IsNumber(betas->child->next)) {
            snprintf(e->msg, sizeof e->msg, "\"optimizer\": \"betas\" must be two numbers");
            return 1;
        }
        o->beta1 = betas->child->valuedouble;
        o->beta2 = betas->child->next->valuedouble;
    }
    return bcml__json_num(j, "lr", 0, o->lr, 1e-30, 1e6, "\"optimizer\"", &o->lr, e) ||
           bcml__json_num(j, "momentum", 0, 0, 0, 1e6, "\"optimizer\"", &o->momentum, e) ||
           bcml__json_num(j, "dampening", 0, 0, 0, 1, "\"optimizer\"", &o->dampening, e) ||
           bcml__json_num(j, "weight_decay", 0, 0, 0, 1e6, "\"optimizer\"", &o->weight_decay, e) ||
           bcml__json_num(j, "eps", 0, o->eps, 1e-30, 1, "\"optimizer\"", &o->eps, e);
}

int cli_parse_loss(const cJSON *j, int binary_model, bcml_loss_opts *o, bcml_error *e) {
    static const char *const keys[] = {"name", "lambda_c", "pivot", "alpha", "beta", "temperature", NULL};
    bcml_loss_kind kind = binary_model ? BCML_LOSS_BCE : BCML_LOSS_CROSS_ENTROPY;
    const cJSON *name = cJSON_IsString(j) ? j : cJSON_GetObjectItemCaseSensitive(j, "name");
    if (j && !cJSON_IsString(j) && !cJSON_IsObject(j)) {
        snprintf(e->msg, sizeof e->msg, "\"loss\" must be a loss name or an object with \"name\"");
        return 1;
    }
    if (cJSON_IsObject(j) && bcml__json_only_keys(j, keys, "\"loss\"", e)) return 1;
    if (name && (!cJSON_IsString(name) || bcml_loss_from_name(name->valuestring, &kind, e))) {
        if (!cJSON_IsString(name)) snprintf(e->msg, sizeof e->msg, "\"loss\": \"name\" must be a string");
        return 1;
    }
    bcml_loss_opts_init(o, kind);
    if (!cJSON_IsObject(j)) return 0;
    return bcml__json_num(j, "lambda_c", 0, o->lambda_c, 0, 1e30, "\"loss\"", &o->lambda_c, e) ||
           bcml__json_num(j, "pivot", 0, o->pivot, 1e-9, 1 - 1e-9, "\"loss\"", &o->pivot, e) ||
           bcml__json_num(j, "alpha", 0, o->alpha, 0, 1e30, "\"loss\"", &o->alpha, e) ||
           bcml__json_num(j, "beta", 0, o->beta, 0, 1e30, "\"loss\"", &o->beta, e) ||
           bcml__json_num(j, "temperature", 0, o->temperature, 1e-6, 1e6, "\"loss\"", &o->temperature, e);
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
            v = cJSON_CreateNumber(d);
        } else {
            v = cJSON_CreateString(a->set_value[i]);
        }
        if (set_path(cfg, a->set_path[i], v)) return cli_fail("cannot set %s: the config has another kind of value there", a->set_path[i]);
    }
    return 0;
}
