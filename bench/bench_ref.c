/*  bench_ref.c - the bare C reference loop of launch/bench.sh.

    usage: bench_ref RATE DURATION SPEED LOG

    What one tick costs on this host at the least: the schedule of a
    machine (tick k due at t0 + k / (RATE x SPEED) on CLOCK_MONOTONIC, a
    timerfd armed at each absolute due time, a blocking read on it), and
    one CSV row per tick written with one write(2) by lclock's own writer
    (lc_log), no ZeroMQ, no sockets, no second thread. floor(RATE x
    DURATION) ticks, then it exits. Its CPU per minute is the floor an
    lclock machine is held against: one wake-up per tick.

    Linked with --as-needed, it loads libc alone, so its exec and dynamic
    linking are as cheap as a program's can be.
*/
#include "lc_log.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define S_NS_PER_SEC    1000000000LL
#define S_MACHINE_ID    1           //  the machine column of its rows

static int64_t
s_mono_ns (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * S_NS_PER_SEC + ts.tv_nsec;
}

static int64_t
s_wall_us (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_REALTIME, &ts);
    return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static double
s_number (const char *text, const char *name)
{
    char *end;
    double value = strtod (text, &end);
    if (*end || !(value > 0)) {
        fprintf (stderr, "bench_ref: %s %s: expected a positive number\n", name, text);
        exit (2);
    }
    return value;
}

static int
s_row (lc_log_t *log, lc_event_t event, uint64_t tick)
{
    lc_row_t row = { .time_us = s_wall_us (), .machine = S_MACHINE_ID, .event = event,
                     .tick = tick, .clock = tick };
    if (lc_log_write (log, &row) == 0)
        return 0;
    fprintf (stderr, "bench_ref: cannot write the log: %s\n", strerror (errno));
    return -1;
}

int
main (int argc, char *argv [])
{
    if (argc != 5) {
        fprintf (stderr, "usage: bench_ref RATE DURATION SPEED LOG\n");
        return 2;
    }
    double rate = s_number (argv [1], "RATE");
    double duration = s_number (argv [2], "DURATION");
    double speed = s_number (argv [3], "SPEED");
    uint64_t ticks = (uint64_t) floor (rate * duration);
    double period_ns = (double) S_NS_PER_SEC / (rate * speed);

    lc_log_t *log = lc_log_open (argv [4], true);
    int fd = timerfd_create (CLOCK_MONOTONIC, TFD_CLOEXEC);
    if (!log || fd < 0) {
        fprintf (stderr, "bench_ref: %s: %s\n", argv [4], strerror (errno));
        return 1;
    }
    int64_t t0 = s_mono_ns ();
    if (s_row (log, LC_EV_START, 0))
        return 1;
    for (uint64_t k = 1; k <= ticks; k++) {
        int64_t due = t0 + (int64_t) llround ((double) k * period_ns);
        struct itimerspec spec = { { 0, 0 }, { due / S_NS_PER_SEC, due % S_NS_PER_SEC } };
        uint64_t expirations;
        if (timerfd_settime (fd, TFD_TIMER_ABSTIME, &spec, NULL)
        ||  read (fd, &expirations, sizeof expirations) != (ssize_t) sizeof expirations) {
            fprintf (stderr, "bench_ref: timerfd: %s\n", strerror (errno));
            return 1;
        }
        if (s_row (log, LC_EV_INTERNAL, k))
            return 1;
    }
    if (s_row (log, LC_EV_STOP, ticks))
        return 1;
    close (fd);
    lc_log_destroy (&log);
    return 0;
}
