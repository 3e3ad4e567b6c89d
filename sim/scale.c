/* The clinical scale table (configs/EVIDENCE.md section 2) and the custom scale. */
#include "mscsim/scale.h"

#include <math.h>
#include <string.h>

#include "internal.h"

static const mscsim_scale scales[] = {
    {MSCSIM_SCALE_FMA_UE, "fma_ue", 0, 66, 1, 1, "Fugl-Meyer upper extremity"},
    {MSCSIM_SCALE_FMA_LE, "fma_le", 0, 34, 1, 1, "Fugl-Meyer lower extremity"},
    {MSCSIM_SCALE_FMA_MOTOR, "fma_motor", 0, 100, 1, 1, "Fugl-Meyer motor"},
    {MSCSIM_SCALE_BARTHEL, "barthel", 0, 100, 5, 1, "Barthel Index"},
    {MSCSIM_SCALE_NIHSS, "nihss", 0, 42, 1, 0, "NIHSS"},
    {MSCSIM_SCALE_MRS, "mrs", 0, 6, 1, 0, "modified Rankin Scale"},
};

/* Labels of the two scales outside the table. */
static const char none_label[] = "score", custom_label[] = "custom scale";

SIM_API const mscsim_scale *mscsim_scale_find(mscsim_scale_id id)
{
    for (size_t i = 0; i < SIM_ARRAY_LEN(scales); i++)
        if (scales[i].id == id)
            return &scales[i];
    return NULL;
}

SIM_API const char *mscsim_scale_label(const char *name)
{
    for (size_t i = 0; i < SIM_ARRAY_LEN(scales); i++)
        if (strcmp(scales[i].name, name) == 0)
            return scales[i].label;
    if (strcmp(name, "none") == 0)
        return none_label;
    return strcmp(name, "custom") == 0 ? custom_label : NULL;
}

SIM_API int mscsim_scale_from_config(const mscsim_config *cfg, mscsim_scale *out,
                                        mscsim_error *err)
{
    if (cfg->scale == MSCSIM_SCALE_NONE) {
        *out = (mscsim_scale){MSCSIM_SCALE_NONE, "none", -HUGE_VAL, HUGE_VAL, 0, 1, none_label};
        return MSCSIM_OK;
    }
    if (cfg->scale == MSCSIM_SCALE_CUSTOM) {
        if (!(cfg->scale_min < cfg->scale_max)) {
            sim_error_set(err, MSCSIM_ECONFIG, "custom scale needs min < max (got %g and %g)",
                             cfg->scale_min, cfg->scale_max);
            return mscsim_config_error_at(cfg, "outcome", "max", err);
        }
        if (cfg->scale_step > 0) {
            double points = (cfg->scale_max - cfg->scale_min) / cfg->scale_step;
            if (fabs(points - round(points)) > 1e-9 * fmax(1.0, points)) {
                sim_error_set(err, MSCSIM_ECONFIG,
                                 "custom scale: max - min must be a whole number of steps");
                return mscsim_config_error_at(cfg, "outcome", "step", err);
            }
        }
        *out = (mscsim_scale){MSCSIM_SCALE_CUSTOM, "custom", cfg->scale_min, cfg->scale_max,
                              cfg->scale_step, cfg->higher_is_better, custom_label};
        return MSCSIM_OK;
    }
    const mscsim_scale *s = mscsim_scale_find(cfg->scale);
    if (!s)
        return sim_error_set(err, MSCSIM_EINVAL, "internal: unknown scale %d", (int)cfg->scale);
    *out = *s;
    return MSCSIM_OK;
}
