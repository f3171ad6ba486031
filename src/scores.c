/* scores.c - compatibility scores from labels: pooled 2x2 counts, BTC/BEC/flip rates, Wilson intervals,
 * and the full evaluation record (error overlap, per class, per slice, error instances) as JSON. */
#include "internal.h"
#include "jsonutil.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

#define MAX_CLASSES 65536

static double ratio(int64_t num, int64_t den) { return den > 0 ? (double)num / (double)den : NAN; }

void bcml_wilson(int64_t k, int64_t n, double ci[2]) {
    if (n <= 0) { ci[0] = ci[1] = NAN; return; }
    const double z = 1.959963984540054; /* two-sided 95% */
    double p = (double)k / n, z2n = z * z / n;
    double den = 1.0 + z2n, centre = (p + z2n / 2.0) / den;
    double half = z * sqrt(p * (1.0 - p) / n + z2n / (4.0 * n)) / den;
    ci[0] = centre - half < 0 ? 0 : centre - half;
    ci[1] = centre + half > 1 ? 1 : centre + half;
}

void bcml_compat_from_counts(const bcml_counts *k, bcml_compat *o) {
    memset(o, 0, sizeof *o);
    o->k = *k;
    o->btc = ratio(k->a, k->a + k->b);
    o->bec = ratio(k->d, k->b + k->d);
    o->bec_upstream = ratio(k->d, k->c + k->d);
    o->nfr = ratio(k->b, k->n);
    o->pfr = ratio(k->c, k->n);
    o->nfi = ratio(k->b, k->b + k->d);
    o->pfi = ratio(k->c, k->a + k->c);
    o->h1_accuracy = ratio(k->a + k->b, k->n);
    o->h2_accuracy = ratio(k->a + k->c, k->n);
    /* flips expected if the two models erred independently: acc1 * err2 */
    double expected = o->h1_accuracy * (1.0 - o->h2_accuracy);
    o->nfr_relative = expected > 0 ? o->nfr / expected : NAN;
    bcml_wilson(k->a, k->a + k->b, o->btc_ci);
    bcml_wilson(k->d, k->b + k->d, o->bec_ci);
    bcml_wilson(k->b, k->n, o->nfr_ci);
}

static void count_one(bcml_counts *k, int32_t h1, int32_t h2, int32_t y) {
    k->n++;
    int r1 = h1 == y, r2 = h2 == y;
    if (r1 && r2) k->a++;
    else if (r1) k->b++;
    else if (r2) k->c++;
    else { k->d++; k->d_same += h1 == h2; }
}

static bcml_status check_labels(const char *what, const int32_t *v, int64_t n, int num_classes, bcml_error *err) {
    for (int64_t i = 0; i < n; i++) {
        if (v[i] < 0) return bcml__fail(err, BCML_EINVAL, "%s[%lld] = %d: labels must be >= 0", what, (long long)i, v[i]);
        if (v[i] >= num_classes)
            return bcml__fail(err, BCML_EINVAL, "%s[%lld] = %d: labels must be below %d", what, (long long)i, v[i],
                              num_classes);
    }
    return BCML_OK;
}

bcml_status bcml_counts_compute(int64_t n, const int32_t *h1, const int32_t *h2, const int32_t *y, bcml_counts *out,
                                bcml_error *err) {
    memset(out, 0, sizeof *out);
    if (n < 0 || (n > 0 && (!h1 || !h2 || !y))) return bcml__fail(err, BCML_EINVAL, "scores: missing labels");
    bcml_status s;
    if ((s = check_labels("h1", h1, n, INT32_MAX, err)) || (s = check_labels("h2", h2, n, INT32_MAX, err)) ||
        (s = check_labels("y", y, n, INT32_MAX, err)))
        return s;
    for (int64_t i = 0; i < n; i++) count_one(out, h1[i], h2[i], y[i]);
    return BCML_OK;
}

/* ---------------------------------------------------------------- JSON record */

static void add_num(cJSON *o, const char *key, double v) {
    if (isfinite(v)) bcml__json_add_number(o, key, v);
    else cJSON_AddNullToObject(o, key);
}

static void add_ci(cJSON *o, const char *key, const double ci[2]) {
    if (!isfinite(ci[0])) { cJSON_AddNullToObject(o, key); return; }
    cJSON *a = cJSON_AddArrayToObject(o, key);
    cJSON_AddItemToArray(a, bcml__json_number(ci[0]));
    cJSON_AddItemToArray(a, bcml__json_number(ci[1]));
}

/* bcml's own score fields; btc/bec too unless the caller already wrote them under upstream's keys */
static void add_compat(cJSON *o, const bcml_compat *c, int with_btc_bec) {
    cJSON *k = cJSON_AddObjectToObject(o, "counts");
    bcml__json_add_number(k, "n", (double)c->k.n);
    bcml__json_add_number(k, "both_correct", (double)c->k.a);
    bcml__json_add_number(k, "negative_flips", (double)c->k.b);
    bcml__json_add_number(k, "positive_flips", (double)c->k.c);
    bcml__json_add_number(k, "both_wrong", (double)c->k.d);
    bcml__json_add_number(k, "both_wrong_same_label", (double)c->k.d_same);
    if (with_btc_bec) {
        add_num(o, "btc", c->btc);
        add_num(o, "bec", c->bec);
    }
    add_num(o, "bec_upstream", c->bec_upstream);
    add_num(o, "nfr", c->nfr);
    add_num(o, "pfr", c->pfr);
    add_num(o, "nfi", c->nfi);
    add_num(o, "pfi", c->pfi);
    add_num(o, "nfr_relative", c->nfr_relative);
    add_num(o, "h1_accuracy", c->h1_accuracy);
    add_num(o, "h2_accuracy", c->h2_accuracy);
    add_num(o, "accuracy_change", c->h2_accuracy - c->h1_accuracy);
    cJSON *ci = cJSON_AddObjectToObject(o, "intervals");
    cJSON_AddStringToObject(ci, "method", "wilson-95");
    add_ci(ci, "btc", c->btc_ci);
    add_ci(ci, "bec", c->bec_ci);
    add_ci(ci, "nfr", c->nfr_ci);
}

bcml_status bcml_compat_json(const bcml_compat *c, char **json, bcml_error *err) {
    cJSON *o = cJSON_CreateObject();
    if (o) add_compat(o, c, 1);
    *json = o ? bcml__json_print(o) : NULL;
    cJSON_Delete(o);
    return *json ? BCML_OK : bcml__fail(err, BCML_ENOMEM, "scores: out of memory writing JSON");
}

typedef struct { const char *text; double num; int at; } slice_key;

static int cmp_key_num(const void *a, const void *b) {
    double x = ((const slice_key *)a)->num, y = ((const slice_key *)b)->num;
    return x != y ? (x > y) - (x < y) : strcmp(((const slice_key *)a)->text, ((const slice_key *)b)->text);
}
static int cmp_key_text(const void *a, const void *b) {
    return strcmp(((const slice_key *)a)->text, ((const slice_key *)b)->text);
}

void bcml_slice_column_free(bcml_slice_column *c) {
    if (!c) return;
    for (int i = 0; c->names && i < c->num_values; i++) free((char *)c->names[i]);
    free((char **)c->names);
    free((int32_t *)c->value);
    free((char *)c->name);
    memset(c, 0, sizeof *c);
}

static char *copy_text(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = bcml__alloc(n, 1);
    if (d) memcpy(d, s, n);
    return d;
}

bcml_status bcml_slice_column_build(const char *name, const char *const *values, int64_t n, bcml_slice_column *out,
                                    bcml_error *err) {
    memset(out, 0, sizeof *out);
    bcml__strset set = {0};
    int32_t *value = bcml__alloc((size_t)(n ? n : 1), sizeof(int32_t)), *rank = NULL;
    slice_key *keys = NULL;
    char **names = NULL;
    char *cname = copy_text(name ? name : "slice");
    bcml_status s = BCML_OK;
    if (!value || !cname) goto nomem;
    /* distinct texts by hashing (a slice column has few), then only those are sorted */
    for (int64_t i = 0; i < n; i++) {
        if ((value[i] = bcml__strset_add(&set, values[i] ? values[i] : "")) < 0) goto nomem;
        if (set.n > 100000) {
            s = bcml__fail(err, BCML_EINVAL, "slice column \"%s\" has more than 100000 distinct values", cname);
            goto fail;
        }
    }
    int nd = set.n, all_num = 1;
    keys = bcml__alloc((size_t)(nd ? nd : 1), sizeof *keys);
    rank = bcml__alloc((size_t)(nd ? nd : 1), sizeof(int32_t));
    names = bcml__calloc((size_t)(nd ? nd : 1), sizeof(char *));
    if (!keys || !rank || !names) goto nomem;
    for (int k = 0; k < nd; k++) {
        char *end;
        keys[k].text = set.key[k];
        keys[k].num = strtod(keys[k].text, &end);
        keys[k].at = k;
        if (end == keys[k].text || *end || !isfinite(keys[k].num)) all_num = 0;
    }
    qsort(keys, (size_t)nd, sizeof *keys, all_num ? cmp_key_num : cmp_key_text);
    int nv = 0;
    for (int k = 0; k < nd; k++) {
        /* numbers are one value however written ("1", "1.0"): named by the first text in sort order */
        if (k == 0 || !all_num || keys[k].num != keys[k - 1].num)
            if (!(names[nv++] = copy_text(keys[k].text))) goto nomem;
        rank[keys[k].at] = nv - 1;
    }
    for (int64_t i = 0; i < n; i++) value[i] = rank[value[i]];
    free(keys);
    free(rank);
    bcml__strset_free(&set);
    *out = (bcml_slice_column){cname, value, nv, (const char *const *)names};
    return BCML_OK;
nomem:
    s = bcml__fail(err, BCML_ENOMEM, "slice column: out of memory");
fail:
    for (int i = 0; names && i < set.n && names[i]; i++) free(names[i]);
    free(names);
    free(keys);
    free(rank);
    free(value);
    free(cname);
    bcml__strset_free(&set);
    return s;
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static bcml_status check_input(const bcml_eval_input *in, int *num_classes, bcml_error *err) {
    if (!in || in->n < 0) return bcml__fail(err, BCML_EINVAL, "evaluation: no input");
    if ((unsigned)in->metric > BCML_METRIC_MACRO_F1) return bcml__fail(err, BCML_EINVAL, "evaluation: unknown metric");
    if (in->n > 0 && (!in->h1 || !in->h2 || !in->y)) return bcml__fail(err, BCML_EINVAL, "evaluation: missing labels");
    int C = in->num_classes;
    if (C < 0 || C > MAX_CLASSES) return bcml__fail(err, BCML_EINVAL, "evaluation: num_classes must be 1 to %d", MAX_CLASSES);
    bcml_status s;
    int lim = C ? C : MAX_CLASSES;
    if ((s = check_labels("h1", in->h1, in->n, lim, err)) || (s = check_labels("h2", in->h2, in->n, lim, err)) ||
        (s = check_labels("y", in->y, in->n, lim, err)))
        return s;
    if (!C)
        for (int64_t i = 0; i < in->n; i++) {
            int m = in->h1[i] > in->h2[i] ? in->h1[i] : in->h2[i];
            m = m > in->y[i] ? m : in->y[i];
            if (m + 1 > C) C = m + 1;
        }
    *num_classes = C;
    int64_t rising = 1; /* ids in increasing order (the usual case) are distinct without sorting */
    while (in->ids && rising < in->n && in->ids[rising] > in->ids[rising - 1]) rising++;
    if (in->ids && in->n > 1 && rising < in->n) {
        int64_t *sorted = bcml__alloc((size_t)in->n, sizeof(int64_t));
        if (!sorted) return bcml__fail(err, BCML_ENOMEM, "evaluation: out of memory");
        memcpy(sorted, in->ids, (size_t)in->n * sizeof(int64_t));
        qsort(sorted, (size_t)in->n, sizeof(int64_t), cmp_i64);
        for (int64_t i = 1; i < in->n; i++)
            if (sorted[i] == sorted[i - 1]) {
                int64_t dup = sorted[i], first = -1, second = -1;
                free(sorted);
                for (int64_t j = 0; j < in->n; j++)
                    if (in->ids[j] == dup) { if (first < 0) first = j; else { second = j; break; } }
                return bcml__fail(err, BCML_EINVAL, "evaluation: id %lld appears more than once (instances %lld and %lld)",
                                  (long long)dup, (long long)first, (long long)second);
            }
        free(sorted);
    }
    for (int c = 0; c < in->num_slice_columns; c++) {
        const bcml_slice_column *sc = &in->slices[c];
        if (!sc->name || !sc->value || sc->num_values < 1 || !sc->names)
            return bcml__fail(err, BCML_EINVAL, "evaluation: slice column %d is incomplete", c);
        for (int64_t i = 0; i < in->n; i++)
            if (sc->value[i] < 0 || sc->value[i] >= sc->num_values)
                return bcml__fail(err, BCML_EINVAL, "evaluation: slice column \"%s\" instance %lld has value index %d, "
                                  "expected 0..%d", sc->name, (long long)i, sc->value[i], sc->num_values - 1);
    }
    return BCML_OK;
}

/* [{"class", "accuracy", "error_instance_ids"}] per class, as text (NULL when out of memory) */
static cJSON *accuracy_by_class(const bcml_eval_input *in, const int32_t *pred, int C, const int64_t *count,
                                const int64_t *right) {
    bcml__text *ids = bcml__calloc((size_t)C, sizeof(bcml__text)), t = {0};
    if (!ids) return NULL;
    for (int64_t i = 0; i < in->n; i++)
        if (pred[i] != in->y[i]) {
            bcml__text *l = &ids[in->y[i]];
            if (l->len) bcml__text_put(l, ",", 1);
            bcml__text_num(l, (double)(in->ids ? in->ids[i] : i));
            t.failed |= l->failed;
        }
    bcml__text_str(&t, "[");
    for (int k = 0; k < C; k++) {
        bcml__text_str(&t, k ? ",{\"class\":" : "{\"class\":");
        bcml__text_num(&t, k);
        bcml__text_str(&t, ",\"accuracy\":");
        bcml__text_num(&t, ratio(right[k], count[k]));
        bcml__text_str(&t, ",\"error_instance_ids\":[");
        if (ids[k].len) bcml__text_put(&t, ids[k].buf, ids[k].len);
        bcml__text_str(&t, "]}");
        bcml__text_free(&ids[k]);
    }
    bcml__text_str(&t, "]");
    free(ids);
    return bcml__text_raw(&t);
}

/* appends ",id" (or "id" first) to a list being written */
static void list_add(bcml__text *t, double id) {
    if (t->len > 1) bcml__text_put(t, ",", 1);
    bcml__text_num(t, id);
}

static const char *const metric_names[] = {"accuracy", "balanced-accuracy", "macro-f1"};

const char *bcml_metric_name(bcml_metric m) { return (unsigned)m < 3 ? metric_names[m] : "unknown"; }

bcml_status bcml_metric_from_name(const char *name, bcml_metric *m, bcml_error *err) {
    for (int i = 0; i < 3; i++)
        if (name && strcmp(name, metric_names[i]) == 0) { *m = (bcml_metric)i; return BCML_OK; }
    if (name && strcmp(name, "model_accuracy") == 0) { *m = BCML_METRIC_ACCURACY; return BCML_OK; } /* upstream's name */
    return bcml__fail(err, BCML_EINVAL, "unknown metric \"%s\" (known: accuracy, balanced-accuracy, macro-f1)",
                      name ? name : "(null)");
}

double bcml_metric_value(bcml_metric m, int64_t n, const int32_t *pred, const int32_t *y, int C) {
    if (n <= 0) return NAN;
    if (m == BCML_METRIC_ACCURACY) {
        int64_t r = 0;
        for (int64_t i = 0; i < n; i++) r += pred[i] == y[i];
        return (double)r / n;
    }
    int64_t *t = calloc((size_t)C * 3, sizeof(int64_t)); /* per class: true positives, in y, predicted */
    if (!t) return NAN;
    for (int64_t i = 0; i < n; i++) {
        if (y[i] < 0 || y[i] >= C || pred[i] < 0 || pred[i] >= C) continue;
        t[3 * y[i] + 1]++;
        t[3 * pred[i] + 2]++;
        if (pred[i] == y[i]) t[3 * y[i]]++;
    }
    double sum = 0;
    int classes = 0;
    for (int k = 0; k < C; k++) {
        int64_t tp = t[3 * k], in_y = t[3 * k + 1], predicted = t[3 * k + 2];
        if (m == BCML_METRIC_BALANCED_ACCURACY) {
            if (in_y) { sum += (double)tp / in_y; classes++; }
        } else if (in_y || predicted) {
            sum += 2.0 * tp / (double)(in_y + predicted);
            classes++;
        }
    }
    free(t);
    return classes ? sum / classes : NAN;
}

bcml_status bcml_evaluation_json(const bcml_eval_input *in, char **json, bcml_error *err) {
    *json = NULL;
    cJSON *root = NULL;
    bcml_status s = bcml__evaluation_cjson(in, &root, err);
    if (s) return s;
    *json = bcml__json_print(root);
    cJSON_Delete(root);
    return *json ? BCML_OK : bcml__fail(err, BCML_ENOMEM, "evaluation: out of memory writing JSON");
}

bcml_status bcml__evaluation_cjson(const bcml_eval_input *in, cJSON **out, bcml_error *err) {
    *out = NULL;
    int C = 0;
    bcml_status s = check_input(in, &C, err);
    if (s) return s;
    int64_t n = in->n;
    int64_t *cls = bcml__calloc((size_t)C * 4, sizeof(int64_t)); /* per class: count, h1 right, h2 right, seen order */
    cJSON *root = cJSON_CreateObject();
    bcml__text *incompat = bcml__calloc((size_t)C, sizeof(bcml__text));
    if (!cls || !root || !incompat) { s = bcml__fail(err, BCML_ENOMEM, "evaluation: out of memory"); goto done; }
    int64_t *count = cls, *right1 = cls + C, *right2 = cls + 2 * C;

    bcml_counts k;
    memset(&k, 0, sizeof k);
    /* the id lists and error instances grow as text: a node per number would cost ~100 bytes per instance */
    bcml__text err_ids[3] = {{0}}, errors = {0}; /* h1's errors, h2's, both */
    for (int j = 0; j < 3; j++) bcml__text_put(&err_ids[j], "[", 1);
    bcml__text_put(&errors, "[", 1);
    int64_t *seen = cls + 3 * C, nseen = 0; /* classes with an incompatible point, in first-seen order */
    for (int64_t i = 0; i < n; i++) {
        int32_t y = in->y[i], p1 = in->h1[i], p2 = in->h2[i];
        double id = (double)(in->ids ? in->ids[i] : i);
        count_one(&k, p1, p2, y);
        count[y]++;
        right1[y] += p1 == y;
        right2[y] += p2 == y;
        if (p1 != y) list_add(&err_ids[0], id);
        if (p2 != y) list_add(&err_ids[1], id);
        if (p1 != y && p2 != y) list_add(&err_ids[2], id);
        if (p1 == y && p2 != y) { /* incompatible: h1 right, h2 wrong; classes in first-seen order */
            if (!incompat[y].buf) {
                seen[nseen++] = y;
                bcml__text_put(&incompat[y], "[", 1);
            }
            list_add(&incompat[y], id);
        }
        if (p1 != y || p2 != y) {
            bcml__text_str(&errors, errors.len > 1 ? ",{\"instance_id\":" : "{\"instance_id\":");
            bcml__text_num(&errors, id);
            bcml__text_str(&errors, ",\"metadata\":");
            bcml__text_quoted(&errors, in->metadata && in->metadata[i] ? in->metadata[i] : "");
            bcml__text_str(&errors, ",\"h1_prediction\":");
            bcml__text_num(&errors, p1);
            bcml__text_str(&errors, ",\"h2_prediction\":");
            bcml__text_num(&errors, p2);
            bcml__text_str(&errors, ",\"ground_truth\":");
            bcml__text_num(&errors, y);
            bcml__text_put(&errors, "}", 1);
        }
    }
    for (int j = 0; j < 3; j++) bcml__text_put(&err_ids[j], "]", 1);
    bcml__text_put(&errors, "]", 1);
    bcml__text overlap = {0}, by_class = {0};
    bcml__text_put(&overlap, "[", 1);
    for (int j = 0; j < 3; j++) {
        bcml__text *t = &err_ids[j];
        if (j) bcml__text_put(&overlap, ",", 1);
        if (t->failed) overlap.failed = 1;
        else bcml__text_put(&overlap, t->buf, t->len);
        bcml__text_free(t);
    }
    bcml__text_put(&overlap, "]", 1);
    bcml__text_put(&by_class, "[", 1);
    for (int64_t j = 0; j < nseen; j++) {
        bcml__text *t = &incompat[seen[j]];
        bcml__text_put(t, "]", 1);
        if (t->failed) { by_class.failed = 1; break; }
        bcml__text_str(&by_class, j ? ",{\"class\":" : "{\"class\":");
        bcml__text_num(&by_class, (double)seen[j]);
        bcml__text_str(&by_class, ",\"incompatibleInstanceIds\":");
        bcml__text_put(&by_class, t->buf, t->len);
        bcml__text_put(&by_class, "}", 1);
        bcml__text_free(t);
    }
    bcml__text_put(&by_class, "]", 1);
    int failed = overlap.failed || by_class.failed || errors.failed;
    cJSON *jo = bcml__text_raw(&overlap), *jb = bcml__text_raw(&by_class), *je = bcml__text_raw(&errors);
    if (failed || !jo || !jb || !je) {
        cJSON_Delete(jo);
        cJSON_Delete(jb);
        cJSON_Delete(je);
        s = bcml__fail(err, BCML_ENOMEM, "evaluation: out of memory for the error lists of %lld instances", (long long)n);
        goto done;
    }
    cJSON_AddItemToObject(root, "models_error_overlap", jo);
    cJSON_AddItemToObject(root, "h2_incompatible_instance_ids_by_class", jb);
    cJSON *sorted = cJSON_AddArrayToObject(root, "sorted_classes");
    for (int c = 0; c < C; c++)
        if (count[c]) cJSON_AddItemToArray(sorted, bcml__json_number(c));
    cJSON *a1 = accuracy_by_class(in, in->h1, C, count, right1), *a2 = a1 ? accuracy_by_class(in, in->h2, C, count, right2) : NULL;
    if (!a2) {
        cJSON_Delete(a1);
        s = bcml__fail(err, BCML_ENOMEM, "evaluation: out of memory for the per-class lists of %lld instances", (long long)n);
        goto done;
    }
    cJSON_AddItemToObject(root, "h1_accuracy_by_class", a1);
    cJSON_AddItemToObject(root, "h2_accuracy_by_class", a2);
    bcml_compat pooled;
    bcml_compat_from_counts(&k, &pooled);
    add_num(root, "h2_performance", bcml_metric_value(in->metric, n, in->h2, in->y, C));
    add_num(root, "btc", pooled.btc);
    add_num(root, "bec", pooled.bec);
    cJSON_AddItemToObject(root, "error_instances", je);
    bcml__json_add_number(root, "dataset_size", (double)n);
    /* bcml's additions */
    add_num(root, "h1_performance", bcml_metric_value(in->metric, n, in->h1, in->y, C));
    cJSON_AddStringToObject(root, "performance_metric", bcml_metric_name(in->metric));
    bcml__json_add_number(root, "num_classes", C);
    add_compat(root, &pooled, 0);
    cJSON *slices = cJSON_AddArrayToObject(root, "slices");
    for (int c = 0; c < in->num_slice_columns; c++) {
        const bcml_slice_column *sc = &in->slices[c];
        bcml_counts *per = bcml__calloc((size_t)sc->num_values, sizeof(bcml_counts));
        if (!per) { s = bcml__fail(err, BCML_ENOMEM, "evaluation: out of memory"); goto done; }
        for (int64_t i = 0; i < n; i++) count_one(&per[sc->value[i]], in->h1[i], in->h2[i], in->y[i]);
        cJSON *col = cJSON_CreateObject();
        cJSON_AddStringToObject(col, "column", sc->name);
        cJSON *vals = cJSON_AddArrayToObject(col, "values");
        for (int v = 0; v < sc->num_values; v++) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "value", sc->names[v] ? sc->names[v] : "");
            bcml_compat sco;
            bcml_compat_from_counts(&per[v], &sco);
            add_compat(o, &sco, 1);
            cJSON_AddItemToArray(vals, o);
        }
        cJSON_AddItemToArray(slices, col);
        free(per);
    }
    *out = root;
    root = NULL;
done:
    cJSON_Delete(root);
    for (int c = 0; incompat && c < C; c++) bcml__text_free(&incompat[c]);
    free(cls);
    free(incompat);
    return s;
}
