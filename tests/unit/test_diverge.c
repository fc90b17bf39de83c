/*  test_diverge.c - real against ideal: identical prefixes counted, and the
    cause of each first divergence named (a tie, a late tick, the delay, a
    message that differs, a failed send, the end of the run), on small
    hand-made histories of two machines.
*/
#include "lc_diverge.h"

#include <stdarg.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#define S_T0        1000000000000000LL      //  start row time, us
#define S_ROWS_MAX  8

static const uint16_t s_to_1 [] = { 1 }, s_to_2 [] = { 2 }, s_to_3 [] = { 3 };

//  One machine's log being written
typedef struct {
    lc_diverge_row_t rows [S_ROWS_MAX];
    size_t count;
    uint64_t clock;
} s_log_t;

static void
s_start (s_log_t *log, int64_t offset_us, const uint16_t *peer)
{
    log->rows [0] = (lc_diverge_row_t) { .time_us = S_T0 + offset_us, .event = LC_EV_START,
                                         .peers = peer, .peer_count = 1 };
    log->count = 1;
    log->clock = 0;
}

static void
s_internal (s_log_t *log, int64_t time_us, uint64_t tick)
{
    log->rows [log->count++] = (lc_diverge_row_t) {
        .time_us = S_T0 + time_us, .event = LC_EV_INTERNAL, .tick = tick,
        .clock = ++log->clock };
}

static void
s_sent (s_log_t *log, int64_t time_us, uint64_t tick, uint32_t me, uint64_t seq,
        const uint16_t *to, size_t to_count)
{
    log->clock++;
    log->rows [log->count++] = (lc_diverge_row_t) {
        .time_us = S_T0 + time_us, .event = LC_EV_SEND, .tick = tick, .clock = log->clock,
        .peers = to, .peer_count = to_count, .has_msg = true, .msg_sender = me,
        .msg_seq = seq, .msg_clock = log->clock };
}

static void
s_recv (s_log_t *log, int64_t time_us, uint64_t tick, uint64_t queue, uint32_t from,
        uint64_t seq, uint64_t msg_clock, const uint16_t *sender)
{
    log->clock = (msg_clock > log->clock ? msg_clock : log->clock) + 1;
    log->rows [log->count++] = (lc_diverge_row_t) {
        .time_us = S_T0 + time_us, .event = LC_EV_RECV, .tick = tick, .clock = log->clock,
        .queue = queue, .peers = sender, .peer_count = 1, .has_msg = true,
        .msg_sender = from, .msg_seq = seq, .msg_clock = msg_clock };
}

static void
s_unread_stop (s_log_t *log, int64_t time_us, uint64_t tick, size_t unread,
               uint32_t from, uint64_t seq, uint64_t msg_clock, const uint16_t *sender)
{
    for (size_t i = 0; i < unread; i++)
        log->rows [log->count++] = (lc_diverge_row_t) {
            .time_us = S_T0 + time_us, .event = LC_EV_UNREAD, .tick = tick,
            .clock = log->clock, .queue = unread, .peers = sender, .peer_count = 1,
            .has_msg = true, .msg_sender = from, .msg_seq = seq, .msg_clock = msg_clock };
    log->rows [log->count++] = (lc_diverge_row_t) {
        .time_us = S_T0 + time_us, .event = LC_EV_STOP, .tick = tick,
        .clock = log->clock, .queue = unread };
}

//  Two runs of machines 1, 2 and 3 (3 often without rows), and the
//  comparison of them
typedef struct {
    s_log_t real [3], ideal [3];
    uint32_t rates [3];
    double speed;               //  the real run's
    lc_diverge_machine_t out [3];
} s_case_t;

static void
s_compare (s_case_t *c)
{
    lc_diverge_log_t real [3], ideal [3];
    for (int m = 0; m < 3; m++) {
        real [m] = (lc_diverge_log_t) { (uint32_t) m + 1, c->rates [m], c->real [m].rows,
                                        c->real [m].count };
        ideal [m] = (lc_diverge_log_t) { (uint32_t) m + 1, c->rates [m], c->ideal [m].rows,
                                         c->ideal [m].count };
    }
    lc_diverge_run_t r = { c->speed ? c->speed : 1, real, 3 }, i = { 1, ideal, 3 };
    lc_diverge (&r, &i, c->out);
}

//  --------------------------------------------------------------------------

//  Machine 1 (rate 2) sends 1:1 at 0.5 s; machine 2 (rate 2) ticks at that
//  very instant. Ideal: 2 rolls (internal). Real: 2 started 300 us later,
//  and 1:1 was in its buffer: a tie. Machine 1 agrees to the end.
static void
test_tie (void **state)
{
    (void) state;
    s_case_t c = { .rates = { 2, 2 } };
    s_start (&c.ideal [0], 0, s_to_2);
    s_sent (&c.ideal [0], 500000, 1, 1, 1, s_to_2, 1);
    s_start (&c.ideal [1], 0, s_to_1);
    s_internal (&c.ideal [1], 500000, 1);
    s_start (&c.real [0], 0, s_to_2);
    s_sent (&c.real [0], 500050, 1, 1, 1, s_to_2, 1);
    s_start (&c.real [1], 300, s_to_1);
    s_recv (&c.real [1], 500350, 1, 0, 1, 1, 1, s_to_1);
    s_compare (&c);
    assert_int_equal (c.out [0].cause, LC_CAUSE_NONE);
    assert_int_equal (c.out [0].identical, 2);
    assert_int_equal (c.out [0].rows, 2);
    assert_int_equal (c.out [1].cause, LC_CAUSE_TIE);
    assert_int_equal (c.out [1].identical, 1);
    assert_int_equal (c.out [1].tick, 1);
    assert_true (c.out [1].time == 0.5);
    assert_int_equal (c.out [1].sender, 1);
    assert_int_equal (c.out [1].seq, 1);
    assert_true (c.out [1].gap_ms == 0);
    assert_true (c.out [1].transit_ms == 0.3);
}

//  Machine 1 (rate 4) sends 1:1 at 0.25 s; machine 2 (rate 5) ticks at 0.2
//  and 0.4. Ideal: the tick at 0.4 takes it. Real at speed 2 (0.2 s wall
//  per tick of 2): the send ran on time, but the message took 80 wall ms
//  and missed the tick: the delay. Then the same with 2's tick at 0.2 s
//  running 130 wall ms late and taking 1:1 early: a late tick.
static void
test_delay_and_late_tick (void **state)
{
    (void) state;
    s_case_t c = { .rates = { 4, 5 }, .speed = 2 };
    s_start (&c.ideal [0], 0, s_to_2);
    s_sent (&c.ideal [0], 250000, 1, 1, 1, s_to_2, 1);
    s_start (&c.ideal [1], 0, s_to_1);
    s_internal (&c.ideal [1], 200000, 1);
    s_recv (&c.ideal [1], 400000, 2, 0, 1, 1, 1, s_to_1);
    c.real [0] = c.ideal [0];
    c.real [0].rows [1].time_us = S_T0 + 125000;
    s_start (&c.real [1], 0, s_to_1);
    s_internal (&c.real [1], 100000, 1);
    s_internal (&c.real [1], 200000, 2);
    s_compare (&c);
    assert_int_equal (c.out [1].cause, LC_CAUSE_DELAY);
    assert_int_equal (c.out [1].identical, 2);
    assert_int_equal (c.out [1].tick, 2);
    assert_true (c.out [1].gap_ms > 149.9 && c.out [1].gap_ms < 150.1);
    assert_true (c.out [1].transit_ms > 149.9 && c.out [1].transit_ms < 150.1);

    //  Tick 1 of 2 due at 0.1 s wall, run at 0.23 s: late; it took 1:1
    s_start (&c.real [1], 0, s_to_1);
    s_recv (&c.real [1], 230000, 1, 0, 1, 1, 1, s_to_1);
    s_compare (&c);
    assert_int_equal (c.out [1].cause, LC_CAUSE_LATE_TICK);
    assert_int_equal (c.out [1].identical, 1);
    assert_int_equal (c.out [1].tick, 1);
}

//  The message is not the same in both runs: 1 had parted first
static void
test_propagated (void **state)
{
    (void) state;
    s_case_t c = { .rates = { 2, 1 } };
    s_start (&c.ideal [0], 0, s_to_2);
    s_internal (&c.ideal [0], 500000, 1);
    s_sent (&c.ideal [0], 1000000, 2, 1, 1, s_to_2, 1);
    s_start (&c.ideal [1], 0, s_to_1);
    s_internal (&c.ideal [1], 1000000, 1);
    s_recv (&c.ideal [1], 2000000, 2, 0, 1, 1, 2, s_to_1);
    //  Real: 1 received something at its tick 1 (not modelled here): 1:1
    //  carries clock 5
    s_start (&c.real [0], 0, s_to_2);
    s_internal (&c.real [0], 500000, 1);
    c.real [0].clock = 4;
    s_sent (&c.real [0], 1000000, 2, 1, 1, s_to_2, 1);
    c.real [1] = c.ideal [1];
    c.real [1].rows [2].msg_clock = 5;
    c.real [1].rows [2].clock = 6;
    s_compare (&c);
    assert_int_equal (c.out [0].cause, LC_CAUSE_OTHER);   //  clock differs on a send
    assert_int_equal (c.out [1].cause, LC_CAUSE_PROPAGATED);
    assert_int_equal (c.out [1].identical, 2);
    assert_int_equal (c.out [1].sender, 1);
}

//  A send that reached fewer peers in the real run; and an end where
//  every tick agrees but a message was unread in one run only
static void
test_send_failed_and_end (void **state)
{
    (void) state;
    static const uint16_t none [1] = { 0 };
    s_case_t c = { .rates = { 1, 1 } };
    s_start (&c.ideal [0], 0, s_to_2);
    s_sent (&c.ideal [0], 1000000, 1, 1, 1, s_to_2, 1);
    s_unread_stop (&c.ideal [0], 1000100, 1, 0, 0, 0, 0, NULL);
    s_start (&c.ideal [1], 0, s_to_1);
    s_internal (&c.ideal [1], 1000000, 1);
    s_unread_stop (&c.ideal [1], 1000100, 1, 1, 1, 1, 1, s_to_1);
    s_start (&c.real [0], 0, s_to_2);
    s_sent (&c.real [0], 1000000, 1, 1, 1, none, 0);
    s_unread_stop (&c.real [0], 2000000, 1, 0, 0, 0, 0, NULL);
    s_start (&c.real [1], 0, s_to_1);
    s_internal (&c.real [1], 1000000, 1);
    s_unread_stop (&c.real [1], 2000000, 1, 0, 0, 0, 0, NULL);
    s_compare (&c);
    assert_int_equal (c.out [0].cause, LC_CAUSE_SEND_FAILED);
    assert_int_equal (c.out [0].identical, 1);
    assert_int_equal (c.out [1].cause, LC_CAUSE_END);
    assert_int_equal (c.out [1].identical, 2);
    assert_int_equal (c.out [1].rows, 4);
}

//  Same event and message, another queue: a second message, sent at the
//  tick's instant, counted in the real run's queue only: a tie
static void
test_queue_tie (void **state)
{
    (void) state;
    static const uint16_t both [] = { 2 };
    s_case_t c = { .rates = { 2, 1 } };
    s_start (&c.ideal [0], 0, s_to_2);
    s_sent (&c.ideal [0], 500000, 1, 1, 1, both, 1);
    s_sent (&c.ideal [0], 1000000, 2, 1, 2, both, 1);
    s_start (&c.ideal [1], 0, s_to_1);
    s_recv (&c.ideal [1], 1000000, 1, 0, 1, 1, 1, s_to_1);
    c.real [0] = c.ideal [0];
    c.real [0].rows [2].time_us += 100;
    c.real [1] = c.ideal [1];
    c.real [1].rows [0].time_us += 400;
    c.real [1].rows [1].time_us += 400;
    c.real [1].rows [1].queue = 1;
    s_compare (&c);
    assert_int_equal (c.out [1].cause, LC_CAUSE_TIE);
    assert_int_equal (c.out [1].identical, 1);
    assert_int_equal (c.out [1].sender, 1);
    assert_int_equal (c.out [1].seq, 2);
}

//  Same event and message, another queue, three messages in the real
//  run's buffer: the one sent latest in the other run is named (1:2, sent
//  at the tick's instant: a tie), unless one of them is not the same in
//  both runs: that one, wherever it comes in the logs (3:1), propagated
static void
test_queue_latest_or_parted (void **state)
{
    (void) state;
    static const uint16_t peers_of_2 [] = { 1, 3 };
    s_case_t c = { .rates = { 2, 1, 4 } };
    s_start (&c.ideal [0], 0, s_to_2);
    s_sent (&c.ideal [0], 500000, 1, 1, 1, s_to_2, 1);
    s_sent (&c.ideal [0], 1000000, 2, 1, 2, s_to_2, 1);
    s_start (&c.ideal [2], 0, s_to_2);
    s_internal (&c.ideal [2], 250000, 1);
    s_internal (&c.ideal [2], 500000, 2);
    s_sent (&c.ideal [2], 750000, 3, 3, 1, s_to_2, 1);
    s_start (&c.ideal [1], 0, peers_of_2);
    s_recv (&c.ideal [1], 1000000, 1, 1, 1, 1, 1, s_to_1);
    c.real [0] = c.ideal [0];
    c.real [2] = c.ideal [2];
    c.real [1] = c.ideal [1];
    c.real [1].rows [1].time_us += 400;
    c.real [1].rows [1].queue = 2;
    s_compare (&c);
    assert_int_equal (c.out [1].cause, LC_CAUSE_TIE);
    assert_int_equal (c.out [1].identical, 1);
    assert_int_equal (c.out [1].sender, 1);
    assert_int_equal (c.out [1].seq, 2);
    c.real [2].rows [3].clock++;
    s_compare (&c);
    assert_int_equal (c.out [1].cause, LC_CAUSE_PROPAGATED);
    assert_int_equal (c.out [1].sender, 3);
    assert_int_equal (c.out [1].seq, 1);
}

//  Machines 1 (rate 1) and 3 (rate 1) both send to 2 at 1.0 s; 2 (rate 1)
//  takes one at 2.0 s. Ideal: 1:1 first (sent first, in id order). Real: 3
//  ticked first and 3:1 overtook 1:1: two sends at one instant, a tie.
//  Then the same with 3's send 0.5 s later in the ideal run (rate 2, tick
//  3): 3:1 overtook a message sent before it, no tick late: the delay.
static void
test_overtaking (void **state)
{
    (void) state;
    static const uint16_t peers_of_2 [] = { 1, 3 };
    s_case_t c = { .rates = { 1, 1, 1 } };
    s_start (&c.ideal [0], 0, s_to_2);
    s_sent (&c.ideal [0], 1000000, 1, 1, 1, s_to_2, 1);
    s_start (&c.ideal [2], 0, s_to_2);
    s_sent (&c.ideal [2], 1000000, 1, 3, 1, s_to_2, 1);
    s_start (&c.ideal [1], 0, peers_of_2);
    s_internal (&c.ideal [1], 1000000, 1);
    s_recv (&c.ideal [1], 2000000, 2, 1, 1, 1, 1, s_to_1);
    c.real [0] = c.ideal [0];
    c.real [0].rows [1].time_us += 400;
    c.real [2] = c.ideal [2];
    c.real [1] = c.ideal [1];
    c.real [1].rows [2].msg_sender = 3;
    c.real [1].rows [2].peers = s_to_3;
    s_compare (&c);
    assert_int_equal (c.out [1].cause, LC_CAUSE_TIE);
    assert_int_equal (c.out [1].identical, 2);
    assert_int_equal (c.out [1].sender, 3);
    assert_int_equal (c.out [1].overtook_sender, 1);
    assert_int_equal (c.out [1].overtook_seq, 1);
    assert_int_equal (c.out [0].cause, LC_CAUSE_NONE);

    c.rates [2] = 2;
    s_start (&c.ideal [2], 0, s_to_2);
    s_internal (&c.ideal [2], 500000, 1);
    s_internal (&c.ideal [2], 1000000, 2);
    s_sent (&c.ideal [2], 1500000, 3, 3, 1, s_to_2, 1);
    c.ideal [2].rows [3].clock = c.ideal [2].rows [3].msg_clock = 1;
    c.real [2] = c.ideal [2];
    s_compare (&c);
    assert_int_equal (c.out [1].cause, LC_CAUSE_DELAY);
    //  3's real send ran 2 ms late: a late tick
    c.real [2].rows [3].time_us += 2000;
    s_compare (&c);
    assert_int_equal (c.out [1].cause, LC_CAUSE_LATE_TICK);
}

static void
test_min_transit_and_names (void **state)
{
    (void) state;
    s_case_t c = { .rates = { 2, 2 } };
    s_start (&c.real [0], 0, s_to_2);
    s_sent (&c.real [0], 500050, 1, 1, 1, s_to_2, 1);
    s_start (&c.real [1], 300, s_to_1);
    s_recv (&c.real [1], 500350, 1, 0, 1, 1, 1, s_to_1);
    lc_diverge_log_t logs [2] = {
        { 1, 2, c.real [0].rows, c.real [0].count },
        { 2, 2, c.real [1].rows, c.real [1].count }
    };
    lc_diverge_run_t run = { 10, logs, 2 };
    double ms = lc_diverge_min_transit_ms (&run);
    assert_true (ms > 2.999 && ms < 3.001);       //  0.3 wall ms at speed 10
    logs [1].count = 1;
    assert_true (lc_diverge_min_transit_ms (&run) < 0);
    for (int cause = 0; cause < LC_CAUSE_COUNT; cause++) {
        assert_non_null (lc_cause_name ((lc_cause_t) cause));
        assert_true (strlen (lc_cause_text ((lc_cause_t) cause)) > 10);
    }
    assert_string_equal (lc_cause_name (LC_CAUSE_LATE_TICK), "late_tick");
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_tie),
        cmocka_unit_test (test_delay_and_late_tick),
        cmocka_unit_test (test_propagated),
        cmocka_unit_test (test_send_failed_and_end),
        cmocka_unit_test (test_queue_tie),
        cmocka_unit_test (test_queue_latest_or_parted),
        cmocka_unit_test (test_overtaking),
        cmocka_unit_test (test_min_transit_and_names),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
