/* The results schema: column order of every file kind, look-up, and its Markdown. */
#include <stdlib.h>

#include "harness.h"
#include "mscsim/schema.h"

/* The header row of kind without a sweep, comma-separated, as the CLI writes it. */
static void header_of(mscsim_file_kind kind, char *buf, size_t len)
{
    size_t count, used = 0;
    const mscsim_column *c = mscsim_schema_columns(kind, &count);
    buf[0] = '\0';
    for (size_t i = 0; i < count; i++)
        if (!c[i].per_swept_key)
            used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "," : "", c[i].name);
}

int main(void)
{
    char buf[2048];
    header_of(MSCSIM_FILE_RESULTS, buf, sizeof buf);
    STR_EQ(buf,
           "scenario,analysis,n_total,n_control,n_msc,reps,rejections,power,power_lo,power_hi,"
           "true_effect,mean_estimate,bias,empirical_se,mean_se,rmse,coverage,mean_n_analysed,"
           "failures,true_effect_mcse,mean_deaths,floor_share,ceiling_share,recovery_slope,"
           "missing_control,missing_msc,mean_imbalance,rejection_kind,analytic_power,expected_n,"
           "expected_n_analysed,expected_months,stop_efficacy,stop_futility,prior_p_benefit,"
           "p_success_and_benefit,p_success_given_no_benefit,mean_effect_success,model,scale,"
           "endpoint,missing,warnings",
           "results header");
    header_of(MSCSIM_FILE_SS_TRACE, buf, sizeof buf);
    STR_EQ(buf,
           "scenario,analysis,stage,n_total,n_control,n_msc,reps,rejections,power,power_lo,"
           "power_hi,target",
           "trace header: no design labels");
    header_of(MSCSIM_FILE_PATIENTS, buf, sizeof buf);
    STR_EQ(buf,
           "patient,arm,nihss,age,onset_days,baseline,visit_day,true_score,observed_score,"
           "observed,died,death_day",
           "patient rows: no scenario");

    for (int k = 0; k < MSCSIM_FILE_KIND_COUNT; k++) {
        size_t count, swept = 0;
        const mscsim_column *c = mscsim_schema_columns((mscsim_file_kind)k, &count);
        int complete = c && count > 0;
        for (size_t i = 0; complete && i < count; i++) {
            complete = c[i].name && c[i].meaning && c[i].label && c[i].label[0];
            swept += (size_t)c[i].per_swept_key;
            /* Names are unique, so a look-up finds the column itself. */
            complete = complete && (c[i].per_swept_key ||
                                    mscsim_schema_find((mscsim_file_kind)k, c[i].name) == &c[i]);
        }
        CHECK(complete, "kind %d: every column named, explained, labelled and found", k);
        INT_EQ(swept, k == MSCSIM_FILE_PATIENTS ? 0 : 1, "kind %d: swept-key columns", k);
    }
    size_t count = 7;
    CHECK(mscsim_schema_columns(MSCSIM_FILE_KIND_COUNT, &count) == NULL && count == 0,
          "a kind out of range has no columns");

    const mscsim_column *n = mscsim_schema_find(MSCSIM_FILE_RESULTS, "n_total");
    STR_EQ(n ? n->label : NULL, "Total sample size (patients)", "n_total label");
    STR_EQ(n ? n->unit : NULL, "patients", "n_total unit");
    const mscsim_column *p = mscsim_schema_find(MSCSIM_FILE_RESULTS, "power");
    CHECK(p && strcmp(p->label, "Power") == 0 && !p->unit, "power: label Power, no unit");
    CHECK(!mscsim_schema_find(MSCSIM_FILE_RESULTS, "section.key"),
          "the swept-key entry is not a column name");
    CHECK(!mscsim_schema_find(MSCSIM_FILE_SS_TRACE, "model"), "the trace has no design labels");

    FILE *fp = tmpfile();
    mscsim_error err;
    INT_EQ(mscsim_schema_write_markdown(MSCSIM_FILE_RESULTS, fp, &err), MSCSIM_OK, "markdown");
    rewind(fp);
    size_t got = fread(buf, 1, sizeof buf - 1, fp);
    buf[got] = '\0';
    fclose(fp);
    CHECK(strncmp(buf, "| column | meaning |\n|---|---|\n| `scenario` | Scenario number", 47) == 0,
          "markdown starts with the header and scenario");
    CHECK(strstr(buf, "\n| `section.key` (one per swept key) | The value") != NULL,
          "swept keys as one row");
    CHECK(strstr(buf, "\n| `n_total`, `n_control`, `n_msc` | Patients randomized in total and "
                      "per arm. |\n") != NULL,
          "columns sharing a meaning share a row");
    INT_EQ(mscsim_schema_write_markdown(MSCSIM_FILE_KIND_COUNT, stdout, &err), MSCSIM_EINVAL,
           "markdown of an unknown kind");
    return TEST_DONE();
}
