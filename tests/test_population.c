/*
 * Tests of the enrolled population (include/mscsim/population.h, sim/population.c).
 *
 * Configs are built by hand (memset 0, specs through mscsim_distspec_parse, unused
 * eligibility bounds -inf/+inf) with cfg.path inside tests/configs/, so the relative
 * empirical path ../data/pilot.csv resolves to tests/data/pilot.csv (a synthetic pilot
 * data set, tests/data/make_pilot.R).
 *
 * Statistical checks use fixed seeds and bounds a correct implementation fails with
 * probability about 1e-6 per check (no seed is retried):
 *   - DKW: sup |F_n - F| <= sqrt(log(2 / DKW_DELTA) / (2 n)) (Massart 1990);
 *   - chi-square goodness of fit below qchisq(1 - CHISQ_ALPHA, df);
 *   - means, shares and correlations within K_MCSE Monte Carlo standard errors: sd / sqrt(n)
 *     for means, sqrt(p (1 - p) / n) for shares, (1 - r^2) / sqrt(n) for a Pearson
 *     correlation r (its large-sample sd under bivariate normality; our pairs are a
 *     rounded normal against an exact normal score, close enough at this n).
 * Eligibility: the API returns only eligible patients, so the acceptance mechanism is
 * checked through what it must produce: every patient inside the windows, and the
 * drawn variables distributed as the specs conditioned on the windows (NIHSS
 * frequencies, age and onset CDFs). The eligible share of unwindowed candidates is
 * checked against its theoretical value separately.
 */
#include <float.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "mathlib.h"
#include "mscsim/config.h"
#include "mscsim/population.h"

#ifdef _OPENMP
#include <omp.h>
#endif

#define K_MCSE 5.0        /* two-sided normal tail 5.7e-7 */
#define DKW_DELTA 1e-6    /* DKW false-failure probability per check */
#define CHISQ_ALPHA 1e-6  /* chi-square false-failure probability per check */
#define N_PAT 200000      /* patients per statistical check */
#define PILOT_ROWS 200    /* rows of tests/data/pilot.csv */
#define CONFIG_PATH MSCSIM_TEST_DIR "/configs/population_test.ini" /* need not exist */
#define PILOT "../data/pilot.csv" /* relative to CONFIG_PATH's directory */

static double *buf[4]; /* N_PAT doubles each, shared by the tests */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static mscsim_config base_config(void)
{
    mscsim_config cfg;
    memset(&cfg, 0, sizeof cfg); /* every spec is "none" (kind 0) */
    snprintf(cfg.path, sizeof cfg.path, "%s", CONFIG_PATH);
    cfg.age_min = cfg.nihss_min = cfg.onset_min = -HUGE_VAL;
    cfg.age_max = cfg.nihss_max = cfg.onset_max = HUGE_VAL;
    return cfg;
}

static void set_spec(mscsim_dist_spec *s, const char *text)
{
    char why[256];
    if (mscsim_distspec_parse(text, s, why, sizeof why))
        CHECK(0, "test set-up: spec '%.200s': %.200s", text, why);
}

static mscsim_population *new_ok(const mscsim_config *cfg, unsigned needs, const char *what)
{
    mscsim_population *pop = NULL;
    mscsim_error err;
    memset(&err, 0, sizeof err);
    int st = mscsim_population_new(cfg, needs, &pop, &err);
    char msg[1024];
    CHECK(st == MSCSIM_OK && pop, "%s: population builds (%s)", what,
          st ? mscsim_error_format(&err, msg, sizeof msg) : "ok");
    return pop;
}

/* Builds and expects failure with status and location [section] key, msg containing
 * each of the NULL-terminated substrings. */
static void new_fails(const mscsim_config *cfg, unsigned needs, int status, const char *section,
                      const char *key, const char *const *parts, const char *what)
{
    mscsim_population *pop = (mscsim_population *)&pop; /* must be reset to NULL */
    mscsim_error err;
    memset(&err, 0, sizeof err);
    int st = mscsim_population_new(cfg, needs, &pop, &err);
    char msg[1024];
    mscsim_error_format(&err, msg, sizeof msg);
    INT_EQ(st, status, "%s: fails with the expected status (%.300s)", what, msg);
    CHECK(pop == NULL, "%s: *out is NULL on failure", what);
    STR_EQ(err.section, section, "%s: error section", what);
    STR_EQ(err.key, key, "%s: error key", what);
    if (section[0]) /* config errors are located in the config file */
        STR_EQ(err.file, cfg->path, "%s: error file is the config", what);
    for (int i = 0; parts[i]; i++)
        CHECK(strstr(err.msg, parts[i]) != NULL, "%.60s: message \"%.300s\" contains \"%.100s\"",
              what, err.msg, parts[i]);
}

static mscsim_covariates covariates(unsigned drawn)
{
    mscsim_covariates c = {NULL, NULL, NULL, NULL};
    if (drawn & MSCSIM_NEED_NIHSS)
        c.nihss = buf[0];
    if (drawn & MSCSIM_NEED_AGE)
        c.age = buf[1];
    if (drawn & MSCSIM_NEED_ONSET)
        c.onset = buf[2];
    if (drawn & MSCSIM_NEED_BASELINE)
        c.baseline = buf[3];
    return c;
}

/* P(round-and-clip of N(mu, sd) = k), the NIHSS scale's rule: floor(x + 0.5) clipped to
 * [0, 42]. */
static double p_rounded(double mu, double sd, int k)
{
    double lo = k == 0 ? -HUGE_VAL : k - 0.5, hi = k == 42 ? HUGE_VAL : k + 0.5;
    return pnorm(hi, mu, sd, 1, 0) - pnorm(lo, mu, sd, 1, 0);
}

static double dkw_eps(size_t n)
{
    return sqrt(log(2.0 / DKW_DELTA) / (2.0 * (double)n));
}

typedef double (*cdf_fn)(double x, const double *par);

/* Sorts x and checks sup |F_n - F| against the DKW bound. */
static void check_dkw(const char *what, double *x, size_t n, cdf_fn cdf, const double *par)
{
    qsort(x, n, sizeof x[0], cmp_double);
    double d = 0.0;
    for (size_t i = 0; i < n; i++) {
        double f = cdf(x[i], par);
        d = fmax(d, fmax(f - (double)i / (double)n, (double)(i + 1) / (double)n - f));
        if (isnan(f))
            d = INFINITY;
    }
    CHECK(d <= dkw_eps(n), "%s: DKW sup|F_n - F| = %.3g <= %.3g (n = %zu)", what, d, dkw_eps(n),
          n);
}

/* Chi-square of counts against probabilities p (renormalised over the k cells). */
static void check_chisq(const char *what, const long *count, const double *p, int k, long n)
{
    double total = 0.0, stat = 0.0;
    for (int i = 0; i < k; i++)
        total += p[i];
    for (int i = 0; i < k; i++) {
        double e = p[i] / total * (double)n;
        stat += ((double)count[i] - e) * ((double)count[i] - e) / e;
    }
    double crit = qchisq(CHISQ_ALPHA, k - 1, 0, 0);
    CHECK(stat < crit, "%s: chi-square %.1f < %.1f (%d df)", what, stat, crit, k - 1);
}

static double pearson(const double *x, const double *y, size_t n)
{
    double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
    for (size_t i = 0; i < n; i++) {
        mx += x[i];
        my += y[i];
    }
    mx /= (double)n;
    my /= (double)n;
    for (size_t i = 0; i < n; i++) {
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
        sxy += (x[i] - mx) * (y[i] - my);
    }
    return sxy / sqrt(sxx * syy);
}

/* ---- needs, drawn bits, errors ------------------------------------------------------- */

static void test_needs(void)
{
    mscsim_config cfg = base_config();
    set_spec(&cfg.nihss, "normal(12.3, 5)");
    set_spec(&cfg.age, "normal(62, 12)");
    set_spec(&cfg.onset_days, "uniform(7, 90)");
    set_spec(&cfg.baseline, "uniform(0, 49)");

    mscsim_population *pop = new_ok(&cfg, MSCSIM_NEED_NIHSS, "needs NIHSS");
    if (pop) {
        INT_EQ(mscsim_population_drawn(pop), MSCSIM_NEED_NIHSS, "drawn = needs when no window");
        /* Undrawn arrays: NULL, or a sentinel array that must be left alone. */
        for (int i = 0; i < 1000; i++)
            buf[1][i] = -7.0;
        mscsim_covariates c = {buf[0], buf[1], NULL, NULL};
        mscsim_rng rng;
        mscsim_rng_seed(&rng, 1u, 1u);
        mscsim_population_draw(pop, &rng, 1000, &c);
        int whole = 1, untouched = 1;
        for (int i = 0; i < 1000; i++) {
            whole &= buf[0][i] == floor(buf[0][i]) && buf[0][i] >= 0 && buf[0][i] <= 42;
            untouched &= buf[1][i] == -7.0;
        }
        CHECK(whole, "NIHSS values are whole numbers in [0, 42]");
        CHECK(untouched, "the array of an undrawn variable (age) is left untouched");
        CHECK(c.onset == NULL && c.baseline == NULL, "NULL arrays of undrawn variables stay NULL");
        mscsim_population_draw(pop, &rng, 0, &c); /* n = 0 draws nothing */
        mscsim_population_free(pop);
    }

    cfg.onset_max = 60;
    pop = new_ok(&cfg, MSCSIM_NEED_AGE, "needs age, onset window");
    if (pop) {
        INT_EQ(mscsim_population_drawn(pop), MSCSIM_NEED_AGE | MSCSIM_NEED_ONSET,
               "a variable with a window is drawn even if not needed");
        mscsim_population_free(pop);
    }
    cfg.onset_max = HUGE_VAL;
    cfg.nihss_min = 6; /* only one bound: still a window */
    pop = new_ok(&cfg, 0u, "no needs, NIHSS window");
    if (pop) {
        INT_EQ(mscsim_population_drawn(pop), MSCSIM_NEED_NIHSS, "one finite bound is a window");
        mscsim_population_free(pop);
    }
    cfg.nihss_min = -HUGE_VAL;
    unsigned all = MSCSIM_NEED_NIHSS | MSCSIM_NEED_AGE | MSCSIM_NEED_ONSET | MSCSIM_NEED_BASELINE;
    pop = new_ok(&cfg, all, "needs all");
    if (pop) {
        INT_EQ(mscsim_population_drawn(pop), all, "all four drawn");
        mscsim_population_free(pop);
    }
    mscsim_population_free(NULL); /* no-op */
    CHECK(1, "mscsim_population_free(NULL) is a no-op");

    /* Errors. */
    mscsim_config none = base_config();
    new_fails(&none, MSCSIM_NEED_NIHSS, MSCSIM_ECONFIG, "baseline", "nihss",
              (const char *const[]){"the model needs baseline NIHSS: set [baseline] nihss", NULL},
              "needed NIHSS is none");
    new_fails(&none, MSCSIM_NEED_BASELINE, MSCSIM_ECONFIG, "baseline", "score",
              (const char *const[]){"needs a baseline score: set [baseline] score", NULL},
              "needed score is none");
    new_fails(&none, MSCSIM_NEED_ONSET, MSCSIM_ECONFIG, "baseline", "onset_days",
              (const char *const[]){"set [baseline] onset_days", NULL}, "needed onset is none");
    none.age_min = 30;
    new_fails(&none, 0u, MSCSIM_ECONFIG, "eligibility", "age_min",
              (const char *const[]){"age_min sets an eligibility window on age, which is not "
                                    "simulated: set [baseline] age",
                                    NULL},
              "age window without an age distribution");
    none = base_config();
    none.onset_max = 30;
    new_fails(&none, 0u, MSCSIM_ECONFIG, "eligibility", "onset_max",
              (const char *const[]){"set [baseline] onset_days", NULL},
              "onset_max window without an onset distribution");
    cfg.nihss_min = 22;
    cfg.nihss_max = 21;
    new_fails(&cfg, 0u, MSCSIM_ECONFIG, "eligibility", "nihss_min",
              (const char *const[]){"nihss_min = 22 is above nihss_max = 21", NULL},
              "nihss_min > nihss_max");
    cfg = base_config();
    new_fails(&cfg, 1u << 9, MSCSIM_EINVAL, "", "", (const char *const[]){"unknown", NULL},
              "unknown needs bit");
}

/* ---- eligibility ---------------------------------------------------------------------- */

static double cdf_truncnorm(double x, const double *p) /* mean, sd, lo, hi */
{
    double a = pnorm(p[2], p[0], p[1], 1, 0), b = pnorm(p[3], p[0], p[1], 1, 0);
    return (pnorm(x, p[0], p[1], 1, 0) - a) / (b - a);
}

static double cdf_lnorm_upto(double x, const double *p) /* meanlog, sdlog, hi */
{
    return plnorm(x, p[0], p[1], 1, 0) / plnorm(p[2], p[0], p[1], 1, 0);
}

static void test_eligibility(void)
{
    mscsim_config cfg = base_config();
    set_spec(&cfg.nihss, "normal(12, 5)");
    set_spec(&cfg.age, "normal(62, 12)");
    set_spec(&cfg.onset_days, "lognormal(3, 0.6)");
    unsigned needs = MSCSIM_NEED_NIHSS | MSCSIM_NEED_AGE | MSCSIM_NEED_ONSET;

    /* The eligible share of unwindowed candidates: NIHSS 6-21 after rounding means
     * x in [5.5, 21.5); age in [30, 75]; onset <= 60. */
    const double share = (pnorm(21.5, 12, 5, 1, 0) - pnorm(5.5, 12, 5, 1, 0)) *
                         (pnorm(75, 62, 12, 1, 0) - pnorm(30, 62, 12, 1, 0)) *
                         plnorm(60, 3, 0.6, 1, 0);
    mscsim_population *pop = new_ok(&cfg, needs, "no windows");
    if (pop) {
        mscsim_covariates c = covariates(needs);
        mscsim_rng rng;
        mscsim_rng_seed(&rng, 11u, 3u);
        mscsim_population_draw(pop, &rng, N_PAT, &c);
        long in = 0;
        for (long i = 0; i < N_PAT; i++)
            in += c.nihss[i] >= 6 && c.nihss[i] <= 21 && c.age[i] >= 30 && c.age[i] <= 75 &&
                  c.onset[i] <= 60;
        ABS_EQ((double)in / N_PAT, share, K_MCSE * sqrt(share * (1 - share) / N_PAT),
               "share of candidates inside the windows = %.4f (pnorm/plnorm) within %g MCSE",
               share, K_MCSE);
        mscsim_population_free(pop);
    }

    cfg.nihss_min = 6;
    cfg.nihss_max = 21;
    cfg.age_min = 30;
    cfg.age_max = 75;
    cfg.onset_max = 60;
    pop = new_ok(&cfg, needs, "STARTING-2-like windows");
    if (!pop)
        return;
    mscsim_covariates c = covariates(needs);
    mscsim_rng rng;
    mscsim_rng_seed(&rng, 12u, 3u);
    mscsim_population_draw(pop, &rng, N_PAT, &c);
    long outside = 0, count[16] = {0};
    for (long i = 0; i < N_PAT; i++) {
        outside += !(c.nihss[i] >= 6 && c.nihss[i] <= 21 && c.age[i] >= 30 && c.age[i] <= 75 &&
                     c.onset[i] <= 60 && c.nihss[i] == floor(c.nihss[i]));
        if (c.nihss[i] >= 6 && c.nihss[i] <= 21)
            count[(int)c.nihss[i] - 6]++;
    }
    INT_EQ(outside, 0, "every drawn patient is inside every window (bounds inclusive)");
    double p[16];
    for (int k = 6; k <= 21; k++)
        p[k - 6] = p_rounded(12, 5, k);
    check_chisq("NIHSS given 6-21: frequencies of the rounded normal restricted to 6-21", count,
                p, 16, N_PAT);
    long at_bounds = count[0] + count[15];
    double pb = (p[0] + p[15]) / (pnorm(21.5, 12, 5, 1, 0) - pnorm(5.5, 12, 5, 1, 0));
    ABS_EQ((double)at_bounds / N_PAT, pb, K_MCSE * sqrt(pb * (1 - pb) / N_PAT),
           "share at the inclusive NIHSS bounds 6 and 21 within %g MCSE", K_MCSE);
    const double age_par[4] = {62, 12, 30, 75}, onset_par[3] = {3, 0.6, 60};
    check_dkw("age given 30-75 is truncnormal(62, 12, 30, 75)", c.age, N_PAT, cdf_truncnorm,
              age_par);
    check_dkw("onset given <= 60 is lognormal(3, 0.6) below 60", c.onset, N_PAT, cdf_lnorm_upto,
              onset_par);
    mscsim_population_free(pop);

    /* Infeasible and nearly infeasible windows. */
    cfg = base_config();
    set_spec(&cfg.nihss, "truncnormal(12, 5, 6, 21)");
    set_spec(&cfg.age, "normal(62, 12)");
    cfg.nihss_min = 25;
    cfg.age_min = 30;
    new_fails(&cfg, MSCSIM_NEED_NIHSS, MSCSIM_ECONFIG, "eligibility", "nihss_min",
              (const char *const[]){"no patient can meet the eligibility window",
                                    "nihss_min = 25 rejects 100.0%", NULL},
              "NIHSS window outside the spec's support");
    cfg = base_config();
    set_spec(&cfg.nihss, "normal(12, 5)");
    cfg.nihss_max = -5; /* rounding clips to 0, so nothing is <= -5 */
    new_fails(&cfg, 0u, MSCSIM_ECONFIG, "eligibility", "nihss_max",
              (const char *const[]){"no patient can meet", "nihss_max = -5", NULL},
              "nihss_max below the scale");
    cfg = base_config();
    set_spec(&cfg.age, "normal(0, 1)");
    cfg.age_min = 4.2; /* P = 1.3e-5 < 1e-4 */
    new_fails(&cfg, 0u, MSCSIM_ECONFIG, "eligibility", "age_min",
              (const char *const[]){"no patient can meet the eligibility window", "age_min = 4.2",
                                    NULL},
              "acceptance 1.3e-5 is below 1e-4");
    cfg.age_min = 3.0; /* P = 1.35e-3: slow but allowed */
    pop = new_ok(&cfg, 0u, "acceptance 1.35e-3 is allowed");
    if (pop) {
        mscsim_covariates a = covariates(MSCSIM_NEED_AGE);
        mscsim_rng_seed(&rng, 13u, 3u);
        mscsim_population_draw(pop, &rng, 100, &a);
        int ok = 1;
        for (int i = 0; i < 100; i++)
            ok &= a.age[i] >= 3.0;
        CHECK(ok, "rare window: 100 patients drawn, all >= 3");
        mscsim_population_free(pop);
    }
    cfg = base_config();
    set_spec(&cfg.age, "normal(62, 12)");
    set_spec(&cfg.onset_days, "fixed(20)");
    cfg.age_min = 30;
    cfg.onset_min = 30;
    new_fails(&cfg, 0u, MSCSIM_ECONFIG, "eligibility", "onset_min",
              (const char *const[]){"onset_min = 30 rejects 100.0%", NULL},
              "two windows: the one that rejects most is named");
}

/* ---- copula ----------------------------------------------------------------------------- */

/* Exact Pearson correlation of g(X) = NIHSS rounding of X = mu + sd Z1 with Z2, when
 * corr(Z1, Z2) = rho: rho Cov(g(X), Z1) / sd(g(X)); Cov(g(X), Z1) = E[h'(Z1)] for
 * h(z) = g(mu + sd z) (Stein's lemma), which jumps by 1 at each (k + 0.5 - mu) / sd. */
static double expected_corr_rounded(double mu, double sd, double rho)
{
    double cov = 0.0, m = 0.0, m2 = 0.0;
    for (int k = 0; k <= 42; k++) {
        double pk = p_rounded(mu, sd, k);
        m += k * pk;
        m2 += (double)k * k * pk;
        if (k < 42)
            cov += dnorm((k + 0.5 - mu) / sd, 0, 1, 0);
    }
    return rho * cov / sqrt(m2 - m * m);
}

static double cdf_lnorm(double x, const double *p)
{
    return plnorm(x, p[0], p[1], 1, 0);
}

static void test_copula(void)
{
    unsigned needs = MSCSIM_NEED_NIHSS | MSCSIM_NEED_BASELINE;
    const size_t n = N_PAT;
    mscsim_rng rng;

    /* (a) lognormal score, rho = 0.6: the normal score of the score is exactly
     * (log x - meanlog) / sdlog. NIHSS normal(21, 6): rounding attenuates the correlation
     * by 0.12 % (computed exactly in the expectation), clipping at 0 and 42 touches
     * 0.05 % of patients. */
    mscsim_config cfg = base_config();
    set_spec(&cfg.nihss, "normal(21, 6)");
    set_spec(&cfg.baseline, "lognormal(3, 0.4)");
    cfg.severity_corr = 0.6;
    mscsim_population *pop = new_ok(&cfg, needs, "copula, lognormal score");
    if (pop) {
        mscsim_covariates c = covariates(needs);
        mscsim_rng_seed(&rng, 21u, 5u);
        mscsim_population_draw(pop, &rng, n, &c);
        double *z2 = buf[1];
        for (size_t i = 0; i < n; i++)
            z2[i] = (log(c.baseline[i]) - 3.0) / 0.4;
        double r = pearson(c.nihss, z2, n), want = expected_corr_rounded(21, 6, 0.6);
        ABS_EQ(r, want, K_MCSE * (1 - want * want) / sqrt((double)n),
               "normal-scores correlation of (NIHSS, score) = rho x rounding factor %.5f within "
               "%g MCSE",
               want / 0.6, K_MCSE);
        long count[43] = {0};
        double pk[43];
        for (size_t i = 0; i < n; i++)
            count[(int)c.nihss[i]]++;
        /* pool the sparse tails: cells 0-5 and 37-42 */
        long pooled[31] = {0};
        double pp[31] = {0};
        for (int k = 0; k <= 42; k++) {
            pk[k] = p_rounded(21, 6, k);
            int cell = k < 6 ? 0 : (k > 36 ? 30 : k - 6);
            pooled[cell] += count[k];
            pp[cell] += pk[k];
        }
        check_chisq("copula keeps the NIHSS marginal (rounded normal(21, 6))", pooled, pp, 31,
                    (long)n);
        const double lpar[2] = {3, 0.4};
        check_dkw("copula keeps the score marginal lognormal(3, 0.4)", c.baseline, n, cdf_lnorm,
                  lpar);
        mscsim_population_free(pop);
    }

    /* (b) truncnormal score, rho = -0.4: normal score Phi^-1(F(x)) through the truncated
     * normal CDF; tail depth is small, so the back-transform is exact to ~1e-12. */
    set_spec(&cfg.baseline, "truncnormal(40, 15, 0, 66)");
    cfg.severity_corr = -0.4;
    pop = new_ok(&cfg, needs, "copula, truncnormal score");
    if (pop) {
        mscsim_covariates c = covariates(needs);
        mscsim_rng_seed(&rng, 22u, 5u);
        mscsim_population_draw(pop, &rng, n, &c);
        double *z2 = buf[1];
        const double tpar[4] = {40, 15, 0, 66};
        int inside = 1;
        for (size_t i = 0; i < n; i++) {
            inside &= c.baseline[i] >= 0 && c.baseline[i] <= 66;
            z2[i] = qnorm(cdf_truncnorm(c.baseline[i], tpar), 0, 1, 1, 0);
        }
        CHECK(inside, "copula scores stay inside the truncation [0, 66]");
        double r = pearson(c.nihss, z2, n), want = expected_corr_rounded(21, 6, -0.4);
        ABS_EQ(r, want, K_MCSE * (1 - want * want) / sqrt((double)n),
               "normal-scores correlation with truncnormal score, rho = -0.4, within %g MCSE",
               K_MCSE);
        check_dkw("copula keeps the score marginal truncnormal(40, 15, 0, 66)", c.baseline, n,
                  cdf_truncnorm, tpar);
        mscsim_population_free(pop);
    }

    /* (c) discrete NIHSS through its quantile, normal score: corr(g(Z1), Z2) =
     * rho E[g(Z1) Z1] / sd(g), E[g(Z1) Z1] = sum of jump sizes times phi at the jumps
     * (Stein), jumps of 5 at qnorm(0.2) and 10 at qnorm(0.7). */
    set_spec(&cfg.nihss, "discrete(5:0.2, 10:0.5, 20:0.3)");
    set_spec(&cfg.baseline, "normal(30, 10)");
    cfg.severity_corr = 0.5;
    pop = new_ok(&cfg, needs, "copula, discrete NIHSS");
    if (pop) {
        mscsim_covariates c = covariates(needs);
        mscsim_rng_seed(&rng, 23u, 5u);
        mscsim_population_draw(pop, &rng, n, &c);
        long count[3] = {0};
        int valid = 1;
        for (size_t i = 0; i < n; i++) {
            count[0] += c.nihss[i] == 5;
            count[1] += c.nihss[i] == 10;
            count[2] += c.nihss[i] == 20;
            valid &= c.nihss[i] == 5 || c.nihss[i] == 10 || c.nihss[i] == 20;
            buf[1][i] = (c.baseline[i] - 30) / 10;
        }
        CHECK(valid, "discrete NIHSS takes only its values");
        const double p[3] = {0.2, 0.5, 0.3};
        check_chisq("copula keeps the discrete NIHSS marginal", count, p, 3, (long)n);
        double m = 5 * 0.2 + 10 * 0.5 + 20 * 0.3;
        double sd = sqrt(25 * 0.2 + 100 * 0.5 + 400 * 0.3 - m * m);
        double cov = 5 * dnorm(qnorm(0.2, 0, 1, 1, 0), 0, 1, 0) +
                     10 * dnorm(qnorm(0.7, 0, 1, 1, 0), 0, 1, 0);
        double want = 0.5 * cov / sd, r = pearson(c.nihss, buf[1], n);
        ABS_EQ(r, want, K_MCSE * (1 - want * want) / sqrt((double)n),
               "discrete NIHSS vs score normal score: correlation %.4f within %g MCSE", want,
               K_MCSE);
        mscsim_population_free(pop);
    }

    /* (d) rho = 0: independent; rho with only NIHSS drawn: no copula, no error. */
    cfg.severity_corr = 0.0;
    set_spec(&cfg.nihss, "normal(21, 6)");
    pop = new_ok(&cfg, needs, "rho = 0");
    if (pop) {
        mscsim_covariates c = covariates(needs);
        mscsim_rng_seed(&rng, 24u, 5u);
        mscsim_population_draw(pop, &rng, n, &c);
        double r = pearson(c.nihss, c.baseline, n);
        ABS_EQ(r, 0.0, K_MCSE / sqrt((double)n), "rho = 0: correlation 0 within %g MCSE", K_MCSE);
        mscsim_population_free(pop);
    }
    cfg.severity_corr = 0.6;
    pop = new_ok(&cfg, MSCSIM_NEED_NIHSS, "rho set, score not drawn");
    if (pop) {
        INT_EQ(mscsim_population_drawn(pop), MSCSIM_NEED_NIHSS, "score not drawn");
        mscsim_population_free(pop);
    }

    /* (e) errors */
    set_spec(&cfg.baseline, "empirical(" PILOT ", fma_ue)");
    new_fails(&cfg, needs, MSCSIM_ECONFIG, "baseline", "severity_corr",
              (const char *const[]){"[baseline] score is empirical", "set severity_corr = 0",
                                    NULL},
              "severity_corr with an empirical score");
    cfg.severity_corr = 1.5;
    set_spec(&cfg.baseline, "normal(30, 10)");
    new_fails(&cfg, needs, MSCSIM_ERANGE, "baseline", "severity_corr",
              (const char *const[]){"must be in [-1, 1]", NULL}, "severity_corr = 1.5");
}

/* ---- empirical ---------------------------------------------------------------------- */

typedef struct {
    double age, nihss, onset, fma;
} pilot_row;

static int read_pilot(pilot_row *rows)
{
    FILE *f = fopen(MSCSIM_TEST_DIR "/data/pilot.csv", "r");
    if (!f)
        return 0;
    char line[256];
    int n = 0, id;
    if (!fgets(line, sizeof line, f)) {
        fclose(f);
        return 0;
    }
    while (n < PILOT_ROWS && fgets(line, sizeof line, f))
        if (sscanf(line, "%d,%lf,%lf,%lf,%lf", &id, &rows[n].age, &rows[n].nihss, &rows[n].onset,
                   &rows[n].fma) == 5)
            n++;
    fclose(f);
    return n;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void test_empirical(void)
{
    static pilot_row rows[PILOT_ROWS];
    int nrows = read_pilot(rows);
    INT_EQ(nrows, PILOT_ROWS, "tests/data/pilot.csv has %d data rows", PILOT_ROWS);
    if (nrows != PILOT_ROWS)
        return;

    unsigned all = MSCSIM_NEED_NIHSS | MSCSIM_NEED_AGE | MSCSIM_NEED_ONSET | MSCSIM_NEED_BASELINE;
    mscsim_config cfg = base_config();
    set_spec(&cfg.nihss, "empirical(" PILOT ", nihss)");
    set_spec(&cfg.age, "empirical(" PILOT ", age)");
    set_spec(&cfg.onset_days, "empirical(" PILOT ", onset_days)");
    set_spec(&cfg.baseline, "empirical(" PILOT ", fma_ue)");
    mscsim_population *pop = new_ok(&cfg, all, "four columns of one pilot file");
    mscsim_rng rng;
    if (pop) {
        mscsim_covariates c = covariates(all);
        mscsim_rng_seed(&rng, 31u, 9u);
        mscsim_population_draw(pop, &rng, N_PAT, &c);
        static long count[PILOT_ROWS];
        long unmatched = 0;
        for (long i = 0; i < N_PAT; i++) {
            int r = 0;
            while (r < PILOT_ROWS &&
                   !(rows[r].age == c.age[i] && rows[r].nihss == c.nihss[i] &&
                     rows[r].onset == c.onset[i] && rows[r].fma == c.baseline[i]))
                r++;
            if (r == PILOT_ROWS)
                unmatched++;
            else
                count[r]++;
        }
        INT_EQ(unmatched, 0, "every drawn (age, nihss, onset, score) is one row of the file");
        double p[PILOT_ROWS];
        for (int r = 0; r < PILOT_ROWS; r++)
            p[r] = 1.0 / PILOT_ROWS;
        check_chisq("rows resampled uniformly", count, p, PILOT_ROWS, N_PAT);
        mscsim_population_free(pop);
    }

    /* Two columns from the file, with an NIHSS window and a parametric onset. */
    cfg = base_config();
    set_spec(&cfg.nihss, "empirical(" PILOT ", nihss)");
    set_spec(&cfg.age, "empirical(" PILOT ", age)");
    set_spec(&cfg.onset_days, "uniform(7, 30)");
    cfg.nihss_min = 6;
    cfg.nihss_max = 21;
    unsigned needs = MSCSIM_NEED_AGE | MSCSIM_NEED_ONSET;
    pop = new_ok(&cfg, needs, "empirical age and NIHSS with an NIHSS window");
    if (pop) {
        INT_EQ(mscsim_population_drawn(pop), needs | MSCSIM_NEED_NIHSS, "NIHSS drawn for its window");
        mscsim_covariates c = covariates(needs | MSCSIM_NEED_NIHSS);
        mscsim_rng_seed(&rng, 32u, 9u);
        const long n = 20000;
        mscsim_population_draw(pop, &rng, (size_t)n, &c);
        long bad = 0, eligible_rows = 0;
        for (int r = 0; r < PILOT_ROWS; r++)
            eligible_rows += rows[r].nihss >= 6 && rows[r].nihss <= 21;
        for (long i = 0; i < n; i++) {
            int found = 0;
            for (int r = 0; r < PILOT_ROWS && !found; r++)
                found = rows[r].age == c.age[i] && rows[r].nihss == c.nihss[i];
            bad += !found || c.nihss[i] < 6 || c.nihss[i] > 21 || c.onset[i] < 7 ||
                   c.onset[i] >= 30;
        }
        INT_EQ(bad, 0, "every (age, nihss) pair is a row with NIHSS 6-21 (%ld of %d rows)",
               eligible_rows, PILOT_ROWS);
        mscsim_population_free(pop);
    }

    /* An absolute path works whatever the config's directory. */
    cfg = base_config();
    snprintf(cfg.path, sizeof cfg.path, "elsewhere/x.ini");
    set_spec(&cfg.age, "empirical(" MSCSIM_TEST_DIR "/data/pilot.csv, age)");
    pop = new_ok(&cfg, MSCSIM_NEED_AGE, "absolute empirical path");
    mscsim_population_free(pop);

    /* Errors naming the [baseline] key, the file and the column. */
    cfg = base_config();
    set_spec(&cfg.age, "empirical(../data/no_such_pilot.csv, age)");
    new_fails(&cfg, MSCSIM_NEED_AGE, MSCSIM_EIO, "baseline", "age",
              (const char *const[]){"cannot open empirical file",
                                    MSCSIM_TEST_DIR "/configs/../data/no_such_pilot.csv", NULL},
              "missing file");
    set_spec(&cfg.age, "empirical(" PILOT ", age)");
    set_spec(&cfg.onset_days, "empirical(" PILOT ", weight)");
    new_fails(&cfg, MSCSIM_NEED_AGE | MSCSIM_NEED_ONSET, MSCSIM_ECONFIG, "baseline",
              "onset_days", (const char *const[]){"no column 'weight'", "pilot.csv", NULL},
              "missing column names the variable that asked for it");

    /* Files written for the test, in the working directory: a config path without a
     * directory resolves relative names against the working directory. */
    static const struct {
        const char *name, *text, *column, *part1, *part2;
    } bad[] = {
        {"test_population_text.csv", "id,age\n1,60\n2,abc\n", "age", "row 3, column 'age'",
         "'abc' is not a finite number"},
        {"test_population_blank.csv", "id,age\n1,60\n2,\n", "age", "row 3, column 'age'",
         "is not a finite number"},
        {"test_population_nan.csv", "id,age\n1,NaN\n", "age", "row 2", "'NaN'"},
        {"test_population_short.csv", "id,age,nihss\n1,60,5\n2,61\n", "nihss",
         "row 3 has no cell in column 'nihss'", "test_population_short.csv"},
        {"test_population_header.csv", "id,age\n", "age", "has a header but no data rows",
         "test_population_header.csv"},
        {"test_population_empty.csv", "", "age", "is empty", "column 'age'"},
        {"test_population_twice.csv", "age,age\n1,2\n", "age", "column 'age' appears twice",
         "test_population_twice.csv"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        write_file(bad[i].name, bad[i].text);
        cfg = base_config();
        snprintf(cfg.path, sizeof cfg.path, "x.ini");
        char spec[256];
        snprintf(spec, sizeof spec, "empirical(%s, %s)", bad[i].name, bad[i].column);
        mscsim_dist_spec *target = strcmp(bad[i].column, "nihss") == 0 ? &cfg.nihss : &cfg.age;
        set_spec(target, spec);
        new_fails(&cfg, target == &cfg.nihss ? MSCSIM_NEED_NIHSS : MSCSIM_NEED_AGE,
                  MSCSIM_ECONFIG, "baseline", target == &cfg.nihss ? "nihss" : "age",
                  (const char *const[]){bad[i].part1, bad[i].part2, NULL}, bad[i].name);
        remove(bad[i].name);
    }
    /* A byte-order mark, quoted fields, spaces, CRLF, a last row without newline and other
     * columns with text are all fine. */
    write_file("test_population_ok.csv",
               "\xEF\xBB\xBF\"age\",name\r\n 60.5 ,\"Doe, J\"\r\n\"61\",X\r\n62,Y");
    cfg = base_config();
    snprintf(cfg.path, sizeof cfg.path, "x.ini");
    set_spec(&cfg.age, "empirical(test_population_ok.csv, age)");
    pop = new_ok(&cfg, MSCSIM_NEED_AGE, "CSV with BOM, quotes, CRLF, no final newline");
    if (pop) {
        mscsim_covariates c = covariates(MSCSIM_NEED_AGE);
        mscsim_rng_seed(&rng, 33u, 9u);
        mscsim_population_draw(pop, &rng, 3000, &c);
        long k[3] = {0};
        int ok = 1;
        for (int i = 0; i < 3000; i++) {
            int v = c.age[i] == 60.5 ? 0 : c.age[i] == 61 ? 1 : c.age[i] == 62 ? 2 : -1;
            ok &= v >= 0;
            if (v >= 0)
                k[v]++;
        }
        CHECK(ok && k[0] > 0 && k[1] > 0 && k[2] > 0, "values 60.5, 61, 62 read (%ld, %ld, %ld)",
              k[0], k[1], k[2]);
        mscsim_population_free(pop);
    }
    remove("test_population_ok.csv");
}

/* ---- reproducibility and threads ------------------------------------------------------- */

/* A run reads each empirical file once (mscsim_empirical_set_load): a file replaced, or
 * removed, between two grid points' populations cannot change the data drawn. */
static void test_empirical_once(void)
{
    char path[128];
    snprintf(path, sizeof path, "/tmp/mscsim_test_pilot_%ld.csv", (long)getpid());
    write_file(path, "x,y\n1,10\n2,20\n3,30\n");
    mscsim_config cfg = base_config();
    char spec[256];
    snprintf(spec, sizeof spec, "empirical(%s, x)", path);
    set_spec(&cfg.baseline, spec);
    snprintf(spec, sizeof spec, "empirical(%s, y)", path); /* not drawn: checked, not read again */
    set_spec(&cfg.age, spec);
    mscsim_empirical_set *set = NULL;
    mscsim_error err;
    CHECK(mscsim_empirical_set_load(&cfg, &set, &err) == MSCSIM_OK, "the run's set loads");
    INT_EQ(mscsim_empirical_set_reads(set), 1, "one file, read once for both columns");
    cfg.empirical = set;
    enum { N = 200 };
    double first[N], again[N];
    mscsim_rng rng;
    mscsim_population *pop = new_ok(&cfg, MSCSIM_NEED_BASELINE, "population from the set");
    mscsim_covariates c = covariates(MSCSIM_NEED_BASELINE);
    mscsim_rng_seed(&rng, 11u, 0u);
    mscsim_population_draw(pop, &rng, N, &c);
    memcpy(first, c.baseline, sizeof first);
    mscsim_population_free(pop);
    int in_old = 1;
    for (int i = 0; i < N; i++)
        in_old &= first[i] >= 1 && first[i] <= 3;
    CHECK(in_old, "draws come from the file as it was");

    write_file(path, "x,y\n7,70\n8,80\n9,90\n"); /* Replaced mid-run. */
    pop = new_ok(&cfg, MSCSIM_NEED_BASELINE, "the next grid point's population");
    mscsim_rng_seed(&rng, 11u, 0u);
    mscsim_population_draw(pop, &rng, N, &c);
    memcpy(again, c.baseline, sizeof again);
    mscsim_population_free(pop);
    CHECK(memcmp(first, again, sizeof first) == 0,
          "a file replaced mid-run changes nothing: the set's data is drawn");
    INT_EQ(mscsim_empirical_set_reads(set), 1, "the file was not read again");

    mscsim_config alone = cfg;
    alone.empirical = NULL; /* Without the set, the new file is read: the test can fail. */
    pop = new_ok(&alone, MSCSIM_NEED_BASELINE, "population reading the file itself");
    mscsim_rng_seed(&rng, 11u, 0u);
    mscsim_population_draw(pop, &rng, N, &c);
    CHECK(c.baseline[0] >= 7, "without the set the replaced file is read (%g)", c.baseline[0]);
    mscsim_population_free(pop);

    remove(path);
    pop = new_ok(&cfg, MSCSIM_NEED_BASELINE, "the set serves a file removed mid-run");
    mscsim_population_free(pop);
    mscsim_empirical_set_free(set);
}

static void test_reproducible(void)
{
    unsigned all = MSCSIM_NEED_NIHSS | MSCSIM_NEED_AGE | MSCSIM_NEED_ONSET | MSCSIM_NEED_BASELINE;
    mscsim_config cfg = base_config();
    set_spec(&cfg.nihss, "truncnormal(12, 5, 0, 42)");
    set_spec(&cfg.age, "empirical(" PILOT ", age)");
    set_spec(&cfg.onset_days, "discrete(14:0.5, 21:0.3, 28:0.2)");
    set_spec(&cfg.baseline, "uniform(0, 49)");
    cfg.severity_corr = -0.5;
    cfg.age_min = 40;
    cfg.nihss_min = 6;
    mscsim_population *pop = new_ok(&cfg, all, "mixed kinds");
    if (!pop)
        return;
    enum { N = 4000, CHUNKS = 8 };
    static double a[4][N], b[4][N];
    mscsim_covariates ca = {a[0], a[1], a[2], a[3]};
    mscsim_rng r1;
    mscsim_rng_seed(&r1, 41u, 2u);
    mscsim_population_draw(pop, &r1, N, &ca);
    /* The same stream drawn in two calls gives the same patients: draws are per patient. */
    mscsim_rng r2;
    mscsim_rng_seed(&r2, 41u, 2u);
    mscsim_covariates c1 = {b[0], b[1], b[2], b[3]};
    mscsim_covariates c2 = {b[0] + 1234, b[1] + 1234, b[2] + 1234, b[3] + 1234};
    mscsim_population_draw(pop, &r2, 1234, &c1);
    mscsim_population_draw(pop, &r2, N - 1234, &c2);
    CHECK(memcmp(a, b, sizeof a) == 0, "same seed: same patients, however the calls are split");

    /* Shared const population, one generator per chunk, in parallel: the same as serial. */
    static double par[CHUNKS][4][N / CHUNKS], ser[CHUNKS][4][N / CHUNKS];
    int threads = 1;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1)
#endif
    for (int k = 0; k < CHUNKS; k++) {
        mscsim_rng r = mscsim_rng_for_trial(7u, 0u, 0u, (uint64_t)k);
        mscsim_covariates c = {par[k][0], par[k][1], par[k][2], par[k][3]};
        mscsim_population_draw(pop, &r, N / CHUNKS, &c);
#ifdef _OPENMP
        if (k == 0)
            threads = omp_get_num_threads();
#endif
    }
    for (int k = 0; k < CHUNKS; k++) {
        mscsim_rng r = mscsim_rng_for_trial(7u, 0u, 0u, (uint64_t)k);
        mscsim_covariates c = {ser[k][0], ser[k][1], ser[k][2], ser[k][3]};
        mscsim_population_draw(pop, &r, N / CHUNKS, &c);
    }
    CHECK(memcmp(par, ser, sizeof par) == 0,
          "one const population drawn from %d threads equals the serial draws", threads);
    mscsim_population_free(pop);
}

/* A design drawing one variable (the others fixed), without window, file or copula, is
 * drawn a column at a time: the same patients as the per-patient path, which a window
 * that accepts everyone (fixed age 70, age_min = 0) forces. */
static void test_one_column(void)
{
    const char *const one[][3] = {{"baseline", "uniform(0, 49)", "score"},
                                  {"nihss", "normal(12, 5)", "NIHSS, rounded"},
                                  {"onset", "discrete(14:0.5, 21:0.3, 28:0.2)", "onset"},
                                  {"nihss", "fixed(12.4)", "nothing random"}};
    unsigned all = MSCSIM_NEED_NIHSS | MSCSIM_NEED_AGE | MSCSIM_NEED_ONSET | MSCSIM_NEED_BASELINE;
    enum { N = 1000 };
    for (size_t k = 0; k < sizeof one / sizeof one[0]; k++) {
        mscsim_config cfg = base_config();
        set_spec(&cfg.nihss, "fixed(8)");
        set_spec(&cfg.age, "fixed(70)");
        set_spec(&cfg.onset_days, "fixed(20)");
        set_spec(&cfg.baseline, "fixed(30)");
        mscsim_dist_spec *random = strcmp(one[k][0], "baseline") == 0 ? &cfg.baseline
                                   : strcmp(one[k][0], "nihss") == 0  ? &cfg.nihss
                                                                      : &cfg.onset_days;
        set_spec(random, one[k][1]);
        mscsim_population *by_column = new_ok(&cfg, all, one[k][2]);
        cfg.age_min = 0;
        mscsim_population *by_patient = new_ok(&cfg, all, one[k][2]);
        if (by_column && by_patient) {
            static double a[4][N], b[4][N];
            mscsim_covariates ca = {a[0], a[1], a[2], a[3]}, cb = {b[0], b[1], b[2], b[3]};
            mscsim_rng ra, rb;
            mscsim_rng_seed(&ra, 43u, (uint64_t)k);
            rb = ra;
            mscsim_population_draw(by_column, &ra, N, &ca);
            mscsim_population_draw(by_patient, &rb, N, &cb);
            CHECK(memcmp(a, b, sizeof a) == 0 && memcmp(&ra, &rb, sizeof ra) == 0,
                  "%s drawn by column: the per-patient path's patients and generator state",
                  one[k][2]);
        }
        mscsim_population_free(by_column);
        mscsim_population_free(by_patient);
    }
}

int main(void)
{
    for (int i = 0; i < 4; i++) {
        buf[i] = malloc(N_PAT * sizeof(double));
        if (!buf[i]) {
            printf("out of memory\n");
            return 1;
        }
    }
    test_needs();
    test_eligibility();
    test_copula();
    test_empirical();
    test_empirical_once();
    test_reproducible();
    test_one_column();
    for (int i = 0; i < 4; i++)
        free(buf[i]);
    return TEST_DONE();
}
