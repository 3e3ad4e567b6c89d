/*
 * Tests of the utility-weighted endpoint (sim/trial/endpoint_utility.c, [analysis]
 * endpoint = utility).
 *
 * 1. R's statistics on stored data sets (tests/ref/utility_data.csv, utility_ref.csv, from
 *    tests/ref/make_utility_ref.R): each patient's mRS mapped by the design to its utility,
 *    then student, welch and wilcoxon against t.test and wilcox.test (ties of equal
 *    utilities, mRS 5 and 6, ranked together) to 1e-10.
 * 2. The pipeline: simulated trials carry exactly the utility of each patient's score, on
 *    the mRS (ordinal model) and on the Barthel Index (normal model, 21 utilities); the
 *    ordinal true effect is the exact sum of utilities times probability differences.
 * 3. Power: 20000 simulated trials of TREASURE's arms against R's multinomial simulation
 *    (utility_power_ref.csv, 20000 trials), within 4 combined Monte Carlo SEs
 *    sqrt(2 p (1 - p) / 20000) (a correct engine fails one such check with probability 6e-5).
 * 4. Bad input: a wrong number of utilities, a scale without levels, the binary model.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config_util.h"
#include "harness.h"
#include "ref_table.h"
#include "mscsim/analysis.h"
#include "mscsim/trial.h"
#include "trial/trial_impl.h"

#define REF_TOL 1e-10
#define K_MCSE 4.0
#define POWER_REPS 20000
#define MAX_PATIENTS 400

static const double uw_mrs[7] = {1, 0.91, 0.76, 0.65, 0.33, 0, 0};

/* TREASURE's day-90 arms as probabilities (Houkin et al. 2024, Table 2, counts / n). */
static void set_treasure(mscsim_config *cfg)
{
    set(cfg, "model.type=ordinal");
    set(cfg, "control.probs=0.0294117647058824, 0.0784313725490196, 0.117647058823529, "
             "0.166666666666667, 0.382352941176471, 0.196078431372549, 0.0294117647058824");
    set(cfg, "msc.probs=0.0480769230769231, 0.0865384615384615, 0.192307692307692, "
             "0.144230769230769, 0.298076923076923, 0.173076923076923, 0.0576923076923077");
    set(cfg, "analysis.endpoint=utility");
}

static mscsim_design *design_of(const mscsim_config *cfg)
{
    mscsim_design *d;
    mscsim_error err;
    if (mscsim_design_new(cfg, &d, &err)) {
        char msg[1024];
        printf("FAIL design: %s\n", mscsim_error_format(&err, msg, sizeof msg));
        exit(2);
    }
    return d;
}

static void test_r_statistics(void)
{
    mscsim_config cfg;
    load_base(&cfg);
    set_treasure(&cfg);
    set(&cfg, "analysis.tests=student, welch, wilcoxon");
    mscsim_design *d = design_of(&cfg);
    table data, ref;
    CHECK(table_read(&data, "utility_data.csv") && data.nrow > 0, "read utility_data.csv");
    CHECK(table_read(&ref, "utility_ref.csv") && ref.nrow > 0, "read utility_ref.csv");
    size_t c_case = table_col(&data, "case"), c_arm = table_col(&data, "arm");
    size_t c_mrs = table_col(&data, "mrs");
    size_t r_case = table_col(&ref, "case"), r_an = table_col(&ref, "analysis");
    size_t r_stat = table_col(&ref, "statistic"), r_p = table_col(&ref, "p_value");
    size_t r_est = table_col(&ref, "estimate");
    mscsim_analysis_settings *s;
    mscsim_error err;
    if (mscsim_analysis_settings_new(0.05, 2, 0.95, 0, 1, &s, &err)) {
        CHECK(0, "settings");
        return;
    }
    static double y[2][MAX_PATIENTS], scratch[2 * MAX_PATIENTS];
    for (size_t r = 0; r < ref.nrow; r++) {
        long want_case = atol(table_get(&ref, r, r_case));
        size_t n[2] = {0, 0};
        for (size_t i = 0; i < data.nrow; i++) {
            if (atol(table_get(&data, i, c_case)) != want_case)
                continue;
            int a = atoi(table_get(&data, i, c_arm));
            y[a][n[a]++] = num(table_get(&data, i, c_mrs));
        }
        for (int a = 0; a < 2; a++)
            sim_utility_apply(d, y[a], n[a]);
        for (size_t i = 0; i < n[0]; i++) /* the mapping itself */
            if (y[0][i] != uw_mrs[0] && y[0][i] != uw_mrs[1] && y[0][i] != uw_mrs[2] &&
                y[0][i] != uw_mrs[3] && y[0][i] != uw_mrs[4] && y[0][i] != uw_mrs[5])
                CHECK(0, "case %ld: %g is no UW-mRS weight", want_case, y[0][i]);
        mscsim_trial_data td;
        const double *ys[2] = {y[0], y[1]};
        mscsim_trial_data_set(&td, ys, n);
        td.scratch = scratch;
        const char *name = table_get(&ref, r, r_an);
        mscsim_analysis_result res;
        mscsim_analysis_find(name)->analyze(&td, s, &res);
        int rank = strcmp(name, "wilcoxon") == 0;
        /* wilcox.test reports W; the analysis' statistic is z, its estimate W/(n0 n1) - 1/2. */
        double est = num(table_get(&ref, r, r_est)), p = num(table_get(&ref, r, r_p));
        ABS_EQ(res.estimate, est, REF_TOL, "case %ld %s: estimate vs R", want_case, name);
        REL_EQ(res.p_value, p, REF_TOL, "case %ld %s: p-value vs R", want_case, name);
        if (!rank)
            ABS_EQ(res.statistic, num(table_get(&ref, r, r_stat)), REF_TOL,
                   "case %ld %s: t vs R", want_case, name);
        else
            ABS_EQ((res.estimate + 0.5) * (double)n[0] * (double)n[1],
                   num(table_get(&ref, r, r_stat)), 1e-8, "case %ld wilcoxon: W vs R",
                   want_case);
    }
    mscsim_analysis_settings_free(s);
    table_free(&data);
    table_free(&ref);
    mscsim_design_free(d);
}

/* Every analysed value is the utility of its patient's primary score (no dropout, so the
 * analysed patients are all of them, in order). */
static void check_trial_values(const mscsim_config *cfg, const double *u, double lo,
                               double step, const char *what)
{
    mscsim_design *d = design_of(cfg);
    mscsim_workspace *w;
    mscsim_error err;
    if (mscsim_workspace_new(d, 200, &w, &err)) {
        CHECK(0, "%s: workspace", what);
        mscsim_design_free(d);
        return;
    }
    size_t n[2] = {200, 200}, bad = 0, distinct_levels = 0;
    int seen[MSCSIM_MAX_UTILITIES] = {0};
    for (int t = 0; t < 20; t++) {
        mscsim_rng rng = mscsim_rng_for_trial(5, 1, 400, (uint64_t)t);
        mscsim_trial_data data;
        mscsim_trial_diag diag;
        mscsim_trial_simulate(d, &rng, n, w, &data, &diag);
        for (int a = 0; a < 2; a++) {
            const sim_arm_buffers *b = &w->arm[a];
            for (size_t i = 0; i < b->n; i++) {
                int k = (int)floor((b->score[i] - lo) / step + 0.5);
                bad += data.y[a][i] != u[k];
                distinct_levels += !seen[k];
                seen[k] = 1;
            }
        }
    }
    INT_EQ(bad, 0, "%s: every analysed value is its score's utility", what);
    CHECK(distinct_levels >= 5, "%s: %zu levels seen", what, distinct_levels);
    mscsim_workspace_free(w);
    mscsim_design_free(d);
}

static void test_pipeline(void)
{
    mscsim_config cfg;
    load_base(&cfg);
    set_treasure(&cfg);
    set(&cfg, "analysis.test=welch");
    check_trial_values(&cfg, uw_mrs, 0, 1, "mRS");

    /* The exact truth: sum_k u_k (p1_k - p0_k) on the counts, 0.0403902714932127. */
    const double c0[7] = {3, 8, 12, 17, 39, 20, 3}, c1[7] = {5, 9, 20, 15, 31, 18, 6};
    double want = 0;
    for (int k = 0; k < 7; k++)
        want += uw_mrs[k] * (c1[k] / 104 - c0[k] / 102);
    mscsim_design *d = design_of(&cfg);
    double mcse;
    ABS_EQ(mscsim_design_true_effect(d, &mcse), want, 1e-13, "ordinal utility: exact truth");
    ABS_EQ(mcse, 0, 0, "ordinal utility: truth exact (MCSE 0)");
    mscsim_design_free(d);

    /* EQ-5D-like weights with negative values are a config away. */
    const double eq[7] = {0.95, 0.85, 0.7, 0.55, 0.2, -0.1, 0};
    set(&cfg, "outcome.utilities=0.95, 0.85, 0.7, 0.55, 0.2, -0.1, 0");
    check_trial_values(&cfg, eq, 0, 1, "mRS, other weights");

    /* The Barthel Index under the normal model: 21 levels 0, 5, ..., 100. */
    load_base(&cfg);
    set(&cfg, "outcome.scale=barthel");
    set(&cfg, "baseline.score=uniform(20, 80)");
    set(&cfg, "control.mean=10");
    set(&cfg, "control.sd=20");
    set(&cfg, "msc.mean=15");
    set(&cfg, "msc.sd=20");
    set(&cfg, "analysis.endpoint=utility");
    set(&cfg, "analysis.test=welch");
    double bu[21];
    char list[1024] = "outcome.utilities=";
    for (int k = 0; k < 21; k++) {
        bu[k] = k / 20.0 * k / 20.0; /* convex in the Barthel: arbitrary but distinct */
        char item[32];
        snprintf(item, sizeof item, "%s%.17g", k ? ", " : "", bu[k]);
        strcat(list, item);
    }
    set(&cfg, "%s", list);
    check_trial_values(&cfg, bu, 0, 5, "Barthel");
}

static void test_power(void)
{
    table t;
    CHECK(table_read(&t, "utility_power_ref.csv") && t.nrow > 0, "read utility_power_ref.csv");
    size_t c_n0 = table_col(&t, "n_control"), c_an = table_col(&t, "analysis");
    size_t c_power = table_col(&t, "power");
    for (size_t r = 0; r < t.nrow; r++) {
        mscsim_config cfg;
        load_base(&cfg);
        set_treasure(&cfg);
        long n0 = atol(table_get(&t, r, c_n0));
        set(&cfg, "trial.n=%ld", 2 * n0);
        set(&cfg, "analysis.test=%s", table_get(&t, r, c_an));
        set(&cfg, "simulation.reps=%d", POWER_REPS);
        set(&cfg, "simulation.seed=%zu", 77 + r);
        mscsim_cell_summary s;
        if (!run_analysis(&cfg, &s, 0, 0)) {
            CHECK(0, "power row %zu runs", r);
            continue;
        }
        double p = num(table_get(&t, r, c_power));
        double mcse = sqrt(2 * p * (1 - p) / POWER_REPS);
        ABS_EQ(s.power, p, K_MCSE * mcse, "power of %s on the UW-mRS, %ld + %ld vs R",
               table_get(&t, r, c_an), n0, n0);
    }
    table_free(&t);
}

static void expect_error(mscsim_config *cfg, const char *section, const char *key,
                         const char *what)
{
    mscsim_design *d = NULL;
    mscsim_error err;
    int status = mscsim_design_new(cfg, &d, &err);
    CHECK(status != MSCSIM_OK && strcmp(err.section, section) == 0 && strcmp(err.key, key) == 0,
          "%s: error at [%s] %s (got %d at [%.40s] %.40s: %.200s)", what, section, key, status,
          err.section, err.key, err.msg);
    mscsim_design_free(d);
}

static void test_errors(void)
{
    mscsim_config cfg;
    load_base(&cfg);
    set_treasure(&cfg);
    set(&cfg, "analysis.test=welch");
    set(&cfg, "outcome.utilities=1, 0.9, 0.5, 0");
    expect_error(&cfg, "outcome", "utilities", "4 utilities on the mRS");
    load_base(&cfg);
    set(&cfg, "analysis.endpoint=utility");
    expect_error(&cfg, "analysis", "endpoint", "utility on an unbounded scale");
    load_base(&cfg);
    set(&cfg, "outcome.scale=barthel");
    set(&cfg, "analysis.endpoint=utility");
    expect_error(&cfg, "outcome", "utilities", "the mRS weights on the Barthel Index");
    load_base(&cfg);
    set(&cfg, "model.type=binary");
    set(&cfg, "analysis.test=chisq");
    set(&cfg, "analysis.endpoint=utility");
    expect_error(&cfg, "analysis", "endpoint", "utility on the binary model");
    load_base(&cfg);
    set_treasure(&cfg);
    set(&cfg, "analysis.test=po");
    expect_error(&cfg, "analysis", "test", "po on utilities");
}

int main(void)
{
    test_r_statistics();
    test_pipeline();
    test_errors();
    test_power();
    return TEST_DONE();
}
