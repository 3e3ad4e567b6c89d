/*
 * A work unit's partial sums, and a design's truths, as one line of text, lossless and locale-independent: integers
 * in decimal, doubles as the 16 hexadecimal digits of their IEEE 754 bits (printf's %a
 * would write the locale's decimal point). The shard files and the MPI messages use it.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "mscsim/engine.h"
#include "mscsim/trial.h"

/* Appends to buf at *used; 0, or -1 when it no longer fits. */
static int put(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
    if (*used >= len)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *used, len - *used, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= len - *used)
        return -1;
    *used += (size_t)n;
    return 0;
}

static int put_bits(char *buf, size_t len, size_t *used, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    return put(buf, len, used, " %016" PRIx64, bits);
}

static int put_welford(char *buf, size_t len, size_t *used, const mscsim_welford *w)
{
    return put(buf, len, used, " %ld", w->count) || put_bits(buf, len, used, w->mean) ||
           put_bits(buf, len, used, w->m2);
}

SIM_API int mscsim_unit_format(const mscsim_unit *u, int analyses, int looks, char *buf,
                               size_t len)
{
    const mscsim_unit_trials *t = &u->trials;
    size_t used = 0;
    int bad = put(buf, len, &used, "%ld %lld %lld %lld %lld %lld %lld %lld", t->reps_done,
                  t->n_analysed, t->deaths, t->at_floor, t->at_ceiling, t->scored,
                  t->missing_arm[0], t->missing_arm[1]);
    bad = bad || put_welford(buf, len, &used, &t->slope) ||
          put(buf, len, &used, " %lld %lld %lld", t->randomised[0], t->randomised[1],
              t->imbalance);
    for (int k = 0; !bad && k < analyses; k++) {
        const mscsim_unit_analysis *a = &u->analysis[k];
        bad = put(buf, len, &used, " %ld %ld %ld", a->rejections, a->failures, a->covered) ||
              put_welford(buf, len, &used, &a->estimate) ||
              put_welford(buf, len, &used, &a->se) ||
              put_welford(buf, len, &used, &a->squared_error) ||
              put_welford(buf, len, &used, &a->truth) ||
              put_welford(buf, len, &used, &a->error) ||
              put_welford(buf, len, &used, &a->success_truth) ||
              put(buf, len, &used, " %ld %ld %ld", a->benefit, a->success_benefit,
                  a->success_no_benefit);
    }
    const mscsim_unit_looks *l = &u->looks;
    if (!bad && looks > 0)
        bad = put(buf, len, &used, " %ld %lld", l->reps, l->analysed_final);
    for (int k = 0; !bad && k < looks; k++) {
        bad = put(buf, len, &used, " %ld %ld %ld %lld", l->stopped[k], l->futile[k],
                  l->reached[k], l->analysed[k]);
        for (int a = 0; !bad && a < analyses; a++)
            bad = put(buf, len, &used, " %ld", l->rejected[a][k]);
    }
    return bad ? -1 : (int)used;
}

/* Reads one whitespace-separated field of text at *p: a decimal integer (hex = 0) or 16
 * hexadecimal digits (hex = 1). 0, or -1 for anything else. */
static int field(const char **p, int hex, long long *ival, uint64_t *bits)
{
    const char *s = *p;
    if (*s != ' ')
        return -1;
    s++;
    const char *start = s;
    if (hex) {
        uint64_t v = 0;
        for (; (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f'); s++)
            v = v << 4 | (uint64_t)(*s <= '9' ? *s - '0' : *s - 'a' + 10);
        if (s - start != 16)
            return -1;
        *bits = v;
    } else {
        long long v = 0;
        for (; *s >= '0' && *s <= '9' && s - start < 18; s++)
            v = v * 10 + (*s - '0');
        if (s == start || (*s >= '0' && *s <= '9'))
            return -1;
        *ival = v;
    }
    *p = s;
    return 0;
}

static int get_long(const char **p, long *out)
{
    long long v;
    if (field(p, 0, &v, NULL))
        return -1;
    *out = (long)v;
    return 0;
}

static int get_llong(const char **p, long long *out)
{
    return field(p, 0, out, NULL);
}

static int get_bits(const char **p, double *v)
{
    uint64_t bits;
    if (field(p, 1, NULL, &bits))
        return -1;
    memcpy(v, &bits, sizeof bits);
    return 0;
}

static int get_welford(const char **p, mscsim_welford *w)
{
    return get_long(p, &w->count) || get_bits(p, &w->mean) || get_bits(p, &w->m2);
}

/* " " text into line, so that every field reads " value"; 0, or -1 when too long. */
static int spaced(const char *text, char *line, size_t len)
{
    int n = snprintf(line, len, " %s", text);
    return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* 1 when text is left after the last field. */
static int trailing(const char *p)
{
    return *p != '\0' && *p != '\n';
}

SIM_API int mscsim_unit_parse(const char *text, int analyses, int looks, mscsim_unit *u)
{
    memset(u, 0, sizeof *u);
    if (analyses < 1 || analyses > MSCSIM_MAX_ANALYSES || looks < 0 || looks > MSCSIM_MAX_LOOKS)
        return MSCSIM_EINVAL;
    char line[MSCSIM_UNIT_TEXT_LEN + 2];
    if (spaced(text, line, sizeof line))
        return MSCSIM_ESYNTAX;
    const char *p = line;
    mscsim_unit_trials *t = &u->trials;
    int bad = get_long(&p, &t->reps_done) || get_llong(&p, &t->n_analysed) ||
              get_llong(&p, &t->deaths) || get_llong(&p, &t->at_floor) ||
              get_llong(&p, &t->at_ceiling) || get_llong(&p, &t->scored) ||
              get_llong(&p, &t->missing_arm[0]) || get_llong(&p, &t->missing_arm[1]) ||
              get_welford(&p, &t->slope) || get_llong(&p, &t->randomised[0]) ||
              get_llong(&p, &t->randomised[1]) || get_llong(&p, &t->imbalance);
    for (int k = 0; !bad && k < analyses; k++) {
        mscsim_unit_analysis *a = &u->analysis[k];
        bad = get_long(&p, &a->rejections) || get_long(&p, &a->failures) ||
              get_long(&p, &a->covered) || get_welford(&p, &a->estimate) ||
              get_welford(&p, &a->se) || get_welford(&p, &a->squared_error) ||
              get_welford(&p, &a->truth) || get_welford(&p, &a->error) ||
              get_welford(&p, &a->success_truth) || get_long(&p, &a->benefit) ||
              get_long(&p, &a->success_benefit) || get_long(&p, &a->success_no_benefit);
    }
    mscsim_unit_looks *l = &u->looks;
    if (!bad && looks > 0)
        bad = get_long(&p, &l->reps) || get_llong(&p, &l->analysed_final);
    for (int k = 0; !bad && k < looks; k++) {
        bad = get_long(&p, &l->stopped[k]) || get_long(&p, &l->futile[k]) ||
              get_long(&p, &l->reached[k]) || get_llong(&p, &l->analysed[k]);
        for (int a = 0; !bad && a < analyses; a++)
            bad = get_long(&p, &l->rejected[a][k]);
    }
    return bad || trailing(p) ? MSCSIM_ESYNTAX : MSCSIM_OK;
}

SIM_API int mscsim_truths_format(const mscsim_truths *t, char *buf, size_t len)
{
    size_t used = 0;
    int bad = put(buf, len, &used, "%d", t->count) ||
              put_bits(buf, len, &used, t->true_effect) ||
              put_bits(buf, len, &used, t->true_effect_mcse);
    for (int k = 0; !bad && k < t->count; k++)
        bad = put_bits(buf, len, &used, t->truth[k]) || put_bits(buf, len, &used, t->mcse[k]);
    return bad ? -1 : (int)used;
}

SIM_API int mscsim_truths_parse(const char *text, mscsim_truths *t)
{
    memset(t, 0, sizeof *t);
    char line[1024];
    long count;
    const char *p = line;
    if (spaced(text, line, sizeof line) || get_long(&p, &count) || count < 1 ||
        count > MSCSIM_MAX_ANALYSES)
        return MSCSIM_ESYNTAX;
    t->count = (int)count;
    int bad = get_bits(&p, &t->true_effect) || get_bits(&p, &t->true_effect_mcse);
    for (int k = 0; !bad && k < t->count; k++)
        bad = get_bits(&p, &t->truth[k]) || get_bits(&p, &t->mcse[k]);
    return bad || trailing(p) ? MSCSIM_ESYNTAX : MSCSIM_OK;
}
