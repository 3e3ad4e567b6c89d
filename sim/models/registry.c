/* The models mscsim knows: adding one is its file plus one row here. */
#include <string.h>

#include "internal.h"
#include "mscsim/model.h"

extern const mscsim_model_type sim_model_normal;
extern const mscsim_model_type sim_model_binary;
extern const mscsim_model_type sim_model_proportional;
extern const mscsim_model_type sim_model_random_recovery;
extern const mscsim_model_type sim_model_trajectory;
extern const mscsim_model_type sim_model_ordinal;

static const mscsim_model_type *const models[] = {
    &sim_model_normal,
    &sim_model_binary,
    &sim_model_proportional,
    &sim_model_random_recovery,
    &sim_model_trajectory,
    &sim_model_ordinal,
    NULL,
};

SIM_API const mscsim_model_type *mscsim_model_find(const char *name)
{
    for (size_t i = 0; models[i]; i++)
        if (strcmp(models[i]->name, name) == 0)
            return models[i];
    return NULL;
}

SIM_API const mscsim_model_type *const *mscsim_model_list(void)
{
    return models;
}
