/*
 * Tests of the rank analyses: wilcoxon (sim/analyses/wilcoxon.c) and worst_rank
 * (sim/analyses/worst_rank.c).
 *
 * 1. Reference results: both analyses on the data sets of tests/ref/rank_data.csv against
 *    R's wilcox.test and the DeLong SE in tests/ref/rank_ref.csv, both written by
 *    tests/ref/make_rank_ref.R (R 4.2.2). Agreement to REF_TOL (p relative, for p >= P_TINY).
 * 2. Random data against independent implementations: all msc-control pairs (small arms)
 *    and average ranks from qsort (any size, R's own formulation: placements as pooled
 *    minus within-arm ranks); continuous, tied, ordinal, integer, 0/1 data, with deaths.
 *    Sort stress: sorted, reversed, constant-but-one, organ-pipe, sawtooth and few-valued
 *    arms of up to 2e5 values (the organ pipe of 2e5 reaches introsort's heapsort
 *    fallback; arms that large also take the two-pass variance, n0 n1 > 2^25).
 * 3. The counting path (small integers) and the sorting path give bit-identical results
 *    (the same data shifted out of the counting range); worst_rank without deaths is
 *    wilcoxon bit for bit; reject == (p < alpha); want_p = 0 decides the same.
 * 4. Monte Carlo (fixed seeds, mscsim_rng_for_trial): type I error and power of wilcoxon
 *    (n 30 + 30, delta 0 and 0.5, 20000 trials) and the coverage of the 95% interval of
 *    the superiority (normal shift, mRS ordinal, worst rank with deaths) against R's
 *    simulations of the same designs in tests/ref/rank_sim_ref.csv, within K_MCSE combined
 *    Monte Carlo SEs; the estimate is exactly unbiased for the superiority, the mean SE^2
 *    matches the empirical variance.
 * 5. Failures and the analysis tables; timing (printed, not checked).
 * The analyses are reached through their extern tables, not the registry.
 */

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "analyses/analysis_impl.h"
#include "harness.h"
#include "ref_table.h"
#include "mathlib.h"
#include "mscsim/analysis.h"
#include "mscsim/dist.h"
#include "mscsim/rng.h"
#include "mscsim/trial.h"

#ifndef MSCSIM_TEST_DIR
#error "define MSCSIM_TEST_DIR as the absolute path of tests/"
#endif


/* Agreement with R (1e-10): W is exact in both, z and the SE are the same
 * formulas summed in another order (a few ulps), p inherits z's error times |z|. */
#define REF_TOL 1e-10
/* Below this a p-value is compared absolutely. */
#define P_TINY 1e-300
/* Random data against the pair and rank implementations: the same exact integers summed
 * in different orders, so agreement to a few hundred ulps. */
#define IMPL_TOL (256.0 * DBL_EPSILON)
/* Monte Carlo tolerance: a correct analysis fails a 4-MCSE check with probability 6e-5. */
#define K_MCSE 4.0
/* Trials per power design (20000) and per coverage design. */
#define POWER_REPS 20000
#define COVER_REPS 50000
#define SIM_SEED UINT64_C(20240917)
/* Largest arm in the tests. */
#define MAX_ARM 200000

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Buffers shared by the tests (static: too large for the stack). */
static double buf_y[2][MAX_ARM], buf_scratch[2 * MAX_ARM];
static unsigned char buf_died[2][MAX_ARM];

/* ======================================================================================
 * Helpers
 * ====================================================================================== */

static mscsim_analysis_settings *settings(double alpha, int sides, int want_p)
{
    mscsim_analysis_settings *s = NULL;
    mscsim_error err;
    if (mscsim_analysis_settings_new(alpha, sides, 0.95, 100, want_p, &s, &err) != MSCSIM_OK) {
        fprintf(stderr, "settings_new failed: %s\n", err.msg);
        exit(2);
    }
    return s;
}

static int p_close(double got, double want, double tol)
{
    if (want >= P_TINY)
        return fabs(got - want) <= tol * want;
    return fabs(got - want) <= P_TINY;
}

/* Runs a on arms (y0, n0) and (y1, n1) with deaths d0, d1 (NULL: none) and scratch. */
static void run(const mscsim_analysis_type *a, const double *y0, const unsigned char *d0,
                size_t n0, const double *y1, const unsigned char *d1, size_t n1,
                double *scratch, const mscsim_analysis_settings *s, mscsim_analysis_result *r)
{
    const double *y[2] = {y0, y1};
    size_t n[2] = {n0, n1};
    mscsim_trial_data d;
    mscsim_trial_data_set(&d, y, n);
    d.died[0] = d0;
    d.died[1] = d1;
    d.scratch = scratch;
    a->analyze(&d, s, r);
}

/* Every field equal (NaN equal to NaN): the bit-identity checks. */
static int same_result(const mscsim_analysis_result *a, const mscsim_analysis_result *b)
{
#define SAME(f) (a->f == b->f || (isnan(a->f) && isnan(b->f)))
    return SAME(estimate) && SAME(se) && SAME(df) && SAME(statistic) && SAME(p_value) &&
           a->reject == b->reject && a->failed == b->failed;
#undef SAME
}

/* ======================================================================================
 * Independent implementations
 * ====================================================================================== */

typedef struct {
    int failed;
    double w, z, p, estimate, se;
} ref_result;

/* The oriented value a patient is ranked by: -Inf for the dead under worst rank. */
static double rank_value(const double *y, const unsigned char *d, size_t i, int worst)
{
    return worst && d && d[i] ? -(double)INFINITY : y[i];
}

/* z, p and the failure rule from W, sigma^2's tie sum and the placements' SE. */
static void ref_finish(double w, double ties, double se_delong, size_t n0, size_t n1,
                       int sides, ref_result *o)
{
    double nx = (double)n1, ny = (double)n0, N = nx + ny;
    double sigma = sqrt((nx * ny / 12.0) * ((N + 1.0) - ties / (N * (N - 1.0))));
    double u = w - nx * ny / 2.0;
    double c = sides == 1 ? 0.5 : (u > 0.0 ? 0.5 : (u < 0.0 ? -0.5 : 0.0));
    o->w = w;
    o->z = (u - c) / sigma;
    o->p = sides == 1 ? pnorm(o->z, 0.0, 1.0, 0, 0)
                      : 2.0 * fmin(pnorm(o->z, 0.0, 1.0, 1, 0), pnorm(o->z, 0.0, 1.0, 0, 0));
    o->estimate = w / (nx * ny) - 0.5;
    o->se = n0 >= 2 && n1 >= 2 ? se_delong : sigma / (nx * ny);
}

/* Sample variance (n - 1), two-pass. */
static double sample_var(const double *v, size_t n)
{
    double m = 0.0, ss = 0.0;
    for (size_t i = 0; i < n; i++)
        m += v[i];
    m /= (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (v[i] - m) * (v[i] - m);
    return ss / ((double)n - 1.0);
}

/* Every pair: W, placements (DeLong) and the tie sum by counting equal values. O(n^2). */
static void ref_pairs(const double *y0, const unsigned char *d0, size_t n0, const double *y1,
                      const unsigned char *d1, size_t n1, int worst, int sides, ref_result *o)
{
    static double v10[4096], v01[4096];
    size_t N = n0 + n1;
    double w = 0.0, ties = 0.0;
    int distinct = 0;
    for (size_t j = 0; j < n0; j++)
        v01[j] = 0.0;
    for (size_t i = 0; i < n1; i++) {
        v10[i] = 0.0;
        double a = rank_value(y1, d1, i, worst);
        for (size_t j = 0; j < n0; j++) {
            double b = rank_value(y0, d0, j, worst);
            double psi = a > b ? 1.0 : (a == b ? 0.5 : 0.0);
            w += psi;
            v10[i] += psi;
            v01[j] += psi;
        }
    }
    /* Tie groups: for each patient the size t of its group; sum over patients of t^2 - 1 is
     * the sum over groups of t^3 - t. */
    for (size_t k = 0; k < N; k++) {
        double a = k < n0 ? rank_value(y0, d0, k, worst) : rank_value(y1, d1, k - n0, worst);
        double t = 0.0;
        for (size_t l = 0; l < N; l++) {
            double b = l < n0 ? rank_value(y0, d0, l, worst) : rank_value(y1, d1, l - n0, worst);
            t += a == b;
        }
        ties += t * t - 1.0;
        distinct |= t < (double)N;
    }
    o->failed = n0 == 0 || n1 == 0 || !distinct;
    if (o->failed)
        return;
    for (size_t i = 0; i < n1; i++)
        v10[i] /= (double)n0;
    for (size_t j = 0; j < n0; j++)
        v01[j] /= (double)n1;
    double se = n0 >= 2 && n1 >= 2
                    ? sqrt(sample_var(v10, n1) / (double)n1 + sample_var(v01, n0) / (double)n0)
                    : (double)NAN;
    ref_finish(w, ties, se, n0, n1, sides, o);
}

/* Average ranks via qsort. */
typedef struct {
    double v;
    size_t i;
} keyed;

static int cmp_keyed(const void *pa, const void *pb)
{
    const keyed *a = pa, *b = pb;
    return (a->v > b->v) - (a->v < b->v);
}

/* Average ranks r[0..n) of v[0..n); *ties += sum of t^3 - t. */
static void avg_ranks(const double *v, size_t n, double *r, keyed *work, double *ties)
{
    for (size_t i = 0; i < n; i++)
        work[i] = (keyed){v[i], i};
    qsort(work, n, sizeof *work, cmp_keyed);
    for (size_t g = 0; g < n;) {
        size_t e = g;
        while (e < n && work[e].v == work[g].v)
            e++;
        double t = (double)(e - g), avg = (double)g + (t + 1.0) / 2.0;
        for (size_t k = g; k < e; k++)
            r[work[k].i] = avg;
        if (ties)
            *ties += t * t * t - t;
        g = e;
    }
}

/* R's formulation: W from pooled average ranks, placements = pooled minus within-arm
 * ranks (divided by the other arm's size). O(n log n); allocates (test code). */
static void ref_ranks(const double *y0, const unsigned char *d0, size_t n0, const double *y1,
                      const unsigned char *d1, size_t n1, int worst, int sides, ref_result *o)
{
    size_t N = n0 + n1;
    double *v = malloc(N * sizeof *v), *rp = malloc(N * sizeof *rp), *rw = malloc(N * sizeof *rw);
    keyed *work = malloc((N ? N : 1) * sizeof *work);
    if (!v || !rp || !rw || !work) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    for (size_t j = 0; j < n0; j++)
        v[j] = rank_value(y0, d0, j, worst);
    for (size_t i = 0; i < n1; i++)
        v[n0 + i] = rank_value(y1, d1, i, worst);
    double ties = 0.0;
    avg_ranks(v, N, rp, work, &ties);
    avg_ranks(v, n0, rw, work, NULL);
    avg_ranks(v + n0, n1, rw + n0, work, NULL);
    o->failed = n0 == 0 || n1 == 0 || ties == (double)N * N * N - (double)N;
    if (!o->failed) {
        double w = -(double)n1 * ((double)n1 + 1.0) / 2.0;
        for (size_t i = 0; i < n1; i++)
            w += rp[n0 + i];
        /* Placements overwrite v (no longer needed). */
        for (size_t j = 0; j < n0; j++)
            v[j] = 1.0 - (rp[j] - rw[j]) / (double)n1;
        for (size_t i = 0; i < n1; i++)
            v[n0 + i] = (rp[n0 + i] - rw[n0 + i]) / (double)n0;
        double se = n0 >= 2 && n1 >= 2 ? sqrt(sample_var(v + n0, n1) / (double)n1 +
                                              sample_var(v, n0) / (double)n0)
                                       : (double)NAN;
        ref_finish(w, ties, se, n0, n1, sides, o);
    }
    free(v);
    free(rp);
    free(rw);
    free(work);
}

/* Compares an analysis result with a reference; returns the number of mismatches and
 * prints the first few. */
static size_t compare(const mscsim_analysis_result *r, const ref_result *o, double tol,
                      const char *what, size_t *shown)
{
    int ok;
    if (o->failed) {
        ok = r->failed && !r->reject;
    } else {
        ok = !r->failed && fabs(r->estimate - o->estimate) <= tol &&
             fabs(r->statistic - o->z) <= tol * fmax(1.0, fabs(o->z)) &&
             p_close(r->p_value, o->p, tol * fmax(1.0, o->z * o->z)) &&
             fabs(r->se - o->se) <= tol * fmax(o->se, DBL_MIN) && isinf(r->df);
    }
    if (!ok && (*shown)++ < 3)
        printf("  mismatch %s: failed %d/%d est %.17g/%.17g z %.17g/%.17g p %.17g/%.17g "
               "se %.17g/%.17g\n",
               what, r->failed, o->failed, r->estimate, o->estimate, r->statistic, o->z,
               r->p_value, o->p, r->se, o->se);
    return ok ? 0 : 1;
}

/* ======================================================================================
 * 1. Reference results from tests/ref/make_rank_ref.R
 * ====================================================================================== */

typedef struct {
    double *y[2];
    unsigned char *died[2];
    size_t n[2];
    int any_death;
} arms;

/* Loads case into the shared buffers; 0 when absent. */
static int load_case(const table *t, const char *name, arms *d)
{
    size_t cc = table_col(t, "case"), ca = table_col(t, "arm"), cy = table_col(t, "y"),
           cd = table_col(t, "died");
    d->n[0] = d->n[1] = 0;
    d->any_death = 0;
    for (int a = 0; a < 2; a++) {
        d->y[a] = buf_y[a];
        d->died[a] = buf_died[a];
    }
    for (size_t i = 0; i < t->nrow; i++) {
        if (strcmp(table_get(t, i, cc), name) != 0)
            continue;
        int a = atoi(table_get(t, i, ca));
        d->y[a][d->n[a]] = num(table_get(t, i, cy));
        d->died[a][d->n[a]] = (unsigned char)atoi(table_get(t, i, cd));
        d->any_death |= d->died[a][d->n[a]];
        d->n[a]++;
    }
    return d->n[0] + d->n[1] > 0;
}

/* 1 when every value of the case is an integer (the counting path), to shift it out. */
static int all_integers(const arms *d)
{
    for (int a = 0; a < 2; a++)
        for (size_t i = 0; i < d->n[a]; i++)
            if (d->y[a][i] != floor(d->y[a][i]))
                return 0;
    return 1;
}

static void test_reference(void)
{
    table data, ref;
    CHECK(table_read(&data, "rank_data.csv"), "read rank_data.csv");
    CHECK(table_read(&ref, "rank_ref.csv"), "read rank_ref.csv");
    CHECK(ref.nrow >= 100, "rank_ref.csv has %zu rows", ref.nrow);
    mscsim_analysis_settings *s2 = settings(0.05, 2, 1), *s1 = settings(0.05, 1, 1);
    size_t c_case = table_col(&ref, "case"), c_an = table_col(&ref, "analysis"),
           c_sides = table_col(&ref, "sides"), c_failed = table_col(&ref, "failed"),
           c_n0 = table_col(&ref, "n0"), c_n1 = table_col(&ref, "n1"), c_w = table_col(&ref, "W"),
           c_z = table_col(&ref, "statistic"), c_p = table_col(&ref, "p_value"),
           c_est = table_col(&ref, "estimate"), c_se = table_col(&ref, "se");
    static double shifted[2][MAX_ARM];

    for (size_t i = 0; i < ref.nrow; i++) {
        const char *cs = table_get(&ref, i, c_case), *an = table_get(&ref, i, c_an);
        int sides = atoi(table_get(&ref, i, c_sides)), failed = atoi(table_get(&ref, i, c_failed));
        const mscsim_analysis_type *a = NULL;
        if (strcmp(an, "wilcoxon") == 0)
            a = &sim_analysis_wilcoxon;
        else if (strcmp(an, "worst_rank") == 0)
            a = &sim_analysis_worst_rank;
        arms d;
        if (!a || !load_case(&data, cs, &d)) {
            CHECK(0, "%s %s: unknown analysis or case", cs, an);
            continue;
        }
        const mscsim_analysis_settings *s = sides == 1 ? s1 : s2;
        INT_EQ(d.n[0], atol(table_get(&ref, i, c_n0)), "%s arm sizes [make_rank_ref.R]", cs);
        INT_EQ(d.n[1], atol(table_get(&ref, i, c_n1)), "%s arm sizes [make_rank_ref.R]", cs);
        mscsim_analysis_result r;
        /* No deaths in the case: died NULL, as the engine passes when nobody can die. */
        const unsigned char *d0 = d.any_death ? d.died[0] : NULL;
        const unsigned char *d1 = d.any_death ? d.died[1] : NULL;
        run(a, d.y[0], d0, d.n[0], d.y[1], d1, d.n[1], buf_scratch, s, &r);
        /* Values: tests/ref/rank_ref.csv, written by make_rank_ref.R from wilcox.test. */
        INT_EQ(r.failed, failed, "%s %s sides %d failed [make_rank_ref.R]", cs, an, sides);
        if (failed) {
            CHECK(!r.reject && isnan(r.p_value) && isnan(r.estimate) && isnan(r.se),
                  "%s %s sides %d failed: reject 0, NaN p, estimate and SE", cs, an, sides);
            continue;
        }
        double w = num(table_get(&ref, i, c_w)), z = num(table_get(&ref, i, c_z)),
               p = num(table_get(&ref, i, c_p)), est = num(table_get(&ref, i, c_est)),
               se = num(table_get(&ref, i, c_se));
        double nn = (double)d.n[0] * (double)d.n[1];
        REL_EQ((r.estimate + 0.5) * nn, w, 1e-13, "%s %s sides %d W = (estimate + 1/2) n0 n1", cs,
               an, sides);
        REL_EQ(r.estimate, est, REF_TOL, "%s %s sides %d estimate", cs, an, sides);
        REL_EQ(r.statistic, z, REF_TOL, "%s %s sides %d z", cs, an, sides);
        /* p moves by |d log p / dz| ~ max(1, |z|) per unit of z. */
        CHECK(p_close(r.p_value, p, REF_TOL * fmax(1.0, fabs(z))),
              "%s %s sides %d p: got %.17g want %.17g", cs, an, sides, r.p_value, p);
        CHECK(fabs(r.se - se) <= REF_TOL * se || (se == 0.0 && r.se == 0.0),
              "%s %s sides %d se (DeLong): got %.17g want %.17g", cs, an, sides, r.se, se);
        CHECK(isinf(r.df) && r.df > 0.0, "%s %s df Inf (normal interval)", cs, an);
        if (fabs(p - 0.05) > 1e-9)
            INT_EQ(r.reject, p < 0.05, "%s %s sides %d reject == (R p < 0.05)", cs, an, sides);

        /* With deaths given as an all-zero array instead of NULL: the same result. */
        if (!d.any_death) {
            mscsim_analysis_result r2;
            run(a, d.y[0], d.died[0], d.n[0], d.y[1], d.died[1], d.n[1], buf_scratch, s, &r2);
            CHECK(same_result(&r, &r2), "%s %s sides %d: died all 0 == died NULL", cs, an, sides);
        }
        /* Integer data take the counting path; shifted by 1000 (exact, same ranks) they
         * take the sorting path: bit-identical results. */
        if (all_integers(&d)) {
            for (int arm = 0; arm < 2; arm++)
                for (size_t j = 0; j < d.n[arm]; j++)
                    shifted[arm][j] = d.y[arm][j] + 1000.0;
            mscsim_analysis_result r2;
            run(a, shifted[0], d0, d.n[0], shifted[1], d1, d.n[1], buf_scratch, s, &r2);
            CHECK(same_result(&r, &r2), "%s %s sides %d: counting path == sorting path", cs,
                  an, sides);
        }
    }
    mscsim_analysis_settings_free(s1);
    mscsim_analysis_settings_free(s2);
    table_free(&data);
    table_free(&ref);
}

/* ======================================================================================
 * 2-3. Random data against the independent implementations
 * ====================================================================================== */

enum { GEN_NORMAL, GEN_QUARTERS, GEN_MRS, GEN_WIDE_INT, GEN_BINARY, GEN_COUNT };
static const char *const gen_name[GEN_COUNT] = {"normal", "quarters", "mRS", "wide integers",
                                                 "0/1"};

static double draw(mscsim_rng *rng, int gen, double shift)
{
    switch (gen) {
    case GEN_NORMAL:
        return shift + mscsim_rnorm_std(rng);
    case GEN_QUARTERS: /* ties, not integers: sorting path */
        return round(4.0 * (shift + mscsim_rnorm_std(rng))) / 4.0;
    case GEN_MRS: /* counting path */
        return -(double)mscsim_rng_bounded(rng, 7);
    case GEN_WIDE_INT: /* integers beyond the counting range: sorting path with ties */
        return 150.0 + (double)mscsim_rng_bounded(rng, 120);
    default:
        return (double)(mscsim_rng_uniform(rng) < 0.4);
    }
}

static void test_random(void)
{
    mscsim_analysis_settings *s[2] = {settings(0.05, 1, 1), settings(0.05, 2, 1)};
    mscsim_analysis_settings *s_nop = settings(0.05, 2, 0);
    size_t bad_pairs = 0, bad_ranks = 0, bad_decision = 0, bad_nop = 0, bad_worst = 0,
           count = 0, shown = 0;
    for (uint64_t rep = 0; rep < 4000; rep++) {
        mscsim_rng rng = mscsim_rng_for_trial(SIM_SEED, 1, 0, rep);
        int gen = (int)(rep % GEN_COUNT);
        size_t n0 = 1 + mscsim_rng_bounded(&rng, rep % 3 == 0 ? 6 : 120);
        size_t n1 = 1 + mscsim_rng_bounded(&rng, rep % 3 == 0 ? 6 : 120);
        double death_p = rep % 2 ? 0.25 * mscsim_rng_uniform(&rng) : 0.0;
        for (size_t i = 0; i < n0; i++) {
            buf_y[0][i] = draw(&rng, gen, 0.0);
            buf_died[0][i] = (unsigned char)(mscsim_rng_uniform(&rng) < death_p);
        }
        for (size_t i = 0; i < n1; i++) {
            buf_y[1][i] = draw(&rng, gen, 0.4);
            buf_died[1][i] = (unsigned char)(mscsim_rng_uniform(&rng) < death_p);
        }
        for (int worst = 0; worst <= 1; worst++) {
            const mscsim_analysis_type *a = worst ? &sim_analysis_worst_rank
                                                  : &sim_analysis_wilcoxon;
            for (int sides = 1; sides <= 2; sides++) {
                mscsim_analysis_result r, r_nop;
                ref_result o_pairs, o_ranks;
                run(a, buf_y[0], buf_died[0], n0, buf_y[1], buf_died[1], n1, buf_scratch,
                    s[sides - 1], &r);
                ref_pairs(buf_y[0], buf_died[0], n0, buf_y[1], buf_died[1], n1, worst, sides,
                          &o_pairs);
                ref_ranks(buf_y[0], buf_died[0], n0, buf_y[1], buf_died[1], n1, worst, sides,
                          &o_ranks);
                char what[96];
                snprintf(what, sizeof what, "rep %llu %s %s sides %d n %zu+%zu",
                         (unsigned long long)rep, gen_name[gen], a->name, sides, n0, n1);
                bad_pairs += compare(&r, &o_pairs, IMPL_TOL, what, &shown);
                bad_ranks += compare(&r, &o_ranks, IMPL_TOL, what, &shown);
                if (!r.failed)
                    bad_decision += r.reject != (r.p_value < 0.05);
                if (sides == 2) {
                    run(a, buf_y[0], buf_died[0], n0, buf_y[1], buf_died[1], n1, buf_scratch,
                        s_nop, &r_nop);
                    bad_nop += r_nop.reject != r.reject || !isnan(r_nop.p_value) ||
                               (!r.failed && (r_nop.statistic != r.statistic ||
                                              r_nop.estimate != r.estimate || r_nop.se != r.se));
                }
                count++;
            }
        }
        /* worst_rank with died NULL is wilcoxon, bit for bit. */
        mscsim_analysis_result rw, rr;
        run(&sim_analysis_wilcoxon, buf_y[0], buf_died[0], n0, buf_y[1], buf_died[1], n1,
            buf_scratch, s[1], &rw);
        run(&sim_analysis_worst_rank, buf_y[0], NULL, n0, buf_y[1], NULL, n1, buf_scratch,
            s[1], &rr);
        bad_worst += !same_result(&rw, &rr);
    }
    INT_EQ(bad_pairs, 0, "random data (%zu analyses, 5 kinds, deaths): == all-pairs "
                         "implementation to %g", count, IMPL_TOL);
    INT_EQ(bad_ranks, 0, "random data: == average-rank (qsort) implementation to %g", IMPL_TOL);
    INT_EQ(bad_decision, 0, "random data: reject == (p < 0.05)");
    INT_EQ(bad_nop, 0, "random data: want_p = 0 gives the same decision and numbers, NaN p");
    INT_EQ(bad_worst, 0, "random data: worst_rank with died NULL == wilcoxon bit for bit");
    for (int k = 0; k < 2; k++)
        mscsim_analysis_settings_free(s[k]);
    mscsim_analysis_settings_free(s_nop);
}

/* Large and adversarial inputs for the sort (and the counting path at large n). */
static void test_sort_stress(void)
{
    mscsim_analysis_settings *s = settings(0.05, 2, 1);
    static const char *const pattern[] = {"random", "sorted", "reversed", "constant but one",
                                          "organ pipe", "3 values", "sawtooth", "mRS"};
    static const size_t sizes[] = {17, 1000, MAX_ARM};
    for (size_t p = 0; p < ARRAY_LEN(pattern); p++) {
        for (size_t k = 0; k < ARRAY_LEN(sizes); k++) {
            size_t n = sizes[k];
            mscsim_rng rng = mscsim_rng_for_trial(SIM_SEED, 2, n, p);
            for (int a = 0; a < 2; a++) {
                for (size_t i = 0; i < n; i++) {
                    double v, x = (double)i;
                    switch (p) {
                    case 0: v = mscsim_rnorm_std(&rng); break;
                    case 1: v = x; break;
                    case 2: v = -x; break;
                    case 3: v = i == n / 3 ? 1.5 : 0.5; break;
                    case 4: v = i < n / 2 ? x : (double)n - x; break;
                    case 5: v = 0.5 * (double)mscsim_rng_bounded(&rng, 3); break;
                    case 6: v = (double)(i % 37) + 0.25; break;
                    default: v = -(double)mscsim_rng_bounded(&rng, 7); break;
                    }
                    buf_y[a][i] = v + 0.1 * a; /* arms differ slightly */
                }
            }
            mscsim_analysis_result r;
            ref_result o;
            size_t n1 = n - n / 7, shown = 0; /* unequal arms */
            run(&sim_analysis_wilcoxon, buf_y[0], NULL, n, buf_y[1], NULL, n1, buf_scratch, s,
                &r);
            ref_ranks(buf_y[0], NULL, n, buf_y[1], NULL, n1, 0, 2, &o);
            /* Sums over 2e5 terms: rounding grows with sqrt(n) terms, still far below 1e-10. */
            size_t bad = compare(&r, &o, 1e-11, pattern[p], &shown);
            INT_EQ(bad, 0, "sort stress %s, n %zu + %zu: == average-rank implementation",
                   pattern[p], n, n1);
        }
    }
    mscsim_analysis_settings_free(s);
}

/* ======================================================================================
 * 4. Monte Carlo: power, type I error, coverage
 * ====================================================================================== */

typedef struct {
    const char *id;
    const char *quantity;
    int sides;
    double alpha, value, mcse, reps;
} sim_ref;

/* The row of rank_sim_ref.csv with id, quantity and sides; exits if absent. */
static sim_ref sim_lookup(const table *t, const char *id, const char *quantity, int sides)
{
    size_t ci = table_col(t, "id"), cq = table_col(t, "quantity"), cs = table_col(t, "sides"),
           ca = table_col(t, "alpha"), cv = table_col(t, "value"), cm = table_col(t, "mcse"),
           cr = table_col(t, "reps");
    for (size_t i = 0; i < t->nrow; i++)
        if (strcmp(table_get(t, i, ci), id) == 0 && strcmp(table_get(t, i, cq), quantity) == 0 &&
            atoi(table_get(t, i, cs)) == sides)
            return (sim_ref){id, quantity, sides, num(table_get(t, i, ca)),
                             num(table_get(t, i, cv)), num(table_get(t, i, cm)),
                             num(table_get(t, i, cr))};
    fprintf(stderr, "rank_sim_ref.csv: no row %s %s %d\n", id, quantity, sides);
    exit(2);
}

/* C rate (hits of reps) vs R's simulated rate: |difference| <= K_MCSE sqrt(mcse_C^2 +
 * mcse_R^2), with mcse_C from R's rate (so the tolerance does not depend on the result). */
static void check_rate(const sim_ref *ref, long hits, long reps, const char *what)
{
    double v = (double)hits / (double)reps;
    double mc = sqrt(ref->value * (1.0 - ref->value) / (double)reps);
    double tol = K_MCSE * sqrt(mc * mc + ref->mcse * ref->mcse);
    CHECK(fabs(v - ref->value) <= tol,
          "%s: %.5f (%ld trials) vs R %.5f (%.0f trials) [make_rank_ref.R], |diff| %.5f <= "
          "%g MCSE = %.5f",
          what, v, reps, ref->value, ref->reps, fabs(v - ref->value), K_MCSE, tol);
}

static void test_power(const table *t)
{
    const char *ids[2] = {"pow_null", "pow_shift"};
    const double delta[2] = {0.0, 0.5};
    const size_t n = 30;
    for (int k = 0; k < 2; k++) {
        mscsim_analysis_settings *s2 = settings(0.05, 2, 0), *s1 = settings(0.025, 1, 0);
        long hits2 = 0, hits1 = 0;
        for (long rep = 0; rep < POWER_REPS; rep++) {
            mscsim_rng rng = mscsim_rng_for_trial(SIM_SEED, 10 + (uint64_t)k, 2 * n, (uint64_t)rep);
            for (size_t i = 0; i < n; i++)
                buf_y[0][i] = mscsim_rnorm_std(&rng);
            for (size_t i = 0; i < n; i++)
                buf_y[1][i] = delta[k] + mscsim_rnorm_std(&rng);
            mscsim_analysis_result r;
            run(&sim_analysis_wilcoxon, buf_y[0], NULL, n, buf_y[1], NULL, n, buf_scratch,
                s2, &r);
            hits2 += r.reject;
            run(&sim_analysis_wilcoxon, buf_y[0], NULL, n, buf_y[1], NULL, n, buf_scratch,
                s1, &r);
            hits1 += r.reject;
        }
        sim_ref r2 = sim_lookup(t, ids[k], "reject", 2), r1 = sim_lookup(t, ids[k], "reject", 1);
        char what[128];
        snprintf(what, sizeof what, "wilcoxon %s rate, n 30+30, delta %.1f, alpha 0.05 two-sided",
                 k ? "power" : "type I error", delta[k]);
        check_rate(&r2, hits2, POWER_REPS, what);
        snprintf(what, sizeof what, "wilcoxon %s rate, n 30+30, delta %.1f, alpha 0.025 one-sided",
                 k ? "power" : "type I error", delta[k]);
        check_rate(&r1, hits1, POWER_REPS, what);
        mscsim_analysis_settings_free(s1);
        mscsim_analysis_settings_free(s2);
    }
}

enum { COVER_NORMAL, COVER_ORDINAL, COVER_WORST };

/* mRS category probabilities (mRS 0..6) of make_rank_ref.R. */
static const double p_ctl[7] = {0.10, 0.12, 0.18, 0.20, 0.15, 0.10, 0.15};
static const double p_msc[7] = {0.15, 0.16, 0.20, 0.18, 0.12, 0.07, 0.12};

static void test_coverage(const table *t)
{
    const char *ids[3] = {"cov_normal", "cov_ordinal", "cov_worst"};
    const size_t n = 50;
    mscsim_categorical cat[2];
    mscsim_error err;
    if (mscsim_categorical_init(&cat[0], p_ctl, 7, &err) ||
        mscsim_categorical_init(&cat[1], p_msc, 7, &err)) {
        CHECK(0, "categorical_init: %.200s", err.msg);
        return;
    }
    /* Exact superiorities. Normal shift: P(Y1 > Y0) = Phi(delta / sqrt 2). Ordinal: sum over
     * msc category i, control j of p_msc[i] p_ctl[j] (1[i < j] + 1[i = j] / 2) (lower mRS
     * is better). Worst rank (deaths d0 = 0.2, d1 = 0.1, survivors shifted by 0.3): both
     * survive and msc is better, or only the control patient dies, or both die (a tie). */
    double truth[3];
    truth[0] = pnorm(0.5 / sqrt(2.0), 0.0, 1.0, 1, 0) - 0.5;
    truth[1] = -0.5;
    for (int i = 0; i < 7; i++)
        for (int j = 0; j < 7; j++)
            truth[1] += p_msc[i] * p_ctl[j] * (i < j ? 1.0 : (i == j ? 0.5 : 0.0));
    truth[2] = 0.9 * 0.8 * pnorm(0.3 / sqrt(2.0), 0.0, 1.0, 1, 0) + 0.9 * 0.2 + 0.1 * 0.2 / 2.0 -
               0.5;
    ABS_EQ(truth[1], 0.066900000000000015, 1e-15,
           "ordinal truth = make_rank_ref.R's truth_ord (printed by the script)");

    mscsim_analysis_settings *s = settings(0.05, 2, 0);
    for (int k = 0; k < 3; k++) {
        const mscsim_analysis_type *a = k == COVER_WORST ? &sim_analysis_worst_rank
                                                         : &sim_analysis_wilcoxon;
        long covered = 0, failed = 0;
        double sum_e = 0.0, sum_e2 = 0.0, sum_v = 0.0; /* about the truth: no cancellation */
        for (long rep = 0; rep < COVER_REPS; rep++) {
            mscsim_rng rng = mscsim_rng_for_trial(SIM_SEED, 20 + (uint64_t)k, 2 * n, (uint64_t)rep);
            for (int arm = 0; arm < 2; arm++) {
                for (size_t i = 0; i < n; i++) {
                    buf_died[arm][i] = 0;
                    if (k == COVER_ORDINAL) {
                        buf_y[arm][i] = -(double)mscsim_rcategorical(&rng, &cat[arm]);
                    } else if (k == COVER_NORMAL) {
                        buf_y[arm][i] = 0.5 * arm + mscsim_rnorm_std(&rng);
                    } else {
                        buf_died[arm][i] = (unsigned char)mscsim_rbernoulli(&rng, arm ? 0.1 : 0.2);
                        buf_y[arm][i] = 0.3 * arm + mscsim_rnorm_std(&rng);
                    }
                }
            }
            mscsim_analysis_result r;
            run(a, buf_y[0], buf_died[0], n, buf_y[1], buf_died[1], n, buf_scratch, s, &r);
            if (r.failed) {
                failed++;
                continue;
            }
            covered += mscsim_analysis_covers(s, &r, truth[k]);
            double e = r.estimate - truth[k];
            sum_e += e;
            sum_e2 += e * e;
            sum_v += r.se * r.se;
        }
        INT_EQ(failed, 0, "%s: no failed trials", ids[k]);
        long ok = COVER_REPS - failed;
        sim_ref ref = sim_lookup(t, ids[k], "coverage", 2);
        char what[160];
        snprintf(what, sizeof what, "%s coverage of the 95%% CI of the superiority %.6f", ids[k],
                 truth[k]);
        check_rate(&ref, covered, ok, what);
        /* Within 0.01 of the nominal 0.95: a Wald interval on the AUC scale at n = 50 + 50
         * undercovers slightly (R's 2e5-trial runs give 0.944-0.946). */
        double cov = (double)covered / (double)ok;
        CHECK(fabs(cov - 0.95) <= 0.01, "%s coverage %.4f within 0.01 of 0.95", ids[k], cov);
        /* W / (n0 n1) is an unbiased estimator of P(better) + P(tie) / 2 (a U-statistic):
         * the mean error is within K_MCSE of 0. */
        double mean_e = sum_e / (double)ok;
        double var_e = (sum_e2 - sum_e * mean_e) / (double)(ok - 1);
        double mcse = sqrt(var_e / (double)ok);
        CHECK(fabs(mean_e) <= K_MCSE * mcse, "%s: mean estimate - truth %.2e within %g MCSE (%.2e)",
              ids[k], mean_e, K_MCSE, mcse);
        /* Mean SE^2 vs the empirical variance of the estimate: relative MCSE of a variance of
         * near-normal values sqrt(2 / (reps - 1)); DeLong's bias Var(r) / (n0 n1) is far below. */
        double ratio = sum_v / (double)ok / var_e, tol = K_MCSE * sqrt(2.0 / (double)(ok - 1));
        CHECK(fabs(ratio - 1.0) <= tol, "%s: mean se^2 / empirical variance %.4f within %.4f of 1",
              ids[k], ratio, tol);
    }
    mscsim_analysis_settings_free(s);
}

static void test_simulation(void)
{
    table t;
    if (!table_read(&t, "rank_sim_ref.csv")) {
        CHECK(0, "read rank_sim_ref.csv");
        return;
    }
    test_power(&t);
    test_coverage(&t);
    table_free(&t);
}

/* ======================================================================================
 * 5. Failures, tables, timing
 * ====================================================================================== */

static void test_failures(void)
{
    mscsim_analysis_settings *s = settings(0.05, 2, 1);
    const double c[4] = {1.5, 2.5, 3.5, 4.5}, tied[3] = {2.0, 2.0, 2.0};
    const double with_nan[3] = {1.0, NAN, 2.0}, mrs[4] = {-1.0, 0.0, -3.0, -6.0};
    const unsigned char all_dead[4] = {1, 1, 1, 1}, dead3[3] = {1, 1, 1};
    mscsim_analysis_result r;
    run(&sim_analysis_wilcoxon, c, NULL, 0, c, NULL, 4, buf_scratch, s, &r);
    CHECK(r.failed && !r.reject && isnan(r.p_value), "empty control arm: failed");
    run(&sim_analysis_wilcoxon, c, NULL, 4, c, NULL, 0, buf_scratch, s, &r);
    CHECK(r.failed && !r.reject, "empty msc arm: failed");
    run(&sim_analysis_wilcoxon, tied, NULL, 3, tied, NULL, 2, buf_scratch, s, &r);
    CHECK(r.failed && !r.reject, "all values tied (counting path): failed");
    const double tied_real[3] = {0.1, 0.1, 0.1};
    run(&sim_analysis_wilcoxon, tied_real, NULL, 3, tied_real, NULL, 3, buf_scratch, s, &r);
    CHECK(r.failed && !r.reject, "all values tied (sorting path): failed");
    run(&sim_analysis_wilcoxon, with_nan, NULL, 3, c, NULL, 4, buf_scratch, s, &r);
    CHECK(r.failed && !r.reject, "a NaN value: failed");
    run(&sim_analysis_wilcoxon, c, NULL, 4, c + 1, NULL, 3, NULL, s, &r);
    CHECK(r.failed && !r.reject, "real values without scratch: failed (no allocation)");
    run(&sim_analysis_wilcoxon, mrs, NULL, 4, mrs + 1, NULL, 3, NULL, s, &r);
    CHECK(!r.failed, "small integers without scratch: the counting path needs none");
    /* Values an ulp away from small integers are not integers: they must not tie with
     * them (as y + 128 rounded would), nor -0 apart from 0. Checked against all pairs. */
    const double near[5] = {3.0, nextafter(3.0, 4.0), -0.0, 1e-20, -128.0};
    const double ints[5] = {3.0, 0.0, nextafter(-128.0, 0.0), 128.0, 2.0};
    ref_result o;
    size_t shown = 0;
    run(&sim_analysis_wilcoxon, near, NULL, 5, ints, NULL, 5, buf_scratch, s, &r);
    ref_pairs(near, NULL, 5, ints, NULL, 5, 0, 2, &o);
    INT_EQ(compare(&r, &o, IMPL_TOL, "near-integers", &shown), 0,
           "3 + 1 ulp, 1e-20, -0, -128 + 1 ulp: ties as in the all-pairs implementation");
    const double edge0[3] = {-128.0, 128.0, 0.0}, edge1[3] = {-128.0, 5.0, 127.0};
    run(&sim_analysis_wilcoxon, edge0, NULL, 3, edge1, NULL, 3, NULL, s, &r);
    ref_pairs(edge0, NULL, 3, edge1, NULL, 3, 0, 2, &o);
    INT_EQ(compare(&r, &o, IMPL_TOL, "range ends", &shown) + (size_t)r.failed, 0,
           "-128 and 128 take the counting path (no scratch given) and agree");
    run(&sim_analysis_worst_rank, c, all_dead, 4, c, dead3, 3, buf_scratch, s, &r);
    CHECK(r.failed && !r.reject, "worst_rank, everybody dead (all tied): failed");
    run(&sim_analysis_worst_rank, mrs, all_dead, 4, c, NULL, 3, buf_scratch, s, &r);
    CHECK(!r.failed && r.estimate == 0.5, "worst_rank, all controls dead: estimate 1/2 (got %g)",
          r.estimate);
    mscsim_analysis_settings_free(s);

    const mscsim_analysis_type *w = &sim_analysis_wilcoxon, *wr = &sim_analysis_worst_rank;
    STR_EQ(w->name, "wilcoxon", "wilcoxon name");
    STR_EQ(wr->name, "worst_rank", "worst_rank name");
    INT_EQ(w->outcomes, MSCSIM_OUTCOME_CONTINUOUS | MSCSIM_OUTCOME_ORDINAL | MSCSIM_OUTCOME_BINARY,
           "wilcoxon outcomes");
    INT_EQ(wr->outcomes, MSCSIM_OUTCOME_CONTINUOUS | MSCSIM_OUTCOME_ORDINAL, "worst_rank outcomes");
    INT_EQ(w->estimand, MSCSIM_ESTIMAND_SUPERIORITY, "wilcoxon estimand");
    INT_EQ(wr->estimand, MSCSIM_ESTIMAND_SUPERIORITY, "worst_rank estimand");
    CHECK(!w->uses_baseline && !wr->uses_baseline && w->description && wr->description,
          "no baseline; descriptions");
}

int main(void)
{
    test_reference();
    test_random();
    test_sort_stress();
    test_simulation();
    test_failures();
    return TEST_DONE();
}
