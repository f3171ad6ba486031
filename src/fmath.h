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

static inline float bcml_expf(float x) {
    if (x != x) return x;
    if (x > 88.7228f) return bcml_bits_to_float(0x7f800000u);
    if (x < -87.33654f) return 0.0f;
    float fn = x * 1.44269504088896341f + 0.5f;
    int n = (int)fn;
    if ((float)n > fn) n -= 1; /* floor for negatives */
    float r = x - (float)n * 0.693359375f;
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
    return p;
}

static inline float bcml_logf(float x) {
    if (x != x || x < 0.0f) return bcml_bits_to_float(0x7fc00000u);
    if (x == 0.0f) return bcml_bits_to_float(0xff800000u);
    uint32_t u = bcml_float_to_bits(x);
    if (u >= 0x7f800000u) return x; /* +inf */
    int e = 0;
    if (u < 0x00800000u) { x *= 8388608.0f; u = bcml_float_to_bits(x); e = -23; } /* denormal */
    e += (int)((u >> 23) & 0xff) - 126;
    float m = bcml_bits_to_float((u & 0x007fffffu) | 0x3f000000u); /* [0.5, 1) */
    if (m < 0.707106781186547524f) { e -= 1; m = m + m - 1.0f; } else { m = m - 1.0f; }
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
    return m;
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
