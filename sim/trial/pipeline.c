/*
 * The trial pipeline. One trial, arm by arm (control first), in a fixed order of random
 * draws:
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
 * A step whose probability is 0 draws nothing. With [trial] randomisation other than fixed,
 * step 1 draws the whole trial in order of entry and the randomisation splits it into the
 * arms first (randomisation.c); steps 2 to 7 then run per arm as above. Also the glue of
 * multiple imputation (mscsim_trial_impute), which re-runs step 7 on the completed scores.
 */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "impute.h"
#include "interim/looks.h"
#include "internal.h"
#include "trial_impl.h"

/* Step 5 on the cells. The scale is a local copy: through a pointer the stores would
 * force reloads of its fields on every cell. Inline and called with vector constant: with
 * vector 1 (mscsim_scale_apply_vector) the loop vectorises. */
static inline void scale_cells(const mscsim_scale sc, double *true_score, double *score,
                               size_t cells, int vector)
{
    for (size_t c = 0; c < cells; c++) {
        true_score[c] = mscsim_scale_clip(&sc, true_score[c]);
        score[c] = vector ? mscsim_scale_apply_vector(&sc, score[c])
                          : mscsim_scale_apply(&sc, score[c]);
    }
}

/* Steps 4 and 5: deaths, then the scale. Each part runs only when it can change
 * something, so a design without deaths or a scale pays only for two fills. */
static void deaths_and_scale(const mscsim_design *d, int a, sim_arm_buffers *b, mscsim_rng *rng)
{
    const mscsim_scale *sc = &d->scale;
    size_t V = (size_t)d->visit_count, cells = b->n * V;
    double mortality = d->cfg.arm[a].mortality, worst = mscsim_scale_worst(sc);
    memset(b->observed, 1, cells);
    memset(b->died, 0, b->n); /* death_day is set, and read, only where died is. */
    if (mscsim_scale_bounded(sc)) {
        mscsim_scale unit = *sc;
        if (!mscsim_scale_vectorisable(sc)) {
            scale_cells(unit, b->true_score, b->score, cells, 0);
        } else if (sc->step == 1.0) {
            /* A unit step (FMA, NIHSS) as a constant: the division by it is dropped (exact). */
            unit.step = 1.0;
            scale_cells(unit, b->true_score, b->score, cells, 1);
        } else {
            scale_cells(unit, b->true_score, b->score, cells, 1);
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

/* Step 7: turns the kept primary scores in b->y into oriented endpoints, in place (also
 * the table path's endpoint of each score category, shortcut.c). The baselines of the kept
 * patients are needed for all but final: when all_kept they are b->baseline itself,
 * otherwise the pipeline's compaction (or keep_patient) has gathered them into b->x. */
void sim_trial_endpoints(const mscsim_design *d, sim_arm_buffers *b, size_t kept, int all_kept)
{
    double o = d->orientation, *y = b->y;
    if (d->endpoint == MSCSIM_ENDPOINT_UTILITY) {
        sim_utility_apply(d, y, kept);
        return;
    }
    if (d->endpoint == MSCSIM_ENDPOINT_FINAL) {
        if (o < 0)
            for (size_t j = 0; j < kept; j++)
                y[j] = -y[j];
        return;
    }
    int responder = d->endpoint == MSCSIM_ENDPOINT_RESPONDER;
    if (responder && d->cfg.sliding_count > 0) {
        sim_sliding_apply(d, b, kept, all_kept);
        return;
    }
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
    const double *base = all_kept ? b->baseline : b->x;
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

/* Gathers the lost function (from the best score) and gain of arm b's alive patients with
 * an observed primary score into lost and gain (written always, kept only when counted: a
 * 10 % branch would mispredict often); returns their number. Inline, so that the call
 * without deaths (died NULL: every flag 0) is a loop without the flag. */
static inline size_t slope_terms(const mscsim_design *d, const sim_arm_buffers *b,
                                 const unsigned char *died, double best, double *lost,
                                 double *gain)
{
    const double o = d->orientation;
    const size_t V = (size_t)d->visit_count, p = (size_t)d->primary;
    const double *base = b->baseline, *score = b->score + p;
    const unsigned char *obs = b->observed + p;
    size_t m = 0;
    for (size_t i = 0; i < b->n; i++) {
        lost[m] = fabs(best - base[i]);
        gain[m] = o * (score[i * V] - base[i]);
        m += died ? obs[i * V] & !died[i] : obs[i * V];
    }
    return m;
}

/* Within-arm pooled OLS slope of the gain on the lost function among the alive patients
 * with an observed primary score (Hope 2019's diagnostic; NaN when undefined), from the
 * arms' kept counts. Their terms are gathered into w->scratch first, so both passes run
 * over them without a test; the sums are the same, in the same order. Without deaths or
 * filled scores those patients are the kept ones, whose change endpoints in b->y are the
 * gains already (the same expression) and whose baselines are in b->x: only the lost
 * function is left to compute. */
static double recovery_slope(const mscsim_design *d, mscsim_workspace *w,
                             const size_t kept[MSCSIM_ARM_COUNT])
{
    const double best = d->scale.higher_is_better ? d->scale.max : d->scale.min;
    const int endpoints_are_gains =
        d->endpoint == MSCSIM_ENDPOINT_CHANGE && !d->deaths_possible && !d->fill_missing;
    double *lost = w->scratch, *gain = w->scratch + w->capacity;
    double sp = 0, ss = 0;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        const sim_arm_buffers *b = &w->arm[a];
        const double *g = gain;
        size_t m;
        if (endpoints_are_gains) {
            m = kept[a];
            for (size_t j = 0; j < m; j++)
                lost[j] = fabs(best - b->x[j]);
            g = b->y;
        } else {
            m = d->deaths_possible ? slope_terms(d, b, b->died, best, lost, gain)
                                   : slope_terms(d, b, NULL, best, lost, gain);
        }
        if (m < 2)
            continue;
        double sl = 0, sg = 0;
        for (size_t j = 0; j < m; j++) {
            sl += lost[j];
            sg += g[j];
        }
        double ml = sl / (double)m, mg = sg / (double)m;
        for (size_t j = 0; j < m; j++) {
            double dl = lost[j] - ml;
            sp += dl * (g[j] - mg);
            ss += dl * dl;
        }
    }
    return ss > 0 ? sp / ss : (double)NAN;
}

/* Copies patient i's covariates and death flag to analysed slot j (j <= i). Called only
 * when the analysis reads covariates or deaths: otherwise there is nothing to keep, and the
 * call costs as much as a patient's draw. */
static void keep_patient(const mscsim_design *d, sim_arm_buffers *b, size_t i, size_t j)
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

double sim_dropout_driver(const mscsim_design *d, const sim_arm_buffers *b, size_t i, int v)
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

int sim_dropout_visit(const mscsim_design *d, mscsim_rng *rng)
{
    return d->primary > 0 ? mscsim_rcategorical(rng, &d->dropout_visit) : 0;
}

/* Step 6: dropout, monotone: from the dropout visit on, nothing is observed. */
static void dropout(const mscsim_design *d, int a, sim_arm_buffers *b, mscsim_rng *rng)
{
    double rate = d->cfg.arm[a].dropout;
    size_t V = (size_t)d->visit_count;
    if (rate <= 0)
        return;
    if (d->cfg.dropout_mechanism == MSCSIM_DROPOUT_MCAR) {
        /* The generator is copied to a local: the byte stores could alias *rng, which would
         * keep its state in memory, a store and a load on every draw's dependency chain.
         * mscsim_rng_uniform(&r) >= rate is compared on the uniform's 53 bits j (next_u53): j 2^-53 >=
         * rate exactly when j >= ceil(rate 2^53) (a power of 2 scales exactly), and from
         * rate 1 on (or NaN) never, as j < 2^53. */
        mscsim_rng r = *rng;
        unsigned char *observed = b->observed;
        const uint64_t stay = rate < 1.0 ? (uint64_t)ceil(rate * 0x1p53) : UINT64_C(1) << 53;
        if (V == 1) {
            /* The common case, branch-free: a 10 % branch would mispredict often. */
            for (size_t i = 0; i < b->n; i++)
                observed[i] &= mscsim_rng_next_u53(&r) >= stay;
        } else {
            /* The dropout visit is drawn only for those who drop out, so this branches. */
            for (size_t i = 0; i < b->n; i++) {
                if (mscsim_rng_next_u53(&r) >= stay)
                    continue;
                mscsim_rng c = r; /* the call takes c's address, so r stays in registers */
                size_t v = (size_t)sim_dropout_visit(d, &c);
                r = c;
                /* Over every visit (the flags are 0 or 1): a loop from v becomes a call
                 * to memset, dearer than these few bytes. */
                for (size_t k = 0; k < V; k++)
                    observed[i * V + k] &= k < v;
            }
        }
        *rng = r;
        return;
    }
    for (size_t i = 0; i < b->n; i++) {
        int v = sim_dropout_visit(d, rng);
        double z = (sim_dropout_driver(d, b, i, v) - d->dropout_mean) / d->dropout_sd;
        double prob = 1.0 / (1.0 + exp(-(d->dropout_alpha[a] + d->dropout_beta * z)));
        if (mscsim_rng_uniform(rng) >= prob)
            continue;
        for (size_t k = (size_t)v; k < V; k++)
            b->observed[i * V + k] = 0;
    }
}

/* A missing primary score under locf, bocf or worst. */
static double fill_value(const mscsim_design *d, const sim_arm_buffers *b, size_t i)
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

/* Step 7's branch-free compaction of the primary scores into b->y: written always, kept
 * only when observed, with the kept patients' baselines into b->x unless base is NULL.
 * Returns the number kept. Inline, so that each call is a loop without the test on base. */
static inline size_t compact(const mscsim_design *d, sim_arm_buffers *b, size_t n,
                             const double *base)
{
    /* Locals: through b and d, the call in the loop would force reloads on every patient. */
    const int keep = d->fill_x || d->deaths_possible;
    const size_t V = (size_t)d->visit_count, p = (size_t)d->primary;
    const unsigned char *obs = b->observed;
    const double *score = b->score;
    double *y = b->y, *x = b->x;
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = i * V + p;
        y[kept] = score[k];
        if (keep)
            keep_patient(d, b, i, kept);
        if (base)
            x[kept] = base[i];
        kept += obs[k];
    }
    return kept;
}

/* One substream per step (and per stream, i.e. arm in a trial): every step walks the
 * patients in order, so patient i's draws do not depend on n (nested trials across sizes,
 * see mscsim_rng_substream). */
enum { STEP_POPULATION, STEP_MODEL, STEP_DEATHS, STEP_DROPOUT, STEPS };

size_t sim_trial_simulate_arm(const mscsim_design *d, int a, size_t n, const mscsim_rng *rng,
                              int stream, mscsim_workspace *w, mscsim_trial_diag *diag,
                              int apply_dropout)
{
    mscsim_rng population = {0, 0};
    if (mscsim_population_drawn(d->pop) != 0)
        population = mscsim_rng_substream(rng, (uint64_t)(stream * STEPS + STEP_POPULATION));
    sim_arm_buffers *b = &w->arm[a];
    mscsim_covariates cov = {b->nihss, b->age, b->onset, b->baseline};
    mscsim_population_draw(d->pop, &population, n, &cov);
    return sim_trial_simulate_drawn(d, a, n, rng, stream, w, diag, apply_dropout);
}

size_t sim_trial_simulate_drawn(const mscsim_design *d, int a, size_t n, const mscsim_rng *rng,
                                int stream, mscsim_workspace *w, mscsim_trial_diag *diag,
                                int apply_dropout)
{
    mscsim_rng step_rng[STEPS] = {{0, 0}};
    /* Deriving a stream costs about as much as 5 patients' draws: only the steps that draw. */
    /* The arm whose parameters the patients follow: control for both under null_effect. */
    int as = d->cfg.null_effect ? MSCSIM_ARM_CONTROL : a;
    int draws[STEPS] = {0, 1, d->cfg.arm[as].mortality > 0,
                        apply_dropout && d->cfg.arm[as].dropout > 0};
    for (int s = 0; s < STEPS; s++)
        if (draws[s])
            step_rng[s] = mscsim_rng_substream(rng, (uint64_t)(stream * STEPS + s));
    sim_arm_buffers *b = &w->arm[a];
    b->n = b->prefix = n;
    b->counted = b->counted_kept = 0;
    mscsim_covariates cov = {b->nihss, b->age, b->onset, b->baseline};
    if (b->baseline && mscsim_scale_bounded(&d->scale)) {
        const mscsim_scale sc = d->scale; /* a local: the stores could alias d->scale */
        for (size_t i = 0; i < n; i++)
            b->baseline[i] = mscsim_scale_apply(&sc, b->baseline[i]);
    }
    mscsim_arm_sim sim = {n, as, &cov, d->visit_count, d->cfg.visits, b->true_score, b->score};
    d->model->simulate(d->params, &step_rng[STEP_MODEL], &sim);
    deaths_and_scale(d, as, b, &step_rng[STEP_DEATHS]);

    int V = d->visit_count, p = d->primary;
    if (apply_dropout)
        dropout(d, as, b, &step_rng[STEP_DROPOUT]);

    /* Locals: through b and d, the call in the loop would force reloads on every patient. */
    const int keep = d->fill_x || d->deaths_possible;
    const int all_kept = d->fill_missing && apply_dropout;
    const unsigned char *obs = b->observed;
    const double *score = b->score;
    double *y = b->y;
    size_t kept = 0, observed = 0;
    if (all_kept) {
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
        /* The endpoint's baselines are gathered too when keep_patient does not (no
         * fill_x); a test in the loop would cost as much as the copy: two calls. */
        const double *base = d->fill_x ? NULL : b->baseline;
        kept = observed = base ? compact(d, b, n, base) : compact(d, b, n, NULL);
    }
    if (mscsim_scale_bounded(&d->scale)) {
        /* Local counters: through diag the compiler would store on every patient. Compacted,
         * y holds the observed scores only. Every score is in [lo, hi] or NaN (step 5), so
         * <= lo and >= hi are == lo and == hi, each one compare and a carry (== needs a
         * second flag for NaN). */
        const double lo = d->scale.min, hi = d->scale.max;
        size_t at_floor = 0, at_ceiling = 0;
        if (all_kept)
            for (size_t i = 0; i < n; i++) {
                size_t k = i * (size_t)V + (size_t)p;
                at_floor += obs[k] & (score[k] == lo);
                at_ceiling += obs[k] & (score[k] == hi);
            }
        else
            for (size_t j = 0; j < kept; j++) {
                at_floor += y[j] <= lo;
                at_ceiling += y[j] >= hi;
            }
        diag->at_floor += at_floor;
        diag->at_ceiling += at_ceiling;
    }
    diag->scored += observed;
    diag->missing[a] = n - observed;
    if (d->deaths_possible)
        for (size_t i = 0; i < n; i++)
            diag->deaths += b->died[i];
    sim_trial_endpoints(d, b, kept, all_kept);
    diag->n_analysed[a] = kept;
    return kept;
}

/* Death flags, covariates and scratch of the analysed patients, beside y. The adjusted
 * analyses read the covariates (data->cov, at least the baseline by default), so the trial
 * data carry no x: its sums would be three passes per arm nobody reads. */
static void set_data_extras(const mscsim_design *d, mscsim_workspace *w, mscsim_trial_data *data)
{
    data->cov_count = d->fill_x ? d->cfg.covariate_count : 0;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        const sim_arm_buffers *b = &w->arm[a];
        data->died[a] = d->deaths_possible ? b->died_kept : NULL;
        for (int k = 0; k < data->cov_count; k++) /* The baseline is x itself. */
            data->cov[a][k] = b->cov_kept[k] ? b->cov_kept[k] : b->x;
    }
    data->scratch = w->scratch;
    data->visits = NULL;
    if (!d->longitudinal)
        return;
    mscsim_visit_data *v = &w->visits;
    v->visits = d->primary + 1;
    v->stride = (size_t)d->visit_count;
    v->orientation = d->orientation;
    v->change = d->endpoint == MSCSIM_ENDPOINT_CHANGE;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        const sim_arm_buffers *b = &w->arm[a];
        v->n[a] = b->prefix; /* a look's patients, or all */
        v->baseline[a] = b->baseline;
        v->score[a] = b->score;
        v->observed[a] = b->observed;
        v->followed[a] = NULL;
    }
    data->visits = v;
}

SIM_API void mscsim_trial_simulate(const mscsim_design *d, mscsim_rng *rng,
                                      const size_t n[MSCSIM_ARM_COUNT], mscsim_workspace *w,
                                      mscsim_trial_data *data, mscsim_trial_diag *diag)
{
    memset(diag, 0, sizeof *diag);
    const double *y[MSCSIM_ARM_COUNT];
    size_t kept[MSCSIM_ARM_COUNT], sizes[MSCSIM_ARM_COUNT] = {n[0], n[1]};
    if (d->randomised) /* Every patient drawn in order of entry, then given an arm. */
        sim_trial_randomise(d, rng, n[0] + n[1], w, sizes);
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        kept[a] = d->randomised ? sim_trial_simulate_drawn(d, a, sizes[a], rng, a, w, diag, 1)
                                : sim_trial_simulate_arm(d, a, n[a], rng, a, w, diag, 1);
        diag->n_randomised[a] = sizes[a];
        y[a] = w->arm[a].y;
    }
    mscsim_trial_data_set(data, y, kept);
    set_data_extras(d, w, data);
    diag->recovery_slope = d->slope_diagnostic ? recovery_slope(d, w, kept) : (double)NAN;
}

SIM_API int mscsim_trial_impute(const mscsim_design *d, mscsim_workspace *w, mscsim_rng *rng,
                                   mscsim_trial_data *data)
{
    const double *y[MSCSIM_ARM_COUNT];
    size_t n[MSCSIM_ARM_COUNT];
    size_t V = (size_t)d->visit_count, p = (size_t)d->primary;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        sim_arm_buffers *b = &w->arm[a];
        memcpy(b->imputed, b->score, b->prefix * V * sizeof(double));
        if (d->cfg.mi_method != MSCSIM_MI_MAR)
            continue; /* both arms at once, below */
        int status = sim_impute_monotone(b->baseline, b->imputed, b->observed, b->prefix,
                                            d->visit_count, d->primary, rng, b->impute_work);
        if (status)
            return status;
    }
    if (d->cfg.mi_method != MSCSIM_MI_MAR) {
        const double *base[] = {w->arm[0].baseline, w->arm[1].baseline};
        double *imp[] = {w->arm[0].imputed, w->arm[1].imputed};
        const unsigned char *obs[] = {w->arm[0].observed, w->arm[1].observed};
        const size_t sizes[] = {w->arm[0].prefix, w->arm[1].prefix};
        int status = sim_impute_reference((int)d->cfg.mi_method, base, imp, obs, sizes,
                                          d->visit_count, d->primary, rng, w->arm[0].impute_work);
        if (status)
            return status;
    }
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        sim_arm_buffers *b = &w->arm[a];
        /* The delta adjustment: every imputed cell (those after the primary visit are
         * never read). */
        int shifted = a == MSCSIM_ARM_MSC || d->cfg.mnar_delta_arms == MSCSIM_DELTA_BOTH;
        if (d->cfg.mnar_delta != 0 && shifted)
            for (size_t c = 0; c < b->prefix * V; c++)
                b->imputed[c] += b->observed[c] ? 0.0 : d->cfg.mnar_delta;
        for (size_t i = 0; i < b->prefix; i++) {
            b->y[i] = b->imputed[i * V + p];
            if (d->fill_x || d->deaths_possible)
                keep_patient(d, b, i, i);
        }
        sim_trial_endpoints(d, b, b->prefix, 1);
        y[a] = b->y;
        n[a] = b->prefix;
    }
    mscsim_trial_data_set(data, y, n);
    set_data_extras(d, w, data);
    return MSCSIM_OK;
}

/* The patients with a primary outcome among the arm's first m: counted on from the last
 * count while m grows (a trial's looks come in order), else from the first patient. */
static size_t analysed_among_first(const mscsim_design *d, sim_arm_buffers *b, size_t m)
{
    const size_t V = (size_t)d->visit_count;
    const unsigned char *primary = b->observed + d->primary;
    if (m < b->counted)
        b->counted = b->counted_kept = 0;
    size_t k = b->counted_kept;
    if (V == 1) /* contiguous flags: a loop the compiler vectorises */
        for (size_t i = b->counted; i < m; i++)
            k += primary[i];
    else
        for (size_t i = b->counted; i < m; i++)
            k += primary[i * V];
    b->counted = m;
    b->counted_kept = k;
    return k;
}

/* Step 7 keeps patients in randomization order, so a look's patients are a prefix of the
 * analysed arrays: only their number has to be counted. */
void sim_trial_prefix(const mscsim_design *d, mscsim_workspace *w,
                      const size_t m[MSCSIM_ARM_COUNT], mscsim_trial_data *data)
{
    const double *y[MSCSIM_ARM_COUNT];
    size_t kept[MSCSIM_ARM_COUNT];
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        sim_arm_buffers *b = &w->arm[a];
        size_t k = d->fill_missing ? m[a] : analysed_among_first(d, b, m[a]);
        b->prefix = m[a];
        kept[a] = k;
        y[a] = b->y;
    }
    mscsim_trial_data_set(data, y, kept);
    set_data_extras(d, w, data);
}

void sim_trial_prefix_all(const mscsim_design *d, mscsim_workspace *w, mscsim_trial_data *data)
{
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
        w->arm[a].prefix = w->arm[a].n;
    set_data_extras(d, w, data);
}

void sim_trial_look_prefix(const mscsim_design *d, mscsim_workspace *w,
                           const sim_look_followup *f, mscsim_trial_data *data)
{
    size_t m[MSCSIM_ARM_COUNT];
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
        m[a] = f->followed[a][d->primary];
    sim_trial_prefix(d, w, m, data);
    if (!d->longitudinal)
        return;
    /* The pipeline patients (past the prefix) are simulated already: only the cut moves. */
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        w->visits.n[a] = f->randomized[a];
        w->visits.followed[a] = f->followed[a];
    }
}
