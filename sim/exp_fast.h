#ifndef SIM_EXP_FAST_H
#define SIM_EXP_FAST_H
/*
 * e^x inline, for the trajectory model's hot loop (several exponentials per patient): the
 * library call costs about 55 instructions, this about 25, with the same accuracy class.
 *
 * Method (Tang 1989): x = k ln2 / 128 + r, |r| <= ln2 / 256, k = round(128 x / ln2), so
 * e^x = 2^(k div 128) 2^((k mod 128) / 128) e^r: the power of two goes into the exponent
 * bits, the middle factor T comes from a table (sim/exp_fast.c) as a double and its
 * rounding error relative to it, and e^r - 1 is its Taylor polynomial to r^5 (truncation
 * below r^6 / 720 < 6e-19): e^x = T + T (p + t_rel), up to t_rel p < 1e-18. (Without
 * t_rel, T's half ulp becomes a whole one when e^r takes the result below T's binade:
 * 1.24 ulp seen.) The reduction uses ln2 / 128 in two parts, the first of 34 bits, so k
 * times it is exact for |k| < 2^19. Error: about the last rounding's half ulp;
 * tests/test_exp_fast.c measures it against expl on 2 x 10^7 arguments and requires
 * < 0.52 ulp. |x| > 700 (results near the subnormals, where T t_rel would lose its
 * precision: 0.75 ulp seen at -707, and overflow), infinities and
 * NaN go to the library's exp, so the special cases are exactly libm's.
 *
 * REFERENCE
 *   Tang PTP (1989) Table-driven implementation of the exponential function in IEEE
 *   floating-point arithmetic. ACM TOMS 15:144-157.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#define SIM_EXP_TABLE_BITS 7
#define SIM_EXP_TABLE_SIZE (1 << SIM_EXP_TABLE_BITS)

/* 2^(i/128) rounded, and (2^(i/128) - t) / t. */
typedef struct {
    double t, t_rel;
} sim_exp_entry;

extern const sim_exp_entry sim_exp_table[SIM_EXP_TABLE_SIZE];

/* The inline range: |x| <= SIM_EXP_INLINE_MAX (a caller that knows its arguments are
 * within it calls sim_exp_inline directly, without the test). */
#define SIM_EXP_INLINE_MAX 700.0

static inline double sim_exp_inline(double x)
{
    /* Adding 1.5 * 2^52 rounds 128 x / ln2 to the integer k held in the low bits. */
    const double shift = 0x1.8p52, inv_ln2_n = 0x1.71547652b82fep+7;
    const double ln2_n_hi = 0x1.62e42fef80000p-8, ln2_n_lo = 0x1.1cf79abc9e3b4p-43;
    double kd = x * inv_ln2_n + shift;
    uint64_t ki;
    memcpy(&ki, &kd, sizeof ki);
    kd -= shift;
    double r = (x - kd * ln2_n_hi) - kd * ln2_n_lo;
    /* ki holds 2^51 + k: its bits above the table index are 2^44 + floor(k / 128), which
     * shifted to the exponent field is floor(k / 128) modulo 2^64. */
    const sim_exp_entry *t = &sim_exp_table[ki & (SIM_EXP_TABLE_SIZE - 1)];
    uint64_t tb;
    memcpy(&tb, &t->t, sizeof tb);
    tb += (ki >> SIM_EXP_TABLE_BITS) << 52;
    double scale;
    memcpy(&scale, &tb, sizeof scale);
    double r2 = r * r;
    double p = r + r2 * (0.5 + r * (1.0 / 6.0)) + (r2 * r2) * (1.0 / 24.0 + r * (1.0 / 120.0));
    return scale + scale * (p + t->t_rel);
}

static inline double sim_exp(double x)
{
    return fabs(x) <= SIM_EXP_INLINE_MAX ? sim_exp_inline(x) : exp(x);
}

#endif
