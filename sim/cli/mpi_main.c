/*
 * mscsim-mpi: the mscsim command line under MPI (built with -DMSCSIM_MPI=ON). run and
 * samplesize spread their work over the ranks (mpi_run.c); every other command runs on
 * rank 0 alone, as mscsim runs it.
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <mpi.h>
#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "mpi_cli.h"

/* Parses the command line; only rank 0 prints what is wrong with it. */
static int parse_quietly(int argc, char **argv, cli_args *args, int rank)
{
    int saved = rank > 0 ? dup(STDERR_FILENO) : -1, null = -1;
    if (saved >= 0 && (null = open("/dev/null", O_WRONLY)) >= 0)
        dup2(null, STDERR_FILENO);
    int status = cli_parse_args(argc, argv, args);
    if (null >= 0) {
        dup2(saved, STDERR_FILENO);
        close(null);
    }
    if (saved >= 0)
        close(saved);
    return status;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size, status = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int command = argc >= 2 ? cli_find_command(argv[1]) : -1;
    if (command == CLI_RUN || command == CLI_SAMPLESIZE) {
        static cli_args args; /* Large: off the stack. */
        status = parse_quietly(argc, argv, &args, rank);
        if (!status && args.help && rank == 0)
            cli_print_command_help(command);
        if (!status && !args.help) {
            cli_signals_install();
            status = command == CLI_RUN ? cli_mpi_run(&args, rank, size)
                                        : cli_mpi_samplesize(&args, rank, size);
        }
    } else if (rank == 0) {
        status = cli_main(argc, argv);
    }
    /* Every rank leaves with rank 0's status, so mpirun reports the run's. */
    MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Finalize();
    return status;
}
