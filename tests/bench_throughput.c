/*
 * mscsim benchmark: what one simulated patient costs the engine, against the bare
 * random-number work it cannot avoid (one normal and one uniform per patient), measured
 * in the same run so the ratio holds whatever the machine's speed. Also: trials per
 * second on one thread and on all threads, and peak memory (max RSS of a child process)
 * for 1e4 and 1e6 replicates, which must be the same: memory does not grow with reps.
 *
 * Designs (n = 100, 1:1, Welch test, 10 % MCAR dropout), each against the bare draws its
 * model cannot avoid, per patient:
 *   normal      1 normal (the change) + 1 uniform (dropout)                   target 1.5x
 *   trajectory  3 visits, FMA motor, randomized 20 days after onset: 3 uniforms
 *               (baseline, subgroup with tau from the course table, dropout) + 4 normals
 *               (r, measurement error at each visit)                        target 3x
 *   traj-onset0 the same randomized at onset, where every course fits: 3 uniforms
 *               (baseline, subgroup, dropout) + 5 normals (r, tau, 3 errors) target 3x
 *   traj-drawn  the trajectory design with the presets' drawn onset, truncnormal(20.2, 10,
 *               1, 120) (the course table's onset bins): the trajectory row's draws + 1
 *               normal (the onset)
 *   (The course table also draws a uniform for z inside its cell and one for z's test,
 *   per proposal; the bare counts stay the model's own draws.)
 *   ordinal     mRS by alias table: 2 uniforms (category, dropout), Welch
 *   ordinal-po+wx  the same analysed by proportional odds and Wilcoxon (issue: shift analyses)
 *   ordinal-utility  the ordinal design on the utility-weighted mRS, Welch
 *   ordinal-sliding  the ordinal design as a sliding dichotomy (NIHSS fixed at 12, so the
 *                  population adds no draws to the bare count), chi-square
 *   traj-mar-mi    trajectory randomized at onset, 20 % MAR dropout on the previous visit,
 *                  multiple imputation with m = 20 (the bare count has no imputation draws)
 *   normal-3look, traj0-3look  normal and traj-onset0 with 3 looks ([interim] looks = 1/3,
 *                  2/3, 1) and efficacy = none, so no trial stops early: every look is
 *                  analysed; their time over the fixed design's is the cost of the looks
 *                  (issue: interim looks, target 1.3x)
 *   normal-3of     normal-3look with one-sided O'Brien-Fleming bounds and a harmful msc
 *                  effect (-0.5 sd), so every look is decided against a real bound and no
 *                  trial stops early (P < 1e-4)
 *   traj-mmrm      traj-onset0's trials (same seed) analysed by MMRM over the 3 visits; the
 *                  difference of the two is the MMRM's cost per trial (target < 30 us)
 * Thread speed-up and peak memory are measured on the normal design.
 * Last, the table path (issue: exact count and sufficient-statistic paths): ordinal
 * n = 300 (Welch; target 20x), the same with po + Wilcoxon, binary n = 100 (chi-square) and
 * the normal design, each timed with [simulation] shortcut = auto and = no in one run.
 * Usage: mscsim_bench [--reps N] [--table | --design NAME[,NAME...]]   (N = replicates per
 * timed engine run, default 200000; --table: the table path's rows only; --design: only
 * those rows of the main table, for measuring one model while working on it)
 */
/* mkstemp, fork and wait4 with its resource usage: POSIX and BSD. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <omp.h>

#include "mscsim/dist.h"
#include "mscsim/engine.h"

#define PATIENTS_PER_TRIAL 100
#define TIMING_ROUNDS 5

typedef struct {
    const char *name;
    const char *config;   /* The design, as an INI file. */
    int uniforms, normals; /* Bare draws per patient. */
    int visits;
    double target;        /* Largest acceptable engine / bare ratio (0 = none set). */
} bench_design;

static const bench_design designs[] = {
    {"normal",
     "[trial]\nn = 100\n[model]\ntype = normal\n"
     "[control]\nmean = 0\nsd = 1\ndropout = 0.1\n[msc]\nmean = 0.5\nsd = 1\ndropout = 0.1\n"
     "[analysis]\ntest = welch\n[simulation]\nseed = 12345\n",
     1, 1, 1, 1.5},
    {"trajectory",
     "[trial]\nn = 100\nvisits = 7, 30, 90\n[outcome]\nscale = fma_motor\n"
     "[model]\ntype = trajectory\n[baseline]\nscore = uniform(0, 49)\nonset_days = fixed(20)\n"
     "[control]\ndropout = 0.1\n[msc]\nr_gain = 0.1\ndropout = 0.1\n"
     "[analysis]\ntest = welch\n[simulation]\nseed = 12345\n",
     3, 4, 3, 3.0},
    {"traj-onset0",
     "[trial]\nn = 100\nvisits = 7, 30, 90\n[outcome]\nscale = fma_motor\n"
     "[model]\ntype = trajectory\n[baseline]\nscore = uniform(0, 49)\n"
     "[control]\ndropout = 0.1\n[msc]\nr_gain = 0.1\ndropout = 0.1\n"
     "[analysis]\ntest = welch\n[simulation]\nseed = 12345\n",
     3, 5, 3, 3.0},
    {"traj-drawn",
     "[trial]\nn = 100\nvisits = 7, 30, 90\n[outcome]\nscale = fma_motor\n"
     "[model]\ntype = trajectory\n[baseline]\nscore = uniform(0, 49)\n"
     "onset_days = truncnormal(20.2, 10, 1, 120)\n"
     "[control]\ndropout = 0.1\n[msc]\nr_gain = 0.1\ndropout = 0.1\n"
     "[analysis]\ntest = welch\n[simulation]\nseed = 12345\n",
     3, 5, 3, 0},
    {"ordinal",
     "[trial]\nn = 100\n[model]\ntype = ordinal\n"
     "[control]\nprobs = 0.029029029029029, 0.078078078078078, 0.118118118118118, "
     "0.167167167167167, 0.382382382382382, 0.196196196196196, 0.029029029029029\n"
     "dropout = 0.1\n[msc]\nodds_ratio = 1.67\ndropout = 0.1\n"
     "[analysis]\ntest = welch\n[simulation]\nseed = 12345\n",
     2, 0, 1, 0},
    {"ordinal-po+wx",
     "[trial]\nn = 100\n[model]\ntype = ordinal\n"
     "[control]\nprobs = 0.029029029029029, 0.078078078078078, 0.118118118118118, "
     "0.167167167167167, 0.382382382382382, 0.196196196196196, 0.029029029029029\n"
     "dropout = 0.1\n[msc]\nodds_ratio = 1.67\ndropout = 0.1\n"
     "[analysis]\ntests = po, wilcoxon\n[simulation]\nseed = 12345\n",
     2, 0, 1, 0},
    {"ordinal-utility",
     "[trial]\nn = 100\n[model]\ntype = ordinal\n"
     "[control]\nprobs = 0.029029029029029, 0.078078078078078, 0.118118118118118, "
     "0.167167167167167, 0.382382382382382, 0.196196196196196, 0.029029029029029\n"
     "dropout = 0.1\n[msc]\nodds_ratio = 1.67\ndropout = 0.1\n"
     "[analysis]\ntest = welch\nendpoint = utility\n[simulation]\nseed = 12345\n",
     2, 0, 1, 0},
    {"ordinal-sliding",
     "[trial]\nn = 100\n[model]\ntype = ordinal\n"
     "[baseline]\nnihss = fixed(12)\n"
     "[control]\nprobs = 0.029029029029029, 0.078078078078078, 0.118118118118118, "
     "0.167167167167167, 0.382382382382382, 0.196196196196196, 0.029029029029029\n"
     "dropout = 0.1\n[msc]\nodds_ratio = 1.67\ndropout = 0.1\n"
     "[analysis]\ntest = chisq\nendpoint = responder\nresponder_on = final\n"
     "sliding = nihss 0-10: 1, 11-15: 2, 16-42: 3\n[simulation]\nseed = 12345\n",
     2, 0, 1, 0},
    {"traj-mar-mi",
     "[trial]\nn = 100\nvisits = 7, 30, 90\n[outcome]\nscale = fma_motor\n"
     "[model]\ntype = trajectory\n[baseline]\nscore = uniform(0, 49)\n"
     "[control]\ndropout = 0.2\n[msc]\nr_gain = 0.1\ndropout = 0.2\n"
     "[dropout]\nmechanism = mar\nmar_on = previous_visit\nodds_ratio = 2\n"
     "[analysis]\ntest = welch\nmissing = mi\nimputations = 20\n"
     "[simulation]\nseed = 12345\n",
     3, 5, 3, 0},
    {"normal-3look",
     "[trial]\nn = 100\n[model]\ntype = normal\n"
     "[control]\nmean = 0\nsd = 1\ndropout = 0.1\n[msc]\nmean = 0.5\nsd = 1\ndropout = 0.1\n"
     "[analysis]\ntest = welch\n[interim]\nlooks = 0.333333, 0.666667, 1\nefficacy = none\n"
     "[simulation]\nseed = 12345\n",
     1, 1, 1, 0},
    {"normal-3of",
     "[trial]\nn = 100\nsides = 1\n[model]\ntype = normal\n"
     "[control]\nmean = 0\nsd = 1\ndropout = 0.1\n[msc]\nmean = -0.5\nsd = 1\ndropout = 0.1\n"
     "[analysis]\ntest = welch\n[interim]\nlooks = 0.333333, 0.666667, 1\n"
     "efficacy = obrien_fleming\nfutility = none\n[simulation]\nseed = 12345\n",
     1, 1, 1, 0},
    {"traj0-3look",
     "[trial]\nn = 100\nvisits = 7, 30, 90\n[outcome]\nscale = fma_motor\n"
     "[model]\ntype = trajectory\n[baseline]\nscore = uniform(0, 49)\n"
     "[control]\ndropout = 0.1\n[msc]\nr_gain = 0.1\ndropout = 0.1\n"
     "[analysis]\ntest = welch\n[interim]\nlooks = 0.333333, 0.666667, 1\nefficacy = none\n"
     "[simulation]\nseed = 12345\n",
     3, 5, 3, 0},
    {"traj-mmrm",
     "[trial]\nn = 100\nvisits = 7, 30, 90\n[outcome]\nscale = fma_motor\n"
     "[model]\ntype = trajectory\n[baseline]\nscore = uniform(0, 49)\n"
     "[control]\ndropout = 0.1\n[msc]\nr_gain = 0.1\ndropout = 0.1\n"
     "[analysis]\ntest = mmrm\n[simulation]\nseed = 12345\n",
     3, 5, 3, 0},
};
#define DESIGN_COUNT (sizeof designs / sizeof designs[0])
#define LOOKS_TARGET 1.3

/* The row of the design called name: the comparisons below name their designs, so adding a
 * design anywhere in the table cannot shift them. */
static size_t design_index(const char *name)
{
    size_t d = 0;
    while (d < DESIGN_COUNT && strcmp(designs[d].name, name) != 0)
        d++;
    if (d == DESIGN_COUNT) {
        fprintf(stderr, "mscsim_bench: no design %s\n", name);
        exit(2);
    }
    return d;
}

/* 1 if name is one of the comma-separated names in list. */
static int listed(const char *list, const char *name)
{
    size_t len = strlen(name);
    for (const char *p = list; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
        if (strncmp(p, name, len) == 0 && (p[len] == ',' || p[len] == '\0'))
            return 1;
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return v[n / 2];
}

static void die(const char *what, const mscsim_error *err)
{
    char buf[1024];
    fprintf(stderr, "mscsim_bench: %s: %s\n", what, mscsim_error_format(err, buf, sizeof buf));
    exit(1);
}

static void load(const bench_design *design, mscsim_config *cfg, long reps, int threads)
{
    char path[] = "/tmp/mscsim_benchXXXXXX";
    int fd = mkstemp(path);
    mscsim_error err;
    if (fd < 0 || write(fd, design->config, strlen(design->config)) < 0) {
        fprintf(stderr, "mscsim_bench: cannot write a temporary config\n");
        exit(1);
    }
    close(fd);
    int status = mscsim_config_load(path, cfg, &err);
    unlink(path);
    if (status)
        die("config", &err);
    char set[64];
    snprintf(set, sizeof set, "simulation.reps=%ld", reps);
    if (mscsim_config_set(cfg, set, &err))
        die("reps", &err);
    snprintf(set, sizeof set, "simulation.threads=%d", threads);
    if (mscsim_config_set(cfg, set, &err))
        die("threads", &err);
    /* The main table measures the patient path against its bare draws; bench_table_path
     * sets the table path back where it times it. */
    if (mscsim_config_set(cfg, "simulation.shortcut=no", &err))
        die("shortcut", &err);
}

/* Seconds to run the design with reps replicates on threads threads. */
static double time_engine(const bench_design *design, long reps, int threads, double *power)
{
    mscsim_config cfg;
    load(design, &cfg, reps, threads);
    mscsim_engine *eng;
    mscsim_error err;
    if (mscsim_engine_new(&cfg, 0, &eng, &err))
        die("engine", &err);
    double t0 = now(); /* After engine_new: a true effect estimated by simulation is set-up. */
    while (!mscsim_engine_done(eng))
        mscsim_engine_step(eng, &err);
    double t = now() - t0;
    mscsim_cell_summary s;
    mscsim_engine_summary(eng, 0, 0, &s);
    *power = s.power;
    mscsim_engine_free(eng);
    return t;
}

/* Seconds for the bare draws of reps trials of a design. */
static double time_bare(const bench_design *design, long reps, double *sink)
{
    double t0 = now(), acc = 0;
    for (long r = 0; r < reps; r++) {
        mscsim_rng rng = mscsim_rng_for_trial(12345, 1, PATIENTS_PER_TRIAL, (uint64_t)r);
        for (int i = 0; i < PATIENTS_PER_TRIAL; i++) {
            for (int k = 0; k < design->normals; k++)
                acc += mscsim_rnorm_std(&rng);
            for (int k = 0; k < design->uniforms; k++)
                acc += mscsim_rng_uniform(&rng);
        }
    }
    *sink += acc;
    return now() - t0;
}

/* ---- the table path (sim/trial/shortcut.c) -------------------------------------------
 * Each design twice in one run, on one thread: as the engine runs it (the table path) and
 * with [simulation] shortcut = no (patient by patient, as before the table path). */
typedef struct {
    const char *name;
    const char *config;
    double target; /* Smallest acceptable speed-up (0 = none set). */
} table_design;

#define ORDINAL_PROBS                                                                       \
    "probs = 0.029029029029029, 0.078078078078078, 0.118118118118118, "                     \
    "0.167167167167167, 0.382382382382382, 0.196196196196196, 0.029029029029029\n"

static const table_design table_designs[] = {
    {"ordinal n=300",
     "[trial]\nn = 300\n[model]\ntype = ordinal\n[control]\n" ORDINAL_PROBS
     "dropout = 0.1\n[msc]\nodds_ratio = 1.67\ndropout = 0.1\n"
     "[analysis]\ntest = welch\n[simulation]\nseed = 12345\n",
     20.0},
    {"ord300 po+wx",
     "[trial]\nn = 300\n[model]\ntype = ordinal\n[control]\n" ORDINAL_PROBS
     "dropout = 0.1\n[msc]\nodds_ratio = 1.67\ndropout = 0.1\n"
     "[analysis]\ntests = po, wilcoxon\n[simulation]\nseed = 12345\n",
     0},
    {"binary n=100",
     "[trial]\nn = 100\n[model]\ntype = binary\n[control]\np = 0.3\ndropout = 0.1\n"
     "[msc]\np = 0.5\ndropout = 0.1\n[analysis]\ntest = chisq\n[simulation]\nseed = 12345\n",
     0},
    {"normal n=100", NULL, 0}, /* the first design of the main table */
};

/* Seconds for reps trials of config on one thread, shortcut = auto or no. */
static double time_table_design(const char *config, long reps, const char *shortcut)
{
    bench_design d = {"table", config, 0, 0, 1, 0};
    mscsim_config cfg;
    load(&d, &cfg, reps, 1);
    mscsim_error err;
    char set[64];
    snprintf(set, sizeof set, "simulation.shortcut=%s", shortcut);
    if (mscsim_config_set(&cfg, set, &err))
        die("shortcut", &err);
    mscsim_engine *eng;
    if (mscsim_engine_new(&cfg, 0, &eng, &err))
        die("engine", &err);
    double t0 = now();
    while (!mscsim_engine_done(eng))
        mscsim_engine_step(eng, &err);
    double t = now() - t0;
    mscsim_engine_free(eng);
    return t;
}

static void bench_table_path(long reps)
{
    printf("table path against the patient path (shortcut = no), 1 thread, %ld reps\n", reps);
    printf("%-14s %14s %14s %9s %8s\n", "design", "patients us/tr", "table us/tr", "speed-up",
           "target");
    for (size_t d = 0; d < sizeof table_designs / sizeof table_designs[0]; d++) {
        const char *config = table_designs[d].config ? table_designs[d].config
                                                     : designs[design_index("normal")].config;
        double pat[TIMING_ROUNDS], tab[TIMING_ROUNDS];
        for (int k = 0; k < TIMING_ROUNDS; k++) {
            pat[k] = time_table_design(config, reps, "no");
            tab[k] = time_table_design(config, reps, "auto");
        }
        double tp = median(pat, TIMING_ROUNDS), tt = median(tab, TIMING_ROUNDS);
        char target[16] = "-";
        if (table_designs[d].target > 0)
            snprintf(target, sizeof target, ">= %.0f", table_designs[d].target);
        printf("%-14s %14.3f %14.3f %9.2f %8s\n", table_designs[d].name, 1e6 * tp / (double)reps,
               1e6 * tt / (double)reps, tp / tt, target);
    }
}

/* Peak resident memory (KiB) of a fresh process that runs reps replicates. It is this
 * program again (exec, not a bare fork: the OpenMP runtime does not survive fork). */
static long child_peak_kib(const char *self, long reps)
{
    char arg[32];
    snprintf(arg, sizeof arg, "%ld", reps);
    pid_t pid = fork();
    if (pid == 0) {
        execl(self, self, "--memory-child", arg, (char *)NULL);
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
        fprintf(stderr, "mscsim_bench: memory child failed\n");
        exit(1);
    }
    return ru.ru_maxrss;
}

int main(int argc, char **argv)
{
    long reps = 200000;
    if (argc == 3 && strcmp(argv[1], "--memory-child") == 0) {
        double power;
        time_engine(&designs[0], atol(argv[2]), 0, &power);
        return 0;
    }
    int table_only = 0;
    const char *only = NULL; /* --design: a comma-separated list of rows */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
            reps = atol(argv[++i]);
        else if (strcmp(argv[i], "--table") == 0)
            table_only = 1;
        else if (strcmp(argv[i], "--design") == 0 && i + 1 < argc)
            only = argv[++i];
        else
            reps = 0;
    }
    if (reps < 1000 || (table_only && only)) {
        fprintf(stderr, "usage: mscsim_bench [--reps N] [--table | --design NAME[,NAME...]]   "
                        "(N >= 1000)\n");
        return 2;
    }
    if (only) {
        char list[256];
        snprintf(list, sizeof list, "%s", only);
        for (char *name = strtok(list, ","); name; name = strtok(NULL, ","))
            design_index(name); /* an unknown name: exit 2 before any timing */
    }
    if (table_only) {
        bench_table_path(reps);
        return 0;
    }
    int cores = omp_get_max_threads();
    double patients = (double)reps * PATIENTS_PER_TRIAL, sink = 0, power = 0;
    printf("n = %d per trial, 1:1, welch, 10%% dropout; %ld reps; medians of %d interleaved "
           "rounds\n", PATIENTS_PER_TRIAL, reps, TIMING_ROUNDS);
    printf("%-11s %12s %12s %14s %7s %7s\n", "design", "bare ns/pt", "engine ns/pt",
           "engine ns/pt-v", "ratio", "target");
    double t_one_normal = 0, t_design[DESIGN_COUNT];
    for (size_t d = 0; d < DESIGN_COUNT; d++) {
        if (only && !listed(only, designs[d].name))
            continue;
        double bare[TIMING_ROUNDS], one[TIMING_ROUNDS];
        for (int k = 0; k < TIMING_ROUNDS; k++) {
            bare[k] = time_bare(&designs[d], reps, &sink);
            one[k] = time_engine(&designs[d], reps, 1, &power);
        }
        double t_bare = median(bare, TIMING_ROUNDS), t_one = median(one, TIMING_ROUNDS);
        if (d == 0)
            t_one_normal = t_one;
        t_design[d] = t_one;
        char target[16] = "-";
        if (designs[d].target > 0)
            snprintf(target, sizeof target, "<= %.1f", designs[d].target);
        printf("%-11s %12.2f %12.2f %14.2f %7.2f %7s\n", designs[d].name,
               1e9 * t_bare / patients, 1e9 * t_one / patients,
               1e9 * t_one / patients / designs[d].visits, t_one / t_bare, target);
    }
    if (only)
        return 0;
    printf("3 looks over fixed, no early stop: normal %.2f (OBF bounds %.2f), trajectory %.2f "
           "  (target <= %.1f)\n",
           t_design[design_index("normal-3look")] / t_design[design_index("normal")],
           t_design[design_index("normal-3of")] / t_design[design_index("normal")],
           t_design[design_index("traj0-3look")] / t_design[design_index("traj-onset0")],
           LOOKS_TARGET);
    printf("mmrm: us per trial over welch, 1 thread     %8.2f   (target < 30)\n",
           1e6 * (t_design[design_index("traj-mmrm")] - t_design[design_index("traj-onset0")]) /
               (double)reps);
    double all[TIMING_ROUNDS];
    for (int k = 0; k < TIMING_ROUNDS; k++)
        all[k] = time_engine(&designs[0], reps, cores, &power);
    double t_all = median(all, TIMING_ROUNDS);
    printf("normal: trials/s, 1 thread                  %8.3g\n", (double)reps / t_one_normal);
    printf("normal: trials/s, %d threads                 %8.3g\n", cores, (double)reps / t_all);
    printf("normal: speed-up, %d threads over 1          %8.2f   (target >= 1.8 on 2 cores)\n",
           cores, t_one_normal / t_all);
    long mem_small = child_peak_kib("/proc/self/exe", 10000);
    long mem_large = child_peak_kib("/proc/self/exe", 1000000);
    printf("peak memory, 1e4 reps (KiB)                 %8ld\n", mem_small);
    printf("peak memory, 1e6 reps (KiB)                 %8ld   (target: same as 1e4)\n",
           mem_large);
    printf("power (sanity)                              %8.4f   checksum %g\n", power, sink);
    bench_table_path(reps);
    return 0;
}
