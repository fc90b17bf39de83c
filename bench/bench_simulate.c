/*  bench_simulate.c - how fast `lclock simulate` runs and writes runs, and
    how fast a sweep of simulated trials is analyzed.

    Three figures, each the median of RUNS repetitions (default 5), in a
    temporary directory under TMPDIR (removed at the end):

    1. the baseline, 3 machines (rates 1-6, roll 10) for 60 model seconds:
       wall time of one run of `lclock simulate`, called in process (files
       written, process start not counted), over 200 runs of seeds 1..200;
       and the same per run of one `--trials 1000`;
    2. 1000 trials of the baseline simulated (`--trials 1000`, in process)
       and each analyzed by the lclock binary beside this program
       (`lclock analyze DIR --no-plots`, one process per trial, one after
       the other, as a study runs them): the wall time of the whole sweep,
       and every trial must pass its checks;
    3. 1000 machines, full mesh, 60 model seconds: the whole command's wall
       time (2000 files created, logs and summaries written), rows per
       second over it, and rows per second of the row phase alone (the
       logs opened before the clock starts: event loop, formatting and
       writing); then `lclock analyze` must pass on the run.

    usage: bench_simulate [RUNS]
    Run it with nice on a shared machine. docs/performance.md records the
    figures.
*/
#include "lc_sim.h"
#include "lc_simulate.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define S_RUNS          5           //  repetitions of each figure
#define S_SINGLE_RUNS   200         //  runs of figure 1, one call each
#define S_TRIALS        1000        //  trials of figures 1 and 2
#define S_BIG           1000        //  machines of figure 3
#define S_SEED          1           //  first seed
#define S_LOG_BUFFER    LC_SIM_LOG_BUFFER
#define S_DIR_MAX       1024        //  bytes of a folder name (the top: half)

extern char **environ;

static char s_lclock [PATH_MAX + 8];    //  the lclock binary beside this one
static int s_stdout = -1;           //  our stdout while it is muted

static double
s_clock (clockid_t id)
{
    struct timespec ts;
    clock_gettime (id, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

//  Wall time, and this process's CPU time (user and system): on a shared
//  machine the CPU time says what the work costs, the wall time what it
//  took among the others
static double
s_now (void)
{
    return s_clock (CLOCK_MONOTONIC);
}

static double
s_cpu (void)
{
    return s_clock (CLOCK_PROCESS_CPUTIME_ID);
}

static int
s_cmp_double (const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

static double
s_median (double *values, size_t count)
{
    qsort (values, count, sizeof *values, s_cmp_double);
    return count % 2 ? values [count / 2]
                     : (values [count / 2 - 1] + values [count / 2]) / 2;
}

//  lclock simulate prints a line per run: keep them off our figures
static void
s_mute (bool mute)
{
    fflush (stdout);
    if (mute) {
        s_stdout = dup (STDOUT_FILENO);
        int null = open ("/dev/null", O_WRONLY);
        dup2 (null, STDOUT_FILENO);
        close (null);
    }
    else {
        dup2 (s_stdout, STDOUT_FILENO);
        close (s_stdout);
    }
}

//  lclock simulate ARGS... in process; returns its exit status
static int
s_simulate (const char *format, ...) __attribute__ ((format (printf, 1, 2)));

static int
s_simulate (const char *format, ...)
{
    char line [S_DIR_MAX * 2];
    va_list args;
    va_start (args, format);
    vsnprintf (line, sizeof line, format, args);
    va_end (args);
    char *argv [32];
    int argc = 0;
    argv [argc++] = "simulate";
    for (char *word = strtok (line, " "); word && argc < 31; word = strtok (NULL, " "))
        argv [argc++] = word;
    argv [argc] = NULL;
    s_mute (true);
    int rc = lc_simulate_main (argc, argv);
    s_mute (false);
    return rc;
}

//  lclock analyze DIR --no-plots, quietly; returns its exit status
static int
s_analyze (const char *dir)
{
    char *argv [] = { s_lclock, "analyze", (char *) dir, "--no-plots", NULL };
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init (&actions);
    posix_spawn_file_actions_addopen (&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int rc = posix_spawn (&pid, s_lclock, &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy (&actions);
    int status;
    if (rc || waitpid (pid, &status, 0) < 0 || !WIFEXITED (status))
        return -1;
    return WEXITSTATUS (status);
}

//  --------------------------------------------------------------------------

static int
s_baseline (const char *top, int runs)
{
    double single [S_SINGLE_RUNS], cpu [S_SINGLE_RUNS];
    for (int i = 0; i < S_SINGLE_RUNS; i++) {
        double t = s_now (), c = s_cpu ();
        if (s_simulate ("--seed %d --log-dir %s/one/%d", S_SEED + i, top, i))
            return -1;
        single [i] = (s_now () - t) * 1e3;
        cpu [i] = (s_cpu () - c) * 1e3;
    }
    double batch [S_RUNS * 4];
    for (int r = 0; r < runs; r++) {
        double t = s_now ();
        if (s_simulate ("--seed %d --trials %d --log-dir %s/batch/%d",
                        S_SEED, S_TRIALS, top, r))
            return -1;
        batch [r] = (s_now () - t) * 1e3 / S_TRIALS;
    }
    double p90 = (qsort (single, S_SINGLE_RUNS, sizeof *single, s_cmp_double),
                  single [S_SINGLE_RUNS * 9 / 10]);
    printf ("1. baseline, 3 machines x 60 model s, per run: median %.3f ms wall (p90 "
            "%.3f ms), %.3f ms CPU, over %d single runs; median %.3f ms wall in "
            "--trials %d (%d runs)\n", s_median (single, S_SINGLE_RUNS), p90,
            s_median (cpu, S_SINGLE_RUNS), S_SINGLE_RUNS,
            s_median (batch, (size_t) runs), S_TRIALS, runs);
    return 0;
}

static int
s_sweep (const char *top, int runs)
{
    double total [S_RUNS * 4], sim [S_RUNS * 4];
    for (int r = 0; r < runs; r++) {
        char dir [S_DIR_MAX];
        snprintf (dir, sizeof dir, "%s/sweep/%d", top, r);
        double t = s_now ();
        if (s_simulate ("--seed %d --trials %d --log-dir %s", S_SEED, S_TRIALS, dir))
            return -1;
        sim [r] = s_now () - t;
        for (int trial = 1; trial <= S_TRIALS; trial++) {
            char run [S_DIR_MAX + 32];
            snprintf (run, sizeof run, "%s/trial-%d", dir, trial);
            int rc = s_analyze (run);
            if (rc) {
                fprintf (stderr, "bench_simulate: lclock analyze %s: exit %d\n", run, rc);
                return -1;
            }
        }
        total [r] = s_now () - t;
        printf ("   sweep %d: simulated in %.2f s, simulated and analyzed in %.2f s\n",
                r + 1, sim [r], total [r]);
    }
    printf ("2. %d trials of the baseline simulated and analyzed: median %.2f s "
            "(simulation alone %.2f s; every trial passed its checks)\n",
            S_TRIALS, s_median (total, (size_t) runs), s_median (sim, (size_t) runs));
    return 0;
}

//  The row phase alone: logs opened first, then the run timed
typedef struct {
    lc_log_t **logs;            //  machine-ID.csv at ID - 1
    uint64_t rows;              //  rows written
} s_sink_t;

static int
s_write (void *arg, const lc_row_t *row)
{
    s_sink_t *sink = (s_sink_t *) arg;
    sink->rows++;
    return lc_log_write (sink->logs [row->machine - 1], row) ? 1 : 0;
}

static double
s_row_phase (const char *dir, uint64_t *rows, double *cpu)
{
    char path [PATH_MAX];
    snprintf (path, sizeof path, "mkdir -p %s", dir);
    if (system (path))
        return -1;
    s_sink_t sink = { calloc (S_BIG, sizeof *sink.logs), 0 };
    for (int i = 0; i < S_BIG; i++) {
        snprintf (path, sizeof path, "%s/machine-%d.csv", dir, i + 1);
        sink.logs [i] = lc_log_open (path, true);
        if (!sink.logs [i])
            return -1;
        lc_log_set_buffer (sink.logs [i], S_LOG_BUFFER);
    }
    lc_sim_config_t config = { .machines = S_BIG, .rate_min = 1, .rate_max = 6,
                               .roll = 10, .duration = 60, .seed = S_SEED };
    lc_delay_parse (LC_DEFAULT_DELAY, &config.delay);
    double t = s_now (), c = s_cpu ();
    lc_sim_t *sim = lc_sim_new (&config);
    int rc = lc_sim_run (sim, s_write, &sink);
    for (int i = 0; i < S_BIG; i++)
        rc |= lc_log_flush (sink.logs [i]);
    t = s_now () - t;
    *cpu = s_cpu () - c;
    lc_sim_destroy (&sim);
    for (int i = 0; i < S_BIG; i++)
        lc_log_destroy (&sink.logs [i]);
    free (sink.logs);
    *rows = sink.rows;
    return rc ? -1 : t;
}

static int
s_big (const char *top, int runs)
{
    double whole [S_RUNS * 4], phase [S_RUNS * 4], whole_cpu [S_RUNS * 4],
           phase_cpu [S_RUNS * 4];
    uint64_t rows = 0;
    char dir [S_DIR_MAX];
    for (int r = 0; r < runs; r++) {
        snprintf (dir, sizeof dir, "%s/big/%d", top, r);
        double t = s_now (), c = s_cpu ();
        if (s_simulate ("--machines %d --seed %d --log-dir %s", S_BIG, S_SEED, dir))
            return -1;
        whole [r] = s_now () - t;
        whole_cpu [r] = s_cpu () - c;
        snprintf (dir, sizeof dir, "%s/rows/%d", top, r);
        phase [r] = s_row_phase (dir, &rows, &phase_cpu [r]);
        if (phase [r] < 0)
            return -1;
    }
    double w = s_median (whole, (size_t) runs), p = s_median (phase, (size_t) runs);
    double wc = s_median (whole_cpu, (size_t) runs), pc = s_median (phase_cpu, (size_t) runs);
    printf ("3. %d machines, full mesh, 60 model s: %" PRIu64 " rows\n"
            "   whole command: median %.3f s wall (%.2f million rows/s), %.3f s CPU "
            "(%.2f million rows/s)\n"
            "   row phase:     median %.3f s wall (%.2f million rows/s), %.3f s CPU "
            "(%.2f million rows/s)\n", S_BIG, rows, w, (double) rows / w / 1e6, wc,
            (double) rows / wc / 1e6, p, (double) rows / p / 1e6, pc,
            (double) rows / pc / 1e6);
    snprintf (dir, sizeof dir, "%s/big/0", top);
    double t = s_now ();
    int rc = s_analyze (dir);
    printf ("   lclock analyze on it: exit %d (%s) in %.2f s\n", rc,
            rc == 0 ? "every check holds" : "FAILED", s_now () - t);
    return rc ? -1 : 0;
}

int
main (int argc, char *argv [])
{
    int runs = argc > 1 ? atoi (argv [1]) : S_RUNS;
    if (runs < 1 || runs > S_RUNS * 4) {
        fprintf (stderr, "usage: bench_simulate [RUNS]   (1..%d, default %d)\n",
                 S_RUNS * 4, S_RUNS);
        return 2;
    }
    //  The lclock binary is built beside the benchmarks
    char self [PATH_MAX];
    ssize_t length = readlink ("/proc/self/exe", self, sizeof self - 1);
    if (length <= 0)
        return 1;
    self [length] = 0;
    *strrchr (self, '/') = 0;
    snprintf (s_lclock, sizeof s_lclock, "%s/lclock", self);
    if (access (s_lclock, X_OK)) {
        fprintf (stderr, "bench_simulate: no lclock binary at %s: build it\n", s_lclock);
        return 1;
    }
    char top [S_DIR_MAX / 2];
    const char *tmp = getenv ("TMPDIR");
    snprintf (top, sizeof top, "%s/lc_bench_simulate_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp (top)) {
        fprintf (stderr, "bench_simulate: cannot create a temporary directory\n");
        return 1;
    }
    printf ("bench_simulate: %d repetitions, files in %s\n", runs, top);
    int rc = s_baseline (top, runs) || s_sweep (top, runs) || s_big (top, runs);
    char command [S_DIR_MAX];
    snprintf (command, sizeof command, "rm -rf %s", top);
    if (system (command))
        fprintf (stderr, "bench_simulate: could not remove %s\n", top);
    return rc ? 1 : 0;
}
