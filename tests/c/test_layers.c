/* test_layers.c - finite-difference checks of every layer's backward pass, through small models. */
#include "check.h"
#include "../../src/model.h"

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

int main(void) {
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
