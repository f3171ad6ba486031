/* losses.c - the compatibility losses: base(h2) + lambda_c * dissonance(h1, h2) on h1's support.
 *
 * Support S = the instances h1 gets right. Normalisations follow the original library at its last
 * revision (see docs/losses.md): NE-NLL and SI-NLL 1/B, NE-CE and SI-CE 1/|S|, NE-KL and SI-KL 1/(|S|C),
 * NE-BCE 1/|S|, SI-BCE a sum; an empty support gives exactly the base loss. Deliberate fixes: SI-KL is a
 * real KL(p1 || p2), and both binary losses honour the pivot. Focal distillation (positive-congruent
 * training) is CE + lambda_c * mean_i (alpha + beta [i in S]) T^2 KL(softmax(z1/T) || softmax(z2/T)).
 */
#include "internal.h"
#include "fmath.h"
#include "kernels.h"

#include <math.h>
#include <string.h>

static const char *const loss_names[BCML_LOSS_COUNT] = {
    "cross-entropy", "bce",
    "new-error-nll", "new-error-cross-entropy", "new-error-bce", "new-error-kl",
    "strict-imitation-nll", "strict-imitation-cross-entropy", "strict-imitation-bce", "strict-imitation-kl",
    "focal-distillation"};

const char *bcml_loss_name(bcml_loss_kind kind) {
    return (unsigned)kind < BCML_LOSS_COUNT ? loss_names[kind] : "unknown";
}

bcml_status bcml_loss_from_name(const char *name, bcml_loss_kind *kind, bcml_error *err) {
    for (int k = 0; k < BCML_LOSS_COUNT; k++)
        if (name && strcmp(name, loss_names[k]) == 0) { *kind = (bcml_loss_kind)k; return BCML_OK; }
    return bcml__fail(err, BCML_EINVAL, "unknown loss \"%s\" (known: new-error-{nll,cross-entropy,bce,kl}, "
                      "strict-imitation-{nll,cross-entropy,bce,kl}, focal-distillation, cross-entropy, bce)",
                      name ? name : "(null)");
}

int bcml_loss_is_binary(bcml_loss_kind k) {
    return k == BCML_LOSS_BCE || k == BCML_LOSS_NEW_ERROR_BCE || k == BCML_LOSS_STRICT_IMITATION_BCE;
}

int bcml_loss_uses_h1(bcml_loss_kind k) { return k != BCML_LOSS_CROSS_ENTROPY && k != BCML_LOSS_BCE; }
int bcml_loss_needs_h1(const bcml_loss_opts *o) { return bcml_loss_uses_h1(o->kind) && o->lambda_c != 0; }

static int is_kl(bcml_loss_kind k) { return k == BCML_LOSS_NEW_ERROR_KL || k == BCML_LOSS_STRICT_IMITATION_KL; }

void bcml_loss_opts_init(bcml_loss_opts *o, bcml_loss_kind kind) {
    memset(o, 0, sizeof *o);
    o->kind = kind;
    o->lambda_c = 1.0;
    o->pivot = 0.5;
    o->alpha = 1.0;
    o->beta = 5.0;
    o->temperature = 100.0;
    o->reduction = BCML_REDUCTION_DEFAULT;
}

/* ---------------------------------------------------------------- binary cross-entropy pieces */

/* -(t log p + (1-t) log(1-p)) with PyTorch's clamp of each log at -100 */
static double bce_prob(float p, float t) {
    double lp = p > 0 ? bcml_logf(p) : -100.0, l1p = p < 1 ? bcml_logf(1.0f - p) : -100.0;
    if (lp < -100) lp = -100;
    if (l1p < -100) l1p = -100;
    return -(t * lp + (1.0 - t) * l1p);
}
/* d/dp of bce_prob, PyTorch's form: (p - t) / max(p (1 - p), 1e-12) */
static float bce_prob_grad(float p, float t) {
    float den = p * (1.0f - p);
    return (p - t) / (den > 1e-12f ? den : 1e-12f);
}
/* the same loss from a logit: t softplus(-z) + (1-t) softplus(z); d/dz = sigmoid(z) - t */
static double bce_logit(float z, float t) { return t * bcml_softplusf(-z) + (1.0 - t) * bcml_softplusf(z); }

/* ---------------------------------------------------------------- validation */

static bcml_status check_finite(const float *a, int64_t count, int c, const char *what, bcml_error *err) {
    for (size_t i = 0; i < (size_t)count; i++)
        if (!isfinite(a[i]))
            return bcml__fail(err, BCML_EINVAL, "%s[%lld][%lld] is %s", what, (long long)(i / c), (long long)(i % c),
                              a[i] != a[i] ? "NaN" : "infinite");
    return BCML_OK;
}

static bcml_status check_args(const bcml_loss_opts *o, int n, int c, const float *h1, const float *h2,
                              const int32_t *y, bcml_error *err) {
    if (!o) return bcml__fail(err, BCML_EINVAL, "loss: options are NULL");
    const char *name = bcml_loss_name(o->kind);
    if ((unsigned)o->kind >= BCML_LOSS_COUNT) return bcml__fail(err, BCML_EINVAL, "loss: unknown kind %d", (int)o->kind);
    if (n < 1) return bcml__fail(err, BCML_EINVAL, "loss %s: empty batch", name);
    if (!h2 || !y) return bcml__fail(err, BCML_EINVAL, "loss %s: h2 outputs and labels are required", name);
    if (!(o->lambda_c >= 0) || !isfinite(o->lambda_c))
        return bcml__fail(err, BCML_EINVAL, "loss %s: lambda_c must be a finite number >= 0, got %g", name, o->lambda_c);
    int binary = bcml_loss_is_binary(o->kind);
    if (binary && c != 1)
        return bcml__fail(err, BCML_EINVAL, "loss %s: binary losses take one output per instance (a sigmoid "
                          "probability), got %d", name, c);
    if (!binary && c < 2)
        return bcml__fail(err, BCML_EINVAL, "loss %s: needs at least 2 classes (logits per class), got %d", name, c);
    if (bcml_loss_needs_h1(o) && !h1) return bcml__fail(err, BCML_EINVAL, "loss %s: needs h1's outputs", name);
    if (binary && !(o->pivot > 0 && o->pivot < 1))
        return bcml__fail(err, BCML_EINVAL, "loss %s: pivot must be in (0, 1), got %g", name, o->pivot);
    if (o->kind == BCML_LOSS_FOCAL_DISTILLATION) {
        if (!(o->alpha >= 0) || !isfinite(o->alpha) || !(o->beta >= 0) || !isfinite(o->beta))
            return bcml__fail(err, BCML_EINVAL, "loss %s: alpha and beta must be finite and >= 0", name);
        if (!(o->temperature > 0) || !isfinite(o->temperature))
            return bcml__fail(err, BCML_EINVAL, "loss %s: temperature must be > 0, got %g", name, o->temperature);
    }
    if (o->reduction == BCML_REDUCTION_BATCHMEAN && !is_kl(o->kind))
        return bcml__fail(err, BCML_EINVAL, "loss %s: reduction \"batchmean\" applies to the KL losses only", name);
    if ((unsigned)o->reduction > BCML_REDUCTION_BATCHMEAN)
        return bcml__fail(err, BCML_EINVAL, "loss %s: unknown reduction %d", name, (int)o->reduction);
    for (int i = 0; i < n; i++) {
        if (y[i] < 0 || y[i] >= (binary ? 2 : c))
            return bcml__fail(err, BCML_EINVAL, "loss %s: label y[%d] = %d is out of range 0..%d", name, i, y[i],
                              binary ? 1 : c - 1);
    }
    bcml_status s;
    if ((s = check_finite(h2, (int64_t)n * c, c, "h2", err))) return s;
    if (h1 && bcml_loss_uses_h1(o->kind) && (s = check_finite(h1, (int64_t)n * c, c, "h1", err))) return s;
    if (binary && !o->binary_logits) {
        for (int i = 0; i < n; i++) {
            if (h2[i] < 0 || h2[i] > 1)
                return bcml__fail(err, BCML_EINVAL, "loss %s: h2[%d] = %g is not a probability in [0, 1]", name, i, h2[i]);
            if (h1 && bcml_loss_uses_h1(o->kind) && (h1[i] < 0 || h1[i] > 1))
                return bcml__fail(err, BCML_EINVAL, "loss %s: h1[%d] = %g is not a probability in [0, 1]", name, i, h1[i]);
        }
    }
    return BCML_OK;
}

/* ---------------------------------------------------------------- binary losses */

static BCML_NOINLINE bcml_status loss_binary(const bcml_loss_opts *o, int n, const float *h1, const float *h2,
                                             const int32_t *y, double *value, float *grad) {
    int logits = o->binary_logits;
    int si = o->kind == BCML_LOSS_STRICT_IMITATION_BCE, plain = o->kind == BCML_LOSS_BCE;
    double base_scale = o->reduction == BCML_REDUCTION_SUM ? 1.0 : 1.0 / n;
    int support = 0;
    if (!plain && h1)
        for (int i = 0; i < n; i++) {
            float q1 = logits ? bcml_sigmoidf(h1[i]) : h1[i];
            support += (q1 >= o->pivot) == (y[i] == 1);
        }
    /* NE-BCE: mean over S; SI-BCE: sum over S */
    double diss_scale = si ? 1.0 : (support ? 1.0 / support : 0.0);
    double base = 0.0, diss = 0.0;
    for (int i = 0; i < n; i++) {
        float t = (float)y[i];
        base += logits ? bce_logit(h2[i], t) : bce_prob(h2[i], t);
        float g = (logits ? bcml_sigmoidf(h2[i]) - t : bce_prob_grad(h2[i], t)) * (float)base_scale;
        if (!plain && support && o->lambda_c != 0) { /* at lambda_c 0 the base alone, whatever the family */
            float q1 = logits ? bcml_sigmoidf(h1[i]) : h1[i];
            if ((q1 >= o->pivot) == (y[i] == 1)) {
                float target = si ? q1 : t; /* strict imitation follows h1's soft output */
                diss += logits ? bce_logit(h2[i], target) : bce_prob(h2[i], target);
                float gd = logits ? bcml_sigmoidf(h2[i]) - target : bce_prob_grad(h2[i], target);
                g += (float)(o->lambda_c * diss_scale) * gd;
            }
        }
        if (grad) grad[i] = g;
    }
    *value = base * base_scale + o->lambda_c * diss * diss_scale;
    return BCML_OK;
}

/* ---------------------------------------------------------------- multiclass losses */

static BCML_NOINLINE bcml_status loss_multiclass(const bcml_loss_opts *o, int n, int c, const float *h1,
                                                 const float *h2, const int32_t *y, double *value, float *grad,
                                                 bcml_error *err) {
    bcml_loss_kind k = o->kind;
    int uses_h1 = bcml_loss_uses_h1(k), fd = k == BCML_LOSS_FOCAL_DISTILLATION;
    /* h2's softmax for the whole batch at once (and h1's where its soft outputs are targets), then per row */
    int soft_h1 = k == BCML_LOSS_STRICT_IMITATION_NLL || k == BCML_LOSS_STRICT_IMITATION_KL;
    size_t nc = (size_t)n * c;
    float *buf = bcml__alloc(nc * (soft_h1 ? 4 : 2) + 5 * (size_t)c, sizeof(float));
    unsigned char *in_support = uses_h1 ? bcml__alloc((size_t)n, 1) : NULL;
    if (!buf || (uses_h1 && !in_support)) {
        free(buf);
        return bcml__fail(err, BCML_ENOMEM, "loss: out of memory for %d instances of %d classes", n, c);
    }
    float *P2 = buf, *LP2 = P2 + nc, *P1 = LP2 + nc, *LP1 = P1 + (soft_h1 ? nc : 0);
    float *p1 = LP1 + (soft_h1 ? nc : 0), *lp1 = p1 + c, *q2 = lp1 + c, *lq2 = q2 + c, *zt = lq2 + c;
    bcml_softmax_rows(h2, n, c, P2, LP2);
    if (soft_h1 && h1) bcml_softmax_rows(h1, n, c, P1, LP1);

    int support = 0;
    if (uses_h1 && h1)
        for (int i = 0; i < n; i++) support += in_support[i] = bcml_argmax(h1 + (size_t)i * c, c) == y[i];

    /* base: mean or sum of the NLL; upstream's KL base with reduction "mean" averages over B*C elements */
    double base_scale = 1.0 / n;
    if (o->reduction == BCML_REDUCTION_SUM) base_scale = 1.0;
    else if (o->reduction == BCML_REDUCTION_MEAN && is_kl(k)) base_scale = 1.0 / ((double)n * c);

    double diss_scale = 0.0;
    switch (k) {
    case BCML_LOSS_NEW_ERROR_NLL:
        diss_scale = o->pypi_1_4_2 ? (support ? 1.0 / support : 0.0) : 1.0 / n; break;
    case BCML_LOSS_STRICT_IMITATION_NLL:
        diss_scale = o->pypi_1_4_2 ? 1.0 : 1.0 / n; break;
    case BCML_LOSS_FOCAL_DISTILLATION:
        diss_scale = 1.0 / n; break;
    case BCML_LOSS_NEW_ERROR_CROSS_ENTROPY: case BCML_LOSS_STRICT_IMITATION_CROSS_ENTROPY:
        diss_scale = support ? 1.0 / support : 0.0; break;
    case BCML_LOSS_NEW_ERROR_KL: case BCML_LOSS_STRICT_IMITATION_KL:
        diss_scale = support ? 1.0 / ((double)support * c) : 0.0; break;
    default: break;
    }
    float gscale_d = (float)(o->lambda_c * diss_scale);
    float T = (float)o->temperature;

    double base = 0.0, diss = 0.0;
    for (int i = 0; i < n; i++) {
        const float *z2 = h2 + (size_t)i * c;
        float *g = grad ? grad + (size_t)i * c : NULL;
        const float *p2 = P2 + (size_t)i * c, *lp2 = LP2 + (size_t)i * c;
        base += -(double)lp2[y[i]];
        if (g) {
            for (int j = 0; j < c; j++) g[j] = p2[j] * (float)base_scale;
            g[y[i]] -= (float)base_scale;
        }
        if (!uses_h1 || o->lambda_c == 0) continue; /* at lambda_c 0 the base alone, whatever the family */
        const float *z1 = h1 + (size_t)i * c;
        int in_s = in_support[i];
        if (fd) {
            /* focal distillation: every instance, weighted alpha + beta [h1 correct], softened by T */
            float w = (float)(o->alpha + (in_s ? o->beta : 0.0));
            if (w == 0.0f) continue;
            for (int j = 0; j < c; j++) zt[j] = z2[j] / T;
            bcml_softmax_rows(zt, 1, c, q2, lq2);
            for (int j = 0; j < c; j++) zt[j] = z1[j] / T;
            bcml_softmax_rows(zt, 1, c, p1, lp1);
            double kl = 0.0;
            for (int j = 0; j < c; j++)
                if (p1[j] > 0) kl += (double)p1[j] * ((double)lp1[j] - lq2[j]);
            diss += (double)w * T * T * kl;
            if (g) {
                double s1 = 0.0;
                for (int j = 0; j < c; j++) s1 += p1[j];
                for (int j = 0; j < c; j++) g[j] += gscale_d * w * T * ((float)s1 * q2[j] - p1[j]);
            }
            continue;
        }
        if (!in_s) continue;
        switch (k) {
        case BCML_LOSS_NEW_ERROR_NLL: case BCML_LOSS_NEW_ERROR_CROSS_ENTROPY: case BCML_LOSS_NEW_ERROR_KL:
        case BCML_LOSS_STRICT_IMITATION_CROSS_ENTROPY:
            /* on S, h1's argmax is y, so SI-CE's target equals the new-error target */
            diss += -(double)lp2[y[i]];
            if (g) {
                for (int j = 0; j < c; j++) g[j] += gscale_d * p2[j];
                g[y[i]] -= gscale_d;
            }
            break;
        case BCML_LOSS_STRICT_IMITATION_NLL: case BCML_LOSS_STRICT_IMITATION_KL: {
            /* soft h1 targets: SI-NLL = sum -p1 log p2; SI-KL = sum p1 (log p1 - log p2) */
            const float *sp1 = P1 + (size_t)i * c, *slp1 = LP1 + (size_t)i * c;
            double s1 = 0.0;
            for (int j = 0; j < c; j++) {
                s1 += sp1[j];
                if (sp1[j] > 0)
                    diss += (double)sp1[j] * ((k == BCML_LOSS_STRICT_IMITATION_KL ? (double)slp1[j] : 0.0) - lp2[j]);
            }
            if (g)
                for (int j = 0; j < c; j++) g[j] += gscale_d * ((float)s1 * p2[j] - sp1[j]);
            break;
        }
        default: break;
        }
    }
    free(buf);
    free(in_support);
    *value = base * base_scale + o->lambda_c * diss * diss_scale;
    return BCML_OK;
}

/* strict-imitation cross-entropy runs new-error's code: on h1's support h1's label is y, so the targets coincide */
static bcml_loss_kind code_path(bcml_loss_kind k) {
    return k == BCML_LOSS_STRICT_IMITATION_CROSS_ENTROPY ? BCML_LOSS_NEW_ERROR_CROSS_ENTROPY : k;
}

int bcml__loss_same(const bcml_loss_opts *a, const bcml_loss_opts *b, double lambda_c) {
    int binary = bcml_loss_is_binary(a->kind), fa = a->kind == BCML_LOSS_FOCAL_DISTILLATION,
        fb = b->kind == BCML_LOSS_FOCAL_DISTILLATION;
    /* what the base and the checks read must agree; the rest only matters with a dissonance */
    if (binary != bcml_loss_is_binary(b->kind) || a->reduction != b->reduction || is_kl(a->kind) != is_kl(b->kind) ||
        bcml_loss_uses_h1(a->kind) != bcml_loss_uses_h1(b->kind))
        return 0;
    if (binary && (a->binary_logits != b->binary_logits || a->pivot != b->pivot)) return 0;
    if ((fa || fb) && !(fa && fb && a->alpha == b->alpha && a->beta == b->beta && a->temperature == b->temperature))
        return 0;
    /* at lambda_c 0 both compute their base alone */
    if (lambda_c == 0) return 1;
    return code_path(a->kind) == code_path(b->kind) && a->pypi_1_4_2 == b->pypi_1_4_2;
}

bcml_status bcml_loss(const bcml_loss_opts *o, int n, int c, const float *h1, const float *h2, const int32_t *y,
                      double *value, float *grad, bcml_error *err) {
    bcml_status s = check_args(o, n, c, h1, h2, y, err);
    if (s) return s;
    if (bcml_loss_is_binary(o->kind)) return loss_binary(o, n, h1, h2, y, value, grad);
    return loss_multiclass(o, n, c, h1, h2, y, value, grad, err);
}

/* ---------------------------------------------------------------- outputs */

bcml_status bcml_probabilities_to_logits(int64_t n, int c, float *io, bcml_error *err) {
    const float tiny = 1e-30f; /* log(tiny) ~ -69: zero probability, still finite */
    if (c < 1) return bcml__fail(err, BCML_EINVAL, "probabilities: need at least one column");
    for (int64_t i = 0; i < n; i++) {
        float *row = io + i * c;
        double sum = 0.0;
        for (int j = 0; j < c; j++) {
            if (!(row[j] >= 0.0f && row[j] <= 1.0f))
                return bcml__fail(err, BCML_EINVAL, "probabilities: row %lld, column %d is %g, not in [0, 1]",
                                  (long long)i, j, row[j]);
            sum += row[j];
        }
        if (c > 1 && fabs(sum - 1.0) > 1e-3)
            return bcml__fail(err, BCML_EINVAL, "probabilities: row %lld sums to %.6g, not 1 (are these logits?)",
                              (long long)i, sum);
        if (c == 1) {
            float p = row[0] < tiny ? tiny : row[0], q = 1.0f - row[0] < tiny ? tiny : 1.0f - row[0];
            row[0] = bcml_logf(p) - bcml_logf(q);
        } else {
            for (int j = 0; j < c; j++) row[j] = bcml_logf(row[j] < tiny ? tiny : row[j]);
        }
    }
    return BCML_OK;
}

bcml_status bcml_outputs_to_labels(int64_t n, int c, const float *out, double threshold, int32_t *labels,
                                   bcml_error *err) {
    if (c < 1) return bcml__fail(err, BCML_EINVAL, "outputs: need at least one column");
    for (int64_t i = 0; i < n; i++) {
        const float *row = out + i * c;
        int lab = c == 1 ? (row[0] != row[0] ? -1 : row[0] >= threshold) : bcml_argmax(row, c);
        if (lab < 0) return bcml__fail(err, BCML_EINVAL, "outputs: row %lld contains NaN", (long long)i);
        labels[i] = lab;
    }
    return BCML_OK;
}
