/*  lc_stats.h - the figures of a run: jumps, queues, drift, message age.

    Fed the same row stream as the checker (machines merged by wall time,
    ties by machine id), plus every matched message. Pure: no files.
    docs/analysis.md defines each figure exactly.
*/
#ifndef LC_STATS_H_INCLUDED
#define LC_STATS_H_INCLUDED

#include "lclock.h"
#include "lc_log.h"
#include "lc_check.h"

//  Clock jumps: the clock change of every send, internal and recv row
typedef struct {
    uint64_t count;             //  jumps measured
    uint64_t min;               //  smallest jump (0 if none)
    uint64_t max;               //  largest jump
    double mean;                //  average jump
    uint64_t mode;              //  most frequent size (smallest on a tie)
    double share_one;           //  share of jumps of exactly +1 (0 if none)
    uint64_t bins [LC_JUMP_BINS];   //  bins [k]: jumps of size k
    uint64_t overflow;          //  jumps of size LC_JUMP_BINS or more
} lc_jumps_t;

//  Receive-buffer length after each row, as a step function of wall time
typedef struct {
    double mean;                //  time-weighted mean
    uint64_t max;               //  largest
    uint64_t final;             //  after the last row
    double growth;              //  least-squares slope per model second
} lc_queue_fig_t;

//  Lag behind the highest clock of the run, after each tick row
typedef struct {
    double mean;                //  mean over the tick rows
    uint64_t max;               //  largest lag
    double growth;              //  least-squares slope per model second
} lc_drift_fig_t;

//  Time from send to recv of the messages received, in model milliseconds
//  (wall ms x speed), so that runs at different speeds compare
typedef struct {
    uint64_t count;             //  messages measured
    double median_ms;           //  nearest-rank median, model ms
    double p99_ms;              //  nearest-rank 99th percentile, model ms
    double max_ms;              //  largest, model ms
} lc_age_fig_t;

//  The figures of one machine, or of the whole run
typedef struct {
    uint32_t machine;           //  machine id; 0 for the run
    uint32_t rate;              //  ticks per model second (JSON); 0 for the run
    uint64_t rows;              //  rows read
    uint64_t ticks;             //  distinct ticks with a tick row
    uint64_t events [LC_EV_COUNT];  //  rows of each kind
    uint64_t final_clock;       //  clock after the last row (run: highest)
    lc_jumps_t jumps;           //  clock jumps
    lc_queue_fig_t queue;       //  queue length
    lc_drift_fig_t drift;       //  lag behind the fastest clock
    lc_age_fig_t age;           //  message age (recipient side)
    uint64_t late_ticks;        //  ticks run more than LC_LATE_TICK_US late
    double late_share;          //  late_ticks / ticks (0 without ticks)
    double max_lateness_ms;     //  largest lateness of any tick, wall ms
    double period_ms;           //  the tick period in wall ms, 1000 / (rate
                                //  x speed); run: the shortest of any machine
    bool late_reached_period;   //  max_lateness_ms >= period_ms: a tick ran
                                //  as late as a whole tick period, so the
                                //  lateness may have changed the model
} lc_figures_t;

//  One sample of a machine for the plots
typedef struct {
    double x;                   //  model seconds since the run's first row
    uint64_t clock;             //  clock after the row
    uint64_t queue;             //  queue after the row
    uint64_t lag;               //  lag behind the fastest clock
} lc_sample_t;

//  A row inside the space-time window
typedef struct {
    size_t machine;             //  machine index
    double x;                   //  model seconds
    uint64_t clock;             //  clock after the row
    lc_event_t event;           //  kind of row
} lc_window_event_t;

//  A message with its send or its recv inside the window
typedef struct {
    size_t from;                //  sender index
    size_t to;                  //  recipient index
    double x_send;              //  model seconds of the send
    double x_recv;              //  model seconds of the recv
} lc_window_arrow_t;

typedef struct _lc_stats_t lc_stats_t;

//  window_from..window_to: the space-time window, in model seconds.
lc_stats_t *
    lc_stats_new (const lc_meta_t *machines, size_t count,
                  double window_from, double window_to);
void
    lc_stats_destroy (lc_stats_t **self_p);

//  A well-formed row of machine index idx.
void
    lc_stats_row (lc_stats_t *self, size_t idx, const lc_row_t *row);
//  A matched recv (same signature as lc_check_message_fn; arg is self).
void
    lc_stats_message (void *self, size_t recipient, size_t sender,
                      int64_t send_us, int64_t recv_us);
//  After the last row; figures are ready after this. Call once.
void
    lc_stats_finish (lc_stats_t *self);

const lc_figures_t *
    lc_stats_machine (lc_stats_t *self, size_t idx);
const lc_figures_t *
    lc_stats_run (lc_stats_t *self);

//  How late a machine ran tick `tick` at wall time time_us, in wall
//  microseconds (negative: early): against its due time t0_us + tick /
//  (rate x speed) seconds, t0_us being its first start row. The one rule
//  for lateness: the late-tick figures here, and `lclock diverge`'s
//  late_tick cause. rate and speed must be positive.
int64_t
    lc_stats_lateness_us (int64_t t0_us, int64_t time_us, uint64_t tick, uint32_t rate,
                          double speed);

//  Model speed used for model seconds, and the wall time of the first row.
double
    lc_stats_speed (lc_stats_t *self);
int64_t
    lc_stats_start_us (lc_stats_t *self);
int64_t
    lc_stats_end_us (lc_stats_t *self);
//  Spread of the machines' first start rows (latest minus earliest wall
//  time), in microseconds: the start barrier's spread plus, across hosts,
//  the offset between their clocks. 0 with fewer than two started.
int64_t
    lc_stats_start_spread_us (lc_stats_t *self);

//  Plot samples of machine idx (at most about LC_PLOT_POINTS).
const lc_sample_t *
    lc_stats_samples (lc_stats_t *self, size_t idx, size_t *count);
//  The space-time window; *truncated if LC_WINDOW_EVENTS_MAX was reached.
const lc_window_event_t *
    lc_stats_window_events (lc_stats_t *self, size_t *count, bool *truncated);
const lc_window_arrow_t *
    lc_stats_window_arrows (lc_stats_t *self, size_t *count);

#endif
