/* keys, columns: the config key reference and the output column reference, in Markdown
 * (the README's tables are these outputs, checked by tests/test_cli.sh). */
#include <stdio.h>

#include "cli.h"

int cli_cmd_keys(void)
{
    mscsim_error err;
    if (mscsim_config_write_key_reference(stdout, &err)) {
        cli_print_error(&err);
        return CLI_EXIT_RUN_FAILED;
    }
    return 0;
}

/* Headings of the column reference, one per file kind, as in the README. */
static const char *const column_titles[MSCSIM_FILE_KIND_COUNT] = {
    [MSCSIM_FILE_RESULTS] = "### Results (`run`)",
    [MSCSIM_FILE_REPLICATES] = "### Replicates (`run --replicates`)",
    [MSCSIM_FILE_SS_ANSWER] = "### Sample-size answer (`samplesize`)",
    [MSCSIM_FILE_SS_TRACE] = "### Sample-size trace (`samplesize --trace`)",
    [MSCSIM_FILE_PATIENTS] = "### Patients (`simulate`)",
    [MSCSIM_FILE_LOOKS] = "### Looks (`run` with `[interim]`)",
};

int cli_cmd_columns(void)
{
    mscsim_error err;
    for (int k = 0; k < MSCSIM_FILE_KIND_COUNT; k++) {
        printf("%s%s\n\n", k ? "\n" : "", column_titles[k]);
        if (mscsim_schema_write_markdown((mscsim_file_kind)k, stdout, &err)) {
            cli_print_error(&err);
            return CLI_EXIT_RUN_FAILED;
        }
    }
    return 0;
}
