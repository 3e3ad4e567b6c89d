/* Wilson intervals and the Welford accumulator against R (tests/ref/make_stats_ref.R). */
#include "harness.h"
#include "mscsim/stats.h"

/* Produced by `Rscript tests/ref/make_stats_ref.R` (prop.test(x, n, correct = FALSE)). */
static const struct {
    long x, n;
    double conf, lo, hi;
} wilson_ref[] = {
    {37, 120, 0.95, 0.23272736988916301, 0.39582997723800678},
    {0, 50, 0.95, 0, 0.071347599133358683},
    {50, 50, 0.95, 0.92865240086664136, 1},
    {1, 3, 0.90, 0.078265726333728428, 0.74646613171877574},
};

int main(void)
{
    for (size_t i = 0; i < sizeof wilson_ref / sizeof wilson_ref[0]; i++) {
        double lo, hi;
        mscsim_wilson_interval(wilson_ref[i].x, wilson_ref[i].n, wilson_ref[i].conf, &lo, &hi);
        ABS_EQ(lo, wilson_ref[i].lo, 1e-12, "wilson lo %ld/%ld", wilson_ref[i].x, wilson_ref[i].n);
        ABS_EQ(hi, wilson_ref[i].hi, 1e-12, "wilson hi %ld/%ld", wilson_ref[i].x, wilson_ref[i].n);
    }
    double lo, hi;
    mscsim_wilson_interval(0, 0, 0.95, &lo, &hi);
    CHECK(isnan(lo) && isnan(hi), "wilson with no trials is NaN");

    /* Large offset, tiny spread: a naive sum of squares would lose every digit here. */
    mscsim_welford w = {0};
    const double x[] = {1e9 + 0.1, 1e9 + 0.2, 1e9 + 0.3, 1e9 + 0.4};
    for (int i = 0; i < 4; i++)
        mscsim_welford_add(&w, x[i]);
    REL_EQ(w.mean, 1000000000.25, 1e-15, "welford mean (R: mean(x))");
    REL_EQ(mscsim_welford_sd(&w), 0.12909941409387804, 1e-6, "welford sd (R: sd(x))");
    mscsim_welford one = {0};
    mscsim_welford_add(&one, 3.0);
    CHECK(isnan(mscsim_welford_sd(&one)), "sd of one value is NaN");
    return TEST_DONE();
}
