/* fuzz_json.c - libFuzzer target: every JSON entry point of the library: model specs, loss, training and
 * sweep options, evaluation records for the sweep summary, and recommendation constraints. */
#include "bcml.h"
#include "options.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = 0;
    bcml_model *m = NULL;
    if (bcml_model_create(text, 1, &m, NULL) == BCML_OK) bcml_model_free(m);
    cJSON *j = cJSON_Parse(text);
    if (j) {
        bcml_loss_opts lo;
        bcml_train_opts to;
        bcml_sweep_config sc;
        double *lambdas = NULL;
        const char *constraint = NULL;
        bcml__parse_loss(j, "fuzz", 0, 1, &lo, NULL);
        bcml__parse_train(j, "fuzz", 0, &to, NULL);
        if (bcml__parse_sweep(j, 0, &sc, &lambdas, &constraint, NULL) == BCML_OK) bcml_free(lambdas);
        cJSON_Delete(j);
    }
    const char *evals[2] = {text, text};
    char *json = NULL;
    if (bcml_sweep_summary(evals, 1, 1, NULL, &json, NULL) == BCML_OK) bcml_free(json);
    if (bcml_sweep_summary(NULL, 0, 0, text, &json, NULL) == BCML_OK) bcml_free(json);
    free(text);
    return 0;
}
