/*
 * One trial's longitudinal analysis (trial_fit.h). The response at visit v is the
 * endpoint there, o (score - baseline) for change or o score for final (o the scale's
 * orientation, so positive is msc better); the covariate is the baseline as measured.
 * Both endpoints give the same arm effect (the baseline slope absorbs the difference).
 * cLDA takes the baseline as its first response, so it models o score at every visit and
 * o baseline at visit 0: with one baseline mean for both arms, the difference of the arm
 * means at the primary visit is the difference in change and in final score alike.
 * Every randomized patient enters with the visits observed up to the primary one (at an
 * interim look with accrual, those past by the look's date: mscsim_visit_data.followed); a
 * patient with none contributes nothing to the MMRM and the baseline alone to cLDA. The fit starts from its moment estimate, never
 * from another trial's covariance, so a trial's result does not depend on which trials a
 * thread fitted before it (tests/bench_mmrm.c: the previous trial's Sigma is a worse
 * start than the moment one, 6.2 against 4.9 Newton steps).
 */
#include "trial_fit.h"

#include <math.h>
#include <stdalign.h>
#include <stdint.h>

#include "analyses/analysis_impl.h"
#include "mmrm.h"

/* The fit's workspace first (aligned for double), then baseline and y (doubles), then arm
 * and the observed mask (bytes). */
static size_t fit_bytes(int visits, size_t n)
{
    size_t b = sim_mmrm_work_size(visits, n);
    return (b + alignof(double) - 1) / alignof(double) * alignof(double);
}

/* Whether the fit uses visit v of patient i: observed (o, the patient's row) and, with the
 * cut f of a look, past by its date. */
static int visit_used(const unsigned char *o, const size_t *f, size_t i, size_t v)
{
    return o[v] && (!f || i < f[v]);
}

size_t sim_longitudinal_work_size(int visits, size_t n)
{
    if (sim_mmrm_work_size(visits, n) == 0)
        return 0;
    size_t V = (size_t)visits;
    return fit_bytes(visits, n) + n * (V + 1) * (sizeof(double) + 1);
}

void sim_longitudinal_analyze(const mscsim_trial_data *data,
                              const mscsim_analysis_settings *settings,
                              sim_longitudinal_model model, mscsim_analysis_result *result)
{
    const mscsim_visit_data *vd = data->visits;
    size_t n = vd->n[MSCSIM_ARM_CONTROL] + vd->n[MSCSIM_ARM_MSC], V = (size_t)vd->visits;
    size_t need = sim_longitudinal_work_size(vd->visits, n);
    if (need == 0 || vd->work_bytes < need) {
        sim_analysis_fail(result);
        result->reason = sim_mmrm_status_name(SIM_MMRM_WORKSPACE);
        return;
    }
    char *base = vd->work;
    size_t fit = fit_bytes(vd->visits, n);
    double *baseline = (double *)(void *)(base + fit), *y = baseline + n;
    unsigned char *arm = (unsigned char *)(y + n * V), *observed = arm + n;
    size_t j = 0;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
        for (size_t i = 0; i < vd->n[a]; i++, j++) {
            const double *s = vd->score[a] + i * vd->stride;
            const unsigned char *o = vd->observed[a] + i * vd->stride;
            const size_t *f = vd->followed[a];
            double b = vd->baseline[a][i];
            double shift = vd->change && model == SIM_LONGITUDINAL_MMRM ? b : 0.0;
            arm[j] = (unsigned char)a;
            baseline[j] = model == SIM_LONGITUDINAL_CLDA ? vd->orientation * b : b;
            for (size_t v = 0; v < V; v++) {
                int used = visit_used(o, f, i, v);
                observed[j * V + v] = (unsigned char)used;
                y[j * V + v] = used ? vd->orientation * (s[v] - shift) : 0.0;
            }
        }
    sim_mmrm_data in = {n, vd->visits, arm, baseline, y, observed, vd->visits - 1, NULL};
    sim_mmrm_result res;
    sim_mmrm_status st = model == SIM_LONGITUDINAL_CLDA ? sim_clda_fit(&in, base, fit, &res)
                                                        : sim_mmrm_fit(&in, base, fit, &res);
    if (st == SIM_MMRM_OK && !(res.se > 0.0 && isfinite(res.se) && res.df > 0.0))
        st = SIM_MMRM_NOT_PD; /* an information that gives no SE or df */
    if (st != SIM_MMRM_OK) {
        sim_analysis_fail(result);
        result->reason = sim_mmrm_status_name(st);
        return;
    }
    result->estimate = res.estimate;
    result->se = res.se;
    sim_analysis_t_finish(settings, res.estimate / res.se, res.df, result);
}

size_t sim_longitudinal_contributing(const mscsim_visit_data *vd)
{
    size_t count = 0, V = (size_t)vd->visits;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        const size_t *f = vd->followed[a];
        for (size_t i = 0; i < vd->n[a]; i++) {
            const unsigned char *o = vd->observed[a] + i * vd->stride;
            size_t v = 0;
            while (v < V && !visit_used(o, f, i, v))
                v++;
            count += v < V;
        }
    }
    return count;
}
