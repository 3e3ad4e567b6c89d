/*
 * The analysis registry: a NULL-terminated table of every mscsim_analysis_type. Adding an
 * analysis is one sim/analysis_<name>.c file plus one row here (and one extern line in
 * analysis_impl.h).
 */

#include <string.h>

#include "analysis_impl.h"
#include "internal.h"

static const mscsim_analysis_type *const registry[] = {
    &sim_analysis_student,
    &sim_analysis_welch,
    &sim_analysis_ancova,
    &sim_analysis_chisq,
    &sim_analysis_fisher,
    &sim_analysis_rd_z,
    &sim_analysis_po,
    &sim_analysis_po_lr,
    &sim_analysis_wilcoxon,
    &sim_analysis_worst_rank,
    NULL,
};

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
