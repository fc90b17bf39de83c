/*  lc_sim.h - N model machines on a virtual clock, pure: no files, no
    sockets, no wall clock (docs/simulate.md).

    Each machine is an lc_model_t, seeded exactly as `lclock machine`
    seeds it, so it draws the same rate and the same rolls for the same run
    seed and id. Machines 1..N form a full mesh. Time is exact:

    - tick k of a machine at rate r is at exactly k / r model seconds
      (kept as whole nanoseconds plus a fraction of one, so ties between
      rates are exact ties);
    - a message sent at t arrives at t + d, d drawn from the delay model
      (whole nanoseconds, at least 1) by the network's own RNG stream, the
      stream of id 0, which no machine has; a send to several peers draws
      one delay per recipient, in ascending id order.

    Events run in time order; at equal times arrivals come first (in the
    order they were sent), so a message that has arrived by a tick's time
    is in the buffer at that tick; then ticks, in machine id order. As a
    message takes at least 1 ns, no event at time t depends on another
    event at t, and the id order only fixes the order of the rows.

    The stop: every machine ticks ticks 1..floor(r x duration); messages
    still travelling then arrive during its drain (a real machine takes in
    what arrives during its grace period; here nothing is lost or late
    beyond its delay, so the drain lasts exactly until the last message to
    the machine has arrived). Its unread rows and stop row carry the time
    of the last of: its last tick, the end of the run, the last arrival.
    Nothing is left in flight and nothing is unacknowledged.

    Row times are LC_SIM_ORIGIN_US plus the model time, rounded down to
    the microsecond.
*/
#ifndef LC_SIM_H_INCLUDED
#define LC_SIM_H_INCLUDED

#include "lclock.h"
#include "lc_delay.h"
#include "lc_log.h"

//  A run's settings
typedef struct {
    uint32_t machines;          //  N: machines 1..N, each a peer of all
                                //  others; 1..LC_MACHINES_MAX
    uint32_t rate_min;          //  each machine draws its rate from
    uint32_t rate_max;          //  rate_min..rate_max (equal: fixed)
    const uint32_t *rates;      //  or the fixed rate of machine 1..N; NULL
                                //  to draw (borrowed)
    uint32_t roll;              //  K of the 1..K roll
    double duration;            //  model seconds, > 0
    uint64_t seed;              //  the run seed
    lc_delay_t delay;           //  the network's delay model
} lc_sim_config_t;

//  Model time: ns whole nanoseconds plus rem / den of a nanosecond
typedef struct {
    int64_t ns;                 //  whole nanoseconds since model time 0
    uint32_t rem;               //  fraction of the next nanosecond:
    uint32_t den;               //  rem / den, rem < den (den >= 1)
} lc_sim_time_t;

//  What one machine did, for its summary
typedef struct {
    uint32_t rate;              //  ticks per model second
    uint64_t ticks;             //  ticks done
    uint64_t sent;              //  messages, one per recipient
    uint64_t received;          //  recv rows
    uint64_t unread;            //  unread rows
    uint64_t final_clock;       //  clock of the stop row
    uint64_t rows;              //  rows of its log
    int64_t start_us;           //  time of its start row
    int64_t stop_us;            //  time of its stop row
} lc_sim_totals_t;

//  Each row, in the order of its machine's log (rows of different
//  machines interleave in model-time order). Returns 0 to go on; anything
//  else ends the run, and lc_sim_run returns it.
typedef int (lc_sim_sink_fn) (void *arg, const lc_row_t *row);

typedef struct _lc_sim_t lc_sim_t;

//  Machines seeded and their rates drawn; nothing has run yet.
lc_sim_t *
    lc_sim_new (const lc_sim_config_t *config);
void
    lc_sim_destroy (lc_sim_t **self_p);

//  Runs the whole run once, every row through sink. Returns 0, or what
//  sink returned when it stopped the run.
int
    lc_sim_run (lc_sim_t *self, lc_sim_sink_fn *sink, void *arg);

//  Machine id's totals (its rate from lc_sim_new on; the rest after
//  lc_sim_run).
const lc_sim_totals_t *
    lc_sim_totals (const lc_sim_t *self, uint32_t id);

//  Tick k of a machine at rate r: exactly k / r model seconds.
lc_sim_time_t
    lc_sim_tick_time (uint64_t tick, uint32_t rate);
//  t plus ns whole nanoseconds.
lc_sim_time_t
    lc_sim_time_add (lc_sim_time_t t, int64_t ns);
//  -1, 0 or 1 as a is before, at or after b: exact.
int
    lc_sim_time_cmp (lc_sim_time_t a, lc_sim_time_t b);
//  The log time of t: LC_SIM_ORIGIN_US plus t rounded down to the us.
int64_t
    lc_sim_time_us (lc_sim_time_t t);

#endif
