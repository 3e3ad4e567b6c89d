/*
 * Interim looks wired into the engine (sim/interim/looks.c), for the normal model:
 * - per-look and overall rejection of the simulated trials against an independent
 *   simulation of the canonical z statistics (Brownian increments from the test-only
 *   SplitMix generator) with the same boundaries;
 * - type I error at the null within Monte Carlo error of alpha, one- and two-sided;
 * - expected sample size against the formula sum_k P(stop at k) m_k, with the exit
 *   probabilities of the recursive integration (validated against rpact in test_gsd.c);
 * - analytic_power against rpact's getPowerMeans (tests/ref/gsd_power_ref.csv);
 * - beta-spending futility: type I error and futility stops against the formula;
 * - one look (looks = 1) decides exactly as the fixed design;
 * - the calendar of looks with accrual against a hand computation; pipeline patients;
 * - multiple imputation at looks; thread-count independence;
 * - decisions without p-values (tabulated quantiles) equal to those with them.
 * Monte Carlo checks use fixed seeds and 4 standard errors (a correct engine fails one with
 * probability 6e-5).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config_util.h"
#include "harness.h"
#include "mathlib.h"
#include "mscsim/analytic.h"
#include "mscsim/engine.h"
#include "mscsim/interim.h"
#include "ref_table.h"
#include "splitmix.h"

#define K_MCSE 4.0
#define REPS 20000

typedef struct {
    mscsim_cell_summary s;
    mscsim_look_summary look[MSCSIM_MAX_LOOKS];
    int looks;
} looks_run;

/* want_p = 1 makes every analysis compute its p-value, which the looks then compare with
 * the bounds; with 0 the t analyses' p-values are deferred and the looks decide on the
 * statistic by tabulated quantiles (sim/interim/looks.c). */
static int run_looks_p(const mscsim_config *cfg, int want_p, looks_run *out)
{
    mscsim_engine *eng;
    mscsim_error err;
    if (mscsim_engine_new(cfg, want_p, &eng, &err)) {
        printf("engine_new: %s\n", err.msg);
        return 0;
    }
    while (!mscsim_engine_done(eng))
        mscsim_engine_step(eng, &err);
    mscsim_engine_summary(eng, 0, 0, &out->s);
    out->looks = mscsim_engine_look_count(eng);
    for (int k = 0; k < out->looks; k++)
        mscsim_engine_look_summary(eng, 0, 0, k, &out->look[k]);
    mscsim_engine_free(eng);
    return 1;
}

static int run_looks(const mscsim_config *cfg, looks_run *out)
{
    return run_looks_p(cfg, 0, out);
}

static void normal_design(mscsim_config *cfg, long n, double delta, int sides)
{
    load_base(cfg);
    set(cfg, "trial.n=%ld", n);
    set(cfg, "trial.sides=%d", sides);
    set(cfg, "trial.alpha=%g", sides == 1 ? 0.025 : 0.05);
    set(cfg, "control.sd=10");
    set(cfg, "msc.sd=10");
    set(cfg, "msc.mean=%g", delta);
    set(cfg, "simulation.reps=%d", REPS);
    set(cfg, "interim.looks=0.333333, 0.666667, 1");
}

/* Independent: Z_k = S_k / sqrt(m_k) with S the sum of m_k increments of N(theta / sqrt(n), 1)
 * per patient-pair unit, i.e. the canonical form at the looks' real fractions m_k / n. */
static void z_simulation(const mscsim_gsd_bounds *b, const long *m, long n, double theta,
                         int sides, long reps, double *reject, double *futile)
{
    for (int k = 0; k < b->looks; k++)
        reject[k] = futile[k] = 0;
    for (long r = 0; r < reps; r++) {
        double s = 0.0;
        long prev = 0;
        for (int k = 0; k < b->looks; k++) {
            double inc = (double)(m[k] - prev) / (double)n;
            s += theta * inc + sqrt(inc) * rnorm1();
            prev = m[k];
            double z = s / sqrt((double)m[k] / (double)n);
            if (sides == 2 ? fabs(z) >= b->efficacy_z[k] : z >= b->efficacy_z[k]) {
                reject[k]++;
                break;
            }
            if (k + 1 < b->looks && sides == 1 && z <= b->futility_z[k]) {
                futile[k]++;
                break;
            }
        }
    }
    for (int k = 0; k < b->looks; k++) {
        reject[k] /= (double)reps;
        futile[k] /= (double)reps;
    }
}

/* |a - b| within K_MCSE standard errors of two independent shares of reps_a and reps_b. */
static int close_shares(double a, long reps_a, double b, long reps_b)
{
    double p = 0.5 * (a + b);
    double se = sqrt(p * (1 - p) * (1.0 / (double)reps_a + 1.0 / (double)reps_b));
    return fabs(a - b) <= K_MCSE * se + 1e-12;
}

static void test_against_z_simulation(double delta, int sides, const char *futility)
{
    mscsim_config cfg;
    normal_design(&cfg, 300, delta, sides);
    if (futility)
        set(&cfg, "interim.futility=%s", futility);
    looks_run run;
    CHECK(run_looks(&cfg, &run) && run.looks == 3, "engine runs with 3 looks");
    mscsim_gsd_bounds b;
    mscsim_error err;
    CHECK(mscsim_interim_bounds(&cfg, &b, &err) == MSCSIM_OK, "bounds");
    mscsim_look_plan plan[MSCSIM_MAX_LOOKS];
    mscsim_interim_plan(&cfg, 300, plan);
    long m[MSCSIM_MAX_LOOKS];
    for (int k = 0; k < 3; k++)
        m[k] = plan[k].analysed_total;
    /* The trial's drift: delta / sqrt(2 sd^2 / (n / 2)). */
    double theta = delta / sqrt(2.0 * 100.0 / 150.0);
    double reject[MSCSIM_MAX_LOOKS], futile[MSCSIM_MAX_LOOKS];
    long zreps = 200000;
    z_simulation(&b, m, 300, theta, sides, zreps, reject, futile);
    double total = 0, ztotal = 0;
    for (int k = 0; k < 3; k++) {
        CHECK(close_shares(run.look[k].reject_at_look, REPS, reject[k], zreps),
              "delta %g sides %d %s: look %d rejection %.4f vs z simulation %.4f", delta, sides,
              futility ? futility : "", k + 1, run.look[k].reject_at_look, reject[k]);
        if (k < 2)
            CHECK(close_shares(run.look[k].futility_at_look, REPS, futile[k], zreps),
                  "delta %g: look %d futility %.4f vs z simulation %.4f", delta, k + 1,
                  run.look[k].futility_at_look, futile[k]);
        total += run.look[k].reject_at_look;
        ztotal += reject[k];
    }
    CHECK(fabs(total - run.s.power) < 1e-12, "power %.4f is the sum of the looks' %.4f",
          run.s.power, total);
    CHECK(close_shares(run.s.power, REPS, ztotal, zreps),
          "delta %g sides %d: power %.4f vs z simulation %.4f", delta, sides, run.s.power, ztotal);
}

static void test_type_one_error(int sides, const char *futility, const char *binding)
{
    mscsim_config cfg;
    normal_design(&cfg, 200, 0.0, sides);
    set(&cfg, "simulation.reps=40000");
    if (futility)
        set(&cfg, "interim.futility=%s", futility);
    if (binding)
        set(&cfg, "interim.binding=%s", binding);
    looks_run run;
    CHECK(run_looks(&cfg, &run), "null design runs");
    double alpha = cfg.alpha, se = sqrt(alpha * (1 - alpha) / 40000.0);
    /* Non-binding futility only lowers the type I error (the bounds ignore it). */
    int conservative = futility && (!binding || strcmp(binding, "no") == 0);
    int ok = conservative ? run.s.power <= alpha + K_MCSE * se
                          : fabs(run.s.power - alpha) <= K_MCSE * se;
    CHECK(ok, "type I error %.5f vs alpha %g (sides %d, futility %s, binding %s; 4 MCSE %.5f)",
          run.s.power, alpha, sides, futility ? futility : "none", binding ? binding : "no",
          K_MCSE * se);
}

/* E[n] = sum_k P(stop at k) m_k, the exit probabilities at the looks' real fractions. The
 * simulated trials use Student's t (df = m_k - 2), a little less powerful than the
 * known-variance formula: n = 600 (delta 3 / sqrt 2, the same drift) keeps that well inside
 * the Monte Carlo error. */
static void test_expected_n(const char *futility)
{
    mscsim_config cfg;
    long n = 600;
    double delta = 3.0 / sqrt(2.0);
    normal_design(&cfg, n, delta, 1);
    if (futility)
        set(&cfg, "interim.futility=%s", futility);
    looks_run run;
    CHECK(run_looks(&cfg, &run), "design runs");
    mscsim_gsd_bounds b;
    CHECK(mscsim_interim_bounds(&cfg, &b, NULL) == MSCSIM_OK, "bounds");
    mscsim_look_plan plan[MSCSIM_MAX_LOOKS];
    mscsim_interim_plan(&cfg, n, plan);
    for (int k = 0; k < 3; k++)
        b.t[k] = (double)plan[k].analysed_total / (double)n;
    mscsim_gsd_probs p;
    mscsim_gsd_probabilities(&b, delta / sqrt(2.0 * 100.0 / ((double)n / 2.0)), &p);
    double en = 0, en2 = 0, stopped = 0;
    for (int k = 0; k < 3; k++) {
        double pk = k < 2 ? p.reject[k] + p.futility[k] : 1.0 - stopped;
        stopped += pk;
        en += pk * (double)plan[k].analysed_total;
        en2 += pk * (double)plan[k].analysed_total * (double)plan[k].analysed_total;
    }
    double se = sqrt((en2 - en * en) / REPS);
    CHECK(fabs(run.s.expected_n - en) <= K_MCSE * se,
          "expected n %.2f vs formula %.2f (4 MCSE %.2f; %s)", run.s.expected_n, en,
          K_MCSE * se, futility ? futility : "no futility");
}

static void test_analytic_against_rpact(void)
{
    table t;
    if (!table_read(&t, "gsd_power_ref.csv")) {
        CHECK(0, "ref/gsd_power_ref.csv is readable");
        return;
    }
    size_t c_t = table_col(&t, "t"), c_e = table_col(&t, "efficacy"),
           c_f = table_col(&t, "futility"), c_b = table_col(&t, "binding"),
           c_d = table_col(&t, "delta"), c_p = table_col(&t, "power");
    double worst = 0;
    for (size_t r = 0; r < t.nrow; r++) {
        mscsim_config cfg;
        normal_design(&cfg, 200, num(table_get(&t, r, c_d)), 1);
        set(&cfg, "analysis.test=welch");
        char looks[256];
        snprintf(looks, sizeof looks, "interim.looks=%s", table_get(&t, r, c_t));
        for (char *s = looks; *s; s++)
            if (*s == ';')
                *s = ',';
        set(&cfg, "%s", looks);
        const char *e = table_get(&t, r, c_e), *f = table_get(&t, r, c_f);
        set(&cfg, "interim.efficacy=%s", strcmp(e, "asOF") == 0   ? "obrien_fleming"
                                         : strcmp(e, "asP") == 0 ? "pocock"
                                                                  : "hsd(-4)");
        const char *fut = strcmp(f, "bsOF") == 0 ? "obrien_fleming"
                          : strcmp(f, "bsP") == 0 ? "pocock"
                                                  : "none";
        set(&cfg, "interim.futility=%s", fut);
        if (strcmp(fut, "none") != 0)
            set(&cfg, "interim.binding=%s", num(table_get(&t, r, c_b)) ? "yes" : "no");
        mscsim_error err = {0};
        int valid = mscsim_config_validate(&cfg, &err) == MSCSIM_OK;
        if (!valid)
            CHECK(0, "row %zu valid: %.300s", r, err.msg);
        double power = mscsim_analytic_power(&cfg, 0, 200);
        worst = fmax(worst, fabs(power - num(table_get(&t, r, c_p))));
    }
    table_free(&t);
    CHECK(worst < 1e-5, "analytic power with looks vs rpact getPowerMeans: worst %.2g", worst);
}

/* looks = 1: z = qnorm(1 - p) against qnorm(1 - alpha) is p <= alpha, the fixed test. */
static void test_single_look_is_fixed(void)
{
    mscsim_config fixed, one;
    normal_design(&fixed, 60, 4.0, 2);
    fixed.look_count = 0;
    /* The same trials: looks take the patient path, so the fixed design does too. */
    set(&fixed, "simulation.shortcut=no");
    one = fixed;
    set(&one, "interim.looks=1");
    mscsim_cell_summary a;
    looks_run b;
    CHECK(run_analysis(&fixed, &a, 0, 0) && run_looks(&one, &b), "both run");
    CHECK(a.rejections == b.s.rejections, "one look rejects as the fixed design: %ld vs %ld",
          a.rejections, b.s.rejections);
    CHECK(a.mean_estimate == b.s.mean_estimate, "and estimates the same");
    CHECK(b.s.expected_n == 60 && b.s.stop_efficacy == 0, "expected n 60, no early stop");
}

/* 10 patients a month after a 6-month linear ramp, 90-day follow-up (2.957 months). */
static void test_calendar(void)
{
    mscsim_config cfg;
    normal_design(&cfg, 200, 3.0, 1);
    set(&cfg, "interim.looks=0.5, 1");
    set(&cfg, "trial.accrual_per_month=10");
    set(&cfg, "trial.accrual_ramp_months=6");
    mscsim_look_plan plan[MSCSIM_MAX_LOOKS];
    CHECK(mscsim_interim_plan(&cfg, 200, plan) == 2, "two looks");
    /* Patient 100 enters at 6 + (100 - 30) / 10 = 13 months; known at 13 + 90 / 30.4375. */
    double month = 13.0 + 90.0 / 30.4375;
    CHECK(fabs(plan[0].month - month) < 1e-12, "look 1 at month %.4f (expected %.4f)",
          plan[0].month, month);
    /* By then 30 + 10 (month - 6) patients are randomized. */
    long randomized = (long)floor(30.0 + 10.0 * (month - 6.0));
    CHECK(plan[0].randomized == randomized, "randomized %ld (expected %ld)", plan[0].randomized,
          randomized);
    /* Patient 200: 6 + 170 / 10 = 23 months. */
    CHECK(fabs(mscsim_interim_final_month(&cfg, 200) - (23.0 + 90.0 / 30.4375)) < 1e-12,
          "final month");
    /* Inside the ramp: patient 20 enters at sqrt(2 * 6 * 20 / 10) months. */
    set(&cfg, "trial.n=40");
    mscsim_interim_plan(&cfg, 40, plan);
    CHECK(fabs(plan[0].month - (sqrt(24.0) + 90.0 / 30.4375)) < 1e-12, "ramp month");

    looks_run run;
    set(&cfg, "trial.n=200");
    set(&cfg, "simulation.reps=4000");
    CHECK(run_looks(&cfg, &run), "runs with accrual");
    double stop = run.look[0].reject_at_look;
    double months = stop * plan[0].month + (1 - stop) * mscsim_interim_final_month(&cfg, 200);
    mscsim_interim_plan(&cfg, 200, plan);
    months = stop * plan[0].month + (1 - stop) * mscsim_interim_final_month(&cfg, 200);
    CHECK(fabs(run.s.expected_months - months) < 1e-9, "expected months %.4f vs %.4f",
          run.s.expected_months, months);
    CHECK(run.look[0].pipeline == (double)(randomized - 100), "pipeline %g",
          run.look[0].pipeline);
    double en = stop * (double)randomized + (1 - stop) * 200.0;
    CHECK(fabs(run.s.expected_n - en) < 1e-9, "expected n counts pipeline patients: %.3f vs %.3f",
          run.s.expected_n, en);
    /* pipeline = analyse: early stops analyse every randomized patient. */
    set(&cfg, "interim.pipeline=analyse");
    looks_run with;
    CHECK(run_looks(&cfg, &with), "runs with pipeline = analyse");
    CHECK(with.s.rejections == run.s.rejections, "the decision stays the look's");
    double analysed = stop * (double)randomized + (1 - stop) * 200.0;
    CHECK(fabs(with.s.expected_n_analysed - analysed) < 1e-9, "analysed %.3f vs %.3f",
          with.s.expected_n_analysed, analysed);
}

static void test_mi_and_threads(void)
{
    mscsim_config cfg;
    normal_design(&cfg, 120, 5.0, 1);
    set(&cfg, "control.dropout=0.2");
    set(&cfg, "msc.dropout=0.2");
    set(&cfg, "analysis.missing=mi");
    set(&cfg, "analysis.imputations=5");
    set(&cfg, "simulation.reps=600");
    set(&cfg, "simulation.threads=1");
    looks_run a, b;
    CHECK(run_looks(&cfg, &a), "multiple imputation at looks runs");
    set(&cfg, "simulation.threads=2");
    CHECK(run_looks(&cfg, &b), "and on two threads");
    CHECK(a.s.rejections == b.s.rejections && a.s.mean_estimate == b.s.mean_estimate &&
              a.look[0].mean_analysed == b.look[0].mean_analysed,
          "identical for any thread count");
    /* Patients analysed count those with a primary outcome (as mean_n_analysed does under
     * mi): Binomial(40, 0.8) at look 1, sd 2.53, its mean within 4 * 2.53 / sqrt(600). */
    CHECK(fabs(a.look[0].mean_analysed - 32.0) <= K_MCSE * sqrt(40 * 0.8 * 0.2 / 600.0),
          "look 1 of 40 patients analyses %g with an outcome", a.look[0].mean_analysed);
    CHECK(a.s.failures == 0 && a.s.power > 0.3, "power %.3f is plausible", a.s.power);
}

/* The looks decide a t result on its statistic against quantiles tabulated at each bound's
 * nominal p, calling pt only near the bound; that must be the comparison of p itself:
 * every count and estimate equal, bit for bit, to the run that computes every p. Designs
 * with both kinds of bound, one- and two-sided, integer (student) and fractional (welch)
 * df, normal (wilcoxon) and pooled (mi) statistics, and a bound at nearly every look. */
static void test_p_free_decisions(const char *tests, int sides, const char *efficacy,
                                  const char *futility, const char *missing)
{
    mscsim_config cfg;
    normal_design(&cfg, 90, 3.0, sides);
    set(&cfg, "analysis.tests=%s", tests);
    set(&cfg, "interim.looks=0.2, 0.4, 0.6, 0.8, 1");
    set(&cfg, "interim.efficacy=%s", efficacy);
    if (futility)
        set(&cfg, "interim.futility=%s", futility);
    set(&cfg, "control.dropout=0.15");
    if (missing) {
        set(&cfg, "analysis.missing=%s", missing);
        set(&cfg, "analysis.imputations=3");
        set(&cfg, "simulation.reps=1000");
    }
    looks_run with_p, without;
    CHECK(run_looks_p(&cfg, 1, &with_p) && run_looks_p(&cfg, 0, &without), "%s runs", tests);
    int same = with_p.s.rejections == without.s.rejections &&
               with_p.s.mean_estimate == without.s.mean_estimate &&
               with_p.s.expected_n == without.s.expected_n &&
               with_p.s.stop_futility == without.s.stop_futility;
    for (int k = 0; k < with_p.looks; k++)
        same &= with_p.look[k].reject_at_look == without.look[k].reject_at_look &&
                with_p.look[k].futility_at_look == without.look[k].futility_at_look;
    CHECK(same, "%s, sides %d, %s / %s: decisions without p (%ld rejections, %.4f futile) as "
                "with p (%ld, %.4f)",
          tests, sides, efficacy, futility ? futility : "none", without.s.rejections,
          without.s.stop_futility, with_p.s.rejections, with_p.s.stop_futility);
    CHECK(with_p.s.stop_efficacy > 0.05, "early efficacy stops happen (%.3f)",
          with_p.s.stop_efficacy);
}

int main(void)
{
    splitmix_state = 20261201;
    test_against_z_simulation(3.0, 1, NULL);
    test_against_z_simulation(0.0, 2, NULL);
    test_against_z_simulation(3.0, 1, "obrien_fleming");
    test_against_z_simulation(2.0, 1, "conditional_power(0.2)");
    test_type_one_error(1, NULL, NULL);
    test_type_one_error(2, NULL, NULL);
    test_type_one_error(1, "hsd(-2)", "yes");
    test_type_one_error(1, "pocock", "no");
    test_expected_n(NULL);
    test_expected_n("obrien_fleming");
    test_analytic_against_rpact();
    test_single_look_is_fixed();
    test_calendar();
    test_mi_and_threads();
    test_p_free_decisions("welch", 1, "pocock", "hsd(-2)", NULL);
    test_p_free_decisions("student, welch", 2, "hsd(-1)", NULL, NULL);
    test_p_free_decisions("wilcoxon, student", 1, "obrien_fleming", "conditional_power(0.3)",
                          NULL);
    test_p_free_decisions("welch", 1, "pocock", "pocock", "mi");
    return TEST_DONE();
}
