/*  lc_delivery.c - end-to-end delivery, pure (docs/protocol.md).

    A link S -> R is a chain: each DATA names its predecessor on that link.
    Acknowledgements are cumulative (R takes and logs S's messages in chain
    order), so what S keeps is always a suffix of the chain: the messages
    after `base`, the last one R acknowledged as logged. `acked_taken` >=
    `base` is the last R acknowledged as taken; `cursor` walks the kept
    messages that go out, and goes back to just after `acked_taken` when
    what went out may have been lost.
*/
#include "lc_delivery.h"
#include "lc_alloc.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define S_STALL_NS      ((int64_t) LC_ACK_STALL_MS * 1000000)
#define S_STALL_MAX_NS  ((int64_t) LC_ACK_STALL_MAX_MS * 1000000)
#define S_ACK_NS        ((int64_t) LC_ACK_MS * 1000000)
#define S_ACK_DELAY_NS  ((int64_t) LC_ACK_DELAY_MS * 1000000)

void
lc_delivery_init (lc_delivery_t *self, size_t peer_count)
{
    memset (self, 0, sizeof *self);
    self->count = peer_count;
    self->peers = lc_calloc (peer_count, sizeof *self->peers);
    for (size_t i = 0; i < peer_count; i++) {
        self->peers [i].synced = true;
        self->peers [i].stall_ns = S_STALL_NS;
    }
}

void
lc_delivery_reset (lc_delivery_t *self)
{
    for (size_t i = 0; self->peers && i < self->count; i++)
        free (self->peers [i].kept);
    free (self->peers);
    memset (self, 0, sizeof *self);
}

static const lc_delivery_peer_t *
s_peer (const lc_delivery_t *self, size_t idx)
{
    assert (idx < self->count);
    return &self->peers [idx];
}

//  The peer, to be changed: what lc_delivery_earliest knew of its due
//  time is stale. Every change goes through here (s_peer is read-only).
static lc_delivery_peer_t *
s_peer_mut (lc_delivery_t *self, size_t idx)
{
    assert (idx < self->count);
    self->peers [idx].due_fresh = false;
    return &self->peers [idx];
}

static lc_kept_t *
s_at (const lc_delivery_peer_t *peer, size_t i)
{
    assert (i < peer->length);
    return &peer->kept [(peer->head + i) & (peer->capacity - 1)];
}

//  Position of the first kept message after seq (length if none)
static size_t
s_after (const lc_delivery_peer_t *peer, uint64_t seq)
{
    size_t lo = 0, hi = peer->length;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s_at (peer, mid)->seq <= seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

//  Appends a message to the ring, growing it by doubling
static void
s_append (lc_delivery_peer_t *peer, uint64_t seq, uint64_t clock)
{
    if (peer->length == peer->capacity) {
        size_t capacity = peer->capacity ? peer->capacity * 2 : 16;
        peer->kept = lc_ring_grow (peer->kept, sizeof *peer->kept, peer->head,
                                   peer->length, peer->capacity, capacity);
        peer->capacity = capacity;
        peer->head = 0;
    }
    peer->kept [(peer->head + peer->length) & (peer->capacity - 1)]
        = (lc_kept_t) { seq, clock };
    peer->length++;
    peer->last = seq;
}

//  Drops the oldest kept message: now acknowledged as logged
static void
s_drop_oldest (lc_delivery_peer_t *peer)
{
    peer->base = s_at (peer, 0)->seq;
    peer->head = (peer->head + 1) & (peer->capacity - 1);
    peer->length--;
    if (peer->cursor)
        peer->cursor--;
}

//  --------------------------------------------------------------------------
//  Sending

bool
lc_delivery_can_queue (const lc_delivery_t *self, size_t idx)
{
    return s_peer (self, idx)->length < LC_KEPT_MAX;
}

void
lc_delivery_queue (lc_delivery_t *self, size_t idx, uint64_t seq, uint64_t clock)
{
    lc_delivery_peer_t *peer = s_peer_mut (self, idx);
    assert (peer->length < LC_KEPT_MAX && seq > peer->last);
    s_append (peer, seq, clock);
}

bool
lc_delivery_next (const lc_delivery_t *self, size_t idx, lc_wire_msg_t *msg)
{
    const lc_delivery_peer_t *peer = s_peer (self, idx);
    if (!peer->synced || peer->cursor >= peer->length)
        return false;
    const lc_kept_t *kept = s_at (peer, peer->cursor);
    *msg = (lc_wire_msg_t) {
        .type = LC_MSG_DATA, .seq = kept->seq, .clock = kept->clock,
        .prev = peer->cursor ? s_at (peer, peer->cursor - 1)->seq : peer->base
    };
    return true;
}

bool
lc_delivery_sent (lc_delivery_t *self, size_t idx, int64_t now_ns)
{
    lc_delivery_peer_t *peer = s_peer_mut (self, idx);
    assert (peer->cursor < peer->length);
    //  Nothing was outstanding: the stall clock starts now
    if (peer->cursor <= s_after (peer, peer->acked_taken))
        peer->progress_ns = now_ns;
    uint64_t seq = s_at (peer, peer->cursor)->seq;
    peer->cursor++;
    if (seq <= peer->sent_high)
        return true;
    peer->sent_high = seq;
    return false;
}

int
lc_delivery_ack (lc_delivery_t *self, size_t idx, const lc_wire_msg_t *ack,
                 int64_t now_ns)
{
    lc_delivery_peer_t *peer = s_peer_mut (self, idx);
    if (ack->taken > peer->last || ack->logged > ack->taken)
        return -1;
    //  From a new instance of the peer, what it says is the truth, even if
    //  it took less than its former self: it restarted
    bool restarted = peer->instance && ack->instance != peer->instance;
    uint64_t taken = ack->taken, logged = ack->logged;
    if (!restarted && taken < peer->acked_taken)
        taken = peer->acked_taken;
    bool advanced = taken > peer->acked_taken || logged > peer->base;
    while (peer->length && s_at (peer, 0)->seq <= logged)
        s_drop_oldest (peer);
    peer->acked_taken = taken > peer->base ? taken : peer->base;
    size_t after = s_after (peer, peer->acked_taken);
    //  Send again after what it took: it restarted, we did (and wait to
    //  hear from it), or it saw a gap
    if (restarted || !peer->synced || (ack->ack_flags & LC_WIRE_ACK_GAP)
    ||  peer->cursor < after)
        peer->cursor = after;
    if (advanced || restarted || !peer->synced) {
        peer->progress_ns = now_ns;
        peer->stall_ns = S_STALL_NS;
    }
    peer->instance = ack->instance;
    peer->synced = true;
    return 0;
}

void
lc_delivery_link_up (lc_delivery_t *self, size_t idx, int64_t now_ns)
{
    lc_delivery_peer_t *peer = s_peer_mut (self, idx);
    peer->cursor = s_after (peer, peer->acked_taken);
    peer->progress_ns = now_ns;
    peer->stall_ns = S_STALL_NS;
}

void
lc_delivery_restarted (lc_delivery_t *self, size_t idx, uint64_t instance)
{
    lc_delivery_peer_t *peer = s_peer_mut (self, idx);
    if (instance == peer->instance)
        return;                 //  its ack came first: in sync already
    peer->acked_taken = peer->base;
    peer->cursor = 0;
    peer->synced = false;
}

void
lc_delivery_blocked (lc_delivery_t *self, size_t idx, int64_t now_ns)
{
    s_peer_mut (self, idx)->blocked_ns = now_ns;
}

bool
lc_delivery_stalled (lc_delivery_t *self, size_t idx, int64_t now_ns)
{
    const lc_delivery_peer_t *seen = s_peer (self, idx);
    size_t after = s_after (seen, seen->acked_taken);
    if (!seen->synced || seen->cursor <= after || now_ns - seen->progress_ns < seen->stall_ns)
        return false;
    lc_delivery_peer_t *peer = s_peer_mut (self, idx);
    peer->cursor = after;
    peer->progress_ns = now_ns;
    if (peer->stall_ns < S_STALL_MAX_NS)
        peer->stall_ns *= 2;
    return true;
}

size_t
lc_delivery_kept (const lc_delivery_t *self, size_t idx)
{
    return s_peer (self, idx)->length;
}

const lc_kept_t *
lc_delivery_kept_at (const lc_delivery_t *self, size_t idx, size_t i)
{
    return s_at (s_peer (self, idx), i);
}

//  --------------------------------------------------------------------------
//  Receiving

//  The peer is owed an ack from now_ns: its delay runs from the first
//  change since the last ack went out
static void
s_owe (lc_delivery_peer_t *peer, int64_t now_ns)
{
    if (!peer->ack_due)
        peer->ack_since_ns = now_ns;
    peer->ack_due = true;
}

lc_take_t
lc_delivery_take (lc_delivery_t *self, size_t idx, uint64_t seq, uint64_t prev,
                  int64_t now_ns)
{
    lc_delivery_peer_t *peer = s_peer_mut (self, idx);
    if (seq <= peer->taken) {
        //  Its sender does not know we have it: tell it
        s_owe (peer, now_ns);
        return LC_TAKE_DUPLICATE;
    }
    if (prev < peer->taken)
        return LC_TAKE_CONTRADICTS;
    if (prev > peer->taken) {
        peer->gap = true;
        s_owe (peer, now_ns);
        return LC_TAKE_GAP;
    }
    peer->taken = seq;
    if (self->draining)
        peer->logged = seq;
    s_owe (peer, now_ns);
    return LC_TAKE;
}

void
lc_delivery_logged (lc_delivery_t *self, size_t idx, uint64_t seq, int64_t now_ns)
{
    lc_delivery_peer_t *peer = s_peer_mut (self, idx);
    assert (seq <= peer->taken);
    if (seq > peer->logged) {
        peer->logged = seq;
        s_owe (peer, now_ns);
    }
}

void
lc_delivery_drain (lc_delivery_t *self, int64_t now_ns)
{
    self->draining = true;
    //  No ack waits its delay any more: lc_delivery_logged marks every
    //  peer changed
    for (size_t i = 0; i < self->count; i++)
        lc_delivery_logged (self, i, self->peers [i].taken, now_ns);
}

void
lc_delivery_ack_now (lc_delivery_t *self, size_t idx)
{
    s_peer_mut (self, idx)->ack_now = true;
}

//  When a pending ack goes out: to a peer that (re)appeared at once;
//  else LC_ACK_MS after the last one at the earliest, and while running
//  not before LC_ACK_DELAY_MS after the change that made it owed. An ack
//  that could not go out waits LC_ACK_MS before the next try.
static int64_t
s_ack_at (const lc_delivery_t *self, const lc_delivery_peer_t *peer)
{
    int64_t at = peer->ack_now ? 0 : peer->acked_ns + S_ACK_NS;
    if (peer->ack_due && !peer->ack_now && !self->draining
    &&  peer->ack_since_ns + S_ACK_DELAY_NS > at)
        at = peer->ack_since_ns + S_ACK_DELAY_NS;
    if (peer->deferred_ns && peer->deferred_ns + S_ACK_NS > at)
        at = peer->deferred_ns + S_ACK_NS;
    return at;
}

static void
s_ack_fill (const lc_delivery_peer_t *peer, lc_wire_msg_t *ack)
{
    *ack = (lc_wire_msg_t) {
        .type = LC_MSG_ACK, .taken = peer->taken, .logged = peer->logged,
        .ack_flags = peer->gap ? LC_WIRE_ACK_GAP : 0
    };
}

bool
lc_delivery_ack_due (const lc_delivery_t *self, size_t idx, int64_t now_ns,
                     lc_wire_msg_t *ack)
{
    const lc_delivery_peer_t *peer = s_peer (self, idx);
    if (!(peer->ack_now || peer->ack_due) || now_ns < s_ack_at (self, peer))
        return false;
    s_ack_fill (peer, ack);
    return true;
}

bool
lc_delivery_ack_pending (const lc_delivery_t *self, size_t idx)
{
    const lc_delivery_peer_t *peer = s_peer (self, idx);
    return peer->ack_due || peer->ack_now;
}

void
lc_delivery_ack_sent (lc_delivery_t *self, size_t idx, int64_t now_ns)
{
    lc_delivery_peer_t *peer = s_peer_mut (self, idx);
    peer->ack_due = peer->ack_now = peer->gap = false;
    peer->acked_ns = now_ns;
    peer->deferred_ns = 0;
}

void
lc_delivery_ack_deferred (lc_delivery_t *self, size_t idx, int64_t now_ns)
{
    s_peer_mut (self, idx)->deferred_ns = now_ns;
}

bool
lc_delivery_ack_rides (const lc_delivery_t *self, size_t idx, int64_t now_ns,
                       int64_t until_ns, lc_wire_msg_t *ack)
{
    const lc_delivery_peer_t *peer = s_peer (self, idx);
    if (!(peer->ack_due || peer->ack_now) || now_ns < peer->acked_ns + S_ACK_NS
    ||  (peer->deferred_ns && now_ns < peer->deferred_ns + S_ACK_NS))
        return false;
    if (until_ns != INT64_MAX && s_ack_at (self, peer) > until_ns)
        return false;
    s_ack_fill (peer, ack);
    return true;
}

//  --------------------------------------------------------------------------
//  When

int64_t
lc_delivery_due (const lc_delivery_t *self, size_t idx, bool can_ack)
{
    const lc_delivery_peer_t *peer = s_peer (self, idx);
    int64_t due = INT64_MAX;
    if (can_ack && (peer->ack_due || peer->ack_now))
        due = s_ack_at (self, peer);
    if (!peer->synced)
        return due;
    //  Sent and not acknowledged as taken: a stall is checked for then
    if (peer->cursor > s_after (peer, peer->acked_taken)
    &&  peer->progress_ns + peer->stall_ns < due)
        due = peer->progress_ns + peer->stall_ns;
    //  Not sent: the link would not take it, tried again
    if (peer->cursor < peer->length && peer->blocked_ns + S_ACK_NS < due)
        due = peer->blocked_ns + S_ACK_NS;
    return due;
}

#ifndef NDEBUG
//  A walk of every peer's lc_delivery_due, for lc_delivery_earliest to be
//  checked against (assert, in debug builds)
static int64_t
s_earliest_walk (const lc_delivery_t *self, const bool *can_ack)
{
    int64_t earliest = INT64_MAX;
    for (size_t i = 0; i < self->count; i++) {
        int64_t due = lc_delivery_due (self, i, can_ack [i]);
        if (due < earliest)
            earliest = due;
    }
    return earliest;
}
#endif

//  lc_delivery_due depends on the peer's state, can_ack and draining
//  alone, and every change to those goes through s_peer_mut: a fresh
//  due_ns is what lc_delivery_due would say
int64_t
lc_delivery_earliest (lc_delivery_t *self, const bool *can_ack)
{
    int64_t earliest = INT64_MAX;
    for (size_t i = 0; i < self->count; i++) {
        lc_delivery_peer_t *peer = &self->peers [i];
        if (!peer->due_fresh || peer->due_can_ack != can_ack [i]) {
            peer->due_ns = lc_delivery_due (self, i, can_ack [i]);
            peer->due_can_ack = can_ack [i];
            peer->due_fresh = true;
        }
        if (peer->due_ns < earliest)
            earliest = peer->due_ns;
    }
    assert (earliest == s_earliest_walk (self, can_ack));
    return earliest;
}

//  --------------------------------------------------------------------------
//  --resume

void
lc_delivery_restore_logged (lc_delivery_t *self, size_t idx, uint64_t seq)
{
    lc_delivery_peer_t *peer = s_peer_mut (self, idx);
    if (seq > peer->taken)
        peer->taken = peer->logged = seq;
}

void
lc_delivery_restore_sent (lc_delivery_t *self, size_t idx, uint64_t seq, uint64_t clock)
{
    lc_delivery_peer_t *peer = s_peer_mut (self, idx);
    if (seq <= peer->last)
        return;                 //  a log out of order: keep what is known
    if (peer->length == LC_KEPT_MAX)
        s_drop_oldest (peer);
    s_append (peer, seq, clock);
    peer->acked_taken = peer->base;
    peer->cursor = 0;
    peer->synced = false;
}
