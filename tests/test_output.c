/* mkdtemp, rmdir, access: POSIX. */
#define _POSIX_C_SOURCE 200809L
/* The CSV writer: number formatting round-trips, number reading, quoting, and
 * all-or-nothing files. */
#include <locale.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "mscsim/output.h"

static int exists(const char *path)
{
    return access(path, F_OK) == 0;
}

static void slurp(const char *path, char *buf, size_t len)
{
    FILE *fp = fopen(path, "r");
    size_t got = fp ? fread(buf, 1, len - 1, fp) : 0;
    buf[got] = '\0';
    if (fp)
        fclose(fp);
}

int main(void)
{
    char buf[64];
    STR_EQ(mscsim_format_double(buf, sizeof buf, 0.8), "0.8", "shortest form");
    STR_EQ(mscsim_format_double(buf, sizeof buf, 0.1 + 0.2), "0.30000000000000004",
           "17 digits when needed");
    STR_EQ(mscsim_format_double(buf, sizeof buf, NAN), "NA", "NaN is NA");
    STR_EQ(mscsim_format_double(buf, sizeof buf, -INFINITY), "-Inf", "-Inf");
    STR_EQ(mscsim_format_double(buf, sizeof buf, 1e-300), "1e-300", "tiny");
    const double samples[] = {1.0 / 3, 2.0 / 3, 6.5, 0.14200000000000002, 1e17 + 8, -2.5e-7};
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        mscsim_format_double(buf, sizeof buf, samples[i]);
        CHECK(strtod(buf, NULL) == samples[i], "round trip %s", buf);
    }

    double v = -1;
    INT_EQ(mscsim_read_double("0.85", &v), MSCSIM_OK, "read 0.85");
    CHECK(v == 0.85, "0.85 read exactly: %.17g", v);
    INT_EQ(mscsim_read_double("-2.5e-7", &v), MSCSIM_OK, "read an exponent");
    CHECK(v == -2.5e-7, "-2.5e-7 read exactly");
    v = 7;
    INT_EQ(mscsim_read_double("", &v), MSCSIM_ESYNTAX, "empty text");
    INT_EQ(mscsim_read_double("0.8x", &v), MSCSIM_ESYNTAX, "trailing text");
    INT_EQ(mscsim_read_double("0.8 ", &v), MSCSIM_ESYNTAX, "trailing blank");
    INT_EQ(mscsim_read_double("nan", &v), MSCSIM_ESYNTAX, "NaN");
    INT_EQ(mscsim_read_double("inf", &v), MSCSIM_ERANGE, "infinity");
    INT_EQ(mscsim_read_double("1e999", &v), MSCSIM_ERANGE, "overflow");
    CHECK(v == 7, "a failed read leaves the value");
    /* A comma-decimal process locale changes nothing (when the host has one installed). */
    if (setlocale(LC_NUMERIC, "de_DE.UTF-8") || setlocale(LC_NUMERIC, "de_DE.utf8")) {
        INT_EQ(mscsim_read_double("0.85", &v), MSCSIM_OK, "read 0.85 under de_DE");
        CHECK(v == 0.85, "0.85 under de_DE: %.17g", v);
        INT_EQ(mscsim_read_double("0,85", &v), MSCSIM_ESYNTAX, "0,85 is not a number");
        setlocale(LC_NUMERIC, "C");
    }

    char dir[] = "/tmp/mscsim_outputXXXXXX";
    CHECK(mkdtemp(dir) != NULL, "temp dir");
    char path[128], tmp[160], text[512];
    snprintf(path, sizeof path, "%s/out.csv", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);

    mscsim_csv_writer *w;
    mscsim_error err;
    INT_EQ(mscsim_csv_writer_open(path, &w, &err), MSCSIM_OK, "open");
    const char *row[] = {"plain", "with,comma", "with \"quote\"", "1.5"};
    INT_EQ(mscsim_csv_writer_row(w, row, 4, &err), MSCSIM_OK, "row");
    CHECK(exists(tmp) && !exists(path), "only the temporary file exists before commit");
    INT_EQ(mscsim_csv_writer_commit(w, &err), MSCSIM_OK, "commit");
    CHECK(exists(path) && !exists(tmp), "renamed on commit");
    slurp(path, text, sizeof text);
    STR_EQ(text, "plain,\"with,comma\",\"with \"\"quote\"\"\",1.5\n", "libcsv quoting");

    remove(path);
    INT_EQ(mscsim_csv_writer_open(path, &w, &err), MSCSIM_OK, "open again");
    mscsim_csv_writer_row(w, row, 4, &err);
    mscsim_csv_writer_abort(w);
    CHECK(!exists(path) && !exists(tmp), "abort leaves nothing");
    mscsim_csv_writer_abort(NULL);

    snprintf(path, sizeof path, "%s/missing/out.csv", dir);
    INT_EQ(mscsim_csv_writer_open(path, &w, &err), MSCSIM_EIO, "unwritable directory");
    CHECK(strstr(err.msg, "missing/out.csv.tmp") != NULL, "message names the file: %.200s", err.msg);
    rmdir(dir);
    return TEST_DONE();
}
