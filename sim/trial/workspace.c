/* Per-thread buffers of the pipeline, sized once for a design and a capacity. */
#include <stdlib.h>

#include "impute.h"
#include "mscsim/analysis.h"
#include "internal.h"
#include "trial_impl.h"

static void arm_free(sim_arm_buffers *b)
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

/* A randomised design's arms and factor levels in order of entry, and its scheme's work. */
static int alloc_randomised(const mscsim_design *d, size_t c, mscsim_workspace *w)
{
    int ok = (w->assigned = malloc(c)) != NULL;
    for (int f = 0; f < d->randomise.factor_count; f++)
        ok &= (w->level[f] = malloc(c * sizeof(int))) != NULL;
    size_t bytes = mscsim_randomise_work_size(&d->randomise);
    if (bytes)
        ok &= (w->randomise_work = malloc(bytes)) != NULL;
    return ok;
}

/* The longitudinal analyses' scratch: the largest any of d's analyses needs for both arms
 * of capacity patients, over the visits up to the primary one. */
static int alloc_visit_work(const mscsim_design *d, size_t capacity, mscsim_visit_data *v)
{
    const char *names[MSCSIM_MAX_ANALYSES];
    int count = mscsim_config_analyses(&d->cfg, names);
    size_t bytes = 1;
    for (int k = 0; k < count; k++) {
        const mscsim_analysis_type *t = mscsim_analysis_find(names[k]);
        if (t->work_size) {
            size_t b = t->work_size(d->primary + 1, 2 * capacity);
            bytes = b > bytes ? b : bytes;
        }
    }
    v->work_bytes = bytes;
    return (v->work = malloc(bytes)) != NULL;
}

SIM_API void mscsim_workspace_free(mscsim_workspace *w)
{
    if (!w)
        return;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
        arm_free(&w->arm[a]);
    free(w->scratch);
    free(w->visits.work);
    free(w->assigned);
    for (int f = 0; f < MSCSIM_MAX_RANDOMISE_FACTORS; f++)
        free(w->level[f]);
    free(w->randomise_work);
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
        sim_arm_buffers *b = &w->arm[a];
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
    if (d->longitudinal)
        ok &= alloc_visit_work(d, capacity, &w->visits);
    if (d->randomised)
        ok &= alloc_randomised(d, c, w);
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
    const sim_arm_buffers *b = &w->arm[arm];
    *out = (mscsim_arm_view){b->n,        w->visit_count, w->visit_days, b->nihss,
                             b->age,      b->onset,       b->baseline,   b->true_score,
                             b->score,    b->observed,    b->died,       b->death_day};
}
