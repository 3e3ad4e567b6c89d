/*
 * Tests of the proportional-odds analyses po (Wald) and po_lr (likelihood ratio),
 * sim/analyses/po.c.
 *
 * 1. Reference results: the data sets of tests/ref/po_data.csv against R's results in
 *    tests/ref/po_ref.csv, both written by tests/ref/make_po_ref.R (MASS::polr, glm for
 *    binary data, and an exact Newton-Raphson in R): estimate, SE, Wald z, LR statistic,
 *    all four p-values, cutpoints and log-likelihood, decisions for both sides, and the
 *    separated data sets (failed = 1, reject = 0).
 * 2. Invariances: patient order, a monotone relabelling of the values (which also switches
 *    between the two tabulation paths), swapping the arms, and 1e6 patients per arm.
 * 3. Failures: an empty arm, a NaN, one category, 65 distinct values.
 * 4. Power and size: 20000 simulated trials per design (TREASURE placebo control, 150 per
 *    arm, OR 1.67 and 1) against the polr simulation recorded in tests/ref/po_power_ref.csv
 *    (within 4 combined MCSE), and Whitehead's (1993) approximate power (within 0.03).
 * 5. Covariates (po_fit.c): the patient-level data sets of tests/ref/po_cov_data.csv against
 *    MASS::polr(factor(y) ~ arm + covariates, method = "logistic", Hess = TRUE) (glm for a
 *    binary outcome) in tests/ref/po_cov_ref.csv: estimate and SE to 1e-6 relative, LR
 *    (anova of the fits without and with arm), log-likelihood, cutpoints and covariate
 *    coefficients, p-values of both analyses, and the cases without a fit; the grouped
 *    and the per-patient path agree; swapping the arms negates the estimate.
 * 6. Adjusted po in the engine, on the ordinal model with a prognostic NIHSS
 *    (latent_corr 0.5, TREASURE placebo control): type I error within 4 MCSE of alpha,
 *    more power than unadjusted po on the same trials, and its estimate unbiased for the
 *    adjusted (conditional) true effect, which exceeds the marginal log odds ratio.
 * Everything is deterministic (fixed seeds).
 */

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "analyses/analysis_impl.h"
#include "analyses/po_fit.h"
#include "config_util.h"
#include "harness.h"
#include "ref_table.h"
#include "mathlib.h"
#include "mscsim/analysis.h"
#include "mscsim/rng.h"
#include "mscsim/trial.h"

#ifndef MSCSIM_TEST_DIR
#error "define MSCSIM_TEST_DIR as the absolute path of tests/"
#endif


/* Agreement with the exact rows (R's Newton on the analytic likelihood, converged to a step
 * below 1e-15), relative (absolute below 1). Both sides sit at the MLE to rounding: the C
 * fit evaluates the information within ~STEP_TOL^2 ~ 1e-12 of the MLE and applies a last
 * Newton correction. Measured worst differences: beta, cutpoints and log-likelihood
 * ~1e-15, se 4e-13, LR 2e-13, p-values 2e-11 relative (tiny p amplify the error of z by
 * ~|z|^2). */
#define EXACT_TOL 1e-12
/* |z| below this is a null estimate whose sign is rounding (p13_null_identical). */
#define NULL_Z 1e-8
/* Agreement with polr and glm rows: make_po_ref.R's POLR_TOL, the accuracy polr's optim
 * can reach (see there; glm is far better than this). Same order as the R vector. */
#define POLR_TOL_BETA 1e-6
#define POLR_TOL_SE 1e-7
#define POLR_TOL_ZETA 1e-6
#define POLR_TOL_LR 1e-10
/* Invariance checks: the table is identical, so results are bit for bit; swapping arms
 * changes the rounding of every step, but only at rounding level. */
#define SWAP_TOL 1e-12
/* Simulation: trials per design, the seed, the bound in combined MCSEs, and how close
 * Whitehead's approximation must come to the simulated power. */
#define SIM_REPS 20000
#define SIM_SEED UINT64_C(0x90d5eed2024)
#define SIM_MCSE_BOUND 4.0
#define WHITEHEAD_TOL 0.03
/* Random small tables in test_random_tables. */
#define RANDOM_TABLES 20000
/* Categories of the mRS. */
#define MRS_LEVELS 7

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ======================================================================================
 * Helpers
 * ====================================================================================== */

static mscsim_analysis_settings *settings(double alpha, int sides, int want_p)
{
    mscsim_analysis_settings *s = NULL;
    mscsim_error err;
    if (mscsim_analysis_settings_new(alpha, sides, 0.95, 0, want_p, &s, &err) != MSCSIM_OK) {
        fprintf(stderr, "settings: %s\n", err.msg);
        exit(2);
    }
    return s;
}

/* A trial of n0 + n1 patients with values y0, y1 (no baseline). */
static void trial(mscsim_trial_data *d, const double *y0, size_t n0, const double *y1, size_t n1)
{
    const double *const y[MSCSIM_ARM_COUNT] = {y0, y1};
    const size_t n[MSCSIM_ARM_COUNT] = {n0, n1};
    memset(d, 0, sizeof *d);
    mscsim_trial_data_set(d, y, n);
}

static int same_double(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static int results_identical(const mscsim_analysis_result *a, const mscsim_analysis_result *b)
{
    return same_double(a->estimate, b->estimate) && same_double(a->se, b->se) &&
           same_double(a->statistic, b->statistic) && same_double(a->p_value, b->p_value) &&
           a->reject == b->reject && a->failed == b->failed;
}

/* ======================================================================================
 * 1. Reference results
 * ====================================================================================== */

typedef struct {
    char name[64];
    double *y[MSCSIM_ARM_COUNT];
    size_t n[MSCSIM_ARM_COUNT];
} ref_case;

/* Expands po_data.csv into per-patient arrays. The values of an arm are interleaved
 * (round-robin over its distinct values) so the patients are not sorted. */
static size_t load_cases(ref_case **out)
{
    table t;
    if (!table_read(&t, "po_data.csv")) {
        CHECK(0, "read tests/ref/po_data.csv");
        *out = NULL;
        return 0;
    }
    size_t c_case = table_col(&t, "case"), c_arm = table_col(&t, "arm"),
           c_y = table_col(&t, "y"), c_count = table_col(&t, "count");
    ref_case *cases = NULL;
    size_t ncase = 0;
    for (size_t r = 0; r < t.nrow;) {
        const char *name = table_get(&t, r, c_case);
        cases = xrealloc(cases, (ncase + 1) * sizeof *cases);
        ref_case *c = &cases[ncase++];
        memset(c, 0, sizeof *c);
        snprintf(c->name, sizeof c->name, "%s", name);
        size_t end = r;
        while (end < t.nrow && strcmp(table_get(&t, end, c_case), name) == 0)
            end++;
        for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
            double vals[64];
            size_t left[64], nv = 0, total = 0;
            for (size_t i = r; i < end; i++) {
                if (num(table_get(&t, i, c_arm)) != a)
                    continue;
                if (nv == ARRAY_LEN(vals)) {
                    fprintf(stderr, "too many values in %s\n", name);
                    exit(2);
                }
                vals[nv] = num(table_get(&t, i, c_y));
                left[nv] = (size_t)num(table_get(&t, i, c_count));
                total += left[nv++];
            }
            c->y[a] = xrealloc(NULL, (total ? total : 1) * sizeof(double));
            for (size_t k = 0; k < total;)
                for (size_t v = 0; v < nv; v++)
                    if (left[v] > 0) {
                        left[v]--;
                        c->y[a][k++] = vals[v];
                    }
            c->n[a] = total;
        }
        r = end;
    }
    table_free(&t);
    *out = cases;
    return ncase;
}

static const ref_case *find_case(const ref_case *cases, size_t ncase, const char *name)
{
    for (size_t i = 0; i < ncase; i++)
        if (strcmp(cases[i].name, name) == 0)
            return &cases[i];
    return NULL;
}

/* The reference columns of one po_ref.csv row. */
typedef struct {
    int failed, k;
    double n0, n1, beta, se, z, p2_wald, p1_wald, lr, p2_lr, p1_lr, loglik;
    double zeta[64];
    int nzeta;
} ref_row;

static void read_row(const table *t, size_t r, ref_row *w)
{
    w->failed = (int)num(table_get(t, r, table_col(t, "failed")));
    w->k = (int)num(table_get(t, r, table_col(t, "k")));
    w->n0 = num(table_get(t, r, table_col(t, "n0")));
    w->n1 = num(table_get(t, r, table_col(t, "n1")));
    w->beta = num(table_get(t, r, table_col(t, "beta")));
    w->se = num(table_get(t, r, table_col(t, "se")));
    w->z = num(table_get(t, r, table_col(t, "z")));
    w->p2_wald = num(table_get(t, r, table_col(t, "p2_wald")));
    w->p1_wald = num(table_get(t, r, table_col(t, "p1_wald")));
    w->lr = num(table_get(t, r, table_col(t, "lr")));
    w->p2_lr = num(table_get(t, r, table_col(t, "p2_lr")));
    w->p1_lr = num(table_get(t, r, table_col(t, "p1_lr")));
    w->loglik = num(table_get(t, r, table_col(t, "loglik")));
    const char *s = table_get(t, r, table_col(t, "zeta"));
    w->nzeta = 0;
    while (*s && w->nzeta < (int)ARRAY_LEN(w->zeta)) {
        const char *end;
        double v = num_end(s, &end);
        if (!isnan(v))
            w->zeta[w->nzeta++] = v;
        if (*end == '\0')
            break;
        if (*end != ';') {
            fprintf(stderr, "bad zeta list '%s'\n", s);
            exit(2);
        }
        s = end + 1;
    }
}

/* The Wald and LR analyses of one reference case against an exact row, for both sides. */
static void check_exact(const char *name, const mscsim_trial_data *d, const ref_row *w)
{
    static const int sides_list[] = {2, 1};
    for (size_t si = 0; si < ARRAY_LEN(sides_list); si++) {
        int sides = sides_list[si];
        mscsim_analysis_settings *s = settings(0.05, sides, 1);
        mscsim_analysis_result wald, lr;
        sim_analysis_po.analyze(d, s, &wald);
        sim_analysis_po_lr.analyze(d, s, &lr);
        if (w->failed) {
            CHECK(wald.failed == 1 && wald.reject == 0 && isnan(wald.estimate) &&
                      isnan(wald.p_value),
                  "%s po sides %d: failed (separated / no MLE)", name, sides);
            CHECK(lr.failed == 1 && lr.reject == 0 && isnan(lr.estimate),
                  "%s po_lr sides %d: failed", name, sides);
            mscsim_analysis_settings_free(s);
            continue;
        }
        double pw = sides == 2 ? w->p2_wald : w->p1_wald;
        double pl = sides == 2 ? w->p2_lr : w->p1_lr;
        INT_EQ(wald.failed, 0, "%s po sides %d: not failed", name, sides);
        REL_EQ(wald.estimate, w->beta, EXACT_TOL, "%s po sides %d: beta (exact)", name, sides);
        REL_EQ(wald.se, w->se, EXACT_TOL, "%s po sides %d: se (exact)", name, sides);
        REL_EQ(wald.statistic, w->z, EXACT_TOL, "%s po sides %d: z (exact)", name, sides);
        REL_EQ(wald.p_value, pw, EXACT_TOL, "%s po sides %d: Wald p (exact)", name, sides);
        CHECK(isinf(wald.df) && wald.df > 0, "%s po sides %d: df = Inf", name, sides);
        INT_EQ(wald.reject, pw < 0.05, "%s po sides %d: reject == (R's p < 0.05)", name, sides);
        INT_EQ(lr.failed, 0, "%s po_lr sides %d: not failed", name, sides);
        CHECK(same_double(lr.estimate, wald.estimate) && same_double(lr.se, wald.se),
              "%s po_lr sides %d: estimate and se are po's", name, sides);
        REL_EQ(lr.statistic, copysign(sqrt(w->lr), w->beta), EXACT_TOL,
               "%s po_lr sides %d: signed root of LR (exact)", name, sides);
        REL_EQ(lr.p_value, pl, EXACT_TOL, "%s po_lr sides %d: LR p (exact)", name, sides);
        INT_EQ(lr.reject, pl < 0.05, "%s po_lr sides %d: reject == (R's p < 0.05)", name, sides);
        mscsim_analysis_settings_free(s);

        /* Decisions at other levels, and without p-values. */
        static const double alphas[] = {0.001, 0.01, 0.2, 0.5};
        for (size_t ai = 0; ai < ARRAY_LEN(alphas); ai++) {
            /* One-sided at alpha 0.5 the boundary is statistic 0, and a null estimate (arms
             * with identical counts) is 0 only up to rounding, of either sign. */
            if (sides == 1 && alphas[ai] == 0.5 && fabs(w->z) < NULL_Z)
                continue;
            mscsim_analysis_settings *s2 = settings(alphas[ai], sides, 0);
            mscsim_analysis_result r2;
            sim_analysis_po.analyze(d, s2, &r2);
            CHECK(r2.reject == (pw < alphas[ai]) && isnan(r2.p_value),
                  "%s po sides %d alpha %g: reject == (R's p < alpha), p not computed", name,
                  sides, alphas[ai]);
            sim_analysis_po_lr.analyze(d, s2, &r2);
            CHECK(r2.reject == (pl < alphas[ai]) && isnan(r2.p_value),
                  "%s po_lr sides %d alpha %g: reject == (R's p < alpha)", name, sides,
                  alphas[ai]);
            mscsim_analysis_settings_free(s2);
        }
    }

    /* Cutpoints, log-likelihood and LR through the test hook. */
    int k;
    double zeta[64], beta, se, loglik, lrstat;
    int ok = sim_analysis_po_fit(d, &k, zeta, &beta, &se, &loglik, &lrstat);
    if (w->failed) {
        INT_EQ(ok, 0, "%s: fit reports failure", name);
        return;
    }
    INT_EQ(ok, 1, "%s: fit succeeds", name);
    INT_EQ(k, w->k, "%s: categories (unused values dropped)", name);
    if (!ok || k != w->k || w->nzeta != k - 1)
        return;
    double worst = 0.0;
    for (int j = 0; j < k - 1; j++)
        worst = fmax(worst, fabs(zeta[j] - w->zeta[j]) / fmax(1.0, fabs(w->zeta[j])));
    CHECK(worst <= EXACT_TOL, "%s: %d cutpoints (exact), max rel diff %.3g", name, k - 1, worst);
    REL_EQ(loglik, w->loglik, EXACT_TOL, "%s: log-likelihood (exact)", name);
    REL_EQ(lrstat, w->lr, EXACT_TOL, "%s: LR statistic (exact)", name);
}

/* Against polr (or glm): the accuracy polr's optimiser reaches. */
static void check_polr(const char *name, const char *source, const mscsim_trial_data *d,
                       const ref_row *w)
{
    int k;
    double zeta[64], beta, se, loglik, lrstat;
    if (!sim_analysis_po_fit(d, &k, zeta, &beta, &se, &loglik, &lrstat) || k != w->k ||
        w->nzeta != k - 1) {
        CHECK(0, "%s: fit to compare with %s", name, source);
        return;
    }
    REL_EQ(beta, w->beta, POLR_TOL_BETA, "%s: beta vs %s", name, source);
    REL_EQ(se, w->se, POLR_TOL_SE, "%s: se vs %s (vcov)", name, source);
    REL_EQ(lrstat, w->lr, POLR_TOL_LR, "%s: LR vs %s deviances", name, source);
    REL_EQ(loglik, w->loglik, POLR_TOL_LR, "%s: loglik vs %s", name, source);
    double worst = 0.0;
    for (int j = 0; j < k - 1; j++)
        worst = fmax(worst, fabs(zeta[j] - w->zeta[j]) / fmax(1.0, fabs(w->zeta[j])));
    CHECK(worst <= POLR_TOL_ZETA, "%s: cutpoints vs %s, max rel diff %.3g", name, source, worst);
}

static void test_reference(void)
{
    ref_case *cases;
    size_t ncase = load_cases(&cases);
    table t;
    if (!table_read(&t, "po_ref.csv")) {
        CHECK(0, "read tests/ref/po_ref.csv");
        return;
    }
    size_t c_case = table_col(&t, "case"), c_source = table_col(&t, "source");
    int nexact = 0, npolr = 0, nglm = 0;
    for (size_t r = 0; r < t.nrow; r++) {
        const char *name = table_get(&t, r, c_case), *source = table_get(&t, r, c_source);
        const ref_case *c = find_case(cases, ncase, name);
        if (!c) {
            CHECK(0, "%s: data in po_data.csv", name);
            continue;
        }
        ref_row w;
        read_row(&t, r, &w);
        INT_EQ(c->n[0], w.n0, "%s: control patients", name);
        INT_EQ(c->n[1], w.n1, "%s: msc patients", name);
        mscsim_trial_data d;
        trial(&d, c->y[0], c->n[0], c->y[1], c->n[1]);
        if (strcmp(source, "exact") == 0) {
            check_exact(name, &d, &w);
            nexact++;
        } else {
            check_polr(name, source, &d, &w);
            npolr += strcmp(source, "polr") == 0;
            nglm += strcmp(source, "glm") == 0;
        }
    }
    CHECK(nexact >= 20 && npolr >= 12 && nglm >= 2,
          "reference rows: %d exact, %d polr, %d glm", nexact, npolr, nglm);

    /* Orientation, explicitly: TREASURE's counts favour MultiStem, and R's polr on
     * y = -mRS gives beta > 0; so must we. */
    const ref_case *tr = find_case(cases, ncase, "p01_treasure_counts");
    if (tr) {
        mscsim_analysis_settings *s = settings(0.05, 2, 1);
        mscsim_analysis_result res;
        mscsim_trial_data d;
        trial(&d, tr->y[0], tr->n[0], tr->y[1], tr->n[1]);
        sim_analysis_po.analyze(&d, s, &res);
        CHECK(res.estimate > 0.0 && res.statistic > 0.0,
              "TREASURE counts: MultiStem better gives a positive log OR (%.6f)", res.estimate);
        double lo, hi;
        mscsim_analysis_ci(s, &res, &lo, &hi);
        REL_EQ(hi - lo, 2.0 * qnorm(0.975, 0.0, 1.0, 1, 0) * res.se, 1e-14,
               "TREASURE counts: CI = estimate -/+ qnorm(0.975) se");
        mscsim_analysis_settings_free(s);
    }

    /* 2. Invariances on every non-failed case. */
    mscsim_analysis_settings *s = settings(0.05, 2, 1);
    for (size_t i = 0; i < ncase; i++) {
        const ref_case *c = &cases[i];
        mscsim_trial_data d;
        mscsim_analysis_result base, other;
        trial(&d, c->y[0], c->n[0], c->y[1], c->n[1]);
        sim_analysis_po.analyze(&d, s, &base);

        /* Patient order: reversed arrays. */
        double *ry[2];
        for (int a = 0; a < 2; a++) {
            ry[a] = xrealloc(NULL, (c->n[a] ? c->n[a] : 1) * sizeof(double));
            for (size_t j = 0; j < c->n[a]; j++)
                ry[a][j] = c->y[a][c->n[a] - 1 - j];
        }
        trial(&d, ry[0], c->n[0], ry[1], c->n[1]);
        sim_analysis_po.analyze(&d, s, &other);
        CHECK(results_identical(&base, &other), "%s: patient order does not matter", c->name);

        /* A strictly increasing relabelling, y -> 37 y + 1000.5, moves integer data off
         * the small-integer path: the same table, so the same bits. */
        for (int a = 0; a < 2; a++)
            for (size_t j = 0; j < c->n[a]; j++)
                ry[a][j] = 37.0 * c->y[a][j] + 1000.5;
        trial(&d, ry[0], c->n[0], ry[1], c->n[1]);
        sim_analysis_po.analyze(&d, s, &other);
        CHECK(results_identical(&base, &other), "%s: monotone relabelling (general path)",
              c->name);

        /* Swapping the arms negates the log OR; reflecting y (y -> -y) negates it too. */
        trial(&d, c->y[1], c->n[1], c->y[0], c->n[0]);
        sim_analysis_po.analyze(&d, s, &other);
        if (base.failed) {
            INT_EQ(other.failed, 1, "%s: swapped arms also fail", c->name);
        } else {
            ABS_EQ(other.estimate, -base.estimate, SWAP_TOL * fmax(1.0, fabs(base.estimate)),
                   "%s: swapped arms: estimate negated", c->name);
            REL_EQ(other.se, base.se, SWAP_TOL, "%s: swapped arms: same se", c->name);
        }
        for (int a = 0; a < 2; a++)
            for (size_t j = 0; j < c->n[a]; j++)
                ry[a][j] = -c->y[a][j];
        trial(&d, ry[0], c->n[0], ry[1], c->n[1]);
        sim_analysis_po.analyze(&d, s, &other);
        if (!base.failed)
            ABS_EQ(other.estimate, -base.estimate, SWAP_TOL * fmax(1.0, fabs(base.estimate)),
                   "%s: reflected values (smaller = better): estimate negated", c->name);
        free(ry[0]);
        free(ry[1]);
    }
    mscsim_analysis_settings_free(s);

    for (size_t i = 0; i < ncase; i++) {
        free(cases[i].y[0]);
        free(cases[i].y[1]);
    }
    free(cases);
    table_free(&t);
}

/* ======================================================================================
 * 3. Failures and edge cases
 * ====================================================================================== */

static void test_failures(void)
{
    mscsim_analysis_settings *s = settings(0.05, 2, 1);
    mscsim_analysis_result r;
    mscsim_trial_data d;
    double y0[80], y1[80];

    for (int i = 0; i < 80; i++) {
        y0[i] = -(double)(i % 7);
        y1[i] = -(double)((i * 3) % 7);
    }
    trial(&d, y0, 0, y1, 10);
    sim_analysis_po.analyze(&d, s, &r);
    CHECK(r.failed == 1 && r.reject == 0 && isnan(r.estimate), "empty control arm: failed");
    trial(&d, y0, 10, y1, 0);
    sim_analysis_po_lr.analyze(&d, s, &r);
    CHECK(r.failed == 1 && r.reject == 0, "empty msc arm: failed (po_lr)");

    y1[3] = NAN;
    trial(&d, y0, 20, y1, 20);
    sim_analysis_po.analyze(&d, s, &r);
    CHECK(r.failed == 1 && r.reject == 0, "a NaN value: failed");
    y1[3] = 0.5; /* the general path, still fine */
    sim_analysis_po.analyze(&d, s, &r);
    CHECK(r.failed == 0 && isfinite(r.estimate), "a non-integer value: fitted (general path)");

    /* 65 distinct values (0..64): too many for an ordinal analysis. 64 (0..63) is fine. */
    for (int i = 0; i < 80; i++) {
        y0[i] = (double)(i % 65);
        y1[i] = (double)((i + 7) % 65);
    }
    trial(&d, y0, 80, y1, 80);
    sim_analysis_po.analyze(&d, s, &r);
    CHECK(r.failed == 1 && r.reject == 0, "65 distinct integers: failed");
    for (int i = 0; i < 80; i++) {
        y0[i] = 0.25 * (double)(i % 65);
        y1[i] = 0.25 * (double)((i + 7) % 65);
    }
    sim_analysis_po.analyze(&d, s, &r);
    CHECK(r.failed == 1, "65 distinct non-integers: failed");
    for (int i = 0; i < 80; i++) {
        y0[i] = (double)(i % 64);
        y1[i] = (double)((i + 7) % 64);
    }
    sim_analysis_po.analyze(&d, s, &r);
    CHECK(r.failed == 0, "64 distinct integers: fitted");

    /* One category; a 0/1 endpoint with one arm all events and the other none. */
    for (int i = 0; i < 80; i++)
        y0[i] = y1[i] = -2.0;
    trial(&d, y0, 30, y1, 30);
    sim_analysis_po.analyze(&d, s, &r);
    CHECK(r.failed == 1, "one category: failed");
    for (int i = 0; i < 80; i++) {
        y0[i] = 0.0;
        y1[i] = 1.0;
    }
    sim_analysis_po_lr.analyze(&d, s, &r);
    CHECK(r.failed == 1 && r.reject == 0, "binary complete separation: failed");
    y0[0] = 1.0;
    sim_analysis_po.analyze(&d, s, &r);
    CHECK(r.failed == 1, "binary, one control event, msc all events: still separated");
    y1[0] = 0.0; /* now both arms have both outcomes: a finite, large estimate */
    sim_analysis_po.analyze(&d, s, &r);
    CHECK(r.failed == 0 && r.estimate > 3.0 && isfinite(r.se),
          "binary, one control event and one msc non-event: fitted (log OR %.3f, se %.3f)", r.estimate, r.se);
    mscsim_analysis_settings_free(s);

    /* Descriptors. */
    STR_EQ(sim_analysis_po.name, "po", "po name");
    STR_EQ(sim_analysis_po_lr.name, "po_lr", "po_lr name");
    CHECK(sim_analysis_po.outcomes == (MSCSIM_OUTCOME_ORDINAL | MSCSIM_OUTCOME_BINARY) &&
              sim_analysis_po_lr.outcomes == sim_analysis_po.outcomes,
          "outcomes: ordinal and binary");
    CHECK(sim_analysis_po.estimand == MSCSIM_ESTIMAND_LOG_ODDS_RATIO &&
              sim_analysis_po_lr.estimand == MSCSIM_ESTIMAND_LOG_ODDS_RATIO &&
              !sim_analysis_po.uses_baseline && !sim_analysis_po_lr.uses_baseline,
          "estimand: log odds ratio; no baseline");
    const mscsim_analysis_type *found = mscsim_analysis_find("po");
    printf("INFO registry: 'po' %s\n", found == &sim_analysis_po ? "registered"
                                       : found ? "names another type!" : "not registered yet");
    CHECK(found == NULL || found == &sim_analysis_po, "registry: 'po' is this analysis");
}

/* Small random tables (1-8 patients per arm, 2-6 values, many near-separated): the fit
 * fails exactly when the arms are separated (the criterion computed here independently,
 * from the patients), and otherwise converges to a finite estimate whose Wald z and
 * signed LR root agree in sign. */
static void test_random_tables(void)
{
    mscsim_analysis_settings *s = settings(0.05, 2, 1);
    mscsim_rng rng = mscsim_rng_for_trial(SIM_SEED, 7, 0, 0);
    long separated = 0, fitted = 0, bad = 0;
    for (int rep = 0; rep < RANDOM_TABLES; rep++) {
        double y[2][8];
        size_t n[2];
        int levels = 2 + (int)mscsim_rng_bounded(&rng, 5);
        double lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
        for (int a = 0; a < 2; a++) {
            n[a] = 1 + mscsim_rng_bounded(&rng, 8);
            for (size_t i = 0; i < n[a]; i++) {
                y[a][i] = (double)mscsim_rng_bounded(&rng, (uint32_t)levels);
                lo[a] = fmin(lo[a], y[a][i]);
                hi[a] = fmax(hi[a], y[a][i]);
            }
        }
        /* separated: one arm entirely at or below the other (this covers one category) */
        int sep = hi[0] <= lo[1] || hi[1] <= lo[0];
        mscsim_trial_data d;
        mscsim_analysis_result w, l;
        trial(&d, y[0], n[0], y[1], n[1]);
        sim_analysis_po.analyze(&d, s, &w);
        sim_analysis_po_lr.analyze(&d, s, &l);
        if (sep) {
            separated++;
            bad += !(w.failed && l.failed && !w.reject && !l.reject);
        } else {
            fitted++;
            bad += w.failed || l.failed || !isfinite(w.estimate) || !(w.se > 0.0) ||
                   !isfinite(w.se) || (w.statistic > 0.0 && l.statistic < 0.0) ||
                   (w.statistic < 0.0 && l.statistic > 0.0);
        }
    }
    CHECK(bad == 0 && separated > 1000 && fitted > 1000,
          "%d random small tables: %ld separated all failed, %ld overlapping all fitted "
          "(%ld wrong)", RANDOM_TABLES, separated, fitted, bad);
    mscsim_analysis_settings_free(s);
}

/* ======================================================================================
 * Simulation helpers: mRS under proportional odds
 * ====================================================================================== */

/* Category probabilities in ascending y = -mRS (mRS 6 first): TREASURE placebo day 90
 * (EVIDENCE.md section 4), renormalised from 99.9 %; msc by proportional odds with odds
 * ratio `or` of a better outcome: logit P(Y <= j | msc) = logit P(Y <= j | control) - log or. */
static void mrs_cumulative(double or, double cum0[MRS_LEVELS], double cum1[MRS_LEVELS])
{
    static const double placebo_pct[MRS_LEVELS] = {2.9, 7.8, 11.8, 16.7, 38.2, 19.6, 2.9};
    double total = 0.0;
    for (int j = 0; j < MRS_LEVELS; j++)
        total += placebo_pct[j];
    double c = 0.0;
    for (int j = 0; j < MRS_LEVELS - 1; j++) {
        c += placebo_pct[MRS_LEVELS - 1 - j]; /* mRS 6, 5, ... */
        cum0[j] = c / total;
        cum1[j] = plogis(qlogis(cum0[j], 0.0, 1.0, 1, 0) - log(or), 0.0, 1.0, 1, 0);
    }
    cum0[MRS_LEVELS - 1] = cum1[MRS_LEVELS - 1] = 1.0;
}

/* n values of y = -mRS by inversion of the cumulative probabilities. */
static void draw_mrs(mscsim_rng *rng, const double cum[MRS_LEVELS], double *y, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double u = mscsim_rng_uniform(rng);
        int j = 0;
        while (j < MRS_LEVELS - 1 && u >= cum[j])
            j++;
        y[i] = (double)(j - (MRS_LEVELS - 1)); /* -6 .. 0 */
    }
}

/* Whitehead (1993) eq. 9 inverted for power, 1:1 allocation, n per arm. */
static double whitehead_power(double or, size_t n, double alpha, int sides)
{
    double cum0[MRS_LEVELS], cum1[MRS_LEVELS], prev0 = 0.0, prev1 = 0.0, s3 = 0.0;
    mrs_cumulative(or, cum0, cum1);
    for (int j = 0; j < MRS_LEVELS; j++) {
        double pbar = 0.5 * ((cum0[j] - prev0) + (cum1[j] - prev1));
        s3 += pbar * pbar * pbar;
        prev0 = cum0[j];
        prev1 = cum1[j];
    }
    double lor = log(or);
    return pnorm(sqrt((double)n * lor * lor * (1.0 - s3) / 6.0) -
                     qnorm(alpha / sides, 0.0, 1.0, 0, 0),
                 0.0, 1.0, 1, 0);
}

/* ======================================================================================
 * 4. Power and size against the polr simulation
 * ====================================================================================== */

typedef struct {
    const char *design;
    int sides;
    const char *test;
    double rate, mcse, whitehead; /* R */
} sim_ref;

static void test_power(void)
{
    table t;
    if (!table_read(&t, "po_power_ref.csv")) {
        CHECK(0, "read tests/ref/po_power_ref.csv");
        return;
    }
    size_t c_design = table_col(&t, "design"), c_or = table_col(&t, "or"),
           c_n = table_col(&t, "n_per_arm"), c_alpha = table_col(&t, "alpha"),
           c_sides = table_col(&t, "sides"), c_test = table_col(&t, "test"),
           c_reps = table_col(&t, "reps"), c_rate = table_col(&t, "rate"),
           c_mcse = table_col(&t, "mcse"), c_wh = table_col(&t, "whitehead");

    static const char *const designs[] = {"power", "size"};
    for (size_t di = 0; di < ARRAY_LEN(designs); di++) {
        /* The design's parameters from its first row. */
        size_t first = t.nrow;
        for (size_t r = 0; r < t.nrow && first == t.nrow; r++)
            if (strcmp(table_get(&t, r, c_design), designs[di]) == 0)
                first = r;
        if (first == t.nrow) {
            CHECK(0, "po_power_ref.csv: design %s", designs[di]);
            continue;
        }
        const double or = num(table_get(&t, first, c_or));
        const size_t n = (size_t)num(table_get(&t, first, c_n));
        double cum0[MRS_LEVELS], cum1[MRS_LEVELS];
        mrs_cumulative(or, cum0, cum1);

        /* settings: [Wald/LR][sides 2, sides 1] at the file's alpha */
        mscsim_analysis_settings *s2 = settings(0.05, 2, 0), *s1 = settings(0.025, 1, 0);
        long rej[2][2] = {{0, 0}, {0, 0}}, failed = 0;
        double *y0 = xrealloc(NULL, n * sizeof(double)), *y1 = xrealloc(NULL, n * sizeof(double));
        for (uint64_t rep = 0; rep < SIM_REPS; rep++) {
            mscsim_rng rng = mscsim_rng_for_trial(SIM_SEED, di, n, rep);
            draw_mrs(&rng, cum0, y0, n);
            draw_mrs(&rng, cum1, y1, n);
            mscsim_trial_data d;
            trial(&d, y0, n, y1, n);
            mscsim_analysis_result r;
            sim_analysis_po.analyze(&d, s2, &r);
            rej[0][0] += r.reject;
            failed += r.failed;
            sim_analysis_po.analyze(&d, s1, &r);
            rej[0][1] += r.reject;
            sim_analysis_po_lr.analyze(&d, s2, &r);
            rej[1][0] += r.reject;
            sim_analysis_po_lr.analyze(&d, s1, &r);
            rej[1][1] += r.reject;
        }
        free(y0);
        free(y1);
        mscsim_analysis_settings_free(s2);
        mscsim_analysis_settings_free(s1);
        INT_EQ(failed, 0, "%s design: no failed fits in %d trials", designs[di], SIM_REPS);

        for (size_t r = 0; r < t.nrow; r++) {
            if (strcmp(table_get(&t, r, c_design), designs[di]) != 0)
                continue;
            int sides = (int)num(table_get(&t, r, c_sides));
            double alpha = num(table_get(&t, r, c_alpha));
            const char *test = table_get(&t, r, c_test);
            int ti = strcmp(test, "lr") == 0;
            CHECK(alpha == (sides == 2 ? 0.05 : 0.025) && num(table_get(&t, r, c_reps)) > 0,
                  "%s %s sides %d: alpha %g as simulated", designs[di], test, sides, alpha);
            double rate_r = num(table_get(&t, r, c_rate)), mcse_r = num(table_get(&t, r, c_mcse));
            double rate_c = (double)rej[ti][sides == 2 ? 0 : 1] / SIM_REPS;
            double mcse_c = sqrt(rate_c * (1.0 - rate_c) / SIM_REPS);
            double bound = SIM_MCSE_BOUND * sqrt(mcse_c * mcse_c + mcse_r * mcse_r);
            ABS_EQ(rate_c, rate_r, bound,
                   "%s OR %g n %zu %s sides %d: simulated rate vs R's polr simulation (4 MCSE)",
                   designs[di], or, n, test, sides);
            double wh = whitehead_power(or, n, alpha, sides);
            REL_EQ(wh, num(table_get(&t, r, c_wh)), 1e-12,
                   "%s %s sides %d: Whitehead's formula as in R", designs[di], test, sides);
            printf("INFO %s OR %.2f n %zu %-4s sides %d: C %.4f (MCSE %.4f), R polr %.4f "
                   "(MCSE %.4f), Whitehead %.4f%s\n",
                   designs[di], or, n, test, sides, rate_c, mcse_c, rate_r, mcse_r, wh,
                   or == 1.0 ? " (= alpha / sides: the formula ignores the far tail)" : "");
            /* Whitehead is a large-sample approximation for small effects: close, not exact. */
            if (strcmp(designs[di], "power") == 0)
                ABS_EQ(wh, rate_c, WHITEHEAD_TOL,
                       "power %s sides %d: Whitehead (approximate) vs simulated", test, sides);
        }
    }
    table_free(&t);
}

/* A truth-sized trial: 1e6 patients per arm, OR 1.67: converges, and the estimate is
 * within 4 SE of log(1.67). */
static void test_large(void)
{
    const size_t n = 1000000;
    double cum0[MRS_LEVELS], cum1[MRS_LEVELS];
    mrs_cumulative(1.67, cum0, cum1);
    double *y0 = xrealloc(NULL, n * sizeof(double)), *y1 = xrealloc(NULL, n * sizeof(double));
    mscsim_rng rng = mscsim_rng_for_trial(SIM_SEED, 99, n, 0);
    draw_mrs(&rng, cum0, y0, n);
    draw_mrs(&rng, cum1, y1, n);
    mscsim_trial_data d;
    trial(&d, y0, n, y1, n);
    mscsim_analysis_settings *s = settings(0.05, 2, 1);
    mscsim_analysis_result r;
    sim_analysis_po.analyze(&d, s, &r);
    CHECK(r.failed == 0 && fabs(r.estimate - log(1.67)) <= 4.0 * r.se,
          "1e6 per arm, OR 1.67: log OR %.5f (se %.5f) vs %.5f", r.estimate, r.se, log(1.67));
    mscsim_analysis_settings_free(s);
    free(y0);
    free(y1);
}

/* ======================================================================================
 * 5. Covariate-adjusted fits against polr
 * ====================================================================================== */

/* polr's accuracy (POLR_TOL of make_po_ref.R, relative): estimate and SE to the 1e-6 the
 * issue asks (polr reaches ~1e-7 and ~1e-8); its deviances are flat at the optimum
 * (~1e-13 relative), so the LR statistic and the log-likelihood are held far tighter. */
#define COV_TOL 1e-6
#define COV_LL_TOL 1e-10
#define COV_LR_TOL 1e-7
/* Against make_po_ref.R's exact Newton (R arithmetic, a step below 1e-13): both sit at the
 * MLE to rounding; measured worst ~1e-13 (zeta), 1e-14 (beta, se). */
#define COV_EXACT_TOL 1e-9
/* The grouped and per-patient paths sum the same terms in other orders: rounding only. */
#define PATH_TOL 1e-10

typedef struct {
    char name[64];
    double *y[MSCSIM_ARM_COUNT];
    double *x[MSCSIM_ARM_COUNT][3];
    size_t n[MSCSIM_ARM_COUNT];
    int K;
} cov_case;

static size_t load_cov_cases(cov_case **out)
{
    table t;
    *out = NULL;
    if (!table_read(&t, "po_cov_data.csv")) {
        CHECK(0, "read tests/ref/po_cov_data.csv");
        return 0;
    }
    size_t c_case = table_col(&t, "case"), c_arm = table_col(&t, "arm"), c_y = table_col(&t, "y");
    size_t c_x[3] = {table_col(&t, "x1"), table_col(&t, "x2"), table_col(&t, "x3")};
    cov_case *cases = NULL;
    size_t ncase = 0;
    for (size_t r = 0; r < t.nrow;) {
        const char *name = table_get(&t, r, c_case);
        cases = xrealloc(cases, (ncase + 1) * sizeof *cases);
        cov_case *c = &cases[ncase++];
        memset(c, 0, sizeof *c);
        snprintf(c->name, sizeof c->name, "%s", name);
        while (c->K < 3 && !isnan(num(table_get(&t, r, c_x[c->K]))))
            c->K++;
        size_t end = r;
        while (end < t.nrow && strcmp(table_get(&t, end, c_case), name) == 0)
            end++;
        for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
            c->y[a] = xrealloc(NULL, (end - r) * sizeof(double));
            for (int j = 0; j < c->K; j++)
                c->x[a][j] = xrealloc(NULL, (end - r) * sizeof(double));
        }
        for (size_t i = r; i < end; i++) {
            int a = (int)num(table_get(&t, i, c_arm));
            size_t at = c->n[a]++;
            c->y[a][at] = num(table_get(&t, i, c_y));
            for (int j = 0; j < c->K; j++)
                c->x[a][j][at] = num(table_get(&t, i, c_x[j]));
        }
        r = end;
    }
    table_free(&t);
    *out = cases;
    return ncase;
}

static void cov_cases_free(cov_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
            free(cases[i].y[a]);
            for (int j = 0; j < cases[i].K; j++)
                free(cases[i].x[a][j]);
        }
    free(cases);
}

/* The trial data of a case; swap exchanges the arms. */
static void cov_trial(mscsim_trial_data *d, const cov_case *c, int swap)
{
    int a0 = swap ? 1 : 0, a1 = 1 - a0;
    trial(d, c->y[a0], c->n[a0], c->y[a1], c->n[a1]);
    d->cov_count = c->K;
    for (int j = 0; j < c->K; j++) {
        d->cov[0][j] = c->x[a0][j];
        d->cov[1][j] = c->x[a1][j];
    }
}

/* |got - want| <= tol |want| (strictly relative). */
static void rel_close(double got, double want, double tol, const char *what, const char *name)
{
    CHECK(fabs(got - want) <= tol * fabs(want), "%s %s: got %.17g want %.17g (rel tol %g)",
          name, what, got, want, tol);
}

/* Parses a ';'-separated list into v (at most cap values); returns the count. */
static int parse_list(const char *s, double *v, int cap)
{
    int n = 0;
    while (*s && n < cap) {
        const char *end;
        double x = num_end(s, &end);
        if (isnan(x))
            break;
        v[n++] = x;
        if (*end != ';')
            break;
        s = end + 1;
    }
    return n;
}

/* The analyses on a case: po's Wald z and p, po_lr's LR p, as R computes them from the
 * reference numbers. */
static void check_cov_analyses(const char *name, const mscsim_trial_data *d, double beta,
                               double se, double lr)
{
    mscsim_analysis_settings *s = settings(0.05, 2, 1);
    mscsim_analysis_result r;
    sim_analysis_po.analyze(d, s, &r);
    double z = beta / se, p = 2.0 * pnorm(-fabs(z), 0.0, 1.0, 1, 0);
    CHECK(!r.failed, "%s: po fits", name);
    rel_close(r.estimate, beta, COV_TOL, "po estimate", name);
    rel_close(r.statistic, z, 2 * COV_TOL, "po z", name);
    rel_close(r.p_value, p, 1e-5, "po p", name);
    INT_EQ(r.reject, p < 0.05, "%s: po decision", name);
    sim_analysis_po_lr.analyze(d, s, &r);
    double plr = pchisq(lr, 1.0, 0, 0);
    CHECK(!r.failed, "%s: po_lr fits", name);
    rel_close(r.p_value, plr, 1e-6, "po_lr p", name);
    INT_EQ(r.reject, plr < 0.05, "%s: po_lr decision", name);
    mscsim_analysis_settings_free(s);
}

static void test_covariates(void)
{
    cov_case *cases;
    size_t ncase = load_cov_cases(&cases);
    table t;
    if (!table_read(&t, "po_cov_ref.csv")) {
        CHECK(0, "read tests/ref/po_cov_ref.csv");
        cov_cases_free(cases, ncase);
        return;
    }
    int grouped_seen = 0, patient_seen = 0;
    for (size_t r = 0; r < t.nrow; r++) {
        const char *name = table_get(&t, r, table_col(&t, "case"));
        const cov_case *c = NULL;
        for (size_t i = 0; i < ncase; i++)
            if (strcmp(cases[i].name, name) == 0)
                c = &cases[i];
        if (!c) {
            CHECK(0, "%s: data in po_cov_data.csv", name);
            continue;
        }
        mscsim_trial_data d;
        cov_trial(&d, c, 0);
        sim_po_adjusted f;
        int ok = sim_po_fit_adjusted(&d, 1, &f);
        if (num(table_get(&t, r, table_col(&t, "failed"))) == 1.0) {
            CHECK(!ok, "%s: no fit (R has none)", name);
            mscsim_analysis_settings *s = settings(0.05, 2, 0);
            mscsim_analysis_result res;
            sim_analysis_po.analyze(&d, s, &res);
            CHECK(res.failed && !res.reject, "%s: po fails, no rejection", name);
            mscsim_analysis_settings_free(s);
            continue;
        }
        CHECK(ok, "%s: fits", name);
        if (!ok)
            continue;
        const char *source = table_get(&t, r, table_col(&t, "source"));
        int exact = strcmp(source, "exact") == 0;
        double tol = exact ? COV_EXACT_TOL : COV_TOL;
        double ll_tol = exact ? COV_EXACT_TOL : COV_LL_TOL, lr_tol = exact ? COV_EXACT_TOL : COV_LR_TOL;
        double beta = num(table_get(&t, r, table_col(&t, "beta")));
        double se = num(table_get(&t, r, table_col(&t, "se")));
        double lr = num(table_get(&t, r, table_col(&t, "lr")));
        double ll = num(table_get(&t, r, table_col(&t, "loglik")));
        double zeta[64], gamma[4];
        int nz = parse_list(table_get(&t, r, table_col(&t, "zeta")), zeta, 64);
        int ng = parse_list(table_get(&t, r, table_col(&t, "gamma")), gamma, 4);
        INT_EQ(f.k, num(table_get(&t, r, table_col(&t, "k"))), "%s: categories", name);
        INT_EQ(nz, f.k - 1, "%s: cutpoints in the reference", name);
        INT_EQ(ng, c->K, "%s: coefficients in the reference", name);
        rel_close(f.beta, beta, tol, exact ? "beta (exact)" : "beta", name);
        rel_close(f.se, se, tol, exact ? "se (exact)" : "se", name);
        rel_close(f.lr, lr, lr_tol, exact ? "LR (exact)" : "LR", name);
        rel_close(f.loglik, ll, ll_tol, exact ? "log-likelihood (exact)" : "log-likelihood",
                  name);
        for (int j = 0; j < nz && j < f.k - 1; j++)
            REL_EQ(f.zeta[j], zeta[j], tol, "%s %s zeta %d", name, source, j + 1);
        for (int j = 0; j < ng && j < c->K; j++)
            REL_EQ(f.gamma[j], gamma[j], tol, "%s %s gamma %d", name, source, j + 1);
        printf("INFO %s: beta %.12f (%s %.12f), se %.12f (%.12f), %s\n", name, f.beta, source,
               beta, f.se, se, f.grouped ? "grouped" : "per patient");
        if (exact)
            continue; /* the checks below once per case */
        check_cov_analyses(name, &d, beta, se, lr);

        /* Swapping the arms negates beta (the same fit otherwise). */
        mscsim_trial_data sw;
        cov_trial(&sw, c, 1);
        sim_po_adjusted g;
        CHECK(sim_po_fit_adjusted(&sw, 1, &g) && fabs(g.beta + f.beta) <= PATH_TOL &&
                  fabs(g.se - f.se) <= PATH_TOL * f.se,
              "%s: arms swapped: beta %.15g vs %.15g", name, g.beta, f.beta);

        /* A grouped fit against the per-patient path on the covariate + 1/2 (no longer an
         * integer): beta, se, LR and gamma unchanged, the cutpoints move by gamma / 2. */
        grouped_seen |= f.grouped;
        patient_seen |= !f.grouped;
        if (f.grouped) {
            double *shifted[MSCSIM_ARM_COUNT];
            for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
                shifted[a] = xrealloc(NULL, (c->n[a] ? c->n[a] : 1) * sizeof(double));
                for (size_t i = 0; i < c->n[a]; i++)
                    shifted[a][i] = c->x[a][0][i] + 0.5;
                d.cov[a][0] = shifted[a];
            }
            sim_po_adjusted h;
            int hok = sim_po_fit_adjusted(&d, 1, &h);
            CHECK(hok && !h.grouped, "%s: the shifted covariate is fitted per patient", name);
            if (hok) {
                ABS_EQ(h.beta, f.beta, PATH_TOL, "%s: per patient vs grouped, beta", name);
                ABS_EQ(h.se, f.se, PATH_TOL, "%s: per patient vs grouped, se", name);
                ABS_EQ(h.lr, f.lr, 1e3 * PATH_TOL, "%s: per patient vs grouped, LR", name);
                ABS_EQ(h.gamma[0], f.gamma[0], PATH_TOL, "%s: per patient vs grouped, gamma",
                       name);
                for (int j = 0; j < f.k - 1; j++)
                    ABS_EQ(h.zeta[j], f.zeta[j] + 0.5 * f.gamma[0], 1e2 * PATH_TOL,
                           "%s: per patient vs grouped, zeta %d", name, j + 1);
            }
            for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
                free(shifted[a]);
        }
    }
    CHECK(grouped_seen && patient_seen, "the references exercise both paths");
    table_free(&t);
    cov_cases_free(cases, ncase);
}

/* ======================================================================================
 * 6. Adjusted po in the engine
 * ====================================================================================== */

/* Trials per design: MCSE of a rate near 0.05 is 0.0015 at 20000, of the power 0.005. */
#define ENGINE_REPS 20000

/* The ordinal design: TREASURE placebo day-90 mRS, NIHSS 8-20 correlated with the latent
 * mRS (latent_corr 0.5), 103 per arm, po; adjusted for NIHSS when adjust. */
static int engine_po(double odds_ratio, int adjust, mscsim_cell_summary *out)
{
    mscsim_config cfg;
    load_base(&cfg);
    set(&cfg, "trial.n=206");
    set(&cfg, "model.type=ordinal");
    set(&cfg, "model.latent_corr=0.5");
    set(&cfg, "control.probs=0.0294117647058824, 0.0784313725490196, 0.117647058823529, "
              "0.166666666666667, 0.382352941176471, 0.196078431372549, 0.0294117647058824");
    set(&cfg, "msc.odds_ratio=%.17g", odds_ratio);
    set(&cfg, "baseline.nihss=truncnormal(13, 4, 8, 20)");
    set(&cfg, "eligibility.nihss_min=8");
    set(&cfg, "eligibility.nihss_max=20");
    set(&cfg, "analysis.test=po");
    set(&cfg, "simulation.reps=%d", ENGINE_REPS);
    set(&cfg, "simulation.seed=14");
    if (adjust)
        set(&cfg, "analysis.covariates=nihss");
    return run_analysis(&cfg, out, 0, 0);
}

static void test_engine_adjusted(void)
{
    mscsim_cell_summary null_adj, pow_adj, pow_raw;
    if (!engine_po(1.0, 1, &null_adj) || !engine_po(1.67, 1, &pow_adj) ||
        !engine_po(1.67, 0, &pow_raw)) {
        CHECK(0, "engine runs");
        return;
    }
    /* Type I error within 4 MCSE of alpha (binomial MCSE at 0.05). */
    double mcse = sqrt(0.05 * 0.95 / ENGINE_REPS);
    ABS_EQ(null_adj.power, 0.05, 4.0 * mcse, "adjusted po at the null: type I error");
    CHECK(null_adj.true_effect == 0.0, "adjusted po at the null: true effect exactly 0 (%g)",
          null_adj.true_effect);
    /* The same trials (the NIHSS is drawn either way): adjustment must add power beyond 4
     * MCSE of the difference (unpaired, so conservative). */
    double se_diff = sqrt(pow_adj.power * (1 - pow_adj.power) / ENGINE_REPS +
                          pow_raw.power * (1 - pow_raw.power) / ENGINE_REPS);
    CHECK(pow_adj.power - pow_raw.power > 4.0 * se_diff,
          "adjusted po power %.4f > unadjusted %.4f (+4 MCSE %.4f)", pow_adj.power,
          pow_raw.power, 4.0 * se_diff);
    /* Non-collapsibility: the adjusted truth (the adjusted fit to 1e6 per arm) exceeds the
     * marginal log OR, which the unadjusted truth reproduces; each mean estimate is within
     * 4 MCSE (empirical SE / sqrt(reps), plus the truth's own) of its truth. */
    ABS_EQ(pow_raw.true_effect, log(1.67), 4.0 * pow_raw.true_effect_mcse + 1e-12,
           "unadjusted po: true effect the marginal log OR");
    CHECK(pow_adj.true_effect > pow_raw.true_effect + 10.0 * pow_adj.true_effect_mcse,
          "adjusted truth %.4f > marginal %.4f", pow_adj.true_effect, pow_raw.true_effect);
    const mscsim_cell_summary *cells[2] = {&pow_adj, &pow_raw};
    for (int i = 0; i < 2; i++) {
        double m = hypot(cells[i]->empirical_se / sqrt(ENGINE_REPS), cells[i]->true_effect_mcse);
        ABS_EQ(cells[i]->mean_estimate, cells[i]->true_effect, 4.0 * m + 0.01,
               "%s po: mean estimate near its true effect (small-sample bias of a logit MLE "
               "is O(1/n): the 0.01)", i ? "unadjusted" : "adjusted");
    }
    double z_adj = pow_adj.true_effect / pow_adj.empirical_se;
    double z_raw = pow_raw.true_effect / pow_raw.empirical_se;
    printf("INFO latent_corr 0.5, OR 1.67, n 206: type I %.4f; power adjusted %.4f vs %.4f; "
           "true log OR %.4f vs %.4f; empirical SE %.4f vs %.4f; n ratio for equal power "
           "%.3f\n", null_adj.power, pow_adj.power, pow_raw.power, pow_adj.true_effect,
           pow_raw.true_effect, pow_adj.empirical_se, pow_raw.empirical_se,
           (z_raw * z_raw) / (z_adj * z_adj));
}

int main(void)
{
    test_reference();
    test_failures();
    test_random_tables();
    test_large();
    test_power();
    test_covariates();
    test_engine_adjusted();
    return TEST_DONE();
}
