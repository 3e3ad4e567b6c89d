/*
 * Posterior probabilities: the beta-binomial risk difference against R's integration
 * (tests/ref/posterior_ref.csv, made by tests/ref/make_posterior_ref.R: 84 cases of three
 * priors, seven data sets from 10 to 2000 per arm, thresholds -0.1 to 0.2), to 1e-8; the
 * conjugate normal posterior against its closed form; predictive probabilities of final
 * success (tests/ref/make_predictive_ref.R: the normal approximation as a numerical
 * integral over the posterior with the final bound found by root finding, the
 * beta-binomial one as the sum over every future count of integrated posteriors) to 1e-8.
 */
#include <math.h>
#include <stdio.h>

#include "harness.h"
#include "mathlib.h"
#include "mscsim/posterior.h"
#include "ref_table.h"

static void test_beta_binomial(void)
{
    table t;
    if (!table_read(&t, "posterior_ref.csv")) {
        CHECK(0, "ref/posterior_ref.csv is readable");
        return;
    }
    size_t ca = table_col(&t, "a"), cb = table_col(&t, "b"), cn0 = table_col(&t, "n0"),
           cx0 = table_col(&t, "x0"), cn1 = table_col(&t, "n1"), cx1 = table_col(&t, "x1"),
           cd = table_col(&t, "threshold"), cp = table_col(&t, "p");
    double worst = 0;
    for (size_t r = 0; r < t.nrow; r++) {
        double a[2], b[2];
        a[0] = a[1] = num(table_get(&t, r, ca));
        b[0] = b[1] = num(table_get(&t, r, cb));
        long n[2] = {(long)num(table_get(&t, r, cn0)), (long)num(table_get(&t, r, cn1))};
        long x[2] = {(long)num(table_get(&t, r, cx0)), (long)num(table_get(&t, r, cx1))};
        double got = mscsim_posterior_rd_exceeds(a, b, n, x, num(table_get(&t, r, cd)));
        double want = num(table_get(&t, r, cp));
        worst = fmax(worst, fabs(got - want));
        if (!(fabs(got - want) <= 1e-8))
            CHECK(0, "row %zu: %.12g, R %.12g", r + 1, got, want);
    }
    CHECK(t.nrow == 84, "84 reference cases (got %zu)", t.nrow);
    CHECK(worst <= 1e-8, "beta-binomial posteriors within 1e-8 of R (worst %.2e)", worst);
    table_free(&t);
    double a[2] = {1, 1}, b[2] = {1, 1};
    long n[2] = {10, 10}, x[2] = {11, 3};
    CHECK(isnan(mscsim_posterior_rd_exceeds(a, b, n, x, 0.0)), "more events than patients: NaN");
    x[0] = 3;
    CHECK(isnan(mscsim_posterior_rd_exceeds(a, b, n, x, 1.0)), "threshold 1: NaN");
    a[1] = 0;
    CHECK(isnan(mscsim_posterior_rd_exceeds(a, b, n, x, 0.0)), "a prior shape 0: NaN");
}

static void test_normal(void)
{
    /* Flat prior: P(N(2, 1) > 0) = Phi(2). */
    ABS_EQ(mscsim_posterior_normal_exceeds(2.0, 1.0, 0.0, INFINITY, 0.0), 0.97724986805182079,
           1e-15, "flat prior: Phi(estimate / se)");
    /* Prior N(0, 1) and estimate 2 with se 1: posterior N(1, 1/2). */
    ABS_EQ(mscsim_posterior_normal_exceeds(2.0, 1.0, 0.0, 1.0, 0.5), 0.76024993890652326,
           1e-15, "normal prior: P(N(1, 1/2) > 0.5) = Phi(0.5 sqrt 2)");
    CHECK(isnan(mscsim_posterior_normal_exceeds(2.0, 0.0, 0.0, 1.0, 0.0)), "se 0: NaN");
    CHECK(isnan(mscsim_posterior_normal_exceeds(2.0, 1.0, 0.0, 0.0, 0.0)), "prior sd 0: NaN");
}

/* The [decision] rule columns shared by both predictive tables. */
static mscsim_final_rule rule_row(const table *t, size_t r)
{
    mscsim_final_rule f = {NAN, 0.0, INFINITY, num(table_get(t, r, table_col(t, "threshold"))),
                           num(table_get(t, r, table_col(t, "probability"))),
                           num(table_get(t, r, table_col(t, "mcid"))),
                           num(table_get(t, r, table_col(t, "mcid_probability")))};
    return f;
}

static void test_predictive_normal(void)
{
    table t;
    if (!table_read(&t, "predictive_normal_ref.csv")) {
        CHECK(0, "ref/predictive_normal_ref.csv is readable");
        return;
    }
    double worst = 0;
    for (size_t r = 0; r < t.nrow; r++) {
        mscsim_final_rule f = rule_row(&t, r);
        f.final_z = num(table_get(&t, r, table_col(&t, "final_z")));
        f.prior_mean = num(table_get(&t, r, table_col(&t, "prior_mean")));
        f.prior_sd = num(table_get(&t, r, table_col(&t, "prior_sd")));
        double got = mscsim_predictive_normal(&f, num(table_get(&t, r, table_col(&t, "estimate"))),
                                              num(table_get(&t, r, table_col(&t, "se"))),
                                              num(table_get(&t, r, table_col(&t, "fraction"))));
        double want = num(table_get(&t, r, table_col(&t, "pp")));
        worst = fmax(worst, fabs(got - want));
        if (!(fabs(got - want) <= 1e-8))
            CHECK(0, "normal row %zu: %.12g, R %.12g", r + 1, got, want);
    }
    CHECK(t.nrow == 9, "9 normal predictive cases (got %zu)", t.nrow);
    CHECK(worst <= 1e-8, "normal predictive probabilities within 1e-8 of R (worst %.2e)", worst);
    table_free(&t);
    /* Flat prior, the test at the end: PP >= q exactly when z >= c sqrt(t) + sqrt(1 - t) z_q,
     * the bound the looks file reports. */
    mscsim_final_rule f = {1.959964, 0.0, INFINITY, 0.0, 0.975, -INFINITY, 0.5};
    double t_k = 0.4, zq = qnorm(0.1, 0.0, 1.0, 1, 0), zb = 1.959964 * sqrt(t_k) + sqrt(1 - t_k) * zq;
    ABS_EQ(mscsim_predictive_normal(&f, zb * 2.0, 2.0, t_k), 0.1, 1e-12,
           "flat prior: the implied z bound gives PP = q");
    CHECK(isnan(mscsim_predictive_normal(&f, 1.0, 0.0, 0.5)), "se 0: NaN");
    CHECK(isnan(mscsim_predictive_normal(&f, 1.0, 1.0, 1.0)), "fraction 1: NaN");
}

static void test_predictive_rd(void)
{
    table t;
    if (!table_read(&t, "predictive_rd_ref.csv")) {
        CHECK(0, "ref/predictive_rd_ref.csv is readable");
        return;
    }
    double worst = 0;
    for (size_t r = 0; r < t.nrow; r++) {
        mscsim_final_rule f = rule_row(&t, r);
        double a[2], b[2];
        a[0] = a[1] = num(table_get(&t, r, table_col(&t, "a")));
        b[0] = b[1] = num(table_get(&t, r, table_col(&t, "b")));
        long n[2] = {(long)num(table_get(&t, r, table_col(&t, "n0"))),
                     (long)num(table_get(&t, r, table_col(&t, "n1")))};
        long x[2] = {(long)num(table_get(&t, r, table_col(&t, "x0"))),
                     (long)num(table_get(&t, r, table_col(&t, "x1")))};
        long more[2] = {(long)num(table_get(&t, r, table_col(&t, "more0"))),
                        (long)num(table_get(&t, r, table_col(&t, "more1")))};
        double got = mscsim_predictive_rd(&f, a, b, n, x, more);
        double want = num(table_get(&t, r, table_col(&t, "pp")));
        worst = fmax(worst, fabs(got - want));
        if (!(fabs(got - want) <= 1e-8))
            CHECK(0, "beta-binomial row %zu: %.12g, R %.12g", r + 1, got, want);
    }
    CHECK(t.nrow == 6, "6 beta-binomial predictive cases (got %zu)", t.nrow);
    CHECK(worst <= 1e-8, "beta-binomial predictive probabilities within 1e-8 of R (worst %.2e)",
          worst);
    table_free(&t);
    mscsim_final_rule test = {1.96, 0.0, INFINITY, 0.0, 0.975, -INFINITY, 0.5};
    double a[2] = {1, 1}, b[2] = {1, 1};
    long n[2] = {10, 10}, x[2] = {2, 5}, more[2] = {10, 10};
    CHECK(isnan(mscsim_predictive_rd(&test, a, b, n, x, more)), "the test rule: NaN");
    /* Nothing to come: the indicator of success now. */
    mscsim_final_rule post = {NAN, 0.0, INFINITY, 0.0, 0.975, -INFINITY, 0.5};
    long none[2] = {0, 0}, strong[2] = {1, 9};
    CHECK(mscsim_predictive_rd(&post, a, b, n, strong, none) == 1.0, "no more patients: 1 (success)");
    CHECK(mscsim_predictive_rd(&post, a, b, n, x, none) == 0.0, "no more patients: 0 (failure)");
}

int main(void)
{
    test_beta_binomial();
    test_normal();
    test_predictive_normal();
    test_predictive_rd();
    return TEST_DONE();
}
