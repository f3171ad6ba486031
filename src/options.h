/* options.h - losses, optimizers, trainings and sweeps configured from JSON: one reader, shared by the CLI
 * and the WebAssembly binding, so both accept the same keys with the same messages. */
#ifndef BCML_OPTIONS_H
#define BCML_OPTIONS_H

#include "jsonutil.h"

/* {"name": "sgd"|"adam", "lr", "momentum", "dampening", "nesterov", "weight_decay", "betas", "eps"};
 * NULL gives SGD's defaults. */
bcml_status bcml__parse_optimizer(const cJSON *j, bcml_optimizer_opts *o, bcml_error *err);
/* A loss name, or {"name" (or "loss"), "lambda_c", "pivot", "alpha", "beta", "temperature", "reduction",
 * "logits", "variant"}; NULL gives the plain loss (bce for a binary model). check_keys: reject others. */
bcml_status bcml__parse_loss(const cJSON *j, const char *where, int binary_model, int check_keys, bcml_loss_opts *o,
                             bcml_error *err);
/* The training keys of cfg: "epochs", "batch_size", "seed", "shuffle", "optimizer", "loss". */
bcml_status bcml__parse_train(const cJSON *cfg, const char *where, int binary_model, bcml_train_opts *o,
                              bcml_error *err);
/* The sweep keys of cfg: the training keys (without "loss"), "new_error", "strict_imitation", "lambda",
 * "metric", "batch_size_test" (accepted, unused) and "recommend". *lambdas allocated; *constraint borrowed
 * from cfg (or NULL). */
bcml_status bcml__parse_sweep(const cJSON *cfg, int binary_model, bcml_sweep_config *c, double **lambdas,
                              const char **constraint, bcml_error *err);

#endif /* BCML_OPTIONS_H */
