/*
 * Config loading: inih tokenises the file; each key is looked up in the key table
 * (config_keys.c) and parsed strictly. The first problem is reported with file, line,
 * section and key. Checks across keys run in mscsim_config_validate, before any output.
 */
#include "mscsim/config.h"

#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config_impl.h"
#include "internal.h"
#include "mscsim/model.h"
#include "mscsim/output.h"
#include "mscsim/version.h"

/* Longest config line inih reads in one piece (its INI_MAX_LINE, Debian's build). */
#define CONFIG_MAX_LINE 200

/* ---- key table lookups ------------------------------------------------------------ */

static const config_key *find_key(const char *section, const char *key, size_t *index)
{
    for (size_t i = 0; i < sim_config_key_count; i++) {
        const config_key *k = &sim_config_keys[i];
        if (strcmp(k->section, section) == 0 && strcmp(k->key, key) == 0) {
            if (index)
                *index = i;
            return k;
        }
    }
    return NULL;
}

static int section_known(const char *section)
{
    for (size_t i = 0; i < sim_config_key_count; i++)
        if (strcmp(sim_config_keys[i].section, section) == 0)
            return 1;
    return 0;
}

/* Appends s to buf (size len) if it fits. */
static void append(char *buf, size_t len, const char *s)
{
    size_t used = strlen(buf);
    if (used < len)
        snprintf(buf + used, len - used, "%s", s);
}

static void list_sections(char *buf, size_t len)
{
    buf[0] = '\0';
    for (size_t i = 0; i < sim_config_key_count; i++) {
        const char *s = sim_config_keys[i].section;
        int seen = 0;
        for (size_t j = 0; j < i; j++)
            seen |= strcmp(sim_config_keys[j].section, s) == 0;
        if (!seen) {
            if (buf[0])
                append(buf, len, ", ");
            append(buf, len, s);
        }
    }
    append(buf, len, ", sweep");
}

static void list_keys(const char *section, char *buf, size_t len)
{
    buf[0] = '\0';
    for (size_t i = 0; i < sim_config_key_count; i++) {
        if (strcmp(sim_config_keys[i].section, section) != 0)
            continue;
        if (buf[0])
            append(buf, len, ", ");
        append(buf, len, sim_config_keys[i].key);
    }
}

/* 1 when the space-separated list names `name` (a NULL list names every model). */
static int models_include(const char *list, const char *name)
{
    if (!list)
        return 1;
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        size_t w = strcspn(p, " ");
        if (w == n && strncmp(p, name, n) == 0)
            return 1;
        p += w;
        p += strspn(p, " ");
    }
    return 0;
}

/* ---- strict value parsing ----------------------------------------------------------- */

static void describe_range(const config_key *k, char *buf, size_t len)
{
    char lo[32], hi[32];
    mscsim_format_double(lo, sizeof lo, k->min);
    mscsim_format_double(hi, sizeof hi, k->max);
    snprintf(buf, len, "%c%s, %s%c", (k->flags & KEY_MIN_EXCLUSIVE) ? '(' : '[', lo, hi,
             (k->flags & KEY_MAX_EXCLUSIVE) ? ')' : ']');
}

static int check_range(const config_key *k, double v, const char *text, mscsim_error *err)
{
    int below = (k->flags & KEY_MIN_EXCLUSIVE) ? v <= k->min : v < k->min;
    int above = (k->flags & KEY_MAX_EXCLUSIVE) ? v >= k->max : v > k->max;
    if (below || above) {
        char range[96];
        describe_range(k, range, sizeof range);
        return sim_error_set(err, MSCSIM_ERANGE, "%s is out of range %s", text, range);
    }
    return MSCSIM_OK;
}

static int parse_long(const config_key *k, const char *text, long *out, mscsim_error *err)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    while (isspace((unsigned char)*end))
        end++;
    if (end == text || *end != '\0')
        return sim_error_set(err, MSCSIM_ESYNTAX, "'%s' is not a whole number", text);
    if (errno == ERANGE)
        return sim_error_set(err, MSCSIM_ERANGE, "'%s' is too large", text);
    *out = v;
    return check_range(k, (double)v, text, err);
}

static int parse_double(const config_key *k, const char *text, double *out, mscsim_error *err)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    while (isspace((unsigned char)*end))
        end++;
    if (end == text || *end != '\0' || isnan(v))
        return sim_error_set(err, MSCSIM_ESYNTAX, "'%s' is not a number", text);
    if ((errno == ERANGE && !isinf(v)) || (isinf(v) && !(k->flags & KEY_ALLOW_INFINITE)))
        return sim_error_set(err, MSCSIM_ERANGE, "'%s' is not a finite number", text);
    *out = v;
    return check_range(k, v, text, err);
}

static int parse_u64(const char *text, uint64_t *out, mscsim_error *err)
{
    char *end;
    errno = 0;
    const char *s = text;
    while (isspace((unsigned char)*s))
        s++;
    unsigned long long v = strtoull(s, &end, 10);
    while (isspace((unsigned char)*end))
        end++;
    if (end == s || *end != '\0' || *s == '-' || *s == '+')
        return sim_error_set(err, MSCSIM_ESYNTAX, "'%s' is not a whole number >= 0", text);
    if (errno == ERANGE)
        return sim_error_set(err, MSCSIM_ERANGE, "'%s' is larger than 2^64 - 1", text);
    *out = (uint64_t)v;
    return MSCSIM_OK;
}

static int parse_name(const char *text, char *out, mscsim_error *err)
{
    size_t len = strlen(text);
    if (len == 0 || len >= MSCSIM_NAME_LEN)
        return sim_error_set(err, MSCSIM_ESYNTAX, "a name needs 1 to %d characters",
                                MSCSIM_NAME_LEN - 1);
    for (size_t i = 0; i < len; i++)
        if (!isalnum((unsigned char)text[i]) && !strchr("_-.", text[i]))
            return sim_error_set(err, MSCSIM_ESYNTAX,
                                    "'%s' may hold only letters, digits, '_', '-' and '.'", text);
    memcpy(out, text, len + 1);
    return MSCSIM_OK;
}

/* Splits text at commas into at most max items of up to item_len - 1 characters each,
 * calling parse_item(index, item) for each; returns the count or -1 with err set. */
typedef int (*item_parser)(const config_key *k, int index, const char *item, void *field,
                           mscsim_error *err);

static int parse_list(const config_key *k, const char *text, void *field, item_parser parse_item,
                      mscsim_error *err)
{
    char item[128];
    int count = 0;
    const char *p = text;
    for (;;) {
        size_t w = strcspn(p, ",");
        if (count == k->max_count)
            return sim_error_set(err, MSCSIM_ERANGE, "more than %d values", k->max_count), -1;
        if (w >= sizeof item)
            return sim_error_set(err, MSCSIM_ESYNTAX, "value too long: '%.40s...'", p), -1;
        /* Items are trimmed on both sides: "welch , ancova" lists welch and ancova. */
        size_t len = w;
        while (len > 0 && isspace((unsigned char)p[len - 1]))
            len--;
        memcpy(item, p, len);
        item[len] = '\0';
        const char *t = item;
        while (isspace((unsigned char)*t))
            t++;
        if (parse_item(k, count, t, field, err))
            return -1;
        count++;
        if (p[w] == '\0')
            break;
        p += w + 1;
    }
    return count;
}

static int long_item(const config_key *k, int index, const char *item, void *field,
                     mscsim_error *err)
{
    return parse_long(k, item, (long *)field + index, err);
}

static int double_item(const config_key *k, int index, const char *item, void *field,
                       mscsim_error *err)
{
    return parse_double(k, item, (double *)field + index, err);
}

static int parse_analysis(const char *text, char *out, mscsim_error *err);

static int analysis_item(const config_key *k, int index, const char *item, void *field,
                         mscsim_error *err)
{
    (void)k;
    return parse_analysis(item, (char *)field + (size_t)index * MSCSIM_NAME_LEN, err);
}

static int parse_choice(const config_key *k, const char *text, int *out, mscsim_error *err);

static int choice_item(const config_key *k, int index, const char *item, void *field,
                       mscsim_error *err)
{
    return parse_choice(k, item, (int *)field + index, err);
}

/* One "r:tau_weeks:weight" triple; their cross-value rules are the model's to check. */
static int subgroup_item(const config_key *k, int index, const char *item, void *field,
                         mscsim_error *err)
{
    (void)k;
    mscsim_subgroup *g = (mscsim_subgroup *)field + index;
    double v[3];
    const char *p = item;
    for (int i = 0; i < 3; i++) {
        char *end;
        errno = 0;
        v[i] = strtod(p, &end);
        if (end == p || errno == ERANGE || !isfinite(v[i]))
            break;
        while (isspace((unsigned char)*end))
            end++;
        if (i < 2 && *end != ':')
            break;
        if (i == 2) {
            if (*end != '\0')
                break;
            *g = (mscsim_subgroup){v[0], v[1], v[2]};
            return MSCSIM_OK;
        }
        p = end + 1;
    }
    return sim_error_set(err, MSCSIM_ESYNTAX, "'%s' is not r:tau_weeks:weight", item);
}

/* Parses a list into a scratch copy first so a failed parse leaves the field unchanged. */
static int parse_list_key(const config_key *k, const char *text, mscsim_config *cfg,
                          item_parser parse_item, size_t item_size, mscsim_error *err)
{
    unsigned char scratch[MSCSIM_MAX_N_VALUES * sizeof(mscsim_subgroup)];
    if ((size_t)k->max_count * item_size > sizeof scratch)
        return sim_error_set(err, MSCSIM_EINVAL, "internal: list too long");
    int count = parse_list(k, text, scratch, parse_item, err);
    if (count < 0)
        return err ? err->code : MSCSIM_ESYNTAX;
    memcpy((char *)cfg + k->offset, scratch, (size_t)count * item_size);
    *(int *)((char *)cfg + k->count_offset) = count;
    return MSCSIM_OK;
}

static int parse_ratio(const config_key *k, const char *text, int out[2], mscsim_error *err)
{
    const char *colon = strchr(text, ':');
    if (!colon)
        return sim_error_set(err, MSCSIM_ESYNTAX, "'%s' is not a ratio like 1:2", text);
    char left[32];
    size_t w = (size_t)(colon - text);
    if (w >= sizeof left)
        return sim_error_set(err, MSCSIM_ESYNTAX, "'%s' is not a ratio like 1:2", text);
    memcpy(left, text, w);
    left[w] = '\0';
    long c, m;
    int status = parse_long(k, left, &c, err);
    if (!status)
        status = parse_long(k, colon + 1, &m, err);
    if (status)
        return status;
    out[0] = (int)c;
    out[1] = (int)m;
    return MSCSIM_OK;
}

static int parse_choice(const config_key *k, const char *text, int *out, mscsim_error *err)
{
    char known[256] = "";
    for (int i = 0; k->choices[i]; i++) {
        if (strcmp(k->choices[i], text) == 0) {
            *out = i;
            return MSCSIM_OK;
        }
        if (i)
            append(known, sizeof known, ", ");
        append(known, sizeof known, k->choices[i]);
    }
    return sim_error_set(err, MSCSIM_ERANGE, "unknown value '%s' (known: %s)", text, known);
}

static int parse_model(const char *text, char *out, mscsim_error *err)
{
    if (mscsim_model_find(text))
        return parse_name(text, out, err);
    char known[256] = "";
    const mscsim_model_type *const *m = mscsim_model_list();
    for (size_t i = 0; m[i]; i++) {
        if (i)
            append(known, sizeof known, ", ");
        append(known, sizeof known, m[i]->name);
    }
    return sim_error_set(err, MSCSIM_ERANGE, "unknown model '%s' (known: %s)", text, known);
}

static int parse_analysis(const char *text, char *out, mscsim_error *err)
{
    if (mscsim_analysis_find(text))
        return parse_name(text, out, err);
    char known[256] = "";
    const mscsim_analysis_type *const *a = mscsim_analysis_list();
    for (size_t i = 0; a[i]; i++) {
        if (i)
            append(known, sizeof known, ", ");
        append(known, sizeof known, a[i]->name);
    }
    return sim_error_set(err, MSCSIM_ERANGE, "unknown analysis '%s' (known: %s)", text, known);
}

/* Parses text into the field of key k; the error carries no location yet. */
static int parse_value(const config_key *k, const char *text, mscsim_config *cfg,
                       mscsim_error *err)
{
    void *field = (char *)cfg + k->offset;
    long lv;
    int status;
    char why[256];
    switch (k->type) {
    case KEY_STRING:
        return parse_name(text, field, err);
    case KEY_INT:
        status = parse_long(k, text, &lv, err);
        if (!status)
            *(int *)field = (int)lv;
        return status;
    case KEY_LONG:
        return parse_long(k, text, field, err);
    case KEY_U64:
        return parse_u64(text, field, err);
    case KEY_DOUBLE:
        return parse_double(k, text, field, err);
    case KEY_LONG_LIST:
        return parse_list_key(k, text, cfg, long_item, sizeof(long), err);
    case KEY_DOUBLE_LIST:
        return parse_list_key(k, text, cfg, double_item, sizeof(double), err);
    case KEY_SUBGROUPS:
        return parse_list_key(k, text, cfg, subgroup_item, sizeof(mscsim_subgroup), err);
    case KEY_ANALYSIS_LIST:
        return parse_list_key(k, text, cfg, analysis_item, MSCSIM_NAME_LEN, err);
    case KEY_ENUM_LIST:
        return parse_list_key(k, text, cfg, choice_item, sizeof(int), err);
    case KEY_RATIO:
        return parse_ratio(k, text, field, err);
    case KEY_ENUM: {
        int choice = 0;
        status = parse_choice(k, text, &choice, err);
        if (!status)
            *(int *)field = choice; /* Enum fields are int-sized. */
        return status;
    }
    case KEY_DIST:
        status = mscsim_distspec_parse(text, field, why, sizeof why);
        return status ? sim_error_set(err, status, "%s", why) : MSCSIM_OK;
    case KEY_MODEL:
        return parse_model(text, field, err);
    case KEY_ANALYSIS:
        return parse_analysis(text, field, err);
    }
    return sim_error_set(err, MSCSIM_EINVAL, "internal: key type %d", (int)k->type);
}

/* ---- [sweep] ------------------------------------------------------------------------ */

/* A [sweep] line "section.key = v1, v2, ...": the key must exist and take one value (a
 * list-valued key cannot be told apart from its sweep), and every value must parse. */
static int apply_sweep(mscsim_config *cfg, const char *name, const char *value, const char *file,
                       int line, mscsim_error *err)
{
    int status = MSCSIM_OK;
    char section[64], key[64];
    const char *dot = strchr(name, '.');
    size_t index = 0;
    const config_key *k = NULL;
    if (dot && (size_t)(dot - name) < sizeof section && strlen(dot + 1) < sizeof key) {
        memcpy(section, name, (size_t)(dot - name));
        section[dot - name] = '\0';
        snprintf(key, sizeof key, "%s", dot + 1);
        k = find_key(section, key, &index);
    }
    if (!k)
        status = sim_error_set(err, MSCSIM_EUNKNOWN_KEY,
                                  "'%s' is not a config key written section.key", name);
    else if (k->type == KEY_LONG_LIST || k->type == KEY_DOUBLE_LIST || k->type == KEY_SUBGROUPS ||
             k->type == KEY_ANALYSIS_LIST || k->type == KEY_ENUM_LIST)
        status = sim_error_set(err, MSCSIM_EINVAL, "%s takes a list, so it cannot be swept%s",
                                  name, strcmp(name, "trial.n") == 0
                                            ? " (its own list of sizes is crossed with the sweep)"
                                            : "");
    else if (strcmp(section, "simulation") == 0)
        status = sim_error_set(err, MSCSIM_EINVAL, "[simulation] keys cannot be swept");
    for (int i = 0; !status && i < cfg->sweep_count; i++)
        if (strcmp(cfg->sweep[i].name, name) == 0)
            status = sim_error_set(err, MSCSIM_ESYNTAX, "swept twice");
    if (!status && cfg->sweep_count == MSCSIM_MAX_SWEEP_KEYS)
        status = sim_error_set(err, MSCSIM_EINVAL, "at most %d keys can be swept",
                                  MSCSIM_MAX_SWEEP_KEYS);
    mscsim_sweep_key *sw = &cfg->sweep[cfg->sweep_count];
    if (!status) {
        memset(sw, 0, sizeof *sw);
        snprintf(sw->name, sizeof sw->name, "%s", name);
        sw->key = (int)index;
        sw->line = line;
    }
    for (const char *p = value; !status;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len && isspace((unsigned char)*p))
            p++, len--;
        while (len && isspace((unsigned char)p[len - 1]))
            len--;
        if (len == 0)
            status = sim_error_set(err, MSCSIM_ESYNTAX, "empty value in the sweep list");
        else if (len >= MSCSIM_SWEEP_VALUE_LEN)
            status = sim_error_set(err, MSCSIM_ESYNTAX, "value '%.*s...' is too long", 20, p);
        else if (sw->value_count == MSCSIM_MAX_SWEEP_VALUES)
            status = sim_error_set(err, MSCSIM_EINVAL, "at most %d values per swept key",
                                      MSCSIM_MAX_SWEEP_VALUES);
        if (status)
            break;
        char *v = sw->values[sw->value_count++];
        memcpy(v, p, len);
        v[len] = '\0';
        mscsim_config scratch = *cfg;
        if ((status = parse_value(k, v, &scratch, err)) != MSCSIM_OK) {
            char why[sizeof err->msg];
            snprintf(why, sizeof why, "%s", err->msg);
            sim_error_set(err, status, "value '%s': %s", v, why);
        }
        if (!end)
            break;
        p = end + 1;
    }
    if (status) {
        sim_error_locate(err, file, line, "sweep", name);
        return status;
    }
    cfg->sweep_count++;
    return MSCSIM_OK;
}

SIM_API size_t mscsim_sweep_points(const mscsim_config *cfg)
{
    size_t points = 1;
    for (int i = 0; i < cfg->sweep_count; i++)
        points *= (size_t)cfg->sweep[i].value_count;
    return points;
}

SIM_API const char *mscsim_sweep_value(const mscsim_config *cfg, int key, size_t point)
{
    size_t stride = 1;
    for (int i = cfg->sweep_count - 1; i > key; i--)
        stride *= (size_t)cfg->sweep[i].value_count;
    return cfg->sweep[key].values[(point / stride) % (size_t)cfg->sweep[key].value_count];
}

SIM_API int mscsim_sweep_point(const mscsim_config *cfg, size_t point, mscsim_config *out,
                                  mscsim_error *err)
{
    *out = *cfg;
    out->sweep_count = 0;
    out->scenario = (long)point + 1;
    for (int i = 0; i < cfg->sweep_count; i++) {
        const mscsim_sweep_key *sw = &cfg->sweep[i];
        int status = parse_value(&sim_config_keys[sw->key], mscsim_sweep_value(cfg, i, point),
                                 out, err);
        if (status) /* Parsed when the sweep was read: not expected. */
            return status;
        out->key_line[sw->key] = sw->line; /* Provenance at the [sweep] line, for messages. */
    }
    int status = mscsim_config_validate(out, err);
    if (status) {
        char why[sizeof err->msg + 300];
        mscsim_error_format(err, why, sizeof why);
        char at[256] = "";
        for (int i = 0; i < cfg->sweep_count; i++) {
            size_t used = strlen(at);
            snprintf(at + used, sizeof at - used, "%s%s = %s", i ? ", " : "", cfg->sweep[i].name,
                     mscsim_sweep_value(cfg, i, point));
        }
        /* Point at the swept key the reason names, else at the sweep's first line. */
        const mscsim_sweep_key *culprit = &cfg->sweep[0];
        char inner[2 * MSCSIM_NAME_LEN];
        snprintf(inner, sizeof inner, "%s.%s", err->section, err->key);
        for (int i = 0; i < cfg->sweep_count; i++)
            if (strcmp(cfg->sweep[i].name, inner) == 0)
                culprit = &cfg->sweep[i];
        sim_error_set(err, status, "grid point %zu (%s): %.300s", point + 1, at, why);
        sim_error_locate(err, culprit->line < 0 ? "--set" : cfg->path, culprit->line, "sweep",
                            culprit->name);
    }
    return status;
}

/* Sets one key from a file line (line > 0) or an override (line = -1). */
static int apply(mscsim_config *cfg, const char *section, const char *key, const char *value,
                 const char *file, int line, mscsim_error *err)
{
    size_t index;
    char known[512];
    if (strcmp(section, "sweep") == 0)
        return apply_sweep(cfg, key, value, file, line, err);
    const config_key *k = find_key(section, key, &index);
    int status;
    if (!k) {
        if (!section_known(section)) {
            list_sections(known, sizeof known);
            status = sim_error_set(err, MSCSIM_EUNKNOWN_KEY,
                                      "unknown section [%s] (known: %s)", section, known);
            sim_error_locate(err, file, line, section, NULL);
        } else {
            list_keys(section, known, sizeof known);
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
    status = parse_value(k, value, cfg, err);
    if (status) {
        sim_error_locate(err, file, line, section, key);
        return status;
    }
    cfg->key_line[index] = line;
    return MSCSIM_OK;
}

static int set_defaults(mscsim_config *cfg, const char *path, mscsim_error *err)
{
    memset(cfg, 0, sizeof *cfg);
    for (size_t i = 0; i < sim_config_key_count; i++) {
        const config_key *k = &sim_config_keys[i];
        if (k->default_text && parse_value(k, k->default_text, cfg, err)) {
            int status = sim_error_set(err, MSCSIM_EINVAL, "internal: default '%s' does not "
                                          "parse", k->default_text);
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
    if (parse_name(cfg->name, cfg->name, NULL) != MSCSIM_OK)
        snprintf(cfg->name, sizeof cfg->name, "mscsim");
    snprintf(cfg->path, sizeof cfg->path, "%s", path);
    cfg->scenario = 1;
    return MSCSIM_OK;
}

/* ---- loading ------------------------------------------------------------------------ */

typedef struct {
    FILE *fp;
    int line;            /* Lines read so far: the line inih is handling. */
    int too_long_line;   /* A line that did not fit inih's buffer. */
    mscsim_config *cfg;
    mscsim_error *err;
    int failed;          /* An error was recorded (the first one wins). */
} load_state;

/* fgets for inih that also counts lines, so every key knows its line. */
static char *counting_reader(char *str, int num, void *stream)
{
    load_state *st = stream;
    if (st->too_long_line)
        return NULL;
    char *r = fgets(str, num, st->fp);
    if (!r)
        return NULL;
    st->line++;
    size_t len = strlen(r);
    if (len == (size_t)num - 1 && r[len - 1] != '\n' && !feof(st->fp)) {
        st->too_long_line = st->line;
        return NULL;
    }
    return r;
}

static int on_ini_key(void *user, const char *section, const char *name, const char *value)
{
    load_state *st = user;
    if (st->failed)
        return 1; /* Keep only the first error. */
    if (apply(st->cfg, section, name, value, st->cfg->path, st->line, st->err)) {
        st->failed = 1;
        return 0;
    }
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

/* ---- checks across keys --------------------------------------------------------------- */

SIM_API int mscsim_config_is_set(const mscsim_config *cfg, const char *section,
                                    const char *key)
{
    size_t index;
    return find_key(section, key, &index) && cfg->key_line[index] != 0;
}

SIM_API int mscsim_config_error_at(const mscsim_config *cfg, const char *section,
                                      const char *key, mscsim_error *err)
{
    size_t index;
    if (find_key(section, key, &index) && cfg->key_line[index] != 0) {
        int line = cfg->key_line[index];
        sim_error_locate(err, line < 0 ? "--set" : cfg->path, line, section, key);
    } else {
        sim_error_locate(err, cfg->path, 0, section, key);
    }
    return err ? err->code : MSCSIM_ECONFIG;
}

SIM_API void mscsim_config_arm_sizes(const mscsim_config *cfg, long n,
                                        long sizes[MSCSIM_ARM_COUNT])
{
    long c = cfg->alloc[MSCSIM_ARM_CONTROL], m = cfg->alloc[MSCSIM_ARM_MSC];
    /* round(n*m/(c+m)) in integers, halves rounded up. */
    sizes[MSCSIM_ARM_MSC] = (2 * n * m + (c + m)) / (2 * (c + m));
    sizes[MSCSIM_ARM_CONTROL] = n - sizes[MSCSIM_ARM_MSC];
}

SIM_API int mscsim_config_analyses(const mscsim_config *cfg,
                                      const char *names[MSCSIM_MAX_ANALYSES])
{
    if (cfg->test_count > 0) {
        for (int i = 0; i < cfg->test_count; i++)
            names[i] = cfg->tests[i];
        return cfg->test_count;
    }
    names[0] = cfg->test;
    return cfg->test[0] ? 1 : 0;
}

SIM_API void mscsim_config_block(const mscsim_config *cfg, long block[MSCSIM_ARM_COUNT])
{
    long c = cfg->alloc[MSCSIM_ARM_CONTROL], m = cfg->alloc[MSCSIM_ARM_MSC], g = sim_gcd(c, m);
    block[MSCSIM_ARM_CONTROL] = c / g;
    block[MSCSIM_ARM_MSC] = m / g;
}

SIM_API mscsim_scale_id mscsim_config_scale(const mscsim_config *cfg)
{
    const mscsim_model_type *model = mscsim_model_find(cfg->model);
    return model && model->outcome == MSCSIM_OUTCOME_ORDINAL ? MSCSIM_SCALE_MRS : cfg->scale;
}

SIM_API mscsim_endpoint mscsim_config_endpoint(const mscsim_config *cfg)
{
    if (cfg->endpoint != MSCSIM_ENDPOINT_AUTO)
        return cfg->endpoint;
    const mscsim_model_type *model = mscsim_model_find(cfg->model);
    return model && model->outcome == MSCSIM_OUTCOME_CONTINUOUS ? MSCSIM_ENDPOINT_CHANGE
                                                                : MSCSIM_ENDPOINT_FINAL;
}

SIM_API int mscsim_config_primary_index(const mscsim_config *cfg)
{
    if (cfg->primary_visit == 0)
        return cfg->visit_count - 1;
    for (int i = 0; i < cfg->visit_count; i++)
        if (cfg->visits[i] == cfg->primary_visit)
            return i;
    return -1;
}

/* Sets err's reason and locates it at section.key; returns the code. */
static int key_error(const mscsim_config *cfg, const char *section, const char *key,
                     mscsim_error *err, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int key_error(const mscsim_config *cfg, const char *section, const char *key,
                     mscsim_error *err, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    sim_error_set(err, MSCSIM_ECONFIG, "%s", msg);
    return mscsim_config_error_at(cfg, section, key, err);
}

/* The key that names the analyses: "tests" when set, else "test". */
static const char *analysis_key(const mscsim_config *cfg)
{
    return cfg->test_count > 0 ? "tests" : "test";
}

/* The rules tying the endpoint, the analysis and the model together. */
static int validate_endpoint(const mscsim_config *cfg, const mscsim_model_type *model,
                             const mscsim_analysis_type *analysis, mscsim_error *err)
{
    mscsim_endpoint endpoint = mscsim_config_endpoint(cfg);
    int has_baseline = model->outcome == MSCSIM_OUTCOME_CONTINUOUS;
    const char *endpoint_name = endpoint == MSCSIM_ENDPOINT_CHANGE  ? "change"
                                : endpoint == MSCSIM_ENDPOINT_FINAL ? "final"
                                : endpoint == MSCSIM_ENDPOINT_RATIO ? "ratio"
                                                                    : "responder";
    if (model->outcome == MSCSIM_OUTCOME_BINARY && endpoint != MSCSIM_ENDPOINT_FINAL)
        return key_error(cfg, "analysis", "endpoint", err,
                         "the binary model's outcome is itself the endpoint: use final or auto");
    int needs_baseline = endpoint == MSCSIM_ENDPOINT_CHANGE || endpoint == MSCSIM_ENDPOINT_RATIO ||
                         (endpoint == MSCSIM_ENDPOINT_RESPONDER &&
                          cfg->responder_on == MSCSIM_RESPONDER_ON_CHANGE);
    if (needs_baseline && !has_baseline)
        return key_error(cfg, "analysis", "endpoint", err,
                         "endpoint %s%s needs a baseline score, which model '%s' does not have",
                         endpoint_name,
                         endpoint == MSCSIM_ENDPOINT_RESPONDER ? " on change" : "", model->name);
    if (analysis->uses_baseline && !has_baseline)
        return key_error(cfg, "analysis", analysis_key(cfg), err,
                         "analysis '%s' adjusts for the baseline score, which model '%s' does "
                         "not have", analysis->name, model->name);
    if (endpoint == MSCSIM_ENDPOINT_RESPONDER && !mscsim_config_is_set(cfg, "analysis", "threshold"))
        return key_error(cfg, "analysis", "threshold", err,
                         "a responder endpoint needs [analysis] threshold");
    unsigned kind = endpoint == MSCSIM_ENDPOINT_RESPONDER ? MSCSIM_OUTCOME_BINARY : model->outcome;
    if (!(analysis->outcomes & kind))
        return key_error(cfg, "analysis", analysis_key(cfg), err,
                         "analysis '%s' does not fit model '%s' with endpoint %s (%s outcome)",
                         analysis->name, model->name, endpoint_name,
                         kind == MSCSIM_OUTCOME_BINARY    ? "binary"
                         : kind == MSCSIM_OUTCOME_ORDINAL ? "ordinal"
                                                          : "continuous");
    return MSCSIM_OK;
}

static int validate_scale_and_visits(const mscsim_config *cfg, const mscsim_model_type *model,
                                     mscsim_error *err)
{
    if (model->outcome == MSCSIM_OUTCOME_BINARY && cfg->scale != MSCSIM_SCALE_NONE)
        return key_error(cfg, "outcome", "scale", err, "the binary model's outcome has no scale");
    if (model->outcome == MSCSIM_OUTCOME_ORDINAL && cfg->scale != MSCSIM_SCALE_NONE &&
        cfg->scale != MSCSIM_SCALE_MRS)
        return key_error(cfg, "outcome", "scale", err, "the ordinal model's scale is mrs");
    for (int i = 1; i < cfg->visit_count; i++)
        if (!(cfg->visits[i] > cfg->visits[i - 1]))
            return key_error(cfg, "trial", "visits", err, "visit days must increase");
    if (cfg->visit_count > 1 && !model->multi_visit)
        return key_error(cfg, "trial", "visits", err,
                         "model '%s' scores the primary visit only: give one visit (several "
                         "need the trajectory model)", model->name);
    if (cfg->dropout_weight_count > 0) {
        double total = 0;
        for (int v = 0; v < cfg->dropout_weight_count; v++)
            total += cfg->dropout_weights[v];
        if (cfg->dropout_weight_count != mscsim_config_primary_index(cfg) + 1 || !(total > 0))
            return key_error(cfg, "dropout", "visit_weights", err,
                             "give one weight per visit up to the primary visit (%d), not all 0",
                             mscsim_config_primary_index(cfg) + 1);
    }
    int continuous = model->outcome == MSCSIM_OUTCOME_CONTINUOUS;
    if (!continuous && (cfg->missing == MSCSIM_MISSING_LOCF || cfg->missing == MSCSIM_MISSING_BOCF ||
                        cfg->missing == MSCSIM_MISSING_MI))
        return key_error(cfg, "analysis", "missing", err,
                         "locf, bocf and mi need baseline and visit scores, which model '%s' "
                         "does not have", model->name);
    if (cfg->missing == MSCSIM_MISSING_WORST && continuous && cfg->scale == MSCSIM_SCALE_NONE)
        return key_error(cfg, "analysis", "missing", err,
                         "worst needs a bounded [outcome] scale");
    if (!continuous && cfg->dropout_mechanism == MSCSIM_DROPOUT_MAR)
        return key_error(cfg, "dropout", "mechanism", err,
                         "mar needs an observed baseline score or earlier visit, which model "
                         "'%s' does not have", model->name);
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++)
        if (cfg->arm[a].mortality > 0 && cfg->death == MSCSIM_DEATH_WORST &&
            cfg->scale == MSCSIM_SCALE_NONE && model->outcome == MSCSIM_OUTCOME_CONTINUOUS)
            return key_error(cfg, a ? "msc" : "control", "mortality", err,
                             "a death scored worst needs a bounded [outcome] scale "
                             "(or [outcome] death = missing)");
    if (mscsim_config_primary_index(cfg) < 0)
        return key_error(cfg, "trial", "primary_visit", err, "day %g is not one of the visits",
                         cfg->primary_visit);
    return MSCSIM_OK;
}

static int validate_design(const mscsim_config *cfg, mscsim_error *err);

/* The design, then every grid point of its sweep, so a bad combination stops before any
 * simulation or output. */
SIM_API int mscsim_config_validate(const mscsim_config *cfg, mscsim_error *err)
{
    int status = validate_design(cfg, err);
    if (status || cfg->sweep_count == 0)
        return status;
    size_t points = 1;
    for (int i = 0; i < cfg->sweep_count; i++) {
        points *= (size_t)cfg->sweep[i].value_count;
        if (points > MSCSIM_MAX_SWEEP_POINTS) {
            status = sim_error_set(err, MSCSIM_EINVAL, "the grid has more than %d points",
                                      MSCSIM_MAX_SWEEP_POINTS);
            sim_error_locate(err, cfg->path, cfg->sweep[i].line, "sweep", cfg->sweep[i].name);
            return status;
        }
    }
    mscsim_config *point = malloc(sizeof *point);
    if (!point)
        return sim_error_set(err, MSCSIM_ENOMEM, "out of memory");
    for (size_t g = 0; !status && g < points; g++)
        status = mscsim_sweep_point(cfg, g, point, err);
    free(point);
    return status;
}

static int validate_design(const mscsim_config *cfg, mscsim_error *err)
{
    for (size_t i = 0; i < sim_config_key_count; i++) {
        const config_key *k = &sim_config_keys[i];
        if ((k->flags & KEY_REQUIRED) && cfg->key_line[i] == 0) {
            int status = sim_error_set(err, MSCSIM_ECONFIG, "required key is missing");
            sim_error_locate(err, cfg->path, 0, k->section, k->key);
            return status;
        }
    }
    int has_test = mscsim_config_is_set(cfg, "analysis", "test");
    int has_tests = mscsim_config_is_set(cfg, "analysis", "tests");
    if (!has_test && !has_tests) {
        int status = sim_error_set(err, MSCSIM_ECONFIG, "required key is missing (or tests)");
        sim_error_locate(err, cfg->path, 0, "analysis", "test");
        return status;
    }
    const mscsim_model_type *model = mscsim_model_find(cfg->model);
    if (!model)
        return sim_error_set(err, MSCSIM_EINVAL, "internal: model not set");
    for (size_t i = 0; i < sim_config_key_count; i++) {
        const config_key *k = &sim_config_keys[i];
        if (cfg->key_line[i] != 0 && !models_include(k->models, cfg->model))
            return key_error(cfg, k->section, k->key, err,
                             "does not apply to model '%s' (used by: %s)", cfg->model, k->models);
        if (cfg->key_line[i] != 0 && k->applies && !k->applies(cfg))
            return key_error(cfg, k->section, k->key, err, "applies only with %s",
                             k->applies_text);
    }
    const char *names[MSCSIM_MAX_ANALYSES];
    int count = mscsim_config_analyses(cfg, names);
    int status = MSCSIM_OK;
    for (int i = 0; i < count && !status; i++) {
        for (int j = 0; j < i; j++)
            if (strcmp(names[i], names[j]) == 0)
                return key_error(cfg, "analysis", "tests", err, "'%s' is listed twice", names[i]);
        status = validate_endpoint(cfg, model, mscsim_analysis_find(names[i]), err);
    }
    if (!status)
        status = validate_scale_and_visits(cfg, model, err);
    if (status)
        return status;
    if (model->outcome == MSCSIM_OUTCOME_ORDINAL && !mscsim_config_is_set(cfg, "control", "probs"))
        return key_error(cfg, "control", "probs", err,
                         "the ordinal model needs the control mRS distribution");
    for (int i = 0; i < cfg->n_count; i++) {
        long sizes[MSCSIM_ARM_COUNT];
        mscsim_config_arm_sizes(cfg, cfg->n[i], sizes);
        if (sizes[MSCSIM_ARM_CONTROL] < 1 || sizes[MSCSIM_ARM_MSC] < 1)
            return key_error(cfg, "trial", "n", err,
                             "n = %ld leaves an arm empty under allocation %d:%d "
                             "(control %ld, msc %ld)",
                             cfg->n[i], cfg->alloc[0], cfg->alloc[1], sizes[0], sizes[1]);
    }
    return MSCSIM_OK;
}

/* ---- writing ---------------------------------------------------------------------------- */

static void format_value(const config_key *k, const mscsim_config *cfg, char *buf, size_t len)
{
    const void *field = (const char *)cfg + k->offset;
    char num[128];
    buf[0] = '\0';
    switch (k->type) {
    case KEY_STRING:
    case KEY_MODEL:
    case KEY_ANALYSIS:
        snprintf(buf, len, "%s", (const char *)field);
        break;
    case KEY_INT:
        snprintf(buf, len, "%d", *(const int *)field);
        break;
    case KEY_LONG:
        snprintf(buf, len, "%ld", *(const long *)field);
        break;
    case KEY_U64:
        snprintf(buf, len, "%llu", (unsigned long long)*(const uint64_t *)field);
        break;
    case KEY_DOUBLE:
        mscsim_format_double(buf, len, *(const double *)field);
        break;
    case KEY_ANALYSIS_LIST:
    case KEY_ENUM_LIST:
    case KEY_LONG_LIST:
    case KEY_DOUBLE_LIST:
    case KEY_SUBGROUPS: {
        int count = *(const int *)((const char *)cfg + k->count_offset);
        for (int i = 0; i < count; i++) {
            if (i)
                append(buf, len, ", ");
            if (k->type == KEY_ANALYSIS_LIST) {
                append(buf, len, (const char *)field + (size_t)i * MSCSIM_NAME_LEN);
            } else if (k->type == KEY_ENUM_LIST) {
                append(buf, len, k->choices[((const int *)field)[i]]);
            } else if (k->type == KEY_LONG_LIST) {
                snprintf(num, sizeof num, "%ld", ((const long *)field)[i]);
                append(buf, len, num);
            } else if (k->type == KEY_DOUBLE_LIST) {
                append(buf, len, mscsim_format_double(num, sizeof num, ((const double *)field)[i]));
            } else {
                const mscsim_subgroup *g = (const mscsim_subgroup *)field + i;
                char r[32], t[32], w[32];
                snprintf(num, sizeof num, "%s:%s:%s", mscsim_format_double(r, sizeof r, g->r),
                         mscsim_format_double(t, sizeof t, g->tau_weeks),
                         mscsim_format_double(w, sizeof w, g->weight));
                append(buf, len, num);
            }
        }
        break;
    }
    case KEY_RATIO:
        snprintf(buf, len, "%d:%d", cfg->alloc[0], cfg->alloc[1]);
        break;
    case KEY_ENUM:
        snprintf(buf, len, "%s", k->choices[*(const int *)field]);
        break;
    case KEY_DIST:
        mscsim_distspec_format(field, buf, len);
        break;
    }
}

SIM_API int mscsim_config_format(const mscsim_config *cfg, const char *section,
                                    const char *key, char *buf, size_t len)
{
    size_t index;
    const config_key *k = find_key(section, key, &index);
    if (!k)
        return -1;
    mscsim_config resolved = *cfg;
    resolved.endpoint = mscsim_config_endpoint(cfg);
    resolved.scale = mscsim_config_scale(cfg);
    format_value(k, &resolved, buf, len);
    return 0;
}

SIM_API int mscsim_config_write(const mscsim_config *cfg, FILE *out, mscsim_error *err)
{
    fprintf(out, "# Resolved by mscsim %s from %s: every setting, defaults included.\n",
            MSCSIM_VERSION_STRING, cfg->path);
    const char *section = "";
    for (size_t i = 0; i < sim_config_key_count; i++) {
        const config_key *k = &sim_config_keys[i];
        if (!models_include(k->models, cfg->model) || (k->applies && !k->applies(cfg)))
            continue;
        if (strcmp(section, k->section) != 0) {
            fprintf(out, "\n[%s]\n", k->section);
            section = k->section;
        }
        char value[4096];
        format_value(k, cfg, value, sizeof value);
        if (!value[0])
            continue; /* Unset, with no default (test when tests is used, and the reverse). */
        fprintf(out, "%s = %s%s\n", k->key, value, cfg->key_line[i] == 0 ? "  ; default" : "");
    }
    if (cfg->sweep_count)
        fprintf(out, "\n[sweep]\n");
    for (int i = 0; i < cfg->sweep_count; i++) {
        fprintf(out, "%s = ", cfg->sweep[i].name);
        for (int v = 0; v < cfg->sweep[i].value_count; v++)
            fprintf(out, "%s%s", v ? ", " : "", cfg->sweep[i].values[v]);
        fprintf(out, "\n");
    }
    if (ferror(out))
        return sim_error_set(err, MSCSIM_EIO, "cannot write the resolved config");
    return MSCSIM_OK;
}

SIM_API int mscsim_config_write_key_reference(FILE *out, mscsim_error *err)
{
    fprintf(out, "| section | key | default | allowed | applies to | meaning |\n");
    fprintf(out, "|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < sim_config_key_count; i++) {
        const config_key *k = &sim_config_keys[i];
        char allowed[256] = "";
        switch (k->type) {
        case KEY_INT:
        case KEY_LONG:
        case KEY_DOUBLE:
        case KEY_LONG_LIST:
        case KEY_DOUBLE_LIST:
        case KEY_RATIO:
            describe_range(k, allowed, sizeof allowed);
            if (k->type == KEY_LONG_LIST || k->type == KEY_DOUBLE_LIST)
                append(allowed, sizeof allowed, " each, comma list");
            if (k->type == KEY_RATIO)
                append(allowed, sizeof allowed, " each side, c:m");
            break;
        case KEY_U64:
            snprintf(allowed, sizeof allowed, "[0, 2^64 - 1]");
            break;
        case KEY_STRING:
            snprintf(allowed, sizeof allowed, "letters, digits, _ - .");
            break;
        case KEY_ENUM:
        case KEY_ENUM_LIST:
            for (int c = 0; k->choices[c]; c++) {
                if (c)
                    append(allowed, sizeof allowed, " \\| ");
                append(allowed, sizeof allowed, k->choices[c]);
            }
            break;
        case KEY_DIST:
            snprintf(allowed, sizeof allowed, "a distribution");
            break;
        case KEY_SUBGROUPS:
            snprintf(allowed, sizeof allowed, "r:tau_weeks:weight, ...");
            break;
        case KEY_MODEL: {
            const mscsim_model_type *const *m = mscsim_model_list();
            for (size_t j = 0; m[j]; j++) {
                if (j)
                    append(allowed, sizeof allowed, " \\| ");
                append(allowed, sizeof allowed, m[j]->name);
            }
            break;
        }
        case KEY_ANALYSIS:
        case KEY_ANALYSIS_LIST: {
            const mscsim_analysis_type *const *a = mscsim_analysis_list();
            for (size_t j = 0; a[j]; j++) {
                if (j)
                    append(allowed, sizeof allowed, " \\| ");
                append(allowed, sizeof allowed, a[j]->name);
            }
            break;
        }
        }
        fprintf(out, "| %s | %s | %s | %s | %s | %s |\n", k->section, k->key,
                k->default_text ? k->default_text
                                : ((k->flags & KEY_REQUIRED) ? "required" : "see meaning"),
                allowed, k->applies_text ? k->applies_text : (k->models ? k->models : "all"),
                k->help);
    }
    if (ferror(out))
        return sim_error_set(err, MSCSIM_EIO, "cannot write the key reference");
    return MSCSIM_OK;
}
