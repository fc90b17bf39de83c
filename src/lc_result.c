/*  lc_result.c - the result of one analyzed run as one value: the one
    writer and reader of summary.json.

    Keys (docs/analysis.md lists them with their meaning):

        version, run{dir, machines, rows, speed, duration, roll, seed,
        run_id, start_time, end_time, start_spread_ms, window{from, to}},
        checks{ok, failures, rules[{rule, name, ok, failures}],
        listed[{rule, machine, row, text}], truncated},
        machines[FIGURES + machine, rate, seed, stop_reason, restarts, crashed,
        undelivered, cut_off, late_acks, lost_with_crash, reported{sent,
        send_failed, unacked, retransmitted, duplicates, rejected,
        bad_connections, untrusted}], totals{FIGURES + undelivered},
        plots{drawn, note, files[]}, shiviz, requested (run.json or null)

        FIGURES: rows, ticks, final_clock, events{start, send, recv,
        internal, unread, unacked, stop}, jumps{count, min, mean, max,
        mode, share_one, histogram[{size, count}], overflow},
        queue{mean, max, final, growth_per_s}, drift{mean, max,
        growth_per_s}, message_age_ms{count, median, p99, max} (model ms),
        late_ticks{count, share, max_lateness_ms, period_ms,
        reached_period} (wall ms)

    Integers are JSON integers, exact to 2^63 - 1; reals are rounded to 6
    decimals, null when not finite. The reader is strict, as lc_json.h
    says: a key missing or mistyped is a file that cannot be trusted.
*/
#include "lc_result.h"
#include "lc_file.h"
#include "lc_json.h"
#include "lc_alloc.h"
#include "lc_check.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

//  A machine's seed not in its summary (above any seed, LC_SEED_MAX)
#define S_SEED_UNKNOWN      UINT64_MAX
#include <errno.h>

#define S_PATH_MAX      4096    //  bytes of a path we build
#define S_COUNT_MAX     ((uint64_t) INT64_MAX)  //  largest count we read
#define S_DUMP_FLAGS    (JSON_INDENT (2) | JSON_SORT_KEYS | JSON_REAL_PRECISION (16))

void
lc_result_destroy (lc_result_t **self_p)
{
    assert (self_p);
    lc_result_t *self = *self_p;
    if (!self)
        return;
    free (self->version);
    free (self->dir);
    free (self->run_id);
    for (size_t i = 0; self->listed && i < self->listed_count; i++)
        free (self->listed [i].text);
    free (self->listed);
    for (size_t i = 0; self->machines && i < self->count; i++)
        free (self->machines [i].stop_reason);
    free (self->machines);
    free (self->plots_note);
    for (size_t i = 0; self->plot_files && i < self->plot_file_count; i++)
        free (self->plot_files [i]);
    free (self->plot_files);
    free (self->shiviz);
    lc_runinfo_destroy (&self->requested);
    free (self);
    *self_p = NULL;
}

uint64_t
lc_result_clock_spread (const lc_result_t *self)
{
    if (self->count == 0)
        return 0;
    uint64_t low = self->machines [0].fig.final_clock, high = low;
    for (size_t i = 1; i < self->count; i++) {
        uint64_t clock = self->machines [i].fig.final_clock;
        low = clock < low ? clock : low;
        high = clock > high ? clock : high;
    }
    return high - low;
}

//  --------------------------------------------------------------------------
//  Writing

static json_t *
s_figures_json (const lc_figures_t *fig)
{
    json_t *events = json_object ();
    for (int k = 0; k < LC_EV_COUNT; k++)
        json_object_set_new (events, lc_event_name ((lc_event_t) k),
                             lc_json_uint (fig->events [k]));
    json_t *histogram = json_array ();
    for (uint64_t k = 0; k < LC_JUMP_BINS; k++)
        if (fig->jumps.bins [k])
            json_array_append_new (histogram, json_pack ("{s:o,s:o}",
                "size", lc_json_uint (k), "count", lc_json_uint (fig->jumps.bins [k])));
    return json_pack ("{s:o,s:o,s:o,s:o,"
                      "s:{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o},"
                      "s:{s:o,s:o,s:o,s:o},"
                      "s:{s:o,s:o,s:o},"
                      "s:{s:o,s:o,s:o,s:o},"
                      "s:{s:o,s:o,s:o,s:o,s:b}}",
        "rows", lc_json_uint (fig->rows),
        "ticks", lc_json_uint (fig->ticks),
        "events", events,
        "final_clock", lc_json_uint (fig->final_clock),
        "jumps",
            "count", lc_json_uint (fig->jumps.count),
            "min", lc_json_uint (fig->jumps.min),
            "mean", lc_json_round (fig->jumps.mean),
            "max", lc_json_uint (fig->jumps.max),
            "mode", lc_json_uint (fig->jumps.mode),
            "share_one", lc_json_round (fig->jumps.share_one),
            "histogram", histogram,
            "overflow", lc_json_uint (fig->jumps.overflow),
        "queue",
            "mean", lc_json_round (fig->queue.mean),
            "max", lc_json_uint (fig->queue.max),
            "final", lc_json_uint (fig->queue.final),
            "growth_per_s", lc_json_round (fig->queue.growth),
        "drift",
            "mean", lc_json_round (fig->drift.mean),
            "max", lc_json_uint (fig->drift.max),
            "growth_per_s", lc_json_round (fig->drift.growth),
        "message_age_ms",
            "count", lc_json_uint (fig->age.count),
            "median", lc_json_round (fig->age.median_ms),
            "p99", lc_json_round (fig->age.p99_ms),
            "max", lc_json_round (fig->age.max_ms),
        "late_ticks",
            "count", lc_json_uint (fig->late_ticks),
            "share", lc_json_round (fig->late_share),
            "max_lateness_ms", lc_json_round (fig->max_lateness_ms),
            "period_ms", lc_json_round (fig->period_ms),
            "reached_period", fig->late_reached_period);
}

static json_t *
s_checks_json (const lc_result_t *self)
{
    json_t *rules = json_array ();
    for (int rule = 1; rule <= LC_RULES; rule++)
        json_array_append_new (rules, json_pack ("{s:I,s:s,s:b,s:o}",
            "rule", (json_int_t) rule, "name", lc_check_rule_name (rule),
            "ok", self->rule_failures [rule - 1] == 0,
            "failures", lc_json_uint (self->rule_failures [rule - 1])));
    json_t *listed = json_array ();
    for (size_t i = 0; i < self->listed_count; i++) {
        const lc_result_failure_t *failure = &self->listed [i];
        json_array_append_new (listed, json_pack ("{s:I,s:o,s:o,s:s}",
            "rule", (json_int_t) failure->rule, "machine", lc_json_uint (failure->machine),
            "row", lc_json_uint (failure->row), "text", failure->text));
    }
    return json_pack ("{s:b,s:o,s:o,s:o,s:b}",
        "ok", self->checks_ok, "failures", lc_json_uint (self->failures),
        "rules", rules, "listed", listed, "truncated", self->truncated);
}

static json_t *
s_machine_json (const lc_result_machine_t *machine)
{
    json_t *object = s_figures_json (&machine->fig);
    json_object_set_new (object, "machine", lc_json_uint (machine->fig.machine));
    json_object_set_new (object, "rate", lc_json_uint (machine->fig.rate));
    json_object_set_new (object, "seed", lc_json_uint (machine->seed));
    json_object_set_new (object, "stop_reason", lc_json_text_or_null (machine->stop_reason));
    json_object_set_new (object, "restarts", lc_json_uint (machine->restarts));
    json_object_set_new (object, "crashed", json_boolean (machine->crashed));
    json_object_set_new (object, "undelivered", lc_json_uint (machine->undelivered));
    json_object_set_new (object, "cut_off", lc_json_uint (machine->cut_off));
    json_object_set_new (object, "late_acks", lc_json_uint (machine->late_acks));
    json_object_set_new (object, "lost_with_crash", lc_json_uint (machine->lost_with_crash));
    json_object_set_new (object, "reported", json_pack ("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
        "sent", lc_json_uint (machine->sent),
        "send_failed", lc_json_uint (machine->send_failed),
        "unacked", lc_json_uint (machine->unacked),
        "retransmitted", lc_json_uint (machine->retransmitted),
        "duplicates", lc_json_uint (machine->duplicates),
        "rejected", lc_json_uint (machine->rejected),
        "bad_connections", lc_json_uint (machine->bad_connections),
        "untrusted", lc_json_uint (machine->untrusted)));
    return object;
}

json_t *
lc_result_json (const lc_result_t *self)
{
    json_t *machines = json_array ();
    for (size_t i = 0; i < self->count; i++)
        json_array_append_new (machines, s_machine_json (&self->machines [i]));
    json_t *files = json_array ();
    for (size_t i = 0; i < self->plot_file_count; i++)
        json_array_append_new (files, json_string (self->plot_files [i]));
    json_t *totals = s_figures_json (&self->totals);
    json_object_set_new (totals, "undelivered", lc_json_uint (self->undelivered));
    return json_pack ("{s:s,s:{s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:s,s:o,s:o,s:o,s:{s:o,s:o}},"
                      "s:o,s:o,s:o,s:{s:b,s:o,s:o},s:o,s:o}",
        "version", self->version,
        "run",
            "dir", self->dir,
            "machines", lc_json_uint (self->count),
            "speed", lc_json_round (self->speed),
            "duration", lc_json_round (self->duration),
            "roll", lc_json_uint (self->roll),
            "seed", lc_json_uint (self->seed),
            "start_time", lc_json_round (self->start_time),
            "run_id", self->run_id,
            "end_time", lc_json_round (self->end_time),
            "rows", lc_json_uint (self->rows),
            "start_spread_ms", lc_json_round (self->start_spread_ms),
            "window",
                "from", lc_json_round (self->window_from),
                "to", lc_json_round (self->window_to),
        "checks", s_checks_json (self),
        "machines", machines,
        "totals", totals,
        "plots",
            "drawn", self->plots_drawn,
            "note", lc_json_text_or_null (self->plots_note),
            "files", files,
        "shiviz", lc_json_text_or_null (self->shiviz),
        "requested", self->requested ? lc_runinfo_json (self->requested) : json_null ());
}

int
lc_result_dump (json_t *json, const char *path)
{
    return lc_json_save (json, path, S_DUMP_FLAGS);
}

//  --------------------------------------------------------------------------
//  Reading

//  Descends into object.key: the reader's path grows by key while fn runs
typedef void (s_read_fn) (lc_json_reader_t *reader, json_t *object, void *arg);

static void
s_within (lc_json_reader_t *reader, json_t *parent, const char *key, s_read_fn *fn,
          void *arg)
{
    json_t *object = lc_json_get (reader, parent, key, JSON_OBJECT, false, "an object");
    if (!object)
        return;
    char saved [LC_JSON_PATH_MAX];
    snprintf (saved, sizeof saved, "%s", reader->path);
    if (snprintf (reader->path, sizeof reader->path, "%s%s%s", saved, *saved ? "." : "",
                  key) >= (int) sizeof reader->path)
        reader->path [sizeof reader->path - 1] = 0;     //  cut, still said
    fn (reader, object, arg);
    snprintf (reader->path, sizeof reader->path, "%s", saved);
}

static uint64_t
s_count (lc_json_reader_t *reader, json_t *object, const char *key)
{
    return lc_json_whole (reader, object, key, 0, S_COUNT_MAX);
}

static double
s_real (lc_json_reader_t *reader, json_t *object, const char *key)
{
    return lc_json_real (reader, object, key, -HUGE_VAL, HUGE_VAL, false, true);
}

static void
s_read_events (lc_json_reader_t *reader, json_t *object, void *arg)
{
    lc_figures_t *fig = arg;
    for (int k = 0; k < LC_EV_COUNT; k++)
        fig->events [k] = s_count (reader, object, lc_event_name ((lc_event_t) k));
}

static void
s_read_histogram (lc_json_reader_t *reader, json_t *object, lc_jumps_t *jumps)
{
    json_t *histogram = lc_json_get (reader, object, "histogram", JSON_ARRAY, false,
                                     "an array of {size, count}");
    size_t index;
    json_t *bin;
    json_array_foreach (histogram, index, bin) {
        json_t *size = json_object_get (bin, "size");
        json_t *count = json_object_get (bin, "count");
        if (!json_is_integer (size) || !json_is_integer (count)
        ||  json_integer_value (size) < 0 || json_integer_value (size) >= LC_JUMP_BINS
        ||  json_integer_value (count) < 0) {
            lc_json_fail (reader, "histogram", "{size, count} with sizes 0..1023", true);
            return;
        }
        jumps->bins [json_integer_value (size)] = (uint64_t) json_integer_value (count);
    }
}

static void
s_read_jumps (lc_json_reader_t *reader, json_t *object, void *arg)
{
    lc_jumps_t *jumps = arg;
    jumps->count = s_count (reader, object, "count");
    jumps->min = s_count (reader, object, "min");
    jumps->mean = s_real (reader, object, "mean");
    jumps->max = s_count (reader, object, "max");
    jumps->mode = s_count (reader, object, "mode");
    jumps->share_one = s_real (reader, object, "share_one");
    jumps->overflow = s_count (reader, object, "overflow");
    s_read_histogram (reader, object, jumps);
}

static void
s_read_queue (lc_json_reader_t *reader, json_t *object, void *arg)
{
    lc_queue_fig_t *queue = arg;
    queue->mean = s_real (reader, object, "mean");
    queue->max = s_count (reader, object, "max");
    queue->final = s_count (reader, object, "final");
    queue->growth = s_real (reader, object, "growth_per_s");
}

static void
s_read_drift (lc_json_reader_t *reader, json_t *object, void *arg)
{
    lc_drift_fig_t *drift = arg;
    drift->mean = s_real (reader, object, "mean");
    drift->max = s_count (reader, object, "max");
    drift->growth = s_real (reader, object, "growth_per_s");
}

static void
s_read_age (lc_json_reader_t *reader, json_t *object, void *arg)
{
    lc_age_fig_t *age = arg;
    age->count = s_count (reader, object, "count");
    age->median_ms = s_real (reader, object, "median");
    age->p99_ms = s_real (reader, object, "p99");
    age->max_ms = s_real (reader, object, "max");
}

static void
s_read_late (lc_json_reader_t *reader, json_t *object, void *arg)
{
    lc_figures_t *fig = arg;
    fig->late_ticks = s_count (reader, object, "count");
    fig->late_share = s_real (reader, object, "share");
    fig->max_lateness_ms = s_real (reader, object, "max_lateness_ms");
    fig->period_ms = s_real (reader, object, "period_ms");
    fig->late_reached_period = lc_json_bool (reader, object, "reached_period");
}

static void
s_read_figures (lc_json_reader_t *reader, json_t *object, lc_figures_t *fig)
{
    fig->rows = s_count (reader, object, "rows");
    fig->ticks = s_count (reader, object, "ticks");
    fig->final_clock = s_count (reader, object, "final_clock");
    s_within (reader, object, "events", s_read_events, fig);
    s_within (reader, object, "jumps", s_read_jumps, &fig->jumps);
    s_within (reader, object, "queue", s_read_queue, &fig->queue);
    s_within (reader, object, "drift", s_read_drift, &fig->drift);
    s_within (reader, object, "message_age_ms", s_read_age, &fig->age);
    s_within (reader, object, "late_ticks", s_read_late, fig);
}

static void
s_read_reported (lc_json_reader_t *reader, json_t *object, void *arg)
{
    lc_result_machine_t *machine = arg;
    machine->sent = s_count (reader, object, "sent");
    machine->send_failed = s_count (reader, object, "send_failed");
    machine->unacked = s_count (reader, object, "unacked");
    machine->retransmitted = s_count (reader, object, "retransmitted");
    machine->duplicates = s_count (reader, object, "duplicates");
    machine->rejected = s_count (reader, object, "rejected");
    machine->bad_connections = s_count (reader, object, "bad_connections");
    machine->untrusted = s_count (reader, object, "untrusted");
}

static void
s_read_machine (lc_json_reader_t *reader, json_t *object, lc_result_machine_t *machine)
{
    s_read_figures (reader, object, &machine->fig);
    machine->fig.machine = (uint32_t) lc_json_whole (reader, object, "machine",
                                                     LC_ID_MIN, LC_ID_MAX);
    machine->fig.rate = (uint32_t) lc_json_whole (reader, object, "rate", 0, LC_RATE_MAX);
    //  absent from summaries written before it: the run's seed, set after
    if (json_object_get (object, "seed"))
        machine->seed = lc_json_whole (reader, object, "seed", 0, LC_SEED_MAX);
    else
        machine->seed = S_SEED_UNKNOWN;
    machine->stop_reason = lc_json_text (reader, object, "stop_reason", true);
    machine->restarts = s_count (reader, object, "restarts");
    machine->crashed = lc_json_bool (reader, object, "crashed");
    machine->undelivered = s_count (reader, object, "undelivered");
    machine->cut_off = s_count (reader, object, "cut_off");
    machine->late_acks = s_count (reader, object, "late_acks");
    machine->lost_with_crash = s_count (reader, object, "lost_with_crash");
    s_within (reader, object, "reported", s_read_reported, machine);
}

//  An array of objects, each read by fn into items [i] (item bytes each)
static void *
s_read_array (lc_json_reader_t *reader, json_t *parent, const char *key, size_t item,
              size_t *count, void (*fn) (lc_json_reader_t *, json_t *, void *))
{
    json_t *array = lc_json_get (reader, parent, key, JSON_ARRAY, false, "an array");
    *count = array ? json_array_size (array) : 0;
    char *items = lc_calloc (*count, item);
    char saved [LC_JSON_PATH_MAX];
    snprintf (saved, sizeof saved, "%s", reader->path);
    for (size_t i = 0; i < *count && !reader->failed; i++) {
        json_t *object = json_array_get (array, i);
        if (snprintf (reader->path, sizeof reader->path, "%s%s%s[%zu]", saved,
                      *saved ? "." : "", key, i) >= (int) sizeof reader->path)
            reader->path [sizeof reader->path - 1] = 0;     //  cut, still said
        if (!json_is_object (object))
            lc_json_fail (reader, "", "an object", true);
        else
            fn (reader, object, items + i * item);
    }
    snprintf (reader->path, sizeof reader->path, "%s", saved);
    return items;
}

static void
s_read_failure (lc_json_reader_t *reader, json_t *object, void *arg)
{
    lc_result_failure_t *failure = arg;
    failure->rule = (int) lc_json_whole (reader, object, "rule", 1, LC_RULES);
    failure->machine = (uint32_t) lc_json_whole (reader, object, "machine", 0, LC_ID_MAX);
    failure->row = s_count (reader, object, "row");
    failure->text = lc_json_text (reader, object, "text", false);
}

static void
s_read_rule (lc_json_reader_t *reader, json_t *object, void *arg)
{
    uint64_t *failures = arg;
    *failures = s_count (reader, object, "failures");
    lc_json_whole (reader, object, "rule", 1, LC_RULES);
}

static void
s_read_checks (lc_json_reader_t *reader, json_t *object, void *arg)
{
    lc_result_t *self = arg;
    self->checks_ok = lc_json_bool (reader, object, "ok");
    self->failures = s_count (reader, object, "failures");
    self->truncated = lc_json_bool (reader, object, "truncated");
    size_t rules;
    uint64_t *counts = s_read_array (reader, object, "rules", sizeof *counts, &rules,
                                     s_read_rule);
    if (!reader->failed && rules != LC_RULES)
        lc_json_fail (reader, "rules", "one entry per rule 1..6", true);
    for (size_t i = 0; !reader->failed && i < LC_RULES; i++)
        self->rule_failures [i] = counts [i];
    free (counts);
    self->listed = s_read_array (reader, object, "listed", sizeof *self->listed,
                                 &self->listed_count, s_read_failure);
}

static void
s_read_window (lc_json_reader_t *reader, json_t *object, void *arg)
{
    lc_result_t *self = arg;
    self->window_from = s_real (reader, object, "from");
    self->window_to = s_real (reader, object, "to");
}

static void
s_read_run (lc_json_reader_t *reader, json_t *object, void *arg)
{
    lc_result_t *self = arg;
    self->dir = lc_json_text (reader, object, "dir", false);
    self->rows = s_count (reader, object, "rows");
    self->speed = s_real (reader, object, "speed");
    self->duration = s_real (reader, object, "duration");
    self->roll = (uint32_t) lc_json_whole (reader, object, "roll", 0, LC_ROLL_MAX);
    self->seed = lc_json_whole (reader, object, "seed", 0, LC_SEED_MAX);
    self->run_id = lc_json_text (reader, object, "run_id", false);
    self->start_time = s_real (reader, object, "start_time");
    self->end_time = s_real (reader, object, "end_time");
    self->start_spread_ms = s_real (reader, object, "start_spread_ms");
    lc_json_whole (reader, object, "machines", 1, LC_ANALYZE_MACHINES_MAX);
    s_within (reader, object, "window", s_read_window, self);
}

static void
s_read_plots (lc_json_reader_t *reader, json_t *object, void *arg)
{
    lc_result_t *self = arg;
    self->plots_drawn = lc_json_bool (reader, object, "drawn");
    self->plots_note = lc_json_text (reader, object, "note", true);
    json_t *files = lc_json_get (reader, object, "files", JSON_ARRAY, false,
                                 "an array of file names");
    size_t count = files ? json_array_size (files) : 0;
    self->plot_files = lc_calloc (count, sizeof *self->plot_files);
    for (size_t i = 0; i < count; i++) {
        const char *name = json_string_value (json_array_get (files, i));
        if (!name) {
            lc_json_fail (reader, "files", "an array of file names", true);
            return;
        }
        self->plot_files [self->plot_file_count++] = lc_strdup (name);
    }
}

static void
s_read_machine_fn (lc_json_reader_t *reader, json_t *object, void *arg)
{
    s_read_machine (reader, object, arg);
}

static void
s_read_totals (lc_json_reader_t *reader, json_t *object, void *arg)
{
    lc_result_t *self = arg;
    s_read_figures (reader, object, &self->totals);
    self->undelivered = s_count (reader, object, "undelivered");
}

static void
s_read_requested (lc_json_reader_t *reader, json_t *object, lc_result_t *self)
{
    json_t *requested = lc_json_get (reader, object, "requested", JSON_OBJECT, true,
                                     "run.json's object, or null");
    if (!requested || json_is_null (requested))
        return;
    char where [S_PATH_MAX];
    snprintf (where, sizeof where, "%s: requested", reader->file);
    self->requested = lc_runinfo_from_json (requested, where, reader->program);
    if (!self->requested)
        reader->failed = true;
}

lc_result_t *
lc_result_from_json (json_t *object, const char *where, const char *program)
{
    assert (where && program);
    lc_json_reader_t reader = { program, where, "", false };
    lc_result_t *self = lc_calloc (1, sizeof *self);
    self->version = lc_json_text (&reader, object, "version", false);
    s_within (&reader, object, "run", s_read_run, self);
    s_within (&reader, object, "checks", s_read_checks, self);
    if (!reader.failed)
        self->machines = s_read_array (&reader, object, "machines", sizeof *self->machines,
                                       &self->count, s_read_machine_fn);
    if (!reader.failed && self->count == 0)
        lc_json_fail (&reader, "machines", "at least one machine", true);
    for (size_t i = 0; !reader.failed && i < self->count; i++)
        if (self->machines [i].seed == S_SEED_UNKNOWN)
            self->machines [i].seed = self->seed;
    s_within (&reader, object, "totals", s_read_totals, self);
    s_within (&reader, object, "plots", s_read_plots, self);
    self->shiviz = lc_json_text (&reader, object, "shiviz", true);
    s_read_requested (&reader, object, self);
    if (reader.failed)
        lc_result_destroy (&self);
    return self;
}

int
lc_result_load (const char *dir, const char *program, lc_result_t **self_p)
{
    assert (dir && program && self_p);
    *self_p = NULL;
    char path [S_PATH_MAX];
    json_t *root;
    int rc = lc_json_load_in (dir, LC_RESULT_FILE, program, &root, path, sizeof path);
    if (rc)
        return rc;
    *self_p = lc_result_from_json (root, path, program);
    json_decref (root);
    return *self_p ? 0 : -1;
}
