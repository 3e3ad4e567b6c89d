#ifndef SIM_TRIAL_SHORTCUT_H
#define SIM_TRIAL_SHORTCUT_H
/*
 * The table path (shortcut.c): where every analysis of a design is exactly a function of
 * per-arm summaries whose distribution is known, a trial draws those summaries instead
 * of its patients. Private to the library (the engine and the front ends' public
 * mscsim_design_shortcut).
 */

#include <stddef.h>
#include <stdint.h>

#include "mscsim/dist.h"
#include "mscsim/rng.h"
#include "mscsim/trial.h"

/* Arms of at most this many patients draw every binomial from alias tables (the tables
 * grow as its square: 264 KB per binomial family at 256); larger arms use mscsim_rbinom. */
#define SIM_SHORTCUT_TABLE_MAX 256

/* The alias tables of Bin(m, p) for every m = 0..n (one p): row m starts at m (m + 1) / 2;
 * each column packs its threshold T (keep the column when the 53-bit fraction is below T)
 * above the 9 bits of its alias. */
typedef struct {
    uint64_t *entry;
} sim_binom_family;

/* Families per arm: the analysed count, one per conditional binomial, the dead among the
 * dropped out. */
#define SIM_SHORTCUT_FAMILIES (MSCSIM_TABLE_MAX + 1)

/* A design's table path, fixed once per engine. */
typedef struct {
    mscsim_trial_path path;
    int k;                                    /* score categories (counts path) */
    int slot[MSCSIM_TABLE_MAX];               /* category j -> its endpoint value's index */
    double cond[MSCSIM_ARM_COUNT][MSCSIM_TABLE_MAX]; /* P(category j | not below j) */
    int floor_cat, ceiling_cat, death_cat;    /* categories at the scale's ends, dead; -1 */
    mscsim_count_table values;                /* the endpoint values; counts zero */
    double mean[MSCSIM_ARM_COUNT], sd[MSCSIM_ARM_COUNT]; /* normal path: the endpoint */
    double observed[MSCSIM_ARM_COUNT];        /* P(primary score observed) */
    double dead[MSCSIM_ARM_COUNT];            /* P(death_cat), for the dropped out */
    /* Alias tables for arms of up to table_n patients (0: none, every draw by rbinom):
     * family[a][0] for the analysed count, family[a][1 + j] for category j's binomial,
     * family[a][k] for the dead among the dropped out (with death_cat). */
    size_t table_n;
    sim_binom_family family[MSCSIM_ARM_COUNT][SIM_SHORTCUT_FAMILIES];
    void *table_memory;
    /* Normal path, for m = 0..table_n analysed patients: sd / sqrt(m) per arm, and the
     * set-up of Gamma((m - 1) / 2) behind the sum of squares (m >= 3); in normal_memory. */
    double *mean_sd[MSCSIM_ARM_COUNT];
    mscsim_gamma_setup *ss_gamma;
    void *normal_memory;
} sim_shortcut;

/* Decides d's path (nested: the sample-size search's nested trials) and fills *s for it;
 * why (why_len bytes, may be NULL) gets the one-line reason. */
mscsim_trial_path sim_shortcut_prepare(const mscsim_design *d, int nested, sim_shortcut *s,
                                       char *why, size_t why_len);

/* Builds s's alias tables for arms of up to n patients (none above SIM_SHORTCUT_TABLE_MAX)
 * unless it has them; MSCSIM_OK or MSCSIM_ENOMEM. Frees them: sim_shortcut_free. */
int sim_shortcut_fit(sim_shortcut *s, size_t n);
void sim_shortcut_free(sim_shortcut *s);

/* One trial of n[a] randomized patients per arm on s's path (not PATIENTS) from rng:
 * fills *table (counts path), *data (pointing at table) and *diag. */
void sim_shortcut_trial(const sim_shortcut *s, const mscsim_design *d, mscsim_rng *rng,
                        const size_t n[MSCSIM_ARM_COUNT], mscsim_count_table *table,
                        mscsim_trial_data *data, mscsim_trial_diag *diag);

/* Most trials sim_shortcut_trials draws at once. A counts-path trial alone waits on its
 * chain of dependent table loads (each binomial's size is what the previous one left) and
 * on its arithmetic; two interleaved keep the core busy (11 % faster, ordinal n = 300). */
#define SIM_SHORTCUT_LANES 2

/* Trials to draw at once on s's path: SIM_SHORTCUT_LANES on the counts path, 1 on the
 * normal path (interleaved, its gamma draws measured 2-3 % slower). */
static inline int sim_shortcut_lanes(const sim_shortcut *s)
{
    return s->path == MSCSIM_PATH_COUNTS ? SIM_SHORTCUT_LANES : 1;
}

/* count (1..SIM_SHORTCUT_LANES) trials at once, trial l exactly sim_shortcut_trial from
 * rng[l] into table[l], data[l] and *diag[l]. */
void sim_shortcut_trials(const sim_shortcut *s, const mscsim_design *d, int count,
                         mscsim_rng *rng, const size_t n[MSCSIM_ARM_COUNT],
                         mscsim_count_table *table, mscsim_trial_data *data,
                         mscsim_trial_diag *const *diag);

#endif
