/* The key reference (`mscsim keys`, the README's table), and the keys' plot labels. */
#include <string.h>

#include "config_impl.h"
#include "interim/looks.h"
#include "internal.h"
#include "trial/randomisation.h"
#include "mscsim/analysis.h"

/* Appends one alternative to an "a \\| b" list (the pipe escaped for Markdown tables). */
static void add_choice(char *buf, size_t len, const char *name)
{
    if (buf[0])
        sim_append(buf, len, " \\| ");
    sim_append(buf, len, name);
}

/* The "allowed" column: the range or the choices of key k. */
static void describe_allowed(const sim_key *k, char *allowed, size_t len)
{
    allowed[0] = '\0';
    switch (k->type) {
    case SIM_KEY_INT:
    case SIM_KEY_LONG:
    case SIM_KEY_DOUBLE:
    case SIM_KEY_LONG_LIST:
    case SIM_KEY_DOUBLE_LIST:
    case SIM_KEY_RATIO:
        sim_config_describe_range(k, allowed, len);
        if (k->type == SIM_KEY_LONG_LIST || k->type == SIM_KEY_DOUBLE_LIST)
            sim_append(allowed, len, " each, comma list");
        if (k->type == SIM_KEY_RATIO)
            sim_append(allowed, len, " each side, c:m");
        break;
    case SIM_KEY_U64:
        snprintf(allowed, len, "[0, 2^64 - 1]");
        break;
    case SIM_KEY_STRING:
        snprintf(allowed, len, "letters, digits, _ - .");
        break;
    case SIM_KEY_ENUM:
    case SIM_KEY_ENUM_LIST:
        for (int c = 0; k->choices[c]; c++)
            add_choice(allowed, len, k->choices[c]);
        break;
    case SIM_KEY_DIST:
        snprintf(allowed, len, "a distribution");
        break;
    case SIM_KEY_RULE:
        sim_rule_describe(k->choices, allowed, len);
        break;
    case SIM_KEY_RANDOMISATION:
        snprintf(allowed, len, "%s", sim_randomisation_allowed);
        break;
    case SIM_KEY_SUBGROUPS:
        snprintf(allowed, len, "r:tau_weeks:weight, ...");
        break;
    case SIM_KEY_SLIDING:
        snprintf(allowed, len, "nihss lo-hi: threshold, ...");
        break;
    case SIM_KEY_MODEL:
        for (size_t j = 0; sim_models[j]; j++)
            add_choice(allowed, len, sim_models[j]->name);
        break;
    case SIM_KEY_ANALYSIS:
    case SIM_KEY_ANALYSIS_LIST: {
        const mscsim_analysis_type *const *a = mscsim_analysis_list();
        for (size_t j = 0; a[j]; j++)
            add_choice(allowed, len, a[j]->name);
        break;
    }
    }
}

SIM_API int mscsim_config_write_key_reference(FILE *out, mscsim_error *err)
{
    fprintf(out, "| section | key | default | allowed | applies to | meaning |\n");
    fprintf(out, "|---|---|---|---|---|---|\n");
    size_t order[MSCSIM_MAX_KEYS], n = sim_key_order(order);
    for (size_t o = 0; o < n; o++) {
        size_t i = order[o], first;
        const sim_key *k = sim_key_at(i, NULL);
        sim_key_find(k->section, k->key, 0, &first);
        if (first != i)
            continue; /* Declared by several models: one row lists them all. */
        char allowed[256], models[256];
        describe_allowed(k, allowed, sizeof allowed);
        sim_key_models_text(i, models, sizeof models);
        fprintf(out, "| %s | %s | %s | %s | %s | %s |\n", k->section, k->key,
                k->default_text ? k->default_text
                                : ((k->flags & SIM_KEY_REQUIRED) ? "required" : "see meaning"),
                allowed, k->applies_text ? k->applies_text : models, k->help);
    }
    if (ferror(out))
        return sim_error_set(err, MSCSIM_EIO, "cannot write the key reference");
    return MSCSIM_OK;
}

SIM_API const char *mscsim_config_key_label(const char *dotted_name)
{
    const char *dot = strchr(dotted_name, '.');
    char section[64];
    if (!dot || (size_t)(dot - dotted_name) >= sizeof section)
        return NULL;
    memcpy(section, dotted_name, (size_t)(dot - dotted_name));
    section[dot - dotted_name] = '\0';
    const sim_key *k = sim_key_find(section, dot + 1, 0, NULL);
    return k ? k->label : NULL;
}
