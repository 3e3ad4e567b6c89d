#ifndef SIM_CONFIG_IMPL_H
#define SIM_CONFIG_IMPL_H
/*
 * Config keys (private to sim/config/ and the model files): one row per key. The generic
 * rows (sim/config/keys.c) hold the keys every model shares; each model declares its own
 * rows (mscsim_model_type.keys). The global key index, used by key_line[], sweeps and
 * messages, is the generic rows first, then each registered model's rows in registry
 * order; it is computed by walking the registry, so there is no table to fill.
 */

#include <stddef.h>

#include "mscsim/config.h"
#include "mscsim/model.h"

/* Longest span of days a key takes (visits, delays): ten years. */
#define SIM_MAX_DAYS 3650.0

typedef enum {
    SIM_KEY_STRING,      /* A name: letters, digits, '_', '-', '.'. */
    SIM_KEY_INT,         /* A whole number stored as int. */
    SIM_KEY_LONG,        /* A whole number stored as long. */
    SIM_KEY_U64,         /* A whole number in [0, 2^64). */
    SIM_KEY_DOUBLE,      /* A finite real number. */
    SIM_KEY_LONG_LIST,   /* Comma-separated whole numbers (long), count at count_offset. */
    SIM_KEY_DOUBLE_LIST, /* Comma-separated numbers (double), count at count_offset. */
    SIM_KEY_SUBGROUPS,   /* Comma-separated r:tau_weeks:weight triples. */
    SIM_KEY_RATIO,       /* Two whole numbers "c:m". */
    SIM_KEY_ENUM,        /* One of the row's choices; stored as its index (int). */
    SIM_KEY_DIST,        /* A distribution spec, see distspec.h. */
    SIM_KEY_MODEL,       /* A model name from the model registry. */
    SIM_KEY_ANALYSIS,    /* An analysis name from the analysis registry. */
    SIM_KEY_ANALYSIS_LIST, /* Comma-separated analysis names, count at count_offset. */
    SIM_KEY_ENUM_LIST,   /* Comma-separated choices (ints), count at count_offset. */
    SIM_KEY_SLIDING,     /* "nihss lo-hi: threshold, ...", count at count_offset. */
    SIM_KEY_RULE,        /* An [interim] stopping rule of choices: "hsd(-4)" (mscsim_stopping_rule). */
    SIM_KEY_RANDOMISATION /* [trial] randomisation (mscsim_randomisation). */
} sim_key_type;

enum {
    SIM_KEY_MIN_EXCLUSIVE = 1u << 0, /* The range excludes min. */
    SIM_KEY_MAX_EXCLUSIVE = 1u << 1, /* The range excludes max. */
    SIM_KEY_REQUIRED = 1u << 2,      /* No default: the config must set it. */
    SIM_KEY_ALLOW_INFINITE = 1u << 3 /* inf and -inf are accepted (open eligibility bounds). */
};

/* Which models a generic key applies to, from properties the models declare. */
enum {
    SIM_FOR_ALL = 0,            /* Every model. */
    SIM_FOR_DEATHS = 1u << 0,   /* Models that draw deaths (draws_deaths). */
    SIM_FOR_BASELINE = 1u << 1  /* Models with a baseline score (has_baseline_score). */
};

/*
 * One key. Generic rows store their value in the mscsim_config field at offset (lists: the
 * count at count_offset); model rows store theirs in cfg->model_values (offset unused), in
 * the member their type names: number, list, subgroups or dist.
 */
struct mscsim_key {
    const char *section;
    const char *key;
    sim_key_type type;
    size_t offset;              /* Generic rows: of the field in mscsim_config. */
    size_t count_offset;        /* Generic lists: of the int holding the number of values. */
    int max_count;              /* Lists: most values. */
    double min, max;            /* Numeric range (per element for lists and ratios). */
    unsigned flags;
    const char *default_text;   /* Parsed like a config value; NULL when required or derived. */
    const char *const *choices; /* SIM_KEY_ENUM: NULL-terminated names, index = stored value. */
    unsigned for_models;        /* Generic rows: SIM_FOR_* (model rows: their own model). */
    const char *help;
    /* When not NULL, the key applies only where this returns 1 (checked after the model). */
    int (*applies)(const struct mscsim_config *cfg);
    const char *applies_text;   /* What applies() requires, for messages and the README. */
    const char *label;          /* Short plot-axis label, or NULL. */
    /* Listing position within the section (resolved config, key reference, messages):
     * ascending rank, ties in key-index order. The generic rows of [model], [control] and
     * [msc] carry ranks that leave room for the model rows between them. */
    int rank;
    /* Model rows the model cannot do without (no default): unset, validation fails with
     * "the <model> model needs <required_why>". */
    const char *required_why;
};
typedef struct mscsim_key sim_key;

extern const sim_key sim_generic_keys[];
extern const size_t sim_generic_key_count;

/* The registered models, NULL-terminated (sim/models/registry.c). */
extern const mscsim_model_type *const sim_models[];

/* Number of keys in the global index (generic and model rows). */
size_t sim_key_count(void);

/* The key at global index i (< sim_key_count()); *owner (if owner is not NULL) is set to the
 * model that declares it, or NULL for a generic row. */
const sim_key *sim_key_at(size_t i, const mscsim_model_type **owner);

/* The first key at index >= from named section.key, its index in *index; NULL if none. A
 * section.key that two models declare has one row each: a config line sets them all. */
const sim_key *sim_key_find(const char *section, const char *key, size_t from, size_t *index);

/* 1 when key i applies to model (generic: by the model's properties; model rows: when the
 * model declares the same section.key). Does not check applies(). */
int sim_key_used_by(size_t i, const mscsim_model_type *model);

/* The models key i applies to, space-separated, in registry order; "all" for every model. */
void sim_key_models_text(size_t i, char *buf, size_t len);

/* Fills order[] with every key index in listing order (sections in order of first
 * appearance, then by rank); returns the count (sim_key_count()). */
size_t sim_key_order(size_t order[MSCSIM_MAX_KEYS]);

/* The storage of key i in cfg; *count (lists, else NULL) receives where its count is. */
void *sim_key_field(size_t i, mscsim_config *cfg, int **count);
const void *sim_key_field_const(size_t i, const mscsim_config *cfg, const int **count);

/* Index of model's first row in the global index. */
size_t sim_model_first_key(const mscsim_model_type *model);

/* The key row named "section.key" (a [sweep] or [prior] line's name): its index in *index
 * and the two parts in section and key (64 bytes each); NULL if there is none. */
const sim_key *sim_key_find_dotted(const char *name, char section[64], char key[64],
                                   size_t *index);

/* The value of model row `key` (an index into model->keys) in cfg. */
static inline const mscsim_key_value *sim_model_value(const mscsim_config *cfg,
                                                      const mscsim_model_type *model, int key)
{
    return &cfg->model_values[sim_model_first_key(model) - sim_generic_key_count + (size_t)key];
}

/* The value of cfg's model's row section.key, or NULL when that model does not declare it
 * (for code outside the model files that still reads model keys by name). */
const mscsim_key_value *sim_config_value(const mscsim_config *cfg, const char *section,
                                         const char *key);

/* Appends s to buf (size len) if it fits. */
void sim_append(char *buf, size_t len, const char *s);

/* ---- between the sim/config/ files ---- */

/* "[lo, hi)" style range of a numeric key. */
void sim_config_describe_range(const sim_key *k, char *buf, size_t len);

/* A name: 1 to MSCSIM_NAME_LEN - 1 letters, digits, '_', '-', '.'; copied to out. */
int sim_config_parse_name(const char *text, char *out, mscsim_error *err);

/* Parses text into the storage of key index in cfg (no location in err yet). */
int sim_config_parse_value(size_t index, const char *text, mscsim_config *cfg,
                           mscsim_error *err);

/* Parses text into key index and every later row of the same section.key (a line sets the
 * key of every model that declares it) and records line as where they were set. */
int sim_config_set_key(mscsim_config *cfg, size_t index, const char *text, int line,
                       mscsim_error *err);

/* mscsim_sweep_point, then the point validated; an error names the grid point, its values
 * and the [sweep] line of the key it is about. */
int sim_sweep_point_check(const mscsim_config *cfg, size_t point, mscsim_config *out,
                          mscsim_error *err);

/* A [sweep] line "section.key = v1, v2, ..." read from file:line. */
int sim_config_apply_sweep(mscsim_config *cfg, const char *name, const char *value,
                           const char *file, int line, mscsim_error *err);

#endif
