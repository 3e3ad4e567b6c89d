#ifndef MSCSIM_DISTSPEC_H
#define MSCSIM_DISTSPEC_H

/**
 * Distribution specifications written in configs, e.g. "normal(40, 15)" or
 * "uniform(0, 49)": parsed once, then drawn from in the hot loop.
 */

#include "mscsim/rng.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    MSCSIM_DIST_NORMAL = 1, /**< normal(mean, sd), sd > 0. */
    MSCSIM_DIST_UNIFORM     /**< uniform(lo, hi), lo < hi. */
} mscsim_dist_kind;

/** A parsed distribution: plain value, copyable. */
typedef struct {
    mscsim_dist_kind kind;
    double a; /**< normal: mean; uniform: lo. */
    double b; /**< normal: sd; uniform: hi. */
} mscsim_dist_spec;

/**
 * Parses text into spec. On failure returns a non-zero status and writes the reason
 * (naming the accepted forms) into why (size why_len). Thread-safe.
 */
int mscsim_distspec_parse(const char *text, mscsim_dist_spec *spec, char *why, unsigned long why_len);

/** Writes spec in the form the parser reads back ("normal(40, 15)"). Returns buf. */
char *mscsim_distspec_format(const mscsim_dist_spec *spec, char *buf, unsigned long len);

/** Theoretical mean and standard deviation of spec. */
double mscsim_distspec_mean(const mscsim_dist_spec *spec);
double mscsim_distspec_sd(const mscsim_dist_spec *spec);

/** One draw from spec. */
double mscsim_distspec_draw(const mscsim_dist_spec *spec, mscsim_rng *rng);

#ifdef __cplusplus
}
#endif
#endif
