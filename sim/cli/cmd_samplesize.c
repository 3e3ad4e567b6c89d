/* samplesize: the smallest total n whose power reaches the target, for every grid point;
 * the answer, the search trace and the resolved config. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mscsim/analytic.h"
#include "mscsim/engine.h"
#include "mscsim/samplesize.h"

static void ss_on_progress(void *user, long trials, long in_candidate, const mscsim_ss_eval *running)
{
    cli_search_progress(user, trials, in_candidate, running->reps);
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
    cli_row_warnings(&r, res->design_warnings.codes | res->at.warnings);
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

/* The design's warnings and those of the confirmation at the answer, on stderr. */
static void print_warnings(const ss_context *c, size_t points, const mscsim_ss_result *res)
{
    char where[CLI_LABEL_LEN + 96] = "";
    if (points > 1) {
        char label[CLI_LABEL_LEN];
        cli_scenario_label(c->base, c->point, label, sizeof label);
        snprintf(where, sizeof where, "scenario %zu (%s)", c->point + 1, label);
    }
    cli_print_warnings(where, &res->design_warnings, ~0u);
    for (int i = 0; i < MSCSIM_WARN_COUNT; i++)
        if (res->at.warnings & (1u << i))
            fprintf(stderr, "mscsim: warning: %s%sat the answer n = %ld, %s: %s [%s]\n", where,
                    where[0] ? ", " : "", res->n_total, c->analysis,
                    mscsim_warning_rule((mscsim_warning)i), mscsim_warning_code((mscsim_warning)i));
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
    /* Averaged over a design prior, or decided by posterior probabilities. */
    const char *rate = point->prior_count ? "assurance"
                       : point->decision_rule == MSCSIM_DECISION_POSTERIOR ? "P(success)"
                                                                          : "power";
    printf("n = %ld (%ld control + %ld msc): %s %s [%.4f, %.4f] for %s, target %s\n",
           res->n_total, res->n_control, res->n_msc, rate,
           cli_format_power(power, sizeof power, res->at.power, c->target), res->at.power_lo,
           res->at.power_hi, c->analysis, mscsim_format_double(target, sizeof target, c->target));
    if (res->below.reps > 0)
        printf("  n = %ld: %s %s [%.4f, %.4f]\n", res->below.n_total, rate,
               cli_format_power(power, sizeof power, res->below.power, c->target),
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
    print_warnings(c, points, res);
}

int cli_ss_search(const cli_args *args, const mscsim_config *cfg, size_t g, int analysis,
                  void *progress, cli_ss_point *out, mscsim_error *err)
{
    mscsim_config point;
    int status = mscsim_sweep_point(cfg, g, &point, err);
    double target = cli_search_target(args, cfg);
    /* Start from the formula's answer where the design has one. */
    long analytic_n = 0;
    mscsim_error no_formula;
    if (!status && mscsim_analytic_sample_size(&point, analysis, target, MSCSIM_SS_MAX_N,
                                               &analytic_n, &no_formula))
        analytic_n = 0;
    mscsim_ss_options opt = {.target = target, .analysis = analysis, .start_n = analytic_n,
                             .confirm_reps = args->confirm_reps ? args->confirm_reps
                                                                : point.search_confirm_reps,
                             .on_progress = progress ? ss_on_progress : NULL, .user = progress};
    if (!status)
        status = mscsim_samplesize(&point, &opt, &out->res, err);
    out->analytic_n = analytic_n;
    out->start_n = analytic_n ? analytic_n : point.n[0];
    out->trials = out->res.trials;
    out->en_h0 = out->type_i = NAN;
    if (!status && point.look_count) {
        cli_search *search = progress;
        status = null_run(&point, &out->res, analysis, search ? &search->out : NULL, &out->en_h0,
                          &out->type_i, err);
        out->trials += out->res.confirm_reps;
    }
    return status;
}

int cli_ss_emit(const mscsim_config *cfg, size_t g, int analysis, double target,
                const cli_ss_point *pt, cli_outputs *out, mscsim_error *err)
{
    const char *names[MSCSIM_MAX_ANALYSES];
    mscsim_config_analyses(cfg, names);
    ss_context c = {cfg, g, names[analysis], target};
    mscsim_config point;
    int status = mscsim_sweep_point(cfg, g, &point, err);
    if (!status)
        status = write_answer(out->csv, &c, &point, &pt->res, pt->analytic_n, pt->start_n,
                              pt->en_h0, err);
    if (!status)
        status = write_trace(out->side, &c, &pt->res, err);
    if (!status)
        print_answer(&c, &point, mscsim_sweep_points(cfg), &pt->res, pt->analytic_n,
                     pt->start_n, analysis);
    if (!status && point.look_count)
        printf("  with looks: n = %ld is the maximum; expected n %.1f under H1 and %.1f under H0 "
               "(a null run of %ld trials, type I error %.4f)\n",
               pt->res.n_total, pt->res.at.expected_n, pt->en_h0, pt->res.confirm_reps,
               pt->type_i);
    return status;
}

int cli_ss_analysis(const cli_args *args, const mscsim_config *cfg, int *analysis)
{
    return cli_find_analysis(args, cfg, CLI_SAMPLESIZE, analysis);
}

int cli_ss_open(const cli_args *args, const mscsim_config *cfg, cli_outputs *out,
                mscsim_error *err)
{
    int status = cli_outputs_open(out, args->out_path, "_samplesize", args->trace_path,
                                  "--trace", "_trace.csv", cfg);
    if (status)
        return status;
    if (cli_write_header(out->csv, MSCSIM_FILE_SS_ANSWER, cfg, err) ||
        cli_write_header(out->side, MSCSIM_FILE_SS_TRACE, cfg, err)) {
        cli_outputs_abort(out);
        cli_print_error(err);
        return CLI_EXIT_RUN_FAILED;
    }
    return 0;
}

int cli_ss_commit(cli_outputs *out, const cli_args *args, const mscsim_config *cfg,
                  int analysis, mscsim_error *err, int status)
{
    mscsim_config resolved = *cfg;
    const char *names[MSCSIM_MAX_ANALYSES];
    mscsim_config_analyses(cfg, names);
    if (!status)
        status = cli_record_search(&resolved, args, NULL, names[analysis], err);
    if (!status)
        status = cli_outputs_commit(out, &resolved, err);
    if (status) {
        cli_outputs_abort(out);
        cli_print_error(err);
        return err->code == MSCSIM_ERANGE || err->code == MSCSIM_EINVAL ? CLI_EXIT_BAD_INPUT
                                                                         : CLI_EXIT_RUN_FAILED;
    }
    printf("wrote %s, %s and %s\n", out->csv_path, out->side_path, out->ini_path);
    return 0;
}

/* The command on the loaded design (cli_run_design). */
static int samplesize_design(const cli_args *args, mscsim_config *design)
{
    mscsim_config cfg = *design;
    cli_search search;
    int status = cli_search_begin(&search, args, &cfg, CLI_SAMPLESIZE, "_samplesize",
                                  MSCSIM_FILE_SS_ANSWER, MSCSIM_FILE_SS_TRACE);
    if (status)
        return status;
    mscsim_error err;
    size_t points = mscsim_sweep_points(&cfg);
    for (size_t g = 0; !status && g < points; g++) {
        cli_stop_if_interrupted(&search.out);
        cli_ss_point pt;
        status = cli_ss_search(args, &cfg, g, search.analysis, &search, &pt, &err);
        cli_progress_end(&search.bar);
        if (!status)
            status = cli_ss_emit(&cfg, g, search.analysis, search.target, &pt, &search.out, &err);
        search.trials += status ? 0 : pt.trials;
    }
    return cli_search_end(&search, args, &cfg, NULL, status, &err);
}

int cli_cmd_samplesize(const cli_args *args)
{
    return cli_run_design(args, samplesize_design);
}
