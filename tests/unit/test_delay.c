/*  test_delay.c - the simulator's delay models: the text read and written
    back, the draws (range, mean, never 0), and which draws use the RNG.
*/
#include "lc_delay.h"

#include <stdarg.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

static void
test_parse (void **state)
{
    (void) state;
    static const struct {
        const char *text;       //  as given
        lc_delay_kind_t kind;   //  read as
        double a, b;
        const char *canonical;  //  written back
    } good [] = {
        { "0.1",                LC_DELAY_FIXED,   0.1,   0,    "0.1" },
        { "2",                  LC_DELAY_FIXED,   2,     0,    "2" },
        { ".5",                 LC_DELAY_FIXED,   0.5,   0,    "0.5" },
        { "1e-3",               LC_DELAY_FIXED,   0.001, 0,    "0.001" },
        { "uniform:0.05-0.2",   LC_DELAY_UNIFORM, 0.05,  0.2,  "uniform:0.05-0.2" },
        { "uniform:1e-3-2e-3",  LC_DELAY_UNIFORM, 0.001, 0.002, "uniform:0.001-0.002" },
        { "uniform:3-3",        LC_DELAY_UNIFORM, 3,     3,    "uniform:3-3" },
        { "exp:0.25",           LC_DELAY_EXP,     0.25,  0,    "exp:0.25" },
        { "exp:1e9",            LC_DELAY_EXP,     1e9,   0,    "exp:1e+09" },
    };
    for (size_t i = 0; i < sizeof good / sizeof good [0]; i++) {
        lc_delay_t delay;
        assert_int_equal (lc_delay_parse (good [i].text, &delay), 0);
        assert_int_equal (delay.kind, good [i].kind);
        assert_true (delay.a == good [i].a);
        if (delay.kind == LC_DELAY_UNIFORM)
            assert_true (delay.b == good [i].b);
        char text [LC_DELAY_TEXT_MAX];
        lc_delay_format (&delay, text, sizeof text);
        assert_string_equal (text, good [i].canonical);
        lc_delay_t again;
        assert_int_equal (lc_delay_parse (text, &again), 0);
        assert_int_equal (again.kind, delay.kind);
        assert_true (again.a == delay.a && again.b == delay.b);
    }
    static const char *bad [] = {
        "", "0", "-1", "+1", "1x", "inf", "nan", "0x10", "1e10", "exp:", "exp:0",
        "exp:-1", "uniform:", "uniform:1", "uniform:2-1", "uniform:0-1", "uniform:1-",
        "uniform:-1-2", "gauss:1", "fixed:1", " 1", "1 ", "uniform:1-2-3"
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad [0]; i++) {
        lc_delay_t delay;
        if (lc_delay_parse (bad [i], &delay) == 0)
            fail_msg ("'%s' was read as a delay model", bad [i]);
    }
}

//  A fixed delay draws nothing: the network stream is untouched
static void
test_fixed (void **state)
{
    (void) state;
    lc_delay_t delay;
    assert_int_equal (lc_delay_parse ("0.1", &delay), 0);
    lc_rng_t rng, before;
    lc_rng_seed (&rng, 5, 0);
    before = rng;
    for (int i = 0; i < 10; i++)
        assert_int_equal (lc_delay_draw_ns (&delay, &rng), 100000);
    assert_memory_equal (&rng, &before, sizeof rng);
    //  Rounded to whole ns, and never 0
    assert_int_equal (lc_delay_parse ("0.0000004", &delay), 0);
    assert_int_equal (lc_delay_draw_ns (&delay, &rng), 1);
    assert_int_equal (lc_delay_parse ("0.0000016", &delay), 0);
    assert_int_equal (lc_delay_draw_ns (&delay, &rng), 2);
}

//  Uniform draws stay in [A, B] and spread over it; exponential draws have
//  their mean and are never 0. The seed is fixed: the figures are exact
//  for it, the bounds are there to say what is expected.
static void
test_draws (void **state)
{
    (void) state;
    const int draws = 100000;
    lc_delay_t delay;
    lc_rng_t rng;
    lc_rng_seed (&rng, 1234, 0);
    assert_int_equal (lc_delay_parse ("uniform:0.05-0.2", &delay), 0);
    int64_t low = INT64_MAX, high = 0;
    double sum = 0;
    for (int i = 0; i < draws; i++) {
        int64_t ns = lc_delay_draw_ns (&delay, &rng);
        assert_true (ns >= 50000 && ns <= 200000);
        low = ns < low ? ns : low;
        high = ns > high ? ns : high;
        sum += (double) ns;
    }
    assert_true (low < 50100 && high > 199900);
    assert_true (sum / draws > 124000 && sum / draws < 126000);

    assert_int_equal (lc_delay_parse ("exp:0.1", &delay), 0);
    sum = 0;
    int below_mean = 0;
    for (int i = 0; i < draws; i++) {
        int64_t ns = lc_delay_draw_ns (&delay, &rng);
        assert_true (ns >= 1);
        sum += (double) ns;
        below_mean += ns < 100000;
    }
    assert_true (sum / draws > 99000 && sum / draws < 101000);
    //  P(X < mean) = 1 - 1/e = 0.632
    assert_true (below_mean > 62200 && below_mean < 64200);

    //  A mean far below a nanosecond still gives at least 1 ns
    assert_int_equal (lc_delay_parse ("exp:1e-9", &delay), 0);
    for (int i = 0; i < 1000; i++)
        assert_true (lc_delay_draw_ns (&delay, &rng) >= 1);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_parse),
        cmocka_unit_test (test_fixed),
        cmocka_unit_test (test_draws),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
