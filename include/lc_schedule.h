/*  lc_schedule.h - when a machine's ticks are due: an absolute schedule on
    the monotonic clock, a timerfd armed at each due time, late ticks
    counted (docs/design.md, "Ticks from a timerfd on an absolute
    schedule"). And the two clocks a machine reads.
*/
#ifndef LC_SCHEDULE_H_INCLUDED
#define LC_SCHEDULE_H_INCLUDED

#include "lclock.h"

#define LC_NS_PER_SEC   1000000000LL

typedef struct {
    int fd;                     //  timerfd on CLOCK_MONOTONIC, or -1
    int64_t t0_ns;              //  monotonic time of tick 0 (the first start)
    double period_ns;           //  wall nanoseconds per tick
    uint64_t ticks;             //  ticks of the run
    int64_t end_ns;             //  monotonic end of the run
    uint64_t late_ticks;        //  ticks run more than LC_LATE_TICK_US late
    int64_t max_lateness_ns;    //  the latest tick's lateness
} lc_schedule_t;

//  Monotonic nanoseconds (scheduling), and wall microseconds since the
//  epoch (what logs record).
int64_t
    lc_mono_ns (void);
int64_t
    lc_wall_us (void);

//  Creates the timerfd. Returns 0, or -1 with errno set.
int
    lc_schedule_open (lc_schedule_t *self);
void
    lc_schedule_close (lc_schedule_t *self);

//  Tick k of the run is due at t0_ns + k / (rate x speed) seconds; the run
//  does ticks 1..ticks and ends duration / speed seconds after t0_ns.
void
    lc_schedule_plan (lc_schedule_t *self, int64_t t0_ns, uint32_t rate,
                      double speed, double duration, uint64_t ticks);

//  Monotonic due time of tick k.
int64_t
    lc_schedule_due (const lc_schedule_t *self, uint64_t k);

//  Ticks due by monotonic time now_ns (at most the run's ticks).
uint64_t
    lc_schedule_due_by (const lc_schedule_t *self, int64_t now_ns);

//  Tick k runs at now_ns: counts it if late.
void
    lc_schedule_ran (lc_schedule_t *self, uint64_t k, int64_t now_ns);

//  Arms the timer for the tick after `done`, or for the end of the run.
void
    lc_schedule_arm_after (lc_schedule_t *self, uint64_t done);

//  Consumes the timer's expiration (a no-op if there is none).
void
    lc_schedule_clear (lc_schedule_t *self);

#endif
