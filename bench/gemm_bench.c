/* gemm_bench.c - native float32 GEMM throughput for `npm run bench`: prints
 * {"isa": instruction set, "mhz": the clock measured while running (0 where unknown), "gflops": {"MxNxK": GFLOP/s, ...}}. */
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

int main(int argc, char **argv) {
    double min_time = argc > 1 ? atof(argv[1]) : 0.3;
    const int sizes[][3] = {{64, 50, 784}, {10, 576, 25}, {20, 64, 250}, {256, 256, 256}, {512, 512, 512}, {1024, 1024, 1024}};
    int n = sizeof sizes / sizeof *sizes;
    printf("{\"isa\":\"%s\",\"mhz\":%.0f,\"gflops\":{", bcml_simd_name(), measured_mhz());
    for (int s = 0; s < n; s++) {
        int M = sizes[s][0], N = sizes[s][1], K = sizes[s][2];
        float *A = malloc(sizeof(float) * M * K), *B = malloc(sizeof(float) * K * N), *C = malloc(sizeof(float) * M * N);
        for (int i = 0; i < M * K; i++) A[i] = (float)(i % 13) * 0.1f;
        for (int i = 0; i < K * N; i++) B[i] = (float)(i % 7) * 0.1f;
        long reps = 0;
        double t0 = now(), t;
        do { bcml_gemm(0, 0, M, N, K, A, K, B, N, C, N, 0); reps++; } while ((t = now() - t0) < min_time);
        printf("%s\"%dx%dx%d\":%.3f", s ? "," : "", M, N, K, 2.0 * M * N * K * reps / t * 1e-9);
        free(A); free(B); free(C);
    }
    printf("}}\n");
    return 0;
}
