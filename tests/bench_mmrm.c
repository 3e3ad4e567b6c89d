/*
 * MMRM / cLDA fit speed (sim/longitudinal/mmrm.c): 10,000 simulated trials of 100 patients
 * x 3 visits (1:1, baseline slope 0.5, AR(1)-like correlation 0.6, SD 6-9, monotone MAR-like
 * dropout of ~8 % per visit), each fitted from the moment start and from the previous
 * trial's Sigma (a warm start an engine could pass). Only the fit is timed; the data are
 * drawn outside the clock, which counts CPU time (the machine may be shared). Prints
 * microseconds per fit, mean Newton steps and failures.
 * Usage: mmrm_bench [trials]
 */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "longitudinal/mmrm.h"
#include "splitmix.h"

#define N 100
#define V 3

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void draw_trial(unsigned char *arm, double *base, double *y, unsigned char *obs)
{
    static const double sd[V] = {6.0, 7.5, 9.0};
    for (int i = 0; i < N; i++) {
        arm[i] = (unsigned char)(i % 2);
        base[i] = 40.0 + 8.0 * rnorm1();
        double e = rnorm1(); /* AR(1) errors with correlation 0.6 */
        int in = 1;
        for (int v = 0; v < V; v++) {
            if (v > 0)
                e = 0.6 * e + 0.8 * rnorm1();
            y[i * V + v] =
                2.0 * (v + 1) + 1.5 * (v + 1) * arm[i] + 0.5 * (base[i] - 40.0) + sd[v] * e;
            /* dropout after a poor visit is likelier (MAR) */
            if (v > 0 && in && unif() < 1.0 / (1.0 + exp(2.5 + 0.1 * (y[i * V + v - 1] - 2.0 * v))))
                in = 0;
            obs[i * V + v] = (unsigned char)in;
        }
    }
}

int main(int argc, char **argv)
{
    int trials = argc > 1 ? atoi(argv[1]) : 10000;
    if (trials < 1)
        trials = 10000;
    static unsigned char arm[N], obs[N * V];
    static double base[N], y[N * V];
    size_t bytes = sim_mmrm_work_size(V, N);
    void *work = malloc(bytes);
    if (!work)
        return 1;
    for (int clda = 0; clda <= 1; clda++)
        for (int warm = 0; warm <= 1; warm++) {
            splitmix_state = 20261201;
            double t = 0.0, steps = 0.0, prev[SIM_MMRM_MAX_DIM * SIM_MMRM_MAX_DIM];
            int failed = 0, have_prev = 0;
            sim_mmrm_result res;
            for (int k = 0; k < trials; k++) {
                draw_trial(arm, base, y, obs);
                sim_mmrm_data d = {N, V, arm, base, y, obs, V - 1, warm && have_prev ? prev : NULL};
                double t0 = now();
                sim_mmrm_status st = clda ? sim_clda_fit(&d, work, bytes, &res)
                                          : sim_mmrm_fit(&d, work, bytes, &res);
                t += now() - t0;
                steps += res.iterations;
                if (st != SIM_MMRM_OK) {
                    failed++;
                    continue;
                }
                for (int i = 0; i < res.dim * res.dim; i++)
                    prev[i] = res.sigma[i];
                have_prev = 1;
            }
            printf("%-4s %s start: %7.2f us per fit, %.2f Newton steps, %d of %d failed\n",
                   clda ? "clda" : "mmrm", warm ? "warm  " : "moment", 1e6 * t / trials,
                   steps / trials, failed, trials);
        }
    free(work);
    return 0;
}
