/*
 * Tests of distribution specs (include/mscsim/distspec.h, sim/distspec.c).
 *
 * - Parsing: every kind round-trips through format and parse (the struct compares equal
 *   byte for byte, the text is canonical), and malformed specs fail with a status and a
 *   reason naming what is wrong.
 * - Moments and quantiles against R (tests/ref/make_distspec_ref.R: moments by
 *   integrate(), truncated quantiles by uniroot() on the log-scale CDF). Tolerances:
 *   MOMENT_TOL and QUANTILE_TOL relative, widened for standardized truncation bounds a
 *   far in a tail to TAIL_ULPS * a^4 * DBL_EPSILON (moments: the documented accuracy
 *   of the variance formula) and TAIL_ULPS * a^2 * DBL_EPSILON (quantiles: log Q(a) is
 *   about -a^2/2, so an ulp of it moves x by about a DBL_EPSILON).
 * - Filling an array equals drawing its values one by one (test_fill).
 * - Draws, fixed seeds, N_DRAWS each: sample mean and variance within K_MCSE Monte Carlo
 *   standard errors sqrt(var / n) and sqrt((mu4 - var^2) / n) (exact moments from R),
 *   and the DKW bound sup |F_n - F| <= sqrt(log(2 / DKW_DELTA) / (2 n)) (Massart 1990)
 *   against the CDF written with Rmath's pnorm/plnorm. A correct sampler fails a check
 *   with probability about 1e-6; no seed is retried.
 */
#include <float.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mathlib.h"
#include "mscsim/distspec.h"
#include "mscsim/error.h"

#define N_DRAWS 1000000   /* draws per sampler check */
#define K_MCSE 5.0        /* two-sided normal tail 5.7e-7 */
#define DKW_DELTA 1e-6    /* DKW false-failure probability per check */
#define MOMENT_TOL 1e-11  /* integrate(rel.tol = 1e-13) plus our rounding */
#define QUANTILE_TOL 1e-12 /* uniroot converges to a few ulps */
#define TAIL_ULPS 16.0    /* ulps allowed per unit of the tail error growth factor */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static mscsim_dist_spec parse_ok(const char *text)
{
    mscsim_dist_spec s;
    char why[256] = "";
    memset(&s, 0, sizeof s);
    int st = mscsim_distspec_parse(text, &s, why, sizeof why);
    if (st)
        CHECK(0, "parse '%.200s': unexpected error %d: %.200s", text, st, why);
    return s;
}

/* How far in a tail a truncated normal sits: max(0, standardized lo, -standardized hi). */
static double tail_depth(const mscsim_dist_spec *s)
{
    if (s->kind != MSCSIM_DIST_TRUNCNORMAL)
        return 0.0;
    return fmax(0.0, fmax((s->lo - s->a) / s->b, (s->a - s->hi) / s->b));
}

/* ---- parse / format ------------------------------------------------------------------ */

static void test_roundtrip(void)
{
    /* input, canonical form (NULL: only the round trip is checked) */
    static const char *const cases[][2] = {
        {"none", "none"},
        {"  none ", "none"},
        {"normal(40, 15)", "normal(40, 15)"},
        {" normal( 40 ,15 ) ", "normal(40, 15)"},
        {"normal(0.1, 0.30000000000000004)", "normal(0.1, 0.30000000000000004)"},
        {"normal(-1e-300, 1e100)", "normal(-1e-300, 1e+100)"},
        {"uniform(0, 49)", "uniform(0, 49)"},
        {"truncnormal(12, 5, 6, 21)", "truncnormal(12, 5, 6, 21)"},
        {"truncnormal(0, 1, -inf, inf)", "truncnormal(0, 1, -inf, inf)"},
        {"truncnormal(1,2,-INF,3)", "truncnormal(1, 2, -inf, 3)"},
        {"truncnormal(0, 1, -Infinity, 1e300)", "truncnormal(0, 1, -inf, 1e+300)"},
        {"lognormal(3, 0.25)", "lognormal(3, 0.25)"},
        {"lognormal(2.9957322735539909, 0.1)", "lognormal(2.995732273553991, 0.1)"},
        {"fixed(20.2)", "fixed(20.2)"},
        {"beta(2, 5)", "beta(2, 5)"},
        {" gamma( 2 ,0.5 )", "gamma(2, 0.5)"},
        {"flat", "flat"},
        {"fixed(1e-320)", NULL},
        {"discrete(0:0.25, 1:0.25, 2:0.5)", "discrete(0:0.25, 1:0.25, 2:0.5)"},
        {"discrete(6 : 0.1 ,-1:0.9)", "discrete(6:0.1, -1:0.9)"},
        {"discrete(0:0.1, 1:0.2, 2:0.7000000000000001)", NULL},
        {"discrete(3:1)", "discrete(3:1)"},
        {"empirical(../data/pilot.csv, age)", "empirical(../data/pilot.csv, age)"},
        {"empirical( data dir/pilot 1.csv ,  fma_ue )", "empirical(data dir/pilot 1.csv, fma_ue)"},
        {"empirical(/abs/p.csv,onset_days)", "empirical(/abs/p.csv, onset_days)"},
    };
    char buf[4096];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mscsim_dist_spec s1 = parse_ok(cases[i][0]), s2;
        mscsim_distspec_format(&s1, buf, sizeof buf);
        if (cases[i][1])
            STR_EQ(buf, cases[i][1], "format(parse('%s'))", cases[i][0]);
        s2 = parse_ok(buf);
        CHECK(memcmp(&s1, &s2, sizeof s1) == 0, "parse(format(parse('%s'))) is the same spec",
              cases[i][0]);
    }

    /* A discrete spec with the most values, each written with 17 digits: the longest
     * format; it must round-trip in a 4096-byte buffer. */
    char text[4096];
    size_t used = (size_t)snprintf(text, sizeof text, "discrete(");
    double left = 1.0;
    for (int i = 0; i < MSCSIM_DIST_MAX_VALUES; i++) {
        double p = i + 1 < MSCSIM_DIST_MAX_VALUES ? 1.0 / 3.0 / 21.0 : left;
        left -= p;
        used += (size_t)snprintf(text + used, sizeof text - used, "%s%.17g:%.17g", i ? ", " : "",
                                 -1.0 / 3.0 * (i + 1), p);
    }
    snprintf(text + used, sizeof text - used, ")");
    mscsim_dist_spec big = parse_ok(text), back;
    INT_EQ(big.count, MSCSIM_DIST_MAX_VALUES, "discrete with %d values parses",
           MSCSIM_DIST_MAX_VALUES);
    mscsim_distspec_format(&big, buf, sizeof buf);
    back = parse_ok(buf);
    CHECK(memcmp(&big, &back, sizeof big) == 0, "64-value discrete round-trips (%zu chars)",
          strlen(buf));

    /* Fields as documented. */
    mscsim_dist_spec t = parse_ok("truncnormal(12, 5, -inf, 21)");
    CHECK(t.kind == MSCSIM_DIST_TRUNCNORMAL && t.a == 12 && t.b == 5 && isinf(t.lo) && t.lo < 0 &&
              t.hi == 21,
          "truncnormal fields: a = mean, b = sd, lo = -inf, hi");
    mscsim_dist_spec e = parse_ok("empirical(pilot.csv, nihss)");
    CHECK(e.kind == MSCSIM_DIST_EMPIRICAL && strcmp(e.file, "pilot.csv") == 0 &&
              strcmp(e.column, "nihss") == 0,
          "empirical fields: file and column as written");
    mscsim_dist_spec d = parse_ok("discrete(2:0.5, 1:0.5)");
    CHECK(d.count == 2 && d.values[0] == 2 && d.values[1] == 1 && d.probs[0] == 0.5,
          "discrete keeps the values in the order written");
    CHECK(parse_ok("none").kind == MSCSIM_DIST_NONE, "none parses to MSCSIM_DIST_NONE");

    /* A tiny buffer truncates but stays a string. */
    char small[8];
    mscsim_distspec_format(&t, small, sizeof small);
    INT_EQ(strlen(small), sizeof small - 1, "format into 8 bytes truncates to 7 chars");
}

static void test_errors(void)
{
    static const struct {
        const char *text;
        int status;
        const char *reason; /* substring of the message */
    } cases[] = {
        {"", MSCSIM_ESYNTAX, "is not a distribution: expected none, normal(mean, sd)"},
        {"42", MSCSIM_ESYNTAX, "is not a distribution"},
        /* Parameters whose squares overflow sums over 10^7 patients (bounds may be larger). */
        {"normal(0, 1e300)", MSCSIM_ERANGE, "normal: sd 1e300 is beyond +-1e100"},
        {"uniform(-1e101, 0)", MSCSIM_ERANGE, "uniform: lo -1e101 is beyond +-1e100"},
        {"weibull(2, 3)", MSCSIM_ESYNTAX, "unknown distribution 'weibull': expected none, normal"},
        {"beta(0, 1)", MSCSIM_ERANGE, "beta: a must be > 0"},
        {"beta(1, -2)", MSCSIM_ERANGE, "beta: b must be > 0"},
        {"gamma(2, 0)", MSCSIM_ERANGE, "gamma: rate must be > 0"},
        {"gamma(1)", MSCSIM_ESYNTAX, "gamma takes 2 arguments (shape, rate)"},
        {"flat(1)", MSCSIM_ESYNTAX, "'flat' takes no arguments"},
        {"Normal(1, 2)", MSCSIM_ESYNTAX, "unknown distribution 'Normal'"},
        {"normal", MSCSIM_ESYNTAX, "normal needs arguments: normal(mean, sd)"},
        {"none()", MSCSIM_ESYNTAX, "'none' takes no arguments"},
        {"normal(1)", MSCSIM_ESYNTAX, "normal takes 2 arguments (mean, sd), got 1"},
        {"normal(1, 2, 3)", MSCSIM_ESYNTAX, "normal takes 2 arguments (mean, sd), got 3"},
        {"normal()", MSCSIM_ESYNTAX, "got 0"},
        {"normal(1, 2,)", MSCSIM_ESYNTAX, "got 3"},
        {"uniform(1)", MSCSIM_ESYNTAX, "uniform takes 2 arguments (lo, hi)"},
        {"truncnormal(0, 1, 2)", MSCSIM_ESYNTAX,
         "truncnormal takes 4 arguments (mean, sd, lo, hi), got 3"},
        {"lognormal(1)", MSCSIM_ESYNTAX, "lognormal takes 2 arguments (meanlog, sdlog)"},
        {"fixed()", MSCSIM_ESYNTAX, "fixed takes 1 argument (value), got 0"},
        {"fixed(1, 2)", MSCSIM_ESYNTAX, "fixed takes 1 argument (value), got 2"},
        {"empirical(pilot.csv)", MSCSIM_ESYNTAX, "empirical takes 2 arguments (FILE, column)"},
        {"empirical(a, b, c)", MSCSIM_ESYNTAX, "got 3"},
        {"empirical(, age)", MSCSIM_ESYNTAX, "empirical needs a file and a column name"},
        {"empirical(pilot.csv, )", MSCSIM_ESYNTAX, "empirical needs a file and a column name"},
        {"empirical(f(1).csv, age)", MSCSIM_ESYNTAX, "may not contain parentheses or commas"},
        {"normal(1, 0)", MSCSIM_ERANGE, "normal: sd must be > 0, got 0"},
        {"normal(1, -2)", MSCSIM_ERANGE, "sd must be > 0"},
        {"truncnormal(1, 0, 0, 2)", MSCSIM_ERANGE, "truncnormal: sd must be > 0"},
        {"lognormal(1, 0)", MSCSIM_ERANGE, "lognormal: sdlog must be > 0"},
        {"uniform(3, 3)", MSCSIM_ERANGE, "uniform needs lo < hi, got 3 and 3"},
        {"uniform(4, 3)", MSCSIM_ERANGE, "uniform needs lo < hi"},
        {"truncnormal(0, 1, 2, 1)", MSCSIM_ERANGE, "truncnormal needs lo < hi, got 2 and 1"},
        {"truncnormal(0, 1, inf, inf)", MSCSIM_ERANGE, "truncnormal needs lo < hi"},
        {"truncnormal(0, 1, 5, -inf)", MSCSIM_ERANGE, "truncnormal needs lo < hi"},
        {"normal(inf, 1)", MSCSIM_ERANGE, "normal: mean must be finite, got 'inf'"},
        {"uniform(0, inf)", MSCSIM_ERANGE, "uniform: hi must be finite"},
        {"truncnormal(inf, 1, 0, 1)", MSCSIM_ERANGE, "truncnormal: mean must be finite"},
        {"fixed(-inf)", MSCSIM_ERANGE, "fixed: value must be finite"},
        {"normal(nan, 1)", MSCSIM_ESYNTAX, "normal: mean 'nan' is not a number"},
        {"normal(1x, 2)", MSCSIM_ESYNTAX, "normal: mean '1x' is not a number"},
        /* Decimal only: strtod's hexadecimal floats are not config numbers. */
        {"uniform(-0.5, 0x1p-3)", MSCSIM_ESYNTAX, "uniform: hi '0x1p-3' is not a number"},
        {"normal(1 2, 3)", MSCSIM_ESYNTAX, "'1 2' is not a number"},
        {"normal(1e999, 1)", MSCSIM_ESYNTAX, "'1e999' is not a number"},
        {"truncnormal(0, 1, 1e999, inf)", MSCSIM_ESYNTAX, "lo '1e999' is not a number"},
        {"normal(1, 2", MSCSIM_ESYNTAX, "missing ')'"},
        {"normal(1, 2) x", MSCSIM_ESYNTAX, "unexpected text after ')'"},
        {"normal(1, 2))", MSCSIM_ESYNTAX, "unexpected parenthesis"},
        {"normal((1, 2)", MSCSIM_ESYNTAX, "unexpected parenthesis"},
        {"normal 1, 2", MSCSIM_ESYNTAX, "is not a distribution"},
        {"discrete()", MSCSIM_ESYNTAX, "discrete needs at least one value:probability pair"},
        {"discrete(1:0.5, 2:0.4)", MSCSIM_ERANGE, "probabilities sum to 0.9"},
        {"discrete(1:0.5, 2:0.5000001)", MSCSIM_ERANGE, "not 1 (tolerance 1e-09)"},
        {"discrete(1:-0.1, 2:1.1)", MSCSIM_ERANGE, "probability of value 1 must be in [0, 1]"},
        {"discrete(1:0.5, 1:0.5)", MSCSIM_ERANGE, "value 1 appears twice"},
        {"discrete(1:0.5 2:0.5)", MSCSIM_ESYNTAX, "probability '0.5 2:0.5' is not a number"},
        {"discrete(1, 2)", MSCSIM_ESYNTAX, "'1' is not a value:probability pair"},
        {"discrete(a:1)", MSCSIM_ESYNTAX, "value 'a' is not a number"},
        {"discrete(1:nan)", MSCSIM_ESYNTAX, "probability 'nan' is not a number"},
        {"discrete(inf:1)", MSCSIM_ERANGE, "discrete: value must be finite"},
    };
    char why[512];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mscsim_dist_spec s;
        memset(&s, 0x5a, sizeof s);
        mscsim_dist_spec before = s;
        why[0] = '\0';
        int st = mscsim_distspec_parse(cases[i].text, &s, why, sizeof why);
        INT_EQ(st, cases[i].status, "parse '%s' fails (%.200s)", cases[i].text, why);
        CHECK(strstr(why, cases[i].reason) != NULL, "'%.60s': reason \"%.200s\" contains \"%.100s\"",
              cases[i].text, why, cases[i].reason);
        CHECK(memcmp(&s, &before, sizeof s) == 0, "'%s': spec left unchanged on error",
              cases[i].text);
    }

    /* Too many discrete values, too-long names. */
    char text[4096];
    size_t used = (size_t)snprintf(text, sizeof text, "discrete(");
    for (int i = 0; i <= MSCSIM_DIST_MAX_VALUES; i++)
        used += (size_t)snprintf(text + used, sizeof text - used, "%s%d:0", i ? ", " : "", i);
    snprintf(text + used, sizeof text - used, ")");
    mscsim_dist_spec s;
    int st = mscsim_distspec_parse(text, &s, why, sizeof why);
    CHECK(st == MSCSIM_ESYNTAX && strstr(why, "too many arguments (at most 64)"),
          "65 discrete values: %.200s", why);
    memset(text, 'x', sizeof text);
    memcpy(text, "empirical(", 10);
    snprintf(text + 10 + MSCSIM_DIST_PATH_LEN, 16, ", age)");
    st = mscsim_distspec_parse(text, &s, why, sizeof why);
    CHECK(st == MSCSIM_ERANGE && strstr(why, "file name longer than 191"),
          "file name of %d chars: %.200s", MSCSIM_DIST_PATH_LEN, why);
    memset(text, 'y', sizeof text);
    memcpy(text, "empirical(a.csv, ", 17);
    snprintf(text + 17 + 64, 8, ")");
    st = mscsim_distspec_parse(text, &s, why, sizeof why);
    CHECK(st == MSCSIM_ERANGE && strstr(why, "column name longer than 63"), "long column: %.200s",
          why);
    char huge[4097];
    memset(huge, ' ', sizeof huge);
    huge[sizeof huge - 1] = '\0';
    st = mscsim_distspec_parse(huge, &s, why, sizeof why);
    CHECK(st == MSCSIM_ESYNTAX && strstr(why, "longer than 4095"), "4096-char text: %.200s", why);
    st = mscsim_distspec_parse(NULL, &s, why, sizeof why);
    INT_EQ(st, MSCSIM_EINVAL, "NULL text");
    st = mscsim_distspec_parse("normal(1, 0)", &s, NULL, 0);
    INT_EQ(st, MSCSIM_ERANGE, "why may be NULL");
}

/* ---- moments and quantiles against R --------------------------------------------------- */

/* Rscript tests/ref/make_distspec_ref.R (moments block): spec, mean, sd, variance,
 * fourth central moment. */
static const struct {
    const char *spec;
    double mean, sd, var, mu4;
} moment_ref[] = {
    {"truncnormal(12, 5, 6, 21)", 12.678656626823878, 3.6732941482978694, 13.493089899919369, 396.83285624008494},
    {"truncnormal(40, 15, 0, 49)", 33.31303656064059, 10.416301180507848, 108.49933028304916, 32971.230768903246},
    {"truncnormal(0, 1, 5, inf)", 5.1865039671258426, 0.18082155462530525, 0.032696434617112254, 0.0082950074839007026},
    {"truncnormal(-3, 2, -inf, -20)", -20.229190640330422, 0.22634214094836275, 0.051230764769088513, 0.022165259564394652},
    {"truncnormal(0, 1, 38, 39)", 38.026279466572646, 0.026261373792437842, 0.00068965975346614106, 4.2650243031973066e-06},
    {"truncnormal(10, 2, -inf, 9)", 7.7178444592638709, 1.0363019003280443, 1.0739216286235156, 5.1081129142443826},
    {"truncnormal(0, 1, -1, inf)", 0.28759997093917833, 0.79352774732620757, 0.62968628577660546, 1.1900621455648597},
    {"truncnormal(2, 3, -inf, inf)", 2, 2.9999999999999996, 8.9999999999999982, 242.99999999999997},
    {"lognormal(3, 0.25)", 20.723120306578686, 5.262793747428737, 27.69699802797501, 3142.0859534404763},
    {"lognormal(0, 1.5)", 3.0802168489180315, 8.9738172181164515, 80.529395464163287, 65357303.759453088},
    {"discrete(0:0.029, 1:0.078, 2:0.118, 3:0.167, 4:0.382, 5:0.196, 6:0.03)", 3.5030000000000001, 1.3689379094758096, 1.873991, 10.215040195757},
};

/* Rscript tests/ref/make_distspec_ref.R (quantiles block): spec, p, quantile. */
static const struct {
    const char *spec;
    double p, q;
} quantile_ref[] = {
    {"truncnormal(12, 5, 6, 21)", 1e-10, 6.0000000021860487},
    {"truncnormal(12, 5, 6, 21)", 0.01, 6.2131269243122214},
    {"truncnormal(12, 5, 6, 21)", 0.29999999999999999, 10.337682833474336},
    {"truncnormal(12, 5, 6, 21)", 0.5, 12.496748309741964},
    {"truncnormal(12, 5, 6, 21)", 0.90000000000000002, 17.854230542841176},
    {"truncnormal(12, 5, 6, 21)", 0.99999999989999999, 20.999999994623188},
    {"truncnormal(40, 15, 0, 49)", 1e-10, 9.50224716689263e-08},
    {"truncnormal(40, 15, 0, 49)", 0.01, 5.6700938986426621},
    {"truncnormal(40, 15, 0, 49)", 0.29999999999999999, 28.437624882155681},
    {"truncnormal(40, 15, 0, 49)", 0.5, 34.814681183206211},
    {"truncnormal(40, 15, 0, 49)", 0.90000000000000002, 45.924051891724787},
    {"truncnormal(40, 15, 0, 49)", 0.99999999989999999, 48.999999996750319},
    {"truncnormal(0, 1, 5, inf)", 1e-10, 5.0000000000192806},
    {"truncnormal(0, 1, 5, inf)", 0.01, 5.0019374361689977},
    {"truncnormal(0, 1, 5, inf)", 0.29999999999999999, 5.0683342630130159},
    {"truncnormal(0, 1, 5, inf)", 0.5, 5.1320183320442982},
    {"truncnormal(0, 1, 5, inf)", 0.90000000000000002, 5.4269340030500244},
    {"truncnormal(0, 1, 5, inf)", 0.99999999989999999, 8.37059028091927},
    {"truncnormal(-3, 2, -inf, -20)", 1e-10, -24.709242924536216},
    {"truncnormal(-3, 2, -inf, -20)", 0.01, -21.038257935804687},
    {"truncnormal(-3, 2, -inf, -20)", 0.29999999999999999, -20.277315798549505},
    {"truncnormal(-3, 2, -inf, -20)", 0.5, -20.160188713567972},
    {"truncnormal(-3, 2, -inf, -20)", 0.90000000000000002, -20.024443814239213},
    {"truncnormal(-3, 2, -inf, -20)", 0.99999999989999999, -20.000000000023217},
    {"truncnormal(0, 1, 38, 39)", 1e-10, 38.000000000002629},
    {"truncnormal(0, 1, 38, 39)", 0.01, 38.00026429882417},
    {"truncnormal(0, 1, 38, 39)", 0.29999999999999999, 38.009378540334666},
    {"truncnormal(0, 1, 38, 39)", 0.5, 38.018223745586276},
    {"truncnormal(0, 1, 38, 39)", 0.90000000000000002, 38.060504366902947},
    {"truncnormal(0, 1, 38, 39)", 0.99999999989999999, 38.60078200250522},
    {"truncnormal(10, 2, -inf, 9)", 1e-10, -3.0790840173148766},
    {"truncnormal(10, 2, -inf, 9)", 0.01, 4.52286517114588},
    {"truncnormal(10, 2, -inf, 9)", 0.29999999999999999, 7.3497067430235834},
    {"truncnormal(10, 2, -inf, 9)", 0.5, 7.9634089680794418},
    {"truncnormal(10, 2, -inf, 9)", 0.90000000000000002, 8.8205277430324589},
    {"truncnormal(10, 2, -inf, 9)", 0.99999999989999999, 8.9999999998247269},
    {"truncnormal(0, 1, -1, inf)", 1e-10, -0.9999999996522948},
    {"truncnormal(0, 1, -1, inf)", 0.01, -0.96581371822693773},
    {"truncnormal(0, 1, -1, inf)", 0.29999999999999999, -0.22482250789866209},
    {"truncnormal(0, 1, -1, inf)", 0.5, 0.20017368616689091},
    {"truncnormal(0, 1, -1, inf)", 0.90000000000000002, 1.3777873615993073},
    {"truncnormal(0, 1, -1, inf)", 0.99999999989999999, 6.3878184280281696},
    {"truncnormal(2, 3, -inf, inf)", 1e-10, -17.084022707212171},
    {"truncnormal(2, 3, -inf, inf)", 0.01, -4.9790436221225232},
    {"truncnormal(2, 3, -inf, inf)", 0.29999999999999999, 0.42679846187587733},
    {"truncnormal(2, 3, -inf, inf)", 0.5, 2},
    {"truncnormal(2, 3, -inf, inf)", 0.90000000000000002, 5.8446546966338024},
    {"truncnormal(2, 3, -inf, inf)", 0.99999999989999999, 21.084022669092263},
    {"normal(40, 15)", 1e-10, -55.420113536060839},
    {"normal(40, 15)", 0.01, 5.1047818893873895},
    {"normal(40, 15)", 0.29999999999999999, 32.133992309379387},
    {"normal(40, 15)", 0.5, 40},
    {"normal(40, 15)", 0.90000000000000002, 59.22327348316901},
    {"normal(40, 15)", 0.99999999989999999, 135.42011334546132},
    {"lognormal(3, 0.25)", 1e-10, 4.0945825650773653},
    {"lognormal(3, 0.25)", 0.01, 11.228026643965057},
    {"lognormal(3, 0.25)", 0.29999999999999999, 17.617625888127346},
    {"lognormal(3, 0.25)", 0.5, 20.085536923187668},
    {"lognormal(3, 0.25)", 0.90000000000000002, 27.671081851389769},
    {"lognormal(3, 0.25)", 0.99999999989999999, 98.527453238339291},
    {"lognormal(0, 1.5)", 1e-10, 7.1772342820334434e-05},
    {"lognormal(0, 1.5)", 0.01, 0.030515460838703372},
    {"lognormal(0, 1.5)", 0.29999999999999999, 0.45539014356133023},
    {"lognormal(0, 1.5)", 0.5, 1},
    {"lognormal(0, 1.5)", 0.90000000000000002, 6.8368517028752489},
    {"lognormal(0, 1.5)", 0.99999999989999999, 13932.943270966067},
};

static void test_moments(void)
{
    for (size_t i = 0; i < sizeof moment_ref / sizeof moment_ref[0]; i++) {
        mscsim_dist_spec s = parse_ok(moment_ref[i].spec);
        double a = tail_depth(&s);
        double tol = fmax(MOMENT_TOL, TAIL_ULPS * a * a * a * a * DBL_EPSILON);
        REL_EQ(mscsim_distspec_mean(&s), moment_ref[i].mean, tol, "mean of %s vs R",
               moment_ref[i].spec);
        REL_EQ(mscsim_distspec_sd(&s), moment_ref[i].sd, tol, "sd of %s vs R", moment_ref[i].spec);
    }
    struct {
        const char *spec;
        double mean, sd;
    } simple[] = {
        {"normal(40, 15)", 40, 15},
        {"uniform(0, 49)", 24.5, 49 / sqrt(12.0)},
        {"fixed(20.2)", 20.2, 0},
        {"discrete(3:1)", 3, 0},
        {"discrete(2:0.5, 0:0.5)", 1, 1},
        {"beta(2, 5)", 2.0 / 7.0, sqrt(10.0 / (49.0 * 8.0))}, /* ab / ((a+b)^2 (a+b+1)) */
        {"gamma(2, 3)", 2.0 / 3.0, sqrt(2.0) / 3.0},         /* shape/rate, sqrt(shape)/rate */
    };
    for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++) {
        mscsim_dist_spec s = parse_ok(simple[i].spec);
        REL_EQ(mscsim_distspec_mean(&s), simple[i].mean, 4 * DBL_EPSILON, "mean of %s",
               simple[i].spec);
        REL_EQ(mscsim_distspec_sd(&s), simple[i].sd, 4 * DBL_EPSILON, "sd of %s", simple[i].spec);
    }
    mscsim_dist_spec none = parse_ok("none"), emp = parse_ok("empirical(p.csv, age)");
    CHECK(isnan(mscsim_distspec_mean(&none)) && isnan(mscsim_distspec_sd(&none)) &&
              isnan(mscsim_distspec_mean(&emp)) && isnan(mscsim_distspec_sd(&emp)),
          "mean and sd are NaN for none and empirical");
}

static void test_quantiles(void)
{
    /* R: qbeta(0.3, 2, 5), qgamma(0.7, shape = 2, rate = 3), qbeta(0.999, 0.5, 0.5). */
    const struct {
        const char *spec;
        double p, q;
    } prior_ref[] = {{"beta(2, 5)", 0.3, 0.18180347131894911},
                     {"gamma(2, 3)", 0.7, 0.81307216109340141},
                     {"beta(0.5, 0.5)", 0.999, 0.99999753260092905}};
    for (size_t i = 0; i < sizeof prior_ref / sizeof prior_ref[0]; i++) {
        mscsim_dist_spec s = parse_ok(prior_ref[i].spec);
        REL_EQ(mscsim_distspec_quantile(&s, prior_ref[i].p), prior_ref[i].q, QUANTILE_TOL,
               "quantile %g of %s vs R", prior_ref[i].p, prior_ref[i].spec);
    }
    mscsim_dist_spec b = parse_ok("beta(2, 5)"), g = parse_ok("gamma(2, 3)");
    CHECK(mscsim_distspec_quantile(&b, 0) == 0 && mscsim_distspec_quantile(&b, 1) == 1 &&
              mscsim_distspec_quantile(&g, 0) == 0 && isinf(mscsim_distspec_quantile(&g, 1)),
          "beta's support is [0, 1], gamma's [0, inf)");
    for (size_t i = 0; i < sizeof quantile_ref / sizeof quantile_ref[0]; i++) {
        mscsim_dist_spec s = parse_ok(quantile_ref[i].spec);
        double a = tail_depth(&s);
        double tol = fmax(QUANTILE_TOL, TAIL_ULPS * a * a * DBL_EPSILON);
        REL_EQ(mscsim_distspec_quantile(&s, quantile_ref[i].p), quantile_ref[i].q, tol,
               "quantile of %s at p = %.17g vs R", quantile_ref[i].spec, quantile_ref[i].p);
    }

    /* Boundaries and invalid p. */
    mscsim_dist_spec tn = parse_ok("truncnormal(12, 5, 6, 21)");
    mscsim_dist_spec tail = parse_ok("truncnormal(0, 1, 38, 39)");
    mscsim_dist_spec left = parse_ok("truncnormal(-3, 2, -inf, -20)");
    mscsim_dist_spec n = parse_ok("normal(40, 15)"), u = parse_ok("uniform(0, 49)");
    mscsim_dist_spec ln = parse_ok("lognormal(3, 0.25)"), fx = parse_ok("fixed(7)");
    CHECK(mscsim_distspec_quantile(&tn, 0) == 6 && mscsim_distspec_quantile(&tn, 1) == 21,
          "truncnormal quantile at p = 0 and 1 are lo and hi");
    CHECK(mscsim_distspec_quantile(&tail, 0) == 38 && mscsim_distspec_quantile(&tail, 1) == 39,
          "far-tail truncnormal quantile at p = 0 and 1 are lo and hi");
    CHECK(isinf(mscsim_distspec_quantile(&left, 0)) &&
              mscsim_distspec_quantile(&left, 1) == -20,
          "truncnormal(.., -inf, -20) at p = 0 and 1: -inf and -20");
    CHECK(isinf(mscsim_distspec_quantile(&n, 0)) && isinf(mscsim_distspec_quantile(&n, 1)),
          "normal quantile at 0 and 1 is infinite, as qnorm");
    CHECK(mscsim_distspec_quantile(&u, 0) == 0 && mscsim_distspec_quantile(&u, 1) == 49 &&
              mscsim_distspec_quantile(&u, 0.25) == 12.25,
          "uniform quantile lo + p (hi - lo)");
    CHECK(mscsim_distspec_quantile(&ln, 0) == 0, "lognormal quantile at 0 is 0");
    CHECK(mscsim_distspec_quantile(&fx, 0.3) == 7, "fixed quantile is the value");
    int nan_ok = 1;
    const double bad_p[] = {-0.1, 1.1, NAN};
    for (int i = 0; i < 3; i++)
        nan_ok &= isnan(mscsim_distspec_quantile(&tn, bad_p[i])) &&
                  isnan(mscsim_distspec_quantile(&n, bad_p[i]));
    mscsim_dist_spec none = parse_ok("none"), emp = parse_ok("empirical(p.csv, age)");
    nan_ok &= isnan(mscsim_distspec_quantile(&none, 0.5)) &&
              isnan(mscsim_distspec_quantile(&emp, 0.5));
    CHECK(nan_ok, "quantile is NaN for p outside [0, 1], NaN p, none and empirical");

    /* Monotone and inside [lo, hi] on a fine grid, far tail included. */
    const char *const mono[] = {"truncnormal(12, 5, 6, 21)", "truncnormal(0, 1, 38, 39)",
                                "truncnormal(-3, 2, -inf, -20)", "truncnormal(0, 1, -1, inf)"};
    for (int k = 0; k < 4; k++) {
        mscsim_dist_spec s = parse_ok(mono[k]);
        int ok = 1;
        double prev = -INFINITY;
        for (int i = 0; i <= 10000; i++) {
            double q = mscsim_distspec_quantile(&s, i / 10000.0);
            ok &= q >= prev && q >= s.lo && q <= s.hi;
            prev = q;
        }
        CHECK(ok, "%s: quantile non-decreasing and inside [lo, hi] on 10001 points", mono[k]);
    }

    /* Discrete: smallest value whose cumulative probability reaches p. */
    mscsim_dist_spec d = parse_ok("discrete(2:0.5, 0:0.25, 1:0.25)");
    const double dp[] = {0, 0.1, 0.25, 0.2500001, 0.5, 0.5000001, 0.75, 1};
    const double dq[] = {0, 0, 0, 1, 1, 2, 2, 2};
    for (int i = 0; i < 8; i++)
        CHECK(mscsim_distspec_quantile(&d, dp[i]) == dq[i], "discrete (unsorted) at p = %g: %g",
              dp[i], dq[i]);
    mscsim_dist_spec z = parse_ok("discrete(0:0, 1:0.3, 5:0.7, 9:0)");
    CHECK(mscsim_distspec_quantile(&z, 0) == 1 && mscsim_distspec_quantile(&z, 1) == 5,
          "discrete quantile skips zero-probability values at p = 0 and p = 1");
    mscsim_dist_spec r = parse_ok("discrete(0:0.1, 1:0.2, 2:0.7)");
    CHECK(mscsim_distspec_quantile(&r, 0.1 + 0.2) == 1 && mscsim_distspec_quantile(&r, 0.3) == 1,
          "discrete quantile at p = 0.3 is 1 whichever way 0.3 was rounded");
}

/* ---- draws --------------------------------------------------------------------------- */

/* CDF of spec, from the tail where it is accurate (the DKW check needs it to ~1e-7). */
static double spec_cdf(const mscsim_dist_spec *s, double x)
{
    switch (s->kind) {
    case MSCSIM_DIST_NORMAL:
        return pnorm(x, s->a, s->b, 1, 0);
    case MSCSIM_DIST_UNIFORM:
        return fmin(fmax((x - s->a) / (s->b - s->a), 0.0), 1.0);
    case MSCSIM_DIST_LOGNORMAL:
        return plnorm(x, s->a, s->b, 1, 0);
    case MSCSIM_DIST_BETA:
        return pbeta(x, s->a, s->b, 1, 0);
    case MSCSIM_DIST_GAMMA:
        return pgamma(x, s->a, 1.0 / s->b, 1, 0);
    case MSCSIM_DIST_TRUNCNORMAL: {
        double a = (s->lo - s->a) / s->b, b = (s->hi - s->a) / s->b, z = (x - s->a) / s->b;
        if (a > 0) { /* upper tail, log scale: (Q(a) - Q(z)) / (Q(a) - Q(b)) */
            double lqa = pnorm(a, 0, 1, 0, 1);
            return expm1(pnorm(z, 0, 1, 0, 1) - lqa) / expm1(pnorm(b, 0, 1, 0, 1) - lqa);
        }
        return (pnorm(z, 0, 1, 1, 0) - pnorm(a, 0, 1, 1, 0)) /
               (pnorm(b, 0, 1, 1, 0) - pnorm(a, 0, 1, 1, 0));
    }
    default:
        return (double)NAN;
    }
}

static void check_draws(const char *text, uint64_t seed, double var, double mu4, double *x)
{
    mscsim_dist_spec s = parse_ok(text);
    double lo = s.kind == MSCSIM_DIST_TRUNCNORMAL ? s.lo : -HUGE_VAL;
    double hi = s.kind == MSCSIM_DIST_TRUNCNORMAL ? s.hi : HUGE_VAL;
    if (s.kind == MSCSIM_DIST_UNIFORM) {
        lo = s.a;
        hi = s.b;
    }
    if (s.kind == MSCSIM_DIST_LOGNORMAL || s.kind == MSCSIM_DIST_GAMMA)
        lo = 0.0;
    if (s.kind == MSCSIM_DIST_BETA) {
        lo = 0.0;
        hi = 1.0;
    }
    mscsim_rng rng;
    mscsim_rng_seed(&rng, seed, 7u);
    const size_t n = N_DRAWS;
    size_t bad = 0;
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        x[i] = mscsim_distspec_draw(&s, &rng);
        bad += !(x[i] >= lo && x[i] <= hi);
        sum += x[i];
    }
    INT_EQ(bad, 0, "%s: draws NaN or outside [%g, %g]", text, lo, hi);
    double mean = sum / (double)n, ss = 0.0;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - mean) * (x[i] - mean);
    double svar = ss / (double)(n - 1);
    if (mu4 > 0) {
        ABS_EQ(mean, mscsim_distspec_mean(&s), K_MCSE * sqrt(var / (double)n),
               "%s: sample mean within %g MCSE", text, K_MCSE);
        ABS_EQ(svar, var, K_MCSE * sqrt((mu4 - var * var) / (double)n),
               "%s: sample variance within %g MCSE", text, K_MCSE);
    }
    qsort(x, n, sizeof x[0], cmp_double);
    double d = 0.0;
    for (size_t i = 0; i < n; i++) {
        double f = spec_cdf(&s, x[i]);
        if (!(f >= 0.0 && f <= 1.0))
            f = (double)NAN;
        d = fmax(d, fmax(f - (double)i / (double)n, (double)(i + 1) / (double)n - f));
        if (isnan(f))
            d = INFINITY; /* a CDF that cannot be evaluated fails the check */
    }
    double eps = sqrt(log(2.0 / DKW_DELTA) / (2.0 * (double)n));
    CHECK(d <= eps, "%s: DKW sup|F_n - F| = %.3g <= %.3g (n = %zu)", text, d, eps, n);
}

static const double *ref_moments(const char *spec)
{
    for (size_t i = 0; i < sizeof moment_ref / sizeof moment_ref[0]; i++)
        if (strcmp(moment_ref[i].spec, spec) == 0)
            return &moment_ref[i].var; /* var, then mu4 */
    return NULL;
}

static void test_draws(void)
{
    double *x = malloc(N_DRAWS * sizeof *x);
    if (!x) {
        CHECK(0, "out of memory");
        return;
    }
    const char *const ref_specs[] = {"truncnormal(12, 5, 6, 21)", "truncnormal(40, 15, 0, 49)",
                                     "truncnormal(0, 1, 5, inf)", "truncnormal(-3, 2, -inf, -20)",
                                     "truncnormal(0, 1, 38, 39)", "lognormal(3, 0.25)"};
    for (int i = 0; i < 6; i++) {
        const double *m = ref_moments(ref_specs[i]);
        check_draws(ref_specs[i], 1000u + (uint64_t)i, m[0], m[1], x);
    }
    /* Heavy tail: the variance's MCSE is not useful here; DKW only. */
    check_draws("lognormal(0, 1.5)", 1010u, 0, 0, x);
    /* normal: mu4 = 3 sd^4; uniform: var = w^2/12, mu4 = w^4/80. */
    check_draws("normal(40, 15)", 1011u, 225.0, 3.0 * 50625.0, x);
    check_draws("uniform(0, 49)", 1012u, 49.0 * 49.0 / 12.0, pow(49.0, 4) / 80.0, x);
    /* Beta and gamma are drawn by inversion: the DKW check covers the whole distribution. */
    check_draws("beta(2, 5)", 1013u, 0, 0, x);
    check_draws("gamma(2, 3)", 1014u, 0, 0, x);
    free(x);

    mscsim_rng rng, before;
    mscsim_rng_seed(&rng, 5u, 5u);
    before = rng;
    mscsim_dist_spec fx = parse_ok("fixed(7.5)");
    CHECK(mscsim_distspec_draw(&fx, &rng) == 7.5 && memcmp(&rng, &before, sizeof rng) == 0,
          "fixed draws its value and uses no random numbers");
    const char *const nan_kinds[] = {"none", "discrete(1:1)", "empirical(p.csv, age)", "flat"};
    for (int i = 0; i < 4; i++) {
        mscsim_dist_spec s = parse_ok(nan_kinds[i]);
        CHECK(isnan(mscsim_distspec_draw(&s, &rng)), "draw of %s is NaN (drawn by the population)",
              nan_kinds[i]);
    }

    /* Reproducible: the same seed gives the same draws. */
    mscsim_dist_spec tn = parse_ok("truncnormal(12, 5, 6, 21)");
    mscsim_rng r1, r2;
    mscsim_rng_seed(&r1, 99u, 1u);
    mscsim_rng_seed(&r2, 99u, 1u);
    int same = 1;
    for (int i = 0; i < 1000; i++)
        same &= mscsim_distspec_draw(&tn, &r1) == mscsim_distspec_draw(&tn, &r2);
    CHECK(same, "same seed, same truncnormal draws");
}

/* mscsim_distspec_fill equals n calls of mscsim_distspec_draw: the same values, bit for bit,
 * and the generator left in the same state, for every kind (NaN for those the population
 * draws). */
static void test_fill(void)
{
    enum { N = 1000 };
    const char *const specs[] = {"normal(40, 15)",    "uniform(0, 49)", "truncnormal(12, 5, 6, 21)",
                                 "lognormal(3, 0.25)", "fixed(7.5)",     "beta(2, 5)",
                                 "gamma(2, 3)",       "none",           "discrete(1:1)"};
    for (size_t k = 0; k < sizeof specs / sizeof specs[0]; k++) {
        mscsim_dist_spec s = parse_ok(specs[k]);
        mscsim_rng by_fill, by_draw;
        mscsim_rng_seed(&by_fill, 77u, (uint64_t)k);
        by_draw = by_fill;
        double filled[N], drawn[N];
        mscsim_distspec_fill(&s, &by_fill, N, filled);
        for (int i = 0; i < N; i++)
            drawn[i] = mscsim_distspec_draw(&s, &by_draw);
        CHECK(memcmp(filled, drawn, sizeof filled) == 0 &&
                  memcmp(&by_fill, &by_draw, sizeof by_fill) == 0,
              "fill of %s equals %d draws and leaves the generator where they do", specs[k], N);
    }
}

int main(void)
{
    test_roundtrip();
    test_errors();
    test_moments();
    test_quantiles();
    test_draws();
    test_fill();
    return TEST_DONE();
}
