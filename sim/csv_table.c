/* getc_unlocked: POSIX. */
#define _POSIX_C_SOURCE 200809L
/* The CSV table reader (csv_table.h says what it keeps and why it lives here). */
#include "csv_table.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Records the first problem; the callbacks do nothing once one is set. */
static void stop(sim_csv_table *t, sim_csv_status status, int col)
{
    t->problem.status = status;
    t->problem.line = t->line;
    t->problem.record = t->record;
    t->problem.col = col;
}

/* Stops at a bound exceeded, in words every caller shows as they are. */
static void too_long(sim_csv_table *t, const char *what, size_t bound, const char *unit)
{
    stop(t, SIM_CSV_TOO_LONG, -1);
    snprintf(t->problem.limit, sizeof t->problem.limit, "line %ld %s %zu %s", t->line, what,
             bound, unit);
}

static char *copy_text(const char *s, size_t len)
{
    char *copy = malloc(len + 1);
    if (copy) {
        memcpy(copy, s, len);
        copy[len] = '\0';
    }
    return copy;
}

/* Appends a copy of s to a growing list of strings; -1 when out of memory. */
static int push_text(char ***list, size_t *count, size_t *cap, const char *s, size_t len)
{
    if (*count == *cap) {
        size_t n = *cap ? 2 * *cap : 16;
        char **p = realloc(*list, n * sizeof *p);
        if (!p)
            return -1;
        *list = p;
        *cap = n;
    }
    char *copy = copy_text(s, len);
    if (!copy)
        return -1;
    (*list)[(*count)++] = copy;
    return 0;
}

/* The index of s among c's levels, adding it when new; -1 when out of memory. */
static long intern(sim_csv_kept *c, const char *s, size_t len)
{
    for (size_t i = 0; i < c->nlevel; i++)
        if (strlen(c->level[i]) == len && memcmp(c->level[i], s, len) == 0)
            return (long)i;
    return push_text(&c->level, &c->nlevel, &c->level_cap, s, len) ? -1 : (long)c->nlevel - 1;
}

static void read_number(sim_csv_table *t, int c, const char *s, size_t len)
{
    const sim_csv_column *spec = &t->col[c].spec;
    if (spec->na_ok && len == 2 && memcmp(s, "NA", 2) == 0) {
        t->row[c] = (double)NAN;
        return;
    }
    double v = 0;
    sim_num_status st = sim_number_read(s, len, &v);
    if ((st == SIM_NUM_OK || (st == SIM_NUM_INFINITE && spec->inf_ok)) && v >= spec->lo &&
        v <= spec->hi) {
        t->row[c] = v;
        return;
    }
    stop(t, SIM_CSV_BAD_CELL, c);
    t->problem.number = st;
    size_t n = len < sizeof t->problem.cell - 1 ? len : sizeof t->problem.cell - 1;
    memcpy(t->problem.cell, s, n);
    t->problem.cell[n] = '\0';
}

static void on_field(void *s, size_t len, void *data)
{
    sim_csv_table *t = data;
    const char *cell = s ? s : "";
    if (t->problem.status)
        return;
    if ((t->header_done ? t->field : t->nheader) >= SIM_CSV_MAX_FIELDS) {
        too_long(t, "has more than", SIM_CSV_MAX_FIELDS, "fields");
        return;
    }
    if (!t->header_done) {
        if (push_text(&t->header, &t->nheader, &t->header_cap, cell, len))
            stop(t, SIM_CSV_NO_MEMORY, -1);
        return;
    }
    size_t f = t->field++;
    if (f >= t->nheader || t->col_of_field[f] < 0)
        return;
    int c = t->col_of_field[f];
    if (!t->col[c].spec.text) {
        read_number(t, c, cell, len);
        return;
    }
    long level = intern(&t->col[c], cell, len);
    if (level < 0)
        stop(t, SIM_CSV_NO_MEMORY, c);
    t->row[c] = (double)level;
}

/* The header is complete: makes room for the kept columns and lets the caller choose. */
static void start_rows(sim_csv_table *t)
{
    t->header_done = 1;
    size_t n = t->nheader ? t->nheader : 1;
    t->col = calloc(n, sizeof *t->col);
    t->col_of_field = malloc(n * sizeof *t->col_of_field);
    t->row = malloc(n * sizeof *t->row);
    if (!t->col || !t->col_of_field || !t->row) {
        stop(t, SIM_CSV_NO_MEMORY, -1);
        return;
    }
    for (size_t i = 0; i < t->nheader; i++)
        t->col_of_field[i] = -1;
    if (t->on_header(t, t->ctx))
        stop(t, SIM_CSV_HEADER_REFUSED, t->problem.col);
}

/* A data row is complete: checks its cells are all there and stores it. */
static void end_row(sim_csv_table *t)
{
    if (t->flags & SIM_CSV_RAGGED) {
        for (size_t c = 0; c < t->ncol; c++)
            if (t->col[c].field >= t->field) {
                stop(t, SIM_CSV_RAGGED_ROW, (int)c);
                t->problem.fields = t->field;
                return;
            }
    } else if (t->field != t->nheader) {
        stop(t, SIM_CSV_RAGGED_ROW, -1);
        t->problem.fields = t->field;
        return;
    }
    if (t->nrow == t->row_cap) {
        size_t cap = t->row_cap ? 2 * t->row_cap : 64;
        double *cell = realloc(t->cell, cap * (t->ncol ? t->ncol : 1) * sizeof *cell);
        if (cell)
            t->cell = cell;
        long *line = realloc(t->row_line, cap * sizeof *line);
        if (line)
            t->row_line = line;
        if (!cell || !line) {
            stop(t, SIM_CSV_NO_MEMORY, -1);
            return;
        }
        t->row_cap = cap;
    }
    memcpy(t->cell + t->nrow * t->ncol, t->row, t->ncol * sizeof *t->row);
    t->row_line[t->nrow++] = t->line;
}

static void on_record(int terminator, void *data)
{
    sim_csv_table *t = data;
    (void)terminator;
    if (t->problem.status)
        return;
    if (!t->header_done)
        start_rows(t);
    else
        end_row(t);
    if (t->problem.status)
        return;
    t->record++;
    t->field = 0;
    t->record_bytes = 0;
}

/* One physical line of fp, its '\n' included, into buf (room for SIM_CSV_MAX_LINE + 1
 * bytes): its length, 0 at the end of the file, or -1 for a longer line (the rest unread,
 * so /dev/zero costs one buffer). */
static long read_line(FILE *fp, char *buf)
{
    long len = 0;
    int ch;
    while ((ch = getc_unlocked(fp)) != EOF) {
        if (len > SIM_CSV_MAX_LINE)
            return -1;
        buf[len++] = (char)ch;
        if (ch == '\n')
            break;
    }
    return len;
}

/* Feeds fp to p line by line; returns with t->problem set or the file read. */
static void parse_lines(sim_csv_table *t, FILE *fp, struct csv_parser *p)
{
    char *buf = malloc(SIM_CSV_MAX_LINE + 2);
    long got = 0;
    if (!buf) {
        stop(t, SIM_CSV_NO_MEMORY, -1);
        return;
    }
    errno = 0;
    while (!t->problem.status && (got = read_line(fp, buf)) != 0) {
        t->line++;
        /* The bound counts the line without its terminator. */
        if (got < 0 || (got > SIM_CSV_MAX_LINE && buf[got - 1] != '\n')) {
            too_long(t, "is longer than", SIM_CSV_MAX_LINE, "bytes");
            break;
        }
        /* A UTF-8 byte-order mark, as spreadsheet programs write, is not data. */
        size_t skip = t->line == 1 && got >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
        size_t len = (size_t)got - skip;
        t->record_bytes += len;
        if (t->record_bytes > SIM_CSV_MAX_RECORD) {
            too_long(t, "ends a record (a quoted cell over several lines) longer than",
                     SIM_CSV_MAX_RECORD, "bytes");
            break;
        }
        if (csv_parse(p, buf + skip, len, on_field, on_record, t) != len && !t->problem.status) {
            stop(t, SIM_CSV_MALFORMED, -1);
            t->problem.csv_error = csv_error(p);
        }
    }
    if (!t->problem.status && ferror(fp)) {
        stop(t, SIM_CSV_CANNOT_READ, -1);
        t->problem.line = 0;
        t->problem.sys_errno = errno;
    }
    free(buf);
}

sim_csv_status sim_csv_table_read(sim_csv_table *t, const char *path, unsigned flags,
                                  sim_csv_header_fn on_header, void *ctx)
{
    t->flags = flags;
    t->on_header = on_header;
    t->ctx = ctx;
    t->record = 1;
    t->problem.col = -1;
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        t->problem.sys_errno = errno;
        stop(t, SIM_CSV_CANNOT_OPEN, -1);
        return t->problem.status;
    }
    struct csv_parser p;
    unsigned char opts = CSV_APPEND_NULL;
    if (flags & SIM_CSV_STRICT)
        opts |= CSV_STRICT | CSV_STRICT_FINI;
    if (csv_init(&p, opts) != 0) {
        fclose(fp);
        stop(t, SIM_CSV_NO_MEMORY, -1);
        return t->problem.status;
    }
    parse_lines(t, fp, &p);
    if (!t->problem.status && csv_fini(&p, on_field, on_record, t) != 0 && !t->problem.status) {
        stop(t, SIM_CSV_MALFORMED, -1);
        t->problem.csv_error = csv_error(&p);
    }
    csv_free(&p);
    fclose(fp);
    if (!t->problem.status && !t->header_done) {
        stop(t, SIM_CSV_EMPTY, -1);
        t->problem.line = 0;
    }
    return t->problem.status;
}

int sim_csv_table_keep(sim_csv_table *t, size_t field, const sim_csv_column *spec)
{
    if (field >= t->nheader || t->col_of_field[field] >= 0)
        return -1;
    t->col_of_field[field] = (int)t->ncol;
    t->col[t->ncol] = (sim_csv_kept){.spec = *spec, .field = field};
    return (int)t->ncol++;
}

int sim_csv_table_field(const sim_csv_table *t, const char *name)
{
    for (size_t i = 0; i < t->nheader; i++)
        if (strcmp(t->header[i], name) == 0)
            return (int)i;
    return -1;
}

void sim_csv_table_free(sim_csv_table *t)
{
    for (size_t i = 0; i < t->nheader; i++)
        free(t->header[i]);
    free(t->header);
    for (size_t c = 0; c < t->ncol; c++) {
        for (size_t i = 0; i < t->col[c].nlevel; i++)
            free(t->col[c].level[i]);
        free(t->col[c].level);
    }
    free(t->col);
    free(t->col_of_field);
    free(t->row);
    free(t->cell);
    free(t->row_line);
}
