/*
 * Strict parsing of one config value into a key's storage (its field in mscsim_config or
 * its model value). Numbers are read in the C locale (sim_number_read), so a host program's
 * setlocale() changes nothing.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config_impl.h"
#include "interim/looks.h"
#include "internal.h"
#include "trial/randomisation.h"
#include "mscsim/output.h"
#include "number.h"

void sim_append(char *buf, size_t len, const char *s)
{
    size_t used = strlen(buf);
    if (used < len)
        snprintf(buf + used, len - used, "%s", s);
}

void sim_config_describe_range(const sim_key *k, char *buf, size_t len)
{
    char lo[32], hi[32];
    mscsim_format_double(lo, sizeof lo, k->min);
    mscsim_format_double(hi, sizeof hi, k->max);
    /* An infinite end is open unless the key takes a written infinity. */
    int finite_only = !(k->flags & SIM_KEY_ALLOW_INFINITE);
    int open_lo = (k->flags & SIM_KEY_MIN_EXCLUSIVE) || (finite_only && isinf(k->min));
    int open_hi = (k->flags & SIM_KEY_MAX_EXCLUSIVE) || (finite_only && isinf(k->max));
    snprintf(buf, len, "%c%s, %s%c", open_lo ? '(' : '[', lo, hi, open_hi ? ')' : ']');
}

static int check_range(const sim_key *k, double v, const char *text, mscsim_error *err)
{
    int below = (k->flags & SIM_KEY_MIN_EXCLUSIVE) ? v <= k->min : v < k->min;
    int above = (k->flags & SIM_KEY_MAX_EXCLUSIVE) ? v >= k->max : v > k->max;
    if (below || above) {
        char range[96];
        sim_config_describe_range(k, range, sizeof range);
        return sim_error_set(err, MSCSIM_ERANGE, "%s is out of range %s", text, range);
    }
    return MSCSIM_OK;
}

static int parse_long(const sim_key *k, const char *text, long *out, mscsim_error *err)
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

static int parse_double(const sim_key *k, const char *text, double *out, mscsim_error *err)
{
    size_t lead = strspn(text, " \t"), len = strlen(text + lead);
    while (len > 0 && isspace((unsigned char)text[lead + len - 1]))
        len--;
    double v;
    switch (sim_number_read(text + lead, len, &v)) {
    case SIM_NUM_MALFORMED:
        return sim_error_set(err, MSCSIM_ESYNTAX, "'%s' is not a number", text);
    case SIM_NUM_OVERFLOW:
        return sim_error_set(err, MSCSIM_ERANGE, "'%s' is not a finite number", text);
    case SIM_NUM_INFINITE:
        if (!(k->flags & SIM_KEY_ALLOW_INFINITE))
            return sim_error_set(err, MSCSIM_ERANGE, "'%s' is not a finite number", text);
        break;
    case SIM_NUM_OK: /* an underflow reads as the nearest double, then meets the range */
        break;
    }
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

int sim_config_parse_name(const char *text, char *out, mscsim_error *err)
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
typedef int (*item_parser)(const sim_key *k, int index, const char *item, void *field,
                           mscsim_error *err);

static int parse_list(const sim_key *k, const char *text, void *field, item_parser parse_item,
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

static int long_item(const sim_key *k, int index, const char *item, void *field,
                     mscsim_error *err)
{
    return parse_long(k, item, (long *)field + index, err);
}

static int double_item(const sim_key *k, int index, const char *item, void *field,
                       mscsim_error *err)
{
    return parse_double(k, item, (double *)field + index, err);
}

static int parse_analysis(const char *text, char *out, mscsim_error *err);

static int analysis_item(const sim_key *k, int index, const char *item, void *field,
                         mscsim_error *err)
{
    (void)k;
    return parse_analysis(item, (char *)field + (size_t)index * MSCSIM_NAME_LEN, err);
}

static int parse_choice(const sim_key *k, const char *text, int *out, mscsim_error *err);

static int choice_item(const sim_key *k, int index, const char *item, void *field,
                       mscsim_error *err)
{
    return parse_choice(k, item, (int *)field + index, err);
}

/* One "r:tau_weeks:weight" triple; their cross-value rules are the model's to check. */
static int subgroup_item(const sim_key *k, int index, const char *item, void *field,
                         mscsim_error *err)
{
    (void)k;
    double v[3];
    const char *p = item;
    for (int i = 0; i < 3; i++) {
        size_t len = strcspn(p, ":");
        if ((i < 2) != (p[len] == ':'))
            break; /* too few or too many parts */
        size_t lead = strspn(p, " \t"), n = len - (lead < len ? lead : len);
        while (n > 0 && isspace((unsigned char)p[lead + n - 1]))
            n--;
        if (sim_number_read(p + lead, n, &v[i]) != SIM_NUM_OK)
            break;
        if (i == 2) {
            *((mscsim_subgroup *)field + index) = (mscsim_subgroup){v[0], v[1], v[2]};
            return MSCSIM_OK;
        }
        p += len + 1;
    }
    return sim_error_set(err, MSCSIM_ESYNTAX, "'%s' is not r:tau_weeks:weight", item);
}

/* One band "lo-hi: threshold" of [analysis] sliding; the first carries the variable,
 * "nihss lo-hi: threshold". */
static int sliding_item(const sim_key *k, int index, const char *item, void *field,
                        mscsim_error *err)
{
    (void)k;
    const char *p = item + strspn(item, " \t");
    if (index == 0) {
        if (strncmp(p, "nihss", 5) != 0 || !isspace((unsigned char)p[5]))
            return sim_error_set(err, MSCSIM_ESYNTAX,
                                 "'%s' does not start with the banded variable, nihss "
                                 "(e.g. nihss 6-10: 1, 11-15: 2)", item);
        p += 5 + strspn(p + 5, " \t");
    }
    size_t dash = strcspn(p, "-:"), colon = dash + strcspn(p + dash, ":");
    double v[3];
    const char *part[3] = {p, p + dash + 1, p + colon + 1};
    size_t len[3] = {dash, colon - dash - 1, strlen(p) - colon - (p[colon] ? 1 : 0)};
    int ok = p[dash] == '-' && p[colon] == ':';
    for (int i = 0; ok && i < 3; i++) {
        size_t lead = strspn(part[i], " \t"), n = len[i] - (lead < len[i] ? lead : len[i]);
        while (n > 0 && isspace((unsigned char)part[i][lead + n - 1]))
            n--;
        ok = sim_number_read(part[i] + lead, n, &v[i]) == SIM_NUM_OK;
    }
    if (!ok)
        return sim_error_set(err, MSCSIM_ESYNTAX, "'%s' is not a band lo-hi: threshold", item);
    if (v[0] != floor(v[0]) || v[1] != floor(v[1]) || v[0] > v[1])
        return sim_error_set(err, MSCSIM_ERANGE,
                             "band '%s' needs whole NIHSS bounds, lo <= hi", item);
    *((mscsim_sliding_band *)field + index) = (mscsim_sliding_band){v[0], v[1], v[2]};
    return MSCSIM_OK;
}

/* Parses a list into a scratch copy first so a failed parse leaves the field unchanged. */
static int parse_list_key(const sim_key *k, const char *text, void *field, int *count_field,
                          item_parser parse_item, size_t item_size, mscsim_error *err)
{
    unsigned char scratch[MSCSIM_MAX_N_VALUES * sizeof(mscsim_subgroup)];
    if ((size_t)k->max_count * item_size > sizeof scratch)
        return sim_error_set(err, MSCSIM_EINVAL, "internal: list too long");
    int count = parse_list(k, text, scratch, parse_item, err);
    if (count < 0)
        return err ? err->code : MSCSIM_ESYNTAX;
    memcpy(field, scratch, (size_t)count * item_size);
    *count_field = count;
    return MSCSIM_OK;
}

/* One side of an allocation: a whole number, or an arm's name and its number ("msc 2");
 * *arm = the arm named, or -1. */
static int ratio_side(const sim_key *k, const char *text, size_t len, int *arm, long *v,
                      mscsim_error *err)
{
    static const char *const arms[MSCSIM_ARM_COUNT] = {"control", "msc"};
    char side[32];
    while (len > 0 && isspace((unsigned char)*text)) {
        text++;
        len--;
    }
    if (len >= sizeof side)
        return sim_error_set(err, MSCSIM_ESYNTAX, "'%.*s' is not a side of a ratio", (int)len,
                             text);
    memcpy(side, text, len);
    side[len] = '\0';
    *arm = -1;
    for (int a = 0; a < MSCSIM_ARM_COUNT; a++) {
        size_t n = strlen(arms[a]);
        if (strncmp(side, arms[a], n) == 0 && isspace((unsigned char)side[n])) {
            *arm = a;
            return parse_long(k, side + n, v, err);
        }
    }
    return parse_long(k, side, v, err);
}

/* "c:m" (control first), or with the arms named in either order: "msc 2 : control 1". */
static int parse_ratio(const sim_key *k, const char *text, int out[2], mscsim_error *err)
{
    const char *colon = strchr(text, ':');
    if (!colon)
        return sim_error_set(err, MSCSIM_ESYNTAX,
                             "'%s' is not a ratio like 1:2 (control:msc) or msc 2 : control 1",
                             text);
    int arm[2];
    long v[2];
    int status = ratio_side(k, text, (size_t)(colon - text), &arm[0], &v[0], err);
    if (!status)
        status = ratio_side(k, colon + 1, strlen(colon + 1), &arm[1], &v[1], err);
    if (status)
        return status;
    if ((arm[0] < 0) != (arm[1] < 0) || (arm[0] >= 0 && arm[0] == arm[1]))
        return sim_error_set(err, MSCSIM_ESYNTAX,
                             "'%s': name both arms (msc 2 : control 1) or neither (control:msc)",
                             text);
    int msc_first = arm[0] == MSCSIM_ARM_MSC;
    out[MSCSIM_ARM_CONTROL] = (int)v[msc_first];
    out[MSCSIM_ARM_MSC] = (int)v[!msc_first];
    return MSCSIM_OK;
}

/* Appends name to a ", "-separated list of known names. */
static void add_known(char *buf, size_t len, const char *name)
{
    if (buf[0])
        sim_append(buf, len, ", ");
    sim_append(buf, len, name);
}

static int parse_choice(const sim_key *k, const char *text, int *out, mscsim_error *err)
{
    char known[256] = "";
    for (int i = 0; k->choices[i]; i++) {
        if (strcmp(k->choices[i], text) == 0) {
            *out = i;
            return MSCSIM_OK;
        }
        add_known(known, sizeof known, k->choices[i]);
    }
    return sim_error_set(err, MSCSIM_ERANGE, "unknown value '%s' (known: %s)", text, known);
}

static int parse_model(const char *text, char *out, mscsim_error *err)
{
    if (mscsim_model_find(text))
        return sim_config_parse_name(text, out, err);
    char known[256] = "";
    for (size_t i = 0; sim_models[i]; i++)
        add_known(known, sizeof known, sim_models[i]->name);
    return sim_error_set(err, MSCSIM_ERANGE, "unknown model '%s' (known: %s)", text, known);
}

static int parse_analysis(const char *text, char *out, mscsim_error *err)
{
    if (mscsim_analysis_find(text))
        return sim_config_parse_name(text, out, err);
    char known[256] = "";
    const mscsim_analysis_type *const *a = mscsim_analysis_list();
    for (size_t i = 0; a[i]; i++)
        add_known(known, sizeof known, a[i]->name);
    return sim_error_set(err, MSCSIM_ERANGE, "unknown analysis '%s' (known: %s)", text, known);
}

/* Parses text into the storage of key `index` in cfg; the error carries no location yet. */
int sim_config_parse_value(size_t index, const char *text, mscsim_config *cfg, mscsim_error *err)
{
    const sim_key *k = sim_key_at(index, NULL);
    int *count = NULL;
    void *field = sim_key_field(index, cfg, &count);
    long lv;
    int status;
    char why[256];
    switch (k->type) {
    case SIM_KEY_STRING:
        return sim_config_parse_name(text, field, err);
    case SIM_KEY_INT:
        status = parse_long(k, text, &lv, err);
        if (!status)
            *(int *)field = (int)lv;
        return status;
    case SIM_KEY_LONG:
        return parse_long(k, text, field, err);
    case SIM_KEY_U64:
        return parse_u64(text, field, err);
    case SIM_KEY_DOUBLE:
        return parse_double(k, text, field, err);
    case SIM_KEY_LONG_LIST:
        return parse_list_key(k, text, field, count, long_item, sizeof(long), err);
    case SIM_KEY_DOUBLE_LIST:
        return parse_list_key(k, text, field, count, double_item, sizeof(double), err);
    case SIM_KEY_SUBGROUPS:
        return parse_list_key(k, text, field, count, subgroup_item, sizeof(mscsim_subgroup), err);
    case SIM_KEY_ANALYSIS_LIST:
        return parse_list_key(k, text, field, count, analysis_item, MSCSIM_NAME_LEN, err);
    case SIM_KEY_ENUM_LIST:
        return parse_list_key(k, text, field, count, choice_item, sizeof(int), err);
    case SIM_KEY_SLIDING:
        return parse_list_key(k, text, field, count, sliding_item, sizeof(mscsim_sliding_band),
                              err);
    case SIM_KEY_RATIO:
        return parse_ratio(k, text, field, err);
    case SIM_KEY_ENUM: {
        int choice = 0;
        status = parse_choice(k, text, &choice, err);
        if (!status)
            *(int *)field = choice; /* Enum fields are int-sized. */
        return status;
    }
    case SIM_KEY_DIST:
        status = mscsim_distspec_parse(text, field, why, sizeof why);
        return status ? sim_error_set(err, status, "%s", why) : MSCSIM_OK;
    case SIM_KEY_MODEL:
        return parse_model(text, field, err);
    case SIM_KEY_ANALYSIS:
        return parse_analysis(text, field, err);
    case SIM_KEY_RULE:
        return sim_rule_parse(text, k->choices, field, err);
    case SIM_KEY_RANDOMISATION:
        return sim_randomisation_parse(text, field, err);
    }
    return sim_error_set(err, MSCSIM_EINVAL, "internal: key type %d", (int)k->type);
}
