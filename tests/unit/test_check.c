/*  test_check.c - the run invariants (lc_check), fed rows from strings.

    Each scenario is a list of "machine-index|CSV row" in the merged order;
    the test asserts which rules fail and how often, so every rule has a
    case where it must fire and a clean case where it must not.
*/
#include "lc_check.h"

#include <stdarg.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

//  Three machines, ids 1..3, rate 2, speed 1, duration 2, stopped on duration
static void
s_metas (lc_meta_t *metas, size_t count)
{
    memset (metas, 0, count * sizeof *metas);
    for (size_t i = 0; i < count; i++) {
        metas [i].id = (uint32_t) i + 1;
        metas [i].rate = 2;
        metas [i].speed = 1;
        metas [i].duration = 2;
        strcpy (metas [i].stop_reason, "duration");
    }
}

//  Makes each summary agree with its machine's rows, as a machine writes
//  it: the counts of the log, and no stop_reason without a stop row. The
//  scenarios of the other rules start from this; test_summary does not.
static void
s_agree (lc_meta_t *metas, size_t count, const char **rows)
{
    for (size_t idx = 0; idx < count; idx++) {
        lc_meta_t *meta = &metas [idx];
        meta->ticks = meta->sent = meta->received = meta->unread = meta->final_clock = 0;
        meta->unacked = 0;
        uint64_t unread_run = 0;
        lc_event_t last = LC_EV_COUNT;
        for (size_t i = 0; rows [i]; i++) {
            lc_row_t row;
            const char *error;
            const char *text = rows [i] + 2;
            if ((size_t) (rows [i][0] - '0') != idx
            ||  lc_row_parse (text, strlen (text), &row, &error))
                continue;
            last = row.event;
            meta->ticks = row.tick;
            meta->final_clock = row.clock;
            if (row.event == LC_EV_SEND)
                meta->sent += row.peer_count;
            if (row.event == LC_EV_RECV)
                meta->received++;
            if (row.event == LC_EV_UNACKED)
                meta->unacked++;
            if (row.event == LC_EV_STOP)
                meta->unread = unread_run;
            if (row.event != LC_EV_UNACKED)
                unread_run = row.event == LC_EV_UNREAD ? unread_run + 1 : 0;
        }
        if (last != LC_EV_STOP)
            meta->stop_reason [0] = 0;
    }
}

//  Feeds rows "IDX|row" (line numbers per machine from 2), finishes.
static lc_check_t *
s_feed_as_is (lc_meta_t *metas, size_t count, const char **rows)
{
    lc_check_t *check = lc_check_new (metas, count);
    assert_non_null (check);
    size_t lines [8] = { 0 };
    for (size_t i = 0; rows [i]; i++) {
        size_t idx = (size_t) (rows [i][0] - '0');
        assert_true (idx < count && rows [i][1] == '|');
        const char *text = rows [i] + 2;
        size_t line = ++lines [idx] + 1;
        lc_row_t row;
        const char *error;
        if (lc_row_parse (text, strlen (text), &row, &error) == 0)
            lc_check_row (check, idx, line, &row);
        else
            lc_check_bad_row (check, idx, line, error);
    }
    lc_check_finish (check);
    return check;
}

//  The same, with summaries that agree with the rows
static lc_check_t *
s_feed (lc_meta_t *metas, size_t count, const char **rows)
{
    s_agree (metas, count, rows);
    return s_feed_as_is (metas, count, rows);
}

//  The failure whose text has this in it, or NULL
static const lc_failure_t *
s_failure_saying (lc_check_t *check, const char *text)
{
    for (size_t i = 0; i < lc_check_kept (check); i++)
        if (strstr (lc_check_failure (check, i)->text, text))
            return lc_check_failure (check, i);
    return NULL;
}

//  Failures of a summary against its log
static size_t
s_summary_failures (lc_check_t *check)
{
    size_t count = 0;
    for (size_t i = 0; i < lc_check_kept (check); i++)
        count += strstr (lc_check_failure (check, i)->text, "summary") != NULL;
    return count;
}

//  Asserts failures per rule: expected [rule] for rule 1..6
static void
s_expect (lc_check_t *check, const size_t expected [LC_RULES + 1])
{
    for (int rule = 1; rule <= LC_RULES; rule++)
        if (lc_check_rule_failures (check, rule) != expected [rule]) {
            for (size_t i = 0; i < lc_check_kept (check); i++) {
                const lc_failure_t *f = lc_check_failure (check, i);
                print_message ("rule %d machine %u row %zu: %s\n", f->rule,
                               f->machine, f->row, f->text);
            }
            fail_msg ("rule %d: %zu failures, expected %zu", rule,
                      lc_check_rule_failures (check, rule), expected [rule]);
        }
}

//  A clean two-machine run, 4 ticks each
static const char *s_clean [] = {
    "0|1.000000,1,start,0,0,0,2,,",
    "1|1.000000,2,start,0,0,0,1,,",
    "0|1.500000,1,send,1,1,0,2,1:1,1",
    "1|1.500100,2,recv,1,2,0,1,1:1,1",
    "0|2.000000,1,internal,2,2,0,,,",
    "1|2.000000,2,send,2,3,0,1,2:1,3",
    "0|2.500000,1,recv,3,4,0,2,2:1,3",
    "1|2.500000,2,internal,3,4,0,,,",
    "0|3.000000,1,send,4,5,0,2,1:2,5",
    "1|3.000000,2,internal,4,5,0,,,",
    "0|4.000000,1,stop,4,5,0,,,",
    "1|4.000000,2,unread,4,5,1,1,1:2,5",
    "1|4.000000,2,stop,4,5,1,,,",
    NULL
};

static void
test_clean (void **state)
{
    (void) state;
    lc_meta_t metas [2];
    s_metas (metas, 2);
    lc_check_t *check = s_feed (metas, 2, s_clean);
    static const size_t none [LC_RULES + 1] = { 0 };
    s_expect (check, none);
    assert_int_equal (lc_check_failures (check), 0);
    assert_int_equal (lc_check_ticks (check, 0), 4);
    assert_int_equal (lc_check_undelivered (check, 1), 0);
    assert_false (lc_check_crashed (check, 0));
    lc_check_destroy (&check);
    assert_null (check);
    lc_check_destroy (&check);
}

static void
test_rule_names (void **state)
{
    (void) state;
    assert_null (lc_check_rule_name (0));
    assert_null (lc_check_rule_name (LC_RULES + 1));
    for (int rule = 1; rule <= LC_RULES; rule++)
        assert_non_null (lc_check_rule_name (rule));
}

//  Rule 1: shape of the log
static void
test_rule1 (void **state)
{
    (void) state;
    lc_meta_t metas [1];
    s_metas (metas, 1);
    strcpy (metas [0].stop_reason, "signal");
    const char *rows [] = {
        "0|1.000000,1,internal,1,1,0,,,",       //  first row not start
        "0|0.500000,1,internal,0,2,0,,,",       //  time and tick go back
        "0|0.600000,9,internal,1,3,0,,,",       //  wrong machine column
        "0|0.700000,1,bogus,1,3,0,,,",          //  does not parse
        "0|0.800000,1,internal,1,4,0,,,",
        "0|0.900000,1,stop,1,4,2,,,",           //  queue 2, no unread rows
        NULL
    };
    lc_check_t *check = s_feed (metas, 1, rows);
    static const size_t expected [LC_RULES + 1] = { 0, 6, 0, 0, 0, 0, 0 };
    s_expect (check, expected);
    const lc_failure_t *first = lc_check_failure (check, 0);
    assert_int_equal (first->rule, 1);
    assert_int_equal (first->machine, 1);
    assert_int_equal (first->row, 2);
    assert_non_null (strstr (first->text, "start"));
    lc_check_destroy (&check);
}

//  Rule 1: unread rows only right before stop, as many as stop says
static void
test_rule1_unread (void **state)
{
    (void) state;
    lc_meta_t metas [2];
    s_metas (metas, 2);
    strcpy (metas [0].stop_reason, "signal");
    strcpy (metas [1].stop_reason, "signal");
    const char *rows [] = {
        "0|1.000000,1,start,0,0,0,2,,",
        "1|1.000000,2,start,0,0,0,1,,",
        "0|1.100000,1,send,1,1,0,2,1:1,1",
        "0|1.200000,1,send,2,2,0,2,1:2,2",
        "0|1.300000,1,send,3,3,0,1;2,1:3,3",    //  lists itself
        "1|1.400000,2,unread,0,0,2,1,1:1,1",
        "1|1.500000,2,internal,1,1,0,,,",       //  internal after unread,
                                                //  and 2 messages vanished
        "1|1.600000,2,unread,1,1,2,1,1:2,2",
        "1|1.600000,2,unread,1,1,2,1,1:3,3",
        "1|1.700000,2,stop,1,1,1,,,",           //  says 1, 2 unread rows
        "0|2.000000,1,stop,3,3,0,,,",
        NULL
    };
    lc_check_t *check = s_feed (metas, 2, rows);
    static const size_t expected [LC_RULES + 1] = { 0, 4, 0, 0, 0, 0, 0 };
    s_expect (check, expected);
    lc_check_destroy (&check);

    //  As many unread rows as stop says, but they claim another queue
    const char *queues [] = {
        "0|1.000000,1,start,0,0,0,2,,",
        "1|1.000000,2,start,0,0,0,1,,",
        "0|1.100000,1,send,1,1,0,2,1:1,1",
        "1|1.400000,2,unread,0,0,5,1,1:1,1",    //  5 left, says the row
        "1|1.700000,2,stop,0,0,1,,,",           //  1 left, says stop
        "0|2.000000,1,stop,1,1,0,,,",
        NULL
    };
    check = s_feed (metas, 2, queues);
    static const size_t one [LC_RULES + 1] = { 0, 1, 0, 0, 0, 0, 0 };
    s_expect (check, one);
    assert_non_null (strstr (lc_check_failure (check, 0)->text, "unread rows say 5"));
    lc_check_destroy (&check);
}

//  A crash while unread rows were written, then --resume: not a failure
static void
test_resume_after_unread (void **state)
{
    (void) state;
    lc_meta_t metas [2];
    s_metas (metas, 2);
    strcpy (metas [0].stop_reason, "signal");
    strcpy (metas [1].stop_reason, "signal");
    metas [1].restarts = 1;
    const char *rows [] = {
        "0|1.000000,1,start,0,0,0,2,,",
        "1|1.000000,2,start,0,0,0,1,,",
        "0|1.100000,1,send,1,1,0,2,1:1,1",
        "0|1.200000,1,send,2,2,0,2,1:2,2",
        "1|1.300000,2,unread,0,0,2,1,1:1,1",
        "1|1.400000,2,start,0,0,0,1,,",
        "1|1.500000,2,internal,1,1,0,,,",
        "1|1.600000,2,stop,1,1,0,,,",
        "0|2.000000,1,unacked,2,2,0,2,1:2,2",   //  never acknowledged
        "0|2.000000,1,stop,2,2,0,,,",
        NULL
    };
    lc_check_t *check = s_feed (metas, 2, rows);
    static const size_t none [LC_RULES + 1] = { 0 };
    s_expect (check, none);
    assert_int_equal (lc_check_undelivered (check, 1), 1);     //  1:2
    lc_check_destroy (&check);
}

//  Rule 1, the queue column: queue + recv rows since the start never falls,
//  send and internal rows have queue 0
static void
test_rule1_queue (void **state)
{
    (void) state;
    lc_meta_t metas [2];
    s_metas (metas, 2);
    strcpy (metas [0].stop_reason, "signal");
    strcpy (metas [1].stop_reason, "signal");
    const char *rows [] = {
        "0|1.000000,1,start,0,0,0,2,,",
        "1|1.000000,2,start,0,0,0,1,,",
        "0|1.100000,1,send,1,1,0,2,1:1,1",
        "0|1.200000,1,send,2,2,0,2,1:2,2",
        "0|1.300000,1,send,3,3,0,2,1:3,3",
        "1|1.400000,2,recv,1,2,2,1,1:1,1",      //  3 arrived, 1 taken
        "1|1.500000,2,recv,2,3,3,1,1:2,2",      //  4 arrived? only 3 were
                                                //  sent, but no rule can know
                                                //  it here: fine so far
        "1|1.600000,2,recv,3,4,0,1,1:3,3",      //  3 to 0 on a recv
        "1|1.700000,2,internal,4,5,1,,,",       //  rolled with 1 waiting
        "0|2.000000,1,stop,3,3,0,,,",
        "1|2.000000,2,stop,4,5,0,,,",           //  the 1 of internal vanished
        NULL
    };
    lc_check_t *check = s_feed (metas, 2, rows);
    static const size_t expected [LC_RULES + 1] = { 0, 3, 0, 0, 0, 0, 0 };
    s_expect (check, expected);
    assert_int_equal (lc_check_failure (check, 0)->row, 5);
    assert_non_null (strstr (lc_check_failure (check, 0)->text,
                             "queue 0 after recv, but it was 3 before"));
    assert_int_equal (lc_check_failure (check, 1)->row, 6);
    assert_non_null (strstr (lc_check_failure (check, 1)->text, "internal with 1 message"));
    assert_int_equal (lc_check_failure (check, 2)->row, 7);
    lc_check_destroy (&check);

    //  Every queue is bounded by what is later taken or left unread: a
    //  queue of 2 with one recv after it and nothing unread is too high
    const char *bound [] = {
        "0|1.000000,1,start,0,0,0,2,,",
        "1|1.000000,2,start,0,0,0,1,,",
        "0|1.100000,1,send,1,1,0,2,1:1,1",
        "1|1.400000,2,recv,1,2,2,1,1:1,1",
        "1|1.500000,2,recv,2,3,1,1,1:1,1",
        "0|2.000000,1,stop,1,1,0,,,",
        "1|2.000000,2,stop,2,3,0,,,",
        NULL
    };
    check = s_feed (metas, 2, bound);
    assert_int_equal (lc_check_rule_failures (check, 1), 1);
    lc_check_destroy (&check);

    //  A resume starts an empty buffer: the queue may fall to 0 there
    const char *resumed [] = {
        "0|1.000000,1,start,0,0,0,2,,",
        "1|1.000000,2,start,0,0,0,1,,",
        "0|1.100000,1,send,1,1,0,2,1:1,1",
        "0|1.200000,1,send,2,2,0,2,1:2,2",
        "1|1.400000,2,recv,1,2,1,1,1:1,1",      //  1:2 waits, then a crash
        "1|1.800000,2,start,1,2,0,1,,",
        "1|1.900000,2,internal,2,3,0,,,",
        "0|2.000000,1,stop,2,2,0,,,",
        "1|2.000000,2,stop,2,3,0,,,",
        NULL
    };
    check = s_feed (metas, 2, resumed);
    assert_int_equal (lc_check_rule_failures (check, 1), 0);
    lc_check_destroy (&check);
}

//  Rule 5: the summary agrees with the log
static void
test_summary (void **state)
{
    (void) state;
    lc_meta_t metas [2];
    s_metas (metas, 2);
    //  The clean run's own counts: no failure
    s_agree (metas, 2, s_clean);
    lc_check_t *check = s_feed_as_is (metas, 2, s_clean);
    assert_int_equal (lc_check_failures (check), 0);
    lc_check_destroy (&check);

    //  Each count that differs is one failure, named
    metas [1].ticks++;
    metas [1].sent++;
    metas [1].received++;
    metas [1].unread++;
    metas [1].final_clock++;
    check = s_feed_as_is (metas, 2, s_clean);
    static const size_t five [LC_RULES + 1] = { 0, 0, 0, 0, 0, 5, 0 };
    s_expect (check, five);
    const char *keys [] = { "ticks 5", "sent 2", "received 2", "unread 2", "final_clock 6" };
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal (lc_check_failure (check, i)->machine, 2);
        assert_non_null (strstr (lc_check_failure (check, i)->text, keys [i]));
    }
    lc_check_destroy (&check);

    //  Machine 2's unread and stop rows removed, its summary says it ran
    //  to the end: it is not taken for a crash
    s_agree (metas, 2, s_clean);
    const char *cut [16];
    size_t n = 0;
    for (size_t i = 0; s_clean [i]; i++)
        if (!(s_clean [i][0] == '1' && (strstr (s_clean [i], ",unread,")
                                     || strstr (s_clean [i], ",stop,"))))
            cut [n++] = s_clean [i];
    cut [n] = NULL;
    check = s_feed_as_is (metas, 2, cut);
    assert_int_equal (s_summary_failures (check), 1);
    assert_non_null (s_failure_saying (check, "says it stopped (duration), but its "
                                       "log ends without a stop row"));
    lc_check_destroy (&check);

    //  Without a stop row, error (the log could not be written) and
    //  start_timeout (a --resume that never started) are what a machine
    //  writes; null after a stop row is not
    //  (what machine 1 sent it and it never logged is still a failure: its
    //  sender does not list it unacked)
    strcpy (metas [1].stop_reason, "error");
    check = s_feed_as_is (metas, 2, cut);
    assert_int_equal (s_summary_failures (check), 0);
    lc_check_destroy (&check);
    strcpy (metas [1].stop_reason, "start_timeout");
    check = s_feed_as_is (metas, 2, cut);
    assert_int_equal (s_summary_failures (check), 0);
    lc_check_destroy (&check);
    s_metas (metas, 2);
    s_agree (metas, 2, s_clean);
    metas [0].stop_reason [0] = 0;
    check = s_feed_as_is (metas, 2, s_clean);
    assert_int_equal (lc_check_rule_failures (check, 5), 1);
    assert_non_null (strstr (lc_check_failure (check, 0)->text, "never stopped"));
    lc_check_destroy (&check);
}

//  Rule 2: the Lamport rules
static void
test_rule2 (void **state)
{
    (void) state;
    lc_meta_t metas [2];
    s_metas (metas, 2);
    strcpy (metas [0].stop_reason, "signal");
    strcpy (metas [1].stop_reason, "signal");
    const char *rows [] = {
        "0|1.000000,1,start,0,1,0,2,,",         //  first start not 0
        "1|1.000000,2,start,0,0,0,1,,",
        "0|1.100000,1,send,1,3,0,2,1:1,3",      //  +2
        "1|1.200000,2,recv,1,3,0,1,1:1,3",      //  max(0,3)+1 = 4, not 3
        "1|1.300000,2,internal,2,4,0,,,",
        "0|1.400000,1,start,1,4,0,2,,",         //  resume changed clock 3 -> 4
        "0|1.500000,1,internal,2,5,0,,,",
        "0|1.600000,1,stop,2,6,0,,,",           //  stop changed the clock
        "1|1.700000,2,stop,2,4,0,,,",
        NULL
    };
    lc_check_t *check = s_feed (metas, 2, rows);
    //  the recv at clock 3 of a message sent at 3 breaks rule 4 too
    static const size_t expected [LC_RULES + 1] = { 0, 0, 5, 0, 1, 0, 0 };
    s_expect (check, expected);
    lc_check_destroy (&check);
}

//  Rule 2: a send carries its own clock; rule 4 compares with that clock
static void
test_send_carries_its_clock (void **state)
{
    (void) state;
    lc_meta_t metas [2];
    s_metas (metas, 2);
    strcpy (metas [0].stop_reason, "signal");
    strcpy (metas [1].stop_reason, "signal");
    const char *rows [] = {
        "0|1.000000,1,start,0,0,0,2,,",
        "1|1.000000,2,start,0,0,0,1,,",
        "0|1.100000,1,internal,1,1,0,,,",
        "0|1.200000,1,internal,2,2,0,,,",
        "0|1.300000,1,send,3,3,0,2,1:1,0",      //  its clock is 3, carries 0
        "1|1.400000,2,recv,1,1,0,1,1:1,0",      //  consistent with the 0 only
        "0|2.000000,1,stop,3,3,0,,,",
        "1|2.000000,2,stop,1,1,0,,,",
        NULL
    };
    lc_check_t *check = s_feed (metas, 2, rows);
    static const size_t expected [LC_RULES + 1] = { 0, 0, 1, 0, 1, 0, 0 };
    s_expect (check, expected);
    const lc_failure_t *first = lc_check_failure (check, 0);
    assert_int_equal (first->rule, 2);
    assert_int_equal (first->row, 5);
    assert_non_null (strstr (first->text, "carries clock 0"));
    const lc_failure_t *second = lc_check_failure (check, 1);
    assert_int_equal (second->rule, 4);
    assert_int_equal (second->machine, 2);
    assert_non_null (strstr (second->text, "sent at clock 3, received at clock 1"));
    lc_check_destroy (&check);
}

//  Rule 3: matching, duplicates, ids reused, recv before its send
static void
test_rule3 (void **state)
{
    (void) state;
    lc_meta_t metas [3];
    s_metas (metas, 3);
    for (int i = 0; i < 3; i++)
        strcpy (metas [i].stop_reason, "signal");
    const char *rows [] = {
        "0|1.000000,1,start,0,0,0,2;3,,",
        "1|1.000000,2,start,0,0,0,1;3,,",
        "2|1.000000,3,start,0,0,0,1;2,,",
        //  recv logged before its send (host clocks differ): fine
        "1|1.100000,2,recv,1,2,0,1,1:1,1",
        "0|1.100100,1,send,1,1,0,2;3,1:1,1",
        "2|1.200000,3,recv,1,2,0,1,1:1,1",
        "2|1.300000,3,recv,2,3,0,1,1:1,1",      //  received twice
        "1|1.400000,2,recv,2,3,0,1,1:9,1",      //  no such send
        "0|1.500000,1,send,2,2,0,3,1:1,2",      //  id reused
        "0|1.600000,1,send,3,3,0,3,1:2,3",
        "2|1.700000,3,recv,3,4,0,1,1:2,2",      //  clock differs from the send
        "1|1.800000,2,recv,3,5,0,3,3:7,4",      //  3:7 never sent (3 logs it)
        "0|1.900000,1,recv,4,5,0,1,1:3,4",      //  from itself
        "0|2.000000,1,stop,4,5,0,,,",
        "1|2.000000,2,stop,3,5,0,,,",
        "2|2.000000,3,stop,3,4,0,,,",
        NULL
    };
    lc_check_t *check = s_feed (metas, 3, rows);
    static const size_t expected [LC_RULES + 1] = { 0, 0, 0, 6, 0, 0, 0 };
    s_expect (check, expected);
    lc_check_destroy (&check);
}

//  Rule 4 on its own: a recv before its send whose clock is not above it
static void
test_rule4 (void **state)
{
    (void) state;
    lc_meta_t metas [2];
    s_metas (metas, 2);
    strcpy (metas [0].stop_reason, "signal");
    strcpy (metas [1].stop_reason, "signal");
    const char *rows [] = {
        "0|1.000000,1,start,0,0,0,2,,",
        "1|1.000000,2,start,0,0,0,1,,",
        //  claims the message carried 1; the send says 5 (rules 3 and 4)
        "1|1.100000,2,recv,1,2,0,1,1:1,1",
        "0|1.200000,1,internal,1,1,0,,,",
        "0|1.300000,1,internal,2,2,0,,,",
        "0|1.400000,1,internal,3,3,0,,,",
        "0|1.500000,1,internal,4,4,0,,,",
        "0|1.600000,1,send,5,5,0,2,1:1,5",
        "0|2.000000,1,stop,5,5,0,,,",
        "1|2.000000,2,stop,1,2,0,,,",
        NULL
    };
    lc_check_t *check = s_feed (metas, 2, rows);
    static const size_t expected [LC_RULES + 1] = { 0, 0, 0, 1, 1, 0, 0 };
    s_expect (check, expected);
    lc_check_destroy (&check);
}

//  Rule 4 with no send to match: the recv's own msg_clock stands in (here
//  check 2 cannot see it, the row before did not parse)
static void
test_rule4_unmatched (void **state)
{
    (void) state;
    lc_meta_t metas [2];
    s_metas (metas, 2);
    strcpy (metas [0].stop_reason, "signal");
    strcpy (metas [1].stop_reason, "signal");
    const char *rows [] = {
        "0|1.000000,1,start,0,0,0,2,,",
        "1|1.000000,2,start,0,0,0,1,,",
        "1|1.100000,2,bogus,1,1,0,,,",          //  rule 1
        "1|1.200000,2,recv,2,3,0,1,1:7,5",      //  no send (3), 3 <= 5 (4)
        "0|2.000000,1,stop,0,0,0,,,",
        "1|2.000000,2,stop,2,3,0,,,",
        NULL
    };
    lc_check_t *check = s_feed (metas, 2, rows);
    static const size_t expected [LC_RULES + 1] = { 0, 1, 0, 1, 1, 0, 0 };
    s_expect (check, expected);
    lc_check_destroy (&check);
}

//  Rule 5: accounted for; crashed and restarted recipients are not failures
static void
test_rule5 (void **state)
{
    (void) state;
    lc_meta_t metas [3];
    s_metas (metas, 3);
    for (int i = 0; i < 3; i++)
        strcpy (metas [i].stop_reason, "signal");
    metas [2].restarts = 1;
    const char *rows [] = {
        "0|1.000000,1,start,0,0,0,2;3,,",
        "1|1.000000,2,start,0,0,0,1;3,,",
        "2|1.000000,3,start,0,0,0,1;2,,",
        "0|1.100000,1,send,1,1,0,2;3,1:1,1",    //  2 never gets it, and 1
                                                //  does not say so: rule 5
        "0|1.200000,1,send,2,2,0,3;7,1:2,2",    //  7 has no log: rule 5
        "2|1.300000,3,start,0,0,0,1;2,,",       //  3 restarted
        "0|2.000000,1,unacked,2,2,0,3,1:1,1",   //  undelivered to 3, which
        "0|2.000000,1,unacked,2,2,0,3,1:2,2",   //  crashed: accounted for
        "0|2.000000,1,stop,2,2,0,,,",
        "1|2.000000,2,stop,0,0,0,,,",
        "2|2.000000,3,stop,0,0,0,,,",
        NULL
    };
    lc_check_t *check = s_feed (metas, 3, rows);
    static const size_t expected [LC_RULES + 1] = { 0, 0, 0, 0, 0, 2, 0 };
    s_expect (check, expected);
    assert_int_equal (lc_check_undelivered (check, 2), 2);
    assert_int_equal (lc_check_undelivered (check, 1), 0);
    assert_true (lc_check_crashed (check, 2));
    assert_false (lc_check_crashed (check, 1));
    lc_check_destroy (&check);
}

//  unacked rows: where they go, what they say, and that each message is
//  accounted for exactly: undelivered (with its cause) or acknowledged late
static void
test_unacked (void **state)
{
    (void) state;
    lc_meta_t metas [2];
    s_metas (metas, 2);
    strcpy (metas [0].stop_reason, "signal");
    strcpy (metas [1].stop_reason, "signal");
    const char *rows [] = {
        "0|1.000000,1,start,0,0,0,2,,",
        "1|1.000000,2,start,0,0,0,1,,",
        "0|1.100000,1,send,1,1,0,2,1:1,1",      //  never reaches 2: cut off
        "0|1.200000,1,send,2,2,0,2,1:2,2",      //  2 logs it, 1 never hears:
        "1|1.300000,2,recv,1,3,0,1,1:2,2",      //  a late acknowledgement
        "0|1.400000,1,send,3,3,0,2,1:3,3",      //  left unread, acknowledged
        "1|1.500000,2,stop,1,3,1,,,",           //  late too, after 1's row
        "0|2.000000,1,unread,3,3,1,2,2:9,9",    //  unread of a message 2
                                                //  never sent: rule 3
        "0|2.000000,1,unacked,3,3,1,2,1:1,1",
        "0|2.000000,1,unacked,3,3,1,2,1:2,2",
        "0|2.000000,1,unacked,3,3,1,2,1:3,3",
        "0|2.000000,1,unacked,3,3,1,2,1:8,8",   //  never sent: rule 3
        "0|2.000000,1,stop,3,3,1,,,",
        NULL
    };
    //  Machine 2's unread row for 1:3 comes right before its stop
    const char *fixed [16];
    size_t n = 0;
    for (size_t i = 0; rows [i]; i++) {
        if (strstr (rows [i], "2,stop,1,3,1"))
            fixed [n++] = "1|1.500000,2,unread,1,3,1,1,1:3,3";
        fixed [n++] = rows [i];
    }
    fixed [n] = NULL;
    lc_check_t *check = s_feed (metas, 2, fixed);
    static const size_t expected [LC_RULES + 1] = { 0, 0, 0, 2, 0, 0, 0 };
    s_expect (check, expected);
    assert_int_equal (lc_check_cut_off (check, 1), 1);          //  1:1
    assert_int_equal (lc_check_undelivered (check, 1), 0);
    assert_int_equal (lc_check_late_acks (check, 1), 2);        //  1:2, 1:3
    lc_check_destroy (&check);

    //  Their place: after the unread rows, right before stop, with its
    //  queue; a wrong clock; the summary's count
    const char *shape [] = {
        "0|1.000000,1,start,0,0,0,2,,",
        "1|1.000000,2,start,0,0,0,1,,",
        "0|1.100000,1,send,1,1,0,2,1:1,1",
        "0|1.200000,1,send,2,2,0,2,1:2,2",
        "0|2.000000,1,unacked,2,2,0,2,1:1,5",   //  clock 5, sent with 1
        "0|2.000000,1,internal,3,3,0,,,",       //  after unacked: rule 1
        "0|2.000000,1,unacked,3,3,1,2,1:2,2",   //  queue 1 ...
        "0|2.000000,1,stop,3,3,0,,,",           //  ... stop says 0: rule 1
        "1|2.000000,2,stop,0,0,0,,,",
        NULL
    };
    check = s_feed (metas, 2, shape);
    //  (the stop's queue below the unacked rows' is also a queue that fell)
    static const size_t shape_expected [LC_RULES + 1] = { 0, 3, 0, 1, 0, 0, 0 };
    s_expect (check, shape_expected);
    lc_check_destroy (&check);
    metas [0].unacked = 1;
    check = s_feed_as_is (metas, 2, shape);
    assert_int_equal (lc_check_rule_failures (check, 5), 1);
    lc_check_destroy (&check);
}

//  Rule 6: floor(rate x duration) ticks when stopped on duration
//  A sender that crashed: a message it sent in its last second may have
//  died in its ZeroMQ queue (lost with it, not a failure); one sent
//  earlier that never arrived is still a rule 5 failure.
static void
test_sender_crash (void **state)
{
    (void) state;
    lc_meta_t metas [2];
    s_metas (metas, 2);
    strcpy (metas [0].stop_reason, "signal");
    metas [1].stop_reason [0] = 0;                  //  machine 2 crashed
    const char *rows [] = {
        "0|1.000000,1,start,0,0,0,2,,",
        "1|1.000000,2,start,0,0,0,1,,",
        "1|1.500000,2,send,1,1,0,1,2:1,1",          //  held by 2 when it
        "0|2.000000,1,internal,1,1,0,,,",           //  crashed for good: lost
        "1|3.500000,2,send,2,2,0,1,2:2,2",          //  with it, however long
        "1|4.000000,2,internal,3,3,0,,,",           //  before the crash
        "0|5.000000,1,stop,1,1,0,,,",
        NULL
    };
    lc_check_t *check = s_feed (metas, 2, rows);
    static const size_t none [LC_RULES + 1] = { 0 };
    s_expect (check, none);
    assert_int_equal (lc_check_lost_sent (check, 1), 2);
    assert_int_equal (lc_check_lost_sent (check, 0), 0);
    lc_check_destroy (&check);

    //  A sender that crashed and resumed, then stopped, holds nothing:
    //  what it never delivered is its unacked rows, else a failure
    const char *resumed [] = {
        "0|1.000000,1,start,0,0,0,2,,",
        "1|1.000000,2,start,0,0,0,1,,",
        "1|1.500000,2,send,1,1,0,1,2:1,1",
        "1|3.500000,2,start,1,1,0,1,,",
        "1|4.000000,2,stop,1,1,0,,,",
        "0|5.000000,1,stop,0,0,0,,,",
        NULL
    };
    metas [1].restarts = 1;
    strcpy (metas [1].stop_reason, "signal");
    check = s_feed (metas, 2, resumed);
    static const size_t one [LC_RULES + 1] = { 0, 0, 0, 0, 0, 1, 0 };
    s_expect (check, one);
    assert_non_null (strstr (lc_check_failure (check, 0)->text, "2:1"));
    lc_check_destroy (&check);
}

static void
test_rule6 (void **state)
{
    (void) state;
    lc_meta_t metas [1];
    s_metas (metas, 1);
    metas [0].rate = 3;
    metas [0].duration = 1.5;               //  floor(4.5) = 4 ticks due
    const char *rows [] = {
        "0|1.000000,1,start,0,0,0,,,",
        "0|1.333333,1,internal,1,1,0,,,",
        "0|1.666667,1,internal,2,2,0,,,",
        "0|2.000000,1,internal,3,3,0,,,",
        "0|3.000000,1,stop,3,3,0,,,",
        NULL
    };
    lc_check_t *check = s_feed (metas, 1, rows);
    static const size_t expected [LC_RULES + 1] = { 0, 0, 0, 0, 0, 0, 1 };
    s_expect (check, expected);
    assert_non_null (strstr (lc_check_failure (check, 0)->text, "3 ticks"));
    lc_check_destroy (&check);

    //  The same log stopped by a signal is fine
    strcpy (metas [0].stop_reason, "signal");
    check = s_feed (metas, 1, rows);
    static const size_t none [LC_RULES + 1] = { 0 };
    s_expect (check, none);
    lc_check_destroy (&check);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_clean),
        cmocka_unit_test (test_rule_names),
        cmocka_unit_test (test_rule1),
        cmocka_unit_test (test_rule1_unread),
        cmocka_unit_test (test_rule1_queue),
        cmocka_unit_test (test_summary),
        cmocka_unit_test (test_resume_after_unread),
        cmocka_unit_test (test_rule2),
        cmocka_unit_test (test_send_carries_its_clock),
        cmocka_unit_test (test_rule3),
        cmocka_unit_test (test_rule4),
        cmocka_unit_test (test_rule4_unmatched),
        cmocka_unit_test (test_rule5),
        cmocka_unit_test (test_unacked),
        cmocka_unit_test (test_rule6),
        cmocka_unit_test (test_sender_crash),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
