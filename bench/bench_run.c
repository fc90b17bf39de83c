/*  bench_run.c - runs one command and says what it cost, for launch/bench.sh.

    usage: bench_run OUT BOUND COMMAND [ARG]...

    Starts COMMAND, waits for it and writes one line to OUT:

        cpu_us=N utime_us=N stime_us=N vcsw=N ivcsw=N maxrss_kb=N wall_us=N status=N

    from wait4(2)'s rusage of the child: CPU of all its threads together
    (the same counters as utime + stime of /proc/PID/stat, start and exit
    included), voluntary context switches (each one is a thread going to
    sleep and later being woken: the wake-ups that dominate an idle
    machine's CPU), involuntary ones, and peak resident memory. status is
    the exit status, or 128 + the signal that ended it.

    BOUND (wall seconds, 0: none) stops a command that runs too long:
    SIGTERM, and SIGKILL 5 s later. bench_run's own exit status is the
    command's, so a launcher can treat it like the command itself; SIGTERM
    and SIGINT to bench_run are passed on to the command.
*/
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define S_KILL_AFTER_S  5           //  SIGKILL this long after the SIGTERM

static volatile sig_atomic_t s_child = 0;
static volatile sig_atomic_t s_alarms = 0;

static void
s_pass_on (int signo)
{
    if (s_child > 0)
        kill ((pid_t) s_child, signo);
}

static void
s_on_alarm (int signo)
{
    (void) signo;
    if (s_child <= 0)
        return;
    kill ((pid_t) s_child, s_alarms++ ? SIGKILL : SIGTERM);
    alarm (S_KILL_AFTER_S);
}

static long long
s_us (struct timeval tv)
{
    return (long long) tv.tv_sec * 1000000 + tv.tv_usec;
}

static long long
s_now_us (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int
main (int argc, char *argv [])
{
    if (argc < 4) {
        fprintf (stderr, "usage: bench_run OUT BOUND COMMAND [ARG]...\n");
        return 2;
    }
    char *end;
    long bound = strtol (argv [2], &end, 10);
    if (*end || bound < 0) {
        fprintf (stderr, "bench_run: BOUND %s: expected whole seconds\n", argv [2]);
        return 2;
    }
    FILE *out = fopen (argv [1], "w");
    if (!out) {
        fprintf (stderr, "bench_run: %s: %s\n", argv [1], strerror (errno));
        return 2;
    }
    struct sigaction pass = { .sa_handler = s_pass_on }, alarm_action = { .sa_handler = s_on_alarm };
    sigaction (SIGTERM, &pass, NULL);
    sigaction (SIGINT, &pass, NULL);
    sigaction (SIGALRM, &alarm_action, NULL);

    long long start = s_now_us ();
    pid_t pid = fork ();
    if (pid < 0) {
        fprintf (stderr, "bench_run: fork: %s\n", strerror (errno));
        return 2;
    }
    if (pid == 0) {
        signal (SIGTERM, SIG_DFL);
        signal (SIGINT, SIG_DFL);
        execvp (argv [3], argv + 3);
        fprintf (stderr, "bench_run: %s: %s\n", argv [3], strerror (errno));
        _exit (127);
    }
    s_child = pid;
    if (bound > 0)
        alarm ((unsigned) bound);

    int status;
    struct rusage usage;
    while (wait4 (pid, &status, 0, &usage) < 0)
        if (errno != EINTR) {
            fprintf (stderr, "bench_run: wait4: %s\n", strerror (errno));
            return 2;
        }
    long long wall = s_now_us () - start;
    int code = WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
    fprintf (out, "cpu_us=%lld utime_us=%lld stime_us=%lld vcsw=%ld ivcsw=%ld "
             "maxrss_kb=%ld wall_us=%lld status=%d\n",
             s_us (usage.ru_utime) + s_us (usage.ru_stime), s_us (usage.ru_utime),
             s_us (usage.ru_stime), usage.ru_nvcsw, usage.ru_nivcsw, usage.ru_maxrss,
             wall, code);
    if (fclose (out) != 0) {
        fprintf (stderr, "bench_run: %s: %s\n", argv [1], strerror (errno));
        return 2;
    }
    return code;
}
