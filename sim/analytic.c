/*
 * Analytic power: closed forms, exact enumerations, the MCAR dropout mixture and the
 * sample size they imply. Which design a config has: analytic_config.c.
 *
 * DESCRIPTION
 *   t tests (noncentral t; q = qt(alpha / sides, df, upper)):
 *     student  T ~ t(n0 + n1 - 2, ncp), ncp = delta / (sd sqrt(1/n0 + 1/n1)): exact for normal
 *              outcomes with a common sd (Cohen 1988, ch. 2; R's power.t.test).
 *     welch    ncp = delta / sqrt(sd0^2/n0 + sd1^2/n1) on the Welch-Satterthwaite df of the
 *              true variances, (v0 + v1)^2 / (v0^2/(n0 - 1) + v1^2/(n1 - 1)), v_a = sd_a^2/n_a:
 *              an approximation (the df of the test are random), within 6e-4 of the exact
 *              power of tests/ref/make_power_ref.R at 30/30 and 20/40, d = 0.5.
 *     welch exact: the sample variances s_a^2 ~ sd_a^2 chi^2_{n_a - 1} / (n_a - 1) are
 *              independent of the mean difference D ~ N(delta, sigma^2), sigma^2 = sd0^2/n0 +
 *              sd1^2/n1, so given them the test (|D| > c, c = qt(alpha / sides, df_hat,
 *              upper) SE_hat, df_hat and SE_hat from the sample variances) rejects with
 *              probability Phi((delta - c) / sigma) + Phi((-c - delta) / sigma) (one-sided:
 *              the first term); the power is its expectation over both variances.
 *     ancova   ncp = delta / (sd_e sqrt(1/n0 + 1/n1)) on n0 + n1 - 2 - K df, sd_e the residual
 *              sd given the K covariates: the usual approximation, which ignores the chance
 *              imbalance of the covariates, var = sd_e^2 (1/n0 + 1/n1 + (xbar1 - xbar0)^2 / Sxx);
 *              it overstates power by O(1/n): 0.007 at 30/30, d = 0.5, rho = 0.5.
 *     ancova exact: given covariates that are jointly normal with a common distribution in
 *              both arms, the arm's t is noncentral t on n - 2 - K df with ncp = delta /
 *              (sd_e sqrt(h (1 + T))), h = 1/n0 + 1/n1, T = D' W^-1 D (D the arms' covariate
 *              mean difference over sqrt(h), W the pooled within-arm SSCP on m = n - 2 df),
 *              and T = K F / (m - K + 1), F ~ F(K, m - K + 1) (Hotelling's T^2); the power is
 *              the expectation over F (for K = 1, O'Brien & Muller 1993; Shieh 2020).
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
 *   and the ranges are ~16 sd wide instead of n + 1. The exact integrals use the trapezoid
 *   rule in t = log X (X a chi^2_nu / nu variance ratio, or the F of the imbalance) between
 *   X's TAIL_SKIP quantiles, with weights x f(x) renormalised to sum 1: t's density is
 *   smooth with thin tails, where the trapezoid rule converges geometrically in the step
 *   (QUAD_PER_SD_* nodes per sd of log X, sqrt(trigamma(nu / 2)) for a chi-square). The
 *   noncentral t is Rmath's pnt (R's
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
 *   R. G. O'Brien, K. E. Muller (1993), "Unified power analysis for t-tests through
 *     multivariate hypotheses", in L. K. Edwards (ed.), Applied Analysis of Variance in
 *     Behavioral Science, 297-344; G. Shieh (2020), "Power analysis and sample size planning
 *     in ANCOVA designs", Psychometrika 85:101-120 (the imbalance integral).
 *   Reference values: tests/ref/make_analytic_ref.R, make_power_ref.R and
 *   make_exact_analytic_ref.R.
 */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytic_impl.h" /* mscsim_analytic_hook: which analysis an exact method runs */
#include "internal.h"
#include "tolerance.h"
#include "model_util.h"
#include "mathlib.h"
#include "mscsim/analysis.h"
#include "mscsim/analytic.h"

/* Binomial tails below this are skipped in every sum (see METHOD): far below the ~1e-13
 * rounding of the sums themselves. */
#define TAIL_SKIP 1e-15

/* The exact enumerations run the analyses, which need a settings handle; they never
 * compute an interval, so its level is immaterial. */
#define UNUSED_CONF_LEVEL 0.95

/* The trapezoid rules of the exact t-test integrals (see METHOD): nodes per standard
 * deviation of log X (Welch's 2-D rule converges to 1e-11 with 4, ANCOVA's rule in log F
 * needs 8 for 1e-13: measured against 16), and the fewest and most nodes of a rule. */
#define QUAD_PER_SD_WELCH 4.0
#define QUAD_PER_SD_ANCOVA 8.0
#define QUAD_MIN_NODES 33
#define QUAD_MAX_NODES 400

/* Measured cost of one node (ns, -O2, 2026 x86-64): Welch's qt and two pnorm, ANCOVA's
 * noncentral t power (two pnt). */
#define NODE_NS_WELCH 1000.0
#define NODE_NS_ANCOVA 1200.0

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
 * t tests: exact integrals over the random variance terms
 * ====================================================================================== */

/* A quadrature rule for E g(X) over a positive variable X: nodes x[i], weights w[i] summing
 * to 1. */
typedef struct {
    int count;
    double x[QUAD_MAX_NODES], w[QUAD_MAX_NODES];
} quad_rule;

/* The variable of a rule: chi^2_df1 / df1 (df2 = 0) or F(df1, df2). */
static double rule_log_density(double x, double df1, double df2)
{
    return df2 > 0.0 ? df(x, df1, df2, 1) : dchisq(df1 * x, df1, 1) + log(df1);
}

static double rule_quantile(double p, int upper, double df1, double df2)
{
    if (!(df2 > 0.0))
        return qchisq(p, df1, !upper, 0) / df1;
    /* F = (df2 / df1) B / (1 - B), B ~ Beta(df1 / 2, df2 / 2): Rmath's qf goes through
     * 1 / qbeta(upper) - 1, which rounds a lower quantile of 1e-15 to 0. */
    double b = qbeta(p, df1 / 2.0, df2 / 2.0, !upper, 0);
    return df2 / df1 * b / (1.0 - b);
}

/* Nodes of rule_fill for chi^2_df1 / df1 (df2 = 0) or F(df1, df2); see METHOD. */
static int rule_nodes(double df1, double df2, double per_sd)
{
    double sd = sqrt(trigamma(df1 / 2.0) + (df2 > 0.0 ? trigamma(df2 / 2.0) : 0.0));
    double lo = log(rule_quantile(TAIL_SKIP, 0, df1, df2));
    double hi = log(rule_quantile(TAIL_SKIP, 1, df1, df2));
    double nodes = ceil((hi - lo) / sd * per_sd) + 1.0;
    return nodes < QUAD_MIN_NODES ? QUAD_MIN_NODES : nodes > QUAD_MAX_NODES ? QUAD_MAX_NODES
                                                                            : (int)nodes;
}

/* The trapezoid rule in t = log X between the TAIL_SKIP quantiles (see METHOD). */
static void rule_fill(quad_rule *r, double df1, double df2, double per_sd)
{
    double lo = log(rule_quantile(TAIL_SKIP, 0, df1, df2));
    double hi = log(rule_quantile(TAIL_SKIP, 1, df1, df2));
    r->count = rule_nodes(df1, df2, per_sd);
    double step = (hi - lo) / (r->count - 1), sum = 0.0;
    for (int i = 0; i < r->count; i++) {
        double t = lo + step * i;
        r->x[i] = exp(t);
        /* The density of t = log X is x f(x); the end nodes carry half weight. */
        r->w[i] = exp(t + rule_log_density(r->x[i], df1, df2)) *
                  (i == 0 || i == r->count - 1 ? 0.5 : 1.0);
        sum += r->w[i];
    }
    for (int i = 0; i < r->count; i++)
        r->w[i] /= sum;
}

/* The rule of a variance known without error: X = 1. */
static void rule_fixed(quad_rule *r)
{
    r->count = 1;
    r->x[0] = r->w[0] = 1.0;
}

SIM_API double mscsim_analytic_welch_exact_power(long n0, long n1, double delta, double sd0,
                                                    double sd1, double alpha, int sides)
{
    double approx = mscsim_analytic_welch_power(n0, n1, delta, sd0, sd1, alpha, sides);
    if (isnan(approx) || n0 < 2 || n1 < 2)
        return approx; /* invalid (NaN) or an arm the test cannot use (0) */
    const double sd[2] = {sd0, sd1}, n[2] = {(double)n0, (double)n1};
    quad_rule rule[2];
    for (int a = 0; a < 2; a++) {
        if (sd[a] > 0.0)
            rule_fill(&rule[a], n[a] - 1.0, 0.0, QUAD_PER_SD_WELCH);
        else
            rule_fixed(&rule[a]);
    }
    const double t0 = sd0 * sd0 / n[0], t1 = sd1 * sd1 / n[1], sigma = sqrt(t0 + t1);
    double power = 0.0;
    for (int i = 0; i < rule[0].count; i++) {
        double v0 = t0 * rule[0].x[i], inner = 0.0;
        for (int j = 0; j < rule[1].count; j++) {
            /* Given the sample variances the mean difference is still N(delta, sigma^2):
             * the test rejects beyond q(df) times the estimated SE. */
            double v1 = t1 * rule[1].x[j], v = v0 + v1;
            double df = v * v / (v0 * v0 / (n[0] - 1.0) + v1 * v1 / (n[1] - 1.0));
            double c = qt(alpha / sides, df, 0, 0) * sqrt(v);
            double p = phi((delta - c) / sigma);
            if (sides == 2)
                p += phi((-c - delta) / sigma);
            inner += rule[1].w[j] * p;
        }
        power += rule[0].w[i] * inner;
    }
    return power;
}

SIM_API double mscsim_analytic_ancova_exact_power(long n0, long n1, double delta,
                                                     double sd_residual, int covariates,
                                                     double alpha, int sides)
{
    double approx =
        mscsim_analytic_ancova_power(n0, n1, delta, sd_residual, covariates, alpha, sides);
    if (isnan(approx) || n0 + n1 <= (long)covariates + 2)
        return approx; /* invalid (NaN) or a size the fit cannot use (0) */
    const double K = covariates, m = (double)(n0 + n1 - 2), df = m - K;
    const double h = 1.0 / (double)n0 + 1.0 / (double)n1;
    quad_rule rule;
    rule_fill(&rule, K, m - K + 1.0, QUAD_PER_SD_ANCOVA);
    double power = 0.0;
    for (int i = 0; i < rule.count; i++) {
        /* The imbalance term D' W^-1 D = K F / (m - K + 1) inflates the variance of the arm
         * coefficient by its factor 1 + D' W^-1 D. */
        double imbalance = K * rule.x[i] / (m - K + 1.0);
        double ncp = delta / (sd_residual * sqrt(h * (1.0 + imbalance)));
        power += rule.w[i] * mscsim_analytic_nct_power(ncp, df, alpha, sides);
    }
    return power;
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
/* The normal approximation of two proportions' tests: the statistic's SE under H0 pooled
 * (Fleiss) or not (Wald), and with continuity correction (cc = 1) the difference shrunk by
 * (1/n0 + 1/n1) / 2 (Yates), which approximates Fisher's exact test (Fleiss, Tytun & Ury
 * 1980). */
static double proportions_power_cc(long n0, long n1, double p0, double p1, double alpha,
                                   int sides, int pooled, int cc)
{
    if (!valid_proportions(n0, n1, p0, p1, alpha, sides))
        return NAN;
    if (n0 < 1 || n1 < 1)
        return 0.0;
    double s1 = se_unpooled(n0, n1, p0, p1), d = p1 - p0, z = z_crit(alpha, sides), s0 = s1;
    double shrink = cc ? 0.5 * (1.0 / (double)n0 + 1.0 / (double)n1) : 0.0;
    if (pooled) {
        double pbar = ((double)n0 * p0 + (double)n1 * p1) / (double)(n0 + n1);
        s0 = sqrt(pbar * (1.0 - pbar) * (1.0 / (double)n0 + 1.0 / (double)n1));
    }
    double near = (sides == 1 ? d : fabs(d)) - shrink - z * s0;
    if (!(s1 > 0.0))
        return near > 0.0 ? 1.0 : 0.0;
    return sides == 1 ? phi(near / s1) : phi(near / s1) + phi((-fabs(d) - shrink - z * s0) / s1);
}

static double proportions_power(long n0, long n1, double p0, double p1, double alpha, int sides,
                                int pooled)
{
    return proportions_power_cc(n0, n1, p0, p1, alpha, sides, pooled, 0);
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
    if (!sim_sums_to_one(sum)) /* as [control] probs must; then renormalised */
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

/* 1 when type decides from the event counts alone (the arm statistics n and sum_y), so a
 * table is all it needs. */
static int counts_only(const mscsim_analysis_type *type)
{
    return type && type->analytic && type->analytic->counts_only;
}

/* Opens ctx for type (counts_only) and arm-1 sizes up to max_n1; on failure nothing is
 * left to free. */
static int exact_open(exact_ctx *ctx, const mscsim_analysis_type *type, double alpha,
                      int sides, long max_n1, mscsim_error *err)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->type = type;
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
    const mscsim_analysis_type *type = mscsim_analysis_find(analysis);
    if (!counts_only(type))
        return sim_error_set(err, MSCSIM_EINVAL,
                                "exact power: analysis '%s' does not decide from the event "
                                "counts alone", analysis ? analysis : "(null)");
    exact_ctx ctx;
    int status = exact_open(&ctx, type, alpha, sides, n1, err);
    if (status != MSCSIM_OK)
        return status;
    *power = exact_power(&ctx, n0, n1, p0, p1);
    exact_close(&ctx);
    return MSCSIM_OK;
}

/* ======================================================================================
 * Designs: dropout mixture and sample size
 * ====================================================================================== */

/* The exact enumerations of binary tables. */
static int is_enumeration(mscsim_analytic_method m)
{
    return m == MSCSIM_ANALYTIC_EXACT_CHISQ || m == MSCSIM_ANALYTIC_EXACT_RD_Z ||
           m == MSCSIM_ANALYTIC_EXACT_FISHER;
}

/* The exact integrals of the t tests. */
static int is_integral(mscsim_analytic_method m)
{
    return m == MSCSIM_ANALYTIC_EXACT_WELCH || m == MSCSIM_ANALYTIC_EXACT_ANCOVA;
}

/* The methods with a cost bound: beyond it, their approximation. */
static int is_exact(mscsim_analytic_method m)
{
    return is_enumeration(m) || is_integral(m);
}

/* The analysis whose tables exact method m enumerates, or NULL. */
static const mscsim_analysis_type *exact_analysis(mscsim_analytic_method m)
{
    for (const mscsim_analysis_type *const *t = mscsim_analysis_list(); *t; t++)
        if (counts_only(*t) && (*t)->analytic->exact == m)
            return *t;
    return NULL;
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
    case MSCSIM_ANALYTIC_EXACT_WELCH:
        return mscsim_analytic_welch_exact_power(m0, m1, d->delta, d->sd[0], d->sd[1], d->alpha,
                                                 d->sides);
    case MSCSIM_ANALYTIC_EXACT_ANCOVA:
        return d->sd[0] == d->sd[1]
                   ? mscsim_analytic_ancova_exact_power(m0, m1, d->delta, d->sd[0],
                                                        d->covariates, d->alpha, d->sides)
                   : (double)NAN;
    }
    return NAN;
}

/* Rough cost of one table decided by the analysis in an exact enumeration (ns): fisher sums
 * hypergeometric tails, the others evaluate a closed form. */
static double table_ns(mscsim_analytic_method m)
{
    return m == MSCSIM_ANALYTIC_EXACT_FISHER ? 1000.0 : 30.0;
}

/* Rough cost of one node of an exact integral (ns): Welch's a qt, ANCOVA's two pnt. */
static double node_ns(mscsim_analytic_method m)
{
    return m == MSCSIM_ANALYTIC_EXACT_WELCH ? NODE_NS_WELCH : NODE_NS_ANCOVA;
}

/* Sizes of the binomial's range binom_range enumerates. */
static double range_size(long n, double p)
{
    long lo, hi;
    binom_range(n, p, &lo, &hi);
    return (double)(hi - lo + 1);
}

/* Nodes of the exact integral of method m at analysed sizes n0, n1 (>= 2 each). */
static double integral_nodes(const mscsim_analytic_design *d, long n0, long n1)
{
    if (d->method == MSCSIM_ANALYTIC_EXACT_ANCOVA)
        return n0 + n1 > (long)d->covariates + 2
                   ? rule_nodes(d->covariates, (double)(n0 + n1 - 1 - d->covariates),
                                QUAD_PER_SD_ANCOVA)
                   : 0.0;
    if (n0 < 2 || n1 < 2)
        return 0.0;
    return (d->sd[0] > 0.0 ? rule_nodes((double)(n0 - 1), 0.0, QUAD_PER_SD_WELCH) : 1.0) *
           (d->sd[1] > 0.0 ? rule_nodes((double)(n1 - 1), 0.0, QUAD_PER_SD_WELCH) : 1.0);
}

SIM_API double mscsim_analytic_design_cost(const mscsim_analytic_design *d, long n0, long n1)
{
    if (!d || n0 < 0 || n1 < 0 || !is_exact(d->method))
        return 0.0;
    double sizes = range_size(n0, 1.0 - d->dropout[0]) * range_size(n1, 1.0 - d->dropout[1]);
    if (is_integral(d->method)) /* the rule at the expected analysed sizes */
        return sizes * node_ns(d->method) * 1e-9 *
               integral_nodes(d, (long)lround((double)n0 * (1.0 - d->dropout[0])),
                              (long)lround((double)n1 * (1.0 - d->dropout[1])));
    double tables = range_size(n0, d->p[0]) * range_size(n1, d->p[1]);
    return sizes * tables * table_ns(d->method) * 1e-9;
}

SIM_API int mscsim_analytic_design_approximates(const mscsim_analytic_design *d, long n0, long n1)
{
    return mscsim_analytic_design_cost(d, n0, n1) > MSCSIM_ANALYTIC_BUDGET_SECONDS;
}

SIM_API mscsim_analytic_formula mscsim_analytic_design_formula(const mscsim_analytic_design *d,
                                                                  long n0, long n1)
{
    if (d && is_exact(d->method) && mscsim_analytic_design_approximates(d, n0, n1))
        return MSCSIM_ANALYTIC_FORMULA_COST_FALLBACK;
    if (d && is_enumeration(d->method))
        return MSCSIM_ANALYTIC_FORMULA_ENUMERATION;
    if (d && is_integral(d->method))
        return MSCSIM_ANALYTIC_FORMULA_INTEGRAL;
    return d && d->method == MSCSIM_ANALYTIC_STUDENT ? MSCSIM_ANALYTIC_FORMULA_EXACT
                                                     : MSCSIM_ANALYTIC_FORMULA_APPROXIMATION;
}

/* The name of the approximation method m is or falls back to. */
static const char *approximation_name(mscsim_analytic_method m)
{
    switch (m) {
    case MSCSIM_ANALYTIC_WELCH:
    case MSCSIM_ANALYTIC_EXACT_WELCH:
        return "Welch-Satterthwaite approximation";
    case MSCSIM_ANALYTIC_ANCOVA:
    case MSCSIM_ANALYTIC_EXACT_ANCOVA:
        return "approximation ignoring the covariates' chance imbalance";
    case MSCSIM_ANALYTIC_WHITEHEAD:
        return "large-sample approximation";
    default:
        return "normal approximation";
    }
}

SIM_API void mscsim_analytic_design_describe(const mscsim_analytic_design *d, long n0, long n1,
                                                char *buf, size_t len)
{
    if (!buf || len == 0)
        return;
    if (!d) {
        snprintf(buf, len, "no design");
        return;
    }
    switch (mscsim_analytic_design_formula(d, n0, n1)) {
    case MSCSIM_ANALYTIC_FORMULA_EXACT:
        snprintf(buf, len, "exact closed form");
        break;
    case MSCSIM_ANALYTIC_FORMULA_ENUMERATION:
        snprintf(buf, len, "exact enumeration");
        break;
    case MSCSIM_ANALYTIC_FORMULA_INTEGRAL:
        snprintf(buf, len, "exact integral");
        break;
    case MSCSIM_ANALYTIC_FORMULA_COST_FALLBACK:
        snprintf(buf, len, "%s: the exact %s would take at least %.2g s",
                 approximation_name(d->method),
                 is_enumeration(d->method) ? "enumeration" : "integral",
                 mscsim_analytic_design_cost(d, n0, n1));
        break;
    case MSCSIM_ANALYTIC_FORMULA_APPROXIMATION:
        snprintf(buf, len, "%s", approximation_name(d->method));
        break;
    }
}

/* The approximation an exact method falls back to beyond the budget. */
static double approximate_power(const mscsim_analytic_design *d, long m0, long m1)
{
    if (is_integral(d->method)) {
        mscsim_analytic_design a = *d;
        a.method = d->method == MSCSIM_ANALYTIC_EXACT_WELCH ? MSCSIM_ANALYTIC_WELCH
                                                            : MSCSIM_ANALYTIC_ANCOVA;
        return analysed_power(&a, NULL, m0, m1);
    }
    int fisher = d->method == MSCSIM_ANALYTIC_EXACT_FISHER;
    return proportions_power_cc(m0, m1, d->p[0], d->p[1], d->alpha, d->sides,
                                d->method != MSCSIM_ANALYTIC_EXACT_RD_Z, fisher);
}

SIM_API double mscsim_analytic_design_power(const mscsim_analytic_design *d, long n0, long n1)
{
    if (!d || n0 < 0 || n1 < 0)
        return NAN;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
        if (!(d->dropout[a] >= 0.0 && d->dropout[a] < 1.0))
            return NAN;
    exact_ctx ctx;
    int approximate = is_exact(d->method) && mscsim_analytic_design_approximates(d, n0, n1);
    int exact = is_enumeration(d->method) && !approximate;
    if (exact) {
        const mscsim_analysis_type *type = exact_analysis(d->method);
        if (!type || !valid_proportions(n0, n1, d->p[0], d->p[1], d->alpha, d->sides) ||
            exact_open(&ctx, type, d->alpha, d->sides, n1, NULL) != MSCSIM_OK)
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
                     (approximate ? approximate_power(d, m0, m1)
                                  : analysed_power(d, exact ? &ctx : NULL, m0, m1));
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
    double p, scanned = 0.0; /* estimated seconds of the exact scan so far */
    int scan = is_enumeration(d->method);
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
        /* Exact powers saw-tooth: only a scan finds the first k reaching the target; once the
         * scan has cost its budget, doubling and bisection take over (they treat the power as
         * monotone, which it is to within the saw-tooth). */
        scanned += mscsim_analytic_design_cost(d, hi * alloc_control, hi * alloc_msc);
        scan = scan && scanned <= MSCSIM_ANALYTIC_SCAN_SECONDS;
        hi = scan ? hi + 1 : (hi > kmax / 2 ? kmax : 2 * hi);
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
