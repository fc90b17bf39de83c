/*  lc_check.c - the invariants of a run (docs/analysis.md, checks 1-6).

    Rows arrive one at a time, machines merged by wall time; nothing but
    the outstanding messages is kept. A send row puts one entry per
    recipient, keyed by (sender, seq, recipient), into an open-addressing
    hash; the recv or unread row that matches it takes it out again. A
    recv read before its send (clocks of two hosts that disagree) waits in
    the same hash, marked as received, for its send. What is left at the
    end was never received (check 5) or never sent (check 3).

    A message received twice: each (recipient, sender) pair keeps a bitmap
    of the sequence numbers received, one bit each, so a second recv or
    unread of the same message is caught even after its entry was matched
    and removed.

    Where the rule for unread rows lives: "stop with queue N is preceded by
    exactly N unread rows" is a matter of the log's shape, so it is check 1.
    So is the queue column: within one life of a machine (from a start
    row), messages only arrive and only a recv takes one, so queue plus the
    recv rows since the start never falls; and a tick rolls (send,
    internal) only with an empty buffer, so those rows have queue 0. With
    stop's queue tied to its unread rows, this bounds every queue by what
    the machine later took or left unread.

    The summary must agree with the log (check 5, with the accounting of
    messages): a machine whose summary says it stopped has a log that ends
    with stop, and its counts (ticks, sent, received, unread, final clock)
    are the log's.
*/
#include "lc_check.h"
#include "lc_alloc.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_HASH_MIN      1024    //  initial slots; a power of two
#define S_ID_SLOTS      (LC_ID_MAX + 1)     //  id -> index table
#define S_TICK_EPSILON  1e-9    //  rate x duration is a whole number up to
                                //  floating-point error

static const char *s_rule_names [LC_RULES + 1] = {
    NULL,
    "well-formed rows",
    "clock rules",
    "messages match sends",
    "clock condition",
    "every message accounted for",
    "tick count",
};

typedef enum {
    S_SENT = 1,                 //  send seen, no recv yet
    S_RECEIVED                  //  recv/unread seen, its send not yet
} s_state_t;

//  One message on its way: (sender, seq, recipient)
typedef struct {
    uint64_t seq;               //  sequence number; 0 marks an empty slot
    uint16_t sender;            //  sender id
    uint16_t recipient;         //  recipient id
    uint8_t state;              //  s_state_t
    uint8_t event;              //  S_RECEIVED: LC_EV_RECV or LC_EV_UNREAD
    bool unacked;               //  S_SENT: its sender listed it unacked
    uint64_t clock;             //  S_SENT: clock sent; S_RECEIVED: clock claimed
    uint64_t row_clock;         //  clock column of the row that made the entry
    int64_t time_us;            //  time of the row that made the entry
    size_t line;                //  line of the row that made the entry
} s_entry_t;

//  Received sequence numbers of one (recipient, sender) pair
typedef struct {
    uint64_t *bits;             //  bit seq is set once seq was received
    uint64_t words;             //  64-bit words allocated
} s_seen_t;

typedef struct {
    lc_meta_t meta;             //  what the JSON summary says
    bool seen;                  //  a row was read
    bool known;                 //  last_* hold the previous good row
    int64_t last_time;          //  time of the previous row
    uint64_t last_tick;         //  tick of the previous row
    uint64_t last_clock;        //  clock after the previous row
    lc_event_t last_event;      //  kind of the last row
    uint64_t starts;            //  start rows
    uint64_t unread_run;        //  unread rows since the last other row
    uint64_t unread_queue;      //  queue column of those unread rows
    uint64_t unacked_run;       //  unacked rows since the last unread or
                                //  other row
    uint64_t unacked_queue;     //  queue column of those unacked rows
    uint64_t unacked_rows;      //  unacked rows in all
    uint64_t last_seq;          //  highest send sequence number
    uint64_t ticks;             //  distinct ticks of tick rows
    bool any_tick;              //  last_tick_row is valid
    uint64_t last_tick_row;     //  tick of the last send/recv/internal
    uint64_t life_recvs;        //  recv rows since the last start row
    bool queue_known;           //  last_queue and arrived are valid
    uint64_t last_queue;        //  queue after the previous row
    uint64_t arrived;           //  messages that arrived since the last
                                //  start: last_queue + life_recvs
    uint64_t recipients;        //  recipients of all send rows
    uint64_t recvs;             //  recv rows
    uint64_t stop_unread;       //  unread rows right before the last stop
    uint64_t undelivered;       //  messages to it, unacked: it crashed
    uint64_t cut_off;           //  messages to it, unacked: it did not
                                //  crash (it left, or was cut off)
    uint64_t late_acks;         //  messages it logged that their sender
                                //  listed unacked
    uint64_t lost_sent;         //  messages from it lost with its crash
    s_seen_t *seen_from;        //  per sender index; NULL until first recv
} s_machine_t;

struct _lc_check_t {
    s_machine_t *machines;      //  one per machine index
    size_t count;               //  machines in the run
    int32_t *index_of;          //  id -> index, -1 if not in the run
    s_entry_t *slots;           //  the outstanding-message hash
    size_t capacity;            //  slots, a power of two
    size_t used;                //  slots in use
    lc_failure_t *kept;         //  failures kept for listing
    size_t kept_count;          //  entries of kept in use
    size_t rule_failures [LC_RULES + 1];    //  failures per rule
    size_t failures;            //  failures in total
    lc_check_message_fn *message_fn;    //  told of every matched recv
    void *message_arg;          //  its argument
    bool finished;              //  lc_check_finish was called
};

//  --------------------------------------------------------------------------
//  Failures

static void
s_fail (lc_check_t *self, int rule, uint32_t machine, size_t row,
        const char *format, ...) __attribute__ ((format (printf, 5, 6)));

static void
s_fail (lc_check_t *self, int rule, uint32_t machine, size_t row,
        const char *format, ...)
{
    assert (rule >= 1 && rule <= LC_RULES);
    self->failures++;
    self->rule_failures [rule]++;
    if (self->kept_count == LC_FAILURES_KEPT)
        return;
    lc_failure_t *failure = &self->kept [self->kept_count++];
    failure->rule = rule;
    failure->machine = machine;
    failure->row = row;
    va_list args;
    va_start (args, format);
    vsnprintf (failure->text, sizeof failure->text, format, args);
    va_end (args);
}

//  --------------------------------------------------------------------------
//  The outstanding-message hash: linear probing, backward-shift deletion

static inline uint64_t
s_hash (uint16_t sender, uint64_t seq, uint16_t recipient)
{
    uint64_t x = seq * 0x9E3779B97F4A7C15ull
               ^ (((uint64_t) sender << 16 | recipient) * 0xC2B2AE3D27D4EB4Full);
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ull;
    return x ^ (x >> 29);
}

static s_entry_t *
s_find (lc_check_t *self, uint16_t sender, uint64_t seq, uint16_t recipient)
{
    size_t mask = self->capacity - 1;
    size_t slot = (size_t) s_hash (sender, seq, recipient) & mask;
    while (self->slots [slot].seq) {
        s_entry_t *entry = &self->slots [slot];
        if (entry->seq == seq && entry->sender == sender
        &&  entry->recipient == recipient)
            return entry;
        slot = (slot + 1) & mask;
    }
    return NULL;
}

static void
s_place (s_entry_t *slots, size_t capacity, const s_entry_t *entry)
{
    size_t mask = capacity - 1;
    size_t slot = (size_t) s_hash (entry->sender, entry->seq, entry->recipient) & mask;
    while (slots [slot].seq)
        slot = (slot + 1) & mask;
    slots [slot] = *entry;
}

static void
s_insert (lc_check_t *self, const s_entry_t *entry)
{
    if ((self->used + 1) * 2 > self->capacity) {
        size_t capacity = self->capacity * 2;
        s_entry_t *slots = lc_calloc (capacity, sizeof *slots);
        for (size_t i = 0; i < self->capacity; i++)
            if (self->slots [i].seq)
                s_place (slots, capacity, &self->slots [i]);
        free (self->slots);
        self->slots = slots;
        self->capacity = capacity;
    }
    s_place (self->slots, self->capacity, entry);
    self->used++;
}

static void
s_remove (lc_check_t *self, s_entry_t *entry)
{
    size_t mask = self->capacity - 1;
    size_t hole = (size_t) (entry - self->slots);
    size_t slot = hole;
    while (true) {
        slot = (slot + 1) & mask;
        s_entry_t *next = &self->slots [slot];
        if (!next->seq)
            break;
        size_t home = (size_t) s_hash (next->sender, next->seq, next->recipient) & mask;
        //  Move next into the hole unless its home lies in (hole, slot]
        bool stays = hole <= slot ? (home > hole && home <= slot)
                                  : (home > hole || home <= slot);
        if (!stays) {
            self->slots [hole] = *next;
            hole = slot;
        }
    }
    self->slots [hole].seq = 0;
    self->used--;
}

//  --------------------------------------------------------------------------
//  Construction

lc_check_t *
lc_check_new (const lc_meta_t *machines, size_t count)
{
    lc_check_t *self = lc_calloc (1, sizeof *self);
    self->count = count;
    self->machines = lc_calloc (count, sizeof *self->machines);
    self->index_of = lc_calloc (S_ID_SLOTS, sizeof *self->index_of);
    self->capacity = S_HASH_MIN;
    self->slots = lc_calloc (self->capacity, sizeof *self->slots);
    self->kept = lc_calloc (LC_FAILURES_KEPT, sizeof *self->kept);
    for (size_t id = 0; id < S_ID_SLOTS; id++)
        self->index_of [id] = -1;
    for (size_t i = 0; i < count; i++) {
        assert (machines [i].id >= LC_ID_MIN && machines [i].id <= LC_ID_MAX);
        assert (self->index_of [machines [i].id] == -1);
        self->machines [i].meta = machines [i];
        self->index_of [machines [i].id] = (int32_t) i;
    }
    return self;
}

void
lc_check_destroy (lc_check_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    lc_check_t *self = *self_p;
    for (size_t i = 0; self->machines && i < self->count; i++) {
        s_seen_t *seen = self->machines [i].seen_from;
        if (seen) {
            for (size_t j = 0; j < self->count; j++)
                free (seen [j].bits);
            free (seen);
        }
    }
    free (self->machines);
    free (self->index_of);
    free (self->slots);
    free (self->kept);
    free (self);
    *self_p = NULL;
}

const char *
lc_check_rule_name (int rule)
{
    if (rule < 1 || rule > LC_RULES)
        return NULL;
    return s_rule_names [rule];
}

void
lc_check_set_message_fn (lc_check_t *self, lc_check_message_fn *fn, void *arg)
{
    self->message_fn = fn;
    self->message_arg = arg;
}

int
lc_check_index (lc_check_t *self, uint32_t id)
{
    if (id > LC_ID_MAX)
        return -1;
    return self->index_of [id];
}

//  --------------------------------------------------------------------------
//  Messages (checks 3 and 4)

//  Sets the bit of seq in recipient's bitmap for sender; returns true if it
//  was set already. Sequence numbers past LC_SEQ_BITMAP_MAX are not tracked.
static bool
s_seen_before (lc_check_t *self, s_machine_t *recipient, int sender, uint64_t seq)
{
    if (sender < 0 || seq >= LC_SEQ_BITMAP_MAX)
        return false;
    if (!recipient->seen_from)
        recipient->seen_from = lc_calloc (self->count, sizeof (s_seen_t));
    s_seen_t *seen = &recipient->seen_from [sender];
    uint64_t word = seq / 64;
    if (word >= seen->words) {
        uint64_t words = seen->words ? seen->words : 16;
        while (words <= word)
            words *= 2;
        uint64_t *bits = lc_realloc (seen->bits, words, sizeof *bits);
        memset (bits + seen->words, 0, (words - seen->words) * sizeof *bits);
        seen->bits = bits;
        seen->words = words;
    }
    uint64_t mask = (uint64_t) 1 << (seq % 64);
    bool before = (seen->bits [word] & mask) != 0;
    seen->bits [word] |= mask;
    return before;
}

//  A send and a recv or unread of the same message met, in either order
//  (a recv read before its send waits in the hash for it): checks 3 and 4,
//  and the message's age for the figures
static inline void
s_match (lc_check_t *self, const s_entry_t *sent, const s_entry_t *received)
{
    unsigned long long seq = (unsigned long long) sent->seq;
    if (received->clock != sent->clock)
        s_fail (self, 3, received->recipient, received->line,
                "%s of message %u:%llu says clock %llu, but it was sent with %llu",
                lc_event_name ((lc_event_t) received->event), sent->sender, seq,
                (unsigned long long) received->clock,
                (unsigned long long) sent->clock);
    if (received->event != LC_EV_RECV)
        return;             //  left unread: never processed, no age
    //  The send row's own clock: a send carrying another one is check 2's
    if (received->row_clock <= sent->row_clock)
        s_fail (self, 4, received->recipient, received->line,
                "message %u:%llu sent at clock %llu, received at clock %llu",
                sent->sender, seq, (unsigned long long) sent->row_clock,
                (unsigned long long) received->row_clock);
    if (self->message_fn) {
        int from = lc_check_index (self, sent->sender);
        int to = lc_check_index (self, received->recipient);
        if (from >= 0 && to >= 0)
            self->message_fn (self->message_arg, (size_t) to, (size_t) from,
                              sent->time_us, received->time_us);
    }
}

//  A send row names recipient
static void
s_sent (lc_check_t *self, const lc_row_t *row, size_t line, uint16_t recipient)
{
    s_entry_t sent = {
        .seq = row->msg_seq, .sender = (uint16_t) row->machine,
        .recipient = recipient, .state = S_SENT, .event = LC_EV_SEND,
        .clock = row->msg_clock, .row_clock = row->clock,
        .time_us = row->time_us, .line = line
    };
    s_entry_t *entry = s_find (self, sent.sender, sent.seq, recipient);
    if (entry && entry->state == S_SENT) {
        s_fail (self, 3, row->machine, line,
                "message %u:%llu sent to machine %u twice",
                row->machine, (unsigned long long) row->msg_seq, recipient);
        return;
    }
    if (entry) {
        //  Its recv was read first (wall clocks of two hosts differ)
        s_match (self, &sent, entry);
        s_remove (self, entry);
    }
    else
        s_insert (self, &sent);
}

//  True if recipient logged message seq of sender (recv or unread); false
//  also for sequence numbers the bitmaps do not track
static bool
s_was_received (const s_machine_t *recipient, int sender, uint64_t seq)
{
    if (sender < 0 || !recipient->seen_from)
        return false;
    const s_seen_t *seen = &recipient->seen_from [sender];
    uint64_t word = seq / 64;
    return word < seen->words && (seen->bits [word] >> (seq % 64)) & 1;
}

//  An unacked row: its sender says the recipient never acknowledged the
//  message as logged
static void
s_unacked (lc_check_t *self, const lc_row_t *row, size_t line)
{
    uint16_t recipient = row->peers [0];
    unsigned long long seq = (unsigned long long) row->msg_seq;
    s_entry_t *entry = s_find (self, (uint16_t) row->machine, row->msg_seq, recipient);
    int to = lc_check_index (self, recipient);
    if (entry && entry->state == S_SENT) {
        if (entry->clock != row->msg_clock)
            s_fail (self, 3, row->machine, line, "unacked message %u:%llu says clock "
                    "%llu, but it was sent with %llu", row->machine, seq,
                    (unsigned long long) row->msg_clock,
                    (unsigned long long) entry->clock);
        if (entry->unacked)
            s_fail (self, 3, row->machine, line, "message %u:%llu to machine %u "
                    "listed unacked twice", row->machine, seq, recipient);
        entry->unacked = true;
    }
    else
    if (to >= 0 && s_was_received (&self->machines [to],
                                   lc_check_index (self, row->machine), row->msg_seq))
        //  It was logged there; the acknowledgement came too late
        self->machines [to].late_acks++;
    else
        s_fail (self, 3, row->machine, line, "unacked message %u:%llu matches no "
                "send to machine %u", row->machine, seq, recipient);
}

//  A recv or unread row
static void
s_received (lc_check_t *self, s_machine_t *machine, const lc_row_t *row, size_t line)
{
    const char *what = lc_event_name (row->event);
    uint32_t sender = row->msg_sender;
    unsigned long long seq = (unsigned long long) row->msg_seq;
    if (sender == row->machine) {
        s_fail (self, 3, row->machine, line, "%s of message %u:%llu from itself",
                what, sender, seq);
        return;
    }
    if (s_seen_before (self, machine, lc_check_index (self, sender), row->msg_seq)) {
        s_fail (self, 3, row->machine, line, "message %u:%llu received twice (%s)",
                sender, seq, what);
        return;
    }
    s_entry_t received = {
        .seq = row->msg_seq, .sender = (uint16_t) sender,
        .recipient = (uint16_t) row->machine, .state = S_RECEIVED,
        .event = (uint8_t) row->event, .clock = row->msg_clock,
        .row_clock = row->clock, .time_us = row->time_us, .line = line
    };
    s_entry_t *entry = s_find (self, received.sender, received.seq, received.recipient);
    if (entry && entry->state == S_SENT) {
        s_match (self, entry, &received);
        if (entry->unacked)
            machine->late_acks++;
        s_remove (self, entry);
    }
    else
    if (entry)
        s_fail (self, 3, row->machine, line, "message %u:%llu received twice (%s)",
                sender, seq, what);
    else
        s_insert (self, &received);
}

//  --------------------------------------------------------------------------
//  Rows

//  Check 1: the shape of the log
static void
s_check_shape (lc_check_t *self, s_machine_t *m, size_t line, const lc_row_t *row)
{
    uint32_t id = m->meta.id;
    const char *what = lc_event_name (row->event);
    if (row->machine != id)
        s_fail (self, 1, id, line, "machine column says %u in machine-%u.csv",
                row->machine, id);
    if (!m->seen) {
        if (row->event != LC_EV_START)
            s_fail (self, 1, id, line, "first row is %s, expected start", what);
        else
        if (row->tick != 0)
            s_fail (self, 1, id, line, "first start has tick %llu, expected 0",
                    (unsigned long long) row->tick);
    }
    else
    if (m->known) {
        if (row->time_us < m->last_time)
            s_fail (self, 1, id, line, "time goes back by %lld us",
                    (long long) (m->last_time - row->time_us));
        if (row->tick < m->last_tick)
            s_fail (self, 1, id, line, "tick goes back from %llu to %llu",
                    (unsigned long long) m->last_tick,
                    (unsigned long long) row->tick);
        if (m->last_event == LC_EV_STOP && row->event != LC_EV_START)
            s_fail (self, 1, id, line, "%s after stop (only start may follow)", what);
    }
    if (row->event == LC_EV_UNREAD) {
        if (m->unacked_run)
            s_fail (self, 1, id, line, "unread after unacked (unread rows come first)");
        if (m->unread_run && row->queue != m->unread_queue)
            s_fail (self, 1, id, line, "unread rows disagree on the queue (%llu, %llu)",
                    (unsigned long long) m->unread_queue,
                    (unsigned long long) row->queue);
        m->unread_queue = row->queue;
        m->unread_run++;
    }
    else
    if (row->event == LC_EV_UNACKED) {
        if (m->unacked_run && row->queue != m->unacked_queue)
            s_fail (self, 1, id, line, "unacked rows disagree on the queue (%llu, %llu)",
                    (unsigned long long) m->unacked_queue,
                    (unsigned long long) row->queue);
        m->unacked_queue = row->queue;
        m->unacked_run++;
    }
    else {
        if (row->event == LC_EV_STOP) {
            if (row->queue != m->unread_run)
                s_fail (self, 1, id, line,
                        "stop says %llu messages were left, but %llu unread rows "
                        "come right before it",
                        (unsigned long long) row->queue,
                        (unsigned long long) m->unread_run);
            else
            if (m->unread_run && m->unread_queue != row->queue)
                s_fail (self, 1, id, line,
                        "stop says %llu messages were left, its unread rows say %llu",
                        (unsigned long long) row->queue,
                        (unsigned long long) m->unread_queue);
            if (m->unacked_run && m->unacked_queue != row->queue)
                s_fail (self, 1, id, line,
                        "stop says %llu messages were left, its unacked rows say %llu",
                        (unsigned long long) row->queue,
                        (unsigned long long) m->unacked_queue);
        }
        else
        if ((m->unread_run || m->unacked_run) && row->event != LC_EV_START)
            //  start may follow: a crash while the last rows were written
            s_fail (self, 1, id, line, "%s after %s (unread, then unacked rows come "
                    "right before stop)", what, m->unacked_run ? "unacked" : "unread");
        m->unread_run = 0;
        m->unacked_run = 0;
    }
    if (row->event == LC_EV_SEND)
        for (size_t i = 0; i < row->peer_count; i++)
            if (row->peers [i] == id)
                s_fail (self, 1, id, line, "send lists this machine as a recipient");
}

//  Check 1, the queue column: messages only arrive, only a recv takes one,
//  and a tick rolls only with an empty buffer
static void
s_check_queue (lc_check_t *self, s_machine_t *m, size_t line, const lc_row_t *row)
{
    uint32_t id = m->meta.id;
    const char *what = lc_event_name (row->event);
    unsigned long long queue = (unsigned long long) row->queue;
    if (row->event == LC_EV_START)
        m->life_recvs = 0;
    else
    if (row->event == LC_EV_RECV)
        m->life_recvs++;
    if ((row->event == LC_EV_SEND || row->event == LC_EV_INTERNAL) && row->queue)
        s_fail (self, 1, id, line, "%s with %llu message%s in the buffer (a tick "
                "takes a message when there is one, it rolls only with none)",
                what, queue, queue == 1 ? "" : "s");
    uint64_t arrived = row->queue > UINT64_MAX - m->life_recvs
                     ? UINT64_MAX : row->queue + m->life_recvs;
    //  A stop after unread rows: its queue is theirs (s_check_shape)
    bool after_unread = row->event == LC_EV_STOP && m->stop_unread;
    if (row->event != LC_EV_START && !after_unread && m->queue_known
    &&  arrived < m->arrived)
        s_fail (self, 1, id, line, "queue %llu after %s, but it was %llu before "
                "(messages only arrive%s)", queue, what,
                (unsigned long long) m->last_queue,
                row->event == LC_EV_RECV ? "; a recv takes one" : "; only a recv takes one");
    m->queue_known = true;
    m->last_queue = row->queue;
    m->arrived = arrived;
}

//  Check 2: the Lamport rules within one machine
static void
s_check_clock (lc_check_t *self, s_machine_t *m, size_t line, const lc_row_t *row)
{
    uint32_t id = m->meta.id;
    const char *what = lc_event_name (row->event);
    unsigned long long clock = (unsigned long long) row->clock;
    unsigned long long last = (unsigned long long) m->last_clock;
    if (row->event == LC_EV_SEND && row->msg_clock != row->clock)
        s_fail (self, 2, id, line, "send carries clock %llu, but its clock is %llu",
                (unsigned long long) row->msg_clock, clock);
    if (row->event == LC_EV_START && m->starts == 0) {
        if (row->clock != 0)
            s_fail (self, 2, id, line, "first start has clock %llu, expected 0", clock);
        return;
    }
    if (!m->known)
        return;             //  the previous row did not parse
    unsigned long long expected = last;
    switch (row->event) {
        case LC_EV_SEND:
        case LC_EV_INTERNAL:
            expected = last + 1;
            break;
        case LC_EV_RECV:
            expected = (row->msg_clock > last ? row->msg_clock : last) + 1;
            break;
        default:
            break;
    }
    if (clock == expected)
        return;
    if (row->event == LC_EV_RECV)
        s_fail (self, 2, id, line, "recv of clock %llu took the clock from %llu "
                "to %llu, expected max(%llu, %llu) + 1 = %llu",
                (unsigned long long) row->msg_clock, last, clock, last,
                (unsigned long long) row->msg_clock, expected);
    else
    if (expected == last)
        s_fail (self, 2, id, line, "%s changed the clock from %llu to %llu",
                what, last, clock);
    else
        s_fail (self, 2, id, line, "%s took the clock from %llu to %llu, "
                "expected %llu", what, last, clock, expected);
}

void
lc_check_row (lc_check_t *self, size_t idx, size_t line, const lc_row_t *row)
{
    assert (idx < self->count);
    s_machine_t *m = &self->machines [idx];
    if (row->event == LC_EV_STOP)
        m->stop_unread = m->unread_run;
    s_check_shape (self, m, line, row);
    s_check_queue (self, m, line, row);
    s_check_clock (self, m, line, row);

    switch (row->event) {
        case LC_EV_START:
            m->starts++;
            break;
        case LC_EV_SEND:
            m->recipients += row->peer_count;
            if (row->msg_seq <= m->last_seq)
                s_fail (self, 3, m->meta.id, line,
                        "message id %u:%llu reused (the last send was %u:%llu)",
                        row->machine, (unsigned long long) row->msg_seq,
                        row->machine, (unsigned long long) m->last_seq);
            else {
                m->last_seq = row->msg_seq;
                for (size_t i = 0; i < row->peer_count; i++)
                    if (row->peers [i] != m->meta.id)
                        s_sent (self, row, line, row->peers [i]);
            }
            break;
        case LC_EV_RECV:
            m->recvs++;
            s_received (self, m, row, line);
            break;
        case LC_EV_UNREAD:
            s_received (self, m, row, line);
            break;
        case LC_EV_UNACKED:
            m->unacked_rows++;
            s_unacked (self, row, line);
            break;
        default:
            break;
    }
    if (row->event == LC_EV_SEND || row->event == LC_EV_RECV
    ||  row->event == LC_EV_INTERNAL) {
        if (!m->any_tick || row->tick != m->last_tick_row)
            m->ticks++;
        m->any_tick = true;
        m->last_tick_row = row->tick;
    }
    m->seen = true;
    m->known = true;
    m->last_time = row->time_us;
    m->last_tick = row->tick;
    m->last_clock = row->clock;
    m->last_event = row->event;
}

void
lc_check_bad_row (lc_check_t *self, size_t idx, size_t line, const char *why)
{
    assert (idx < self->count);
    s_machine_t *m = &self->machines [idx];
    s_fail (self, 1, m->meta.id, line, "%s", why ? why : "malformed row");
    m->seen = true;
    m->known = false;
    m->queue_known = false;
}

//  --------------------------------------------------------------------------
//  The end of the run (checks 3, 5 and 6)

bool
lc_check_crashed (lc_check_t *self, size_t idx)
{
    assert (idx < self->count);
    s_machine_t *m = &self->machines [idx];
    return m->last_event != LC_EV_STOP || !m->seen || m->starts > 1
        || m->meta.restarts > 0;
}

//  A message a crashed sender held: its log ends without a stop row
static bool
s_lost_with_sender (lc_check_t *self, const s_entry_t *entry)
{
    int sender = lc_check_index (self, entry->sender);
    return sender >= 0 && self->machines [sender].last_event != LC_EV_STOP;
}

static void
s_left_over (lc_check_t *self, const s_entry_t *entry)
{
    unsigned long long seq = (unsigned long long) entry->seq;
    if (entry->state == S_RECEIVED) {
        int sender = lc_check_index (self, entry->sender);
        s_fail (self, 3, entry->recipient, entry->line,
                "%s of message %u:%llu matches no send from machine %u%s",
                lc_event_name (entry->event), entry->sender, seq, entry->sender,
                sender < 0 ? " (it has no log in this run)" : " to this machine");
        //  No send to compare with: the clock it claims to carry stands in
        if (entry->event == LC_EV_RECV && entry->row_clock <= entry->clock)
            s_fail (self, 4, entry->recipient, entry->line,
                    "message %u:%llu claims clock %llu, received at clock %llu",
                    entry->sender, seq, (unsigned long long) entry->clock,
                    (unsigned long long) entry->row_clock);
        return;
    }
    int to = lc_check_index (self, entry->recipient);
    if (entry->unacked) {
        //  Undelivered, and its sender says so: why
        if (to >= 0 && lc_check_crashed (self, (size_t) to))
            self->machines [to].undelivered++;
        else
        if (to >= 0)
            self->machines [to].cut_off++;
        return;
    }
    if (s_lost_with_sender (self, entry))
        self->machines [lc_check_index (self, entry->sender)].lost_sent++;
    else
    if (to < 0)
        s_fail (self, 5, entry->sender, entry->line,
                "message %u:%llu went to machine %u, which has no log in this run",
                entry->sender, seq, entry->recipient);
    else
        s_fail (self, 5, entry->sender, entry->line,
                "message %u:%llu to machine %u was neither received nor left "
                "unread there, and its sender does not list it unacked",
                entry->sender, seq, entry->recipient);
}

static void
s_check_ticks (lc_check_t *self, s_machine_t *m)
{
    if (strcmp (m->meta.stop_reason, "duration") != 0
    ||  m->starts > 1 || m->meta.restarts > 0)
        return;
    double due = floor ((double) m->meta.rate * m->meta.duration + S_TICK_EPSILON);
    if ((double) m->ticks != due)
        s_fail (self, 6, m->meta.id, 0,
                "stopped on duration after %llu ticks, expected floor(%u x %g) = %.0f",
                (unsigned long long) m->ticks, m->meta.rate, m->meta.duration, due);
}

//  One count of the summary against the log's
static void
s_agree (lc_check_t *self, s_machine_t *m, const char *key, uint64_t summary,
         uint64_t log, const char *what)
{
    if (summary != log)
        s_fail (self, 5, m->meta.id, 0, "its summary says %s %llu, its log %llu (%s)",
                key, (unsigned long long) summary, (unsigned long long) log, what);
}

//  Check 5: the summary agrees with the log. Without a stop row the log
//  ended in a crash (stop_reason null), a write error (error) or before a
//  --resume that never started (start_timeout); duration and signal
//  always write their stop row first.
static void
s_check_summary (lc_check_t *self, s_machine_t *m)
{
    const char *reason = m->meta.stop_reason;
    if (!m->seen || !m->known)
        return;             //  check 1 has said why
    if (m->last_event != LC_EV_STOP) {
        if (strcmp (reason, "duration") == 0 || strcmp (reason, "signal") == 0)
            s_fail (self, 5, m->meta.id, 0, "its summary says it stopped (%s), but "
                    "its log ends without a stop row (rows lost or removed?)", reason);
        return;
    }
    if (!*reason || strcmp (reason, "start_timeout") == 0) {
        s_fail (self, 5, m->meta.id, 0, "its log ends with a stop row, but its "
                "summary says %s", *reason ? "it never started (start_timeout)"
                : "it never stopped (stop_reason null)");
        return;
    }
    s_agree (self, m, "ticks", m->meta.ticks, m->last_tick, "the stop row's tick");
    s_agree (self, m, "sent", m->meta.sent, m->recipients, "recipients of its send rows");
    s_agree (self, m, "received", m->meta.received, m->recvs, "recv rows");
    s_agree (self, m, "unread", m->meta.unread, m->stop_unread, "unread rows before stop");
    s_agree (self, m, "unacked", m->meta.unacked, m->unacked_rows, "unacked rows");
    s_agree (self, m, "final_clock", m->meta.final_clock, m->last_clock, "the stop row's clock");
}

void
lc_check_finish (lc_check_t *self)
{
    assert (!self->finished);
    self->finished = true;
    for (size_t i = 0; i < self->count; i++) {
        s_machine_t *m = &self->machines [i];
        if (!m->seen)
            s_fail (self, 1, m->meta.id, 0, "the log has no rows");
    }
    //  Two passes so that failures come out ordered by rule
    for (size_t i = 0; i < self->capacity; i++)
        if (self->slots [i].seq && self->slots [i].state == S_RECEIVED)
            s_left_over (self, &self->slots [i]);
    for (size_t i = 0; i < self->capacity; i++)
        if (self->slots [i].seq && self->slots [i].state == S_SENT)
            s_left_over (self, &self->slots [i]);
    for (size_t i = 0; i < self->count; i++)
        s_check_summary (self, &self->machines [i]);
    for (size_t i = 0; i < self->count; i++)
        s_check_ticks (self, &self->machines [i]);
}

//  --------------------------------------------------------------------------
//  Results

size_t
lc_check_failures (lc_check_t *self)
{
    return self->failures;
}

size_t
lc_check_rule_failures (lc_check_t *self, int rule)
{
    if (rule < 1 || rule > LC_RULES)
        return 0;
    return self->rule_failures [rule];
}

size_t
lc_check_kept (lc_check_t *self)
{
    return self->kept_count;
}

const lc_failure_t *
lc_check_failure (lc_check_t *self, size_t index)
{
    if (index >= self->kept_count)
        return NULL;
    return &self->kept [index];
}

uint64_t
lc_check_undelivered (lc_check_t *self, size_t idx)
{
    assert (idx < self->count);
    return self->machines [idx].undelivered;
}

uint64_t
lc_check_cut_off (lc_check_t *self, size_t idx)
{
    assert (idx < self->count);
    return self->machines [idx].cut_off;
}

uint64_t
lc_check_late_acks (lc_check_t *self, size_t idx)
{
    assert (idx < self->count);
    return self->machines [idx].late_acks;
}

uint64_t
lc_check_lost_sent (lc_check_t *self, size_t idx)
{
    assert (idx < self->count);
    return self->machines [idx].lost_sent;
}

uint64_t
lc_check_ticks (lc_check_t *self, size_t idx)
{
    assert (idx < self->count);
    return self->machines [idx].ticks;
}
