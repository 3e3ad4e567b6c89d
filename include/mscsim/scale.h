#ifndef MSCSIM_SCALE_H
#define MSCSIM_SCALE_H

/**
 * Clinical scales: range, step and direction of benefit. Every score a model produces is
 * rounded to the scale's step and clipped to its range in one place, mscsim_scale_apply.
 *
 * | scale     | range | step | better | source (configs/EVIDENCE.md section 2) |
 * | fma_ue    | 0-66  | 1    | higher | Fugl-Meyer upper extremity          |
 * | fma_le    | 0-34  | 1    | higher | Fugl-Meyer lower extremity          |
 * | fma_motor | 0-100 | 1    | higher | FMA motor total = UE + LE           |
 * | barthel   | 0-100 | 5    | higher | Barthel Index                       |
 * | nihss     | 0-42  | 1    | lower  | NIH Stroke Scale                    |
 * | mrs       | 0-6   | 1    | lower  | modified Rankin Scale, 6 = dead     |
 */

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
    }
    return mscsim_scale_clip(s, v);
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
