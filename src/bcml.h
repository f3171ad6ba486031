/* bcml.h - backward-compatibility analysis for machine-learning model updates.
 *
 * The one public header of the bcml C library. Conventions, everywhere:
 *   - Every fallible function returns a bcml_status and fills an optional bcml_error (may be NULL) with a
 *     message that names the problem and where it is. Library code never prints, exits or aborts.
 *   - Arrays are plain row-major buffers owned by the caller unless a comment says "allocated": those are
 *     released with bcml_free() (buffers, JSON strings) or the matching *_free() (objects).
 *   - Labels are int32 class indices >= 0. Model outputs are float32 [n, c]: logits when c > 1, and for a
 *     binary model (c == 1) one sigmoid probability (or logit, where a flag says so) per instance.
 *   - A ratio whose denominator is zero is undefined: it is NaN in C and null in JSON, never 0.
 */
#ifndef BCML_H
#define BCML_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BCML_VERSION "0.1.0"

/* ---------------------------------------------------------------- status and errors */

typedef enum {
    BCML_OK = 0,
    BCML_EINVAL = 1,    /* a bad argument or bad input data */
    BCML_ENOMEM = 2,    /* an allocation failed or a size is beyond what bcml accepts */
    BCML_EIO = 3,       /* a file could not be read or written */
    BCML_EFORMAT = 4,   /* a file or buffer is malformed */
    BCML_ECANCELLED = 5 /* the caller cancelled long work; what was finished is kept */
} bcml_status;

typedef struct {
    bcml_status code;
    char msg[512];
} bcml_error;

/* Frees anything bcml documents as "allocated" (buffers, JSON strings). NULL is fine. */
void bcml_free(void *p);
const char *bcml_status_name(bcml_status s);

/* ---------------------------------------------------------------- compatibility losses */

typedef enum {
    BCML_LOSS_CROSS_ENTROPY = 0,   /* plain training: base loss only, no h1 */
    BCML_LOSS_BCE,                 /* plain binary training: base loss only, no h1 */
    BCML_LOSS_NEW_ERROR_NLL,
    BCML_LOSS_NEW_ERROR_CROSS_ENTROPY,
    BCML_LOSS_NEW_ERROR_BCE,
    BCML_LOSS_NEW_ERROR_KL,
    BCML_LOSS_STRICT_IMITATION_NLL,
    BCML_LOSS_STRICT_IMITATION_CROSS_ENTROPY,
    BCML_LOSS_STRICT_IMITATION_BCE,
    BCML_LOSS_STRICT_IMITATION_KL,
    BCML_LOSS_FOCAL_DISTILLATION,
    BCML_LOSS_COUNT
} bcml_loss_kind;

typedef enum {
    BCML_REDUCTION_DEFAULT = 0, /* "batchmean" for the KL losses, "mean" for the others */
    BCML_REDUCTION_MEAN,
    BCML_REDUCTION_SUM,
    BCML_REDUCTION_BATCHMEAN    /* KL losses only */
} bcml_reduction;

typedef struct {
    bcml_loss_kind kind;
    double lambda_c;          /* weight of the dissonance, >= 0 */
    double pivot;             /* binary losses: h1 predicts 1 when its probability >= pivot (0.5) */
    double alpha, beta;       /* focal distillation weights: alpha + beta * [h1 correct] (1, 5) */
    double temperature;       /* focal distillation temperature T (100) */
    bcml_reduction reduction; /* applies to the base term only, as upstream */
    int binary_logits;        /* binary losses: h1/h2 hold logits instead of probabilities */
    int pypi_1_4_2;           /* the PyPI 1.4.2 release's NLL normalisations: NE-NLL mean over S, SI-NLL a sum */
} bcml_loss_opts;

/* Fills defaults for a loss kind. */
void bcml_loss_opts_init(bcml_loss_opts *o, bcml_loss_kind kind);
/* CLI/JSON names: "new-error-nll", ..., "strict-imitation-kl", "focal-distillation", "cross-entropy", "bce". */
const char *bcml_loss_name(bcml_loss_kind kind);
bcml_status bcml_loss_from_name(const char *name, bcml_loss_kind *kind, bcml_error *err);
int bcml_loss_is_binary(bcml_loss_kind kind);   /* model has one sigmoid output */
int bcml_loss_uses_h1(bcml_loss_kind kind);     /* has a dissonance term, on h1's outputs */
int bcml_loss_needs_h1(const bcml_loss_opts *o); /* reads h1's outputs: a dissonance with lambda_c > 0 */

/* Loss of one batch: base(h2, y) + lambda_c * dissonance(h1, h2, y), with upstream HEAD's normalisations.
 *   h1: [n, c] h1's outputs (may be NULL where bcml_loss_needs_h1 is 0: plain losses, lambda_c 0)
 *   h2: [n, c] h2's outputs, the tensor the gradient is taken with respect to
 *   y:  [n] labels (0/1 for binary losses)
 *   value: the loss; grad: [n, c] dloss/dh2, or NULL when not wanted. */
bcml_status bcml_loss(const bcml_loss_opts *o, int n, int c, const float *h1, const float *h2,
                      const int32_t *y, double *value, float *grad, bcml_error *err);

/* Turns probabilities (rows summing to 1, or one sigmoid per row when c == 1) into logits in place, so
 * outputs exported from other frameworks can stand for h1 or h2. Rejects NaN and values outside [0, 1]. */
bcml_status bcml_probabilities_to_logits(int64_t n, int c, float *io, bcml_error *err);

/* Predicted labels from outputs: argmax (first maximal) for c > 1, output >= threshold for c == 1
 * (threshold 0.5 for probabilities, 0 for logits). Rejects NaN. */
bcml_status bcml_outputs_to_labels(int64_t n, int c, const float *out, double threshold, int32_t *labels,
                                   bcml_error *err);

/* ---------------------------------------------------------------- models */

typedef struct bcml_model bcml_model;

/* Builds a model from a JSON spec, initialised like PyTorch's nn.Linear / nn.Conv2d (Kaiming-uniform
 * weights, uniform bias, both with bound 1/sqrt(fan_in)) from the seeded generator. Specs:
 *   {"preset": "logreg", "input": 9, "classes": 2}        (classes 1 = binary, one sigmoid output)
 *   {"preset": "mlp", "input": 9, "hidden": [50, 10], "classes": 2}
 *   {"preset": "mnist-net"}   the original library's MNIST Net (input [1,28,28], 10 classes)
 *   {"preset": "cifar-net"}   a small CIFAR-10 sized CNN (input [3,32,32], 10 classes)
 *   {"input": [C,H,W], "layers": [{"type":"conv2d","out":10,"kernel":5,"stride":1,"padding":0},
 *       {"type":"maxpool2d","kernel":2}, {"type":"relu"}, {"type":"dropout","p":0.5,"channels":true},
 *       {"type":"flatten"}, {"type":"linear","out":10}]}
 * *out is allocated; free it with bcml_model_free. */
bcml_status bcml_model_create(const char *spec_json, uint64_t seed, bcml_model **out, bcml_error *err);
void bcml_model_free(bcml_model *m);
bcml_status bcml_model_clone(const bcml_model *m, bcml_model **out, bcml_error *err);
int64_t bcml_model_input_size(const bcml_model *m);   /* features per instance */
int bcml_model_output_size(const bcml_model *m);      /* classes, or 1 for a binary model */
int64_t bcml_model_param_count(const bcml_model *m);
float *bcml_model_params(bcml_model *m);              /* borrowed; all weights, layer by layer */
const char *bcml_model_spec(const bcml_model *m);     /* borrowed; the normalised spec JSON */

/* Inference (dropout off). x: [n, input_size]; out: [n, output_size] logits. */
bcml_status bcml_model_predict(bcml_model *m, const float *x, int64_t n, float *out, bcml_error *err);

/* Weights as a self-describing little-endian blob (magic, version, spec, float32 params); *bytes allocated. */
bcml_status bcml_model_save(const bcml_model *m, unsigned char **bytes, size_t *len, bcml_error *err);
bcml_status bcml_model_load(const unsigned char *bytes, size_t len, bcml_model **out, bcml_error *err);
bcml_status bcml_model_save_file(const bcml_model *m, const char *path, bcml_error *err);
bcml_status bcml_model_load_file(const char *path, bcml_model **out, bcml_error *err);

/* ---------------------------------------------------------------- optimizers (PyTorch semantics) */

typedef enum { BCML_OPT_SGD = 0, BCML_OPT_ADAM } bcml_optimizer_kind;

typedef struct {
    bcml_optimizer_kind kind;
    double lr;
    double momentum, dampening; /* SGD */
    int nesterov;               /* SGD */
    double weight_decay;        /* both: added to the gradient, as torch.optim does */
    double beta1, beta2, eps;   /* Adam */
} bcml_optimizer_opts;

/* Defaults: SGD lr 0.01, no momentum; Adam lr 1e-3, betas (0.9, 0.999), eps 1e-8. */
void bcml_optimizer_opts_init(bcml_optimizer_opts *o, bcml_optimizer_kind kind);
bcml_status bcml_optimizer_from_name(const char *name, bcml_optimizer_kind *kind, bcml_error *err);

/* ---------------------------------------------------------------- data */

/* A borrowed view of a labelled dataset. x: [n, dim] float32; y: [n]; ids: [n] or NULL (0..n-1). */
typedef struct {
    int64_t n;
    int64_t dim;
    const float *x;
    const int32_t *y;
    const int64_t *ids;
} bcml_dataset;

/* Built-in synthetic datasets, reproducible from the seed: "blobs" (3 classes, 2-D Gaussian blobs with
 * overlap), "moons" (2 classes). *x ([n, *dim]) and *y ([n]) are allocated. */
bcml_status bcml_dataset_builtin(const char *name, int64_t n, uint64_t seed, float **x, int32_t **y,
                                 int64_t *dim, int *classes, bcml_error *err);

/* One slice column (e.g. age bands): per-instance value index into names. */
typedef struct {
    const char *name;          /* column name, e.g. "age_band" */
    const int32_t *value;      /* [n] index into names, >= 0 */
    int num_values;
    const char *const *names;  /* [num_values] value names, e.g. "75+" */
} bcml_slice_column;

/* ---------------------------------------------------------------- data files
 * Every reader validates fully and names the file (`what`), row/column or byte offset of the first problem;
 * sizes declared in headers are checked against the bytes present before anything is allocated. */

/* A numeric array read from a file: data allocated, row-major, converted to float32. */
typedef struct {
    int ndim;
    int64_t shape[8];
    float *data;
    int integer;  /* the stored type was an integer type (labels) */
} bcml_array;
void bcml_array_free(bcml_array *a);
/* Elements per row: the product of shape[1..ndim-1] (1 for a vector). */
int64_t bcml_array_row_size(const bcml_array *a);

/* NumPy .npy: float32/float64/int8/int16/int32/int64/uint8/uint16/bool, C order, little-endian. */
bcml_status bcml_npy_read(const unsigned char *bytes, size_t len, const char *what, bcml_array *out, bcml_error *err);
/* One member of a NumPy .npz archive ("x" or "x.npy"), stored or deflated. */
bcml_status bcml_npz_read(const unsigned char *bytes, size_t len, const char *member, const char *what, bcml_array *out,
                          bcml_error *err);
/* IDX (MNIST, Fashion-MNIST): big-endian ubyte/byte/short/int/float/double arrays of any rank. */
bcml_status bcml_idx_read(const unsigned char *bytes, size_t len, const char *what, bcml_array *out, bcml_error *err);

/* CSV with a header row. The label column gives y; an optional id column gives ids; slice columns are
 * kept as text for per-slice scores; other columns are features: numeric ones standardised with the
 * training split's mean and standard deviation, text ones one-hot encoded with the training split's
 * categories (an unseen category at test time encodes as all zeros). */
typedef struct {
    const char *label;                 /* required */
    const char *id;                    /* or NULL */
    const char *const *slices;         /* slice column names */
    int num_slices;
    const char *const *ignore;         /* columns to leave out */
    int num_ignore;
    char delimiter;                    /* ',' when 0 */
} bcml_csv_options;

/* The encoding learnt on a training split: kept with the model so test data is encoded the same way. */
typedef struct bcml_encoder bcml_encoder;
void bcml_encoder_free(bcml_encoder *e);
bcml_status bcml_encoder_to_json(const bcml_encoder *e, char **json, bcml_error *err);
bcml_status bcml_encoder_from_json(const char *json, bcml_encoder **out, bcml_error *err);

typedef struct {
    int64_t n, dim;
    float *x;                  /* [n, dim] */
    int32_t *y;                /* [n] class indices */
    int64_t *ids;              /* [n], or NULL without an id column */
    int num_classes;
    char **class_names;        /* [num_classes] the label values, e.g. "<=50K" */
    int num_slices;
    bcml_slice_column *slices; /* [num_slices], names and values owned by the table */
    char **feature_names;      /* [dim], e.g. "age" or "workclass=Private" */
} bcml_table;
void bcml_table_free(bcml_table *t);

/* Reads CSV text. With enc NULL the encoding is learnt from these rows and returned in *learnt (the
 * training split); with enc given it is applied (the test split) and learnt may be NULL. */
bcml_status bcml_csv_read(const char *text, size_t len, const char *what, const bcml_csv_options *o,
                          const bcml_encoder *enc, bcml_table *out, bcml_encoder **learnt, bcml_error *err);

/* The cells of CSV text as JSON, {"header": [names], "rows": [[cells]]}, with the same parsing and checks as
 * bcml_csv_read (for raw columns: predictions, or values to bin into slices). *json allocated. */
bcml_status bcml_csv_cells_json(const char *text, size_t len, char delimiter, const char *what, char **json,
                                bcml_error *err);

/* A PNG of one image instance for the error tables: pixels [channels][h][w] (channels 1 or 3) mapped
 * from [lo, hi] to 0..255 (lo == hi: the image's own range), scaled up by an integer factor.
 * *png allocated. */
bcml_status bcml_png_thumbnail(const float *pixels, int channels, int h, int w, int scale, float lo, float hi,
                               unsigned char **png, size_t *len, bcml_error *err);

/* ---------------------------------------------------------------- training */

typedef struct {
    int epoch, epochs;      /* 1-based current epoch */
    int batch, batches;     /* 1-based batch within the epoch */
    double batch_loss;
} bcml_train_progress;

/* A training set prepared once for many trainings on it (bcml_train_opts.rows, bcml_sweep_config.train_rows):
 * every feature checked finite, and rows that are mostly zeros (one-hot encodings) copied compactly. Borrows the
 * dataset's arrays, which must outlive it; freed with bcml_train_rows_free. */
typedef struct bcml_train_rows bcml_train_rows;
bcml_status bcml_train_rows_prepare(const bcml_dataset *d, bcml_train_rows **out, bcml_error *err);
void bcml_train_rows_free(bcml_train_rows *r);

typedef struct {
    int epochs;
    int batch_size;
    uint64_t seed;          /* shuffling and dropout; the same seed gives bit-identical weights */
    int shuffle;            /* 1: reshuffle every epoch (default) */
    bcml_optimizer_opts optimizer;
    bcml_loss_opts loss;
    /* h1's outputs on the training set, [n, output_size], cached by the caller (see bcml_model_predict);
     * required when the loss uses h1. Logits, or probabilities when h1_probabilities is set. */
    const float *h1_outputs;
    int h1_probabilities;
    /* Called after every batch; a non-zero return cancels. May be NULL. */
    int (*progress)(void *user, const bcml_train_progress *p);
    void *user;
    const volatile int *cancel; /* checked before every batch when not NULL */
    const bcml_train_rows *rows; /* the training set prepared (from the same arrays), or NULL: prepared per call */
} bcml_train_opts;

void bcml_train_opts_init(bcml_train_opts *o);

/* Trains m in place. epoch_loss: [epochs] mean batch loss per epoch (caller-allocated, may be NULL).
 * *epochs_done counts finished epochs (may be NULL). Returns BCML_ECANCELLED when cancelled. */
bcml_status bcml_train(bcml_model *m, const bcml_dataset *train, const bcml_train_opts *o,
                       double *epoch_loss, int *epochs_done, bcml_error *err);

/* ---------------------------------------------------------------- scores */

/* Pooled 2x2 counts over n instances: a = both right, b = h1 right and h2 wrong (negative flip),
 * c = h1 wrong and h2 right (positive flip), d = both wrong (d_same of them with the same wrong label). */
typedef struct {
    int64_t n, a, b, c, d, d_same;
} bcml_counts;

/* Scores from counts; NaN where undefined. Intervals are 95% Wilson score intervals. */
typedef struct {
    bcml_counts k;
    double btc;          /* a/(a+b) */
    double bec;          /* d/(b+d): the paper's "a mistake of h2 is not new" */
    double bec_upstream; /* d/(c+d): what the original library's code computes (pooled) */
    double nfr, pfr;     /* b/n, c/n */
    double nfi, pfi;     /* b/(b+d), c/(a+c) */
    double nfr_relative; /* nfr / (acc1 * (1 - acc2)) */
    double h1_accuracy, h2_accuracy;
    double btc_ci[2], bec_ci[2], nfr_ci[2];
} bcml_compat;

bcml_status bcml_counts_compute(int64_t n, const int32_t *h1, const int32_t *h2, const int32_t *y,
                                bcml_counts *out, bcml_error *err);
void bcml_compat_from_counts(const bcml_counts *k, bcml_compat *out);
/* The scores of c as a JSON object (counts, btc, bec, bec_upstream, flip rates, accuracies, intervals);
 * *json is allocated. */
bcml_status bcml_compat_json(const bcml_compat *c, char **json, bcml_error *err);
/* 95% Wilson score interval of k successes in n trials; NaN when n == 0. */
void bcml_wilson(int64_t k, int64_t n, double ci[2]);


/* Performance metrics for the y-axis of the trade-off plots. */
typedef enum { BCML_METRIC_ACCURACY = 0, BCML_METRIC_BALANCED_ACCURACY, BCML_METRIC_MACRO_F1 } bcml_metric;
const char *bcml_metric_name(bcml_metric m); /* "accuracy", "balanced-accuracy", "macro-f1" */
bcml_status bcml_metric_from_name(const char *name, bcml_metric *m, bcml_error *err);
/* The metric of predictions against labels (classes 0..num_classes-1); NaN when undefined (n == 0).
 * Balanced accuracy averages recall over the classes present in y; macro-F1 averages F1 over the classes
 * present in y or in the predictions. */
double bcml_metric_value(bcml_metric m, int64_t n, const int32_t *pred, const int32_t *y, int num_classes);

/* Builds a slice column from per-instance text values: value names sorted (numerically when every value
 * is a number), each instance mapped to its name. The column's name, values and names are allocated; free
 * them with bcml_slice_column_free. */
bcml_status bcml_slice_column_build(const char *name, const char *const *values, int64_t n, bcml_slice_column *out,
                                    bcml_error *err);
void bcml_slice_column_free(bcml_slice_column *c);

typedef struct {
    int64_t n;
    const int32_t *h1, *h2, *y;        /* [n] predicted and true labels */
    const int64_t *ids;                /* [n] unique instance ids, or NULL for 0..n-1 */
    const char *const *metadata;       /* [n] per-instance text, or NULL ("") */
    int num_classes;                   /* 0: 1 + the largest label seen */
    int num_slice_columns;
    const bcml_slice_column *slices;
    bcml_metric metric;                /* h1/h2_performance; accuracy by default */
} bcml_eval_input;

/* The full evaluation record as JSON: upstream's keys (models_error_overlap,
 * h2_incompatible_instance_ids_by_class, sorted_classes, h1/h2_accuracy_by_class, h2_performance, btc, bec,
 * error_instances, dataset_size) with pooled scores, plus bcml's own (h1_performance, performance_metric,
 * counts, flip rates, intervals, slices). *json is allocated. */
bcml_status bcml_evaluation_json(const bcml_eval_input *in, char **json, bcml_error *err);

/* ---------------------------------------------------------------- sweeps */

/* A sweep trains, for every lambda_c of a grid, one copy of the initial h2 with the new-error loss and one
 * with the strict-imitation loss, and evaluates each on the training set and the test set: datapoint_index
 * 4j + {0: new-error training, 1: new-error testing, 2: strict-imitation training, 3: strict-imitation
 * testing}, the original library's order. Results never depend on how many trainings run at once. */

typedef struct {
    double fraction;           /* of all training batches of this run, 0..1 */
    int trainings_done, trainings_total;
    double elapsed_s, eta_s;   /* seconds since the start, and estimated to the end (NaN before any batch) */
    double lambda_c;           /* of the training that reported */
    const char *dissonance;    /* "new-error" or "strict-imitation" */
    int epoch, epochs;
} bcml_sweep_progress;

typedef struct {
    bcml_dataset train, test;          /* borrowed; without ids, train is 0..n-1 and test follows it */
    const float *h1_train, *h1_test;   /* h1's outputs [n, C] on each set: logits, or probabilities */
    int h1_probabilities;
    const bcml_model *h2;              /* the initial h2; every training starts from a copy of it */
    int epochs, batch_size, shuffle;
    uint64_t seed;
    bcml_optimizer_opts optimizer;
    bcml_loss_opts new_error, strict_imitation; /* lambda_c is replaced by each grid value */
    const double *lambdas;
    int num_lambdas;
    bcml_metric metric;
    const char *const *train_metadata, *const *test_metadata; /* [n] per-instance text, or NULL */
    int num_slice_columns;
    const bcml_slice_column *train_slices, *test_slices;      /* the same columns for both sets */
    int (*progress)(void *user, const bcml_sweep_progress *p); /* non-zero return cancels; may be NULL */
    void *user;
    const volatile int *cancel;
    const bcml_train_rows *train_rows; /* train prepared once for every training, or NULL (run_dir prepares it) */
    /* bcml_sweep_run_dir only, when h1_train is NULL: makes h1's outputs (kept by the caller until the run
     * ends), called once on one of the run's threads while the others train lambda_c 0, which reads no h1 */
    bcml_status (*h1_make)(void *h1_user, const float **train, const float **test, int *probabilities, bcml_error *err);
    void *h1_user;
} bcml_sweep_config;

void bcml_sweep_config_init(bcml_sweep_config *c);

/* lambda_i = start + i*step for i = 0, 1, ... while lambda_i < stop + step/2 (numpy.arange(start,
 * stop + step/2, step), without accumulated rounding). *lambdas allocated. */
bcml_status bcml_lambda_grid(double start, double stop, double step, double **lambdas, int *n, bcml_error *err);
/* Python's repr of a float64 ("0.0", "0.30000000000000004"): how upstream names files and writes JSON. */
void bcml_float_repr(double v, char buf[32]);

typedef struct {
    char *evaluation[2];   /* JSON records on the training set and on the test set (allocated) */
    char *summary_row[2];  /* the fields of each record bcml_sweep_summary reads, as JSON (allocated) */
    char *twin_evaluation[2], *twin_summary_row[2]; /* family 0 of a twin point: family 1's records, else NULL */
    bcml_model *model;     /* the trained copy */
} bcml_sweep_result;

/* 1 when both families at lambdas[j] train the same model bit for bit, so a driver trains it once: at
 * lambda_c 0 (each loss is its base alone) when the bases agree, and at every lambda_c for the cross-entropy
 * pair (on h1's support h1's label is y, so the two dissonances coincide). */
int bcml_sweep_twin(const bcml_sweep_config *c, int j);

/* One training: a copy of h2 trained with family 0 (new-error) or 1 (strict-imitation) at lambdas[j], and
 * its two evaluations (family 0 of a twin point also gives family 1's). No file is touched. */
bcml_status bcml_sweep_train_one(const bcml_sweep_config *c, int j, int family, bcml_sweep_result *out,
                                 bcml_error *err);
/* The same in two steps, so a training can start before h1's outputs exist: the training alone (*model
 * allocated; h1's outputs may still be NULL when lambdas[j] is 0, which trains the base loss alone), then its
 * evaluations (out->model stays NULL: the model remains the caller's). */
bcml_status bcml_sweep_train_model(const bcml_sweep_config *c, int j, int family, bcml_model **model, bcml_error *err);
bcml_status bcml_sweep_evaluate(const bcml_sweep_config *c, int j, int family, bcml_model *model,
                                bcml_sweep_result *out, bcml_error *err);
void bcml_sweep_result_free(bcml_sweep_result *r);

/* The sweep summary from evaluation records (any order, any subset): upstream's {"data": rows,
 * "h1_performance"} plus "performance_metric", "lambdas", "complete" (all expected_points present; 0 if
 * unknown), "pareto_front" (datapoint indices of the testing rows no other testing row beats in both
 * performance and BTC) and "recommendation": the best-performing testing row that meets constraint (e.g.
 * "btc>=0.95" or "btc>=0.9,nfr<=0.02"; keys btc, bec, nfr, performance; NULL or "": no constraint), ties
 * broken by BTC then the smaller lambda_c; null with a "recommendation_note" when no row qualifies.
 * *json allocated. */
bcml_status bcml_sweep_summary(const char *const *evaluations, int n, int expected_points, const char *constraint,
                               char **json, bcml_error *err);

/* Native folder driver: runs the trainings whose files are missing from dir (so an interrupted sweep
 * resumes), jobs at a time in threads, writing {k}-evaluation-data.json, {lambda}-model-{family}.bcml and,
 * after every evaluation, sweep_summary.json, each atomically. config_json is stored as bcml-sweep.json
 * (before the first result: after h1_make, so a failed h1 leaves the folder unclaimed); a folder holding a
 * different config is refused. only_point >= 0 runs that lambda index alone and leaves the summary to
 * bcml_sweep_merge_dir. */
bcml_status bcml_sweep_run_dir(const bcml_sweep_config *c, const char *dir, const char *config_json,
                               const char *constraint, int jobs, int only_point, bcml_error *err);
/* Writes sweep_summary.json from the evaluation files in dir. */
bcml_status bcml_sweep_merge_dir(const char *dir, const char *constraint, bcml_error *err);
/* Loads a sweep folder written by bcml or by the original library into the summary form above (from
 * sweep_summary.json, or rebuilt from the evaluation files when it is missing). *json allocated. */
bcml_status bcml_sweep_load_dir(const char *dir, const char *constraint, char **json, bcml_error *err);

#ifdef __cplusplus
}
#endif
#endif /* BCML_H */
