/*
 * Exponential recovery trajectories ([model] type = trajectory).
 *
 * DESCRIPTION
 *   Upper-limb recovery after stroke follows a mixture of exponential curves (van der
 *   Vliet 2020, Ann Neurol, n = 412; configs/EVIDENCE.md section 3):
 *       FMA(t) = FMA0 + r (66 - FMA0) (1 - exp(-t / tau)),  t from stroke onset,
 *   with subgroups (r, tau in weeks) (0.09, 5.3), (0.46, 10.1), (0.86, 9.8), (0.89, 2.7),
 *   (0.93, 1.2). Their mixing weights are not published (EVIDENCE.md marks them U), so
 *   [model] subgroups carries them. The model scores every visit (multi_visit = 1), so
 *   trials randomizing ~20 days after onset (STARTING-2, EVIDENCE.md section 1) see the part
 *   of the curve that is left after randomization.
 *
 * METHOD
 *   Direction. "best" is the scale's better end (max when higher is better, min
 *   otherwise) and dir = +1 or -1; the deficit D = dir (best - score) >= 0 is the function
 *   still missing. In deficits the curve above reads, with S0 the score at onset,
 *       D(s) = D(0) g(s),   g(s) = 1 - r + r exp(-s / tau),  s = days since onset.
 *   Conditioning on the baseline. The patient is randomized s0 = onset days after the
 *   stroke (0 when onset was not drawn or is negative) with observed baseline B (clamped
 *   into the scale's range), so D(0) = D_B / g(s0), D_B = dir (best - B), and at visit
 *   day v (s = s0 + v):
 *       score(v) = best - dir D_B g(s0 + v) / g(s0)
 *                = best - (best - B) (1 - r + r e^{-s/tau}) / (1 - r + r e^{-s0/tau}).
 *   Numerics. For r < 1 the denominator is >= 1 - r > 0 and an underflowing e^{-s0/tau}
 *   is harmless (1 - r dominates it). For r = 1 the ratio is e^{-v/tau}, computed in that
 *   form, because both exponentials underflow to 0 (0/0) once s0/tau > ~745. Per patient
 *   the deficit D_B g(s0 + v) / g(s0) is written a + b e^{-v/tau} (a = D_B (1 - r) / g(s0),
 *   b = D_B r e^{-s0/tau} / g(s0); a = 0, b = D_B for r = 1), so a visit costs at most one
 *   exponential: e^{-v/tau} of a visit day that is 2 to 4 times an earlier one is a power
 *   of that day's (sim_traj_plan, within ~4 ulps of a direct exponential: visits 7, 30, 90
 *   take two). The plans of the configured visits are made at prepare. The model's
 *   exponentials are sim_exp (sim/exp_fast.h: inline, table-driven, within 0.52 ulp; the
 *   library's exp costs twice as many instructions).
 *
 *   Between patients. Subgroup k from the weights (alias table built at prepare); then
 *       r_i   = N(r_k, r_sd) truncated to [0, 1]
 *       tau_i = tau_k exp(tau_cv z - tau_cv^2 / 2),   z ~ N(0, 1)
 *   a lognormal with mean tau_k exactly; tau_cv is the sd of log tau, which is close to
 *   the coefficient of variation when small (CV = sqrt(exp(tau_cv^2) - 1): 0.2 -> 0.202).
 *   tau is configured in weeks and used in days (x 7).
 *
 *   MSC effect. From s1 = s0 + d (d = [msc] delay_days after randomization) an msc
 *   patient recovers with r' = clamp(r_i + m_i r_gain, 0, 1) and
 *   tau' = tau_i tau_ratio^{m_i} (m_i the heterogeneity multiplier of sim/models/model_util.h,
 *   acting on the log of tau); before s1 it follows the control curve. The onset deficit
 *   D(0) = D_B / g(s0) is a fact about the patient, not changed by treatment: from the
 *   deficit D(s1) reached on the control curve, the deficit moves exponentially, with time
 *   constant tau', toward the new plateau D(0) (1 - r'):
 *       D(s) = D(0)(1 - r') + (D(s1) - D(0)(1 - r')) e^{-(s - s1)/tau'},   s >= s1,
 *       score(s) = best - dir D(s).
 *   This is continuous at s1 (a visit at exactly v = d scores the control value X1), is
 *   the control curve again when r' = r and tau' = tau, and is D(0) g'(s) when s1 = 0. So
 *   r_gain moves the plateau and tau_ratio only the speed: with r_gain = 0 the plateau
 *   D(0)(1 - r) is the control one, and r' >= r with tau' <= tau never leaves a larger
 *   deficit than the control curve at any visit.
 *   Not chosen: re-anchoring the curve at (s1, X1), D(s) = D(s1) g'(s) / g'(s1) with
 *   g' = 1 - r' + r' e^{-s/tau'}. It implies an onset deficit D(s1) / g'(s1) that
 *   changes with r' and tau': a faster tau' then means a larger onset deficit and a worse
 *   plateau (r = 0.93, tau = 1.2 weeks, s0 = 20 days, tau_ratio = 0.7: plateau deficit
 *   x 1.54, i.e. 11 FMA-UE points lost from a baseline of 20), and once the control curve
 *   has levelled off (chronic patients, EVIDENCE.md section 1, Levy 2019) r_gain has almost
 *   no effect (r 0.46 -> 0.56, tau 10.1 weeks, s0 = 365 days: 0.1 point instead of 8.5
 *   for a 46-point deficit).
 *   Numerics: D(s1) = D_B g(s1) / g(s0) as above (1, without an exponential, when
 *   d = 0); a treated visit costs at most one exponential (the same plan over the days
 *   since the delay), D(s1) e^x + D(0)(1 - r')(1 - e^x). D(0)
 *   is needed only when r' < 1; for r = 1 it is D_B e^{s0/tau}, which overflows for
 *   s0/tau > ~709 (a patient with full recovery left and still impaired long after
 *   onset). The treated deficit can exceed the scale only when r' < r (a harmful effect),
 *   so it is capped at the scale's range: the score stops at the worst end, where the
 *   pipeline would clip it anyway.
 *
 *   Scores. true_score is the curve; score = true_score + measurement_sd e at each visit,
 *   independently. The pipeline rounds and clips to the scale.
 *
 *   Conditioning. A course (k, r_i, tau_i) whose implied onset deficit D_B / g(s0) exceeds
 *   the scale's range would need a score below the floor at the stroke; it cannot have
 *   produced the observed baseline, so courses are drawn from the law above restricted to
 *   those that fit (sim/models/trajectory_course.c). Subgroup shares are therefore those of
 *   the weights only among patients randomized at onset; later, fast subgroups are rarer
 *   among patients still severe. (Without this, half the lee2022 preset's patients had an
 *   implied onset FMA below 0.) With baselines on the scale's steps, prepare tabulates per
 *   baseline value and onset bin an envelope of the conditional law of (k, tau) (one bin
 *   at the onset for onset_days = fixed(d), d > 0; up to 64 geometric bins over a drawn
 *   onset's support within the eligibility window), from which a proposal is accepted with
 *   probability above 0.93 at a fixed onset and 0.86 at a bin's lowest onset (a course
 *   drawn by rejection fits with probability 0.02 to 0.8, depending on the baseline): the
 *   same law, without the redraws (1.03 proposals per patient in the benchmark's 20-day
 *   design, 1.13 with the presets' drawn onset, against 3.15 courses). Onsets the table
 *   does not cover (before its first bin, empirical onsets, a continuous scale) redraw the
 *   courses until one fits (up to 1000 times, keeping the most plausible if none does). A
 *   baseline at the floor after onset fits only r = 0 (the limit of the conditional r),
 *   which is taken at once with the subgroup and tau drawn as usual.
 *
 *   Draw order per patient (fixed, identical in both arms, so equal seeds and covariates
 *   give an msc patient the control patient's draws): the course (trajectory_course.c:
 *   at onset one 64-bit draw for the subgroup, the truncated normal of r unless r_sd = 0,
 *   one standard normal for tau unless tau_cv = 0; by rejection the same per course
 *   drawn; from the table, per proposal one uniform for the cell, two uniforms for z in
 *   it (a tail cell: the normal tail) and the truncated normal of r); then one standard
 *   normal per visit, in visit order, for the measurement error (skipped when
 *   measurement_sd = 0).
 *
 *   true_effect is NaN: rounding and clipping leave no closed form.
 *
 * REFERENCE
 *   van der Vliet R et al. (2020) Predicting upper limb motor impairment recovery after
 *   stroke: a mixture model. Ann Neurol 87:383-393.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "config_impl.h"
#include "internal.h"
#include "model_util.h"
#include "mscsim/dist.h"
#include "mscsim/distspec.h"
#include "mscsim/model.h"
#include "mscsim/scale.h"
#include "tolerance.h"
#include "trajectory_course.h"

#define DAYS_PER_WEEK 7.0

extern const mscsim_model_type sim_model_trajectory;

/* The exponentials of the visit days (and of the delay, last) on the control curve and of
 * the days since the delay on the msc one: powers of each other where the days are
 * multiples (sim_traj_plan). Made at prepare for the configured visits. */
typedef struct {
    int visits;
    int first; /* the first visit on or after the delay */
    double day[MSCSIM_MAX_VISITS];
    sim_traj_plan control, msc;
} visit_plans;

static void visit_plans_init(visit_plans *plans, const double *days, int visits, double delay)
{
    double day[SIM_TRAJ_PLAN_DAYS];
    plans->visits = visits;
    memcpy(plans->day, days, (size_t)visits * sizeof *days);
    memcpy(day, days, (size_t)visits * sizeof *days);
    day[visits] = delay;
    sim_traj_plan_init(&plans->control, day, visits + (delay > 0.0));
    plans->first = 0;
    while (plans->first < visits && days[plans->first] < delay)
        plans->first++;
    for (int v = plans->first; v < visits; v++)
        day[v - plans->first] = days[v] - delay;
    sim_traj_plan_init(&plans->msc, day, visits - plans->first);
}

/* The table comes last: prepare writes the rest and keeps a table built from the same
 * inputs (see sim_traj_table_build). */
typedef struct {
    sim_traj_prior course;                 /* the courses before conditioning, the scale */
    double measurement_sd;
    double r_gain, log_tau_ratio, delay;   /* [msc] effect; delay in days */
    double inv_tau_ratio;                  /* 1 / tau_ratio: 1 / tau' without NIHSS slope */
    double effect_slope, effect_center;
    visit_plans plans;                     /* of the configured visits */
    sim_traj_table table;                  /* courses given each baseline and onset */
} trajectory_params;

/* Its config keys; rank places them in their section's listing (sim/config/keys.c). */
enum {
    KEY_R_SD,
    KEY_SUBGROUPS,
    KEY_TAU_CV,
    KEY_MEASUREMENT_SD,
    KEY_R_GAIN,
    KEY_TAU_RATIO,
    KEY_DELAY_DAYS,
    KEY_COUNT
};

static const sim_key trajectory_keys[KEY_COUNT] = {
    [KEY_R_SD] = {"model", "r_sd", SIM_KEY_DOUBLE, .min = 0, .max = 1, .default_text = "0.1",
                  .help = SIM_R_SD_HELP, .label = SIM_R_SD_LABEL, .rank = 22},
    [KEY_SUBGROUPS] = {"model", "subgroups", SIM_KEY_SUBGROUPS, .max_count = MSCSIM_MAX_SUBGROUPS,
                       .default_text = "0.09:5.3:0.2, 0.46:10.1:0.2, 0.86:9.8:0.2, 0.89:2.7:0.2, "
                                       "0.93:1.2:0.2",
                       .help = "Recovery subgroups r:tau_weeks:weight (van der Vliet 2020, "
                               "EVIDENCE.md section 3; the equal weights are an assumption).",
                       .rank = 30},
    [KEY_TAU_CV] = {"model", "tau_cv", SIM_KEY_DOUBLE, .min = 0, .max = 2, .default_text = "0.2",
                    .help = "Between-patient coefficient of variation of tau within a subgroup "
                            "(assumption).",
                    .label = "between-patient CV of tau", .rank = 31},
    [KEY_MEASUREMENT_SD] = {"model", "measurement_sd", SIM_KEY_DOUBLE, .min = 0, .max = HUGE_VAL,
                            .default_text = "2",
                            .help = "Measurement error sd at each visit, in points "
                                    "(assumption).",
                            .label = "measurement error SD (points)", .rank = 32},
    [KEY_R_GAIN] = {"msc", "r_gain", SIM_KEY_DOUBLE, .min = -1, .max = 1, .default_text = "0",
                    .help = "Added to each patient's r (plateau effect; r is capped at 1).",
                    .label = "MSC gain in recovery share r", .rank = 80},
    [KEY_TAU_RATIO] = {"msc", "tau_ratio", SIM_KEY_DOUBLE, .min = 0, .max = HUGE_VAL,
                       .flags = SIM_KEY_MIN_EXCLUSIVE, .default_text = "1",
                       .help = "Multiplies tau (speed effect; < 1 = faster recovery).",
                       .label = "MSC ratio of the recovery time constant", .rank = 81},
    [KEY_DELAY_DAYS] = {"msc", "delay_days", SIM_KEY_DOUBLE, .min = 0, .max = SIM_MAX_DAYS,
                        .default_text = "0",
                        .help = "Days after randomization before the MSC effect starts.",
                        .label = "MSC effect delay (days)", .rank = 82},
};

static const mscsim_key_value *value(const mscsim_config *cfg, int key)
{
    return sim_model_value(cfg, &sim_model_trajectory, key);
}

static unsigned trajectory_needs(const mscsim_config *cfg)
{
    /* Without an onset distribution patients are randomized at onset (s0 = 0). */
    unsigned onset = cfg->onset_days.kind != MSCSIM_DIST_NONE ? MSCSIM_NEED_ONSET : 0u;
    return MSCSIM_NEED_BASELINE | onset | sim_effect_needs(cfg);
}

/* {==================================================================================
 * Preparation
 * =================================================================================== */

static int subgroup_error(const mscsim_config *cfg, mscsim_error *err)
{
    return mscsim_config_error_at(cfg, "model", "subgroups", err);
}

static int check_subgroups(const mscsim_config *cfg, mscsim_error *err)
{
    const mscsim_subgroup *groups = value(cfg, KEY_SUBGROUPS)->subgroups.items;
    int count = value(cfg, KEY_SUBGROUPS)->subgroups.count;
    if (count < 1 || count > MSCSIM_MAX_SUBGROUPS) {
        sim_error_set(err, MSCSIM_ECONFIG,
                         "the trajectory model needs 1 to %d recovery subgroups "
                         "r:tau_weeks:weight (got %d)",
                         MSCSIM_MAX_SUBGROUPS, count);
        return subgroup_error(cfg, err);
    }
    double sum = 0.0;
    for (int k = 0; k < count; k++) {
        const mscsim_subgroup *g = &groups[k];
        if (!(g->r >= 0.0 && g->r <= 1.0)) {
            sim_error_set(err, MSCSIM_ERANGE, "subgroup %d has r = %g; r must be "
                             "in [0, 1]", k + 1, g->r);
            return subgroup_error(cfg, err);
        }
        if (!(g->tau_weeks > 0.0) || !isfinite(g->tau_weeks)) {
            sim_error_set(err, MSCSIM_ERANGE, "subgroup %d has tau = %g weeks; "
                             "tau must be > 0", k + 1, g->tau_weeks);
            return subgroup_error(cfg, err);
        }
        if (!(g->weight >= 0.0) || !isfinite(g->weight)) {
            sim_error_set(err, MSCSIM_ERANGE, "subgroup %d has weight %g; weights "
                             "must be >= 0", k + 1, g->weight);
            return subgroup_error(cfg, err);
        }
        sum += g->weight;
    }
    if (!sim_sums_to_one(sum)) {
        sim_error_set(err, MSCSIM_ECONFIG, "the weights sum to %.15g; they must "
                         "sum to 1 (within %g)", sum, SIM_SUM_TO_ONE_TOL);
        return subgroup_error(cfg, err);
    }
    return MSCSIM_OK;
}

static int check_visits(const mscsim_config *cfg, mscsim_error *err)
{
    if (cfg->visit_count < 1 || cfg->visit_count > MSCSIM_MAX_VISITS) {
        sim_error_set(err, MSCSIM_ECONFIG, "the trajectory model needs 1 to %d visit "
                         "days (got %d)", MSCSIM_MAX_VISITS, cfg->visit_count);
        return mscsim_config_error_at(cfg, "trial", "visits", err);
    }
    for (int v = 0; v < cfg->visit_count; v++) {
        double day = cfg->visits[v];
        if (!(day > 0.0) || !isfinite(day)) {
            sim_error_set(err, MSCSIM_ERANGE, "visit %d is on day %g; visit days "
                             "must be > 0 (days after randomization)", v + 1, day);
            return mscsim_config_error_at(cfg, "trial", "visits", err);
        }
        if (v > 0 && !(day > cfg->visits[v - 1])) {
            sim_error_set(err, MSCSIM_ECONFIG, "day %g follows day %g; visit days "
                             "must be strictly increasing", day, cfg->visits[v - 1]);
            return mscsim_config_error_at(cfg, "trial", "visits", err);
        }
    }
    return MSCSIM_OK;
}

/* The MSC effect keys beyond their single ranges (tests and sweeps may pass any value). */
static int check_effect(const mscsim_config *cfg, mscsim_error *err)
{
    int status = sim_model_check_range(cfg, "msc", "r_gain", value(cfg, KEY_R_GAIN)->number, -1,
                                       1, err);
    if (status)
        return status;
    double tau_ratio = value(cfg, KEY_TAU_RATIO)->number;
    if (!(tau_ratio > 0.0) || !isfinite(tau_ratio)) {
        sim_error_set(err, MSCSIM_ERANGE, "must be > 0: it multiplies tau, < 1 = faster recovery "
                         "(got %g)", tau_ratio);
        return mscsim_config_error_at(cfg, "msc", "tau_ratio", err);
    }
    double delay_days = value(cfg, KEY_DELAY_DAYS)->number;
    if (!(delay_days >= 0.0) || !isfinite(delay_days)) {
        sim_error_set(err, MSCSIM_ERANGE, "must be >= 0: days after randomization before the MSC "
                         "effect starts (got %g)", delay_days);
        return mscsim_config_error_at(cfg, "msc", "delay_days", err);
    }
    return MSCSIM_OK;
}

/* Far ends of an unbounded onset distribution left to the rejection sampler (below) or to
 * the last, open bin (above). */
#define ONSET_TAIL 1e-4
/* An onset distribution reaching 0 gets bins from this share of its upper end; earlier
 * onsets (nearly every course fits) are drawn by rejection. */
#define ONSET_FLOOR_SHARE 1e-3

/* What the course table covers: the onset distribution's support within the eligibility
 * window (lo = hi for a fixed onset; lo = 0: none) and the baseline distribution's. */
static void table_span(const mscsim_config *cfg, sim_traj_span *o)
{
    const mscsim_dist_spec *d = &cfg->onset_days;
    o->lo = o->hi = 0.0;
    /* NaN ends (empirical baselines): every value of the scale. */
    o->base_lo = mscsim_distspec_quantile(&cfg->baseline, 0.0);
    o->base_hi = mscsim_distspec_quantile(&cfg->baseline, 1.0);
    if (isnan(o->base_lo) || isnan(o->base_hi)) {
        o->base_lo = -HUGE_VAL;
        o->base_hi = HUGE_VAL;
    }
    if (d->kind == MSCSIM_DIST_NONE)
        return;
    if (d->kind == MSCSIM_DIST_FIXED) {
        o->lo = o->hi = d->a;
        return;
    }
    double lo = mscsim_distspec_quantile(d, 0.0), hi = mscsim_distspec_quantile(d, 1.0);
    if (!isfinite(lo))
        lo = mscsim_distspec_quantile(d, ONSET_TAIL);
    if (!isfinite(hi))
        hi = mscsim_distspec_quantile(d, 1.0 - ONSET_TAIL);
    lo = fmax(lo, cfg->onset_min);
    hi = fmin(hi, cfg->onset_max);
    if (!(hi > 0.0) || !(lo <= hi)) /* NaN (empirical onsets) included */
        return;
    o->lo = lo > 0.0 ? lo : hi * ONSET_FLOOR_SHARE;
    o->hi = hi;
}

static int trajectory_prepare(const mscsim_config *cfg, void *out, mscsim_error *err)
{
    mscsim_scale scale;
    int status = sim_model_bounded_scale(cfg, &sim_model_trajectory,
                                         "recovery is a share of the function lost", &scale, err);
    if (status)
        return status;
    double r_sd = value(cfg, KEY_R_SD)->number, tau_cv = value(cfg, KEY_TAU_CV)->number;
    double measurement_sd = value(cfg, KEY_MEASUREMENT_SD)->number;
    if ((status = check_subgroups(cfg, err)) || (status = check_visits(cfg, err)) ||
        (status = sim_model_check_range(cfg, "model", "r_sd", r_sd, 0, HUGE_VAL, err)) ||
        (status = sim_model_check_range(cfg, "model", "tau_cv", tau_cv, 0, HUGE_VAL, err)) ||
        (status = sim_model_check_range(cfg, "model", "measurement_sd", measurement_sd, 0,
                                        HUGE_VAL, err)) ||
        (status = check_effect(cfg, err)))
        return status;

    const mscsim_arm_config *msc = &cfg->arm[MSCSIM_ARM_MSC];
    const mscsim_subgroup *groups = value(cfg, KEY_SUBGROUPS)->subgroups.items;
    int count = value(cfg, KEY_SUBGROUPS)->subgroups.count;
    sim_traj_prior c;
    memset(&c, 0, sizeof c);
    double w[MSCSIM_MAX_SUBGROUPS], sum = 0.0;
    for (int k = 0; k < count; k++) {
        c.r[k] = groups[k].r;
        c.tau[k] = DAYS_PER_WEEK * groups[k].tau_weeks;
        sum += w[k] = groups[k].weight;
    }
    for (int k = 0; k < count; k++)
        c.weight[k] = w[k] / sum;
    if ((status = mscsim_categorical_init(&c.subgroup, w, count, err)))
        return subgroup_error(cfg, err);
    c.count = count;
    c.lo = scale.min;
    c.hi = scale.max;
    c.step = scale.step;
    c.best = scale.higher_is_better ? scale.max : scale.min;
    c.dir = mscsim_scale_orientation(&scale);
    c.r_sd = r_sd;
    c.tau_cv = tau_cv;
    c.tau_shift = -0.5 * tau_cv * tau_cv;
    sim_traj_prior_finish(&c);
    /* Written field by field: the table after them may be kept. */
    trajectory_params *p = out;
    memcpy(&p->course, &c, sizeof c); /* with its zeroed padding: the table's key */
    p->measurement_sd = measurement_sd;
    p->r_gain = value(cfg, KEY_R_GAIN)->number;
    p->log_tau_ratio = log(value(cfg, KEY_TAU_RATIO)->number);
    p->inv_tau_ratio = 1.0 / value(cfg, KEY_TAU_RATIO)->number;
    p->delay = value(cfg, KEY_DELAY_DAYS)->number;
    p->effect_slope = msc->effect_slope;
    p->effect_center = msc->effect_center;
    visit_plans_init(&p->plans, cfg->visits, cfg->visit_count, p->delay);
    /* Randomized after onset: tabulate the courses given each baseline and onset. */
    sim_traj_span span;
    table_span(cfg, &span);
    sim_traj_table_build(&p->table, &p->course, &span);
    return MSCSIM_OK;
}

static double trajectory_true_effect(const void *params, const mscsim_config *cfg)
{
    (void)params;
    (void)cfg;
    return NAN; /* rounding and clipping leave no closed form */
}

/* {==================================================================================
 * Simulation
 * =================================================================================== */

/* One patient's control curve after randomization as a deficit, D(s0 + v) = a + b e^{-v/tau}:
 * a = D_B (1 - r) / g(s0), b = D_B r e^{-s0/tau} / g(s0), g(s0) = 1 - r + r e^{-s0/tau}. For
 * r = 1 it is D_B e^{-v/tau} (a = 0, b = D_B), the form that stays finite when both
 * exponentials underflow (see the header). Both arms take their control part from it, so
 * an msc patient matches the control patient bit for bit up to the delay. */
typedef struct {
    double a, b;
    double inv_den; /* 1 / g(s0); unused when r = 1 */
} curve;

static inline curve curve_make(const sim_traj_course *c, double deficit_b)
{
    curve k = {0.0, deficit_b, 0.0};
    if (c->r < 1.0) {
        k.inv_den = 1.0 / ((1.0 - c->r) + c->r * c->e0);
        k.a = deficit_b * (1.0 - c->r) * k.inv_den;
        k.b = deficit_b * (c->r * c->e0) * k.inv_den;
    }
    return k;
}

/* The control score v days after randomization from ev = e^{-v/tau}: the one expression for
 * the control arm and the msc arm before the delay. */
static inline double control_score(const curve *k, double best, double dir, double ev)
{
    return best - dir * (k->a + k->b * ev);
}

/*
 * D_B / g(s0): the deficit at onset implied by the deficit D_B at day s0. For r = 1 it is
 * D_B e^{s0/tau} (inf on overflow); 0 when D_B = 0 whatever r.
 */
static inline double onset_deficit(double deficit_b, const sim_traj_course *c, double s0,
                                   const curve *k)
{
    if (deficit_b == 0.0)
        return 0.0;
    if (c->r >= 1.0)
        return deficit_b * sim_exp(s0 * c->inv_tau);
    return deficit_b * k->inv_den;
}

static inline double clamp01(double x)
{
    return x < 0.0 ? 0.0 : (x > 1.0 ? 1.0 : x);
}

static void trajectory_simulate(const void *params, mscsim_rng *rng, mscsim_arm_sim *arm)
{
    const trajectory_params *p = params;
    const sim_traj_prior *prior = &p->course;
    const int msc = arm->arm == MSCSIM_ARM_MSC;
    const double range = prior->hi - prior->lo, best = prior->best, dir = prior->dir;
    const double sd = p->measurement_sd;
    const sim_traj_table *table = p->table.built ? &p->table : NULL;
    /* sim_effect_multiplier reads only the slope and centre of an arm config. */
    mscsim_arm_config het;
    memset(&het, 0, sizeof het);
    het.effect_slope = p->effect_slope;
    het.effect_center = p->effect_center;
    const double *base = arm->cov->baseline; /* declared in needs(), so drawn */
    const double *onset = arm->cov->onset;   /* NULL: randomized at onset */
    const size_t nv = (size_t)arm->visit_count;
    /* Other visits than the configured ones (the model's tests): their own plans. */
    visit_plans local;
    const visit_plans *plans = &p->plans;
    if (arm->visit_count != plans->visits ||
        memcmp(arm->visit_days, plans->day, nv * sizeof *arm->visit_days) != 0) {
        visit_plans_init(&local, arm->visit_days, arm->visit_count, p->delay);
        plans = &local;
    }
    const size_t first = (size_t)plans->first;
    const int control_part = !msc || p->delay > 0.0;
    double ec[SIM_TRAJ_PLAN_DAYS], et[SIM_TRAJ_PLAN_DAYS];
    for (size_t i = 0; i < arm->n; i++) {
        /* Clamp into the range; comparisons keep a NaN NaN. */
        double b = base[i] < prior->lo ? prior->lo : (base[i] > prior->hi ? prior->hi : base[i]);
        double deficit_b = dir * (best - b);
        /* A negative onset (possible from an unbounded spec) means randomized at onset. */
        double s0 = onset ? (onset[i] < 0.0 ? 0.0 : onset[i]) : 0.0;

        /* The course given the observed baseline (trajectory_course.c): one that implies a
         * deficit at onset larger than the whole range (a score below the floor at the
         * stroke) cannot have produced this baseline, so fast-recovering subgroups are
         * rarer among patients still severe weeks after onset. */
        sim_traj_course course;
        sim_traj_course_draw(prior, table, rng, b, deficit_b, s0, &course);
        curve control = curve_make(&course, deficit_b);
        if (control_part)
            sim_traj_plan_eval(&plans->control, course.inv_tau, ec);
        double *t_out = arm->true_score + i * nv, *y_out = arm->score + i * nv;
        if (!msc) {
            for (size_t v = 0; v < nv; v++)
                t_out[v] = control_score(&control, best, dir, ec[v]);
        } else {
            /* The msc curve from s1 = s0 + delay: 1 / tau', deficit at s1, new plateau. */
            double m = sim_effect_multiplier(&het, arm->cov, i);
            double r1 = clamp01(course.r + m * p->r_gain);
            double inv_tau1 =
                course.inv_tau * (m == 1.0 ? p->inv_tau_ratio : sim_exp(-m * p->log_tau_ratio));
            /* 1 / DBL_MIN cap: an extreme m must not turn tau' into 0 (0/0 at s = s1). */
            inv_tau1 = inv_tau1 < 1.0 / DBL_MIN ? inv_tau1 : 1.0 / DBL_MIN;
            /* At delay 0 the share is 1 (the same quotient), without its exponential. */
            double deficit1 = p->delay > 0.0 ? control.a + control.b * ec[nv] : deficit_b;
            /* 0 * inf guarded: r' = 1 has no plateau whatever the onset deficit. */
            double plateau1 =
                r1 >= 1.0 ? 0.0 : onset_deficit(deficit_b, &course, s0, &control) * (1.0 - r1);
            sim_traj_plan_eval(&plans->msc, inv_tau1, et);
            for (size_t v = 0; v < first; v++)
                t_out[v] = control_score(&control, best, dir, ec[v]);
            for (size_t v = first; v < nv; v++) {
                /* D(s1) e^x + D(0)(1 - r')(1 - e^x), x = -(s - s1)/tau' <= 0: exactly D(s1)
                 * at x = 0 (continuity), and no inf * 0 there. */
                double e = et[v - first], deficit = deficit1 * e;
                if (plateau1 > 0.0 && e < 1.0)
                    deficit += plateau1 * (1.0 - e);
                t_out[v] = best - dir * (deficit > range ? range : deficit);
            }
        }
        if (sd > 0.0)
            for (size_t v = 0; v < nv; v++)
                y_out[v] = t_out[v] + sd * mscsim_rnorm_std(rng);
        else
            memcpy(y_out, t_out, nv * sizeof *y_out);
    }
}

const mscsim_model_type sim_model_trajectory = {
    .name = "trajectory",
    .description = "Mixture of exponential recovery curves from stroke onset, scored at every "
                   "visit (van der Vliet 2020).",
    .outcome = MSCSIM_OUTCOME_CONTINUOUS,
    .multi_visit = 1,
    .has_baseline_score = 1,
    .draws_deaths = 1,
    .keys = trajectory_keys,
    .key_count = KEY_COUNT,
    .params_size = sizeof(trajectory_params),
    .needs = trajectory_needs,
    .prepare = trajectory_prepare,
    .true_effect = trajectory_true_effect,
    .simulate = trajectory_simulate,
};
