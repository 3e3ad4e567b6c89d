/*
 * Binary outcome model: each patient has the favourable outcome (y = 1) with the arm's
 * probability p, independently. The effect is the risk difference p_msc - p_control.
 */
#include <string.h>

#include "internal.h"
#include "mscsim/dist.h"
#include "mscsim/model.h"

typedef struct {
    double p[MSCSIM_ARM_COUNT];
} binary_params;

static int binary_prepare(const mscsim_config *cfg, int uses_baseline, void *out,
                          mscsim_error *err)
{
    (void)uses_baseline; /* No binary analysis reads a baseline (outcome masks ensure it). */
    (void)err;
    binary_params p;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
        p.p[a] = cfg->arm[a].p;
    memcpy(out, &p, sizeof p);
    return MSCSIM_OK;
}

static double binary_true_effect(const void *params)
{
    const binary_params *p = params;
    return p->p[MSCSIM_ARM_MSC] - p->p[MSCSIM_ARM_CONTROL];
}

static int binary_fills_baseline(const void *params)
{
    (void)params;
    return 0;
}

static void binary_simulate(const void *params, mscsim_rng *rng, mscsim_patients *pts)
{
    const binary_params *p = params;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        double prob = p->p[a];
        double *y = pts->y[a];
        for (size_t i = 0; i < pts->n[a]; i++)
            y[i] = mscsim_rbernoulli(rng, prob);
    }
}

const mscsim_model_type mscsim_model_binary = {
    .name = "binary",
    .description = "Favourable binary outcome with probability p per arm.",
    .outcome = MSCSIM_OUTCOME_BINARY,
    .prepare = binary_prepare,
    .true_effect = binary_true_effect,
    .fills_baseline = binary_fills_baseline,
    .simulate = binary_simulate,
};
