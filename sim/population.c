/*
 * The enrolled population: baseline covariates drawn patient by patient.
 *
 * DESCRIPTION
 *   Four variables, each from its [baseline] spec: NIHSS (key nihss), age (age), days
 *   from onset to randomization (onset_days) and the baseline score (score). A variable
 *   is drawn when the model or analysis needs it or when it has an eligibility window.
 *
 * DRAW ORDER (fixed; part of the reproducibility contract)
 *   For each candidate patient:
 *   1. one row per distinct empirical file, uniform over its rows (mscsim_rng_bounded),
 *      files in order of first mention in nihss, age, onset_days, score; every
 *      empirical variable naming that file takes its column from the same row, so the
 *      pilot data's joint distribution is kept;
 *   2. NIHSS and baseline score: with the copula, two standard normals z1 then e;
 *      otherwise NIHSS, then the score, each from its own spec;
 *   3. age; 4. onset;
 *   5. NIHSS is rounded to a whole number and clipped to 0-42 by the NIHSS scale's rule
 *      (mscsim_scale_apply), then every eligibility window is checked, bounds inclusive.
 *   An ineligible candidate is discarded whole and the next one starts again at 1.
 *   Fixed specs and undrawn variables consume no random numbers; a discrete spec takes
 *   one 64-bit draw (alias table), the parametric kinds as mscsim_distspec_draw.
 *
 * COPULA
 *   [baseline] severity_corr = rho is a Gaussian-copula (normal-scores) correlation:
 *   z1 ~ N(0, 1), z2 = rho z1 + sqrt(1 - rho^2) e, NIHSS = F1^-1(Phi(z1)) and
 *   score = F2^-1(Phi(z2)) with each spec's quantile function, so both marginals are
 *   exactly their specs and the correlation of the normal scores Phi^-1(F(x)) is rho.
 *   The Pearson correlation of the values themselves differs for non-normal specs and
 *   NIHSS rounding attenuates it slightly. Normal and lognormal specs map z directly
 *   (mean + sd z, exp(meanlog + sdlog z)), which is exact and cheaper. Phi(z) is kept
 *   inside [DBL_MIN, 1 - 2^-53] so that |z| > 8.2 (probability 1e-16) cannot map to an
 *   infinite bound. Empirical specs have no quantile here: they keep the pilot data's
 *   correlation, and severity_corr must then be 0.
 *
 * EMPIRICAL FILES
 *   Read once, at mscsim_population_new, by the CSV table reader (csv_table.h; numbers
 *   through sim_number_read, so in any locale): a header row of column names (a
 *   leading UTF-8 byte-order mark is ignored), then data rows whose used cells must all
 *   be finite numbers (other columns are not read; rows are numbered from the header,
 *   row 1, which is the line number unless a quoted cell spans lines). A
 *   relative file name is taken relative to the directory of the config file
 *   (cfg->path), or to the working directory when cfg->path has no directory part; an
 *   absolute name is used as is. Two specs name the same file when their file texts are
 *   identical.
 *
 * ELIGIBILITY
 *   A window is active when its bound is finite (the config defaults are -inf and +inf).
 *   new() runs ACCEPT_CHECK_DRAWS candidates from a fixed seed and refuses windows that
 *   accept fewer than ACCEPT_MIN_RATE of them, naming the key that rejects the most, so
 *   the redraw loop in draw() never runs away.
 */
#include "mscsim/population.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "csv_table.h"
#include "internal.h"
#include "mathlib.h"
#include "mscsim/dist.h"
#include "mscsim/distspec.h"
#include "mscsim/scale.h"
#include "trial_impl.h" /* sim_population_baseline_outside */

/* Candidates drawn at new() to measure the eligible share. */
#define ACCEPT_CHECK_DRAWS 100000L
/* Smallest eligible share accepted: below it a patient would take over 10^4 candidates. */
#define ACCEPT_MIN_RATE 1e-4
/* Seed of the acceptance check (any constant: the check must not depend on the run). */
#define ACCEPT_CHECK_SEED UINT64_C(0x6d736373696d2d65)

/* Phi(z) fed to a quantile function stays inside (0, 1): 1 - 2^-53 is the largest
 * double below 1. */
#define COPULA_P_MIN DBL_MIN
#define COPULA_P_MAX (1.0 - DBL_EPSILON / 2.0)

/* Room for a resolved empirical path: config directory + '/' + file as written. */
#define RESOLVED_LEN (sizeof(((mscsim_config *)0)->path) + MSCSIM_DIST_PATH_LEN + 2)

enum { V_NIHSS = 0, V_AGE, V_ONSET, V_BASELINE, V_COUNT };

/* Columns one file may give a run: each grid point uses at most four, a [sweep] of the
 * [baseline] keys can name others. Files of a run's set: likewise. */
#define EMP_MAX_COLUMNS 16
#define SET_MAX_FILES 16

/* How a variable is produced. */
typedef enum {
    MODE_SKIP = 0,  /* not drawn */
    MODE_EMPIRICAL, /* column of the patient's resampled row */
    MODE_COPULA,    /* from a correlated normal score */
    MODE_DISCRETE,  /* alias table */
    MODE_DIRECT     /* mscsim_distspec_draw (fixed: no random numbers) */
} var_mode;

static const char *const var_key[V_COUNT] = {"nihss", "age", "onset_days", "score"};
static const char *const var_what[V_COUNT] = {"baseline NIHSS", "age",
                                              "days from onset to randomization",
                                              "a baseline score"};
static const char *const min_key[V_COUNT] = {"nihss_min", "age_min", "onset_min", NULL};
static const char *const max_key[V_COUNT] = {"nihss_max", "age_max", "onset_max", NULL};

typedef struct {
    char path[RESOLVED_LEN];            /* resolved path, for reading and messages */
    const char *written;                /* the file as the spec wrote it */
    int ncols;                          /* columns kept */
    const char *colname[EMP_MAX_COLUMNS]; /* their names */
    int colvar[EMP_MAX_COLUMNS];        /* first variable using each column (messages) */
    int shared;                         /* data belongs to an mscsim_empirical_set */
    double *data;                       /* nrows x ncols, row-major */
    size_t nrows;
} emp_file;

/* Every empirical file a run names, read once (mscsim_empirical_set_load). */
struct mscsim_empirical_set {
    int nfiles;
    emp_file file[SET_MAX_FILES];
    char names[SET_MAX_FILES][EMP_MAX_COLUMNS][sizeof(((mscsim_dist_spec *)0)->column)];
    char written[SET_MAX_FILES][MSCSIM_DIST_PATH_LEN];
    long reads; /* Files read, for the tests. */
};

struct mscsim_population {
    unsigned drawn;
    var_mode mode[V_COUNT];
    mscsim_dist_spec spec[V_COUNT];
    mscsim_categorical cat[V_COUNT];  /* discrete specs' alias tables */
    int windowed[V_COUNT];
    double lo[V_COUNT], hi[V_COUNT];  /* eligibility windows, -inf/+inf when inactive */
    double rho, rho_c;                /* copula correlation and sqrt(1 - rho^2) */
    mscsim_scale nihss_scale;
    int nfiles;
    emp_file file[V_COUNT];
    int var_file[V_COUNT], var_col[V_COUNT];
    /* No window, file or copula and at most one variable drawing random numbers: each
     * variable's column can be filled in one loop, the same draws in the same order. */
    int by_column;
    /* The per-patient loops' variables, so they test no modes: those drawn directly or by
     * alias table in the documented order, the windowed ones and the ones kept. */
    int ndirect, nwindowed, nkept;
    unsigned char direct[V_COUNT], windowed_var[V_COUNT], kept[V_COUNT];
};

/* {==================================================================================
 * Drawing
 * =================================================================================== */

/* The value of spec s at normal score z (copula): F^-1(Phi(z)). */
static double from_score(const mscsim_dist_spec *s, double z)
{
    switch (s->kind) {
    case MSCSIM_DIST_NORMAL:
        return s->a + s->b * z;
    case MSCSIM_DIST_LOGNORMAL:
        return exp(s->a + s->b * z);
    case MSCSIM_DIST_FIXED:
        return s->a;
    default: {
        double p = pnorm(z, 0.0, 1.0, 1, 0);
        return mscsim_distspec_quantile(s, fmin(fmax(p, COPULA_P_MIN), COPULA_P_MAX));
    }
    }
}

static double draw_var(const mscsim_population *pop, int v, mscsim_rng *rng)
{
    if (pop->mode[v] == MODE_DISCRETE)
        return pop->spec[v].values[mscsim_rcategorical(rng, &pop->cat[v])];
    return mscsim_distspec_draw(&pop->spec[v], rng);
}

/* One candidate patient in the documented order (steps 1-4 and NIHSS rounding). Inline:
 * the call, its saved registers and x in memory cost a patient about 20 instructions. */
static inline void draw_candidate(const mscsim_population *pop, mscsim_rng *rng,
                                  double x[V_COUNT])
{
    for (int f = 0; f < pop->nfiles; f++) {
        const emp_file *ef = &pop->file[f];
        const double *row = ef->data + (size_t)mscsim_rng_bounded(rng, (uint32_t)ef->nrows) *
                                           (size_t)ef->ncols;
        for (int v = 0; v < V_COUNT; v++)
            if (pop->mode[v] == MODE_EMPIRICAL && pop->var_file[v] == f)
                x[v] = row[pop->var_col[v]];
    }
    if (pop->mode[V_NIHSS] == MODE_COPULA) {
        double z1 = mscsim_rnorm_std(rng);
        double z2 = pop->rho * z1 + pop->rho_c * mscsim_rnorm_std(rng);
        x[V_NIHSS] = from_score(&pop->spec[V_NIHSS], z1);
        x[V_BASELINE] = from_score(&pop->spec[V_BASELINE], z2);
    }
    for (int i = 0; i < pop->ndirect; i++)
        x[pop->direct[i]] = draw_var(pop, pop->direct[i], rng);
    if (pop->mode[V_NIHSS] != MODE_SKIP)
        x[V_NIHSS] = mscsim_scale_apply(&pop->nihss_scale, x[V_NIHSS]);
}

static int eligible(const mscsim_population *pop, const double x[V_COUNT])
{
    for (int i = 0; i < pop->nwindowed; i++) {
        int v = pop->windowed_var[i];
        if (!(x[v] >= pop->lo[v] && x[v] <= pop->hi[v]))
            return 0;
    }
    return 1;
}

SIM_API void mscsim_population_draw(const mscsim_population *pop, mscsim_rng *rng, size_t n,
                                       mscsim_covariates *out)
{
    if (pop->drawn == 0)
        return; /* Nothing to draw: the common case of the normal and binary models. */
    double *dst[V_COUNT] = {out->nihss, out->age, out->onset, out->baseline};
    if (pop->by_column) {
        for (int v = 0; v < V_COUNT; v++) {
            if (pop->mode[v] == MODE_DISCRETE)
                for (size_t i = 0; i < n; i++)
                    dst[v][i] = draw_var(pop, v, rng);
            else if (pop->mode[v] == MODE_DIRECT)
                mscsim_distspec_fill(&pop->spec[v], rng, n, dst[v]);
        }
        const mscsim_scale nihss = pop->nihss_scale; /* a local: the stores could alias it */
        if (pop->mode[V_NIHSS] != MODE_SKIP)
            for (size_t i = 0; i < n; i++)
                dst[V_NIHSS][i] = mscsim_scale_apply(&nihss, dst[V_NIHSS][i]);
        return;
    }
    double x[V_COUNT] = {0.0, 0.0, 0.0, 0.0};
    for (size_t i = 0; i < n; i++) {
        do
            draw_candidate(pop, rng, x);
        while (!eligible(pop, x));
        for (int k = 0; k < pop->nkept; k++)
            dst[pop->kept[k]][i] = x[pop->kept[k]];
    }
}

SIM_API unsigned mscsim_population_drawn(const mscsim_population *pop)
{
    return pop->drawn;
}

double sim_population_baseline_outside(const mscsim_population *pop, double lo, double hi)
{
    if (pop->mode[V_BASELINE] != MODE_EMPIRICAL)
        return NAN;
    const emp_file *f = &pop->file[pop->var_file[V_BASELINE]];
    size_t outside = 0;
    for (size_t r = 0; r < f->nrows; r++) {
        double x = f->data[r * (size_t)f->ncols + (size_t)pop->var_col[V_BASELINE]];
        outside += x < lo || x > hi;
    }
    return f->nrows ? (double)outside / (double)f->nrows : (double)NAN;
}

/* {==================================================================================
 * Empirical files
 * =================================================================================== */

typedef struct {
    const emp_file *f;
    mscsim_error *err;
} header_check;

/* Keeps the file's columns (f->colname) from its header row; reports a column named twice
 * (the first, in header order) or missing. */
static int keep_columns(sim_csv_table *t, void *ctx)
{
    const emp_file *f = ((header_check *)ctx)->f;
    mscsim_error *err = ((header_check *)ctx)->err;
    for (size_t i = 0; i < t->nheader; i++)
        for (int c = 0; c < f->ncols; c++)
            if (strcmp(t->header[i], f->colname[c]) == 0 &&
                sim_csv_table_field(t, f->colname[c]) != (int)i) {
                t->problem.col = c;
                return sim_error_set(err, MSCSIM_ECONFIG,
                                     "column '%s' appears twice in the header of %s",
                                     f->colname[c], f->path);
            }
    static const sim_csv_column number = {NULL, 0, 0, -HUGE_VAL, HUGE_VAL};
    for (int c = 0; c < f->ncols; c++) {
        int field = sim_csv_table_field(t, f->colname[c]);
        if (field < 0) {
            t->problem.col = c;
            return sim_error_set(err, MSCSIM_ECONFIG, "no column '%s' in the header row of %s",
                                 f->colname[c], f->path);
        }
        sim_csv_column spec = number;
        spec.name = f->colname[c];
        if (sim_csv_table_keep(t, (size_t)field, &spec) < 0)
            return sim_error_set(err, MSCSIM_ENOMEM, "out of memory reading %s", f->path);
    }
    return MSCSIM_OK;
}

/* The message of a reader problem other than the header's (keep_columns words those). */
static int report(const emp_file *f, const sim_csv_table *t, mscsim_error *err)
{
    const sim_csv_problem *p = &t->problem;
    switch (p->status) {
    case SIM_CSV_CANNOT_OPEN:
        if (strcmp(f->written, f->path) == 0)
            return sim_error_set(err, MSCSIM_EIO, "cannot open empirical file %s: %s", f->path,
                                 strerror(p->sys_errno));
        return sim_error_set(err, MSCSIM_EIO,
                             "cannot open empirical file %s (relative to the config file's "
                             "directory: %s): %s",
                             f->written, f->path, strerror(p->sys_errno));
    case SIM_CSV_CANNOT_READ:
        return sim_error_set(err, MSCSIM_EIO, "cannot read empirical file %s", f->path);
    case SIM_CSV_NO_MEMORY:
        return sim_error_set(err, MSCSIM_ENOMEM, "out of memory reading %s", f->path);
    case SIM_CSV_MALFORMED:
        return sim_error_set(err, MSCSIM_ECONFIG, "%s: malformed CSV near row %zu: %s", f->path,
                             p->record, csv_strerror(p->csv_error));
    case SIM_CSV_EMPTY:
        return sim_error_set(err, MSCSIM_ECONFIG,
                             "%s is empty: expected a header row naming column '%s'", f->path,
                             f->colname[0]);
    case SIM_CSV_BAD_CELL:
        return sim_error_set(err, MSCSIM_ECONFIG,
                             "%s: row %zu, column '%s': '%s' is not a finite number", f->path,
                             p->record, f->colname[p->col], p->cell);
    case SIM_CSV_RAGGED_ROW:
        return sim_error_set(err, MSCSIM_ECONFIG, "%s: row %zu has no cell in column '%s'",
                             f->path, p->record, f->colname[p->col]);
    case SIM_CSV_TOO_LONG:
        return sim_error_set(err, MSCSIM_ECONFIG, "%s: %s", f->path, p->limit);
    case SIM_CSV_OK:
    case SIM_CSV_HEADER_REFUSED:
        break;
    }
    return err->code;
}

/* Reads f->path; on failure fills err with the reason and sets *col to the column the
 * error concerns (-1 for the file as a whole). */
static int read_empirical(emp_file *f, int *col, mscsim_error *err)
{
    sim_csv_table t = {0};
    header_check check = {f, err};
    int status = MSCSIM_OK;
    if (sim_csv_table_read(&t, f->path, SIM_CSV_RAGGED, keep_columns, &check))
        status = report(f, &t, err);
    else if (t.nrow == 0)
        status = sim_error_set(err, MSCSIM_ECONFIG, "%s has a header but no data rows",
                               f->path);
    else if (t.nrow > UINT32_MAX)
        status = sim_error_set(err, MSCSIM_ECONFIG, "%s has more than %lu rows", f->path,
                               (unsigned long)UINT32_MAX - 1);
    *col = status ? t.problem.col : -1;
    if (!status) {
        /* The rows are kept as the reader stored them, f->ncols numbers each. */
        f->data = t.cell;
        f->nrows = t.nrow;
        t.cell = NULL;
    }
    sim_csv_table_free(&t);
    return status;
}

/* The path of an empirical file as read: relative names are relative to the directory
 * of the config file. */
static int resolve_path(const mscsim_config *cfg, const char *file, char *out, size_t len)
{
    const char *slash = strrchr(cfg->path, '/');
    size_t dir = (file[0] == '/' || !slash) ? 0 : (size_t)(slash - cfg->path) + 1;
    size_t n = strlen(file);
    if (dir + n >= len)
        return 1;
    memcpy(out, cfg->path, dir); /* the directory with its '/' */
    memcpy(out + dir, file, n + 1);
    return 0;
}

/* The file of set holding path and every column in names[0..count), or NULL. */
static const emp_file *set_find(const mscsim_empirical_set *set, const char *path,
                                const char *const *names, int count, int *index)
{
    for (int f = 0; set && f < set->nfiles; f++) {
        const emp_file *sf = &set->file[f];
        if (strcmp(sf->path, path) != 0)
            continue;
        for (int c = 0; c < count; c++) {
            index[c] = 0;
            while (index[c] < sf->ncols && strcmp(sf->colname[index[c]], names[c]) != 0)
                index[c]++;
            if (index[c] == sf->ncols)
                return NULL;
        }
        return sf;
    }
    return NULL;
}

/* Points file f of pop at the run's copy of its data, when set holds it with every column
 * pop needs (pop->var_col then indexes the set's columns); 0 when it does not. */
static int use_set(mscsim_population *pop, const mscsim_empirical_set *set, int f)
{
    emp_file *ef = &pop->file[f];
    int index[EMP_MAX_COLUMNS];
    const emp_file *sf = set_find(set, ef->path, ef->colname, ef->ncols, index);
    if (!sf)
        return 0;
    for (int v = 0; v < V_COUNT; v++)
        if (pop->var_file[v] == f)
            pop->var_col[v] = index[pop->var_col[v]];
    ef->data = sf->data;
    ef->nrows = sf->nrows;
    ef->ncols = sf->ncols;
    ef->shared = 1;
    return 1;
}

/* An empirical spec of a variable that is not drawn must still name a readable file with
 * its column: a config that is wrong should fail wherever the variable goes unused. */
static int check_undrawn(const mscsim_population *pop, const mscsim_config *cfg,
                         mscsim_error *err)
{
    for (int v = 0; v < V_COUNT; v++) {
        const mscsim_dist_spec *s = &pop->spec[v];
        if (s->kind != MSCSIM_DIST_EMPIRICAL || pop->mode[v] == MODE_EMPIRICAL)
            continue;
        emp_file f = {.written = s->file, .ncols = 1, .colname = {s->column}, .colvar = {v}};
        int col, index[1];
        if (!resolve_path(cfg, s->file, f.path, sizeof f.path) &&
            set_find(cfg->empirical, f.path, f.colname, 1, index))
            continue; /* Read with the run's files. */
        int status = resolve_path(cfg, s->file, f.path, sizeof f.path)
                         ? sim_error_set(err, MSCSIM_ERANGE,
                                         "path of empirical file %s is too long", s->file)
                         : read_empirical(&f, &col, err);
        free(f.data);
        if (status)
            return mscsim_config_error_at(cfg, "baseline", var_key[v], err);
    }
    return MSCSIM_OK;
}

/* Groups the empirical variables by file and reads each file once. */
static int prepare_empirical(mscsim_population *pop, const mscsim_config *cfg,
                             mscsim_error *err)
{
    for (int v = 0; v < V_COUNT; v++) {
        pop->var_file[v] = -1;
        if (pop->mode[v] != MODE_EMPIRICAL)
            continue;
        const mscsim_dist_spec *s = &pop->spec[v];
        int f = 0;
        while (f < pop->nfiles && strcmp(pop->file[f].written, s->file) != 0)
            f++;
        emp_file *ef = &pop->file[f];
        if (f == pop->nfiles) {
            pop->nfiles++;
            ef->written = s->file;
            if (resolve_path(cfg, s->file, ef->path, sizeof ef->path)) {
                sim_error_set(err, MSCSIM_ERANGE, "path of empirical file %s is too long",
                                 s->file);
                return mscsim_config_error_at(cfg, "baseline", var_key[v], err);
            }
        }
        int c = 0;
        while (c < ef->ncols && strcmp(ef->colname[c], s->column) != 0)
            c++;
        if (c == ef->ncols) {
            ef->colname[c] = s->column;
            ef->colvar[c] = v;
            ef->ncols++;
        }
        pop->var_file[v] = f;
        pop->var_col[v] = c;
    }
    for (int f = 0; f < pop->nfiles; f++) {
        emp_file *ef = &pop->file[f];
        int col;
        int status = use_set(pop, cfg->empirical, f) ? MSCSIM_OK : read_empirical(ef, &col, err);
        if (status)
            return mscsim_config_error_at(cfg, "baseline", var_key[ef->colvar[col < 0 ? 0 : col]],
                                          err);
    }
    return check_undrawn(pop, cfg, err);
}

/* {==================================================================================
 * Set-up
 * =================================================================================== */

static const mscsim_dist_spec *spec_of(const mscsim_config *cfg, int v)
{
    switch (v) {
    case V_NIHSS:
        return &cfg->nihss;
    case V_AGE:
        return &cfg->age;
    case V_ONSET:
        return &cfg->onset_days;
    default:
        return &cfg->baseline;
    }
}

/* Eligibility windows: checks and stores them; marks windowed variables as drawn. A
 * window on a variable that is not simulated is reported here unless the variable is also
 * needed, in which case prepare_modes names the [baseline] key. */
static int prepare_windows(mscsim_population *pop, const mscsim_config *cfg, unsigned needs,
                           mscsim_error *err)
{
    const double lo[V_COUNT] = {cfg->nihss_min, cfg->age_min, cfg->onset_min, -HUGE_VAL};
    const double hi[V_COUNT] = {cfg->nihss_max, cfg->age_max, cfg->onset_max, HUGE_VAL};
    for (int v = 0; v < V_COUNT; v++) {
        pop->lo[v] = lo[v];
        pop->hi[v] = hi[v];
        if (!min_key[v])
            continue;
        if (isnan(lo[v]) || isnan(hi[v])) {
            sim_error_set(err, MSCSIM_ERANGE, "eligibility bound is not a number");
            return mscsim_config_error_at(cfg, "eligibility", isnan(lo[v]) ? min_key[v]
                                                                            : max_key[v], err);
        }
        if (lo[v] > hi[v]) {
            sim_error_set(err, MSCSIM_ECONFIG, "%s = %g is above %s = %g: no patient fits",
                             min_key[v], lo[v], max_key[v], hi[v]);
            return mscsim_config_error_at(cfg, "eligibility", min_key[v], err);
        }
        int has_lo = isfinite(lo[v]), has_hi = isfinite(hi[v]);
        if (!has_lo && !has_hi)
            continue;
        pop->windowed[v] = 1;
        pop->drawn |= 1u << v;
        if (spec_of(cfg, v)->kind == MSCSIM_DIST_NONE && !(needs & (1u << v))) {
            const char *key = has_lo ? min_key[v] : max_key[v];
            sim_error_set(err, MSCSIM_ECONFIG,
                             "%s sets an eligibility window on %s, which is not simulated: "
                             "set [baseline] %s",
                             key, var_what[v], var_key[v]);
            return mscsim_config_error_at(cfg, "eligibility", key, err);
        }
    }
    return MSCSIM_OK;
}

/* Chooses how each drawn variable is produced and sets up its tables. */
static int prepare_modes(mscsim_population *pop, const mscsim_config *cfg, mscsim_error *err)
{
    for (int v = 0; v < V_COUNT; v++) {
        pop->spec[v] = *spec_of(cfg, v);
        if (!(pop->drawn & (1u << v)))
            continue;
        const mscsim_dist_spec *s = &pop->spec[v];
        switch (s->kind) {
        case MSCSIM_DIST_NONE:
            sim_error_set(err, MSCSIM_ECONFIG, "the model needs %s: set [baseline] %s",
                             var_what[v], var_key[v]);
            return mscsim_config_error_at(cfg, "baseline", var_key[v], err);
        case MSCSIM_DIST_FLAT:
            sim_error_set(err, MSCSIM_ECONFIG, "flat is an analysis prior ([decision] prior), "
                                               "not a distribution patients can be drawn from");
            return mscsim_config_error_at(cfg, "baseline", var_key[v], err);
        case MSCSIM_DIST_EMPIRICAL:
            pop->mode[v] = MODE_EMPIRICAL;
            break;
        case MSCSIM_DIST_DISCRETE:
            pop->mode[v] = MODE_DISCRETE;
            if (mscsim_categorical_init(&pop->cat[v], s->probs, s->count, err))
                return mscsim_config_error_at(cfg, "baseline", var_key[v], err);
            break;
        default:
            pop->mode[v] = MODE_DIRECT;
            break;
        }
    }
    return MSCSIM_OK;
}

/* The NIHSS-score copula; after the empirical files are read, so that a missing file is
 * the error a config with both shows, not the copula's. */
static int prepare_copula(mscsim_population *pop, const mscsim_config *cfg, mscsim_error *err)
{
    double rho = cfg->severity_corr;
    if (!(rho >= -1.0 && rho <= 1.0)) {
        sim_error_set(err, MSCSIM_ERANGE, "severity_corr must be in [-1, 1], got %g", rho);
        return mscsim_config_error_at(cfg, "baseline", "severity_corr", err);
    }
    int both = pop->mode[V_NIHSS] != MODE_SKIP && pop->mode[V_BASELINE] != MODE_SKIP;
    if (both && rho != 0.0) {
        for (int i = 0; i < 2; i++) {
            int v = i ? V_BASELINE : V_NIHSS;
            if (pop->mode[v] == MODE_EMPIRICAL) {
                sim_error_set(err, MSCSIM_ECONFIG,
                                 "severity_corr needs parametric or discrete NIHSS and score "
                                 "distributions; [baseline] %s is empirical (empirical "
                                 "variables keep the pilot data's correlation): set "
                                 "severity_corr = 0",
                                 var_key[v]);
                return mscsim_config_error_at(cfg, "baseline", "severity_corr", err);
            }
        }
        pop->mode[V_NIHSS] = pop->mode[V_BASELINE] = MODE_COPULA;
        pop->rho = rho;
        pop->rho_c = sqrt((1.0 - rho) * (1.0 + rho));
    }
    return MSCSIM_OK;
}

/* Measures the eligible share over a fixed-seed run of candidates and refuses windows
 * that (nearly) no patient meets, naming the key that rejects the most candidates. */
static int check_acceptance(const mscsim_population *pop, const mscsim_config *cfg,
                            mscsim_error *err)
{
    int any = 0;
    for (int v = 0; v < V_COUNT; v++)
        any |= pop->windowed[v];
    if (!any)
        return MSCSIM_OK;
    mscsim_rng rng;
    mscsim_rng_seed(&rng, ACCEPT_CHECK_SEED, 0u);
    long accepted = 0, below[V_COUNT] = {0}, above[V_COUNT] = {0};
    double x[V_COUNT] = {0.0, 0.0, 0.0, 0.0};
    for (long i = 0; i < ACCEPT_CHECK_DRAWS; i++) {
        draw_candidate(pop, &rng, x);
        accepted += eligible(pop, x);
        for (int v = 0; v < V_COUNT; v++) {
            if (!pop->windowed[v])
                continue;
            below[v] += !(x[v] >= pop->lo[v]);
            above[v] += !(x[v] <= pop->hi[v]);
        }
    }
    if ((double)accepted >= ACCEPT_MIN_RATE * (double)ACCEPT_CHECK_DRAWS)
        return MSCSIM_OK;
    const char *key = NULL;
    long most = -1;
    double bound = 0.0;
    for (int v = 0; v < V_COUNT; v++) {
        if (!pop->windowed[v])
            continue;
        if (below[v] > most) {
            most = below[v];
            key = min_key[v];
            bound = pop->lo[v];
        }
        if (above[v] > most) {
            most = above[v];
            key = max_key[v];
            bound = pop->hi[v];
        }
    }
    if (accepted == 0)
        sim_error_set(err, MSCSIM_ECONFIG,
                         "no patient can meet the eligibility window: none of %ld candidates "
                         "drawn from the [baseline] distributions was eligible; %s = %g "
                         "rejects %.1f%% of them",
                         ACCEPT_CHECK_DRAWS, key, bound,
                         100.0 * (double)most / (double)ACCEPT_CHECK_DRAWS);
    else
        sim_error_set(err, MSCSIM_ECONFIG,
                         "no patient can meet the eligibility window in practice: only %ld of "
                         "%ld candidates drawn from the [baseline] distributions were eligible "
                         "(less than %g); %s = %g rejects %.1f%% of them",
                         accepted, ACCEPT_CHECK_DRAWS, ACCEPT_MIN_RATE, key, bound,
                         100.0 * (double)most / (double)ACCEPT_CHECK_DRAWS);
    return mscsim_config_error_at(cfg, "eligibility", key, err);
}

static int fills_by_column(const mscsim_population *pop)
{
    int random = 0;
    for (int v = 0; v < V_COUNT; v++) {
        if (pop->windowed[v] || pop->mode[v] == MODE_EMPIRICAL || pop->mode[v] == MODE_COPULA)
            return 0;
        random += pop->mode[v] == MODE_DISCRETE ||
                  (pop->mode[v] == MODE_DIRECT && pop->spec[v].kind != MSCSIM_DIST_FIXED);
    }
    return random <= 1;
}

static void list_variables(mscsim_population *pop)
{
    static const int order[] = {V_NIHSS, V_BASELINE, V_AGE, V_ONSET};
    for (size_t i = 0; i < SIM_ARRAY_LEN(order); i++) {
        int v = order[i];
        if (pop->mode[v] == MODE_DISCRETE || pop->mode[v] == MODE_DIRECT)
            pop->direct[pop->ndirect++] = (unsigned char)v;
    }
    for (int v = 0; v < V_COUNT; v++) {
        if (pop->windowed[v])
            pop->windowed_var[pop->nwindowed++] = (unsigned char)v;
        if (pop->mode[v] != MODE_SKIP)
            pop->kept[pop->nkept++] = (unsigned char)v;
    }
}

SIM_API void mscsim_population_free(mscsim_population *pop)
{
    if (!pop)
        return;
    for (int f = 0; f < pop->nfiles; f++)
        if (!pop->file[f].shared)
            free(pop->file[f].data);
    free(pop);
}

SIM_API int mscsim_population_new(const mscsim_config *cfg, unsigned needs,
                                     mscsim_population **out, mscsim_error *err)
{
    *out = NULL;
    const unsigned all = MSCSIM_NEED_NIHSS | MSCSIM_NEED_AGE | MSCSIM_NEED_ONSET |
                         MSCSIM_NEED_BASELINE;
    if (needs & ~all)
        return sim_error_set(err, MSCSIM_EINVAL, "unknown population needs 0x%x", needs);
    const mscsim_scale *nihss = mscsim_scale_find(MSCSIM_SCALE_NIHSS);
    if (!nihss)
        return sim_error_set(err, MSCSIM_EINVAL, "internal: no NIHSS scale");
    mscsim_population *pop = calloc(1, sizeof *pop);
    if (!pop)
        return sim_error_set(err, MSCSIM_ENOMEM, "out of memory preparing the population");
    pop->drawn = needs;
    pop->nihss_scale = *nihss;
    int status = prepare_windows(pop, cfg, needs, err);
    if (!status)
        status = prepare_modes(pop, cfg, err);
    if (!status)
        status = prepare_empirical(pop, cfg, err);
    if (!status)
        status = prepare_copula(pop, cfg, err);
    if (!status) {
        list_variables(pop); /* the modes and windows are final */
        status = check_acceptance(pop, cfg, err);
    }
    if (!status)
        pop->by_column = fills_by_column(pop);
    if (status) {
        mscsim_population_free(pop);
        return status;
    }
    *out = pop;
    return MSCSIM_OK;
}

/* {==================================================================================
 * The run's empirical files
 * =================================================================================== */

/* Adds the empirical specs of design d to set (files and columns, not read yet). */
static int collect(mscsim_empirical_set *set, const mscsim_config *d, mscsim_error *err)
{
    for (int v = 0; v < V_COUNT; v++) {
        const mscsim_dist_spec *s = spec_of(d, v);
        if (s->kind != MSCSIM_DIST_EMPIRICAL)
            continue;
        char path[RESOLVED_LEN];
        if (resolve_path(d, s->file, path, sizeof path))
            continue; /* population_new names the key. */
        int f = 0;
        while (f < set->nfiles && strcmp(set->file[f].path, path) != 0)
            f++;
        emp_file *ef = &set->file[f];
        if (f == set->nfiles) {
            if (f == SET_MAX_FILES) {
                sim_error_set(err, MSCSIM_ECONFIG, "a run can read at most %d empirical files",
                              SET_MAX_FILES);
                return mscsim_config_error_at(d, "baseline", var_key[v], err);
            }
            set->nfiles++;
            memcpy(ef->path, path, sizeof path);
            snprintf(set->written[f], sizeof set->written[f], "%s", s->file);
            ef->written = set->written[f];
        }
        int c = 0;
        while (c < ef->ncols && strcmp(ef->colname[c], s->column) != 0)
            c++;
        if (c < ef->ncols)
            continue;
        if (c == EMP_MAX_COLUMNS) {
            sim_error_set(err, MSCSIM_ECONFIG, "a run can read at most %d columns of %s",
                          EMP_MAX_COLUMNS, s->file);
            return mscsim_config_error_at(d, "baseline", var_key[v], err);
        }
        snprintf(set->names[f][c], sizeof set->names[f][c], "%s", s->column);
        ef->colname[c] = set->names[f][c];
        ef->colvar[c] = v;
        ef->ncols++;
    }
    return MSCSIM_OK;
}

SIM_API int mscsim_empirical_set_load(const mscsim_config *cfg, mscsim_empirical_set **out,
                                      mscsim_error *err)
{
    *out = NULL;
    mscsim_empirical_set *set = calloc(1, sizeof *set);
    if (!set)
        return sim_error_set(err, MSCSIM_ENOMEM, "out of memory");
    int status = MSCSIM_OK;
    size_t points = mscsim_sweep_points(cfg);
    for (size_t g = 0; !status && g < points; g++) {
        mscsim_config point;
        status = mscsim_sweep_point(cfg, g, &point, err);
        if (!status)
            status = collect(set, &point, err);
    }
    for (int f = 0; !status && f < set->nfiles; f++) {
        emp_file *ef = &set->file[f];
        int col;
        set->reads++;
        if ((status = read_empirical(ef, &col, err)) != MSCSIM_OK)
            status = mscsim_config_error_at(cfg, "baseline",
                                            var_key[ef->colvar[col < 0 ? 0 : col]], err);
    }
    if (status) {
        mscsim_empirical_set_free(set);
        return status;
    }
    *out = set;
    return MSCSIM_OK;
}

SIM_API void mscsim_empirical_set_free(mscsim_empirical_set *set)
{
    if (!set)
        return;
    for (int f = 0; f < set->nfiles; f++)
        free(set->file[f].data);
    free(set);
}

SIM_API long mscsim_empirical_set_reads(const mscsim_empirical_set *set)
{
    return set ? set->reads : 0;
}
