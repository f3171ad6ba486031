/* kernels.h - the numeric building blocks: GEMM and the row-wise activations. Plain float arrays. */
#ifndef BCML_KERNELS_H
#define BCML_KERNELS_H

#include "simd.h"

#include <stddef.h>
#include <stdint.h>

/* C[M,N] = (accumulate ? C : 0) + op(A)[M,K] @ op(B)[K,N]
 * op(A) = A ([M,K], row stride lda) or, when ta, A^T with A stored [K,M]; likewise op(B) with tb.
 * Every C element sums its K products in the same fixed order in every build. */
void bcml_gemm(int ta, int tb, int M, int N, int K, const float *A, int lda, const float *B, int ldb,
               float *C, int ldc, int accumulate);

/* A stride-1, unpadded convolution's GEMM read from the images in place, without their im2col matrices:
 * out[n][OC, OH*OW] = w[OC, C*K*K] @ im2col(inp[n][C, H, W]) for n < B, the same bits as bcml_gemm over each
 * matrix. Only where bcml_conv_in_place(OW, C*K*K): output rows a whole number of vectors wide, one k block. */
int bcml_conv_in_place(int OW, int CKK);
void bcml_conv_gemm(int B, int OC, int C, int H, int W, int K, const float *w, const float *inp, float *out);
/* The weight gradient of such a convolution, any shape: dw[OC, C*K*K] += dout[n][OC, OH*OW] @ im2col(inp[n])^T
 * for n < B in turn, read in place, the same bits as bcml_gemm (0, 1, ..., accumulate) over each matrix. */
void bcml_conv_gemm_dw(int B, int OC, int C, int H, int W, int K, const float *dout, const float *inp, float *dw);

/* dst[0..n) = src[0..n), inline by vectors: rows of a few hundred floats are copied too often for a library
 * call (and wasm's memcpy moves 4 bytes at a time); size_t: 32-bit in wasm, where 64-bit indices cost V8 dearly */
static inline void bcml_copy_floats(float *dst, const float *src, size_t n) {
    size_t j = 0;
    for (; j + 8 <= n; j += 8) {
        vf4 a = vf4_load(src + j), b = vf4_load(src + j + 4);
        vf4_store(dst + j, a);
        vf4_store(dst + j + 4, b);
    }
    for (; j < n; j++) dst[j] = src[j];
}

/* Name of the instruction set the kernels were compiled for ("avx", "sse2", "wasm-simd128", "neon", "scalar"). */
const char *bcml_simd_name(void);

/* out[M,N] += bias[N] on every row */
void bcml_add_bias_rows(float *out, const float *bias, int M, int N);
/* db[N] += column sums of dout[M,N] */
void bcml_sum_rows(float *db, const float *dout, int M, int N);
/* db[M] += row sums of d[M,N], each summed in column order, one term at a time */
void bcml_add_row_sums(float *db, const float *d, int M, int N);

/* per row of z[n, C]: p = softmax(z), logp = log_softmax(z) (both [n, C]) */
void bcml_softmax_rows(const float *z, int n, int C, float *p, float *logp);
/* index of the first maximal element; -1 when a value is NaN */
int bcml_argmax(const float *z, int C);

#endif /* BCML_KERNELS_H */
