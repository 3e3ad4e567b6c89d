#ifndef MSCSIM_TEST_CONFIG_UTIL_H
#define MSCSIM_TEST_CONFIG_UTIL_H
/*
 * Designs for tests: the minimal config (tests/configs/good/minimal.ini) with --set style
 * overrides, and running an engine to the end. A design a test cannot build is a broken
 * test, so these exit(2) rather than report.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "mscsim/config.h"
#include "mscsim/engine.h"

#ifndef MSCSIM_TEST_DIR
#error "define MSCSIM_TEST_DIR as the absolute path of tests/"
#endif

static inline void load_base(mscsim_config *cfg)
{
    mscsim_error err;
    if (mscsim_config_load(MSCSIM_TEST_DIR "/configs/good/minimal.ini", cfg, &err)) {
        char buf[1024];
        printf("cannot load base config: %s\n", mscsim_error_format(&err, buf, sizeof buf));
        exit(2);
    }
}

static inline void set(mscsim_config *cfg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline void set(mscsim_config *cfg, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    mscsim_error err;
    if (mscsim_config_set(cfg, buf, &err)) {
        char msg[1024];
        printf("FAIL --set %s: %s\n", buf, mscsim_error_format(&err, msg, sizeof msg));
        exit(2);
    }
}

/* An engine of cfg run to the end (the caller frees it), or NULL when cfg is invalid. */
static inline mscsim_engine *run_engine(const mscsim_config *cfg)
{
    mscsim_engine *eng;
    mscsim_error err;
    if (mscsim_engine_new(cfg, 0, &eng, &err)) {
        char msg[1024];
        printf("engine_new: %s\n", mscsim_error_format(&err, msg, sizeof msg));
        return NULL;
    }
    while (!mscsim_engine_done(eng))
        mscsim_engine_step(eng, &err);
    return eng;
}

/* Runs cfg to the end; the summary of analysis `analysis` in cell. 0 when cfg is invalid. */
static inline int run_analysis(const mscsim_config *cfg, mscsim_cell_summary *out, size_t cell,
                               int analysis)
{
    mscsim_engine *eng = run_engine(cfg);
    if (!eng)
        return 0;
    mscsim_engine_summary(eng, cell, analysis, out);
    mscsim_engine_free(eng);
    return 1;
}

#endif
