/*
 * The shared trial pipeline (sim/trial/): scores rounded and clipped to the scale, deaths
 * and their scoring, dropout rates, every endpoint recomputed from the patient-level view
 * (orientation, improvement rate with a zero baseline, responders), floor and ceiling
 * counts, the true effect by simulation (exact 0 for identical arms, and against a closed
 * form for effect heterogeneity). Fixed seeds; tolerances are K_MCSE Monte Carlo SEs.
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>

#include "harness.h"
#include "mscsim/config.h"
#include "mscsim/trial.h"

#define K_MCSE 4.0
#define ARM_N 4000

static void load(mscsim_config *cfg, const char *const *sets, size_t count)
{
    mscsim_error err;
    char msg[1024];
    if (mscsim_config_load(MSCSIM_TEST_DIR "/configs/good/minimal.ini", cfg, &err)) {
        printf("FAIL load: %s\n", mscsim_error_format(&err, msg, sizeof msg));
        exit(1);
    }
    for (size_t i = 0; i < count; i++)
        if (mscsim_config_set(cfg, sets[i], &err)) {
            printf("FAIL set %s: %s\n", sets[i], mscsim_error_format(&err, msg, sizeof msg));
            exit(1);
        }
    if (mscsim_config_validate(cfg, &err)) {
        printf("FAIL validate: %s\n", mscsim_error_format(&err, msg, sizeof msg));
        exit(1);
    }
}

typedef struct {
    mscsim_design *design;
    mscsim_workspace *w;
    mscsim_trial_data data;
    mscsim_trial_diag diag;
} sim_run;

/* Builds the design from sets and simulates one trial of ARM_N patients per arm. */
static int simulate(sim_run *run, const char *const *sets, size_t count, uint64_t seed)
{
    mscsim_config cfg;
    load(&cfg, sets, count);
    mscsim_error err;
    if (mscsim_design_new(&cfg, &run->design, &err) ||
        mscsim_workspace_new(run->design, ARM_N, &run->w, &err)) {
        char msg[1024];
        printf("FAIL design: %s\n", mscsim_error_format(&err, msg, sizeof msg));
        return 0;
    }
    mscsim_rng rng = mscsim_rng_for_trial(seed, 1, 2 * ARM_N, 0);
    size_t n[2] = {ARM_N, ARM_N};
    mscsim_trial_simulate(run->design, &rng, n, run->w, &run->data, &run->diag);
    return 1;
}

static void finish(sim_run *run)
{
    mscsim_workspace_free(run->w);
    mscsim_design_free(run->design);
}

#define SIM(run, seed, ...)                                                                \
    simulate(run, (const char *const[]){__VA_ARGS__},                                      \
             sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *), seed)

static void test_scale_and_deaths(void)
{
    sim_run run;
    if (!SIM(&run, 11, "outcome.scale=barthel", "baseline.score=normal(40, 30)",
             "model.rho=-0.3", "control.mean=20", "control.sd=30", "msc.mean=25",
             "msc.sd=30", "control.mortality=0.2", "analysis.endpoint=final"))
        return;
    size_t off_scale = 0, deaths = 0, dead_not_worst = 0, bad_day = 0;
    for (int a = 0; a < 2; a++) {
        mscsim_arm_view v;
        mscsim_workspace_view(run.w, a, &v);
        for (size_t i = 0; i < v.n; i++) {
            double b = v.baseline[i], s = v.score[i];
            off_scale += b < 0 || b > 100 || fmod(b, 5) != 0 || s < 0 || s > 100 || fmod(s, 5) != 0;
            if (v.died[i]) {
                deaths += a == 0;
                dead_not_worst += s != 0 || !v.observed[i];
                bad_day += !(v.death_day[i] > 0 && v.death_day[i] <= 90);
            }
        }
    }
    INT_EQ(off_scale, 0, "barthel scores and baselines are multiples of 5 in 0..100");
    double rate = (double)deaths / ARM_N;
    ABS_EQ(rate, 0.2, K_MCSE * sqrt(0.2 * 0.8 / ARM_N), "control mortality 0.2");
    INT_EQ(dead_not_worst, 0, "deaths score the worst value (0) and are observed");
    INT_EQ(bad_day, 0, "death days in (0, primary day]");
    INT_EQ(run.diag.deaths, deaths, "diag counts deaths (msc mortality 0)");
    size_t floor_count = 0, ceiling_count = 0;
    for (int a = 0; a < 2; a++) {
        mscsim_arm_view v;
        mscsim_workspace_view(run.w, a, &v);
        for (size_t i = 0; i < v.n; i++) {
            floor_count += v.observed[i] && v.score[i] == 0;
            ceiling_count += v.observed[i] && v.score[i] == 100;
        }
    }
    INT_EQ(run.diag.at_floor, floor_count, "floor count");
    INT_EQ(run.diag.at_ceiling, ceiling_count, "ceiling count");
    CHECK(ceiling_count > 0 && floor_count > deaths, "both ends are reached in this design");
    finish(&run);

    if (!SIM(&run, 12, "outcome.scale=barthel", "outcome.death=missing",
             "baseline.score=normal(40, 30)", "control.mortality=0.3", "msc.mortality=0.1"))
        return;
    INT_EQ(run.diag.n_analysed[0] + run.diag.n_analysed[1], 2 * ARM_N - run.diag.deaths,
           "deaths left missing are not analysed");
    finish(&run);
}

/* Recomputes every analysed endpoint from the view. */
static void check_endpoints(sim_run *run, const char *what,
                            double (*expected)(double score, double baseline))
{
    size_t mismatches = 0, compared = 0;
    for (int a = 0; a < 2; a++) {
        mscsim_arm_view v;
        mscsim_workspace_view(run->w, a, &v);
        size_t k = 0;
        int V = v.visit_count;
        for (size_t i = 0; i < v.n; i++) {
            size_t c = i * (size_t)V + (size_t)(V - 1);
            if (!v.observed[c])
                continue;
            double want = expected(v.score[c], v.baseline ? v.baseline[i] : 0.0);
            mismatches += fabs(run->data.y[a][k] - want) > 1e-12 * fmax(1, fabs(want));
            k++;
            compared++;
        }
        INT_EQ(k, run->data.arm[a].n, "%s: analysed count arm %d", what, a);
    }
    INT_EQ(mismatches, 0, "%s: all %zu endpoints recomputed", what, compared);
}

static double ratio_fma(double p, double b)
{
    return (p - b) / fmax(b, 1.0);
}
static double mrs_final(double p, double b)
{
    (void)b;
    return -p;
}
static double mrs_0_to_2(double p, double b)
{
    (void)b;
    return p <= 2;
}
static double change_at_least_9(double p, double b)
{
    return p - b >= 9;
}
static double nihss_change(double p, double b)
{
    return -(p - b);
}

static void test_endpoints(void)
{
    sim_run run;
    /* Baselines at 0 happen: the improvement rate divides by the step (1) there. */
    if (SIM(&run, 21, "outcome.scale=fma_ue", "model.type=proportional",
            "baseline.score=uniform(0, 20)", "analysis.endpoint=ratio")) {
        check_endpoints(&run, "ratio", ratio_fma);
        mscsim_arm_view v;
        mscsim_workspace_view(run.w, 0, &v);
        size_t zeros = 0;
        for (size_t i = 0; i < v.n; i++)
            zeros += v.baseline[i] == 0;
        CHECK(zeros > 0, "some baselines are 0 (%zu)", zeros);
        finish(&run);
    }
    if (SIM(&run, 22, "model.type=ordinal",
            "control.probs=0.1, 0.1, 0.1, 0.2, 0.2, 0.2, 0.1", "msc.odds_ratio=1.5",
            "analysis.endpoint=final")) {
        check_endpoints(&run, "mRS final, oriented", mrs_final);
        finish(&run);
    }
    if (SIM(&run, 23, "model.type=ordinal", "control.probs=0.1, 0.1, 0.1, 0.2, 0.2, 0.2, 0.1",
            "analysis.test=chisq", "analysis.endpoint=responder", "analysis.responder_on=final",
            "analysis.threshold=2")) {
        check_endpoints(&run, "responder mRS 0-2", mrs_0_to_2);
        finish(&run);
    }
    if (SIM(&run, 24, "outcome.scale=fma_ue", "model.type=proportional",
            "baseline.score=uniform(0, 60)", "analysis.test=fisher",
            "analysis.endpoint=responder", "analysis.threshold=9")) {
        check_endpoints(&run, "responder change >= 9", change_at_least_9);
        finish(&run);
    }
    if (SIM(&run, 25, "outcome.scale=nihss", "baseline.score=truncnormal(12, 4, 6, 21)",
            "model.rho=0.3", "control.mean=-5", "control.sd=4", "msc.mean=-7", "msc.sd=4",
            "control.dropout=0.2")) {
        check_endpoints(&run, "NIHSS change, oriented (lower is better)", nihss_change);
        double kept = (double)run.diag.n_analysed[0] / ARM_N;
        ABS_EQ(kept, 0.8, K_MCSE * sqrt(0.2 * 0.8 / ARM_N), "dropout 0.2 keeps 80 %%");
        finish(&run);
    }
}

/* Filled primaries: bocf gives a change of exactly 0, worst the scale's floor, locf the
 * last observed visit; every patient is analysed and the missing count is kept. */
static void test_fill_rules(void)
{
    sim_run run;
    if (SIM(&run, 31, "outcome.scale=fma_ue", "model.type=trajectory",
            "baseline.score=uniform(10, 50)", "trial.visits=30, 60, 90",
            "control.dropout=0.4", "msc.dropout=0.4", "analysis.missing=locf")) {
        mscsim_arm_view v;
        mscsim_workspace_view(run.w, 0, &v);
        size_t wrong = 0, filled = 0;
        for (size_t i = 0; i < v.n; i++) {
            if (v.observed[i * 3 + 2])
                continue;
            filled++;
            double want = v.baseline[i];
            for (int k = 1; k >= 0; k--)
                if (v.observed[i * 3 + (size_t)k]) {
                    want = v.score[i * 3 + (size_t)k];
                    break;
                }
            wrong += run.data.y[0][i] != want - v.baseline[i];
        }
        INT_EQ(run.data.arm[0].n, ARM_N, "locf: every patient analysed");
        INT_EQ(run.diag.missing[0], filled, "locf: missing count kept");
        CHECK(filled > ARM_N / 4, "locf: many filled (%zu)", filled);
        INT_EQ(wrong, 0, "locf: change from the last observed visit (baseline if none)");
        finish(&run);
    }
    if (SIM(&run, 32, "outcome.scale=fma_ue", "model.type=proportional",
            "baseline.score=uniform(10, 50)", "control.dropout=0.4", "analysis.missing=bocf")) {
        size_t zeros = 0;
        for (size_t j = 0; j < run.data.arm[0].n; j++)
            zeros += run.data.y[0][j] == 0;
        CHECK(zeros >= run.diag.missing[0], "bocf: each missing patient has change 0 (%zu >= %zu)",
              zeros, run.diag.missing[0]);
        finish(&run);
    }
    if (SIM(&run, 33, "outcome.scale=fma_ue", "model.type=proportional",
            "baseline.score=uniform(10, 50)", "control.dropout=0.4", "analysis.missing=worst",
            "analysis.endpoint=final")) {
        size_t floor = 0;
        for (size_t j = 0; j < run.data.arm[0].n; j++)
            floor += run.data.y[0][j] == 0;
        CHECK(floor >= run.diag.missing[0], "worst: each missing patient scores 0 (%zu >= %zu)",
              floor, run.diag.missing[0]);
        finish(&run);
    }
}

static void test_truth(void)
{
    mscsim_config cfg;
    mscsim_design *d;
    mscsim_error err;
    double mcse;
    /* Identical arms share the truth's random numbers: exactly 0. */
    load(&cfg, (const char *const[]){"outcome.scale=fma_ue", "model.type=trajectory",
                                     "baseline.score=uniform(0, 50)", "trial.visits=30, 90",
                                     "baseline.onset_days=uniform(5, 30)"},
         5);
    if (mscsim_design_new(&cfg, &d, &err) == MSCSIM_OK) {
        double t = mscsim_design_true_effect(d, &mcse);
        CHECK(t == 0 && mcse == 0, "identical arms: truth exactly 0 (got %g, mcse %g)", t, mcse);
        mscsim_design_free(d);
    }
    /* Heterogeneity on an unbounded normal outcome: the truth is the mean difference times
     * E[1 + slope (NIHSS - center)], with NIHSS = round(N(14, 3)), whose mean is 14. */
    load(&cfg, (const char *const[]){"msc.mean=2", "msc.effect_slope=0.1",
                                     "msc.effect_center=12", "baseline.nihss=normal(14, 3)"},
         4);
    if (mscsim_design_new(&cfg, &d, &err) == MSCSIM_OK) {
        double t = mscsim_design_true_effect(d, &mcse);
        CHECK(mcse > 0, "heterogeneous effect is estimated (mcse %g)", mcse);
        ABS_EQ(t, 2 * 1.2, K_MCSE * mcse, "truth = 2 x (1 + 0.1 x (14 - 12))");
        mscsim_design_free(d);
    } else {
        CHECK(0, "heterogeneity design builds: %.200s", err.msg);
    }
}

/* The compiled design: it validates, keeps the config as given, and resolves the scale
 * into a field of its own (the ordinal model's mRS with [outcome] scale unset). */
static void test_design_compiled(void)
{
    mscsim_config cfg;
    mscsim_design *d = NULL;
    mscsim_error err;
    load(&cfg, (const char *const[]){"model.type=ordinal", "analysis.test=welch",
                                     "control.probs=0.1, 0.1, 0.2, 0.2, 0.2, 0.1, 0.1"},
         3);
    if (mscsim_design_new(&cfg, &d, &err) == MSCSIM_OK) {
        const mscsim_scale *sc = mscsim_design_scale(d);
        CHECK(sc->id == MSCSIM_SCALE_MRS && sc->min == 0 && sc->max == 6,
              "ordinal: the resolved scale is mRS 0-6");
        CHECK(mscsim_design_config(d)->scale == cfg.scale && cfg.scale == MSCSIM_SCALE_NONE,
              "the design's config keeps [outcome] scale as given");
        INT_EQ(mscsim_design_analysis_count(d), 1, "one analysis");
        mscsim_design_free(d);
    } else {
        CHECK(0, "ordinal design builds: %.200s", err.msg);
    }
    load(&cfg, NULL, 0);
    CHECK(mscsim_config_set(&cfg, "analysis.tests=welch, welch", &err) == MSCSIM_OK,
          "set a list with a repeat");
    d = NULL;
    int status = mscsim_design_new(&cfg, &d, &err);
    CHECK(status == MSCSIM_ECONFIG && d == NULL, "an invalid config does not compile: %.200s",
          err.msg);
}

/* Patients are drawn arm by arm and step by step from substreams, so a trial of sizes
 * (n0, n1) is the first n0 and n1 patients of a larger trial from the same stream: what
 * makes the sample-size search use common random numbers across candidate sizes. */
static void nested_check(const char *name, const mscsim_config *cfg)
{
    enum { SMALL0 = 23, SMALL1 = 41, LARGE0 = 60, LARGE1 = 67 };
    mscsim_design *d;
    mscsim_workspace *w;
    mscsim_error err;
    if (mscsim_design_new(cfg, &d, &err) || mscsim_workspace_new(d, LARGE1, &w, &err)) {
        CHECK(0, "%s: design builds: %.200s", name, err.msg);
        return;
    }
    static double score[2][SMALL1 * MSCSIM_MAX_VISITS], base[2][SMALL1];
    static unsigned char obs[2][SMALL1 * MSCSIM_MAX_VISITS], died[2][SMALL1];
    size_t small[2] = {SMALL0, SMALL1}, large[2] = {LARGE0, LARGE1};
    mscsim_trial_data data;
    mscsim_trial_diag diag;
    mscsim_rng rng = mscsim_rng_for_trial(77, 1, 0, 5);
    mscsim_trial_simulate(d, &rng, small, w, &data, &diag);
    int V = 0;
    for (int a = 0; a < 2; a++) {
        mscsim_arm_view v;
        mscsim_workspace_view(w, a, &v);
        V = v.visit_count;
        memcpy(score[a], v.score, small[a] * (size_t)V * sizeof(double));
        memcpy(obs[a], v.observed, small[a] * (size_t)V);
        memcpy(died[a], v.died, small[a]);
        for (size_t i = 0; i < small[a]; i++)
            base[a][i] = v.baseline ? v.baseline[i] : 0;
    }
    rng = mscsim_rng_for_trial(77, 1, 0, 5);
    mscsim_trial_simulate(d, &rng, large, w, &data, &diag);
    size_t differ = 0, missing = 0;
    for (int a = 0; a < 2; a++) {
        mscsim_arm_view v;
        mscsim_workspace_view(w, a, &v);
        for (size_t i = 0; i < small[a]; i++) {
            differ += died[a][i] != v.died[i] || base[a][i] != (v.baseline ? v.baseline[i] : 0);
            for (int k = 0; k < V; k++) {
                size_t j = i * (size_t)V + (size_t)k;
                differ += obs[a][j] != v.observed[j] || score[a][j] != v.score[j];
                missing += !obs[a][j];
            }
        }
    }
    INT_EQ(differ, 0, "%s: the smaller trial is a prefix of the larger in both arms", name);
    CHECK(missing > 0, "%s: dropout is exercised (%zu missing scores)", name, missing);
    mscsim_workspace_free(w);
    mscsim_design_free(d);
}

static void test_nested_sizes(void)
{
    mscsim_config cfg;
    load(&cfg, (const char *const[]){"outcome.scale=barthel", "baseline.score=normal(40, 30)",
                                     "model.rho=-0.3", "msc.mean=5", "control.mortality=0.2",
                                     "control.dropout=0.3", "msc.dropout=0.2"},
         7);
    nested_check("normal", &cfg);
    const char *presets[] = {"lee2022_fma_motor", "starting2_mrs_shift", "invest_barthel"};
    const char *mechanism[] = {"dropout.mechanism=mar", "dropout.mechanism=mcar",
                               "dropout.mechanism=mnar"};
    for (size_t k = 0; k < sizeof presets / sizeof presets[0]; k++) {
        char path[512];
        snprintf(path, sizeof path, "%s/../configs/%s.ini", MSCSIM_TEST_DIR, presets[k]);
        mscsim_error err;
        if (mscsim_config_load(path, &cfg, &err) ||
            mscsim_config_set(&cfg, mechanism[k], &err) ||
            mscsim_config_set(&cfg, "dropout.odds_ratio=2", &err) ||
            mscsim_config_set(&cfg, "control.dropout=0.25", &err)) {
            CHECK(0, "%s loads: %.200s", presets[k], err.msg);
            continue;
        }
        nested_check(presets[k], &cfg);
    }
}

int main(void)
{
    test_scale_and_deaths();
    test_endpoints();
    test_truth();
    test_design_compiled();
    test_fill_rules();
    test_nested_sizes();
    return TEST_DONE();
}
