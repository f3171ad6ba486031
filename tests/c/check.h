/* check.h - a tiny test harness: CHECK macros count failures; main returns check_report(). */
#ifndef BCML_CHECK_H
#define BCML_CHECK_H

#include "bcml.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_count, check_failed;

#define CHECK(cond)                                                                          \
    do {                                                                                     \
        check_count++;                                                                       \
        if (!(cond)) {                                                                       \
            check_failed++;                                                                  \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);         \
        }                                                                                    \
    } while (0)

/* |a - b| <= tol * max(1, |b|) */
#define CHECK_NEAR(a, b, tol)                                                                \
    do {                                                                                     \
        double a_ = (a), b_ = (b);                                                           \
        check_count++;                                                                       \
        if (!(fabs(a_ - b_) <= (tol) * (fabs(b_) > 1 ? fabs(b_) : 1))) {                     \
            check_failed++;                                                                  \
            fprintf(stderr, "%s:%d: %s = %.12g, expected %.12g (tol %g)\n", __FILE__, __LINE__, \
                    #a, a_, b_, (double)(tol));                                              \
        }                                                                                    \
    } while (0)

/* expr must return BCML_OK; it is passed &err */
#define CHECK_OK(expr)                                                                       \
    do {                                                                                     \
        bcml_error err = {0};                                                                \
        bcml_status st_ = (expr);                                                            \
        check_count++;                                                                       \
        if (st_ != BCML_OK) {                                                                \
            check_failed++;                                                                  \
            fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #expr, err.msg);   \
        }                                                                                    \
    } while (0)

/* expr must fail with status code and a message containing text */
#define CHECK_FAILS(expr, code, text)                                                        \
    do {                                                                                     \
        bcml_error err = {0};                                                                \
        bcml_status st_ = (expr);                                                            \
        check_count++;                                                                       \
        if (st_ != (code) || !strstr(err.msg, (text))) {                                     \
            check_failed++;                                                                  \
            fprintf(stderr, "%s:%d: %s gave status %d \"%s\", expected %d containing \"%s\"\n", \
                    __FILE__, __LINE__, #expr, (int)st_, err.msg, (int)(code), (text));      \
        }                                                                                    \
    } while (0)

static int check_report(const char *name) {
    printf("%s: %d checks, %d failed\n", name, check_count, check_failed);
    return check_failed != 0 || check_count == 0;
}

#endif
