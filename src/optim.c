/* optim.c - SGD (momentum, dampening, Nesterov, weight decay) and Adam, as torch.optim defines them. */
#include "optim.h"

#include <math.h>
#include <string.h>

void bcml_optimizer_opts_init(bcml_optimizer_opts *o, bcml_optimizer_kind kind) {
    memset(o, 0, sizeof *o);
    o->kind = kind;
    o->lr = kind == BCML_OPT_ADAM ? 1e-3 : 0.01;
    o->beta1 = 0.9;
    o->beta2 = 0.999;
    o->eps = 1e-8;
}

bcml_status bcml_optimizer_from_name(const char *name, bcml_optimizer_kind *kind, bcml_error *err) {
    if (strcmp(name, "sgd") == 0 || strcmp(name, "SGD") == 0) { *kind = BCML_OPT_SGD; return BCML_OK; }
    if (strcmp(name, "adam") == 0 || strcmp(name, "Adam") == 0) { *kind = BCML_OPT_ADAM; return BCML_OK; }
    return bcml__fail(err, BCML_EINVAL, "unknown optimizer \"%s\" (known: sgd, adam)", name);
}

bcml_status bcml__optimizer_init(bcml_optimizer *opt, const bcml_optimizer_opts *o, int64_t n, bcml_error *err) {
    memset(opt, 0, sizeof *opt);
    if (!(o->lr > 0) || !isfinite(o->lr)) return bcml__fail(err, BCML_EINVAL, "optimizer: lr must be > 0, got %g", o->lr);
    if (!(o->weight_decay >= 0) || !isfinite(o->weight_decay))
        return bcml__fail(err, BCML_EINVAL, "optimizer: weight_decay must be >= 0, got %g", o->weight_decay);
    if (o->kind == BCML_OPT_SGD) {
        if (!(o->momentum >= 0) || !isfinite(o->momentum))
            return bcml__fail(err, BCML_EINVAL, "optimizer: momentum must be >= 0, got %g", o->momentum);
        if (!(o->dampening >= 0 && o->dampening <= 1))
            return bcml__fail(err, BCML_EINVAL, "optimizer: dampening must be in [0, 1], got %g", o->dampening);
        if (o->nesterov && (o->momentum <= 0 || o->dampening != 0))
            return bcml__fail(err, BCML_EINVAL, "optimizer: nesterov needs momentum > 0 and dampening 0");
    } else if (o->kind == BCML_OPT_ADAM) {
        if (!(o->beta1 >= 0 && o->beta1 < 1) || !(o->beta2 >= 0 && o->beta2 < 1))
            return bcml__fail(err, BCML_EINVAL, "optimizer: Adam betas must be in [0, 1), got (%g, %g)", o->beta1, o->beta2);
        if (!(o->eps > 0)) return bcml__fail(err, BCML_EINVAL, "optimizer: eps must be > 0, got %g", o->eps);
    } else {
        return bcml__fail(err, BCML_EINVAL, "optimizer: unknown kind %d", (int)o->kind);
    }
    opt->o = *o;
    opt->n = n;
    opt->b1t = opt->b2t = 1.0;
    opt->m = bcml__calloc((size_t)n, sizeof(float));
    opt->v = o->kind == BCML_OPT_ADAM ? bcml__calloc((size_t)n, sizeof(float)) : NULL;
    if (!opt->m || (o->kind == BCML_OPT_ADAM && !opt->v)) {
        bcml__optimizer_free(opt);
        return bcml__fail(err, BCML_ENOMEM, "optimizer: out of memory for %lld parameters", (long long)n);
    }
    return BCML_OK;
}

void bcml__optimizer_free(bcml_optimizer *opt) {
    free(opt->m);
    free(opt->v);
    opt->m = opt->v = NULL;
}

void bcml__optimizer_step(bcml_optimizer *opt, float *p, const float *grads) {
    const bcml_optimizer_opts *o = &opt->o;
    float wd = (float)o->weight_decay;
    opt->t++;
    if (o->kind == BCML_OPT_SGD) {
        float lr = (float)o->lr, mom = (float)o->momentum, damp = 1.0f - (float)o->dampening;
        for (size_t i = 0; i < (size_t)opt->n; i++) {
            float g = grads[i];
            if (wd != 0.0f) g = g + wd * p[i];
            if (mom != 0.0f) {
                float b = opt->t == 1 ? g : mom * opt->m[i] + damp * g; /* torch: the first step copies g */
                opt->m[i] = b;
                g = o->nesterov ? g + mom * b : b;
            }
            p[i] = p[i] - lr * g;
        }
        return;
    }
    float b1 = (float)o->beta1, b2 = (float)o->beta2, eps = (float)o->eps;
    opt->b1t *= o->beta1;
    opt->b2t *= o->beta2;
    float step = (float)(o->lr / (1.0 - opt->b1t));
    float bc2_sqrt = (float)sqrt(1.0 - opt->b2t);
    for (size_t i = 0; i < (size_t)opt->n; i++) {
        float g = grads[i];
        if (wd != 0.0f) g = g + wd * p[i];
        opt->m[i] = b1 * opt->m[i] + (1.0f - b1) * g;
        opt->v[i] = b2 * opt->v[i] + (1.0f - b2) * g * g;
        float denom = sqrtf(opt->v[i]) / bc2_sqrt + eps;
        p[i] = p[i] - step * (opt->m[i] / denom);
    }
}
