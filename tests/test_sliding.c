/*
 * Tests of the sliding dichotomy (sim/trial/sliding.c, [analysis] sliding).
 *
 * 1. Every analysed value of simulated trials is 1 exactly when the patient's mRS is at
 *    most the threshold of his NIHSS band (no dropout: the analysed patients are all, in
 *    order), and 10 % dropout keeps each kept value on its own patient's band.
 * 2. The true effect: without latent_corr NIHSS and mRS are independent, so
 *    P(respond | arm) = sum_b P(NIHSS in band b) P_arm(mRS <= t_b), computed here from the
 *    rounded truncated normal; the design's simulated truth must agree within 4 of its
 *    Monte Carlo SEs (a correct truth fails with probability 6e-5).
 * 3. The resolved value reads back; gaps, overlaps, a missing NIHSS, a threshold beside the
 *    bands and a malformed band are errors at the key.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config_util.h"
#include "harness.h"
#include "mathlib.h"
#include "mscsim/trial.h"
#include "trial/trial_impl.h"

static const double p0[7] = {0.029, 0.078, 0.118, 0.167, 0.382, 0.196, 0.030};

static void base(mscsim_config *cfg)
{
    load_base(cfg);
    set(cfg, "model.type=ordinal");
    set(cfg, "control.probs=0.029, 0.078, 0.118, 0.167, 0.382, 0.196, 0.030");
    set(cfg, "msc.odds_ratio=1.67");
    set(cfg, "baseline.nihss=truncnormal(13, 4, 8, 20)");
    set(cfg, "eligibility.nihss_min=8");
    set(cfg, "eligibility.nihss_max=20");
    set(cfg, "analysis.test=chisq");
    set(cfg, "analysis.endpoint=responder");
    set(cfg, "analysis.responder_on=final");
    set(cfg, "analysis.sliding=nihss 8-10: 1, 11-15: 2, 16-20: 3");
}

static int band_threshold(double nihss)
{
    return nihss <= 10 ? 1 : (nihss <= 15 ? 2 : 3);
}

static void test_values(void)
{
    const char *dropouts[] = {"0", "0.1"};
    for (int dcase = 0; dcase < 2; dcase++) {
        mscsim_config cfg;
        base(&cfg);
        set(&cfg, "control.dropout=%s", dropouts[dcase]);
        set(&cfg, "msc.dropout=%s", dropouts[dcase]);
        mscsim_design *d;
        mscsim_workspace *w;
        mscsim_error err;
        if (mscsim_design_new(&cfg, &d, &err) || mscsim_workspace_new(d, 300, &w, &err)) {
            CHECK(0, "design: %.300s", err.msg);
            return;
        }
        size_t n[2] = {300, 300}, bad = 0, ones = 0, total = 0;
        for (int t = 0; t < 20; t++) {
            mscsim_rng rng = mscsim_rng_for_trial(3, 1, 600, (uint64_t)t);
            mscsim_trial_data data;
            mscsim_trial_diag diag;
            mscsim_trial_simulate(d, &rng, n, w, &data, &diag);
            for (int a = 0; a < 2; a++) {
                const sim_arm_buffers *b = &w->arm[a];
                size_t j = 0;
                for (size_t i = 0; i < b->n; i++) {
                    if (!b->observed[i])
                        continue;
                    double want = b->score[i] <= band_threshold(b->nihss[i]);
                    bad += data.y[a][j] != want;
                    ones += data.y[a][j] == 1;
                    j++;
                }
                total += j;
                INT_EQ(j, data.arm[a].n, "dropout %s: analysed patients", dropouts[dcase]);
            }
        }
        INT_EQ(bad, 0, "dropout %s: each value is its patient's banded responder",
               dropouts[dcase]);
        CHECK(ones > total / 10 && ones < total * 9 / 10, "dropout %s: %zu of %zu respond",
              dropouts[dcase], ones, total);
        mscsim_workspace_free(w);
        mscsim_design_free(d);
    }
}

static void test_truth(void)
{
    mscsim_config cfg;
    base(&cfg);
    mscsim_design *d;
    mscsim_error err;
    if (mscsim_design_new(&cfg, &d, &err)) {
        CHECK(0, "design: %.300s", err.msg);
        return;
    }
    /* NIHSS = round half up of truncnormal(13, 4, 8, 20): P(v) over [v - 1/2, v + 1/2). */
    double z = pnorm(20, 13, 4, 1, 0) - pnorm(8, 13, 4, 1, 0), band[3] = {0, 0, 0};
    for (int v = 8; v <= 20; v++) {
        double lo = fmax(v - 0.5, 8), hi = fmin(v + 0.5, 20);
        band[v <= 10 ? 0 : (v <= 15 ? 1 : 2)] +=
            (pnorm(hi, 13, 4, 1, 0) - pnorm(lo, 13, 4, 1, 0)) / z;
    }
    double want = 0, cum = 0;
    for (int k = 0; k <= 3; k++) {
        cum += p0[k];
        double msc = plogis(qlogis(cum, 0, 1, 1, 0) + log(1.67), 0, 1, 1, 0);
        int b = k == 1 ? 0 : (k == 2 ? 1 : (k == 3 ? 2 : -1));
        if (b >= 0)
            want += band[b] * (msc - cum);
    }
    double mcse, got = mscsim_design_true_effect(d, &mcse);
    CHECK(mcse > 0, "sliding: truth estimated by simulation (MCSE %g)", mcse);
    ABS_EQ(got, want, 4 * mcse, "sliding: responder difference vs the exact band mixture");
    mscsim_design_free(d);
}

static void expect_error(mscsim_config *cfg, const char *key, const char *what)
{
    mscsim_design *d = NULL;
    mscsim_error err;
    int status = mscsim_design_new(cfg, &d, &err);
    CHECK(status != MSCSIM_OK && strcmp(err.section, "analysis") == 0 &&
              strcmp(err.key, key) == 0,
          "%s: error at [analysis] %s (got %d at [%.40s] %.40s: %.200s)", what, key, status,
          err.section, err.key, err.msg);
    mscsim_design_free(d);
}

static void test_config(void)
{
    mscsim_config cfg;
    base(&cfg);
    char buf[256];
    mscsim_config_format(&cfg, "analysis", "sliding", buf, sizeof buf);
    STR_EQ(buf, "nihss 8-10: 1, 11-15: 2, 16-20: 3", "sliding: resolved value");
    mscsim_error err;
    char line[300];
    snprintf(line, sizeof line, "analysis.sliding=%s", buf);
    CHECK(mscsim_config_set(&cfg, line, &err) == MSCSIM_OK && cfg.sliding_count == 3 &&
              cfg.sliding[2].lo == 16 && cfg.sliding[2].hi == 20 && cfg.sliding[2].threshold == 3,
          "sliding: the resolved value reads back");

    set(&cfg, "analysis.sliding=nihss 8-10: 1, 12-15: 2, 16-20: 3");
    expect_error(&cfg, "sliding", "a gap at NIHSS 11");
    set(&cfg, "analysis.sliding=nihss 8-11: 1, 11-15: 2, 16-20: 3");
    expect_error(&cfg, "sliding", "an overlap at 11");
    set(&cfg, "analysis.sliding=nihss 8-10: 1, 11-15: 2, 16-19: 3");
    expect_error(&cfg, "sliding", "NIHSS 20 uncovered");
    set(&cfg, "analysis.sliding=nihss 0-10: 1, 11-15: 2, 16-42: 3");
    mscsim_design *d = NULL;
    CHECK(mscsim_design_new(&cfg, &d, &err) == MSCSIM_OK,
          "bands beyond the eligible range are allowed");
    mscsim_design_free(d);
    set(&cfg, "eligibility.nihss_min=-inf");
    set(&cfg, "eligibility.nihss_max=inf");
    set(&cfg, "analysis.sliding=nihss 8-10: 1, 11-15: 2, 16-20: 3");
    expect_error(&cfg, "sliding", "no eligibility window: 0-42 must be covered");
    base(&cfg);
    set(&cfg, "baseline.nihss=none");
    set(&cfg, "eligibility.nihss_min=-inf");
    set(&cfg, "eligibility.nihss_max=inf");
    set(&cfg, "analysis.sliding=nihss 0-42: 2");
    expect_error(&cfg, "sliding", "no NIHSS to band");
    base(&cfg);
    set(&cfg, "analysis.threshold=2");
    expect_error(&cfg, "threshold", "a threshold beside the bands");
    base(&cfg);
    CHECK(mscsim_config_set(&cfg, "analysis.sliding=nihss 8-10 1", &err) != MSCSIM_OK,
          "a band without its colon is refused");
    CHECK(mscsim_config_set(&cfg, "analysis.sliding=age 8-10: 1", &err) != MSCSIM_OK,
          "a variable other than nihss is refused");
    CHECK(mscsim_config_set(&cfg, "analysis.sliding=nihss 8.5-10: 1", &err) != MSCSIM_OK,
          "a bound that is not whole is refused");
}

int main(void)
{
    test_values();
    test_truth();
    test_config();
    return TEST_DONE();
}
