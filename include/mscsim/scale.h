#ifndef MSCSIM_SCALE_H
#define MSCSIM_SCALE_H

/**
 * Clinical scales: range, step and direction of benefit. Every score a model produces is
 * rounded to the scale's step and clipped to its range in one place, mscsim_scale_apply
 * (or mscsim_scale_apply_vector, its equal on the scales it accepts).
 *
 * | scale     | range | step | better | source (configs/EVIDENCE.md section 2) |
 * | fma_ue    | 0-66  | 1    | higher | Fugl-Meyer upper extremity          |
 * | fma_le    | 0-34  | 1    | higher | Fugl-Meyer lower extremity          |
 * | fma_motor | 0-100 | 1    | higher | FMA motor total = UE + LE           |
 * | barthel   | 0-100 | 5    | higher | Barthel Index                       |
 * | nihss     | 0-42  | 1    | lower  | NIH Stroke Scale                    |
 * | mrs       | 0-6   | 1    | lower  | modified Rankin Scale, 6 = dead     |
 */

#include <math.h>

#include "mscsim/config.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A scale: plain value. */
typedef struct {
    mscsim_scale_id id;
    const char *name;
    double min, max, step; /**< step 0 = no rounding; min/max infinite = unbounded. */
    int higher_is_better;
    /** Its clinical name for figures ("Fugl-Meyer motor"); static; NULL for a scale made
     *  outside this module. Last, so positional initializers elsewhere keep their meaning. */
    const char *label;
} mscsim_scale;

/** The scale cfg selects (custom: its [outcome] min, max, step, higher_is_better). */
int mscsim_scale_from_config(const mscsim_config *cfg, mscsim_scale *out, mscsim_error *err);

/** The scale called name ("fma_ue", ...), or NULL; "custom" and "none" are not in the table. */
const mscsim_scale *mscsim_scale_find(mscsim_scale_id id);

/**
 * The clinical name of the scale called name, as a results file's `scale` column writes it:
 * "fma_motor" -> "Fugl-Meyer motor", "none" -> "score", "custom" -> "custom scale"; NULL for
 * any other name. The string is static. Thread-safe.
 */
const char *mscsim_scale_label(const char *name);

/**
 * Clips v to [min, max] (min <= max, as every scale has); NaN stays NaN. Two selects that
 * compile to minsd and maxsd: the nested v < min ? min : (v > max ? max : v), equal for
 * min <= max, compiles to a branch.
 */
static inline double mscsim_scale_clip(const mscsim_scale *s, double v)
{
    double below_max = v > s->max ? s->max : v;
    return below_max < s->min ? s->min : below_max;
}

/**
 * Rounds v to the nearest point min + k * step (halves away from min's side up) and clips it
 * to [min, max]. NaN stays NaN. The single place scores are made valid.
 */
static inline double mscsim_scale_apply(const mscsim_scale *s, double v)
{
    if (s->step > 0) {
        /* min + step * floor((v - min) / step + 0.5), written so that baseline x86-64 (no
         * SSE4.1 round) needs no branch on the data: below min every v rounds to min, so v
         * is raised to min first; q is then at least 0.5, where floor is truncation (one
         * conversion to an integer and back, no sign fix-up). From 2^52 on a double is whole
         * already, and NaN fails the test: both stay as they are (a test nearly always
         * true, so predicted). */
        double q = ((v < s->min ? s->min : v) - s->min) / s->step + 0.5;
        if (q < 0x1p52)
            q = (double)(long long)q;
        v = s->min + s->step * q;
        /* q, whole and at least 0 (or NaN), keeps v at min or above: only max is left. */
        return v > s->max ? s->max : v;
    }
    return mscsim_scale_clip(s, v);
}

/**
 * 1 when mscsim_scale_apply_vector equals mscsim_scale_apply on s (true of every shipped
 * scale): a step, at most 2^51 steps from min to max, and max rounding to max or above
 * (so that every score from max on ends at max).
 */
static inline int mscsim_scale_vectorisable(const mscsim_scale *s)
{
    return s->step > 0 && (s->max - s->min) / s->step <= 0x1p51 &&
           s->min + s->step * floor((s->max - s->min) / s->step + 0.5) >= s->max;
}

/**
 * mscsim_scale_apply, bit for bit (NaN included), on a scale mscsim_scale_vectorisable
 * accepts, in additions, multiplications, min and max only: a loop of calls vectorises on
 * baseline x86-64, which has no vector conversion to a 64-bit integer nor a vector round.
 * v is clipped to max first (every score from max on ends at max), so q stays below 2^52,
 * where the sums with 2^52 round it to a whole number (the doubles from 2^52 to 2^53 are
 * the whole numbers).
 */
static inline double mscsim_scale_apply_vector(const mscsim_scale *s, double v)
{
    v = v > s->max ? s->max : v;
    double q = ((v < s->min ? s->min : v) - s->min) / s->step + 0.5; /* >= 0.5, or NaN */
    double near = (q + 0x1p52) - 0x1p52;        /* q rounded to a whole number, ties to even */
    double low = ((q - 0.5) + 0x1p52) - 0x1p52; /* floor(q), or q - 1 when q is whole */
    double off = (q - near) * 0x1p1000;         /* 0 when q is whole, else its square is inf */
    double whole = near - off * off;            /* q when q is whole, else -inf */
    q = low > whole ? low : whole;              /* floor(q); NaN stays NaN */
    v = s->min + s->step * q;
    return v > s->max ? s->max : v; /* v >= min already */
}

/** +1 when higher scores are better, -1 otherwise: endpoints are multiplied by it. */
static inline double mscsim_scale_orientation(const mscsim_scale *s)
{
    return s->higher_is_better ? 1.0 : -1.0;
}

/** The worst score: what a death scores under [outcome] death = worst. */
static inline double mscsim_scale_worst(const mscsim_scale *s)
{
    return s->higher_is_better ? s->min : s->max;
}

/** 1 when the scale has a finite range (floor and ceiling shares are then reported). */
static inline int mscsim_scale_bounded(const mscsim_scale *s)
{
    return s->id != MSCSIM_SCALE_NONE;
}

#ifdef __cplusplus
}
#endif
#endif
