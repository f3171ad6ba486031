/* cmd_scores.c - `bcml scores` (h1 vs h2 from their predictions) and `bcml compare` (from models or prediction
 * files on a dataset): the evaluation record, a readable summary, and --fail-if gates for CI pipelines. */
#define _POSIX_C_SOURCE 200809L /* mkdir */
#include "cli.h"
#include "../jsonutil.h"

#include <errno.h>
#include <math.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

/* One slice column from a JSON array of strings or numbers (one per instance). */
/* A slice column from a file: one number per instance. */
static int file_slice_column(const cJSON *v, const char *name, int64_t n, bcml_slice_column *col, bcml_error *e) {
    bcml_array a;
    if (cli_file_array(v, name, &a, e)) return 1;
    int rc = a.ndim != 1 || a.shape[0] != n;
    if (rc) snprintf(e->msg, sizeof e->msg, "slice column \"%s\" must hold %lld values (one per instance)", name, (long long)n);
    const char **vals = rc ? NULL : malloc((size_t)(n ? n : 1) * sizeof(char *));
    char (*numtext)[32] = rc ? NULL : malloc((size_t)(n ? n : 1) * 32);
    if (!rc && (!vals || !numtext)) { rc = 1; snprintf(e->msg, sizeof e->msg, "out of memory"); }
    for (int64_t i = 0; !rc && i < n; i++) {
        snprintf(numtext[i], 32, "%.9g", a.data[i]);
        vals[i] = numtext[i];
    }
    if (!rc) rc = bcml_slice_column_build(name, vals, n, col, e) != BCML_OK;
    free(vals);
    free(numtext);
    bcml_array_free(&a);
    return rc;
}

static int parse_slice_column(const cJSON *arr, const char *name, int64_t n, bcml_slice_column *col, bcml_error *e) {
    if (cJSON_IsString(arr) || (cJSON_IsObject(arr) && cJSON_GetObjectItemCaseSensitive(arr, "npz")))
        return file_slice_column(arr, name, n, col, e);
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) != n) {
        snprintf(e->msg, sizeof e->msg, "slice column \"%s\" must be an array of %lld values (one per instance)", name,
                 (long long)n);
        return 1;
    }
    const char **vals = malloc((size_t)(n ? n : 1) * sizeof(char *));
    char (*numtext)[32] = malloc((size_t)(n ? n : 1) * 32);
    int rc = !vals || !numtext;
    if (rc) snprintf(e->msg, sizeof e->msg, "out of memory");
    int64_t i = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, arr) {
        if (rc) break;
        if (cJSON_IsString(v)) vals[i] = v->valuestring;
        else if (cJSON_IsNumber(v) && isfinite(v->valuedouble)) {
            snprintf(numtext[i], 32, "%.15g", v->valuedouble);
            vals[i] = numtext[i];
        } else {
            snprintf(e->msg, sizeof e->msg, "slice column \"%s\"[%lld] must be a string or a number", name, (long long)i);
            rc = 1;
        }
        i++;
    }
    if (!rc) rc = bcml_slice_column_build(name, vals, n, col, e) != BCML_OK;
    free(vals);
    free(numtext);
    return rc;
}

static void print_ratio(const char *label, const cJSON *o, const char *key, const cJSON *ci) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    const cJSON *iv = ci ? cJSON_GetObjectItemCaseSensitive(ci, key) : NULL;
    if (!cJSON_IsNumber(v)) { printf("  %-22s undefined\n", label); return; }
    if (cJSON_IsArray(iv))
        printf("  %-22s %.4f  [%.4f, %.4f]\n", label, v->valuedouble, cJSON_GetArrayItem(iv, 0)->valuedouble,
               cJSON_GetArrayItem(iv, 1)->valuedouble);
    else
        printf("  %-22s %.4f\n", label, v->valuedouble);
}

static double num_or_nan(const cJSON *o, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static int cmp_slices_nfr(const void *a, const void *b) {
    double x = num_or_nan(*(const cJSON *const *)a, "nfr"), y = num_or_nan(*(const cJSON *const *)b, "nfr");
    if (isnan(x)) return isnan(y) ? 0 : 1;
    if (isnan(y)) return -1;
    return (x < y) - (x > y);
}

/* Human-readable summary of an evaluation record. */
static void print_summary(const cJSON *r) {
    const cJSON *k = cJSON_GetObjectItemCaseSensitive(r, "counts");
    const cJSON *ci = cJSON_GetObjectItemCaseSensitive(r, "intervals");
    printf("%.0f instances, %.0f classes\n", num_or_nan(k, "n"), num_or_nan(r, "num_classes"));
    printf("  h1 accuracy            %.4f\n  h2 accuracy            %.4f  (change %+.4f)\n",
           num_or_nan(r, "h1_accuracy"), num_or_nan(r, "h2_accuracy"), num_or_nan(r, "accuracy_change"));
    printf("  both right %.0f, negative flips %.0f, positive flips %.0f, both wrong %.0f\n", num_or_nan(k, "both_correct"),
           num_or_nan(k, "negative_flips"), num_or_nan(k, "positive_flips"), num_or_nan(k, "both_wrong"));
    print_ratio("BTC", r, "btc", ci);
    print_ratio("BEC", r, "bec", ci);
    print_ratio("BEC (upstream code)", r, "bec_upstream", NULL);
    print_ratio("NFR", r, "nfr", ci);
    print_ratio("PFR", r, "pfr", NULL);
    print_ratio("relative NFR", r, "nfr_relative", NULL);
    const cJSON *col;
    cJSON_ArrayForEach(col, cJSON_GetObjectItemCaseSensitive(r, "slices")) {
        const cJSON *vals = cJSON_GetObjectItemCaseSensitive(col, "values");
        int nv = cJSON_GetArraySize(vals), i = 0;
        const cJSON **order = malloc((size_t)(nv ? nv : 1) * sizeof *order), *v;
        if (!order) return;
        cJSON_ArrayForEach(v, vals) order[i++] = v;
        qsort(order, (size_t)nv, sizeof *order, cmp_slices_nfr);
        printf("slice \"%s\", worst negative flip rate first:\n", cJSON_GetObjectItemCaseSensitive(col, "column")->valuestring);
        printf("  %-16s %8s %8s %8s %8s %10s\n", "value", "n", "NFR", "BTC", "h1 acc", "acc change");
        for (i = 0; i < nv; i++) {
            const cJSON *kk = cJSON_GetObjectItemCaseSensitive(order[i], "counts");
            printf("  %-16.16s %8.0f %8.4f %8.4f %8.4f %+10.4f\n",
                   cJSON_GetObjectItemCaseSensitive(order[i], "value")->valuestring, num_or_nan(kk, "n"),
                   num_or_nan(order[i], "nfr"), num_or_nan(order[i], "btc"), num_or_nan(order[i], "h1_accuracy"),
                   num_or_nan(order[i], "accuracy_change"));
        }
        free(order);
    }
}

/* --fail-if "btc<0.95,nfr>0.02": 1 when any condition holds (an undefined score fails too), listing them. */
static int gate_fails(const cJSON *r, const char *expr, int *bad_syntax) {
    *bad_syntax = 0;
    int failed = 0;
    const char *p = expr;
    while (*p) {
        while (*p == ' ' || *p == ',') p++;
        if (!*p) break;
        char key[32];
        int k = 0;
        while ((*p >= 'a' && *p <= 'z') || *p == '_' || (*p >= '0' && *p <= '9')) {
            if (k < 31) key[k++] = *p;
            p++;
        }
        key[k] = 0;
        while (*p == ' ') p++;
        char op[3] = {0};
        if (*p == '<' || *p == '>') {
            op[0] = *p++;
            if (*p == '=') op[1] = *p++;
        }
        char *end;
        double limit = strtod(p, &end);
        if (!k || !op[0] || end == p) {
            cli_fail("--fail-if \"%s\": expected conditions like btc<0.95 or nfr>=0.02", expr);
            *bad_syntax = 1;
            return 1;
        }
        p = end;
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, key);
        if (!v) {
            cli_fail("--fail-if: unknown score \"%s\" (e.g. btc, bec, nfr, pfr, h2_performance, accuracy_change)", key);
            *bad_syntax = 1;
            return 1;
        }
        if (!cJSON_IsNumber(v)) {
            fprintf(stderr, "bcml: gate failed: %s is undefined, so %s%s%g cannot be ruled out\n", key, key, op, limit);
            failed = 1;
            continue;
        }
        double x = v->valuedouble;
        int hit = op[0] == '<' ? (op[1] ? x <= limit : x < limit) : (op[1] ? x >= limit : x > limit);
        if (hit) {
            fprintf(stderr, "bcml: gate failed: %s = %.6g %s %g\n", key, x, op, limit);
            failed = 1;
        }
    }
    return failed;
}

/* The shared tail of scores and compare: optional ids, metadata, slices, metric and num_classes from `in`,
 * then the record (JSON or --pretty) and the gates. Returns the exit code: 0, 1 error, 3 gate failed. */
static int evaluate_and_print(const cJSON *in, const char *what, const int32_t *h1, const int32_t *h2,
                              const int32_t *y, int64_t n, const cli_data *d, const cli_args *a) {
    int rc = 1, ncols = 0;
    int64_t *ids = NULL, ni, nc;
    const char **meta = NULL;
    bcml_slice_column cols[64];
    char *json = NULL;
    bcml_error e = {0};
    if (bcml__json_int(in, "num_classes", 0, 0, 1, 65536, what, &nc, &e)) goto fail;
    const cJSON *jids = cJSON_GetObjectItemCaseSensitive(in, "ids");
    if (jids) {
        if (!(ids = cli_ids(jids, "ids", &ni, &e))) goto fail;
        if (ni != n) { rc = cli_fail("%s: \"ids\" has %lld entries for %lld instances", what, (long long)ni, (long long)n); goto done; }
    }
    const cJSON *jmeta = cJSON_GetObjectItemCaseSensitive(in, "metadata");
    if (jmeta) {
        if (!cJSON_IsArray(jmeta) || cJSON_GetArraySize(jmeta) != n) {
            rc = cli_fail("%s: \"metadata\" must be an array of %lld strings", what, (long long)n);
            goto done;
        }
        meta = malloc((size_t)(n ? n : 1) * sizeof(char *));
        if (!meta) { rc = cli_fail("out of memory"); goto done; }
        int64_t i = 0;
        const cJSON *m;
        cJSON_ArrayForEach(m, jmeta) {
            if (!cJSON_IsString(m)) { rc = cli_fail("%s: \"metadata\"[%lld] must be a string", what, (long long)i); goto done; }
            meta[i++] = m->valuestring;
        }
    }
    const cJSON *js = cJSON_GetObjectItemCaseSensitive(in, "slices");
    if (js) {
        if (cJSON_IsArray(js) || cJSON_IsString(js)) {
            if (parse_slice_column(js, "slice", n, &cols[ncols], &e)) goto fail;
            ncols++;
        } else if (cJSON_IsObject(js)) {
            const cJSON *c;
            cJSON_ArrayForEach(c, js) {
                if (ncols == 64) { rc = cli_fail("%s: more than 64 slice columns", what); goto done; }
                if (parse_slice_column(c, c->string, n, &cols[ncols], &e)) goto fail;
                ncols++;
            }
        } else {
            rc = cli_fail("%s: \"slices\" must be an array (one column) or an object of named columns", what);
            goto done;
        }
    }
    bcml_metric metric = BCML_METRIC_ACCURACY;
    const cJSON *jm = cJSON_GetObjectItemCaseSensitive(in, "metric");
    if (jm && (!cJSON_IsString(jm) || bcml_metric_from_name(jm->valuestring, &metric, &e))) {
        if (!cJSON_IsString(jm)) snprintf(e.msg, sizeof e.msg, "%s: \"metric\" must be a metric name", what);
        goto fail;
    }
    /* compare: the data's own ids and slice columns unless the input names others */
    const int64_t *use_ids = ids ? ids : d ? d->ids : NULL;
    const bcml_slice_column *use_slices = ncols || !d ? cols : d->slices;
    int use_ncols = ncols || !d ? ncols : d->num_slices;
    bcml_eval_input ev = {n, h1, h2, y, use_ids, meta, (int)nc, use_ncols, use_slices, metric};
    if (bcml_evaluation_json(&ev, &json, &e)) goto fail;
    cJSON *r = a->pretty || a->fail_if ? cJSON_Parse(json) : NULL; /* a tree of the record only when read back */
    if (a->pretty && r) print_summary(r);
    else cli_print_text(json);
    rc = 0;
    if (a->fail_if && r) {
        int bad_syntax;
        if (gate_fails(r, a->fail_if, &bad_syntax)) rc = bad_syntax ? 1 : 3;
    }
    cJSON_Delete(r);
    goto done;
fail:
    rc = cli_fail_err(&e);
done:
    for (int i = 0; i < ncols; i++) bcml_slice_column_free(&cols[i]);
    bcml_free(json);
    free(ids);
    free(meta);
    return rc;
}

int cmd_scores(const cli_args *a) {
    static const char *const keys[] = {"h1", "h2", "y", "ids", "slices", "metadata", "num_classes", "threshold",
                                       "metric", NULL};
    cJSON *in = cli_read_json(a->input);
    if (!in) return 1;
    int rc = 1;
    int32_t *h1 = NULL, *h2 = NULL, *y = NULL;
    bcml_error e = {0};
    int64_t n1, n2, ny;
    double thr;
    if (!cJSON_IsObject(in)) { rc = cli_fail("scores input must be a JSON object"); goto done; }
    if (bcml__json_only_keys(in, keys, "scores input", &e) ||
        bcml__json_num(in, "threshold", 0, 0.5, -1e30, 1e30, "scores input", &thr, &e))
        goto fail;
    if (!(y = cli_labels(cJSON_GetObjectItemCaseSensitive(in, "y"), "y", &ny, &e))) goto fail;
    if (!(h1 = cli_labels_or_outputs(cJSON_GetObjectItemCaseSensitive(in, "h1"), "h1", thr, &n1, &e))) goto fail;
    if (!(h2 = cli_labels_or_outputs(cJSON_GetObjectItemCaseSensitive(in, "h2"), "h2", thr, &n2, &e))) goto fail;
    if (n1 != ny || n2 != ny) {
        rc = cli_fail("scores input: \"h1\", \"h2\" and \"y\" must have the same length (got %lld, %lld, %lld)",
                      (long long)n1, (long long)n2, (long long)ny);
        goto done;
    }
    rc = evaluate_and_print(in, "scores input", h1, h2, y, ny, NULL, a);
    goto done;
fail:
    rc = cli_fail_err(&e);
done:
    cJSON_Delete(in);
    free(h1);
    free(h2);
    free(y);
    return rc;
}

/* One model's labels on the data: {"model_file"}, {"outputs": [[...]], "probabilities"} or {"labels": [...]}. */
static int32_t *model_labels(const cJSON *j, const char *name, const cli_data *d, bcml_error *e) {
    static const char *const keys[] = {"model_file", "outputs", "probabilities", "labels", NULL};
    char where[32];
    snprintf(where, sizeof where, "\"%s\"", name);
    if (!cJSON_IsObject(j)) {
        snprintf(e->msg, sizeof e->msg, "compare: \"%s\" must be {\"model_file\"}, {\"outputs\"} or {\"labels\"}", name);
        return NULL;
    }
    if (bcml__json_only_keys(j, keys, where, e)) return NULL;
    int64_t n = 0;
    int32_t *lab = NULL;
    if (cJSON_GetObjectItemCaseSensitive(j, "labels")) {
        lab = cli_labels(cJSON_GetObjectItemCaseSensitive(j, "labels"), name, &n, e);
    } else if (cJSON_GetObjectItemCaseSensitive(j, "outputs")) {
        double thr = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "probabilities")) ? 0.5 : 0.0;
        int cols;
        float *out = cli_outputs(cJSON_GetObjectItemCaseSensitive(j, "outputs"), name, &n, &cols, e);
        if (out && (lab = malloc((size_t)(n ? n : 1) * sizeof(int32_t))) && bcml_outputs_to_labels(n, cols, out, thr, lab, e)) {
            free(lab);
            lab = NULL;
        }
        free(out);
    } else {
        bcml_model *m = NULL;
        if (cli_load_model(j, "-", "model_file", 0, &m, e)) return NULL;
        int C = bcml_model_output_size(m);
        float *out = NULL;
        if (bcml_model_input_size(m) != d->dim) {
            snprintf(e->msg, sizeof e->msg, "compare: %s expects %lld features, the data has %lld", name,
                     (long long)bcml_model_input_size(m), (long long)d->dim);
        } else if (!(out = malloc((size_t)d->n * C * sizeof(float))) || !(lab = malloc((size_t)d->n * sizeof(int32_t)))) {
            snprintf(e->msg, sizeof e->msg, "out of memory");
        } else if (bcml_model_predict(m, d->x, d->n, out, e) || bcml_outputs_to_labels(d->n, C, out, 0.0, lab, e)) {
            free(lab);
            lab = NULL;
        }
        n = d->n;
        free(out);
        bcml_model_free(m);
    }
    if (lab && n != d->n) {
        snprintf(e->msg, sizeof e->msg, "compare: \"%s\" has %lld predictions for %lld instances", name, (long long)n,
                 (long long)d->n);
        free(lab);
        return NULL;
    }
    return lab;
}

/* --out DIR with image data: a PNG of every instance either model gets wrong, named by its id. */
static int write_thumbnails(const cli_data *d, const int32_t *h1, const int32_t *h2, const char *dir, bcml_error *e) {
    if (d->shape[1] * d->shape[2] <= 1 || (d->shape[0] != 1 && d->shape[0] != 3)) {
        snprintf(e->msg, sizeof e->msg, "compare --out writes image thumbnails, but the data are not images");
        return 1;
    }
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) { snprintf(e->msg, sizeof e->msg, "cannot create %s", dir); return 1; }
    for (int64_t i = 0; i < d->n; i++) {
        if (h1[i] == d->y[i] && h2[i] == d->y[i]) continue;
        unsigned char *png;
        size_t len;
        if (bcml_png_thumbnail(d->x + i * d->dim, d->shape[0], d->shape[1], d->shape[2], 2, 0, 0, &png, &len, e)) return 1;
        char path[4096];
        snprintf(path, sizeof path, "%s/%lld.png", dir, (long long)(d->ids ? d->ids[i] : i));
        FILE *f = fopen(path, "wb");
        int ok = f && fwrite(png, 1, len, f) == len;
        if (f && fclose(f) != 0) ok = 0;
        bcml_free(png);
        if (!ok) { snprintf(e->msg, sizeof e->msg, "cannot write %.400s", path); return 1; }
    }
    return 0;
}

int cmd_compare(const cli_args *a) {
    static const char *const keys[] = {"data", "h1", "h2", "ids", "slices", "metadata", "num_classes", "metric", NULL};
    cJSON *in = cli_read_json(a->input);
    if (!in) return 1;
    int rc = 1;
    cli_data d = {0};
    bcml_encoder *enc = NULL;
    int32_t *h1 = NULL, *h2 = NULL;
    bcml_error e = {0};
    if (!cJSON_IsObject(in)) { rc = cli_fail("compare input must be a JSON object"); goto done; }
    if (bcml__json_only_keys(in, keys, "compare input", &e)) goto fail;
    /* CSV data is encoded as a saved model's encoding says (h1's first) */
    const cJSON *f1 = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(in, "h1"), "model_file");
    const cJSON *f2 = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(in, "h2"), "model_file");
    int enc_failed = 0;
    enc = cli_model_encoding(cJSON_IsString(f1) ? f1->valuestring : NULL, &e, &enc_failed);
    if (!enc && !enc_failed) enc = cli_model_encoding(cJSON_IsString(f2) ? f2->valuestring : NULL, &e, &enc_failed);
    if (enc_failed) goto fail;
    if (cli_load_data(cJSON_GetObjectItemCaseSensitive(in, "data"), "data", enc, &d, &e)) goto fail;
    if (!(h1 = model_labels(cJSON_GetObjectItemCaseSensitive(in, "h1"), "h1", &d, &e))) goto fail;
    if (!(h2 = model_labels(cJSON_GetObjectItemCaseSensitive(in, "h2"), "h2", &d, &e))) goto fail;
    rc = evaluate_and_print(in, "compare input", h1, h2, d.y, d.n, &d, a);
    if (rc != 1 && a->out && write_thumbnails(&d, h1, h2, a->out, &e)) goto fail;
    goto done;
fail:
    rc = cli_fail_err(&e);
done:
    cJSON_Delete(in);
    cli_free_data(&d);
    bcml_encoder_free(enc);
    free(h1);
    free(h2);
    return rc;
}
