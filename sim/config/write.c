/* Writing a design: the resolved config (every key that applies, defaults included) and
 * single values as it writes them. */
#include <stddef.h>
#include <string.h>

#include "../decision/decision.h"
#include "config_impl.h"
#include "interim/looks.h"
#include "internal.h"
#include "trial/randomisation.h"
#include "mscsim/output.h"
#include "mscsim/version.h"

/* The text of key `index` in cfg, as the parser reads it back. */
static void format_value(size_t index, const mscsim_config *cfg, char *buf, size_t len)
{
    const sim_key *k = sim_key_at(index, NULL);
    const int *count_field;
    const void *field = sim_key_field_const(index, cfg, &count_field);
    char num[128];
    buf[0] = '\0';
    switch (k->type) {
    case SIM_KEY_STRING:
    case SIM_KEY_MODEL:
    case SIM_KEY_ANALYSIS:
        snprintf(buf, len, "%s", (const char *)field);
        break;
    case SIM_KEY_INT:
        snprintf(buf, len, "%d", *(const int *)field);
        break;
    case SIM_KEY_LONG:
        snprintf(buf, len, "%ld", *(const long *)field);
        break;
    case SIM_KEY_U64:
        snprintf(buf, len, "%llu", (unsigned long long)*(const uint64_t *)field);
        break;
    case SIM_KEY_DOUBLE:
        mscsim_format_double(buf, len, *(const double *)field);
        break;
    case SIM_KEY_ANALYSIS_LIST:
    case SIM_KEY_ENUM_LIST:
    case SIM_KEY_LONG_LIST:
    case SIM_KEY_DOUBLE_LIST:
    case SIM_KEY_SUBGROUPS: {
        int count = *count_field;
        for (int i = 0; i < count; i++) {
            if (i)
                sim_append(buf, len, ", ");
            if (k->type == SIM_KEY_ANALYSIS_LIST) {
                sim_append(buf, len, (const char *)field + (size_t)i * MSCSIM_NAME_LEN);
            } else if (k->type == SIM_KEY_ENUM_LIST) {
                sim_append(buf, len, k->choices[((const int *)field)[i]]);
            } else if (k->type == SIM_KEY_LONG_LIST) {
                snprintf(num, sizeof num, "%ld", ((const long *)field)[i]);
                sim_append(buf, len, num);
            } else if (k->type == SIM_KEY_DOUBLE_LIST) {
                mscsim_format_double(num, sizeof num, ((const double *)field)[i]);
                sim_append(buf, len, num);
            } else {
                const mscsim_subgroup *g = (const mscsim_subgroup *)field + i;
                char r[32], t[32], w[32];
                snprintf(num, sizeof num, "%s:%s:%s", mscsim_format_double(r, sizeof r, g->r),
                         mscsim_format_double(t, sizeof t, g->tau_weeks),
                         mscsim_format_double(w, sizeof w, g->weight));
                sim_append(buf, len, num);
            }
        }
        break;
    }
    case SIM_KEY_SLIDING:
        for (int i = 0; i < *count_field; i++) {
            const mscsim_sliding_band *b = (const mscsim_sliding_band *)field + i;
            char lo[32], hi[32], t[32];
            snprintf(num, sizeof num, "%s%s-%s: %s", i ? ", " : "nihss ",
                     mscsim_format_double(lo, sizeof lo, b->lo),
                     mscsim_format_double(hi, sizeof hi, b->hi),
                     mscsim_format_double(t, sizeof t, b->threshold));
            sim_append(buf, len, num);
        }
        break;
    case SIM_KEY_RATIO:
        snprintf(buf, len, "%d:%d", cfg->alloc[0], cfg->alloc[1]);
        break;
    case SIM_KEY_ENUM:
        snprintf(buf, len, "%s", k->choices[*(const int *)field]);
        break;
    case SIM_KEY_DIST:
        mscsim_distspec_format(field, buf, len);
        break;
    case SIM_KEY_RULE:
        sim_rule_format(field, buf, len);
        break;
    case SIM_KEY_RANDOMISATION:
        sim_randomisation_format(field, buf, len);
        break;
    }
}

SIM_API int mscsim_config_format(const mscsim_config *cfg, const char *section,
                                    const char *key, char *buf, size_t len)
{
    size_t index;
    if (!sim_key_find(section, key, 0, &index))
        return -1;
    /* A key several models declare: the chosen model's row. */
    const mscsim_model_type *owner, *model = mscsim_model_find(cfg->model);
    for (size_t i = index; model && sim_key_find(section, key, i, &i); i++) {
        sim_key_at(i, &owner);
        if (owner == model) {
            index = i;
            break;
        }
    }
    const sim_key *k = sim_key_at(index, &owner);
    /* The scale and the endpoint as the design resolves them. */
    if (!owner && k->offset == offsetof(mscsim_config, scale))
        snprintf(buf, len, "%s", k->choices[mscsim_config_scale(cfg)]);
    else if (!owner && k->offset == offsetof(mscsim_config, endpoint))
        snprintf(buf, len, "%s", k->choices[mscsim_config_endpoint(cfg)]);
    else
        format_value(index, cfg, buf, len);
    return 0;
}

/* Longest line the resolved config writes: well inside the 198 characters a config line may
 * have (inih's buffer), so the file always loads back. */
#define WRAP_AT 150

/* "key = value" plus suffix; a longer list is broken after its commas onto indented lines,
 * which the loader joins back (continuation lines). */
static void write_key(FILE *out, const char *key, const char *value, const char *suffix)
{
    size_t width = strlen(key) + 3;
    if (width + strlen(value) + strlen(suffix) <= WRAP_AT) {
        fprintf(out, "%s = %s%s\n", key, value, suffix);
        return;
    }
    fprintf(out, "%s =", key);
    const char *item = value;
    while (*item) {
        const char *comma = strstr(item, ", ");
        size_t len = comma ? (size_t)(comma - item) + 1 : strlen(item);
        if (width + 1 + len > WRAP_AT && item != value) {
            fprintf(out, "\n   ");
            width = 3;
        }
        fprintf(out, " %.*s", (int)len, item);
        width += 1 + len;
        item += len;
        while (*item == ' ')
            item++;
    }
    fprintf(out, "%s\n", suffix);
}

SIM_API int mscsim_config_write(const mscsim_config *cfg, FILE *out, mscsim_error *err)
{
    fprintf(out, "# Resolved by mscsim %s from %s: every setting, defaults included.\n",
            MSCSIM_VERSION_STRING, cfg->path);
    const mscsim_model_type *model = mscsim_model_find(cfg->model);
    const char *section = "";
    size_t order[MSCSIM_MAX_KEYS], n = sim_key_order(order);
    for (size_t o = 0; o < n; o++) {
        size_t i = order[o];
        const mscsim_model_type *owner;
        const sim_key *k = sim_key_at(i, &owner);
        /* A key two models declare is written once, from the chosen model's row. */
        int applies = owner ? owner == model : model && sim_key_used_by(i, model);
        if (!applies || (k->applies && !k->applies(cfg)))
            continue;
        char value[4096];
        format_value(i, cfg, value, sizeof value);
        /* Unset, with no default (test when tests is used, and the reverse; [interim] looks
         * of a fixed design, whose section is then not written at all). */
        if (!value[0])
            continue;
        if (strcmp(section, k->section) != 0) {
            fprintf(out, "\n[%s]\n", k->section);
            section = k->section;
        }
        write_key(out, k->key, value, cfg->key_line[i] == 0 ? "  ; default" : "");
    }
    if (cfg->sweep_count)
        fprintf(out, "\n[sweep]\n");
    for (int i = 0; i < cfg->sweep_count; i++) {
        char values[MSCSIM_MAX_SWEEP_VALUES * (MSCSIM_SWEEP_VALUE_LEN + 2)] = "";
        for (int v = 0; v < cfg->sweep[i].value_count; v++) {
            if (v)
                sim_append(values, sizeof values, ", ");
            sim_append(values, sizeof values, cfg->sweep[i].values[v]);
        }
        write_key(out, cfg->sweep[i].name, values, "");
    }
    sim_prior_write(cfg, out);
    if (ferror(out))
        return sim_error_set(err, MSCSIM_EIO, "cannot write the resolved config");
    return MSCSIM_OK;
}

