/*
 * Scale rounding (include/mscsim/scale.h): mscsim_scale_apply and mscsim_scale_clip (and
 * mscsim_scale_apply_vector, on the scales mscsim_scale_vectorisable accepts) equal,
 * bit for bit, the formulas they replaced (min + step * floor((v - min) / step + 0.5), then
 * v < min ? min : (v > max ? max : v)), on every shipped scale and on custom ones (a fractional
 * step, a step that is not a binary fraction, negative ranges, no step): a dense grid over
 * three ranges around the scale, the doubles next to every rounding midpoint and bound,
 * signed zeros, infinities, NaN, huge and tiny values, and pseudo-random doubles of any
 * exponent.
 */
#include <float.h>
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "mscsim/scale.h"
#include "splitmix.h"

static double former_apply(const mscsim_scale *s, double v)
{
    if (s->step > 0)
        v = s->min + s->step * floor((v - s->min) / s->step + 0.5);
    return v < s->min ? s->min : (v > s->max ? s->max : v);
}

static double former_clip(const mscsim_scale *s, double v)
{
    return v < s->min ? s->min : (v > s->max ? s->max : v);
}

static long mismatches, checked;
static double first_bad = 0.0;

/* Bits, not ==: a changed sign of zero or a lost NaN counts too. */
static void check_value(const mscsim_scale *s, double v)
{
    double got = mscsim_scale_apply(s, v), want = former_apply(s, v);
    double got_clip = mscsim_scale_clip(s, v), want_clip = former_clip(s, v);
    /* and the vectorisable form, where it is said to be equal */
    double got_vector = mscsim_scale_vectorisable(s) ? mscsim_scale_apply_vector(s, v) : want;
    int bad = memcmp(&got, &want, sizeof got) != 0 ||
              memcmp(&got_clip, &want_clip, sizeof got_clip) != 0 ||
              memcmp(&got_vector, &want, sizeof got_vector) != 0;
    if (bad && mismatches++ == 0)
        first_bad = v;
    checked++;
}

static void check_around(const mscsim_scale *s, double x)
{
    double lo = x, hi = x;
    for (int k = 0; k < 4; k++) {
        check_value(s, lo);
        check_value(s, hi);
        lo = nextafter(lo, -HUGE_VAL);
        hi = nextafter(hi, HUGE_VAL);
    }
}

static void check_scale(const char *what, mscsim_scale s)
{
    mismatches = checked = 0;
    double range = s.max - s.min, step = s.step > 0 ? s.step : range / 64.0;
    /* 64 points a step, at most 2 million */
    double spacing = fmax(step / 64.0, 7.0 * range / 2e6);
    for (double v = s.min - 3.0 * range; v <= s.max + 3.0 * range; v += spacing)
        check_value(&s, v);
    for (double k = -3.0 * range / step; k <= 3.0 * range / step + 1.0; k += 1.0) {
        check_around(&s, s.min + (k + 0.5) * step); /* midpoints, where floor decides */
        check_around(&s, s.min + k * step);
    }
    const double edges[] = {0.0,      -0.0,     HUGE_VAL, -HUGE_VAL, NAN,      -NAN,
                            DBL_MAX,  -DBL_MAX, DBL_MIN,  -DBL_MIN,  0x1p-1074, -0x1p-1074,
                            0x1p52,   0x1p53,   0x1p63,   0x1p64,    -0x1p52,  -0x1p63,
                            1e300,    -1e300,   s.min,    s.max};
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
        check_around(&s, edges[i]);
    splitmix_state = 20261202u;
    for (int i = 0; i < 1000000; i++) {
        uint64_t bits = next_u64();
        double v;
        memcpy(&v, &bits, sizeof v); /* any double, NaNs and all */
        check_value(&s, v);
        /* and one near the scale, where rounding happens */
        check_value(&s, s.min - range + 3.0 * range * ((double)(bits >> 11) * 0x1p-53));
    }
    CHECK(mismatches == 0, "%s: apply and clip equal the former formulas on %ld values "
          "(%ld differ, first at %.17g)", what, checked, mismatches, first_bad);
}

int main(void)
{
    const mscsim_scale_id shipped[] = {MSCSIM_SCALE_FMA_UE, MSCSIM_SCALE_FMA_LE,
                                       MSCSIM_SCALE_FMA_MOTOR, MSCSIM_SCALE_BARTHEL,
                                       MSCSIM_SCALE_NIHSS, MSCSIM_SCALE_MRS};
    for (size_t i = 0; i < sizeof shipped / sizeof shipped[0]; i++) {
        const mscsim_scale *s = mscsim_scale_find(shipped[i]);
        CHECK(s != NULL, "shipped scale %d is in the table", (int)shipped[i]);
        if (s) {
            check_scale(s->name, *s);
            CHECK(mscsim_scale_vectorisable(s), "%s: mscsim_scale_apply_vector applies",
                  s->name);
        }
    }
    check_scale("custom -3 to 7.5 by 0.5",
                (mscsim_scale){MSCSIM_SCALE_CUSTOM, "custom", -3.0, 7.5, 0.5, 1, NULL});
    check_scale("custom 0 to 1 by 0.1",
                (mscsim_scale){MSCSIM_SCALE_CUSTOM, "custom", 0.0, 1.0, 0.1, 1, NULL});
    check_scale("custom -40 to -10 by 3",
                (mscsim_scale){MSCSIM_SCALE_CUSTOM, "custom", -40.0, -10.0, 3.0, 0, NULL});
    check_scale("custom 0 to 1e4 by 1",
                (mscsim_scale){MSCSIM_SCALE_CUSTOM, "custom", 0.0, 1e4, 1.0, 1, NULL});
    /* max not on the grid (rounds down to 0.9): mscsim_scale_apply only */
    const mscsim_scale off_grid = {MSCSIM_SCALE_CUSTOM, "custom", 0.0, 1.0, 0.3, 1, NULL};
    CHECK(!mscsim_scale_vectorisable(&off_grid), "custom 0 to 1 by 0.3: not vectorisable");
    check_scale("custom 0 to 1 by 0.3", off_grid);
    check_scale("custom 2.5 to 9, no step",
                (mscsim_scale){MSCSIM_SCALE_CUSTOM, "custom", 2.5, 9.0, 0.0, 1, NULL});
    return TEST_DONE();
}
