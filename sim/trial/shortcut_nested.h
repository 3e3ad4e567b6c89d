#ifndef SIM_TRIAL_SHORTCUT_NESTED_H
#define SIM_TRIAL_SHORTCUT_NESTED_H
/*
 * The table path for the sample-size search's nested trials (shortcut_nested.c): per arm
 * the same summaries as sim_shortcut_trial, drawn top-down over a binary tree of patient
 * blocks so that a trial of n patients per arm is a prefix of the trial of any n' > n from
 * the same stream. Private to the library (the engine).
 */

#include <stddef.h>

#include "shortcut.h"

/* One trial of n[a] randomized patients per arm on s's path (not PATIENTS): its first n[a]
 * patient positions of arm a in the trial whose stream is rng (which is not advanced: the
 * draws come from substreams of it, one per arm and tree node). Fills *table (counts
 * path), *data (pointing at table) and *diag as sim_shortcut_trial does. Thread-safe. */
void sim_shortcut_nested_trial(const sim_shortcut *s, const mscsim_design *d,
                               const mscsim_rng *rng, const size_t n[MSCSIM_ARM_COUNT],
                               mscsim_count_table *table, mscsim_trial_data *data,
                               mscsim_trial_diag *diag);

#endif
