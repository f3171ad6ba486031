/* train.c - mini-batch training of h2, optionally against h1's cached outputs with a compatibility loss.
 *
 * Per epoch: shuffle (seeded), then per batch: gather -> forward (h2 runs once) -> loss and dloss/dlogits
 * -> backward -> optimizer step. h1 never runs here: its outputs were computed once by the caller.
 */
#include "model.h"
#include "optim.h"
#include "kernels.h"

#include <math.h>
#include <string.h>

/* shuffled rows are scattered over a data set larger than the caches: fetching a few rows ahead hides the misses */
enum { PREFETCH_AHEAD = 8 };
static inline void prefetch_row(const float *p, int64_t n) {
#if defined(__GNUC__) && !defined(__wasm__)
    for (int64_t k = 0; k < n; k += 16) __builtin_prefetch(p + k, 0, 2); /* to L2: each row is used once an epoch */
#else
    (void)p; (void)n;
#endif
}

void bcml_train_opts_init(bcml_train_opts *o) {
    memset(o, 0, sizeof *o);
    o->epochs = 1;
    o->batch_size = 64;
    o->shuffle = 1;
    bcml_optimizer_opts_init(&o->optimizer, BCML_OPT_SGD);
    bcml_loss_opts_init(&o->loss, BCML_LOSS_CROSS_ENTROPY);
}

static bcml_status check_data(const bcml_model *m, const bcml_dataset *d, const bcml_train_opts *o, bcml_error *err) {
    int out = bcml_model_output_size(m), binary = bcml_loss_is_binary(o->loss.kind);
    const char *lname = bcml_loss_name(o->loss.kind);
    if (!d || d->n < 1 || !d->x || !d->y) return bcml__fail(err, BCML_EINVAL, "train: the training set is empty");
    if (d->n > INT32_MAX) return bcml__fail(err, BCML_EINVAL, "train: more than 2^31 instances");
    if (d->dim != bcml_model_input_size(m))
        return bcml__fail(err, BCML_EINVAL, "train: the data has %lld features per instance, the model expects %lld",
                          (long long)d->dim, (long long)bcml_model_input_size(m));
    if (o->epochs < 0 || o->epochs > 1000000) return bcml__fail(err, BCML_EINVAL, "train: epochs must be 0 to 1000000");
    if (o->batch_size < 1 || o->batch_size > 1 << 20)
        return bcml__fail(err, BCML_EINVAL, "train: batch_size must be 1 to 1048576, got %d", o->batch_size);
    if (binary && out != 1)
        return bcml__fail(err, BCML_EINVAL, "train: loss %s needs a binary model with one output (classes 1), the "
                          "model has %d", lname, out);
    if (!binary && out < 2)
        return bcml__fail(err, BCML_EINVAL, "train: loss %s needs a model with one output per class; this model has "
                          "one output (use a binary loss: bce, new-error-bce, strict-imitation-bce)", lname);
    for (int64_t i = 0; i < d->n; i++)
        if (d->y[i] < 0 || d->y[i] >= (binary ? 2 : out))
            return bcml__fail(err, BCML_EINVAL, "train: label %d of instance %lld is out of range 0..%d", d->y[i],
                              (long long)i, binary ? 1 : out - 1);
    for (int64_t i = 0; i < d->n * d->dim; i++)
        if (!isfinite(d->x[i]))
            return bcml__fail(err, BCML_EINVAL, "train: feature %lld of instance %lld is %s", (long long)(i % d->dim),
                              (long long)(i / d->dim), d->x[i] != d->x[i] ? "NaN" : "infinite");
    if (bcml_loss_uses_h1(o->loss.kind) && !o->h1_outputs)
        return bcml__fail(err, BCML_EINVAL, "train: loss %s needs h1's outputs on the training set", lname);
    return BCML_OK;
}

bcml_status bcml_train(bcml_model *m, const bcml_dataset *d, const bcml_train_opts *o, double *epoch_loss,
                       int *epochs_done, bcml_error *err) {
    if (epochs_done) *epochs_done = 0;
    if (!m || !o) return bcml__fail(err, BCML_EINVAL, "train: model and options are required");
    bcml_status s = check_data(m, d, o, err);
    if (s) return s;
    int64_t n = d->n, dim = d->dim;
    int out = bcml_model_output_size(m), uses_h1 = bcml_loss_uses_h1(o->loss.kind);
    int bs = o->batch_size < n ? o->batch_size : (int)n;
    bcml_loss_opts lo = o->loss;
    lo.binary_logits = 1; /* the model gives logits; binary losses are computed stably from them */

    float *h1 = NULL, *xb = NULL, *h1b = NULL, *grad = NULL;
    int32_t *yb = NULL, *perm = NULL;
    bcml_optimizer opt;
    memset(&opt, 0, sizeof opt);
    if (uses_h1) {
        if (!(h1 = bcml__alloc((size_t)n * out, sizeof(float)))) goto oom;
        memcpy(h1, o->h1_outputs, (size_t)n * out * sizeof(float));
        if (o->h1_probabilities && (s = bcml_probabilities_to_logits(n, out, h1, err))) goto done;
        for (int64_t i = 0; i < n * out; i++)
            if (!isfinite(h1[i])) {
                s = bcml__fail(err, BCML_EINVAL, "train: h1 output %lld of instance %lld is not finite",
                               (long long)(i % out), (long long)(i / out));
                goto done;
            }
        if (!(h1b = bcml__alloc((size_t)bs * out, sizeof(float)))) goto oom;
    }
    if (!(xb = bcml__alloc((size_t)bs * dim, sizeof(float))) || !(yb = bcml__alloc((size_t)bs, sizeof(int32_t))) ||
        !(grad = bcml__alloc((size_t)bs * out, sizeof(float))) || !(perm = bcml__alloc((size_t)n, sizeof(int32_t))))
        goto oom;
    if ((s = bcml__model_reserve(m, bs, err))) goto done;
    if ((s = bcml__optimizer_init(&opt, &o->optimizer, bcml_model_param_count(m), err))) goto done;

    bcml_rng rng;
    bcml_rng_seed(&rng, o->seed, BCML_STREAM_SHUFFLE);
    bcml__model_seed_dropout(m, o->seed);
    for (int64_t i = 0; i < n; i++) perm[i] = (int32_t)i;
    int batches = (int)((n + bs - 1) / bs);
    float *params = bcml_model_params(m), *grads = bcml__model_grads(m);
    size_t np = (size_t)bcml_model_param_count(m);

    for (int e = 0; e < o->epochs; e++) {
        if (o->shuffle)
            for (int64_t i = n - 1; i > 0; i--) { /* Fisher-Yates */
                int64_t j = bcml_rng_below(&rng, (uint32_t)(i + 1));
                int32_t t = perm[i]; perm[i] = perm[j]; perm[j] = t;
            }
        double sum = 0.0;
        for (int b = 0; b < batches; b++) {
            if (o->cancel && *o->cancel) {
                s = bcml__fail(err, BCML_ECANCELLED, "train: cancelled at epoch %d, batch %d", e + 1, b + 1);
                goto done;
            }
            int64_t start = (int64_t)b * bs;
            int B = (int)(n - start < bs ? n - start : bs);
            for (int i = 0; i < B; i++) {
                int64_t r = perm[start + i];
                if (i + PREFETCH_AHEAD < B) prefetch_row(d->x + (int64_t)perm[start + i + PREFETCH_AHEAD] * dim, dim);
                bcml_copy_floats(xb + (size_t)i * dim, d->x + r * dim, dim);
                yb[i] = d->y[r];
                if (h1b) bcml_copy_floats(h1b + (size_t)i * out, h1 + r * out, out);
            }
            const float *logits = bcml__model_forward(m, xb, B, 1);
            for (int64_t i = 0; i < (int64_t)B * out; i++)
                if (!isfinite(logits[i])) {
                    s = bcml__fail(err, BCML_EINVAL, "train: the model's outputs became non-finite at epoch %d, batch %d "
                                   "(training diverged; try a smaller learning rate)", e + 1, b + 1);
                    goto done;
                }
            double value;
            if ((s = bcml_loss(&lo, B, out, h1b, logits, yb, &value, grad, err))) goto done;
            if (!isfinite(value)) {
                s = bcml__fail(err, BCML_EINVAL, "train: the loss became %s at epoch %d, batch %d (training diverged; "
                               "try a smaller learning rate)", value != value ? "NaN" : "infinite", e + 1, b + 1);
                goto done;
            }
            memset(grads, 0, np * sizeof(float));
            bcml__model_backward(m, xb, grad, B);
            bcml__optimizer_step(&opt, params, grads);
            sum += value;
            if (o->progress) {
                bcml_train_progress p = {e + 1, o->epochs, b + 1, batches, value};
                if (o->progress(o->user, &p)) {
                    if (b + 1 == batches) { /* the epoch is complete: keep its loss */
                        if (epoch_loss) epoch_loss[e] = sum / batches;
                        if (epochs_done) *epochs_done = e + 1;
                    }
                    s = bcml__fail(err, BCML_ECANCELLED, "train: cancelled at epoch %d, batch %d", e + 1, b + 1);
                    goto done;
                }
            }
        }
        if (epoch_loss) epoch_loss[e] = sum / batches;
        if (epochs_done) *epochs_done = e + 1;
    }
    for (int64_t i = 0; i < (int64_t)np; i++)
        if (!isfinite(params[i])) {
            s = bcml__fail(err, BCML_EINVAL, "train: weights became non-finite (training diverged; try a smaller "
                           "learning rate)");
            goto done;
        }
    s = BCML_OK;
    goto done;
oom:
    s = bcml__fail(err, BCML_ENOMEM, "train: out of memory (batch %d, %lld instances)", bs, (long long)n);
done:
    bcml__optimizer_free(&opt);
    free(h1);
    free(xb);
    free(h1b);
    free(grad);
    free(yb);
    free(perm);
    return s;
}
