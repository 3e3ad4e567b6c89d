/* [sweep]: a grid of designs, each grid point the base design with one value per key. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "config_impl.h"
#include "internal.h"

/* A [sweep] line "section.key = v1, v2, ...": the key must exist and take one value (a
 * list-valued key cannot be told apart from its sweep), and every value must parse. */
int sim_config_apply_sweep(mscsim_config *cfg, const char *name, const char *value,
                           const char *file, int line, mscsim_error *err)
{
    int status = MSCSIM_OK;
    char section[64], key[64];
    const char *dot = strchr(name, '.');
    size_t index = 0;
    const sim_key *k = NULL;
    if (dot && (size_t)(dot - name) < sizeof section && strlen(dot + 1) < sizeof key) {
        memcpy(section, name, (size_t)(dot - name));
        section[dot - name] = '\0';
        snprintf(key, sizeof key, "%s", dot + 1);
        k = sim_key_find(section, key, 0, &index);
    }
    if (!k)
        status = sim_error_set(err, MSCSIM_EUNKNOWN_KEY,
                                  "'%s' is not a config key written section.key", name);
    else if (k->type == SIM_KEY_LONG_LIST || k->type == SIM_KEY_DOUBLE_LIST ||
             k->type == SIM_KEY_SUBGROUPS || k->type == SIM_KEY_ANALYSIS_LIST ||
             k->type == SIM_KEY_ENUM_LIST || k->type == SIM_KEY_SLIDING)
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
    /* Each value as the resolved config writes it, so "0.10" and "0.1" are one value. */
    char canonical[MSCSIM_MAX_SWEEP_VALUES][512];
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
        if ((status = sim_config_set_key(&scratch, index, v, line, err)) != MSCSIM_OK) {
            char why[sizeof err->msg];
            snprintf(why, sizeof why, "%s", err->msg);
            sim_error_set(err, status, "value '%s': %s", v, why);
            break;
        }
        int at = sw->value_count - 1;
        mscsim_config_format(&scratch, section, key, canonical[at], sizeof canonical[at]);
        for (int j = 0; j < at && !status; j++)
            if (strcmp(canonical[j], canonical[at]) == 0)
                status = sim_error_set(err, MSCSIM_EINVAL,
                                       "value '%s' repeats '%s': the grid would hold the same "
                                       "design twice", v, sw->values[j]);
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
        /* Provenance at the [sweep] line, for messages. */
        int status = sim_config_set_key(out, (size_t)sw->key, mscsim_sweep_value(cfg, i, point),
                                        sw->line, err);
        if (status) /* Parsed when the sweep was read: not expected. */
            return status;
    }
    return MSCSIM_OK;
}

int sim_sweep_point_check(const mscsim_config *cfg, size_t point, mscsim_config *out,
                          mscsim_error *err)
{
    int status = mscsim_sweep_point(cfg, point, out, err);
    if (!status)
        status = mscsim_config_validate(out, err);
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
