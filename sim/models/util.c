/* Checks the model files share (model_util.h). */
#include <math.h>

#include "internal.h"
#include "model_util.h"

int sim_model_check_range(const mscsim_config *cfg, const char *section, const char *key,
                          double value, double lo, double hi, mscsim_error *err)
{
    if (isfinite(value) && value >= lo && value <= hi)
        return MSCSIM_OK;
    sim_error_set(err, MSCSIM_ERANGE, "must be a finite number in [%g, %g] (got %g)", lo, hi,
                  value);
    return mscsim_config_error_at(cfg, section, key, err);
}

int sim_model_bounded_scale(const mscsim_config *cfg, const mscsim_model_type *model,
                            const char *why, mscsim_scale *scale, mscsim_error *err)
{
    int status = mscsim_scale_from_config(cfg, scale, err);
    if (status)
        return status;
    if (mscsim_scale_bounded(scale) && isfinite(scale->min) && isfinite(scale->max))
        return MSCSIM_OK;
    sim_error_set(err, MSCSIM_ECONFIG,
                  "the %s model needs a bounded scale (fma_ue, fma_le, fma_motor, barthel, "
                  "nihss or custom): %s",
                  model->name, why);
    return mscsim_config_error_at(cfg, "outcome", "scale", err);
}
