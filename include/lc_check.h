/*  lc_check.h - the invariants of a run (docs/analysis.md, checks 1-6).

    A checker is told the machines of a run (lc_meta_t, from their JSON
    summaries), then fed every row of every log, each machine's rows in
    file order and the machines merged by wall time, then finished. It
    never touches a file: tests feed it rows parsed from strings.
    docs/analysis.md explains each check.
*/
#ifndef LC_CHECK_H_INCLUDED
#define LC_CHECK_H_INCLUDED

#include "lclock.h"
#include "lc_log.h"

#define LC_RULES    6           //  checks are numbered 1..LC_RULES

//  What the analyzer knows of a machine before reading its log: its id
//  (from the file name) and its JSON summary (docs/log-format.md), read
//  by lc_summary.
typedef struct {
    uint32_t id;                //  machine id, from machine-ID.csv
    uint32_t rate;              //  ticks per model second; 0 if unknown
    double speed;               //  model seconds per wall second; 0 unknown
    double duration;            //  model seconds the run was to last
    uint64_t roll;              //  roll K of the run
    uint64_t seed;              //  run seed
    bool curve;                 //  links authenticated with CURVE
    uint64_t restarts;          //  times the machine was resumed
    uint64_t ticks;             //  ticks done, as the summary says
    uint64_t late_ticks;        //  ticks run late
    uint64_t sent;              //  messages queued, one per recipient
    uint64_t send_failed;       //  messages not queued
    uint64_t received;          //  recv rows, as the summary says
    uint64_t unread;            //  unread rows, as the summary says
    uint64_t unacked;           //  unacked rows, as the summary says
    uint64_t retransmitted;     //  messages sent again
    uint64_t duplicates;        //  messages taken in twice, dropped
    uint64_t rejected;          //  bad messages dropped
    uint64_t bad_connections;   //  connections ZeroMQ dropped
    uint64_t untrusted;         //  CURVE clients refused
    uint64_t final_clock;       //  clock at the end, as the summary says
    char stop_reason [LC_STOP_REASON_MAX];  //  "duration", ...; "" if none
    char run_id [LC_STOP_REASON_MAX * 2];   //  run id; "" if none
} lc_meta_t;

//  One broken rule. row is the CSV line (header = line 1), 0 if none.
typedef struct {
    int rule;                   //  1..LC_RULES
    uint32_t machine;           //  machine whose log shows it
    size_t row;                 //  line in machine-ID.csv, 0 if none
    char text [LC_FAILURE_TEXT_MAX];    //  what is wrong, in words
} lc_failure_t;

//  Called for every matched recv (not unread): recipient and sender are
//  machine indexes, times are the send and recv rows' wall times.
typedef void (lc_check_message_fn) (void *arg, size_t recipient, size_t sender,
                                    int64_t send_us, int64_t recv_us);

typedef struct _lc_check_t lc_check_t;

//  machines [i] describes machine index i; ids must be distinct.
lc_check_t *
    lc_check_new (const lc_meta_t *machines, size_t count);
void
    lc_check_destroy (lc_check_t **self_p);

//  Short name of a rule ("clock rules"), NULL outside 1..LC_RULES.
const char *
    lc_check_rule_name (int rule);

//  Called for every matched message (optional).
void
    lc_check_set_message_fn (lc_check_t *self, lc_check_message_fn *fn, void *arg);

//  Index of a machine id, or -1 if the run has no such machine.
int
    lc_check_index (lc_check_t *self, uint32_t id);

//  One well-formed row of machine index idx, at CSV line `line`.
void
    lc_check_row (lc_check_t *self, size_t idx, size_t line, const lc_row_t *row);

//  A row that did not parse (why: the reader's reason). Counts against
//  rule 1; the next row is not compared with the previous one.
void
    lc_check_bad_row (lc_check_t *self, size_t idx, size_t line, const char *why);

//  After the last row: messages never received, tick counts, logs that
//  end early. Call once.
void
    lc_check_finish (lc_check_t *self);

//  Failures in total, and of one rule.
size_t
    lc_check_failures (lc_check_t *self);
size_t
    lc_check_rule_failures (lc_check_t *self, int rule);
//  The failures kept (at most LC_FAILURES_KEPT), in the order found.
size_t
    lc_check_kept (lc_check_t *self);
const lc_failure_t *
    lc_check_failure (lc_check_t *self, size_t index);

//  Messages to machine idx that it never logged and their senders list
//  unacked: because it crashed (or restarted) ...
uint64_t
    lc_check_undelivered (lc_check_t *self, size_t idx);
//  ... or although it did not (it left, or was cut off).
uint64_t
    lc_check_cut_off (lc_check_t *self, size_t idx);
//  Messages machine idx logged that their senders list unacked all the
//  same: the acknowledgement came too late. Not a failure.
uint64_t
    lc_check_late_acks (lc_check_t *self, size_t idx);
//  Messages from machine idx that never arrived, held by it when it
//  crashed for good (its log ends without a stop row): lost with it, not a
//  failure.
uint64_t
    lc_check_lost_sent (lc_check_t *self, size_t idx);
//  True if machine idx's log ends without stop or it restarted.
bool
    lc_check_crashed (lc_check_t *self, size_t idx);
//  Ticks machine idx did (distinct ticks of send/recv/internal rows).
uint64_t
    lc_check_ticks (lc_check_t *self, size_t idx);

#endif
