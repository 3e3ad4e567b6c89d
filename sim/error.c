#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static const char *const status_names[MSCSIM_STATUS_COUNT] = {
    [MSCSIM_OK] = "success",
    [MSCSIM_EINVAL] = "invalid argument",
    [MSCSIM_ERANGE] = "value out of range",
    [MSCSIM_ENOMEM] = "out of memory",
    [MSCSIM_EIO] = "input/output error",
    [MSCSIM_ESYNTAX] = "syntax error",
    [MSCSIM_EUNKNOWN_KEY] = "unknown section or key",
    [MSCSIM_ECONFIG] = "inconsistent configuration",
};

SIM_API const char *mscsim_strerror(int code)
{
    if (code < 0 || code >= MSCSIM_STATUS_COUNT)
        return "unknown status";
    return status_names[code];
}

/* The one setter behind sim_error_set (the library's) and mscsim_error_set (the CLI's). */
static int error_set_v(mscsim_error *err, int code, const char *fmt, va_list ap)
{
    if (!err)
        return code;
    memset(err, 0, sizeof *err);
    err->code = code;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    return code;
}

int sim_error_set(mscsim_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_set_v(err, code, fmt, ap);
    va_end(ap);
    return code;
}

SIM_API int mscsim_error_set(mscsim_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_set_v(err, code, fmt, ap);
    va_end(ap);
    return code;
}

static void copy_field(char *dst, size_t len, const char *src)
{
    if (src)
        snprintf(dst, len, "%s", src);
}

void sim_error_locate(mscsim_error *err, const char *file, int line, const char *section,
                         const char *key)
{
    if (!err)
        return;
    copy_field(err->file, sizeof err->file, file);
    if (line > 0)
        err->line = line;
    copy_field(err->section, sizeof err->section, section);
    copy_field(err->key, sizeof err->key, key);
}

SIM_API char *mscsim_error_format(const mscsim_error *err, char *buf, unsigned long len)
{
    size_t used = 0;
    buf[0] = '\0';
#define APPEND(...)                                                                      \
    do {                                                                                 \
        if (used < len) {                                                                \
            int w = snprintf(buf + used, len - used, __VA_ARGS__);                       \
            used += w > 0 ? (size_t)w : 0;                                               \
        }                                                                                \
    } while (0)
    if (err->file[0])
        APPEND(err->line > 0 ? "%s:%d: " : "%s: ", err->file, err->line);
    if (err->section[0] && err->key[0])
        APPEND("[%s] %s: ", err->section, err->key);
    else if (err->section[0])
        APPEND("[%s]: ", err->section);
    APPEND("%s", err->msg[0] ? err->msg : mscsim_strerror(err->code));
#undef APPEND
    return buf;
}
