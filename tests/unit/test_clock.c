/*  test_clock.c - Lamport's rules, the roll's peer choice, the RNG.
*/
#include "lc_clock.h"

#include <stdarg.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

static void
test_rules (void **state)
{
    (void) state;
    assert_int_equal (lc_clock_local (0), 1);
    assert_int_equal (lc_clock_local (41), 42);
    //  max (clock, msg_clock) + 1, from either side
    assert_int_equal (lc_clock_receive (5, 3), 6);
    assert_int_equal (lc_clock_receive (3, 5), 6);
    assert_int_equal (lc_clock_receive (4, 4), 5);
    assert_int_equal (lc_clock_receive (0, 0), 1);
}

static void
test_action_two_peers (void **state)
{
    (void) state;
    lc_rng_t rng;
    lc_rng_seed (&rng, 1, 1);
    //  The classic rule: 1 lower id, 2 higher id, 3 all, else internal
    lc_action_t a = lc_clock_action (1, 2, &rng);
    assert_int_equal (a.kind, LC_ACT_SEND_ONE);
    assert_int_equal (a.peer, 0);
    a = lc_clock_action (2, 2, &rng);
    assert_int_equal (a.kind, LC_ACT_SEND_ONE);
    assert_int_equal (a.peer, 1);
    assert_int_equal (lc_clock_action (3, 2, &rng).kind, LC_ACT_SEND_ALL);
    for (uint64_t roll = 4; roll <= 10; roll++)
        assert_int_equal (lc_clock_action (roll, 2, &rng).kind, LC_ACT_INTERNAL);
}

static void
test_action_other_peer_counts (void **state)
{
    (void) state;
    lc_rng_t rng;
    lc_rng_seed (&rng, 7, 3);
    //  One peer: 1 and 2 both send to it
    assert_int_equal (lc_clock_action (1, 1, &rng).peer, 0);
    assert_int_equal (lc_clock_action (2, 1, &rng).peer, 0);
    //  No peer: everything is internal
    for (uint64_t roll = 1; roll <= 3; roll++)
        assert_int_equal (lc_clock_action (roll, 0, &rng).kind, LC_ACT_INTERNAL);
    //  Five peers: each peer is picked, never out of range, about evenly
    size_t hits [5] = { 0 };
    for (int i = 0; i < 50000; i++) {
        lc_action_t a = lc_clock_action (1 + (uint64_t) (i % 2), 5, &rng);
        assert_int_equal (a.kind, LC_ACT_SEND_ONE);
        assert_true (a.peer < 5);
        hits [a.peer]++;
    }
    for (int i = 0; i < 5; i++)
        assert_in_range (hits [i], 9000, 11000);
}

static void
test_rng (void **state)
{
    (void) state;
    lc_rng_t a, b, c;
    lc_rng_seed (&a, 42, 1);
    lc_rng_seed (&b, 42, 1);
    lc_rng_seed (&c, 42, 2);
    //  Same seed and id: same stream; another id: another stream
    bool differs = false;
    for (int i = 0; i < 100; i++) {
        uint64_t x = lc_rng_next (&a);
        assert_true (x == lc_rng_next (&b));
        differs |= x != lc_rng_next (&c);
    }
    assert_true (differs);
    //  Ranges are inclusive and every value comes up
    size_t seen [6] = { 0 };
    for (int i = 0; i < 6000; i++) {
        uint64_t r = lc_rng_range (&a, 1, 6);
        assert_in_range (r, 1, 6);
        seen [r - 1]++;
    }
    for (int i = 0; i < 6; i++)
        assert_in_range (seen [i], 800, 1200);
    assert_int_equal (lc_rng_range (&a, 4, 4), 4);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_rules),
        cmocka_unit_test (test_action_two_peers),
        cmocka_unit_test (test_action_other_peer_counts),
        cmocka_unit_test (test_rng),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
