/* gemm_bench.c - native float32 GEMM throughput for `npm run bench`, at the shapes the models' layers use: prints
 * {"isa": instruction set, "mhz": the clock measured while running (0 where unknown),
 *  "rows": [{"layer", "ta", "tb", "m", "n", "k", "gflops"}, ...]}. */
#define _POSIX_C_SOURCE 200809L
#include "kernels.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* The core's clock as it runs: a chain of dependent integer adds retires one add a cycle on x86-64 cores
 * (the OS reports the nominal clock, not the boost); the fastest of a few tries. */
static double measured_mhz(void) {
#if defined(__x86_64__) && defined(__GNUC__)
    enum { ITERS = 2000000, ADDS = 50 };
    double best = 1e30;
    for (int rep = 0; rep < 7; rep++) {
        unsigned long x = 0, one = 1;
        double t0 = now();
        for (long i = 0; i < ITERS; i++)
            __asm__ volatile(
                "add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\t"
                "add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\t"
                "add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\t"
                "add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\t"
                "add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\t"
                "add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\t"
                "add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\t"
                "add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\t"
                "add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\t"
                "add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0"
                : "+r"(x) : "r"(one));
        double t = now() - t0;
        if (t < best) best = t;
    }
    return (double)ITERS * ADDS / best * 1e-6;
#else
    return 0;
#endif
}

/* C[M,N] = op(A) @ op(B), op = transpose where ta / tb, as each layer calls it; the convolutions (conv 1: forward,
 * 2: weight gradient) as the layers run them, read from a batch of images in place (M, N, K per image) */
static const struct { const char *layer; int ta, tb, M, N, K, conv, batch, C, H, kernel; } shapes[] = {
    {"Adult logistic regression: forward (batch 754)", 0, 1, 754, 2, 105, 0, 0, 0, 0, 0},
    {"Adult logistic regression: weight gradient", 1, 0, 2, 105, 754, 0, 0, 0, 0, 0},
    {"CNN conv1: forward (per image, 64 read in place)", 0, 0, 10, 576, 25, 1, 64, 1, 28, 5},
    {"CNN conv1: weight gradient (likewise)", 0, 1, 10, 25, 576, 2, 64, 1, 28, 5},
    {"CNN conv2: forward (likewise)", 0, 0, 20, 64, 250, 1, 64, 10, 12, 5},
    {"CNN conv2: weight gradient (likewise)", 0, 1, 20, 250, 64, 2, 64, 10, 12, 5},
    {"CNN conv2: input gradient", 1, 0, 250, 64, 20, 0, 0, 0, 0, 0},
    {"CNN fc1: forward (batch 64)", 0, 1, 64, 50, 320, 0, 0, 0, 0, 0},
    {"CNN fc1: input gradient", 0, 0, 64, 320, 50, 0, 0, 0, 0, 0},
    {"CNN fc1: weight gradient", 1, 0, 50, 320, 64, 0, 0, 0, 0, 0},
    {"square", 0, 0, 256, 256, 256, 0, 0, 0, 0, 0},
    {"square", 0, 0, 512, 512, 512, 0, 0, 0, 0, 0},
    {"square", 0, 0, 1024, 1024, 1024, 0, 0, 0, 0, 0},
};

int main(int argc, char **argv) {
    double min_time = argc > 1 ? atof(argv[1]) : 0.3;
    int n = sizeof shapes / sizeof *shapes;
    printf("{\"isa\":\"%s\",\"mhz\":%.0f,\"rows\":[", bcml_simd_name(), measured_mhz());
    for (int s = 0; s < n; s++) {
        int ta = shapes[s].ta, tb = shapes[s].tb, M = shapes[s].M, N = shapes[s].N, K = shapes[s].K;
        int conv = shapes[s].conv, nb = conv ? shapes[s].batch : 1, C = shapes[s].C, H = shapes[s].H, KK = shapes[s].kernel;
        /* conv: A the weights or the output gradient, B the images, C the outputs or the weight gradient */
        size_t na = conv == 2 ? (size_t)nb * M * K : (size_t)M * K, nbf = conv ? (size_t)nb * C * H * H : (size_t)K * N;
        size_t nc = conv == 1 ? (size_t)nb * M * N : (size_t)M * N;
        float *A = malloc(sizeof(float) * na), *B = malloc(sizeof(float) * nbf), *Cm = malloc(sizeof(float) * nc);
        if (!A || !B || !Cm) return 1;
        for (size_t i = 0; i < na; i++) A[i] = (float)(i % 13) * 0.1f;
        for (size_t i = 0; i < nbf; i++) B[i] = (float)(i % 7) * 0.1f;
        for (size_t i = 0; i < nc; i++) Cm[i] = 0.0f;
        /* the best of 5 windows: a throughput, so a moment's load on the host does not count against the kernel */
        double best = 0;
        for (int window = 0; window < 5; window++) {
            long reps = 0;
            double t0 = now(), t;
            do {
                if (conv == 1) bcml_conv_gemm(nb, M, C, H, H, KK, A, B, Cm);
                else if (conv == 2) bcml_conv_gemm_dw(nb, M, C, H, H, KK, A, B, Cm);
                else bcml_gemm(ta, tb, M, N, K, A, ta ? M : K, B, tb ? K : N, Cm, N, 0);
                reps++;
            } while ((t = now() - t0) < min_time / 5);
            if (reps / t > best) best = reps / t;
        }
        printf("%s{\"layer\":\"%s\",\"ta\":%d,\"tb\":%d,\"m\":%d,\"n\":%d,\"k\":%d,\"conv\":%d,\"batch\":%d,\"c\":%d,"
               "\"h\":%d,\"kernel\":%d,\"gflops\":%.3f}", s ? "," : "", shapes[s].layer, ta, tb, M, N, K, conv, nb, C, H, KK,
               2.0 * nb * M * N * K * best * 1e-9);
        free(A); free(B); free(Cm);
    }
    printf("]}\n");
    return 0;
}
