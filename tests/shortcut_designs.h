#ifndef MSCSIM_TEST_SHORTCUT_DESIGNS_H
#define MSCSIM_TEST_SHORTCUT_DESIGNS_H
/*
 * The designs both table-path tests (test_shortcut.c, test_shortcut_nested.c) compare on:
 * the minimal config with model (ordinal, binary or normal), the analyses tests, 10 / 15 %
 * MCAR dropout and seed 2024; null = 1 for no effect.
 */
#include <string.h>

#include "config_util.h"

static const char *const SHORTCUT_ORDINAL_PROBS =
    "control.probs=0.029029029029029, 0.078078078078078, 0.118118118118118, "
    "0.167167167167167, 0.382382382382382, 0.196196196196196, 0.029029029029029";

static inline void shortcut_design(mscsim_config *cfg, const char *model, const char *tests,
                                   int null)
{
    load_base(cfg);
    set(cfg, "model.type=%s", model);
    set(cfg, "analysis.tests=%s", tests);
    set(cfg, "control.dropout=0.1");
    set(cfg, "msc.dropout=0.15");
    set(cfg, "simulation.seed=2024");
    if (strcmp(model, "ordinal") == 0) {
        set(cfg, "%s", SHORTCUT_ORDINAL_PROBS);
        set(cfg, "msc.odds_ratio=%s", null ? "1" : "1.6");
    } else if (strcmp(model, "binary") == 0) {
        set(cfg, "control.p=0.3");
        set(cfg, "msc.p=%s", null ? "0.3" : "0.45");
    } else {
        set(cfg, "control.mean=0");
        set(cfg, "msc.mean=%s", null ? "0" : "0.4");
        set(cfg, "control.sd=1");
        set(cfg, "msc.sd=1.3");
    }
}

#endif
