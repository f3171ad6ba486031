/* fmath.h - exp and log written with + - * / and bit tricks only.
 *
 * libm differs between glibc (native) and musl (wasm); our own versions give the same bits in every build.
 * Accuracy is within a few ulp over the float range (Cephes-style minimax polynomials).
 */
#ifndef BCML_FMATH_H
#define BCML_FMATH_H

#include <stdint.h>
#include <string.h>

static inline float bcml_bits_to_float(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static inline uint32_t bcml_float_to_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

/* c ? a : b through bit masks: compilers vectorize these where they keep a float ?: as a branch */
static inline float bcml_selectf(int c, float a, float b) {
    uint32_t m = 0u - (uint32_t)(c != 0);
    return bcml_bits_to_float((bcml_float_to_bits(a) & m) | (bcml_float_to_bits(b) & ~m));
}

/* Both are written without branches (special cases as selects at the end), so that a loop over an array
 * of them vectorizes and a run of them overlaps: values in range take exactly the same steps either way. */
static inline float bcml_expf(float x) {
    const float hi = 88.7228f, lo = -87.33654f;
    float xc = bcml_selectf(x > hi, hi, x);
    xc = bcml_selectf(xc < lo, lo, xc);
    xc = bcml_selectf(xc != xc, 0.0f, xc); /* NaN: any value in range, replaced below */
    float fn = xc * 1.44269504088896341f + 0.5f;
    int n = (int)fn;
    n -= (float)n > fn; /* floor for negatives */
    float r = xc - (float)n * 0.693359375f;
    r = r - (float)n * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * (r * r) + r + 1.0f;
    /* scale by 2^n in two steps so n = 128 (x near the top) does not overflow the exponent field */
    int n1 = n / 2, n2 = n - n1;
    p *= bcml_bits_to_float((uint32_t)(n1 + 127) << 23);
    p *= bcml_bits_to_float((uint32_t)(n2 + 127) << 23);
    p = bcml_selectf(x > hi, bcml_bits_to_float(0x7f800000u), p);
    p = bcml_selectf(x < lo, 0.0f, p);
    return bcml_selectf(x != x, x, p);
}

static inline float bcml_logf(float x) {
    uint32_t u0 = bcml_float_to_bits(x);
    int denormal = u0 < 0x00800000u; /* positive denormals and +0 */
    uint32_t u = bcml_float_to_bits(bcml_selectf(denormal, x * 8388608.0f, x));
    int e = (-23 & -denormal) + (int)((u >> 23) & 0xff) - 126;
    float m = bcml_bits_to_float((u & 0x007fffffu) | 0x3f000000u); /* [0.5, 1) */
    int low = m < 0.707106781186547524f; /* then use 2m - 1 and e - 1 */
    e -= low;
    m = (m + bcml_selectf(low, m, 0.0f)) - 1.0f;
    float z = m * m;
    float y = 7.0376836292e-2f;
    y = y * m - 1.1514610310e-1f;
    y = y * m + 1.1676998740e-1f;
    y = y * m - 1.2420140846e-1f;
    y = y * m + 1.4249322787e-1f;
    y = y * m - 1.6668057665e-1f;
    y = y * m + 2.0000714765e-1f;
    y = y * m - 2.4999993993e-1f;
    y = y * m + 3.3333331174e-1f;
    y = y * m * z;
    float fe = (float)e;
    y += fe * -2.12194440e-4f;
    y += -0.5f * z;
    m = m + y;
    m += fe * 0.693359375f;
    m = bcml_selectf(u0 >= 0x7f800000u, x, m);                      /* +inf (and everything negative, below) */
    m = bcml_selectf(x == 0.0f, bcml_bits_to_float(0xff800000u), m); /* log 0 = -inf */
    return bcml_selectf((x != x) | (x < 0.0f), bcml_bits_to_float(0x7fc00000u), m);
}

/* log(1 + exp(x)), stable for any x. */
static inline float bcml_softplusf(float x) {
    float ax = x < 0 ? -x : x;
    return (x > 0 ? x : 0.0f) + bcml_logf(1.0f + bcml_expf(-ax));
}

static inline float bcml_sigmoidf(float x) {
    if (x >= 0) return 1.0f / (1.0f + bcml_expf(-x));
    float e = bcml_expf(x);
    return e / (1.0f + e);
}

#endif /* BCML_FMATH_H */
