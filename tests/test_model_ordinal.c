/*
 * Tests of the ordinal mRS model (sim/models/ordinal.c).
 *
 * Statistical checks use fixed seeds and a per-check false-alarm rate of 1e-6 (ALARM):
 * chi-square statistics against qchisq(1 - ALARM, df), and estimates within
 * Z_ALARM = qnorm(1 - ALARM / 2) (about 4.9) Monte Carlo standard errors. Exact values come
 * from closed forms computed here, independently of the model, and from R
 * (tests/ref/make_ordinal_ref.R).
 */
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mathlib.h"
#include "model_keys.h"
#include "mscsim/dist.h"
#include "mscsim/model.h"
#include "mscsim/rng.h"

extern const mscsim_model_type sim_model_ordinal;

#define LEVELS 7
#define CUTS 6
#define ALARM 1e-6
/* Closed forms agree with R to rounding: a few operations of relative error eps each. */
#define EXACT_TOL (64 * DBL_EPSILON)

/* TREASURE placebo, day-90 mRS 0..6 (configs/EVIDENCE.md section 4). The published percentages
 * 2.9, 7.8, 11.8, 16.7, 38.2, 19.6, 2.9 sum to 99.9; these values take the dead share as 3.0
 * so that they sum to 1. configs/starting2_mrs_shift.ini instead divides the published
 * values by 0.999 (treasure_renorm below); both are within the publication's rounding. */
static const double treasure[LEVELS] = {0.029, 0.078, 0.118, 0.167, 0.382, 0.196, 0.030};
static const double treasure_renorm[LEVELS] = {0.029029029029029, 0.078078078078078,
                                               0.118118118118118, 0.167167167167167,
                                               0.382382382382382, 0.196196196196196,
                                               0.029029029029029};

/* Rscript tests/ref/make_ordinal_ref.R: exact msc probabilities P(mRS = 0..6) under
 * proportional odds with the TREASURE control above. */
static const double r_msc_or125[LEVELS] = {
    0.035989079175974194, 0.094276321359696602, 0.13600678881344166, 0.17999374872010437,
    0.36437503386207765,  0.16521415885341384,  0.024144869215291687};
static const double r_msc_or167[LEVELS] = {
    0.04750694015283051, 0.11922970943800264, 0.15978952898835433, 0.19194306047549153,
    0.33270751817905253, 0.13064032258928815, 0.018182920176980311};
/* Same script, OR 1.67: E[mRS|control] - E[mRS|msc], P(mRS <= 1) and P(mRS <= 2) msc minus
 * control. */
#define R_MEAN_DIFF_OR167 0.39523284443428164
#define R_RESP1_OR167 0.059736649590833149
#define R_RESP2_OR167 0.10152617857918747

/* {==================================================================================
 * Helpers
 * =================================================================================== */

static double z_alarm(void)
{
    return qnorm(ALARM / 2, 0.0, 1.0, 0, 0);
}

static mscsim_config base_config(const double probs[LEVELS], double odds_ratio)
{
    mscsim_config cfg;
    memset(&cfg, 0, sizeof cfg);
    strcpy(cfg.model, "ordinal");
    strcpy(cfg.path, "test.ini");
    cfg.endpoint = MSCSIM_ENDPOINT_FINAL;
    cfg.responder_on = MSCSIM_RESPONDER_ON_FINAL;
    memcpy(model_value(&cfg, "control", "probs")->list.values, probs, LEVELS * sizeof *probs);
    model_value(&cfg, "control", "probs")->list.count = LEVELS;
    set_arm_number(&cfg, MSCSIM_ARM_MSC, "odds_ratio", odds_ratio);
    cfg.nihss.kind = MSCSIM_DIST_NONE;
    cfg.nihss_min = -HUGE_VAL;
    cfg.nihss_max = HUGE_VAL;
    return cfg;
}

/* The NIHSS of the STARTING-2 window (configs/EVIDENCE.md section 1): truncnormal(12, 4, 6, 21). */
static void set_nihss_starting2(mscsim_config *cfg)
{
    cfg->nihss.kind = MSCSIM_DIST_TRUNCNORMAL;
    cfg->nihss.a = 12;
    cfg->nihss.b = 4;
    cfg->nihss.lo = 6;
    cfg->nihss.hi = 21;
    cfg->nihss_min = 6;
    cfg->nihss_max = 21;
}

/* Room for the model's params_size bytes (checked once in main). */
#define PARAMS_BYTES 4096

/* Models read their parameter block as a struct of doubles: keep it aligned for them. */
typedef union {
    unsigned char bytes[PARAMS_BYTES];
    max_align_t align;
} params_block;

static int prepare(const mscsim_config *cfg, params_block *pb)
{
    mscsim_error err;
    memset(&err, 0, sizeof err);
    int status = sim_model_ordinal.prepare(cfg, pb->bytes, &err);
    if (status != MSCSIM_OK)
        printf("unexpected prepare error: [%s] %s: %s\n", err.section, err.key, err.msg);
    return status;
}

/* Simulates one arm of n patients (nihss may be NULL) into score (and true_score). */
static void simulate(const params_block *pb, int arm, size_t n, double *nihss, uint64_t seed,
                     double *score, double *true_score)
{
    mscsim_covariates cov = {0};
    cov.nihss = nihss;
    double day = 90;
    mscsim_arm_sim sim = {n, arm, &cov, 1, &day, true_score, score};
    mscsim_rng rng;
    mscsim_rng_seed(&rng, seed, 54);
    sim_model_ordinal.simulate(pb->bytes, &rng, &sim);
}

/* Counts of each mRS; returns the number of values that are not whole numbers in 0..6. */
static size_t tally(const double *y, size_t n, long cnt[LEVELS])
{
    size_t bad = 0;
    memset(cnt, 0, LEVELS * sizeof *cnt);
    for (size_t i = 0; i < n; i++) {
        if (y[i] >= 0 && y[i] <= 6 && y[i] == floor(y[i]))
            cnt[(int)y[i]]++;
        else
            bad++;
    }
    return bad;
}

/* Exact proportional-odds probabilities, straight from the definition. */
static void po_probs(const double p0[LEVELS], double odds_ratio, double out[LEVELS])
{
    double cum = 0, prev = 0;
    for (int k = 0; k < CUTS; k++) {
        cum += p0[k];
        double c1 = plogis(qlogis(cum, 0, 1, 1, 0) + log(odds_ratio), 0, 1, 1, 0);
        out[k] = c1 - prev;
        prev = c1;
    }
    out[CUTS] = 1 - prev;
}

/* Pearson goodness of fit against probs; categories of probability 0 must be empty. Writes
 * the degrees of freedom. */
static double chisq_gof(const long cnt[LEVELS], const double probs[LEVELS], size_t n, int *df)
{
    double x2 = 0;
    *df = -1;
    for (int k = 0; k < LEVELS; k++) {
        if (probs[k] == 0) {
            if (cnt[k] != 0)
                return HUGE_VAL;
            continue;
        }
        double e = probs[k] * (double)n;
        x2 += (cnt[k] - e) * (cnt[k] - e) / e;
        (*df)++;
    }
    return x2;
}

/* Pearson test of homogeneity of two samples (2 x 7 table, empty columns dropped). */
static double chisq_homog(const long a[LEVELS], size_t na, const long b[LEVELS], size_t nb,
                          int *df)
{
    double x2 = 0, n = (double)(na + nb);
    *df = -1;
    for (int k = 0; k < LEVELS; k++) {
        double col = (double)(a[k] + b[k]);
        if (col == 0)
            continue;
        double ea = col * (double)na / n, eb = col * (double)nb / n;
        x2 += (a[k] - ea) * (a[k] - ea) / ea + (b[k] - eb) * (b[k] - eb) / eb;
        (*df)++;
    }
    return x2;
}

static double chisq_crit(int df)
{
    return qchisq(ALARM, df, 0, 0);
}

#define CHECK_GOF(cnt, probs, n, ...)                                                      \
    do {                                                                                   \
        int df_;                                                                           \
        double x2_ = chisq_gof(cnt, probs, n, &df_);                                       \
        char what_[300];                                                                   \
        snprintf(what_, sizeof what_, __VA_ARGS__);                                        \
        CHECK(x2_ <= chisq_crit(df_), "%s: chi-square %.2f on %d df (critical %.2f)", what_, \
              x2_, df_, chisq_crit(df_));                                                  \
    } while (0)

/* Empirical log cumulative odds ratio (msc vs control) at every cut against target, each
 * within Z_ALARM delta-method standard errors (Woolf 1955):
 * var = 1/(n1 p1 (1 - p1)) + 1/(n0 p0 (1 - p0)). */
static void check_cut_log_or(const long c0[LEVELS], size_t n0, const long c1[LEVELS], size_t n1,
                             double target, const char *what)
{
    long h0 = 0, h1 = 0;
    for (int k = 0; k < CUTS; k++) {
        h0 += c0[k];
        h1 += c1[k];
        double p0 = (double)h0 / (double)n0, p1 = (double)h1 / (double)n1;
        double lor = log(p1 / (1 - p1)) - log(p0 / (1 - p0));
        double se = sqrt(1 / ((double)n1 * p1 * (1 - p1)) + 1 / ((double)n0 * p0 * (1 - p0)));
        CHECK(fabs(lor - target) <= z_alarm() * se,
              "%s: log OR at mRS <= %d is %.4f, want %.4f +- %.4f (%.1f SE)", what, k, lor,
              target, z_alarm() * se, z_alarm());
    }
}

static void expect_error(const mscsim_config *cfg, int code, const char *section,
                         const char *key, const char *what)
{
    params_block pb;
    mscsim_error err;
    memset(&err, 0, sizeof err);
    int status = sim_model_ordinal.prepare(cfg, pb.bytes, &err);
    CHECK(status == code && err.code == code && strcmp(err.section, section) == 0 &&
              strcmp(err.key, key) == 0 && err.msg[0] != '\0',
          "%s: status %d at [%.40s] %.40s (\"%.200s\"), want %d at [%s] %s", what, status,
          err.section, err.key, err.msg, code, section, key);
}

/* NIHSS of n patients: round(truncnormal(12, 4, 6, 21)), the population's rule. */
static void draw_nihss(double *nihss, size_t n, uint64_t seed)
{
    mscsim_rng rng;
    mscsim_rng_seed(&rng, seed, 7);
    for (size_t i = 0; i < n; i++)
        nihss[i] = floor(mscsim_rtruncnorm(&rng, 12, 4, 6, 21) + 0.5);
}

/* P(NIHSS = v) for round(truncnormal(12, 4, 6, 21)), v = 6..21, computed directly. */
static double nihss_pmf(int v)
{
    double lo = fmax(v - 0.5, 6), hi = fmin(v + 0.5, 21);
    double z = pnorm(21, 12, 4, 1, 0) - pnorm(6, 12, 4, 1, 0);
    return (pnorm(hi, 12, 4, 1, 0) - pnorm(lo, 12, 4, 1, 0)) / z;
}

/* {==================================================================================
 * Tests
 * =================================================================================== */

static void test_table_and_needs(void)
{
    STR_EQ(sim_model_ordinal.name, "ordinal", "model name");
    INT_EQ(sim_model_ordinal.outcome, MSCSIM_OUTCOME_ORDINAL, "outcome kind");
    INT_EQ(sim_model_ordinal.multi_visit, 0, "single visit");
    mscsim_config cfg = base_config(treasure, 1.25);
    INT_EQ(sim_model_ordinal.needs(&cfg), 0, "needs nothing by default");
    set_model_number(&cfg, "model", "latent_corr", 0.3);
    INT_EQ(sim_model_ordinal.needs(&cfg), MSCSIM_NEED_NIHSS, "latent_corr needs NIHSS");
    set_model_number(&cfg, "model", "latent_corr", 0);
    cfg.arm[MSCSIM_ARM_MSC].effect_slope = 0.05;
    INT_EQ(sim_model_ordinal.needs(&cfg), MSCSIM_NEED_NIHSS, "effect_slope needs NIHSS");

    double sum = 0;
    for (int k = 0; k < LEVELS; k++)
        sum += treasure[k];
    /* The published TREASURE percentages sum to 99.9; the preset's values must not. */
    ABS_EQ(sum, 1.0, 8 * DBL_EPSILON, "TREASURE placebo probabilities sum to 1");
}

static void test_prepare_errors(void)
{
    mscsim_config cfg = base_config(treasure, 1.25);
    model_value(&cfg, "control", "probs")->list.count = 6;
    expect_error(&cfg, MSCSIM_ECONFIG, "control", "probs", "6 probabilities");

    double neg[LEVELS] = {0.1, -0.1, 0.3, 0.2, 0.2, 0.2, 0.1};
    cfg = base_config(neg, 1.25);
    expect_error(&cfg, MSCSIM_ERANGE, "control", "probs", "negative probability");

    double short_sum[LEVELS] = {0.1, 0.1, 0.1, 0.2, 0.2, 0.1, 0.1};
    cfg = base_config(short_sum, 1.25);
    expect_error(&cfg, MSCSIM_ECONFIG, "control", "probs", "probabilities summing to 0.9");

    /* The published percentages / 100 sum to 0.999: rejected, not silently renormalised. */
    double published[LEVELS] = {0.029, 0.078, 0.118, 0.167, 0.382, 0.196, 0.029};
    cfg = base_config(published, 1.25);
    expect_error(&cfg, MSCSIM_ECONFIG, "control", "probs", "probabilities summing to 0.999");

    const double bad_or[] = {0.0, -1.0, NAN, HUGE_VAL};
    for (size_t i = 0; i < sizeof bad_or / sizeof *bad_or; i++) {
        cfg = base_config(treasure, bad_or[i]);
        char what[64];
        snprintf(what, sizeof what, "odds_ratio %g", bad_or[i]);
        expect_error(&cfg, MSCSIM_ERANGE, "msc", "odds_ratio", what);
    }

    cfg = base_config(treasure, 1.25);
    cfg.endpoint = MSCSIM_ENDPOINT_CHANGE;
    expect_error(&cfg, MSCSIM_ECONFIG, "analysis", "endpoint", "endpoint change");
    cfg.endpoint = MSCSIM_ENDPOINT_RATIO;
    expect_error(&cfg, MSCSIM_ECONFIG, "analysis", "endpoint", "endpoint ratio");
    cfg.endpoint = MSCSIM_ENDPOINT_RESPONDER;
    cfg.responder_on = MSCSIM_RESPONDER_ON_CHANGE;
    expect_error(&cfg, MSCSIM_ECONFIG, "analysis", "responder_on", "responder on change");

    cfg = base_config(treasure, 1.25);
    set_model_number(&cfg, "model", "latent_corr", 1.0);
    expect_error(&cfg, MSCSIM_ERANGE, "model", "latent_corr", "latent_corr 1");
    set_model_number(&cfg, "model", "latent_corr", 0.5);
    cfg.nihss.kind = MSCSIM_DIST_EMPIRICAL;
    expect_error(&cfg, MSCSIM_ECONFIG, "model", "latent_corr", "latent_corr, empirical NIHSS");
    set_nihss_starting2(&cfg);
    cfg.nihss_min = 30;
    cfg.nihss_max = 42;
    expect_error(&cfg, MSCSIM_ECONFIG, "baseline", "nihss", "latent_corr, empty NIHSS window");
    cfg.nihss_min = 50;
    cfg.nihss_max = HUGE_VAL;
    expect_error(&cfg, MSCSIM_ECONFIG, "baseline", "nihss", "latent_corr, window above 42");

    params_block pb;
    cfg = base_config(treasure_renorm, 1.67);
    INT_EQ(prepare(&cfg, &pb), MSCSIM_OK, "the preset's renormalised TREASURE is accepted");
    cfg = base_config(treasure, 1.25);
    cfg.endpoint = MSCSIM_ENDPOINT_RESPONDER;
    INT_EQ(prepare(&cfg, &pb), MSCSIM_OK, "responder on final is accepted");
    set_nihss_starting2(&cfg);
    set_model_number(&cfg, "model", "latent_corr", -0.4);
    INT_EQ(prepare(&cfg, &pb), MSCSIM_OK, "latent_corr with truncnormal NIHSS is accepted");
}

/* The exact probabilities computed here agree with R's. */
static void test_exact_probs_vs_r(void)
{
    double p[LEVELS];
    po_probs(treasure, 1.25, p);
    for (int k = 0; k < LEVELS; k++)
        ABS_EQ(p[k], r_msc_or125[k], EXACT_TOL, "OR 1.25: P(mRS = %d) vs R", k);
    po_probs(treasure, 1.67, p);
    for (int k = 0; k < LEVELS; k++)
        ABS_EQ(p[k], r_msc_or167[k], EXACT_TOL, "OR 1.67: P(mRS = %d) vs R", k);
}

/* Alias path: both arms against their exact probabilities, and the cut-wise odds ratios. */
static void test_alias_path(double *y0, double *y1, double *t, size_t n)
{
    const double ors[] = {1.25, 1.67};
    for (size_t j = 0; j < 2; j++) {
        mscsim_config cfg = base_config(treasure, ors[j]);
        params_block pb;
        if (prepare(&cfg, &pb) != MSCSIM_OK)
            return;
        simulate(&pb, MSCSIM_ARM_CONTROL, n, NULL, 100 + j, y0, t);
        CHECK(memcmp(y0, t, n * sizeof *y0) == 0, "score == true_score");
        long c0[LEVELS], c1[LEVELS];
        INT_EQ(tally(y0, n, c0), 0, "control values are mRS 0..6");
        CHECK_GOF(c0, treasure, n, "alias, control vs TREASURE placebo (n %zu)", n);

        simulate(&pb, MSCSIM_ARM_MSC, n, NULL, 200 + j, y1, t);
        INT_EQ(tally(y1, n, c1), 0, "msc values are mRS 0..6");
        double p1[LEVELS];
        po_probs(treasure, ors[j], p1);
        CHECK_GOF(c1, p1, n, "alias, msc OR %.2f vs exact proportional odds", ors[j]);
        char what[64];
        snprintf(what, sizeof what, "alias, OR %.2f", ors[j]);
        check_cut_log_or(c0, n, c1, n, log(ors[j]), what);
    }

    /* The inline alias draw is mscsim_rcategorical's, draw by draw, on the table
     * mscsim_categorical_init makes from the control probabilities. */
    {
        mscsim_config c = base_config(treasure, 1.25);
        params_block b;
        prepare(&c, &b);
        simulate(&b, MSCSIM_ARM_CONTROL, n, NULL, 99, y0, t);
        mscsim_categorical table;
        mscsim_categorical_init(&table, treasure, LEVELS, NULL);
        mscsim_rng rng;
        mscsim_rng_seed(&rng, 99, 54);
        size_t differ = 0;
        for (size_t i = 0; i < n; i++)
            differ += y0[i] != mscsim_rcategorical(&rng, &table);
        INT_EQ(differ, 0, "alias path equals mscsim_rcategorical draw by draw (n %zu)", n);
    }

    /* Same seed, same draws. */
    mscsim_config cfg = base_config(treasure, 1.67);
    params_block pb;
    prepare(&cfg, &pb);
    simulate(&pb, MSCSIM_ARM_MSC, 1000, NULL, 5, y0, t);
    simulate(&pb, MSCSIM_ARM_MSC, 1000, NULL, 5, y1, t);
    CHECK(memcmp(y0, y1, 1000 * sizeof *y0) == 0, "reproducible from the seed");
}

/* Latent path (msc with effect_slope): at NIHSS = center the multiplier is exactly 1, so it
 * must give the alias path's distribution; at center + 5 the log OR is (1 + 5 slope) log OR. */
static void test_latent_path_and_heterogeneity(double *y0, double *y1, double *nihss, size_t n)
{
    const double odds = 1.67, slope = 0.04, center = 12;
    mscsim_config cfg = base_config(treasure, odds);
    params_block alias, latent;
    if (prepare(&cfg, &alias) != MSCSIM_OK)
        return;
    cfg.arm[MSCSIM_ARM_MSC].effect_slope = slope;
    cfg.arm[MSCSIM_ARM_MSC].effect_center = center;
    if (prepare(&cfg, &latent) != MSCSIM_OK)
        return;

    long ca[LEVELS], cl[LEVELS], c0[LEVELS];
    double p1[LEVELS];
    po_probs(treasure, odds, p1);
    simulate(&alias, MSCSIM_ARM_MSC, n, NULL, 300, y0, y0);
    tally(y0, n, ca);
    for (size_t i = 0; i < n; i++)
        nihss[i] = center;
    simulate(&latent, MSCSIM_ARM_MSC, n, nihss, 301, y1, y1);
    INT_EQ(tally(y1, n, cl), 0, "latent path values are mRS 0..6");
    CHECK_GOF(cl, p1, n, "latent path at NIHSS = center vs exact OR %.2f", odds);
    int df;
    double x2 = chisq_homog(ca, n, cl, n, &df);
    CHECK(x2 <= chisq_crit(df), "alias vs latent path, homogeneity: chi-square %.2f on %d df "
                                "(critical %.2f)", x2, df, chisq_crit(df));

    /* Heterogeneity: every patient at center + 5. */
    double mult = 1 + 5 * slope, p5[LEVELS];
    po_probs(treasure, exp(mult * log(odds)), p5);
    for (size_t i = 0; i < n; i++)
        nihss[i] = center + 5;
    simulate(&latent, MSCSIM_ARM_MSC, n, nihss, 302, y1, y1);
    tally(y1, n, cl);
    CHECK_GOF(cl, p5, n, "NIHSS = center + 5: msc vs exact OR^(1 + 5 slope)");
    /* Control ignores the slope (it takes the alias path even with NIHSS given). */
    simulate(&latent, MSCSIM_ARM_CONTROL, n, nihss, 303, y0, y0);
    tally(y0, n, c0);
    CHECK_GOF(c0, treasure, n, "control with effect_slope set vs TREASURE placebo");
    check_cut_log_or(c0, n, cl, n, mult * log(odds), "NIHSS = center + 5, log OR (1 + 5 slope)");
    /* Patients below center get less: center - 10 with slope 0.04 gives 0.6 log OR. */
    for (size_t i = 0; i < n; i++)
        nihss[i] = center - 10;
    simulate(&latent, MSCSIM_ARM_MSC, n, nihss, 304, y1, y1);
    tally(y1, n, cl);
    check_cut_log_or(c0, n, cl, n, (1 - 10 * slope) * log(odds), "NIHSS = center - 10");

    /* A NaN NIHSS with heterogeneity gives a NaN score, not a silent mRS. */
    nihss[0] = NAN;
    simulate(&latent, MSCSIM_ARM_MSC, 1, nihss, 305, y1, y1);
    CHECK(isnan(y1[0]), "NaN NIHSS with effect_slope gives NaN");
}

/* Simpson's rule on this many intervals per NIHSS cell: the integrand is analytic, and the
 * check of the marginal below (error < 1e-9) confirms the accuracy. */
#define SIMPSON_INTERVALS 400
/* Normal scores beyond +-9 carry probability 2e-19: the integration range is clipped there. */
#define SCORE_CLIP 9.0
/* What the exact identities below must meet: rounding plus the quadrature error. */
#define QUADRATURE_TOL 1e-9

/* P(mRS <= cut, NIHSS = v) for control under latent_corr c, NIHSS ~ nihss_pmf: the normal
 * score s of a patient with NIHSS v is N(0, 1) restricted to [a, b] = Phi^-1 of the cell's
 * CDF range, and P(mRS <= k | s) = Phi((zcut - c s) / sqrt(1 - c^2)). */
static double joint_cdf(int v, double c, double zcut)
{
    double below = 0;
    for (int u = 6; u < v; u++)
        below += nihss_pmf(u);
    double a = fmax(qnorm(below, 0, 1, 1, 0), -SCORE_CLIP);
    double b = fmin(qnorm(below + nihss_pmf(v), 0, 1, 1, 0), SCORE_CLIP);
    double r = sqrt(1 - c * c), h = (b - a) / SIMPSON_INTERVALS, sum = 0;
    for (int j = 0; j <= SIMPSON_INTERVALS; j++) {
        double s = a + j * h;
        double f = pnorm((zcut - c * s) / r, 0, 1, 1, 0) * dnorm(s, 0, 1, 0);
        sum += f * (j == 0 || j == SIMPSON_INTERVALS ? 1 : (j % 2 ? 4 : 2));
    }
    return sum * h / 3;
}

/* Exact cov(NIHSS, mRS) in the control arm under latent_corr c; *marginal_error gets the
 * largest |P(mRS <= k) - cum[k]| of the same sums, which is 0 up to quadrature error when
 * the randomized normal score is exactly N(0, 1). */
static double exact_cov(double c, const double zcut[CUTS], const double cum[CUTS],
                        double *marginal_error)
{
    double joint[22][CUTS];
    *marginal_error = 0;
    for (int k = 0; k < CUTS; k++) {
        double total = 0;
        for (int v = 6; v <= 21; v++)
            total += joint[v][k] = joint_cdf(v, c, zcut[k]);
        *marginal_error = fmax(*marginal_error, fabs(total - cum[k]));
    }
    double ex = 0, ey = 0, exy = 0;
    for (int v = 6; v <= 21; v++) {
        double pv = nihss_pmf(v), ey_v = 0; /* E[mRS; NIHSS = v] = sum_k P(mRS > k, v) */
        for (int k = 0; k < CUTS; k++)
            ey_v += pv - joint[v][k];
        ex += pv * v;
        ey += ey_v;
        exy += v * ey_v;
    }
    return exy - ex * ey;
}

/* Sample covariance of x and y and its plug-in standard error sd((x - mx)(y - my)) / sqrt(n);
 * also the Pearson correlation. */
static void sample_cov(const double *x, const double *y, size_t n, double *cov, double *se,
                       double *r)
{
    double mx = 0, my = 0;
    for (size_t i = 0; i < n; i++) {
        mx += x[i];
        my += y[i];
    }
    mx /= (double)n;
    my /= (double)n;
    double sxy = 0, sxy2 = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < n; i++) {
        double d = (x[i] - mx) * (y[i] - my);
        sxy += d;
        sxy2 += d * d;
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    *cov = sxy / (double)n;
    *se = sqrt((sxy2 / (double)n - *cov * *cov) / (double)n);
    *r = sxy / sqrt(sxx * syy);
}

/* latent_corr: both marginals stay exact, the NIHSS-mRS covariance has the documented sign
 * and its exact size, and the test would have seen the drift of the simpler alternative. */
static void test_latent_corr(double *y0, double *y1, double *nihss, size_t n)
{
    const double c = 0.5, odds = 1.67;
    mscsim_config cfg = base_config(treasure, odds);
    set_nihss_starting2(&cfg);
    set_model_number(&cfg, "model", "latent_corr", c);
    params_block pb;
    if (prepare(&cfg, &pb) != MSCSIM_OK)
        return;

    double zcut[CUTS], cum[CUTS], acc = 0;
    for (int k = 0; k < CUTS; k++) {
        acc += treasure[k];
        cum[k] = acc;
        zcut[k] = qnorm(acc, 0, 1, 1, 0);
    }
    double worst;
    double want_cov = exact_cov(c, zcut, cum, &worst);
    CHECK(worst <= QUADRATURE_TOL,
          "latent_corr 0.5: exact control marginal = TREASURE (largest |error| %.2g)", worst);

    long c0[LEVELS], c1[LEVELS];
    draw_nihss(nihss, n, 400);
    simulate(&pb, MSCSIM_ARM_CONTROL, n, nihss, 401, y0, y0);
    INT_EQ(tally(y0, n, c0), 0, "latent_corr: control values are mRS 0..6");
    CHECK_GOF(c0, treasure, n, "latent_corr 0.5, NIHSS truncnormal(12, 4, 6, 21): control "
                               "marginal vs TREASURE placebo (n %zu)", n);
    double cov, se, r;
    sample_cov(nihss, y0, n, &cov, &se, &r);
    CHECK(cov > 0 && fabs(cov - want_cov) <= z_alarm() * se,
          "latent_corr 0.5: cov(NIHSS, mRS) = %.4f, want %.4f +- %.4f (Pearson r %.3f): "
          "more severe patients do worse",
          cov, want_cov, z_alarm() * se, r);

    /* The alternative the model does not use: s = (NIHSS - mean) / sd with the spec's
     * theoretical moments (mean 12.42, sd 3.35 for truncnormal(12, 4, 6, 21)). Its control
     * P(mRS <= k) is a finite sum; the largest drift from TREASURE is 0.0026, at mRS <= 3
     * (0.3946 instead of 0.392); with latent_corr 0.3 it is 0.0005, with 0.8 0.0130 (same
     * sum, also checked in R). With n = 2e6 a drift of 0.0026 is 7.4 SE of P(mRS <= 3). */
    double a = (6.0 - 12) / 4, b = (21.0 - 12) / 4;
    double zt = pnorm(b, 0, 1, 1, 0) - pnorm(a, 0, 1, 1, 0);
    double phia = dnorm(a, 0, 1, 0), phib = dnorm(b, 0, 1, 0);
    double mean = 12 + 4 * (phia - phib) / zt;
    double sd = 4 * sqrt(1 + (a * phia - b * phib) / zt - pow((phia - phib) / zt, 2));
    double drift = 0, drift_se = 0;
    int drift_k = 0;
    for (int k = 0; k < CUTS; k++) {
        double pk = 0;
        for (int v = 6; v <= 21; v++)
            pk += nihss_pmf(v) *
                  pnorm((zcut[k] - c * (v - mean) / sd) / sqrt(1 - c * c), 0, 1, 1, 0);
        if (fabs(pk - cum[k]) > drift) {
            drift = fabs(pk - cum[k]);
            drift_k = k;
            drift_se = sqrt(cum[k] * (1 - cum[k]) / (double)n);
        }
    }
    CHECK(drift > z_alarm() * drift_se,
          "moment standardisation (not used) would drift P(mRS <= %d) by %.4f = %.1f SE of "
          "n %zu (mean %.2f, sd %.2f): this test would see it",
          drift_k, drift, drift / drift_se, n, mean, sd);

    /* msc: its own patients, exact proportional odds in the marginal. */
    draw_nihss(nihss, n, 402);
    simulate(&pb, MSCSIM_ARM_MSC, n, nihss, 403, y1, y1);
    double p1[LEVELS];
    po_probs(treasure, odds, p1);
    tally(y1, n, c1);
    CHECK_GOF(c1, p1, n, "latent_corr 0.5: msc marginal vs exact OR 1.67");
    check_cut_log_or(c0, n, c1, n, log(odds), "latent_corr 0.5");

    /* Negative correlation: milder patients do worse. (Not the mirror image of +0.5: the
     * NIHSS window is not symmetric about its mean.) */
    set_model_number(&cfg, "model", "latent_corr", -c);
    prepare(&cfg, &pb);
    simulate(&pb, MSCSIM_ARM_CONTROL, n, nihss, 404, y0, y0);
    sample_cov(nihss, y0, n, &cov, &se, &r);
    want_cov = exact_cov(-c, zcut, cum, &worst);
    CHECK(cov < 0 && fabs(cov - want_cov) <= z_alarm() * se,
          "latent_corr -0.5: cov(NIHSS, mRS) = %.4f, want %.4f +- %.4f (Pearson r %.3f)", cov,
          want_cov, z_alarm() * se, r);
}

/* latent_corr with effect_slope (the path that converts Z to the logistic scale): with every
 * patient at one NIHSS the normal score is pure noise, so msc is exactly proportional odds
 * with OR^(1 + slope (NIHSS - center)). */
static void test_latent_corr_with_slope(double *y1, double *nihss, size_t n)
{
    const double odds = 1.67, slope = 0.04, c = 0.6;
    mscsim_config cfg = base_config(treasure, odds);
    cfg.nihss.kind = MSCSIM_DIST_FIXED;
    cfg.nihss.a = 17;
    set_model_number(&cfg, "model", "latent_corr", c);
    cfg.arm[MSCSIM_ARM_MSC].effect_slope = slope;
    const double centers[] = {17, 12};
    for (size_t j = 0; j < 2; j++) {
        cfg.arm[MSCSIM_ARM_MSC].effect_center = centers[j];
        params_block pb;
        if (prepare(&cfg, &pb) != MSCSIM_OK)
            return;
        for (size_t i = 0; i < n; i++)
            nihss[i] = 17;
        simulate(&pb, MSCSIM_ARM_MSC, n, nihss, 500 + j, y1, y1);
        double mult = 1 + slope * (17 - centers[j]), p[LEVELS];
        po_probs(treasure, exp(mult * log(odds)), p);
        long cnt[LEVELS];
        INT_EQ(tally(y1, n, cnt), 0, "latent_corr + slope: values are mRS 0..6");
        CHECK_GOF(cnt, p, n, "latent_corr + slope, NIHSS 17, center %g: exact OR^%g",
                  centers[j], mult);
    }
}

/* The correlated path without NIHSS values (not expected: needs() asks for them) still gives
 * the exact marginal, and a NaN NIHSS gives a NaN score. */
static void test_correlated_edges(double *y, double *nihss, size_t n)
{
    mscsim_config cfg = base_config(treasure, 1.67);
    set_nihss_starting2(&cfg);
    set_model_number(&cfg, "model", "latent_corr", 0.5);
    params_block pb;
    if (prepare(&cfg, &pb) != MSCSIM_OK)
        return;
    long cnt[LEVELS];
    simulate(&pb, MSCSIM_ARM_CONTROL, n, NULL, 800, y, y);
    tally(y, n, cnt);
    CHECK_GOF(cnt, treasure, n, "latent_corr without NIHSS values: control marginal");
    nihss[0] = NAN;
    nihss[1] = 12;
    simulate(&pb, MSCSIM_ARM_MSC, 2, nihss, 801, y, y);
    CHECK(isnan(y[0]) && y[1] >= 0 && y[1] <= 6, "latent_corr: NaN NIHSS gives NaN, the next "
                                                  "patient a valid mRS (%g)", y[1]);
}

/* Empty end categories stay empty on every path, and the others are exact. */
static void test_empty_categories(double *y, double *nihss, size_t n)
{
    const double probs[LEVELS] = {0, 0.2, 0.3, 0.5, 0, 0, 0};
    double p1[LEVELS];
    po_probs(probs, 2.0, p1);
    mscsim_config cfg = base_config(probs, 2.0);
    params_block pb;
    long cnt[LEVELS];
    const char *name[] = {"alias", "latent", "correlated"};
    for (int path = 0; path < 3; path++) {
        cfg.arm[MSCSIM_ARM_MSC].effect_slope = path == 1 ? 0.05 : 0;
        cfg.arm[MSCSIM_ARM_MSC].effect_center = 12;
        if (path == 2) {
            set_nihss_starting2(&cfg);
            set_model_number(&cfg, "model", "latent_corr", 0.7);
        }
        if (prepare(&cfg, &pb) != MSCSIM_OK)
            return;
        if (path == 2)
            draw_nihss(nihss, n, 600);
        else
            for (size_t i = 0; i < n; i++)
                nihss[i] = 12;
        simulate(&pb, MSCSIM_ARM_CONTROL, n, nihss, 601 + path, y, y);
        INT_EQ(tally(y, n, cnt), 0, "%s: values are mRS 0..6", name[path]);
        CHECK_GOF(cnt, probs, n, "%s: control with empty categories 0, 4, 5, 6", name[path]);
        simulate(&pb, MSCSIM_ARM_MSC, n, nihss, 611 + path, y, y);
        tally(y, n, cnt);
        CHECK_GOF(cnt, p1, n, "%s: msc OR 2 with empty categories", name[path]);
    }
}

static void test_true_effect(double *y0, double *y1, size_t n)
{
    /* By hand: half 0, half 6; OR 3 moves P(mRS <= k) from 1/2 to 3/4 at every cut. */
    const double halves[LEVELS] = {0.5, 0, 0, 0, 0, 0, 0.5};
    mscsim_config cfg = base_config(halves, 3.0);
    params_block pb;
    if (prepare(&cfg, &pb) != MSCSIM_OK)
        return;
    ABS_EQ(sim_model_ordinal.true_effect(pb.bytes, &cfg), 1.5, EXACT_TOL,
           "by hand: E[mRS] 3 - 1.5");
    cfg.endpoint = MSCSIM_ENDPOINT_RESPONDER;
    const double thresholds[] = {-1, 0, 2, 5.5, 6};
    const double want[] = {0, 0.25, 0.25, 0.25, 0};
    for (int j = 0; j < 5; j++) {
        cfg.threshold = thresholds[j];
        ABS_EQ(sim_model_ordinal.true_effect(pb.bytes, &cfg), want[j], EXACT_TOL,
               "by hand: responder mRS <= %g", thresholds[j]);
    }
    cfg.endpoint = MSCSIM_ENDPOINT_CHANGE;
    CHECK(isnan(sim_model_ordinal.true_effect(pb.bytes, &cfg)), "change: NaN");

    /* TREASURE, OR 1.67, against R and against simulation. */
    cfg = base_config(treasure, 1.67);
    if (prepare(&cfg, &pb) != MSCSIM_OK)
        return;
    double mean_diff = sim_model_ordinal.true_effect(pb.bytes, &cfg);
    REL_EQ(mean_diff, R_MEAN_DIFF_OR167, EXACT_TOL, "OR 1.67: mean mRS difference vs R");
    cfg.endpoint = MSCSIM_ENDPOINT_RESPONDER;
    cfg.threshold = 1;
    double resp1 = sim_model_ordinal.true_effect(pb.bytes, &cfg);
    REL_EQ(resp1, R_RESP1_OR167, EXACT_TOL, "OR 1.67: P(mRS <= 1) difference vs R");
    cfg.threshold = 2;
    REL_EQ(sim_model_ordinal.true_effect(pb.bytes, &cfg), R_RESP2_OR167, EXACT_TOL,
           "OR 1.67: P(mRS <= 2) difference vs R");

    simulate(&pb, MSCSIM_ARM_CONTROL, n, NULL, 700, y0, y0);
    simulate(&pb, MSCSIM_ARM_MSC, n, NULL, 701, y1, y1);
    double m[2] = {0, 0}, v[2] = {0, 0}, r[2] = {0, 0};
    double *ys[2] = {y0, y1};
    for (int a = 0; a < 2; a++) {
        for (size_t i = 0; i < n; i++) {
            m[a] += ys[a][i];
            r[a] += ys[a][i] <= 1;
        }
        m[a] /= (double)n;
        r[a] /= (double)n;
        for (size_t i = 0; i < n; i++)
            v[a] += (ys[a][i] - m[a]) * (ys[a][i] - m[a]);
        v[a] /= (double)(n - 1);
    }
    double se = sqrt((v[0] + v[1]) / (double)n);
    ABS_EQ(m[0] - m[1], mean_diff, z_alarm() * se, "OR 1.67: simulated mean difference");
    se = sqrt((r[0] * (1 - r[0]) + r[1] * (1 - r[1])) / (double)n);
    ABS_EQ(r[1] - r[0], resp1, z_alarm() * se, "OR 1.67: simulated P(mRS <= 1) difference");

    /* No closed form with heterogeneity; latent_corr leaves the marginals, and so the
     * effect, unchanged (test_latent_corr checks the msc marginal by simulation). */
    cfg.arm[MSCSIM_ARM_MSC].effect_slope = 0.05;
    prepare(&cfg, &pb);
    CHECK(isnan(sim_model_ordinal.true_effect(pb.bytes, &cfg)), "effect_slope: NaN");
    cfg.arm[MSCSIM_ARM_MSC].effect_slope = 0;
    set_nihss_starting2(&cfg);
    set_model_number(&cfg, "model", "latent_corr", 0.5);
    cfg.threshold = 1;
    prepare(&cfg, &pb);
    ABS_EQ(sim_model_ordinal.true_effect(pb.bytes, &cfg), resp1, 0,
           "latent_corr 0.5: same closed form as without it");
}

/* {==================================================================================
 * Non-proportional shifts: [msc] probs and [msc] odds_ratios
 * =================================================================================== */

/* TREASURE day-90 counts by arm (Houkin et al. 2024, Table 2; configs/EVIDENCE.md): placebo
 * 3, 8, 12, 17, 39, 20, 3 of 102 and MultiStem 5, 9, 20, 15, 31, 18, 6 of 104. */
static const double treasure_placebo_counts[LEVELS] = {3, 8, 12, 17, 39, 20, 3};
static const double treasure_multistem_counts[LEVELS] = {5, 9, 20, 15, 31, 18, 6};

static void set_msc_list(mscsim_config *cfg, const char *key, const double *v, int count)
{
    memcpy(model_value(cfg, "msc", key)->list.values, v, (size_t)count * sizeof *v);
    model_value(cfg, "msc", key)->list.count = count;
}

static void test_nonproportional(double *y0, double *y1, double *nihss, size_t n)
{
    double p0[LEVELS], p1[LEVELS], cum0[CUTS], cum1[CUTS], ors[CUTS], a0 = 0, a1 = 0;
    for (int k = 0; k < LEVELS; k++) {
        p0[k] = treasure_placebo_counts[k] / 102;
        p1[k] = treasure_multistem_counts[k] / 104;
    }
    for (int k = 0; k < CUTS; k++) {
        a0 += p0[k];
        a1 += p1[k];
        cum0[k] = a0;
        cum1[k] = a1;
        ors[k] = (a1 / (1 - a1)) / (a0 / (1 - a0));
    }
    /* The cumulative odds ratios the issue quotes: 1.67 down to 0.49, not proportional. */
    ABS_EQ(ors[0], 5.0 / 3.0, 1e-12, "TREASURE: OR at mRS <= 0 is 5/3");
    ABS_EQ(ors[5], (98.0 / 6) / (99.0 / 3), 1e-12, "TREASURE: OR at mRS <= 5 is 0.495");

    /* probs: the msc arm draws exactly the given distribution; true effects exact. */
    mscsim_config cfg = base_config(p0, 1);
    set_msc_list(&cfg, "probs", p1, LEVELS);
    params_block pb;
    if (prepare(&cfg, &pb) != MSCSIM_OK)
        return;
    long c0[LEVELS], c1[LEVELS];
    simulate(&pb, MSCSIM_ARM_MSC, n, NULL, 900, y1, y1);
    INT_EQ(tally(y1, n, c1), 0, "msc probs: values are mRS 0..6");
    CHECK_GOF(c1, p1, n, "msc probs (TREASURE MultiStem): alias draws");
    double want_mean = 0;
    for (int k = 0; k < LEVELS; k++)
        want_mean += k * (p0[k] - p1[k]);
    ABS_EQ(sim_model_ordinal.true_effect(pb.bytes, &cfg), want_mean, EXACT_TOL,
           "msc probs: E[mRS] difference exact (%.6f)", want_mean);
    cfg.endpoint = MSCSIM_ENDPOINT_RESPONDER;
    cfg.threshold = 2;
    ABS_EQ(sim_model_ordinal.true_effect(pb.bytes, &cfg), cum1[2] - cum0[2], EXACT_TOL,
           "msc probs: P(mRS <= 2) difference exact (34/104 - 23/102)");
    cfg.endpoint = MSCSIM_ENDPOINT_FINAL;

    /* msc probs equal to control's: the tables are identical, so a null truth is exactly 0. */
    mscsim_config same = base_config(p0, 1);
    set_msc_list(&same, "probs", p0, LEVELS);
    params_block pn;
    if (prepare(&same, &pn) == MSCSIM_OK)
        ABS_EQ(sim_model_ordinal.true_effect(pn.bytes, &same), 0.0, 0.0,
               "msc probs = control probs: true effect exactly 0");

    /* odds_ratios: the per-cut odds ratios of the counts give back the msc distribution. */
    mscsim_config cor = base_config(p0, 1);
    set_msc_list(&cor, "odds_ratios", ors, CUTS);
    params_block pc;
    if (prepare(&cor, &pc) != MSCSIM_OK)
        return;
    ABS_EQ(sim_model_ordinal.true_effect(pc.bytes, &cor), want_mean, 1e-12,
           "odds_ratios of the counts: the same E[mRS] difference as the msc probs");
    simulate(&pc, MSCSIM_ARM_CONTROL, n, NULL, 901, y0, y0);
    simulate(&pc, MSCSIM_ARM_MSC, n, NULL, 902, y1, y1);
    tally(y0, n, c0);
    tally(y1, n, c1);
    CHECK_GOF(c0, p0, n, "odds_ratios: control arm unchanged");
    CHECK_GOF(c1, p1, n, "odds_ratios: msc arm has the counts' distribution");
    long h0 = 0, h1 = 0;
    for (int k = 0; k < CUTS; k++) { /* each cut's log OR within Z_ALARM Woolf SEs */
        h0 += c0[k];
        h1 += c1[k];
        double q0 = (double)h0 / (double)n, q1 = (double)h1 / (double)n;
        double lor = log(q1 / (1 - q1)) - log(q0 / (1 - q0));
        double se = sqrt(1 / ((double)n * q1 * (1 - q1)) + 1 / ((double)n * q0 * (1 - q0)));
        ABS_EQ(lor, log(ors[k]), z_alarm() * se, "odds_ratios: simulated log OR at mRS <= %d",
               k);
    }

    /* latent_corr keeps the msc marginal exactly the given one, and ties it to NIHSS. */
    set_nihss_starting2(&cfg);
    set_model_number(&cfg, "model", "latent_corr", 0.5);
    if (prepare(&cfg, &pb) != MSCSIM_OK)
        return;
    draw_nihss(nihss, n, 903);
    simulate(&pb, MSCSIM_ARM_MSC, n, nihss, 904, y1, y1);
    tally(y1, n, c1);
    CHECK_GOF(c1, p1, n, "msc probs with latent_corr 0.5: msc marginal unchanged");
    double cov, se, r;
    sample_cov(nihss, y1, n, &cov, &se, &r);
    CHECK(cov > z_alarm() * se, "msc probs with latent_corr 0.5: cov(NIHSS, mRS) %.4f > 0", cov);
}

static void test_nonproportional_errors(void)
{
    double p1[LEVELS];
    for (int k = 0; k < LEVELS; k++)
        p1[k] = treasure_multistem_counts[k] / 104;
    mscsim_config cfg = base_config(treasure, 1);
    set_msc_list(&cfg, "probs", p1, 6);
    expect_error(&cfg, MSCSIM_ECONFIG, "msc", "probs", "msc probs: 6 values");
    double off[LEVELS] = {0.1, 0.1, 0.1, 0.2, 0.2, 0.2, 0.2};
    set_msc_list(&cfg, "probs", off, LEVELS);
    expect_error(&cfg, MSCSIM_ECONFIG, "msc", "probs", "msc probs summing to 1.1");
    /* Within SIM_SUM_TO_ONE_TOL (1e-9) passes, beyond fails. */
    double near[LEVELS];
    memcpy(near, treasure, sizeof near);
    near[0] += 5e-10;
    set_msc_list(&cfg, "probs", near, LEVELS);
    params_block pb;
    INT_EQ(prepare(&cfg, &pb), MSCSIM_OK, "msc probs 5e-10 from 1: accepted");
    near[0] += 1e-9;
    set_msc_list(&cfg, "probs", near, LEVELS);
    expect_error(&cfg, MSCSIM_ECONFIG, "msc", "probs", "msc probs 1.5e-9 from 1");
    double ors[CUTS] = {1.5, 1.4, 1.3, 1.2, 1.1, 1.0};
    set_msc_list(&cfg, "probs", p1, LEVELS);
    set_msc_list(&cfg, "odds_ratios", ors, CUTS);
    expect_error(&cfg, MSCSIM_ECONFIG, "msc", "odds_ratios", "probs and odds_ratios both");

    cfg = base_config(treasure, 1);
    set_msc_list(&cfg, "odds_ratios", ors, 5);
    expect_error(&cfg, MSCSIM_ECONFIG, "msc", "odds_ratios", "odds_ratios: 5 values");
    double zero[CUTS] = {1.5, 0, 1.3, 1.2, 1.1, 1.0};
    set_msc_list(&cfg, "odds_ratios", zero, CUTS);
    expect_error(&cfg, MSCSIM_ERANGE, "msc", "odds_ratios", "odds_ratios with a 0");
    /* P(mRS <= 4) of TREASURE placebo is 0.774, P(mRS <= 5) 0.970: OR 0.01 at the last cut
     * makes it 0.245, below the cut before. */
    double crossing[CUTS] = {1, 1, 1, 1, 1, 0.01};
    set_msc_list(&cfg, "odds_ratios", crossing, CUTS);
    expect_error(&cfg, MSCSIM_ECONFIG, "msc", "odds_ratios", "odds_ratios: decreasing cum");
    set_msc_list(&cfg, "odds_ratios", ors, CUTS);
    cfg.arm[MSCSIM_ARM_MSC].effect_slope = 0.05;
    expect_error(&cfg, MSCSIM_ECONFIG, "msc", "effect_slope", "odds_ratios with effect_slope");
    cfg.arm[MSCSIM_ARM_MSC].effect_slope = 0;
    INT_EQ(prepare(&cfg, &pb), MSCSIM_OK, "odds_ratios 1.5 to 1.0: accepted");
}

int main(void)
{
    if (sim_model_ordinal.params_size > PARAMS_BYTES) {
        printf("FAIL params_size %zu exceeds the test's block\n", sim_model_ordinal.params_size);
        return 1;
    }
    /* Samples of 2 x 10^6 per arm: enough to see a drift of 0.0026 in a cumulative
     * probability (test_latent_corr); the slowest path takes about 100 ns per patient. */
    const size_t n_fast = 2000000, n_corr = 2000000;
    double *y0 = malloc(n_fast * sizeof *y0), *y1 = malloc(n_fast * sizeof *y1);
    double *t = malloc(n_fast * sizeof *t), *nihss = malloc(n_fast * sizeof *nihss);
    if (!y0 || !y1 || !t || !nihss) {
        printf("FAIL out of memory\n");
        return 1;
    }
    test_table_and_needs();
    test_prepare_errors();
    test_exact_probs_vs_r();
    test_alias_path(y0, y1, t, n_fast);
    test_latent_path_and_heterogeneity(y0, y1, nihss, n_fast);
    test_latent_corr(y0, y1, nihss, n_corr);
    test_latent_corr_with_slope(y1, nihss, n_corr);
    test_correlated_edges(y0, nihss, n_corr);
    test_empty_categories(y0, nihss, n_corr);
    test_true_effect(y0, y1, n_fast);
    test_nonproportional(y0, y1, nihss, n_fast);
    test_nonproportional_errors();
    free(y0);
    free(y1);
    free(t);
    free(nihss);
    return TEST_DONE();
}
