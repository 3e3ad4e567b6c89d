/*
 * Group-sequential boundaries by recursive numerical integration (Jennison & Turnbull 2000,
 * ch. 19; Armitage, McPherson & Rowe 1969).
 *
 * The sub-density of Z_k on its continuation region (paths that stopped at no look up to k)
 * is carried on a grid: Jennison & Turnbull's 6r - 1 knots around the mean theta sqrt(t_k)
 * (denser in the centre, reaching out about 3 + 4 log r standard deviations), trimmed to the
 * continuation interval with its ends added, and Simpson's rule on each knot interval with
 * its midpoint. From look k - 1 to k,
 *   f_k(z) = sum_i w_i f_{k-1}(u_i) sqrt(t_k / d) phi((z sqrt(t_k) - u_i sqrt(t_{k-1}) - theta d) / sqrt(d)),
 *   P(Z_k >= c, continued) = sum_i w_i f_{k-1}(u_i) Phi_upper((c sqrt(t_k) - u_i sqrt(t_{k-1}) - theta d) / sqrt(d)),
 * with d = t_k - t_{k-1} the information increment. Each boundary is the root of a monotone
 * exit probability, found by the Illinois method to 1e-12 on the z scale. With r = 16
 * (Jennison & Turnbull's recommendation) all 320 rpact reference designs of tests/test_gsd.c
 * agree within 2e-6 on the z scale (r = 32 gives the same worst case, so what remains is
 * rpact's own tolerance); a design with beta-spending futility takes about 10 ms.
 */
#include "mscsim/gsd.h"

#include <math.h>
#include <string.h>

#include "internal.h"
#include "mathlib.h"

#define GRID_R 16
#define GRID_KNOTS (6 * GRID_R + 1)
#define GRID_POINTS (2 * GRID_KNOTS - 1)
#define ROOT_TOL 1e-12
#define Z_SEARCH 20.0 /* bisection bracket [-Z_SEARCH, Z_SEARCH] on the z scale */

/* The sub-density of Z at one look on its continuation region. */
typedef struct {
    int count;        /* grid points (0: no path continues, or before the first look) */
    int first;        /* 1 before the first look: Z_0 = 0 with probability 1 */
    double t;         /* information fraction of the look */
    double z[GRID_POINTS], w[GRID_POINTS], f[GRID_POINTS];
} density;

static double phi(double x)
{
    return dnorm(x, 0.0, 1.0, 0);
}

static double upper_tail(double x)
{
    return pnorm(x, 0.0, 1.0, 0, 0);
}

double mscsim_spending_cumulative(const mscsim_spending *f, double level, double t)
{
    if (!f || !(level > 0.0 && level < 1.0) || !(t >= 0.0 && t <= 1.0))
        return NAN;
    if (t == 0.0)
        return 0.0;
    switch (f->family) {
    case MSCSIM_SPENDING_NONE:
        return t >= 1.0 ? level : 0.0;
    case MSCSIM_SPENDING_OBRIEN_FLEMING:
        return t >= 1.0 ? level : 2.0 * upper_tail(qnorm(1.0 - level / 2.0, 0.0, 1.0, 1, 0) / sqrt(t));
    case MSCSIM_SPENDING_POCOCK:
        return level * log(1.0 + (exp(1.0) - 1.0) * t);
    case MSCSIM_SPENDING_HSD:
        if (!(f->gamma >= -10.0 && f->gamma <= 10.0))
            return NAN;
        if (f->gamma == 0.0)
            return level * t;
        return level * (1.0 - exp(-f->gamma * t)) / (1.0 - exp(-f->gamma));
    }
    return NAN;
}

/* Jennison & Turnbull's knots around mean, trimmed to [lo, hi] with the ends added; returns
 * their number (0 when the interval holds no mass worth a grid). */
static int knots(double mean, double lo, double hi, double *x)
{
    double raw[6 * GRID_R - 1];
    for (int i = 1; i <= 6 * GRID_R - 1; i++) {
        double v;
        if (i < GRID_R)
            v = -3.0 - 4.0 * log((double)GRID_R / i);
        else if (i <= 5 * GRID_R)
            v = -3.0 + 3.0 * (i - GRID_R) / (2.0 * GRID_R);
        else
            v = 3.0 + 4.0 * log((double)GRID_R / (6 * GRID_R - i));
        raw[i - 1] = mean + v;
    }
    double a = fmax(lo, raw[0]), b = fmin(hi, raw[6 * GRID_R - 2]);
    if (!(a < b))
        return 0;
    int n = 0;
    x[n++] = a;
    for (int i = 0; i < 6 * GRID_R - 1; i++)
        if (raw[i] > a && raw[i] < b)
            x[n++] = raw[i];
    x[n++] = b;
    return n;
}

/* Exit probabilities from d (the previous look) at look t with drift theta: into
 * [c, inf) when upper, else (-inf, c]. */
static double exit_prob(const density *d, double t, double theta, double c, int upper)
{
    if (d->first) {
        double x = c - theta * sqrt(t);
        return upper ? upper_tail(x) : 1.0 - upper_tail(x);
    }
    double inc = t - d->t, sd = sqrt(inc), st = sqrt(t), sp = sqrt(d->t);
    double p = 0.0;
    for (int i = 0; i < d->count; i++) {
        double x = (c * st - d->z[i] * sp - theta * inc) / sd;
        p += d->w[i] * d->f[i] * (upper ? upper_tail(x) : pnorm(x, 0.0, 1.0, 1, 0));
    }
    return p;
}

/* Mass of d (its continuing probability). */
static double mass(const density *d)
{
    if (d->first)
        return 1.0;
    double m = 0.0;
    for (int i = 0; i < d->count; i++)
        m += d->w[i] * d->f[i];
    return m;
}

/* Lower exits into (-inf, c] of d at the next look, as exit_prob, including -inf = 0. */
static double lower_exit(const density *d, double t, double theta, double c)
{
    if (c == -HUGE_VAL)
        return 0.0;
    if (c == HUGE_VAL)
        return mass(d);
    return exit_prob(d, t, theta, c, 0);
}

static double upper_exit(const density *d, double t, double theta, double c)
{
    if (c == HUGE_VAL)
        return 0.0;
    if (c == -HUGE_VAL)
        return mass(d);
    return exit_prob(d, t, theta, c, 1);
}

/* The density at look t of the paths of prev that continue within (lo, hi). */
static void advance(const density *prev, double t, double theta, double lo, double hi,
                    density *next)
{
    double x[GRID_KNOTS + 1];
    int n = knots(theta * sqrt(t), lo, hi, x);
    next->first = 0;
    next->t = t;
    next->count = n > 1 ? 2 * n - 1 : 0;
    for (int i = 0; i + 1 < n; i++) {
        double h = x[i + 1] - x[i];
        next->z[2 * i] = x[i];
        next->z[2 * i + 1] = 0.5 * (x[i] + x[i + 1]);
        next->z[2 * i + 2] = x[i + 1];
        next->w[2 * i] = (i == 0 ? 0.0 : next->w[2 * i]) + h / 6.0;
        next->w[2 * i + 1] = 4.0 * h / 6.0;
        next->w[2 * i + 2] = h / 6.0;
    }
    double inc = t - prev->t, sd = sqrt(inc), st = sqrt(t), sp = sqrt(prev->t);
    for (int j = 0; j < next->count; j++) {
        if (prev->first) {
            next->f[j] = phi(next->z[j] - theta * st);
            continue;
        }
        double s = 0.0;
        for (int i = 0; i < prev->count; i++)
            s += prev->w[i] * prev->f[i] * phi((next->z[j] * st - prev->z[i] * sp - theta * inc) / sd);
        next->f[j] = s * st / sd;
    }
}

typedef double (*exit_fn)(const density *, double, double, double, int);

static double two_sided_exit(const density *d, double t, double theta, double c, int unused)
{
    (void)unused;
    return upper_exit(d, t, theta, c) + lower_exit(d, t, theta, -c);
}

static double one_sided_upper(const density *d, double t, double theta, double c, int unused)
{
    (void)unused;
    return upper_exit(d, t, theta, c);
}

/* A root of the monotone h on [lo, hi], where h(lo) and h(hi) differ in sign, by the
 * Illinois variant of regula falsi (superlinear, and it never leaves the bracket), to ROOT_TOL
 * on the argument or an exact zero. */
typedef double (*root_fn)(double x, void *ctx);

static double find_root(root_fn h, void *ctx, double lo, double hi)
{
    double flo = h(lo, ctx), fhi = h(hi, ctx);
    int side = 0;
    for (int iter = 0; iter < 200 && hi - lo > ROOT_TOL; iter++) {
        double x = (lo * fhi - hi * flo) / (fhi - flo);
        if (!(x > lo && x < hi))
            x = 0.5 * (lo + hi);
        double fx = h(x, ctx);
        if (fx == 0.0)
            return x;
        if ((fx > 0) == (fhi > 0)) {
            hi = x;
            fhi = fx;
            if (side == 1)
                flo *= 0.5;
            side = 1;
        } else {
            lo = x;
            flo = fx;
            if (side == -1)
                fhi *= 0.5;
            side = -1;
        }
    }
    return fabs(flo) < fabs(fhi) ? lo : hi;
}

typedef struct {
    exit_fn g;
    const density *d;
    double t, theta, target;
} bound_ctx;

static double bound_gap(double c, void *ctx)
{
    const bound_ctx *b = ctx;
    return b->g(b->d, b->t, b->theta, c, 0) - b->target;
}

/* The boundary where the exit probability g (decreasing in c for efficacy, increasing for
 * futility) equals target: +Inf (efficacy) or -Inf (futility) when nothing is to be spent,
 * and the end of the search range when even it spends too little. */
static double solve(exit_fn g, const density *d, double t, double theta, double target,
                    int increasing)
{
    if (!(target > 0.0))
        return increasing ? -HUGE_VAL : HUGE_VAL;
    bound_ctx ctx = {g, d, t, theta, target};
    double lo = -Z_SEARCH, hi = Z_SEARCH;
    if ((bound_gap(lo, &ctx) > 0.0) == increasing)
        return lo;
    if ((bound_gap(hi, &ctx) > 0.0) != increasing)
        return hi;
    return find_root(bound_gap, &ctx, lo, hi);
}

static double futility_exit(const density *d, double t, double theta, double c, int unused)
{
    (void)unused;
    return lower_exit(d, t, theta, c);
}

static int check_spec(const mscsim_gsd_spec *s, mscsim_error *err)
{
    if (s->looks < 1 || s->looks > MSCSIM_MAX_LOOKS)
        return sim_error_set(err, MSCSIM_EINVAL, "%d looks: a design has 1 to %d", s->looks,
                             MSCSIM_MAX_LOOKS);
    for (int k = 0; k < s->looks; k++)
        if (!(s->t[k] > (k ? s->t[k - 1] : 0.0)) || !(s->t[k] <= 1.0))
            return sim_error_set(err, MSCSIM_EINVAL,
                                 "information fractions must increase within (0, 1]");
    if (s->t[s->looks - 1] != 1.0)
        return sim_error_set(err, MSCSIM_EINVAL, "the last information fraction must be 1");
    if (!(s->alpha > 0.0 && s->alpha < 1.0) || (s->sides != 1 && s->sides != 2))
        return sim_error_set(err, MSCSIM_EINVAL, "alpha must be in (0, 1) and sides 1 or 2");
    const mscsim_spending *f[2] = {&s->efficacy, &s->futility};
    for (int i = 0; i < 2; i++)
        if (f[i]->family == MSCSIM_SPENDING_HSD && !(f[i]->gamma >= -10.0 && f[i]->gamma <= 10.0))
            return sim_error_set(err, MSCSIM_EINVAL, "hsd gamma must be in [-10, 10]");
    if (s->futility.family != MSCSIM_SPENDING_NONE) {
        if (s->sides != 1)
            return sim_error_set(err, MSCSIM_EINVAL, "beta-spending futility needs sides = 1");
        if (!(s->beta > 0.0 && s->beta < 1.0 - s->alpha))
            return sim_error_set(err, MSCSIM_EINVAL, "beta must be in (0, 1 - alpha)");
    }
    return MSCSIM_OK;
}

/* Boundaries of spec under drift theta (theta matters only with futility); returns the gap
 * between the last futility and efficacy bounds (0 without futility). */
static double bounds_at(const mscsim_gsd_spec *s, double theta, mscsim_gsd_bounds *out)
{
    static const density start = {.first = 1};
    density h0[2], h1[2];
    h0[0] = start;
    h1[0] = start;
    int futile = s->futility.family != MSCSIM_SPENDING_NONE;
    double spent_a = 0.0, spent_b = 0.0;
    for (int k = 0; k < s->looks; k++) {
        const density *p0 = &h0[k % 2], *p1 = &h1[k % 2];
        double t = s->t[k];
        /* Two-sided designs spend alpha / 2 on each side (as rpact does). */
        double a_cum = s->sides * mscsim_spending_cumulative(&s->efficacy, s->alpha / s->sides, t);
        double a = solve(s->sides == 2 ? two_sided_exit : one_sided_upper, p0, t, 0.0,
                         a_cum - spent_a, 0);
        spent_a = a_cum;
        double b = -HUGE_VAL;
        if (futile) {
            double b_cum = mscsim_spending_cumulative(&s->futility, s->beta, t);
            b = solve(futility_exit, p1, t, theta, b_cum - spent_b, 1);
            spent_b = b_cum;
            if (k + 1 < s->looks && b > a)
                b = a;
            out->cumulative_beta[k] = b_cum;
        } else {
            out->cumulative_beta[k] = 0.0;
        }
        out->efficacy_z[k] = a;
        out->futility_z[k] = b;
        out->cumulative_alpha[k] = a_cum;
        if (k + 1 < s->looks) {
            double lo = s->sides == 2 ? -a : (s->binding ? b : -HUGE_VAL);
            advance(p0, t, 0.0, lo, a, &h0[(k + 1) % 2]);
            if (futile)
                advance(p1, t, theta, b, a, &h1[(k + 1) % 2]);
        }
    }
    return futile ? out->futility_z[s->looks - 1] - out->efficacy_z[s->looks - 1] : 0.0;
}

typedef struct {
    const mscsim_gsd_spec *spec;
    mscsim_gsd_bounds *out;
} drift_ctx;

static double drift_gap(double theta, void *ctx)
{
    drift_ctx *c = ctx;
    return bounds_at(c->spec, theta, c->out);
}

SIM_API int mscsim_gsd_bounds_compute(const mscsim_gsd_spec *spec, mscsim_gsd_bounds *out,
                                      mscsim_error *err)
{
    int status = check_spec(spec, err);
    if (status)
        return status;
    memset(out, 0, sizeof *out);
    out->looks = spec->looks;
    out->sides = spec->sides;
    out->binding = spec->binding;
    memcpy(out->t, spec->t, sizeof out->t);
    out->drift = NAN;
    if (spec->futility.family == MSCSIM_SPENDING_NONE) {
        bounds_at(spec, 0.0, out);
        return MSCSIM_OK;
    }
    /* The gap b_K - a_K grows with theta: more drift needs a higher futility bound to
     * spend the same beta. */
    drift_ctx ctx = {spec, out};
    double lo = 0.0, hi = 1.0;
    while (drift_gap(hi, &ctx) < 0.0 && hi < 64.0)
        hi *= 2.0;
    out->drift = find_root(drift_gap, &ctx, lo, hi);
    bounds_at(spec, out->drift, out);
    out->futility_z[spec->looks - 1] = out->efficacy_z[spec->looks - 1];
    return MSCSIM_OK;
}

SIM_API void mscsim_gsd_probabilities(const mscsim_gsd_bounds *b, double theta,
                                      mscsim_gsd_probs *out)
{
    static const density start = {.first = 1};
    density d[2];
    d[0] = start;
    memset(out, 0, sizeof *out);
    for (int k = 0; k < b->looks; k++) {
        const density *p = &d[k % 2];
        double t = b->t[k], a = b->efficacy_z[k];
        double lo = b->sides == 2 ? -a : b->futility_z[k];
        out->reject[k] = upper_exit(p, t, theta, a) +
                         (b->sides == 2 ? lower_exit(p, t, theta, -a) : 0.0);
        if (b->sides == 1 && k + 1 < b->looks)
            out->futility[k] = lower_exit(p, t, theta, lo);
        out->power += out->reject[k];
        if (k + 1 < b->looks)
            advance(p, t, theta, lo, a, &d[(k + 1) % 2]);
    }
}

SIM_API double mscsim_gsd_expected_fraction(const mscsim_gsd_bounds *b, double theta)
{
    mscsim_gsd_probs p;
    mscsim_gsd_probabilities(b, theta, &p);
    double fraction = 0.0, stopped = 0.0;
    for (int k = 0; k + 1 < b->looks; k++) {
        fraction += (p.reject[k] + p.futility[k]) * b->t[k];
        stopped += p.reject[k] + p.futility[k];
    }
    return fraction + (1.0 - stopped) * b->t[b->looks - 1];
}

typedef struct {
    mscsim_gsd_bounds upper; /* the bounds, the lower tail of sides = 2 as futility bounds */
    double power;
} power_ctx;

static double power_gap(double theta, void *ctx)
{
    const power_ctx *c = ctx;
    mscsim_gsd_probs p;
    mscsim_gsd_probabilities(&c->upper, theta, &p);
    return p.power - c->power;
}

SIM_API double mscsim_gsd_drift_for_power(const mscsim_gsd_bounds *b, double power)
{
    /* Power for benefit: a two-sided design's lower bound stops a trial without counting,
     * as rpact's getDesignCharacteristics counts it. */
    power_ctx ctx = {*b, power};
    if (b->sides == 2) {
        ctx.upper.sides = 1;
        for (int k = 0; k < b->looks; k++)
            ctx.upper.futility_z[k] = k + 1 < b->looks ? -b->efficacy_z[k] : b->efficacy_z[k];
    }
    if (!(power < 1.0) || !(power_gap(0.0, &ctx) < 0.0))
        return NAN;
    double hi = 1.0;
    while (power_gap(hi, &ctx) < 0.0 && hi < 64.0)
        hi *= 2.0;
    return power_gap(hi, &ctx) < 0.0 ? (double)NAN : find_root(power_gap, &ctx, 0.0, hi);
}

SIM_API double mscsim_gsd_inflation_factor(const mscsim_gsd_bounds *b, double power)
{
    double theta = mscsim_gsd_drift_for_power(b, power);
    double alpha = b->cumulative_alpha[b->looks - 1];
    double fixed = qnorm(alpha / b->sides, 0.0, 1.0, 0, 0) + qnorm(power, 0.0, 1.0, 1, 0);
    return theta * theta / (fixed * fixed);
}

SIM_API double mscsim_gsd_conditional_power(double z, double t, double final_z, double theta)
{
    if (!(t > 0.0 && t < 1.0) || isnan(z) || isnan(theta))
        return NAN;
    return upper_tail((final_z - z * sqrt(t) - theta * (1.0 - t)) / sqrt(1.0 - t));
}
