/* optim.h - optimizer state and one update step over a flat parameter array. */
#ifndef BCML_OPTIM_H
#define BCML_OPTIM_H

#include "internal.h"

typedef struct {
    bcml_optimizer_opts o;
    int64_t n;
    int64_t t;           /* steps taken */
    float *m, *v;        /* SGD momentum buffer in m; Adam moments in m and v */
    double b1t, b2t;     /* beta1^t, beta2^t, by repeated products so every build agrees */
} bcml_optimizer;

bcml_status bcml__optimizer_init(bcml_optimizer *opt, const bcml_optimizer_opts *o, int64_t n, bcml_error *err);
void bcml__optimizer_free(bcml_optimizer *opt);
/* params[n] -= update(grads[n]) */
void bcml__optimizer_step(bcml_optimizer *opt, float *params, const float *grads);

#endif /* BCML_OPTIM_H */
