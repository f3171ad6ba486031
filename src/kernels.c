/* kernels.c - register-blocked float32 GEMM and row-wise activations.
 *
 * GEMM packs op(A) into MR-row panels and op(B) into NR-column panels (zero padded), then a 4x8 micro
 * kernel keeps 8 vector accumulators in registers. Transposes only change the packing.
 */
#include "kernels.h"
#include "fmath.h"
#include "simd.h"

#include <string.h>

#define MR 4
#define NR 8
#define MC 64
#define KC 256
#define NC 512

/* per thread, so native sweeps can run models in parallel threads */
static _Thread_local float pack_a[MC * KC];
static _Thread_local float pack_b[KC * NC];

const char *bcml_simd_name(void) { return BCML_SIMD_NAME; }

/* pa[p][k][r] = op(A)[i0 + p*MR + r, k0 + k], zero outside the block */
static void pack_a_block(int ta, const float *A, int lda, int i0, int mc, int k0, int kc, float *pa) {
    for (int p = 0; p < mc; p += MR) {
        for (int k = 0; k < kc; k++) {
            for (int r = 0; r < MR; r++) {
                int i = p + r;
                float v = 0.0f;
                if (i < mc) v = ta ? A[(size_t)(k0 + k) * lda + i0 + i] : A[(size_t)(i0 + i) * lda + k0 + k];
                *pa++ = v;
            }
        }
    }
}

/* pb[q][k][j] = op(B)[k0 + k, j0 + q*NR + j], zero outside the block */
static void pack_b_block(int tb, const float *B, int ldb, int k0, int kc, int j0, int nc, float *pb) {
    for (int q = 0; q < nc; q += NR) {
        for (int k = 0; k < kc; k++) {
            for (int j = 0; j < NR; j++) {
                int col = q + j;
                float v = 0.0f;
                if (col < nc) v = tb ? B[(size_t)(j0 + col) * ldb + k0 + k] : B[(size_t)(k0 + k) * ldb + j0 + col];
                *pb++ = v;
            }
        }
    }
}

/* C[mr,nr] = (add ? C : 0) + pa-panel @ pb-panel over kc */
static void micro_kernel(int kc, const float *pa, const float *pb, float *C, int ldc, int mr, int nr, int add) {
    vf4 c00 = vf4_splat(0.0f), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    for (int k = 0; k < kc; k++) {
        vf4 b0 = vf4_load(pb), b1 = vf4_load(pb + 4);
        vf4 a;
        a = vf4_splat(pa[0]); c00 = vf4_add(c00, vf4_mul(a, b0)); c01 = vf4_add(c01, vf4_mul(a, b1));
        a = vf4_splat(pa[1]); c10 = vf4_add(c10, vf4_mul(a, b0)); c11 = vf4_add(c11, vf4_mul(a, b1));
        a = vf4_splat(pa[2]); c20 = vf4_add(c20, vf4_mul(a, b0)); c21 = vf4_add(c21, vf4_mul(a, b1));
        a = vf4_splat(pa[3]); c30 = vf4_add(c30, vf4_mul(a, b0)); c31 = vf4_add(c31, vf4_mul(a, b1));
        pa += MR;
        pb += NR;
    }
    if (mr == MR && nr == NR) {
        vf4 acc[8] = {c00, c01, c10, c11, c20, c21, c30, c31};
        for (int r = 0; r < MR; r++) {
            float *row = C + (size_t)r * ldc;
            if (add) {
                vf4_store(row, vf4_add(vf4_load(row), acc[2 * r]));
                vf4_store(row + 4, vf4_add(vf4_load(row + 4), acc[2 * r + 1]));
            } else {
                vf4_store(row, acc[2 * r]);
                vf4_store(row + 4, acc[2 * r + 1]);
            }
        }
        return;
    }
    float t[MR * NR];
    vf4_store(t + 0, c00); vf4_store(t + 4, c01); vf4_store(t + 8, c10); vf4_store(t + 12, c11);
    vf4_store(t + 16, c20); vf4_store(t + 20, c21); vf4_store(t + 24, c30); vf4_store(t + 28, c31);
    for (int r = 0; r < mr; r++)
        for (int j = 0; j < nr; j++) {
            float *c = C + (size_t)r * ldc + j;
            *c = add ? *c + t[r * NR + j] : t[r * NR + j];
        }
}

/* sum of the four lanes, in one fixed order for every build */
static inline float hsum(vf4 v) {
    float t[4];
    vf4_store(t, v);
    return (t[0] + t[1]) + (t[2] + t[3]);
}

/* C[i,j] = dot(A row i, B row j) for few columns (a linear layer's forward with 1-4 outputs): the
 * packed kernel would waste most of its 8 columns and copy all of A first. Order depends on K only. */
static void gemm_rows_dot(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc,
                          int accumulate) {
    int K4 = K & ~3;
    for (int i = 0; i < M; i++) {
        const float *a = A + (size_t)i * lda;
        for (int j = 0; j < N; j++) {
            const float *b = B + (size_t)j * ldb;
            vf4 acc0 = vf4_splat(0.0f), acc1 = acc0;
            int k = 0;
            for (; k + 8 <= K4; k += 8) {
                acc0 = vf4_add(acc0, vf4_mul(vf4_load(a + k), vf4_load(b + k)));
                acc1 = vf4_add(acc1, vf4_mul(vf4_load(a + k + 4), vf4_load(b + k + 4)));
            }
            if (k < K4) acc0 = vf4_add(acc0, vf4_mul(vf4_load(a + k), vf4_load(b + k)));
            float sum = hsum(vf4_add(acc0, acc1));
            for (k = K4; k < K; k++) sum += a[k] * b[k];
            float *c = C + (size_t)i * ldc + j;
            *c = accumulate ? *c + sum : sum;
        }
    }
}

/* C[r,:] = sum_k A[k,r] * B[k,:] for few rows r (a linear layer's weight gradient with 1-4 outputs): rows
 * of B streamed once per 8 columns, sequential in k per element like the packed kernel. */
static void gemm_few_rows_t(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc,
                            int accumulate) {
    int N8 = N & ~7;
    for (int col = 0; col < N8; col += 8) {
        vf4 acc[4][2];
        for (int r = 0; r < M; r++) acc[r][0] = acc[r][1] = vf4_splat(0.0f);
        for (int k = 0; k < K; k++) {
            const float *b = B + (size_t)k * ldb + col, *a = A + (size_t)k * lda;
            vf4 b0 = vf4_load(b), b1 = vf4_load(b + 4);
            for (int r = 0; r < M; r++) {
                vf4 s = vf4_splat(a[r]);
                acc[r][0] = vf4_add(acc[r][0], vf4_mul(s, b0));
                acc[r][1] = vf4_add(acc[r][1], vf4_mul(s, b1));
            }
        }
        for (int r = 0; r < M; r++) {
            float *c = C + (size_t)r * ldc + col;
            if (accumulate) {
                vf4_store(c, vf4_add(vf4_load(c), acc[r][0]));
                vf4_store(c + 4, vf4_add(vf4_load(c + 4), acc[r][1]));
            } else {
                vf4_store(c, acc[r][0]);
                vf4_store(c + 4, acc[r][1]);
            }
        }
    }
    for (int col = N8; col < N; col++)
        for (int r = 0; r < M; r++) {
            float sum = 0.0f;
            for (int k = 0; k < K; k++) sum += A[(size_t)k * lda + r] * B[(size_t)k * ldb + col];
            float *c = C + (size_t)r * ldc + col;
            *c = accumulate ? *c + sum : sum;
        }
}

void bcml_gemm(int ta, int tb, int M, int N, int K, const float *A, int lda, const float *B, int ldb,
               float *C, int ldc, int accumulate) {
    if (M <= 0 || N <= 0) return;
    if (K <= 0) {
        if (!accumulate)
            for (int i = 0; i < M; i++) memset(C + (size_t)i * ldc, 0, (size_t)N * sizeof(float));
        return;
    }
    /* the shape decides the path (never M alone for the forward), so a row's result does not depend on
     * how many rows share the call */
    if (!ta && tb && N <= 4) { gemm_rows_dot(M, N, K, A, lda, B, ldb, C, ldc, accumulate); return; }
    if (ta && !tb && M <= 4) { gemm_few_rows_t(M, N, K, A, lda, B, ldb, C, ldc, accumulate); return; }
    for (int jc = 0; jc < N; jc += NC) {
        int nc = N - jc < NC ? N - jc : NC;
        for (int pc = 0; pc < K; pc += KC) {
            int kc = K - pc < KC ? K - pc : KC;
            int add = accumulate || pc > 0;
            pack_b_block(tb, B, ldb, pc, kc, jc, nc, pack_b);
            for (int ic = 0; ic < M; ic += MC) {
                int mc = M - ic < MC ? M - ic : MC;
                pack_a_block(ta, A, lda, ic, mc, pc, kc, pack_a);
                for (int jr = 0; jr < nc; jr += NR) {
                    int nr = nc - jr < NR ? nc - jr : NR;
                    for (int ir = 0; ir < mc; ir += MR) {
                        int mr = mc - ir < MR ? mc - ir : MR;
                        micro_kernel(kc, pack_a + (size_t)ir * kc, pack_b + (size_t)jr * kc,
                                     C + (size_t)(ic + ir) * ldc + jc + jr, ldc, mr, nr, add);
                    }
                }
            }
        }
    }
}

void bcml_add_bias_rows(float *out, const float *bias, int M, int N) {
    for (int i = 0; i < M; i++) {
        float *row = out + (size_t)i * N;
        for (int j = 0; j < N; j++) row[j] += bias[j];
    }
}

void bcml_sum_rows(float *db, const float *dout, int M, int N) {
    for (int i = 0; i < M; i++) {
        const float *row = dout + (size_t)i * N;
        for (int j = 0; j < N; j++) db[j] += row[j];
    }
}

int bcml_argmax(const float *z, int C) {
    int best = 0;
    for (int j = 0; j < C; j++) {
        if (z[j] != z[j]) return -1;
        if (z[j] > z[best]) best = j;
    }
    return best;
}

int bcml_softmax_row(const float *z, int C, float *p, float *logp) {
    int best = bcml_argmax(z, C);
    float mx = best >= 0 ? z[best] : z[0];
    double sum = 0.0;
    /* one exp per class: p keeps exp(z - max) until the sum is known */
    for (int j = 0; j < C; j++) {
        float v = j == best ? 1.0f : bcml_expf(z[j] - mx); /* exp(0) is exactly 1 */
        if (p) p[j] = v;
        sum += (double)v;
    }
    float lse = bcml_logf((float)sum), inv = (float)(1.0 / sum);
    for (int j = 0; j < C; j++) {
        if (logp) logp[j] = (z[j] - mx) - lse;
        if (p) p[j] *= inv;
    }
    return best;
}
