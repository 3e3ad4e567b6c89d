/*
 * What an interim look sees of each visit (looks.h: sim_look_followup). Look k falls on
 * the day its last prefix patient (m_k in randomization order) reaches the primary visit;
 * by then a patient randomized later has had the visits whose day is at most the look's
 * day minus their entry day. Patient t (1-based, both arms together) enters when
 * sim_interim_accrued reaches t, so the patients past visit v are the first
 * floor(accrued(month - day_v / 30.4375)) of them, and mscsim_config_arm_sizes splits a
 * count of the first patients into arms as it splits the prefix (allocation in
 * randomization order). Done once per cell: a trial only moves the cut
 * (sim_trial_look_prefix).
 */
#include <math.h>

#include "interim/looks.h"
#include "internal.h"
#include "longitudinal/trial_fit.h"

void sim_looks_followup(const mscsim_config *cfg, sim_looks *L)
{
    const char *names[MSCSIM_MAX_ANALYSES];
    int primary = mscsim_config_primary_index(cfg);
    L->longitudinal = mscsim_config_analyses(cfg, names) > 0 &&
                      mscsim_analysis_find(names[0])->min_visits > 0;
    for (int k = 0; k < L->bounds.looks; k++) {
        const mscsim_look_plan *p = &L->plan[k];
        long sizes[MSCSIM_ARM_COUNT];
        mscsim_config_arm_sizes(cfg, p->randomized, sizes);
        L->follow[k].randomized_total = p->randomized;
        for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
            L->follow[k].randomized[a] = (size_t)sizes[a];
        for (int v = 0; v <= primary; v++) {
            long first = p->analysed_total; /* the prefix: past every visit up to primary */
            if (v < primary && !isnan(p->month)) {
                /* The 1e-9 keeps a patient whose visit falls on the look's day (as the plan
                 * counts the randomized); the clamp, one who rounds out of the prefix. */
                double tau = fmax(p->month - cfg->visits[v] / SIM_DAYS_PER_MONTH, 0.0);
                double by_then = floor(sim_interim_accrued(cfg, tau) + 1e-9);
                first = by_then >= (double)p->randomized ? p->randomized : (long)by_then;
                if (first < p->analysed_total)
                    first = p->analysed_total;
            }
            L->follow[k].followed_total[v] = first;
            mscsim_config_arm_sizes(cfg, first, sizes);
            for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
                L->follow[k].followed[a][v] = (size_t)sizes[a];
        }
    }
}

const sim_look_followup *sim_looks_trial_followup(const sim_looks *L, int k,
                                                  const mscsim_design *d,
                                                  const mscsim_workspace *w,
                                                  sim_look_followup *scratch)
{
    const mscsim_config *cfg = mscsim_design_config(d);
    if (cfg->randomisation.method == MSCSIM_RANDOMISE_FIXED)
        return &L->follow[k]; /* the plan's split holds for every trial */
    *scratch = L->follow[k];
    size_t m[MSCSIM_ARM_COUNT];
    sim_trial_first_patients(d, w, scratch->randomized_total, scratch->randomized);
    for (int v = 0, primary = mscsim_config_primary_index(cfg); v <= primary; v++) {
        m[0] = scratch->followed[0][v];
        m[1] = scratch->followed[1][v];
        sim_trial_first_patients(d, w, scratch->followed_total[v], m);
        scratch->followed[0][v] = m[0];
        scratch->followed[1][v] = m[1];
    }
    return scratch;
}

size_t sim_looks_analysed(const sim_looks *L, const mscsim_trial_data *data)
{
    if (L->longitudinal && data->visits)
        return sim_longitudinal_contributing(data->visits);
    return data->arm[0].n + data->arm[1].n;
}
