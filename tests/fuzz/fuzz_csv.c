/*
 * libFuzzer target: the CSV readers on arbitrary bytes, through the plot's table reader (file
 * kind from the header, every kept column checked) with every option it takes, and through
 * the empirical-file reader of the population (a config that draws a column of the file).
 * Seed corpus: tests/data/plot/ and tests/data/ (tests/run_all.sh).
 */
#include "fuzz_io.h"

#include "mscsim/config.h"
#include "mscsim/population.h"
#include "plot/plot_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char config_path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fuzz_write(data, size, ".csv"))
        return 0;
    mscsim_error err;
    sim_plot_table t = {.path = fuzz_path, .err = &err};
    sim_plot_read(&t);
    sim_plot_table_free(&t);

    /* The same bytes as an empirical file of baseline ages. */
    if (!config_path[0]) {
        snprintf(config_path, sizeof config_path, "/tmp/mscsim-fuzz-cfg-XXXXXX");
        int fd = mkstemp(config_path);
        if (fd < 0)
            abort();
        FILE *f = fdopen(fd, "w");
        if (!f)
            abort();
        fprintf(f, "[trial]\nn = 20\n[model]\ntype = normal\n[baseline]\nage = empirical(%s, age)\n"
                   "[analysis]\ntest = welch\n", fuzz_path);
        fclose(f);
    }
    static mscsim_config cfg;
    if (mscsim_config_load(config_path, &cfg, &err) == MSCSIM_OK &&
        mscsim_config_validate(&cfg, &err) == MSCSIM_OK) {
        mscsim_population *pop = NULL;
        if (mscsim_population_new(&cfg, MSCSIM_NEED_AGE, &pop, &err) == MSCSIM_OK)
            mscsim_population_free(pop);
    }
    return 0;
}
