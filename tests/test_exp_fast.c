/*
 * sim_exp (sim/exp_fast.h): its table is 2^(i/128) rounded to the nearest double (against
 * exp2l in long double, with its remainder); the function is within 0.52 ulp of e^x
 * (against expl) on 10^7
 * arguments spread over its whole reduced range [-700, 700], 10^7 over [-40, 0] (where the
 * trajectory model evaluates it), at and next to the reduction's breakpoints k ln2 / 128 and
 * at the range guards; outside |x| <= 700 and for infinities and NaN it returns exactly what
 * exp returns. It also agrees with exp bit for bit on most arguments (both < 1 ulp).
 */
#include <float.h>
#include <stdint.h>

#include "exp_fast.h"
#include "harness.h"
#include "splitmix.h"

/* |got - e^x| in ulps of e^x, e^x from expl (64-bit significand: its own error is 2^-11 of
 * a double's ulp). */
static double ulp_error(double x, double got)
{
    long double want = expl((long double)x);
    int e;
    frexpl(want, &e);
    long double ulp = ldexpl(1.0L, e - DBL_MANT_DIG);
    return (double)(fabsl((long double)got - want) / ulp);
}

static double max_error(double lo, double hi, long count, long *same_as_libm)
{
    double worst = 0.0;
    for (long i = 0; i < count; i++) {
        double x = lo + (hi - lo) * unif();
        double got = sim_exp(x), e = ulp_error(x, got);
        worst = e > worst ? e : worst;
        *same_as_libm += got == exp(x);
    }
    return worst;
}

static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

int main(void)
{
    splitmix_state = 20261203;
    int table_ok = 1;
    for (int i = 0; i < SIM_EXP_TABLE_SIZE; i++) {
        long double want = exp2l((long double)i / SIM_EXP_TABLE_SIZE);
        const sim_exp_entry *e = &sim_exp_table[i];
        /* The rounding's remainder: to long double's precision (2^-64 relative to 1). */
        long double rel = (want - e->t) / e->t;
        table_ok &= e->t == (double)want && fabsl(rel - e->t_rel) <= 0x1p-62L;
    }
    CHECK(table_ok, "every table entry is 2^(i/128) rounded to the nearest double, with its "
                    "relative remainder");

    long same = 0;
    double wide = max_error(-700.0, 700.0, 10000000, &same);
    CHECK(wide < 0.52, "max error over [-700, 700]: %.4f ulp (< 0.52)", wide);
    CHECK(same > 9000000, "%ld of 10^7 arguments in [-700, 700] equal exp(x) bit for bit", same);
    same = 0;
    double model = max_error(-40.0, 0.0, 10000000, &same);
    CHECK(model < 0.52, "max error over [-40, 0]: %.4f ulp (< 0.52)", model);

    /* The reduction's breakpoints, where k changes and r reaches +-ln2/256. */
    double edge = 0.0;
    for (int k = -90000; k <= 90000; k += 7) {
        double x = (k + 0.5) * 0x1.62e42fefa39efp-1 / SIM_EXP_TABLE_SIZE;
        double xs[3] = {nextafter(x, -HUGE_VAL), x, nextafter(x, HUGE_VAL)};
        for (int j = 0; j < 3; j++) {
            double e = ulp_error(xs[j], sim_exp(xs[j]));
            edge = e > edge ? e : edge;
        }
    }
    CHECK(edge < 0.52, "max error next to the breakpoints (k + 1/2) ln2 / 128: %.4f ulp", edge);

    CHECK(sim_exp(0.0) == 1.0 && sim_exp(-0.0) == 1.0, "e^0 = 1 exactly");
    CHECK(sim_exp(1e-300) == 1.0 && sim_exp(-1e-300) == 1.0, "e^(+-1e-300) = 1");
    /* Beyond the inline range (700 and -700 themselves are inline, checked below). */
    const double special[] = {nextafter(700.0, HUGE_VAL), -nextafter(700.0, HUGE_VAL), 709.78,
                              710.0, -745.0, -745.2, -1000.0, 1e308, -1e308, HUGE_VAL,
                              -HUGE_VAL, NAN, -NAN};
    int special_ok = 1;
    for (size_t i = 0; i < sizeof special / sizeof *special; i++)
        special_ok &= same_bits(sim_exp(special[i]), exp(special[i]));
    CHECK(special_ok, "|x| > 700, infinities and NaN: exactly exp(x)");
    CHECK(ulp_error(700.0, sim_exp(700.0)) < 0.52 && ulp_error(-700.0, sim_exp(-700.0)) < 0.52,
          "within 0.52 ulp at +-700, the ends of the inline range");
    return TEST_DONE();
}
