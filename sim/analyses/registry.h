#ifndef SIM_ANALYSES_REGISTRY_H
#define SIM_ANALYSES_REGISTRY_H
/*
 * The list of analyses, one row each, in the order of mscsim_analysis_list (--help, `keys`
 * and the README follow it). Row X(name) stands for the mscsim_analysis_type
 * sim_analysis_<name> that sim/analyses/<file>.c defines; adding an analysis is that file
 * plus one row here. registry.c builds the table from this list; the declarations below
 * are generated from it, for the analysis files and the tests.
 */

#include "mscsim/analysis.h"

#define SIM_ANALYSES(X)                                                                     \
    X(student)                                                                              \
    X(welch)                                                                                \
    X(ancova)                                                                               \
    X(chisq)                                                                                \
    X(fisher)                                                                               \
    X(rd_z)                                                                                 \
    X(po)                                                                                   \
    X(po_lr)                                                                                \
    X(wilcoxon)                                                                             \
    X(worst_rank)                                                                           \
    X(mmrm)                                                                                 \
    X(clda)

#define SIM_ANALYSIS_DECLARE(name) extern const mscsim_analysis_type sim_analysis_##name;
SIM_ANALYSES(SIM_ANALYSIS_DECLARE)
#undef SIM_ANALYSIS_DECLARE

#endif
