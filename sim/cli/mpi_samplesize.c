/*
 * mscsim-mpi samplesize: each grid point's search is sequential (every candidate depends on
 * the last), so the grid points are what spreads: every rank takes the next point from a
 * shared counter on rank 0, searches it on its threads and sends rank 0 the result (plain
 * data, sent as bytes: the ranks run one executable). Rank 0 then writes and prints the
 * answers in grid order, exactly as mscsim does; files are opened only then.
 */
#define _POSIX_C_SOURCE 200809L
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

#include "mpi_cli.h"

int cli_mpi_samplesize(const cli_args *args, int rank, int size)
{
    static mscsim_config cfg;
    int analysis = 0, status = 0;
    if (rank == 0) {
        status = cli_load_design(args, &cfg);
        if (!status)
            status = cli_ss_analysis(args, &cfg, &analysis);
        cli_outputs out;
        mscsim_error err;
        if (!status && (status = cli_ss_open(args, &cfg, &out, &err)) == 0)
            cli_outputs_abort(&out); /* Written at the end, once every point is in. */
    }
    MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (status)
        return status;
    if (rank > 0 && (cli_load_design(args, &cfg) || cli_ss_analysis(args, &cfg, &analysis)))
        MPI_Abort(MPI_COMM_WORLD, CLI_EXIT_BAD_INPUT); /* Rank 0 loaded it: cannot happen. */
    size_t points = mscsim_sweep_points(&cfg);
    cli_ss_point *all = rank == 0 ? malloc(points * sizeof *all) : NULL;
    if (rank == 0 && !all) {
        fprintf(stderr, "mscsim-mpi: out of memory\n");
        MPI_Abort(MPI_COMM_WORLD, CLI_EXIT_RUN_FAILED);
    }
    MPI_Win win;
    cli_mpi_counter_open(rank, &win);
    double start = cli_now();
    long received = 0, g;
    while ((g = cli_mpi_counter_next(win)) < (long)points) {
        cli_stop_if_interrupted(NULL);
        cli_ss_point pt;
        mscsim_error err;
        if (cli_ss_search(args, &cfg, (size_t)g, analysis, NULL, &pt, &err)) {
            char buf[1024];
            fprintf(stderr, "mscsim-mpi: rank %d: %s\n", rank,
                    mscsim_error_format(&err, buf, sizeof buf));
            MPI_Abort(MPI_COMM_WORLD, err.code == MSCSIM_ERANGE ? CLI_EXIT_BAD_INPUT
                                                                : CLI_EXIT_RUN_FAILED);
        }
        if (rank == 0) {
            all[g] = pt;
            received++;
        } else {
            MPI_Send(&g, 1, MPI_LONG, 0, 1, MPI_COMM_WORLD);
            MPI_Send(&pt, (int)sizeof pt, MPI_BYTE, 0, 2, MPI_COMM_WORLD);
        }
    }
    /* Each result follows its index from the same rank, which MPI keeps in order. */
    for (; rank == 0 && received < (long)points; received++) {
        MPI_Status st;
        MPI_Recv(&g, 1, MPI_LONG, MPI_ANY_SOURCE, 1, MPI_COMM_WORLD, &st);
        if (g < 0 || g >= (long)points)
            MPI_Abort(MPI_COMM_WORLD, CLI_EXIT_RUN_FAILED);
        MPI_Recv(&all[g], (int)sizeof *all, MPI_BYTE, st.MPI_SOURCE, 2, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
    }
    cli_mpi_idle_barrier();
    cli_mpi_counter_close(&win);
    if (rank > 0)
        return 0;
    cli_outputs out;
    mscsim_error err;
    long trials = 0;
    if ((status = cli_ss_open(args, &cfg, &out, &err)) != 0) {
        free(all);
        return status;
    }
    for (size_t p = 0; !status && p < points; p++) {
        status = cli_ss_emit(&cfg, p, analysis, cli_search_target(args, &cfg), &all[p], &out,
                             &err);
        trials += all[p].trials;
    }
    free(all);
    if ((status = cli_ss_commit(&out, args, &cfg, analysis, &err, status)) != 0)
        return status;
    if (!args->quiet)
        fprintf(stderr, "mscsim-mpi: %ld trials in %.3f s on %d ranks\n", trials,
                cli_now() - start, size);
    return 0;
}
