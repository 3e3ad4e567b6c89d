/*
 * mscsim-mpi run. The work is a list of tasks taken from a shared counter on rank 0
 * (MPI_Fetch_and_op, so no rank waits on a scheduler): first the truth tasks, one per
 * distinct truth of the grid (grid points whose configs cannot give other truths share
 * one, wherever they are in the grid), then the work units. A rank that estimates a truth
 * sends it to every other rank; a rank that takes a unit of a grid point whose truth is
 * not in yet receives truths until it is (its task was taken earlier, so it is being
 * estimated: no rank waits long, and the truths of a sweep spread over the ranks). Units
 * are simulated on the rank's threads and their partial sums sent to rank 0 as text
 * (mscsim_unit_format). Rank 0 works too, gathers every unit, then adds them in unit order
 * and writes the outputs: only then are files opened, so a rank that dies (mpirun then
 * ends the job) leaves nothing behind.
 */
#define _POSIX_C_SOURCE 200809L
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mpi_cli.h"

enum { TAG_UNIT = 1, TAG_TRUTH = 2 };
#define MESSAGE_LEN (MSCSIM_UNIT_TEXT_LEN + 32)
#define TRUTH_MESSAGE_LEN (MSCSIM_TRUTHS_TEXT_LEN + 32)

/* Blocking MPI calls spin at full speed; an idle rank sleeps this long between polls,
 * which frees its core (a rank may share one) for a latency far below a unit's. */
#define IDLE_POLL_NS 1000000L

static void idle(void)
{
    struct timespec ts = {0, IDLE_POLL_NS};
    nanosleep(&ts, NULL);
}

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

void cli_mpi_idle_barrier(void)
{
    MPI_Request req;
    MPI_Ibarrier(MPI_COMM_WORLD, &req);
    for (int done = 0; MPI_Test(&req, &done, MPI_STATUS_IGNORE), !done;)
        idle();
}

double cli_mpi_cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Prints the error with the rank and ends the whole job: no rank may write anything. */
static void fail(int rank, const mscsim_error *err, int code)
{
    char buf[1024];
    fprintf(stderr, "mscsim-mpi: rank %d: %s\n", rank, mscsim_error_format(err, buf, sizeof buf));
    MPI_Abort(MPI_COMM_WORLD, code);
}

static void fail_nomem(int rank)
{
    mscsim_error err;
    mscsim_error_set(&err, MSCSIM_ENOMEM, "out of memory");
    fail(rank, &err, CLI_EXIT_RUN_FAILED);
}

/* The grid's distinct truths as tasks: grid point g uses the truths of task task[g],
 * estimated at grid point rep[t]. */
typedef struct {
    long count;
    long *task;
    size_t *rep;
} truth_plan;

/* Groups the grid points by truth: by digest in an open-addressing table, each match
 * confirmed by comparing the configs. The same on every rank. */
static void plan_truths(const mscsim_config *cfg, int rank, truth_plan *plan)
{
    size_t points = mscsim_sweep_points(cfg), slots = 2;
    while (slots < 2 * points)
        slots *= 2;
    plan->count = 0;
    plan->task = malloc(points * sizeof *plan->task);
    plan->rep = malloc(points * sizeof *plan->rep);
    uint64_t *digest = malloc(points * sizeof *digest);
    long *slot = malloc(slots * sizeof *slot);
    mscsim_config *c = malloc(2 * sizeof *c); /* Large: off the stack. */
    if (!plan->task || !plan->rep || !digest || !slot || !c)
        fail_nomem(rank);
    for (size_t s = 0; s < slots; s++)
        slot[s] = -1;
    mscsim_error err;
    for (size_t g = 0; g < points; g++) {
        if (mscsim_sweep_point(cfg, g, &c[0], &err))
            fail(rank, &err, CLI_EXIT_BAD_INPUT); /* Validated on loading: cannot happen. */
        uint64_t d = mscsim_config_truths_digest(&c[0]);
        size_t s = (size_t)(d & (slots - 1));
        for (; slot[s] >= 0; s = (s + 1) & (slots - 1)) {
            long t = slot[s];
            if (digest[t] == d && mscsim_sweep_point(cfg, plan->rep[t], &c[1], &err) == 0 &&
                mscsim_config_same_truths(&c[0], &c[1]))
                break;
        }
        if (slot[s] < 0) {
            slot[s] = plan->count;
            digest[plan->count] = d;
            plan->rep[plan->count++] = g;
        }
        plan->task[g] = slot[s];
    }
    free(digest);
    free(slot);
    free(c);
}

/* What one rank did, for the balance line: units and truths done, CPU seconds on them,
 * seconds waiting for a truth. */
enum { DID_UNITS, DID_TRUTHS, DID_CPU, DID_WAITED, DID_COUNT };

/* Every rank's view of the run: the truths known so far and, on rank 0, every unit's
 * partial sums. */
typedef struct {
    const mscsim_config *cfg;
    int rank, size;
    long total, per_point;
    int analyses;
    truth_plan plan;
    mscsim_truths *known;
    unsigned char *have;
    long known_count;
    char (*truth_text)[TRUTH_MESSAGE_LEN]; /* This rank's truth messages, until sent. */
    MPI_Request *sends;                    /* Of those messages. */
    long send_count;
    mscsim_unit *units; /* Rank 0. */
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

static void got_truth(gather *g, long t, const mscsim_truths *truths)
{
    g->known[t] = *truths;
    g->have[t] = 1;
    g->known_count++;
}

/* Receives one waiting message and files it: a truth (any rank) or a unit (rank 0). */
static void receive(gather *g, const MPI_Status *probed)
{
    char buf[MESSAGE_LEN];
    MPI_Status st;
    MPI_Recv(buf, MESSAGE_LEN, MPI_CHAR, probed->MPI_SOURCE, probed->MPI_TAG, MPI_COMM_WORLD, &st);
    buf[MESSAGE_LEN - 1] = '\0';
    long index = -1;
    int skip = 0;
    if (sscanf(buf, "%ld %n", &index, &skip) == 1 && index >= 0) {
        mscsim_truths truths;
        if (st.MPI_TAG == TAG_TRUTH && index < g->plan.count && !g->have[index] &&
            mscsim_truths_parse(buf + skip, &truths) == MSCSIM_OK) {
            got_truth(g, index, &truths);
            return;
        }
        mscsim_unit unit;
        if (st.MPI_TAG == TAG_UNIT && g->rank == 0 && index < g->total &&
            mscsim_unit_parse(buf + skip, g->analyses, g->cfg->look_count, &unit) == MSCSIM_OK) {
            got_unit(g, index, &unit);
            return;
        }
    }
    mscsim_error err;
    mscsim_error_set(&err, MSCSIM_EINVAL, "a damaged message from rank %d", st.MPI_SOURCE);
    fail(g->rank, &err, CLI_EXIT_RUN_FAILED);
}

/* Files every message already waiting; with wait, first idles until one is. */
static void drain(gather *g, int wait)
{
    for (int waiting = 1;;) {
        MPI_Status st;
        MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &waiting, &st);
        if (waiting) {
            receive(g, &st);
            wait = 0;
        } else if (wait) {
            idle();
        } else {
            return;
        }
    }
}

/* Truth task t: estimates the truths of its grid point on this rank's threads and sends
 * them to every other rank (without waiting: they take them when they need them). */
static void estimate_truth(gather *g, long t, mscsim_config *point)
{
    mscsim_error err;
    mscsim_design *d;
    if (mscsim_sweep_point(g->cfg, g->plan.rep[t], point, &err) ||
        mscsim_design_new(point, &d, &err))
        fail(g->rank, &err, err.code == MSCSIM_ENOMEM ? CLI_EXIT_RUN_FAILED : CLI_EXIT_BAD_INPUT);
    mscsim_truths truths;
    mscsim_design_truths(d, &truths);
    mscsim_design_free(d);
    got_truth(g, t, &truths);
    char *text = g->truth_text[t];
    int len = snprintf(text, TRUTH_MESSAGE_LEN, "%ld ", t);
    mscsim_truths_format(&truths, text + len, TRUTH_MESSAGE_LEN - (size_t)len);
    for (int r = 0; r < g->size; r++)
        if (r != g->rank)
            MPI_Isend(text, (int)strlen(text) + 1, MPI_CHAR, r, TAG_TRUTH, MPI_COMM_WORLD,
                      &g->sends[g->send_count++]);
}

/* The hand-out order of a grid point's units: the largest trials first, so that the
 * last units handed out, which may leave ranks idle while they finish, are small. */
static long *unit_order(const mscsim_config *cfg, long per_point, int rank)
{
    long *order = malloc((size_t)per_point * sizeof *order);
    if (!order)
        fail_nomem(rank);
    long blocks = per_point / cfg->n_count, k = 0;
    int taken[MSCSIM_MAX_N_VALUES] = {0};
    for (int i = 0; i < cfg->n_count; i++) {
        int big = -1; /* The largest n not yet ordered (the first of equals). */
        for (int c = 0; c < cfg->n_count; c++)
            if (!taken[c] && (big < 0 || cfg->n[c] > cfg->n[big]))
                big = c;
        taken[big] = 1;
        for (long b = 0; b < blocks; b++)
            order[k++] = big * blocks + b;
    }
    return order;
}

/* This rank's share: tasks from the counter until none is left. Rank 0 files its own
 * units (and any results that arrive meanwhile) in g; the others send them. */
static void work(gather *g, MPI_Win win, double did[DID_COUNT])
{
    const mscsim_config *cfg = g->cfg;
    long tasks = g->plan.count, per_point = g->per_point;
    long *order = unit_order(cfg, per_point, g->rank);
    mscsim_config *point = malloc(sizeof *point);
    if (!point)
        fail_nomem(g->rank);
    cli_point p;
    cli_point_init(&p, cfg, 0);
    mscsim_error err;
    /* Two unit messages: one may still be on its way while the next unit runs. */
    char text[2][MESSAGE_LEN];
    MPI_Request unit_sent[2] = {MPI_REQUEST_NULL, MPI_REQUEST_NULL};
    for (long t, sent = 0; (t = cli_mpi_counter_next(win)) < tasks + g->total;) {
        cli_stop_if_interrupted(NULL);
        double cpu = cli_mpi_cpu_seconds();
        if (t < tasks) {
            estimate_truth(g, t, point);
            did[DID_TRUTHS]++;
            did[DID_CPU] += cli_mpi_cpu_seconds() - cpu;
            continue;
        }
        long k = t - tasks, u = k / per_point * per_point + order[k % per_point];
        size_t at = (size_t)(u / per_point);
        long task = g->plan.task[at];
        double start = cli_now();
        while (!g->have[task])
            drain(g, 1);
        did[DID_WAITED] += cli_now() - start;
        cpu = cli_mpi_cpu_seconds();
        if (at != p.index) {
            p.given = g->known[task];
            p.has_given = 1;
        }
        int exit_code = CLI_EXIT_RUN_FAILED;
        if (cli_point_at(&p, at, &exit_code, &err))
            fail(g->rank, &err, exit_code);
        mscsim_unit unit;
        if (mscsim_engine_run_unit(p.eng, u % per_point, &unit, &err))
            fail(g->rank, &err, CLI_EXIT_RUN_FAILED);
        if (g->rank == 0) {
            got_unit(g, u, &unit);
        } else {
            int b = (int)(sent++ % 2);
            MPI_Wait(&unit_sent[b], MPI_STATUS_IGNORE);
            int len = snprintf(text[b], MESSAGE_LEN, "%ld ", u);
            mscsim_unit_format(&unit, g->analyses, cfg->look_count, text[b] + len,
                               MESSAGE_LEN - (size_t)len);
            MPI_Isend(text[b], (int)strlen(text[b]) + 1, MPI_CHAR, 0, TAG_UNIT, MPI_COMM_WORLD,
                      &unit_sent[b]);
        }
        did[DID_UNITS]++;
        did[DID_CPU] += cli_mpi_cpu_seconds() - cpu;
        drain(g, 0);
    }
    cli_point_free(&p);
    free(point);
    free(order);
    /* Every truth (rank 0: and every unit) in, every message of this rank delivered. */
    while (g->known_count < tasks || (g->rank == 0 && g->received < g->total))
        drain(g, 1);
    for (int done = 0; !done;) {
        int units_done, truths_done;
        MPI_Testall(2, unit_sent, &units_done, MPI_STATUSES_IGNORE);
        MPI_Testall((int)g->send_count, g->sends, &truths_done, MPI_STATUSES_IGNORE);
        if (!(done = units_done && truths_done))
            idle();
    }
}

/* Rank 0, every unit in: adds them point by point in unit order and writes the outputs. */
static int write_outputs(const cli_args *args, gather *g, cli_outputs *out)
{
    const mscsim_config *cfg = g->cfg;
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
        p.given = g->known[g->plan.task[pt]];
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

/* The balance line: the range over the ranks of each of what they did. */
static void print_balance(const double *all, int size)
{
    double lo[DID_COUNT], hi[DID_COUNT];
    for (int i = 0; i < DID_COUNT; i++) {
        lo[i] = hi[i] = all[i];
        for (int r = 1; r < size; r++) {
            double v = all[r * DID_COUNT + i];
            lo[i] = v < lo[i] ? v : lo[i];
            hi[i] = v > hi[i] ? v : hi[i];
        }
    }
    fprintf(stderr,
            "mscsim-mpi: per rank: %.0f-%.0f units, %.0f-%.0f truths, %.1f-%.1f s of CPU "
            "working, %.1f-%.1f s waiting for a truth\n",
            lo[DID_UNITS], hi[DID_UNITS], lo[DID_TRUTHS], hi[DID_TRUTHS], lo[DID_CPU],
            hi[DID_CPU], lo[DID_WAITED], hi[DID_WAITED]);
}

int cli_mpi_run(const cli_args *args, int rank, int size)
{
    static mscsim_config cfg;
    int status = prepare(args, rank, &cfg);
    if (status)
        return status;
    gather g = {.cfg = &cfg, .rank = rank, .size = size, .per_point = cli_units_per_point(&cfg)};
    size_t points = mscsim_sweep_points(&cfg);
    g.total = g.per_point * (long)points;
    g.analyses = mscsim_config_analyses(&cfg, (const char *[MSCSIM_MAX_ANALYSES]){0});
    plan_truths(&cfg, rank, &g.plan);
    size_t tasks = (size_t)g.plan.count;
    g.known = malloc(tasks * sizeof *g.known);
    g.have = calloc(tasks, 1);
    g.truth_text = malloc(tasks * sizeof *g.truth_text);
    g.sends = malloc(tasks * (size_t)(size > 1 ? size - 1 : 1) * sizeof *g.sends);
    if (rank == 0 && !(g.units = malloc((size_t)g.total * sizeof *g.units)))
        fail_nomem(0);
    if (!g.known || !g.have || !g.truth_text || !g.sends)
        fail_nomem(rank);
    if (rank == 0)
        cli_progress_start(&g.bar, args->quiet, (double)points * cfg.n_count * (double)cfg.reps);
    MPI_Win win;
    cli_mpi_counter_open(rank, &win);
    double did[DID_COUNT] = {0};
    work(&g, win, did);
    cli_mpi_idle_barrier(); /* The last units' ranks finish without the others spinning. */
    cli_mpi_counter_close(&win);
    double *all = rank == 0 ? malloc((size_t)size * DID_COUNT * sizeof *all) : NULL;
    MPI_Gather(did, DID_COUNT, MPI_DOUBLE, all, DID_COUNT, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        double elapsed = cli_progress_end(&g.bar);
        cli_outputs out;
        status = write_outputs(args, &g, &out);
        if (!status && !args->quiet) {
            fprintf(stderr, "mscsim-mpi: %.0f trials in %.3f s on %d ranks, %zu truth%s\n",
                    g.trials, elapsed, size, tasks, tasks == 1 ? "" : "s");
            if (all)
                print_balance(all, size);
        }
    }
    free(all);
    free(g.units);
    free(g.known);
    free(g.have);
    free(g.truth_text);
    free(g.sends);
    free(g.plan.task);
    free(g.plan.rep);
    return status;
}
