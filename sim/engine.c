/*
 * The replicate loop. Each chunk of replicates is spread over the threads; every
 * replicate seeds its own generator from (seed, scenario, n, replicate) and writes its
 * record into the chunk array at its own index; the records are then folded into the
 * cell summary serially, in replicate order. Floating-point sums therefore happen in the
 * same order whatever the thread count, which keeps the CSV byte-identical.
 */
#include "mscsim/engine.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "impute.h"
#include "interim/looks.h"
#include "internal.h"
#include "mscsim/rng.h"
#include "mscsim/stats.h"

/* Replicates per step: large enough to amortise the parallel region (~10 us) over
 * milliseconds of work, small enough for smooth progress and a small, flat buffer. */
#define CHUNK_REPS 8192

/* Confidence of the power interval and of the analysis intervals whose coverage is reported. */
#define REPORT_CONF 0.95

/* Running totals of one cell, folded in replicate order: what the trials were (once per
 * cell), and what each analysis made of them. */
typedef struct {
    long reps_done;
    long long n_analysed, deaths, at_floor, at_ceiling, scored;
    long long missing_arm[MSCSIM_ARM_COUNT];
    mscsim_welford slope;
} trial_totals;

typedef struct {
    long rejections, failures, covered;
    mscsim_welford estimate, se, squared_error;
} analysis_totals;

struct mscsim_engine {
    const mscsim_design *design;
    mscsim_design *owned_design; /* The design mscsim_engine_new compiled, or NULL. */
    const mscsim_config *cfg;    /* The design's config. */
    const mscsim_analysis_type *analysis[MSCSIM_MAX_ANALYSES];
    int analysis_count;
    int want_p;
    mscsim_analysis_settings *settings;
    size_t settings_df;          /* Degrees of freedom the settings tabulate. */
    double truth[MSCSIM_MAX_ANALYSES], truth_mcse[MSCSIM_MAX_ANALYSES];
    int threads;
    /* The run: total sizes (one cell each, in order), replicates per cell, and whether
     * every size draws trial r from one stream. */
    long n[MSCSIM_MAX_N_VALUES];
    long reps;
    int nested_sizes;
    size_t cell_count, cell;
    trial_totals trials[MSCSIM_MAX_N_VALUES];
    analysis_totals totals[MSCSIM_MAX_N_VALUES * MSCSIM_MAX_ANALYSES]; /* analysis fastest */
    mscsim_workspace **ws;       /* One per thread, for ws_capacity patients per arm. */
    size_t ws_capacity;
    mscsim_replicate *records;
    size_t chunk_count, chunk_cell;
    /* Interim looks (look_count 0: a fixed design): boundaries once, a plan per cell. */
    int look_count;
    sim_looks looks[MSCSIM_MAX_N_VALUES];
    sim_looks_totals look_totals[MSCSIM_MAX_N_VALUES];
    sim_look_record *look_records; /* CHUNK_REPS, beside records */
};

static void free_workspaces(mscsim_engine *eng)
{
    if (eng->ws)
        for (int t = 0; t < eng->threads; t++) {
            mscsim_workspace_free(eng->ws[t]);
            eng->ws[t] = NULL;
        }
    eng->ws_capacity = 0;
}

SIM_API void mscsim_engine_free(mscsim_engine *eng)
{
    if (!eng)
        return;
    free_workspaces(eng);
    free(eng->ws);
    free(eng->records);
    free(eng->look_records);
    mscsim_analysis_settings_free(eng->settings);
    mscsim_design_free(eng->owned_design);
    free(eng);
}

SIM_API int mscsim_engine_new(const mscsim_config *cfg, int want_p, mscsim_engine **out,
                                 mscsim_error *err)
{
    *out = NULL;
    mscsim_design *design;
    int status = mscsim_design_new(cfg, &design, err);
    if (status)
        return status;
    if ((status = mscsim_engine_new_with_design(design, want_p, out, err)) != MSCSIM_OK) {
        mscsim_design_free(design);
        return status;
    }
    (*out)->owned_design = design;
    return MSCSIM_OK;
}

/* Sizes the analysis settings and the workspaces for the largest arm of the run; grows
 * them only (a smaller run reuses them: their results do not depend on the size). */
static int fit_run(mscsim_engine *eng, mscsim_error *err)
{
    size_t max_arm = 0;
    for (size_t i = 0; i < eng->cell_count; i++) {
        long sizes[MSCSIM_ARM_COUNT];
        mscsim_config_arm_sizes(eng->cfg, eng->n[i], sizes);
        for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
            if ((size_t)sizes[a] > max_arm)
                max_arm = (size_t)sizes[a];
    }
    int status = MSCSIM_OK;
    if (!eng->settings || 2 * max_arm > eng->settings_df) {
        mscsim_analysis_settings_free(eng->settings);
        eng->settings = NULL;
        status = mscsim_analysis_settings_new(eng->cfg->alpha, eng->cfg->sides, REPORT_CONF,
                                              2 * max_arm, eng->want_p, &eng->settings, err);
        if (status)
            return status;
        eng->settings_df = 2 * max_arm;
    }
    if (eng->ws_capacity > 0 && max_arm <= eng->ws_capacity)
        return MSCSIM_OK;
    free_workspaces(eng);
    for (int t = 0; !status && t < eng->threads; t++)
        status = mscsim_workspace_new(eng->design, max_arm, &eng->ws[t], err);
    if (status)
        free_workspaces(eng);
    else
        eng->ws_capacity = max_arm;
    return status;
}

SIM_API int mscsim_engine_retarget(mscsim_engine *eng, const long *n, int n_count, long reps,
                                      int nested_sizes, mscsim_error *err)
{
    if (n_count < 1 || n_count > MSCSIM_MAX_N_VALUES)
        return sim_error_set(err, MSCSIM_EINVAL, "engine: %d sample sizes (1 to %d allowed)",
                             n_count, MSCSIM_MAX_N_VALUES);
    if (reps < 1)
        return sim_error_set(err, MSCSIM_EINVAL, "engine: reps = %ld must be positive", reps);
    for (int i = 0; i < n_count; i++) {
        long sizes[MSCSIM_ARM_COUNT];
        mscsim_config_arm_sizes(eng->cfg, n[i], sizes);
        if (sizes[MSCSIM_ARM_CONTROL] < 1 || sizes[MSCSIM_ARM_MSC] < 1)
            return sim_error_set(err, MSCSIM_EINVAL, "engine: n = %ld leaves an arm empty", n[i]);
    }
    for (int i = 0; i < n_count; i++)
        eng->n[i] = n[i];
    eng->cell_count = (size_t)n_count;
    eng->reps = reps;
    eng->nested_sizes = nested_sizes != 0;
    eng->cell = eng->chunk_count = eng->chunk_cell = 0;
    memset(eng->trials, 0, sizeof eng->trials);
    memset(eng->totals, 0, sizeof eng->totals);
    memset(eng->look_totals, 0, sizeof eng->look_totals);
    for (int i = 1; eng->look_count && i < n_count; i++)
        eng->looks[i] = eng->looks[0]; /* bounds and p bounds; the plan follows */
    for (int i = 0; eng->look_count && i < n_count; i++)
        mscsim_interim_plan(eng->cfg, n[i], eng->looks[i].plan);
    int status = fit_run(eng, err);
    if (status)
        eng->cell_count = 0; /* Nothing can run: done, rather than stepping without buffers. */
    return status;
}

SIM_API int mscsim_engine_new_with_design(const mscsim_design *design, int want_p,
                                             mscsim_engine **out, mscsim_error *err)
{
    *out = NULL;
    mscsim_engine *eng = calloc(1, sizeof *eng);
    if (!eng)
        return sim_error_set(err, MSCSIM_ENOMEM, "out of memory");
    eng->design = design;
    eng->cfg = mscsim_design_config(design);
    eng->want_p = want_p;
    const char *names[MSCSIM_MAX_ANALYSES];
    eng->analysis_count = mscsim_config_analyses(eng->cfg, names);
    for (int k = 0; k < eng->analysis_count; k++) {
        eng->analysis[k] = mscsim_analysis_find(names[k]);
        eng->truth[k] = mscsim_design_analysis_truth(design, k, &eng->truth_mcse[k]);
    }
    eng->threads = eng->cfg->threads > 0 ? eng->cfg->threads : omp_get_max_threads();
    eng->records = malloc(CHUNK_REPS * sizeof *eng->records);
    eng->ws = calloc((size_t)eng->threads, sizeof *eng->ws);
    int status = MSCSIM_OK;
    eng->look_count = eng->cfg->look_count;
    if (eng->look_count) {
        /* A look compares the analysis' p-value, through z, with its boundary. */
        eng->want_p = 1;
        eng->looks[0].sides = eng->cfg->sides;
        eng->looks[0].pipeline_analyse = eng->cfg->pipeline == MSCSIM_PIPELINE_ANALYSE;
        eng->looks[0].futility = eng->cfg->futility.kind != MSCSIM_RULE_NONE;
        eng->look_records = malloc(CHUNK_REPS * sizeof *eng->look_records);
        status = mscsim_interim_bounds(eng->cfg, &eng->looks[0].bounds, err);
        sim_looks_prepare(&eng->looks[0]);
    }
    if (!status && (!eng->records || !eng->ws || (eng->look_count && !eng->look_records)))
        status = sim_error_set(err, MSCSIM_ENOMEM, "out of memory");
    if (!status)
        status = mscsim_engine_retarget(eng, eng->cfg->n, eng->cfg->n_count, eng->cfg->reps,
                                        eng->cfg->nested_sizes, err);
    if (status) {
        mscsim_engine_free(eng);
        return status;
    }
    *out = eng;
    return MSCSIM_OK;
}

SIM_API int mscsim_engine_done(const mscsim_engine *eng)
{
    return eng->cell >= eng->cell_count;
}

/* Multiple imputation: each analysis on every completed data set, pooled by Rubin's rules
 * with Barnard-Rubin degrees of freedom, then decided by the analyses' own rule. A failed
 * imputation or analysis fails the trial's analysis. */
static void analyse_imputed(const mscsim_engine *eng, mscsim_rng *rng, mscsim_workspace *w,
                            mscsim_replicate *rec)
{
    int m = eng->cfg->imputations, A = eng->analysis_count, failed[MSCSIM_MAX_ANALYSES] = {0};
    double est[MSCSIM_MAX_ANALYSES][MSCSIM_MAX_IMPUTATIONS];
    double var[MSCSIM_MAX_ANALYSES][MSCSIM_MAX_IMPUTATIONS];
    double df_com[MSCSIM_MAX_ANALYSES];
    for (int j = 0; j < m; j++) {
        mscsim_trial_data data;
        if (mscsim_trial_impute(eng->design, w, rng, &data) != MSCSIM_OK) {
            for (int k = 0; k < A; k++) /* Nothing to pool: every analysis fails. */
                failed[k] = 1;
            break;
        }
        for (int k = 0; k < A; k++) {
            if (failed[k]) /* Already lost for this trial: no need to analyse. */
                continue;
            mscsim_analysis_result r;
            eng->analysis[k]->analyze(&data, eng->settings, &r);
            if (r.failed) {
                failed[k] = 1;
                continue;
            }
            est[k][j] = r.estimate;
            var[k][j] = r.se * r.se;
            df_com[k] = r.df; /* The completed data all have the same size. */
        }
    }
    for (int k = 0; k < A; k++) {
        if (failed[k]) {
            mscsim_analysis_decide_t(eng->settings, NAN, NAN, NAN, &rec->result[k]);
            continue;
        }
        double qbar, total, df;
        sim_rubin_pool(est[k], var[k], m, df_com[k], &qbar, &total, &df);
        mscsim_analysis_decide_t(eng->settings, qbar, sqrt(total), df, &rec->result[k]);
    }
}

/* Every analysis of data (or, with multiple imputation, of the completed prefix data
 * points at), for sim_looks_trial. */
typedef struct {
    const mscsim_engine *eng;
    mscsim_rng *rng;
} analyse_ctx;

static void analyse(const void *ctx, const mscsim_trial_data *data, mscsim_workspace *w,
                    mscsim_replicate *rec)
{
    const analyse_ctx *c = ctx;
    if (c->eng->cfg->missing == MSCSIM_MISSING_MI)
        analyse_imputed(c->eng, c->rng, w, rec);
    else
        for (int k = 0; k < c->eng->analysis_count; k++)
            c->eng->analysis[k]->analyze(data, c->eng->settings, &rec->result[k]);
}

/* Simulates one trial and applies every analysis to it (at each look, with looks). */
static void run_replicate(const mscsim_engine *eng, const size_t sizes[MSCSIM_ARM_COUNT],
                          long replicate, mscsim_workspace *w, mscsim_replicate *rec,
                          sim_look_record *looks)
{
    const mscsim_config *cfg = eng->cfg;
    uint64_t scenario = cfg->common_random_numbers ? 1 : (uint64_t)cfg->scenario;
    uint64_t n = eng->nested_sizes ? 0 : (uint64_t)eng->n[eng->cell];
    mscsim_rng rng = mscsim_rng_for_trial(cfg->seed, scenario, n, (uint64_t)replicate);
    mscsim_trial_data data;
    mscsim_trial_simulate(eng->design, &rng, sizes, w, &data, &rec->diag);
    if (looks) {
        analyse_ctx ctx = {eng, &rng};
        sim_looks_trial(&eng->looks[eng->cell], eng->design, w, analyse, &ctx,
                        eng->analysis_count, rec, looks);
    } else if (cfg->missing == MSCSIM_MISSING_MI)
        analyse_imputed(eng, &rng, w, rec);
    else
        for (int k = 0; k < eng->analysis_count; k++)
            eng->analysis[k]->analyze(&data, eng->settings, &rec->result[k]);
    for (int k = 0; k < eng->analysis_count; k++)
        rec->covered[k] = mscsim_analysis_covers(eng->settings, &rec->result[k], eng->truth[k]);
    rec->replicate = replicate;
}

static void fold_trial(trial_totals *t, const mscsim_trial_diag *d)
{
    t->reps_done++;
    t->n_analysed += (long long)(d->n_analysed[0] + d->n_analysed[1]);
    t->missing_arm[0] += (long long)d->missing[0];
    t->missing_arm[1] += (long long)d->missing[1];
    t->deaths += (long long)d->deaths;
    t->at_floor += (long long)d->at_floor;
    t->at_ceiling += (long long)d->at_ceiling;
    t->scored += (long long)d->scored;
    if (!isnan(d->recovery_slope))
        mscsim_welford_add(&t->slope, d->recovery_slope);
}

static void fold_analysis(analysis_totals *t, const mscsim_replicate *rec, int k, double truth)
{
    const mscsim_analysis_result *res = &rec->result[k];
    if (res->failed) {
        t->failures++;
        return;
    }
    t->rejections += res->reject != 0;
    t->covered += rec->covered[k] != 0;
    double e = res->estimate - truth;
    mscsim_welford_add(&t->estimate, res->estimate);
    mscsim_welford_add(&t->se, res->se);
    mscsim_welford_add(&t->squared_error, e * e);
}

SIM_API int mscsim_engine_step(mscsim_engine *eng, mscsim_error *err)
{
    (void)err; /* Nothing in a step can fail: all memory was allocated up front. */
    if (mscsim_engine_done(eng))
        return MSCSIM_OK;
    trial_totals *trials = &eng->trials[eng->cell];
    analysis_totals *t = &eng->totals[eng->cell * (size_t)eng->analysis_count];
    long first = trials->reps_done;
    long count = eng->reps - first;
    if (count > CHUNK_REPS)
        count = CHUNK_REPS;
    long arm_sizes[MSCSIM_ARM_COUNT];
    mscsim_config_arm_sizes(eng->cfg, eng->n[eng->cell], arm_sizes);
    size_t sizes[MSCSIM_ARM_COUNT] = {(size_t)arm_sizes[0], (size_t)arm_sizes[1]};

#pragma omp parallel num_threads(eng->threads)
    {
        mscsim_workspace *w = eng->ws[omp_get_thread_num()];
#pragma omp for schedule(dynamic, 64)
        for (long i = 0; i < count; i++)
            run_replicate(eng, sizes, first + i, w, &eng->records[i],
                          eng->look_count ? &eng->look_records[i] : NULL);
    }

    for (long i = 0; i < count; i++) {
        fold_trial(trials, &eng->records[i].diag);
        for (int k = 0; k < eng->analysis_count; k++)
            fold_analysis(&t[k], &eng->records[i], k, eng->truth[k]);
        if (eng->look_count)
            sim_looks_fold(&eng->look_totals[eng->cell], &eng->look_records[i], &eng->records[i],
                           eng->analysis_count);
    }
    eng->chunk_count = (size_t)count;
    eng->chunk_cell = eng->cell;
    if (trials->reps_done == eng->reps)
        eng->cell++;
    return MSCSIM_OK;
}

SIM_API long mscsim_engine_trials_done(const mscsim_engine *eng)
{
    long done = 0;
    for (size_t c = 0; c < eng->cell_count; c++)
        done += eng->trials[c].reps_done;
    return done;
}

SIM_API double mscsim_engine_progress(const mscsim_engine *eng)
{
    double total = (double)eng->reps * (double)eng->cell_count;
    return total > 0 ? (double)mscsim_engine_trials_done(eng) / total : 1.0;
}

SIM_API int mscsim_engine_threads(const mscsim_engine *eng)
{
    return eng->threads;
}

SIM_API size_t mscsim_engine_cell_count(const mscsim_engine *eng)
{
    return eng->cell_count;
}

SIM_API int mscsim_engine_analysis_count(const mscsim_engine *eng)
{
    return eng->analysis_count;
}

SIM_API void mscsim_engine_summary(const mscsim_engine *eng, size_t cell, int analysis,
                                      mscsim_cell_summary *out)
{
    const trial_totals *tr = &eng->trials[cell];
    const analysis_totals *t = &eng->totals[cell * (size_t)eng->analysis_count + (size_t)analysis];
    long sizes[MSCSIM_ARM_COUNT];
    mscsim_config_arm_sizes(eng->cfg, eng->n[cell], sizes);
    memset(out, 0, sizeof *out);
    out->scenario = eng->cfg->scenario;
    out->analysis = eng->analysis[analysis]->name;
    out->n_total = eng->n[cell];
    out->n_control = sizes[MSCSIM_ARM_CONTROL];
    out->n_msc = sizes[MSCSIM_ARM_MSC];
    out->reps = tr->reps_done;
    out->rejections = t->rejections;
    out->failures = t->failures;
    out->power = tr->reps_done ? (double)t->rejections / (double)tr->reps_done : (double)NAN;
    mscsim_wilson_interval(t->rejections, tr->reps_done, REPORT_CONF, &out->power_lo,
                           &out->power_hi);
    out->true_effect = eng->truth[analysis];
    out->true_effect_mcse = eng->truth_mcse[analysis];
    long analysed = t->estimate.count;
    out->mean_estimate = analysed ? t->estimate.mean : (double)NAN;
    out->bias = out->mean_estimate - eng->truth[analysis];
    out->empirical_se = mscsim_welford_sd(&t->estimate);
    out->mean_se = analysed ? t->se.mean : (double)NAN;
    out->rmse = analysed ? sqrt(t->squared_error.mean) : (double)NAN;
    out->coverage = analysed ? (double)t->covered / (double)analysed : (double)NAN;
    out->mean_n_analysed = tr->reps_done ? (double)tr->n_analysed / (double)tr->reps_done : (double)NAN;
    out->mean_deaths = tr->reps_done ? (double)tr->deaths / (double)tr->reps_done : (double)NAN;
    int bounded = mscsim_design_scale_bounded(eng->design) && tr->scored > 0;
    out->floor_share = bounded ? (double)tr->at_floor / (double)tr->scored : (double)NAN;
    out->ceiling_share = bounded ? (double)tr->at_ceiling / (double)tr->scored : (double)NAN;
    out->recovery_slope = tr->slope.count ? tr->slope.mean : (double)NAN;
    double reps = (double)tr->reps_done;
    out->missing_control = reps > 0 ? (double)tr->missing_arm[0] / (reps * (double)sizes[0]) : (double)NAN;
    out->missing_msc = reps > 0 ? (double)tr->missing_arm[1] / (reps * (double)sizes[1]) : (double)NAN;
    if (eng->look_count) {
        sim_looks_summary(&eng->looks[cell], &eng->look_totals[cell], out);
    } else {
        out->expected_n = (double)out->n_total;
        out->expected_n_analysed = out->mean_n_analysed;
        out->expected_months = mscsim_interim_final_month(eng->cfg, out->n_total);
        out->stop_efficacy = out->stop_futility = NAN;
    }
}

SIM_API int mscsim_engine_look_count(const mscsim_engine *eng)
{
    return eng->look_count;
}

SIM_API void mscsim_engine_look_summary(const mscsim_engine *eng, size_t cell, int analysis,
                                        int look, mscsim_look_summary *out)
{
    sim_looks_look_summary(&eng->looks[cell], &eng->look_totals[cell], analysis, look, out);
}

SIM_API void mscsim_engine_last_chunk(const mscsim_engine *eng,
                                         const mscsim_replicate **records, size_t *count,
                                         size_t *cell)
{
    *records = eng->records;
    *count = eng->chunk_count;
    *cell = eng->chunk_cell;
}
