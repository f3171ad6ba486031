/* test_scores.c - pooled scores on the reference A.3 example, edge cases, intervals, slices, the JSON record. */
#include "check.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

static const int32_t Y[8] = {0, 1, 2, 0, 1, 2, 0, 1}, H1[8] = {0, 1, 0, 0, 2, 2, 1, 1}, H2[8] = {0, 2, 0, 1, 1, 2, 1, 1};
static const int64_t IDS[8] = {100, 101, 102, 103, 104, 105, 106, 107};

static cJSON *evaluate(const bcml_eval_input *in) {
    char *json = NULL;
    CHECK_OK(bcml_evaluation_json(in, &json, &err));
    cJSON *r = json ? cJSON_Parse(json) : NULL;
    bcml_free(json);
    CHECK(r != NULL);
    return r;
}

static int ids_equal(const cJSON *arr, const int64_t *want, int n) {
    if (cJSON_GetArraySize(arr) != n) return 0;
    for (int i = 0; i < n; i++)
        if (cJSON_GetArrayItem(arr, i)->valuedouble != (double)want[i]) return 0;
    return 1;
}

static double num(const cJSON *o, const char *k) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static int is_null(const cJSON *o, const char *k) { return cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(o, k)); }

static void test_reference_example(void) {
    bcml_counts k;
    CHECK_OK(bcml_counts_compute(8, H1, H2, Y, &k, &err));
    CHECK(k.n == 8 && k.a == 3 && k.b == 2 && k.c == 1 && k.d == 2 && k.d_same == 2);
    bcml_compat c;
    bcml_compat_from_counts(&k, &c);
    CHECK_NEAR(c.btc, 3.0 / 5, 1e-15);
    CHECK_NEAR(c.bec, 2.0 / 4, 1e-15);
    CHECK_NEAR(c.bec_upstream, 2.0 / 3, 1e-15);
    CHECK_NEAR(c.nfr, 2.0 / 8, 1e-15);
    CHECK_NEAR(c.pfr, 1.0 / 8, 1e-15);
    CHECK_NEAR(c.nfi, 2.0 / 4, 1e-15);
    CHECK_NEAR(c.pfi, 1.0 / 4, 1e-15);
    CHECK_NEAR(c.h1_accuracy, 5.0 / 8, 1e-15);
    CHECK_NEAR(c.h2_accuracy, 4.0 / 8, 1e-15);
    CHECK_NEAR(c.nfr_relative, 0.25 / (0.625 * 0.5), 1e-15);
    /* Wilson 95% interval of 3/5 */
    CHECK_NEAR(c.btc_ci[0], 0.2307, 1e-4);
    CHECK_NEAR(c.btc_ci[1], 0.8824, 1e-4);

    bcml_eval_input in = {8, H1, H2, Y, IDS, NULL, 0, 0, NULL, BCML_METRIC_ACCURACY};
    cJSON *r = evaluate(&in);
    if (!r) return;
    const cJSON *ov = cJSON_GetObjectItemCaseSensitive(r, "models_error_overlap");
    CHECK(ids_equal(cJSON_GetArrayItem(ov, 0), (const int64_t[]){102, 104, 106}, 3));
    CHECK(ids_equal(cJSON_GetArrayItem(ov, 1), (const int64_t[]){101, 102, 103, 106}, 4));
    CHECK(ids_equal(cJSON_GetArrayItem(ov, 2), (const int64_t[]){102, 106}, 2));
    const cJSON *inc = cJSON_GetObjectItemCaseSensitive(r, "h2_incompatible_instance_ids_by_class");
    CHECK(cJSON_GetArraySize(inc) == 2);
    CHECK(num(cJSON_GetArrayItem(inc, 0), "class") == 1 && num(cJSON_GetArrayItem(inc, 1), "class") == 0);
    CHECK(ids_equal(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(inc, 0), "incompatibleInstanceIds"),
                    (const int64_t[]){101}, 1));
    CHECK(ids_equal(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(inc, 1), "incompatibleInstanceIds"),
                    (const int64_t[]){103}, 1));
    CHECK(ids_equal(cJSON_GetObjectItemCaseSensitive(r, "sorted_classes"), (const int64_t[]){0, 1, 2}, 3));
    const cJSON *a1 = cJSON_GetObjectItemCaseSensitive(r, "h1_accuracy_by_class");
    const cJSON *a2 = cJSON_GetObjectItemCaseSensitive(r, "h2_accuracy_by_class");
    CHECK_NEAR(num(cJSON_GetArrayItem(a1, 0), "accuracy"), 2.0 / 3, 1e-12);
    CHECK_NEAR(num(cJSON_GetArrayItem(a1, 2), "accuracy"), 0.5, 1e-12);
    CHECK(ids_equal(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(a1, 1), "error_instance_ids"), (const int64_t[]){104}, 1));
    CHECK(ids_equal(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(a2, 0), "error_instance_ids"),
                    (const int64_t[]){103, 106}, 2));
    CHECK_NEAR(num(cJSON_GetArrayItem(a2, 0), "accuracy"), 1.0 / 3, 1e-12);
    CHECK(num(r, "h2_performance") == 0.5 && num(r, "btc") == 0.6 && num(r, "bec") == 0.5);
    CHECK(num(r, "dataset_size") == 8);
    const cJSON *errs = cJSON_GetObjectItemCaseSensitive(r, "error_instances");
    CHECK(cJSON_GetArraySize(errs) == 5);
    const int64_t want[5] = {101, 102, 103, 104, 106};
    for (int i = 0; i < 5 && i < cJSON_GetArraySize(errs); i++)
        CHECK(num(cJSON_GetArrayItem(errs, i), "instance_id") == (double)want[i]);
    const cJSON *e3 = cJSON_GetArrayItem(errs, 3);
    CHECK(num(e3, "h1_prediction") == 2 && num(e3, "h2_prediction") == 1 && num(e3, "ground_truth") == 1);
    const cJSON *counts = cJSON_GetObjectItemCaseSensitive(r, "counts");
    CHECK(num(counts, "negative_flips") == 2 && num(counts, "positive_flips") == 1 && num(counts, "both_wrong") == 2);
    CHECK_NEAR(num(r, "bec_upstream"), 2.0 / 3, 1e-12);
    /* the upstream keys come first, in upstream's order */
    const char *order[] = {"models_error_overlap", "h2_incompatible_instance_ids_by_class", "sorted_classes",
                           "h1_accuracy_by_class", "h2_accuracy_by_class", "h2_performance", "btc", "bec",
                           "error_instances", "dataset_size"};
    const cJSON *it = r->child;
    for (int i = 0; i < 10; i++, it = it ? it->next : NULL) CHECK(it && strcmp(it->string, order[i]) == 0);
    cJSON_Delete(r);
}

static void test_edge_cases(void) {
    const int32_t y[4] = {0, 1, 1, 0}, wrong[4] = {1, 0, 0, 1}, h2[4] = {0, 0, 1, 1};
    bcml_counts k;
    bcml_compat c;
    /* perfect h1: no h1 error, so BEC upstream-style is undefined; BEC (paper) = 0 of h2's 2 errors */
    CHECK_OK(bcml_counts_compute(4, y, h2, y, &k, &err));
    bcml_compat_from_counts(&k, &c);
    CHECK(c.btc == 0.5 && c.bec == 0.0 && isnan(c.bec_upstream));
    /* perfect h2: no h2 error, so BEC is undefined, BTC is 1 */
    CHECK_OK(bcml_counts_compute(4, h2, y, y, &k, &err));
    bcml_compat_from_counts(&k, &c);
    CHECK(c.btc == 1.0 && isnan(c.bec) && c.nfr == 0.0 && c.nfr_ci[0] == 0.0);
    /* h1 never right: BTC undefined */
    CHECK_OK(bcml_counts_compute(4, wrong, h2, y, &k, &err));
    bcml_compat_from_counts(&k, &c);
    CHECK(isnan(c.btc) && isnan(c.btc_ci[0]) && c.bec_upstream == 0.5);
    /* nothing at all */
    bcml_counts zero = {0};
    bcml_compat_from_counts(&zero, &c);
    CHECK(isnan(c.btc) && isnan(c.bec) && isnan(c.nfr) && isnan(c.h1_accuracy));

    /* one class absent from the data (num_classes 4): its accuracy is null, it is not in sorted_classes */
    bcml_eval_input in = {4, y, h2, y, NULL, NULL, 4, 0, NULL, BCML_METRIC_ACCURACY};
    cJSON *r = evaluate(&in);
    const cJSON *a1 = cJSON_GetObjectItemCaseSensitive(r, "h1_accuracy_by_class");
    CHECK(cJSON_GetArraySize(a1) == 4 && is_null(cJSON_GetArrayItem(a1, 3), "accuracy"));
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "sorted_classes")) == 2);
    CHECK(is_null(r, "bec_upstream"));
    const cJSON *ov = cJSON_GetObjectItemCaseSensitive(r, "models_error_overlap");
    CHECK(cJSON_GetArraySize(cJSON_GetArrayItem(ov, 0)) == 0); /* perfect h1: empty list, no crash */
    cJSON_Delete(r);

    /* slices, one of them empty */
    const int32_t sv[4] = {0, 0, 2, 2};
    const char *names[3] = {"young", "middle", "old"};
    bcml_slice_column col = {"age", sv, 3, names};
    bcml_eval_input ins = {4, wrong, h2, y, NULL, NULL, 0, 1, &col, BCML_METRIC_ACCURACY};
    r = evaluate(&ins);
    const cJSON *vals = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r, "slices"), 0), "values");
    CHECK(cJSON_GetArraySize(vals) == 3);
    const cJSON *mid = cJSON_GetArrayItem(vals, 1), *old = cJSON_GetArrayItem(vals, 2);
    CHECK(num(cJSON_GetObjectItemCaseSensitive(mid, "counts"), "n") == 0 && is_null(mid, "btc") && is_null(mid, "nfr"));
    CHECK(is_null(cJSON_GetObjectItemCaseSensitive(mid, "intervals"), "btc"));
    CHECK(num(cJSON_GetObjectItemCaseSensitive(old, "counts"), "n") == 2 && num(old, "pfr") == 0.5);
    cJSON_Delete(r);
    /* an empty evaluation is valid and all-null */
    bcml_eval_input empty = {0, NULL, NULL, NULL, NULL, NULL, 0, 0, NULL, BCML_METRIC_ACCURACY};
    r = evaluate(&empty);
    CHECK(r && is_null(r, "btc") && num(r, "dataset_size") == 0);
    cJSON_Delete(r);
}

static void test_bad_input(void) {
    char *json = NULL;
    const int32_t neg[3] = {0, -1, 0}, y[3] = {0, 1, 0};
    bcml_eval_input in = {3, neg, y, y, NULL, NULL, 0, 0, NULL, BCML_METRIC_ACCURACY};
    CHECK_FAILS(bcml_evaluation_json(&in, &json, &err), BCML_EINVAL, "h1[1] = -1");
    const int64_t ids[3] = {5, 9, 5};
    bcml_eval_input in2 = {3, y, y, y, ids, NULL, 0, 0, NULL, BCML_METRIC_ACCURACY};
    CHECK_FAILS(bcml_evaluation_json(&in2, &json, &err), BCML_EINVAL, "id 5 appears more than once (instances 0 and 2)");
    const int32_t big[3] = {0, 7, 0};
    bcml_eval_input in3 = {3, y, big, y, NULL, NULL, 3, 0, NULL, BCML_METRIC_ACCURACY};
    CHECK_FAILS(bcml_evaluation_json(&in3, &json, &err), BCML_EINVAL, "h2[1] = 7");
    const int32_t sv[3] = {0, 3, 0};
    const char *names[2] = {"a", "b"};
    bcml_slice_column col = {"group", sv, 2, names};
    bcml_eval_input in4 = {3, y, y, y, NULL, NULL, 0, 1, &col, BCML_METRIC_ACCURACY};
    CHECK_FAILS(bcml_evaluation_json(&in4, &json, &err), BCML_EINVAL, "slice column \"group\" instance 1");
    CHECK(json == NULL);
}

int main(void) {
    test_reference_example();
    test_edge_cases();
    test_bad_input();
    return check_report("scores");
}
