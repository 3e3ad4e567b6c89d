/* samplesize: the smallest total n whose power reaches the target, for every grid point;
 * the answer, the search trace and the resolved config. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mscsim/analytic.h"
#include "mscsim/engine.h"
#include "mscsim/samplesize.h"

typedef struct {
    cli_progress bar;
    long candidate_start; /* Trials done before the candidate on the bar. */
    cli_outputs *out;     /* Removed when a signal stops the search. */
} ss_progress;

/* The bar of the candidate being simulated: its share done, the rate, its time left. */
static void ss_on_progress(void *user, long trials, long in_candidate, const mscsim_ss_eval *running)
{
    ss_progress *p = user;
    /* The search cannot be stopped from here, so a signal ends the process between its
     * engine steps, after removing the temporaries. */
    cli_stop_if_interrupted(p->out);
    if (trials - in_candidate != p->candidate_start) {
        p->candidate_start = trials - in_candidate;
        p->bar.start = cli_now() - 1e-9;
        p->bar.total = (double)running->reps;
    }
    cli_progress_update(&p->bar, (double)in_candidate);
}

/* What one grid point's search needs besides its design. */
typedef struct {
    const mscsim_config *base; /* The design with its [sweep]. */
    size_t point;
    const char *analysis; /* Its name. */
    double target;
} ss_context;

/* With [interim] looks: the expected n under H0, from a null run at the answer (the msc arm
 * drawn as the control arm) with the confirmation's replicates; *type_i its rejection rate. */
static int null_run(const mscsim_config *point, const mscsim_ss_result *res, int analysis,
                    cli_outputs *out, double *expected_n, double *type_i, mscsim_error *err)
{
    mscsim_config null = *point;
    null.null_effect = 1;
    mscsim_engine *eng;
    int status = mscsim_engine_new(&null, 0, &eng, err);
    if (!status)
        status = mscsim_engine_retarget(eng, &res->n_total, 1, res->confirm_reps, 0, err);
    while (!status && !mscsim_engine_done(eng)) {
        cli_stop_if_interrupted(out);
        status = mscsim_engine_step(eng, err);
    }
    if (!status) {
        mscsim_cell_summary s;
        mscsim_engine_summary(eng, 0, analysis, &s);
        *expected_n = s.expected_n;
        *type_i = s.power;
    }
    if (eng)
        mscsim_engine_free(eng);
    return status;
}

static int write_answer(mscsim_csv_writer *w, const ss_context *c, const mscsim_config *point,
                        const mscsim_ss_result *res, long analytic_n, long start_n,
                        double expected_n_h0, mscsim_error *err)
{
    cli_row r;
    cli_row_begin(&r, MSCSIM_FILE_SS_ANSWER, c->base, c->point);
    cli_row_text(&r, c->analysis);
    const long counts[] = {res->n_total, res->n_control, res->n_msc};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        cli_row_long(&r, counts[i]);
    const double reals[] = {res->at.power, res->at.power_lo, res->at.power_hi, c->target};
    for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++)
        cli_row_double(&r, reals[i]);
    cli_row_long(&r, res->confirm_reps);
    /* NA without a size below (the answer is the smallest possible) or a formula. */
    const double below[] = {(double)res->below.n_total, res->below.power, res->below.power_lo,
                            res->below.power_hi};
    for (size_t i = 0; i < sizeof below / sizeof below[0]; i++)
        cli_row_double(&r, res->below.reps > 0 ? below[i] : (double)NAN);
    cli_row_double(&r, res->gain_per_block);
    cli_row_long(&r, start_n);
    cli_row_double(&r, analytic_n ? (double)analytic_n : (double)NAN);
    cli_row_long(&r, res->trials);
    cli_row_double(&r, point->look_count ? res->at.expected_n : (double)NAN);
    cli_row_double(&r, expected_n_h0);
    cli_row_design(&r, point);
    return cli_row_write(w, &r, err);
}

static int write_trace(mscsim_csv_writer *w, const ss_context *c, const mscsim_ss_result *res,
                       mscsim_error *err)
{
    int status = MSCSIM_OK;
    for (int e = 0; !status && e < res->trace_count; e++) {
        const mscsim_ss_eval *ev = &res->trace[e];
        cli_row t;
        cli_row_begin(&t, MSCSIM_FILE_SS_TRACE, c->base, c->point);
        cli_row_text(&t, c->analysis);
        cli_row_text(&t, ev->stage == MSCSIM_SS_SEARCH ? "search" : "confirm");
        const long evc[] = {ev->n_total, ev->n_control, ev->n_msc, ev->reps, ev->rejections};
        for (size_t i = 0; i < sizeof evc / sizeof evc[0]; i++)
            cli_row_long(&t, evc[i]);
        cli_row_double(&t, ev->power);
        cli_row_double(&t, ev->power_lo);
        cli_row_double(&t, ev->power_hi);
        cli_row_double(&t, c->target);
        status = cli_row_write(w, &t, err);
    }
    return status;
}

/* power into buf with 4 decimals, or more when needed so that the printed value lies on
 * the same side of the target as the power: a power below it never prints as the target
 * or above (0.79997 is "0.79997", not "0.8000"). */
static const char *format_power(char *buf, size_t len, double power, double target)
{
    for (int digits = 4; digits <= 12; digits++) {
        snprintf(buf, len, "%.*f", digits, power);
        double shown;
        if (mscsim_read_double(buf, &shown) || (shown < target) == (power < target))
            break;
    }
    return buf;
}

/* The answer on stdout: n, its power, the size below, the formula's answer, the cost. */
static void print_answer(const ss_context *c, const mscsim_config *point, size_t points,
                         const mscsim_ss_result *res, long analytic_n, long start_n,
                         int analysis)
{
    if (points > 1) {
        char label[CLI_LABEL_LEN];
        cli_scenario_label(c->base, c->point, label, sizeof label);
        printf("scenario %zu (%s): ", c->point + 1, label);
    }
    char power[32], target[32];
    printf("n = %ld (%ld control + %ld msc): power %s [%.4f, %.4f] for %s, target %s\n",
           res->n_total, res->n_control, res->n_msc,
           format_power(power, sizeof power, res->at.power, c->target), res->at.power_lo,
           res->at.power_hi, c->analysis, mscsim_format_double(target, sizeof target, c->target));
    if (res->below.reps > 0)
        printf("  n = %ld: power %s [%.4f, %.4f]\n", res->below.n_total,
               format_power(power, sizeof power, res->below.power, c->target),
               res->below.power_lo, res->below.power_hi);
    if (analytic_n)
        printf("  the formula's answer: n = %ld (analytic power %.4f there)\n", analytic_n,
               mscsim_analytic_power(point, analysis, analytic_n));
    int searched = 0;
    for (int e = 0; e < res->trace_count; e++)
        searched += res->trace[e].stage == MSCSIM_SS_SEARCH;
    printf("  %ld trials: %d search candidates of %ld nested trials from n = %ld, then %ld "
           "independent trials per confirmation\n  (one block of %ld patients gained %.4f "
           "power in the search: 4 Monte Carlo SEs at %ld trials)\n",
           res->trials, searched, res->trace_count ? res->trace[0].reps : 0, start_n,
           res->confirm_reps, res->block, res->gain_per_block,
           mscsim_ss_confirm_reps(c->target, res->gain_per_block, 1));
    if (res->at.power < c->target)
        printf("  warning: the confirmation did not reach the target within its steps\n");
}

/* Searches grid point c->point, writes its answer and trace rows and prints the answer. */
static int search_point(const cli_args *args, const ss_context *c, int analysis,
                        cli_outputs *out, ss_progress *prog, long *trials, mscsim_error *err)
{
    mscsim_config point;
    int status = mscsim_sweep_point(c->base, c->point, &point, err);
    /* Start from the formula's answer where the design has one. */
    long analytic_n = 0;
    mscsim_error no_formula;
    if (!status && mscsim_analytic_sample_size(&point, analysis, c->target, MSCSIM_SS_MAX_N,
                                               &analytic_n, &no_formula))
        analytic_n = 0;
    mscsim_ss_options opt = {.target = c->target, .analysis = analysis, .start_n = analytic_n,
                             .confirm_reps = args->confirm_reps,
                             .on_progress = ss_on_progress, .user = prog};
    mscsim_ss_result res;
    if (!status)
        status = mscsim_samplesize(&point, &opt, &res, err);
    if (status)
        return status;
    *trials += res.trials;
    double en_h0 = NAN, type_i = NAN;
    if (point.look_count) {
        status = null_run(&point, &res, analysis, out, &en_h0, &type_i, err);
        *trials += res.confirm_reps;
    }
    long start_n = analytic_n ? analytic_n : point.n[0];
    if (!status)
        status = write_answer(out->csv, c, &point, &res, analytic_n, start_n, en_h0, err);
    if (!status)
        status = write_trace(out->side, c, &res, err);
    cli_progress_end(&prog->bar);
    print_answer(c, &point, mscsim_sweep_points(c->base), &res, analytic_n, start_n, analysis);
    if (point.look_count)
        printf("  with looks: n = %ld is the maximum; expected n %.1f under H1 and %.1f under H0 "
               "(a null run of %ld trials, type I error %.4f)\n",
               res.n_total, res.at.expected_n, en_h0, res.confirm_reps, type_i);
    return status;
}

int cli_cmd_samplesize(const cli_args *args)
{
    mscsim_config cfg;
    int status = cli_load_design(args, &cfg);
    if (status)
        return status;
    const char *names[MSCSIM_MAX_ANALYSES];
    int analyses = mscsim_config_analyses(&cfg, names), analysis = 0;
    if (args->analysis_name) {
        for (analysis = 0; analysis < analyses; analysis++)
            if (strcmp(names[analysis], args->analysis_name) == 0)
                break;
        if (analysis == analyses)
            return cli_command_error(CLI_SAMPLESIZE,
                                     "--analysis '%s' is not one of the config's analyses",
                                     args->analysis_name);
    }
    cli_outputs out;
    status = cli_outputs_open(&out, args->out_path, "_samplesize", args->trace_path, "--trace",
                              "_trace.csv", &cfg);
    if (status)
        return status;
    mscsim_error err;
    status = cli_write_header(out.csv, MSCSIM_FILE_SS_ANSWER, &cfg, &err);
    if (!status)
        status = cli_write_header(out.side, MSCSIM_FILE_SS_TRACE, &cfg, &err);

    ss_progress prog = {.candidate_start = -1, .out = &out};
    cli_progress_start(&prog.bar, args->quiet, 1);
    double start = cli_now();
    size_t points = mscsim_sweep_points(&cfg);
    long trials = 0;
    for (size_t g = 0; !status && g < points; g++) {
        cli_stop_if_interrupted(&out);
        ss_context c = {&cfg, g, names[analysis], args->target};
        status = search_point(args, &c, analysis, &out, &prog, &trials, &err);
    }
    cli_progress_end(&prog.bar);
    cli_stop_if_interrupted(&out);
    if (!status)
        status = cli_outputs_commit(&out, &cfg, &err);
    if (status) {
        cli_outputs_abort(&out);
        cli_print_error(&err);
        return err.code == MSCSIM_ERANGE ? CLI_EXIT_BAD_INPUT : CLI_EXIT_RUN_FAILED;
    }
    printf("wrote %s, %s and %s\n", out.csv_path, out.side_path, out.ini_path);
    if (!args->quiet)
        fprintf(stderr, "mscsim: %ld trials in %.3f s\n", trials, cli_now() - start);
    return 0;
}
