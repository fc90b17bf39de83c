/*  test_delivery.c - end-to-end delivery between a sender and a receiver
    over a link that loses what it holds: in order, no duplicate taken,
    nothing lost while both live, restarts on either side, the bound.
*/
#include "lc_delivery.h"

#include <stdarg.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#define S_MS    1000000LL
#define S_DELAY (LC_ACK_DELAY_MS * S_MS)

//  One link S -> R: S's state for peer 0 (R), R's state for peer 0 (S)
typedef struct {
    lc_delivery_t s;            //  the sender's side
    lc_delivery_t r;            //  the receiver's side
    uint64_t r_instance;        //  R's process instance
    uint64_t taken [64];        //  what R took into its buffer, in order
    size_t taken_count;
    size_t duplicates;          //  what R dropped as taken before
    size_t retransmitted;       //  what S sent again
} s_link_t;

static void
s_link (s_link_t *link)
{
    memset (link, 0, sizeof *link);
    lc_delivery_init (&link->s, 1);
    lc_delivery_init (&link->r, 1);
    link->r_instance = 1;
}

static void
s_unlink (s_link_t *link)
{
    lc_delivery_reset (&link->s);
    lc_delivery_reset (&link->r);
}

//  S transmits what is due at now; `lose` of them (from the first) are
//  lost, R takes the others at once
static size_t
s_transmit (s_link_t *link, size_t lose, int64_t now)
{
    lc_wire_msg_t msg;
    size_t sent = 0;
    while (lc_delivery_next (&link->s, 0, &msg)) {
        if (lc_delivery_sent (&link->s, 0, now))
            link->retransmitted++;
        sent++;
        if (lose) {
            lose--;
            continue;
        }
        lc_take_t take = lc_delivery_take (&link->r, 0, msg.seq, msg.prev, now);
        if (take == LC_TAKE)
            link->taken [link->taken_count++] = msg.seq;
        if (take == LC_TAKE_DUPLICATE)
            link->duplicates++;
        assert_int_not_equal (take, LC_TAKE_CONTRADICTS);
    }
    return sent;
}

//  R acknowledges if an ack is due at now; returns true if it did
static bool
s_ack (s_link_t *link, int64_t now)
{
    lc_wire_msg_t ack;
    if (!lc_delivery_ack_due (&link->r, 0, now, &ack))
        return false;
    ack.instance = link->r_instance;
    lc_delivery_ack_sent (&link->r, 0, now);
    assert_int_equal (lc_delivery_ack (&link->s, 0, &ack, now), 0);
    return true;
}

//  R logs, at now, the messages it took up to the upto-th
static void
s_log (s_link_t *link, size_t upto, int64_t now)
{
    lc_delivery_logged (&link->r, 0, link->taken [upto - 1], now);
}

static void
s_queue (s_link_t *link, uint64_t from, uint64_t to)
{
    for (uint64_t seq = from; seq <= to; seq++) {
        assert_true (lc_delivery_can_queue (&link->s, 0));
        lc_delivery_queue (&link->s, 0, seq, seq * 10);
    }
}

static void
s_expect_taken (s_link_t *link, uint64_t from, uint64_t to)
{
    assert_int_equal (link->taken_count, to - from + 1);
    for (uint64_t seq = from; seq <= to; seq++)
        assert_int_equal (link->taken [seq - from], seq);
}

static void
test_in_order (void **state)
{
    (void) state;
    s_link_t link;
    s_link (&link);
    //  Messages carry their predecessor on this link
    lc_delivery_queue (&link.s, 0, 4, 40);
    lc_delivery_queue (&link.s, 0, 9, 90);
    lc_wire_msg_t msg;
    assert_true (lc_delivery_next (&link.s, 0, &msg));
    assert_true (msg.seq == 4 && msg.prev == 0 && msg.clock == 40);
    lc_delivery_sent (&link.s, 0, 0);
    assert_true (lc_delivery_next (&link.s, 0, &msg));
    assert_true (msg.seq == 9 && msg.prev == 4);
    lc_delivery_sent (&link.s, 0, 0);
    assert_false (lc_delivery_next (&link.s, 0, &msg));
    s_unlink (&link);

    s_link (&link);
    s_queue (&link, 1, 3);
    assert_int_equal (s_transmit (&link, 0, 0), 3);
    s_expect_taken (&link, 1, 3);
    //  Taken, not logged: all kept. While running, the ack waits
    //  LC_ACK_DELAY_MS after the take (for a DATA to ride with)
    assert_false (s_ack (&link, S_DELAY - 1));
    assert_true (s_ack (&link, S_DELAY));
    assert_int_equal (lc_delivery_kept (&link.s, 0), 3);
    //  Two logged: one kept
    int64_t t = S_DELAY + 500 * S_MS;
    s_log (&link, 2, t);
    assert_false (s_ack (&link, t + S_DELAY - 1));
    assert_true (s_ack (&link, t + S_DELAY));
    assert_int_equal (lc_delivery_kept (&link.s, 0), 1);
    assert_true (lc_delivery_kept_at (&link.s, 0, 0)->seq == 3);
    //  Nothing new is due; the next one follows 3
    assert_false (s_ack (&link, 10 * S_DELAY));
    s_queue (&link, 4, 4);
    assert_true (lc_delivery_next (&link.s, 0, &msg));
    assert_true (msg.prev == 3);
    assert_int_equal (link.retransmitted, 0);
    assert_int_equal (link.duplicates, 0);
    s_unlink (&link);
}

static void
test_link_lost (void **state)
{
    (void) state;
    s_link_t link;
    s_link (&link);
    //  1 and 2 arrive, then the connection drops with 3..5 in it
    s_queue (&link, 1, 2);
    s_transmit (&link, 0, 0);
    s_queue (&link, 3, 5);
    s_transmit (&link, 3, 0);
    s_expect_taken (&link, 1, 2);
    //  The link comes back before any ack: everything goes again, 1 and 2
    //  are duplicates at R
    lc_delivery_link_up (&link.s, 0, 10 * S_MS);
    assert_int_equal (s_transmit (&link, 0, 10 * S_MS), 5);
    s_expect_taken (&link, 1, 5);
    assert_int_equal (link.duplicates, 2);
    assert_int_equal (link.retransmitted, 5);
    //  After an ack, a link that comes back sends only what was not taken
    assert_true (s_ack (&link, S_DELAY));
    s_queue (&link, 6, 7);
    s_transmit (&link, 2, S_DELAY);
    lc_delivery_link_up (&link.s, 0, S_DELAY + 100 * S_MS);
    assert_int_equal (s_transmit (&link, 0, S_DELAY + 100 * S_MS), 2);
    s_expect_taken (&link, 1, 7);
    s_unlink (&link);
}

static void
test_gap_and_stall (void **state)
{
    (void) state;
    s_link_t link;
    s_link (&link);
    s_queue (&link, 1, 1);
    s_transmit (&link, 0, 0);
    s_ack (&link, 0);
    //  2 is lost (the sender's send failed at the HWM, say); 3 arrives: a
    //  gap, dropped, and the ack says so
    s_queue (&link, 2, 3);
    s_transmit (&link, 1, 0);
    s_expect_taken (&link, 1, 1);
    assert_true (s_ack (&link, S_DELAY));
    assert_int_equal (s_transmit (&link, 0, S_DELAY), 2);
    s_expect_taken (&link, 1, 3);
    //  4 and 5 lost, no gap seen, no ack: after LC_ACK_STALL_MS they go again
    assert_true (s_ack (&link, 2 * S_DELAY));
    int64_t t = 2 * S_DELAY + 100 * S_MS;
    s_queue (&link, 4, 5);
    s_transmit (&link, 2, t);
    assert_false (lc_delivery_stalled (&link.s, 0, t + LC_ACK_STALL_MS * S_MS - 1));
    assert_true (lc_delivery_stalled (&link.s, 0, t + LC_ACK_STALL_MS * S_MS));
    //  Lost again: the next stall waits twice as long
    int64_t again = t + LC_ACK_STALL_MS * S_MS;
    assert_int_equal (s_transmit (&link, 2, again), 2);
    assert_false (lc_delivery_stalled (&link.s, 0, again + 2 * LC_ACK_STALL_MS * S_MS - 1));
    assert_true (lc_delivery_stalled (&link.s, 0, again + 2 * LC_ACK_STALL_MS * S_MS));
    t = again + 2 * LC_ACK_STALL_MS * S_MS;
    assert_int_equal (s_transmit (&link, 0, t), 2);
    s_expect_taken (&link, 1, 5);
    //  Nothing outstanding once acknowledged: no stall
    assert_true (s_ack (&link, t + S_DELAY));
    assert_false (lc_delivery_stalled (&link.s, 0, t + 10 * S_DELAY));
    s_unlink (&link);
}

static void
test_contradictions (void **state)
{
    (void) state;
    s_link_t link;
    s_link (&link);
    s_queue (&link, 1, 3);
    s_transmit (&link, 0, 0);
    //  A message claiming to follow 1 when 3 was taken: no sender does that
    assert_int_equal (lc_delivery_take (&link.r, 0, 7, 1, 0), LC_TAKE_CONTRADICTS);
    //  An ack of a message never queued for that peer, or logged > taken
    lc_wire_msg_t ack = { .type = LC_MSG_ACK, .instance = 1, .taken = 4 };
    assert_int_equal (lc_delivery_ack (&link.s, 0, &ack, 0), -1);
    ack = (lc_wire_msg_t) { .type = LC_MSG_ACK, .instance = 1, .taken = 1, .logged = 2 };
    assert_int_equal (lc_delivery_ack (&link.s, 0, &ack, 0), -1);
    assert_int_equal (lc_delivery_kept (&link.s, 0), 3);
    s_unlink (&link);
}

static void
test_drain (void **state)
{
    (void) state;
    s_link_t link;
    s_link (&link);
    s_queue (&link, 1, 2);
    s_transmit (&link, 0, 0);
    //  R stops ticking: what its buffer holds, and what comes after, will
    //  be logged as unread: acknowledged as logged
    lc_delivery_drain (&link.r, 0);
    s_queue (&link, 3, 3);
    s_transmit (&link, 0, 0);
    assert_true (s_ack (&link, 100 * S_MS));
    assert_int_equal (lc_delivery_kept (&link.s, 0), 0);
    s_unlink (&link);
}

static void
test_receiver_restarts (void **state)
{
    (void) state;
    s_link_t link;
    s_link (&link);
    s_queue (&link, 1, 5);
    s_transmit (&link, 0, 0);
    s_log (&link, 2, 0);
    s_ack (&link, 0);
    //  R crashes with 3..5 in its buffer, resumes: its log shows 1 and 2
    lc_delivery_reset (&link.r);
    lc_delivery_init (&link.r, 1);
    link.r_instance = 2;
    link.taken_count = 0;
    lc_delivery_restore_logged (&link.r, 0, 1);
    lc_delivery_restore_logged (&link.r, 0, 2);
    //  Its HELLO (resume) reaches S: S waits for its ack
    lc_delivery_restarted (&link.s, 0, 2);
    lc_wire_msg_t msg;
    assert_false (lc_delivery_next (&link.s, 0, &msg));
    //  It acknowledges at once; S sends 3..5 again
    lc_delivery_ack_now (&link.r, 0);
    assert_true (s_ack (&link, 1 * S_MS));
    assert_int_equal (s_transmit (&link, 0, 1 * S_MS), 3);
    s_expect_taken (&link, 3, 5);
    assert_int_equal (link.duplicates, 0);
    //  Its ack came before its HELLO: still in sync, nothing to wait for
    lc_delivery_restarted (&link.s, 0, 2);
    s_queue (&link, 6, 6);
    assert_true (lc_delivery_next (&link.s, 0, &msg));
    s_unlink (&link);
}

static void
test_sender_restarts (void **state)
{
    (void) state;
    s_link_t link;
    s_link (&link);
    s_queue (&link, 1, 4);
    s_transmit (&link, 1, 0);       //  1 lost, 2..4 gaps: nothing taken
    s_transmit (&link, 0, 0);
    //  S crashes; resumed, it rebuilds from its log what it sent to R,
    //  more than it may keep: the last LC_KEPT_MAX
    lc_delivery_reset (&link.s);
    lc_delivery_init (&link.s, 1);
    for (uint64_t seq = 1; seq <= LC_KEPT_MAX + 3; seq++)
        lc_delivery_restore_sent (&link.s, 0, seq, seq);
    assert_int_equal (lc_delivery_kept (&link.s, 0), LC_KEPT_MAX);
    assert_true (lc_delivery_kept_at (&link.s, 0, 0)->seq == 4);
    lc_delivery_reset (&link.s);
    lc_delivery_init (&link.s, 1);
    for (uint64_t seq = 1; seq <= 4; seq++)
        lc_delivery_restore_sent (&link.s, 0, seq, seq * 10);
    //  It waits for R's ack (R heard its HELLO), then sends after it
    lc_wire_msg_t msg;
    assert_false (lc_delivery_next (&link.s, 0, &msg));
    lc_delivery_ack_now (&link.r, 0);
    s_ack (&link, 0);
    assert_int_equal (s_transmit (&link, 0, 0), 4);
    s_expect_taken (&link, 1, 4);
    //  Sequence numbers go on after the log's
    assert_false (lc_delivery_can_queue (&link.s, 0) == false);
    lc_delivery_queue (&link.s, 0, 5, 50);
    assert_true (lc_delivery_next (&link.s, 0, &msg));
    assert_true (msg.prev == 4);
    s_unlink (&link);
}

static void
test_bound (void **state)
{
    (void) state;
    lc_delivery_t d;
    lc_delivery_init (&d, 2);
    for (uint64_t seq = 1; seq <= LC_KEPT_MAX; seq++)
        lc_delivery_queue (&d, 0, seq, seq);
    //  At the bound for peer 0, not for peer 1
    assert_false (lc_delivery_can_queue (&d, 0));
    assert_true (lc_delivery_can_queue (&d, 1));
    //  An ack that logs some makes room again
    lc_wire_msg_t ack = { .type = LC_MSG_ACK, .instance = 1, .taken = 10, .logged = 10 };
    assert_int_equal (lc_delivery_ack (&d, 0, &ack, 0), 0);
    assert_true (lc_delivery_can_queue (&d, 0));
    assert_int_equal (lc_delivery_kept (&d, 0), LC_KEPT_MAX - 10);
    lc_delivery_reset (&d);
}

//  When each side needs its machine: an idle link never; a pending ack
//  LC_ACK_DELAY_MS after the change that made it owed while running
//  (sooner beside a DATA), at once
//  when the peer appears or while draining; outstanding messages at the
//  stall; messages the link would not take LC_ACK_MS after it refused
static void
test_due (void **state)
{
    (void) state;
    s_link_t link;
    lc_wire_msg_t ack;
    s_link (&link);
    assert_true (lc_delivery_due (&link.s, 0, true) == INT64_MAX);
    assert_true (lc_delivery_due (&link.r, 0, true) == INT64_MAX);

    //  S sends 1 at 1000 ms: the stall is checked LC_ACK_STALL_MS later
    int64_t t = 1000 * S_MS;
    s_queue (&link, 1, 1);
    s_transmit (&link, 0, t);
    assert_true (lc_delivery_due (&link.s, 0, true) == t + LC_ACK_STALL_MS * S_MS);

    //  R took it at t: the ack waits LC_ACK_DELAY_MS from then, and not
    //  at all where it may not be sent. A later change (a duplicate at
    //  t + 5 ms) joins it without pushing it back
    int64_t due = t + S_DELAY;
    assert_true (lc_delivery_due (&link.r, 0, false) == INT64_MAX);
    assert_true (lc_delivery_due (&link.r, 0, true) == due);
    assert_int_equal (lc_delivery_take (&link.r, 0, 1, 0, t + 5 * S_MS), LC_TAKE_DUPLICATE);
    assert_true (lc_delivery_due (&link.r, 0, true) == due);
    assert_false (s_ack (&link, t + 6 * S_MS));
    assert_false (s_ack (&link, due - 1));
    //  ... unless a DATA goes to S now: it rides with it; a tick of R's
    //  takes it if it would be due before the next tick
    assert_false (lc_delivery_ack_rides (&link.r, 0, t + 6 * S_MS, due - 1, &ack));
    assert_true (lc_delivery_ack_rides (&link.r, 0, t + 6 * S_MS, due, &ack));
    assert_true (lc_delivery_ack_rides (&link.r, 0, t + 6 * S_MS, INT64_MAX, &ack));
    assert_true (ack.type == LC_MSG_ACK && ack.taken == 1 && ack.logged == 0);
    assert_true (s_ack (&link, due));
    //  Taken by R: S has nothing outstanding, R nothing to say
    assert_true (lc_delivery_due (&link.s, 0, true) == INT64_MAX);
    assert_true (lc_delivery_due (&link.r, 0, true) == INT64_MAX);
    //  Logged: not before LC_ACK_MS since the last ack, nor beside a DATA
    t = due + 10 * S_MS;
    s_log (&link, 1, t);
    assert_false (lc_delivery_ack_rides (&link.r, 0, t + 50 * S_MS, INT64_MAX, &ack));
    assert_true (lc_delivery_due (&link.r, 0, true) == t + S_DELAY);

    //  A failed ack waits its turn again
    t = 3000 * S_MS;
    lc_delivery_ack_deferred (&link.r, 0, t);
    assert_false (lc_delivery_ack_rides (&link.r, 0, t + 50 * S_MS, INT64_MAX, &ack));

    //  The peer appeared: at once (but LC_ACK_MS after a failed try)
    lc_delivery_ack_now (&link.r, 0);
    assert_true (lc_delivery_due (&link.r, 0, true) == t + LC_ACK_MS * S_MS);
    assert_true (s_ack (&link, t + LC_ACK_MS * S_MS));
    lc_delivery_ack_now (&link.r, 0);
    assert_true (lc_delivery_due (&link.r, 0, true) <= t + 101 * S_MS);

    //  Draining: a change goes without the delay
    t = 5000 * S_MS;
    s_queue (&link, 2, 2);
    s_transmit (&link, 0, t);
    lc_delivery_drain (&link.r, t);
    assert_true (lc_delivery_due (&link.r, 0, true) <= t);

    //  The link would not take 3: tried again LC_ACK_MS later
    s_queue (&link, 3, 3);
    lc_delivery_blocked (&link.s, 0, t);
    assert_true (lc_delivery_due (&link.s, 0, true) == t + LC_ACK_MS * S_MS);
    s_unlink (&link);
}

//  lc_delivery_earliest, which asks again only for the peers changed
//  since it last did, always says what a walk of lc_delivery_due says:
//  random calls of every kind on a few peers, checked after each one
static uint32_t
s_random (uint32_t *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return *seed >> 16;
}

static void
s_random_call (lc_delivery_t *d, size_t idx, uint32_t *seed, int64_t now)
{
    lc_delivery_peer_t *peer = &d->peers [idx];
    lc_wire_msg_t msg;
    switch (s_random (seed) % 13) {
        case 0: if (lc_delivery_can_queue (d, idx))
                    lc_delivery_queue (d, idx, peer->last + 1, (uint64_t) now);
                break;
        case 1: if (lc_delivery_next (d, idx, &msg))
                    lc_delivery_sent (d, idx, now);
                break;
        case 2: lc_delivery_blocked (d, idx, now); break;
        case 3: msg = (lc_wire_msg_t) { .type = LC_MSG_ACK, .instance = 1 + s_random (seed) % 2,
                                        .taken = peer->last };
                msg.logged = s_random (seed) % (msg.taken + 1);
                lc_delivery_ack (d, idx, &msg, now);
                break;
        case 4: lc_delivery_link_up (d, idx, now); break;
        case 5: lc_delivery_stalled (d, idx, now); break;
        case 6: lc_delivery_take (d, idx, peer->taken + s_random (seed) % 3,
                                  peer->taken + s_random (seed) % 2, now);
                break;
        case 7: lc_delivery_logged (d, idx, peer->taken, now); break;
        case 8: lc_delivery_ack_now (d, idx); break;
        case 9: lc_delivery_ack_sent (d, idx, now); break;
        case 10: lc_delivery_ack_deferred (d, idx, now); break;
        case 11: lc_delivery_restarted (d, idx, 1 + s_random (seed) % 2); break;
        default: if (s_random (seed) % 50 == 0)
                     lc_delivery_drain (d, now);
                 break;
    }
}

static void
test_earliest (void **state)
{
    (void) state;
    lc_delivery_t d;
    lc_delivery_init (&d, 5);
    bool can_ack [5] = { true, true, false, true, false };
    uint32_t seed = 7;
    int64_t now = 1000 * S_MS;
    for (int step = 0; step < 20000; step++) {
        now += (int64_t) (s_random (&seed) % 300) * S_MS;
        if (s_random (&seed) % 20 == 0)
            can_ack [s_random (&seed) % 5] ^= true;
        else
            s_random_call (&d, s_random (&seed) % 5, &seed, now);
        int64_t walk = INT64_MAX;
        for (size_t i = 0; i < 5; i++) {
            int64_t due = lc_delivery_due (&d, i, can_ack [i]);
            walk = due < walk ? due : walk;
        }
        assert_true (lc_delivery_earliest (&d, can_ack) == walk);
    }
    lc_delivery_reset (&d);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_in_order),
        cmocka_unit_test (test_link_lost),
        cmocka_unit_test (test_gap_and_stall),
        cmocka_unit_test (test_contradictions),
        cmocka_unit_test (test_drain),
        cmocka_unit_test (test_receiver_restarts),
        cmocka_unit_test (test_sender_restarts),
        cmocka_unit_test (test_bound),
        cmocka_unit_test (test_due),
        cmocka_unit_test (test_earliest),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
