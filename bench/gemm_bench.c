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

/* C[M,N] = op(A) @ op(B), op = transpose where ta / tb, as each layer calls it */
static const struct { const char *layer; int ta, tb, M, N, K; } shapes[] = {
    {"Adult logistic regression: forward (batch 754)", 0, 1, 754, 2, 105},
    {"Adult logistic regression: weight gradient", 1, 0, 2, 105, 754},
    {"CNN conv1: forward (per image)", 0, 0, 10, 576, 25},
    {"CNN conv1: weight gradient", 0, 1, 10, 25, 576},
    {"CNN conv2: forward", 0, 0, 20, 64, 250},
    {"CNN conv2: weight gradient", 0, 1, 20, 250, 64},
    {"CNN conv2: input gradient", 1, 0, 250, 64, 20},
    {"CNN fc1: forward (batch 64)", 0, 1, 64, 50, 320},
    {"CNN fc1: input gradient", 0, 0, 64, 320, 50},
    {"CNN fc1: weight gradient", 1, 0, 50, 320, 64},
    {"square", 0, 0, 256, 256, 256},
    {"square", 0, 0, 512, 512, 512},
    {"square", 0, 0, 1024, 1024, 1024},
};

int main(int argc, char **argv) {
    double min_time = argc > 1 ? atof(argv[1]) : 0.3;
    int n = sizeof shapes / sizeof *shapes;
    printf("{\"isa\":\"%s\",\"mhz\":%.0f,\"rows\":[", bcml_simd_name(), measured_mhz());
    for (int s = 0; s < n; s++) {
        int ta = shapes[s].ta, tb = shapes[s].tb, M = shapes[s].M, N = shapes[s].N, K = shapes[s].K;
        float *A = malloc(sizeof(float) * M * K), *B = malloc(sizeof(float) * K * N), *C = malloc(sizeof(float) * M * N);
        if (!A || !B || !C) return 1;
        for (int i = 0; i < M * K; i++) A[i] = (float)(i % 13) * 0.1f;
        for (int i = 0; i < K * N; i++) B[i] = (float)(i % 7) * 0.1f;
        long reps = 0;
        double t0 = now(), t;
        do { bcml_gemm(ta, tb, M, N, K, A, ta ? M : K, B, tb ? K : N, C, N, 0); reps++; } while ((t = now() - t0) < min_time);
        printf("%s{\"layer\":\"%s\",\"ta\":%d,\"tb\":%d,\"m\":%d,\"n\":%d,\"k\":%d,\"gflops\":%.3f}", s ? "," : "",
               shapes[s].layer, ta, tb, M, N, K, 2.0 * M * N * K * reps / t * 1e-9);
        free(A); free(B); free(C);
    }
    printf("]}\n");
    return 0;
}
