#ifndef MSCSIM_MPI_CLI_H
#define MSCSIM_MPI_CLI_H
/* mscsim-mpi's commands that spread over the ranks (sim/cli/mpi_*.c, MSCSIM_MPI only). */
#include <mpi.h>

#include "cli.h"

/* The shared work counter on rank 0 that hands out work dynamically: collective open
 * (from 0) and close; next returns the counter's value and adds 1 (MPI_Fetch_and_op, no
 * rank waits on a scheduler). */
void cli_mpi_counter_open(int rank, MPI_Win *win);
long cli_mpi_counter_next(MPI_Win win);
void cli_mpi_counter_close(MPI_Win *win);
/* A barrier (collective) that polls and sleeps instead of spinning: ranks done early leave
 * their cores to the ranks still working. */
void cli_mpi_idle_barrier(void);
/* CPU seconds of this process, all its threads. */
double cli_mpi_cpu_seconds(void);

/* run: the grid's distinct truths, then its units, handed out dynamically to every rank
 * (each on its OpenMP threads); rank 0 gathers the partial sums and writes the single
 * run's outputs, all-or-nothing. */
int cli_mpi_run(const cli_args *args, int rank, int size);

/* samplesize: grid points handed out dynamically; rank 0 writes the outputs. */
int cli_mpi_samplesize(const cli_args *args, int rank, int size);

#endif
