/*
 * Tests of multiple imputation and Rubin's rules (sim/trial/impute.h, sim/trial/impute.c).
 *
 * 1. Fits vs R: each visit's regression on fixed data (n = 40, 3 visits, monotone
 *    dropout) equals R's lm() to FIT_TOL relative: coefficients, residual SD, n_obs.
 * 2. Posterior draws: over N_DRAWS draws with the fixed data, the mean of beta is
 *    beta_hat, E[(beta - beta_hat)(beta - beta_hat)'] = E[sigma^2] (X'X)^-1 and
 *    E[sigma^2] = SSE / (nu - 2); imputed values of patients missing only at the last
 *    visit have mean x' beta_hat and variance E[sigma^2] (1 + x' (X'X)^-1 x). Bounds:
 *    K_MCSE Monte Carlo standard errors from the exact moments (below).
 * 3. Draw order: a manual replay with sim_impute_draw and mscsim_rnorm_std reproduces
 *    sim_impute_monotone and leaves the generator in the same state.
 * 4. Rubin's rules: hand-computed values and R's (mice::pool formulas written out).
 * 5. End-to-end MAR: bivariate normal (x, y), rho = 0.7, n = 200, y missing with
 *    P = plogis(a + 1.5 x) (40 %), m = 20 imputations, N_SETS data sets: the pooled mean
 *    is unbiased and its 95 % interval covers within K_E2E MCSE; the complete-case mean
 *    is biased by the amount the design predicts.
 * 6. Errors: non-monotone or non-finite input (EINVAL, nothing written), too few
 *    observed and singular designs (ERANGE, later visits untouched), observed cells never
 *    written.
 * 7. Reference-based imputation (sim/trial/impute_reference.c) against an independent R
 *    implementation (tests/ref/make_refmi_ref.R, refmi_*.csv, 50 + 50 patients x 3
 *    visits): each arm's joint normal model at the estimates and every msc patient's
 *    conditional mean and covariance under each method exactly (REFMI_TOL), then the mean
 *    and variance over imputations of the completed visit-3 mean difference within
 *    K_MCSE Monte Carlo SEs of R's (both from 20000 imputations).
 * Reference values come from `Rscript tests/ref/make_impute_ref.R` (R 4.2.2, base R),
 * which prints the blocks pasted below. Everything is deterministic (fixed seeds); no
 * check is retried with another seed.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "impute.h"
#include "mscsim/config.h"
#include "ref_table.h"
#include "mathlib.h"
#include "mscsim/dist.h"
#include "mscsim/error.h"
#include "mscsim/rng.h"

/* Agreement with lm (both are QR least squares on the same doubles; the
 * observed differences are ~1e-15 relative). */
#define FIT_TOL 1e-9
/* Manual replay vs the library: the same draws combined in a different order (centred
 * vs uncentred linear predictor), ~1e-14 relative on scores ~20. */
#define REPLAY_TOL 1e-12
/* Distribution checks: the two-sided normal tail beyond 5 MCSE is 5.7e-7 per check, as in
 * tests/test_dist.c, so ~30 simultaneous checks stay below 2e-5 family-wise. */
#define K_MCSE 5.0
/* End-to-end checks: 3 MCSE (0.27 % per check for a random seed). */
#define K_E2E 3.0

#define N_DRAWS 200000   /* posterior draws of visit 2's parameters */
#define N_IMPUTE 100000  /* full imputations of the fixed data */
#define N_SETS 2000      /* MAR data sets */
#define N_E2E 200        /* patients per MAR data set */
#define M_IMP 20         /* imputations per MAR data set */
#define SEED UINT64_C(20240615)

/* {==================================================================================
 * Fixed data and R's results (Rscript tests/ref/make_impute_ref.R)
 * =================================================================================== */

#define N_FIX 40
#define V_FIX 3

/* Block 1 of make_impute_ref.R: baseline, visits 0-2, dropout visit (3 = complete). */
static const struct {
    double base, s[V_FIX];
    int dropout;
} fixed[N_FIX] = {
    {16.27, {15.69, 19.66, 19.37}, 3},
    {22.81, {22.26, 21.39, 20.43}, 2},
    {22.08, {21.85, 23.62, 23.13}, 0},
    {20.59, {21.48, 21.63, 21.73}, 3},
    {30.50, {25.23, 23.38, 25.32}, 1},
    {27.16, {27.87, 25.27, 29.08}, 3},
    {15.96, {20.86, 17.72, 21.05}, 3},
    {17.42, {17.68, 15.69, 16.68}, 2},
    {22.40, {22.75, 23.81, 24.26}, 3},
    {25.07, {24.83, 21.88, 21.67}, 3},
    {22.69, {21.43, 18.96, 22.54}, 1},
    {18.60, {17.65, 22.90, 20.83}, 3},
    {23.63, {21.69, 23.45, 20.81}, 3},
    {21.90, {18.51, 18.07, 17.36}, 2},
    {20.24, {14.95, 17.06, 17.00}, 3},
    {20.69, {21.35, 23.49, 24.90}, 3},
    {12.93, {17.46, 18.66, 20.34}, 0},
    {21.01, {24.50, 27.73, 23.76}, 3},
    {17.29, {20.99, 13.18, 17.51}, 3},
    {16.74, {19.39, 22.76, 20.16}, 2},
    {16.58, {18.03, 17.31, 19.16}, 3},
    {16.05, {16.18, 17.80, 17.90}, 1},
    {11.53, {8.58, 9.32, 7.80}, 3},
    {23.77, {26.90, 29.47, 29.01}, 3},
    {15.68, {14.90, 17.18, 16.69}, 3},
    {22.48, {21.67, 24.45, 25.00}, 2},
    {12.75, {14.38, 17.44, 15.08}, 3},
    {15.19, {18.61, 15.04, 17.07}, 3},
    {7.47, {7.49, 10.42, 9.22}, 0},
    {22.79, {22.04, 22.75, 24.10}, 3},
    {18.02, {19.20, 20.99, 19.76}, 1},
    {28.88, {20.95, 20.45, 24.41}, 3},
    {22.36, {17.35, 23.20, 21.42}, 2},
    {20.39, {15.96, 16.02, 16.27}, 3},
    {15.13, {18.05, 21.59, 16.20}, 3},
    {15.89, {15.60, 19.74, 14.89}, 0},
    {14.99, {14.84, 15.55, 18.18}, 3},
    {25.10, {27.40, 26.42, 25.63}, 1},
    {9.65, {14.18, 7.35, 11.68}, 3},
    {22.41, {26.85, 28.33, 29.84}, 3},
};

/* Block 2: lm(s_v ~ baseline + s_0 + ... + s_{v-1}, subset = dropout > v): n_obs,
 * summary(fit)$sigma, coef() (intercept, baseline, visits 0..v-1). */
static const struct {
    size_t n_obs;
    double sigma, coef[2 + V_FIX - 1];
} lm_ref[V_FIX] = {
    {36, 2.8128934824758223, {5.6916286841711257, 0.71395982674311542}},
    {31, 3.1219709360792778, {0.47511586666535183, 0.31188396040939792, 0.69096474682399922}},
    {25, 1.7458034003402245,
     {-0.71356394223062414, 0.17317828098673388, 0.53312386243952381, 0.36678986337630848}},
};

/* Block 3: visit 2's SSE and (X'X)^-1 = summary(fit)$cov.unscaled. */
#define P2 4
static const double sse2 = 64.004419765429304;
static const double xtxi2[P2][P2] = {
    {0.81030452392459684, -0.016237060549296849, -0.022015378416230622, -0.0014586259858492239},
    {-0.016237060549296849, 0.0048404837260630764, -0.002614038699415718, -0.0012773311723179193},
    {-0.022015378416230622, -0.002614038699415718, 0.0068436195083658603, -0.0031157726731684144},
    {-0.0014586259858492239, -0.0012773311723179193, -0.0031157726731684144, 0.004380925702681256},
};
/* Block 3: patients missing only at visit 2 (0-based index), x' beta_hat and the leverage
 * h = x' (X'X)^-1 x. */
static const struct {
    size_t i;
    double mean, h;
} pred_ref[] = {
    {1, 22.949605002599814, 0.072918582352760358},
    {7, 17.483764556863338, 0.069881800944073674},
    {13, 19.575055936344327, 0.11361935440431933},
    {19, 20.87084946463445, 0.12498849395676792},
    {25, 23.700290072966379, 0.080952052234882554},
    {32, 20.917926264288841, 0.22896736738883122},
};
#define N_PRED (sizeof pred_ref / sizeof pred_ref[0])

/* Block 4: Rubin's rules as mice::pool computes them (see the script): m, dfcom, q, u,
 * qbar, T, df. */
#define RUBIN_MAX_M 20
static const struct {
    int m;
    double dfcom, q[RUBIN_MAX_M], u[RUBIN_MAX_M], qbar, t, df;
} rubin_ref[] = {
    {3, INFINITY, {1, 2, 3}, {1, 1, 1}, 2, 2.333333333333333, 6.1249999999999982},
    {3, 10, {1, 2, 3}, {1, 1, 1}, 2, 2.333333333333333, 2.2777856036061412},
    {5, INFINITY, {2.9197984634275786, 3.4753096557162482, 3.0697857334008343, 3.2416826250628326, 2.9774643336306577}, {0.024689262337051335, 0.021007803804241124, 0.0075761405074390165, 0.0076729941275486928, 0.012058905019918824}, 3.1368081622476303, 0.075368296689260941, 6.1531550858758237},
    {20, 50, {-1.073396181778697, -1.0998007820731808, -1.0587255119258769, -1.0471129996336732, -1.0389516486729191, -0.96930215448518364, -1.0251377439406733, -1.0394825733453668, -0.97003938094822661, -1.0193743365091328, -1.0151759535545026, -0.99966927470852851, -0.97908948887747316, -1.0956879825284567, -0.97950033449925022, -1.0468431599043853, -0.94586580143825294, -0.96431629900247839, -0.96359655529668675, -1.0624432060682016}, {0.011892280906904489, 0.017703620821703226, 0.013773568451870234, 0.013111525068525226, 0.013343224320560693, 0.016066761477850376, 0.011756491041742265, 0.016175208727363496, 0.019422324758488686, 0.012484358488582075, 0.011033312750514597, 0.019058692057151348, 0.0189961003116332, 0.012390121787320824, 0.01508906421251595, 0.012479010461829603, 0.014673760347068311, 0.018494660616852343, 0.010859123338013888, 0.015074051131960005}, -1.0196755684595573, 0.01696312898434648, 40.10255449488762},
    {20, 199, {10.635821956207995, 8.8539079444172994, 12.454633654359515, 11.874871582221539, 11.47775626141169, 10.796752741829582, 8.8001336678671649, 10.013605620612793, 11.744460444017545, 11.302320636451221, 9.5167726421577807, 11.881235582378805, 7.8583140672319098, 10.146594671078839, 9.774407080403325, 9.4723343054018763, 9.8572162744642355, 9.7552722838981705, 12.514716248555494, 10.413960519299357}, {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5}, 10.457254409213308, 2.2330408300556286, 18.393213182445251},
    {4, 30, {4, 4, 4, 4}, {0.20000000000000001, 0.29999999999999999, 0.10000000000000001, 0.20000000000000001}, 4, 0.20000000000000001, 30},
};
/* Pooled values agree with R's to rounding; the formulas are evaluated in a slightly
 * different order (1 / (1/nu_old + 1/nu_obs) vs nu_old nu_obs / (nu_old + nu_obs)). */
#define RUBIN_TOL 1e-12

/* Block 5: the MAR design. a solves E[plogis(a + 1.5 X)] = 0.4 for X ~ N(0, 1); the
 * complete-case mean of y is biased by rho E[X | observed]. */
#define MAR_A (-0.57234012838898851)
#define MAR_SLOPE 1.5
#define MAR_RHO 0.7
#define MAR_MU 10.0
#define MAR_CC_BIAS (-0.29881735670809556)

/* {==================================================================================
 * Helpers
 * =================================================================================== */

static void load_fixed(double *base, double *score, unsigned char *obs)
{
    for (size_t i = 0; i < N_FIX; i++) {
        base[i] = fixed[i].base;
        for (int v = 0; v < V_FIX; v++) {
            score[i * V_FIX + (size_t)v] = fixed[i].s[v];
            obs[i * V_FIX + (size_t)v] = v < fixed[i].dropout;
        }
    }
}

/* Relative agreement |got - want| <= tol |want|. */
static void rel_check(double got, double want, double tol, const char *what)
{
    CHECK(fabs(got - want) <= tol * fabs(want), "%s: got %.17g want %.17g (rel tol %g)", what,
          got, want, tol);
}

/* A Monte Carlo estimate within k standard errors of its exact expectation. */
static void mcse_check(double got, double want, double mcse, double k, const char *what)
{
    CHECK(fabs(got - want) <= k * mcse, "%s: got %.8g want %.8g, %.2f MCSE (limit %g)", what,
          got, want, (got - want) / mcse, k);
}

/* Moments of sigma^2 = SSE / chi^2(nu): E = SSE / (nu - 2), E[sigma^4] = SSE^2 / ((nu -
 * 2)(nu - 4)) (inverse chi-square moments). */
static double e_sigma2(double sse, double nu) { return sse / (nu - 2.0); }
static double e_sigma4(double sse, double nu) { return sse * sse / ((nu - 2.0) * (nu - 4.0)); }

/* {==================================================================================
 * 1. Fits vs lm
 * =================================================================================== */

static void test_fit_vs_lm(double *work)
{
    double base[N_FIX], score[N_FIX * V_FIX];
    unsigned char obs[N_FIX * V_FIX];
    load_fixed(base, score, obs);
    for (int v = 0; v < V_FIX; v++) {
        double beta[2 + V_FIX], sigma = NAN;
        size_t n_obs = 0;
        int rc = sim_impute_fit(base, score, obs, N_FIX, V_FIX, v, work, beta, &sigma, &n_obs);
        INT_EQ(rc, MSCSIM_OK, "fit visit %d", v);
        INT_EQ(n_obs, lm_ref[v].n_obs, "visit %d n_obs (lm)", v);
        char what[96];
        snprintf(what, sizeof what, "visit %d sigma_hat vs lm", v);
        rel_check(sigma, lm_ref[v].sigma, FIT_TOL, what);
        for (int j = 0; j < 2 + v; j++) {
            snprintf(what, sizeof what, "visit %d coefficient %d vs lm", v, j);
            rel_check(beta[j], lm_ref[v].coef[j], FIT_TOL, what);
        }
    }
    /* A common offset on every score and the baseline: lm's coefficients are unchanged
     * except the intercept (shifted by 1000 (1 - sum of slopes)); centring keeps them. */
    const double off = 1000.0;
    for (size_t i = 0; i < N_FIX; i++) {
        base[i] += off;
        for (int v = 0; v < V_FIX; v++)
            score[i * V_FIX + (size_t)v] += off;
    }
    double beta[2 + V_FIX], sigma = NAN;
    int rc = sim_impute_fit(base, score, obs, N_FIX, V_FIX, 2, work, beta, &sigma, NULL);
    INT_EQ(rc, MSCSIM_OK, "fit visit 2 with offset 1000");
    /* The data themselves move by up to ulp(1000) / 2 = 5.7e-14 when shifted, i.e. a
     * relative 3e-15 of the spread; 1e-9 remains far above that. */
    rel_check(sigma, lm_ref[2].sigma, FIT_TOL, "offset 1000: sigma_hat unchanged");
    double slope_sum = 0.0;
    for (int j = 1; j < 4; j++) {
        rel_check(beta[j], lm_ref[2].coef[j], FIT_TOL, "offset 1000: slope unchanged");
        slope_sum += lm_ref[2].coef[j];
    }
    ABS_EQ(beta[0], lm_ref[2].coef[0] + off * (1.0 - slope_sum), 1e-9 * off,
           "offset 1000: intercept shifted by 1000 (1 - sum of slopes)");
}

/* {==================================================================================
 * 2. Distribution of the draws
 * =================================================================================== */

static void test_draw_distribution(double *work)
{
    double base[N_FIX], score[N_FIX * V_FIX];
    unsigned char obs[N_FIX * V_FIX];
    load_fixed(base, score, obs);
    const double *bh = lm_ref[2].coef;
    const double nu = (double)lm_ref[2].n_obs - P2;
    const double es2 = e_sigma2(sse2, nu), es4 = e_sigma4(sse2, nu);

    mscsim_rng rng;
    mscsim_rng_seed(&rng, SEED, 1);
    double m1[P2] = {0}, m2[P2][P2] = {{0}}, s2sum = 0.0;
    int bad = 0;
    for (long d = 0; d < N_DRAWS; d++) {
        double beta[P2], sigma;
        if (sim_impute_draw(base, score, obs, N_FIX, V_FIX, 2, &rng, work, beta, &sigma) !=
            MSCSIM_OK)
            bad++;
        for (int j = 0; j < P2; j++) {
            double dj = beta[j] - bh[j];
            m1[j] += dj;
            for (int l = 0; l <= j; l++)
                m2[j][l] += dj * (beta[l] - bh[l]);
        }
        s2sum += sigma * sigma;
    }
    INT_EQ(bad, 0, "every draw of visit 2 succeeds");
    const double nd = (double)N_DRAWS;
    char what[128];
    for (int j = 0; j < P2; j++) {
        snprintf(what, sizeof what, "mean of drawn beta[%d] - beta_hat", j);
        mcse_check(m1[j] / nd, 0.0, sqrt(es2 * xtxi2[j][j] / nd), K_MCSE, what);
        for (int l = 0; l <= j; l++) {
            /* (beta - beta_hat) = sigma u, u ~ N(0, C) independent of sigma:
             * Var(sigma^2 u_j u_l) = E[sigma^4] (C_jj C_ll + 2 C_jl^2) - (E[sigma^2] C_jl)^2. */
            double c = xtxi2[j][l];
            double var = es4 * (xtxi2[j][j] * xtxi2[l][l] + 2.0 * c * c) - es2 * es2 * c * c;
            snprintf(what, sizeof what, "E[(beta - beta_hat)_%d (beta - beta_hat)_%d] = "
                     "E[sigma^2] (X'X)^-1[%d,%d]", j, l, j, l);
            mcse_check(m2[j][l] / nd, es2 * c, sqrt(var / nd), K_MCSE, what);
        }
    }
    mcse_check(s2sum / nd, es2, sqrt((es4 - es2 * es2) / nd), K_MCSE,
               "mean of drawn sigma^2 = SSE / (nu - 2)");

    /* Imputed values at visit 2 of patients whose visits 0-1 are observed: posterior
     * predictive y = x' beta + sigma e, mean x' beta_hat, variance E[sigma^2] (1 + h);
     * y - mean = sigma g, g ~ N(0, 1 + h), so E[(y - mean)^4] = 3 E[sigma^4] (1 + h)^2. */
    double sum[N_PRED] = {0}, sum2[N_PRED] = {0};
    double orig[N_FIX * V_FIX];
    memcpy(orig, score, sizeof orig);
    int fails = 0, touched = 0;
    for (long r = 0; r < N_IMPUTE; r++) {
        if (sim_impute_monotone(base, score, obs, N_FIX, V_FIX, V_FIX - 1, &rng, work) !=
            MSCSIM_OK)
            fails++;
        for (size_t k = 0; k < N_PRED; k++) {
            double dev = score[pred_ref[k].i * V_FIX + 2] - pred_ref[k].mean;
            sum[k] += dev;
            sum2[k] += dev * dev;
        }
        for (size_t c = 0; c < N_FIX * V_FIX; c++)
            if (obs[c] && memcmp(&score[c], &orig[c], sizeof(double)) != 0)
                touched++;
    }
    INT_EQ(fails, 0, "every imputation of the fixed data succeeds");
    INT_EQ(touched, 0, "observed cells are never written (%d imputations)", N_IMPUTE);
    const double ni = (double)N_IMPUTE;
    for (size_t k = 0; k < N_PRED; k++) {
        double v = es2 * (1.0 + pred_ref[k].h);
        double v4 = 3.0 * es4 * (1.0 + pred_ref[k].h) * (1.0 + pred_ref[k].h);
        snprintf(what, sizeof what, "patient %zu: mean imputed - x' beta_hat", pred_ref[k].i);
        mcse_check(sum[k] / ni, 0.0, sqrt(v / ni), K_MCSE, what);
        snprintf(what, sizeof what, "patient %zu: variance of imputed = E[sigma^2] (1 + h)",
                 pred_ref[k].i);
        mcse_check(sum2[k] / ni, v, sqrt((v4 - v * v) / ni), K_MCSE, what);
    }
}

/* {==================================================================================
 * 3. Draw order
 * =================================================================================== */

static void test_draw_order(double *work)
{
    double base[N_FIX], score[N_FIX * V_FIX], replay[N_FIX * V_FIX];
    unsigned char obs[N_FIX * V_FIX];
    load_fixed(base, score, obs);
    memcpy(replay, score, sizeof replay);
    mscsim_rng rng, r2;
    mscsim_rng_seed(&rng, SEED, 3);
    r2 = rng;
    INT_EQ(sim_impute_monotone(base, score, obs, N_FIX, V_FIX, V_FIX - 1, &rng, work),
           MSCSIM_OK, "imputation for the replay");
    /* Per visit: chi-square and p normals (inside sim_impute_draw), then one normal per
     * missing patient in patient order, x_i holding the earlier visits as imputed. */
    for (int v = 0; v < V_FIX; v++) {
        double beta[2 + V_FIX], sigma;
        INT_EQ(sim_impute_draw(base, replay, obs, N_FIX, V_FIX, v, &r2, work, beta, &sigma),
               MSCSIM_OK, "replay draw visit %d", v);
        for (size_t i = 0; i < N_FIX; i++) {
            if (obs[i * V_FIX + (size_t)v])
                continue;
            double pred = beta[0] + beta[1] * base[i];
            for (int j = 0; j < v; j++)
                pred += beta[2 + j] * replay[i * V_FIX + (size_t)j];
            replay[i * V_FIX + (size_t)v] = pred + sigma * mscsim_rnorm_std(&r2);
        }
    }
    double worst = 0.0;
    for (size_t c = 0; c < N_FIX * V_FIX; c++)
        worst = fmax(worst, fabs(replay[c] - score[c]) / fabs(score[c]));
    CHECK(worst <= REPLAY_TOL, "manual replay reproduces every score (max rel diff %.3g)", worst);
    CHECK(rng.state == r2.state && rng.inc == r2.inc,
          "replay consumes exactly the generator's draws");

    /* The same seed gives the same imputation. */
    double again[N_FIX * V_FIX];
    load_fixed(base, again, obs);
    mscsim_rng_seed(&rng, SEED, 3);
    sim_impute_monotone(base, again, obs, N_FIX, V_FIX, V_FIX - 1, &rng, work);
    CHECK(memcmp(again, score, sizeof again) == 0, "same seed, bit-identical imputation");
}

/* {==================================================================================
 * 4. Rubin's rules
 * =================================================================================== */

static void test_rubin(void)
{
    double q, t, df;
    const double est[] = {1, 2, 3}, var[] = {1, 1, 1};
    /* By hand: qbar = 2, ubar = 1, b = 1, T = 1 + 4/3 = 7/3, lambda = 4/7;
     * nu_old = 2 / (4/7)^2 = 49/8; dfcom = 10: nu_obs = (11/13) 10 (3/7) = 330/91,
     * df = 1 / (8/49 + 91/330) = 16170/7099. */
    sim_rubin_pool(est, var, 3, INFINITY, &q, &t, &df);
    rel_check(q, 2.0, 4 * DBL_EPSILON, "hand: qbar");
    rel_check(t, 7.0 / 3.0, 4 * DBL_EPSILON, "hand: T = 7/3");
    rel_check(df, 49.0 / 8.0, 8 * DBL_EPSILON, "hand: classic Rubin df = 49/8");
    sim_rubin_pool(est, var, 3, 10.0, &q, &t, &df);
    rel_check(df, 16170.0 / 7099.0, 8 * DBL_EPSILON, "hand: Barnard-Rubin df = 16170/7099");
    CHECK(df <= fmin(49.0 / 8.0, 330.0 / 91.0), "Barnard-Rubin df <= min(nu_old, nu_obs)");
    const double same[] = {5, 5};
    sim_rubin_pool(same, var, 2, INFINITY, &q, &t, &df);
    CHECK(q == 5.0 && t == 1.0 && isinf(df), "b = 0, dfcom Inf: df = Inf, T = ubar");
    sim_rubin_pool(same, var, 2, 42.0, &q, &t, &df);
    CHECK(df == 42.0, "b = 0: df = dfcom");

    for (size_t c = 0; c < sizeof rubin_ref / sizeof rubin_ref[0]; c++) {
        sim_rubin_pool(rubin_ref[c].q, rubin_ref[c].u, rubin_ref[c].m, rubin_ref[c].dfcom, &q,
                          &t, &df);
        char what[96];
        snprintf(what, sizeof what, "R case %zu (m %d, dfcom %g): qbar", c, rubin_ref[c].m,
                 rubin_ref[c].dfcom);
        rel_check(q, rubin_ref[c].qbar, RUBIN_TOL, what);
        snprintf(what, sizeof what, "R case %zu: T", c);
        rel_check(t, rubin_ref[c].t, RUBIN_TOL, what);
        snprintf(what, sizeof what, "R case %zu: df", c);
        rel_check(df, rubin_ref[c].df, RUBIN_TOL, what);
    }

    const double nanv[] = {1, NAN}, negv[] = {1, -1};
    sim_rubin_pool(est, var, 1, INFINITY, &q, &t, &df);
    CHECK(isnan(q) && isnan(t) && isnan(df), "m = 1: NaN");
    sim_rubin_pool(nanv, var, 2, INFINITY, &q, &t, &df);
    CHECK(isnan(q) && isnan(t) && isnan(df), "NaN estimate: NaN");
    sim_rubin_pool(est, negv, 2, INFINITY, &q, &t, &df);
    CHECK(isnan(q) && isnan(t) && isnan(df), "negative variance: NaN");
    sim_rubin_pool(est, var, 3, 0.0, &q, &t, &df);
    CHECK(isnan(q) && isnan(t) && isnan(df), "dfcom = 0: NaN");
}

/* {==================================================================================
 * 5. End-to-end MAR
 * =================================================================================== */

typedef struct {
    double sum, sum2;
} moments;

static void moments_add(moments *m, double x)
{
    m->sum += x;
    m->sum2 += x * x;
}

/* Mean and its MCSE over n values (the values are O(10) with spread O(0.1); the
 * one-pass formula loses ~1e-12 relative, immaterial for an MCSE). */
static double moments_mean(const moments *m, double n, double *mcse)
{
    double mean = m->sum / n;
    *mcse = sqrt((m->sum2 / n - mean * mean) / (n - 1.0));
    return mean;
}

static void test_mar_end_to_end(void)
{
    const size_t n = N_E2E;
    const double dn = (double)n;
    double x[N_E2E], y[N_E2E];
    unsigned char obs[N_E2E];
    /* Exactly the advertised size, so the sanitizer build catches any overrun. */
    double *work = malloc(sim_impute_work_size(n, 1) * sizeof *work);
    if (!work) {
        CHECK(0, "allocate the work buffer");
        return;
    }
    moments mi = {0}, cc = {0}, dfm = {0};
    long mi_cover = 0, cc_cover = 0, failed = 0, n_missing = 0;
    for (uint64_t r = 0; r < N_SETS; r++) {
        mscsim_rng rng = mscsim_rng_for_trial(SEED, 5, n, r);
        double cc_sum = 0.0, cc_n = 0.0;
        for (size_t i = 0; i < n; i++) {
            x[i] = mscsim_rnorm_std(&rng);
            y[i] = MAR_MU + MAR_RHO * x[i] + sqrt(1.0 - MAR_RHO * MAR_RHO) * mscsim_rnorm_std(&rng);
            double p_miss = 1.0 / (1.0 + exp(-(MAR_A + MAR_SLOPE * x[i])));
            obs[i] = !(mscsim_rng_uniform(&rng) < p_miss);
            if (obs[i]) {
                cc_sum += y[i];
                cc_n += 1.0;
            } else {
                y[i] = NAN; /* never read by the imputation */
                n_missing++;
            }
        }
        double cc_mean = cc_sum / cc_n, cc_ss = 0.0;
        for (size_t i = 0; i < n; i++)
            if (obs[i])
                cc_ss += (y[i] - cc_mean) * (y[i] - cc_mean);
        double cc_se = sqrt(cc_ss / (cc_n - 1.0) / cc_n);
        double cc_q = qt(0.975, cc_n - 1.0, 1, 0);
        cc_cover += fabs(cc_mean - MAR_MU) <= cc_q * cc_se;
        moments_add(&cc, cc_mean);

        double est[M_IMP], var[M_IMP];
        int ok = 1;
        for (int j = 0; j < M_IMP && ok; j++) {
            /* Only unobserved cells are written, so y can be imputed again in place. */
            if (sim_impute_monotone(x, y, obs, n, 1, 0, &rng, work) != MSCSIM_OK) {
                ok = 0;
                break;
            }
            double s = 0.0;
            for (size_t i = 0; i < n; i++)
                s += y[i];
            double mean = s / dn, ss = 0.0;
            for (size_t i = 0; i < n; i++)
                ss += (y[i] - mean) * (y[i] - mean);
            est[j] = mean;
            var[j] = ss / (dn - 1.0) / dn;
        }
        if (!ok) {
            failed++;
            continue;
        }
        double qbar, t, df;
        sim_rubin_pool(est, var, M_IMP, dn - 1.0, &qbar, &t, &df);
        mi_cover += fabs(qbar - MAR_MU) <= qt(0.975, df, 1, 0) * sqrt(t);
        moments_add(&mi, qbar);
        moments_add(&dfm, df);
    }
    free(work);
    INT_EQ(failed, 0, "MAR: every data set imputes");
    const double ns = (double)N_SETS;
    double mi_mcse, cc_mcse, df_mcse;
    double mi_mean = moments_mean(&mi, ns, &mi_mcse);
    double cc_mean = moments_mean(&cc, ns, &cc_mcse);
    double df_mean = moments_mean(&dfm, ns, &df_mcse);
    double cov_mcse = sqrt(0.95 * 0.05 / ns);
    double frac_missing = (double)n_missing / (ns * dn);
    printf("INFO MAR (%d sets, n %d, m %d, %.1f %% missing): MI bias %.5f (MCSE %.5f), "
           "coverage %.4f; complete-case bias %.5f (MCSE %.5f, design %.5f), coverage %.4f; "
           "mean df %.1f\n",
           N_SETS, N_E2E, M_IMP, 100.0 * frac_missing, mi_mean - MAR_MU, mi_mcse,
           (double)mi_cover / ns, cc_mean - MAR_MU, cc_mcse, MAR_CC_BIAS, (double)cc_cover / ns,
           df_mean);
    mcse_check(frac_missing, 0.4, sqrt(0.4 * 0.6 / (ns * dn)), K_E2E,
               "MAR: fraction missing = 0.4 (design)");
    mcse_check(mi_mean, MAR_MU, mi_mcse, K_E2E, "MAR: pooled MI estimate unbiased");
    mcse_check((double)mi_cover / ns, 0.95, cov_mcse, K_E2E, "MAR: MI 95% CI coverage");
    mcse_check(cc_mean - MAR_MU, MAR_CC_BIAS, cc_mcse, K_E2E,
               "MAR: complete-case bias = rho E[x | observed] (design)");
    CHECK(fabs(cc_mean - MAR_MU) > 20.0 * cc_mcse,
          "MAR: complete-case mean is biased (%.1f MCSE from the truth)",
          (cc_mean - MAR_MU) / cc_mcse);
    CHECK((double)cc_cover / ns < 0.95 - 10.0 * cov_mcse,
          "MAR: complete-case coverage %.4f far below 0.95", (double)cc_cover / ns);
}

/* {==================================================================================
 * 6. Errors
 * =================================================================================== */

static void test_errors(double *work)
{
    double base[N_FIX], score[N_FIX * V_FIX], orig[N_FIX * V_FIX];
    unsigned char obs[N_FIX * V_FIX];
    mscsim_rng rng;
    mscsim_rng_seed(&rng, SEED, 6);
    load_fixed(base, score, obs);

    INT_EQ(sim_impute_work_size(N_FIX, V_FIX), 3 * 3 + 5 * 3 + N_FIX * 4,
           "work size = V^2 + 5 V + n (V + 1)");
    INT_EQ(sim_impute_work_size(10, 0), 0, "work size for 0 visits");

    /* Non-monotone: patient 2 (missing from visit 0) observed again at visit 2. */
    obs[2 * V_FIX + 2] = 1;
    memcpy(orig, score, sizeof orig);
    INT_EQ(sim_impute_monotone(base, score, obs, N_FIX, V_FIX, 2, &rng, work), MSCSIM_EINVAL,
           "non-monotone pattern");
    CHECK(memcmp(orig, score, sizeof orig) == 0, "non-monotone: nothing written");
    obs[2 * V_FIX + 2] = 0;

    /* A non-monotone cell beyond last still makes the pattern invalid. */
    obs[4 * V_FIX + 2] = 1; /* patient 4 misses visits 1-2 */
    INT_EQ(sim_impute_monotone(base, score, obs, N_FIX, V_FIX, 0, &rng, work), MSCSIM_EINVAL,
           "non-monotone beyond last");
    obs[4 * V_FIX + 2] = 0;

    double keep = score[0];
    score[0] = NAN; /* patient 0 is observed at visit 0 */
    memcpy(orig, score, sizeof orig);
    INT_EQ(sim_impute_monotone(base, score, obs, N_FIX, V_FIX, 2, &rng, work), MSCSIM_EINVAL,
           "NaN observed score");
    CHECK(memcmp(orig, score, sizeof orig) == 0, "NaN observed score: nothing written");
    score[0] = keep;
    base[5] = INFINITY;
    INT_EQ(sim_impute_monotone(base, score, obs, N_FIX, V_FIX, 2, &rng, work), MSCSIM_EINVAL,
           "infinite baseline");
    base[5] = fixed[5].base;

    INT_EQ(sim_impute_monotone(base, score, obs, N_FIX, V_FIX, 3, &rng, work), MSCSIM_EINVAL,
           "last >= visits");
    INT_EQ(sim_impute_monotone(base, score, obs, N_FIX, V_FIX, -1, &rng, work), MSCSIM_EINVAL,
           "last < 0");
    INT_EQ(sim_impute_monotone(base, score, obs, N_FIX, V_FIX, 2, NULL, work), MSCSIM_EINVAL,
           "NULL rng");
    INT_EQ(sim_impute_monotone(base, score, obs, N_FIX, V_FIX, 2, &rng, NULL), MSCSIM_EINVAL,
           "NULL work");
    INT_EQ(sim_impute_monotone(base, score, obs, 0, V_FIX, 2, &rng, work), MSCSIM_OK,
           "n = 0: nothing to do");
    INT_EQ(sim_impute_fit(base, score, obs, N_FIX, V_FIX, 3, work, NULL, NULL, NULL),
           MSCSIM_EINVAL, "fit of visit >= visits");

    /* Too few observed at visit 2: keep 5 (p + 2 = 6 needed); visits 0-1 are imputed,
     * visit 2 is left as it was (NaN in its unobserved cells). */
    load_fixed(base, score, obs);
    int kept = 0;
    for (size_t i = 0; i < N_FIX; i++) {
        if (obs[i * V_FIX + 2] && ++kept > 5)
            obs[i * V_FIX + 2] = 0;
        for (int v = 0; v < V_FIX; v++)
            if (!obs[i * V_FIX + (size_t)v])
                score[i * V_FIX + (size_t)v] = NAN;
    }
    memcpy(orig, score, sizeof orig);
    INT_EQ(sim_impute_monotone(base, score, obs, N_FIX, V_FIX, 2, &rng, work), MSCSIM_ERANGE,
           "5 observed at visit 2 (p = 4 needs 6)");
    int v01_filled = 1, v2_same = 1, observed_same = 1;
    for (size_t c = 0; c < N_FIX * V_FIX; c++) {
        int v = (int)(c % V_FIX);
        if (obs[c])
            observed_same &= memcmp(&score[c], &orig[c], sizeof(double)) == 0;
        else if (v < 2)
            v01_filled &= isfinite(score[c]);
        else
            v2_same &= isnan(score[c]);
    }
    CHECK(v01_filled, "too few: visits 0-1 imputed");
    CHECK(v2_same, "too few: visit 2 left unchanged");
    CHECK(observed_same, "too few: observed cells unchanged");
    /* With 6 observed it works. */
    for (size_t i = 0; i < N_FIX; i++)
        if (i >= 1 && fixed[i].dropout == 3 && !obs[i * V_FIX + 2]) {
            obs[i * V_FIX + 2] = 1;
            score[i * V_FIX + 2] = fixed[i].s[2];
            break;
        }
    INT_EQ(sim_impute_monotone(base, score, obs, N_FIX, V_FIX, 2, &rng, work), MSCSIM_OK,
           "6 observed at visit 2 (= p + 2)");
    /* Only visits up to last are imputed. */
    load_fixed(base, score, obs);
    for (size_t c = 0; c < N_FIX * V_FIX; c++)
        if (!obs[c])
            score[c] = NAN;
    INT_EQ(sim_impute_monotone(base, score, obs, N_FIX, V_FIX, 1, &rng, work), MSCSIM_OK,
           "impute up to visit 1");
    int later_nan = 1;
    for (size_t i = 0; i < N_FIX; i++)
        if (!obs[i * V_FIX + 2])
            later_nan &= isnan(score[i * V_FIX + 2]);
    CHECK(later_nan, "last = 1: visit 2 not written");

    /* Singular designs: visit 1 equal to visit 0 for everyone (visit 2's predictors s0
     * and s1 are collinear); a constant baseline (aliased with the intercept). */
    load_fixed(base, score, obs);
    for (size_t i = 0; i < N_FIX; i++)
        score[i * V_FIX + 1] = score[i * V_FIX];
    INT_EQ(sim_impute_monotone(base, score, obs, N_FIX, V_FIX, 2, &rng, work), MSCSIM_ERANGE,
           "visit 1 = visit 0: singular design at visit 2");
    load_fixed(base, score, obs);
    for (size_t i = 0; i < N_FIX; i++)
        base[i] = 17.3;
    INT_EQ(sim_impute_monotone(base, score, obs, N_FIX, V_FIX, 2, &rng, work), MSCSIM_ERANGE,
           "constant baseline: singular design at visit 0");
    /* Nearly collinear but fitable (lm keeps it): a relative 1e-5 perturbation. */
    load_fixed(base, score, obs);
    for (size_t i = 0; i < N_FIX; i++)
        score[i * V_FIX + 1] = score[i * V_FIX] * (1.0 + 1e-5 * (double)(i % 7));
    INT_EQ(sim_impute_monotone(base, score, obs, N_FIX, V_FIX, 2, &rng, work), MSCSIM_OK,
           "nearly collinear visits (relative 1e-5) still fit");

    /* Complete data: nothing to impute, no draws. */
    for (size_t c = 0; c < N_FIX * V_FIX; c++)
        obs[c] = 1;
    mscsim_rng before = rng;
    INT_EQ(sim_impute_monotone(base, score, obs, N_FIX, V_FIX, 2, &rng, work), MSCSIM_OK,
           "complete data");
    CHECK(before.state == rng.state, "complete data: no draws");
}

/* {==================================================================================
 * 7. Reference-based imputation vs R
 * =================================================================================== */

#define REFMI_N 50
#define REFMI_V 3
#define REFMI_M 20000
/* Both sides compute in double from the same data; the C code's shortcut (the reference's
 * own conditional) against R's explicit joint covariance differs by rounding only. */
#define REFMI_TOL 1e-9

typedef struct {
    double base[2][REFMI_N], score[2][REFMI_N * REFMI_V];
    unsigned char obs[2][REFMI_N * REFMI_V];
} refmi_data;

static int refmi_load(refmi_data *d)
{
    table t;
    if (!table_read(&t, "refmi_data.csv") || t.nrow != 2 * REFMI_N)
        return 0;
    size_t c_arm = table_col(&t, "arm"), c_pat = table_col(&t, "patient");
    size_t c_b = table_col(&t, "baseline"), c_y[3] = {table_col(&t, "y1"), table_col(&t, "y2"),
                                                      table_col(&t, "y3")};
    for (size_t r = 0; r < t.nrow; r++) {
        int a = (int)num(table_get(&t, r, c_arm));
        size_t i = (size_t)num(table_get(&t, r, c_pat)) - 1;
        d->base[a][i] = num(table_get(&t, r, c_b));
        for (int v = 0; v < REFMI_V; v++) {
            double y = num(table_get(&t, r, c_y[v]));
            d->obs[a][i * REFMI_V + (size_t)v] = !isnan(y);
            d->score[a][i * REFMI_V + (size_t)v] = y;
        }
    }
    table_free(&t);
    return 1;
}

/* Reads a ';'-separated list of count numbers. */
static void read_list(const char *s, double *out, int count)
{
    for (int j = 0; j < count; j++) {
        const char *end;
        out[j] = num_end(s, &end);
        s = *end == ';' ? end + 1 : end;
    }
}

static int method_of(const char *name)
{
    static const char *const names[] = {"mar", "jump_to_reference", "copy_reference",
                                         "copy_increments"};
    for (int m = 0; m < 4; m++)
        if (strcmp(name, names[m]) == 0)
            return m;
    return -1;
}

static void test_reference_based(double *work)
{
    static refmi_data d;
    table model, cond, pool;
    if (!refmi_load(&d) || !table_read(&model, "refmi_model.csv") ||
        !table_read(&cond, "refmi_cond.csv") || !table_read(&pool, "refmi_pool.csv")) {
        CHECK(0, "read refmi_*.csv");
        return;
    }
    sim_impute_mvn mvn[2];
    for (int a = 0; a < 2; a++) {
        INT_EQ(sim_impute_mvn_fit(d.base[a], d.score[a], d.obs[a], REFMI_N, REFMI_V, REFMI_V - 1,
                                  NULL, work, &mvn[a]),
               MSCSIM_OK, "arm %d: joint model fits", a);
        double m0[REFMI_V], m1[REFMI_V], sg[REFMI_V * REFMI_V], worst = 0.0;
        read_list(table_get(&model, (size_t)a, table_col(&model, "m0")), m0, REFMI_V);
        read_list(table_get(&model, (size_t)a, table_col(&model, "m1")), m1, REFMI_V);
        read_list(table_get(&model, (size_t)a, table_col(&model, "sigma")), sg, REFMI_V * REFMI_V);
        for (int v = 0; v < REFMI_V; v++) {
            worst = fmax(worst, fabs(mvn[a].m0[v] - m0[v]) / fmax(1.0, fabs(m0[v])));
            worst = fmax(worst, fabs(mvn[a].m1[v] - m1[v]) / fmax(1.0, fabs(m1[v])));
            for (int u = 0; u < REFMI_V; u++)
                worst = fmax(worst, fabs(mvn[a].sigma[v * SIM_IMPUTE_MAX_VISITS + u] -
                                         sg[v * REFMI_V + u]) / fabs(sg[v * REFMI_V + v]));
        }
        CHECK(worst < REFMI_TOL, "arm %d: mean and covariance of the joint model as R's (worst "
              "relative difference %.2g)", a, worst);
    }
    double worst[4] = {0.0};
    int rows[4] = {0};
    size_t c_pat = table_col(&cond, "patient"), c_m = table_col(&cond, "method");
    size_t c_k = table_col(&cond, "k"), c_mean = table_col(&cond, "mean");
    size_t c_cov = table_col(&cond, "cov");
    for (size_t r = 0; r < cond.nrow; r++) {
        size_t i = (size_t)num(table_get(&cond, r, c_pat)) - 1;
        int method = method_of(table_get(&cond, r, c_m)), k = (int)num(table_get(&cond, r, c_k));
        int m = REFMI_V - k;
        double want_mean[REFMI_V], want_cov[REFMI_V * REFMI_V], mean[REFMI_V],
            cov[REFMI_V * REFMI_V];
        read_list(table_get(&cond, r, c_mean), want_mean, m);
        read_list(table_get(&cond, r, c_cov), want_cov, m * m);
        if (method < 0 || !sim_impute_conditional(method, &mvn[1], &mvn[0], d.base[1][i],
                                                  d.score[1] + i * REFMI_V, k, mean, cov)) {
            CHECK(0, "row %zu: conditional computed", r + 1);
            continue;
        }
        rows[method]++;
        for (int c = 0; c < m; c++) {
            worst[method] = fmax(worst[method], fabs(mean[c] - want_mean[c]) / fmax(1.0, fabs(want_mean[c])));
            for (int e = 0; e < m; e++)
                worst[method] = fmax(worst[method], fabs(cov[c * m + e] - want_cov[c * m + e]) /
                                                        fabs(want_cov[c * m + c]));
        }
    }
    for (int method = 0; method < 4; method++)
        CHECK(rows[method] > 0 && worst[method] < REFMI_TOL,
              "method %d: conditional mean and covariance of %d patients as R's joint "
              "construction (worst relative difference %.2g)", method, rows[method],
              worst[method]);
    /* Pooled over imputations: mean and variance of the completed visit-3 difference. */
    const double *base[] = {d.base[0], d.base[1]};
    const unsigned char *obs[] = {d.obs[0], d.obs[1]};
    const size_t n[] = {REFMI_N, REFMI_N};
    static double imp[2][REFMI_N * REFMI_V];
    double *score[] = {imp[0], imp[1]};
    for (size_t r = 0; r < pool.nrow; r++) {
        int method = method_of(table_get(&pool, r, table_col(&pool, "method")));
        double r_mean = num(table_get(&pool, r, table_col(&pool, "mean")));
        double r_var = num(table_get(&pool, r, table_col(&pool, "var")));
        double r_m = num(table_get(&pool, r, table_col(&pool, "imputations")));
        mscsim_rng rng = mscsim_rng_for_trial(77, 1, 0, (uint64_t)method);
        double sum = 0.0, sum2 = 0.0;
        int failed = 0;
        for (int j = 0; j < REFMI_M && method >= 0; j++) {
            memcpy(imp, d.score, sizeof imp);
            if (method == MSCSIM_MI_MAR) { /* the MAR path of the engine: impute.c's */
                failed |= sim_impute_monotone(d.base[0], imp[0], d.obs[0], REFMI_N, REFMI_V,
                                              REFMI_V - 1, &rng, work) != MSCSIM_OK;
                failed |= sim_impute_monotone(d.base[1], imp[1], d.obs[1], REFMI_N, REFMI_V,
                                              REFMI_V - 1, &rng, work) != MSCSIM_OK;
            } else {
                failed |= sim_impute_reference(method, base, score, obs, n, REFMI_V, REFMI_V - 1,
                                               &rng, work) != MSCSIM_OK;
            }
            double mean[2] = {0.0, 0.0};
            for (int a = 0; a < 2; a++) {
                for (size_t i = 0; i < REFMI_N; i++)
                    mean[a] += imp[a][i * REFMI_V + REFMI_V - 1];
                mean[a] /= REFMI_N;
            }
            sum += mean[1] - mean[0];
            sum2 += (mean[1] - mean[0]) * (mean[1] - mean[0]);
        }
        double got_mean = sum / REFMI_M, got_var = (sum2 - sum * sum / REFMI_M) / (REFMI_M - 1);
        CHECK(!failed, "method %d: %d imputations made", method, REFMI_M);
        /* MCSE of a mean of M draws: sqrt(var / M) on each side; of a variance (nearly
         * normal draws): var sqrt(2 / (M - 1)). */
        mcse_check(got_mean, r_mean, sqrt(got_var / REFMI_M + r_var / r_m), K_MCSE,
                   "pooled visit-3 difference as R's implementation");
        mcse_check(got_var, r_var, sqrt(2.0 / (REFMI_M - 1) * got_var * got_var + 2.0 / (r_m - 1) * r_var * r_var),
                   K_MCSE, "between-imputation variance as R's implementation");
    }
    table_free(&model);
    table_free(&cond);
    table_free(&pool);
}

int main(void)
{
    size_t need = sim_impute_work_size(N_FIX, V_FIX);
    double *work = malloc(need * sizeof *work);
    if (!work) {
        printf("FAIL cannot allocate %zu doubles\n", need);
        return 1;
    }
    test_fit_vs_lm(work);
    test_draw_order(work);
    test_rubin();
    test_errors(work);
    test_draw_distribution(work);
    test_mar_end_to_end();
    free(work);
    work = malloc(sim_impute_work_size(REFMI_N, REFMI_V) * sizeof *work);
    if (work)
        test_reference_based(work);
    free(work);
    return TEST_DONE();
}
