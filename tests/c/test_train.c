/* test_train.c - optimizers against torch.optim's formulas, reproducible training, compatibility training,
 * cancellation, and the errors bad training input gets. */
#include "check.h"
#include "../../src/optim.h"

#include <stdlib.h>

static void test_sgd(void) {
    bcml_optimizer_opts o;
    bcml_optimizer_opts_init(&o, BCML_OPT_SGD);
    o.lr = 0.1; o.momentum = 0.9; o.dampening = 0.1; o.weight_decay = 0.01;
    bcml_optimizer opt;
    CHECK_OK(bcml__optimizer_init(&opt, &o, 2, &err));
    float p[2] = {1.0f, -2.0f};
    const float g[3][2] = {{0.5f, 0.25f}, {-1.0f, 2.0f}, {0.0f, 0.3f}};
    double ep[2] = {1.0, -2.0}, buf[2] = {0, 0};
    for (int t = 0; t < 3; t++) {
        bcml__optimizer_step(&opt, p, g[t]);
        for (int i = 0; i < 2; i++) {
            double d = g[t][i] + 0.01 * ep[i];
            buf[i] = t == 0 ? d : 0.9 * buf[i] + 0.9 * d; /* torch: first step copies, then momentum, 1 - dampening */
            ep[i] -= 0.1 * buf[i];
        }
    }
    CHECK_NEAR(p[0], ep[0], 1e-6);
    CHECK_NEAR(p[1], ep[1], 1e-6);
    bcml__optimizer_free(&opt);
    o.dampening = 0; o.nesterov = 1;
    CHECK_OK(bcml__optimizer_init(&opt, &o, 2, &err));
    p[0] = 1.0f; p[1] = -2.0f;
    ep[0] = 1.0; ep[1] = -2.0;
    for (int t = 0; t < 3; t++) {
        bcml__optimizer_step(&opt, p, g[t]);
        for (int i = 0; i < 2; i++) {
            double d = g[t][i] + 0.01 * ep[i];
            buf[i] = t == 0 ? d : 0.9 * buf[i] + d;
            ep[i] -= 0.1 * (d + 0.9 * buf[i]);
        }
    }
    CHECK_NEAR(p[0], ep[0], 1e-6);
    CHECK_NEAR(p[1], ep[1], 1e-6);
    bcml__optimizer_free(&opt);
    o.nesterov = 1; o.momentum = 0;
    CHECK_FAILS(bcml__optimizer_init(&opt, &o, 2, &err), BCML_EINVAL, "nesterov");
}

static void test_adam(void) {
    bcml_optimizer_opts o;
    bcml_optimizer_opts_init(&o, BCML_OPT_ADAM);
    CHECK(o.lr == 1e-3 && o.beta1 == 0.9 && o.beta2 == 0.999 && o.eps == 1e-8);
    o.weight_decay = 0.1;
    bcml_optimizer opt;
    CHECK_OK(bcml__optimizer_init(&opt, &o, 2, &err));
    float p[2] = {0.5f, -1.5f};
    const float g[4][2] = {{0.5f, -0.25f}, {0.1f, 2.0f}, {-0.3f, 0.3f}, {1.0f, 0.0f}};
    double ep[2] = {0.5, -1.5}, m[2] = {0, 0}, v[2] = {0, 0};
    for (int t = 1; t <= 4; t++) {
        bcml__optimizer_step(&opt, p, g[t - 1]);
        for (int i = 0; i < 2; i++) {
            double d = g[t - 1][i] + 0.1 * ep[i];
            m[i] = 0.9 * m[i] + 0.1 * d;
            v[i] = 0.999 * v[i] + 0.001 * d * d;
            double bc1 = 1 - pow(0.9, t), bc2 = 1 - pow(0.999, t);
            ep[i] -= 1e-3 / bc1 * m[i] / (sqrt(v[i]) / sqrt(bc2) + 1e-8);
        }
    }
    CHECK_NEAR(p[0], ep[0], 1e-6);
    CHECK_NEAR(p[1], ep[1], 1e-6);
    bcml__optimizer_free(&opt);
}

typedef struct { float *x; int32_t *y; int64_t n, dim; int classes; } data;

static data blobs(int64_t n, uint64_t seed) {
    data d = {0};
    CHECK_OK(bcml_dataset_builtin("blobs", n, seed, &d.x, &d.y, &d.dim, &d.classes, &err));
    d.n = n;
    return d;
}

static double accuracy(bcml_model *m, const data *d, int32_t *labels) {
    int C = bcml_model_output_size(m);
    float *out = malloc(sizeof(float) * d->n * C);
    CHECK_OK(bcml_model_predict(m, d->x, d->n, out, &err));
    CHECK_OK(bcml_outputs_to_labels(d->n, C, out, 0.0, labels, &err));
    free(out);
    int64_t r = 0;
    for (int64_t i = 0; i < d->n; i++) r += labels[i] == d->y[i];
    return (double)r / d->n;
}

static bcml_model *train_mlp(const data *d, const bcml_train_opts *o, uint64_t init_seed, double *losses) {
    bcml_model *m = NULL;
    CHECK_OK(bcml_model_create("{\"preset\":\"mlp\",\"input\":2,\"hidden\":[16],\"classes\":3}", init_seed, &m, &err));
    CHECK_OK(bcml_train(m, &(bcml_dataset){d->n, d->dim, d->x, d->y, NULL}, o, losses, NULL, &err));
    return m;
}

static void test_reproducible(void) {
    data d = blobs(600, 1);
    bcml_train_opts o;
    bcml_train_opts_init(&o);
    o.epochs = 4; o.batch_size = 32; o.seed = 11;
    o.optimizer.lr = 0.05; o.optimizer.momentum = 0.5;
    double l1[4], l2[4], l3[4];
    bcml_model *a = train_mlp(&d, &o, 3, l1), *b = train_mlp(&d, &o, 3, l2);
    o.seed = 12;
    bcml_model *c = train_mlp(&d, &o, 3, l3);
    int64_t P = bcml_model_param_count(a);
    CHECK(memcmp(bcml_model_params(a), bcml_model_params(b), P * sizeof(float)) == 0);
    CHECK(memcmp(l1, l2, sizeof l1) == 0);
    CHECK(memcmp(bcml_model_params(a), bcml_model_params(c), P * sizeof(float)) != 0);
    CHECK(l1[3] < l1[0]);
    int32_t *lab = malloc(sizeof(int32_t) * d.n);
    double acc = accuracy(a, &d, lab);
    CHECK(acc > 0.75);
    printf("  blobs MLP: loss %.4f -> %.4f, train accuracy %.4f\n", l1[0], l1[3], acc);
    free(lab);
    bcml_model_free(a); bcml_model_free(b); bcml_model_free(c);
    free(d.x); free(d.y);
}

/* h1 trained on a small part of the data; h2 on all of it, plainly and with the new-error loss */
static void test_compatibility_training(void) {
    data d = blobs(2000, 2);
    int32_t *l1 = malloc(sizeof(int32_t) * d.n), *l2 = malloc(sizeof(int32_t) * d.n);
    bcml_train_opts o;
    bcml_train_opts_init(&o);
    o.epochs = 5; o.batch_size = 32; o.seed = 5; o.optimizer.lr = 0.05; o.optimizer.momentum = 0.5;
    data small = d;
    small.n = 100;
    bcml_model *h1 = train_mlp(&small, &o, 1, NULL);
    float *h1_out = malloc(sizeof(float) * d.n * 3);
    CHECK_OK(bcml_model_predict(h1, d.x, d.n, h1_out, &err));
    accuracy(h1, &d, l1);
    double btc[2], acc2[2];
    for (int k = 0; k < 2; k++) {
        bcml_train_opts ok = o;
        if (k) {
            bcml_loss_opts_init(&ok.loss, BCML_LOSS_NEW_ERROR_CROSS_ENTROPY);
            ok.loss.lambda_c = 5.0;
            ok.h1_outputs = h1_out;
        }
        bcml_model *h2 = train_mlp(&d, &ok, 9, NULL);
        acc2[k] = accuracy(h2, &d, l2);
        bcml_counts c;
        CHECK_OK(bcml_counts_compute(d.n, l1, l2, d.y, &c, &err));
        btc[k] = (double)c.a / (c.a + c.b);
        bcml_model_free(h2);
    }
    printf("  update: plain BTC %.4f acc %.4f; new-error(5) BTC %.4f acc %.4f\n", btc[0], acc2[0], btc[1], acc2[1]);
    CHECK(btc[1] > btc[0]);
    /* h1 given as probabilities trains exactly as h1 given as logits (only its argmax matters here) */
    float *prob = malloc(sizeof(float) * d.n * 3);
    for (int64_t i = 0; i < d.n; i++) {
        double mx = fmax(fmax(h1_out[3 * i], h1_out[3 * i + 1]), h1_out[3 * i + 2]), s = 0;
        for (int j = 0; j < 3; j++) s += exp(h1_out[3 * i + j] - mx);
        for (int j = 0; j < 3; j++) prob[3 * i + j] = (float)(exp(h1_out[3 * i + j] - mx) / s);
    }
    bcml_train_opts a = o, b = o;
    bcml_loss_opts_init(&a.loss, BCML_LOSS_NEW_ERROR_CROSS_ENTROPY);
    b.loss = a.loss;
    a.h1_outputs = h1_out;
    b.h1_outputs = prob;
    b.h1_probabilities = 1;
    a.epochs = b.epochs = 1;
    bcml_model *ma = train_mlp(&d, &a, 4, NULL), *mb = train_mlp(&d, &b, 4, NULL);
    CHECK(memcmp(bcml_model_params(ma), bcml_model_params(mb), bcml_model_param_count(ma) * sizeof(float)) == 0);
    bcml_model_free(ma); bcml_model_free(mb);
    free(prob); free(h1_out); free(l1); free(l2);
    bcml_model_free(h1);
    free(d.x); free(d.y);
}

static int stop_at_second_epoch(void *user, const bcml_train_progress *p) {
    int *calls = user;
    (*calls)++;
    return p->epoch == 2 && p->batch == 1;
}

static void test_cancel_and_errors(void) {
    data d = blobs(100, 3);
    bcml_dataset ds = {d.n, d.dim, d.x, d.y, NULL};
    bcml_model *m = NULL;
    CHECK_OK(bcml_model_create("{\"preset\":\"logreg\",\"input\":2,\"classes\":3}", 1, &m, &err));
    bcml_train_opts o;
    bcml_train_opts_init(&o);
    o.epochs = 5; o.batch_size = 10;
    volatile int cancel = 1;
    int done = -1, calls = 0;
    o.cancel = &cancel;
    CHECK_FAILS(bcml_train(m, &ds, &o, NULL, &done, &err), BCML_ECANCELLED, "epoch 1, batch 1");
    CHECK(done == 0);
    o.cancel = NULL;
    o.progress = stop_at_second_epoch;
    o.user = &calls;
    double losses[5] = {0};
    CHECK_FAILS(bcml_train(m, &ds, &o, losses, &done, &err), BCML_ECANCELLED, "epoch 2, batch 1");
    CHECK(done == 1 && calls == 11 && losses[0] > 0 && losses[1] == 0);
    o.progress = NULL;

    o.loss.kind = BCML_LOSS_NEW_ERROR_NLL;
    CHECK_FAILS(bcml_train(m, &ds, &o, NULL, NULL, &err), BCML_EINVAL, "needs h1's outputs");
    o.loss.kind = BCML_LOSS_BCE;
    CHECK_FAILS(bcml_train(m, &ds, &o, NULL, NULL, &err), BCML_EINVAL, "binary model");
    o.loss.kind = BCML_LOSS_CROSS_ENTROPY;
    d.y[7] = 3;
    CHECK_FAILS(bcml_train(m, &ds, &o, NULL, NULL, &err), BCML_EINVAL, "label 3 of instance 7");
    d.y[7] = 0;
    d.x[2 * 5 + 1] = NAN;
    CHECK_FAILS(bcml_train(m, &ds, &o, NULL, NULL, &err), BCML_EINVAL, "feature 1 of instance 5 is NaN");
    d.x[2 * 5 + 1] = 0;
    ds.dim = 3;
    CHECK_FAILS(bcml_train(m, &ds, &o, NULL, NULL, &err), BCML_EINVAL, "3 features");
    ds.dim = 2;
    o.optimizer.lr = 1e38;
    CHECK_FAILS(bcml_train(m, &ds, &o, NULL, NULL, &err), BCML_EINVAL, "diverged");
    o.optimizer.lr = -1;
    CHECK_FAILS(bcml_train(m, &ds, &o, NULL, NULL, &err), BCML_EINVAL, "lr must be > 0");
    bcml_model_free(m);
    free(d.x); free(d.y);
}

static void test_cnn_step(void) {
    bcml_model *m = NULL;
    CHECK_OK(bcml_model_create("{\"preset\":\"mnist-net\"}", 1, &m, &err));
    int n = 16;
    float *x = malloc(sizeof(float) * n * 784);
    int32_t y[16];
    for (int i = 0; i < n * 784; i++) x[i] = (float)((i * 31) % 17) / 17.0f;
    for (int i = 0; i < n; i++) y[i] = i % 10;
    bcml_train_opts o;
    bcml_train_opts_init(&o);
    o.epochs = 3; o.batch_size = 8; o.optimizer.momentum = 0.5;
    double losses[3];
    CHECK_OK(bcml_train(m, &(bcml_dataset){n, 784, x, y, NULL}, &o, losses, NULL, &err));
    CHECK(isfinite(losses[2]) && losses[2] < losses[0]);
    bcml_model_free(m);
    free(x);
}

/* The compact copy's layouts (packed: at most 256 columns and 65536 values; wide: more columns, or more values) train
 * the same bits as the dense rows (the same set with -0 for its zeros, so every entry counts). */
static void check_layout(int N, int D, int unique, char layout) {
    float *x = calloc((size_t)N * D, sizeof(float)), *xneg = malloc((size_t)N * D * sizeof(float));
    int32_t *y = malloc(N * sizeof(int32_t));
    bcml_rng rng;
    bcml_rng_seed(&rng, 5, 1);
    for (int i = 0; i < N; i++) {
        int nz = 1 + (int)bcml_rng_below(&rng, 3);
        for (int j = 0; j < nz; j++)
            x[(size_t)i * D + bcml_rng_below(&rng, D)] = unique ? 1.0f + (float)i / N : (float)bcml_rng_below(&rng, 5) - 2.0f;
        y[i] = (int32_t)bcml_rng_below(&rng, 2);
    }
    for (size_t i = 0; i < (size_t)N * D; i++) xneg[i] = x[i] == 0.0f ? -0.0f : x[i];
    bcml_train_opts o;
    bcml_train_opts_init(&o);
    o.epochs = 2; o.batch_size = 50; o.seed = 4; o.optimizer.lr = 0.1;
    bcml_loss_opts_init(&o.loss, BCML_LOSS_CROSS_ENTROPY);
    char spec[80];
    snprintf(spec, sizeof spec, "{\"preset\":\"logreg\",\"input\":%d,\"classes\":2}", D);
    bcml_model *m[2];
    for (int k = 0; k < 2; k++) {
        bcml_dataset ds = {N, D, k ? xneg : x, y, NULL};
        bcml_train_rows *rows = NULL;
        CHECK_OK(bcml_train_rows_prepare(&ds, &rows, &err));
        CHECK(bcml__train_rows_layout(rows) == (k ? 'd' : layout));
        o.rows = rows;
        CHECK_OK(bcml_model_create(spec, 2, &m[k], &err));
        CHECK_OK(bcml_train(m[k], &ds, &o, NULL, NULL, &err));
        bcml_train_rows_free(rows);
    }
    CHECK(memcmp(bcml_model_params(m[0]), bcml_model_params(m[1]), bcml_model_param_count(m[0]) * sizeof(float)) == 0);
    bcml_model_free(m[0]);
    bcml_model_free(m[1]);
    free(x); free(xneg); free(y);
}

static void test_row_layouts(void) {
    check_layout(500, 40, 0, 'p');
    check_layout(500, 300, 0, 'w');    /* more columns than a byte numbers */
    check_layout(70000, 16, 1, 'w');   /* more distinct values than 16 bits number */
}

/* Mostly-zero rows (one-hot style) are gathered from a compact copy; writing their zeros as -0 makes every entry
 * count, which takes the dense copy: the two must train the same weights, bit for bit. Rows hold 1 to 4 entries,
 * so padding and the clearing of a batch row's previous entries are both exercised; the last batch is short. */
static void test_sparse_rows(void) {
    enum { N = 301, D = 40 };
    float *x = calloc(N * D, sizeof(float)), *xneg = malloc(N * D * sizeof(float));
    int32_t *y = malloc(N * sizeof(int32_t));
    float *h1 = malloc(N * 3 * sizeof(float));
    bcml_rng rng;
    bcml_rng_seed(&rng, 7, 1);
    for (int i = 0; i < N; i++) {
        int nz = 1 + (int)bcml_rng_below(&rng, 4);
        for (int j = 0; j < nz; j++) x[i * D + bcml_rng_below(&rng, D)] = bcml_rng_uniform(&rng) * 4 - 2;
        y[i] = (int32_t)bcml_rng_below(&rng, 3);
        for (int c = 0; c < 3; c++) h1[i * 3 + c] = bcml_rng_uniform(&rng);
    }
    for (int i = 0; i < N * D; i++) xneg[i] = x[i] == 0.0f ? -0.0f : x[i];
    bcml_train_opts o;
    bcml_train_opts_init(&o);
    o.epochs = 3; o.batch_size = 32; o.seed = 3; o.optimizer.lr = 0.1; o.optimizer.momentum = 0.9;
    bcml_loss_opts_init(&o.loss, BCML_LOSS_NEW_ERROR_CROSS_ENTROPY);
    o.loss.lambda_c = 0.5;
    o.h1_outputs = h1;
    bcml_model *m[2];
    double loss[2][3];
    for (int k = 0; k < 2; k++) {
        CHECK_OK(bcml_model_create("{\"preset\":\"mlp\",\"input\":40,\"hidden\":[8],\"classes\":3}", 11, &m[k], &err));
        CHECK_OK(bcml_train(m[k], &(bcml_dataset){N, D, k ? xneg : x, y, NULL}, &o, loss[k], NULL, &err));
    }
    CHECK(memcmp(bcml_model_params(m[0]), bcml_model_params(m[1]), bcml_model_param_count(m[0]) * sizeof(float)) == 0);
    CHECK(memcmp(loss[0], loss[1], sizeof loss[0]) == 0 && loss[0][2] < loss[0][0]);
    /* rows prepared once (as a sweep does) serve any number of trainings with the same result, sparse or dense */
    for (int k = 0; k < 2; k++) {
        bcml_dataset ds = {N, D, k ? xneg : x, y, NULL};
        bcml_train_rows *rows = NULL;
        CHECK_OK(bcml_train_rows_prepare(&ds, &rows, &err));
        o.rows = rows;
        for (int again = 0; again < 2; again++) {
            bcml_model *p = NULL;
            CHECK_OK(bcml_model_create("{\"preset\":\"mlp\",\"input\":40,\"hidden\":[8],\"classes\":3}", 11, &p, &err));
            CHECK_OK(bcml_train(p, &ds, &o, NULL, NULL, &err));
            CHECK(memcmp(bcml_model_params(p), bcml_model_params(m[0]), bcml_model_param_count(p) * sizeof(float)) == 0);
            bcml_model_free(p);
        }
        CHECK_FAILS(bcml_train(m[0], &(bcml_dataset){N, D, k ? x : xneg, y, NULL}, &o, NULL, NULL, &err), BCML_EINVAL,
                    "prepared rows (options' rows) are of another training set");
        CHECK_FAILS(bcml_train(m[0], &(bcml_dataset){N - 1, D, k ? xneg : x, y, NULL}, &o, NULL, NULL, &err), BCML_EINVAL,
                    "another training set");
        o.rows = NULL;
        bcml_train_rows_free(rows);
    }
    bcml_train_rows *none = NULL;
    CHECK_FAILS(bcml_train_rows_prepare(&(bcml_dataset){0, D, x, y, NULL}, &none, &err), BCML_EINVAL, "empty");
    CHECK(none == NULL);
    bcml_train_rows_free(NULL);
    bcml_model_free(m[0]);
    bcml_model_free(m[1]);
    x[5 * D + 3] = NAN; /* found by the same pass that counts the entries */
    CHECK_FAILS(bcml_train_rows_prepare(&(bcml_dataset){N, D, x, y, NULL}, &none, &err), BCML_EINVAL, "feature 3 of instance 5 is NaN");
    CHECK_OK(bcml_model_create("{\"preset\":\"logreg\",\"input\":40,\"classes\":3}", 1, &m[0], &err));
    CHECK_FAILS(bcml_train(m[0], &(bcml_dataset){N, D, x, y, NULL}, &o, NULL, NULL, &err), BCML_EINVAL, "feature 3 of instance 5 is NaN");
    bcml_model_free(m[0]);
    free(x); free(xneg); free(y); free(h1);
}

int main(void) {
    test_sgd();
    test_adam();
    test_reproducible();
    test_compatibility_training();
    test_cancel_and_errors();
    test_cnn_step();
    test_sparse_rows();
    test_row_layouts();
    return check_report("train");
}
