#ifndef MSCSIM_CONFIG_KEYS_H
#define MSCSIM_CONFIG_KEYS_H
/* The declarative key table (private): one row per config key. */

#include <stddef.h>

typedef enum {
    KEY_STRING,   /* A name: letters, digits, '_', '-', '.'. */
    KEY_INT,      /* A whole number stored as int. */
    KEY_LONG,     /* A whole number stored as long. */
    KEY_U64,      /* A whole number in [0, 2^64). */
    KEY_DOUBLE,   /* A finite real number. */
    KEY_LONG_LIST,/* Comma-separated whole numbers. */
    KEY_RATIO,    /* Two whole numbers "c:m". */
    KEY_ENUM,     /* One of the row's choices; stored as its index (int). */
    KEY_DIST,     /* A distribution spec, see distspec.h. */
    KEY_MODEL,    /* A model name from the model registry. */
    KEY_ANALYSIS  /* An analysis name from the analysis registry. */
} config_key_type;

enum {
    KEY_MIN_EXCLUSIVE = 1u << 0, /* The range excludes min. */
    KEY_MAX_EXCLUSIVE = 1u << 1, /* The range excludes max. */
    KEY_REQUIRED = 1u << 2       /* No default: the config must set it. */
};

typedef struct {
    const char *section;
    const char *key;
    config_key_type type;
    size_t offset;              /* Of the field in mscsim_config. */
    double min, max;            /* Numeric range (per element for lists and ratios). */
    unsigned flags;
    const char *default_text;   /* Parsed like a config value; NULL when required or derived. */
    const char *const *choices; /* KEY_ENUM: NULL-terminated names, index = stored value. */
    const char *models;         /* Space-separated models the key applies to; NULL = all. */
    const char *help;
} config_key;

extern const config_key mscsim_config_keys[];
extern const size_t mscsim_config_key_count;

#endif
