#ifndef SIM_LONGITUDINAL_MMRM_H
#define SIM_LONGITUDINAL_MMRM_H
/*
 * MMRM and cLDA fits of one trial: REML with an unstructured covariance over the visits,
 * the arm difference at a primary visit, its model-based SE and Satterthwaite df.
 *
 * MMRM (sim_mmrm_fit) is
 *   nlme::gls(y ~ visit * arm + visit * baseline, method = "REML",
 *             correlation = corSymm(form = ~ visit_index | patient),
 *             weights = varIdent(form = ~ 1 | visit))
 * over every observed post-baseline visit (any missingness pattern; a patient with no
 * observed visit contributes nothing). The effect is the arm coefficient at the primary
 * visit (msc - control).
 * cLDA (sim_clda_fit, constrained longitudinal data analysis, Liang & Zeger 2000, Sankhya
 * B 62:134) takes the baseline as the response at a visit 0 with one mean for both arms,
 * a mean per arm at every post-baseline visit and an unstructured covariance over baseline
 * and visits; the effect is the difference of the arm means at the primary visit.
 *
 * Both fits are allocation-free: the caller provides a workspace of sim_mmrm_work_size
 * bytes, which may be reused for any number of fits of at most that size. A fit touches
 * only its arguments, so concurrent fits with separate workspaces and results are safe.
 * Method, tolerances and failure rules: sim/longitudinal/mmrm.c.
 */
#include <stddef.h>

/* Post-baseline visits: 2..SIM_MMRM_MAX_VISITS for MMRM, 1..SIM_MMRM_MAX_VISITS for cLDA. */
#define SIM_MMRM_MAX_VISITS 16
/* The largest covariance dimension: cLDA's baseline plus every visit. */
#define SIM_MMRM_MAX_DIM (SIM_MMRM_MAX_VISITS + 1)

typedef enum {
    SIM_MMRM_OK = 0,
    SIM_MMRM_BAD_INPUT,      /* Out-of-range sizes, a NULL array, arm not 0/1, a non-finite
                                baseline or observed y. */
    SIM_MMRM_TOO_FEW,        /* A visit has fewer observations than its mean parameters + 1,
                                or its arm / baseline columns are aliased there. */
    SIM_MMRM_UNPAIRED,       /* Two visits never observed in the same patient: their
                                covariance is not identified. */
    SIM_MMRM_NOT_PD,         /* The covariance (start or along the path) is not positive
                                definite and no step keeps it so. */
    SIM_MMRM_NO_CONVERGENCE, /* No convergence in SIM_MMRM_MAX_ITER Newton steps. */
    SIM_MMRM_WORKSPACE       /* The workspace is smaller than sim_mmrm_work_size. */
} sim_mmrm_status;

/* One trial. Patient i has arm[i] (0 control, 1 msc), baseline[i] and, for visit v
 * (0-based), the response y[i * visits + v], used when observed[i * visits + v] != 0
 * (y is not read otherwise: NaN is fine there). */
typedef struct {
    size_t n;                      /* Patients, >= 0. */
    int visits;                    /* Post-baseline visits (see SIM_MMRM_MAX_VISITS). */
    const unsigned char *arm;      /* n entries, 0 or 1. */
    const double *baseline;        /* n finite values. */
    const double *y;               /* n x visits, row-major. */
    const unsigned char *observed; /* n x visits, row-major. */
    int primary;                   /* 0-based visit of the effect, 0..visits - 1. */
    /* NULL, or a warm start: dim x dim row-major, dim = visits (MMRM) or visits + 1 (cLDA,
     * baseline first); used when positive definite, otherwise the moment start is. It pays
     * when refitting the same data (e.g. the effect at another primary visit); another
     * trial's Sigma is usually farther than the moment start (tests/bench_mmrm.c: 6.2
     * against 4.9 steps). */
    const double *sigma_start;
} sim_mmrm_data;

typedef struct {
    sim_mmrm_status status;
    char reason[112];  /* "" when ok, else why (which visit, etc.), for a report. */
    double estimate;   /* msc - control at the primary visit; NaN unless ok. */
    double se;         /* Model-based SE, sqrt of (sum X' Sigma^-1 X)^-1; NaN unless ok. */
    double df;         /* Satterthwaite df (observed REML information); NaN unless ok. */
    double loglik;     /* REML log-likelihood as nlme's logLik; NaN unless ok. */
    int iterations;    /* Newton steps taken. */
    int dim;           /* Rows of sigma: visits (MMRM) or visits + 1 (cLDA). */
    double sigma[SIM_MMRM_MAX_DIM * SIM_MMRM_MAX_DIM]; /* REML Sigma, dim x dim row-major. */
} sim_mmrm_result;

/* Newton steps before SIM_MMRM_NO_CONVERGENCE. */
#define SIM_MMRM_MAX_ITER 100

/* Bytes of workspace for either fit of at most n patients and `visits` visits (1..16); 0
 * when visits is out of range. */
size_t sim_mmrm_work_size(int visits, size_t n);

/* Fits the MMRM (file header) into *result and returns result->status. work: at least
 * work_bytes >= sim_mmrm_work_size(data->visits, data->n) bytes, aligned for double
 * (malloc'd memory is); its contents on entry do not matter. */
sim_mmrm_status sim_mmrm_fit(const sim_mmrm_data *data, void *work, size_t work_bytes,
                             sim_mmrm_result *result);

/* The same for the cLDA model (file header); visits 1..16. */
sim_mmrm_status sim_clda_fit(const sim_mmrm_data *data, void *work, size_t work_bytes,
                             sim_mmrm_result *result);

/* A short constant name for a status ("ok", "too few observations", ...). */
const char *sim_mmrm_status_name(sim_mmrm_status status);

#endif
