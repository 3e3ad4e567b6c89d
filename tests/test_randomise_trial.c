/*
 * [trial] randomisation through the pipeline and the engine: the key's text and its
 * errors; simple randomisation's realised arm sizes against the exact binomial pmf; each
 * arm's patients are the population's, in order of entry; stratified blocks balanced
 * within the strata the trial's own patients fall in; a look's prefix is the first m
 * patients in order of entry; power under simple randomisation against the exact mixture,
 * over Binomial(n, 1/2) arm sizes, of the noncentral-t power (Rmath's pnt: independent of
 * mscsim's analytic code); byte-identical summaries for 1 and 2 threads; samplesize
 * blocks. Monte Carlo checks use fixed seeds and 4 standard errors.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config_util.h"
#include "harness.h"
#include "interim/looks.h"
#include "mathlib.h"
#include "mscsim/engine.h"
#include "randomisation.h"
#include "trial_impl.h"

#define K_MCSE 4.0

static void expect_error(const char *assignment, const char *fragment)
{
    mscsim_config cfg;
    load_base(&cfg);
    set(&cfg, "baseline.nihss=truncnormal(12, 4, 0, 42)");
    set(&cfg, "eligibility.nihss_min=6");
    set(&cfg, "eligibility.nihss_max=21");
    mscsim_error err;
    int status = mscsim_config_set(&cfg, assignment, &err);
    if (!status)
        status = mscsim_config_validate(&cfg, &err);
    CHECK(status != MSCSIM_OK && strstr(err.msg, fragment) && strcmp(err.key, "randomisation") == 0,
          "%.60s: refused with '%.40s' (got %d: %.200s)", assignment, fragment, status,
          err.msg);
}

static void test_key_text(void)
{
    mscsim_config cfg;
    load_base(&cfg);
    set(&cfg, "baseline.nihss=truncnormal(12, 4, 0, 42)");
    set(&cfg, "baseline.age=normal(62, 9)");
    const char *given[] = {"fixed", "simple", "blocks(4)",
                           "stratified_blocks(4; nihss: 6-10, 11-15, 16-21)",
                           "minimisation(0.8; nihss, age)",
                           "minimisation(0.75; age: 0-59, 60-69, 70-120, nihss: 0-12, 13-42)"};
    const char *want[] = {"fixed", "simple", "blocks(4)",
                          "stratified_blocks(4; nihss: 6-10, 11-15, 16-21)",
                          "minimisation(0.8; nihss: 0-10, 11-15, 16-42; age: 0-64, 65-120)",
                          "minimisation(0.75; age: 0-59, 60-69, 70-120; nihss: 0-12, 13-42)"};
    for (size_t i = 0; i < sizeof given / sizeof given[0]; i++) {
        char buf[512], again[512];
        set(&cfg, "trial.randomisation=%s", given[i]);
        mscsim_config_format(&cfg, "trial", "randomisation", buf, sizeof buf);
        STR_EQ(buf, want[i], "randomisation '%.80s' as written", given[i]);
        set(&cfg, "trial.randomisation=%s", buf); /* reads back to itself */
        mscsim_config_format(&cfg, "trial", "randomisation", again, sizeof again);
        STR_EQ(again, buf, "randomisation '%.80s' read back", buf);
    }
    expect_error("trial.randomisation=blocks(3)", "allocation blocks of 2");
    expect_error("trial.randomisation=minimisation(0.8; age)", "factor age is not simulated");
    expect_error("trial.randomisation=stratified_blocks(4; nihss: 6-10, 12-21)", "leave a gap");
    expect_error("trial.randomisation=stratified_blocks(4; nihss: 6-12, 11-21)", "overlap");
    expect_error("trial.randomisation=stratified_blocks(4; nihss: 7-10, 11-21)",
                 "leaving eligible patients out");
    expect_error("trial.randomisation=minimisation(1.2; nihss)", "outside [0.5, 1]");
    expect_error("trial.randomisation=minimisation(0.8)", "write minimisation");
    expect_error("trial.randomisation=blocks(4; nihss)", "write blocks(4)");
    expect_error("trial.randomisation=permuted", "unknown randomisation");

    /* samplesize steps: one permuted block (blocks(6) at 1:2 is 2 + 4), else the allocation. */
    long block[MSCSIM_ARM_COUNT];
    set(&cfg, "trial.allocation=1:2");
    set(&cfg, "trial.randomisation=blocks(6)");
    mscsim_config_block(&cfg, block);
    CHECK(block[0] == 2 && block[1] == 4, "blocks(6) at 1:2: search step 2 + 4 (got %ld + %ld)",
          block[0], block[1]);
    set(&cfg, "trial.allocation=2:4");
    set(&cfg, "trial.randomisation=blocks(12)");
    mscsim_config_block(&cfg, block);
    CHECK(block[0] == 4 && block[1] == 8, "blocks(12) at 2:4: 4 + 8 (got %ld + %ld)", block[0],
          block[1]);
    set(&cfg, "trial.randomisation=simple");
    mscsim_config_block(&cfg, block);
    CHECK(block[0] == 1 && block[1] == 2, "simple at 2:4: 1 + 2 (got %ld + %ld)", block[0],
          block[1]);
}

/* A design and a workspace for the whole trial. */
static void build(const mscsim_config *cfg, mscsim_design **d, mscsim_workspace **w)
{
    mscsim_error err;
    if (mscsim_design_new(cfg, d, &err) || mscsim_workspace_new(*d, (size_t)cfg->n[0], w, &err)) {
        char msg[1024];
        printf("design: %s\n", mscsim_error_format(&err, msg, sizeof msg));
        exit(2);
    }
}

static void test_simple_binomial(void)
{
    mscsim_config cfg;
    load_base(&cfg);
    set(&cfg, "trial.n=30");
    set(&cfg, "trial.allocation=1:2");
    set(&cfg, "trial.randomisation=simple");
    mscsim_design *d;
    mscsim_workspace *w;
    build(&cfg, &d, &w);
    enum { N = 30, TRIALS = 20000 };
    long hist[N + 1] = {0};
    size_t n[2] = {10, 20};
    for (long r = 0; r < TRIALS; r++) {
        mscsim_rng rng = mscsim_rng_for_trial(31, 1, N, (uint64_t)r);
        mscsim_trial_data data;
        mscsim_trial_diag diag;
        mscsim_trial_simulate(d, &rng, n, w, &data, &diag);
        hist[diag.n_randomised[1]]++;
        if (diag.n_randomised[0] + diag.n_randomised[1] != N || data.arm[1].n != diag.n_randomised[1])
            CHECK(0, "trial %ld: %zu + %zu patients, %zu analysed msc", r, diag.n_randomised[0],
                  diag.n_randomised[1], data.arm[1].n);
    }
    /* Pearson's X2 against Binomial(30, 2/3), cells expecting < 5 pooled into the tails. */
    double x2 = 0, tail_obs[2] = {0}, tail_exp[2] = {0};
    int cells = 0;
    for (int k = 0; k <= N; k++) {
        double e = TRIALS * dbinom(k, N, 2.0 / 3, 0);
        if (e < 5) {
            tail_obs[k > 20] += (double)hist[k];
            tail_exp[k > 20] += e;
            continue;
        }
        x2 += ((double)hist[k] - e) * ((double)hist[k] - e) / e;
        cells++;
    }
    for (int t = 0; t < 2; t++, cells++)
        x2 += (tail_obs[t] - tail_exp[t]) * (tail_obs[t] - tail_exp[t]) / tail_exp[t];
    double crit = qchisq(0.999, cells - 1, 1, 0);
    CHECK(x2 < crit, "simple 1:2 through the pipeline: n_msc fits Binomial(30, 2/3) (X2 = %.1f "
          "on %d df, 0.999 quantile %.1f)", x2, cells - 1, crit);
    mscsim_workspace_free(w);
    mscsim_design_free(d);
}

/* Each arm holds the population's patients of that arm, in order of entry, and
 * stratified blocks balance every stratum at each complete block. */
static void test_order_and_strata(void)
{
    mscsim_config cfg;
    load_base(&cfg);
    set(&cfg, "trial.n=90");
    set(&cfg, "trial.allocation=1:2");
    set(&cfg, "baseline.nihss=truncnormal(12, 4, 0, 42)");
    set(&cfg, "baseline.age=normal(62, 9)");
    set(&cfg, "eligibility.nihss_min=6");
    set(&cfg, "eligibility.nihss_max=21");
    set(&cfg, "trial.randomisation=stratified_blocks(6; nihss: 6-10, 11-15, 16-21; age: 0-64, "
              "65-120)");
    mscsim_design *d;
    mscsim_workspace *w;
    build(&cfg, &d, &w);
    double nihss[90], age[90];
    int ordered = 1, balanced = 1, levels_ok = 1;
    size_t n[2] = {30, 60};
    for (long r = 0; r < 500; r++) {
        mscsim_rng rng = mscsim_rng_for_trial(32, 1, 90, (uint64_t)r);
        mscsim_trial_data data;
        mscsim_trial_diag diag;
        mscsim_trial_simulate(d, &rng, n, w, &data, &diag);
        mscsim_rng patients = mscsim_rng_substream(&rng, SIM_RANDOMISED_PATIENTS_STREAM);
        mscsim_covariates cov = {nihss, age, NULL, NULL};
        mscsim_population_draw(d->pop, &patients, 90, &cov);
        mscsim_arm_view v[2];
        mscsim_workspace_view(w, 0, &v[0]);
        mscsim_workspace_view(w, 1, &v[1]);
        size_t k[2] = {0, 0}, seen[6] = {0}, msc[6] = {0};
        for (int i = 0; i < 90; i++) {
            int a = w->assigned[i];
            ordered &= k[a] < v[a].n && v[a].nihss[k[a]] == nihss[i] && v[a].age[k[a]] == age[i];
            k[a]++;
            int band = nihss[i] <= 10 ? 0 : nihss[i] <= 15 ? 1 : 2;
            int stratum = band * 2 + (age[i] >= 65);
            levels_ok &= w->level[0][i] == band && w->level[1][i] == (age[i] >= 65);
            seen[stratum]++;
            msc[stratum] += (size_t)a;
            if (seen[stratum] % 6 == 0 && 3 * msc[stratum] != 2 * seen[stratum])
                balanced = 0;
        }
        ordered &= k[0] == v[0].n && k[1] == v[1].n;
    }
    CHECK(ordered, "each arm holds the population's patients of that arm, in order of entry");
    CHECK(levels_ok, "factor levels from the bands (age 65 and over: the second band)");
    CHECK(balanced, "stratified blocks of 6 at 1:2: 4 msc in each stratum's complete blocks");
    mscsim_workspace_free(w);
    mscsim_design_free(d);
}

/* Two-sided Student t power with n0 and n1 patients at standardised difference delta. */
static double t_power(int n0, int n1, double delta, double alpha)
{
    if (n0 < 2 || n1 < 2)
        return 0.0; /* The analysis fails: no rejection. */
    double df = n0 + n1 - 2, ncp = delta / sqrt(1.0 / n0 + 1.0 / n1);
    double tc = qt(1 - alpha / 2, df, 1, 0);
    return pnt(tc, df, ncp, 0, 0) + pnt(-tc, df, ncp, 1, 0);
}

static void test_power_mixture(void)
{
    enum { N = 20, REPS = 40000 };
    mscsim_config cfg;
    load_base(&cfg);
    set(&cfg, "trial.n=%d", N);
    set(&cfg, "msc.mean=1.2");
    set(&cfg, "simulation.reps=%d", REPS);
    mscsim_cell_summary fixed, simple;
    CHECK(run_analysis(&cfg, &fixed, 0, 0), "fixed arms run");
    set(&cfg, "trial.randomisation=simple");
    CHECK(run_analysis(&cfg, &simple, 0, 0), "simple randomisation runs");
    double mixture = 0;
    for (int k = 0; k <= N; k++)
        mixture += dbinom(k, N, 0.5, 0) * t_power(N - k, k, 1.2, 0.05);
    double at_fixed = t_power(N / 2, N / 2, 1.2, 0.05);
    double se = sqrt(mixture * (1 - mixture) / REPS);
    ABS_EQ(simple.power, mixture, K_MCSE * se,
           "simple randomisation, n = 20, d = 1.2: power as the binomial mixture of t powers");
    ABS_EQ(fixed.power, at_fixed, K_MCSE * sqrt(at_fixed * (1 - at_fixed) / REPS),
           "fixed arms: the t power at 10 + 10");
    /* The mixture is about 10 MCSE below the fixed power: the check tells them apart. */
    CHECK(at_fixed - mixture > 2 * K_MCSE * se, "fixed %.4f and mixture %.4f are distinguishable",
          at_fixed, mixture);
    /* E|2X - n| / n for X ~ Binomial(20, 1/2), exactly, against the column. */
    double want = 0;
    for (int k = 0; k <= N; k++)
        want += dbinom(k, N, 0.5, 0) * fabs(2.0 * k - N) / N;
    double var = 0;
    for (int k = 0; k <= N; k++)
        var += dbinom(k, N, 0.5, 0) * pow(fabs(2.0 * k - N) / N - want, 2);
    ABS_EQ(simple.mean_imbalance, want, K_MCSE * sqrt(var / REPS),
           "mean_imbalance of simple randomisation: E|n_msc - n_control| / n");
    INT_EQ(fixed.mean_imbalance == 0, 1, "fixed arms, n even: no imbalance");
}

/* A look's patients are the first m in order of entry, whatever their arms. */
static void test_looks_prefix(void)
{
    mscsim_config cfg;
    load_base(&cfg);
    set(&cfg, "trial.n=40");
    set(&cfg, "msc.mean=0.8");
    set(&cfg, "simulation.reps=2000");
    set(&cfg, "interim.looks=0.5, 1");
    set(&cfg, "trial.randomisation=simple");
    mscsim_engine *eng;
    mscsim_error err;
    CHECK(mscsim_engine_new(&cfg, 0, &eng, &err) == MSCSIM_OK, "looks with simple randomisation");
    while (!mscsim_engine_done(eng))
        mscsim_engine_step(eng, &err);
    mscsim_look_summary look;
    mscsim_engine_look_summary(eng, 0, 0, 0, &look);
    ABS_EQ(look.mean_analysed, 20.0, 0.0, "the first look analyses the first 20 patients");
    mscsim_cell_summary s;
    mscsim_engine_summary(eng, 0, 0, &s);
    CHECK(s.mean_imbalance > 0 && s.power > 0.3 && s.power < 0.9 && s.failures == 0,
          "looks with simple randomisation: power %.3f, imbalance %.3f", s.power, s.mean_imbalance);
    mscsim_engine_free(eng);
}

static void test_threads(void)
{
    const char *schemes[] = {"simple", "minimisation(0.8; nihss, age)",
                             "stratified_blocks(4; nihss: 0-12, 13-42)"};
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
        mscsim_config cfg;
        load_base(&cfg);
        set(&cfg, "trial.n=41");
        set(&cfg, "msc.mean=0.6");
        set(&cfg, "baseline.nihss=truncnormal(12, 4, 0, 42)");
        set(&cfg, "baseline.age=normal(62, 9)");
        set(&cfg, "analysis.test=ancova");
        set(&cfg, "analysis.covariates=nihss");
        set(&cfg, "trial.randomisation=%s", schemes[i]);
        mscsim_cell_summary one, two;
        set(&cfg, "simulation.threads=1");
        run_analysis(&cfg, &one, 0, 0);
        set(&cfg, "simulation.threads=2");
        run_analysis(&cfg, &two, 0, 0);
        CHECK(one.power == two.power && one.mean_estimate == two.mean_estimate &&
                  one.mean_imbalance == two.mean_imbalance && one.mean_imbalance > 0,
              "%s: 1 and 2 threads give the same summary (power %.4f, imbalance %.4f)",
              schemes[i], one.power, one.mean_imbalance);
    }
}

int main(void)
{
    test_key_text();
    test_simple_binomial();
    test_order_and_strata();
    test_power_mixture();
    test_looks_prefix();
    test_threads();
    return TEST_DONE();
}
