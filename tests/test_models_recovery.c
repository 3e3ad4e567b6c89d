/*
 * Tests of the recovery models: proportional, random_recovery and trajectory
 * (sim/models/proportional.c, random_recovery.c, trajectory.c).
 *
 * Configs are built by hand (memset 0, then the fields each model reads), so the test does
 * not depend on the key table; covariates are hand-made arrays (baselines, NIHSS and onset
 * days cycling over a few fixed values), so every expectation is computed per cell.
 *
 * Kinds of check:
 * - Exact: deterministic settings (no between-patient spread, no noise) reproduce the
 *   closed forms written out independently here, to EXACT_TOL points.
 * - Statistical, fixed seeds, no retries: a mean is within K_MCSE Monte Carlo standard
 *   errors (sample sd / sqrt(n)) of its exact expectation; a variance within K_MCSE
 *   standard errors sqrt((m4 - s^4) / n) (or s^2 sqrt(2 / (n - 1)) for an exactly normal
 *   residual); a proportion within K_MCSE sqrt(p (1 - p) / n); frequencies by a chi-square
 *   test at level CHISQ_LEVEL. Expectations of the trajectory model over the subgroup
 *   mixture are deterministic quadratures (composite Simpson) over the courses conditional
 *   on the baseline, as the model's rejection sampling draws them (courses implying an
 *   onset deficit beyond the scale's range excluded, the rest renormalised), in cells where
 *   a drawn course is accepted with probability > MIN_ACCEPTANCE; their error, checked
 *   against grids twice as fine, is far below the MCSE (see expected_trajectory).
 * - Error paths of prepare: status and the [section] key in the formatted message.
 * - Every score written in every run is finite (counted over all runs).
 */
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mathlib.h"
#include "model_keys.h"
#include "mscsim/dist.h"
#include "mscsim/distspec.h"
#include "mscsim/model.h"
#include "mscsim/rng.h"

/* By their extern names rather than mscsim_model_find, so the test also links without the
 * registry. */
extern const mscsim_model_type sim_model_proportional;
extern const mscsim_model_type sim_model_random_recovery;
extern const mscsim_model_type sim_model_trajectory;

/* Statistical checks allow K_MCSE standard errors: a two-sided normal tail of 6.3e-5 per
 * check, so the ~85 such checks here (and the 3 chi-square tests at CHISQ_LEVEL) would all
 * pass a correct model with probability > 0.99 for any seed; the seeds are fixed anyway. */
#define K_MCSE 4.0
/* Chi-square tests reject at this level. */
#define CHISQ_LEVEL 0.001
/* Exact comparisons: scores up to 100 points, a few dozen roundings of 2^-52 each. */
#define EXACT_TOL 1e-12

#define N_BIG 200000
#define MAX_V 8

static double *g_base, *g_nihss, *g_onset, *g_true, *g_score, *g_true2, *g_score2;
static long g_values, g_nonfinite;

/* Room for a model's params_size bytes (checked in prepare; the trajectory model holds its
 * course table). */
#define PARAMS_BYTES (1 << 23)

typedef union {
    unsigned char bytes[PARAMS_BYTES];
    max_align_t align; /* prepared parameters hold doubles */
} params_buf;

/* {==================================================================================
 * Helpers
 * =================================================================================== */

static const double ue_bins[6] = {3, 14, 25, 36, 47, 58}; /* baseline FMA-UE cells */
static const double nihss_bins[5] = {4, 10, 16, 22, 30};  /* NIHSS cells */

static void base_config(mscsim_config *c, mscsim_scale_id scale)
{
    memset(c, 0, sizeof *c);
    c->scale = scale;
    c->visits[0] = 90;
    c->visit_count = 1;
    c->primary_visit = 90;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        set_arm_number(c, a, "r", 0.7);
        set_arm_number(c, a, "nonfitter_share", 0.3);
    }
    set_arm_number(c, MSCSIM_ARM_MSC, "tau_ratio", 1.0);
    set_model_number(c, "model", "nonfitter_slope", 4);
    set_model_number(c, "model", "nonfitter_r", 0.1);
    set_model_number(c, "model", "r_sd", 0.1);
    set_model_number(c, "model", "noise_sd", 4);
    /* van der Vliet 2020 subgroups (configs/EVIDENCE.md section 3); weights made up. */
    static const mscsim_subgroup vdv[5] = {{0.09, 5.3, 0.15}, {0.46, 10.1, 0.25},
                                           {0.86, 9.8, 0.20}, {0.89, 2.7, 0.25},
                                           {0.93, 1.2, 0.15}};
    memcpy(sg_items(c), vdv, sizeof vdv);
    *sg_count(c) = 5;
    set_model_number(c, "model", "tau_cv", 0.2);
    set_model_number(c, "model", "measurement_sd", 2);
    model_value(c, "model", "gain")->dist.kind = MSCSIM_DIST_UNIFORM;
    model_value(c, "model", "gain")->dist.a = 0;
    model_value(c, "model", "gain")->dist.b = 66;
}

static int prepare(const mscsim_model_type *m, const mscsim_config *c, params_buf *pb,
                   mscsim_error *err)
{
    memset(err, 0, sizeof *err);
    if (m->params_size > sizeof pb->bytes) {
        printf("FAIL %s: params_size %zu exceeds the test's block\n", m->name, m->params_size);
        exit(1);
    }
    return m->prepare(c, pb->bytes, err);
}

/* Runs one arm of n patients from a fresh generator (seed, stream 54); counts non-finite
 * scores. */
static void run(const mscsim_model_type *m, const params_buf *pb, int arm, uint64_t seed,
                size_t n, const mscsim_covariates *cov, int nv, const double *days,
                double *t, double *y)
{
    mscsim_rng rng;
    mscsim_rng_seed(&rng, seed, 54);
    mscsim_arm_sim a = {n, arm, cov, nv, days, t, y};
    m->simulate(pb->bytes, &rng, &a);
    for (size_t i = 0; i < n * (size_t)nv; i++) {
        g_values += 2;
        g_nonfinite += !isfinite(t[i]) + !isfinite(y[i]);
    }
}

/* Sample moments of a set of values. */
typedef struct {
    size_t n;
    double mean, var, m4; /* var with n - 1; m4 the central fourth moment (divisor n) */
} moments;

/* Moments of y[i * nv + v] - (sub ? sub[i] : 0) over patients i with cell(i) == c. */
typedef int (*cell_fn)(size_t i);

static moments cell_moments(const double *y, const double *sub, size_t n, int nv, int v,
                            cell_fn cell, int c)
{
    moments m = {0, 0, 0, 0};
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        if (!cell || cell(i) == c) {
            sum += y[i * (size_t)nv + (size_t)v] - (sub ? sub[i] : 0.0);
            m.n++;
        }
    m.mean = sum / (double)m.n;
    double s2 = 0, s4 = 0;
    for (size_t i = 0; i < n; i++)
        if (!cell || cell(i) == c) {
            double d = y[i * (size_t)nv + (size_t)v] - (sub ? sub[i] : 0.0) - m.mean;
            s2 += d * d;
            s4 += d * d * d * d;
        }
    m.var = s2 / (double)(m.n - 1);
    m.m4 = s4 / (double)m.n;
    return m;
}

static double mcse(const moments *m)
{
    return sqrt(m->var / (double)m->n);
}

static double var_se(const moments *m)
{
    return sqrt((m->m4 - m->var * m->var) / (double)m->n);
}

static int cell_ue(size_t i)
{
    return (int)(i % 6);
}

static int cell_nihss(size_t i)
{
    return (int)((i / 6) % 5);
}

/* Baseline cell i % 6, NIHSS cell (i / 6) % 5. */
static void fill_proportional_covariates(size_t n)
{
    for (size_t i = 0; i < n; i++) {
        g_base[i] = ue_bins[cell_ue(i)];
        g_nihss[i] = nihss_bins[cell_nihss(i)];
    }
}

static double clamp01(double x)
{
    return x < 0 ? 0 : (x > 1 ? 1 : x);
}

/* Mean and variance of N(mu, sd) truncated to [0, 1] (Johnson, Kotz and Balakrishnan). */
static double tn01_mean(double mu, double sd)
{
    if (sd == 0)
        return mu;
    double a = (0 - mu) / sd, b = (1 - mu) / sd;
    double z = pnorm(b, 0, 1, 1, 0) - pnorm(a, 0, 1, 1, 0);
    return mu + sd * (dnorm(a, 0, 1, 0) - dnorm(b, 0, 1, 0)) / z;
}

static double tn01_var(double mu, double sd)
{
    double a = (0 - mu) / sd, b = (1 - mu) / sd;
    double z = pnorm(b, 0, 1, 1, 0) - pnorm(a, 0, 1, 1, 0);
    double da = dnorm(a, 0, 1, 0), db = dnorm(b, 0, 1, 0);
    double q = (da - db) / z;
    return sd * sd * (1 + (a * da - b * db) / z - q * q);
}

static double nihss_multiplier(double slope, double center, double nihss)
{
    return 1 + slope * (nihss - center);
}

/* {==================================================================================
 * proportional
 * =================================================================================== */

/* Fitters only: mean and variance of the gain per baseline cell against
 * E[r] (66 - B) and Var(r) (66 - B)^2 + noise_sd^2, r ~ N(0.85, 0.15) truncated to [0, 1]
 * (its mean 0.8068 differs from 0.85 by 2.7 points at B = 3: the truncation matters). */
static void test_proportional_fitters(void)
{
    mscsim_config c;
    base_config(&c, MSCSIM_SCALE_FMA_UE);
    set_arm_number(&c, 0, "r", 0.85);
    set_arm_number(&c, 1, "r", 0.85);
    set_model_number(&c, "model", "r_sd", 0.15);
    set_model_number(&c, "model", "noise_sd", 4);
    set_arm_number(&c, 0, "nonfitter_share", 0);
    set_arm_number(&c, 1, "nonfitter_share", 0); /* logit -inf: no non-fitters */
    static params_buf pb; /* static: the trajectory model's table is large */
    mscsim_error err;
    INT_EQ(prepare(&sim_model_proportional, &c, &pb, &err), MSCSIM_OK, "prepare: %.200s", err.msg);
    size_t n = N_BIG;
    fill_proportional_covariates(n);
    mscsim_covariates cov = {NULL, NULL, NULL, g_base};
    double day = 90;
    run(&sim_model_proportional, &pb, MSCSIM_ARM_CONTROL, 101, n, &cov, 1, &day, g_true, g_score);
    double er = tn01_mean(0.85, 0.15), vr = tn01_var(0.85, 0.15);
    for (int j = 0; j < 6; j++) {
        double pot = 66 - ue_bins[j];
        moments m = cell_moments(g_score, g_base, n, 1, 0, cell_ue, j);
        ABS_EQ(m.mean, er * pot, K_MCSE * mcse(&m), "proportional fitters: mean gain at B=%g",
               ue_bins[j]);
        ABS_EQ(m.var, vr * pot * pot + 16, K_MCSE * var_se(&m),
               "proportional fitters: gain variance at B=%g", ue_bins[j]);
    }
    int same = 1;
    for (size_t i = 0; i < n; i++)
        same &= g_true[i] == g_score[i];
    CHECK(same, "proportional: true_score == score (no separate measurement error)");
}

/* Classifies patient i's gain as fitter (r_fit P) or non-fitter (nonfitter_r P) exactly
 * (r_sd = noise_sd = 0); returns 1 for a non-fitter, 0 for a fitter, -1 for neither. */
static int classify(double gain, double pot, double r_fit, double r_nonfit)
{
    if (fabs(gain - r_fit * pot) <= EXACT_TOL)
        return 0;
    if (fabs(gain - r_nonfit * pot) <= EXACT_TOL)
        return 1;
    return -1;
}

/* Non-fitter share per baseline cell against logistic(logit q + slope (s - 0.5)). */
static void test_proportional_nonfitters(void)
{
    mscsim_config c;
    base_config(&c, MSCSIM_SCALE_FMA_UE);
    set_model_number(&c, "model", "r_sd", 0);
    set_model_number(&c, "model", "noise_sd", 0);
    set_arm_number(&c, 0, "nonfitter_share", 0.3);
    set_arm_number(&c, 1, "nonfitter_share", 0.2);
    set_arm_number(&c, 1, "r", 0.75);
    static params_buf pb; /* static: the trajectory model's table is large */
    mscsim_error err;
    INT_EQ(prepare(&sim_model_proportional, &c, &pb, &err), MSCSIM_OK, "prepare: %.200s", err.msg);
    size_t n = N_BIG;
    fill_proportional_covariates(n);
    mscsim_covariates cov = {NULL, NULL, NULL, g_base};
    double day = 90;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        run(&sim_model_proportional, &pb, a, 202 + (uint64_t)a, n, &cov, 1, &day, g_true,
            g_score);
        long count[6] = {0}, nonfit[6] = {0}, unclassified = 0;
        for (size_t i = 0; i < n; i++) {
            int j = cell_ue(i);
            int k = classify(g_score[i] - g_base[i], 66 - g_base[i], arm_number(&c, a, "r"),
                             model_number(&c, "model", "nonfitter_r"));
            unclassified += k < 0;
            count[j]++;
            nonfit[j] += k == 1;
        }
        INT_EQ(unclassified, 0, "proportional arm %d: every gain is r P or nonfitter_r P", a);
        for (int j = 0; j < 6; j++) {
            double s = (66 - ue_bins[j]) / 66;
            double q = plogis(qlogis(arm_number(&c, a, "nonfitter_share"), 0, 1, 1, 0) +
                                  4 * (s - 0.5),
                              0, 1, 1, 0);
            double se = sqrt(q * (1 - q) / (double)count[j]);
            ABS_EQ((double)nonfit[j] / (double)count[j], q, K_MCSE * se,
                   "proportional arm %d: non-fitter share at B=%g", a, ue_bins[j]);
        }
    }
}

/* Effect heterogeneity: an msc patient's mean r is r_c + m (r_m - r_c), clamped to [0, 1],
 * and its non-fitter log-odds logit q_c + m (logit q_m - logit q_c), m = 1 + 0.1 (NIHSS -
 * 10) = 0.4, 1, 1.6, 2.2, 3 (the last clamps r to 1). */
static void test_proportional_heterogeneity(void)
{
    mscsim_config c;
    base_config(&c, MSCSIM_SCALE_FMA_UE);
    set_arm_number(&c, 0, "r", 0.6);
    set_arm_number(&c, 1, "r", 0.75);
    set_arm_number(&c, 0, "nonfitter_share", 0.3);
    set_arm_number(&c, 1, "nonfitter_share", 0.2);
    c.arm[1].effect_slope = 0.1;
    c.arm[1].effect_center = 10;
    set_model_number(&c, "model", "r_sd", 0);
    set_model_number(&c, "model", "noise_sd", 0);
    CHECK((sim_model_proportional.needs(&c) & MSCSIM_NEED_NIHSS) != 0,
          "proportional needs NIHSS when effect_slope != 0");
    static params_buf pb; /* static: the trajectory model's table is large */
    mscsim_error err;
    INT_EQ(prepare(&sim_model_proportional, &c, &pb, &err), MSCSIM_OK, "prepare: %.200s", err.msg);
    size_t n = N_BIG;
    fill_proportional_covariates(n);
    mscsim_covariates cov = {g_nihss, NULL, NULL, g_base};
    double day = 90;
    run(&sim_model_proportional, &pb, MSCSIM_ARM_MSC, 303, n, &cov, 1, &day, g_true, g_score);
    double lc = qlogis(0.3, 0, 1, 1, 0), lm = qlogis(0.2, 0, 1, 1, 0);
    long unclassified = 0, nonfit[5] = {0};
    double expect[5] = {0}, var[5] = {0};
    for (size_t i = 0; i < n; i++) {
        double m = nihss_multiplier(0.1, 10, g_nihss[i]);
        double pot = 66 - g_base[i];
        int k = classify(g_score[i] - g_base[i], pot, clamp01(0.6 + m * 0.15), 0.1);
        unclassified += k < 0;
        double q = plogis(lc + m * (lm - lc) + 4 * (pot / 66 - 0.5), 0, 1, 1, 0);
        int j = cell_nihss(i);
        nonfit[j] += k == 1;
        expect[j] += q;
        var[j] += q * (1 - q);
    }
    INT_EQ(unclassified, 0, "proportional heterogeneity: every fitter gain is "
                            "clamp(r_c + m (r_m - r_c)) P exactly");
    for (int j = 0; j < 5; j++)
        ABS_EQ((double)nonfit[j], expect[j], K_MCSE * sqrt(var[j]),
               "proportional heterogeneity: non-fitters at NIHSS %g (sum of p_i, sd from "
               "sum p(1-p))", nihss_bins[j]);

    /* With spread and noise (no non-fitters): mean gain per NIHSS cell against the mean of
     * E[trunc N(clamp(r_c + m dr), r_sd)] (66 - B) over the cell's patients; and the
     * msc-minus-control difference of implied r scales with m. */
    set_arm_number(&c, 0, "nonfitter_share", 0);
    set_arm_number(&c, 1, "nonfitter_share", 0);
    set_model_number(&c, "model", "r_sd", 0.05);
    set_model_number(&c, "model", "noise_sd", 4);
    INT_EQ(prepare(&sim_model_proportional, &c, &pb, &err), MSCSIM_OK, "prepare: %.200s", err.msg);
    run(&sim_model_proportional, &pb, MSCSIM_ARM_MSC, 304, n, &cov, 1, &day, g_true, g_score);
    run(&sim_model_proportional, &pb, MSCSIM_ARM_CONTROL, 305, n, &cov, 1, &day, g_true2,
        g_score2);
    for (int j = 0; j < 5; j++) {
        double m = nihss_multiplier(0.1, 10, nihss_bins[j]);
        double rm = tn01_mean(clamp01(0.6 + m * 0.15), 0.05), rc = tn01_mean(0.6, 0.05);
        double pot_sum = 0;
        size_t cnt = 0;
        for (size_t i = 0; i < n; i++)
            if (cell_nihss(i) == j) {
                pot_sum += 66 - g_base[i];
                cnt++;
            }
        double pot = pot_sum / (double)cnt; /* the same patients in both arms */
        moments mm = cell_moments(g_score, g_base, n, 1, 0, cell_nihss, j);
        moments mc = cell_moments(g_score2, g_base, n, 1, 0, cell_nihss, j);
        ABS_EQ(mm.mean, rm * pot, K_MCSE * mcse(&mm),
               "proportional heterogeneity: msc mean gain at NIHSS %g (m = %g)", nihss_bins[j], m);
        /* (mean_m - mean_c) / (mean P (r_m - r_c)) estimates the realised multiplier. */
        double ratio = (mm.mean - mc.mean) / (pot * 0.15);
        double se = sqrt(mm.var / (double)mm.n + mc.var / (double)mc.n) / (pot * 0.15);
        ABS_EQ(ratio, (rm - rc) / 0.15, K_MCSE * se,
               "proportional heterogeneity: effect ratio at NIHSS %g (untruncated m = %g)",
               nihss_bins[j], m);
    }
}

/* Lower-is-better scales recover toward min; baselines outside the range are clamped. */
static void test_proportional_direction(void)
{
    mscsim_config c;
    base_config(&c, MSCSIM_SCALE_NIHSS);
    set_model_number(&c, "model", "r_sd", 0);
    set_model_number(&c, "model", "noise_sd", 0);
    set_arm_number(&c, 0, "nonfitter_share", 0);
    set_arm_number(&c, 1, "nonfitter_share", 0);
    static params_buf pb; /* static: the trajectory model's table is large */
    mscsim_error err;
    INT_EQ(prepare(&sim_model_proportional, &c, &pb, &err), MSCSIM_OK, "prepare: %.200s", err.msg);
    double base[3] = {20, 42, 0}, t[3], y[3], day = 90;
    mscsim_covariates cov = {NULL, NULL, NULL, base};
    run(&sim_model_proportional, &pb, MSCSIM_ARM_CONTROL, 1, 3, &cov, 1, &day, t, y);
    ABS_EQ(y[0], 20 - 0.7 * 20, EXACT_TOL, "proportional NIHSS outcome: 20 -> 6 (toward 0)");
    ABS_EQ(y[1], 42 - 0.7 * 42, EXACT_TOL, "proportional NIHSS outcome: 42 -> 12.6");
    ABS_EQ(y[2], 0, EXACT_TOL, "proportional NIHSS outcome: 0 stays 0");

    base_config(&c, MSCSIM_SCALE_CUSTOM);
    c.scale_min = 10;
    c.scale_max = 50;
    c.scale_step = 1;
    c.higher_is_better = 0;
    set_model_number(&c, "model", "r_sd", 0);
    set_model_number(&c, "model", "noise_sd", 0);
    set_arm_number(&c, 0, "nonfitter_share", 0);
    set_arm_number(&c, 1, "nonfitter_share", 0);
    INT_EQ(prepare(&sim_model_proportional, &c, &pb, &err), MSCSIM_OK, "prepare: %.200s", err.msg);
    double base2[3] = {30, 5, 60};
    cov.baseline = base2;
    run(&sim_model_proportional, &pb, MSCSIM_ARM_CONTROL, 1, 3, &cov, 1, &day, t, y);
    ABS_EQ(y[0], 30 - 0.7 * 20, EXACT_TOL, "proportional custom 10-50 lower-better: 30 -> 16");
    ABS_EQ(y[1], 10, EXACT_TOL, "proportional: baseline below min clamped to min (the best)");
    ABS_EQ(y[2], 50 - 0.7 * 40, EXACT_TOL, "proportional: baseline above max clamped to max");

    base_config(&c, MSCSIM_SCALE_FMA_UE);
    set_model_number(&c, "model", "r_sd", 0);
    set_model_number(&c, "model", "noise_sd", 0);
    set_arm_number(&c, 0, "nonfitter_share", 0);
    set_arm_number(&c, 1, "nonfitter_share", 0);
    INT_EQ(prepare(&sim_model_proportional, &c, &pb, &err), MSCSIM_OK, "prepare: %.200s", err.msg);
    double base3[2] = {70, -5};
    cov.baseline = base3;
    run(&sim_model_proportional, &pb, MSCSIM_ARM_CONTROL, 1, 2, &cov, 1, &day, t, y);
    ABS_EQ(y[0], 66, EXACT_TOL, "proportional FMA-UE: baseline 70 clamped to 66, no gain");
    ABS_EQ(y[1], 0.7 * 66, EXACT_TOL, "proportional FMA-UE: baseline -5 clamped to 0");
}

/* {==================================================================================
 * random_recovery
 * =================================================================================== */

static void test_random_recovery(void)
{
    mscsim_config c;
    base_config(&c, MSCSIM_SCALE_FMA_UE);
    set_arm_number(&c, 1, "gain_shift", 5);
    static params_buf pb; /* static: the trajectory model's table is large */
    mscsim_error err;
    INT_EQ(prepare(&sim_model_random_recovery, &c, &pb, &err), MSCSIM_OK, "prepare: %.200s",
           err.msg);
    CHECK(isnan(sim_model_random_recovery.true_effect(pb.bytes, &c)),
          "random_recovery: true_effect is NaN");
    size_t n = N_BIG;
    fill_proportional_covariates(n);
    mscsim_covariates cov = {g_nihss, NULL, NULL, g_base};
    double day = 90;
    /* Gain ~ uniform(0, 66): mean 33, variance 66^2 / 12, whatever the baseline. */
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        run(&sim_model_random_recovery, &pb, a, 404 + (uint64_t)a, n, &cov, 1, &day, g_true,
            g_score);
        double shift = a == MSCSIM_ARM_MSC ? 5 : 0;
        moments m = cell_moments(g_score, g_base, n, 1, 0, NULL, 0);
        ABS_EQ(m.mean, 33 + shift, K_MCSE * mcse(&m), "random_recovery arm %d: mean gain", a);
        ABS_EQ(m.var, 66.0 * 66.0 / 12, K_MCSE * var_se(&m),
               "random_recovery arm %d: gain variance", a);
        double lo = HUGE_VAL, hi = -HUGE_VAL;
        for (size_t i = 0; i < n; i++) {
            lo = fmin(lo, g_score[i] - g_base[i]);
            hi = fmax(hi, g_score[i] - g_base[i]);
        }
        CHECK(lo >= shift - EXACT_TOL && hi <= 66 + shift + EXACT_TOL,
              "random_recovery arm %d: gains in [%g, %g] (got [%g, %g]); unclipped", a, shift,
              66 + shift, lo, hi);
    }
    /* Heterogeneity: the shift is scaled by m = 1 + 0.1 (NIHSS - 10). */
    c.arm[1].effect_slope = 0.1;
    c.arm[1].effect_center = 10;
    INT_EQ(prepare(&sim_model_random_recovery, &c, &pb, &err), MSCSIM_OK, "prepare: %.200s",
           err.msg);
    run(&sim_model_random_recovery, &pb, MSCSIM_ARM_MSC, 406, n, &cov, 1, &day, g_true,
        g_score);
    for (int j = 0; j < 5; j++) {
        double m = nihss_multiplier(0.1, 10, nihss_bins[j]);
        moments mm = cell_moments(g_score, g_base, n, 1, 0, cell_nihss, j);
        ABS_EQ(mm.mean, 33 + 5 * m, K_MCSE * mcse(&mm),
               "random_recovery heterogeneity: mean gain at NIHSS %g", nihss_bins[j]);
    }
    /* Lower-is-better outcome, normal(10, 3) gain: the score moves down by the gain. */
    base_config(&c, MSCSIM_SCALE_NIHSS);
    model_value(&c, "model", "gain")->dist.kind = MSCSIM_DIST_NORMAL;
    model_value(&c, "model", "gain")->dist.a = 10;
    model_value(&c, "model", "gain")->dist.b = 3;
    INT_EQ(prepare(&sim_model_random_recovery, &c, &pb, &err), MSCSIM_OK, "prepare: %.200s",
           err.msg);
    for (size_t i = 0; i < n; i++)
        g_base[i] = 20;
    run(&sim_model_random_recovery, &pb, MSCSIM_ARM_CONTROL, 407, n, &cov, 1, &day, g_true,
        g_score);
    moments m = cell_moments(g_base, NULL, n, 1, 0, NULL, 0);
    moments gm = cell_moments(g_score, NULL, n, 1, 0, NULL, 0);
    ABS_EQ(m.mean - gm.mean, 10, K_MCSE * mcse(&gm),
           "random_recovery NIHSS outcome: mean (baseline - score) = 10");
}

/* {==================================================================================
 * trajectory
 * =================================================================================== */

/* g(s) = 1 - r + r exp(-s / tau), written plainly (no guards) as the reference. */
static double g_curve(double r, double tau, double s)
{
    return 1 - r + r * exp(-s / tau);
}

/* The exponentials of one course at visit day v (e_d and e_x only when treated, v >= d). */
typedef struct {
    double e0, ev; /* e^{-s0/tau}, e^{-(s0 + v)/tau} */
    double ed, ex; /* e^{-(s0 + d)/tau}, e^{-(v - d)/tau1} */
} curve_exps;

static curve_exps curve_exps_make(double tau, double s0, double v, int treated, double tau1,
                                  double d)
{
    curve_exps e = {exp(-s0 / tau), exp(-(s0 + v) / tau), 0, 0};
    if (treated && v >= d) {
        e.ed = exp(-(s0 + d) / tau);
        e.ex = exp(-(v - d) / tau1);
    }
    return e;
}

/*
 * Reference deficit share D(s) / D_B at visit day v for r and the exponentials e, after the
 * delay (treated, v >= d) with r1: the formulas of the model's header in their direct form,
 * g(s) = 1 - r + r e^{-s/tau}.
 */
static double share_exps(double r, const curve_exps *e, int treated_after, double r1)
{
    double g0 = 1 - r + r * e->e0;
    if (!treated_after)
        return (1 - r + r * e->ev) / g0;
    double d0 = 1 / g0;                  /* onset deficit / D_B */
    double d1 = (1 - r + r * e->ed) / g0; /* at s1 */
    double plateau = d0 * (1 - r1);
    return plateau + (d1 - plateau) * e->ex;
}

/* The same for (r, tau), onset s0 and, when treated, (r1, tau1) from day d. */
static double ref_share(double r, double tau, double s0, double v, int treated, double r1,
                        double tau1, double d)
{
    curve_exps e = curve_exps_make(tau, s0, v, treated, tau1, d);
    return share_exps(r, &e, treated && v >= d, r1);
}

static const double traj_days[4] = {7, 30, 90, 180};
static const double onset_bins[4] = {0, 5, 20.2, 60};

/*
 * Exact: fixed r and tau (one subgroup, no spread, no measurement error). Every draw is
 * the same course, so conditioning on the baseline cannot change it: where that course is
 * infeasible (implied onset deficit D_B / g(s0) > 66, e.g. B = 3 at s0 = 5 or B <= 25 at
 * s0 = 60), the model exhausts its draws and keeps the first (no later draw implies a
 * smaller onset deficit), which is the same course. The closed form therefore holds in
 * every cell, feasible or not; the count of infeasible cells is checked to be > 0 so that
 * path is exercised.
 */
static void test_trajectory_exact(void)
{
    mscsim_config c;
    base_config(&c, MSCSIM_SCALE_FMA_UE);
    mscsim_subgroup one = {0.86, 9.8, 1.0};
    sg_items(&c)[0] = one;
    *sg_count(&c) = 1;
    set_model_number(&c, "model", "r_sd", 0);
    set_model_number(&c, "model", "tau_cv", 0);
    set_model_number(&c, "model", "measurement_sd", 0);
    c.visit_count = 4;
    memcpy(c.visits, traj_days, sizeof traj_days);
    set_arm_number(&c, 1, "r_gain", 0.1);
    set_arm_number(&c, 1, "tau_ratio", 0.6);
    set_arm_number(&c, 1, "delay_days", 14);
    c.arm[1].effect_slope = 0.05;
    c.arm[1].effect_center = 10;
    /* Without [baseline] onset_days patients are randomized at onset (s0 = 0): no onset
     * wanted. With a spec the onset is wanted. */
    unsigned needs = sim_model_trajectory.needs(&c);
    CHECK(c.onset_days.kind == MSCSIM_DIST_NONE &&
              needs == (MSCSIM_NEED_BASELINE | MSCSIM_NEED_NIHSS),
          "trajectory without onset_days needs baseline and (with a slope) NIHSS: got %u",
          needs);
    char why[256] = "";
    INT_EQ(mscsim_distspec_parse("fixed(10)", &c.onset_days, why, sizeof why), MSCSIM_OK,
           "onset_days = fixed(10) parses (%.200s)", why);
    needs = sim_model_trajectory.needs(&c);
    CHECK(needs == (MSCSIM_NEED_BASELINE | MSCSIM_NEED_ONSET | MSCSIM_NEED_NIHSS),
          "trajectory with onset_days = fixed(10) needs baseline, onset and NIHSS: got %u",
          needs);
    c.arm[1].effect_slope = 0;
    needs = sim_model_trajectory.needs(&c);
    CHECK(needs == (MSCSIM_NEED_BASELINE | MSCSIM_NEED_ONSET),
          "trajectory with onset_days, no slope: baseline and onset: got %u", needs);
    c.arm[1].effect_slope = 0.05;
    CHECK(sim_model_trajectory.multi_visit == 1, "trajectory is multi-visit");
    static params_buf pb; /* static: the trajectory model's table is large */
    mscsim_error err;
    INT_EQ(prepare(&sim_model_trajectory, &c, &pb, &err), MSCSIM_OK, "prepare: %.200s", err.msg);
    size_t n = 6 * 4 * 5 * 10;
    for (size_t i = 0; i < n; i++) {
        g_base[i] = ue_bins[i % 6];
        g_onset[i] = onset_bins[(i / 6) % 4];
        g_nihss[i] = nihss_bins[(i / 24) % 5]; /* m = 0.7 ... 2 (r' = 1.06 clamps to 1) */
    }
    mscsim_covariates cov = {g_nihss, NULL, g_onset, g_base};
    const double tau = 9.8 * 7;
    long infeasible = 0;
    for (size_t i = 0; i < n; i++)
        infeasible += (66 - g_base[i]) / g_curve(0.86, tau, g_onset[i]) > 66;
    CHECK(infeasible > 0 && infeasible < (long)n,
          "trajectory exact: %ld of %zu patients have no feasible course (fallback exercised)",
          infeasible, n);
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        run(&sim_model_trajectory, &pb, a, 505, n, &cov, 4, traj_days, g_true, g_score);
        double worst = 0;
        int same = 1;
        for (size_t i = 0; i < n; i++) {
            double m = nihss_multiplier(0.05, 10, g_nihss[i]);
            double r1 = clamp01(0.86 + m * 0.1), tau1 = tau * pow(0.6, m);
            for (int v = 0; v < 4; v++) {
                double want = 66 - (66 - g_base[i]) * ref_share(0.86, tau, g_onset[i],
                                                                 traj_days[v], a, r1, tau1, 14);
                worst = fmax(worst, fabs(g_score[i * 4 + (size_t)v] - want));
                same &= g_score[i * 4 + (size_t)v] == g_true[i * 4 + (size_t)v];
            }
        }
        ABS_EQ(worst, 0, EXACT_TOL, "trajectory arm %d: every score equals the closed form", a);
        CHECK(same, "trajectory arm %d: measurement_sd 0 gives score == true_score", a);
    }

    /* NULL onset array: randomized at onset (s0 = 0). */
    mscsim_covariates no_onset = {g_nihss, NULL, NULL, g_base};
    run(&sim_model_trajectory, &pb, MSCSIM_ARM_CONTROL, 506, 6, &no_onset, 4, traj_days,
        g_true, g_score);
    double worst = 0;
    for (size_t i = 0; i < 6; i++)
        for (int v = 0; v < 4; v++)
            worst = fmax(worst, fabs(g_score[i * 4 + (size_t)v] -
                                     (66 - (66 - g_base[i]) * g_curve(0.86, tau, traj_days[v]))));
    ABS_EQ(worst, 0, EXACT_TOL, "trajectory: NULL onset means s0 = 0");

    /* r = 1 long after onset: e^{-s0/tau} underflows; the ratio is e^{-v/tau}. r just
     * below 1: the deficit stays (1 - r dominates the vanished exponentials). With r = 1
     * and B = 20 the implied onset deficit 46 e^{s0/tau} is infinite: no course fits, and
     * with one subgroup and no spread the kept (first) draw is the only course, so the
     * closed form still applies. B = 66 has no deficit: onset deficit 0, accepted at once. */
    sg_items(&c)[0].r = 1.0;
    sg_items(&c)[0].tau_weeks = 1.2;
    set_arm_number(&c, 1, "r_gain", 0);
    INT_EQ(prepare(&sim_model_trajectory, &c, &pb, &err), MSCSIM_OK, "prepare: %.200s", err.msg);
    double base[2] = {20, 66}, onset[2] = {1e5, 1e5}, nih[2] = {10, 10}, t[8], y[8];
    mscsim_covariates late = {nih, NULL, onset, base};
    run(&sim_model_trajectory, &pb, MSCSIM_ARM_CONTROL, 507, 2, &late, 4, traj_days, t, y);
    for (int v = 0; v < 4; v++)
        ABS_EQ(y[v], 66 - 46 * exp(-traj_days[v] / 8.4), EXACT_TOL,
               "trajectory r = 1, s0 = 1e5 days: day %g", traj_days[v]);
    ABS_EQ(y[7], 66, 0, "trajectory: baseline at the ceiling stays there");
    /* Harm on an r = 1 patient long after onset: the implied onset deficit overflows (the
     * kept course is infeasible, as above); the treated score stops at the worst end (0)
     * after the delay. */
    set_arm_number(&c, 1, "r_gain", -0.5);
    c.arm[1].effect_slope = 0;
    INT_EQ(prepare(&sim_model_trajectory, &c, &pb, &err), MSCSIM_OK, "prepare: %.200s", err.msg);
    run(&sim_model_trajectory, &pb, MSCSIM_ARM_MSC, 508, 2, &late, 4, traj_days, t, y);
    ABS_EQ(y[0], 66 - 46 * exp(-7 / 8.4), EXACT_TOL, "trajectory harm: before the delay, control");
    ABS_EQ(y[1], 0, 0, "trajectory harm with overflowing onset deficit: capped at the worst end");
    ABS_EQ(y[5], 66, 0, "trajectory harm: no deficit at baseline, none later (0 * inf guarded)");

    sg_items(&c)[0].r = 0.999999;
    set_arm_number(&c, 1, "r_gain", 0);
    INT_EQ(prepare(&sim_model_trajectory, &c, &pb, &err), MSCSIM_OK, "prepare: %.200s", err.msg);
    run(&sim_model_trajectory, &pb, MSCSIM_ARM_CONTROL, 509, 2, &late, 4, traj_days, t, y);
    ABS_EQ(y[3], 20, EXACT_TOL, "trajectory r < 1, s0 = 1e5 days: plateau reached, score stays");

    /* Lower-is-better outcome (NIHSS): recovery toward 0. */
    base_config(&c, MSCSIM_SCALE_NIHSS);
    sg_items(&c)[0] = one;
    *sg_count(&c) = 1;
    set_model_number(&c, "model", "r_sd", 0);
    set_model_number(&c, "model", "tau_cv", 0);
    set_model_number(&c, "model", "measurement_sd", 0);
    c.visit_count = 4;
    memcpy(c.visits, traj_days, sizeof traj_days);
    INT_EQ(prepare(&sim_model_trajectory, &c, &pb, &err), MSCSIM_OK, "prepare: %.200s", err.msg);
    double nb[1] = {20}, no[1] = {20.2};
    mscsim_covariates nc = {NULL, NULL, no, nb};
    run(&sim_model_trajectory, &pb, MSCSIM_ARM_CONTROL, 510, 1, &nc, 4, traj_days, t, y);
    for (int v = 0; v < 4; v++)
        ABS_EQ(y[v], 20 * g_curve(0.86, tau, 20.2 + traj_days[v]) / g_curve(0.86, tau, 20.2),
               EXACT_TOL, "trajectory NIHSS outcome: day %g", traj_days[v]);
}

/*
 * No feasible course: a baseline at the floor (B = 0, D_B = 66) 30 days after onset implies
 * an onset deficit 66 / g_k(30) > 66 for every subgroup (all r_k > 0), so every one of the
 * model's 1000 draws is rejected and it keeps the most plausible draw, the one with the
 * smallest implied onset deficit, i.e. the largest g_k(30). Without spread that is subgroup 1
 * (r 0.09, tau 5.3 weeks: g = 0.950; next subgroup 2, 0.841), which 1000 draws miss with
 * probability 0.85^1000 = 6e-71. So every patient follows subgroup 1's curve exactly.
 */
static void test_trajectory_fallback(void)
{
    mscsim_config c;
    base_config(&c, MSCSIM_SCALE_FMA_UE);
    set_model_number(&c, "model", "r_sd", 0);
    set_model_number(&c, "model", "tau_cv", 0);
    set_model_number(&c, "model", "measurement_sd", 0);
    c.visit_count = 4;
    memcpy(c.visits, traj_days, sizeof traj_days);
    static params_buf pb; /* static: the trajectory model's table is large */
    mscsim_error err;
    INT_EQ(prepare(&sim_model_trajectory, &c, &pb, &err), MSCSIM_OK, "prepare: %.200s", err.msg);
    const double s0 = 30;
    int kbest = 0;
    double gbest = -1;
    for (int k = 0; k < *sg_count(&c); k++) {
        double gk = g_curve(sg_items(&c)[k].r, 7 * sg_items(&c)[k].tau_weeks, s0);
        if (gk > gbest) {
            gbest = gk;
            kbest = k;
        }
    }
    CHECK(kbest == 0 && gbest < 1, "fallback cell: no subgroup feasible at B = 0, s0 = 30 (largest "
          "g %.4f, subgroup %d)", gbest, kbest + 1);
    size_t n = 2000;
    for (size_t i = 0; i < n; i++) {
        g_base[i] = 0;
        g_onset[i] = s0;
    }
    mscsim_covariates cov = {NULL, NULL, g_onset, g_base};
    run(&sim_model_trajectory, &pb, MSCSIM_ARM_CONTROL, 511, n, &cov, 4, traj_days, g_true,
        g_score);
    /* At the floor after onset only r = 0 fits: no recovery, the score stays at 0. */
    double worst = 0;
    for (size_t i = 0; i < n; i++)
        for (int v = 0; v < 4; v++)
            worst = fmax(worst, fabs(g_score[i * 4 + (size_t)v]));
    ABS_EQ(worst, 0, EXACT_TOL, "trajectory, no feasible course (B = 0, s0 = 30): every patient "
           "takes r = 0, the only course that fits, and stays at the floor");
}

/* Composite Simpson rule: Q_R intervals per piece in r; Q_Z intervals over [-Z_MAX, Z_MAX]
 * in z, shared among its pieces by length. */
#define Q_R 40
#define Q_Z 96
#define Z_MAX 8.0      /* the normal mass beyond +-8 is 1.2e-15 */
#define R_LAYERS 12    /* r pieces end at 1 - 10^-j, j = 1..R_LAYERS, then at 1 */
/* Every quadrature reference is computed again on grids twice as fine in r and in z; the
 * change must stay below this share of the check's tolerance (checked at the end). */
#define QUAD_SHARE 0.01
/* Checks against a conditional reference need the model's rejection sampling to reach the
 * conditional distribution: at acceptance p the 1000-draw cap binds with probability
 * (1 - p)^1000, 4e-5 at p = 0.01. */
#define MIN_ACCEPTANCE 0.01

static double g_quad_worst; /* largest |fine - coarse| / tolerance over the references */
static double g_quad_worst_abs;
static double g_accept_min = HUGE_VAL; /* smallest acceptance of a conditional reference */

static double simpson_w(int j, int intervals)
{
    return (j == 0 || j == intervals) ? 1.0 : (j % 2 ? 4.0 : 2.0);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The largest r whose course is feasible at baseline deficit share q = D_B / 66 and onset
 * s0: D_B / g(s0) <= 66 <=> g(s0) = 1 - r (1 - e^{-s0/tau}) >= q <=> r <= (1 - q) / (1 -
 * e^{-s0/tau}); +inf at s0 = 0 (g = 1: every course feasible). */
static double r_star(double q, double tau, double s0)
{
    double u = -expm1(-s0 / tau);
    return u > 0 ? (1 - q) / u : HUGE_VAL;
}

/* Simpson nodes on [lo, hi] with an even number of intervals near want * (hi - lo) / span. */
static int z_intervals(double lo, double hi, int want, double span)
{
    int m = (int)ceil(want * (hi - lo) / span);
    return m < 2 ? 2 : m + (m % 2);
}

typedef struct {
    double mean;       /* expected score */
    double acceptance; /* probability that one drawn course is feasible */
} traj_ref;

/*
 * Expected score at visit day v for baseline B (FMA-UE, 0-66) and onset s0 > = 0 over the
 * courses: subgroup k with its weight, r ~ N(r_k, r_sd) truncated to [0, 1],
 * tau = tau_k exp(cv z - cv^2/2), z ~ N(0, 1); measurement error has mean 0. Needs
 * r_sd > 0 and tau_cv > 0.
 *
 * conditional = 1 gives the model's distribution: the courses restricted to the feasible
 * ones, 1{D_B / g(s0) <= 66} = 1{r <= r*(tau)}, renormalised by the feasible mass
 *     E = sum_k w_k E_k[share 1{r <= r*}] / sum_k w_k P_k(r <= r*),
 * which is what the model's rejection sampling draws from (the denominator is the
 * acceptance of one draw). conditional = 0 gives the unconditional mixture (the old model).
 *
 * Composite Simpson with z outside and r inside, up to rmax(tau) = min(1, r*(tau)), so the
 * indicator's boundary is a piece end rather than a jump inside a piece. r pieces: near r = 1
 * the share (1 - r + r e^{-s/tau}) / (1 - r + r e^{-s0/tau}) changes within a layer of width
 * about e^{-s0/tau}, so pieces end at 1 - 10^-j (j = 1..R_LAYERS) where below rmax; a cut sits
 * where r + r_gain reaches 1 (the treated integrand's kink). z pieces end where rmax(tau(z))
 * crosses 1 or 1 - r_gain (kinks of the inner integral as a function of z). refine
 * multiplies both grids (1 for the reference, 2 for its check).
 */
static traj_ref trajectory_quadrature(const mscsim_config *c, double B, double s0, double v,
                                      int treated, int conditional, int refine)
{
    const double rsd = model_number(c, "model", "r_sd"), cv = model_number(c, "model", "tau_cv");
    const double rg = arm_number(c, 1, "r_gain");
    const double ratio = arm_number(c, 1, "tau_ratio"), d = arm_number(c, 1, "delay_days");
    const double q = (66 - B) / 66;
    const int after = treated && v >= d, qr = Q_R * refine;
    double kinks[2];
    int nk = 0;
    kinks[nk++] = 1;
    if (treated && rg > 0 && rg < 1)
        kinks[nk++] = 1 - rg;
    double num = 0, den = 0;
    for (int k = 0; k < *sg_count(c); k++) {
        double rk = sg_items(c)[k].r, tk = 7 * sg_items(c)[k].tau_weeks;
        double znorm = pnorm((1 - rk) / rsd, 0, 1, 1, 0) - pnorm(-rk / rsd, 0, 1, 1, 0);
        double zc[4];
        int nz = 0;
        zc[nz++] = -Z_MAX;
        zc[nz++] = Z_MAX;
        /* r* grows with tau: it equals kink x at 1 - e^{-s0/tau} = (1 - q) / x. */
        for (int j = 0; conditional && s0 > 0 && j < nk; j++) {
            double u = (1 - q) / kinks[j];
            if (u > 0 && u < 1) {
                double z = (log(-s0 / log1p(-u) / tk) + cv * cv / 2) / cv;
                if (z > -Z_MAX && z < Z_MAX)
                    zc[nz++] = z;
            }
        }
        qsort(zc, (size_t)nz, sizeof zc[0], cmp_double);
        double sum_share = 0, sum_mass = 0;
        for (int pz = 0; pz + 1 < nz; pz++) {
            int iz = z_intervals(zc[pz], zc[pz + 1], Q_Z * refine, 2 * Z_MAX);
            double hz = (zc[pz + 1] - zc[pz]) / iz;
            for (int jz = 0; jz <= iz; jz++) {
                double z = zc[pz] + jz * hz;
                double tau = tk * exp(cv * z - cv * cv / 2);
                double wz = simpson_w(jz, iz) * hz / 3 * dnorm(z, 0, 1, 0);
                double rmax = conditional ? fmin(1, r_star(q, tau, s0)) : 1;
                double cuts[R_LAYERS + 3];
                int nc = 0;
                cuts[nc++] = 0;
                for (int j = 1; j <= R_LAYERS; j++)
                    if (1 - pow(10, -j) < rmax)
                        cuts[nc++] = 1 - pow(10, -j);
                if (treated && rg > 0 && rg < 1 && 1 - rg < rmax)
                    cuts[nc++] = 1 - rg;
                cuts[nc++] = rmax;
                qsort(cuts, (size_t)nc, sizeof cuts[0], cmp_double);
                curve_exps e = curve_exps_make(tau, s0, v, treated, tau * ratio, d);
                double in_share = 0, in_mass = 0;
                for (int piece = 0; piece + 1 < nc; piece++) {
                    double lo = cuts[piece], hr = (cuts[piece + 1] - lo) / qr;
                    if (!(hr > 0))
                        continue;
                    for (int jr = 0; jr <= qr; jr++) {
                        double r = lo + jr * hr;
                        double f = simpson_w(jr, qr) * hr / 3 *
                                   dnorm((r - rk) / rsd, 0, 1, 0) / rsd / znorm;
                        in_share += f * share_exps(r, &e, after, clamp01(r + rg));
                        in_mass += f;
                    }
                }
                sum_share += wz * in_share;
                sum_mass += wz * in_mass;
            }
        }
        num += sg_items(c)[k].weight * sum_share;
        den += sg_items(c)[k].weight * sum_mass;
    }
    traj_ref out = {66 - (66 - B) * num / den, den};
    return out;
}

/*
 * The reference for a check with tolerance tol: the conditional quadrature, recomputed on
 * grids twice as fine; records the change relative to tol and the acceptance (both checked in
 * test_trajectory_quadrature). When the test was written, grids 2, 4 and 8 times as fine
 * showed Simpson's h^4 convergence (each doubling cut the change ~16-fold): the grids used
 * here were within 4.7e-5 points of the 8-fold grids for every reference (the largest at
 * B = 20, s0 = 20, day 3650), at most 4e-4 of the smallest tolerance (0.019 points), and the
 * acceptance within 4e-6.
 */
static double expected_trajectory(const mscsim_config *c, double B, double s0, double v,
                                  int treated, double tol)
{
    traj_ref coarse = trajectory_quadrature(c, B, s0, v, treated, 1, 1);
    traj_ref fine = trajectory_quadrature(c, B, s0, v, treated, 1, 2);
    double change = fabs(fine.mean - coarse.mean);
    g_quad_worst = fmax(g_quad_worst, change / tol);
    g_quad_worst_abs = fmax(g_quad_worst_abs, change);
    g_accept_min = fmin(g_accept_min, coarse.acceptance);
    return coarse.mean;
}

static const double pat_base[4] = {10, 25, 40, 55};
static const double pat_onset[4] = {5, 20, 45, 90};

static int cell_pattern(size_t i)
{
    return (int)(i % 4);
}

static int cell_six(size_t i)
{
    return (int)(i % 6);
}

/* Mixture with spread and measurement error: per (pattern, visit, arm) mean against the
 * conditional quadrature (acceptance 0.60 to 0.72 in these cells; without conditioning the
 * B = 10, s0 = 5 means would be 6 to 12 points higher); measurement residuals
 * ~ N(0, measurement_sd^2). */
static const double mix_days[3] = {7, 30, 90};

/* The mixture design of the two tests below: spread, noise, an MSC effect with a delay. */
static void mixture_config(mscsim_config *c)
{
    base_config(c, MSCSIM_SCALE_FMA_UE);
    set_model_number(c, "model", "r_sd", 0.1);
    set_model_number(c, "model", "tau_cv", 0.3);
    set_model_number(c, "model", "measurement_sd", 2);
    c->visit_count = 3;
    memcpy(c->visits, mix_days, sizeof mix_days);
    set_arm_number(c, 1, "r_gain", 0.08);
    set_arm_number(c, 1, "tau_ratio", 0.7);
    set_arm_number(c, 1, "delay_days", 10);
}

static void test_trajectory_mixture(void)
{
    mscsim_config c;
    mixture_config(&c);
    const double *days = mix_days;
    static params_buf pb; /* static: the trajectory model's table is large */
    mscsim_error err;
    INT_EQ(prepare(&sim_model_trajectory, &c, &pb, &err), MSCSIM_OK, "prepare: %.200s", err.msg);
    size_t n = N_BIG;
    for (size_t i = 0; i < n; i++) {
        g_base[i] = pat_base[cell_pattern(i)];
        g_onset[i] = pat_onset[cell_pattern(i)];
    }
    mscsim_covariates cov = {NULL, NULL, g_onset, g_base};
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        run(&sim_model_trajectory, &pb, a, 606 + (uint64_t)a, n, &cov, 3, days, g_true, g_score);
        for (int p = 0; p < 4; p++)
            for (int v = 0; v < 3; v++) {
                moments m = cell_moments(g_score, NULL, n, 3, v, cell_pattern, p);
                double tol = K_MCSE * mcse(&m);
                double want = expected_trajectory(&c, pat_base[p], pat_onset[p], days[v], a, tol);
                ABS_EQ(m.mean, want, tol,
                       "trajectory mixture arm %d: mean score, B=%g s0=%g day %g", a,
                       pat_base[p], pat_onset[p], days[v]);
            }
        /* Residuals score - true_score over all visits: mean 0, variance 4. */
        size_t nr = n * 3;
        double s1 = 0, s2 = 0;
        for (size_t i = 0; i < nr; i++)
            s1 += g_score[i] - g_true[i];
        double mean = s1 / (double)nr;
        for (size_t i = 0; i < nr; i++)
            s2 += (g_score[i] - g_true[i] - mean) * (g_score[i] - g_true[i] - mean);
        ABS_EQ(mean, 0, K_MCSE * 2 / sqrt((double)nr),
               "trajectory arm %d: measurement error mean 0", a);
        ABS_EQ(s2 / (double)(nr - 1), 4, K_MCSE * 4 * sqrt(2.0 / (double)(nr - 1)),
               "trajectory arm %d: measurement error variance 4 (normal: se s^2 sqrt(2/(n-1)))", a);
    }
}

/* The same mixture randomized a fixed 20 days after onset ([baseline] onset_days =
 * fixed(20)): the model then draws the courses from its per-baseline table
 * (sim/models/trajectory_course.c) instead of by rejection, and must match the same
 * conditional quadrature. Baselines 1 and 4 of 66 add cells where a course drawn by
 * rejection fits with probability 0.02 to 0.07. */
static void test_trajectory_table(void)
{
    static const double base[6] = {1, 4, 10, 25, 40, 55};
    mscsim_config c;
    mixture_config(&c);
    const double *days = mix_days;
    char why[256];
    INT_EQ(mscsim_distspec_parse("fixed(20)", &c.onset_days, why, sizeof why), MSCSIM_OK,
           "onset_days = fixed(20) parses (%.200s)", why);
    static params_buf pb; /* static: the trajectory model's table is large */
    mscsim_error err;
    INT_EQ(prepare(&sim_model_trajectory, &c, &pb, &err), MSCSIM_OK, "prepare: %.200s", err.msg);
    size_t n = N_BIG;
    for (size_t i = 0; i < n; i++) {
        g_base[i] = base[i % 6];
        g_onset[i] = 20;
    }
    mscsim_covariates cov = {NULL, NULL, g_onset, g_base};
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        run(&sim_model_trajectory, &pb, a, 616 + (uint64_t)a, n, &cov, 3, days, g_true, g_score);
        for (int p = 0; p < 6; p++)
            for (int v = 0; v < 3; v++) {
                moments m = cell_moments(g_score, NULL, n, 3, v, cell_six, p);
                double tol = K_MCSE * mcse(&m);
                double want = expected_trajectory(&c, base[p], 20, days[v], a, tol);
                ABS_EQ(m.mean, want, tol,
                       "trajectory table arm %d: mean score, B=%g s0=20 day %g", a, base[p],
                       days[v]);
            }
    }
}

/* P(r <= x) for r ~ N(mu, sd) truncated to [0, 1]. */
static double tn01_cdf(double x, double mu, double sd)
{
    double z = pnorm((1 - mu) / sd, 0, 1, 1, 0) - pnorm(-mu / sd, 0, 1, 1, 0);
    x = x < 0 ? 0 : (x > 1 ? 1 : x);
    return (pnorm((x - mu) / sd, 0, 1, 1, 0) - pnorm(-mu / sd, 0, 1, 1, 0)) / z;
}

/* Subgroup identification tolerance on |log(tau_est / tau_k)|: under half the closest pair's
 * log(10.1 / 9.8) = 0.030; rounding makes the estimate good to ~1e-8 for r > 1e-6. */
#define TAU_ID_TOL 0.01
/* The onset deficit rebuilt from scores amplifies their rounding (~1e-13) by at most
 * e^{(s0 + 7)/tau} / (1 - e^{-7/tau}) = 5.2e3 (tau = 8.4 days, s0 = 60): 5e-10 points. */
#define RECON_TOL 1e-7
/* The subgroup frequencies' late cell: a baseline 10 of 66, 60 days after onset. */
#define LATE_B 10.0
#define LATE_S0 60.0

/* Cells of test_trajectory_subgroups: 0 and 1 randomized at onset, 2 and 3 late. */
static const double sub_base[4] = {0, 10, LATE_B, LATE_B};
static const double sub_onset[4] = {0, -5, LATE_S0, LATE_S0}; /* -5 is read as 0 */

static int cell_sub(size_t i)
{
    int j = (int)(i % 4);
    return j < 2 ? j : 2;
}

/* Chi-square statistic of count[] against probabilities p[] summing to 1 (n in all). */
static double chisq_stat(const long *count, const double *p, int cells, long n)
{
    double x = 0;
    for (int k = 0; k < cells; k++) {
        double e = p[k] * (double)n;
        x += ((double)count[k] - e) * ((double)count[k] - e) / e;
    }
    return x;
}

/*
 * Subgroup frequencies, read off the curves. With tau_cv = 0 and measurement_sd = 0, three
 * visits h = 7 days apart give tau exactly whatever r: D(s) = D(0)(1 - r) + D(0) r e^{-s/tau},
 * so (D(7) - D(14)) / (D(14) - D(21)) = e^{h/tau}. tau identifies the subgroup while
 * r_i ~ N(r_k, 0.25) truncated to [0, 1] varies, so each subgroup's acceptance is a fraction
 * with a closed form:
 *     a_k = P_k(r <= r*_k),   r*_k = (1 - D_B / 66) / (1 - e^{-s0 / tau_k}).
 * Randomized at onset (B = 0 at s0 = 0; B = 10 with onset -5, read as 0) every course is
 * feasible (D_B <= 66; at B = 0 exactly 66, up to rounding in g(0)), so the frequencies are the
 * weights. At B = 10, s0 = 60 they are w_k a_k / sum_j w_j a_j = (0.573, 0.403, 0.018,
 * 0.005, 0.002), overall acceptance 0.12: far from the weights (0.15, 0.25, 0.2, 0.25, 0.15).
 * Then the onset deficit rebuilt from the scores alone,
 *     D(0) = D(7) + A (1 - e^{-(s0 + 7)/tau}),  A = D(0) r = (D(7) - D(14)) e^{(s0 + 7)/tau}
 *                                                            / (1 - e^{-h/tau}),
 * equals D_B at s0 = 0, never exceeds 66 late (no kept course implies an onset score below the
 * floor), and the share of late patients within one point of it, D(0) > 65, matches
 * sum_k w_k P_k(r*_k(65) < r <= r*_k) / sum_k w_k a_k (the feasible courses are not cut
 * short of the floor either).
 */
static void test_trajectory_subgroups(void)
{
    mscsim_config c;
    base_config(&c, MSCSIM_SCALE_FMA_UE);
    const double sd = 0.25, h = 7;
    set_model_number(&c, "model", "r_sd", sd);
    set_model_number(&c, "model", "tau_cv", 0);
    set_model_number(&c, "model", "measurement_sd", 0);
    static const double days[3] = {7, 14, 21};
    c.visit_count = 3;
    memcpy(c.visits, days, sizeof days);
    static params_buf pb; /* static: the trajectory model's table is large */
    mscsim_error err;
    INT_EQ(prepare(&sim_model_trajectory, &c, &pb, &err), MSCSIM_OK, "prepare: %.200s", err.msg);
    size_t n = N_BIG;
    for (size_t i = 0; i < n; i++) {
        g_base[i] = sub_base[i % 4];
        g_onset[i] = sub_onset[i % 4];
    }
    mscsim_covariates cov = {NULL, NULL, g_onset, g_base};
    run(&sim_model_trajectory, &pb, MSCSIM_ARM_CONTROL, 707, n, &cov, 3, days, g_true, g_score);

    double tau[5], w[5], late[5], near[5], acc_late = 0, near_late = 0;
    for (int k = 0; k < 5; k++) {
        double rk = sg_items(&c)[k].r;
        tau[k] = 7 * sg_items(&c)[k].tau_weeks;
        w[k] = sg_items(&c)[k].weight;
        double u = -expm1(-LATE_S0 / tau[k]);
        double a = tn01_cdf((1 - (66 - LATE_B) / 66) / u, rk, sd);
        double a65 = tn01_cdf((1 - (66 - LATE_B) / 65) / u, rk, sd); /* D(0) <= 65 */
        late[k] = w[k] * a;
        near[k] = w[k] * (a - a65);
        acc_late += late[k];
        near_late += near[k];
    }
    for (int k = 0; k < 5; k++)
        late[k] /= acc_late;
    near_late /= acc_late;
    CHECK(acc_late > MIN_ACCEPTANCE, "trajectory B=%g s0=%g: acceptance %.4f of one drawn "
          "course > %g", LATE_B, LATE_S0, acc_late, MIN_ACCEPTANCE);

    long count[3][5] = {{0}}, cells[3] = {0}, unknown = 0, near_count = 0;
    double recon_err0 = 0, d0_max = 0;
    for (size_t i = 0; i < n; i++) {
        const double *t = g_true + i * 3;
        double d1 = 66 - t[0], d2 = 66 - t[1], d3 = 66 - t[2];
        double tau_est = h / log((d1 - d2) / (d2 - d3));
        int found = -1;
        for (int k = 0; k < 5; k++)
            if (fabs(log(tau_est / tau[k])) <= TAU_ID_TOL)
                found = k;
        int j = cell_sub(i);
        cells[j]++;
        if (found < 0) {
            unknown++;
            continue;
        }
        count[j][found]++;
        double s0 = g_onset[i] > 0 ? g_onset[i] : 0, tk = tau[found];
        double amp = (d1 - d2) * exp((s0 + days[0]) / tk) / -expm1(-h / tk);
        double d0 = d1 + amp * -expm1(-(s0 + days[0]) / tk);
        if (j < 2)
            recon_err0 = fmax(recon_err0, fabs(d0 - (66 - g_base[i])));
        else {
            d0_max = fmax(d0_max, d0);
            near_count += d0 > 65 && d0 <= 66 + RECON_TOL;
        }
    }
    INT_EQ(unknown, 0, "trajectory: every patient's tau (from three visits) is a subgroup's");
    double crit = qchisq(CHISQ_LEVEL, 4, 0, 0);
    for (int j = 0; j < 2; j++) {
        double x = chisq_stat(count[j], w, 5, cells[j]);
        CHECK(x < crit, "trajectory subgroup frequencies randomized at onset (B = %g, onset %g): "
              "the weights, chi-square %.3f < %.3f (4 df, level %g)", sub_base[j], sub_onset[j],
              x, crit, CHISQ_LEVEL);
    }
    double x = chisq_stat(count[2], late, 5, cells[2]);
    CHECK(x < crit, "trajectory subgroup frequencies at B = %g, s0 = %g: conditional "
          "w_k a_k / sum, chi-square %.3f < %.3f", LATE_B, LATE_S0, x, crit);
    x = chisq_stat(count[2], w, 5, cells[2]);
    CHECK(x > crit, "trajectory subgroup frequencies at B = %g, s0 = %g differ from the weights: "
          "chi-square %.0f > %.3f", LATE_B, LATE_S0, x, crit);
    ABS_EQ(recon_err0, 0, RECON_TOL, "trajectory at s0 = 0: the onset deficit rebuilt from the "
           "scores is D_B");
    CHECK(d0_max <= 66 + RECON_TOL, "trajectory at B = %g, s0 = %g: no kept course implies an "
          "onset score below 0 (largest onset deficit %.12g)", LATE_B, LATE_S0, d0_max);
    double se = sqrt(near_late * (1 - near_late) / (double)cells[2]);
    ABS_EQ((double)near_count / (double)cells[2], near_late, K_MCSE * se,
           "trajectory at B = %g, s0 = %g: share of kept courses with onset score in [0, 1)",
           LATE_B, LATE_S0);
}

/*
 * The conditioning matters: patients still severe (B = 5) 60 days after onset. 94 % of the
 * courses drawn imply an onset score below 0 (acceptance 0.062), and those kept recover little,
 * so the mean score at a late visit (day 180) is far below the unconditional mixture's (5.7 vs
 * 21.0 in control). It must match the conditional quadrature within K_MCSE standard errors
 * and differ from the unconditional quadrature by more than 10 (so a model without the
 * rejection step fails here).
 */
static void test_trajectory_conditioning(void)
{
    mscsim_config c;
    base_config(&c, MSCSIM_SCALE_FMA_UE);
    set_model_number(&c, "model", "r_sd", 0.1);
    set_model_number(&c, "model", "tau_cv", 0.3);
    set_model_number(&c, "model", "measurement_sd", 2);
    static const double days[2] = {30, 180};
    c.visit_count = 2;
    memcpy(c.visits, days, sizeof days);
    set_arm_number(&c, 1, "r_gain", 0.08);
    set_arm_number(&c, 1, "tau_ratio", 0.7);
    set_arm_number(&c, 1, "delay_days", 10);
    static params_buf pb; /* static: the trajectory model's table is large */
    mscsim_error err;
    INT_EQ(prepare(&sim_model_trajectory, &c, &pb, &err), MSCSIM_OK, "prepare: %.200s", err.msg);
    const double B = 5, s0 = 60;
    size_t n = N_BIG;
    for (size_t i = 0; i < n; i++) {
        g_base[i] = B;
        g_onset[i] = s0;
    }
    mscsim_covariates cov = {NULL, NULL, g_onset, g_base};
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        run(&sim_model_trajectory, &pb, a, 1111 + (uint64_t)a, n, &cov, 2, days, g_true,
            g_score);
        moments m = cell_moments(g_score, NULL, n, 2, 1, NULL, 0);
        double tol = K_MCSE * mcse(&m);
        double want = expected_trajectory(&c, B, s0, days[1], a, tol);
        double uncond = trajectory_quadrature(&c, B, s0, days[1], a, 0, 1).mean;
        ABS_EQ(m.mean, want, tol, "trajectory conditioning arm %d: B=%g s0=%g day %g mean vs "
               "conditional quadrature", a, B, s0, days[1]);
        CHECK(fabs(want - uncond) > 10 * mcse(&m), "trajectory conditioning arm %d: conditional "
              "%.3f vs unconditional %.3f, %.0f MCSE apart (> 10)", a, want, uncond,
              fabs(want - uncond) / mcse(&m));
    }
}

/* Every conditional quadrature reference above is stable under refinement, and its cell's
 * acceptance is high enough for the model's draw cap not to matter. */
static void test_trajectory_quadrature(void)
{
    CHECK(g_quad_worst > 0 && g_quad_worst < QUAD_SHARE, "trajectory quadrature: grids twice as "
          "fine change every reference by < %g of its tolerance (worst %.2e of it, %.2e points)",
          QUAD_SHARE, g_quad_worst, g_quad_worst_abs);
    CHECK(g_accept_min > MIN_ACCEPTANCE, "trajectory quadrature cells: acceptance of one drawn "
          "course > %g in every cell (smallest %.4f)", MIN_ACCEPTANCE, g_accept_min);
}

/* The delay: with one seed and the same covariates, an msc patient has the control
 * patient's draws; scores before and at the delay are identical, after it never worse. */
static void test_trajectory_delay(void)
{
    mscsim_config c;
    base_config(&c, MSCSIM_SCALE_FMA_UE);
    set_model_number(&c, "model", "r_sd", 0.1);
    set_model_number(&c, "model", "tau_cv", 0.3);
    set_model_number(&c, "model", "measurement_sd", 2);
    static const double days[5] = {7, 14, 21, 60, 90};
    c.visit_count = 5;
    memcpy(c.visits, days, sizeof days);
    set_arm_number(&c, 1, "r_gain", 0.1);
    set_arm_number(&c, 1, "tau_ratio", 0.7);
    set_arm_number(&c, 1, "delay_days", 21);
    c.arm[1].effect_slope = 0.05;
    c.arm[1].effect_center = 10; /* NIHSS 4..30: m = 0.7..2, all > 0 */
    static params_buf pb; /* static: the trajectory model's table is large */
    mscsim_error err;
    INT_EQ(prepare(&sim_model_trajectory, &c, &pb, &err), MSCSIM_OK, "prepare: %.200s", err.msg);
    size_t n = N_BIG / 4;
    for (size_t i = 0; i < n; i++) {
        g_base[i] = pat_base[cell_pattern(i)];
        g_onset[i] = pat_onset[cell_pattern(i)];
        g_nihss[i] = nihss_bins[(i / 4) % 5];
    }
    mscsim_covariates cov = {g_nihss, NULL, g_onset, g_base};
    run(&sim_model_trajectory, &pb, MSCSIM_ARM_CONTROL, 808, n, &cov, 5, days, g_true, g_score);
    run(&sim_model_trajectory, &pb, MSCSIM_ARM_MSC, 808, n, &cov, 5, days, g_true2, g_score2);
    long differ_before = 0, worse_after = 0, better_after = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t v = 0; v < 5; v++) {
            size_t at = i * 5 + v;
            if (days[v] <= 21)
                differ_before += g_score[at] != g_score2[at] || g_true[at] != g_true2[at];
            else {
                worse_after += g_true2[at] < g_true[at] - EXACT_TOL;
                better_after += g_true2[at] > g_true[at];
            }
        }
    INT_EQ(differ_before, 0, "trajectory delay: msc scores on days 7, 14 and 21 (= delay) are "
                             "the control's, bit for bit (same draws, continuity at the delay)");
    INT_EQ(worse_after, 0, "trajectory delay: r' >= r and tau' <= tau never leave a larger "
                           "deficit after the delay");
    CHECK(better_after > (long)n, "trajectory delay: msc better after the delay (%ld of %ld)",
          better_after, (long)n * 2);

    /* Continuity: a visit just after the delay is within the curve's slope of the delay
     * visit (|dD/ds| <= 66 / min tau' per day; here 1e-6 day). */
    set_model_number(&c, "model", "measurement_sd", 0);
    static const double near[2] = {21, 21 + 1e-6};
    c.visit_count = 2;
    memcpy(c.visits, near, sizeof near);
    INT_EQ(prepare(&sim_model_trajectory, &c, &pb, &err), MSCSIM_OK, "prepare: %.200s", err.msg);
    run(&sim_model_trajectory, &pb, MSCSIM_ARM_MSC, 809, n, &cov, 2, near, g_true, g_score);
    double jump = 0;
    for (size_t i = 0; i < n; i++)
        jump = fmax(jump, fabs(g_true[i * 2 + 1] - g_true[i * 2]));
    CHECK(jump < 1e-4, "trajectory: continuous at the delay (largest jump over 1e-6 day: %g)",
          jump);
}

/* tau_ratio < 1 with r_gain = 0 speeds recovery but leaves the plateau: both arms draw their
 * courses from the same conditional distribution (acceptance 0.58 at B = 20, s0 = 20), and
 * the treatment does not change which courses are feasible. */
static void test_trajectory_speed(void)
{
    mscsim_config c;
    base_config(&c, MSCSIM_SCALE_FMA_UE);
    set_model_number(&c, "model", "r_sd", 0.1);
    set_model_number(&c, "model", "tau_cv", 0.3);
    set_model_number(&c, "model", "measurement_sd", 2);
    static const double days[2] = {14, 3650};
    c.visit_count = 2;
    memcpy(c.visits, days, sizeof days);
    set_arm_number(&c, 1, "r_gain", 0);
    set_arm_number(&c, 1, "tau_ratio", 0.5);
    set_arm_number(&c, 1, "delay_days", 0);
    static params_buf pb; /* static: the trajectory model's table is large */
    mscsim_error err;
    INT_EQ(prepare(&sim_model_trajectory, &c, &pb, &err), MSCSIM_OK, "prepare: %.200s", err.msg);
    size_t n = N_BIG;
    for (size_t i = 0; i < n; i++) {
        g_base[i] = 20;
        g_onset[i] = 20;
    }
    mscsim_covariates cov = {NULL, NULL, g_onset, g_base};
    run(&sim_model_trajectory, &pb, MSCSIM_ARM_CONTROL, 909, n, &cov, 2, days, g_true, g_score);
    run(&sim_model_trajectory, &pb, MSCSIM_ARM_MSC, 910, n, &cov, 2, days, g_true2, g_score2);
    moments c14 = cell_moments(g_score, NULL, n, 2, 0, NULL, 0);
    moments m14 = cell_moments(g_score2, NULL, n, 2, 0, NULL, 0);
    moments cl = cell_moments(g_score, NULL, n, 2, 1, NULL, 0);
    moments ml = cell_moments(g_score2, NULL, n, 2, 1, NULL, 0);
    double se14 = sqrt(c14.var / (double)c14.n + m14.var / (double)m14.n);
    double sel = sqrt(cl.var / (double)cl.n + ml.var / (double)ml.n);
    CHECK(m14.mean - c14.mean > K_MCSE * se14,
          "trajectory tau_ratio 0.5: day 14 mean higher (msc %.3f, control %.3f, se %.3f)",
          m14.mean, c14.mean, se14);
    double tol = K_MCSE * mcse(&m14);
    ABS_EQ(m14.mean, expected_trajectory(&c, 20, 20, 14, 1, tol), tol,
           "trajectory tau_ratio 0.5: msc day-14 mean vs conditional quadrature");
    ABS_EQ(ml.mean - cl.mean, 0, K_MCSE * sel,
           "trajectory tau_ratio 0.5, r_gain 0: plateau (day 3650) unchanged");
    tol = K_MCSE * mcse(&cl);
    ABS_EQ(cl.mean, expected_trajectory(&c, 20, 20, 3650, 0, tol), tol,
           "trajectory: control plateau vs conditional quadrature");
}

/* {==================================================================================
 * prepare errors
 * =================================================================================== */

/* prepare must fail, naming [section] key in the formatted message. */
static void expect_error(const mscsim_model_type *m, const mscsim_config *c, const char *section,
                         const char *key, const char *what)
{
    static params_buf pb; /* static: the trajectory model's table is large */
    mscsim_error err;
    int status = prepare(m, c, &pb, &err);
    char buf[1024], want[160];
    mscsim_error_format(&err, buf, sizeof buf);
    snprintf(want, sizeof want, "[%s] %s", section, key);
    CHECK(status != MSCSIM_OK && status == err.code && strstr(buf, want) != NULL &&
              strlen(err.msg) > 0,
          "%s %s: error at %s (status %d, got \"%.300s\")", m->name, what, want, status, buf);
}

static void trajectory_ok_config(mscsim_config *c)
{
    base_config(c, MSCSIM_SCALE_FMA_UE);
    static const double days[3] = {7, 30, 90};
    c->visit_count = 3;
    memcpy(c->visits, days, sizeof days);
}

static void test_errors(void)
{
    mscsim_config c;
    const mscsim_model_type *all[3] = {&sim_model_proportional, &sim_model_random_recovery,
                                       &sim_model_trajectory};
    for (int k = 0; k < 3; k++) {
        trajectory_ok_config(&c);
        static params_buf pb; /* static: the trajectory model's table is large */
        mscsim_error err;
        INT_EQ(prepare(all[k], &c, &pb, &err), MSCSIM_OK, "%s: the base config prepares (%.200s)",
               all[k]->name, err.msg);
        CHECK(isnan(all[k]->true_effect(pb.bytes, &c)), "%s: true_effect is NaN", all[k]->name);
        CHECK(all[k]->needs(&c) & MSCSIM_NEED_BASELINE, "%s needs the baseline", all[k]->name);
        CHECK(!(all[k]->needs(&c) & MSCSIM_NEED_NIHSS), "%s: no NIHSS without a slope",
              all[k]->name);
        c.scale = MSCSIM_SCALE_NONE;
        expect_error(all[k], &c, "outcome", "scale", "unbounded scale");
    }
    /* [arm] r is the proportional model's key (the trajectory model's r is per subgroup). */
    for (int k = 0; k < 1; k++) {
        trajectory_ok_config(&c);
        set_arm_number(&c, 0, "r", 1.5);
        expect_error(all[k], &c, "control", "r", "control r = 1.5");
        trajectory_ok_config(&c);
        set_arm_number(&c, 1, "r", -0.1);
        expect_error(all[k], &c, "msc", "r", "msc r = -0.1");
    }
    trajectory_ok_config(&c);
    set_arm_number(&c, 1, "nonfitter_share", 0);
    c.arm[1].effect_slope = 0.05;
    expect_error(&sim_model_proportional, &c, "msc", "nonfitter_share",
                 "share 0 in one arm with a slope");
    c.arm[1].effect_slope = 0;
    static params_buf pb; /* static: the trajectory model's table is large */
    mscsim_error err;
    INT_EQ(prepare(&sim_model_proportional, &c, &pb, &err), MSCSIM_OK,
           "proportional: share 0 in one arm without a slope is fine (%.200s)", err.msg);

    trajectory_ok_config(&c);
    model_value(&c, "model", "gain")->dist.kind = MSCSIM_DIST_NONE;
    expect_error(&sim_model_random_recovery, &c, "model", "gain", "gain none");

    const mscsim_model_type *tr = &sim_model_trajectory;
    trajectory_ok_config(&c);
    *sg_count(&c) = 0;
    expect_error(tr, &c, "model", "subgroups", "no subgroups");
    trajectory_ok_config(&c);
    sg_items(&c)[2].r = 1.2;
    expect_error(tr, &c, "model", "subgroups", "subgroup r = 1.2");
    trajectory_ok_config(&c);
    sg_items(&c)[1].tau_weeks = 0;
    expect_error(tr, &c, "model", "subgroups", "subgroup tau = 0");
    trajectory_ok_config(&c);
    sg_items(&c)[4].weight = 0.05; /* sum 0.9 */
    expect_error(tr, &c, "model", "subgroups", "weights summing to 0.9");
    trajectory_ok_config(&c);
    sg_items(&c)[4].weight = 0.15 + 5e-10; /* within 1e-9: accepted */
    INT_EQ(prepare(tr, &c, &pb, &err), MSCSIM_OK, "trajectory: weights 5e-10 off 1 accepted (%.200s)",
           err.msg);
    trajectory_ok_config(&c);
    set_arm_number(&c, 1, "tau_ratio", 0);
    expect_error(tr, &c, "msc", "tau_ratio", "tau_ratio 0");
    trajectory_ok_config(&c);
    set_arm_number(&c, 1, "delay_days", -1);
    expect_error(tr, &c, "msc", "delay_days", "delay -1");
    trajectory_ok_config(&c);
    c.visits[1] = 5; /* 7, 5, 90 */
    expect_error(tr, &c, "trial", "visits", "unsorted visits");
    trajectory_ok_config(&c);
    c.visits[1] = 7; /* 7, 7, 90 */
    expect_error(tr, &c, "trial", "visits", "repeated visit");
    trajectory_ok_config(&c);
    c.visits[0] = 0;
    expect_error(tr, &c, "trial", "visits", "visit on day 0");
}

int main(void)
{
    size_t nv = (size_t)N_BIG * MAX_V;
    g_base = malloc(N_BIG * sizeof *g_base);
    g_nihss = malloc(N_BIG * sizeof *g_nihss);
    g_onset = malloc(N_BIG * sizeof *g_onset);
    g_true = malloc(nv * sizeof *g_true);
    g_score = malloc(nv * sizeof *g_score);
    g_true2 = malloc(nv * sizeof *g_true2);
    g_score2 = malloc(nv * sizeof *g_score2);
    if (!g_base || !g_nihss || !g_onset || !g_true || !g_score || !g_true2 || !g_score2) {
        printf("FAIL out of memory\n");
        return 1;
    }
    test_proportional_fitters();
    test_proportional_nonfitters();
    test_proportional_heterogeneity();
    test_proportional_direction();
    test_random_recovery();
    test_trajectory_exact();
    test_trajectory_fallback();
    test_trajectory_mixture();
    test_trajectory_table();
    test_trajectory_subgroups();
    test_trajectory_delay();
    test_trajectory_speed();
    test_trajectory_conditioning();
    test_trajectory_quadrature();
    test_errors();
    INT_EQ(g_nonfinite, 0, "no score or true_score is NaN or infinite (%ld values written)",
           g_values);
    free(g_base);
    free(g_nihss);
    free(g_onset);
    free(g_true);
    free(g_score);
    free(g_true2);
    free(g_score2);
    return TEST_DONE();
}
