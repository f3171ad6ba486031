/* test_sweep.c - the lambda grid and upstream's float reprs, metrics, one training's records, the summary
 * (Pareto front, recommendation), twin points (one training for both families), and a sweep folder: jobs 1
 * vs 2, resume and split-and-merge agree. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <sys/stat.h>

static void test_grid_and_repr(void) {
    double *l = NULL;
    int n = 0;
    char r[32];
    CHECK_OK(bcml_lambda_grid(0, 1, 0.05, &l, &n, &err));
    CHECK(n == 21 && l[20] == 1.0);
    bcml_float_repr(l[3], r);
    CHECK(strcmp(r, "0.15000000000000002") == 0);
    bcml_float_repr(l[6], r);
    CHECK(strcmp(r, "0.30000000000000004") == 0);
    bcml_free(l);
    CHECK_OK(bcml_lambda_grid(0, 1, 0.3, &l, &n, &err));
    CHECK(n == 4);
    bcml_float_repr(l[3], r);
    CHECK(strcmp(r, "0.8999999999999999") == 0);
    bcml_free(l);
    CHECK_OK(bcml_lambda_grid(0, 2, 0.5, &l, &n, &err)); /* beyond 1 is allowed */
    CHECK(n == 5 && l[4] == 2.0);
    bcml_free(l);
    bcml_float_repr(0.0, r);
    CHECK(strcmp(r, "0.0") == 0);
    bcml_float_repr(1.0, r);
    CHECK(strcmp(r, "1.0") == 0);
    bcml_float_repr(0.25, r);
    CHECK(strcmp(r, "0.25") == 0);
    CHECK_FAILS(bcml_lambda_grid(0, 1, 0, &l, &n, &err), BCML_EINVAL, "step must be > 0");
    CHECK_FAILS(bcml_lambda_grid(0, 1, 1e-6, &l, &n, &err), BCML_EINVAL, "more than 10000");
}

static void test_metrics(void) {
    const int32_t y[6] = {0, 0, 0, 0, 1, 2}, p[6] = {0, 0, 0, 1, 1, 0};
    CHECK_NEAR(bcml_metric_value(BCML_METRIC_ACCURACY, 6, p, y, 3), 4.0 / 6, 1e-15);
    CHECK_NEAR(bcml_metric_value(BCML_METRIC_BALANCED_ACCURACY, 6, p, y, 3), (0.75 + 1 + 0) / 3, 1e-15);
    /* F1: class 0: tp 3, fp 1, fn 1 -> 6/8; class 1: tp 1, fp 1 -> 2/3; class 2: 0 */
    CHECK_NEAR(bcml_metric_value(BCML_METRIC_MACRO_F1, 6, p, y, 3), (0.75 + 2.0 / 3 + 0) / 3, 1e-15);
    CHECK(isnan(bcml_metric_value(BCML_METRIC_ACCURACY, 0, p, y, 3)));
    bcml_metric m;
    CHECK_OK(bcml_metric_from_name("macro-f1", &m, &err));
    CHECK(m == BCML_METRIC_MACRO_F1);
    CHECK_FAILS(bcml_metric_from_name("auc", &m, &err), BCML_EINVAL, "unknown metric \"auc\"");
}

static char *record(int index, double lambda, double perf, double btc, double nfr) {
    char *s = malloc(300);
    snprintf(s, 300, "{\"datapoint_index\":%d,\"lambda_c\":%g,\"training\":%s,\"testing\":%s,\"h2_performance\":%g,"
             "\"btc\":%g,\"bec\":0.5,\"nfr\":%g,\"h1_performance\":0.8,\"performance_metric\":\"accuracy\"}",
             index, lambda, index % 2 ? "false" : "true", index % 2 ? "true" : "false", perf, btc, nfr);
    return s;
}

static void test_summary(void) {
    /* testing rows (odd indices): (perf, btc) = (0.9, 0.90), (0.88, 0.95), (0.85, 0.93) dominated, (0.87, 0.97) */
    char *ev[8] = {record(0, 0, 0.9, 0.9, 0.05), record(1, 0, 0.9, 0.90, 0.05), record(2, 0, 0.9, 0.9, 0.05),
                   record(3, 0, 0.85, 0.93, 0.03), record(5, 0.5, 0.88, 0.95, 0.02), record(4, 0.5, 0.9, 0.9, 0.05),
                   record(7, 0.5, 0.87, 0.97, 0.01), record(6, 0.5, 0.9, 0.9, 0.05)};
    char *json = NULL;
    CHECK_OK(bcml_sweep_summary((const char *const *)ev, 8, 2, "btc>=0.95", &json, &err));
    cJSON *s = cJSON_Parse(json);
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(s, "data");
    CHECK(cJSON_GetArraySize(data) == 8);
    CHECK(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(data, 4), "datapoint_index")->valuedouble == 4); /* sorted */
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(data, 6), "strict-imitation")));
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s, "complete")));
    const cJSON *front = cJSON_GetObjectItemCaseSensitive(s, "pareto_front");
    CHECK(cJSON_GetArraySize(front) == 3);
    CHECK(cJSON_GetArrayItem(front, 0)->valuedouble == 1 && cJSON_GetArrayItem(front, 1)->valuedouble == 5 &&
          cJSON_GetArrayItem(front, 2)->valuedouble == 7);
    const cJSON *rec = cJSON_GetObjectItemCaseSensitive(s, "recommendation");
    CHECK(rec && cJSON_GetObjectItemCaseSensitive(rec, "datapoint_index")->valuedouble == 5); /* best perf with btc >= .95 */
    CHECK(cJSON_GetObjectItemCaseSensitive(s, "h1_performance")->valuedouble == 0.8);
    cJSON_Delete(s);
    bcml_free(json);
    CHECK_OK(bcml_sweep_summary((const char *const *)ev, 8, 0, "btc>0.99", &json, &err));
    s = cJSON_Parse(json);
    CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(s, "recommendation")));
    CHECK(strstr(cJSON_GetObjectItemCaseSensitive(s, "recommendation_note")->valuestring, "btc>0.99"));
    CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(s, "complete")));
    cJSON_Delete(s);
    bcml_free(json);
    CHECK_OK(bcml_sweep_summary((const char *const *)ev, 8, 0, "nfr<=0.02, performance>0.87", &json, &err));
    CHECK(strstr(json, "\"recommendation\":{\"datapoint_index\":5"));
    bcml_free(json);
    CHECK_FAILS(bcml_sweep_summary((const char *const *)ev, 8, 0, "auc>0.9", &json, &err), BCML_EINVAL, "unknown score \"auc\"");
    CHECK_FAILS(bcml_sweep_summary((const char *const *)ev, 8, 0, "btc=0.9", &json, &err), BCML_EINVAL, "expected <, <=");
    free(ev[1]);
    ev[1] = record(0, 0, 0.9, 0.9, 0.05);
    CHECK_FAILS(bcml_sweep_summary((const char *const *)ev, 8, 0, NULL, &json, &err), BCML_EFORMAT, "datapoint_index 0");
    for (int i = 0; i < 8; i++) free(ev[i]);
}

typedef struct {
    float *xtr, *xte, *h1tr, *h1te;
    int32_t *ytr, *yte;
    bcml_model *h1, *h2;
    double lambdas[3];
} fixture;

static void fixture_init(fixture *f, bcml_sweep_config *c) {
    int64_t dim;
    int classes;
    CHECK_OK(bcml_dataset_builtin("blobs", 600, 1, &f->xtr, &f->ytr, &dim, &classes, &err));
    CHECK_OK(bcml_dataset_builtin("blobs", 300, 2, &f->xte, &f->yte, &dim, &classes, &err));
    const char *spec = "{\"preset\":\"mlp\",\"input\":2,\"hidden\":[8],\"classes\":3}";
    CHECK_OK(bcml_model_create(spec, 1, &f->h1, &err));
    CHECK_OK(bcml_model_create(spec, 2, &f->h2, &err));
    bcml_train_opts o;
    bcml_train_opts_init(&o);
    o.epochs = 2;
    o.optimizer.lr = 0.05;
    CHECK_OK(bcml_train(f->h1, &(bcml_dataset){60, 2, f->xtr, f->ytr, NULL}, &o, NULL, NULL, &err));
    f->h1tr = malloc(600 * 3 * sizeof(float));
    f->h1te = malloc(300 * 3 * sizeof(float));
    CHECK_OK(bcml_model_predict(f->h1, f->xtr, 600, f->h1tr, &err));
    CHECK_OK(bcml_model_predict(f->h1, f->xte, 300, f->h1te, &err));
    f->lambdas[0] = 0;
    f->lambdas[1] = 0.5;
    f->lambdas[2] = 1.5;
    bcml_sweep_config_init(c);
    c->train = (bcml_dataset){600, 2, f->xtr, f->ytr, NULL};
    c->test = (bcml_dataset){300, 2, f->xte, f->yte, NULL};
    c->h1_train = f->h1tr;
    c->h1_test = f->h1te;
    c->h2 = f->h2;
    c->epochs = 2;
    c->batch_size = 32;
    c->seed = 4;
    c->optimizer.lr = 0.05;
    c->optimizer.momentum = 0.5;
    c->lambdas = f->lambdas;
    c->num_lambdas = 3;
}

static void fixture_free(fixture *f) {
    free(f->xtr); free(f->xte); free(f->ytr); free(f->yte); free(f->h1tr); free(f->h1te);
    bcml_model_free(f->h1);
    bcml_model_free(f->h2);
}

static void test_train_one(void) {
    fixture f;
    bcml_sweep_config c;
    fixture_init(&f, &c);
    bcml_sweep_result a, b;
    CHECK_OK(bcml_sweep_train_one(&c, 1, 1, &a, &err));
    CHECK_OK(bcml_sweep_train_one(&c, 1, 1, &b, &err));
    CHECK(a.evaluation[1] && b.evaluation[1] && strcmp(a.evaluation[1], b.evaluation[1]) == 0);
    cJSON *r = cJSON_Parse(a.evaluation[1]);
    CHECK(cJSON_GetObjectItemCaseSensitive(r, "datapoint_index")->valuedouble == 7);
    CHECK(cJSON_GetObjectItemCaseSensitive(r, "lambda_c")->valuedouble == 0.5);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "testing")));
    CHECK(strcmp(cJSON_GetObjectItemCaseSensitive(r, "dissonance")->valuestring, "strict-imitation") == 0);
    /* test ids continue after the training ids, so the two sets' error ids never collide */
    const cJSON *e0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r, "error_instances"), 0);
    CHECK(cJSON_GetObjectItemCaseSensitive(e0, "instance_id")->valuedouble >= 600);
    cJSON_Delete(r);
    bcml_sweep_result_free(&a);
    bcml_sweep_result_free(&b);
    /* at lambda 0 both families train the same model */
    CHECK_OK(bcml_sweep_train_one(&c, 0, 0, &a, &err));
    CHECK_OK(bcml_sweep_train_one(&c, 0, 1, &b, &err));
    CHECK(memcmp(bcml_model_params(a.model), bcml_model_params(b.model), bcml_model_param_count(a.model) * sizeof(float)) == 0);
    bcml_sweep_result_free(&a);
    bcml_sweep_result_free(&b);
    CHECK_FAILS(bcml_sweep_train_one(&c, 3, 0, &a, &err), BCML_EINVAL, "lambda index 3 is outside the grid of 3");
    c.new_error.kind = BCML_LOSS_CROSS_ENTROPY;
    CHECK_FAILS(bcml_sweep_train_one(&c, 0, 0, &a, &err), BCML_EINVAL, "does not use h1");
    fixture_free(&f);
}

/* family 0 of a twin point gives family 1's records and model, equal to training family 1 itself */
static void check_twin(const bcml_sweep_config *c, int j) {
    bcml_sweep_result a, b;
    CHECK_OK(bcml_sweep_train_one(c, j, 0, &a, &err));
    CHECK_OK(bcml_sweep_train_one(c, j, 1, &b, &err));
    CHECK(!b.twin_evaluation[0] && !b.twin_evaluation[1]); /* only family 0 speaks for both */
    for (int t = 0; t < 2; t++) {
        CHECK(a.twin_evaluation[t] && b.evaluation[t] && strcmp(a.twin_evaluation[t], b.evaluation[t]) == 0);
        CHECK(a.twin_summary_row[t] && b.summary_row[t] && strcmp(a.twin_summary_row[t], b.summary_row[t]) == 0);
    }
    CHECK(memcmp(bcml_model_params(a.model), bcml_model_params(b.model), bcml_model_param_count(a.model) * sizeof(float)) == 0);
    bcml_sweep_result_free(&a);
    bcml_sweep_result_free(&b);
}

static void test_twins(void) {
    fixture f;
    bcml_sweep_config c;
    fixture_init(&f, &c);
    /* the cross-entropy pair coincides at every lambda_c */
    for (int j = 0; j < 3; j++) CHECK(bcml_sweep_twin(&c, j));
    check_twin(&c, 2);
    /* other pairs at lambda_c 0 only, when their bases agree */
    bcml_loss_opts_init(&c.new_error, BCML_LOSS_NEW_ERROR_KL);
    bcml_loss_opts_init(&c.strict_imitation, BCML_LOSS_STRICT_IMITATION_KL);
    CHECK(bcml_sweep_twin(&c, 0) && !bcml_sweep_twin(&c, 1) && !bcml_sweep_twin(&c, 2));
    check_twin(&c, 0);
    bcml_sweep_result r;
    CHECK_OK(bcml_sweep_train_one(&c, 1, 0, &r, &err));
    CHECK(r.evaluation[0] && !r.twin_evaluation[0] && !r.twin_evaluation[1]);
    bcml_sweep_result_free(&r);
    bcml_loss_opts_init(&c.new_error, BCML_LOSS_NEW_ERROR_NLL);
    bcml_loss_opts_init(&c.strict_imitation, BCML_LOSS_STRICT_IMITATION_NLL);
    CHECK(bcml_sweep_twin(&c, 0) && !bcml_sweep_twin(&c, 1));
    check_twin(&c, 0);
    c.strict_imitation.reduction = BCML_REDUCTION_SUM; /* another base */
    CHECK(!bcml_sweep_twin(&c, 0));
    bcml_loss_opts_init(&c.strict_imitation, BCML_LOSS_STRICT_IMITATION_KL); /* KL's mean base differs */
    CHECK(!bcml_sweep_twin(&c, 0));
    bcml_loss_opts_init(&c.strict_imitation, BCML_LOSS_FOCAL_DISTILLATION);
    CHECK(!bcml_sweep_twin(&c, 0));
    c.new_error.kind = BCML_LOSS_CROSS_ENTROPY; /* not a sweep's loss: trained (and refused) on its own */
    CHECK(!bcml_sweep_twin(&c, 0) && !bcml_sweep_twin(&c, 5));
    fixture_free(&f);
}

/* training and evaluating in two steps: at lambda_c 0 the training needs no h1, and gives train_one's model */
static void test_two_steps(void) {
    fixture f;
    bcml_sweep_config c;
    fixture_init(&f, &c);
    bcml_sweep_result one, two;
    CHECK_OK(bcml_sweep_train_one(&c, 0, 0, &one, &err));
    bcml_sweep_config no_h1 = c;
    no_h1.h1_train = no_h1.h1_test = NULL;
    bcml_model *m = NULL;
    CHECK_OK(bcml_sweep_train_model(&no_h1, 0, 0, &m, &err));
    CHECK(memcmp(bcml_model_params(m), bcml_model_params(one.model), bcml_model_param_count(m) * sizeof(float)) == 0);
    CHECK_FAILS(bcml_sweep_evaluate(&no_h1, 0, 0, m, &two, &err), BCML_EINVAL, "h1's outputs are required");
    CHECK_OK(bcml_sweep_evaluate(&c, 0, 0, m, &two, &err));
    CHECK(!two.model && strcmp(two.evaluation[1], one.evaluation[1]) == 0 && strcmp(two.twin_evaluation[0], one.twin_evaluation[0]) == 0);
    bcml_sweep_result_free(&two);
    bcml_sweep_result_free(&one);
    bcml_model_free(m);
    CHECK_FAILS(bcml_sweep_train_model(&no_h1, 1, 0, &m, &err), BCML_EINVAL, "h1's outputs are required");
    CHECK(m == NULL);
    CHECK_FAILS(bcml_sweep_train_one(&no_h1, 0, 0, &one, &err), BCML_EINVAL, "h1's outputs are required");
    fixture_free(&f);
}

static char *slurp(const char *path) {
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    char *b = malloc(1 << 22);
    size_t n = fread(b, 1, (1 << 22) - 1, fp);
    b[n] = 0;
    fclose(fp);
    return b;
}

/* every file of folder a equals the one in b */
static int same_folder(const char *a, const char *b) {
    const char *files[] = {"bcml-sweep.json", "sweep_summary.json", "0.0-model-new-error.bcml", "1.5-model-strict-imitation.bcml"};
    for (int k = 0; k < 12 + 4; k++) {
        char pa[256], pb[256], name[64];
        if (k < 12) snprintf(name, sizeof name, "%d-evaluation-data.json", k);
        else snprintf(name, sizeof name, "%s", files[k - 12]);
        snprintf(pa, sizeof pa, "%s/%s", a, name);
        snprintf(pb, sizeof pb, "%s/%s", b, name);
        char *x = slurp(pa), *y = slurp(pb);
        int same = x && y && strcmp(x, y) == 0;
        free(x);
        free(y);
        if (!same) { fprintf(stderr, "  %s differs between %s and %s\n", name, a, b); return 0; }
    }
    return 1;
}

/* h1's outputs through the run's hook (the fixture's), or a failure */
static bcml_status hook_h1(void *user, const float **train, const float **test, int *probabilities, bcml_error *e) {
    const fixture *f = user;
    if (!f) {
        snprintf(e->msg, sizeof e->msg, "h1 could not be made");
        return e->code = BCML_EIO;
    }
    *train = f->h1tr;
    *test = f->h1te;
    *probabilities = 0;
    return BCML_OK;
}

static int file_there(const char *path) {
    FILE *fp = fopen(path, "rb");
    if (fp) fclose(fp);
    return fp != NULL;
}

static int cancel_after_two(void *user, const bcml_sweep_progress *p) {
    (void)user;
    return p->trainings_done >= 2;
}

static int cancel_in_last(void *user, const bcml_sweep_progress *p) {
    (void)user;
    return p->lambda_c == 1.5;
}

static void test_folder(void) {
    fixture f;
    bcml_sweep_config c;
    fixture_init(&f, &c);
    const char *cfg = "{\"test\":\"sweep folder\"}";
    system("rm -rf sweep_a sweep_b sweep_c sweep_d");
    CHECK_OK(bcml_sweep_run_dir(&c, "sweep_a", cfg, NULL, 1, -1, &err));
    CHECK_OK(bcml_sweep_run_dir(&c, "sweep_b", cfg, NULL, 2, -1, &err));
    CHECK(same_folder("sweep_a", "sweep_b"));
    /* interrupted after two trainings, then resumed */
    bcml_sweep_config ci = c;
    ci.progress = cancel_after_two;
    CHECK_FAILS(bcml_sweep_run_dir(&ci, "sweep_c", cfg, NULL, 1, -1, &err), BCML_ECANCELLED, "cancelled");
    char *partial = slurp("sweep_c/sweep_summary.json");
    CHECK(partial && strstr(partial, "\"complete\":false"));
    free(partial);
    CHECK_OK(bcml_sweep_run_dir(&c, "sweep_c", cfg, NULL, 1, -1, &err));
    CHECK(same_folder("sweep_a", "sweep_c"));
    /* with 2 jobs, stopped in the last training: the second half's trained models may wait for their evaluation then
     * (they are freed: the ASan build checks); resumed, the same folder */
    system("rm -rf sweep_c");
    ci.progress = cancel_in_last;
    CHECK_FAILS(bcml_sweep_run_dir(&ci, "sweep_c", cfg, NULL, 2, -1, &err), BCML_ECANCELLED, "cancelled");
    CHECK(!file_there("sweep_c/8-evaluation-data.json")); /* 1.5 is point 2, records 8 to 11: never written */
    CHECK_OK(bcml_sweep_run_dir(&c, "sweep_c", cfg, NULL, 2, -1, &err));
    CHECK(same_folder("sweep_a", "sweep_c"));
    /* one point at a time (a job array), then merged */
    for (int j = 0; j < 3; j++) CHECK_OK(bcml_sweep_run_dir(&c, "sweep_d", cfg, NULL, 1, j, &err));
    CHECK_OK(bcml_sweep_merge_dir("sweep_d", NULL, &err));
    CHECK(same_folder("sweep_a", "sweep_d"));
    CHECK_FAILS(bcml_sweep_run_dir(&c, "sweep_a", "{\"other\":1}", NULL, 1, -1, &err), BCML_EINVAL, "different configuration");
    /* h1's outputs made by the run (while lambda_c 0 trains): the same folder with 1 and 2 jobs */
    bcml_sweep_config ch = c;
    ch.h1_train = ch.h1_test = NULL;
    ch.h1_make = hook_h1;
    ch.h1_user = &f;
    system("rm -rf sweep_g sweep_h sweep_i");
    CHECK_OK(bcml_sweep_run_dir(&ch, "sweep_g", cfg, NULL, 1, -1, &err));
    CHECK_OK(bcml_sweep_run_dir(&ch, "sweep_h", cfg, NULL, 2, -1, &err));
    CHECK(same_folder("sweep_a", "sweep_g") && same_folder("sweep_a", "sweep_h"));
    /* a hook that fails: its error, no result, and the folder left unclaimed for a corrected config */
    ch.h1_user = NULL;
    CHECK_FAILS(bcml_sweep_run_dir(&ch, "sweep_i", cfg, NULL, 2, -1, &err), BCML_EIO, "h1 could not be made");
    CHECK(!file_there("sweep_i/bcml-sweep.json") && !file_there("sweep_i/0-evaluation-data.json"));
    CHECK_OK(bcml_sweep_run_dir(&ch, "sweep_h", cfg, NULL, 2, -1, &err)); /* complete: nothing to train, no h1 asked */
    ch.h1_make = NULL;
    CHECK_FAILS(bcml_sweep_run_dir(&ch, "sweep_i", cfg, NULL, 1, -1, &err), BCML_EINVAL, "h1's outputs");
    system("rm -rf sweep_g sweep_h sweep_i");
    /* a pair that is a twin at lambda_c 0 only: one training there, two at the others, as jobs 1 and 2 */
    bcml_loss_opts_init(&c.new_error, BCML_LOSS_NEW_ERROR_KL);
    bcml_loss_opts_init(&c.strict_imitation, BCML_LOSS_STRICT_IMITATION_KL);
    system("rm -rf sweep_e sweep_f");
    CHECK_OK(bcml_sweep_run_dir(&c, "sweep_e", cfg, NULL, 1, -1, &err));
    CHECK_OK(bcml_sweep_run_dir(&c, "sweep_f", cfg, NULL, 2, -1, &err));
    CHECK(same_folder("sweep_e", "sweep_f"));
    char *kl = slurp("sweep_e/3-evaluation-data.json");
    CHECK(kl && strstr(kl, "\"loss\":\"strict-imitation-kl\"") && strstr(kl, "\"datapoint_index\":3"));
    free(kl);
    system("rm -rf sweep_e sweep_f");
    bcml_loss_opts_init(&c.new_error, BCML_LOSS_NEW_ERROR_CROSS_ENTROPY);
    bcml_loss_opts_init(&c.strict_imitation, BCML_LOSS_STRICT_IMITATION_CROSS_ENTROPY);
    char *json = NULL;
    CHECK_OK(bcml_sweep_load_dir("sweep_a", NULL, &json, &err));
    CHECK(json && strstr(json, "\"complete\":true"));
    bcml_free(json);
    CHECK_FAILS(bcml_sweep_load_dir("no_such_folder", NULL, &json, &err), BCML_EIO, "no_such_folder");
    system("rm -rf sweep_a sweep_b sweep_c sweep_d");
    fixture_free(&f);
}

int main(void) {
    test_grid_and_repr();
    test_metrics();
    test_summary();
    test_train_one();
    test_twins();
    test_two_steps();
    test_folder();
    return check_report("sweep");
}
