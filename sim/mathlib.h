#ifndef SIM_MATHLIB_H
#define SIM_MATHLIB_H
/*
 * The only door to R's standalone math library (libRmath). Only d/p/q functions of
 * standard distributions are used: Rmath's random generators keep global state, and its
 * errors would print and exit. Callers validate parameters before calling in.
 */
#define MATHLIB_STANDALONE
#include <Rmath.h>

#endif
