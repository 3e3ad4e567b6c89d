#ifndef MSCSIM_MPI_CLI_H
#define MSCSIM_MPI_CLI_H
/* mscsim-mpi's commands that spread over the ranks (sim/cli/mpi_*.c, MSCSIM_MPI only). */
#include "cli.h"

/* run: units handed out dynamically to every rank (each on its OpenMP threads); rank 0
 * gathers the partial sums and writes the single run's outputs, all-or-nothing. */
int cli_mpi_run(const cli_args *args, int rank, int size);

/* samplesize: grid points handed out dynamically; rank 0 writes the outputs. */
int cli_mpi_samplesize(const cli_args *args, int rank, int size);

#endif
