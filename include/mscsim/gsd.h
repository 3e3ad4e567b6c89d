#ifndef MSCSIM_GSD_H
#define MSCSIM_GSD_H

/**
 * Group-sequential boundaries: Lan-DeMets alpha spending for efficacy and, optionally, beta
 * spending for futility, on planned information fractions, by recursive numerical
 * integration of the canonical joint distribution of the standardized statistics
 * (Armitage, McPherson & Rowe 1969; Jennison & Turnbull 2000, ch. 19). Also the exit
 * probabilities of any drift, which give a design's power and expected sample size.
 *
 * Canonical form: Z_k ~ N(theta sqrt(t_k), 1) with cov(Z_j, Z_k) = sqrt(t_j / t_k) for
 * t_j <= t_k, theta the drift (the mean of Z at information fraction 1). One-sided designs
 * (sides = 1) reject for Z_k >= efficacy_z[k] and stop for futility when Z_k <= futility_z[k];
 * two-sided designs (sides = 2) are symmetric and reject for |Z_k| >= efficacy_z[k].
 *
 * Every function is thread-safe, never prints and allocates nothing beyond its own
 * stack.
 */

#include "mscsim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most looks of a design (the last one is the final analysis). */
#define MSCSIM_MAX_LOOKS 10

/** A spending function's family. */
typedef enum {
    MSCSIM_SPENDING_NONE = 0,       /**< No early stopping: nothing spent before t = 1. */
    MSCSIM_SPENDING_OBRIEN_FLEMING, /**< 2 - 2 Phi(z_{1 - l/2} / sqrt(t)) (Lan & DeMets 1983). */
    MSCSIM_SPENDING_POCOCK,         /**< l log(1 + (e - 1) t). */
    MSCSIM_SPENDING_HSD             /**< l (1 - exp(-gamma t)) / (1 - exp(-gamma)) (Hwang, Shih & DeCani 1990); l t at gamma 0. */
} mscsim_spending_family;

/** A spending function: its family and, for HSD, gamma in [-10, 10]. */
typedef struct {
    mscsim_spending_family family;
    double gamma;
} mscsim_spending;

/**
 * Cumulative error spent by information fraction t in [0, 1] by a function of total level
 * `level` in (0, 1): 0 at t = 0, `level` at t = 1 (for NONE: 0 before 1). NaN for invalid
 * arguments.
 */
double mscsim_spending_cumulative(const mscsim_spending *f, double level, double t);

/** What to compute: the design of the looks. */
typedef struct {
    int looks;                       /**< 1..MSCSIM_MAX_LOOKS. */
    double t[MSCSIM_MAX_LOOKS];      /**< Information fractions, increasing, in (0, 1], last = 1. */
    double alpha;                    /**< Total type I error, in (0, 1). */
    int sides;                       /**< 1 or 2 (symmetric). */
    mscsim_spending efficacy;        /**< Alpha spending. */
    mscsim_spending futility;        /**< Beta spending (sides = 1 only); NONE = no futility. */
    double beta;                     /**< Type II error the futility bounds spend, in (0, 1). */
    int binding;                     /**< 1: efficacy bounds account for futility stopping. */
} mscsim_gsd_spec;

/** Computed boundaries. */
typedef struct {
    int looks;
    double t[MSCSIM_MAX_LOOKS];
    double efficacy_z[MSCSIM_MAX_LOOKS]; /**< z boundaries; +Inf where nothing is spent. */
    double futility_z[MSCSIM_MAX_LOOKS]; /**< -Inf without futility; the last equals efficacy_z. */
    double cumulative_alpha[MSCSIM_MAX_LOOKS]; /**< Spending function at t_k (as rpact's alphaSpent). */
    double cumulative_beta[MSCSIM_MAX_LOOKS];  /**< Beta spent at t_k (0 without futility). */
    double drift;  /**< With futility: the drift whose power is 1 - beta; else NaN. */
    int sides;
    int binding;
} mscsim_gsd_bounds;

/**
 * Computes the boundaries of spec: efficacy bounds so that the probability under theta = 0
 * of first crossing at look k is the alpha spent there (with futility stopping counted only
 * when binding); with futility, bounds so that under the drift theta the probability of
 * first stopping for futility at look k is the beta spent there, theta solved so that the
 * last futility and efficacy bounds meet (power 1 - beta). Boundaries agree with rpact's
 * getDesignGroupSequential to about 1e-6. Returns MSCSIM_OK, or MSCSIM_EINVAL with the reason
 * in err (looks not increasing or not ending at 1, levels out of range, futility with
 * sides = 2).
 */
int mscsim_gsd_bounds_compute(const mscsim_gsd_spec *spec, mscsim_gsd_bounds *out,
                              mscsim_error *err);

/** Stopping probabilities of a design under one drift. */
typedef struct {
    double reject[MSCSIM_MAX_LOOKS];   /**< P(first crossing of the efficacy bound at look k). */
    double futility[MSCSIM_MAX_LOOKS]; /**< P(stopping for futility at look k), k < last. */
    double power;                      /**< Sum of reject. */
} mscsim_gsd_probs;

/**
 * The exit probabilities of bounds under drift theta (futility bounds are obeyed, whether or
 * not they were binding when computed). For sides = 2, reject counts both tails.
 */
void mscsim_gsd_probabilities(const mscsim_gsd_bounds *bounds, double theta,
                              mscsim_gsd_probs *out);

/**
 * The expected information fraction at stopping under drift theta: sum over looks of the
 * probability of stopping there times its fraction (the last look takes every trial that did
 * not stop before). Times the maximum sample size, the expected sample size without
 * follow-up delay.
 */
double mscsim_gsd_expected_fraction(const mscsim_gsd_bounds *bounds, double theta);

/**
 * The drift theta at which bounds reject for benefit (the upper bound, at any look; futility
 * bounds obeyed, and for sides = 2 the lower bound stops a trial without counting, as in
 * rpact's getDesignCharacteristics) with probability power; that power grows with theta.
 * NaN unless power is in (its value at theta = 0, 1).
 */
double mscsim_gsd_drift_for_power(const mscsim_gsd_bounds *bounds, double power);

/**
 * The inflation factor of bounds at power: (theta / (z_{1 - alpha / sides} + z_power))^2,
 * theta = mscsim_gsd_drift_for_power and alpha the total spent (cumulative_alpha at the last
 * look). The design with looks reaches that power at the fixed design's n times it
 * (rpact's getDesignCharacteristics()$inflationFactor, at power 1 - beta). NaN as the drift.
 */
double mscsim_gsd_inflation_factor(const mscsim_gsd_bounds *bounds, double power);

/**
 * Conditional power at a look: the probability that the final statistic reaches final_z
 * given Z = z at information fraction t in (0, 1), when the drift is theta:
 * Phi_upper((final_z - z sqrt(t) - theta (1 - t)) / sqrt(1 - t)) (the B-value form;
 * Lan & Wittes 1988). theta = z / sqrt(t) is "under the current trend".
 */
double mscsim_gsd_conditional_power(double z, double t, double final_z, double theta);

#ifdef __cplusplus
}
#endif
#endif
