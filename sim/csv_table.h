#ifndef SIM_CSV_TABLE_H
#define SIM_CSV_TABLE_H
/*
 * One reader of CSV tables, shared by the plot input (sim/plot/) and the empirical files of
 * [baseline] (population.c); it lives in sim/ rather than sim/plot/ because both use it.
 *
 * The file is fed to libcsv one physical line at a time, so every problem carries the line
 * it was found on (and the record: the header is record 1). A leading UTF-8 byte-order
 * mark is skipped. The header row is kept whole; a callback then chooses the columns to
 * keep, by field, each as a number (read by sim_number_read, optionally NA, within an
 * inclusive range) or as text (the index of its value in the column's distinct values,
 * first appearance first). Other columns are not read.
 *
 * Input is bounded, so a file that is not a table (/dev/zero, a binary file) is refused
 * at once rather than read whole into memory: a physical line may hold at most
 * SIM_CSV_MAX_LINE bytes, a record at most SIM_CSV_MAX_FIELDS fields and, over the lines
 * of a quoted cell, SIM_CSV_MAX_RECORD bytes.
 *
 * The reader never writes messages: it stops at the first problem and describes it in
 * t->problem, so each caller words its own messages (but for SIM_CSV_TOO_LONG, whose
 * words problem.limit holds).
 */
#include <stddef.h>

#include "number.h"

/* The bounds of the input (above). mscsim's widest rows are a few hundred bytes. */
#define SIM_CSV_MAX_LINE 65536
#define SIM_CSV_MAX_FIELDS 4096
#define SIM_CSV_MAX_RECORD (16 * SIM_CSV_MAX_LINE)

/* Flags of sim_csv_table_read. */
enum {
    SIM_CSV_STRICT = 1u, /* libcsv's strict quoting (a stray quote is malformed) */
    SIM_CSV_RAGGED = 2u  /* a row needs only the cells of kept columns, not every field */
};

typedef enum {
    SIM_CSV_OK = 0,
    SIM_CSV_CANNOT_OPEN, /* problem.sys_errno says why */
    SIM_CSV_CANNOT_READ, /* problem.sys_errno says why */
    SIM_CSV_NO_MEMORY,
    SIM_CSV_MALFORMED,      /* problem.csv_error is libcsv's code (csv_strerror) */
    SIM_CSV_EMPTY,          /* no header row */
    SIM_CSV_HEADER_REFUSED, /* the header callback returned non-zero (it reported why) */
    SIM_CSV_BAD_CELL,       /* problem.number: how the cell failed; SIM_NUM_OK = out of range */
    SIM_CSV_RAGGED_ROW,     /* problem.fields fields; problem.col: a kept column without a
                             * cell, or -1 for a row longer than the header */
    SIM_CSV_TOO_LONG        /* a bound exceeded; problem.limit says which, at which line */
} sim_csv_status;

typedef struct {
    sim_csv_status status;
    long line;             /* physical line (1-based), 0 for the file as a whole */
    size_t record;         /* record being read: 1 is the header */
    int col;               /* kept column concerned, or -1 */
    sim_num_status number; /* SIM_CSV_BAD_CELL */
    char cell[41];         /* SIM_CSV_BAD_CELL: the cell's first 40 bytes */
    size_t fields;         /* SIM_CSV_RAGGED_ROW */
    int sys_errno, csv_error;
    char limit[128]; /* SIM_CSV_TOO_LONG: "line 1 is longer than 65536 bytes" */
} sim_csv_problem;

/* How a kept column is read. */
typedef struct {
    const char *name; /* for messages; must outlive the table */
    int text;         /* 1: text levels; 0: a number */
    int na_ok;        /* a number may be written NA (read as NaN) */
    double lo, hi;    /* inclusive range of a number */
    int inf_ok;       /* a number may be written Inf or -Inf (read as the infinity) */
} sim_csv_column;

typedef struct {
    sim_csv_column spec;
    size_t field; /* its index in the header row */
    char **level; /* text: the distinct values, first appearance first */
    size_t nlevel, level_cap;
} sim_csv_kept;

typedef struct sim_csv_table sim_csv_table;

/* Called once the header row is read (t->header, t->nheader, t->line): keeps columns with
 * sim_csv_table_keep; returns 0 to go on, non-zero to stop after reporting why itself (it
 * may set t->problem.col to the column it refused). */
typedef int (*sim_csv_header_fn)(sim_csv_table *t, void *ctx);

struct sim_csv_table {
    char **header; /* the header row's cells */
    size_t nheader;
    sim_csv_kept *col; /* the kept columns, in the order kept */
    size_t ncol;
    double *cell;   /* nrow x ncol, row-major; a caller may take it (and set it NULL) */
    long *row_line; /* each row's physical line */
    size_t nrow;
    sim_csv_problem problem;
    /* Reading state. */
    unsigned flags;
    sim_csv_header_fn on_header;
    void *ctx;
    long line;
    size_t record, field, header_cap, row_cap;
    size_t record_bytes; /* fed since the record began (bounded by SIM_CSV_MAX_RECORD) */
    int header_done;
    int *col_of_field; /* per header field: index into col, or -1 */
    double *row;       /* the record being read */
};

/* Reads path into t (zeroed by the caller) with flags SIM_CSV_*; returns t->problem.status.
 * t is sim_csv_table_free'd by the caller whatever the outcome. */
sim_csv_status sim_csv_table_read(sim_csv_table *t, const char *path, unsigned flags,
                                  sim_csv_header_fn on_header, void *ctx);

/* From the header callback: keeps header field `field` as spec says; -1 when out of
 * memory (or the field is out of range or already kept), else its index in t->col. */
int sim_csv_table_keep(sim_csv_table *t, size_t field, const sim_csv_column *spec);

/* The first header field called name, or -1. */
int sim_csv_table_field(const sim_csv_table *t, const char *name);

void sim_csv_table_free(sim_csv_table *t);

static inline double sim_csv_value(const sim_csv_table *t, int col, size_t row)
{
    return t->cell[row * t->ncol + (size_t)col];
}

/* The text of a text column's cell. */
static inline const char *sim_csv_level(const sim_csv_table *t, int col, size_t row)
{
    return t->col[col].level[(size_t)sim_csv_value(t, col, row)];
}

#endif
