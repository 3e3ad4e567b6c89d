/* mde: the value of a key nearest the null whose power reaches the target at the config's
 * n, for every grid point; the answer, the search trace and the resolved config with the
 * key at the answer. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mscsim/mde.h"

static void mde_on_progress(void *user, long trials, long in_candidate,
                            const mscsim_mde_eval *running)
{
    cli_search_progress(user, trials, in_candidate, running->reps);
}

typedef struct {
    const mscsim_config *base; /* The design with its [sweep]. */
    size_t point;
    const char *analysis, *key;
    double target;
} mde_context;

static int write_answer(mscsim_csv_writer *w, const mde_context *c, const mscsim_config *point,
                        const mscsim_mde_result *res, mscsim_error *err)
{
    long sizes[MSCSIM_ARM_COUNT];
    mscsim_config_arm_sizes(point, point->n[0], sizes);
    cli_row r;
    cli_row_begin(&r, MSCSIM_FILE_MDE_ANSWER, c->base, c->point);
    cli_row_text(&r, c->analysis);
    cli_row_text(&r, c->key);
    cli_row_double(&r, res->value);
    cli_row_double(&r, res->null_value);
    cli_row_long(&r, point->n[0]);
    cli_row_long(&r, sizes[MSCSIM_ARM_CONTROL]);
    cli_row_long(&r, sizes[MSCSIM_ARM_MSC]);
    const double reals[] = {res->at.power, res->at.power_lo, res->at.power_hi, c->target};
    for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++)
        cli_row_double(&r, reals[i]);
    cli_row_long(&r, res->confirm_reps);
    const double below[] = {res->below.value, res->below.power, res->below.power_lo,
                            res->below.power_hi};
    for (size_t i = 0; i < sizeof below / sizeof below[0]; i++)
        cli_row_double(&r, res->below.reps > 0 ? below[i] : (double)NAN);
    const double search[] = {res->step, res->start_value, res->analytic_value};
    for (size_t i = 0; i < sizeof search / sizeof search[0]; i++)
        cli_row_double(&r, search[i]);
    cli_row_long(&r, res->trials);
    cli_row_design(&r, point);
    return cli_row_write(w, &r, err);
}

static int write_trace(mscsim_csv_writer *w, const mde_context *c, const mscsim_config *point,
                       const mscsim_mde_result *res, mscsim_error *err)
{
    long sizes[MSCSIM_ARM_COUNT];
    mscsim_config_arm_sizes(point, point->n[0], sizes);
    int status = MSCSIM_OK;
    for (int e = 0; !status && e < res->trace_count; e++) {
        const mscsim_mde_eval *ev = &res->trace[e];
        cli_row t;
        cli_row_begin(&t, MSCSIM_FILE_MDE_TRACE, c->base, c->point);
        cli_row_text(&t, c->analysis);
        cli_row_text(&t, c->key);
        cli_row_text(&t, ev->stage == MSCSIM_SS_SEARCH ? "search" : "confirm");
        cli_row_double(&t, ev->value);
        const long counts[] = {point->n[0], sizes[0], sizes[1], ev->reps, ev->rejections};
        for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
            cli_row_long(&t, counts[i]);
        const double reals[] = {ev->power, ev->power_lo, ev->power_hi, c->target};
        for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++)
            cli_row_double(&t, reals[i]);
        status = cli_row_write(w, &t, err);
    }
    return status;
}

static void print_answer(const mde_context *c, size_t points, const mscsim_mde_result *res)
{
    if (points > 1) {
        char label[CLI_LABEL_LEN];
        cli_scenario_label(c->base, c->point, label, sizeof label);
        printf("scenario %zu (%s): ", c->point + 1, label);
    }
    char value[32], null_value[32], power[32], target[32];
    printf("%s = %s (null %s): power %s [%.4f, %.4f] for %s, target %s\n", c->key,
           mscsim_format_double(value, sizeof value, res->value),
           mscsim_format_double(null_value, sizeof null_value, res->null_value),
           cli_format_power(power, sizeof power, res->at.power, c->target), res->at.power_lo,
           res->at.power_hi, c->analysis, mscsim_format_double(target, sizeof target, c->target));
    if (res->below.reps > 0)
        printf("  %s = %s: power %s [%.4f, %.4f]\n", c->key,
               mscsim_format_double(value, sizeof value, res->below.value),
               cli_format_power(power, sizeof power, res->below.power, c->target),
               res->below.power_lo, res->below.power_hi);
    if (!isnan(res->analytic_value))
        printf("  the formula's answer: %s = %.6g\n", c->key, res->analytic_value);
    int searched = 0;
    for (int e = 0; e < res->trace_count; e++)
        searched += res->trace[e].stage == MSCSIM_SS_SEARCH;
    printf("  %ld trials: %d search candidates of %ld trials (common random numbers) from "
           "%.6g, then %ld independent trials per confirmation\n  (one step of %.4g, about %g "
           "power in the search, is 4 Monte Carlo SEs at %ld trials)\n",
           res->trials, searched, res->trace_count ? res->trace[0].reps : 0, res->start_value,
           res->confirm_reps, fabs(res->step), MSCSIM_MDE_STEP_GAIN, res->confirm_reps);
    if (res->at.power < c->target)
        printf("  warning: the confirmation did not reach the target within its steps\n");
}

/* The command on the loaded design (cli_run_design). */
static int mde_design(const cli_args *args, mscsim_config *design)
{
    mscsim_config cfg = *design;
    int status;
    const char *key = args->key_name ? args->key_name : cfg.search_key;
    if (!key[0])
        return cli_command_error(CLI_MDE, "--key section.key is required (e.g. --key msc.mean)");
    for (int i = 0; i < cfg.sweep_count; i++)
        if (strcmp(cfg.sweep[i].name, key) == 0)
            return cli_command_error(CLI_MDE, "--key %s is swept: mde chooses its value", key);
    cli_search search;
    if ((status = cli_search_begin(&search, args, &cfg, CLI_MDE, "_mde", MSCSIM_FILE_MDE_ANSWER,
                                   MSCSIM_FILE_MDE_TRACE)) != 0)
        return status;
    mscsim_error err;
    size_t points = mscsim_sweep_points(&cfg);
    /* The resolved config reproduces the answer: the key at it (of the last grid point; a
     * sweep's answers differ by point, and the rows carry each). */
    mscsim_config resolved = cfg;
    for (size_t g = 0; !status && g < points; g++) {
        cli_stop_if_interrupted(&search.out);
        mde_context c = {&cfg, g, search.names[search.analysis], key, search.target};
        mscsim_config point;
        status = mscsim_sweep_point(&cfg, g, &point, &err);
        mscsim_mde_options opt = {.key = key, .target = search.target, .analysis = search.analysis,
                                  .confirm_reps = args->confirm_reps ? args->confirm_reps
                                                                     : cfg.search_confirm_reps,
                                  .on_progress = mde_on_progress, .user = &search};
        mscsim_mde_result res;
        if (!status)
            status = mscsim_mde(&point, &opt, &res, &err);
        if (status)
            break;
        search.trials += res.trials;
        status = write_answer(search.out.csv, &c, &point, &res, &err);
        if (!status)
            status = write_trace(search.out.side, &c, &point, &res, &err);
        cli_progress_end(&search.bar);
        if (!status && points == 1)
            status = mscsim_mde_apply(&cfg, key, res.value, &resolved, &err);
        if (!status)
            print_answer(&c, points, &res);
    }
    return cli_search_end(&search, args, &resolved, key, status, &err);
}

int cli_cmd_mde(const cli_args *args)
{
    return cli_run_design(args, mde_design);
}
