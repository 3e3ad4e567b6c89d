/*
 * Tests of the trajectory model's course sampler (sim/models/trajectory_course.c): the
 * per-baseline tables, for a fixed and for a drawn onset, and the path at onset must draw
 * the same law as the rejection sampler (which stays for what no table covers).
 *
 * - Same law: for baselines across the range (FMA motor, 0-100), the van der Vliet
 *   subgroups with spread (r_sd 0.1, tau_cv 0.2), without spread in r, without spread in
 *   tau, and a scale where lower is better; a fixed onset (20 and 45 days, and onsets after
 *   the fixed one, which the table's open bin covers), a drawn onset (table over 1-90 days,
 *   onsets inside bins, on an edge and beyond the last edge) and onset 0: N courses from
 *   each sampler (separate seeds), a two-sample chi-square test on the subgroup and
 *   two-sample Kolmogorov-Smirnov tests on r and on 1 / tau, each rejecting at LEVEL. Fixed
 *   seeds; with ~190 tests at 0.001 a correct sampler passes all with probability 0.83 for
 *   any seed (these seeds pass).
 * - r's sampler (plain rejection above r_fast, Robert's below) against mscsim_rtruncnorm
 *   by KS, for bounds on both sides of r_fast.
 * - The envelope: in every cell of every checked row, the envelope's mass is at least the
 *   exact mass over the bin's onsets (a midpoint rule of the acceptance
 *   sim_traj_acceptance times phi, written from the formulas: each midpoint term is bounded
 *   by the envelope, so the check holds whatever the rule's error), the exact mass over
 *   the envelope (acceptance of a proposal) is above the stated minimum in every row at the
 *   bin's lowest onset, and the alias slots give every cell its envelope share (to 1e-13).
 * - Reuse: a table built for the same prior and onsets is kept; another onset rebuilds.
 * - The plan of exponentials of fixed days (powers of earlier days') against long double
 *   exponentials: within its stated bound everywhere, ~1e-15 for the benchmark's visits.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mathlib.h"
#include "mscsim/dist.h"
#include "mscsim/rng.h"
#include "trajectory_course.h"

#define N_DRAWS 100000
#define LEVEL 0.001
/* Smallest acceptance of a proposal in any row: a fixed onset (64 steps of z; 0.933 seen),
 * and a drawn onset at its bin's lowest onset (32 steps: 0.868 seen, 0.746 without spread
 * in r) and at its end (the presets' 30 bins, 16 % wide over 1-90 days: 0.682 seen;
 * without spread in r, every baseline's 15 bins, 35 % wide: 0.077, a step in z). */
#define MIN_FIXED_ACCEPTANCE 0.9
#define MIN_DRAWN_ACCEPTANCE 0.8
#define MIN_DRAWN_STEP_ACCEPTANCE 0.7
#define MIN_DRAWN_END_ACCEPTANCE 0.6
#define MIN_DRAWN_STEP_END_ACCEPTANCE 0.05
/* Midpoints per cell of the exact mass; the tails are integrated to |z| = TAIL_END. */
#define QUAD 32
#define TAIL_END 9.0
/* Rows checked for their acceptance: at least this share of the courses fits. */
#define FIT_MIN 1e-3
/* Alias probabilities against the envelope's shares: rounding of Vose's construction. */
#define ALIAS_TOL 1e-13

static sim_traj_table g_table; /* large: static */
static double g_a[N_DRAWS], g_b[N_DRAWS];

static void make_prior(sim_traj_prior *p, double r_sd, double tau_cv, int higher_is_better,
                       double hi)
{
    static const double r[5] = {0.09, 0.46, 0.86, 0.89, 0.93};
    static const double tau_weeks[5] = {5.3, 10.1, 9.8, 2.7, 1.2};
    static const double w[5] = {0.15, 0.25, 0.20, 0.25, 0.15};
    memset(p, 0, sizeof *p);
    p->count = 5;
    for (int k = 0; k < 5; k++) {
        p->r[k] = r[k];
        p->tau[k] = 7.0 * tau_weeks[k];
        p->weight[k] = w[k];
    }
    mscsim_categorical_init(&p->subgroup, w, 5, NULL);
    p->r_sd = r_sd;
    p->tau_cv = tau_cv;
    p->tau_shift = -0.5 * tau_cv * tau_cv;
    p->lo = 0;
    p->hi = hi;
    p->step = 1;
    p->best = higher_is_better ? hi : 0;
    p->dir = higher_is_better ? 1 : -1;
    sim_traj_prior_finish(p);
}

/* A table for onsets [lo, hi] and baselines [base_lo, base_hi]. */
static void build_span(const sim_traj_prior *p, double lo, double hi, double base_lo,
                       double base_hi)
{
    sim_traj_span o = {lo, hi, base_lo, base_hi};
    sim_traj_table_build(&g_table, p, &o);
}

/* The same for every baseline. */
static void build(const sim_traj_prior *p, double lo, double hi)
{
    build_span(p, lo, hi, -HUGE_VAL, HUGE_VAL);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Two-sample Kolmogorov-Smirnov statistic of a and b (n each; sorts them). */
static double ks_two(double *a, double *b, size_t n)
{
    qsort(a, n, sizeof *a, cmp_double);
    qsort(b, n, sizeof *b, cmp_double);
    size_t i = 0, j = 0;
    double d = 0;
    while (i < n && j < n) {
        double x = a[i] <= b[j] ? a[i] : b[j];
        while (i < n && a[i] <= x)
            i++;
        while (j < n && b[j] <= x)
            j++;
        d = fmax(d, fabs((double)i - (double)j) / (double)n);
    }
    return d;
}

/* Asymptotic critical value of the two-sample KS statistic, equal sizes n, at LEVEL:
 * sqrt(-log(LEVEL / 2) / 2) sqrt(2 / n). */
static double ks_critical(size_t n)
{
    return sqrt(-0.5 * log(LEVEL / 2)) * sqrt(2.0 / (double)n);
}

/* KS test of r (field 0) or 1 / tau (field 1) between the courses a and b. */
static void ks_check(const char *what, double B, double s0, const char *name,
                     const sim_traj_course *a, const sim_traj_course *b, int field)
{
    for (size_t i = 0; i < N_DRAWS; i++) {
        g_a[i] = field ? a[i].inv_tau : a[i].r;
        g_b[i] = field ? b[i].inv_tau : b[i].r;
    }
    double d = ks_two(g_a, g_b, N_DRAWS), crit = ks_critical(N_DRAWS);
    CHECK(d < crit, "%s, B = %g, s0 = %g: %s agrees (KS %.4f < %.4f)", what, B, s0, name, d,
          crit);
}

/* Draws N courses at baseline B and onset s0 by sim_traj_course_draw with g_table and by
 * rejection and compares them. */
static void compare(const char *what, const sim_traj_prior *p, double B, double s0,
                    uint64_t seed)
{
    double deficit = p->dir * (p->best - B);
    long count[2][MSCSIM_MAX_SUBGROUPS] = {{0}};
    static sim_traj_course c[2][N_DRAWS];
    for (int s = 0; s < 2; s++) {
        mscsim_rng rng;
        mscsim_rng_seed(&rng, seed + (uint64_t)s, 17);
        for (size_t i = 0; i < N_DRAWS; i++) {
            if (s == 0)
                sim_traj_course_draw(p, &g_table, &rng, B, deficit, s0, &c[s][i]);
            else
                sim_traj_course_reject(p, &rng, deficit, s0, &c[s][i]);
            count[s][c[s][i].k]++;
        }
    }
    /* Two-sample chi-square on the subgroups seen in either sample. */
    double x2 = 0;
    int df = -1;
    for (int k = 0; k < p->count; k++) {
        double tot = (double)(count[0][k] + count[1][k]);
        if (tot == 0)
            continue;
        df++;
        for (int s = 0; s < 2; s++) {
            double e = tot / 2;
            x2 += (count[s][k] - e) * (count[s][k] - e) / e;
        }
    }
    if (df > 0)
        CHECK(x2 < qchisq(1 - LEVEL, df, 1, 0),
              "%s, B = %g, s0 = %g: subgroup counts agree (chi-square %.2f on %d df)", what, B,
              s0, x2, df);
    if (p->r_sd > 0)
        ks_check(what, B, s0, "r", c[0], c[1], 0);
    if (p->tau_cv > 0)
        ks_check(what, B, s0, "1/tau", c[0], c[1], 1);
}

static void test_same_law_fixed(void)
{
    static const double base[] = {1, 3, 10, 20, 35, 49, 65, 80, 99};
    sim_traj_prior p;
    make_prior(&p, 0.1, 0.2, 1, 100);
    build(&p, 20, 20);
    CHECK(g_table.built && g_table.baselines == 101 && g_table.bins == 1,
          "table built for FMA motor at 20 days (one bin)");
    for (size_t b = 0; b < sizeof base / sizeof base[0]; b++)
        compare("fixed onset, spread in r and tau", &p, base[b], 20, 100 + b);
    /* Later onsets fall in the open bin: the same exact law, more proposals. */
    compare("fixed onset 20, drawn later", &p, 10, 31.5, 120);
    compare("fixed onset 20, drawn later", &p, 40, 200, 121);

    make_prior(&p, 0.0, 0.2, 1, 100);
    build(&p, 20, 20);
    for (size_t b = 0; b < 5; b++)
        compare("fixed onset, no spread in r", &p, base[b + 1], 20, 200 + b);

    make_prior(&p, 0.1, 0.0, 1, 100);
    build(&p, 45, 45);
    for (size_t b = 0; b < 5; b++)
        compare("fixed onset 45, no spread in tau", &p, base[b + 1], 45, 300 + b);

    /* NIHSS-like: 0-42, lower is better; row order reversed. */
    make_prior(&p, 0.1, 0.3, 0, 42);
    build(&p, 20, 20);
    CHECK(g_table.built && g_table.baselines == 43, "table built for a 0-42 scale");
    static const double worse[] = {41, 38, 30, 15, 2};
    for (size_t b = 0; b < 5; b++)
        compare("fixed onset, lower is better", &p, worse[b], 20, 400 + b);
}

static void test_same_law_drawn(void)
{
    static const double base[] = {1, 4, 12, 25, 40, 49, 75};
    static const double onset[] = {1, 2.37, 8.9, 20.2, 33.3, 61, 89.9, 150};
    sim_traj_prior p;
    make_prior(&p, 0.1, 0.2, 1, 100);
    build(&p, 1, 90);
    CHECK(g_table.built && g_table.bins > 1 && g_table.edge[0] == 1,
          "table built for onsets 1-90 days (%d bins)", g_table.bins);
    /* Onsets on a bin edge: the bound is tight there. */
    double edge = g_table.edge[g_table.bins / 2];
    for (size_t s = 0; s < sizeof onset / sizeof onset[0]; s++)
        for (size_t b = 0; b < sizeof base / sizeof base[0]; b += 1 + (s % 2))
            compare("drawn onset", &p, base[b], onset[s], 500 + 10 * s + b);
    compare("drawn onset, on a bin edge", &p, 15, edge, 590);

    make_prior(&p, 0.0, 0.25, 1, 100);
    build(&p, 3, 60);
    for (size_t b = 0; b < 4; b++)
        compare("drawn onset, no spread in r", &p, base[b + 1], onset[b + 2], 600 + b);
    make_prior(&p, 0.15, 0.0, 1, 100);
    build(&p, 3, 60);
    for (size_t b = 0; b < 4; b++)
        compare("drawn onset, no spread in tau", &p, base[b + 1], onset[b + 2], 700 + b);
    make_prior(&p, 0.1, 0.3, 0, 42);
    build(&p, 2, 120);
    static const double worse[] = {41, 35, 22, 6};
    for (size_t b = 0; b < 4; b++)
        compare("drawn onset, lower is better", &p, worse[b], onset[b + 3], 800 + b);
}

static void test_same_law_onset0(void)
{
    static const double base[] = {0, 10, 49, 100};
    sim_traj_prior p;
    make_prior(&p, 0.1, 0.2, 1, 100);
    build(&p, 20, 20);
    for (size_t b = 0; b < 4; b++)
        compare("at onset", &p, base[b], 0, 900 + b);
    make_prior(&p, 0.25, 0.4, 1, 100);
    for (size_t b = 0; b < 2; b++)
        compare("at onset, wide spread", &p, base[b + 1], 0, 910 + b);
}

static void test_r_draw(void)
{
    sim_traj_prior p;
    make_prior(&p, 0.1, 0.2, 1, 100);
    /* Subgroup 1 (r 0.46): bounds below, near and above r_fast. */
    const int k = 1;
    double fast = p.r[k] + p.r_sd * p.r_fast[k];
    double bounds[] = {0.12, fast - 0.01, fast, fast + 0.02, 0.5, 1};
    for (size_t i = 0; i < sizeof bounds / sizeof bounds[0]; i++) {
        mscsim_rng a, b;
        mscsim_rng_seed(&a, 1000 + i, 3);
        mscsim_rng_seed(&b, 2000 + i, 3);
        double lo = HUGE_VAL, hi = -HUGE_VAL;
        for (size_t n = 0; n < N_DRAWS; n++) {
            g_a[n] = sim_traj_r_draw(&p, k, bounds[i], &a);
            g_b[n] = mscsim_rtruncnorm(&b, p.r[k], p.r_sd, 0, bounds[i]);
            lo = fmin(lo, g_a[n]);
            hi = fmax(hi, g_a[n]);
        }
        double d = ks_two(g_a, g_b, N_DRAWS), crit = ks_critical(N_DRAWS);
        CHECK(d < crit && lo >= 0 && hi <= bounds[i],
              "r in [0, %.4f] (r_fast at %.4f): agrees with mscsim_rtruncnorm (KS %.4f < "
              "%.4f), within bounds", bounds[i], fast, d, crit);
    }
}

/* Exact mass of cell j of subgroup k at share c and onset s, by QUAD midpoints. */
static double exact_mass(const sim_traj_table *t, const sim_traj_prior *p, int k, int j,
                         double c, double s)
{
    double lo, hi;
    if (j == 0) {
        lo = -TAIL_END;
        hi = -SIM_TRAJ_CELL_Z;
    } else if (j == t->cells - 1) {
        lo = SIM_TRAJ_CELL_Z;
        hi = TAIL_END;
    } else {
        lo = t->z_lo + (j - 1) * t->z_step;
        hi = lo + t->z_step;
    }
    int q = j == 0 || j == t->cells - 1 ? 8 * QUAD : QUAD;
    double sum = 0;
    for (int i = 0; i < q; i++) {
        double z = lo + (i + 0.5) * (hi - lo) / q;
        sum += dnorm(z, 0, 1, 0) * sim_traj_acceptance(p, k, c, s, z);
    }
    return p->weight[k] * sum * (hi - lo) / q;
}

/* The envelope checks over every bin_step-th bin and row_step-th row. */
static void envelope_check(const char *what, const sim_traj_prior *p, int bin_step,
                           int row_step, double min_accept, double min_accept_hi)
{
    const sim_traj_table *t = &g_table;
    const int C = t->cells, n = p->count * C;
    double worst_margin = HUGE_VAL, worst_accept = HUGE_VAL, worst_alias = 0;
    double worst_hi = HUGE_VAL;
    for (int bin = 0; bin < t->bins; bin += bin_step) {
        double s_lo = t->edge[bin];
        double s_hi = bin + 1 < t->bins ? t->edge[bin + 1] : 2 * s_lo;
        double onsets[3] = {s_lo, sqrt(s_lo * s_hi), s_hi - 1e-9 * s_hi};
        for (int row = t->row_lo > 1 ? t->row_lo : 1; row < t->row_lo + t->rows;
             row += row_step) {
            double c = t->c[row], env[SIM_TRAJ_ROW_CELLS], total = 0;
            for (int m = 0; m < n; m++)
                total += env[m] = sim_traj_cell_mass(t, p, bin, c, m / C, m % C);
            for (int o = 0; o < (t->bins > 1 ? 3 : 1); o++) {
                double exact = 0;
                for (int m = 0; m < n; m++) {
                    double e = exact_mass(t, p, m / C, m % C, c, onsets[o]);
                    worst_margin = fmin(worst_margin, env[m] - e + 1e-15 * env[m]);
                    exact += e;
                }
                /* Rows where under 1 in FIT_MIN courses fit are left out: there the
                 * rejection sampler is hopeless too (the most plausible course). */
                if (o == 0 && exact >= FIT_MIN)
                    worst_accept = fmin(worst_accept, exact / total);
                if (o == 2 && exact >= FIT_MIN)
                    worst_hi = fmin(worst_hi, exact / total);
            }
            /* The alias slots' probability of each cell against its share. */
            const sim_traj_slot *slot = sim_traj_row_slots(t, p, bin, row);
            double got[SIM_TRAJ_ROW_CELLS] = {0};
            for (int i = 0; i < n; i++) {
                got[i] += slot[i].prob / n;
                got[slot[i].alias] += (1 - slot[i].prob) / n;
            }
            for (int m = 0; m < n; m++)
                worst_alias = fmax(worst_alias, fabs(got[m] - env[m] / total));
        }
    }
    CHECK(worst_margin >= 0, "%s: every cell's envelope mass >= its exact mass over its bin "
          "(smallest margin %.3g)", what, worst_margin);
    CHECK(worst_accept > min_accept,
          "%s: a proposal is accepted with probability >= %.3f in every row where %g of "
          "the courses fit (> %g)", what, worst_accept, FIT_MIN, min_accept);
    if (t->bins > 1)
        CHECK(worst_hi > min_accept_hi,
              "%s: and >= %.3f at the end of every bin (> %g)", what, worst_hi, min_accept_hi);
    CHECK(worst_alias < ALIAS_TOL, "%s: alias slots give the envelope's shares (%.2g < %g)",
          what, worst_alias, ALIAS_TOL);
}

static void test_envelope(void)
{
    sim_traj_prior p;
    make_prior(&p, 0.1, 0.2, 1, 100);
    build(&p, 20, 20);
    envelope_check("fixed onset 20", &p, 1, 1, MIN_FIXED_ACCEPTANCE, 0);
    CHECK(!g_table.usable[0][0], "the floor uses the rejection sampler's at-floor rule");
    /* The presets' span: baselines 0-49, onsets 1-90. */
    build_span(&p, 1, 90, 0, 49);
    CHECK(g_table.rows == 50 && g_table.row_lo == 0 && g_table.bins == 30 &&
              !g_table.usable[0][50],
          "baselines 0-49: 50 rows and 30 bins, none above 49 (%d rows, %d bins)",
          g_table.rows, g_table.bins);
    envelope_check("drawn onset 1-90", &p, 3, 2, MIN_DRAWN_ACCEPTANCE, MIN_DRAWN_END_ACCEPTANCE);
    make_prior(&p, 0.0, 0.2, 1, 100);
    build(&p, 1, 90);
    envelope_check("drawn onset 1-90, no spread in r", &p, 5, 6, MIN_DRAWN_STEP_ACCEPTANCE,
                   MIN_DRAWN_STEP_END_ACCEPTANCE);
}

static void test_reuse(void)
{
    sim_traj_prior p;
    make_prior(&p, 0.1, 0.2, 1, 100);
    build(&p, 20, 20);
    g_table.usable[0][5] = 7; /* a mark: kept only if the table is reused */
    build(&p, 20, 20);
    CHECK(g_table.built && g_table.usable[0][5] == 7, "same prior and onset: table kept");
    build(&p, 21, 21);
    CHECK(g_table.built && g_table.usable[0][5] == 1, "another onset: table rebuilt");
    build(&p, 0, 0);
    CHECK(!g_table.built, "randomized at onset: no table");
    p.step = 0;
    build(&p, 20, 20);
    CHECK(!g_table.built, "a continuous scale: no table");
}

/* The plan of exponentials against long double ones: its bound, and ~1e-15 for the
 * benchmark's visits 7, 30, 90 (90 is the cube of 30's). */
static void test_plan(void)
{
    static const double days[] = {7, 14, 21, 28, 30, 90, 180, 360, 45};
    const int count = (int)(sizeof days / sizeof days[0]);
    sim_traj_plan plan;
    sim_traj_plan_init(&plan, days, count);
    int direct = 0;
    for (int i = 0; i < count; i++)
        direct += plan.from[i] < 0;
    CHECK(direct == 4 && plan.from[5] == 4 && plan.power[5] == 3 && plan.from[6] == 5 &&
              plan.power[6] == 2 && plan.from[7] < 0,
          "days 7 ... 45: four direct exponentials (7, 30, 45 and 360, whose power of 180 "
          "would exceed the bound); 90 = 30^3, 180 = 90^2 (%d direct)", direct);
    double worst = 0, worst_visits = 0, out[SIM_TRAJ_PLAN_DAYS];
    int within = 1;
    for (int g = 0; g <= 2000; g++) {
        double x = 1e-3 * pow(2000.0, g / 2000.0); /* 1 / tau from 1000 to 0.5 days */
        sim_traj_plan_eval(&plan, x, out);
        for (int i = 0; i < count; i++) {
            long double want = expl(-(long double)days[i] * (long double)x);
            double rel = (double)fabsl((out[i] - want) / want);
            if (want < 1e-300L)
                continue; /* subnormal results: relative error meaningless */
            within &= rel <= (days[i] * x + plan.bound[i] + 2) * 0x1p-52;
            worst = fmax(worst, rel);
            if (x <= 0.2 && (i == 0 || i == 4 || i == 5))
                worst_visits = fmax(worst_visits, rel);
        }
    }
    CHECK(within, "every planned exponential within (d x + bound + 2) 2^-52 of exp (worst "
          "relative error %.2g)", worst);
    CHECK(worst_visits < 2e-15, "days 7, 30, 90 for tau >= 5 days: relative error %.2g < 2e-15",
          worst_visits);
}

/* 1 / tau inside an interior cell by the table's polynomial against the exponential at the
 * same z (long double), at a fixed onset (tau_cv 0.2 and 0.44, the largest it takes) and a
 * drawn one; a tau_cv beyond the polynomial's reach leaves it unused. */
static void tau_poly_check(double tau_cv, double lo, double hi, int want_ok)
{
    sim_traj_prior p;
    make_prior(&p, 0.1, tau_cv, 1, 66);
    build(&p, lo, hi);
    const sim_traj_table *t = &g_table;
    CHECK(t->built && t->tau_poly_ok == want_ok, "tau_cv %g, onsets %g-%g: polynomial %s",
          tau_cv, lo, hi, want_ok ? "used" : "not used");
    if (!want_ok)
        return;
    double worst = 0.0;
    for (int m = 0; m < p.count * t->cells; m++) {
        int k = t->cell_k[m], j = t->cell_j[m];
        if (j == 0 || j == t->cells - 1)
            continue;
        for (int g = 0; g <= 64; g++) {
            double w = g / 64.0;
            long double z = (long double)t->z_lo + ((j - 1) + (long double)w) * t->z_step;
            long double want =
                p.inv_tau[k] * expl(-((long double)p.tau_cv * z + (long double)p.tau_shift));
            double rel = (double)fabsl((sim_traj_cell_inv_tau(t, m, w) - want) / want);
            worst = fmax(worst, rel);
        }
    }
    CHECK(worst < 4 * DBL_EPSILON, "tau_cv %g: 1 / tau by the cell polynomial within %.2g "
          "(relative) of the exponential, < 4 eps", tau_cv, worst);
}

static void test_tau_poly(void)
{
    tau_poly_check(0.2, 20, 20, 1);
    tau_poly_check(0.44, 20, 20, 1);
    tau_poly_check(0.2, 1, 90, 1);
    tau_poly_check(0.45, 20, 20, 0);
    tau_poly_check(0.3, 1, 90, 0);
}

int main(void)
{
    test_same_law_fixed();
    test_same_law_drawn();
    test_same_law_onset0();
    test_r_draw();
    test_envelope();
    test_reuse();
    test_plan();
    test_tau_poly();
    return TEST_DONE();
}
