/*
 * Posterior probabilities: the beta-binomial risk difference against R's integration
 * (tests/ref/posterior_ref.csv, made by tests/ref/make_posterior_ref.R: 84 cases of three
 * priors, seven data sets from 10 to 2000 per arm, thresholds -0.1 to 0.2), to 1e-8; the
 * conjugate normal posterior against its closed form.
 */
#include <math.h>
#include <stdio.h>

#include "harness.h"
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

int main(void)
{
    test_beta_binomial();
    test_normal();
    return TEST_DONE();
}
