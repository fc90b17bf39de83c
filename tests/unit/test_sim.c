/*  test_sim.c - the simulator's pure parts: exact tick times, the order of
    events and the tie rules, the drain at the stop, the accounting, the
    machines' draws shared with lclock machine, and determinism.
*/
#include "lc_sim.h"
#include "lc_model.h"

#include <stdarg.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define S_ROWS_MAX      20000

//  Every row the sink saw, in order
typedef struct {
    lc_row_t *rows;             //  S_ROWS_MAX rows
    size_t count;               //  rows seen
    size_t stop_after;          //  return 7 at this row (0: never)
} s_capture_t;

static int
s_sink (void *arg, const lc_row_t *row)
{
    s_capture_t *capture = (s_capture_t *) arg;
    assert_true (capture->count < S_ROWS_MAX);
    capture->rows [capture->count++] = *row;
    return capture->count == capture->stop_after ? 7 : 0;
}

static s_capture_t *
s_capture_new (void)
{
    s_capture_t *capture = calloc (1, sizeof *capture);
    capture->rows = calloc (S_ROWS_MAX, sizeof *capture->rows);
    assert_non_null (capture->rows);
    return capture;
}

static void
s_capture_destroy (s_capture_t **capture_p)
{
    free ((*capture_p)->rows);
    free (*capture_p);
    *capture_p = NULL;
}

//  Runs config; the rows into a new capture, the sim kept for its totals
static s_capture_t *
s_run (const lc_sim_config_t *config, lc_sim_t **sim_p)
{
    s_capture_t *capture = s_capture_new ();
    lc_sim_t *sim = lc_sim_new (config);
    assert_int_equal (lc_sim_run (sim, s_sink, capture), 0);
    if (sim_p)
        *sim_p = sim;
    else
        lc_sim_destroy (&sim);
    return capture;
}

//  The row of machine at tick (its tick row), or NULL
static const lc_row_t *
s_tick_row (const s_capture_t *capture, uint32_t machine, uint64_t tick)
{
    for (size_t i = 0; i < capture->count; i++) {
        const lc_row_t *row = &capture->rows [i];
        if (row->machine == machine && row->tick == tick
        &&  (row->event == LC_EV_SEND || row->event == LC_EV_RECV
          || row->event == LC_EV_INTERNAL))
            return row;
    }
    return NULL;
}

static lc_sim_config_t
s_config (uint32_t machines, const uint32_t *rates, uint32_t roll, double duration,
          uint64_t seed, const char *delay)
{
    lc_sim_config_t config = {
        .machines = machines, .rate_min = 1, .rate_max = 6, .rates = rates,
        .roll = roll, .duration = duration, .seed = seed
    };
    assert_int_equal (lc_delay_parse (delay, &config.delay), 0);
    return config;
}

//  --------------------------------------------------------------------------

//  k / r exactly: equal instants of different rates are equal, and the
//  least difference is seen
static void
test_tick_time (void **state)
{
    (void) state;
    lc_sim_time_t one = lc_sim_tick_time (1, 1);
    assert_int_equal (one.ns, 1000000000);
    assert_int_equal (lc_sim_time_cmp (lc_sim_tick_time (3, 3), one), 0);
    assert_int_equal (lc_sim_time_cmp (lc_sim_tick_time (1000000, 1000000), one), 0);
    //  1/3 + 333333333 ns is 1/3 ns before 2/3; one ns more is 2/3 ns after
    lc_sim_time_t third = lc_sim_tick_time (1, 3), two_thirds = lc_sim_tick_time (2, 3);
    assert_int_equal (third.ns, 333333333);
    assert_int_equal (third.rem, 1);
    assert_int_equal (lc_sim_time_cmp (lc_sim_time_add (third, 333333333), two_thirds), -1);
    assert_int_equal (lc_sim_time_cmp (lc_sim_time_add (third, 333333334), two_thirds), 1);
    //  2/6 and 1/3 are the same instant; 1/6 + 1/6 is not (1/6 ns short)
    assert_int_equal (lc_sim_time_cmp (lc_sim_tick_time (2, 6), third), 0);
    assert_int_equal (lc_sim_time_cmp (lc_sim_time_add (lc_sim_tick_time (1, 6), 166666666),
                                       third), -1);
    //  The largest run: 1e9 s at the largest rate, exact
    lc_sim_time_t last = lc_sim_tick_time ((uint64_t) LC_RATE_MAX * 1000000000, LC_RATE_MAX);
    assert_int_equal (last.ns, 1000000000000000000LL);
    assert_int_equal (last.rem, 0);
    lc_sim_time_t before = lc_sim_tick_time ((uint64_t) LC_RATE_MAX * 1000000000 - 1,
                                             LC_RATE_MAX);
    assert_int_equal (last.ns - before.ns, 1000);
    //  Log times: the origin plus model time rounded down to the us
    assert_int_equal (lc_sim_time_us (one), LC_SIM_ORIGIN_US + 1000000);
    assert_int_equal (lc_sim_time_us (third), LC_SIM_ORIGIN_US + 333333);
    assert_int_equal (lc_sim_time_us (lc_sim_tick_time (2, 3)), LC_SIM_ORIGIN_US + 666666);
}

//  Machine 1 at rate 2, machine 2 at rate 1, roll 1 (every idle tick sends
//  to the one peer). 1:1 leaves at 0.5 s; with a delay of exactly 500 ms it
//  arrives at 1.0 s, the instant of machine 2's first tick, and is in its
//  buffer then. 1 ns later it is not, and machine 2 rolls instead.
static void
test_tie_arrival_before_tick (void **state)
{
    (void) state;
    static const uint32_t rates [] = { 2, 1 };
    lc_sim_config_t config = s_config (2, rates, 1, 2, 9, "500");
    s_capture_t *capture = s_run (&config, NULL);
    const lc_row_t *row = s_tick_row (capture, 2, 1);
    assert_non_null (row);
    assert_int_equal (row->time_us, LC_SIM_ORIGIN_US + 1000000);
    assert_int_equal (row->event, LC_EV_RECV);
    assert_int_equal (row->msg_sender, 1);
    assert_int_equal (row->msg_seq, 1);
    assert_int_equal (row->clock, 2);
    s_capture_destroy (&capture);

    config = s_config (2, rates, 1, 2, 9, "500.000001");
    capture = s_run (&config, NULL);
    row = s_tick_row (capture, 2, 1);
    assert_int_equal (row->event, LC_EV_SEND);
    assert_int_equal (row->clock, 1);
    assert_int_equal (row->queue, 0);
    s_capture_destroy (&capture);
}

//  Rows come in model-time order; at one instant, tick rows in machine id
//  order. Many instants are shared here (rates 1..6 all tick on every
//  whole second). Unread and stop rows come last, machine by machine.
static void
test_event_order (void **state)
{
    (void) state;
    lc_sim_config_t config = s_config (8, NULL, 4, 30, 77, "uniform:0.01-3");
    s_capture_t *capture = s_run (&config, NULL);
    size_t ticks = 0, shared = 0;
    const lc_row_t *last = NULL;
    for (size_t i = 0; i < capture->count; i++) {
        const lc_row_t *row = &capture->rows [i];
        if (row->event == LC_EV_START || row->event == LC_EV_UNREAD
        ||  row->event == LC_EV_STOP)
            continue;
        if (last) {
            assert_true (row->time_us >= last->time_us);
            if (row->time_us == last->time_us) {
                assert_true (row->machine > last->machine);
                shared++;
            }
        }
        last = row;
        ticks++;
    }
    assert_true (ticks > 500);
    assert_true (shared > 20);
    s_capture_destroy (&capture);
}

//  Three ticks at one instant: 1 and 3 both send to 2 at 1.0 s, each
//  message drawn its own delay in send order (1's first); what reaches 2
//  at one instant enters its buffer in send order.
static void
test_simultaneous_sends (void **state)
{
    (void) state;
    static const uint32_t rates [] = { 1, 1, 1 };
    //  Roll 3 with three machines: every idle tick sends, to one or to all
    lc_sim_config_t config = s_config (3, rates, 3, 3, 5, "250");
    lc_sim_t *sim;
    s_capture_t *capture = s_run (&config, &sim);
    //  At 1.0 s all three tick with empty buffers: three sends, in id order
    for (uint32_t id = 1; id <= 3; id++) {
        const lc_row_t *row = s_tick_row (capture, id, 1);
        assert_int_equal (row->event, LC_EV_SEND);
        assert_int_equal (row->clock, 1);
        assert_ptr_equal (row, &capture->rows [3 + id - 1]);
    }
    //  At 2.0 s each takes the first message that reached it at 1.25 s:
    //  the lowest sender that sent to it
    for (uint32_t id = 1; id <= 3; id++) {
        uint32_t first = 0, waiting = 0;
        for (uint32_t from = 1; from <= 3; from++) {
            const lc_row_t *send = s_tick_row (capture, from, 1);
            for (size_t p = 0; p < send->peer_count; p++)
                if (send->peers [p] == id) {
                    first = first ? first : from;
                    waiting++;
                }
        }
        const lc_row_t *row = s_tick_row (capture, id, 2);
        if (first) {
            assert_int_equal (row->event, LC_EV_RECV);
            assert_int_equal (row->msg_sender, first);
            assert_int_equal (row->queue, waiting - 1);
        }
        else
            assert_int_equal (row->event, LC_EV_SEND);
    }
    lc_sim_destroy (&sim);
    s_capture_destroy (&capture);
}

//  Every message is received or left unread exactly once; each machine did
//  floor (rate x duration) ticks; the totals are the rows'; the drain lasts
//  until the last message to the machine has arrived (a long exponential
//  delay leaves many in flight at the end)
static void
test_accounting (void **state)
{
    (void) state;
    lc_sim_config_t config = s_config (5, NULL, 5, 20, 2024, "exp:2000");
    lc_sim_t *sim;
    s_capture_t *capture = s_run (&config, &sim);
    uint64_t sent = 0, received = 0, unread = 0;
    int64_t end_us = LC_SIM_ORIGIN_US + 20000000;
    bool late_stop = false;
    for (uint32_t id = 1; id <= 5; id++) {
        const lc_sim_totals_t *totals = lc_sim_totals (sim, id);
        uint64_t rows = 0, recvs = 0, unreads = 0, recipients = 0;
        const lc_row_t *stop = NULL;
        for (size_t i = 0; i < capture->count; i++) {
            const lc_row_t *row = &capture->rows [i];
            if (row->machine != id)
                continue;
            assert_null (stop);         //  nothing after stop
            rows++;
            recvs += row->event == LC_EV_RECV;
            unreads += row->event == LC_EV_UNREAD;
            if (row->event == LC_EV_SEND)
                recipients += row->peer_count;
            if (row->event == LC_EV_STOP)
                stop = row;
        }
        assert_non_null (stop);
        assert_int_equal (totals->rows, rows);
        assert_int_equal (totals->ticks, (uint64_t) totals->rate * 20);
        assert_int_equal (stop->tick, totals->ticks);
        assert_int_equal (totals->received, recvs);
        assert_int_equal (totals->unread, unreads);
        assert_int_equal (stop->queue, unreads);
        assert_int_equal (totals->sent, recipients);
        assert_int_equal (totals->final_clock, stop->clock);
        assert_int_equal (totals->stop_us, stop->time_us);
        assert_true (stop->time_us >= end_us);
        late_stop |= stop->time_us > end_us;
        sent += totals->sent;
        received += recvs;
        unread += unreads;
    }
    assert_int_equal (sent, received + unread);
    assert_true (unread > 0 && late_stop);
    //  Message by message: every (id, recipient) once
    for (size_t i = 0; i < capture->count; i++) {
        const lc_row_t *send = &capture->rows [i];
        if (send->event != LC_EV_SEND)
            continue;
        for (size_t p = 0; p < send->peer_count; p++) {
            int found = 0;
            for (size_t j = 0; j < capture->count; j++) {
                const lc_row_t *row = &capture->rows [j];
                found += row->machine == send->peers [p]
                      && (row->event == LC_EV_RECV || row->event == LC_EV_UNREAD)
                      && row->msg_sender == send->machine && row->msg_seq == send->msg_seq
                      && row->msg_clock == send->msg_clock;
            }
            assert_int_equal (found, 1);
        }
    }
    lc_sim_destroy (&sim);
    s_capture_destroy (&capture);
}

//  Each machine draws what lclock machine draws for the same seed and id:
//  its rate at init, then its rolls (replayed here through lc_model with the
//  same buffer pattern). The network's draws come from another stream: a
//  fixed delay (no draws) and a random one give the same rates, and each
//  machine's roll sequence is the one its own stream gives.
static void
test_same_draws_as_machine (void **state)
{
    (void) state;
    lc_sim_config_t config = s_config (4, NULL, 10, 30, 31337, "exp:50");
    lc_sim_t *sim;
    s_capture_t *capture = s_run (&config, &sim);
    uint32_t peers [3];
    for (uint32_t id = 1; id <= 4; id++) {
        size_t count = 0;
        for (uint32_t j = 1; j <= 4; j++)
            if (j != id)
                peers [count++] = j;
        lc_model_t model;
        lc_model_init (&model, id, 31337, 1, 6, 10, peers, count);
        assert_int_equal (lc_sim_totals (sim, id)->rate, model.rate);
        for (uint64_t tick = 1; tick <= (uint64_t) model.rate * 30; tick++) {
            const lc_row_t *row = s_tick_row (capture, id, tick);
            bool has = row->event == LC_EV_RECV;
            lc_model_step_t step = lc_model_tick (&model, has, row->msg_clock);
            assert_int_equal (step.clock, row->clock);
            if (step.kind == LC_STEP_SEND) {
                assert_int_equal (row->event, LC_EV_SEND);
                assert_int_equal (row->msg_seq, step.seq);
                if (!step.to_all) {
                    assert_int_equal (row->peer_count, 1);
                    assert_int_equal (row->peers [0], step.peer_id);
                }
                else
                    assert_int_equal (row->peer_count, 3);
            }
            else
            if (!has)
                assert_int_equal (row->event, LC_EV_INTERNAL);
        }
    }
    lc_sim_destroy (&sim);
    s_capture_destroy (&capture);

    lc_sim_config_t fixed = s_config (4, NULL, 10, 30, 31337, "0.1");
    lc_sim_t *other = lc_sim_new (&fixed);
    lc_sim_t *first = lc_sim_new (&config);
    for (uint32_t id = 1; id <= 4; id++)
        assert_int_equal (lc_sim_totals (other, id)->rate, lc_sim_totals (first, id)->rate);
    lc_sim_destroy (&other);
    lc_sim_destroy (&first);
}

//  The same settings give the same rows; another seed other rows
static void
test_deterministic (void **state)
{
    (void) state;
    lc_sim_config_t config = s_config (6, NULL, 10, 20, 99, "uniform:0.1-2");
    s_capture_t *one = s_run (&config, NULL);
    s_capture_t *two = s_run (&config, NULL);
    assert_int_equal (one->count, two->count);
    for (size_t i = 0; i < one->count; i++) {
        char a [LC_ROW_MAX], b [LC_ROW_MAX];
        int length = lc_row_format (&one->rows [i], a, sizeof a);
        assert_int_equal (lc_row_format (&two->rows [i], b, sizeof b), length);
        assert_memory_equal (a, b, (size_t) length);
    }
    config.seed = 100;
    s_capture_t *three = s_run (&config, NULL);
    bool differs = three->count != one->count;
    for (size_t i = 0; !differs && i < one->count; i++)
        differs = one->rows [i].clock != three->rows [i].clock
               || one->rows [i].event != three->rows [i].event;
    assert_true (differs);
    s_capture_destroy (&one);
    s_capture_destroy (&two);
    s_capture_destroy (&three);
}

//  A sink that fails ends the run with its status; a run shorter than one
//  tick period has start and stop only, at the end of the run
static void
test_sink_stops_and_short_run (void **state)
{
    (void) state;
    lc_sim_config_t config = s_config (3, NULL, 10, 10, 1, "1");
    s_capture_t *capture = s_capture_new ();
    capture->stop_after = 10;
    lc_sim_t *sim = lc_sim_new (&config);
    assert_int_equal (lc_sim_run (sim, s_sink, capture), 7);
    assert_int_equal (capture->count, 10);
    lc_sim_destroy (&sim);
    s_capture_destroy (&capture);

    static const uint32_t rates [] = { 1, 2 };
    config = s_config (2, rates, 10, 0.25, 1, "1");
    capture = s_run (&config, NULL);
    assert_int_equal (capture->count, 4);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal (capture->rows [i].event, i < 2 ? LC_EV_START : LC_EV_STOP);
    assert_int_equal (capture->rows [3].time_us, LC_SIM_ORIGIN_US + 250000);
    s_capture_destroy (&capture);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_tick_time),
        cmocka_unit_test (test_tie_arrival_before_tick),
        cmocka_unit_test (test_event_order),
        cmocka_unit_test (test_simultaneous_sends),
        cmocka_unit_test (test_accounting),
        cmocka_unit_test (test_same_draws_as_machine),
        cmocka_unit_test (test_deterministic),
        cmocka_unit_test (test_sink_stops_and_short_run),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
