/* open_memstream: POSIX. */
#define _POSIX_C_SOURCE 200809L
/*
 * Results must not depend on the host program's locale: under a comma-decimal locale
 * (de_DE.UTF-8) a config with decimals loads to the same values, the resolved config is
 * the same text with '.' decimals, and doubles format with '.'. Skipped (with a SKIP line)
 * only where that locale is not installed.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "model_keys.h"
#include "mscsim/config.h"
#include "mscsim/output.h"

#define EXAMPLE MSCSIM_TEST_DIR "/../configs/example.ini"

/* Loads the example with alpha = 0.05 set over it; its resolved config in *text (malloc'd). */
static void load_example(mscsim_config *cfg, char **text)
{
    mscsim_error err;
    int status = mscsim_config_load(EXAMPLE, cfg, &err);
    if (!status)
        status = mscsim_config_set(cfg, "trial.alpha=0.05", &err);
    INT_EQ(status, MSCSIM_OK, "example loads (%.200s)", err.msg);
    size_t len;
    FILE *out = open_memstream(text, &len);
    INT_EQ(out ? mscsim_config_write(cfg, out, &err) : -1, MSCSIM_OK, "resolved config written");
    if (out)
        fclose(out);
}

int main(void)
{
    mscsim_config *c_cfg = malloc(sizeof *c_cfg), *de_cfg = malloc(sizeof *de_cfg);
    if (!c_cfg || !de_cfg) {
        printf("FAIL out of memory\n");
        return 1;
    }
    char *c_text = NULL, *de_text = NULL;
    load_example(c_cfg, &c_text);
    if (!setlocale(LC_ALL, "de_DE.UTF-8")) {
        printf("SKIP the de_DE.UTF-8 locale is not installed\n");
        free(c_text);
        free(c_cfg);
        free(de_cfg);
        return 0;
    }
    char probe[32];
    snprintf(probe, sizeof probe, "%.2f", 0.5);
    STR_EQ(probe, "0,50", "the locale is active: printf writes a decimal comma");

    load_example(de_cfg, &de_text);
    ABS_EQ(de_cfg->alpha, 0.05, 0, "alpha = 0.05 reads as 0.05");
    ABS_EQ(model_number(de_cfg, "model", "rho"), -0.3, 0, "[model] rho = -0.3 reads as -0.3");
    CHECK(de_cfg->alpha == c_cfg->alpha &&
              model_number(de_cfg, "model", "rho") == model_number(c_cfg, "model", "rho") &&
              arm_number(de_cfg, 1, "mean") == arm_number(c_cfg, 1, "mean") &&
              de_cfg->baseline.a == c_cfg->baseline.a && de_cfg->baseline.b == c_cfg->baseline.b,
          "the same values as in the C locale");
    CHECK(c_text && de_text && strcmp(c_text, de_text) == 0,
          "the resolved config is the same text as in the C locale");
    CHECK(de_text && strstr(de_text, "alpha = 0.05\n") && strstr(de_text, "rho = -0.3\n"),
          "the resolved config writes '.' decimals");

    char buf[64];
    STR_EQ(mscsim_format_double(buf, sizeof buf, 0.25), "0.25", "a double formats with '.'");
    STR_EQ(mscsim_format_double(buf, sizeof buf, -1.5e-7), "-1.5e-07", "a small double too");
    mscsim_config_format(de_cfg, "trial", "alpha", buf, sizeof buf);
    STR_EQ(buf, "0.05", "mscsim_config_format writes '.'");

    setlocale(LC_ALL, "C");
    free(c_text);
    free(de_text);
    free(c_cfg);
    free(de_cfg);
    return TEST_DONE();
}
