/*
 * Tests of the detectable-effect search (sim/mde.c) against references from R
 * (tests/ref/make_mde_ref.R): pwr::pwr.t2n.test(d = NULL) for Student's t on the normal
 * model, and the exact Fisher power (every table of both binomials decided by fisher.test)
 * for a binary design.
 *
 * The formula's answer must agree with R to 1e-6. The simulated answer v is confirmed with
 * trials chosen so that one step (the change of the key that gains 0.01 power) is 4 Monte
 * Carlo SEs: power(v) reaches the target and power(v - step) does not, so the true value
 * lies in [v - step, v] up to the confirmation's error; the test allows one step more on
 * each side of that bracket (at least 2 SEs more per side, far beyond a fixed-seed flake).
 */
#include <math.h>
#include <string.h>

#include "config_util.h"
#include "harness.h"
#include "mscsim/mde.h"
#include "ref_table.h"

static mscsim_config design(const char *const *overrides, int count)
{
    mscsim_config cfg;
    load_base(&cfg);
    set(&cfg, "simulation.reps=4000");
    for (int i = 0; i < count; i++)
        set(&cfg, "%s", overrides[i]);
    mscsim_error err;
    if (mscsim_config_validate(&cfg, &err)) {
        printf("invalid test design: %s\n", err.msg);
        exit(2);
    }
    return cfg;
}

static void check_case(const char *name, const mscsim_config *cfg, const char *key,
                       double want)
{
    mscsim_mde_options opt = {.key = key, .target = 0.8};
    mscsim_mde_result res;
    mscsim_error err;
    int status = mscsim_mde(cfg, &opt, &res, &err);
    CHECK(status == MSCSIM_OK, "%s: mde: %.200s", name, status ? err.msg : "ok");
    if (status)
        return;
    REL_EQ(res.analytic_value, want, 1e-6, "%s: the formula's answer against R", name);
    double step = fabs(res.step);
    CHECK(want >= res.value - 2 * step && want <= res.value + step,
          "%s: simulated answer %.6g (step %.3g) against R's %.6g", name, res.value, step, want);
    CHECK(res.at.power >= 0.8 && res.below.reps > 0 && res.below.power < 0.8,
          "%s: confirmed: %.4f at the answer, %.4f one step nearer", name, res.at.power,
          res.below.power);
    /* The confirmation is exactly the run of the design with the key at the answer. */
    mscsim_config at;
    CHECK(mscsim_mde_apply(cfg, key, res.value, &at, &err) == MSCSIM_OK, "%s: apply", name);
    at.reps = res.confirm_reps;
    mscsim_cell_summary sum;
    int ran = run_analysis(&at, &sum, 0, 0);
    CHECK(ran && sum.rejections == res.at.rejections,
          "%s: run with the key at the answer reproduces the confirmation (%ld vs %ld)", name,
          sum.rejections, res.at.rejections);
}

static void test_references(void)
{
    table t;
    if (!table_read(&t, "mde_ref.csv")) {
        printf("cannot read tests/ref/mde_ref.csv\n");
        exit(2);
    }
    size_t c_case = table_col(&t, "case"), c_n0 = table_col(&t, "n_control"),
           c_n1 = table_col(&t, "n_msc"), c_value = table_col(&t, "value");
    for (size_t r = 0; r < t.nrow; r++) {
        const char *name = table_get(&t, r, c_case);
        char n[64], alloc[64];
        long n0 = (long)num(table_get(&t, r, c_n0)), n1 = (long)num(table_get(&t, r, c_n1));
        snprintf(n, sizeof n, "trial.n=%ld", n0 + n1);
        snprintf(alloc, sizeof alloc, "trial.allocation=%ld:%ld", n0 / (n0 < n1 ? n0 : n1),
                 n1 / (n0 < n1 ? n0 : n1));
        if (strncmp(name, "student", 7) == 0) {
            const char *const o[] = {n, alloc, "msc.mean=0.3"};
            mscsim_config cfg = design(o, 3);
            check_case(name, &cfg, "msc.mean", num(table_get(&t, r, c_value)));
        } else {
            const char *const o[] = {n,           alloc,          "model.type=binary",
                                     "control.p=0.3", "msc.p=0.5", "analysis.test=fisher"};
            mscsim_config cfg = design(o, 6);
            check_case(name, &cfg, "msc.p", num(table_get(&t, r, c_value)));
        }
    }
    table_free(&t);
}

static void expect_error(const mscsim_config *cfg, const char *key, double target, int code,
                         const char *says)
{
    mscsim_mde_options opt = {.key = key, .target = target};
    mscsim_mde_result res;
    mscsim_error err;
    int status = mscsim_mde(cfg, &opt, &res, &err);
    CHECK(status == code && strstr(err.msg, says), "%s: %.200s", key,
          status ? err.msg : "no error");
}

static void test_errors(void)
{
    const char *const normal[] = {"msc.mean=0.5"};
    mscsim_config cfg = design(normal, 1);
    expect_error(&cfg, "trial.name", 0.8, MSCSIM_EINVAL, "is not a numeric key");
    expect_error(&cfg, "msc.p", 0.8, MSCSIM_EINVAL, "is not a numeric key");
    const char *const swept[] = {"msc.mean=0.5", "sweep.msc.mean=0.4, 0.5"};
    mscsim_config sweep = design(swept, 2);
    expect_error(&sweep, "msc.mean", 0.8, MSCSIM_EINVAL, "is swept");
    expect_error(&cfg, "msc.mean", 0.999999, MSCSIM_ERANGE, "too close to 1");
    const char *const at_null[] = {"msc.mean=0"};
    mscsim_config null_cfg = design(at_null, 1);
    expect_error(&null_cfg, "msc.mean", 0.8, MSCSIM_EINVAL, "its value of no effect");
    const char *const two_n[] = {"trial.n=40, 60", "msc.mean=0.5"};
    mscsim_config two = design(two_n, 2);
    expect_error(&two, "msc.mean", 0.8, MSCSIM_EINVAL, "one n");
    /* 5 patients per arm: even p = 1 against 0.3 stays below 0.95 power. */
    const char *const small[] = {"trial.n=10", "model.type=binary", "control.p=0.3",
                                 "msc.p=0.5", "analysis.test=fisher"};
    mscsim_config tiny = design(small, 5);
    expect_error(&tiny, "msc.p", 0.95, MSCSIM_ERANGE, "not reached within [0.3, 1] of msc.p");
}

int main(void)
{
    test_references();
    test_errors();
    return TEST_DONE();
}
