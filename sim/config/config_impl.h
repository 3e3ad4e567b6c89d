#ifndef SIM_CONFIG_KEYS_H
#define SIM_CONFIG_KEYS_H
/* The declarative key table (private): one row per config key. */

#include <stddef.h>

struct mscsim_config;

typedef enum {
    KEY_STRING,   /* A name: letters, digits, '_', '-', '.'. */
    KEY_INT,      /* A whole number stored as int. */
    KEY_LONG,     /* A whole number stored as long. */
    KEY_U64,      /* A whole number in [0, 2^64). */
    KEY_DOUBLE,   /* A finite real number. */
    KEY_LONG_LIST,/* Comma-separated whole numbers (long), count at count_offset. */
    KEY_DOUBLE_LIST, /* Comma-separated numbers (double), count at count_offset. */
    KEY_SUBGROUPS,/* Comma-separated r:tau_weeks:weight triples (trajectory subgroups). */
    KEY_RATIO,    /* Two whole numbers "c:m". */
    KEY_ENUM,     /* One of the row's choices; stored as its index (int). */
    KEY_DIST,     /* A distribution spec, see distspec.h. */
    KEY_MODEL,    /* A model name from the model registry. */
    KEY_ANALYSIS, /* An analysis name from the analysis registry. */
    KEY_ANALYSIS_LIST, /* Comma-separated analysis names, count at count_offset. */
    KEY_ENUM_LIST /* Comma-separated choices (ints), count at count_offset. */
} config_key_type;

enum {
    KEY_MIN_EXCLUSIVE = 1u << 0, /* The range excludes min. */
    KEY_MAX_EXCLUSIVE = 1u << 1, /* The range excludes max. */
    KEY_REQUIRED = 1u << 2,      /* No default: the config must set it. */
    KEY_ALLOW_INFINITE = 1u << 3 /* inf and -inf are accepted (open eligibility bounds). */
};

typedef struct {
    const char *section;
    const char *key;
    config_key_type type;
    size_t offset;              /* Of the field in mscsim_config. */
    size_t count_offset;        /* Lists: of the int holding the number of values. */
    int max_count;              /* Lists: most values. */
    double min, max;            /* Numeric range (per element for lists and ratios). */
    unsigned flags;
    const char *default_text;   /* Parsed like a config value; NULL when required or derived. */
    const char *const *choices; /* KEY_ENUM: NULL-terminated names, index = stored value. */
    const char *models;         /* Space-separated models the key applies to; NULL = all. */
    const char *help;
    /* When not NULL, the key applies only where this returns 1 (checked after models). */
    int (*applies)(const struct mscsim_config *cfg);
    const char *applies_text;   /* What applies() requires, for messages and the README. */
} config_key;

extern const config_key sim_config_keys[];
extern const size_t sim_config_key_count;

#endif
