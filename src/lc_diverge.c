/*  lc_diverge.c - where a real history parts from the ideal one
    (docs/simulate.md, "Real against ideal").

    Both runs share their seed, so each machine has the same rate and the
    same rolls in both; only timing differs. Row i of a machine is
    compared in event, tick, clock, queue, peer and msg; at the first row
    that differs, the two rows are the same tick of the same machine (each
    tick has one row, and everything before agreed), so the tick's buffer
    differed: some message had arrived by the tick in one run and not in
    the other. That message, and the timing around it, is the cause:

    - the tick took message X in one run and rolled in the other: X
      crossed the tick;
    - the tick took X in one run and Y in the other: X overtook Y (or Y
      had not arrived);
    - the same event, another queue length: of the messages sent to the
      machine before the tick in the run with the longer queue, and not
      taken yet, the one sent latest in the other run crossed it.

    Then: a message whose send row is not the same in both runs:
    propagated (its sender had parted first); X sent at the very instant
    of the tick, or X and Y at one instant (exact rational times of the
    ideal schedule): a tie; the tick or a send ran over 1 ms late in the
    real run: a late tick; otherwise the delay.
*/
#include "lc_diverge.h"
#include "lc_alloc.h"
#include "lc_analyze.h"
#include "lc_file.h"
#include "lc_sim.h"
#include "lc_stats.h"

#include <assert.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_PROGRAM       "lclock diverge"
#define S_LATE_US       LC_LATE_TICK_US     //  a tick this late is late
#define S_PAIRS_MAX     4096                //  REAL IDEAL pairs of one call

static const struct {
    const char *name;           //  in --json and the table
    const char *text;           //  what it means, one line
} s_causes [LC_CAUSE_COUNT] = {
    { "none",        "identical to the end" },
    { "tie",         "sent at the tick's very instant: after it in the ideal run, "
                     "ordered by start offset and jitter in the real one" },
    { "late_tick",   "the tick or the send ran over 1 ms late in the real run" },
    { "delay",       "real transit and ideal delay put the message on either side "
                     "of the tick" },
    { "propagated",  "the message differs: its sender had parted first" },
    { "send_failed", "a send's recipients differ: a peer had left" },
    { "end",         "every tick agrees; the unread or stop rows differ" },
    { "other",       "unexplained" },
};

const char *
lc_cause_name (lc_cause_t cause)
{
    return cause < LC_CAUSE_COUNT ? s_causes [cause].name : "?";
}

const char *
lc_cause_text (lc_cause_t cause)
{
    return cause < LC_CAUSE_COUNT ? s_causes [cause].text : "?";
}

//  --------------------------------------------------------------------------
//  Rows and messages

static bool
s_tick_row (const lc_diverge_row_t *row)
{
    return row->event == LC_EV_SEND || row->event == LC_EV_RECV
        || row->event == LC_EV_INTERNAL;
}

static bool
s_same_msg (const lc_diverge_row_t *a, const lc_diverge_row_t *b)
{
    return a->has_msg == b->has_msg
        && (!a->has_msg || (a->msg_sender == b->msg_sender && a->msg_seq == b->msg_seq));
}

static bool
s_same_peers (const lc_diverge_row_t *a, const lc_diverge_row_t *b)
{
    return a->peer_count == b->peer_count
        && (a->peer_count == 0
            || memcmp (a->peers, b->peers, a->peer_count * sizeof *a->peers) == 0);
}

//  Equal in event, tick, clock, queue, peer and msg
static bool
s_same (const lc_diverge_row_t *a, const lc_diverge_row_t *b)
{
    return a->event == b->event && a->tick == b->tick && a->clock == b->clock
        && a->queue == b->queue && s_same_peers (a, b) && s_same_msg (a, b);
}

static bool
s_lists (const lc_diverge_row_t *send, uint32_t id)
{
    for (size_t i = 0; i < send->peer_count; i++)
        if (send->peers [i] == id)
            return true;
    return false;
}

//  Earliest start row of the run: its model time 0
static int64_t
s_origin_us (const lc_diverge_run_t *run)
{
    int64_t origin = INT64_MAX;
    for (size_t i = 0; i < run->count; i++)
        if (run->logs [i].count && run->logs [i].rows [0].time_us < origin)
            origin = run->logs [i].rows [0].time_us;
    return origin;
}

//  Model ms between two rows of run (b after a)
static double
s_model_ms (const lc_diverge_run_t *run, const lc_diverge_row_t *a, const lc_diverge_row_t *b)
{
    return (double) (b->time_us - a->time_us) / 1e3 * run->speed;
}

//  --------------------------------------------------------------------------
//  Finding a message's send row: each run is indexed once, each log's send
//  rows by seq, so that a look-up is a binary search (a scan per message
//  made the comparison quadratic in the rows)

//  A send row, by message
typedef struct {
    uint64_t seq;               //  its msg column's SEQ
    size_t row;                 //  its index in its log
} s_seq_t;

typedef struct {
    const lc_diverge_run_t *run;    //  the run indexed (borrowed)
    s_seq_t **sends;            //  per log: its send rows by seq, the first
                                //  of each seq only
    size_t *send_counts;        //  per log: entries of sends
} s_index_t;

//  By seq, then row: the order that keeps the first row of each seq
static int
s_seq_order (const void *a, const void *b)
{
    const s_seq_t *x = a, *y = b;
    if (x->seq != y->seq)
        return x->seq < y->seq ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

static int
s_seq_cmp (const void *a, const void *b)
{
    uint64_t x = ((const s_seq_t *) a)->seq, y = ((const s_seq_t *) b)->seq;
    return x < y ? -1 : x > y;
}

static int
s_log_cmp (const void *a, const void *b)
{
    uint32_t x = ((const lc_diverge_log_t *) a)->id, y = ((const lc_diverge_log_t *) b)->id;
    return x < y ? -1 : x > y;
}

static void
s_index_build (s_index_t *self, const lc_diverge_run_t *run)
{
    self->run = run;
    self->sends = lc_calloc (run->count + 1, sizeof *self->sends);
    self->send_counts = lc_calloc (run->count + 1, sizeof *self->send_counts);
    for (size_t m = 0; m < run->count; m++) {
        const lc_diverge_log_t *log = &run->logs [m];
        assert (m == 0 || log [-1].id < log->id);
        s_seq_t *sends = self->sends [m] = lc_calloc (log->count + 1, sizeof *sends);
        size_t count = 0;
        for (size_t i = 0; i < log->count; i++)
            if (log->rows [i].event == LC_EV_SEND)
                sends [count++] = (s_seq_t) { log->rows [i].msg_seq, i };
        qsort (sends, count, sizeof *sends, s_seq_order);
        size_t kept = 0;
        for (size_t i = 0; i < count; i++)
            if (kept == 0 || sends [i].seq != sends [kept - 1].seq)
                sends [kept++] = sends [i];
        self->send_counts [m] = kept;
    }
}

static void
s_index_free (s_index_t *self)
{
    for (size_t m = 0; self->sends && m < self->run->count; m++)
        free (self->sends [m]);
    free (self->sends);
    free (self->send_counts);
    memset (self, 0, sizeof *self);
}

//  The run's log of machine id, or NULL
static const lc_diverge_log_t *
s_log (const s_index_t *index, uint32_t id)
{
    lc_diverge_log_t key = { .id = id };
    return bsearch (&key, index->run->logs, index->run->count, sizeof key, s_log_cmp);
}

//  The first send row of message sender:seq in sender's log, or NULL
static const lc_diverge_row_t *
s_send (const s_index_t *index, uint32_t sender, uint64_t seq)
{
    const lc_diverge_log_t *log = s_log (index, sender);
    if (!log)
        return NULL;
    size_t m = (size_t) (log - index->run->logs);
    s_seq_t key = { .seq = seq };
    const s_seq_t *found = bsearch (&key, index->sends [m], index->send_counts [m],
                                    sizeof key, s_seq_cmp);
    return found ? &log->rows [found->row] : NULL;
}

//  --------------------------------------------------------------------------
//  The cause

typedef struct {
    const lc_diverge_run_t *real;   //  the two runs
    const lc_diverge_run_t *ideal;
    const s_index_t *real_index;    //  their send rows by message
    const s_index_t *ideal_index;
    const lc_diverge_log_t *real_log;   //  the machine's two logs
    const lc_diverge_log_t *ideal_log;
    size_t at;                  //  index of the first unequal row
} s_context_t;

//  The message's send row in both runs, when it is the same row in both
//  (else the message differs: its sender had parted before sending it)
static bool
s_both_sends (const s_context_t *c, uint32_t sender, uint64_t seq,
              const lc_diverge_row_t **real_send, const lc_diverge_row_t **ideal_send)
{
    *real_send = s_send (c->real_index, sender, seq);
    *ideal_send = s_send (c->ideal_index, sender, seq);
    return *real_send && *ideal_send && s_same (*real_send, *ideal_send)
        && s_lists (*real_send, c->real_log->id);
}

//  The exact ideal instant of a send row
static lc_sim_time_t
s_ideal_instant (const s_context_t *c, const lc_diverge_row_t *send)
{
    return lc_sim_tick_time (send->tick, s_log (c->ideal_index, send->msg_sender)->rate);
}

static bool
s_late (const s_context_t *c, const lc_diverge_row_t *real_row, uint32_t machine)
{
    const lc_diverge_log_t *log = s_log (c->real_index, machine);
    return lc_stats_lateness_us (log->rows [0].time_us, real_row->time_us, real_row->tick,
                                 log->rate, c->real->speed) > S_LATE_US;
}

//  The cause that message sender:seq gives by crossing the machine's tick,
//  or, with other_sender, by overtaking message other_sender:other_seq
//  (the tick took one in one run and the other in the other run)
static lc_cause_t
s_message_cause (const s_context_t *c, uint32_t sender, uint64_t seq,
                 uint32_t other_sender, uint64_t other_seq, lc_diverge_machine_t *out)
{
    out->sender = sender;
    out->seq = seq;
    out->overtook_sender = other_sender;
    out->overtook_seq = other_seq;
    const lc_diverge_row_t *real_send, *ideal_send;
    const lc_diverge_row_t *real_other = NULL, *ideal_other = NULL;    //  with other_sender
    if (!s_both_sends (c, sender, seq, &real_send, &ideal_send)
    ||  (other_sender
         && !s_both_sends (c, other_sender, other_seq, &real_other, &ideal_other)))
        return LC_CAUSE_PROPAGATED;
    const lc_diverge_row_t *real_tick = &c->real_log->rows [c->at];
    const lc_diverge_row_t *ideal_tick = &c->ideal_log->rows [c->at];
    out->gap_ms = s_model_ms (c->ideal, ideal_send, ideal_tick);
    out->transit_ms = s_model_ms (c->real, real_send, real_tick);
    //  Two sends at one instant (their order decides), or a send at the
    //  tick's own instant
    lc_sim_time_t sent = s_ideal_instant (c, ideal_send);
    lc_sim_time_t versus = other_sender
        ? s_ideal_instant (c, ideal_other)
        : lc_sim_tick_time (ideal_tick->tick, c->ideal_log->rate);
    if (lc_sim_time_cmp (sent, versus) == 0)
        return LC_CAUSE_TIE;
    if (s_late (c, real_send, sender)
    ||  (other_sender ? s_late (c, real_other, other_sender)
                      : s_late (c, real_tick, c->real_log->id)))
        return LC_CAUSE_LATE_TICK;
    return LC_CAUSE_DELAY;
}

//  A message by its msg column
typedef struct {
    uint32_t sender;            //  SENDER
    uint64_t seq;               //  SEQ
} s_msg_t;

static int
s_msg_cmp (const void *a, const void *b)
{
    const s_msg_t *x = a, *y = b;
    if (x->sender != y->sender)
        return x->sender < y->sender ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

//  The messages the machine took in the rows before index at, sorted;
//  *count set
static s_msg_t *
s_taken_before (const lc_diverge_log_t *log, size_t at, size_t *count)
{
    s_msg_t *taken = lc_calloc (at + 1, sizeof *taken);
    *count = 0;
    for (size_t i = 0; i < at; i++)
        if (log->rows [i].event == LC_EV_RECV)
            taken [(*count)++] = (s_msg_t) { log->rows [i].msg_sender, log->rows [i].msg_seq };
    qsort (taken, *count, sizeof *taken, s_msg_cmp);
    return taken;
}

//  Same event and message, another queue: one run had more messages in
//  the buffer. The message is one of those sent to the machine before the
//  tick in that run and not taken yet, the one sent latest in the other run
//  (the likeliest not to have arrived there). One sent in one run only
//  comes first: its sender had parted.
static lc_cause_t
s_queue_cause (const s_context_t *c, lc_diverge_machine_t *out)
{
    uint32_t id = c->real_log->id;
    bool real_more = c->real_log->rows [c->at].queue > c->ideal_log->rows [c->at].queue;
    const s_index_t *more = real_more ? c->real_index : c->ideal_index;
    const s_index_t *fewer = real_more ? c->ideal_index : c->real_index;
    const lc_diverge_row_t *tick = &(real_more ? c->real_log : c->ideal_log)->rows [c->at];
    size_t taken_count;
    s_msg_t *taken = s_taken_before (c->ideal_log, c->at, &taken_count);
    const lc_diverge_row_t *best = NULL, *best_twin = NULL;
    const lc_diverge_row_t *parted = NULL;      //  sent in one run only
    for (size_t m = 0; m < more->run->count && !parted; m++)
        for (size_t i = 0; i < more->run->logs [m].count && !parted; i++) {
            const lc_diverge_row_t *send = &more->run->logs [m].rows [i];
            s_msg_t msg = { send->msg_sender, send->msg_seq };
            if (send->event != LC_EV_SEND || !s_lists (send, id)
            ||  send->time_us > tick->time_us
            ||  bsearch (&msg, taken, taken_count, sizeof *taken, s_msg_cmp))
                continue;
            const lc_diverge_row_t *twin = s_send (fewer, send->msg_sender, send->msg_seq);
            if (!twin || !s_same (twin, send))
                parted = send;
            else
            if (!best || twin->time_us > best_twin->time_us) {
                best = send;
                best_twin = twin;
            }
        }
    free (taken);
    if (parted)
        best = parted;
    return best ? s_message_cause (c, best->msg_sender, best->msg_seq, 0, 0, out)
                : LC_CAUSE_OTHER;
}

static lc_cause_t
s_cause (const s_context_t *c, lc_diverge_machine_t *out)
{
    bool real_end = c->at >= c->real_log->count, ideal_end = c->at >= c->ideal_log->count;
    const lc_diverge_row_t *real = real_end ? NULL : &c->real_log->rows [c->at];
    const lc_diverge_row_t *ideal = ideal_end ? NULL : &c->ideal_log->rows [c->at];
    if (!real || !ideal || !s_tick_row (real) || !s_tick_row (ideal)) {
        bool after = (!real || !s_tick_row (real)) && (!ideal || !s_tick_row (ideal));
        return after ? LC_CAUSE_END : LC_CAUSE_OTHER;
    }
    out->tick = ideal->tick;
    out->time = (double) (ideal->time_us - s_origin_us (c->ideal)) / 1e6;
    if (real->tick != ideal->tick)
        return LC_CAUSE_OTHER;
    if (real->event == LC_EV_SEND && ideal->event == LC_EV_SEND && s_same_msg (real, ideal)
    &&  !s_same_peers (real, ideal))
        return LC_CAUSE_SEND_FAILED;
    bool real_recv = real->event == LC_EV_RECV, ideal_recv = ideal->event == LC_EV_RECV;
    if (real_recv && ideal_recv && !s_same_msg (real, ideal))
        return s_message_cause (c, real->msg_sender, real->msg_seq, ideal->msg_sender,
                                ideal->msg_seq, out);
    if (real_recv && !ideal_recv)
        return s_message_cause (c, real->msg_sender, real->msg_seq, 0, 0, out);
    if (ideal_recv && !real_recv)
        return s_message_cause (c, ideal->msg_sender, ideal->msg_seq, 0, 0, out);
    if (real->event == ideal->event && s_same_msg (real, ideal) && s_same_peers (real, ideal))
        return s_queue_cause (c, out);
    return LC_CAUSE_OTHER;
}

void
lc_diverge (const lc_diverge_run_t *real, const lc_diverge_run_t *ideal,
            lc_diverge_machine_t *out)
{
    s_index_t real_index, ideal_index;
    s_index_build (&real_index, real);
    s_index_build (&ideal_index, ideal);
    for (size_t m = 0; m < real->count; m++) {
        s_context_t c = { real, ideal, &real_index, &ideal_index, &real->logs [m],
                          &ideal->logs [m], 0 };
        assert (c.real_log->id == c.ideal_log->id);
        lc_diverge_machine_t *result = &out [m];
        memset (result, 0, sizeof *result);
        result->id = c.real_log->id;
        size_t shorter = c.real_log->count < c.ideal_log->count
                       ? c.real_log->count : c.ideal_log->count;
        result->rows = c.real_log->count + c.ideal_log->count - shorter;
        while (c.at < shorter && s_same (&c.real_log->rows [c.at], &c.ideal_log->rows [c.at]))
            c.at++;
        result->identical = c.at;
        result->cause = c.at == result->rows ? LC_CAUSE_NONE : s_cause (&c, result);
    }
    s_index_free (&real_index);
    s_index_free (&ideal_index);
}

double
lc_diverge_min_transit_ms (const lc_diverge_run_t *real)
{
    s_index_t index;
    s_index_build (&index, real);
    double least = -1;
    for (size_t m = 0; m < real->count; m++)
        for (size_t i = 0; i < real->logs [m].count; i++) {
            const lc_diverge_row_t *recv = &real->logs [m].rows [i];
            if (recv->event != LC_EV_RECV)
                continue;
            const lc_diverge_row_t *send = s_send (&index, recv->msg_sender, recv->msg_seq);
            if (!send)
                continue;
            double ms = s_model_ms (real, send, recv);
            if (least < 0 || ms < least)
                least = ms;
        }
    s_index_free (&index);
    return least;
}

//  --------------------------------------------------------------------------
//  Reading a run directory

typedef struct {
    lc_diverge_run_t run;       //  what the comparison reads
    lc_diverge_log_t *logs;     //  owned: run.logs
    lc_diverge_row_t **rows;    //  owned: each log's rows
    uint16_t **peers;           //  owned: each log's peer ids
    uint64_t *seeds;            //  owned: each machine's run seed
    bool simulated;             //  run.json says so
    char delay [64];            //  its delay model, or ""
    const char *dir;            //  as given
} s_loaded_t;

static void
s_loaded_free (s_loaded_t *self)
{
    for (size_t i = 0; i < self->run.count; i++) {
        free (self->rows [i]);
        free (self->peers [i]);
    }
    free (self->logs);
    free (self->rows);
    free (self->peers);
    free (self->seeds);
    memset (self, 0, sizeof *self);
}

//  One CSV log into rows and peers (peer pointers set at the end, once
//  the peer array has stopped moving)
static int
s_read_log (const char *path, lc_diverge_row_t **rows_p, uint16_t **peers_p, size_t *count)
{
    const char *why;
    int fd = lc_file_open_regular (path, NULL, &why);
    if (fd < 0) {
        fprintf (stderr, S_PROGRAM ": cannot read %s: %s\n", path, why);
        return -1;
    }
    lc_reader_t *reader = lc_reader_new (fd);
    lc_diverge_row_t *rows = NULL;
    uint16_t *peers = NULL;
    size_t used = 0, peer_used = 0, size = 0, peer_size = 0;
    lc_row_t row;
    int rc;
    while ((rc = lc_reader_next (reader, &row)) == 1) {
        if (used == size) {
            size = size ? size * 2 : 256;
            rows = lc_realloc (rows, size, sizeof *rows);
        }
        while (peer_used + row.peer_count > peer_size) {
            peer_size = peer_size ? peer_size * 2 : 1024;
            peers = lc_realloc (peers, peer_size, sizeof *peers);
        }
        memcpy (peers + peer_used, row.peers, row.peer_count * sizeof *peers);
        rows [used++] = (lc_diverge_row_t) {
            row.time_us, row.event, row.tick, row.clock, row.queue,
            (const uint16_t *) (uintptr_t) peer_used, row.peer_count, row.has_msg,
            row.msg_sender, row.msg_seq, row.msg_clock
        };
        peer_used += row.peer_count;
    }
    if (rc != 0)
        fprintf (stderr, S_PROGRAM ": %s: line %zu: %s\n", path,
                 lc_reader_line (reader), lc_reader_error (reader));
    lc_reader_destroy (&reader);
    for (size_t i = 0; i < used; i++)
        rows [i].peers = peers + (uintptr_t) rows [i].peers;
    *rows_p = rows;
    *peers_p = peers;
    *count = used;
    return rc == 0 ? 0 : -1;
}

//  Opened as `lclock analyze` opens a run (the same checks of the
//  directory, the summaries and run.json, in the same words), then each
//  log read whole
static int
s_load (s_loaded_t *self, const char *dir)
{
    memset (self, 0, sizeof *self);
    self->dir = dir;
    lc_run_t opened;
    if (lc_analyze_open (dir, S_PROGRAM, &opened))
        return -1;
    size_t count = opened.count;
    self->logs = lc_calloc (count, sizeof *self->logs);
    self->rows = lc_calloc (count, sizeof *self->rows);
    self->peers = lc_calloc (count, sizeof *self->peers);
    self->seeds = lc_calloc (count, sizeof *self->seeds);
    self->run.logs = self->logs;
    self->run.speed = opened.machines [0].speed;
    if (opened.requested) {
        self->simulated = opened.requested->simulated;
        snprintf (self->delay, sizeof self->delay, "%s",
                  opened.requested->delay ? opened.requested->delay : "");
    }
    int rc = 0;
    for (size_t i = 0; i < count && rc == 0; i++) {
        const lc_meta_t *meta = &opened.machines [i];
        self->logs [i].id = meta->id;
        self->logs [i].rate = meta->rate;
        self->seeds [i] = meta->seed;
        self->run.count = i + 1;
        char path [PATH_MAX];
        snprintf (path, sizeof path, "%s/machine-%" PRIu32 ".csv", dir, meta->id);
        rc = s_read_log (path, &self->rows [i], &self->peers [i], &self->logs [i].count);
        self->logs [i].rows = self->rows [i];
    }
    lc_analyze_free (&opened);
    if (rc)
        s_loaded_free (self);
    return rc;
}

//  The same run: same machines, rates and seed
static int
s_comparable (const s_loaded_t *real, const s_loaded_t *ideal)
{
    bool same = real->run.count == ideal->run.count;
    for (size_t i = 0; same && i < real->run.count; i++)
        same = real->logs [i].id == ideal->logs [i].id
            && real->logs [i].rate == ideal->logs [i].rate
            && real->seeds [i] == ideal->seeds [i];
    if (!same)
        fprintf (stderr, S_PROGRAM ": %s and %s are not the same run (machines, rates "
                 "or seed differ); simulate the real run's seed and settings\n",
                 real->dir, ideal->dir);
    return same ? 0 : -1;
}

//  --------------------------------------------------------------------------
//  Output

typedef struct {
    size_t rows;                //  over every pair: rows
    size_t identical;           //  identical before the first divergence
    size_t causes [LC_CAUSE_COUNT];     //  first divergences by cause
    double min_transit_ms;      //  least real send-to-recv, model ms
} s_totals_t;

//  Causes whose message was sent in both runs: their gap and transit mean
//  something
static bool
s_timed (lc_cause_t cause)
{
    return cause == LC_CAUSE_TIE || cause == LC_CAUSE_LATE_TICK || cause == LC_CAUSE_DELAY;
}

static void
s_print_pair (const s_loaded_t *real, const s_loaded_t *ideal,
              const lc_diverge_machine_t *result)
{
    printf ("real:  %s (speed %g)\nideal: %s (%s%s%s)\n", real->dir, real->run.speed,
            ideal->dir, ideal->simulated ? "simulated" : "not simulated",
            ideal->delay [0] ? ", delay " : "", ideal->delay);
    printf ("machine  rate   rows  identical   share  first divergence\n");
    for (size_t m = 0; m < real->run.count; m++) {
        const lc_diverge_machine_t *r = &result [m];
        printf ("%7" PRIu32 " %5" PRIu32 " %6zu %10zu %6.1f%%  %s", r->id,
                real->logs [m].rate, r->rows, r->identical,
                r->rows ? 100.0 * (double) r->identical / (double) r->rows : 100.0,
                lc_cause_name (r->cause));
        if (r->cause != LC_CAUSE_NONE && r->cause != LC_CAUSE_END)
            printf (" at tick %" PRIu64 " (%.3f s)", r->tick, r->time);
        if (r->sender)
            printf (": message %" PRIu32 ":%" PRIu64, r->sender, r->seq);
        if (r->overtook_sender)
            printf (" overtook %" PRIu32 ":%" PRIu64, r->overtook_sender, r->overtook_seq);
        if (s_timed (r->cause))
            printf (", sent %.3f ms before the tick in the ideal run, %.3f ms in the "
                    "real one", r->gap_ms, r->transit_ms);
        printf ("\n");
    }
}

static json_t *
s_pair_json (const s_loaded_t *real, const s_loaded_t *ideal,
             const lc_diverge_machine_t *result, double transit)
{
    json_t *machines = json_array ();
    for (size_t m = 0; m < real->run.count; m++) {
        const lc_diverge_machine_t *r = &result [m];
        json_t *one = json_pack ("{s:I, s:I, s:I, s:I, s:s}", "machine", (json_int_t) r->id,
                                 "rate", (json_int_t) real->logs [m].rate,
                                 "rows", (json_int_t) r->rows,
                                 "identical", (json_int_t) r->identical,
                                 "cause", lc_cause_name (r->cause));
        if (r->cause != LC_CAUSE_NONE && r->cause != LC_CAUSE_END) {
            json_object_set_new (one, "tick", json_integer ((json_int_t) r->tick));
            json_object_set_new (one, "time", json_real (r->time));
        }
        if (r->sender) {
            char msg [48];
            snprintf (msg, sizeof msg, "%" PRIu32 ":%" PRIu64, r->sender, r->seq);
            json_object_set_new (one, "msg", json_string (msg));
        }
        if (r->overtook_sender) {
            char msg [48];
            snprintf (msg, sizeof msg, "%" PRIu32 ":%" PRIu64, r->overtook_sender,
                      r->overtook_seq);
            json_object_set_new (one, "overtook", json_string (msg));
        }
        if (s_timed (r->cause)) {
            json_object_set_new (one, "gap_ms", json_real (r->gap_ms));
            json_object_set_new (one, "transit_ms", json_real (r->transit_ms));
        }
        json_array_append_new (machines, one);
    }
    return json_pack ("{s:s, s:s, s:f, s:s, s:o, s:f}", "real", real->dir, "ideal",
                      ideal->dir, "speed", real->run.speed, "delay", ideal->delay,
                      "machines", machines, "min_transit_ms", transit);
}

static void
s_add (s_totals_t *totals, const lc_diverge_machine_t *result, size_t count, double transit)
{
    for (size_t m = 0; m < count; m++) {
        totals->rows += result [m].rows;
        totals->identical += result [m].identical;
        totals->causes [result [m].cause]++;
    }
    if (transit >= 0 && (totals->min_transit_ms < 0 || transit < totals->min_transit_ms))
        totals->min_transit_ms = transit;
}

static void
s_print_totals (const s_totals_t *totals, size_t pairs)
{
    printf ("%zu run%s: %zu of %zu rows identical before the first divergence (%.1f%%)\n",
            pairs, pairs == 1 ? "" : "s", totals->identical, totals->rows,
            totals->rows ? 100.0 * (double) totals->identical / (double) totals->rows : 100.0);
    printf ("first divergence by cause:");
    for (int c = 0; c < LC_CAUSE_COUNT; c++)
        if (totals->causes [c])
            printf (" %s %zu", lc_cause_name ((lc_cause_t) c), totals->causes [c]);
    printf ("\n");
    if (totals->min_transit_ms >= 0)
        printf ("least real send-to-recv time: %.3f model ms (the delivery delay is "
                "below it)\n", totals->min_transit_ms);
}

static json_t *
s_totals_json (const s_totals_t *totals)
{
    json_t *causes = json_object ();
    for (int c = 0; c < LC_CAUSE_COUNT; c++)
        json_object_set_new (causes, lc_cause_name ((lc_cause_t) c),
                             json_integer ((json_int_t) totals->causes [c]));
    return json_pack ("{s:I, s:I, s:f, s:o, s:f}", "rows", (json_int_t) totals->rows,
                      "identical", (json_int_t) totals->identical, "share",
                      totals->rows ? (double) totals->identical / (double) totals->rows : 1.0,
                      "causes", causes, "min_transit_ms", totals->min_transit_ms);
}

//  --------------------------------------------------------------------------

static void
s_usage (FILE *out)
{
    fprintf (out,
"usage: lclock diverge REAL IDEAL [REAL IDEAL]... [--json]\n"
"\n"
"Compares each real run with the simulated run of the same seed and settings\n"
"(lclock simulate with the real run's seed, machines, rates, roll and\n"
"duration): per machine, the rows identical in event, tick, clock, queue,\n"
"peer and msg before the first that differs, and why that one differs:\n"
"\n");
    for (int c = 1; c < LC_CAUSE_COUNT; c++)
        fprintf (out, "  %-12s %s\n", lc_cause_name ((lc_cause_t) c),
                 lc_cause_text ((lc_cause_t) c));
    fprintf (out,
"\n"
"Then the total over every pair, with the least real send-to-recv time.\n"
"launch/realideal.sh runs the real and simulated runs and calls this.\n"
"\n"
"  --json       print the results as JSON instead\n"
"  -h, --help   print this text\n"
"\n"
"Each run directory is read as 'lclock analyze' reads it (the same checks:\n"
"machine-ID.csv logs, each with its machine-ID.json, regular files only).\n"
"Exit status: 0 compared, 2 a bad option or a run that cannot be read or is\n"
"not the same run. docs/simulate.md explains what it measures.\n");
}

int
lc_diverge_main (int argc, char *argv [])
{
    static const struct option longs [] = {
        { "json", no_argument, NULL, 'j' }, { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    bool as_json = false;
    optind = 0;
    opterr = 0;
    int code;
    while ((code = getopt_long (argc, argv, ":h", longs, NULL)) != -1) {
        if (code == 'h') {
            s_usage (stdout);
            return LC_EXIT_OK;
        }
        if (code != 'j') {
            fprintf (stderr, S_PROGRAM ": unknown option '%s'; see 'lclock diverge --help'\n",
                     argv [optind - 1]);
            return LC_EXIT_USAGE;
        }
        as_json = true;
    }
    int dirs = argc - optind;
    if (dirs < 2 || dirs % 2 || dirs / 2 > S_PAIRS_MAX) {
        fprintf (stderr, S_PROGRAM ": expected pairs of run directories REAL IDEAL, "
                 "got %d; see 'lclock diverge --help'\n", dirs);
        return LC_EXIT_USAGE;
    }
    s_totals_t totals = { .min_transit_ms = -1 };
    json_t *pairs = json_array ();
    int rc = LC_EXIT_OK;
    for (int p = optind; p < argc && rc == LC_EXIT_OK; p += 2) {
        s_loaded_t real, ideal;
        if (s_load (&real, argv [p])) {
            rc = LC_EXIT_USAGE;
            break;
        }
        if (s_load (&ideal, argv [p + 1]) || s_comparable (&real, &ideal)) {
            s_loaded_free (&real);
            s_loaded_free (&ideal);
            rc = LC_EXIT_USAGE;
            break;
        }
        lc_diverge_machine_t *result = lc_calloc (real.run.count, sizeof *result);
        lc_diverge (&real.run, &ideal.run, result);
        double transit = lc_diverge_min_transit_ms (&real.run);
        s_add (&totals, result, real.run.count, transit);
        if (as_json)
            json_array_append_new (pairs, s_pair_json (&real, &ideal, result, transit));
        else {
            s_print_pair (&real, &ideal, result);
            printf ("\n");
        }
        free (result);
        s_loaded_free (&real);
        s_loaded_free (&ideal);
    }
    if (rc == LC_EXIT_OK) {
        if (as_json) {
            json_t *root = json_pack ("{s:o, s:o}", "pairs", pairs, "total",
                                      s_totals_json (&totals));
            pairs = NULL;
            char *text = json_dumps (root, JSON_INDENT (2) | JSON_PRESERVE_ORDER
                                           | JSON_REAL_PRECISION (9));
            printf ("%s\n", text);
            free (text);
            json_decref (root);
        }
        else
            s_print_totals (&totals, (size_t) dirs / 2);
    }
    json_decref (pairs);
    return rc;
}
