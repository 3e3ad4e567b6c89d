/*
 * Tests of the covariate-adjusted ANCOVA (sim/analyses/ancova.c with data->cov_count >= 1)
 * and of the risk-difference z test (sim/analyses/rd_z.c).
 *
 * 1. ANCOVA against R: lm(y ~ arm + c1 + ... + cK), K = 1..3, on the data sets of
 *    tests/ref/adjusted_ancova_data.csv, results in tests/ref/adjusted_ancova_ref.csv, both
 *    written by tests/ref/make_adjusted_ref.R (R 4.2). Agreement to REF_TOL, failures and
 *    df exactly.
 * 2. ANCOVA with one covariate against a long-double fit on N_PATH random data sets, half
 *    centred near 0 and half with offsets up to 1e4, to PATH_TOL.
 * 3. ANCOVA failures: n = K + 2, aliased covariates, a missing covariate array, a NaN.
 * 4. rd_z against the formula evaluated in R (tests/ref/adjusted_rd_*.csv, same script),
 *    to RD_TOL.
 * 5. rd_z size: the exact two-sided size at p0 = p1 = SIZE_P, n = SIZE_N per arm by
 *    enumeration over all (x0, x1) with Rmath dbinom (the analysis' decision agrees with
 *    the formula on every table), and the simulated type I error over SIZE_REPS trials
 *    (fixed seed, mscsim_rbernoulli) within SIZE_K Monte Carlo standard errors of it.
 */

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "analyses/analysis_impl.h"
#include "harness.h"
#include "splitmix.h"
#include "ref_table.h"
#include "mathlib.h"
#include "mscsim/analysis.h"
#include "mscsim/dist.h"
#include "mscsim/rng.h"
#include "mscsim/trial.h"

#ifndef MSCSIM_TEST_DIR
#error "define MSCSIM_TEST_DIR as the absolute path of tests/"
#endif

/* Agreement with R's lm (1e-10). R's QR on the uncentred offset-1e4 data sets
 * itself moves by up to 1.3e-11 against lm on exactly shifted data (make_adjusted_ref.R
 * prints it), so this is about 8x R's own error there. */
#define REF_TOL 1e-10
/* Baseline-only path vs general path: same model, two centred methods (1e-12). */
#define PATH_TOL 1e-12
/* rd_z vs R's arithmetic of the same formula: a few ulps of SE (x (n - x) / n^3 vs
 * p (1 - p) / n), amplified in p by at most z^2 (|z| <= 10 in the non-underflowing cases). */
#define RD_TOL 1e-12
/* Below this a p-value is compared absolutely (relative accuracy is lost in denormals). */
#define P_TINY 1e-300
/* Random data sets checked against the long-double fit. */
#define N_PATH 2000
/* Size check: p0 = p1 = SIZE_P, SIZE_N per arm, SIZE_REPS trials, SIZE_K MCSE. */
#define SIZE_P 0.3
#define SIZE_N 100
#define SIZE_REPS 20000
#define SIZE_K 4.0
#define SIZE_SEED UINT64_C(20240927)

#define MAX_ARM 400
#define MAX_K 3

/* ======================================================================================
 * Helpers
 * ====================================================================================== */

static mscsim_analysis_settings *settings(int sides)
{
    mscsim_analysis_settings *s = NULL;
    mscsim_error err;
    if (mscsim_analysis_settings_new(0.05, sides, 0.95, 1000, 1, &s, &err) != MSCSIM_OK) {
        fprintf(stderr, "settings_new failed: %s\n", err.msg);
        exit(2);
    }
    return s;
}

/* Relative agreement (absolute below P_TINY, for p-values). */
static int close_rel(double got, double want, double tol)
{
    if (fabs(want) < P_TINY)
        return fabs(got - want) <= P_TINY;
    return fabs(got - want) <= tol * fabs(want);
}

/* One trial with K covariates (cov[k][a] arrays); K = 0 uses x = base as the baseline. */
typedef struct {
    double y[2][MAX_ARM], c[MAX_K][2][MAX_ARM];
    size_t n[2];
    int K;
} dataset;

static void analyze_set(const mscsim_analysis_type *a, const dataset *ds, int cov_count,
                        const mscsim_analysis_settings *s, mscsim_analysis_result *r)
{
    const double *y[2] = {ds->y[0], ds->y[1]};
    mscsim_trial_data d;
    mscsim_trial_data_set(&d, y, ds->n);
    for (int k = 0; k < cov_count; k++)
        for (int arm = 0; arm < 2; arm++)
            d.cov[arm][k] = ds->c[k][arm];
    d.cov_count = cov_count;
    a->analyze(&d, s, r);
}

/* ======================================================================================
 * 1-2. ANCOVA against R, and against a long-double fit on random data
 * ====================================================================================== */

static void test_ancova_ref(const mscsim_analysis_settings *s2,
                            const mscsim_analysis_settings *s1)
{
    table data, ref;
    CHECK(table_read(&data, "adjusted_ancova_data.csv"), "read adjusted_ancova_data.csv");
    CHECK(table_read(&ref, "adjusted_ancova_ref.csv"), "read adjusted_ancova_ref.csv");
    size_t dc = table_col(&data, "case"), dk = table_col(&data, "K"), da = table_col(&data, "arm"),
           dy = table_col(&data, "y"), dcov[MAX_K] = {table_col(&data, "c1"),
                                                      table_col(&data, "c2"),
                                                      table_col(&data, "c3")};
    size_t rc = table_col(&ref, "case"), rs = table_col(&ref, "sides"),
           rf = table_col(&ref, "failed"), rt = table_col(&ref, "statistic"),
           rdf = table_col(&ref, "df"), rp = table_col(&ref, "p_value"),
           re = table_col(&ref, "estimate"), rse = table_col(&ref, "se");
    static dataset ds;
    size_t cases = 0;
    for (size_t row = 0; row < data.nrow;) {
        const char *name = table_get(&data, row, dc);
        memset(ds.n, 0, sizeof ds.n);
        ds.K = atoi(table_get(&data, row, dk));
        for (; row < data.nrow && strcmp(table_get(&data, row, dc), name) == 0; row++) {
            int a = atoi(table_get(&data, row, da));
            size_t i = ds.n[a]++;
            if (i >= MAX_ARM) {
                fprintf(stderr, "%s: arm too large\n", name);
                exit(2);
            }
            ds.y[a][i] = num(table_get(&data, row, dy));
            for (int k = 0; k < MAX_K; k++)
                ds.c[k][a][i] = num(table_get(&data, row, dcov[k]));
        }
        cases++;
        size_t found = 0;
        for (size_t r = 0; r < ref.nrow; r++) {
            if (strcmp(table_get(&ref, r, rc), name) != 0)
                continue;
            found++;
            int sides = atoi(table_get(&ref, r, rs));
            mscsim_analysis_result res;
            analyze_set(&sim_analysis_ancova, &ds, ds.K, sides == 2 ? s2 : s1, &res);
            int want_failed = atoi(table_get(&ref, r, rf));
            INT_EQ(res.failed, want_failed, "ancova %s K=%d sides %d: failed", name, ds.K, sides);
            if (want_failed || res.failed)
                continue;
            double t = num(table_get(&ref, r, rt)), p = num(table_get(&ref, r, rp)),
                   est = num(table_get(&ref, r, re)), se = num(table_get(&ref, r, rse)),
                   df = num(table_get(&ref, r, rdf));
            CHECK(res.df == df, "ancova %s sides %d: df %g want %g", name, sides, res.df, df);
            CHECK(close_rel(res.estimate, est, REF_TOL) && close_rel(res.se, se, REF_TOL) &&
                      close_rel(res.statistic, t, REF_TOL) && close_rel(res.p_value, p, REF_TOL),
                  "ancova %s sides %d vs lm (make_adjusted_ref.R): est %.17g/%.17g se "
                  "%.17g/%.17g t %.17g/%.17g p %.17g/%.17g",
                  name, sides, res.estimate, est, res.se, se, res.statistic, t, res.p_value, p);
            CHECK(res.reject == (res.p_value < 0.05), "ancova %s sides %d: reject == (p < alpha)",
                  name, sides);
        }
        INT_EQ(found, 2, "ancova %s: two reference rows", name);
    }
    CHECK(cases >= 15, "ancova: %zu reference data sets", cases);
    table_free(&data);
    table_free(&ref);
}

/* lm(y ~ arm + x) in long double (64-bit significand on x86-64: 2^11 x finer than double),
 * two-pass within arms; the reference for the offset data sets below. Fills est, se, t. */
static void ancova_long(const dataset *ds, double out[3])
{
    long double mx[2], my[2], sxx = 0, sxy = 0, syy = 0;
    for (int a = 0; a < 2; a++) {
        long double sx = 0, sy = 0;
        for (size_t i = 0; i < ds->n[a]; i++) {
            sx += ds->c[0][a][i];
            sy += ds->y[a][i];
        }
        mx[a] = sx / (long double)ds->n[a];
        my[a] = sy / (long double)ds->n[a];
        for (size_t i = 0; i < ds->n[a]; i++) {
            long double dx = ds->c[0][a][i] - mx[a], dy = ds->y[a][i] - my[a];
            sxx += dx * dx;
            sxy += dx * dy;
            syy += dy * dy;
        }
    }
    long double n0 = (long double)ds->n[0], n1 = (long double)ds->n[1];
    long double dxm = mx[1] - mx[0], est = (my[1] - my[0]) - sxy / sxx * dxm;
    long double s2 = (syy - sxy * sxy / sxx) / (n0 + n1 - 3);
    long double se = sqrtl(s2 * (1 / n0 + 1 / n1 + dxm * dxm / sxx));
    out[0] = (double)est;
    out[1] = (double)se;
    out[2] = (double)(est / se);
}

/* 2. Random data: n0, n1 in 2..200, x with spread 0.01..100, y correlated with x; half the
 * sets centred near 0, half with offsets up to 1e4, where the fit must still match a
 * long-double one to PATH_TOL (centring every column first is what keeps offsets harmless). */
static void test_ancova_random(const mscsim_analysis_settings *s2)
{
    static dataset ds;
    size_t off_long = 0, fitted = 0;
    for (int rep = 0; rep < N_PATH; rep++) {
        ds.n[0] = 2 + (size_t)(next_u64() % 199);
        ds.n[1] = 2 + (size_t)(next_u64() % 199);
        double off = rep % 2 == 0 ? 0.0 : pow(10.0, 4.0 * unif());
        double scale = pow(10.0, 4.0 * unif() - 2.0), slope = 2.0 * unif() - 1.0;
        for (int a = 0; a < 2; a++)
            for (size_t i = 0; i < ds.n[a]; i++) {
                double z = rnorm1();
                ds.c[0][a][i] = off + scale * z;
                ds.y[a][i] = off + 0.3 * a + slope * z + rnorm1();
            }
        mscsim_analysis_result r1;
        analyze_set(&sim_analysis_ancova, &ds, 1, s2, &r1);
        fitted += !r1.failed;
        double ref[3];
        ancova_long(&ds, ref);
        double t = fabs(ref[2]);
        off_long += r1.failed || !(fabs(r1.estimate - ref[0]) <= PATH_TOL * ref[1]) ||
                    !close_rel(r1.se, ref[1], PATH_TOL) ||
                    !(fabs(r1.statistic - ref[2]) <= PATH_TOL * fmax(1.0, t));
    }
    INT_EQ(off_long, 0, "ancova: covariate path == long-double lm to %g on all %d random sets",
           PATH_TOL, N_PATH);
    CHECK(fitted == N_PATH, "ancova: every random data set fitted (%zu)", fitted);
}

/* ======================================================================================
 * 3. ANCOVA failures built in C
 * ====================================================================================== */

static void fill_random(dataset *ds, size_t n0, size_t n1, int K)
{
    ds->n[0] = n0;
    ds->n[1] = n1;
    ds->K = K;
    for (int a = 0; a < 2; a++)
        for (size_t i = 0; i < ds->n[a]; i++) {
            ds->y[a][i] = 0.5 * a + rnorm1();
            for (int k = 0; k < MAX_K; k++)
                ds->c[k][a][i] = rnorm1();
        }
}

static void test_ancova_failures(const mscsim_analysis_settings *s2)
{
    static dataset ds;
    mscsim_analysis_result r;
    for (int K = 1; K <= MAX_K; K++) {
        /* n = K + 3 leaves 1 df; n = K + 2 leaves none. */
        fill_random(&ds, 2, (size_t)K + 1, K);
        analyze_set(&sim_analysis_ancova, &ds, K, s2, &r);
        CHECK(!r.failed && r.df == 1.0, "ancova K=%d n=K+3: fitted on 1 df (df %g)", K, r.df);
        fill_random(&ds, 2, (size_t)K, K);
        analyze_set(&sim_analysis_ancova, &ds, K, s2, &r);
        CHECK(r.failed && r.reject == 0 && isnan(r.estimate), "ancova K=%d n=K+2: failed", K);
    }
    /* A covariate equal to another one plus an offset of 1e4 (collinear with the intercept
     * and the first), and one that is constant at 1e4: both aliased. */
    fill_random(&ds, 30, 40, 2);
    for (int a = 0; a < 2; a++)
        for (size_t i = 0; i < ds.n[a]; i++)
            ds.c[1][a][i] = 1e4 + 3.0 * ds.c[0][a][i];
    analyze_set(&sim_analysis_ancova, &ds, 2, s2, &r);
    CHECK(r.failed, "ancova: collinear covariate with offset 1e4 -> failed");
    for (int a = 0; a < 2; a++)
        for (size_t i = 0; i < ds.n[a]; i++)
            ds.c[1][a][i] = 1e4;
    analyze_set(&sim_analysis_ancova, &ds, 2, s2, &r);
    CHECK(r.failed, "ancova: constant covariate -> failed");
    /* A covariate that is the arm indicator. */
    for (int a = 0; a < 2; a++)
        for (size_t i = 0; i < ds.n[a]; i++)
            ds.c[1][a][i] = (double)a;
    analyze_set(&sim_analysis_ancova, &ds, 2, s2, &r);
    CHECK(r.failed, "ancova: covariate = arm -> failed");
    /* Shifting a covariate by 1e4 changes nothing (centring). */
    fill_random(&ds, 25, 35, 3);
    mscsim_analysis_result r0;
    analyze_set(&sim_analysis_ancova, &ds, 3, s2, &r0);
    for (int a = 0; a < 2; a++)
        for (size_t i = 0; i < ds.n[a]; i++)
            ds.c[2][a][i] = ds.c[2][a][i] + 1e4; /* rounds to ulp(1e4) = 1.8e-12 */
    analyze_set(&sim_analysis_ancova, &ds, 3, s2, &r);
    CHECK(!r.failed && close_rel(r.statistic, r0.statistic, 1e-10),
          "ancova: a covariate shifted by 1e4 gives the same t (%.17g vs %.17g)", r.statistic,
          r0.statistic);
    /* A NaN covariate and a missing covariate array fail; so do more covariates than fit. */
    ds.c[1][1][3] = NAN;
    analyze_set(&sim_analysis_ancova, &ds, 3, s2, &r);
    CHECK(r.failed, "ancova: NaN covariate -> failed");
    fill_random(&ds, 25, 35, 2);
    {
        const double *y[2] = {ds.y[0], ds.y[1]};
        mscsim_trial_data d;
        mscsim_trial_data_set(&d, y, ds.n);
        d.cov[0][0] = ds.c[0][0];
        d.cov[1][0] = NULL;
        d.cov_count = 1;
        sim_analysis_ancova.analyze(&d, s2, &r);
        CHECK(r.failed, "ancova: NULL covariate array -> failed");
        d.cov_count = (int)(sizeof d.cov[0] / sizeof d.cov[0][0]) + 1;
        sim_analysis_ancova.analyze(&d, s2, &r);
        CHECK(r.failed, "ancova: cov_count beyond the array -> failed");
    }
    /* An empty arm. */
    fill_random(&ds, 0, 10, 1);
    analyze_set(&sim_analysis_ancova, &ds, 1, s2, &r);
    CHECK(r.failed, "ancova: empty control arm -> failed");
}

/* ======================================================================================
 * 4-5. rd_z
 * ====================================================================================== */

static double rd_y[2][4000];

static void rd_run(size_t n0, size_t x0, size_t n1, size_t x1, const mscsim_analysis_settings *s,
                   mscsim_analysis_result *r)
{
    size_t n[2] = {n0, n1}, x[2] = {x0, x1};
    for (int a = 0; a < 2; a++)
        for (size_t i = 0; i < n[a]; i++)
            rd_y[a][i] = i < x[a] ? 1.0 : 0.0;
    const double *y[2] = {rd_y[0], rd_y[1]};
    mscsim_trial_data d;
    mscsim_trial_data_set(&d, y, n);
    sim_analysis_rd_z.analyze(&d, s, r);
}

static void test_rd_ref(const mscsim_analysis_settings *s2, const mscsim_analysis_settings *s1)
{
    STR_EQ(sim_analysis_rd_z.name, "rd_z", "rd_z: name");
    INT_EQ(sim_analysis_rd_z.outcomes, MSCSIM_OUTCOME_BINARY, "rd_z: outcomes");
    INT_EQ(sim_analysis_rd_z.estimand, MSCSIM_ESTIMAND_MEAN_DIFFERENCE, "rd_z: estimand");
    table data, ref;
    CHECK(table_read(&data, "adjusted_rd_data.csv"), "read adjusted_rd_data.csv");
    CHECK(table_read(&ref, "adjusted_rd_ref.csv"), "read adjusted_rd_ref.csv");
    size_t dc = table_col(&data, "case"), dn0 = table_col(&data, "n0"),
           dx0 = table_col(&data, "x0"), dn1 = table_col(&data, "n1"),
           dx1 = table_col(&data, "x1");
    size_t rc = table_col(&ref, "case"), rs = table_col(&ref, "sides"),
           rf = table_col(&ref, "failed"), rt = table_col(&ref, "statistic"),
           rp = table_col(&ref, "p_value"), re = table_col(&ref, "estimate"),
           rse = table_col(&ref, "se");
    size_t checked = 0;
    for (size_t r = 0; r < ref.nrow; r++) {
        const char *name = table_get(&ref, r, rc);
        size_t row = 0;
        while (row < data.nrow && strcmp(table_get(&data, row, dc), name) != 0)
            row++;
        if (row == data.nrow) {
            CHECK(0, "rd_z %s: data row", name);
            continue;
        }
        int sides = atoi(table_get(&ref, r, rs));
        mscsim_analysis_result res;
        rd_run((size_t)atoi(table_get(&data, row, dn0)), (size_t)atoi(table_get(&data, row, dx0)),
               (size_t)atoi(table_get(&data, row, dn1)), (size_t)atoi(table_get(&data, row, dx1)),
               sides == 2 ? s2 : s1, &res);
        checked++;
        int want_failed = atoi(table_get(&ref, r, rf));
        INT_EQ(res.failed, want_failed, "rd_z %s sides %d: failed", name, sides);
        if (want_failed || res.failed) {
            CHECK(res.reject == 0 && isnan(res.p_value), "rd_z %s: failed result is empty", name);
            continue;
        }
        double t = num(table_get(&ref, r, rt)), p = num(table_get(&ref, r, rp)),
               est = num(table_get(&ref, r, re)), se = num(table_get(&ref, r, rse));
        /* est is a difference of exact quotients: compare absolutely (it may be 0). */
        CHECK(fabs(res.estimate - est) <= RD_TOL && close_rel(res.se, se, RD_TOL) &&
                  fabs(res.statistic - t) <= RD_TOL * fmax(1.0, fabs(t)) &&
                  close_rel(res.p_value, p, RD_TOL) && isinf(res.df),
              "rd_z %s sides %d vs R formula (make_adjusted_ref.R): est %.17g/%.17g se "
              "%.17g/%.17g z %.17g/%.17g p %.17g/%.17g df %g",
              name, sides, res.estimate, est, res.se, se, res.statistic, t, res.p_value, p,
              res.df);
        CHECK(res.reject == (res.p_value < 0.05), "rd_z %s sides %d: reject == (p < alpha)", name,
              sides);
    }
    CHECK(checked == 30, "rd_z: %zu reference rows", checked);
    table_free(&data);
    table_free(&ref);

    /* A non-0/1 endpoint fails. */
    double y0[3] = {0.0, 1.0, 0.5}, y1[3] = {1.0, 1.0, 0.0};
    const double *y[2] = {y0, y1};
    size_t n[2] = {3, 3};
    mscsim_trial_data d;
    mscsim_trial_data_set(&d, y, n);
    mscsim_analysis_result res;
    sim_analysis_rd_z.analyze(&d, s2, &res);
    CHECK(res.failed, "rd_z: endpoint 0.5 -> failed");
}

/* The two-sided decision from the formula, independently of the analysis. */
static int rd_reject_formula(double n0, double x0, double n1, double x1, double alpha)
{
    double p0 = x0 / n0, p1 = x1 / n1;
    double se = sqrt(p1 * (1.0 - p1) / n1 + p0 * (1.0 - p0) / n0);
    if (!(se > 0.0))
        return 0;
    return 2.0 * pnorm(-fabs((p1 - p0) / se), 0.0, 1.0, 1, 0) < alpha;
}

static void test_rd_size(const mscsim_analysis_settings *s2)
{
    /* Exact size by enumeration; the analysis decides every table as the formula does. */
    double size = 0.0;
    size_t disagree = 0;
    for (int x0 = 0; x0 <= SIZE_N; x0++)
        for (int x1 = 0; x1 <= SIZE_N; x1++) {
            int rej = rd_reject_formula(SIZE_N, x0, SIZE_N, x1, 0.05);
            mscsim_analysis_result r;
            rd_run(SIZE_N, (size_t)x0, SIZE_N, (size_t)x1, s2, &r);
            if (r.reject != rej)
                disagree++;
            if (rej)
                size += dbinom(x0, SIZE_N, SIZE_P, 0) * dbinom(x1, SIZE_N, SIZE_P, 0);
        }
    INT_EQ(disagree, 0, "rd_z: decision == formula on all %d x %d tables", SIZE_N + 1,
           SIZE_N + 1);
    CHECK(size > 0.04 && size < 0.07, "rd_z: exact size at p = %g, n = %d: %.6f", SIZE_P, SIZE_N,
          size);

    /* Simulation: trial r draws from mscsim_rng_for_trial(SIZE_SEED, 0, SIZE_N, r). */
    size_t n[2] = {SIZE_N, SIZE_N}, rejections = 0;
    for (uint64_t rep = 0; rep < SIZE_REPS; rep++) {
        mscsim_rng rng = mscsim_rng_for_trial(SIZE_SEED, 0, SIZE_N, rep);
        for (int a = 0; a < 2; a++)
            for (size_t i = 0; i < SIZE_N; i++)
                rd_y[a][i] = (double)mscsim_rbernoulli(&rng, SIZE_P);
        const double *y[2] = {rd_y[0], rd_y[1]};
        mscsim_trial_data d;
        mscsim_trial_data_set(&d, y, n);
        mscsim_analysis_result r;
        sim_analysis_rd_z.analyze(&d, s2, &r);
        rejections += (size_t)r.reject;
    }
    double rate = (double)rejections / SIZE_REPS;
    double mcse = sqrt(size * (1.0 - size) / SIZE_REPS);
    CHECK(fabs(rate - size) <= SIZE_K * mcse,
          "rd_z: simulated type I error %.5f vs exact %.5f (|diff| %.5f <= %g MCSE = %.5f, "
          "%d reps, seed %llu)",
          rate, size, fabs(rate - size), SIZE_K, SIZE_K * mcse, SIZE_REPS,
          (unsigned long long)SIZE_SEED);
}

int main(void)
{
    splitmix_state = UINT64_C(0x0adc0a11a5eed001);
    mscsim_analysis_settings *s2 = settings(2), *s1 = settings(1);
    test_ancova_ref(s2, s1);
    test_ancova_random(s2);
    test_ancova_failures(s2);
    test_rd_ref(s2, s1);
    test_rd_size(s2);
    mscsim_analysis_settings_free(s2);
    mscsim_analysis_settings_free(s1);
    return TEST_DONE();
}
