/* model.h - what training needs from a model beyond the public API: train-mode passes and gradients. */
#ifndef BCML_MODEL_H
#define BCML_MODEL_H

#include "internal.h"

/* Makes room for batches of up to B instances. */
bcml_status bcml__model_reserve(bcml_model *m, int B, bcml_error *err);
/* x[B, input] -> logits [B, output] (owned by the model, valid until the next call); train enables dropout */
const float *bcml__model_forward(bcml_model *m, const float *x, int B, int train);
/* After a forward pass on the same x: parameter gradients += d(loss)/d(params) given dlogits[B, output] */
void bcml__model_backward(bcml_model *m, const float *x, const float *dlogits, int B);
float *bcml__model_grads(bcml_model *m);
void bcml__model_seed_dropout(bcml_model *m, uint64_t seed);

#endif /* BCML_MODEL_H */
