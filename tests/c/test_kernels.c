/* test_kernels.c - GEMM against references (all transposes, block edges), exp/log accuracy, softmax. */
#include "check.h"
#include "../../src/fmath.h"
#include "../../src/internal.h"
#include "../../src/kernels.h"

#include <stdlib.h>
#include <string.h>

static float rnd(bcml_rng *r) { return 2.0f * bcml_rng_uniform(r) - 1.0f; }

static float opa(int ta, const float *A, int lda, int i, int k) { return ta ? A[k * lda + i] : A[i * lda + k]; }

/* The order GEMM promises: within each 256-long block of K, products added left to right from 0 in float;
 * blocks then added to C in order. The skinny paths have their own fixed orders: 1-4 outputs of A B^T keep 8
 * partial sums (k mod 8) reduced as ((p0+p4)+(p1+p5))+((p2+p6)+(p3+p7)), then the last K mod 4 terms; 1-4 rows
 * of A^T B sum all of K left to right. Same bits expected. */
static float same_order(int ta, int tb, int M, int N, int i, int j, int K, const float *A, int lda, const float *B,
                        int ldb, float c0, int acc) {
    float c = acc ? c0 : 0.0f;
    if (!ta && tb && N <= 4) {
        float p[8] = {0};
        int K4 = K & ~3, k = 0;
        for (; k + 8 <= K4; k += 8)
            for (int l = 0; l < 8; l++) p[l] = p[l] + opa(0, A, lda, i, k + l) * opa(0, B, ldb, j, k + l);
        if (k < K4)
            for (int l = 0; l < 4; l++) p[l] = p[l] + opa(0, A, lda, i, k + l) * opa(0, B, ldb, j, k + l);
        float s = ((p[0] + p[4]) + (p[1] + p[5])) + ((p[2] + p[6]) + (p[3] + p[7]));
        for (k = K4; k < K; k++) s += opa(0, A, lda, i, k) * opa(0, B, ldb, j, k);
        return acc ? c + s : s;
    }
    if (ta && !tb && M <= 4) {
        float s = 0.0f;
        for (int k = 0; k < K; k++) s = s + opa(1, A, lda, i, k) * opa(1, B, ldb, j, k);
        return acc ? c + s : s;
    }
    for (int k0 = 0; k0 < K; k0 += 256) {
        float s = 0.0f;
        for (int k = k0; k < K && k < k0 + 256; k++) s = s + opa(ta, A, lda, i, k) * opa(!tb, B, ldb, j, k);
        c = (k0 == 0 && !acc) ? s : c + s;
    }
    return c;
}

static void gemm_case(int ta, int tb, int M, int N, int K, int acc, bcml_rng *r) {
    int lda = ta ? M : K, ldb = tb ? K : N;
    float *A = malloc(sizeof(float) * (size_t)M * K + 4), *B = malloc(sizeof(float) * (size_t)K * N + 4);
    float *C = malloc(sizeof(float) * (size_t)M * N + 4), *C0 = malloc(sizeof(float) * (size_t)M * N + 4);
    for (int i = 0; i < M * K; i++) A[i] = rnd(r);
    for (int i = 0; i < K * N; i++) B[i] = rnd(r);
    for (int i = 0; i < M * N; i++) C[i] = C0[i] = rnd(r);
    bcml_gemm(ta, tb, M, N, K, A, lda, B, ldb, C, N, acc);
    int exact = 1;
    double maxerr = 0;
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            double ref = acc ? C0[i * N + j] : 0.0;
            for (int k = 0; k < K; k++) ref += (double)opa(ta, A, lda, i, k) * opa(!tb, B, ldb, j, k);
            double e = fabs(C[i * N + j] - ref);
            if (e > maxerr) maxerr = e;
            if (C[i * N + j] != same_order(ta, tb, M, N, i, j, K, A, lda, B, ldb, C0[i * N + j], acc)) exact = 0;
        }
    CHECK(maxerr < 1e-4 * (K > 1 ? K : 1));
    CHECK(exact);
    if (!exact || maxerr >= 1e-4 * (K > 1 ? K : 1))
        fprintf(stderr, "  gemm ta=%d tb=%d M=%d N=%d K=%d acc=%d: maxerr %g exact %d\n", ta, tb, M, N, K, acc, maxerr, exact);
    free(A); free(B); free(C); free(C0);
}

static void test_gemm(void) {
    bcml_rng r;
    bcml_rng_seed(&r, 42, 1);
    const int sizes[][3] = {{1, 1, 1}, {3, 5, 7}, {4, 8, 16}, {13, 17, 29}, {64, 10, 50}, {70, 33, 300},
                            {5, 530, 9}, {129, 9, 513}, {2, 3, 0},
                            /* the skinny paths: 1-4 outputs (pairs of rows, tails), 1-4 weight-gradient rows */
                            {7, 2, 105}, {6, 1, 9}, {5, 3, 12}, {9, 4, 105}, {2, 105, 754}, {1, 70, 33}, {4, 105, 20},
                            /* B read in place (few rows): narrow last panels of either vector count, KC blocks */
                            {10, 50, 300}, {3, 29, 40}, {33, 45, 20}, {6, 530, 11}};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
        for (int ta = 0; ta < 2; ta++)
            for (int tb = 0; tb < 2; tb++)
                for (int acc = 0; acc < 2; acc++) gemm_case(ta, tb, sizes[s][0], sizes[s][1], sizes[s][2], acc, &r);
}

/* col[(c*K + kh)*K + kw][p] = x[c][p / OH + kh][p % OH + kw]: a square image's im2col, stride 1, no padding */
static void im2col_ref(float *col, const float *x, int C, int H, int K) {
    int OH = H - K + 1;
    for (int c = 0; c < C; c++)
        for (int kh = 0; kh < K; kh++)
            for (int kw = 0; kw < K; kw++)
                for (int p = 0; p < OH * OH; p++) col[((c * K + kh) * K + kw) * OH * OH + p] = x[(c * H + p / OH + kh) * H + p % OH + kw];
}

/* The convolution read in place: the same bits as bcml_gemm over the image's im2col matrix, for every shape it
 * takes (rows of one or two vectors, edge row panels, C*K*K up to one k block), and it declines the others; its
 * weight gradient likewise. */
static void test_conv_in_place(void) {
    bcml_rng r;
    bcml_rng_seed(&r, 7, 1);
    /* OC, C, H (= W), K: output rows of 8 to 32 (every build takes them), then of 12 and 20 (4-lane builds only) */
    const int shapes[][4] = {{10, 1, 28, 5}, {20, 10, 12, 5}, {3, 2, 11, 4}, {6, 4, 18, 3}, {1, 1, 8, 1},
                             {7, 10, 12, 5}, {5, 256, 8, 1}, {9, 3, 35, 4}, {6, 4, 14, 3}, {3, 2, 22, 3}};
    int taken = 0;
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
        int OC = shapes[s][0], C = shapes[s][1], H = shapes[s][2], K = shapes[s][3], OH = H - K + 1, CKK = C * K * K;
        if (!bcml_conv_in_place(OH, CKK)) continue;
        taken++;
        enum { B = 3 }; /* a batch: w packed once, each image read at its own offset */
        size_t img = (size_t)C * H * H, outs = (size_t)OC * OH * OH;
        float *w = malloc(sizeof(float) * (size_t)OC * CKK), *x = malloc(sizeof(float) * B * img);
        float *col = malloc(sizeof(float) * (size_t)CKK * OH * OH), *want = malloc(sizeof(float) * B * outs);
        float *got = malloc(sizeof(float) * B * outs);
        for (int i = 0; i < OC * CKK; i++) w[i] = rnd(&r);
        for (size_t i = 0; i < B * img; i++) x[i] = rnd(&r);
        for (int n = 0; n < B; n++) {
            im2col_ref(col, x + n * img, C, H, K);
            bcml_gemm(0, 0, OC, OH * OH, CKK, w, CKK, col, OH * OH, want + n * outs, OH * OH, 0);
        }
        bcml_conv_gemm(B, OC, C, H, H, K, w, x, got);
        CHECK(memcmp(got, want, sizeof(float) * B * outs) == 0);
        free(w); free(x); free(col); free(want); free(got);
    }
    CHECK(taken >= 8);
    /* the weight gradient, any output width (odd runs, runs across k blocks), many images added in turn */
    const int grads[][4] = {{10, 1, 28, 5}, {20, 10, 12, 5}, {3, 2, 11, 4}, {4, 3, 9, 3}, {5, 1, 40, 3}, {2, 6, 5, 5},
                            {7, 70, 6, 1}};
    for (size_t s = 0; s < sizeof grads / sizeof *grads; s++) {
        int OC = grads[s][0], C = grads[s][1], H = grads[s][2], K = grads[s][3], OH = H - K + 1, CKK = C * K * K;
        enum { B = 3 };
        size_t img = (size_t)C * H * H, outs = (size_t)OC * OH * OH;
        float *d = malloc(sizeof(float) * B * outs), *x = malloc(sizeof(float) * B * img);
        float *col = malloc(sizeof(float) * (size_t)CKK * OH * OH), *want = malloc(sizeof(float) * (size_t)OC * CKK);
        float *got = malloc(sizeof(float) * (size_t)OC * CKK);
        for (size_t i = 0; i < B * outs; i++) d[i] = rnd(&r);
        for (size_t i = 0; i < B * img; i++) x[i] = rnd(&r);
        for (int i = 0; i < OC * CKK; i++) want[i] = got[i] = rnd(&r);
        for (int n = 0; n < B; n++) {
            im2col_ref(col, x + n * img, C, H, K);
            bcml_gemm(0, 1, OC, CKK, OH * OH, d + n * outs, OH * OH, col, OH * OH, want, CKK, 1);
        }
        bcml_conv_gemm_dw(B, OC, C, H, H, K, d, x, got);
        CHECK(memcmp(got, want, sizeof(float) * (size_t)OC * CKK) == 0);
        free(d); free(x); free(col); free(want); free(got);
    }
    CHECK(!bcml_conv_in_place(6, 25));   /* rows not a whole number of vectors */
    CHECK(!bcml_conv_in_place(8, 257));  /* more than one k block */
}

static void test_math(void) {
    double max_exp = 0, max_log = 0;
    for (float x = -87.0f; x < 88.5f; x += 0.0137f) {
        double e = fabs(bcml_expf(x) - exp((double)x)) / exp((double)x);
        if (e > max_exp) max_exp = e;
    }
    for (float x = 1e-37f; x < 3e38f; x *= 1.0173f) {
        double ref = log((double)x), e = fabs(bcml_logf(x) - ref) / (fabs(ref) > 1e-3 ? fabs(ref) : 1e-3);
        if (e > max_log) max_log = e;
    }
    CHECK(max_exp < 3e-7);
    CHECK(max_log < 3e-7);
    CHECK(bcml_expf(-1000.0f) == 0.0f);
    CHECK(isinf(bcml_expf(1000.0f)));
    CHECK(bcml_expf(0.0f) == 1.0f);
    CHECK(bcml_logf(1.0f) == 0.0f);
    CHECK(isinf(bcml_logf(0.0f)) && bcml_logf(0.0f) < 0);
    CHECK(isnan(bcml_logf(-1.0f)));
    CHECK_NEAR(bcml_logf(1e-40f), log(1e-40), 1e-5); /* denormal input */
    CHECK_NEAR(bcml_softplusf(100.0f), 100.0, 1e-7);
    CHECK_NEAR(bcml_softplusf(-100.0f), exp(-100.0), 1e-30);
    CHECK_NEAR(bcml_sigmoidf(-100.0f), 0.0, 1e-30);
    CHECK_NEAR(bcml_sigmoidf(2.0f), 1.0 / (1.0 + exp(-2.0)), 1e-7);
}

static void test_softmax(void) {
    float z[4] = {1000.0f, 999.0f, -5.0f, 1000.0f}, p[4], lp[4];
    CHECK(bcml_argmax(z, 4) == 0); /* first maximal index on ties, like torch */
    bcml_softmax_rows(z, 1, 4, p, lp);
    double s = 0;
    for (int j = 0; j < 4; j++) s += p[j];
    CHECK_NEAR(s, 1.0, 1e-6);
    double lse = 1000.0 + log(2.0 + exp(-1.0) + exp(-1005.0));
    CHECK_NEAR(lp[1], 999.0 - lse, 1e-6);
    CHECK(isfinite(lp[2]));
    float nanrow[2] = {0.0f, NAN};
    CHECK(bcml_argmax(nanrow, 2) == -1);

    /* a batch (more rows than one pass holds) gives each row exactly what that row alone gives */
    enum { N = 150, C = 3 };
    float zb[N * C], pb[N * C], lpb[N * C];
    uint32_t st = 7;
    for (int i = 0; i < N * C; i++) { st = st * 1664525u + 1013904223u; zb[i] = (float)((st >> 8) % 20000) / 1000.0f - 10.0f; }
    zb[5 * C + 1] = INFINITY;
    bcml_softmax_rows(zb, N, C, pb, lpb);
    int same = 1;
    for (int i = 0; i < N; i++) {
        float p1[C], l1[C];
        bcml_softmax_rows(zb + i * C, 1, C, p1, l1);
        same &= memcmp(p1, pb + i * C, sizeof p1) == 0 && memcmp(l1, lpb + i * C, sizeof l1) == 0;
    }
    CHECK(same);
    for (int i = 0; i < N; i += 37) {
        double mx = fmax(fmax(zb[i * C], zb[i * C + 1]), zb[i * C + 2]), se = 0;
        for (int j = 0; j < C; j++) se += exp(zb[i * C + j] - mx);
        for (int j = 0; j < C; j++) CHECK_NEAR(pb[i * C + j], exp(zb[i * C + j] - mx) / se, 1e-6);
    }
}

/* A convolution's bias gradient: every row's sum added to db one term at a time, left to right, as the plain loop */
static void test_row_sums(void) {
    bcml_rng r;
    bcml_rng_seed(&r, 5, 2);
    const int shapes[][2] = {{10, 576}, {20, 64}, {3, 7}, {4, 4}, {9, 577}, {1, 1}, {6, 3}};
    for (size_t t = 0; t < sizeof shapes / sizeof shapes[0]; t++) {
        int M = shapes[t][0], N = shapes[t][1];
        float *d = malloc(sizeof(float) * (size_t)M * N), db[32], ref[32];
        for (int i = 0; i < M * N; i++) d[i] = rnd(&r) * (i % 5 ? 1.0f : 1e4f);
        for (int i = 0; i < M; i++) db[i] = ref[i] = rnd(&r);
        bcml_add_row_sums(db, d, M, N);
        for (int j = 0; j < N; j++)
            for (int i = 0; i < M; i++) ref[i] += d[(size_t)i * N + j];
        CHECK(memcmp(db, ref, sizeof(float) * M) == 0);
        free(d);
    }
}

int main(void) {
    printf("kernels built for %s\n", bcml_simd_name());
    test_row_sums();
    test_gemm();
    test_conv_in_place();
    test_math();
    test_softmax();
    return check_report("kernels");
}
