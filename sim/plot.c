/* getline, posix_spawn, waitpid, strcasecmp, stat, access: POSIX. */
#define _POSIX_C_SOURCE 200809L
/*
 * Figures of mscsim's CSV files (plot.h says which kinds there are and what each draws).
 *
 * The CSV is fed to libcsv one physical line at a time, so every bad cell or row is
 * reported with its line. Only the columns the plot uses are kept: numbers as doubles,
 * text as the index of its value in a list of distinct values (first appearance first).
 *
 * The plot is a gnuplot script with its data inline (datablocks), written to an anonymous
 * temporary file that becomes gnuplot's standard input. A pipe would let a gnuplot that
 * dies half-way raise SIGPIPE in the caller, and a full pipe for its messages could block
 * both; a file can do neither. Every text that comes from the CSV or the caller goes into
 * the script as a single-quoted gnuplot string, in which gnuplot expands nothing (no
 * backquote commands, no @macros, no backslash escapes), with quotes doubled and control
 * characters made spaces; the terminals are `noenhanced`, so no text is markup either.
 */
#include "mscsim/plot.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "mscsim/analysis.h"

extern char **environ; /* POSIX: the application declares it; passed on to gnuplot. */

/* Figure size in pixels (SVG: user units): wide enough for a legend below the plot. */
#define PLOT_WIDTH 1200
#define PLOT_HEIGHT 800
/* Histogram bars: Freedman-Diaconis can ask for thousands on heavy tails; more than this
 * are narrower than about 4 pixels across the plot and only add noise. */
#define MAX_BINS 250
/* Room left around the histogram and the true-effect line, as a share of their span. */
#define HIST_MARGIN 0.05
/* How much of gnuplot's captured messages goes into an error. */
#define GNUPLOT_MESSAGE_MAX 300

/* ======================================================================
 * Clinical names
 * ====================================================================== */

typedef struct {
    const char *code, *words;
} label;

static const label scale_names[] = {
    {"fma_motor", "Fugl-Meyer motor"},
    {"fma_ue", "Fugl-Meyer upper extremity"},
    {"fma_le", "Fugl-Meyer lower extremity"},
    {"barthel", "Barthel Index"},
    {"nihss", "NIHSS"},
    {"mrs", "modified Rankin Scale"},
    {"none", "score"},
    {"custom", "custom scale"},
};

static const label endpoint_names[] = {
    {"change", "change from baseline"},
    {"final", "final score"},
    {"ratio", "improvement rate"},
    {"responder", "responders"},
};

/* Swept config keys (results columns named section.key). */
static const label key_names[] = {
    {"msc.effect", "MSC effect (points)"},
    {"msc.mean", "MSC mean change (points)"},
    {"control.mean", "control mean change (points)"},
    {"msc.sd", "MSC SD of change (points)"},
    {"control.sd", "control SD of change (points)"},
    {"msc.p", "MSC probability of the favourable outcome"},
    {"control.p", "control probability of the favourable outcome"},
    {"msc.r", "MSC recovery share r"},
    {"msc.r_gain", "MSC gain in recovery share r"},
    {"msc.odds_ratio", "MSC common odds ratio (mRS)"},
    {"msc.effect_slope", "MSC effect change per NIHSS point"},
    {"msc.delay_days", "MSC effect delay (days)"},
    {"control.dropout", "control dropout"},
    {"msc.dropout", "MSC dropout"},
    {"control.mortality", "control mortality"},
    {"msc.mortality", "MSC mortality"},
    {"dropout.odds_ratio", "dropout odds ratio per SD"},
    {"dropout.mechanism", "dropout mechanism"},
    {"analysis.missing", "missing-data handling"},
    {"analysis.endpoint", "endpoint"},
    {"analysis.test", "analysis"},
    {"trial.n", "Total sample size (patients)"},
    {"trial.alpha", "significance level"},
    {"trial.allocation", "allocation control:MSC"},
};

/* What an analysis estimates, from the analysis registry; a mean difference of a 0/1
 * endpoint (the binary-only analyses) is a risk difference. -1 for an unknown name. */
typedef enum { EST_MEAN_DIFF, EST_LOG_OR, EST_SUPERIORITY, EST_RISK_DIFF } estimand;

static int estimand_of(const char *analysis)
{
    const mscsim_analysis_type *a = mscsim_analysis_find(analysis);
    if (!a)
        return -1;
    switch (a->estimand) {
    case MSCSIM_ESTIMAND_LOG_ODDS_RATIO:
        return EST_LOG_OR;
    case MSCSIM_ESTIMAND_SUPERIORITY:
        return EST_SUPERIORITY;
    default:
        return a->outcomes == MSCSIM_OUTCOME_BINARY ? EST_RISK_DIFF : EST_MEAN_DIFF;
    }
}

static const char *words_for(const label *table, size_t count, const char *code)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(table[i].code, code) == 0)
            return table[i].words;
    return code;
}

static const char *key_words(const char *key)
{
    return words_for(key_names, SIM_ARRAY_LEN(key_names), key);
}

/* ======================================================================
 * Short texts (titles, labels): fixed buffers, silently truncated
 * ====================================================================== */

typedef struct {
    char s[1024];
    size_t len;
} text;

__attribute__((format(printf, 2, 3))) static void text_add(text *b, const char *fmt, ...)
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

/* Adds one item to a "; "-separated list. */
#define text_item(b, ...)                                                                  \
    do {                                                                                   \
        if ((b)->len > 0)                                                                  \
            text_add((b), "; ");                                                           \
        text_add((b), __VA_ARGS__);                                                        \
    } while (0)

/* ======================================================================
 * The CSV as a table
 * ====================================================================== */

enum {
    COL_SCENARIO,
    COL_ANALYSIS,
    COL_N_TOTAL,
    COL_POWER,
    COL_POWER_LO,
    COL_POWER_HI,
    COL_ANALYTIC,
    COL_TARGET,
    COL_STAGE,
    COL_ESTIMATE,
    COL_REJECT,
    COL_TRUE_EFFECT,
    COL_SCALE,
    COL_ENDPOINT,
    FIXED_COLS
};

typedef struct {
    const char *name;
    int text;      /* 1: kept as the index of a distinct value; 0: a number */
    int na_ok;     /* a number may be NA */
    double lo, hi; /* inclusive range of a number */
} col_spec;

static const col_spec fixed_cols[FIXED_COLS] = {
    [COL_SCENARIO] = {"scenario", 1, 0, 0, 0},
    [COL_ANALYSIS] = {"analysis", 1, 0, 0, 0},
    [COL_N_TOTAL] = {"n_total", 0, 0, 1, HUGE_VAL},
    [COL_POWER] = {"power", 0, 0, 0, 1},
    [COL_POWER_LO] = {"power_lo", 0, 0, 0, 1},
    [COL_POWER_HI] = {"power_hi", 0, 0, 0, 1},
    [COL_ANALYTIC] = {"analytic_power", 0, 1, 0, 1},
    [COL_TARGET] = {"target", 0, 0, 0, 1},
    [COL_STAGE] = {"stage", 1, 0, 0, 0},
    [COL_ESTIMATE] = {"estimate", 0, 1, -HUGE_VAL, HUGE_VAL},
    /* A failed analysis counts as not rejecting (README), whether written 0 or NA. */
    [COL_REJECT] = {"reject", 0, 1, 0, 1},
    [COL_TRUE_EFFECT] = {"true_effect", 0, 1, -HUGE_VAL, HUGE_VAL},
    [COL_SCALE] = {"scale", 1, 0, 0, 0},
    [COL_ENDPOINT] = {"endpoint", 1, 0, 0, 0},
};

typedef enum { KIND_RESULTS, KIND_TRACE, KIND_REPLICATES } csv_kind;

#define BIT(c) (1u << (c))
static const struct {
    const char *name;
    const char *why; /* how the header showed the kind */
    unsigned need;   /* columns that must be there */
    unsigned may;    /* columns read when there */
} kinds[] = {
    [KIND_RESULTS] = {"results", "has no column replicate or stage",
                      BIT(COL_ANALYSIS) | BIT(COL_N_TOTAL) | BIT(COL_POWER) |
                          BIT(COL_POWER_LO) | BIT(COL_POWER_HI),
                      BIT(COL_ANALYTIC) | BIT(COL_SCALE) | BIT(COL_ENDPOINT)},
    [KIND_TRACE] = {"sample-size trace", "has a column stage",
                    BIT(COL_N_TOTAL) | BIT(COL_POWER) | BIT(COL_POWER_LO) | BIT(COL_POWER_HI) |
                        BIT(COL_TARGET) | BIT(COL_STAGE),
                    BIT(COL_SCENARIO) | BIT(COL_ANALYSIS) | BIT(COL_SCALE) | BIT(COL_ENDPOINT)},
    [KIND_REPLICATES] = {"replicates", "has a column replicate",
                         BIT(COL_ANALYSIS) | BIT(COL_N_TOTAL) | BIT(COL_ESTIMATE) |
                             BIT(COL_REJECT) | BIT(COL_TRUE_EFFECT),
                         BIT(COL_SCENARIO) | BIT(COL_SCALE) | BIT(COL_ENDPOINT)},
};

typedef struct {
    char **item;
    size_t count, cap;
} strlist;

typedef struct {
    const char *name; /* the header's text (owned by the table's header list) */
    int spec;         /* COL_* of a fixed column; -1 for a swept key (text) */
    int text;
    strlist levels; /* text columns: the distinct values, first appearance first */
} column;

typedef struct {
    const char *path;
    mscsim_error *err;
    int status;
    long line;        /* physical line being parsed */
    int header_done;
    csv_kind kind;
    strlist header;
    column *col; /* the columns kept: fixed ones, then swept keys */
    size_t ncol, first_swept;
    int at[FIXED_COLS];  /* index into col, or -1 */
    int *col_of_field;   /* per header field: index into col, or -1 */
    size_t field;        /* fields seen in the current record */
    double *row;         /* the record being read */
    double *cell;        /* nrow x ncol */
    long *row_line;
    size_t nrow, cap;
} table;

__attribute__((format(printf, 4, 5))) static int fail(table *t, int code, long line,
                                                      const char *fmt, ...)
{
    char msg[sizeof t->err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    t->status = sim_error_set(t->err, code, "%s", msg);
    sim_error_locate(t->err, t->path, line > 0 && line <= 0x7fffffffL ? (int)line : 0, NULL,
                        NULL);
    return t->status;
}

static int strlist_push(strlist *l, const char *s)
{
    if (l->count == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        char **p = realloc(l->item, cap * sizeof *p);
        if (!p)
            return -1;
        l->item = p;
        l->cap = cap;
    }
    size_t n = strlen(s);
    char *copy = malloc(n + 1);
    if (!copy)
        return -1;
    memcpy(copy, s, n + 1);
    l->item[l->count++] = copy;
    return 0;
}

/* The index of s in l, adding it when new; -1 when out of memory. */
static long strlist_intern(strlist *l, const char *s)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->item[i], s) == 0)
            return (long)i;
    return strlist_push(l, s) ? -1 : (long)l->count - 1;
}

static void strlist_free(strlist *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->item[i]);
    free(l->item);
}

static void table_free(table *t)
{
    strlist_free(&t->header);
    for (size_t c = 0; c < t->ncol; c++)
        strlist_free(&t->col[c].levels);
    free(t->col);
    free(t->col_of_field);
    free(t->row);
    free(t->cell);
    free(t->row_line);
}

static int header_index(const table *t, const char *name)
{
    for (size_t i = 0; i < t->header.count; i++)
        if (strcmp(t->header.item[i], name) == 0)
            return (int)i;
    return -1;
}

/* Tells the kind from the header and chooses the columns to keep. */
static void setup_columns(table *t)
{
    for (size_t i = 0; i < t->header.count; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(t->header.item[i], t->header.item[j]) == 0) {
                fail(t, MSCSIM_ESYNTAX, t->line, "column %.100s appears twice in the header",
                     t->header.item[i]);
                return;
            }
    if (header_index(t, "n_total") < 0) {
        fail(t, MSCSIM_ECONFIG, t->line,
             "no column n_total (a results, sample-size trace or replicates CSV is expected)");
        return;
    }
    t->kind = header_index(t, "replicate") >= 0 ? KIND_REPLICATES
              : header_index(t, "stage") >= 0   ? KIND_TRACE
                                                : KIND_RESULTS;
    unsigned need = kinds[t->kind].need, use = need | kinds[t->kind].may;

    t->col = calloc(t->header.count, sizeof *t->col);
    t->col_of_field = malloc(t->header.count * sizeof *t->col_of_field);
    t->row = malloc(t->header.count * sizeof *t->row);
    if (!t->col || !t->col_of_field || !t->row) {
        fail(t, MSCSIM_ENOMEM, 0, "out of memory");
        return;
    }
    for (size_t i = 0; i < t->header.count; i++)
        t->col_of_field[i] = -1;
    for (int c = 0; c < FIXED_COLS; c++) {
        t->at[c] = -1;
        if (!(use & BIT(c)))
            continue;
        int f = header_index(t, fixed_cols[c].name);
        if (f < 0) {
            if (need & BIT(c)) {
                fail(t, MSCSIM_ECONFIG, t->line,
                     "no column %s, which a %s CSV needs (its header %s)", fixed_cols[c].name,
                     kinds[t->kind].name, kinds[t->kind].why);
                return;
            }
            continue;
        }
        t->at[c] = (int)t->ncol;
        t->col_of_field[f] = (int)t->ncol;
        t->col[t->ncol++] = (column){.name = fixed_cols[c].name, .spec = c,
                                     .text = fixed_cols[c].text};
    }
    t->first_swept = t->ncol;
    for (size_t f = 0; f < t->header.count; f++)
        if (strchr(t->header.item[f], '.')) {
            t->col_of_field[f] = (int)t->ncol;
            t->col[t->ncol++] = (column){.name = t->header.item[f], .spec = -1, .text = 1};
        }
}

static void parse_number(table *t, const column *c, const char *s, size_t len, double *out)
{
    const col_spec *spec = &fixed_cols[c->spec];
    if (spec->na_ok && strcmp(s, "NA") == 0) {
        *out = (double)NAN;
        return;
    }
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (len == 0 || end != s + len)
        fail(t, MSCSIM_ESYNTAX, t->line, "column %s: '%.40s' is not a number", c->name, s);
    else if (!isfinite(v) || errno == ERANGE)
        fail(t, MSCSIM_ESYNTAX, t->line, "column %s: '%.40s' is not a finite number", c->name,
             s);
    else if (v < spec->lo || v > spec->hi)
        fail(t, MSCSIM_ESYNTAX, t->line, "column %s: %.40s is out of range [%g, %g]", c->name,
             s, spec->lo, spec->hi);
    *out = v;
}

static void on_field(void *s, size_t len, void *data)
{
    table *t = data;
    const char *cell = s ? s : ""; /* CSV_APPEND_NULL: s is NUL-terminated */
    if (t->status)
        return;
    if (!t->header_done) {
        if (strlist_push(&t->header, cell))
            fail(t, MSCSIM_ENOMEM, 0, "out of memory");
        return;
    }
    size_t f = t->field++;
    if (f >= t->header.count || t->col_of_field[f] < 0)
        return;
    int c = t->col_of_field[f];
    column *col = &t->col[c];
    if (col->text) {
        long level = strlist_intern(&col->levels, cell);
        if (level < 0)
            fail(t, MSCSIM_ENOMEM, 0, "out of memory");
        t->row[c] = (double)level;
    } else {
        parse_number(t, col, cell, len, &t->row[c]);
    }
}

static void on_record(int terminator, void *data)
{
    table *t = data;
    (void)terminator;
    if (t->status)
        return;
    if (!t->header_done) {
        t->header_done = 1;
        setup_columns(t);
        return;
    }
    if (t->field != t->header.count) {
        fail(t, MSCSIM_ESYNTAX, t->line, "%zu fields where the header has %zu", t->field,
             t->header.count);
        return;
    }
    t->field = 0;
    if (t->nrow == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        double *cell = realloc(t->cell, cap * t->ncol * sizeof *cell);
        if (cell)
            t->cell = cell;
        long *line = realloc(t->row_line, cap * sizeof *line);
        if (line)
            t->row_line = line;
        if (!cell || !line) {
            fail(t, MSCSIM_ENOMEM, 0, "out of memory");
            return;
        }
        t->cap = cap;
    }
    memcpy(t->cell + t->nrow * t->ncol, t->row, t->ncol * sizeof *t->row);
    t->row_line[t->nrow++] = t->line;
}

/* Reads t->path into t; on failure t->status and t->err say why. */
static int read_table(table *t)
{
    FILE *fp = fopen(t->path, "rb");
    if (!fp)
        return fail(t, MSCSIM_EIO, 0, "cannot open: %s", strerror(errno));
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        fclose(fp);
        return fail(t, MSCSIM_ENOMEM, 0, "out of memory");
    }
    char *buf = NULL;
    size_t cap = 0;
    ssize_t got;
    errno = 0;
    while (!t->status && (got = getline(&buf, &cap, fp)) > 0) {
        t->line++;
        /* A UTF-8 byte-order mark, as spreadsheet programs write, is not data. */
        size_t skip = t->line == 1 && got >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
        size_t len = (size_t)got - skip;
        if (csv_parse(&p, buf + skip, len, on_field, on_record, t) != len && !t->status)
            fail(t, MSCSIM_ESYNTAX, t->line, "malformed CSV: %s", csv_strerror(csv_error(&p)));
    }
    if (!t->status && ferror(fp))
        fail(t, MSCSIM_EIO, 0, "cannot read: %s", strerror(errno));
    if (!t->status && csv_fini(&p, on_field, on_record, t) != 0 && !t->status)
        fail(t, MSCSIM_ESYNTAX, t->line, "malformed CSV: %s", csv_strerror(csv_error(&p)));
    free(buf);
    csv_free(&p);
    fclose(fp);
    if (t->status)
        return t->status;
    if (!t->header_done)
        return fail(t, MSCSIM_ESYNTAX, 0,
                    "empty file (a results, sample-size trace or replicates CSV is expected)");
    if (t->nrow == 0)
        return fail(t, MSCSIM_ECONFIG, 0, "no data rows below the header");
    return MSCSIM_OK;
}

/* ======================================================================
 * Selecting rows
 * ====================================================================== */

static double value(const table *t, int c, size_t row)
{
    return t->cell[row * t->ncol + (size_t)c];
}

static const char *level_text(const table *t, int c, size_t row)
{
    return t->col[c].levels.item[(size_t)value(t, c, row)];
}

/* A cell as text: its value for a text column, else the number. */
static const char *cell_text(const table *t, int c, size_t row, char *buf, size_t len)
{
    if (t->col[c].text)
        return level_text(t, c, row);
    snprintf(buf, len, "%.15g", value(t, c, row));
    return buf;
}

typedef struct {
    size_t *row; /* selected rows, in file order */
    size_t count;
} selection;

/* Keeps the selected rows whose column c holds v. */
static void narrow(const table *t, selection *s, int c, double v)
{
    size_t kept = 0;
    for (size_t i = 0; i < s->count; i++)
        if (value(t, c, s->row[i]) == v)
            s->row[kept++] = s->row[i];
    s->count = kept;
}

/* Distinct values of column c over the selection, first appearance first, into out
 * (room for s->count); returns how many. */
static size_t distinct(const table *t, const selection *s, int c, double *out)
{
    size_t k = 0;
    for (size_t i = 0; i < s->count; i++) {
        double v = value(t, c, s->row[i]);
        size_t j = 0;
        while (j < k && out[j] != v)
            j++;
        if (j == k)
            out[k++] = v;
    }
    return k;
}

/* Narrows to the first row's value of column c (absent: nothing to do) and describes the
 * choice, e.g. "analysis welch (first of 2)", in details; a column with a single value is
 * described only when always is set. scratch has room for s->count. */
static void narrow_to_first(const table *t, selection *s, int c, const char *what, int always,
                            double *scratch, text *details)
{
    if (c < 0)
        return;
    char buf[32];
    size_t k = distinct(t, s, c, scratch);
    const char *v = cell_text(t, c, s->row[0], buf, sizeof buf);
    if (k > 1)
        text_item(details, "%s%.80s (first of %zu)", what, v, k);
    else if (always)
        text_item(details, "%s%.80s", what, v);
    narrow(t, s, c, value(t, c, s->row[0]));
}

/* Names the swept keys that have one value over the selection ("control dropout = 0.1")
 * in details; returns how many keys take several values. When vary is not NULL, it gets
 * the first two of those columns and names all of them, comma-separated. */
static int describe_swept(const table *t, const selection *s, double *scratch, text *details,
                          int vary[2], text *names)
{
    int varying = 0;
    for (size_t c = t->first_swept; c < t->ncol; c++) {
        if (distinct(t, s, (int)c, scratch) > 1) {
            if (vary) {
                if (varying < 2)
                    vary[varying] = (int)c;
                text_add(names, "%s%.60s", names->len ? ", " : "", t->col[c].name);
            }
            varying++;
        } else {
            text_item(details, "%.60s = %.40s", key_words(t->col[c].name),
                      level_text(t, (int)c, s->row[0]));
        }
    }
    return varying;
}

/* The text of a text column if it has one value over the selection, else NULL. */
static const char *uniform_text(const table *t, const selection *s, int c)
{
    if (c < 0)
        return NULL;
    double v = value(t, c, s->row[0]);
    for (size_t i = 1; i < s->count; i++)
        if (value(t, c, s->row[i]) != v)
            return NULL;
    return level_text(t, c, s->row[0]);
}

/* "change from baseline in Fugl-Meyer motor" when scale and endpoint are known and the
 * same on every selected row (returns 0 otherwise); *points says whether the outcome is
 * in scale points (NULL: not wanted). */
static int outcome_words(const table *t, const selection *s, text *out, int *points)
{
    const char *scale = uniform_text(t, s, t->at[COL_SCALE]);
    const char *endpoint = uniform_text(t, s, t->at[COL_ENDPOINT]);
    if (!scale || !endpoint)
        return 0;
    const char *in = strcmp(endpoint, "responder") == 0 ? "on" : "in";
    text_add(out, "%.60s %s %.60s",
             words_for(endpoint_names, SIM_ARRAY_LEN(endpoint_names), endpoint), in,
             words_for(scale_names, SIM_ARRAY_LEN(scale_names), scale));
    if (points)
        *points = strcmp(scale, "none") != 0 &&
                  (strcmp(endpoint, "change") == 0 || strcmp(endpoint, "final") == 0);
    return 1;
}

/* ======================================================================
 * Writing the gnuplot script
 * ====================================================================== */

/* s as a single-quoted gnuplot string (see the file comment). */
static void put_str(FILE *gp, const char *s)
{
    fputc('\'', gp);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '\'')
            fputs("''", gp);
        else
            fputc(ch < 0x20 || ch == 0x7f ? ' ' : ch, gp);
    }
    fputc('\'', gp);
}

/* A number in the script or its data: round-trip precision, NaN for NA (gnuplot skips it,
 * breaking a line there). The C locale is never changed by mscsim, so '.' is the point. */
static void put_num(FILE *gp, double v)
{
    if (isnan(v))
        fputs("NaN", gp);
    else
        fprintf(gp, "%.17g", v);
}

static void put_cmd_str(FILE *gp, const char *cmd, const char *s)
{
    fprintf(gp, "%s ", cmd);
    put_str(gp, s);
    fputc('\n', gp);
}

/* The target line across the plot, with its legend entry added by put_target_key. */
static void put_target_line(FILE *gp, double target)
{
    fputs("set arrow from graph 0, first ", gp);
    put_num(gp, target);
    fputs(" to graph 1, first ", gp);
    put_num(gp, target);
    fputs(" nohead dt 3 lw 2 lc 'black' back\n", gp);
}

static void put_target_key(FILE *gp, double target)
{
    fprintf(gp, ", \\\n  keyentry with lines dt 3 lw 2 lc 'black' title 'target power %g'",
            target);
}

/* The title: the caller's, or a heading with the details on a second line. */
static void put_title(FILE *gp, const char *given, const char *heading, const text *details)
{
    fputs("set title ", gp);
    if (given) {
        put_str(gp, given);
    } else {
        put_str(gp, heading);
        if (details->len > 0) {
            fputs(" . \"\\n\" . ", gp);
            put_str(gp, details->s);
        }
    }
    fputc('\n', gp);
}

/* ======================================================================
 * Results: power by n, by one swept key, or over two
 * ====================================================================== */

typedef struct {
    double group, x; /* line (or heat-map row) and position along x */
    size_t row;
} point;

static int point_cmp(const void *a, const void *b)
{
    const point *p = a, *q = b;
    if (p->group != q->group)
        return p->group < q->group ? -1 : 1;
    if (p->x != q->x)
        return p->x < q->x ? -1 : 1;
    return p->row < q->row ? -1 : p->row > q->row;
}

/* Where the selected values of swept column c go along an axis. order lists their level
 * indices sorted (numerically when every value is a number, else by first appearance);
 * pos[level] is a value's position: the number itself when numeric and by_value, else its
 * rank, so text values and heat-map cells sit at 0, 1, 2, ... */
typedef struct {
    size_t *order;
    double *pos;
    size_t count;
    int numeric;
} axis;

static int axis_build(const table *t, const selection *s, int c, int by_value, double *scratch,
                      axis *a)
{
    const strlist *lv = &t->col[c].levels;
    a->order = malloc(lv->count * sizeof *a->order);
    a->pos = malloc(lv->count * sizeof *a->pos);
    if (!a->order || !a->pos)
        return -1;
    a->count = distinct(t, s, c, scratch);
    a->numeric = 1;
    for (size_t i = 0; i < a->count; i++) {
        char *end;
        const char *txt = lv->item[(size_t)scratch[i]];
        double v = strtod(txt, &end);
        a->order[i] = (size_t)scratch[i];
        a->pos[a->order[i]] = v;
        a->numeric = a->numeric && end != txt && *end == '\0' && isfinite(v);
    }
    /* Insertion sort: a swept key takes a handful of values. */
    for (size_t i = 1; a->numeric && i < a->count; i++)
        for (size_t j = i; j > 0 && a->pos[a->order[j - 1]] > a->pos[a->order[j]]; j--) {
            size_t tmp = a->order[j];
            a->order[j] = a->order[j - 1];
            a->order[j - 1] = tmp;
        }
    if (!(a->numeric && by_value))
        for (size_t i = 0; i < a->count; i++)
            a->pos[a->order[i]] = (double)i;
    return 0;
}

static void axis_free(axis *a)
{
    free(a->order);
    free(a->pos);
}

/* Tic labels at ranks 0, 1, ... from a text axis. */
static void put_tics(FILE *gp, const char *which, const table *t, int c, const axis *a)
{
    fprintf(gp, "set %stics (", which);
    for (size_t i = 0; i < a->count; i++) {
        if (i > 0)
            fputs(", ", gp);
        put_str(gp, t->col[c].levels.item[a->order[i]]);
        fprintf(gp, " %zu", i);
    }
    fputs(")\n", gp);
}

/* The x label of a results plot: the swept key, or the sample size. */
static void put_xlabel(FILE *gp, const table *t, int x_col)
{
    if (t->col[x_col].spec == COL_N_TOTAL)
        fputs("set xlabel 'Total sample size (patients)'\n", gp);
    else
        put_cmd_str(gp, "set xlabel", key_words(t->col[x_col].name));
}

static void put_heat_map(FILE *gp, const table *t, const point *pt, size_t n, int x_col,
                         int y_col, const axis *ax, const axis *ay, double target)
{
    fputs("$cells << EOD\n", gp);
    for (size_t i = 0; i < n; i++) {
        fprintf(gp, "%.17g %.17g ", pt[i].x, pt[i].group);
        put_num(gp, value(t, t->at[COL_POWER], pt[i].row));
        fputc('\n', gp);
    }
    fputs("EOD\n", gp);
    put_xlabel(gp, t, x_col);
    put_cmd_str(gp, "set ylabel", key_words(t->col[y_col].name));
    fprintf(gp, "set xrange [-0.5:%zu.5]\nset yrange [-0.5:%zu.5]\n", ax->count - 1,
            ay->count - 1);
    put_tics(gp, "x", t, x_col, ax);
    put_tics(gp, "y", t, y_col, ay);
    fprintf(gp, "unset grid\nset tics nomirror\nset cbrange [0:1]\nset cblabel 'Power'\n"
                /* Light colours only, so the black values stay readable in every cell. */
                "set palette defined (0 '#ffffcc', 0.5 '#a1dab4', 1 '#41b6c4')\n"
                "set cbtics add ('target %g' %.17g)\n"
                "plot $cells using 1:2:(0.5):(0.5):3 with boxxyerror fs solid 1.0 noborder "
                "lc palette notitle, \\\n"
                "  $cells using 1:2:(sprintf('%%.2f', $3)) with labels notitle\n",
            target, target);
}

/* One line per group: with the interval as a band and analytic power dashed (band), or
 * with error bars. x_axis is NULL when x is n_total. */
static void put_power_lines(FILE *gp, const table *t, const point *pt, size_t n, int group_col,
                            int x_col, const axis *x_axis, int band, double target)
{
    const int cols[] = {t->at[COL_POWER], t->at[COL_POWER_LO], t->at[COL_POWER_HI],
                        t->at[COL_ANALYTIC]};
    size_t groups = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || pt[i].group != pt[i - 1].group)
            fprintf(gp, "%s$g%zu << EOD\n", i > 0 ? "EOD\n" : "", groups++);
        fprintf(gp, "%.17g", pt[i].x);
        for (size_t j = 0; j < SIM_ARRAY_LEN(cols); j++) {
            fputc(' ', gp);
            put_num(gp, cols[j] >= 0 ? value(t, cols[j], pt[i].row) : (double)NAN);
        }
        fputc('\n', gp);
    }
    fputs("EOD\n", gp);
    put_xlabel(gp, t, x_col);
    if (x_axis && !x_axis->numeric)
        put_tics(gp, "x", t, x_col, x_axis);
    fputs("set ylabel 'Power'\nset yrange [0:1]\nset ytics 0.1\n"
          "set offsets graph 0.03, graph 0.03, 0, 0\n",
          gp);
    put_target_line(gp, target);
    fputs("plot ", gp);
    for (size_t i = 0, g = 0; i < n; i++) {
        if (i > 0 && pt[i].group == pt[i - 1].group)
            continue;
        char buf[32];
        text name = {0};
        const char *level = cell_text(t, group_col, pt[i].row, buf, sizeof buf);
        if (t->col[group_col].spec == COL_N_TOTAL)
            text_add(&name, "n = %s", level);
        else
            text_add(&name, "%.100s", level);
        if (g > 0)
            fputs(", \\\n  ", gp);
        if (!band) {
            fprintf(gp, "$g%zu using 1:2:3:4 with yerrorlines lw 2 pt 7 lc %zu title ", g, g + 1);
            put_str(gp, name.s);
            g++;
            continue;
        }
        fprintf(gp, "$g%zu using 1:3:4 with filledcurves fs transparent solid 0.2 noborder "
                    "lc %zu notitle, \\\n  $g%zu using 1:2 with linespoints lw 2 pt 7 lc %zu "
                    "title ",
                g, g + 1, g, g + 1);
        put_str(gp, name.s);
        int analytic = 0;
        for (size_t j = i; cols[3] >= 0 && j < n && pt[j].group == pt[i].group; j++)
            analytic |= !isnan(value(t, cols[3], pt[j].row));
        if (analytic) {
            fprintf(gp, ", \\\n  $g%zu using 1:5 with lines dt 2 lw 2 lc %zu title ", g, g + 1);
            text_add(&name, " (analytic)");
            put_str(gp, name.s);
        }
        g++;
    }
    put_target_key(gp, target);
    fputc('\n', gp);
}

static int plot_results(table *t, FILE *gp, selection *s, const mscsim_plot_options *opt,
                        double target, double *scratch)
{
    text details = {0}, varying = {0}, heading = {0};
    outcome_words(t, s, &details, NULL);
    int vary[2] = {-1, -1};
    int nvary = describe_swept(t, s, scratch, &details, vary, &varying);
    if (nvary > 2)
        return fail(t, MSCSIM_ECONFIG, 0,
                    "%d swept keys take several values (%s); a plot shows at most two", nvary,
                    varying.s);

    int an = t->at[COL_ANALYSIS], nt = t->at[COL_N_TOTAL];
    int x_col = nt, group_col = an, y_col = -1;
    if (nvary == 0) {
        text_add(&heading, "Power by total sample size");
    } else if (nvary == 1) {
        x_col = vary[0];
        text_add(&heading, "Power by %.100s", key_words(t->col[x_col].name));
        if (distinct(t, s, nt, scratch) > 1) {
            group_col = nt;
            narrow_to_first(t, s, an, "analysis ", 1, scratch, &details);
        } else {
            narrow_to_first(t, s, nt, "n = ", 1, scratch, &details);
        }
    } else {
        x_col = vary[0];
        y_col = vary[1];
        text_add(&heading, "Power by %.100s and %.100s", key_words(t->col[x_col].name),
                 key_words(t->col[y_col].name));
        narrow_to_first(t, s, an, "analysis ", 1, scratch, &details);
        narrow_to_first(t, s, nt, "n = ", 1, scratch, &details);
    }

    axis ax = {0}, ay = {0};
    point *pt = malloc(s->count * sizeof *pt);
    int status = MSCSIM_OK;
    if (!pt || (x_col != nt && axis_build(t, s, x_col, y_col < 0, scratch, &ax)) ||
        (y_col >= 0 && axis_build(t, s, y_col, 0, scratch, &ay)))
        status = fail(t, MSCSIM_ENOMEM, 0, "out of memory");
    for (size_t i = 0; !status && i < s->count; i++) {
        size_t r = s->row[i];
        double x = value(t, x_col, r);
        pt[i] = (point){.row = r,
                        .x = x_col == nt ? x : ax.pos[(size_t)x],
                        .group = y_col >= 0 ? ay.pos[(size_t)value(t, y_col, r)]
                                            : value(t, group_col, r)};
    }
    if (!status)
        qsort(pt, s->count, sizeof *pt, point_cmp);
    int gcol = y_col >= 0 ? y_col : group_col;
    for (size_t i = 1; !status && i < s->count; i++)
        if (pt[i].group == pt[i - 1].group && pt[i].x == pt[i - 1].x) {
            char b1[32], b2[32];
            status = fail(t, MSCSIM_ECONFIG, t->row_line[pt[i].row],
                          "the same point as line %ld (%s %.60s, %s %.60s): rows must differ "
                          "in analysis, n_total or a swept key",
                          t->row_line[pt[i - 1].row], t->col[gcol].name,
                          cell_text(t, gcol, pt[i].row, b1, sizeof b1), t->col[x_col].name,
                          cell_text(t, x_col, pt[i].row, b2, sizeof b2));
        }
    if (!status) {
        put_title(gp, opt->title, heading.s, &details);
        if (y_col >= 0)
            put_heat_map(gp, t, pt, s->count, x_col, y_col, &ax, &ay, target);
        else
            put_power_lines(gp, t, pt, s->count, group_col, x_col, x_col == nt ? NULL : &ax,
                            nvary == 0, target);
    }
    axis_free(&ax);
    axis_free(&ay);
    free(pt);
    return status;
}

/* ======================================================================
 * Sample-size trace: the search's runs and the confirmation
 * ====================================================================== */

static int plot_trace(table *t, FILE *gp, selection *s, const mscsim_plot_options *opt,
                      double *scratch)
{
    text details = {0};
    outcome_words(t, s, &details, NULL);
    narrow_to_first(t, s, t->at[COL_ANALYSIS], "analysis ", 1, scratch, &details);
    narrow_to_first(t, s, t->at[COL_SCENARIO], "scenario ", 0, scratch, &details);
    describe_swept(t, s, scratch, &details, NULL, NULL);
    int st = t->at[COL_STAGE], nt = t->at[COL_N_TOTAL], pw = t->at[COL_POWER];
    double target = opt->target > 0 ? opt->target : value(t, t->at[COL_TARGET], s->row[0]);
    /* The smallest confirmed n whose power reaches the target is labelled (a search may
     * confirm several neighbouring sizes, whose labels would overlap). */
    size_t confirmed = 0, answer = 0;
    int has_answer = 0;
    for (size_t i = 0; i < s->count; i++) {
        size_t r = s->row[i];
        const char *stage = level_text(t, st, r);
        if (strcmp(stage, "search") == 0)
            continue;
        if (strcmp(stage, "confirm") != 0)
            return fail(t, MSCSIM_ESYNTAX, t->row_line[r],
                        "column stage: '%.40s' is not search or confirm", stage);
        confirmed++;
        if (value(t, pw, r) >= target && (!has_answer || value(t, nt, r) < value(t, nt, answer))) {
            answer = r;
            has_answer = 1;
        }
    }
    if (confirmed > 0 && has_answer)
        text_item(&details, "smallest confirmed n with power \xe2\x89\xa5 %g: %.15g", target,
                  value(t, nt, answer));
    else if (confirmed > 0)
        text_item(&details, "no confirmed n reaches power %g", target);
    else
        text_item(&details, "target power %g", target);
    put_title(gp, opt->title, "Sample-size search", &details);

    static const char *const stages[] = {"search", "confirm"};
    const int cols[] = {nt, pw, t->at[COL_POWER_LO], t->at[COL_POWER_HI]};
    for (size_t k = 0; k < 2; k++) {
        fprintf(gp, "$%s << EOD\n", stages[k]);
        for (size_t i = 0; i < s->count; i++) {
            if (strcmp(level_text(t, st, s->row[i]), stages[k]) != 0)
                continue;
            for (size_t j = 0; j < SIM_ARRAY_LEN(cols); j++) {
                put_num(gp, value(t, cols[j], s->row[i]));
                fputc(j + 1 < SIM_ARRAY_LEN(cols) ? ' ' : '\n', gp);
            }
        }
        fputs("EOD\n", gp);
    }
    fputs("set xlabel 'Total sample size (patients)'\nset ylabel 'Power'\nset yrange [0:1]\n"
          "set ytics 0.1\nset offsets graph 0.05, graph 0.05, 0, 0\n",
          gp);
    if (has_answer) {
        fprintf(gp, "set label 'n = %.15g' at first ", value(t, nt, answer));
        put_num(gp, value(t, nt, answer));
        fputs(", first ", gp);
        put_num(gp, value(t, pw, answer));
        fputs(" center offset 0,1.8 front\n", gp);
    }
    put_target_line(gp, target);
    /* gnuplot refuses a plot of an empty datablock, so each stage is drawn only if run. */
    const char *sep = "plot ";
    if (confirmed < s->count) {
        fprintf(gp, "%s$search using 1:2:3:4 with yerrorbars pt 7 ps 1.2 lc rgb '#4477aa' "
                    "title 'search'",
                sep);
        sep = ", \\\n  ";
    }
    if (confirmed > 0)
        fprintf(gp, "%s$confirm using 1:2:3:4 with yerrorbars pt 9 ps 2.2 lw 2 "
                    "lc rgb '#cc3311' title 'confirm'",
                sep);
    put_target_key(gp, target);
    fputc('\n', gp);
    return MSCSIM_OK;
}

/* ======================================================================
 * Replicates: the distribution of the estimate
 * ====================================================================== */

static int double_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Sample quantile of sorted x, interpolating between order statistics (R's type 7). */
static double quantile(const double *x, size_t n, double p)
{
    double h = (double)(n - 1) * p;
    size_t i = (size_t)h;
    return i + 1 < n ? x[i] + (h - (double)i) * (x[i + 1] - x[i]) : x[n - 1];
}

/* "Estimated MSC effect: change from baseline in Fugl-Meyer motor (points)": what the
 * analysis estimates (README, Analyses) on which outcome. */
static void estimate_label(const table *t, const selection *s, text *out)
{
    static const char *const est_words[] = {
        [EST_MEAN_DIFF] = "mean difference",
        [EST_LOG_OR] = "log common odds ratio",
        [EST_SUPERIORITY] = "P(superiority) \xe2\x88\x92 1/2", /* U+2212 minus sign */
        [EST_RISK_DIFF] = "risk difference",
    };
    text outcome = {0};
    int points = 0;
    int known = outcome_words(t, s, &outcome, &points);
    const char *analysis = level_text(t, t->at[COL_ANALYSIS], s->row[0]);
    int est = estimand_of(analysis);
    text_add(out, "Estimated MSC effect");
    if (est == EST_MEAN_DIFF && known)
        text_add(out, ": %s%s", outcome.s, points ? " (points)" : "");
    else if (est >= 0)
        text_add(out, ": %s%s%s", est_words[est], known ? ", " : "", outcome.s);
    else if (known)
        text_add(out, ": %s", outcome.s);
}

static int plot_replicates(table *t, FILE *gp, selection *s, const mscsim_plot_options *opt,
                           double *scratch)
{
    text details = {0}, heading = {0}, xlabel = {0};
    narrow_to_first(t, s, t->at[COL_ANALYSIS], "analysis ", 1, scratch, &details);
    narrow_to_first(t, s, t->at[COL_N_TOTAL], "n = ", 1, scratch, &details);
    narrow_to_first(t, s, t->at[COL_SCENARIO], "scenario ", 0, scratch, &details);
    describe_swept(t, s, scratch, &details, NULL, NULL);

    /* Failed analyses (NA estimates) are not drawn but count as not rejecting. */
    size_t n = 0, rejected = 0;
    double truth = (double)NAN;
    for (size_t i = 0; i < s->count; i++) {
        size_t r = s->row[i];
        double est = value(t, t->at[COL_ESTIMATE], r);
        if (!isnan(est))
            scratch[n++] = est;
        rejected += value(t, t->at[COL_REJECT], r) == 1;
        if (isnan(truth))
            truth = value(t, t->at[COL_TRUE_EFFECT], r);
    }
    if (n == 0)
        return fail(t, MSCSIM_ECONFIG, 0, "no estimate to draw: every one is NA (%s)",
                    details.s);
    if (n < s->count)
        text_item(&details, "NA estimates left out: %zu", s->count - n);
    qsort(scratch, n, sizeof *scratch, double_cmp);

    /* Freedman-Diaconis bin width 2 IQR n^(-1/3); the square-root rule when the IQR is 0
     * (a coarse scale); one bar of width 1 when every estimate is the same. */
    double lo = scratch[0], span = scratch[n - 1] - lo, width = 1;
    size_t bins = 1;
    if (span > 0) {
        double fd = 2 * (quantile(scratch, n, 0.75) - quantile(scratch, n, 0.25)) / cbrt((double)n);
        double k = ceil(fd > 0 ? span / fd : sqrt((double)n));
        bins = k < 1 ? 1 : k > MAX_BINS ? MAX_BINS : (size_t)k;
        width = span / (double)bins;
    } else {
        lo -= width / 2;
    }
    size_t *count = calloc(bins, sizeof *count);
    if (!count)
        return fail(t, MSCSIM_ENOMEM, 0, "out of memory");
    size_t most = 0;
    for (size_t i = 0; i < n; i++) {
        size_t b = (size_t)((scratch[i] - lo) / width);
        b = b < bins ? b : bins - 1; /* the maximum falls on the last bin's upper edge */
        if (++count[b] > most)
            most = count[b];
    }

    text_add(&heading, "Estimated MSC effect in %zu simulated trials: %.1f %% rejected",
             s->count, 100.0 * (double)rejected / (double)s->count);
    put_title(gp, opt->title, heading.s, &details);
    fputs("$bins << EOD\n", gp);
    for (size_t b = 0; b < bins; b++) {
        put_num(gp, lo + ((double)b + 0.5) * width);
        fprintf(gp, " %zu\n", count[b]);
    }
    fputs("EOD\n", gp);
    free(count);

    double xmin = fmin(lo, truth), xmax = fmax(lo + (double)bins * width, truth);
    double pad = HIST_MARGIN * (xmax - xmin);
    estimate_label(t, s, &xlabel);
    put_cmd_str(gp, "set xlabel", xlabel.s);
    fputs("set ylabel 'Simulated trials'\nset xrange [", gp);
    put_num(gp, xmin - pad);
    fputc(':', gp);
    put_num(gp, xmax + pad);
    fprintf(gp, "]\nset yrange [0:%.17g]\nset boxwidth %.17g absolute\n",
            (double)most * (1 + HIST_MARGIN) + 1, width);
    if (!isnan(truth)) {
        fputs("set arrow from first ", gp);
        put_num(gp, truth);
        fputs(", graph 0 to first ", gp);
        put_num(gp, truth);
        fputs(", graph 1 nohead lw 3 lc rgb '#cc3311' front\n", gp);
    }
    fputs("plot $bins using 1:2 with boxes fs solid 0.6 lc rgb '#4477aa' notitle", gp);
    if (!isnan(truth)) {
        char buf[64];
        snprintf(buf, sizeof buf, "true effect %.4g", truth);
        fputs(", \\\n  keyentry with lines lw 3 lc rgb '#cc3311' title ", gp);
        put_str(gp, buf);
    }
    fputc('\n', gp);
    return MSCSIM_OK;
}

/* ======================================================================
 * Running gnuplot
 * ====================================================================== */

/* The first executable `name` in a directory of $PATH, into buf; 0 when there is none. */
static int find_on_path(const char *name, char *buf, size_t len)
{
    const char *dir = getenv("PATH");
    if (!dir)
        return 0;
    for (;;) {
        const char *colon = strchr(dir, ':');
        int dlen = (int)(colon ? (size_t)(colon - dir) : strlen(dir));
        /* An empty entry means the current directory (POSIX). */
        int w = snprintf(buf, len, "%.*s/%s", dlen ? dlen : 1, dlen ? dir : ".", name);
        struct stat st;
        if (w > 0 && (size_t)w < len && stat(buf, &st) == 0 && S_ISREG(st.st_mode) &&
            access(buf, X_OK) == 0)
            return 1;
        if (!colon)
            return 0;
        dir = colon + 1;
    }
}

/* gnuplot's messages from log, non-blank lines trimmed and joined by " / ". */
static void gnuplot_messages(FILE *log, char *out, size_t len)
{
    char line[256];
    size_t used = 0;
    out[0] = '\0';
    rewind(log);
    while (used + 1 < len && fgets(line, sizeof line, log)) {
        char *a = line, *z = line + strlen(line);
        while (*a == ' ' || *a == '\t')
            a++;
        while (z > a && (z[-1] == '\n' || z[-1] == '\r' || z[-1] == ' '))
            *--z = '\0';
        if (*a == '\0')
            continue;
        int w = snprintf(out + used, len - used, "%s%s", used ? " / " : "", a);
        used += w > 0 ? (size_t)w : 0;
    }
    if (!out[0])
        snprintf(out, len, "no message");
}

/* Runs `program -d` (-d: no init files, so the user's ~/.gnuplot cannot change the figure)
 * with the script as its standard input and its output captured. */
static int run_gnuplot(const char *program, FILE *script, const char *out_path,
                       mscsim_error *err)
{
    FILE *log = tmpfile();
    if (!log || fflush(script) != 0 || fseek(script, 0, SEEK_SET) != 0) {
        int status = sim_error_set(err, MSCSIM_EIO, "cannot write a temporary file: %s",
                                      strerror(errno));
        if (log)
            fclose(log);
        return status;
    }
    char arg0[] = "gnuplot", arg1[] = "-d";
    char *argv[] = {arg0, arg1, NULL};
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int rc = posix_spawn_file_actions_init(&fa);
    if (rc == 0) {
        rc = posix_spawn_file_actions_adddup2(&fa, fileno(script), 0);
        if (rc == 0)
            rc = posix_spawn_file_actions_adddup2(&fa, fileno(log), 1);
        if (rc == 0)
            rc = posix_spawn_file_actions_adddup2(&fa, fileno(log), 2);
        if (rc == 0)
            rc = posix_spawn(&pid, program, &fa, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
    }
    if (rc != 0) {
        fclose(log);
        return sim_error_set(err, MSCSIM_EIO, "cannot run %s: %s", program, strerror(rc));
    }
    int wstatus;
    pid_t w;
    while ((w = waitpid(pid, &wstatus, 0)) < 0 && errno == EINTR)
        continue;
    int status = MSCSIM_OK;
    if (w < 0) {
        status = sim_error_set(err, MSCSIM_EIO, "cannot wait for gnuplot: %s",
                                  strerror(errno));
    } else if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
        char why[GNUPLOT_MESSAGE_MAX];
        gnuplot_messages(log, why, sizeof why);
        if (WIFEXITED(wstatus))
            status = sim_error_set(err, MSCSIM_EIO, "gnuplot failed (exit status %d): %s",
                                      WEXITSTATUS(wstatus), why);
        else
            status = sim_error_set(err, MSCSIM_EIO, "gnuplot was killed by signal %d: %s",
                                      WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0, why);
        sim_error_locate(err, out_path, 0, NULL, NULL);
    }
    fclose(log);
    return status;
}

/* Has gnuplot draw the script into tmp_path, then moves it to out_path; on any failure
 * tmp_path is removed and out_path left as it was. */
static int render(FILE *script, const char *out_path, const char *tmp_path, mscsim_error *err)
{
    char program[4096];
    if (!find_on_path("gnuplot", program, sizeof program))
        return sim_error_set(err, MSCSIM_EIO,
                                "gnuplot is not on PATH: install the Debian package gnuplot-nox "
                                "(apt-get install gnuplot-nox)");
    /* gnuplot's own message for an output it cannot open is vague: try it here first. */
    FILE *probe = fopen(tmp_path, "wb");
    if (!probe)
        return sim_error_set(err, MSCSIM_EIO, "cannot write %s: %s", tmp_path,
                                strerror(errno));
    fclose(probe);
    int status = run_gnuplot(program, script, out_path, err);
    struct stat st;
    if (!status && (stat(tmp_path, &st) != 0 || st.st_size == 0)) {
        status = sim_error_set(err, MSCSIM_EIO, "gnuplot wrote nothing to %s", tmp_path);
    } else if (!status && rename(tmp_path, out_path) != 0) {
        status = sim_error_set(err, MSCSIM_EIO, "cannot rename %s to %s: %s", tmp_path,
                                  out_path, strerror(errno));
    }
    if (status)
        remove(tmp_path);
    return status;
}

/* ======================================================================
 * The entry point
 * ====================================================================== */

/* Keeps every row, or only those of one analysis. */
static int select_rows(table *t, selection *s, const char *analysis)
{
    for (size_t i = 0; i < t->nrow; i++)
        s->row[i] = i;
    s->count = t->nrow;
    if (!analysis)
        return MSCSIM_OK;
    int an = t->at[COL_ANALYSIS];
    if (an < 0)
        return fail(t, MSCSIM_EINVAL, 0, "no column analysis to choose analysis '%.60s' from",
                    analysis);
    const strlist *lv = &t->col[an].levels;
    text known = {0};
    for (size_t i = 0; i < lv->count; i++) {
        if (strcmp(lv->item[i], analysis) == 0) {
            narrow(t, s, an, (double)i);
            return MSCSIM_OK;
        }
        text_add(&known, "%s%.60s", i ? ", " : "", lv->item[i]);
    }
    return fail(t, MSCSIM_EINVAL, 0, "no rows of analysis '%.60s' (the file has: %s)", analysis,
                known.s);
}

/* 0 for PNG, 1 for SVG, -1 for any other file name. */
static int format_of(const char *path)
{
    size_t n = strlen(path);
    if (n >= 4 && strcasecmp(path + n - 4, ".png") == 0)
        return 0;
    if (n >= 4 && strcasecmp(path + n - 4, ".svg") == 0)
        return 1;
    return -1;
}

SIM_API int mscsim_plot(const char *csv_path, const char *out_path,
                           const mscsim_plot_options *opt, mscsim_error *err)
{
    static const mscsim_plot_options defaults = {0};
    if (!opt)
        opt = &defaults;
    int svg = format_of(out_path);
    if (svg < 0) {
        sim_error_set(err, MSCSIM_EINVAL, "unknown image format: name the file .png or .svg");
        sim_error_locate(err, out_path, 0, NULL, NULL);
        return MSCSIM_EINVAL;
    }
    for (const char *p = out_path; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            sim_error_set(err, MSCSIM_EINVAL, "a control character in the file name");
            sim_error_locate(err, out_path, 0, NULL, NULL);
            return MSCSIM_EINVAL;
        }
    if (opt->target != 0 && !(opt->target > 0 && opt->target < 1))
        return sim_error_set(err, MSCSIM_EINVAL, "target power %g is out of range (0, 1)",
                                opt->target);

    table t = {.path = csv_path, .err = err};
    selection s = {0};
    double *scratch = NULL;
    FILE *gp = NULL;
    size_t n = strlen(out_path);
    char *tmp_path = malloc(n + sizeof ".tmp");
    int status = tmp_path ? read_table(&t) : fail(&t, MSCSIM_ENOMEM, 0, "out of memory");
    if (!status) {
        memcpy(tmp_path, out_path, n);
        memcpy(tmp_path + n, ".tmp", sizeof ".tmp");
        s.row = malloc(t.nrow * sizeof *s.row);
        scratch = malloc(t.nrow * sizeof *scratch);
        gp = tmpfile();
        if (!s.row || !scratch)
            status = fail(&t, MSCSIM_ENOMEM, 0, "out of memory");
        else if (!gp)
            status = sim_error_set(err, MSCSIM_EIO, "cannot create a temporary file: %s",
                                      strerror(errno));
    }
    if (!status)
        status = select_rows(&t, &s, opt->analysis);
    if (!status) {
        fputs("set encoding utf8\n", gp);
        if (svg)
            fprintf(gp, "set terminal svg size %d,%d noenhanced font 'sans-serif,14' "
                        "background '#ffffff'\n", PLOT_WIDTH, PLOT_HEIGHT);
        else
            fprintf(gp, "set terminal pngcairo size %d,%d noenhanced font 'Sans,14'\n",
                    PLOT_WIDTH, PLOT_HEIGHT);
        put_cmd_str(gp, "set output", tmp_path);
        fputs("set key below\nset grid\n", gp);
        double target = opt->target > 0 ? opt->target : MSCSIM_PLOT_DEFAULT_TARGET;
        switch (t.kind) {
        case KIND_RESULTS:
            status = plot_results(&t, gp, &s, opt, target, scratch);
            break;
        case KIND_TRACE:
            status = plot_trace(&t, gp, &s, opt, scratch);
            break;
        case KIND_REPLICATES:
            status = plot_replicates(&t, gp, &s, opt, scratch);
            break;
        }
    }
    if (!status) {
        /* Closing the output flushes the image before gnuplot exits. */
        fputs("unset output\n", gp);
        if (ferror(gp))
            status = sim_error_set(err, MSCSIM_EIO, "cannot write a temporary file: %s",
                                      strerror(errno));
    }
    if (!status)
        status = render(gp, out_path, tmp_path, err);
    if (gp)
        fclose(gp);
    free(tmp_path);
    free(s.row);
    free(scratch);
    table_free(&t);
    return status;
}
