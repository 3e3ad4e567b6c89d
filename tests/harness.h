#ifndef MSCSIM_TEST_HARNESS_H
#define MSCSIM_TEST_HARNESS_H
/*
 * A tiny test harness: each check prints one PASS/FAIL line; TEST_DONE() prints
 * "N passed, N failed" and returns the exit status ctest reads.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

static int harness_passed, harness_failed;

static inline void harness_report(int ok, const char *file, int line, const char *what)
{
    if (ok)
        harness_passed++;
    else
        harness_failed++;
    printf("%s %s:%d %s\n", ok ? "PASS" : "FAIL", file, line, what);
}

#define CHECK(cond, ...)                                                                   \
    do {                                                                                   \
        char harness_msg_[512];                                                            \
        snprintf(harness_msg_, sizeof harness_msg_, __VA_ARGS__);                          \
        harness_report((cond) ? 1 : 0, __FILE__, __LINE__, harness_msg_);                  \
    } while (0)

#define INT_EQ(got, want, ...)                                                             \
    do {                                                                                   \
        long long g_ = (long long)(got), w_ = (long long)(want);                           \
        char harness_w_[400];                                                              \
        snprintf(harness_w_, sizeof harness_w_, __VA_ARGS__);                              \
        CHECK(g_ == w_, "%.300s: got %lld want %lld", harness_w_, g_, w_);                     \
    } while (0)

/* |got - want| <= tol * max(1, |want|) */
#define REL_EQ(got, want, tol, ...)                                                        \
    do {                                                                                   \
        double g_ = (got), w_ = (want), t_ = (tol);                                        \
        char harness_w_[400];                                                              \
        snprintf(harness_w_, sizeof harness_w_, __VA_ARGS__);                              \
        CHECK(fabs(g_ - w_) <= t_ * fmax(1.0, fabs(w_)),                                   \
              "%.300s: got %.17g want %.17g (rel tol %g)", harness_w_, g_, w_, t_);            \
    } while (0)

#define ABS_EQ(got, want, tol, ...)                                                        \
    do {                                                                                   \
        double g_ = (got), w_ = (want), t_ = (tol);                                        \
        char harness_w_[400];                                                              \
        snprintf(harness_w_, sizeof harness_w_, __VA_ARGS__);                              \
        CHECK(fabs(g_ - w_) <= t_, "%.300s: got %.17g want %.17g (abs tol %g)", harness_w_,    \
              g_, w_, t_);                                                                 \
    } while (0)

#define STR_EQ(got, want, ...)                                                             \
    do {                                                                                   \
        const char *g_ = (got), *w_ = (want);                                              \
        char harness_w_[400];                                                              \
        snprintf(harness_w_, sizeof harness_w_, __VA_ARGS__);                              \
        CHECK(g_ && w_ && strcmp(g_, w_) == 0, "%.200s: got \"%.120s\" want \"%.120s\"",       \
              harness_w_,                                                                  \
              g_ ? g_ : "(null)", w_ ? w_ : "(null)");                                     \
    } while (0)

#define TEST_DONE()                                                                        \
    (printf("%d passed, %d failed\n", harness_passed, harness_failed),                     \
     harness_failed ? 1 : 0)

#endif
