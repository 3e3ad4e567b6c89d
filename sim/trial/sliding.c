/*
 * The sliding dichotomy ([analysis] sliding; Murray et al. 2005): a responder endpoint
 * whose threshold on the final score depends on the patient's baseline NIHSS band, so that
 * a severe patient who reaches a good outcome for his prognosis counts as a responder, as
 * a mild one must reach a better outcome. E.g. "nihss 6-10: 1, 11-15: 2, 16-21: 3": mRS
 * <= 1 responds in NIHSS 6-10, mRS <= 2 in 11-15, mRS <= 3 in 16-21.
 *
 * DESCRIPTION
 *   At set-up the bands are checked against the eligible NIHSS range, the whole numbers of
 *   [eligibility] nihss_min..nihss_max within the scale's 0..42: every eligible value must
 *   fall in exactly one band (no gap, no overlap; bands outside the range may not overlap
 *   either). They become a table of 43 thresholds, one per whole NIHSS, so the endpoint
 *   costs one lookup per patient. The endpoint is 1 when the oriented final score is at
 *   least the oriented threshold (P <= threshold on the mRS), as a fixed responder on final.
 *   NIHSS is drawn whole (sim/population.c), so a lookup by the value itself is exact.
 *
 * FAILURE (at set-up, naming the key)
 *   No [baseline] nihss to band, a gap or an overlap.
 *
 * REFERENCE
 *   Murray GD, et al. Stroke 2005;36:1024 (configs/EVIDENCE.md section 4).
 */
#include <math.h>

#include "internal.h"
#include "trial_impl.h"

int sim_sliding_prepare(mscsim_design *d, mscsim_error *err)
{
    const mscsim_config *cfg = &d->cfg;
    if (cfg->nihss.kind == MSCSIM_DIST_NONE) {
        sim_error_set(err, MSCSIM_ECONFIG,
                      "bands patients by baseline NIHSS: set a [baseline] nihss distribution");
        return mscsim_config_error_at(cfg, "analysis", "sliding", err);
    }
    double lo = fmax(ceil(cfg->nihss_min), 0), hi = fmin(floor(cfg->nihss_max), SIM_NIHSS_MAX);
    for (int v = 0; v <= SIM_NIHSS_MAX; v++) {
        int owner = -1;
        for (int b = 0; b < cfg->sliding_count; b++) {
            const mscsim_sliding_band *band = &cfg->sliding[b];
            if (v < band->lo || v > band->hi)
                continue;
            if (owner >= 0) {
                sim_error_set(err, MSCSIM_ECONFIG,
                              "bands %g-%g and %g-%g overlap at NIHSS %d",
                              cfg->sliding[owner].lo, cfg->sliding[owner].hi, band->lo,
                              band->hi, v);
                return mscsim_config_error_at(cfg, "analysis", "sliding", err);
            }
            owner = b;
        }
        if (owner < 0 && v >= lo && v <= hi) {
            sim_error_set(err, MSCSIM_ECONFIG,
                          "leaves NIHSS %d without a threshold: the bands must cover the "
                          "eligible NIHSS %g-%g ([eligibility] nihss_min, nihss_max)",
                          v, lo, hi);
            return mscsim_config_error_at(cfg, "analysis", "sliding", err);
        }
        d->sliding_threshold[v] = owner >= 0 ? d->orientation * cfg->sliding[owner].threshold
                                             : (double)NAN;
    }
    return MSCSIM_OK;
}

void sim_sliding_apply(const mscsim_design *d, const sim_arm_buffers *b, size_t kept,
                       int all_kept)
{
    size_t V = (size_t)d->visit_count, p = (size_t)d->primary, j = 0;
    double o = d->orientation, *y = b->y;
    for (size_t i = 0; i < b->n && j < kept; i++) {
        if (!all_kept && !b->observed[i * V + p])
            continue;
        double v = b->nihss[i];
        int k = v < 0 ? 0 : (v > SIM_NIHSS_MAX ? SIM_NIHSS_MAX : (int)v);
        y[j] = o * y[j] >= d->sliding_threshold[k];
        j++;
    }
}
