/*
 * [interim] efficacy and futility values: a rule name, with its parameter in parentheses
 * for hsd(gamma), conditional_power(c), posterior(q) and predictive(q). Read with the one decimal number reader, so a
 * value means the same in every locale.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "interim/looks.h"
#include "config_impl.h"
#include "internal.h"
#include "number.h"

/* The rule names, indexed by mscsim_rule_kind. */
static const char *const rule_names[] = {"none", "obrien_fleming", "pocock", "hsd",
                                         "conditional_power", "posterior", "predictive"};

static int takes_param(mscsim_rule_kind kind)
{
    return kind != MSCSIM_RULE_NONE && kind != MSCSIM_RULE_OBRIEN_FLEMING &&
           kind != MSCSIM_RULE_POCOCK;
}

static int allowed(const char *const *choices, const char *name)
{
    for (int c = 0; choices[c]; c++)
        if (strcmp(choices[c], name) == 0)
            return 1;
    return 0;
}

void sim_rule_describe(const char *const *choices, char *buf, size_t len)
{
    buf[0] = '\0';
    for (int c = 0; choices[c]; c++) {
        if (c)
            sim_append(buf, len, " \\| ");
        sim_append(buf, len, choices[c]);
        if (strcmp(choices[c], "hsd") == 0)
            sim_append(buf, len, "(gamma in [-10, 10])");
        else if (strcmp(choices[c], "conditional_power") == 0)
            sim_append(buf, len, "(c in (0, 1))");
        else if (strcmp(choices[c], "posterior") == 0 || strcmp(choices[c], "predictive") == 0)
            sim_append(buf, len, "(q in (0, 1))");
    }
}

int sim_rule_parse(const char *text, const char *const *choices, mscsim_stopping_rule *out,
                   mscsim_error *err)
{
    const char *open = strchr(text, '(');
    size_t name_len = open ? (size_t)(open - text) : strlen(text);
    while (name_len > 0 && text[name_len - 1] == ' ')
        name_len--;
    char known[256];
    sim_rule_describe(choices, known, sizeof known);
    int kind = -1;
    for (int r = 0; r < (int)SIM_ARRAY_LEN(rule_names); r++)
        if (strlen(rule_names[r]) == name_len && strncmp(text, rule_names[r], name_len) == 0 &&
            allowed(choices, rule_names[r]))
            kind = r;
    if (kind < 0)
        return sim_error_set(err, MSCSIM_ERANGE, "unknown rule '%s' (known: %s)", text, known);
    mscsim_stopping_rule rule = {(mscsim_rule_kind)kind, 0.0};
    if (!takes_param(rule.kind)) {
        if (open)
            return sim_error_set(err, MSCSIM_ESYNTAX, "%s takes no parameter", rule_names[kind]);
        *out = rule;
        return MSCSIM_OK;
    }
    const char *close = open ? strchr(open, ')') : NULL;
    if (!open || !close || close[1] != '\0')
        return sim_error_set(err, MSCSIM_ESYNTAX, "write %s(value), e.g. %s(%s)", rule_names[kind],
                             rule_names[kind], rule.kind == MSCSIM_RULE_HSD ? "-4" : "0.1");
    const char *p = open + 1, *q = close;
    while (p < q && *p == ' ')
        p++;
    while (q > p && q[-1] == ' ')
        q--;
    if (sim_number_read(p, (size_t)(q - p), &rule.param) != SIM_NUM_OK)
        return sim_error_set(err, MSCSIM_ESYNTAX, "'%.*s' is not a number", (int)(q - p), p);
    if (rule.kind == MSCSIM_RULE_HSD && !(rule.param >= -10.0 && rule.param <= 10.0))
        return sim_error_set(err, MSCSIM_ERANGE, "hsd gamma %g is outside [-10, 10]", rule.param);
    if (rule.kind != MSCSIM_RULE_HSD && !(rule.param > 0.0 && rule.param < 1.0))
        return sim_error_set(err, MSCSIM_ERANGE, "%s threshold %g is outside (0, 1)",
                             rule.kind == MSCSIM_RULE_CONDITIONAL_POWER ? "conditional power"
                             : rule.kind == MSCSIM_RULE_POSTERIOR       ? "posterior probability"
                                                                        : "predictive probability",
                             rule.param);
    *out = rule;
    return MSCSIM_OK;
}

void sim_rule_format(const mscsim_stopping_rule *rule, char *buf, size_t len)
{
    if (!takes_param(rule->kind)) {
        snprintf(buf, len, "%s", rule_names[rule->kind]);
        return;
    }
    char num[40];
    snprintf(buf, len, "%s(%s)", rule_names[rule->kind],
             sim_format_double(num, sizeof num, rule->param));
}
