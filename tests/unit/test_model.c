/*  test_model.c - the model's tick: every branch of the roll (no, one, two
    and more peers), the clock rules, sequence numbers across a resume, and
    the order of the RNG draws that `lclock machine` and a simulator share.
*/
#include "lc_model.h"

#include <stdarg.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

static const uint32_t s_peers [] = { 2, 5, 9, 11, 40 };

//  The draws as the machine made them before lc_model existed: rate, then
//  per empty-buffer tick the roll and, through lc_clock_action, the peer.
//  lc_model must draw exactly this sequence.
static void
test_same_draws_as_before (void **state)
{
    (void) state;
    for (size_t peers = 0; peers <= 5; peers++) {
        lc_model_t model;
        lc_model_init (&model, 7, 1234567, 1, 6, 10, s_peers, peers);
        lc_rng_t rng;
        lc_rng_seed (&rng, 1234567, 7);
        assert_int_equal (model.rate, lc_rng_range (&rng, 1, 6));
        uint64_t clock = 0, seq = 0;
        for (int tick = 1; tick <= 2000; tick++) {
            //  Every third tick takes a message: no draw
            bool message = tick % 3 == 0;
            lc_model_step_t step = lc_model_tick (&model, message, (uint64_t) tick);
            assert_int_equal (step.tick, tick);
            if (message) {
                clock = lc_clock_receive (clock, (uint64_t) tick);
                assert_int_equal (step.kind, LC_STEP_RECV);
                assert_int_equal (step.clock, clock);
                continue;
            }
            uint64_t roll = lc_rng_range (&rng, 1, 10);
            lc_action_t action = lc_clock_action (roll, peers, &rng);
            clock = lc_clock_local (clock);
            assert_int_equal (step.roll, roll);
            assert_int_equal (step.clock, clock);
            if (action.kind == LC_ACT_INTERNAL)
                assert_int_equal (step.kind, LC_STEP_INTERNAL);
            else {
                assert_int_equal (step.kind, LC_STEP_SEND);
                assert_int_equal (step.seq, ++seq);
                assert_int_equal (step.to_all, action.kind == LC_ACT_SEND_ALL);
                if (!step.to_all) {
                    assert_int_equal (step.peer, action.peer);
                    assert_int_equal (step.peer_id, s_peers [action.peer]);
                }
            }
        }
        assert_memory_equal (&model.rng, &rng, sizeof rng);
    }
}

//  Runs ticks with an empty buffer and roll K = 3 and checks each branch
static void
s_roll_branches (size_t peers, size_t *seen)
{
    lc_model_t model;
    lc_model_init (&model, 1, 99, 4, 4, 3, s_peers, peers);
    uint64_t seq = 0;
    for (int i = 0; i < 3000; i++) {
        uint64_t before = model.clock;
        lc_model_step_t step = lc_model_tick (&model, false, 0);
        assert_int_equal (step.clock, before + 1);
        assert_in_range (step.roll, 1, 3);
        if (peers == 0) {
            assert_int_equal (step.kind, LC_STEP_INTERNAL);
            assert_int_equal (model.seq, 0);
            continue;
        }
        assert_int_equal (step.kind, LC_STEP_SEND);
        assert_int_equal (step.seq, ++seq);
        assert_int_equal (model.seq, seq);
        if (step.roll == 3) {
            assert_true (step.to_all);
            continue;
        }
        assert_false (step.to_all);
        assert_true (step.peer < peers);
        assert_int_equal (step.peer_id, s_peers [step.peer]);
        if (peers == 1)
            assert_int_equal (step.peer, 0);
        if (peers == 2)     //  the classic rule: 1 the lower id, 2 the higher
            assert_int_equal (step.peer, step.roll - 1);
        seen [step.peer]++;
    }
}

static void
test_roll_branches (void **state)
{
    (void) state;
    size_t seen [5] = { 0 };
    s_roll_branches (0, seen);
    s_roll_branches (1, seen);
    assert_true (seen [0] > 0);
    memset (seen, 0, sizeof seen);
    s_roll_branches (2, seen);
    assert_true (seen [0] > 0 && seen [1] > 0);
    memset (seen, 0, sizeof seen);
    s_roll_branches (5, seen);
    for (int i = 0; i < 5; i++)     //  2000 picks over 5 peers
        assert_in_range (seen [i], 300, 500);

    //  Rolls above 3 are internal: clock + 1, no sequence number used
    lc_model_t model;
    lc_model_init (&model, 1, 5, 1, 1, 1000000, s_peers, 2);
    size_t internal = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t seq = model.seq;
        lc_model_step_t step = lc_model_tick (&model, false, 0);
        if (step.roll > 3) {
            assert_int_equal (step.kind, LC_STEP_INTERNAL);
            assert_int_equal (model.seq, seq);
            internal++;
        }
    }
    assert_true (internal > 990);
}

static void
test_clock_rules (void **state)
{
    (void) state;
    lc_model_t model;
    lc_model_init (&model, 3, 1, 2, 2, 10, s_peers, 3);
    lc_rng_t before = model.rng;
    //  recv: max (clock, msg_clock) + 1, and no draw from the stream
    lc_model_step_t step = lc_model_tick (&model, true, 41);
    assert_int_equal (step.kind, LC_STEP_RECV);
    assert_int_equal (step.clock, 42);
    step = lc_model_tick (&model, true, 5);
    assert_int_equal (step.clock, 43);
    step = lc_model_tick (&model, true, 43);
    assert_int_equal (step.clock, 44);
    assert_memory_equal (&model.rng, &before, sizeof before);
    assert_int_equal (model.tick, 3);
    assert_int_equal (model.seq, 0);
    //  Clocks above 2^32 stay exact
    step = lc_model_tick (&model, true, (uint64_t) 1 << 40);
    assert_true (step.clock == ((uint64_t) 1 << 40) + 1);
    step = lc_model_tick (&model, false, 0);
    assert_true (step.clock == ((uint64_t) 1 << 40) + 2);
}

static void
test_rate (void **state)
{
    (void) state;
    //  A fixed rate draws nothing: the stream is untouched
    lc_model_t model;
    lc_model_init (&model, 4, 77, 5, 5, 10, s_peers, 2);
    lc_rng_t fresh;
    lc_rng_seed (&fresh, 77, 4);
    assert_int_equal (model.rate, 5);
    assert_memory_equal (&model.rng, &fresh, sizeof fresh);
    //  A range: every rate drawn over many seeds, within the range
    size_t seen [7] = { 0 };
    for (uint64_t seed = 0; seed < 600; seed++) {
        lc_model_init (&model, 4, seed, 1, 6, 10, s_peers, 2);
        assert_in_range (model.rate, 1, 6);
        seen [model.rate]++;
    }
    for (int r = 1; r <= 6; r++)
        assert_true (seen [r] > 50);
    //  Ticks of a run: floor (rate x duration), 100 x 0.57 being 57
    model.rate = 100;
    assert_int_equal (lc_model_ticks_in (&model, 0.57), 57);
    model.rate = 3;
    assert_int_equal (lc_model_ticks_in (&model, 60), 180);
    assert_int_equal (lc_model_ticks_in (&model, 0.3), 0);
}

static void
test_resume (void **state)
{
    (void) state;
    lc_model_t model;
    lc_model_init (&model, 6, 2024, 1, 6, 3, s_peers, 2);
    uint32_t rate = model.rate;
    for (int i = 0; i < 20; i++)
        lc_model_tick (&model, false, 0);
    assert_int_equal (model.seq, 20);       //  K = 3 with peers: all sends
    uint64_t clock = model.clock;

    //  The restarted process: init again (its config), then resume with
    //  what the summary and the log say
    lc_model_t again;
    lc_model_init (&again, 6, 2024, 1, 6, 3, s_peers, 2);
    lc_model_resume (&again, rate, 2024, 1, 20, clock, 20);
    assert_int_equal (again.rate, rate);
    //  The stream of seed + restarts, nothing drawn from it yet
    lc_rng_t expect;
    lc_rng_seed (&expect, 2024 + 1, 6);
    assert_memory_equal (&again.rng, &expect, sizeof expect);
    //  Ticks missed while down are skipped; never backwards
    lc_model_skip_to (&again, 25);
    lc_model_skip_to (&again, 22);
    assert_int_equal (again.tick, 25);
    //  Sequence numbers go on, never reused; the clock never goes back
    lc_model_step_t step = lc_model_tick (&again, false, 0);
    assert_int_equal (step.tick, 26);
    assert_int_equal (step.seq, 21);
    assert_int_equal (step.clock, clock + 1);
    //  A second restart draws from yet another stream
    lc_model_resume (&again, rate, 2024, 2, 26, clock + 1, 21);
    lc_rng_seed (&expect, 2024 + 2, 6);
    assert_memory_equal (&again.rng, &expect, sizeof expect);
    assert_int_equal (lc_model_tick (&again, false, 0).seq, 22);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_same_draws_as_before),
        cmocka_unit_test (test_roll_branches),
        cmocka_unit_test (test_clock_rules),
        cmocka_unit_test (test_rate),
        cmocka_unit_test (test_resume),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
