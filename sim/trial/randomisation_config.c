/*
 * [trial] randomisation: the key's text and its checks against the rest of the design.
 *
 * SYNTAX
 *   fixed | simple | blocks(B) | stratified_blocks(B; factors) | minimisation(P; factors),
 *   factors = factor[: band, band, ...] separated by ';' or ','; factor = nihss, age or
 *   onset_days; band = lo-hi (whole numbers, inclusive). A factor named without bands takes
 *   the default ones: NIHSS 0-10, 11-15, 16-42 (mild, moderate, severe), age 0-64, 65-120;
 *   onset_days has none and must list its own.
 *
 * FAILURE (naming the key)
 *   A malformed value, a block outside 2..1000 or not whole allocation blocks, P outside
 *   [0.5, 1], more than 4 factors or 8 bands, a factor twice, bands that overlap or leave a
 *   gap, a factor the design does not simulate, NIHSS bands short of the eligible range.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "config/config_impl.h"
#include "internal.h"
#include "number.h"
#include "randomisation.h"

/* Highest NIHSS (sim/trial/trial_impl.h has the same for the population). */
#define NIHSS_TOP 42

static const char *const method_names[] = {"fixed", "simple", "blocks", "stratified_blocks",
                                           "minimisation"};
/* Factor names by mscsim_covariate (the baseline score cannot be one). */
static const char *const factor_names[] = {NULL, "nihss", "age", "onset_days"};

const char sim_randomisation_allowed[] =
    "fixed, simple, blocks(B), stratified_blocks(B; factor: lo-hi, ...), minimisation(P; "
    "factor, ...); factor: nihss, age, onset_days";

/* s[0..len) without the blanks around it. */
static void trim(const char **s, size_t *len)
{
    while (*len && isspace((unsigned char)**s))
        (*s)++, (*len)--;
    while (*len && isspace((unsigned char)(*s)[*len - 1]))
        (*len)--;
}

/* The index of s[0..len) among names[0..count) (NULL entries skipped), or -1. */
static int find_name(const char *const *names, int count, const char *s, size_t len)
{
    for (int i = 0; i < count; i++)
        if (names[i] && strlen(names[i]) == len && strncmp(s, names[i], len) == 0)
            return i;
    return -1;
}

static int read_number(const char *s, size_t len, double *v)
{
    trim(&s, &len);
    return len > 0 && sim_number_read(s, len, v) == SIM_NUM_OK;
}

/* One band "lo-hi" appended to factor f. */
static int add_band(mscsim_randomisation *r, int f, const char *s, size_t len, mscsim_error *err)
{
    trim(&s, &len);
    const char *dash = len > 1 ? memchr(s + 1, '-', len - 1) : NULL;
    double lo, hi;
    if (!dash || !read_number(s, (size_t)(dash - s), &lo) ||
        !read_number(dash + 1, len - (size_t)(dash + 1 - s), &hi))
        return sim_error_set(err, MSCSIM_ESYNTAX, "'%.*s' is not a band lo-hi", (int)len, s);
    if (lo != floor(lo) || hi != floor(hi) || lo > hi || lo < 0)
        return sim_error_set(err, MSCSIM_ERANGE, "band '%.*s' needs whole bounds, 0 <= lo <= hi",
                             (int)len, s);
    int k = r->band_count[f];
    const char *name = factor_names[r->factor[f]];
    if (k == MSCSIM_MAX_FACTOR_LEVELS)
        return sim_error_set(err, MSCSIM_ERANGE, "%s has more than %d bands", name,
                             MSCSIM_MAX_FACTOR_LEVELS);
    if (k > 0 && lo <= r->band_hi[f][k - 1])
        return sim_error_set(err, MSCSIM_ERANGE, "%s bands %g-%g and %g-%g overlap (bands "
                             "ascend)", name, r->band_lo[f][k - 1], r->band_hi[f][k - 1], lo, hi);
    if (k > 0 && lo > r->band_hi[f][k - 1] + 1)
        return sim_error_set(err, MSCSIM_ERANGE, "%s bands %g-%g and %g-%g leave a gap", name,
                             r->band_lo[f][k - 1], r->band_hi[f][k - 1], lo, hi);
    r->band_lo[f][k] = lo;
    r->band_hi[f][k] = hi;
    r->band_count[f] = k + 1;
    return MSCSIM_OK;
}

/* A factor named without bands: its default ones. */
static int default_bands(mscsim_randomisation *r, int f, mscsim_error *err)
{
    static const double nihss[][2] = {{0, 10}, {11, 15}, {16, NIHSS_TOP}};
    static const double age[][2] = {{0, 64}, {65, 120}};
    const double (*b)[2] = r->factor[f] == MSCSIM_COVARIATE_NIHSS ? nihss : age;
    int count = r->factor[f] == MSCSIM_COVARIATE_NIHSS ? 3 : 2;
    if (r->factor[f] == MSCSIM_COVARIATE_ONSET)
        return sim_error_set(err, MSCSIM_ESYNTAX,
                             "onset_days has no default bands: list them, e.g. onset_days: "
                             "0-30, 31-365");
    for (int k = 0; k < count; k++) {
        r->band_lo[f][k] = b[k][0];
        r->band_hi[f][k] = b[k][1];
    }
    r->band_count[f] = count;
    return MSCSIM_OK;
}

/* "nihss: 6-10, 11-15; age" into r's factors. */
static int parse_factors(const char *s, size_t len, mscsim_randomisation *r, mscsim_error *err)
{
    int f = -1;
    for (size_t at = 0; at <= len;) {
        size_t n = at;
        while (n < len && s[n] != ',' && s[n] != ';')
            n++;
        const char *tok = s + at;
        size_t tlen = n - at;
        trim(&tok, &tlen);
        at = n + 1;
        if (tlen == 0)
            return sim_error_set(err, MSCSIM_ESYNTAX, "an empty factor or band");
        if (!isalpha((unsigned char)tok[0])) {
            if (f < 0)
                return sim_error_set(err, MSCSIM_ESYNTAX, "band '%.*s' before any factor",
                                     (int)tlen, tok);
            int status = add_band(r, f, tok, tlen, err);
            if (status)
                return status;
            continue;
        }
        const char *colon = memchr(tok, ':', tlen);
        size_t nlen = colon ? (size_t)(colon - tok) : tlen;
        const char *name = tok;
        trim(&name, &nlen);
        int which = find_name(factor_names, (int)SIM_ARRAY_LEN(factor_names), name, nlen);
        if (which < 0)
            return sim_error_set(err, MSCSIM_ESYNTAX,
                                 "unknown factor '%.*s' (known: nihss, age, onset_days)",
                                 (int)nlen, name);
        for (int g = 0; g <= f; g++)
            if (r->factor[g] == which)
                return sim_error_set(err, MSCSIM_ESYNTAX, "factor %s given twice",
                                     factor_names[which]);
        if (f + 1 == MSCSIM_MAX_RANDOMISE_FACTORS)
            return sim_error_set(err, MSCSIM_ERANGE, "more than %d factors",
                                 MSCSIM_MAX_RANDOMISE_FACTORS);
        r->factor[++f] = which;
        r->factor_count = f + 1;
        if (colon) {
            int status = add_band(r, f, colon + 1, tlen - (size_t)(colon + 1 - tok), err);
            if (status)
                return status;
        }
    }
    for (int g = 0; g < r->factor_count; g++) {
        int status = r->band_count[g] ? MSCSIM_OK : default_bands(r, g, err);
        if (status)
            return status;
    }
    return MSCSIM_OK;
}

int sim_randomisation_parse(const char *text, mscsim_randomisation *out, mscsim_error *err)
{
    mscsim_randomisation r;
    memset(&r, 0, sizeof r);
    size_t len = strlen(text);
    trim(&text, &len);
    const char *open = memchr(text, '(', len);
    size_t name_len = open ? (size_t)(open - text) : len;
    const char *name = text;
    trim(&name, &name_len);
    int method = find_name(method_names, (int)SIM_ARRAY_LEN(method_names), name, name_len);
    if (method < 0)
        return sim_error_set(err, MSCSIM_ERANGE, "unknown randomisation '%.*s' (known: %s)",
                             (int)len, text, sim_randomisation_allowed);
    r.method = (mscsim_randomise_method)method;
    int takes = method != MSCSIM_RANDOMISE_FIXED && method != MSCSIM_RANDOMISE_SIMPLE;
    int factors = method == MSCSIM_RANDOMISE_STRATIFIED_BLOCKS ||
                  method == MSCSIM_RANDOMISE_MINIMISATION;
    static const char *const example[] = {"", "", "blocks(4)",
                                          "stratified_blocks(4; nihss: 6-10, 11-15, 16-21)",
                                          "minimisation(0.8; nihss, age)"};
    if (!takes) {
        if (open)
            return sim_error_set(err, MSCSIM_ESYNTAX, "%s takes no parameter", method_names[method]);
        *out = r;
        return MSCSIM_OK;
    }
    if (!open || text[len - 1] != ')')
        return sim_error_set(err, MSCSIM_ESYNTAX, "write %s", example[method]);
    const char *inner = open + 1;
    size_t inner_len = (size_t)(text + len - 1 - inner);
    const char *semi = memchr(inner, ';', inner_len);
    if (factors != (semi != NULL))
        return sim_error_set(err, MSCSIM_ESYNTAX, "write %s", example[method]);
    double v;
    if (!read_number(inner, semi ? (size_t)(semi - inner) : inner_len, &v))
        return sim_error_set(err, MSCSIM_ESYNTAX, "write %s: the first parameter is a number",
                             example[method]);
    if (method == MSCSIM_RANDOMISE_MINIMISATION) {
        if (!(v >= 0.5 && v <= 1.0))
            return sim_error_set(err, MSCSIM_ERANGE,
                                 "the probability of the minimising arm, %g, is outside [0.5, 1]",
                                 v);
        r.p_minimise = v;
    } else {
        if (v != floor(v) || v < 2 || v > 1000)
            return sim_error_set(err, MSCSIM_ERANGE, "a block of %g patients: a whole number "
                                 "2 to 1000 is needed", v);
        r.block = (int)v;
    }
    if (factors) {
        int status = parse_factors(semi + 1, inner_len - (size_t)(semi + 1 - inner), &r, err);
        if (status)
            return status;
    }
    *out = r;
    return MSCSIM_OK;
}

void sim_randomisation_format(const mscsim_randomisation *r, char *buf, size_t len)
{
    char num[40];
    snprintf(buf, len, "%s", method_names[r->method]);
    if (r->method == MSCSIM_RANDOMISE_FIXED || r->method == MSCSIM_RANDOMISE_SIMPLE)
        return;
    sim_append(buf, len, "(");
    if (r->method == MSCSIM_RANDOMISE_MINIMISATION)
        sim_append(buf, len, sim_format_double(num, sizeof num, r->p_minimise));
    else {
        snprintf(num, sizeof num, "%d", r->block);
        sim_append(buf, len, num);
    }
    for (int f = 0; f < r->factor_count; f++) {
        sim_append(buf, len, "; ");
        sim_append(buf, len, factor_names[r->factor[f]]);
        for (int k = 0; k < r->band_count[f]; k++) {
            snprintf(num, sizeof num, "%s%g-%g", k ? ", " : ": ", r->band_lo[f][k],
                     r->band_hi[f][k]);
            sim_append(buf, len, num);
        }
    }
    sim_append(buf, len, ")");
}

void sim_randomisation_spec(const mscsim_config *cfg, mscsim_randomise_spec *out)
{
    const mscsim_randomisation *r = &cfg->randomisation;
    memset(out, 0, sizeof *out);
    out->method = r->method;
    out->alloc[0] = cfg->alloc[0];
    out->alloc[1] = cfg->alloc[1];
    out->block = r->block;
    out->p_minimise = r->p_minimise;
    out->factor_count = r->factor_count;
    for (int f = 0; f < r->factor_count; f++)
        out->levels[f] = r->band_count[f];
}

int sim_randomisation_level(const mscsim_randomisation *r, int f, double value)
{
    double v = floor(value);
    int last = r->band_count[f] - 1;
    for (int k = 0; k < last; k++)
        if (v <= r->band_hi[f][k])
            return k;
    return last;
}

static int key_error(const mscsim_config *cfg, mscsim_error *err)
{
    return mscsim_config_error_at(cfg, "trial", "randomisation", err);
}

int sim_randomisation_validate(const mscsim_config *cfg, mscsim_error *err)
{
    const mscsim_randomisation *r = &cfg->randomisation;
    if (r->method == MSCSIM_RANDOMISE_FIXED)
        return MSCSIM_OK;
    mscsim_randomise_spec spec;
    sim_randomisation_spec(cfg, &spec);
    if (mscsim_randomise_check(&spec, err) != MSCSIM_OK) {
        if (r->block > 0 && err) {
            char why[sizeof err->msg];
            snprintf(why, sizeof why, "%s", err->msg);
            sim_error_set(err, MSCSIM_ECONFIG, "%s ([trial] allocation %d:%d)", why,
                          cfg->alloc[0], cfg->alloc[1]);
        }
        return key_error(cfg, err);
    }
    for (int f = 0; f < r->factor_count; f++) {
        const mscsim_dist_spec *dist = r->factor[f] == MSCSIM_COVARIATE_NIHSS ? &cfg->nihss
                                       : r->factor[f] == MSCSIM_COVARIATE_AGE ? &cfg->age
                                                                              : &cfg->onset_days;
        const char *name = factor_names[r->factor[f]];
        if (dist->kind == MSCSIM_DIST_NONE) {
            sim_error_set(err, MSCSIM_ECONFIG,
                          "factor %s is not simulated: set a [baseline] %s distribution", name,
                          name);
            return key_error(cfg, err);
        }
        double min = r->factor[f] == MSCSIM_COVARIATE_NIHSS ? cfg->nihss_min
                     : r->factor[f] == MSCSIM_COVARIATE_AGE ? cfg->age_min
                                                            : cfg->onset_min;
        double max = r->factor[f] == MSCSIM_COVARIATE_NIHSS ? cfg->nihss_max
                     : r->factor[f] == MSCSIM_COVARIATE_AGE ? cfg->age_max
                                                            : cfg->onset_max;
        if (r->factor[f] == MSCSIM_COVARIATE_NIHSS) { /* drawn whole, 0..42 */
            min = fmax(ceil(min), 0);
            max = fmin(floor(max), NIHSS_TOP);
        }
        int last = r->band_count[f] - 1;
        if ((isfinite(min) && r->band_lo[f][0] > floor(min)) ||
            (isfinite(max) && r->band_hi[f][last] < floor(max))) {
            sim_error_set(err, MSCSIM_ECONFIG,
                          "the %s bands span %g-%g, leaving eligible patients out: they must "
                          "cover %g to %g ([eligibility] %s)", name, r->band_lo[f][0],
                          r->band_hi[f][last], floor(min), floor(max),
                          r->factor[f] == MSCSIM_COVARIATE_NIHSS ? "nihss_min, nihss_max"
                          : r->factor[f] == MSCSIM_COVARIATE_AGE ? "age_min, age_max"
                                                                 : "onset_min, onset_max");
            return key_error(cfg, err);
        }
    }
    return MSCSIM_OK;
}
