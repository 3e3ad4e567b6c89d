/*
 * Tests of the analytic power module (sim/analytic.c).
 *
 * 1. Reference powers: every row of tests/ref/analytic_ref.csv (tests/ref/make_analytic_ref.R:
 *    power.t.test, pwr.t2n.test, the Fleiss, Wald and Whitehead formulas in R, enumeration
 *    with chisq.test, prop.test and fisher.test, dropout mixtures summed in R) through the
 *    design functions, and each direct function on the rows without dropout.
 * 2. Other stored references: the exact powers of tests/ref/power_ref.csv
 *    (make_power_ref.R), equal for Student, chisq and fisher, and within the stated error of
 *    the Welch and ANCOVA approximations; Whitehead against the polr simulation of
 *    tests/ref/po_power_ref.csv (make_po_ref.R) within 4 Monte Carlo SE.
 * 3. Sample sizes: tests/ref/samplesize_ref.csv (make_analytic_ref.R), by design and by
 *    config.
 * 4. The dispatcher on configs built with the config API: the value of the matching
 *    reference row, NaN with a reason where there is no closed form, and, for the mappings
 *    a formula cannot check (final endpoint sd, responder on mRS, the shipped example), the
 *    simulated power of the same config within 4 Monte Carlo SE.
 * 5. Edge cases: invalid input gives NaN or an error code, sizes the analysis cannot use
 *    give power 0, the null gives alpha.
 */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_util.h"
#include "harness.h"
#include "mathlib.h"
#include "ref_table.h"
#include "mscsim/analytic.h"
#include "mscsim/config.h"
#include "mscsim/engine.h"

/*
 * Tolerances, relative to the reference power (plus TRUNC_ABS absolute):
 * - T_TOL for noncentral t powers: R and mscsim call the same pnt (libRmath 4.2.2), but
 *   the noncentrality is computed by different expressions (power.t.test: sqrt(n / 2)
 *   delta / sd), so the inputs differ by an ulp or two and pnt's series may stop at a
 *   different term; its truncation error is below errmax = 1e-12 (nmath/pnt.c), so
 *   1e-10 relative (1e-11 absolute at power 0.1) leaves a margin of at least 10.
 * - FORMULA_TOL for pnorm-based formulas (Fleiss, Wald, Whitehead) and exact enumerations:
 *   the same operations in a different order (R's sum() accumulates in long double), a few
 *   ulps of each term, amplified by at most the number of terms (< 1e4 tables of weight < 1).
 * - TRUNC_ABS: the binomial tails mscsim skips (4 x 1e-15), absolute.
 */
#define T_TOL 1e-10
#define FORMULA_TOL 1e-12
#define TRUNC_ABS 4e-15

/* Monte Carlo checks: a correct mapping fails a 4-MCSE check with probability 6e-5. */
#define K_MCSE 4.0
#define SIM_REPS 20000

static int close_rel(double got, double want, double tol)
{
    return fabs(got - want) <= tol * fabs(want) + TRUNC_ABS;
}

/* ======================================================================================
 * Reference rows
 * ====================================================================================== */

typedef struct {
    const char *name;
    mscsim_analytic_method method;
    double tol;
} method_row;

static const method_row methods[] = {
    {"student", MSCSIM_ANALYTIC_STUDENT, T_TOL},
    {"welch", MSCSIM_ANALYTIC_WELCH, T_TOL},
    {"ancova", MSCSIM_ANALYTIC_ANCOVA, T_TOL},
    {"fleiss", MSCSIM_ANALYTIC_FLEISS, FORMULA_TOL},
    {"wald", MSCSIM_ANALYTIC_WALD, FORMULA_TOL},
    {"exact_chisq", MSCSIM_ANALYTIC_EXACT_CHISQ, FORMULA_TOL},
    {"exact_rd_z", MSCSIM_ANALYTIC_EXACT_RD_Z, FORMULA_TOL},
    {"exact_fisher", MSCSIM_ANALYTIC_EXACT_FISHER, FORMULA_TOL},
    {"whitehead", MSCSIM_ANALYTIC_WHITEHEAD, FORMULA_TOL},
};

static const method_row *find_method(const char *name)
{
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (strcmp(methods[i].name, name) == 0)
            return &methods[i];
    fprintf(stderr, "unknown method %s\n", name);
    exit(2);
}

static double cell(const table *t, size_t row, const char *col)
{
    return num(table_get(t, row, table_col(t, col)));
}

/* The design of reference row `row`; its sizes in n. */
static void row_design(const table *t, size_t row, mscsim_analytic_design *d, long n[2])
{
    memset(d, 0, sizeof *d);
    d->method = find_method(table_get(t, row, table_col(t, "method")))->method;
    d->alpha = cell(t, row, "alpha");
    d->sides = (int)cell(t, row, "sides");
    d->delta = cell(t, row, "delta");
    d->sd[0] = cell(t, row, "sd0");
    d->sd[1] = cell(t, row, "sd1");
    if (d->method == MSCSIM_ANALYTIC_ANCOVA) {
        double rho = cell(t, row, "rho");
        d->sd[0] = d->sd[1] = d->sd[0] * sqrt(1.0 - rho * rho); /* as make_analytic_ref.R */
        d->covariates = (int)cell(t, row, "covariates");
    }
    d->p[0] = cell(t, row, "p0");
    d->p[1] = cell(t, row, "p1");
    d->odds_ratio = cell(t, row, "odds_ratio");
    const char *s = table_get(t, row, table_col(t, "probs"));
    if (strcmp(s, "NA") != 0) {
        for (;;) {
            const char *end;
            d->probs[d->categories++] = num_end(s, &end);
            if (*end != ';')
                break;
            s = end + 1;
        }
    }
    d->dropout[0] = cell(t, row, "dropout0");
    d->dropout[1] = cell(t, row, "dropout1");
    n[0] = (long)cell(t, row, "n0");
    n[1] = (long)cell(t, row, "n1");
}

/* The direct function of a design without dropout. */
static double direct_power(const mscsim_analytic_design *d, long n0, long n1)
{
    double p = NAN;
    switch (d->method) {
    case MSCSIM_ANALYTIC_STUDENT:
        return mscsim_analytic_student_power(n0, n1, d->delta, d->sd[0], d->alpha, d->sides);
    case MSCSIM_ANALYTIC_WELCH:
        return mscsim_analytic_welch_power(n0, n1, d->delta, d->sd[0], d->sd[1], d->alpha,
                                           d->sides);
    case MSCSIM_ANALYTIC_ANCOVA:
        return mscsim_analytic_ancova_power(n0, n1, d->delta, d->sd[0], d->covariates,
                                            d->alpha, d->sides);
    case MSCSIM_ANALYTIC_FLEISS:
        return mscsim_analytic_fleiss_power(n0, n1, d->p[0], d->p[1], d->alpha, d->sides);
    case MSCSIM_ANALYTIC_WALD:
        return mscsim_analytic_wald_power(n0, n1, d->p[0], d->p[1], d->alpha, d->sides);
    case MSCSIM_ANALYTIC_EXACT_CHISQ:
    case MSCSIM_ANALYTIC_EXACT_RD_Z:
    case MSCSIM_ANALYTIC_EXACT_FISHER: {
        const char *name = d->method == MSCSIM_ANALYTIC_EXACT_CHISQ  ? "chisq"
                           : d->method == MSCSIM_ANALYTIC_EXACT_RD_Z ? "rd_z"
                                                                     : "fisher";
        int status = mscsim_analytic_exact_binary_power(name, n0, n1, d->p[0], d->p[1],
                                                        d->alpha, d->sides, &p, NULL);
        return status == MSCSIM_OK ? p : (double)NAN;
    }
    case MSCSIM_ANALYTIC_WHITEHEAD:
        return mscsim_analytic_whitehead_power(n0, n1, d->probs, d->categories, d->odds_ratio,
                                               d->alpha, d->sides);
    case MSCSIM_ANALYTIC_EXACT_WELCH:
        return mscsim_analytic_welch_exact_power(n0, n1, d->delta, d->sd[0], d->sd[1], d->alpha,
                                                 d->sides);
    case MSCSIM_ANALYTIC_EXACT_ANCOVA:
        return mscsim_analytic_ancova_exact_power(n0, n1, d->delta, d->sd[0], d->covariates,
                                                  d->alpha, d->sides);
    }
    return p;
}

static table ref; /* analytic_ref.csv, read once */

/* The index of reference row id; exits if absent (the test itself would be wrong). */
static size_t ref_row(const char *id)
{
    size_t c = table_col(&ref, "id");
    for (size_t i = 0; i < ref.nrow; i++)
        if (strcmp(table_get(&ref, i, c), id) == 0)
            return i;
    fprintf(stderr, "analytic_ref.csv has no row %s\n", id);
    exit(2);
}

static double ref_power(const char *id)
{
    return cell(&ref, ref_row(id), "power");
}

static void test_reference_rows(void)
{
    CHECK(ref.nrow >= 60, "analytic_ref.csv has %zu rows", ref.nrow);
    size_t c_id = table_col(&ref, "id"), c_method = table_col(&ref, "method");
    for (size_t i = 0; i < ref.nrow; i++) {
        const char *id = table_get(&ref, i, c_id);
        const method_row *m = find_method(table_get(&ref, i, c_method));
        mscsim_analytic_design d;
        long n[2];
        row_design(&ref, i, &d, n);
        double want = cell(&ref, i, "power"), got = mscsim_analytic_design_power(&d, n[0], n[1]);
        /* Value: make_analytic_ref.R, row id of analytic_ref.csv. */
        CHECK(close_rel(got, want, m->tol), "%s: got %.17g want %.17g (rel tol %g)", id, got,
              want, m->tol);
        if (d.dropout[0] == 0.0 && d.dropout[1] == 0.0) {
            double direct = direct_power(&d, n[0], n[1]);
            CHECK(direct == got, "%s: direct function %.17g = design power %.17g", id, direct,
                  got);
        }
    }
}

/* ======================================================================================
 * Other stored references
 * ====================================================================================== */

/* Exact powers of power_ref.csv: Student exactly (T_TOL); chisq and fisher exactly
 * (FORMULA_TOL); the Welch approximation within WELCH_APPROX of the exact power (measured
 * by make_analytic_ref.R: at most 5.5e-4 with effect, 1.6e-4 at the null, where the
 * approximation gives alpha exactly); the ANCOVA approximation above the exact power by at
 * most ANCOVA_APPROX (measured 0.0074 at 30/30 and 0.0054 at 20/40; O(1/n)). */
#define WELCH_APPROX 1e-3
#define ANCOVA_APPROX 0.01

/* The exact integrals against R's integrate() (make_power_ref.R, make_exact_analytic_ref.R):
 * both quadratures converge to about 1e-10 (R: rel.tol 1e-10 to 1e-12, with pf/pt(ncp =)
 * accurate to ~1e-10; mscsim's trapezoid rules: measured 1e-13 for ANCOVA and 1e-11 for
 * Welch against a rule with 4 times the nodes), so 1e-8 leaves a margin of 100. */
#define INTEGRAL_TOL 1e-8

static void test_power_ref(void)
{
    table t;
    CHECK(table_read(&t, "power_ref.csv"), "read power_ref.csv");
    for (size_t i = 0; i < t.nrow; i++) {
        const char *id = table_get(&t, i, table_col(&t, "id"));
        const char *test = table_get(&t, i, table_col(&t, "test"));
        mscsim_analytic_design d;
        memset(&d, 0, sizeof d);
        d.alpha = cell(&t, i, "alpha");
        d.sides = (int)cell(&t, i, "sides");
        d.dropout[0] = d.dropout[1] = cell(&t, i, "dropout");
        d.delta = cell(&t, i, "mean_msc") - cell(&t, i, "mean_control");
        d.sd[0] = d.sd[1] = cell(&t, i, "sd");
        d.p[0] = cell(&t, i, "p_control");
        d.p[1] = cell(&t, i, "p_msc");
        long n0 = (long)cell(&t, i, "n_control"), n1 = (long)cell(&t, i, "n_msc");
        double want = cell(&t, i, "power");
        if (strcmp(test, "student") == 0) {
            d.method = MSCSIM_ANALYTIC_STUDENT;
            double got = mscsim_analytic_design_power(&d, n0, n1);
            CHECK(close_rel(got, want, T_TOL), "power_ref %s: %.17g vs %.17g", id, got, want);
        } else if (strcmp(test, "chisq") == 0 || strcmp(test, "fisher") == 0) {
            d.method = test[0] == 'c' ? MSCSIM_ANALYTIC_EXACT_CHISQ : MSCSIM_ANALYTIC_EXACT_FISHER;
            double got = mscsim_analytic_design_power(&d, n0, n1);
            CHECK(close_rel(got, want, FORMULA_TOL), "power_ref %s: %.17g vs %.17g", id, got,
                  want);
        } else if (strcmp(test, "welch") == 0) {
            d.method = MSCSIM_ANALYTIC_EXACT_WELCH;
            ABS_EQ(mscsim_analytic_design_power(&d, n0, n1), want, INTEGRAL_TOL,
                   "power_ref %s: exact Welch integral", id);
            d.method = MSCSIM_ANALYTIC_WELCH;
            double got = mscsim_analytic_design_power(&d, n0, n1);
            ABS_EQ(got, want, WELCH_APPROX, "power_ref %s: Welch approximation", id);
        } else if (strcmp(test, "ancova") == 0) {
            double rho = cell(&t, i, "rho");
            d.method = MSCSIM_ANALYTIC_EXACT_ANCOVA;
            d.covariates = 1;
            d.sd[0] = d.sd[1] = d.sd[0] * sqrt(1.0 - rho * rho);
            ABS_EQ(mscsim_analytic_design_power(&d, n0, n1), want, INTEGRAL_TOL,
                   "power_ref %s: exact ANCOVA integral", id);
            d.method = MSCSIM_ANALYTIC_ANCOVA;
            double got = mscsim_analytic_design_power(&d, n0, n1);
            if (d.delta == 0.0)
                ABS_EQ(got, 0.05, 1e-15, "power_ref %s: ANCOVA approximation at the null", id);
            else
                CHECK(got >= want && got - want <= ANCOVA_APPROX,
                      "power_ref %s: ANCOVA approximation %.5f, exact %.5f", id, got, want);
        } else {
            CHECK(0, "power_ref %s: unknown test %s", id, test);
        }
    }
    table_free(&t);
}

/* tests/ref/exact_analytic_ref.csv (make_exact_analytic_ref.R): the exact Welch and ANCOVA
 * integrals within INTEGRAL_TOL of R's, and within K_MCSE MCSE of R's simulations (the
 * conditioning arguments themselves); chisq and rd_z enumerations with the MCAR mixture
 * within FORMULA_TOL. Each row must take its exact path (cheap enough for the budget). */
static void test_exact_ref(void)
{
    table t;
    CHECK(table_read(&t, "exact_analytic_ref.csv"), "read exact_analytic_ref.csv");
    CHECK(t.nrow >= 19, "exact_analytic_ref.csv has %zu rows", t.nrow);
    for (size_t i = 0; i < t.nrow; i++) {
        const char *id = table_get(&t, i, table_col(&t, "id"));
        const char *method = table_get(&t, i, table_col(&t, "method"));
        mscsim_analytic_design d;
        memset(&d, 0, sizeof d);
        d.alpha = cell(&t, i, "alpha");
        d.sides = (int)cell(&t, i, "sides");
        d.dropout[0] = cell(&t, i, "dropout0");
        d.dropout[1] = cell(&t, i, "dropout1");
        long n0 = (long)cell(&t, i, "n0"), n1 = (long)cell(&t, i, "n1");
        double want = cell(&t, i, "power"), tol = FORMULA_TOL;
        int binary = strncmp(method, "chisq", 5) == 0 || strncmp(method, "rd_z", 4) == 0;
        if (binary) {
            d.method = method[0] == 'c' ? MSCSIM_ANALYTIC_EXACT_CHISQ : MSCSIM_ANALYTIC_EXACT_RD_Z;
            d.p[0] = cell(&t, i, "p0");
            d.p[1] = cell(&t, i, "p1");
        } else {
            d.method = strncmp(method, "welch", 5) == 0 ? MSCSIM_ANALYTIC_EXACT_WELCH
                                                        : MSCSIM_ANALYTIC_EXACT_ANCOVA;
            d.delta = cell(&t, i, "delta");
            d.sd[0] = cell(&t, i, "sd0");
            d.sd[1] = cell(&t, i, "sd1");
            if (d.method == MSCSIM_ANALYTIC_EXACT_ANCOVA)
                d.covariates = (int)cell(&t, i, "covariates");
        }
        CHECK(!mscsim_analytic_design_approximates(&d, n0, n1) &&
                  mscsim_analytic_design_formula(&d, n0, n1) ==
                      (binary ? MSCSIM_ANALYTIC_FORMULA_ENUMERATION
                              : MSCSIM_ANALYTIC_FORMULA_INTEGRAL),
              "%s: exact within the budget (cost %.3g s)", id,
              mscsim_analytic_design_cost(&d, n0, n1));
        double got = mscsim_analytic_design_power(&d, n0, n1);
        /* Value: make_exact_analytic_ref.R, row id of exact_analytic_ref.csv. */
        if (strstr(method, "_sim"))
            ABS_EQ(got, want, K_MCSE * cell(&t, i, "mcse"), "%s: exact vs R simulation", id);
        else if (binary)
            CHECK(close_rel(got, want, tol), "%s: got %.17g want %.17g", id, got, want);
        else
            ABS_EQ(got, want, INTEGRAL_TOL, "%s: exact integral vs R's integrate()", id);
        if (d.dropout[0] == 0.0 && d.dropout[1] == 0.0)
            CHECK(direct_power(&d, n0, n1) == got, "%s: direct function = design power", id);
    }
    table_free(&t);
}

/* Whitehead against 20000 polr fits (po_power_ref.csv; TREASURE placebo control, 150 per
 * arm): both tests, both levels, power (OR 1.67) and size (OR 1), within K_MCSE MCSE. */
static void test_po_simulation(void)
{
    table t;
    CHECK(table_read(&t, "po_power_ref.csv"), "read po_power_ref.csv");
    mscsim_analytic_design d;
    long n[2];
    /* The TREASURE probabilities as analytic_ref.csv stores them. */
    row_design(&ref, ref_row("whitehead_treasure_150_150_or1.67"), &d, n);
    for (size_t i = 0; i < t.nrow; i++) {
        d.odds_ratio = cell(&t, i, "or");
        d.alpha = cell(&t, i, "alpha");
        d.sides = (int)cell(&t, i, "sides");
        long per_arm = (long)cell(&t, i, "n_per_arm");
        double got = mscsim_analytic_design_power(&d, per_arm, per_arm);
        double rate = cell(&t, i, "rate"), mcse = cell(&t, i, "mcse");
        ABS_EQ(got, rate, K_MCSE * mcse, "Whitehead vs polr simulation: %s, %s, sides %d",
               table_get(&t, i, table_col(&t, "design")), table_get(&t, i, table_col(&t, "test")),
               d.sides);
    }
    table_free(&t);
}

/* ======================================================================================
 * Configs
 * ====================================================================================== */

static int valid(const mscsim_config *cfg)
{
    mscsim_error err;
    if (mscsim_config_validate(cfg, &err) == MSCSIM_OK)
        return 1;
    char msg[1024];
    printf("config invalid: %s\n", mscsim_error_format(&err, msg, sizeof msg));
    return 0;
}

/* The TREASURE placebo probabilities of the reference rows, as a config list. */
static void set_treasure(mscsim_config *cfg)
{
    const char *s = table_get(&ref, ref_row("whitehead_treasure_150_150_or1.67"),
                              table_col(&ref, "probs"));
    char list[256];
    size_t k = 0;
    for (; s[k] && k + 1 < sizeof list; k++)
        list[k] = s[k] == ';' ? ',' : s[k];
    list[k] = '\0';
    set(cfg, "control.probs=%s", list);
}

/* cfg's analytic power at n equals reference row id. */
static void expect_row(const mscsim_config *cfg, int analysis, long n, const char *id, double tol)
{
    double got = mscsim_analytic_power(cfg, analysis, n), want = ref_power(id);
    CHECK(close_rel(got, want, tol), "config -> %s: got %.17g want %.17g", id, got, want);
}

/* cfg has no analytic power for analysis, and the reason mentions `reason`. */
static void expect_none(const mscsim_config *cfg, int analysis, const char *reason)
{
    mscsim_analytic_design d;
    char why[256] = "";
    int has = mscsim_analytic_design_from_config(cfg, analysis, &d, why, sizeof why);
    CHECK(!has && strstr(why, reason) && isnan(mscsim_analytic_power(cfg, analysis, 100)),
          "no closed form, reason \"%s\" mentions \"%s\"", why, reason);
}

/* cfg's analytic power at n equals row id of exact_analytic_ref.csv (its exact method). */
static void expect_exact(const mscsim_config *cfg, int analysis, long n, const char *id)
{
    table t;
    CHECK(table_read(&t, "exact_analytic_ref.csv"), "read exact_analytic_ref.csv");
    size_t c = table_col(&t, "id"), row = t.nrow;
    for (size_t i = 0; i < t.nrow; i++)
        if (strcmp(table_get(&t, i, c), id) == 0)
            row = i;
    if (row == t.nrow) {
        fprintf(stderr, "exact_analytic_ref.csv has no row %s\n", id);
        exit(2);
    }
    double want = cell(&t, row, "power"), got = mscsim_analytic_power(cfg, analysis, n);
    const char *method = table_get(&t, row, table_col(&t, "method"));
    int integral = strncmp(method, "welch", 5) == 0 || strncmp(method, "ancova", 6) == 0;
    CHECK(integral ? fabs(got - want) <= INTEGRAL_TOL : close_rel(got, want, FORMULA_TOL),
          "config -> %s: got %.17g want %.17g", id, got, want);
    mscsim_analytic_design d;
    long sizes[MSCSIM_ARM_COUNT];
    mscsim_config_arm_sizes(cfg, n, sizes);
    CHECK(mscsim_analytic_design_from_config(cfg, analysis, &d, NULL, 0) &&
              mscsim_analytic_design_formula(&d, sizes[0], sizes[1]) ==
                  (integral ? MSCSIM_ANALYTIC_FORMULA_INTEGRAL
                            : MSCSIM_ANALYTIC_FORMULA_ENUMERATION),
          "config -> %s: the exact method", id);
    table_free(&t);
}

static void test_dispatcher_references(void)
{
    mscsim_config cfg;
    mscsim_analytic_design d;

    load_base(&cfg); /* normal, student */
    set(&cfg, "msc.mean=0.5");
    if (valid(&cfg))
        expect_row(&cfg, 0, 128, "t_64_64_d0.5", T_TOL);

    load_base(&cfg);
    set(&cfg, "analysis.test=welch");
    set(&cfg, "trial.allocation=1:2");
    set(&cfg, "msc.mean=0.6");
    set(&cfg, "msc.sd=2");
    set(&cfg, "control.dropout=0.2");
    set(&cfg, "msc.dropout=0.05");
    if (valid(&cfg)) /* the exact integral would cost seconds with this dropout */
        expect_row(&cfg, 0, 150, "mix_welch_50_100_sd1_2", T_TOL);
    set(&cfg, "trial.allocation=1:2");
    set(&cfg, "msc.mean=0.6");
    set(&cfg, "msc.sd=2");
    set(&cfg, "control.dropout=0");
    set(&cfg, "msc.dropout=0");
    if (valid(&cfg))
        expect_exact(&cfg, 0, 60, "welch_20_40_d0.6_sd1_2_2sided");

    load_base(&cfg);
    set(&cfg, "analysis.test=ancova");
    set(&cfg, "model.rho=0.5");
    set(&cfg, "msc.mean=0.5");
    set(&cfg, "control.dropout=0.15");
    set(&cfg, "msc.dropout=0.15");
    if (valid(&cfg)) /* the exact integral would cost 0.3 s with this dropout */
        expect_row(&cfg, 0, 60, "mix_ancova_30_30_rho0.5", T_TOL);
    set(&cfg, "control.dropout=0");
    set(&cfg, "msc.dropout=0");
    set(&cfg, "trial.allocation=1:2");
    set(&cfg, "msc.mean=0.4");
    set(&cfg, "baseline.score=normal(20, 5)");
    if (valid(&cfg)) /* residual sd sqrt(0.75): the row's sde 0.866 */
        expect_exact(&cfg, 0, 60, "ancova_20_40_d0.4_sde0.866_k1_2sided");
    set(&cfg, "baseline.score=uniform(10, 30)");
    if (valid(&cfg) && mscsim_analytic_design_from_config(&cfg, 0, &d, NULL, 0))
        CHECK(d.method == MSCSIM_ANALYTIC_ANCOVA,
              "ancova on a uniform baseline: the approximation, not the exact integral");

    load_base(&cfg);
    set(&cfg, "model.type=binary");
    set(&cfg, "analysis.tests=chisq, rd_z, fisher, po");
    set(&cfg, "control.p=0.258");
    set(&cfg, "msc.p=0.4");
    set(&cfg, "control.dropout=0.1");
    set(&cfg, "msc.dropout=0.1");
    if (valid(&cfg)) {
        /* The exact enumeration over sizes and tables would cost ~1 s: Fleiss instead. */
        expect_row(&cfg, 0, 300, "mix_fleiss_150_150_p0.258_0.4", FORMULA_TOL);
        expect_none(&cfg, 2, "fisher with dropout");
    }
    set(&cfg, "control.p=0.3");
    set(&cfg, "msc.p=0.6");
    set(&cfg, "msc.dropout=0");
    set(&cfg, "control.dropout=0.15");
    set(&cfg, "trial.sides=1");
    if (valid(&cfg))
        expect_exact(&cfg, 1, 80, "rd_z_40_40_p0.3_0.6_drop0.15_0_1sided");
    set(&cfg, "trial.sides=2");
    set(&cfg, "msc.dropout=0.1");
    set(&cfg, "control.dropout=0.1");
    if (valid(&cfg))
        expect_exact(&cfg, 0, 80, "chisq_40_40_p0.3_0.6_drop0.1_0.1_2sided");
    set(&cfg, "msc.p=0.5");
    set(&cfg, "msc.dropout=0");
    set(&cfg, "control.dropout=0");
    if (valid(&cfg)) {
        expect_row(&cfg, 3, 200, "whitehead_binary_100_100_p0.3_0.5", FORMULA_TOL);
        set(&cfg, "msc.p=0.55");
        expect_row(&cfg, 2, 120, "exact_fisher_60_60_p0.3_0.55", FORMULA_TOL);
    }

    load_base(&cfg);
    set(&cfg, "model.type=ordinal");
    set(&cfg, "analysis.tests=po, po_lr");
    set_treasure(&cfg);
    set(&cfg, "msc.odds_ratio=1.67");
    set(&cfg, "trial.allocation=1:2");
    set(&cfg, "control.dropout=0.1");
    set(&cfg, "msc.dropout=0.1");
    set(&cfg, "model.latent_corr=0.5"); /* marginals unchanged: the same power */
    set(&cfg, "baseline.nihss=truncnormal(12, 4, 6, 21)");
    if (valid(&cfg)) {
        expect_row(&cfg, 0, 60, "mix_whitehead_treasure_20_40_or1.67", FORMULA_TOL);
        expect_row(&cfg, 1, 60, "mix_whitehead_treasure_20_40_or1.67", FORMULA_TOL);
    }
    set(&cfg, "trial.allocation=1:1");
    set(&cfg, "control.dropout=0");
    set(&cfg, "msc.dropout=0");
    set(&cfg, "trial.sides=1");
    set(&cfg, "trial.alpha=0.025");
    if (valid(&cfg))
        expect_row(&cfg, 1, 300, "whitehead_treasure_150_150_or1.67_1sided", FORMULA_TOL);
}

/* Mappings checked against the simulator itself: the analytic power of cfg at n against
 * the engine's power with SIM_REPS trials, within K_MCSE MCSE (plus `approx`, a stated bound
 * on the formula's own error). */
static void expect_simulated(mscsim_config *cfg, long n, double analytic, double approx,
                             const char *what)
{
    set(cfg, "trial.n=%ld", n);
    set(cfg, "simulation.reps=%d", SIM_REPS);
    mscsim_cell_summary s;
    if (!valid(cfg) || !run_analysis(cfg, &s, 0, 0)) {
        CHECK(0, "%s: engine", what);
        return;
    }
    double mcse = sqrt(analytic * (1.0 - analytic) / SIM_REPS);
    ABS_EQ(s.power, analytic, K_MCSE * mcse + approx, "%s: simulated vs analytic", what);
}

static void test_dispatcher_mappings(void)
{
    mscsim_config cfg;
    mscsim_analytic_design d;

    /* Final endpoint with a correlated normal baseline: sd sqrt(sb^2 + 2 rho sd sb + sd^2). */
    load_base(&cfg);
    set(&cfg, "analysis.endpoint=final");
    set(&cfg, "model.rho=-0.4");
    set(&cfg, "baseline.score=normal(30, 3)");
    set(&cfg, "control.sd=4");
    set(&cfg, "msc.sd=4");
    set(&cfg, "msc.mean=2");
    set(&cfg, "trial.allocation=2:3");
    if (valid(&cfg) && mscsim_analytic_design_from_config(&cfg, 0, &d, NULL, 0)) {
        ABS_EQ(d.sd[0], sqrt(9.0 - 2.0 * 0.4 * 12.0 + 16.0), 1e-15, "final endpoint sd");
        double p = mscsim_analytic_power(&cfg, 0, 50);
        ABS_EQ(p, mscsim_analytic_student_power(20, 30, 2.0, d.sd[0], 0.05, 2), 0.0,
               "final endpoint: student with the endpoint's sd");
        expect_simulated(&cfg, 50, p, 0.0, "student on final, rho -0.4");
    } else {
        CHECK(0, "final endpoint with a normal baseline has a closed form");
    }

    /* Ordinal responder mRS <= 2 by chisq: the design's proportions, checked through the
     * exact enumeration the analytic power uses. */
    load_base(&cfg);
    set(&cfg, "model.type=ordinal");
    set_treasure(&cfg);
    set(&cfg, "msc.odds_ratio=2");
    set(&cfg, "analysis.test=chisq");
    set(&cfg, "analysis.endpoint=responder");
    set(&cfg, "analysis.responder_on=final");
    set(&cfg, "analysis.threshold=2");
    if (valid(&cfg) && mscsim_analytic_design_from_config(&cfg, 0, &d, NULL, 0)) {
        CHECK(d.method == MSCSIM_ANALYTIC_EXACT_CHISQ, "responder + chisq: exact enumeration");
        double exact;
        mscsim_analytic_exact_binary_power("chisq", 60, 60, d.p[0], d.p[1], 0.05, 2, &exact, NULL);
        expect_simulated(&cfg, 120, exact, 0.0, "ordinal responder mRS <= 2, chisq");
        ABS_EQ(mscsim_analytic_power(&cfg, 0, 120), exact, 0.0,
               "responder: the dispatcher's power is the enumeration at the design's "
               "proportions");
    } else {
        CHECK(0, "ordinal responder has a closed form");
    }

    /* The shipped example: Welch on a normal change with rho -0.3 and 10 % dropout.
     * Welch's approximation is within WELCH_APPROX of its exact power. */
    mscsim_error err;
    if (mscsim_config_load(MSCSIM_TEST_DIR "/../configs/example.ini", &cfg, &err) == MSCSIM_OK) {
        double p = mscsim_analytic_power(&cfg, 0, 100);
        CHECK(p > 0.3 && p < 0.9, "example.ini: analytic power %.4f at n = 100", p);
        expect_simulated(&cfg, 100, p, WELCH_APPROX, "example.ini at n = 100");
    } else {
        CHECK(0, "load configs/example.ini: %.200s", err.msg);
    }
}

static void test_dispatcher_none(void)
{
    mscsim_config cfg;
    load_base(&cfg);
    set(&cfg, "analysis.tests=welch, student, wilcoxon");
    set(&cfg, "msc.sd=2");
    if (valid(&cfg)) {
        CHECK(!isnan(mscsim_analytic_power(&cfg, 0, 80)), "list: welch has a closed form");
        expect_none(&cfg, 1, "unequal endpoint sds");
        expect_none(&cfg, 2, "wilcoxon");
        expect_none(&cfg, 3, "no analysis number 3");
        expect_none(&cfg, -1, "no analysis number -1");
    }
    load_base(&cfg);
    set(&cfg, "outcome.scale=fma_ue");
    set(&cfg, "baseline.score=uniform(10, 50)");
    if (valid(&cfg))
        expect_none(&cfg, 0, "scale");
    load_base(&cfg);
    set(&cfg, "control.dropout=0.1");
    set(&cfg, "dropout.mechanism=mnar");
    if (valid(&cfg))
        expect_none(&cfg, 0, "mnar");
    load_base(&cfg);
    set(&cfg, "control.dropout=0.1");
    set(&cfg, "analysis.missing=locf");
    if (valid(&cfg))
        expect_none(&cfg, 0, "filled in");
    load_base(&cfg);
    set(&cfg, "analysis.missing=mi");
    if (valid(&cfg))
        expect_none(&cfg, 0, "multiple imputation");
    load_base(&cfg);
    set(&cfg, "baseline.nihss=normal(12, 4)");
    set(&cfg, "msc.effect_slope=0.1");
    if (valid(&cfg))
        expect_none(&cfg, 0, "effect_slope");
    load_base(&cfg);
    set(&cfg, "model.type=binary");
    set(&cfg, "analysis.test=chisq");
    set(&cfg, "msc.mortality=0.1");
    if (valid(&cfg))
        expect_none(&cfg, 0, "deaths");
    load_base(&cfg);
    set(&cfg, "analysis.endpoint=final");
    set(&cfg, "baseline.score=uniform(0, 10)");
    if (valid(&cfg))
        expect_none(&cfg, 0, "not a normal distribution");
    load_base(&cfg);
    set(&cfg, "model.rho=0.5");
    set(&cfg, "baseline.nihss=normal(12, 4)");
    set(&cfg, "baseline.severity_corr=0.6");
    set(&cfg, "eligibility.nihss_min=6");
    if (valid(&cfg))
        expect_none(&cfg, 0, "truncates the baseline");
    load_base(&cfg);
    set(&cfg, "model.type=proportional");
    set(&cfg, "outcome.scale=fma_ue");
    set(&cfg, "baseline.score=uniform(10, 50)");
    if (valid(&cfg))
        expect_none(&cfg, 0, "model 'proportional'");
    load_base(&cfg);
    set(&cfg, "model.type=ordinal");
    set_treasure(&cfg);
    set(&cfg, "analysis.endpoint=final");
    if (valid(&cfg))
        expect_none(&cfg, 0, "student");
    load_base(&cfg);
    set(&cfg, "model.type=binary");
    set(&cfg, "analysis.test=po");
    set(&cfg, "control.p=0");
    if (valid(&cfg))
        expect_none(&cfg, 0, "no finite odds ratio");
    load_base(&cfg);
    set(&cfg, "analysis.test=ancova");
    set(&cfg, "analysis.covariates=age");
    set(&cfg, "baseline.age=normal(65, 10)");
    if (valid(&cfg))
        expect_none(&cfg, 0, "without the baseline covariate");
}

/* ======================================================================================
 * Sample sizes
 * ====================================================================================== */

static void test_sample_sizes(void)
{
    table t;
    CHECK(table_read(&t, "samplesize_ref.csv"), "read samplesize_ref.csv");
    CHECK(t.nrow == 7, "samplesize_ref.csv has %zu rows", t.nrow);
    for (size_t i = 0; i < t.nrow; i++) {
        const char *design = table_get(&t, i, table_col(&t, "design"));
        int ac = (int)cell(&t, i, "allocation_control"), am = (int)cell(&t, i, "allocation_msc");
        double target = cell(&t, i, "target");
        long want = (long)cell(&t, i, "n_total"), block = ac + am;
        mscsim_analytic_design d;
        memset(&d, 0, sizeof d);
        d.alpha = cell(&t, i, "alpha");
        d.sides = (int)cell(&t, i, "sides");
        double tol = FORMULA_TOL;
        if (strcmp(design, "student") == 0) {
            d.method = MSCSIM_ANALYTIC_STUDENT;
            d.delta = cell(&t, i, "delta");
            d.sd[0] = d.sd[1] = cell(&t, i, "sd");
            tol = T_TOL;
        } else {
            d.method = strcmp(design, "chisq_exact") == 0 ? MSCSIM_ANALYTIC_EXACT_CHISQ
                                                          : MSCSIM_ANALYTIC_FLEISS;
            d.p[0] = cell(&t, i, "p_control");
            d.p[1] = cell(&t, i, "p_msc");
        }
        long got = -1;
        mscsim_error err;
        int status = mscsim_analytic_design_sample_size(&d, ac, am, target, 100000, &got, &err);
        /* Value: make_analytic_ref.R, samplesize_ref.csv row i. */
        INT_EQ(status, MSCSIM_OK, "%s %d:%d %g (sides %d): status", design, ac, am, target, d.sides);
        INT_EQ(got, want, "%s %d:%d %g (sides %d): n_total", design, ac, am, target, d.sides);
        long k = want / block;
        double at = mscsim_analytic_design_power(&d, k * ac, k * am);
        double below = mscsim_analytic_design_power(&d, (k - 1) * ac, (k - 1) * am);
        CHECK(close_rel(at, cell(&t, i, "power_at_n"), tol) &&
                  close_rel(below, cell(&t, i, "power_below"), tol),
              "%s %d:%d %g: power at n %.6f, one block below %.6f", design, ac, am, target, at,
              below);
    }
    table_free(&t);

    /* The same through configs: Student 1:2 at 80 % (samplesize_ref.csv: 144), chisq by
     * exact enumeration at 80 % (chisq_exact: 188; Fleiss says 186). */
    mscsim_config cfg;
    long n = -1;
    mscsim_error err;
    load_base(&cfg);
    set(&cfg, "trial.allocation=1:2");
    set(&cfg, "msc.mean=0.5");
    INT_EQ(mscsim_analytic_sample_size(&cfg, 0, 0.8, 100000, &n, &err), MSCSIM_OK,
           "config sample size: status");
    INT_EQ(n, 144, "config: student 1:2, d = 0.5, 80 %%");
    load_base(&cfg);
    set(&cfg, "model.type=binary");
    set(&cfg, "analysis.test=chisq");
    set(&cfg, "control.p=0.3");
    set(&cfg, "msc.p=0.5");
    INT_EQ(mscsim_analytic_sample_size(&cfg, 0, 0.8, 100000, &n, &err), MSCSIM_OK,
           "config sample size (exact chisq): status");
    INT_EQ(n, 188, "config: chisq by exact enumeration, 0.3 vs 0.5, 80 %%");
    INT_EQ(mscsim_analytic_sample_size(&cfg, 0, 0.8, 150, &n, &err), MSCSIM_ERANGE,
           "target out of reach below max_n");
    set(&cfg, "analysis.test=po");
    set(&cfg, "msc.p=1");
    int status = mscsim_analytic_sample_size(&cfg, 0, 0.8, 1000, &n, &err);
    CHECK(status == MSCSIM_EINVAL && strstr(err.msg, "no analytic power"),
          "no closed form: EINVAL, \"%.200s\"", err.msg);
}

/* ======================================================================================
 * Edge cases
 * ====================================================================================== */

static void test_edges(void)
{
    const double probs[3] = {0.2, 0.5, 0.3}, one[2] = {1.0, 0.0};
    /* Sizes the analysis cannot use: power 0 (the analysis fails, never rejects). */
    CHECK(mscsim_analytic_student_power(1, 50, 1.0, 1.0, 0.05, 2) == 0.0, "student n0 = 1: 0");
    CHECK(mscsim_analytic_welch_power(50, 1, 1.0, 1.0, 1.0, 0.05, 2) == 0.0, "welch n1 = 1: 0");
    CHECK(mscsim_analytic_ancova_power(2, 1, 1.0, 1.0, 1, 0.05, 2) == 0.0, "ancova n = 3: 0");
    CHECK(mscsim_analytic_ancova_power(3, 1, 1.0, 1.0, 1, 0.05, 2) > 0.0, "ancova n = 4: > 0");
    CHECK(mscsim_analytic_fleiss_power(0, 50, 0.3, 0.5, 0.05, 2) == 0.0, "fleiss empty arm: 0");
    CHECK(mscsim_analytic_whitehead_power(50, 0, probs, 3, 2.0, 0.05, 2) == 0.0,
          "whitehead empty arm: 0");
    CHECK(mscsim_analytic_whitehead_power(50, 50, one, 2, 2.0, 0.05, 2) == 0.0,
          "whitehead one category: 0");
    /* Fixed tables. */
    CHECK(mscsim_analytic_fleiss_power(10, 10, 0.0, 1.0, 0.05, 2) == 1.0 &&
              mscsim_analytic_fleiss_power(10, 10, 1.0, 1.0, 0.05, 2) == 0.0 &&
              mscsim_analytic_fleiss_power(10, 10, 1.0, 0.0, 0.05, 1) == 0.0,
          "fleiss with p in {0, 1}: 1 when the tables always reject, else 0");
    CHECK(mscsim_analytic_wald_power(10, 10, 0.0, 1.0, 0.05, 2) == 1.0 &&
              mscsim_analytic_wald_power(10, 10, 0.0, 0.0, 0.05, 2) == 0.0,
          "wald with p in {0, 1}");
    /* Nulls give alpha. */
    ABS_EQ(mscsim_analytic_welch_power(20, 40, 0.0, 1.0, 3.0, 0.05, 2), 0.05, 1e-15,
           "welch null: alpha");
    ABS_EQ(mscsim_analytic_whitehead_power(40, 60, probs, 3, 1.0, 0.05, 1), 0.05, 1e-15,
           "whitehead null one-sided: alpha");
    /* Invalid input. */
    CHECK(isnan(mscsim_analytic_student_power(10, 10, 1.0, 0.0, 0.05, 2)), "sd 0: NaN");
    CHECK(isnan(mscsim_analytic_student_power(-1, 10, 1.0, 1.0, 0.05, 2)), "n < 0: NaN");
    CHECK(isnan(mscsim_analytic_student_power(10, 10, NAN, 1.0, 0.05, 2)), "delta NaN: NaN");
    CHECK(isnan(mscsim_analytic_student_power(10, 10, 1.0, 1.0, 0.6, 1)), "alpha/sides 0.6: NaN");
    CHECK(isnan(mscsim_analytic_student_power(10, 10, 1.0, 1.0, 0.05, 3)), "sides 3: NaN");
    CHECK(isnan(mscsim_analytic_welch_power(10, 10, 1.0, 0.0, 0.0, 0.05, 2)), "welch sds 0: NaN");
    CHECK(isnan(mscsim_analytic_fleiss_power(10, 10, 1.2, 0.5, 0.05, 2)), "p > 1: NaN");
    CHECK(isnan(mscsim_analytic_whitehead_power(10, 10, probs, 2, 2.0, 0.05, 2)),
          "probs not summing to 1: NaN");
    CHECK(isnan(mscsim_analytic_whitehead_power(10, 10, probs, 3, 0.0, 0.05, 2)), "OR 0: NaN");
    CHECK(isnan(mscsim_analytic_nct_power(1.0, 0.0, 0.05, 2)), "df 0: NaN");
    double p = 0.0;
    mscsim_error err;
    int status = mscsim_analytic_exact_binary_power("po", 10, 10, 0.3, 0.5, 0.05, 2, &p, &err);
    CHECK(status == MSCSIM_EINVAL && isnan(p) && strstr(err.msg, "'po'"),
          "exact power of po: EINVAL (%.200s)", err.msg);
    CHECK(mscsim_analytic_exact_binary_power("chisq", 10, 10, 0.3, -0.5, 0.05, 2, &p, &err) ==
              MSCSIM_EINVAL,
          "exact power with p < 0: EINVAL");
    mscsim_analytic_design d;
    memset(&d, 0, sizeof d);
    d.method = MSCSIM_ANALYTIC_STUDENT;
    d.alpha = 0.05;
    d.sides = 2;
    d.delta = 0.5;
    d.sd[0] = 1.0;
    d.sd[1] = 2.0;
    CHECK(isnan(mscsim_analytic_design_power(&d, 30, 30)), "student design with unequal sds: NaN");
    d.sd[1] = 1.0;
    d.dropout[0] = 1.0;
    CHECK(isnan(mscsim_analytic_design_power(&d, 30, 30)), "dropout 1: NaN");
    d.dropout[0] = 0.0;
    long n;
    CHECK(mscsim_analytic_design_sample_size(&d, 1, 1, 1.0, 1000, &n, &err) == MSCSIM_EINVAL,
          "target 1: EINVAL");
    CHECK(mscsim_analytic_design_sample_size(&d, 1, 1, 0.8, 1, &n, &err) == MSCSIM_ERANGE,
          "max_n below one block: ERANGE");
    /* The truncated mixture sums to 1 within its bound: a design whose power is 1 at every
     * analysed size. */
    d.delta = 100.0;
    d.dropout[0] = d.dropout[1] = 0.3;
    ABS_EQ(mscsim_analytic_design_power(&d, 2000, 2000), 1.0, 1e-12,
           "mixture weights sum to 1 (n = 2000 per arm, 30 %% dropout)");
}

/* The cost bound: a large exact design switches to its normal approximation (Fisher's with
 * Yates' correction), which stays close to the exact enumeration where both are cheap. */
static void test_cost_bound(void)
{
    mscsim_analytic_design d = {.method = MSCSIM_ANALYTIC_EXACT_FISHER, .alpha = 0.05,
                                .sides = 2, .p = {0.3, 0.45}};
    CHECK(!mscsim_analytic_design_approximates(&d, 150, 150), "fisher 150 + 150: exact");
    CHECK(mscsim_analytic_design_approximates(&d, 30000, 30000),
          "fisher 30000 + 30000: approximated (cost %.3g s)",
          mscsim_analytic_design_cost(&d, 30000, 30000));
    double p_big = mscsim_analytic_design_power(&d, 30000, 30000);
    CHECK(p_big > 0.999 && p_big <= 1.0, "fisher 30000 + 30000: power %.6f", p_big);
    /* Fleiss, Tytun & Ury's corrected power at 150 + 150, written out: within 0.02 of the
     * exact Fisher power there. */
    double z = qnorm(0.025, 0, 1, 0, 0), shrink = 1.0 / 150.0, pbar = 0.375;
    double s0 = sqrt(pbar * (1 - pbar) * 2.0 / 150.0), s1 = sqrt((0.3 * 0.7 + 0.45 * 0.55) / 150.0);
    double corrected = pnorm((0.15 - shrink - z * s0) / s1, 0, 1, 1, 0) +
                       pnorm((-0.15 - shrink - z * s0) / s1, 0, 1, 1, 0);
    double exact = mscsim_analytic_design_power(&d, 150, 150);
    CHECK(fabs(corrected - exact) < 0.02,
          "Yates-corrected normal power %.4f within 0.02 of exact Fisher %.4f at 150 + 150",
          corrected, exact);
    /* Beyond the budget the library's Fisher power is exactly that corrected formula. */
    mscsim_analytic_design small = d;
    small.p[1] = 0.31;
    double n = 30000.0, sh = 1.0 / n, pb = 0.305, sa = sqrt(pb * (1 - pb) * 2.0 / n);
    double sb = sqrt((0.3 * 0.7 + 0.31 * 0.69) / n);
    double want = pnorm((0.01 - sh - z * sa) / sb, 0, 1, 1, 0) +
                  pnorm((-0.01 - sh - z * sa) / sb, 0, 1, 1, 0);
    CHECK(mscsim_analytic_design_approximates(&small, 30000, 30000), "0.30 vs 0.31: approximated");
    ABS_EQ(mscsim_analytic_design_power(&small, 30000, 30000), want, 1e-12,
           "fisher beyond the budget: Yates-corrected normal power (%.4f)", want);
    mscsim_analytic_design chisq = d;
    chisq.method = MSCSIM_ANALYTIC_EXACT_CHISQ;
    ABS_EQ(mscsim_analytic_design_power(&chisq, 30000, 30000),
           mscsim_analytic_fleiss_power(30000, 30000, 0.3, 0.45, 0.05, 2), 1e-12,
           "chisq beyond the budget is Fleiss");
}

int main(void)
{
    if (!table_read(&ref, "analytic_ref.csv")) {
        printf("FAIL cannot read tests/ref/analytic_ref.csv\n");
        return 1;
    }
    test_reference_rows();
    test_power_ref();
    test_exact_ref();
    test_po_simulation();
    test_dispatcher_references();
    test_dispatcher_mappings();
    test_dispatcher_none();
    test_sample_sizes();
    test_edges();
    test_cost_bound();
    table_free(&ref);
    return TEST_DONE();
}
