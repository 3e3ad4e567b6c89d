/*
 * Wilcoxon-Mann-Whitney rank-sum test, with the probability of superiority as estimate.
 *
 * DESCRIPTION
 *   The test of R's wilcox.test(y_msc, y_control, exact = FALSE, correct = TRUE): with
 *   W = #{(i, j): y1_i > y0_j} + #{ties} / 2 over all msc-control pairs (R's statistic W),
 *     u     = W - n0 n1 / 2,
 *     sigma = sqrt(n0 n1 / 12 ((N + 1) - sum_g (t_g^3 - t_g) / (N (N - 1)))),
 *   N = n0 + n1 and t_g the size of tie group g (average ranks), the statistic is
 *     z = (u - c) / sigma,  c = sign(u) / 2 (sides = 2) or 1/2 (sides = 1),
 *   R's continuity correction, and p = 2 pnorm(-|z|) or pnorm(z, upper): both are the
 *   p-values wilcox.test reports (two-sided, alternative = "greater"). Statistic: that z.
 *   Decision as every analysis: reject when p < alpha (settings.c, df = Inf).
 *
 *   Estimate: theta - 1/2 with theta = W / (n0 n1) = P(msc better) + P(tie) / 2, the
 *   Mann-Whitney AUC (MSCSIM_ESTIMAND_SUPERIORITY).
 *
 *   SE: DeLong et al. (1988), i.e. Sen's (1960) structural components, with ties counted
 *   one half: the placement of msc patient i is V10_i = (#{y0 < y1_i} + #{y0 = y1_i} / 2)
 *   / n0, of control patient j V01_j = (#{y1 > y0_j} + #{y1 = y0_j} / 2) / n1, both
 *   average theta, and
 *     se^2 = S10 / n1 + S01 / n0,  S = sample variance (denominator n - 1) of the placements.
 *   This is what pROC::var(roc, method = "delong") computes (not Hanley & McNeil's 1982
 *   formula, whose exponential-model moments are wrong for ordinal data). It is not
 *   exactly unbiased: with the Hoeffding decomposition psi(X, Y) = theta + g(X) + h(Y) +
 *   r(X, Y) (psi = 1, 1/2, 0 for msc better, tied, worse),
 *     E[se^2] = Var(theta_hat) + Var(r) / (n0 n1),
 *   a small conservative bias (order 1/(n0 n1) against the O(1/n) variance), in exchange
 *   for a variance that is never negative (the exactly unbiased U-statistic estimator can
 *   be). Interval: theta - 1/2 -/+ z se, df = INFINITY; its coverage of the true
 *   superiority is checked by simulation in tests/test_analysis_rank.c. With an arm of one
 *   patient S is not estimable, and se is the permutation SE sigma / (n0 n1) of the same
 *   estimate (the variance the test uses).
 *
 * METHOD
 *   Everything depends on the data only through the tie groups in increasing order: the
 *   counts (a_g control, b_g msc) at each distinct value. With c0, c1 the patients of
 *   each arm below group g, its msc patients have the scaled placement B_g = 2 n0 V10 =
 *   2 c0 + a_g and its controls D_g = 2 n1 V01 = 2 (n1 - c1 - b_g) + b_g, integers, and
 *     2W = sum_g b_g B_g = sum_g a_g D_g,
 *     S10 (n1 - 1) (2 n0 n1)^2 = sum_g b_g (n1 B_g - 2W)^2 = n1 (n1 sum_g b_g B_g^2 - (2W)^2)
 *   and likewise S01. Up to n0 n1 = 2^25 every sum on the right is an exact integer in a
 *   double, so one pass gives the variances exactly up to the final rounding, with no
 *   cancellation even when the placements barely vary (near separation). Larger trials
 *   take a second pass summing the squared deviations, exact integers up to 6e7 per arm.
 *   Three ways to get the groups: data->table's counts when the engine drew the table
 *   instead of patients (its values are the groups), or
 *   - counting path, O(n + K): every value is an integer in [-COUNT_RANGE, COUNT_RANGE]
 *     (mRS as -6..0, NIHSS, Barthel, any 0/1 endpoint): each arm is counted into a table
 *     of bins, and the groups are the non-empty bins. The first value of each arm is
 *     tested first, so real-valued data skip the table at once.
 *   - sorting path, O(n log n): each arm's values are copied to data->scratch and sorted
 *     with the introsort below (no allocation, no comparison callback: glibc's qsort both
 *     calls one per comparison and may malloc), then the sorted arms are merged. Values
 *     without ties (the usual real-valued case) are merged one per step without branches;
 *     tied values group by group.
 *   Both paths make the same sums from the same groups, so integer data give bit-identical
 *   results either way (tests/test_analysis_rank.c shifts them out of the counting range).
 *
 * WORST RANK
 *   sim_analysis_rank_sum(..., worst_rank = 1, ...) (worst_rank.c) ranks the
 *   patients flagged in data->died below every survivor, tied with each other, whatever
 *   their y: they form one group below all others (Lachin 1999).
 *
 * FAILURE
 *   An empty arm, all analysed values tied (sigma = 0: R's p is NaN), a NaN value, or the
 *   sorting path without data->scratch.
 *
 * REFERENCE
 *   Wilcoxon (1945), Biometrics Bull 1:80-83; Mann & Whitney (1947), Ann Math Stat
 *   18:50-60; Lehmann (1975), Nonparametrics, ch. 1 (tie-corrected variance); DeLong,
 *   DeLong & Clarke-Pearson (1988), Biometrics 44:837-845; Sen (1960), Calcutta Stat Assoc
 *   Bull 10:1-18; Hanley & McNeil (1982), Radiology 143:29-36; Lachin (1999), Control Clin
 *   Trials 20:408-422 (worst-rank scores); Musser (1997), Softw Pract Exper 27:983-993
 *   (introsort); R stats/R/wilcox.test.R (R 4.2).
 */

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "analysis_impl.h"


/* Values that are integers in [-COUNT_RANGE, COUNT_RANGE] are counted, not sorted: wide
 * enough for every clinical ordinal scale used here (Barthel 0..100 included) in either
 * orientation; the table (2 KB of uint32 counts) is cleared on every call. */
#define COUNT_RANGE 128
#define COUNT_BINS (2 * COUNT_RANGE + 1)

/* Arms of this size or more are sorted (their counts would overflow uint32). */
#define COUNT_MAX_N ((size_t)UINT32_MAX)

/* Partitions of at most this many values are finished by insertion sort (Musser 1997).
 * Measured on 50 random doubles with the branch-free partition: 8 to 32 all within 5%. */
#define INSERTION_MAX 16

/* ======================================================================================
 * Sums over tie groups
 * ====================================================================================== */

typedef struct {
    double n0, n1;         /* analysed patients per arm */
    double below0, below1; /* patients of each arm in the groups already added */
    double w2;             /* 2 W */
    double ties;           /* sum of t^3 - t over groups */
    double groups;         /* number of groups */
    double q10, q01;       /* pass 1: sums of squared scaled placements (see METHOD) */
    double s10, s01;       /* pass 2: sums of squared scaled placement deviations */
} rank_sums;

/* Up to this n0 n1 every pass-1 sum (<= 4 n0^2 n1^2 <= 2^52) is an exact integer, so the
 * placement variances come from pass 1 alone; beyond it a second pass sums deviations. */
#define EXACT_NN 33554432.0 /* 2^25 */

static inline int needs_pass2(const rank_sums *r)
{
    return r->n0 * r->n1 > EXACT_NN;
}

/* Pass 1: a group of a control and b msc patients at the next larger value. Its msc
 * patients have the scaled placement B = 2 n0 V10 = 2 c0 + a, its controls
 * D = 2 n1 V01 = 2 (n1 - c1 - b) + b. */
static inline void pass1_add(rank_sums *r, double a, double b)
{
    double t = a + b, B = 2.0 * r->below0 + a, D = 2.0 * (r->n1 - r->below1 - b) + b;
    r->w2 += b * B;
    r->q10 += b * (B * B);
    r->q01 += a * (D * D);
    r->ties += t * t * t - t; /* R: sum(NTIES^3 - NTIES) */
    r->groups += 1.0;
    r->below0 += a;
    r->below1 += b;
}

/* Pass 2 (needs r->w2 from pass 1 and below0 = below1 = 0 at its start). */
static inline void pass2_add(rank_sums *r, double a, double b)
{
    double d10 = r->n1 * (2.0 * r->below0 + a) - r->w2;
    double d01 = r->n0 * (2.0 * (r->n1 - r->below1 - b) + b) - r->w2;
    r->s10 += b * (d10 * d10);
    r->s01 += a * (d01 * d01);
    r->below0 += a;
    r->below1 += b;
}

static inline void add_group(rank_sums *r, int pass, double a, double b)
{
    if (pass == 1)
        pass1_add(r, a, b);
    else
        pass2_add(r, a, b);
}

/* s10 = sum over msc patients of (n1 B - 2W)^2 = n1 (n1 q10 - (2W)^2), and likewise s01
 * (sum of B over msc patients = sum of D over controls = 2W): exact integers combined, one
 * rounding, when n0 n1 <= EXACT_NN. */
static inline void moments_to_deviations(rank_sums *r)
{
    r->s10 = r->n1 * (r->n1 * r->q10 - r->w2 * r->w2);
    r->s01 = r->n0 * (r->n0 * r->q01 - r->w2 * r->w2);
}

/* ======================================================================================
 * Counting path
 * ====================================================================================== */

/* Counts arm's values into column arm of cnt (survivors only when died is not NULL; the
 * dead are counted in *dead) and widens [*lo, *hi] to the bins used. Returns 0 when a
 * survivor's value is not an integer in [-COUNT_RANGE, COUNT_RANGE] (NaN included). The
 * check is accumulated without branches (a value out of range is counted in bin 0 and
 * the table is then abandoned), and so are the deaths: the loop has no data-dependent
 * branch to mispredict. */
static int count_arm(const double *y, const unsigned char *died, size_t n, int arm,
                     uint32_t (*cnt)[2], size_t *dead, size_t *lo, size_t *hi)
{
    int l = (int)*lo, h = (int)*hi, bad = 0;
    size_t nd = 0;
    for (size_t i = 0; i < n; i++) {
        int dd = died ? died[i] != 0 : 0; /* died is loop-invariant: unswitched */
        /* Tested on y itself: y + COUNT_RANGE would round 3 + 1 ulp to an integer. */
        double v = y[i];
        int ok = v >= -(double)COUNT_RANGE && v <= (double)COUNT_RANGE;
        v = ok ? v : 0.0;
        int k = (int)v;
        bad |= (dd == 0) & (!ok | ((double)k != v));
        k += COUNT_RANGE;
        cnt[k][arm] += (uint32_t)!dd;
        nd += (size_t)dd;
        l = dd || k >= l ? l : k;
        h = dd || k <= h ? h : k;
    }
    *lo = (size_t)l;
    *hi = (size_t)h;
    *dead = nd;
    return !bad;
}

/* The passes over the counted groups (the dead group first). Returns 0 when the data do
 * not fit the counting path. */
static int sums_by_counting(const mscsim_trial_data *data, const unsigned char *const died[2],
                            rank_sums *r)
{
    uint32_t cnt[COUNT_BINS][2];
    size_t dead[2], lo = COUNT_BINS, hi = 0;
    if (data->arm[0].n >= COUNT_MAX_N || data->arm[1].n >= COUNT_MAX_N)
        return 0;
    /* Real-valued data show at the first value of either arm: skip the table at once
     * (only a shortcut: any value that does not fit is caught below). */
    for (int a = 0; a < 2; a++) {
        double v = data->y[a][0]; /* n >= 1 here */
        if (!(v >= -(double)COUNT_RANGE && v <= (double)COUNT_RANGE && v == (double)(int)v))
            return 0;
    }
    memset(cnt, 0, sizeof cnt);
    for (int a = 0; a < 2; a++)
        if (!count_arm(data->y[a], died[a], data->arm[a].n, a, cnt, &dead[a], &lo, &hi))
            return 0;
    for (int pass = 1; pass <= (needs_pass2(r) ? 2 : 1); pass++) {
        r->below0 = r->below1 = 0.0;
        if (dead[0] + dead[1] > 0)
            add_group(r, pass, (double)dead[0], (double)dead[1]);
        for (size_t k = lo; k <= hi; k++)
            if (cnt[k][0] + cnt[k][1] > 0)
                add_group(r, pass, (double)cnt[k][0], (double)cnt[k][1]);
    }
    return 1;
}

/* The passes over the table path's counts (increasing values: the tie groups). */
static void sums_by_table(const mscsim_count_table *c, rank_sums *r)
{
    for (int pass = 1; pass <= (needs_pass2(r) ? 2 : 1); pass++) {
        r->below0 = r->below1 = 0.0;
        for (int j = 0; j < c->k; j++)
            if (c->count[0][j] + c->count[1][j] > 0.0)
                add_group(r, pass, c->count[0][j], c->count[1][j]);
    }
}

/* ======================================================================================
 * Sorting path: introsort of doubles (no NaN), then a merge of the two sorted arms
 * ====================================================================================== */

static inline void swap(double *a, double *b)
{
    double t = *a;
    *a = *b;
    *b = t;
}

static void insertion_sort(double *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        double v = a[i];
        size_t j = i;
        for (; j > 0 && a[j - 1] > v; j--)
            a[j] = a[j - 1];
        a[j] = v;
    }
}

static void sift_down(double *a, size_t root, size_t n)
{
    double v = a[root];
    for (size_t child; (child = 2 * root + 1) < n; root = child) {
        if (child + 1 < n && a[child + 1] > a[child])
            child++;
        if (!(a[child] > v))
            break;
        a[root] = a[child];
    }
    a[root] = v;
}

static void heap_sort(double *a, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(a, i, n);
    for (size_t end = n; end-- > 1;) {
        swap(&a[0], &a[end]);
        sift_down(a, 0, end);
    }
}

/* Moves the elements of a[0..n) below pivot (or, with or_equal, not above it) to the front
 * and returns their number: Lomuto's scheme with the swap done unconditionally and the
 * comparison added to the index, so no branch depends on the data (Edelkamp & Weiss
 * 2019). On random doubles a branchy Hoare partition mispredicts about half its
 * comparisons; this loop runs about 3x faster at n = 50 (measured). */
static size_t partition(double *a, size_t n, double pivot, int or_equal)
{
    size_t s = 0;
    if (or_equal) {
        for (size_t k = 0; k < n; k++) {
            double v = a[k];
            a[k] = a[s];
            a[s] = v;
            s += !(pivot < v);
        }
    } else {
        for (size_t k = 0; k < n; k++) {
            double v = a[k];
            a[k] = a[s];
            a[s] = v;
            s += v < pivot;
        }
    }
    return s;
}

/* Introsort: quicksort with a median-of-three pivot and the branch-free partition above;
 * recursion only on the smaller part (stack depth <= log2 n); heapsort once depth_limit
 * partitions deep (O(n log n) worst case). Equal keys: when the pivot is the smallest
 * value of its range, nothing is below it, and its copies are split off in one more pass
 * (as pdqsort does), so few distinct values cost O(n log k), not O(n^2). */
static void intro_sort(double *a, size_t n, unsigned depth_limit)
{
    while (n > INSERTION_MAX) {
        if (depth_limit-- == 0) {
            heap_sort(a, n);
            return;
        }
        size_t mid = n / 2;
        if (a[mid] < a[0])
            swap(&a[mid], &a[0]);
        if (a[n - 1] < a[mid]) {
            swap(&a[n - 1], &a[mid]);
            if (a[mid] < a[0])
                swap(&a[mid], &a[0]);
        }
        const double pivot = a[mid];
        swap(&a[mid], &a[n - 1]);
        size_t s = partition(a, n - 1, pivot, 0);
        swap(&a[s], &a[n - 1]); /* a[0 .. s) < pivot = a[s] <= a[s + 1 .. n) */
        if (s == 0) {
            size_t e = partition(a + 1, n - 1, pivot, 1); /* a[1 .. 1 + e) == pivot */
            a += 1 + e;
            n -= 1 + e;
        } else if (s < n - 1 - s) {
            intro_sort(a, s, depth_limit);
            a += s + 1;
            n -= s + 1;
        } else {
            intro_sort(a + s + 1, n - s - 1, depth_limit);
            n = s;
        }
    }
    insertion_sort(a, n);
}

static void sort_doubles(double *a, size_t n)
{
    unsigned depth = 0;
    for (size_t m = n; m > 1; m >>= 1)
        depth += 2; /* 2 floor(log2 n) */
    intro_sort(a, n, depth);
}

/* Copies arm's survivors (all values when died is NULL) to out; returns their number, or
 * SIZE_MAX when a value is NaN. */
static size_t copy_arm(const double *y, const unsigned char *died, size_t n, double *out)
{
    size_t m = 0;
    int nan_seen = 0;
    for (size_t i = 0; i < n; i++) {
        if (died && died[i])
            continue;
        nan_seen |= isnan(y[i]);
        out[m++] = y[i];
    }
    return nan_seen ? SIZE_MAX : m;
}

/* Walks the tie groups of sorted x0[0..m0) and x1[0..m1) in increasing order. */
static void merge_groups(const double *x0, size_t m0, const double *x1, size_t m1, rank_sums *r,
                         int pass)
{
    size_t i = 0, j = 0;
    while (i < m0 || j < m1) {
        double v = (j == m1 || (i < m0 && x0[i] <= x1[j])) ? x0[i] : x1[j];
        size_t i0 = i, j0 = j;
        while (i < m0 && x0[i] == v)
            i++;
        while (j < m1 && x1[j] == v)
            j++;
        add_group(r, pass, (double)(i - i0), (double)(j - j0));
    }
}

/* 1 when sorted x[0..m) holds two equal values. */
static int has_ties(const double *x, size_t m)
{
    int tie = 0;
    for (size_t k = 1; k < m; k++)
        tie |= x[k - 1] == x[k];
    return tie;
}

/* The same walk for survivors without ties, one value per step: every group is a single
 * patient, for which pass1_add / pass2_add reduce to the updates below, weighted by a 0/1
 * factor instead of a branch (a branchy merge of random data mispredicts half its steps).
 * Both arms non-empty, so the clamped loads stay inside. Returns 0, with r unusable, when
 * two values tie: the caller then walks the groups. A tie across the arms shows as equal
 * heads (x0[i] == x1[j]) at the step that reaches it; ties within an arm are found by
 * has_ties beforehand. */
static inline int merge_distinct(const double *x0, size_t m0, const double *x1, size_t m1,
                                 rank_sums *r, int pass)
{
    const double n0 = r->n0, n1 = r->n1, w2 = r->w2;
    double below0 = r->below0, below1 = r->below1;
    double acc_w2 = 0.0, acc10 = 0.0, acc01 = 0.0;
    size_t i = 0, j = 0, tie = 0;
    for (size_t k = 0; k < m0 + m1; k++) {
        size_t in0 = i < m0, in1 = j < m1;
        double a = x0[in0 ? i : m0 - 1], b = x1[in1 ? j : m1 - 1];
        /* Take the control head when it is smaller or the msc arm is exhausted. */
        size_t take0 = in0 & ((size_t)(a < b) | (in1 ^ 1));
        tie |= in0 & in1 & (size_t)(a == b);
        double ctl = (double)take0, msc = 1.0 - ctl;
        double B = 2.0 * below0, D = 2.0 * (n1 - below1); /* a singleton group */
        if (pass == 1) {
            acc_w2 += msc * B;
            acc10 += msc * (B * B);
            acc01 += ctl * (D * D);
        } else {
            double d10 = n1 * B - w2, d01 = n0 * D - w2;
            acc10 += msc * (d10 * d10);
            acc01 += ctl * (d01 * d01);
        }
        below0 += ctl;
        below1 += msc;
        i += take0;
        j += take0 ^ 1;
    }
    if (tie)
        return 0;
    if (pass == 1) {
        r->w2 += acc_w2;
        r->q10 += acc10;
        r->q01 += acc01;
        r->groups += (double)(m0 + m1);
    } else {
        r->s10 += acc10;
        r->s01 += acc01;
    }
    r->below0 = below0;
    r->below1 = below1;
    return 1;
}

/* The passes over sorted survivors x0[0..m0), x1[0..m1), after a group of dead0 + dead1
 * dead patients; fast = 1 walks with merge_distinct. Returns 0 when fast meets a tie. */
static int sorted_passes(const double *x0, size_t m0, const double *x1, size_t m1,
                         double dead0, double dead1, rank_sums *r, int fast)
{
    for (int pass = 1; pass <= (needs_pass2(r) ? 2 : 1); pass++) {
        r->below0 = r->below1 = 0.0;
        if (dead0 + dead1 > 0.0)
            add_group(r, pass, dead0, dead1);
        if (!fast)
            merge_groups(x0, m0, x1, m1, r, pass);
        else if (!(pass == 1 ? merge_distinct(x0, m0, x1, m1, r, 1) /* constant passes: */
                             : merge_distinct(x0, m0, x1, m1, r, 2))) /* specialised inline */
            return 0;
    }
    return 1;
}

/* The passes by sorting copies in data->scratch. Returns 0 on NaN or missing scratch. */
static int sums_by_sorting(const mscsim_trial_data *data, const unsigned char *const died[2],
                           rank_sums *r)
{
    if (!data->scratch)
        return 0;
    double *x0 = data->scratch;
    size_t m0 = copy_arm(data->y[0], died[0], data->arm[0].n, x0);
    if (m0 == SIZE_MAX)
        return 0;
    double *x1 = x0 + m0;
    size_t m1 = copy_arm(data->y[1], died[1], data->arm[1].n, x1);
    if (m1 == SIZE_MAX)
        return 0;
    double dead0 = (double)(data->arm[0].n - m0), dead1 = (double)(data->arm[1].n - m1);
    sort_doubles(x0, m0);
    sort_doubles(x1, m1);
    /* Real-valued data rarely tie: try the branch-free walk first. */
    const rank_sums start = *r;
    if (m0 > 0 && m1 > 0 && !has_ties(x0, m0) && !has_ties(x1, m1) &&
        sorted_passes(x0, m0, x1, m1, dead0, dead1, r, 1))
        return 1;
    *r = start;
    return sorted_passes(x0, m0, x1, m1, dead0, dead1, r, 0);
}

/* ======================================================================================
 * The analysis
 * ====================================================================================== */

void sim_analysis_rank_sum(const mscsim_trial_data *data, int worst_rank,
                              const mscsim_analysis_settings *settings,
                              mscsim_analysis_result *result)
{
    const size_t n0 = data->arm[MSCSIM_ARM_CONTROL].n, n1 = data->arm[MSCSIM_ARM_MSC].n;
    if (n0 == 0 || n1 == 0) {
        sim_analysis_fail(result);
        return;
    }
    const unsigned char *const died[2] = {worst_rank ? data->died[0] : NULL,
                                          worst_rank ? data->died[1] : NULL};
    rank_sums r = {.n0 = (double)n0, .n1 = (double)n1};
    if (data->table && !worst_rank)
        sums_by_table(data->table, &r);
    else if (!sums_by_counting(data, died, &r)) { /* It leaves r untouched when it declines. */
        if (!sums_by_sorting(data, died, &r)) {
            sim_analysis_fail(result);
            return;
        }
    }
    if (r.groups < 2.0) { /* all tied: sigma = 0 */
        sim_analysis_fail(result);
        return;
    }

    const double nx = r.n1, ny = r.n0, nn = nx * ny, N = nx + ny;
    /* The operations of wilcox.test.R, in its order, so z agrees to an ulp or two. */
    const double u = 0.5 * r.w2 - nx * ny / 2.0; /* exact: W - n1 n0 / 2 */
    const double sigma = sqrt((nx * ny / 12.0) * ((N + 1.0) - r.ties / (N * (N - 1.0))));
    if (!(sigma > 0.0)) {
        sim_analysis_fail(result);
        return;
    }
    double correction = 0.5;
    if (settings->sides == 2)
        correction = u > 0.0 ? 0.5 : (u < 0.0 ? -0.5 : 0.0);
    const double z = (u - correction) / sigma;

    result->estimate = u / nn;
    if (!needs_pass2(&r))
        moments_to_deviations(&r);
    if (n0 >= 2 && n1 >= 2) {
        const double scale = 2.0 * nn;
        result->se = sqrt((r.s10 / (nx - 1.0) / nx + r.s01 / (ny - 1.0) / ny) / (scale * scale));
    } else {
        result->se = sigma / nn;
    }
    sim_analysis_t_finish(settings, z, INFINITY, result);
}

static void analyze(const mscsim_trial_data *data, const mscsim_analysis_settings *settings,
                    mscsim_analysis_result *result)
{
    sim_analysis_rank_sum(data, 0, settings, result);
}

const mscsim_analysis_type sim_analysis_wilcoxon = {
    .name = "wilcoxon",
    .description = "Wilcoxon-Mann-Whitney rank-sum test, normal approximation with continuity "
                   "correction (wilcox.test); estimate P(msc better) + P(tie)/2 - 1/2",
    .outcomes = MSCSIM_OUTCOME_CONTINUOUS | MSCSIM_OUTCOME_ORDINAL | MSCSIM_OUTCOME_BINARY,
    .uses_baseline = 0,
    .estimand = MSCSIM_ESTIMAND_SUPERIORITY,
    .analyze = analyze,
    .sufficient = MSCSIM_SUFFICIENT_COUNTS,
};
