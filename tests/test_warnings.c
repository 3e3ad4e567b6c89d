/*
 * Tests of the degenerate-design warnings (sim/warnings.c, include/mscsim/warnings.h).
 *
 * 1. Design level: the baseline's mass outside the scale against its closed form (pnorm,
 *    punif, plnorm, the truncated normal, discrete sums, an empirical file's rows), on both
 *    sides of the 0.5 rule, and no warning where the baseline is not drawn or the scale is
 *    unbounded.
 * 2. Cell level, on summaries written out: the failure share on both sides of 1 % and the
 *    "every trial failed" text; coverage below 0.93 only when its 99.9 % Wilson upper limit
 *    is below 0.95 (2000 trials: raised; 200 trials: noise, not raised); floor and ceiling on
 *    both sides of 0.5; NaN (not estimable) never raises.
 * 3. Through the engine: a design whose every ancova fails (the baseline clipped to a
 *    constant) raises failures, one whose final scores sit at Barthel's 100 raises ceiling.
 * 4. The column format: codes in enum order, ';'-separated, empty when none.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "config_util.h"
#include "harness.h"
#include "mathlib.h"
#include "mscsim/stats.h"
#include "mscsim/trial.h"
#include "mscsim/warnings.h"

/* The design warnings of the minimal config with `baseline` on scale (and rho 0.5, so the
 * baseline is drawn); 0 when the design cannot be built (a broken test). */
static int design_warnings(const char *scale, const char *baseline, mscsim_warnings *w)
{
    mscsim_config cfg;
    load_base(&cfg);
    set(&cfg, "outcome.scale=%s", scale);
    set(&cfg, "model.rho=0.5");
    set(&cfg, "baseline.score=%s", baseline);
    mscsim_design *d;
    mscsim_error err;
    mscsim_warnings_clear(w);
    if (mscsim_design_new(&cfg, &d, &err)) {
        printf("design %s on %s: %s\n", baseline, scale, err.msg);
        return 0;
    }
    mscsim_warnings_design(d, w);
    mscsim_design_free(d);
    return 1;
}

/* baseline on scale raises baseline_off_scale exactly when want_share > 0.5, and then the
 * text states 100 want_share to 3 significant digits. */
static void expect_off_scale(const char *scale, const char *baseline, double want_share)
{
    mscsim_warnings w;
    if (!design_warnings(scale, baseline, &w)) {
        CHECK(0, "%s on %s: design", baseline, scale);
        return;
    }
    int raised = (w.codes >> MSCSIM_WARN_BASELINE_OFF_SCALE) & 1u;
    char pct[32];
    snprintf(pct, sizeof pct, "puts %.3g %%", 100.0 * want_share);
    if (want_share > MSCSIM_WARN_OFF_SCALE_SHARE)
        CHECK(raised && strstr(w.text[MSCSIM_WARN_BASELINE_OFF_SCALE], pct),
              "%s on %s: warned, \"%s\" in \"%s\"", baseline, scale, pct,
              w.text[MSCSIM_WARN_BASELINE_OFF_SCALE]);
    else
        CHECK(!raised && w.codes == 0, "%s on %s: share %.4f, no warning", baseline, scale,
              want_share);
}

static void test_design(void)
{
    /* Closed forms of P(X < 0) + P(X > 100) (Barthel, FMA motor) or [0, 66] (FMA-UE). */
    expect_off_scale("barthel", "normal(400, 20)", 1.0);
    expect_off_scale("barthel", "normal(110, 20)",
                     pnorm(0, 110, 20, 1, 0) + pnorm(100, 110, 20, 0, 0));
    expect_off_scale("barthel", "normal(50, 30)",
                     pnorm(0, 50, 30, 1, 0) + pnorm(100, 50, 30, 0, 0));
    expect_off_scale("fma_motor", "uniform(-100, 50)", 100.0 / 150.0);
    expect_off_scale("fma_motor", "uniform(-50, 50)", 0.5); /* the rule is > 0.5 */
    expect_off_scale("fma_ue", "lognormal(4.5, 0.3)", plnorm(66, 4.5, 0.3, 0, 0));
    expect_off_scale("fma_ue", "truncnormal(60, 10, 30, 90)",
                     (pnorm(90, 60, 10, 1, 0) - pnorm(66, 60, 10, 1, 0)) /
                         (pnorm(90, 60, 10, 1, 0) - pnorm(30, 60, 10, 1, 0)));
    expect_off_scale("fma_ue", "discrete(10:0.2, 70:0.45, 80:0.35)", 0.8);
    expect_off_scale("fma_ue", "discrete(10:0.6, 70:0.4)", 0.4);

    /* An empirical baseline: the share of the file's rows outside, 3 of 4. */
    const char *path = "/tmp/mscsim_test_warnings_pilot.csv";
    FILE *f = fopen(path, "w");
    CHECK(f != NULL, "write %s", path);
    if (f) {
        fputs("score\n120\n-5\n150\n40\n", f);
        fclose(f);
        char spec[128];
        snprintf(spec, sizeof spec, "empirical(%s, score)", path);
        mscsim_warnings w;
        mscsim_config cfg;
        load_base(&cfg);
        set(&cfg, "outcome.scale=barthel");
        set(&cfg, "analysis.endpoint=final");
        set(&cfg, "baseline.score=%s", spec);
        mscsim_design *d;
        mscsim_error err;
        mscsim_warnings_clear(&w);
        if (mscsim_design_new(&cfg, &d, &err) == MSCSIM_OK) {
            mscsim_warnings_design(d, &w);
            mscsim_design_free(d);
            CHECK((w.codes & (1u << MSCSIM_WARN_BASELINE_OFF_SCALE)) &&
                      strstr(w.text[MSCSIM_WARN_BASELINE_OFF_SCALE], "puts 75 %"),
                  "empirical baseline: 3 of 4 rows outside (%.200s)",
                  w.text[MSCSIM_WARN_BASELINE_OFF_SCALE]);
        } else {
            CHECK(0, "empirical design: %.200s", err.msg);
        }
        remove(path);
    }

    /* Not drawn (rho 0, change endpoint): the baseline never enters a trial. */
    mscsim_config cfg;
    load_base(&cfg);
    set(&cfg, "outcome.scale=barthel");
    set(&cfg, "baseline.score=normal(400, 20)");
    mscsim_design *d;
    mscsim_error err;
    mscsim_warnings w;
    mscsim_warnings_clear(&w);
    if (mscsim_design_new(&cfg, &d, &err) == MSCSIM_OK) {
        mscsim_warnings_design(d, &w);
        mscsim_design_free(d);
    }
    CHECK(w.codes == 0, "a baseline that is not drawn: no warning");
    /* An unbounded scale has no range to be outside of. */
    CHECK(design_warnings("none", "normal(400, 20)", &w) && w.codes == 0,
          "scale none: no warning");
}

/* A cell summary with the fields the rules read. */
static mscsim_cell_summary cell(long reps, long failures, double coverage, double floor_share,
                                double ceiling_share)
{
    mscsim_cell_summary s;
    memset(&s, 0, sizeof s);
    s.analysis = "welch";
    s.reps = reps;
    s.failures = failures;
    s.coverage = coverage;
    s.floor_share = floor_share;
    s.ceiling_share = ceiling_share;
    return s;
}

static unsigned cell_codes(mscsim_cell_summary s, mscsim_warnings *w)
{
    mscsim_warnings_clear(w);
    mscsim_warnings_cell(&s, w);
    return w->codes;
}

static void test_cell(void)
{
    mscsim_warnings w;
    const unsigned fail = 1u << MSCSIM_WARN_FAILURES, cov = 1u << MSCSIM_WARN_LOW_COVERAGE;
    const unsigned fl = 1u << MSCSIM_WARN_FLOOR, ce = 1u << MSCSIM_WARN_CEILING;
    CHECK(cell_codes(cell(1000, 10, 0.95, 0.1, 0.1), &w) == 0, "10 of 1000 failed (1 %%): none");
    CHECK(cell_codes(cell(1000, 11, 0.95, 0.1, 0.1), &w) == fail &&
              strstr(w.text[MSCSIM_WARN_FAILURES], "11 of 1000") &&
              strstr(w.text[MSCSIM_WARN_FAILURES], "welch"),
          "11 of 1000 failed: failures, naming the count and analysis (%s)",
          w.text[MSCSIM_WARN_FAILURES]);
    CHECK(cell_codes(cell(200, 200, NAN, NAN, NAN), &w) == fail &&
              strstr(w.text[MSCSIM_WARN_FAILURES], "every one of the 200 trials"),
          "all failed: said so (%s)", w.text[MSCSIM_WARN_FAILURES]);
    /* Coverage 0.92 of 2000: 99.9 % Wilson upper 0.940 < 0.95; of 200: 0.96, noise. */
    double lo, hi;
    mscsim_wilson_interval(1840, 2000, 0.999, &lo, &hi);
    CHECK(hi < 0.95 && cell_codes(cell(2000, 0, 0.92, 0.0, 0.0), &w) == cov &&
              strstr(w.text[MSCSIM_WARN_LOW_COVERAGE], "92 %"),
          "coverage 0.92 of 2000 (upper %.4f): low_coverage (%.200s)", hi,
          w.text[MSCSIM_WARN_LOW_COVERAGE]);
    mscsim_wilson_interval(184, 200, 0.999, &lo, &hi);
    CHECK(hi >= 0.95 && cell_codes(cell(200, 0, 0.92, 0.0, 0.0), &w) == 0,
          "coverage 0.92 of 200 (upper %.4f): within Monte Carlo noise, none", hi);
    CHECK(cell_codes(cell(100000, 0, 0.931, 0.0, 0.0), &w) == 0,
          "coverage 0.931 (clearly below 0.95, but not below 0.93): none");
    CHECK(cell_codes(cell(1000, 0, NAN, 0.0, 0.0), &w) == 0, "coverage NaN: none");
    /* Computed trials are reps - failures: 0.9 of the 20 computed is noise. */
    CHECK(cell_codes(cell(1000, 980, 0.9, 0.0, 0.0), &w) == fail, "coverage of 20 computed: noise");
    CHECK(cell_codes(cell(1000, 0, 0.95, 0.5, 0.5), &w) == 0, "floor and ceiling 0.5: none");
    CHECK(cell_codes(cell(1000, 0, 0.95, 0.51, 0.0), &w) == fl &&
              strstr(w.text[MSCSIM_WARN_FLOOR], "51 %"),
          "floor 0.51: floor (%s)", w.text[MSCSIM_WARN_FLOOR]);
    CHECK(cell_codes(cell(1000, 0, 0.95, 0.0, 0.7), &w) == ce, "ceiling 0.7: ceiling");
    CHECK(cell_codes(cell(1000, 0, 0.95, NAN, NAN), &w) == 0, "shares NaN (unbounded): none");
}

static void test_engine(void)
{
    /* Every baseline clipped to Barthel's 100: ancova's covariate is constant, so every fit
     * fails. */
    mscsim_config cfg;
    load_base(&cfg);
    set(&cfg, "outcome.scale=barthel");
    set(&cfg, "baseline.score=normal(400, 20)");
    set(&cfg, "model.rho=0.3");
    set(&cfg, "analysis.tests=welch, ancova");
    set(&cfg, "analysis.endpoint=final");
    set(&cfg, "simulation.reps=200");
    mscsim_cell_summary s;
    mscsim_warnings w;
    if (run_analysis(&cfg, &s, 0, 1)) {
        cell_codes(s, &w);
        CHECK(s.failures == s.reps && (w.codes & (1u << MSCSIM_WARN_FAILURES)),
              "ancova on a clipped constant baseline: every trial failed and it says so");
    } else {
        CHECK(0, "engine: clipped baseline");
    }
    /* Baselines near Barthel's top and a gain of 20 points: most final scores are 100. */
    load_base(&cfg);
    set(&cfg, "outcome.scale=barthel");
    set(&cfg, "baseline.score=normal(90, 5)");
    set(&cfg, "control.mean=20");
    set(&cfg, "msc.mean=20");
    set(&cfg, "control.sd=5");
    set(&cfg, "msc.sd=5");
    set(&cfg, "analysis.endpoint=final");
    set(&cfg, "simulation.reps=200");
    if (run_analysis(&cfg, &s, 0, 0)) {
        cell_codes(s, &w);
        CHECK(s.ceiling_share > 0.5 && (w.codes & (1u << MSCSIM_WARN_CEILING)),
              "final scores at Barthel's ceiling (share %.3f): ceiling", s.ceiling_share);
    } else {
        CHECK(0, "engine: ceiling");
    }
}

static void test_format(void)
{
    char buf[128];
    CHECK(strcmp(mscsim_warnings_format(0, buf, sizeof buf), "") == 0, "none: empty");
    unsigned all = (1u << MSCSIM_WARN_COUNT) - 1u;
    CHECK(strcmp(mscsim_warnings_format(all, buf, sizeof buf),
                 "baseline_off_scale;failures;low_coverage;floor;ceiling") == 0,
          "all, in order: %s", buf);
    CHECK(strcmp(mscsim_warnings_format((1u << MSCSIM_WARN_CEILING) |
                                            (1u << MSCSIM_WARN_BASELINE_OFF_SCALE),
                                        buf, sizeof buf),
                 "baseline_off_scale;ceiling") == 0,
          "two: %s", buf);
    CHECK(strlen(mscsim_warnings_format(all, buf, sizeof buf)) < 72,
          "every code fits a CSV cell of the front end (72 bytes)");
    for (int i = 0; i < MSCSIM_WARN_COUNT; i++)
        CHECK(mscsim_warning_code((mscsim_warning)i) && mscsim_warning_rule((mscsim_warning)i),
              "warning %d has a code and a rule", i);
    CHECK(!mscsim_warning_code(MSCSIM_WARN_COUNT), "no code past the last");
}

int main(void)
{
    test_design();
    test_cell();
    test_engine();
    test_format();
    return TEST_DONE();
}
