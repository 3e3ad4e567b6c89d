/*
 * The analytic design of a config: the rules every design shares, then the model's hook
 * (the outcome, from its prepared parameters) and the analysis' hook (the method), looked
 * up through their types, never by name (sim/analytic_impl.h). Which designs exist:
 * mscsim_analytic_design_from_config in include/mscsim/analytic.h; the formulas:
 * analytic.c.
 */

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytic_impl.h"
#include "internal.h"
#include "mscsim/analysis.h"
#include "mscsim/analytic.h"
#include "mscsim/interim.h"
#include "mscsim/model.h"

int sim_analytic_none(char *why, size_t why_len, const char *fmt, ...)
{
    if (why && why_len > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, why_len, fmt, ap);
        va_end(ap);
    }
    return 0;
}

sim_analytic_status sim_analytic_normal_endpoint(const mscsim_analytic_outcome *o,
                                                 mscsim_analytic_design *d, char *why,
                                                 size_t why_len)
{
    if (o->kind != SIM_ANALYTIC_NORMAL)
        return SIM_ANALYTIC_NO_FORMULA;
    if (o->not_normal)
        return sim_analytic_none(why, why_len, "%s", o->not_normal);
    /* final = baseline + change: var = sd_b^2 + 2 cov(baseline, change) + sd^2. */
    const double sb = o->baseline_sd, rho = o->rho;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        double s = o->sd[a];
        d->sd[a] = o->final ? sqrt(sb * sb + 2.0 * rho * s * sb + s * s) : s;
    }
    return SIM_ANALYTIC_FOUND;
}

/* cfg's model outcome into *o, from the model's own prepared parameters; 0 with why when
 * there is none. */
static int model_outcome(const mscsim_config *cfg, mscsim_analytic_outcome *o, char *why,
                         size_t why_len)
{
    const mscsim_model_type *model = mscsim_model_find(cfg->model);
    if (!model || !model->analytic)
        return sim_analytic_none(why, why_len, "model '%s' has no closed-form power",
                                 cfg->model);
    /* The model's own parameter block, on the heap (never a cast stack buffer). */
    void *params = calloc(1, model->params_size);
    if (!params)
        return sim_analytic_none(why, why_len, "out of memory for the model's parameters");
    mscsim_error err;
    memset(&err, 0, sizeof err);
    memset(o, 0, sizeof *o);
    int ok = model->prepare(cfg, params, &err) == MSCSIM_OK
                 ? model->analytic(params, cfg, o, why, why_len)
                 : sim_analytic_none(why, why_len, "%s", err.msg);
    free(params);
    return ok;
}

/* The design of the analysis called name for outcome o into *d (alpha, sides and dropout
 * already set); 0 with why when there is none. */
static int analysis_design(const mscsim_config *cfg, const char *name,
                           const mscsim_analytic_outcome *o, mscsim_analytic_design *d,
                           char *why, size_t why_len)
{
    const mscsim_analysis_type *type = mscsim_analysis_find(name);
    if (o->kind == SIM_ANALYTIC_NORMAL)
        d->delta = o->mean[MSCSIM_ARM_MSC] - o->mean[MSCSIM_ARM_CONTROL];
    if (o->kind == SIM_ANALYTIC_BINARY)
        memcpy(d->p, o->p, sizeof d->p);
    sim_analytic_status found = type && type->analytic
                                    ? type->analytic->design(o, cfg, d, why, why_len)
                                    : SIM_ANALYTIC_NO_FORMULA;
    if (found == SIM_ANALYTIC_NO_FORMULA)
        return sim_analytic_none(why, why_len, "analysis '%s' of %s has no closed form", name,
                                 o->noun);
    return found == SIM_ANALYTIC_FOUND;
}

SIM_API int mscsim_analytic_design_from_config(const mscsim_config *cfg, int analysis,
                                                  mscsim_analytic_design *out, char *why,
                                                  size_t why_len)
{
    const char *names[MSCSIM_MAX_ANALYSES];
    if (!cfg || !out)
        return sim_analytic_none(why, why_len, "no config");
    int count = mscsim_config_analyses(cfg, names);
    if (analysis < 0 || analysis >= count)
        return sim_analytic_none(why, why_len, "there is no analysis number %d", analysis);
    if (cfg->prior_count > 0)
        return sim_analytic_none(why, why_len, "a design prior draws the parameters of "
                                 "every trial (the simulated power is the assurance)");
    if (cfg->decision_rule == MSCSIM_DECISION_POSTERIOR)
        return sim_analytic_none(why, why_len, "the decision rule is posterior, not the test");
    if (cfg->randomisation.method != MSCSIM_RANDOMISE_FIXED)
        return sim_analytic_none(why, why_len, "the formulas assume fixed arm sizes, which "
                                 "[trial] randomisation makes vary");
    if (cfg->arm[MSCSIM_ARM_MSC].effect_slope != 0.0)
        return sim_analytic_none(why, why_len,
                                 "[msc] effect_slope makes the effect vary between patients");
    if (cfg->arm[0].mortality > 0.0 || cfg->arm[1].mortality > 0.0)
        return sim_analytic_none(why, why_len, "deaths change the endpoint's distribution");
    int dropout = cfg->arm[0].dropout > 0.0 || cfg->arm[1].dropout > 0.0;
    if (dropout && cfg->dropout_mechanism != MSCSIM_DROPOUT_MCAR)
        return sim_analytic_none(why, why_len,
                                 "dropout that depends on the patient (mar, mnar)");
    /* Multiple imputation pools every trial by Rubin's rules, on Barnard-Rubin df, even
     * when nothing is missing. */
    if (cfg->missing == MSCSIM_MISSING_MI)
        return sim_analytic_none(why, why_len,
                                 "multiple imputation pools with Barnard-Rubin df");
    if (dropout && cfg->missing != MSCSIM_MISSING_COMPLETE_CASE)
        return sim_analytic_none(why, why_len, "missing outcomes are filled in, not left out");

    mscsim_analytic_design d;
    memset(&d, 0, sizeof d);
    d.alpha = cfg->alpha;
    d.sides = cfg->sides;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
        d.dropout[a] = cfg->arm[a].dropout;
    mscsim_analytic_outcome o;
    if (!model_outcome(cfg, &o, why, why_len) ||
        !analysis_design(cfg, names[analysis], &o, &d, why, why_len))
        return 0;
    *out = d;
    return 1;
}

SIM_API double mscsim_analytic_power(const mscsim_config *cfg, int analysis, long n_total)
{
    mscsim_analytic_design d;
    if (cfg->look_count > 0)
        return mscsim_interim_analytic_power(cfg, analysis, n_total);
    if (n_total < 0 || !mscsim_analytic_design_from_config(cfg, analysis, &d, NULL, 0))
        return NAN;
    long sizes[MSCSIM_ARM_COUNT];
    mscsim_config_arm_sizes(cfg, n_total, sizes);
    return mscsim_analytic_design_power(&d, sizes[MSCSIM_ARM_CONTROL], sizes[MSCSIM_ARM_MSC]);
}

SIM_API int mscsim_analytic_sample_size(const mscsim_config *cfg, int analysis, double target,
                                           long max_n, long *n_total, mscsim_error *err)
{
    mscsim_analytic_design d;
    char why[256];
    if (!mscsim_analytic_design_from_config(cfg, analysis, &d, why, sizeof why))
        return sim_error_set(err, MSCSIM_EINVAL, "no analytic power: %s", why);
    long block[MSCSIM_ARM_COUNT];
    mscsim_config_block(cfg, block); /* The blocks the simulation search uses. */
    int status = mscsim_analytic_design_sample_size(&d, (int)block[MSCSIM_ARM_CONTROL],
                                                    (int)block[MSCSIM_ARM_MSC], target, max_n,
                                                    n_total, err);
    if (status || cfg->look_count == 0)
        return status;
    /* With looks: the fixed design's n times the design's inflation factor (rpact's maximum
     * sample size), in whole blocks. */
    double f = mscsim_interim_inflation_factor(cfg, target);
    if (isnan(f))
        return sim_error_set(err, MSCSIM_EINVAL, "no analytic power: the looks' bounds cannot "
                                                 "reach power %g", target);
    double size = (double)(block[MSCSIM_ARM_CONTROL] + block[MSCSIM_ARM_MSC]);
    double n = ceil((double)*n_total * f / size - 1e-9) * size;
    if (n > (double)max_n)
        return sim_error_set(err, MSCSIM_ERANGE, "no n up to %ld reaches power %g with the looks",
                             max_n, target);
    *n_total = (long)n;
    return MSCSIM_OK;
}
