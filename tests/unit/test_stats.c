/*  test_stats.c - the figures of the clean fixture, worked out by hand.

    tests/fixtures/clean is three machines over two model seconds (see
    docs/analysis.md, "The clean fixture"). Every figure below was computed
    on paper from its nine tick rows and then asserted exactly.
*/
#include "lc_analyze.h"
#include "lc_stats.h"

#include <stdarg.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define S_EPSILON   1e-9

static lc_run_t s_run;

static int
s_setup (void **state)
{
    (void) state;
    const char *fixtures = getenv ("LC_FIXTURES");
    assert_non_null (fixtures);
    char dir [4096];
    snprintf (dir, sizeof dir, "%s/clean", fixtures);
    assert_int_equal (lc_analyze_run (dir, 0, 5, NULL, &s_run), 0);
    return 0;
}

static int
s_teardown (void **state)
{
    (void) state;
    lc_analyze_free (&s_run);
    return 0;
}

static void
test_checks_hold (void **state)
{
    (void) state;
    assert_int_equal (s_run.count, 3);
    assert_int_equal (lc_check_failures (s_run.check), 0);
}

static void
test_counts (void **state)
{
    (void) state;
    const lc_figures_t *m1 = lc_stats_machine (s_run.stats, 0);
    const lc_figures_t *m2 = lc_stats_machine (s_run.stats, 1);
    const lc_figures_t *run = lc_stats_run (s_run.stats);
    assert_int_equal (m1->machine, 1);
    assert_int_equal (m1->rate, 2);
    assert_int_equal (m1->ticks, 4);
    assert_int_equal (m2->ticks, 2);
    assert_int_equal (run->ticks, 10);
    assert_int_equal (run->rows, 17);
    assert_int_equal (m1->events [LC_EV_SEND], 2);
    assert_int_equal (m2->events [LC_EV_UNREAD], 1);
    assert_int_equal (run->events [LC_EV_RECV], 3);
    assert_int_equal (run->events [LC_EV_INTERNAL], 3);
    assert_int_equal (m1->final_clock, 5);
    assert_int_equal (run->final_clock, 5);
}

static void
test_jumps (void **state)
{
    (void) state;
    //  m1: 1 1 2 1   m2: 1 4   m3: 2 1 1 1
    const lc_figures_t *m1 = lc_stats_machine (s_run.stats, 0);
    const lc_figures_t *m2 = lc_stats_machine (s_run.stats, 1);
    const lc_figures_t *run = lc_stats_run (s_run.stats);
    assert_int_equal (m1->jumps.count, 4);
    assert_int_equal (m1->jumps.min, 1);
    assert_int_equal (m1->jumps.max, 2);
    assert_float_equal (m1->jumps.mean, 1.25, S_EPSILON);
    assert_int_equal (m1->jumps.mode, 1);
    assert_int_equal (m1->jumps.bins [1], 3);
    assert_int_equal (m1->jumps.bins [2], 1);
    assert_float_equal (m2->jumps.mean, 2.5, S_EPSILON);
    assert_int_equal (m2->jumps.mode, 1);          //  tie 1 vs 4: smallest
    assert_int_equal (m2->jumps.max, 4);
    assert_int_equal (run->jumps.count, 10);
    assert_int_equal (run->jumps.bins [1], 7);
    assert_int_equal (run->jumps.bins [2], 2);
    assert_int_equal (run->jumps.bins [3], 0);
    assert_int_equal (run->jumps.bins [4], 1);
    assert_float_equal (run->jumps.mean, 1.5, S_EPSILON);
    assert_int_equal (run->jumps.min, 1);
    assert_int_equal (run->jumps.max, 4);
    assert_int_equal (run->jumps.mode, 1);
}

static void
test_queue (void **state)
{
    (void) state;
    //  m2: queue 0 from 1000.000 to 1002.003, then 1 until 1003.000
    const lc_figures_t *m1 = lc_stats_machine (s_run.stats, 0);
    const lc_figures_t *m2 = lc_stats_machine (s_run.stats, 1);
    const lc_figures_t *run = lc_stats_run (s_run.stats);
    assert_float_equal (m2->queue.mean, 0.997 / 3.0, S_EPSILON);
    assert_int_equal (m2->queue.max, 1);
    assert_int_equal (m2->queue.final, 1);
    //  tick rows (x, queue): (1.0, 0), (2.003, 1)
    assert_float_equal (m2->queue.growth, 1 / 1.003, S_EPSILON);
    assert_float_equal (m1->queue.mean, 0, S_EPSILON);
    assert_float_equal (m1->queue.growth, 0, S_EPSILON);
    assert_float_equal (run->queue.mean, 0.997 / 9.0, S_EPSILON);
    assert_int_equal (run->queue.max, 1);
    assert_int_equal (run->queue.final, 1);
}

static void
test_drift (void **state)
{
    (void) state;
    //  m2 at 1001.000: fastest clock 2 (m1's internal, same time, lower
    //  id), m2's 1 -> lag 1; at 1002.003 both 5 -> lag 0
    const lc_figures_t *m1 = lc_stats_machine (s_run.stats, 0);
    const lc_figures_t *m2 = lc_stats_machine (s_run.stats, 1);
    const lc_figures_t *m3 = lc_stats_machine (s_run.stats, 2);
    const lc_figures_t *run = lc_stats_run (s_run.stats);
    assert_float_equal (m2->drift.mean, 0.5, S_EPSILON);
    assert_int_equal (m2->drift.max, 1);
    assert_float_equal (m2->drift.growth, -1 / 1.003, S_EPSILON);
    assert_float_equal (m1->drift.mean, 0, S_EPSILON);
    assert_int_equal (m1->drift.max, 0);
    assert_int_equal (m3->drift.max, 0);
    assert_float_equal (run->drift.mean, 0.1, S_EPSILON);     //  1 over 10 tick rows
    assert_int_equal (run->drift.max, 1);
}

static void
test_age_and_late (void **state)
{
    (void) state;
    //  1:1 -> m3 0.2 ms, 3:1 -> m1 500 ms, 3:2 -> m2 503 ms; 1:2 unread
    const lc_figures_t *m1 = lc_stats_machine (s_run.stats, 0);
    const lc_figures_t *m2 = lc_stats_machine (s_run.stats, 1);
    const lc_figures_t *m3 = lc_stats_machine (s_run.stats, 2);
    const lc_figures_t *run = lc_stats_run (s_run.stats);
    assert_int_equal (m1->age.count, 1);
    assert_float_equal (m1->age.median_ms, 500, S_EPSILON);
    assert_float_equal (m3->age.max_ms, 0.2, S_EPSILON);
    assert_int_equal (run->age.count, 3);
    assert_float_equal (run->age.median_ms, 500, S_EPSILON);
    assert_float_equal (run->age.p99_ms, 503, S_EPSILON);
    assert_float_equal (run->age.max_ms, 503, S_EPSILON);
    //  m2's tick 2 was due at 1002.000 and ran at 1002.003
    assert_int_equal (m2->late_ticks, 1);
    assert_float_equal (m2->max_lateness_ms, 3, S_EPSILON);
    assert_int_equal (m3->late_ticks, 0);
    assert_float_equal (m3->max_lateness_ms, 0.2, S_EPSILON);
    assert_int_equal (run->late_ticks, 1);
}

static void
test_window (void **state)
{
    (void) state;
    size_t events, arrows;
    bool truncated;
    lc_stats_window_events (s_run.stats, &events, &truncated);
    lc_stats_window_arrows (s_run.stats, &arrows);
    assert_int_equal (events, 17);
    assert_int_equal (arrows, 3);
    assert_false (truncated);
}

//  Pure use without files: percentiles by nearest rank, jumps overflow
static void
test_pure (void **state)
{
    (void) state;
    lc_meta_t metas [2] = { { .id = 1, .rate = 1, .speed = 1, .duration = 10 },
                            { .id = 2, .rate = 1, .speed = 1, .duration = 10 } };
    lc_stats_t *stats = lc_stats_new (metas, 2, 0, 1);
    assert_non_null (stats);
    const char *rows [] = {
        "0.000000,1,start,0,0,0,2,,",
        "1.000000,1,internal,1,5000,0,,,",
        NULL
    };
    for (size_t i = 0; rows [i]; i++) {
        lc_row_t row;
        const char *error;
        assert_int_equal (lc_row_parse (rows [i], strlen (rows [i]), &row, &error), 0);
        lc_stats_row (stats, 0, &row);
    }
    for (int age = 1; age <= 100; age++)
        lc_stats_message (stats, 1, 0, 0, age * 1000);
    lc_stats_finish (stats);
    const lc_figures_t *m1 = lc_stats_machine (stats, 0);
    assert_int_equal (m1->jumps.overflow, 1);
    assert_int_equal (m1->jumps.mode, LC_JUMP_BINS);
    const lc_figures_t *m2 = lc_stats_machine (stats, 1);
    assert_float_equal (m2->age.median_ms, 50, S_EPSILON);
    assert_float_equal (m2->age.p99_ms, 99, S_EPSILON);
    assert_float_equal (m2->age.max_ms, 100, S_EPSILON);
    lc_stats_destroy (&stats);
    assert_null (stats);
}

static int
s_compare_int (const void *a, const void *b)
{
    int x = *(const int *) a, y = *(const int *) b;
    return x < y ? -1 : x > y;
}

//  Median and p99 by selection equal nearest rank on the sorted ages,
//  for many sizes and many duplicates
static void
test_percentiles (void **state)
{
    (void) state;
    lc_meta_t metas [2] = { { .id = 1, .rate = 1, .speed = 1, .duration = 10 },
                            { .id = 2, .rate = 1, .speed = 1, .duration = 10 } };
    uint64_t rng = 88172645463325252ull;
    static int ages [1000];
    for (size_t n = 1; n <= 1000; n++) {
        lc_stats_t *stats = lc_stats_new (metas, 2, 0, 1);
        assert_non_null (stats);
        int spread = n % 3 == 0 ? 5 : 100000;      //  few or many distinct
        for (size_t i = 0; i < n; i++) {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            ages [i] = (int) (rng % (uint64_t) spread);
            lc_stats_message (stats, 0, 1, 0, ages [i]);
        }
        lc_stats_finish (stats);
        qsort (ages, n, sizeof ages [0], s_compare_int);
        const lc_figures_t *m1 = lc_stats_machine (stats, 0);
        size_t median = (n + 1) / 2;                //  ceil (n / 2)
        size_t p99 = (99 * n + 99) / 100;           //  ceil (0.99 n)
        assert_int_equal (m1->age.count, n);
        assert_float_equal (m1->age.median_ms, ages [median - 1] / 1000.0, S_EPSILON);
        assert_float_equal (m1->age.p99_ms, ages [p99 - 1] / 1000.0, S_EPSILON);
        assert_float_equal (m1->age.max_ms, ages [n - 1] / 1000.0, S_EPSILON);
        assert_float_equal (lc_stats_run (stats)->age.median_ms,
                            ages [median - 1] / 1000.0, S_EPSILON);
        lc_stats_destroy (&stats);
    }
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_checks_hold),
        cmocka_unit_test (test_counts),
        cmocka_unit_test (test_jumps),
        cmocka_unit_test (test_queue),
        cmocka_unit_test (test_drift),
        cmocka_unit_test (test_age_and_late),
        cmocka_unit_test (test_window),
        cmocka_unit_test (test_pure),
        cmocka_unit_test (test_percentiles),
    };
    return cmocka_run_group_tests (tests, s_setup, s_teardown);
}
