/* Finding models in the registry (sim/models/registry.c). */
#include <stdlib.h>
#include <string.h>

#include "config_impl.h"
#include "internal.h"

SIM_API const mscsim_model_type *mscsim_model_find(const char *name)
{
    for (size_t i = 0; sim_models[i]; i++)
        if (strcmp(sim_models[i]->name, name) == 0)
            return sim_models[i];
    return NULL;
}

SIM_API const mscsim_model_type *const *mscsim_model_list(void)
{
    return sim_models;
}

SIM_API int mscsim_model_describe(const mscsim_config *cfg, char *buf, size_t len,
                                  mscsim_error *err)
{
    buf[0] = '\0';
    const mscsim_model_type *model = mscsim_model_find(cfg->model);
    if (!model)
        return sim_error_set(err, MSCSIM_EINVAL, "unknown model '%s'", cfg->model);
    if (!model->describe)
        return MSCSIM_OK;
    /* The model's own parameter block, on the heap (never a cast stack buffer). */
    void *params = calloc(1, model->params_size ? model->params_size : 1);
    if (!params)
        return sim_error_set(err, MSCSIM_ENOMEM, "out of memory");
    int status = model->prepare(cfg, params, err);
    if (!status)
        model->describe(params, cfg, buf, len);
    free(params);
    return status;
}
