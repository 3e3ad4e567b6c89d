/*
 * The utility-weighted endpoint ([analysis] endpoint = utility): each analysed primary
 * score is replaced by the utility [outcome] utilities gives its level of the scale.
 *
 * DESCRIPTION
 *   A stepped, bounded scale has the levels min, min + step, ..., max; utilities lists one
 *   number per level, from the lowest score up, higher = better whatever the scale's
 *   direction (so the endpoint is never negated). On the mRS the default is the
 *   utility-weighted mRS of Chaisinanunkul et al. (2015), 1, 0.91, 0.76, 0.65, 0.33, 0, 0
 *   for mRS 0..6 (configs/EVIDENCE.md section 4); EQ-5D-based weights are another list.
 *   Equal utilities (mRS 5 and 6 by default) are equal endpoint values, so a rank test
 *   ranks them together, and the t tests compare mean utilities.
 *
 *   Scores are on the levels already (the pipeline rounds and clips them to the scale),
 *   except the scores multiple imputation fills in, which are not rounded: those take the
 *   utility of the nearest level, as mscsim_scale_apply would round them.
 *
 * FAILURE (at set-up, naming the key)
 *   An unbounded or unstepped scale (no levels to weight), a scale of more than
 *   MSCSIM_MAX_UTILITIES levels, or a list whose length is not the number of levels.
 *
 * REFERENCE
 *   Chaisinanunkul N, Adeoye O, Lewis RJ, et al. Adopting a patient-centered approach to
 *   primary outcome analysis of acute stroke trials using a utility-weighted modified
 *   Rankin Scale. Stroke 2015;46(8):2238-2243.
 */
#include <math.h>

#include "internal.h"
#include "trial_impl.h"

int sim_utility_prepare(mscsim_design *d, mscsim_error *err)
{
    const mscsim_scale *sc = &d->scale;
    const mscsim_config *cfg = &d->cfg;
    if (!mscsim_scale_bounded(sc) || !(sc->step > 0)) {
        sim_error_set(err, MSCSIM_ECONFIG,
                      "utility weights the levels of a stepped clinical scale (mRS, Barthel, "
                      "...), and scale '%s' has none: set [outcome] scale",
                      sc->name ? sc->name : "none");
        return mscsim_config_error_at(cfg, "analysis", "endpoint", err);
    }
    double levels = floor((sc->max - sc->min) / sc->step + 0.5) + 1;
    if (levels > MSCSIM_MAX_UTILITIES) {
        sim_error_set(err, MSCSIM_ECONFIG,
                      "scale '%s' has %.0f levels, more than the %d utilities a list holds",
                      sc->name, levels, MSCSIM_MAX_UTILITIES);
        return mscsim_config_error_at(cfg, "analysis", "endpoint", err);
    }
    if (cfg->utility_count != (int)levels) {
        sim_error_set(err, MSCSIM_ECONFIG,
                      "needs %.0f utilities, one per level of scale '%s' (%g, %g, ..., %g), "
                      "got %d",
                      levels, sc->name, sc->min, sc->min + sc->step, sc->max, cfg->utility_count);
        return mscsim_config_error_at(cfg, "outcome", "utilities", err);
    }
    d->utility_last = (int)levels - 1;
    return MSCSIM_OK;
}

void sim_utility_apply(const mscsim_design *d, double *y, size_t n)
{
    const double lo = d->scale.min, inv_step = 1.0 / d->scale.step;
    const double *u = d->cfg.utilities;
    const int last = d->utility_last;
    for (size_t j = 0; j < n; j++) {
        /* y >= lo on the scale: truncation after + 0.5 rounds to the nearest level. */
        int k = (int)((y[j] - lo) * inv_step + 0.5);
        y[j] = u[k < 0 ? 0 : (k > last ? last : k)];
    }
}
