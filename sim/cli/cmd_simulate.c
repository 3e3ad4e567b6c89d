/* simulate: one trial written patient by patient, one row per patient and visit. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mscsim/analysis.h"
#include "mscsim/engine.h"
#include "mscsim/model.h"
#include "mscsim/trial.h"

/* A covariate of patient i, NA when the array is absent (not simulated). */
static void row_covariate(cli_row *r, const double *array, size_t i)
{
    if (array)
        cli_row_double(r, array[i]);
    else
        cli_row_text(r, "NA");
}

static int write_patients(mscsim_csv_writer *csv, const mscsim_workspace *w, int ordinal,
                          mscsim_error *err)
{
    int status = cli_write_header(csv, MSCSIM_FILE_PATIENTS, NULL, err);
    long patient = 0;
    for (int a = 0; !status && a < MSCSIM_ARM_COUNT; a++) {
        mscsim_arm_view v;
        mscsim_workspace_view(w, a, &v);
        for (size_t i = 0; !status && i < v.n; i++) {
            patient++;
            for (int k = 0; !status && k < v.visit_count; k++) {
                size_t c = i * (size_t)v.visit_count + (size_t)k;
                cli_row r;
                cli_row_init(&r, MSCSIM_FILE_PATIENTS, NULL);
                cli_row_long(&r, patient);
                cli_row_text(&r, a == MSCSIM_ARM_MSC ? "msc" : "control");
                row_covariate(&r, v.nihss, i);
                row_covariate(&r, v.age, i);
                row_covariate(&r, v.onset, i);
                row_covariate(&r, v.baseline, i);
                cli_row_double(&r, v.visit_days[k]);
                cli_row_double(&r, v.true_score[c]);
                if (v.observed[c])
                    cli_row_double(&r, v.score[c]);
                else
                    cli_row_text(&r, "NA");
                cli_row_text(&r, v.observed[c] ? "1" : "0");
                cli_row_text(&r, v.died[i] ? "1" : "0");
                if (v.died[i] && !ordinal)
                    cli_row_double(&r, v.death_day[i]);
                else
                    cli_row_text(&r, "NA"); /* Alive, or a death scored mRS 6 (no day). */
                status = cli_row_write(csv, &r, err);
            }
        }
    }
    return status;
}

/* The analyses of the trial, through the engine on one replicate of the same design: it
 * is the trial simulated above (same seed, scenario 1, n and replicate 0), analysed as
 * `run` analyses it (imputation, covariates, p-values). One line per analysis on out. */
static int print_analyses(const mscsim_config *cfg, mscsim_design *design, FILE *out,
                          mscsim_error *err)
{
    mscsim_engine *eng = NULL;
    int status = mscsim_engine_new_with_design(design, 1, &eng, err);
    if (!status)
        status = mscsim_engine_retarget(eng, cfg->n, 1, 1, cfg->nested_sizes, err);
    while (!status && !mscsim_engine_done(eng))
        status = mscsim_engine_step(eng, err);
    if (status) {
        mscsim_engine_free(eng);
        return status;
    }
    const mscsim_replicate *records;
    size_t count, cell;
    mscsim_engine_last_chunk(eng, &records, &count, &cell);
    for (int k = 0; k < mscsim_engine_analysis_count(eng); k++) {
        mscsim_cell_summary s;
        mscsim_engine_summary(eng, cell, k, &s);
        const mscsim_analysis_result *r = &records[0].result[k];
        if (r->failed) {
            fprintf(out, "%s: failed (%s)\n", s.analysis,
                    r->reason ? r->reason : "the analysis cannot be computed on this trial");
            continue;
        }
        fprintf(out, "%s: estimate %.4g (SE %.4g), p = %.2g, %s at alpha %g%s\n", s.analysis,
                r->estimate, r->se, r->p_value, r->reject ? "rejects" : "does not reject",
                cfg->alpha, cfg->sides == 1 ? " (one-sided)" : "");
    }
    mscsim_engine_free(eng);
    return MSCSIM_OK;
}

/* Simulates the trial into w and writes it to out's temporaries; *diag tells what it held. */
static int simulate_trial(const mscsim_config *cfg, const mscsim_design *design,
                          mscsim_workspace *w, const size_t n[MSCSIM_ARM_COUNT],
                          cli_outputs *out, mscsim_trial_diag *diag, mscsim_error *err)
{
    /* Replicate 0 of the run with the same seed and n: the first trial `run` simulates on
     * the patient path (the table path draws it otherwise, said below). */
    mscsim_rng rng = mscsim_rng_for_trial(cfg->seed, 1, (uint64_t)cfg->n[0], 0);
    mscsim_trial_data data;
    mscsim_trial_simulate(design, &rng, n, w, &data, diag);
    const mscsim_model_type *model = mscsim_model_find(cfg->model);
    return write_patients(out->csv, w, model->outcome == MSCSIM_OUTCOME_ORDINAL, err);
}

int cli_cmd_simulate(const cli_args *args)
{
    if (!args->n_text || !args->out_path)
        return cli_command_error(CLI_SIMULATE, "simulate needs --n N and --out FILE");
    mscsim_config cfg;
    int status = cli_load_design(args, &cfg);
    if (status)
        return status;
    if (cfg.n_count != 1) {
        fprintf(stderr, "mscsim: simulate takes one --n value\n");
        return CLI_EXIT_BAD_INPUT;
    }
    mscsim_error err;
    mscsim_design *design = NULL;
    mscsim_workspace *w = NULL;
    long sizes[MSCSIM_ARM_COUNT];
    mscsim_config_arm_sizes(&cfg, cfg.n[0], sizes);
    size_t n[MSCSIM_ARM_COUNT] = {(size_t)sizes[0], (size_t)sizes[1]};
    size_t capacity = n[0] > n[1] ? n[0] : n[1];
    if (cfg.randomisation.method != MSCSIM_RANDOMISE_FIXED)
        capacity = n[0] + n[1]; /* Either arm may get every patient. */
    if (mscsim_design_new(&cfg, &design, &err) ||
        mscsim_workspace_new(design, capacity, &w, &err)) {
        cli_print_error(&err);
        mscsim_design_free(design);
        return err.code == MSCSIM_ENOMEM ? CLI_EXIT_RUN_FAILED : CLI_EXIT_BAD_INPUT;
    }
    cli_outputs out;
    status = cli_outputs_open_one(&out, "--out", args->out_path);
    if (status) {
        mscsim_workspace_free(w);
        mscsim_design_free(design);
        return status;
    }
    mscsim_trial_diag diag;
    status = simulate_trial(&cfg, design, w, n, &out, &diag, &err);
    mscsim_workspace_free(w);
    cli_stop_if_interrupted(&out);
    if (!status)
        status = cli_outputs_commit(&out, NULL, &err);
    /* With the CSV on stdout, everything else goes to stderr. */
    FILE *text = strcmp(args->out_path, "-") == 0 ? stderr : stdout;
    if (!status) {
        fprintf(text, "wrote %s: %zu + %zu patients, %zu analysed, %zu deaths\n",
                text == stdout ? args->out_path : "the patients to stdout", diag.n_randomised[0],
                diag.n_randomised[1],
                diag.n_analysed[0] + diag.n_analysed[1], diag.deaths);
        if (mscsim_design_shortcut(design, 0, NULL, 0) != MSCSIM_PATH_PATIENTS)
            fprintf(text, "path: these patients are simulated one by one; run takes the table "
                          "path for this design (mscsim check), so its first trial is another "
                          "draw from the same distribution\n");
        status = print_analyses(&cfg, design, text, &err);
    }
    mscsim_design_free(design);
    if (status) {
        cli_outputs_abort(&out);
        cli_print_error(&err);
        return CLI_EXIT_RUN_FAILED;
    }
    return 0;
}
