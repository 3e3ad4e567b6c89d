#ifndef SIM_INTERNAL_H
#define SIM_INTERNAL_H
/* Private helpers shared by sim/ files; never included from outside sim/. */

#include "mscsim/error.h"
#include "mscsim/rng.h"

#define SIM_API __attribute__((visibility("default")))

#define SIM_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Greatest common divisor of a, b >= 0 (Euclid). */
static inline long sim_gcd(long a, long b)
{
    while (b) {
        long r = a % b;
        a = b;
        b = r;
    }
    return a;
}

/* mscsim_rng_for_trial(seed, scenario, n, replicate) in two steps, for the replicate loop
 * of one cell: the cell's key once (three of its five mixes), then each replicate's
 * generator from it, the same generator (rng.c). */
uint64_t sim_rng_cell_key(uint64_t seed, uint64_t scenario, uint64_t n);
mscsim_rng sim_rng_for_replicate(uint64_t key, uint64_t replicate);

/* Fills err (if not NULL) with code and a printf-style message; returns code so callers
 * can write `return sim_error_set(err, MSCSIM_EINVAL, "...")`. Location fields are
 * cleared; use sim_error_locate to add them. */
int sim_error_set(mscsim_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Adds file, line, section and key to an error already set (NULL leaves a field as is). */
void sim_error_locate(mscsim_error *err, const char *file, int line, const char *section,
                         const char *key);

#endif
