/*
 * Config loading: inih tokenises the file; each key is looked up by section.key and parsed
 * strictly. The first problem is reported with file, line, section and key. Checks across
 * keys run in mscsim_config_validate, before any output.
 */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdlib.h>
#include <string.h>

#include "../decision/decision.h"
#include "config_impl.h"
#include "internal.h"

/* Longest config line inih reads in one piece (its INI_MAX_LINE, Debian's build). */
#define CONFIG_MAX_LINE 200

static int section_known(const char *section)
{
    size_t n = sim_key_count();
    for (size_t i = 0; i < n; i++)
        if (strcmp(sim_key_at(i, NULL)->section, section) == 0)
            return 1;
    return 0;
}

/* The sections (and, with section, its keys) in listing order, each once. */
static void list_names(const char *section, char *buf, size_t len)
{
    size_t order[MSCSIM_MAX_KEYS], n = sim_key_order(order);
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const sim_key *k = sim_key_at(order[i], NULL);
        if (section && strcmp(k->section, section) != 0)
            continue;
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++) {
            const sim_key *e = sim_key_at(order[j], NULL);
            seen = strcmp(e->section, k->section) == 0 && (!section || strcmp(e->key, k->key) == 0);
        }
        if (seen)
            continue;
        if (buf[0])
            sim_append(buf, len, ", ");
        sim_append(buf, len, section ? k->key : k->section);
    }
    if (!section)
        sim_append(buf, len, ", sweep, prior");
}

int sim_config_set_key(mscsim_config *cfg, size_t index, const char *text, int line,
                       mscsim_error *err)
{
    const sim_key *k = sim_key_at(index, NULL);
    const char *section = k->section, *key = k->key;
    for (size_t i = index; sim_key_find(section, key, i, &i); i++) {
        int status = sim_config_parse_value(i, text, cfg, err);
        if (status)
            return status;
        cfg->key_line[i] = line;
    }
    return MSCSIM_OK;
}

/* Sets one key from a file line (line > 0) or an override (line = -1). */
static int apply(mscsim_config *cfg, const char *section, const char *key, const char *value,
                 const char *file, int line, mscsim_error *err)
{
    size_t index;
    char known[512];
    if (strcmp(section, "sweep") == 0)
        return sim_config_apply_sweep(cfg, key, value, file, line, err);
    if (strcmp(section, "prior") == 0)
        return sim_prior_apply(cfg, key, value, file, line, err);
    const sim_key *k = sim_key_find(section, key, 0, &index);
    int status;
    if (!k) {
        if (!section_known(section)) {
            list_names(NULL, known, sizeof known);
            status = sim_error_set(err, MSCSIM_EUNKNOWN_KEY,
                                      "unknown section [%s] (known: %s)", section, known);
            sim_error_locate(err, file, line, section, NULL);
        } else {
            list_names(section, known, sizeof known);
            status = sim_error_set(err, MSCSIM_EUNKNOWN_KEY,
                                      "unknown key '%s' (known in [%s]: %s)", key, section, known);
            sim_error_locate(err, file, line, section, key);
        }
        return status;
    }
    if (line > 0 && cfg->key_line[index] > 0) {
        status = sim_error_set(err, MSCSIM_ESYNTAX, "set twice (first on line %d)",
                                  cfg->key_line[index]);
        sim_error_locate(err, file, line, section, key);
        return status;
    }
    status = sim_config_set_key(cfg, index, value, line, err);
    if (status)
        sim_error_locate(err, file, line, section, key);
    return status;
}

/* What the model rows must respect to fit mscsim_config (checked at every load: the rows
 * are spread over the model files, so no single static assertion can see them all). */
static int check_model_rows(mscsim_error *err)
{
    size_t n = sim_key_count();
    if (n > MSCSIM_MAX_KEYS || n - sim_generic_key_count > MSCSIM_MAX_MODEL_KEYS)
        return sim_error_set(err, MSCSIM_EINVAL, "internal: %zu keys, %zu of models: raise "
                             "MSCSIM_MAX_KEYS or MSCSIM_MAX_MODEL_KEYS", n,
                             n - sim_generic_key_count);
    for (size_t i = sim_generic_key_count; i < n; i++) {
        const sim_key *k = sim_key_at(i, NULL);
        int fits = k->type == SIM_KEY_DOUBLE || k->type == SIM_KEY_DIST ||
                   (k->type == SIM_KEY_DOUBLE_LIST && k->max_count <= MSCSIM_MAX_LIST_VALUES) ||
                   (k->type == SIM_KEY_SUBGROUPS && k->max_count <= MSCSIM_MAX_SUBGROUPS);
        if (!fits) {
            int status = sim_error_set(err, MSCSIM_EINVAL, "internal: a model key of type %d "
                                       "does not fit mscsim_key_value", (int)k->type);
            sim_error_locate(err, "key table", 0, k->section, k->key);
            return status;
        }
    }
    return MSCSIM_OK;
}

static int set_defaults(mscsim_config *cfg, const char *path, mscsim_error *err)
{
    memset(cfg, 0, sizeof *cfg);
    int status = check_model_rows(err);
    if (status)
        return status;
    size_t n = sim_key_count();
    for (size_t i = 0; i < n; i++) {
        const sim_key *k = sim_key_at(i, NULL);
        if (k->default_text && sim_config_parse_value(i, k->default_text, cfg, err)) {
            status = sim_error_set(err, MSCSIM_EINVAL, "internal: default '%s' does not parse",
                                   k->default_text);
            sim_error_locate(err, "key table", 0, k->section, k->key);
            return status;
        }
    }
    /* The default name is the config file's name without directory and extension. */
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strcspn(base, ".");
    if (len >= MSCSIM_NAME_LEN)
        len = MSCSIM_NAME_LEN - 1;
    memcpy(cfg->name, base, len);
    cfg->name[len] = '\0';
    if (sim_config_parse_name(cfg->name, cfg->name, NULL) != MSCSIM_OK)
        snprintf(cfg->name, sizeof cfg->name, "mscsim");
    snprintf(cfg->path, sizeof cfg->path, "%s", path);
    cfg->scenario = 1;
    return MSCSIM_OK;
}

/* Room for one key's value joined from its continuation lines (a list of 64 sample sizes,
 * 32 swept values). */
#define CONFIG_MAX_VALUE 8192

typedef struct {
    FILE *fp;
    int line;            /* Lines read so far: the line inih is handling. */
    int too_long_line;   /* A line that did not fit inih's buffer. */
    int nul_line;        /* A line holding a NUL byte. */
    int continuation;    /* The line read last starts with blanks: it continues a value. */
    mscsim_config *cfg;
    mscsim_error *err;
    int failed;          /* An error was recorded (the first one wins). */
    /* The key read last, applied once its continuation lines are in. */
    int pending, pending_line;
    char section[64], name[64], value[CONFIG_MAX_VALUE];
} load_state;

/* fgets for inih that also counts lines (so every key knows its line), refuses NUL bytes
 * (which would end a line early in C strings), lets a comment line be longer than inih's
 * buffer (the rest of it is dropped) and notes lines that continue a value. */
static char *counting_reader(char *str, int num, void *stream)
{
    load_state *st = stream;
    if (st->too_long_line || st->nul_line)
        return NULL;
    int c = EOF, len = 0;
    while (len < num - 1 && (c = getc(st->fp)) != EOF) {
        if (c == '\0') {
            st->nul_line = st->line + 1;
            return NULL;
        }
        str[len++] = (char)c;
        if (c == '\n')
            break;
    }
    if (len == 0)
        return NULL;
    str[len] = '\0';
    st->line++;
    size_t lead = strspn(str, " \t");
    int comment = str[lead] == '#' || str[lead] == ';';
    if (str[len - 1] != '\n' && len == num - 1 && (c = getc(st->fp)) != EOF) {
        if (!comment) {
            st->too_long_line = st->line;
            return NULL;
        }
        while (c != '\n' && c != EOF) {
            if (c == '\0') {
                st->nul_line = st->line;
                return NULL;
            }
            c = getc(st->fp);
        }
    }
    st->continuation = lead > 0 && !comment && str[lead] != '\n' && str[lead] != '\r';
    return str;
}

/* Drops a '#' or ';' comment after a value (at the start or after a blank), then trailing
 * blanks: inih drops only ';' comments, and not on continuation lines. */
static void strip_comment(char *value)
{
    for (char *p = value; *p; p++)
        if ((*p == '#' || *p == ';') && (p == value || isspace((unsigned char)p[-1]))) {
            *p = '\0';
            break;
        }
    size_t n = strlen(value);
    while (n > 0 && isspace((unsigned char)value[n - 1]))
        value[--n] = '\0';
}

/* Applies the pending key; returns 0 when it (or an earlier one) failed. */
static int flush_pending(load_state *st)
{
    if (!st->pending || st->failed)
        return !st->failed;
    st->pending = 0;
    if (apply(st->cfg, st->section, st->name, st->value, st->cfg->path, st->pending_line,
              st->err)) {
        st->failed = 1;
        return 0;
    }
    return 1;
}

static int on_ini_key(void *user, const char *section, const char *name, const char *value)
{
    load_state *st = user;
    if (st->failed)
        return 1; /* Keep only the first error. */
    char text[CONFIG_MAX_VALUE];
    snprintf(text, sizeof text, "%s", value);
    strip_comment(text);
    if (st->continuation && st->pending && strcmp(section, st->section) == 0 &&
        strcmp(name, st->name) == 0) {
        /* A list continued on the next line: "n = 100, 200," then "    300". */
        size_t used = strlen(st->value);
        if (used + 1 + strlen(text) >= sizeof st->value) {
            sim_error_set(st->err, MSCSIM_ESYNTAX, "value longer than %d characters",
                          CONFIG_MAX_VALUE - 1);
            sim_error_locate(st->err, st->cfg->path, st->pending_line, section, name);
            st->failed = 1;
            return 0;
        }
        snprintf(st->value + used, sizeof st->value - used, " %s", text);
        return 1;
    }
    if (!flush_pending(st))
        return 0;
    if (strlen(section) >= sizeof st->section || strlen(name) >= sizeof st->name) {
        /* Longer than any known section or key: apply reports it as unknown. */
        if (apply(st->cfg, section, name, text, st->cfg->path, st->line, st->err)) {
            st->failed = 1;
            return 0;
        }
        return 1;
    }
    snprintf(st->section, sizeof st->section, "%s", section);
    snprintf(st->name, sizeof st->name, "%s", name);
    snprintf(st->value, sizeof st->value, "%s", text);
    st->pending_line = st->line;
    st->pending = 1;
    return 1;
}

SIM_API int mscsim_config_load(const char *path, mscsim_config *cfg, mscsim_error *err)
{
    int status = set_defaults(cfg, path, err);
    if (status)
        return status;
    load_state st = {.cfg = cfg, .err = err};
    st.fp = fopen(path, "r");
    if (!st.fp) {
        status = sim_error_set(err, MSCSIM_EIO, "cannot read config: %s", strerror(errno));
        sim_error_locate(err, path, 0, NULL, NULL);
        return status;
    }
    int first_error_line = ini_parse_stream(counting_reader, &st, on_ini_key, &st);
    if (!st.too_long_line && !st.nul_line)
        flush_pending(&st); /* the last key (errors keep the earliest line, below) */
    int read_failed = ferror(st.fp);
    fclose(st.fp);
    if (read_failed) {
        status = sim_error_set(err, MSCSIM_EIO, "cannot read config");
        sim_error_locate(err, path, 0, NULL, NULL);
        return status;
    }
    if (st.failed && (first_error_line <= 0 || first_error_line >= st.err->line))
        return st.err->code;
    if (first_error_line > 0) {
        status = sim_error_set(err, MSCSIM_ESYNTAX,
                                      "syntax error: expected '[section]' or 'key = value'");
        sim_error_locate(err, path, first_error_line, NULL, NULL);
        return status;
    }
    if (st.nul_line) {
        status = sim_error_set(err, MSCSIM_ESYNTAX, "a NUL byte (a config is plain text)");
        sim_error_locate(err, path, st.nul_line, NULL, NULL);
        return status;
    }
    if (st.too_long_line) {
        status = sim_error_set(err, MSCSIM_ESYNTAX, "line longer than %d characters",
                                      CONFIG_MAX_LINE - 2);
        sim_error_locate(err, path, st.too_long_line, NULL, NULL);
        return status;
    }
    if (st.failed)
        return st.err->code;
    if (first_error_line < 0)
        return sim_error_set(err, MSCSIM_ENOMEM, "out of memory reading %s", path);
    return MSCSIM_OK;
}

SIM_API int mscsim_config_set(mscsim_config *cfg, const char *assignment, mscsim_error *err)
{
    char section[64], key[64];
    const char *dot = strchr(assignment, '.');
    const char *eq = strchr(assignment, '=');
    if (!dot || !eq || dot > eq || (size_t)(dot - assignment) >= sizeof section ||
        (size_t)(eq - dot - 1) >= sizeof key) {
        int status = sim_error_set(err, MSCSIM_ESYNTAX,
                                      "'%s' is not section.key=value", assignment);
        sim_error_locate(err, "--set", 0, NULL, NULL);
        return status;
    }
    memcpy(section, assignment, (size_t)(dot - assignment));
    section[dot - assignment] = '\0';
    memcpy(key, dot + 1, (size_t)(eq - dot - 1));
    key[eq - dot - 1] = '\0';
    return apply(cfg, section, key, eq + 1, "--set", -1, err);
}

