/* Dropout set-up: visit weights, and the MAR/MNAR logistic model calibrated to the rates. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "trial_impl.h"

/* Patients per arm used to calibrate MAR/MNAR dropout to the configured rate. */
#define DROPOUT_CALIBRATION_PATIENTS 100000
/* Bisection steps for the intercept: the bracket [-60, 60] shrinks below 1e-15. */
#define DROPOUT_BISECTIONS 60

/* The visit weights and, for MAR and MNAR, the standardisation of the driving value
 * (pooled over arms) and each arm's intercept, found by bisection so that the mean dropout
 * probability over simulated patients equals the arm's configured rate. */
int sim_design_calibrate_dropout(mscsim_design *d, mscsim_error *err)
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
    if ((status = mscsim_workspace_new(d, SIM_TRUTH_BATCH, &w, err)) != MSCSIM_OK)
        return status;
    size_t per_arm = DROPOUT_CALIBRATION_PATIENTS;
    double *z = malloc(2 * per_arm * sizeof(double));
    if (!z) {
        mscsim_workspace_free(w);
        return sim_error_set(err, MSCSIM_ENOMEM, "out of memory calibrating dropout");
    }
    double sum = 0, sum2 = 0;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        for (size_t batch = 0; batch * SIM_TRUTH_BATCH < per_arm; batch++) {
            /* Scenario UINT64_MAX - 1 is never a real scenario: calibration's own streams. */
            mscsim_rng rng = mscsim_rng_for_trial(cfg->seed, UINT64_MAX - 1, (uint64_t)a, batch);
            mscsim_trial_diag diag;
            memset(&diag, 0, sizeof diag);
            sim_trial_simulate_arm(d, a, SIM_TRUTH_BATCH, &rng, a, w, &diag, 0);
            for (size_t i = 0; i < SIM_TRUTH_BATCH; i++) {
                double v = sim_dropout_driver(d, &w->arm[a], i, sim_dropout_visit(d, &rng));
                z[(size_t)a * per_arm + batch * SIM_TRUTH_BATCH + i] = v;
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
