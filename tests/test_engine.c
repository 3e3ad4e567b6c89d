/*
 * Engine tests: simulated power against exact power (tests/ref/power_ref.csv, produced
 * by tests/ref/make_power_ref.R: noncentral t, binomial enumeration, the binomial mixture
 * over realised arm sizes under MCAR dropout), each within 4 Monte Carlo standard errors
 * sqrt(p(1-p)/reps) with a fixed seed; unbiasedness and coverage; failure accounting
 * against its exact probability; identities; and thread-count independence.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config_util.h"
#include "harness.h"
#include "internal.h"
#include "ref_table.h"
#include "mathlib.h"
#include "mscsim/engine.h"

/* Monte Carlo tolerance: a correct engine fails a 4-MCSE check with probability 6e-5. */
#define K_MCSE 4.0
#define POWER_REPS 40000

/* Runs cfg to the end and returns the summary of its first analysis in cell. */
static int run(const mscsim_config *cfg, mscsim_cell_summary *out, size_t cell)
{
    return run_analysis(cfg, out, cell, 0);
}

/* ---- power references ------------------------------------------------------------ */

static void test_power_references(void)
{
    table t;
    CHECK(table_read(&t, "power_ref.csv") && t.nrow > 0, "read power_ref.csv");
    size_t c_id = table_col(&t, "id"), c_test = table_col(&t, "test");
    size_t c_model = table_col(&t, "model"), c_n0 = table_col(&t, "n_control");
    size_t c_n1 = table_col(&t, "n_msc"), c_m0 = table_col(&t, "mean_control");
    size_t c_m1 = table_col(&t, "mean_msc"), c_sd = table_col(&t, "sd"), c_rho = table_col(&t, "rho");
    size_t c_p0 = table_col(&t, "p_control"), c_p1 = table_col(&t, "p_msc");
    size_t c_drop = table_col(&t, "dropout"), c_alpha = table_col(&t, "alpha");
    size_t c_sides = table_col(&t, "sides"), c_power = table_col(&t, "power");
    for (size_t r = 0; r < t.nrow; r++) {
#define F(c) table_get(&t, r, c)
        mscsim_config cfg;
        load_base(&cfg);
        long n0 = atol(F(c_n0)), n1 = atol(F(c_n1)), g = sim_gcd(n0, n1);
        set(&cfg, "model.type=%s", F(c_model));
        set(&cfg, "analysis.test=%s", F(c_test));
        set(&cfg, "trial.n=%ld", n0 + n1);
        set(&cfg, "trial.allocation=%ld:%ld", n0 / g, n1 / g);
        set(&cfg, "trial.alpha=%s", F(c_alpha));
        set(&cfg, "trial.sides=%s", F(c_sides));
        set(&cfg, "control.dropout=%s", F(c_drop));
        set(&cfg, "msc.dropout=%s", F(c_drop));
        if (strcmp(F(c_model), "normal") == 0) {
            set(&cfg, "control.mean=%s", F(c_m0));
            set(&cfg, "msc.mean=%s", F(c_m1));
            set(&cfg, "control.sd=%s", F(c_sd));
            set(&cfg, "msc.sd=%s", F(c_sd));
            set(&cfg, "model.rho=%s", F(c_rho));
        } else {
            set(&cfg, "control.p=%s", F(c_p0));
            set(&cfg, "msc.p=%s", F(c_p1));
        }
        set(&cfg, "simulation.reps=%d", POWER_REPS);
        set(&cfg, "simulation.seed=%zu", 1001 + r);
        mscsim_cell_summary s;
        if (!run(&cfg, &s, 0)) {
            CHECK(0, "case %s runs", F(c_id));
            continue;
        }
        double exact = num(F(c_power));
        double mcse = sqrt(fmax(exact * (1 - exact), 1.0 / POWER_REPS) / POWER_REPS);
        ABS_EQ(s.power, exact, K_MCSE * mcse, "power %s: %s n=%ld+%ld", F(c_id), F(c_test), n0,
               n1);
        INT_EQ(s.n_control, n0, "case %s control size", F(c_id));
        INT_EQ(s.n_msc, n1, "case %s msc size", F(c_id));
#undef F
    }
    table_free(&t);
}

/* ---- estimates, coverage, identities ------------------------------------------------ */

static void test_unbiased_and_covering(const char *test, double rho)
{
    mscsim_config cfg;
    load_base(&cfg);
    set(&cfg, "analysis.test=%s", test);
    set(&cfg, "trial.n=50");
    set(&cfg, "trial.allocation=2:3");
    set(&cfg, "model.rho=%g", rho);
    set(&cfg, "baseline.score=normal(40, 15)");
    set(&cfg, "control.mean=10");
    set(&cfg, "msc.mean=14");
    set(&cfg, "control.sd=12");
    set(&cfg, "msc.sd=12");
    set(&cfg, "simulation.reps=%d", POWER_REPS);
    mscsim_cell_summary s;
    if (!run(&cfg, &s, 0))
        return;
    ABS_EQ(s.true_effect, 4.0, 0.0, "%s true effect", test);
    ABS_EQ(s.bias, 0.0, K_MCSE * s.empirical_se / sqrt((double)s.reps), "%s unbiased", test);
    /* Student and ANCOVA intervals are exact under this model; Welch's nearly so. */
    ABS_EQ(s.coverage, 0.95, K_MCSE * sqrt(0.95 * 0.05 / (double)s.reps), "%s coverage", test);
    ABS_EQ(s.rmse, sqrt(s.empirical_se * s.empirical_se + s.bias * s.bias),
           1e-3 * s.rmse, "%s rmse^2 = se^2 + bias^2", test);
    INT_EQ(s.failures, 0, "%s no failures", test);
    ABS_EQ(s.mean_n_analysed, 50, 0, "%s all analysed without dropout", test);
}

static void test_ancova_endpoint_identity(void)
{
    /* The arm coefficient of y ~ arm + baseline is the same for change and final = baseline
     * + change, and both endpoints draw the same numbers: the rows must match exactly. */
    mscsim_cell_summary a, b;
    mscsim_config cfg;
    load_base(&cfg);
    set(&cfg, "analysis.test=ancova");
    set(&cfg, "model.rho=-0.4");
    set(&cfg, "baseline.score=uniform(0, 49)");
    set(&cfg, "msc.mean=0.4");
    set(&cfg, "analysis.endpoint=change");
    run(&cfg, &a, 0);
    set(&cfg, "analysis.endpoint=final");
    run(&cfg, &b, 0);
    INT_EQ(a.rejections, b.rejections, "ancova change vs final: rejections");
    REL_EQ(a.mean_estimate, b.mean_estimate, 1e-9, "ancova change vs final: estimate");
}

static void test_failures_counted(void)
{
    /* n = 6 (3 + 3) with 50 % dropout: a trial fails when an arm keeps fewer than two
     * patients, P(arm fails) = P(Bin(3, .5) < 2) = 1/2, so P(trial fails) = 3/4. */
    mscsim_config cfg;
    load_base(&cfg);
    set(&cfg, "trial.n=6");
    set(&cfg, "control.dropout=0.5");
    set(&cfg, "msc.dropout=0.5");
    set(&cfg, "simulation.reps=%d", POWER_REPS);
    mscsim_cell_summary s;
    run(&cfg, &s, 0);
    double want = 0.75;
    ABS_EQ((double)s.failures / (double)s.reps, want,
           K_MCSE * sqrt(want * (1 - want) / (double)s.reps), "failure rate 3/4");
    ABS_EQ(s.mean_n_analysed, 3.0, K_MCSE * sqrt(6 * 0.25 / (double)s.reps), "mean analysed 3");
    CHECK(s.rejections + s.failures <= s.reps, "failures are not rejections");
    CHECK(s.power == (double)s.rejections / (double)s.reps, "power counts failures as not rejecting");
}

static void test_threads_identical(void)
{
    mscsim_config cfg;
    load_base(&cfg);
    set(&cfg, "trial.n=30, 57");
    set(&cfg, "analysis.test=welch");
    set(&cfg, "control.dropout=0.15");
    set(&cfg, "msc.sd=2");
    set(&cfg, "simulation.reps=20000");
    mscsim_cell_summary one[2], two[2];
    set(&cfg, "simulation.threads=1");
    run(&cfg, &one[0], 0);
    run(&cfg, &one[1], 1);
    set(&cfg, "simulation.threads=2");
    run(&cfg, &two[0], 0);
    run(&cfg, &two[1], 1);
    CHECK(memcmp(one, two, sizeof one) == 0, "summaries identical on 1 and 2 threads");
    CHECK(one[0].power != one[1].power, "cells differ (second n is really simulated)");
}

/* Summary of analysis 0 in cell 0 of an engine run to the end. */
static void finish(mscsim_engine *eng, mscsim_cell_summary *out)
{
    mscsim_error err;
    while (!mscsim_engine_done(eng))
        mscsim_engine_step(eng, &err);
    mscsim_engine_summary(eng, 0, 0, out);
}

static void test_retarget_matches_new_engine(void)
{
    /* One design, one engine re-targeted from size to size (the sample-size search) gives
     * what a new engine built for each run gives, growing and then reusing its buffers. */
    mscsim_config cfg;
    load_base(&cfg);
    set(&cfg, "trial.n=30, 57");
    set(&cfg, "analysis.tests=welch, wilcoxon");
    set(&cfg, "control.dropout=0.15");
    set(&cfg, "simulation.reps=3000");
    mscsim_error err;
    mscsim_design *design = NULL;
    mscsim_engine *eng = NULL;
    if (mscsim_design_new(&cfg, &design, &err) ||
        mscsim_engine_new_with_design(design, 0, &eng, &err)) {
        CHECK(0, "engine on a compiled design");
        mscsim_design_free(design);
        return;
    }
    CHECK(mscsim_design_config(design)->n_count == 2 && mscsim_design_analysis_count(design) == 2,
          "the design keeps the config it was compiled from");
    static const long sizes[] = {120, 30, 57};
    for (int nested = 0; nested <= 1; nested++)
        for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            mscsim_config one = cfg;
            one.n[0] = sizes[i];
            one.n_count = 1;
            one.reps = 2000;
            one.nested_sizes = nested;
            mscsim_cell_summary fresh, reused;
            run(&one, &fresh, 0);
            CHECK(mscsim_engine_retarget(eng, &sizes[i], 1, 2000, nested, &err) == MSCSIM_OK,
                  "retarget to n = %ld", sizes[i]);
            finish(eng, &reused);
            CHECK(memcmp(&fresh, &reused, sizeof fresh) == 0,
                  "n = %ld%s: re-targeted engine matches a new one", sizes[i],
                  nested ? " nested" : "");
        }
    long empty = 1;
    CHECK(mscsim_engine_retarget(eng, &empty, 1, 10, 0, &err) == MSCSIM_EINVAL,
          "n = 1 leaves an arm empty: rejected");
    CHECK(mscsim_engine_retarget(eng, sizes, 0, 10, 0, &err) == MSCSIM_EINVAL,
          "no sample size: rejected");
    mscsim_engine_free(eng);
    mscsim_design_free(design);
}

static void test_memory_independent_of_reps(void)
{
    /* A replicate count larger than one chunk reuses the same buffers: the engine
     * finishes and counts every replicate. */
    mscsim_config cfg;
    load_base(&cfg);
    set(&cfg, "trial.n=4");
    set(&cfg, "simulation.reps=20001");
    mscsim_cell_summary s;
    run(&cfg, &s, 0);
    INT_EQ(s.reps, 20001, "every replicate counted across chunks");
}

static void test_analyses_share_trials(void)
{
    /* Each analysis of a `tests` list sees exactly the trials a run of it alone sees, so
     * its row is identical; a third analysis in between changes nothing. */
    mscsim_config cfg;
    load_base(&cfg);
    set(&cfg, "trial.n=44");
    set(&cfg, "model.rho=0.5");
    set(&cfg, "msc.mean=0.6");
    set(&cfg, "control.dropout=0.1");
    set(&cfg, "simulation.reps=4000");
    set(&cfg, "analysis.tests=welch, ancova, student");
    /* ancova needs the patients, welch and student alone would take the table path: the
     * identity holds on one path, the patient path here (test_shortcut.c: both agree). */
    set(&cfg, "simulation.shortcut=no");
    mscsim_cell_summary several[3], alone;
    for (int k = 0; k < 3; k++)
        run_analysis(&cfg, &several[k], 0, k);
    static const char *const names[] = {"welch", "ancova", "student"};
    for (int k = 0; k < 3; k++) {
        mscsim_config single;
        load_base(&single);
        set(&single, "trial.n=44");
        set(&single, "model.rho=0.5");
        set(&single, "msc.mean=0.6");
        set(&single, "control.dropout=0.1");
        set(&single, "simulation.reps=4000");
        set(&single, "analysis.test=%s", names[k]);
        set(&single, "simulation.shortcut=no");
        run(&single, &alone, 0);
        STR_EQ(several[k].analysis, names[k], "row %d is %s", k, names[k]);
        CHECK(several[k].rejections == alone.rejections &&
                  several[k].mean_estimate == alone.mean_estimate &&
                  several[k].coverage == alone.coverage,
              "%s in a list equals %s alone", names[k], names[k]);
    }
    CHECK(several[0].mean_estimate == several[2].mean_estimate,
          "welch and student share their estimate on the same trials");
    mscsim_error err;
    set(&cfg, "analysis.tests=welch, welch");
    CHECK(mscsim_config_validate(&cfg, &err) == MSCSIM_ECONFIG && strstr(err.msg, "listed twice"),
          "an analysis listed twice is an error: %.200s", err.msg);
}

/*
 * Missing data: control loses 30 %, msc 10 %, of a normal change correlated 0.6 with the
 * baseline. MCAR: complete case unbiased. MAR on the baseline: Welch on the change is
 * biased (the arms lose different shares of a baseline-related outcome) but ANCOVA, which
 * conditions on the baseline, is not. MNAR on the unobserved score: both are biased
 * downward, because the control arm loses more of its worst patients. The realised rates
 * stay as configured (calibration uses 10^5 patients per arm: its own error is about
 * sqrt(0.3 * 0.7 / 1e5) = 0.0015, added to the tolerance).
 */
static void test_missing_mechanisms(void)
{
    static const char *const mechanisms[] = {"mcar", "mar", "mnar"};
    const int reps = 8000;
    for (int m = 0; m < 3; m++) {
        mscsim_config cfg;
        load_base(&cfg);
        set(&cfg, "trial.n=200");
        set(&cfg, "model.rho=0.6");
        set(&cfg, "msc.mean=0.4");
        set(&cfg, "control.dropout=0.3");
        set(&cfg, "msc.dropout=0.1");
        set(&cfg, "dropout.mechanism=%s", mechanisms[m]);
        set(&cfg, "dropout.odds_ratio=3");
        set(&cfg, "analysis.tests=welch, ancova");
        set(&cfg, "simulation.reps=%d", reps);
        mscsim_cell_summary welch, ancova;
        run_analysis(&cfg, &welch, 0, 0);
        run_analysis(&cfg, &ancova, 0, 1);
        double mcse_w = welch.empirical_se / sqrt((double)reps);
        double mcse_a = ancova.empirical_se / sqrt((double)reps);
        ABS_EQ(welch.missing_control, 0.3, K_MCSE * sqrt(0.21 / (reps * 100.0)) + 0.0015 * K_MCSE,
               "%s: realised control dropout", mechanisms[m]);
        ABS_EQ(welch.missing_msc, 0.1, K_MCSE * sqrt(0.09 / (reps * 100.0)) + 0.0009 * K_MCSE,
               "%s: realised msc dropout", mechanisms[m]);
        if (m == 0) {
            ABS_EQ(welch.bias, 0, K_MCSE * mcse_w, "mcar: complete-case welch unbiased");
            ABS_EQ(ancova.bias, 0, K_MCSE * mcse_a, "mcar: complete-case ancova unbiased");
        } else if (m == 1) {
            CHECK(welch.bias < -5 * mcse_w, "mar: complete-case welch biased down (%g, mcse %g)",
                  welch.bias, mcse_w);
            ABS_EQ(ancova.bias, 0, K_MCSE * mcse_a, "mar on baseline: ancova unbiased");
        } else {
            CHECK(welch.bias < -5 * mcse_w && ancova.bias < -5 * mcse_a,
                  "mnar: complete case biased down (welch %g, ancova %g)", welch.bias, ancova.bias);
        }
    }
}

/* Multiple imputation under MAR (the same design as above, dropout on the baseline):
 * Welch on imputed data is unbiased where complete case was biased, and Rubin's intervals
 * cover the truth about 95 % of the time (Rubin's rules are exact only as m grows and are
 * slightly conservative, so coverage is checked within 4 MCSE on either side). */
static void test_multiple_imputation(void)
{
    const int reps = 3000;
    mscsim_config cfg;
    load_base(&cfg);
    set(&cfg, "trial.n=200");
    set(&cfg, "model.rho=0.6");
    set(&cfg, "msc.mean=0.4");
    set(&cfg, "control.dropout=0.3");
    set(&cfg, "msc.dropout=0.1");
    set(&cfg, "dropout.mechanism=mar");
    set(&cfg, "dropout.odds_ratio=3");
    set(&cfg, "analysis.test=welch");
    set(&cfg, "analysis.missing=mi");
    set(&cfg, "analysis.imputations=10");
    set(&cfg, "simulation.reps=%d", reps);
    mscsim_cell_summary s;
    run(&cfg, &s, 0);
    double mcse = s.empirical_se / sqrt((double)reps);
    ABS_EQ(s.bias, 0, K_MCSE * mcse, "mi under MAR: unbiased");
    ABS_EQ(s.coverage, 0.95, K_MCSE * sqrt(0.95 * 0.05 / reps), "mi under MAR: coverage near 0.95");
    INT_EQ(s.failures, 0, "mi: no failed imputation");
    /* The empirical SD has a relative MCSE of 1 / sqrt(2 reps) = 1.3 %; Rubin's variance is
     * conservative by a few percent at m = 10, so 10 % allows for both. */
    REL_EQ(s.mean_se, s.empirical_se, 0.1, "mi: Rubin's SE tracks the spread of estimates");
}

/* Type I error of every analysis at the null, each on the outcome it fits, all analyses of
 * a design on the same trials. Tolerance: 4 MCSE of 0.05 at these reps, plus for the
 * large-sample tests (chisq, rd_z, po, po_lr, wilcoxon, worst_rank, and MI whose df are
 * approximate) an allowance of 0.005 for their approximation error at 150 per arm; Fisher's
 * exact test is conservative, so only its upper side is checked. The rows say they are a
 * type I error (rejection_kind): their true effect is exactly 0. */
static void check_size(const mscsim_config *cfg, const char *design)
{
    const char *exact[] = {"student", "welch", "ancova"};
    const char *names[MSCSIM_MAX_ANALYSES];
    int count = mscsim_config_analyses(cfg, names);
    for (int k = 0; k < count; k++) {
        mscsim_cell_summary s;
        if (!run_analysis(cfg, &s, 0, k)) {
            CHECK(0, "%s %s runs", design, names[k]);
            continue;
        }
        double tol = K_MCSE * sqrt(0.05 * 0.95 / (double)s.reps);
        int is_exact = cfg->missing != MSCSIM_MISSING_MI;
        if (is_exact) {
            is_exact = 0;
            for (size_t e = 0; e < sizeof exact / sizeof exact[0]; e++)
                is_exact |= strcmp(names[k], exact[e]) == 0;
        }
        if (strcmp(names[k], "fisher") == 0)
            CHECK(s.power <= 0.05 + tol && s.power > 0.01, "%s %s: size %.4f <= 0.05 + %.4f",
                  design, names[k], s.power, tol);
        else
            ABS_EQ(s.power, 0.05, tol + (is_exact ? 0 : 0.005), "%s %s: type I error", design,
                   names[k]);
        CHECK(s.true_effect == 0, "%s %s: true effect exactly 0 (a type_i_error row)", design,
              names[k]);
        CHECK(s.failures * 1000 <= s.reps, "%s %s: failures %ld", design, names[k], s.failures);
    }
}

static void test_type_i_error(void)
{
    mscsim_config cfg;
    load_base(&cfg);
    set(&cfg, "trial.n=300");
    set(&cfg, "outcome.scale=fma_motor");
    set(&cfg, "control.mean=50");
    set(&cfg, "msc.mean=50");
    set(&cfg, "control.sd=20");
    set(&cfg, "msc.sd=20");
    set(&cfg, "model.rho=0.5");
    set(&cfg, "control.mortality=0.1");
    set(&cfg, "msc.mortality=0.1");
    set(&cfg, "control.dropout=0.1");
    set(&cfg, "msc.dropout=0.1");
    set(&cfg, "analysis.tests=student, welch, ancova, wilcoxon, worst_rank");
    set(&cfg, "simulation.reps=20000");
    check_size(&cfg, "normal");

    load_base(&cfg);
    set(&cfg, "model.type=binary");
    set(&cfg, "trial.n=300");
    set(&cfg, "control.p=0.3");
    set(&cfg, "msc.p=0.3");
    set(&cfg, "analysis.tests=chisq, fisher, rd_z, po, po_lr, wilcoxon");
    set(&cfg, "simulation.reps=20000");
    check_size(&cfg, "binary");

    mscsim_error err;
    char msg[1024];
    if (mscsim_config_load(MSCSIM_TEST_DIR "/../configs/starting2_mrs_shift.ini", &cfg, &err)) {
        CHECK(0, "starting2 preset: %s", mscsim_error_format(&err, msg, sizeof msg));
        return;
    }
    set(&cfg, "trial.n=300");
    set(&cfg, "trial.allocation=1:1");
    set(&cfg, "msc.odds_ratio=1");
    set(&cfg, "analysis.tests=po, po_lr, wilcoxon, worst_rank, welch");
    set(&cfg, "simulation.reps=20000");
    check_size(&cfg, "ordinal");

    if (mscsim_config_load(MSCSIM_TEST_DIR "/../configs/lee2022_fma_motor.ini", &cfg, &err)) {
        CHECK(0, "lee2022 preset: %s", mscsim_error_format(&err, msg, sizeof msg));
        return;
    }
    set(&cfg, "trial.n=200");
    set(&cfg, "msc.r_gain=0");
    set(&cfg, "msc.effect_slope=0");
    set(&cfg, "control.dropout=0.25");
    set(&cfg, "msc.dropout=0.25");
    set(&cfg, "dropout.mechanism=mar");
    set(&cfg, "dropout.mar_on=previous_visit");
    set(&cfg, "dropout.odds_ratio=3");
    set(&cfg, "analysis.endpoint=change");
    set(&cfg, "analysis.tests=welch, ancova");
    set(&cfg, "analysis.missing=mi");
    set(&cfg, "analysis.imputations=5");
    set(&cfg, "simulation.reps=3000");
    check_size(&cfg, "trajectory MAR + mi");
}

int main(void)
{
    test_power_references();
    test_unbiased_and_covering("student", 0.0);
    test_unbiased_and_covering("welch", 0.3);
    test_unbiased_and_covering("ancova", 0.6);
    test_ancova_endpoint_identity();
    test_failures_counted();
    test_threads_identical();
    test_retarget_matches_new_engine();
    test_memory_independent_of_reps();
    test_analyses_share_trials();
    test_missing_mechanisms();
    test_multiple_imputation();
    test_type_i_error();
    return TEST_DONE();
}
