/* check: validate a config and print the resolved design, defaults included. */
#include <math.h>
#include <stdio.h>

#include "cli.h"
#include "mscsim/analytic.h"
#include "mscsim/engine.h"
#include "mscsim/interim.h"

/* The boundaries of a design with looks, and each n's calendar of looks. */
static int print_looks(const mscsim_config *cfg, mscsim_error *err)
{
    mscsim_gsd_bounds b;
    if (mscsim_interim_bounds(cfg, &b, err))
        return 1;
    char efficacy[64], futility[64];
    mscsim_config_format(cfg, "interim", "efficacy", efficacy, sizeof efficacy);
    mscsim_config_format(cfg, "interim", "futility", futility, sizeof futility);
    printf("\n# Interim looks: efficacy %s, futility %s%s, %s-sided alpha %g", efficacy,
           futility, cfg->binding ? " (binding)" : "", cfg->sides == 1 ? "one" : "two",
           cfg->alpha);
    for (int k = 0; k < b.looks; k++) {
        printf("\n#   look %d at %.4g: efficacy z %.4f (nominal p %.3g), cumulative alpha %.4g",
               k + 1, b.t[k], b.efficacy_z[k], 0.5 * erfc(b.efficacy_z[k] / sqrt(2.0)),
               b.cumulative_alpha[k]);
        if (cfg->futility.kind != MSCSIM_RULE_NONE && k + 1 < b.looks)
            printf(", futility z %.4f", b.futility_z[k]);
    }
    for (int i = 0; i < cfg->n_count; i++) {
        mscsim_look_plan plan[MSCSIM_MAX_LOOKS];
        mscsim_interim_plan(cfg, cfg->n[i], plan);
        printf("\n#   n = %ld: patients known at each look", cfg->n[i]);
        for (int k = 0; k < b.looks; k++) {
            printf("%s %ld", k ? "," : "", plan[k].analysed_total);
            if (cfg->accrual_per_month > 0)
                printf(" (month %.1f, %ld randomized)", plan[k].month, plan[k].randomized);
        }
    }
    return 0;
}

int cli_cmd_check(const cli_args *args)
{
    mscsim_config cfg;
    int status = cli_load_design(args, &cfg);
    if (status)
        return status;
    /* Building the engine also prepares the model and the population: empirical files,
     * eligibility that can be met, and the true effect. */
    mscsim_error err;
    mscsim_engine *eng;
    if (mscsim_engine_new(&cfg, 0, &eng, &err)) {
        cli_print_error(&err);
        return err.code == MSCSIM_ENOMEM ? CLI_EXIT_RUN_FAILED : CLI_EXIT_BAD_INPUT;
    }
    int analyses = mscsim_engine_analysis_count(eng);
    mscsim_cell_summary s[MSCSIM_MAX_ANALYSES];
    for (int k = 0; k < analyses; k++)
        mscsim_engine_summary(eng, 0, k, &s[k]);
    mscsim_engine_free(eng);
    if (mscsim_config_write(&cfg, stdout, &err)) {
        cli_print_error(&err);
        return CLI_EXIT_RUN_FAILED;
    }
    printf("\n# Arm sizes (control, msc) of each n:");
    for (int i = 0; i < cfg.n_count; i++) {
        long sizes[MSCSIM_ARM_COUNT];
        mscsim_config_arm_sizes(&cfg, cfg.n[i], sizes);
        printf("%s %ld = %ld + %ld", i ? "," : "", cfg.n[i], sizes[0], sizes[1]);
    }
    if (cfg.look_count && print_looks(&cfg, &err)) {
        cli_print_error(&err);
        return CLI_EXIT_BAD_INPUT;
    }
    for (int k = 0; k < analyses; k++) {
        printf("\n# True effect for %s (positive = msc better): %.6g", s[k].analysis,
               s[k].true_effect);
        if (s[k].true_effect_mcse > 0)
            printf(", estimated by simulation (Monte Carlo SE %.2g)", s[k].true_effect_mcse);
        else
            printf(" (exact)");
        mscsim_analytic_design design;
        char why[256];
        if (mscsim_analytic_design_from_config(&cfg, k, &design, why, sizeof why)) {
            printf("\n# Analytic power for %s%s:", s[k].analysis,
                   cfg.look_count ? " (fixed design)" : "");
            for (int i = 0; i < cfg.n_count; i++) {
                long sizes[MSCSIM_ARM_COUNT];
                mscsim_config_arm_sizes(&cfg, cfg.n[i], sizes);
                char formula[160];
                mscsim_analytic_design_describe(&design, sizes[0], sizes[1], formula,
                                                sizeof formula);
                printf("%s n = %ld: %.4f (%s)", i ? "," : "", cfg.n[i],
                       mscsim_analytic_design_power(&design, sizes[0], sizes[1]), formula);
            }
            if (cfg.look_count) {
                printf("\n# Analytic power for %s with looks:", s[k].analysis);
                for (int i = 0; i < cfg.n_count; i++)
                    printf("%s n = %ld: %.4f", i ? "," : "", cfg.n[i],
                           mscsim_analytic_power(&cfg, k, cfg.n[i]));
            }
        } else {
            printf("\n# Analytic power for %s: none (%s)", s[k].analysis, why);
        }
    }
    if (cfg.sweep_count)
        printf("\n# Sweep: %zu grid points, each crossed with the n list", mscsim_sweep_points(&cfg));
    printf("\n# Config is valid.\n");
    return 0;
}
