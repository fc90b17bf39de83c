/*  lc_simulate.c - `lclock simulate`: runs of the model on a virtual clock,
    written as run directories (docs/simulate.md, docs/cli.md).

        --machines N  --rate R|MIN-MAX  --rates R1,R2,...  --roll K
        --duration SEC  --seed N  --delay SPEC  --trials T  --log-dir DIR
        --label NAME  --help

    lc_sim runs the model; this file turns its rows and totals into the
    files of a real run through their owners: machine-ID.csv through
    lc_log (buffered), machine-ID.json through lc_summary, run.json through
    lc_runinfo. Nothing in those files depends on the wall clock or the
    host, except run.json's `created`: the same arguments write the same
    logs and summaries, byte for byte.
*/
#include "lc_simulate.h"
#include "lc_alloc.h"
#include "lc_file.h"
#include "lc_runinfo.h"
#include "lc_sim.h"
#include "lc_summary.h"
#include "lc_value.h"
#include "lc_wire.h"

#include <assert.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define S_PROGRAM       "lclock simulate"   //  prefix of our errors
#define S_ENDPOINT      "sim://%" PRIu32    //  bind and peer endpoints in the
                                            //  summaries: no socket
#define S_TRIAL_DIR     "trial-%" PRIu64    //  run directory of trial T
#define S_RATES_SHOWN   10      //  the output line lists rates up to this
                                //  many machines
#define S_FDS_SPARE     16      //  descriptors besides one log per machine
#define S_ROW_BYTES_MIN 32      //  bytes of the shortest log row (an
                                //  internal event: 37), for the least a
                                //  run writes

typedef enum {
    S_OPT_MACHINES = 256, S_OPT_RATE, S_OPT_RATES, S_OPT_ROLL, S_OPT_DURATION,
    S_OPT_SEED, S_OPT_DELAY, S_OPT_TRIALS, S_OPT_LOG_DIR, S_OPT_LABEL, S_OPT_HELP
} s_opt_t;

static const struct option s_longs [] = {
    { "machines", required_argument, NULL, S_OPT_MACHINES },
    { "rate",     required_argument, NULL, S_OPT_RATE },
    { "rates",    required_argument, NULL, S_OPT_RATES },
    { "roll",     required_argument, NULL, S_OPT_ROLL },
    { "duration", required_argument, NULL, S_OPT_DURATION },
    { "seed",     required_argument, NULL, S_OPT_SEED },
    { "delay",    required_argument, NULL, S_OPT_DELAY },
    { "trials",   required_argument, NULL, S_OPT_TRIALS },
    { "log-dir",  required_argument, NULL, S_OPT_LOG_DIR },
    { "label",    required_argument, NULL, S_OPT_LABEL },
    { "help",     no_argument,       NULL, S_OPT_HELP },
    { NULL, 0, NULL, 0 }
};

//  What the command line asked for
typedef struct {
    lc_sim_config_t sim;        //  the run's settings (seed: the first trial's)
    uint32_t rates [LC_MACHINES_MAX];   //  --rates, when given
    size_t rate_count;          //  entries of rates; 0: none given
    bool has_machines;          //  --machines given
    bool has_rate;              //  --rate given
    bool has_seed;              //  --seed given
    uint64_t trials;            //  --trials; 0: one run, in the log dir itself
    const char *log_dir;        //  --log-dir
    const char *label;          //  --label, or NULL
    char delay [LC_DELAY_TEXT_MAX];     //  the delay model, as run.json has it
    char *command;              //  the command line, shell-quoted
} s_options_t;

//  One run being written
typedef struct {
    lc_log_t **logs;            //  machine-ID.csv of machine ID at ID - 1
    const char *failed;         //  the log that could not be written, or NULL
    char **paths;               //  the logs' paths
    bool *created;              //  per log: this run created it
    uint32_t summaries;         //  machine-ID.json written, ID 1 up
    bool runinfo;               //  run.json written
    int error;                  //  errno of the failure
} s_writer_t;

//  SIGINT or SIGTERM: the run being written stops, its files are removed
static volatile sig_atomic_t s_interrupted;

static void
s_on_signal (int signal)
{
    (void) signal;
    s_interrupted = 1;
}

static void
s_usage (FILE *out)
{
    fprintf (out,
"usage: lclock simulate [--machines N] [--rate R|MIN-MAX] [--rates R1,R2,...]\n"
"                       [--roll K] [--duration SEC] [--seed N] [--delay SPEC]\n"
"                       [--trials T] [--log-dir DIR] [--label NAME]\n"
"\n"
"Runs the model of 'lclock machine' on a virtual clock: N machines, each with\n"
"the rate and rolls a real machine draws for the same seed and id, ticks at\n"
"exactly k / rate model seconds, messages delayed by --delay. Writes a run\n"
"directory as a real run does (machine-ID.csv, machine-ID.json, run.json) for\n"
"'lclock analyze' and 'lclock compare'. The same arguments give the same\n"
"logs and summaries, byte for byte.\n"
"\n"
"  --machines N      machines 1..N, every one a peer of all others,\n"
"                    1..%d (default 3)\n"
"  --rate R|MIN-MAX  ticks per model second, fixed or drawn by each machine\n"
"                    from MIN..MAX (%d..%d, default %d-%d)\n"
"  --rates LIST      fixed rates of machines 1, 2, ..., e.g. 1,6,6 (sets\n"
"                    --machines, or must agree with it; not with --rate)\n"
"  --roll K          each idle tick rolls 1..K: 1 and 2 send to one peer,\n"
"                    3 to all, more is internal (%d..%d, default %d)\n"
"  --duration SEC    model seconds, > 0 and <= %.0f (default %g)\n"
"  --seed N          the run seed, 0..%" PRIu64 " (default: from the OS,\n"
"                    printed)\n"
"  --delay SPEC      network delay of each message, model ms, > 0 and <= %.0f:\n"
"                    MS (fixed), uniform:A-B or exp:MEAN (default %s)\n"
"  --trials T        T runs, DIR/trial-1..T, with seeds N..N+T-1 (1..%d)\n"
"  --log-dir DIR     the run directory, or with --trials the folder of the\n"
"                    trials (default '.'; created if missing)\n"
"  --label NAME      the run's label in run.json (a study's condition)\n"
"  -h, --help        print this text\n"
"\n"
"Logs are never overwritten: a run directory that holds a machine-ID.csv,\n"
"machine-ID.json or run.json is refused, and so is a run whose logs cannot\n"
"fit on its disk (one row per tick). A run that cannot be written whole (a full disk, Ctrl-C) is\n"
"removed. Exit status: 0 written, 1 a file could not be written, 2 a bad\n"
"option, 130 interrupted. docs/simulate.md explains the simulator and its\n"
"tie rules.\n",
             LC_MACHINES_MAX, LC_RATE_MIN, LC_RATE_MAX, LC_DEFAULT_RATE_MIN,
             LC_DEFAULT_RATE_MAX, LC_ROLL_MIN, LC_ROLL_MAX, LC_DEFAULT_ROLL,
             LC_DURATION_MAX, LC_DEFAULT_DURATION, LC_SEED_MAX, LC_DELAY_MAX_MS,
             LC_DEFAULT_DELAY, LC_TRIALS_MAX);
}

//  --------------------------------------------------------------------------
//  Options

//  `lclock simulate: --OPTION: expected WHAT, got 'TEXT'`, WHAT formatted
static int
s_bad (const char *option, const char *text, const char *format, ...)
    __attribute__ ((format (printf, 3, 4)));

static int
s_bad (const char *option, const char *text, const char *format, ...)
{
    char quoted [LC_QUOTE_MAX];
    fprintf (stderr, S_PROGRAM ": --%s: expected ", option);
    va_list args;
    va_start (args, format);
    vfprintf (stderr, format, args);
    va_end (args);
    fprintf (stderr, ", got '%s'\n", lc_value_quote (text, quoted, sizeof quoted));
    return -1;
}

//  A value of a kind lc_value knows into *value
static int
s_kind (const char *option, lc_kind_t kind, const char *text, lc_value_t *value)
{
    char name [32];
    snprintf (name, sizeof name, "--%s", option);
    lc_where_t where = { S_PROGRAM, NULL, 0 };
    return lc_value_check (&where, name, kind, text, value);
}

static int
s_take (s_options_t *self, int code, const char *option, const char *text)
{
    lc_value_t value;
    uint64_t whole;
    lc_delay_t delay;
    int count;
    switch (code) {
        case S_OPT_MACHINES:
            if (lc_value_whole (text, 1, LC_MACHINES_MAX, &whole))
                return s_bad (option, text, "a whole number from 1 to %d",
                              LC_MACHINES_MAX);
            self->sim.machines = (uint32_t) whole;
            self->has_machines = true;
            return 0;
        case S_OPT_RATE:
            if (s_kind (option, LC_KIND_RATE, text, &value))
                return -1;
            self->sim.rate_min = value.rate.min;
            self->sim.rate_max = value.rate.max;
            self->has_rate = true;
            return 0;
        case S_OPT_RATES:
            count = lc_value_rates (text, self->rates, LC_MACHINES_MAX);
            if (count < 0)
                return s_bad (option, text, "whole rates R1,R2,... from %d to %d, "
                              "one per machine, at most %d", LC_RATE_MIN, LC_RATE_MAX,
                              LC_MACHINES_MAX);
            self->rate_count = (size_t) count;
            return 0;
        case S_OPT_ROLL:
            if (s_kind (option, LC_KIND_ROLL, text, &value))
                return -1;
            self->sim.roll = value.whole;
            return 0;
        case S_OPT_DURATION:
            if (s_kind (option, LC_KIND_DURATION, text, &value))
                return -1;
            self->sim.duration = value.real;
            return 0;
        case S_OPT_SEED:
            if (s_kind (option, LC_KIND_SEED, text, &value))
                return -1;
            self->sim.seed = value.seed;
            self->has_seed = true;
            return 0;
        case S_OPT_DELAY:
            if (lc_delay_parse (text, &delay))
                return s_bad (option, text, "MS, uniform:A-B (A <= B) or exp:MEAN "
                              "in model milliseconds above 0 and at most %.0f",
                              LC_DELAY_MAX_MS);
            self->sim.delay = delay;
            return 0;
        case S_OPT_TRIALS:
            if (lc_value_whole (text, 1, LC_TRIALS_MAX, &whole))
                return s_bad (option, text, "a whole number from 1 to %d",
                              LC_TRIALS_MAX);
            self->trials = whole;
            return 0;
        case S_OPT_LOG_DIR:
            if (s_kind (option, LC_KIND_PATH, text, &value))
                return -1;
            self->log_dir = text;
            return 0;
        case S_OPT_LABEL:
            if (!lc_runinfo_label_ok (text))
                return s_bad (option, text, "1 to %d letters, digits, '.', '_' or "
                              "'-' (not first '.' or '-')", LC_LABEL_MAX);
            self->label = text;
            return 0;
    }
    return -1;
}

//  The checks across options, and what follows from them
static int
s_settle (s_options_t *self)
{
    lc_sim_config_t *sim = &self->sim;
    if (self->rate_count) {
        if (self->has_rate) {
            fprintf (stderr, S_PROGRAM ": --rates: not with --rate; give one of them\n");
            return -1;
        }
        if (self->has_machines && sim->machines != self->rate_count) {
            fprintf (stderr, S_PROGRAM ": --rates: %zu rates for --machines %" PRIu32
                     "; give one rate per machine\n", self->rate_count, sim->machines);
            return -1;
        }
        sim->machines = (uint32_t) self->rate_count;
        sim->rates = self->rates;
        sim->rate_min = sim->rate_max = self->rates [0];
        for (size_t i = 1; i < self->rate_count; i++) {
            if (self->rates [i] < sim->rate_min)
                sim->rate_min = self->rates [i];
            if (self->rates [i] > sim->rate_max)
                sim->rate_max = self->rates [i];
        }
    }
    if (!self->has_seed) {
        //  Within 2^53, as lclock machine draws it, so every JSON reader
        //  keeps it exact
        if (getrandom (&sim->seed, sizeof sim->seed, 0) != (ssize_t) sizeof sim->seed)
            sim->seed = (uint64_t) getpid () * 2654435761u;
        sim->seed &= ((uint64_t) 1 << 53) - 1;
    }
    if (self->trials && sim->seed > LC_SEED_MAX - (self->trials - 1)) {
        fprintf (stderr, S_PROGRAM ": --trials: %" PRIu64 " trials from seed %" PRIu64
                 " pass the largest seed %" PRIu64 "; use fewer or a smaller --seed\n",
                 self->trials, sim->seed, LC_SEED_MAX);
        return -1;
    }
    lc_delay_format (&sim->delay, self->delay, sizeof self->delay);
    return 0;
}

//  Returns 0, 1 on --help, -1 after an error
static int
s_parse (s_options_t *self, int argc, char *argv [])
{
    self->sim = (lc_sim_config_t) {
        .machines = 3, .rate_min = LC_DEFAULT_RATE_MIN, .rate_max = LC_DEFAULT_RATE_MAX,
        .roll = LC_DEFAULT_ROLL, .duration = LC_DEFAULT_DURATION
    };
    int rc = lc_delay_parse (LC_DEFAULT_DELAY, &self->sim.delay);
    assert (rc == 0);
    self->log_dir = LC_DEFAULT_LOG_DIR;
    unsigned long given = 0;
    optind = 0;
    opterr = 0;
    int code;
    char quoted [LC_QUOTE_MAX];
    while ((code = getopt_long (argc, argv, "+:h", s_longs, NULL)) != -1) {
        if (code == 'h' || code == S_OPT_HELP)
            return 1;
        if (code == ':') {
            fprintf (stderr, S_PROGRAM ": --%s: needs a value; see 'lclock simulate "
                     "--help'\n", lc_value_option_name (s_longs, optopt));
            return -1;
        }
        if (code == '?') {
            fprintf (stderr, S_PROGRAM ": unknown or ambiguous option '%s'; see "
                     "'lclock simulate --help'\n",
                     lc_value_quote (argv [optind - 1], quoted, sizeof quoted));
            return -1;
        }
        unsigned long bit = 1ul << (code - S_OPT_MACHINES);
        if (given & bit) {
            fprintf (stderr, S_PROGRAM ": --%s: given twice; give it once\n",
                     lc_value_option_name (s_longs, code));
            return -1;
        }
        given |= bit;
        if (s_take (self, code, lc_value_option_name (s_longs, code), optarg))
            return -1;
    }
    if (optind < argc) {
        fprintf (stderr, S_PROGRAM ": unexpected argument '%s'; every setting is an "
                 "--option (see 'lclock simulate --help')\n",
                 lc_value_quote (argv [optind], quoted, sizeof quoted));
        return -1;
    }
    return s_settle (self);
}

//  --------------------------------------------------------------------------
//  Writing one run

//  The free space of the disk that will hold path: of its nearest folder
//  that exists
static bool
s_free_bytes (const char *path, double *free_bytes)
{
    char dir [PATH_MAX];
    snprintf (dir, sizeof dir, "%s", path);
    struct statvfs info;
    while (statvfs (dir, &info) != 0) {
        char *slash = strrchr (dir, '/');
        if (errno != ENOENT || !slash)
            return statvfs (".", &info) == 0
                && (*free_bytes = (double) info.f_bavail * (double) info.f_frsize, true);
        if (slash == dir)
            slash [1] = 0;
        else
            *slash = 0;
    }
    *free_bytes = (double) info.f_bavail * (double) info.f_frsize;
    return true;
}

//  Refuses, before anything is written, the runs that cannot fit on their
//  disk: each machine logs at least one row per tick, so the logs take at
//  least (sum of the slowest rates) x duration x S_ROW_BYTES_MIN bytes per
//  trial (--duration 1e9 with 1024 machines is tens of terabytes, which
//  would fill the disk for hours before failing)
static int
s_fits (const s_options_t *self)
{
    const lc_sim_config_t *sim = &self->sim;
    double ticks = 0;
    for (uint32_t i = 0; i < sim->machines; i++)
        ticks += floor ((double) (sim->rates ? sim->rates [i] : sim->rate_min)
                        * sim->duration);
    double need = ticks * S_ROW_BYTES_MIN * (double) (self->trials ? self->trials : 1);
    double free_bytes;
    if (!s_free_bytes (self->log_dir, &free_bytes) || need <= free_bytes)
        return 0;
    fprintf (stderr, S_PROGRAM ": --duration %g: the logs of %" PRIu32 " machines at "
             "rates %" PRIu32 "-%" PRIu32 "%s take at least %.1f GB, and %s has %.1f GB "
             "free; ask for a shorter run\n", sim->duration, sim->machines, sim->rate_min,
             sim->rate_max, self->trials ? ", times --trials," : "", need / 1e9,
             self->log_dir, free_bytes / 1e9);
    return -1;
}

//  One log per machine is open at once: raise the soft limit on open
//  files towards the hard one when it is short (a 1024-machine run on a
//  system whose soft limit is 1024)
static int
s_enough_files (uint32_t machines)
{
    struct rlimit limit;
    rlim_t want = (rlim_t) machines + S_FDS_SPARE;
    if (getrlimit (RLIMIT_NOFILE, &limit) || limit.rlim_cur >= want)
        return 0;
    if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < want) {
        fprintf (stderr, S_PROGRAM ": --machines %" PRIu32 " needs %lu open files; "
                 "the limit is %lu (raise it: ulimit -n)\n", machines,
                 (unsigned long) want, (unsigned long) limit.rlim_max);
        return -1;
    }
    limit.rlim_cur = want;
    if (setrlimit (RLIMIT_NOFILE, &limit) == 0)
        return 0;
    fprintf (stderr, S_PROGRAM ": --machines %" PRIu32 " needs %lu open files: %s "
             "(raise the limit: ulimit -n)\n", machines, (unsigned long) want,
             strerror (errno));
    return -1;
}

static int
s_write_row (void *arg, const lc_row_t *row)
{
    s_writer_t *writer = (s_writer_t *) arg;
    if (s_interrupted)
        return 1;
    size_t index = row->machine - 1;
    if (lc_log_write (writer->logs [index], row) == 0)
        return 0;
    writer->failed = writer->paths [index];
    writer->error = errno;
    return 1;
}

//  The summaries, as a real machine's at its stop
static int
s_write_summaries (const s_options_t *self, const lc_sim_t *sim, uint64_t seed,
                   const char *dir, s_writer_t *writer)
{
    uint32_t machines = self->sim.machines;
    uint32_t *ids = lc_malloc (machines * sizeof *ids);
    for (uint32_t i = 0; i < machines; i++)
        ids [i] = i + 1;
    uint64_t run_id = lc_wire_run_id (LC_DEFAULT_SPEED, self->sim.duration,
                                      self->sim.roll, ids, machines, seed);
    free (ids);
    //  peers of machine 1 are 2..N; from machine id to id + 1 only the
    //  slot id - 1 changes (it held id + 1 and now holds id)
    lc_summary_peer_t *peers = lc_calloc (machines, sizeof *peers);
    for (uint32_t i = 0; i + 1 < machines; i++) {
        peers [i].id = i + 2;
        snprintf (peers [i].endpoint, sizeof peers [i].endpoint, S_ENDPOINT, i + 2);
    }
    int rc = 0;
    for (uint32_t id = 1; id <= machines && rc == 0; id++) {
        if (id > 1) {
            peers [id - 2].id = id - 1;
            snprintf (peers [id - 2].endpoint, sizeof peers [id - 2].endpoint,
                      S_ENDPOINT, id - 1);
        }
        const lc_sim_totals_t *totals = lc_sim_totals (sim, id);
        lc_summary_t summary = {
            .machine = id, .run_id = run_id, .rate = totals->rate,
            .speed = LC_DEFAULT_SPEED, .duration = self->sim.duration,
            .roll = self->sim.roll, .seed = seed, .peer_count = machines - 1,
            .peers = peers, .started = true, .start_us = totals->start_us,
            .stop_reason = LC_STOP_DURATION, .stop_us = totals->stop_us,
            .ticks = totals->ticks, .sent = totals->sent,
            .received = totals->received, .unread = totals->unread,
            .final_clock = totals->final_clock
        };
        snprintf (summary.version, sizeof summary.version, "%s", LCLOCK_VERSION);
        snprintf (summary.bind, sizeof summary.bind, S_ENDPOINT, id);
        char path [PATH_MAX + 32], error [LC_SUMMARY_ERROR_MAX];
        snprintf (path, sizeof path, "%s/machine-%" PRIu32 ".json", dir, id);
        rc = lc_summary_write (&summary, path, error, sizeof error);
        if (rc)
            fprintf (stderr, S_PROGRAM ": %s\n", error);
        else
            writer->summaries = id;
    }
    free (peers);
    return rc;
}

static int
s_write_runinfo (const s_options_t *self, uint64_t seed, const char *dir,
                 s_writer_t *writer)
{
    lc_runinfo_t *info = lc_runinfo_new ();
    info->launcher = LC_LAUNCHER_SIMULATE;
    info->machines = self->sim.machines;
    info->rate_min = self->sim.rate_min;
    info->rate_max = self->sim.rate_max;
    if (self->rate_count)
        lc_runinfo_set_rates (info, self->rates, self->rate_count);
    info->roll = self->sim.roll;
    info->speed = LC_DEFAULT_SPEED;
    info->duration = self->sim.duration;
    info->has_seed = true;
    info->seed = seed;
    info->simulated = true;
    lc_runinfo_set_delay (info, self->delay);
    lc_runinfo_set_label (info, self->label);
    lc_runinfo_set_command (info, self->command);
    int rc = lc_runinfo_save (info, dir, S_PROGRAM);
    lc_runinfo_destroy (&info);
    writer->runinfo = rc == 0;
    return rc;
}

//  The run directory of trial T (1..), or of the single run (T 0), into
//  dir; -1 after a line on stderr if it is too long
static int
s_run_dir (const s_options_t *self, uint64_t trial, char *dir, size_t size)
{
    int length = trial ? snprintf (dir, size, "%s/" S_TRIAL_DIR, self->log_dir, trial)
                       : snprintf (dir, size, "%s", self->log_dir);
    if (length >= 0 && (size_t) length < size)
        return 0;
    fprintf (stderr, S_PROGRAM ": --log-dir: too long for its trial folders\n");
    return -1;
}

//  True, said on stderr, when dir holds a file that a run of this command
//  would write (a machine's log or summary, run.json): nothing is ever
//  overwritten, so such a run is refused before any run is written
static bool
s_taken (const char *dir, uint32_t machines)
{
    if (access (dir, F_OK) != 0)
        return false;
    char path [PATH_MAX + 32];          //  dir is at most PATH_MAX
    //  machine-ID.csv of every id, machine-ID.json of every id, run.json
    for (uint32_t k = 0; k <= 2 * machines; k++) {
        if (k < 2 * machines)
            snprintf (path, sizeof path, "%s/machine-%" PRIu32 ".%s", dir,
                      k % machines + 1, k < machines ? "csv" : "json");
        else
            snprintf (path, sizeof path, "%s/%s", dir, LC_RUNINFO_FILE);
        if (access (path, F_OK) == 0) {
            fprintf (stderr, S_PROGRAM ": %s exists; runs are never overwritten "
                     "(choose another --log-dir)\n", path);
            return true;
        }
    }
    return false;
}

//  Creates dir and every machine's log (none may exist yet). Returns 0,
//  or the exit status after one line on stderr.
static int
s_open_logs (s_writer_t *writer, uint32_t machines, const char *dir)
{
    if (lc_file_mkdir_p (dir)) {
        fprintf (stderr, S_PROGRAM ": cannot create %s: %s\n", dir, strerror (errno));
        return errno == ENOTDIR ? LC_EXIT_USAGE : LC_EXIT_FAILURE;
    }
    for (uint32_t i = 0; i < machines; i++) {
        char path [PATH_MAX + 32];      //  dir is at most PATH_MAX
        snprintf (path, sizeof path, "%s/machine-%" PRIu32 ".csv", dir, i + 1);
        writer->paths [i] = lc_strdup (path);
        if (access (path, F_OK) == 0) {
            fprintf (stderr, S_PROGRAM ": %s exists; logs are never overwritten "
                     "(choose another --log-dir)\n", path);
            return LC_EXIT_USAGE;
        }
    }
    for (uint32_t i = 0; i < machines; i++) {
        writer->logs [i] = lc_log_open (writer->paths [i], true);
        writer->created [i] = writer->logs [i] != NULL;
        if (!writer->logs [i]) {
            fprintf (stderr, S_PROGRAM ": cannot create %s: %s\n", writer->paths [i],
                     strerror (errno));
            return errno == EEXIST ? LC_EXIT_USAGE : LC_EXIT_FAILURE;
        }
        lc_log_set_buffer (writer->logs [i], LC_SIM_LOG_BUFFER);
    }
    return 0;
}

//  Flushes and closes every log; returns 0, or -1 when one failed (said)
static int
s_close_logs (s_writer_t *writer, uint32_t machines)
{
    int rc = 0;
    for (uint32_t i = 0; i < machines; i++) {
        //  Said once: a failed write already was
        if (writer->logs [i] && lc_log_flush (writer->logs [i]) && rc == 0
        &&  !writer->failed && !s_interrupted) {
            fprintf (stderr, S_PROGRAM ": cannot write %s: %s\n", writer->paths [i],
                     strerror (errno));
            rc = -1;
        }
        lc_log_destroy (&writer->logs [i]);
    }
    return rc;
}

//  A run that failed or was interrupted leaves nothing of its own behind:
//  its logs, summaries and run.json are removed (a half-written run would
//  be refused when made again: its logs exist), and so is its folder when
//  this run made it and it is empty
static void
s_remove_run (s_writer_t *writer, uint32_t machines, const char *dir, bool made_dir)
{
    char path [PATH_MAX + 32];          //  dir is at most PATH_MAX
    for (uint32_t i = 0; i < machines; i++)
        if (writer->created [i])
            unlink (writer->paths [i]);
    for (uint32_t id = 1; id <= writer->summaries; id++) {
        snprintf (path, sizeof path, "%s/machine-%" PRIu32 ".json", dir, id);
        unlink (path);
    }
    if (writer->runinfo) {
        snprintf (path, sizeof path, "%s/%s", dir, LC_RUNINFO_FILE);
        unlink (path);
    }
    if (made_dir)
        rmdir (dir);
}

static void
s_free_writer (s_writer_t *writer, uint32_t machines)
{
    for (uint32_t i = 0; i < machines; i++)
        free (writer->paths [i]);
    free (writer->paths);
    free (writer->logs);
    free (writer->created);
}

//  What a run was, in one line on stdout
static void
s_say_run (const s_options_t *self, const lc_sim_t *sim, uint64_t seed, const char *dir)
{
    uint32_t machines = self->sim.machines;
    uint64_t rows = 0, sent = 0, unread = 0;
    for (uint32_t id = 1; id <= machines; id++) {
        const lc_sim_totals_t *totals = lc_sim_totals (sim, id);
        rows += totals->rows;
        sent += totals->sent;
        unread += totals->unread;
    }
    printf ("%s: seed %" PRIu64 ", %" PRIu32 " machines, ", dir, seed, machines);
    if (machines <= S_RATES_SHOWN) {
        printf ("rates ");
        for (uint32_t id = 1; id <= machines; id++)
            printf ("%s%" PRIu32, id > 1 ? "," : "", lc_sim_totals (sim, id)->rate);
    }
    else
        printf ("rates %" PRIu32 "-%" PRIu32, self->sim.rate_min, self->sim.rate_max);
    printf (": %" PRIu64 " rows, %" PRIu64 " messages, %" PRIu64 " unread\n",
            rows, sent, unread);
}

//  One run into dir with this seed. Returns the exit status; a run that
//  is not written whole is removed.
static int
s_run (const s_options_t *self, uint64_t seed, const char *dir)
{
    uint32_t machines = self->sim.machines;
    s_writer_t writer = {
        .logs = lc_calloc (machines, sizeof *writer.logs),
        .paths = lc_calloc (machines, sizeof *writer.paths),
        .created = lc_calloc (machines, sizeof *writer.created)
    };
    bool made_dir = access (dir, F_OK) != 0;
    int rc = s_open_logs (&writer, machines, dir);
    if (rc == 0) {
        lc_sim_config_t config = self->sim;
        config.seed = seed;
        lc_sim_t *sim = lc_sim_new (&config);
        if (lc_sim_run (sim, s_write_row, &writer) && writer.failed)
            fprintf (stderr, S_PROGRAM ": cannot write %s: %s\n", writer.failed,
                     strerror (writer.error));
        if (s_close_logs (&writer, machines) || writer.failed || s_interrupted
        ||  s_write_summaries (self, sim, seed, dir, &writer) || s_interrupted
        ||  s_write_runinfo (self, seed, dir, &writer) || s_interrupted)
            rc = s_interrupted ? LC_EXIT_INTERRUPTED : LC_EXIT_FAILURE;
        else
            s_say_run (self, sim, seed, dir);
        lc_sim_destroy (&sim);
    }
    else
        s_close_logs (&writer, machines);
    if (rc) {
        s_remove_run (&writer, machines, dir, made_dir);
        if (rc == LC_EXIT_INTERRUPTED)
            fprintf (stderr, S_PROGRAM ": interrupted; the unfinished run in %s was removed\n",
                     dir);
    }
    s_free_writer (&writer, machines);
    return rc;
}

//  --------------------------------------------------------------------------

int
lc_simulate_main (int argc, char *argv [])
{
    s_options_t *self = lc_calloc (1, sizeof *self);
    int rc = s_parse (self, argc, argv);
    if (rc == 1) {
        s_usage (stdout);
        free (self);
        return LC_EXIT_OK;
    }
    if (rc || s_enough_files (self->sim.machines) || s_fits (self)) {
        free (self);
        return LC_EXIT_USAGE;
    }
    //  The command as typed: argv [0] is "simulate"
    char **words = lc_calloc ((size_t) argc + 1, sizeof *words);
    words [0] = "lclock";
    memcpy (words + 1, argv, (size_t) argc * sizeof *words);
    self->command = lc_runinfo_shell_join (argc + 1, words);
    free (words);

    //  A signal ignored from the start stays ignored (a background job of
    //  a shell without job control ignores SIGINT)
    int signals [] = { SIGINT, SIGTERM };
    for (size_t i = 0; i < sizeof signals / sizeof signals [0]; i++) {
        struct sigaction action = { .sa_handler = s_on_signal }, before;
        sigemptyset (&action.sa_mask);
        if (sigaction (signals [i], NULL, &before) == 0 && before.sa_handler != SIG_IGN)
            sigaction (signals [i], &action, NULL);
    }
    //  Every run directory checked before the first run is written
    char dir [PATH_MAX];
    uint64_t first = self->trials ? 1 : 0;
    for (uint64_t trial = first; trial <= self->trials && rc == 0; trial++)
        if (s_run_dir (self, trial, dir, sizeof dir) || s_taken (dir, self->sim.machines))
            rc = LC_EXIT_USAGE;
    for (uint64_t trial = first; trial <= self->trials && rc == 0; trial++) {
        s_run_dir (self, trial, dir, sizeof dir);
        rc = s_run (self, self->sim.seed + (trial ? trial - 1 : 0), dir);
    }
    free (self->command);
    free (self);
    return rc;
}
