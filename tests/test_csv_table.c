/*
 * The shared CSV table reader (sim/csv_table.h): columns kept by the header callback,
 * numbers and text levels, and each problem with its line and record, in both modes (plot
 * input: strict quoting, every row complete; empirical files: lenient quoting, a row needs
 * only the kept cells).
 */
#include <math.h>
#include <stdio.h>

#include "csv_table.h"
#include "harness.h"

static const char path[] = "test_csv_table.csv";

static void write_file(const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* Keeps a number column x in [0, 10] (NA allowed) and a text column g, when present. */
static int keep_x_g(sim_csv_table *t, void *ctx)
{
    (void)ctx;
    static const sim_csv_column x = {"x", 0, 1, 0, 10}, g = {"g", 1, 0, 0, 0};
    int fx = sim_csv_table_field(t, "x"), fg = sim_csv_table_field(t, "g");
    if (fx >= 0 && sim_csv_table_keep(t, (size_t)fx, &x) < 0)
        return 1;
    if (fg >= 0 && sim_csv_table_keep(t, (size_t)fg, &g) < 0)
        return 1;
    return 0;
}

static int refuse(sim_csv_table *t, void *ctx)
{
    (void)ctx;
    t->problem.col = 7;
    return 1;
}

/* Reads text with flags; returns the status and leaves the table in *t. */
static sim_csv_status read_text(sim_csv_table *t, const char *text, unsigned flags)
{
    write_file(text);
    *t = (sim_csv_table){0};
    return sim_csv_table_read(t, path, flags, keep_x_g, NULL);
}

static void test_good(void)
{
    sim_csv_table t;
    int st = read_text(&t, "\xEF\xBB\xBFid,g,x\r\n1,a,2.5\r\n\n2,\"b, c\",NA\r\n3,a, 7 \r\n",
                       SIM_CSV_STRICT);
    INT_EQ(st, SIM_CSV_OK, "BOM, CRLF, a blank line, quotes, NA and spaces read");
    INT_EQ((int)t.nheader, 3, "three header cells");
    INT_EQ((int)t.ncol, 2, "two columns kept");
    INT_EQ((int)t.nrow, 3, "three rows");
    if (st == SIM_CSV_OK && t.nrow == 3 && t.ncol == 2) {
        ABS_EQ(sim_csv_value(&t, 0, 0), 2.5, 0, "x in row 1");
        CHECK(isnan(sim_csv_value(&t, 0, 1)), "NA reads as NaN");
        ABS_EQ(sim_csv_value(&t, 0, 2), 7, 0, "x in row 3, spaces trimmed");
        STR_EQ(sim_csv_level(&t, 1, 1), "b, c", "a quoted text cell");
        ABS_EQ(sim_csv_value(&t, 1, 2), 0, 0, "a repeated text value keeps its level");
        INT_EQ((int)t.col[1].nlevel, 2, "two distinct levels");
        INT_EQ((int)t.row_line[1], 4, "a row's physical line counts the blank line");
    }
    sim_csv_table_free(&t);
}

static void test_problems(void)
{
    static const struct {
        const char *text;
        unsigned flags;
        sim_csv_status status;
        long line;
        size_t record;
        int col;
        const char *what;
    } cases[] = {
        {"", SIM_CSV_STRICT, SIM_CSV_EMPTY, 0, 1, -1, "empty file"},
        {"x,g\n1,a\n\n20,b\n", SIM_CSV_STRICT, SIM_CSV_BAD_CELL, 4, 3, 0, "out of range"},
        {"x,g\n1,a\nabc,b\n", SIM_CSV_STRICT, SIM_CSV_BAD_CELL, 3, 3, 0, "not a number"},
        {"x,g\n1,a\n1,b,9\n", SIM_CSV_STRICT, SIM_CSV_RAGGED_ROW, 3, 3, -1, "a long row"},
        {"g,x\n1,2\na\n", SIM_CSV_RAGGED, SIM_CSV_RAGGED_ROW, 3, 3, 0, "no cell in x"},
        {"x,g\n1,\"a\nb\"\nabc,c\n", SIM_CSV_STRICT, SIM_CSV_BAD_CELL, 4, 3, 0,
         "records and lines differ after a quoted newline"},
        {"x,g\n1,a\"b\n", SIM_CSV_STRICT, SIM_CSV_MALFORMED, 2, 2, -1, "stray quote, strict"},
        {"x,g\n1,\"ab\n", SIM_CSV_STRICT, SIM_CSV_MALFORMED, 2, 2, -1, "open quote at the end"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sim_csv_table t;
        int st = read_text(&t, cases[i].text, cases[i].flags);
        INT_EQ(st, cases[i].status, "%s: status", cases[i].what);
        INT_EQ((int)t.problem.line, (int)cases[i].line, "%s: line", cases[i].what);
        INT_EQ((int)t.problem.record, (int)cases[i].record, "%s: record", cases[i].what);
        INT_EQ(t.problem.col, cases[i].col, "%s: column", cases[i].what);
        sim_csv_table_free(&t);
    }

    sim_csv_table t;
    read_text(&t, "x\n1e999\n", 0);
    INT_EQ(t.problem.number, SIM_NUM_OVERFLOW, "an overflowing cell says so");
    STR_EQ(t.problem.cell, "1e999", "the cell is kept for the message");
    sim_csv_table_free(&t);

    INT_EQ(read_text(&t, "x,g\n1,a\"b\n", 0), SIM_CSV_OK, "a stray quote is text when lenient");
    sim_csv_table_free(&t);

    write_file("x\n1\n");
    t = (sim_csv_table){0};
    INT_EQ(sim_csv_table_read(&t, path, 0, refuse, NULL), SIM_CSV_HEADER_REFUSED,
           "a refused header stops the reading");
    INT_EQ(t.problem.col, 7, "the callback's column is kept");
    INT_EQ((int)t.problem.line, 1, "at the header's line");
    sim_csv_table_free(&t);

    t = (sim_csv_table){0};
    INT_EQ(sim_csv_table_read(&t, "no_such_dir/none.csv", 0, keep_x_g, NULL),
           SIM_CSV_CANNOT_OPEN, "a missing file");
    CHECK(t.problem.sys_errno != 0, "with its errno");
    sim_csv_table_free(&t);
}

/* Writes head, then fill repeated count times, then tail. */
static void write_repeated(const char *head, const char *fill, size_t count, const char *tail)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return;
    fputs(head, f);
    for (size_t i = 0; i < count; i++)
        fputs(fill, f);
    fputs(tail, f);
    fclose(f);
}

/* Reads the file written last with flags; checks the bound's status, line and words. */
static void check_bound(unsigned flags, long line, const char *want, const char *what)
{
    sim_csv_table t = {0};
    INT_EQ(sim_csv_table_read(&t, path, flags, keep_x_g, NULL), SIM_CSV_TOO_LONG, "%s", what);
    INT_EQ((int)t.problem.line, (int)line, "%s: line", what);
    STR_EQ(t.problem.limit, want, "%s: words", what);
    sim_csv_table_free(&t);
}

/* Input is bounded: a long line, a wide record, a long quoted cell; exactly at the bound
 * still reads. */
static void test_bounds(void)
{
    write_repeated("x,g\n1,", "a", SIM_CSV_MAX_LINE - 2, "\n");
    sim_csv_table t = {0};
    INT_EQ(sim_csv_table_read(&t, path, SIM_CSV_STRICT, keep_x_g, NULL), SIM_CSV_OK,
           "a line of exactly SIM_CSV_MAX_LINE bytes reads");
    INT_EQ((int)t.nrow, 1, "its row is kept");
    sim_csv_table_free(&t);

    write_repeated("x,g\n1,", "a", SIM_CSV_MAX_LINE - 1, "\n");
    check_bound(SIM_CSV_STRICT, 2, "line 2 is longer than 65536 bytes", "one byte more");
    write_repeated("", "x", 3 * SIM_CSV_MAX_LINE, "");
    check_bound(0, 1, "line 1 is longer than 65536 bytes", "a long header, no newline");
    write_repeated("x,g\n1,a\n1", ",a", SIM_CSV_MAX_FIELDS, "\n");
    check_bound(SIM_CSV_RAGGED, 3, "line 3 has more than 4096 fields", "a wide row");
    write_repeated("x,g\n1,\"", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
                   SIM_CSV_MAX_RECORD / 48 + 1, "\"\n");
    check_bound(SIM_CSV_STRICT, 21847,
                "line 21847 ends a record (a quoted cell over several lines) longer than "
                "1048576 bytes",
                "a quoted cell over many lines");
}

int main(void)
{
    test_good();
    test_problems();
    test_bounds();
    remove(path);
    return TEST_DONE();
}
