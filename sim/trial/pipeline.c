#include "mscsim/trial.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "impute.h"
#include "internal.h"
#include "mscsim/dist.h"
#include "mscsim/model.h"
#include "mscsim/population.h"
#include "mscsim/stats.h"
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

SIM_API void mscsim_arm_stats_compute(mscsim_arm_stats *st, const double *y, const double *x,
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

SIM_API void mscsim_trial_data_set(mscsim_trial_data *data,
                                      const double *const y[MSCSIM_ARM_COUNT],
                                      const double *const x[MSCSIM_ARM_COUNT],
                                      const size_t n[MSCSIM_ARM_COUNT])
{
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        data->y[a] = y[a];
        data->x[a] = x[a];
        data->died[a] = NULL;
        mscsim_arm_stats_compute(&data->arm[a], y[a], x[a], n[a]);
    }
    data->scratch = NULL;
    data->cov_count = 0;
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

_Static_assert(MSCSIM_MAX_COVARIATES == sizeof(((mscsim_trial_data *)0)->cov[0]) / sizeof(double *),
               "trial.h's covariate slots must match MSCSIM_MAX_COVARIATES");

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
    int deaths_possible;   /* Some mortality, or ordinal deaths. */
    int death_missing;     /* [outcome] death = missing (never for mRS). */
    int slope_diagnostic;  /* Report the recovery slope (bounded scale with a baseline). */
    double true_effect, true_effect_mcse;
    int analysis_count;
    double analysis_truth[MSCSIM_MAX_ANALYSES], analysis_mcse[MSCSIM_MAX_ANALYSES];
    /* Dropout: visit of dropping out, and for MAR/MNAR the logistic model
     * P(drop) = logistic(alpha[arm] + log(odds_ratio) * z), z the standardised worse value. */
    mscsim_categorical dropout_visit;
    double dropout_alpha[MSCSIM_ARM_COUNT], dropout_beta, dropout_mean, dropout_sd;
    int fill_missing;      /* locf, bocf or worst: every patient is analysed. */
};

typedef struct {
    double *nihss, *age, *onset, *baseline;
    double *true_score, *score;
    unsigned char *observed, *died;
    double *death_day;
    double *y, *x;
    unsigned char *died_kept; /* died, for the analysed patients, in y's order */
    double *cov_kept[MSCSIM_MAX_COVARIATES]; /* covariates of the analysed patients */
    const double *cov_src[MSCSIM_MAX_COVARIATES]; /* where each covariate is drawn (or NULL) */
    double *imputed;          /* n * visits: scores completed by one imputation (mi) */
    double *impute_work;      /* sim_impute_work_size doubles (mi) */
    size_t n;
} arm_buffers;

struct mscsim_workspace {
    size_t capacity;
    double *scratch; /* 2 * capacity doubles for analyses that rank */
    int visit_count;
    const double *visit_days;
    arm_buffers arm[MSCSIM_ARM_COUNT];
};

SIM_API void mscsim_design_free(mscsim_design *d)
{
    if (!d)
        return;
    mscsim_population_free(d->pop);
    free(d);
}

SIM_API double mscsim_design_analysis_truth(const mscsim_design *d, int index, double *mcse)
{
    if (mcse)
        *mcse = d->analysis_mcse[index];
    return d->analysis_truth[index];
}

SIM_API double mscsim_design_true_effect(const mscsim_design *d, double *mcse)
{
    if (mcse)
        *mcse = d->true_effect_mcse;
    return d->true_effect;
}

SIM_API int mscsim_design_scale_bounded(const mscsim_design *d)
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
    free(b->died_kept);
    free(b->imputed);
    free(b->impute_work);
    for (int k = 0; k < MSCSIM_MAX_COVARIATES; k++)
        free(b->cov_kept[k]);
}

SIM_API void mscsim_workspace_free(mscsim_workspace *w)
{
    if (!w)
        return;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
        arm_free(&w->arm[a]);
    free(w->scratch);
    free(w);
}

SIM_API int mscsim_workspace_new(const mscsim_design *d, size_t capacity,
                                    mscsim_workspace **out, mscsim_error *err)
{
    *out = NULL;
    mscsim_workspace *w = calloc(1, sizeof *w);
    if (!w)
        return sim_error_set(err, MSCSIM_ENOMEM, "out of memory");
    w->capacity = capacity;
    w->visit_count = d->visit_count;
    w->visit_days = d->cfg.visits;
    size_t cells = capacity * (size_t)d->visit_count, c = capacity ? capacity : 1;
    unsigned drawn = mscsim_population_drawn(d->pop);
    int ok = (w->scratch = malloc(2 * c * sizeof(double))) != NULL;
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
        ok &= (b->died_kept = malloc(c)) != NULL;
        for (int k = 0; d->fill_x && k < d->cfg.covariate_count; k++) {
            const mscsim_covariate which = (mscsim_covariate)d->cfg.covariates[k];
            if (which == MSCSIM_COVARIATE_BASELINE)
                continue; /* Kept in x already: no copy. */
            ok &= (b->cov_kept[k] = malloc(c * sizeof(double))) != NULL;
            b->cov_src[k] = which == MSCSIM_COVARIATE_NIHSS ? b->nihss
                            : which == MSCSIM_COVARIATE_AGE ? b->age
                                                            : b->onset;
        }
        if (d->cfg.missing == MSCSIM_MISSING_MI) {
            ok &= (b->imputed = malloc((cells ? cells : 1) * sizeof(double))) != NULL;
            ok &= (b->impute_work =
                       malloc(sim_impute_work_size(c, d->visit_count) * sizeof(double))) != NULL;
        }
    }
    if (!ok) {
        mscsim_workspace_free(w);
        return sim_error_set(err, MSCSIM_ENOMEM, "out of memory for %zu patients per arm",
                                capacity);
    }
    *out = w;
    return MSCSIM_OK;
}

SIM_API void mscsim_workspace_view(const mscsim_workspace *w, int arm, mscsim_arm_view *out)
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
 * b->x already, otherwise they are gathered again (every patient when all_kept, else the
 * observed ones). */
static void endpoints(const mscsim_design *d, arm_buffers *b, size_t kept, int all_kept)
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
            j += all_kept || b->observed[i * V + (size_t)d->primary];
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

/* The source array of configured covariate k (drawn by the population). */
/* Copies patient i's covariates and death flag to analysed slot j (j <= i). Called only
 * when the analysis reads covariates or deaths: otherwise there is nothing to keep, and the
 * call costs as much as a patient's draw. */
static void keep_patient(const mscsim_design *d, arm_buffers *b, size_t i, size_t j)
{
    if (d->fill_x) {
        b->x[j] = b->baseline ? b->baseline[i] : 0.0;
        for (int k = 0; k < d->cfg.covariate_count; k++)
            if (b->cov_kept[k])
                b->cov_kept[k][j] = b->cov_src[k] ? b->cov_src[k][i] : 0.0;
    }
    if (d->deaths_possible)
        b->died_kept[j] = b->died[i];
}

/* The value MAR or MNAR dropout at visit v depends on, oriented so larger is worse. */
static double dropout_driver(const mscsim_design *d, const arm_buffers *b, size_t i, int v)
{
    size_t V = (size_t)d->visit_count;
    double value;
    if (d->cfg.dropout_mechanism == MSCSIM_DROPOUT_MNAR)
        value = b->score[i * V + (size_t)v];
    else if (d->cfg.mar_on == MSCSIM_MAR_ON_PREVIOUS_VISIT && v > 0)
        value = b->score[i * V + (size_t)v - 1];
    else
        value = b->baseline ? b->baseline[i] : 0.0;
    return -d->orientation * value;
}

/* The visit a dropout happens at, up to the primary one. */
static int dropout_visit(const mscsim_design *d, mscsim_rng *rng)
{
    return d->primary > 0 ? mscsim_rcategorical(rng, &d->dropout_visit) : 0;
}

/* Step 6: dropout, monotone: from the dropout visit on, nothing is observed. */
static void dropout(const mscsim_design *d, int a, arm_buffers *b, mscsim_rng *rng)
{
    double rate = d->cfg.arm[a].dropout;
    size_t V = (size_t)d->visit_count, p = (size_t)d->primary;
    if (rate <= 0)
        return;
    if (d->cfg.dropout_mechanism == MSCSIM_DROPOUT_MCAR && V == 1) {
        /* The common case, branch-free: a 10 % branch would mispredict often. The generator
         * is copied to a local: the byte stores could alias *rng, which would keep its state
         * in memory, a store and a load on every draw's dependency chain. */
        mscsim_rng r = *rng;
        unsigned char *observed = b->observed + p;
        for (size_t i = 0; i < b->n; i++)
            observed[i * V] &= mscsim_rng_uniform(&r) >= rate;
        *rng = r;
        return;
    }
    for (size_t i = 0; i < b->n; i++) {
        int v;
        if (d->cfg.dropout_mechanism == MSCSIM_DROPOUT_MCAR) {
            if (mscsim_rng_uniform(rng) >= rate)
                continue;
            v = dropout_visit(d, rng);
        } else {
            v = dropout_visit(d, rng);
            double z = (dropout_driver(d, b, i, v) - d->dropout_mean) / d->dropout_sd;
            double prob = 1.0 / (1.0 + exp(-(d->dropout_alpha[a] + d->dropout_beta * z)));
            if (mscsim_rng_uniform(rng) >= prob)
                continue;
        }
        for (size_t k = (size_t)v; k < V; k++)
            b->observed[i * V + k] = 0;
    }
}

/* A missing primary score under locf, bocf or worst. */
static double fill_value(const mscsim_design *d, const arm_buffers *b, size_t i)
{
    size_t V = (size_t)d->visit_count;
    switch (d->cfg.missing) {
    case MSCSIM_MISSING_WORST:
        return mscsim_scale_worst(&d->scale);
    case MSCSIM_MISSING_LOCF:
        for (int v = d->primary - 1; v >= 0; v--)
            if (b->observed[i * V + (size_t)v])
                return b->score[i * V + (size_t)v];
        break; /* No visit observed: the baseline, as bocf. */
    default:
        break;
    }
    return b->baseline ? b->baseline[i] : 0.0;
}

/* Steps 1 to 7 for one arm; returns the number of analysable patients. */
static size_t simulate_arm(const mscsim_design *d, int a, size_t n, const mscsim_rng *rng,
                           int stream, mscsim_workspace *w, mscsim_trial_diag *diag,
                           int apply_dropout)
{
    /* One substream per step (and per stream, i.e. arm in a trial): every step walks the
     * patients in order, so patient i's draws do not depend on n (nested trials across
     * sizes, see mscsim_rng_substream). */
    enum { STEP_POPULATION, STEP_MODEL, STEP_DEATHS, STEP_DROPOUT, STEPS };
    mscsim_rng step_rng[STEPS] = {{0, 0}};
    /* Deriving a stream costs about as much as 5 patients' draws: only the steps that draw. */
    int draws[STEPS] = {mscsim_population_drawn(d->pop) != 0, 1, d->cfg.arm[a].mortality > 0,
                        apply_dropout && d->cfg.arm[a].dropout > 0};
    for (int s = 0; s < STEPS; s++)
        if (draws[s])
            step_rng[s] = mscsim_rng_substream(rng, (uint64_t)(stream * STEPS + s));
    arm_buffers *b = &w->arm[a];
    b->n = n;
    mscsim_covariates cov = {b->nihss, b->age, b->onset, b->baseline};
    mscsim_population_draw(d->pop, &step_rng[STEP_POPULATION], n, &cov);
    if (b->baseline && mscsim_scale_bounded(&d->scale))
        for (size_t i = 0; i < n; i++)
            b->baseline[i] = mscsim_scale_apply(&d->scale, b->baseline[i]);
    mscsim_arm_sim sim = {n, a, &cov, d->visit_count, d->cfg.visits, b->true_score, b->score};
    d->model->simulate(d->params, &step_rng[STEP_MODEL], &sim);
    deaths_and_scale(d, a, b, &step_rng[STEP_DEATHS]);

    int V = d->visit_count, p = d->primary;
    if (apply_dropout)
        dropout(d, a, b, &step_rng[STEP_DROPOUT]);

    /* Locals: through b and d, the call in the loop would force reloads on every patient. */
    const int keep = d->fill_x || d->deaths_possible;
    const unsigned char *obs = b->observed;
    const double *score = b->score;
    double *y = b->y;
    size_t kept = 0, observed = 0;
    if (d->fill_missing && apply_dropout) {
        /* Every patient is analysed: a missing primary score is filled by the rule (not
         * when estimating the truth, which is about patients with the outcome). */
        for (size_t i = 0; i < n; i++) {
            size_t k = i * (size_t)V + (size_t)p;
            observed += obs[k];
            y[i] = obs[k] ? score[k] : fill_value(d, b, i);
            if (keep)
                keep_patient(d, b, i, i);
        }
        kept = n;
    } else {
        /* Branch-free compaction: written always, kept only when observed. */
        for (size_t i = 0; i < n; i++) {
            size_t k = i * (size_t)V + (size_t)p;
            y[kept] = score[k];
            if (keep)
                keep_patient(d, b, i, kept);
            kept += obs[k];
        }
        observed = kept;
    }
    if (mscsim_scale_bounded(&d->scale)) {
        /* Local counters: through diag the compiler would store on every patient. */
        size_t at_floor = 0, at_ceiling = 0;
        for (size_t i = 0; i < n; i++) {
            size_t k = i * (size_t)V + (size_t)p;
            at_floor += b->observed[k] & (b->score[k] == d->scale.min);
            at_ceiling += b->observed[k] & (b->score[k] == d->scale.max);
        }
        diag->at_floor += at_floor;
        diag->at_ceiling += at_ceiling;
    }
    diag->scored += observed;
    diag->missing[a] = n - observed;
    if (d->deaths_possible)
        for (size_t i = 0; i < n; i++)
            diag->deaths += b->died[i];
    endpoints(d, b, kept, d->fill_missing && apply_dropout);
    diag->n_analysed[a] = kept;
    return kept;
}

/* Death flags, covariates and scratch of the analysed patients, beside y and x. */
/* The adjusted analyses read the covariates (data->cov, at least the baseline by default),
 * so the trial data carry no x: its sums would be three passes per arm nobody reads. */
static void set_data_extras(const mscsim_design *d, mscsim_workspace *w, mscsim_trial_data *data)
{
    data->cov_count = d->fill_x ? d->cfg.covariate_count : 0;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        const arm_buffers *b = &w->arm[a];
        data->died[a] = d->deaths_possible ? b->died_kept : NULL;
        for (int k = 0; k < data->cov_count; k++) /* The baseline is x itself. */
            data->cov[a][k] = b->cov_kept[k] ? b->cov_kept[k] : b->x;
    }
    data->scratch = w->scratch;
}

SIM_API void mscsim_trial_simulate(const mscsim_design *d, mscsim_rng *rng,
                                      const size_t n[MSCSIM_ARM_COUNT], mscsim_workspace *w,
                                      mscsim_trial_data *data, mscsim_trial_diag *diag)
{
    memset(diag, 0, sizeof *diag);
    const double *y[MSCSIM_ARM_COUNT], *const no_x[MSCSIM_ARM_COUNT] = {NULL, NULL};
    size_t kept[MSCSIM_ARM_COUNT];
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        kept[a] = simulate_arm(d, a, n[a], rng, a, w, diag, 1);
        y[a] = w->arm[a].y;
    }
    mscsim_trial_data_set(data, y, no_x, kept);
    set_data_extras(d, w, data);
    diag->recovery_slope = d->slope_diagnostic ? recovery_slope(d, w) : (double)NAN;
}

SIM_API int mscsim_trial_impute(const mscsim_design *d, mscsim_workspace *w, mscsim_rng *rng,
                                   mscsim_trial_data *data)
{
    const double *y[MSCSIM_ARM_COUNT], *const no_x[MSCSIM_ARM_COUNT] = {NULL, NULL};
    size_t n[MSCSIM_ARM_COUNT];
    size_t V = (size_t)d->visit_count, p = (size_t)d->primary;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        arm_buffers *b = &w->arm[a];
        memcpy(b->imputed, b->score, b->n * V * sizeof(double));
        int status = sim_impute_monotone(b->baseline, b->imputed, b->observed, b->n,
                                            d->visit_count, d->primary, rng, b->impute_work);
        if (status)
            return status;
        for (size_t i = 0; i < b->n; i++) {
            b->y[i] = b->imputed[i * V + p];
            if (d->fill_x || d->deaths_possible)
                keep_patient(d, b, i, i);
        }
        endpoints(d, b, b->n, 1);
        y[a] = b->y;
        n[a] = b->n;
    }
    mscsim_trial_data_set(data, y, no_x, n);
    set_data_extras(d, w, data);
    return MSCSIM_OK;
}

/* The true effect by simulation: the difference of mean endpoints over
 * MSCSIM_TRUTH_PATIENTS patients per arm without dropout. Both arms of a batch use the same
 * stream (common random numbers), so arms that do not differ give exactly 0 and similar
 * arms a precise difference; the Monte Carlo error comes from the spread of the independent
 * batch differences, which stays valid when the two arms' draws fall out of step. */
#define TRUTH_BATCH 10000
#define TRUTH_BATCHES (MSCSIM_TRUTH_PATIENTS / TRUTH_BATCH)

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
    const double *cy[MSCSIM_ARM_COUNT] = {y[0], y[1]}, *cx[MSCSIM_ARM_COUNT] = {NULL, NULL};
    mscsim_trial_data_set(data, cy, cx, n);
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
    int status = mscsim_workspace_new(d, TRUTH_BATCH, &w, err);
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
            kept[a] = simulate_arm(d, a, TRUTH_BATCH, &rng, 0, w, &diag, 0);
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

/* Sets every analysis' truth: the mean difference, or a sample for other estimands. */
static int analysis_truths(mscsim_design *d, mscsim_error *err)
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
        status = mscsim_analysis_settings_new(d->cfg.alpha, d->cfg.sides, 0.95, 2 * TRUTH_BATCH, 0,
                                              &t.settings, err);
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

/* Patients per arm used to calibrate MAR/MNAR dropout to the configured rate. */
#define DROPOUT_CALIBRATION_PATIENTS 100000
/* Bisection steps for the intercept: the bracket [-60, 60] shrinks below 1e-15. */
#define DROPOUT_BISECTIONS 60

/* Sets up dropout: the visit weights and, for MAR and MNAR, the standardisation of the
 * driving value (pooled over arms) and each arm's intercept, found by bisection so that the
 * mean dropout probability over simulated patients equals the arm's configured rate. */
static int calibrate_dropout(mscsim_design *d, mscsim_error *err)
{
    const mscsim_config *cfg = &d->cfg;
    double weights[MSCSIM_MAX_VISITS];
    int nv = d->primary + 1;
    for (int v = 0; v < nv; v++)
        weights[v] = cfg->dropout_weight_count ? cfg->dropout_weights[v] : 1.0;
    double total = 0;
    for (int v = 0; v < nv; v++)
        total += weights[v];
    for (int v = 0; v < nv; v++)
        weights[v] /= total;
    int status = mscsim_categorical_init(&d->dropout_visit, weights, nv, err);
    if (status || cfg->dropout_mechanism == MSCSIM_DROPOUT_MCAR)
        return status;
    d->dropout_beta = log(cfg->dropout_odds_ratio);
    mscsim_workspace *w;
    if ((status = mscsim_workspace_new(d, TRUTH_BATCH, &w, err)) != MSCSIM_OK)
        return status;
    size_t per_arm = DROPOUT_CALIBRATION_PATIENTS;
    double *z = malloc(2 * per_arm * sizeof(double));
    if (!z) {
        mscsim_workspace_free(w);
        return sim_error_set(err, MSCSIM_ENOMEM, "out of memory calibrating dropout");
    }
    double sum = 0, sum2 = 0;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        for (size_t batch = 0; batch * TRUTH_BATCH < per_arm; batch++) {
            /* Scenario UINT64_MAX - 1 is never a real scenario: calibration's own streams. */
            mscsim_rng rng = mscsim_rng_for_trial(cfg->seed, UINT64_MAX - 1, (uint64_t)a, batch);
            mscsim_trial_diag diag;
            memset(&diag, 0, sizeof diag);
            simulate_arm(d, a, TRUTH_BATCH, &rng, a, w, &diag, 0);
            for (size_t i = 0; i < TRUTH_BATCH; i++) {
                double v = dropout_driver(d, &w->arm[a], i, dropout_visit(d, &rng));
                z[(size_t)a * per_arm + batch * TRUTH_BATCH + i] = v;
                sum += v;
                sum2 += v * v;
            }
        }
    }
    mscsim_workspace_free(w);
    double count = 2.0 * (double)per_arm;
    d->dropout_mean = sum / count;
    d->dropout_sd = sqrt(fmax(0.0, sum2 / count - d->dropout_mean * d->dropout_mean));
    if (!(d->dropout_sd > 0)) {
        free(z);
        sim_error_set(err, MSCSIM_ECONFIG,
                         "the value dropout depends on does not vary, so it cannot drive dropout");
        return mscsim_config_error_at(cfg, "dropout", "mechanism", err);
    }
    /* Each patient's slope term, once: the bisection only moves the intercept. */
    for (size_t i = 0; i < 2 * per_arm; i++)
        z[i] = d->dropout_beta * (z[i] - d->dropout_mean) / d->dropout_sd;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        const double *slope_term = z + (size_t)a * per_arm;
        double lo = -60, hi = 60, rate = cfg->arm[a].dropout;
        for (int it = 0; it < DROPOUT_BISECTIONS; it++) {
            double mid = 0.5 * (lo + hi), mean = 0;
            for (size_t i = 0; i < per_arm; i++)
                mean += 1.0 / (1.0 + exp(-(mid + slope_term[i])));
            if (mean / (double)per_arm < rate)
                lo = mid;
            else
                hi = mid;
        }
        d->dropout_alpha[a] = 0.5 * (lo + hi);
    }
    free(z);
    return MSCSIM_OK;
}

SIM_API int mscsim_design_new(const mscsim_config *cfg, mscsim_design **out, mscsim_error *err)
{
    *out = NULL;
    mscsim_design *d = calloc(1, sizeof *d);
    if (!d)
        return sim_error_set(err, MSCSIM_ENOMEM, "out of memory");
    d->cfg = *cfg;
    d->model = mscsim_model_find(cfg->model);
    const char *names[MSCSIM_MAX_ANALYSES];
    int analyses = mscsim_config_analyses(cfg, names), uses_baseline = 0;
    for (int k = 0; k < analyses; k++)
        uses_baseline |= mscsim_analysis_find(names[k])->uses_baseline;
    int status = MSCSIM_EINVAL;
    if (!d->model || analyses == 0) {
        sim_error_set(err, MSCSIM_EINVAL, "internal: unvalidated config");
        goto fail;
    }
    /* The ordinal model's scale is mRS; the binary model's is {0, 1}, higher is better. */
    d->cfg.scale = mscsim_config_scale(cfg);
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
    d->fill_x = uses_baseline;
    d->visit_count = cfg->visit_count;
    d->primary = mscsim_config_primary_index(cfg);
    d->ordinal_deaths = d->model->outcome == MSCSIM_OUTCOME_ORDINAL;
    d->death_missing = cfg->death == MSCSIM_DEATH_MISSING && d->scale.id != MSCSIM_SCALE_MRS;
    d->deaths_possible = d->ordinal_deaths || cfg->arm[0].mortality > 0 || cfg->arm[1].mortality > 0;

    unsigned needs = d->model->needs(&d->cfg);
    int continuous = d->model->outcome == MSCSIM_OUTCOME_CONTINUOUS;
    int level_needed = d->endpoint == MSCSIM_ENDPOINT_FINAL || d->endpoint == MSCSIM_ENDPOINT_RATIO ||
                       (d->endpoint == MSCSIM_ENDPOINT_RESPONDER &&
                        cfg->responder_on == MSCSIM_RESPONDER_ON_FINAL);
    /* A continuous model's score is baseline + change: without a baseline drawn the
     * change is exact, but a level (final, ratio) or an adjusted analysis needs it. */
    int missing_needs_baseline = cfg->missing == MSCSIM_MISSING_LOCF ||
                                 cfg->missing == MSCSIM_MISSING_BOCF ||
                                 cfg->missing == MSCSIM_MISSING_MI;
    int dropout_needs_baseline = cfg->dropout_mechanism == MSCSIM_DROPOUT_MAR &&
                                 (cfg->mar_on == MSCSIM_MAR_ON_BASELINE || cfg->visit_count == 1);
    if (continuous && (level_needed || d->fill_x || missing_needs_baseline || dropout_needs_baseline))
        needs |= MSCSIM_NEED_BASELINE;
    static const unsigned covariate_need[] = {MSCSIM_NEED_BASELINE, MSCSIM_NEED_NIHSS,
                                              MSCSIM_NEED_AGE, MSCSIM_NEED_ONSET};
    for (int k = 0; d->fill_x && k < cfg->covariate_count; k++)
        needs |= covariate_need[cfg->covariates[k]];
    d->fill_missing = cfg->missing == MSCSIM_MISSING_LOCF || cfg->missing == MSCSIM_MISSING_BOCF ||
                      cfg->missing == MSCSIM_MISSING_WORST;
    status = mscsim_population_new(&d->cfg, needs, &d->pop, err);
    if (status)
        goto fail;
    d->slope_diagnostic = continuous && mscsim_scale_bounded(&d->scale) &&
                          (mscsim_population_drawn(d->pop) & MSCSIM_NEED_BASELINE);
    if ((status = calibrate_dropout(d, err)) != MSCSIM_OK)
        goto fail;
    d->true_effect = d->model->true_effect(d->params, &d->cfg);
    d->true_effect_mcse = 0;
    if ((status = analysis_truths(d, err)) != MSCSIM_OK)
        goto fail;
    *out = d;
    return MSCSIM_OK;
fail:
    mscsim_design_free(d);
    return status;
}
