/*  lc_schedule.c - the tick schedule and its timerfd.

    Every due time is computed from t0, so the time a handler takes never
    accumulates into drift. zloop's own timers were not used: they round to
    whole milliseconds and are relative, so at speed 50 with rate 6 (a tick
    every 3.3 ms) they would drift by tens of percent. A timerfd armed with
    TFD_TIMER_ABSTIME at the next due time is polled like any socket.
*/
#include "lc_schedule.h"

#include <math.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

int64_t
lc_mono_ns (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * LC_NS_PER_SEC + ts.tv_nsec;
}

int64_t
lc_wall_us (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_REALTIME, &ts);
    return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int
lc_schedule_open (lc_schedule_t *self)
{
    *self = (lc_schedule_t) { .fd = -1 };
    self->fd = timerfd_create (CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    return self->fd < 0 ? -1 : 0;
}

void
lc_schedule_close (lc_schedule_t *self)
{
    if (self->fd >= 0)
        close (self->fd);
    self->fd = -1;
}

void
lc_schedule_plan (lc_schedule_t *self, int64_t t0_ns, uint32_t rate,
                  double speed, double duration, uint64_t ticks)
{
    self->t0_ns = t0_ns;
    self->period_ns = (double) LC_NS_PER_SEC / ((double) rate * speed);
    self->ticks = ticks;
    self->end_ns = t0_ns + (int64_t) llround (duration / speed * LC_NS_PER_SEC);
}

int64_t
lc_schedule_due (const lc_schedule_t *self, uint64_t k)
{
    return self->t0_ns + (int64_t) llround ((double) k * self->period_ns);
}

uint64_t
lc_schedule_due_by (const lc_schedule_t *self, int64_t now_ns)
{
    if (now_ns <= self->t0_ns)
        return 0;
    double due = (double) (now_ns - self->t0_ns) / self->period_ns;
    return due < (double) self->ticks ? (uint64_t) due : self->ticks;
}

void
lc_schedule_ran (lc_schedule_t *self, uint64_t k, int64_t now_ns)
{
    int64_t lateness = now_ns - lc_schedule_due (self, k);
    if (lateness > LC_LATE_TICK_US * 1000LL)
        self->late_ticks++;
    if (lateness > self->max_lateness_ns)
        self->max_lateness_ns = lateness;
}

void
lc_schedule_arm_after (lc_schedule_t *self, uint64_t done)
{
    int64_t when = done < self->ticks ? lc_schedule_due (self, done + 1) : self->end_ns;
    struct itimerspec spec = { { 0, 0 }, { when / LC_NS_PER_SEC, when % LC_NS_PER_SEC } };
    if (when <= 0)
        spec.it_value.tv_nsec = 1;      //  zero would disarm
    timerfd_settime (self->fd, TFD_TIMER_ABSTIME, &spec, NULL);
}

void
lc_schedule_clear (lc_schedule_t *self)
{
    //  Nonblocking: fails only with EAGAIN, when it has not expired
    uint64_t expirations;
    if (read (self->fd, &expirations, sizeof expirations) < 0)
        return;
}
