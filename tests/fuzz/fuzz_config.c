/*
 * libFuzzer target: the config loader and validation (and the resolved-config writer and
 * the analytic design on what validates), on arbitrary bytes. The design is compiled for the
 * configs that have an analytic design (their true effect is exact): compiling the others
 * estimates the truth from 10^6 patients per arm (0.1-2 s), which would leave a minute's run
 * a few dozen inputs.
 * Seed corpus: configs/ and tests/configs/ (tests/run_all.sh).
 */
#include "fuzz_io.h"

#include "mscsim/analytic.h"
#include "mscsim/config.h"
#include "mscsim/trial.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fuzz_write(data, size, ".ini"))
        return 0;
    static mscsim_config cfg;
    mscsim_error err;
    if (mscsim_config_load(fuzz_path, &cfg, &err) != MSCSIM_OK)
        return 0;
    if (mscsim_config_validate(&cfg, &err) != MSCSIM_OK)
        return 0;
    FILE *sink = fopen("/dev/null", "w");
    if (sink) {
        mscsim_config_write(&cfg, sink, &err);
        fclose(sink);
    }
    mscsim_analytic_design d;
    char why[256];
    if (mscsim_analytic_design_from_config(&cfg, 0, &d, why, sizeof why)) {
        mscsim_design *design = NULL;
        if (mscsim_design_new(&cfg, &design, &err) == MSCSIM_OK) {
            double mcse;
            mscsim_design_true_effect(design, &mcse);
        }
        mscsim_design_free(design);
    }
    return 0;
}
