/*
 * [prior] and [decision] in the config: each [prior] line gives one number key a design
 * prior, a distribution every simulated trial draws the key's value from (sim/trial/prior.c).
 * Only keys the trial can redraw cheaply qualify: numbers of [control], [msc] and [model],
 * which the model's preparation reads, and not the dropout rate where MAR or MNAR dropout
 * is calibrated to it. The prior's support must lie inside the key's range: draws are never
 * truncated or rejected (write truncnormal or beta for a bounded key).
 */
#include <math.h>
#include <string.h>

#include "../config/config_impl.h"
#include "decision.h"
#include "tolerance.h"
#include "internal.h"

int sim_prior_apply(mscsim_config *cfg, const char *name, const char *value, const char *file,
                    int line, mscsim_error *err)
{
    char section[64], key[64], why[256];
    size_t index = 0;
    const sim_key *k = sim_key_find_dotted(name, section, key, &index);
    int status = MSCSIM_OK;
    if (!k)
        status = sim_error_set(err, MSCSIM_EUNKNOWN_KEY,
                               "'%s' is not a config key written section.key", name);
    else if (strcmp(section, "simulation") == 0)
        status = sim_error_set(err, MSCSIM_EINVAL, "[simulation] keys cannot take a prior");
    else if (k->type != SIM_KEY_DOUBLE)
        status = sim_error_set(err, MSCSIM_EINVAL, "%s takes %s, so it cannot take a prior "
                               "(only single numbers can)", name,
                               k->type == SIM_KEY_LONG_LIST || k->type == SIM_KEY_DOUBLE_LIST ||
                                       k->type == SIM_KEY_SUBGROUPS ||
                                       k->type == SIM_KEY_ANALYSIS_LIST ||
                                       k->type == SIM_KEY_ENUM_LIST
                                   ? "a list"
                                   : "no real number");
    else if (strcmp(section, "control") != 0 && strcmp(section, "msc") != 0 &&
             strcmp(section, "model") != 0)
        status = sim_error_set(err, MSCSIM_EINVAL,
                               "only [control], [msc] and [model] numbers can take a prior "
                               "(a trial redraws them cheaply); [%s] keys are fixed when the "
                               "design is compiled", section);
    for (int i = 0; !status && i < cfg->prior_count; i++)
        if (strcmp(cfg->prior[i].name, name) == 0)
            status = sim_error_set(err, MSCSIM_ESYNTAX, "given a prior twice");
    if (!status && cfg->prior_count == MSCSIM_MAX_PRIOR_KEYS)
        status = sim_error_set(err, MSCSIM_EINVAL, "at most %d keys can take a prior",
                               MSCSIM_MAX_PRIOR_KEYS);
    mscsim_prior_key p;
    memset(&p, 0, sizeof p);
    if (!status && mscsim_distspec_parse(value, &p.dist, why, sizeof why))
        status = sim_error_set(err, MSCSIM_ESYNTAX, "%s", why);
    if (!status)
        switch (p.dist.kind) {
        case MSCSIM_DIST_NORMAL:
        case MSCSIM_DIST_UNIFORM:
        case MSCSIM_DIST_TRUNCNORMAL:
        case MSCSIM_DIST_LOGNORMAL:
        case MSCSIM_DIST_BETA:
        case MSCSIM_DIST_GAMMA:
            break;
        default:
            status = sim_error_set(err, MSCSIM_EINVAL,
                                   "a design prior is normal, uniform, truncnormal, lognormal, "
                                   "beta or gamma (a fixed value is the key itself)");
        }
    if (status) {
        sim_error_locate(err, file, line, "prior", name);
        return status;
    }
    snprintf(p.name, sizeof p.name, "%s", name);
    p.key = (int)index;
    p.line = line;
    cfg->prior[cfg->prior_count++] = p;
    return MSCSIM_OK;
}

size_t sim_prior_key_index(const mscsim_config *cfg, int i)
{
    const mscsim_model_type *model = mscsim_model_find(cfg->model);
    size_t first = (size_t)cfg->prior[i].key, index = first;
    const sim_key *k = sim_key_at(first, NULL);
    for (size_t j = first; model && sim_key_find(k->section, k->key, j, &j); j++)
        if (sim_key_used_by(j, model)) {
            index = j;
            break;
        }
    return index;
}

/* Locates err (its reason set) at prior p's line. */
static int at_prior(const mscsim_config *cfg, const mscsim_prior_key *p, mscsim_error *err)
{
    sim_error_locate(err, p->line < 0 ? "--set" : cfg->path, p->line, "prior", p->name);
    return err->code;
}

/* 1 when x lies in key k's range (x may be an infinite end of a prior's support). */
static int in_range(const sim_key *k, double x)
{
    if (isnan(x))
        return 0;
    /* A bound at the overflow guard is no bound for a prior's support: a normal prior's
     * draws never come near 1e100, its tails only reach it in the limit. */
    if (isinf(x) && (x < 0 ? k->min : k->max) * (x < 0 ? -1 : 1) >= SIM_MAX_MAGNITUDE)
        return 1;
    if ((k->flags & SIM_KEY_MIN_EXCLUSIVE) ? !(x > k->min) : !(x >= k->min))
        return 0;
    return (k->flags & SIM_KEY_MAX_EXCLUSIVE) ? x < k->max : x <= k->max;
}

static int validate_prior(const mscsim_config *cfg, int i, mscsim_error *err)
{
    const mscsim_prior_key *p = &cfg->prior[i];
    const mscsim_model_type *model = mscsim_model_find(cfg->model);
    size_t index = sim_prior_key_index(cfg, i);
    const sim_key *k = sim_key_at(index, NULL);
    if (!sim_key_used_by(index, model)) {
        sim_error_set(err, MSCSIM_ECONFIG, "%s does not apply to model '%s'", p->name,
                      cfg->model);
        return at_prior(cfg, p, err);
    }
    for (int s = 0; s < cfg->sweep_count; s++)
        if (strcmp(cfg->sweep[s].name, p->name) == 0) {
            sim_error_set(err, MSCSIM_ECONFIG, "%s is also swept in [sweep]: a key is either "
                          "swept or drawn from a prior", p->name);
            return at_prior(cfg, p, err);
        }
    int is_dropout = strcmp(k->key, "dropout") == 0 && strcmp(k->section, "model") != 0;
    if (cfg->dropout_mechanism != MSCSIM_DROPOUT_MCAR && is_dropout) {
        sim_error_set(err, MSCSIM_ECONFIG, "%s cannot take a prior with %s dropout: its "
                      "calibration (10^5 patients per arm) would be needed for every trial",
                      p->name, cfg->dropout_mechanism == MSCSIM_DROPOUT_MAR ? "mar" : "mnar");
        return at_prior(cfg, p, err);
    }
    if (cfg->dropout_mechanism == MSCSIM_DROPOUT_MNAR ||
        (cfg->dropout_mechanism == MSCSIM_DROPOUT_MAR && cfg->mar_on == MSCSIM_MAR_ON_PREVIOUS_VISIT)) {
        sim_error_set(err, MSCSIM_ECONFIG, "a design prior needs dropout that does not depend "
                      "on the simulated scores (mcar, or mar on the baseline): the dropout "
                      "calibration would change with every trial's values");
        return at_prior(cfg, p, err);
    }
    double lo = mscsim_distspec_quantile(&p->dist, 0.0), hi = mscsim_distspec_quantile(&p->dist, 1.0);
    if (!in_range(k, lo) || !in_range(k, hi)) {
        char range[64], spec[128];
        sim_config_describe_range(k, range, sizeof range);
        mscsim_distspec_format(&p->dist, spec, sizeof spec);
        sim_error_set(err, MSCSIM_ECONFIG, "%s reaches %g, outside the key's range %s (draws are "
                      "never truncated or rejected: write truncnormal or beta to bound it)",
                      spec, in_range(k, lo) ? hi : lo, range);
        return at_prior(cfg, p, err);
    }
    return MSCSIM_OK;
}

/* Sets err's reason and locates it at [decision] key. */
static int decision_error(const mscsim_config *cfg, const char *key, mscsim_error *err,
                          const char *why)
{
    sim_error_set(err, MSCSIM_ECONFIG, "%s", why);
    return mscsim_config_error_at(cfg, "decision", key, err);
}

static int validate_decision(const mscsim_config *cfg, mscsim_error *err)
{
    /* The [decision] prior also serves the Bayesian rules at interim looks. */
    if (cfg->decision_rule != MSCSIM_DECISION_POSTERIOR && !sim_bayes_looks(cfg))
        return MSCSIM_OK;
    const mscsim_dist_spec *prior = &cfg->decision_prior;
    if (prior->kind != MSCSIM_DIST_FLAT && prior->kind != MSCSIM_DIST_NORMAL &&
        prior->kind != MSCSIM_DIST_BETA)
        return decision_error(cfg, "prior", err, "the analysis prior is flat, normal(mean, sd) "
                              "or beta(a, b)");
    if ((isfinite(cfg->decision_mcid) && cfg->decision_mcid < cfg->decision_threshold) ||
        cfg->decision_mcid == (double)INFINITY)
        return decision_error(cfg, "mcid", err, "mcid must be at least threshold (the second "
                              "criterion asks for more than the first)");
    if (prior->kind != MSCSIM_DIST_BETA)
        return MSCSIM_OK;
    const mscsim_model_type *model = mscsim_model_find(cfg->model);
    int binary = model->outcome == MSCSIM_OUTCOME_BINARY ||
                 mscsim_config_endpoint(cfg) == MSCSIM_ENDPOINT_RESPONDER;
    const char *names[MSCSIM_MAX_ANALYSES];
    int count = mscsim_config_analyses(cfg, names);
    for (int k = 0; k < count; k++)
        if (mscsim_analysis_find(names[k])->estimand != MSCSIM_ESTIMAND_MEAN_DIFFERENCE)
            binary = 0;
    if (!binary)
        return decision_error(cfg, "prior", err, "a beta prior is on each arm's event "
                              "probability: it needs a binary endpoint and analyses that "
                              "estimate the risk difference");
    if (cfg->missing == MSCSIM_MISSING_MI)
        return decision_error(cfg, "prior", err, "a beta prior needs the observed event counts, "
                              "which multiple imputation does not give: use a normal prior");
    if (!(fabs(cfg->decision_threshold) < 1) ||
        (isfinite(cfg->decision_mcid) && !(fabs(cfg->decision_mcid) < 1)))
        return decision_error(cfg, fabs(cfg->decision_threshold) < 1 ? "mcid" : "threshold", err,
                              "a risk difference threshold lies in (-1, 1)");
    return MSCSIM_OK;
}

int sim_prior_validate(const mscsim_config *cfg, mscsim_error *err)
{
    for (int i = 0; i < cfg->prior_count; i++) {
        int status = validate_prior(cfg, i, err);
        if (status)
            return status;
    }
    int status = validate_decision(cfg, err);
    return status ? status : sim_bayes_looks_validate(cfg, err);
}

void sim_prior_write(const mscsim_config *cfg, FILE *out)
{
    if (cfg->prior_count)
        fprintf(out, "\n[prior]\n");
    for (int i = 0; i < cfg->prior_count; i++) {
        char spec[4096];
        fprintf(out, "%s = %s\n", cfg->prior[i].name,
                mscsim_distspec_format(&cfg->prior[i].dist, spec, sizeof spec));
    }
}
