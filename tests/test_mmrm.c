/*
 * MMRM and cLDA fits (sim/longitudinal/mmrm.c) against nlme::gls (tests/ref/mmrm_ref.csv,
 * made by tests/ref/make_mmrm_ref.R from the data sets in tests/ref/mmrm_data.csv): six
 * data sets (100 x 3 with MAR monotone dropout, 60 x 4 intermittent, 40 x 2, 2:1
 * allocation, a strong baseline effect, 120 x 5 nearly complete), each fitted as MMRM and
 * as cLDA with the effect at every visit. Then complete data, where the MMRM is per-visit
 * least squares exactly; the failure reasons, the warm start and the workspace check.
 * Then the analyses mmrm and clda on simulated trials (sim/analyses/mmrm.c, clda.c): the
 * same fit as sim_mmrm_fit on the trial's patients gathered here independently, change and
 * final endpoints alike, a failure with its reason, identical summaries on 1 and 2
 * threads, and the validation under MAR dropout: mmrm unbiased and covering, complete-case
 * analyses of the primary visit biased. Then interim looks with accrual: the data a look
 * hands to mmrm are exactly the visits past by its date (enumerated here from the accrual
 * formula), single-visit analyses keep the look's prefix, type I error under the null
 * within Monte Carlo error of alpha, and the pipeline patients' visits raise the power at
 * the interim look.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyses/registry.h"
#include "config_util.h"
#include "harness.h"
#include "interim/looks.h"
#include "longitudinal/mmrm.h"
#include "mscsim/trial.h"
#include "ref_table.h"
#include "splitmix.h"

/* The bar is 1e-6 absolute on estimate and SE against gls. gls's own optimiser
 * (optim BFGS at msTol 1e-14; nlminb stops farther away) ends up to 3.5e-6 from the
 * maximum in 5 of 40 rows, with a REML log-likelihood up to 6e-10 below it, so against
 * gls itself the test allows 5e-6 (GLS_TOL). The reference maximum is gls's polished in R
 * by Newton steps on an independent dense REML likelihood (every row's log-likelihood
 * rises); there estimate and SE agree to 1e-8 absolute (measured: 2e-10). */
#define GLS_TOL 5e-6
#define EST_TOL 1e-8
#define LOGLIK_TOL 1e-8   /* absolute, log-likelihood units */
#define SIGMA_TOL 1e-7    /* relative to the largest entry of Sigma */
/* The R reference differentiates numerically (central differences with one Richardson
 * step), good to ~1e-7 relative; the df are compared to 1e-5 relative. */
#define DF_TOL 1e-5

#define MAX_PATIENTS 200

typedef struct {
    size_t n;
    int visits;
    unsigned char arm[MAX_PATIENTS], observed[MAX_PATIENTS * SIM_MMRM_MAX_VISITS];
    double baseline[MAX_PATIENTS], y[MAX_PATIENTS * SIM_MMRM_MAX_VISITS];
} dataset;

/* Data set `id` of mmrm_data.csv (patients numbered 1..n, visits 1..V). */
static int load_dataset(const table *t, int id, dataset *ds)
{
    size_t c_ds = table_col(t, "dataset"), c_pat = table_col(t, "patient"),
           c_arm = table_col(t, "arm"), c_base = table_col(t, "baseline"),
           c_vis = table_col(t, "visit_index"), c_y = table_col(t, "y");
    memset(ds, 0, sizeof *ds);
    for (size_t r = 0; r < t->nrow; r++)
        if ((int)num(table_get(t, r, c_ds)) == id) {
            size_t i = (size_t)num(table_get(t, r, c_pat));
            int v = (int)num(table_get(t, r, c_vis));
            if (i > ds->n)
                ds->n = i;
            if (v > ds->visits)
                ds->visits = v;
        }
    if (ds->n == 0 || ds->n > MAX_PATIENTS || ds->visits > SIM_MMRM_MAX_VISITS)
        return 0;
    size_t V = (size_t)ds->visits;
    for (size_t r = 0; r < t->nrow; r++)
        if ((int)num(table_get(t, r, c_ds)) == id) {
            size_t i = (size_t)num(table_get(t, r, c_pat)) - 1;
            size_t v = (size_t)num(table_get(t, r, c_vis)) - 1;
            ds->arm[i] = (unsigned char)num(table_get(t, r, c_arm));
            ds->baseline[i] = num(table_get(t, r, c_base));
            ds->y[i * V + v] = num(table_get(t, r, c_y));
            ds->observed[i * V + v] = 1;
        }
    return 1;
}

static sim_mmrm_data data_of(const dataset *ds, int primary, const double *start)
{
    sim_mmrm_data d = {ds->n, ds->visits, ds->arm, ds->baseline, ds->y, ds->observed, primary,
                       start};
    return d;
}

/* Fits d as MMRM or cLDA with a workspace of exactly the advertised size. */
static sim_mmrm_status fit(const sim_mmrm_data *d, int clda, sim_mmrm_result *res)
{
    size_t bytes = sim_mmrm_work_size(d->visits, d->n);
    void *work = malloc(bytes ? bytes : 1);
    sim_mmrm_status st =
        clda ? sim_clda_fit(d, work, bytes, res) : sim_mmrm_fit(d, work, bytes, res);
    free(work);
    return st;
}

static void check_sigma(const sim_mmrm_result *res, const char *ref, const char *what)
{
    double want[SIM_MMRM_MAX_DIM * SIM_MMRM_MAX_DIM], scale = 0.0, worst = 0.0;
    int cnt = res->dim * res->dim;
    const char *p = ref;
    for (int i = 0; i < cnt; i++) {
        want[i] = num_end(p, &p);
        if (*p == ';')
            p++;
        scale = fmax(scale, fabs(want[i]));
    }
    for (int i = 0; i < cnt; i++)
        worst = fmax(worst, fabs(res->sigma[i] - want[i]) / scale);
    CHECK(worst <= SIGMA_TOL, "%s: Sigma within %g of nlme's (relative to its largest entry)",
          what, worst);
}

static void test_against_nlme(void)
{
    table data, ref;
    if (!table_read(&data, "mmrm_data.csv") || !table_read(&ref, "mmrm_ref.csv")) {
        CHECK(0, "ref/mmrm_data.csv and ref/mmrm_ref.csv are readable");
        return;
    }
    size_t c_ds = table_col(&ref, "dataset"), c_model = table_col(&ref, "model"),
           c_visit = table_col(&ref, "visit"), c_est = table_col(&ref, "estimate"),
           c_se = table_col(&ref, "se"), c_ll = table_col(&ref, "loglik"),
           c_df = table_col(&ref, "df_satterthwaite"), c_sigma = table_col(&ref, "sigma"),
           c_est_gls = table_col(&ref, "estimate_gls"), c_se_gls = table_col(&ref, "se_gls");
    static dataset ds;
    int loaded = -1;
    double worst_est = 0.0, worst_se = 0.0, worst_df = 0.0, worst_gls = 0.0;
    for (size_t r = 0; r < ref.nrow; r++) {
        int id = (int)num(table_get(&ref, r, c_ds));
        if (id != loaded) {
            if (!load_dataset(&data, id, &ds)) {
                CHECK(0, "data set %d loads", id);
                continue;
            }
            loaded = id;
        }
        const char *model = table_get(&ref, r, c_model);
        int clda = strcmp(model, "clda") == 0, visit = (int)num(table_get(&ref, r, c_visit));
        char what[64];
        snprintf(what, sizeof what, "data set %d %s visit %d", id, model, visit);
        sim_mmrm_data d = data_of(&ds, visit - 1, NULL);
        sim_mmrm_result res;
        if (fit(&d, clda, &res) != SIM_MMRM_OK) {
            CHECK(0, "%s fits: %s (%s)", what, sim_mmrm_status_name(res.status), res.reason);
            continue;
        }
        double est = num(table_get(&ref, r, c_est)), se = num(table_get(&ref, r, c_se));
        double df = num(table_get(&ref, r, c_df));
        ABS_EQ(res.estimate, est, EST_TOL, "%s: estimate", what);
        ABS_EQ(res.se, se, EST_TOL, "%s: SE", what);
        ABS_EQ(res.loglik, num(table_get(&ref, r, c_ll)), LOGLIK_TOL, "%s: REML log-likelihood",
               what);
        REL_EQ(res.df, df, DF_TOL, "%s: Satterthwaite df", what);
        check_sigma(&res, table_get(&ref, r, c_sigma), what);
        worst_est = fmax(worst_est, fabs(res.estimate - est));
        worst_se = fmax(worst_se, fabs(res.se - se));
        worst_df = fmax(worst_df, fabs(res.df - df) / df);
        /* The bar against gls's own (unpolished) answer. */
        double est_gls = num(table_get(&ref, r, c_est_gls));
        double se_gls = num(table_get(&ref, r, c_se_gls));
        ABS_EQ(res.estimate, est_gls, GLS_TOL, "%s: estimate vs gls", what);
        ABS_EQ(res.se, se_gls, GLS_TOL, "%s: SE vs gls", what);
        worst_gls = fmax(worst_gls, fmax(fabs(res.estimate - est_gls), fabs(res.se - se_gls)));
    }
    printf("against the polished REML maximum: worst |estimate| %.3g, |SE| %.3g, relative df "
           "%.3g; against gls itself: estimate and SE within %.3g\n", worst_est, worst_se, worst_df,
           worst_gls);
    table_free(&data);
    table_free(&ref);
}

/* A small complete data set: n patients, V visits, alternating arms. */
static void make_data(dataset *ds, size_t n, int V)
{
    memset(ds, 0, sizeof *ds);
    ds->n = n;
    ds->visits = V;
    for (size_t i = 0; i < n; i++) {
        ds->arm[i] = (unsigned char)(i % 2);
        ds->baseline[i] = 40.0 + (double)((i * 37) % 17);
        for (int v = 0; v < V; v++) {
            size_t k = i * (size_t)V + (size_t)v;
            ds->y[k] = 0.3 * ds->baseline[i] + (double)v + (double)((i * 13 + (size_t)v * 7) % 11);
            ds->observed[k] = 1;
        }
    }
}

static void expect_failure(const dataset *ds, int clda, sim_mmrm_status want, const char *what)
{
    sim_mmrm_data d = data_of(ds, ds->visits - 1, NULL);
    sim_mmrm_result res;
    sim_mmrm_status st = fit(&d, clda, &res);
    CHECK(st == want && res.status == want && isnan(res.estimate) && res.reason[0] != '\0',
          "%s (%s): %s, reason \"%s\"", what, clda ? "clda" : "mmrm", sim_mmrm_status_name(st),
          res.reason);
}

static void test_failures(void)
{
    static dataset ds;
    for (int clda = 0; clda <= 1; clda++) {
        make_data(&ds, 30, 3);
        for (size_t i = 0; i < ds.n; i++)
            ds.observed[i * 3 + 1] = 0;
        expect_failure(&ds, clda, SIM_MMRM_TOO_FEW, "a visit without observations");

        make_data(&ds, 2, 3);
        expect_failure(&ds, clda, SIM_MMRM_TOO_FEW, "one patient per arm");

        make_data(&ds, 30, 2);
        for (size_t i = 0; i < ds.n; i++)
            ds.observed[i * 2 + (i / 2) % 2] = 0;
        expect_failure(&ds, clda, SIM_MMRM_UNPAIRED, "two visits never observed together");

        make_data(&ds, 30, 3);
        for (size_t i = 0; i < ds.n; i++)
            ds.y[i * 3 + 1] = ds.y[i * 3] + 1.0;
        expect_failure(&ds, clda, SIM_MMRM_NOT_PD, "visit 2 = visit 1 + 1 (a singular Sigma)");

        make_data(&ds, 30, 3);
        ds.arm[4] = 2;
        expect_failure(&ds, clda, SIM_MMRM_BAD_INPUT, "arm 2");
    }
    make_data(&ds, 30, 3);
    for (size_t i = 0; i < ds.n; i++)
        ds.baseline[i] = 5.0;
    expect_failure(&ds, 0, SIM_MMRM_TOO_FEW, "a constant baseline (aliased with the intercept)");
    make_data(&ds, 30, 1);
    expect_failure(&ds, 0, SIM_MMRM_BAD_INPUT, "MMRM with one visit");

    make_data(&ds, 30, 3);
    sim_mmrm_data d = data_of(&ds, 2, NULL);
    sim_mmrm_result res;
    static double work[4096];
    size_t need = sim_mmrm_work_size(3, ds.n);
    CHECK(need > 0 && need <= sizeof work, "work size for 30 x 3 is %zu bytes", need);
    INT_EQ(sim_mmrm_fit(&d, work, 64, &res), SIM_MMRM_WORKSPACE, "a workspace of 64 bytes");
    INT_EQ(sim_mmrm_fit(&d, work, need, &res), SIM_MMRM_OK, "the advertised workspace (mmrm)");
    INT_EQ(sim_clda_fit(&d, work, need, &res), SIM_MMRM_OK, "the advertised workspace (clda)");
    /* The size is the larger model's need, exactly. */
    int short_fails = sim_mmrm_fit(&d, work, need - 1, &res) == SIM_MMRM_WORKSPACE ||
                      sim_clda_fit(&d, work, need - 1, &res) == SIM_MMRM_WORKSPACE;
    INT_EQ(short_fails, 1, "1 byte short of the advertised size fails one model");
    INT_EQ(sim_mmrm_work_size(0, 10) == 0 && sim_mmrm_work_size(17, 10) == 0, 1,
           "work size 0 for visits out of range");
}

/* The previous fit's Sigma as the start: the same answer in fewer steps; and a start that
 * is not positive definite falls back to the moment start. */
static void test_warm_start(void)
{
    table data;
    static dataset ds;
    if (!table_read(&data, "mmrm_data.csv") || !load_dataset(&data, 1, &ds)) {
        CHECK(0, "data set 1 loads");
        return;
    }
    table_free(&data);
    for (int clda = 0; clda <= 1; clda++) {
        sim_mmrm_data d = data_of(&ds, ds.visits - 1, NULL);
        sim_mmrm_result cold, warm, bad;
        fit(&d, clda, &cold);
        d.sigma_start = cold.sigma;
        fit(&d, clda, &warm);
        CHECK(warm.status == SIM_MMRM_OK && warm.iterations < cold.iterations &&
                  fabs(warm.estimate - cold.estimate) < 1e-10 && fabs(warm.se - cold.se) < 1e-10,
              "%s warm start: %d steps (cold %d), estimate and SE agree to 1e-10",
              clda ? "clda" : "mmrm", warm.iterations, cold.iterations);
        double zero[SIM_MMRM_MAX_DIM * SIM_MMRM_MAX_DIM] = {0.0};
        d.sigma_start = zero;
        fit(&d, clda, &bad);
        CHECK(bad.status == SIM_MMRM_OK && bad.iterations == cold.iterations &&
                  bad.estimate == cold.estimate,
              "%s: a zero warm start falls back to the moment start", clda ? "clda" : "mmrm");
    }
}

/* With every visit observed, GLS with a common design is least squares per visit
 * (Zellner 1962, JASA 57:348) and REML's Sigma is the residual cross-products over n - 3,
 * so the MMRM effect, SE and Satterthwaite df are lm(y_v ~ arm + baseline)'s, df = n - 3. */
static void test_complete_data(void)
{
    static dataset ds;
    size_t n = 57;
    int V = 4;
    splitmix_state = 314159;
    memset(&ds, 0, sizeof ds);
    ds.n = n;
    ds.visits = V;
    for (size_t i = 0; i < n; i++) {
        ds.arm[i] = (unsigned char)(unif() < 0.5);
        ds.baseline[i] = 30.0 + 5.0 * rnorm1();
        double e = rnorm1();
        for (int v = 0; v < V; v++) {
            e = 0.7 * e + rnorm1();
            ds.y[i * (size_t)V + (size_t)v] = v + 2.0 * ds.arm[i] + 0.4 * ds.baseline[i] + 3.0 * e;
            ds.observed[i * (size_t)V + (size_t)v] = 1;
        }
    }
    for (int v = 0; v < V; v++) {
        /* Normal equations of y_v on (1, arm, baseline) by Cramer's rule on the centred
         * 2 x 2 system of (arm, baseline). */
        double ma = 0, mb = 0, my = 0, saa = 0, sab = 0, sbb = 0, say = 0, sby = 0, syy = 0;
        for (size_t i = 0; i < n; i++) {
            ma += ds.arm[i];
            mb += ds.baseline[i];
            my += ds.y[i * (size_t)V + (size_t)v];
        }
        ma /= (double)n, mb /= (double)n, my /= (double)n;
        for (size_t i = 0; i < n; i++) {
            double a = ds.arm[i] - ma, b = ds.baseline[i] - mb;
            double y = ds.y[i * (size_t)V + (size_t)v] - my;
            saa += a * a, sab += a * b, sbb += b * b, say += a * y, sby += b * y, syy += y * y;
        }
        double det = saa * sbb - sab * sab;
        double ba = (say * sbb - sby * sab) / det, bb = (sby * saa - say * sab) / det;
        double sse = syy - ba * say - bb * sby, se = sqrt(sse / (double)(n - 3) * sbb / det);
        sim_mmrm_data d = data_of(&ds, v, NULL);
        sim_mmrm_result res;
        if (fit(&d, 0, &res) != SIM_MMRM_OK) {
            CHECK(0, "complete data visit %d fits: %s", v + 1, res.reason);
            continue;
        }
        ABS_EQ(res.estimate, ba, 1e-10, "complete data visit %d: estimate = least squares", v + 1);
        ABS_EQ(res.se, se, 1e-10, "complete data visit %d: SE = least squares", v + 1);
        REL_EQ(res.df, (double)(n - 3), 1e-8, "complete data visit %d: df = n - 3", v + 1);
    }
}

/* ---- the analyses on simulated trials ---------------------------------------------- */

/* The seed trial's course model over 3 visits with MAR dropout on the previous visit
 * (worse patients drop out more) and deaths left missing: every kind of missing visit. */
static void trajectory_design(mscsim_config *cfg, long n, long reps)
{
    load_base(cfg);
    set(cfg, "model.type=trajectory");
    set(cfg, "outcome.scale=fma_motor");
    set(cfg, "trial.visits=7, 30, 90");
    set(cfg, "trial.n=%ld", n);
    set(cfg, "baseline.score=uniform(0, 49)");
    set(cfg, "baseline.onset_days=fixed(20)");
    set(cfg, "msc.r_gain=0.1");
    set(cfg, "control.dropout=0.3");
    set(cfg, "msc.dropout=0.3");
    set(cfg, "dropout.mechanism=mar");
    set(cfg, "dropout.mar_on=previous_visit");
    set(cfg, "dropout.odds_ratio=2.5");
    set(cfg, "simulation.reps=%ld", reps);
}

/* The trial in w gathered from the public per-patient view, as the issue defines the
 * model's data: o (score - baseline) (change) or o score (final) at each visit. */
static sim_mmrm_data gather(const mscsim_workspace *w, double orientation, int change,
                            dataset *ds)
{
    memset(ds, 0, sizeof *ds);
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        mscsim_arm_view v;
        mscsim_workspace_view(w, a, &v);
        ds->visits = v.visit_count;
        for (size_t i = 0; i < v.n; i++, ds->n++) {
            size_t j = ds->n, V = (size_t)v.visit_count;
            ds->arm[j] = (unsigned char)a;
            ds->baseline[j] = v.baseline[i];
            for (size_t k = 0; k < V; k++) {
                ds->observed[j * V + k] = v.observed[i * V + k];
                ds->y[j * V + k] =
                    orientation * (v.score[i * V + k] - (change ? v.baseline[i] : 0.0));
            }
        }
    }
    return data_of(ds, ds->visits - 1, NULL);
}

/* The design of cfg, a workspace for 60 patients an arm and two-sided 0.05 settings. */
static int build_trial(const mscsim_config *cfg, mscsim_design **d, mscsim_workspace **w,
                       mscsim_analysis_settings **s)
{
    mscsim_error err;
    int ok = !mscsim_design_new(cfg, d, &err) && !mscsim_workspace_new(*d, 60, w, &err) &&
             !mscsim_analysis_settings_new(0.05, 2, 0.95, 1000, 1, s, &err);
    CHECK(ok, "design, workspace and settings build");
    return ok;
}

static void test_trial_analysis(void)
{
    mscsim_config cfg;
    trajectory_design(&cfg, 90, 1);
    set(&cfg, "control.mortality=0.1");
    set(&cfg, "outcome.death=missing");
    set(&cfg, "analysis.tests=mmrm, clda");
    static dataset ds;
    for (int change = 1; change >= 0; change--) {
        set(&cfg, "analysis.endpoint=%s", change ? "change" : "final");
        mscsim_design *d;
        mscsim_workspace *w;
        mscsim_analysis_settings *s;
        if (!build_trial(&cfg, &d, &w, &s))
            return;
        for (int t = 0; t < 5; t++) {
            mscsim_rng rng = mscsim_rng_for_trial(11, 1, 0, (uint64_t)t);
            size_t n[MSCSIM_ARM_COUNT] = {45, 45};
            mscsim_trial_data data;
            mscsim_trial_diag diag;
            mscsim_trial_simulate(d, &rng, n, w, &data, &diag);
            sim_mmrm_data in = gather(w, 1.0, change, &ds);
            for (int clda = 0; clda <= 1; clda++) {
                mscsim_analysis_result r;
                sim_mmrm_result ref;
                (clda ? &sim_analysis_clda : &sim_analysis_mmrm)->analyze(&data, s, &r);
                if (clda) /* cLDA's response at visit 0 is the baseline: the score itself */
                    in = gather(w, 1.0, 0, &ds);
                fit(&in, clda, &ref);
                CHECK(!r.failed && ref.status == SIM_MMRM_OK &&
                          fabs(r.estimate - ref.estimate) <= 1e-12 * fmax(1.0, fabs(ref.estimate)) &&
                          fabs(r.se - ref.se) <= 1e-12 * ref.se && r.df == ref.df,
                      "%s, %s endpoint, trial %d: the analysis is the fit of the trial's "
                      "patients (estimate %.6g SE %.6g df %.4g)", clda ? "clda" : "mmrm",
                      change ? "change" : "final", t, r.estimate, r.se, r.df);
            }
        }
        mscsim_analysis_settings_free(s);
        mscsim_workspace_free(w);
        mscsim_design_free(d);
    }
}

/* A trial whose last visit has 3 observations fails with the fit's reason. */
static void test_trial_failure(void)
{
    enum { N = 20, V = 2 };
    static double base[N], score[N * V], work[100000];
    static unsigned char obs[N * V];
    splitmix_state = 99;
    for (int i = 0; i < N; i++) {
        base[i] = 10 + rnorm1();
        for (int v = 0; v < V; v++) {
            score[i * V + v] = base[i] + v + rnorm1();
            obs[i * V + v] = v == 0 || i % 7 == 0;
        }
    }
    mscsim_visit_data vd = {V, V, {N / 2, N / 2}, {base, base + N / 2}, {score, score + N * V / 2},
                            {obs, obs + N * V / 2}, 1.0, 1, work, sizeof work};
    mscsim_trial_data data = {0};
    data.visits = &vd;
    mscsim_analysis_settings *s;
    mscsim_error err;
    if (mscsim_analysis_settings_new(0.05, 2, 0.95, 100, 0, &s, &err)) {
        CHECK(0, "settings build");
        return;
    }
    mscsim_analysis_result r;
    sim_analysis_mmrm.analyze(&data, s, &r);
    CHECK(r.failed && !r.reject && r.reason && strcmp(r.reason, "too few observations") == 0,
          "3 patients at the last visit: mmrm fails (%s)", r.reason ? r.reason : "no reason");
    vd.work_bytes = 16;
    sim_analysis_mmrm.analyze(&data, s, &r);
    CHECK(r.failed && r.reason && strcmp(r.reason, "workspace too small") == 0,
          "a small work buffer fails the analysis, never overruns it");
    mscsim_analysis_settings_free(s);
}

static void test_threads_identical(void)
{
    mscsim_config cfg;
    trajectory_design(&cfg, 60, 300);
    set(&cfg, "analysis.tests=mmrm, clda");
    mscsim_cell_summary one[2], two[2];
    set(&cfg, "simulation.threads=1");
    int ok = run_analysis(&cfg, &one[0], 0, 0) && run_analysis(&cfg, &one[1], 0, 1);
    set(&cfg, "simulation.threads=2");
    ok = ok && run_analysis(&cfg, &two[0], 0, 0) && run_analysis(&cfg, &two[1], 0, 1);
    CHECK(ok && memcmp(one, two, sizeof one) == 0,
          "mmrm and clda summaries identical on 1 and 2 threads");
}

/* MAR dropout on the previous visit (worse patients leave): complete-case analyses of the
 * primary visit are biased toward 0 (the worst control patients are lost), the MMRM,
 * which carries the dropouts' earlier visits, is not. Tolerances are 4 Monte Carlo SEs:
 * bias sqrt(empirical_se^2 / reps + true_effect_mcse^2), coverage sqrt(0.95 0.05 / reps). */
static void test_mar_validation(void)
{
    mscsim_config cfg;
    long reps = 4000;
    trajectory_design(&cfg, 100, reps);
    set(&cfg, "simulation.seed=3");
    set(&cfg, "analysis.tests=welch, ancova, mmrm");
    set(&cfg, "analysis.endpoint=change");
    mscsim_cell_summary s[3];
    for (int k = 0; k < 3; k++)
        if (!run_analysis(&cfg, &s[k], 0, k)) {
            CHECK(0, "the MAR design runs");
            return;
        }
    for (int k = 0; k < 3; k++) {
        double mcse = sqrt(s[k].empirical_se * s[k].empirical_se / (double)(reps - s[k].failures) +
                           s[k].true_effect_mcse * s[k].true_effect_mcse);
        double cov_mcse = sqrt(0.95 * 0.05 / (double)reps);
        if (k < 2)
            CHECK(s[k].bias < -4.0 * mcse, "MAR: complete-case %s is biased: %.4f (MCSE %.4f)",
                  s[k].analysis, s[k].bias, mcse);
        else {
            CHECK(fabs(s[k].bias) < 4.0 * mcse && s[k].failures == 0,
                  "MAR: mmrm unbiased: %.4f (MCSE %.4f), %ld failures", s[k].bias, mcse,
                  s[k].failures);
            CHECK(fabs(s[k].coverage - 0.95) < 4.0 * cov_mcse,
                  "MAR: mmrm covers at 0.95: %.4f (MCSE %.4f)", s[k].coverage, cov_mcse);
        }
    }
}


/* Month patient t (1-based, both arms) enters under accrual r a month reached by a linear
 * ramp over R months: the cumulative accrual r tau^2 / (2 R) on the ramp, r (tau - R / 2)
 * after, solved for tau. */
static double entry_month_of(double r, double R, double t)
{
    double tau = R + t / r - R / 2.0;
    return tau <= R ? sqrt(2.0 * R * t / r) : tau;
}

/* The look at the day patient m reaches the primary visit (day 90), for the trial in w:
 * every patient randomized by then (entry day at most the look's), with the visits whose
 * day after entry is at most the look's and observed, as a data set (change from baseline
 * for the MMRM, the score for cLDA); counts the patients past each visit per arm, those with
 * a visit, and those beyond the prefix with one. */
static sim_mmrm_data enumerate_look(const mscsim_config *cfg, const mscsim_workspace *w, long m,
                                    int clda, size_t past[MSCSIM_ARM_COUNT][MSCSIM_MAX_VISITS],
                                    size_t *contributing, size_t *pipeline, dataset *ds)
{
    double r = cfg->accrual_per_month, R = cfg->accrual_ramp_months, days = 30.4375;
    double look_day = (entry_month_of(r, R, (double)m) * days) + 90.0;
    long n = cfg->n[0];
    /* Arm and index within the arm of every patient, in randomization order. */
    static double entry_day[MSCSIM_ARM_COUNT][MAX_PATIENTS];
    long prev[MSCSIM_ARM_COUNT] = {0, 0};
    for (long t = 1; t <= n; t++) {
        long sizes[MSCSIM_ARM_COUNT];
        mscsim_config_arm_sizes(cfg, t, sizes);
        int a = sizes[MSCSIM_ARM_MSC] > prev[MSCSIM_ARM_MSC];
        entry_day[a][prev[a]] = entry_month_of(r, R, (double)t) * days;
        prev[0] = sizes[0];
        prev[1] = sizes[1];
    }
    memset(ds, 0, sizeof *ds);
    memset(past, 0, sizeof(size_t) * MSCSIM_ARM_COUNT * MSCSIM_MAX_VISITS);
    *contributing = *pipeline = 0;
    long prefix[MSCSIM_ARM_COUNT];
    mscsim_config_arm_sizes(cfg, m, prefix);
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        mscsim_arm_view v;
        mscsim_workspace_view(w, a, &v);
        size_t V = (size_t)v.visit_count;
        ds->visits = v.visit_count;
        for (size_t i = 0; i < v.n && entry_day[a][i] <= look_day + 1e-7; i++) {
            size_t j = ds->n++, used = 0;
            ds->arm[j] = (unsigned char)a;
            ds->baseline[j] = v.baseline[i];
            for (size_t k = 0; k < V; k++) {
                /* 1e-7 days: the look's day is computed through months. */
                int due = entry_day[a][i] + v.visit_days[k] <= look_day + 1e-7;
                past[a][k] += (size_t)due;
                ds->observed[j * V + k] = (unsigned char)(due && v.observed[i * V + k]);
                ds->y[j * V + k] = v.score[i * V + k] - (clda ? 0.0 : v.baseline[i]);
                used += ds->observed[j * V + k];
            }
            if (used) {
                *contributing += 1;
                *pipeline += i >= (size_t)prefix[a];
            }
        }
    }
    return data_of(ds, ds->visits - 1, NULL);
}

static void test_look_followup(void)
{
    mscsim_config cfg;
    trajectory_design(&cfg, 60, 1);
    set(&cfg, "control.mortality=0.1");
    set(&cfg, "trial.allocation=1:2");
    set(&cfg, "analysis.tests=mmrm, clda");
    set(&cfg, "analysis.endpoint=change");
    set(&cfg, "interim.looks=0.4, 0.7, 1");
    set(&cfg, "trial.accrual_per_month=3");
    set(&cfg, "trial.accrual_ramp_months=4");
    mscsim_design *d;
    mscsim_workspace *w;
    mscsim_analysis_settings *s;
    if (!build_trial(&cfg, &d, &w, &s))
        return;
    sim_looks L;
    memset(&L, 0, sizeof L);
    L.bounds.looks = mscsim_interim_plan(&cfg, 60, L.plan);
    sim_looks_followup(&cfg, &L);
    static dataset ds;
    long sizes[MSCSIM_ARM_COUNT];
    mscsim_config_arm_sizes(&cfg, 60, sizes);
    size_t pipeline_total = 0;
    for (int t = 0; t < 4; t++) {
        mscsim_rng rng = mscsim_rng_for_trial(5, 1, 0, (uint64_t)t);
        size_t n[MSCSIM_ARM_COUNT] = {(size_t)sizes[0], (size_t)sizes[1]};
        mscsim_trial_data data;
        mscsim_trial_diag diag;
        mscsim_trial_simulate(d, &rng, n, w, &data, &diag);
        for (int k = 0; k + 1 < L.bounds.looks; k++) {
            size_t past[MSCSIM_ARM_COUNT][MSCSIM_MAX_VISITS], contributing, pipeline;
            sim_mmrm_data in = enumerate_look(&cfg, w, L.plan[k].analysed_total, 0, past,
                                              &contributing, &pipeline, &ds);
            sim_trial_look_prefix(d, w, &L.follow[k], &data);
            int same_cut = 1;
            for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
                for (int v = 0; v < 3; v++)
                    same_cut &= L.follow[k].followed[a][v] == past[a][v];
            CHECK(same_cut && data.arm[0].n + data.arm[1].n <= (size_t)L.plan[k].analysed_total,
                  "trial %d look %d: the patients past each visit are those entered early "
                  "enough (control %zu %zu %zu, msc %zu %zu %zu)", t, k + 1, past[0][0],
                  past[0][1], past[0][2], past[1][0], past[1][1], past[1][2]);
            for (int clda = 0; clda <= 1; clda++) {
                mscsim_analysis_result res;
                sim_mmrm_result ref;
                (clda ? &sim_analysis_clda : &sim_analysis_mmrm)->analyze(&data, s, &res);
                if (clda)
                    in = enumerate_look(&cfg, w, L.plan[k].analysed_total, 1, past,
                                        &contributing, &pipeline, &ds);
                fit(&in, clda, &ref);
                CHECK(!res.failed && ref.status == SIM_MMRM_OK &&
                          fabs(res.estimate - ref.estimate) <=
                              1e-12 * fmax(1.0, fabs(ref.estimate)) &&
                          fabs(res.se - ref.se) <= 1e-12 * ref.se && res.df == ref.df,
                      "trial %d look %d: %s fits exactly the %zu patients randomized and "
                      "the visits past by the look's date (estimate %.6g / %.6g, SE %.6g / "
                      "%.6g)", t, k + 1, clda ? "clda" : "mmrm", in.n, res.estimate,
                      ref.estimate, res.se, ref.se);
            }
            L.longitudinal = 1;
            size_t counted = sim_looks_analysed(&L, &data);
            CHECK(counted == contributing,
                  "trial %d look %d: %zu patients analysed, %zu with a visit (%zu in the "
                  "pipeline)", t, k + 1, counted, contributing, pipeline);
            pipeline_total += pipeline;
        }
    }
    CHECK(pipeline_total > 0, "pipeline patients contribute visits (%zu)", pipeline_total);

    /* Without accrual every patient of the prefix is followed to the primary visit and
     * nobody else is randomized: the look is the prefix, as a single-visit analysis's. */
    set(&cfg, "trial.accrual_per_month=0");
    set(&cfg, "trial.accrual_ramp_months=0");
    memset(&L, 0, sizeof L);
    L.bounds.looks = mscsim_interim_plan(&cfg, 60, L.plan);
    sim_looks_followup(&cfg, &L);
    int prefix_only = 1;
    for (int k = 0; k < L.bounds.looks; k++)
        for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
            for (int v = 0; v < 3; v++)
                prefix_only &= L.follow[k].followed[a][v] == (size_t)L.plan[k].analysed_arm[a];
    CHECK(prefix_only, "without accrual every visit's cut is the look's prefix");
    mscsim_analysis_settings_free(s);
    mscsim_workspace_free(w);
    mscsim_design_free(d);
}

/* Look k's row of analysis j after running cfg. */
static int run_look(const mscsim_config *cfg, int analysis, int look, mscsim_cell_summary *sum,
                    mscsim_look_summary *out)
{
    mscsim_engine *eng = run_engine(cfg);
    if (!eng)
        return 0;
    mscsim_engine_summary(eng, 0, analysis, sum);
    mscsim_engine_look_summary(eng, 0, analysis, look, out);
    mscsim_engine_free(eng);
    return 1;
}

static void looks_design(mscsim_config *cfg, long reps, int accrual)
{
    trajectory_design(cfg, 150, reps);
    set(cfg, "trial.sides=1");
    set(cfg, "trial.alpha=0.025");
    set(cfg, "interim.looks=0.5, 1");
    set(cfg, "trial.accrual_per_month=%d", accrual);
}

/* A single-visit analysis (ancova, deciding) keeps the look's prefix with accrual: the same
 * looks as without; mmrm beside it gains the pipeline patients' visits. */
static void test_looks_single_visit(void)
{
    mscsim_config cfg;
    mscsim_cell_summary s[2];
    mscsim_look_summary look[2], mm[2];
    int ok = 1;
    for (int acc = 0; acc <= 1; acc++) {
        looks_design(&cfg, 400, acc ? 8 : 0);
        set(&cfg, "analysis.tests=ancova, mmrm");
        ok &= run_look(&cfg, 0, 0, &s[acc], &look[acc]);
        ok &= run_look(&cfg, 1, 0, &s[acc], &mm[acc]);
    }
    CHECK(ok && look[0].reject_at_look == look[1].reject_at_look &&
              look[0].mean_analysed == look[1].mean_analysed &&
              look[0].futility_at_look == look[1].futility_at_look,
          "ancova at the look: the same trials and patients with accrual (analysed %.3f)",
          look[1].mean_analysed);
    CHECK(ok && mm[1].mean_analysed == look[1].mean_analysed && mm[1].pipeline > 0,
          "the looks file counts the deciding analysis' patients (%.3f), %g in the pipeline",
          mm[1].mean_analysed, mm[1].pipeline);
}

/* Under the null the pipeline patients' visits add information at the look beyond its
 * planned fraction; O'Brien-Fleming bounds on the planned fractions stay valid (a higher
 * correlation between the looks' statistics only lowers the chance of crossing either).
 * 20000 trials: the MCSE of the type I error is sqrt(0.025 0.975 / 20000) = 0.0011, and
 * the test allows 4 of them either side. The power at the interim look rises with the
 * pipeline's visits: the same trials (same seeds) with and without accrual, the difference
 * more than 4 unpaired SEs (pairing only lowers its SE). */
static void test_looks_error_and_power(void)
{
    mscsim_config cfg;
    mscsim_cell_summary s;
    mscsim_look_summary look;
    long reps = 20000;
    looks_design(&cfg, reps, 8);
    set(&cfg, "analysis.tests=mmrm");
    set(&cfg, "msc.r_gain=0");
    set(&cfg, "simulation.seed=13");
    if (!run_look(&cfg, 0, 0, &s, &look)) {
        CHECK(0, "the null design runs");
        return;
    }
    double se = sqrt(0.025 * 0.975 / (double)reps);
    CHECK(fabs(s.power - 0.025) <= 4.0 * se && s.failures == 0,
          "mmrm with partial follow-up at the look: type I error %.5f (alpha 0.025, 4 MCSE "
          "%.5f), %ld failures", s.power, 4.0 * se, s.failures);

    long preps = 4000;
    mscsim_look_summary with, without;
    looks_design(&cfg, preps, 8);
    set(&cfg, "analysis.tests=mmrm");
    int ok = run_look(&cfg, 0, 0, &s, &with);
    looks_design(&cfg, preps, 0);
    set(&cfg, "analysis.tests=mmrm");
    ok = ok && run_look(&cfg, 0, 0, &s, &without);
    double p1 = with.reject_at_look, p0 = without.reject_at_look;
    double dse = sqrt((p1 * (1 - p1) + p0 * (1 - p0)) / (double)preps);
    CHECK(ok && p1 - p0 > 4.0 * dse && with.mean_analysed > without.mean_analysed,
          "the pipeline's visits raise the power at the look: %.4f against %.4f "
          "(4 SE %.4f); patients analysed %.2f against %.2f", p1, p0, 4.0 * dse,
          with.mean_analysed, without.mean_analysed);
}

int main(void)
{
    test_against_nlme();
    test_complete_data();
    test_failures();
    test_warm_start();
    test_trial_analysis();
    test_trial_failure();
    test_threads_identical();
    test_mar_validation();
    test_look_followup();
    test_looks_single_visit();
    test_looks_error_and_power();
    return TEST_DONE();
}
