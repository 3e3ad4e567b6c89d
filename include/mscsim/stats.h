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
