#ifndef SIM_TRAJECTORY_COURSE_H
#define SIM_TRAJECTORY_COURSE_H
/*
 * The trajectory model's recovery course (subgroup k, share r, time constant tau) drawn
 * conditionally on the observed baseline (sim/models/trajectory_course.c). Private to
 * sim/models/trajectory.c and its tests.
 */
#include <stdint.h>

#include "mscsim/dist.h"
#include "mscsim/rng.h"
#include "mscsim/types.h"

/* Baseline values a table covers (fma_motor has 101); cells per subgroup: CELLS equal
 * steps of z = Phi^-1(p) over [-CELL_Z, CELL_Z] and the two tails beyond. */
#define SIM_TRAJ_TABLE_BASELINES 128
#define SIM_TRAJ_TABLE_CELLS 32
#define SIM_TRAJ_CELL_Z 4.0
#define SIM_TRAJ_TABLE_GUIDE 256
#define SIM_TRAJ_ROW_CELLS (MSCSIM_MAX_SUBGROUPS * (SIM_TRAJ_TABLE_CELLS + 2))

/* The courses before conditioning and the scale they are scored on. */
typedef struct {
    mscsim_categorical subgroup;           /* alias table of the subgroup weights */
    int count;                             /* subgroups */
    double weight[MSCSIM_MAX_SUBGROUPS];   /* renormalised weights */
    double r[MSCSIM_MAX_SUBGROUPS];        /* r_k */
    double tau[MSCSIM_MAX_SUBGROUPS];      /* tau_k in days */
    double r_sd, tau_cv, tau_shift;        /* tau_shift = -tau_cv^2 / 2 */
    double lo, hi, step;                   /* scale range and step (0 = continuous) */
    double best, dir;                      /* the better end; +1 higher is better, else -1 */
} sim_traj_prior;

/* One cell (k, j) of a table row: the envelope's cumulative mass before it and the bound
 * u_j of r at its upper end (see trajectory_course.c). */
typedef struct {
    double cum, u;
} sim_traj_cell;

/* Per baseline value, the envelope of (k, p = Phi(z)) for one fixed onset. */
typedef struct {
    double total;                                   /* envelope mass; 0 = not usable */
    int last;                                       /* last cell with positive mass */
    uint16_t guide[SIM_TRAJ_TABLE_GUIDE];           /* first cell of each 1/G of the mass */
    sim_traj_cell cell[SIM_TRAJ_ROW_CELLS + 1];
} sim_traj_row;

typedef struct {
    /* What the table was built from (compared bitwise to reuse it). */
    struct {
        sim_traj_prior prior;
        double s0;
    } key;
    int built;                /* 1: rows valid for onset key.s0 */
    int baselines;            /* rows */
    double edge[SIM_TRAJ_TABLE_CELLS + 3]; /* cell edges in p, 0 ... 1 */
    sim_traj_row row[SIM_TRAJ_TABLE_BASELINES];
} sim_traj_table;

/* A drawn course: subgroup k, r, tau (days), 1 / tau and e0 = e^{-s0/tau}. */
typedef struct {
    int k;
    double r, tau, inv_tau, e0;
} sim_traj_course;

/*
 * Builds t for onset s0 (days, fixed for the design) unless it already holds a table of the
 * same prior and onset. Leaves t->built = 0 when no table applies: s0 <= 0 (no
 * conditioning), a continuous scale or more than SIM_TRAJ_TABLE_BASELINES values.
 */
void sim_traj_table_build(sim_traj_table *t, const sim_traj_prior *p, double s0);

/*
 * The course of a patient with deficit deficit_b = dir (best - B) at baseline B randomized
 * s0 days after onset, drawn from the courses conditional on an onset deficit within the
 * scale's range. t (may be NULL) is used when it was built for s0 and B is one of its
 * values; otherwise the courses are drawn by rejection.
 */
void sim_traj_course_draw(const sim_traj_prior *p, const sim_traj_table *t, mscsim_rng *rng,
                          double b, double deficit_b, double s0, sim_traj_course *out);

/* The rejection sampler alone (for the tests: the table must draw the same law). */
void sim_traj_course_reject(const sim_traj_prior *p, mscsim_rng *rng, double deficit_b,
                            double s0, sim_traj_course *out);

/* The conditional density of p = Phi(z) for subgroup k at onset-deficit share c (before the
 * weight): P(r h(tau(p)) <= c | k) with h = 1 - e^{-s0/tau}. For the tests. */
double sim_traj_acceptance(const sim_traj_prior *p, int k, double c, double s0, double pp);

#endif
