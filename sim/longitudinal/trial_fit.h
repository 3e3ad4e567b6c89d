#ifndef SIM_LONGITUDINAL_TRIAL_FIT_H
#define SIM_LONGITUDINAL_TRIAL_FIT_H
/*
 * The longitudinal analyses' common part (sim/analyses/mmrm.c and clda.c): one simulated
 * trial's visits (mscsim_trial_data.visits) gathered into the fit's arrays, fitted by
 * sim_mmrm_fit or sim_clda_fit, and decided as a t test on the Satterthwaite df.
 */
#include <stddef.h>

#include "mscsim/analysis.h"

typedef enum { SIM_LONGITUDINAL_MMRM = 0, SIM_LONGITUDINAL_CLDA } sim_longitudinal_model;

/* Bytes of mscsim_visit_data.work the analysis needs for `visits` visits and n patients
 * in all; 0 when visits is out of the fit's range. */
size_t sim_longitudinal_work_size(int visits, size_t n);

/* Fits the trial (trial_fit.c) into result; a failed fit fails result with the fit's
 * status name as its reason. Never allocates; thread-safe with per-thread data. */
void sim_longitudinal_analyze(const mscsim_trial_data *data,
                              const mscsim_analysis_settings *settings,
                              sim_longitudinal_model model, mscsim_analysis_result *result);

/* Patients of vd with at least one visit the fit uses (observed, and past by the date
 * with followed): those a longitudinal analysis analyses. */
size_t sim_longitudinal_contributing(const mscsim_visit_data *vd);

#endif
