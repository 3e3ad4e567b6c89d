/*
 * Tests of the samplers (include/mscsim/dist.h, sim/dist.c).
 *
 * Every statistical check uses a fixed seed, so the program is deterministic; the bounds
 * are chosen so that a correct sampler would fail a check for a random seed with
 * probability about 1e-6 or less:
 *   - DKW: the Dvoretzky-Kiefer-Wolfowitz inequality with Massart's constant,
 *     P(sup_x |F_n(x) - F(x)| > eps) <= 2 exp(-2 n eps^2) for any continuous F
 *     (P. Massart 1990, Ann. Probab. 18(3), 1269-1283). With delta = DKW_DELTA the bound
 *     is eps = sqrt(log(2 / delta) / (2 n)); F is Rmath's p-function.
 *   - Moments: sample mean and variance within K_MCSE Monte Carlo standard errors,
 *     sqrt(var / n) and sqrt((mu4 - var^2) / n), from the exact moments.
 *   - Frequencies: within K_MCSE binomial standard errors sqrt(p (1 - p) / n).
 *   - Chi-square goodness of fit: below qchisq(CHISQ_ALPHA, df, lower.tail = FALSE).
 * Like R's d-p-q-r-tests.R, these are not retried with other seeds.
 */
#include <float.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mathlib.h"
#include "mscsim/dist.h"

#define N_DRAWS 1000000  /* draws per DKW and moment check */
#define N_BIG 10000000   /* draws for tail frequencies and the binned normal test */
#define DKW_DELTA 1e-6   /* DKW false-failure probability per check */
#define K_MCSE 5.0       /* two-sided normal tail 5.7e-7 */
#define CHISQ_ALPHA 1e-6 /* chi-square false-failure probability per check */

static const double M_SQRT_2PI_ = 2.5066282746310002; /* sqrt(2 pi) */

static double dkw_eps(size_t n)
{
    return sqrt(log(2.0 / DKW_DELTA) / (2.0 * (double)n));
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ---- generic checks ---------------------------------------------------------------- */

typedef double (*sampler_fn)(mscsim_rng *rng, const double *par);
typedef double (*cdf_fn)(double x, const double *par);

/* Exact moments of the target: mean, variance and fourth central moment. */
typedef struct {
    double mean, var, mu4;
} moments;

/* Draws N_DRAWS values into x and checks: all finite and inside [lo, hi]; mean and
 * variance within K_MCSE MCSE; sup |F_n - F| <= eps (DKW). Sorts x. */
static void check_sampler(const char *name, uint64_t seed, sampler_fn draw, cdf_fn cdf,
                          const double *par, moments m, double lo, double hi, double *x)
{
    const size_t n = N_DRAWS;
    mscsim_rng rng;
    mscsim_rng_seed(&rng, seed, 0u);
    size_t bad = 0;
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        x[i] = draw(&rng, par);
        bad += !(x[i] >= lo && x[i] <= hi);
        sum += x[i];
    }
    INT_EQ(bad, 0, "%s: draws that are NaN or outside [%g, %g]", name, lo, hi);

    double mean = sum / (double)n, ss = 0.0;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - mean) * (x[i] - mean);
    double var = ss / (double)(n - 1);
    ABS_EQ(mean, m.mean, K_MCSE * sqrt(m.var / (double)n), "%s: mean within %g MCSE", name,
           K_MCSE);
    ABS_EQ(var, m.var, K_MCSE * sqrt((m.mu4 - m.var * m.var) / (double)n),
           "%s: variance within %g MCSE", name, K_MCSE);

    qsort(x, n, sizeof x[0], cmp_double);
    double d = 0.0;
    for (size_t i = 0; i < n; i++) {
        double f = cdf(x[i], par);
        d = fmax(d, fmax(f - (double)i / (double)n, (double)(i + 1) / (double)n - f));
    }
    double eps = dkw_eps(n);
    CHECK(d <= eps, "%s: DKW sup|F_n - F| = %.3g <= eps = %.3g (n = %zu, delta = %g)", name, d,
          eps, n, DKW_DELTA);
}

/* Pearson chi-square of observed counts against probabilities p. */
static double chisq_stat(const long *count, const double *p, int k, long n)
{
    double stat = 0.0;
    for (int i = 0; i < k; i++) {
        double e = p[i] * (double)n;
        stat += ((double)count[i] - e) * ((double)count[i] - e) / e;
    }
    return stat;
}

/* ---- normal -------------------------------------------------------------------------- */

static double s_norm_std(mscsim_rng *rng, const double *par)
{
    (void)par;
    return mscsim_rnorm_std(rng);
}
static double s_norm(mscsim_rng *rng, const double *par)
{
    return mscsim_rnorm(rng, par[0], par[1]);
}
static double c_norm(double x, const double *par)
{
    return pnorm(x, par[0], par[1], 1, 0);
}

/* Largest relative error of a layer area allowed by the table check: the R generator
 * reached 1.4e-13 (sim/dist.c), and C's exp may differ from R's by an ulp or two. */
#define ZIG_AREA_TOL 1e-12

/* The ziggurat tables describe 256 layers of equal area V closing at x = 0. */
static void test_ziggurat_tables(void)
{
    double X[257];
    for (int i = 0; i < 256; i++)
        X[i] = ldexp(mscsim_zig_norm_w[i], 53);
    X[256] = 0.0;
    double r = X[1], fr = exp(-0.5 * r * r);
    REL_EQ(r, 3.6541528853610088, 4 * DBL_EPSILON,
           "ziggurat r equals Marsaglia & Tsang (2000) for 256 layers");
    double v = X[0] * fr;
    REL_EQ(v, r * fr + M_SQRT_2PI_ * pnorm(r, 0.0, 1.0, 0, 0), 64 * DBL_EPSILON,
           "base strip area V = r f(r) + integral of f beyond r");
    double worst = 0.0;
    int decreasing = 1, k_ok = 1;
    for (int i = 1; i < 256; i++) {
        double area = X[i] * (exp(-0.5 * X[i + 1] * X[i + 1]) - exp(-0.5 * X[i] * X[i]));
        worst = fmax(worst, fabs(area / v - 1.0));
        decreasing &= X[i + 1] < X[i];
    }
    for (int i = 0; i < 256; i++) {
        double kk = ldexp(X[i + 1] / X[i], 53);
        k_ok &= fabs((double)mscsim_zig_norm_k[i] - floor(kk)) <= 1.0;
    }
    CHECK(worst <= ZIG_AREA_TOL, "every layer has area V: worst relative error %.3g <= %g",
          worst, ZIG_AREA_TOL);
    CHECK(decreasing, "layer edges decrease from r to 0");
    CHECK(k_ok && mscsim_zig_norm_k[255] == 0u,
          "k[i] = floor(2^53 X[i+1]/X[i]) and the top layer always tests its wedge");
}

static void test_normal(double *x)
{
    const double std[2] = {0.0, 1.0}, shifted[2] = {2.0, 3.0};
    check_sampler("rnorm_std", 101u, s_norm_std, c_norm, std, (moments){0.0, 1.0, 3.0},
                  -INFINITY, INFINITY, x);
    check_sampler("rnorm(2, 3)", 102u, s_norm, c_norm, shifted, (moments){2.0, 9.0, 243.0},
                  -INFINITY, INFINITY, x);

    /* Tails, N_BIG draws: |Z| > 3.5 is mostly wedges and base strip; |Z| > 4 lies beyond
     * r = 3.654 and comes only from Marsaglia's tail method. */
    mscsim_rng rng;
    mscsim_rng_seed(&rng, 103u, 0u);
    long over35 = 0, over4 = 0, positive = 0;
    for (long i = 0; i < N_BIG; i++) {
        double z = mscsim_rnorm_std(&rng);
        over35 += fabs(z) > 3.5;
        over4 += fabs(z) > 4.0;
        positive += z > 0.0;
    }
    const double ts[2] = {3.5, 4.0};
    const long counts[2] = {over35, over4};
    for (int t = 0; t < 2; t++) {
        double p = 2.0 * pnorm(-ts[t], 0.0, 1.0, 1, 0);
        ABS_EQ((double)counts[t] / N_BIG, p, K_MCSE * sqrt(p * (1.0 - p) / N_BIG),
               "P(|Z| > %.1f) over %d draws within %g MCSE", ts[t], N_BIG, K_MCSE);
    }
    ABS_EQ((double)positive / N_BIG, 0.5, K_MCSE * sqrt(0.25 / N_BIG),
           "P(Z > 0) = 1/2 within %g MCSE (sign bit)", K_MCSE);

    /* Finer than DKW at this n: N_BIG draws in NBIN equiprobable bins (bin =
     * floor(NBIN Phi(z))), so a layer whose area were off by 1% would show. */
    enum { NBIN = 1000 };
    static long bins[NBIN];
    static double pbin[NBIN];
    for (int b = 0; b < NBIN; b++)
        pbin[b] = 1.0 / NBIN;
    mscsim_rng_seed(&rng, 104u, 0u);
    for (long i = 0; i < N_BIG; i++) {
        int b = (int)(NBIN * pnorm(mscsim_rnorm_std(&rng), 0.0, 1.0, 1, 0));
        bins[b < NBIN ? b : NBIN - 1]++;
    }
    double stat = chisq_stat(bins, pbin, NBIN, N_BIG);
    double crit = qchisq(CHISQ_ALPHA, NBIN - 1, 0, 0);
    CHECK(stat < crit, "rnorm_std in %d equiprobable bins: chi-square %.1f < %.1f (%d df)", NBIN,
          stat, crit, NBIN - 1);

    /* Same seed, same stream: reproducible. */
    mscsim_rng a, b;
    mscsim_rng_seed(&a, 9u, 9u);
    mscsim_rng_seed(&b, 9u, 9u);
    int same = 1;
    for (int i = 0; i < 1000; i++)
        same &= mscsim_rnorm_std(&a) == mscsim_rnorm_std(&b);
    CHECK(same, "rnorm_std is reproducible from the seed");
}

/* ---- exponential ------------------------------------------------------------------- */

static double s_exp(mscsim_rng *rng, const double *par)
{
    (void)par;
    return mscsim_rexp_std(rng);
}
static double c_exp(double x, const double *par)
{
    (void)par;
    return pexp(x, 1.0, 1, 0);
}

static void test_exponential(double *x)
{
    check_sampler("rexp_std", 201u, s_exp, c_exp, NULL, (moments){1.0, 1.0, 9.0}, 0.0, INFINITY,
                  x);
}

/* ---- truncated normal ---------------------------------------------------------------- */

static double s_tn(mscsim_rng *rng, const double *par)
{
    return mscsim_rtruncnorm(rng, par[0], par[1], par[2], par[3]);
}

/* CDF of N(mu, sd) truncated to [lo, hi]; par = {mu, sd, lo, hi}. Works on the side of
 * the interval away from the mean with log-scale tails, so a = 40 neither underflows
 * nor cancels. */
static double c_tn(double x, const double *par)
{
    double mu = par[0], sd = par[1];
    double a = (par[2] - mu) / sd, b = (par[3] - mu) / sd, z = (x - mu) / sd;
    if (z <= a)
        return 0.0;
    if (z >= b)
        return 1.0;
    if (a >= 0.0) { /* 1 - Q(z)/Q(a) over 1 - Q(b)/Q(a), Q the upper tail */
        double la = pnorm(a, 0.0, 1.0, 0, 1);
        return expm1(pnorm(z, 0.0, 1.0, 0, 1) - la) / expm1(pnorm(b, 0.0, 1.0, 0, 1) - la);
    }
    if (b <= 0.0) { /* (Phi(z) - Phi(a)) / (Phi(b) - Phi(a)), all relative to Phi(b) */
        double lb = pnorm(b, 0.0, 1.0, 1, 1), la = pnorm(a, 0.0, 1.0, 1, 1);
        return (exp(pnorm(z, 0.0, 1.0, 1, 1) - lb) - exp(la - lb)) / -expm1(la - lb);
    }
    double pa = pnorm(a, 0.0, 1.0, 1, 0);
    return (pnorm(z, 0.0, 1.0, 1, 0) - pa) / (pnorm(b, 0.0, 1.0, 1, 0) - pa);
}

/* Moments of N(mu, sd) truncated to [lo, hi] from the raw moments of the standardised
 * variable, m_k = (k - 1) m_{k-2} + (a^{k-1} phi(a) - b^{k-1} phi(b)) / Z with Z the
 * probability of [a, b] and the terms of infinite ends 0 (Johnson, Kotz & Balakrishnan,
 * Continuous Univariate Distributions 1, 2nd ed., 1994, section 10.1). phi/Z is formed on
 * the log scale. An interval below 0 is mirrored. */
static moments tn_moments(double mu, double sd, double lo, double hi)
{
    double a = (lo - mu) / sd, b = (hi - mu) / sd, sign = 1.0;
    if (b <= 0.0) {
        double t = a;
        a = -b;
        b = -t;
        sign = -1.0;
    }
    double log_z;
    if (a >= 0.0) {
        double la = pnorm(a, 0.0, 1.0, 0, 1), lb = pnorm(b, 0.0, 1.0, 0, 1);
        log_z = la + log1p(-exp(lb - la));
    } else {
        log_z = log(pnorm(b, 0.0, 1.0, 1, 0) - pnorm(a, 0.0, 1.0, 1, 0));
    }
    double ra = isfinite(a) ? exp(dnorm(a, 0.0, 1.0, 1) - log_z) : 0.0;
    double rb = isfinite(b) ? exp(dnorm(b, 0.0, 1.0, 1) - log_z) : 0.0;
    double m[5] = {1.0, 0.0, 0.0, 0.0, 0.0};
    double pa = 1.0, pb = 1.0; /* a^(k-1), b^(k-1) */
    for (int k = 1; k <= 4; k++) {
        double ta = isfinite(a) ? pa * ra : 0.0, tb = isfinite(b) ? pb * rb : 0.0;
        m[k] = (k >= 2 ? (k - 1) * m[k - 2] : 0.0) + ta - tb;
        pa *= isfinite(a) ? a : 0.0;
        pb *= isfinite(b) ? b : 0.0;
    }
    double m1 = m[1];
    double var = m[2] - m1 * m1;
    double mu4 = m[4] - 4.0 * m1 * m[3] + 6.0 * m1 * m1 * m[2] - 3.0 * m1 * m1 * m1 * m1;
    return (moments){mu + sign * sd * m1, sd * sd * var, sd * sd * sd * sd * mu4};
}

static void test_truncnorm(double *x)
{
    /* {mu, sd, lo, hi}; the comment names the branch of Robert's algorithm it exercises. */
    static const struct {
        double par[4];
        const char *what;
    } cases[] = {
        {{0.0, 1.0, 5.0, INFINITY}, "far tail lo = 5 sd (exponential proposal)"},
        {{2.0, 0.5, 4.5, INFINITY}, "far tail lo = 5 sd, mu 2, sd 0.5"},
        {{0.0, 1.0, 40.0, INFINITY}, "extreme tail lo = 40 sd (exponential proposal)"},
        {{0.0, 1.0, -INFINITY, -2.0}, "left tail hi = -2 sd (mirrored exponential)"},
        {{0.0, 1.0, 0.5, 3.0}, "[0.5, 3] sd (exponential proposal, finite hi)"},
        {{0.0, 1.0, 5.0, 5.1}, "narrow far interval [5, 5.1] sd (uniform proposal)"},
        {{0.0, 1.0, 1.0, 1.5}, "narrow interval [1, 1.5] sd (uniform proposal)"},
        {{0.0, 1.0, -0.25, 0.25}, "narrow central [-0.25, 0.25] sd (uniform proposal)"},
        {{10.0, 3.0, 4.0, 11.0}, "mu 10, sd 3 on [4, 11] (uniform proposal around the mean)"},
        {{0.0, 1.0, -1.0, 2.0}, "wide [-1, 2] sd (normal rejection)"},
        {{0.0, 1.0, -INFINITY, 0.3}, "one-sided hi = 0.3 sd (normal rejection)"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const double *p = cases[c].par;
        char name[160];
        snprintf(name, sizeof name, "rtruncnorm %s", cases[c].what);
        check_sampler(name, 300u + c, s_tn, c_tn, p, tn_moments(p[0], p[1], p[2], p[3]), p[2],
                      p[3], x);
    }

    /* Intervals narrower than the rounding of mu + sd z: still inside [lo, hi]. */
    mscsim_rng rng;
    mscsim_rng_seed(&rng, 350u, 0u);
    int inside = 1;
    for (int i = 0; i < 10000; i++) {
        double v1 = mscsim_rtruncnorm(&rng, 0.0, 1.0, 1.0, 1.0 + 4 * DBL_EPSILON);
        double v2 = mscsim_rtruncnorm(&rng, 3.0, 1e-3, -1e-12, 1e-12);
        inside &= v1 >= 1.0 && v1 <= 1.0 + 4 * DBL_EPSILON && v2 >= -1e-12 && v2 <= 1e-12;
    }
    CHECK(inside, "rtruncnorm stays inside intervals a few ulps wide");

    /* Invalid arguments give NaN and draw nothing; sd = 0 is a point mass. */
    mscsim_rng before = rng;
    CHECK(isnan(mscsim_rtruncnorm(&rng, 0.0, -1.0, 0.0, 1.0)), "rtruncnorm sd < 0 gives NaN");
    CHECK(isnan(mscsim_rtruncnorm(&rng, 0.0, 1.0, 1.0, 1.0)), "rtruncnorm lo == hi gives NaN");
    CHECK(isnan(mscsim_rtruncnorm(&rng, 0.0, 1.0, 2.0, 1.0)), "rtruncnorm lo > hi gives NaN");
    CHECK(isnan(mscsim_rtruncnorm(&rng, NAN, 1.0, 0.0, 1.0)), "rtruncnorm NaN mu gives NaN");
    CHECK(isnan(mscsim_rtruncnorm(&rng, 0.0, 1.0, NAN, 1.0)), "rtruncnorm NaN lo gives NaN");
    CHECK(isnan(mscsim_rtruncnorm(&rng, 0.0, NAN, 0.0, 1.0)), "rtruncnorm NaN sd gives NaN");
    CHECK(isnan(mscsim_rtruncnorm(&rng, 0.0, 1.0, 0.0, NAN)), "rtruncnorm NaN hi gives NaN");
    CHECK(isnan(mscsim_rtruncnorm(&rng, 0.0, INFINITY, 0.0, 1.0)),
          "rtruncnorm infinite sd gives NaN");
    CHECK(isnan(mscsim_rtruncnorm(&rng, -INFINITY, 1.0, 0.0, 1.0)),
          "rtruncnorm -infinite mu gives NaN");
    CHECK(isnan(mscsim_rtruncnorm(&rng, INFINITY, 1.0, 0.0, 1.0)),
          "rtruncnorm infinite mu gives NaN");
    CHECK(isnan(mscsim_rtruncnorm(&rng, 0.0, 0.0, 1.0, 2.0)),
          "rtruncnorm sd = 0 with mu outside [lo, hi] gives NaN");
    CHECK(mscsim_rtruncnorm(&rng, 1.5, 0.0, 1.0, 2.0) == 1.5,
          "rtruncnorm sd = 0 with mu inside [lo, hi] gives mu");
    CHECK(rng.state == before.state, "rtruncnorm draws nothing for degenerate arguments");
}

/* ---- gamma and chi-squared ----------------------------------------------------------- */

static double s_gamma(mscsim_rng *rng, const double *par)
{
    return mscsim_rgamma(rng, par[0], par[1]);
}
static double c_gamma(double x, const double *par)
{
    return pgamma(x, par[0], par[1], 1, 0);
}
static double s_chisq(mscsim_rng *rng, const double *par)
{
    return mscsim_rchisq(rng, par[0]);
}
static double c_chisq(double x, const double *par)
{
    return pchisq(x, par[0], 1, 0);
}

static void test_gamma(double *x)
{
    /* {shape, scale}: the boost branch (0.05, 0.5), the exponential case and two shapes
     * through the main Marsaglia-Tsang loop. */
    static const double cases[][2] = {{0.5, 1.0}, {1.0, 2.0}, {3.7, 0.7}, {0.05, 1.0},
                                      {250.0, 0.01}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        double k = cases[c][0], th = cases[c][1];
        char name[96];
        snprintf(name, sizeof name, "rgamma(shape %g, scale %g)", k, th);
        moments m = {k * th, k * th * th, 3.0 * k * (k + 2.0) * th * th * th * th};
        check_sampler(name, 400u + c, s_gamma, c_gamma, cases[c], m, 0.0, INFINITY, x);
    }
    static const double dfs[] = {3.0, 0.8};
    for (size_t c = 0; c < sizeof dfs / sizeof dfs[0]; c++) {
        double nu = dfs[c];
        char name[64];
        snprintf(name, sizeof name, "rchisq(df %g)", nu);
        moments m = {nu, 2.0 * nu, 12.0 * nu * (nu + 4.0)};
        check_sampler(name, 450u + c, s_chisq, c_chisq, &dfs[c], m, 0.0, INFINITY, x);
    }

    mscsim_rng rng;
    mscsim_rng_seed(&rng, 460u, 0u);
    mscsim_rng before = rng;
    CHECK(isnan(mscsim_rgamma(&rng, -1.0, 1.0)), "rgamma shape < 0 gives NaN");
    CHECK(isnan(mscsim_rgamma(&rng, 1.0, -1.0)), "rgamma scale < 0 gives NaN");
    CHECK(isnan(mscsim_rgamma(&rng, NAN, 1.0)), "rgamma NaN shape gives NaN");
    CHECK(isnan(mscsim_rgamma(&rng, INFINITY, 1.0)), "rgamma infinite shape gives NaN");
    CHECK(mscsim_rgamma(&rng, 0.0, 1.0) == 0.0, "rgamma shape 0 gives 0 (as R)");
    CHECK(mscsim_rgamma(&rng, 2.0, 0.0) == 0.0, "rgamma scale 0 gives 0 (as R)");
    CHECK(isnan(mscsim_rchisq(&rng, -1.0)), "rchisq df < 0 gives NaN");
    CHECK(mscsim_rchisq(&rng, 0.0) == 0.0, "rchisq df 0 gives 0 (as R)");
    CHECK(rng.state == before.state, "rgamma/rchisq draw nothing for degenerate arguments");

    /* A prepared shape draws exactly what rgamma draws, from the same stream (the table
     * path's sums of squares rely on it: golden outputs unchanged). */
    static const double setup_shapes[] = {1.0, 1.5, 2.0, 24.5, 149.0, 1e4};
    for (size_t c = 0; c < sizeof setup_shapes / sizeof setup_shapes[0]; c++) {
        mscsim_rng r1, r2;
        mscsim_rng_seed(&r1, 470u + c, 1u);
        r2 = r1;
        mscsim_gamma_setup g;
        mscsim_gamma_setup_init(&g, setup_shapes[c]);
        int same = 1;
        for (int i = 0; i < 10000; i++) {
            double want = mscsim_rgamma(&r1, setup_shapes[c], 1.0);
            same &= mscsim_rgamma_setup(&r2, &g) == want;
        }
        CHECK(same && r1.state == r2.state,
              "rgamma_setup(shape %g) equals rgamma draw for draw over 10^4 draws",
              setup_shapes[c]);
    }
}

/* ---- categorical --------------------------------------------------------------------- */

/* Allowed error of the probabilities implied by an alias table: Vose's set-up does
 * O(k) additions on numbers of order 1. */
#define ALIAS_TOL (64 * DBL_EPSILON)

/* The probability of each category implied by the table: (its own kept share plus the
 * rejected shares of columns aliased to it) / k. */
static void alias_probs(const mscsim_categorical *c, double *q)
{
    for (int i = 0; i < c->k; i++)
        q[i] = 0.0;
    for (int j = 0; j < c->k; j++) {
        q[j] += c->threshold[j] / c->k;
        q[c->alias[j]] += (1.0 - c->threshold[j]) / c->k;
    }
}

static void check_categorical_fit(const char *name, const double *p, int k, uint64_t seed)
{
    mscsim_categorical c;
    mscsim_error err;
    INT_EQ(mscsim_categorical_init(&c, p, k, &err), MSCSIM_OK, "%s: init", name);
    double q[MSCSIM_CATEGORICAL_MAX];
    alias_probs(&c, q);
    double worst = 0.0;
    for (int i = 0; i < k; i++)
        worst = fmax(worst, fabs(q[i] - p[i]));
    CHECK(worst <= ALIAS_TOL, "%s: alias table reproduces p within %.3g (worst %.3g)", name,
          ALIAS_TOL, worst);

    long count[MSCSIM_CATEGORICAL_MAX] = {0};
    mscsim_rng rng;
    mscsim_rng_seed(&rng, seed, 0u);
    long out_of_range = 0;
    for (long i = 0; i < N_DRAWS; i++) {
        int v = mscsim_rcategorical(&rng, &c);
        if (v < 0 || v >= k)
            out_of_range++;
        else
            count[v]++;
    }
    INT_EQ(out_of_range, 0, "%s: draws outside [0, %d)", name, k);
    double stat = chisq_stat(count, p, k, N_DRAWS);
    double crit = qchisq(CHISQ_ALPHA, k - 1, 0, 0);
    CHECK(stat < crit, "%s: chi-square %.2f < %.2f (%d df, alpha %g, n %d)", name, stat, crit,
          k - 1, CHISQ_ALPHA, N_DRAWS);
}

static void expect_einval(const char *what, const double *p, int k, const char *fragment)
{
    mscsim_categorical c;
    mscsim_error err;
    memset(&err, 0, sizeof err);
    int rc = mscsim_categorical_init(&c, p, k, &err);
    INT_EQ(rc, MSCSIM_EINVAL, "categorical init with %s returns MSCSIM_EINVAL", what);
    INT_EQ(err.code, MSCSIM_EINVAL, "categorical init with %s sets err.code", what);
    CHECK(strstr(err.msg, fragment) != NULL, "categorical init with %s: message \"%.200s\" says \"%s\"",
          what, err.msg, fragment);
    INT_EQ(mscsim_categorical_init(&c, p, k, NULL), MSCSIM_EINVAL,
           "categorical init with %s and err = NULL", what);
}

static void test_categorical(void)
{
    /* Modified Rankin Scale 0..6 distribution used by the stroke presets. */
    static const double mrs[7] = {0.029, 0.078, 0.118, 0.167, 0.382, 0.196, 0.030};
    check_categorical_fit("categorical mRS", mrs, 7, 501u);

    double ramp[MSCSIM_CATEGORICAL_MAX], total = 0.0;
    for (int i = 0; i < MSCSIM_CATEGORICAL_MAX; i++)
        total += ramp[i] = i + 1.0;
    for (int i = 0; i < MSCSIM_CATEGORICAL_MAX; i++)
        ramp[i] /= total;
    check_categorical_fit("categorical k = 64, p proportional to 1..64", ramp,
                          MSCSIM_CATEGORICAL_MAX, 502u);

    /* A zero-probability category is never drawn: its implied probability is exactly 0. */
    static const double gap[3] = {0.5, 0.0, 0.5};
    mscsim_categorical c;
    INT_EQ(mscsim_categorical_init(&c, gap, 3, NULL), MSCSIM_OK, "categorical {0.5, 0, 0.5}");
    double q[3];
    alias_probs(&c, q);
    CHECK(q[1] == 0.0, "category of probability 0 has implied probability exactly 0");
    mscsim_rng rng;
    mscsim_rng_seed(&rng, 503u, 0u);
    long hits = 0;
    for (int i = 0; i < 100000; i++)
        hits += mscsim_rcategorical(&rng, &c) == 1;
    INT_EQ(hits, 0, "category of probability 0 drawn in 10^5 draws");

    static const double one[1] = {1.0};
    INT_EQ(mscsim_categorical_init(&c, one, 1, NULL), MSCSIM_OK, "categorical k = 1");
    int always0 = 1;
    for (int i = 0; i < 1000; i++)
        always0 &= mscsim_rcategorical(&rng, &c) == 0;
    CHECK(always0, "categorical k = 1 always gives 0");

    static const double negative[3] = {0.6, -0.1, 0.5};
    static const double short_sum[3] = {0.3, 0.3, 0.3};
    static const double with_nan[2] = {NAN, 1.0};
    static const double with_inf[2] = {INFINITY, 0.0};
    static double big[MSCSIM_CATEGORICAL_MAX + 1];
    for (int i = 0; i <= MSCSIM_CATEGORICAL_MAX; i++)
        big[i] = 1.0 / (MSCSIM_CATEGORICAL_MAX + 1);
    expect_einval("a negative probability", negative, 3, "probability 2");
    expect_einval("probabilities summing to 0.9", short_sum, 3, "sum to 0.9");
    expect_einval("k = 0", mrs, 0, "number of categories 0");
    expect_einval("k = MSCSIM_CATEGORICAL_MAX + 1", big, MSCSIM_CATEGORICAL_MAX + 1,
                  "must be in [1, 64]");
    expect_einval("a NaN probability", with_nan, 2, "probability 1");
    expect_einval("an infinite probability", with_inf, 2, "probability 1");
    expect_einval("p = NULL", NULL, 3, "NULL");
}

int main(void)
{
    double *x = malloc(N_DRAWS * sizeof *x);
    if (!x) {
        printf("FAIL cannot allocate %d doubles\n", N_DRAWS);
        return 1;
    }
    test_ziggurat_tables();
    test_normal(x);
    test_exponential(x);
    test_truncnorm(x);
    test_gamma(x);
    test_categorical();
    free(x);
    return TEST_DONE();
}
