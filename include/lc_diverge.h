/*  lc_diverge.h - where a real history parts from the ideal one.

    `lclock diverge REAL IDEAL [REAL IDEAL]...` compares a real run with
    the simulated run of the same seed and settings (docs/simulate.md,
    "Real against ideal"): per machine, how many rows agree in event, tick,
    clock, queue, peer and msg before the first that does not, and why
    that one differs. The comparison itself is pure: it takes two runs'
    rows in memory, so it is unit-tested without files.
*/
#ifndef LC_DIVERGE_H_INCLUDED
#define LC_DIVERGE_H_INCLUDED

#include "lclock.h"
#include "lc_log.h"

//  Why a machine's histories part first
typedef enum {
    LC_CAUSE_NONE,              //  identical to the end
    LC_CAUSE_TIE,               //  the message was sent at the very model
                                //  instant of the tick: the ideal run has
                                //  it arrive after, the real run ordered
                                //  the two ticks by start offset and jitter
    LC_CAUSE_LATE_TICK,         //  the tick, or the tick that sent the
                                //  message, ran late (> 1 ms) in the real run
    LC_CAUSE_DELAY,             //  neither: the message's real transit
                                //  (delivery, timer jitter, start offset)
                                //  and the ideal delay put it on different
                                //  sides of the tick
    LC_CAUSE_PROPAGATED,        //  the message is not the same in both
                                //  runs: its sender had parted already
    LC_CAUSE_SEND_FAILED,       //  a send's recipients differ: a peer had
                                //  left (the real run's end)
    LC_CAUSE_END,               //  every tick agrees; the rows after the
                                //  last tick (unread, stop) do not
    LC_CAUSE_OTHER,             //  none of the above (should not happen)
    LC_CAUSE_COUNT              //  number of causes
} lc_cause_t;

//  One row, as far as the comparison needs it (an lc_row_t carries room
//  for 1023 peers inline; a run's rows are kept in memory here)
typedef struct {
    int64_t time_us;            //  time column
    lc_event_t event;           //  event column
    uint64_t tick;              //  tick column
    uint64_t clock;             //  clock column
    uint64_t queue;             //  queue column
    const uint16_t *peers;      //  peer column, ascending (borrowed)
    size_t peer_count;          //  entries of peers
    bool has_msg;               //  msg and msg_clock present
    uint32_t msg_sender;        //  msg column: SENDER:SEQ
    uint64_t msg_seq;
    uint64_t msg_clock;         //  msg_clock column
} lc_diverge_row_t;

//  One machine's log in one run
typedef struct {
    uint32_t id;                //  machine id
    uint32_t rate;              //  ticks per model second
    const lc_diverge_row_t *rows;   //  its rows, in order (borrowed)
    size_t count;               //  entries of rows
} lc_diverge_log_t;

//  One run
typedef struct {
    double speed;               //  model seconds per wall second (1 ideal)
    const lc_diverge_log_t *logs;   //  by ascending id (borrowed)
    size_t count;               //  machines
} lc_diverge_run_t;

//  What the comparison found for one machine
typedef struct {
    uint32_t id;                //  machine id
    size_t rows;                //  rows of the longer of its two logs
    size_t identical;           //  rows equal before the first that is not
    lc_cause_t cause;           //  why they part
    uint64_t tick;              //  the tick of the first unequal row
    double time;                //  its ideal model time, seconds
    uint32_t sender;            //  the message the cause is about (0: none)
    uint64_t seq;
    uint32_t overtook_sender;   //  the message it overtook: the tick took
    uint64_t overtook_seq;      //  that one in the other run (0: none)
    double gap_ms;              //  ideal model ms from its send to the tick
    double transit_ms;          //  real model ms from its send to the tick
                                //  (or to its recv): its real transit is
                                //  below this when it arrived first
} lc_diverge_machine_t;

//  The name of a cause ("tie", "late_tick", ...), and a sentence for it.
const char *
    lc_cause_name (lc_cause_t cause);
const char *
    lc_cause_text (lc_cause_t cause);

//  Compares real with ideal machine by machine (both have the same ids in
//  the same order: the caller checks). out: real->count entries.
void
    lc_diverge (const lc_diverge_run_t *real, const lc_diverge_run_t *ideal,
                lc_diverge_machine_t *out);

//  The smallest real time from a send row to a recv row of one of its
//  messages, in model ms: an upper bound on the run's delivery delay.
//  Negative when no message was received.
double
    lc_diverge_min_transit_ms (const lc_diverge_run_t *real);

//  argv [0] is "diverge". Returns the exit status: 0 compared, 2 a bad
//  option or a run that cannot be read or is not the same run.
int
    lc_diverge_main (int argc, char *argv []);

#endif
