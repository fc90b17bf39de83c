/*  test_runinfo.c - run.json: round trip of every key, the strict reader
    (each key missing, each key of a wrong type or out of range is an error
    that names the file and the key), shell quoting of the command.
*/
#include "lc_runinfo.h"

#include <stdarg.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "tmp.h"

#define S_KEYS  17              //  keys of run.json

static const char *s_keys [S_KEYS] = {
    "label", "launcher", "machines", "rate", "rates", "roll", "p_internal",
    "speed", "duration", "seed", "hosts", "command", "lclock_version",
    "curve", "simulated", "delay", "created"
};

//  A value of the wrong type for each key (by position in s_keys)
static const char *s_wrong [S_KEYS] = {
    "3", "\"ssh\"", "\"3\"", "\"0-2\"", "[1, 2]", "0", "\"x\"",
    "0", "-1", "-5", "\"lab1\"", "null", "1", "\"yes\"", "0", "7", "1.5"
};

static lc_runinfo_t *
s_sample (void)
{
    lc_runinfo_t *self = lc_runinfo_new ();
    lc_runinfo_set_label (self, "slow-one");
    self->launcher = LC_LAUNCHER_STUDY;
    self->machines = 3;
    self->rate_min = 1;
    self->rate_max = 6;
    uint32_t rates [] = { 1, 6, 6 };
    lc_runinfo_set_rates (self, rates, 3);
    self->roll = 5;
    self->speed = 12.5;
    self->duration = 60;
    self->has_seed = true;
    self->seed = 9223372036854775807ull;
    lc_runinfo_add_host (self, "lab1");
    lc_runinfo_add_host (self, "lab2");
    lc_runinfo_set_command (self, "launch/run3.sh --label 'a b'");
    self->curve = true;
    self->created = 1764090123;
    return self;
}

static char *
s_tmpdir (void)
{
    char path [LC_TEST_PATH_MAX];
    char *dir = strdup (lc_test_tmp_path (path, sizeof path, "lc_test_runinfo"));
    assert_non_null (mkdtemp (dir));
    return dir;
}

static void
s_rmdir (char *dir)
{
    char path [4096];
    snprintf (path, sizeof path, "%s/run.json", dir);
    unlink (path);
    rmdir (dir);
    free (dir);
}

static void
test_round_trip (void **state)
{
    (void) state;
    char *dir = s_tmpdir ();
    lc_runinfo_t *written = s_sample ();
    assert_int_equal (lc_runinfo_save (written, dir, "test"), 0);
    lc_runinfo_t *read = NULL;
    assert_int_equal (lc_runinfo_load (dir, "test", &read), 0);
    assert_non_null (read);
    assert_string_equal (read->label, "slow-one");
    assert_int_equal (read->launcher, LC_LAUNCHER_STUDY);
    assert_int_equal (read->machines, 3);
    assert_int_equal (read->rate_min, 1);
    assert_int_equal (read->rate_max, 6);
    assert_non_null (read->rates);
    assert_int_equal (read->rates [0], 1);
    assert_int_equal (read->rates [2], 6);
    assert_int_equal (read->roll, 5);
    assert_true (read->speed == 12.5);
    assert_true (read->duration == 60);
    assert_true (read->has_seed);
    assert_true (read->seed == 9223372036854775807ull);
    assert_int_equal (read->host_count, 2);
    assert_string_equal (read->hosts [1], "lab2");
    assert_string_equal (read->command, "launch/run3.sh --label 'a b'");
    assert_string_equal (read->version, LCLOCK_VERSION);
    assert_true (read->curve);
    assert_false (read->simulated);
    assert_null (read->delay);
    assert_int_equal (read->created, 1764090123);

    //  p_internal and the seed as written: exact, an integer
    json_t *object = lc_runinfo_json (written);
    assert_true (json_real_value (json_object_get (object, "p_internal")) == 0.4);
    assert_true (json_is_integer (json_object_get (object, "seed")));
    assert_int_equal (json_object_size (object), S_KEYS);
    for (size_t i = 0; i < S_KEYS; i++)
        assert_non_null (json_object_get (object, s_keys [i]));
    json_decref (object);
    lc_runinfo_destroy (&read);

    //  Simulated, no label, no seed, no rates: nulls come back as such
    written->simulated = true;
    lc_runinfo_set_delay (written, "exp:5");
    lc_runinfo_set_label (written, NULL);
    lc_runinfo_set_rates (written, NULL, 0);
    written->has_seed = false;
    assert_int_equal (lc_runinfo_save (written, dir, "test"), 0);
    assert_int_equal (lc_runinfo_load (dir, "test", &read), 0);
    assert_true (read->simulated);
    assert_string_equal (read->delay, "exp:5");
    assert_null (read->label);
    assert_null (read->rates);
    assert_false (read->has_seed);
    lc_runinfo_destroy (&read);
    lc_runinfo_destroy (&read);
    lc_runinfo_destroy (&written);
    s_rmdir (dir);
}

static void
test_absent (void **state)
{
    (void) state;
    char *dir = s_tmpdir ();
    lc_runinfo_t *read = NULL;
    assert_int_equal (lc_runinfo_load (dir, "test", &read), 1);
    assert_null (read);
    s_rmdir (dir);
}

//  Reads object through the strict reader with stderr captured; returns
//  the record (NULL on error) and the error line in line
static lc_runinfo_t *
s_read_captured (json_t *object, char *line, size_t size)
{
    fflush (stderr);
    FILE *capture = lc_test_tmp_file ();
    assert_non_null (capture);
    int saved = dup (2);
    dup2 (fileno (capture), 2);
    lc_runinfo_t *read = lc_runinfo_from_json (object, "x/run.json", "test");
    fflush (stderr);
    dup2 (saved, 2);
    close (saved);
    rewind (capture);
    line [0] = 0;
    if (!fgets (line, (int) size, capture))
        line [0] = 0;
    fclose (capture);
    return read;
}

static void
test_strict_reader (void **state)
{
    (void) state;
    lc_runinfo_t *sample = s_sample ();
    char line [512], want [128];
    for (size_t i = 0; i < S_KEYS; i++) {
        //  missing
        json_t *object = lc_runinfo_json (sample);
        json_object_del (object, s_keys [i]);
        lc_runinfo_t *read = s_read_captured (object, line, sizeof line);
        assert_null (read);
        snprintf (want, sizeof want, "test: x/run.json: %s: missing", s_keys [i]);
        if (strncmp (line, want, strlen (want)) != 0)
            fail_msg ("key %s missing: said '%s'", s_keys [i], line);
        json_decref (object);
        //  wrong type or out of range
        object = lc_runinfo_json (sample);
        json_object_set_new (object, s_keys [i], json_loads (s_wrong [i],
                             JSON_DECODE_ANY, NULL));
        read = s_read_captured (object, line, sizeof line);
        if (read)
            fail_msg ("key %s = %s was taken", s_keys [i], s_wrong [i]);
        snprintf (want, sizeof want, "test: x/run.json: %s: ", s_keys [i]);
        if (strncmp (line, want, strlen (want)) != 0)
            fail_msg ("key %s = %s: said '%s'", s_keys [i], s_wrong [i], line);
        json_decref (object);
    }
    //  The sample itself reads back; an unknown key is left alone
    json_t *object = lc_runinfo_json (sample);
    json_object_set_new (object, "future_key", json_true ());
    lc_runinfo_t *read = s_read_captured (object, line, sizeof line);
    assert_non_null (read);
    lc_runinfo_destroy (&read);
    json_decref (object);
    //  Not an object
    object = json_array ();
    assert_null (s_read_captured (object, line, sizeof line));
    json_decref (object);
    lc_runinfo_destroy (&sample);
}

static void
test_helpers (void **state)
{
    (void) state;
    assert_true (lc_runinfo_p_internal (10) == 0.7);
    assert_true (lc_runinfo_p_internal (4) == 0.25);
    assert_true (lc_runinfo_p_internal (3) == 0);
    assert_true (lc_runinfo_p_internal (1) == 0);
    char *words [] = { "run3.sh", "--label", "it's", "", "a b", "x=1,2" };
    char *joined = lc_runinfo_shell_join (6, words);
    assert_string_equal (joined, "run3.sh --label 'it'\\''s' '' 'a b' x=1,2");
    free (joined);
    assert_true (lc_runinfo_label_ok ("narrow-rates_3.4"));
    assert_false (lc_runinfo_label_ok (""));
    assert_false (lc_runinfo_label_ok ("-x"));
    assert_false (lc_runinfo_label_ok (".."));
    assert_false (lc_runinfo_label_ok ("a/b"));
    assert_false (lc_runinfo_label_ok ("a b"));
    assert_int_equal (lc_runinfo_launcher_parse ("runlan"), LC_LAUNCHER_RUNLAN);
    assert_int_equal (lc_runinfo_launcher_parse ("ssh"), -1);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_round_trip),
        cmocka_unit_test (test_absent),
        cmocka_unit_test (test_strict_reader),
        cmocka_unit_test (test_helpers),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
