/* layers.h - every layer is a *_forward / *_backward pair over plain float arrays (batch first).
 * Backward passes accumulate (+=) into parameter gradients and overwrite input gradients. */
#ifndef BCML_LAYERS_H
#define BCML_LAYERS_H

#include "internal.h"

/* linear: out[B,OC] = inp[B,C] @ w[OC,C]^T + b[OC]  (PyTorch weight layout) */
void linear_forward(float *out, const float *inp, const float *w, const float *b, int B, int C, int OC);
/* dinp[B,C] = dout[B,OC] @ w (skipped when dinp is NULL); dw[OC,C] += dout^T @ inp; db[OC] += sum_B dout */
void linear_backward(float *dinp, float *dw, float *db, const float *dout, const float *inp, const float *w,
                     int B, int C, int OC);

/* relu: out[n] = max(inp, 0); dinp[n] = dout * (out > 0) */
void relu_forward(float *out, const float *inp, int64_t n);
void relu_backward(float *dinp, const float *dout, const float *out, int64_t n);

/* conv2d: inp[B,C,H,W], w[OC,C,K,K], b[OC] -> out[B,OC,OH,OW], OH = (H + 2P - K)/S + 1;
 * col: scratch [C*K*K, OH*OW] */
void conv2d_forward(float *out, const float *inp, const float *w, const float *b, float *col,
                    int B, int C, int H, int W, int OC, int K, int S, int P);
/* dinp[B,C,H,W] (skipped when NULL), dw[OC,C,K,K] +=, db[OC] +=; col: scratch [C*K*K, OH*OW] */
void conv2d_backward(float *dinp, float *dw, float *db, const float *dout, const float *inp, const float *w,
                     float *col, int B, int C, int H, int W, int OC, int K, int S, int P);

/* maxpool2d: inp[B,C,H,W] -> out[B,C,OH,OW], OH = (H - K)/S + 1; idx[B,C,OH,OW] = argmax offset in the plane */
void maxpool2d_forward(float *out, int32_t *idx, const float *inp, int B, int C, int H, int W, int K, int S);
/* dinp[B,C,H,W] = dout routed back to each window's argmax */
void maxpool2d_backward(float *dinp, const float *dout, const int32_t *idx, int B, int C, int H, int W, int OH,
                        int OW);

/* dropout: out[B,D] = inp * mask, mask = 0 with probability p else 1/(1-p); with channels (Dropout2d) one
 * draw per (b, channel) covers the whole plane of size D/channels. */
void dropout_forward(float *out, float *mask, const float *inp, int B, int D, int channels, float p, bcml_rng *rng);
void dropout_backward(float *dinp, const float *dout, const float *mask, int64_t n);

#endif /* BCML_LAYERS_H */
