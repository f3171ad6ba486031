/* bcml_wasm.c - the C API flattened for WebAssembly: plain pointers, 32-bit sizes and JSON options, so the
 * JS binding (bcml.mjs) passes typed arrays in one call and never loops over elements across the boundary.
 * Every function returns a status (0 ok) or a pointer (0 on failure); bw_error() tells why. Buffers the
 * functions hand out are released with bw_free. */
#include "bcml.h"
#include "kernels.h"
#include "options.h"

#include <emscripten.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT EMSCRIPTEN_KEEPALIVE

/* JS is told of progress through this import; a non-zero return cancels. kind 0: a training (a = epoch,
 * b = epochs, c = batch, d = batches, value = batch loss); kind 1: a sweep training (a = lambda index,
 * b = family, c = epoch, d = epochs, value = fraction of this training done). */
__attribute__((import_module("env"), import_name("bw_progress"))) extern int bw_progress(int kind, int a, int b, int c,
                                                                                         int d, double value);

static bcml_error last;

static int fail_oom(void) {
    last.code = BCML_ENOMEM;
    snprintf(last.msg, sizeof last.msg, "out of memory");
    return BCML_ENOMEM;
}

EXPORT const char *bw_error(void) { return last.msg; }
EXPORT void *bw_malloc(int n) { return malloc(n > 0 ? (size_t)n : 1); }
EXPORT void bw_free(void *p) { free(p); }
EXPORT const char *bw_version(void) { return BCML_VERSION; }
EXPORT const char *bw_simd(void) { return bcml_simd_name(); }

static cJSON *parse(const char *json, const char *what) {
    cJSON *j = NULL;
    if (bcml__json_parse(json ? json : "{}", what, &j, &last)) return NULL;
    return j;
}

/* ---------------------------------------------------------------- losses */

EXPORT int bw_loss(const char *opts, int n, int c, const float *h1, const float *h2, const int32_t *y, double *value,
                   float *grad) {
    cJSON *j = parse(opts, "loss options");
    if (!j) return last.code;
    bcml_loss_opts o;
    int s = bcml__parse_loss(j, "loss options", c == 1, 1, &o, &last);
    cJSON_Delete(j);
    if (s) return s;
    return bcml_loss(&o, n, c, h1, h2, y, value, grad, &last);
}

/* ---------------------------------------------------------------- scores */

/* opts: {"num_classes", "metric", "metadata": [n strings], "slices": [{"name", "names": [...]}]};
 * slice_values: [columns * n] value indices, column after column. Returns the record's JSON. */
EXPORT char *bw_evaluate(int n, const int32_t *h1, const int32_t *h2, const int32_t *y, const double *ids,
                         const int32_t *slice_values, const char *opts) {
    cJSON *j = parse(opts, "evaluation options");
    if (!j) return NULL;
    char *json = NULL;
    int64_t *id64 = NULL, nc = 0;
    const char **meta = NULL;
    bcml_slice_column cols[64];
    const char **names[64] = {0};
    int ncols = 0;
    bcml_eval_input in;
    memset(&in, 0, sizeof in);
    if (bcml__json_int(j, "num_classes", 0, 0, 1, 65536, "evaluation options", &nc, &last)) goto done;
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "metric");
    if (m && (!cJSON_IsString(m) || bcml_metric_from_name(m->valuestring, &in.metric, &last))) {
        if (!cJSON_IsString(m)) bcml__fail(&last, BCML_EINVAL, "evaluation options: \"metric\" must be a name");
        goto done;
    }
    if (ids) {
        if (!(id64 = malloc((size_t)(n ? n : 1) * sizeof(int64_t)))) { fail_oom(); goto done; }
        for (int i = 0; i < n; i++) {
            if (ids[i] != (double)(int64_t)ids[i]) { bcml__fail(&last, BCML_EINVAL, "ids[%d] = %g is not a whole number", i, ids[i]); goto done; }
            id64[i] = (int64_t)ids[i];
        }
    }
    const cJSON *md = cJSON_GetObjectItemCaseSensitive(j, "metadata"), *it;
    if (md) {
        if (!cJSON_IsArray(md) || cJSON_GetArraySize(md) != n) { bcml__fail(&last, BCML_EINVAL, "\"metadata\" must hold %d strings", n); goto done; }
        if (!(meta = malloc((size_t)(n ? n : 1) * sizeof(char *)))) { fail_oom(); goto done; }
        int i = 0;
        cJSON_ArrayForEach(it, md) meta[i++] = cJSON_IsString(it) ? it->valuestring : "";
    }
    const cJSON *sl = cJSON_GetObjectItemCaseSensitive(j, "slices");
    cJSON_ArrayForEach(it, sl) {
        if (ncols == 64) { bcml__fail(&last, BCML_EINVAL, "more than 64 slice columns"); goto done; }
        const cJSON *nm = cJSON_GetObjectItemCaseSensitive(it, "name"), *vals = cJSON_GetObjectItemCaseSensitive(it, "names"), *v;
        if (!cJSON_IsString(nm) || !cJSON_IsArray(vals) || !slice_values) {
            bcml__fail(&last, BCML_EINVAL, "slice column %d needs \"name\", \"names\" and its values", ncols);
            goto done;
        }
        int nv = cJSON_GetArraySize(vals), k = 0;
        if (!(names[ncols] = malloc((size_t)(nv ? nv : 1) * sizeof(char *)))) { fail_oom(); goto done; }
        cJSON_ArrayForEach(v, vals) names[ncols][k++] = cJSON_IsString(v) ? v->valuestring : "";
        cols[ncols] = (bcml_slice_column){nm->valuestring, slice_values + (size_t)ncols * n, nv, names[ncols]};
        ncols++;
    }
    in = (bcml_eval_input){n, h1, h2, y, id64, meta, (int)nc, ncols, cols, in.metric};
    bcml_evaluation_json(&in, &json, &last);
done:
    for (int i = 0; i < 64; i++) free((void *)names[i]);
    free(meta);
    free(id64);
    cJSON_Delete(j);
    return json;
}

/* ---------------------------------------------------------------- models */

EXPORT bcml_model *bw_model_create(const char *spec, double seed) {
    bcml_model *m = NULL;
    bcml_model_create(spec, (uint64_t)seed, &m, &last);
    return m;
}
EXPORT void bw_model_free(bcml_model *m) { bcml_model_free(m); }
EXPORT int bw_model_input_size(const bcml_model *m) { return (int)bcml_model_input_size(m); }
EXPORT int bw_model_output_size(const bcml_model *m) { return bcml_model_output_size(m); }
EXPORT int bw_model_param_count(const bcml_model *m) { return (int)bcml_model_param_count(m); }
EXPORT const char *bw_model_spec(const bcml_model *m) { return bcml_model_spec(m); }
EXPORT int bw_model_predict(bcml_model *m, const float *x, int n, float *out) {
    return bcml_model_predict(m, x, n, out, &last);
}
EXPORT int bw_model_save(const bcml_model *m, unsigned char **bytes, int *len) {
    size_t l = 0;
    int s = bcml_model_save(m, bytes, &l, &last);
    *len = (int)l;
    return s;
}
EXPORT bcml_model *bw_model_load(const unsigned char *bytes, int len) {
    bcml_model *m = NULL;
    bcml_model_load(bytes, (size_t)len, &m, &last);
    return m;
}

/* ---------------------------------------------------------------- training */

static int train_progress(void *user, const bcml_train_progress *p) {
    (void)user;
    return bw_progress(0, p->epoch, p->epochs, p->batch, p->batches, p->batch_loss);
}

/* opts: the training keys of `bcml train` ("epochs", "batch_size", "seed", "shuffle", "optimizer", "loss") and
 * "h1_probabilities". epoch_loss: [epochs]. */
EXPORT int bw_train(bcml_model *m, const float *x, const int32_t *y, int n, int dim, const float *h1, const char *opts,
                    double *epoch_loss, int *epochs_done) {
    static const char *const keys[] = {"epochs", "batch_size", "seed", "shuffle", "optimizer", "loss", "h1_probabilities", NULL};
    cJSON *j = parse(opts, "training options");
    if (!j) return last.code;
    bcml_train_opts o;
    int s = bcml__json_only_keys(j, keys, "training options", &last); /* a misspelt key is an error, not a default */
    if (!s) s = bcml__parse_train(j, "training options", bcml_model_output_size(m) == 1, &o, &last);
    o.h1_outputs = h1;
    o.h1_probabilities = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "h1_probabilities"));
    o.progress = train_progress;
    cJSON_Delete(j);
    if (s) return s;
    bcml_dataset d = {n, dim, x, y, NULL};
    return bcml_train(m, &d, &o, epoch_loss, epochs_done, &last);
}

/* ---------------------------------------------------------------- sweeps */

typedef struct {
    bcml_sweep_config c;
    double *lambdas;
    int64_t *ids[2];
    bcml_slice_column cols[2][64];
    const char **names[64];
    const char **metadata[2]; /* per-instance text of the training and test sets, borrowed from opts */
    cJSON *opts;           /* kept: the slice names point into it */
    bcml_train_rows *rows; /* the training set prepared once for every training */
    int j, family;         /* the training under way, for progress */
} sweep;

static int sweep_progress(void *user, const bcml_sweep_progress *p) {
    const sweep *s = user;
    return bw_progress(1, s->j, s->family, p->epoch, p->epochs, p->fraction);
}

EXPORT void bw_sweep_free(sweep *s) {
    if (!s) return;
    free(s->lambdas);
    free(s->ids[0]);
    free(s->ids[1]);
    for (int i = 0; i < 64; i++) free((void *)s->names[i]);
    free((void *)s->metadata[0]);
    free((void *)s->metadata[1]);
    cJSON_Delete(s->opts);
    bcml_train_rows_free(s->rows);
    free(s);
}

static int64_t *ids_of(const double *ids, int n) {
    if (!ids) return NULL;
    int64_t *o = malloc((size_t)(n ? n : 1) * sizeof(int64_t));
    for (int i = 0; o && i < n; i++) o[i] = (int64_t)ids[i];
    return o;
}

/* opts: the sweep keys of `bcml sweep` (no data) plus "h1_probabilities", "metadata_train"/"metadata_test" (a string
 * per instance) and "slices": [{"name", "names_train", "names_test"}] with slice_train/slice_test [columns * n] value
 * indices. The data, h1's outputs and h2 are
 * borrowed and must outlive the sweep. */
EXPORT sweep *bw_sweep_create(const char *opts, const float *xtr, const int32_t *ytr, int ntr, const float *xte,
                              const int32_t *yte, int nte, int dim, const double *ids_tr, const double *ids_te,
                              const float *h1tr, const float *h1te, const bcml_model *h2, const int32_t *slice_train,
                              const int32_t *slice_test) {
    sweep *s = calloc(1, sizeof *s);
    if (!s) { fail_oom(); return NULL; }
    if (!(s->opts = parse(opts, "sweep options"))) goto fail;
    const char *constraint;
    if (bcml__parse_sweep(s->opts, bcml_model_output_size(h2) == 1, &s->c, &s->lambdas, &constraint, &last)) goto fail;
    s->ids[0] = ids_of(ids_tr, ntr);
    s->ids[1] = ids_of(ids_te, nte);
    s->c.train = (bcml_dataset){ntr, dim, xtr, ytr, s->ids[0]};
    s->c.test = (bcml_dataset){nte, dim, xte, yte, s->ids[1]};
    s->c.h1_train = h1tr;
    s->c.h1_test = h1te;
    s->c.h1_probabilities = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s->opts, "h1_probabilities"));
    s->c.h2 = h2;
    s->c.progress = sweep_progress;
    s->c.user = s;
    const cJSON *it;
    int k = 0;
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(s->opts, "slices")) {
        if (k == 32) { bcml__fail(&last, BCML_EINVAL, "more than 32 slice columns"); goto fail; }
        const cJSON *nm = cJSON_GetObjectItemCaseSensitive(it, "name");
        for (int set = 0; set < 2; set++) {
            const cJSON *vals = cJSON_GetObjectItemCaseSensitive(it, set ? "names_test" : "names_train"), *v;
            const int32_t *values = set ? slice_test : slice_train;
            if (!cJSON_IsString(nm) || !cJSON_IsArray(vals) || !values) {
                bcml__fail(&last, BCML_EINVAL, "slice column %d needs \"name\", \"names_train\", \"names_test\" and values", k);
                goto fail;
            }
            int nv = cJSON_GetArraySize(vals), i = 0;
            const char **names = malloc((size_t)(nv ? nv : 1) * sizeof(char *));
            if (!names) { fail_oom(); goto fail; }
            s->names[2 * k + set] = names;
            cJSON_ArrayForEach(v, vals) names[i++] = cJSON_IsString(v) ? v->valuestring : "";
            s->cols[set][k] = (bcml_slice_column){nm->valuestring, values + (size_t)k * (set ? nte : ntr), nv, names};
        }
        k++;
    }
    s->c.num_slice_columns = k;
    s->c.train_slices = s->cols[0];
    s->c.test_slices = s->cols[1];
    for (int set = 0; set < 2; set++) { /* "metadata_train" / "metadata_test": one string per instance */
        const char *key = set ? "metadata_test" : "metadata_train";
        const cJSON *md = cJSON_GetObjectItemCaseSensitive(s->opts, key), *v;
        int n = set ? nte : ntr, i = 0;
        if (!md) continue;
        if (!cJSON_IsArray(md) || cJSON_GetArraySize(md) != n) { bcml__fail(&last, BCML_EINVAL, "\"%s\" must hold %d strings", key, n); goto fail; }
        const char **m = malloc((size_t)(n ? n : 1) * sizeof(char *));
        if (!m) { fail_oom(); goto fail; }
        s->metadata[set] = m;
        cJSON_ArrayForEach(v, md) m[i++] = cJSON_IsString(v) ? v->valuestring : "";
    }
    s->c.train_metadata = s->metadata[0];
    s->c.test_metadata = s->metadata[1];
    return s;
fail:
    bw_sweep_free(s);
    return NULL;
}

EXPORT int bw_sweep_num_lambdas(const sweep *s) { return s->c.num_lambdas; }
EXPORT double bw_sweep_lambda(const sweep *s, int j) { return s->c.lambdas[j]; }

/* h1's outputs [n, C] on each set (borrowed, outliving the sweep); a training at lambda_c 0 may start before. */
EXPORT void bw_sweep_set_h1(sweep *s, const float *h1tr, const float *h1te) {
    s->c.h1_train = h1tr;
    s->c.h1_test = h1te;
}

/* One training of the sweep; the model is the caller's (bw_model_free). NULL on error. */
EXPORT bcml_model *bw_sweep_train_model(sweep *s, int j, int family) {
    bcml_model *m = NULL;
    s->j = j;
    s->family = family;
    if (!s->rows) { /* at the first training */
        if (bcml_train_rows_prepare(&s->c.train, &s->rows, &last)) return NULL;
        s->c.train_rows = s->rows;
    }
    bcml_sweep_train_model(&s->c, j, family, &m, &last);
    return m;
}

/* A trained model's evaluation records (allocated) and bytes: evals[8] on the training and the test set, then
 * (family 0 of a twin point) family 1's, else NULL; then the summary rows of those four. */
EXPORT int bw_sweep_evaluate(sweep *s, int j, int family, bcml_model *m, char **evals, unsigned char **model,
                             int *model_len) {
    bcml_sweep_result r;
    int st = bcml_sweep_evaluate(&s->c, j, family, m, &r, &last);
    if (st) return st;
    size_t len = 0;
    st = bcml_model_save(m, model, &len, &last);
    *model_len = (int)len;
    for (int t = 0; t < 2; t++) { /* the records, then their summary rows (what the main thread reads at once) */
        evals[t] = r.evaluation[t];
        evals[2 + t] = r.twin_evaluation[t];
        evals[4 + t] = r.summary_row[t];
        evals[6 + t] = r.twin_summary_row[t];
        r.evaluation[t] = r.twin_evaluation[t] = r.summary_row[t] = r.twin_summary_row[t] = NULL;
    }
    bcml_sweep_result_free(&r);
    return st;
}

EXPORT int bw_sweep_twin(sweep *s, int j) { return bcml_sweep_twin(&s->c, j); }

/* The summary from a JSON array of evaluation records (from the workers, or a saved folder's files). */
EXPORT char *bw_sweep_summary(const char *evaluations, int expected_points, const char *constraint) {
    cJSON *arr = parse(evaluations, "evaluations");
    if (!arr) return NULL;
    char *json = NULL;
    int n = cJSON_GetArraySize(arr), k = 0;
    char **texts = calloc((size_t)(n ? n : 1), sizeof(char *));
    const cJSON *it;
    if (!cJSON_IsArray(arr)) bcml__fail(&last, BCML_EINVAL, "evaluations must be a JSON array of records");
    else if (!texts) fail_oom();
    else {
        cJSON_ArrayForEach(it, arr) texts[k++] = bcml__json_print((cJSON *)it);
        bcml_sweep_summary((const char *const *)texts, n, expected_points, constraint && *constraint ? constraint : NULL,
                           &json, &last);
    }
    for (int i = 0; texts && i < n; i++) free(texts[i]);
    free(texts);
    cJSON_Delete(arr);
    return json;
}

EXPORT int bw_lambda_grid(double start, double stop, double step, double **out, int *n) {
    return bcml_lambda_grid(start, stop, step, out, n, &last);
}

/* ---------------------------------------------------------------- files and images */

/* format: "npy", "npz" (member) or "idx". shape: [8] doubles. */
EXPORT float *bw_read_array(const char *format, const unsigned char *bytes, int len, const char *member, const char *what,
                            int *ndim, double *shape, int *integer) {
    bcml_array a;
    int s = strcmp(format, "npz") == 0 ? bcml_npz_read(bytes, (size_t)len, member ? member : "x", what, &a, &last)
            : strcmp(format, "idx") == 0 ? bcml_idx_read(bytes, (size_t)len, what, &a, &last)
                                        : bcml_npy_read(bytes, (size_t)len, what, &a, &last);
    if (s) return NULL;
    *ndim = a.ndim;
    for (int i = 0; i < 8; i++) shape[i] = (double)a.shape[i];
    *integer = a.integer;
    return a.data;
}

/* CSV cells as JSON ({"header", "rows"}), for raw columns. */
EXPORT char *bw_csv_cells(const char *text, int len, const char *delimiter, const char *what) {
    char *json = NULL;
    bcml_csv_cells_json(text, (size_t)len, delimiter && *delimiter ? *delimiter : ',', what, &json, &last);
    return json;
}

/* A CSV dataset (see bcml_csv_read): opts {"label", "id", "slices", "ignore", "delimiter"}; encoding: the
 * training split's JSON, or NULL to learn it. Fills x [n, dim], y [n], ids [n] (or 0) and slice values
 * [slices * n] (or 0); returns {"n", "dim", "num_classes", "class_names", "feature_names", "encoding",
 * "slices": [{"name", "names"}]}. */
EXPORT char *bw_csv_table(const char *text, int len, const char *opts, const char *encoding, float **x, int32_t **y,
                          double **ids, int32_t **slices) {
    cJSON *j = parse(opts, "CSV options"), *meta = NULL;
    bcml_encoder *enc = NULL, *learnt = NULL;
    bcml_table t;
    memset(&t, 0, sizeof t);
    char *json = NULL, *enc_json = NULL;
    const char *names[64];
    bcml_csv_options o;
    memset(&o, 0, sizeof o);
    *x = NULL; *y = NULL; *ids = NULL; *slices = NULL;
    if (!j) return NULL;
    const cJSON *label = cJSON_GetObjectItemCaseSensitive(j, "label"), *id = cJSON_GetObjectItemCaseSensitive(j, "id");
    const cJSON *delim = cJSON_GetObjectItemCaseSensitive(j, "delimiter"), *it;
    const cJSON *what = cJSON_GetObjectItemCaseSensitive(j, "name");
    o.label = cJSON_IsString(label) ? label->valuestring : NULL;
    o.id = cJSON_IsString(id) ? id->valuestring : NULL;
    o.delimiter = cJSON_IsString(delim) && *delim->valuestring ? delim->valuestring[0] : ',';
    const char *ign[64];
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(j, "slices")) if (cJSON_IsString(it) && o.num_slices < 64) names[o.num_slices++] = it->valuestring;
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(j, "ignore")) if (cJSON_IsString(it) && o.num_ignore < 64) ign[o.num_ignore++] = it->valuestring;
    o.slices = names;
    o.ignore = ign;
    if (encoding && bcml_encoder_from_json(encoding, &enc, &last)) goto done;
    if (bcml_csv_read(text, (size_t)len, cJSON_IsString(what) ? what->valuestring : "CSV", &o, enc, &t, enc ? NULL : &learnt, &last)) goto done;
    if (bcml_encoder_to_json(enc ? enc : learnt, &enc_json, &last)) goto done;
    meta = cJSON_CreateObject();
    bcml__json_add_number(meta, "n", (double)t.n);
    bcml__json_add_number(meta, "dim", (double)t.dim);
    bcml__json_add_number(meta, "num_classes", t.num_classes);
    cJSON *cn = cJSON_AddArrayToObject(meta, "class_names"), *fn = cJSON_AddArrayToObject(meta, "feature_names");
    for (int k = 0; k < t.num_classes; k++) cJSON_AddItemToArray(cn, cJSON_CreateString(t.class_names[k]));
    for (int64_t k = 0; k < t.dim; k++) cJSON_AddItemToArray(fn, cJSON_CreateString(t.feature_names[k] ? t.feature_names[k] : ""));
    cJSON_AddItemToObject(meta, "encoding", cJSON_Parse(enc_json));
    cJSON *sl = cJSON_AddArrayToObject(meta, "slices");
    if (t.num_slices && !(*slices = malloc((size_t)t.num_slices * (size_t)(t.n ? t.n : 1) * sizeof(int32_t)))) { fail_oom(); goto done; }
    for (int k = 0; k < t.num_slices; k++) {
        cJSON *c = cJSON_CreateObject(), *nm = cJSON_AddArrayToObject(c, "names");
        cJSON_AddStringToObject(c, "name", t.slices[k].name);
        for (int v = 0; v < t.slices[k].num_values; v++) cJSON_AddItemToArray(nm, cJSON_CreateString(t.slices[k].names[v]));
        cJSON_AddItemToArray(sl, c);
        memcpy(*slices + (size_t)k * t.n, t.slices[k].value, (size_t)t.n * sizeof(int32_t));
    }
    if (t.ids) {
        if (!(*ids = malloc((size_t)t.n * sizeof(double)))) { fail_oom(); goto done; }
        for (int64_t i = 0; i < t.n; i++) (*ids)[i] = (double)t.ids[i];
    }
    json = bcml__json_print(meta);
    *x = t.x; *y = t.y;
    t.x = NULL; t.y = NULL;
done:
    if (!json) { free(*ids); free(*slices); *ids = NULL; *slices = NULL; }
    free(enc_json);
    cJSON_Delete(meta);
    cJSON_Delete(j);
    bcml_encoder_free(enc);
    bcml_encoder_free(learnt);
    bcml_table_free(&t);
    return json;
}

EXPORT int bw_png(const float *px, int channels, int h, int w, int scale, float lo, float hi, unsigned char **png,
                  int *len) {
    size_t l = 0;
    int s = bcml_png_thumbnail(px, channels, h, w, scale, lo, hi, png, &l, &last);
    *len = (int)l;
    return s;
}

/* C[M,N] = op(A) @ op(B) (A stored [K,M] when ta, B [N,K] when tb), for the benchmark. */
EXPORT void bw_gemm(int ta, int tb, int M, int N, int K, const float *A, const float *B, float *C) {
    bcml_gemm(ta, tb, M, N, K, A, ta ? M : K, B, tb ? K : N, C, N, 0);
}
/* A square-image convolution's GEMM read in place (the benchmark's): forward, or (dw) the weight gradient. */
EXPORT void bw_conv_gemm(int dw, int batch, int OC, int C, int H, int K, const float *a, const float *images, float *out) {
    if (dw) bcml_conv_gemm_dw(batch, OC, C, H, H, K, a, images, out);
    else if (bcml_conv_in_place(H - K + 1, C * K * K)) bcml_conv_gemm(batch, OC, C, H, H, K, a, images, out);
}
