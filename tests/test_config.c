/* mkstemp, fdopen: POSIX. */
#define _POSIX_C_SOURCE 200809L
/* Config loading through the library: defaults, provenance of errors, arm sizes,
 * overrides, and the resolved config loading back to the same design. Bad-input
 * messages through the command line are in test_cli.sh. */
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "model_keys.h"
#include "mscsim/config.h"
#include "mscsim/model.h"

#define GOOD MSCSIM_TEST_DIR "/configs/good/minimal.ini"

static int load(mscsim_config *cfg, const char *path, mscsim_error *err)
{
    return mscsim_config_load(path, cfg, err);
}

static void test_defaults(void)
{
    mscsim_config cfg;
    mscsim_error err;
    INT_EQ(load(&cfg, GOOD, &err), MSCSIM_OK, "minimal config loads");
    INT_EQ(mscsim_config_validate(&cfg, &err), MSCSIM_OK, "minimal config validates");
    STR_EQ(cfg.name, "minimal", "name defaults to the file name");
    INT_EQ(cfg.n_count, 1, "one n");
    INT_EQ(cfg.n[0], 40, "n");
    INT_EQ(cfg.alloc[0], 1, "allocation default 1:1 (control)");
    INT_EQ(cfg.alloc[1], 1, "allocation default 1:1 (msc)");
    ABS_EQ(cfg.alpha, 0.05, 0, "alpha default");
    INT_EQ(cfg.sides, 2, "sides default");
    ABS_EQ(model_number(&cfg, "model", "rho"), 0, 0, "rho default");
    INT_EQ(cfg.baseline.kind, MSCSIM_DIST_NORMAL, "baseline default normal");
    ABS_EQ(arm_number(&cfg, 1, "sd"), 1, 0, "sd default");
    ABS_EQ(cfg.arm[0].dropout, 0, 0, "dropout default");
    INT_EQ(cfg.endpoint, MSCSIM_ENDPOINT_AUTO, "endpoint default auto");
    INT_EQ(mscsim_config_endpoint(&cfg), MSCSIM_ENDPOINT_CHANGE, "auto is change for normal");
    INT_EQ(cfg.reps, 2000, "reps from file");
    CHECK(cfg.seed == 7, "seed from file");
    INT_EQ(cfg.threads, 0, "threads default");
}

static void test_arm_sizes(void)
{
    mscsim_config cfg;
    mscsim_error err;
    load(&cfg, GOOD, &err);
    static const struct {
        const char *alloc;
        long n, control, msc;
    } cases[] = {{"1:2", 100, 33, 67}, {"2:1", 60, 40, 20}, {"1:1", 7, 3, 4},
                 {"1:2", 60, 20, 40}, {"3:5", 16, 6, 10}, {"1:1", 2, 1, 1}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char set[64];
        snprintf(set, sizeof set, "trial.allocation=%s", cases[i].alloc);
        mscsim_config_set(&cfg, set, &err);
        long sizes[2];
        mscsim_config_arm_sizes(&cfg, cases[i].n, sizes);
        INT_EQ(sizes[0], cases[i].control, "n=%ld %s control", cases[i].n, cases[i].alloc);
        INT_EQ(sizes[1], cases[i].msc, "n=%ld %s msc", cases[i].n, cases[i].alloc);
    }
}

static void test_error_fields(void)
{
    mscsim_config cfg;
    mscsim_error err;
    INT_EQ(load(&cfg, MSCSIM_TEST_DIR "/configs/bad/dropout_high.ini", &err), MSCSIM_ERANGE,
           "out of range is ERANGE");
    INT_EQ(err.line, 6, "error line");
    STR_EQ(err.section, "control", "error section");
    STR_EQ(err.key, "dropout", "error key");
    CHECK(strstr(err.file, "dropout_high.ini") != NULL, "error file %.200s", err.file);
    INT_EQ(load(&cfg, MSCSIM_TEST_DIR "/configs/bad/unknown_key.ini", &err), MSCSIM_EUNKNOWN_KEY,
           "unknown key is EUNKNOWN_KEY");

    load(&cfg, GOOD, &err);
    INT_EQ(mscsim_config_set(&cfg, "trial.n=12, 30,60", &err), MSCSIM_OK, "--set list");
    INT_EQ(cfg.n_count, 3, "list length");
    INT_EQ(cfg.n[2], 60, "list value");
    INT_EQ(mscsim_config_set(&cfg, "analysis.test=chisq", &err), MSCSIM_OK, "--set test");
    INT_EQ(mscsim_config_validate(&cfg, &err), MSCSIM_ECONFIG, "chisq does not fit normal");
    STR_EQ(err.file, "--set", "cross-key error names --set as its source");
    STR_EQ(err.key, "test", "cross-key error names the key");
}

/* Removes the "  ; default" marks, which say where a value came from, not what it is. */
static void strip_default_marks(char *text)
{
    const char *mark = "  ; default";
    size_t len = strlen(mark);
    char *p;
    while ((p = strstr(text, mark)) != NULL)
        memmove(p, p + len, strlen(p + len) + 1);
}

static void test_resolved_round_trip(void)
{
    mscsim_config cfg, back;
    mscsim_error err;
    load(&cfg, GOOD, &err);
    const char *sets[] = {"trial.n=30,61", "trial.allocation=1:2", "model.rho=-0.35",
                          "baseline.score=uniform(0, 49)", "msc.mean=0.1", "control.sd=0.3",
                          "msc.dropout=0.123456789", "analysis.endpoint=final",
                          "simulation.seed=18446744073709551615", "trial.name=round.trip-1"};
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++)
        INT_EQ(mscsim_config_set(&cfg, sets[i], &err), MSCSIM_OK, "set %s", sets[i]);
    char path[] = "/tmp/mscsim_resolvedXXXXXX";
    int fd = mkstemp(path);
    FILE *fp = fdopen(fd, "w");
    INT_EQ(mscsim_config_write(&cfg, fp, &err), MSCSIM_OK, "write resolved");
    fclose(fp);
    INT_EQ(load(&back, path, &err), MSCSIM_OK, "resolved config loads: %.200s", err.msg);
    INT_EQ(mscsim_config_validate(&back, &err), MSCSIM_OK, "resolved config validates");
    unlink(path);
    /* Everything but provenance must match: both write the same resolved text, and the
     * values that text rounds (if it did) are compared bit for bit. */
    char *text_a = NULL, *text_b = NULL;
    size_t len_a = 0, len_b = 0;
    FILE *ma = open_memstream(&text_a, &len_a), *mb = open_memstream(&text_b, &len_b);
    mscsim_config_write(&cfg, ma, &err);
    mscsim_config_write(&back, mb, &err);
    fclose(ma);
    fclose(mb);
    strip_default_marks(text_a);
    strip_default_marks(text_b);
    const char *body_a = strchr(text_a, '\n'), *body_b = strchr(text_b, '\n');
    CHECK(body_a && body_b && strcmp(body_a, body_b) == 0, "resolved text is a fixed point");
    free(text_a);
    free(text_b);
    CHECK(back.arm[1].dropout == cfg.arm[1].dropout &&
              model_number(&back, "model", "rho") == model_number(&cfg, "model", "rho") &&
              arm_number(&back, 0, "sd") == arm_number(&cfg, 0, "sd") &&
              back.baseline.b == cfg.baseline.b,
          "doubles survive bit for bit");
    STR_EQ(back.name, "round.trip-1", "name");
    INT_EQ(back.n[1], 61, "n list");
    INT_EQ(back.alloc[1], 2, "allocation");
    INT_EQ(back.endpoint, MSCSIM_ENDPOINT_FINAL, "endpoint");
    CHECK(back.seed == UINT64_MAX, "64-bit seed survives");
}

/* List items are trimmed on both sides, whatever the list's type. */
static void test_list_items_trimmed(void)
{
    mscsim_config cfg;
    mscsim_error err;
    load(&cfg, GOOD, &err);
    INT_EQ(mscsim_config_set(&cfg, "analysis.covariates= baseline , nihss ", &err), MSCSIM_OK,
           "covariates with spaces around the items");
    INT_EQ(cfg.covariate_count, 2, "two covariates");
    INT_EQ(cfg.covariates[1], MSCSIM_COVARIATE_NIHSS, "second covariate nihss");
    INT_EQ(mscsim_config_set(&cfg, "analysis.tests=welch ,ancova", &err), MSCSIM_OK,
           "analyses with a space before the comma");
    STR_EQ(cfg.tests[0], "welch", "first analysis");
    INT_EQ(mscsim_config_set(&cfg, "trial.n= 30 , 60", &err), MSCSIM_OK, "n with spaces");
    INT_EQ(cfg.n[1], 60, "second n");
}

/* Keys the models declare: a shared key is set for both, a model's key does not apply to
 * another model, labels come from the rows, and each model's parameters fit the design. */
static void test_model_keys(void)
{
    mscsim_config cfg;
    mscsim_error err;
    load(&cfg, GOOD, &err);
    INT_EQ(mscsim_config_set(&cfg, "model.r_sd=0.25", &err), MSCSIM_OK, "r_sd set");
    size_t first, second;
    CHECK(sim_key_find("model", "r_sd", 0, &first) &&
              sim_key_find("model", "r_sd", first + 1, &second),
          "two models declare [model] r_sd");
    ABS_EQ(cfg.model_values[first - sim_generic_key_count].number, 0.25, 0, "first r_sd set");
    ABS_EQ(cfg.model_values[second - sim_generic_key_count].number, 0.25, 0, "second r_sd set");
    INT_EQ(mscsim_config_validate(&cfg, &err), MSCSIM_ECONFIG, "r_sd does not apply to normal");
    STR_EQ(err.msg, "does not apply to model 'normal' (used by: proportional trajectory)",
           "the message lists both models");
    STR_EQ(mscsim_config_key_label("msc.mean"), "MSC mean change (points)", "a model key's label");
    STR_EQ(mscsim_config_key_label("trial.n"), "Total sample size (patients)", "a shared label");
    CHECK(mscsim_config_key_label("msc.gain_shift") && mscsim_config_key_label("model.rho") &&
              mscsim_config_key_label("msc.tau_ratio"),
          "labels of gain_shift, rho and tau_ratio");
    CHECK(mscsim_config_key_label("msc.effect") == NULL, "no label for an unknown key");
    CHECK(mscsim_config_key_label("simulation.seed") == NULL, "NULL for a key without one");
    CHECK(mscsim_config_key_label("nodot") == NULL, "NULL for a name without a section");
    /* The design allocates params_size bytes for the model's prepare (sim/trial/design.c). */
    const mscsim_model_type *const *m = mscsim_model_list();
    for (size_t i = 0; m[i]; i++)
        CHECK(m[i]->params_size > 0, "%s: params_size %zu declared", m[i]->name,
              m[i]->params_size);
}

int main(void)
{
    test_defaults();
    test_model_keys();
    test_arm_sizes();
    test_error_fields();
    test_resolved_round_trip();
    test_list_items_trimmed();
    return TEST_DONE();
}
