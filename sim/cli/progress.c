/* isatty, clock_gettime: POSIX. */
#define _POSIX_C_SOURCE 200809L
/* The progress bar on stderr (only on a terminal, never into a file) and the clock. */
#include <math.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* Seconds between redraws: fast enough to look live, rare enough to cost nothing. */
#define PROGRESS_INTERVAL 0.2

double cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void cli_progress_start(cli_progress *p, int quiet, double total_trials)
{
    p->show = !quiet && isatty(STDERR_FILENO);
    p->start = p->last_draw = cli_now();
    p->total = total_trials;
}

void cli_progress_update(cli_progress *p, double trials_done)
{
    double t = cli_now();
    if (!p->show || t - p->last_draw < PROGRESS_INTERVAL)
        return;
    p->last_draw = t;
    enum { WIDTH = 30 };
    double fraction = p->total > 0 ? fmin(trials_done / p->total, 1.0) : 1.0, elapsed = t - p->start;
    char bar[WIDTH + 1];
    for (int i = 0; i < WIDTH; i++)
        bar[i] = i < (int)(fraction * WIDTH) ? '#' : '.';
    bar[WIDTH] = '\0';
    double rate = elapsed > 0 ? trials_done / elapsed : 0;
    double left = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0;
    fprintf(stderr, "\r[%s] %5.1f%%  %.3g trials/s  %.0f s left ", bar, 100 * fraction, rate, left);
    fflush(stderr);
}

double cli_progress_end(const cli_progress *p)
{
    if (p->show)
        fprintf(stderr, "\r%*s\r", 70, "");
    return cli_now() - p->start;
}
