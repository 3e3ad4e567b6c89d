/*
 * Bayesian planning end to end: assurance over a design prior ([prior]) and the posterior
 * decision rule ([decision]), simulated by the engine, against exact integrals computed
 * independently in R (tests/ref/assurance_ref.csv, made by tests/ref/make_assurance_ref.R:
 * noncentral-t power integrated over normal, uniform and truncated-normal priors, the
 * exact chi-square power integrated over a beta prior, the posterior success of the
 * normal model integrated over the sample variance, and the beta-binomial success by
 * enumeration). Every Monte Carlo check uses fixed seeds and allows 4 Monte Carlo SEs of
 * the simulated proportion, sqrt(p (1 - p) / reps) (a false failure about 1 in 16,000
 * per check).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "config_util.h"
#include "harness.h"
#include "mscsim/prior.h"
#include "ref_table.h"

#define REPS 40000
#define K_MCSE 4.0

static double ref_value(const char *name)
{
    table t;
    double v = (double)NAN;
    if (!table_read(&t, "assurance_ref.csv"))
        return v;
    size_t cc = table_col(&t, "case"), cv = table_col(&t, "value");
    for (size_t r = 0; r < t.nrow; r++)
        if (strcmp(table_get(&t, r, cc), name) == 0)
            v = num(table_get(&t, r, cv));
    table_free(&t);
    return v;
}

/* Runs cfg and checks its power against reference `name` within K_MCSE Monte Carlo SEs. */
static void check_rate(const mscsim_config *cfg, const char *name, mscsim_cell_summary *s)
{
    double want = ref_value(name);
    CHECK(!isnan(want), "%s: reference present", name);
    if (!run_analysis(cfg, s, 0, 0)) {
        CHECK(0, "%s: design builds", name);
        return;
    }
    double mcse = sqrt(want * (1 - want) / (double)s->reps);
    ABS_EQ(s->power, want, K_MCSE * mcse, "%s: simulated %.4f vs exact %.4f (MCSE %.4f)", name,
           s->power, want, mcse);
}

static void t_design(mscsim_config *cfg)
{
    load_base(cfg);
    set(cfg, "trial.n=60");
    set(cfg, "control.sd=10");
    set(cfg, "msc.sd=10");
    set(cfg, "simulation.reps=%d", REPS);
}

static void test_t_assurance(void)
{
    static const char *const priors[][2] = {{"normal(5, 3)", "t_normal_5_3"},
                                            {"uniform(0, 8)", "t_uniform_0_8"},
                                            {"truncnormal(4, 4, 0, inf)", "t_truncnormal_4_4_0_inf"}};
    for (int i = 0; i < 3; i++) {
        mscsim_config cfg;
        t_design(&cfg);
        set(&cfg, "prior.msc.mean=%s", priors[i][0]);
        mscsim_cell_summary s;
        check_rate(&cfg, priors[i][1], &s);
        STR_EQ(s.assurance ? "assurance" : "power", "assurance", "%s: reported as assurance",
               priors[i][1]);
        if (i != 0)
            continue;
        /* Each trial's own truth is its drawn mean difference: its average is the prior
         * mean (SD 3 / sqrt(REPS)), P(benefit) = P(N(5, 3) > 0) = pnorm(5/3) (binomial MCSE),
         * and the estimates are unbiased and cover their own truth at 95 %. */
        ABS_EQ(s.true_effect, 5.0, K_MCSE * 3.0 / sqrt(REPS), "mean drawn true effect");
        double pb = 0.95220964772; /* R: pnorm(5 / 3) */
        ABS_EQ(s.prior_p_benefit, pb, K_MCSE * sqrt(pb * (1 - pb) / REPS), "prior P(benefit)");
        ABS_EQ(s.bias, 0.0, K_MCSE * s.empirical_se / sqrt(REPS), "bias against each trial's truth");
        ABS_EQ(s.coverage, 0.95, K_MCSE * sqrt(0.95 * 0.05 / REPS), "coverage of each trial's truth");
        CHECK(s.p_success_and_benefit <= s.power && s.p_success_given_no_benefit < 0.05 &&
                  s.mean_effect_success > s.true_effect,
              "successes are mostly true benefits, with larger effects (false go %.4f, mean "
              "effect of successes %.3f)", s.p_success_given_no_benefit, s.mean_effect_success);
        /* Same numbers on one thread as on two: the prior draws come from each trial's
         * own stream. */
        mscsim_config one = cfg;
        set(&one, "simulation.threads=1");
        mscsim_cell_summary s1;
        if (run_analysis(&one, &s1, 0, 0))
            CHECK(s1.rejections == s.rejections && s1.bias == s.bias &&
                      s1.true_effect == s.true_effect,
                  "one thread gives the same assurance, bias and mean truth");
    }
}

static void test_chisq_assurance(void)
{
    mscsim_config cfg;
    load_base(&cfg);
    set(&cfg, "model.type=binary");
    set(&cfg, "analysis.test=chisq");
    set(&cfg, "trial.n=80");
    set(&cfg, "control.p=0.3");
    set(&cfg, "prior.msc.p=beta(6, 9)");
    set(&cfg, "simulation.reps=%d", REPS);
    mscsim_cell_summary s;
    check_rate(&cfg, "chisq_beta_6_9", &s);
    ABS_EQ(s.true_effect, 0.4 - 0.3, K_MCSE * sqrt(6.0 * 9 / (15.0 * 15 * 16)) / sqrt(REPS),
           "mean drawn risk difference (beta mean 0.4)");
}

static void test_posterior_success(void)
{
    static const char *const rules[][2] = {
        {"", "posterior_flat_0_0.975"},
        {"prior=normal(0, 5);threshold=2;probability=0.9", "posterior_normal_0_5_2_0.9"},
        {"prior=normal(0, 10);threshold=0;probability=0.975;mcid=3;mcid_probability=0.5",
         "posterior_dual_0_10_mcid_3"}};
    for (int i = 0; i < 3; i++) {
        mscsim_config cfg;
        t_design(&cfg);
        set(&cfg, "msc.mean=5");
        set(&cfg, "decision.rule=posterior");
        char buf[256];
        snprintf(buf, sizeof buf, "%s", rules[i][0]);
        for (char *tok = strtok(buf, ";"); tok; tok = strtok(NULL, ";"))
            set(&cfg, "decision.%s", tok);
        mscsim_cell_summary s;
        check_rate(&cfg, rules[i][1], &s);
    }
    mscsim_config cfg;
    load_base(&cfg);
    set(&cfg, "model.type=binary");
    set(&cfg, "analysis.test=rd_z");
    set(&cfg, "trial.n=40");
    set(&cfg, "control.p=0.3");
    set(&cfg, "msc.p=0.55");
    set(&cfg, "decision.rule=posterior");
    set(&cfg, "decision.prior=beta(1, 1)");
    set(&cfg, "decision.probability=0.95");
    set(&cfg, "simulation.reps=%d", REPS);
    mscsim_cell_summary s;
    check_rate(&cfg, "beta_1_1_0.95", &s);
}

/* A truth without closed form (a clipped scale): interpolated in a grid of simulated truths. */
static void test_truth_grid(void)
{
    mscsim_config cfg;
    load_base(&cfg);
    set(&cfg, "outcome.scale=fma_ue");
    set(&cfg, "baseline.score=uniform(10, 60)");
    set(&cfg, "control.mean=5");
    set(&cfg, "control.sd=8");
    set(&cfg, "msc.sd=8");
    set(&cfg, "prior.msc.mean=normal(9, 3)");
    set(&cfg, "trial.n=80");
    set(&cfg, "simulation.reps=%d", REPS / 4);
    mscsim_design *d;
    mscsim_error err;
    if (mscsim_design_new(&cfg, &d, &err)) {
        CHECK(0, "grid design builds: %.200s", err.msg);
        return;
    }
    double lo = 0, hi = 0, error = 1, mcse = 1;
    CHECK(mscsim_design_prior_truth(d, 0, &lo, &hi, &error, &mcse) == MSCSIM_PRIOR_TRUTH_GRID,
          "a clipped scale's truths come from the grid");
    /* The grid spans the prior's 0.0005 and 0.9995 quantiles: 9 -/+ 3.29 * 3. */
    ABS_EQ(lo, 9 - 3.2905267314919 * 3, 1e-9, "grid starts at the 0.0005 quantile");
    ABS_EQ(hi, 9 + 3.2905267314919 * 3, 1e-9, "grid ends at the 0.9995 quantile");
    CHECK(error < 0.05 && mcse < 0.01, "interpolation error %.3g and node MCSE %.3g are small",
          error, mcse);
    mscsim_design_free(d);
    mscsim_cell_summary s;
    if (run_analysis(&cfg, &s, 0, 0))
        ABS_EQ(s.bias, 0.0, K_MCSE * s.empirical_se / sqrt((double)s.reps) + error,
               "bias against the interpolated truths within MC error plus the grid's (%.3g)",
               s.bias);
}

int main(void)
{
    test_t_assurance();
    test_chisq_assurance();
    test_posterior_success();
    test_truth_grid();
    return TEST_DONE();
}
