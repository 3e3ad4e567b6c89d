#ifndef SIM_TRIAL_IMPL_H
#define SIM_TRIAL_IMPL_H
/*
 * Private to sim/trial/: the compiled design and the per-thread workspace, shared by the
 * pipeline (pipeline.c), the design's set-up (design.c, calibrate.c, truth.c) and
 * workspace.c.
 */

#include <stddef.h>

#include "mscsim/config.h"
#include "mscsim/dist.h"
#include "mscsim/model.h"
#include "mscsim/population.h"
#include "mscsim/randomise.h"
#include "mscsim/scale.h"
#include "mscsim/trial.h"

/* Highest NIHSS: the population draws whole values 0..42. */
#define SIM_NIHSS_MAX 42

/* Share of the rows of an empirical baseline score outside [lo, hi] (the data's own
 * distribution, which resampling draws from); NaN when the baseline is not empirical
 * (sim/population.c, for sim/warnings.c). */
double sim_population_baseline_outside(const mscsim_population *pop, double lo, double hi);

struct mscsim_design {
    mscsim_config cfg;     /* The only copy of the validated config, as given. */
    const mscsim_model_type *model;
    void *params;          /* The model's prepared parameters (heap: no declared type). */
    mscsim_population *pop;
    mscsim_scale scale;    /* Resolved: mRS for the ordinal model, {0, 1} for binary. */
    double orientation;    /* +1 higher is better, -1 lower. */
    double ratio_floor;    /* Smallest denominator of the improvement rate. */
    mscsim_endpoint endpoint;
    int fill_x;            /* An analysis reads the baseline or the covariates. */
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
    int longitudinal;      /* Some analysis reads every visit (mscsim_trial_data.visits). */
    int utility_last;      /* endpoint utility: index of the scale's last level. */
    /* [analysis] sliding: the oriented threshold of each whole NIHSS (NaN outside every
     * band). */
    double sliding_threshold[SIM_NIHSS_MAX + 1];
    struct sim_prior *prior; /* [prior]: per-trial parameters (sim/trial/prior.c), or NULL. */
    int randomised;          /* [trial] randomisation is not fixed: arm sizes vary. */
    mscsim_randomise_spec randomise;
};

/* endpoint = utility (endpoint_utility.c): checks [outcome] utilities against d->scale and
 * sets d->utility_last (the error names the key); then replaces n primary scores y by the
 * utilities of their levels. */
int sim_utility_prepare(mscsim_design *d, mscsim_error *err);
void sim_utility_apply(const mscsim_design *d, double *y, size_t n);

/* Forward: the buffers sim_sliding_apply reads. */
typedef struct sim_arm_buffers sim_arm_buffers;

/* [analysis] sliding (sliding.c): checks the bands against the eligible NIHSS range and
 * fills d->sliding_threshold (the error names the key); then turns the kept primary scores
 * of b->y into 0/1 responders by each patient's NIHSS band (all_kept: y holds every
 * patient, else the observed ones in order). */
int sim_sliding_prepare(mscsim_design *d, mscsim_error *err);
void sim_sliding_apply(const mscsim_design *d, const sim_arm_buffers *b, size_t kept,
                       int all_kept);

/* One arm's patients in a workspace. */
struct sim_arm_buffers {
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
    size_t prefix;            /* the first patients mscsim_trial_impute completes (n, or a look's) */
    size_t counted, counted_kept; /* the analysed among the first `counted` (sim_trial_prefix) */
};

struct mscsim_workspace {
    size_t capacity;
    double *scratch; /* 2 * capacity doubles for analyses that rank */
    int visit_count;
    const double *visit_days;
    sim_arm_buffers arm[MSCSIM_ARM_COUNT];
    mscsim_visit_data visits; /* The longitudinal analyses' view of the last trial. */
    /* A randomised design: each patient's arm and factor levels, in order of entry. */
    unsigned char *assigned;
    int *level[MSCSIM_MAX_RANDOMISE_FACTORS];
    void *randomise_work;
};

/* Patients per arm in one batch of the truth and dropout-calibration simulations (the
 * capacity of their workspace). */
#define SIM_TRUTH_BATCH 10000

/* Step 7 of the pipeline: b->y's kept primary scores (all_kept: every patient's) become
 * oriented endpoints in place; reads b->baseline and b->x only when b->baseline is set. */
void sim_trial_endpoints(const mscsim_design *d, sim_arm_buffers *b, size_t kept, int all_kept);

/*
 * Steps 1 to 7 of the pipeline (pipeline.c) for arm a of n patients, drawing from the
 * substreams `stream` of rng; dropout only when apply_dropout. Adds to diag; returns the
 * number of analysable patients, whose endpoints are in w->arm[a].y.
 */
size_t sim_trial_simulate_arm(const mscsim_design *d, int a, size_t n, const mscsim_rng *rng,
                              int stream, mscsim_workspace *w, mscsim_trial_diag *diag,
                              int apply_dropout);

/* sim_trial_simulate_arm after step 1: the arm's patients are in w->arm[a] already. */
size_t sim_trial_simulate_drawn(const mscsim_design *d, int a, size_t n, const mscsim_rng *rng,
                                int stream, mscsim_workspace *w, mscsim_trial_diag *diag,
                                int apply_dropout);

/* A randomised design (randomisation.c): draws total patients in order of entry from their
 * substream of rng, gives each an arm by d's randomisation and moves each arm's patients,
 * in order, to its buffers; n[a] receives the arm sizes. w holds total patients per arm. */
void sim_trial_randomise(const mscsim_design *d, const mscsim_rng *rng, size_t total,
                         mscsim_workspace *w, size_t n[MSCSIM_ARM_COUNT]);

/* The value MAR or MNAR dropout at visit v depends on, oriented so larger is worse. */
double sim_dropout_driver(const mscsim_design *d, const sim_arm_buffers *b, size_t i, int v);

/* The visit a dropout happens at, up to the primary one (draws only when there is a choice). */
int sim_dropout_visit(const mscsim_design *d, mscsim_rng *rng);

/* Sets up d's dropout (calibrate.c): visit weights and, for MAR/MNAR, the intercepts. */
int sim_design_calibrate_dropout(mscsim_design *d, mscsim_error *err);

/* Sets every analysis' truth of d (truth.c), estimating by simulation what has no closed
 * form (d->true_effect NaN on entry). */
int sim_design_truths(mscsim_design *d, mscsim_error *err);
/* Copies like's truths into d and returns 1 when d's config cannot give other truths
 * (truth.c states the rule); returns 0 and leaves d alone otherwise. */
int sim_design_truths_like(mscsim_design *d, const mscsim_design *like);

#endif
