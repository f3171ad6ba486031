/* cli.h - shared pieces of the bcml command-line tool: input, JSON arrays, output. */
#ifndef BCML_CLI_H
#define BCML_CLI_H

#include "../bcml.h"
#include <cjson/cJSON.h>
#include <stdio.h>

#define CLI_MAX_SETS 32

typedef struct {
    const char *input;   /* file path (or --config), "-" or NULL for stdin */
    int pretty;          /* human-readable summary instead of JSON */
    const char *out;     /* --out: where a command writes a file or folder */
    int resume;          /* --resume: continue a sweep folder */
    int jobs;            /* --jobs N (0: not given) */
    int point;           /* --point K (-1: not given) */
    const char *merge;   /* --merge DIR */
    const char *fail_if; /* --fail-if "btc<0.95,nfr>0.02" */
    /* flags that override config keys, e.g. --epochs 5 sets "epochs"; --lambda-step 0.1 sets lambda.step */
    int nsets;
    const char *set_path[CLI_MAX_SETS];
    const char *set_value[CLI_MAX_SETS];
    int set_is_number[CLI_MAX_SETS];
} cli_args;

/* Applies a->set_* to cfg (a JSON object); 0 on success, else prints the error and returns 1. */
int cli_apply_overrides(cJSON *cfg, const cli_args *a);

/* A labelled dataset the CLI loaded (owned). */
typedef struct {
    float *x;
    int32_t *y;
    int64_t n, dim;
    int shape[3];                 /* [C,H,W] of image data; [dim,1,1] otherwise */
    int64_t *ids;                 /* or NULL */
    bcml_slice_column *slices;    /* CSV slice columns */
    int num_slices;
    bcml_encoder *encoder;        /* the encoding a CSV training split taught, or NULL */
} cli_data;

/* A dataset: {"builtin": name, "n", "seed"}, {"csv": path, "label", "id", "slices", "ignore", "delimiter"},
 * {"npy": {"x", "y"}}, {"npz": path, "x": member, "y": member}, {"idx": {"images", "labels"}}, {"file":
 * "data.json"} or inline {"x", "y"}; "scale" multiplies the features (IDX: 1/255 by default); "fraction"
 * keeps the first part. A CSV test split is encoded with enc (the training split's); without enc the
 * encoding is learnt and kept in d->encoder. */
int cli_load_data(const cJSON *spec, const char *what, const bcml_encoder *enc, cli_data *d, bcml_error *e);
/* Whether spec names rows of a dataset already loaded from `of` (n rows): the same source and options but its
 * own "start"/"fraction"; then 1 and the rows [from, to), else 0; -1 with e filled if those are invalid. */
int cli_same_rows(const cJSON *spec, const cJSON *of, const char *what, int64_t n, int64_t *from, int64_t *to, bcml_error *e);
void cli_free_data(cli_data *d);
/* The CSV encoding kept with a saved model (<model>.encoding.json, or encoding.json beside it), or NULL;
 * *failed is set when one exists but cannot be read (e holds why). */
bcml_encoder *cli_model_encoding(const char *model_path, bcml_error *e, int *failed);
int cli_save_encoding(const bcml_encoder *enc, const char *path, bcml_error *e);
/* A model from cfg[key_spec] (a spec) or cfg[key_file] (a saved model). */
int cli_load_model(const cJSON *cfg, const char *key_spec, const char *key_file, uint64_t seed, bcml_model **m,
                   bcml_error *e);

/* Every command: parse JSON input, print JSON (or a summary), return 0 or print the error and return 1. */
int cmd_loss(const cli_args *a);
int cmd_scores(const cli_args *a);
int cmd_train(const cli_args *a);
int cmd_predict(const cli_args *a);
int cmd_sweep(const cli_args *a);
int cmd_compare(const cli_args *a);
int cmd_export_mlflow(const cli_args *a);
int cmd_summary(const cli_args *a);

/* Prints "bcml: <msg>" on stderr; returns 1 (the exit code). */
int cli_fail(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
int cli_fail_err(const bcml_error *e);

/* Reads a whole file ("-" or NULL: stdin); NULL on failure with the reason printed. */
char *cli_read_file(const char *path, size_t *len);
/* Reads and parses JSON from a file; NULL on failure with the reason printed. */
cJSON *cli_read_json(const char *path);

/* A float matrix from a JSON array of rows (or a flat array, one column). *rows x *cols; NULL on error. */
float *cli_matrix(const cJSON *v, const char *what, int64_t *rows, int *cols, bcml_error *e);
/* Model outputs [n, classes] (logits or probabilities): a JSON matrix, a .npy path, or {"npz": path,
 * "member": name} -- e.g. predictions exported from PyTorch or scikit-learn. */
float *cli_outputs(const cJSON *v, const char *what, int64_t *rows, int *cols, bcml_error *e);
/* An array from "file.npy" or {"npz": path, "member": name}; 0 on success (free with bcml_array_free). */
int cli_file_array(const cJSON *v, const char *what, bcml_array *a, bcml_error *e);
/* An array's data as outputs [n] or [n, classes] (the caller owns them); NULL and the array freed otherwise. */
float *cli_array_outputs(bcml_array *a, const char *what, int64_t *rows, int *cols, bcml_error *e);
/* An int32 label vector; NULL on error. */
int32_t *cli_labels(const cJSON *v, const char *what, int64_t *n, bcml_error *e);
/* Labels from either labels or per-instance output rows (argmax, or >= threshold for one column). */
int32_t *cli_labels_or_outputs(const cJSON *v, const char *what, double threshold, int64_t *n, bcml_error *e);
/* An int64 id vector; NULL on error. */
int64_t *cli_ids(const cJSON *v, const char *what, int64_t *n, bcml_error *e);

/* Prints JSON (consumes nothing); returns 0. */
int cli_print_json(cJSON *v);
int cli_print_text(const char *json_text);

#endif /* BCML_CLI_H */
