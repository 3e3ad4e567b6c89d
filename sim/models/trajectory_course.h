#ifndef SIM_TRAJECTORY_COURSE_H
#define SIM_TRAJECTORY_COURSE_H
/*
 * The trajectory model's recovery course (subgroup k, share r, time constant tau) drawn
 * conditionally on the observed baseline (sim/models/trajectory_course.c). Private to
 * sim/models/trajectory.c and its tests.
 */
#include <math.h>
#include <stdint.h>

#include "exp_fast.h"
#include "mscsim/dist.h"
#include "mscsim/rng.h"
#include "mscsim/types.h"

/* Baseline values a table covers (fma_motor has 101). */
#define SIM_TRAJ_TABLE_BASELINES 128
/* Cells per subgroup: equal steps of z (tau = tau_k e^{tau_cv z + shift}) over
 * [-CELL_Z, CELL_Z] and the two tails beyond. A fixed onset has one onset bin and the finer
 * steps; a drawn onset trades them for bins (see trajectory_course.c). */
#define SIM_TRAJ_CELL_Z 4.0
#define SIM_TRAJ_FIXED_STEPS 64
#define SIM_TRAJ_DRAWN_STEPS 32
#define SIM_TRAJ_MAX_CELLS (SIM_TRAJ_FIXED_STEPS + 2)
#define SIM_TRAJ_ROW_CELLS (MSCSIM_MAX_SUBGROUPS * SIM_TRAJ_MAX_CELLS)
/* Onset bins of a drawn onset, and the alias slots of all rows of all bins (16 bytes each:
 * 4 MiB, of which a table touches bins x rows x subgroups x cells: the presets, 30 bins x
 * 50 baselines x 5 x 34, 4.1 MB; a fixed onset with 101 baselines, 0.5 MB). */
#define SIM_TRAJ_MAX_BINS 32
#define SIM_TRAJ_SLOTS (1 << 18)
#define SIM_TRAJ_BIN_GUIDE 256
/* e^{-a U}, 0 <= U <= 1, by its Taylor polynomial: the first term left out,
 * a^9 / 9!, is below 2^-56 for a <= 0.055. */
#define SIM_TRAJ_TAU_DEGREE 8
#define SIM_TRAJ_TAU_POLY_A 0.055

/* The courses before conditioning and the scale they are scored on. */
typedef struct {
    mscsim_categorical subgroup;           /* alias table of the subgroup weights */
    int count;                             /* subgroups */
    double weight[MSCSIM_MAX_SUBGROUPS];   /* renormalised weights */
    double r[MSCSIM_MAX_SUBGROUPS];        /* r_k */
    double tau[MSCSIM_MAX_SUBGROUPS];      /* tau_k in days */
    double inv_tau[MSCSIM_MAX_SUBGROUPS];  /* 1 / tau_k */
    double r_sd, tau_cv, tau_shift;        /* tau_shift = -tau_cv^2 / 2 */
    double inv_r_sd;                       /* 1 / r_sd (0 without spread) */
    double r_lo[MSCSIM_MAX_SUBGROUPS];     /* -r_k / r_sd: r = 0 in sd units */
    double r_fast[MSCSIM_MAX_SUBGROUPS];   /* r's bound in sd units above which plain
                                              rejection accepts >= SIM_TRAJ_FAST_SHARE */
    double lo, hi, step;                   /* scale range and step (0 = continuous) */
    double best, dir;                      /* the better end; +1 higher is better, else -1 */
} sim_traj_prior;

/* Sets inv_tau, inv_r_sd, r_lo and r_fast from the others (prepare and the tests). */
void sim_traj_prior_finish(sim_traj_prior *p);

/* One alias slot (Walker 1977): cell `self` with probability prob, else cell alias. */
typedef struct {
    double prob;
    uint32_t alias, spare;
} sim_traj_slot;

/* What a table covers: onsets in bins [edge_b, edge_b+1) from lo (the last bin open
 * above) and baselines in [base_lo, base_hi] (scale units, may be infinite). */
typedef struct {
    double lo, hi;           /* the onsets' support; lo > 0; lo = hi for a fixed onset */
    double base_lo, base_hi; /* the baselines' support */
} sim_traj_span;

typedef struct {
    /* What the table was built from (compared bitwise to reuse it). */
    struct {
        sim_traj_prior prior;
        sim_traj_span span;
    } key;
    int built;                /* 1: rows valid for key */
    int baselines;            /* values of the scale */
    int row_lo, rows;         /* rows built per bin: row_lo ... row_lo + rows - 1 */
    int cells;                /* cells per subgroup: steps + 2 tails */
    int bins;                 /* onset bins */
    double inv_step;          /* 1 / the scale's step */
    double z_mass[SIM_TRAJ_MAX_CELLS];              /* z's mass of a cell before acceptance */
    double r_all[MSCSIM_MAX_SUBGROUPS];             /* Phi(-r_k / r_sd) and 1 / (Phi((1 - */
    double r_inv_all[MSCSIM_MAX_SUBGROUPS];         /* r_k) / r_sd) - Phi(-r_k / r_sd)) */
    double c[SIM_TRAJ_TABLE_BASELINES];             /* onset-deficit share c of each row */
    uint8_t cell_k[SIM_TRAJ_ROW_CELLS], cell_j[SIM_TRAJ_ROW_CELLS]; /* k, j of a row's cell */
    double z_lo, z_step;      /* interior cell j (1 ... cells - 2): [z_lo + (j-1) step, +step] */
    double zm2[SIM_TRAJ_MAX_CELLS];                 /* squared |z| nearest 0 in the cell */
    /* 1 / tau in an interior cell without an exponential: at z = z_j + z_step U it is
     * cell_inv_tau (1 / tau at z_j) times e^{-a U}, a = tau_cv z_step, whose Taylor
     * polynomial of degree SIM_TRAJ_TAU_DEGREE (tau_poly) is exact to 2^-56 when
     * a <= SIM_TRAJ_TAU_POLY_A (tau_cv up to 0.44 at a fixed onset, 0.22 drawn; larger
     * tau_cv, tau_poly_ok = 0, takes the exponential). */
    int tau_poly_ok;
    double tau_poly[SIM_TRAJ_TAU_DEGREE + 1];
    double cell_inv_tau[SIM_TRAJ_ROW_CELLS];
    double edge[SIM_TRAJ_MAX_BINS + 1];             /* bin edges in days */
    double guide_lo, guide_scale;                   /* bin guide over [edge_0, edge_bins] */
    uint8_t guide[SIM_TRAJ_BIN_GUIDE];
    double inv_h[SIM_TRAJ_MAX_BINS][SIM_TRAJ_ROW_CELLS]; /* 1 / h at the cell's upper edge and
                                                            the bin's lowest onset; 0: h = 0 */
    unsigned char usable[SIM_TRAJ_MAX_BINS][SIM_TRAJ_TABLE_BASELINES];
    sim_traj_slot slot[SIM_TRAJ_SLOTS];
} sim_traj_table;

/* 1 / tau at z = z_j + z_step w in interior cell m of a table with tau_poly_ok. */
static inline double sim_traj_cell_inv_tau(const sim_traj_table *t, int m, double w)
{
    double e = t->tau_poly[SIM_TRAJ_TAU_DEGREE];
    for (int d = SIM_TRAJ_TAU_DEGREE - 1; d >= 0; d--)
        e = e * w + t->tau_poly[d];
    return t->cell_inv_tau[m] * e;
}

/* A drawn course: subgroup k, r, 1 / tau (per day) and e0 = e^{-s0/tau}. */
typedef struct {
    int k;
    double r, inv_tau, e0;
} sim_traj_course;

/*
 * Builds t for the span o unless it already holds a table of the same prior and span.
 * Leaves t->built = 0 when no table applies: o->lo <= 0 or not finite, a continuous scale
 * or more than SIM_TRAJ_TABLE_BASELINES values.
 */
void sim_traj_table_build(sim_traj_table *t, const sim_traj_prior *p, const sim_traj_span *o);

/* r ~ N(r_k, r_sd) truncated to [0, u], 0 < u <= 1, r_sd > 0 (exact): plain rejection from
 * standard normals when that accepts at least SIM_TRAJ_FAST_SHARE of them, else Robert's
 * sampler. */
static inline double sim_traj_r_draw(const sim_traj_prior *p, int k, double u, mscsim_rng *rng)
{
    double b = (u - p->r[k]) * p->inv_r_sd;
    if (b >= p->r_fast[k]) {
        double lo = p->r_lo[k], z;
        do
            z = mscsim_rnorm_std(rng);
        while (z < lo || z > b);
        double r = p->r[k] + p->r_sd * z; /* rounding may step outside [0, u] */
        return r < 0.0 ? 0.0 : (r > u ? u : r);
    }
    return mscsim_rtruncnorm(rng, p->r[k], p->r_sd, 0.0, u);
}

/* 1 / tau at z: tau_k e^{tau_cv z + shift} without a division. */
static inline double sim_traj_inv_tau_at(const sim_traj_prior *p, int k, double z)
{
    return p->tau_cv > 0.0 ? p->inv_tau[k] * sim_exp(-(p->tau_cv * z + p->tau_shift))
                           : p->inv_tau[k];
}

/* The course of a patient randomized s0 > 0 days after onset (see sim_traj_course_draw). */
void sim_traj_course_after_onset(const sim_traj_prior *p, const sim_traj_table *t,
                                 mscsim_rng *rng, double b, double deficit_b, double s0,
                                 sim_traj_course *out);

/*
 * The course of a patient with deficit deficit_b = dir (best - B) at baseline B randomized
 * s0 >= 0 days after onset, drawn from the courses conditional on an onset deficit within
 * the scale's range. At s0 = 0 every course fits: the unconditional law (inline: no call
 * for the common design randomized at onset). Later, t (may be NULL) is used when it was
 * built, s0 is at least its first bin's edge and B is one of its values; otherwise the
 * courses are drawn by rejection.
 */
static inline void sim_traj_course_draw(const sim_traj_prior *p, const sim_traj_table *t,
                                        mscsim_rng *rng, double b, double deficit_b, double s0,
                                        sim_traj_course *out)
{
    if (s0 != 0.0) {
        sim_traj_course_after_onset(p, t, rng, b, deficit_b, s0, out);
        return;
    }
    int k = mscsim_rcategorical(rng, &p->subgroup);
    out->k = k;
    out->r = p->r_sd > 0.0 ? sim_traj_r_draw(p, k, 1.0, rng) : p->r[k];
    out->inv_tau =
        p->tau_cv > 0.0 ? sim_traj_inv_tau_at(p, k, mscsim_rnorm_std(rng)) : p->inv_tau[k];
    out->e0 = 1.0;
}

/* The rejection sampler alone (for the tests: the table must draw the same law). */
void sim_traj_course_reject(const sim_traj_prior *p, mscsim_rng *rng, double deficit_b,
                            double s0, sim_traj_course *out);


/* The conditional density of z for subgroup k at onset-deficit share c (before the weight
 * and phi(z)): P(r h(tau(z)) <= c | k) with h = 1 - e^{-s0/tau}. For the tests. */
double sim_traj_acceptance(const sim_traj_prior *p, int k, double c, double s0, double z);

/* The envelope's mass of cell j of subgroup k at onset-deficit share c in onset bin bin
 * (unnormalised; the row's alias slots draw the cells in proportion to it). */
double sim_traj_cell_mass(const sim_traj_table *t, const sim_traj_prior *p, int bin, double c,
                          int k, int j);

/* The alias slots of the row of baseline row (built) in onset bin bin (count x cells). */
static inline const sim_traj_slot *sim_traj_row_slots(const sim_traj_table *t,
                                                      const sim_traj_prior *p, int bin, int row)
{
    return t->slot + ((size_t)bin * (size_t)t->rows + (size_t)(row - t->row_lo)) *
                         (size_t)p->count * (size_t)t->cells;
}

/* {==================================================================================
 * Exponentials of fixed days
 * =================================================================================== */

/* Entries of a plan: the visits and the MSC delay. */
#define SIM_TRAJ_PLAN_DAYS (MSCSIM_MAX_VISITS + 1)
/* Largest power taken of an earlier day's exponential, and the largest error bound a
 * power may reach, in units of 2^-53 beyond d x 2^-53 (what rounding the argument d x of a
 * direct exponential costs): a direct exponential is 1, e^{-m d x} = (e^{-d x})^m is m
 * times its source's bound plus its m - 1 products' roundings (m = 4: two). */
#define SIM_TRAJ_PLAN_POWER 4
#define SIM_TRAJ_PLAN_BOUND 16

/* e^{-d_i x} for fixed days d_i > 0 and any x >= 0: a day that is 1 to SIM_TRAJ_PLAN_POWER
 * times an earlier day is a power of its exponential (for visits on days 7, 30, 90 two
 * exponentials instead of three). The direct exponentials are taken first, then the
 * powers in day order (a power's source is direct or an earlier power), so neither loop
 * branches on the kind of entry. */
typedef struct {
    int count, directs;
    double day[SIM_TRAJ_PLAN_DAYS];
    signed char from[SIM_TRAJ_PLAN_DAYS];  /* the earlier day, -1: a direct exponential */
    unsigned char power[SIM_TRAJ_PLAN_DAYS];
    unsigned char bound[SIM_TRAJ_PLAN_DAYS]; /* its error bound (see SIM_TRAJ_PLAN_BOUND) */
    unsigned char order[SIM_TRAJ_PLAN_DAYS]; /* the directs, then the powers */
    double neg_day[SIM_TRAJ_PLAN_DAYS];      /* -day, by order */
    double max_day;                          /* of the directs */
} sim_traj_plan;

/* The plan of days[0..count-1] (count <= SIM_TRAJ_PLAN_DAYS). */
void sim_traj_plan_init(sim_traj_plan *plan, const double *days, int count);

/* out[i] = e^{-day_i x}, relative error within (day_i x + bound_i) 2^-53 plus exp's own. */
static inline void sim_traj_plan_eval(const sim_traj_plan *plan, double x, double *out)
{
    /* One range test for all the directs (a NaN x takes the tested path). */
    if (fabs(x) * plan->max_day <= SIM_EXP_INLINE_MAX)
        for (int j = 0; j < plan->directs; j++)
            out[plan->order[j]] = sim_exp_inline(plan->neg_day[j] * x);
    else
        for (int j = 0; j < plan->directs; j++)
            out[plan->order[j]] = sim_exp(plan->neg_day[j] * x);
    for (int j = plan->directs; j < plan->count; j++) {
        int i = plan->order[j];
        double f = out[plan->from[i]], f2 = f * f;
        switch (plan->power[i]) {
        case 1:
            out[i] = f;
            break;
        case 2:
            out[i] = f2;
            break;
        case 3:
            out[i] = f2 * f;
            break;
        default:
            out[i] = f2 * f2;
            break;
        }
    }
}

#endif
