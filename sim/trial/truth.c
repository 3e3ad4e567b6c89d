/*
 * The true effect by simulation, and the truth of analyses whose estimand is not the mean
 * difference: MSCSIM_TRUTH_PATIENTS patients per arm without dropout, in batches.
 */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "mscsim/analysis.h"
#include "mscsim/stats.h"
#include "trial_impl.h"

#define TRUTH_BATCHES (MSCSIM_TRUTH_PATIENTS / SIM_TRUTH_BATCH)

/* Monte Carlo SE of the mean of batch values. */
static double batch_se(const mscsim_welford *b)
{
    return mscsim_welford_sd(b) / sqrt((double)b->count);
}

/* Estimands other than the mean difference: the analysis applied to a large sample. */
typedef struct {
    const mscsim_analysis_type *analysis[MSCSIM_MAX_ANALYSES];
    int index[MSCSIM_MAX_ANALYSES];
    int count;
    mscsim_analysis_settings *settings;
    double *y[MSCSIM_ARM_COUNT];
    unsigned char *died[MSCSIM_ARM_COUNT];
    /* The adjusted analyses' covariates (the design's fill_x): the truth of an adjusted
     * estimand is the adjusted fit to the large sample. */
    double *cov[MSCSIM_ARM_COUNT][MSCSIM_MAX_COVARIATES];
    int cov_count;
    double *scratch;
    size_t n[MSCSIM_ARM_COUNT];
    mscsim_welford batch[MSCSIM_MAX_ANALYSES];
} truth_sample;

/* Analysis data over n[a] values of y (and died, and t's covariates from offset at) per
 * arm, with scratch. */
static void truth_data(mscsim_trial_data *data, double *const y[MSCSIM_ARM_COUNT],
                       unsigned char *const died[MSCSIM_ARM_COUNT], const size_t n[MSCSIM_ARM_COUNT],
                       double *scratch, const truth_sample *t, size_t at)
{
    const double *cy[MSCSIM_ARM_COUNT] = {y[0], y[1]};
    mscsim_trial_data_set(data, cy, n);
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        data->died[a] = died[a];
        for (int k = 0; k < t->cov_count; k++)
            data->cov[a][k] = t->cov[a][k] + at;
    }
    data->cov_count = t->cov_count;
    data->scratch = scratch;
}

static void truth_sample_free(truth_sample *t)
{
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        free(t->y[a]);
        free(t->died[a]);
        for (int k = 0; k < t->cov_count; k++)
            free(t->cov[a][k]);
    }
    free(t->scratch);
    mscsim_analysis_settings_free(t->settings);
}

/* One batch's share of the truth: what each arm kept and summed, and the batch estimate
 * of each other estimand. */
typedef struct {
    size_t kept[MSCSIM_ARM_COUNT];
    double sum[MSCSIM_ARM_COUNT];
    double estimate[MSCSIM_MAX_ANALYSES];
    int failed[MSCSIM_MAX_ANALYSES];
} truth_batch;

/* Simulates batch `batch` in w and, for the other estimands, copies it to its own slot of
 * the sample (batch * SIM_TRUTH_BATCH) and analyses it with scratch. */
static void run_batch(const mscsim_design *d, const truth_sample *t, long batch,
                      mscsim_workspace *w, double *scratch, truth_batch *out)
{
    size_t at = (size_t)batch * SIM_TRUTH_BATCH;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        /* Scenario UINT64_MAX is never a real scenario: these streams are the truth's.
         * Both arms use the same streams: identical arms give exactly 0. */
        mscsim_rng rng = mscsim_rng_for_trial(d->cfg.seed, UINT64_MAX, 0, (uint64_t)batch);
        mscsim_trial_diag diag;
        memset(&diag, 0, sizeof diag);
        size_t kept = sim_trial_simulate_arm(d, a, SIM_TRUTH_BATCH, &rng, 0, w, &diag, 0);
        double s = 0;
        for (size_t i = 0; i < kept; i++)
            s += w->arm[a].y[i];
        out->kept[a] = kept;
        out->sum[a] = s;
        if (t->count > 0) {
            memcpy(t->y[a] + at, w->arm[a].y, kept * sizeof(double));
            if (d->deaths_possible) /* calloc'd: no deaths otherwise */
                memcpy(t->died[a] + at, w->arm[a].died_kept, kept);
            for (int k = 0; k < t->cov_count; k++) { /* the baseline is kept in x */
                const double *src = w->arm[a].cov_kept[k] ? w->arm[a].cov_kept[k] : w->arm[a].x;
                memcpy(t->cov[a][k] + at, src, kept * sizeof(double));
            }
        }
    }
    if (t->count == 0)
        return;
    double *y[MSCSIM_ARM_COUNT] = {t->y[0] + at, t->y[1] + at};
    unsigned char *died[MSCSIM_ARM_COUNT] = {t->died[0] + at, t->died[1] + at};
    mscsim_trial_data data;
    truth_data(&data, y, died, out->kept, scratch, t, at);
    for (int k = 0; k < t->count; k++) {
        mscsim_analysis_result r;
        t->analysis[k]->analyze(&data, t->settings, &r);
        out->failed[k] = r.failed;
        out->estimate[k] = r.estimate;
    }
}

/* The batches on the design's threads, each into its own slot. */
static int run_batches(const mscsim_design *d, const truth_sample *t, truth_batch *batches,
                       mscsim_error *err)
{
    int threads = d->cfg.threads > 0 ? d->cfg.threads : omp_get_max_threads();
    if (threads > TRUTH_BATCHES)
        threads = TRUTH_BATCHES;
    mscsim_workspace **ws = calloc((size_t)threads, sizeof *ws);
    double *scratch = t->count > 0 ? malloc((size_t)threads * 2 * SIM_TRUTH_BATCH * sizeof(double))
                                   : NULL;
    int status = ws && (scratch || t->count == 0)
                     ? MSCSIM_OK
                     : sim_error_set(err, MSCSIM_ENOMEM, "out of memory for the truth");
    for (int k = 0; !status && k < threads; k++)
        status = mscsim_workspace_new(d, SIM_TRUTH_BATCH, &ws[k], err);
    if (!status) {
#pragma omp parallel num_threads(threads)
        {
            int me = omp_get_thread_num();
            double *mine = scratch ? scratch + (size_t)me * 2 * SIM_TRUTH_BATCH : NULL;
#pragma omp for schedule(dynamic, 1)
            for (long b = 0; b < TRUTH_BATCHES; b++)
                run_batch(d, t, b, ws[me], mine, &batches[b]);
        }
    }
    for (int k = 0; ws && k < threads; k++)
        mscsim_workspace_free(ws[k]);
    free(ws);
    free(scratch);
    return status;
}

/* The true mean difference by simulation, and the sample for the other estimands: both
 * arms of a batch use the same stream (common random numbers), so arms that do not differ
 * give exactly 0 and similar arms a precise difference; Monte Carlo errors come from the
 * spread of independent batch values, valid when the arms' draws fall out of step. The
 * batches run on all threads; their results are summed in batch order, so the truth does
 * not depend on the thread count. */
static int estimate_truth(mscsim_design *d, int need_mean, truth_sample *t, mscsim_error *err)
{
    truth_batch *batches = calloc(TRUTH_BATCHES, sizeof *batches);
    if (!batches)
        return sim_error_set(err, MSCSIM_ENOMEM, "out of memory for the truth");
    int status = run_batches(d, t, batches, err);
    double sum[MSCSIM_ARM_COUNT] = {0}, count[MSCSIM_ARM_COUNT] = {0};
    mscsim_welford diff = {0};
    for (long batch = 0; !status && batch < TRUTH_BATCHES; batch++) {
        const truth_batch *b = &batches[batch];
        double mean[MSCSIM_ARM_COUNT];
        for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
            sum[a] += b->sum[a];
            count[a] += (double)b->kept[a];
            mean[a] = b->kept[a] ? b->sum[a] / (double)b->kept[a] : 0;
            if (t->count > 0) { /* Close the gaps deaths left: the sample in batch order. */
                size_t at = (size_t)batch * SIM_TRUTH_BATCH;
                memmove(t->y[a] + t->n[a], t->y[a] + at, b->kept[a] * sizeof(double));
                memmove(t->died[a] + t->n[a], t->died[a] + at, b->kept[a]);
                for (int k = 0; k < t->cov_count; k++)
                    memmove(t->cov[a][k] + t->n[a], t->cov[a][k] + at,
                            b->kept[a] * sizeof(double));
                t->n[a] += b->kept[a];
            }
        }
        mscsim_welford_add(&diff, mean[1] - mean[0]);
        for (int k = 0; k < t->count; k++)
            if (!b->failed[k])
                mscsim_welford_add(&t->batch[k], b->estimate[k]);
    }
    free(batches);
    if (status)
        return status;
    if (count[0] == 0 || count[1] == 0)
        return sim_error_set(err, MSCSIM_ECONFIG,
                                "no simulated patient has the endpoint (every death missing?)");
    if (need_mean) {
        d->true_effect = sum[1] / count[1] - sum[0] / count[0];
        d->true_effect_mcse = batch_se(&diff);
    }
    /* Arms that drew identical samples (a null design: both share the streams) have every
     * estimand exactly 0, as each changes sign when the arms swap; a fit would leave a
     * rounding residue and the row would not be reported as a type I error. */
    int identical = t->count > 0 && t->n[0] == t->n[1] &&
                    memcmp(t->y[0], t->y[1], t->n[0] * sizeof(double)) == 0 &&
                    memcmp(t->died[0], t->died[1], t->n[0]) == 0;
    for (int k = 0; identical && k < t->cov_count; k++)
        identical = memcmp(t->cov[0][k], t->cov[1][k], t->n[0] * sizeof(double)) == 0;
    mscsim_trial_data data;
    if (t->count > 0 && !identical)
        truth_data(&data, t->y, t->died, t->n, t->scratch, t, 0);
    for (int k = 0; k < t->count; k++) {
        if (identical) {
            d->analysis_truth[t->index[k]] = d->analysis_mcse[t->index[k]] = 0.0;
            continue;
        }
        mscsim_analysis_result r;
        t->analysis[k]->analyze(&data, t->settings, &r);
        d->analysis_truth[t->index[k]] = r.failed ? (double)NAN : r.estimate;
        d->analysis_mcse[t->index[k]] = batch_se(&t->batch[k]);
    }
    return MSCSIM_OK;
}

/* cfg with every field a truth cannot depend on set to one value, so that two configs
 * whose truths must agree compare equal byte for byte. The truths simulate arms of
 * SIM_TRUTH_BATCH patients without dropout from the seed's truth streams and apply the
 * analyses' estimators, so they depend on the model and its keys, the arm parameters
 * (mortality, effect modification), the baseline and eligibility, the scale, visits and
 * endpoint, the death rule, the analyses, covariates and seed; never on the name, n,
 * allocation, alpha, sides, dropout (rates, mechanism, odds ratio, weights), the handling
 * of missing data, the imputations, the sweep, the scenario, reps, threads or common
 * random numbers. Fields merely compared (provenance) are cleared too. */
static void truth_inputs(const mscsim_config *cfg, mscsim_config *out)
{
    memcpy(out, cfg, sizeof *out);
    memset(out->name, 0, sizeof out->name);
    memset(out->n, 0, sizeof out->n);
    out->n_count = 0;
    memset(out->alloc, 0, sizeof out->alloc);
    out->alpha = 0;
    out->sides = 0;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
        out->arm[a].dropout = 0;
    out->dropout_mechanism = MSCSIM_DROPOUT_MCAR;
    out->mar_on = MSCSIM_MAR_ON_BASELINE;
    out->dropout_odds_ratio = 0;
    memset(out->dropout_weights, 0, sizeof out->dropout_weights);
    out->dropout_weight_count = 0;
    out->missing = MSCSIM_MISSING_COMPLETE_CASE;
    out->imputations = 0;
    memset(out->sweep, 0, sizeof out->sweep);
    out->sweep_count = 0;
    out->scenario = 0;
    out->nested_sizes = 0;
    out->reps = 0;
    out->threads = 0;
    out->common_random_numbers = 0;
    memset(out->path, 0, sizeof out->path);
    memset(out->key_line, 0, sizeof out->key_line);
}

int sim_design_truths_like(mscsim_design *d, const mscsim_design *like)
{
    mscsim_config a, b;
    truth_inputs(&d->cfg, &a);
    truth_inputs(&like->cfg, &b);
    /* Equal bytes mean equal inputs; unequal bytes (a string's tail after its NUL) only
     * cost a new estimate. */
    if (memcmp(&a, &b, sizeof a) != 0)
        return 0;
    d->analysis_count = like->analysis_count;
    d->true_effect = like->true_effect;
    d->true_effect_mcse = like->true_effect_mcse;
    memcpy(d->analysis_truth, like->analysis_truth, sizeof d->analysis_truth);
    memcpy(d->analysis_mcse, like->analysis_mcse, sizeof d->analysis_mcse);
    return 1;
}

int sim_design_truths(mscsim_design *d, mscsim_error *err)
{
    const char *names[MSCSIM_MAX_ANALYSES];
    d->analysis_count = mscsim_config_analyses(&d->cfg, names);
    truth_sample t;
    memset(&t, 0, sizeof t);
    for (int k = 0; k < d->analysis_count; k++) {
        const mscsim_analysis_type *an = mscsim_analysis_find(names[k]);
        if (an->estimand != MSCSIM_ESTIMAND_MEAN_DIFFERENCE) {
            t.analysis[t.count] = an;
            t.index[t.count++] = k;
        }
    }
    int need_mean = isnan(d->true_effect), status = MSCSIM_OK;
    if (t.count > 0) {
        status = mscsim_analysis_settings_new(d->cfg.alpha, d->cfg.sides, 0.95,
                                              2 * SIM_TRUTH_BATCH, 0, &t.settings, err);
        for (int a = 0; !status && a < MSCSIM_ARM_COUNT; a++) {
            t.y[a] = malloc(MSCSIM_TRUTH_PATIENTS * sizeof(double));
            t.died[a] = calloc(MSCSIM_TRUTH_PATIENTS, 1);
            if (!t.y[a] || !t.died[a])
                status = sim_error_set(err, MSCSIM_ENOMEM, "out of memory for the truth sample");
        }
        t.cov_count = d->fill_x ? d->cfg.covariate_count : 0;
        for (int a = 0; !status && a < MSCSIM_ARM_COUNT; a++)
            for (int k = 0; !status && k < t.cov_count; k++)
                if (!(t.cov[a][k] = malloc(MSCSIM_TRUTH_PATIENTS * sizeof(double))))
                    status = sim_error_set(err, MSCSIM_ENOMEM,
                                           "out of memory for the truth sample");
        if (!status && !(t.scratch = malloc(2 * MSCSIM_TRUTH_PATIENTS * sizeof(double))))
            status = sim_error_set(err, MSCSIM_ENOMEM, "out of memory for the truth sample");
    }
    if (!status && (need_mean || t.count > 0))
        status = estimate_truth(d, need_mean, &t, err);
    truth_sample_free(&t);
    for (int k = 0; !status && k < d->analysis_count; k++) {
        if (mscsim_analysis_find(names[k])->estimand == MSCSIM_ESTIMAND_MEAN_DIFFERENCE) {
            d->analysis_truth[k] = d->true_effect;
            d->analysis_mcse[k] = d->true_effect_mcse;
        }
    }
    return status;
}
