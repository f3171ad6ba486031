/* cmd_train.c - `bcml train` (train h2, optionally against h1 with a compatibility loss) and
 * `bcml predict` (a saved model's outputs on a dataset). */
#include "cli.h"
#include "../jsonutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    float *x;
    int32_t *y;
    int64_t n, dim;
} cli_data;

static void free_data(cli_data *d) {
    free(d->x);
    free(d->y);
    memset(d, 0, sizeof *d);
}

/* A dataset from {"builtin": name, "n", "seed"}, {"file": "data.json"} or inline {"x", "y"};
 * "fraction" keeps the first part of the instances (e.g. h1 trained on 20% of the data). */
static int load_data(const cJSON *spec, const char *what, cli_data *d, bcml_error *e) {
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
        if (!d->x || !d->y) { free_data(d); return 1; }
        d->dim = cols;
        if (ny != d->n) {
            snprintf(e->msg, sizeof e->msg, "%s: \"x\" has %lld rows but \"y\" has %lld labels", where, (long long)d->n,
                     (long long)ny);
            free_data(d);
            return 1;
        }
    }
    int64_t keep = (int64_t)llround(fraction * (double)d->n);
    d->n = keep < 1 ? 1 : keep;
    return 0;
}

static int load_model(const cJSON *cfg, const char *key_spec, const char *key_file, uint64_t seed, bcml_model **m,
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

static int parse_optimizer(const cJSON *j, bcml_optimizer_opts *o, bcml_error *e) {
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

static int parse_loss(const cJSON *j, int binary_model, bcml_loss_opts *o, bcml_error *e) {
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

/* Accuracy of model outputs against labels (threshold at logit 0 for a binary model). */
static double accuracy(const float *out, int c, const int32_t *y, int64_t n, int32_t *labels) {
    int64_t right = 0;
    bcml_outputs_to_labels(n, c, out, 0.0, labels, NULL);
    for (int64_t i = 0; i < n; i++) right += labels[i] == y[i];
    return n ? (double)right / n : NAN;
}

static void add_num(cJSON *o, const char *k, double v) {
    if (isfinite(v)) cJSON_AddNumberToObject(o, k, v);
    else cJSON_AddNullToObject(o, k);
}

int cmd_train(const cli_args *a) {
    static const char *const keys[] = {"data", "test", "model", "model_file", "h1", "epochs", "batch_size", "seed",
                                       "shuffle", "optimizer", "loss", "save", NULL};
    static const char *const h1_keys[] = {"model_file", "outputs", "probabilities", NULL};
    cJSON *cfg = cli_read_json(a->input), *out = NULL;
    if (!cfg) return 1;
    int rc = 1;
    bcml_error e = {0};
    cli_data train = {0}, test = {0};
    bcml_model *h2 = NULL, *h1 = NULL;
    float *h1_out = NULL, *pred = NULL;
    int32_t *lab1 = NULL, *lab2 = NULL;
    double *epoch_loss = NULL;
    bcml_train_opts o;
    bcml_train_opts_init(&o);
    int64_t v;
    if (!cJSON_IsObject(cfg)) { rc = cli_fail("train config must be a JSON object"); goto done; }
    if (bcml__json_only_keys(cfg, keys, "train config", &e)) goto fail;
    if (bcml__json_int(cfg, "seed", 0, 0, 0, 9007199254740991LL, "train config", &v, &e)) goto fail;
    o.seed = (uint64_t)v;
    if (bcml__json_int(cfg, "epochs", 0, 1, 0, 1000000, "train config", &v, &e)) goto fail;
    o.epochs = (int)v;
    if (bcml__json_int(cfg, "batch_size", 0, 64, 1, 1 << 20, "train config", &v, &e)) goto fail;
    o.batch_size = (int)v;
    const cJSON *sh = cJSON_GetObjectItemCaseSensitive(cfg, "shuffle");
    if (sh && !cJSON_IsBool(sh)) { rc = cli_fail("train config: \"shuffle\" must be true or false"); goto done; }
    o.shuffle = !sh || cJSON_IsTrue(sh);
    if (load_data(cJSON_GetObjectItemCaseSensitive(cfg, "data"), "data", &train, &e)) goto fail;
    const cJSON *jtest = cJSON_GetObjectItemCaseSensitive(cfg, "test");
    if (jtest && load_data(jtest, "test", &test, &e)) goto fail;
    if (load_model(cfg, "model", "model_file", o.seed, &h2, &e)) goto fail;
    int C = bcml_model_output_size(h2);
    if (parse_optimizer(cJSON_GetObjectItemCaseSensitive(cfg, "optimizer"), &o.optimizer, &e)) goto fail;
    if (parse_loss(cJSON_GetObjectItemCaseSensitive(cfg, "loss"), C == 1, &o.loss, &e)) goto fail;
    if (test.x && test.dim != train.dim) {
        rc = cli_fail("train config: \"test\" has %lld features, \"data\" has %lld", (long long)test.dim, (long long)train.dim);
        goto done;
    }

    const cJSON *jh1 = cJSON_GetObjectItemCaseSensitive(cfg, "h1");
    if (jh1) {
        if (!cJSON_IsObject(jh1)) { rc = cli_fail("train config: \"h1\" must be an object"); goto done; }
        if (bcml__json_only_keys(jh1, h1_keys, "\"h1\"", &e)) goto fail;
        if (cJSON_GetObjectItemCaseSensitive(jh1, "model_file")) {
            if (load_model(jh1, "-", "model_file", 0, &h1, &e)) goto fail;
            if (bcml_model_output_size(h1) != C || bcml_model_input_size(h1) != train.dim) {
                rc = cli_fail("train config: h1 has %lld inputs and %d outputs; h2 and the data need %lld and %d",
                              (long long)bcml_model_input_size(h1), bcml_model_output_size(h1), (long long)train.dim, C);
                goto done;
            }
            if (!(h1_out = malloc((size_t)train.n * C * sizeof(float)))) { rc = cli_fail("out of memory"); goto done; }
            if (bcml_model_predict(h1, train.x, train.n, h1_out, &e)) goto fail;
        } else {
            int64_t rows;
            int cols;
            if (!(h1_out = cli_matrix(cJSON_GetObjectItemCaseSensitive(jh1, "outputs"), "h1.outputs", &rows, &cols, &e)))
                goto fail;
            if (rows != train.n || cols != C) {
                rc = cli_fail("train config: \"h1\".\"outputs\" is %lldx%d, the training set needs %lldx%d", (long long)rows,
                              cols, (long long)train.n, C);
                goto done;
            }
            const cJSON *pr = cJSON_GetObjectItemCaseSensitive(jh1, "probabilities");
            o.h1_probabilities = pr && cJSON_IsTrue(pr);
        }
        o.h1_outputs = h1_out;
    }
    if (bcml_loss_uses_h1(o.loss.kind) && !h1_out) {
        rc = cli_fail("train config: loss %s needs \"h1\" ({\"model_file\": ...} or {\"outputs\": ...})",
                      bcml_loss_name(o.loss.kind));
        goto done;
    }
    if (!(epoch_loss = calloc((size_t)(o.epochs ? o.epochs : 1), sizeof(double)))) { rc = cli_fail("out of memory"); goto done; }
    bcml_dataset ds = {train.n, train.dim, train.x, train.y, NULL};
    int done_epochs = 0;
    if (bcml_train(h2, &ds, &o, epoch_loss, &done_epochs, &e)) goto fail;

    const cJSON *save = cJSON_GetObjectItemCaseSensitive(cfg, "save");
    const char *save_path = a->out ? a->out : (cJSON_IsString(save) ? save->valuestring : NULL);
    if (save && !cJSON_IsString(save)) { rc = cli_fail("train config: \"save\" must be a path"); goto done; }
    if (save_path && bcml_model_save_file(h2, save_path, &e)) goto fail;

    out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "loss", bcml_loss_name(o.loss.kind));
    if (bcml_loss_uses_h1(o.loss.kind)) cJSON_AddNumberToObject(out, "lambda_c", o.loss.lambda_c);
    cJSON_AddNumberToObject(out, "epochs", done_epochs);
    cJSON *el = cJSON_AddArrayToObject(out, "epoch_loss");
    for (int i = 0; i < done_epochs; i++) cJSON_AddItemToArray(el, cJSON_CreateNumber(epoch_loss[i]));
    cJSON_AddNumberToObject(out, "param_count", (double)bcml_model_param_count(h2));
    cJSON_AddNumberToObject(out, "train_size", (double)train.n);
    int64_t big = train.n > test.n ? train.n : test.n;
    if (!(pred = malloc((size_t)big * C * sizeof(float))) || !(lab1 = malloc((size_t)big * sizeof(int32_t))) ||
        !(lab2 = malloc((size_t)big * sizeof(int32_t)))) {
        rc = cli_fail("out of memory");
        goto done;
    }
    if (bcml_model_predict(h2, train.x, train.n, pred, &e)) goto fail;
    add_num(out, "train_accuracy", accuracy(pred, C, train.y, train.n, lab2));
    if (test.x) {
        cJSON *t = cJSON_AddObjectToObject(out, "test");
        cJSON_AddNumberToObject(t, "size", (double)test.n);
        if (bcml_model_predict(h2, test.x, test.n, pred, &e)) goto fail;
        add_num(t, "h2_accuracy", accuracy(pred, C, test.y, test.n, lab2));
        if (h1) {
            /* the update's compatibility on held-out data */
            if (bcml_model_predict(h1, test.x, test.n, pred, &e)) goto fail;
            accuracy(pred, C, test.y, test.n, lab1);
            bcml_counts k;
            bcml_compat cs;
            char *cj = NULL;
            if (bcml_counts_compute(test.n, lab1, lab2, test.y, &k, &e)) goto fail;
            bcml_compat_from_counts(&k, &cs);
            if (bcml_compat_json(&cs, &cj, &e)) goto fail;
            cJSON_AddItemToObject(t, "compatibility", cJSON_Parse(cj));
            bcml_free(cj);
        }
    }
    if (save_path) cJSON_AddStringToObject(out, "saved", save_path);
    if (a->pretty) {
        printf("trained %lld parameters for %d epochs with %s on %lld instances\n", (long long)bcml_model_param_count(h2),
               done_epochs, bcml_loss_name(o.loss.kind), (long long)train.n);
        for (int i = 0; i < done_epochs; i++) printf("  epoch %3d  loss %.6f\n", i + 1, epoch_loss[i]);
        printf("  train accuracy %.4f\n", cJSON_GetObjectItemCaseSensitive(out, "train_accuracy")->valuedouble);
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(out, "test");
        if (t) {
            printf("  test accuracy  %.4f\n", cJSON_GetObjectItemCaseSensitive(t, "h2_accuracy")->valuedouble);
            const cJSON *c = cJSON_GetObjectItemCaseSensitive(t, "compatibility");
            if (c) {
                const cJSON *btc = cJSON_GetObjectItemCaseSensitive(c, "btc"), *bec = cJSON_GetObjectItemCaseSensitive(c, "bec");
                printf("  vs h1: h1 accuracy %.4f, BTC %s%.4f, BEC %s%.4f\n",
                       cJSON_GetObjectItemCaseSensitive(c, "h1_accuracy")->valuedouble, cJSON_IsNumber(btc) ? "" : "undefined ",
                       cJSON_IsNumber(btc) ? btc->valuedouble : 0.0, cJSON_IsNumber(bec) ? "" : "undefined ",
                       cJSON_IsNumber(bec) ? bec->valuedouble : 0.0);
            }
        }
        if (save_path) printf("  saved to %s\n", save_path);
        rc = 0;
    } else {
        rc = cli_print_json(out);
    }
    goto done;
fail:
    rc = cli_fail_err(&e);
done:
    cJSON_Delete(out);
    cJSON_Delete(cfg);
    free_data(&train);
    free_data(&test);
    bcml_model_free(h1);
    bcml_model_free(h2);
    free(h1_out);
    free(pred);
    free(lab1);
    free(lab2);
    free(epoch_loss);
    return rc;
}

int cmd_predict(const cli_args *a) {
    static const char *const keys[] = {"model_file", "data", "features", NULL};
    cJSON *cfg = cli_read_json(a->input), *out = NULL;
    if (!cfg) return 1;
    int rc = 1;
    bcml_error e = {0};
    cli_data d = {0};
    bcml_model *m = NULL;
    float *pred = NULL;
    int32_t *lab = NULL;
    if (!cJSON_IsObject(cfg)) { rc = cli_fail("predict input must be a JSON object"); goto done; }
    if (bcml__json_only_keys(cfg, keys, "predict input", &e)) goto fail;
    if (load_model(cfg, "-", "model_file", 0, &m, &e)) goto fail;
    if (load_data(cJSON_GetObjectItemCaseSensitive(cfg, "data"), "data", &d, &e)) goto fail;
    if (d.dim != bcml_model_input_size(m)) {
        rc = cli_fail("predict: the data has %lld features, the model expects %lld", (long long)d.dim,
                      (long long)bcml_model_input_size(m));
        goto done;
    }
    int C = bcml_model_output_size(m);
    if (!(pred = malloc((size_t)d.n * C * sizeof(float))) || !(lab = malloc((size_t)d.n * sizeof(int32_t)))) {
        rc = cli_fail("out of memory");
        goto done;
    }
    if (bcml_model_predict(m, d.x, d.n, pred, &e) || bcml_outputs_to_labels(d.n, C, pred, 0.0, lab, &e)) goto fail;
    out = cJSON_CreateObject();
    cJSON *o = cJSON_AddArrayToObject(out, "outputs"), *l = cJSON_AddArrayToObject(out, "labels");
    for (int64_t i = 0; i < d.n; i++) {
        cJSON *row = cJSON_CreateArray();
        for (int j = 0; j < C; j++) cJSON_AddItemToArray(row, cJSON_CreateNumber(pred[i * C + j]));
        cJSON_AddItemToArray(o, row);
        cJSON_AddItemToArray(l, cJSON_CreateNumber(lab[i]));
    }
    cJSON *y = cJSON_AddArrayToObject(out, "y");
    for (int64_t i = 0; i < d.n; i++) cJSON_AddItemToArray(y, cJSON_CreateNumber(d.y[i]));
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cfg, "features"))) { /* the inputs too, e.g. to slice by */
        cJSON *x = cJSON_AddArrayToObject(out, "x");
        for (int64_t i = 0; i < d.n; i++) {
            cJSON *row = cJSON_CreateArray();
            for (int64_t j = 0; j < d.dim; j++) cJSON_AddItemToArray(row, cJSON_CreateNumber(d.x[i * d.dim + j]));
            cJSON_AddItemToArray(x, row);
        }
    }
    rc = cli_print_json(out);
    goto done;
fail:
    rc = cli_fail_err(&e);
done:
    cJSON_Delete(out);
    cJSON_Delete(cfg);
    free_data(&d);
    bcml_model_free(m);
    free(pred);
    free(lab);
    return rc;
}
