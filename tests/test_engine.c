/*
 * Engine tests: simulated power against exact power (tests/ref/power_ref.csv, produced
 * by tests/ref/make_power_ref.R: noncentral t, binomial enumeration, the binomial mixture
 * over realised arm sizes under MCAR dropout), each within 4 Monte Carlo standard errors
 * sqrt(p(1-p)/reps) with a fixed seed; unbiasedness and coverage; failure accounting
 * against its exact probability; identities; and thread-count independence.
 */
#include <csv.h>
#include <stdarg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mathlib.h"
#include "mscsim/engine.h"

/* Monte Carlo tolerance: a correct engine fails a 4-MCSE check with probability 6e-5. */
#define K_MCSE 4.0
#define POWER_REPS 40000

static void load_base(mscsim_config *cfg)
{
    mscsim_error err;
    int status = mscsim_config_load(MSCSIM_TEST_DIR "/configs/good/minimal.ini", cfg, &err);
    if (status) {
        char buf[1024];
        printf("cannot load base config: %s\n", mscsim_error_format(&err, buf, sizeof buf));
        exit(1);
    }
}

static void set(mscsim_config *cfg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set(mscsim_config *cfg, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    mscsim_error err;
    if (mscsim_config_set(cfg, buf, &err)) {
        char msg[1024];
        printf("FAIL --set %s: %s\n", buf, mscsim_error_format(&err, msg, sizeof msg));
        exit(1);
    }
}

/* Runs cfg to the end and returns the summary of analysis `analysis` in cell. */
static int run_analysis(const mscsim_config *cfg, mscsim_cell_summary *out, size_t cell,
                        int analysis);

/* Runs cfg to the end and returns the summary of its first analysis in cell. */
static int run(const mscsim_config *cfg, mscsim_cell_summary *out, size_t cell)
{
    return run_analysis(cfg, out, cell, 0);
}

static int run_analysis(const mscsim_config *cfg, mscsim_cell_summary *out, size_t cell,
                        int analysis)
{
    mscsim_engine *eng;
    mscsim_error err;
    if (mscsim_engine_new(cfg, 0, &eng, &err)) {
        char msg[1024];
        printf("engine_new: %s\n", mscsim_error_format(&err, msg, sizeof msg));
        return 0;
    }
    while (!mscsim_engine_done(eng))
        mscsim_engine_step(eng, &err);
    mscsim_engine_summary(eng, cell, analysis, out);
    mscsim_engine_free(eng);
    return 1;
}

/* ---- power references ------------------------------------------------------------ */

#define REF_COLS 16
#define REF_MAX_ROWS 64
typedef struct {
    char field[REF_MAX_ROWS + 1][REF_COLS][48];
    int row, col, rows;
} ref_table;

static void on_field(void *s, size_t len, void *data)
{
    ref_table *t = data;
    if (t->row <= REF_MAX_ROWS && t->col < REF_COLS) {
        size_t n = len < 47 ? len : 47;
        memcpy(t->field[t->row][t->col], s, n);
        t->field[t->row][t->col][n] = '\0';
    }
    t->col++;
}

static void on_row(int c, void *data)
{
    (void)c;
    ref_table *t = data;
    t->row++;
    t->col = 0;
}

static int read_refs(const char *path, ref_table *t)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return 0;
    struct csv_parser p;
    csv_init(&p, CSV_STRICT | CSV_APPEND_NULL);
    char buf[4096];
    size_t got;
    memset(t, 0, sizeof *t);
    while ((got = fread(buf, 1, sizeof buf, fp)) > 0)
        csv_parse(&p, buf, got, on_field, on_row, t);
    csv_fini(&p, on_field, on_row, t);
    csv_free(&p);
    fclose(fp);
    t->rows = t->row - 1; /* Without the header. */
    return t->rows > 0;
}

static int column(const ref_table *t, const char *name)
{
    for (int c = 0; c < REF_COLS; c++)
        if (strcmp(t->field[0][c], name) == 0)
            return c;
    printf("power_ref.csv lacks column %s\n", name);
    exit(1);
}

static long gcd(long a, long b)
{
    while (b) {
        long r = a % b;
        a = b;
        b = r;
    }
    return a;
}

static void test_power_references(void)
{
    ref_table *t = malloc(sizeof *t);
    CHECK(t && read_refs(MSCSIM_TEST_DIR "/ref/power_ref.csv", t), "read power_ref.csv");
    if (!t || t->rows <= 0) {
        free(t);
        return;
    }
    int c_id = column(t, "id"), c_test = column(t, "test"), c_model = column(t, "model");
    int c_n0 = column(t, "n_control"), c_n1 = column(t, "n_msc");
    int c_m0 = column(t, "mean_control"), c_m1 = column(t, "mean_msc"), c_sd = column(t, "sd");
    int c_rho = column(t, "rho"), c_p0 = column(t, "p_control"), c_p1 = column(t, "p_msc");
    int c_drop = column(t, "dropout"), c_alpha = column(t, "alpha"), c_sides = column(t, "sides");
    int c_power = column(t, "power");
    for (int r = 1; r <= t->rows; r++) {
        char(*f)[48] = t->field[r];
        mscsim_config cfg;
        load_base(&cfg);
        long n0 = atol(f[c_n0]), n1 = atol(f[c_n1]), g = gcd(n0, n1);
        set(&cfg, "model.type=%s", f[c_model]);
        set(&cfg, "analysis.test=%s", f[c_test]);
        set(&cfg, "trial.n=%ld", n0 + n1);
        set(&cfg, "trial.allocation=%ld:%ld", n0 / g, n1 / g);
        set(&cfg, "trial.alpha=%s", f[c_alpha]);
        set(&cfg, "trial.sides=%s", f[c_sides]);
        set(&cfg, "control.dropout=%s", f[c_drop]);
        set(&cfg, "msc.dropout=%s", f[c_drop]);
        if (strcmp(f[c_model], "normal") == 0) {
            set(&cfg, "control.mean=%s", f[c_m0]);
            set(&cfg, "msc.mean=%s", f[c_m1]);
            set(&cfg, "control.sd=%s", f[c_sd]);
            set(&cfg, "msc.sd=%s", f[c_sd]);
            set(&cfg, "model.rho=%s", f[c_rho]);
        } else {
            set(&cfg, "control.p=%s", f[c_p0]);
            set(&cfg, "msc.p=%s", f[c_p1]);
        }
        set(&cfg, "simulation.reps=%d", POWER_REPS);
        set(&cfg, "simulation.seed=%d", 1000 + r);
        mscsim_cell_summary s;
        if (!run(&cfg, &s, 0)) {
            CHECK(0, "case %s runs", f[c_id]);
            continue;
        }
        double exact = atof(f[c_power]);
        double mcse = sqrt(fmax(exact * (1 - exact), 1.0 / POWER_REPS) / POWER_REPS);
        ABS_EQ(s.power, exact, K_MCSE * mcse, "power %s: %s n=%ld+%ld", f[c_id], f[c_test], n0,
               n1);
        INT_EQ(s.n_control, n0, "case %s control size", f[c_id]);
        INT_EQ(s.n_msc, n1, "case %s msc size", f[c_id]);
    }
    free(t);
}

/* ---- estimates, coverage, identities ------------------------------------------------ */

static void test_unbiased_and_covering(const char *test, double rho)
{
    mscsim_config cfg;
    load_base(&cfg);
    set(&cfg, "analysis.test=%s", test);
    set(&cfg, "trial.n=50");
    set(&cfg, "trial.allocation=2:3");
    set(&cfg, "model.rho=%g", rho);
    set(&cfg, "baseline.score=normal(40, 15)");
    set(&cfg, "control.mean=10");
    set(&cfg, "msc.mean=14");
    set(&cfg, "control.sd=12");
    set(&cfg, "msc.sd=12");
    set(&cfg, "simulation.reps=%d", POWER_REPS);
    mscsim_cell_summary s;
    if (!run(&cfg, &s, 0))
        return;
    ABS_EQ(s.true_effect, 4.0, 0.0, "%s true effect", test);
    ABS_EQ(s.bias, 0.0, K_MCSE * s.empirical_se / sqrt((double)s.reps), "%s unbiased", test);
    /* Student and ANCOVA intervals are exact under this model; Welch's nearly so. */
    ABS_EQ(s.coverage, 0.95, K_MCSE * sqrt(0.95 * 0.05 / (double)s.reps), "%s coverage", test);
    ABS_EQ(s.rmse, sqrt(s.empirical_se * s.empirical_se + s.bias * s.bias),
           1e-3 * s.rmse, "%s rmse^2 = se^2 + bias^2", test);
    INT_EQ(s.failures, 0, "%s no failures", test);
    ABS_EQ(s.mean_n_analysed, 50, 0, "%s all analysed without dropout", test);
}

static void test_ancova_endpoint_identity(void)
{
    /* The arm coefficient of y ~ arm + baseline is the same for change and final = baseline
     * + change, and both endpoints draw the same numbers: the rows must match exactly. */
    mscsim_cell_summary a, b;
    mscsim_config cfg;
    load_base(&cfg);
    set(&cfg, "analysis.test=ancova");
    set(&cfg, "model.rho=-0.4");
    set(&cfg, "baseline.score=uniform(0, 49)");
    set(&cfg, "msc.mean=0.4");
    set(&cfg, "analysis.endpoint=change");
    run(&cfg, &a, 0);
    set(&cfg, "analysis.endpoint=final");
    run(&cfg, &b, 0);
    INT_EQ(a.rejections, b.rejections, "ancova change vs final: rejections");
    REL_EQ(a.mean_estimate, b.mean_estimate, 1e-9, "ancova change vs final: estimate");
}

static void test_failures_counted(void)
{
    /* n = 6 (3 + 3) with 50 % dropout: a trial fails when an arm keeps fewer than two
     * patients, P(arm fails) = P(Bin(3, .5) < 2) = 1/2, so P(trial fails) = 3/4. */
    mscsim_config cfg;
    load_base(&cfg);
    set(&cfg, "trial.n=6");
    set(&cfg, "control.dropout=0.5");
    set(&cfg, "msc.dropout=0.5");
    set(&cfg, "simulation.reps=%d", POWER_REPS);
    mscsim_cell_summary s;
    run(&cfg, &s, 0);
    double want = 0.75;
    ABS_EQ((double)s.failures / (double)s.reps, want,
           K_MCSE * sqrt(want * (1 - want) / (double)s.reps), "failure rate 3/4");
    ABS_EQ(s.mean_n_analysed, 3.0, K_MCSE * sqrt(6 * 0.25 / (double)s.reps), "mean analysed 3");
    CHECK(s.rejections + s.failures <= s.reps, "failures are not rejections");
    CHECK(s.power == (double)s.rejections / (double)s.reps, "power counts failures as not rejecting");
}

static void test_threads_identical(void)
{
    mscsim_config cfg;
    load_base(&cfg);
    set(&cfg, "trial.n=30, 57");
    set(&cfg, "analysis.test=welch");
    set(&cfg, "control.dropout=0.15");
    set(&cfg, "msc.sd=2");
    set(&cfg, "simulation.reps=20000");
    mscsim_cell_summary one[2], two[2];
    set(&cfg, "simulation.threads=1");
    run(&cfg, &one[0], 0);
    run(&cfg, &one[1], 1);
    set(&cfg, "simulation.threads=2");
    run(&cfg, &two[0], 0);
    run(&cfg, &two[1], 1);
    CHECK(memcmp(one, two, sizeof one) == 0, "summaries identical on 1 and 2 threads");
    CHECK(one[0].power != one[1].power, "cells differ (second n is really simulated)");
}

static void test_memory_independent_of_reps(void)
{
    /* A replicate count larger than one chunk reuses the same buffers: the engine
     * finishes and counts every replicate. */
    mscsim_config cfg;
    load_base(&cfg);
    set(&cfg, "trial.n=4");
    set(&cfg, "simulation.reps=20001");
    mscsim_cell_summary s;
    run(&cfg, &s, 0);
    INT_EQ(s.reps, 20001, "every replicate counted across chunks");
}

static void test_analyses_share_trials(void)
{
    /* Each analysis of a `tests` list sees exactly the trials a run of it alone sees, so
     * its row is identical; a third analysis in between changes nothing. */
    mscsim_config cfg;
    load_base(&cfg);
    set(&cfg, "trial.n=44");
    set(&cfg, "model.rho=0.5");
    set(&cfg, "msc.mean=0.6");
    set(&cfg, "control.dropout=0.1");
    set(&cfg, "simulation.reps=4000");
    set(&cfg, "analysis.tests=welch, ancova, student");
    mscsim_cell_summary several[3], alone;
    for (int k = 0; k < 3; k++)
        run_analysis(&cfg, &several[k], 0, k);
    static const char *const names[] = {"welch", "ancova", "student"};
    for (int k = 0; k < 3; k++) {
        mscsim_config single;
        load_base(&single);
        set(&single, "trial.n=44");
        set(&single, "model.rho=0.5");
        set(&single, "msc.mean=0.6");
        set(&single, "control.dropout=0.1");
        set(&single, "simulation.reps=4000");
        set(&single, "analysis.test=%s", names[k]);
        run(&single, &alone, 0);
        STR_EQ(several[k].analysis, names[k], "row %d is %s", k, names[k]);
        CHECK(several[k].rejections == alone.rejections &&
                  several[k].mean_estimate == alone.mean_estimate &&
                  several[k].coverage == alone.coverage,
              "%s in a list equals %s alone", names[k], names[k]);
    }
    CHECK(several[0].mean_estimate == several[2].mean_estimate,
          "welch and student share their estimate on the same trials");
    mscsim_error err;
    set(&cfg, "analysis.tests=welch, welch");
    CHECK(mscsim_config_validate(&cfg, &err) == MSCSIM_ECONFIG && strstr(err.msg, "listed twice"),
          "an analysis listed twice is an error: %.200s", err.msg);
}

/*
 * Missing data: control loses 30 %, msc 10 %, of a normal change correlated 0.6 with the
 * baseline. MCAR: complete case unbiased. MAR on the baseline: Welch on the change is
 * biased (the arms lose different shares of a baseline-related outcome) but ANCOVA, which
 * conditions on the baseline, is not. MNAR on the unobserved score: both are biased
 * downward, because the control arm loses more of its worst patients. The realised rates
 * stay as configured (calibration uses 10^5 patients per arm: its own error is about
 * sqrt(0.3 * 0.7 / 1e5) = 0.0015, added to the tolerance).
 */
static void test_missing_mechanisms(void)
{
    static const char *const mechanisms[] = {"mcar", "mar", "mnar"};
    const int reps = 8000;
    for (int m = 0; m < 3; m++) {
        mscsim_config cfg;
        load_base(&cfg);
        set(&cfg, "trial.n=200");
        set(&cfg, "model.rho=0.6");
        set(&cfg, "msc.mean=0.4");
        set(&cfg, "control.dropout=0.3");
        set(&cfg, "msc.dropout=0.1");
        set(&cfg, "dropout.mechanism=%s", mechanisms[m]);
        set(&cfg, "dropout.odds_ratio=3");
        set(&cfg, "analysis.tests=welch, ancova");
        set(&cfg, "simulation.reps=%d", reps);
        mscsim_cell_summary welch, ancova;
        run_analysis(&cfg, &welch, 0, 0);
        run_analysis(&cfg, &ancova, 0, 1);
        double mcse_w = welch.empirical_se / sqrt((double)reps);
        double mcse_a = ancova.empirical_se / sqrt((double)reps);
        ABS_EQ(welch.missing_control, 0.3, K_MCSE * sqrt(0.21 / (reps * 100.0)) + 0.0015 * K_MCSE,
               "%s: realised control dropout", mechanisms[m]);
        ABS_EQ(welch.missing_msc, 0.1, K_MCSE * sqrt(0.09 / (reps * 100.0)) + 0.0009 * K_MCSE,
               "%s: realised msc dropout", mechanisms[m]);
        if (m == 0) {
            ABS_EQ(welch.bias, 0, K_MCSE * mcse_w, "mcar: complete-case welch unbiased");
            ABS_EQ(ancova.bias, 0, K_MCSE * mcse_a, "mcar: complete-case ancova unbiased");
        } else if (m == 1) {
            CHECK(welch.bias < -5 * mcse_w, "mar: complete-case welch biased down (%g, mcse %g)",
                  welch.bias, mcse_w);
            ABS_EQ(ancova.bias, 0, K_MCSE * mcse_a, "mar on baseline: ancova unbiased");
        } else {
            CHECK(welch.bias < -5 * mcse_w && ancova.bias < -5 * mcse_a,
                  "mnar: complete case biased down (welch %g, ancova %g)", welch.bias, ancova.bias);
        }
    }
}

/* Multiple imputation under MAR (the same design as above, dropout on the baseline):
 * Welch on imputed data is unbiased where complete case was biased, and Rubin's intervals
 * cover the truth about 95 % of the time (Rubin's rules are exact only as m grows and are
 * slightly conservative, so coverage is checked within 4 MCSE on either side). */
static void test_multiple_imputation(void)
{
    const int reps = 3000;
    mscsim_config cfg;
    load_base(&cfg);
    set(&cfg, "trial.n=200");
    set(&cfg, "model.rho=0.6");
    set(&cfg, "msc.mean=0.4");
    set(&cfg, "control.dropout=0.3");
    set(&cfg, "msc.dropout=0.1");
    set(&cfg, "dropout.mechanism=mar");
    set(&cfg, "dropout.odds_ratio=3");
    set(&cfg, "analysis.test=welch");
    set(&cfg, "analysis.missing=mi");
    set(&cfg, "analysis.imputations=10");
    set(&cfg, "simulation.reps=%d", reps);
    mscsim_cell_summary s;
    run(&cfg, &s, 0);
    double mcse = s.empirical_se / sqrt((double)reps);
    ABS_EQ(s.bias, 0, K_MCSE * mcse, "mi under MAR: unbiased");
    ABS_EQ(s.coverage, 0.95, K_MCSE * sqrt(0.95 * 0.05 / reps), "mi under MAR: coverage near 0.95");
    INT_EQ(s.failures, 0, "mi: no failed imputation");
    /* The empirical SD has a relative MCSE of 1 / sqrt(2 reps) = 1.3 %; Rubin's variance is
     * conservative by a few percent at m = 10, so 10 % allows for both. */
    REL_EQ(s.mean_se, s.empirical_se, 0.1, "mi: Rubin's SE tracks the spread of estimates");
}

int main(void)
{
    test_power_references();
    test_unbiased_and_covering("student", 0.0);
    test_unbiased_and_covering("welch", 0.3);
    test_unbiased_and_covering("ancova", 0.6);
    test_ancova_endpoint_identity();
    test_failures_counted();
    test_threads_identical();
    test_memory_independent_of_reps();
    test_analyses_share_trials();
    test_missing_mechanisms();
    test_multiple_imputation();
    return TEST_DONE();
}
