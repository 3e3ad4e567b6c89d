#ifndef MSCSIM_TEST_MODEL_KEYS_H
#define MSCSIM_TEST_MODEL_KEYS_H
/*
 * Model-owned config values by section and key, for test set-up that fills a config by
 * hand (the library's own models read them through sim_model_value). A key two models
 * declare (r_sd) has a value per model: the setters write them all, as a config line does.
 */
#include <stdio.h>
#include <stdlib.h>

#include "config_impl.h"

/* The value of the first model row named section.key; a test naming no such key is broken.
 * Takes a const config too, so set-up and checks share one spelling (tests only). */
static inline mscsim_key_value *model_value(const mscsim_config *c, const char *section,
                                            const char *key)
{
    size_t i;
    if (!sim_key_find(section, key, sim_generic_key_count, &i)) {
        printf("FAIL no model key [%s] %s\n", section, key);
        exit(2);
    }
    return (mscsim_key_value *)&c->model_values[i - sim_generic_key_count];
}

static inline double model_number(const mscsim_config *c, const char *section, const char *key)
{
    return model_value(c, section, key)->number;
}

/* Sets section.key to v in every model that declares it. */
static inline void set_model_number(mscsim_config *c, const char *section, const char *key,
                                    double v)
{
    model_value(c, section, key); /* fails the test when no model declares it */
    size_t i;
    for (size_t from = sim_generic_key_count; sim_key_find(section, key, from, &i); from = i + 1)
        c->model_values[i - sim_generic_key_count].number = v;
}

/* The trajectory model's [model] subgroups list and its count. */
static inline mscsim_subgroup *sg_items(const mscsim_config *c)
{
    return model_value(c, "model", "subgroups")->subgroups.items;
}

static inline int *sg_count(const mscsim_config *c)
{
    return &model_value(c, "model", "subgroups")->subgroups.count;
}

/* The number key of arm a ([control] or [msc]). */
static inline double arm_number(const mscsim_config *c, int a, const char *key)
{
    return model_number(c, a ? "msc" : "control", key);
}

static inline void set_arm_number(mscsim_config *c, int a, const char *key, double v)
{
    set_model_number(c, a ? "msc" : "control", key, v);
}

#endif
