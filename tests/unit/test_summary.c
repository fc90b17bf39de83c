/*  test_summary.c - machine-ID.json: every key round trips exactly (64-bit
    integers included), and a missing, wrong-typed or out-of-range key is an
    error naming the file and the key.
*/
#include "lc_summary.h"

#include <dirent.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>
#include <cmocka.h>
#include "tmp.h"

//  Every key set, the counters above 2^32
static void
s_full (lc_summary_t *summary)
{
    memset (summary, 0, sizeof *summary);
    summary->machine = 65535;
    strcpy (summary->version, "9.8.7");
    summary->run_id = 0xfedcba9876543210ULL;
    summary->rate = 1000000;
    summary->speed = 0.1;
    summary->duration = 1e9;
    summary->roll = 1000000;
    summary->seed = (uint64_t) INT64_MAX;
    strcpy (summary->bind, "tcp://[::1]:5551");
    summary->peer_count = 2;
    summary->peers = calloc (2, sizeof *summary->peers);
    assert_non_null (summary->peers);
    summary->peers [0].id = 1;
    strcpy (summary->peers [0].endpoint, "tcp://127.0.0.1:5551");
    summary->peers [1].id = 65534;
    strcpy (summary->peers [1].endpoint, "ipc:///tmp/a \"quoted\" \\ path");
    summary->curve = true;
    summary->started = true;
    summary->start_us = 1764090123456789LL;
    summary->stop_reason = LC_STOP_START_TIMEOUT;
    summary->stop_us = 1764090184000001LL;
    summary->restarts = 4294967296ULL + 1;
    summary->ticks = 4294967296ULL + 2;
    summary->late_ticks = 4294967296ULL + 3;
    summary->max_lateness_ms = 12345.678;
    summary->sent = 4294967296ULL + 4;
    summary->send_failed = 4294967296ULL + 5;
    summary->received = 4294967296ULL + 6;
    summary->unread = 4294967296ULL + 7;
    summary->unacked = 4294967296ULL + 8;
    summary->retransmitted = 4294967296ULL + 9;
    summary->duplicates = 4294967296ULL + 10;
    summary->rejected = 4294967296ULL + 11;
    summary->bad_connections = 4294967296ULL + 12;
    summary->untrusted = (uint64_t) INT64_MAX;
    summary->final_clock = 4611686018427387927ULL;
}

typedef struct {
    char dir [64];              //  a fresh temporary folder
    char path [128];            //  dir/machine-1.json
} s_files_t;

static int
s_setup (void **state)
{
    s_files_t *files = calloc (1, sizeof *files);
    if (!mkdtemp (lc_test_tmp_path (files->dir, sizeof files->dir, "lc_summary")))
        return -1;
    snprintf (files->path, sizeof files->path, "%s/machine-1.json", files->dir);
    *state = files;
    return 0;
}

static int
s_teardown (void **state)
{
    s_files_t *files = *state;
    char command [128];
    snprintf (command, sizeof command, "rm -rf '%s'", files->dir);
    int rc = system (command);
    free (files);
    return rc;
}

static void
s_assert_equal (const lc_summary_t *a, const lc_summary_t *b)
{
    assert_int_equal (a->machine, b->machine);
    assert_string_equal (a->version, b->version);
    assert_true (a->run_id == b->run_id);
    assert_int_equal (a->rate, b->rate);
    assert_true (a->speed == b->speed);
    assert_true (a->duration == b->duration);
    assert_int_equal (a->roll, b->roll);
    assert_true (a->seed == b->seed);
    assert_string_equal (a->bind, b->bind);
    assert_int_equal (a->peer_count, b->peer_count);
    for (size_t i = 0; i < a->peer_count; i++) {
        assert_int_equal (a->peers [i].id, b->peers [i].id);
        assert_string_equal (a->peers [i].endpoint, b->peers [i].endpoint);
    }
    assert_int_equal (a->curve, b->curve);
    assert_int_equal (a->started, b->started);
    assert_true (a->start_us == b->start_us);
    assert_int_equal (a->stop_reason, b->stop_reason);
    assert_true (a->stop_us == b->stop_us);
    const uint64_t *counts_a [] = {
        &a->restarts, &a->ticks, &a->late_ticks, &a->sent, &a->send_failed,
        &a->received, &a->unread, &a->unacked, &a->retransmitted, &a->duplicates,
        &a->rejected, &a->bad_connections, &a->untrusted, &a->final_clock };
    const uint64_t *counts_b [] = {
        &b->restarts, &b->ticks, &b->late_ticks, &b->sent, &b->send_failed,
        &b->received, &b->unread, &b->unacked, &b->retransmitted, &b->duplicates,
        &b->rejected, &b->bad_connections, &b->untrusted, &b->final_clock };
    for (size_t i = 0; i < sizeof counts_a / sizeof counts_a [0]; i++)
        assert_true (*counts_a [i] == *counts_b [i]);
    assert_true (a->max_lateness_ms == b->max_lateness_ms);
}

static void
test_round_trip (void **state)
{
    s_files_t *files = *state;
    lc_summary_t written, read;
    s_full (&written);
    char error [LC_SUMMARY_ERROR_MAX];
    assert_int_equal (lc_summary_write (&written, files->path, error, sizeof error), 0);
    assert_int_equal (lc_summary_read (&read, files->path, error, sizeof error), 0);
    s_assert_equal (&written, &read);
    lc_summary_reset (&read);

    //  The text itself: exact integers, where a 32-bit cut would show
    FILE *file = fopen (files->path, "r");
    char text [4096];
    size_t length = fread (text, 1, sizeof text - 1, file);
    text [length] = 0;
    fclose (file);
    assert_non_null (strstr (text, "\"final_clock\": 4611686018427387927\n"));
    assert_non_null (strstr (text, "\"seed\": 9223372036854775807,"));
    assert_non_null (strstr (text, "\"speed\": 0.1,"));
    assert_non_null (strstr (text, "\"start_time\": 1764090123.456789,"));
    assert_non_null (strstr (text, "\"run_id\": \"fedcba9876543210\","));
    assert_non_null (strstr (text, "\"unacked\": 4294967304,"));
    //  No temporary file left behind
    char tmp [160];
    snprintf (tmp, sizeof tmp, "%s.tmp", files->path);
    assert_int_equal (access (tmp, F_OK), -1);

    //  A summary written at start: nulls, no peers, zero counters
    lc_summary_reset (&written);
    written.machine = 1;
    strcpy (written.version, "0.1.0");
    written.rate = 1;
    written.speed = 1;
    written.duration = 60;
    written.roll = 1;
    strcpy (written.bind, "tcp://*:1");
    assert_int_equal (lc_summary_write (&written, files->path, error, sizeof error), 0);
    assert_int_equal (lc_summary_read (&read, files->path, error, sizeof error), 0);
    s_assert_equal (&written, &read);
    assert_int_equal (read.stop_reason, LC_STOP_NONE);
    assert_false (read.started);
    lc_summary_reset (&read);
}

//  Writes the full summary with key replaced by value (JSON text), or
//  removed when value is NULL, then reads it: the error must name the file
//  and the key
static void
s_expect_error (s_files_t *files, const char *key, const char *value)
{
    lc_summary_t summary;
    s_full (&summary);
    char error [LC_SUMMARY_ERROR_MAX];
    assert_int_equal (lc_summary_write (&summary, files->path, error, sizeof error), 0);
    lc_summary_reset (&summary);
    json_error_t json_error;
    json_t *root = json_load_file (files->path, 0, &json_error);
    assert_non_null (root);
    if (value) {
        json_t *replacement = json_loads (value, JSON_DECODE_ANY, &json_error);
        assert_non_null (replacement);
        json_object_set_new (root, key, replacement);
    }
    else
        json_object_del (root, key);
    assert_int_equal (json_dump_file (root, files->path, 0), 0);
    json_decref (root);

    error [0] = 0;
    int rc = lc_summary_read (&summary, files->path, error, sizeof error);
    if (rc != -1 || !strstr (error, files->path)) {
        print_error ("key %s = %s: rc %d, error '%s'\n", key, value ? value : "(none)",
                     rc, error);
        fail ();
    }
    char quoted [64];
    snprintf (quoted, sizeof quoted, "'%s'", key);
    if (!strstr (error, quoted)) {
        print_error ("key %s = %s: error does not name the key: '%s'\n", key,
                     value ? value : "(none)", error);
        fail ();
    }
    //  A failed read leaves nothing to free
    assert_null (summary.peers);
}

static const char *s_keys [] = {
    "machine", "version", "run_id", "rate", "speed", "duration", "roll", "seed",
    "bind", "peers", "curve", "start_time", "stop_time", "stop_reason",
    "restarts", "ticks", "late_ticks", "max_lateness_ms", "sent", "send_failed",
    "received", "unread", "unacked", "retransmitted", "duplicates", "rejected",
    "bad_connections", "untrusted", "final_clock"
};

static void
test_missing_key (void **state)
{
    for (size_t i = 0; i < sizeof s_keys / sizeof s_keys [0]; i++)
        s_expect_error (*state, s_keys [i], NULL);
}

static void
test_wrong_type (void **state)
{
    //  An object is no key's type
    for (size_t i = 0; i < sizeof s_keys / sizeof s_keys [0]; i++)
        s_expect_error (*state, s_keys [i], "{}");
    //  A string where a number goes, a number where a string goes
    s_expect_error (*state, "rate", "\"4\"");
    s_expect_error (*state, "final_clock", "1.5");
    s_expect_error (*state, "speed", "\"1\"");
    s_expect_error (*state, "bind", "5551");
    s_expect_error (*state, "curve", "1");
    s_expect_error (*state, "stop_reason", "3");
    s_expect_error (*state, "peers", "[1, 2]");
    s_expect_error (*state, "peers", "[{\"id\": \"1\", \"endpoint\": \"tcp://a:1\"}]");
}

static void
test_out_of_range (void **state)
{
    s_expect_error (*state, "machine", "0");
    s_expect_error (*state, "machine", "65536");
    s_expect_error (*state, "rate", "0");
    s_expect_error (*state, "rate", "1000001");
    s_expect_error (*state, "roll", "0");
    s_expect_error (*state, "seed", "-1");
    s_expect_error (*state, "sent", "-1");
    s_expect_error (*state, "speed", "0");
    s_expect_error (*state, "speed", "1e308");
    s_expect_error (*state, "duration", "0");
    s_expect_error (*state, "duration", "-5");
    s_expect_error (*state, "run_id", "\"fixture-clean\"");
    s_expect_error (*state, "run_id", "\"FEDCBA9876543210\"");
    s_expect_error (*state, "version", "\"\"");
    s_expect_error (*state, "stop_reason", "\"crashed\"");
    //  stop_time and stop_reason are null together
    s_expect_error (*state, "stop_reason", "null");
    s_expect_error (*state, "start_time", "-1");
    s_expect_error (*state, "max_lateness_ms", "-0.5");
    //  peers ascend, have ids in range and endpoints
    s_expect_error (*state, "peers", "[{\"id\": 2, \"endpoint\": \"a\"},"
                                     " {\"id\": 1, \"endpoint\": \"b\"}]");
    s_expect_error (*state, "peers", "[{\"id\": 0, \"endpoint\": \"a\"}]");
    s_expect_error (*state, "peers", "[{\"id\": 1}]");
}

static void
test_not_a_summary (void **state)
{
    s_files_t *files = *state;
    lc_summary_t summary;
    char error [LC_SUMMARY_ERROR_MAX];
    //  Missing file
    assert_int_equal (lc_summary_read (&summary, files->path, error, sizeof error), -1);
    assert_non_null (strstr (error, files->path));
    //  Not JSON, and not an object
    const char *texts [] = { "", "{", "[]", "{\"machine\": 1, \"machine\": 2}" };
    for (size_t i = 0; i < sizeof texts / sizeof texts [0]; i++) {
        FILE *file = fopen (files->path, "w");
        fputs (texts [i], file);
        fclose (file);
        assert_int_equal (lc_summary_read (&summary, files->path, error, sizeof error), -1);
        assert_non_null (strstr (error, files->path));
    }
    //  A FIFO is refused at once (never waits for a writer), a folder too
    unlink (files->path);
    assert_int_equal (mkfifo (files->path, 0600), 0);
    assert_int_equal (lc_summary_read (&summary, files->path, error, sizeof error), -1);
    assert_non_null (strstr (error, "not a regular file"));
    unlink (files->path);
    assert_int_equal (mkdir (files->path, 0700), 0);
    assert_int_equal (lc_summary_read (&summary, files->path, error, sizeof error), -1);
    assert_non_null (strstr (error, files->path));
    rmdir (files->path);
}

//  How many entries dir holds, . and .. aside
static int
s_entries (const char *dir)
{
    DIR *handle = opendir (dir);
    assert_non_null (handle);
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir (handle)))
        if (strcmp (entry->d_name, ".") && strcmp (entry->d_name, ".."))
            count++;
    closedir (handle);
    return count;
}

static void
test_stale_temporary (void **state)
{
    s_files_t *files = *state;
    lc_summary_t summary;
    s_full (&summary);
    char error [LC_SUMMARY_ERROR_MAX];
    //  A stale machine-1.json.tmp, here a link to another file, left by an
    //  earlier writer: it is neither written through nor renamed into place
    char other [160], tmp [160];
    snprintf (other, sizeof other, "%s/other", files->dir);
    snprintf (tmp, sizeof tmp, "%s.tmp", files->path);
    FILE *file = fopen (other, "w");
    assert_non_null (file);
    fputs ("keep me\n", file);
    assert_int_equal (fclose (file), 0);
    assert_int_equal (symlink (other, tmp), 0);
    assert_int_equal (lc_summary_write (&summary, files->path, error, sizeof error), 0);
    struct stat info;
    assert_int_equal (lstat (files->path, &info), 0);
    assert_true (S_ISREG (info.st_mode));
    assert_int_equal (lstat (tmp, &info), 0);
    assert_true (S_ISLNK (info.st_mode));
    assert_int_equal (stat (other, &info), 0);
    assert_int_equal (info.st_size, strlen ("keep me\n"));
    lc_summary_t read;
    assert_int_equal (lc_summary_read (&read, files->path, error, sizeof error), 0);
    s_assert_equal (&summary, &read);
    //  Nothing else was left beside them
    assert_int_equal (s_entries (files->dir), 3);
    lc_summary_reset (&read);
    lc_summary_reset (&summary);
}

static void
test_write_failure (void **state)
{
    s_files_t *files = *state;
    lc_summary_t summary;
    s_full (&summary);
    char error [LC_SUMMARY_ERROR_MAX];
    //  A folder in the way of the rename: the error names the file and
    //  no temporary file is left (the folder holds the folder alone)
    assert_int_equal (mkdir (files->path, 0700), 0);
    assert_int_equal (lc_summary_write (&summary, files->path, error, sizeof error), -1);
    assert_non_null (strstr (error, files->path));
    assert_int_equal (s_entries (files->dir), 1);
    rmdir (files->path);
    //  A folder that does not exist
    char path [160];
    snprintf (path, sizeof path, "%s/none/machine-1.json", files->dir);
    assert_int_equal (lc_summary_write (&summary, path, error, sizeof error), -1);
    assert_non_null (strstr (error, "none/machine-1.json"));
    lc_summary_reset (&summary);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_setup_teardown (test_round_trip, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_missing_key, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_wrong_type, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_out_of_range, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_not_a_summary, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_stale_temporary, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_write_failure, s_setup, s_teardown),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
