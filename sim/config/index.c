/*
 * The global key index: the generic rows, then each registered model's rows in registry
 * order. Everything is computed by walking the registry (a handful of models), so there is
 * no table to fill and nothing mutable; none of this runs in a hot loop.
 */
#include <stdio.h>
#include <string.h>

#include "config_impl.h"

size_t sim_model_first_key(const mscsim_model_type *model)
{
    size_t first = sim_generic_key_count;
    for (size_t m = 0; sim_models[m] && sim_models[m] != model; m++)
        first += sim_models[m]->key_count;
    return first;
}

size_t sim_key_count(void)
{
    return sim_model_first_key(NULL);
}

const sim_key *sim_key_at(size_t i, const mscsim_model_type **owner)
{
    if (owner)
        *owner = NULL;
    if (i < sim_generic_key_count)
        return &sim_generic_keys[i];
    i -= sim_generic_key_count;
    for (size_t m = 0; sim_models[m]; m++) {
        if (i < sim_models[m]->key_count) {
            if (owner)
                *owner = sim_models[m];
            return &sim_models[m]->keys[i];
        }
        i -= sim_models[m]->key_count;
    }
    return NULL;
}

static int same_name(const sim_key *k, const char *section, const char *key)
{
    return strcmp(k->section, section) == 0 && strcmp(k->key, key) == 0;
}

const sim_key *sim_key_find(const char *section, const char *key, size_t from, size_t *index)
{
    size_t n = sim_key_count();
    for (size_t i = from; i < n; i++) {
        const sim_key *k = sim_key_at(i, NULL);
        if (same_name(k, section, key)) {
            if (index)
                *index = i;
            return k;
        }
    }
    return NULL;
}

int sim_key_used_by(size_t i, const mscsim_model_type *model)
{
    const mscsim_model_type *owner;
    const sim_key *k = sim_key_at(i, &owner);
    if (!owner)
        return (!(k->for_models & SIM_FOR_DEATHS) || model->draws_deaths) &&
               (!(k->for_models & SIM_FOR_BASELINE) || model->has_baseline_score);
    for (size_t j = 0; j < model->key_count; j++)
        if (same_name(&model->keys[j], k->section, k->key))
            return 1;
    return 0;
}

void sim_key_models_text(size_t i, char *buf, size_t len)
{
    buf[0] = '\0';
    const mscsim_model_type *owner;
    const sim_key *k = sim_key_at(i, &owner);
    if (!owner && k->for_models == SIM_FOR_ALL) {
        sim_append(buf, len, "all");
        return;
    }
    for (size_t m = 0; sim_models[m]; m++) {
        if (!sim_key_used_by(i, sim_models[m]))
            continue;
        if (buf[0])
            sim_append(buf, len, " ");
        sim_append(buf, len, sim_models[m]->name);
    }
}

size_t sim_key_order(size_t order[MSCSIM_MAX_KEYS])
{
    size_t n = sim_key_count(), count = 0;
    for (size_t i = 0; i < n && count < MSCSIM_MAX_KEYS; i++) {
        const char *section = sim_key_at(i, NULL)->section;
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(sim_key_at(j, NULL)->section, section) == 0;
        if (seen)
            continue;
        /* The section's keys by rank, ties in index order (insertion sort: a few dozen). */
        size_t start = count;
        for (size_t j = i; j < n && count < MSCSIM_MAX_KEYS; j++) {
            const sim_key *k = sim_key_at(j, NULL);
            if (strcmp(k->section, section) != 0)
                continue;
            size_t at = count++;
            while (at > start && sim_key_at(order[at - 1], NULL)->rank > k->rank) {
                order[at] = order[at - 1];
                at--;
            }
            order[at] = j;
        }
    }
    return count;
}

void *sim_key_field(size_t i, mscsim_config *cfg, int **count)
{
    const mscsim_model_type *owner;
    const sim_key *k = sim_key_at(i, &owner);
    if (count)
        *count = NULL;
    if (!owner) {
        if (count && k->count_offset)
            *count = (int *)((char *)cfg + k->count_offset);
        return (char *)cfg + k->offset;
    }
    mscsim_key_value *v = &cfg->model_values[i - sim_generic_key_count];
    switch (k->type) {
    case SIM_KEY_DOUBLE_LIST:
        if (count)
            *count = &v->list.count;
        return v->list.values;
    case SIM_KEY_SUBGROUPS:
        if (count)
            *count = &v->subgroups.count;
        return v->subgroups.items;
    case SIM_KEY_DIST:
        return &v->dist;
    default: /* SIM_KEY_DOUBLE: the types model rows may have are checked at load. */
        return &v->number;
    }
}

const void *sim_key_field_const(size_t i, const mscsim_config *cfg, const int **count)
{
    int *c;
    /* The same storage, read only: sim_key_field does not write through cfg. */
    const void *field = sim_key_field(i, (mscsim_config *)cfg, &c);
    if (count)
        *count = c;
    return field;
}

const mscsim_key_value *sim_config_value(const mscsim_config *cfg, const char *section,
                                         const char *key)
{
    const mscsim_model_type *model = mscsim_model_find(cfg->model);
    if (!model)
        return NULL;
    size_t first = sim_model_first_key(model);
    for (size_t j = 0; j < model->key_count; j++)
        if (same_name(&model->keys[j], section, key))
            return &cfg->model_values[first - sim_generic_key_count + j];
    return NULL;
}

const sim_key *sim_key_find_dotted(const char *name, char section[64], char key[64],
                                   size_t *index)
{
    const char *dot = strchr(name, '.');
    section[0] = key[0] = '\0';
    if (!dot || (size_t)(dot - name) >= 64 || strlen(dot + 1) >= 64)
        return NULL;
    memcpy(section, name, (size_t)(dot - name));
    section[dot - name] = '\0';
    snprintf(key, 64, "%s", dot + 1);
    return sim_key_find(section, key, 0, index);
}
