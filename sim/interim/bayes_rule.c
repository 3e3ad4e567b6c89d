/*
 * Bayesian rules at interim looks: [interim] efficacy or futility = posterior(q) (the
 * posterior probability that the effect exceeds the [decision] threshold, under the
 * [decision] prior) or predictive(q) (the predictive probability that the final analysis
 * succeeds by its rule, sim/decision/predictive.c), and [decision] rule = posterior at the
 * last look. The final analysis' rule is the [decision] rule: the test against the last
 * look's bound (c_K of the spending efficacy bounds, or the fixed test at alpha when
 * efficacy is Bayesian or none) or the posterior criteria.
 *
 * These rules spend no alpha: the type I error of such a design is what a run under the
 * null gives, not a bound of the design.
 */
#include <math.h>

#include "decision/decision.h"
#include "interim/looks.h"
#include "internal.h"
#include "mathlib.h"
#include "mscsim/posterior.h"

static int is_bayes(mscsim_rule_kind kind)
{
    return kind == MSCSIM_RULE_POSTERIOR || kind == MSCSIM_RULE_PREDICTIVE;
}

int sim_bayes_looks(const mscsim_config *cfg)
{
    return cfg->look_count > 0 && (is_bayes(cfg->efficacy.kind) || is_bayes(cfg->futility.kind) ||
                                   cfg->decision_rule == MSCSIM_DECISION_POSTERIOR);
}

static int flat_prior(const mscsim_config *cfg)
{
    return cfg->decision_prior.kind == MSCSIM_DIST_FLAT;
}

/* The final analysis' rule; final_z is the last look's efficacy bound for the test. */
static mscsim_final_rule final_rule(const mscsim_config *cfg, double final_z)
{
    const mscsim_dist_spec *p = &cfg->decision_prior;
    int normal = p->kind == MSCSIM_DIST_NORMAL;
    mscsim_final_rule f = {cfg->decision_rule == MSCSIM_DECISION_POSTERIOR ? (double)NAN : final_z,
                           normal ? p->a : 0.0,
                           normal ? p->b : (double)INFINITY,
                           cfg->decision_threshold,
                           cfg->decision_probability,
                           cfg->decision_mcid,
                           cfg->decision_mcid_probability};
    return f;
}

/* The predictive probability of final success at look k < K - 1. */
static double predictive(const sim_looks *L, int k, const mscsim_trial_data *data,
                         const mscsim_analysis_result *r)
{
    const mscsim_config *cfg = L->bayes;
    int K = L->bounds.looks;
    mscsim_final_rule f = final_rule(cfg, L->bounds.efficacy_z[K - 1]);
    if (cfg->decision_prior.kind != MSCSIM_DIST_BETA)
        return mscsim_predictive_normal(&f, r->estimate, r->se, L->bounds.t[k]);
    long n[MSCSIM_ARM_COUNT], x[MSCSIM_ARM_COUNT], more[MSCSIM_ARM_COUNT];
    sim_decision_counts(data, n, x);
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        /* The patients still to come, at the share of outcomes observed so far. */
        double scale = (double)L->plan[K - 1].analysed_arm[a] / (double)L->plan[k].analysed_arm[a];
        more[a] = lround((double)n[a] * scale) - n[a];
    }
    double a[2] = {cfg->decision_prior.a, cfg->decision_prior.a};
    double b[2] = {cfg->decision_prior.b, cfg->decision_prior.b};
    return mscsim_predictive_rd(&f, a, b, n, x, more);
}

/* Whether rule (efficacy: stop for success; else futility) stops at look k < K - 1. An
 * analysis without a usable posterior (NaN) never stops a trial. */
static int stops(const sim_looks *L, const mscsim_stopping_rule *rule, int efficacy, int k,
                 const mscsim_trial_data *data, const mscsim_analysis_result *r)
{
    const mscsim_config *cfg = L->bayes;
    if (r->failed)
        return 0;
    double p = rule->kind == MSCSIM_RULE_POSTERIOR
                   ? sim_decision_exceeds(cfg, data, r, cfg->decision_threshold)
                   : predictive(L, k, data, r);
    if (!efficacy)
        return p < rule->param;
    if (!(p >= rule->param))
        return 0;
    /* A posterior efficacy stop also meets the dual criterion's second part. */
    return rule->kind != MSCSIM_RULE_POSTERIOR || !isfinite(cfg->decision_mcid) ||
           sim_decision_exceeds(cfg, data, r, cfg->decision_mcid) >= cfg->decision_mcid_probability;
}

static int final_success(const sim_looks *L, const mscsim_trial_data *data,
                         const mscsim_analysis_result *r, int crossed)
{
    if (L->bayes->decision_rule == MSCSIM_DECISION_POSTERIOR)
        return sim_decision_success(L->bayes, data, r);
    return crossed;
}

int sim_bayes_success(const sim_looks *L, int k, const mscsim_trial_data *data,
                      const mscsim_analysis_result *r, int crossed)
{
    if (k + 1 == L->bounds.looks)
        return final_success(L, data, r, crossed);
    if (is_bayes(L->bayes->efficacy.kind))
        return stops(L, &L->bayes->efficacy, 1, k, data, r);
    return crossed;
}

int sim_bayes_verdict(const sim_looks *L, int k, const mscsim_trial_data *data,
                      const mscsim_analysis_result *r, int crossed)
{
    if (sim_bayes_success(L, k, data, r, crossed))
        return 1;
    if (k + 1 < L->bounds.looks && is_bayes(L->bayes->futility.kind) &&
        stops(L, &L->bayes->futility, 0, k, data, r))
        return 2;
    return 0;
}

/* The z bound of a Bayesian rule at fraction t where it does not depend on the data, else
 * NaN. Flat prior: P(theta > 0 | z) = Phi(z), and the predictive probability of a final
 * z >= c is Phi((z - c sqrt t) / sqrt(1 - t)). */
static double implied_z(const mscsim_config *cfg, const mscsim_stopping_rule *rule, int efficacy,
                        double t, double final_z)
{
    double zq = qnorm(rule->param, 0.0, 1.0, 1, 0);
    if (!flat_prior(cfg))
        return NAN;
    if (rule->kind == MSCSIM_RULE_POSTERIOR)
        return cfg->decision_threshold == 0.0 && (!efficacy || !isfinite(cfg->decision_mcid))
                   ? zq
                   : (double)NAN;
    return isnan(final_z) ? (double)NAN : final_z * sqrt(t) + sqrt(1.0 - t) * zq;
}

void sim_bayes_bounds(const mscsim_config *cfg, mscsim_gsd_bounds *b)
{
    if (!sim_bayes_looks(cfg))
        return;
    int K = b->looks, posterior = cfg->decision_rule == MSCSIM_DECISION_POSTERIOR;
    double final_z = b->efficacy_z[K - 1];
    if (posterior) /* Success is Phi(z) >= probability only for a flat prior and zero thresholds. */
        final_z = flat_prior(cfg) && cfg->decision_threshold == 0.0 && !isfinite(cfg->decision_mcid)
                      ? qnorm(cfg->decision_probability, 0.0, 1.0, 1, 0)
                      : (double)NAN;
    for (int k = 0; k + 1 < K; k++) {
        if (is_bayes(cfg->efficacy.kind))
            b->efficacy_z[k] = implied_z(cfg, &cfg->efficacy, 1, b->t[k], final_z);
        if (is_bayes(cfg->futility.kind))
            b->futility_z[k] = implied_z(cfg, &cfg->futility, 0, b->t[k], final_z);
    }
    b->efficacy_z[K - 1] = final_z;
    if (is_bayes(cfg->futility.kind))
        b->futility_z[K - 1] = final_z;
    if (posterior || is_bayes(cfg->efficacy.kind))
        for (int k = 0; k < K; k++)
            b->cumulative_alpha[k] = NAN;
}

int sim_bayes_looks_validate(const mscsim_config *cfg, mscsim_error *err)
{
    if (!sim_bayes_looks(cfg))
        return MSCSIM_OK;
    mscsim_rule_kind e = cfg->efficacy.kind, f = cfg->futility.kind;
    int posterior = cfg->decision_rule == MSCSIM_DECISION_POSTERIOR;
    if (posterior && e != MSCSIM_RULE_NONE && !is_bayes(e))
        return (sim_error_set(err, MSCSIM_ECONFIG,
                              "rule = posterior decides the last look, so [interim] efficacy must "
                              "be none, posterior(q) or predictive(q) (alpha-spending bounds are "
                              "for the test)"),
                mscsim_config_error_at(cfg, "decision", "rule", err));
    if ((posterior || is_bayes(e)) && f != MSCSIM_RULE_NONE && !is_bayes(f))
        return (
            sim_error_set(err, MSCSIM_ECONFIG,
                          "with a Bayesian efficacy rule or [decision] rule = posterior, futility "
                          "is none, posterior(q) or predictive(q) (beta spending and conditional "
                          "power need alpha-spending efficacy bounds)"),
            mscsim_config_error_at(cfg, "interim", "futility", err));
    if (cfg->binding && is_bayes(f))
        return (sim_error_set(err, MSCSIM_ECONFIG,
                              "a Bayesian futility rule is non-binding: set binding = no"),
                mscsim_config_error_at(cfg, "interim", "binding", err));
    if (is_bayes(e) && !posterior && cfg->sides != 1)
        return (sim_error_set(err, MSCSIM_ECONFIG,
                              "a Bayesian efficacy rule with the test at the last look needs a "
                              "one-sided test ([trial] sides = 1, not %d)",
                              cfg->sides),
                mscsim_config_error_at(cfg, "interim", "efficacy", err));
    if (cfg->decision_prior.kind == MSCSIM_DIST_BETA && !posterior &&
        (e == MSCSIM_RULE_PREDICTIVE || f == MSCSIM_RULE_PREDICTIVE))
        return (sim_error_set(err, MSCSIM_ECONFIG,
                              "predictive(q) with a beta [decision] prior needs [decision] rule = "
                              "posterior (the final success is then summed exactly over the future "
                              "event counts)"),
                mscsim_config_error_at(cfg, "interim",
                                       e == MSCSIM_RULE_PREDICTIVE ? "efficacy" : "futility", err));
    return MSCSIM_OK;
}
