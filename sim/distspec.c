/*
 * Distribution specifications: parsing, formatting, moments, quantiles and draws.
 *
 * DESCRIPTION
 *   A spec is the text a config gives for a random variable ("truncnormal(12, 5, 6, 21)")
 *   turned into a plain value. Formatting writes the shortest numbers that read back
 *   exactly (mscsim_format_double), so parse(format(spec)) == spec for every kind.
 *
 * METHOD
 *   Truncated normal moments and quantiles work on the standardized bounds
 *   a = (lo - mean) / sd, b = (hi - mean) / sd. When the interval lies in one tail, it
 *   is reflected into the upper tail (X -> -X) and the normalizing mass
 *   Q(a) - Q(b) (Q = upper-tail normal probability) is handled on the log scale as
 *   Q(a) (1 - exp(log Q(b) - log Q(a))), so bounds far in a tail (a = 40, where Q(a) is
 *   1e-350 and underflows) still give finite, accurate results. Quantiles invert
 *   Q(x) = Q(a) - p (Q(a) - Q(b)) with qnorm on the log upper-tail scale; the complement
 *   1 - p is only formed where it is exact (p >= 1/2, Sterbenz). Intervals containing
 *   the mean use the lower tail for p <= 1/2 and the upper tail above.
 *   Moments: E = mean + sd (phi(a) - phi(b)) / Z and
 *   Var = sd^2 (1 + (a phi(a) - b phi(b)) / Z - ((phi(a) - phi(b)) / Z)^2), Z the mass
 *   (Johnson, Kotz and Balakrishnan, Continuous Univariate Distributions vol. 1, 2nd ed.,
 *   1994, section 10.1). The variance subtracts numbers of size a^2 from one another, so
 *   for a standardized bound a beyond about 10 it keeps about 15 - 4 log10(a) digits
 *   (about 8.5 digits at a = 38, checked in tests/test_distspec.c).
 *
 * REFERENCE VALUES
 *   tests/ref/make_distspec_ref.R computes the moments with R's integrate() and the
 *   quantiles with R's qnorm/qlnorm; tests/test_distspec.c pins them.
 */
#include "mscsim/distspec.h"

#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "mathlib.h"
#include "mscsim/dist.h"
#include "mscsim/output.h"
#include "number.h"
#include "tolerance.h"

/* Longest spec text accepted: room for 64 discrete pairs written with 17 digits each. */
#define SPEC_TEXT_MAX 4096

/* Largest number of comma-separated arguments of any kind (discrete has the most). */
#define SPEC_MAX_ARGS MSCSIM_DIST_MAX_VALUES

/* Fuzz of the discrete quantile's comparison cdf >= p, as in R's qbinom: a value whose
 * cumulative sum falls below p only by rounding of the sum still counts. */
#define DISCRETE_QUANTILE_FUZZ (64 * DBL_EPSILON)

/* Room for one number written by mscsim_format_double ("%.17g" needs at most 24). */
#define NUMBER_LEN 32

static const char *const accepted_forms =
    "none, normal(mean, sd), uniform(lo, hi), truncnormal(mean, sd, lo, hi), "
    "lognormal(meanlog, sdlog), beta(a, b), gamma(shape, rate), fixed(value), "
    "discrete(v1:p1, v2:p2, ...) or empirical(FILE, column)";

/* {==================================================================================
 * Parsing
 * =================================================================================== */

static void say(char *why, unsigned long why_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void say(char *why, unsigned long why_len, const char *fmt, ...)
{
    if (!why || why_len == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, why_len, fmt, ap);
    va_end(ap);
}

/* Trims spaces at both ends of s in place; returns the new start. */
static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}


/* Reads argument i of kind name into out, explaining a failure in why. */
static int arg_number(const char *name, const char *what, char *tok, int allow_inf, double *out,
                      char *why, unsigned long why_len)
{
    /* NaN and overflow ("1e999") are malformed; only a written inf ("inf", "-Inf") is
     * infinite, accepted when allow_inf; an underflow is the nearest double. */
    sim_num_status s = sim_number_read(tok, strlen(tok), out);
    if (s == SIM_NUM_MALFORMED || s == SIM_NUM_OVERFLOW) {
        say(why, why_len, "%s: %s '%s' is not a number", name, what, tok);
        return MSCSIM_ESYNTAX;
    }
    if (s == SIM_NUM_INFINITE && !allow_inf) {
        say(why, why_len, "%s: %s must be finite, got '%s'", name, what, tok);
        return MSCSIM_ERANGE;
    }
    /* Squares of larger values summed over 10^7 patients overflow: every trial would fail.
     * Truncation bounds (those that may be infinite) only cut, so they are exempt. */
    if (!allow_inf && isfinite(*out) && fabs(*out) > SIM_MAX_MAGNITUDE) {
        say(why, why_len, "%s: %s %s is beyond +-1e100, where sums of squares overflow", name,
            what, tok);
        return MSCSIM_ERANGE;
    }
    return MSCSIM_OK;
}

typedef struct {
    const char *name;
    int nargs;            /* -1: a variable number (discrete) */
    const char *arg_list; /* for messages */
} kind_info;

static const kind_info kinds[] = {
    [MSCSIM_DIST_NONE] = {"none", 0, ""},
    [MSCSIM_DIST_NORMAL] = {"normal", 2, "mean, sd"},
    [MSCSIM_DIST_UNIFORM] = {"uniform", 2, "lo, hi"},
    [MSCSIM_DIST_TRUNCNORMAL] = {"truncnormal", 4, "mean, sd, lo, hi"},
    [MSCSIM_DIST_LOGNORMAL] = {"lognormal", 2, "meanlog, sdlog"},
    [MSCSIM_DIST_FIXED] = {"fixed", 1, "value"},
    [MSCSIM_DIST_DISCRETE] = {"discrete", -1, "v1:p1, v2:p2, ..."},
    [MSCSIM_DIST_EMPIRICAL] = {"empirical", 2, "FILE, column"},
    [MSCSIM_DIST_BETA] = {"beta", 2, "a, b"},
    [MSCSIM_DIST_GAMMA] = {"gamma", 2, "shape, rate"},
    [MSCSIM_DIST_FLAT] = {"flat", 0, ""},
};

static int parse_discrete(char **args, int nargs, mscsim_dist_spec *s, char *why,
                          unsigned long why_len)
{
    if (nargs == 0) {
        say(why, why_len, "discrete needs at least one value:probability pair, as in "
                          "discrete(v1:p1, v2:p2, ...)");
        return MSCSIM_ESYNTAX;
    }
    double sum = 0.0;
    for (int i = 0; i < nargs; i++) {
        char *colon = strchr(args[i], ':');
        if (!colon) {
            say(why, why_len, "discrete: '%s' is not a value:probability pair (expected "
                              "discrete(v1:p1, v2:p2, ...))", args[i]);
            return MSCSIM_ESYNTAX;
        }
        *colon = '\0';
        char *vtok = trim(args[i]), *ptok = trim(colon + 1);
        double v, p;
        int st = arg_number("discrete", "value", vtok, 0, &v, why, why_len);
        if (!st)
            st = arg_number("discrete", "probability", ptok, 0, &p, why, why_len);
        if (st)
            return st;
        if (!(p >= 0.0 && p <= 1.0)) {
            say(why, why_len, "discrete: probability of value %s must be in [0, 1], got %s",
                vtok, ptok);
            return MSCSIM_ERANGE;
        }
        for (int j = 0; j < i; j++) {
            if (s->values[j] == v) {
                say(why, why_len, "discrete: value %s appears twice", vtok);
                return MSCSIM_ERANGE;
            }
        }
        s->values[i] = v;
        s->probs[i] = p;
        sum += p;
    }
    if (!sim_sums_to_one(sum)) {
        say(why, why_len, "discrete: probabilities sum to %.17g, not 1 (tolerance %g)", sum,
            SIM_SUM_TO_ONE_TOL);
        return MSCSIM_ERANGE;
    }
    s->count = nargs;
    return MSCSIM_OK;
}

static int parse_empirical(char **args, mscsim_dist_spec *s, char *why, unsigned long why_len)
{
    const char *file = args[0], *column = args[1];
    if (!*file || !*column) {
        say(why, why_len, "empirical needs a file and a column name, as in "
                          "empirical(pilot.csv, nihss)");
        return MSCSIM_ESYNTAX;
    }
    if (strlen(file) >= sizeof s->file) {
        say(why, why_len, "empirical: file name longer than %zu characters", sizeof s->file - 1);
        return MSCSIM_ERANGE;
    }
    if (strlen(column) >= sizeof s->column) {
        say(why, why_len, "empirical: column name longer than %zu characters",
            sizeof s->column - 1);
        return MSCSIM_ERANGE;
    }
    memcpy(s->file, file, strlen(file) + 1);
    memcpy(s->column, column, strlen(column) + 1);
    return MSCSIM_OK;
}

/* Checks the numeric arguments of the two- to four-parameter kinds. */
static int parse_numeric(mscsim_dist_kind kind, char **args, mscsim_dist_spec *s, char *why,
                         unsigned long why_len)
{
    static const char *const names[][4] = {
        [MSCSIM_DIST_NORMAL] = {"mean", "sd"},
        [MSCSIM_DIST_UNIFORM] = {"lo", "hi"},
        [MSCSIM_DIST_TRUNCNORMAL] = {"mean", "sd", "lo", "hi"},
        [MSCSIM_DIST_LOGNORMAL] = {"meanlog", "sdlog"},
        [MSCSIM_DIST_FIXED] = {"value"},
        [MSCSIM_DIST_BETA] = {"a", "b"},
        [MSCSIM_DIST_GAMMA] = {"shape", "rate"},
    };
    const char *name = kinds[kind].name;
    double v[4] = {0, 0, 0, 0};
    for (int i = 0; i < kinds[kind].nargs; i++) {
        /* Only the truncation bounds may be infinite. */
        int allow_inf = kind == MSCSIM_DIST_TRUNCNORMAL && i >= 2;
        int st = arg_number(name, names[kind][i], args[i], allow_inf, &v[i], why, why_len);
        if (st)
            return st;
    }
    switch (kind) {
    case MSCSIM_DIST_NORMAL:
    case MSCSIM_DIST_TRUNCNORMAL:
    case MSCSIM_DIST_LOGNORMAL:
        if (!(v[1] > 0.0)) {
            say(why, why_len, "%s: %s must be > 0, got %s", name, names[kind][1], args[1]);
            return MSCSIM_ERANGE;
        }
        break;
    case MSCSIM_DIST_UNIFORM:
        if (!(v[0] < v[1])) {
            say(why, why_len, "uniform needs lo < hi, got %s and %s", args[0], args[1]);
            return MSCSIM_ERANGE;
        }
        break;
    case MSCSIM_DIST_BETA:
    case MSCSIM_DIST_GAMMA:
        for (int i = 0; i < 2; i++)
            if (!(v[i] > 0.0)) {
                say(why, why_len, "%s: %s must be > 0, got %s", name, names[kind][i], args[i]);
                return MSCSIM_ERANGE;
            }
        break;
    default:
        break;
    }
    if (kind == MSCSIM_DIST_TRUNCNORMAL && !(v[2] < v[3])) {
        say(why, why_len, "truncnormal needs lo < hi, got %s and %s", args[2], args[3]);
        return MSCSIM_ERANGE;
    }
    s->a = v[0];
    s->b = v[1];
    if (kind == MSCSIM_DIST_TRUNCNORMAL) {
        s->lo = v[2];
        s->hi = v[3];
    }
    return MSCSIM_OK;
}

/* Splits the text between the parentheses at commas into trimmed arguments (in place) and
 * checks their number against the kind's. */
static int split_args(char *inner, const kind_info *k, char *args[SPEC_MAX_ARGS], int *nargs,
                      char *why, unsigned long why_len)
{
    *nargs = 0;
    if (*trim(inner) != '\0') {
        for (char *p = inner;;) {
            char *comma = strchr(p, ',');
            if (*nargs == SPEC_MAX_ARGS) {
                say(why, why_len, "%s: too many arguments (at most %d)", k->name, SPEC_MAX_ARGS);
                return MSCSIM_ESYNTAX;
            }
            if (comma)
                *comma = '\0';
            args[(*nargs)++] = trim(p);
            if (!comma)
                break;
            p = comma + 1;
        }
    }
    if (k->nargs >= 0 && *nargs != k->nargs) {
        say(why, why_len, "%s takes %d argument%s (%s), got %d", k->name, k->nargs,
            k->nargs == 1 ? "" : "s", k->arg_list, *nargs);
        return MSCSIM_ESYNTAX;
    }
    return MSCSIM_OK;
}

SIM_API int mscsim_distspec_parse(const char *text, mscsim_dist_spec *spec, char *why,
                                     unsigned long why_len)
{
    char buf[SPEC_TEXT_MAX];
    if (!text) {
        say(why, why_len, "no distribution given: expected %s", accepted_forms);
        return MSCSIM_EINVAL;
    }
    if (strlen(text) >= sizeof buf) {
        say(why, why_len, "distribution longer than %zu characters", sizeof buf - 1);
        return MSCSIM_ESYNTAX;
    }
    memcpy(buf, text, strlen(text) + 1);
    char *s = trim(buf);

    size_t len = 0;
    while (isalpha((unsigned char)s[len]) || s[len] == '_')
        len++;
    int kind = -1;
    for (int k = 0; k < (int)SIM_ARRAY_LEN(kinds); k++)
        if (strlen(kinds[k].name) == len && strncmp(s, kinds[k].name, len) == 0)
            kind = k;
    char *after = s + len;
    while (isspace((unsigned char)*after))
        after++;
    if (len == 0 || (*after != '(' && *after != '\0')) {
        say(why, why_len, "'%s' is not a distribution: expected %s", text, accepted_forms);
        return MSCSIM_ESYNTAX;
    }
    if (kind < 0) {
        say(why, why_len, "unknown distribution '%.*s': expected %s", (int)len, s,
            accepted_forms);
        return MSCSIM_ESYNTAX;
    }

    mscsim_dist_spec out;
    memset(&out, 0, sizeof out);
    out.kind = (mscsim_dist_kind)kind;
    if (kind == MSCSIM_DIST_NONE || kind == MSCSIM_DIST_FLAT) {
        if (*after != '\0') {
            say(why, why_len, "'%s' takes no arguments: write %s", kinds[kind].name,
                kinds[kind].name);
            return MSCSIM_ESYNTAX;
        }
        *spec = out;
        return MSCSIM_OK;
    }
    if (*after != '(') {
        say(why, why_len, "%s needs arguments: %s(%s)", kinds[kind].name, kinds[kind].name,
            kinds[kind].arg_list);
        return MSCSIM_ESYNTAX;
    }
    /* The text is trimmed, so a well-formed spec ends with its only ')'. */
    char *open = after, *close = strrchr(open, ')');
    if (!close) {
        say(why, why_len, "missing ')' in '%s'", text);
        return MSCSIM_ESYNTAX;
    }
    if (close[1] != '\0') {
        say(why, why_len, "unexpected text after ')' in '%s'", text);
        return MSCSIM_ESYNTAX;
    }
    *close = '\0';
    char *inner = open + 1;
    if (strpbrk(inner, "()")) {
        say(why, why_len, "unexpected parenthesis inside '%s' (file names may not contain "
                          "parentheses or commas)", text);
        return MSCSIM_ESYNTAX;
    }

    char *args[SPEC_MAX_ARGS];
    int nargs = 0;
    int status = split_args(inner, &kinds[kind], args, &nargs, why, why_len);
    if (status)
        return status;
    if (kind == MSCSIM_DIST_DISCRETE)
        status = parse_discrete(args, nargs, &out, why, why_len);
    else if (kind == MSCSIM_DIST_EMPIRICAL)
        status = parse_empirical(args, &out, why, why_len);
    else
        status = parse_numeric((mscsim_dist_kind)kind, args, &out, why, why_len);
    if (status)
        return status;
    *spec = out;
    return MSCSIM_OK;
}

/* {==================================================================================
 * Formatting
 * =================================================================================== */

typedef struct {
    char *buf;
    size_t len, used;
} sink;

static void put(sink *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(sink *o, const char *fmt, ...)
{
    if (o->used >= o->len)
        return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
    va_end(ap);
    if (w > 0)
        o->used += (size_t)w;
}

/* A number as the parser reads it back: infinities are "inf" and "-inf". */
static const char *num(double v, char *tmp)
{
    if (isinf(v))
        return v > 0 ? "inf" : "-inf";
    return mscsim_format_double(tmp, NUMBER_LEN, v);
}

SIM_API char *mscsim_distspec_format(const mscsim_dist_spec *spec, char *buf, unsigned long len)
{
    if (!buf || len == 0)
        return buf;
    sink o = {buf, len, 0};
    char t1[NUMBER_LEN], t2[NUMBER_LEN], t3[NUMBER_LEN], t4[NUMBER_LEN];
    buf[0] = '\0';
    switch (spec->kind) {
    case MSCSIM_DIST_NONE:
    case MSCSIM_DIST_FLAT:
        put(&o, "%s", kinds[spec->kind].name);
        break;
    case MSCSIM_DIST_NORMAL:
    case MSCSIM_DIST_UNIFORM:
    case MSCSIM_DIST_LOGNORMAL:
    case MSCSIM_DIST_BETA:
    case MSCSIM_DIST_GAMMA:
        put(&o, "%s(%s, %s)", kinds[spec->kind].name, num(spec->a, t1), num(spec->b, t2));
        break;
    case MSCSIM_DIST_TRUNCNORMAL:
        put(&o, "truncnormal(%s, %s, %s, %s)", num(spec->a, t1), num(spec->b, t2),
            num(spec->lo, t3), num(spec->hi, t4));
        break;
    case MSCSIM_DIST_FIXED:
        put(&o, "fixed(%s)", num(spec->a, t1));
        break;
    case MSCSIM_DIST_DISCRETE:
        put(&o, "discrete(");
        for (int i = 0; i < spec->count; i++)
            put(&o, "%s%s:%s", i ? ", " : "", num(spec->values[i], t1), num(spec->probs[i], t2));
        put(&o, ")");
        break;
    case MSCSIM_DIST_EMPIRICAL:
        put(&o, "empirical(%s, %s)", spec->file, spec->column);
        break;
    }
    return buf;
}

/* {==================================================================================
 * Truncated normal on standardized bounds a < b
 * =================================================================================== */

/* log(1 - s r) where e = 1 - r (both computed from one exponent) and sc = 1 - s. For
 * s > 1/2 the complement is used, e + sc r, which has no cancellation. */
static double log1m_sr(double e, double r, double s, double sc)
{
    return s <= 0.5 ? log1p(-s * r) : log(e + sc * r);
}

/* Mass of [a, b] in the upper tail (0 < a < b <= inf) on the log scale:
 * log Q(a) and the factors e = Q(b) / Q(a), r = 1 - e. */
typedef struct {
    double lqa, e, r;
} upper_mass;

static upper_mass upper_mass_of(double a, double b)
{
    upper_mass m;
    m.lqa = pnorm(a, 0.0, 1.0, 0, 1);
    double d = pnorm(b, 0.0, 1.0, 0, 1) - m.lqa; /* <= 0; -inf when b = inf */
    m.e = exp(d);
    m.r = -expm1(d);
    return m;
}

/* Quantile of the standard normal truncated to [a, b] with 0 < a: s = P(X <= x) and
 * sc = 1 - s (only read when s > 1/2, where it is exact). */
static double tn_quantile_upper(double a, double b, double s, double sc)
{
    upper_mass m = upper_mass_of(a, b);
    double lq = m.lqa + log1m_sr(m.e, m.r, s, sc);
    return qnorm(lq, 0.0, 1.0, 0, 1);
}

static double tn_quantile_std(double a, double b, double p)
{
    double x;
    if (a > 0.0) {
        x = tn_quantile_upper(a, b, p, p > 0.5 ? 1.0 - p : (double)NAN);
    } else if (b < 0.0) {
        /* X = -Y, Y on [-b, -a]: P(X <= x) = p means P(Y <= -x) = 1 - p. */
        x = -tn_quantile_upper(-b, -a, 1.0 - p, p);
    } else {
        double z = pnorm(b, 0.0, 1.0, 1, 0) - pnorm(a, 0.0, 1.0, 1, 0);
        if (p <= 0.5)
            x = qnorm(pnorm(a, 0.0, 1.0, 1, 0) + p * z, 0.0, 1.0, 1, 0);
        else
            x = qnorm(pnorm(b, 0.0, 1.0, 0, 0) + (1.0 - p) * z, 0.0, 1.0, 0, 0);
    }
    return fmin(fmax(x, a), b);
}

/* Mean and variance of the standard normal truncated to [a, b]. */
static void tn_moments_std(double a, double b, double *mean, double *var)
{
    double sign = 1.0;
    if (b < 0.0) {
        double t = a;
        a = -b;
        b = -t;
        sign = -1.0;
    }
    double la, lb; /* phi(a) / Z and phi(b) / Z */
    if (a > 0.0) {
        upper_mass m = upper_mass_of(a, b);
        la = exp(dnorm(a, 0.0, 1.0, 1) - m.lqa) / m.r;
        lb = isfinite(b) ? exp(dnorm(b, 0.0, 1.0, 1) - m.lqa) / m.r : 0.0;
    } else {
        double z = pnorm(b, 0.0, 1.0, 1, 0) - pnorm(a, 0.0, 1.0, 1, 0);
        la = isfinite(a) ? dnorm(a, 0.0, 1.0, 0) / z : 0.0;
        lb = isfinite(b) ? dnorm(b, 0.0, 1.0, 0) / z : 0.0;
    }
    double m = la - lb;
    double ta = isfinite(a) ? a * la : 0.0, tb = isfinite(b) ? b * lb : 0.0;
    *mean = sign * m;
    *var = fmax(1.0 + ta - tb - m * m, 0.0);
}

/* {==================================================================================
 * Moments, quantiles, draws
 * =================================================================================== */

/* Sum of the discrete probabilities (1 within SIM_SUM_TO_ONE_TOL; used to renormalise,
 * as mscsim_categorical_init does). */
static double prob_total(const mscsim_dist_spec *s)
{
    double t = 0.0;
    for (int i = 0; i < s->count; i++)
        t += s->probs[i];
    return t;
}

SIM_API double mscsim_distspec_mean(const mscsim_dist_spec *spec)
{
    switch (spec->kind) {
    case MSCSIM_DIST_NORMAL:
    case MSCSIM_DIST_FIXED:
        return spec->a;
    case MSCSIM_DIST_UNIFORM:
        return 0.5 * (spec->a + spec->b);
    case MSCSIM_DIST_TRUNCNORMAL: {
        double m, v;
        tn_moments_std((spec->lo - spec->a) / spec->b, (spec->hi - spec->a) / spec->b, &m, &v);
        return spec->a + spec->b * m;
    }
    case MSCSIM_DIST_LOGNORMAL:
        return exp(spec->a + 0.5 * spec->b * spec->b);
    case MSCSIM_DIST_BETA:
        return spec->a / (spec->a + spec->b);
    case MSCSIM_DIST_GAMMA:
        return spec->a / spec->b;
    case MSCSIM_DIST_DISCRETE: {
        double s = 0.0;
        for (int i = 0; i < spec->count; i++)
            s += spec->values[i] * spec->probs[i];
        return s / prob_total(spec);
    }
    default:
        return (double)NAN;
    }
}

SIM_API double mscsim_distspec_sd(const mscsim_dist_spec *spec)
{
    switch (spec->kind) {
    case MSCSIM_DIST_NORMAL:
        return spec->b;
    case MSCSIM_DIST_FIXED:
        return 0.0;
    case MSCSIM_DIST_UNIFORM:
        return (spec->b - spec->a) / sqrt(12.0); /* width over sqrt(12) */
    case MSCSIM_DIST_TRUNCNORMAL: {
        double m, v;
        tn_moments_std((spec->lo - spec->a) / spec->b, (spec->hi - spec->a) / spec->b, &m, &v);
        return spec->b * sqrt(v);
    }
    case MSCSIM_DIST_LOGNORMAL: {
        /* sd = mean * sqrt(exp(sdlog^2) - 1), with expm1 for small sdlog. */
        double s2 = spec->b * spec->b;
        return exp(spec->a + 0.5 * s2) * sqrt(expm1(s2));
    }
    case MSCSIM_DIST_BETA: {
        double t = spec->a + spec->b;
        return sqrt(spec->a * spec->b / (t * t * (t + 1.0)));
    }
    case MSCSIM_DIST_GAMMA:
        return sqrt(spec->a) / spec->b;
    case MSCSIM_DIST_DISCRETE: {
        double mean = mscsim_distspec_mean(spec), ss = 0.0; /* two passes */
        for (int i = 0; i < spec->count; i++)
            ss += spec->probs[i] * (spec->values[i] - mean) * (spec->values[i] - mean);
        return sqrt(ss / prob_total(spec));
    }
    default:
        return (double)NAN;
    }
}

/* Discrete quantile: the smallest value whose cumulative probability reaches p (values
 * taken in increasing order, whatever order they were written in). p = 0 gives the
 * smallest value of positive probability, the bottom of the support. */
static double discrete_quantile(const mscsim_dist_spec *s, double p)
{
    int order[MSCSIM_DIST_MAX_VALUES];
    for (int i = 0; i < s->count; i++) { /* insertion sort: at most 64 values */
        int j = i;
        while (j > 0 && s->values[order[j - 1]] > s->values[i]) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    double total = prob_total(s), target = p * total * (1.0 - DISCRETE_QUANTILE_FUZZ);
    double cum = 0.0, last = (double)NAN;
    for (int i = 0; i < s->count; i++) {
        double pi = s->probs[order[i]];
        if (pi <= 0.0)
            continue;
        cum += pi;
        last = s->values[order[i]];
        if (cum >= target)
            return last;
    }
    return last; /* p = 1 when the sum fell short by rounding */
}

SIM_API double mscsim_distspec_quantile(const mscsim_dist_spec *spec, double p)
{
    if (isnan(p) || p < 0.0 || p > 1.0)
        return (double)NAN;
    switch (spec->kind) {
    case MSCSIM_DIST_NORMAL:
        return qnorm(p, spec->a, spec->b, 1, 0);
    case MSCSIM_DIST_UNIFORM:
        return fmin(spec->a + p * (spec->b - spec->a), spec->b);
    case MSCSIM_DIST_TRUNCNORMAL: {
        if (p == 0.0 || p == 1.0) /* exact ends; the log-scale path may miss by an ulp */
            return p == 0.0 ? spec->lo : spec->hi;
        double mu = spec->a, sd = spec->b;
        double x = tn_quantile_std((spec->lo - mu) / sd, (spec->hi - mu) / sd, p);
        return fmin(fmax(mu + sd * x, spec->lo), spec->hi);
    }
    case MSCSIM_DIST_LOGNORMAL:
        return qlnorm(p, spec->a, spec->b, 1, 0);
    case MSCSIM_DIST_BETA:
        return qbeta(p, spec->a, spec->b, 1, 0);
    case MSCSIM_DIST_GAMMA:
        return qgamma(p, spec->a, 1.0 / spec->b, 1, 0); /* Rmath takes the scale */
    case MSCSIM_DIST_FIXED:
        return spec->a;
    case MSCSIM_DIST_DISCRETE:
        return discrete_quantile(spec, p);
    default:
        return (double)NAN;
    }
}

SIM_API double mscsim_distspec_draw(const mscsim_dist_spec *spec, mscsim_rng *rng)
{
    switch (spec->kind) {
    case MSCSIM_DIST_NORMAL:
        return mscsim_rnorm(rng, spec->a, spec->b);
    case MSCSIM_DIST_UNIFORM:
        return spec->a + (spec->b - spec->a) * mscsim_rng_uniform(rng);
    case MSCSIM_DIST_TRUNCNORMAL:
        return mscsim_rtruncnorm(rng, spec->a, spec->b, spec->lo, spec->hi);
    case MSCSIM_DIST_LOGNORMAL:
        return exp(mscsim_rnorm(rng, spec->a, spec->b));
    case MSCSIM_DIST_BETA:
    case MSCSIM_DIST_GAMMA:
        /* Inversion: one uniform per draw, used where draws are few (a trial's prior). */
        return mscsim_distspec_quantile(spec, mscsim_rng_uniform_pos(rng));
    case MSCSIM_DIST_FIXED:
        return spec->a; /* uses no random numbers */
    default:
        return (double)NAN;
    }
}

SIM_API void mscsim_distspec_fill(const mscsim_dist_spec *spec, mscsim_rng *rng, size_t n,
                                  double *out)
{
    /* The generator as a local: the stores to out would otherwise keep its state in
     * memory, a store and a load on every draw's dependency chain. */
    mscsim_rng r = *rng;
    double a = spec->a, b = spec->b;
    switch (spec->kind) {
    case MSCSIM_DIST_NORMAL:
        for (size_t i = 0; i < n; i++)
            out[i] = mscsim_rnorm(&r, a, b);
        break;
    case MSCSIM_DIST_UNIFORM:
        for (size_t i = 0; i < n; i++)
            out[i] = a + (b - a) * mscsim_rng_uniform(&r);
        break;
    case MSCSIM_DIST_LOGNORMAL:
        for (size_t i = 0; i < n; i++)
            out[i] = exp(mscsim_rnorm(&r, a, b));
        break;
    case MSCSIM_DIST_FIXED:
        for (size_t i = 0; i < n; i++)
            out[i] = a;
        break;
    default: /* the kinds drawn by a call each anyway (or NaN) */
        for (size_t i = 0; i < n; i++)
            out[i] = mscsim_distspec_draw(spec, &r);
        break;
    }
    *rng = r;
}
