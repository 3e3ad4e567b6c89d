/*
 * Tests of the analyses (sim/analyses/) and of the critical-value machinery.
 *
 * 1. Reference results: every analysis on the data sets of tests/ref/analysis_*_data.csv
 *    against R's results in tests/ref/analysis_ref.csv, both written by
 *    tests/ref/make_ref.R (t.test, lm, chisq.test(correct = FALSE), prop.test,
 *    fisher.test; R 4.2). Agreement to REF_TOL.
 * 2. Decisions: reject == (p < alpha) over >= 1e5 random data sets per group, including
 *    Welch df that are not integers and df above max_df, data shifted so the statistic sits
 *    on the critical value, and statistics placed on, and ulps around, every tabulated
 *    boundary and bracket edge.
 * 3. Intervals: mscsim_analysis_ci equals the qt-based interval bit for bit and
 *    mscsim_analysis_covers agrees with it, including truths on and next to its ends.
 * 4. Fisher's p-values against a direct transcription of fisher.test on Rmath's dhyper and
 *    phyper over the whole support (no early stopping).
 * 5. Failures, the registry and settings validation.
 * Everything is deterministic: the data come from a fixed-seed splitmix64 stream.
 */

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "analyses/analysis_impl.h"
#include "harness.h"
#include "splitmix.h"
#include "ref_table.h"
#include "mathlib.h"
#include "mscsim/analysis.h"
#include "mscsim/trial.h"

#ifndef MSCSIM_TEST_DIR
#error "define MSCSIM_TEST_DIR as the absolute path of tests/"
#endif

/* Agreement required with R (1e-10): the formulas are the same but are
 * evaluated in a different order (sufficient statistics vs. R's QR and sum((O - E)^2 / E)),
 * which costs up to ~1e3 ulps on the badly conditioned cases (offset 1e6, p ~ 1e-40). */
#define REF_TOL 1e-10
/* Ill-conditioned data (values around 1e6 with unit spread): a mean of values of size V
 * is only known to ~ulp(V) / 2, and that moves the estimate by as much and t by that / SE,
 * whatever the method (R's lm on raw and on shifted data differ by 2e-10 on case
 * c06_offset_1e6). Per case the tolerance is max(REF_TOL, COND_ULPS eps V / SE). */
#define COND_ULPS 8.0
/* Below this a p-value is compared absolutely (relative accuracy is lost in denormals). */
#define P_TINY 1e-300
/* Random data sets per group in the decision tests. */
#define N_RANDOM 100000
/* Ulps probed on each side of a boundary. */
#define ULP_PROBE 4

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ======================================================================================
 * Test-only random numbers (tests/splitmix.h)
 * ====================================================================================== */

static size_t runif_int(size_t lo, size_t hi) /* lo..hi inclusive; modulo bias irrelevant */
{
    return lo + (size_t)(next_u64() % (uint64_t)(hi - lo + 1));
}

/* ======================================================================================
 * Helpers
 * ====================================================================================== */

static mscsim_analysis_settings *settings(double alpha, int sides, double conf, size_t max_df,
                                          int want_p)
{
    mscsim_analysis_settings *s = NULL;
    mscsim_error err;
    if (mscsim_analysis_settings_new(alpha, sides, conf, max_df, want_p, &s, &err) != MSCSIM_OK) {
        fprintf(stderr, "settings_new failed: %s\n", err.msg);
        exit(2);
    }
    return s;
}

/* p-values: relative agreement to tol, absolute below P_TINY. */
static int p_close_tol(double got, double want, double tol)
{
    if (want >= P_TINY)
        return fabs(got - want) <= tol * want;
    return fabs(got - want) <= P_TINY;
}

static int p_close(double got, double want)
{
    return p_close_tol(got, want, REF_TOL);
}

static void run(const mscsim_analysis_type *a, const double *y0, const double *x0, size_t n0,
                const double *y1, const double *x1, size_t n1, const mscsim_analysis_settings *s,
                mscsim_analysis_result *r)
{
    const double *y[2] = {y0, y1};
    size_t n[2] = {n0, n1};
    mscsim_trial_data d;
    mscsim_trial_data_set(&d, y, n);
    /* The baseline x, when given, is the one covariate of an adjusted analysis. */
    d.cov[0][0] = x0;
    d.cov[1][0] = x1;
    d.cov_count = x0 && x1 ? 1 : 0;
    a->analyze(&d, s, r);
}

/* 0/1 endpoint with x events among n, into buf. */
static const double *binary_arm(double *buf, size_t n, size_t x)
{
    for (size_t i = 0; i < n; i++)
        buf[i] = i < x ? 1.0 : 0.0;
    return buf;
}

/* ======================================================================================
 * 1. Reference results from tests/ref/make_ref.R
 * ====================================================================================== */

#define MAX_ARM 4000

typedef struct {
    double y[2][MAX_ARM], x[2][MAX_ARM];
    size_t n[2];
} arms;

/* Loads case from the continuous data (long format) or the binary counts; 0 if absent. */
static int load_case(const table *cont, const table *bin, const char *case_name, arms *d)
{
    d->n[0] = d->n[1] = 0;
    size_t cc = table_col(cont, "case"), ca = table_col(cont, "arm"), cy = table_col(cont, "y"),
           cx = table_col(cont, "x");
    int found = 0;
    for (size_t i = 0; i < cont->nrow; i++) {
        if (strcmp(table_get(cont, i, cc), case_name) != 0)
            continue;
        int a = atoi(table_get(cont, i, ca));
        d->y[a][d->n[a]] = num(table_get(cont, i, cy));
        d->x[a][d->n[a]] = num(table_get(cont, i, cx));
        d->n[a]++;
        found = 1;
    }
    if (found)
        return 1;
    size_t bc = table_col(bin, "case");
    for (size_t i = 0; i < bin->nrow; i++) {
        if (strcmp(table_get(bin, i, bc), case_name) != 0)
            continue;
        const char *col[4] = {"n0", "x0", "n1", "x1"};
        size_t v[4];
        for (int k = 0; k < 4; k++)
            v[k] = (size_t)atol(table_get(bin, i, table_col(bin, col[k])));
        d->n[0] = v[0];
        d->n[1] = v[2];
        binary_arm(d->y[0], v[0], v[1]);
        binary_arm(d->y[1], v[2], v[3]);
        memset(d->x, 0, sizeof d->x);
        return 1;
    }
    return 0;
}

static void test_reference(void)
{
    table cont, bin, ref;
    CHECK(table_read(&cont, "analysis_continuous_data.csv"), "read analysis_continuous_data.csv");
    CHECK(table_read(&bin, "analysis_binary_data.csv"), "read analysis_binary_data.csv");
    CHECK(table_read(&ref, "analysis_ref.csv"), "read analysis_ref.csv");
    CHECK(ref.nrow >= 150, "analysis_ref.csv has %zu rows", ref.nrow);

    mscsim_analysis_settings *s2 = settings(0.05, 2, 0.95, 1000, 1);
    mscsim_analysis_settings *s1 = settings(0.05, 1, 0.95, 1000, 1);
    static arms d;
    const char *fields[] = {"statistic", "df", "p_value", "estimate", "se", "ci_lo", "ci_hi"};
    size_t col[7];
    for (int k = 0; k < 7; k++)
        col[k] = table_col(&ref, fields[k]);
    size_t c_case = table_col(&ref, "case"), c_an = table_col(&ref, "analysis"),
           c_sides = table_col(&ref, "sides"), c_failed = table_col(&ref, "failed");

    for (size_t i = 0; i < ref.nrow; i++) {
        const char *cs = table_get(&ref, i, c_case), *an = table_get(&ref, i, c_an);
        int sides = atoi(table_get(&ref, i, c_sides));
        int failed = atoi(table_get(&ref, i, c_failed));
        const mscsim_analysis_type *a = mscsim_analysis_find(an);
        if (!a || !load_case(&cont, &bin, cs, &d)) {
            CHECK(0, "%s %s: unknown analysis or case", cs, an);
            continue;
        }
        const mscsim_analysis_settings *s = sides == 1 ? s1 : s2;
        mscsim_analysis_result r;
        run(a, d.y[0], d.x[0], d.n[0], d.y[1], d.x[1], d.n[1], s, &r);
        /* Values: make_ref.R (R 4.2), column "<field>" of analysis_ref.csv. */
        INT_EQ(r.failed, failed, "%s %s sides %d failed [make_ref.R]", cs, an, sides);
        if (failed) {
            double lo, hi;
            mscsim_analysis_ci(s, &r, &lo, &hi);
            CHECK(r.reject == 0 && isnan(r.p_value) && isnan(lo) && isnan(hi) &&
                      !mscsim_analysis_covers(s, &r, 0.0),
                  "%s %s sides %d failed: reject 0, NaN p and CI, no coverage", cs, an, sides);
            continue;
        }
        double want[7];
        for (int k = 0; k < 7; k++)
            want[k] = num(table_get(&ref, i, col[k]));
        double scale = 0.0;
        for (int arm = 0; arm < 2; arm++)
            for (size_t j = 0; j < d.n[arm]; j++)
                scale = fmax(scale, fmax(fabs(d.y[arm][j]), fabs(d.x[arm][j])));
        double tol = want[4] > 0.0 ? fmax(REF_TOL, COND_ULPS * DBL_EPSILON * scale / want[4])
                                   : REF_TOL;
        /* p moves by |d log p / dt| ~ max(1, |t|) per unit of t, t by ~tol |t|. */
        double p_tol = REF_TOL + (tol - REF_TOL) * fmax(1.0, want[0] * want[0]);
        double lo, hi;
        mscsim_analysis_ci(s, &r, &lo, &hi);
        REL_EQ(r.statistic, want[0], tol, "%s %s sides %d statistic [make_ref.R]", cs, an,
               sides);
        if (isinf(want[1]))
            CHECK(isinf(r.df) && r.df > 0, "%s %s df Inf [make_ref.R]", cs, an);
        else
            REL_EQ(r.df, want[1], tol, "%s %s sides %d df [make_ref.R]", cs, an, sides);
        CHECK(p_close_tol(r.p_value, want[2], p_tol),
              "%s %s sides %d p: got %.17g want %.17g (rel tol %g) [make_ref.R]", cs, an, sides,
              r.p_value, want[2], p_tol);
        REL_EQ(r.estimate, want[3], tol, "%s %s sides %d estimate [make_ref.R]", cs, an, sides);
        REL_EQ(r.se, want[4], tol, "%s %s sides %d se [make_ref.R]", cs, an, sides);
        REL_EQ(lo, want[5], tol, "%s %s sides %d ci_lo [make_ref.R]", cs, an, sides);
        REL_EQ(hi, want[6], tol, "%s %s sides %d ci_hi [make_ref.R]", cs, an, sides);
        /* The decision agrees with R's p unless that p is within rounding of alpha. */
        if (fabs(want[2] - 0.05) > 1e-9)
            INT_EQ(r.reject, want[2] < 0.05, "%s %s sides %d reject == (R p < 0.05)", cs, an,
                   sides);
    }
    mscsim_analysis_settings_free(s1);
    mscsim_analysis_settings_free(s2);
    table_free(&cont);
    table_free(&bin);
    table_free(&ref);
}

/* ======================================================================================
 * 2. Decisions agree with p < alpha
 * ====================================================================================== */

/* The tables hold Rmath's quantiles. */
static void test_tables(const mscsim_analysis_settings *s, const char *label)
{
    size_t bad = 0;
    for (size_t k = 1; k <= s->max_df; k++) {
        double df = (double)k;
        bad += s->crit[k] != qt(s->alpha / s->sides, df, 0, 0);
        bad += s->ci_q[k] != qt(0.5 * (1.0 - s->conf_level), df, 0, 0);
        bad += fabs(s->ci_q[k] / qt((1.0 + s->conf_level) / 2.0, df, 1, 0) - 1.0) > 1e-13;
    }
    INT_EQ(bad, 0, "%s: crit[k], ci_q[k] are qt's quantiles, k = 1..%zu", label, s->max_df);
    CHECK(s->z_crit == qnorm(s->alpha / s->sides, 0.0, 1.0, 0, 0) &&
              s->chisq_crit == qchisq(s->alpha, 1.0, 0, 0),
          "%s: normal %.17g and chi-square %.17g critical values", label, s->z_crit,
          s->chisq_crit);
}

/* The half-width of the band in which analysis_settings.c computes p (its band()). */
static double band_of(double v)
{
    return SIM_ANALYSIS_BRACKET_MARGIN * fmax(fabs(v), 1.0);
}

/* Probe t_reject against p < alpha at t and ULP_PROBE ulps either side (and at -t). */
static size_t probe(const mscsim_analysis_settings *s, double t, double df, size_t *count)
{
    size_t bad = 0;
    for (int sign = -1; sign <= 1; sign += 2) {
        double u = sign * t;
        for (int i = 0; i < ULP_PROBE; i++)
            u = nextafter(u, -INFINITY);
        for (int i = 0; i <= 2 * ULP_PROBE; i++, u = nextafter(u, INFINITY)) {
            int want = sim_analysis_t_pvalue(u, df, s->sides) < s->alpha;
            if (sim_analysis_t_reject(s, u, df) != want) {
                bad++;
                if (bad <= 3)
                    printf("  mismatch: t %.17g df %.17g p %.17g reject %d\n", u, df,
                           sim_analysis_t_pvalue(u, df, s->sides), !want);
            }
            (*count)++;
        }
    }
    return bad;
}

/* Statistics right at the boundaries: every table entry, both bracket edges and their
 * margins for non-integer df (including df a hair away from an integer), the exact qt
 * quantile for that df, and df beyond max_df. */
static void test_edges(const mscsim_analysis_settings *s, const char *label)
{
    size_t bad = 0, count = 0;
    for (size_t k = 1; k <= s->max_df; k++) {
        double c = s->crit[k];
        bad += probe(s, c, (double)k, &count) + probe(s, c + band_of(c), (double)k, &count) +
               probe(s, c - band_of(c), (double)k, &count);
    }
    const double fracs[] = {1e-13, 1e-9, 0.25, 0.5, 0.75, 1.0 - 1e-9, 1.0 - 1e-13};
    for (size_t k = 1; k < s->max_df; k++) {
        for (size_t f = 0; f < ARRAY_LEN(fracs); f++) {
            double nu = (double)k + fracs[f];
            double lo = s->crit[k + 1], hi = s->crit[k];
            double q = qt(s->alpha / s->sides, nu, 0, 0);
            bad += probe(s, lo, nu, &count) + probe(s, hi, nu, &count) + probe(s, q, nu, &count);
            bad += probe(s, lo - band_of(lo), nu, &count) + probe(s, hi + band_of(hi), nu, &count);
        }
    }
    const double beyond[] = {(double)s->max_df + 1e-9, (double)s->max_df + 0.5,
                             (double)s->max_df + 1.0, 2.0 * (double)s->max_df, 1e5, 1e7, 1e12};
    for (size_t f = 0; f < ARRAY_LEN(beyond); f++) {
        double nu = beyond[f], q = qt(s->alpha / s->sides, nu, 0, 0);
        double hi = s->crit[s->max_df], lo = s->z_crit;
        bad += probe(s, q, nu, &count) + probe(s, lo, nu, &count) + probe(s, hi, nu, &count);
        bad += probe(s, lo - band_of(lo), nu, &count) + probe(s, hi + band_of(hi), nu, &count);
    }
    double z = s->z_crit;
    bad += probe(s, z, INFINITY, &count) + probe(s, z + band_of(z), INFINITY, &count) +
           probe(s, z - band_of(z), INFINITY, &count);
    INT_EQ(bad, 0, "%s: reject == (p < alpha) at %zu t statistics on and around boundaries",
           label, count);
    /* Chi-square on 1 df: around qchisq and the band edges. */
    size_t cbad = 0, ccount = 0;
    const double cc = s->chisq_crit, starts[3] = {cc, cc + band_of(cc), cc - band_of(cc)};
    for (int e = 0; e < 3; e++) {
        double u = starts[e];
        for (int i = 0; i < 4 * ULP_PROBE; i++)
            u = nextafter(u, -INFINITY);
        for (int i = 0; i <= 8 * ULP_PROBE; i++, u = nextafter(u, INFINITY), ccount++)
            cbad += sim_analysis_chisq1_reject(s, u) != (pchisq(u, 1.0, 0, 0) < s->alpha);
    }
    INT_EQ(cbad, 0, "%s: chi-square reject == (p < alpha) at %zu statistics around %.17g",
           label, ccount, cc);
}

typedef struct {
    size_t runs, mismatch, failed, rejected, nonint_df, beyond_df;
} tally;

static void tally_result(tally *t, const mscsim_analysis_settings *s,
                         const mscsim_analysis_result *r)
{
    t->runs++;
    if (r->failed) {
        t->failed++;
        t->mismatch += r->reject != 0;
        return;
    }
    t->rejected += r->reject;
    t->mismatch += r->reject != (r->p_value < s->alpha);
    if (isfinite(r->df) && r->df != floor(r->df))
        t->nonint_df++;
    if (isfinite(r->df) && r->df > (double)s->max_df)
        t->beyond_df++;
}

/* Random continuous trials: arms of 2..60 (some with 1), unequal SDs, a baseline with
 * random correlation; with probability 1/2 arm 1 is shifted so that the statistic lands
 * on the critical value of its own df (the hardest case for the bracket). */
static void test_random_continuous(const mscsim_analysis_type *a,
                                   const mscsim_analysis_settings *s, const char *label)
{
    static double y[2][64], x[2][64];
    tally t = {0};
    for (int it = 0; it < N_RANDOM; it++) {
        size_t n[2] = {runif_int(1, 60), runif_int(2, 60)};
        double sd[2] = {exp(rnorm1()), exp(rnorm1())}, rho = 2.0 * unif() - 1.0;
        double effect = 0.6 * rnorm1();
        for (int arm = 0; arm < 2; arm++)
            for (size_t i = 0; i < n[arm]; i++) {
                x[arm][i] = rnorm1();
                y[arm][i] = arm * effect +
                            sd[arm] * (rho * x[arm][i] + sqrt(1.0 - rho * rho) * rnorm1());
            }
        mscsim_analysis_result r;
        run(a, y[0], x[0], n[0], y[1], x[1], n[1], s, &r);
        if (!r.failed && (it & 1)) {
            /* Move the msc arm so that t equals the critical value of df r.df. */
            double target = qt(s->alpha / s->sides, r.df, 0, 0);
            if (s->sides == 2 && unif() < 0.5)
                target = -target;
            double shift = target * r.se - r.estimate;
            for (size_t i = 0; i < n[1]; i++)
                y[1][i] += shift;
            run(a, y[0], x[0], n[0], y[1], x[1], n[1], s, &r);
        }
        tally_result(&t, s, &r);
    }
    INT_EQ(t.mismatch, 0,
           "%s: reject == (p < alpha) in %zu random trials (%zu failed, %zu rejected, %zu "
           "non-integer df, %zu df > max_df %zu)",
           label, t.runs, t.failed, t.rejected, t.nonint_df, t.beyond_df, s->max_df);
    CHECK(t.rejected > 1000 && t.runs - t.failed - t.rejected > 1000,
          "%s: both decisions occur", label);
    if (strncmp(label, "welch", 5) == 0 && s->max_df < 100)
        CHECK(t.nonint_df > N_RANDOM / 2 && t.beyond_df > 1000,
              "%s: covers non-integer df and df beyond the table", label);
}

static void test_random_binary(const mscsim_analysis_type *a, const mscsim_analysis_settings *s,
                               const char *label)
{
    static double y[2][200];
    tally t = {0};
    for (int it = 0; it < N_RANDOM; it++) {
        size_t n[2] = {runif_int(0, 150), runif_int(1, 150)};
        double p0 = unif(), p1 = unif() < 0.5 ? p0 : unif();
        size_t x[2] = {0, 0};
        for (size_t i = 0; i < n[0]; i++)
            x[0] += unif() < p0;
        for (size_t i = 0; i < n[1]; i++)
            x[1] += unif() < p1;
        mscsim_analysis_result r;
        run(a, binary_arm(y[0], n[0], x[0]), NULL, n[0], binary_arm(y[1], n[1], x[1]), NULL,
            n[1], s, &r);
        tally_result(&t, s, &r);
    }
    INT_EQ(t.mismatch, 0, "%s: reject == (p < alpha) in %zu random tables (%zu failed, %zu "
           "rejected)", label, t.runs, t.failed, t.rejected);
}

static void test_decisions(void)
{
    /* Small max_df so that many Welch df exceed the table. */
    const struct {
        double alpha;
        int sides;
        size_t max_df;
    } cfg[] = {{0.05, 2, 40}, {0.05, 1, 40}, {0.01, 2, 120}, {0.2, 1, 15}, {0.9, 1, 30}};
    const char *cont[] = {"student", "welch", "ancova"};
    const char *bin[] = {"chisq", "fisher"};
    for (size_t c = 0; c < ARRAY_LEN(cfg); c++) {
        mscsim_analysis_settings *s = settings(cfg[c].alpha, cfg[c].sides, 0.95, cfg[c].max_df, 1);
        char label[128];
        snprintf(label, sizeof label, "alpha %g sides %d max_df %zu", cfg[c].alpha, cfg[c].sides,
                 cfg[c].max_df);
        test_tables(s, label);
        test_edges(s, label);
        /* The full random runs for the main design, a lighter one for the others. */
        for (size_t k = 0; k < ARRAY_LEN(cont); k++) {
            if (c != 0 && c != 2 && k != 1)
                continue;
            char l2[160];
            snprintf(l2, sizeof l2, "%s %s", cont[k], label);
            test_random_continuous(mscsim_analysis_find(cont[k]), s, l2);
        }
        for (size_t k = 0; k < ARRAY_LEN(bin); k++) {
            if (c > 1)
                continue;
            char l2[160];
            snprintf(l2, sizeof l2, "%s %s", bin[k], label);
            test_random_binary(mscsim_analysis_find(bin[k]), s, l2);
        }
        mscsim_analysis_settings_free(s);
    }

    /* want_p = 0 changes nothing but the p_value field. */
    mscsim_analysis_settings *sp = settings(0.05, 2, 0.95, 40, 1);
    mscsim_analysis_settings *sn = settings(0.05, 2, 0.95, 40, 0);
    static double y[2][64];
    size_t diff = 0, p_filled = 0;
    const mscsim_analysis_type *w = mscsim_analysis_find("welch");
    for (int it = 0; it < 10000; it++) {
        size_t n[2] = {runif_int(2, 60), runif_int(2, 60)};
        for (int arm = 0; arm < 2; arm++)
            for (size_t i = 0; i < n[arm]; i++)
                y[arm][i] = arm * 0.5 + (arm ? 2.0 : 1.0) * rnorm1();
        mscsim_analysis_result a, b;
        run(w, y[0], NULL, n[0], y[1], NULL, n[1], sp, &a);
        run(w, y[0], NULL, n[0], y[1], NULL, n[1], sn, &b);
        diff += a.reject != b.reject || a.statistic != b.statistic || a.df != b.df;
        p_filled += !isnan(b.p_value);
    }
    INT_EQ(diff, 0, "welch: want_p = 0 gives the same decisions as want_p = 1");
    INT_EQ(p_filled, 0, "welch: want_p = 0 leaves p_value NaN");
    mscsim_analysis_settings_free(sp);
    mscsim_analysis_settings_free(sn);
}

/* ======================================================================================
 * 3. Confidence intervals
 * ====================================================================================== */

static void test_intervals(void)
{
    const double conf[] = {0.95, 0.9, 0.999};
    size_t bad_ci = 0, bad_cov = 0, count = 0, q_bad = 0;
    for (size_t c = 0; c < ARRAY_LEN(conf); c++) {
        mscsim_analysis_settings *s = settings(0.05, 2, conf[c], 50, 0);
        for (int it = 0; it < 20000; it++) {
            mscsim_analysis_result r = {0};
            r.estimate = 3.0 * rnorm1();
            r.se = exp(rnorm1());
            double u = unif();
            r.df = u < 0.25   ? (double)runif_int(1, 50)
                   : u < 0.5  ? 1.0 + 60.0 * unif()
                   : u < 0.6  ? (double)runif_int(1, 49) + (unif() < 0.5 ? 1e-12 : 1.0 - 1e-12)
                   : u < 0.85 ? 50.0 + 1e4 * unif()
                              : (double)INFINITY;
            /* The exact interval: the same upper-tail qt call the implementation uses. */
            double q = isinf(r.df) ? qnorm(0.5 * (1.0 - conf[c]), 0.0, 1.0, 0, 0)
                                   : qt(0.5 * (1.0 - conf[c]), r.df, 0, 0);
            double qq = isinf(r.df) ? qnorm((1.0 + conf[c]) / 2.0, 0.0, 1.0, 1, 0)
                                    : qt((1.0 + conf[c]) / 2.0, r.df, 1, 0);
            q_bad += fabs(q / qq - 1.0) > 1e-12;
            double lo = r.estimate - q * r.se, hi = r.estimate + q * r.se, glo, ghi;
            mscsim_analysis_ci(s, &r, &glo, &ghi);
            bad_ci += glo != lo || ghi != hi;
            /* Truths at and around both ends, across the bracket, and random ones. */
            double truths[12] = {lo, hi, r.estimate, r.estimate + 10.0 * r.se * rnorm1()};
            int nt = 4;
            for (int e = 0; e < 2; e++) {
                double t0 = e ? hi : lo;
                truths[nt++] = nextafter(t0, -INFINITY);
                truths[nt++] = nextafter(t0, INFINITY);
                truths[nt++] = t0 * (1.0 + 1e-13);
                truths[nt++] = t0 * (1.0 - 1e-13);
            }
            for (int k = 0; k < nt; k++) {
                int want = lo <= truths[k] && truths[k] <= hi;
                bad_cov += mscsim_analysis_covers(s, &r, truths[k]) != want;
                count++;
            }
        }
        mscsim_analysis_settings_free(s);
    }
    INT_EQ(q_bad, 0, "CI quantile qt(1 - conf)/2 upper) == qt((1 + conf)/2) to 1e-12");
    INT_EQ(bad_ci, 0, "mscsim_analysis_ci equals est -/+ qt * se bit for bit (60000 results)");
    INT_EQ(bad_cov, 0, "mscsim_analysis_covers agrees with the exact interval (%zu truths)",
           count);
}

/* ======================================================================================
 * 4. Fisher against fisher.test transcribed on Rmath's dhyper/phyper
 * ====================================================================================== */

/* fisher.test for a 2x2 table, as in R: m events, f non-events, k msc patients, x events
 * in msc; logdc <- dhyper(support, m, n, k, log = TRUE); d <- exp(logdc - max(logdc));
 * d <- d / sum(d); two-sided: sum(d[d <= d[x - lo + 1] * (1 + 1e-7)]); greater:
 * phyper(x - 1, m, n, k, lower.tail = FALSE). Full support, no early stopping. */
static double fisher_r(double m, double f, double k, double x, int sides)
{
    if (sides == 1)
        return fmin(1.0, phyper(x - 1.0, m, f, k, 0, 0));
    double lo = fmax(0.0, k - f), hi = fmin(k, m), mx = -INFINITY;
    for (double j = lo; j <= hi; j++)
        mx = fmax(mx, dhyper(j, m, f, k, 1));
    double total = 0.0, tail = 0.0, dx = exp(dhyper(x, m, f, k, 1) - mx);
    for (double j = lo; j <= hi; j++) {
        double d = exp(dhyper(j, m, f, k, 1) - mx);
        total += d;
        if (d <= dx * (1.0 + 1e-7))
            tail += d;
    }
    return fmax(0.0, fmin(1.0, tail / total));
}

static void test_fisher(void)
{
    const mscsim_analysis_type *fi = mscsim_analysis_find("fisher");
    static double y[2][MAX_ARM];
    size_t bad = 0, count = 0;
    double worst = 0.0;
    for (int sides = 1; sides <= 2; sides++) {
        mscsim_analysis_settings *s = settings(0.05, sides, 0.95, 10, 0);
        for (int it = 0; it < 3000; it++) {
            /* Sizes from 1 to 3000 on a log scale, probabilities anywhere. */
            size_t n[2] = {(size_t)exp(unif() * log(3000.0)), (size_t)exp(unif() * log(3000.0))};
            double p0 = unif(), p1 = unif() < 0.3 ? p0 : unif();
            size_t x[2] = {0, 0};
            for (size_t i = 0; i < n[0]; i++)
                x[0] += unif() < p0;
            for (size_t i = 0; i < n[1]; i++)
                x[1] += unif() < p1;
            mscsim_analysis_result r;
            run(fi, binary_arm(y[0], n[0], x[0]), NULL, n[0], binary_arm(y[1], n[1], x[1]), NULL,
                n[1], s, &r);
            double m = (double)(x[0] + x[1]), total = (double)(n[0] + n[1]);
            double want = fisher_r(m, total - m, (double)n[1], (double)x[1], sides);
            count++;
            if (!p_close(r.p_value, want) || r.reject != (r.p_value < 0.05)) {
                bad++;
                if (bad < 5)
                    printf("  fisher sides %d n0 %zu x0 %zu n1 %zu x1 %zu: %.17g vs %.17g\n",
                           sides, n[0], x[0], n[1], x[1], r.p_value, want);
            }
            if (want >= P_TINY)
                worst = fmax(worst, fabs(r.p_value / want - 1.0));
        }
        mscsim_analysis_settings_free(s);
    }
    INT_EQ(bad, 0, "fisher p == fisher.test on dhyper/phyper, %zu tables n <= 3000 "
           "(worst rel diff %.2g)", count, worst);
}

/* ======================================================================================
 * 5. Failures, registry, settings
 * ====================================================================================== */

static void expect_failed(const char *name, const double *y0, const double *x0, size_t n0,
                          const double *y1, const double *x1, size_t n1, const char *what)
{
    mscsim_analysis_settings *s = settings(0.05, 2, 0.95, 100, 1);
    mscsim_analysis_result r;
    run(mscsim_analysis_find(name), y0, x0, n0, y1, x1, n1, s, &r);
    double lo, hi;
    mscsim_analysis_ci(s, &r, &lo, &hi);
    CHECK(r.failed == 1 && r.reject == 0 && isnan(lo) && isnan(hi) &&
              !mscsim_analysis_covers(s, &r, 0.0),
          "%s, %s: failed = 1, reject = 0, NaN CI, not covering", name, what);
    mscsim_analysis_settings_free(s);
}

static void test_failures(void)
{
    const double a[] = {1.0, 2.5, 3.0, 4.5, 2.0, 0.5}, b[] = {0.3, 1.7, 2.2, 5.1, 3.3, 1.1};
    const double c3[] = {3.0, 3.0, 3.0, 3.0}, c7[] = {7.0, 7.0, 7.0, 7.0, 7.0};
    const double tenth[] = {0.1, 0.1, 0.1, 0.1, 0.1, 0.1}; /* mean 0.1 is inexact */
    const char *cont[] = {"student", "welch"};
    for (int k = 0; k < 2; k++) {
        expect_failed(cont[k], a, NULL, 1, b, NULL, 6, "control n = 1");
        expect_failed(cont[k], a, NULL, 6, b, NULL, 1, "msc n = 1");
        expect_failed(cont[k], a, NULL, 0, b, NULL, 6, "empty control");
        expect_failed(cont[k], c3, NULL, 4, c7, NULL, 5, "zero variance in both arms");
        expect_failed(cont[k], tenth, NULL, 3, tenth, NULL, 6, "constant 0.1 (t.test: "
                      "essentially constant)");
    }
    expect_failed("ancova", a, b, 0, b, a, 6, "empty control");
    expect_failed("ancova", a, b, 1, b, a, 2, "n = 3");
    expect_failed("ancova", a, c3, 4, b, c3, 4, "constant baseline");
    expect_failed("ancova", a, NULL, 4, b, NULL, 4, "no baseline (x NULL)");
    expect_failed("ancova", c3, a, 4, c7, b, 5, "zero variance of y within arms");
    /* y exactly linear in x within arms: SSE is 0. */
    const double xl[] = {1, 2, 3, 4}, yl0[] = {2, 4, 6, 8}, yl1[] = {5, 7, 9, 11};
    expect_failed("ancova", yl0, xl, 4, yl1, xl, 4, "exact fit");
    expect_failed("ancova", tenth, a, 3, tenth, b, 6, "constant 0.1 (essentially constant)");

    static double y0[50], y1[50];
    const char *bin[] = {"chisq", "fisher"};
    for (int k = 0; k < 2; k++) {
        expect_failed(bin[k], binary_arm(y0, 0, 0), NULL, 0, binary_arm(y1, 10, 4), NULL, 10,
                      "empty control");
        expect_failed(bin[k], binary_arm(y0, 10, 4), NULL, 10, binary_arm(y1, 0, 0), NULL, 0,
                      "empty msc arm");
        expect_failed(bin[k], a, NULL, 3, b, NULL, 3, "endpoint not 0/1");
    }
    expect_failed("chisq", binary_arm(y0, 20, 0), NULL, 20, binary_arm(y1, 20, 0), NULL, 20,
                  "zero margin (no events)");
    expect_failed("chisq", binary_arm(y0, 20, 20), NULL, 20, binary_arm(y1, 30, 30), NULL, 30,
                  "zero margin (all events)");

    /* Fisher with a zero margin is not a failure: p = 1, as fisher.test. */
    mscsim_analysis_settings *s = settings(0.05, 2, 0.95, 100, 0);
    mscsim_analysis_result r;
    run(mscsim_analysis_find("fisher"), binary_arm(y0, 20, 0), NULL, 20, binary_arm(y1, 20, 0),
        NULL, 20, s, &r);
    CHECK(!r.failed && !r.reject && r.p_value == 1.0,
          "fisher zero margin: p = 1 (fisher.test), p filled without want_p");
    /* Welch with one zero variance carries on, as t.test: df = n1 - 1. */
    run(mscsim_analysis_find("welch"), c3, NULL, 4, b, NULL, 6, s, &r);
    CHECK(!r.failed && fabs(r.df - 5.0) < 1e-12, "welch, control constant: df %.17g = n1 - 1",
          r.df);
    mscsim_analysis_settings_free(s);
}

static void test_registry(void)
{
    const char *names[] = {"student", "welch", "ancova",   "chisq",     "fisher",
                           "rd_z",    "po",    "po_lr",    "wilcoxon", "worst_rank",
                           "mmrm",    "clda"};
    enum { COUNT = sizeof names / sizeof names[0] };
    const mscsim_analysis_type *const *list = mscsim_analysis_list();
    size_t n = 0;
    while (list[n])
        n++;
    INT_EQ(n, COUNT, "mscsim_analysis_list is NULL-terminated with %d analyses", COUNT);
    for (size_t i = 0; i < COUNT && i < n; i++) {
        STR_EQ(list[i]->name, names[i], "registry entry %zu", i);
        CHECK(mscsim_analysis_find(names[i]) == list[i], "find(\"%s\")", names[i]);
        CHECK(list[i]->analyze && list[i]->description && list[i]->outcomes,
              "%s has analyze, description, outcomes", names[i]);
        /* ancova adjusts for it; the longitudinal analyses model it (min_visits > 0). */
        INT_EQ(list[i]->uses_baseline, strcmp(names[i], "ancova") == 0 || list[i]->min_visits > 0,
               "%s uses_baseline", names[i]);
    }
    CHECK(mscsim_analysis_find("nope") == NULL, "find(\"nope\") is NULL");
    CHECK(mscsim_analysis_find(NULL) == NULL, "find(NULL) is NULL");
}

static void test_settings(void)
{
    const struct {
        double alpha;
        int sides;
        double conf;
        int want_p;
        const char *what;
    } bad[] = {
        {0.0, 2, 0.95, 0, "alpha 0"},     {1.0, 2, 0.95, 0, "alpha 1"},
        {-0.1, 2, 0.95, 0, "alpha < 0"},  {NAN, 2, 0.95, 0, "alpha NaN"},
        {0.05, 3, 0.95, 0, "sides 3"},    {0.05, 0, 0.95, 0, "sides 0"},
        {0.05, 2, 1.0, 0, "conf 1"},      {0.05, 2, 0.0, 0, "conf 0"},
        {0.05, 2, NAN, 0, "conf NaN"},    {0.05, 2, 0.95, 2, "want_p 2"},
    };
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        mscsim_analysis_settings *s = (mscsim_analysis_settings *)&s; /* must be reset */
        mscsim_error err;
        memset(&err, 0, sizeof err);
        int rc = mscsim_analysis_settings_new(bad[i].alpha, bad[i].sides, bad[i].conf, 100,
                                              bad[i].want_p, &s, &err);
        CHECK(rc != MSCSIM_OK && err.code == rc && s == NULL && err.msg[0] != '\0',
              "settings_new rejects %s (%.200s)", bad[i].what, err.msg);
    }
    mscsim_error err;
    CHECK(mscsim_analysis_settings_new(0.05, 2, 0.95, 10, 0, NULL, &err) == MSCSIM_EINVAL,
          "settings_new rejects out = NULL");
    mscsim_analysis_settings_free(NULL);
    CHECK(1, "settings_free(NULL) is a no-op");

    /* max_df 0: no tables, every decision and interval computed directly, still exact. */
    mscsim_analysis_settings *s = settings(0.05, 2, 0.95, 0, 1);
    const double a[] = {1.0, 2.5, 3.0, 4.5, 2.0}, b[] = {2.3, 3.7, 4.2, 5.1, 3.3};
    mscsim_analysis_result r;
    run(mscsim_analysis_find("student"), a, NULL, 5, b, NULL, 5, s, &r);
    double lo, hi, q = qt(0.5 * (1.0 - 0.95), 8.0, 0, 0);
    mscsim_analysis_ci(s, &r, &lo, &hi);
    CHECK(!r.failed && r.reject == (r.p_value < 0.05) && lo == r.estimate - q * r.se &&
              hi == r.estimate + q * r.se,
          "max_df 0: student decision and CI computed directly");
    mscsim_analysis_settings_free(s);
    /* Huge max_df is capped, not an error. */
    s = NULL;
    CHECK(mscsim_analysis_settings_new(0.05, 2, 0.95, (size_t)1 << 40, 0, &s, &err) ==
                  MSCSIM_OK &&
              s && s->max_df == SIM_ANALYSIS_MAX_DF_TABLE,
          "max_df above %zu is capped", SIM_ANALYSIS_MAX_DF_TABLE);
    mscsim_analysis_settings_free(s);
}

int main(void)
{
    splitmix_state = UINT64_C(0x5eed2024a11c0de5);
    test_registry();
    test_settings();
    test_reference();
    test_failures();
    test_intervals();
    test_fisher();
    test_decisions();
    return TEST_DONE();
}
