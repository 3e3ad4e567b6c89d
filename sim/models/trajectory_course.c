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
 *   the course is drawn from the law above restricted to that event. At s0 = 0 (h = 0)
 *   every course fits: k, r and z are drawn as above, nothing else.
 *
 * REJECTION (any onset the table does not cover)
 *   Courses are drawn from the unconditional law until one fits (up to MAX_COURSE_DRAWS,
 *   keeping the most plausible if none does): 3.15 draws per patient on average in the
 *   benchmark's design 20 days after onset (baselines uniform on FMA motor 0-49). A
 *   baseline at the floor after onset (c = 0) fits only r = 0, taken at once with k and tau
 *   drawn as usual.
 *
 * TABLE (baselines on the scale's steps; the onset fixed or drawn): exact, without the
 *   redraws. Given (k, z), r is N(r_k, r_sd) truncated to [0, u], u = min(1, c / h(tau)).
 *   So the law factorises as
 *       (k, z) with density w_k phi(z) A_k(z; s0),
 *       A_k(z; s0) = P(r <= u | k) = [Phi((u - r_k)/r_sd) - Phi(-r_k/r_sd)] /
 *                                    [Phi((1 - r_k)/r_sd) - Phi(-r_k/r_sd)],
 *   then r | k, z as above. A slower course (larger z) fits more baselines and a later
 *   onset fewer (h grows with s0), so A_k grows with z and falls with s0: on a z-cell
 *   [z_j, z_j+1] and for onsets s0 >= s_b it is at most A_k(z_j+1; s_b), and phi is at most
 *   phi(m_j), m_j the cell's point nearest 0. Per onset bin [s_b, s_b+1) and baseline value
 *   a row holds the cells (k, j) with envelope mass w_k (z_j+1 - z_j) phi(m_j) A_k(z_j+1; s_b)
 *   (the tails |z| > SIM_TRAJ_CELL_Z: w_k Phi(-SIM_TRAJ_CELL_Z) A_k at their upper end), in
 *   a Walker alias table. A proposal: one uniform picks the cell (slot and alias from the
 *   same uniform); z uniform in the cell, kept with probability phi(z) / phi(m_j) (one
 *   uniform; a squeeze 1 - d <= e^{-d} <= 1 - d + d^2/2 decides without the exponential
 *   almost always; the tails draw z from the normal tail instead); r from N(r_k, r_sd)
 *   truncated to [0, u_j], u_j = u at the cell's upper edge and the bin's lowest onset
 *   (times 1 + U_SLACK, so that rounding never puts u(z; s0) above it). The proposal is
 *   accepted when r h(tau(z); s0) <= c with the patient's own s0, which happens with
 *   probability A_k(z; s0) / A_k(z_j+1; s_b); then r is N(r_k, r_sd) truncated to [0, u]:
 *   what is accepted has exactly the target law (the bound needs only that A_k grows with
 *   z and falls with s0, and the same function gives u_j in the table and in the draws).
 *   Without spread in r, A_k is 0 or 1 and the test is r_k h <= c. The alias table draws
 *   the cells with the envelope's probabilities up to the 2^-53 grid of the uniform (total
 *   variation < 1e-12). A fixed onset has one bin whose edge is the onset and
 *   SIM_TRAJ_FIXED_STEPS steps of z; a drawn onset has up to SIM_TRAJ_MAX_BINS bins,
 *   geometric over its support (the last one open above: the bound holds for any later
 *   onset), and SIM_TRAJ_DRAWN_STEPS steps, as many bins as SIM_TRAJ_SLOTS slots allow.
 *   tests/test_trajectory_course.c checks that every cell's envelope bounds its exact mass
 *   over its bin, that the alias slots give the envelope's probabilities, and compares the
 *   drawn courses with the rejection sampler's by chi-square on k and Kolmogorov-Smirnov
 *   on r and tau. A baseline at the floor, a row with no fitting course or an onset below
 *   the first bin uses the rejection sampler (its at-floor and most-plausible rules).
 *
 *   1 / tau in an interior cell is the cell's lower-edge value times e^{-tau_cv z_step U}
 *   (U the uniform that placed z), by its Taylor polynomial of degree 8 (exact to 2^-56
 *   while tau_cv z_step <= 0.055; tests/test_trajectory_course.c checks it within 4 eps of
 *   the exponential), so an accepted proposal costs one exponential (e^{-s0/tau}).
 *
 *   r from N(r_k, r_sd) truncated to [0, u]: plain rejection from standard normals when
 *   it accepts at least SIM_TRAJ_FAST_SHARE of them (the bound in sd units is at least
 *   r_fast, set up per subgroup), else Robert's sampler (mscsim_rtruncnorm).
 *
 * Draws. Rejection: per course drawn, one 64-bit draw (subgroup), the truncated normal of
 *   r (skipped when r_sd = 0 or at the floor), one standard normal for tau (skipped when
 *   tau_cv = 0). Table: per proposal one uniform (the cell), one uniform for z and one for
 *   its test in an interior cell (a tail: the normal tail sampler), then the truncated
 *   normal of r (skipped when r_sd = 0). At onset: one 64-bit draw (subgroup), the
 *   truncated normal of r, one standard normal for tau.
 *
 * REFERENCE
 *   Walker AJ (1977) An efficient method for generating discrete random variables with
 *   general distributions. ACM TOMS 3:253-256. Vose MD (1991) A linear algorithm for
 *   generating random numbers with a given distribution. IEEE TSE 17:972-975.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "mathlib.h"
#include "trajectory_course.h"

/* Courses drawn for one patient before the most plausible one is kept: no course is
 * compatible only for a baseline within a few percent of the floor long after onset. */
#define MAX_COURSE_DRAWS 1000
/* Relative slack on "deficit at onset <= range", for rounding in D_B / g(s0). */
#define COURSE_TOLERANCE 1e-12
/* Below this s0 / tau, 1 - e^{-x} is computed by expm1 (cancellation above: < 1e-13). */
#define H_DIRECT_MIN 1e-3
/* Relative widening of a cell's bound u_j: covers the rounding of c / h (a few ulps). */
#define U_SLACK (16 * DBL_EPSILON)
/* Plain rejection for r when it accepts at least this share of the normals (<= 1/0.3
 * draws on average; Robert's sampler costs about as much as three). */
#define SIM_TRAJ_FAST_SHARE 0.3

void sim_traj_prior_finish(sim_traj_prior *p)
{
    for (int k = 0; k < p->count; k++) {
        p->inv_tau[k] = 1.0 / p->tau[k];
        p->r_lo[k] = p->r_fast[k] = 0.0;
        p->inv_r_sd = p->r_sd > 0.0 ? 1.0 / p->r_sd : 0.0;
        if (p->r_sd > 0.0) {
            p->r_lo[k] = -p->r[k] / p->r_sd;
            double need = pnorm(p->r_lo[k], 0.0, 1.0, 1, 0) + SIM_TRAJ_FAST_SHARE;
            p->r_fast[k] = need < 1.0 ? qnorm(need, 0.0, 1.0, 1, 0) : HUGE_VAL;
        }
    }
}

/* h = 1 - e^{-s0/tau} from x0 = s0 / tau and e0 = e^{-x0}. */
static inline double h_of(double x0, double e0)
{
    return x0 < H_DIRECT_MIN ? -expm1(-x0) : 1.0 - e0;
}

/* D_B / g(s0) - range: > 0 when the course needs a score below the floor at the stroke. */
static double excess(const sim_traj_prior *p, const sim_traj_course *c, double deficit_b,
                     double s0)
{
    double range = p->hi - p->lo;
    if (deficit_b == 0.0)
        return -range;
    if (c->r >= 1.0) /* g = e0; D_B e^{s0/tau} (inf on overflow) */
        return deficit_b * sim_exp(s0 * c->inv_tau) - range;
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
            tau *= sim_exp(p->tau_cv * mscsim_rnorm_std(rng) + p->tau_shift);
        sim_traj_course c = {k, r, 1.0 / tau, 1.0};
        if (s0 != 0.0)
            c.e0 = sim_exp(-s0 * c.inv_tau); /* a NaN onset stays NaN */
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

/* The truncated normal's mass of r in [0, u] over its mass in [0, 1], from Phi at 0 and
 * 1 / the mass in [0, 1]. */
static double r_mass(const sim_traj_prior *p, int k, double u, double lo, double inv_all)
{
    double m = (pnorm((u - p->r[k]) / p->r_sd, 0.0, 1.0, 1, 0) - lo) * inv_all;
    return m < 0.0 ? 0.0 : (m > 1.0 ? 1.0 : m);
}

/* Phi(-r_k / r_sd) and 1 / P(0 <= N(r_k, r_sd) <= 1). */
static void r_norm(const sim_traj_prior *p, int k, double *lo, double *inv_all)
{
    *lo = pnorm(p->r_lo[k], 0.0, 1.0, 1, 0);
    *inv_all = 1.0 / (pnorm((1.0 - p->r[k]) / p->r_sd, 0.0, 1.0, 1, 0) - *lo);
}

/* P(r <= u | k) for r ~ N(r_k, r_sd) truncated to [0, 1] (a step without spread). */
static double r_share(const sim_traj_prior *p, int k, double u)
{
    if (!(p->r_sd > 0.0))
        return p->r[k] <= u ? 1.0 : 0.0;
    double lo, inv_all;
    r_norm(p, k, &lo, &inv_all);
    return r_mass(p, k, u, lo, inv_all);
}

/* The bound u_j on r of a cell from its 1 / h (0: h = 0, every r fits): the one function
 * shared by the table and the draws. */
static inline double cell_bound(double c, double inv_h)
{
    if (inv_h == 0.0)
        return 1.0;
    double u = c * inv_h * (1.0 + U_SLACK);
    return u < 1.0 ? u : 1.0;
}

double sim_traj_acceptance(const sim_traj_prior *p, int k, double c, double s0, double z)
{
    double x0 = s0 * sim_traj_inv_tau_at(p, k, z), h = h_of(x0, sim_exp(-x0));
    return r_share(p, k, h > 0.0 && c < h ? c / h : 1.0);
}

/* z's mass in cell j before the acceptance: step phi(m_j) inside, Phi(-Z) in a tail. */
static double z_mass(const sim_traj_table *t, int j)
{
    if (j == 0 || j == t->cells - 1)
        return pnorm(-SIM_TRAJ_CELL_Z, 0.0, 1.0, 1, 0);
    return t->z_step * dnorm(sqrt(t->zm2[j]), 0.0, 1.0, 0);
}

double sim_traj_cell_mass(const sim_traj_table *t, const sim_traj_prior *p, int bin, double c,
                          int k, int j)
{
    double u = cell_bound(c, t->inv_h[bin][k * t->cells + j]);
    double a = p->r_sd > 0.0 ? r_mass(p, k, u, t->r_all[k], t->r_inv_all[k])
                             : (p->r[k] <= u ? 1.0 : 0.0);
    return p->weight[k] * t->z_mass[j] * a;
}

/* Walker's alias slots for the masses m[0..n-1] (Vose's construction); 0 if they sum
 * to 0. */
static int alias_build(sim_traj_slot *slot, const double *m, int n)
{
    double total = 0.0, q[SIM_TRAJ_ROW_CELLS];
    int small[SIM_TRAJ_ROW_CELLS], large[SIM_TRAJ_ROW_CELLS], ns = 0, nl = 0;
    for (int i = 0; i < n; i++)
        total += m[i];
    if (!(total > 0.0))
        return 0;
    for (int i = 0; i < n; i++) {
        q[i] = m[i] * n / total;
        if (q[i] < 1.0)
            small[ns++] = i;
        else
            large[nl++] = i;
    }
    while (ns > 0 && nl > 0) {
        int s = small[--ns], l = large[nl - 1];
        slot[s].prob = q[s];
        slot[s].alias = (uint32_t)l;
        q[l] -= 1.0 - q[s];
        if (q[l] < 1.0) {
            nl--;
            small[ns++] = l;
        }
    }
    /* What is left holds 1 up to rounding. */
    while (nl > 0) {
        int l = large[--nl];
        slot[l].prob = 1.0;
        slot[l].alias = (uint32_t)l;
    }
    while (ns > 0) {
        int s = small[--ns];
        slot[s].prob = 1.0;
        slot[s].alias = (uint32_t)s;
    }
    return 1;
}

/* 1 / h at onset s and z (0 when h = 0: z = inf). */
static double inv_h_at(const sim_traj_prior *p, int k, double z, double s)
{
    if (z == HUGE_VAL)
        return 0.0;
    double x0 = s * sim_traj_inv_tau_at(p, k, z), h = h_of(x0, sim_exp(-x0));
    return h > 0.0 ? 1.0 / h : 0.0;
}

static void bins_build(sim_traj_table *t, const sim_traj_prior *p, const sim_traj_span *o)
{
    size_t per_bin = (size_t)t->rows * (size_t)p->count * (size_t)t->cells;
    if (o->hi > o->lo) {
        size_t fit = SIM_TRAJ_SLOTS / per_bin;
        t->bins = fit < SIM_TRAJ_MAX_BINS ? (int)fit : SIM_TRAJ_MAX_BINS;
    } else {
        t->bins = 1;
    }
    double ratio = o->hi / o->lo;
    for (int b = 0; b < t->bins; b++)
        t->edge[b] = b == 0 ? o->lo : o->lo * pow(ratio, (double)b / t->bins);
    t->edge[t->bins] = HUGE_VAL;
    /* The guide: the bin of each 1/G of [lo, hi]'s lower end. */
    t->guide_lo = o->lo;
    t->guide_scale = o->hi > o->lo ? SIM_TRAJ_BIN_GUIDE / (o->hi - o->lo) : 0.0;
    int b = 0;
    for (int g = 0; g < SIM_TRAJ_BIN_GUIDE; g++) {
        double s = t->guide_scale > 0.0 ? o->lo + g / t->guide_scale : o->lo;
        while (b + 1 < t->bins && t->edge[b + 1] <= s)
            b++;
        t->guide[g] = (uint8_t)b;
    }
}

/* The value index (steps above the scale's minimum) of a baseline b after the pipeline's
 * rounding, clamped to the scale. */
static int value_index(const sim_traj_prior *p, int count, double b)
{
    double x = floor((b - p->lo) / p->step + 0.5);
    return x < 0.0 ? 0 : (x > count - 1 ? count - 1 : (int)x);
}

void sim_traj_table_build(sim_traj_table *t, const sim_traj_prior *p, const sim_traj_span *o)
{
    if (t->built && memcmp(&t->key.prior, p, sizeof *p) == 0 &&
        memcmp(&t->key.span, o, sizeof *o) == 0)
        return; /* a design prior re-prepares the model every trial: same table */
    t->built = 0;
    double range = p->hi - p->lo;
    if (!(o->lo > 0.0) || !isfinite(o->lo) || !(o->hi >= o->lo) || !isfinite(o->hi) ||
        !(p->step > 0.0))
        return;
    double steps = range / p->step;
    int count = (int)floor(steps + 0.5) + 1;
    if (!(fabs(steps - (count - 1)) < 1e-9 * steps) || count < 2 ||
        count > SIM_TRAJ_TABLE_BASELINES)
        return;
    t->baselines = count;
    t->inv_step = 1.0 / p->step;
    for (int row = 0; row < count; row++)
        t->c[row] = (double)row / (count - 1);
    /* Rows only for the baselines the population can draw (rows count from the worst end). */
    int v_lo = value_index(p, count, fmax(o->base_lo, p->lo));
    int v_hi = value_index(p, count, fmin(o->base_hi, p->hi));
    if (v_lo > v_hi)
        return;
    t->row_lo = p->dir > 0 ? v_lo : count - 1 - v_hi;
    t->rows = v_hi - v_lo + 1;
    int zsteps = o->hi > o->lo ? SIM_TRAJ_DRAWN_STEPS : SIM_TRAJ_FIXED_STEPS;
    t->cells = zsteps + 2;
    t->z_step = 2.0 * SIM_TRAJ_CELL_Z / zsteps;
    t->z_lo = -SIM_TRAJ_CELL_Z;
    for (int j = 1; j <= zsteps; j++) {
        double a = t->z_lo + (j - 1) * t->z_step, b = a + t->z_step;
        double m = a >= 0.0 ? a : (b <= 0.0 ? b : 0.0);
        t->zm2[j] = m * m;
    }
    bins_build(t, p, o);
    const int C = t->cells, n = p->count * C;
    for (int j = 0; j < C; j++)
        t->z_mass[j] = z_mass(t, j);
    for (int k = 0; k < p->count; k++)
        if (p->r_sd > 0.0)
            r_norm(p, k, &t->r_all[k], &t->r_inv_all[k]);
    double a = p->tau_cv * t->z_step;
    t->tau_poly_ok = p->tau_cv > 0.0 && a <= SIM_TRAJ_TAU_POLY_A;
    t->tau_poly[0] = 1.0;
    for (int d = 1; d <= SIM_TRAJ_TAU_DEGREE; d++)
        t->tau_poly[d] = t->tau_poly[d - 1] * -a / d;
    for (int m = 0; m < n; m++) {
        t->cell_k[m] = (uint8_t)(m / C);
        t->cell_j[m] = (uint8_t)(m % C);
        int j = m % C;
        t->cell_inv_tau[m] =
            j > 0 && j < C - 1 ? sim_traj_inv_tau_at(p, m / C, t->z_lo + (j - 1) * t->z_step)
                               : 0.0;
    }
    for (int bin = 0; bin < t->bins; bin++) {
        for (int k = 0; k < p->count; k++)
            for (int j = 0; j < C; j++) {
                double upper = j == C - 1 ? HUGE_VAL : t->z_lo + j * t->z_step;
                t->inv_h[bin][k * C + j] = inv_h_at(p, k, upper, t->edge[bin]);
            }
        memset(t->usable[bin], 0, sizeof t->usable[bin]);
        for (int row = t->row_lo; row < t->row_lo + t->rows; row++) {
            /* Baseline row steps above the floor: deficit share 1 - row / (count - 1) of
             * the range. At the floor (row 0) the rejection sampler's at-floor rule
             * applies. */
            double c = t->c[row], m[SIM_TRAJ_ROW_CELLS];
            for (int k = 0; k < p->count; k++)
                for (int j = 0; j < C; j++)
                    m[k * C + j] = row == 0 ? 0.0 : sim_traj_cell_mass(t, p, bin, c, k, j);
            sim_traj_slot *slot =
                t->slot + ((size_t)bin * (size_t)t->rows + (size_t)(row - t->row_lo)) * (size_t)n;
            t->usable[bin][row] = (unsigned char)alias_build(slot, m, n);
        }
    }
    memcpy(&t->key.prior, p, sizeof *p);
    memcpy(&t->key.span, o, sizeof *o);
    t->built = 1;
}

/* The bin of onset s0 >= edge_0. */
static inline int bin_of(const sim_traj_table *t, double s0)
{
    double g = (s0 - t->guide_lo) * t->guide_scale;
    int b = t->guide[g < SIM_TRAJ_BIN_GUIDE - 1 ? (int)g : SIM_TRAJ_BIN_GUIDE - 1];
    while (s0 >= t->edge[b + 1])
        b++;
    return b;
}

/* Proposals from the row's envelope (see the header): returns 0 if MAX_COURSE_DRAWS
 * proposals were all rejected (not seen: the tests find acceptance > 0.8). */
static int course_from_table(const sim_traj_prior *p, const sim_traj_table *t, int bin,
                             int row, mscsim_rng *rng, double c, double s0,
                             sim_traj_course *out)
{
    const int C = t->cells, n = p->count * C;
    const sim_traj_slot *slot = sim_traj_row_slots(t, p, bin, row);
    const double *inv_h = t->inv_h[bin];
    for (int attempt = 0; attempt < MAX_COURSE_DRAWS; attempt++) {
        double x = mscsim_rng_uniform(rng) * n;
        int i = (int)x;
        int m = x - i < slot[i].prob ? i : (int)slot[i].alias;
        int k = t->cell_k[m], j = t->cell_j[m];
        double inv_tau;
        if (j == 0 || j == C - 1) {
            double z = mscsim_rtruncnorm(rng, 0.0, 1.0, SIM_TRAJ_CELL_Z, HUGE_VAL);
            inv_tau = sim_traj_inv_tau_at(p, k, j == 0 ? -z : z);
        } else {
            double w = mscsim_rng_uniform(rng), z = t->z_lo + ((j - 1) + w) * t->z_step;
            /* Keep z with probability e^{-d}, d = (z^2 - m_j^2) / 2 >= 0. */
            double d = 0.5 * (z * z - t->zm2[j]), v = mscsim_rng_uniform(rng);
            if (v >= 1.0 - d && (v >= 1.0 - d + 0.5 * d * d || v >= sim_exp(-d)))
                continue;
            inv_tau = t->tau_poly_ok ? sim_traj_cell_inv_tau(t, m, w)
                                     : sim_traj_inv_tau_at(p, k, z);
        }
        double u = cell_bound(c, inv_h[m]);
        double r = p->r_sd > 0.0 ? sim_traj_r_draw(p, k, u, rng) : p->r[k];
        double x0 = s0 * inv_tau, e0 = sim_exp(-x0);
        if (r * h_of(x0, e0) <= c) {
            out->k = k;
            out->r = r;
            out->inv_tau = inv_tau;
            out->e0 = e0;
            return 1;
        }
    }
    return 0;
}

void sim_traj_course_after_onset(const sim_traj_prior *p, const sim_traj_table *t,
                                 mscsim_rng *rng, double b, double deficit_b, double s0,
                                 sim_traj_course *out)
{
    if (t && t->built && s0 >= t->edge[0] && s0 < HUGE_VAL) {
        /* b on one of the scale's values (NaN fails the range test); truncation is the
         * floor of the nonnegative steps + 1/2, without floor's library call. */
        double steps = (b - p->lo) * t->inv_step;
        int i = steps >= 0.0 && steps < t->baselines - 0.5 ? (int)(steps + 0.5) : -1;
        if (i >= 0 && fabs(steps - i) < 1e-9) {
            /* Row i counts steps from the worst end. */
            int row = p->dir > 0 ? i : t->baselines - 1 - i;
            int bin = t->bins == 1 ? 0 : bin_of(t, s0);
            if (t->usable[bin][row] &&
                course_from_table(p, t, bin, row, rng, t->c[row], s0, out))
                return;
        }
    }
    sim_traj_course_reject(p, rng, deficit_b, s0, out);
}

/* {==================================================================================
 * Exponentials of fixed days
 * =================================================================================== */

void sim_traj_plan_init(sim_traj_plan *plan, const double *days, int count)
{
    memset(plan, 0, sizeof *plan);
    plan->count = count;
    for (int i = 0; i < count; i++) {
        plan->day[i] = days[i];
        plan->from[i] = -1;
        plan->bound[i] = 1;
        /* The smallest power of an earlier day within the bound (the largest such day). */
        for (int m = 1; m <= SIM_TRAJ_PLAN_POWER && plan->from[i] < 0; m++)
            for (int j = 0; j < i; j++) {
                int bound = m * plan->bound[j] + (m == 4 ? 2 : m - 1);
                if (days[i] == m * days[j] && bound <= SIM_TRAJ_PLAN_BOUND) {
                    plan->from[i] = (signed char)j;
                    plan->power[i] = (unsigned char)m;
                    plan->bound[i] = (unsigned char)bound;
                    break;
                }
            }
    }
    int slot = 0;
    for (int i = 0; i < count; i++)
        if (plan->from[i] < 0) {
            plan->order[slot] = (unsigned char)i;
            plan->neg_day[slot++] = -days[i];
            plan->max_day = fmax(plan->max_day, days[i]);
        }
    plan->directs = slot;
    for (int i = 0; i < count; i++)
        if (plan->from[i] >= 0)
            plan->order[slot++] = (unsigned char)i;
}
