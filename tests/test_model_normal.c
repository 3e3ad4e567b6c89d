/*
 * Tests of the normal model's planner-facing parametrisation (sim/models/normal.c): the
 * follow-up score's SD per arm ([control]/[msc] outcome_sd) and its correlation with the
 * baseline ([model] outcome_corr) instead of the change's sd and rho.
 *
 * The derived change SD and rho are checked against the closed form (computed here, in
 * another way: Var(Y - B) and Cov(B, Y - B) / (sd(B) sd(Y - B))) through the analytic
 * design, and the model's draws against the configured outcome SD and correlation by
 * direct simulation: N = 400,000 patients from a fixed seed, each estimate within 4 Monte
 * Carlo SEs (SE of a sample SD: sigma / sqrt(2 N); of a correlation: (1 - r^2) / sqrt(N)).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config_util.h"
#include "harness.h"
#include "mscsim/analytic.h"
#include "mscsim/dist.h"
#include "mscsim/model.h"
#include "mscsim/rng.h"

#define N 400000
#define MCSE_TOL 4.0

/* The minimal design with a normal(30, 10) baseline and the given overrides. */
static mscsim_config design(const char *const *overrides, int count)
{
    mscsim_config cfg;
    load_base(&cfg);
    set(&cfg, "baseline.score=normal(30, 10)");
    set(&cfg, "control.mean=5");
    set(&cfg, "msc.mean=10");
    for (int i = 0; i < count; i++)
        set(&cfg, "%s", overrides[i]);
    return cfg;
}

/* The model's draws for arm a: sample SD of the follow-up score, corr(baseline, score). */
static void simulate_arm(const mscsim_config *cfg, int a, double *sd_y, double *corr)
{
    const mscsim_model_type *m = mscsim_model_find("normal");
    void *params = calloc(1, m->params_size);
    double *b = malloc(N * sizeof *b), *y = malloc(N * sizeof *y), *t = malloc(N * sizeof *t);
    mscsim_error err;
    if (m->prepare(cfg, params, &err) != MSCSIM_OK)
        CHECK(0, "prepare: %.200s", err.msg);
    mscsim_rng rng;
    mscsim_rng_seed(&rng, 20261202u, (uint64_t)a);
    for (size_t i = 0; i < N; i++)
        b[i] = 30.0 + 10.0 * mscsim_rnorm_std(&rng);
    mscsim_covariates cov = {.baseline = b};
    double day = 90;
    mscsim_arm_sim arm = {.n = N, .arm = a, .cov = &cov, .visit_count = 1, .visit_days = &day,
                          .true_score = t, .score = y};
    m->simulate(params, &rng, &arm);
    double mb = 0, my = 0;
    for (size_t i = 0; i < N; i++) {
        mb += b[i];
        my += y[i];
    }
    mb /= N;
    my /= N;
    double sbb = 0, syy = 0, sby = 0;
    for (size_t i = 0; i < N; i++) {
        sbb += (b[i] - mb) * (b[i] - mb);
        syy += (y[i] - my) * (y[i] - my);
        sby += (b[i] - mb) * (y[i] - my);
    }
    *sd_y = sqrt(syy / (N - 1));
    *corr = sby / sqrt(sbb * syy);
    free(b);
    free(y);
    free(t);
    free(params);
}

/* The change's SD the analytic design of the change endpoint carries, per arm. */
static void change_sd(mscsim_config cfg, double sd[2])
{
    set(&cfg, "analysis.endpoint=change");
    set(&cfg, "analysis.test=welch");
    mscsim_analytic_design d;
    char why[256];
    CHECK(mscsim_analytic_design_from_config(&cfg, 0, &d, why, sizeof why), "design: %.200s", why);
    sd[0] = d.sd[0];
    sd[1] = d.sd[1];
}

static void test_outcome_sd_and_corr(void)
{
    const char *const o[] = {"control.outcome_sd=12", "msc.outcome_sd=15",
                             "model.outcome_corr=0.6"};
    mscsim_config cfg = design(o, 3);
    mscsim_error err;
    CHECK(mscsim_config_validate(&cfg, &err) == MSCSIM_OK, "validate: %.200s", err.msg);
    const double sy[2] = {12, 15}, r = 0.6, s0 = 10;
    for (int a = 0; a < 2; a++) {
        double got_sd, got_corr;
        simulate_arm(&cfg, a, &got_sd, &got_corr);
        ABS_EQ(got_sd, sy[a], MCSE_TOL * sy[a] / sqrt(2.0 * N), "arm %d: outcome sd", a);
        ABS_EQ(got_corr, r, MCSE_TOL * (1 - r * r) / sqrt((double)N), "arm %d: corr", a);
    }
    /* Different outcome SDs give different rho: no single-rho formula, said so. */
    set(&cfg, "analysis.test=ancova");
    CHECK(isnan(mscsim_analytic_power(&cfg, 0, 100)), "ancova with two rhos has no formula");
    /* Equal outcome SDs: one rho, and the change SD the formulas use is exactly
     * Var(Y - B) = s_y^2 - 2 Cov(B, Y) + s0^2 with Cov(B, Y) = r s0 s_y. */
    mscsim_config same = cfg;
    set(&same, "control.outcome_sd=15");
    double sd[2];
    change_sd(same, sd);
    for (int a = 0; a < 2; a++)
        REL_EQ(sd[a], sqrt(sy[1] * sy[1] - 2 * r * s0 * sy[1] + s0 * s0), 1e-12,
               "arm %d: change sd", a);
    char buf[512];
    CHECK(mscsim_model_describe(&cfg, buf, sizeof buf, &err) == MSCSIM_OK &&
              strstr(buf, "control sd 10, rho -0.28;") && strstr(buf, "msc sd 12.0416, rho -0.0830455"),
          "describe: %.300s", buf);
}

static void test_outcome_sd_with_rho(void)
{
    const char *const o[] = {"control.outcome_sd=12", "msc.outcome_sd=12", "model.rho=0.3"};
    mscsim_config cfg = design(o, 3);
    mscsim_error err;
    CHECK(mscsim_config_validate(&cfg, &err) == MSCSIM_OK, "validate: %.200s", err.msg);
    /* s_y^2 = s0^2 + sd^2 + 2 rho s0 sd, solved for sd > 0: sd = 4.280109889280518. */
    double sd[2];
    change_sd(cfg, sd);
    REL_EQ(sd[0], sqrt(53.0) - 3.0, 1e-12, "change sd from outcome_sd and rho");
    double got_sd, got_corr;
    simulate_arm(&cfg, 1, &got_sd, &got_corr);
    ABS_EQ(got_sd, 12.0, MCSE_TOL * 12.0 / sqrt(2.0 * N), "outcome sd with rho");
    /* corr(B, Y) = (s0 + rho sd) / s_y. */
    double r = (10.0 + 0.3 * sd[0]) / 12.0;
    ABS_EQ(got_corr, r, MCSE_TOL * (1 - r * r) / sqrt((double)N), "corr with rho");
    /* ANCOVA's residual SD is s_y sqrt(1 - r^2) both ways. */
    set(&cfg, "analysis.test=ancova");
    set(&cfg, "analysis.endpoint=final");
    mscsim_analytic_design d;
    char why[256];
    CHECK(mscsim_analytic_design_from_config(&cfg, 0, &d, why, sizeof why), "%.200s", why);
    REL_EQ(d.sd[0], 12.0 * sqrt(1 - r * r), 1e-12, "ancova residual sd");
}

/* Each error at its key; the message says why. */
static void expect_error(const char *const *o, int count, const char *key, const char *says)
{
    mscsim_config cfg = design(o, count);
    mscsim_error err;
    int status = mscsim_config_validate(&cfg, &err);
    mscsim_engine *eng = NULL;
    if (!status)
        status = mscsim_engine_new(&cfg, 0, &eng, &err);
    mscsim_engine_free(eng);
    CHECK(status != MSCSIM_OK && strcmp(err.key, key) == 0 && strstr(err.msg, says),
          "%.60s: got [%.20s] %.20s: %.200s", o[0], err.section, err.key, err.msg);
}

static void test_errors(void)
{
    const char *const both_sd[] = {"control.outcome_sd=12", "control.sd=3"};
    expect_error(both_sd, 2, "sd", "applies only with normal, without outcome_sd");
    const char *const both_corr[] = {"control.outcome_sd=12", "msc.outcome_sd=12",
                                     "model.outcome_corr=0.5", "model.rho=0.2"};
    expect_error(both_corr, 4, "rho", "without outcome_corr");
    const char *const one_arm[] = {"control.outcome_sd=12", "model.outcome_corr=0.5"};
    expect_error(one_arm, 2, "outcome_corr", "needs [control] and [msc] outcome_sd");
    /* s_y = 5 < s0 sqrt(1 - rho^2) = 10: no change SD gives it. */
    const char *const impossible[] = {"msc.outcome_sd=5"};
    expect_error(impossible, 1, "outcome_sd", "is impossible with rho = 0");
    const char *const no_sd[] = {"msc.outcome_sd=12", "baseline.score=none"};
    expect_error(no_sd, 2, "outcome_sd", "finite sd");
    /* An SD whose squares overflow is refused at its line (it made every trial fail). */
    mscsim_config cfg = design(NULL, 0);
    mscsim_error err;
    CHECK(mscsim_config_set(&cfg, "control.sd=1e308", &err) != MSCSIM_OK &&
              strcmp(err.key, "sd") == 0 && strstr(err.msg, "out of range [0, 1e+100]"),
          "sd = 1e308: %.200s", err.msg);
}

int main(void)
{
    test_outcome_sd_and_corr();
    test_outcome_sd_with_rho();
    test_errors();
    return TEST_DONE();
}
