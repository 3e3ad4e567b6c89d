/*
 * The replicate loop, in work units: a unit is one block of MSCSIM_UNIT_REPS replicates of
 * one cell. A unit's replicates are spread over the threads; every replicate seeds its own
 * generator from (seed, scenario, n, replicate) and writes its record into the chunk array
 * at its own index; the records are folded serially, in replicate order, into the unit's
 * partial sums, and the partials into the cell in unit order. Every floating-point sum
 * therefore happens in an order fixed by replicate and unit index, whatever the thread
 * count, and whichever process computed which unit (MPI ranks, shards): the CSV is
 * byte-identical.
 */
#include "mscsim/engine.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "decision/decision.h"
#include "impute.h"
#include "interim/looks.h"
#include "internal.h"
#include "mscsim/rng.h"
#include "mscsim/stats.h"
#include "shortcut.h"
#include "shortcut_nested.h"

/* Replicates per step, one unit: large enough to amortise the parallel region (~10 us)
 * over milliseconds of work, small enough for smooth progress and a small, flat buffer. */
#define CHUNK_REPS MSCSIM_UNIT_REPS

/* Confidence of the power interval and of the analysis intervals whose coverage is reported. */
#define REPORT_CONF 0.95

typedef mscsim_unit_trials trial_totals;
typedef mscsim_unit_analysis analysis_totals;

struct mscsim_engine {
    const mscsim_design *design;
    mscsim_design *owned_design; /* The design mscsim_engine_new compiled, or NULL. */
    const mscsim_config *cfg;    /* The design's config. */
    const mscsim_analysis_type *analysis[MSCSIM_MAX_ANALYSES];
    int analysis_count;
    int want_p;
    int want_p_asked;            /* The caller's want_p (looks set want_p). */
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
    uint64_t rng_key[MSCSIM_MAX_N_VALUES]; /* sim_rng_cell_key of each cell's trials */
    trial_totals trials[MSCSIM_MAX_N_VALUES];
    analysis_totals totals[MSCSIM_MAX_N_VALUES * MSCSIM_MAX_ANALYSES]; /* analysis fastest */
    mscsim_workspace **ws;       /* One per thread, for ws_capacity patients per arm. */
    mscsim_design **shadow;      /* With a [prior]: one per thread, the trial's parameters. */
    size_t ws_capacity;
    mscsim_replicate *records;
    size_t chunk_count, chunk_cell;
    long blocks;                 /* Units per cell. */
    long units_added;            /* Units folded into the cells, in unit order. */
    /* Interim looks (look_count 0: a fixed design): boundaries once, a plan per cell. */
    int look_count;
    sim_looks looks[MSCSIM_MAX_N_VALUES];
    sim_looks_totals look_totals[MSCSIM_MAX_N_VALUES];
    sim_look_record *look_records; /* CHUNK_REPS, beside records */
    sim_looks_levels looks_levels; /* looks[i].levels, fitted with the settings */
    sim_shortcut shortcut;       /* The table path, when exact (nested sizes too). */
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
    for (int t = 0; eng->shadow && t < eng->threads; t++)
        sim_prior_shadow_free(eng->shadow[t]);
    free(eng->shadow);
    free(eng->records);
    free(eng->look_records);
    sim_looks_levels_free(&eng->looks_levels);
    sim_shortcut_free(&eng->shortcut);
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
        /* Randomised arm sizes vary: either arm may get every patient. */
        if (eng->cfg->randomisation.method != MSCSIM_RANDOMISE_FIXED)
            sizes[0] = sizes[1] = eng->n[i];
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
        if (!status && eng->look_count)
            status = sim_looks_levels_fit(&eng->looks_levels, &eng->looks[0], eng->settings,
                                          2 * max_arm, eng->want_p_asked, err);
        if (status)
            return status;
        eng->settings_df = 2 * max_arm;
    }
    if ((status = sim_shortcut_fit(&eng->shortcut, max_arm)) != MSCSIM_OK)
        return sim_error_set(err, status, "out of memory");
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
    uint64_t scenario = eng->cfg->common_random_numbers ? 1 : (uint64_t)eng->cfg->scenario;
    for (int i = 0; i < n_count; i++) {
        eng->n[i] = n[i];
        eng->rng_key[i] = sim_rng_cell_key(eng->cfg->seed, scenario,
                                           nested_sizes ? 0 : (uint64_t)n[i]);
    }
    eng->cell_count = (size_t)n_count;
    eng->reps = reps;
    eng->nested_sizes = nested_sizes != 0;
    eng->cell = eng->chunk_count = eng->chunk_cell = 0;
    eng->blocks = (reps + MSCSIM_UNIT_REPS - 1) / MSCSIM_UNIT_REPS;
    eng->units_added = 0;
    memset(eng->trials, 0, sizeof eng->trials);
    memset(eng->totals, 0, sizeof eng->totals);
    memset(eng->look_totals, 0, sizeof eng->look_totals);
    for (int i = 1; eng->look_count && i < n_count; i++)
        eng->looks[i] = eng->looks[0]; /* bounds and p bounds; the plan follows */
    for (int i = 0; eng->look_count && i < n_count; i++) {
        mscsim_interim_plan(eng->cfg, n[i], eng->looks[i].plan);
        sim_looks_followup(eng->cfg, &eng->looks[i]);
    }
    int status = fit_run(eng, err);
    if (status)
        eng->cell_count = 0; /* Nothing can run: done, rather than stepping without buffers. */
    return status;
}

/* Worker threads: an explicit count as asked (each has a workspace for the largest arm, so
 * 1024 threads of n = 10^7 need gigabytes: asked for, an allocation failure is an error),
 * but never above the OpenMP thread limit, so the parallel region gets the team the
 * workspaces were made for; 0 = the cores available (omp_get_num_procs), even when
 * OMP_NUM_THREADS asks for more. libgomp still exits on its own when the system cannot
 * create a thread (no memory for its stack): that is outside a library's reach. */
static int engine_threads(const mscsim_config *cfg)
{
    int limit = omp_get_thread_limit();
    if (cfg->threads > 0)
        return cfg->threads < limit ? cfg->threads : limit;
    int cores = omp_get_num_procs(), max = omp_get_max_threads();
    return max < cores ? max : cores;
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
    eng->want_p = eng->want_p_asked = want_p;
    const char *names[MSCSIM_MAX_ANALYSES];
    eng->analysis_count = mscsim_config_analyses(eng->cfg, names);
    for (int k = 0; k < eng->analysis_count; k++) {
        eng->analysis[k] = mscsim_analysis_find(names[k]);
        eng->truth[k] = mscsim_design_analysis_truth(design, k, &eng->truth_mcse[k]);
    }
    eng->threads = engine_threads(eng->cfg);
    sim_shortcut_prepare(design, 0, &eng->shortcut, NULL, 0);
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
        eng->looks[0].levels = &eng->looks_levels;
        eng->looks[0].bayes = sim_bayes_looks(eng->cfg) ? eng->cfg : NULL;
        eng->look_records = malloc(CHUNK_REPS * sizeof *eng->look_records);
        status = mscsim_interim_bounds(eng->cfg, &eng->looks[0].bounds, err);
        sim_looks_prepare(&eng->looks[0]);
    }
    if (!status && (!eng->records || !eng->ws || (eng->look_count && !eng->look_records)))
        status = sim_error_set(err, MSCSIM_ENOMEM, "out of memory");
    if (!status && eng->cfg->prior_count > 0) {
        eng->shadow = calloc((size_t)eng->threads, sizeof *eng->shadow);
        for (int t = 0; eng->shadow && t < eng->threads; t++)
            if (!(eng->shadow[t] = sim_prior_shadow_new(design)))
                status = sim_error_set(err, MSCSIM_ENOMEM, "out of memory");
        if (!eng->shadow)
            status = sim_error_set(err, MSCSIM_ENOMEM, "out of memory");
    }
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
static void analyse_imputed(const mscsim_engine *eng, const mscsim_design *design,
                            mscsim_rng *rng, mscsim_workspace *w, mscsim_replicate *rec)
{
    int m = eng->cfg->imputations, A = eng->analysis_count, failed[MSCSIM_MAX_ANALYSES] = {0};
    double est[MSCSIM_MAX_ANALYSES][MSCSIM_MAX_IMPUTATIONS];
    double var[MSCSIM_MAX_ANALYSES][MSCSIM_MAX_IMPUTATIONS];
    double df_com[MSCSIM_MAX_ANALYSES];
    for (int j = 0; j < m; j++) {
        mscsim_trial_data data;
        if (mscsim_trial_impute(design, w, rng, &data) != MSCSIM_OK) {
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

/* Analyses from .. to - 1 of data (with multiple imputation, every analysis of the
 * completed prefix data points at), for sim_looks_trial. */
typedef struct {
    const mscsim_engine *eng;
    const mscsim_design *design;
    mscsim_rng *rng;
} analyse_ctx;

static int analyse(const void *ctx, const mscsim_trial_data *data, mscsim_workspace *w,
                   int from, int to, mscsim_replicate *rec)
{
    const analyse_ctx *c = ctx;
    if (c->eng->cfg->missing == MSCSIM_MISSING_MI) {
        analyse_imputed(c->eng, c->design, c->rng, w, rec);
        return c->eng->analysis_count;
    }
    for (int k = from; k < to; k++)
        c->eng->analysis[k]->analyze(data, c->eng->settings, &rec->result[k]);
    return to;
}

/* Applies every analysis to a drawn trial (at each look, with looks) and decides: rng is
 * the trial's generator, past its draws; design its own with a [prior] (shadow). */
static void analyse_replicate(const mscsim_engine *eng, size_t cell,
                              const mscsim_design *design, mscsim_rng *rng,
                              mscsim_workspace *w, mscsim_trial_data *data, int drawn_ok,
                              const mscsim_design *shadow, mscsim_replicate *rec,
                              sim_look_record *looks, long replicate)
{
    const mscsim_config *cfg = eng->cfg;
    if (!drawn_ok) { /* Drawn values the model rejects: the trial counts as failed. */
        for (int k = 0; k < eng->analysis_count; k++)
            mscsim_analysis_decide_t(eng->settings, NAN, NAN, NAN, &rec->result[k]);
    } else if (looks) {
        analyse_ctx ctx = {eng, design, rng};
        sim_looks_trial(&eng->looks[cell], design, w, data, analyse, &ctx,
                        eng->analysis_count, rec, looks);
    } else if (cfg->missing == MSCSIM_MISSING_MI)
        analyse_imputed(eng, design, rng, w, rec);
    else
        for (int k = 0; k < eng->analysis_count; k++)
            eng->analysis[k]->analyze(data, eng->settings, &rec->result[k]);
    for (int k = 0; k < eng->analysis_count; k++) {
        if (cfg->decision_rule != MSCSIM_DECISION_TEST) {
            if (!looks) /* With looks, the looks decided by the rule. */
                rec->result[k].reject = sim_decision_success(cfg, data, &rec->result[k]);
        } else if (shadow) /* A success is a rejection in favour of msc, not against it. */
            rec->result[k].reject &= rec->result[k].estimate > 0;
        rec->covered[k] = mscsim_analysis_covers(eng->settings, &rec->result[k], rec->truth[k]);
    }
    rec->replicate = replicate;
}

/* Simulates one trial and applies every analysis to it (at each look, with looks); with a
 * [prior], with the trial's own parameters, drawn into the thread's shadow design. */
static void run_replicate(const mscsim_engine *eng, size_t cell,
                          const size_t sizes[MSCSIM_ARM_COUNT], long replicate,
                          mscsim_workspace *w, mscsim_design *shadow, mscsim_replicate *rec,
                          sim_look_record *looks)
{
    /* mscsim_rng_for_trial(seed, scenario, n or 0 for nested sizes, replicate) */
    mscsim_rng rng = sim_rng_for_replicate(eng->rng_key[cell], (uint64_t)replicate);
    const mscsim_design *design = eng->design;
    int drawn_ok = 1;
    memcpy(rec->truth, eng->truth, sizeof rec->truth);
    if (shadow) {
        drawn_ok = sim_prior_trial(eng->design, &rng, shadow, rec->truth) == MSCSIM_OK;
        design = shadow;
    }
    mscsim_trial_data data;
    mscsim_count_table table;
    if (eng->shortcut.path != MSCSIM_PATH_PATIENTS && eng->nested_sizes)
        sim_shortcut_nested_trial(&eng->shortcut, design, &rng, sizes, &table, &data,
                                  &rec->diag);
    else if (eng->shortcut.path != MSCSIM_PATH_PATIENTS)
        sim_shortcut_trial(&eng->shortcut, design, &rng, sizes, &table, &data, &rec->diag);
    else
        mscsim_trial_simulate(design, &rng, sizes, w, &data, &rec->diag);
    analyse_replicate(eng, cell, design, &rng, w, &data, drawn_ok, shadow, rec, looks,
                      replicate);
}

/* On the table path, SIM_SHORTCUT_LANES consecutive replicates from replicate on, into
 * rec[0..]: run_replicate's trials, drawn together (sim_shortcut_trials). The table path
 * has no [prior], looks or imputation. */
static void run_table_lanes(const mscsim_engine *eng, size_t cell,
                            const size_t sizes[MSCSIM_ARM_COUNT], long replicate,
                            mscsim_workspace *w, mscsim_replicate *rec)
{
    mscsim_rng rng[SIM_SHORTCUT_LANES];
    mscsim_count_table table[SIM_SHORTCUT_LANES];
    mscsim_trial_data data[SIM_SHORTCUT_LANES];
    mscsim_trial_diag *diag[SIM_SHORTCUT_LANES];
    for (int l = 0; l < SIM_SHORTCUT_LANES; l++) {
        rng[l] = sim_rng_for_replicate(eng->rng_key[cell], (uint64_t)(replicate + l));
        memcpy(rec[l].truth, eng->truth, sizeof rec[l].truth);
        diag[l] = &rec[l].diag;
    }
    sim_shortcut_trials(&eng->shortcut, eng->design, SIM_SHORTCUT_LANES, rng, sizes, table,
                        data, diag);
    for (int l = 0; l < SIM_SHORTCUT_LANES; l++)
        analyse_replicate(eng, cell, eng->design, &rng[l], w, &data[l], 1, NULL, &rec[l], NULL,
                          replicate + l);
}

/* Trials run_step runs at once while the unit has them: fresh tables pair up; nested
 * tables and patients go one trial at a time (run_replicate). */
static long step_lanes(const mscsim_engine *eng)
{
    int fresh_tables = eng->shortcut.path != MSCSIM_PATH_PATIENTS && !eng->nested_sizes;
    return fresh_tables ? sim_shortcut_lanes(&eng->shortcut) : 1;
}

/* Replicates first + i.. of the unit into records i..: SIM_SHORTCUT_LANES at once where
 * step_lanes says so and the unit has them, else one. Returns how many. */
static long run_step(const mscsim_engine *eng, size_t cell, const size_t sizes[MSCSIM_ARM_COUNT],
                     long first, long i, long count, mscsim_workspace *w, mscsim_design *shadow)
{
    if (step_lanes(eng) == SIM_SHORTCUT_LANES && i + SIM_SHORTCUT_LANES <= count) {
        run_table_lanes(eng, cell, sizes, first + i, w, &eng->records[i]);
        return SIM_SHORTCUT_LANES;
    }
    run_replicate(eng, cell, sizes, first + i, w, shadow, &eng->records[i],
                  eng->look_count ? &eng->look_records[i] : NULL);
    return 1;
}

static void fold_trial(trial_totals *t, const mscsim_trial_diag *d, const mscsim_config *cfg)
{
    t->reps_done++;
    long long n_msc = (long long)d->n_randomised[1];
    long long excess = (cfg->alloc[0] + cfg->alloc[1]) * n_msc -
                       cfg->alloc[1] * (n_msc + (long long)d->n_randomised[0]);
    t->imbalance += excess < 0 ? -excess : excess;
    t->randomised[0] += (long long)d->n_randomised[0];
    t->randomised[1] += (long long)d->n_randomised[1];
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

static void fold_analysis(analysis_totals *t, const mscsim_replicate *rec, int k, int prior)
{
    const mscsim_analysis_result *res = &rec->result[k];
    double truth = rec->truth[k];
    if (prior) {
        /* Benefit and success count over every trial, failed analyses included. */
        mscsim_welford_add(&t->truth, truth);
        t->benefit += truth > 0;
        if (res->reject) {
            mscsim_welford_add(&t->success_truth, truth);
            t->success_benefit += truth > 0;
            t->success_no_benefit += !(truth > 0);
        }
        if (!res->failed)
            mscsim_welford_add(&t->error, res->estimate - truth);
    }
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

/* A unit's look counts, and their sum into the cell's (integers: exact in any order). */
static void unit_looks_set(mscsim_unit_looks *u, const sim_looks_totals *t)
{
    u->reps = t->reps;
    u->analysed_final = t->analysed_final;
    for (int k = 0; k < MSCSIM_MAX_LOOKS; k++) {
        u->stopped[k] = t->stopped[k];
        u->futile[k] = t->futile[k];
        u->reached[k] = t->reached[k];
        u->analysed[k] = t->analysed[k];
        for (int a = 0; a < MSCSIM_MAX_ANALYSES; a++)
            u->rejected[a][k] = t->rejected[a][k];
    }
}

static void looks_add(sim_looks_totals *t, const mscsim_unit_looks *u)
{
    t->reps += u->reps;
    t->analysed_final += u->analysed_final;
    for (int k = 0; k < MSCSIM_MAX_LOOKS; k++) {
        t->stopped[k] += u->stopped[k];
        t->futile[k] += u->futile[k];
        t->reached[k] += u->reached[k];
        t->analysed[k] += u->analysed[k];
        for (int a = 0; a < MSCSIM_MAX_ANALYSES; a++)
            t->rejected[a][k] += u->rejected[a][k];
    }
}

/* Record i of the unit into its partial sums. */
static void fold_record(const mscsim_engine *eng, long i, mscsim_unit *out,
                        sim_looks_totals *looks)
{
    fold_trial(&out->trials, &eng->records[i].diag, eng->cfg);
    for (int k = 0; k < eng->analysis_count; k++)
        fold_analysis(&out->analysis[k], &eng->records[i], k, eng->shadow != NULL);
    if (eng->look_count)
        sim_looks_fold(looks, &eng->look_records[i], &eng->records[i], eng->analysis_count);
}

SIM_API long mscsim_engine_unit_count(const mscsim_engine *eng)
{
    return eng->blocks * (long)eng->cell_count;
}

SIM_API int mscsim_engine_run_unit(mscsim_engine *eng, long unit, mscsim_unit *out,
                                   mscsim_error *err)
{
    if (unit < 0 || unit >= mscsim_engine_unit_count(eng))
        return sim_error_set(err, MSCSIM_EINVAL, "engine: unit %ld of %ld", unit,
                             mscsim_engine_unit_count(eng));
    size_t cell = (size_t)(unit / eng->blocks);
    long first = unit % eng->blocks * MSCSIM_UNIT_REPS;
    long count = eng->reps - first;
    if (count > MSCSIM_UNIT_REPS)
        count = MSCSIM_UNIT_REPS;
    long arm_sizes[MSCSIM_ARM_COUNT];
    mscsim_config_arm_sizes(eng->cfg, eng->n[cell], arm_sizes);
    size_t sizes[MSCSIM_ARM_COUNT] = {(size_t)arm_sizes[0], (size_t)arm_sizes[1]};

    memset(out, 0, sizeof *out);
    sim_looks_totals looks;
    memset(&looks, 0, sizeof looks);
    if (eng->threads == 1) {
        /* Each trial folded at once, while its record is in cache: a unit's records outgrow
         * the L2 cache, and reading them back afterwards cost ~6 % of a table-path trial.
         * The same fold in the same order. */
        for (long i = 0; i < count;) {
            long done = run_step(eng, cell, sizes, first, i, count, eng->ws[0],
                                 eng->shadow ? eng->shadow[0] : NULL);
            for (long end = i + done; i < end; i++)
                fold_record(eng, i, out, &looks);
        }
    } else {
        long step = step_lanes(eng);
#pragma omp parallel num_threads(eng->threads)
        {
            mscsim_workspace *w = eng->ws[omp_get_thread_num()];
#pragma omp for schedule(dynamic, 64)
            for (long i = 0; i < count; i += step)
                for (long j = i; j < i + step && j < count;) /* one step, or the remainder */
                    j += run_step(eng, cell, sizes, first, j, count, w,
                                  eng->shadow ? eng->shadow[omp_get_thread_num()] : NULL);
        }
        for (long i = 0; i < count; i++)
            fold_record(eng, i, out, &looks);
    }
    if (eng->look_count)
        unit_looks_set(&out->looks, &looks);
    eng->chunk_count = (size_t)count;
    eng->chunk_cell = cell;
    return MSCSIM_OK;
}

SIM_API int mscsim_engine_add_unit(mscsim_engine *eng, long unit, const mscsim_unit *partial,
                                   mscsim_error *err)
{
    if (unit != eng->units_added || unit >= mscsim_engine_unit_count(eng))
        return sim_error_set(err, MSCSIM_EINVAL, "engine: unit %ld added where unit %ld is next",
                             unit, eng->units_added);
    size_t cell = (size_t)(unit / eng->blocks);
    trial_totals *tr = &eng->trials[cell];
    const trial_totals *p = &partial->trials;
    tr->reps_done += p->reps_done;
    tr->n_analysed += p->n_analysed;
    tr->deaths += p->deaths;
    tr->at_floor += p->at_floor;
    tr->at_ceiling += p->at_ceiling;
    tr->scored += p->scored;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        tr->missing_arm[a] += p->missing_arm[a];
        tr->randomised[a] += p->randomised[a];
    }
    tr->imbalance += p->imbalance;
    mscsim_welford_merge(&tr->slope, &p->slope);
    for (int k = 0; k < eng->analysis_count; k++) {
        analysis_totals *t = &eng->totals[cell * (size_t)eng->analysis_count + (size_t)k];
        const analysis_totals *q = &partial->analysis[k];
        t->rejections += q->rejections;
        t->failures += q->failures;
        t->covered += q->covered;
        mscsim_welford_merge(&t->estimate, &q->estimate);
        mscsim_welford_merge(&t->se, &q->se);
        mscsim_welford_merge(&t->squared_error, &q->squared_error);
        mscsim_welford_merge(&t->truth, &q->truth);
        mscsim_welford_merge(&t->error, &q->error);
        mscsim_welford_merge(&t->success_truth, &q->success_truth);
        t->benefit += q->benefit;
        t->success_benefit += q->success_benefit;
        t->success_no_benefit += q->success_no_benefit;
    }
    if (eng->look_count)
        looks_add(&eng->look_totals[cell], &partial->looks);
    eng->units_added++;
    eng->cell = (size_t)(eng->units_added / eng->blocks);
    return MSCSIM_OK;
}

SIM_API int mscsim_engine_step(mscsim_engine *eng, mscsim_error *err)
{
    if (mscsim_engine_done(eng))
        return MSCSIM_OK;
    mscsim_unit partial;
    long unit = eng->units_added;
    int status = mscsim_engine_run_unit(eng, unit, &partial, err);
    return status ? status : mscsim_engine_add_unit(eng, unit, &partial, err);
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

SIM_API const mscsim_design *mscsim_engine_design(const mscsim_engine *eng)
{
    return eng->design;
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
    /* Over the patients randomised to the arm (exact integers: n_randomised sums). */
    out->missing_control = tr->randomised[0] > 0 ? (double)tr->missing_arm[0] / (double)tr->randomised[0] : (double)NAN;
    out->missing_msc = tr->randomised[1] > 0 ? (double)tr->missing_arm[1] / (double)tr->randomised[1] : (double)NAN;
    double unit = (double)(eng->cfg->alloc[0] + eng->cfg->alloc[1]);
    out->mean_imbalance = reps > 0 ? 2.0 * (double)tr->imbalance / (unit * (double)out->n_total * reps)
                                   : (double)NAN;
    if (eng->look_count) {
        sim_looks_summary(&eng->looks[cell], &eng->look_totals[cell], out);
    } else {
        out->expected_n = (double)out->n_total;
        out->expected_n_analysed = out->mean_n_analysed;
        out->expected_months = mscsim_interim_final_month(eng->cfg, out->n_total);
        out->stop_efficacy = out->stop_futility = NAN;
    }
    out->prior_p_benefit = out->p_success_and_benefit = (double)NAN;
    out->p_success_given_no_benefit = out->mean_effect_success = (double)NAN;
    if (!eng->shadow)
        return;
    /* Against each trial's own truth: the truth's mean over the prior, its Monte Carlo SE,
     * bias and RMSE as means over trials of the estimate's error. NaN truths (none
     * available) make all of them NaN. */
    out->assurance = 1;
    out->true_effect = t->truth.count ? t->truth.mean : (double)NAN;
    out->true_effect_mcse = mscsim_welford_sd(&t->truth) / sqrt((double)t->truth.count);
    out->bias = t->error.count ? t->error.mean : (double)NAN;
    if (isnan(out->true_effect))
        return;
    out->prior_p_benefit = reps > 0 ? (double)t->benefit / reps : (double)NAN;
    out->p_success_and_benefit = reps > 0 ? (double)t->success_benefit / reps : (double)NAN;
    long no_benefit = tr->reps_done - t->benefit;
    out->p_success_given_no_benefit =
        no_benefit > 0 ? (double)t->success_no_benefit / (double)no_benefit : (double)NAN;
    out->mean_effect_success = t->success_truth.count ? t->success_truth.mean : (double)NAN;
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
