/* Randomisation schemes (randomise.h says what each does). */
#include "mscsim/randomise.h"

#include <math.h>
#include <string.h>

#include "internal.h"

static size_t strata(const mscsim_randomise_spec *s)
{
    size_t count = 1;
    for (int f = 0; f < s->factor_count; f++)
        count *= (size_t)s->levels[f];
    return count;
}

SIM_API size_t mscsim_randomise_work_size(const mscsim_randomise_spec *s)
{
    switch (s->method) {
    case MSCSIM_RANDOMISE_BLOCKS:
        return 2 * sizeof(int);
    case MSCSIM_RANDOMISE_STRATIFIED_BLOCKS:
        return 2 * sizeof(int) * strata(s);
    case MSCSIM_RANDOMISE_MINIMISATION:
        return 2 * sizeof(int) * MSCSIM_MAX_RANDOMISE_FACTORS * MSCSIM_MAX_FACTOR_LEVELS;
    default:
        return 0;
    }
}

SIM_API int mscsim_randomise_check(const mscsim_randomise_spec *s, mscsim_error *err)
{
    if (s->alloc[0] < 1 || s->alloc[1] < 1)
        return sim_error_set(err, MSCSIM_EINVAL, "allocation parts must be at least 1");
    int unit = s->alloc[0] + s->alloc[1];
    if ((s->method == MSCSIM_RANDOMISE_BLOCKS || s->method == MSCSIM_RANDOMISE_STRATIFIED_BLOCKS) &&
        (s->block < unit || s->block % unit != 0 || s->block > 1000))
        return sim_error_set(err, MSCSIM_EINVAL,
                             "a block of %d patients is not a whole number (at most 1000) of "
                             "allocation blocks of %d", s->block, unit);
    int factors = s->method == MSCSIM_RANDOMISE_STRATIFIED_BLOCKS ||
                  s->method == MSCSIM_RANDOMISE_MINIMISATION;
    if (factors) {
        if (s->factor_count < 1 || s->factor_count > MSCSIM_MAX_RANDOMISE_FACTORS)
            return sim_error_set(err, MSCSIM_EINVAL, "%d factors: 1 to %d are allowed",
                                 s->factor_count, MSCSIM_MAX_RANDOMISE_FACTORS);
        for (int f = 0; f < s->factor_count; f++)
            if (s->levels[f] < 1 || s->levels[f] > MSCSIM_MAX_FACTOR_LEVELS)
                return sim_error_set(err, MSCSIM_EINVAL, "factor %d has %d levels: 1 to %d "
                                     "are allowed", f + 1, s->levels[f], MSCSIM_MAX_FACTOR_LEVELS);
    }
    if (s->method == MSCSIM_RANDOMISE_MINIMISATION && !(s->p_minimise >= 0.5 && s->p_minimise <= 1.0))
        return sim_error_set(err, MSCSIM_EINVAL, "the minimisation probability must be in [0.5, 1]");
    return MSCSIM_OK;
}

/* msc with probability m / (c + m), exactly: a uniform integer below c + m. */
static unsigned char allocation_draw(const mscsim_randomise_spec *s, mscsim_rng *rng)
{
    uint32_t unit = (uint32_t)(s->alloc[0] + s->alloc[1]);
    return mscsim_rng_bounded(rng, unit) >= (uint32_t)s->alloc[0];
}

/* The next patient of a permuted block whose unassigned places are left[0] control and
 * left[1] msc (a new block when both are 0): a uniform draw among the places left. */
static unsigned char block_draw(const mscsim_randomise_spec *s, int *left, mscsim_rng *rng)
{
    if (left[0] + left[1] == 0) {
        int blocks = s->block / (s->alloc[0] + s->alloc[1]);
        left[0] = blocks * s->alloc[0];
        left[1] = blocks * s->alloc[1];
    }
    unsigned char a = mscsim_rng_bounded(rng, (uint32_t)(left[0] + left[1])) >= (uint32_t)left[0];
    left[a]--;
    return a;
}

static size_t stratum_of(const mscsim_randomise_spec *s, const int *const *level, size_t i)
{
    size_t k = 0;
    for (int f = 0; f < s->factor_count; f++)
        k = k * (size_t)s->levels[f] + (size_t)level[f][i];
    return k;
}

/* Pocock-Simon: count[(f * MAX_LEVELS + l) * 2 + a] patients of arm a at level l of f. */
static unsigned char minimise(const mscsim_randomise_spec *s, const int *const *level, size_t i,
                              int *count, mscsim_rng *rng)
{
    double imbalance[2];
    for (int a = 0; a < 2; a++) {
        double sum = 0.0;
        for (int f = 0; f < s->factor_count; f++) {
            const int *c = &count[(f * MSCSIM_MAX_FACTOR_LEVELS + level[f][i]) * 2];
            double n0 = c[0] + (a == 0), n1 = c[1] + (a == 1);
            sum += fabs(n1 / s->alloc[1] - n0 / s->alloc[0]);
        }
        imbalance[a] = sum;
    }
    unsigned char arm;
    if (imbalance[0] == imbalance[1]) {
        arm = allocation_draw(s, rng);
    } else {
        unsigned char best = imbalance[1] < imbalance[0];
        arm = mscsim_rng_uniform(rng) < s->p_minimise ? best : (unsigned char)!best;
    }
    for (int f = 0; f < s->factor_count; f++)
        count[(f * MSCSIM_MAX_FACTOR_LEVELS + level[f][i]) * 2 + arm]++;
    return arm;
}

SIM_API void mscsim_randomise(const mscsim_randomise_spec *s, size_t n, const int *const *level,
                              mscsim_rng *rng, unsigned char *arm, void *work)
{
    int *w = work;
    if (w)
        memset(w, 0, mscsim_randomise_work_size(s));
    switch (s->method) {
    case MSCSIM_RANDOMISE_FIXED: {
        size_t unit = (size_t)(s->alloc[0] + s->alloc[1]);
        size_t msc = (size_t)floor((double)n * s->alloc[1] / (double)unit + 0.5);
        for (size_t i = 0; i < n; i++)
            arm[i] = i >= n - msc;
        break;
    }
    case MSCSIM_RANDOMISE_SIMPLE:
        for (size_t i = 0; i < n; i++)
            arm[i] = allocation_draw(s, rng);
        break;
    case MSCSIM_RANDOMISE_BLOCKS:
        for (size_t i = 0; i < n; i++)
            arm[i] = block_draw(s, w, rng);
        break;
    case MSCSIM_RANDOMISE_STRATIFIED_BLOCKS:
        for (size_t i = 0; i < n; i++)
            arm[i] = block_draw(s, &w[2 * stratum_of(s, level, i)], rng);
        break;
    case MSCSIM_RANDOMISE_MINIMISATION:
        for (size_t i = 0; i < n; i++)
            arm[i] = minimise(s, level, i, w, rng);
        break;
    }
}
