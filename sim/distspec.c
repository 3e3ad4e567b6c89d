#include "mscsim/distspec.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "mscsim/dist.h"

#define DIST_MAX_ARGS 4

static const char *const accepted_forms = "normal(mean, sd) or uniform(lo, hi)";

static const char *skip_space(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    return s;
}

/* Parses "name(a, b, ...)" into name and up to DIST_MAX_ARGS finite numbers. */
static int split_call(const char *text, char *name, size_t name_len, double *args, int *nargs,
                      char *why, unsigned long why_len)
{
    const char *s = skip_space(text);
    size_t len = 0;
    while (isalpha((unsigned char)s[len]) || s[len] == '_')
        len++;
    if (len == 0 || len >= name_len || s[len] != '(') {
        snprintf(why, why_len, "'%s' is not a distribution: expected %s", text, accepted_forms);
        return MSCSIM_ESYNTAX;
    }
    memcpy(name, s, len);
    name[len] = '\0';
    s += len + 1;
    *nargs = 0;
    for (;;) {
        s = skip_space(s);
        if (*s == ')' && *nargs == 0)
            break;
        if (*nargs == DIST_MAX_ARGS) {
            snprintf(why, why_len, "too many arguments in '%s'", text);
            return MSCSIM_ESYNTAX;
        }
        char *end;
        errno = 0;
        double v = strtod(s, &end);
        if (end == s || errno == ERANGE || !isfinite(v)) {
            snprintf(why, why_len, "malformed number in '%s'", text);
            return MSCSIM_ESYNTAX;
        }
        args[(*nargs)++] = v;
        s = skip_space(end);
        if (*s == ',') {
            s++;
            continue;
        }
        if (*s == ')')
            break;
        snprintf(why, why_len, "expected ',' or ')' in '%s'", text);
        return MSCSIM_ESYNTAX;
    }
    if (*skip_space(s + 1) != '\0') {
        snprintf(why, why_len, "unexpected text after ')' in '%s'", text);
        return MSCSIM_ESYNTAX;
    }
    return MSCSIM_OK;
}

MSCSIM_API int mscsim_distspec_parse(const char *text, mscsim_dist_spec *spec, char *why,
                                     unsigned long why_len)
{
    char name[32];
    double args[DIST_MAX_ARGS];
    int nargs;
    int status = split_call(text, name, sizeof name, args, &nargs, why, why_len);
    if (status)
        return status;
    if (strcmp(name, "normal") == 0) {
        if (nargs != 2) {
            snprintf(why, why_len, "normal takes 2 arguments (mean, sd), got %d", nargs);
            return MSCSIM_ESYNTAX;
        }
        if (!(args[1] > 0)) {
            snprintf(why, why_len, "normal sd must be > 0, got %g", args[1]);
            return MSCSIM_ERANGE;
        }
        *spec = (mscsim_dist_spec){MSCSIM_DIST_NORMAL, args[0], args[1]};
        return MSCSIM_OK;
    }
    if (strcmp(name, "uniform") == 0) {
        if (nargs != 2) {
            snprintf(why, why_len, "uniform takes 2 arguments (lo, hi), got %d", nargs);
            return MSCSIM_ESYNTAX;
        }
        if (!(args[0] < args[1])) {
            snprintf(why, why_len, "uniform needs lo < hi, got %g and %g", args[0], args[1]);
            return MSCSIM_ERANGE;
        }
        *spec = (mscsim_dist_spec){MSCSIM_DIST_UNIFORM, args[0], args[1]};
        return MSCSIM_OK;
    }
    snprintf(why, why_len, "unknown distribution '%s': expected %s", name, accepted_forms);
    return MSCSIM_ESYNTAX;
}

MSCSIM_API char *mscsim_distspec_format(const mscsim_dist_spec *spec, char *buf, unsigned long len)
{
    const char *name = spec->kind == MSCSIM_DIST_NORMAL ? "normal" : "uniform";
    snprintf(buf, len, "%s(%.17g, %.17g)", name, spec->a, spec->b);
    return buf;
}

MSCSIM_API double mscsim_distspec_mean(const mscsim_dist_spec *spec)
{
    return spec->kind == MSCSIM_DIST_NORMAL ? spec->a : 0.5 * (spec->a + spec->b);
}

MSCSIM_API double mscsim_distspec_sd(const mscsim_dist_spec *spec)
{
    /* The uniform's sd is its width over sqrt(12). */
    return spec->kind == MSCSIM_DIST_NORMAL ? spec->b : (spec->b - spec->a) / sqrt(12.0);
}

MSCSIM_API double mscsim_distspec_draw(const mscsim_dist_spec *spec, mscsim_rng *rng)
{
    if (spec->kind == MSCSIM_DIST_NORMAL)
        return mscsim_rnorm(rng, spec->a, spec->b);
    return spec->a + (spec->b - spec->a) * mscsim_rng_uniform(rng);
}
