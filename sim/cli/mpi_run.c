/*
 * mscsim-mpi run: every rank takes the next work unit from a shared counter on rank 0
 * (MPI_Fetch_and_op, so no rank waits on a scheduler), simulates it on its threads and sends
 * its partial sums to rank 0 as text (mscsim_unit_format), with the truths of each grid
 * point it starts. Rank 0 works too, gathers every unit, then adds them in unit order and
 * writes the outputs: only then are files opened, so a rank that dies (mpirun then ends
 * the job) leaves nothing behind.
 */
#define _POSIX_C_SOURCE 200809L
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpi_cli.h"

enum { TAG_UNIT = 1, TAG_TRUTH = 2 };
#define MESSAGE_LEN (MSCSIM_UNIT_TEXT_LEN + 32)

void cli_mpi_counter_open(int rank, MPI_Win *win)
{
    long *counter;
    MPI_Win_allocate(rank == 0 ? (MPI_Aint)sizeof(long) : 0, sizeof(long), MPI_INFO_NULL,
                     MPI_COMM_WORLD, &counter, win);
    if (rank == 0)
        *counter = 0;
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Win_lock_all(0, *win);
}

long cli_mpi_counter_next(MPI_Win win)
{
    long one = 1, value;
    MPI_Fetch_and_op(&one, &value, MPI_LONG, 0, 0, MPI_SUM, win);
    MPI_Win_flush(0, win);
    return value;
}

void cli_mpi_counter_close(MPI_Win *win)
{
    MPI_Win_unlock_all(*win);
    MPI_Win_free(win);
}

/* Prints the error with the rank and ends the whole job: no rank may write anything. */
static void fail(int rank, const mscsim_error *err, int code)
{
    char buf[1024];
    fprintf(stderr, "mscsim-mpi: rank %d: %s\n", rank, mscsim_error_format(err, buf, sizeof buf));
    MPI_Abort(MPI_COMM_WORLD, code);
}

/* Rank 0's collection: every unit's partial sums and every grid point's truths. */
typedef struct {
    const mscsim_config *cfg;
    long total, per_point;
    int analyses;
    mscsim_unit *units;
    mscsim_truths *truths;
    long received;
    double trials;
    cli_progress bar;
} gather;

static void got_unit(gather *g, long u, const mscsim_unit *unit)
{
    g->units[u] = *unit;
    g->received++;
    g->trials += (double)unit->trials.reps_done;
    cli_progress_update(&g->bar, g->trials);
}

/* Receives one message (blocking) and files it. */
static void receive(gather *g)
{
    char buf[MESSAGE_LEN];
    MPI_Status st;
    MPI_Recv(buf, MESSAGE_LEN, MPI_CHAR, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
    buf[MESSAGE_LEN - 1] = '\0';
    long index = -1;
    int skip = 0;
    mscsim_error err;
    if (sscanf(buf, "%ld %n", &index, &skip) == 1 && index >= 0) {
        if (st.MPI_TAG == TAG_TRUTH && (size_t)index < mscsim_sweep_points(g->cfg) &&
            mscsim_truths_parse(buf + skip, &g->truths[index]) == MSCSIM_OK)
            return;
        mscsim_unit unit;
        if (st.MPI_TAG == TAG_UNIT && index < g->total &&
            mscsim_unit_parse(buf + skip, g->analyses, g->cfg->look_count, &unit) == MSCSIM_OK) {
            got_unit(g, index, &unit);
            return;
        }
    }
    mscsim_error_set(&err, MSCSIM_EINVAL, "a damaged message from rank %d", st.MPI_SOURCE);
    fail(0, &err, CLI_EXIT_RUN_FAILED);
}

/* Files every message already waiting. */
static void drain(gather *g)
{
    int waiting = 1;
    while (waiting) {
        MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &waiting, MPI_STATUS_IGNORE);
        if (waiting)
            receive(g);
    }
}

/* The test hook: MSCSIM_MPI_TEST_ABORT=R makes rank R die after its first unit. */
static int dies_here(int rank)
{
    const char *v = getenv("MSCSIM_MPI_TEST_ABORT");
    return v && cli_whole(v, strlen(v)) == rank;
}

/* This rank's share: units from the counter until none is left. Rank 0 files its own
 * results (and any that arrive meanwhile) in g; the others send them. */
static void work(const mscsim_config *cfg, MPI_Win win, int rank, gather *g)
{
    long per_point = cli_units_per_point(cfg);
    long total = per_point * (long)mscsim_sweep_points(cfg);
    int analyses = mscsim_config_analyses(cfg, (const char *[MSCSIM_MAX_ANALYSES]){0});
    cli_point p;
    cli_point_init(&p, cfg, 0);
    mscsim_error err;
    for (long u; (u = cli_mpi_counter_next(win)) < total;) {
        cli_stop_if_interrupted(NULL);
        size_t point = (size_t)(u / per_point);
        int moved = point != p.index, exit_code = CLI_EXIT_RUN_FAILED;
        if (cli_point_at(&p, point, &exit_code, &err))
            fail(rank, &err, exit_code);
        char text[MESSAGE_LEN];
        if (moved) {
            mscsim_truths truths;
            mscsim_design_truths(p.design, &truths);
            if (rank == 0) {
                g->truths[point] = truths;
            } else {
                int len = snprintf(text, sizeof text, "%zu ", point);
                mscsim_truths_format(&truths, text + len, sizeof text - (size_t)len);
                MPI_Send(text, (int)strlen(text) + 1, MPI_CHAR, 0, TAG_TRUTH, MPI_COMM_WORLD);
            }
        }
        mscsim_unit unit;
        if (mscsim_engine_run_unit(p.eng, u % per_point, &unit, &err))
            fail(rank, &err, CLI_EXIT_RUN_FAILED);
        if (dies_here(rank)) {
            fprintf(stderr, "mscsim-mpi: rank %d: dying on purpose (MSCSIM_MPI_TEST_ABORT)\n",
                    rank);
            abort();
        }
        if (rank == 0) {
            got_unit(g, u, &unit);
            drain(g);
        } else {
            int len = snprintf(text, sizeof text, "%ld ", u);
            mscsim_unit_format(&unit, analyses, cfg->look_count, text + len, sizeof text - (size_t)len);
            MPI_Send(text, (int)strlen(text) + 1, MPI_CHAR, 0, TAG_UNIT, MPI_COMM_WORLD);
        }
    }
    cli_point_free(&p);
}

/* Rank 0, every unit in: adds them point by point in unit order and writes the outputs. */
static int write_outputs(const cli_args *args, const mscsim_config *cfg, gather *g,
                         cli_outputs *out)
{
    int status = cli_outputs_open(out, args->out_path, "", NULL, NULL, NULL, cfg);
    if (!status && cfg->look_count)
        status = cli_outputs_open_looks(out, args->looks_path);
    if (status)
        return status;
    mscsim_error err;
    int rc = cli_write_header(out->csv, MSCSIM_FILE_RESULTS, cfg, &err), exit_code = 1;
    if (!rc && out->looks)
        rc = cli_write_header(out->looks, MSCSIM_FILE_LOOKS, cfg, &err);
    cli_run_print_header(cfg);
    cli_point p;
    cli_point_init(&p, cfg, 0);
    size_t points = mscsim_sweep_points(cfg);
    for (size_t pt = 0; !rc && pt < points; pt++) {
        p.given = g->truths[pt];
        p.has_given = 1;
        rc = cli_point_at(&p, pt, &exit_code, &err);
        for (long l = 0; !rc && l < g->per_point; l++)
            rc = mscsim_engine_add_unit(p.eng, l, &g->units[(long)pt * g->per_point + l], &err);
        if (!rc)
            rc = cli_run_write_rows(&p, out, &err);
    }
    cli_point_free(&p);
    if (!rc)
        rc = cli_outputs_commit(out, cfg, &err);
    if (rc) {
        cli_outputs_abort(out);
        cli_print_error(&err);
        return exit_code;
    }
    printf("wrote %s and %s%s%s\n", out->csv_path, out->ini_path, out->looks ? " and " : "",
           out->looks_path);
    return 0;
}

/* Loads the design on every rank; rank 0 also checks the outputs can be written. */
static int prepare(const cli_args *args, int rank, mscsim_config *cfg)
{
    int status = 0;
    if (args->shard_text || args->replicates_path) {
        if (rank == 0)
            status = cli_command_error(CLI_RUN, "mscsim-mpi run takes neither --shard nor "
                                                "--replicates (run mscsim for those)");
        else
            status = CLI_EXIT_BAD_INPUT;
    }
    if (!status && rank == 0) {
        status = cli_load_design(args, cfg);
        cli_outputs out;
        if (!status && (status = cli_outputs_open(&out, args->out_path, "", NULL, NULL, NULL,
                                                  cfg)) == 0 &&
            (!cfg->look_count || (status = cli_outputs_open_looks(&out, args->looks_path)) == 0))
            cli_outputs_abort(&out); /* Written at the end, once every unit is in. */
    }
    MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (!status && rank > 0 && cli_load_design(args, cfg))
        MPI_Abort(MPI_COMM_WORLD, CLI_EXIT_BAD_INPUT); /* Rank 0 loaded it: cannot happen. */
    return status;
}

int cli_mpi_run(const cli_args *args, int rank, int size)
{
    static mscsim_config cfg;
    int status = prepare(args, rank, &cfg);
    if (status)
        return status;
    MPI_Win win;
    cli_mpi_counter_open(rank, &win);
    gather g = {.cfg = &cfg, .per_point = cli_units_per_point(&cfg)};
    size_t points = mscsim_sweep_points(&cfg);
    g.total = g.per_point * (long)points;
    g.analyses = mscsim_config_analyses(&cfg, (const char *[MSCSIM_MAX_ANALYSES]){0});
    if (rank == 0) {
        g.units = malloc((size_t)g.total * sizeof *g.units);
        g.truths = calloc(points, sizeof *g.truths);
        if (!g.units || !g.truths) {
            mscsim_error err;
            mscsim_error_set(&err, MSCSIM_ENOMEM, "out of memory for %ld units", g.total);
            fail(0, &err, CLI_EXIT_RUN_FAILED);
        }
        cli_progress_start(&g.bar, args->quiet, (double)points * cfg.n_count * (double)cfg.reps);
    }
    work(&cfg, win, rank, &g);
    if (rank == 0)
        while (g.received < g.total)
            receive(&g);
    cli_mpi_counter_close(&win);
    if (rank > 0)
        return 0;
    double elapsed = cli_progress_end(&g.bar);
    cli_outputs out;
    status = write_outputs(args, &cfg, &g, &out);
    free(g.units);
    free(g.truths);
    if (!status && !args->quiet)
        fprintf(stderr, "mscsim-mpi: %.0f trials in %.3f s on %d ranks\n", g.trials, elapsed,
                size);
    return status;
}
