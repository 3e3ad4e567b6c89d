/*
 * Warnings for degenerate designs (include/mscsim/warnings.h): design-level checks on the
 * compiled design, result-level checks on a cell summary. The rules and their thresholds
 * are in the header; the README's Warnings section lists them for users.
 */
#include "mscsim/warnings.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "mathlib.h"
#include "mscsim/distspec.h"
#include "mscsim/stats.h"
#include "trial_impl.h"

/* The nominal level of the intervals whose coverage the engine reports. */
#define NOMINAL_COVERAGE 0.95

/* Confidence of the Wilson interval that must exclude the nominal coverage before low
 * coverage is claimed: a run has many cells, and at 95 % one cell in 40 of a correct
 * analysis would be flagged; at 99.9 %, one in 2,000. */
#define COVERAGE_CLAIM_CONF 0.999

static const char *const codes[MSCSIM_WARN_COUNT] = {
    [MSCSIM_WARN_BASELINE_OFF_SCALE] = "baseline_off_scale",
    [MSCSIM_WARN_FAILURES] = "failures",
    [MSCSIM_WARN_LOW_COVERAGE] = "low_coverage",
    [MSCSIM_WARN_FLOOR] = "floor",
    [MSCSIM_WARN_CEILING] = "ceiling",
};

static const char *const rules[MSCSIM_WARN_COUNT] = {
    [MSCSIM_WARN_BASELINE_OFF_SCALE] =
        "more than half the baseline distribution lies outside the scale's range",
    [MSCSIM_WARN_FAILURES] = "more than 1 % of the trials' analyses failed",
    [MSCSIM_WARN_LOW_COVERAGE] =
        "the 95 % intervals cover the true effect in clearly fewer than 93 % of the trials",
    [MSCSIM_WARN_FLOOR] = "more than half the observed primary scores are at the scale's floor",
    [MSCSIM_WARN_CEILING] =
        "more than half the observed primary scores are at the scale's ceiling",
};

SIM_API const char *mscsim_warning_rule(mscsim_warning w)
{
    return (unsigned)w < MSCSIM_WARN_COUNT ? rules[w] : NULL;
}

SIM_API void mscsim_warnings_clear(mscsim_warnings *w)
{
    w->codes = 0;
    for (int i = 0; i < MSCSIM_WARN_COUNT; i++)
        w->text[i][0] = '\0';
}

SIM_API const char *mscsim_warning_code(mscsim_warning w)
{
    return (unsigned)w < MSCSIM_WARN_COUNT ? codes[w] : NULL;
}

SIM_API char *mscsim_warnings_format(unsigned set, char *buf, size_t len)
{
    if (!buf || len == 0)
        return buf;
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < MSCSIM_WARN_COUNT; i++) {
        if (!(set & (1u << i)))
            continue;
        int n = snprintf(buf + used, len - used, "%s%s", used ? ";" : "", codes[i]);
        if (n < 0 || (size_t)n >= len - used)
            break; /* truncated: the caller's buffer is too small */
        used += (size_t)n;
    }
    return buf;
}

static void raise(mscsim_warnings *w, mscsim_warning which, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void raise(mscsim_warnings *w, mscsim_warning which, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->text[which], sizeof w->text[which], fmt, ap);
    va_end(ap);
    w->codes |= 1u << which;
}

/* P(X < lo) + P(X > hi) for a parametric spec; NaN for an empirical one (its data decide). */
static double mass_outside(const mscsim_dist_spec *s, double lo, double hi)
{
    switch (s->kind) {
    case MSCSIM_DIST_NORMAL:
        return pnorm(lo, s->a, s->b, 1, 0) + pnorm(hi, s->a, s->b, 0, 0);
    case MSCSIM_DIST_UNIFORM: {
        double below = fmin(fmax(lo - s->a, 0.0), s->b - s->a);
        double above = fmin(fmax(s->b - hi, 0.0), s->b - s->a);
        return (below + above) / (s->b - s->a);
    }
    case MSCSIM_DIST_TRUNCNORMAL: {
        /* The normal's mass on [s->lo, s->hi] outside [lo, hi], over its mass there. */
        double a = s->lo, b = s->hi;
        double inside = pnorm(b, s->a, s->b, 1, 0) - pnorm(a, s->a, s->b, 1, 0);
        double below = lo > a ? pnorm(fmin(lo, b), s->a, s->b, 1, 0) - pnorm(a, s->a, s->b, 1, 0)
                              : 0.0;
        double above = hi < b ? pnorm(b, s->a, s->b, 1, 0) - pnorm(fmax(hi, a), s->a, s->b, 1, 0)
                              : 0.0;
        return inside > 0.0 ? (below + above) / inside : (double)NAN;
    }
    case MSCSIM_DIST_LOGNORMAL:
        return plnorm(lo, s->a, s->b, 1, 0) + plnorm(hi, s->a, s->b, 0, 0);
    case MSCSIM_DIST_FIXED:
        return s->a < lo || s->a > hi ? 1.0 : 0.0;
    case MSCSIM_DIST_DISCRETE: {
        double p = 0.0;
        for (int i = 0; i < s->count; i++)
            if (s->values[i] < lo || s->values[i] > hi)
                p += s->probs[i];
        return p;
    }
    default:
        return NAN;
    }
}

SIM_API void mscsim_warnings_design(const mscsim_design *d, mscsim_warnings *w)
{
    const mscsim_scale *scale = &d->scale;
    const mscsim_dist_spec *b = &d->cfg.baseline;
    if (!d->model->has_baseline_score || !mscsim_scale_bounded(scale) ||
        !(mscsim_population_drawn(d->pop) & MSCSIM_NEED_BASELINE))
        return;
    double share = b->kind == MSCSIM_DIST_EMPIRICAL
                       ? sim_population_baseline_outside(d->pop, scale->min, scale->max)
                       : mass_outside(b, scale->min, scale->max);
    if (!(share > MSCSIM_WARN_OFF_SCALE_SHARE))
        return;
    char spec[MSCSIM_DIST_PATH_LEN + 96];
    mscsim_distspec_format(b, spec, sizeof spec);
    raise(w, MSCSIM_WARN_BASELINE_OFF_SCALE,
          "[baseline] score = %s puts %.3g %% of the baseline scores outside the %s scale's "
          "range [%g, %g]; they are clipped to it, so the design is not the one described: "
          "check the distribution's units and the [outcome] scale",
          spec, 100.0 * share, scale->name, scale->min, scale->max);
}

SIM_API void mscsim_warnings_cell(const mscsim_cell_summary *s, mscsim_warnings *w)
{
    if (s->reps > 0 && s->failures == s->reps)
        raise(w, MSCSIM_WARN_FAILURES,
              "%s: the analysis failed in every one of the %ld trials (it could not be "
              "computed), so the power of 0 and the NA estimates describe no test: see the "
              "analysis' failure rules (arm sizes, events, the endpoint)",
              s->analysis, s->reps);
    else if (s->reps > 0 && (double)s->failures > MSCSIM_WARN_FAILURE_SHARE * (double)s->reps)
        raise(w, MSCSIM_WARN_FAILURES,
              "%s: the analysis failed in %ld of %ld trials (%.3g %%), which count as not "
              "rejecting and are left out of the estimates",
              s->analysis, s->failures, s->reps, 100.0 * (double)s->failures / (double)s->reps);
    long computed = s->reps - s->failures;
    if (isfinite(s->coverage) && computed > 0 && s->coverage < MSCSIM_WARN_COVERAGE) {
        double lo, hi;
        mscsim_wilson_interval(lround(s->coverage * (double)computed), computed,
                               COVERAGE_CLAIM_CONF, &lo, &hi);
        if (hi < NOMINAL_COVERAGE)
            raise(w, MSCSIM_WARN_LOW_COVERAGE,
                  "%s: the 95 %% intervals contain the true effect in %.3g %% of %ld trials "
                  "(99.9 %% interval %.3g-%.3g %%): its SE understates the estimate's spread, "
                  "or the estimate is biased (see bias, empirical_se and mean_se)",
                  s->analysis, 100.0 * s->coverage, computed, 100.0 * lo, 100.0 * hi);
    }
    const struct {
        mscsim_warning which;
        double share;
        const char *bound;
    } bounds[] = {{MSCSIM_WARN_FLOOR, s->floor_share, "floor"},
                  {MSCSIM_WARN_CEILING, s->ceiling_share, "ceiling"}};
    for (size_t i = 0; i < SIM_ARRAY_LEN(bounds); i++)
        if (bounds[i].share > MSCSIM_WARN_BOUND_SHARE)
            raise(w, bounds[i].which,
                  "%.3g %% of the observed primary scores are at the scale's %s: the scale "
                  "cannot show differences there, so the power says more about the scale than "
                  "the treatment",
                  100.0 * bounds[i].share, bounds[i].bound);
}
