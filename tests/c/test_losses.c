/* test_losses.c - upstream golden values (reference Appendix A.1/A.2), finite-difference gradients of every
 * loss, empty support = base loss, and the errors bad input gets. */
#include "check.h"
#include "../../src/internal.h"
#include "../../src/kernels.h"

#include <stdlib.h>

/* A.1: B = 5, C = 3; logits z = X W^T + b for h1 and h2 */
static float A1_h1[15], A1_h2[15];
static const int32_t A1_y[5] = {0, 1, 2, 0, 2};

static void a1_setup(void) {
    const double X[5][2] = {{1, 0}, {0, 1}, {1, 1}, {-1, 0.5}, {0.5, -1}};
    const double W1[3][2] = {{2, 0}, {0, 2}, {1, 1}}, b1[3] = {0, 0, 0.5};
    const double W2[3][2] = {{1, -0.5}, {-0.3, 1.2}, {0.4, 0.6}}, b2[3] = {0.1, -0.2, 0};
    for (int i = 0; i < 5; i++)
        for (int k = 0; k < 3; k++) {
            A1_h1[i * 3 + k] = (float)(W1[k][0] * X[i][0] + W1[k][1] * X[i][1] + b1[k]);
            A1_h2[i * 3 + k] = (float)(W2[k][0] * X[i][0] + W2[k][1] * X[i][1] + b2[k]);
        }
}

static double loss_of(bcml_loss_kind kind, bcml_reduction red, double lambda, int n, int c, const float *h1,
                      const float *h2, const int32_t *y) {
    bcml_loss_opts o;
    bcml_loss_opts_init(&o, kind);
    o.lambda_c = lambda;
    o.reduction = red;
    double v = NAN;
    CHECK_OK(bcml_loss(&o, n, c, h1, h2, y, &v, NULL, &err));
    return v;
}

static void test_golden_multiclass(void) {
    a1_setup();
    const double tol = 1e-5;
    CHECK_NEAR(loss_of(BCML_LOSS_CROSS_ENTROPY, 0, 0.5, 5, 3, NULL, A1_h2, A1_y), 1.228444042796, tol);
    CHECK_NEAR(loss_of(BCML_LOSS_NEW_ERROR_NLL, 0, 0.5, 5, 3, A1_h1, A1_h2, A1_y), 1.434499235137, tol);
    CHECK_NEAR(loss_of(BCML_LOSS_NEW_ERROR_NLL, BCML_REDUCTION_SUM, 0.5, 5, 3, A1_h1, A1_h2, A1_y), 6.348275406322, tol);
    CHECK_NEAR(loss_of(BCML_LOSS_NEW_ERROR_CROSS_ENTROPY, 0, 0.5, 5, 3, A1_h1, A1_h2, A1_y), 1.571869363364, tol);
    CHECK_NEAR(loss_of(BCML_LOSS_NEW_ERROR_CROSS_ENTROPY, BCML_REDUCTION_SUM, 0.5, 5, 3, A1_h1, A1_h2, A1_y), 6.485645534549, tol);
    CHECK_NEAR(loss_of(BCML_LOSS_NEW_ERROR_KL, 0, 0.5, 5, 3, A1_h1, A1_h2, A1_y), 1.342919149652, tol);
    CHECK_NEAR(loss_of(BCML_LOSS_NEW_ERROR_KL, BCML_REDUCTION_BATCHMEAN, 0.5, 5, 3, A1_h1, A1_h2, A1_y), 1.342919149652, tol);
    CHECK_NEAR(loss_of(BCML_LOSS_NEW_ERROR_KL, BCML_REDUCTION_SUM, 0.5, 5, 3, A1_h1, A1_h2, A1_y), 6.256695320837, tol);
    CHECK_NEAR(loss_of(BCML_LOSS_STRICT_IMITATION_NLL, 0, 0.5, 5, 3, A1_h1, A1_h2, A1_y), 1.515295529283, tol);
    CHECK_NEAR(loss_of(BCML_LOSS_STRICT_IMITATION_NLL, BCML_REDUCTION_SUM, 0.5, 5, 3, A1_h1, A1_h2, A1_y), 6.429071700468, tol);
    CHECK_NEAR(loss_of(BCML_LOSS_STRICT_IMITATION_CROSS_ENTROPY, 0, 0.5, 5, 3, A1_h1, A1_h2, A1_y), 1.571869363364, tol);
    /* SI-KL (bcml's fix): base + lambda/(|S| C) sum_S KL(p1 || p2), recomputed here in double */
    double kl = 0;
    for (int i = 0; i < 3; i++) { /* the support is the first three instances */
        double m1 = -1e30, m2 = -1e30, s1 = 0, s2 = 0;
        for (int k = 0; k < 3; k++) { m1 = fmax(m1, A1_h1[i * 3 + k]); m2 = fmax(m2, A1_h2[i * 3 + k]); }
        for (int k = 0; k < 3; k++) { s1 += exp(A1_h1[i * 3 + k] - m1); s2 += exp(A1_h2[i * 3 + k] - m2); }
        for (int k = 0; k < 3; k++) {
            double l1 = A1_h1[i * 3 + k] - m1 - log(s1), l2 = A1_h2[i * 3 + k] - m2 - log(s2);
            kl += exp(l1) * (l1 - l2);
        }
    }
    CHECK_NEAR(loss_of(BCML_LOSS_STRICT_IMITATION_KL, 0, 0.5, 5, 3, A1_h1, A1_h2, A1_y), 1.228444042796 + 0.5 * kl / 9, tol);
    CHECK(kl > 0.01);
    /* the PyPI 1.4.2 release's normalisations (reference A.1, last rows) */
    bcml_loss_opts o;
    double v = 0;
    bcml_loss_opts_init(&o, BCML_LOSS_NEW_ERROR_NLL);
    o.lambda_c = 0.5;
    o.pypi_1_4_2 = 1;
    CHECK_OK(bcml_loss(&o, 5, 3, A1_h1, A1_h2, A1_y, &v, NULL, &err));
    CHECK_NEAR(v, 1.571869363364, tol);
    o.kind = BCML_LOSS_STRICT_IMITATION_NLL;
    CHECK_OK(bcml_loss(&o, 5, 3, A1_h1, A1_h2, A1_y, &v, NULL, &err));
    CHECK_NEAR(v, 2.662701475229, tol);
    /* lambda_c above 1 is allowed and scales the dissonance linearly */
    double d1 = loss_of(BCML_LOSS_NEW_ERROR_NLL, 0, 1.0, 5, 3, A1_h1, A1_h2, A1_y) - 1.228444042796;
    CHECK_NEAR(loss_of(BCML_LOSS_NEW_ERROR_NLL, 0, 3.0, 5, 3, A1_h1, A1_h2, A1_y), 1.228444042796 + 3 * d1, tol);
}

static const float A2_h1[4] = {0.858148935100f, 0.278884821977f, 0.437823499114f, 0.785834983043f};
static const float A2_h2[4] = {0.475020812521f, 0.389360766051f, 0.605873668432f, 0.768524783499f};
static const int32_t A2_y[4] = {1, 0, 1, 1};

static double binary_loss(bcml_loss_kind kind, double pivot, int logits) {
    bcml_loss_opts o;
    bcml_loss_opts_init(&o, kind);
    o.lambda_c = 0.5;
    o.pivot = pivot;
    o.binary_logits = logits;
    float h1[4], h2[4];
    for (int i = 0; i < 4; i++) {
        h1[i] = logits ? (float)log(A2_h1[i] / (1.0 - A2_h1[i])) : A2_h1[i];
        h2[i] = logits ? (float)log(A2_h2[i] / (1.0 - A2_h2[i])) : A2_h2[i];
    }
    double v = NAN;
    CHECK_OK(bcml_loss(&o, 4, 1, h1, h2, A2_y, &v, NULL, &err));
    return v;
}

static void test_golden_binary(void) {
    for (int logits = 0; logits < 2; logits++) {
        CHECK_NEAR(binary_loss(BCML_LOSS_NEW_ERROR_BCE, 0.5, logits), 0.750657642899, 1e-5);
        CHECK_NEAR(binary_loss(BCML_LOSS_NEW_ERROR_BCE, 0.8, logits), 0.809914365515, 1e-5);
        CHECK_NEAR(binary_loss(BCML_LOSS_STRICT_IMITATION_BCE, 0.5, logits), 1.435122542576, 1e-5);
        CHECK_NEAR(binary_loss(BCML_LOSS_STRICT_IMITATION_BCE, 0.8, logits), 1.174982298733, 1e-5);
    }
}

/* Central differences in float on random inputs, against the analytic gradient. */
static void fd_check(bcml_loss_kind kind, int n, int c, int logits, bcml_reduction red, uint64_t seed) {
    bcml_rng r;
    bcml_rng_seed(&r, seed, 9);
    float *h1 = malloc(sizeof(float) * n * c), *h2 = malloc(sizeof(float) * n * c), *g = malloc(sizeof(float) * n * c);
    int32_t *y = malloc(sizeof(int32_t) * n);
    int binary = c == 1;
    for (int i = 0; i < n * c; i++) {
        if (binary && !logits) {
            h1[i] = 0.05f + 0.9f * bcml_rng_uniform(&r);
            h2[i] = 0.05f + 0.9f * bcml_rng_uniform(&r);
        } else {
            h1[i] = 3.0f * (2.0f * bcml_rng_uniform(&r) - 1.0f);
            h2[i] = 3.0f * (2.0f * bcml_rng_uniform(&r) - 1.0f);
        }
    }
    for (int i = 0; i < n; i++) y[i] = (int32_t)bcml_rng_below(&r, binary ? 2 : (uint32_t)c);
    if (!binary) y[0] = bcml_argmax(h1, c); /* a non-empty support */
    bcml_loss_opts o;
    bcml_loss_opts_init(&o, kind);
    o.lambda_c = 0.7;
    o.binary_logits = logits;
    o.reduction = red;
    o.temperature = 2.0;
    double v;
    CHECK_OK(bcml_loss(&o, n, c, h1, h2, y, &v, g, &err));
    double worst = 0;
    for (int i = 0; i < n * c; i++) {
        float keep = h2[i], eps = 1e-2f * (binary && !logits ? 0.1f : 1.0f);
        double vp, vm;
        h2[i] = keep + eps;
        bcml_loss(&o, n, c, h1, h2, y, &vp, NULL, NULL);
        h2[i] = keep - eps;
        bcml_loss(&o, n, c, h1, h2, y, &vm, NULL, NULL);
        h2[i] = keep;
        double fd = (vp - vm) / (2.0 * eps), e = fabs(fd - g[i]) / fmax(1e-2, fabs(fd));
        if (e > worst) worst = e;
    }
    CHECK(worst < 2e-2);
    if (worst >= 2e-2) fprintf(stderr, "  gradient of %s (logits %d): worst relative error %g\n", bcml_loss_name(kind), logits, worst);
    free(h1); free(h2); free(g); free(y);
}

static void test_gradients(void) {
    for (int k = 0; k < BCML_LOSS_COUNT; k++) {
        if (bcml_loss_is_binary((bcml_loss_kind)k)) {
            fd_check((bcml_loss_kind)k, 9, 1, 0, 0, 10 + k);
            fd_check((bcml_loss_kind)k, 9, 1, 1, 0, 20 + k);
            fd_check((bcml_loss_kind)k, 9, 1, 1, BCML_REDUCTION_SUM, 30 + k);
        } else {
            fd_check((bcml_loss_kind)k, 7, 4, 0, 0, 40 + k);
            fd_check((bcml_loss_kind)k, 7, 4, 0, BCML_REDUCTION_SUM, 50 + k);
        }
    }
}

static void test_empty_support(void) {
    /* h1 wrong everywhere: every compatibility loss equals its base loss exactly */
    a1_setup();
    int32_t y[5];
    for (int i = 0; i < 5; i++) y[i] = (bcml_argmax(A1_h1 + 3 * i, 3) + 1) % 3;
    for (int k = BCML_LOSS_NEW_ERROR_NLL; k < BCML_LOSS_COUNT; k++) {
        if (bcml_loss_is_binary((bcml_loss_kind)k) || k == BCML_LOSS_FOCAL_DISTILLATION) continue;
        double base = loss_of(BCML_LOSS_CROSS_ENTROPY, 0, 0, 5, 3, NULL, A1_h2, y);
        if (k == BCML_LOSS_NEW_ERROR_KL || k == BCML_LOSS_STRICT_IMITATION_KL)
            CHECK(loss_of((bcml_loss_kind)k, BCML_REDUCTION_BATCHMEAN, 0.9, 5, 3, A1_h1, A1_h2, y) == base);
        else
            CHECK(loss_of((bcml_loss_kind)k, 0, 0.9, 5, 3, A1_h1, A1_h2, y) == base);
    }
    float q1[3] = {0.9f, 0.9f, 0.9f}, q2[3] = {0.3f, 0.6f, 0.2f};
    int32_t yb[3] = {0, 0, 0};
    bcml_loss_opts o;
    bcml_loss_opts_init(&o, BCML_LOSS_BCE);
    double base, v;
    CHECK_OK(bcml_loss(&o, 3, 1, NULL, q2, yb, &base, NULL, &err));
    o.kind = BCML_LOSS_NEW_ERROR_BCE;
    CHECK_OK(bcml_loss(&o, 3, 1, q1, q2, yb, &v, NULL, &err));
    CHECK(v == base);
    o.kind = BCML_LOSS_STRICT_IMITATION_BCE;
    CHECK_OK(bcml_loss(&o, 3, 1, q1, q2, yb, &v, NULL, &err));
    CHECK(v == base);
    /* focal distillation with alpha = 0 and an empty support is plain cross-entropy */
    bcml_loss_opts_init(&o, BCML_LOSS_FOCAL_DISTILLATION);
    o.alpha = 0;
    CHECK_OK(bcml_loss(&o, 5, 3, A1_h1, A1_h2, y, &v, NULL, &err));
    CHECK(v == loss_of(BCML_LOSS_CROSS_ENTROPY, 0, 0, 5, 3, NULL, A1_h2, y));
}

static void test_bad_input(void) {
    a1_setup();
    bcml_loss_opts o;
    double v;
    bcml_loss_opts_init(&o, BCML_LOSS_NEW_ERROR_NLL);
    int32_t bad_y[5] = {0, 1, 3, 0, 2};
    CHECK_FAILS(bcml_loss(&o, 5, 3, A1_h1, A1_h2, bad_y, &v, NULL, &err), BCML_EINVAL, "y[2] = 3");
    float nanz[15];
    memcpy(nanz, A1_h2, sizeof nanz);
    nanz[7] = NAN;
    CHECK_FAILS(bcml_loss(&o, 5, 3, A1_h1, nanz, A1_y, &v, NULL, &err), BCML_EINVAL, "h2[2][1] is NaN");
    CHECK_FAILS(bcml_loss(&o, 5, 3, NULL, A1_h2, A1_y, &v, NULL, &err), BCML_EINVAL, "needs h1");
    o.lambda_c = -1;
    CHECK_FAILS(bcml_loss(&o, 5, 3, A1_h1, A1_h2, A1_y, &v, NULL, &err), BCML_EINVAL, "lambda_c");
    o.lambda_c = 1;
    o.reduction = BCML_REDUCTION_BATCHMEAN;
    CHECK_FAILS(bcml_loss(&o, 5, 3, A1_h1, A1_h2, A1_y, &v, NULL, &err), BCML_EINVAL, "batchmean");
    bcml_loss_opts_init(&o, BCML_LOSS_NEW_ERROR_BCE);
    CHECK_FAILS(bcml_loss(&o, 5, 3, A1_h1, A1_h2, A1_y, &v, NULL, &err), BCML_EINVAL, "one output");
    float p[2] = {0.5f, 1.5f}, q[2] = {0.5f, 0.5f};
    int32_t yb[2] = {0, 1};
    CHECK_FAILS(bcml_loss(&o, 2, 1, q, p, yb, &v, NULL, &err), BCML_EINVAL, "not a probability");
    bcml_loss_kind k;
    CHECK_FAILS(bcml_loss_from_name("new-error-mse", &k, &err), BCML_EINVAL, "unknown loss \"new-error-mse\"");
    CHECK_OK(bcml_loss_from_name("strict-imitation-kl", &k, &err));
    CHECK(k == BCML_LOSS_STRICT_IMITATION_KL);
    /* probabilities -> logits -> the same softmax */
    float pr[6] = {0.2f, 0.3f, 0.5f, 1.0f, 0.0f, 0.0f};
    CHECK_OK(bcml_probabilities_to_logits(2, 3, pr, &err));
    CHECK_NEAR(exp(pr[1]) / (exp(pr[0]) + exp(pr[1]) + exp(pr[2])), 0.3, 1e-6);
    CHECK(isfinite(pr[4]));
    float notp[3] = {0.2f, 0.3f, 0.4f};
    CHECK_FAILS(bcml_probabilities_to_logits(1, 3, notp, &err), BCML_EINVAL, "sums to 0.9");
}

/* at lambda_c 0 every family is its base alone: h1 may be missing, and the value and gradient are the plain
 * loss's bit for bit (what lets a sweep train both families once there, and start before h1 exists) */
static void test_lambda_zero(void) {
    a1_setup();
    const bcml_loss_kind kinds[] = {BCML_LOSS_NEW_ERROR_NLL, BCML_LOSS_NEW_ERROR_CROSS_ENTROPY, BCML_LOSS_NEW_ERROR_KL,
                                    BCML_LOSS_STRICT_IMITATION_NLL, BCML_LOSS_STRICT_IMITATION_CROSS_ENTROPY,
                                    BCML_LOSS_STRICT_IMITATION_KL, BCML_LOSS_FOCAL_DISTILLATION};
    bcml_loss_opts o;
    double base, v, w;
    float gb[15], g[15], g2[15];
    bcml_loss_opts_init(&o, BCML_LOSS_CROSS_ENTROPY);
    CHECK_OK(bcml_loss(&o, 5, 3, NULL, A1_h2, A1_y, &base, gb, &err));
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        bcml_loss_opts_init(&o, kinds[k]);
        o.lambda_c = 0;
        CHECK(!bcml_loss_needs_h1(&o));
        CHECK_OK(bcml_loss(&o, 5, 3, A1_h1, A1_h2, A1_y, &v, g, &err));
        CHECK_OK(bcml_loss(&o, 5, 3, NULL, A1_h2, A1_y, &w, g2, &err));
        CHECK(v == base && w == base && memcmp(g, gb, sizeof g) == 0 && memcmp(g2, gb, sizeof g) == 0);
        o.lambda_c = 0.5;
        CHECK(bcml_loss_needs_h1(&o));
        CHECK_FAILS(bcml_loss(&o, 5, 3, NULL, A1_h2, A1_y, &v, g, &err), BCML_EINVAL, "needs h1");
    }
    float p[2] = {0.25f, 0.75f}, q[2] = {0.5f, 0.9f}, gp[2], gq[2];
    int32_t yb[2] = {0, 1};
    bcml_loss_opts_init(&o, BCML_LOSS_BCE);
    CHECK_OK(bcml_loss(&o, 2, 1, NULL, p, yb, &base, gp, &err));
    for (int si = 0; si < 2; si++) {
        bcml_loss_opts_init(&o, si ? BCML_LOSS_STRICT_IMITATION_BCE : BCML_LOSS_NEW_ERROR_BCE);
        o.lambda_c = 0;
        CHECK_OK(bcml_loss(&o, 2, 1, q, p, yb, &v, gq, &err));
        CHECK(v == base && memcmp(gq, gp, sizeof gq) == 0);
        CHECK_OK(bcml_loss(&o, 2, 1, NULL, p, yb, &v, gq, &err));
        CHECK(v == base && memcmp(gq, gp, sizeof gq) == 0);
    }
}

int main(void) {
    test_golden_multiclass();
    test_golden_binary();
    test_gradients();
    test_empty_support();
    test_bad_input();
    test_lambda_zero();
    return check_report("losses");
}
