/*  lc_report.c - what `lclock analyze` writes: the stdout table,
    report.md, summary.json, gnuplot plots and the ShiViz log.

    summary.json keys are stable and documented in docs/analysis.md; add
    keys there first. Plots go to gnuplot through a pipe with the data
    inline (datablocks), so no temporary files are left behind; gnuplot
    is found on PATH, or named by LCLOCK_GNUPLOT (tests point it at a
    missing file to see the note).

    The ShiViz log (docs/analysis.md) is one line per row, after two lines
    that ShiViz's "upload a file" takes as its settings (js/shiviz.js):
    line 1 the log parsing regex, line 2 the multiple-executions delimiter,
    empty here (one execution):

        (?<host>\S+) (?<clock>\{[^}]*\}) (?<event>.*)

        m1 {"m1":1} start lamport=0 queue=0 time=1000.000000
        m1 {"m1":2} send 1:1 to m3 lamport=1 queue=0 time=1000.500000
        m3 {"m1":2,"m3":2} recv 1:1 from m1 lamport=2 queue=0 time=1000.500200

    Pasted instead, line 1 goes into the regex field and lines 3 on into
    the log. Every row is an event of its host: the host's own entry rises
    by 1; a recv first takes the entry-wise maximum with the vector clock
    of its send.
*/
#include "lc_report.h"
#include "lc_alloc.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define S_SHIVIZ_REGEX  "(?<host>\\S+) (?<clock>\\{[^}]*\\}) (?<event>.*)"
#define S_SHIVIZ_BUCKETS 65536  //  chains of the pending-send table
#define S_PATH_MAX      4096    //  bytes of a path we build
#define S_PLOT_WIDTH    1000    //  pixels of a plot
#define S_PLOT_HEIGHT   600
#define S_LABELS_MAX    300     //  space-time events beyond which clock
                                //  labels would only blot the diagram
#define S_US_PER_S      1e6     //  microseconds per second
#define S_STRING(x)     #x
#define S_EXPAND(x)     S_STRING (x)
#define S_OVERFLOW_TEXT S_EXPAND (LC_JUMP_BINS)     //  "1024"

const char *lc_report_plot_names [] = {
    "clock", "queue", "jumps", "drift", "spacetime", NULL
};

static const char *s_plot_titles [] = {
    "Lamport clock vs time", "Queue length vs time", "Clock jump sizes",
    "Drift (lag behind the fastest clock) vs time", "Space-time diagram"
};

//  --------------------------------------------------------------------------
//  The stdout table

static void
s_print_failures (const lc_run_t *run, FILE *out, const char *bullet)
{
    size_t kept = lc_check_kept (run->check);
    size_t shown = kept < LC_REPORT_FAILURES_MAX ? kept : LC_REPORT_FAILURES_MAX;
    for (size_t i = 0; i < shown; i++) {
        const lc_failure_t *failure = lc_check_failure (run->check, i);
        fprintf (out, "%scheck %d (%s): machine %u", bullet, failure->rule,
                 lc_check_rule_name (failure->rule), failure->machine);
        if (failure->row)
            fprintf (out, ", row %zu", failure->row);
        fprintf (out, ": %s\n", failure->text);
    }
    size_t total = lc_check_failures (run->check);
    if (total > shown)
        fprintf (out, "%s... and %zu more (summary.json lists up to %d)\n",
                 bullet, total - shown, LC_FAILURES_KEPT);
}

void
lc_report_table (const lc_run_t *run, FILE *out)
{
    fprintf (out, "%7s %5s %8s %11s %8s %9s %10s %9s\n", "machine", "rate",
             "ticks", "final_clock", "max_jump", "max_queue", "drift_mean",
             "drift_max");
    for (size_t i = 0; i <= run->count; i++) {
        const lc_figures_t *fig = i < run->count
                                ? lc_stats_machine (run->stats, i)
                                : lc_stats_run (run->stats);
        if (i < run->count)
            fprintf (out, "%7u %5u", fig->machine, fig->rate);
        else
            fprintf (out, "%7s %5s", "run", "-");
        fprintf (out, " %8llu %11llu %8llu %9llu %10.2f %9llu\n",
                 (unsigned long long) fig->ticks,
                 (unsigned long long) fig->final_clock,
                 (unsigned long long) fig->jumps.max,
                 (unsigned long long) fig->queue.max, fig->drift.mean,
                 (unsigned long long) fig->drift.max);
    }
    for (size_t i = 0; i < run->count; i++) {
        uint64_t lost = lc_check_undelivered (run->check, i);
        if (lost)
            fprintf (out, "undelivered: %llu message(s) to machine %u (it crashed "
                     "or restarted)\n", (unsigned long long) lost, run->machines [i].id);
        lost = lc_check_lost_sent (run->check, i);
        if (lost)
            fprintf (out, "undelivered: %llu message(s) from machine %u (sent in its "
                     "last second before it crashed)\n", (unsigned long long) lost,
                     run->machines [i].id);
    }
    const lc_figures_t *total = lc_stats_run (run->stats);
    if (total->late_ticks) {
        fprintf (out, "late ticks (> %d us after due): %llu, at most %.3f ms late:",
                 LC_LATE_TICK_US, (unsigned long long) total->late_ticks,
                 total->max_lateness_ms);
        for (size_t i = 0; i < run->count; i++) {
            const lc_figures_t *fig = lc_stats_machine (run->stats, i);
            if (fig->late_ticks)
                fprintf (out, " m%u %llu", fig->machine,
                         (unsigned long long) fig->late_ticks);
        }
        fprintf (out, "\n");
    }
    fprintf (out, "start spread: %.3f ms (first start rows; across hosts it "
             "includes their clock offset)\n",
             (double) lc_stats_start_spread_us (run->stats) / 1000.0);
    size_t failures = lc_check_failures (run->check);
    if (failures == 0) {
        fprintf (out, "checks: all %d hold (%zu machines, %llu rows)\n", LC_RULES,
                 run->count, (unsigned long long) lc_stats_run (run->stats)->rows);
        return;
    }
    int broken = 0;
    for (int rule = 1; rule <= LC_RULES; rule++)
        broken += lc_check_rule_failures (run->check, rule) > 0;
    fprintf (out, "checks: %d of %d FAILED (%zu failure%s):", broken, LC_RULES, failures,
             failures == 1 ? "" : "s");
    for (int rule = 1; rule <= LC_RULES; rule++)
        if (lc_check_rule_failures (run->check, rule))
            fprintf (out, " %d (%s)", rule, lc_check_rule_name (rule));
    fprintf (out, "\n");
    s_print_failures (run, out, "  ");
}

//  --------------------------------------------------------------------------
//  summary.json

//  Rounds to 6 decimals so that the JSON does not show float noise
static json_t *
s_real (double value)
{
    if (!isfinite (value))
        return json_null ();
    //  Beyond 2^53 there are no decimals to round, and value * 1e6 could
    //  overflow to infinity, which JSON cannot hold
    return json_real (fabs (value) < 0x1p53 ? round (value * 1e6) / 1e6 : value);
}

//  JSON integers are signed 64-bit in jansson; above that (a seed may be)
//  a real, as the machine writes it, rather than a negative number
static json_t *
s_uint (uint64_t value)
{
    return value <= INT64_MAX ? json_integer ((json_int_t) value)
                              : json_real ((double) value);
}

static json_t *
s_figures_json (const lc_figures_t *fig)
{
    json_t *events = json_object ();
    for (int k = 0; k < LC_EV_COUNT; k++)
        json_object_set_new (events, lc_event_name ((lc_event_t) k), s_uint (fig->events [k]));
    json_t *histogram = json_array ();
    for (uint64_t k = 0; k < LC_JUMP_BINS; k++)
        if (fig->jumps.bins [k])
            json_array_append_new (histogram, json_pack ("{s:o,s:o}",
                                   "size", s_uint (k), "count", s_uint (fig->jumps.bins [k])));
    return json_pack ("{s:o,s:o,s:o,s:o,"
                      "s:{s:o,s:o,s:o,s:o,s:o,s:o,s:o},"
                      "s:{s:o,s:o,s:o,s:o},"
                      "s:{s:o,s:o,s:o},"
                      "s:{s:o,s:o,s:o,s:o},"
                      "s:{s:o,s:o}}",
        "rows", s_uint (fig->rows),
        "ticks", s_uint (fig->ticks),
        "events", events,
        "final_clock", s_uint (fig->final_clock),
        "jumps",
            "count", s_uint (fig->jumps.count),
            "min", s_uint (fig->jumps.min),
            "mean", s_real (fig->jumps.mean),
            "max", s_uint (fig->jumps.max),
            "mode", s_uint (fig->jumps.mode),
            "histogram", histogram,
            "overflow", s_uint (fig->jumps.overflow),
        "queue",
            "mean", s_real (fig->queue.mean),
            "max", s_uint (fig->queue.max),
            "final", s_uint (fig->queue.final),
            "growth_per_s", s_real (fig->queue.growth),
        "drift",
            "mean", s_real (fig->drift.mean),
            "max", s_uint (fig->drift.max),
            "growth_per_s", s_real (fig->drift.growth),
        "message_age_ms",
            "count", s_uint (fig->age.count),
            "median", s_real (fig->age.median_ms),
            "p99", s_real (fig->age.p99_ms),
            "max", s_real (fig->age.max_ms),
        "late_ticks",
            "count", s_uint (fig->late_ticks),
            "max_lateness_ms", s_real (fig->max_lateness_ms));
}

static json_t *
s_checks_json (const lc_run_t *run)
{
    json_t *rules = json_array ();
    for (int rule = 1; rule <= LC_RULES; rule++) {
        size_t failures = lc_check_rule_failures (run->check, rule);
        json_array_append_new (rules, json_pack ("{s:i,s:s,s:b,s:o}",
            "rule", rule, "name", lc_check_rule_name (rule), "ok", failures == 0,
            "failures", s_uint (failures)));
    }
    json_t *listed = json_array ();
    for (size_t i = 0; i < lc_check_kept (run->check); i++) {
        const lc_failure_t *failure = lc_check_failure (run->check, i);
        json_array_append_new (listed, json_pack ("{s:i,s:o,s:o,s:s}",
            "rule", failure->rule, "machine", s_uint (failure->machine),
            "row", s_uint (failure->row), "text", failure->text));
    }
    size_t total = lc_check_failures (run->check);
    return json_pack ("{s:b,s:o,s:o,s:o,s:b}",
        "ok", total == 0, "failures", s_uint (total), "rules", rules,
        "listed", listed, "truncated", total > lc_check_kept (run->check));
}

static json_t *
s_machine_json (const lc_run_t *run, size_t idx)
{
    const lc_meta_t *meta = &run->machines [idx];
    json_t *object = s_figures_json (lc_stats_machine (run->stats, idx));
    json_object_set_new (object, "machine", s_uint (meta->id));
    json_object_set_new (object, "rate", s_uint (meta->rate));
    json_object_set_new (object, "stop_reason", meta->stop_reason [0]
                         ? json_string (meta->stop_reason) : json_null ());
    json_object_set_new (object, "restarts", s_uint (meta->restarts));
    json_object_set_new (object, "crashed", json_boolean (lc_check_crashed (run->check, idx)));
    json_object_set_new (object, "undelivered", s_uint (lc_check_undelivered (run->check, idx)));
    json_object_set_new (object, "lost_with_crash", s_uint (lc_check_lost_sent (run->check, idx)));
    json_object_set_new (object, "reported", json_pack ("{s:o,s:o,s:o,s:o,s:o}",
        "sent", s_uint (meta->sent), "send_failed", s_uint (meta->send_failed),
        "rejected", s_uint (meta->rejected),
        "bad_connections", s_uint (meta->bad_connections),
        "untrusted", s_uint (meta->untrusted)));
    return object;
}

json_t *
lc_report_summary (const lc_run_t *run)
{
    const lc_meta_t *first = &run->machines [0];
    json_t *machines = json_array ();
    uint64_t undelivered = 0;
    for (size_t i = 0; i < run->count; i++) {
        json_array_append_new (machines, s_machine_json (run, i));
        undelivered += lc_check_undelivered (run->check, i)
                     + lc_check_lost_sent (run->check, i);
    }
    json_t *plots = json_array ();
    for (size_t i = 0; run->plots && lc_report_plot_names [i]; i++)
        for (int svg = 0; svg < 2; svg++)
            json_array_append_new (plots, json_sprintf ("%s.%s",
                                   lc_report_plot_names [i], svg ? "svg" : "png"));
    json_t *totals = s_figures_json (lc_stats_run (run->stats));
    json_object_set_new (totals, "undelivered", s_uint (undelivered));
    json_t *requested = run->requested ? lc_runinfo_json (run->requested) : json_null ();
    return json_pack ("{s:s,s:{s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:s,s:o,s:o,s:o,s:{s:o,s:o}},"
                      "s:o,s:o,s:o,s:{s:b,s:o,s:o},s:o,s:o}",
        "version", LCLOCK_VERSION,
        "run",
            "dir", run->run_dir,
            "machines", s_uint (run->count),
            "speed", s_real (lc_stats_speed (run->stats)),
            "duration", s_real (first->duration),
            "roll", s_uint (first->roll),
            "seed", s_uint (first->seed),
            "start_time", s_real ((double) lc_stats_start_us (run->stats) / S_US_PER_S),
            "run_id", first->run_id,
            "end_time", s_real ((double) lc_stats_end_us (run->stats) / S_US_PER_S),
            "rows", s_uint (lc_stats_run (run->stats)->rows),
            "start_spread_ms", s_real ((double) lc_stats_start_spread_us (run->stats) / 1000.0),
            "window",
                "from", s_real (run->window_from),
                "to", s_real (run->window_to),
        "checks", s_checks_json (run),
        "machines", machines,
        "totals", totals,
        "plots",
            "drawn", run->plots,
            "note", run->plots_note ? json_string (run->plots_note) : json_null (),
            "files", plots,
        "shiviz", run->shiviz ? json_string (run->shiviz) : json_null (),
        "requested", requested);
}

//  What run.json says was asked for: label, launcher, rate spec or fixed
//  rates, roll with P(internal), speed, duration, seed, hosts, command
static void
s_md_requested (const lc_runinfo_t *requested, FILE *out)
{
    fprintf (out, "## Requested (run.json)\n\n");
    if (!requested) {
        fprintf (out, "No run.json: the machines were started by hand, so only "
                 "what they report is known.\n\n");
        return;
    }
    fprintf (out, "| setting | value |\n|---|---|\n");
    fprintf (out, "| label | %s |\n", requested->label ? requested->label : "-");
    fprintf (out, "| launcher | %s |\n", lc_runinfo_launcher_name (requested->launcher));
    fprintf (out, "| machines | %u |\n", requested->machines);
    if (requested->rates) {
        fprintf (out, "| rates (fixed, machine 1..%u) |", requested->machines);
        for (uint32_t i = 0; i < requested->machines; i++)
            fprintf (out, "%s%u", i ? "," : " ", requested->rates [i]);
        fprintf (out, " |\n");
    }
    else
    if (requested->rate_min == requested->rate_max)
        fprintf (out, "| rate | %u (every machine) |\n", requested->rate_min);
    else
        fprintf (out, "| rate | %u-%u (each machine draws its own) |\n",
                 requested->rate_min, requested->rate_max);
    fprintf (out, "| roll | 1..%u, P(internal) = %.3f |\n", requested->roll,
             lc_runinfo_p_internal (requested->roll));
    fprintf (out, "| speed | %g |\n| duration (model s) | %g |\n",
             requested->speed, requested->duration);
    if (requested->has_seed)
        fprintf (out, "| seed | %llu |\n", (unsigned long long) requested->seed);
    else
        fprintf (out, "| seed | drawn by each machine |\n");
    fprintf (out, "| hosts |");
    for (size_t i = 0; i < requested->host_count; i++)
        fprintf (out, "%s%s", i ? ", " : " ", requested->hosts [i]);
    fprintf (out, " |\n| curve | %s |\n", requested->curve ? "on" : "off");
    if (requested->simulated)
        fprintf (out, "| simulated | delay %s |\n", requested->delay);
    fprintf (out, "| command | `%s` |\n| lclock version | %s |\n\n",
             requested->command, requested->version);
}

//  --------------------------------------------------------------------------
//  report.md

static void
s_md_figures_row (FILE *out, const char *name, const lc_figures_t *fig, const char *rate)
{
    fprintf (out, "| %s | %s | %llu | %llu | %llu / %.3f / %llu / %llu "
             "| %.3f / %llu / %llu / %.3f | %.3f / %llu / %.3f "
             "| %.3f / %.3f / %.3f | %llu (%.3f ms) |\n",
             name, rate, (unsigned long long) fig->ticks,
             (unsigned long long) fig->final_clock,
             (unsigned long long) fig->jumps.min, fig->jumps.mean,
             (unsigned long long) fig->jumps.max, (unsigned long long) fig->jumps.mode,
             fig->queue.mean, (unsigned long long) fig->queue.max,
             (unsigned long long) fig->queue.final, fig->queue.growth,
             fig->drift.mean, (unsigned long long) fig->drift.max, fig->drift.growth,
             fig->age.median_ms, fig->age.p99_ms, fig->age.max_ms,
             (unsigned long long) fig->late_ticks, fig->max_lateness_ms);
}

static void
s_md_events_row (FILE *out, const char *name, const lc_figures_t *fig)
{
    fprintf (out, "| %s |", name);
    for (int k = 0; k < LC_EV_COUNT; k++)
        fprintf (out, " %llu |", (unsigned long long) fig->events [k]);
    fprintf (out, " %llu |\n", (unsigned long long) fig->rows);
}

int
lc_report_markdown (const lc_run_t *run, FILE *out)
{
    const lc_meta_t *first = &run->machines [0];
    const lc_figures_t *total = lc_stats_run (run->stats);
    size_t failures = lc_check_failures (run->check);
    fprintf (out, "# lclock run report\n\n");
    fprintf (out, "| parameter | value |\n|---|---|\n");
    fprintf (out, "| run directory | `%s` |\n", run->run_dir);
    fprintf (out, "| run id | %s |\n", first->run_id [0] ? first->run_id : "-");
    fprintf (out, "| machines | %zu |\n", run->count);
    fprintf (out, "| duration (model s) | %g |\n", first->duration);
    fprintf (out, "| speed | %g |\n", lc_stats_speed (run->stats));
    fprintf (out, "| roll | %llu |\n", (unsigned long long) first->roll);
    fprintf (out, "| seed | %llu |\n", (unsigned long long) first->seed);
    fprintf (out, "| first row (epoch s) | %.6f |\n",
             (double) lc_stats_start_us (run->stats) / S_US_PER_S);
    fprintf (out, "| last row (epoch s) | %.6f |\n",
             (double) lc_stats_end_us (run->stats) / S_US_PER_S);
    fprintf (out, "| rows | %llu |\n", (unsigned long long) total->rows);
    fprintf (out, "| start spread (ms) | %.3f |\n\n",
             (double) lc_stats_start_spread_us (run->stats) / 1000.0);
    fprintf (out, "The start spread is the time between the first and the last "
             "machine's first `start` row. Machines start within milliseconds of "
             "each other (the READY round), so across hosts a larger spread is "
             "the offset between their clocks, which shifts message ages and "
             "drift by as much (docs/lan.md).\n\n");

    s_md_requested (run->requested, out);
    fprintf (out, "## Checks: %s\n\n", failures ? "FAILED" : "all hold");
    fprintf (out, "| check | rule | result | failures |\n|---|---|---|---|\n");
    for (int rule = 1; rule <= LC_RULES; rule++) {
        size_t n = lc_check_rule_failures (run->check, rule);
        fprintf (out, "| %d | %s | %s | %zu |\n", rule, lc_check_rule_name (rule),
                 n ? "FAILED" : "ok", n);
    }
    fprintf (out, "\n");
    if (failures) {
        s_print_failures (run, out, "- ");
        fprintf (out, "\n");
    }
    bool any_lost = false;
    for (size_t i = 0; i < run->count; i++) {
        uint64_t to = lc_check_undelivered (run->check, i);
        uint64_t from = lc_check_lost_sent (run->check, i);
        if (to || from) {
            if (!any_lost)
                fprintf (out, "Undelivered (lost with a crash or restart, "
                         "not a failure):\n\n");
            any_lost = true;
            fprintf (out, "- machine %u: %llu message(s) to it, %llu sent in its "
                     "last second before it crashed\n", run->machines [i].id,
                     (unsigned long long) to, (unsigned long long) from);
        }
    }
    if (any_lost)
        fprintf (out, "\n");

    fprintf (out, "## Machines\n\n| machine | rate | stop reason | restarts | crashed "
             "| undelivered to it | sent | send failed | rejected | bad connections "
             "| untrusted |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < run->count; i++) {
        const lc_meta_t *meta = &run->machines [i];
        fprintf (out, "| %u | %u | %s | %llu | %s | %llu | %llu | %llu | %llu | %llu | %llu |\n",
                 meta->id, meta->rate, meta->stop_reason [0] ? meta->stop_reason : "-",
                 (unsigned long long) meta->restarts,
                 lc_check_crashed (run->check, i) ? "yes" : "no",
                 (unsigned long long) lc_check_undelivered (run->check, i),
                 (unsigned long long) meta->sent, (unsigned long long) meta->send_failed,
                 (unsigned long long) meta->rejected,
                 (unsigned long long) meta->bad_connections,
                 (unsigned long long) meta->untrusted);
    }
    fprintf (out, "\nSent, send failed, rejected, bad connections and untrusted are "
             "the machines' own counts (machine-ID.json).\n\n");

    fprintf (out, "## Figures\n\n"
             "Jumps: min / mean / max / mode. Queue: time-weighted mean / max / "
             "final / growth per model second. Drift: mean / max / growth per "
             "model second. Message age (ms): median / p99 / max. "
             "See docs/analysis.md.\n\n");
    fprintf (out, "| machine | rate | ticks | final clock | jumps | queue | drift "
             "| message age (ms) | late ticks (max) |\n"
             "|---|---|---|---|---|---|---|---|---|\n");
    char name [32], rate [32];
    for (size_t i = 0; i < run->count; i++) {
        snprintf (name, sizeof name, "%u", run->machines [i].id);
        snprintf (rate, sizeof rate, "%u", run->machines [i].rate);
        s_md_figures_row (out, name, lc_stats_machine (run->stats, i), rate);
    }
    s_md_figures_row (out, "run", total, "-");

    fprintf (out, "\n### Events by kind\n\n| machine |");
    for (int k = 0; k < LC_EV_COUNT; k++)
        fprintf (out, " %s |", lc_event_name ((lc_event_t) k));
    fprintf (out, " rows |\n|---|");
    for (int k = 0; k <= LC_EV_COUNT; k++)
        fprintf (out, "---|");
    fprintf (out, "\n");
    for (size_t i = 0; i < run->count; i++) {
        snprintf (name, sizeof name, "%u", run->machines [i].id);
        s_md_events_row (out, name, lc_stats_machine (run->stats, i));
    }
    s_md_events_row (out, "run", total);

    fprintf (out, "\n### Jump sizes (whole run)\n\n| jump | count |\n|---|---|\n");
    for (uint64_t k = 0; k < LC_JUMP_BINS; k++)
        if (total->jumps.bins [k])
            fprintf (out, "| %llu | %llu |\n", (unsigned long long) k,
                     (unsigned long long) total->jumps.bins [k]);
    if (total->jumps.overflow)
        fprintf (out, "| >= %d | %llu |\n", LC_JUMP_BINS,
                 (unsigned long long) total->jumps.overflow);

    fprintf (out, "\n## Plots\n\n");
    if (run->plots)
        for (size_t i = 0; lc_report_plot_names [i]; i++)
            fprintf (out, "- %s: [%s.png](%s.png), [%s.svg](%s.svg)%s\n",
                     s_plot_titles [i], lc_report_plot_names [i],
                     lc_report_plot_names [i], lc_report_plot_names [i],
                     lc_report_plot_names [i],
                     strcmp (lc_report_plot_names [i], "spacetime") == 0
                     ? " (window below)" : "");
    else
        fprintf (out, "No plots: %s.\n", run->plots_note ? run->plots_note : "none drawn");
    fprintf (out, "\nSpace-time window: model seconds %g to %g.\n",
             run->window_from, run->window_to);
    if (run->shiviz)
        fprintf (out, "\nShiViz log: `%s` (upload it to ShiViz as it is, or paste "
                 "line 1 as the regex and lines 3 on as the log).\n", run->shiviz);
    return ferror (out) ? -1 : 0;
}

//  --------------------------------------------------------------------------
//  Plots

//  Path of gnuplot, or NULL when it is not installed
static const char *
s_find_gnuplot (char *path, size_t size)
{
    const char *forced = getenv ("LCLOCK_GNUPLOT");
    if (forced)
        return access (forced, X_OK) == 0 ? forced : NULL;
    const char *dirs = getenv ("PATH");
    if (!dirs)
        dirs = "/usr/bin:/bin";
    while (*dirs) {
        const char *colon = strchr (dirs, ':');
        size_t len = colon ? (size_t) (colon - dirs) : strlen (dirs);
        snprintf (path, size, "%.*s/gnuplot", (int) len, dirs);
        if (len && access (path, X_OK) == 0)
            return path;
        dirs += len + (colon ? 1 : 0);
    }
    return NULL;
}

static void
s_datablocks (const lc_run_t *run, FILE *gp)
{
    for (size_t i = 0; i < run->count; i++) {
        size_t count;
        const lc_sample_t *samples = lc_stats_samples (run->stats, i, &count);
        fprintf (gp, "$m%zu << EOD\n", i);
        for (size_t k = 0; k < count; k++)
            fprintf (gp, "%.6f %llu %llu %llu\n", samples [k].x,
                     (unsigned long long) samples [k].clock,
                     (unsigned long long) samples [k].queue,
                     (unsigned long long) samples [k].lag);
        if (count == 0)
            fprintf (gp, "0 0 0 0\n");
        fprintf (gp, "EOD\n");
    }
    const lc_figures_t *total = lc_stats_run (run->stats);
    fprintf (gp, "$jumps << EOD\n");
    for (uint64_t k = 0; k < LC_JUMP_BINS; k++)
        if (total->jumps.bins [k])
            fprintf (gp, "%llu %llu\n", (unsigned long long) k,
                     (unsigned long long) total->jumps.bins [k]);
    if (total->jumps.overflow || total->jumps.count == 0)
        fprintf (gp, "%d %llu\n", LC_JUMP_BINS, (unsigned long long) total->jumps.overflow);
    fprintf (gp, "EOD\n");

    size_t count;
    bool truncated;
    const lc_window_event_t *events = lc_stats_window_events (run->stats, &count, &truncated);
    fprintf (gp, "$events << EOD\n");
    for (size_t k = 0; k < count; k++)
        fprintf (gp, "%.6f %zu %llu\n", events [k].x, events [k].machine + 1,
                 (unsigned long long) events [k].clock);
    fprintf (gp, "%.6f 0 0\nEOD\n", run->window_from);
    const lc_window_arrow_t *arrows = lc_stats_window_arrows (run->stats, &count);
    fprintf (gp, "$arrows << EOD\n");
    for (size_t k = 0; k < count; k++)
        fprintf (gp, "%.6f %zu %.6f %lld\n", arrows [k].x_send, arrows [k].from + 1,
                 arrows [k].x_recv - arrows [k].x_send,
                 (long long) arrows [k].to - (long long) arrows [k].from);
    fprintf (gp, "%.6f 0 0 0\nEOD\n", run->window_from);
}

//  One plot over every machine: column col of $mI against model time
static void
s_plot_machines (const lc_run_t *run, FILE *gp, int column, const char *style)
{
    fprintf (gp, "plot ");
    for (size_t i = 0; i < run->count; i++)
        fprintf (gp, "%s$m%zu using 1:%d with %s title 'm%u'", i ? ", \\\n     " : "",
                 i, column, style, run->machines [i].id);
    fprintf (gp, "\n");
}

static void
s_plots_for (const lc_run_t *run, FILE *gp, const char *dir, const char *ext)
{
    const char *terminal = strcmp (ext, "png") == 0 ? "pngcairo" : "svg";
    fprintf (gp, "set terminal %s size %d,%d noenhanced\n", terminal,
             S_PLOT_WIDTH, S_PLOT_HEIGHT);
    fprintf (gp, "reset\nset grid\nset key outside right\nset xlabel 'model seconds'\n"
                 "set offsets 0, 0, graph 0.05, graph 0.05\n");
    //  The run's model time only: the 1 s wall drain after it (unread and
    //  stop rows) would otherwise stretch the axis by 1 s x speed
    fprintf (gp, "set xrange [0:%g]\n", run->machines [0].duration);

    fprintf (gp, "set output '%s/clock.%s'\nset title '%s'\nset ylabel 'Lamport clock'\n",
             dir, ext, s_plot_titles [0]);
    s_plot_machines (run, gp, 2, "steps");
    fprintf (gp, "set output '%s/queue.%s'\nset title '%s'\nset ylabel 'messages in buffer'\n",
             dir, ext, s_plot_titles [1]);
    s_plot_machines (run, gp, 3, "steps");
    fprintf (gp, "set output '%s/drift.%s'\nset title '%s'\nset ylabel 'clock ticks behind'\n",
             dir, ext, s_plot_titles [3]);
    s_plot_machines (run, gp, 4, "steps");

    bool overflow = lc_stats_run (run->stats)->jumps.overflow > 0;
    fprintf (gp, "set output '%s/jumps.%s'\nset title '%s%s'\n"
             "set xrange [*:*]\nset xlabel 'jump size'\nset ylabel 'rows'\nset style fill solid 0.6\n"
             "set boxwidth 0.8\nset logscale y\nset yrange [0.8:*]\n"
             "plot $jumps using 1:($2 > 0 ? $2 : NaN) with boxes notitle\n"
             "unset logscale y\nset yrange [*:*]\n",
             dir, ext, s_plot_titles [2],
             overflow ? " (last bar: " S_OVERFLOW_TEXT " or more)" : "");

    fprintf (gp, "set output '%s/spacetime.%s'\nset title '%s, model seconds %g to %g'\n"
             "set xlabel 'model seconds'\nset ylabel ''\nset xrange [%g:%g]\n"
             "set yrange [0.5:%zu.5]\nset ytics (",
             dir, ext, s_plot_titles [4], run->window_from, run->window_to,
             run->window_from, run->window_to, run->count);
    for (size_t i = 0; i < run->count; i++)
        fprintf (gp, "%s'm%u' %zu", i ? ", " : "", run->machines [i].id, i + 1);
    fprintf (gp, ")\nunset grid\n");
    for (size_t i = 0; i < run->count; i++)
        fprintf (gp, "set arrow from %g,%zu to %g,%zu nohead lc rgb 'gray'\n",
                 run->window_from, i + 1, run->window_to, i + 1);
    size_t events;
    bool truncated;
    lc_stats_window_events (run->stats, &events, &truncated);
    fprintf (gp, "plot $arrows using 1:($2 > 0 ? $2 : NaN):3:4 with vectors "
             "head filled lc rgb 'blue' title 'message', \\\n"
             "     $events using 1:($2 > 0 ? $2 : NaN) with points pt 7 ps 0.6 "
             "lc rgb 'black' title 'event'");
    if (events <= S_LABELS_MAX)
        fprintf (gp, ", \\\n     $events using 1:($2 > 0 ? $2 : NaN):3 with labels "
                 "offset 0,0.7 font ',7' notitle");
    fprintf (gp, "\n"
             "unset arrow\nset xrange [*:*]\nset yrange [*:*]\nset ytics auto\n"
             "set output\n");
}

int
lc_report_plots (const lc_run_t *run, const char *dir, const char **note)
{
    char path [S_PATH_MAX];
    const char *gnuplot = s_find_gnuplot (path, sizeof path);
    if (!gnuplot) {
        *note = "gnuplot is not installed: no plots drawn (install gnuplot-nox "
                "for them; the checks and figures do not need it)";
        return 1;
    }
    if (strchr (dir, '\'') || strchr (gnuplot, '\'')) {
        *note = "no plots: the output directory's name contains a quote";
        return -1;
    }
    char command [S_PATH_MAX + 32];
    snprintf (command, sizeof command, "'%s' 2>/dev/null", gnuplot);
    FILE *gp = popen (command, "w");
    if (!gp) {
        *note = "no plots: gnuplot could not be started";
        return -1;
    }
    s_datablocks (run, gp);
    s_plots_for (run, gp, dir, "png");
    s_plots_for (run, gp, dir, "svg");
    fprintf (gp, "exit\n");
    int status = pclose (gp);
    if (status != 0) {
        *note = "no plots: gnuplot failed";
        return -1;
    }
    *note = NULL;
    return 0;
}

//  --------------------------------------------------------------------------
//  ShiViz

//  A send whose recipients have not all read it yet
typedef struct s_pending_t {
    struct s_pending_t *next;   //  next in its bucket
    size_t sender;              //  sender index
    uint64_t seq;               //  sequence number
    size_t remaining;           //  recipients yet to recv or leave it unread
    uint64_t vector [];         //  the sender's vector clock at the send
} s_pending_t;

struct _lc_shiviz_t {
    FILE *out;                  //  the ShiViz file
    const lc_meta_t *machines;  //  machine index -> id
    size_t count;               //  machines
    uint64_t *vectors;          //  count x count: vector clock of each machine
    s_pending_t **buckets;      //  pending sends by (sender, seq)
};

lc_shiviz_t *
lc_shiviz_new (FILE *out, const lc_meta_t *machines, size_t count)
{
    lc_shiviz_t *self = lc_calloc (1, sizeof *self);
    self->out = out;
    self->machines = machines;
    self->count = count;
    self->vectors = lc_calloc (count * count, sizeof *self->vectors);
    self->buckets = lc_calloc (S_SHIVIZ_BUCKETS, sizeof *self->buckets);
    fprintf (out, "%s\n\n", S_SHIVIZ_REGEX);
    return self;
}

void
lc_shiviz_destroy (lc_shiviz_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    lc_shiviz_t *self = *self_p;
    for (size_t b = 0; self->buckets && b < S_SHIVIZ_BUCKETS; b++) {
        s_pending_t *pending = self->buckets [b];
        while (pending) {
            s_pending_t *next = pending->next;
            free (pending);
            pending = next;
        }
    }
    free (self->buckets);
    free (self->vectors);
    free (self);
    *self_p = NULL;
}

static size_t
s_bucket (size_t sender, uint64_t seq)
{
    uint64_t x = (seq * 0x9E3779B97F4A7C15ull) ^ ((uint64_t) sender * 0xC2B2AE3D27D4EB4Full);
    return (size_t) ((x ^ (x >> 29)) % S_SHIVIZ_BUCKETS);
}

static s_pending_t **
s_pending_find (lc_shiviz_t *self, size_t sender, uint64_t seq)
{
    s_pending_t **link = &self->buckets [s_bucket (sender, seq)];
    while (*link && !((*link)->sender == sender && (*link)->seq == seq))
        link = &(*link)->next;
    return link;
}

//  Index of machine id (machines are sorted by id), count if none
static size_t
s_shiviz_index (lc_shiviz_t *self, uint32_t id)
{
    size_t lo = 0, hi = self->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (self->machines [mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < self->count && self->machines [lo].id == id ? lo : self->count;
}

static void
s_shiviz_peers (lc_shiviz_t *self, const char *word, const lc_row_t *row)
{
    fprintf (self->out, " %s ", word);
    for (size_t i = 0; i < row->peer_count; i++)
        fprintf (self->out, "%sm%u", i ? "," : "", row->peers [i]);
    if (row->peer_count == 0)
        fprintf (self->out, "nobody");
}

void
lc_shiviz_row (lc_shiviz_t *self, size_t idx, const lc_row_t *row)
{
    assert (idx < self->count);
    uint64_t *vector = self->vectors + idx * self->count;
    bool with_msg = row->event == LC_EV_RECV || row->event == LC_EV_UNREAD;
    if (with_msg) {
        //  Find the send by sender id; merge its vector on recv only
        size_t sender = s_shiviz_index (self, row->msg_sender);
        s_pending_t **link = sender < self->count
                           ? s_pending_find (self, sender, row->msg_seq) : NULL;
        if (link && *link) {
            s_pending_t *pending = *link;
            if (row->event == LC_EV_RECV)
                for (size_t i = 0; i < self->count; i++)
                    if (pending->vector [i] > vector [i])
                        vector [i] = pending->vector [i];
            if (--pending->remaining == 0) {
                *link = pending->next;
                free (pending);
            }
        }
    }
    vector [idx]++;
    if (row->event == LC_EV_SEND && row->peer_count) {
        s_pending_t *pending = lc_malloc (sizeof *pending + self->count * sizeof (uint64_t));
        pending->sender = idx;
        pending->seq = row->msg_seq;
        pending->remaining = row->peer_count;
        memcpy (pending->vector, vector, self->count * sizeof (uint64_t));
        s_pending_t **link = s_pending_find (self, idx, row->msg_seq);
        pending->next = *link;
        *link = pending;
    }
    fprintf (self->out, "m%u {", self->machines [idx].id);
    bool first = true;
    for (size_t i = 0; i < self->count; i++)
        if (vector [i]) {
            fprintf (self->out, "%s\"m%u\":%llu", first ? "" : ",",
                     self->machines [i].id, (unsigned long long) vector [i]);
            first = false;
        }
    fprintf (self->out, "} %s", lc_event_name (row->event));
    if (row->event == LC_EV_SEND) {
        fprintf (self->out, " %u:%llu", row->msg_sender, (unsigned long long) row->msg_seq);
        s_shiviz_peers (self, "to", row);
    }
    else
    if (with_msg) {
        fprintf (self->out, " %u:%llu", row->msg_sender, (unsigned long long) row->msg_seq);
        s_shiviz_peers (self, "from", row);
    }
    fprintf (self->out, " lamport=%llu queue=%llu time=%lld.%06lld\n",
             (unsigned long long) row->clock, (unsigned long long) row->queue,
             (long long) (row->time_us / 1000000), (long long) (row->time_us % 1000000));
}
