/*
 * Minimal detectable effect by simulation (see mde.h): bracket and bisection over the
 * key's value on common random numbers, then an independent confirmation one step apart.
 */
#include "mscsim/mde.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "config_impl.h"
#include "internal.h"
#include "mscsim/analytic.h"
#include "mscsim/engine.h"
#include "mscsim/output.h"

/* The bisection never goes finer than this share of the distance from the null. */
#define BISECT_REL_TOL 1e-4
#define MAX_BISECTIONS 60
/* The formula costs microseconds: its answer is bisected to rounding. */
#define ANALYTIC_REL_TOL 1e-12
/* Doublings of the bracketing step before the key's range must have been reached. */
#define MAX_BRACKET_STEPS 64
/* Steps the confirmation may move the answer before it gives up and reports. */
#define MAX_CONFIRM_STEPS 12

typedef struct {
    const mscsim_config *cfg;
    const mscsim_mde_options *opt;
    mscsim_mde_result *out;
    double null_value, far; /* The search runs from null_value toward far. */
    double dir;             /* +1 or -1: the side of the null the design's value is on. */
    int grid;               /* The confirmation's values are multiples of 10^-grid. */
} search;

SIM_API int mscsim_mde_apply(const mscsim_config *cfg, const char *key, double value,
                             mscsim_config *out, mscsim_error *err)
{
    char text[160], num[32];
    mscsim_format_double(num, sizeof num, value);
    if (snprintf(text, sizeof text, "%s=%s", key, num) >= (int)sizeof text)
        return sim_error_set(err, MSCSIM_EINVAL, "key name '%s' is too long", key);
    *out = *cfg;
    return mscsim_config_set(out, text, err);
}

/* The row of key "section.key" that cfg's model uses, or NULL. */
static const sim_key *key_row(const mscsim_config *cfg, const char *key, char *section,
                              size_t section_len, const char **name)
{
    const char *dot = strchr(key, '.');
    if (!dot || (size_t)(dot - key) >= section_len)
        return NULL;
    memcpy(section, key, (size_t)(dot - key));
    section[dot - key] = '\0';
    *name = dot + 1;
    const mscsim_model_type *model = mscsim_model_find(cfg->model);
    size_t i = 0;
    for (const sim_key *k; (k = sim_key_find(section, *name, i, &i)) != NULL; i++) {
        const mscsim_model_type *owner;
        sim_key_at(i, &owner);
        if (model && (owner ? owner == model : sim_key_used_by(i, model)) &&
            (!k->applies || k->applies(cfg)))
            return k;
    }
    return NULL;
}

/* The value of section.key in cfg as a number. */
static int key_number(const mscsim_config *cfg, const char *section, const char *name,
                      double *value)
{
    char text[64];
    return mscsim_config_format(cfg, section, name, text, sizeof text) ||
           mscsim_read_double(text, value);
}

/* The null value, the search's direction and its far end (the key's range). */
static int prepare(search *s, mscsim_error *err)
{
    const mscsim_config *cfg = s->cfg;
    const char *key = s->opt->key, *name;
    char section[64];
    const sim_key *k = key_row(cfg, key, section, sizeof section, &name);
    if (!k || k->type != SIM_KEY_DOUBLE)
        return sim_error_set(err, MSCSIM_EINVAL,
                             "'%s' is not a numeric key of the %s model's design (a "
                             "section.key such as msc.mean, msc.p or msc.odds_ratio)",
                             key, cfg->model);
    for (int i = 0; i < cfg->sweep_count; i++)
        if (strcmp(cfg->sweep[i].name, key) == 0)
            return sim_error_set(err, MSCSIM_EINVAL, "'%s' is swept: mde chooses its value",
                                 key);
    double value;
    if (key_number(cfg, section, name, &value))
        return sim_error_set(err, MSCSIM_EINVAL, "internal: cannot read %s", key);
    /* No effect: the control arm's value of the same key, else the key's default. */
    double null_value;
    char control_key[96], control_section[64];
    const char *control_name;
    snprintf(control_key, sizeof control_key, "control.%s", name);
    const sim_key *c = strcmp(k->section, "msc") == 0
                           ? key_row(cfg, control_key, control_section, sizeof control_section,
                                     &control_name)
                           : NULL;
    if (c && c->type == SIM_KEY_DOUBLE) {
        key_number(cfg, "control", control_name, &null_value);
    } else if (!k->default_text || mscsim_read_double(k->default_text, &null_value)) {
        return sim_error_set(err, MSCSIM_EINVAL,
                             "%s has no value of no effect (no [control] %s and no default)",
                             key, k->key);
    }
    if (value == null_value)
        return sim_error_set(err, MSCSIM_EINVAL,
                             "%s = %g is its value of no effect: set it to a value on the side "
                             "to search (the search goes from %g toward it and beyond)",
                             key, value, null_value);
    s->null_value = null_value;
    s->dir = value > null_value ? 1.0 : -1.0;
    double end = s->dir > 0 ? k->max : k->min;
    unsigned exclusive = s->dir > 0 ? SIM_KEY_MAX_EXCLUSIVE : SIM_KEY_MIN_EXCLUSIVE;
    if (!isfinite(end))
        end = s->dir * 1e100;
    if (k->flags & exclusive) /* The last value inside an open range. */
        end = end - s->dir * fmax(fabs(end), 1.0) * 1e-9;
    s->far = end;
    s->out->null_value = null_value;
    s->out->start_value = value;
    return MSCSIM_OK;
}

/* Simulates the design with the key at value, reps replicates; appends it to the trace. */
static int evaluate(search *s, double value, long reps, mscsim_ss_stage stage,
                    mscsim_mde_eval *result, mscsim_error *err)
{
    mscsim_config c;
    int status = mscsim_mde_apply(s->cfg, s->opt->key, value, &c, err);
    if (status)
        return status;
    c.reps = reps;
    /* The search draws from the nested streams, the confirmation from run's: the two
     * stages never share trials. */
    c.nested_sizes = stage == MSCSIM_SS_SEARCH;
    mscsim_mde_eval e = {stage, value, reps, 0, NAN, NAN, NAN};
    mscsim_engine *eng = NULL;
    status = mscsim_engine_new(&c, 0, &eng, err);
    while (!status && !mscsim_engine_done(eng)) {
        status = mscsim_engine_step(eng, err);
        if (s->opt->on_progress)
            s->opt->on_progress(s->opt->user, s->out->trials + mscsim_engine_trials_done(eng),
                                mscsim_engine_trials_done(eng), &e);
    }
    if (!status) {
        mscsim_cell_summary sum;
        mscsim_engine_summary(eng, 0, s->opt->analysis, &sum);
        e.rejections = sum.rejections;
        e.power = sum.power;
        e.power_lo = sum.power_lo;
        e.power_hi = sum.power_hi;
        s->out->trials += sum.reps;
        if (s->out->trace_count < MSCSIM_MDE_MAX_EVALS)
            s->out->trace[s->out->trace_count++] = e;
        *result = e;
    }
    mscsim_engine_free(eng);
    return status;
}

static int search_power(search *s, double value, double *power, mscsim_error *err)
{
    mscsim_mde_eval e;
    int status = evaluate(s, value, s->opt->search_reps > 0 ? s->opt->search_reps : s->cfg->reps,
                          MSCSIM_SS_SEARCH, &e, err);
    *power = e.power;
    return status;
}

/* Distance from the null, positive on the searched side. */
static double away(const search *s, double value)
{
    return s->dir * (value - s->null_value);
}

/* The analytic power with the key at value; NaN without a formula. */
static double analytic_at(const search *s, double value)
{
    mscsim_config c;
    mscsim_error err;
    if (mscsim_mde_apply(s->cfg, s->opt->key, value, &c, &err))
        return (double)NAN;
    return mscsim_analytic_power(&c, s->opt->analysis, s->cfg->n[0]);
}

/* The formula's answer: the value nearest the null whose analytic power reaches the
 * target, by bracketing and bisection on the formula (NaN when the design has none or it
 * is not reached within the key's range). */
static double analytic_answer(const search *s)
{
    double t = s->opt->target, lo = s->null_value, hi = s->out->start_value;
    for (int i = 0;; i++) {
        double p = analytic_at(s, hi);
        if (isnan(p) || i == MAX_BRACKET_STEPS || (p < t && hi == s->far))
            return NAN;
        if (p >= t)
            break;
        lo = hi;
        double next = s->null_value + 2.0 * (hi - s->null_value);
        hi = away(s, next) < away(s, s->far) ? next : s->far;
    }
    for (int i = 0; i < MAX_BISECTIONS && fabs(hi - lo) > ANALYTIC_REL_TOL * away(s, hi); i++) {
        double mid = lo + (hi - lo) / 2, p = analytic_at(s, mid);
        if (isnan(p))
            return NAN;
        *(p >= t ? &hi : &lo) = mid;
    }
    return hi;
}

/* Brackets the target between lo (below it, or the null) and hi (reaching it), then
 * bisects; *step is the value change that gained MSCSIM_MDE_STEP_GAIN power over the
 * bracket the bisection started from. */
static int run_search(search *s, double start, double *answer, double *step, mscsim_error *err)
{
    double t = s->opt->target, lo, hi, p_lo, p_hi, p;
    int status = search_power(s, start, &p, err);
    if (status)
        return status;
    double stride = away(s, start) / 16.0; /* Grows by 2 per probe, as samplesize's. */
    if (p >= t) {
        hi = start;
        p_hi = p;
        for (int i = 0;; i++, stride *= 2.0) {
            lo = away(s, hi) - stride > 0.0 ? hi - s->dir * stride : s->null_value;
            if ((status = search_power(s, lo, &p_lo, err)) != MSCSIM_OK)
                return status;
            if (p_lo < t)
                break;
            if (lo == s->null_value || i == MAX_BRACKET_STEPS)
                return sim_error_set(err, MSCSIM_ERANGE,
                                     "the target power %g is reached at the null value %s = "
                                     "%g already (power %.4f): the target must be above the "
                                     "type I error",
                                     t, s->opt->key, s->null_value, p_lo);
            hi = lo;
            p_hi = p_lo;
        }
    } else {
        lo = start;
        p_lo = p;
        for (int i = 0;; i++, stride *= 2.0) {
            hi = away(s, lo) + stride < away(s, s->far) ? lo + s->dir * stride : s->far;
            if ((status = search_power(s, hi, &p_hi, err)) != MSCSIM_OK)
                return status;
            if (p_hi >= t)
                break;
            if (hi == s->far || i == MAX_BRACKET_STEPS)
                return sim_error_set(err, MSCSIM_ERANGE,
                                     "the target power %g is not reached within [%g, %g] of "
                                     "%s (power %.4f at %g)",
                                     t, fmin(s->null_value, hi), fmax(s->null_value, hi),
                                     s->opt->key, p_hi, hi);
            lo = hi;
            p_lo = p_hi;
        }
    }
    /* Power per unit of the key over the bracket, for the confirmation's step; bisecting
     * finer than a quarter of that step would resolve only the search's own noise. */
    double slope = (p_hi - p_lo) / fabs(hi - lo);
    double resolution = fmax(0.25 * MSCSIM_MDE_STEP_GAIN / fmax(slope, 1e-300),
                             BISECT_REL_TOL * away(s, hi));
    for (int i = 0; i < MAX_BISECTIONS && fabs(hi - lo) > resolution; i++) {
        double mid = lo + (hi - lo) / 2;
        if ((status = search_power(s, mid, &p, err)) != MSCSIM_OK)
            return status;
        *(p >= t ? &hi : &lo) = mid;
    }
    *answer = hi;
    /* A step never reaches past the null. */
    *step = s->dir * fmin(MSCSIM_MDE_STEP_GAIN / fmax(slope, 1e-300), away(s, hi));
    return MSCSIM_OK;
}

/* k / 10^m, the nearest double to that decimal. */
static double decimal(double k, int m)
{
    return m >= 0 ? k / pow(10.0, m) : k * pow(10.0, -m);
}

/* value rounded to the confirmation's decimal grid. */
static double on_grid(const search *s, double value)
{
    return decimal(nearbyint(value * pow(10.0, s->grid)), s->grid);
}

/* The answer and step on the decimal grid of the step's leading digit (a step of 0.0068
 * gives 0.001): the answer rounded away from the null (so it still reaches the target in
 * the search), the step to whole grid units, so the answer, the value one step nearer and
 * the resolved config read as the short decimals they are. */
static void snap(search *s, double *answer, double *step)
{
    int m = s->grid = -(int)floor(log10(fabs(*step)));
    double units = fmax(1.0, nearbyint(fabs(*step) * pow(10.0, m)));
    double k = *answer * pow(10.0, m);
    /* Within rounding of a grid point already: keep it. */
    k = fabs(k - nearbyint(k)) < 1e-9 * fmax(1.0, fabs(k)) ? nearbyint(k)
        : s->dir > 0                                     ? ceil(k)
                                                         : floor(k);
    double v = decimal(k, m);
    if (away(s, v) <= away(s, s->far))
        *answer = v;
    *step = s->dir * decimal(units, m);
}

/* Independent confirmation at v and one step nearer the null, moving one step at a time
 * until the power at v reaches the target and the power one step nearer does not. */
static int confirm(search *s, double v, double step, mscsim_error *err)
{
    mscsim_mde_result *out = s->out;
    double t = s->opt->target;
    long reps = out->confirm_reps;
    mscsim_mde_eval at, below = {0};
    int status = evaluate(s, v, reps, MSCSIM_SS_CONFIRM, &at, err);
    for (int i = 0; !status && i < MAX_CONFIRM_STEPS; i++) {
        if (at.power < t) { /* Not reached: one step away from the null. */
            below = at;
            if (away(s, v + step) > away(s, s->far))
                break;
            v = on_grid(s, v + step);
            status = evaluate(s, v, reps, MSCSIM_SS_CONFIRM, &at, err);
            continue;
        }
        double nearer = on_grid(s, v - step);
        if (away(s, nearer) <= 0.0) { /* The null itself: its power is the type I error. */
            below.reps = 0;
            break;
        }
        if (below.reps == 0 || below.value != nearer)
            status = evaluate(s, nearer, reps, MSCSIM_SS_CONFIRM, &below, err);
        if (status || below.power < t)
            break;
        at = below; /* Reached one step nearer too: step toward the null. */
        below.reps = 0;
        v = nearer;
    }
    if (status)
        return status;
    out->at = at;
    out->below = below;
    out->value = at.value;
    return MSCSIM_OK;
}

SIM_API int mscsim_mde(const mscsim_config *cfg, const mscsim_mde_options *opt,
                       mscsim_mde_result *out, mscsim_error *err)
{
    memset(out, 0, sizeof *out);
    out->analytic_value = NAN;
    int status = mscsim_ss_check_target(opt->target, err);
    if (status)
        return status;
    const char *names[MSCSIM_MAX_ANALYSES];
    if (opt->analysis < 0 || opt->analysis >= mscsim_config_analyses(cfg, names))
        return sim_error_set(err, MSCSIM_EINVAL, "analysis %d is not configured", opt->analysis);
    if (cfg->n_count != 1)
        return sim_error_set(err, MSCSIM_EINVAL,
                             "mde answers for one n and the design has %d ([trial] n, or "
                             "--set trial.n=N)",
                             cfg->n_count);
    search s = {.cfg = cfg, .opt = opt, .out = out};
    status = prepare(&s, err);
    if (status)
        return status;
    out->analytic_value = analytic_answer(&s);
    double start = isnan(out->analytic_value) ? out->start_value : out->analytic_value;
    out->start_value = start;
    double answer = start, step = 0.0;
    status = run_search(&s, start, &answer, &step, err);
    if (status)
        return status;
    snap(&s, &answer, &step);
    out->step = step;
    out->confirm_reps =
        opt->confirm_reps > 0
            ? opt->confirm_reps
            : mscsim_ss_confirm_reps(opt->target, MSCSIM_MDE_STEP_GAIN,
                                     opt->search_reps > 0 ? opt->search_reps : cfg->reps);
    return confirm(&s, answer, step, err);
}
