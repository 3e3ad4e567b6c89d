/*
 * Posterior probabilities. The risk-difference integral
 *   P(p1 - p0 > d) = F0(-d) [d < 0] + int_{max(0, -d)}^{min(1, 1 - d)} f0(u) S1(u + d) du
 * (f0, F0 the control posterior's density and distribution, S1 the msc posterior's upper
 * tail) is taken over the control posterior's range from its 1e-15 to its 1 - 1e-15
 * quantile (2e-15 of mass left out) by tanh-sinh quadrature.
 */
#include "mscsim/posterior.h"

#include <math.h>

#include "internal.h"
#include "mathlib.h"

#define TAIL_MASS 1e-15
#define ABS_TOL 1e-13

SIM_API double mscsim_posterior_normal_exceeds(double estimate, double se, double prior_mean,
                                               double prior_sd, double threshold)
{
    if (!(se > 0.0) || !isfinite(se) || !(prior_sd > 0.0) || isnan(estimate) || isnan(threshold))
        return NAN;
    double mean = estimate, sd = se;
    if (isfinite(prior_sd)) {
        double w_data = 1.0 / (se * se), w_prior = 1.0 / (prior_sd * prior_sd);
        mean = (estimate * w_data + prior_mean * w_prior) / (w_data + w_prior);
        sd = 1.0 / sqrt(w_data + w_prior);
    }
    return pnorm(threshold, mean, sd, 0, 0);
}

typedef struct {
    double a0, b0, a1, b1, d;
} rd_problem;

/* f0(u) S1(u + d) from u and its complement cu = 1 - u (both exact): next to 1 the density
 * and the tail are taken from the mirrored beta, which a double near 1 cannot resolve. */
static double integrand(const rd_problem *p, double u, double cu)
{
    double f = u < 0.5 ? dbeta(u, p->a0, p->b0, 0) : dbeta(cu, p->b0, p->a0, 0);
    double v = u + p->d, cv = cu - p->d;
    double s = v < 0.5 ? pbeta(v, p->a1, p->b1, 0, 0) : pbeta(cv, p->b1, p->a1, 1, 0);
    return f * s;
}

/* The integral of the integrand over [lo, hi] by tanh-sinh (double exponential) quadrature:
 * u = lo + (hi - lo) / (1 + exp(-2 y)), y = (pi / 2) sinh(t), whose nodes crowd towards both
 * ends double-exponentially, so an integrable singularity of a beta density there (shape
 * below 1) costs nothing extra. The step in t is halved until two levels agree to ABS_TOL;
 * nodes are taken while their weight matters (|t| <= T_MAX). Each node is placed by its
 * offset from the nearer end, so nodes next to either end keep their precision. */
#define T_MAX 4.0
#define MAX_LEVEL 8

/* The integrand at a node next to an end: a beta density is infinite at 0 or 1 for a shape
 * below 1, where the node's weight is far below anything that counts. */
static double end_value(const rd_problem *p, double u, double cu)
{
    double f = integrand(p, u, cu);
    return isfinite(f) ? f : 0.0;
}

static double tanh_sinh(const rd_problem *p, double lo, double chi)
{
    double hi = 1.0 - chi, width = hi - lo, step = 0.5, sum = 0.0, previous = NAN;
    const double half_pi = 2.0 * atan(1.0);
    for (int level = 0; level <= MAX_LEVEL; level++, step *= 0.5) {
        /* Level 0 takes every multiple of the step; later levels only the new odd ones. */
        for (double t = level == 0 ? 0.0 : step; t <= T_MAX; t += level == 0 ? step : 2.0 * step) {
            double y = half_pi * sinh(t), dy = half_pi * cosh(t);
            double e = exp(-2.0 * y), share = 1.0 / (1.0 + e); /* (1 + tanh y) / 2 */
            double w = 2.0 * dy * e * share * share * width;   /* du/dt */
            double offset = width * (e * share); /* from the nearer end */
            if (t == 0.0) {
                sum += w * integrand(p, lo + 0.5 * width, chi + 0.5 * width);
                continue;
            }
            sum += w * (end_value(p, hi - offset, chi + offset) +
                        end_value(p, lo + offset, (1.0 - lo) - offset));
        }
        double estimate = sum * step;
        if (level > 0 && fabs(estimate - previous) <= ABS_TOL)
            return estimate;
        previous = estimate;
    }
    return previous;
}

SIM_API double mscsim_posterior_rd_exceeds(const double a[2], const double b[2], const long n[2],
                                           const long x[2], double threshold)
{
    for (int k = 0; k < 2; k++)
        if (!(a[k] > 0.0 && b[k] > 0.0) || n[k] < 0 || x[k] < 0 || x[k] > n[k])
            return NAN;
    if (!(threshold > -1.0 && threshold < 1.0))
        return NAN;
    rd_problem p = {a[0] + (double)x[0], b[0] + (double)(n[0] - x[0]), a[1] + (double)x[1],
                    b[1] + (double)(n[1] - x[1]), threshold};
    double below = 0.0;
    if (threshold < 0.0)
        below = pbeta(-threshold, p.a0, p.b0, 1, 0); /* there p1 > u + d surely */
    /* The window [lo, 1 - chi], chi from the mirrored quantile so it is exact next to 1. */
    double lo = fmax(fmax(0.0, -threshold), qbeta(TAIL_MASS, p.a0, p.b0, 1, 0));
    double chi = fmax(fmax(0.0, threshold), qbeta(TAIL_MASS, p.b0, p.a0, 1, 0));
    if (!(lo < 1.0 - chi))
        return below;
    double v = below + tanh_sinh(&p, lo, chi);
    return fmin(1.0, fmax(0.0, v));
}
