#ifndef MSCSIM_STATS_H
#define MSCSIM_STATS_H

/** Numeric summaries used to report Monte Carlo results. All functions are thread-safe. */

#ifdef __cplusplus
extern "C" {
#endif

/** Running mean and sum of squared deviations (Welford 1962), stable over millions of values. */
typedef struct {
    long count;
    double mean;
    double m2;
} mscsim_welford;

/** Adds x to w (start from a zeroed struct). */
void mscsim_welford_add(mscsim_welford *w, double x);

/**
 * Adds the values summarised in b to a (Chan, Golub and LeVeque 1979, the pairwise update
 * of the mean and of the sum of squared deviations); a empty takes b exactly. The result
 * depends on the order of the merges, so callers merge in a fixed order.
 */
void mscsim_welford_merge(mscsim_welford *a, const mscsim_welford *b);

/** Sample standard deviation (n - 1 denominator); NaN with fewer than two values. */
double mscsim_welford_sd(const mscsim_welford *w);

/**
 * Wilson score interval for successes out of trials at confidence conf (e.g. 0.95):
 * E. B. Wilson, JASA 22 (1927). trials = 0 gives NaN bounds.
 */
void mscsim_wilson_interval(long successes, long trials, double conf, double *lo, double *hi);

#ifdef __cplusplus
}
#endif
#endif
