/* options.c - reading loss, optimizer, training and sweep options from JSON, with messages that say where. */
#include "options.h"

#include <math.h>
#include <string.h>

bcml_status bcml__parse_optimizer(const cJSON *j, bcml_optimizer_opts *o, bcml_error *err) {
    static const char *const keys[] = {"name", "lr", "momentum", "dampening", "nesterov", "weight_decay", "betas", "eps",
                                       NULL};
    const char *w = "\"optimizer\"";
    bcml_optimizer_kind kind = BCML_OPT_SGD;
    bcml_status s;
    bcml_optimizer_opts_init(o, kind);
    if (!j) return BCML_OK;
    if (!cJSON_IsObject(j)) return bcml__fail(err, BCML_EINVAL, "%s must be an object", w);
    if ((s = bcml__json_only_keys(j, keys, w, err))) return s;
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(j, "name");
    if (name && !cJSON_IsString(name)) return bcml__fail(err, BCML_EINVAL, "%s: \"name\" must be sgd or adam", w);
    if (name && (s = bcml_optimizer_from_name(name->valuestring, &kind, err))) return s;
    bcml_optimizer_opts_init(o, kind);
    const cJSON *nes = cJSON_GetObjectItemCaseSensitive(j, "nesterov");
    if (nes && !cJSON_IsBool(nes)) return bcml__fail(err, BCML_EINVAL, "%s: \"nesterov\" must be true or false", w);
    o->nesterov = cJSON_IsTrue(nes);
    const cJSON *betas = cJSON_GetObjectItemCaseSensitive(j, "betas");
    if (betas) {
        if (!cJSON_IsArray(betas) || cJSON_GetArraySize(betas) != 2 || !cJSON_IsNumber(betas->child) ||
            !cJSON_IsNumber(betas->child->next))
            return bcml__fail(err, BCML_EINVAL, "%s: \"betas\" must be two numbers", w);
        o->beta1 = betas->child->valuedouble;
        o->beta2 = betas->child->next->valuedouble;
    }
    if ((s = bcml__json_num(j, "lr", 0, o->lr, 1e-30, 1e6, w, &o->lr, err)) ||
        (s = bcml__json_num(j, "momentum", 0, 0, 0, 1e6, w, &o->momentum, err)) ||
        (s = bcml__json_num(j, "dampening", 0, 0, 0, 1, w, &o->dampening, err)) ||
        (s = bcml__json_num(j, "weight_decay", 0, 0, 0, 1e6, w, &o->weight_decay, err)) ||
        (s = bcml__json_num(j, "eps", 0, o->eps, 1e-30, 1, w, &o->eps, err)))
        return s;
    return BCML_OK;
}

bcml_status bcml__parse_loss(const cJSON *j, const char *where, int binary_model, int check_keys, bcml_loss_opts *o,
                             bcml_error *err) {
    static const char *const keys[] = {"name", "loss", "lambda_c", "pivot", "alpha", "beta", "temperature", "reduction",
                                       "logits", "variant", NULL};
    bcml_loss_kind kind = binary_model ? BCML_LOSS_BCE : BCML_LOSS_CROSS_ENTROPY;
    bcml_status s;
    if (j && !cJSON_IsString(j) && !cJSON_IsObject(j))
        return bcml__fail(err, BCML_EINVAL, "%s must be a loss name or an object with \"name\"", where);
    if (cJSON_IsObject(j) && check_keys && (s = bcml__json_only_keys(j, keys, where, err))) return s;
    const cJSON *name = cJSON_IsString(j) ? j : cJSON_GetObjectItemCaseSensitive(j, "name");
    if (!name && cJSON_IsObject(j)) name = cJSON_GetObjectItemCaseSensitive(j, "loss");
    if (name && !cJSON_IsString(name)) return bcml__fail(err, BCML_EINVAL, "%s: the loss name must be a string", where);
    if (name && (s = bcml_loss_from_name(name->valuestring, &kind, err))) return s;
    bcml_loss_opts_init(o, kind);
    if (!cJSON_IsObject(j)) return BCML_OK;
    if ((s = bcml__json_num(j, "lambda_c", 0, o->lambda_c, 0, 1e30, where, &o->lambda_c, err)) ||
        (s = bcml__json_num(j, "pivot", 0, o->pivot, 1e-9, 1 - 1e-9, where, &o->pivot, err)) ||
        (s = bcml__json_num(j, "alpha", 0, o->alpha, 0, 1e30, where, &o->alpha, err)) ||
        (s = bcml__json_num(j, "beta", 0, o->beta, 0, 1e30, where, &o->beta, err)) ||
        (s = bcml__json_num(j, "temperature", 0, o->temperature, 1e-6, 1e6, where, &o->temperature, err)))
        return s;
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(j, "reduction");
    if (r) {
        const char *t = cJSON_IsString(r) ? r->valuestring : "";
        if (strcmp(t, "mean") == 0) o->reduction = BCML_REDUCTION_MEAN;
        else if (strcmp(t, "sum") == 0) o->reduction = BCML_REDUCTION_SUM;
        else if (strcmp(t, "batchmean") == 0) o->reduction = BCML_REDUCTION_BATCHMEAN;
        else return bcml__fail(err, BCML_EINVAL, "%s: \"reduction\" must be \"mean\", \"sum\" or \"batchmean\"", where);
    }
    const cJSON *lg = cJSON_GetObjectItemCaseSensitive(j, "logits");
    if (lg && !cJSON_IsBool(lg)) return bcml__fail(err, BCML_EINVAL, "%s: \"logits\" must be true or false", where);
    o->binary_logits = cJSON_IsTrue(lg);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "variant");
    if (v && !(cJSON_IsString(v) && (strcmp(v->valuestring, "head") == 0 || strcmp(v->valuestring, "pypi-1.4.2") == 0)))
        return bcml__fail(err, BCML_EINVAL, "%s: \"variant\" must be \"head\" (default) or \"pypi-1.4.2\"", where);
    o->pypi_1_4_2 = v && strcmp(v->valuestring, "pypi-1.4.2") == 0;
    return BCML_OK;
}

static bcml_status parse_common(const cJSON *cfg, const char *where, int *epochs, int *batch, uint64_t *seed, int *shuffle,
                                bcml_optimizer_opts *opt, bcml_error *err) {
    int64_t v;
    bcml_status s;
    if ((s = bcml__json_int(cfg, "seed", 0, 0, 0, 9007199254740991LL, where, &v, err))) return s;
    *seed = (uint64_t)v;
    if ((s = bcml__json_int(cfg, "epochs", 0, 1, 0, 1000000, where, &v, err))) return s;
    *epochs = (int)v;
    if ((s = bcml__json_int(cfg, "batch_size", 0, 64, 1, 1 << 20, where, &v, err))) return s;
    *batch = (int)v;
    const cJSON *sh = cJSON_GetObjectItemCaseSensitive(cfg, "shuffle");
    if (sh && !cJSON_IsBool(sh)) return bcml__fail(err, BCML_EINVAL, "%s: \"shuffle\" must be true or false", where);
    *shuffle = !cJSON_IsFalse(sh);
    return bcml__parse_optimizer(cJSON_GetObjectItemCaseSensitive(cfg, "optimizer"), opt, err);
}

bcml_status bcml__parse_train(const cJSON *cfg, const char *where, int binary_model, bcml_train_opts *o,
                              bcml_error *err) {
    bcml_train_opts_init(o);
    bcml_status s = parse_common(cfg, where, &o->epochs, &o->batch_size, &o->seed, &o->shuffle, &o->optimizer, err);
    if (s) return s;
    return bcml__parse_loss(cJSON_GetObjectItemCaseSensitive(cfg, "loss"), "\"loss\"", binary_model, 1, &o->loss, err);
}

static bcml_status parse_lambdas(const cJSON *j, double **l, int *n, bcml_error *err) {
    if (!j) return bcml_lambda_grid(0, 1, 0.25, l, n, err); /* upstream's default step */
    if (cJSON_IsArray(j)) {
        *n = cJSON_GetArraySize(j);
        if (*n < 1 || *n > 10000) return bcml__fail(err, BCML_EINVAL, "\"lambda\" must list 1 to 10000 values");
        if (!(*l = bcml__alloc((size_t)*n, sizeof(double)))) return bcml__fail(err, BCML_ENOMEM, "out of memory");
        int i = 0;
        const cJSON *v;
        cJSON_ArrayForEach(v, j) {
            if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0) || !isfinite(v->valuedouble))
                return bcml__fail(err, BCML_EINVAL, "\"lambda\"[%d] must be a number >= 0", i);
            for (int k = 0; k < i; k++)
                if ((*l)[k] == v->valuedouble) return bcml__fail(err, BCML_EINVAL, "\"lambda\" lists %g twice", v->valuedouble);
            (*l)[i++] = v->valuedouble;
        }
        return BCML_OK;
    }
    static const char *const keys[] = {"start", "stop", "step", NULL};
    double start, stop, step;
    bcml_status s;
    if (!cJSON_IsObject(j)) return bcml__fail(err, BCML_EINVAL, "\"lambda\" must be a list or {\"start\", \"stop\", \"step\"}");
    if ((s = bcml__json_only_keys(j, keys, "\"lambda\"", err)) ||
        (s = bcml__json_num(j, "start", 0, 0, 0, 1e9, "\"lambda\"", &start, err)) ||
        (s = bcml__json_num(j, "stop", 0, 1, 0, 1e9, "\"lambda\"", &stop, err)) ||
        (s = bcml__json_num(j, "step", 0, 0.25, 1e-9, 1e9, "\"lambda\"", &step, err)))
        return s;
    return bcml_lambda_grid(start, stop, step, l, n, err);
}

bcml_status bcml__parse_sweep(const cJSON *cfg, int binary_model, bcml_sweep_config *c, double **lambdas,
                              const char **constraint, bcml_error *err) {
    const char *w = "sweep config";
    int64_t v;
    bcml_status s;
    *lambdas = NULL;
    *constraint = NULL;
    bcml_sweep_config_init(c);
    if ((s = parse_common(cfg, w, &c->epochs, &c->batch_size, &c->seed, &c->shuffle, &c->optimizer, err))) return s;
    if ((s = bcml__json_int(cfg, "batch_size_test", 0, 0, 0, 1 << 30, w, &v, err))) return s; /* accepted, unused */
    const cJSON *metric = cJSON_GetObjectItemCaseSensitive(cfg, "metric");
    if (metric && !cJSON_IsString(metric)) return bcml__fail(err, BCML_EINVAL, "%s: \"metric\" must be a name", w);
    if (metric && (s = bcml_metric_from_name(metric->valuestring, &c->metric, err))) return s;
    const cJSON *rec = cJSON_GetObjectItemCaseSensitive(cfg, "recommend");
    if (rec && !cJSON_IsString(rec)) return bcml__fail(err, BCML_EINVAL, "%s: \"recommend\" must be a constraint like \"btc>=0.95\"", w);
    *constraint = rec ? rec->valuestring : NULL;
    char *probe = NULL; /* checks the constraint now rather than after hours of training */
    if ((s = bcml_sweep_summary(NULL, 0, 0, *constraint, &probe, err))) return s;
    bcml_free(probe);
    /* the cross-entropy pair by default (binary models: the BCE pair) */
    const cJSON *ne = cJSON_GetObjectItemCaseSensitive(cfg, "new_error"), *si = cJSON_GetObjectItemCaseSensitive(cfg, "strict_imitation");
    if (ne) { if ((s = bcml__parse_loss(ne, "\"new_error\"", binary_model, 1, &c->new_error, err))) return s; }
    else bcml_loss_opts_init(&c->new_error, binary_model ? BCML_LOSS_NEW_ERROR_BCE : BCML_LOSS_NEW_ERROR_CROSS_ENTROPY);
    if (si) { if ((s = bcml__parse_loss(si, "\"strict_imitation\"", binary_model, 1, &c->strict_imitation, err))) return s; }
    else bcml_loss_opts_init(&c->strict_imitation, binary_model ? BCML_LOSS_STRICT_IMITATION_BCE : BCML_LOSS_STRICT_IMITATION_CROSS_ENTROPY);
    if (!bcml_loss_uses_h1(c->new_error.kind) || !bcml_loss_uses_h1(c->strict_imitation.kind))
        return bcml__fail(err, BCML_EINVAL, "%s: \"new_error\" and \"strict_imitation\" must be compatibility losses", w);
    if ((s = parse_lambdas(cJSON_GetObjectItemCaseSensitive(cfg, "lambda"), lambdas, &c->num_lambdas, err))) {
        bcml_free(*lambdas);
        *lambdas = NULL;
        return s;
    }
    c->lambdas = *lambdas;
    return BCML_OK;
}
