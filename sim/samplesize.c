/*
 * Sample-size search by simulation (see samplesize.h): bracket and bisection over whole
 * allocation blocks with nested trials, then an independent confirmation.
 */
#include "mscsim/samplesize.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "mscsim/engine.h"
#include "mscsim/stats.h"

/* Search candidates below this gain per block are treated as this gain when choosing the
 * confirmation's replicates (a flat or noisy search would otherwise ask for millions). */
#define MIN_GAIN 1e-3
/* Steps the confirmation may move the answer before it gives up and reports. */
#define MAX_CONFIRM_STEPS 12

typedef struct {
    mscsim_design *design;  /* Compiled once: it does not depend on n or reps. */
    mscsim_engine *engine;  /* One for every candidate, re-targeted to each. */
    const mscsim_ss_options *opt;
    mscsim_ss_result *out;
    long block, block_control, block_msc;
    long search_reps;
    /* Search powers by block count, for the bisection's bookkeeping. */
    double *search_power;
    long max_blocks;
} search;

/* Expected non-rejections at the target that a confirmation must be able to see. */
#define RESOLVE_MISSES 20.0

SIM_API long mscsim_ss_confirm_reps(double target, double gain, long min_reps)
{
    double g = fmax(fabs(gain), MIN_GAIN);
    double reps = ceil(16.0 * target * (1.0 - target) / (g * g));
    /* Enough trials that about RESOLVE_MISSES of them fail to reject at the target: a power
     * estimated at exactly 1 from a handful of trials resolves no target. */
    reps = fmax(reps, ceil(RESOLVE_MISSES / (1.0 - target)));
    if (reps > (double)MSCSIM_SS_MAX_CONFIRM_REPS)
        reps = (double)MSCSIM_SS_MAX_CONFIRM_REPS;
    return reps < (double)min_reps ? min_reps : (long)reps;
}

/* Simulates `blocks` blocks with reps replicates; appends the evaluation to the trace. */
static int evaluate(search *s, long blocks, long reps, mscsim_ss_stage stage,
                    mscsim_ss_eval *result, mscsim_error *err)
{
    long n = blocks * s->block;
    mscsim_ss_eval e = {stage, n, blocks * s->block_control, blocks * s->block_msc, reps,
                        0, NAN, NAN, NAN, NAN};
    mscsim_engine *eng = s->engine;
    int status = mscsim_engine_retarget(eng, &n, 1, reps, stage == MSCSIM_SS_SEARCH, err);
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
        e.expected_n = sum.expected_n;
        s->out->trials += sum.reps;
        if (s->out->trace_count < MSCSIM_SS_MAX_EVALS)
            s->out->trace[s->out->trace_count++] = e;
        *result = e;
    }
    return status;
}

/* Search power at `blocks`, simulated once and remembered. */
static int search_power(search *s, long blocks, double *power, mscsim_error *err)
{
    if (!isnan(s->search_power[blocks])) {
        *power = s->search_power[blocks];
        return MSCSIM_OK;
    }
    mscsim_ss_eval e;
    int status = evaluate(s, blocks, s->search_reps, MSCSIM_SS_SEARCH, &e, err);
    if (!status)
        *power = s->search_power[blocks] = e.power;
    return status;
}

/* Bracket from the start with steps growing from a sixteenth of it (a good start, such as
 * the formula's answer, is bracketed in one or two steps), then bisect: the smallest block
 * count whose search power reaches the target (with nested trials the estimates are nearly
 * monotone in n). */
static int run_search(search *s, long k_min, long start, long *answer, mscsim_error *err)
{
    double t = s->opt->target, p;
    long lo = k_min - 1, hi; /* lo: below the target (k_min - 1: nothing smaller exists). */
    long step = start / 16 > 1 ? start / 16 : 1;
    int status = search_power(s, start, &p, err);
    if (status)
        return status;
    if (p >= t) {
        for (hi = start; hi > k_min; step *= 2) {
            long probe = hi - step >= k_min ? hi - step : k_min;
            if ((status = search_power(s, probe, &p, err)) != MSCSIM_OK)
                return status;
            if (p < t) {
                lo = probe;
                break;
            }
            hi = probe;
        }
    } else {
        for (lo = start;; step *= 2) {
            hi = lo + step < s->max_blocks ? lo + step : s->max_blocks;
            if ((status = search_power(s, hi, &p, err)) != MSCSIM_OK)
                return status;
            if (p >= t)
                break;
            if (hi == s->max_blocks)
                return sim_error_set(err, MSCSIM_ERANGE,
                                        "the target power %g is not reached by n = %ld "
                                        "(power %.4f there)",
                                        t, hi * s->block, p);
            lo = hi;
        }
    }
    while (hi - lo > 1) {
        long mid = lo + (hi - lo) / 2;
        if ((status = search_power(s, mid, &p, err)) != MSCSIM_OK)
            return status;
        if (p >= t)
            hi = mid;
        else
            lo = mid;
    }
    *answer = hi;
    double below = lo >= k_min ? s->search_power[lo] : 0.0;
    s->out->gain_per_block = s->search_power[hi] - below;
    return MSCSIM_OK;
}

/* Independent confirmation at k and k - 1, moving one block at a time until the power at k
 * reaches the target and the power at k - 1 does not. */
static int confirm(search *s, long k_min, long k, mscsim_error *err)
{
    mscsim_ss_result *out = s->out;
    double t = s->opt->target;
    long reps = out->confirm_reps;
    mscsim_ss_eval at, below = {0};
    int status = evaluate(s, k, reps, MSCSIM_SS_CONFIRM, &at, err);
    for (int step = 0; !status && step < MAX_CONFIRM_STEPS; step++) {
        if (at.power < t) { /* Not reached: one block up. */
            below = at;
            if (k + 1 > s->max_blocks)
                break;
            status = evaluate(s, ++k, reps, MSCSIM_SS_CONFIRM, &at, err);
            continue;
        }
        if (k == k_min) {
            below.reps = 0;
            break;
        }
        if (below.reps == 0 || below.n_total != (k - 1) * s->block)
            status = evaluate(s, k - 1, reps, MSCSIM_SS_CONFIRM, &below, err);
        if (status || below.power < t)
            break;
        at = below; /* Reached one block lower too: step down. */
        below.reps = 0;
        k--;
    }
    if (status)
        return status;
    out->at = at;
    out->below = below;
    out->n_total = at.n_total;
    out->n_control = at.n_control;
    out->n_msc = at.n_msc;
    return MSCSIM_OK;
}

SIM_API int mscsim_samplesize(const mscsim_config *cfg, const mscsim_ss_options *opt,
                                 mscsim_ss_result *out, mscsim_error *err)
{
    memset(out, 0, sizeof *out);
    if (!(opt->target > 0.0 && opt->target < 1.0))
        return sim_error_set(err, MSCSIM_ERANGE, "target power %g must be in (0, 1)",
                                opt->target);
    if (RESOLVE_MISSES / (1.0 - opt->target) > (double)MSCSIM_SS_MAX_CONFIRM_REPS)
        return sim_error_set(err, MSCSIM_ERANGE,
                             "target power %.10g is too close to 1 for a Monte Carlo answer: "
                             "telling it apart takes more than %ld trials per confirmation "
                             "(the largest target that can be resolved is %.5g)",
                             opt->target, MSCSIM_SS_MAX_CONFIRM_REPS,
                             1.0 - RESOLVE_MISSES / (double)MSCSIM_SS_MAX_CONFIRM_REPS);
    const char *names[MSCSIM_MAX_ANALYSES];
    if (opt->analysis < 0 || opt->analysis >= mscsim_config_analyses(cfg, names))
        return sim_error_set(err, MSCSIM_EINVAL, "analysis %d is not configured", opt->analysis);
    search s = {.opt = opt, .out = out};
    long block[MSCSIM_ARM_COUNT];
    mscsim_config_block(cfg, block);
    s.block_control = block[MSCSIM_ARM_CONTROL];
    s.block_msc = block[MSCSIM_ARM_MSC];
    s.block = out->block = s.block_control + s.block_msc;
    long smaller = s.block_control < s.block_msc ? s.block_control : s.block_msc;
    long k_min = (2 + smaller - 1) / smaller; /* Two patients in the smaller arm. */
    s.max_blocks = MSCSIM_SS_MAX_N / s.block;
    s.search_reps = opt->search_reps > 0 ? opt->search_reps : cfg->reps;
    long start_n = opt->start_n > 0 ? opt->start_n : cfg->n[0];
    long start = (start_n + s.block - 1) / s.block;
    if (start < k_min)
        start = k_min;
    if (start > s.max_blocks)
        start = s.max_blocks;
    int status = mscsim_design_new(cfg, &s.design, err);
    double mcse;
    if (!status && mscsim_design_analysis_truth(s.design, opt->analysis, &mcse) == 0.0 &&
        mcse == 0.0)
        /* A null design: power stays at the type I error rate whatever n is. */
        status = sim_error_set(err, MSCSIM_ERANGE,
                               "the true effect of %s is exactly 0 (a null design): its power "
                               "stays at the type I error rate, so no n reaches the target",
                               names[opt->analysis]);
    if (!status)
        status = mscsim_engine_new_with_design(s.design, 0, &s.engine, err);
    if (!status && !(s.search_power = malloc((size_t)(s.max_blocks + 1) * sizeof *s.search_power)))
        status = sim_error_set(err, MSCSIM_ENOMEM, "out of memory");
    for (long k = 0; !status && k <= s.max_blocks; k++)
        s.search_power[k] = NAN;
    long k = 0;
    if (!status)
        status = run_search(&s, k_min, start, &k, err);
    if (!status) {
        out->confirm_reps = opt->confirm_reps > 0
                                ? opt->confirm_reps
                                : mscsim_ss_confirm_reps(opt->target, out->gain_per_block,
                                                         s.search_reps);
        status = confirm(&s, k_min, k, err);
    }
    free(s.search_power);
    mscsim_engine_free(s.engine);
    mscsim_design_free(s.design);
    return status;
}
