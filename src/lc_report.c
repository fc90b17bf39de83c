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
#include "lc_json.h"

#include <assert.h>
#include <dirent.h>
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
//  The result: computed once from the checks and the figures

static char *
s_dup (const char *text)
{
    char *copy = text && *text ? lc_strdup (text) : NULL;
    return copy;
}

static void
s_result_checks (const lc_run_t *run, lc_result_t *self)
{
    self->failures = lc_check_failures (run->check);
    self->checks_ok = self->failures == 0;
    for (int rule = 1; rule <= LC_RULES; rule++)
        self->rule_failures [rule - 1] = lc_check_rule_failures (run->check, rule);
    self->listed_count = lc_check_kept (run->check);
    self->listed = lc_calloc (self->listed_count, sizeof *self->listed);
    for (size_t i = 0; i < self->listed_count; i++) {
        const lc_failure_t *failure = lc_check_failure (run->check, i);
        self->listed [i] = (lc_result_failure_t) {
            failure->rule, failure->machine, failure->row, lc_strdup (failure->text)
        };
    }
    self->truncated = self->failures > self->listed_count;
}

static void
s_result_machines (const lc_run_t *run, lc_result_t *self)
{
    self->count = run->count;
    self->machines = lc_calloc (run->count, sizeof *self->machines);
    for (size_t i = 0; i < run->count; i++) {
        const lc_meta_t *meta = &run->machines [i];
        lc_result_machine_t *machine = &self->machines [i];
        machine->fig = *lc_stats_machine (run->stats, i);
        machine->seed = meta->seed;
        machine->stop_reason = s_dup (meta->stop_reason);
        machine->restarts = meta->restarts;
        machine->crashed = lc_check_crashed (run->check, i);
        machine->undelivered = lc_check_undelivered (run->check, i);
        machine->cut_off = lc_check_cut_off (run->check, i);
        machine->late_acks = lc_check_late_acks (run->check, i);
        machine->lost_with_crash = lc_check_lost_sent (run->check, i);
        machine->sent = meta->sent;
        machine->send_failed = meta->send_failed;
        machine->unacked = meta->unacked;
        machine->retransmitted = meta->retransmitted;
        machine->duplicates = meta->duplicates;
        machine->rejected = meta->rejected;
        machine->bad_connections = meta->bad_connections;
        machine->untrusted = meta->untrusted;
        self->undelivered += machine->undelivered + machine->cut_off
                           + machine->lost_with_crash;
    }
}

lc_result_t *
lc_report_result (const lc_run_t *run)
{
    assert (run && run->count > 0);
    lc_result_t *self = lc_calloc (1, sizeof *self);
    const lc_meta_t *first = &run->machines [0];
    self->version = s_dup (LCLOCK_VERSION);
    self->dir = lc_strdup (run->run_dir);
    self->rows = lc_stats_run (run->stats)->rows;
    self->speed = lc_stats_speed (run->stats);
    self->duration = first->duration;
    self->roll = (uint32_t) first->roll;
    self->seed = first->seed;
    self->run_id = lc_strdup (first->run_id);
    self->start_time = (double) lc_stats_start_us (run->stats) / S_US_PER_S;
    self->end_time = (double) lc_stats_end_us (run->stats) / S_US_PER_S;
    self->start_spread_ms = (double) lc_stats_start_spread_us (run->stats) / 1000.0;
    self->window_from = run->window_from;
    self->window_to = run->window_to;
    s_result_checks (run, self);
    s_result_machines (run, self);
    self->totals = *lc_stats_run (run->stats);
    self->plots_drawn = run->plots;
    self->plots_note = s_dup (run->plots_note);
    size_t plots = sizeof lc_report_plot_names / sizeof lc_report_plot_names [0];
    self->plot_files = lc_calloc (2 * plots, sizeof *self->plot_files);
    for (size_t i = 0; run->plots && lc_report_plot_names [i]; i++)
        for (int svg = 0; svg < 2; svg++) {
            char name [64];
            snprintf (name, sizeof name, "%s.%s", lc_report_plot_names [i],
                      svg ? "svg" : "png");
            self->plot_files [self->plot_file_count++] = lc_strdup (name);
        }
    self->shiviz = s_dup (run->shiviz);
    if (run->requested) {
        //  A copy through its own writer and reader: the result owns it
        json_t *requested = lc_runinfo_json (run->requested);
        self->requested = lc_runinfo_from_json (requested, "run.json", "lclock analyze");
        json_decref (requested);
    }
    return self;
}

json_t *
lc_report_summary (const lc_run_t *run)
{
    lc_result_t *result = lc_report_result (run);
    json_t *json = lc_result_json (result);
    lc_result_destroy (&result);
    return json;
}

//  --------------------------------------------------------------------------
//  The stdout table

static void
s_print_failures (const lc_result_t *self, FILE *out, const char *bullet)
{
    size_t shown = self->listed_count < LC_REPORT_FAILURES_MAX
                 ? self->listed_count : LC_REPORT_FAILURES_MAX;
    for (size_t i = 0; i < shown; i++) {
        const lc_result_failure_t *failure = &self->listed [i];
        fprintf (out, "%scheck %d (%s): machine %u", bullet, failure->rule,
                 lc_check_rule_name (failure->rule), failure->machine);
        if (failure->row)
            fprintf (out, ", row %llu", (unsigned long long) failure->row);
        fprintf (out, ": %s\n", failure->text);
    }
    if (self->failures > shown)
        fprintf (out, "%s... and %llu more (summary.json lists up to %d)\n", bullet,
                 (unsigned long long) (self->failures - shown), LC_FAILURES_KEPT);
}

static void
s_table_row (FILE *out, const lc_figures_t *fig, bool run)
{
    if (run)
        fprintf (out, "%7s %5s", "run", "-");
    else
        fprintf (out, "%7u %5u", fig->machine, fig->rate);
    fprintf (out, " %8llu %11llu %9.2f %8llu %7.3f %9llu %10.2f %9llu\n",
             (unsigned long long) fig->ticks, (unsigned long long) fig->final_clock,
             fig->jumps.mean, (unsigned long long) fig->jumps.max, fig->jumps.share_one,
             (unsigned long long) fig->queue.max, fig->drift.mean,
             (unsigned long long) fig->drift.max);
}

//  One sentence: how many ticks ran late (wall ms), on which machines, and
//  did lateness reach a tick period (could it have changed the model)?
static void
s_lateness_sentence (const lc_result_t *self, FILE *out)
{
    const lc_figures_t *total = &self->totals;
    fprintf (out, "late ticks (> %d us after due, wall time): %llu of %llu (%.2f%%), "
             "at most %.3f ms late", LC_LATE_TICK_US, (unsigned long long) total->late_ticks,
             (unsigned long long) total->ticks, 100 * total->late_share,
             total->max_lateness_ms);
    for (size_t i = 0, first = 1; i < self->count; i++)
        if (self->machines [i].fig.late_ticks) {
            fprintf (out, "%s m%u %llu", first ? ":" : "", self->machines [i].fig.machine,
                     (unsigned long long) self->machines [i].fig.late_ticks);
            first = 0;
        }
    fprintf (out, "; the shortest tick period is %.3f ms wall, so ", total->period_ms);
    if (total->late_reached_period)
        fprintf (out, "a tick ran as late as a whole tick period: lateness may have "
                 "changed the model (run at a lower speed)\n");
    else
        fprintf (out, "no tick ran a whole period late: the model ran as scheduled\n");
}

static void
s_checks_line (const lc_result_t *self, FILE *out)
{
    if (self->failures == 0) {
        fprintf (out, "checks: all %d hold (%zu machines, %llu rows)\n", LC_RULES,
                 self->count, (unsigned long long) self->rows);
        return;
    }
    int broken = 0;
    for (int rule = 1; rule <= LC_RULES; rule++)
        broken += self->rule_failures [rule - 1] > 0;
    fprintf (out, "checks: %d of %d FAILED (%llu failure%s):", broken, LC_RULES,
             (unsigned long long) self->failures, self->failures == 1 ? "" : "s");
    for (int rule = 1; rule <= LC_RULES; rule++)
        if (self->rule_failures [rule - 1])
            fprintf (out, " %d (%s)", rule, lc_check_rule_name (rule));
    fprintf (out, "\n");
    s_print_failures (self, out, "  ");
}

void
lc_report_table (const lc_result_t *self, FILE *out)
{
    fprintf (out, "%zu machines, roll %u (P(internal) = %.3f), speed %g, %g model s\n",
             self->count, self->roll, lc_runinfo_p_internal (self->roll),
             self->speed, self->duration);
    fprintf (out, "%7s %5s %8s %11s %9s %8s %7s %9s %10s %9s\n", "machine", "rate",
             "ticks", "final_clock", "mean_jump", "max_jump", "jump_+1", "max_queue",
             "drift_mean", "drift_max");
    for (size_t i = 0; i < self->count; i++)
        s_table_row (out, &self->machines [i].fig, false);
    s_table_row (out, &self->totals, true);
    for (size_t i = 0; i < self->count; i++) {
        const lc_result_machine_t *machine = &self->machines [i];
        if (machine->undelivered)
            fprintf (out, "undelivered: %llu message(s) to machine %u (it crashed "
                     "or restarted; listed unacked by their senders)\n",
                     (unsigned long long) machine->undelivered, machine->fig.machine);
        if (machine->cut_off)
            fprintf (out, "undelivered: %llu message(s) to machine %u (it had left "
                     "or was cut off; listed unacked by their senders)\n",
                     (unsigned long long) machine->cut_off, machine->fig.machine);
        if (machine->lost_with_crash)
            fprintf (out, "undelivered: %llu message(s) from machine %u (it crashed "
                     "holding them)\n",
                     (unsigned long long) machine->lost_with_crash, machine->fig.machine);
        if (machine->late_acks)
            fprintf (out, "late acknowledgements: %llu message(s) machine %u logged "
                     "were listed unacked by their senders\n",
                     (unsigned long long) machine->late_acks, machine->fig.machine);
    }
    if (self->totals.late_ticks)
        s_lateness_sentence (self, out);
    fprintf (out, "start spread: %.3f ms (first start rows; across hosts it "
             "includes their clock offset)\n", self->start_spread_ms);
    s_checks_line (self, out);
}

//  --------------------------------------------------------------------------
//  report.md

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

static void
s_md_parameters (const lc_result_t *self, FILE *out)
{
    fprintf (out, "# lclock run report\n\n");
    fprintf (out, "| parameter | value |\n|---|---|\n");
    fprintf (out, "| run directory | `%s` |\n", self->dir);
    fprintf (out, "| run id | %s |\n", self->run_id && *self->run_id ? self->run_id : "-");
    fprintf (out, "| machines | %zu |\n", self->count);
    fprintf (out, "| duration (model s) | %g |\n", self->duration);
    fprintf (out, "| speed | %g |\n", self->speed);
    fprintf (out, "| roll | %u (P(internal) = %.3f) |\n", self->roll,
             lc_runinfo_p_internal (self->roll));
    bool same = true;
    for (size_t i = 0; i < self->count; i++)
        same = same && self->machines [i].seed == self->seed;
    if (same)
        fprintf (out, "| seed | %llu |\n", (unsigned long long) self->seed);
    else
        fprintf (out, "| seed | each machine its own (Machines, below) |\n");
    fprintf (out, "| first row (epoch s) | %.6f |\n", self->start_time);
    fprintf (out, "| last row (epoch s) | %.6f |\n", self->end_time);
    fprintf (out, "| rows | %llu |\n", (unsigned long long) self->rows);
    fprintf (out, "| start spread (ms) | %.3f |\n\n", self->start_spread_ms);
    fprintf (out, "The start spread is the time between the first and the last "
             "machine's first `start` row. Machines start within milliseconds of "
             "each other (the READY round), so across hosts a larger spread is "
             "the offset between their clocks, which shifts message ages and "
             "drift by as much (docs/lan.md).\n\n");
}

static void
s_md_checks (const lc_result_t *self, FILE *out)
{
    fprintf (out, "## Checks: %s\n\n", self->failures ? "FAILED" : "all hold");
    fprintf (out, "| check | rule | result | failures |\n|---|---|---|---|\n");
    for (int rule = 1; rule <= LC_RULES; rule++) {
        uint64_t n = self->rule_failures [rule - 1];
        fprintf (out, "| %d | %s | %s | %llu |\n", rule, lc_check_rule_name (rule),
                 n ? "FAILED" : "ok", (unsigned long long) n);
    }
    fprintf (out, "\n");
    if (self->failures) {
        s_print_failures (self, out, "- ");
        fprintf (out, "\n");
    }
    bool any_lost = false;
    for (size_t i = 0; i < self->count; i++) {
        const lc_result_machine_t *machine = &self->machines [i];
        if (machine->undelivered || machine->cut_off || machine->lost_with_crash
        ||  machine->late_acks) {
            if (!any_lost)
                fprintf (out, "Undelivered, all accounted for (not a failure):\n\n");
            any_lost = true;
            fprintf (out, "- machine %u: %llu message(s) to it unacked as it crashed "
                     "or restarted, %llu unacked as it had left or was cut off, "
                     "%llu from it lost with its crash; %llu late "
                     "acknowledgement(s)\n", machine->fig.machine,
                     (unsigned long long) machine->undelivered,
                     (unsigned long long) machine->cut_off,
                     (unsigned long long) machine->lost_with_crash,
                     (unsigned long long) machine->late_acks);
        }
    }
    if (any_lost)
        fprintf (out, "\n");
}

static void
s_md_machines (const lc_result_t *self, FILE *out)
{
    fprintf (out, "## Machines\n\n| machine | rate | seed | stop reason | restarts | crashed "
             "| undelivered to it | sent | send failed | rejected | bad connections "
             "| untrusted |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < self->count; i++) {
        const lc_result_machine_t *m = &self->machines [i];
        fprintf (out, "| %u | %u | %llu | %s | %llu | %s | %llu | %llu | %llu | %llu | %llu | %llu |\n",
                 m->fig.machine, m->fig.rate, (unsigned long long) m->seed,
                 m->stop_reason ? m->stop_reason : "-",
                 (unsigned long long) m->restarts, m->crashed ? "yes" : "no",
                 (unsigned long long) m->undelivered, (unsigned long long) m->sent,
                 (unsigned long long) m->send_failed, (unsigned long long) m->rejected,
                 (unsigned long long) m->bad_connections,
                 (unsigned long long) m->untrusted);
    }
    fprintf (out, "\nSent, send failed, rejected, bad connections and untrusted are "
             "the machines' own counts (machine-ID.json).\n\n");
}

static void
s_md_figures_row (FILE *out, const char *name, const lc_figures_t *fig, const char *rate)
{
    fprintf (out, "| %s | %s | %llu | %llu | %llu / %.3f / %llu / %llu / %.3f "
             "| %.3f / %llu / %llu / %.3f | %.3f / %llu / %.3f "
             "| %.3f / %.3f / %.3f | %llu (%.2f%%, max %.3f ms) |\n",
             name, rate, (unsigned long long) fig->ticks,
             (unsigned long long) fig->final_clock,
             (unsigned long long) fig->jumps.min, fig->jumps.mean,
             (unsigned long long) fig->jumps.max, (unsigned long long) fig->jumps.mode,
             fig->jumps.share_one,
             fig->queue.mean, (unsigned long long) fig->queue.max,
             (unsigned long long) fig->queue.final, fig->queue.growth,
             fig->drift.mean, (unsigned long long) fig->drift.max, fig->drift.growth,
             fig->age.median_ms, fig->age.p99_ms, fig->age.max_ms,
             (unsigned long long) fig->late_ticks, 100 * fig->late_share,
             fig->max_lateness_ms);
}

static void
s_md_events_row (FILE *out, const char *name, const lc_figures_t *fig)
{
    fprintf (out, "| %s |", name);
    for (int k = 0; k < LC_EV_COUNT; k++)
        fprintf (out, " %llu |", (unsigned long long) fig->events [k]);
    fprintf (out, " %llu |\n", (unsigned long long) fig->rows);
}

static void
s_md_figures (const lc_result_t *self, FILE *out)
{
    fprintf (out, "## Figures\n\n"
             "Jumps: min / mean / max / mode / share of +1. Queue: time-weighted "
             "mean / max / final / growth per model second. Drift: mean / max / "
             "growth per model second. Message age in model ms (wall ms x speed): "
             "median / p99 / max. Late ticks: count (share of ticks, largest "
             "lateness in wall ms). See docs/analysis.md.\n\n");
    fprintf (out, "| machine | rate | ticks | final clock | jumps | queue | drift "
             "| message age (model ms) | late ticks (wall) |\n"
             "|---|---|---|---|---|---|---|---|---|\n");
    char name [32], rate [32];
    for (size_t i = 0; i < self->count; i++) {
        const lc_figures_t *fig = &self->machines [i].fig;
        snprintf (name, sizeof name, "%u", fig->machine);
        snprintf (rate, sizeof rate, "%u", fig->rate);
        s_md_figures_row (out, name, fig, rate);
    }
    s_md_figures_row (out, "run", &self->totals, "-");
    fprintf (out, "\nTick lateness: ");
    s_lateness_sentence (self, out);

    fprintf (out, "\n### Events by kind\n\n| machine |");
    for (int k = 0; k < LC_EV_COUNT; k++)
        fprintf (out, " %s |", lc_event_name ((lc_event_t) k));
    fprintf (out, " rows |\n|---|");
    for (int k = 0; k <= LC_EV_COUNT; k++)
        fprintf (out, "---|");
    fprintf (out, "\n");
    for (size_t i = 0; i < self->count; i++) {
        snprintf (name, sizeof name, "%u", self->machines [i].fig.machine);
        s_md_events_row (out, name, &self->machines [i].fig);
    }
    s_md_events_row (out, "run", &self->totals);
}

//  Jump sizes per machine: the big jumps are the slow machines'
static void
s_md_jumps (const lc_result_t *self, FILE *out)
{
    fprintf (out, "\n### Jump sizes per machine\n\nRows per jump size; the slow "
             "machines make the big jumps.\n\n| jump |");
    for (size_t i = 0; i < self->count; i++)
        fprintf (out, " m%u (rate %u) |", self->machines [i].fig.machine,
                 self->machines [i].fig.rate);
    fprintf (out, " run |\n|---|");
    for (size_t i = 0; i <= self->count; i++)
        fprintf (out, "---|");
    fprintf (out, "\n");
    const lc_jumps_t *total = &self->totals.jumps;
    for (uint64_t k = 0; k <= LC_JUMP_BINS; k++) {
        bool overflow = k == LC_JUMP_BINS;
        uint64_t count = overflow ? total->overflow : total->bins [k];
        if (!count)
            continue;
        if (overflow)
            fprintf (out, "| >= %d |", LC_JUMP_BINS);
        else
            fprintf (out, "| %llu |", (unsigned long long) k);
        for (size_t i = 0; i < self->count; i++) {
            const lc_jumps_t *jumps = &self->machines [i].fig.jumps;
            fprintf (out, " %llu |", (unsigned long long)
                     (overflow ? jumps->overflow : jumps->bins [k]));
        }
        fprintf (out, " %llu |\n", (unsigned long long) count);
    }
}

static void
s_md_plots (const lc_result_t *self, FILE *out)
{
    fprintf (out, "\n## Plots\n\n");
    if (self->plots_drawn)
        for (size_t i = 0; lc_report_plot_names [i]; i++)
            fprintf (out, "- %s: [%s.png](%s.png), [%s.svg](%s.svg)%s\n",
                     s_plot_titles [i], lc_report_plot_names [i],
                     lc_report_plot_names [i], lc_report_plot_names [i],
                     lc_report_plot_names [i],
                     strcmp (lc_report_plot_names [i], "spacetime") == 0
                     ? " (window below)" : "");
    else
        fprintf (out, "No plots: %s.\n", self->plots_note ? self->plots_note : "none drawn");
    fprintf (out, "\nSpace-time window: model seconds %g to %g.\n",
             self->window_from, self->window_to);
    if (self->shiviz)
        fprintf (out, "\nShiViz log: `%s` (upload it to ShiViz as it is, or paste "
                 "line 1 as the regex and lines 3 on as the log).\n", self->shiviz);
}

int
lc_report_markdown (const lc_result_t *self, FILE *out)
{
    s_md_parameters (self, out);
    s_md_requested (self->requested, out);
    s_md_checks (self, out);
    s_md_machines (self, out);
    s_md_figures (self, out);
    s_md_jumps (self, out);
    s_md_plots (self, out);
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
    //  Jump histograms, one per machine: size, count (overflow at
    //  LC_JUMP_BINS)
    for (size_t i = 0; i < run->count; i++) {
        const lc_jumps_t *jumps = &lc_stats_machine (run->stats, i)->jumps;
        fprintf (gp, "$j%zu << EOD\n", i);
        for (uint64_t k = 0; k < LC_JUMP_BINS; k++)
            if (jumps->bins [k])
                fprintf (gp, "%llu %llu\n", (unsigned long long) k,
                         (unsigned long long) jumps->bins [k]);
        if (jumps->overflow || jumps->count == 0)
            fprintf (gp, "%d %llu\n", LC_JUMP_BINS, (unsigned long long) jumps->overflow);
        fprintf (gp, "EOD\n");
    }

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

    //  Per machine, so that the slow machines' big jumps show apart
    bool overflow = lc_stats_run (run->stats)->jumps.overflow > 0;
    fprintf (gp, "set output '%s/jumps.%s'\nset title '%s per machine%s'\n"
             "set xrange [*:*]\nset xlabel 'jump size'\nset ylabel 'rows'\n"
             "set logscale y\nset yrange [0.8:*]\n",
             dir, ext, s_plot_titles [2],
             overflow ? " (last point: " S_OVERFLOW_TEXT " or more)" : "");
    //  Only machines with jumps: gnuplot stops on a plot without a valid
    //  point; a run without any shows an empty frame (-1 is off the scale)
    const char *sep = "plot ";
    for (size_t i = 0; i < run->count; i++)
        if (lc_stats_machine (run->stats, i)->jumps.count) {
            fprintf (gp, "%s$j%zu using 1:($2 > 0 ? $2 : NaN) with linespoints "
                     "title 'm%u (rate %u)'", sep, i,
                     run->machines [i].id, run->machines [i].rate);
            sep = ", \\\n     ";
        }
    if (lc_stats_run (run->stats)->jumps.count == 0)
        fprintf (gp, "unset logscale y\nset yrange [0:1]\nset xrange [0:%d]\n"
                 "plot -1 notitle", LC_JUMP_BINS);
    fprintf (gp, "\nunset logscale y\nset yrange [*:*]\n");

    fprintf (gp, "set output '%s/spacetime.%s'\nset title '%s, model seconds %g to %g'\n"
             "set xlabel 'model seconds'\nset ylabel ''\nset xrange [%.17g:%.17g]\n"
             "set yrange [0.5:%zu.5]\nset ytics (",
             dir, ext, s_plot_titles [4], run->window_from, run->window_to,
             run->window_from, run->window_to, run->count);
    for (size_t i = 0; i < run->count; i++)
        fprintf (gp, "%s'm%u' %zu", i ? ", " : "", run->machines [i].id, i + 1);
    fprintf (gp, ")\nunset grid\n");
    for (size_t i = 0; i < run->count; i++)
        fprintf (gp, "set arrow from %.17g,%zu to %.17g,%zu nohead lc rgb 'gray'\n",
                 run->window_from, i + 1, run->window_to, i + 1);
    size_t events, arrows;
    bool truncated;
    lc_stats_window_events (run->stats, &events, &truncated);
    lc_stats_window_arrows (run->stats, &arrows);
    //  Only what has points: gnuplot stops on a plot without a valid point
    //  (and 5.4 crashes on labels without one); an empty window shows the
    //  lifelines alone (-1 lies below the y range)
    if (arrows)
        fprintf (gp, "plot $arrows using 1:($2 > 0 ? $2 : NaN):3:4 with vectors "
                 "head filled lc rgb 'blue' title 'message'");
    if (events)
        fprintf (gp, "%s$events using 1:($2 > 0 ? $2 : NaN) with points pt 7 ps 0.6 "
                 "lc rgb 'black' title 'event'", arrows ? ", \\\n     " : "plot ");
    if (events && events <= S_LABELS_MAX)
        fprintf (gp, ", \\\n     $events using 1:($2 > 0 ? $2 : NaN):3 with labels "
                 "offset 0,0.7 font ',7' notitle");
    if (!events && !arrows)
        fprintf (gp, "plot -1 notitle");
    fprintf (gp, "\n"
             "unset arrow\nset xrange [*:*]\nset yrange [*:*]\nset ytics auto\n"
             "set output\n");
}

FILE *
lc_report_gnuplot_open (const char *dir, char *draw, size_t size, const char **note,
                        int *status)
{
    char path [S_PATH_MAX];
    const char *gnuplot = s_find_gnuplot (path, sizeof path);
    *status = -1;
    if (!gnuplot) {
        *note = "gnuplot is not installed: no plots drawn (install gnuplot-nox "
                "for them; the checks and figures do not need it)";
        *status = 1;
        return NULL;
    }
    int length = snprintf (draw, size, "%s/.lclock-plots-XXXXXX", dir);
    if (length < 0 || (size_t) length >= size || !mkdtemp (draw)) {
        *note = "no plots: cannot make a folder to draw them in";
        return NULL;
    }
    //  gnuplot runs in draw and names its outputs relative to it, so that
    //  no path is ever inside a gnuplot string (a folder named "it's")
    char *words [] = { draw, (char *) gnuplot };
    char *folder = lc_runinfo_shell_join (1, words);
    char *program = lc_runinfo_shell_join (1, words + 1);
    char *command = lc_malloc (strlen (folder) + strlen (program) + 32);
    sprintf (command, "cd %s && exec %s 2>/dev/null", folder, program);
    FILE *gp = popen (command, "w");
    free (command);
    free (program);
    free (folder);
    if (!gp) {
        *note = "no plots: gnuplot could not be started";
        rmdir (draw);
    }
    return gp;
}

//  True if the picture at path is whole: gnuplot exits 0 when its writes
//  fail (a full disk leaves empty or cut files), so the end of each file
//  is checked: a PNG ends with its IEND chunk, an SVG with </svg>
static bool
s_picture_whole (const char *path)
{
    char tail [32] = "";
    FILE *file = fopen (path, "rb");
    if (!file)
        return false;
    size_t got = 0;
    if (fseek (file, -(long) (sizeof tail - 1), SEEK_END) == 0)
        got = fread (tail, 1, sizeof tail - 1, file);
    fclose (file);
    tail [got] = 0;
    const char *dot = strrchr (path, '.');
    if (dot && strcmp (dot, ".png") == 0)
        return got >= 8 && memcmp (tail + got - 8, "IEND\xae\x42\x60\x82", 8) == 0;
    return strstr (tail, "</svg>") != NULL;
}

//  True if every picture in draw is whole
static bool
s_draw_whole (const char *draw)
{
    bool whole = true;
    DIR *folder = opendir (draw);
    struct dirent *entry;
    while (whole && folder && (entry = readdir (folder))) {
        char path [S_PATH_MAX];
        snprintf (path, sizeof path, "%s/%s", draw, entry->d_name);
        whole = entry->d_name [0] == '.' || s_picture_whole (path);
    }
    if (folder)
        closedir (folder);
    return whole && folder;
}

//  Moves (keep) or removes every file of draw, then draw itself; false if
//  a move failed
static bool
s_empty_draw (const char *draw, const char *dir, bool keep)
{
    bool moved = true;
    DIR *folder = opendir (draw);
    struct dirent *entry;
    while (folder && (entry = readdir (folder))) {
        if (strcmp (entry->d_name, ".") == 0 || strcmp (entry->d_name, "..") == 0)
            continue;
        char from [S_PATH_MAX], to [S_PATH_MAX];
        snprintf (from, sizeof from, "%s/%s", draw, entry->d_name);
        snprintf (to, sizeof to, "%s/%s", dir, entry->d_name);
        if (!keep || rename (from, to) != 0) {
            moved = moved && !keep;
            unlink (from);
        }
    }
    if (folder)
        closedir (folder);
    rmdir (draw);
    return moved;
}

int
lc_report_gnuplot_close (FILE *gp, const char *draw, const char *dir, const char **note)
{
    fprintf (gp, "exit\n");
    bool drawn = pclose (gp) == 0 && s_draw_whole (draw);
    if (!s_empty_draw (draw, dir, drawn) || !drawn) {
        *note = "no plots: gnuplot failed";
        return -1;
    }
    *note = NULL;
    return 0;
}

int
lc_report_plots (const lc_run_t *run, const char *dir, const char **note)
{
    int status;
    char draw [S_PATH_MAX];
    FILE *gp = lc_report_gnuplot_open (dir, draw, sizeof draw, note, &status);
    if (!gp)
        return status;
    s_datablocks (run, gp);
    s_plots_for (run, gp, ".", "png");
    s_plots_for (run, gp, ".", "svg");
    return lc_report_gnuplot_close (gp, draw, dir, note);
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
