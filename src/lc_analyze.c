/*  lc_analyze.c - `lclock analyze RUN_DIR`: options, directory scan, the
    merged read of all logs, and the glue to checks, figures and reports.

    The logs are streamed: one reader and one current row per machine, and
    a binary heap that always yields the earliest row of the run (ties by
    machine id), so checks and figures see the run in wall-time order
    without holding it. docs/analysis.md describes what comes out.
*/
#include "lc_analyze.h"
#include "lc_alloc.h"
#include "lc_check.h"
#include "lc_stats.h"
#include "lc_report.h"
#include "lc_file.h"
#include "lc_summary.h"

#include <dirent.h>
#include <inttypes.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>

#define S_PATH_MAX      4096            //  bytes of a path we build
#define S_PROGRAM       "lclock analyze"    //  what its messages start with

//  One machine's log being read
typedef struct {
    lc_reader_t *reader;        //  its CSV reader
    lc_row_t row;               //  the row waiting in the heap
    size_t line;                //  that row's line
    bool done;                  //  no more rows
} s_stream_t;

//  --------------------------------------------------------------------------
//  Directory scan and JSON summaries

static int
s_compare_ids (const void *a, const void *b)
{
    uint32_t x = ((const lc_meta_t *) a)->id, y = ((const lc_meta_t *) b)->id;
    return x < y ? -1 : x > y;
}

//  True if name is machine-ID.csv with ID a plain decimal 1..65535
static bool
s_log_name (const char *name, uint32_t *id)
{
    const char *prefix = "machine-";
    size_t len = strlen (name);
    if (strncmp (name, prefix, strlen (prefix)) != 0 || len < 13
    ||  strcmp (name + len - 4, ".csv") != 0)
        return false;
    const char *digits = name + strlen (prefix);
    uint64_t value = 0;
    for (const char *p = digits; p < name + len - 4; p++) {
        if (*p < '0' || *p > '9' || (p == digits && *p == '0'))
            return false;
        value = value * 10 + (uint64_t) (*p - '0');
        if (value > LC_ID_MAX)
            return false;
    }
    if (value < LC_ID_MIN)
        return false;
    *id = (uint32_t) value;
    return true;
}

//  Reads machine-ID.json (lc_summary, strict) into meta. Returns 0, or -1
//  said on stderr.
static int
s_load_summary (const char *dir, const char *program, lc_meta_t *meta)
{
    char path [S_PATH_MAX];
    snprintf (path, sizeof path, "%s/machine-%u.json", dir, meta->id);
    lc_summary_t summary;
    char error [LC_SUMMARY_ERROR_MAX];
    if (lc_summary_read (&summary, path, error, sizeof error)) {
        fprintf (stderr, "%s: %s%s\n", program, error, access (path, F_OK) == 0 ? ""
                 : " (every machine-ID.csv needs its machine-ID.json beside it)");
        return -1;
    }
    if (summary.machine != meta->id) {
        fprintf (stderr, "%s: %s: key 'machine': %u, but the file is machine %u's\n",
                 program, path, summary.machine, meta->id);
        lc_summary_reset (&summary);
        return -1;
    }
    meta->rate = summary.rate;
    meta->speed = summary.speed;
    meta->duration = summary.duration;
    meta->roll = summary.roll;
    meta->seed = summary.seed;
    meta->curve = summary.curve;
    meta->restarts = summary.restarts;
    meta->ticks = summary.ticks;
    meta->late_ticks = summary.late_ticks;
    meta->sent = summary.sent;
    meta->send_failed = summary.send_failed;
    meta->received = summary.received;
    meta->unread = summary.unread;
    meta->unacked = summary.unacked;
    meta->retransmitted = summary.retransmitted;
    meta->duplicates = summary.duplicates;
    meta->rejected = summary.rejected;
    meta->bad_connections = summary.bad_connections;
    meta->untrusted = summary.untrusted;
    meta->final_clock = summary.final_clock;
    const char *reason = lc_stop_reason_name (summary.stop_reason);
    snprintf (meta->stop_reason, sizeof meta->stop_reason, "%s", reason ? reason : "");
    snprintf (meta->run_id, sizeof meta->run_id, "%016" PRIx64, summary.run_id);
    lc_summary_reset (&summary);
    return 0;
}

//  Finds the machines of dir, sorted by id. Returns their count, or -1.
static int
s_scan (const char *dir, const char *program, lc_meta_t **machines_p, size_t *count_p)
{
    DIR *handle = opendir (dir);
    if (!handle) {
        fprintf (stderr, "%s: cannot open run directory %s: %s\n", program, dir,
                 strerror (errno));
        return -1;
    }
    lc_meta_t *machines = NULL;
    size_t count = 0;
    struct dirent *entry;
    while ((entry = readdir (handle))) {
        uint32_t id;
        if (!s_log_name (entry->d_name, &id))
            continue;
        if (count == LC_ANALYZE_MACHINES_MAX) {
            fprintf (stderr, "%s: more than %d machine logs in %s\n", program,
                     LC_ANALYZE_MACHINES_MAX, dir);
            closedir (handle);
            free (machines);
            return -1;
        }
        machines = lc_realloc (machines, count + 1, sizeof *machines);
        memset (&machines [count], 0, sizeof machines [count]);
        machines [count++].id = id;
    }
    closedir (handle);
    if (count == 0) {
        fprintf (stderr, "%s: no machine-ID.csv in %s (is it a run directory?)\n",
                 program, dir);
        free (machines);
        return -1;
    }
    qsort (machines, count, sizeof *machines, s_compare_ids);
    *machines_p = machines;
    *count_p = count;
    return 0;
}

//  Checks that the log and the summary of machine idx are regular files
//  (a FIFO or a device would hang the reads) and notes their identity.
//  Returns 0, or -1 said on stderr.
static int
s_note_inputs (const char *dir, lc_run_t *run, size_t idx)
{
    for (int json = 0; json < 2; json++) {
        char path [S_PATH_MAX];
        snprintf (path, sizeof path, "%s/machine-%u.%s", dir, run->machines [idx].id,
                  json ? "json" : "csv");
        struct stat info;
        const char *why;
        int fd = lc_file_open_regular (path, &info, &why);
        if (fd < 0) {
            fprintf (stderr, "%s: cannot read %s: %s%s\n", run->program, path, why,
                     json && errno == ENOENT
                     ? " (every machine-ID.csv needs its machine-ID.json beside it)" : "");
            return -1;
        }
        close (fd);
        run->inputs [run->input_count++] = (lc_file_id_t) { info.st_dev, info.st_ino };
    }
    return 0;
}

//  --------------------------------------------------------------------------
//  The merged read

//  Moves stream idx to its next good row; bad rows go to the checker.
//  Returns 0, or -1 on a read error (said on stderr).
static inline int
s_advance (s_stream_t *stream, size_t idx, const lc_run_t *run, const char *dir)
{
    while (true) {
        int rc = lc_reader_next (stream->reader, &stream->row);
        if (rc == 1) {
            stream->line = lc_reader_line (stream->reader);
            return 0;
        }
        if (rc == -1) {
            lc_check_bad_row (run->check, idx, lc_reader_line (stream->reader),
                              lc_reader_error (stream->reader));
            continue;
        }
        stream->done = true;
        if (rc == 0)
            return 0;
        fprintf (stderr, "%s: cannot read %s/machine-%u.csv: %s\n", run->program,
                 dir, run->machines [idx].id, strerror (errno));
        return -1;
    }
}

static inline bool
s_before (const s_stream_t *streams, size_t a, size_t b)
{
    int64_t ta = streams [a].row.time_us, tb = streams [b].row.time_us;
    return ta < tb || (ta == tb && a < b);
}

static void
s_sift_down (size_t *heap, size_t size, const s_stream_t *streams, size_t at)
{
    while (true) {
        size_t child = 2 * at + 1;
        if (child >= size)
            return;
        if (child + 1 < size && s_before (streams, heap [child + 1], heap [child]))
            child++;
        if (!s_before (streams, heap [child], heap [at]))
            return;
        size_t swap = heap [at];
        heap [at] = heap [child];
        heap [child] = swap;
        at = child;
    }
}

static int
s_merge (const char *dir, lc_run_t *run, lc_shiviz_t *shiviz)
{
    size_t count = run->count;
    s_stream_t *streams = lc_calloc (count, sizeof *streams);
    size_t *heap = lc_calloc (count, sizeof *heap);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < count; i++) {
        char path [S_PATH_MAX];
        snprintf (path, sizeof path, "%s/machine-%u.csv", dir, run->machines [i].id);
        const char *why;
        int fd = lc_file_open_regular (path, NULL, &why);
        streams [i].reader = fd < 0 ? NULL : lc_reader_new (fd);
        if (!streams [i].reader) {
            fprintf (stderr, "%s: cannot read %s: %s\n", run->program, path,
                     fd < 0 ? why : strerror (errno));
            rc = -1;
        }
    }
    size_t size = 0;
    for (size_t i = 0; rc == 0 && i < count; i++) {
        if (s_advance (&streams [i], i, run, dir))
            rc = -1;
        else
        if (!streams [i].done)
            heap [size++] = i;
    }
    for (size_t i = size / 2; rc == 0 && i-- > 0; )
        s_sift_down (heap, size, streams, i);
    while (rc == 0 && size) {
        size_t idx = heap [0];
        s_stream_t *stream = &streams [idx];
        lc_check_row (run->check, idx, stream->line, &stream->row);
        lc_stats_row (run->stats, idx, &stream->row);
        if (shiviz)
            lc_shiviz_row (shiviz, idx, &stream->row);
        if (s_advance (stream, idx, run, dir))
            rc = -1;
        if (stream->done)
            heap [0] = heap [--size];
        s_sift_down (heap, size, streams, 0);
    }
    for (size_t i = 0; streams && i < count; i++)
        lc_reader_destroy (&streams [i].reader);
    free (streams);
    free (heap);
    return rc;
}

int
lc_analyze_open (const char *dir, const char *program, lc_run_t *run)
{
    memset (run, 0, sizeof *run);
    run->run_dir = dir;
    run->program = program;
    lc_meta_t *machines = NULL;
    if (s_scan (dir, program, &machines, &run->count))
        return LC_EXIT_USAGE;
    if (lc_runinfo_load (dir, program, &run->requested) < 0) {
        free (machines);
        return LC_EXIT_USAGE;
    }
    run->machines = machines;
    run->inputs = lc_calloc (2 * run->count + 1, sizeof *run->inputs);
    char path [S_PATH_MAX];
    snprintf (path, sizeof path, "%s/%s", dir, LC_RUNINFO_FILE);
    struct stat info;
    if (run->requested && stat (path, &info) == 0)
        run->inputs [run->input_count++] = (lc_file_id_t) { info.st_dev, info.st_ino };
    for (size_t i = 0; i < run->count; i++)
        if (s_note_inputs (dir, run, i) || s_load_summary (dir, program, &machines [i])) {
            lc_analyze_free (run);
            return LC_EXIT_USAGE;
        }
    return 0;
}

int
lc_analyze_read (lc_run_t *run, double window_from, double window_to, FILE *shiviz_file)
{
    run->window_from = window_from;
    run->window_to = window_to;
    run->check = lc_check_new (run->machines, run->count);
    run->stats = lc_stats_new (run->machines, run->count, window_from, window_to);
    lc_shiviz_t *shiviz = shiviz_file
                        ? lc_shiviz_new (shiviz_file, run->machines, run->count) : NULL;
    lc_check_set_message_fn (run->check, lc_stats_message, run->stats);
    int rc = s_merge (run->run_dir, run, shiviz);
    lc_shiviz_destroy (&shiviz);
    if (rc) {
        lc_analyze_free (run);
        return LC_EXIT_USAGE;
    }
    lc_check_finish (run->check);
    lc_stats_finish (run->stats);
    return 0;
}

int
lc_analyze_run (const char *dir, double window_from, double window_to,
                FILE *shiviz_file, lc_run_t *run)
{
    int rc = lc_analyze_open (dir, S_PROGRAM, run);
    return rc ? rc : lc_analyze_read (run, window_from, window_to, shiviz_file);
}

void
lc_analyze_free (lc_run_t *run)
{
    lc_check_destroy (&run->check);
    lc_stats_destroy (&run->stats);
    lc_runinfo_destroy (&run->requested);
    free ((void *) run->machines);
    run->machines = NULL;
    run->count = 0;
    free (run->inputs);
    run->inputs = NULL;
    run->input_count = 0;
}

//  --------------------------------------------------------------------------
//  The command

static const char *s_help =
"usage: lclock analyze RUN_DIR [--out DIR] [--json] [--window FROM:TO]\n"
"                      [--shiviz FILE] [--no-plots]\n"
"\n"
"Reads every machine-ID.csv and machine-ID.json in RUN_DIR, checks the run\n"
"against Lamport's rules with every message accounted for, and reports\n"
"clock jumps, queue growth, drift and message age.\n"
"\n"
"  RUN_DIR            directory holding the logs of one run\n"
"  --out DIR          write report.md, summary.json and plots into DIR\n"
"                     (created if missing) instead of RUN_DIR\n"
"  --json             print summary.json on stdout instead of the table\n"
"  --window FROM:TO   model seconds shown in the space-time diagram\n"
"                     (default 0:5)\n"
"  --shiviz FILE      also write the run as a ShiViz log to FILE, with\n"
"                     vector clocks rebuilt from the matched messages\n"
"  --no-plots         do not run gnuplot (checks never depend on it)\n"
"  -h, --help         print this help and exit\n"
"\n"
"Checks: 1 well-formed rows, 2 clock rules, 3 messages match sends,\n"
"4 clock condition, 5 every message accounted for, 6 tick count.\n"
"Exit status: 0 every check holds, 1 some check failed (each failure is\n"
"listed with machine, row and rule), 2 the input could not be read or the\n"
"outputs could not be written. See docs/analysis.md.\n";

typedef struct {
    const char *run_dir;        //  RUN_DIR
    const char *out_dir;        //  --out, or RUN_DIR
    bool json;                  //  --json
    double window_from;         //  --window FROM
    double window_to;           //  --window TO
    const char *shiviz;         //  --shiviz FILE, or NULL
    bool plots;                 //  not --no-plots
} s_options_t;

static int
s_parse_window (const char *text, double *from, double *to)
{
    char *end;
    errno = 0;
    *from = strtod (text, &end);
    if (end == text || *end != ':' || errno)
        return -1;
    const char *second = end + 1;
    *to = strtod (second, &end);
    if (end == second || *end || errno || !(*from >= 0) || !(*to > *from)
    ||  !(*to <= LC_DURATION_MAX))
        return -1;
    return 0;
}

//  Returns -1 to go on, else the exit status
static int
s_parse_options (int argc, char *argv [], s_options_t *options)
{
    static const struct option longs [] = {
        { "out",      required_argument, NULL, 'o' },
        { "json",     no_argument,       NULL, 'j' },
        { "window",   required_argument, NULL, 'w' },
        { "shiviz",   required_argument, NULL, 's' },
        { "no-plots", no_argument,       NULL, 'n' },
        { "help",     no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    *options = (s_options_t) {
        .window_from = LC_DEFAULT_WINDOW_FROM,
        .window_to = LC_DEFAULT_WINDOW_TO,
        .plots = true
    };
    optind = 1;
    opterr = 0;
    int opt;
    while ((opt = getopt_long (argc, argv, ":h", longs, NULL)) != -1) {
        switch (opt) {
            case 'o': options->out_dir = optarg; break;
            case 'j': options->json = true; break;
            case 's': options->shiviz = optarg; break;
            case 'n': options->plots = false; break;
            case 'h':
                fputs (s_help, stdout);
                return LC_EXIT_OK;
            case 'w':
                if (s_parse_window (optarg, &options->window_from, &options->window_to)) {
                    fprintf (stderr, "lclock analyze: --window '%s': expected FROM:TO "
                             "in model seconds, 0 <= FROM < TO <= %.0f (e.g. 0:5)\n",
                             optarg, LC_DURATION_MAX);
                    return LC_EXIT_USAGE;
                }
                break;
            case ':':
                fprintf (stderr, "lclock analyze: %s needs a value (try "
                         "'lclock analyze --help')\n", argv [optind - 1]);
                return LC_EXIT_USAGE;
            default:
                fprintf (stderr, "lclock analyze: unknown option '%s' (try "
                         "'lclock analyze --help')\n", argv [optind - 1]);
                return LC_EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        fprintf (stderr, "lclock analyze: expected one RUN_DIR (try "
                 "'lclock analyze --help')\n");
        return LC_EXIT_USAGE;
    }
    options->run_dir = argv [optind];
    if (!options->out_dir)
        options->out_dir = options->run_dir;
    return -1;
}

//  Fails, said on stderr, when path is one of the run's inputs
static int
s_check_output (const lc_run_t *run, const char *what, const char *path)
{
    if (!lc_file_is_one_of (path, run->inputs, run->input_count))
        return 0;
    fprintf (stderr, "lclock analyze: %s %s is one of the run's inputs (a log, a "
             "summary or the run.json of %s); choose another path\n", what, path,
             run->run_dir);
    return -1;
}

//  No output may overwrite an input: --shiviz, summary.json, report.md,
//  the plots. Compared by device and inode, so a symlink or a hard link
//  to a log is caught too.
static int
s_check_outputs (const lc_run_t *run, const s_options_t *options)
{
    if (options->shiviz && s_check_output (run, "--shiviz", options->shiviz))
        return -1;
    char path [S_PATH_MAX];
    const char *files [] = { "summary.json", "report.md" };
    for (size_t i = 0; i < sizeof files / sizeof files [0]; i++) {
        snprintf (path, sizeof path, "%s/%s", options->out_dir, files [i]);
        if (s_check_output (run, "output", path))
            return -1;
    }
    for (size_t i = 0; options->plots && lc_report_plot_names [i]; i++)
        for (int svg = 0; svg < 2; svg++) {
            snprintf (path, sizeof path, "%s/%s.%s", options->out_dir,
                      lc_report_plot_names [i], svg ? "svg" : "png");
            if (s_check_output (run, "plot", path))
                return -1;
        }
    return 0;
}

//  report.md, for lc_file_write_whole (a failed write shows at the commit)
static int
s_write_report (FILE *file, const void *arg)
{
    lc_report_markdown ((const lc_result_t *) arg, file);
    return 0;
}

static int
s_write_outputs (const lc_result_t *result, const s_options_t *options, json_t *summary)
{
    char path [S_PATH_MAX];
    snprintf (path, sizeof path, "%s/%s", options->out_dir, LC_RESULT_FILE);
    if (lc_result_dump (summary, path)) {
        fprintf (stderr, "lclock analyze: cannot write %s: %s\n", path, strerror (errno));
        return -1;
    }
    snprintf (path, sizeof path, "%s/report.md", options->out_dir);
    if (lc_file_write_whole (path, s_write_report, result)) {
        fprintf (stderr, "lclock analyze: cannot write %s: %s\n", path, strerror (errno));
        return -1;
    }
    return 0;
}

//  Reads the run, writing --shiviz as it goes. Returns 0, or the exit
//  status with the reason said on stderr.
static int
s_read_run (lc_run_t *run, const s_options_t *options)
{
    FILE *shiviz = NULL;
    if (options->shiviz && !(shiviz = fopen (options->shiviz, "w"))) {
        fprintf (stderr, "lclock analyze: cannot write --shiviz %s: %s\n",
                 options->shiviz, strerror (errno));
        lc_analyze_free (run);
        return LC_EXIT_USAGE;
    }
    //  A half-written export is removed, but only a plain file: never
    //  --shiviz /dev/null or a pipe
    struct stat info;
    bool removable = shiviz && fstat (fileno (shiviz), &info) == 0
                  && S_ISREG (info.st_mode);
    int rc = lc_analyze_read (run, options->window_from, options->window_to, shiviz);
    if (shiviz && lc_file_close_checked (&shiviz) && rc == 0) {
        fprintf (stderr, "lclock analyze: cannot write --shiviz %s: %s\n",
                 options->shiviz, strerror (errno));
        lc_analyze_free (run);
        rc = LC_EXIT_USAGE;
    }
    if (rc && removable)
        unlink (options->shiviz);
    return rc;
}

int
lc_analyze_main (int argc, char *argv [])
{
    s_options_t options;
    int rc = s_parse_options (argc, argv, &options);
    if (rc >= 0)
        return rc;
    lc_run_t run;
    rc = lc_analyze_open (options.run_dir, S_PROGRAM, &run);
    if (rc)
        return rc;
    if (s_check_outputs (&run, &options)) {
        lc_analyze_free (&run);
        return LC_EXIT_USAGE;
    }
    if (strcmp (options.out_dir, options.run_dir) != 0
    &&  lc_file_mkdir_p (options.out_dir)) {
        fprintf (stderr, "lclock analyze: cannot create --out %s: %s\n",
                 options.out_dir, strerror (errno));
        lc_analyze_free (&run);
        return LC_EXIT_USAGE;
    }
    rc = s_read_run (&run, &options);
    if (rc)
        return rc;
    run.shiviz = options.shiviz;
    bool plots_failed = false;
    if (options.plots) {
        int drawn = lc_report_plots (&run, options.out_dir, &run.plots_note);
        run.plots = drawn == 0;
        plots_failed = drawn < 0;
        if (drawn > 0)
            fprintf (stderr, "lclock analyze: %s\n", run.plots_note);
        if (drawn < 0)
            fprintf (stderr, "lclock analyze: %s (plots into %s)\n", run.plots_note,
                     options.out_dir);
    }
    else
        run.plots_note = "plots not drawn (--no-plots)";

    //  The figures, computed once; summary.json, report.md and the table
    //  are renderings of this one value
    lc_result_t *result = lc_report_result (&run);
    json_t *summary = lc_result_json (result);
    if (!summary)
        fprintf (stderr, "lclock analyze: cannot build summary.json (out of memory)\n");
    rc = summary ? s_write_outputs (result, &options, summary) : -1;
    if (rc == 0) {
        if (options.json) {
            json_dumpf (summary, stdout, JSON_INDENT (2) | JSON_SORT_KEYS | JSON_REAL_PRECISION (16));
            fputc ('\n', stdout);
        }
        else
            lc_report_table (result, stdout);
        rc = plots_failed ? LC_EXIT_USAGE
           : result->checks_ok ? LC_EXIT_OK : LC_EXIT_FAILURE;
    }
    else
        rc = LC_EXIT_USAGE;
    lc_result_destroy (&result);
    json_decref (summary);
    lc_analyze_free (&run);
    return rc;
}
