/*
 * run --shard K/N: one shard of a run's work units, written as a partial file that
 * `mscsim merge` combines with the other shards into the single run's outputs.
 *
 * A partial file is text, one record per line:
 *   # mscsim partial results (not a results CSV): combine every shard with mscsim merge
 *   mscsim-partial 1            the format's version
 *   version V                   mscsim's version (merge takes only its own)
 *   digest H                    FNV-1a 64 of the resolved config after its first line
 *   shard K N
 *   units LO HI TOTAL           this shard's units [LO, HI) of TOTAL
 *   layout POINTS PER_POINT ANALYSES LOOKS
 *   config L                    then the L lines of the resolved config, verbatim
 *   truth G TEXT                before the first unit of each grid point G (from 0) in
 *                               the shard: its truths (mscsim_truths_format)
 *   unit U TEXT                 one per unit LO..HI-1 in order (mscsim_unit_format)
 *   end
 * Shard K holds units [floor((K-1) TOTAL / N), floor(K TOTAL / N)): contiguous ranges, so a
 * shard builds few designs (and estimates few truths).
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mscsim/version.h"

static uint64_t fnv1a(const char *text, size_t len)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)text[i];
        h *= 0x100000001b3u;
    }
    return h;
}

int cli_resolved_text(const mscsim_config *cfg, char **text, size_t *len, mscsim_error *err)
{
    *text = NULL;
    FILE *fp = open_memstream(text, len);
    if (!fp)
        return mscsim_error_set(err, MSCSIM_ENOMEM, "out of memory");
    int status = mscsim_config_write(cfg, fp, err);
    if (fclose(fp) && !status)
        status = mscsim_error_set(err, MSCSIM_ENOMEM, "out of memory");
    if (status) {
        free(*text);
        *text = NULL;
    }
    return status;
}

uint64_t cli_config_digest(const char *text, size_t len)
{
    /* The first line names the config's path: shards of one config read from another
     * folder are still one run. */
    const char *nl = memchr(text, '\n', len);
    size_t skip = nl ? (size_t)(nl + 1 - text) : 0;
    return fnv1a(text + skip, len - skip);
}

void cli_shard_range(long total, long k, long n, long *lo, long *hi)
{
    *lo = (long)((long long)(k - 1) * total / n);
    *hi = (long)((long long)k * total / n);
}

long cli_whole(const char *text, size_t len)
{
    long v = 0;
    if (len == 0 || len > 9)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9')
            return -1;
        v = v * 10 + (text[i] - '0');
    }
    return v;
}

/* The value of environment variable name as a whole number; -1 when unset or not one. */
static long env_whole(const char *name)
{
    const char *v = getenv(name);
    return v ? cli_whole(v, strlen(v)) : -1;
}

/* The slurm job array's task as shard K of N: tasks MIN..MAX are shards 1..N. */
static int slurm_shard(long *k, long *n)
{
    long id = env_whole("SLURM_ARRAY_TASK_ID"), count = env_whole("SLURM_ARRAY_TASK_COUNT");
    long min = env_whole("SLURM_ARRAY_TASK_MIN"), max = env_whole("SLURM_ARRAY_TASK_MAX");
    if (id < 0)
        return cli_command_error(CLI_RUN, "--shard slurm: SLURM_ARRAY_TASK_ID is not set to a "
                                          "whole number (not a task of sbatch --array?)");
    if (min < 0)
        min = 0;
    *n = count > 0 ? count : max >= min ? max - min + 1 : -1;
    *k = id - min + 1;
    if (*n < 1)
        return cli_command_error(CLI_RUN, "--shard slurm: neither SLURM_ARRAY_TASK_COUNT nor "
                                          "SLURM_ARRAY_TASK_MAX is set to a whole number");
    if (*k < 1 || *k > *n)
        return cli_command_error(CLI_RUN,
                                 "--shard slurm: task %ld is not one of %ld tasks from %ld "
                                 "(use a contiguous --array=A-B, without a step)",
                                 id, *n, min);
    return 0;
}

int cli_parse_shard(const char *text, long *k, long *n)
{
    if (strcmp(text, "slurm") == 0)
        return slurm_shard(k, n);
    const char *slash = strchr(text, '/');
    *k = slash ? cli_whole(text, (size_t)(slash - text)) : -1;
    *n = slash ? cli_whole(slash + 1, strlen(slash + 1)) : -1;
    if (*k < 1 || *n < 1 || *k > *n)
        return cli_command_error(CLI_RUN,
                                 "--shard must be K/N with 1 <= K <= N (whole numbers) or "
                                 "slurm, not '%s'",
                                 text);
    return 0;
}

/* Writes the header and the units lo..hi-1 to fp, simulating them point by point. */
static int write_partial(cli_outputs *out, FILE *fp, const mscsim_config *cfg, const char *resolved, size_t len,
                         long k, long n, long lo, long hi, cli_progress *bar, int *exit_code,
                         mscsim_error *err)
{
    size_t points = mscsim_sweep_points(cfg);
    long per_point = cli_units_per_point(cfg), total = per_point * (long)points;
    const char *names[MSCSIM_MAX_ANALYSES];
    int analyses = mscsim_config_analyses(cfg, names);
    long lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += resolved[i] == '\n';
    fprintf(fp, "# mscsim partial results (not a results CSV): combine every shard with "
                "mscsim merge\nmscsim-partial 1\nversion %s\ndigest %016" PRIx64 "\nshard %ld "
                "%ld\nunits %ld %ld %ld\nlayout %zu %ld %d %d\nconfig %ld\n",
            MSCSIM_VERSION_STRING, cli_config_digest(resolved, len), k, n, lo, hi, total,
            points, per_point, analyses, cfg->look_count, lines);
    fwrite(resolved, 1, len, fp);
    cli_point p;
    cli_point_init(&p, cfg, 0);
    int status = MSCSIM_OK;
    double trials = 0;
    for (long u = lo; !status && u < hi; u++) {
        cli_stop_if_interrupted(out);
        size_t g = (size_t)(u / per_point);
        int moved = g != p.index;
        status = cli_point_at(&p, g, exit_code, err);
        if (!status && moved) { /* merge takes the truths from here, not estimating them. */
            mscsim_truths truths;
            mscsim_design_truths(p.design, &truths);
            char line[MSCSIM_TRUTHS_TEXT_LEN];
            if (mscsim_truths_format(&truths, line, sizeof line) < 0)
                status = mscsim_error_set(err, MSCSIM_ENOMEM, "truths too long");
            else
                fprintf(fp, "truth %zu %s\n", g, line);
        }
        mscsim_unit unit;
        if (!status)
            status = mscsim_engine_run_unit(p.eng, u % per_point, &unit, err);
        char text[MSCSIM_UNIT_TEXT_LEN];
        if (!status && mscsim_unit_format(&unit, analyses, cfg->look_count, text, sizeof text) < 0)
            status = mscsim_error_set(err, MSCSIM_ENOMEM, "out of memory");
        if (!status) {
            fprintf(fp, "unit %ld %s\n", u, text);
            trials += (double)unit.trials.reps_done;
            cli_progress_update(bar, trials);
        }
    }
    cli_point_free(&p);
    if (!status)
        fprintf(fp, "end\n");
    return status;
}

int cli_run_shard(const cli_args *args, const mscsim_config *cfg)
{
    long k, n;
    int status = cli_parse_shard(args->shard_text, &k, &n);
    if (status)
        return status;
    if (!args->out_path)
        return cli_command_error(CLI_RUN, "--shard needs --out PART (the partial file)");
    if (args->replicates_path)
        return cli_command_error(CLI_RUN, "--shard does not write --replicates (run the grid "
                                          "point whose trials you want without --shard)");
    mscsim_error err;
    char *resolved;
    size_t len;
    if (cli_resolved_text(cfg, &resolved, &len, &err)) {
        cli_print_error(&err);
        return CLI_EXIT_RUN_FAILED;
    }
    cli_outputs out;
    if ((status = cli_outputs_open_one(&out, "--out", args->out_path)) != 0) {
        free(resolved);
        return status;
    }
    long total = cli_units_per_point(cfg) * (long)mscsim_sweep_points(cfg), lo, hi;
    cli_shard_range(total, k, n, &lo, &hi);
    double trials = 0; /* The bar's total: the shard's replicates. */
    for (long u = lo; u < hi; u++) {
        long block = u % cli_units_per_point(cfg) % ((cfg->reps + MSCSIM_UNIT_REPS - 1) /
                                                      MSCSIM_UNIT_REPS);
        long left = cfg->reps - block * MSCSIM_UNIT_REPS;
        trials += (double)(left < MSCSIM_UNIT_REPS ? left : MSCSIM_UNIT_REPS);
    }
    cli_progress bar;
    cli_progress_start(&bar, args->quiet, trials);
    int exit_code = CLI_EXIT_RUN_FAILED;
    status = write_partial(&out, mscsim_csv_writer_stream(out.csv), cfg, resolved, len, k, n, lo,
                           hi, &bar, &exit_code, &err);
    free(resolved);
    double elapsed = cli_progress_end(&bar);
    cli_stop_if_interrupted(&out);
    if (!status)
        status = cli_outputs_commit(&out, NULL, &err);
    if (status) {
        cli_outputs_abort(&out);
        cli_print_error(&err);
        return exit_code;
    }
    printf("wrote %s: shard %ld of %ld, units %ld to %ld of %ld (mscsim merge combines the "
           "shards)\n", out.csv_path, k, n, lo, hi - 1, total);
    if (!args->quiet)
        fprintf(stderr, "mscsim: %.0f trials in %.3f s\n", trials, elapsed);
    return 0;
}
