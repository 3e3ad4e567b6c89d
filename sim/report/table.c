/* The report's inputs: CSV files as tables of text, the resolved config as settings, and
 * the checks that they describe one design. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_impl.h"
#include "internal.h"
#include "number.h"
#include "report_internal.h"

static int keep_all(sim_csv_table *t, void *ctx)
{
    (void)ctx;
    for (size_t f = 0; f < t->nheader; f++) {
        sim_csv_column spec = {.name = t->header[f], .text = 1};
        if (sim_csv_table_keep(t, f, &spec) < 0)
            return -1;
    }
    return 0;
}

int sim_report_table_read(sim_report_table *t, const char *path, mscsim_error *err)
{
    memset(t, 0, sizeof *t);
    t->path = path;
    sim_csv_status st = sim_csv_table_read(&t->csv, path, SIM_CSV_STRICT, keep_all, NULL);
    if (st == SIM_CSV_OK)
        return MSCSIM_OK;
    const sim_csv_problem *p = &t->csv.problem;
    int code = MSCSIM_ESYNTAX;
    if (st == SIM_CSV_CANNOT_OPEN || st == SIM_CSV_CANNOT_READ) {
        code = MSCSIM_EIO;
        sim_error_set(err, code, "cannot read: %s", strerror(p->sys_errno));
    } else if (st == SIM_CSV_NO_MEMORY || st == SIM_CSV_HEADER_REFUSED) {
        code = MSCSIM_ENOMEM;
        sim_error_set(err, code, "out of memory");
    } else if (st == SIM_CSV_EMPTY) {
        sim_error_set(err, code, "empty file: no header row");
    } else if (st == SIM_CSV_RAGGED_ROW) {
        sim_error_set(err, code, "row of %zu fields, the header has %zu", p->fields,
                      t->csv.nheader);
    } else if (st == SIM_CSV_TOO_LONG) {
        sim_error_set(err, code, "%s", p->limit);
    } else {
        sim_error_set(err, code, "not a CSV table (malformed quoting)");
    }
    sim_error_locate(err, path, (int)p->line, NULL, NULL);
    return code;
}

void sim_report_table_free(sim_report_table *t)
{
    sim_csv_table_free(&t->csv);
}

int sim_report_col(const sim_report_table *t, const char *name)
{
    return sim_csv_table_field(&t->csv, name); /* Every field is kept, in header order. */
}

const char *sim_report_text(const sim_report_table *t, int c, size_t row)
{
    return c < 0 ? NULL : sim_csv_level(&t->csv, c, row);
}

double sim_report_num(const sim_report_table *t, int c, size_t row)
{
    const char *s = sim_report_text(t, c, row);
    double v;
    if (!s || sim_number_read(s, strlen(s), &v) != SIM_NUM_OK)
        return (double)NAN;
    return v;
}

double sim_report_value(const sim_report_table *t, const char *name, size_t row)
{
    return sim_report_num(t, sim_report_col(t, name), row);
}

/* ---- the resolved config ---- */

/* Reads the whole file into a NUL-terminated buffer (malloc'ed), or NULL with errno. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 8192, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        len += fread(buf + len, 1, cap - 1 - len, f);
        if (len < cap - 1)
            break;
        char *grown = realloc(buf, cap * 2);
        if (!grown) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = grown;
        cap *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        free(buf);
        errno = bad ? EIO : ENOMEM;
        return NULL;
    }
    buf[len] = '\0';
    return buf;
}

/* Copies [from, to) trimmed of blanks into buf (size len). */
static void copy_trimmed(char *buf, size_t len, const char *from, const char *to)
{
    while (from < to && (*from == ' ' || *from == '\t'))
        from++;
    while (to > from && (to[-1] == ' ' || to[-1] == '\t' || to[-1] == '\r'))
        to--;
    size_t n = (size_t)(to - from) < len - 1 ? (size_t)(to - from) : len - 1;
    memcpy(buf, from, n);
    buf[n] = '\0';
}

/* Parses the settings of a resolved config: "[section]" lines, "key = value[  ; default]"
 * lines and their indented continuation lines (long lists); '#' lines are comments. */
static int parse_settings(sim_report_config *c)
{
    size_t cap = 0;
    char section[64] = "";
    int line = 0;
    for (const char *p = c->text; *p;) {
        const char *end = strchr(p, '\n');
        if (!end)
            end = p + strlen(p);
        line++;
        if (*p == '[') {
            const char *close = memchr(p, ']', (size_t)(end - p));
            copy_trimmed(section, sizeof section, p + 1, close ? close : end);
        } else if ((*p == ' ' || *p == '\t') && c->count) {
            sim_report_setting *s = &c->set[c->count - 1];
            char more[4096];
            copy_trimmed(more, sizeof more, p, end);
            sim_append(s->value, sizeof s->value, " ");
            sim_append(s->value, sizeof s->value, more);
        } else if (*p != '#' && *p != ';' && memchr(p, '=', (size_t)(end - p))) {
            if (c->count == cap) {
                cap = cap ? 2 * cap : 64;
                sim_report_setting *grown = realloc(c->set, cap * sizeof *grown);
                if (!grown)
                    return -1;
                c->set = grown;
            }
            sim_report_setting *s = &c->set[c->count++];
            const char *eq = memchr(p, '=', (size_t)(end - p));
            snprintf(s->section, sizeof s->section, "%s", section);
            copy_trimmed(s->key, sizeof s->key, p, eq);
            const char *value_end = end;
            const char *mark = strstr(eq, "  ; default");
            s->is_default = mark && mark < end;
            if (s->is_default)
                value_end = mark;
            copy_trimmed(s->value, sizeof s->value, eq + 1, value_end);
            s->line = line;
        }
        p = *end ? end + 1 : end;
    }
    return 0;
}

int sim_report_config_read(sim_report_config *c, const char *path, mscsim_error *err)
{
    memset(c, 0, sizeof *c);
    int status = mscsim_config_load(path, &c->cfg, err);
    if (!status)
        status = mscsim_config_validate(&c->cfg, err);
    if (status)
        return status;
    c->text = slurp(path);
    if (!c->text) {
        sim_error_set(err, errno == ENOMEM ? MSCSIM_ENOMEM : MSCSIM_EIO, "cannot read: %s",
                      strerror(errno));
        sim_error_locate(err, path, 0, NULL, NULL);
        return err->code;
    }
    if (parse_settings(c))
        return sim_error_set(err, MSCSIM_ENOMEM, "out of memory");
    return MSCSIM_OK;
}

void sim_report_config_free(sim_report_config *c)
{
    free(c->text);
    free(c->set);
    c->text = NULL;
    c->set = NULL;
}

const sim_report_setting *sim_report_setting_find(const sim_report_config *c, const char *section,
                                                  const char *key)
{
    for (size_t i = 0; i < c->count; i++)
        if (strcmp(c->set[i].section, section) == 0 && strcmp(c->set[i].key, key) == 0)
            return &c->set[i];
    return NULL;
}

/* ---- do the files describe one design? ---- */

static int mismatch(mscsim_error *err, const sim_report_table *t, size_t row, const char *fmt,
                    const char *a, const char *b)
{
    sim_error_set(err, MSCSIM_ECONFIG, fmt, a, b);
    sim_error_locate(err, t->path, (int)t->csv.row_line[row], NULL, NULL);
    return MSCSIM_ECONFIG;
}

int sim_report_check_results(const sim_report_table *t, const sim_report_config *c,
                             mscsim_error *err)
{
    static const char *const needed[] = {"scenario", "analysis", "n_total", "n_control",
                                         "n_msc",    "reps",     "power",   "power_lo",
                                         "power_hi", "true_effect"};
    for (size_t i = 0; i < SIM_ARRAY_LEN(needed); i++)
        if (sim_report_col(t, needed[i]) < 0) {
            sim_error_set(err, MSCSIM_ECONFIG,
                          "column '%s' is missing: not a results CSV of mscsim run", needed[i]);
            sim_error_locate(err, t->path, 1, NULL, NULL);
            return MSCSIM_ECONFIG;
        }
    if (t->csv.nrow == 0) {
        sim_error_set(err, MSCSIM_ECONFIG, "no results rows");
        sim_error_locate(err, t->path, 0, NULL, NULL);
        return MSCSIM_ECONFIG;
    }
    const mscsim_config *cfg = &c->cfg;
    const char *names[MSCSIM_MAX_ANALYSES];
    int analyses = mscsim_config_analyses(cfg, names);
    static const char *const labels[][2] = {
        {"model", "model.type"}, {"scale", "outcome.scale"}, {"endpoint", "analysis.endpoint"},
        {"missing", "analysis.missing"}};
    char expect[SIM_ARRAY_LEN(labels)][64];
    for (size_t l = 0; l < SIM_ARRAY_LEN(labels); l++) {
        char section[16];
        const char *dot = strchr(labels[l][1], '.');
        snprintf(section, sizeof section, "%.*s", (int)(dot - labels[l][1]), labels[l][1]);
        if (mscsim_config_format(cfg, section, dot + 1, expect[l], sizeof expect[l]))
            expect[l][0] = '\0';
    }
    double points = (double)mscsim_sweep_points(cfg);
    for (size_t r = 0; r < t->csv.nrow; r++) {
        const char *analysis = sim_report_text(t, sim_report_col(t, "analysis"), r);
        int found = 0;
        for (int k = 0; k < analyses; k++)
            found |= strcmp(analysis, names[k]) == 0;
        if (!found)
            return mismatch(err, t, r, "analysis '%s' is not among the analyses of %s", analysis,
                            c->cfg.path);
        double n = sim_report_value(t, "n_total", r);
        found = 0;
        for (int i = 0; i < cfg->n_count; i++)
            found |= (double)cfg->n[i] == n;
        const char *n_text = sim_report_text(t, sim_report_col(t, "n_total"), r);
        if (!found)
            return mismatch(err, t, r, "n_total %s is not in the [trial] n list of %s", n_text,
                            c->cfg.path);
        double scenario = sim_report_value(t, "scenario", r);
        if (!(scenario >= 1 && scenario <= points))
            return mismatch(err, t, r, "scenario %s is not a grid point of %s",
                            sim_report_text(t, sim_report_col(t, "scenario"), r), c->cfg.path);
        for (size_t l = 0; l < SIM_ARRAY_LEN(labels); l++) {
            int swept = 0; /* A swept label differs from the base config's by design. */
            for (int k = 0; k < cfg->sweep_count; k++)
                swept |= strcmp(cfg->sweep[k].name, labels[l][1]) == 0;
            if (swept)
                continue;
            const char *cell = sim_report_text(t, sim_report_col(t, labels[l][0]), r);
            if (cell && expect[l][0] && strcmp(cell, expect[l]) != 0) {
                char what[128];
                snprintf(what, sizeof what, "%s '%s'", labels[l][0], cell);
                return mismatch(err, t, r, "%s differs from the config's (%s)", what, expect[l]);
            }
        }
    }
    return MSCSIM_OK;
}
