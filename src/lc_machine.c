/*  lc_machine.c - one model machine: the reactor that carries out what the
    pure modules decide (docs/design.md, "The machine's code").

    One process, one single-threaded zloop polling: the PULL socket and
    the socket monitors (lc_links), the tick timerfd (lc_schedule), a
    signalfd for SIGINT and SIGTERM (czmq's own handler is off: it would
    end zloop before we could drain and write the stop rows), and zloop
    timers for the announcements, the start timeout and the grace period.

    Phases: ANNOUNCE (lc_barrier: HELLO every 100 ms until every peer has
    answered, then READY; start when every peer is ready), RUN (ticks:
    lc_model decides, this file logs and sends), DRAIN (after the end, a
    signal or an error: BYE to every peer, the grace period taking messages
    in), FINAL (once: the unread rows, the stop row and the summary,
    lc_summary).
    Every way out goes through s_end, which sets the exit status and
    leaves the loop.
*/
#include "lc_machine.h"
#include "lc_alloc.h"
#include "lc_barrier.h"
#include "lc_bench.h"
#include "lc_cert.h"
#include "lc_config.h"
#include "lc_delivery.h"
#include "lc_endpoint.h"
#include "lc_file.h"
#include "lc_inbox.h"
#include "lc_links.h"
#include "lc_log.h"
#include "lc_model.h"
#include "lc_notice.h"
#include "lc_resume.h"
#include "lc_schedule.h"
#include "lc_summary.h"
#include "lc_wire.h"

#include <czmq.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/signalfd.h>

typedef enum {
    S_ANNOUNCE,                 //  looking for peers
    S_RUN,                      //  ticking
    S_DRAIN,                    //  stopped ticking, taking messages in
    S_FINAL                     //  writing the last rows: once
} s_phase_t;

//  Per peer, what waits until the rows of this handler call are written
typedef struct {
    uint64_t logged;            //  its last message in a recv row not yet
                                //  written (0: none): logged once written
    bool listed;                //  in s_machine_t.touched
} s_pending_t;

typedef struct {
    lc_config_t *config;        //  options and cluster file
    lc_notice_t notice;         //  stderr, rate-limited
    s_phase_t phase;            //  where the machine is
    lc_model_t model;           //  rate, tick, clock, seq, RNG: the rules
    lc_barrier_t barrier;       //  peers' states at start, and who left
    lc_delivery_t delivery;     //  per peer: what is kept until logged,
                                //  what was taken and logged
    lc_summary_t summary;       //  settings and counters: machine-ID.json
    lc_inbox_t inbox;           //  the receive buffer
    lc_schedule_t schedule;     //  when ticks are due
    lc_cert_t *cert;            //  CURVE, or NULL
    lc_links_t *links;          //  the sockets
    uint64_t *refused;          //  per peer: handshakes it refused
    zloop_t *loop;              //  the reactor
    zmq_pollitem_t tick_item;   //  the timerfd, as a zloop poll item
    zmq_pollitem_t signal_item; //  the signalfd, as a zloop poll item
    uint64_t announce_rounds;   //  announcement timer calls so far
    int announce_timer;         //  zloop timer ids, or -1
    int timeout_timer;          //  --start-timeout, then the refusal's end
    int64_t start_deadline_ns;  //  --start-timeout's end (monotonic), or
                                //  INT64_MAX
    int grace_timer;
    int end_timer;              //  from the run's end to the stop, or -1
    int delivery_timer;         //  when lc_delivery next needs us, or -1
    int64_t delivery_due_ns;    //  when it fires (INT64_MAX: not armed)
    int64_t delivery_ran_ns;    //  when s_on_delivery last ran
    s_pending_t *pending;       //  per peer: marks waiting for the rows
    size_t *touched;            //  peers with a mark in pending
    size_t touched_count;
    uint64_t clock_limit;       //  a DATA clock above this would take ours
                                //  beyond what peers accept
    lc_log_t *log;              //  the CSV event log, from the start on
    lc_bench_t *bench;          //  arrival times (lclock_bench only), or NULL
    char *csv_path;             //  log-dir/machine-ID.csv
    char *json_path;            //  log-dir/machine-ID.json
    char *lock_path;            //  log-dir/machine-ID.lock
    int lock_fd;                //  held (flock) while the process runs
    bool refusing;              //  a peer has other run settings: exit 2
                                //  once the peer has heard ours
    size_t refused_idx;         //  that peer (the first one refused)
    bool refused_heard_us;      //  it answered our HELLO: it has ours
    bool refused_told;          //  we answered its HELLO: it knows we
                                //  have its settings
    bool refused_unreadable;    //  it speaks another protocol version
    size_t refused_wait_ms;     //  how long it answers that peer at most
    bool ended;                 //  leave the loop
    int exit_status;            //  what the process returns
} s_machine_t;

//  --------------------------------------------------------------------------
//  The one way out

//  Sets the exit status and leaves the loop (every handler returns
//  s_going_on, -1 once the machine has ended)
static void
s_end (s_machine_t *self, int status)
{
    if (!self->ended)
        self->exit_status = status;
    self->ended = true;
}

static int s_flush (s_machine_t *self);
static void s_plan_delivery (s_machine_t *self);

//  The end of every handler call: its rows written (a crash loses at most
//  the rows of the current tick, docs/design.md "Logs that can be
//  trusted"), then the delivery timer set for what is due next
static int
s_going_on (s_machine_t *self)
{
    if (!self->ended) {
        s_flush (self);
        s_plan_delivery (self);
    }
    return self->ended ? -1 : 0;
}

//  --------------------------------------------------------------------------
//  The summary and the event log

static int
s_write_summary (s_machine_t *self)
{
    lc_summary_t *summary = &self->summary;
    summary->ticks = self->model.tick;
    summary->final_clock = self->model.clock;
    summary->late_ticks = self->schedule.late_ticks;
    summary->max_lateness_ms = (double) llround ((double) self->schedule.max_lateness_ns
                                                 / 1e3) / 1e3;
    char error [LC_SUMMARY_ERROR_MAX];
    int rc = lc_summary_write (summary, self->json_path, error, sizeof error);
    if (rc)
        lc_notice_say (&self->notice, "%s", error);
    return rc;
}

static void s_stop (s_machine_t *self, lc_stop_reason_t reason);

//  The log cannot be written: closed for good, what its lost rows said was
//  logged is never acknowledged as such, and the machine stops (exit 1)
static void
s_log_failed (s_machine_t *self)
{
    lc_notice_say (&self->notice, "cannot write %s: %s; stopping", self->csv_path,
                   strerror (errno));
    lc_log_destroy (&self->log);
    for (size_t t = 0; t < self->touched_count; t++)
        self->pending [self->touched [t]] = (s_pending_t) { 0 };
    self->touched_count = 0;
    s_stop (self, LC_STOP_ERROR);
}

//  Logs row with this machine's tick, clock and queue, into the log's
//  buffer: rows are written by s_flush, before any message leaves and at
//  the end of every handler call. Returns 0, or -1 if the log could not be
//  written (s_log_failed).
static int
s_log (s_machine_t *self, lc_row_t *row)
{
    if (!self->log)
        return -1;
    row->time_us = lc_wall_us ();
    row->machine = self->config->id;
    row->tick = self->model.tick;
    row->clock = self->model.clock;
    row->queue = self->inbox.length;
    if (lc_log_write (self->log, row) == 0)
        return 0;
    s_log_failed (self);
    return -1;
}

//  Message seq of peer idx is in a recv row: logged once the row is written
static void
s_logged (s_machine_t *self, size_t idx, uint64_t seq)
{
    s_pending_t *pending = &self->pending [idx];
    pending->logged = seq;
    if (!pending->listed) {
        pending->listed = true;
        self->touched [self->touched_count++] = idx;
    }
}

//  Writes the buffered rows in one write(2); what they logged is now
//  logged for the delivery protocol. Returns 0, or -1 if the log could not
//  be written (s_log_failed). Called before any message leaves: a send row
//  is on disk before its messages are handed to ZeroMQ, an acknowledgement
//  never claims a row that is not.
static int
s_flush (s_machine_t *self)
{
    if (self->log && lc_log_flush (self->log)) {
        s_log_failed (self);
        return -1;
    }
    for (size_t t = 0; t < self->touched_count; t++) {
        s_pending_t *pending = &self->pending [self->touched [t]];
        if (pending->logged)
            lc_delivery_logged (&self->delivery, self->touched [t], pending->logged,
                                lc_mono_ns ());
        *pending = (s_pending_t) { 0 };
    }
    self->touched_count = 0;
    return 0;
}

//  A recv or unread row for a message of the buffer
static int
s_log_message (s_machine_t *self, lc_event_t event, const lc_inbox_item_t *item)
{
    lc_row_t row = { .event = event, .has_msg = true, .peer_count = 1 };
    row.peers [0] = (uint16_t) item->sender;
    row.msg_sender = item->sender;
    row.msg_seq = item->seq;
    row.msg_clock = item->clock;
    return s_log (self, &row);
}

//  --------------------------------------------------------------------------
//  Sending

//  Returns 0 if the message is queued on a live connection (it then
//  reaches the peer, linger included), -1 if not
static int
s_send_control (s_machine_t *self, size_t idx, lc_msg_type_t type)
{
    lc_wire_msg_t msg = { .type = type, .sender = self->config->id,
                          .settings = self->barrier.settings,
                          .instance = self->barrier.instance };
    if (type == LC_MSG_HELLO && self->config->resume)
        msg.settings.flags |= LC_WIRE_FLAG_RESUME;
    if (type == LC_MSG_WELCOME && self->phase != S_ANNOUNCE)
        msg.settings.flags |= LC_WIRE_FLAG_RUNNING;
    //  A control message that finds no connection is simply repeated later
    if (s_flush (self))
        return -1;
    int rc = lc_links_send (self->links, idx, &msg);
    lc_barrier_announced (&self->barrier, idx, type, rc == 0);
    return rc;
}

static void
s_broadcast (s_machine_t *self, lc_msg_type_t type)
{
    for (size_t i = 0; i < self->barrier.peer_count; i++)
        s_send_control (self, i, type);
}

//  Sends peer idx the acknowledgement due at now, if any (only to a peer
//  that knows our instance: it answered our HELLO, or we never announced
//  ourselves to it in this life). Beside a DATA just sent (which woke both
//  ends already) or a tick (the main thread is awake), one that is pending
//  may go without waiting for the delivery timer.
#define S_ACK_DUE       0           //  s_acknowledge's until: what is due now
#define S_ACK_BESIDE_DATA   INT64_MAX   //  ... with a DATA to the peer

//  until: S_ACK_DUE, S_ACK_BESIDE_DATA, or the next tick's due time (at a
//  tick: what would be due before it)
static void
s_acknowledge (s_machine_t *self, size_t idx, int64_t now, int64_t until)
{
    lc_wire_msg_t ack;
    //  Written first: the ack says what is logged
    if (!self->barrier.peers [idx].answered || s_flush (self))
        return;
    if (until == S_ACK_DUE ? !lc_delivery_ack_due (&self->delivery, idx, now, &ack)
                           : !lc_delivery_ack_rides (&self->delivery, idx, now, until, &ack))
        return;
    ack.sender = self->config->id;
    ack.instance = self->barrier.instance;
    if (lc_links_send (self->links, idx, &ack) == 0)
        lc_delivery_ack_sent (&self->delivery, idx, now);
    else
        lc_delivery_ack_deferred (&self->delivery, idx, now);
}

//  Hands what is due for peer idx to ZeroMQ, until the link takes no more,
//  with the acknowledgement it is owed riding along
static void
s_transmit (s_machine_t *self, size_t idx)
{
    lc_wire_msg_t msg;
    bool sent = false;
    int64_t now = lc_mono_ns ();
    //  Written first: every row of what leaves is on disk
    if (s_flush (self))
        return;
    while (lc_delivery_next (&self->delivery, idx, &msg)) {
        msg.sender = self->config->id;
        if (lc_links_send (self->links, idx, &msg)) {
            lc_delivery_blocked (&self->delivery, idx, now);
            break;
        }
        sent = true;
        if (lc_delivery_sent (&self->delivery, idx, now))
            self->summary.retransmitted++;
    }
    if (sent)
        s_acknowledge (self, idx, now, S_ACK_BESIDE_DATA);
}

//  One send event (docs/model.md): the row lists the peers the message is
//  queued for and is written before any message leaves. A peer that left
//  gets nothing, and so does one for which LC_KEPT_MAX messages wait:
//  those count as send_failed. A peer that is only unreachable gets the
//  message kept for it until it acknowledges it as logged.
static void
s_send_event (s_machine_t *self, const lc_model_step_t *step)
{
    lc_row_t row = { .event = LC_EV_SEND, .has_msg = true };
    size_t queued [LC_PEERS_MAX];       //  the peers the row names
    size_t first = step->to_all ? 0 : step->peer;
    size_t last = step->to_all ? self->barrier.peer_count : step->peer + 1;
    for (size_t i = first; i < last; i++) {
        if (!self->barrier.peers [i].left && lc_delivery_can_queue (&self->delivery, i)) {
            queued [row.peer_count] = i;
            row.peers [row.peer_count++] = (uint16_t) self->barrier.peers [i].id;
        }
        else
            self->summary.send_failed++;
    }
    row.msg_sender = self->config->id;
    row.msg_seq = step->seq;
    row.msg_clock = step->clock;
    if (s_log (self, &row) || s_flush (self))
        return;
    for (size_t i = 0; i < row.peer_count; i++) {
        lc_delivery_queue (&self->delivery, queued [i], step->seq, step->clock);
        self->summary.sent++;
        s_transmit (self, queued [i]);
    }
}

//  --------------------------------------------------------------------------
//  Start and stop

static int s_on_tick (zloop_t *loop, zmq_pollitem_t *item, void *arg);
static int s_on_drained (zloop_t *loop, int timer_id, void *arg);
static int s_on_end (zloop_t *loop, int timer_id, void *arg);
static void s_take_messages (s_machine_t *self);

static void
s_end_timers (s_machine_t *self)
{
    if (self->announce_timer >= 0)
        zloop_timer_end (self->loop, self->announce_timer);
    if (self->timeout_timer >= 0)
        zloop_timer_end (self->loop, self->timeout_timer);
    self->announce_timer = self->timeout_timer = -1;
}

static void s_read_push_monitors (s_machine_t *self);

static void
s_start (s_machine_t *self)
{
    s_end_timers (self);
    //  The links' first handshakes are behind us: nothing to send again
    s_read_push_monitors (self);
    bool resumed = self->config->resume;
    self->log = lc_log_open (self->csv_path, !resumed);
    if (!self->log) {
        lc_notice_say (&self->notice, "cannot create %s: %s", self->csv_path,
                       strerror (errno));
        s_end (self, errno == EEXIST ? LC_EXIT_USAGE : LC_EXIT_FAILURE);
        return;
    }
    lc_log_set_buffer (self->log, LC_LOG_BUFFER);
    self->bench = lc_bench_open (self->config->log_dir, self->config->id);
    self->phase = S_RUN;
    self->barrier.phase = LC_BARRIER_RUN;
    self->summary.stop_reason = LC_STOP_NONE;
    int64_t now_ns = lc_mono_ns ();
    //  After --resume the schedule is still the first start's: t0 moves
    //  onto this process's monotonic clock through the wall clock
    int64_t t0_ns = resumed ? now_ns - (lc_wall_us () - self->summary.start_us) * 1000
                            : now_ns;
    lc_row_t row = { .event = LC_EV_START };
    for (size_t i = 0; i < self->barrier.peer_count; i++)
        row.peers [row.peer_count++] = (uint16_t) self->barrier.peers [i].id;
    if (s_log (self, &row) || s_flush (self))
        return;
    if (!resumed) {
        self->summary.started = true;
        self->summary.start_us = row.time_us;
    }
    lc_schedule_plan (&self->schedule, t0_ns, self->model.rate, self->summary.speed,
                      self->summary.duration,
                      lc_model_ticks_in (&self->model, self->summary.duration));
    //  Ticks that fell due while the machine was down are not run
    if (resumed)
        lc_model_skip_to (&self->model, lc_schedule_due_by (&self->schedule, now_ns));
    if (s_write_summary (self)) {
        s_stop (self, LC_STOP_ERROR);
        return;
    }
    zloop_poller (self->loop, &self->tick_item, s_on_tick, self);
    lc_schedule_arm_after (&self->schedule, self->model.tick);
    if (!self->config->quiet)
        lc_notice_say (&self->notice, "rate %u, speed %g, %g model s: %s, log %s",
                       self->model.rate, self->summary.speed, self->summary.duration,
                       resumed ? "resumed" : "ticking", self->csv_path);
}

static int
s_on_end (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop;
    (void) timer_id;
    s_machine_t *self = (s_machine_t *) arg;
    self->end_timer = -1;
    s_stop (self, LC_STOP_DURATION);
    return s_going_on (self);
}

//  Stop ticking, tell the peers, take messages in for the grace period
static void
s_stop (s_machine_t *self, lc_stop_reason_t reason)
{
    if (self->phase != S_RUN)
        return;
    if (self->end_timer != -1) {
        //  The wait after the end, cut short (a signal is still a signal)
        zloop_timer_end (self->loop, self->end_timer);
        self->end_timer = -1;
    }
    self->phase = S_DRAIN;
    self->barrier.phase = LC_BARRIER_DRAIN;
    self->summary.stop_reason = reason;
    zloop_poller_end (self->loop, &self->tick_item);
    //  What is taken from now on will be unread rows: acknowledged as
    //  logged, unless the log cannot be written any more
    if (self->log)
        lc_delivery_drain (&self->delivery, lc_mono_ns ());
    s_broadcast (self, LC_MSG_BYE);
    self->grace_timer = zloop_timer (self->loop, LC_GRACE_MS, 1, s_on_drained, self);
}

//  While draining: done once every peer has left or is gone, everything
//  sent to it is acknowledged as logged, and every acknowledgement owed to
//  it has gone out; else the grace period decides
static void
s_maybe_drained (s_machine_t *self)
{
    if (self->phase != S_DRAIN || self->ended)
        return;
    for (size_t i = 0; i < self->barrier.peer_count; i++) {
        bool gone = !lc_links_writable (self->links, i);
        if ((!self->barrier.peers [i].left && !gone)
        ||  lc_delivery_kept (&self->delivery, i)
        ||  (!gone && lc_delivery_ack_pending (&self->delivery, i)))
            return;
    }
    zloop_timer_end (self->loop, self->grace_timer);
    s_on_drained (self->loop, self->grace_timer, self);
}

static int
s_on_drained (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop;
    (void) timer_id;
    s_machine_t *self = (s_machine_t *) arg;
    //  The last messages taken below may complete the drain again (an ACK,
    //  a BYE: s_maybe_drained): the last rows are written once
    if (self->phase != S_DRAIN)
        return s_going_on (self);
    self->phase = S_FINAL;
    s_take_messages (self);
    //  unread, unacked and stop rows carry the number left as queue
    //  (docs/log-format.md)
    for (size_t i = 0; i < self->inbox.length; i++) {
        s_log_message (self, LC_EV_UNREAD, lc_inbox_at (&self->inbox, i));
        self->summary.unread++;
    }
    for (size_t i = 0; i < self->barrier.peer_count; i++)
        for (size_t k = 0; k < lc_delivery_kept (&self->delivery, i); k++) {
            const lc_kept_t *kept = lc_delivery_kept_at (&self->delivery, i, k);
            lc_row_t row = { .event = LC_EV_UNACKED, .has_msg = true, .peer_count = 1,
                             .msg_sender = self->config->id, .msg_seq = kept->seq,
                             .msg_clock = kept->clock };
            row.peers [0] = (uint16_t) self->barrier.peers [i].id;
            s_log (self, &row);
            self->summary.unacked++;
        }
    lc_row_t row = { .event = LC_EV_STOP };
    s_log (self, &row);
    s_flush (self);
    self->summary.stop_us = row.time_us ? row.time_us : lc_wall_us ();
    lc_inbox_reset (&self->inbox);
    bool failed = s_write_summary (self) || self->summary.stop_reason == LC_STOP_ERROR;
    lc_notice_flush (&self->notice, true, lc_mono_ns ());
    if (!self->config->quiet)
        lc_notice_say (&self->notice, "stopped (%s): %" PRIu64 " ticks, clock %" PRIu64
                       ", sent %" PRIu64 ", received %" PRIu64 ", unread %" PRIu64
                       ", unacked %" PRIu64 ", late ticks %" PRIu64 " (worst %.3f ms)",
                       lc_stop_reason_name (self->summary.stop_reason), self->model.tick,
                       self->model.clock, self->summary.sent, self->summary.received,
                       self->summary.unread, self->summary.unacked,
                       self->schedule.late_ticks,
                       (double) self->schedule.max_lateness_ns / 1e6);
    s_end (self, failed ? LC_EXIT_FAILURE : LC_EXIT_OK);
    return s_going_on (self);
}

//  --------------------------------------------------------------------------
//  Ticks

static void
s_run_tick (s_machine_t *self)
{
    lc_inbox_item_t item = { 0 };
    bool has_message = self->inbox.length > 0;
    if (has_message)
        item = lc_inbox_pop (&self->inbox);
    lc_model_step_t step = lc_model_tick (&self->model, has_message, item.clock);
    if (step.kind == LC_STEP_RECV) {
        self->summary.received++;
        if (s_log_message (self, LC_EV_RECV, &item) == 0)
            s_logged (self, item.peer, item.seq);
    }
    else
    if (step.kind == LC_STEP_INTERNAL) {
        lc_row_t row = { .event = LC_EV_INTERNAL };
        s_log (self, &row);
    }
    else
        s_send_event (self, &step);
}

//  How long ticks may run back to back before the loop gets a turn
static int64_t
s_batch_ns (s_machine_t *self)
{
    int64_t period = (int64_t) self->schedule.period_ns;
    if (period < LC_TICK_BATCH_US * 1000LL)
        return LC_TICK_BATCH_US * 1000LL;
    return period < LC_SIGNAL_MS * 1000000LL ? period : LC_SIGNAL_MS * 1000000LL;
}

static int
s_on_tick (zloop_t *loop, zmq_pollitem_t *item, void *arg)
{
    (void) loop;
    (void) item;
    s_machine_t *self = (s_machine_t *) arg;
    lc_schedule_clear (&self->schedule);
    int64_t now = lc_mono_ns ();
    //  Behind schedule, due ticks run back to back; the loop gets a turn
    //  at least every tick period (LC_TICK_BATCH_US at the shortest, 100 ms
    //  at the longest), so that signals and messages are never kept waiting
    int64_t until = now + s_batch_ns (self);
    while (self->phase == S_RUN && self->model.tick < self->schedule.ticks
    &&     lc_schedule_due (&self->schedule, self->model.tick + 1) <= now
    &&     now <= until) {
        //  A tick sees every message that had arrived by then: behind
        //  schedule too, each tick takes in what came during the last
        s_take_messages (self);
        if (self->phase != S_RUN)
            break;
        lc_schedule_ran (&self->schedule, self->model.tick + 1, now);
        s_run_tick (self);
        //  Each tick's rows written before the next tick runs: a crash
        //  loses at most the rows of the current tick
        if (s_flush (self))
            break;
        now = lc_mono_ns ();
    }
    if (self->phase != S_RUN)
        return s_going_on (self);
    //  Awake anyway: acknowledgements due before the next tick go now
    int64_t next = lc_schedule_due (&self->schedule, self->model.tick + 1);
    for (size_t i = 0; i < self->barrier.peer_count; i++)
        if (lc_delivery_ack_pending (&self->delivery, i))
            s_acknowledge (self, i, now, next);
    lc_notice_flush (&self->notice, false, now);
    if (self->model.tick >= self->schedule.ticks && now >= self->schedule.end_ns) {
        //  The run's end (t0 + duration) comes within the start's spread
        //  of every peer's (a few ms for 3 machines, up to 240 ms for 128
        //  on two cores), and their last ticks before it: the stop, whose
        //  acknowledgements (no longer waiting for a DATA to ride with)
        //  and BYEs go to every peer at once, waits for them. The timerfd
        //  is not armed again.
        self->end_timer = zloop_timer (self->loop, LC_END_DELAY_MS + LC_END_DELAY_PEER_MS
                                       * self->barrier.peer_count, 1, s_on_end, self);
    }
    else
        lc_schedule_arm_after (&self->schedule, self->model.tick);
    return s_going_on (self);
}

//  --------------------------------------------------------------------------
//  Control messages: carrying out the barrier's decisions

static void
s_reject (s_machine_t *self, const char *reason)
{
    self->summary.rejected++;
    lc_notice_event (&self->notice, LC_NOTICE_REJECTED, reason, lc_mono_ns ());
}

static int s_on_refuse_end (zloop_t *loop, int timer_id, void *arg);

//  How long a refusing machine answers at most: a peer of another protocol
//  version, whose answers cannot be read, LC_REFUSE_LINGER_MS; any other
//  until --start-timeout, and LC_REFUSE_WAIT_MS at most even with
//  --start-timeout 0 (forever): the peer did appear, and if it died or its
//  link never came up, waiting longer changes nothing of the refusal
static size_t
s_refuse_wait_ms (s_machine_t *self, const lc_barrier_decision_t *decision)
{
    if (decision->unreadable)
        return LC_REFUSE_LINGER_MS;
    int64_t left_ms = (self->start_deadline_ns - lc_mono_ns ()) / 1000000;
    if (left_ms >= LC_REFUSE_WAIT_MS)
        return LC_REFUSE_WAIT_MS;
    return left_ms > 0 ? (size_t) left_ms : 1;
}

//  A peer has other run settings: said once. The machine goes on answering
//  until that peer has our settings and knows we have its (s_refusing),
//  so that both name the difference and exit 2 however slowly either
//  starts, or until s_refuse_wait_ms ends, which replaces the start timeout
static void
s_refuse (s_machine_t *self, size_t idx, const lc_barrier_decision_t *decision)
{
    if (self->refusing)
        return;
    self->refusing = true;
    self->refused_idx = idx;
    lc_notice_say (&self->notice, "machine %u has different run settings: %s is %s here "
                   "and %s there; start every machine with the same settings",
                   self->barrier.peers [idx].id, decision->setting, decision->here,
                   decision->there);
    if (self->timeout_timer >= 0)
        zloop_timer_end (self->loop, self->timeout_timer);
    self->refused_unreadable = decision->unreadable;
    self->refused_wait_ms = s_refuse_wait_ms (self, decision);
    self->timeout_timer = zloop_timer (self->loop, self->refused_wait_ms, 1,
                                       s_on_refuse_end, self);
}

//  The refusal's time is up: a peer of another version cannot confirm and
//  is not asked to; any other did not
static int
s_on_refuse_end (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop;
    (void) timer_id;
    s_machine_t *self = (s_machine_t *) arg;
    self->timeout_timer = -1;
    if (!self->refused_unreadable)
        lc_notice_say (&self->notice, "machine %u did not confirm within %g s that it "
                       "heard our settings", self->barrier.peers [self->refused_idx].id,
                       self->refused_wait_ms / 1000.0);
    s_end (self, LC_EXIT_USAGE);
    return s_going_on (self);
}

//  Exits 2 once the refused peer has answered our HELLO (its WELCOME: it
//  has our settings) and our WELCOME to its HELLO went out (it will hear
//  that we have its). Each side's HELLOs go on until answered, so both
//  conditions come true on both sides while both live.
static void
s_refusing (s_machine_t *self, size_t idx, bool welcomed_us, bool we_welcomed)
{
    if (!self->refusing || idx != self->refused_idx)
        return;
    self->refused_heard_us |= welcomed_us;
    self->refused_told |= we_welcomed;
    if (self->refused_heard_us && self->refused_told)
        s_end (self, LC_EXIT_USAGE);
}

//  Carries out the barrier's decision; returns true if a WELCOME to the
//  peer went out
static bool
s_carry_out (s_machine_t *self, size_t idx, const lc_barrier_decision_t *decision)
{
    if (decision->verdict == LC_BARRIER_REJECT) {
        s_reject (self, decision->reason);
        return false;
    }
    bool welcomed = false;
    if (decision->sends & LC_BARRIER_WELCOME)
        welcomed = s_send_control (self, idx, LC_MSG_WELCOME) == 0;
    if (decision->sends & LC_BARRIER_READY)
        s_send_control (self, idx, LC_MSG_READY);
    if (decision->sends & LC_BARRIER_BYE)
        s_send_control (self, idx, LC_MSG_BYE);
    if (decision->sends & LC_BARRIER_READY_ALL)
        s_broadcast (self, LC_MSG_READY);
    if (decision->verdict == LC_BARRIER_REFUSE)
        s_refuse (self, idx, decision);
    else
    if (decision->start && self->phase == S_ANNOUNCE && !self->refusing)
        s_start (self);
    return welcomed;
}

//  --------------------------------------------------------------------------
//  Receiving

//  A DATA: taken into the buffer in its sender's order, once
static void
s_take_data (s_machine_t *self, size_t idx, const lc_wire_msg_t *msg)
{
    if (msg->clock > self->clock_limit) {
        s_reject (self, "clock beyond what peers accept");
        return;
    }
    //  A full buffer takes nothing: the message comes again
    if (self->inbox.length >= LC_QUEUE_MAX)
        return;
    switch (lc_delivery_take (&self->delivery, idx, msg->seq, msg->prev, lc_mono_ns ())) {
        case LC_TAKE: {
            lc_inbox_item_t item = { .sender = msg->sender, .peer = (uint32_t) idx,
                                     .seq = msg->seq, .clock = msg->clock };
            bool pushed = lc_inbox_push (&self->inbox, &item);
            assert (pushed);
            lc_bench_arrival (self->bench, msg->sender, msg->seq);
            break;
        }
        case LC_TAKE_DUPLICATE:
            self->summary.duplicates++;
            break;
        case LC_TAKE_GAP:
            break;              //  it comes again, after its predecessor
        case LC_TAKE_CONTRADICTS:
            s_reject (self, "DATA out of its sender's order");
            break;
    }
}

static void
s_take_ack (s_machine_t *self, size_t idx, const lc_wire_msg_t *msg)
{
    if (!lc_barrier_accept_instance (&self->barrier, idx, msg->instance))
        s_reject (self, "ACK from an instance the run does not know");
    else
    if (lc_delivery_ack (&self->delivery, idx, msg, lc_mono_ns ()))
        s_reject (self, "ACK of messages never sent to that machine");
    else {
        s_transmit (self, idx);
        s_maybe_drained (self);
    }
}

static void
s_handle (s_machine_t *self, size_t idx, const lc_wire_msg_t *msg)
{
    if (msg->type == LC_MSG_DATA) {
        s_take_data (self, idx, msg);
        return;
    }
    if (msg->type == LC_MSG_ACK) {
        s_take_ack (self, idx, msg);
        return;
    }
    lc_barrier_decision_t decision = lc_barrier_handle (&self->barrier, idx, msg);
    bool welcomed = s_carry_out (self, idx, &decision);
    if (decision.verdict == LC_BARRIER_REFUSE)
        s_refusing (self, idx, msg->type == LC_MSG_WELCOME, welcomed);
    if (decision.verdict == LC_BARRIER_REJECT || decision.verdict == LC_BARRIER_REFUSE)
        return;
    //  It (re)appeared, or answered us: it knows our instance now and
    //  wants to hear what we took of its messages
    if (msg->type == LC_MSG_HELLO || msg->type == LC_MSG_WELCOME)
        lc_delivery_ack_now (&self->delivery, idx);
    if (decision.rejoined)
        lc_delivery_restarted (&self->delivery, idx, msg->instance);
    if (decision.left)
        s_maybe_drained (self);
}

//  Takes one message off the PULL socket; false when none waits
static bool
s_take_one (s_machine_t *self)
{
    lc_wire_msg_t msg;
    size_t idx;
    const char *reason;
    lc_links_read_t got = lc_links_read (self->links, &msg, &idx, &reason);
    if (got == LC_LINKS_MESSAGE)
        s_handle (self, idx, &msg);
    else
    if (got == LC_LINKS_BAD)
        s_reject (self, reason);
    else
    if (got == LC_LINKS_OTHER_VERSION) {
        lc_barrier_decision_t decision = lc_barrier_other_version (&self->barrier, idx);
        s_carry_out (self, idx, &decision);
    }
    return got != LC_LINKS_NONE;
}

static void
s_take_messages (s_machine_t *self)
{
    while (!self->ended && s_take_one (self))
        ;
}

//  Takes at most LC_READ_BATCH messages per call, so that a flood cannot
//  keep the tick timer waiting: zloop calls us again while more wait.
static int
s_on_pull (zloop_t *loop, zsock_t *reader, void *arg)
{
    (void) loop;
    (void) reader;
    s_machine_t *self = (s_machine_t *) arg;
    for (int i = 0; i < LC_READ_BATCH && !self->ended; i++)
        if (!s_take_one (self))
            break;
    return s_going_on (self);
}

//  The PULL socket's monitor: connections ZeroMQ drops by itself
static int
s_on_pull_monitor (zloop_t *loop, zsock_t *reader, void *arg)
{
    (void) loop;
    (void) reader;
    s_machine_t *self = (s_machine_t *) arg;
    //  Attribute every message already delivered before judging a drop
    s_take_messages (self);
    lc_links_event_t event = lc_links_pull_event (self->links);
    if (event == LC_LINKS_EVENT_UNTRUSTED) {
        self->summary.untrusted++;
        lc_notice_event (&self->notice, LC_NOTICE_UNTRUSTED, "CURVE key not in --trust",
                         lc_mono_ns ());
    }
    else
    if (event == LC_LINKS_EVENT_BAD_CONNECTION) {
        self->summary.bad_connections++;
        lc_notice_event (&self->notice, LC_NOTICE_BAD_CONNECTION,
                         "connection dropped before any valid message", lc_mono_ns ());
    }
    return s_going_on (self);
}

//  The events of peer idx's PUSH monitor: our handshakes that it refused,
//  or that failed (wrong server key, a peer without CURVE, not an lclock
//  there), and a link that came back. Not polled by the loop, where one
//  socket per peer would cost every pass a poll(2) per peer: read while
//  announcing (those of unanswered peers, every LC_READY_REFRESH rounds
//  of LC_ANNOUNCE_MS), at the start, and while messages to
//  the peer are outstanding or its link would not take them, when
//  lc_delivery_due calls (a link that came back matters only then).
static void
s_read_push_monitor (s_machine_t *self, size_t idx)
{
    char reason [160];
    lc_links_event_t event;
    while ((event = lc_links_push_event (self->links, idx, reason, sizeof reason))) {
        if (event == LC_LINKS_EVENT_REFUSED) {
            self->refused [idx]++;
            lc_notice_event (&self->notice, LC_NOTICE_REFUSED, reason, lc_mono_ns ());
        }
        else
        if (event == LC_LINKS_EVENT_LINK_UP)
            lc_delivery_link_up (&self->delivery, idx, lc_mono_ns ());
    }
}

static void
s_read_push_monitors (s_machine_t *self)
{
    for (size_t i = 0; i < self->barrier.peer_count; i++)
        s_read_push_monitor (self, i);
}

//  --------------------------------------------------------------------------
//  Announcements, the start timeout and signals

static int
s_on_announce (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop;
    (void) timer_id;
    s_machine_t *self = (s_machine_t *) arg;
    //  Every LC_READY_REFRESH rounds, READY to ready peers too
    bool refresh = ++self->announce_rounds % LC_READY_REFRESH == 0;
    for (size_t i = 0; i < self->barrier.peer_count; i++) {
        lc_msg_type_t type = lc_barrier_announce (&self->barrier, i, refresh);
        if (type)
            s_send_control (self, i, type);
        //  Refused handshakes, counted for the start timeout's message:
        //  once a second is enough
        if (!self->barrier.peers [i].answered && refresh)
            s_read_push_monitor (self, i);
    }
    return s_going_on (self);
}

//  When lc_delivery_due said (s_plan_delivery), and every LC_ACK_MS while
//  draining: acknowledgements that are due, stalled links sent again, what
//  the links would not take before, the end of the drain
static int
s_on_delivery (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop;
    (void) timer_id;
    s_machine_t *self = (s_machine_t *) arg;
    int64_t now = lc_mono_ns ();
    self->delivery_timer = -1;
    self->delivery_due_ns = INT64_MAX;
    self->delivery_ran_ns = now;
    for (size_t i = 0; i < self->barrier.peer_count; i++) {
        if (lc_delivery_due (&self->delivery, i, false) <= now)
            s_read_push_monitor (self, i);
        s_acknowledge (self, i, now, S_ACK_DUE);
        lc_delivery_stalled (&self->delivery, i, now);
        s_transmit (self, i);
    }
    s_maybe_drained (self);
    return s_going_on (self);
}

//  Sets the delivery timer to the earliest moment a peer needs us, or
//  none: an idle machine does not wake for delivery. Acks go only to a
//  peer that knows our instance: it answered our HELLO (or we never
//  announced ourselves to it in this life). While draining, the timer
//  also runs every LC_ACK_MS for the end of the drain.
static void
s_plan_delivery (s_machine_t *self)
{
    int64_t now = lc_mono_ns ();
    bool can_ack [LC_PEERS_MAX];
    for (size_t i = 0; i < self->barrier.peer_count; i++)
        can_ack [i] = self->barrier.peers [i].answered;
    int64_t due = lc_delivery_earliest (&self->delivery, can_ack);
    if (self->phase == S_DRAIN && self->delivery_ran_ns + LC_ACK_MS * 1000000LL < due)
        due = self->delivery_ran_ns + LC_ACK_MS * 1000000LL;
    if (due == self->delivery_due_ns)
        return;
    if (self->delivery_timer >= 0)
        zloop_timer_end (self->loop, self->delivery_timer);
    self->delivery_timer = -1;
    self->delivery_due_ns = due;
    if (due == INT64_MAX)
        return;
    //  zloop's timers count whole milliseconds: at least one from now
    int64_t ms = (due - now + 999999) / 1000000;
    self->delivery_timer = zloop_timer (self->loop, ms > 0 ? (size_t) ms : 1, 1,
                                        s_on_delivery, self);
}

static int
s_on_start_timeout (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop;
    (void) timer_id;
    s_machine_t *self = (s_machine_t *) arg;
    s_read_push_monitors (self);
    char ids [LC_PEERS_MAX * 7];
    bool answered_all;
    size_t count = lc_barrier_missing (&self->barrier, &answered_all, ids, sizeof ids);
    if (!answered_all)
        lc_notice_say (&self->notice, "no answer within --start-timeout %g s from "
                       "machine%s %s; is every machine started, with the right "
                       "endpoints? No log written", self->config->start_timeout,
                       count > 1 ? "s" : "", ids);
    else
        lc_notice_say (&self->notice, "machine%s %s answered but never became ready "
                       "within --start-timeout %g s: they still wait for a peer of "
                       "theirs. No log written", count > 1 ? "s" : "", ids,
                       self->config->start_timeout);
    for (size_t i = 0; i < self->barrier.peer_count; i++)
        if (self->refused [i] && !self->barrier.peers [i].answered)
            lc_notice_say (&self->notice, "machine %u refused our handshake %" PRIu64
                           " time%s: with CURVE, each machine needs the other's public "
                           "certificate in its --trust folder", self->barrier.peers [i].id,
                           self->refused [i], self->refused [i] == 1 ? "" : "s");
    //  No event log (it is created at the start), but a summary that says
    //  why this machine never started
    self->summary.stop_reason = LC_STOP_START_TIMEOUT;
    self->summary.stop_us = lc_wall_us ();
    s_write_summary (self);
    s_end (self, LC_EXIT_START_TIMEOUT);
    return s_going_on (self);
}

static int
s_on_signal (zloop_t *loop, zmq_pollitem_t *item, void *arg)
{
    (void) loop;
    s_machine_t *self = (s_machine_t *) arg;
    struct signalfd_siginfo info;
    if (read (item->fd, &info, sizeof info) != (ssize_t) sizeof info)
        return s_going_on (self);
    if (self->phase == S_ANNOUNCE) {
        lc_notice_say (&self->notice, "stopped by signal %u before the run started; "
                       "no log written", info.ssi_signo);
        s_end (self, self->refusing ? LC_EXIT_USAGE : LC_EXIT_FAILURE);
    }
    else
    if (self->phase == S_RUN) {
        if (!self->config->quiet)
            lc_notice_say (&self->notice, "signal %u: stopping", info.ssi_signo);
        s_stop (self, LC_STOP_SIGNAL);
    }
    return s_going_on (self);
}

//  --------------------------------------------------------------------------
//  Set-up and tear-down

//  SIGINT and SIGTERM through a signalfd, polled like any socket
static int
s_open_signals (s_machine_t *self)
{
    sigset_t mask;
    sigemptyset (&mask);
    sigaddset (&mask, SIGINT);
    sigaddset (&mask, SIGTERM);
    sigprocmask (SIG_BLOCK, &mask, NULL);
    self->signal_item.fd = signalfd (-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    self->signal_item.events = ZMQ_POLLIN;
    if (self->signal_item.fd < 0 || lc_schedule_open (&self->schedule)) {
        lc_notice_say (&self->notice, "cannot create timerfd/signalfd: %s", strerror (errno));
        return -1;
    }
    self->tick_item.fd = self->schedule.fd;
    self->tick_item.events = ZMQ_POLLIN;
    return 0;
}

//  The settings, the summary's constant part and the model, from the
//  configuration (and the OS for a seed that was not given)
static void
s_setup (s_machine_t *self)
{
    lc_config_t *config = self->config;
    lc_summary_t *summary = &self->summary;
    summary->machine = config->id;
    snprintf (summary->version, sizeof summary->version, "%s", LCLOCK_VERSION);
    snprintf (summary->bind, sizeof summary->bind, "%s", config->bind);
    if (config->has_seed)
        summary->seed = config->seed;
    else {
        //  Within 2^53 so that every JSON reader keeps it exact
        if (getrandom (&summary->seed, sizeof summary->seed, 0) != (ssize_t) sizeof summary->seed)
            summary->seed = (uint64_t) lc_wall_us () ^ (uint64_t) getpid ();
        summary->seed &= ((uint64_t) 1 << 53) - 1;
    }
    uint32_t ids [LC_PEERS_MAX + 1];
    ids [0] = config->id;
    summary->peer_count = config->peer_count;
    summary->peers = lc_calloc (config->peer_count, sizeof *summary->peers);
    for (size_t i = 0; i < config->peer_count; i++) {
        ids [i + 1] = summary->peers [i].id = config->peers [i].id;
        snprintf (summary->peers [i].endpoint, sizeof summary->peers [i].endpoint,
                  "%s", config->peers [i].endpoint);
    }
    lc_model_init (&self->model, config->id, summary->seed, config->rate_min,
                   config->rate_max, config->roll, ids + 1, config->peer_count);
    summary->rate = self->model.rate;
    summary->speed = config->speed;
    summary->duration = config->duration;
    summary->roll = config->roll;
    summary->run_id = lc_wire_run_id (config->speed, config->duration, config->roll,
                                      ids, config->peer_count + 1, config->run_nonce);
    lc_settings_t settings = { .run_id = summary->run_id, .speed = config->speed,
                               .duration = config->duration, .roll = config->roll };
    uint64_t instance = 0;
    while (instance == 0)
        if (getrandom (&instance, sizeof instance, 0) != (ssize_t) sizeof instance)
            instance = (uint64_t) lc_wall_us () ^ ((uint64_t) getpid () << 32);
    lc_barrier_init (&self->barrier, &settings, instance, ids + 1, config->peer_count);
    self->refused = lc_calloc (config->peer_count, sizeof *self->refused);
    self->pending = lc_calloc (config->peer_count, sizeof *self->pending);
    self->touched = lc_calloc (config->peer_count, sizeof *self->touched);
    lc_delivery_init (&self->delivery, config->peer_count);
    //  Our clock rises by at most one per tick after a message: a message
    //  whose clock leaves no room for that is refused
    self->clock_limit = LC_CLOCK_MAX - lc_model_ticks_in (&self->model, config->duration) - 1;
    self->notice.id = config->id;
}

//  --resume: rate, seed, first start and restarts from the summary; clock,
//  last tick, send sequence and the counts a log can tell, from the log
static int
s_load_resume (s_machine_t *self)
{
    lc_summary_t before;
    char error [LC_SUMMARY_ERROR_MAX + LC_RESUME_ERROR_MAX];
    if (lc_summary_read (&before, self->json_path, error, sizeof error)) {
        lc_notice_say (&self->notice, "--resume: %s", error);
        return -1;
    }
    if (before.machine != self->config->id) {
        lc_notice_say (&self->notice, "--resume: %s is the summary of machine %u, not %u",
                       self->json_path, before.machine, self->config->id);
        lc_summary_reset (&before);
        return -1;
    }
    self->summary.rate = before.rate;
    self->summary.seed = before.seed;
    self->summary.restarts = before.restarts + 1;
    lc_summary_reset (&before);

    lc_resume_t resume;
    uint32_t peers [LC_PEERS_MAX];
    for (size_t i = 0; i < self->barrier.peer_count; i++)
        peers [i] = self->barrier.peers [i].id;
    if (lc_resume_read (self->csv_path, &resume, &self->delivery, peers,
                        self->barrier.peer_count, error, sizeof error)) {
        lc_notice_say (&self->notice, "--resume: %s", error);
        return -1;
    }
    if (resume.torn)
        lc_notice_say (&self->notice, "--resume: %s: removed a last line cut short by "
                       "the crash (%zu bytes)", self->csv_path, resume.torn_bytes);
    self->summary.started = true;
    self->summary.start_us = resume.t0_wall_us;
    self->summary.sent = resume.sent;
    self->summary.received = resume.received;
    lc_model_resume (&self->model, self->summary.rate, self->summary.seed,
                     self->summary.restarts, resume.tick, resume.clock, resume.seq);
    //  What was in the buffer is gone: every peer hears at once what was
    //  logged of its messages, and sends the rest again
    for (size_t i = 0; i < self->barrier.peer_count; i++)
        lc_delivery_ack_now (&self->delivery, i);
    return 0;
}

//  One live process per machine id and log folder: a lock on
//  log-dir/machine-ID.lock, taken before any of its files is touched and
//  held until the process ends (the kernel lets go of it if it crashes)
static int
s_lock (s_machine_t *self)
{
    self->lock_path = zsys_sprintf ("%s/machine-%u.lock", self->config->log_dir,
                                    self->config->id);
    self->lock_fd = open (self->lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (self->lock_fd < 0) {
        lc_notice_say (&self->notice, "cannot create %s: %s", self->lock_path,
                       strerror (errno));
        return -1;
    }
    if (flock (self->lock_fd, LOCK_EX | LOCK_NB) == 0)
        return 0;
    if (errno == EWOULDBLOCK)
        lc_notice_say (&self->notice, "machine %u is already running with --log-dir %s "
                       "(%s is locked); stop it first, or give this one another id",
                       self->config->id, self->config->log_dir, self->lock_path);
    else
        lc_notice_say (&self->notice, "cannot lock %s: %s", self->lock_path,
                       strerror (errno));
    close (self->lock_fd);
    self->lock_fd = -1;
    zstr_free (&self->lock_path);   //  not ours to remove
    return -1;
}

//  Creates the log directory and refuses an existing log (docs/log-format.md)
static int
s_prepare_logs (s_machine_t *self)
{
    lc_config_t *config = self->config;
    if (lc_file_mkdir_p (config->log_dir) != 0) {
        lc_notice_say (&self->notice, "--log-dir %s: cannot create: %s", config->log_dir,
                       strerror (errno));
        return LC_EXIT_USAGE;
    }
    self->csv_path = zsys_sprintf ("%s/machine-%u.csv", config->log_dir, config->id);
    self->json_path = zsys_sprintf ("%s/machine-%u.json", config->log_dir, config->id);
    if (s_lock (self))
        return LC_EXIT_USAGE;
    if (config->resume) {
        if (!zsys_file_exists (self->csv_path)) {
            lc_notice_say (&self->notice, "--resume: %s does not exist; nothing to resume",
                           self->csv_path);
            return LC_EXIT_USAGE;
        }
        //  A FIFO or a device would hang the reads below
        const char *paths [] = { self->json_path, self->csv_path }, *why;
        for (size_t i = 0; i < 2; i++)
            if (lc_file_check_regular (paths [i], &why)) {
                lc_notice_say (&self->notice, "--resume: %s: %s", paths [i], why);
                return LC_EXIT_USAGE;
            }
        return s_load_resume (self) ? LC_EXIT_USAGE : 0;
    }
    if (zsys_file_exists (self->csv_path)) {
        lc_notice_say (&self->notice, "%s already exists: logs are never overwritten; "
                       "choose another --log-dir, or --resume after a crash", self->csv_path);
        return LC_EXIT_USAGE;
    }
    return 0;
}

//  ZeroMQ's socket limit (czmq's default is 1024) and the process's file
//  descriptors, for this many peers: each takes a PUSH socket, its monitor
//  and libzmq's end of that monitor, a connection out and one in
static int
s_check_limits (s_machine_t *self)
{
    size_t peers = self->barrier.peer_count;
    zsys_set_max_sockets (LC_SOCKETS_BASE + LC_SOCKETS_PER_PEER * peers);
    rlim_t need = (rlim_t) (LC_FDS_BASE + LC_FDS_PER_PEER * peers);
    struct rlimit limit;
    if (getrlimit (RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= need)
        return 0;
    if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < need) {
        lc_notice_say (&self->notice, "%zu peers need %llu file descriptors, but the "
                       "limit is %llu (ulimit -Hn); raise it, or run fewer machines",
                       peers, (unsigned long long) need,
                       (unsigned long long) limit.rlim_max);
        return -1;
    }
    limit.rlim_cur = need;
    if (setrlimit (RLIMIT_NOFILE, &limit) != 0) {
        lc_notice_say (&self->notice, "%zu peers need %llu file descriptors: cannot "
                       "raise the limit: %s", peers, (unsigned long long) need,
                       strerror (errno));
        return -1;
    }
    return 0;
}

//  IPv6 where an endpoint asks for it: libzmq opens IPv4 sockets only
//  unless told (and a wildcard bind then takes both)
static void
s_want_ipv6 (s_machine_t *self)
{
    bool ipv6 = strchr (self->config->bind, '[') != NULL;
    for (size_t i = 0; i < self->config->peer_count; i++)
        ipv6 |= strchr (self->config->peers [i].endpoint, '[') != NULL;
    if (ipv6)
        zsys_set_ipv6 (1);
}

//  The sockets: CURVE certificates first (zauth must run before the bind)
static int
s_open_links (s_machine_t *self)
{
    lc_config_t *config = self->config;
    char error [LC_CERT_ERROR_MAX + LC_LINKS_ERROR_MAX];
    uint32_t ids [LC_PEERS_MAX];
    const char *endpoints [LC_PEERS_MAX];
    for (size_t i = 0; i < config->peer_count; i++) {
        ids [i] = config->peers [i].id;
        endpoints [i] = config->peers [i].endpoint;
    }
    if (*config->cert) {
        self->cert = lc_cert_load (config->cert, config->trust, ids, config->peer_count,
                                   error, sizeof error);
        if (!self->cert) {
            lc_notice_say (&self->notice, "%s", error);
            return -1;
        }
        self->summary.curve = true;
    }
    self->links = lc_links_new (config->bind, ids, endpoints, config->peer_count,
                                self->cert, error, sizeof error);
    if (!self->links) {
        lc_notice_say (&self->notice, "%s", error);
        return -1;
    }
    //  Said once: without CURVE, whoever reaches the port can pose as a peer
    if (!self->cert && !lc_endpoint_is_local (config->bind))
        lc_notice_say (&self->notice, "links are not authenticated: anyone who reaches "
                       "%s can pose as a peer and feed this run; give every machine "
                       "--cert and --trust (docs/lan.md, CURVE)", config->bind);
    return 0;
}

static void
s_open_loop (s_machine_t *self)
{
    self->loop = zloop_new ();
    assert (self->loop);
    zloop_reader (self->loop, lc_links_pull (self->links), s_on_pull, self);
    zloop_reader (self->loop, lc_links_pull_monitor (self->links), s_on_pull_monitor, self);
    zloop_poller (self->loop, &self->signal_item, s_on_signal, self);
    self->announce_timer = zloop_timer (self->loop, LC_ANNOUNCE_MS, 0, s_on_announce, self);
    self->start_deadline_ns = INT64_MAX;
    if (self->config->start_timeout > 0) {
        size_t ms = (size_t) ceil (self->config->start_timeout * 1000);
        self->start_deadline_ns = lc_mono_ns () + (int64_t) ms * 1000000;
        self->timeout_timer = zloop_timer (self->loop, ms, 1, s_on_start_timeout, self);
    }
}

static int
s_run (s_machine_t *self)
{
    int rc = s_prepare_logs (self);
    if (rc)
        return rc;
    //  czmq's SIGINT handler would end zloop before the stop rows
    zsys_handler_set (NULL);
    signal (SIGPIPE, SIG_IGN);
    if (s_open_signals (self))
        return LC_EXIT_FAILURE;
    if (s_check_limits (self))
        return LC_EXIT_USAGE;
    s_want_ipv6 (self);
    if (s_open_links (self))
        return LC_EXIT_USAGE;
    s_open_loop (self);
    if (!self->config->quiet)
        lc_notice_say (&self->notice, "bound %s, waiting for %zu peer%s",
                       self->config->bind, self->barrier.peer_count,
                       self->barrier.peer_count == 1 ? "" : "s");
    s_on_announce (self->loop, 0, self);
    if (self->barrier.peer_count == 0)
        s_start (self);
    if (!self->ended)
        zloop_start (self->loop);
    //  Only s_end leaves the loop: czmq's interrupt handler is off
    assert (self->ended);
    return self->exit_status;
}

static void
s_destroy (s_machine_t *self)
{
    zloop_destroy (&self->loop);
    lc_links_destroy (&self->links);
    lc_cert_destroy (&self->cert);
    lc_schedule_close (&self->schedule);
    if (self->signal_item.fd >= 0)
        close (self->signal_item.fd);
    lc_log_destroy (&self->log);
    lc_bench_close (&self->bench);
    lc_inbox_reset (&self->inbox);
    lc_barrier_reset (&self->barrier);
    lc_delivery_reset (&self->delivery);
    lc_summary_reset (&self->summary);
    free (self->refused);
    free (self->pending);
    free (self->touched);
    zstr_free (&self->csv_path);
    zstr_free (&self->json_path);
    if (self->lock_fd >= 0) {
        unlink (self->lock_path);
        close (self->lock_fd);
    }
    zstr_free (&self->lock_path);
}

int
lc_machine_main (int argc, char *argv [])
{
    lc_config_t *config = lc_calloc (1, sizeof *config);
    int rc = lc_config_parse (config, argc, argv);
    if (rc != 0) {
        free (config);
        return rc > 0 ? LC_EXIT_OK : LC_EXIT_USAGE;
    }
    s_machine_t self = { .config = config, .announce_timer = -1, .timeout_timer = -1,
                         .grace_timer = -1, .end_timer = -1, .delivery_timer = -1,
                         .delivery_due_ns = INT64_MAX, .lock_fd = -1,
                         .signal_item.fd = -1, .schedule.fd = -1 };
    s_setup (&self);
    rc = s_run (&self);
    s_destroy (&self);
    free (config);
    return rc;
}
