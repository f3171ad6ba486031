/* kernels.h - the numeric building blocks: GEMM and the row-wise activations. Plain float arrays. */
#ifndef BCML_KERNELS_H
#define BCML_KERNELS_H

#include <stdint.h>

/* C[M,N] = (accumulate ? C : 0) + op(A)[M,K] @ op(B)[K,N]
 * op(A) = A ([M,K], row stride lda) or, when ta, A^T with A stored [K,M]; likewise op(B) with tb.
 * Every C element sums its K products in the same fixed order in every build. */
void bcml_gemm(int ta, int tb, int M, int N, int K, const float *A, int lda, const float *B, int ldb,
               float *C, int ldc, int accumulate);

/* Name of the instruction set the kernels were compiled for ("avx", "sse2", "wasm-simd128", "neon", "scalar"). */
const char *bcml_simd_name(void);

/* out[M,N] += bias[N] on every row */
void bcml_add_bias_rows(float *out, const float *bias, int M, int N);
/* db[N] += column sums of dout[M,N] */
void bcml_sum_rows(float *db, const float *dout, int M, int N);

/* per row of z[n, C]: p = softmax(z), logp = log_softmax(z) (both [n, C]) */
void bcml_softmax_rows(const float *z, int n, int C, float *p, float *logp);
/* index of the first maximal element; -1 when a value is NaN */
int bcml_argmax(const float *z, int C);

#endif /* BCML_KERNELS_H */
