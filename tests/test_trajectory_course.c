/*
 * Tests of the trajectory model's course sampler (sim/models/trajectory_course.c): the
 * per-baseline table for a fixed onset must draw the same law as the rejection sampler it
 * replaces there (which stays for drawn onsets).
 *
 * - Same law: for baselines across the range (FMA motor, 0-100, 20 days after onset), the
 *   van der Vliet subgroups with spread (r_sd 0.1, tau_cv 0.2), without spread in r, without
 *   spread in tau, and a scale where lower is better, N courses from each sampler (separate
 *   seeds): a two-sample chi-square test on the subgroup and two-sample Kolmogorov-Smirnov
 *   tests on r and on tau, each rejecting at LEVEL. Fixed seeds; with ~60 tests at 0.001 a
 *   correct sampler passes all with probability 0.94 for any seed.
 * - The envelope: in every cell of every row, the envelope's mass is at least the exact
 *   mass (a 200-point midpoint rule of the acceptance sim_traj_acceptance, written from
 *   the formulas; the rule's error, checked against 400 points, is far below the margin),
 *   and the exact mass over the envelope (acceptance of a proposal) is above
 *   MIN_TABLE_ACCEPTANCE in every row, i.e. at most ~1.1 proposals per patient.
 * - Reuse: a table built for the same prior and onset is kept; another onset rebuilds.
 */
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
#define MIN_TABLE_ACCEPTANCE 0.9

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

/* KS test of r (field 0) or tau (field 1) between the courses a and b (N_DRAWS each). */
static void ks_check(const char *what, double B, const char *name, const sim_traj_course *a,
                     const sim_traj_course *b, int field)
{
    for (size_t i = 0; i < N_DRAWS; i++) {
        g_a[i] = field ? a[i].tau : a[i].r;
        g_b[i] = field ? b[i].tau : b[i].r;
    }
    double d = ks_two(g_a, g_b, N_DRAWS), crit = ks_critical(N_DRAWS);
    CHECK(d < crit, "%s, B = %g: %s agrees (KS %.4f < %.4f)", what, B, name, d, crit);
}

/* Draws N courses at baseline B by the table (via sim_traj_course_draw) and by rejection
 * and compares them. */
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
              "%s, B = %g: subgroup counts agree (chi-square %.2f on %d df)", what, B, x2, df);
    if (p->r_sd > 0)
        ks_check(what, B, "r", c[0], c[1], 0);
    if (p->tau_cv > 0)
        ks_check(what, B, "tau", c[0], c[1], 1);
}

static void test_same_law(void)
{
    static const double base[] = {1, 3, 10, 20, 35, 49, 65, 80, 99};
    sim_traj_prior p;
    make_prior(&p, 0.1, 0.2, 1, 100);
    sim_traj_table_build(&g_table, &p, 20);
    CHECK(g_table.built && g_table.baselines == 101, "table built for FMA motor at 20 days");
    for (size_t b = 0; b < sizeof base / sizeof base[0]; b++)
        compare("spread in r and tau", &p, base[b], 20, 100 + b);

    make_prior(&p, 0.0, 0.2, 1, 100);
    sim_traj_table_build(&g_table, &p, 20);
    for (size_t b = 0; b < 5; b++)
        compare("no spread in r", &p, base[b + 1], 20, 200 + b);

    make_prior(&p, 0.1, 0.0, 1, 100);
    sim_traj_table_build(&g_table, &p, 45);
    for (size_t b = 0; b < 5; b++)
        compare("no spread in tau, 45 days", &p, base[b + 1], 45, 300 + b);

    /* NIHSS-like: 0-42, lower is better; row order reversed. */
    make_prior(&p, 0.1, 0.3, 0, 42);
    sim_traj_table_build(&g_table, &p, 20);
    CHECK(g_table.built && g_table.baselines == 43, "table built for a 0-42 scale");
    static const double worse[] = {41, 38, 30, 15, 2};
    for (size_t b = 0; b < 5; b++)
        compare("lower is better", &p, worse[b], 20, 400 + b);
}

/* Exact mass of cell [lo, hi] of subgroup k by the midpoint rule with q points. */
static double cell_mass(const sim_traj_prior *p, int k, double c, double s0, double lo,
                        double hi, int q)
{
    double sum = 0;
    for (int i = 0; i < q; i++)
        sum += sim_traj_acceptance(p, k, c, s0, lo + (i + 0.5) * (hi - lo) / q);
    return p->weight[k] * sum * (hi - lo) / q;
}

static void test_envelope(void)
{
    sim_traj_prior p;
    make_prior(&p, 0.1, 0.2, 1, 100);
    sim_traj_table_build(&g_table, &p, 20);
    const int J = SIM_TRAJ_TABLE_CELLS + 2;
    double worst_margin = HUGE_VAL, worst_accept = HUGE_VAL, worst_rule = 0;
    for (int b = 1; b < g_table.baselines; b++) {
        const sim_traj_row *row = &g_table.row[b];
        double c = b / 100.0, exact = 0;
        for (int k = 0; k < p.count; k++)
            for (int j = 0; j < J; j++) {
                const sim_traj_cell *cell = &row->cell[k * J + j];
                double env = row->cell[k * J + j + 1].cum - cell->cum;
                double lo = g_table.edge[j], hi = g_table.edge[j + 1];
                double m = cell_mass(&p, k, c, 20, lo, hi, 200);
                worst_rule = fmax(worst_rule, fabs(cell_mass(&p, k, c, 20, lo, hi, 400) - m));
                worst_margin = fmin(worst_margin, env - m);
                exact += m;
            }
        worst_accept = fmin(worst_accept, exact / row->total);
    }
    CHECK(worst_margin > -1e-12,
          "every cell's envelope mass >= its exact mass (smallest margin %.3g, midpoint rule "
          "error < %.3g)", worst_margin, worst_rule);
    CHECK(worst_accept > MIN_TABLE_ACCEPTANCE,
          "a proposal is accepted with probability >= %.3f in every row (> %g)", worst_accept,
          MIN_TABLE_ACCEPTANCE);
    CHECK(g_table.row[0].total == 0, "the floor uses the rejection sampler's at-floor rule");
}

static void test_reuse(void)
{
    sim_traj_prior p;
    make_prior(&p, 0.1, 0.2, 1, 100);
    sim_traj_table_build(&g_table, &p, 20);
    g_table.row[5].total = -1; /* a mark: kept only if the table is reused */
    sim_traj_table_build(&g_table, &p, 20);
    CHECK(g_table.built && g_table.row[5].total == -1, "same prior and onset: table kept");
    sim_traj_table_build(&g_table, &p, 21);
    CHECK(g_table.built && g_table.row[5].total > 0, "another onset: table rebuilt");
    sim_traj_table_build(&g_table, &p, 0);
    CHECK(!g_table.built, "randomized at onset: no table");
    p.step = 0;
    sim_traj_table_build(&g_table, &p, 20);
    CHECK(!g_table.built, "a continuous scale: no table");
}

int main(void)
{
    test_same_law();
    test_envelope();
    test_reuse();
    return TEST_DONE();
}
