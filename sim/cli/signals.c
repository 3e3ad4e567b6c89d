/* sigaction, isatty: POSIX. */
#define _POSIX_C_SOURCE 200809L
/* SIGINT and SIGTERM: the handler only records the signal; the commands look at it between
 * engine steps (and sample-size progress calls), where they can remove their temporary
 * files before exiting 128 + signal, as a shell reports a process killed by it. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"

static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
    caught = sig;
}

void cli_signals_install(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    /* Restarted system calls: a signal must not turn a write into a spurious I/O error. */
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

void cli_stop_if_interrupted(cli_outputs *o)
{
    if (!caught)
        return;
    if (o)
        cli_outputs_abort(o);
    if (isatty(STDERR_FILENO))
        fprintf(stderr, "\r%*s\r", 70, ""); /* Over the progress bar. */
    fprintf(stderr, "mscsim: interrupted\n");
    exit(128 + caught);
}
