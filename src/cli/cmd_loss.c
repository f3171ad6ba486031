/* cmd_loss.c - `bcml loss`: one compatibility loss value and its gradient with respect to h2's outputs. */
#include "cli.h"
#include "../jsonutil.h"

#include <stdlib.h>
#include <string.h>

static int parse_reduction(const cJSON *in, bcml_reduction *r, bcml_error *e) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(in, "reduction");
    *r = BCML_REDUCTION_DEFAULT;
    if (!v) return 0;
    const char *s = cJSON_IsString(v) ? v->valuestring : "";
    if (strcmp(s, "mean") == 0) *r = BCML_REDUCTION_MEAN;
    else if (strcmp(s, "sum") == 0) *r = BCML_REDUCTION_SUM;
    else if (strcmp(s, "batchmean") == 0) *r = BCML_REDUCTION_BATCHMEAN;
    else {
        snprintf(e->msg, sizeof e->msg, "loss input: \"reduction\" must be \"mean\", \"sum\" or \"batchmean\"");
        return 1;
    }
    return 0;
}

int cmd_loss(const cli_args *a) {
    static const char *const keys[] = {"loss", "lambda_c", "h1", "h2", "y", "pivot", "num_classes", "alpha", "beta",
                                       "temperature", "reduction", "logits", "variant", NULL};
    cJSON *in = cli_read_json(a->input);
    if (!in) return 1;
    int rc = 1;
    float *h1 = NULL, *h2 = NULL, *grad = NULL;
    int32_t *y = NULL;
    bcml_error e = {0};
    bcml_loss_opts o;
    bcml_loss_kind kind;
    int64_t n = 0, n1 = 0, ny = 0, nc;
    int c = 0, c1 = 0;
    if (!cJSON_IsObject(in)) { rc = cli_fail("loss input must be a JSON object"); goto done; }
    if (bcml__json_only_keys(in, keys, "loss input", &e)) goto fail;
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(in, "loss");
    if (!cJSON_IsString(name)) { rc = cli_fail("loss input: missing \"loss\" (a loss name)"); goto done; }
    if (bcml_loss_from_name(name->valuestring, &kind, &e)) goto fail;
    bcml_loss_opts_init(&o, kind);
    if (bcml__json_num(in, "lambda_c", bcml_loss_uses_h1(kind), 0.0, 0.0, 1e30, "loss input", &o.lambda_c, &e) ||
        bcml__json_num(in, "pivot", 0, 0.5, 1e-9, 1 - 1e-9, "loss input", &o.pivot, &e) ||
        bcml__json_num(in, "alpha", 0, o.alpha, 0.0, 1e30, "loss input", &o.alpha, &e) ||
        bcml__json_num(in, "beta", 0, o.beta, 0.0, 1e30, "loss input", &o.beta, &e) ||
        bcml__json_num(in, "temperature", 0, o.temperature, 1e-6, 1e6, "loss input", &o.temperature, &e) ||
        bcml__json_int(in, "num_classes", 0, 0, 1, 65536, "loss input", &nc, &e) || parse_reduction(in, &o.reduction, &e))
        goto fail;
    const cJSON *lg = cJSON_GetObjectItemCaseSensitive(in, "logits");
    if (lg && !cJSON_IsBool(lg)) { rc = cli_fail("loss input: \"logits\" must be true or false"); goto done; }
    o.binary_logits = lg && cJSON_IsTrue(lg);
    const cJSON *variant = cJSON_GetObjectItemCaseSensitive(in, "variant");
    if (variant && !(cJSON_IsString(variant) &&
                     (strcmp(variant->valuestring, "head") == 0 || strcmp(variant->valuestring, "pypi-1.4.2") == 0))) {
        rc = cli_fail("loss input: \"variant\" must be \"head\" (default) or \"pypi-1.4.2\"");
        goto done;
    }
    o.pypi_1_4_2 = variant && strcmp(variant->valuestring, "pypi-1.4.2") == 0;
    if (!(h2 = cli_matrix(cJSON_GetObjectItemCaseSensitive(in, "h2"), "h2", &n, &c, &e))) goto fail;
    if (!(y = cli_labels(cJSON_GetObjectItemCaseSensitive(in, "y"), "y", &ny, &e))) goto fail;
    if (ny != n) { rc = cli_fail("loss input: \"y\" has %lld labels, \"h2\" has %lld rows", (long long)ny, (long long)n); goto done; }
    if (bcml_loss_uses_h1(kind)) {
        if (!(h1 = cli_matrix(cJSON_GetObjectItemCaseSensitive(in, "h1"), "h1", &n1, &c1, &e))) goto fail;
        if (n1 != n || c1 != c) {
            rc = cli_fail("loss input: \"h1\" is %lldx%d but \"h2\" is %lldx%d", (long long)n1, c1, (long long)n, c);
            goto done;
        }
    }
    if (nc && !bcml_loss_is_binary(kind) && nc != c) {
        rc = cli_fail("loss input: \"num_classes\" is %lld but the outputs have %d columns", (long long)nc, c);
        goto done;
    }
    if (n > 1 << 24) { rc = cli_fail("loss input: more than 2^24 rows"); goto done; }
    if (!(grad = malloc((size_t)n * c * sizeof(float)))) { rc = cli_fail("out of memory"); goto done; }
    double value;
    if (bcml_loss(&o, (int)n, c, h1, h2, y, &value, grad, &e)) goto fail;
    if (a->pretty) {
        printf("loss %s, lambda_c %g, %lld instances: %.12g\n", bcml_loss_name(kind), o.lambda_c, (long long)n, value);
        rc = 0;
        goto done;
    }
    cJSON *out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "loss", bcml_loss_name(kind));
    bcml__json_add_number(out, "value", value);
    cJSON *g = cJSON_AddArrayToObject(out, "grad");
    for (int64_t i = 0; i < n; i++) {
        cJSON *row = cJSON_CreateArray();
        for (int j = 0; j < c; j++) cJSON_AddItemToArray(row, bcml__json_number(grad[i * c + j]));
        cJSON_AddItemToArray(g, row);
    }
    rc = cli_print_json(out);
    cJSON_Delete(out);
    goto done;
fail:
    rc = cli_fail_err(&e);
done:
    cJSON_Delete(in);
    free(h1);
    free(h2);
    free(grad);
    free(y);
    return rc;
}
