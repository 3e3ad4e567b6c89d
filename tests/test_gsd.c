/*
 * Group-sequential boundaries against rpact (tests/ref/gsd_ref.csv, made by
 * tests/ref/make_gsd_ref.R): 320 designs (O'Brien-Fleming, Pocock and HSD alpha spending;
 * 2-5 looks, equal and unequal spacing; one- and two-sided; none, O'Brien-Fleming, Pocock and
 * HSD beta-spending futility, binding and non-binding). Then properties an independent
 * computation shows: exit probabilities under H0 add up to alpha, and power at the drift of
 * a futility design is 1 - beta. Power, expected n and inflation factors against rpact too.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "mathlib.h"
#include "mscsim/gsd.h"
#include "ref_table.h"

/* The issue asks for 1e-4; the recursion agrees with rpact far closer. */
#define BOUND_TOL 1e-5

static mscsim_spending spending(const char *name, double gamma)
{
    mscsim_spending f = {MSCSIM_SPENDING_NONE, gamma};
    if (strcmp(name, "obrien_fleming") == 0)
        f.family = MSCSIM_SPENDING_OBRIEN_FLEMING;
    else if (strcmp(name, "pocock") == 0)
        f.family = MSCSIM_SPENDING_POCOCK;
    else if (strcmp(name, "hsd") == 0)
        f.family = MSCSIM_SPENDING_HSD;
    return f;
}

/* The information fractions of a reference row, "0.5;1.0", into s (looks and t). */
static void read_fractions(const char *p, mscsim_gsd_spec *s)
{
    while (*p) {
        s->t[s->looks++] = num_end(p, &p);
        if (*p == ';')
            p++;
    }
}

static void test_against_rpact(void)
{
    table t;
    if (!table_read(&t, "gsd_ref.csv")) {
        CHECK(0, "ref/gsd_ref.csv is readable");
        return;
    }
    size_t c_case = table_col(&t, "case"), c_looks = table_col(&t, "looks"),
           c_t = table_col(&t, "t"), c_alpha = table_col(&t, "alpha"),
           c_sides = table_col(&t, "sides"), c_eff = table_col(&t, "efficacy"),
           c_ga = table_col(&t, "gamma_a"), c_fut = table_col(&t, "futility"),
           c_gb = table_col(&t, "gamma_b"), c_beta = table_col(&t, "beta"),
           c_bind = table_col(&t, "binding"), c_look = table_col(&t, "look"),
           c_ez = table_col(&t, "efficacy_z"), c_fz = table_col(&t, "futility_z"),
           c_ca = table_col(&t, "cumulative_alpha"), c_cb = table_col(&t, "cumulative_beta");
    double worst_eff = 0, worst_fut = 0, worst_alpha = 0;
    int designs = 0, bad = 0;
    mscsim_gsd_bounds b;
    for (size_t r = 0; r < t.nrow; r++) {
        int look = (int)num(table_get(&t, r, c_look));
        if (look == 1) {
            mscsim_gsd_spec s = {0};
            s.looks = (int)num(table_get(&t, r, c_looks));
            const char *p = table_get(&t, r, c_t);
            for (int k = 0; k < s.looks; k++) {
                s.t[k] = num_end(p, &p);
                if (*p == ';')
                    p++;
            }
            s.alpha = num(table_get(&t, r, c_alpha));
            s.sides = (int)num(table_get(&t, r, c_sides));
            s.efficacy = spending(table_get(&t, r, c_eff), num(table_get(&t, r, c_ga)));
            s.futility = spending(table_get(&t, r, c_fut), num(table_get(&t, r, c_gb)));
            s.beta = num(table_get(&t, r, c_beta));
            s.binding = (int)num(table_get(&t, r, c_bind));
            mscsim_error err;
            if (mscsim_gsd_bounds_compute(&s, &b, &err) != MSCSIM_OK) {
                CHECK(0, "design %s computes: %.200s", table_get(&t, r, c_case), err.msg);
                bad++;
                continue;
            }
            designs++;
        }
        int k = look - 1;
        double ez = num(table_get(&t, r, c_ez));
        worst_eff = fmax(worst_eff, fabs(b.efficacy_z[k] - ez));
        const char *fz = table_get(&t, r, c_fz);
        if (strcmp(fz, "NA") != 0)
            worst_fut = fmax(worst_fut, fabs(b.futility_z[k] - num(fz)));
        worst_alpha = fmax(worst_alpha, fabs(b.cumulative_alpha[k] - num(table_get(&t, r, c_ca))));
        double cb = num(table_get(&t, r, c_cb));
        if (fabs(b.cumulative_beta[k] - cb) > 1e-6) {
            CHECK(0, "design %s look %d: cumulative beta %.9g, rpact %.9g",
                  table_get(&t, r, c_case), look, b.cumulative_beta[k], cb);
            bad++;
        }
    }
    CHECK(designs == 320 && bad == 0, "all %d rpact designs compute (%d problems)", designs, bad);
    CHECK(worst_eff < BOUND_TOL, "efficacy bounds within %g of rpact (worst %.2e)", BOUND_TOL,
          worst_eff);
    CHECK(worst_fut < BOUND_TOL, "futility bounds within %g of rpact (worst %.2e)", BOUND_TOL,
          worst_fut);
    /* rpact reports 0.02499999 for 0.025 at the last look. */
    CHECK(worst_alpha < 2e-8, "cumulative alpha as rpact's alphaSpent (worst %.2e)", worst_alpha);
    table_free(&t);
}

static void test_known_design(void)
{
    /* Jennison & Turnbull's and rpact's asOF example, quoted by the interim issue. */
    mscsim_gsd_spec s = {.looks = 3, .t = {1.0 / 3.0, 2.0 / 3.0, 1.0}, .alpha = 0.025,
                         .sides = 1, .efficacy = {MSCSIM_SPENDING_OBRIEN_FLEMING, 0}};
    mscsim_gsd_bounds b;
    INT_EQ(mscsim_gsd_bounds_compute(&s, &b, NULL), MSCSIM_OK, "3-look OBF computes");
    ABS_EQ(b.efficacy_z[0], 3.7103, 5e-5, "OBF look 1");
    ABS_EQ(b.efficacy_z[1], 2.5114, 5e-5, "OBF look 2");
    ABS_EQ(b.efficacy_z[2], 1.9930, 5e-5, "OBF look 3");
    mscsim_gsd_probs p;
    mscsim_gsd_probabilities(&b, 0.0, &p);
    ABS_EQ(p.power, 0.025, 1e-9, "H0 exits add up to alpha");
    ABS_EQ(p.reject[0], 0.000104, 1e-6, "H0 exit at look 1 is the alpha spent there");
    /* A single look is the fixed design: power at drift z_0.975 + z_0.8 is 0.8. */
    mscsim_gsd_spec one = {.looks = 1, .t = {1.0}, .alpha = 0.025, .sides = 1,
                           .efficacy = {MSCSIM_SPENDING_OBRIEN_FLEMING, 0}};
    INT_EQ(mscsim_gsd_bounds_compute(&one, &b, NULL), MSCSIM_OK, "1 look computes");
    ABS_EQ(b.efficacy_z[0], 1.959963985, 1e-8, "1 look: the fixed z bound");
    mscsim_gsd_probabilities(&b, 1.959963985 + 0.841621234, &p);
    ABS_EQ(p.power, 0.8, 1e-8, "1 look: fixed-design power");
}

static void test_futility_drift(void)
{
    /* With beta spending, the drift is where power is 1 - beta (non-binding: futility
     * obeyed in the power too, as the design assumes). */
    mscsim_gsd_spec s = {.looks = 3, .t = {1.0 / 3.0, 2.0 / 3.0, 1.0}, .alpha = 0.025,
                         .sides = 1, .efficacy = {MSCSIM_SPENDING_OBRIEN_FLEMING, 0},
                         .futility = {MSCSIM_SPENDING_OBRIEN_FLEMING, 0}, .beta = 0.2};
    for (int binding = 0; binding <= 1; binding++) {
        s.binding = binding;
        mscsim_gsd_bounds b;
        INT_EQ(mscsim_gsd_bounds_compute(&s, &b, NULL), MSCSIM_OK, "futility design computes");
        mscsim_gsd_probs p;
        mscsim_gsd_probabilities(&b, b.drift, &p);
        ABS_EQ(p.power, 0.8, 1e-7, "binding %d: power at the drift is 1 - beta", binding);
        ABS_EQ(p.futility[0] + p.futility[1], 0.116514, 1e-5,
               "binding %d: futility stops before the end spend beta(2/3)", binding);
        mscsim_gsd_probabilities(&b, 0.0, &p);
        CHECK(binding ? fabs(p.power - 0.025) < 1e-8 : p.power < 0.025,
              "binding %d: H0 rejection with futility obeyed is %.6f", binding, p.power);
    }
}

/* Power and expected sample size of a normal design against rpact's getPowerMeans (normal
 * approximation): the drift of a 1:1 trial of n patients is delta / (sd sqrt(4 / n)). */
static void test_power_against_rpact(void)
{
    table t;
    if (!table_read(&t, "gsd_power_ref.csv")) {
        CHECK(0, "ref/gsd_power_ref.csv is readable");
        return;
    }
    size_t c_t = table_col(&t, "t"), c_e = table_col(&t, "efficacy"),
           c_f = table_col(&t, "futility"), c_b = table_col(&t, "binding"),
           c_n = table_col(&t, "n"), c_sd = table_col(&t, "sd"), c_d = table_col(&t, "delta"),
           c_p = table_col(&t, "power"), c_en = table_col(&t, "expected_n");
    double worst_p = 0, worst_n = 0;
    for (size_t r = 0; r < t.nrow; r++) {
        mscsim_gsd_spec s = {.alpha = 0.025, .sides = 1, .beta = 0.2};
        read_fractions(table_get(&t, r, c_t), &s);
        const char *e = table_get(&t, r, c_e), *f = table_get(&t, r, c_f);
        s.efficacy.family = strcmp(e, "asOF") == 0 ? MSCSIM_SPENDING_OBRIEN_FLEMING
                            : strcmp(e, "asP") == 0 ? MSCSIM_SPENDING_POCOCK
                                                    : MSCSIM_SPENDING_HSD;
        s.efficacy.gamma = -4;
        s.futility.family = strcmp(f, "bsOF") == 0 ? MSCSIM_SPENDING_OBRIEN_FLEMING
                            : strcmp(f, "bsP") == 0 ? MSCSIM_SPENDING_POCOCK
                                                    : MSCSIM_SPENDING_NONE;
        s.binding = (int)num(table_get(&t, r, c_b));
        mscsim_gsd_bounds b;
        if (mscsim_gsd_bounds_compute(&s, &b, NULL) != MSCSIM_OK) {
            CHECK(0, "power design %zu computes", r + 1);
            continue;
        }
        double n = num(table_get(&t, r, c_n));
        double theta = num(table_get(&t, r, c_d)) / (num(table_get(&t, r, c_sd)) * sqrt(4.0 / n));
        mscsim_gsd_probs pr;
        mscsim_gsd_probabilities(&b, theta, &pr);
        worst_p = fmax(worst_p, fabs(pr.power - num(table_get(&t, r, c_p))));
        worst_n = fmax(worst_n, fabs(n * mscsim_gsd_expected_fraction(&b, theta) -
                                     num(table_get(&t, r, c_en))));
    }
    CHECK(t.nrow == 15 && worst_p < 1e-6, "power of %zu designs within 1e-6 of rpact (worst %.2e)",
          t.nrow, worst_p);
    CHECK(worst_n < 1e-3, "expected sample size within 0.001 patients of rpact (worst %.2e)",
          worst_n);
    table_free(&t);
    /* Conditional power: at t = 1/2 with z = 1, under the current trend (theta = z / sqrt t),
     * reaching 1.96: Phi_upper((1.96 - 1 sqrt(1/2) - sqrt 2 / 2) / sqrt(1/2)). */
    double cp = mscsim_gsd_conditional_power(1.0, 0.5, 1.96, 1.0 / sqrt(0.5));
    ABS_EQ(cp, pnorm((1.96 - sqrt(0.5) - sqrt(2.0) / 2.0) / sqrt(0.5), 0, 1, 0, 0), 1e-15,
           "conditional power under the current trend");
}

/* Inflation factors against rpact's getDesignCharacteristics (tests/ref/gsd_inflation_ref.csv):
 * O'Brien-Fleming, Pocock and HSD(-4); 2-4 looks; one- and two-sided; power 0.8 and 0.9;
 * O'Brien-Fleming and Pocock beta spending, binding and not. */
static void test_inflation_against_rpact(void)
{
    table t;
    if (!table_read(&t, "gsd_inflation_ref.csv")) {
        CHECK(0, "ref/gsd_inflation_ref.csv is readable");
        return;
    }
    size_t c_t = table_col(&t, "t"), c_alpha = table_col(&t, "alpha"),
           c_sides = table_col(&t, "sides"), c_eff = table_col(&t, "efficacy"),
           c_ga = table_col(&t, "gamma_a"), c_fut = table_col(&t, "futility"),
           c_beta = table_col(&t, "beta"), c_bind = table_col(&t, "binding"),
           c_if = table_col(&t, "inflation_factor");
    double worst = 0;
    size_t futility_rows = 0, two_sided_rows = 0;
    for (size_t r = 0; r < t.nrow; r++) {
        mscsim_gsd_spec s = {0};
        read_fractions(table_get(&t, r, c_t), &s);
        s.alpha = num(table_get(&t, r, c_alpha));
        s.sides = (int)num(table_get(&t, r, c_sides));
        s.efficacy = spending(table_get(&t, r, c_eff), num(table_get(&t, r, c_ga)));
        s.futility = spending(table_get(&t, r, c_fut), 0);
        s.beta = num(table_get(&t, r, c_beta));
        s.binding = (int)num(table_get(&t, r, c_bind));
        futility_rows += s.futility.family != MSCSIM_SPENDING_NONE;
        two_sided_rows += s.sides == 2;
        mscsim_gsd_bounds b;
        if (mscsim_gsd_bounds_compute(&s, &b, NULL) != MSCSIM_OK) {
            CHECK(0, "inflation design %zu computes", r + 1);
            continue;
        }
        double f = mscsim_gsd_inflation_factor(&b, 1.0 - s.beta);
        worst = isnan(f) ? (double)INFINITY : fmax(worst, fabs(f - num(table_get(&t, r, c_if))));
    }
    CHECK(t.nrow == 96 && futility_rows == 48 && two_sided_rows == 24 && worst < 1e-4,
          "inflation factor of %zu designs (%zu with futility, %zu two-sided) within 1e-4 of "
          "rpact (worst %.2e)",
          t.nrow, futility_rows, two_sided_rows, worst);
    table_free(&t);
    /* One look is the fixed design: factor 1; a power the design cannot reach: NaN. */
    mscsim_gsd_spec one = {.looks = 1, .t = {1.0}, .alpha = 0.025, .sides = 1,
                           .efficacy = {MSCSIM_SPENDING_OBRIEN_FLEMING, 0}};
    mscsim_gsd_bounds b;
    CHECK(mscsim_gsd_bounds_compute(&one, &b, NULL) == MSCSIM_OK, "one look computes");
    ABS_EQ(mscsim_gsd_inflation_factor(&b, 0.8), 1.0, 1e-9, "one look: inflation factor 1");
    CHECK(isnan(mscsim_gsd_drift_for_power(&b, 0.01)) && isnan(mscsim_gsd_drift_for_power(&b, 1)),
          "no drift for a power at or below alpha, or of 1");
}

static void test_bad_input(void)
{
    mscsim_gsd_spec s = {.looks = 2, .t = {0.6, 0.5}, .alpha = 0.025, .sides = 1};
    mscsim_gsd_bounds b;
    mscsim_error err;
    INT_EQ(mscsim_gsd_bounds_compute(&s, &b, &err), MSCSIM_EINVAL, "looks not increasing");
    s.t[1] = 0.9;
    INT_EQ(mscsim_gsd_bounds_compute(&s, &b, &err), MSCSIM_EINVAL, "looks not ending at 1");
    s.t[1] = 1.0;
    s.looks = 11;
    INT_EQ(mscsim_gsd_bounds_compute(&s, &b, &err), MSCSIM_EINVAL, "11 looks");
    s.looks = 2;
    s.efficacy = (mscsim_spending){MSCSIM_SPENDING_HSD, 11};
    INT_EQ(mscsim_gsd_bounds_compute(&s, &b, &err), MSCSIM_EINVAL, "gamma 11");
    s.efficacy = (mscsim_spending){MSCSIM_SPENDING_POCOCK, 0};
    s.sides = 2;
    s.futility = (mscsim_spending){MSCSIM_SPENDING_POCOCK, 0};
    s.beta = 0.2;
    INT_EQ(mscsim_gsd_bounds_compute(&s, &b, &err), MSCSIM_EINVAL, "two-sided beta spending");
    CHECK(strstr(err.msg, "sides = 1") != NULL, "message says why: %.200s", err.msg);
}

int main(void)
{
    test_against_rpact();
    test_known_design();
    test_futility_drift();
    test_power_against_rpact();
    test_inflation_against_rpact();
    test_bad_input();
    return TEST_DONE();
}
