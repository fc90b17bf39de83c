/*  test_barrier.c - the start barrier's decisions: the start of a run,
    answers, refusals of other settings, and control messages that
    contradict the state of the run or of a peer.
*/
#include "lc_barrier.h"

#include <stdarg.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

static const uint32_t s_ids [] = { 2, 3 };
static const lc_settings_t s_settings = { 0xabcdef, 10.0, 60.0, 10, 0 };

static void
s_new (lc_barrier_t *barrier)
{
    lc_barrier_init (barrier, &s_settings, 77, s_ids, 2);
}

static lc_barrier_decision_t
s_msg (lc_barrier_t *barrier, uint32_t sender, lc_msg_type_t type, uint32_t flags,
       uint64_t instance)
{
    lc_wire_msg_t msg = { .type = type, .sender = sender, .settings = s_settings,
                          .instance = instance };
    msg.settings.flags = flags;
    return lc_barrier_handle (barrier, sender == s_ids [0] ? 0 : 1, &msg);
}

static void
test_start (void **state)
{
    (void) state;
    lc_barrier_t barrier;
    s_new (&barrier);
    //  Nobody answered: HELLO to both
    assert_int_equal (lc_barrier_announce (&barrier, 0, false), LC_MSG_HELLO);
    assert_int_equal (lc_barrier_announce (&barrier, 1, true), LC_MSG_HELLO);
    //  A HELLO is answered with WELCOME, no READY yet (not all answered)
    lc_barrier_decision_t d = s_msg (&barrier, 2, LC_MSG_HELLO, 0, 102);
    assert_int_equal (d.verdict, LC_BARRIER_OK);
    assert_int_equal (d.sends, LC_BARRIER_WELCOME);
    //  2 answers; 3 not yet
    d = s_msg (&barrier, 2, LC_MSG_WELCOME, 0, 102);
    assert_int_equal (d.sends, 0);
    assert_false (d.start);
    bool all;
    char ids [32];
    assert_int_equal (lc_barrier_missing (&barrier, &all, ids, sizeof ids), 1);
    assert_false (all);
    assert_string_equal (ids, "3");
    //  3 answers: READY to all; nobody is ready yet
    d = s_msg (&barrier, 3, LC_MSG_WELCOME, 0, 103);
    assert_int_equal (d.sends, LC_BARRIER_READY_ALL);
    assert_false (d.start);
    assert_int_equal (lc_barrier_announce (&barrier, 0, false), LC_MSG_READY);
    assert_int_equal (lc_barrier_missing (&barrier, &all, ids, sizeof ids), 2);
    assert_true (all);
    assert_string_equal (ids, "2, 3");
    //  A HELLO now is answered with WELCOME and READY
    d = s_msg (&barrier, 3, LC_MSG_HELLO, 0, 103);
    assert_int_equal (d.sends, LC_BARRIER_WELCOME | LC_BARRIER_READY);
    //  READY from 2, then a WELCOME flagged running from 3: start
    d = s_msg (&barrier, 2, LC_MSG_READY, 0, 102);
    assert_false (d.start);
    //  Ready: no more READY to it, but now and then one again (ours may
    //  have been lost on the way)
    assert_int_equal (lc_barrier_announce (&barrier, 0, false), 0);
    assert_int_equal (lc_barrier_announce (&barrier, 0, true), LC_MSG_READY);
    d = s_msg (&barrier, 3, LC_MSG_WELCOME, LC_WIRE_FLAG_RUNNING, 103);
    assert_true (d.start);
    assert_int_equal (lc_barrier_announce (&barrier, 0, false), 0);
    lc_barrier_reset (&barrier);
}

static void
test_refusals (void **state)
{
    (void) state;
    lc_barrier_t barrier;
    s_new (&barrier);
    //  Other speed in a HELLO: refused, naming the setting, and answered
    lc_wire_msg_t msg = { .type = LC_MSG_HELLO, .sender = 2, .settings = s_settings,
                          .instance = 5 };
    msg.settings.speed = 20;
    lc_barrier_decision_t d = lc_barrier_handle (&barrier, 0, &msg);
    assert_int_equal (d.verdict, LC_BARRIER_REFUSE);
    assert_int_equal (d.sends, LC_BARRIER_WELCOME);
    assert_string_equal (d.setting, "speed");
    assert_string_equal (d.here, "10");
    assert_string_equal (d.there, "20");
    assert_false (d.unreadable);
    //  Other duration, roll, run id in a WELCOME: refused, not answered
    msg = (lc_wire_msg_t) { .type = LC_MSG_WELCOME, .sender = 3, .settings = s_settings };
    msg.settings.duration = 61;
    d = lc_barrier_handle (&barrier, 1, &msg);
    assert_int_equal (d.verdict, LC_BARRIER_REFUSE);
    assert_int_equal (d.sends, 0);
    assert_string_equal (d.setting, "duration");
    msg.settings = s_settings;
    msg.settings.roll = 9;
    assert_string_equal (lc_barrier_handle (&barrier, 1, &msg).setting, "roll");
    msg.settings = s_settings;
    msg.settings.run_id = 1;
    d = lc_barrier_handle (&barrier, 1, &msg);
    assert_non_null (strstr (d.setting, "run id"));
    assert_string_equal (d.here, "0000000000abcdef");
    //  Another protocol version while announcing: refused, its answers
    //  unreadable (the machine lingers instead of waiting for them)
    d = lc_barrier_other_version (&barrier, 0);
    assert_int_equal (d.verdict, LC_BARRIER_REFUSE);
    assert_true (d.unreadable);
    //  While running, none of this is fatal: rejected and counted
    barrier.phase = LC_BARRIER_RUN;
    msg = (lc_wire_msg_t) { .type = LC_MSG_HELLO, .sender = 2, .settings = s_settings };
    msg.settings.speed = 20;
    d = lc_barrier_handle (&barrier, 0, &msg);
    assert_int_equal (d.verdict, LC_BARRIER_REJECT);
    assert_int_equal (d.sends, 0);
    assert_non_null (d.reason);
    msg.type = LC_MSG_WELCOME;
    assert_int_equal (lc_barrier_handle (&barrier, 0, &msg).verdict, LC_BARRIER_REJECT);
    assert_int_equal (lc_barrier_other_version (&barrier, 0).verdict, LC_BARRIER_REJECT);
    lc_barrier_reset (&barrier);
}

//  Runs the barrier to the start with instances 102 and 103
static void
s_started (lc_barrier_t *barrier)
{
    s_new (barrier);
    s_msg (barrier, 2, LC_MSG_WELCOME, LC_WIRE_FLAG_RUNNING, 102);
    lc_barrier_decision_t d = s_msg (barrier, 3, LC_MSG_WELCOME, LC_WIRE_FLAG_RUNNING, 103);
    assert_true (d.start);
    barrier->phase = LC_BARRIER_RUN;
}

static void
test_contradictions (void **state)
{
    (void) state;
    lc_barrier_t barrier;
    //  While announcing, a new instance replaces the old (a restart before
    //  the run began)
    s_new (&barrier);
    s_msg (&barrier, 2, LC_MSG_HELLO, 0, 1);
    assert_int_equal (s_msg (&barrier, 2, LC_MSG_HELLO, 0, 2).verdict, LC_BARRIER_OK);
    assert_int_equal (s_msg (&barrier, 2, LC_MSG_WELCOME, 0, 3).verdict, LC_BARRIER_OK);
    assert_true (barrier.peers [0].instance == 3);
    lc_barrier_reset (&barrier);

    s_started (&barrier);
    //  Running: a second process of machine 2 (new instance, no resume)
    lc_barrier_decision_t d = s_msg (&barrier, 2, LC_MSG_HELLO, 0, 999);
    assert_int_equal (d.verdict, LC_BARRIER_REJECT);
    assert_int_equal (d.sends, 0);
    //  WELCOME, READY, BYE from an instance the run does not know
    assert_int_equal (s_msg (&barrier, 2, LC_MSG_WELCOME, 0, 999).verdict, LC_BARRIER_REJECT);
    assert_int_equal (s_msg (&barrier, 2, LC_MSG_READY, 0, 999).verdict, LC_BARRIER_REJECT);
    assert_int_equal (s_msg (&barrier, 2, LC_MSG_BYE, 0, 999).verdict, LC_BARRIER_REJECT);
    assert_false (barrier.peers [0].left);
    assert_true (barrier.peers [0].instance == 102);
    //  The known instance: a late WELCOME or READY is ignored, a HELLO
    //  answered with WELCOME and READY
    assert_int_equal (s_msg (&barrier, 2, LC_MSG_WELCOME, 0, 102).verdict, LC_BARRIER_IGNORE);
    assert_int_equal (s_msg (&barrier, 2, LC_MSG_READY, 0, 102).verdict, LC_BARRIER_IGNORE);
    d = s_msg (&barrier, 2, LC_MSG_HELLO, 0, 102);
    assert_int_equal (d.sends, LC_BARRIER_WELCOME | LC_BARRIER_READY);
    assert_false (d.rejoined);
    //  Its BYE: it left
    d = s_msg (&barrier, 2, LC_MSG_BYE, 0, 102);
    assert_int_equal (d.verdict, LC_BARRIER_OK);
    assert_true (d.left);
    assert_true (barrier.peers [0].left);
    //  It comes back with --resume, a new instance: a peer again
    d = s_msg (&barrier, 2, LC_MSG_HELLO, LC_WIRE_FLAG_RESUME, 555);
    assert_int_equal (d.verdict, LC_BARRIER_OK);
    assert_true (d.rejoined);
    assert_false (barrier.peers [0].left);
    assert_true (barrier.peers [0].instance == 555);
    assert_int_equal (d.sends, LC_BARRIER_WELCOME | LC_BARRIER_READY);
    //  ... and the old instance is the stranger now
    assert_int_equal (s_msg (&barrier, 2, LC_MSG_BYE, 0, 102).verdict, LC_BARRIER_REJECT);
    //  Machine 3 crashed (no BYE) and resumed: a peer again as well
    d = s_msg (&barrier, 3, LC_MSG_HELLO, LC_WIRE_FLAG_RESUME, 777);
    assert_true (d.rejoined);
    //  While leaving, a HELLO is answered with WELCOME and BYE
    barrier.phase = LC_BARRIER_DRAIN;
    d = s_msg (&barrier, 3, LC_MSG_HELLO, 0, 777);
    assert_int_equal (d.sends, LC_BARRIER_WELCOME | LC_BARRIER_BYE);
    lc_barrier_reset (&barrier);
}

//  The rounds in which an announcement goes to peer 0 among the next n,
//  as a string of 1 and 0, each one that goes marked as delivered or not
static void
s_rounds (lc_barrier_t *barrier, int n, bool delivered, bool refresh_every_10, char *out)
{
    for (int round = 1; round <= n; round++) {
        bool refresh = refresh_every_10 && round % 10 == 0;
        lc_msg_type_t type = lc_barrier_announce (barrier, 0, refresh);
        out [round - 1] = type ? '1' : '0';
        if (type)
            lc_barrier_announced (barrier, 0, type, delivered);
    }
    out [n] = 0;
}

//  A HELLO or READY the peer got is repeated after 1, 2, 4... rounds, then
//  every LC_READY_REFRESH rounds; one that found no connection every
//  round; the refresh of a ready peer keeps its own rhythm
static void
test_announce_backoff (void **state)
{
    (void) state;
    lc_barrier_t barrier;
    char rounds [64];
    s_new (&barrier);
    s_rounds (&barrier, 5, false, false, rounds);
    assert_string_equal (rounds, "11111");
    s_rounds (&barrier, 40, true, false, rounds);
    assert_string_equal (rounds, "1101000100000001000000000100000000010000");
    //  Answered by both: READY, whose repeats start again at once
    s_msg (&barrier, 2, LC_MSG_WELCOME, 0, 102);
    s_msg (&barrier, 3, LC_MSG_WELCOME, 0, 103);
    s_rounds (&barrier, 8, true, false, rounds);
    assert_string_equal (rounds, "11010001");
    //  Ready: only the refresh, every 10 rounds
    s_msg (&barrier, 2, LC_MSG_READY, 0, 102);
    s_rounds (&barrier, 20, true, true, rounds);
    assert_string_equal (rounds, "00000000010000000001");
    lc_barrier_reset (&barrier);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_start),
        cmocka_unit_test (test_announce_backoff),
        cmocka_unit_test (test_refusals),
        cmocka_unit_test (test_contradictions),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
