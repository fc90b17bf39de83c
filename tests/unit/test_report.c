/*  test_report.c - ShiViz export, summary.json and report.md of the clean
    fixture.

    The ShiViz test rebuilds happens-before from the export's own lines
    (program order per host plus send -> recv by message id), closes it
    transitively, and asserts that for every pair of events e, f:
    VC(e) < VC(f) exactly when e happens before f.
*/
#include "lc_analyze.h"
#include "lc_report.h"

#include <stdarg.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "tmp.h"

#define S_EVENTS_MAX    64      //  events of the fixture, with room
#define S_HOSTS_MAX     8       //  hosts of the fixture, with room
#define S_LINE_MAX      512     //  bytes of one ShiViz line

typedef struct {
    int host;                   //  machine id
    uint64_t vector [S_HOSTS_MAX];  //  vector clock, by machine id
    char kind [16];             //  start, send, ...
    char msg [32];              //  SENDER:SEQ or ""
    char peers [64];            //  "m1,m3" after to/from, or ""
} s_event_t;

static void
s_analyze (const char *name, FILE *shiviz, lc_run_t *run)
{
    const char *fixtures = getenv ("LC_FIXTURES");
    assert_non_null (fixtures);
    char dir [4096];
    snprintf (dir, sizeof dir, "%s/%s", fixtures, name);
    assert_int_equal (lc_analyze_run (dir, 0, 5, shiviz, run), 0);
}

//  "m3 {"m1":2,"m3":2} recv 1:1 from m1 lamport=2 ..." -> event
static void
s_parse_event (const char *line, s_event_t *event)
{
    memset (event, 0, sizeof *event);
    assert_int_equal (sscanf (line, "m%d ", &event->host), 1);
    const char *open = strchr (line, '{'), *close = strchr (line, '}');
    assert_non_null (open);
    assert_non_null (close);
    const char *p = open + 1;
    while (p < close) {
        int host, used;
        unsigned long long value;
        assert_int_equal (sscanf (p, "\"m%d\":%llu%n", &host, &value, &used), 2);
        assert_true (host > 0 && host < S_HOSTS_MAX);
        event->vector [host] = value;
        p += used;
        if (*p == ',')
            p++;
    }
    char word [16];
    int n = sscanf (close + 2, "%15s %31s %15s %63s", event->kind, event->msg, word,
                    event->peers);
    assert_true (n >= 1);
    if (strchr (event->msg, '=') || n < 4) {
        event->msg [0] = 0;
        event->peers [0] = 0;
    }
}

static bool
s_vc_before (const s_event_t *a, const s_event_t *b)
{
    bool less = false;
    for (int h = 0; h < S_HOSTS_MAX; h++) {
        if (a->vector [h] > b->vector [h])
            return false;
        if (a->vector [h] < b->vector [h])
            less = true;
    }
    return less;
}

//  True if the send in a went to b's host
static bool
s_message_edge (const s_event_t *a, const s_event_t *b)
{
    if (strcmp (a->kind, "send") || strcmp (b->kind, "recv") || strcmp (a->msg, b->msg))
        return false;
    char host [16];
    snprintf (host, sizeof host, "m%d", b->host);
    char peers [64];
    snprintf (peers, sizeof peers, "%s", a->peers);
    for (char *tok = strtok (peers, ","); tok; tok = strtok (NULL, ","))
        if (strcmp (tok, host) == 0)
            return true;
    return false;
}

static void
test_shiviz (void **state)
{
    (void) state;
    FILE *file = lc_test_tmp_file ();
    assert_non_null (file);
    lc_run_t run;
    s_analyze ("clean", file, &run);
    lc_analyze_free (&run);
    rewind (file);

    char line [S_LINE_MAX];
    assert_non_null (fgets (line, sizeof line, file));
    assert_string_equal (line, "(?<host>\\S+) (?<clock>\\{[^}]*\\}) (?<event>.*)\n");
    //  ShiViz's upload (its js/shiviz.js) takes line 2 as the delimiter of
    //  multiple executions: it must be empty, the log starts on line 3
    assert_non_null (fgets (line, sizeof line, file));
    assert_string_equal (line, "\n");
    static s_event_t events [S_EVENTS_MAX];
    size_t count = 0;
    while (fgets (line, sizeof line, file)) {
        assert_true (count < S_EVENTS_MAX);
        s_parse_event (line, &events [count]);
        //  lamport= and queue= are on every line
        assert_non_null (strstr (line, " lamport="));
        assert_non_null (strstr (line, " queue="));
        count++;
    }
    fclose (file);
    assert_int_equal (count, 17);

    //  ShiViz's own rules (js/model/vectorTimestamp.js, modelGraph.js):
    //  each event carries its host's entry; a host's entries are 1, 2, ...
    //  in its order; an entry for another host names one of that host's
    //  events
    uint64_t seen [S_HOSTS_MAX] = { 0 };
    for (size_t i = 0; i < count; i++)
        assert_int_equal (events [i].vector [events [i].host], ++seen [events [i].host]);
    for (size_t i = 0; i < count; i++)
        for (int h = 0; h < S_HOSTS_MAX; h++)
            assert_true (events [i].vector [h] <= seen [h]);

    //  Hand-checked lines: m1's recv of 3:1 and m2's recv of 3:2
    bool seen_m1 = false, seen_m2 = false;
    for (size_t i = 0; i < count; i++) {
        s_event_t *e = &events [i];
        if (e->host == 1 && strcmp (e->kind, "recv") == 0) {
            assert_int_equal (e->vector [1], 4);
            assert_int_equal (e->vector [2], 0);
            assert_int_equal (e->vector [3], 3);
            seen_m1 = true;
        }
        if (e->host == 2 && strcmp (e->kind, "recv") == 0) {
            assert_int_equal (e->vector [1], 2);
            assert_int_equal (e->vector [2], 3);
            assert_int_equal (e->vector [3], 4);
            seen_m2 = true;
        }
    }
    assert_true (seen_m1 && seen_m2);

    //  happens-before from program order and messages, closed
    static bool before [S_EVENTS_MAX][S_EVENTS_MAX];
    memset (before, 0, sizeof before);
    for (size_t i = 0; i < count; i++)
        for (size_t j = i + 1; j < count; j++) {
            if (events [i].host == events [j].host)
                before [i][j] = true;
            if (s_message_edge (&events [i], &events [j]))
                before [i][j] = true;
        }
    for (size_t k = 0; k < count; k++)
        for (size_t i = 0; i < count; i++)
            for (size_t j = 0; j < count; j++)
                if (before [i][k] && before [k][j])
                    before [i][j] = true;
    for (size_t i = 0; i < count; i++)
        for (size_t j = 0; j < count; j++)
            if (i != j && before [i][j] != s_vc_before (&events [i], &events [j]))
                fail_msg ("events %zu and %zu: happens-before %d, vector clocks say %d",
                          i, j, before [i][j], s_vc_before (&events [i], &events [j]));
}

//  path like "totals.jumps.mean" or "machines.1.queue.mean"
static json_t *
s_get (json_t *root, const char *path)
{
    char copy [256];
    snprintf (copy, sizeof copy, "%s", path);
    json_t *node = root;
    for (char *key = strtok (copy, "."); key; key = strtok (NULL, ".")) {
        if (json_is_array (node))
            node = json_array_get (node, (size_t) atoi (key));
        else
            node = json_object_get (node, key);
        if (!node)
            fail_msg ("summary.json has no %s", path);
    }
    return node;
}

static double
s_number (json_t *root, const char *path)
{
    json_t *node = s_get (root, path);
    assert_true (json_is_number (node));
    return json_number_value (node);
}

//  Every key docs/analysis.md lists under "summary.json keys"; FIGURES
//  are checked under machines.0 and totals
static const char *s_documented [] = {
    "version", "run.dir", "run.machines", "run.rows", "run.speed",
    "run.duration", "run.roll", "run.seed", "run.run_id", "run.start_time",
    "run.end_time", "run.start_spread_ms", "run.window.from", "run.window.to",
    "checks.ok", "checks.failures", "checks.rules.5.rule", "checks.rules.5.name",
    "checks.rules.5.ok", "checks.rules.5.failures", "checks.listed",
    "checks.truncated", "machines.0.machine", "machines.0.rate",
    "machines.0.stop_reason", "machines.0.restarts", "machines.0.crashed",
    "machines.0.undelivered", "machines.0.lost_with_crash",
    "machines.0.reported.sent", "machines.0.reported.send_failed",
    "machines.0.reported.rejected", "machines.0.reported.bad_connections",
    "machines.0.reported.untrusted", "totals.undelivered", "plots.drawn",
    "plots.note", "plots.files", "shiviz", NULL
};
static const char *s_figures [] = {
    "rows", "ticks", "final_clock", "events.start", "events.send",
    "events.recv", "events.internal", "events.unread", "events.stop",
    "jumps.count", "jumps.min", "jumps.mean", "jumps.max", "jumps.mode",
    "jumps.overflow", "jumps.histogram.0.size", "jumps.histogram.0.count",
    "queue.mean", "queue.max", "queue.final", "queue.growth_per_s",
    "drift.mean", "drift.max", "drift.growth_per_s", "message_age_ms.count",
    "message_age_ms.median", "message_age_ms.p99", "message_age_ms.max",
    "late_ticks.count", "late_ticks.max_lateness_ms", "late_ticks.share",
    "late_ticks.period_ms", "jumps.share_one", NULL
};

static void
test_documented_keys (void **state)
{
    (void) state;
    lc_run_t run;
    s_analyze ("clean", NULL, &run);
    json_t *root = lc_report_summary (&run);
    assert_non_null (root);
    for (size_t i = 0; s_documented [i]; i++)
        s_get (root, s_documented [i]);
    char path [128];
    for (size_t i = 0; s_figures [i]; i++) {
        snprintf (path, sizeof path, "machines.0.%s", s_figures [i]);
        assert_true (json_is_number (s_get (root, path)));
        snprintf (path, sizeof path, "totals.%s", s_figures [i]);
        assert_true (json_is_number (s_get (root, path)));
    }
    json_decref (root);
    lc_analyze_free (&run);
}

static void
test_summary (void **state)
{
    (void) state;
    lc_run_t run;
    s_analyze ("clean", NULL, &run);
    json_t *root = lc_report_summary (&run);
    assert_non_null (root);
    assert_true (json_is_true (json_object_get (json_object_get (root, "checks"), "ok")));
    assert_float_equal (s_number (root, "run.machines"), 3, 0);
    assert_float_equal (s_number (root, "run.rows"), 17, 0);
    assert_float_equal (s_number (root, "run.duration"), 2, 0);
    assert_float_equal (s_number (root, "checks.failures"), 0, 0);
    assert_float_equal (s_number (root, "checks.rules.5.failures"), 0, 0);
    assert_float_equal (s_number (root, "totals.jumps.mean"), 1.5, 0);
    assert_float_equal (s_number (root, "totals.jumps.histogram.2.size"), 4, 0);
    assert_float_equal (s_number (root, "machines.1.queue.mean"), 0.332333, 0);
    assert_float_equal (s_number (root, "machines.1.queue.growth_per_s"), 0.997009, 0);
    assert_float_equal (s_number (root, "machines.1.drift.growth_per_s"), -0.997009, 0);
    assert_float_equal (s_number (root, "machines.1.late_ticks.count"), 1, 0);
    assert_float_equal (s_number (root, "machines.1.late_ticks.max_lateness_ms"), 3, 0);
    assert_float_equal (s_number (root, "totals.message_age_ms.median"), 500, 0);
    assert_float_equal (s_number (root, "machines.2.events.recv"), 1, 0);
    assert_float_equal (s_number (root, "machines.1.jumps.share_one"), 0.5, 0);
    assert_float_equal (s_number (root, "totals.jumps.share_one"), 0.7, 0);
    //  m2 (rate 1) did 2 ticks, one 3 ms late: its period is 1000 ms
    assert_float_equal (s_number (root, "machines.1.late_ticks.share"), 0.5, 0);
    assert_float_equal (s_number (root, "machines.1.late_ticks.period_ms"), 1000, 0);
    assert_float_equal (s_number (root, "totals.late_ticks.period_ms"), 500, 0);
    assert_true (json_is_false (s_get (root, "totals.late_ticks.reached_period")));
    assert_float_equal (s_number (root, "machines.0.undelivered"), 0, 0);
    json_decref (root);

    //  report.md names each check and the figures
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    assert_non_null (out);
    lc_result_t *result = lc_report_result (&run);
    assert_int_equal (lc_report_markdown (result, out), 0);
    lc_result_destroy (&result);
    fclose (out);
    assert_non_null (strstr (text, "## Checks: all hold"));
    assert_non_null (strstr (text, "| 6 | tick count | ok | 0 |"));
    assert_non_null (strstr (text, "| seed | 42 |"));
    assert_non_null (strstr (text, "| 2 | 1 | 42 | duration | 0 | no | 0 | 0 | 0 | 0 | 0 | 0 |"));
    assert_non_null (strstr (text, "| 2 | 1 | 2 | 5 | 1 / 2.500 / 4 / 1 / 0.500 | 0.332 / 1 / 1 / 0.997"));
    //  per-machine jump sizes: m2 jumped 1 and 4
    assert_non_null (strstr (text, "| jump | m1 (rate 2) | m2 (rate 1) | m3 (rate 2) | run |"));
    assert_non_null (strstr (text, "| 4 | 0 | 1 | 0 | 1 |"));
    free (text);
    lc_analyze_free (&run);
}

static void
test_crashed (void **state)
{
    (void) state;
    lc_run_t run;
    s_analyze ("crashed", NULL, &run);
    json_t *root = lc_report_summary (&run);
    assert_float_equal (s_number (root, "checks.failures"), 0, 0);
    assert_float_equal (s_number (root, "machines.1.undelivered"), 1, 0);
    assert_float_equal (s_number (root, "machines.2.undelivered"), 1, 0);
    assert_float_equal (s_number (root, "totals.undelivered"), 2, 0);
    assert_true (json_is_true (json_object_get (
        json_array_get (json_object_get (root, "machines"), 2), "crashed")));
    json_decref (root);
    lc_analyze_free (&run);
}

//  summary.json read back (lc_result_from_json) and written again is the
//  same JSON, for a clean run and a crashed one; the reader is strict
static void
test_result_round_trip (void **state)
{
    (void) state;
    const char *fixtures [] = { "clean", "crashed", "break3" };
    for (size_t f = 0; f < sizeof fixtures / sizeof fixtures [0]; f++) {
        lc_run_t run;
        s_analyze (fixtures [f], NULL, &run);
        json_t *written = lc_report_summary (&run);
        lc_result_t *read = lc_result_from_json (written, "summary.json", "test");
        assert_non_null (read);
        json_t *again = lc_result_json (read);
        if (!json_equal (written, again)) {
            char *a = json_dumps (written, JSON_SORT_KEYS), *b = json_dumps (again, JSON_SORT_KEYS);
            fail_msg ("%s: round trip differs:\n%s\n%s", fixtures [f], a, b);
        }
        json_decref (again);
        lc_result_destroy (&read);
        lc_result_destroy (&read);
        //  A machine's seed absent (a summary written before it): the run's
        json_object_del (s_get (written, "machines.0"), "seed");
        read = lc_result_from_json (written, "summary.json", "test");
        assert_non_null (read);
        assert_true (read->machines [0].seed == read->seed);
        lc_result_destroy (&read);
        //  One key missing deep inside: unreadable
        json_t *jumps = s_get (written, "machines.1.jumps");
        json_object_del (jumps, "share_one");
        fflush (stderr);
        assert_null (lc_result_from_json (written, "summary.json", "test"));
        json_decref (written);
        lc_analyze_free (&run);
    }
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_shiviz),
        cmocka_unit_test (test_summary),
        cmocka_unit_test (test_documented_keys),
        cmocka_unit_test (test_crashed),
        cmocka_unit_test (test_result_round_trip),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
