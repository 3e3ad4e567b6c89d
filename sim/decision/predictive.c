/*
 * Predictive probabilities of final success at an interim look (Spiegelhalter, Freedman &
 * Blackburn 1986; Berry et al. 2011, ch. 2): the probability, under the current posterior,
 * that the final analysis will succeed by its rule.
 *
 * Normal approximation. With information I_k = 1 / se^2 now and I_K = I_k / t at the end,
 * the final estimate given the interim one and theta is
 *   N(t est + (1 - t) theta, (1 - t) t se^2)
 * (the independent increment of the score statistic), and theta ~ N(m, v), the conjugate
 * posterior now. So the final estimate is predicted N(t est + (1 - t) m, (1 - t) t se^2 +
 * (1 - t)^2 v). Every rule's success is "final estimate >= a bound" (the test: z_K se_K;
 * the posterior criterion: the estimate whose posterior puts `probability` above the
 * threshold), so the predictive probability is one normal tail.
 */
#include "mscsim/posterior.h"

#include <math.h>

#include "internal.h"
#include "mathlib.h"

static int is_probability(double p)
{
    return p > 0.0 && p < 1.0;
}

/* The smallest final estimate whose posterior (information I, prior precision w0 and mean
 * m0) gives P(theta > t) >= p: its mean must be at least t + qnorm(p) sd. */
static double posterior_bound(double I, double w0, double m0, double t, double p)
{
    double sd = 1.0 / sqrt(I + w0);
    return ((t + qnorm(p, 0.0, 1.0, 1, 0) * sd) * (I + w0) - w0 * m0) / I;
}

SIM_API double mscsim_predictive_normal(const mscsim_final_rule *rule, double estimate, double se,
                                        double fraction)
{
    int test = !isnan(rule->final_z), mcid = isfinite(rule->mcid);
    if (!(se > 0.0) || !isfinite(se) || !(fraction > 0.0 && fraction < 1.0) || isnan(estimate) ||
        !(rule->prior_sd > 0.0))
        return NAN;
    if (!test && (!is_probability(rule->probability) || isnan(rule->threshold) ||
                  (mcid && !is_probability(rule->mcid_probability))))
        return NAN;
    int flat = isinf(rule->prior_sd);
    double w0 = flat ? 0.0 : 1.0 / (rule->prior_sd * rule->prior_sd);
    double m0 = flat ? 0.0 : rule->prior_mean;
    double Ik = 1.0 / (se * se), IK = Ik / fraction;
    double v = 1.0 / (Ik + w0), m = v * (Ik * estimate + w0 * m0);
    double mean = fraction * estimate + (1.0 - fraction) * m;
    double sd =
        sqrt((1.0 - fraction) * fraction * se * se + (1.0 - fraction) * (1.0 - fraction) * v);
    double bound;
    if (test)
        bound = rule->final_z / sqrt(IK);
    else {
        bound = posterior_bound(IK, w0, m0, rule->threshold, rule->probability);
        if (mcid)
            bound = fmax(bound, posterior_bound(IK, w0, m0, rule->mcid, rule->mcid_probability));
    }
    return pnorm(bound, mean, sd, 0, 0);
}

typedef struct {
    const mscsim_final_rule *rule;
    const double *a, *b;
    long N[2]; /* final patients per arm */
    long x[2]; /* events so far */
} rd_final;

/* Whether the final analysis succeeds with y0, y1 events to come. */
static int rd_success(const rd_final *f, long y0, long y1)
{
    long X[2] = {f->x[0] + y0, f->x[1] + y1};
    if (!(mscsim_posterior_rd_exceeds(f->a, f->b, f->N, X, f->rule->threshold) >=
          f->rule->probability))
        return 0;
    return !isfinite(f->rule->mcid) ||
           mscsim_posterior_rd_exceeds(f->a, f->b, f->N, X, f->rule->mcid) >=
               f->rule->mcid_probability;
}

/* P(Y = y) for Y beta-binomial(m, alpha, beta). */
static double beta_binomial(long y, long m, double alpha, double beta)
{
    return exp(lchoose((double)m, (double)y) + lbeta((double)y + alpha, (double)(m - y) + beta) -
               lbeta(alpha, beta));
}

SIM_API double mscsim_predictive_rd(const mscsim_final_rule *rule, const double a[2],
                                    const double b[2], const long n[2], const long x[2],
                                    const long more[2])
{
    if (!isnan(rule->final_z) || !is_probability(rule->probability) ||
        !(fabs(rule->threshold) < 1.0) ||
        (isfinite(rule->mcid) &&
         !(fabs(rule->mcid) < 1.0 && is_probability(rule->mcid_probability))))
        return NAN;
    for (int k = 0; k < 2; k++)
        if (!(a[k] > 0.0 && b[k] > 0.0) || n[k] < 0 || x[k] < 0 || x[k] > n[k] || more[k] < 0)
            return NAN;
    rd_final f = {rule, a, b, {n[0] + more[0], n[1] + more[1]}, {x[0], x[1]}};
    /* The current posteriors, the future events' beta-binomial parameters. */
    double al0 = a[0] + (double)x[0], be0 = b[0] + (double)(n[0] - x[0]);
    double al1 = a[1] + (double)x[1], be1 = b[1] + (double)(n[1] - x[1]);
    long m0 = more[0], m1 = more[1];
    /* j = the fewest future msc events that succeed with y0 control events (m1 + 1: none
     * does); more control events never make success easier, so j only grows with y0. */
    long lo = 0, hi = m1 + 1;
    while (lo < hi) {
        long mid = lo + (hi - lo) / 2;
        if (rd_success(&f, 0, mid))
            hi = mid;
        else
            lo = mid + 1;
    }
    long j = lo, counted = 0; /* below = P(Y1 < counted) */
    double below = 0.0, sum = 0.0;
    for (long y0 = 0; y0 <= m0; y0++) {
        if (y0 > 0)
            while (j <= m1 && !rd_success(&f, y0, j))
                j++;
        for (; counted < j && counted <= m1; counted++)
            below += beta_binomial(counted, m1, al1, be1);
        sum += beta_binomial(y0, m0, al0, be0) * fmax(0.0, 1.0 - below);
    }
    return fmin(1.0, fmax(0.0, sum));
}
