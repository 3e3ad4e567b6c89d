/*
 * The table path (sim/trial/shortcut.c) and its binomial sampler (sim/dist.c):
 *   - mscsim_rbinom against the exact pmf (Rmath dbinom) by a chi-square goodness-of-fit
 *     test, for parameters that take each branch (inversion, the p > 1/2 flip, one or
 *     several beta splits), fixed seeds;
 *   - the rule: which designs take which path, and why;
 *   - both paths give the same power, mean estimate and null rejection rate within
 *     4 Monte Carlo standard errors (fixed seeds), for every table-sufficient analysis on
 *     the ordinal (mRS and utility), binary and normal models;
 *   - the table path is byte-identical across thread counts;
 *   - trials drawn together (sim_shortcut_trials, the engine's lanes) are bit for bit the
 *     trials drawn one at a time, on both paths, with and without alias tables.
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "config_util.h"
#include "harness.h"
#include "mathlib.h"
#include "mscsim/dist.h"
#include "mscsim/engine.h"
#include "mscsim/trial.h"
#include "shortcut.h"

/* A correct sampler fails one chi-square test at this level with probability 1e-4. */
#define GOF_LEVEL 1e-4
#define GOF_DRAWS 400000
/* A correct engine fails a 4-MCSE check with probability 6e-5. */
#define K_MCSE 4.0
#define REPS 20000

/* ---- the binomial sampler ---------------------------------------------------------- */

static void check_binomial(long n, double p, uint64_t seed)
{
    static long count[100001];
    memset(count, 0, (size_t)(n + 1) * sizeof count[0]);
    mscsim_rng rng = mscsim_rng_for_trial(seed, 1, (uint64_t)n, 0);
    int range_ok = 1;
    for (long i = 0; i < GOF_DRAWS; i++) {
        long x = mscsim_rbinom(&rng, n, p);
        range_ok &= x >= 0 && x <= n;
        if (x >= 0 && x <= n)
            count[x]++;
    }
    /* Cells of consecutive values with an expected count of at least 5; the upper tail
     * that has less joins the last cell. */
    double x2 = 0, obs = 0, expct = 0;
    int cells = 0;
    for (long k = 0; k <= n; k++) {
        obs += (double)count[k];
        expct += GOF_DRAWS * dbinom((double)k, (double)n, p, 0);
        double upper = GOF_DRAWS * pbinom((double)k, (double)n, p, 0, 0);
        if ((expct >= 5.0 && upper >= 5.0) || k == n) {
            x2 += (obs - expct) * (obs - expct) / expct;
            obs = expct = 0;
            cells++;
        }
    }
    int df = cells - 1;
    double crit = df > 0 ? qchisq(GOF_LEVEL, (double)df, 0, 0) : 0.0;
    CHECK(range_ok && df > 0 && x2 < crit,
          "rbinom(%ld, %g): chi-square %.2f on %d df below %.2f (level %g)", n, p, x2, df,
          crit, GOF_LEVEL);
}

static void test_binomial(void)
{
    check_binomial(10, 0.3, 1);      /* inversion */
    check_binomial(150, 0.9, 2);     /* the flip, then inversion */
    check_binomial(82, 0.5, 3);      /* one beta split */
    check_binomial(1000, 0.3, 4);    /* several splits */
    check_binomial(100000, 0.02, 5); /* splits down to a small mean */
    check_binomial(40, 0.97, 6);
    mscsim_rng rng = mscsim_rng_for_trial(9, 1, 1, 0);
    INT_EQ(mscsim_rbinom(&rng, 0, 0.4), 0, "rbinom(0, p) = 0");
    INT_EQ(mscsim_rbinom(&rng, 25, 0.0), 0, "rbinom(n, 0) = 0");
    INT_EQ(mscsim_rbinom(&rng, 25, 1.0), 25, "rbinom(n, 1) = n");
    INT_EQ(mscsim_rbinom(&rng, -1, 0.5), -1, "rbinom(-1, p) = -1");
    INT_EQ(mscsim_rbinom(&rng, 5, NAN), -1, "rbinom(n, NaN) = -1");
}

/* ---- designs ----------------------------------------------------------------------- */

static const char *const ORDINAL_PROBS =
    "control.probs=0.029029029029029, 0.078078078078078, 0.118118118118118, "
    "0.167167167167167, 0.382382382382382, 0.196196196196196, 0.029029029029029";

/* The design of model (ordinal, binary or normal) with tests, n patients, 10 % MCAR
 * dropout; null = 1 for no effect. */
static void design(mscsim_config *cfg, const char *model, const char *tests, long n, int null)
{
    load_base(cfg);
    set(cfg, "model.type=%s", model);
    set(cfg, "trial.n=%ld", n);
    set(cfg, "analysis.tests=%s", tests);
    set(cfg, "control.dropout=0.1");
    set(cfg, "msc.dropout=0.15");
    set(cfg, "simulation.reps=%d", REPS);
    set(cfg, "simulation.seed=2024");
    if (strcmp(model, "ordinal") == 0) {
        set(cfg, "%s", ORDINAL_PROBS);
        set(cfg, "msc.odds_ratio=%s", null ? "1" : "1.6");
    } else if (strcmp(model, "binary") == 0) {
        set(cfg, "control.p=0.3");
        set(cfg, "msc.p=%s", null ? "0.3" : "0.45");
    } else {
        set(cfg, "control.mean=0");
        set(cfg, "msc.mean=%s", null ? "0" : "0.4");
        set(cfg, "control.sd=1");
        set(cfg, "msc.sd=1.3");
    }
}

/* cfg's design; exits on an error (a broken test config). */
static mscsim_design *compile(const mscsim_config *cfg)
{
    mscsim_design *d;
    mscsim_error err;
    if (mscsim_design_new(cfg, &d, &err)) {
        char msg[512];
        printf("design: %s\n", mscsim_error_format(&err, msg, sizeof msg));
        exit(2);
    }
    return d;
}

static mscsim_trial_path path_of(const mscsim_config *cfg, int nested, char *why, size_t len)
{
    mscsim_design *d = compile(cfg);
    mscsim_trial_path p = mscsim_design_shortcut(d, nested, why, len);
    mscsim_design_free(d);
    return p;
}

static void expect_path(mscsim_config *cfg, mscsim_trial_path want, const char *reason,
                        const char *what)
{
    char why[256];
    mscsim_trial_path got = path_of(cfg, 0, why, sizeof why);
    CHECK(got == want && strstr(why, reason) != NULL, "%s: path %d (want %d): %s", what,
          (int)got, (int)want, why);
}

static void test_rule(void)
{
    mscsim_config cfg;
    design(&cfg, "ordinal", "po, po_lr, wilcoxon, welch, student", 100, 0);
    expect_path(&cfg, MSCSIM_PATH_COUNTS, "2 x 7 table", "ordinal shift analyses");
    char why[256];
    CHECK(path_of(&cfg, 1, why, sizeof why) == MSCSIM_PATH_PATIENTS && strstr(why, "nested"),
          "nested trials take the patient path: %s", why);
    design(&cfg, "ordinal", "wilcoxon, welch", 100, 0);
    set(&cfg, "analysis.endpoint=utility");
    expect_path(&cfg, MSCSIM_PATH_COUNTS, "table", "ordinal utility");
    design(&cfg, "ordinal", "wilcoxon", 100, 0);
    set(&cfg, "analysis.endpoint=responder");
    set(&cfg, "analysis.responder_on=final");
    set(&cfg, "analysis.threshold=2");
    set(&cfg, "analysis.tests=chisq, fisher, rd_z, wilcoxon");
    expect_path(&cfg, MSCSIM_PATH_COUNTS, "2 x 2 table", "ordinal responder");
    design(&cfg, "ordinal", "po", 100, 0);
    set(&cfg, "baseline.nihss=uniform(4, 20)");
    set(&cfg, "analysis.covariates=nihss");
    expect_path(&cfg, MSCSIM_PATH_PATIENTS, "covariates", "po adjusted for NIHSS");
    design(&cfg, "ordinal", "worst_rank", 100, 0);
    expect_path(&cfg, MSCSIM_PATH_PATIENTS, "worst_rank", "worst_rank reads deaths");
    design(&cfg, "ordinal", "po", 100, 0);
    set(&cfg, "simulation.shortcut=no");
    expect_path(&cfg, MSCSIM_PATH_PATIENTS, "shortcut = no", "shortcut = no");
    design(&cfg, "ordinal", "po", 100, 0);
    set(&cfg, "baseline.nihss=uniform(4, 20)");
    set(&cfg, "msc.effect_slope=0.1");
    expect_path(&cfg, MSCSIM_PATH_PATIENTS, "no table form", "effect_slope");
    design(&cfg, "binary", "chisq, fisher, rd_z", 100, 0);
    expect_path(&cfg, MSCSIM_PATH_COUNTS, "2 x 2 table", "binary");
    set(&cfg, "control.mortality=0.1");
    expect_path(&cfg, MSCSIM_PATH_PATIENTS, "mortality", "deaths drawn by the pipeline");
    design(&cfg, "binary", "chisq", 100, 0);
    set(&cfg, "dropout.mechanism=mnar");
    expect_path(&cfg, MSCSIM_PATH_PATIENTS, "dropout depends", "MNAR dropout");
    design(&cfg, "normal", "welch, student", 100, 0);
    expect_path(&cfg, MSCSIM_PATH_NORMAL, "chi-square", "normal");
    set(&cfg, "analysis.missing=bocf");
    expect_path(&cfg, MSCSIM_PATH_PATIENTS, "missing", "bocf");
    design(&cfg, "normal", "welch, ancova", 100, 0);
    expect_path(&cfg, MSCSIM_PATH_PATIENTS, "adjusts", "ancova reads patients");
    design(&cfg, "normal", "wilcoxon", 100, 0);
    expect_path(&cfg, MSCSIM_PATH_PATIENTS, "wilcoxon", "wilcoxon on a normal endpoint");
    design(&cfg, "normal", "welch", 100, 0);
    set(&cfg, "outcome.scale=nihss");
    expect_path(&cfg, MSCSIM_PATH_PATIENTS, "no table form", "a bounded scale clips");
}

/* ---- both paths alike -------------------------------------------------------------- */

static void same(double a, double sa, double b, double sb, const char *what, const char *name,
                 int k)
{
    double tol = K_MCSE * sqrt(sa * sa + sb * sb);
    CHECK(fabs(a - b) <= tol, "%s, analysis %d (%s): table %.5f, patients %.5f, |diff| %.2g "
          "<= %.2g (4 MCSE)", what, k, name, a, b, fabs(a - b), tol);
}

static void compare_paths(mscsim_config *cfg, int analyses, const char *what)
{
    for (int k = 0; k < analyses; k++) {
        mscsim_cell_summary t, p;
        set(cfg, "simulation.shortcut=auto");
        if (!run_analysis(cfg, &t, 0, k))
            exit(2);
        set(cfg, "simulation.shortcut=no");
        set(cfg, "simulation.seed=2025"); /* independent trials on the patient path */
        if (!run_analysis(cfg, &p, 0, k))
            exit(2);
        set(cfg, "simulation.seed=2024");
        double R = (double)t.reps;
        same(t.power, sqrt(t.power * (1 - t.power) / R), p.power,
             sqrt(p.power * (1 - p.power) / R), what, t.analysis, k);
        same(t.mean_estimate, t.empirical_se / sqrt(R), p.mean_estimate,
             p.empirical_se / sqrt(R), "mean estimate", t.analysis, k);
        /* The SE's spread is at most the estimate's scale: a generous but real bound. */
        same(t.mean_se, t.empirical_se / sqrt(R), p.mean_se, p.empirical_se / sqrt(R),
             "mean SE", t.analysis, k);
        /* Var(analysed) <= n / 4 per trial (a sum of Bernoulli variables). */
        double se_n = sqrt(0.25 * (double)t.n_total / R);
        same(t.mean_n_analysed, se_n, p.mean_n_analysed, se_n, "analysed",
             t.analysis, k);
        /* Failures are rare events: a Poisson SE, kept above 0 by one count. */
        same((double)t.failures / R, sqrt((double)t.failures + 1.0) / R,
             (double)p.failures / R, sqrt((double)p.failures + 1.0) / R, "failure rate",
             t.analysis, k);
    }
}

static void test_paths_agree(void)
{
    mscsim_config cfg;
    const char *ord = "po, po_lr, wilcoxon, welch, student";
    for (int null = 0; null <= 1; null++) {
        design(&cfg, "ordinal", ord, 300, null);
        compare_paths(&cfg, 5, null ? "ordinal mRS, null" : "ordinal mRS");
        design(&cfg, "ordinal", "welch, student, wilcoxon", 120, null);
        set(&cfg, "analysis.endpoint=utility");
        compare_paths(&cfg, 3, null ? "ordinal utility, null" : "ordinal utility");
        design(&cfg, "binary", "chisq, fisher, rd_z", 200, null);
        compare_paths(&cfg, 3, null ? "binary, null" : "binary");
        design(&cfg, "normal", "welch, student", 100, null);
        compare_paths(&cfg, 2, null ? "normal, null" : "normal");
    }
    /* Small arms, where the tests fail now and then: failures on both paths. */
    design(&cfg, "binary", "chisq, fisher, rd_z", 12, 0);
    compare_paths(&cfg, 3, "binary, n = 12");
}

/* Trials r and r + 1 drawn together by sim_shortcut_trials against each drawn alone by
 * sim_shortcut_trial: tables, arm statistics, diagnostics and the generators afterwards. */
static void check_lanes(const mscsim_config *cfg, const char *what)
{
    mscsim_design *d = compile(cfg);
    sim_shortcut s;
    long sizes[MSCSIM_ARM_COUNT];
    mscsim_config_arm_sizes(cfg, cfg->n[0], sizes);
    size_t n[MSCSIM_ARM_COUNT] = {(size_t)sizes[0], (size_t)sizes[1]};
    int ok = sim_shortcut_prepare(d, 0, &s, NULL, 0) != MSCSIM_PATH_PATIENTS &&
             sim_shortcut_fit(&s, n[0] > n[1] ? n[0] : n[1]) == MSCSIM_OK;
    for (uint64_t r = 0; ok && r < 2000; r += SIM_SHORTCUT_LANES) {
        mscsim_rng one[SIM_SHORTCUT_LANES], lanes[SIM_SHORTCUT_LANES];
        mscsim_count_table t1[SIM_SHORTCUT_LANES], tl[SIM_SHORTCUT_LANES];
        mscsim_trial_data d1[SIM_SHORTCUT_LANES], dl[SIM_SHORTCUT_LANES];
        mscsim_trial_diag g1[SIM_SHORTCUT_LANES], gl[SIM_SHORTCUT_LANES];
        mscsim_trial_diag *diag[SIM_SHORTCUT_LANES];
        memset(t1, 0, sizeof t1);
        memset(tl, 0, sizeof tl);
        for (int l = 0; l < SIM_SHORTCUT_LANES; l++) {
            one[l] = lanes[l] = mscsim_rng_for_trial(77, 1, cfg->n[0], r + (uint64_t)l);
            sim_shortcut_trial(&s, d, &one[l], n, &t1[l], &d1[l], &g1[l]);
            diag[l] = &gl[l];
        }
        sim_shortcut_trials(&s, d, SIM_SHORTCUT_LANES, lanes, n, tl, dl, diag);
        for (int l = 0; l < SIM_SHORTCUT_LANES; l++) {
            ok &= memcmp(&one[l], &lanes[l], sizeof one[l]) == 0;
            ok &= memcmp(&t1[l], &tl[l], sizeof t1[l]) == 0;
            ok &= memcmp(d1[l].arm, dl[l].arm, sizeof d1[l].arm) == 0;
            ok &= (d1[l].table != NULL) == (dl[l].table != NULL);
            ok &= memcmp(&g1[l], &gl[l], offsetof(mscsim_trial_diag, recovery_slope)) == 0;
        }
    }
    CHECK(ok, "%s: %d trials drawn together are the trials drawn alone, bit for bit", what,
          SIM_SHORTCUT_LANES);
    sim_shortcut_free(&s);
    mscsim_design_free(d);
}

static void test_lanes(void)
{
    mscsim_config cfg;
    design(&cfg, "ordinal", "po, welch", 300, 0); /* mRS deaths among the dropped out */
    check_lanes(&cfg, "ordinal n = 300");
    design(&cfg, "ordinal", "po, welch", 600, 0); /* arms above the alias tables: rbinom */
    check_lanes(&cfg, "ordinal n = 600");
    design(&cfg, "binary", "chisq", 100, 1);
    check_lanes(&cfg, "binary null");
    design(&cfg, "normal", "welch", 100, 0);
    check_lanes(&cfg, "normal n = 100");
    design(&cfg, "normal", "welch", 700, 0);
    check_lanes(&cfg, "normal n = 700");
}

static void test_threads(void)
{
    mscsim_config cfg;
    design(&cfg, "ordinal", "po, wilcoxon", 200, 0);
    set(&cfg, "simulation.reps=%d", REPS + 1); /* odd: a unit ends with a lone trial */
    mscsim_cell_summary a[2], b[2];
    set(&cfg, "simulation.threads=1");
    int ok = run_analysis(&cfg, &a[0], 0, 0) && run_analysis(&cfg, &a[1], 0, 1);
    set(&cfg, "simulation.threads=3");
    ok = ok && run_analysis(&cfg, &b[0], 0, 0) && run_analysis(&cfg, &b[1], 0, 1);
    CHECK(ok && memcmp(&a[0].mean_estimate, &b[0].mean_estimate, sizeof(double)) == 0 &&
              memcmp(&a[1].mean_se, &b[1].mean_se, sizeof(double)) == 0 &&
              a[0].rejections == b[0].rejections && a[1].rejections == b[1].rejections,
          "table path: 1 and 3 threads give the same bits");
}

int main(void)
{
    test_binomial();
    test_rule();
    test_paths_agree();
    test_lanes();
    test_threads();
    return TEST_DONE();
}
