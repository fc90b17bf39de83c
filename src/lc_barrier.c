/*  lc_barrier.c - the start barrier and the peers' control messages, pure.

    The rules (docs/protocol.md, "The conversation"):

    - HELLO is answered with WELCOME whatever the settings, so that both
      ends of a mismatch can name it; while announcing, once every peer has
      answered, with READY too; while running, with READY (a restarted peer
      needs it again); while leaving, with BYE.
    - WELCOME marks the peer as answered; once every peer has, READY goes
      to all. A WELCOME flagged "running" counts as READY.
    - Start when every peer has answered and is ready.
    - BYE: the peer left; send it nothing new.
    - Different run settings: before the start, a refusal (exit 2, naming
      the peer and the setting); once running, the run's settings are
      settled, and such a message contradicts the run: rejected.
    - Instances: each process announces a random instance number. While
      announcing, a new instance of a peer replaces the old one (it was
      restarted before the run began). Once running, only a HELLO flagged
      "resume" may bring a new instance (the peer restarted with --resume:
      it is a peer again); any other message from an instance other than
      the known one contradicts the state of that peer: rejected.
*/
#include "lc_barrier.h"
#include "lc_alloc.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
lc_barrier_init (lc_barrier_t *self, const lc_settings_t *settings,
                 uint64_t instance, const uint32_t *peers, size_t peer_count)
{
    memset (self, 0, sizeof *self);
    self->settings = *settings;
    self->instance = instance;
    self->phase = LC_BARRIER_ANNOUNCE;
    self->peer_count = peer_count;
    self->peers = lc_calloc (peer_count, sizeof *self->peers);
    for (size_t i = 0; i < peer_count; i++) {
        assert (i == 0 || peers [i] > peers [i - 1]);
        self->peers [i].id = peers [i];
    }
}

void
lc_barrier_reset (lc_barrier_t *self)
{
    free (self->peers);
    memset (self, 0, sizeof *self);
}

bool
lc_barrier_accept_instance (lc_barrier_t *self, size_t idx, uint64_t instance)
{
    assert (idx < self->peer_count);
    lc_barrier_peer_t *peer = &self->peers [idx];
    if (!peer->instance)
        peer->instance = instance;
    return instance && peer->instance == instance;
}

bool
lc_barrier_all_answered (const lc_barrier_t *self)
{
    for (size_t i = 0; i < self->peer_count; i++)
        if (!self->peers [i].answered)
            return false;
    return true;
}

static bool
s_all_ready (const lc_barrier_t *self)
{
    for (size_t i = 0; i < self->peer_count; i++)
        if (!self->peers [i].answered || !self->peers [i].ready)
            return false;
    return true;
}

//  The first setting in which theirs differs from ours, into decision;
//  false if they agree
static bool
s_differ (const lc_barrier_t *self, const lc_settings_t *theirs,
          lc_barrier_decision_t *decision)
{
    const lc_settings_t *ours = &self->settings;
    if (theirs->speed != ours->speed) {
        decision->setting = "speed";
        snprintf (decision->here, sizeof decision->here, "%g", ours->speed);
        snprintf (decision->there, sizeof decision->there, "%g", theirs->speed);
    }
    else
    if (theirs->duration != ours->duration) {
        decision->setting = "duration";
        snprintf (decision->here, sizeof decision->here, "%g", ours->duration);
        snprintf (decision->there, sizeof decision->there, "%g", theirs->duration);
    }
    else
    if (theirs->roll != ours->roll) {
        decision->setting = "roll";
        snprintf (decision->here, sizeof decision->here, "%u", ours->roll);
        snprintf (decision->there, sizeof decision->there, "%u", theirs->roll);
    }
    else
    if (theirs->run_id != ours->run_id) {
        decision->setting = "peer set or --run-nonce (run id)";
        snprintf (decision->here, sizeof decision->here, "%016" PRIx64, ours->run_id);
        snprintf (decision->there, sizeof decision->there, "%016" PRIx64, theirs->run_id);
    }
    return decision->setting != NULL;
}

static lc_barrier_decision_t
s_reject (const char *reason)
{
    lc_barrier_decision_t decision = { .verdict = LC_BARRIER_REJECT, .reason = reason };
    return decision;
}

//  True if msg may come from the instance we know of the peer (0 on
//  either side: not known, no check). While announcing, a new instance
//  replaces the old one.
static bool
s_same_instance (lc_barrier_t *self, lc_barrier_peer_t *peer, uint64_t instance)
{
    if (!instance || !peer->instance || instance == peer->instance) {
        if (instance)
            peer->instance = instance;
        return true;
    }
    if (self->phase != LC_BARRIER_ANNOUNCE)
        return false;
    peer->instance = instance;
    return true;
}

static lc_barrier_decision_t
s_hello (lc_barrier_t *self, lc_barrier_peer_t *peer, const lc_wire_msg_t *msg)
{
    lc_barrier_decision_t decision = { .verdict = LC_BARRIER_OK };
    if (s_differ (self, &msg->settings, &decision)) {
        if (self->phase != LC_BARRIER_ANNOUNCE)
            return s_reject ("HELLO with other run settings while running");
        //  Answered all the same: our WELCOME lets the peer name the
        //  difference too before both exit
        decision.verdict = LC_BARRIER_REFUSE;
        decision.sends = LC_BARRIER_WELCOME;
        return decision;
    }
    bool resumed = msg->settings.flags & LC_WIRE_FLAG_RESUME;
    bool new_instance = msg->instance && peer->instance && msg->instance != peer->instance;
    if (self->phase != LC_BARRIER_ANNOUNCE) {
        if (new_instance && !resumed)
            return s_reject ("HELLO from another process of a running machine");
        //  A peer restarted with --resume is a peer again
        decision.rejoined = resumed && (new_instance || peer->left);
        if (decision.rejoined)
            peer->left = false;
    }
    if (msg->instance)
        peer->instance = msg->instance;
    decision.sends = LC_BARRIER_WELCOME;
    //  A peer that announces itself again (it restarted, or our READY
    //  crossed its HELLO) needs our READY again
    if (self->phase == LC_BARRIER_RUN
    ||  (self->phase == LC_BARRIER_ANNOUNCE && lc_barrier_all_answered (self)))
        decision.sends |= LC_BARRIER_READY;
    //  A peer restarted while we leave: it must not send to us
    if (self->phase == LC_BARRIER_DRAIN)
        decision.sends |= LC_BARRIER_BYE;
    return decision;
}

static lc_barrier_decision_t
s_welcome (lc_barrier_t *self, lc_barrier_peer_t *peer, const lc_wire_msg_t *msg)
{
    lc_barrier_decision_t decision = { .verdict = LC_BARRIER_OK };
    if (s_differ (self, &msg->settings, &decision)) {
        if (self->phase != LC_BARRIER_ANNOUNCE)
            return s_reject ("WELCOME with other run settings while running");
        decision.verdict = LC_BARRIER_REFUSE;
        return decision;
    }
    if (!s_same_instance (self, peer, msg->instance))
        return s_reject ("WELCOME from an instance the run does not know");
    if (self->phase != LC_BARRIER_ANNOUNCE) {
        peer->answered = true;
        decision.verdict = LC_BARRIER_IGNORE;
        return decision;
    }
    if (!peer->answered) {
        peer->answered = true;
        if (lc_barrier_all_answered (self))
            decision.sends = LC_BARRIER_READY_ALL;
    }
    if (msg->settings.flags & LC_WIRE_FLAG_RUNNING)
        peer->ready = true;
    decision.start = s_all_ready (self);
    return decision;
}

lc_barrier_decision_t
lc_barrier_handle (lc_barrier_t *self, size_t idx, const lc_wire_msg_t *msg)
{
    assert (idx < self->peer_count);
    lc_barrier_peer_t *peer = &self->peers [idx];
    lc_barrier_decision_t decision = { .verdict = LC_BARRIER_OK };
    switch (msg->type) {
        case LC_MSG_HELLO:
            return s_hello (self, peer, msg);
        case LC_MSG_WELCOME:
            return s_welcome (self, peer, msg);
        case LC_MSG_READY:
            if (!s_same_instance (self, peer, msg->instance))
                return s_reject ("READY from an instance the run does not know");
            peer->ready = true;
            if (self->phase != LC_BARRIER_ANNOUNCE)
                decision.verdict = LC_BARRIER_IGNORE;
            else
                decision.start = s_all_ready (self);
            return decision;
        case LC_MSG_BYE:
            if (!s_same_instance (self, peer, msg->instance))
                return s_reject ("BYE from an instance the run does not know");
            peer->left = true;
            decision.left = true;
            return decision;
        default:
            assert (false);     //  only control messages come here
            return s_reject ("not a control message");
    }
}

lc_barrier_decision_t
lc_barrier_other_version (lc_barrier_t *self, size_t idx)
{
    assert (idx < self->peer_count);
    if (self->phase != LC_BARRIER_ANNOUNCE)
        return s_reject ("wrong protocol version");
    lc_barrier_decision_t decision = { .verdict = LC_BARRIER_REFUSE,
                                       .setting = "protocol version",
                                       .unreadable = true };
    snprintf (decision.here, sizeof decision.here, "%d", LC_WIRE_VERSION);
    snprintf (decision.there, sizeof decision.there, "another");
    return decision;
}

lc_msg_type_t
lc_barrier_announce (lc_barrier_t *self, size_t idx, bool refresh)
{
    assert (idx < self->peer_count);
    lc_barrier_peer_t *peer = &self->peers [idx];
    lc_msg_type_t type = 0;
    if (!peer->answered)
        type = LC_MSG_HELLO;
    else
    if ((!peer->ready || refresh) && lc_barrier_all_answered (self))
        type = LC_MSG_READY;
    //  A repeat waits its turn; the refresh of a ready peer does not
    if (type && type == peer->announced && peer->wait > 0
    &&  !(type == LC_MSG_READY && peer->ready)) {
        peer->wait--;
        return 0;
    }
    return type;
}

void
lc_barrier_announced (lc_barrier_t *self, size_t idx, lc_msg_type_t type, bool delivered)
{
    assert (idx < self->peer_count);
    lc_barrier_peer_t *peer = &self->peers [idx];
    if ((type != LC_MSG_HELLO && type != LC_MSG_READY) || !delivered)
        return;
    if (type != peer->announced) {
        peer->announced = type;
        peer->skip = 0;
    }
    else {
        peer->skip = 2 * peer->skip + 1;
        if (peer->skip > LC_READY_REFRESH - 1)
            peer->skip = LC_READY_REFRESH - 1;
    }
    peer->wait = peer->skip;
}

size_t
lc_barrier_missing (const lc_barrier_t *self, bool *answered_all, char *buf, size_t size)
{
    *answered_all = lc_barrier_all_answered (self);
    size_t length = 0, count = 0;
    buf [0] = 0;
    for (size_t i = 0; i < self->peer_count; i++) {
        const lc_barrier_peer_t *peer = &self->peers [i];
        bool missing = *answered_all ? !peer->ready : !peer->answered;
        if (!missing)
            continue;
        if (length < size)
            length += (size_t) snprintf (buf + length, size - length, "%s%u",
                                         count ? ", " : "", peer->id);
        count++;
    }
    return count;
}
