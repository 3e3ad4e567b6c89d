/*
 * The design prior of a compiled design: every simulated trial draws the [prior] keys,
 * prepares the model again with them (each model's preparation is a few arithmetic steps
 * and small tables), and carries its own true effects, for bias, coverage and the
 * probability of benefit.
 *
 * True effects. Where the model has a closed form and every analysis estimates the mean
 * difference, each trial's truth is that formula at its drawn values (exact). Otherwise,
 * with a single prior key, the truths are estimated by simulation (10^6 patients per arm,
 * truth.c) on a grid of GRID_NODES equally spaced values of the key from its prior's
 * quantile GRID_P_LO to 1 - GRID_P_LO, all from the same truth streams (common
 * random numbers, so the curve is smooth in the key), and interpolated by the monotone
 * piecewise cubic through them (pchip: it follows a kink, such as the one where the arms
 * become identical, without overshoot); a draw beyond the end nodes (probability
 * 2 GRID_P_LO) follows the end tangent. The interpolation error is estimated by leaving
 * each interior node out and interpolating it from the others (over twice the spacing, so
 * an overestimate of the error at the actual spacing). With several prior keys and no
 * closed form the truths are NaN (NA).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "../config/config_impl.h"
#include "../decision/decision.h"
#include "internal.h"
#include "mscsim/prior.h"
#include "trial_impl.h"

#define GRID_NODES 9
#define GRID_P_LO 0.0005

struct sim_prior {
    int count;
    size_t key[MSCSIM_MAX_PRIOR_KEYS];
    mscsim_prior_truth method;
    int analysis_count;
    double node[GRID_NODES];
    double node_truth[MSCSIM_MAX_ANALYSES][GRID_NODES];
    double node_mcse[MSCSIM_MAX_ANALYSES];
    double grid_error[MSCSIM_MAX_ANALYSES];
};

static double *key_number(mscsim_config *cfg, size_t index)
{
    return sim_key_field(index, cfg, NULL);
}

void sim_prior_set_medians(mscsim_config *cfg)
{
    for (int i = 0; i < cfg->prior_count; i++)
        *key_number(cfg, sim_prior_key_index(cfg, i)) =
            mscsim_distspec_quantile(&cfg->prior[i].dist, 0.5);
}

/* The slope of the monotone cubic at node k of count (Fritsch and Carlson 1980, with the
 * weighted harmonic mean of Fritsch and Butland 1984 inside and the shape-preserving
 * three-point formula at the ends, as MATLAB's pchip). */
static double pchip_slope(const double *x, const double *y, int count, int k)
{
    if (count == 2)
        return (y[1] - y[0]) / (x[1] - x[0]);
    if (k == 0 || k == count - 1) {
        int e = k == 0 ? 0 : count - 2, f = k == 0 ? 1 : count - 3; /* end and next secant */
        double h0 = x[e + 1] - x[e], h1 = x[f + 1] - x[f];
        double d0 = (y[e + 1] - y[e]) / h0, d1 = (y[f + 1] - y[f]) / h1;
        double d = ((2 * h0 + h1) * d0 - h0 * d1) / (h0 + h1);
        if (d * d0 <= 0)
            return 0;
        if (d0 * d1 <= 0 && fabs(d) > fabs(3 * d0))
            return 3 * d0;
        return d;
    }
    double h0 = x[k] - x[k - 1], h1 = x[k + 1] - x[k];
    double d0 = (y[k] - y[k - 1]) / h0, d1 = (y[k + 1] - y[k]) / h1;
    if (d0 * d1 <= 0)
        return 0;
    double w0 = 2 * h1 + h0, w1 = h1 + 2 * h0;
    return (w0 + w1) / (w0 / d0 + w1 / d1);
}

/* The node values y interpolated at x by the monotone cubic through them (exact at the
 * nodes, no overshoot at a kink); beyond the end nodes, the end tangent. */
static double interpolate(const double *x, const double *y, int count, double at)
{
    if (at <= x[0])
        return y[0] + (at - x[0]) * pchip_slope(x, y, count, 0);
    if (at >= x[count - 1])
        return y[count - 1] + (at - x[count - 1]) * pchip_slope(x, y, count, count - 1);
    int j = 0;
    while (at > x[j + 1])
        j++;
    double h = x[j + 1] - x[j], t = (at - x[j]) / h, t2 = t * t, t3 = t2 * t;
    return (2 * t3 - 3 * t2 + 1) * y[j] + (t3 - 2 * t2 + t) * h * pchip_slope(x, y, count, j) +
           (-2 * t3 + 3 * t2) * y[j + 1] + (t3 - t2) * h * pchip_slope(x, y, count, j + 1);
}

/* The truths of every analysis at each grid node: a design compiled at the node's value. */
static int build_grid(mscsim_design *d, sim_prior *p, mscsim_error *err)
{
    const mscsim_dist_spec *dist = &d->cfg.prior[0].dist;
    int status[GRID_NODES] = {0};
    mscsim_error errs[GRID_NODES];
    double mcse[MSCSIM_MAX_ANALYSES][GRID_NODES];
    double lo = mscsim_distspec_quantile(dist, GRID_P_LO);
    double hi = mscsim_distspec_quantile(dist, 1 - GRID_P_LO);
    for (int g = 0; g < GRID_NODES; g++)
        p->node[g] = lo + (hi - lo) * g / (GRID_NODES - 1);
    int threads = d->cfg.threads > 0 ? d->cfg.threads : omp_get_max_threads();
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (int g = 0; g < GRID_NODES; g++) {
        mscsim_config *node = malloc(sizeof *node);
        mscsim_design *nd = NULL;
        if (!node) {
            status[g] = sim_error_set(&errs[g], MSCSIM_ENOMEM, "out of memory");
            continue;
        }
        *node = d->cfg;
        node->prior_count = 0;
        *key_number(node, p->key[0]) = p->node[g];
        status[g] = mscsim_design_new(node, &nd, &errs[g]);
        for (int k = 0; !status[g] && k < p->analysis_count; k++) {
            p->node_truth[k][g] = nd->analysis_truth[k];
            mcse[k][g] = nd->analysis_mcse[k];
        }
        mscsim_design_free(nd);
        free(node);
    }
    for (int g = 0; g < GRID_NODES; g++)
        if (status[g]) {
            *err = errs[g];
            char why[sizeof err->msg];
            snprintf(why, sizeof why, "%s", err->msg);
            sim_error_set(err, status[g], "design prior %s at %g: %s", d->cfg.prior[0].name,
                          p->node[g], why);
            sim_error_locate(err, d->cfg.prior[0].line < 0 ? "--set" : d->cfg.path,
                             d->cfg.prior[0].line, "prior", d->cfg.prior[0].name);
            return status[g];
        }
    for (int k = 0; k < p->analysis_count; k++) {
        double worst = 0;
        for (int g = 0; g < GRID_NODES; g++)
            p->node_mcse[k] = fmax(p->node_mcse[k], mcse[k][g]);
        for (int g = 1; g < GRID_NODES - 1; g++) {
            double x[GRID_NODES - 1], y[GRID_NODES - 1];
            for (int j = 0, m = 0; j < GRID_NODES; j++)
                if (j != g) {
                    x[m] = p->node[j];
                    y[m++] = p->node_truth[k][j];
                }
            double left_out = interpolate(x, y, GRID_NODES - 1, p->node[g]);
            worst = fmax(worst, fabs(left_out - p->node_truth[k][g]));
        }
        p->grid_error[k] = worst;
    }
    return MSCSIM_OK;
}

int sim_prior_compile(mscsim_design *d, mscsim_error *err)
{
    if (d->cfg.prior_count == 0)
        return MSCSIM_OK;
    sim_prior *p = calloc(1, sizeof *p);
    if (!p)
        return sim_error_set(err, MSCSIM_ENOMEM, "out of memory");
    d->prior = p;
    p->count = d->cfg.prior_count;
    for (int i = 0; i < p->count; i++)
        p->key[i] = sim_prior_key_index(&d->cfg, i);
    p->analysis_count = d->analysis_count;
    const char *names[MSCSIM_MAX_ANALYSES];
    mscsim_config_analyses(&d->cfg, names);
    int closed = !isnan(d->model->true_effect(d->params, &d->cfg));
    for (int k = 0; k < d->analysis_count; k++)
        closed &= mscsim_analysis_find(names[k])->estimand == MSCSIM_ESTIMAND_MEAN_DIFFERENCE;
    if (closed) {
        p->method = MSCSIM_PRIOR_TRUTH_EXACT;
        return MSCSIM_OK;
    }
    if (p->count > 1) {
        p->method = MSCSIM_PRIOR_TRUTH_NONE;
        return MSCSIM_OK;
    }
    p->method = MSCSIM_PRIOR_TRUTH_GRID;
    return build_grid(d, p, err);
}

void sim_prior_free(sim_prior *p)
{
    free(p);
}

mscsim_design *sim_prior_shadow_new(const mscsim_design *d)
{
    mscsim_design *s = malloc(sizeof *s);
    void *params = malloc(d->model->params_size);
    if (!s || !params) {
        free(s);
        free(params);
        return NULL;
    }
    *s = *d;
    memcpy(params, d->params, d->model->params_size);
    s->params = params;
    return s;
}

void sim_prior_shadow_free(mscsim_design *shadow)
{
    if (!shadow)
        return;
    free(shadow->params);
    free(shadow);
}

int sim_prior_trial(const mscsim_design *d, const mscsim_rng *trial_rng, mscsim_design *shadow,
                    double truth[MSCSIM_MAX_ANALYSES])
{
    const sim_prior *p = d->prior;
    mscsim_rng rng = mscsim_rng_substream(trial_rng, SIM_PRIOR_STREAM);
    double first = 0;
    for (int i = 0; i < p->count; i++) {
        double v = mscsim_distspec_draw(&d->cfg.prior[i].dist, &rng);
        *key_number(&shadow->cfg, p->key[i]) = v;
        if (i == 0)
            first = v;
    }
    mscsim_error err;
    int status = shadow->model->prepare(&shadow->cfg, shadow->params, &err);
    double exact = (double)NAN;
    if (!status && p->method == MSCSIM_PRIOR_TRUTH_EXACT)
        exact = shadow->model->true_effect(shadow->params, &shadow->cfg);
    for (int k = 0; k < p->analysis_count; k++) {
        if (status || p->method == MSCSIM_PRIOR_TRUTH_NONE)
            truth[k] = (double)NAN;
        else if (p->method == MSCSIM_PRIOR_TRUTH_EXACT)
            truth[k] = exact;
        else
            truth[k] = interpolate(p->node, p->node_truth[k], GRID_NODES, first);
    }
    return status;
}

SIM_API mscsim_prior_truth mscsim_design_prior_truth(const mscsim_design *d, int analysis,
                                                     double *grid_lo, double *grid_hi,
                                                     double *error, double *mcse)
{
    const sim_prior *p = d->prior;
    if (!p)
        return MSCSIM_PRIOR_TRUTH_NO_PRIOR;
    if (p->method == MSCSIM_PRIOR_TRUTH_GRID) {
        *grid_lo = p->node[0];
        *grid_hi = p->node[GRID_NODES - 1];
        *error = p->grid_error[analysis];
        *mcse = p->node_mcse[analysis];
    }
    return p->method;
}
