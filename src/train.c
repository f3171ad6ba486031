/* train.c - mini-batch training of h2, optionally against h1's cached outputs with a compatibility loss.
 *
 * Per epoch: shuffle (seeded), then per batch: gather -> forward (h2 runs once) -> loss and dloss/dlogits
 * -> backward -> optimizer step. h1 never runs here: its outputs were computed once by the caller.
 */
#include "model.h"
#include "optim.h"
#include "kernels.h"

#include <math.h>
#include <string.h>

/* shuffled rows are scattered over a data set larger than the caches: fetching a few rows ahead hides the misses */
enum { PREFETCH_AHEAD = 8, TOUCH_BLOCK = 16 };
#if defined(__GNUC__) && !defined(__wasm__)
#define BCML_PREFETCH 1
#else
#define BCML_PREFETCH 0
#endif
static inline void prefetch_row(const float *p, size_t n) {
#if BCML_PREFETCH
    for (size_t k = 0; k < n; k += 16) __builtin_prefetch(p + k, 0, 2); /* to L2: each row is used once an epoch */
#else
    (void)p; (void)n;
#endif
}

void bcml_train_opts_init(bcml_train_opts *o) {
    memset(o, 0, sizeof *o);
    o->epochs = 1;
    o->batch_size = 64;
    o->shuffle = 1;
    bcml_optimizer_opts_init(&o->optimizer, BCML_OPT_SGD);
    bcml_loss_opts_init(&o->loss, BCML_LOSS_CROSS_ENTROPY);
}

static bcml_status check_data(const bcml_model *m, const bcml_dataset *d, const bcml_train_opts *o, bcml_error *err) {
    int out = bcml_model_output_size(m), binary = bcml_loss_is_binary(o->loss.kind);
    const char *lname = bcml_loss_name(o->loss.kind);
    if (!d || d->n < 1 || !d->x || !d->y) return bcml__fail(err, BCML_EINVAL, "train: the training set is empty");
    if (d->n > INT32_MAX) return bcml__fail(err, BCML_EINVAL, "train: more than 2^31 instances");
    if (d->dim != bcml_model_input_size(m))
        return bcml__fail(err, BCML_EINVAL, "train: the data has %lld features per instance, the model expects %lld",
                          (long long)d->dim, (long long)bcml_model_input_size(m));
    if (o->epochs < 0 || o->epochs > 1000000) return bcml__fail(err, BCML_EINVAL, "train: epochs must be 0 to 1000000");
    if (o->batch_size < 1 || o->batch_size > 1 << 20)
        return bcml__fail(err, BCML_EINVAL, "train: batch_size must be 1 to 1048576, got %d", o->batch_size);
    if (binary && out != 1)
        return bcml__fail(err, BCML_EINVAL, "train: loss %s needs a binary model with one output (classes 1), the "
                          "model has %d", lname, out);
    if (!binary && out < 2)
        return bcml__fail(err, BCML_EINVAL, "train: loss %s needs a model with one output per class; this model has "
                          "one output (use a binary loss: bce, new-error-bce, strict-imitation-bce)", lname);
    for (int64_t i = 0; i < d->n; i++)
        if (d->y[i] < 0 || d->y[i] >= (binary ? 2 : out))
            return bcml__fail(err, BCML_EINVAL, "train: label %d of instance %lld is out of range 0..%d", d->y[i],
                              (long long)i, binary ? 1 : out - 1);
    if (bcml_loss_needs_h1(&o->loss) && !o->h1_outputs)
        return bcml__fail(err, BCML_EINVAL, "train: loss %s needs h1's outputs on the training set", lname);
    return BCML_OK;
}

/* Rows that are mostly zeros (one-hot encodings) are gathered from a copy holding only each row's entries that are
 * not +0, k per row (padded with a +0 entry in a column the row leaves at zero): shuffled batches then fetch a cache
 * line or two a row instead of the whole row, and the batch is the same bits. With at most 256 columns and 65536
 * distinct values, an entry is 3 bytes, its column and its value's place in a palette, not 8: a set like Adult's
 * (32561 rows of 12 entries, 1.2 MB) then stays in a core's own cache, where a scattered read costs a fraction of one
 * from the cache both cores share. Worth it while the k entries take at most half a row. Indices in these loops are
 * size_t: 32-bit in wasm, where 64-bit index arithmetic costs V8 dearly. */
typedef struct { uint32_t col; float v; } wide_entry;
typedef struct { uint8_t lo, hi, col; } packed_entry; /* lo | hi << 8: the value's index in the palette */
enum { PACKED_COLS = 256, PACKED_MAX = 65536, PALETTE_SLOTS = 2 * PACKED_MAX };

/* One pass over the features: every one finite, and the most entries that are not +0 in a row (*k). */
static BCML_NOINLINE bcml_status scan_rows(const bcml_dataset *d, size_t *k, bcml_error *err) {
    size_t n = (size_t)d->n, dim = (size_t)d->dim;
    *k = 0;
    for (size_t r = 0; r < n; r++) {
        const float *x = d->x + r * dim;
        size_t nz = 0;
        uint32_t special = 0; /* any exponent all ones: NaN or infinite */
        for (size_t j = 0; j < dim; j++) {
            uint32_t bits;
            memcpy(&bits, x + j, 4);
            nz += bits != 0;
            special |= (bits & 0x7f800000u) == 0x7f800000u;
        }
        for (size_t j = 0; special && j < dim; j++)
            if (!isfinite(x[j]))
                return bcml__fail(err, BCML_EINVAL, "train: feature %zu of instance %zu is %s", j, r, x[j] != x[j] ? "NaN" : "infinite");
        if (nz > *k) *k = nz;
    }
    return BCML_OK;
}

/* [n, k] wide entries of the rows (see wide_entry), or NULL when out of memory. */
static BCML_NOINLINE wide_entry *wide_copy(const bcml_dataset *d, size_t k) {
    size_t n = (size_t)d->n, dim = (size_t)d->dim;
    wide_entry *e = bcml__alloc_large(n * k + 1, sizeof *e); /* + 1: the last row's spare write */
    for (size_t r = 0; e && r < n; r++) {
        const float *x = d->x + r * dim;
        wide_entry *row = e + r * k;
        size_t m = 0, zero = dim;
        for (size_t j = 0; j < dim; j++) { /* every entry written, kept by advancing: no branch to mispredict */
            uint32_t bits;
            memcpy(&bits, x + j, 4);
            row[m] = (wide_entry){(uint32_t)j, x[j]};
            m += bits != 0;
            zero = bits || zero < j ? zero : j;
        }
        while (m < k) row[m++] = (wide_entry){(uint32_t)zero, 0.0f};
    }
    return e;
}

/* [n, k] packed entries of the rows and their palette (palette[0] = +0, the padding), or NULL with *palette NULL when
 * the columns or values are too many to number (see packed_entry), or memory ran out (*oom set). */
static BCML_NOINLINE packed_entry *packed_copy(const bcml_dataset *d, size_t k, float **palette, int *oom) {
    size_t n = (size_t)d->n, dim = (size_t)d->dim, count = 1;
    *palette = NULL;
    *oom = 0;
    if (dim > PACKED_COLS) return NULL;
    uint32_t *keys = bcml__calloc(PALETTE_SLOTS, sizeof *keys); /* a value's bits, or 0 (+0, never looked up): empty */
    uint16_t *at = bcml__alloc(PALETTE_SLOTS, sizeof *at);
    float *pal = bcml__alloc(PACKED_MAX, sizeof *pal);
    packed_entry *e = bcml__alloc_large(n * k + 1, sizeof *e);
    if (!keys || !at || !pal || !e) { *oom = 1; goto fail; }
    pal[0] = 0.0f;
    for (size_t r = 0; r < n; r++) {
        const float *x = d->x + r * dim;
        packed_entry *row = e + r * k;
        size_t m = 0, zero = 0;
        for (size_t j = 0; j < dim; j++) {
            uint32_t bits;
            memcpy(&bits, x + j, 4);
            if (!bits) {
                zero = j; /* a column the row leaves at zero, for the padding */
                continue;
            }
            size_t slot = (bits * 0x9E3779B1u) >> 15; /* 17 bits: twice the most values, so probes stay short */
            while (keys[slot] && keys[slot] != bits) slot = (slot + 1) & (PALETTE_SLOTS - 1);
            if (!keys[slot]) {
                if (count == PACKED_MAX) goto fail; /* too many values: the caller keeps them whole */
                keys[slot] = bits;
                at[slot] = (uint16_t)count;
                pal[count++] = x[j];
            }
            row[m++] = (packed_entry){(uint8_t)at[slot], (uint8_t)(at[slot] >> 8), (uint8_t)j};
        }
        while (m < k) row[m++] = (packed_entry){0, 0, (uint8_t)zero};
    }
    free(keys);
    free(at);
    float *fit = bcml__realloc(pal, count, sizeof *pal); /* the values found, not the most there could be */
    *palette = fit ? fit : pal;
    return e;
fail:
    free(keys); free(at); free(pal); free(e);
    return NULL;
}

struct bcml_train_rows {
    const float *x;
    int64_t n, dim;
    size_t k;               /* entries per row of the compact copy */
    packed_entry *packed;   /* [n, k] with palette, or NULL */
    float *palette;
    wide_entry *wide;       /* [n, k], or NULL; both NULL: the rows are read dense */
};

static void free_rows(bcml_train_rows *r) {
    free(r->packed);
    free(r->palette);
    free(r->wide);
}

/* Checks the features and makes the compact copy when it pays (r->x, n, dim set). */
static bcml_status prepare_rows(const bcml_dataset *d, bcml_train_rows *r, bcml_error *err) {
    *r = (bcml_train_rows){d->x, d->n, d->dim, 0, NULL, NULL, NULL};
    bcml_status s = scan_rows(d, &r->k, err);
    if (s) return s;
    int oom = 0;
    if (r->k * sizeof(packed_entry) * 2 <= (size_t)d->dim * sizeof(float))
        r->packed = packed_copy(d, r->k, &r->palette, &oom);
    if (!r->packed && !oom && r->k * sizeof(wide_entry) * 2 <= (size_t)d->dim * sizeof(float))
        oom = !(r->wide = wide_copy(d, r->k));
    if (oom) return bcml__fail(err, BCML_ENOMEM, "train: out of memory for a compact copy of %lld instances", (long long)d->n);
    return BCML_OK;
}

char bcml__train_rows_layout(const bcml_train_rows *r) { return r->packed ? 'p' : r->wide ? 'w' : 'd'; }

bcml_status bcml_train_rows_prepare(const bcml_dataset *d, bcml_train_rows **out, bcml_error *err) {
    *out = NULL;
    if (!d || d->n < 1 || !d->x || d->dim < 1) return bcml__fail(err, BCML_EINVAL, "train: the training set is empty or has no features");
    bcml_train_rows *r = bcml__alloc(1, sizeof *r);
    if (!r) return bcml__fail(err, BCML_ENOMEM, "train: out of memory");
    bcml_status s = prepare_rows(d, r, err);
    if (s) { free(r); return s; }
    *out = r;
    return BCML_OK;
}

void bcml_train_rows_free(bcml_train_rows *r) {
    if (!r) return;
    free_rows(r);
    free(r);
}

/* Where a batch's rows come from: the dense rows, or their compact copy; labels; h1's outputs (or NULL). */
typedef struct {
    const float *x;
    const int32_t *y;
    const float *h1;
    size_t dim, out;
    const packed_entry *packed; /* [n, k] or NULL */
    const float *palette;
    const wide_entry *wide;     /* [n, k] or NULL */
    size_t k;
    uint32_t *cols;             /* [batch, k]: the columns each batch row holds from the compact copy, zero elsewhere */
    volatile float *sink;       /* where reads made only to fetch memory early are summed (volatile: kept) */
} row_source;

/* xb[i], yb[i], h1b[i] = row rows[i] of the source, for i < B; each row's memory is fetched a few rows ahead.
 * From a compact copy, a batch row is cleared only where its previous row had entries (the model never writes
 * its input), not wholesale. */
static BCML_NOINLINE void gather(const row_source *s, const int32_t *rows, int B, float *xb, int32_t *yb, float *h1b) {
    const size_t dim = s->dim, k = s->k, out = s->out;
    const packed_entry *packed = s->packed;
    const wide_entry *wide = s->wide;
    for (int i = 0; i < B; i++) {
        size_t r = (size_t)rows[i];
#if !BCML_PREFETCH
        if (i % TOUCH_BLOCK == 0) { /* no prefetch here: the next rows are read in one short loop, so their misses overlap */
            float sum = 0.0f;
            for (int t = i; t < B && t < i + TOUCH_BLOCK; t++) {
                size_t q = (size_t)rows[t];
                if (packed) sum += k ? (float)(packed[q * k].lo + packed[q * k + k - 1].col) : 0.0f;
                else if (wide) sum += k ? wide[q * k].v + wide[q * k + k - 1].v : 0.0f;
                else for (size_t w = 0; w < dim; w += 16) sum += s->x[q * dim + w];
                sum += (float)s->y[q] + (h1b ? s->h1[q * out] : 0.0f);
            }
            *s->sink = sum;
        }
#endif
        if (i + PREFETCH_AHEAD < B) {
            size_t q = (size_t)rows[i + PREFETCH_AHEAD];
            if (packed) prefetch_row((const float *)(packed + q * k), (3 * k + 3) / 4);
            else if (wide) prefetch_row((const float *)(wide + q * k), 2 * k);
            else prefetch_row(s->x + q * dim, dim);
            prefetch_row((const float *)(s->y + q), 1);
            if (h1b) prefetch_row(s->h1 + q * out, out);
        }
        float *row = xb + (size_t)i * dim;
        if (packed) {
            const packed_entry *e = packed + r * k;
            uint32_t *cols = s->cols + (size_t)i * k;
            for (size_t j = 0; j < k; j++) row[cols[j]] = 0.0f;
            for (size_t j = 0; j < k; j++) row[e[j].col] = s->palette[e[j].lo | e[j].hi << 8], cols[j] = e[j].col;
        } else if (wide) {
            const wide_entry *e = wide + r * k;
            uint32_t *cols = s->cols + (size_t)i * k;
            for (size_t j = 0; j < k; j++) row[cols[j]] = 0.0f;
            for (size_t j = 0; j < k; j++) row[e[j].col] = e[j].v, cols[j] = e[j].col;
        } else {
            bcml_copy_floats(row, s->x + r * dim, dim);
        }
        yb[i] = s->y[r];
        if (h1b) bcml_copy_floats(h1b + (size_t)i * out, s->h1 + r * out, out);
    }
}

/* Fisher-Yates over perm[n] */
static BCML_NOINLINE void shuffle(int32_t *perm, int64_t n, bcml_rng *rng) {
    for (int64_t i = n - 1; i > 0; i--) {
        int64_t j = bcml_rng_below(rng, (uint32_t)(i + 1));
        int32_t t = perm[i]; perm[i] = perm[j]; perm[j] = t;
    }
}

static BCML_NOINLINE int all_finite(const float *v, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i])) return 0;
    return 1;
}

bcml_status bcml_train(bcml_model *m, const bcml_dataset *d, const bcml_train_opts *o, double *epoch_loss,
                       int *epochs_done, bcml_error *err) {
    if (epochs_done) *epochs_done = 0;
    if (!m || !o) return bcml__fail(err, BCML_EINVAL, "train: model and options are required");
    bcml_status s = check_data(m, d, o, err);
    if (s) return s;
    int64_t n = d->n, dim = d->dim;
    int out = bcml_model_output_size(m), uses_h1 = bcml_loss_uses_h1(o->loss.kind) && o->h1_outputs;
    int bs = o->batch_size < n ? o->batch_size : (int)n;
    bcml_loss_opts lo = o->loss;
    lo.binary_logits = 1; /* the model gives logits; binary losses are computed stably from them */

    float *h1 = NULL, *xb = NULL, *h1b = NULL, *grad = NULL;
    int32_t *yb = NULL, *perm = NULL;
    bcml_optimizer opt;
    memset(&opt, 0, sizeof opt);
    row_source src = {d->x, d->y, NULL, (size_t)dim, (size_t)out, NULL, NULL, NULL, 0, NULL, NULL};
    volatile float sink = 0.0f;
    src.sink = &sink;
    bcml_train_rows own = {0};
    const bcml_train_rows *rows = o->rows;
    if (!rows && (s = prepare_rows(d, &own, err))) return s;
    if (!rows) rows = &own;
    else if (rows->x != d->x || rows->n != n || rows->dim != dim)
        return bcml__fail(err, BCML_EINVAL, "train: the prepared rows (options' rows) are of another training set");
    src.k = rows->k;
    src.packed = rows->packed;
    src.palette = rows->palette;
    src.wide = rows->wide;
    if ((src.packed || src.wide) && !(src.cols = bcml__calloc((size_t)bs * src.k + 1, sizeof(uint32_t)))) goto oom;
    if (uses_h1) {
        if (!(h1 = bcml__alloc((size_t)n * out, sizeof(float)))) goto oom;
        memcpy(h1, o->h1_outputs, (size_t)n * out * sizeof(float));
        if (o->h1_probabilities && (s = bcml_probabilities_to_logits(n, out, h1, err))) goto done;
        for (int64_t i = 0; i < n * out; i++)
            if (!isfinite(h1[i])) {
                s = bcml__fail(err, BCML_EINVAL, "train: h1 output %lld of instance %lld is not finite",
                               (long long)(i % out), (long long)(i / out));
                goto done;
            }
        if (!(h1b = bcml__alloc((size_t)bs * out, sizeof(float)))) goto oom;
        src.h1 = h1;
    }
    if (!(xb = bcml__calloc((size_t)bs * dim, sizeof(float))) || !(yb = bcml__alloc((size_t)bs, sizeof(int32_t))) ||
        !(grad = bcml__alloc((size_t)bs * out, sizeof(float))) || !(perm = bcml__alloc((size_t)n, sizeof(int32_t))))
        goto oom;
    if ((s = bcml__model_reserve(m, bs, err))) goto done;
    if ((s = bcml__optimizer_init(&opt, &o->optimizer, bcml_model_param_count(m), err))) goto done;

    bcml_rng rng;
    bcml_rng_seed(&rng, o->seed, BCML_STREAM_SHUFFLE);
    bcml__model_seed_dropout(m, o->seed);
    for (int64_t i = 0; i < n; i++) perm[i] = (int32_t)i;
    int batches = (int)((n + bs - 1) / bs);
    float *params = bcml_model_params(m), *grads = bcml__model_grads(m);
    size_t np = (size_t)bcml_model_param_count(m);

    for (int e = 0; e < o->epochs; e++) {
        if (o->shuffle) shuffle(perm, n, &rng);
        double sum = 0.0;
        for (int b = 0; b < batches; b++) {
            if (o->cancel && *o->cancel) {
                s = bcml__fail(err, BCML_ECANCELLED, "train: cancelled at epoch %d, batch %d", e + 1, b + 1);
                goto done;
            }
            int64_t start = (int64_t)b * bs;
            int B = (int)(n - start < bs ? n - start : bs);
            gather(&src, perm + start, B, xb, yb, h1b);
            const float *logits = bcml__model_forward(m, xb, B, 1);
            if (!all_finite(logits, (size_t)B * out)) {
                s = bcml__fail(err, BCML_EINVAL, "train: the model's outputs became non-finite at epoch %d, batch %d "
                               "(training diverged; try a smaller learning rate)", e + 1, b + 1);
                goto done;
            }
            double value;
            if ((s = bcml_loss(&lo, B, out, h1b, logits, yb, &value, grad, err))) goto done;
            if (!isfinite(value)) {
                s = bcml__fail(err, BCML_EINVAL, "train: the loss became %s at epoch %d, batch %d (training diverged; "
                               "try a smaller learning rate)", value != value ? "NaN" : "infinite", e + 1, b + 1);
                goto done;
            }
            memset(grads, 0, np * sizeof(float));
            bcml__model_backward(m, xb, grad, B);
            bcml__optimizer_step(&opt, params, grads);
            sum += value;
            if (o->progress) {
                bcml_train_progress p = {e + 1, o->epochs, b + 1, batches, value};
                if (o->progress(o->user, &p)) {
                    if (b + 1 == batches) { /* the epoch is complete: keep its loss */
                        if (epoch_loss) epoch_loss[e] = sum / batches;
                        if (epochs_done) *epochs_done = e + 1;
                    }
                    s = bcml__fail(err, BCML_ECANCELLED, "train: cancelled at epoch %d, batch %d", e + 1, b + 1);
                    goto done;
                }
            }
        }
        if (epoch_loss) epoch_loss[e] = sum / batches;
        if (epochs_done) *epochs_done = e + 1;
    }
    for (int64_t i = 0; i < (int64_t)np; i++)
        if (!isfinite(params[i])) {
            s = bcml__fail(err, BCML_EINVAL, "train: weights became non-finite (training diverged; try a smaller "
                           "learning rate)");
            goto done;
        }
    s = BCML_OK;
    goto done;
oom:
    s = bcml__fail(err, BCML_ENOMEM, "train: out of memory (batch %d, %lld instances)", bs, (long long)n);
done:
    bcml__optimizer_free(&opt);
    free(h1);
    free(xb);
    free(h1b);
    free(grad);
    free(yb);
    free(perm);
    free_rows(&own);
    free(src.cols);
    return s;
}
