/* check: validate a config and print the resolved design, defaults included. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mscsim/analytic.h"
#include "mscsim/engine.h"
#include "mscsim/interim.h"
#include "mscsim/model.h"
#include "mscsim/prior.h"

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
        /* A Bayesian rule's z is NaN where it depends on the data; it spends no alpha. */
        if (isnan(b.efficacy_z[k]))
            printf("\n#   look %d at %.4g: efficacy z data-dependent", k + 1, b.t[k]);
        else
            printf("\n#   look %d at %.4g: efficacy z %.4f (nominal p %.3g)", k + 1, b.t[k],
                   b.efficacy_z[k], 0.5 * erfc(b.efficacy_z[k] / sqrt(2.0)));
        if (!isnan(b.cumulative_alpha[k]))
            printf(", cumulative alpha %.4g", b.cumulative_alpha[k]);
        if (cfg->futility.kind != MSCSIM_RULE_NONE && k + 1 < b.looks)
            printf(isnan(b.futility_z[k]) ? ", futility z data-dependent" : ", futility z %.4f",
                   b.futility_z[k]);
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

/* The [prior] lines: what each replaces, and how every trial gets analysis k's truth. */
static void print_prior(const mscsim_config *cfg, const mscsim_design *design, int k,
                        const char *analysis)
{
    if (k == 0)
        for (int i = 0; i < cfg->prior_count; i++) {
            const mscsim_prior_key *p = &cfg->prior[i];
            char spec[256], fixed[64], section[64];
            const char *dot = strchr(p->name, '.');
            snprintf(section, sizeof section, "%.*s", (int)(dot - p->name), p->name);
            mscsim_config_format(cfg, section, dot + 1, fixed, sizeof fixed);
            printf("\n# Design prior: %s = %s replaces its value %s in every simulated trial "
                   "(the design is compiled at the prior's median, %.6g)",
                   p->name, mscsim_distspec_format(&p->dist, spec, sizeof spec), fixed,
                   mscsim_distspec_quantile(&p->dist, 0.5));
        }
    double lo = 0, hi = 0, error = 0, mcse = 0;
    switch (mscsim_design_prior_truth(design, k, &lo, &hi, &error, &mcse)) {
    case MSCSIM_PRIOR_TRUTH_EXACT:
        printf("\n# True effect for %s: each trial's own, exact (closed form at its drawn "
               "values)", analysis);
        break;
    case MSCSIM_PRIOR_TRUTH_GRID:
        printf("\n# True effect for %s: each trial's own, interpolated (monotone cubic) in 9 truths "
               "simulated over %s from %.6g to %.6g (leave-one-out interpolation error at most "
               "%.2g, an overestimate; Monte Carlo SE of a node at most %.2g)",
               analysis, cfg->prior[0].name, lo, hi, error, mcse);
        break;
    default:
        printf("\n# True effect for %s: none (NA): no closed form, and a grid of simulated "
               "truths needs a single prior key; bias, coverage and the benefit columns are NA",
               analysis);
        break;
    }
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
    mscsim_engine *eng = NULL;
    mscsim_design *design = NULL;
    if (mscsim_design_new(&cfg, &design, &err) ||
        mscsim_engine_new_with_design(design, 0, &eng, &err)) {
        mscsim_design_free(design);
        cli_print_error(&err);
        return err.code == MSCSIM_ENOMEM ? CLI_EXIT_RUN_FAILED : CLI_EXIT_BAD_INPUT;
    }
    int analyses = mscsim_engine_analysis_count(eng);
    mscsim_cell_summary s[MSCSIM_MAX_ANALYSES];
    for (int k = 0; k < analyses; k++)
        mscsim_engine_summary(eng, 0, k, &s[k]);
    mscsim_engine_free(eng);
    if (mscsim_config_write(&cfg, stdout, &err)) {
        mscsim_design_free(design);
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
        if (cfg.prior_count) {
            print_prior(&cfg, design, k, s[k].analysis);
        } else {
            printf("\n# True effect for %s (positive = msc better): %.6g", s[k].analysis,
                   s[k].true_effect);
            if (s[k].true_effect_mcse > 0)
                printf(", estimated by simulation (Monte Carlo SE %.2g)", s[k].true_effect_mcse);
            else
                printf(" (exact)");
        }
        mscsim_analytic_design analytic;
        char why[256];
        if (mscsim_analytic_design_from_config(&cfg, k, &analytic, why, sizeof why)) {
            printf("\n# Analytic power for %s%s:", s[k].analysis,
                   cfg.look_count ? " (fixed design)" : "");
            for (int i = 0; i < cfg.n_count; i++) {
                long sizes[MSCSIM_ARM_COUNT];
                mscsim_config_arm_sizes(&cfg, cfg.n[i], sizes);
                char formula[160];
                mscsim_analytic_design_describe(&analytic, sizes[0], sizes[1], formula,
                                                sizeof formula);
                printf("%s n = %ld: %.4f (%s)", i ? "," : "", cfg.n[i],
                       mscsim_analytic_design_power(&analytic, sizes[0], sizes[1]), formula);
            }
            /* NaN with a Bayesian rule whose bounds depend on the data. */
            if (cfg.look_count && !isnan(mscsim_analytic_power(&cfg, k, cfg.n[0]))) {
                printf("\n# Analytic power for %s with looks:", s[k].analysis);
                for (int i = 0; i < cfg.n_count; i++)
                    printf("%s n = %ld: %.4f", i ? "," : "", cfg.n[i],
                           mscsim_analytic_power(&cfg, k, cfg.n[i]));
            }
        } else {
            printf("\n# Analytic power for %s: none (%s)", s[k].analysis, why);
        }
    }
    char path[256];
    mscsim_design_shortcut(design, 0, path, sizeof path);
    printf("\n# Simulation: %s", path);
    if (mscsim_design_shortcut(design, 1, path, sizeof path) != MSCSIM_PATH_PATIENTS)
        printf("\n# Simulation in samplesize's and mde's search: %s", path);
    char derived[512];
    if (mscsim_model_describe(&cfg, derived, sizeof derived, &err) == MSCSIM_OK && derived[0])
        printf("\n# Model: %s", derived);
    if (cfg.sweep_count)
        printf("\n# Sweep: %zu grid points, each crossed with the n list", mscsim_sweep_points(&cfg));
    mscsim_design_free(design);
    printf("\n# Config is valid.\n");
    return 0;
}
