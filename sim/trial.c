#include "mscsim/trial.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "mscsim/dist.h"
#include "mscsim/model.h"
#include "mscsim/population.h"
#include "mscsim/scale.h"

/*
 * The corrected two-pass algorithm (Chan, Golub & LeVeque, "Algorithms for computing the
 * sample variance", Am. Stat. 37, 1983): the second pass also sums the deviations, whose
 * total (zero in exact arithmetic) corrects both the mean and the sums of squares for the
 * rounding of the first pass, at no extra pass over the data.
 *
 * Sums run in LANES independent accumulators combined at the end: a single chain waits
 * on each addition's latency, which made this the costliest step after the random draws.
 * The order of additions is fixed, so results stay bit-for-bit reproducible.
 */
#define LANES 4

static double lane_total(const double acc[LANES])
{
    return (acc[0] + acc[1]) + (acc[2] + acc[3]);
}

static double sum(const double *v, size_t n)
{
    double acc[LANES] = {0};
    size_t i = 0;
    for (; i + LANES <= n; i += LANES)
        for (int k = 0; k < LANES; k++)
            acc[k] += v[i + k];
    for (; i < n; i++)
        acc[0] += v[i];
    return lane_total(acc);
}

/* Sums of deviations and squared deviations of v from m. */
static void deviations(const double *v, size_t n, double m, double *dev_sum, double *sq_sum)
{
    double d[LANES] = {0}, q[LANES] = {0};
    size_t i = 0;
    for (; i + LANES <= n; i += LANES)
        for (int k = 0; k < LANES; k++) {
            double e = v[i + k] - m;
            d[k] += e;
            q[k] += e * e;
        }
    for (; i < n; i++) {
        double e = v[i] - m;
        d[0] += e;
        q[0] += e * e;
    }
    *dev_sum = lane_total(d);
    *sq_sum = lane_total(q);
}

/* Sum of cross-products of deviations of x from mx and y from my. */
static double cross_deviations(const double *x, const double *y, size_t n, double mx, double my)
{
    double acc[LANES] = {0};
    size_t i = 0;
    for (; i + LANES <= n; i += LANES)
        for (int k = 0; k < LANES; k++)
            acc[k] += (x[i + k] - mx) * (y[i + k] - my);
    for (; i < n; i++)
        acc[0] += (x[i] - mx) * (y[i] - my);
    return lane_total(acc);
}

MSCSIM_API void mscsim_arm_stats_compute(mscsim_arm_stats *st, const double *y, const double *x,
                                         size_t n)
{
    memset(st, 0, sizeof *st);
    st->n = n;
    if (n == 0)
        return;
    double nn = (double)n;
    st->sum_y = sum(y, n);
    double my = st->sum_y / nn, dy_sum, ssy;
    deviations(y, n, my, &dy_sum, &ssy);
    st->mean_y = my + dy_sum / nn;
    st->ss_y = ssy - dy_sum * dy_sum / nn;
    if (!x)
        return;
    double mx = sum(x, n) / nn, dx_sum, ssx;
    deviations(x, n, mx, &dx_sum, &ssx);
    st->mean_x = mx + dx_sum / nn;
    st->ss_x = ssx - dx_sum * dx_sum / nn;
    st->sp_xy = cross_deviations(x, y, n, mx, my) - dx_sum * dy_sum / nn;
}

MSCSIM_API void mscsim_trial_data_set(mscsim_trial_data *data,
                                      const double *const y[MSCSIM_ARM_COUNT],
                                      const double *const x[MSCSIM_ARM_COUNT],
                                      const size_t n[MSCSIM_ARM_COUNT])
{
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        data->y[a] = y[a];
        data->x[a] = x[a];
        mscsim_arm_stats_compute(&data->arm[a], y[a], x[a], n[a]);
    }
}

/* ==== the trial pipeline =================================================================
 *
 * One trial, arm by arm (control first), in a fixed order of random draws:
 *   1. the population draws the arm's patients (population.c);
 *   2. baseline scores are rounded and clipped to the scale;
 *   3. the model scores every patient at its visits (model_*.c);
 *   4. deaths: each patient dies by the primary visit with the arm's mortality (one
 *      uniform), on a day uniform over (0, primary day] (a second uniform, if dead);
 *      visits from that day on score the scale's worst value or are missing;
 *   5. scores are rounded and clipped to the scale (scale.h), the one place this happens;
 *   6. dropout: each patient's primary outcome is missing with the arm's probability
 *      (one uniform, missing completely at random);
 *   7. the endpoint of every patient with an observed primary score, oriented so that
 *      positive is better, and the sufficient statistics the analyses use.
 * A step whose probability is 0 draws nothing.
 */

struct mscsim_design {
    mscsim_config cfg;
    const mscsim_model_type *model;
    _Alignas(max_align_t) unsigned char params[MSCSIM_MODEL_PARAMS_MAX];
    mscsim_population *pop;
    mscsim_scale scale;
    double orientation;    /* +1 higher is better, -1 lower. */
    double ratio_floor;    /* Smallest denominator of the improvement rate. */
    mscsim_endpoint endpoint;
    int fill_x;            /* The analysis reads the baseline. */
    int visit_count, primary;
    int ordinal_deaths;    /* Deaths are mRS 6 from the model, not drawn here. */
    int death_missing;     /* [outcome] death = missing (never for mRS). */
    int slope_diagnostic;  /* Report the recovery slope (bounded scale with a baseline). */
    double true_effect, true_effect_mcse;
};

typedef struct {
    double *nihss, *age, *onset, *baseline;
    double *true_score, *score;
    unsigned char *observed, *died;
    double *death_day;
    double *y, *x;
    size_t n;
} arm_buffers;

struct mscsim_workspace {
    size_t capacity;
    int visit_count;
    const double *visit_days;
    arm_buffers arm[MSCSIM_ARM_COUNT];
};

MSCSIM_API void mscsim_design_free(mscsim_design *d)
{
    if (!d)
        return;
    mscsim_population_free(d->pop);
    free(d);
}

MSCSIM_API double mscsim_design_true_effect(const mscsim_design *d, double *mcse)
{
    if (mcse)
        *mcse = d->true_effect_mcse;
    return d->true_effect;
}

MSCSIM_API int mscsim_design_scale_bounded(const mscsim_design *d)
{
    /* A binary outcome's "floor" and "ceiling" would only restate p. */
    return mscsim_scale_bounded(&d->scale) && d->model->outcome != MSCSIM_OUTCOME_BINARY;
}

static void arm_free(arm_buffers *b)
{
    free(b->nihss);
    free(b->age);
    free(b->onset);
    free(b->baseline);
    free(b->true_score);
    free(b->score);
    free(b->observed);
    free(b->died);
    free(b->death_day);
    free(b->y);
    free(b->x);
}

MSCSIM_API void mscsim_workspace_free(mscsim_workspace *w)
{
    if (!w)
        return;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
        arm_free(&w->arm[a]);
    free(w);
}

MSCSIM_API int mscsim_workspace_new(const mscsim_design *d, size_t capacity,
                                    mscsim_workspace **out, mscsim_error *err)
{
    *out = NULL;
    mscsim_workspace *w = calloc(1, sizeof *w);
    if (!w)
        return mscsim_error_set(err, MSCSIM_ENOMEM, "out of memory");
    w->capacity = capacity;
    w->visit_count = d->visit_count;
    w->visit_days = d->cfg.visits;
    size_t cells = capacity * (size_t)d->visit_count, c = capacity ? capacity : 1;
    unsigned drawn = mscsim_population_drawn(d->pop);
    int ok = 1;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        arm_buffers *b = &w->arm[a];
        if (drawn & MSCSIM_NEED_NIHSS)
            ok &= (b->nihss = malloc(c * sizeof(double))) != NULL;
        if (drawn & MSCSIM_NEED_AGE)
            ok &= (b->age = malloc(c * sizeof(double))) != NULL;
        if (drawn & MSCSIM_NEED_ONSET)
            ok &= (b->onset = malloc(c * sizeof(double))) != NULL;
        if (drawn & MSCSIM_NEED_BASELINE)
            ok &= (b->baseline = malloc(c * sizeof(double))) != NULL;
        ok &= (b->true_score = malloc((cells ? cells : 1) * sizeof(double))) != NULL;
        ok &= (b->score = malloc((cells ? cells : 1) * sizeof(double))) != NULL;
        ok &= (b->observed = malloc(cells ? cells : 1)) != NULL;
        ok &= (b->died = malloc(c)) != NULL;
        ok &= (b->death_day = malloc(c * sizeof(double))) != NULL;
        ok &= (b->y = malloc(c * sizeof(double))) != NULL;
        ok &= (b->x = malloc(c * sizeof(double))) != NULL;
    }
    if (!ok) {
        mscsim_workspace_free(w);
        return mscsim_error_set(err, MSCSIM_ENOMEM, "out of memory for %zu patients per arm",
                                capacity);
    }
    *out = w;
    return MSCSIM_OK;
}

MSCSIM_API void mscsim_workspace_view(const mscsim_workspace *w, int arm, mscsim_arm_view *out)
{
    const arm_buffers *b = &w->arm[arm];
    *out = (mscsim_arm_view){b->n,        w->visit_count, w->visit_days, b->nihss,
                             b->age,      b->onset,       b->baseline,   b->true_score,
                             b->score,    b->observed,    b->died,       b->death_day};
}

/* Steps 4 and 5: deaths, then the scale. Each part runs only when it can change
 * something, so a design without deaths or a scale pays only for two fills. */
static void deaths_and_scale(const mscsim_design *d, int a, arm_buffers *b, mscsim_rng *rng)
{
    const mscsim_scale *sc = &d->scale;
    size_t V = (size_t)d->visit_count, cells = b->n * V;
    double mortality = d->cfg.arm[a].mortality, worst = mscsim_scale_worst(sc);
    memset(b->observed, 1, cells);
    memset(b->died, 0, b->n); /* death_day is set, and read, only where died is. */
    if (mscsim_scale_bounded(sc)) {
        for (size_t c = 0; c < cells; c++) {
            double t = b->true_score[c];
            b->true_score[c] = t < sc->min ? sc->min : (t > sc->max ? sc->max : t);
            b->score[c] = mscsim_scale_apply(sc, b->score[c]);
        }
    }
    if (mortality > 0) {
        double primary_day = d->cfg.visits[d->primary];
        for (size_t i = 0; i < b->n; i++) {
            if (mscsim_rng_uniform(rng) >= mortality)
                continue;
            b->died[i] = 1;
            b->death_day[i] = primary_day * mscsim_rng_uniform_pos(rng);
            for (size_t v = 0; v < V; v++) {
                if (d->cfg.visits[v] < b->death_day[i])
                    continue;
                b->true_score[i * V + v] = b->score[i * V + v] = worst;
                b->observed[i * V + v] = !d->death_missing;
            }
        }
    }
    if (d->ordinal_deaths)
        for (size_t i = 0; i < b->n; i++)
            b->died[i] = b->score[i * V + (size_t)d->primary] == sc->max;
}

/* Step 7: turns the kept primary scores in b->y into oriented endpoints, in place. The
 * baselines of the kept patients are needed for all but final; with fill_x they are in
 * b->x already, otherwise they are gathered again from the observed flags. */
static void endpoints(const mscsim_design *d, arm_buffers *b, size_t kept)
{
    double o = d->orientation, *y = b->y;
    if (d->endpoint == MSCSIM_ENDPOINT_FINAL) {
        if (o < 0)
            for (size_t j = 0; j < kept; j++)
                y[j] = -y[j];
        return;
    }
    int responder = d->endpoint == MSCSIM_ENDPOINT_RESPONDER;
    if (responder && d->cfg.responder_on == MSCSIM_RESPONDER_ON_FINAL) {
        for (size_t j = 0; j < kept; j++)
            y[j] = o * y[j] >= o * d->cfg.threshold;
        return;
    }
    if (!b->baseline) {
        /* Without a baseline drawn the score is the change itself (normal model). */
        if (responder)
            for (size_t j = 0; j < kept; j++)
                y[j] = o * y[j] >= d->cfg.threshold;
        else if (o < 0)
            for (size_t j = 0; j < kept; j++)
                y[j] = -y[j];
        return;
    }
    const double *base = b->x;
    if (!d->fill_x) {
        size_t V = (size_t)d->visit_count, j = 0;
        for (size_t i = 0; i < b->n; i++) {
            b->x[j] = b->baseline[i];
            j += b->observed[i * V + (size_t)d->primary];
        }
    }
    switch (d->endpoint) {
    case MSCSIM_ENDPOINT_RATIO:
        for (size_t j = 0; j < kept; j++)
            y[j] = o * (y[j] - base[j]) / fmax(base[j], d->ratio_floor);
        break;
    case MSCSIM_ENDPOINT_RESPONDER:
        for (size_t j = 0; j < kept; j++)
            y[j] = o * (y[j] - base[j]) >= d->cfg.threshold;
        break;
    default:
        for (size_t j = 0; j < kept; j++)
            y[j] = o * (y[j] - base[j]);
        break;
    }
}

/* Within-arm pooled OLS slope of the gain on the lost function among the alive patients
 * with an observed primary score (Hope 2019's diagnostic; NaN when undefined). */
static double recovery_slope(const mscsim_design *d, const mscsim_workspace *w)
{
    double best = d->scale.higher_is_better ? d->scale.max : d->scale.min;
    double sp = 0, ss = 0;
    int V = d->visit_count;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        const arm_buffers *b = &w->arm[a];
        double sl = 0, sg = 0;
        size_t m = 0;
        for (size_t i = 0; i < b->n; i++) {
            size_t k = i * (size_t)V + (size_t)d->primary;
            if (!b->observed[k] || b->died[i])
                continue;
            sl += fabs(best - b->baseline[i]);
            sg += d->orientation * (b->score[k] - b->baseline[i]);
            m++;
        }
        if (m < 2)
            continue;
        double ml = sl / (double)m, mg = sg / (double)m;
        for (size_t i = 0; i < b->n; i++) {
            size_t k = i * (size_t)V + (size_t)d->primary;
            if (!b->observed[k] || b->died[i])
                continue;
            double dl = fabs(best - b->baseline[i]) - ml;
            sp += dl * (d->orientation * (b->score[k] - b->baseline[i]) - mg);
            ss += dl * dl;
        }
    }
    return ss > 0 ? sp / ss : (double)NAN;
}

/* Steps 1 to 7 for one arm; returns the number of analysable patients. */
static size_t simulate_arm(const mscsim_design *d, int a, size_t n, mscsim_rng *rng,
                           mscsim_workspace *w, mscsim_trial_diag *diag, int apply_dropout)
{
    arm_buffers *b = &w->arm[a];
    b->n = n;
    mscsim_covariates cov = {b->nihss, b->age, b->onset, b->baseline};
    mscsim_population_draw(d->pop, rng, n, &cov);
    if (b->baseline && mscsim_scale_bounded(&d->scale))
        for (size_t i = 0; i < n; i++)
            b->baseline[i] = mscsim_scale_apply(&d->scale, b->baseline[i]);
    mscsim_arm_sim sim = {n, a, &cov, d->visit_count, d->cfg.visits, b->true_score, b->score};
    d->model->simulate(d->params, rng, &sim);
    deaths_and_scale(d, a, b, rng);

    int V = d->visit_count, p = d->primary;
    double dropout = apply_dropout ? d->cfg.arm[a].dropout : 0.0;
    if (dropout > 0) /* Branch-free: a 10 % branch would mispredict often. */
        for (size_t i = 0; i < n; i++)
            b->observed[i * (size_t)V + (size_t)p] &= mscsim_rng_uniform(rng) >= dropout;

    if (d->cfg.arm[a].mortality > 0 || d->ordinal_deaths)
        for (size_t i = 0; i < n; i++)
            diag->deaths += b->died[i];
    /* Branch-free compaction: written always, kept only when observed. */
    size_t kept = 0;
    const double *base = b->baseline;
    if (d->fill_x) {
        for (size_t i = 0; i < n; i++) {
            size_t k = i * (size_t)V + (size_t)p;
            b->y[kept] = b->score[k];
            b->x[kept] = base ? base[i] : 0.0;
            kept += b->observed[k];
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            size_t k = i * (size_t)V + (size_t)p;
            b->y[kept] = b->score[k];
            kept += b->observed[k];
        }
    }
    diag->scored += kept;
    if (mscsim_scale_bounded(&d->scale))
        for (size_t i = 0; i < kept; i++) {
            diag->at_floor += b->y[i] == d->scale.min;
            diag->at_ceiling += b->y[i] == d->scale.max;
        }
    endpoints(d, b, kept);
    diag->n_analysed[a] = kept;
    return kept;
}

MSCSIM_API void mscsim_trial_simulate(const mscsim_design *d, mscsim_rng *rng,
                                      const size_t n[MSCSIM_ARM_COUNT], mscsim_workspace *w,
                                      mscsim_trial_data *data, mscsim_trial_diag *diag)
{
    memset(diag, 0, sizeof *diag);
    const double *y[MSCSIM_ARM_COUNT], *x[MSCSIM_ARM_COUNT];
    size_t kept[MSCSIM_ARM_COUNT];
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        kept[a] = simulate_arm(d, a, n[a], rng, w, diag, 1);
        y[a] = w->arm[a].y;
        x[a] = d->fill_x ? w->arm[a].x : NULL;
    }
    mscsim_trial_data_set(data, y, x, kept);
    diag->recovery_slope = d->slope_diagnostic ? recovery_slope(d, w) : (double)NAN;
}

/* The true effect by simulation: the difference of mean endpoints over
 * MSCSIM_TRUTH_PATIENTS patients per arm without dropout. Both arms of a batch use the same
 * stream (common random numbers), so arms that do not differ give exactly 0 and similar
 * arms a precise difference; the Monte Carlo error comes from the spread of the independent
 * batch differences, which stays valid when the two arms' draws fall out of step. */
#define TRUTH_BATCH 10000
#define TRUTH_BATCHES (MSCSIM_TRUTH_PATIENTS / TRUTH_BATCH)

static int estimate_truth(mscsim_design *d, mscsim_error *err)
{
    mscsim_workspace *w;
    int status = mscsim_workspace_new(d, TRUTH_BATCH, &w, err);
    if (status)
        return status;
    double sum[MSCSIM_ARM_COUNT] = {0}, count[MSCSIM_ARM_COUNT] = {0};
    double diff_mean = 0, diff_m2 = 0;
    for (long batch = 0; batch < TRUTH_BATCHES; batch++) {
        double mean[MSCSIM_ARM_COUNT];
        for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
            /* Scenario UINT64_MAX is never a real scenario: these streams are the truth's. */
            mscsim_rng rng = mscsim_rng_for_trial(d->cfg.seed, UINT64_MAX, 0, (uint64_t)batch);
            mscsim_trial_diag diag;
            memset(&diag, 0, sizeof diag);
            size_t kept = simulate_arm(d, a, TRUTH_BATCH, &rng, w, &diag, 0);
            double s = 0;
            for (size_t i = 0; i < kept; i++)
                s += w->arm[a].y[i];
            sum[a] += s;
            count[a] += (double)kept;
            mean[a] = kept ? s / (double)kept : 0;
        }
        double delta = (mean[1] - mean[0]) - diff_mean;
        diff_mean += delta / (double)(batch + 1);
        diff_m2 += delta * ((mean[1] - mean[0]) - diff_mean);
    }
    mscsim_workspace_free(w);
    if (count[0] == 0 || count[1] == 0)
        return mscsim_error_set(err, MSCSIM_ECONFIG,
                                "no simulated patient has the endpoint (every death missing?)");
    d->true_effect = sum[1] / count[1] - sum[0] / count[0];
    d->true_effect_mcse = sqrt(diff_m2 / (TRUTH_BATCHES - 1) / TRUTH_BATCHES);
    return MSCSIM_OK;
}

MSCSIM_API int mscsim_design_new(const mscsim_config *cfg, mscsim_design **out, mscsim_error *err)
{
    *out = NULL;
    mscsim_design *d = calloc(1, sizeof *d);
    if (!d)
        return mscsim_error_set(err, MSCSIM_ENOMEM, "out of memory");
    d->cfg = *cfg;
    d->model = mscsim_model_find(cfg->model);
    const mscsim_analysis_type *analysis = mscsim_analysis_find(cfg->test);
    int status = MSCSIM_EINVAL;
    if (!d->model || !analysis) {
        mscsim_error_set(err, MSCSIM_EINVAL, "internal: unvalidated config");
        goto fail;
    }
    /* The ordinal model's scale is mRS; the binary model's is {0, 1}, higher is better. */
    if (d->model->outcome == MSCSIM_OUTCOME_ORDINAL)
        d->cfg.scale = MSCSIM_SCALE_MRS;
    if (d->model->outcome == MSCSIM_OUTCOME_BINARY)
        d->scale = (mscsim_scale){MSCSIM_SCALE_CUSTOM, "binary", 0, 1, 1, 1};
    else if ((status = mscsim_scale_from_config(&d->cfg, &d->scale, err)) != MSCSIM_OK)
        goto fail;
    status = d->model->prepare(&d->cfg, d->params, err);
    if (status)
        goto fail;
    d->orientation = mscsim_scale_orientation(&d->scale);
    d->ratio_floor = d->scale.step > 0 ? d->scale.step : 1.0;
    d->endpoint = mscsim_config_endpoint(cfg);
    d->fill_x = analysis->uses_baseline;
    d->visit_count = cfg->visit_count;
    d->primary = mscsim_config_primary_index(cfg);
    d->ordinal_deaths = d->model->outcome == MSCSIM_OUTCOME_ORDINAL;
    d->death_missing = cfg->death == MSCSIM_DEATH_MISSING && d->scale.id != MSCSIM_SCALE_MRS;

    unsigned needs = d->model->needs(&d->cfg);
    int continuous = d->model->outcome == MSCSIM_OUTCOME_CONTINUOUS;
    int level_needed = d->endpoint == MSCSIM_ENDPOINT_FINAL || d->endpoint == MSCSIM_ENDPOINT_RATIO ||
                       (d->endpoint == MSCSIM_ENDPOINT_RESPONDER &&
                        cfg->responder_on == MSCSIM_RESPONDER_ON_FINAL);
    /* A continuous model's score is baseline + change: without a baseline drawn the
     * change is exact, but a level (final, ratio) or an adjusted analysis needs it. */
    if (continuous && (level_needed || d->fill_x))
        needs |= MSCSIM_NEED_BASELINE;
    status = mscsim_population_new(&d->cfg, needs, &d->pop, err);
    if (status)
        goto fail;
    d->slope_diagnostic = continuous && mscsim_scale_bounded(&d->scale) &&
                          (mscsim_population_drawn(d->pop) & MSCSIM_NEED_BASELINE);
    d->true_effect = d->model->true_effect(d->params, &d->cfg);
    d->true_effect_mcse = 0;
    if (isnan(d->true_effect) && (status = estimate_truth(d, err)) != MSCSIM_OK)
        goto fail;
    *out = d;
    return MSCSIM_OK;
fail:
    mscsim_design_free(d);
    return status;
}
