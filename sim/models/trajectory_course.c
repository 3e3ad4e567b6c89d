/*
 * The trajectory model's course given the observed baseline (see sim/models/trajectory.c
 * for the model).
 *
 * TARGET
 *   Before conditioning a course is: subgroup k with its weight w_k; r ~ N(r_k, r_sd)
 *   truncated to [0, 1]; tau = tau_k exp(tau_cv z + tau_shift), z ~ N(0, 1). A patient
 *   randomized s0 > 0 days after onset with deficit D_B (a share q = D_B / range of the
 *   scale) fits the course when its onset deficit D_B / g(s0) is within the range, i.e.
 *       r h(tau) <= c,   h(tau) = 1 - e^{-s0/tau},   c = 1 - q;
 *   the course is drawn from the law above restricted to that event.
 *
 * REJECTION (any onset)
 *   Courses are drawn from the unconditional law until one fits (up to MAX_COURSE_DRAWS,
 *   keeping the most plausible if none does): 3.15 draws per patient on average in the
 *   benchmark's design 20 days after onset (baselines uniform on FMA motor 0-49). A
 *   baseline at the floor after onset (c = 0) fits only r = 0, taken at once with k and tau
 *   drawn as usual.
 *
 * TABLE (fixed onset, baselines on the scale's steps): exact, without the redraws.
 *   Given (k, z), r is N(r_k, r_sd) truncated to [0, u], u = min(1, c / h(tau)). So the law
 *   factorises as
 *       (k, p) with density w_k A_k(p) on {0..K-1} x [0, 1],   p = Phi(z),
 *       A_k(p) = P(r <= u(p) | k) = [Phi((u - r_k)/r_sd) - Phi(-r_k/r_sd)] /
 *                                   [Phi((1 - r_k)/r_sd) - Phi(-r_k/r_sd)],
 *   then r | k, p as above. A_k grows with p (a slower course fits more baselines), so on a
 *   cell [e_j, e_j+1] it is at most A_k(e_j+1): per baseline value, a row of cells
 *   (k, j) with envelope mass w_k (e_j+1 - e_j) A_k(e_j+1) is an upper bound of the target.
 *   Cells: SIM_TRAJ_TABLE_CELLS equal steps of z over [-SIM_TRAJ_CELL_Z, SIM_TRAJ_CELL_Z]
 *   and the two tails, the same edges for every k. A proposal takes one uniform: the cell
 *   by a guide table (Chen and Asau 1974) over the cumulative envelope masses and, from
 *   what is left of the uniform, p uniform in the cell (the envelope is flat there); then
 *   z = Phi^-1(p), tau and u(p), and r from N(r_k, r_sd) truncated to [0, u_j], u_j = u at
 *   the cell's upper edge. It is accepted when r <= u(p), which happens with probability
 *   A_k(p) / A_k(e_j+1), and then r is N(r_k, r_sd) truncated to [0, u(p)]: what is
 *   accepted has exactly the target law, with no approximation (the bound needs only that
 *   A_k grows with p; u is computed by one function at the edges and inside the cells).
 *   Without spread in r, A_k is 0 or 1 and the test is r_k <= u(p). The acceptance of a
 *   proposal is above 0.96 at every baseline of the benchmark's design (1.00 to 1.03
 *   proposals per patient; tests/test_trajectory_course.c checks it is above 0.9 and that
 *   every cell's envelope mass bounds its exact mass, and compares the drawn courses with
 *   the rejection sampler's by chi-square on k and Kolmogorov-Smirnov on r and tau). A
 *   baseline at the floor, or a row with no fitting course, uses the rejection sampler
 *   (its at-floor and most-plausible rules).
 *
 * Draws. Rejection: per course drawn, one 64-bit draw (subgroup), the truncated normal of
 *   r (skipped when r_sd = 0 or at the floor), one standard normal for tau (skipped when
 *   tau_cv = 0). Table: per proposal one uniform (k and p together), then the truncated
 *   normal of r (skipped when r_sd = 0).
 */
#include <math.h>
#include <string.h>

#include "mathlib.h"
#include "trajectory_course.h"

/* Courses drawn for one patient before the most plausible one is kept: no course is
 * compatible only for a baseline within a few percent of the floor long after onset. */
#define MAX_COURSE_DRAWS 1000
/* Relative slack on "deficit at onset <= range", for rounding in D_B / g(s0). */
#define COURSE_TOLERANCE 1e-12
/* p = Phi(z) is kept in [P_MIN, 1 - P_MIN] so that z stays finite (|z| < 9.4; the
 * probability left out, 2^-60, is far below anything a run can see). */
#define P_MIN 0x1.0p-60
/* Below this s0 / tau, 1 - e^{-x} is computed by expm1 (cancellation above: < 1e-13). */
#define H_DIRECT_MIN 1e-3

/* The course's e^{-s0/tau} and h = 1 - e^{-s0/tau} from one exponential. */
static inline void course_set(sim_traj_course *c, int k, double r, double tau, double s0)
{
    c->k = k;
    c->r = r;
    c->tau = tau;
    c->inv_tau = 1.0 / tau;
    c->e0 = s0 == 0.0 ? 1.0 : exp(-s0 * c->inv_tau); /* a NaN onset stays NaN */
}

/* D_B / g(s0) - range: > 0 when the course needs a score below the floor at the stroke. */
static double excess(const sim_traj_prior *p, const sim_traj_course *c, double deficit_b,
                     double s0)
{
    double range = p->hi - p->lo;
    if (deficit_b == 0.0)
        return -range;
    if (c->r >= 1.0) /* g = e0; D_B e^{s0/tau} (inf on overflow) */
        return deficit_b * exp(s0 * c->inv_tau) - range;
    return deficit_b / ((1.0 - c->r) + c->r * c->e0) - range;
}

void sim_traj_course_reject(const sim_traj_prior *p, mscsim_rng *rng, double deficit_b,
                            double s0, sim_traj_course *out)
{
    const double range = p->hi - p->lo;
    /* At the floor after onset only r = 0 fits (D_B / g(s0) <= range needs g(s0) = 1):
     * that limit of the conditional r is taken at once. */
    int at_floor = s0 > 0.0 && deficit_b >= range * (1.0 - COURSE_TOLERANCE);
    double best_excess = HUGE_VAL;
    for (int attempt = 0; attempt < MAX_COURSE_DRAWS; attempt++) {
        int k = mscsim_rcategorical(rng, &p->subgroup);
        double r = at_floor          ? 0.0
                   : p->r_sd > 0.0 ? mscsim_rtruncnorm(rng, p->r[k], p->r_sd, 0.0, 1.0)
                                   : p->r[k];
        double tau = p->tau[k];
        if (p->tau_cv > 0.0)
            tau *= exp(p->tau_cv * mscsim_rnorm_std(rng) + p->tau_shift);
        sim_traj_course c;
        course_set(&c, k, r, tau, s0);
        double e = excess(p, &c, deficit_b, s0);
        if (attempt == 0 || e < best_excess) {
            best_excess = e;
            *out = c;
        }
        /* A NaN baseline or onset gives a NaN score whatever the course. */
        if (at_floor || e <= range * COURSE_TOLERANCE || isnan(e))
            break;
    }
}

/* {==================================================================================
 * Table
 * =================================================================================== */

/* The truncated normal's mass of r in [0, u] over its mass in [0, 1]. */
static double r_mass(const sim_traj_prior *p, int k, double u)
{
    double lo = pnorm(-p->r[k] / p->r_sd, 0.0, 1.0, 1, 0);
    double all = pnorm((1.0 - p->r[k]) / p->r_sd, 0.0, 1.0, 1, 0) - lo;
    double m = (pnorm((u - p->r[k]) / p->r_sd, 0.0, 1.0, 1, 0) - lo) / all;
    return m < 0.0 ? 0.0 : (m > 1.0 ? 1.0 : m);
}

/* tau, e^{-s0/tau} and the bound u = min(1, c / h) on r of subgroup k at p = Phi(z): the
 * one computation shared by the table (at cell edges) and the draws (inside cells), so
 * that u grows with p in both. p = 1 is tau = inf (u = 1). */
static inline double course_at(const sim_traj_prior *p, int k, double pp, double c, double s0,
                               sim_traj_course *out)
{
    double tau = p->tau[k];
    if (p->tau_cv > 0.0)
        tau = pp >= 1.0 ? HUGE_VAL
                        : tau * exp(p->tau_cv * qnorm(pp, 0.0, 1.0, 1, 0) + p->tau_shift);
    double inv_tau = 1.0 / tau, x0 = s0 * inv_tau;
    double e0 = exp(-x0);
    double h = x0 < H_DIRECT_MIN ? -expm1(-x0) : 1.0 - e0;
    out->tau = tau;
    out->inv_tau = inv_tau;
    out->e0 = e0;
    return h > 0.0 && c < h ? c / h : 1.0;
}

double sim_traj_acceptance(const sim_traj_prior *p, int k, double c, double s0, double pp)
{
    sim_traj_course tmp;
    double u = course_at(p, k, pp, c, s0, &tmp);
    if (p->r_sd > 0.0)
        return r_mass(p, k, u);
    return p->r[k] <= u ? 1.0 : 0.0;
}

/* The row of onset-deficit share c: cell (k, j) is p in [edge_j, edge_j+1] with envelope
 * density w_k A_k(edge_j+1) >= w_k A_k(p) (A_k grows with p). */
static void row_build(sim_traj_row *row, const sim_traj_table *t, const sim_traj_prior *p,
                      double c, double s0)
{
    const int J = SIM_TRAJ_TABLE_CELLS + 2;
    memset(row, 0, sizeof *row);
    double cum = 0.0;
    int last = -1;
    for (int k = 0; k < p->count; k++) {
        for (int j = 0; j < J; j++) {
            sim_traj_cell *cell = &row->cell[k * J + j];
            sim_traj_course tmp;
            cell->cum = cum;
            cell->u = course_at(p, k, t->edge[j + 1], c, s0, &tmp);
            double a = p->r_sd > 0.0 ? r_mass(p, k, cell->u) : (p->r[k] <= cell->u ? 1.0 : 0.0);
            double mass = p->weight[k] * (t->edge[j + 1] - t->edge[j]) * a;
            if (mass > 0.0)
                last = k * J + j;
            cum += mass;
        }
    }
    row->cell[p->count * J].cum = cum;
    row->last = last;
    row->total = last >= 0 ? cum : 0.0;
    if (row->total <= 0.0)
        return;
    int j = 0;
    for (int g = 0; g < SIM_TRAJ_TABLE_GUIDE; g++) {
        double x = cum * g / SIM_TRAJ_TABLE_GUIDE;
        while (j < last && row->cell[j + 1].cum <= x)
            j++;
        row->guide[g] = (uint16_t)j;
    }
}

void sim_traj_table_build(sim_traj_table *t, const sim_traj_prior *p, double s0)
{
    if (t->built && memcmp(&t->key.prior, p, sizeof *p) == 0 && t->key.s0 == s0)
        return; /* a design prior re-prepares the model every trial: same table */
    t->built = 0;
    double range = p->hi - p->lo;
    if (!(s0 > 0.0) || !isfinite(s0) || !(p->step > 0.0))
        return;
    double steps = range / p->step;
    int count = (int)floor(steps + 0.5) + 1;
    if (!(fabs(steps - (count - 1)) < 1e-9 * steps) || count < 2 ||
        count > SIM_TRAJ_TABLE_BASELINES)
        return;
    const int M = SIM_TRAJ_TABLE_CELLS;
    t->edge[0] = 0.0;
    for (int i = 0; i <= M; i++)
        t->edge[i + 1] = pnorm(-SIM_TRAJ_CELL_Z + 2.0 * SIM_TRAJ_CELL_Z * i / M, 0.0, 1.0, 1, 0);
    t->edge[M + 2] = 1.0;
    for (int b = 0; b < count; b++) {
        /* Baseline b steps above the floor: deficit share 1 - b / (count - 1) of the range.
         * At the floor (b = 0) the rejection sampler's at-floor rule applies. */
        double c = (double)b / (count - 1);
        if (b == 0)
            memset(&t->row[b], 0, sizeof t->row[b]);
        else
            row_build(&t->row[b], t, p, c, s0);
    }
    t->baselines = count;
    memcpy(&t->key.prior, p, sizeof *p);
    t->key.s0 = s0;
    t->built = 1;
}

/* Proposals from the row's envelope: (k, j) with its mass and p uniform in the cell (one
 * uniform for both), then r from N(r_k, r_sd) truncated to [0, u_j]. The proposal is
 * accepted when r <= u(p), with probability A_k(p) / A_k(edge_j+1): what is accepted is
 * exactly (k, p) ~ w_k A_k(p) and r ~ N(r_k, r_sd) truncated to [0, u(p)]. Returns 0 if
 * MAX_COURSE_DRAWS proposals were all rejected (not seen: the tests find acceptance > 0.9). */
static int course_from_table(const sim_traj_prior *p, const sim_traj_table *t,
                             const sim_traj_row *row, mscsim_rng *rng, double c, double s0,
                             sim_traj_course *out)
{
    const int J = SIM_TRAJ_TABLE_CELLS + 2;
    for (int attempt = 0; attempt < MAX_COURSE_DRAWS; attempt++) {
        double v = mscsim_rng_uniform(rng);
        double x = v * row->total;
        int j = row->guide[(int)(v * SIM_TRAJ_TABLE_GUIDE)];
        while (j < row->last && row->cell[j + 1].cum <= x)
            j++;
        const sim_traj_cell *cell = &row->cell[j];
        double s = (x - cell->cum) / (row->cell[j + 1].cum - cell->cum);
        int k = j / J, e = j % J;
        double lo = t->edge[e], hi = t->edge[e + 1];
        double pp = lo + (s < 0.0 ? 0.0 : (s > 1.0 ? 1.0 : s)) * (hi - lo);
        pp = pp < P_MIN ? P_MIN : (pp > 1.0 - P_MIN ? 1.0 - P_MIN : pp);
        double u = course_at(p, k, pp, c, s0, out);
        double r = p->r_sd > 0.0 ? mscsim_rtruncnorm(rng, p->r[k], p->r_sd, 0.0, cell->u)
                                 : p->r[k];
        if (r <= u) {
            out->k = k;
            out->r = r;
            return 1;
        }
    }
    return 0;
}

void sim_traj_course_draw(const sim_traj_prior *p, const sim_traj_table *t, mscsim_rng *rng,
                          double b, double deficit_b, double s0, sim_traj_course *out)
{
    if (t && t->built && s0 == t->key.s0) {
        double steps = (b - p->lo) / p->step;
        double i = floor(steps + 0.5);
        if (i >= 0 && i < t->baselines && fabs(steps - i) < 1e-9) {
            /* Row i counts steps from the worst end. */
            int row = p->dir > 0 ? (int)i : t->baselines - 1 - (int)i;
            double c = (double)row / (t->baselines - 1);
            if (t->row[row].total > 0.0 && course_from_table(p, t, &t->row[row], rng, c, s0, out))
                return;
        }
    }
    sim_traj_course_reject(p, rng, deficit_b, s0, out);
}
