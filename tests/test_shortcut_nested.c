/*
 * The nested table path (sim/trial/shortcut_nested.c) and its samplers (sim/dist.c):
 *   - mscsim_rhyper against the exact pmf (Rmath dhyper) and mscsim_rmvhyper against the
 *     enumerated joint pmf, by chi-square goodness-of-fit tests, fixed seeds;
 *   - the law of one arm: normal path, the mean and the sum of squares given the analysed
 *     count (normal, chi-square, uncorrelated) by Kolmogorov-Smirnov tests; counts path,
 *     each category's count and the analysed count (binomial) by chi-square;
 *   - prefixes: trial r at n + 1 is trial r at n plus one patient (counts: one more count or
 *     a dropout; normal: the pooled statistics of one more value or none), for every n up to
 *     300; a search's decisions at neighbouring n rarely differ and its power curve rises;
 *   - the nested table path and the nested patient path give the same power, mean estimate
 *     and SE and null rejection rate within 4 Monte Carlo SEs (fixed seeds), for every table
 *     analysis of the ordinal (mRS, utility), binary and normal designs at several n;
 *   - byte-identical across thread counts;
 *   - the sample-size search on the shipped presets answers as on the patient path within
 *     Monte Carlo error (example.ini, minimal.ini with msc.mean = 0.5, starting2 by po).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config_util.h"
#include "harness.h"
#include "mathlib.h"
#include "mscsim/dist.h"
#include "mscsim/engine.h"
#include "mscsim/samplesize.h"
#include "mscsim/trial.h"
#include "shortcut.h"
#include "shortcut_nested.h"
#include "shortcut_designs.h"

/* A correct sampler fails one goodness-of-fit test at this level with probability 1e-4. */
#define GOF_LEVEL 1e-4
#define GOF_DRAWS 200000
/* A correct engine fails a 4-MCSE check with probability 6e-5. */
#define K_MCSE 4.0
/* Arm sizes of the direct trials: up to PREFIX_MAX, PREFIX_TRIALS trials per prefix test. */
#define PREFIX_MAX 300
#define PREFIX_TRIALS 100

/* Chi-square of observed against expected counts, cells pooled left to right until each
 * expects at least 5 (what is left joins the last cell); *df gets cells - 1. */
static double chi_square(const double *obs, const double *expct, long cells, int *df)
{
    double x2 = 0, o = 0, e = 0, left = 0;
    for (long k = 0; k < cells; k++)
        left += expct[k];
    int pooled = 0;
    for (long k = 0; k < cells; k++) {
        o += obs[k];
        e += expct[k];
        left -= expct[k];
        if ((e >= 5.0 && left >= 5.0) || k == cells - 1) {
            x2 += (o - e) * (o - e) / e;
            o = e = 0;
            pooled++;
        }
    }
    *df = pooled - 1;
    return x2;
}

static void gof(const double *obs, const double *expct, long cells, const char *what)
{
    int df;
    double x2 = chi_square(obs, expct, cells, &df);
    double crit = df > 0 ? qchisq(GOF_LEVEL, (double)df, 0, 0) : 0.0;
    CHECK(df > 0 && x2 < crit, "%s: chi-square %.2f on %d df below %.2f (level %g)", what, x2,
          df, crit, GOF_LEVEL);
}

/* ---- the samplers ------------------------------------------------------------------ */

static void check_hyper(long good, long bad, long draws, uint64_t seed)
{
    static double obs[140000], expct[140000];
    long cells = draws + 1;
    memset(obs, 0, (size_t)cells * sizeof obs[0]);
    mscsim_rng rng = mscsim_rng_for_trial(seed, 2, 0, 0);
    int range_ok = 1;
    for (long i = 0; i < GOF_DRAWS; i++) {
        long x = mscsim_rhyper(&rng, good, bad, draws);
        range_ok &= x >= 0 && x <= draws && x <= good && draws - x <= bad;
        if (x >= 0 && x <= draws)
            obs[x]++;
    }
    for (long k = 0; k < cells; k++)
        expct[k] = GOF_DRAWS * dhyper((double)k, (double)good, (double)bad, (double)draws, 0);
    char what[96];
    snprintf(what, sizeof what, "rhyper(%ld, %ld, %ld)", good, bad, draws);
    CHECK(range_ok, "%s: every draw in its support", what);
    gof(obs, expct, cells, what);
}

/* The joint pmf of the multivariate hypergeometric of three categories, enumerated,
 * against draws. */
static void check_mvhyper(const long count[3], long draws, uint64_t seed)
{
    static double obs[64][64], expct[64][64], o[4096], e[4096];
    memset(obs, 0, sizeof obs);
    memset(expct, 0, sizeof expct);
    double total = (double)(count[0] + count[1] + count[2]);
    for (long a = 0; a <= count[0]; a++)
        for (long b = 0; b <= count[1]; b++) {
            long c = draws - a - b;
            if (c >= 0 && c <= count[2])
                expct[a][b] = GOF_DRAWS * exp(lchoose((double)count[0], (double)a) +
                                              lchoose((double)count[1], (double)b) +
                                              lchoose((double)count[2], (double)c) -
                                              lchoose(total, (double)draws));
        }
    mscsim_rng rng = mscsim_rng_for_trial(seed, 2, 0, 0);
    int sum_ok = 1;
    for (long i = 0; i < GOF_DRAWS; i++) {
        long out[3];
        sum_ok &= mscsim_rmvhyper(&rng, count, 3, draws, out) == draws &&
                  out[0] + out[1] + out[2] == draws && out[0] <= count[0] &&
                  out[1] <= count[1] && out[2] <= count[2] && out[0] >= 0 && out[1] >= 0 &&
                  out[2] >= 0;
        if (sum_ok)
            obs[out[0]][out[1]]++;
    }
    char what[96];
    snprintf(what, sizeof what, "rmvhyper({%ld, %ld, %ld}, %ld)", count[0], count[1], count[2],
             draws);
    CHECK(sum_ok, "%s: the draws add up, within each category's count", what);
    /* The possible outcomes only (the others expect and get 0), most likely first so that
     * the pooled cells of the tail are those of rare outcomes. */
    long cells = 0;
    for (int a = 0; a < 64; a++)
        for (int b = 0; b < 64; b++)
            if (expct[a][b] > 0) {
                o[cells] = obs[a][b];
                e[cells++] = expct[a][b];
            }
    for (long i = 1; i < cells; i++) /* insertion sort by expected count, descending */
        for (long j = i; j > 0 && e[j] > e[j - 1]; j--) {
            double t = e[j];
            e[j] = e[j - 1];
            e[j - 1] = t;
            t = o[j];
            o[j] = o[j - 1];
            o[j - 1] = t;
        }
    strncat(what, ", joint", sizeof what - strlen(what) - 1);
    gof(o, e, cells, what);
}

static void test_samplers(void)
{
    check_hyper(3, 4, 5, 7);              /* one item at a time */
    check_hyper(5, 7, 6, 1);              /* from the mode, log-factorial table */
    check_hyper(30, 70, 50, 2);
    check_hyper(1, 999, 10, 3);           /* the mode at the bottom */
    check_hyper(995, 5, 600, 4);          /* at the top */
    check_hyper(1500, 2500, 2000, 8);     /* the table's end */
    check_hyper(2000, 3000, 2500, 5);     /* dhyper */
    check_hyper(40000, 91072, 65536, 6);  /* a first split of a large block */
    const long few[3] = {3, 2, 4}, many[3] = {30, 20, 40};
    check_mvhyper(few, 4, 77);            /* one item at a time */
    check_mvhyper(many, 45, 78);          /* category by category */
    mscsim_rng rng = mscsim_rng_for_trial(9, 2, 0, 0);
    INT_EQ(mscsim_rhyper(&rng, 4, 6, 0), 0, "rhyper: no draws");
    INT_EQ(mscsim_rhyper(&rng, 4, 6, 10), 4, "rhyper: every item drawn");
    INT_EQ(mscsim_rhyper(&rng, 0, 6, 3), 0, "rhyper: no good item");
    INT_EQ(mscsim_rhyper(&rng, 5, 0, 3), 3, "rhyper: no bad item");
    INT_EQ(mscsim_rhyper(&rng, 4, 6, 11), -1, "rhyper: more draws than items");
    INT_EQ(mscsim_rhyper(&rng, -1, 6, 1), -1, "rhyper: negative count");
    long out[2] = {9, 9};
    const long bad[2] = {2, -1}, two[2] = {1, 1};
    INT_EQ(mscsim_rmvhyper(&rng, bad, 2, 1, out), -1, "rmvhyper: negative count");
    INT_EQ(mscsim_rmvhyper(&rng, two, 2, 3, out), -1, "rmvhyper: more draws than items");
    CHECK(out[0] == 9 && out[1] == 9, "rmvhyper: out untouched when invalid");
}

/* ---- designs ----------------------------------------------------------------------- */

typedef struct {
    mscsim_design *d;
    sim_shortcut s;
} nested_design;

static void open_design(const mscsim_config *cfg, nested_design *x, mscsim_trial_path want)
{
    mscsim_error err;
    if (mscsim_design_new(cfg, &x->d, &err)) {
        char msg[512];
        printf("design: %s\n", mscsim_error_format(&err, msg, sizeof msg));
        exit(2);
    }
    char why[256];
    mscsim_trial_path p = sim_shortcut_prepare(x->d, 1, &x->s, why, sizeof why);
    CHECK(p == want && strstr(why, "nested"), "nested table path: %s", why);
    /* Alias tables for arms of every size the tests ask for, as the engine fits them. */
    if (p != want || sim_shortcut_fit(&x->s, PREFIX_MAX) != MSCSIM_OK)
        exit(1);
}

static void close_design(nested_design *x)
{
    sim_shortcut_free(&x->s);
    mscsim_design_free(x->d);
}

static void trial_at(const nested_design *x, long r, long n, mscsim_count_table *t,
                     mscsim_trial_data *data, mscsim_trial_diag *diag)
{
    mscsim_rng rng = mscsim_rng_for_trial(2024, 1, 0, (uint64_t)r);
    const size_t sizes[MSCSIM_ARM_COUNT] = {(size_t)n, (size_t)n};
    sim_shortcut_nested_trial(&x->s, x->d, &rng, sizes, t, data, diag);
}

/* ---- the law of one arm ------------------------------------------------------------ */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Kolmogorov-Smirnov of u[0..count) against the uniform (probability integral transforms);
 * the asymptotic critical value at GOF_LEVEL. */
static void ks_uniform(double *u, long count, const char *what)
{
    qsort(u, (size_t)count, sizeof u[0], cmp_double);
    double dmax = 0;
    for (long i = 0; i < count; i++) {
        double lo = u[i] - (double)i / (double)count, hi = (double)(i + 1) / (double)count - u[i];
        dmax = fmax(dmax, fmax(lo, hi));
    }
    double crit = sqrt(-0.5 * log(GOF_LEVEL / 2.0) / (double)count);
    CHECK(dmax < crit, "%s: KS D = %.5f below %.5f (level %g, %ld draws)", what, dmax, crit,
          GOF_LEVEL, count);
}

#define LAW_TRIALS 100000

static void normal_law(long n)
{
    mscsim_config cfg;
    shortcut_design(&cfg, "normal", "welch", 0);
    nested_design x;
    open_design(&cfg, &x, MSCSIM_PATH_NORMAL);
    static double um[LAW_TRIALS], uq[LAW_TRIALS], zm[LAW_TRIALS], zq[LAW_TRIALS];
    static double m_obs[400], m_exp[400];
    memset(m_obs, 0, sizeof m_obs);
    long count = 0;
    double mu = x.s.mean[1], sd = x.s.sd[1], keep = x.s.observed[1];
    for (long r = 0; r < LAW_TRIALS; r++) {
        mscsim_count_table t;
        mscsim_trial_data data;
        mscsim_trial_diag diag;
        trial_at(&x, r, n, &t, &data, &diag);
        const mscsim_arm_stats *st = &data.arm[1];
        m_obs[st->n]++;
        if (st->n < 2)
            continue;
        double m = (double)st->n;
        /* The mean and the squares given m: N(mu, sd^2 / m) and sd^2 chi^2(m - 1). */
        zm[count] = (st->mean_y - mu) / (sd / sqrt(m));
        zq[count] = (st->ss_y / (sd * sd) - (m - 1)) / sqrt(2 * (m - 1));
        um[count] = pnorm(zm[count], 0, 1, 1, 0);
        uq[count] = pchisq(st->ss_y / (sd * sd), m - 1, 1, 0);
        count++;
    }
    double sxy = 0, sxx = 0, syy = 0, mx = 0, my = 0;
    for (long i = 0; i < count; i++) {
        mx += zm[i] / (double)count;
        my += zq[i] / (double)count;
    }
    for (long i = 0; i < count; i++) {
        sxy += (zm[i] - mx) * (zq[i] - my);
        sxx += (zm[i] - mx) * (zm[i] - mx);
        syy += (zq[i] - my) * (zq[i] - my);
    }
    double corr = sxy / sqrt(sxx * syy);
    char what[96];
    snprintf(what, sizeof what, "nested normal, n = %ld: the mean", n);
    ks_uniform(um, count, what);
    snprintf(what, sizeof what, "nested normal, n = %ld: the sum of squares", n);
    ks_uniform(uq, count, what);
    /* Uncorrelated: SE of a correlation near 0 is 1 / sqrt(count). */
    CHECK(fabs(corr) < K_MCSE / sqrt((double)count),
          "nested normal, n = %ld: mean and squares uncorrelated (r = %.4f, 4 SE %.4f)", n, corr,
          K_MCSE / sqrt((double)count));
    for (long k = 0; k <= n; k++)
        m_exp[k] = LAW_TRIALS * dbinom((double)k, (double)n, keep, 0);
    snprintf(what, sizeof what, "nested normal, n = %ld: the analysed count", n);
    gof(m_obs, m_exp, n + 1, what);
    close_design(&x);
}

static void counts_law(long n)
{
    mscsim_config cfg;
    shortcut_design(&cfg, "ordinal", "po", 0);
    nested_design x;
    open_design(&cfg, &x, MSCSIM_PATH_COUNTS);
    /* The probability of each table slot: P(observed) P(category). */
    double p[MSCSIM_TABLE_MAX] = {0}, rest = 1.0;
    for (int j = 0; j < x.s.k; j++) {
        p[x.s.slot[j]] += x.s.observed[1] * rest * x.s.cond[1][j];
        rest *= 1.0 - x.s.cond[1][j];
    }
    int slots = x.s.values.k;
    static double obs[MSCSIM_TABLE_MAX + 1][400], expct[400];
    memset(obs, 0, sizeof obs);
    for (long r = 0; r < LAW_TRIALS; r++) {
        mscsim_count_table t;
        mscsim_trial_data data;
        mscsim_trial_diag diag;
        trial_at(&x, r, n, &t, &data, &diag);
        for (int j = 0; j < slots; j++)
            obs[j][(long)t.count[1][j]]++;
        obs[slots][diag.n_analysed[1]]++;
    }
    for (int j = 0; j <= slots; j++) {
        double q = j < slots ? p[j] : x.s.observed[1];
        for (long k = 0; k <= n; k++)
            expct[k] = LAW_TRIALS * dbinom((double)k, (double)n, q, 0);
        char what[96];
        snprintf(what, sizeof what, "nested mRS, n = %ld: %s %d", n,
                 j < slots ? "category" : "analysed", j);
        gof(obs[j], expct, n + 1, what);
    }
    close_design(&x);
}

static void test_laws(void)
{
    normal_law(5);
    normal_law(37);
    normal_law(300);
    counts_law(37);
    counts_law(300);
}

/* ---- prefixes ---------------------------------------------------------------------- */

static void test_prefix_counts(void)
{
    mscsim_config cfg;
    shortcut_design(&cfg, "ordinal", "po", 0);
    nested_design x;
    open_design(&cfg, &x, MSCSIM_PATH_COUNTS);
    long bad = 0, checked = 0;
    for (long r = 0; r < PREFIX_TRIALS; r++) {
        mscsim_count_table t0, t1;
        mscsim_trial_data d0, d1;
        mscsim_trial_diag g0, g1;
        trial_at(&x, r, 1, &t0, &d0, &g0);
        for (long n = 2; n <= PREFIX_MAX; n++) {
            trial_at(&x, r, n, &t1, &d1, &g1);
            for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
                double added = 0;
                int ok = 1;
                for (int j = 0; j < t1.k; j++) {
                    double step = t1.count[a][j] - t0.count[a][j];
                    ok &= step == 0.0 || step == 1.0;
                    added += step;
                }
                /* One more patient: one more count, or one more dropout. */
                ok &= added == (double)(g1.n_analysed[a] - g0.n_analysed[a]) &&
                      g1.missing[a] + g1.n_analysed[a] == (size_t)n && added <= 1.0 &&
                      g1.deaths >= g0.deaths;
                bad += !ok;
                checked++;
            }
            t0 = t1;
            g0 = g1;
        }
    }
    CHECK(bad == 0, "nested mRS tables: trial r at n + 1 is trial r at n plus one patient "
          "(%ld of %ld steps n = 1..%d are not)", bad, checked, PREFIX_MAX);
    close_design(&x);
}

static void test_prefix_normal(void)
{
    mscsim_config cfg;
    shortcut_design(&cfg, "normal", "welch", 0);
    nested_design x;
    open_design(&cfg, &x, MSCSIM_PATH_NORMAL);
    long bad = 0, checked = 0, grew = 0;
    for (long r = 0; r < PREFIX_TRIALS; r++) {
        mscsim_count_table t;
        mscsim_trial_data d0, d1;
        mscsim_trial_diag g;
        trial_at(&x, r, 1, &t, &d0, &g);
        for (long n = 2; n <= PREFIX_MAX; n++) {
            trial_at(&x, r, n, &t, &d1, &g);
            for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
                const mscsim_arm_stats *s0 = &d0.arm[a], *s1 = &d1.arm[a];
                /* Rounding: the two prefixes pool different nodes. */
                double tol = 1e-10 * ((double)n + s1->ss_y + fabs(s1->sum_y));
                int ok;
                if (s1->n == s0->n) {
                    ok = fabs(s1->sum_y - s0->sum_y) <= tol && fabs(s1->ss_y - s0->ss_y) <= tol;
                } else {
                    /* One more value y: Welford's update of the squares. */
                    double y = s1->sum_y - s0->sum_y, m = (double)s0->n;
                    double ss = s0->ss_y + (m > 0 ? m / (m + 1) * (y - s0->mean_y) *
                                                        (y - s0->mean_y)
                                                  : 0.0);
                    ok = s1->n == s0->n + 1 && fabs(s1->ss_y - ss) <= tol;
                    grew++;
                }
                bad += !ok;
                checked++;
            }
            d0 = d1;
        }
    }
    CHECK(bad == 0 && grew > checked / 2,
          "nested normal statistics: trial r at n + 1 pools trial r at n with one value or "
          "none (%ld of %ld steps n = 1..%d are not; %ld added a value)", bad, checked,
          PREFIX_MAX, grew);
    close_design(&x);
}

/* ---- the engine: decisions, threads, both paths ------------------------------------ */

static mscsim_engine *nested_engine(const mscsim_config *cfg, const long *n, int count,
                                    long reps)
{
    mscsim_engine *eng;
    mscsim_error err;
    if (mscsim_engine_new(cfg, 0, &eng, &err) ||
        mscsim_engine_retarget(eng, n, count, reps, 1, &err)) {
        char msg[1024];
        printf("engine: %s\n", mscsim_error_format(&err, msg, sizeof msg));
        exit(2);
    }
    return eng;
}

/* Per-trial decisions at neighbouring n: nested trials differ by two patients, so few
 * decisions change (independent trials at 80 % power would change about 32 %); the power
 * over a coarse grid of n rises. */
static void test_decisions(void)
{
    mscsim_config cfg;
    shortcut_design(&cfg, "normal", "welch", 0);
    const long n[2] = {140, 142};
    mscsim_engine *eng = nested_engine(&cfg, n, 2, MSCSIM_UNIT_REPS);
    static int reject[2][MSCSIM_UNIT_REPS];
    mscsim_error err;
    for (int c = 0; c < 2; c++) {
        mscsim_engine_step(eng, &err);
        const mscsim_replicate *rec;
        size_t count, cell;
        mscsim_engine_last_chunk(eng, &rec, &count, &cell);
        for (size_t i = 0; i < count; i++)
            reject[cell][rec[i].replicate] = rec[i].result[0].reject;
    }
    mscsim_engine_free(eng);
    long flips = 0;
    for (int i = 0; i < MSCSIM_UNIT_REPS; i++)
        flips += reject[0][i] != reject[1][i];
    CHECK(flips < MSCSIM_UNIT_REPS / 10, "nested table path: %ld of %d decisions differ "
          "between n = 140 and 142 (independent trials: about 32 %%)", flips, MSCSIM_UNIT_REPS);
    const long grid[6] = {40, 70, 100, 130, 160, 190};
    eng = nested_engine(&cfg, grid, 6, 4000);
    while (!mscsim_engine_done(eng))
        mscsim_engine_step(eng, &err);
    int rising = 1;
    long last = -1;
    for (size_t c = 0; c < 6; c++) {
        mscsim_cell_summary s;
        mscsim_engine_summary(eng, c, 0, &s);
        rising &= s.rejections > last;
        last = s.rejections;
    }
    CHECK(rising, "nested table path: the search's power rises over n = 40..190");
    mscsim_engine_free(eng);
}

static void test_threads(void)
{
    mscsim_config cfg;
    shortcut_design(&cfg, "ordinal", "po, wilcoxon", 0);
    const long n[2] = {90, 200};
    mscsim_cell_summary a[2], b[2];
    for (int t = 0; t < 2; t++) {
        set(&cfg, "simulation.threads=%d", t ? 3 : 1);
        mscsim_engine *eng = nested_engine(&cfg, n, 2, 3000);
        mscsim_error err;
        while (!mscsim_engine_done(eng))
            mscsim_engine_step(eng, &err);
        mscsim_engine_summary(eng, 1, 0, t ? &b[0] : &a[0]);
        mscsim_engine_summary(eng, 1, 1, t ? &b[1] : &a[1]);
        mscsim_engine_free(eng);
    }
    CHECK(memcmp(&a[0].mean_estimate, &b[0].mean_estimate, sizeof(double)) == 0 &&
              memcmp(&a[1].mean_se, &b[1].mean_se, sizeof(double)) == 0 &&
              a[0].rejections == b[0].rejections && a[1].rejections == b[1].rejections,
          "nested table path: 1 and 3 threads give the same bits");
}

static void same(double a, double sa, double b, double sb, const char *what,
                 const mscsim_cell_summary *t)
{
    double tol = K_MCSE * sqrt(sa * sa + sb * sb);
    CHECK(fabs(a - b) <= tol, "%s, n = %ld, %s: nested table %.5f, patients %.5f, |diff| %.2g "
          "<= %.2g (4 MCSE)", t->analysis, t->n_total, what, a, b, fabs(a - b), tol);
}

#define PATH_REPS 10000

static void compare_paths(mscsim_config *cfg, const char *what)
{
    const long n[3] = {24, 100, 300};
    mscsim_engine *eng[2];
    mscsim_error err;
    for (int p = 0; p < 2; p++) {
        set(cfg, "simulation.shortcut=%s", p ? "no" : "auto");
        set(cfg, "simulation.seed=%d", p ? 2025 : 2024); /* independent trials */
        eng[p] = nested_engine(cfg, n, 3, PATH_REPS);
        while (!mscsim_engine_done(eng[p]))
            mscsim_engine_step(eng[p], &err);
    }
    char why[256];
    CHECK(mscsim_design_shortcut(mscsim_engine_design(eng[0]), 1, why, sizeof why) !=
                  MSCSIM_PATH_PATIENTS &&
              mscsim_design_shortcut(mscsim_engine_design(eng[1]), 1, NULL, 0) ==
                  MSCSIM_PATH_PATIENTS,
          "%s: the table path against the patient path (%s)", what, why);
    for (size_t c = 0; c < 3; c++)
        for (int k = 0; k < mscsim_engine_analysis_count(eng[0]); k++) {
            mscsim_cell_summary t, p;
            mscsim_engine_summary(eng[0], c, k, &t);
            mscsim_engine_summary(eng[1], c, k, &p);
            double R = (double)t.reps;
            char label[128];
            snprintf(label, sizeof label, "%s: power", what);
            same(t.power, sqrt(t.power * (1 - t.power) / R), p.power,
                 sqrt(p.power * (1 - p.power) / R), label, &t);
            same(t.mean_estimate, t.empirical_se / sqrt(R), p.mean_estimate,
                 p.empirical_se / sqrt(R), "mean estimate", &t);
            /* The SE's spread is at most the estimate's scale: a generous but real bound. */
            same(t.mean_se, t.empirical_se / sqrt(R), p.mean_se, p.empirical_se / sqrt(R),
                 "mean SE", &t);
            /* Var(analysed) <= n / 4 per trial (a sum of Bernoulli variables). */
            double se_n = sqrt(0.25 * (double)t.n_total / R);
            same(t.mean_n_analysed, se_n, p.mean_n_analysed, se_n, "analysed", &t);
            /* Failures are rare events: a Poisson SE, kept above 0 by one count. */
            same((double)t.failures / R, sqrt((double)t.failures + 1.0) / R,
                 (double)p.failures / R, sqrt((double)p.failures + 1.0) / R, "failure rate",
                 &t);
        }
    mscsim_engine_free(eng[0]);
    mscsim_engine_free(eng[1]);
}

static void test_paths_agree(void)
{
    mscsim_config cfg;
    for (int null = 0; null <= 1; null++) {
        shortcut_design(&cfg, "ordinal", "po, po_lr, wilcoxon, welch, student", null);
        compare_paths(&cfg, null ? "mRS, null" : "mRS");
        shortcut_design(&cfg, "ordinal", "welch, student, wilcoxon", null);
        set(&cfg, "analysis.endpoint=utility");
        compare_paths(&cfg, null ? "utility, null" : "utility");
        shortcut_design(&cfg, "binary", "chisq, fisher, rd_z", null);
        compare_paths(&cfg, null ? "binary, null" : "binary");
        shortcut_design(&cfg, "normal", "welch, student", null);
        compare_paths(&cfg, null ? "normal, null" : "normal");
    }
}

/* ---- the search on the shipped presets --------------------------------------------- */

static void search_agrees(const char *path, const char *test, const char *extra)
{
    mscsim_ss_result *res[2];
    for (int p = 0; p < 2; p++) {
        mscsim_config cfg;
        mscsim_error err;
        if (mscsim_config_load(path, &cfg, &err)) {
            char msg[1024];
            printf("%s: %s\n", path, mscsim_error_format(&err, msg, sizeof msg));
            exit(2);
        }
        set(&cfg, "analysis.tests=%s", test);
        if (extra)
            set(&cfg, "%s", extra);
        set(&cfg, "simulation.shortcut=%s", p ? "no" : "auto");
        set(&cfg, "simulation.threads=2");
        mscsim_ss_options opt = {.target = 0.8};
        res[p] = malloc(sizeof *res[p]);
        if (!res[p] || mscsim_samplesize(&cfg, &opt, res[p], &err)) {
            char msg[1024];
            printf("samplesize %s: %s\n", path, mscsim_error_format(&err, msg, sizeof msg));
            exit(2);
        }
    }
    /* Each answer is where its confirmation crosses the target; two confirmations of SE
     * sqrt(t (1 - t) / R) each cross it within 4 combined SEs of the power curve, i.e.
     * within that many blocks of the smaller gain per block, plus the one block of rounding. */
    double se = 0;
    for (int p = 0; p < 2; p++)
        se += 0.16 / (double)res[p]->confirm_reps;
    double gain = fmin(fabs(res[0]->gain_per_block), fabs(res[1]->gain_per_block));
    double blocks = ceil(K_MCSE * sqrt(se) / fmax(gain, 1e-3)) + 1.0;
    double apart = fabs((double)(res[0]->n_total - res[1]->n_total)) / (double)res[0]->block;
    CHECK(apart <= blocks, "samplesize %s (%s): nested table path n = %ld, patient path n = %ld, "
          "%.0f blocks apart <= %.0f (4 MCSE)", path, test, res[0]->n_total, res[1]->n_total,
          apart, blocks);
    free(res[0]);
    free(res[1]);
}

int main(void)
{
    test_samplers();
    test_laws();
    test_prefix_counts();
    test_prefix_normal();
    test_decisions();
    test_threads();
    test_paths_agree();
    /* The golden search's preset and tests/bench_samplesize.sh's two. */
    search_agrees(MSCSIM_TEST_DIR "/../configs/example.ini", "welch", NULL);
    search_agrees(MSCSIM_TEST_DIR "/configs/good/minimal.ini", "student", "msc.mean=0.5");
    search_agrees(MSCSIM_TEST_DIR "/../configs/starting2_mrs_shift.ini", "po", NULL);
    return TEST_DONE();
}
