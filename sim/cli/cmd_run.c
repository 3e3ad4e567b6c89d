/* run: simulate every sample size and grid point; one results row per (scenario, n,
 * analysis), and with --replicates one row per trial and analysis. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mscsim/analytic.h"
#include "mscsim/engine.h"
#include "mscsim/interim.h"

static void summary_row(cli_row *r, const mscsim_config *base, size_t point,
                        const mscsim_config *design, int analysis, const mscsim_cell_summary *s,
                        unsigned warnings)
{
    cli_row_begin(r, MSCSIM_FILE_RESULTS, base, point);
    cli_row_text(r, s->analysis);
    const long counts[] = {s->n_total, s->n_control, s->n_msc, s->reps, s->rejections};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        cli_row_long(r, counts[i]);
    const double reals[] = {s->power,         s->power_lo, s->power_hi,     s->true_effect,
                            s->mean_estimate, s->bias,     s->empirical_se, s->mean_se,
                            s->rmse,          s->coverage, s->mean_n_analysed};
    for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++)
        cli_row_double(r, reals[i]);
    cli_row_long(r, s->failures);
    const double extra[] = {s->true_effect_mcse, s->mean_deaths,     s->floor_share,
                            s->ceiling_share,    s->recovery_slope,  s->missing_control,
                            s->missing_msc,      s->mean_imbalance};
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
        cli_row_double(r, extra[i]);
    /* With no true effect every rejection is a false one: the rate is the type I error. */
    cli_row_text(r, s->assurance ? "assurance" : s->true_effect == 0 ? "type_i_error" : "power");
    cli_row_double(r, mscsim_analytic_power(design, analysis, s->n_total));
    const double looks[] = {s->expected_n, s->expected_n_analysed, s->expected_months,
                            s->stop_efficacy, s->stop_futility};
    for (size_t i = 0; i < sizeof looks / sizeof looks[0]; i++)
        cli_row_double(r, looks[i]);
    const double prior[] = {s->prior_p_benefit, s->p_success_and_benefit,
                            s->p_success_given_no_benefit, s->mean_effect_success};
    for (size_t i = 0; i < sizeof prior / sizeof prior[0]; i++)
        cli_row_double(r, prior[i]);
    cli_row_design(r, design);
    cli_row_warnings(r, warnings);
}

/* The looks file's rows of one cell and analysis. */
static int write_looks(mscsim_csv_writer *w, const mscsim_config *base, size_t point,
                       const mscsim_config *design, const mscsim_engine *eng, size_t cell,
                       const mscsim_cell_summary *s, int analysis, mscsim_error *err)
{
    int status = MSCSIM_OK;
    for (int k = 0; !status && k < mscsim_engine_look_count(eng); k++) {
        mscsim_look_summary l;
        mscsim_engine_look_summary(eng, cell, analysis, k, &l);
        cli_row r;
        cli_row_begin(&r, MSCSIM_FILE_LOOKS, base, point);
        cli_row_text(&r, s->analysis);
        const long counts[] = {s->n_total, s->n_control, s->n_msc, s->reps, l.look};
        for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
            cli_row_long(&r, counts[i]);
        const double reals[] = {l.information_fraction, l.efficacy_z,      l.efficacy_p,
                                l.futility_z,           l.cumulative_alpha, l.reject_at_look,
                                l.futility_at_look,     l.mean_analysed,   l.mean_randomized,
                                l.mean_month,           l.pipeline};
        for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++)
            cli_row_double(&r, reals[i]);
        cli_row_long(&r, design->sides);
        cli_row_design(&r, design);
        status = cli_row_write(w, &r, err);
    }
    return status;
}

/* One row per trial and analysis of the engine's last step. */
static int write_replicates(mscsim_csv_writer *w, const mscsim_config *base, size_t point,
                            const mscsim_config *design, const mscsim_engine *eng,
                            mscsim_error *err)
{
    const mscsim_replicate *records;
    size_t count, cell;
    mscsim_engine_last_chunk(eng, &records, &count, &cell);
    int analyses = mscsim_engine_analysis_count(eng);
    int status = MSCSIM_OK;
    for (int k = 0; !status && k < analyses; k++) {
        /* The cells every row of this analysis shares, formatted once: the leading ones
         * (scenario to n_msc), then the trailing ones (true effect and design labels). */
        mscsim_cell_summary s;
        mscsim_engine_summary(eng, cell, k, &s);
        cli_row fixed;
        cli_row_begin(&fixed, MSCSIM_FILE_REPLICATES, base, point);
        cli_row_text(&fixed, s.analysis);
        cli_row_long(&fixed, s.n_total);
        cli_row_long(&fixed, s.n_control);
        cli_row_long(&fixed, s.n_msc);
        size_t lead = fixed.count;
        cli_row_design(&fixed, design);
        for (size_t i = 0; !status && i < count; i++) {
            const mscsim_replicate *rec = &records[i];
            const mscsim_analysis_result *res = &rec->result[k];
            cli_row r;
            cli_row_init(&r, MSCSIM_FILE_REPLICATES, base);
            cli_row_copy(&r, &fixed, 0, lead);
            cli_row_long(&r, rec->replicate + 1);
            cli_row_double(&r, res->failed ? (double)NAN : res->estimate);
            cli_row_double(&r, res->failed ? (double)NAN : res->se);
            cli_row_double(&r, res->failed ? (double)NAN : res->p_value);
            cli_row_long(&r, res->reject != 0);
            cli_row_long(&r, res->failed != 0);
            cli_row_long(&r, (long)rec->diag.n_analysed[0]);
            cli_row_long(&r, (long)rec->diag.n_analysed[1]);
            cli_row_double(&r, rec->truth[k]); /* the trial's own, with a [prior] */
            cli_row_copy(&r, &fixed, lead, fixed.count - lead);
            status = cli_row_write(w, &r, err);
        }
    }
    return status;
}

void cli_point_init(cli_point *p, const mscsim_config *base, int want_p)
{
    memset(p, 0, sizeof *p);
    p->base = base;
    p->index = (size_t)-1;
    p->want_p = want_p;
}

void cli_point_free(cli_point *p)
{
    mscsim_engine_free(p->eng);
    mscsim_design_free(p->design);
    free(p->digest);
    free(p->seen_point);
    free(p->seen_truths);
    p->eng = NULL;
    p->design = NULL;
    p->digest = NULL;
    p->seen_point = NULL;
    p->seen_truths = NULL;
    p->seen = 0;
    p->index = (size_t)-1;
}

/* Sets p->given to the truths of a point visited before that p->point cannot differ from
 * (digest, then the configs compared); 1 when there is one. */
static int truths_seen(cli_point *p, uint64_t digest)
{
    mscsim_config *other = NULL;
    int found = 0;
    for (size_t i = 0; !found && i < p->seen; i++) {
        mscsim_error ignored;
        if (p->digest[i] != digest ||
            (!other && !(other = malloc(sizeof *other))) || /* Large: off the stack. */
            mscsim_sweep_point(p->base, p->seen_point[i], other, &ignored))
            continue;
        if ((found = mscsim_config_same_truths(&p->point, other)) != 0)
            p->given = p->seen_truths[i];
    }
    free(other);
    return found;
}

/* Files the truths of p's new point g (digest d), for the points after it. */
static void truths_remember(cli_point *p, size_t g, uint64_t d)
{
    size_t points = mscsim_sweep_points(p->base);
    if (!p->digest) {
        p->digest = malloc(points * sizeof *p->digest);
        p->seen_point = malloc(points * sizeof *p->seen_point);
        p->seen_truths = malloc(points * sizeof *p->seen_truths);
    }
    if (!p->digest || !p->seen_point || !p->seen_truths || p->seen >= points)
        return;
    p->digest[p->seen] = d;
    p->seen_point[p->seen] = g;
    mscsim_design_truths(p->design, &p->seen_truths[p->seen++]);
}

int cli_point_at(cli_point *p, size_t g, int *exit_code, mscsim_error *err)
{
    if (g == p->index)
        return MSCSIM_OK;
    mscsim_engine_free(p->eng);
    p->eng = NULL;
    mscsim_design *design = NULL;
    int status = mscsim_sweep_point(p->base, g, &p->point, err);
    /* A point visited before lends its truths when they cannot differ (a sweep over
     * dropout, alpha, the missing-data handling...): one estimate per distinct truth. */
    uint64_t digest = status ? 0 : mscsim_config_truths_digest(&p->point);
    int known = !status && (p->has_given || truths_seen(p, digest));
    if (!status && known)
        status = mscsim_design_new_given(&p->point, &p->given, &design, err);
    else if (!status)
        status = mscsim_design_new_like(&p->point, p->design, &design, err);
    p->has_given = 0;
    mscsim_design_free(p->design);
    p->design = design;
    p->index = (size_t)-1;
    if (!status && !known)
        truths_remember(p, g, digest);
    if (!status)
        status = mscsim_engine_new_with_design(design, p->want_p, &p->eng, err);
    if (status) {
        *exit_code = err->code == MSCSIM_ENOMEM ? CLI_EXIT_RUN_FAILED : CLI_EXIT_BAD_INPUT;
        return status;
    }
    p->index = g;
    return MSCSIM_OK;
}

long cli_units_per_point(const mscsim_config *cfg)
{
    return (long)cfg->n_count * ((cfg->reps + MSCSIM_UNIT_REPS - 1) / MSCSIM_UNIT_REPS);
}

void cli_run_print_header(const mscsim_config *cfg)
{
    if (mscsim_sweep_points(cfg) > 1)
        printf("%-8s ", "scenario");
    /* What the rate is: averaged over a design prior, or decided by posterior probabilities. */
    const char *rate = cfg->prior_count ? "assurance"
                       : cfg->decision_rule == MSCSIM_DECISION_POSTERIOR ? "P(success)" : "power";
    printf("%-8s %-11s %7s %7s %8s  %-17s %10s %9s %8s\n", "n", "analysis", "control", "msc",
           rate, "95% CI", "bias", "coverage", "failures");
}

int cli_run_write_rows(const cli_point *p, cli_outputs *out, mscsim_error *err)
{
    const mscsim_config *cfg = p->base;
    size_t g = p->index;
    size_t cells = mscsim_engine_cell_count(p->eng);
    int analyses = mscsim_engine_analysis_count(p->eng), status = MSCSIM_OK;
    int swept = mscsim_sweep_points(cfg) > 1;
    char where[CLI_LABEL_LEN + 64] = "";
    if (swept) {
        char label[CLI_LABEL_LEN];
        cli_scenario_label(cfg, g, label, sizeof label);
        printf("scenario %zu: %s\n", g + 1, label);
        snprintf(where, sizeof where, "scenario %zu (%s)", g + 1, label);
    }
    mscsim_warnings design_warnings;
    mscsim_warnings_clear(&design_warnings);
    mscsim_warnings_design(mscsim_engine_design(p->eng), &design_warnings);
    cli_print_warnings(where, &design_warnings, ~0u); /* once per scenario */
    for (size_t c = 0; !status && c < cells; c++) {
        for (int k = 0; !status && k < analyses; k++) {
            mscsim_cell_summary s;
            mscsim_engine_summary(p->eng, c, k, &s);
            mscsim_warnings w;
            mscsim_warnings_clear(&w);
            mscsim_warnings_cell(&s, &w);
            cli_row r;
            summary_row(&r, cfg, g, &p->point, k, &s, design_warnings.codes | w.codes);
            status = cli_row_write(out->csv, &r, err);
            if (!status && out->looks)
                status = write_looks(out->looks, cfg, g, &p->point, p->eng, c, &s, k, err);
            if (swept)
                printf("%-8zu ", g + 1);
            printf("%-8ld %-11s %7ld %7ld %8.4f  [%.4f, %.4f] %10.4g %9.4f %8ld\n", s.n_total,
                   s.analysis, s.n_control, s.n_msc, s.power, s.power_lo, s.power_hi, s.bias,
                   s.coverage, s.failures);
            /* Floor and ceiling belong to the cell's trials, the same for every analysis. */
            char at[CLI_LABEL_LEN + 96];
            snprintf(at, sizeof at, "%s%sn = %ld", where, swept ? ", " : "", s.n_total);
            unsigned cell_only = (1u << MSCSIM_WARN_FLOOR) | (1u << MSCSIM_WARN_CEILING);
            cli_print_warnings(at, &w, k == 0 ? ~0u : ~cell_only);
        }
    }
    return status;
}

/* Totals of a run, for the timing line. */
typedef struct {
    long trials;
    int threads;
} run_totals;

/* Simulates grid point g: its replicates as they come, then its results rows (also printed
 * as a table). Returns the status; *exit_code is set for a design that cannot be built. */
static int run_point(cli_point *p, size_t g, cli_outputs *out, cli_progress *bar,
                     run_totals *totals, int *exit_code, mscsim_error *err)
{
    int status = cli_point_at(p, g, exit_code, err);
    if (status)
        return status;
    while (!status && !mscsim_engine_done(p->eng)) {
        cli_stop_if_interrupted(out); /* Between steps, where nothing is half-written. */
        status = mscsim_engine_step(p->eng, err);
        if (!status && out->side)
            status = write_replicates(out->side, p->base, g, &p->point, p->eng, err);
        cli_progress_update(bar, (double)(totals->trials + mscsim_engine_trials_done(p->eng)));
    }
    if (!status)
        status = cli_run_write_rows(p, out, err);
    totals->trials += mscsim_engine_trials_done(p->eng);
    totals->threads = mscsim_engine_threads(p->eng);
    return status;
}

/* The command on the loaded design (cli_run_design). */
static int run_design(const cli_args *args, mscsim_config *design)
{
    mscsim_config cfg = *design;
    int status;
    if (args->shard_text)
        return cli_run_shard(args, &cfg);
    if (args->looks_path && !cfg.look_count)
        return cli_usage_error("%s: the design has no [interim] looks", "--looks");
    cli_outputs out;
    status = cli_outputs_open(&out, args->out_path, "", args->replicates_path, "--replicates",
                              NULL, &cfg);
    if (!status && cfg.look_count)
        status = cli_outputs_open_looks(&out, args->looks_path);
    if (status)
        return status;
    mscsim_error err;
    status = cli_write_header(out.csv, MSCSIM_FILE_RESULTS, &cfg, &err);
    if (!status && out.side)
        status = cli_write_header(out.side, MSCSIM_FILE_REPLICATES, &cfg, &err);
    if (!status && out.looks)
        status = cli_write_header(out.looks, MSCSIM_FILE_LOOKS, &cfg, &err);

    size_t points = mscsim_sweep_points(&cfg);
    cli_progress bar;
    cli_progress_start(&bar, args->quiet, (double)points * cfg.n_count * (double)cfg.reps);
    run_totals totals = {0, 0};
    int exit_code = CLI_EXIT_RUN_FAILED;
    cli_run_print_header(&cfg);
    cli_point p;
    cli_point_init(&p, &cfg, out.side != NULL);
    for (size_t g = 0; !status && g < points; g++)
        status = run_point(&p, g, &out, &bar, &totals, &exit_code, &err);
    cli_point_free(&p);
    double elapsed = cli_progress_end(&bar);
    cli_stop_if_interrupted(&out);
    if (!status)
        status = cli_outputs_commit(&out, &cfg, &err);
    if (status) {
        cli_outputs_abort(&out);
        cli_print_error(&err);
        return exit_code;
    }
    printf("wrote %s and %s", out.csv_path, out.ini_path);
    if (out.side_path[0])
        printf(" and %s", out.side_path);
    if (out.looks_path[0])
        printf(" and %s", out.looks_path);
    printf("\n");
    if (!args->quiet)
        fprintf(stderr, "mscsim: %ld trials in %.3f s (%.3g trials/s on %d threads)\n",
                totals.trials, elapsed,
                elapsed > 0 ? (double)totals.trials / elapsed : 0.0, totals.threads);
    return 0;
}

int cli_cmd_run(const cli_args *args)
{
    return cli_run_design(args, run_design);
}
