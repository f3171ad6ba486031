/* sweep.c - the lambda_c sweep without I/O: the grid, one training and its evaluations, and the summary
 * (rows, Pareto front, recommendation). sweepdir.c writes them to a folder; the wasm workers call these. */
#include "internal.h"
#include "jsonutil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const family_names[2] = {"new-error", "strict-imitation"};

void bcml_sweep_config_init(bcml_sweep_config *c) {
    bcml_train_opts t; /* a sweep trains with train's defaults */
    bcml_train_opts_init(&t);
    memset(c, 0, sizeof *c);
    c->epochs = t.epochs;
    c->batch_size = t.batch_size;
    c->shuffle = t.shuffle;
    c->optimizer = t.optimizer;
    bcml_loss_opts_init(&c->new_error, BCML_LOSS_NEW_ERROR_CROSS_ENTROPY);
    bcml_loss_opts_init(&c->strict_imitation, BCML_LOSS_STRICT_IMITATION_CROSS_ENTROPY);
}

bcml_status bcml_lambda_grid(double start, double stop, double step, double **lambdas, int *n, bcml_error *err) {
    *lambdas = NULL;
    *n = 0;
    if (!isfinite(start) || !isfinite(stop) || !isfinite(step) || start < 0)
        return bcml__fail(err, BCML_EINVAL, "lambda grid: start, stop and step must be finite, start >= 0");
    if (!(step > 0)) return bcml__fail(err, BCML_EINVAL, "lambda grid: step must be > 0, got %g", step);
    if (stop < start) return bcml__fail(err, BCML_EINVAL, "lambda grid: stop %g is below start %g", stop, start);
    double count = ceil((stop + step / 2 - start) / step);
    if (count > 10000) return bcml__fail(err, BCML_EINVAL, "lambda grid: %.0f points is more than 10000", count);
    int k = (int)count;
    double *v = bcml__alloc((size_t)k, sizeof(double));
    if (!v) return bcml__fail(err, BCML_ENOMEM, "lambda grid: out of memory");
    for (int i = 0; i < k; i++) v[i] = start + i * step;
    *lambdas = v;
    *n = k;
    return BCML_OK;
}

void bcml_float_repr(double v, char buf[32]) {
    /* the shortest digits that read back as v, as Python's repr */
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, 32, "%.*g", p, v);
        if (strtod(buf, NULL) == v) break;
    }
    if (!strpbrk(buf, ".eEn")) strcat(buf, ".0"); /* a whole number keeps its ".0" (not for inf/nan) */
}

/* ---------------------------------------------------------------- one training */

static bcml_status check_config(const bcml_sweep_config *c, int j, int family, bcml_error *err) {
    if (!c || !c->h2) return bcml__fail(err, BCML_EINVAL, "sweep: no initial h2");
    if (j < 0 || j >= c->num_lambdas || !c->lambdas)
        return bcml__fail(err, BCML_EINVAL, "sweep: lambda index %d is outside the grid of %d", j, c->num_lambdas);
    if (family != 0 && family != 1) return bcml__fail(err, BCML_EINVAL, "sweep: family must be 0 or 1");
    if (!c->test.x || !c->test.y || c->test.n < 1) return bcml__fail(err, BCML_EINVAL, "sweep: the test set is empty");
    if (c->test.dim != c->train.dim)
        return bcml__fail(err, BCML_EINVAL, "sweep: the test set has %lld features, the training set %lld",
                          (long long)c->test.dim, (long long)c->train.dim);
    const bcml_loss_opts *lo = family ? &c->strict_imitation : &c->new_error;
    if (!bcml_loss_uses_h1(lo->kind))
        return bcml__fail(err, BCML_EINVAL, "sweep: the %s loss %s does not use h1", family_names[family],
                          bcml_loss_name(lo->kind));
    return BCML_OK;
}

/* Labels of outputs [n, C]: argmax, or a binary threshold (0.5 on probabilities, 0 on logits). */
static bcml_status labels_of(const float *out, int64_t n, int C, int probabilities, int32_t *lab, bcml_error *err) {
    return bcml_outputs_to_labels(n, C, out, probabilities ? 0.5 : 0.0, lab, err);
}

typedef struct {
    const bcml_sweep_config *c;
    int j, family;
    int (*progress)(void *user, const bcml_sweep_progress *p);
} train_ctx;

static int train_progress(void *user, const bcml_train_progress *tp) {
    const train_ctx *t = user;
    if (!t->c->progress) return 0;
    bcml_sweep_progress p;
    memset(&p, 0, sizeof p);
    p.fraction = ((tp->epoch - 1) * (double)tp->batches + tp->batch) / ((double)tp->epochs * tp->batches);
    p.trainings_total = 1;
    p.elapsed_s = p.eta_s = NAN;
    p.lambda_c = t->c->lambdas[t->j];
    p.dissonance = family_names[t->family];
    p.epoch = tp->epoch;
    p.epochs = tp->epochs;
    return t->c->progress(t->c->user, &p);
}

char *bcml__sweep_row(const cJSON *record) {
    static const char *const keys[] = {"datapoint_index", "lambda_c", "training", "testing", "h2_performance", "btc", "bec",
                                       "nfr", "h1_performance", "performance_metric", NULL};
    cJSON *row = cJSON_CreateObject();
    for (const char *const *k = keys; row && *k; k++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(record, *k);
        cJSON *copy = v ? cJSON_Duplicate(v, 1) : NULL;
        if (copy) cJSON_AddItemToObject(row, *k, copy);
    }
    char *text = row ? bcml__json_print(row) : NULL;
    cJSON_Delete(row);
    return text;
}

int bcml_sweep_twin(const bcml_sweep_config *c, int j) {
    return !check_config(c, j, 0, NULL) && !check_config(c, j, 1, NULL) &&
           bcml__loss_same(&c->new_error, &c->strict_imitation, c->lambdas[j]);
}

static void set_item(cJSON *o, const char *key, cJSON *v) {
    if (cJSON_GetObjectItemCaseSensitive(o, key)) cJSON_ReplaceItemInObjectCaseSensitive(o, key, v);
    else cJSON_AddItemToObject(o, key, v);
}

/* The sweep's keys of one family's record, and its text and summary row. */
static bcml_status label_record(const bcml_sweep_config *c, cJSON *rec, int j, int family, int testing, char **json,
                                char **row, bcml_error *err) {
    const bcml_loss_opts *lo = family ? &c->strict_imitation : &c->new_error;
    set_item(rec, "lambda_c", bcml__json_number(c->lambdas[j]));
    set_item(rec, "training", cJSON_CreateBool(!testing));
    set_item(rec, "testing", cJSON_CreateBool(testing));
    set_item(rec, "datapoint_index", bcml__json_number(4 * j + 2 * family + testing));
    set_item(rec, "dissonance", cJSON_CreateString(family_names[family]));
    set_item(rec, "loss", cJSON_CreateString(bcml_loss_name(lo->kind)));
    *json = bcml__json_print(rec);
    *row = bcml__sweep_row(rec);
    return *json && *row ? BCML_OK : bcml__fail(err, BCML_ENOMEM, "sweep: out of memory writing an evaluation");
}

/* Evaluates the trained model on one set and adds the sweep's keys to the record; *row gets its summary fields.
 * With twin, also family 1's record of the same evaluation. */
static bcml_status evaluate_set(const bcml_sweep_config *c, bcml_model *m, int j, int family, int testing,
                                char **json, char **row, char **twin_json, char **twin_row, bcml_error *err) {
    const bcml_dataset *d = testing ? &c->test : &c->train;
    int C = bcml_model_output_size(m);
    int64_t n = d->n, id_offset = testing && !c->test.ids ? c->train.n : 0;
    float *out = bcml__alloc((size_t)n, (size_t)C * sizeof(float));
    int32_t *l1 = bcml__alloc((size_t)n, sizeof(int32_t)), *l2 = bcml__alloc((size_t)n, sizeof(int32_t));
    int64_t *ids = d->ids ? NULL : bcml__alloc((size_t)n, sizeof(int64_t));
    bcml_status s;
    cJSON *rec = NULL;
    if (!out || !l1 || !l2 || (!d->ids && !ids)) { s = bcml__fail(err, BCML_ENOMEM, "sweep: out of memory evaluating"); goto done; }
    if (ids)
        for (int64_t i = 0; i < n; i++) ids[i] = id_offset + i;
    if ((s = bcml_model_predict(m, d->x, n, out, err)) || (s = labels_of(out, n, C, 0, l2, err)) ||
        (s = labels_of(testing ? c->h1_test : c->h1_train, n, C, c->h1_probabilities, l1, err)))
        goto done;
    bcml_eval_input in = {n, l1, l2, d->y, d->ids ? d->ids : ids, testing ? c->test_metadata : c->train_metadata,
                          C == 1 ? 2 : C, c->num_slice_columns, testing ? c->test_slices : c->train_slices, c->metric};
    if ((s = bcml__evaluation_cjson(&in, &rec, err))) goto done;
    if ((s = label_record(c, rec, j, family, testing, json, row, err))) goto done;
    if (twin_json) s = label_record(c, rec, j, 1, testing, twin_json, twin_row, err);
done:
    cJSON_Delete(rec);
    free(out);
    free(l1);
    free(l2);
    free(ids);
    return s;
}

static bcml_status require_h1(const bcml_sweep_config *c, bcml_error *err) {
    return c->h1_train && c->h1_test ? BCML_OK : bcml__fail(err, BCML_EINVAL, "sweep: h1's outputs are required");
}

bcml_status bcml_sweep_train_model(const bcml_sweep_config *c, int j, int family, bcml_model **model, bcml_error *err) {
    *model = NULL;
    bcml_status s = check_config(c, j, family, err);
    if (s || (c->lambdas[j] != 0 && (s = require_h1(c, err)))) return s;
    bcml_model *m;
    if ((s = bcml_model_clone(c->h2, &m, err))) return s;
    bcml_train_opts o;
    bcml_train_opts_init(&o);
    o.epochs = c->epochs;
    o.batch_size = c->batch_size;
    o.seed = c->seed;
    o.shuffle = c->shuffle;
    o.optimizer = c->optimizer;
    o.loss = family ? c->strict_imitation : c->new_error;
    o.loss.lambda_c = c->lambdas[j];
    o.h1_outputs = c->h1_train;
    o.h1_probabilities = c->h1_probabilities;
    train_ctx t = {c, j, family, c->progress};
    o.progress = c->progress ? train_progress : NULL;
    o.user = &t;
    o.cancel = c->cancel;
    o.rows = c->train_rows;
    if ((s = bcml_train(m, &c->train, &o, NULL, NULL, err))) {
        bcml_model_free(m);
        return s;
    }
    *model = m;
    return BCML_OK;
}

bcml_status bcml_sweep_evaluate(const bcml_sweep_config *c, int j, int family, bcml_model *model,
                                bcml_sweep_result *out, bcml_error *err) {
    memset(out, 0, sizeof *out);
    bcml_status s = check_config(c, j, family, err);
    if (s || (s = require_h1(c, err))) return s;
    int twin = family == 0 && bcml_sweep_twin(c, j);
    for (int t = 0; t < 2; t++)
        if ((s = evaluate_set(c, model, j, family, t, &out->evaluation[t], &out->summary_row[t],
                              twin ? &out->twin_evaluation[t] : NULL, twin ? &out->twin_summary_row[t] : NULL, err))) {
            bcml_sweep_result_free(out);
            return s;
        }
    return BCML_OK;
}

bcml_status bcml_sweep_train_one(const bcml_sweep_config *c, int j, int family, bcml_sweep_result *out,
                                 bcml_error *err) {
    memset(out, 0, sizeof *out);
    bcml_model *m;
    bcml_status s = require_h1(c, err);
    if (s || (s = bcml_sweep_train_model(c, j, family, &m, err))) return s;
    if ((s = bcml_sweep_evaluate(c, j, family, m, out, err))) bcml_model_free(m);
    else out->model = m;
    return s;
}

void bcml_sweep_result_free(bcml_sweep_result *r) {
    if (!r) return;
    for (int t = 0; t < 2; t++) {
        bcml_free(r->evaluation[t]);
        bcml_free(r->summary_row[t]);
        bcml_free(r->twin_evaluation[t]);
        bcml_free(r->twin_summary_row[t]);
    }
    bcml_model_free(r->model);
    memset(r, 0, sizeof *r);
}

/* ---------------------------------------------------------------- summary */

typedef struct {
    int index;
    double lambda_c, performance, btc, bec, nfr;
    int testing, strict;
} row;

static double num_or_nan(const cJSON *o, const char *k) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

typedef struct {
    char key[16];
    int ge;           /* 1: >=, 0: <= */
    int strict;       /* > or < */
    double value;
} condition;

static bcml_status parse_constraint(const char *text, condition *conds, int *n, bcml_error *err) {
    *n = 0;
    if (!text) return BCML_OK;
    const char *p = text;
    while (*p) {
        while (*p == ' ' || *p == ',') p++;
        if (!*p) break;
        if (*n == 8) return bcml__fail(err, BCML_EINVAL, "constraint \"%s\": more than 8 conditions", text);
        condition *c = &conds[*n];
        int k = 0;
        while ((*p >= 'a' && *p <= 'z') || *p == '_') {
            if (k < 15) c->key[k++] = *p;
            p++;
        }
        c->key[k] = 0;
        if (strcmp(c->key, "btc") && strcmp(c->key, "bec") && strcmp(c->key, "nfr") && strcmp(c->key, "performance"))
            return bcml__fail(err, BCML_EINVAL, "constraint \"%s\": unknown score \"%s\" (known: btc, bec, nfr, "
                              "performance)", text, c->key);
        while (*p == ' ') p++;
        if (*p != '<' && *p != '>')
            return bcml__fail(err, BCML_EINVAL, "constraint \"%s\": expected <, <=, > or >= after %s", text, c->key);
        c->ge = *p == '>';
        p++;
        c->strict = *p != '=';
        if (*p == '=') p++;
        char *end;
        c->value = strtod(p, &end);
        if (end == p || !isfinite(c->value))
            return bcml__fail(err, BCML_EINVAL, "constraint \"%s\": expected a number after %s", text, c->key);
        p = end;
        (*n)++;
    }
    return BCML_OK;
}

static int meets(const row *r, const condition *c, int n) {
    for (int i = 0; i < n; i++) {
        double v = strcmp(c[i].key, "btc") == 0 ? r->btc : strcmp(c[i].key, "bec") == 0 ? r->bec
                   : strcmp(c[i].key, "nfr") == 0 ? r->nfr : r->performance;
        if (isnan(v)) return 0;
        int ok = c[i].ge ? (c[i].strict ? v > c[i].value : v >= c[i].value)
                         : (c[i].strict ? v < c[i].value : v <= c[i].value);
        if (!ok) return 0;
    }
    return 1;
}

static int cmp_row(const void *a, const void *b) { return ((const row *)a)->index - ((const row *)b)->index; }
static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* a beats b: better or equal in performance and BTC, strictly better in one */
static int dominates(const row *a, const row *b) {
    return a->performance >= b->performance && a->btc >= b->btc && (a->performance > b->performance || a->btc > b->btc);
}

static void add_num(cJSON *o, const char *k, double v) {
    if (isfinite(v)) bcml__json_add_number(o, k, v);
    else cJSON_AddNullToObject(o, k);
}

bcml_status bcml_sweep_summary(const char *const *evaluations, int n, int expected_points, const char *constraint,
                               char **json, bcml_error *err) {
    *json = NULL;
    condition conds[8];
    int ncond;
    bcml_status s = parse_constraint(constraint, conds, &ncond, err);
    if (s) return s;
    row *rows = bcml__calloc((size_t)(n > 0 ? n : 1), sizeof(row));
    double *lambdas = bcml__calloc((size_t)(n > 0 ? n : 1), sizeof(double));
    cJSON *out = cJSON_CreateObject();
    if (!rows || !lambdas || !out) { s = bcml__fail(err, BCML_ENOMEM, "sweep summary: out of memory"); goto done; }
    double h1_perf = NAN;
    char metric[64] = "accuracy";
    for (int i = 0; i < n; i++) {
        cJSON *e;
        char what[64];
        snprintf(what, sizeof what, "evaluation %d", i);
        if ((s = bcml__json_parse(evaluations[i], what, &e, err))) goto done;
        const cJSON *idx = cJSON_GetObjectItemCaseSensitive(e, "datapoint_index");
        if (!cJSON_IsNumber(idx) || idx->valuedouble < 0 || idx->valuedouble != floor(idx->valuedouble) ||
            idx->valuedouble > 1e8) {
            cJSON_Delete(e);
            s = bcml__fail(err, BCML_EFORMAT, "evaluation %d: missing or bad \"datapoint_index\"", i);
            goto done;
        }
        row *r = &rows[i];
        r->index = (int)idx->valuedouble;
        r->lambda_c = num_or_nan(e, "lambda_c");
        r->performance = num_or_nan(e, "h2_performance");
        r->btc = num_or_nan(e, "btc");
        r->bec = num_or_nan(e, "bec");
        r->nfr = num_or_nan(e, "nfr");
        r->testing = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "testing"));
        r->strict = (r->index % 4) >= 2;
        if (r->testing && isfinite(num_or_nan(e, "h1_performance"))) h1_perf = num_or_nan(e, "h1_performance");
        const cJSON *pm = cJSON_GetObjectItemCaseSensitive(e, "performance_metric");
        if (cJSON_IsString(pm)) snprintf(metric, sizeof metric, "%s", pm->valuestring);
        cJSON_Delete(e);
        if (isnan(r->lambda_c)) { s = bcml__fail(err, BCML_EFORMAT, "evaluation %d: missing \"lambda_c\"", i); goto done; }
        for (int k = 0; k < i; k++)
            if (rows[k].index == r->index) {
                s = bcml__fail(err, BCML_EFORMAT, "two evaluations have datapoint_index %d", r->index);
                goto done;
            }
    }
    qsort(rows, (size_t)n, sizeof(row), cmp_row);
    cJSON *data = cJSON_AddArrayToObject(out, "data");
    for (int i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        bcml__json_add_number(o, "datapoint_index", rows[i].index);
        bcml__json_add_number(o, "lambda_c", rows[i].lambda_c);
        cJSON_AddBoolToObject(o, "training", !rows[i].testing);
        cJSON_AddBoolToObject(o, "testing", rows[i].testing);
        cJSON_AddBoolToObject(o, "new-error", !rows[i].strict);
        cJSON_AddBoolToObject(o, "strict-imitation", rows[i].strict);
        add_num(o, "performance", rows[i].performance);
        add_num(o, "btc", rows[i].btc);
        add_num(o, "bec", rows[i].bec);
        add_num(o, "nfr", rows[i].nfr);
        cJSON_AddItemToArray(data, o);
        lambdas[i] = rows[i].lambda_c;
    }
    add_num(out, "h1_performance", h1_perf);
    cJSON_AddStringToObject(out, "performance_metric", metric);
    qsort(lambdas, (size_t)n, sizeof(double), cmp_double);
    cJSON *lj = cJSON_AddArrayToObject(out, "lambdas");
    for (int i = 0; i < n; i++)
        if (i == 0 || lambdas[i] != lambdas[i - 1]) cJSON_AddItemToArray(lj, bcml__json_number(lambdas[i]));
    cJSON_AddBoolToObject(out, "complete", expected_points > 0 && n == 4 * expected_points);
    cJSON *front = cJSON_AddArrayToObject(out, "pareto_front");
    const row *best = NULL;
    for (int i = 0; i < n; i++) {
        const row *r = &rows[i];
        if (!r->testing || isnan(r->performance) || isnan(r->btc)) continue;
        int dominated = 0;
        for (int k = 0; k < n && !dominated; k++)
            dominated = rows[k].testing && !isnan(rows[k].performance) && !isnan(rows[k].btc) && dominates(&rows[k], r);
        if (!dominated) cJSON_AddItemToArray(front, bcml__json_number(r->index));
        if (meets(r, conds, ncond) &&
            (!best || r->performance > best->performance ||
             (r->performance == best->performance && (r->btc > best->btc ||
                                                      (r->btc == best->btc && r->lambda_c < best->lambda_c)))))
            best = r;
    }
    if (best) {
        cJSON *rec = cJSON_AddObjectToObject(out, "recommendation");
        bcml__json_add_number(rec, "datapoint_index", best->index);
        bcml__json_add_number(rec, "lambda_c", best->lambda_c);
        cJSON_AddStringToObject(rec, "dissonance", family_names[best->strict]);
        add_num(rec, "performance", best->performance);
        add_num(rec, "btc", best->btc);
        add_num(rec, "bec", best->bec);
        add_num(rec, "nfr", best->nfr);
        cJSON_AddStringToObject(rec, "constraint", constraint ? constraint : "");
    } else {
        cJSON_AddNullToObject(out, "recommendation");
        char note[300];
        snprintf(note, sizeof note, "no testing point meets \"%.200s\"", constraint ? constraint : "");
        cJSON_AddStringToObject(out, "recommendation_note", note);
    }
    *json = bcml__json_print(out);
    if (!*json) s = bcml__fail(err, BCML_ENOMEM, "sweep summary: out of memory");
done:
    cJSON_Delete(out);
    free(rows);
    free(lambdas);
    return s;
}
