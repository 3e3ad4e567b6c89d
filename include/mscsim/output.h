#ifndef MSCSIM_OUTPUT_H
#define MSCSIM_OUTPUT_H

/**
 * Result files written all-or-nothing: rows go to "<path>.tmp", which replaces path only
 * on commit, so a failed run never leaves a partial file. Fields are quoted by libcsv.
 * Numbers are written and read the same in every locale.
 */

#include <stddef.h>
#include <stdio.h>

#include "mscsim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An open CSV file being written. Opaque. */
typedef struct mscsim_csv_writer mscsim_csv_writer;

/**
 * Formats v as the shortest of "%.15g", "%.16g", "%.17g" that reads back to exactly v
 * (so CSV values round-trip), "NA" for NaN, "Inf"/"-Inf" for infinities, independent of
 * the locale. Returns buf (len >= 32).
 */
char *mscsim_format_double(char *buf, size_t len, double v);

/**
 * Reads all of text as one finite number with '.' as the decimal point, whatever the
 * locale (as configs and CSV files are read): leading white space is skipped as by strtod,
 * trailing text of any kind is an error.
 * Returns MSCSIM_OK and sets *out; MSCSIM_ESYNTAX for text that is not a number (empty,
 * trailing text, NaN, longer than 127 characters) and MSCSIM_ERANGE for an infinity or a
 * number beyond the double range, leaving *out untouched. Thread-safe.
 */
int mscsim_read_double(const char *text, double *out);

/**
 * Opens "<path>.tmp" for writing. On success *out is owned by the caller, who must end it
 * with mscsim_csv_writer_commit or mscsim_csv_writer_abort.
 */
int mscsim_csv_writer_open(const char *path, mscsim_csv_writer **out, mscsim_error *err);

/** Writes one row of count fields (a header is just the first row). */
int mscsim_csv_writer_row(mscsim_csv_writer *w, const char *const *fields, size_t count,
                          mscsim_error *err);

/**
 * The temporary file's stream, for a plain-text file that needs the same all-or-nothing
 * treatment (the resolved config). Owned by w.
 */
FILE *mscsim_csv_writer_stream(mscsim_csv_writer *w);

/** Closes the temporary file and renames it to path; frees w in every case. */
int mscsim_csv_writer_commit(mscsim_csv_writer *w, mscsim_error *err);

/** Closes and deletes the temporary file and frees w; NULL is a no-op. */
void mscsim_csv_writer_abort(mscsim_csv_writer *w);

#ifdef __cplusplus
}
#endif
#endif
