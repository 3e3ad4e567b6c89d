/*
 * The true effect by simulation, and the truth of analyses whose estimand is not the mean
 * difference: MSCSIM_TRUTH_PATIENTS patients per arm without dropout, in batches.
 */
#include <math.h>
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

/* Analysis data over n[a] values of y (and died) per arm, with scratch. */
static void truth_data(mscsim_trial_data *data, double *const y[MSCSIM_ARM_COUNT],
                       unsigned char *const died[MSCSIM_ARM_COUNT], const size_t n[MSCSIM_ARM_COUNT],
                       double *scratch)
{
    const double *cy[MSCSIM_ARM_COUNT] = {y[0], y[1]};
    mscsim_trial_data_set(data, cy, n);
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
        data->died[a] = died[a];
    data->scratch = scratch;
}

/* Estimands other than the mean difference: the analysis applied to a large sample. */
typedef struct {
    const mscsim_analysis_type *analysis[MSCSIM_MAX_ANALYSES];
    int index[MSCSIM_MAX_ANALYSES];
    int count;
    mscsim_analysis_settings *settings;
    double *y[MSCSIM_ARM_COUNT];
    unsigned char *died[MSCSIM_ARM_COUNT];
    double *scratch;
    size_t n[MSCSIM_ARM_COUNT];
    mscsim_welford batch[MSCSIM_MAX_ANALYSES];
} truth_sample;

static void truth_sample_free(truth_sample *t)
{
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        free(t->y[a]);
        free(t->died[a]);
    }
    free(t->scratch);
    mscsim_analysis_settings_free(t->settings);
}

/* The true mean difference by simulation, and the sample for the other estimands: both
 * arms of a batch use the same stream (common random numbers), so arms that do not differ
 * give exactly 0 and similar arms a precise difference; Monte Carlo errors come from the
 * spread of independent batch values, valid when the arms' draws fall out of step. */
static int estimate_truth(mscsim_design *d, int need_mean, truth_sample *t, mscsim_error *err)
{
    mscsim_workspace *w;
    int status = mscsim_workspace_new(d, SIM_TRUTH_BATCH, &w, err);
    if (status)
        return status;
    double sum[MSCSIM_ARM_COUNT] = {0}, count[MSCSIM_ARM_COUNT] = {0};
    mscsim_welford diff = {0};
    for (long batch = 0; batch < TRUTH_BATCHES; batch++) {
        double mean[MSCSIM_ARM_COUNT];
        size_t kept[MSCSIM_ARM_COUNT];
        for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
            /* Scenario UINT64_MAX is never a real scenario: these streams are the truth's.
             * Both arms use the same streams: identical arms give exactly 0. */
            mscsim_rng rng = mscsim_rng_for_trial(d->cfg.seed, UINT64_MAX, 0, (uint64_t)batch);
            mscsim_trial_diag diag;
            memset(&diag, 0, sizeof diag);
            kept[a] = sim_trial_simulate_arm(d, a, SIM_TRUTH_BATCH, &rng, 0, w, &diag, 0);
            double s = 0;
            for (size_t i = 0; i < kept[a]; i++)
                s += w->arm[a].y[i];
            sum[a] += s;
            count[a] += (double)kept[a];
            mean[a] = kept[a] ? s / (double)kept[a] : 0;
            if (t->count > 0) {
                memcpy(t->y[a] + t->n[a], w->arm[a].y, kept[a] * sizeof(double));
                if (d->deaths_possible) /* calloc'd: no deaths otherwise */
                    memcpy(t->died[a] + t->n[a], w->arm[a].died_kept, kept[a]);
            }
        }
        mscsim_welford_add(&diff, mean[1] - mean[0]);
        if (t->count > 0) {
            double *y[MSCSIM_ARM_COUNT] = {t->y[0] + t->n[0], t->y[1] + t->n[1]};
            unsigned char *died[MSCSIM_ARM_COUNT] = {t->died[0] + t->n[0], t->died[1] + t->n[1]};
            mscsim_trial_data data;
            truth_data(&data, y, died, kept, t->scratch);
            for (int k = 0; k < t->count; k++) {
                mscsim_analysis_result r;
                t->analysis[k]->analyze(&data, t->settings, &r);
                if (!r.failed)
                    mscsim_welford_add(&t->batch[k], r.estimate);
            }
            t->n[0] += kept[0];
            t->n[1] += kept[1];
        }
    }
    mscsim_workspace_free(w);
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
    mscsim_trial_data data;
    if (t->count > 0 && !identical)
        truth_data(&data, t->y, t->died, t->n, t->scratch);
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
