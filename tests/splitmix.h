#ifndef MSCSIM_TEST_SPLITMIX_H
#define MSCSIM_TEST_SPLITMIX_H
/*
 * A test-only generator for random data sets: SplitMix64 (Steele, Lea & Flood 2014), with
 * normals by inversion through Rmath's qnorm. Independent of the project's generator on
 * purpose, so a fault there cannot hide in the data it is tested on. Each test program
 * sets splitmix_state to its own seed.
 */
#include <stdint.h>

#include "mathlib.h"

static uint64_t splitmix_state;

static inline uint64_t next_u64(void)
{
    uint64_t z = (splitmix_state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static inline double unif(void) /* (0, 1) */
{
    return ((double)(next_u64() >> 11) + 0.5) * 0x1.0p-53;
}

static inline double rnorm1(void)
{
    return qnorm(unif(), 0.0, 1.0, 1, 0);
}

#endif
