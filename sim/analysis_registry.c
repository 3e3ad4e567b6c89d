/*
 * The analysis registry: a NULL-terminated table of every mscsim_analysis_type. Adding an
 * analysis is one sim/analysis_<name>.c file plus one row here (and one extern line in
 * analysis_impl.h).
 */

#include <string.h>

#include "analysis_impl.h"
#include "internal.h"

static const mscsim_analysis_type *const registry[] = {
    &mscsim_analysis_student,
    &mscsim_analysis_welch,
    &mscsim_analysis_ancova,
    &mscsim_analysis_chisq,
    &mscsim_analysis_fisher,
    &mscsim_analysis_rd_z,
    &mscsim_analysis_po,
    &mscsim_analysis_po_lr,
    &mscsim_analysis_wilcoxon,
    &mscsim_analysis_worst_rank,
    NULL,
};

MSCSIM_API const mscsim_analysis_type *mscsim_analysis_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; registry[i]; i++)
        if (strcmp(registry[i]->name, name) == 0)
            return registry[i];
    return NULL;
}

MSCSIM_API const mscsim_analysis_type *const *mscsim_analysis_list(void)
{
    return registry;
}
