/* mkdtemp, setenv, strdup, access, mkdir, chmod: POSIX. */
#define _POSIX_C_SOURCE 200809L
/*
 * Plots of mscsim's CSV files (fixtures in tests/data/plot/): every kind renders to PNG and
 * SVG, labels are clinical, text from the CSV cannot inject gnuplot commands, and every bad
 * input gives an error naming the file (and line) while leaving no output file and an
 * existing one untouched.
 *
 * gnuplot must be on PATH (CI installs the Debian package gnuplot-nox); without it the
 * render checks fail rather than skip.
 *
 * Fixtures, in the column layout `mscsim run`, `samplesize --trace` and `--replicates`
 * write: power_by_n, sweep_one, heatmap and trace hold powers of a two-sample normal test
 * with their 95 % Wilson intervals; replicates holds pseudo-random estimates (Python's
 * random.Random(20261128)); the numbers only need to look like mscsim's. Written by mscsim
 * itself (a few hundred trials each): binary and replicates_binary (configs/binary.ini),
 * unbounded (configs/example.ini), null with the null.config.ini it wrote and
 * null_no_config (binary.ini with msc.p = control.p = 0.3), one_n
 * (configs/starting2_mrs_shift.ini at n = 300), search and search_trace (`samplesize
 * configs/example.ini`), patients (`simulate configs/lee2022_fma_motor.ini --n 40`), looks
 * (the looks file of `run configs/lee2022_interim.ini --set trial.sides=1 --set
 * trial.alpha=0.025 --set "interim.futility=conditional_power(0.1)"`), looks_none (the
 * same config at n = 60 with `--set interim.efficacy=none --set interim.looks=0.3,0.6,1`,
 * 300 trials: infinite efficacy bounds at the first two looks), looks_two (the looks file
 * of `run configs/lee2022_interim.ini --reps 300`: two-sided, sides = 2), replicates_prior
 * (`run configs/example.ini --reps 300 --set "trial.n=60, 100" --set "prior.msc.mean=normal(16.5,
 * 4)" --replicates`: at n = 60, 148 of 300 trials succeed, 12 drawn effects are <= 0 and none
 * of them succeeds; in 30 bins from -5.178 to 21.372 the 12th holds 29 trials, 11 successes).
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "mscsim/plot.h"

#define DATA MSCSIM_TEST_DIR "/data/plot/"
/* The fixture names.csv holds a swept value `touch mscsim_plot_pwned`: gnuplot must never
 * run it (it would create this file in the current directory). */
#define PWNED "mscsim_plot_pwned"

static char dir[] = "/tmp/mscsim_plotXXXXXX";

static int exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* The first len - 1 bytes of path, NUL-terminated; returns how many were read. */
static size_t head(const char *path, char *buf, size_t len)
{
    FILE *fp = fopen(path, "rb");
    size_t got = fp ? fread(buf, 1, len - 1, fp) : 0;
    buf[got] = '\0';
    if (fp)
        fclose(fp);
    return got;
}

static void out_path(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", dir, name);
}

static int tmp_left(const char *path)
{
    char tmp[600];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    return exists(tmp);
}

static int no_output(const char *path)
{
    return !exists(path) && !tmp_left(path);
}

/* Renders DATA/<name>.csv to <name><suffix>.png and .svg, checks both files, and that
 * the SVG shows every string of want (NULL-terminated). */
static void check_renders(const char *name, const char *suffix, const mscsim_plot_options *opt,
                          const char *const *want)
{
    char csv[512], png[512], svg[512], file[256], msg[1100];
    static char text[1 << 20];
    mscsim_error err;
    snprintf(csv, sizeof csv, DATA "%s.csv", name);
    snprintf(file, sizeof file, "%s%s.png", name, suffix);
    out_path(png, sizeof png, file);
    snprintf(file, sizeof file, "%s%s.svg", name, suffix);
    out_path(svg, sizeof svg, file);

    int rc = mscsim_plot(csv, png, opt, &err);
    CHECK(rc == MSCSIM_OK, "%s%s renders to PNG: %s", name, suffix,
          rc ? mscsim_error_format(&err, msg, sizeof msg) : "ok");
    size_t got = head(png, text, 9);
    CHECK(got == 8 && memcmp(text, "\x89PNG\r\n\x1a\n", 8) == 0, "%s%s: PNG signature", name,
          suffix);
    CHECK(!tmp_left(png), "%s%s: no temporary file left", name, suffix);

    rc = mscsim_plot(csv, svg, opt, &err);
    CHECK(rc == MSCSIM_OK, "%s%s renders to SVG: %s", name, suffix,
          rc ? mscsim_error_format(&err, msg, sizeof msg) : "ok");
    head(svg, text, sizeof text);
    CHECK(strncmp(text, "<?xml", 5) == 0 && strstr(text, "<svg") != NULL, "%s%s: an SVG file",
          name, suffix);
    for (size_t i = 0; want && want[i]; i++)
        CHECK(strstr(text, want[i]) != NULL, "%s%s: the SVG shows \"%s\"", name, suffix,
              want[i]);
    CHECK(!tmp_left(svg), "%s%s: no temporary file left", name, suffix);
}

/* mscsim_plot(csv, <dir>/<out>) fails with code and a message containing want, leaving no
 * output file. */
static void check_fails(const char *csv, const char *out, const mscsim_plot_options *opt,
                        int code, const char *want)
{
    char path[512], msg[1100];
    mscsim_error err;
    out_path(path, sizeof path, out);
    int rc = mscsim_plot(csv, path, opt, &err);
    mscsim_error_format(&err, msg, sizeof msg);
    INT_EQ(rc, code, "%s: status", want);
    CHECK(rc != MSCSIM_OK && strstr(msg, want) != NULL, "message \"%.200s\" contains \"%.200s\"",
          msg, want);
    CHECK(no_output(path), "%s: no output file", want);
}

static void test_kinds(void)
{
    const char *const by_n[] = {"Power by total sample size", "Total sample size (patients)",
                                "change from baseline in Fugl-Meyer motor", "welch (analytic)",
                                "ancova", "target power 0.8", NULL};
    check_renders("power_by_n", "", NULL, by_n);
    const char *const sweep[] = {"Power by MSC mean change (points)", "n = 60", "n = 120",
                                 "control dropout = 0.1", "Barthel Index", NULL};
    check_renders("sweep_one", "", NULL, sweep);
    const char *const heat[] = {"MSC mean change (points)", "dropout mechanism", "mnar", "0.90",
                                "target 0.8", "Fugl-Meyer upper extremity", NULL};
    check_renders("heatmap", "", NULL, heat);
    /* Two scenarios: only the first (msc.mean 6.5) is drawn. */
    const char *const trace[] = {"Sample-size search", "confirm", "n = 214", "target power 0.8",
                                 "scenario 1 (first of 2)", "MSC mean change (points) = 6.5",
                                 "smallest confirmed n with power \xe2\x89\xa5 0.8: 214", NULL};
    check_renders("trace", "", NULL, trace);
    /* 150 welch trials at n = 100, one NA estimate; 95 rejections. */
    const char *const reps[] = {
        "Estimated MSC effect: change from baseline in Fugl-Meyer motor (points)",
        "150 simulated trials: 63.3 % rejected", "analysis welch (first of 2)",
        "n = 100 (first of 2)", "NA estimates left out: 1", "true effect 6.5",
        "MSC mean change (points) = 6.5", NULL};
    check_renders("replicates", "", NULL, reps);
    const char *const looks[] = {"Group-sequential boundaries and stopping", "z scale",
                                 "estimate scale", "stopping at each look", "n = 60 (first of 3)",
                                 "analysis welch", "power 0.570", "futility", NULL};
    check_renders("looks", "", NULL, looks);
    const char *const none[] = {"Group-sequential boundaries and stopping",
                                "no efficacy stop", NULL};
    check_renders("looks_none", "", NULL, none);
    const char *const two[] = {"efficacy (upper)", "efficacy (lower)", NULL};
    check_renders("looks_two", "", NULL, two);
    const char *const prior[] = {"True MSC effects drawn in 300 trials: assurance 0.493",
                                 "n = 60 (first of 2)", "P(no benefit) 0.040, false go 0.000",
                                 "failed (152)", "succeeded (148)", "Share succeeding",
                                 "True MSC effect drawn from the prior", NULL};
    check_renders("replicates_prior", "", NULL, prior);
}

static void test_options(void)
{
    mscsim_plot_options opt = {.analysis = "wilcoxon"};
    const char *const wilcoxon[] = {"P(superiority) \xe2\x88\x92 1/2", "analysis wilcoxon;",
                                    NULL};
    check_renders("replicates", "_wilcoxon", &opt, wilcoxon);

    opt = (mscsim_plot_options){.analysis = "ancova", .target = 0.9,
                                .title = "Patients' power"};
    const char *const ancova[] = {"Patients' power", "target power 0.9", NULL};
    check_renders("power_by_n", "_ancova", &opt, ancova);
    /* The one line left is ancova's: welch's analytic curve is gone. */
    char svg[512], text[1 << 16];
    out_path(svg, sizeof svg, "power_by_n_ancova.svg");
    head(svg, text, sizeof text);
    CHECK(strstr(text, "welch") == NULL, "analysis filter drops welch");

    opt = (mscsim_plot_options){.target = 0.9};
    const char *const trace[] = {"target power 0.9", "no confirmed n reaches power 0.9", NULL};
    check_renders("trace", "_target", &opt, trace);

    /* Quotes, backquotes, @macros, backslashes and markup from the CSV are shown as they
     * are and never run. */
    remove(PWNED);
    const char *const names[] = {"it's", "`touch " PWNED "`", "wel'ch \"q\"",
                                 "@x \\n \\\\ {a}_b^c &amp;amp;", NULL};
    check_renders("names", "", NULL, names);
    CHECK(!exists(PWNED), "a backquoted command in the CSV is not run");
    remove(PWNED);
}

/* Figures that say what they show: binary and unbounded outcomes, a null design, a
 * single n, a simulated trial's patients, and the choice of n and scenario. */
static void test_clinical_figures(void)
{
    const char *const binary[] = {"proportion with the favourable outcome", NULL};
    check_renders("binary", "", NULL, binary);
    const char *const binary_reps[] = {
        "Estimated MSC effect: risk difference (MSC \xe2\x88\x92 control), proportion with "
        "the favourable outcome",
        NULL};
    check_renders("replicates_binary", "", NULL, binary_reps);
    const char *const unbounded[] = {"change from baseline", NULL};
    check_renders("unbounded", "", NULL, unbounded);
    char svg[512], text[1 << 16];
    out_path(svg, sizeof svg, "unbounded.svg");
    head(svg, text, sizeof text);
    CHECK(strstr(text, " in score") == NULL && strstr(text, "in none") == NULL,
          "an unbounded outcome is named by its endpoint alone");
    out_path(svg, sizeof svg, "binary.svg");
    head(svg, text, sizeof text);
    CHECK(strstr(text, "score") == NULL, "a binary outcome is no score");

    /* Every row has rejection_kind type_i_error; alpha comes from null.config.ini. */
    const char *const null[] = {"Type I error by total sample size", "alpha 0.05", NULL};
    check_renders("null", "", NULL, null);
    out_path(svg, sizeof svg, "null.svg");
    head(svg, text, sizeof text);
    CHECK(strstr(text, "target power") == NULL, "no target power on a null design");
    const char *const no_config[] = {"Type I error by total sample size",
                                     "no line at alpha: no loadable config beside the CSV", NULL};
    check_renders("null_no_config", "", NULL, no_config);

    const char *const one_n[] = {"Power by analysis", "n = 300", "simulated, 95 % Wilson interval",
                                 "analytic", "wilcoxon", NULL};
    check_renders("one_n", "", NULL, one_n);

    const char *const patients[] = {"Simulated patients' courses: 13 control, 27 MSC",
                                    "control (mean)", "MSC (mean)", "Visit day (days)",
                                    "Observed score", NULL};
    check_renders("patients", "", NULL, patients);

    mscsim_plot_options opt = {.n_total = 120};
    const char *const sweep_120[] = {"Power by MSC mean change (points)", "n = 120", NULL};
    check_renders("sweep_one", "_n120", &opt, sweep_120);
    out_path(svg, sizeof svg, "sweep_one_n120.svg");
    head(svg, text, sizeof text);
    CHECK(strstr(text, "n = 60") == NULL, "--n 120 leaves n = 60 out");
    /* One grid point of the heat map: a dot per analysis. */
    opt = (mscsim_plot_options){.scenario = "5"};
    const char *const cell[] = {"Power by analysis", "dropout mechanism = mar",
                                "MSC mean change (points) = 6.5", NULL};
    check_renders("heatmap", "_s5", &opt, cell);
}

static void test_errors(void)
{
    check_fails(DATA "bad_power.csv", "bad.png", NULL, MSCSIM_ESYNTAX,
                DATA "bad_power.csv:3: column power: 'abc' is not a number");
    check_fails(DATA "ragged.csv", "bad.png", NULL, MSCSIM_ESYNTAX,
                DATA "ragged.csv:4: 9 fields where the header has 10");
    check_fails(DATA "no_n_total.csv", "bad.svg", NULL, MSCSIM_ECONFIG,
                DATA "no_n_total.csv:1: no column n_total (a results, sample-size trace or "
                     "replicates CSV is expected)");
    check_fails(DATA "trace_no_target.csv", "bad.png", NULL, MSCSIM_ECONFIG,
                DATA "trace_no_target.csv:1: no column target, which a sample-size trace CSV "
                     "needs");
    check_fails(DATA "empty.csv", "bad.png", NULL, MSCSIM_ESYNTAX,
                DATA "empty.csv: empty file");
    check_fails(DATA "no_such_file.csv", "bad.png", NULL, MSCSIM_EIO,
                DATA "no_such_file.csv: cannot open: No such file or directory");
    check_fails("/dev/zero", "bad.png", NULL, MSCSIM_ESYNTAX,
                "/dev/zero:1: line 1 is longer than 65536 bytes");
    check_fails(DATA "bad_quote.csv", "bad.png", NULL, MSCSIM_ESYNTAX,
                DATA "bad_quote.csv:2: malformed CSV");
    check_fails(DATA "duplicate.csv", "bad.png", NULL, MSCSIM_ECONFIG,
                DATA "duplicate.csv:4: the same point as line 2 (analysis welch, n_total 60)");
    check_fails(DATA "three_keys.csv", "bad.png", NULL, MSCSIM_ECONFIG,
                DATA "three_keys.csv: 3 swept keys take several values (msc.effect, "
                     "control.dropout, msc.dropout)");

    char path[512];
    out_path(path, sizeof path, "bad.pdf");
    char want[600];
    snprintf(want, sizeof want, "%s: unknown image format: name the file .png or .svg", path);
    check_fails(DATA "power_by_n.csv", "bad.pdf", NULL, MSCSIM_EINVAL, want);
    check_fails(DATA "power_by_n.csv", "missing_dir/bad.png", NULL, MSCSIM_EIO,
                "missing_dir/bad.png.tmp: No such file or directory");

    mscsim_plot_options opt = {.analysis = "po"};
    check_fails(DATA "power_by_n.csv", "bad.png", &opt, MSCSIM_EINVAL,
                DATA "power_by_n.csv: no rows of analysis 'po' (the file has: welch, ancova)");
    opt = (mscsim_plot_options){.n_total = 7};
    check_fails(DATA "sweep_one.csv", "bad.png", &opt, MSCSIM_EINVAL,
                DATA "sweep_one.csv: no rows with n_total 7 (the file has: 60, 120)");
    opt = (mscsim_plot_options){.scenario = "9"};
    check_fails(DATA "power_by_n.csv", "bad.png", &opt, MSCSIM_EINVAL,
                DATA "power_by_n.csv: no rows of scenario '9' (the file has: 1)");
    check_fails(DATA "search.csv", "bad.png", NULL, MSCSIM_ECONFIG,
                DATA "search.csv:1: this is a sample-size answer; plot its trace");
    opt = (mscsim_plot_options){.target = 1.5};
    check_fails(DATA "power_by_n.csv", "bad.png", &opt, MSCSIM_EINVAL,
                "target power 1.5 is out of range (0, 1)");
}

/* mscsim_plot with PATH set to path_env (restored afterwards). */
static int plot_with_path(const char *path_env, const char *csv, const char *out,
                          const mscsim_plot_options *opt, mscsim_error *err)
{
    const char *saved = getenv("PATH");
    char *old_path = saved ? strdup(saved) : NULL;
    setenv("PATH", path_env, 1);
    int rc = mscsim_plot(csv, out, opt, err);
    if (old_path)
        setenv("PATH", old_path, 1);
    else
        unsetenv("PATH");
    free(old_path);
    return rc;
}

/* Writes <dir>/fake/gnuplot, a shell script standing in for gnuplot. */
static void fake_gnuplot(const char *body)
{
    char path[512];
    out_path(path, sizeof path, "fake");
    mkdir(path, 0755);
    out_path(path, sizeof path, "fake/gnuplot");
    FILE *fp = fopen(path, "w");
    CHECK(fp != NULL, "write a fake gnuplot");
    if (!fp)
        return;
    fprintf(fp, "#!/bin/sh\n%s\n", body);
    fclose(fp);
    chmod(path, 0755);
}

/* The gnuplot script mscsim_plot writes for DATA/<name>.csv, into text (NUL-terminated):
 * a stand-in gnuplot keeps a copy of its standard input, then runs the real one on it. */
static void capture_script(const char *name, const mscsim_plot_options *opt, char *text,
                           size_t len)
{
    char body[2048], fake_dir[512], script[512], csv[512], png[512];
    mscsim_error err;
    out_path(fake_dir, sizeof fake_dir, "fake");
    out_path(script, sizeof script, "script.gp");
    out_path(png, sizeof png, "script.png");
    snprintf(csv, sizeof csv, DATA "%s.csv", name);
    snprintf(body, sizeof body, "PATH='%s'; export PATH; cat > '%s' && exec gnuplot \"$@\" < '%s'",
             getenv("PATH"), script, script);
    fake_gnuplot(body);
    int rc = plot_with_path(fake_dir, csv, png, opt, &err);
    CHECK(rc == MSCSIM_OK, "%s: drawn through the stand-in: %.200s", name, rc ? err.msg : "ok");
    head(script, text, len);
    remove(script);
    remove(png);
    out_path(script, sizeof script, "fake/gnuplot");
    remove(script);
    rmdir(fake_dir);
}

/* What the scripts draw: ranges, ticks, palette, contour, panels. */
static void test_scripts(void)
{
    static char text[1 << 20];
    capture_script("heatmap", NULL, text, sizeof text);
    CHECK(strstr(text, "'#440154'") && strstr(text, "'#fde725'"), "heat map: viridis palette");
    CHECK(strstr(text, "set cntrparam levels discrete 0.8") != NULL,
          "heat map: a contour at the target");
    CHECK(strstr(text, "$contour using 1:2 with lines") != NULL, "heat map: the contour drawn");
    CHECK(strstr(text, "set key below") != NULL, "the legend is below the plot");

    capture_script("null", NULL, text, sizeof text);
    CHECK(strstr(text, "set yrange [0:0.1") != NULL, "null: the y axis zooms on the rates");
    CHECK(strstr(text, "first 0.050000000000000003 to graph 1") != NULL, "null: line at alpha");

    capture_script("one_n", NULL, text, sizeof text);
    CHECK(strstr(text, "set xtics ('po' 0, 'wilcoxon' 1, 'welch' 2)") != NULL,
          "one n: analyses on the x axis");
    CHECK(strstr(text, "with yerrorbars") != NULL, "one n: Wilson intervals as error bars");

    /* search_trace.csv has search.csv beside it, whose analytic_n is 142. */
    capture_script("search_trace", NULL, text, sizeof text);
    CHECK(strstr(text, "set multiplot layout 1,2") != NULL, "trace: two panels");
    CHECK(strstr(text, "set xtics (138, 140, 142, 144)") != NULL,
          "trace: the zoomed panel's ticks on the confirmed n");
    /* The confirmation's lowest limit 0.766, less 30 % of the span up to 0.830. */
    CHECK(strstr(text, "set yrange [0.7467") != NULL, "trace: the zoom frames the confirmation");
    CHECK(strstr(text, "formula's answer n = 142") != NULL, "trace: the formula's answer");
    CHECK(strstr(text, "set arrow from first 142, graph 0") != NULL,
          "trace: the formula's answer as a line");
    capture_script("trace", NULL, text, sizeof text);
    CHECK(strstr(text, "formula's answer") == NULL, "trace without an answer beside: no line");

    /* n = 60, look 1 at t = 0.5: efficacy z 2.96259, futility z 0.75123; on the estimate
     * scale z / sqrt(0.5): 4.18974 and 1.06240 final-analysis SEs. */
    capture_script("looks", NULL, text, sizeof text);
    CHECK(strstr(text, "set multiplot layout 1,3") != NULL, "looks: three panels");
    CHECK(strstr(text, "\n0.5 2.96258804272756") != NULL &&
              strstr(text, " 0.75123154437545") != NULL && strstr(text, " 4.1897") != NULL &&
              strstr(text, " 1.0624") != NULL,
          "looks: the first look's bounds on both scales");
    CHECK(strstr(text, " 0.0356 0.1902") != NULL, "looks: the first look's stopping shares");
    CHECK(strstr(text, "using 1:4 with linespoints") != NULL, "looks: the estimate-scale bound");
    CHECK(strstr(text, "no efficacy stop") == NULL, "looks: every bound finite, no edge mark");
    /* efficacy = none: the Inf bounds of looks 1 and 2 are no points (NaN) but triangles at
     * the top edge; the last look's 1.95996 is drawn. */
    capture_script("looks_none", NULL, text, sizeof text);
    CHECK(strstr(text, "\n0.29999999999999999 NaN NaN NaN NaN 0 0 NaN NaN\n") != NULL &&
              strstr(text, "\n0.59999999999999998 NaN NaN NaN NaN 0 0 NaN NaN\n") != NULL &&
              strstr(text, "\n1 1.9599") != NULL,
          "looks_none: infinite bounds are no points");
    CHECK(strstr(text, "at first 0.29999999999999999, graph 0.96 point pt 8") != NULL &&
              strstr(text, "at first 0.59999999999999998, graph 0.96 point pt 8") != NULL &&
              strstr(text, "title 'no efficacy stop'") != NULL,
          "looks_none: marked 'no efficacy stop' at the top edge");
    CHECK(strstr(text, "set yrange [*<0:4<*]") != NULL,
          "looks_none: zero and the usual bounds in view around the one finite bound");
    CHECK(strstr(text, "efficacy (lower)") == NULL, "looks_none: a file without sides is one-sided");
    /* Two-sided (sides = 2), n = 60, look 1 at t = 0.5: efficacy z 2.96259, drawn also as
     * -2.96259 and, on the estimate scale, -4.18974 (columns 8 and 9), dashed. */
    capture_script("looks_two", NULL, text, sizeof text);
    CHECK(strstr(text, " -2.96258804272756") != NULL && strstr(text, " -4.1897") != NULL,
          "looks_two: the lower bound on both scales");
    CHECK(strstr(text, "using 1:8 with linespoints pt 7 ps 1.3 lw 2 dt 2") != NULL &&
              strstr(text, "using 1:9 with linespoints pt 7 ps 1.3 lw 2 dt 2") != NULL,
          "looks_two: the lower bound dashed in both bound panels");
    CHECK(strstr(text, "set yrange [*<-4:4<*]") != NULL, "looks_two: -4 to 4 in view");

    /* tipping.csv: `mscsim run` of a sweep over analysis.mnar_delta = -20..0 (MI, ancova);
     * at n = 240 power is 0.6750 at -15 and 0.8225 at -10: 0.8 is crossed at
     * -15 + 5 (0.8 - 0.675) / (0.8225 - 0.675) = -10.7627; n = 120 never reaches 0.8. */
    capture_script("tipping", NULL, text, sizeof text);
    const char *tip = strstr(text, "'tipping point -10.8'");
    CHECK(strstr(text, "set arrow from first -10.7627") != NULL && tip &&
              !strstr(tip + 2, "tipping point"),
          "tipping point: the delta where power at n = 240 falls below 0.8, marked once");
    capture_script("sweep_one", NULL, text, sizeof text);
    CHECK(strstr(text, "tipping point") == NULL, "another swept key: no tipping point");

    capture_script("replicates_prior", NULL, text, sizeof text);
    CHECK(strstr(text, "set multiplot layout 2,1") != NULL, "prior draws: two panels");
    CHECK(strstr(text, " 29 11 0.37931034482758") != NULL,
          "prior draws: the 12th bin's trials, successes and share");
    CHECK(strstr(text, " 2 0 NaN") != NULL,
          "prior draws: no share for a bin of fewer than 20 trials");
    CHECK(strstr(text, "set arrow 1 from first 0, graph 0") != NULL, "prior draws: no-benefit line");
    capture_script("replicates", NULL, text, sizeof text);
    CHECK(strstr(text, "Share succeeding") == NULL, "replicates without a prior: the histogram");

    capture_script("patients", NULL, text, sizeof text);
    CHECK(strstr(text, "set xtics (7, 30, 90)") != NULL, "patients: ticks on the visits");
    CHECK(strstr(text, "with lines lw 1 lc rgb '#a04477aa'") != NULL,
          "patients: thin see-through courses");
    CHECK(strstr(text, "$mean1 using 1:2 with linespoints lw 5") != NULL,
          "patients: the arm means in bold");
}

/* A failure, whether in the CSV or in running gnuplot, leaves an existing file as it was. */
static void test_existing_file_kept(void)
{
    char path[512], fake_dir[512], text[64], msg[1100];
    out_path(path, sizeof path, "keep.png");
    out_path(fake_dir, sizeof fake_dir, "fake");
    FILE *fp = fopen(path, "w");
    CHECK(fp != NULL, "create keep.png");
    if (!fp)
        return;
    fputs("previous figure", fp);
    fclose(fp);
    mscsim_error err;
    CHECK(mscsim_plot(DATA "ragged.csv", path, NULL, &err) == MSCSIM_ESYNTAX, "bad CSV fails");
    head(path, text, sizeof text);
    STR_EQ(text, "previous figure", "existing file untouched by a bad CSV");

    /* No gnuplot on PATH: a clear error, and still nothing changed. */
    int rc = plot_with_path(dir, DATA "power_by_n.csv", path, NULL, &err);
    INT_EQ(rc, MSCSIM_EIO, "no gnuplot on PATH");
    CHECK(strstr(err.msg, "install the Debian package gnuplot-nox") != NULL,
          "the message says what to install: %.200s", err.msg);
    head(path, text, sizeof text);
    STR_EQ(text, "previous figure", "existing file untouched without gnuplot");
    CHECK(!tmp_left(path), "no temporary file");

    /* gnuplot fails: its message is passed on. */
    fake_gnuplot("echo '         line 12: boom' >&2; exit 3");
    rc = plot_with_path(fake_dir, DATA "power_by_n.csv", path, NULL, &err);
    INT_EQ(rc, MSCSIM_EIO, "failing gnuplot");
    mscsim_error_format(&err, msg, sizeof msg);
    char want[600];
    snprintf(want, sizeof want, "%s: gnuplot failed (exit status 3): line 12: boom", path);
    STR_EQ(msg, want, "gnuplot's message");
    head(path, text, sizeof text);
    STR_EQ(text, "previous figure", "existing file untouched when gnuplot fails");
    CHECK(!tmp_left(path), "no temporary file");

    /* gnuplot succeeds but draws nothing. */
    fake_gnuplot("exit 0");
    rc = plot_with_path(fake_dir, DATA "power_by_n.csv", path, NULL, &err);
    INT_EQ(rc, MSCSIM_EIO, "silent gnuplot");
    CHECK(strstr(err.msg, "gnuplot wrote nothing to") != NULL, "message: %.200s", err.msg);
    head(path, text, sizeof text);
    STR_EQ(text, "previous figure", "existing file untouched when gnuplot draws nothing");
    CHECK(!tmp_left(path), "no temporary file");
    out_path(fake_dir, sizeof fake_dir, "fake/gnuplot");
    remove(fake_dir);
    out_path(fake_dir, sizeof fake_dir, "fake");
    rmdir(fake_dir);

    CHECK(mscsim_plot(DATA "power_by_n.csv", path, NULL, &err) == MSCSIM_OK,
          "then a good CSV replaces it");
    head(path, text, 9);
    CHECK(memcmp(text, "\x89PNG", 4) == 0, "with a PNG");
    remove(path);
}

int main(void)
{
    CHECK(mkdtemp(dir) != NULL, "temp dir %s", dir);
    test_kinds();
    test_options();
    test_clinical_figures();
    test_errors();
    test_existing_file_kept();
    test_scripts();
    /* Every figure was written to dir; remove them so the directory can go. */
    const char *const left[] = {"power_by_n", "sweep_one", "heatmap", "trace", "replicates",
                                "replicates_wilcoxon", "power_by_n_ancova", "trace_target",
                                "names", "binary", "replicates_binary", "unbounded", "null",
                                "null_no_config", "one_n", "patients", "sweep_one_n120",
                                "heatmap_s5", "looks", "looks_none", "looks_two",
                                "replicates_prior"};
    for (size_t i = 0; i < sizeof left / sizeof left[0]; i++) {
        char path[600];
        snprintf(path, sizeof path, "%s/%s.png", dir, left[i]);
        remove(path);
        snprintf(path, sizeof path, "%s/%s.svg", dir, left[i]);
        remove(path);
    }
    CHECK(rmdir(dir) == 0, "temp dir left empty");
    return TEST_DONE();
}
