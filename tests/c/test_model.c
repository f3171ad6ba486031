/* test_model.c - specs and presets, PyTorch-style init, predict, clone, save/load and their errors. */
#include "check.h"

#include <stdlib.h>

static void test_presets(void) {
    bcml_model *m = NULL;
    CHECK_OK(bcml_model_create("{\"preset\":\"mnist-net\"}", 1, &m, &err));
    CHECK(m && bcml_model_param_count(m) == 21840); /* conv 260 + conv 5020 + fc 16050 + fc 510 */
    CHECK(m && bcml_model_input_size(m) == 784 && bcml_model_output_size(m) == 10);
    bcml_model_free(m);
    CHECK_OK(bcml_model_create("{\"preset\":\"cifar-net\"}", 1, &m, &err));
    CHECK(m && bcml_model_param_count(m) == 62006 && bcml_model_input_size(m) == 3072);
    bcml_model_free(m);
    CHECK_OK(bcml_model_create("{\"preset\":\"mlp\",\"input\":9,\"classes\":2}", 1, &m, &err));
    CHECK(m && bcml_model_param_count(m) == 9 * 50 + 50 + 50 * 10 + 10 + 10 * 2 + 2); /* default hidden [50, 10] */
    bcml_model_free(m);
    CHECK_OK(bcml_model_create("{\"preset\":\"logreg\",\"input\":[1,4,4],\"classes\":1}", 1, &m, &err));
    CHECK(m && bcml_model_param_count(m) == 17 && bcml_model_output_size(m) == 1);
    bcml_model_free(m);
}

static void test_init(void) {
    bcml_model *a = NULL, *b = NULL, *c = NULL;
    const char *spec = "{\"preset\":\"mlp\",\"input\":20,\"hidden\":[30],\"classes\":4}";
    CHECK_OK(bcml_model_create(spec, 5, &a, &err));
    CHECK_OK(bcml_model_create(spec, 5, &b, &err));
    CHECK_OK(bcml_model_create(spec, 6, &c, &err));
    int64_t P = bcml_model_param_count(a);
    CHECK(memcmp(bcml_model_params(a), bcml_model_params(b), P * sizeof(float)) == 0);
    CHECK(memcmp(bcml_model_params(a), bcml_model_params(c), P * sizeof(float)) != 0);
    /* bound 1/sqrt(fan_in): 1/sqrt(20) for the first layer (weights and bias), 1/sqrt(30) for the second */
    const float *p = bcml_model_params(a);
    float max1 = 0, max2 = 0;
    for (int i = 0; i < 20 * 30 + 30; i++) max1 = fmaxf(max1, fabsf(p[i]));
    for (int64_t i = 20 * 30 + 30; i < P; i++) max2 = fmaxf(max2, fabsf(p[i]));
    CHECK(max1 <= 1 / sqrtf(20) && max1 > 0.9f / sqrtf(20));
    CHECK(max2 <= 1 / sqrtf(30) && max2 > 0.8f / sqrtf(30));
    bcml_model_free(a); bcml_model_free(b); bcml_model_free(c);
}

static void test_predict_save_load(void) {
    bcml_model *m = NULL, *l = NULL, *cl = NULL;
    CHECK_OK(bcml_model_create("{\"preset\":\"mnist-net\"}", 3, &m, &err));
    int n = 300; /* more than one internal chunk */
    float *x = malloc(sizeof(float) * n * 784), *o1 = malloc(sizeof(float) * n * 10), *o2 = malloc(sizeof(float) * n * 10);
    for (int i = 0; i < n * 784; i++) x[i] = (float)((i * 7919) % 255) / 255.0f;
    CHECK_OK(bcml_model_predict(m, x, n, o1, &err));
    CHECK_OK(bcml_model_predict(m, x + 299 * 784, 1, o2, &err)); /* the last row alone */
    CHECK(memcmp(o1 + 299 * 10, o2, 10 * sizeof(float)) == 0);
    unsigned char *bytes = NULL;
    size_t len = 0;
    CHECK_OK(bcml_model_save(m, &bytes, &len, &err));
    CHECK_OK(bcml_model_load(bytes, len, &l, &err));
    CHECK_OK(bcml_model_predict(l, x, n, o2, &err));
    CHECK(memcmp(o1, o2, sizeof(float) * n * 10) == 0);
    CHECK_OK(bcml_model_clone(m, &cl, &err));
    CHECK_OK(bcml_model_predict(cl, x, n, o2, &err));
    CHECK(memcmp(o1, o2, sizeof(float) * n * 10) == 0);
    CHECK(strcmp(bcml_model_spec(m), bcml_model_spec(l)) == 0);

    bcml_model *bad = NULL;
    CHECK_FAILS(bcml_model_load(bytes, 10, &bad, &err), BCML_EFORMAT, "bad magic");
    CHECK_FAILS(bcml_model_load(bytes, len - 4, &bad, &err), BCML_EFORMAT, "parameters stored");
    unsigned char *copy = malloc(len);
    memcpy(copy, bytes, len);
    copy[8] = 9;
    CHECK_FAILS(bcml_model_load(copy, len, &bad, &err), BCML_EFORMAT, "version 9");
    memcpy(copy, bytes, len);
    memcpy(copy + len - 4, (const unsigned char[]){0, 0, 0xc0, 0x7f}, 4); /* NaN */
    CHECK_FAILS(bcml_model_load(copy, len, &bad, &err), BCML_EFORMAT, "not finite");
    memcpy(copy, bytes, len);
    copy[15] = 0x7f; /* absurd spec length */
    CHECK_FAILS(bcml_model_load(copy, len, &bad, &err), BCML_EFORMAT, "truncated");
    CHECK(bad == NULL);
    CHECK_FAILS(bcml_model_load_file("/nonexistent/model.bcml", &bad, &err), BCML_EIO, "/nonexistent/model.bcml");
    const char *path = "test_model_roundtrip.bcml"; /* in the test's working directory */
    CHECK_OK(bcml_model_save_file(m, path, &err));
    CHECK_OK(bcml_model_load_file(path, &bad, &err));
    CHECK(bad && memcmp(bcml_model_params(bad), bcml_model_params(m), 21840 * sizeof(float)) == 0);
    bcml_model_free(bad);
    remove(path);
    free(copy);
    bcml_free(bytes);
    free(x); free(o1); free(o2);
    bcml_model_free(m); bcml_model_free(l); bcml_model_free(cl);
}

static void test_spec_errors(void) {
    bcml_model *m = NULL;
    CHECK_FAILS(bcml_model_create("{\"preset\":\"resnet\"}", 0, &m, &err), BCML_EINVAL, "unknown preset \"resnet\"");
    CHECK_FAILS(bcml_model_create("{\"preset\":\"mlp\",\"input\":3,\"classes\":2,\"hiden\":[4]}", 0, &m, &err),
                BCML_EINVAL, "unknown key \"hiden\"");
    CHECK_FAILS(bcml_model_create("{\"preset\":\"logreg\",\"classes\":2}", 0, &m, &err), BCML_EINVAL, "needs \"input\"");
    CHECK_FAILS(bcml_model_create("{\"input\":[1,4,4],\"layers\":[{\"type\":\"conv2d\",\"out\":2,\"kernel\":5}]}", 0, &m,
                                  &err), BCML_EINVAL, "does not fit");
    CHECK_FAILS(bcml_model_create("{\"input\":3,\"layers\":[{\"type\":\"gelu\"}]}", 0, &m, &err), BCML_EINVAL,
                "layers[0]: unknown layer type \"gelu\"");
    CHECK_FAILS(bcml_model_create("{\"input\":3,\"layers\":[{\"type\":\"linear\",\"out\":2.5}]}", 0, &m, &err),
                BCML_EINVAL, "whole number");
    CHECK_FAILS(bcml_model_create("{\"input\":3,\"layers\":[{\"type\":\"linear\",\"out\":-2}]}", 0, &m, &err),
                BCML_EINVAL, "expected 1 to");
    CHECK_FAILS(bcml_model_create("{\"input\":[2,3,3],\"layers\":[{\"type\":\"relu\"}]}", 0, &m, &err), BCML_EINVAL,
                "flat vector");
    CHECK_FAILS(bcml_model_create("{\"input\":3,", 0, &m, &err), BCML_EFORMAT, "invalid JSON at line 1");
    CHECK_FAILS(bcml_model_create("{\"input\":1000000,\"layers\":[{\"type\":\"linear\",\"out\":1000000}]}", 0, &m, &err),
                BCML_ENOMEM, "too large");
    CHECK(m == NULL);
}

int main(void) {
    test_presets();
    test_init();
    test_predict_save_load();
    test_spec_errors();
    return check_report("model");
}
