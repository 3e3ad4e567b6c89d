/*
 * The CSV as the plots see it. The header tells the kind of file; only the columns that
 * kind uses are kept (by the shared reader, csv_table.h): numbers as doubles, text as the
 * index of its value among the column's distinct values. Then: selections of rows.
 */
#include <csv.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "mscsim/schema.h"
#include "plot_internal.h"

/* Each column is one of the results schema (mscsim/schema.h) of the file named here, which
 * gives its axis label. */
static const struct {
    mscsim_file_kind file;
    sim_csv_column read;
} fixed_cols[SIM_PLOT_FIXED_COLS] = {
    [SIM_COL_SCENARIO] = {MSCSIM_FILE_RESULTS, {"scenario", 1, 0, 0, 0}},
    [SIM_COL_ANALYSIS] = {MSCSIM_FILE_RESULTS, {"analysis", 1, 0, 0, 0}},
    [SIM_COL_N_TOTAL] = {MSCSIM_FILE_RESULTS, {"n_total", 0, 0, 1, HUGE_VAL}},
    [SIM_COL_POWER] = {MSCSIM_FILE_RESULTS, {"power", 0, 0, 0, 1}},
    [SIM_COL_POWER_LO] = {MSCSIM_FILE_RESULTS, {"power_lo", 0, 0, 0, 1}},
    [SIM_COL_POWER_HI] = {MSCSIM_FILE_RESULTS, {"power_hi", 0, 0, 0, 1}},
    [SIM_COL_ANALYTIC] = {MSCSIM_FILE_RESULTS, {"analytic_power", 0, 1, 0, 1}},
    [SIM_COL_TARGET] = {MSCSIM_FILE_SS_TRACE, {"target", 0, 0, 0, 1}},
    [SIM_COL_STAGE] = {MSCSIM_FILE_SS_TRACE, {"stage", 1, 0, 0, 0}},
    [SIM_COL_ESTIMATE] = {MSCSIM_FILE_REPLICATES, {"estimate", 0, 1, -HUGE_VAL, HUGE_VAL}},
    /* A failed analysis counts as not rejecting (README), whether written 0 or NA. */
    [SIM_COL_REJECT] = {MSCSIM_FILE_REPLICATES, {"reject", 0, 1, 0, 1}},
    [SIM_COL_TRUE_EFFECT] = {MSCSIM_FILE_REPLICATES, {"true_effect", 0, 1, -HUGE_VAL, HUGE_VAL}},
    [SIM_COL_SCALE] = {MSCSIM_FILE_RESULTS, {"scale", 1, 0, 0, 0}},
    [SIM_COL_ENDPOINT] = {MSCSIM_FILE_RESULTS, {"endpoint", 1, 0, 0, 0}},
    [SIM_COL_MODEL] = {MSCSIM_FILE_RESULTS, {"model", 1, 0, 0, 0}},
    [SIM_COL_REJECTION_KIND] = {MSCSIM_FILE_RESULTS, {"rejection_kind", 1, 0, 0, 0}},
    [SIM_COL_PATIENT] = {MSCSIM_FILE_PATIENTS, {"patient", 0, 0, 1, HUGE_VAL}},
    [SIM_COL_ARM] = {MSCSIM_FILE_PATIENTS, {"arm", 1, 0, 0, 0}},
    [SIM_COL_VISIT_DAY] = {MSCSIM_FILE_PATIENTS, {"visit_day", 0, 0, 0, HUGE_VAL}},
    [SIM_COL_OBSERVED_SCORE] = {MSCSIM_FILE_PATIENTS,
                                {"observed_score", 0, 1, -HUGE_VAL, HUGE_VAL}},
    [SIM_COL_FRACTION] = {MSCSIM_FILE_LOOKS, {"information_fraction", 0, 0, 0, 1}},
    /* A look where a rule cannot stop a trial has an infinite bound. */
    [SIM_COL_EFFICACY_Z] = {MSCSIM_FILE_LOOKS, {"efficacy_z", 0, 0, -HUGE_VAL, HUGE_VAL, 1}},
    [SIM_COL_FUTILITY_Z] = {MSCSIM_FILE_LOOKS, {"futility_z", 0, 1, -HUGE_VAL, HUGE_VAL, 1}},
    [SIM_COL_REJECT_AT_LOOK] = {MSCSIM_FILE_LOOKS, {"reject_at_look", 0, 0, 0, 1}},
    [SIM_COL_FUTILITY_AT_LOOK] = {MSCSIM_FILE_LOOKS, {"futility_at_look", 0, 0, 0, 1}},
    [SIM_COL_SIDES] = {MSCSIM_FILE_LOOKS, {"sides", 0, 0, 1, 2}},
};

#define BIT(c) (1u << (c))
static const struct {
    const char *name;
    const char *why; /* how the header showed the kind */
    unsigned need;   /* columns that must be there */
    unsigned may;    /* columns read when there */
} kinds[] = {
    [SIM_PLOT_RESULTS] = {"results", "has no column replicate or stage",
                          BIT(SIM_COL_ANALYSIS) | BIT(SIM_COL_N_TOTAL) | BIT(SIM_COL_POWER) |
                              BIT(SIM_COL_POWER_LO) | BIT(SIM_COL_POWER_HI),
                          BIT(SIM_COL_ANALYTIC) | BIT(SIM_COL_SCALE) | BIT(SIM_COL_ENDPOINT) |
                              BIT(SIM_COL_MODEL) | BIT(SIM_COL_REJECTION_KIND) |
                              BIT(SIM_COL_SCENARIO)},
    [SIM_PLOT_TRACE] = {"sample-size trace", "has a column stage",
                        BIT(SIM_COL_N_TOTAL) | BIT(SIM_COL_POWER) | BIT(SIM_COL_POWER_LO) |
                            BIT(SIM_COL_POWER_HI) | BIT(SIM_COL_TARGET) | BIT(SIM_COL_STAGE),
                        BIT(SIM_COL_SCENARIO) | BIT(SIM_COL_ANALYSIS) | BIT(SIM_COL_SCALE) |
                            BIT(SIM_COL_ENDPOINT)},
    [SIM_PLOT_REPLICATES] = {"replicates", "has a column replicate",
                             BIT(SIM_COL_ANALYSIS) | BIT(SIM_COL_N_TOTAL) | BIT(SIM_COL_ESTIMATE) |
                                 BIT(SIM_COL_REJECT) | BIT(SIM_COL_TRUE_EFFECT),
                             BIT(SIM_COL_SCENARIO) | BIT(SIM_COL_SCALE) | BIT(SIM_COL_ENDPOINT) |
                                 BIT(SIM_COL_MODEL)},
    [SIM_PLOT_PATIENTS] = {"simulated patients", "has columns patient and visit_day",
                           BIT(SIM_COL_PATIENT) | BIT(SIM_COL_ARM) | BIT(SIM_COL_VISIT_DAY) |
                               BIT(SIM_COL_OBSERVED_SCORE),
                           0},
    [SIM_PLOT_LOOKS] = {"looks", "has a column look",
                        BIT(SIM_COL_ANALYSIS) | BIT(SIM_COL_N_TOTAL) | BIT(SIM_COL_FRACTION) |
                            BIT(SIM_COL_EFFICACY_Z) | BIT(SIM_COL_FUTILITY_Z) |
                            BIT(SIM_COL_REJECT_AT_LOOK) | BIT(SIM_COL_FUTILITY_AT_LOOK),
                        BIT(SIM_COL_SCENARIO) | BIT(SIM_COL_SCALE) | BIT(SIM_COL_ENDPOINT) |
                            BIT(SIM_COL_MODEL) | BIT(SIM_COL_SIDES)},
};

void sim_text_add(sim_text *b, const char *fmt, ...)
{
    if (b->len >= sizeof b->s - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(b->s + b->len, sizeof b->s - b->len, fmt, ap);
    va_end(ap);
    if (w > 0)
        b->len += (size_t)w < sizeof b->s - b->len ? (size_t)w : sizeof b->s - 1 - b->len;
}

int sim_plot_fail(sim_plot_table *t, int code, long line, const char *fmt, ...)
{
    char msg[sizeof t->err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    sim_error_set(t->err, code, "%s", msg);
    sim_error_locate(t->err, t->path, line > 0 && line <= 0x7fffffffL ? (int)line : 0, NULL, NULL);
    return code;
}

const char *sim_plot_column_label(int fixed_col)
{
    const mscsim_column *c =
        mscsim_schema_find(fixed_cols[fixed_col].file, fixed_cols[fixed_col].read.name);
    return c ? c->label : fixed_cols[fixed_col].read.name;
}

/* Header callback: tells the kind from the header and keeps the columns it uses. */
static int setup_columns(sim_csv_table *csv, void *ctx)
{
    sim_plot_table *t = ctx;
    for (size_t i = 0; i < csv->nheader; i++)
        if (sim_csv_table_field(csv, csv->header[i]) != (int)i)
            return sim_plot_fail(t, MSCSIM_ESYNTAX, csv->line,
                                 "column %.100s appears twice in the header", csv->header[i]);
    int patients =
        sim_csv_table_field(csv, "patient") >= 0 && sim_csv_table_field(csv, "visit_day") >= 0;
    if (!patients && sim_csv_table_field(csv, "n_total") < 0)
        return sim_plot_fail(t, MSCSIM_ECONFIG, csv->line,
                             "no column n_total (a results, sample-size trace or replicates "
                             "CSV is expected)");
    /* One row per scenario holds nothing to draw against; its trace holds the search. */
    if (sim_csv_table_field(csv, "n_total_below") >= 0)
        return sim_plot_fail(t, MSCSIM_ECONFIG, csv->line,
                             "this is a sample-size answer; plot its trace (the CSV written "
                             "by --trace, by default beside it as <name>_trace.csv) instead");
    t->kind = patients                                   ? SIM_PLOT_PATIENTS
              : sim_csv_table_field(csv, "replicate") >= 0 ? SIM_PLOT_REPLICATES
              : sim_csv_table_field(csv, "look") >= 0      ? SIM_PLOT_LOOKS
              : sim_csv_table_field(csv, "stage") >= 0     ? SIM_PLOT_TRACE
                                                           : SIM_PLOT_RESULTS;
    unsigned need = kinds[t->kind].need, use = need | kinds[t->kind].may;
    for (int c = 0; c < SIM_PLOT_FIXED_COLS; c++) {
        t->at[c] = -1;
        if (!(use & BIT(c)))
            continue;
        int f = sim_csv_table_field(csv, fixed_cols[c].read.name);
        if (f < 0 && (need & BIT(c)))
            return sim_plot_fail(t, MSCSIM_ECONFIG, csv->line,
                                 "no column %s, which a %s CSV needs (its header %s)",
                                 fixed_cols[c].read.name, kinds[t->kind].name, kinds[t->kind].why);
        if (f >= 0 && (t->at[c] = sim_csv_table_keep(csv, (size_t)f, &fixed_cols[c].read)) < 0)
            return sim_plot_fail(t, MSCSIM_ENOMEM, 0, "out of memory");
    }
    t->first_swept = csv->ncol;
    /* Every column whose name contains a dot is a swept config key. */
    for (size_t f = 0; f < csv->nheader; f++) {
        const sim_csv_column key = {csv->header[f], 1, 0, 0, 0};
        if (strchr(csv->header[f], '.') && sim_csv_table_keep(csv, f, &key) < 0)
            return sim_plot_fail(t, MSCSIM_ENOMEM, 0, "out of memory");
    }
    return MSCSIM_OK;
}

/* The message of a reader problem (setup_columns words the header's). */
static int report(sim_plot_table *t)
{
    const sim_csv_problem *p = &t->csv.problem;
    const sim_csv_column *spec = p->col >= 0 ? &t->csv.col[p->col].spec : NULL;
    switch (p->status) {
    case SIM_CSV_CANNOT_OPEN:
        return sim_plot_fail(t, MSCSIM_EIO, 0, "cannot open: %s", strerror(p->sys_errno));
    case SIM_CSV_CANNOT_READ:
        return sim_plot_fail(t, MSCSIM_EIO, 0, "cannot read: %s", strerror(p->sys_errno));
    case SIM_CSV_NO_MEMORY:
        return sim_plot_fail(t, MSCSIM_ENOMEM, 0, "out of memory");
    case SIM_CSV_MALFORMED:
        return sim_plot_fail(t, MSCSIM_ESYNTAX, p->line, "malformed CSV: %s",
                             csv_strerror(p->csv_error));
    case SIM_CSV_EMPTY:
        return sim_plot_fail(t, MSCSIM_ESYNTAX, 0,
                             "empty file (a results, sample-size trace or replicates CSV is "
                             "expected)");
    case SIM_CSV_BAD_CELL:
        if (p->number == SIM_NUM_MALFORMED)
            return sim_plot_fail(t, MSCSIM_ESYNTAX, p->line, "column %s: '%s' is not a number",
                                 spec->name, p->cell);
        if (p->number != SIM_NUM_OK)
            return sim_plot_fail(t, MSCSIM_ESYNTAX, p->line,
                                 "column %s: '%s' is not a finite number", spec->name, p->cell);
        return sim_plot_fail(t, MSCSIM_ESYNTAX, p->line, "column %s: %s is out of range [%g, %g]",
                             spec->name, p->cell, spec->lo, spec->hi);
    case SIM_CSV_RAGGED_ROW:
        return sim_plot_fail(t, MSCSIM_ESYNTAX, p->line, "%zu fields where the header has %zu",
                             p->fields, t->csv.nheader);
    case SIM_CSV_TOO_LONG:
        return sim_plot_fail(t, MSCSIM_ESYNTAX, p->line, "%s (not an mscsim CSV)", p->limit);
    case SIM_CSV_OK:
    case SIM_CSV_HEADER_REFUSED:
        break;
    }
    return t->err->code;
}

int sim_plot_read(sim_plot_table *t)
{
    if (sim_csv_table_read(&t->csv, t->path, SIM_CSV_STRICT, setup_columns, t))
        return report(t);
    if (t->csv.nrow == 0)
        return sim_plot_fail(t, MSCSIM_ECONFIG, 0, "no data rows below the header");
    return MSCSIM_OK;
}

char *sim_plot_beside(const char *path, const char *ending, const char *suffix)
{
    size_t n = strlen(path), e = strlen(ending), m = strlen(suffix);
    if (n < e || strcmp(path + n - e, ending) != 0)
        return NULL;
    char *beside = malloc(n - e + m + 1);
    if (beside) {
        memcpy(beside, path, n - e);
        memcpy(beside + n - e, suffix, m + 1);
    }
    return beside;
}

void sim_plot_table_free(sim_plot_table *t)
{
    sim_csv_table_free(&t->csv);
}

const char *sim_plot_cell_text(const sim_plot_table *t, int c, size_t row, char *buf, size_t len)
{
    if (t->csv.col[c].spec.text)
        return sim_plot_level(t, c, row);
    snprintf(buf, len, "%.15g", sim_plot_value(t, c, row));
    return buf;
}

void sim_plot_narrow(const sim_plot_table *t, sim_selection *s, int c, double v)
{
    size_t kept = 0;
    for (size_t i = 0; i < s->count; i++)
        if (sim_plot_value(t, c, s->row[i]) == v)
            s->row[kept++] = s->row[i];
    s->count = kept;
}

int sim_plot_double_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

size_t sim_plot_distinct(const sim_plot_table *t, const sim_selection *s, int c, double *out)
{
    size_t k = 0;
    for (size_t i = 0; i < s->count; i++) {
        double v = sim_plot_value(t, c, s->row[i]);
        size_t j = 0;
        while (j < k && out[j] != v)
            j++;
        if (j == k)
            out[k++] = v;
    }
    return k;
}

void sim_plot_narrow_to_first(const sim_plot_table *t, sim_selection *s, int c, const char *what,
                              int always, double *scratch, sim_text *details)
{
    if (c < 0)
        return;
    char buf[32];
    size_t k = sim_plot_distinct(t, s, c, scratch);
    const char *v = sim_plot_cell_text(t, c, s->row[0], buf, sizeof buf);
    if (k > 1)
        SIM_TEXT_ITEM(details, "%s%.80s (first of %zu)", what, v, k);
    else if (always)
        SIM_TEXT_ITEM(details, "%s%.80s", what, v);
    sim_plot_narrow(t, s, c, sim_plot_value(t, c, s->row[0]));
}

int sim_plot_describe_swept(const sim_plot_table *t, const sim_selection *s, double *scratch,
                            sim_text *details, int vary[2], sim_text *names)
{
    int varying = 0;
    for (size_t c = t->first_swept; c < t->csv.ncol; c++) {
        if (sim_plot_distinct(t, s, (int)c, scratch) > 1) {
            if (vary) {
                if (varying < 2)
                    vary[varying] = (int)c;
                sim_text_add(names, "%s%.60s", names->len ? ", " : "", t->csv.col[c].spec.name);
            }
            varying++;
        } else {
            SIM_TEXT_ITEM(details, "%.60s = %.40s", sim_plot_key_words(t->csv.col[c].spec.name),
                          sim_plot_level(t, (int)c, s->row[0]));
        }
    }
    return varying;
}
