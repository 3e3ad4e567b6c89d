/*
 * The analysis registry: the table of every mscsim_analysis_type, built from the list in
 * registry.h, and its look-ups.
 */

#include <string.h>

#include "internal.h"
#include "registry.h"

#define SIM_ANALYSIS_ROW(name) &sim_analysis_##name,
static const mscsim_analysis_type *const registry[] = {SIM_ANALYSES(SIM_ANALYSIS_ROW) NULL};

SIM_API const mscsim_analysis_type *mscsim_analysis_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; registry[i]; i++)
        if (strcmp(registry[i]->name, name) == 0)
            return registry[i];
    return NULL;
}

SIM_API const mscsim_analysis_type *const *mscsim_analysis_list(void)
{
    return registry;
}
