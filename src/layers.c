/* layers.c - forward and backward passes of the layers models are built from. */
#include "layers.h"
#include "fmath.h"
#include "kernels.h"

#include <string.h>

void linear_forward(float *out, const float *inp, const float *w, const float *b, int B, int C, int OC) {
    bcml_gemm(0, 1, B, OC, C, inp, C, w, C, out, OC, 0);
    if (b) bcml_add_bias_rows(out, b, B, OC);
}

void linear_backward(float *dinp, float *dw, float *db, const float *dout, const float *inp, const float *w,
                     int B, int C, int OC) {
    if (dinp) bcml_gemm(0, 0, B, C, OC, dout, OC, w, C, dinp, C, 0);
    bcml_gemm(1, 0, OC, C, B, dout, OC, inp, C, dw, C, 1);
    if (db) bcml_sum_rows(db, dout, B, OC);
}

void relu_forward(float *out, const float *inp, int64_t n) {
    for (size_t i = 0; i < (size_t)n; i++) out[i] = inp[i] > 0.0f ? inp[i] : 0.0f; /* size_t: 32-bit in wasm */
}

void relu_backward(float *dinp, const float *dout, const float *out, int64_t n) {
    for (size_t i = 0; i < (size_t)n; i++) { /* dout where out > 0, else +0: a mask on the bits, so it vectorizes */
        uint32_t bits;
        memcpy(&bits, dout + i, 4);
        bits &= 0u - (uint32_t)(out[i] > 0.0f);
        memcpy(dinp + i, &bits, 4);
    }
}

/* dst[0..n) += src[0..n), lane by lane */
static inline void add_row(float *dst, const float *src, int n) {
    int j = 0;
    for (; j + 4 <= n; j += 4) vf4_store(dst + j, vf4_add(vf4_load(dst + j), vf4_load(src + j)));
    for (; j < n; j++) dst[j] += src[j];
}

/* col[(c*K + kh)*K + kw][oh*OW + ow] = inp[c][oh*S - P + kh][ow*S - P + kw], 0 in the padding */
static void im2col(float *col, const float *inp, int C, int H, int W, int K, int S, int P, int OH, int OW) {
    if (S == 1 && P == 0) { /* every window inside the image: each output row is a run of the input row */
        for (int c = 0; c < C; c++)
            for (int kh = 0; kh < K; kh++)
                for (int kw = 0; kw < K; kw++) {
                    float *row = col + ((size_t)(c * K + kh) * K + kw) * OH * OW;
                    for (int oh = 0; oh < OH; oh++)
                        bcml_copy_floats(row + (size_t)oh * OW, inp + ((size_t)c * H + oh + kh) * W + kw, OW);
                }
        return;
    }
    for (int c = 0; c < C; c++)
        for (int kh = 0; kh < K; kh++)
            for (int kw = 0; kw < K; kw++) {
                float *row = col + ((size_t)(c * K + kh) * K + kw) * OH * OW;
                for (int oh = 0; oh < OH; oh++) {
                    int h = oh * S - P + kh;
                    for (int ow = 0; ow < OW; ow++) {
                        int x = ow * S - P + kw;
                        row[oh * OW + ow] = (h >= 0 && h < H && x >= 0 && x < W) ? inp[((size_t)c * H + h) * W + x] : 0.0f;
                    }
                }
            }
}

/* the adjoint of im2col: dinp += scattered col (each input element gathers its terms in (kh, kw) order) */
static void col2im(float *dinp, const float *col, int C, int H, int W, int K, int S, int P, int OH, int OW) {
    if (S == 1 && P == 0) {
        for (int c = 0; c < C; c++)
            for (int kh = 0; kh < K; kh++)
                for (int kw = 0; kw < K; kw++) {
                    const float *row = col + ((size_t)(c * K + kh) * K + kw) * OH * OW;
                    for (int oh = 0; oh < OH; oh++)
                        add_row(dinp + ((size_t)c * H + oh + kh) * W + kw, row + (size_t)oh * OW, OW);
                }
        return;
    }
    for (int c = 0; c < C; c++)
        for (int kh = 0; kh < K; kh++)
            for (int kw = 0; kw < K; kw++) {
                const float *row = col + ((size_t)(c * K + kh) * K + kw) * OH * OW;
                for (int oh = 0; oh < OH; oh++) {
                    int h = oh * S - P + kh;
                    if (h < 0 || h >= H) continue;
                    for (int ow = 0; ow < OW; ow++) {
                        int x = ow * S - P + kw;
                        if (x >= 0 && x < W) dinp[((size_t)c * H + h) * W + x] += row[oh * OW + ow];
                    }
                }
            }
}

void conv2d_forward(float *out, const float *inp, const float *w, const float *b, float *col,
                    int B, int C, int H, int W, int OC, int K, int S, int P) {
    int OH = (H + 2 * P - K) / S + 1, OW = (W + 2 * P - K) / S + 1, CKK = C * K * K, OHW = OH * OW;
    int in_place = S == 1 && P == 0 && bcml_conv_in_place(OW, CKK);
    if (in_place) bcml_conv_gemm(B, OC, C, H, W, K, w, inp, out);
    for (int n = 0; n < B; n++) {
        float *o = out + (size_t)n * OC * OHW;
        if (!in_place) {
            im2col(col, inp + (size_t)n * C * H * W, C, H, W, K, S, P, OH, OW);
            bcml_gemm(0, 0, OC, OHW, CKK, w, CKK, col, OHW, o, OHW, 0);
        }
        if (b)
            for (int oc = 0; oc < OC; oc++)
                for (int j = 0; j < OHW; j++) o[(size_t)oc * OHW + j] += b[oc];
    }
}

void conv2d_backward(float *dinp, float *dw, float *db, const float *dout, const float *inp, const float *w,
                     float *col, int B, int C, int H, int W, int OC, int K, int S, int P) {
    int OH = (H + 2 * P - K) / S + 1, OW = (W + 2 * P - K) / S + 1, CKK = C * K * K, OHW = OH * OW;
    int in_place = S == 1 && P == 0 && CKK > 4; /* more than 4 columns: bcml_gemm's blocked path, the one it shares */
    if (in_place) bcml_conv_gemm_dw(B, OC, C, H, W, K, dout, inp, dw);
    for (int n = 0; n < B; n++) {
        const float *d = dout + (size_t)n * OC * OHW;
        if (!in_place) {
            im2col(col, inp + (size_t)n * C * H * W, C, H, W, K, S, P, OH, OW);
            bcml_gemm(0, 1, OC, CKK, OHW, d, OHW, col, OHW, dw, CKK, 1);
        }
        if (db) bcml_add_row_sums(db, d, OC, OHW);
        if (dinp) {
            float *di = dinp + (size_t)n * C * H * W;
            bcml_gemm(1, 0, CKK, OHW, OC, w, CKK, d, OHW, col, OHW, 0);
            memset(di, 0, (size_t)C * H * W * sizeof(float));
            col2im(di, col, C, H, W, K, S, P, OH, OW);
        }
    }
}

/* one step of a max-pool window: u at index at replaces (v, best) when larger or NaN (NaN propagates, like
 * PyTorch); selects by mask, because which element wins is data-dependent and a loop of these vectorizes */
static inline void pool_take(float u, int at, float *v, int *best) {
    int take = (u > *v) | (u != u);
    *best = (at & -take) | (*best & ~-take);
    *v = bcml_selectf(take, u, *v);
}

/* four 2x2 windows at once (rows r0, r1 from the first window's corner, at in the plane): each takes its candidates
 * in pool_take's order by the same comparisons; which one won is kept as 0-3 and turned into its index after */
static inline void pool_2x2_4(const float *r0, const float *r1, int at, int W, float *o, int32_t *ix) {
    vf4 a0 = vf4_load(r0), a1 = vf4_load(r0 + 4), b0 = vf4_load(r1), b1 = vf4_load(r1 + 4);
    vf4 v = vf4_evens(a0, a1), which = vf4_splat(0.0f);
    const vf4 u[3] = {vf4_odds(a0, a1), vf4_evens(b0, b1), vf4_odds(b0, b1)};
    for (int c = 0; c < 3; c++) {
        vf4 m = vf4_takes(u[c], v);
        v = vf4_select(m, u[c], v);
        which = vf4_select(m, vf4_splat((float)(c + 1)), which);
    }
    float w[4];
    vf4_store(o, v);
    vf4_store(w, which);
    for (int l = 0; l < 4; l++) ix[l] = at + 2 * l + (w[l] >= 2.0f ? W : 0) + ((int)w[l] & 1);
}

void maxpool2d_forward(float *out, int32_t *idx, const float *inp, int B, int C, int H, int W, int K, int S) {
    int OH = (H - K) / S + 1, OW = (W - K) / S + 1;
    for (int64_t plane = 0; plane < (int64_t)B * C; plane++) {
        const float *in = inp + plane * H * W;
        float *o = out + plane * OH * OW;
        int32_t *ix = idx + plane * OH * OW;
        if (K == 2 && S == 2) { /* the common 2x2 pool: the same comparisons in the same order, as masks */
            for (int oh = 0; oh < OH; oh++) {
                const float *r0 = in + (size_t)2 * oh * W, *r1 = r0 + W;
                int ow = 0;
                for (; ow + 4 <= OW; ow += 4) /* 4 windows side by side */
                    pool_2x2_4(r0 + 2 * ow, r1 + 2 * ow, 2 * oh * W + 2 * ow, W, o + oh * OW + ow, ix + oh * OW + ow);
                for (; ow < OW; ow++) {
                    int at = 2 * oh * W + 2 * ow, best = at;
                    float v = r0[2 * ow];
                    pool_take(r0[2 * ow + 1], at + 1, &v, &best);
                    pool_take(r1[2 * ow], at + W, &v, &best);
                    pool_take(r1[2 * ow + 1], at + W + 1, &v, &best);
                    o[oh * OW + ow] = v;
                    ix[oh * OW + ow] = best;
                }
            }
            continue;
        }
        for (int oh = 0; oh < OH; oh++)
            for (int ow = 0; ow < OW; ow++) {
                int best = oh * S * W + ow * S;
                for (int kh = 0; kh < K; kh++)
                    for (int kw = 0; kw < K; kw++) {
                        int at = (oh * S + kh) * W + ow * S + kw;
                        if (in[at] > in[best] || in[at] != in[at]) best = at; /* NaN propagates, like PyTorch */
                    }
                o[oh * OW + ow] = in[best];
                ix[oh * OW + ow] = best;
            }
    }
}

void maxpool2d_backward(float *dinp, const float *dout, const int32_t *idx, int B, int C, int H, int W, int OH,
                        int OW) {
    memset(dinp, 0, (size_t)B * C * H * W * sizeof(float));
    for (int64_t plane = 0; plane < (int64_t)B * C; plane++) {
        float *di = dinp + plane * H * W;
        const float *d = dout + plane * OH * OW;
        const int32_t *ix = idx + plane * OH * OW;
        for (int j = 0; j < OH * OW; j++) di[ix[j]] += d[j];
    }
}

void dropout_forward(float *out, float *mask, const float *inp, int B, int D, int channels, float p, bcml_rng *rng) {
    float keep = 1.0f / (1.0f - p);
    int groups = channels > 0 ? channels : D, plane = D / groups;
    for (int n = 0; n < B; n++)
        for (int g = 0; g < groups; g++) {
            float m = bcml_rng_uniform(rng) < p ? 0.0f : keep;
            size_t at = (size_t)n * D + (size_t)g * plane;
            for (int j = 0; j < plane; j++) {
                mask[at + j] = m;
                out[at + j] = inp[at + j] * m;
            }
        }
}

void dropout_backward(float *dinp, const float *dout, const float *mask, int64_t n) {
    for (size_t i = 0; i < (size_t)n; i++) dinp[i] = dout[i] * mask[i];
}
