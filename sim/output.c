#include "mscsim/output.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "number.h"

struct mscsim_csv_writer {
    FILE *fp;
    char *path;
    char *tmp_path;
};

SIM_API char *mscsim_format_double(char *buf, size_t len, double v)
{
    return sim_format_double(buf, len, v);
}

SIM_API int mscsim_read_double(const char *text, double *out)
{
    double v;
    switch (sim_number_read(text, strlen(text), &v)) {
    case SIM_NUM_OK:
        *out = v;
        return MSCSIM_OK;
    case SIM_NUM_MALFORMED:
        return MSCSIM_ESYNTAX;
    default:
        return MSCSIM_ERANGE;
    }
}

static char *dup_with_suffix(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    char *out = malloc(a + b + 1);
    if (out) {
        memcpy(out, s, a);
        memcpy(out + a, suffix, b + 1);
    }
    return out;
}

static void writer_free(mscsim_csv_writer *w)
{
    free(w->path);
    free(w->tmp_path);
    free(w);
}

SIM_API int mscsim_csv_writer_open(const char *path, mscsim_csv_writer **out,
                                      mscsim_error *err)
{
    *out = NULL;
    mscsim_csv_writer *w = calloc(1, sizeof *w);
    if (!w)
        return sim_error_set(err, MSCSIM_ENOMEM, "out of memory");
    w->path = dup_with_suffix(path, "");
    w->tmp_path = dup_with_suffix(path, ".tmp");
    if (!w->path || !w->tmp_path) {
        writer_free(w);
        return sim_error_set(err, MSCSIM_ENOMEM, "out of memory");
    }
    w->fp = fopen(w->tmp_path, "w");
    if (!w->fp) {
        int status = sim_error_set(err, MSCSIM_EIO, "cannot write %s: %s", w->tmp_path,
                                      strerror(errno));
        writer_free(w);
        return status;
    }
    *out = w;
    return MSCSIM_OK;
}

SIM_API int mscsim_csv_writer_row(mscsim_csv_writer *w, const char *const *fields,
                                     size_t count, mscsim_error *err)
{
    for (size_t i = 0; i < count; i++) {
        if (i > 0 && fputc(',', w->fp) == EOF)
            goto fail;
        /* Quote only fields that need it, so plain numbers stay plain. */
        if (strpbrk(fields[i], ",\"\r\n")) {
            if (csv_fwrite(w->fp, fields[i], strlen(fields[i])) != 0)
                goto fail;
        } else if (fputs(fields[i], w->fp) == EOF) {
            goto fail;
        }
    }
    if (fputc('\n', w->fp) == EOF)
        goto fail;
    return MSCSIM_OK;
fail:
    return sim_error_set(err, MSCSIM_EIO, "cannot write %s: %s", w->tmp_path, strerror(errno));
}

SIM_API FILE *mscsim_csv_writer_stream(mscsim_csv_writer *w)
{
    return w->fp;
}

SIM_API int mscsim_csv_writer_commit(mscsim_csv_writer *w, mscsim_error *err)
{
    int status = MSCSIM_OK;
    int write_failed = ferror(w->fp);
    if (fclose(w->fp) != 0 || write_failed) {
        status = sim_error_set(err, MSCSIM_EIO, "cannot write %s: %s", w->tmp_path,
                                  strerror(errno));
        remove(w->tmp_path);
    } else if (rename(w->tmp_path, w->path) != 0) {
        status = sim_error_set(err, MSCSIM_EIO, "cannot rename %s to %s: %s", w->tmp_path,
                                  w->path, strerror(errno));
        remove(w->tmp_path);
    }
    writer_free(w);
    return status;
}

SIM_API void mscsim_csv_writer_abort(mscsim_csv_writer *w)
{
    if (!w)
        return;
    fclose(w->fp);
    remove(w->tmp_path);
    writer_free(w);
}
