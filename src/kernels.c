/* kernels.c - register-blocked float32 GEMM and row-wise activations.
 *
 * GEMM packs op(A) into MR-row panels and op(B) into NR-column panels (zero padded; B is read in place when
 * few rows reuse it), then a 4 x NR micro kernel (NR = two of the build's widest vectors) keeps 8 vector
 * accumulators in registers; edge tiles compute only their rows and vectors. Transposes only change the
 * packing. Every C element sums its products in k order within a KC block whatever the tile, so builds with
 * different vector widths give the same bits. A stride-1 convolution's forward and weight gradient use the same
 * tiles and order, reading the images in place instead of an im2col copy.
 */
#include "kernels.h"
#include "fmath.h"
#include "internal.h"
#include "simd.h"

#include <string.h>

#define MR 4
#define NR (2 * BCML_VW)
#define MC 64
#define KC 256
#define NC 512
#define DIRECT_M 32

/* per thread, so native sweeps can run models in parallel threads */
static _Thread_local float pack_a[MC * KC];
static _Thread_local float pack_b[KC * NC];

const char *bcml_simd_name(void) { return BCML_WIDE_NAME; }

/* zeros standing in for the rows past a matrix's edge, so an edge panel is packed like a full one */
static const float zero_row[KC];

/* d[k * stride + r] = s[r][k] for r < 4, k < kc: 4 x 4 blocks transposed in registers */
static inline void pack_4_rows(const float *s0, const float *s1, const float *s2, const float *s3, int kc, float *d,
                               size_t stride) {
    int k = 0;
    for (; k + 4 <= kc; k += 4, d += 4 * stride) {
        vf4 r0 = vf4_load(s0 + k), r1 = vf4_load(s1 + k), r2 = vf4_load(s2 + k), r3 = vf4_load(s3 + k);
        vf4_transpose4(r0, r1, r2, r3);
        vf4_store(d, r0); vf4_store(d + stride, r1); vf4_store(d + 2 * stride, r2); vf4_store(d + 3 * stride, r3);
    }
    for (; k < kc; k++, d += stride) {
        d[0] = s0[k]; d[1] = s1[k]; d[2] = s2[k]; d[3] = s3[k];
    }
}

/* pa[p][k][r] = op(A)[i0 + p*MR + r, k0 + k], zero outside the block */
static void pack_a_block(int ta, const float *A, int lda, int i0, int mc, int k0, int kc, float *pa) {
    for (int p = 0; p < mc; p += MR, pa += (size_t)kc * MR) {
        if (!ta) { /* MR rows of A read side by side */
            const float *r[MR];
            for (int q = 0; q < MR; q++) r[q] = p + q < mc ? A + (size_t)(i0 + p + q) * lda + k0 : zero_row;
            pack_4_rows(r[0], r[1], r[2], r[3], kc, pa, MR);
        } else if (p + MR <= mc) { /* a full panel of op(A) = A^T: MR contiguous floats per k */
            for (int k = 0; k < kc; k++) vf4_store(pa + (size_t)k * MR, vf4_load(A + (size_t)(k0 + k) * lda + i0 + p));
        } else {
            for (int k = 0; k < kc; k++)
                for (int q = 0; q < MR; q++) pa[(size_t)k * MR + q] = p + q < mc ? A[(size_t)(k0 + k) * lda + i0 + p + q] : 0.0f;
        }
    }
}

/* pb[q][k][j] = op(B)[k0 + k, j0 + q*NR + j], zero outside the block */
static void pack_b_block(int tb, const float *B, int ldb, int k0, int kc, int j0, int nc, float *pb) {
    for (int q = 0; q < nc; q += NR, pb += (size_t)kc * NR) {
        if (tb) { /* op(B) = B^T: each column is a contiguous row of B, 4 of them at a time */
            for (int j = 0; j < NR; j += 4) {
                const float *r[4];
                for (int t = 0; t < 4; t++) r[t] = q + j + t < nc ? B + (size_t)(j0 + q + j + t) * ldb + k0 : zero_row;
                pack_4_rows(r[0], r[1], r[2], r[3], kc, pb + j, NR);
            }
        } else if (q + NR <= nc) { /* a full panel: NR contiguous floats of each row */
            for (int k = 0; k < kc; k++) {
                const float *src = B + (size_t)(k0 + k) * ldb + j0 + q;
                vfw_store(pb + (size_t)k * NR, vfw_load(src));
                vfw_store(pb + (size_t)k * NR + BCML_VW, vfw_load(src + BCML_VW));
            }
        } else {
            for (int k = 0; k < kc; k++)
                for (int j = 0; j < NR; j++)
                    pb[(size_t)k * NR + j] = q + j < nc ? B[(size_t)(k0 + k) * ldb + j0 + q + j] : 0.0f;
        }
    }
}

/* Where op(B) comes from: a matrix (tb, B, ldb), or, with img, the transposed im2col of one image (stride 1, no
 * padding): op(B)[k][j] = img[offset of kernel element j + offset of output pixel k], read in place. */
typedef struct {
    int tb;
    const float *B;
    int ldb;
    const float *img;
    int H, W, K, OW;
} b_source;

/* pack_b_block over an image's transposed im2col: each run of pixels within one output row is a run of an input
 * row, so 4 kernel elements at a time are packed by the same 4 x 4 transposes, a row segment at a time */
static void pack_b_im2col_t(const b_source *s, int k0, int kc, int j0, int nc, float *pb) {
    const int KK = s->K * s->K;
    for (int q = 0; q < nc; q += NR, pb += (size_t)kc * NR)
        for (int j = 0; j < NR; j += 4) {
            const float *r[4];
            for (int t = 0; t < 4; t++) {
                int e = j0 + q + j + t; /* kernel element (c, kh, kw) */
                r[t] = q + j + t < nc ? s->img + ((size_t)(e / KK) * s->H + e / s->K % s->K) * s->W + e % s->K : NULL;
            }
            for (int k = 0; k < kc;) {
                int pix = k0 + k, oh = pix / s->OW, ow = pix % s->OW, len = s->OW - ow < kc - k ? s->OW - ow : kc - k;
                size_t at = (size_t)oh * s->W + ow;
                pack_4_rows(r[0] ? r[0] + at : zero_row, r[1] ? r[1] + at : zero_row, r[2] ? r[2] + at : zero_row,
                            r[3] ? r[3] + at : zero_row, len, pb + j + (size_t)k * NR, NR);
                k += len;
            }
        }
}

static void pack_b_from(const b_source *s, int k0, int kc, int j0, int nc, float *pb) {
    if (s->img) pack_b_im2col_t(s, k0, kc, j0, nc, pb);
    else pack_b_block(s->tb, s->B, s->ldb, k0, kc, j0, nc, pb);
}

/* C[R, nr] = (add ? C : 0) + pa-panel @ (V vectors of B's rows, bs floats apart) over kc, nr <= V * W.
 * R and V are literals, so an edge tile computes only its rows and vectors; b is a packed panel (bs = NR) or
 * B itself (bs = ldb), or, with off, row k is at b + off[k] (an image read in place as its im2col). */
static BCML_ALWAYS_INLINE void tile_at(const int R, const int V, int kc, const float *pa, const float *b, size_t bs,
                                       const int *off, float *C, int ldc, int nr, int add) {
    enum { W = BCML_VW };
    vfw acc[MR][2];
    for (int r = 0; r < R; r++)
        for (int v = 0; v < V; v++) acc[r][v] = vfw_splat(0.0f);
    for (int k = 0; k < kc; k++, pa += MR, b += bs) {
        const float *row = off ? b + off[k] : b;
        vfw bv[2];
        for (int v = 0; v < V; v++) bv[v] = vfw_load(row + v * W);
        for (int r = 0; r < R; r++) {
            vfw a = vfw_splat(pa[r]);
            for (int v = 0; v < V; v++) acc[r][v] = vfw_add(acc[r][v], vfw_mul(a, bv[v]));
        }
    }
    for (int r = 0; r < R; r++)
        for (int v = 0; v < V; v++) {
            float *c = C + (size_t)r * ldc + v * W;
            if (nr >= (v + 1) * W) {
                vfw_store(c, add ? vfw_add(vfw_load(c), acc[r][v]) : acc[r][v]);
                continue;
            }
            float t[W];
            vfw_store(t, acc[r][v]);
            for (int j = 0; j < nr - v * W; j++) c[j] = add ? c[j] + t[j] : t[j];
        }
}
static BCML_ALWAYS_INLINE void tile(const int R, const int V, int kc, const float *pa, const float *b, size_t bs,
                                    float *C, int ldc, int nr, int add) {
    tile_at(R, V, kc, pa, b, bs, NULL, C, ldc, nr, add);
}
/* the edge tiles: one function per shape, called through a table (with all eight inlined into one function, by
 * clang or by V8 for direct calls, wasm's tile loops ran 1.6x slower) */
#define TILE_FN(R, V)                                                                                         \
    static BCML_NOINLINE void tile_##R##_##V(int kc, const float *pa, const float *b, size_t bs, float *C, int ldc, \
                                             int nr, int add) { tile(R, V, kc, pa, b, bs, C, ldc, nr, add); }
TILE_FN(1, 1) TILE_FN(2, 1) TILE_FN(3, 1) TILE_FN(4, 1) TILE_FN(1, 2) TILE_FN(2, 2) TILE_FN(3, 2) TILE_FN(4, 2)
typedef void (*tile_fn)(int, const float *, const float *, size_t, float *, int, int, int);
static const tile_fn tiles[2][MR] = {{tile_1_1, tile_2_1, tile_3_1, tile_4_1}, {tile_1_2, tile_2_2, tile_3_2, tile_4_2}};

static inline void micro_kernel(int kc, const float *pa, const float *b, size_t bs, float *C, int ldc, int mr, int nr, int add) {
    if (mr == MR && nr == NR) tile(MR, 2, kc, pa, b, bs, C, ldc, nr, add); /* inline: most tiles are full */
    else tiles[nr > BCML_VW][mr - 1](kc, pa, b, bs, C, ldc, nr, add);
}

/* sum of the four lanes, in one fixed order for every build */
static inline float hsum(vf4 v) {
    float t[4];
    vf4_store(t, v);
    return (t[0] + t[1]) + (t[2] + t[3]);
}

/* C[i,j] = dot(A row i, B row j) for few columns (a linear layer's forward with 1-4 outputs): the
 * packed kernel would waste most of its 8 columns and copy all of A first. Each dot keeps 8 partial
 * sums (k mod 8) and one reduction order, so results depend on K only; N is a constant per call site so
 * all N dots of a row share its loads and their chains overlap. */
static BCML_ALWAYS_INLINE void rows_dot_n(const int N, int M, int K, const float *A, int lda, const float *B,
                                          int ldb, float *C, int ldc, int accumulate) {
    int K4 = K & ~3;
    for (int i = 0; i < M; i++) {
        const float *a = A + (size_t)i * lda;
        vf4 acc0[4], acc1[4];
        for (int j = 0; j < N; j++) acc0[j] = acc1[j] = vf4_splat(0.0f);
        int k = 0;
        for (; k + 8 <= K4; k += 8) {
            vf4 a0 = vf4_load(a + k), a1 = vf4_load(a + k + 4);
            for (int j = 0; j < N; j++) {
                const float *b = B + (size_t)j * ldb + k;
                acc0[j] = vf4_add(acc0[j], vf4_mul(a0, vf4_load(b)));
                acc1[j] = vf4_add(acc1[j], vf4_mul(a1, vf4_load(b + 4)));
            }
        }
        if (k < K4) {
            vf4 a0 = vf4_load(a + k);
            for (int j = 0; j < N; j++) acc0[j] = vf4_add(acc0[j], vf4_mul(a0, vf4_load(B + (size_t)j * ldb + k)));
        }
        for (int j = 0; j < N; j++) {
            const float *b = B + (size_t)j * ldb;
            float sum = hsum(vf4_add(acc0[j], acc1[j]));
            for (k = K4; k < K; k++) sum += a[k] * b[k];
            float *c = C + (size_t)i * ldc + j;
            *c = accumulate ? *c + sum : sum;
        }
    }
}

/* C[r, col .. col + V*W) for few rows r (a linear layer's weight gradient with 1-4 outputs): rows of B
 * streamed once per block with M and V constants, so the accumulators stay in registers; each element is one
 * sequential sum over k like the packed kernel. */
static BCML_ALWAYS_INLINE void few_rows_t_block(const int M, const int V, int col, int K, const float *A, int lda,
                                                const float *B, int ldb, float *C, int ldc, int accumulate) {
    enum { W = BCML_VW };
    vfw acc[4][4];
    for (int r = 0; r < M; r++)
        for (int v = 0; v < V; v++) acc[r][v] = vfw_splat(0.0f);
    for (int k = 0; k < K; k++) {
        const float *b = B + (size_t)k * ldb + col, *a = A + (size_t)k * lda;
        vfw bv[4];
        for (int v = 0; v < V; v++) bv[v] = vfw_load(b + v * W);
        for (int r = 0; r < M; r++) {
            vfw s = vfw_splat(a[r]);
            for (int v = 0; v < V; v++) acc[r][v] = vfw_add(acc[r][v], vfw_mul(s, bv[v]));
        }
    }
    for (int r = 0; r < M; r++)
        for (int v = 0; v < V; v++) {
            float *c = C + (size_t)r * ldc + col + v * W;
            vfw_store(c, accumulate ? vfw_add(vfw_load(c), acc[r][v]) : acc[r][v]);
        }
}

/* with 1-2 rows, 4 vectors per pass over B (fewer passes); the last columns through a small buffer */
static BCML_ALWAYS_INLINE void few_rows_t_m(const int M, int N, int K, const float *A, int lda, const float *B,
                                            int ldb, float *C, int ldc, int accumulate) {
    int col = 0;
    if (M <= 2)
        for (; col + 2 * NR <= N; col += 2 * NR) few_rows_t_block(M, 4, col, K, A, lda, B, ldb, C, ldc, accumulate);
    for (; col + NR <= N; col += NR) few_rows_t_block(M, 2, col, K, A, lda, B, ldb, C, ldc, accumulate);
    int NB = col;
    int rest = N - NB;
    if (!rest) return;
    float t[4][NR];
    memset(t, 0, sizeof t);
    for (int k = 0; k < K; k++) {
        const float *b = B + (size_t)k * ldb + NB, *a = A + (size_t)k * lda;
        for (int r = 0; r < M; r++)
            for (int j = 0; j < rest; j++) t[r][j] += a[r] * b[j];
    }
    for (int r = 0; r < M; r++)
        for (int j = 0; j < rest; j++) {
            float *c = C + (size_t)r * ldc + NB + j;
            *c = accumulate ? *c + t[r][j] : t[r][j];
        }
}

/* The blocked product behind bcml_gemm: op(B) packed by blocks from its source, or read in place (direct). */
static void gemm_packed(int ta, int M, int N, int K, const float *A, int lda, const b_source *src, int direct,
                        float *C, int ldc, int accumulate) {
    for (int jc = 0; jc < N; jc += NC) {
        int nc = N - jc < NC ? N - jc : NC;
        int full = direct ? nc - nc % NR : 0;
        for (int pc = 0; pc < K; pc += KC) {
            int kc = K - pc < KC ? K - pc : KC;
            int add = accumulate || pc > 0;
            if (full < nc) pack_b_from(src, pc, kc, jc + full, nc - full, pack_b);
            for (int ic = 0; ic < M; ic += MC) {
                int mc = M - ic < MC ? M - ic : MC;
                pack_a_block(ta, A, lda, ic, mc, pc, kc, pack_a);
                for (int jr = 0; jr < nc; jr += NR) {
                    int nr = nc - jr < NR ? nc - jr : NR;
                    const float *b = jr < full ? src->B + (size_t)pc * src->ldb + jc + jr : pack_b + (size_t)(jr - full) * kc;
                    size_t bs = jr < full ? (size_t)src->ldb : NR;
                    for (int ir = 0; ir < mc; ir += MR) {
                        int mr = mc - ir < MR ? mc - ir : MR;
                        micro_kernel(kc, pack_a + (size_t)ir * kc, b, bs, C + (size_t)(ic + ir) * ldc + jc + jr, ldc, mr,
                                     nr, add);
                    }
                }
            }
        }
    }
}

/* the skinny paths, one function per count (a model calls one or two: a wasm engine compiles just those, each small) */
#define SKINNY_FN(n)                                                                                                  \
    static BCML_NOINLINE void rows_dot_##n(int M, int K, const float *A, int lda, const float *B, int ldb, float *C,  \
                                           int ldc, int accumulate) { rows_dot_n(n, M, K, A, lda, B, ldb, C, ldc, accumulate); } \
    static BCML_NOINLINE void few_rows_t_##n(int N, int K, const float *A, int lda, const float *B, int ldb, float *C, \
                                             int ldc, int accumulate) { few_rows_t_m(n, N, K, A, lda, B, ldb, C, ldc, accumulate); }
SKINNY_FN(1) SKINNY_FN(2) SKINNY_FN(3) SKINNY_FN(4)
typedef void (*skinny_fn)(int, int, const float *, int, const float *, int, float *, int, int);
static const skinny_fn rows_dot[4] = {rows_dot_1, rows_dot_2, rows_dot_3, rows_dot_4};
static const skinny_fn few_rows_t[4] = {few_rows_t_1, few_rows_t_2, few_rows_t_3, few_rows_t_4};

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
    if (!ta && tb && N <= 4) { rows_dot[N - 1](M, K, A, lda, B, ldb, C, ldc, accumulate); return; }
    if (ta && !tb && M <= 4) { few_rows_t[M - 1](N, K, A, lda, B, ldb, C, ldc, accumulate); return; }
    /* B read in place, not packed, when few row panels reuse it (copying it would cost more than it saves);
     * only a last panel narrower than NR is packed, so reads stay inside B */
    b_source src = {tb, B, ldb, NULL, 0, 0, 0, 0};
    gemm_packed(ta, M, N, K, A, lda, &src, !tb && M <= DIRECT_M, C, ldc, accumulate);
}

/* The im2col tiles: full NR-wide panels (V = 2) or one vector (V = 1) of R rows, row k at b + off[k]. */
#define CONV_TILE_FN(R, V)                                                                                       \
    static BCML_NOINLINE void conv_tile_##R##_##V(int kc, const float *pa, const float *b, const int *off,      \
                                                  float *C, int ldc) { tile_at(R, V, kc, pa, b, 0, off, C, ldc, V * BCML_VW, 0); }
CONV_TILE_FN(1, 1) CONV_TILE_FN(2, 1) CONV_TILE_FN(3, 1) CONV_TILE_FN(1, 2) CONV_TILE_FN(2, 2) CONV_TILE_FN(3, 2)
typedef void (*conv_tile_fn)(int, const float *, const float *, const int *, float *, int);
static const conv_tile_fn conv_tiles[2][MR - 1] = {{conv_tile_1_1, conv_tile_2_1, conv_tile_3_1},
                                                   {conv_tile_1_2, conv_tile_2_2, conv_tile_3_2}};

int bcml_conv_in_place(int OW, int CKK) { return OW % BCML_VW == 0 && CKK <= KC; }

void bcml_conv_gemm(int B, int OC, int C, int H, int W, int K, const float *w, const float *inp, float *out) {
    int OH = H - K + 1, OW = W - K + 1, CKK = C * K * K, OHW = OH * OW;
    int off[KC];
    for (int c = 0; c < C; c++) /* k = (c, kh, kw), as im2col numbers its rows */
        for (int kh = 0; kh < K; kh++)
            for (int kw = 0; kw < K; kw++) off[(c * K + kh) * K + kw] = (c * H + kh) * W + kw;
    for (int ic = 0; ic < OC; ic += MC) {
        int mc = OC - ic < MC ? OC - ic : MC;
        pack_a_block(0, w, CKK, ic, mc, 0, CKK, pack_a); /* once for the whole batch */
        for (int n = 0; n < B; n++)
            for (int oh = 0; oh < OH; oh++)
                for (int ow = 0, V; ow < OW; ow += V * BCML_VW) {
                    V = ow + NR <= OW ? 2 : 1; /* NR-wide panels, then one vector where the row has one left */
                    /* output pixel (oh, ow..): input row oh + kh from column ow + kw on */
                    const float *b = inp + (size_t)n * C * H * W + (size_t)oh * W + ow;
                    float *c = out + ((size_t)n * OC + ic) * OHW + (size_t)oh * OW + ow;
                    for (int ir = 0; ir < mc; ir += MR) {
                        int mr = mc - ir < MR ? mc - ir : MR;
                        const float *pa = pack_a + (size_t)ir * CKK;
                        float *cr = c + (size_t)ir * OHW;
                        if (mr == MR && V == 2) tile_at(MR, 2, CKK, pa, b, 0, off, cr, OHW, NR, 0);
                        else if (mr == MR) tile_at(MR, 1, CKK, pa, b, 0, off, cr, OHW, BCML_VW, 0);
                        else conv_tiles[V - 1][mr - 1](CKK, pa, b, off, cr, OHW);
                    }
                }
    }
}

void bcml_conv_gemm_dw(int B, int OC, int C, int H, int W, int K, const float *dout, const float *inp, float *dw) {
    int OH = H - K + 1, OW = W - K + 1, OHW = OH * OW;
    for (int n = 0; n < B; n++) { /* image by image, as bcml_gemm over each im2col matrix adds into dw */
        b_source src = {1, NULL, 0, inp + (size_t)n * C * H * W, H, W, K, OW};
        gemm_packed(0, OC, C * K * K, OHW, dout + (size_t)n * OC * OHW, OHW, &src, 0, dw, C * K * K, 1);
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

void bcml_add_row_sums(float *db, const float *d, int M, int N) {
    int i = 0;
    for (; i + 4 <= M; i += 4) { /* 4 rows side by side: a 4 x 4 transpose gives the 4 sums' next terms as one vector */
        const float *r0 = d + (size_t)i * N, *r1 = r0 + N, *r2 = r1 + N, *r3 = r2 + N;
        vf4 acc = vf4_load(db + i);
        int j = 0;
        for (; j + 4 <= N; j += 4) {
            vf4 a = vf4_load(r0 + j), b = vf4_load(r1 + j), c = vf4_load(r2 + j), e = vf4_load(r3 + j);
            vf4_transpose4(a, b, c, e);
            acc = vf4_add(vf4_add(vf4_add(vf4_add(acc, a), b), c), e);
        }
        vf4_store(db + i, acc);
        for (; j < N; j++) {
            db[i] += r0[j]; db[i + 1] += r1[j]; db[i + 2] += r2[j]; db[i + 3] += r3[j];
        }
    }
    for (; i < M; i++)
        for (int j = 0; j < N; j++) db[i] += d[(size_t)i * N + j];
}

int bcml_argmax(const float *z, int C) {
    int best = 0;
    for (int j = 0; j < C; j++) {
        if (z[j] != z[j]) return -1;
        best = z[j] > z[best] ? j : best; /* a select: which class wins is data-dependent */
    }
    return best;
}

void bcml_softmax_rows(const float *z, int n, int C, float *p, float *logp) {
    /* in passes over up to 64 rows, each a plain loop over an array: the exp and log steps of different
     * elements are independent, so they vectorize or at least overlap */
    enum { ROWS = 64 };
    float mx[ROWS], sumf[ROWS], lse[ROWS], inv[ROWS];
    double sum[ROWS];
    int best[ROWS];
    for (int i0 = 0; i0 < n; i0 += ROWS) {
        int m = n - i0 < ROWS ? n - i0 : ROWS;
        size_t mc = (size_t)m * C;
        const float *zb = z + (size_t)i0 * C;
        float *pb = p + (size_t)i0 * C, *lb = logp + (size_t)i0 * C;
        for (int i = 0; i < m; i++) {
            best[i] = bcml_argmax(zb + (size_t)i * C, C);
            mx[i] = zb[(size_t)i * C + (best[i] >= 0 ? best[i] : 0)];
            for (int j = 0; j < C; j++) lb[(size_t)i * C + j] = zb[(size_t)i * C + j] - mx[i];
        }
        for (size_t k = 0; k < mc; k++) pb[k] = bcml_expf(lb[k]); /* p keeps exp(z - max) until the sum is known */
        for (int i = 0; i < m; i++) {
            if (best[i] >= 0) pb[(size_t)i * C + best[i]] = 1.0f; /* exactly 1, even when the max is infinite */
            double s = 0.0;
            for (int j = 0; j < C; j++) s += (double)pb[(size_t)i * C + j];
            sum[i] = s;
            sumf[i] = (float)s;
        }
        for (int i = 0; i < m; i++) lse[i] = bcml_logf(sumf[i]);
        for (int i = 0; i < m; i++) inv[i] = (float)(1.0 / sum[i]);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < C; j++) {
                size_t at = (size_t)i * C + j;
                lb[at] -= lse[i];
                pb[at] *= inv[i];
            }
    }
}
