/*
 * The table path for nested trials: summaries that are prefixes of one another.
 *
 * The sample-size search simulates trial r of every candidate n from one stream so that a
 * smaller trial is the first patients of a larger one, and its estimated power is monotone
 * in n trial by trial. sim_shortcut_trial draws each n's table afresh; here the tables of
 * all n come from one tree, so they nest exactly.
 *
 * THE TREE. An arm's patient positions 0, 1, 2, ... are cut into the spine blocks
 * B_0 = {0} and B_j = [2^(j-1), 2^j) for j >= 1, each the root of a binary tree of dyadic
 * nodes [lo, lo + 2^l). A node's table is the counts of its patients in the categories
 *   counts path: the k analysed categories, the dropped out (alive), the dropped out dead
 *     (with the mRS's death category: the deaths diagnostic counts them);
 *   normal path: analysed, dropped out; and the analysed patients' sum and sum of squared
 *     deviations from their mean.
 * Patients are independent and identically distributed within an arm, so disjoint blocks
 * are independent: a spine block's table is drawn from the full law at its size, as
 * sim_shortcut_trial draws an arm (MCAR analysed count, conditional binomials; normal mean
 * and chi-square), and a node's table is split into its halves' by the exact conditional
 * law given the node's table:
 *   - the counts: multivariate hypergeometric (the left half holds half of the node's
 *     patient positions, drawn without replacement from its categories);
 *   - normal, given the node's m analysed (m1 left, m2 right, both > 0), sum S and sum of
 *     squares Q: in an orthonormal basis of the deviations from the node's mean, one
 *     coordinate for the contrast of the halves' means and m1 - 1, m2 - 1 within each
 *     half, the coordinates are iid N(0, sd^2), so with Z ~ N(0, 1), C1 ~ chi^2(m1 - 1),
 *     C2 ~ chi^2(m2 - 1) independent and T = Z^2 + C1 + C2, given (S, Q)
 *       Q1 = Q C1 / T,   Q2 = Q C2 / T,   mean1 - mean2 = Z sqrt(Q m / (m1 m2 T))
 *     (the direction on the sphere of radius sqrt(Q) is uniform, independent of S, and
 *     Q = Q1 + Q2 + m1 m2 / m (mean1 - mean2)^2 holds exactly); mean1 = S/m + (mean1 -
 *     mean2) m2 / m. Given its own table, a half's inner split is independent of the rest:
 *     the table is sufficient. With m1 or m2 = 0 the other half takes (S, Q); with 1,
 *     its C is 0 (chi^2(0)).
 * The first n positions are the spine blocks below the largest power of two <= n, then the
 * left halves passed on the way down the next block to n: O(log n) nodes, whose tables are
 * summed (counts) or pooled (normal: Chan's update). Every node draws from its own
 * substream of the trial's stream, keyed by (arm, node), so a node's table is the same
 * whichever n asks: the trial at n is exactly a prefix of the trial at n' > n. Exact in
 * law (same as sim_shortcut_trial), and the draws depend only on (seed, trial): the same
 * bits whatever the thread count.
 */
#include "shortcut_nested.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "mscsim/dist.h"
#include "trial_impl.h"

/* A node's categories: the k analysed, the dropped out alive, the dropped out dead. */
#define NODE_CATS (MSCSIM_TABLE_MAX + 2)

typedef struct {
    long c[NODE_CATS];
    double sum, ss; /* normal path: the analysed patients' (c[0]) sum and squares */
} node;

/* What an arm's nodes follow: the table path, the arm whose parameters the patients
 * follow, the node's category count. */
typedef struct {
    const sim_shortcut *s;
    int as;
    int cats;
    int normal;
} arm_law;

/* The stream of arm a's node [lo, lo + 2^level): lo >> level is 0 or 1 for the spine
 * blocks and at least 2 inside them, so no two nodes share a key. */
static mscsim_rng node_stream(const mscsim_rng *trial, int a, long lo, int level)
{
    uint64_t key = ((((uint64_t)lo >> level) << 6 | (uint64_t)level) << 1) | (uint64_t)a;
    return mscsim_rng_substream(trial, key);
}

/* A spine block of size patients from the full law (as sim_shortcut_trial an arm of that
 * size: the alias tables serve every block of up to SIM_SHORTCUT_TABLE_MAX, whatever the
 * run's sizes, so a block draws the same in every run). */
static void draw_block(const arm_law *L, long size, mscsim_rng *rng, node *x)
{
    const sim_shortcut *s = L->s;
    int a = L->as;
    memset(x, 0, sizeof *x);
    double keep = s->observed[a];
    long m = keep < 1.0 ? sim_shortcut_binom(s, size, a, 0, size, keep, rng) : size;
    if (L->normal) {
        x->c[0] = m;
        x->c[1] = size - m;
        if (m > 0) {
            double sd = s->sd[a];
            x->sum = (s->mean[a] + sd / sqrt((double)m) * mscsim_rnorm_std(rng)) * (double)m;
            x->ss = m > 1 ? sd * sd * mscsim_rchisq(rng, (double)(m - 1)) : 0.0;
        }
        return;
    }
    long left = m, dropped = size - m;
    for (int j = 0; j + 1 < s->k && left > 0; j++) {
        x->c[j] = sim_shortcut_binom(s, size, a, 1 + j, left, s->cond[a][j], rng);
        left -= x->c[j];
    }
    x->c[s->k - 1] += left;
    if (s->death_cat >= 0 && dropped > 0) {
        x->c[s->k + 1] = sim_shortcut_binom(s, size, a, s->k, dropped, s->dead[a], rng);
        dropped -= x->c[s->k + 1];
    }
    x->c[s->k] = dropped;
}

/* x's halves of half patients each, by the conditional law given x. */
static void split(const arm_law *L, long half, mscsim_rng *rng, const node *x, node *left,
                  node *right)
{
    memset(left, 0, sizeof *left);
    memset(right, 0, sizeof *right);
    mscsim_rmvhyper(rng, x->c, L->cats, half, left->c);
    for (int j = 0; j < L->cats; j++)
        right->c[j] = x->c[j] - left->c[j];
    if (!L->normal)
        return;
    long m1 = left->c[0], m2 = right->c[0];
    if (m1 == 0 || m2 == 0) {
        node *all = m1 ? left : right;
        all->sum = x->sum;
        all->ss = x->ss;
        return;
    }
    double m = (double)(m1 + m2);
    double z = mscsim_rnorm_std(rng);
    double c1 = m1 > 1 ? mscsim_rchisq(rng, (double)(m1 - 1)) : 0.0;
    double c2 = m2 > 1 ? mscsim_rchisq(rng, (double)(m2 - 1)) : 0.0;
    double t = z * z + c1 + c2;
    /* t = 0 (z = 0 with m1 = m2 = 1) has probability 0; it leaves the means equal. */
    double diff = t > 0 ? z * sqrt(x->ss * m / ((double)m1 * (double)m2 * t)) : 0.0;
    left->sum = (x->sum / m + diff * (double)m2 / m) * (double)m1;
    right->sum = x->sum - left->sum;
    left->ss = t > 0 ? x->ss * (c1 / t) : 0.0;
    right->ss = t > 0 ? x->ss * (c2 / t) : 0.0;
}

/* acc += x: counts add; normal sums of squares pool (Chan, Golub and LeVeque 1979). */
static void add(const arm_law *L, node *acc, const node *x)
{
    if (L->normal) {
        long ma = acc->c[0], mb = x->c[0];
        double between = 0.0;
        if (ma > 0 && mb > 0) {
            double d = acc->sum / (double)ma - x->sum / (double)mb;
            between = d * d * (double)ma * (double)mb / (double)(ma + mb);
        }
        acc->ss += x->ss + between;
        acc->sum += x->sum;
    }
    for (int j = 0; j < L->cats; j++)
        acc->c[j] += x->c[j];
}

/* The table of arm a's first n positions. */
static void arm_prefix(const arm_law *L, const mscsim_rng *trial, int a, long n, node *acc)
{
    memset(acc, 0, sizeof *acc);
    long lo = 0, size = 1;
    int level = 0;
    while (lo < n) {
        mscsim_rng rng = node_stream(trial, a, lo, level);
        node x;
        draw_block(L, size, &rng, &x);
        long rest = n - lo;
        if (rest >= size) {
            add(L, acc, &x);
        } else {
            /* Down the block towards n: the left halves below n join, the path goes on
             * into the half holding position n - 1... until the rest is a whole node. */
            long at = lo, width = size;
            int l = level;
            while (rest > 0) {
                if (rest == width) {
                    add(L, acc, &x);
                    break;
                }
                long half = width / 2;
                node left, right;
                split(L, half, &rng, &x, &left, &right);
                l--;
                if (rest >= half) {
                    add(L, acc, &left);
                    rest -= half;
                    at += half;
                    x = right;
                } else {
                    x = left;
                }
                width = half;
                if (rest > 0)
                    rng = node_stream(trial, a, at, l);
            }
        }
        if (lo > 0) { /* B_j, j >= 1, has 2^(j-1) positions: the next has twice as many */
            size *= 2;
            level++;
        }
        lo += lo > 0 ? size / 2 : 1;
    }
}

void sim_shortcut_nested_trial(const sim_shortcut *s, const mscsim_design *d,
                               const mscsim_rng *rng, const size_t n[MSCSIM_ARM_COUNT],
                               mscsim_count_table *table, mscsim_trial_data *data,
                               mscsim_trial_diag *diag)
{
    memset(diag, 0, sizeof *diag);
    memset(data, 0, sizeof *data);
    diag->recovery_slope = (double)NAN;
    int counts = s->path == MSCSIM_PATH_COUNTS;
    if (counts)
        *table = s->values;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        arm_law L = {s, d->cfg.null_effect ? MSCSIM_ARM_CONTROL : a,
                     counts ? s->k + 1 + (s->death_cat >= 0) : 2, !counts};
        node x;
        arm_prefix(&L, rng, a, (long)n[a], &x);
        long m = 0;
        for (int j = 0; j < (counts ? s->k : 1); j++)
            m += x.c[j];
        diag->n_randomised[a] = n[a];
        diag->n_analysed[a] = (size_t)m;
        diag->missing[a] = n[a] - (size_t)m;
        diag->scored += (size_t)m;
        mscsim_arm_stats *st = &data->arm[a];
        if (!counts) {
            st->n = (size_t)m;
            if (m > 0) {
                st->sum_y = x.sum;
                st->mean_y = x.sum / (double)m;
                st->ss_y = x.ss;
            }
            continue;
        }
        for (int j = 0; j < s->k; j++)
            table->count[a][s->slot[j]] += (double)x.c[j];
        if (s->floor_cat >= 0)
            diag->at_floor += (size_t)x.c[s->floor_cat];
        if (s->ceiling_cat >= 0)
            diag->at_ceiling += (size_t)x.c[s->ceiling_cat];
        if (s->death_cat >= 0)
            diag->deaths += (size_t)(x.c[s->death_cat] + x.c[s->k + 1]);
        sim_shortcut_table_stats(table, a, st);
    }
    if (counts)
        data->table = table;
}
