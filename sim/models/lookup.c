/* Finding models in the registry (sim/models/registry.c). */
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
