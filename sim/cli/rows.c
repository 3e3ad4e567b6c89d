/* CSV rows in the column order of the results schema (mscsim/schema.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* A row that does not match its schema is a bug in this program, not bad input: stop
 * before a file with shifted columns is written. */
static void row_bug(const cli_row *r, const char *what)
{
    fprintf(stderr, "mscsim: internal error: %s (file kind %d, %zu cells, %zu columns)\n", what,
            (int)r->kind, r->count, r->columns);
    abort();
}

static char *next_cell(cli_row *r)
{
    if (r->count == CLI_ROW_MAX)
        row_bug(r, "too many cells in a row");
    r->field[r->count] = r->cell[r->count];
    return r->cell[r->count++];
}

void cli_row_init(cli_row *r, mscsim_file_kind kind, const mscsim_config *base)
{
    r->kind = kind;
    r->count = 0;
    size_t count;
    const mscsim_column *c = mscsim_schema_columns(kind, &count);
    r->columns = 0;
    for (size_t i = 0; i < count; i++)
        r->columns += c[i].per_swept_key ? (size_t)(base ? base->sweep_count : 0) : 1;
}

void cli_row_begin(cli_row *r, mscsim_file_kind kind, const mscsim_config *base, size_t point)
{
    cli_row_init(r, kind, base);
    if (kind == MSCSIM_FILE_PATIENTS)
        return;
    cli_row_long(r, (long)point + 1);
    for (int i = 0; i < base->sweep_count; i++)
        cli_row_text(r, mscsim_sweep_value(base, i, point));
}

void cli_row_copy(cli_row *r, const cli_row *from, size_t first, size_t count)
{
    for (size_t i = first; i < first + count; i++) {
        if (r->count == CLI_ROW_MAX)
            row_bug(r, "too many cells in a row");
        r->field[r->count++] = from->field[i];
    }
}

void cli_row_text(cli_row *r, const char *text)
{
    if (r->count == CLI_ROW_MAX)
        row_bug(r, "too many cells in a row");
    r->field[r->count++] = text;
}

void cli_row_long(cli_row *r, long v)
{
    snprintf(next_cell(r), CLI_CELL_LEN, "%ld", v); /* At most 20 characters: always fits. */
}

void cli_row_double(cli_row *r, double v)
{
    mscsim_format_double(next_cell(r), CLI_CELL_LEN, v);
}

/* The design's clinical labels, for plots: model, scale, endpoint, missing-data rule. */
static const char *const design_keys[][2] = {
    {"model", "type"}, {"outcome", "scale"}, {"analysis", "endpoint"}, {"analysis", "missing"}};

void cli_row_design(cli_row *r, const mscsim_config *point)
{
    /* Identifiers of at most MSCSIM_NAME_LEN characters, so a cell holds them. */
    for (size_t i = 0; i < sizeof design_keys / sizeof design_keys[0]; i++)
        mscsim_config_format(point, design_keys[i][0], design_keys[i][1], next_cell(r),
                             CLI_CELL_LEN);
}

void cli_row_warnings(cli_row *r, unsigned codes)
{
    mscsim_warnings_format(codes, next_cell(r), CLI_CELL_LEN); /* all codes: 54 characters */
}

void cli_print_warnings(const char *where, const mscsim_warnings *w, unsigned which)
{
    for (int i = 0; i < MSCSIM_WARN_COUNT; i++)
        if (w->codes & which & (1u << i))
            fprintf(stderr, "mscsim: warning: %s%s%s [%s]\n", where, where[0] ? ": " : "",
                    w->text[i], mscsim_warning_code((mscsim_warning)i));
}

int cli_row_write(mscsim_csv_writer *w, const cli_row *r, mscsim_error *err)
{
    if (r->count != r->columns)
        row_bug(r, "a row does not have the columns of its file");
    return mscsim_csv_writer_row(w, r->field, r->count, err);
}

int cli_write_header(mscsim_csv_writer *w, mscsim_file_kind kind, const mscsim_config *base,
                     mscsim_error *err)
{
    cli_row r;
    cli_row_init(&r, kind, base);
    size_t count;
    const mscsim_column *c = mscsim_schema_columns(kind, &count);
    for (size_t i = 0; i < count; i++) {
        if (!c[i].per_swept_key)
            cli_row_text(&r, c[i].name);
        for (int k = 0; c[i].per_swept_key && k < base->sweep_count; k++)
            cli_row_text(&r, base->sweep[k].name);
    }
    return cli_row_write(w, &r, err);
}

void cli_scenario_label(const mscsim_config *base, size_t point, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 0; k < base->sweep_count && used < len; k++) {
        int n = snprintf(buf + used, len - used, "%s%s = %s", k ? ", " : "", base->sweep[k].name,
                         mscsim_sweep_value(base, k, point));
        if (n < 0)
            break;
        used += (size_t)n;
    }
}
