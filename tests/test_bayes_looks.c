/*
 * Bayesian rules at interim looks (sim/interim/bayes_rule.c) wired into the engine, for the
 * normal model analysed by Student's t: per-look success and futility stops and overall
 * power against an independent patient-level simulation in R of the same designs
 * (tests/ref/bayes_looks_ref.csv, tests/ref/make_bayes_looks_ref.R: 20,000 trials a case):
 * posterior efficacy with predictive futility (flat prior, the test at the end; and under
 * the null), a normal prior with the dual criterion and rule = posterior at the end,
 * predictive efficacy with posterior futility, and O'Brien-Fleming efficacy with posterior
 * futility. Each comparison is within 4 standard errors of the difference of two
 * independent Monte Carlo estimates, sqrt(p (1 - p) (1 / R_ref + 1 / R)) (a correct engine
 * fails one with probability 6e-5). Also: the looks file's implied z bounds, and a design
 * prior with looks (each trial's own truth).
 */
#include <math.h>
#include <string.h>

#include "config_util.h"
#include "harness.h"
#include "mathlib.h"
#include "mscsim/engine.h"
#include "mscsim/interim.h"
#include "ref_table.h"

#define K_MCSE 4.0
#define REPS 20000

typedef struct {
    const char *name;
    const char *sets[12];
} bayes_case;

static const bayes_case cases[] = {
    {"flat_posterior_predictive",
     {"trial.n=100", "interim.looks=0.5, 1", "msc.mean=4", "interim.efficacy=posterior(0.99)",
      "interim.futility=predictive(0.1)", NULL}},
    {"flat_posterior_predictive_null",
     {"trial.n=100", "interim.looks=0.5, 1", "msc.mean=0", "interim.efficacy=posterior(0.99)",
      "interim.futility=predictive(0.1)", NULL}},
    {"normal_prior_dual",
     {"trial.n=150", "interim.looks=0.333333, 0.666667, 1", "msc.mean=4",
      "interim.efficacy=posterior(0.995)", "interim.futility=predictive(0.05)",
      "decision.rule=posterior", "decision.prior=normal(0, 5)", "decision.threshold=1",
      "decision.probability=0.95", "decision.mcid=2", "decision.mcid_probability=0.5", NULL}},
    {"predictive_efficacy",
     {"trial.n=150", "interim.looks=0.333333, 0.666667, 1", "msc.mean=3",
      "interim.efficacy=predictive(0.95)", "interim.futility=posterior(0.3)",
      "decision.rule=posterior", "decision.prior=normal(0, 10)", "decision.probability=0.975",
      NULL}},
    {"obf_posterior_futility",
     {"trial.n=150", "interim.looks=0.333333, 0.666667, 1", "msc.mean=3",
      "interim.efficacy=obrien_fleming", "interim.futility=posterior(0.2)", NULL}},
};

static void base(mscsim_config *cfg, const bayes_case *c)
{
    load_base(cfg);
    set(cfg, "trial.sides=1");
    set(cfg, "trial.alpha=0.025");
    set(cfg, "control.sd=10");
    set(cfg, "msc.sd=10");
    set(cfg, "simulation.reps=%d", REPS);
    for (int i = 0; c->sets[i]; i++)
        set(cfg, "%s", c->sets[i]);
}

static int run(const mscsim_config *cfg, mscsim_cell_summary *s, mscsim_look_summary *look)
{
    mscsim_engine *eng;
    mscsim_error err;
    if (mscsim_engine_new(cfg, 0, &eng, &err)) {
        printf("engine_new: %s\n", err.msg);
        return 0;
    }
    while (!mscsim_engine_done(eng))
        mscsim_engine_step(eng, &err);
    mscsim_engine_summary(eng, 0, 0, s);
    for (int k = 0; k < mscsim_engine_look_count(eng); k++)
        mscsim_engine_look_summary(eng, 0, 0, k, &look[k]);
    mscsim_engine_free(eng);
    return 1;
}

static void agree(const char *what, const char *name, int look, double got, double want,
                  double ref_reps)
{
    double p = 0.5 * (got + want);
    double se = sqrt(fmax(p * (1 - p), 1e-12) * (1.0 / ref_reps + 1.0 / REPS));
    CHECK(fabs(got - want) <= K_MCSE * se, "%s look %d %s: %.4f, R %.4f (4 SE %.4f)", name, look,
          what, got, want, K_MCSE * se);
}

static void test_against_r(void)
{
    table t;
    if (!table_read(&t, "bayes_looks_ref.csv")) {
        CHECK(0, "ref/bayes_looks_ref.csv is readable");
        return;
    }
    size_t cc = table_col(&t, "case"), cl = table_col(&t, "look"), cr = table_col(&t, "reject"),
           cf = table_col(&t, "futility"), cn = table_col(&t, "reps");
    int compared = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mscsim_config cfg;
        base(&cfg, &cases[i]);
        mscsim_cell_summary s;
        mscsim_look_summary look[MSCSIM_MAX_LOOKS];
        if (!run(&cfg, &s, look)) {
            CHECK(0, "%s runs", cases[i].name);
            continue;
        }
        for (size_t r = 0; r < t.nrow; r++) {
            if (strcmp(table_get(&t, r, cc), cases[i].name) != 0)
                continue;
            int k = (int)num(table_get(&t, r, cl));
            double reps = num(table_get(&t, r, cn));
            double reject = num(table_get(&t, r, cr)), futile = num(table_get(&t, r, cf));
            if (k == 0) {
                agree("power", cases[i].name, k, s.power, reject, reps);
                agree("futility stops", cases[i].name, k, s.stop_futility, futile, reps);
            } else {
                agree("success", cases[i].name, k, look[k - 1].reject_at_look, reject, reps);
                agree("futility", cases[i].name, k, look[k - 1].futility_at_look, futile, reps);
            }
            compared++;
        }
    }
    CHECK(compared == 18, "18 reference rows compared (got %d)", compared);
    table_free(&t);
}

/* The looks file's bounds: the z a flat prior's rule implies, NaN where it depends on the
 * data, no alpha spent. */
static void test_bounds(void)
{
    mscsim_config cfg;
    base(&cfg, &cases[0]);
    mscsim_gsd_bounds b;
    mscsim_error err;
    CHECK(mscsim_interim_bounds(&cfg, &b, &err) == MSCSIM_OK, "bounds of a Bayesian design");
    ABS_EQ(b.efficacy_z[0], qnorm(0.99, 0, 1, 1, 0), 1e-12, "posterior(0.99), flat: z_0.99");
    /* c = the final bound of the recursive integration, z_0.975 to its 1e-6 accuracy. */
    double c = b.efficacy_z[1];
    ABS_EQ(c, qnorm(0.975, 0, 1, 1, 0), 1e-6, "the last look: the test at alpha");
    ABS_EQ(b.futility_z[0], c * sqrt(0.5) + sqrt(0.5) * qnorm(0.1, 0, 1, 1, 0), 1e-12,
           "predictive(0.1), flat: c sqrt(t) + sqrt(1 - t) z_0.1");
    CHECK(isnan(b.cumulative_alpha[0]), "Bayesian efficacy spends no alpha (NaN)");
    base(&cfg, &cases[2]);
    CHECK(mscsim_interim_bounds(&cfg, &b, &err) == MSCSIM_OK, "bounds with a normal prior");
    CHECK(isnan(b.efficacy_z[0]) && isnan(b.futility_z[1]) && isnan(b.efficacy_z[2]),
          "normal prior, thresholds: data-dependent bounds are NaN");
    base(&cfg, &cases[4]);
    CHECK(mscsim_interim_bounds(&cfg, &b, &err) == MSCSIM_OK, "bounds, OBF + posterior futility");
    ABS_EQ(b.futility_z[0], qnorm(0.2, 0, 1, 1, 0), 1e-12, "posterior(0.2) futility: z_0.2");
    CHECK(b.cumulative_alpha[2] > 0.0249 && b.cumulative_alpha[2] < 0.0251,
          "OBF efficacy still spends alpha (%g)", b.cumulative_alpha[2]);
}

/* A design prior with looks: each trial draws its own effect. With msc.mean ~ N(4, 2), the
 * mean truth is 4 within 4 MCSE and P(benefit) = Phi(2) within 4 binomial SEs. */
static void test_design_prior(void)
{
    mscsim_config cfg;
    base(&cfg, &cases[0]);
    set(&cfg, "prior.msc.mean=normal(4, 2)");
    mscsim_cell_summary s;
    mscsim_look_summary look[MSCSIM_MAX_LOOKS];
    if (!run(&cfg, &s, look)) {
        CHECK(0, "a design prior with looks runs");
        return;
    }
    ABS_EQ(s.true_effect, 4.0, K_MCSE * 2.0 / sqrt(REPS), "mean drawn truth");
    double pb = pnorm(2.0, 0, 1, 1, 0);
    ABS_EQ(s.prior_p_benefit, pb, K_MCSE * sqrt(pb * (1 - pb) / REPS), "prior P(benefit)");
    CHECK(s.stop_efficacy > 0 && s.stop_futility > 0, "trials stop both ways (%g, %g)",
          s.stop_efficacy, s.stop_futility);
}

int main(void)
{
    test_bounds();
    test_against_r();
    test_design_prior();
    return TEST_DONE();
}
