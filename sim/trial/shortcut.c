/*
 * The table path: draw what the analyses read, not the patients, where that is exact.
 *
 * RULE (sim_shortcut_prepare; README "Table path"). A trial's patients are independent
 * and, within an arm, identically distributed; when every analysis of the design is a
 * function of per-arm summaries (mscsim_analysis_type sufficient) and nothing between
 * the model and the analysis looks at a patient, the summaries have an exact law:
 *   - [simulation] shortcut = auto (no forces the patient path), no [prior], no [interim] looks, [decision] rule = test, fixed arm sizes ([trial]
 *     randomisation = fixed);
 *   - no analysis adjusted for the baseline or [analysis] covariates (ancova, an adjusted
 *     po);
 *   - dropout missing completely at random (or none), no deaths drawn by the pipeline
 *     ([arm] mortality = 0; the mRS's own deaths are a category), missing =
 *     complete_case, no sliding dichotomy, no recovery-slope diagnostic;
 *   - counts path: the model's primary score takes at most MSCSIM_TABLE_MAX values with
 *     the same probabilities for every patient of an arm (its categories hook: ordinal
 *     and binary without effect_slope), no baseline score, and every analysis reads only
 *     the count table (po, po_lr, wilcoxon) or the arm statistics (student, welch, chisq,
 *     fisher, rd_z);
 *   - normal path: the model's endpoint is exactly normal per arm (its analytic outcome:
 *     the normal model's change, no [outcome] scale, effect_slope = 0) and every analysis
 *     reads only the arm statistics (student, welch).
 * Anything else takes the patient path (pipeline.c).
 *
 * DRAWS (from the trial's own generator, arm by arm, control first: byte-identical
 * whatever the thread count). Per arm of n randomized patients, with the arm whose
 * parameters the patients follow (control for both under null_effect, as pipeline.c):
 *   - the analysed count m ~ Bin(n, 1 - dropout): MCAR dropout is one Bernoulli per
 *     patient independent of the score, and with several visits the primary score is
 *     missing exactly when the patient drops out at or before it;
 *   - counts: the multinomial (m; p_1..p_k) by conditional binomials, c_j ~ Bin(m - c_1 -
 *     ... - c_{j-1}, p_j / (p_j + ... + p_k)), the last category taking the rest; each
 *     category's endpoint is the pipeline's own (sim_trial_endpoints) on its score, equal
 *     endpoints merged into one value; the arm statistics are those of the table. The
 *     deaths diagnostic adds Bin(n - m, P(dead)) for the patients who dropped out;
 *   - normal: mean ~ N(mu, sd^2 / m) and sum of squares ~ sd^2 chi^2(m - 1), independent
 *     (Cochran's theorem); sum = m mean.
 * Exact in law; not the patient path's numbers, which draw from other streams.
 *
 * NESTED TRIALS. The sample-size search simulates trial r of every n from one stream so
 * that smaller trials are prefixes of larger ones; independent tables per n would lose
 * that (and the search's monotone power), so nested trials draw the same summaries over a
 * binary tree of patient blocks instead (shortcut_nested.c).
 */
#include "shortcut.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytic_impl.h"
#include "internal.h"
#include "mscsim/analysis.h"
#include "mscsim/dist.h"
#include "trial_impl.h"

static mscsim_trial_path patients(char *why, size_t len, const char *fmt, ...)
{
    if (why && len > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, len, fmt, ap);
        va_end(ap);
    }
    return MSCSIM_PATH_PATIENTS;
}

/* The first analysis of cfg whose result is not a function of the `need` summaries, or
 * NULL. */
static const char *insufficient_analysis(const mscsim_config *cfg, unsigned need)
{
    const char *names[MSCSIM_MAX_ANALYSES];
    int count = mscsim_config_analyses(cfg, names);
    for (int k = 0; k < count; k++) {
        const mscsim_analysis_type *t = mscsim_analysis_find(names[k]);
        if (!t || !(t->sufficient & need))
            return names[k];
    }
    return NULL;
}

/* The design-level conditions shared by both paths; NULL when they hold. */
static const char *design_obstacle(const mscsim_design *d)
{
    const mscsim_config *c = &d->cfg;
    if (!c->shortcut)
        return "[simulation] shortcut = no";
    if (c->prior_count > 0)
        return "[prior] draws the design's parameters per trial";
    if (c->look_count > 0)
        return "[interim] looks analyse the first patients of each trial";
    if (c->decision_rule != MSCSIM_DECISION_TEST)
        return "[decision] rule = posterior";
    if (d->randomised)
        return "[trial] randomisation draws each trial's arm sizes";
    if (c->missing != MSCSIM_MISSING_COMPLETE_CASE)
        return "[analysis] missing fills or imputes the missing scores";
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        if (c->arm[a].dropout > 0 && c->dropout_mechanism != MSCSIM_DROPOUT_MCAR)
            return "dropout depends on the patients' scores ([dropout] mechanism)";
        if (c->arm[a].mortality > 0)
            return "[control]/[msc] mortality draws deaths patient by patient";
    }
    if (d->fill_x)
        return "an analysis adjusts for the baseline or [analysis] covariates, which the "
               "table does not hold";
    if (c->sliding_count > 0)
        return "the sliding dichotomy's threshold depends on each patient's NIHSS";
    if (d->slope_diagnostic)
        return "the recovery-slope diagnostic reads every patient";
    return NULL;
}

/* Sorts the distinct endpoint values of the k categories into s->values and maps each
 * category to its value. */
static void set_values(sim_shortcut *s, const double *y, int k)
{
    mscsim_count_table *t = &s->values;
    memset(t, 0, sizeof *t);
    for (int j = 0; j < k; j++) {
        int at = 0;
        while (at < t->k && t->value[at] < y[j])
            at++;
        if (at < t->k && t->value[at] == y[j])
            continue;
        memmove(t->value + at + 1, t->value + at, (size_t)(t->k - at) * sizeof t->value[0]);
        t->value[at] = y[j];
        t->k++;
    }
    for (int j = 0; j < k; j++) {
        int at = 0;
        while (t->value[at] != y[j])
            at++;
        s->slot[j] = at;
    }
}

static mscsim_trial_path prepare_counts(const mscsim_design *d, sim_shortcut *s, int k,
                                        double prob[MSCSIM_ARM_COUNT][MSCSIM_TABLE_MAX],
                                        double *score, char *why, size_t len)
{
    const char *name = insufficient_analysis(&d->cfg, MSCSIM_SUFFICIENT_COUNTS);
    if (name)
        return patients(why, len, "analysis %s reads the patients, not the table", name);
    if (d->model->has_baseline_score)
        return patients(why, len, "the endpoint depends on each patient's baseline score");
    const mscsim_scale *sc = &d->scale;
    int bounded = mscsim_scale_bounded(sc);
    s->k = k;
    s->floor_cat = s->ceiling_cat = s->death_cat = -1;
    for (int j = 0; j < k; j++) {
        if (bounded)
            score[j] = mscsim_scale_apply(sc, score[j]);
        if (bounded && score[j] == sc->min)
            s->floor_cat = j;
        if (bounded && score[j] == sc->max)
            s->ceiling_cat = j;
        if (d->ordinal_deaths && score[j] == sc->max)
            s->death_cat = j;
    }
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        double tail = 0;
        for (int j = k - 1; j >= 0; j--) {
            tail += prob[a][j];
            s->cond[a][j] = tail > 0 ? fmin(prob[a][j] / tail, 1.0) : 0.0;
        }
        s->dead[a] = s->death_cat >= 0 ? fmin(prob[a][s->death_cat] / tail, 1.0) : 0.0;
    }
    /* The pipeline's endpoint of each category's score (no baseline: b.x is not read). */
    double y[MSCSIM_TABLE_MAX], x[MSCSIM_TABLE_MAX];
    memcpy(y, score, (size_t)k * sizeof y[0]);
    sim_arm_buffers b;
    memset(&b, 0, sizeof b);
    b.y = y;
    b.x = x;
    b.n = (size_t)k;
    sim_trial_endpoints(d, &b, (size_t)k, 1);
    set_values(s, y, k);
    if (why && len > 0)
        snprintf(why, len, "table path: per arm the analysed count (binomial) and its %d x %d "
                 "table of endpoints (conditional binomials)", MSCSIM_ARM_COUNT, s->values.k);
    return s->path = MSCSIM_PATH_COUNTS;
}

static mscsim_trial_path prepare_normal(const mscsim_design *d, sim_shortcut *s, char *why,
                                        size_t len)
{
    const mscsim_config *c = &d->cfg;
    mscsim_analytic_outcome o;
    memset(&o, 0, sizeof o);
    if (!d->model->analytic || !d->model->analytic(d->params, c, &o, NULL, 0) ||
        o.kind != SIM_ANALYTIC_NORMAL || o.final || o.not_normal ||
        c->arm[MSCSIM_ARM_MSC].effect_slope != 0.0 || mscsim_scale_bounded(&d->scale))
        return patients(why, len, "the model's endpoint has no table form under this config "
                        "(it is neither a few categories nor exactly normal per arm)");
    const char *name = insufficient_analysis(c, MSCSIM_SUFFICIENT_STATS);
    if (name)
        return patients(why, len, "analysis %s reads the patients, not the arm statistics",
                        name);
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        s->mean[a] = d->orientation * o.mean[a];
        s->sd[a] = o.sd[a];
    }
    if (why && len > 0)
        snprintf(why, len, "table path: per arm the analysed count (binomial), the mean "
                 "(normal) and the sum of squares (chi-square)");
    return s->path = MSCSIM_PATH_NORMAL;
}

mscsim_trial_path sim_shortcut_prepare(const mscsim_design *d, int nested, sim_shortcut *s,
                                       char *why, size_t len)
{
    memset(s, 0, sizeof *s);
    s->path = MSCSIM_PATH_PATIENTS;
    const char *obstacle = design_obstacle(d);
    if (obstacle)
        return patients(why, len, "patient path: %s", obstacle);
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
        s->observed[a] = 1.0 - d->cfg.arm[a].dropout;
    double score[MSCSIM_TABLE_MAX], prob[MSCSIM_ARM_COUNT][MSCSIM_TABLE_MAX];
    int k = d->model->categories ? d->model->categories(d->params, &d->cfg, score, prob) : 0;
    char reason[200];
    mscsim_trial_path path = k > 0 ? prepare_counts(d, s, k, prob, score, reason, sizeof reason)
                                   : prepare_normal(d, s, reason, sizeof reason);
    if (path == MSCSIM_PATH_PATIENTS) {
        s->path = path;
        return patients(why, len, "patient path: %s", reason);
    }
    if (why && len > 0) /* nested: shortcut_nested.c */
        snprintf(why, len, "%s%s", reason, nested ? ", nested: drawn top-down over a binary "
                 "tree of patient blocks, so smaller trials are prefixes of larger ones" : "");
    return path;
}

SIM_API mscsim_trial_path mscsim_design_shortcut(const mscsim_design *d, int nested, char *why,
                                                 size_t why_len)
{
    sim_shortcut s;
    return sim_shortcut_prepare(d, nested, &s, why, why_len);
}

/* ---- binomial families: alias tables of Bin(m, p) for m = 0..n ----------------------
 * Every binomial of a trial has an m of at most the arm's size and one of a few fixed p,
 * so for arms of up to SIM_SHORTCUT_TABLE_MAX patients each (m, p) gets a Walker alias
 * table (Vose's set-up) built once per engine: a draw is then one 64-bit number, as
 * alias_draw in sim/models/ordinal.c, whatever m and p. The probabilities are
 * exp(log m! - log k! - log (m - k)! + k log p + (m - k) log q), exact to rounding. */

static size_t triangle(size_t m)
{
    return m * (m + 1) / 2;
}

/* Bits of a packed entry's alias (columns up to SIM_SHORTCUT_TABLE_MAX + 1). */
#define ALIAS_BITS 9
_Static_assert(SIM_SHORTCUT_TABLE_MAX < (1 << ALIAS_BITS), "alias bits");

/* The alias table of the k = m + 1 probabilities prob (summing to 1 within rounding),
 * packed into entry; work has room for 2 k ints, threshold and alias for k each. */
static void alias_build(const double *prob, size_t k, uint64_t *entry, double *threshold,
                        uint32_t *alias, uint32_t *work)
{
    double total = 0;
    for (size_t i = 0; i < k; i++)
        total += prob[i];
    uint32_t *small = work, *large = work + k;
    size_t ns = 0, nl = 0;
    for (size_t i = 0; i < k; i++) {
        threshold[i] = prob[i] / total * (double)k;
        alias[i] = (uint32_t)i;
        if (threshold[i] < 1.0)
            small[ns++] = (uint32_t)i;
        else
            large[nl++] = (uint32_t)i;
    }
    while (ns > 0 && nl > 0) {
        uint32_t s = small[--ns], l = large[nl - 1];
        alias[s] = l;
        threshold[l] -= 1.0 - threshold[s];
        if (threshold[l] < 1.0) {
            nl--;
            small[ns++] = l;
        }
    }
    /* What rounding leaves on either list keeps its own column. */
    while (nl > 0)
        threshold[large[--nl]] = 1.0;
    while (ns > 0)
        threshold[small[--ns]] = 1.0;
    /* frac < t for a fraction j 2^-53 is j < ceil(t 2^53): exact, and t <= 1 needs 54 bits. */
    for (size_t i = 0; i < k; i++)
        entry[i] = (uint64_t)ceil(fmin(threshold[i], 1.0) * 0x1.0p53) << ALIAS_BITS | alias[i];
}

static void family_build(sim_binom_family *f, double p, size_t n, const double *log_fact,
                         double *prob, double *threshold, uint32_t *alias, uint32_t *work)
{
    double lp = log(p), lq = log1p(-p);
    for (size_t m = 0; m <= n; m++) {
        for (size_t k = 0; k <= m; k++) {
            if (p <= 0.0 || p >= 1.0)
                prob[k] = k == (p <= 0.0 ? 0 : m);
            else
                prob[k] = exp(log_fact[m] - log_fact[k] - log_fact[m - k] + (double)k * lp +
                              (double)(m - k) * lq);
        }
        alias_build(prob, m + 1, f->entry + triangle(m), threshold, alias, work);
    }
}

/* Bin(m, p) from p's family (m within it): column floor(u (m + 1)) of the 53-bit u, kept
 * when the fraction is below its threshold. */
static inline long family_draw(const sim_binom_family *f, long m, mscsim_rng *rng)
{
    uint64_t x = mscsim_rng_next_u53(rng) * (uint64_t)(m + 1);
    size_t column = (size_t)(x >> 53);
    uint64_t e = f->entry[triangle((size_t)m) + column];
    uint64_t frac = x & ((UINT64_C(1) << 53) - 1u);
    return frac < e >> ALIAS_BITS ? (long)column : (long)(e & ((1u << ALIAS_BITS) - 1u));
}

void sim_shortcut_free(sim_shortcut *s)
{
    free(s->table_memory);
    free(s->normal_memory);
    s->table_memory = s->normal_memory = NULL;
    s->table_n = 0;
}

/* The normal path's per-m constants, computed as the draw computes them (same values):
 * a square root and two divisions per arm and trial fewer. */
static int normal_fit(sim_shortcut *s, size_t n)
{
    /* calloc: ss_gamma below m = 3 stays zero (those draw by mscsim_rchisq) */
    double *mem = calloc(n + 1, MSCSIM_ARM_COUNT * sizeof *mem + sizeof *s->ss_gamma);
    if (!mem)
        return MSCSIM_ENOMEM;
    s->normal_memory = mem;
    s->ss_gamma = (mscsim_gamma_setup *)(mem + MSCSIM_ARM_COUNT * (n + 1));
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        s->mean_sd[a] = mem + (size_t)a * (n + 1);
        for (size_t m = 0; m <= n; m++)
            s->mean_sd[a][m] = s->sd[a] / sqrt((double)m);
    }
    for (size_t m = 3; m <= n; m++)
        mscsim_gamma_setup_init(&s->ss_gamma[m], 0.5 * (double)(m - 1));
    return MSCSIM_OK;
}

int sim_shortcut_fit(sim_shortcut *s, size_t n)
{
    /* Whether a draw uses the tables depends on its arm's size alone (a trial is the same
     * whatever other sizes the run has), so every arm up to the limit needs them. */
    if (n > SIM_SHORTCUT_TABLE_MAX)
        n = SIM_SHORTCUT_TABLE_MAX;
    if (s->path == MSCSIM_PATH_PATIENTS || n <= s->table_n)
        return MSCSIM_OK;
    sim_shortcut_free(s);
    /* The count, k - 1 categories, the dead. */
    int families = s->path == MSCSIM_PATH_COUNTS ? s->k + (s->death_cat >= 0) : 1;
    size_t entries = triangle(n + 1), count = (size_t)(MSCSIM_ARM_COUNT * families);
    uint64_t *mem = malloc(count * entries * sizeof *mem);
    double *log_fact = malloc((n + 1) * sizeof *log_fact);
    double *prob = malloc(2 * (n + 1) * sizeof *prob), *threshold = prob + n + 1;
    uint32_t *work = malloc(3 * (n + 1) * sizeof *work), *alias = work + 2 * (n + 1);
    int status = mem && log_fact && prob && work ? MSCSIM_OK : MSCSIM_ENOMEM;
    if (!status) {
        log_fact[0] = 0;
        for (size_t m = 1; m <= n; m++)
            log_fact[m] = log_fact[m - 1] + log((double)m);
        for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
            for (int f = 0; f < families; f++) {
                sim_binom_family *fam = &s->family[a][f];
                fam->entry = mem + (size_t)(a * families + f) * entries;
                double p = f == 0 ? s->observed[a] : f < s->k ? s->cond[a][f - 1] : s->dead[a];
                family_build(fam, p, n, log_fact, prob, threshold, alias, work);
            }
        s->table_memory = mem;
        mem = NULL;
        if (s->path == MSCSIM_PATH_NORMAL)
            status = normal_fit(s, n);
        if (!status)
            s->table_n = n;
        else
            sim_shortcut_free(s);
    }
    free(mem);
    free(log_fact);
    free(prob);
    free(work);
    return status;
}

/* Bin(m, p) of arm a's family f: from its table in an arm of at most
 * SIM_SHORTCUT_TABLE_MAX patients (tabled: sim_shortcut_fit has made it), else by rbinom. */
static inline long binom(const sim_shortcut *s, int tabled, int a, int f, long m, double p,
                         mscsim_rng *rng)
{
    return tabled ? family_draw(&s->family[a][f], m, rng) : mscsim_rbinom(rng, m, p);
}

long sim_shortcut_binom(const sim_shortcut *s, long size, int a, int f, long m, double p,
                        mscsim_rng *rng)
{
    return binom(s, size <= SIM_SHORTCUT_TABLE_MAX, a, f, m, p, rng);
}

/* Arm statistics of a count table's column a, in two passes as mscsim_arm_stats_compute. */
void sim_shortcut_table_stats(const mscsim_count_table *t, int a, mscsim_arm_stats *st)
{
    memset(st, 0, sizeof *st);
    double n = 0, sum = 0;
    for (int j = 0; j < t->k; j++) {
        n += t->count[a][j];
        sum += t->count[a][j] * t->value[j];
    }
    st->n = (size_t)n;
    if (n == 0)
        return;
    double mean = sum / n, ss = 0;
    for (int j = 0; j < t->k; j++) {
        double dv = t->value[j] - mean;
        ss += t->count[a][j] * dv * dv;
    }
    st->sum_y = sum;
    st->mean_y = mean;
    st->ss_y = ss;
}

/* Chain q is arm q % MSCSIM_ARM_COUNT of lane (trial) q / MSCSIM_ARM_COUNT. */
#define CHAINS (SIM_SHORTCUT_LANES * MSCSIM_ARM_COUNT)

/* The tables of the chains' lanes, category by category in lockstep over the chains: their
 * draws are independent, so one chain's table loads overlap the others'. Each lane draws
 * from its own generator in the order of a trial alone (for each category control, then
 * msc; then the dead among the dropped out, control, then msc). */
static void counts_trials(const sim_shortcut *s, int chains, const int as[MSCSIM_ARM_COUNT],
                          const long n[MSCSIM_ARM_COUNT], const long m[CHAINS],
                          mscsim_rng *rng, mscsim_count_table *t, mscsim_trial_diag *const *diag)
{
    int tabled[MSCSIM_ARM_COUNT];
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
        tabled[a] = n[a] <= SIM_SHORTCUT_TABLE_MAX;
    long left[CHAINS], c[CHAINS][MSCSIM_TABLE_MAX];
    for (int q = 0; q < chains; q++)
        left[q] = m[q];
    for (int j = 0; j + 1 < s->k; j++)
        for (int q = 0; q < chains; q++) {
            int a = q % MSCSIM_ARM_COUNT;
            if (left[q] == 0) {
                c[q][j] = 0;
                continue;
            }
            c[q][j] = binom(s, tabled[a], as[a], 1 + j, left[q], s->cond[as[a]][j],
                            &rng[q / MSCSIM_ARM_COUNT]);
            left[q] -= c[q][j];
        }
    for (int q = 0; q < chains; q++) {
        int a = q % MSCSIM_ARM_COUNT, l = q / MSCSIM_ARM_COUNT;
        c[q][s->k - 1] = left[q];
        for (int j = 0; j < s->k; j++)
            t[l].count[a][s->slot[j]] += (double)c[q][j];
        if (s->floor_cat >= 0)
            diag[l]->at_floor += (size_t)c[q][s->floor_cat];
        if (s->ceiling_cat >= 0)
            diag[l]->at_ceiling += (size_t)c[q][s->ceiling_cat];
        if (s->death_cat >= 0) /* and the dead among the dropped out */
            diag[l]->deaths += (size_t)(c[q][s->death_cat] +
                                        (n[a] > m[q] ? binom(s, tabled[a], as[a], s->k,
                                                             n[a] - m[q], s->dead[as[a]],
                                                             &rng[l])
                                                     : 0));
    }
}

/* The normal path's arm statistics of the lanes, each lane in its own order (control's
 * mean and sum of squares, then msc's), lane by lane within an arm. */
static void normal_trials(const sim_shortcut *s, int lanes, const int as[MSCSIM_ARM_COUNT],
                          const long n[MSCSIM_ARM_COUNT], const long m[CHAINS],
                          mscsim_rng *rng, mscsim_trial_data *data)
{
    for (int q = 0; q < lanes * MSCSIM_ARM_COUNT; q++) {
        int a = q / lanes, l = q % lanes;
        mscsim_rng *r = &rng[l];
        mscsim_arm_stats *st = &data[l].arm[a];
        long ma = m[l * MSCSIM_ARM_COUNT + a];
        st->n = (size_t)ma;
        if (ma == 0)
            continue;
        double sd = s->sd[as[a]];
        int tabled = n[a] <= SIM_SHORTCUT_TABLE_MAX; /* m <= table_n: sim_shortcut_fit */
        double se = tabled ? s->mean_sd[as[a]][ma] : sd / sqrt((double)ma);
        st->mean_y = s->mean[as[a]] + se * mscsim_rnorm_std(r);
        st->sum_y = st->mean_y * (double)ma;
        /* chi^2(m - 1) = 2 Gamma((m - 1) / 2), as mscsim_rchisq draws it */
        if (tabled && ma > 2)
            st->ss_y = sd * sd * (2.0 * mscsim_rgamma_setup(r, &s->ss_gamma[ma]));
        else
            st->ss_y = ma > 1 ? sd * sd * mscsim_rchisq(r, (double)(ma - 1)) : 0.0;
    }
}

void sim_shortcut_trials(const sim_shortcut *s, const mscsim_design *d, int count,
                         mscsim_rng *rng, const size_t n[MSCSIM_ARM_COUNT],
                         mscsim_count_table *table, mscsim_trial_data *data,
                         mscsim_trial_diag *const *diag)
{
    int as[MSCSIM_ARM_COUNT], chains = count * MSCSIM_ARM_COUNT;
    long na[MSCSIM_ARM_COUNT], m[CHAINS];
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        as[a] = d->cfg.null_effect ? MSCSIM_ARM_CONTROL : a;
        na[a] = (long)n[a];
    }
    for (int q = 0; q < chains; q++) {
        int a = q % MSCSIM_ARM_COUNT;
        double keep = s->observed[as[a]];
        m[q] = keep < 1.0 ? binom(s, na[a] <= SIM_SHORTCUT_TABLE_MAX, as[a], 0, na[a], keep,
                                  &rng[q / MSCSIM_ARM_COUNT])
                          : na[a];
    }
    /* Copies of zero objects, not memset: for these sizes gcc emits rep stos, whose start-up
     * cost ~15 % of a normal-path trial. */
    static const mscsim_trial_diag no_diag;
    static const mscsim_trial_data no_data;
    for (int l = 0; l < count; l++) {
        mscsim_trial_diag *g = diag[l];
        *g = no_diag;
        data[l] = no_data;
        for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
            long ma = m[l * MSCSIM_ARM_COUNT + a];
            g->n_randomised[a] = n[a];
            g->n_analysed[a] = (size_t)ma;
            g->missing[a] = (size_t)(na[a] - ma);
            g->scored += (size_t)ma;
        }
        g->recovery_slope = (double)NAN;
    }
    if (s->path != MSCSIM_PATH_COUNTS) {
        normal_trials(s, count, as, na, m, rng, data);
        return;
    }
    for (int l = 0; l < count; l++)
        table[l] = s->values;
    counts_trials(s, chains, as, na, m, rng, table, diag);
    for (int l = 0; l < count; l++) {
        for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
            sim_shortcut_table_stats(&table[l], a, &data[l].arm[a]);
        data[l].table = &table[l];
    }
}

void sim_shortcut_trial(const sim_shortcut *s, const mscsim_design *d, mscsim_rng *rng,
                        const size_t n[MSCSIM_ARM_COUNT], mscsim_count_table *table,
                        mscsim_trial_data *data, mscsim_trial_diag *diag)
{
    sim_shortcut_trials(s, d, 1, rng, n, table, data, &diag);
}
