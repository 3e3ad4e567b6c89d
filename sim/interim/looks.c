/*
 * Interim looks in a run (see mscsim/interim.h): the checks across the [interim] and
 * accrual keys, the boundaries of a config's design, the calendar of its looks, one
 * trial's looks and stopping rule, and the per-look totals.
 *
 * A trial is simulated once at its full size; look k analyses the prefix of the patients
 * randomized first (sim_trial_prefix), so nothing is simulated twice, and the stopping rule
 * lives in one place: decide() below (z = qnorm(1 - p) against a bound is p against the
 * bound's nominal p).
 *
 * SPEED. A look costs its prefix's arm statistics and the first analysis: the others run
 * at the stopping look only, the last look reuses the trial's full data, and a t result's
 * p-value is not computed (sim_analysis_settings_defer_t_p): its statistic is compared
 * with the look's tabulated quantiles (sim_looks_levels), the analyses' own exact
 * decision at another level, so each decision is the comparison of p made without pt.
 */
#include "interim/looks.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analyses/analysis_impl.h"
#include "internal.h"
#include "mathlib.h"

static int rule_spends(const mscsim_stopping_rule *r)
{
    return r->kind == MSCSIM_RULE_OBRIEN_FLEMING || r->kind == MSCSIM_RULE_POCOCK ||
           r->kind == MSCSIM_RULE_HSD;
}

/* Fills err (in scope) with a printf-style message located at section.key of cfg (in scope);
 * the value is err's code. */
#define KEY_ERROR(section, key, ...)                                                         \
    (sim_error_set(err, MSCSIM_ECONFIG, __VA_ARGS__),                                        \
     mscsim_config_error_at(cfg, section, key, err))

/* Cumulative patients randomized by month tau: a linear ramp to the full rate r over R
 * months, then r. */
double sim_interim_accrued(const mscsim_config *cfg, double tau)
{
    double r = cfg->accrual_per_month, R = cfg->accrual_ramp_months;
    if (R > 0.0 && tau <= R)
        return r * tau * tau / (2.0 * R);
    return (R > 0.0 ? r * R / 2.0 : 0.0) + r * (tau - R);
}

/* The month patient j (1-based) is randomized: the inverse of accrued. */
static double entry_month(const mscsim_config *cfg, double j)
{
    double r = cfg->accrual_per_month, R = cfg->accrual_ramp_months;
    if (R > 0.0 && j <= r * R / 2.0)
        return sqrt(2.0 * R * j / r);
    return R + (j - (R > 0.0 ? r * R / 2.0 : 0.0)) / r;
}

static double follow_up_months(const mscsim_config *cfg)
{
    return cfg->visits[mscsim_config_primary_index(cfg)] / SIM_DAYS_PER_MONTH;
}

SIM_API double mscsim_interim_final_month(const mscsim_config *cfg, long n)
{
    if (!(cfg->accrual_per_month > 0.0))
        return NAN;
    return entry_month(cfg, (double)n) + follow_up_months(cfg);
}

SIM_API int mscsim_interim_plan(const mscsim_config *cfg, long n,
                                mscsim_look_plan plan[MSCSIM_MAX_LOOKS])
{
    for (int k = 0; k < cfg->look_count; k++) {
        mscsim_look_plan *p = &plan[k];
        long m = k + 1 == cfg->look_count ? n : lround(cfg->looks[k] * (double)n);
        p->analysed_total = m;
        mscsim_config_arm_sizes(cfg, m, p->analysed_arm);
        p->randomized = m;
        p->month = NAN;
        if (cfg->accrual_per_month > 0.0) {
            p->month = entry_month(cfg, (double)m) + follow_up_months(cfg);
            /* The 1e-9 keeps patient m itself in when the inverse rounds below it. */
            double by_then = floor(sim_interim_accrued(cfg, p->month) + 1e-9);
            p->randomized = by_then >= (double)n ? n : (long)by_then;
        }
    }
    return cfg->look_count;
}

SIM_API int mscsim_interim_bounds(const mscsim_config *cfg, mscsim_gsd_bounds *out,
                                  mscsim_error *err)
{
    mscsim_gsd_spec s = {0};
    s.looks = cfg->look_count;
    memcpy(s.t, cfg->looks, sizeof s.t);
    s.alpha = cfg->alpha;
    s.sides = cfg->sides;
    s.efficacy.family = rule_spends(&cfg->efficacy) ? (mscsim_spending_family)cfg->efficacy.kind
                                                    : MSCSIM_SPENDING_NONE;
    s.efficacy.gamma = cfg->efficacy.param;
    if (rule_spends(&cfg->futility)) {
        s.futility.family = (mscsim_spending_family)cfg->futility.kind;
        s.futility.gamma = cfg->futility.param;
        s.beta = cfg->beta;
        s.binding = cfg->binding;
    }
    int status = mscsim_gsd_bounds_compute(&s, out, err);
    if (!status)
        sim_bayes_bounds(cfg, out);
    if (status || cfg->futility.kind != MSCSIM_RULE_CONDITIONAL_POWER)
        return status;
    /* CP(z) = Phi_upper((c_K - z / sqrt(t)) / sqrt(1 - t)) grows with z: below c exactly
     * when z is below this bound. */
    double cK = out->efficacy_z[s.looks - 1], q = qnorm(1.0 - cfg->futility.param, 0.0, 1.0, 1, 0);
    for (int k = 0; k + 1 < s.looks; k++) {
        double t = s.t[k];
        out->futility_z[k] = fmin(sqrt(t) * (cK - sqrt(1.0 - t) * q), out->efficacy_z[k]);
    }
    out->futility_z[s.looks - 1] = cK;
    return MSCSIM_OK;
}

int sim_interim_validate(const mscsim_config *cfg, mscsim_error *err)
{
    if (cfg->accrual_per_month == 0.0 && cfg->accrual_ramp_months > 0.0)
        return KEY_ERROR("trial", "accrual_ramp_months",
                         "accrual never reaches n: [trial] accrual_per_month is 0");
    if (cfg->look_count == 0)
        return MSCSIM_OK;
    for (int k = 1; k < cfg->look_count; k++)
        if (!(cfg->looks[k] > cfg->looks[k - 1]))
            return KEY_ERROR("interim", "looks",
                             "information fractions must increase (%g after %g)", cfg->looks[k],
                             cfg->looks[k - 1]);
    if (cfg->looks[cfg->look_count - 1] != 1.0)
        return KEY_ERROR("interim", "looks", "the last look must be 1, the final analysis (not %g)",
                         cfg->looks[cfg->look_count - 1]);
    if (cfg->binding && cfg->futility.kind == MSCSIM_RULE_NONE)
        return KEY_ERROR("interim", "binding",
                         "binding = yes needs a futility rule (futility = none)");
    if (cfg->binding && cfg->futility.kind == MSCSIM_RULE_CONDITIONAL_POWER)
        return KEY_ERROR("interim", "binding",
                         "conditional-power futility is non-binding: set binding = no");
    if (cfg->futility.kind != MSCSIM_RULE_NONE && cfg->sides != 1)
        return KEY_ERROR("interim", "futility",
                         "futility stopping needs a one-sided test ([trial] sides = 1, not %d)",
                         cfg->sides);
    if (rule_spends(&cfg->futility) && !(cfg->beta < 1.0 - cfg->alpha))
        return KEY_ERROR("interim", "beta", "beta %g must be below 1 - alpha = %g", cfg->beta,
                         1.0 - cfg->alpha);
    mscsim_gsd_bounds b;
    if (mscsim_interim_bounds(cfg, &b, err))
        return mscsim_config_error_at(cfg, "interim", "looks", err);
    for (int i = 0; i < cfg->n_count; i++) {
        mscsim_look_plan plan[MSCSIM_MAX_LOOKS];
        mscsim_interim_plan(cfg, cfg->n[i], plan);
        for (int k = 0; k < cfg->look_count; k++) {
            const mscsim_look_plan *p = &plan[k];
            if (p->analysed_arm[0] < 1 || p->analysed_arm[1] < 1 ||
                (k && p->analysed_total <= plan[k - 1].analysed_total))
                return KEY_ERROR("interim", "looks",
                                 "n = %ld: the look at %g has no new patient in an arm",
                                 cfg->n[i], cfg->looks[k]);
        }
    }
    return MSCSIM_OK;
}

void sim_looks_prepare(sim_looks *L)
{
    for (int k = 0; k < L->bounds.looks; k++) {
        double c = L->bounds.efficacy_z[k], f = L->bounds.futility_z[k];
        /* Both tails for sides = 2: |z| >= c is a two-sided p of at most 2 Phi_upper(c). */
        L->efficacy_p[k] = isinf(c) ? -1.0 : L->sides * pnorm(c, 0.0, 1.0, 0, 0);
        /* The smallest level above efficacy_p: the analyses reject when p is below it. */
        L->efficacy_level[k] = nextafter(L->efficacy_p[k], 1.0);
        L->futility_p[k] = isinf(f) || L->sides == 2 ? 2.0 : pnorm(f, 0.0, 1.0, 0, 0);
    }
}

int sim_looks_levels_fit(sim_looks_levels *lv, const sim_looks *L,
                         mscsim_analysis_settings *settings, size_t max_df, int want_p,
                         mscsim_error *err)
{
    sim_looks_levels_free(lv);
    for (int k = 0; k < L->bounds.looks; k++) {
        double e = L->efficacy_level[k], f = L->futility_p[k];
        int status = MSCSIM_OK;
        if (L->efficacy_p[k] >= 0.0 && e < 1.0)
            status = mscsim_analysis_settings_new(e, L->sides, 0.95, max_df, 0,
                                                  &lv->efficacy[k], err);
        if (!status && f > 0.0 && f < 1.0)
            status = mscsim_analysis_settings_new(f, 1, 0.95, max_df, 0, &lv->futility[k], err);
        if (status) {
            sim_looks_levels_free(lv);
            return status;
        }
    }
    if (!want_p)
        sim_analysis_settings_defer_t_p(settings);
    sim_analysis_settings_defer_t_reject(settings);
    return MSCSIM_OK;
}

void sim_looks_levels_free(sim_looks_levels *lv)
{
    for (int k = 0; k < MSCSIM_MAX_LOOKS; k++) {
        mscsim_analysis_settings_free(lv->efficacy[k]);
        mscsim_analysis_settings_free(lv->futility[k]);
        lv->efficacy[k] = lv->futility[k] = NULL;
    }
}

/* Whether r's p-value is below level: 1 or 0, or -1 when it has none (a failed analysis,
 * no statistic). The p-value is the analysis' own, or, deferred for a t result, the one
 * sim_analysis_t_pvalue computes from its statistic and df, the same number: at (settings
 * at level) decides on the statistic with the analyses' own exact bracket, which calls pt
 * only in the thin band around the quantile; without at, p is computed. Either way the
 * comparison is the one on p, so ties at a bound fall as p decides them. */
static int p_below(const mscsim_analysis_settings *at, double level, int sides,
                   const mscsim_analysis_result *r)
{
    double p = r->p_value;
    if (r->failed)
        return -1;
    if (isnan(p)) {
        if (isnan(r->statistic) || !(r->df > 0.0))
            return -1;
        if (at)
            return sim_analysis_t_reject(at, r->statistic, r->df);
        p = sim_analysis_t_pvalue(r->statistic, r->df, sides);
        if (isnan(p))
            return -1;
    }
    return p < level;
}

/* z = qnorm(1 - p) at least the bound is p at most the bound's nominal p, which saves a
 * quantile per look: the analysis' p-value (one-sided, or two-sided for sides = 2)
 * decides. A failed analysis has none and crosses nothing. */
static int crosses_efficacy(const sim_looks *L, int k, const mscsim_analysis_result *r)
{
    if (L->efficacy_p[k] < 0.0) /* an infinite bound */
        return 0;
    const mscsim_analysis_settings *at = L->levels ? L->levels->efficacy[k] : NULL;
    return p_below(at, L->efficacy_level[k], L->sides, r) == 1;
}

/* The stopping rule, in one place: 1 = efficacy, 2 = futility (one-sided p at least
 * futility_p), 0 = continue. A failed analysis never stops a trial before its last look. */
static int decide(const sim_looks *L, int k, const mscsim_analysis_result *r)
{
    if (crosses_efficacy(L, k, r))
        return 1;
    if (L->futility_p[k] > 1.0) /* no futility bound here */
        return 0;
    const mscsim_analysis_settings *at = L->levels ? L->levels->futility[k] : NULL;
    return p_below(at, L->futility_p[k], 1, r) == 0 ? 2 : 0;
}

void sim_looks_trial(const sim_looks *L, const mscsim_design *design, mscsim_workspace *w,
                     mscsim_trial_data *full, sim_analyse_fn analyse, const void *ctx,
                     int analyses, mscsim_replicate *rec, sim_look_record *out)
{
    int K = L->bounds.looks;
    mscsim_trial_data prefix;
    sim_look_followup follow; /* randomised arms' follow-up, which data->visits points into */
    memset(out, 0, sizeof *out);
    for (int k = 0; k < K; k++) {
        const mscsim_look_plan *p = &L->plan[k];
        const mscsim_trial_data *data = full;
        if (k + 1 < K) {
            sim_trial_look_prefix(design, w,
                                  sim_looks_trial_followup(L, k, design, w, &follow), &prefix);
            data = &prefix;
        } else if (k > 0) {
            sim_trial_prefix_all(design, w, full); /* the last look's patients: the trial's */
        }
        int filled = analyse(ctx, data, w, 0, 1, rec);
        out->analysed[k] = sim_looks_analysed(L, data);
        int verdict = L->bayes ? sim_bayes_verdict(L, k, data, &rec->result[0],
                                                   crosses_efficacy(L, k, &rec->result[0]))
                               : decide(L, k, &rec->result[0]);
        if (verdict == 0 && k + 1 < K)
            continue;
        if (filled < analyses) /* the others are reported at the stopping look only */
            analyse(ctx, data, w, filled, analyses, rec);
        out->stop_look = k;
        out->futile = verdict == 2 && k + 1 < K;
        out->efficacy = verdict == 1;
        for (int j = 0; j < analyses; j++)
            rec->result[j].reject =
                L->bayes ? sim_bayes_success(L, k, data, &rec->result[j],
                                             crosses_efficacy(L, k, &rec->result[j]))
                         : crosses_efficacy(L, k, &rec->result[j]);
        out->analysed_final = out->analysed[k];
        if (L->pipeline_analyse && p->randomized > p->analysed_total) {
            /* The estimate includes the pipeline patients; the decision stays the look's. */
            int reject[MSCSIM_MAX_ANALYSES];
            for (int j = 0; j < analyses; j++)
                reject[j] = rec->result[j].reject;
            long sizes[MSCSIM_ARM_COUNT];
            mscsim_config_arm_sizes(mscsim_design_config(design), p->randomized, sizes);
            size_t all[MSCSIM_ARM_COUNT] = {(size_t)sizes[0], (size_t)sizes[1]};
            sim_trial_first_patients(design, w, p->randomized, all);
            sim_trial_prefix(design, w, all, &prefix);
            analyse(ctx, &prefix, w, 0, analyses, rec);
            out->analysed_final = sim_looks_analysed(L, &prefix);
            for (int j = 0; j < analyses; j++)
                rec->result[j].reject = reject[j];
        }
        return;
    }
}

void sim_looks_fold(sim_looks_totals *t, const sim_look_record *r, const mscsim_replicate *rec,
                    int analyses)
{
    t->reps++;
    for (int k = 0; k <= r->stop_look; k++) {
        t->reached[k]++;
        t->analysed[k] += (long long)r->analysed[k];
    }
    t->stopped[r->stop_look]++;
    t->futile[r->stop_look] += r->futile;
    t->analysed_final += (long long)r->analysed_final;
    for (int j = 0; j < analyses; j++)
        t->rejected[j][r->stop_look] += rec->result[j].reject != 0;
}

static double share(long long count, long total)
{
    return total > 0 ? (double)count / (double)total : (double)NAN;
}

void sim_looks_summary(const sim_looks *L, const sim_looks_totals *t, mscsim_cell_summary *out)
{
    int K = L->bounds.looks;
    double n = 0.0, months = 0.0;
    long efficacy = 0, futile = 0;
    for (int k = 0; k < K; k++) {
        double p = share(t->stopped[k], t->reps);
        n += p * (double)L->plan[k].randomized;
        months += p * L->plan[k].month;
        if (k + 1 < K) {
            efficacy += t->stopped[k] - t->futile[k];
            futile += t->futile[k];
        }
    }
    out->expected_n = n;
    out->expected_n_analysed = share(t->analysed_final, t->reps);
    out->expected_months = months;
    out->stop_efficacy = share(efficacy, t->reps);
    out->stop_futility = share(futile, t->reps);
}

void sim_looks_look_summary(const sim_looks *L, const sim_looks_totals *t, int analysis,
                            int look, mscsim_look_summary *out)
{
    const mscsim_gsd_bounds *b = &L->bounds;
    const mscsim_look_plan *p = &L->plan[look];
    int last = look + 1 == b->looks;
    out->look = look + 1;
    out->information_fraction = b->t[look];
    out->efficacy_z = b->efficacy_z[look];
    out->efficacy_p = pnorm(b->efficacy_z[look], 0.0, 1.0, 0, 0);
    out->futility_z = !L->futility ? (double)NAN : last ? b->efficacy_z[look] : b->futility_z[look];
    out->cumulative_alpha = b->cumulative_alpha[look];
    out->reject_at_look = share(t->rejected[analysis][look], t->reps);
    out->futility_at_look = share(t->futile[look], t->reps);
    out->mean_analysed = share(t->analysed[look], t->reached[look]);
    out->mean_randomized = (double)p->randomized;
    out->mean_month = p->month;
    out->pipeline = (double)(p->randomized - p->analysed_total);
}
