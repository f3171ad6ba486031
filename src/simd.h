/* simd.h - one 4-lane float vector type for every build, so each kernel is written once, and the build's
 * widest vector (vfw) for kernels whose lanes are independent outputs.
 *
 * wasm SIMD128 when compiling with -msimd128, SSE2 on x86 (vfw 8-wide where the compiler targets AVX), NEON
 * on ARM, otherwise a plain struct that the scalar build uses. Only lane-wise add and mul, moves (a 4x4 transpose,
 * the even and odd lanes of two vectors) and a compare-and-select are offered: every lane does exactly what a scalar
 * loop would do, in the same order, so all builds produce bit-identical results (no FMA: builds use
 * -ffp-contract=off and no instruction set here fuses). vf4_takes(u, v): all ones in the lanes where u > v or u is
 * NaN (a max that propagates NaN); vf4_select(m, a, b): a where m, else b.
 */
#ifndef BCML_SIMD_H
#define BCML_SIMD_H

#if defined(__wasm_simd128__) && !defined(BCML_NO_SIMD)
#include <wasm_simd128.h>
#define BCML_SIMD_NAME "wasm-simd128"
typedef v128_t vf4;
#define vf4_load(p) wasm_v128_load(p)
#define vf4_store(p, v) wasm_v128_store((p), (v))
#define vf4_splat(x) wasm_f32x4_splat(x)
#define vf4_add(a, b) wasm_f32x4_add((a), (b))
#define vf4_mul(a, b) wasm_f32x4_mul((a), (b))
#define vf4_transpose4(r0, r1, r2, r3)                                                                     \
    do {                                                                                                   \
        v128_t t0_ = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1_ = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);  \
        v128_t t2_ = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5), t3_ = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);  \
        r0 = wasm_i32x4_shuffle(t0_, t2_, 0, 1, 4, 5); r1 = wasm_i32x4_shuffle(t0_, t2_, 2, 3, 6, 7);       \
        r2 = wasm_i32x4_shuffle(t1_, t3_, 0, 1, 4, 5); r3 = wasm_i32x4_shuffle(t1_, t3_, 2, 3, 6, 7);       \
    } while (0)
#define vf4_evens(a, b) wasm_i32x4_shuffle((a), (b), 0, 2, 4, 6)
#define vf4_odds(a, b) wasm_i32x4_shuffle((a), (b), 1, 3, 5, 7)
#define vf4_takes(u, v) wasm_v128_or(wasm_f32x4_gt((u), (v)), wasm_f32x4_ne((u), (u)))
#define vf4_select(m, a, b) wasm_v128_bitselect((a), (b), (m))

#elif (defined(__SSE2__) || defined(_M_X64)) && !defined(BCML_NO_SIMD)
#include <emmintrin.h>
#define BCML_SIMD_NAME "sse2"
typedef __m128 vf4;
#define vf4_load(p) _mm_loadu_ps(p)
#define vf4_store(p, v) _mm_storeu_ps((p), (v))
#define vf4_splat(x) _mm_set1_ps(x)
#define vf4_add(a, b) _mm_add_ps((a), (b))
#define vf4_mul(a, b) _mm_mul_ps((a), (b))
#define vf4_transpose4(r0, r1, r2, r3) _MM_TRANSPOSE4_PS(r0, r1, r2, r3)
#define vf4_evens(a, b) _mm_shuffle_ps((a), (b), _MM_SHUFFLE(2, 0, 2, 0))
#define vf4_odds(a, b) _mm_shuffle_ps((a), (b), _MM_SHUFFLE(3, 1, 3, 1))
#define vf4_takes(u, v) _mm_or_ps(_mm_cmpgt_ps((u), (v)), _mm_cmpunord_ps((u), (u)))
#define vf4_select(m, a, b) _mm_or_ps(_mm_and_ps((m), (a)), _mm_andnot_ps((m), (b)))

#elif defined(__ARM_NEON) && !defined(BCML_NO_SIMD)
#include <arm_neon.h>
#define BCML_SIMD_NAME "neon"
typedef float32x4_t vf4;
#define vf4_load(p) vld1q_f32(p)
#define vf4_store(p, v) vst1q_f32((p), (v))
#define vf4_splat(x) vdupq_n_f32(x)
#define vf4_add(a, b) vaddq_f32((a), (b))
#define vf4_mul(a, b) vmulq_f32((a), (b)) /* vmulq + vaddq, never vmlaq: keeps rounding per lane */
#define vf4_evens(a, b) (vuzpq_f32((a), (b)).val[0])
#define vf4_odds(a, b) (vuzpq_f32((a), (b)).val[1])
#define vf4_takes(u, v) vreinterpretq_f32_u32(vorrq_u32(vcgtq_f32((u), (v)), vmvnq_u32(vceqq_f32((u), (u)))))
#define vf4_select(m, a, b) vbslq_f32(vreinterpretq_u32_f32(m), (a), (b))

#else
#define BCML_SIMD_NAME "scalar"
typedef struct { float v[4]; } vf4;
static inline vf4 vf4_load(const float *p) { vf4 r = {{p[0], p[1], p[2], p[3]}}; return r; }
static inline void vf4_store(float *p, vf4 a) { p[0] = a.v[0]; p[1] = a.v[1]; p[2] = a.v[2]; p[3] = a.v[3]; }
static inline vf4 vf4_splat(float x) { vf4 r = {{x, x, x, x}}; return r; }
static inline vf4 vf4_add(vf4 a, vf4 b) {
    vf4 r = {{a.v[0] + b.v[0], a.v[1] + b.v[1], a.v[2] + b.v[2], a.v[3] + b.v[3]}}; return r;
}
static inline vf4 vf4_mul(vf4 a, vf4 b) {
    vf4 r = {{a.v[0] * b.v[0], a.v[1] * b.v[1], a.v[2] * b.v[2], a.v[3] * b.v[3]}}; return r;
}
static inline vf4 vf4_evens(vf4 a, vf4 b) { vf4 r = {{a.v[0], a.v[2], b.v[0], b.v[2]}}; return r; }
static inline vf4 vf4_odds(vf4 a, vf4 b) { vf4 r = {{a.v[1], a.v[3], b.v[1], b.v[3]}}; return r; }
/* masks as lanes of 1 (true) or 0, which vf4_select reads */
static inline vf4 vf4_takes(vf4 u, vf4 v) {
    vf4 r;
    for (int i = 0; i < 4; i++) r.v[i] = (u.v[i] > v.v[i]) | (u.v[i] != u.v[i]);
    return r;
}
static inline vf4 vf4_select(vf4 m, vf4 a, vf4 b) {
    vf4 r;
    for (int i = 0; i < 4; i++) r.v[i] = m.v[i] != 0.0f ? a.v[i] : b.v[i];
    return r;
}
#endif

#ifndef vf4_transpose4 /* NEON and scalar: through memory */
#define vf4_transpose4(r0, r1, r2, r3)                                                                     \
    do {                                                                                                   \
        float m_[16], t_[16];                                                                              \
        vf4_store(m_, r0); vf4_store(m_ + 4, r1); vf4_store(m_ + 8, r2); vf4_store(m_ + 12, r3);            \
        for (int i_ = 0; i_ < 16; i_++) t_[i_] = m_[(i_ & 3) * 4 + (i_ >> 2)];                           \
        r0 = vf4_load(t_); r1 = vf4_load(t_ + 4); r2 = vf4_load(t_ + 8); r3 = vf4_load(t_ + 12);           \
    } while (0)
#endif

/* vfw: the widest vector of the build (8 lanes with AVX, otherwise vf4) for kernels whose lanes are
 * independent output elements, so the width changes the speed and never the results. */
#if defined(__AVX__) && !defined(__wasm__) && !defined(BCML_NO_SIMD)
#include <immintrin.h>
#define BCML_VW 8
#define BCML_WIDE_NAME "avx"
typedef __m256 vfw;
#define vfw_load(p) _mm256_loadu_ps(p)
#define vfw_store(p, v) _mm256_storeu_ps((p), (v))
#define vfw_splat(x) _mm256_set1_ps(x)
#define vfw_add(a, b) _mm256_add_ps((a), (b))
#define vfw_mul(a, b) _mm256_mul_ps((a), (b))
#else
#define BCML_VW 4
#define BCML_WIDE_NAME BCML_SIMD_NAME
typedef vf4 vfw;
#define vfw_load vf4_load
#define vfw_store vf4_store
#define vfw_splat vf4_splat
#define vfw_add vf4_add
#define vfw_mul vf4_mul
#endif

#endif /* BCML_SIMD_H */
