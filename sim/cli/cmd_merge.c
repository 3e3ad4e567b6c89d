/* merge: the partial files of `run --shard K/N` (shard.c describes them) into the results
 * CSV and resolved config of the single run, byte for byte. Every file is checked before
 * anything is written: one config (digest), this version, each of the N shards exactly once,
 * complete. */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "mscsim/version.h"

typedef struct {
    const char *path;
    long k, n, lo, hi, total, points, per_point;
    int analyses, looks;
    uint64_t digest;
    long data; /* Offset of the first unit line. */
} part;

/* Reads the next line of fp into *line (newline removed); 0 at the end of the file. */
static int next_line(FILE *fp, char **line, size_t *cap)
{
    ssize_t got = getline(line, cap, fp);
    if (got <= 0)
        return 0;
    if ((*line)[got - 1] == '\n')
        (*line)[got - 1] = '\0';
    return 1;
}

/* The header of p->path into p, checking its config against its digest; the resolved
 * config text into *config when it is NULL. 0, or the exit status after the message. */
static int read_header(part *p, char **config, size_t *config_len)
{
    FILE *fp = fopen(p->path, "r");
    if (!fp) {
        perror(p->path);
        fprintf(stderr, "mscsim merge: cannot read %s\n", p->path);
        return CLI_EXIT_BAD_INPUT;
    }
    char *line = NULL, version[64] = "";
    size_t cap = 0;
    long format = 0, lines = -1;
    int ok = next_line(fp, &line, &cap) && line[0] == '#' && next_line(fp, &line, &cap) &&
             sscanf(line, "mscsim-partial %ld", &format) == 1 && format == 1 &&
             next_line(fp, &line, &cap) && sscanf(line, "version %63s", version) == 1 &&
             next_line(fp, &line, &cap) && sscanf(line, "digest %" SCNx64, &p->digest) == 1 &&
             next_line(fp, &line, &cap) && sscanf(line, "shard %ld %ld", &p->k, &p->n) == 2 &&
             next_line(fp, &line, &cap) &&
             sscanf(line, "units %ld %ld %ld", &p->lo, &p->hi, &p->total) == 3 &&
             next_line(fp, &line, &cap) &&
             sscanf(line, "layout %ld %ld %d %d", &p->points, &p->per_point, &p->analyses,
                    &p->looks) == 4 &&
             next_line(fp, &line, &cap) && sscanf(line, "config %ld", &lines) == 1 && lines > 0;
    char *mine = NULL;
    size_t mine_len = 0;
    FILE *text = ok ? open_memstream(&mine, &mine_len) : NULL;
    ok = ok && text;
    for (long i = 0; ok && i < lines; i++) {
        ok = next_line(fp, &line, &cap);
        if (ok)
            fprintf(text, "%s\n", line);
    }
    if (text)
        fclose(text);
    int edited = ok && cli_config_digest(mine, mine_len) != p->digest;
    if (ok && !edited && !*config) {
        *config = mine;
        *config_len = mine_len;
    } else {
        free(mine);
    }
    p->data = ftell(fp);
    free(line);
    fclose(fp);
    if (!ok) {
        fprintf(stderr, "mscsim merge: %s is not a partial file of mscsim run --shard (or it "
                        "is truncated)\n", p->path);
        return CLI_EXIT_BAD_INPUT;
    }
    if (edited) {
        fprintf(stderr, "mscsim merge: %s: its config does not match its digest (edited?)\n",
                p->path);
        return CLI_EXIT_BAD_INPUT;
    }
    if (strcmp(version, MSCSIM_VERSION_STRING) != 0) {
        fprintf(stderr, "mscsim merge: %s was written by mscsim %s, this is %s: rerun its "
                        "shards with one version\n", p->path, version, MSCSIM_VERSION_STRING);
        return CLI_EXIT_BAD_INPUT;
    }
    long lo, hi;
    if (p->k >= 1 && p->k <= p->n && p->total >= 1)
        cli_shard_range(p->total, p->k, p->n, &lo, &hi);
    if (!(p->k >= 1 && p->k <= p->n && p->total >= 1 && lo == p->lo && hi == p->hi &&
          p->points * p->per_point == p->total && p->analyses >= 1 &&
          p->analyses <= MSCSIM_MAX_ANALYSES && p->looks >= 0 && p->looks <= MSCSIM_MAX_LOOKS)) {
        fprintf(stderr, "mscsim merge: %s: inconsistent header\n", p->path);
        return CLI_EXIT_BAD_INPUT;
    }
    return 0;
}

/* Every part of one run, each shard once, all present; parts sorted by shard. */
static int check_parts(part *parts, int count)
{
    const part *first = &parts[0];
    for (int i = 1; i < count; i++) {
        const part *p = &parts[i];
        if (p->digest != first->digest || p->total != first->total ||
            p->analyses != first->analyses) {
            fprintf(stderr, "mscsim merge: %s and %s are shards of different configs (or "
                            "options)\n", first->path, p->path);
            return CLI_EXIT_BAD_INPUT;
        }
        if (p->n != first->n) {
            fprintf(stderr, "mscsim merge: %s is a shard of %ld, %s of %ld\n", first->path,
                    first->n, p->path, p->n);
            return CLI_EXIT_BAD_INPUT;
        }
    }
    /* Insertion sort by shard: few files, and a duplicate shows as equal neighbours. */
    for (int i = 1; i < count; i++)
        for (int j = i; j > 0 && parts[j - 1].k > parts[j].k; j--) {
            part t = parts[j];
            parts[j] = parts[j - 1];
            parts[j - 1] = t;
        }
    for (int i = 1; i < count; i++)
        if (parts[i].k == parts[i - 1].k) {
            fprintf(stderr, "mscsim merge: shard %ld of %ld given twice: %s and %s\n",
                    parts[i].k, parts[i].n, parts[i - 1].path, parts[i].path);
            return CLI_EXIT_BAD_INPUT;
        }
    if (count != first->n) {
        long k = 1;
        for (int i = 0; i < count && parts[i].k == k; i++)
            k++;
        fprintf(stderr, "mscsim merge: %d of %ld shards given: shard %ld/%ld is missing\n",
                count, parts[0].n, k, parts[0].n);
        return CLI_EXIT_BAD_INPUT;
    }
    return 0;
}

/* The config of the partial files: their resolved config, loaded as a file. */
static int load_config(const char *text, size_t len, mscsim_config *cfg)
{
    const char *dir = getenv("TMPDIR");
    char path[CLI_PATH_LEN];
    snprintf(path, sizeof path, "%s/mscsim-merge-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!fp) {
        perror(path);
        return CLI_EXIT_RUN_FAILED;
    }
    int failed = fwrite(text, 1, len, fp) != len;
    failed |= fclose(fp) != 0;
    mscsim_error err;
    int status = failed ? mscsim_error_set(&err, MSCSIM_EIO, "cannot write %s", path)
                        : mscsim_config_load(path, cfg, &err);
    if (!status)
        status = mscsim_config_validate(cfg, &err);
    remove(path);
    if (status) {
        cli_print_error(&err);
        return CLI_EXIT_BAD_INPUT;
    }
    return 0;
}

/* Adds the units of p, checking each line, to the grid points in *pt, writing the rows of
 * each point once its last unit is in. */
static int add_part(const part *p, cli_point *pt, cli_outputs *out, int *bad, mscsim_error *err)
{
    FILE *fp = fopen(p->path, "r");
    if (!fp || fseek(fp, p->data, SEEK_SET)) {
        if (fp)
            fclose(fp);
        *bad = 1;
        return mscsim_error_set(err, MSCSIM_EIO, "cannot read %s", p->path);
    }
    char *line = NULL;
    size_t cap = 0;
    int status = MSCSIM_OK, exit_code = 0;
    for (long u = p->lo; !status && u < p->hi; u++) {
        long index = -1, g = -1;
        int skip = 0, got = next_line(fp, &line, &cap);
        if (got && sscanf(line, "truth %ld %n", &g, &skip) == 1) {
            /* The truths of the point that starts here: taken, not estimated again. */
            if (g != u / p->per_point || mscsim_truths_parse(line + skip, &pt->given)) {
                *bad = 1;
                status = mscsim_error_set(err, MSCSIM_ESYNTAX, "%s: damaged truth line before unit %ld",
                                   p->path, u);
                break;
            }
            pt->has_given = (size_t)g != pt->index;
            got = next_line(fp, &line, &cap);
        }
        mscsim_unit unit;
        if (!got || sscanf(line, "unit %ld %n", &index, &skip) != 1 ||
            index != u || mscsim_unit_parse(line + skip, p->analyses, p->looks, &unit)) {
            *bad = 1;
            status = mscsim_error_set(err, MSCSIM_ESYNTAX, "%s: unit %ld is missing or damaged",
                               p->path, u);
            break;
        }
        cli_stop_if_interrupted(out);
        if ((status = cli_point_at(pt, (size_t)(u / p->per_point), &exit_code, err)) != 0 ||
            (status = mscsim_engine_add_unit(pt->eng, u % p->per_point, &unit, err)) != 0)
            break;
        if (u % p->per_point == p->per_point - 1)
            status = cli_run_write_rows(pt, out, err);
    }
    if (!status && (!next_line(fp, &line, &cap) || strcmp(line, "end") != 0 ||
                    next_line(fp, &line, &cap))) {
        *bad = 1;
        status = mscsim_error_set(err, MSCSIM_ESYNTAX, "%s: does not end after its last unit",
                           p->path);
    }
    if (exit_code == CLI_EXIT_BAD_INPUT)
        *bad = 1;
    free(line);
    fclose(fp);
    return status;
}

int cli_cmd_merge(const cli_args *args)
{
    part *parts = calloc((size_t)args->part_count, sizeof *parts);
    if (!parts) {
        fprintf(stderr, "mscsim merge: out of memory\n");
        return CLI_EXIT_RUN_FAILED;
    }
    char *config = NULL;
    size_t config_len = 0;
    int status = 0;
    for (int i = 0; !status && i < args->part_count; i++) {
        parts[i].path = args->parts[i];
        status = read_header(&parts[i], &config, &config_len);
    }
    if (!status)
        status = check_parts(parts, args->part_count);
    mscsim_config cfg;
    if (!status)
        status = load_config(config, config_len, &cfg);
    if (!status && (cli_units_per_point(&cfg) != parts[0].per_point ||
                    (long)mscsim_sweep_points(&cfg) != parts[0].points)) {
        fprintf(stderr, "mscsim merge: the partial files' layout does not match their config\n");
        status = CLI_EXIT_BAD_INPUT;
    }
    cli_outputs out;
    if (!status)
        status = cli_outputs_open(&out, args->out_path, "", NULL, NULL, NULL, &cfg);
    if (!status && cfg.look_count)
        status = cli_outputs_open_looks(&out, NULL);
    if (status) {
        free(config);
        free(parts);
        return status;
    }
    mscsim_error err;
    int bad = 0;
    int rc = cli_write_header(out.csv, MSCSIM_FILE_RESULTS, &cfg, &err);
    if (!rc && out.looks)
        rc = cli_write_header(out.looks, MSCSIM_FILE_LOOKS, &cfg, &err);
    double start = cli_now();
    if (!rc)
        cli_run_print_header(&cfg);
    cli_point pt;
    cli_point_init(&pt, &cfg, 0);
    for (int i = 0; !rc && i < args->part_count; i++)
        rc = add_part(&parts[i], &pt, &out, &bad, &err);
    cli_point_free(&pt);
    /* The resolved config as the shards wrote it: the single run's, byte for byte. */
    if (!rc && fwrite(config, 1, config_len, mscsim_csv_writer_stream(out.ini)) != config_len)
        rc = mscsim_error_set(&err, MSCSIM_EIO, "cannot write %s", out.ini_path);
    free(config);
    free(parts);
    cli_stop_if_interrupted(&out);
    if (!rc)
        rc = cli_outputs_commit(&out, NULL, &err);
    if (rc) {
        cli_outputs_abort(&out);
        cli_print_error(&err);
        return bad ? CLI_EXIT_BAD_INPUT : CLI_EXIT_RUN_FAILED;
    }
    printf("wrote %s and %s%s%s\n", out.csv_path, out.ini_path, out.looks ? " and " : "",
           out.looks_path);
    if (!args->quiet)
        fprintf(stderr, "mscsim: merged %d shards in %.3f s\n", args->part_count,
                cli_now() - start);
    return 0;
}
