/* cmd_train.c - `bcml train` (train h2, optionally against h1 with a compatibility loss) and
 * `bcml predict` (a saved model's outputs on a dataset). */
#include "cli.h"
#include "../options.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Accuracy of model outputs against labels (threshold at logit 0 for a binary model). */
static double accuracy(const float *out, int c, const int32_t *y, int64_t n, int32_t *labels) {
    int64_t right = 0;
    bcml_outputs_to_labels(n, c, out, 0.0, labels, NULL);
    for (int64_t i = 0; i < n; i++) right += labels[i] == y[i];
    return n ? (double)right / n : NAN;
}

static void add_num(cJSON *o, const char *k, double v) {
    if (isfinite(v)) bcml__json_add_number(o, k, v);
    else cJSON_AddNullToObject(o, k);
}

int cmd_train(const cli_args *a) {
    static const char *const keys[] = {"data", "test", "model", "model_file", "h1", "epochs", "batch_size", "seed",
                                       "shuffle", "optimizer", "loss", "save", NULL};
    static const char *const h1_keys[] = {"model_file", "outputs", "probabilities", NULL};
    cJSON *cfg = cli_read_json(a->input), *out = NULL;
    if (!cfg) return 1;
    int rc = 1;
    bcml_error e = {0};
    cli_data train = {0}, test = {0};
    bcml_model *h2 = NULL, *h1 = NULL;
    bcml_encoder *enc = NULL;
    float *h1_out = NULL, *pred = NULL;
    int32_t *lab1 = NULL, *lab2 = NULL;
    double *epoch_loss = NULL;
    bcml_train_opts o;
    if (!cJSON_IsObject(cfg)) { rc = cli_fail("train config must be a JSON object"); goto done; }
    if (cli_apply_overrides(cfg, a)) goto done;
    if (bcml__json_only_keys(cfg, keys, "train config", &e)) goto fail;
    if (bcml__parse_train(cfg, "train config", 0, &o, &e)) goto fail; /* again below, once the model is known */
    /* CSV data is encoded as h1's (or the initial model's) saved encoding says, else as its training split teaches */
    const cJSON *jh1f = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(cfg, "h1"), "model_file");
    const cJSON *jmf = cJSON_GetObjectItemCaseSensitive(cfg, "model_file");
    int enc_failed = 0;
    enc = cli_model_encoding(cJSON_IsString(jh1f) ? jh1f->valuestring : cJSON_IsString(jmf) ? jmf->valuestring : NULL, &e,
                             &enc_failed);
    if (enc_failed) goto fail;
    if (cli_load_data(cJSON_GetObjectItemCaseSensitive(cfg, "data"), "data", enc, &train, &e)) goto fail;
    const bcml_encoder *used = enc ? enc : train.encoder;
    const cJSON *jtest = cJSON_GetObjectItemCaseSensitive(cfg, "test");
    if (jtest && cli_load_data(jtest, "test", used, &test, &e)) goto fail;
    if (cli_load_model(cfg, "model", "model_file", o.seed, &h2, &e)) goto fail;
    int C = bcml_model_output_size(h2);
    if (bcml__parse_train(cfg, "train config", C == 1, &o, &e)) goto fail;
    if (test.x && test.dim != train.dim) {
        rc = cli_fail("train config: \"test\" has %lld features, \"data\" has %lld", (long long)test.dim, (long long)train.dim);
        goto done;
    }

    const cJSON *jh1 = cJSON_GetObjectItemCaseSensitive(cfg, "h1");
    if (jh1) {
        if (!cJSON_IsObject(jh1)) { rc = cli_fail("train config: \"h1\" must be an object"); goto done; }
        if (bcml__json_only_keys(jh1, h1_keys, "\"h1\"", &e)) goto fail;
        if (cJSON_GetObjectItemCaseSensitive(jh1, "model_file")) {
            if (cli_load_model(jh1, "-", "model_file", 0, &h1, &e)) goto fail;
            if (bcml_model_output_size(h1) != C || bcml_model_input_size(h1) != train.dim) {
                rc = cli_fail("train config: h1 has %lld inputs and %d outputs; h2 and the data need %lld and %d",
                              (long long)bcml_model_input_size(h1), bcml_model_output_size(h1), (long long)train.dim, C);
                goto done;
            }
            if (!(h1_out = malloc((size_t)train.n * C * sizeof(float)))) { rc = cli_fail("out of memory"); goto done; }
            if (bcml_model_predict(h1, train.x, train.n, h1_out, &e)) goto fail;
        } else {
            int64_t rows;
            int cols;
            if (!(h1_out = cli_outputs(cJSON_GetObjectItemCaseSensitive(jh1, "outputs"), "h1.outputs", &rows, &cols, &e)))
                goto fail;
            if (rows != train.n || cols != C) {
                rc = cli_fail("train config: \"h1\".\"outputs\" is %lldx%d, the training set needs %lldx%d", (long long)rows,
                              cols, (long long)train.n, C);
                goto done;
            }
            const cJSON *pr = cJSON_GetObjectItemCaseSensitive(jh1, "probabilities");
            o.h1_probabilities = pr && cJSON_IsTrue(pr);
        }
        o.h1_outputs = h1_out;
    }
    if (bcml_loss_uses_h1(o.loss.kind) && !h1_out) {
        rc = cli_fail("train config: loss %s needs \"h1\" ({\"model_file\": ...} or {\"outputs\": ...})",
                      bcml_loss_name(o.loss.kind));
        goto done;
    }
    if (!(epoch_loss = calloc((size_t)(o.epochs ? o.epochs : 1), sizeof(double)))) { rc = cli_fail("out of memory"); goto done; }
    bcml_dataset ds = {train.n, train.dim, train.x, train.y, NULL};
    int done_epochs = 0;
    if (bcml_train(h2, &ds, &o, epoch_loss, &done_epochs, &e)) goto fail;

    const cJSON *save = cJSON_GetObjectItemCaseSensitive(cfg, "save");
    const char *save_path = a->out ? a->out : (cJSON_IsString(save) ? save->valuestring : NULL);
    if (save && !cJSON_IsString(save)) { rc = cli_fail("train config: \"save\" must be a path"); goto done; }
    if (save_path && bcml_model_save_file(h2, save_path, &e)) goto fail;
    if (save_path && used) {
        char epath[4096];
        snprintf(epath, sizeof epath, "%s.encoding.json", save_path);
        if (cli_save_encoding(used, epath, &e)) goto fail;
    }

    out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "loss", bcml_loss_name(o.loss.kind));
    if (bcml_loss_uses_h1(o.loss.kind)) bcml__json_add_number(out, "lambda_c", o.loss.lambda_c);
    bcml__json_add_number(out, "epochs", done_epochs);
    cJSON *el = cJSON_AddArrayToObject(out, "epoch_loss");
    for (int i = 0; i < done_epochs; i++) cJSON_AddItemToArray(el, bcml__json_number(epoch_loss[i]));
    bcml__json_add_number(out, "param_count", (double)bcml_model_param_count(h2));
    bcml__json_add_number(out, "train_size", (double)train.n);
    int64_t big = train.n > test.n ? train.n : test.n;
    if (!(pred = malloc((size_t)big * C * sizeof(float))) || !(lab1 = malloc((size_t)big * sizeof(int32_t))) ||
        !(lab2 = malloc((size_t)big * sizeof(int32_t)))) {
        rc = cli_fail("out of memory");
        goto done;
    }
    if (bcml_model_predict(h2, train.x, train.n, pred, &e)) goto fail;
    add_num(out, "train_accuracy", accuracy(pred, C, train.y, train.n, lab2));
    if (test.x) {
        cJSON *t = cJSON_AddObjectToObject(out, "test");
        bcml__json_add_number(t, "size", (double)test.n);
        if (bcml_model_predict(h2, test.x, test.n, pred, &e)) goto fail;
        add_num(t, "h2_accuracy", accuracy(pred, C, test.y, test.n, lab2));
        if (h1) {
            /* the update's compatibility on held-out data */
            if (bcml_model_predict(h1, test.x, test.n, pred, &e)) goto fail;
            accuracy(pred, C, test.y, test.n, lab1);
            bcml_counts k;
            bcml_compat cs;
            char *cj = NULL;
            if (bcml_counts_compute(test.n, lab1, lab2, test.y, &k, &e)) goto fail;
            bcml_compat_from_counts(&k, &cs);
            if (bcml_compat_json(&cs, &cj, &e)) goto fail;
            cJSON_AddItemToObject(t, "compatibility", cJSON_Parse(cj));
            bcml_free(cj);
        }
    }
    if (save_path) cJSON_AddStringToObject(out, "saved", save_path);
    if (a->pretty) {
        /* read back from text: numbers are written exactly (bcml__json_number), not kept as doubles */
        char *txt = bcml__json_print(out);
        cJSON *view = txt ? cJSON_Parse(txt) : NULL;
        free(txt);
        cJSON_Delete(out);
        out = view;
        if (!out) { rc = cli_fail("out of memory"); goto done; }
        printf("trained %lld parameters for %d epochs with %s on %lld instances\n", (long long)bcml_model_param_count(h2),
               done_epochs, bcml_loss_name(o.loss.kind), (long long)train.n);
        for (int i = 0; i < done_epochs; i++) printf("  epoch %3d  loss %.6f\n", i + 1, epoch_loss[i]);
        printf("  train accuracy %.4f\n", cJSON_GetObjectItemCaseSensitive(out, "train_accuracy")->valuedouble);
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(out, "test");
        if (t) {
            printf("  test accuracy  %.4f\n", cJSON_GetObjectItemCaseSensitive(t, "h2_accuracy")->valuedouble);
            const cJSON *c = cJSON_GetObjectItemCaseSensitive(t, "compatibility");
            if (c) {
                const cJSON *btc = cJSON_GetObjectItemCaseSensitive(c, "btc"), *bec = cJSON_GetObjectItemCaseSensitive(c, "bec");
                printf("  vs h1: h1 accuracy %.4f, BTC %s%.4f, BEC %s%.4f\n",
                       cJSON_GetObjectItemCaseSensitive(c, "h1_accuracy")->valuedouble, cJSON_IsNumber(btc) ? "" : "undefined ",
                       cJSON_IsNumber(btc) ? btc->valuedouble : 0.0, cJSON_IsNumber(bec) ? "" : "undefined ",
                       cJSON_IsNumber(bec) ? bec->valuedouble : 0.0);
            }
        }
        if (save_path) printf("  saved to %s\n", save_path);
        rc = 0;
    } else {
        rc = cli_print_json(out);
    }
    goto done;
fail:
    rc = cli_fail_err(&e);
done:
    bcml_encoder_free(enc);
    cJSON_Delete(out);
    cJSON_Delete(cfg);
    cli_free_data(&train);
    cli_free_data(&test);
    bcml_model_free(h1);
    bcml_model_free(h2);
    free(h1_out);
    free(pred);
    free(lab1);
    free(lab2);
    free(epoch_loss);
    return rc;
}

int cmd_predict(const cli_args *a) {
    static const char *const keys[] = {"model_file", "data", "features", NULL};
    cJSON *cfg = cli_read_json(a->input), *out = NULL;
    if (!cfg) return 1;
    int rc = 1;
    bcml_error e = {0};
    cli_data d = {0};
    bcml_model *m = NULL;
    bcml_encoder *enc = NULL;
    float *pred = NULL;
    int32_t *lab = NULL;
    if (!cJSON_IsObject(cfg)) { rc = cli_fail("predict input must be a JSON object"); goto done; }
    if (bcml__json_only_keys(cfg, keys, "predict input", &e)) goto fail;
    if (cli_load_model(cfg, "-", "model_file", 0, &m, &e)) goto fail;
    int enc_failed = 0;
    const cJSON *mf = cJSON_GetObjectItemCaseSensitive(cfg, "model_file");
    enc = cli_model_encoding(cJSON_IsString(mf) ? mf->valuestring : NULL, &e, &enc_failed);
    if (enc_failed) goto fail;
    if (cli_load_data(cJSON_GetObjectItemCaseSensitive(cfg, "data"), "data", enc, &d, &e)) goto fail;
    if (d.dim != bcml_model_input_size(m)) {
        rc = cli_fail("predict: the data has %lld features, the model expects %lld", (long long)d.dim,
                      (long long)bcml_model_input_size(m));
        goto done;
    }
    int C = bcml_model_output_size(m);
    if (!(pred = malloc((size_t)d.n * C * sizeof(float))) || !(lab = malloc((size_t)d.n * sizeof(int32_t)))) {
        rc = cli_fail("out of memory");
        goto done;
    }
    if (bcml_model_predict(m, d.x, d.n, pred, &e) || bcml_outputs_to_labels(d.n, C, pred, 0.0, lab, &e)) goto fail;
    out = cJSON_CreateObject();
    cJSON *o = cJSON_AddArrayToObject(out, "outputs"), *l = cJSON_AddArrayToObject(out, "labels");
    for (int64_t i = 0; i < d.n; i++) {
        cJSON *row = cJSON_CreateArray();
        for (int j = 0; j < C; j++) cJSON_AddItemToArray(row, bcml__json_number(pred[i * C + j]));
        cJSON_AddItemToArray(o, row);
        cJSON_AddItemToArray(l, bcml__json_number(lab[i]));
    }
    cJSON *y = cJSON_AddArrayToObject(out, "y");
    for (int64_t i = 0; i < d.n; i++) cJSON_AddItemToArray(y, bcml__json_number(d.y[i]));
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cfg, "features"))) { /* the inputs too, e.g. to slice by */
        cJSON *x = cJSON_AddArrayToObject(out, "x");
        for (int64_t i = 0; i < d.n; i++) {
            cJSON *row = cJSON_CreateArray();
            for (int64_t j = 0; j < d.dim; j++) cJSON_AddItemToArray(row, bcml__json_number(d.x[i * d.dim + j]));
            cJSON_AddItemToArray(x, row);
        }
    }
    rc = cli_print_json(out);
    goto done;
fail:
    rc = cli_fail_err(&e);
done:
    cJSON_Delete(out);
    cJSON_Delete(cfg);
    cli_free_data(&d);
    bcml_encoder_free(enc);
    bcml_model_free(m);
    free(pred);
    free(lab);
    return rc;
}
