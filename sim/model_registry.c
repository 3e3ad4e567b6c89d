/* The models mscsim knows: adding one is its file plus one row here. */
#include <string.h>

#include "internal.h"
#include "mscsim/model.h"

extern const mscsim_model_type mscsim_model_normal;
extern const mscsim_model_type mscsim_model_binary;
extern const mscsim_model_type mscsim_model_proportional;
extern const mscsim_model_type mscsim_model_random_recovery;
extern const mscsim_model_type mscsim_model_trajectory;
extern const mscsim_model_type mscsim_model_ordinal;

static const mscsim_model_type *const models[] = {
    &mscsim_model_normal,
    &mscsim_model_binary,
    &mscsim_model_proportional,
    &mscsim_model_random_recovery,
    &mscsim_model_trajectory,
    &mscsim_model_ordinal,
    NULL,
};

MSCSIM_API const mscsim_model_type *mscsim_model_find(const char *name)
{
    for (size_t i = 0; models[i]; i++)
        if (strcmp(models[i]->name, name) == 0)
            return models[i];
    return NULL;
}

MSCSIM_API const mscsim_model_type *const *mscsim_model_list(void)
{
    return models;
}
