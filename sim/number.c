/* glibc exposes newlocale/uselocale (POSIX 2008) with this. */
#define _POSIX_C_SOURCE 200809L
#include "number.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Runs with the calling thread switched to the C locale for numbers (a thread-local switch:
 * other threads and the process locale are untouched). newlocale of "C" allocates nothing
 * in glibc; if it fails the process locale is used, which is the C locale unless the host
 * changed it. */
typedef struct {
    locale_t c, old;
} c_numeric;

static void c_numeric_begin(c_numeric *s)
{
    s->c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    s->old = s->c ? uselocale(s->c) : (locale_t)0;
}

static void c_numeric_end(c_numeric *s)
{
    if (s->c) {
        uselocale(s->old);
        freelocale(s->c);
    }
}

double sim_strtod(const char *text, char **end)
{
    c_numeric s;
    c_numeric_begin(&s);
    double v = strtod(text, end);
    c_numeric_end(&s);
    return v;
}

/* 1 when s (NUL-terminated) is a decimal number: [+-] digits [. digits] [e [+-] digits], with
 * digits on at least one side of the point, or [+-] inf / infinity in any case. strtod alone
 * also takes hexadecimal ("0x0.1p0"), "nan(...)" and locale-specific forms. */
static int decimal_syntax(const char *s)
{
    if (*s == '+' || *s == '-')
        s++;
    if (strcasecmp(s, "inf") == 0 || strcasecmp(s, "infinity") == 0)
        return 1;
    size_t digits = strspn(s, "0123456789");
    s += digits;
    if (*s == '.') {
        size_t frac = strspn(s + 1, "0123456789");
        digits += frac;
        s += 1 + frac;
    }
    if (digits == 0)
        return 0;
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        size_t exp = strspn(s, "0123456789");
        if (exp == 0)
            return 0;
        s += exp;
    }
    return *s == '\0';
}

sim_num_status sim_number_read(const char *text, size_t len, double *out)
{
    char buf[128];
    if (len == 0 || len >= sizeof buf)
        return SIM_NUM_MALFORMED;
    memcpy(buf, text, len);
    buf[len] = '\0';
    if (!decimal_syntax(buf))
        return SIM_NUM_MALFORMED;
    char *end;
    errno = 0;
    double v = sim_strtod(buf, &end);
    if (end != buf + len || isnan(v))
        return SIM_NUM_MALFORMED;
    if (isinf(v)) {
        if (errno == ERANGE)
            return SIM_NUM_OVERFLOW;
        *out = v;
        return SIM_NUM_INFINITE;
    }
    *out = v;
    return SIM_NUM_OK;
}

char *sim_format_double(char *buf, size_t len, double v)
{
    if (isnan(v)) {
        snprintf(buf, len, "NA");
        return buf;
    }
    if (isinf(v)) {
        snprintf(buf, len, v > 0 ? "Inf" : "-Inf");
        return buf;
    }
    c_numeric s;
    c_numeric_begin(&s);
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, len, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    c_numeric_end(&s);
    return buf;
}
