/*  test_study.c - the study file: defaults, a condition's keys over the
    study's, rate against rates, --quick, and errors that name the file,
    the condition and the key.
*/
#include "lc_study.h"

#include <stdarg.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "tmp.h"

//  Writes text to a temporary file and loads it; the error line (if any)
//  goes to error
static lc_study_t *
s_load (const char *text, char *error, size_t size)
{
    char path [LC_TEST_PATH_MAX];
    int fd = mkstemp (lc_test_tmp_path (path, sizeof path, "lc_test_study"));
    assert_true (fd >= 0);
    assert_int_equal (write (fd, text, strlen (text)), (ssize_t) strlen (text));
    close (fd);
    fflush (stderr);
    FILE *capture = lc_test_tmp_file ();
    assert_non_null (capture);
    int saved = dup (2);
    dup2 (fileno (capture), 2);
    lc_study_t *study = lc_study_load (path, "test");
    fflush (stderr);
    dup2 (saved, 2);
    close (saved);
    rewind (capture);
    if (!fgets (error, (int) size, capture))
        error [0] = 0;
    fclose (capture);
    unlink (path);
    //  The path varies: keep what follows it
    char *after = strstr (error, path);
    if (after)
        memmove (error, after + strlen (path), strlen (after + strlen (path)) + 1);
    return study;
}

static void
test_layers (void **state)
{
    (void) state;
    char error [512];
    lc_study_t *study = s_load (
        "study\n"
        "    name = s1\n"
        "    trials = 4\n"
        "    seed = 10\n"
        "    speed = 10\n"
        "    rates = 1,6,6\n"
        "    condition = fixed\n"
        "    condition = drawn\n"
        "        rate = 3-4\n"
        "        machines = 5\n"
        "        trials = 2\n"
        "    condition = mine\n"
        "        rates = 2,3\n"
        "        roll = 4\n"
        "        duration = 30\n", error, sizeof error);
    assert_non_null (study);
    assert_string_equal (study->name, "s1");
    assert_true (study->seed == 10);
    assert_int_equal (study->condition_count, 3);
    const lc_condition_t *fixed = &study->conditions [0];
    assert_string_equal (fixed->name, "fixed");
    assert_int_equal (fixed->machines, 3);
    assert_non_null (fixed->rates);
    assert_int_equal (fixed->rates [0], 1);
    assert_int_equal (fixed->rate_min, 1);
    assert_int_equal (fixed->rate_max, 6);
    assert_int_equal (fixed->roll, LC_DEFAULT_ROLL);
    assert_true (fixed->duration == LC_DEFAULT_DURATION);
    assert_true (fixed->speed == 10);
    assert_int_equal (fixed->trials, 4);
    //  the condition's rate wins over the study's rates
    const lc_condition_t *drawn = &study->conditions [1];
    assert_null (drawn->rates);
    assert_int_equal (drawn->rate_min, 3);
    assert_int_equal (drawn->rate_max, 4);
    assert_int_equal (drawn->machines, 5);
    assert_int_equal (drawn->trials, 2);
    const lc_condition_t *mine = &study->conditions [2];
    assert_int_equal (mine->machines, 2);
    assert_int_equal (mine->roll, 4);
    assert_true (mine->duration == 30);
    //  wall time: 4 x 60 / 10 + 2 x 60 / 10 + 4 x 30 / 10
    assert_true (lc_study_wall_seconds (study) == 24 + 12 + 12);
    lc_study_quick (study);
    assert_true (study->conditions [0].duration == LC_QUICK_DURATION);
    assert_true (lc_study_wall_seconds (study) == (4 + 2 + 4) * 0.5);
    lc_study_destroy (&study);
    lc_study_destroy (&study);
}

static void
test_errors (void **state)
{
    (void) state;
    static const struct {
        const char *text;       //  the file
        const char *said;       //  what follows "test: FILE: "
    } cases [] = {
        { "study\n    condition = a\n",
          ": name is missing; add 'name = NAME' (the study's folder is studies/NAME)\n" },
        { "study\n    name = x\n",
          ": study: no condition sections; add one 'condition = NAME' section per condition\n" },
        { "study\n    name = x\n    condition = a\n        rates = 1,2\n        machines = 3\n",
          ": condition a: 2 rates for 3 machines; give one rate per machine\n" },
        { "study\n    name = x\n    condition = a\n        rate = 2\n        rates = 1,2\n",
          ": condition a: rates: rate and rates both given; give one (rates fixes each machine's rate)\n" },
        { "study\n    name = x\n    condition = a\n    condition = a\n",
          ": condition a: appears twice; conditions name folders and must differ\n" },
        { "study\n    name = x\n    condition = a/b\n",
          ": condition: expected a name of 1 to 64 letters, digits, '.', '_' or '-' (not first '.' or '-'), got 'a/b'\n" },
        { "study\n    name = x\n    condition = a\n        speed = 0\n",
          ": condition a: speed: expected a number from 1e-06 to 1e+06, got '0'\n" },
        { "study\n    name = x\n    condition = a\n        trials = 0\n",
          ": condition a: trials: expected a whole number from 1 to 1000, got '0'\n" },
        { "study\n    name = x\n    condition = a\n        seed = 3\n",
          ": condition a: unknown key 'seed' (expected rate, rates, roll, machines, duration, speed or trials)\n" },
        { "study\n    name = x\n    seed = 9223372036854775807\n    trials = 2\n    condition = a\n",
          ": condition a: seed + trials - 1 is above 9223372036854775807; choose a smaller seed\n" },
        { "cluster\n",
          ": unknown section 'cluster'; the file holds one 'study' section\n" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases [0]; i++) {
        char error [512];
        lc_study_t *study = s_load (cases [i].text, error, sizeof error);
        if (study || strcmp (error, cases [i].said) != 0)
            fail_msg ("case %zu: said '%s', expected '%s'", i, error, cases [i].said);
    }
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_layers),
        cmocka_unit_test (test_errors),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
