/*
 * libFuzzer target: the config loader and validation (and the resolved-config writer and
 * the analytic design on what validates), on arbitrary bytes. The design is compiled for the
 * configs that have an analytic design, with placeholder truths (mscsim_design_new_given):
 * the analyses' truths are estimated by simulation (10^6 patients per arm, or whole trials
 * for po and wilcoxon: 0.1 s for configs/mrs_table_path.ini in a Release build, seconds
 * under the sanitizers), and the other designs' set-up simulates too (dropout calibration,
 * priors), which would leave a minute's run a few dozen inputs.
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
        const char *names[MSCSIM_MAX_ANALYSES];
        mscsim_truths placeholder = {0};
        placeholder.count = mscsim_config_analyses(&cfg, names);
        mscsim_design *design = NULL;
        if (mscsim_design_new_given(&cfg, &placeholder, &design, &err) == MSCSIM_OK) {
            double mcse;
            mscsim_design_true_effect(design, &mcse);
        }
        mscsim_design_free(design);
    }
    return 0;
}
