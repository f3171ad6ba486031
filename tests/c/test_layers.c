/* test_layers.c - finite-difference checks of every layer's backward pass, through small models. */
#include "check.h"
#include "../../src/layers.h"
#include "../../src/model.h"

#include <math.h>
#include <string.h>

#include <stdlib.h>

/* loss = sum(r * logits) for a fixed random r, so dloss/dlogits = r */
static double probe(bcml_model *m, const float *x, int B, const float *r, int O) {
    bcml__model_seed_dropout(m, 7); /* the same dropout mask on every pass */
    const float *z = bcml__model_forward(m, x, B, 1);
    double s = 0;
    for (int i = 0; i < B * O; i++) s += (double)r[i] * z[i];
    return s;
}

static void grad_check(const char *spec, int B, uint64_t seed) {
    bcml_model *m = NULL;
    CHECK_OK(bcml_model_create(spec, seed, &m, &err));
    if (!m) return;
    int64_t D = bcml_model_input_size(m), P = bcml_model_param_count(m);
    int O = bcml_model_output_size(m);
    bcml_rng rng;
    bcml_rng_seed(&rng, seed, 3);
    float *x = malloc(sizeof(float) * B * D), *r = malloc(sizeof(float) * B * O);
    for (int64_t i = 0; i < B * D; i++) x[i] = 2.0f * bcml_rng_uniform(&rng) - 1.0f;
    for (int i = 0; i < B * O; i++) r[i] = 2.0f * bcml_rng_uniform(&rng) - 1.0f;
    CHECK_OK(bcml__model_reserve(m, B, &err));
    probe(m, x, B, r, O);
    float *g = bcml__model_grads(m), *p = bcml_model_params(m);
    memset(g, 0, sizeof(float) * P);
    bcml__model_backward(m, x, r, B);
    float *ga = malloc(sizeof(float) * P);
    memcpy(ga, g, sizeof(float) * P);
    int bad = 0, checked = 0;
    int64_t step = P > 400 ? P / 400 : 1; /* a spread of parameters in every layer */
    for (int64_t j = 0; j < P; j += step) {
        float keep = p[j], eps = 1e-3f;
        p[j] = keep + eps;
        double vp = probe(m, x, B, r, O);
        p[j] = keep - eps;
        double vm = probe(m, x, B, r, O);
        p[j] = keep;
        double fd = (vp - vm) / (2 * eps);
        checked++;
        if (fabs(fd - ga[j]) > 2e-2 * fmax(1.0, fabs(fd))) {
            if (bad < 3) fprintf(stderr, "  %s: param %lld analytic %g numeric %g\n", spec, (long long)j, ga[j], fd);
            bad++;
        }
    }
    /* a ReLU or max-pool kink may sit inside +-eps for a rare parameter; allow 1% of them */
    CHECK(bad <= checked / 100);
    free(x); free(r); free(ga);
    bcml_model_free(m);
}

/* The 2x2 pool four windows at a time: the same maxima and indices as one window at a time (the first of equal
 * values wins, a NaN wins and propagates; -0 and +0 are equal), on planes whose width leaves windows over. */
static void test_maxpool_2x2(void) {
    const float vals[] = {-1.0f, 0.0f, -0.0f, 1.0f, NAN, 2.0f, 1.0f};
    bcml_rng r;
    bcml_rng_seed(&r, 3, 9);
    for (int H = 2; H <= 25; H += 1) {
        int W = H + 3, OH = H / 2, OW = W / 2, C = 2, B = 2;
        size_t n = (size_t)B * C * H * W, no = (size_t)B * C * OH * OW;
        float *in = malloc(n * sizeof(float)), *out = malloc(no * sizeof(float));
        int32_t *ix = malloc(no * sizeof(int32_t));
        for (size_t i = 0; i < n; i++) in[i] = vals[bcml_rng_below(&r, 7)];
        maxpool2d_forward(out, ix, in, B, C, H, W, 2, 2);
        int same = 1;
        for (int p = 0; p < B * C; p++)
            for (int oh = 0; oh < OH; oh++)
                for (int ow = 0; ow < OW; ow++) {
                    const float *pl = in + (size_t)p * H * W;
                    int best = 2 * oh * W + 2 * ow;
                    for (int kh = 0; kh < 2; kh++)
                        for (int kw = 0; kw < 2; kw++) {
                            int at = (2 * oh + kh) * W + 2 * ow + kw;
                            if (pl[at] > pl[best] || pl[at] != pl[at]) best = at;
                        }
                    size_t o = ((size_t)p * OH + oh) * OW + ow;
                    same &= ix[o] == best && memcmp(&out[o], &pl[best], sizeof(float)) == 0;
                }
        CHECK(same);
        free(in); free(out); free(ix);
    }
}

int main(void) {
    test_maxpool_2x2();
    grad_check("{\"preset\":\"logreg\",\"input\":5,\"classes\":3}", 4, 1);
    grad_check("{\"preset\":\"logreg\",\"input\":5,\"classes\":1}", 4, 2);
    grad_check("{\"preset\":\"mlp\",\"input\":6,\"hidden\":[8,5],\"classes\":3}", 5, 3);
    grad_check("{\"input\":[2,7,7],\"layers\":[{\"type\":\"conv2d\",\"out\":3,\"kernel\":3,\"stride\":2,\"padding\":1},"
               "{\"type\":\"relu\"},{\"type\":\"flatten\"},{\"type\":\"linear\",\"out\":4}]}", 3, 4);
    grad_check("{\"input\":[1,9,9],\"layers\":[{\"type\":\"conv2d\",\"out\":4,\"kernel\":2},"
               "{\"type\":\"maxpool2d\",\"kernel\":2},{\"type\":\"relu\"},"
               "{\"type\":\"dropout\",\"p\":0.3,\"channels\":true},{\"type\":\"flatten\"},"
               "{\"type\":\"linear\",\"out\":6},{\"type\":\"dropout\",\"p\":0.5},{\"type\":\"linear\",\"out\":3}]}", 3, 5);
    grad_check("{\"input\":[3,6,6],\"layers\":[{\"type\":\"maxpool2d\",\"kernel\":3,\"stride\":1},{\"type\":\"conv2d\","
               "\"out\":2,\"kernel\":2,\"padding\":2},{\"type\":\"flatten\"},{\"type\":\"linear\",\"out\":2}]}", 2, 6);
    grad_check("{\"preset\":\"mnist-net\"}", 2, 7);
    grad_check("{\"preset\":\"cifar-net\"}", 2, 8);
    return check_report("layers");
}
