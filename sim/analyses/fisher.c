/*
 * Fisher's exact test of the 2x2 arm-by-outcome table.
 *
 * DESCRIPTION
 *   Conditional on the margins, the msc event count X is hypergeometric: with m events,
 *   f non-events and k = n1 msc patients, P(X = j) is proportional to C(m, j) C(f, k - j)
 *   on lo = max(0, k - f) .. hi = min(k, m). The p-values are those of R's fisher.test:
 *   - two-sided: the total probability of tables no more likely than the observed one,
 *     sum of P(j) over P(j) <= P(x) (1 + 1e-7) (fisher.test's relErr, which makes
 *     tables tied in exact arithmetic count despite rounding);
 *   - one-sided "greater" (msc has the higher event rate): P(X >= x).
 *   Statistic: the msc event count x. Estimate: risk difference p1 - p0 with the unpooled
 *   Wald SE and df = INFINITY (a normal interval), as for chisq. The decision always uses
 *   the p-value (reject when p < alpha), so p_value is always filled.
 *
 * METHOD
 *   Unnormalised probabilities w(j) = P(j) / P(mode) by the ratio recurrence
 *     w(j + 1) / w(j) = (m - j)(k - j) / ((j + 1)(f - k + j + 1)),
 *   walking outward from the mode, where w = 1: no lgamma, no allocation, no overflow,
 *   and the terms underflow only where R's exp(logd - max(logd)) does too. The
 *   distribution is log-concave, so the ratios fall outward and, once every remaining term
 *   of a walk belongs to one sum, the rest is bounded by the geometric series
 *   w r / (1 - r); the walk stops when that bound is below TAIL_EPS of its sum. The cost is
 *   a few standard deviations of X (~sqrt(n)) plus the distance from the mode to x, not
 *   the size of the support.
 *
 * FAILURE
 *   Only an empty arm (or a non-0/1 endpoint). A zero margin gives p = 1, as in R.
 *
 * REFERENCE
 *   Fisher (1935), JRSS 98:39-82; Agresti (1992), Stat Sci 7:131-153; R
 *   stats/R/fisher.test.R (R 4.2): dnhyper, relErr <- 1 + 10^(-7), phyper(x - 1, ...,
 *   lower.tail = FALSE).
 */

#include <float.h>
#include <math.h>

#include "analysis_impl.h"
#include "analytic_impl.h"

/* fisher.test's relative tolerance for "no more likely than the observed table". */
#define FISHER_REL_ERR (1.0 + 1e-7)

/* Truncation of the tail walk, relative to the sum it feeds: far below the ~1e-13 rounding
 * of the recurrence itself. */
#define TAIL_EPS (DBL_EPSILON / 16.0)

typedef struct {
    double m, f, k; /* events, non-events, msc patients */
} hyper;

/* w(j + 1) / w(j) */
static inline double ratio_up(const hyper *h, double j)
{
    return ((h->m - j) * (h->k - j)) / ((j + 1.0) * (h->f - h->k + j + 1.0));
}

/* w(j - 1) / w(j) */
static inline double ratio_down(const hyper *h, double j)
{
    return (j * (h->f - h->k + j)) / ((h->m - j + 1.0) * (h->k - j + 1.0));
}

/* The remaining terms past w with next ratio r are negligible against sum. */
static inline int negligible(double w, double r, double sum)
{
    return w == 0.0 || (r < 1.0 && w * r <= TAIL_EPS * sum * (1.0 - r));
}

/* Two-sided p: sum of w(j) <= w(x) relErr over the sum of all w(j). */
static double p_two_sided(const hyper *h, double lo, double hi, double mode, double x)
{
    double wx = 1.0;
    if (x > mode)
        for (double j = mode; j < x; j++)
            wx *= ratio_up(h, j);
    else
        for (double j = mode; j > x; j--)
            wx *= ratio_down(h, j);
    const double thr = wx * FISHER_REL_ERR;

    double total = 0.0, tail = 0.0;
    /* Downward from the mode, then upward from mode + 1, each with the same products as
     * above, so w(x) is reproduced bit for bit. Past the first term <= thr, every later
     * term of the walk is <= thr as well (log-concavity), hence in the tail sum. */
    double w = 1.0;
    for (double j = mode;; j--) {
        total += w;
        int in_tail = w <= thr;
        if (in_tail)
            tail += w;
        if (j <= lo)
            break;
        double r = ratio_down(h, j);
        if (in_tail && negligible(w, r, tail))
            break;
        w *= r;
    }
    w = 1.0;
    for (double j = mode; j < hi;) {
        double r = ratio_up(h, j);
        w *= r;
        j++;
        total += w;
        int in_tail = w <= thr;
        if (in_tail)
            tail += w;
        if (j >= hi)
            break;
        if (in_tail && negligible(w, ratio_up(h, j), tail))
            break;
    }
    double p = tail / total;
    return p < 1.0 ? p : 1.0; /* fisher.test: max(0, min(1, PVAL)) */
}

/* One-sided p: P(X >= x) = sum of w(j), j >= x, over the sum of all w(j). */
static double p_greater(const hyper *h, double lo, double hi, double mode, double x)
{
    double total = 0.0, upper = 0.0;
    double w = 1.0;
    for (double j = mode;; j--) {
        total += w;
        if (j >= x)
            upper += w;
        if (j <= lo)
            break;
        double r = ratio_down(h, j);
        /* Remaining terms j - 1, j - 2, ...: all in the upper sum when lo >= x (then
         * upper > 0), all outside it once j - 1 < x. */
        if (lo >= x ? negligible(w, r, upper) : (j - 1.0 < x && negligible(w, r, total)))
            break;
        w *= r;
    }
    w = 1.0;
    for (double j = mode; j < hi;) {
        w *= ratio_up(h, j);
        j++;
        total += w;
        if (j >= x)
            upper += w;
        if (j >= hi)
            break;
        /* Remaining terms j + 1, ...: all in the upper sum once j + 1 >= x. */
        if (j + 1.0 >= x && upper > 0.0 && negligible(w, ratio_up(h, j), upper))
            break;
    }
    double p = upper / total;
    return p < 1.0 ? p : 1.0;
}

static void analyze(const mscsim_trial_data *data, const mscsim_analysis_settings *settings,
                    mscsim_analysis_result *result)
{
    double n[2], x[2];
    if (!sim_analysis_binary_counts(data, n, x, result))
        return;
    const double total = n[0] + n[1];
    hyper h = {.m = x[0] + x[1], .k = n[1]};
    h.f = total - h.m;
    double lo = fmax(0.0, h.k - h.f), hi = fmin(h.k, h.m);
    /* Mode of the hypergeometric: floor((k + 1)(m + 1) / (N + 2)), within [lo, hi]. */
    double mode = floor((h.k + 1.0) * (h.m + 1.0) / (total + 2.0));
    mode = fmin(fmax(mode, lo), hi);

    double p = settings->sides == 2 ? p_two_sided(&h, lo, hi, mode, x[1])
                                    : p_greater(&h, lo, hi, mode, x[1]);
    sim_analysis_risk_difference(n, x, result);
    result->statistic = x[1];
    result->p_value = p;
    result->reject = p < settings->alpha;
    result->failed = 0;
    result->reason = NULL;
}

/* Exact enumeration of the tables (no formula approximates the conditional test). */
static sim_analytic_status fisher_design(const mscsim_analytic_outcome *o,
                                         const mscsim_config *cfg, mscsim_analytic_design *d,
                                         char *why, size_t why_len)
{
    (void)cfg;
    if (o->kind != SIM_ANALYTIC_BINARY)
        return SIM_ANALYTIC_NO_FORMULA;
    if (d->dropout[0] > 0.0 || d->dropout[1] > 0.0)
        return sim_analytic_none(why, why_len,
                                 "fisher with dropout: the exact enumeration over every pair "
                                 "of analysed arm sizes is too slow");
    d->method = MSCSIM_ANALYTIC_EXACT_FISHER;
    return SIM_ANALYTIC_FOUND;
}

static const mscsim_analytic_hook analytic = {
    .design = fisher_design, .counts_only = 1, .exact = MSCSIM_ANALYTIC_EXACT_FISHER};

const mscsim_analysis_type sim_analysis_fisher = {
    .name = "fisher",
    .description = "Fisher's exact test of the 2x2 table (fisher.test)",
    .outcomes = MSCSIM_OUTCOME_BINARY,
    .uses_baseline = 0,
    .analyze = analyze,
    .sufficient = MSCSIM_SUFFICIENT_STATS | MSCSIM_SUFFICIENT_COUNTS,
    .analytic = &analytic,
};
