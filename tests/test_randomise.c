/*
 * Randomisation: simple randomisation's arm sizes against the exact binomial, permuted
 * blocks against the exact distribution of the last incomplete block, stratified blocks'
 * balance within strata, and minimisation against an independent R implementation
 * (tests/ref/randomise_ref.csv, made by tests/ref/make_randomise_ref.R). Monte Carlo checks
 * use fixed seeds and 4 standard errors.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "mathlib.h"
#include "mscsim/randomise.h"
#include "ref_table.h"

#define TRIALS 20000

static size_t count_msc(const unsigned char *arm, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += arm[i];
    return k;
}

static void test_simple(void)
{
    mscsim_randomise_spec s = {.method = MSCSIM_RANDOMISE_SIMPLE, .alloc = {1, 1}};
    enum { N = 50 };
    unsigned char arm[N];
    long hist[N + 1] = {0};
    mscsim_rng rng = mscsim_rng_for_trial(11, 0, 0, 0);
    for (int r = 0; r < TRIALS; r++) {
        mscsim_randomise(&s, N, NULL, &rng, arm, NULL);
        hist[count_msc(arm, N)]++;
    }
    /* Pearson's goodness of fit to Binomial(50, 1/2), tails pooled so each cell expects >= 5. */
    double x2 = 0, lo_obs = 0, lo_exp = 0, hi_obs = 0, hi_exp = 0;
    int cells = 0;
    for (int k = 0; k <= N; k++) {
        double e = TRIALS * dbinom(k, N, 0.5, 0);
        if (k < N / 2 && e < 5) {
            lo_obs += (double)hist[k];
            lo_exp += e;
        } else if (k > N / 2 && e < 5) {
            hi_obs += (double)hist[k];
            hi_exp += e;
        } else {
            x2 += ((double)hist[k] - e) * ((double)hist[k] - e) / e;
            cells++;
        }
    }
    x2 += (lo_obs - lo_exp) * (lo_obs - lo_exp) / lo_exp + (hi_obs - hi_exp) * (hi_obs - hi_exp) / hi_exp;
    cells += 2;
    double crit = qchisq(0.999, cells - 1, 1, 0);
    CHECK(x2 < crit, "simple 1:1: arm sizes fit Binomial(50, 1/2) (X2 = %.1f on %d df, 0.999 "
          "quantile %.1f)", x2, cells - 1, crit);
    /* 1:2: mean msc share 2/3 within 4 SE. */
    s.alloc[1] = 2;
    double sum = 0;
    for (int r = 0; r < TRIALS; r++) {
        mscsim_randomise(&s, 30, NULL, &rng, arm, NULL);
        sum += (double)count_msc(arm, 30);
    }
    double se = sqrt(30 * (2.0 / 3) * (1.0 / 3) / TRIALS);
    ABS_EQ(sum / TRIALS, 20.0, 4 * se, "simple 1:2: mean msc arm size 20 of 30");
}

static void test_blocks(void)
{
    mscsim_randomise_spec s = {.method = MSCSIM_RANDOMISE_BLOCKS, .alloc = {1, 1}, .block = 4};
    int work[2];
    enum { N = 50 };
    unsigned char arm[N];
    long at[3] = {0}; /* n_msc = 24, 25, 26 */
    int balanced = 1;
    mscsim_rng rng = mscsim_rng_for_trial(12, 0, 0, 0);
    for (int r = 0; r < TRIALS; r++) {
        mscsim_randomise(&s, N, NULL, &rng, arm, work);
        int diff = 0;
        for (int i = 0; i < N; i++) {
            diff += arm[i] ? 1 : -1;
            if ((i + 1) % 4 == 0 && diff != 0)
                balanced = 0;
        }
        size_t k = count_msc(arm, N);
        if (k >= 24 && k <= 26)
            at[k - 24]++;
        else
            balanced = 0;
    }
    CHECK(balanced, "blocks of 4: balanced after every block, n_msc in 24..26");
    /* The last 2 patients are the first 2 places of a block of 2 + 2: both msc with
     * probability 1/6, one each 2/3. */
    const double want[3] = {1.0 / 6, 2.0 / 3, 1.0 / 6};
    for (int j = 0; j < 3; j++) {
        double se = sqrt(want[j] * (1 - want[j]) / TRIALS);
        ABS_EQ((double)at[j] / TRIALS, want[j], 4 * se, "blocks: P(n_msc = %d)", 24 + j);
    }
}

/* Permuted blocks at 1:1 are never off by more than half a block: |n_msc - n_control| <=
 * block / 2 after every patient, and the bound is reached. */
static void test_blocks_bound(void)
{
    for (int block = 4; block <= 8; block += 4) {
        mscsim_randomise_spec s = {.method = MSCSIM_RANDOMISE_BLOCKS, .alloc = {1, 1},
                                   .block = block};
        int work[2];
        enum { N = 61 };
        unsigned char arm[N];
        int worst = 0;
        mscsim_rng rng = mscsim_rng_for_trial(16, 0, 0, (uint64_t)block);
        for (int r = 0; r < 2000; r++) {
            mscsim_randomise(&s, N, NULL, &rng, arm, work);
            int diff = 0;
            for (int i = 0; i < N; i++) {
                diff += arm[i] ? 1 : -1;
                worst = abs(diff) > worst ? abs(diff) : worst;
            }
        }
        INT_EQ(worst, block / 2, "blocks of %d: the largest |n_msc - n_control| over every "
               "prefix is block / 2", block);
    }
}

static void test_stratified(void)
{
    mscsim_randomise_spec s = {.method = MSCSIM_RANDOMISE_STRATIFIED_BLOCKS, .alloc = {1, 2},
                               .block = 6, .factor_count = 2, .levels = {3, 2}};
    size_t bytes = mscsim_randomise_work_size(&s);
    int *work = malloc(bytes);
    enum { N = 90 };
    int f0[N], f1[N];
    const int *level[2] = {f0, f1};
    unsigned char arm[N];
    mscsim_rng rng = mscsim_rng_for_trial(13, 0, 0, 0);
    int ok = 1;
    for (int r = 0; r < 2000; r++) {
        for (int i = 0; i < N; i++) {
            f0[i] = (int)mscsim_rng_bounded(&rng, 3);
            f1[i] = (int)mscsim_rng_bounded(&rng, 2);
        }
        mscsim_randomise(&s, N, level, &rng, arm, work);
        int seen[6] = {0}, msc[6] = {0};
        for (int i = 0; i < N; i++) {
            int k = f0[i] * 2 + f1[i];
            seen[k]++;
            msc[k] += arm[i];
            if (seen[k] % 6 == 0 && msc[k] * 3 != seen[k] * 2)
                ok = 0;
        }
    }
    CHECK(ok, "stratified blocks of 6 (1:2): every stratum holds 2 msc per 3 at each complete "
          "block");
    free(work);
}

static void test_minimisation(void)
{
    table t;
    if (!table_read(&t, "randomise_ref.csv")) {
        CHECK(0, "ref/randomise_ref.csv is readable");
        return;
    }
    double r_trials = num(table_get(&t, 0, table_col(&t, "trials")));
    double r_mean = num(table_get(&t, 0, table_col(&t, "mean_msc")));
    double r_sd = num(table_get(&t, 0, table_col(&t, "sd_msc")));
    double r_imb = num(table_get(&t, 0, table_col(&t, "mean_imbalance")));
    double r_imb_sd = num(table_get(&t, 0, table_col(&t, "sd_imbalance")));
    table_free(&t);
    mscsim_randomise_spec s = {.method = MSCSIM_RANDOMISE_MINIMISATION, .alloc = {1, 2},
                               .p_minimise = 0.8, .factor_count = 2, .levels = {3, 2}};
    void *work = malloc(mscsim_randomise_work_size(&s));
    enum { N = 60 };
    int f0[N], f1[N];
    const int *level[2] = {f0, f1};
    unsigned char arm[N];
    mscsim_rng rng = mscsim_rng_for_trial(14, 0, 0, 0);
    double sum = 0, sum2 = 0, imb = 0;
    for (int r = 0; r < TRIALS; r++) {
        for (int i = 0; i < N; i++) {
            double u = mscsim_rng_uniform(&rng);
            f0[i] = u < 0.2 ? 0 : (u < 0.7 ? 1 : 2);
            f1[i] = mscsim_rng_uniform(&rng) < 0.6 ? 0 : 1;
        }
        mscsim_randomise(&s, N, level, &rng, arm, work);
        double k = (double)count_msc(arm, N);
        sum += k;
        sum2 += k * k;
        double c[2][3][2] = {{{0}}};
        for (int i = 0; i < N; i++) {
            c[0][f0[i]][arm[i]]++;
            c[1][f1[i]][arm[i]]++;
        }
        for (int f = 0; f < 2; f++)
            for (int l = 0; l < 3; l++)
                imb += fabs(c[f][l][1] / 2 - c[f][l][0]);
    }
    double mean = sum / TRIALS;
    double se = sqrt(r_sd * r_sd / r_trials + (sum2 / TRIALS - mean * mean) / TRIALS);
    ABS_EQ(mean, r_mean, 4 * se, "minimisation 1:2, p 0.8: mean msc arm size as R's");
    /* The spread too: the SE of a sample SD is about sd / sqrt(2 (trials - 1)) (normal
     * theory; n_msc is nearly normal here), combined over the two samples. */
    double sd = sqrt((sum2 / TRIALS - mean * mean) * TRIALS / (TRIALS - 1));
    double se_sd = r_sd * sqrt(1 / (2 * (r_trials - 1)) + 1 / (2.0 * (TRIALS - 1)));
    ABS_EQ(sd, r_sd, 4 * se_sd, "minimisation: SD of the msc arm size as R's");
    double se_imb = r_imb_sd * sqrt(1 / r_trials + 1.0 / TRIALS);
    ABS_EQ(imb / TRIALS, r_imb, 4 * se_imb, "minimisation: mean marginal imbalance as R's");
    free(work);
}

static void test_fixed_and_checks(void)
{
    mscsim_randomise_spec s = {.method = MSCSIM_RANDOMISE_FIXED, .alloc = {1, 2}};
    unsigned char arm[100];
    mscsim_rng rng = mscsim_rng_for_trial(15, 0, 0, 0);
    mscsim_randomise(&s, 100, NULL, &rng, arm, NULL);
    INT_EQ(count_msc(arm, 100), 67, "fixed 1:2 of 100: round(200 / 3) msc");
    mscsim_error err;
    s.method = MSCSIM_RANDOMISE_BLOCKS;
    s.block = 4;
    INT_EQ(mscsim_randomise_check(&s, &err), MSCSIM_EINVAL, "blocks of 4 with 1:2 allocation");
    s.block = 6;
    INT_EQ(mscsim_randomise_check(&s, &err), MSCSIM_OK, "blocks of 6 with 1:2 allocation");
    s.method = MSCSIM_RANDOMISE_MINIMISATION;
    s.p_minimise = 0.4;
    s.factor_count = 1;
    s.levels[0] = 2;
    INT_EQ(mscsim_randomise_check(&s, &err), MSCSIM_EINVAL, "minimisation probability 0.4");
    s.p_minimise = 0.8;
    s.levels[0] = 9;
    INT_EQ(mscsim_randomise_check(&s, &err), MSCSIM_EINVAL, "9 levels");
}

int main(void)
{
    test_simple();
    test_blocks();
    test_blocks_bound();
    test_stratified();
    test_minimisation();
    test_fixed_and_checks();
    return TEST_DONE();
}
