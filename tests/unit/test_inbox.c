/*  test_inbox.c - the receive buffer keeps order across growth and
    wrap-around; the schedule's due times and late ticks.
*/
#include "lc_inbox.h"
#include "lc_schedule.h"

#include <stdarg.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

static void
test_fifo (void **state)
{
    (void) state;
    lc_inbox_t inbox = { 0 };
    uint64_t pushed = 0, popped = 0;
    //  Push 3, pop 2, over and over: the ring wraps and grows
    for (int round = 0; round < 500; round++) {
        for (int i = 0; i < 3; i++) {
            pushed++;
            lc_inbox_item_t item = { .sender = (uint32_t) ((pushed - 1) % 7) + 1,
                                     .peer = 0, .seq = pushed, .clock = pushed * 10 };
            assert_true (lc_inbox_push (&inbox, &item));
        }
        for (int i = 0; i < 2; i++) {
            lc_inbox_item_t item = lc_inbox_pop (&inbox);
            popped++;
            assert_true (item.seq == popped);
            assert_true (item.clock == popped * 10);
            assert_int_equal (item.sender, (popped - 1) % 7 + 1);
        }
    }
    assert_int_equal (inbox.length, pushed - popped);
    for (size_t i = 0; i < inbox.length; i++)
        assert_true (lc_inbox_at (&inbox, i)->seq == popped + 1 + i);
    lc_inbox_reset (&inbox);
    assert_int_equal (inbox.length, 0);
}

static void
test_schedule (void **state)
{
    (void) state;
    lc_schedule_t schedule;
    assert_int_equal (lc_schedule_open (&schedule), 0);
    //  Rate 4 at speed 2: a tick every 125 ms; 10 model s = 5 wall s
    lc_schedule_plan (&schedule, 1000, 4, 2.0, 10.0, 40);
    assert_true (lc_schedule_due (&schedule, 1) == 1000 + 125000000);
    assert_true (lc_schedule_due (&schedule, 40) == 1000 + 5 * LC_NS_PER_SEC);
    assert_true (schedule.end_ns == 1000 + 5 * LC_NS_PER_SEC);
    assert_int_equal (lc_schedule_due_by (&schedule, 999), 0);
    assert_int_equal (lc_schedule_due_by (&schedule, 1000 + 250000000), 2);
    assert_int_equal (lc_schedule_due_by (&schedule, 1000 + 100 * LC_NS_PER_SEC), 40);
    //  Late is more than 1 ms after due
    lc_schedule_ran (&schedule, 1, lc_schedule_due (&schedule, 1) + 1000000);
    assert_int_equal (schedule.late_ticks, 0);
    lc_schedule_ran (&schedule, 2, lc_schedule_due (&schedule, 2) + 1000001);
    assert_int_equal (schedule.late_ticks, 1);
    assert_true (schedule.max_lateness_ns == 1000001);
    lc_schedule_close (&schedule);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_fifo),
        cmocka_unit_test (test_schedule),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
