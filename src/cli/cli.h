/* cli.h - shared pieces of the bcml command-line tool: input, JSON arrays, output. */
#ifndef BCML_CLI_H
#define BCML_CLI_H

#include "../bcml.h"
#include <cjson/cJSON.h>
#include <stdio.h>

typedef struct {
    const char *input;   /* file path, "-" or NULL for stdin */
    int pretty;          /* human-readable summary instead of JSON */
    const char *out;     /* --out, where a command writes a file */
} cli_args;

/* Every command: parse JSON input, print JSON (or a summary), return 0 or print the error and return 1. */
int cmd_loss(const cli_args *a);
int cmd_scores(const cli_args *a);
int cmd_train(const cli_args *a);
int cmd_predict(const cli_args *a);

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
/* An int32 label vector; NULL on error. */
int32_t *cli_labels(const cJSON *v, const char *what, int64_t *n, bcml_error *e);
/* Labels from either labels or per-instance output rows (argmax, or >= threshold for one column). */
int32_t *cli_labels_or_outputs(const cJSON *v, const char *what, double threshold, int64_t *n, bcml_error *e);
/* An int64 id vector; NULL on error. */
int64_t *cli_ids(const cJSON *v, const char *what, int64_t *n, bcml_error *e);

/* Prints JSON (consumes nothing); returns 0. */
int cli_print_json(const cJSON *v);
int cli_print_text(const char *json_text);

#endif /* BCML_CLI_H */
