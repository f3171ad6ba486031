/* cmd_loss.c - `bcml loss`: one compatibility loss value and its gradient with respect to h2's outputs. */
#include "cli.h"
#include "../options.h"

#include <stdlib.h>
#include <string.h>

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
    if (bcml__parse_loss(in, "loss input", 0, 0, &o, &e) ||
        bcml__json_int(in, "num_classes", 0, 0, 1, 65536, "loss input", &nc, &e))
        goto fail;
    kind = o.kind;
    if (bcml_loss_uses_h1(kind) && !cJSON_GetObjectItemCaseSensitive(in, "lambda_c")) {
        rc = cli_fail("loss input: missing \"lambda_c\"");
        goto done;
    }
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
