/*  lc_machine.c - one model machine: sockets, reactor, ticks, start, stop.

    One process, one single-threaded zloop (docs/model.md, docs/cli.md):

    - a PULL socket, bound; its reader moves every message that arrives
      into the machine's own FIFO at once, so the FIFO length is the queue
      length (ZeroMQ's own queues stay near empty);
    - one PUSH socket per peer, connected, ZMQ_IMMEDIATE so that a send to
      a peer with no live connection fails at once instead of piling up,
      every send ZMQ_DONTWAIT so that a dead peer never stalls a tick;
    - a timerfd on CLOCK_MONOTONIC, armed at absolute due times: tick k is
      due at t0 + k / (rate * speed), whatever the handlers cost (zloop's
      own timers have whole-millisecond resolution and drift);
    - a signalfd for SIGINT and SIGTERM (czmq's own handler is off: it
      would end zloop before we could drain and write the stop rows);
    - a socket monitor on the PULL socket, to count the connections that
      ZeroMQ drops by itself (not ZMTP, oversize message, failed CURVE).

    Phases: ANNOUNCE (HELLO every 100 ms until every peer has answered,
    then READY; start when every peer is ready), RUN (ticks), DRAIN (after
    the end, a signal or an error: BYE to every peer, 1 s of wall time
    taking messages in), then the unread rows, the stop row and the summary.
*/
#include "lc_machine.h"
#include "lc_alloc.h"
#include "lc_clock.h"
#include "lc_config.h"
#include "lc_file.h"
#include "lc_log.h"
#include "lc_model.h"
#include "lc_summary.h"
#include "lc_wire.h"

#include <czmq.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>

#define S_NS_PER_SEC    1000000000LL
#define S_FD_TRACKED    65536       //  monitor tracks sockets below this fd

typedef enum {
    S_ANNOUNCE,                 //  looking for peers
    S_RUN,                      //  ticking
    S_DRAIN,                    //  stopped ticking, taking messages in
    S_DONE                      //  logs complete
} s_phase_t;

typedef struct {
    uint32_t id;                //  peer's machine id
    const char *endpoint;       //  its PULL endpoint (in the config)
    char server_key [41];       //  CURVE: its public key (Z85), or ""
    zsock_t *push;              //  our PUSH to it
    zsock_t *monitor;           //  PAIR reading the PUSH socket's events
    uint64_t refused;           //  handshakes it refused (or that failed)
    bool answered;              //  it answered our HELLO (our link works)
    bool ready;                 //  it said READY
    bool left;                  //  it said BYE: no more sends to it
} s_peer_t;

typedef struct {
    uint32_t sender;            //  sender id
    uint64_t seq;               //  sender's send sequence number
    uint64_t clock;             //  clock carried
} s_queued_t;

//  What is reported on stderr at a bounded rate
typedef enum {
    S_REPORT_REJECTED,          //  delivered messages that failed validation
    S_REPORT_BAD_CONNECTION,    //  connections that carried nothing valid
    S_REPORT_UNTRUSTED,         //  CURVE clients refused by our zauth
    S_REPORT_REFUSED,           //  our handshakes that a peer refused
    S_REPORT_KINDS              //  number of kinds
} s_report_kind_t;

static const char *s_report_names [S_REPORT_KINDS] = {
    "rejected messages", "bad connections", "untrusted peers refused",
    "handshakes refused by peers"
};

typedef struct {
    uint64_t count;             //  events not reported yet
    int64_t last_ns;            //  monotonic time of the last report line
    char last_reason [160];     //  reason of the most recent event (a copy:
                                //  callers may pass text on their stack)
} s_rate_limit_t;

typedef struct {
    lc_config_t *config;        //  options and cluster file
    lc_settings_t settings;     //  run settings, as announced
    uint64_t seed;              //  the run seed
    lc_model_t model;           //  rate, tick, clock, seq, RNG (the rules)
    s_phase_t phase;            //  where the machine is
    zloop_t *loop;              //  the reactor
    zsock_t *pull;              //  our PULL socket, bound
    zsock_t *monitor;           //  PAIR reading the PULL socket's events
    zcert_t *cert;              //  CURVE: our certificate, or NULL
    zactor_t *auth;             //  CURVE: zauth checking clients
    s_peer_t *peers;            //  one per peer, ascending id
    size_t peer_count;          //  number of peers
    zmq_pollitem_t tick_item;   //  the timerfd, as zloop poll item
    zmq_pollitem_t signal_item; //  the signalfd, as zloop poll item
    int announce_timer;         //  zloop timer id, or -1
    int timeout_timer;          //  zloop timer id, or -1
    s_queued_t *fifo;           //  the receive buffer (ring)
    size_t fifo_cap;            //  ring capacity
    size_t fifo_head;           //  index of the oldest message
    size_t fifo_len;            //  messages in the buffer: the queue length
    lc_log_t *log;              //  the CSV event log, from start on
    char *csv_path;             //  log-dir/machine-ID.csv
    char *json_path;            //  log-dir/machine-ID.json
    int64_t t0_ns;              //  monotonic time of the start row
    int64_t stop_us;            //  wall time of the stop row, us
    uint64_t ticks_due;         //  ticks of the run: floor (rate * duration)
    int64_t end_ns;             //  monotonic end: t0 + duration / speed
    uint64_t late_ticks;        //  ticks run more than 1 ms after due
    int64_t max_lateness_ns;    //  worst lateness seen
    uint64_t sent;              //  messages queued, one per recipient
    uint64_t send_failed;       //  messages that could not be queued
    uint64_t received;          //  recv rows
    uint64_t unread;            //  unread rows
    uint64_t rejected;          //  delivered messages that failed validation
    uint64_t bad_connections;   //  connections ZeroMQ dropped by itself
    uint64_t untrusted;         //  failed CURVE handshakes
    uint64_t restarts;          //  --resume count
    int64_t t0_wall_us;         //  wall time of the first start row, or 0
    s_rate_limit_t reports [S_REPORT_KINDS];    //  stderr reports, by kind
    uint8_t *fd_valid;          //  per PULL connection fd: 1 once a valid
                                //  message came through it
    lc_stop_reason_t stop_reason;   //  why it stopped (when S_DONE)
    int exit_status;            //  what the process returns
} s_machine_t;

//  --------------------------------------------------------------------------
//  Time

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

//  Monotonic due time of tick k
static int64_t
s_due_ns (s_machine_t *self, uint64_t k)
{
    double period = (double) S_NS_PER_SEC / ((double) self->model.rate * self->settings.speed);
    return self->t0_ns + (int64_t) llround ((double) k * period);
}

static void
s_arm (s_machine_t *self, int64_t when_ns)
{
    struct itimerspec spec = { { 0, 0 }, { when_ns / S_NS_PER_SEC, when_ns % S_NS_PER_SEC } };
    if (when_ns <= 0)
        spec.it_value.tv_nsec = 1;      //  zero would disarm
    timerfd_settime (self->tick_item.fd, TFD_TIMER_ABSTIME, &spec, NULL);
}

//  --------------------------------------------------------------------------
//  Reports on stderr, at most one line per LC_REPORT_EVERY_MS per kind

static void
s_say (s_machine_t *self, const char *format, ...) CHECK_PRINTF (2);

static void
s_say (s_machine_t *self, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    fprintf (stderr, "lclock machine %u: ", self->config->id);
    vfprintf (stderr, format, args);
    fprintf (stderr, "\n");
    va_end (args);
}

//  One line for the events of this kind not reported yet
static void
s_report_line (s_machine_t *self, s_report_kind_t kind, int64_t now)
{
    s_rate_limit_t *limit = &self->reports [kind];
    s_say (self, "%s %" PRIu64 " (last: %s)", s_report_names [kind],
           limit->count, limit->last_reason);
    limit->count = 0;
    limit->last_ns = now;
}

//  An event of this kind: said at once, unless a line was said less than
//  LC_REPORT_EVERY_MS ago (then it waits for s_reports_due)
static void
s_report (s_machine_t *self, s_report_kind_t kind, const char *reason)
{
    s_rate_limit_t *limit = &self->reports [kind];
    limit->count++;
    snprintf (limit->last_reason, sizeof limit->last_reason, "%s", reason);
    int64_t now = s_mono_ns ();
    if (now - limit->last_ns >= LC_REPORT_EVERY_MS * 1000000LL)
        s_report_line (self, kind, now);
}

//  Says the events that waited for their period to end (every one with
//  all, at stop). Called on every tick, so a burst is summed up within
//  about a second of its end, without a timer of its own.
static void
s_reports_due (s_machine_t *self, bool all)
{
    int64_t now = s_mono_ns ();
    for (int kind = 0; kind < S_REPORT_KINDS; kind++) {
        s_rate_limit_t *limit = &self->reports [kind];
        if (limit->count
        &&  (all || now - limit->last_ns >= LC_REPORT_EVERY_MS * 1000000LL))
            s_report_line (self, (s_report_kind_t) kind, now);
    }
}

//  --------------------------------------------------------------------------
//  The summary: machine-ID.json, replaced atomically

static int
s_write_summary (s_machine_t *self)
{
    lc_config_t *config = self->config;
    lc_summary_t summary = {
        .machine = config->id,
        .run_id = self->settings.run_id,
        .rate = self->model.rate,
        .speed = self->settings.speed,
        .duration = self->settings.duration,
        .roll = self->settings.roll,
        .seed = self->seed,
        .curve = self->cert != NULL,
        .started = self->t0_wall_us != 0,
        .start_us = self->t0_wall_us,
        .stop_reason = self->phase == S_DONE ? self->stop_reason : LC_STOP_NONE,
        .stop_us = self->stop_us,
        .restarts = self->restarts,
        .ticks = self->model.tick,
        .late_ticks = self->late_ticks,
        .max_lateness_ms = (double) llround ((double) self->max_lateness_ns / 1e3) / 1e3,
        .sent = self->sent,
        .send_failed = self->send_failed,
        .received = self->received,
        .unread = self->unread,
        .rejected = self->rejected,
        .bad_connections = self->bad_connections,
        .untrusted = self->untrusted,
        .final_clock = self->model.clock
    };
    snprintf (summary.version, sizeof summary.version, "%s", LCLOCK_VERSION);
    snprintf (summary.bind, sizeof summary.bind, "%s", config->bind);
    summary.peer_count = config->peer_count;
    summary.peers = lc_calloc (config->peer_count, sizeof *summary.peers);
    for (size_t i = 0; i < config->peer_count; i++) {
        summary.peers [i].id = config->peers [i].id;
        snprintf (summary.peers [i].endpoint, sizeof summary.peers [i].endpoint,
                  "%s", config->peers [i].endpoint);
    }
    char error [LC_SUMMARY_ERROR_MAX];
    int rc = lc_summary_write (&summary, self->json_path, error, sizeof error);
    if (rc)
        s_say (self, "%s", error);
    lc_summary_reset (&summary);
    return rc;
}

//  --------------------------------------------------------------------------
//  The event log

static void
s_fatal_write (s_machine_t *self);

static void
s_log (s_machine_t *self, lc_row_t *row)
{
    row->time_us = s_wall_us ();
    row->machine = self->config->id;
    row->tick = self->model.tick;
    row->clock = self->model.clock;
    row->queue = self->fifo_len;
    if (self->log && lc_log_write (self->log, row))
        s_fatal_write (self);
}

//  A recv or unread row for a message from the buffer
static void
s_log_message (s_machine_t *self, lc_event_t event, const s_queued_t *item)
{
    lc_row_t row = { .event = event, .has_msg = true, .peer_count = 1 };
    row.peers [0] = (uint16_t) item->sender;
    row.msg_sender = item->sender;
    row.msg_seq = item->seq;
    row.msg_clock = item->clock;
    s_log (self, &row);
}

//  --------------------------------------------------------------------------
//  The receive buffer

static bool
s_fifo_push (s_machine_t *self, const lc_wire_msg_t *msg)
{
    if (self->fifo_len == self->fifo_cap) {
        if (self->fifo_cap == LC_QUEUE_MAX)
            return false;
        size_t new_cap = self->fifo_cap ? self->fifo_cap * 2 : 64;
        s_queued_t *grown = lc_calloc (new_cap, sizeof *grown);
        for (size_t i = 0; i < self->fifo_len; i++)
            grown [i] = self->fifo [(self->fifo_head + i) % self->fifo_cap];
        free (self->fifo);
        self->fifo = grown;
        self->fifo_cap = new_cap;
        self->fifo_head = 0;
    }
    s_queued_t *slot = &self->fifo [(self->fifo_head + self->fifo_len) % self->fifo_cap];
    slot->sender = msg->sender;
    slot->seq = msg->seq;
    slot->clock = msg->clock;
    self->fifo_len++;
    return true;
}

static s_queued_t
s_fifo_pop (s_machine_t *self)
{
    assert (self->fifo_len);
    s_queued_t item = self->fifo [self->fifo_head];
    self->fifo_head = (self->fifo_head + 1) % self->fifo_cap;
    self->fifo_len--;
    return item;
}

//  --------------------------------------------------------------------------
//  Sending

//  The peer with this id, or NULL: binary search (peers ascend by id)
static s_peer_t *
s_peer (s_machine_t *self, uint32_t id)
{
    size_t lo = 0, hi = self->peer_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (self->peers [mid].id == id)
            return &self->peers [mid];
        if (self->peers [mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

//  True if a DONTWAIT send to this peer will be queued now: with
//  ZMQ_IMMEDIATE, POLLOUT means a live connection with room under its HWM.
static bool
s_can_send (s_peer_t *peer)
{
    return !peer->left && (zsock_events (peer->push) & ZMQ_POLLOUT);
}

//  An encoded message, ready for any number of peers
typedef struct {
    uint8_t header [LC_WIRE_HEADER_SIZE];   //  frame 1
    uint8_t body [LC_WIRE_BODY_MAX];        //  frame 2
    size_t body_size;                       //  bytes of frame 2
} s_frames_t;

static void
s_encode (const lc_wire_msg_t *msg, s_frames_t *frames)
{
    frames->body_size = lc_wire_encode (msg, frames->header, frames->body);
}

static int
s_send (s_peer_t *peer, const s_frames_t *frames)
{
    void *handle = zsock_resolve (peer->push);
    if (zmq_send (handle, frames->header, LC_WIRE_HEADER_SIZE,
                  ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
        return -1;
    //  Once the first part is queued the rest of the message is too
    return zmq_send (handle, frames->body, frames->body_size, ZMQ_DONTWAIT) < 0 ? -1 : 0;
}

static void
s_send_control (s_machine_t *self, s_peer_t *peer, lc_msg_type_t type)
{
    lc_wire_msg_t msg = { .type = type, .sender = self->config->id,
                          .settings = self->settings };
    if (type == LC_MSG_HELLO && self->config->resume)
        msg.settings.flags |= LC_WIRE_FLAG_RESUME;
    if (type == LC_MSG_WELCOME && self->phase != S_ANNOUNCE)
        msg.settings.flags |= LC_WIRE_FLAG_RUNNING;
    //  A control message that finds no connection is simply repeated later
    s_frames_t frames;
    s_encode (&msg, &frames);
    s_send (peer, &frames);
}

//  One send event: to one peer, or to all (docs/model.md). The row lists
//  the peers the message is queued for and is written before any message
//  leaves.
static void
s_send_event (s_machine_t *self, const lc_model_step_t *step)
{
    lc_row_t row = { .event = LC_EV_SEND, .has_msg = true };
    s_peer_t *targets [LC_PEERS_MAX];   //  the peers the roll chose
    size_t target_count = 0;
    if (step->to_all)
        for (size_t i = 0; i < self->peer_count; i++)
            targets [target_count++] = &self->peers [i];
    else
        targets [target_count++] = &self->peers [step->peer];
    s_peer_t *queued [LC_PEERS_MAX];    //  the peers the row names
    for (size_t i = 0; i < target_count; i++) {
        if (s_can_send (targets [i])) {
            queued [row.peer_count] = targets [i];
            row.peers [row.peer_count++] = (uint16_t) targets [i]->id;
        }
        else
            self->send_failed++;
    }
    row.msg_sender = self->config->id;
    row.msg_seq = step->seq;
    row.msg_clock = step->clock;
    s_log (self, &row);

    lc_wire_msg_t msg = { .type = LC_MSG_DATA, .sender = self->config->id,
                          .seq = step->seq, .clock = step->clock };
    s_frames_t frames;
    s_encode (&msg, &frames);
    for (size_t i = 0; i < row.peer_count; i++) {
        s_peer_t *peer = queued [i];
        if (s_send (peer, &frames) == 0)
            self->sent++;
        else {
            //  POLLOUT said it would go; only a bug or a race in libzmq
            //  gets here, and the row already names the peer
            self->send_failed++;
            s_say (self, "send to machine %u failed after POLLOUT: %s",
                   peer->id, zmq_strerror (zmq_errno ()));
        }
    }
}

static void
s_broadcast (s_machine_t *self, lc_msg_type_t type)
{
    for (size_t i = 0; i < self->peer_count; i++)
        s_send_control (self, &self->peers [i], type);
}

//  --------------------------------------------------------------------------
//  Start and stop

static int s_on_tick (zloop_t *loop, zmq_pollitem_t *item, void *arg);
static int s_on_drained (zloop_t *loop, int timer_id, void *arg);
static void s_take_messages (s_machine_t *self);

static void
s_start (s_machine_t *self)
{
    if (self->announce_timer >= 0)
        zloop_timer_end (self->loop, self->announce_timer);
    if (self->timeout_timer >= 0)
        zloop_timer_end (self->loop, self->timeout_timer);
    self->announce_timer = self->timeout_timer = -1;

    bool resumed = self->config->resume;
    self->log = lc_log_open (self->csv_path, !resumed);
    if (!self->log) {
        s_say (self, "cannot create %s: %s", self->csv_path, strerror (errno));
        self->exit_status = errno == EEXIST ? LC_EXIT_USAGE : LC_EXIT_FAILURE;
        zsys_interrupted = 1;
        return;
    }
    self->phase = S_RUN;
    int64_t now_ns = s_mono_ns ();
    //  After --resume the schedule is still the first start's: t0 moves
    //  onto this process's monotonic clock through the wall clock
    self->t0_ns = resumed ? now_ns - (s_wall_us () - self->t0_wall_us) * 1000 : now_ns;
    lc_row_t row = { .event = LC_EV_START };
    for (size_t i = 0; i < self->peer_count; i++)
        row.peers [row.peer_count++] = (uint16_t) self->peers [i].id;
    s_log (self, &row);
    if (!resumed)
        self->t0_wall_us = row.time_us;
    self->ticks_due = lc_model_ticks_in (&self->model, self->settings.duration);
    self->end_ns = self->t0_ns + (int64_t) llround (self->settings.duration
                                 / self->settings.speed * S_NS_PER_SEC);
    if (resumed && now_ns > self->t0_ns) {
        //  Ticks that fell due while the machine was down are not run
        double due = (double) (now_ns - self->t0_ns) / S_NS_PER_SEC
                   * self->model.rate * self->settings.speed;
        uint64_t missed = due < (double) self->ticks_due ? (uint64_t) due : self->ticks_due;
        lc_model_skip_to (&self->model, missed);
    }
    if (s_write_summary (self))
        s_fatal_write (self);
    if (self->phase != S_RUN)
        return;
    zloop_poller (self->loop, &self->tick_item, s_on_tick, self);
    s_arm (self, self->model.tick < self->ticks_due ? s_due_ns (self, self->model.tick + 1)
                                              : self->end_ns);
    if (!self->config->quiet)
        s_say (self, "rate %u, speed %g, %g model s: %s, log %s",
               self->model.rate, self->settings.speed, self->settings.duration,
               resumed ? "resumed" : "ticking", self->csv_path);
}

//  Stop ticking, tell the peers, drain for the grace period
static void
s_stop (s_machine_t *self, lc_stop_reason_t reason)
{
    if (self->phase != S_RUN)
        return;
    self->phase = S_DRAIN;
    self->stop_reason = reason;
    zloop_poller_end (self->loop, &self->tick_item);
    s_broadcast (self, LC_MSG_BYE);
    zloop_timer (self->loop, LC_GRACE_MS, 1, s_on_drained, self);
}

static int
s_on_drained (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop;
    (void) timer_id;
    s_machine_t *self = (s_machine_t *) arg;
    s_take_messages (self);
    //  unread and stop rows carry the number left as queue (docs/log-format.md)
    size_t left = self->fifo_len;
    for (size_t i = 0; i < left; i++) {
        s_queued_t *item = &self->fifo [(self->fifo_head + i) % self->fifo_cap];
        s_log_message (self, LC_EV_UNREAD, item);
        self->unread++;
    }
    lc_row_t row = { .event = LC_EV_STOP };
    s_log (self, &row);
    self->fifo_len = 0;
    self->stop_us = row.time_us;
    self->phase = S_DONE;
    if (s_write_summary (self) && self->exit_status == LC_EXIT_OK)
        self->exit_status = LC_EXIT_FAILURE;
    s_reports_due (self, true);
    if (!self->config->quiet)
        s_say (self, "stopped (%s): %" PRIu64 " ticks, clock %" PRIu64
               ", sent %" PRIu64 ", received %" PRIu64 ", unread %" PRIu64
               ", late ticks %" PRIu64 " (worst %.3f ms)",
               lc_stop_reason_name (self->stop_reason), self->model.tick, self->model.clock, self->sent,
               self->received, self->unread, self->late_ticks,
               (double) self->max_lateness_ns / 1e6);
    return -1;                  //  ends zloop
}

//  A log write failed: the log cannot be trusted any more. Stop at once,
//  tell the peers, exit 1.
static void
s_fatal_write (s_machine_t *self)
{
    s_say (self, "cannot write %s: %s; stopping", self->csv_path, strerror (errno));
    lc_log_destroy (&self->log);
    self->exit_status = LC_EXIT_FAILURE;
    if (self->phase == S_RUN)
        s_stop (self, LC_STOP_ERROR);
}

//  --------------------------------------------------------------------------
//  Ticks

static void
s_run_tick (s_machine_t *self)
{
    s_queued_t item = { 0 };
    bool has_message = self->fifo_len > 0;
    if (has_message)
        item = s_fifo_pop (self);
    lc_model_step_t step = lc_model_tick (&self->model, has_message, item.clock);
    if (step.kind == LC_STEP_RECV) {
        self->received++;
        s_log_message (self, LC_EV_RECV, &item);
    }
    else
    if (step.kind == LC_STEP_INTERNAL) {
        lc_row_t row = { .event = LC_EV_INTERNAL };
        s_log (self, &row);
    }
    else
        s_send_event (self, &step);
}

static int
s_on_tick (zloop_t *loop, zmq_pollitem_t *item, void *arg)
{
    (void) loop;
    s_machine_t *self = (s_machine_t *) arg;
    uint64_t expirations;
    if (read (item->fd, &expirations, sizeof expirations) < 0 && errno != EAGAIN)
        s_say (self, "timerfd read: %s", strerror (errno));
    //  A tick sees every message that had arrived by then
    s_take_messages (self);
    int64_t now = s_mono_ns ();
    while (self->phase == S_RUN && self->model.tick < self->ticks_due) {
        int64_t due = s_due_ns (self, self->model.tick + 1);
        if (due > now)
            break;
        int64_t lateness = now - due;
        if (lateness > LC_LATE_TICK_US * 1000LL)
            self->late_ticks++;
        if (lateness > self->max_lateness_ns)
            self->max_lateness_ns = lateness;
        s_run_tick (self);
        now = s_mono_ns ();
    }
    if (self->phase != S_RUN)
        return 0;
    s_reports_due (self, false);
    if (self->model.tick >= self->ticks_due && now >= self->end_ns)
        s_stop (self, LC_STOP_DURATION);
    else
        s_arm (self, self->model.tick < self->ticks_due ? s_due_ns (self, self->model.tick + 1)
                                                  : self->end_ns);
    return 0;
}

//  --------------------------------------------------------------------------
//  Receiving

static void
s_reject (s_machine_t *self, const char *reason)
{
    self->rejected++;
    s_report (self, S_REPORT_REJECTED, reason);
}

//  False, with the error said and the machine on its way out (exit 2), if
//  the peer's run settings differ from ours
static bool
s_settings_agree (s_machine_t *self, s_peer_t *peer, const lc_settings_t *theirs)
{
    const lc_settings_t *ours = &self->settings;
    char here [64], there [64];
    const char *name = NULL;
    if (theirs->speed != ours->speed) {
        name = "speed";
        snprintf (here, sizeof here, "%g", ours->speed);
        snprintf (there, sizeof there, "%g", theirs->speed);
    }
    else
    if (theirs->duration != ours->duration) {
        name = "duration";
        snprintf (here, sizeof here, "%g", ours->duration);
        snprintf (there, sizeof there, "%g", theirs->duration);
    }
    else
    if (theirs->roll != ours->roll) {
        name = "roll";
        snprintf (here, sizeof here, "%u", ours->roll);
        snprintf (there, sizeof there, "%u", theirs->roll);
    }
    else
    if (theirs->run_id != ours->run_id) {
        name = "peer set or --run-nonce (run id)";
        snprintf (here, sizeof here, "%016" PRIx64, ours->run_id);
        snprintf (there, sizeof there, "%016" PRIx64, theirs->run_id);
    }
    if (!name)
        return true;
    s_say (self, "machine %u has different run settings: %s is %s here and "
           "%s there; start every machine with the same settings",
           peer->id, name, here, there);
    self->exit_status = LC_EXIT_USAGE;
    zsys_interrupted = 1;
    if (self->phase == S_RUN)
        s_stop (self, LC_STOP_ERROR);
    return false;
}

static void
s_maybe_start (s_machine_t *self)
{
    if (self->phase != S_ANNOUNCE)
        return;
    for (size_t i = 0; i < self->peer_count; i++)
        if (!self->peers [i].ready || !self->peers [i].answered)
            return;
    s_start (self);
}

static bool
s_all_answered (s_machine_t *self)
{
    for (size_t i = 0; i < self->peer_count; i++)
        if (!self->peers [i].answered)
            return false;
    return true;
}

static void
s_handle (s_machine_t *self, const lc_wire_msg_t *msg)
{
    s_peer_t *peer = s_peer (self, msg->sender);
    switch (msg->type) {
        case LC_MSG_DATA:
            if (self->phase == S_DONE)
                return;
            if (!s_fifo_push (self, msg))
                s_reject (self, "receive buffer full");
            return;
        case LC_MSG_HELLO:
            //  Answered even when the settings differ: our WELCOME lets the
            //  peer name the difference too before both exit
            s_send_control (self, peer, LC_MSG_WELCOME);
            if (!s_settings_agree (self, peer, &msg->settings))
                return;
            //  A peer that announces itself again (it restarted, or our
            //  READY crossed its HELLO) needs our READY again
            if (self->phase == S_RUN || (self->phase == S_ANNOUNCE && s_all_answered (self)))
                s_send_control (self, peer, LC_MSG_READY);
            //  A peer restarted while we drain: it must not send to us
            if (self->phase == S_DRAIN)
                s_send_control (self, peer, LC_MSG_BYE);
            return;
        case LC_MSG_WELCOME:
            if (!s_settings_agree (self, peer, &msg->settings))
                return;
            if (!peer->answered) {
                peer->answered = true;
                if (self->phase == S_ANNOUNCE && s_all_answered (self))
                    s_broadcast (self, LC_MSG_READY);
            }
            if (msg->settings.flags & LC_WIRE_FLAG_RUNNING)
                peer->ready = true;
            s_maybe_start (self);
            return;
        case LC_MSG_READY:
            peer->ready = true;
            s_maybe_start (self);
            return;
        case LC_MSG_BYE:
            peer->left = true;
            return;
    }
}

//  Reads one message off the PULL socket, raw, so that its connection fd
//  (for the monitor's accounting) is known. Returns false when none waits.
static bool
s_take_one (s_machine_t *self)
{
    void *handle = zsock_resolve (self->pull);
    zmq_msg_t parts [LC_WIRE_FRAMES];
    size_t count = 0;
    int fd = -1;
    unsigned long certified = 0;    //  CURVE: the connection's machine id
    bool more = true;
    while (more) {
        zmq_msg_t part;
        zmq_msg_init (&part);
        if (zmq_msg_recv (&part, handle, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close (&part);
            assert (count == 0);    //  messages arrive whole
            return false;
        }
        more = zmq_msg_more (&part);
        if (fd < 0) {
            fd = zmq_msg_get (&part, ZMQ_SRCFD);
            if (self->cert) {
                const char *who = zmq_msg_gets (&part, "machine");
                certified = who ? strtoul (who, NULL, 10) : 0;
            }
        }
        if (count < LC_WIRE_FRAMES)
            parts [count] = part;
        else
            zmq_msg_close (&part);
        count++;
    }
    const uint8_t *data [LC_WIRE_FRAMES];
    size_t size [LC_WIRE_FRAMES];
    for (size_t i = 0; i < count && i < LC_WIRE_FRAMES; i++) {
        data [i] = zmq_msg_data (&parts [i]);
        size [i] = zmq_msg_size (&parts [i]);
    }
    lc_wire_msg_t msg;
    const char *reason;
    int rc = lc_wire_decode (count, data, size, &msg, &reason);
    for (size_t i = 0; i < count && i < LC_WIRE_FRAMES; i++)
        zmq_msg_close (&parts [i]);

    s_peer_t *peer = rc == -1 ? NULL : s_peer (self, msg.sender);
    if (rc == LC_WIRE_EVERSION && peer && msg.type == LC_MSG_HELLO
    &&  self->phase == S_ANNOUNCE && (!self->cert || certified == msg.sender)) {
        s_say (self, "machine %u speaks another protocol version; start every "
               "machine with the same lclock version", msg.sender);
        self->exit_status = LC_EXIT_USAGE;
        zsys_interrupted = 1;
    }
    if (rc != 0)
        s_reject (self, reason);
    else
    if (!peer)
        s_reject (self, "unknown sender id");
    else
    if (self->cert && certified != msg.sender)
        s_reject (self, "sender id does not match its certificate");
    else {
        if (fd >= 0 && fd < S_FD_TRACKED)
            self->fd_valid [fd] = 1;
        s_handle (self, &msg);
    }
    return true;
}

static void
s_take_messages (s_machine_t *self)
{
    while (!zsys_interrupted && s_take_one (self))
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
    for (int i = 0; i < LC_READ_BATCH && !zsys_interrupted; i++)
        if (!s_take_one (self))
            break;
    return zsys_interrupted ? -1 : 0;
}

//  --------------------------------------------------------------------------
//  Socket monitors. Failed handshakes are silent in libzmq; a monitor is
//  the only way to see them.

//  A PAIR socket receiving sock's events (libzmq's monitor protocol v1)
static zsock_t *
s_monitor_new (zsock_t *sock, const char *name, int events)
{
    char *endpoint = zsys_sprintf ("inproc://lc-monitor-%s-%p", name, (void *) sock);
    int rc = zmq_socket_monitor (zsock_resolve (sock), endpoint, events);
    assert (rc == 0);
    zsock_t *monitor = zsock_new_pair (endpoint);
    assert (monitor);
    zstr_free (&endpoint);
    return monitor;
}

//  Reads one event: its code and value (an fd, or an error number).
//  Returns false if there was none, or it was not a monitor event.
static bool
s_monitor_event (zsock_t *monitor, uint16_t *code, uint32_t *value)
{
    zmsg_t *event = zmsg_recv (monitor);
    if (!event)
        return false;
    zframe_t *frame = zmsg_first (event);
    bool valid = frame && zframe_size (frame) == 6;
    if (valid) {
        const uint8_t *data = zframe_data (frame);
        *code = (uint16_t) (data [0] | data [1] << 8);
        *value = (uint32_t) data [2] | (uint32_t) data [3] << 8
               | (uint32_t) data [4] << 16 | (uint32_t) data [5] << 24;
    }
    zmsg_destroy (&event);
    return valid;
}

//  A PUSH socket's monitor: our handshakes that a peer refused, or that
//  failed (wrong server key, a peer without CURVE, not an lclock there)
static int
s_on_push_monitor (zloop_t *loop, zsock_t *reader, void *arg)
{
    (void) loop;
    s_machine_t *self = (s_machine_t *) arg;
    uint16_t code;
    uint32_t value;
    if (!s_monitor_event (reader, &code, &value))
        return 0;
    for (size_t i = 0; i < self->peer_count; i++) {
        s_peer_t *peer = &self->peers [i];
        if (peer->monitor != reader)
            continue;
        peer->refused++;
        char reason [160];
        snprintf (reason, sizeof reason, "machine %u: %s", peer->id,
                  code == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH
                  ? "it does not trust our certificate"
                  : "the handshake failed (wrong key for it in --trust, or it "
                    "does not speak CURVE, or it is not an lclock machine)");
        s_report (self, S_REPORT_REFUSED, reason);
    }
    return 0;
}

//  The PULL socket's monitor: connections ZeroMQ drops by itself
static int
s_on_monitor (zloop_t *loop, zsock_t *reader, void *arg)
{
    (void) loop;
    s_machine_t *self = (s_machine_t *) arg;
    //  Attribute every message already delivered before judging a drop
    s_take_messages (self);
    uint16_t code;
    uint32_t value;
    if (s_monitor_event (reader, &code, &value)) {
        if (code == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) {
            //  Also a bad connection, counted at its disconnect
            self->untrusted++;
            s_report (self, S_REPORT_UNTRUSTED, "CURVE key not in --trust");
        }
        else
        if (code == ZMQ_EVENT_DISCONNECTED && value < S_FD_TRACKED
        &&  !self->fd_valid [value]) {
            //  The connection never carried one valid message: not ZMTP,
            //  an oversize message, a failed handshake, or a stranger
            self->bad_connections++;
            s_report (self, S_REPORT_BAD_CONNECTION,
                      "connection dropped before any valid message");
        }
        if (code == ZMQ_EVENT_DISCONNECTED && value < S_FD_TRACKED)
            self->fd_valid [value] = 0;     //  the fd may be reused
    }
    return 0;
}

//  --------------------------------------------------------------------------
//  Announcements and signals

static int
s_on_announce (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop;
    (void) timer_id;
    s_machine_t *self = (s_machine_t *) arg;
    bool all_answered = s_all_answered (self);
    for (size_t i = 0; i < self->peer_count; i++) {
        s_peer_t *peer = &self->peers [i];
        if (!peer->answered)
            s_send_control (self, peer, LC_MSG_HELLO);
        else
        if (all_answered && !peer->ready)
            s_send_control (self, peer, LC_MSG_READY);
    }
    return 0;
}

//  Lists the ids of peers for which missing () holds; returns the count
static size_t
s_list_peers (s_machine_t *self, bool (*missing) (s_peer_t *), char *buf, size_t size)
{
    size_t len = 0, count = 0;
    buf [0] = 0;
    for (size_t i = 0; i < self->peer_count && len < size; i++)
        if (missing (&self->peers [i]))
            len += (size_t) snprintf (buf + len, size - len, "%s%u",
                                      count++ ? ", " : "", self->peers [i].id);
    return count;
}

static bool
s_not_answered (s_peer_t *peer)
{
    return !peer->answered;
}

static bool
s_not_ready (s_peer_t *peer)
{
    return !peer->ready;
}

static int
s_on_start_timeout (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop;
    (void) timer_id;
    s_machine_t *self = (s_machine_t *) arg;
    char ids [LC_PEERS_MAX * 7];
    size_t count = s_list_peers (self, s_not_answered, ids, sizeof ids);
    if (count)
        s_say (self, "no answer within --start-timeout %g s from machine%s %s; "
               "is every machine started, with the right endpoints? No log written",
               self->config->start_timeout, count > 1 ? "s" : "", ids);
    else {
        count = s_list_peers (self, s_not_ready, ids, sizeof ids);
        s_say (self, "machine%s %s answered but never became ready within "
               "--start-timeout %g s: they still wait for a peer of theirs. "
               "No log written", count > 1 ? "s" : "", ids,
               self->config->start_timeout);
    }
    for (size_t i = 0; i < self->peer_count; i++)
        if (self->peers [i].refused && !self->peers [i].answered)
            s_say (self, "machine %u refused our handshake %" PRIu64 " time%s: with "
                   "CURVE, each machine needs the other's public certificate in "
                   "its --trust folder", self->peers [i].id, self->peers [i].refused,
                   self->peers [i].refused == 1 ? "" : "s");
    //  No event log (it is created at the start), but a summary that says
    //  why this machine never started
    self->stop_reason = LC_STOP_START_TIMEOUT;
    self->stop_us = s_wall_us ();
    self->phase = S_DONE;
    s_write_summary (self);
    self->exit_status = LC_EXIT_START_TIMEOUT;
    return -1;
}

static int
s_on_signal (zloop_t *loop, zmq_pollitem_t *item, void *arg)
{
    (void) loop;
    s_machine_t *self = (s_machine_t *) arg;
    struct signalfd_siginfo info;
    if (read (item->fd, &info, sizeof info) != (ssize_t) sizeof info)
        return 0;
    if (self->phase == S_ANNOUNCE) {
        s_say (self, "stopped by signal %u before the run started; no log written",
               info.ssi_signo);
        self->exit_status = LC_EXIT_FAILURE;
        return -1;
    }
    if (!self->config->quiet && self->phase == S_RUN)
        s_say (self, "signal %u: stopping", info.ssi_signo);
    s_stop (self, LC_STOP_SIGNAL);
    return 0;
}

//  --------------------------------------------------------------------------
//  Set-up and tear-down

//  A PUSH link: short reconnects so a late or restarted peer is found
//  within tens of milliseconds; heartbeats so a vanished host is noticed
//  (its sends then fail at once) while an outage of a few seconds is not.
//  The PULL side needs neither: it binds, and its peers' pings keep the
//  connections honest from their end.
static void
s_tune_link (zsock_t *sock)
{
    zsock_set_reconnect_ivl (sock, LC_RECONNECT_MS);
    zsock_set_reconnect_ivl_max (sock, LC_RECONNECT_MAX_MS);
    zsock_set_heartbeat_ivl (sock, LC_HEARTBEAT_IVL_MS);
    zsock_set_heartbeat_timeout (sock, LC_HEARTBEAT_TIMEOUT_MS);
    zsock_set_heartbeat_ttl (sock, LC_HEARTBEAT_TIMEOUT_MS);
}

//  CURVE (docs/lan.md): our secret certificate, and every peer's public
//  certificate DIR/machine-J.cert, whose "machine" metadata must say J:
//  zauth hands that metadata to each connection it admits, and a message
//  claiming sender J is accepted only from a connection that carries J.
static int
s_load_certificates (s_machine_t *self)
{
    lc_config_t *config = self->config;
    self->cert = zcert_load (config->cert);
    if (!self->cert || streq (zcert_secret_txt (self->cert),
                              "0000000000000000000000000000000000000000")) {
        s_say (self, "--cert %s: not a secret certificate (make one with "
               "'lclock keygen ID DIR' and give DIR/machine-ID.cert_secret)", config->cert);
        return -1;
    }
    for (size_t i = 0; i < self->peer_count; i++) {
        s_peer_t *peer = &self->peers [i];
        char *path = zsys_sprintf ("%s/machine-%u.cert", config->trust, peer->id);
        zcert_t *cert = zsys_file_exists (path) ? zcert_load (path) : NULL;
        const char *meta = cert ? zcert_meta (cert, "machine") : NULL;
        int rc = 0;
        if (!cert) {
            s_say (self, "--trust %s: cannot load %s, the public certificate of "
                   "machine %u; copy it from the host that made it", config->trust,
                   path, peer->id);
            rc = -1;
        }
        else
        if (!meta || strtoul (meta, NULL, 10) != peer->id) {
            s_say (self, "--trust %s: %s says machine %s, not %u", config->trust,
                   path, meta ? meta : "nothing", peer->id);
            rc = -1;
        }
        else
            snprintf (peer->server_key, sizeof peer->server_key, "%s",
                      zcert_public_txt (cert));
        zcert_destroy (&cert);
        zstr_free (&path);
        if (rc)
            return -1;
    }
    self->auth = zactor_new (zauth, NULL);
    assert (self->auth);
    zstr_sendx (self->auth, "CURVE", config->trust, NULL);
    zsock_wait (self->auth);
    return 0;
}

static int
s_open_sockets (s_machine_t *self)
{
    lc_config_t *config = self->config;
    self->pull = zsock_new (ZMQ_PULL);
    assert (self->pull);
    zsock_set_rcvhwm (self->pull, LC_RCVHWM);
    zsock_set_maxmsgsize (self->pull, LC_MAXMSGSIZE);
    if (self->cert) {
        zcert_apply (self->cert, self->pull);
        zsock_set_curve_server (self->pull, 1);
        zsock_set_zap_domain (self->pull, "lclock");
    }
    self->monitor = s_monitor_new (self->pull, "pull", ZMQ_EVENT_DISCONNECTED
                                   | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH);
    if (zsock_bind (self->pull, "%s", config->bind) < 0) {
        s_say (self, "--bind %s: cannot bind: %s", config->bind,
               zmq_strerror (zmq_errno ()));
        return -1;
    }
    for (size_t i = 0; i < self->peer_count; i++) {
        s_peer_t *peer = &self->peers [i];
        peer->push = zsock_new (ZMQ_PUSH);
        assert (peer->push);
        s_tune_link (peer->push);
        zsock_set_immediate (peer->push, 1);
        zsock_set_sndhwm (peer->push, LC_SNDHWM);
        //  czmq's default linger is 0: queued messages would be dropped
        zsock_set_linger (peer->push, LC_LINGER_MS);
        if (self->cert) {
            zcert_apply (self->cert, peer->push);
            zsock_set_curve_serverkey (peer->push, peer->server_key);
        }
        peer->monitor = s_monitor_new (peer->push, "push",
                                       ZMQ_EVENT_HANDSHAKE_FAILED_AUTH
                                       | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL);
        if (zsock_connect (peer->push, "%s", peer->endpoint) < 0) {
            s_say (self, "machine %u endpoint %s: cannot connect: %s", peer->id,
                   peer->endpoint, zmq_strerror (zmq_errno ()));
            return -1;
        }
    }
    return 0;
}

static int
s_open_fd (s_machine_t *self)
{
    sigset_t mask;
    sigemptyset (&mask);
    sigaddset (&mask, SIGINT);
    sigaddset (&mask, SIGTERM);
    sigprocmask (SIG_BLOCK, &mask, NULL);
    self->signal_item.fd = signalfd (-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    self->tick_item.fd = timerfd_create (CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    self->signal_item.events = self->tick_item.events = ZMQ_POLLIN;
    if (self->signal_item.fd < 0 || self->tick_item.fd < 0) {
        s_say (self, "cannot create timerfd/signalfd: %s", strerror (errno));
        return -1;
    }
    return 0;
}

static void
s_destroy (s_machine_t *self)
{
    zloop_destroy (&self->loop);
    for (size_t i = 0; i < self->peer_count; i++) {
        zsock_destroy (&self->peers [i].monitor);
        zsock_destroy (&self->peers [i].push);
    }
    zsock_destroy (&self->monitor);
    zsock_destroy (&self->pull);
    zactor_destroy (&self->auth);
    zcert_destroy (&self->cert);
    if (self->tick_item.fd > 0)
        close (self->tick_item.fd);
    if (self->signal_item.fd > 0)
        close (self->signal_item.fd);
    lc_log_destroy (&self->log);
    free (self->peers);
    free (self->fifo);
    free (self->fd_valid);
    zstr_free (&self->csv_path);
    zstr_free (&self->json_path);
}

//  --resume: rate, seed, first start and restarts from the summary; clock,
//  last tick, send sequence and the counts a log can tell from the log.
//  A last line cut short by the crash is removed (it was never a row).
static int
s_load_resume (s_machine_t *self)
{
    lc_summary_t summary;
    char error [LC_SUMMARY_ERROR_MAX];
    if (lc_summary_read (&summary, self->json_path, error, sizeof error)) {
        s_say (self, "--resume: %s", error);
        return -1;
    }
    if (summary.machine != self->config->id) {
        s_say (self, "--resume: %s is the summary of machine %u, not %u",
               self->json_path, summary.machine, self->config->id);
        lc_summary_reset (&summary);
        return -1;
    }
    uint32_t rate = summary.rate;
    self->seed = summary.seed;
    self->restarts = summary.restarts + 1;
    lc_summary_reset (&summary);

    FILE *file = fopen (self->csv_path, "r+");
    if (!file) {
        s_say (self, "--resume: %s: %s", self->csv_path, strerror (errno));
        return -1;
    }
    fseek (file, 0, SEEK_END);
    long size = ftell (file);
    long keep = size;
    while (keep > 0) {
        fseek (file, keep - 1, SEEK_SET);
        if (fgetc (file) == '\n')
            break;
        keep--;
    }
    fclose (file);
    if (keep < size) {
        s_say (self, "--resume: %s: removing a last line cut short by the crash (%ld bytes)",
               self->csv_path, size - keep);
        if (truncate (self->csv_path, keep) != 0) {
            s_say (self, "--resume: %s: %s", self->csv_path, strerror (errno));
            return -1;
        }
    }
    lc_reader_t *reader = lc_reader_open (self->csv_path);
    assert (reader);
    lc_row_t *row = lc_malloc (sizeof *row);
    int rc;
    bool started = false;
    lc_event_t last = LC_EV_COUNT;
    uint64_t tick = 0, clock = 0, seq = 0;
    while ((rc = lc_reader_next (reader, row)) == 1) {
        if (!started) {
            started = true;
            self->t0_wall_us = row->time_us;
        }
        last = row->event;
        tick = row->tick;
        clock = row->clock;
        if (row->event == LC_EV_SEND) {
            seq = row->msg_seq > seq ? row->msg_seq : seq;
            self->sent += row->peer_count;
        }
        if (row->event == LC_EV_RECV)
            self->received++;
    }
    if (rc < 0)
        s_say (self, "--resume: %s: line %zu: %s", self->csv_path,
               lc_reader_line (reader), lc_reader_error (reader));
    lc_reader_destroy (&reader);
    free (row);
    if (rc < 0)
        return -1;
    if (!started || last == LC_EV_STOP) {
        s_say (self, "--resume: %s %s; nothing to resume", self->csv_path,
               started ? "ends with a stop row: the machine finished" : "has no row");
        return -1;
    }
    lc_model_resume (&self->model, rate, self->seed, self->restarts, tick, clock, seq);
    return 0;
}

//  Creates the log directory and refuses an existing log (docs/log-format.md)
static int
s_prepare_logs (s_machine_t *self)
{
    lc_config_t *config = self->config;
    if (lc_file_mkdir_p (config->log_dir) != 0) {
        s_say (self, "--log-dir %s: cannot create: %s", config->log_dir, strerror (errno));
        return LC_EXIT_USAGE;
    }
    self->csv_path = zsys_sprintf ("%s/machine-%u.csv", config->log_dir, config->id);
    self->json_path = zsys_sprintf ("%s/machine-%u.json", config->log_dir, config->id);
    if (config->resume) {
        if (!zsys_file_exists (self->csv_path)) {
            s_say (self, "--resume: %s does not exist; nothing to resume", self->csv_path);
            return LC_EXIT_USAGE;
        }
        //  A FIFO or a device would hang the reads below
        const char *paths [] = { self->json_path, self->csv_path }, *why;
        for (size_t i = 0; i < 2; i++)
            if (lc_file_check_regular (paths [i], &why)) {
                s_say (self, "--resume: %s: %s", paths [i], why);
                return LC_EXIT_USAGE;
            }
        return s_load_resume (self) ? LC_EXIT_USAGE : 0;
    }
    if (zsys_file_exists (self->csv_path)) {
        s_say (self, "%s already exists: logs are never overwritten; "
               "choose another --log-dir, or --resume after a crash", self->csv_path);
        return LC_EXIT_USAGE;
    }
    return 0;
}

static void
s_settle_settings (s_machine_t *self)
{
    lc_config_t *config = self->config;
    if (config->has_seed)
        self->seed = config->seed;
    else {
        //  Within 2^53 so that every JSON reader keeps it exact
        if (getrandom (&self->seed, sizeof self->seed, 0) != (ssize_t) sizeof self->seed)
            self->seed = (uint64_t) s_wall_us () ^ (uint64_t) getpid ();
        self->seed &= ((uint64_t) 1 << 53) - 1;
    }
    uint32_t ids [LC_PEERS_MAX + 1];
    ids [0] = config->id;
    for (size_t i = 0; i < config->peer_count; i++)
        ids [i + 1] = config->peers [i].id;
    lc_model_init (&self->model, config->id, self->seed, config->rate_min,
                   config->rate_max, config->roll, ids + 1, config->peer_count);
    self->settings.speed = config->speed;
    self->settings.duration = config->duration;
    self->settings.roll = config->roll;
    self->settings.run_id = lc_wire_run_id (config->speed, config->duration,
                                            config->roll, ids, config->peer_count + 1,
                                            config->run_nonce);
    self->peer_count = config->peer_count;
    self->peers = lc_calloc (self->peer_count, sizeof (s_peer_t));
    for (size_t i = 0; i < config->peer_count; i++) {
        self->peers [i].id = config->peers [i].id;
        self->peers [i].endpoint = config->peers [i].endpoint;
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
    if (s_open_fd (self))
        return LC_EXIT_FAILURE;
    if (*self->config->cert && s_load_certificates (self))
        return LC_EXIT_USAGE;
    if (s_open_sockets (self))
        return LC_EXIT_USAGE;
    self->fd_valid = lc_calloc (S_FD_TRACKED, 1);
    self->loop = zloop_new ();
    assert (self->loop);
    zloop_reader (self->loop, self->pull, s_on_pull, self);
    zloop_reader (self->loop, self->monitor, s_on_monitor, self);
    for (size_t i = 0; i < self->peer_count; i++)
        zloop_reader (self->loop, self->peers [i].monitor, s_on_push_monitor, self);
    zloop_poller (self->loop, &self->signal_item, s_on_signal, self);
    self->announce_timer = zloop_timer (self->loop, LC_ANNOUNCE_MS, 0, s_on_announce, self);
    self->timeout_timer = -1;
    if (self->config->start_timeout > 0)
        self->timeout_timer = zloop_timer (self->loop,
            (size_t) ceil (self->config->start_timeout * 1000), 1,
            s_on_start_timeout, self);
    if (!self->config->quiet)
        s_say (self, "bound %s, waiting for %zu peer%s", self->config->bind,
               self->peer_count, self->peer_count == 1 ? "" : "s");
    s_on_announce (self->loop, 0, self);
    if (self->peer_count == 0)
        s_start (self);
    zloop_start (self->loop);
    if (self->phase == S_RUN || self->phase == S_DRAIN) {
        //  Ended by an error in the middle of the run: complete the logs
        if (self->phase == S_RUN)
            s_stop (self, LC_STOP_ERROR);
        s_on_drained (NULL, 0, self);
    }
    return self->exit_status;
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
                         .stop_reason = LC_STOP_ERROR, .tick_item.fd = -1,
                         .signal_item.fd = -1 };
    s_settle_settings (&self);
    rc = s_run (&self);
    s_destroy (&self);
    free (config);
    return rc;
}

//  --------------------------------------------------------------------------
//  lclock keygen ID DIR

int
lc_keygen_main (int argc, char *argv [])
{
    if (argc == 2 && (streq (argv [1], "--help") || streq (argv [1], "-h"))) {
        printf ("usage: lclock keygen ID DIR\n\n"
                "Writes DIR/machine-ID.cert (public: copy it into every host's\n"
                "trust folder) and DIR/machine-ID.cert_secret (this machine's\n"
                "--cert) with a new CURVE key pair.\n");
        return LC_EXIT_OK;
    }
    if (argc != 3) {
        fprintf (stderr, "lclock keygen: expected ID DIR (try 'lclock keygen --help')\n");
        return LC_EXIT_USAGE;
    }
    //  Digits only, as every id on the command line (no sign, no spaces)
    size_t digits = strspn (argv [1], "0123456789");
    unsigned long id = digits && !argv [1][digits] && digits <= 5
                     ? strtoul (argv [1], NULL, 10) : 0;
    if (id < LC_ID_MIN || id > LC_ID_MAX) {
        fprintf (stderr, "lclock keygen: ID: expected 1..65535, got '%s'\n", argv [1]);
        return LC_EXIT_USAGE;
    }
    if (lc_file_mkdir_p (argv [2]) != 0) {
        fprintf (stderr, "lclock keygen: %s: cannot create: %s\n", argv [2], strerror (errno));
        return LC_EXIT_FAILURE;
    }
    char *path = zsys_sprintf ("%s/machine-%lu.cert", argv [2], id);
    char *secret = zsys_sprintf ("%s_secret", path);
    int rc = LC_EXIT_OK;
    if (zsys_file_exists (path) || zsys_file_exists (secret)) {
        fprintf (stderr, "lclock keygen: %s exists; certificates are never overwritten\n", path);
        rc = LC_EXIT_USAGE;
    }
    else {
        zcert_t *cert = zcert_new ();
        assert (cert);
        zcert_set_meta (cert, "machine", "%lu", id);
        if (zcert_save (cert, path) != 0) {
            fprintf (stderr, "lclock keygen: cannot write %s: %s\n", path, strerror (errno));
            rc = LC_EXIT_FAILURE;
        }
        else
            printf ("%s\n%s\n", path, secret);
        zcert_destroy (&cert);
    }
    zstr_free (&path);
    zstr_free (&secret);
    return rc;
}
