/* cmd_mlflow.c - `bcml export-mlflow DIR --out mlruns`: a sweep folder as one run in MLflow's file store,
 * with the parameters and per-lambda metrics the original library logs, so `mlflow ui` shows it. */
#define _XOPEN_SOURCE 700 /* mkdir, realpath */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static int make_dir(const char *path) { return mkdir(path, 0777) == 0 || errno == EEXIST ? 0 : -1; }

static int write_text(const char *dir, const char *name, const char *text) {
    char path[PATH_MAX + 128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    int ok = fputs(text, f) >= 0;
    return fclose(f) == 0 && ok ? 0 : -1;
}

/* A stable 32-hex run id from the summary: exporting the same sweep twice is caught, not duplicated. */
static void run_id_of(const char *text, char id[33]) {
    uint64_t h1 = 1469598103934665603ULL, h2 = 1099511628211ULL * 7;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        h1 = (h1 ^ *p) * 1099511628211ULL;
        h2 = (h2 ^ *p) * 0x100000001b3ULL + 0x9e3779b97f4a7c15ULL;
    }
    snprintf(id, 33, "%016llx%016llx", (unsigned long long)h1, (unsigned long long)h2);
}

static double num(const cJSON *o, const char *k) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

int cmd_export_mlflow(const cli_args *a) {
    if (!a->input || strcmp(a->input, "-") == 0) return cli_fail("export-mlflow needs a sweep folder: export-mlflow DIR --out mlruns");
    if (!a->out) return cli_fail("export-mlflow needs --out (an MLflow file store folder, e.g. mlruns)");
    bcml_error e = {0};
    char *json = NULL;
    if (bcml_sweep_load_dir(a->input, NULL, &json, &e)) return cli_fail_err(&e);
    cJSON *s = cJSON_Parse(json), *cfg = NULL;
    int rc = 1;
    char run_id[33], root[PATH_MAX], exp[PATH_MAX + 8], run[PATH_MAX + 48], sub[PATH_MAX + 96], text[3 * PATH_MAX];
    run_id_of(json, run_id);
    if (make_dir(a->out) || !realpath(a->out, root)) { rc = cli_fail("cannot create %s", a->out); goto done; }
    snprintf(exp, sizeof exp, "%s/0", root);
    long long now = (long long)time(NULL) * 1000;
    make_dir(exp);
    snprintf(sub, sizeof sub, "%s/meta.yaml", exp);
    FILE *probe = fopen(sub, "rb");
    if (probe) fclose(probe);
    else {
        snprintf(text, sizeof text, "artifact_location: file://%s\ncreation_time: %lld\nexperiment_id: '0'\n"
                 "last_update_time: %lld\nlifecycle_stage: active\nname: Default\n", exp, now, now);
        if (write_text(exp, "meta.yaml", text)) { rc = cli_fail("cannot write %s/meta.yaml", exp); goto done; }
    }
    snprintf(run, sizeof run, "%s/%s", exp, run_id);
    if (mkdir(run, 0777) != 0) {
        rc = cli_fail(errno == EEXIST ? "this sweep is already exported as run %s in %s" : "cannot create run %s in %s",
                      run_id, a->out);
        goto done;
    }
    const char *dirs[] = {"metrics", "params", "tags", "artifacts"};
    for (int i = 0; i < 4; i++) {
        snprintf(sub, sizeof sub, "%s/%s", run, dirs[i]);
        if (make_dir(sub)) { rc = cli_fail("cannot create %s", sub); goto done; }
    }
    snprintf(text, sizeof text, "artifact_uri: file://%s/artifacts\nend_time: %lld\nentry_point_name: ''\n"
             "experiment_id: '0'\nlifecycle_stage: active\nrun_id: %s\nrun_name: compatibility_sweep\nrun_uuid: %s\n"
             "source_name: ''\nsource_type: 4\nsource_version: ''\nstart_time: %lld\nstatus: 3\ntags: []\n"
             "user_id: bcml\ndeleted_time: null\n", run, now, run_id, run_id, now);
    if (write_text(run, "meta.yaml", text)) { rc = cli_fail("cannot write %s/meta.yaml", run); goto done; }
    snprintf(sub, sizeof sub, "%s/tags", run);
    write_text(sub, "mlflow.runName", "compatibility_sweep");
    write_text(sub, "mlflow.source.name", "bcml");
    /* parameters: the grid step and batch sizes, from the stored config when the folder has one */
    snprintf(sub, sizeof sub, "%s/bcml-sweep.json", a->input);
    char *ctext = cli_read_file(sub, NULL);
    cfg = ctext ? cJSON_Parse(ctext) : NULL;
    free(ctext);
    const cJSON *lambdas = cJSON_GetObjectItemCaseSensitive(s, "lambdas");
    snprintf(sub, sizeof sub, "%s/params", run);
    char val[64];
    if (cJSON_GetArraySize(lambdas) >= 2) {
        double step = cJSON_GetArrayItem(lambdas, 1)->valuedouble - cJSON_GetArrayItem(lambdas, 0)->valuedouble;
        bcml_float_repr(step, val);
        write_text(sub, "lambda_c_stepsize", val);
    }
    if (cfg && cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(cfg, "batch_size"))) {
        snprintf(val, sizeof val, "%.0f", num(cfg, "batch_size"));
        write_text(sub, "batch_size_train", val);
    }
    if (cfg && cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(cfg, "batch_size_test"))) {
        snprintf(val, sizeof val, "%.0f", num(cfg, "batch_size_test"));
        write_text(sub, "batch_size_test", val);
    }
    /* metrics: lambda_c and {family}_{set}_{performance|btc|bec}, one line per lambda at step = its run number */
    snprintf(sub, sizeof sub, "%s/metrics", run);
    const char *fam[2] = {"new_error", "strict_imitation"}, *set[2] = {"training", "testing"}, *what[3] = {"performance", "btc", "bec"};
    const cJSON *row;
    int written = 0;
    cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(s, "data")) {
        int idx = (int)num(row, "datapoint_index");
        int step = idx / 4 + 1, f = (idx % 4) / 2, t = idx % 2;
        char path[PATH_MAX + 160], line[96];
        for (int m = -1; m < 3; m++) {
            double v = m < 0 ? num(row, "lambda_c") : num(row, what[m]);
            if (m < 0 && idx % 4 != 0) continue; /* lambda_c once per step */
            if (!isfinite(v)) continue;          /* MLflow has no null */
            if (m < 0) snprintf(path, sizeof path, "%s/lambda_c", sub);
            else snprintf(path, sizeof path, "%s/%s_%s_%s", sub, fam[f], set[t], what[m]);
            FILE *f2 = fopen(path, "ab");
            if (!f2) { rc = cli_fail("cannot write %s", path); goto done; }
            char r[32];
            bcml_float_repr(v, r);
            snprintf(line, sizeof line, "%lld %s %d\n", now, r, step);
            fputs(line, f2);
            fclose(f2);
            written++;
        }
    }
    if (a->pretty) printf("exported %d metric values as MLflow run %s in %s (mlflow ui --backend-store-uri %s)\n", written,
                          run_id, a->out, a->out);
    else printf("{\"run_id\":\"%s\",\"experiment_id\":\"0\",\"metric_values\":%d}\n", run_id, written);
    rc = 0;
done:
    cJSON_Delete(s);
    cJSON_Delete(cfg);
    bcml_free(json);
    return rc;
}
