/*
 * Work units: the pairwise Welford merge against the two-pass mean and variance; results
 * independent of how units are grouped, ordered and which engine ran them; the lossless
 * text of a unit and of a design's truths; truths reused only where the rule allows, and
 * equal, bit for bit, to estimated ones.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "config_util.h"
#include "harness.h"
#include "mscsim/engine.h"
#include "mscsim/stats.h"
#include "mscsim/trial.h"

static void test_merge(void)
{
    /* 1000 values with a large offset in three uneven blocks, against the two-pass formulas
     * (exact up to rounding: 1e-12 relative). */
    enum { N = 1000 };
    double x[N], sum = 0;
    for (int i = 0; i < N; i++) {
        x[i] = 1e6 + sin(i * 0.7) * 3.0 + (i % 7) * 0.01;
        sum += x[i];
    }
    double mean = sum / N, ss = 0;
    for (int i = 0; i < N; i++)
        ss += (x[i] - mean) * (x[i] - mean);
    const int cut[] = {0, 17, 600, N};
    mscsim_welford all = {0};
    for (int b = 0; b < 3; b++) {
        mscsim_welford part = {0};
        for (int i = cut[b]; i < cut[b + 1]; i++)
            mscsim_welford_add(&part, x[i]);
        mscsim_welford_merge(&all, &part);
    }
    INT_EQ(all.count, N, "merged count");
    REL_EQ(all.mean, mean, 1e-14, "merged mean = two-pass mean");
    REL_EQ(all.m2, ss, 1e-9, "merged m2 = two-pass sum of squares");
    mscsim_welford one = {0}, copy = {0}, empty = {0};
    for (int i = 0; i < 5; i++)
        mscsim_welford_add(&one, x[i]);
    mscsim_welford_merge(&copy, &one);
    CHECK(memcmp(&copy, &one, sizeof one) == 0, "merging into an empty sum copies it exactly");
    mscsim_welford_merge(&copy, &empty);
    CHECK(memcmp(&copy, &one, sizeof one) == 0, "merging an empty sum changes nothing");
}

static int same_summary(const mscsim_cell_summary *a, const mscsim_cell_summary *b)
{
    /* Field by field: memcmp would also compare padding. */
    const double da[] = {a->power,        a->power_lo,      a->power_hi,      a->mean_estimate,
                         a->empirical_se, a->mean_se,       a->rmse,          a->coverage,
                         a->mean_n_analysed, a->missing_control, a->missing_msc};
    const double db[] = {b->power,        b->power_lo,      b->power_hi,      b->mean_estimate,
                         b->empirical_se, b->mean_se,       b->rmse,          b->coverage,
                         b->mean_n_analysed, b->missing_control, b->missing_msc};
    return a->reps == b->reps && a->rejections == b->rejections &&
           a->failures == b->failures && memcmp(da, db, sizeof da) == 0;
}

static void test_grouping(void)
{
    mscsim_config cfg;
    load_base(&cfg);
    set(&cfg, "trial.n=20, 40");
    set(&cfg, "simulation.reps=%d", 2 * MSCSIM_UNIT_REPS + 37);
    set(&cfg, "control.dropout=0.1");
    set(&cfg, "simulation.threads=2");
    mscsim_engine *step, *loose;
    mscsim_error err;
    CHECK(mscsim_engine_new(&cfg, 0, &step, &err) == MSCSIM_OK, "engine");
    set(&cfg, "simulation.threads=1");
    CHECK(mscsim_engine_new(&cfg, 0, &loose, &err) == MSCSIM_OK, "second engine");
    while (!mscsim_engine_done(step))
        mscsim_engine_step(step, &err);
    long units = mscsim_engine_unit_count(loose);
    INT_EQ(units, 6, "2 cells x 3 blocks");
    /* Units run last first, on one thread, as text, then added in order. */
    static mscsim_unit partial[6];
    for (long u = units - 1; u >= 0; u--) {
        mscsim_unit unit;
        char text[MSCSIM_UNIT_TEXT_LEN];
        CHECK(mscsim_engine_run_unit(loose, u, &unit, &err) == MSCSIM_OK, "run unit %ld", u);
        CHECK(mscsim_unit_format(&unit, 1, 0, text, sizeof text) > 0, "format unit %ld", u);
        CHECK(mscsim_unit_parse(text, 1, 0, &partial[u]) == MSCSIM_OK, "parse unit %ld", u);
    }
    CHECK(mscsim_engine_add_unit(loose, 1, &partial[1], &err) == MSCSIM_EINVAL,
          "a unit out of order is refused");
    for (long u = 0; u < units; u++)
        CHECK(mscsim_engine_add_unit(loose, u, &partial[u], &err) == MSCSIM_OK, "add %ld", u);
    CHECK(mscsim_engine_done(loose), "every unit added: done");
    CHECK(mscsim_engine_add_unit(loose, units, &partial[0], &err) == MSCSIM_EINVAL,
          "no unit after the last");
    for (size_t c = 0; c < 2; c++) {
        mscsim_cell_summary a, b;
        mscsim_engine_summary(step, c, 0, &a);
        mscsim_engine_summary(loose, c, 0, &b);
        CHECK(same_summary(&a, &b), "cell %zu: units anywhere, any order, via text = steps", c);
        INT_EQ(b.reps, 2 * MSCSIM_UNIT_REPS + 37, "cell %zu reps", c);
    }
    mscsim_engine_free(step);
    mscsim_engine_free(loose);
}

static void test_text(void)
{
    mscsim_unit u, back;
    memset(&u, 0, sizeof u);
    u.trials.reps_done = 8192;
    u.trials.n_analysed = 123456789012LL;
    u.trials.slope.count = 3;
    u.trials.slope.mean = NAN;
    u.trials.slope.m2 = -0.0;
    u.analysis[1].estimate.mean = 4.9406564584124654e-324; /* the smallest subnormal */
    u.analysis[1].se.m2 = 0.1 + 0.2;
    u.analysis[1].rejections = 77;
    u.looks.reps = 8192;
    u.looks.rejected[1][2] = 4321;
    u.looks.analysed[2] = 9876543210LL;
    char text[MSCSIM_UNIT_TEXT_LEN];
    CHECK(mscsim_unit_format(&u, 2, 3, text, sizeof text) > 0, "format");
    CHECK(mscsim_unit_parse(text, 2, 3, &back) == MSCSIM_OK, "parse");
    CHECK(memcmp(&u.trials.slope.m2, &back.trials.slope.m2, sizeof(double)) == 0 &&
              isnan(back.trials.slope.mean) && back.trials.n_analysed == 123456789012LL &&
              back.analysis[1].estimate.mean == u.analysis[1].estimate.mean &&
              back.analysis[1].se.m2 == 0.1 + 0.2 && back.analysis[1].rejections == 77 &&
              back.looks.rejected[1][2] == 4321 && back.looks.analysed[2] == 9876543210LL,
          "unit text round trip is exact (NaN, -0, subnormal)");
    CHECK(mscsim_unit_format(&u, 2, 3, text, 40) == -1, "too small a buffer");
    CHECK(mscsim_unit_parse(text, 3, 3, &back) == MSCSIM_ESYNTAX, "fewer analyses than expected");
    CHECK(mscsim_unit_parse("1 2 3", 1, 0, &back) == MSCSIM_ESYNTAX, "truncated");
    mscsim_unit_format(&u, 1, 0, text, sizeof text);
    strcat(text, " 5");
    CHECK(mscsim_unit_parse(text, 1, 0, &back) == MSCSIM_ESYNTAX, "trailing field");
    mscsim_truths t = {.true_effect = 1.0 / 3, .true_effect_mcse = 1e-300, .count = 2,
                       .truth = {1.0 / 3, -2.5}, .mcse = {1e-300, 0}}, tb;
    char line[MSCSIM_TRUTHS_TEXT_LEN];
    CHECK(mscsim_truths_format(&t, line, sizeof line) > 0, "truths format");
    CHECK(mscsim_truths_parse(line, &tb) == MSCSIM_OK && tb.count == 2 &&
              tb.true_effect == t.true_effect && tb.truth[1] == -2.5 && tb.mcse[0] == 1e-300,
          "truths round trip");
    CHECK(mscsim_truths_parse("2 00", &tb) == MSCSIM_ESYNTAX, "truths truncated");
}

static void load_stroke(mscsim_config *cfg)
{
    mscsim_error err;
    if (mscsim_config_load(MSCSIM_TEST_DIR "/../configs/lee2022_fma_motor.ini", cfg, &err)) {
        printf("cannot load configs/lee2022_fma_motor.ini\n");
        exit(2);
    }
}

static void test_truth_reuse(void)
{
    /* A model whose truth is simulated (no closed form). */
    mscsim_config a, b, c;
    load_stroke(&a);
    set(&a, "simulation.threads=2");
    b = a;
    set(&b, "control.dropout=0.3");
    set(&b, "trial.alpha=0.01");
    set(&b, "analysis.missing=locf");
    set(&b, "simulation.threads=1");
    c = a;
    set(&c, "msc.r_gain=0.2");
    mscsim_design *da, *db_like, *db, *dc_like, *dc;
    mscsim_error err;
    CHECK(mscsim_design_new(&a, &da, &err) == MSCSIM_OK, "design a");
    CHECK(mscsim_design_new_like(&b, da, &db_like, &err) == MSCSIM_OK, "b like a");
    CHECK(mscsim_design_new(&b, &db, &err) == MSCSIM_OK, "b estimated (on 1 thread)");
    CHECK(mscsim_design_new_like(&c, da, &dc_like, &err) == MSCSIM_OK, "c like a");
    CHECK(mscsim_design_new(&c, &dc, &err) == MSCSIM_OK, "c estimated");
    double ma, mb, ml, mc, mcl;
    double ta = mscsim_design_true_effect(da, &ma), tb = mscsim_design_true_effect(db, &mb);
    double tl = mscsim_design_true_effect(db_like, &ml);
    double tc = mscsim_design_true_effect(dc, &mc), tcl = mscsim_design_true_effect(dc_like, &mcl);
    CHECK(ma > 0, "the truth is simulated (Monte Carlo error %g)", ma);
    CHECK(ta == tb && ma == mb, "dropout, alpha, missing handling and threads leave the truth");
    CHECK(tl == tb && ml == mb, "the reused truth is the estimated one, bit for bit");
    CHECK(tc != ta, "another MSC effect has another truth");
    CHECK(tcl == tc && mcl == mc, "so it is estimated, not reused");
    /* What mscsim-mpi groups a sweep's grid points by. */
    CHECK(mscsim_config_same_truths(&a, &b) && mscsim_config_same_truths(&b, &a),
          "a and b: the same truths");
    CHECK(mscsim_config_truths_digest(&a) == mscsim_config_truths_digest(&b),
          "so the same truth digest");
    CHECK(!mscsim_config_same_truths(&a, &c), "a and c: other truths");
    CHECK(mscsim_config_truths_digest(&a) != mscsim_config_truths_digest(&c),
          "and another digest");
    mscsim_truths given;
    mscsim_design_truths(dc, &given);
    mscsim_design *dg;
    CHECK(mscsim_design_new_given(&c, &given, &dg, &err) == MSCSIM_OK, "given truths");
    CHECK(mscsim_design_true_effect(dg, NULL) == tc, "given truths are taken");
    given.count = 2;
    mscsim_design *bad = NULL;
    CHECK(mscsim_design_new_given(&c, &given, &bad, &err) == MSCSIM_EINVAL && !bad,
          "truths for another number of analyses are refused");
    mscsim_design_free(da);
    mscsim_design_free(db);
    mscsim_design_free(db_like);
    mscsim_design_free(dc);
    mscsim_design_free(dc_like);
    mscsim_design_free(dg);
}

int main(void)
{
    test_merge();
    test_grouping();
    test_text();
    test_truth_reuse();
    return TEST_DONE();
}
