/*
 * Analytic power: closed forms, exact enumerations, the MCAR dropout mixture, the
 * sample size they imply, and the analytic design of a config.
 *
 * DESCRIPTION
 *   t tests (noncentral t; q = qt(alpha / sides, df, upper)):
 *     student  T ~ t(n0 + n1 - 2, ncp), ncp = delta / (sd sqrt(1/n0 + 1/n1)): exact for normal
 *              outcomes with a common sd (Cohen 1988, ch. 2; R's power.t.test).
 *     welch    ncp = delta / sqrt(sd0^2/n0 + sd1^2/n1) on the Welch-Satterthwaite df of the
 *              true variances, (v0 + v1)^2 / (v0^2/(n0 - 1) + v1^2/(n1 - 1)), v_a = sd_a^2/n_a:
 *              an approximation (the df of the test are random), within 6e-4 of the exact
 *              power of tests/ref/make_power_ref.R at 30/30 and 20/40, d = 0.5.
 *     ancova   ncp = delta / (sd_e sqrt(1/n0 + 1/n1)) on n0 + n1 - 2 - K df, sd_e the residual
 *              sd given the K covariates: the usual approximation, which ignores the chance
 *              imbalance of the covariates, var = sd_e^2 (1/n0 + 1/n1 + (xbar1 - xbar0)^2 / Sxx);
 *              it overstates power by O(1/n): 0.007 at 30/30, d = 0.5, rho = 0.5.
 *     Power = P(T > q) + P(T < -q) for sides = 2 (the far tail as power.t.test(strict =
 *     TRUE)), P(T > q) for sides = 1.
 *   Proportions, d = p1 - p0, z = qnorm(1 - alpha / sides):
 *     fleiss   (chisq) s0 = sqrt(pbar (1 - pbar) (1/n0 + 1/n1)), pbar = (n0 p0 + n1 p1) / N,
 *              the pooled SE under H0; s1 = sqrt(p0 (1 - p0)/n0 + p1 (1 - p1)/n1) under H1;
 *              power = Phi((|d| - z s0) / s1) + Phi((-|d| - z s0) / s1), one-sided
 *              Phi((d - z s0) / s1). No continuity correction, as the chisq analysis.
 *     wald     (rd_z) the unpooled SE under H0 too: Phi(|d| / s1 - z) + Phi(-|d| / s1 - z),
 *              one-sided Phi(d / s1 - z).
 *     When s1 = 0 (both p in {0, 1}) the tables are fixed: power 1 when the limit
 *     argument is +Inf (p0 != p1 and, for sides = 1, d > 0), else 0.
 *   Ordinal outcomes (po, po_lr), Whitehead (1993): with control probabilities p0_k (best
 *   first), msc probabilities under proportional odds
 *     P(Y <= k | msc) = plogis(logit P(Y <= k | control) + log OR),
 *   pbar_k = (n0 p0_k + n1 p1_k) / N, the variance of the efficient score for log OR
 *     V = n0 n1 N / (3 (N + 1)^2) (1 - sum_k pbar_k^3),
 *   and power Phi(|b| sqrt(V) - z) + Phi(-|b| sqrt(V) - z), b = log OR (the far tail
 *   included, so OR = 1 gives alpha), one-sided Phi(b sqrt(V) - z). Large-sample,
 *   small-effect approximation: 0.6979 against 0.6968 (Wald) and 0.6989 (LR) simulated with
 *   polr at 150/150, OR 1.67 (tests/ref/po_power_ref.csv, MCSE 0.0033). With V = 0 (one
 *   category in both arms) po always fails: power 0.
 *   Exact binary power: sum over tables (x0, x1) of dbinom(x0; n0, p0) dbinom(x1; n1, p1)
 *   for the tables the analysis rejects, each decided by calling the analysis itself on the
 *   table's sufficient statistics, so ties at the boundary and failures (zero margins for
 *   chisq, SE = 0 for rd_z) are exactly as simulated.
 *   MCAR dropout: analysed sizes m_a ~ Binomial(n_a, 1 - d_a) independently of the
 *   outcomes, so the power of the randomized design is exactly
 *     sum over m0, m1 of P(m0) P(m1) power(m0, m1).
 *
 * METHOD
 *   Every sum over a binomial runs over qbinom(1e-15) .. qbinom(1e-15, upper) only: each
 *   skipped tail holds less than 1e-15 (TAIL_SKIP), so a power is off by at most 4e-15,
 *   and the ranges are ~16 sd wide instead of n + 1. The noncentral t is Rmath's pnt (R's
 *   pt(ncp =)), called for the upper tail at q > 0 and the lower tail at -q, the two paths
 *   on which nmath/pnt.c issues no precision warning (it would print in the standalone
 *   library). The sample size brackets the number of allocation blocks by doubling and then
 *   bisects (the formulas increase with n), or scans upward for the exact enumerations,
 *   whose power is not monotone in n.
 *
 * REFERENCES
 *   J. Cohen (1988), Statistical Power Analysis for the Behavioral Sciences, 2nd ed., ch. 2;
 *     R stats/R/power.R (power.t.test) and pwr::pwr.t2n.test.
 *   B. L. Welch (1947), Biometrika 34:28-35; F. E. Satterthwaite (1946), Biometrics Bull.
 *     2:110-114.
 *   J. L. Fleiss, A. Tytun, H. K. Ury (1980), "A simple approximation for calculating sample
 *     sizes for comparing independent proportions", Biometrics 36:343-346; J. L. Fleiss,
 *     B. Levin, M. C. Paik (2003), Statistical Methods for Rates and Proportions, 3rd ed.,
 *     sec. 4.2.
 *   S.-C. Chow, J. Shao, H. Wang (2008), Sample Size Calculations in Clinical Research, 2nd
 *     ed., sec. 4.2 (the unpooled test of two proportions).
 *   J. Whitehead (1993), "Sample size calculations for ordered categorical data", Statistics
 *     in Medicine 12:2257-2271.
 *   Reference values: tests/ref/make_analytic_ref.R.
 */

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_impl.h"
#include "internal.h"
#include "model_util.h"
#include "mathlib.h"
#include "mscsim/analysis.h"
#include "mscsim/analytic.h"

/* Binomial tails below this are skipped in every sum (see METHOD): far below the ~1e-13
 * rounding of the sums themselves. */
#define TAIL_SKIP 1e-15

/* Whitehead's control probabilities must sum to 1 within this, as [control] probs do
 * (sim/model_ordinal.c); they are then renormalised. */
#define PROBS_SUM_TOL 1e-9

/* The exact enumerations run the analyses, which need a settings handle; they never
 * compute an interval, so its level is immaterial. */
#define UNUSED_CONF_LEVEL 0.95

/* ======================================================================================
 * Checks shared by the formulas
 * ====================================================================================== */

/* A level the formulas accept: alpha / sides < 1/2 keeps the critical value positive,
 * which the pnt tails below rely on. */
static int valid_level(double alpha, int sides)
{
    return alpha > 0.0 && alpha < 1.0 && (sides == 1 || sides == 2) && alpha / sides < 0.5;
}

static int valid_prob(double p)
{
    return p >= 0.0 && p <= 1.0;
}

static double z_crit(double alpha, int sides)
{
    return qnorm(alpha / sides, 0.0, 1.0, 0, 0);
}

static double phi(double x)
{
    return pnorm(x, 0.0, 1.0, 1, 0);
}

/* The smallest and largest counts of Binomial(n, p) outside tails of mass < TAIL_SKIP. */
static void binom_range(long n, double p, long *lo, long *hi)
{
    if (p <= 0.0 || p >= 1.0 || n == 0) {
        *lo = *hi = p >= 1.0 ? n : 0;
        return;
    }
    *lo = (long)qbinom(TAIL_SKIP, (double)n, p, 1, 0);
    *hi = (long)qbinom(TAIL_SKIP, (double)n, p, 0, 0);
}

/* ======================================================================================
 * t tests
 * ====================================================================================== */

SIM_API double mscsim_analytic_nct_power(double ncp, double df, double alpha, int sides)
{
    if (!valid_level(alpha, sides) || !(df > 0.0) || !isfinite(ncp))
        return NAN;
    double q = qt(alpha / sides, df, 0, 0);
    double up = pnt(q, df, ncp, 0, 0);
    return sides == 1 ? up : up + pnt(-q, df, ncp, 1, 0);
}

SIM_API double mscsim_analytic_student_power(long n0, long n1, double delta, double sd,
                                                double alpha, int sides)
{
    if (n0 < 0 || n1 < 0 || !isfinite(delta) || !(sd > 0.0) || !isfinite(sd) ||
        !valid_level(alpha, sides))
        return NAN;
    if (n0 < 2 || n1 < 2)
        return 0.0;
    double ncp = delta / (sd * sqrt(1.0 / (double)n0 + 1.0 / (double)n1));
    return mscsim_analytic_nct_power(ncp, (double)(n0 + n1 - 2), alpha, sides);
}

SIM_API double mscsim_analytic_welch_power(long n0, long n1, double delta, double sd0,
                                              double sd1, double alpha, int sides)
{
    if (n0 < 0 || n1 < 0 || !isfinite(delta) || !(sd0 >= 0.0) || !(sd1 >= 0.0) ||
        !(sd0 > 0.0 || sd1 > 0.0) || !isfinite(sd0) || !isfinite(sd1) ||
        !valid_level(alpha, sides))
        return NAN;
    if (n0 < 2 || n1 < 2)
        return 0.0;
    double v0 = sd0 * sd0 / (double)n0, v1 = sd1 * sd1 / (double)n1, v = v0 + v1;
    double df = v * v / (v0 * v0 / (double)(n0 - 1) + v1 * v1 / (double)(n1 - 1));
    return mscsim_analytic_nct_power(delta / sqrt(v), df, alpha, sides);
}

SIM_API double mscsim_analytic_ancova_power(long n0, long n1, double delta,
                                               double sd_residual, int covariates, double alpha,
                                               int sides)
{
    if (n0 < 0 || n1 < 0 || !isfinite(delta) || !(sd_residual > 0.0) ||
        !isfinite(sd_residual) || covariates < 1 || !valid_level(alpha, sides))
        return NAN;
    if (n0 < 1 || n1 < 1 || n0 + n1 <= (long)covariates + 2)
        return 0.0;
    double ncp = delta / (sd_residual * sqrt(1.0 / (double)n0 + 1.0 / (double)n1));
    return mscsim_analytic_nct_power(ncp, (double)(n0 + n1 - 2 - covariates), alpha, sides);
}

/* ======================================================================================
 * Two proportions: normal approximations
 * ====================================================================================== */

static int valid_proportions(long n0, long n1, double p0, double p1, double alpha, int sides)
{
    return n0 >= 0 && n1 >= 0 && valid_prob(p0) && valid_prob(p1) && valid_level(alpha, sides);
}

/* The unpooled SE of p1 - p0 (H1). */
static double se_unpooled(long n0, long n1, double p0, double p1)
{
    return sqrt(p0 * (1.0 - p0) / (double)n0 + p1 * (1.0 - p1) / (double)n1);
}

/* Power of a test of p1 - p0 whose SE under H0 is pooled (Fleiss: the chisq test) or the
 * unpooled H1 SE itself (Wald: rd_z). With s1 = 0 (both p in {0, 1}) the tables are
 * fixed: power 1 when the statistic is infinite in the tested direction, else 0 (rd_z also
 * fails when p0 = p1: d = 0 there). */
static double proportions_power(long n0, long n1, double p0, double p1, double alpha, int sides,
                                int pooled)
{
    if (!valid_proportions(n0, n1, p0, p1, alpha, sides))
        return NAN;
    if (n0 < 1 || n1 < 1)
        return 0.0;
    double s1 = se_unpooled(n0, n1, p0, p1), d = p1 - p0, z = z_crit(alpha, sides), s0 = s1;
    if (pooled) {
        double pbar = ((double)n0 * p0 + (double)n1 * p1) / (double)(n0 + n1);
        s0 = sqrt(pbar * (1.0 - pbar) * (1.0 / (double)n0 + 1.0 / (double)n1));
    }
    double near = sides == 1 ? d - z * s0 : fabs(d) - z * s0;
    if (!(s1 > 0.0))
        return near > 0.0 ? 1.0 : 0.0;
    return sides == 1 ? phi(near / s1) : phi(near / s1) + phi((-fabs(d) - z * s0) / s1);
}

SIM_API double mscsim_analytic_fleiss_power(long n0, long n1, double p0, double p1,
                                               double alpha, int sides)
{
    return proportions_power(n0, n1, p0, p1, alpha, sides, 1);
}

SIM_API double mscsim_analytic_wald_power(long n0, long n1, double p0, double p1,
                                             double alpha, int sides)
{
    return proportions_power(n0, n1, p0, p1, alpha, sides, 0);
}

/* ======================================================================================
 * Ordinal outcomes: Whitehead (1993)
 * ====================================================================================== */

SIM_API double mscsim_analytic_whitehead_power(long n0, long n1, const double *probs,
                                                  int categories, double odds_ratio,
                                                  double alpha, int sides)
{
    if (n0 < 0 || n1 < 0 || !probs || categories < 2 ||
        categories > MSCSIM_ANALYTIC_MAX_CATEGORIES || !(odds_ratio > 0.0) ||
        !isfinite(odds_ratio) || !valid_level(alpha, sides))
        return NAN;
    double sum = 0.0;
    for (int k = 0; k < categories; k++) {
        if (!(probs[k] >= 0.0) || !isfinite(probs[k]))
            return NAN;
        sum += probs[k];
    }
    if (!(fabs(sum - 1.0) <= PROBS_SUM_TOL))
        return NAN;
    if (n0 < 1 || n1 < 1)
        return 0.0;
    const double total = (double)(n0 + n1), b = log(odds_ratio);
    double cubes = 0.0, msc_before = 0.0;
    for (int k = 0; k < categories; k++) {
        double msc_upto = 1.0, control, theta;
        if (k < categories - 1)
            msc_upto = sim_po_cut(probs, categories, k, b, &control, &theta);
        double p1 = fmax(msc_upto - msc_before, 0.0);
        msc_before = msc_upto;
        double pbar = ((double)n0 * (probs[k] / sum) + (double)n1 * p1) / total;
        cubes += pow(pbar, 3.0);
    }
    double v = (double)n0 * (double)n1 * total / (3.0 * (total + 1.0) * (total + 1.0)) *
               (1.0 - cubes);
    if (!(v > 0.0))
        return 0.0;
    double z = z_crit(alpha, sides), shift = b * sqrt(v);
    return sides == 1 ? phi(shift - z) : phi(fabs(shift) - z) + phi(-fabs(shift) - z);
}

/* ======================================================================================
 * Two proportions: exact enumeration with the analyses themselves
 * ====================================================================================== */

/* What an enumeration needs: the analysis, its settings and room for one arm's binomial
 * probabilities. */
typedef struct {
    const mscsim_analysis_type *type;
    mscsim_analysis_settings *settings;
    double *pmf;
} exact_ctx;

/* The analyses that decide from the event counts alone (the arm statistics n and sum_y),
 * so a table is all they need. */
static int counts_only(const char *name)
{
    return name && (strcmp(name, "chisq") == 0 || strcmp(name, "rd_z") == 0 ||
                    strcmp(name, "fisher") == 0);
}

/* Opens ctx for arm-1 sizes up to max_n1; on failure nothing is left to free. */
static int exact_open(exact_ctx *ctx, const char *analysis, double alpha, int sides,
                      long max_n1, mscsim_error *err)
{
    memset(ctx, 0, sizeof *ctx);
    if (!counts_only(analysis))
        return sim_error_set(err, MSCSIM_EINVAL,
                                "exact power: analysis '%s' is not chisq, rd_z or fisher",
                                analysis ? analysis : "(null)");
    ctx->type = mscsim_analysis_find(analysis);
    int status = mscsim_analysis_settings_new(alpha, sides, UNUSED_CONF_LEVEL, 0, 0,
                                              &ctx->settings, err);
    if (status != MSCSIM_OK)
        return status;
    ctx->pmf = malloc(((size_t)max_n1 + 1) * sizeof *ctx->pmf);
    if (!ctx->pmf) {
        mscsim_analysis_settings_free(ctx->settings);
        return sim_error_set(err, MSCSIM_ENOMEM, "exact power: out of memory for n = %ld",
                                max_n1);
    }
    return MSCSIM_OK;
}

static void exact_close(exact_ctx *ctx)
{
    mscsim_analysis_settings_free(ctx->settings);
    free(ctx->pmf);
}

/* The sufficient statistics of an arm of n 0/1 outcomes with x events. */
static void binary_arm(mscsim_arm_stats *st, long n, long x)
{
    st->n = (size_t)n;
    st->sum_y = (double)x;
    st->mean_y = n > 0 ? (double)x / (double)n : 0.0;
    st->ss_y = n > 0 ? (double)x * (double)(n - x) / (double)n : 0.0;
}

/* Exact power at analysed sizes n0, n1 <= the ctx's max_n1 (see the file header). */
static double exact_power(const exact_ctx *ctx, long n0, long n1, double p0, double p1)
{
    long lo0, hi0, lo1, hi1;
    binom_range(n0, p0, &lo0, &hi0);
    binom_range(n1, p1, &lo1, &hi1);
    for (long x1 = lo1; x1 <= hi1; x1++)
        ctx->pmf[x1 - lo1] = dbinom((double)x1, (double)n1, p1, 0);
    mscsim_trial_data data;
    memset(&data, 0, sizeof data);
    mscsim_analysis_result r;
    double power = 0.0;
    for (long x0 = lo0; x0 <= hi0; x0++) {
        binary_arm(&data.arm[MSCSIM_ARM_CONTROL], n0, x0);
        double rejected = 0.0;
        for (long x1 = lo1; x1 <= hi1; x1++) {
            binary_arm(&data.arm[MSCSIM_ARM_MSC], n1, x1);
            ctx->type->analyze(&data, ctx->settings, &r);
            if (r.reject)
                rejected += ctx->pmf[x1 - lo1];
        }
        power += dbinom((double)x0, (double)n0, p0, 0) * rejected;
    }
    return power;
}

SIM_API int mscsim_analytic_exact_binary_power(const char *analysis, long n0, long n1,
                                                  double p0, double p1, double alpha, int sides,
                                                  double *power, mscsim_error *err)
{
    if (!power)
        return sim_error_set(err, MSCSIM_EINVAL, "exact power: power is NULL");
    *power = NAN;
    if (!valid_proportions(n0, n1, p0, p1, alpha, sides))
        return sim_error_set(err, MSCSIM_EINVAL,
                                "exact power: invalid n0 = %ld, n1 = %ld, p0 = %g, p1 = %g, "
                                "alpha = %g or sides = %d", n0, n1, p0, p1, alpha, sides);
    exact_ctx ctx;
    int status = exact_open(&ctx, analysis, alpha, sides, n1, err);
    if (status != MSCSIM_OK)
        return status;
    *power = exact_power(&ctx, n0, n1, p0, p1);
    exact_close(&ctx);
    return MSCSIM_OK;
}

/* ======================================================================================
 * Designs: dropout mixture and sample size
 * ====================================================================================== */

static int is_exact(mscsim_analytic_method m)
{
    return m == MSCSIM_ANALYTIC_EXACT_CHISQ || m == MSCSIM_ANALYTIC_EXACT_RD_Z ||
           m == MSCSIM_ANALYTIC_EXACT_FISHER;
}

static const char *exact_analysis(mscsim_analytic_method m)
{
    return m == MSCSIM_ANALYTIC_EXACT_CHISQ ? "chisq"
           : m == MSCSIM_ANALYTIC_EXACT_RD_Z ? "rd_z"
                                             : "fisher";
}

/* The design's power at analysed sizes m0, m1; ctx is open for the exact methods. */
static double analysed_power(const mscsim_analytic_design *d, const exact_ctx *ctx, long m0,
                             long m1)
{
    switch (d->method) {
    case MSCSIM_ANALYTIC_STUDENT:
        return d->sd[0] == d->sd[1]
                   ? mscsim_analytic_student_power(m0, m1, d->delta, d->sd[0], d->alpha, d->sides)
                   : (double)NAN;
    case MSCSIM_ANALYTIC_WELCH:
        return mscsim_analytic_welch_power(m0, m1, d->delta, d->sd[0], d->sd[1], d->alpha,
                                           d->sides);
    case MSCSIM_ANALYTIC_ANCOVA:
        return d->sd[0] == d->sd[1] ? mscsim_analytic_ancova_power(m0, m1, d->delta, d->sd[0],
                                                                   d->covariates, d->alpha,
                                                                   d->sides)
                                    : (double)NAN;
    case MSCSIM_ANALYTIC_FLEISS:
        return mscsim_analytic_fleiss_power(m0, m1, d->p[0], d->p[1], d->alpha, d->sides);
    case MSCSIM_ANALYTIC_WALD:
        return mscsim_analytic_wald_power(m0, m1, d->p[0], d->p[1], d->alpha, d->sides);
    case MSCSIM_ANALYTIC_EXACT_CHISQ:
    case MSCSIM_ANALYTIC_EXACT_RD_Z:
    case MSCSIM_ANALYTIC_EXACT_FISHER:
        return exact_power(ctx, m0, m1, d->p[0], d->p[1]);
    case MSCSIM_ANALYTIC_WHITEHEAD:
        return mscsim_analytic_whitehead_power(m0, m1, d->probs, d->categories, d->odds_ratio,
                                               d->alpha, d->sides);
    }
    return NAN;
}

SIM_API double mscsim_analytic_design_power(const mscsim_analytic_design *d, long n0, long n1)
{
    if (!d || n0 < 0 || n1 < 0)
        return NAN;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
        if (!(d->dropout[a] >= 0.0 && d->dropout[a] < 1.0))
            return NAN;
    exact_ctx ctx;
    int exact = is_exact(d->method);
    if (exact) {
        if (!valid_proportions(n0, n1, d->p[0], d->p[1], d->alpha, d->sides) ||
            exact_open(&ctx, exact_analysis(d->method), d->alpha, d->sides, n1, NULL) != MSCSIM_OK)
            return NAN;
    }
    const double keep0 = 1.0 - d->dropout[0], keep1 = 1.0 - d->dropout[1];
    long lo0, hi0, lo1, hi1;
    binom_range(n0, keep0, &lo0, &hi0);
    binom_range(n1, keep1, &lo1, &hi1);
    double power = 0.0;
    for (long m0 = lo0; m0 <= hi0; m0++) {
        double inner = 0.0;
        for (long m1 = lo1; m1 <= hi1; m1++)
            inner += dbinom((double)m1, (double)n1, keep1, 0) *
                     analysed_power(d, exact ? &ctx : NULL, m0, m1);
        power += dbinom((double)m0, (double)n0, keep0, 0) * inner;
    }
    if (exact)
        exact_close(&ctx);
    return power;
}

SIM_API int mscsim_analytic_design_sample_size(const mscsim_analytic_design *d,
                                                  int alloc_control, int alloc_msc,
                                                  double target, long max_n, long *n_total,
                                                  mscsim_error *err)
{
    if (!d || !n_total)
        return sim_error_set(err, MSCSIM_EINVAL, "sample size: NULL argument");
    if (alloc_control < 1 || alloc_msc < 1 || !(target > 0.0 && target < 1.0))
        return sim_error_set(err, MSCSIM_EINVAL,
                                "sample size: allocation %d:%d or target %g out of range",
                                alloc_control, alloc_msc, target);
    const long block = (long)alloc_control + alloc_msc, kmax = max_n / block;
    if (kmax < 1)
        return sim_error_set(err, MSCSIM_ERANGE,
                                "sample size: max_n = %ld is below one allocation block (%ld)",
                                max_n, block);
    long lo = 0, hi = 1; /* power(lo) < target (k = 0: no trial); hi is the next probe */
    double p;
    for (;;) {
        p = mscsim_analytic_design_power(d, hi * alloc_control, hi * alloc_msc);
        if (isnan(p))
            return sim_error_set(err, MSCSIM_EINVAL,
                                    "sample size: the power cannot be computed at n = %ld",
                                    hi * block);
        if (p >= target)
            break;
        if (hi == kmax)
            return sim_error_set(err, MSCSIM_ERANGE,
                                    "sample size: power %.4f < %g at the largest n = %ld", p,
                                    target, hi * block);
        lo = hi;
        /* Exact powers saw-tooth: only a scan finds the first k reaching the target. */
        hi = is_exact(d->method) ? hi + 1 : (hi > kmax / 2 ? kmax : 2 * hi);
    }
    while (hi - lo > 1) { /* power(lo) < target <= power(hi) */
        long mid = lo + (hi - lo) / 2;
        p = mscsim_analytic_design_power(d, mid * alloc_control, mid * alloc_msc);
        if (isnan(p))
            return sim_error_set(err, MSCSIM_EINVAL,
                                    "sample size: the power cannot be computed at n = %ld",
                                    mid * block);
        if (p >= target)
            hi = mid;
        else
            lo = mid;
    }
    *n_total = hi * block;
    return MSCSIM_OK;
}

/* ======================================================================================
 * The analytic design of a config
 * ====================================================================================== */

/* Writes the reason there is no analytic power into why (if any); returns 0. */
static int none(char *why, size_t why_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int none(char *why, size_t why_len, const char *fmt, ...)
{
    if (why && why_len > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, why_len, fmt, ap);
        va_end(ap);
    }
    return 0;
}

/* A binary endpoint with event probabilities p0, p1 analysed by `name`. */
static int binary_design(const char *name, double p0, double p1, int dropout,
                         mscsim_analytic_design *d, char *why, size_t why_len)
{
    d->p[0] = p0;
    d->p[1] = p1;
    if (strcmp(name, "chisq") == 0) {
        d->method = MSCSIM_ANALYTIC_FLEISS;
    } else if (strcmp(name, "rd_z") == 0) {
        d->method = MSCSIM_ANALYTIC_WALD;
    } else if (strcmp(name, "fisher") == 0) {
        if (dropout)
            return none(why, why_len,
                        "fisher with dropout: the exact enumeration over every pair of "
                        "analysed arm sizes is too slow");
        d->method = MSCSIM_ANALYTIC_EXACT_FISHER;
    } else if (strcmp(name, "po") == 0 || strcmp(name, "po_lr") == 0) {
        if (!(p0 > 0.0 && p0 < 1.0 && p1 > 0.0 && p1 < 1.0))
            return none(why, why_len, "a proportion of 0 or 1 has no finite odds ratio");
        /* Two categories, the event (the better outcome) first. */
        d->method = MSCSIM_ANALYTIC_WHITEHEAD;
        d->categories = 2;
        d->probs[0] = p0;
        d->probs[1] = 1.0 - p0;
        d->odds_ratio = p1 * (1.0 - p0) / (p0 * (1.0 - p1));
    } else {
        return none(why, why_len, "analysis '%s' of a binary endpoint has no closed form",
                    name);
    }
    return 1;
}

/* 1 when [analysis] covariates include the baseline score. */
static int adjusts_for_baseline(const mscsim_config *cfg)
{
    for (int k = 0; k < cfg->covariate_count; k++)
        if (cfg->covariates[k] == MSCSIM_COVARIATE_BASELINE)
            return 1;
    return 0;
}

/* A number key of cfg's model, by name, until these formulas move to the model files. */
static double model_number(const mscsim_config *cfg, const char *section, const char *key)
{
    return sim_config_value(cfg, section, key)->number;
}

static int normal_design(const mscsim_config *cfg, const char *name, mscsim_analytic_design *d,
                         char *why, size_t why_len)
{
    const double mean[MSCSIM_ARM_COUNT] = {model_number(cfg, "control", "mean"),
                                           model_number(cfg, "msc", "mean")};
    const double sd[MSCSIM_ARM_COUNT] = {model_number(cfg, "control", "sd"),
                                         model_number(cfg, "msc", "sd")};
    const double rho = model_number(cfg, "model", "rho");
    if (cfg->scale != MSCSIM_SCALE_NONE)
        return none(why, why_len, "the [outcome] scale rounds and clips the outcome");
    mscsim_endpoint e = mscsim_config_endpoint(cfg);
    if (e != MSCSIM_ENDPOINT_CHANGE && e != MSCSIM_ENDPOINT_FINAL)
        return none(why, why_len, "only the change and final endpoints are normal");
    if (!(sd[0] > 0.0 && sd[1] > 0.0))
        return none(why, why_len, "an arm's sd is 0");
    d->delta = mean[MSCSIM_ARM_MSC] - mean[MSCSIM_ARM_CONTROL];

    if (strcmp(name, "ancova") == 0) {
        /* Given the baseline the change is linear in it with a normal residual
         * sd sqrt(1 - rho^2) e, whatever the baseline's distribution or the other
         * covariates (which the outcome does not depend on). */
        if (!adjusts_for_baseline(cfg))
            return none(why, why_len, "ancova without the baseline covariate");
        if (sd[0] != sd[1])
            return none(why, why_len, "ancova with unequal arm sds");
        if (!(fabs(rho) < 1.0))
            return none(why, why_len, "rho = %g leaves no residual variation", rho);
        d->method = MSCSIM_ANALYTIC_ANCOVA;
        d->sd[0] = d->sd[1] = sd[0] * sqrt(1.0 - rho * rho);
        d->covariates = cfg->covariate_count;
        return 1;
    }
    if (strcmp(name, "student") != 0 && strcmp(name, "welch") != 0)
        return none(why, why_len, "analysis '%s' of a normal endpoint has no closed form",
                    name);

    /* The change is mean + sd (rho z + sqrt(1 - rho^2) e) with z the standardised
     * baseline, so it is normal when rho = 0 or the baseline is; final adds the baseline. */
    const mscsim_dist_spec *b = &cfg->baseline;
    if (e == MSCSIM_ENDPOINT_FINAL || rho != 0.0) {
        int fixed = e == MSCSIM_ENDPOINT_FINAL && rho == 0.0 && b->kind == MSCSIM_DIST_FIXED;
        if (b->kind != MSCSIM_DIST_NORMAL && !fixed)
            return none(why, why_len, "the endpoint is not normal: [baseline] score is not a "
                                      "normal distribution");
        /* Patients are redrawn whole outside the NIHSS window, which truncates a baseline
         * correlated with NIHSS. */
        if (cfg->severity_corr != 0.0 && (isfinite(cfg->nihss_min) || isfinite(cfg->nihss_max)))
            return none(why, why_len, "the NIHSS eligibility window truncates the baseline "
                                      "through severity_corr");
    }
    double sb = b->kind == MSCSIM_DIST_NORMAL ? b->b : 0.0;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        double s = sd[a];
        d->sd[a] = e == MSCSIM_ENDPOINT_FINAL ? sqrt(sb * sb + 2.0 * rho * s * sb + s * s) : s;
    }
    if (strcmp(name, "welch") == 0) {
        d->method = MSCSIM_ANALYTIC_WELCH;
        return 1;
    }
    if (d->sd[0] != d->sd[1])
        return none(why, why_len, "student with unequal endpoint sds (the pooled t is not "
                                  "noncentral t); welch has a closed form");
    d->method = MSCSIM_ANALYTIC_STUDENT;
    return 1;
}

/* P(mRS <= t) in arm a of the ordinal model, as sim/model_ordinal.c computes it. */
static double ordinal_cum(const mscsim_config *cfg, int a, double t)
{
    const double *probs = sim_config_value(cfg, "control", "probs")->list.values;
    const int levels = sim_config_value(cfg, "control", "probs")->list.count;
    if (t < 0.0)
        return 0.0;
    if (t >= levels - 1)
        return 1.0;
    double control, theta;
    double msc = sim_po_cut(probs, levels, (int)t, log(model_number(cfg, "msc", "odds_ratio")),
                               &control, &theta);
    return a == MSCSIM_ARM_CONTROL ? control : msc;
}

static int ordinal_design(const mscsim_config *cfg, const char *name, int dropout,
                          mscsim_analytic_design *d, char *why, size_t why_len)
{
    mscsim_endpoint e = mscsim_config_endpoint(cfg);
    if (e == MSCSIM_ENDPOINT_RESPONDER && cfg->responder_on == MSCSIM_RESPONDER_ON_FINAL) {
        double t = floor(cfg->threshold); /* mRS <= threshold: whole categories */
        return binary_design(name, ordinal_cum(cfg, MSCSIM_ARM_CONTROL, t),
                             ordinal_cum(cfg, MSCSIM_ARM_MSC, t), dropout, d, why, why_len);
    }
    if (e != MSCSIM_ENDPOINT_FINAL)
        return none(why, why_len, "the ordinal model has only final and responder endpoints");
    if (strcmp(name, "po") != 0 && strcmp(name, "po_lr") != 0)
        return none(why, why_len, "analysis '%s' of the mRS has no closed form", name);
    const double *probs = sim_config_value(cfg, "control", "probs")->list.values;
    const int probs_count = sim_config_value(cfg, "control", "probs")->list.count;
    if (probs_count < 2 || probs_count > MSCSIM_ANALYTIC_MAX_CATEGORIES)
        return none(why, why_len, "[control] probs has %d categories", probs_count);
    d->method = MSCSIM_ANALYTIC_WHITEHEAD;
    d->categories = probs_count;
    memcpy(d->probs, probs, (size_t)probs_count * sizeof probs[0]);
    d->odds_ratio = model_number(cfg, "msc", "odds_ratio");
    return 1;
}

SIM_API int mscsim_analytic_design_from_config(const mscsim_config *cfg, int analysis,
                                                  mscsim_analytic_design *out, char *why,
                                                  size_t why_len)
{
    const char *names[MSCSIM_MAX_ANALYSES];
    if (!cfg || !out)
        return none(why, why_len, "no config");
    int count = mscsim_config_analyses(cfg, names);
    if (analysis < 0 || analysis >= count)
        return none(why, why_len, "there is no analysis number %d", analysis);
    const char *name = names[analysis];
    if (cfg->arm[MSCSIM_ARM_MSC].effect_slope != 0.0)
        return none(why, why_len, "[msc] effect_slope makes the effect vary between patients");
    if (cfg->arm[0].mortality > 0.0 || cfg->arm[1].mortality > 0.0)
        return none(why, why_len, "deaths change the endpoint's distribution");
    int dropout = cfg->arm[0].dropout > 0.0 || cfg->arm[1].dropout > 0.0;
    if (dropout && cfg->dropout_mechanism != MSCSIM_DROPOUT_MCAR)
        return none(why, why_len, "dropout that depends on the patient (mar, mnar)");
    /* Multiple imputation pools every trial by Rubin's rules, on Barnard-Rubin df, even
     * when nothing is missing. */
    if (cfg->missing == MSCSIM_MISSING_MI)
        return none(why, why_len, "multiple imputation pools with Barnard-Rubin df");
    if (dropout && cfg->missing != MSCSIM_MISSING_COMPLETE_CASE)
        return none(why, why_len, "missing outcomes are filled in, not left out");

    mscsim_analytic_design d;
    memset(&d, 0, sizeof d);
    d.alpha = cfg->alpha;
    d.sides = cfg->sides;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
        d.dropout[a] = cfg->arm[a].dropout;
    int ok;
    if (strcmp(cfg->model, "normal") == 0)
        ok = normal_design(cfg, name, &d, why, why_len);
    else if (strcmp(cfg->model, "binary") == 0)
        ok = binary_design(name, model_number(cfg, "control", "p"), model_number(cfg, "msc", "p"),
                           dropout, &d, why, why_len);
    else if (strcmp(cfg->model, "ordinal") == 0)
        ok = ordinal_design(cfg, name, dropout, &d, why, why_len);
    else
        ok = none(why, why_len, "model '%s' has no closed-form power", cfg->model);
    if (ok)
        *out = d;
    return ok;
}

SIM_API double mscsim_analytic_power(const mscsim_config *cfg, int analysis, long n_total)
{
    mscsim_analytic_design d;
    if (n_total < 0 || !mscsim_analytic_design_from_config(cfg, analysis, &d, NULL, 0))
        return NAN;
    long sizes[MSCSIM_ARM_COUNT];
    mscsim_config_arm_sizes(cfg, n_total, sizes);
    return mscsim_analytic_design_power(&d, sizes[MSCSIM_ARM_CONTROL], sizes[MSCSIM_ARM_MSC]);
}

SIM_API int mscsim_analytic_sample_size(const mscsim_config *cfg, int analysis, double target,
                                           long max_n, long *n_total, mscsim_error *err)
{
    mscsim_analytic_design d;
    char why[256];
    if (!mscsim_analytic_design_from_config(cfg, analysis, &d, why, sizeof why))
        return sim_error_set(err, MSCSIM_EINVAL, "no analytic power: %s", why);
    long block[MSCSIM_ARM_COUNT];
    mscsim_config_block(cfg, block); /* The blocks the simulation search uses. */
    return mscsim_analytic_design_sample_size(&d, (int)block[MSCSIM_ARM_CONTROL],
                                              (int)block[MSCSIM_ARM_MSC], target, max_n,
                                              n_total, err);
}
