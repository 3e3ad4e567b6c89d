#ifndef MSCSIM_TEST_REF_TABLE_H
#define MSCSIM_TEST_REF_TABLE_H
/*
 * Reads the reference CSV files in tests/ref (written by the R scripts there) into a
 * table of strings with libcsv. A test that cannot read its references cannot test
 * anything, so failures here exit(2) rather than report.
 */
#include <csv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef MSCSIM_TEST_DIR
#error "define MSCSIM_TEST_DIR as the absolute path of tests/"
#endif

typedef struct {
    char **cell; /* row-major, header row first */
    size_t ncell, cap;
    size_t ncol; /* from the header */
    size_t nrow; /* data rows */
    int bad;     /* a row of the wrong width */
} table;

static inline void *xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size);
    if (!q) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return q;
}

static inline void ref_on_field(void *s, size_t len, void *data)
{
    table *t = data;
    if (t->ncell == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 1024;
        t->cell = xrealloc(t->cell, t->cap * sizeof *t->cell);
    }
    char *c = xrealloc(NULL, len + 1);
    memcpy(c, s ? s : "", s ? len : 0);
    c[s ? len : 0] = '\0';
    t->cell[t->ncell++] = c;
}

static inline void ref_on_row(int c, void *data)
{
    (void)c;
    table *t = data;
    if (t->ncol == 0)
        t->ncol = t->ncell;
    else if (t->ncell % t->ncol != 0)
        t->bad = 1;
    else
        t->nrow = t->ncell / t->ncol - 1;
}

/* Reads tests/ref/NAME; 0 when it is missing or not rectangular. */
static inline int table_read(table *t, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/ref/%s", MSCSIM_TEST_DIR, name);
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_APPEND_NULL) != 0) {
        fclose(f);
        return 0;
    }
    char buf[65536];
    size_t got;
    int ok = 1;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0)
        if (csv_parse(&p, buf, got, ref_on_field, ref_on_row, t) != got)
            ok = 0;
    if (csv_fini(&p, ref_on_field, ref_on_row, t) != 0)
        ok = 0;
    csv_free(&p);
    fclose(f);
    return ok && !t->bad && t->ncol > 0;
}

static inline void table_free(table *t)
{
    for (size_t i = 0; i < t->ncell; i++)
        free(t->cell[i]);
    free(t->cell);
}

static inline size_t table_col(const table *t, const char *name)
{
    for (size_t j = 0; j < t->ncol; j++)
        if (strcmp(t->cell[j], name) == 0)
            return j;
    fprintf(stderr, "column %s missing\n", name);
    exit(2);
}

static inline const char *table_get(const table *t, size_t row, size_t col)
{
    return t->cell[(row + 1) * t->ncol + col];
}

/* R's numbers: "NA" is NaN; strtod reads "Inf", "-Inf" and %.17g exactly. The end pointer
 * is returned for ';'-separated lists. */
static inline double num_end(const char *s, const char **end_out)
{
    if (strncmp(s, "NA", 2) == 0) {
        *end_out = s + 2;
        return NAN;
    }
    char *end;
    double v = strtod(s, &end);
    if (end == s) {
        fprintf(stderr, "bad number '%s'\n", s);
        exit(2);
    }
    *end_out = end;
    return v;
}

static inline double num(const char *s)
{
    const char *end;
    double v = num_end(s, &end);
    if (*end != '\0') {
        fprintf(stderr, "bad number '%s'\n", s);
        exit(2);
    }
    return v;
}

#endif
