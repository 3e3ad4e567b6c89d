/*
 * A randomised trial ([trial] randomisation other than fixed): its patients are drawn in
 * order of entry, all from one substream, and mscsim_randomise gives each an arm, from
 * their factor levels where the scheme uses them; each arm's patients then keep their
 * order of entry in the arm's buffers, so the rest of the pipeline, and a look's prefix,
 * see them as with fixed arms. Patient i's covariates do not depend on n (nested trials
 * across sizes); nor does his arm under simple randomisation or blocks.
 */
#include "interim/looks.h"
#include "internal.h"
#include "randomisation.h"
#include "trial_impl.h"

void sim_trial_randomise(const mscsim_design *d, const mscsim_rng *rng, size_t total,
                         mscsim_workspace *w, size_t n[MSCSIM_ARM_COUNT])
{
    sim_arm_buffers *control = &w->arm[MSCSIM_ARM_CONTROL], *msc = &w->arm[MSCSIM_ARM_MSC];
    mscsim_rng patients = mscsim_rng_substream(rng, SIM_RANDOMISED_PATIENTS_STREAM);
    mscsim_rng arms = mscsim_rng_substream(rng, SIM_RANDOMISATION_STREAM);
    mscsim_covariates cov = {control->nihss, control->age, control->onset, control->baseline};
    mscsim_population_draw(d->pop, &patients, total, &cov);

    const mscsim_randomisation *r = &d->cfg.randomisation;
    const double *by_covariate[] = {NULL, control->nihss, control->age, control->onset};
    const int *level[MSCSIM_MAX_RANDOMISE_FACTORS] = {NULL};
    for (int f = 0; f < r->factor_count; f++) {
        const double *v = by_covariate[r->factor[f]];
        for (size_t i = 0; i < total; i++)
            w->level[f][i] = sim_randomisation_level(r, f, v[i]);
        level[f] = w->level[f];
    }
    mscsim_randomise(&d->randomise, total, r->factor_count ? level : NULL, &arms, w->assigned,
                     w->randomise_work);

    /* The msc patients to their arm; the control ones compacted in place (j <= i). */
    double *from[] = {control->nihss, control->age, control->onset, control->baseline};
    double *to[] = {msc->nihss, msc->age, msc->onset, msc->baseline};
    n[MSCSIM_ARM_CONTROL] = n[MSCSIM_ARM_MSC] = 0;
    for (size_t i = 0; i < total; i++)
        n[w->assigned[i]]++;
    for (size_t v = 0; v < SIM_ARRAY_LEN(from); v++) {
        if (!from[v])
            continue;
        size_t k[MSCSIM_ARM_COUNT] = {0, 0};
        for (size_t i = 0; i < total; i++) {
            int a = w->assigned[i];
            (a ? to[v] : from[v])[k[a]++] = from[v][i];
        }
    }
}

void sim_trial_first_patients(const mscsim_design *d, const mscsim_workspace *w, long first,
                              size_t m[MSCSIM_ARM_COUNT])
{
    if (!d->randomised)
        return;
    m[MSCSIM_ARM_CONTROL] = m[MSCSIM_ARM_MSC] = 0;
    for (long i = 0; i < first; i++)
        m[w->assigned[i]]++;
}
