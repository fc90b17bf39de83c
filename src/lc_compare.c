/*  lc_compare.c - `lclock compare DIR...`: runs grouped by condition, mean
    and sd over trials of the figures a lab notebook needs.

    Each run is read back from its summary.json through lc_result (the
    value `lclock analyze` wrote; never recomputed here). Runs are grouped
    by run.json's label (`requested.label`), else by their settings. Runs
    whose checks failed are listed and left out of every mean; runs that
    cannot be read are listed with the reason.

    Per condition, each figure of s_figures is taken once per run and
    summarized as mean, sample sd (n - 1), min and max over the runs. Per
    machine, machines of all the condition's runs are grouped by their
    rate gap: the fastest rate of their run minus their own rate.
    docs/compare.md describes comparison.json and comparison.md.
*/
#include "lc_compare.h"
#include "lc_report.h"
#include "lc_json.h"
#include "lc_alloc.h"
#include "lc_file.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_PATH_MAX      4096    //  bytes of a path we build
#define S_NAME_MAX      256     //  bytes of a condition name made from settings
#define S_DEPTH_MAX     16      //  folders searched below a given path
#define S_PROGRAM       "lclock compare"

//  --------------------------------------------------------------------------
//  The figures compared

//  A figure of one run, from its result
typedef double (s_run_fn) (const lc_result_t *result);

typedef struct {
    const char *key;            //  comparison.json key
    const char *title;          //  in comparison.md and the plots
    s_run_fn *get;              //  its value for one run
} s_figure_t;

static double s_jump_mean (const lc_result_t *r) { return r->totals.jumps.mean; }
static double s_jump_max (const lc_result_t *r) { return (double) r->totals.jumps.max; }
static double s_share_one (const lc_result_t *r) { return r->totals.jumps.share_one; }
static double s_drift_mean (const lc_result_t *r) { return r->totals.drift.mean; }
static double s_drift_max (const lc_result_t *r) { return (double) r->totals.drift.max; }
static double s_queue_mean (const lc_result_t *r) { return r->totals.queue.mean; }
static double s_queue_max (const lc_result_t *r) { return (double) r->totals.queue.max; }
static double s_unread (const lc_result_t *r)
    { return (double) r->totals.events [LC_EV_UNREAD]; }
static double s_spread (const lc_result_t *r)
    { return (double) lc_result_clock_spread (r); }
static double s_final_clock (const lc_result_t *r) { return (double) r->totals.final_clock; }
static double s_age_median (const lc_result_t *r) { return r->totals.age.median_ms; }
static double s_late_share (const lc_result_t *r) { return r->totals.late_share; }
static double s_late_max (const lc_result_t *r) { return r->totals.max_lateness_ms; }
//  1 when a tick ran a whole tick period late (lateness may have changed
//  the model: analysis.md), else 0; its mean is the share of such runs
static double s_late_period (const lc_result_t *r)
    { return r->totals.late_reached_period ? 1 : 0; }

//  The largest of the machines' growth: the slowest machine's, which is
//  what grows when anything does
static double
s_drift_growth (const lc_result_t *r)
{
    double high = -HUGE_VAL;
    for (size_t i = 0; i < r->count; i++)
        high = fmax (high, r->machines [i].fig.drift.growth);
    return high;
}

static double
s_queue_growth (const lc_result_t *r)
{
    double high = -HUGE_VAL;
    for (size_t i = 0; i < r->count; i++)
        high = fmax (high, r->machines [i].fig.queue.growth);
    return high;
}

static const s_figure_t s_figures [] = {
    { "jump_mean",        "mean jump",                    s_jump_mean },
    { "jump_max",         "max jump",                     s_jump_max },
    { "share_one",        "share of +1 jumps",            s_share_one },
    { "drift_mean",       "mean drift (ticks)",           s_drift_mean },
    { "drift_max",        "max drift (ticks)",            s_drift_max },
    { "drift_growth_max", "drift growth (ticks/s, max)",  s_drift_growth },
    { "queue_mean",       "mean queue",                   s_queue_mean },
    { "queue_max",        "max queue",                    s_queue_max },
    { "queue_growth_max", "queue growth (msgs/s, max)",   s_queue_growth },
    { "unread",           "unread at the end",            s_unread },
    { "clock_spread",     "final clock spread",           s_spread },
    { "final_clock",      "highest final clock",          s_final_clock },
    { "age_median",       "message age median (model ms)", s_age_median },
    { "late_share",       "share of late ticks",          s_late_share },
    { "late_max_ms",      "largest lateness (wall ms)",   s_late_max },
    { "late_period",      "runs late by a whole period",  s_late_period },
};
#define S_FIGURES  (sizeof s_figures / sizeof s_figures [0])

//  A figure of one machine
typedef double (s_machine_fn) (const lc_figures_t *fig);

typedef struct {
    const char *key;            //  comparison.json key
    const char *title;          //  comparison.md column
    s_machine_fn *get;          //  its value for one machine
} s_machine_figure_t;

static double s_m_jump_mean (const lc_figures_t *f) { return f->jumps.mean; }
static double s_m_jump_max (const lc_figures_t *f) { return (double) f->jumps.max; }
static double s_m_share_one (const lc_figures_t *f) { return f->jumps.share_one; }
static double s_m_queue_mean (const lc_figures_t *f) { return f->queue.mean; }
static double s_m_queue_growth (const lc_figures_t *f) { return f->queue.growth; }
static double s_m_drift_mean (const lc_figures_t *f) { return f->drift.mean; }
static double s_m_drift_growth (const lc_figures_t *f) { return f->drift.growth; }

static const s_machine_figure_t s_machine_figures [] = {
    { "jump_mean",    "mean jump",        s_m_jump_mean },
    { "jump_max",     "max jump",         s_m_jump_max },
    { "share_one",    "share of +1",      s_m_share_one },
    { "queue_mean",   "mean queue",       s_m_queue_mean },
    { "queue_growth", "queue growth /s",  s_m_queue_growth },
    { "drift_mean",   "mean drift",       s_m_drift_mean },
    { "drift_growth", "drift growth /s",  s_m_drift_growth },
};
#define S_MACHINE_FIGURES  (sizeof s_machine_figures / sizeof s_machine_figures [0])

lc_spread_t
lc_compare_spread (const double *values, size_t n)
{
    lc_spread_t spread = { 0, NAN, NAN, NAN, NAN };
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan (values [i])) {
            spread.min = spread.n ? fmin (spread.min, values [i]) : values [i];
            spread.max = spread.n ? fmax (spread.max, values [i]) : values [i];
            sum += values [i];
            spread.n++;
        }
    if (spread.n == 0)
        return spread;
    spread.mean = sum / (double) spread.n;
    if (spread.min == spread.max)
        spread.mean = spread.min;   //  exactly, not sum / n with rounding
    if (spread.n < 2)
        return spread;
    if (spread.min == spread.max) {
        spread.sd = 0;
        return spread;
    }
    double squares = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan (values [i]))
            squares += (values [i] - spread.mean) * (values [i] - spread.mean);
    spread.sd = sqrt (squares / (double) (spread.n - 1));
    return spread;
}

//  --------------------------------------------------------------------------
//  Runs and conditions

typedef struct {
    char *dir;                  //  the run directory
    lc_result_t *result;        //  its summary.json, or NULL
    char *why;                  //  why it could not be read, or NULL
    size_t group;               //  index of its condition
} s_run_t;

typedef struct {
    uint32_t gap;               //  fastest rate of the run minus this rate
    size_t machines;            //  machines with this gap (ok runs)
    lc_spread_t figures [S_MACHINE_FIGURES];
} s_gap_t;

typedef struct {
    char *name;                 //  label, or a name made from the settings
    size_t runs;                //  runs in it
    size_t ok;                  //  runs whose checks hold: in the means
    lc_spread_t figures [S_FIGURES];
    s_gap_t *gaps;              //  ascending by gap
    size_t gap_count;
    const lc_result_t *first;   //  its first run read, for its settings
} s_group_t;

struct _lc_compare_t {
    const char *program;        //  prefix of error lines
    s_run_t *runs;              //  in the order found
    size_t run_count;
    s_group_t *groups;          //  in the order first seen
    size_t group_count;
    bool finished;              //  lc_compare_finish was called
};

lc_compare_t *
lc_compare_new (const char *program)
{
    lc_compare_t *self = lc_calloc (1, sizeof *self);
    self->program = program;
    return self;
}

void
lc_compare_destroy (lc_compare_t **self_p)
{
    assert (self_p);
    lc_compare_t *self = *self_p;
    if (!self)
        return;
    for (size_t i = 0; i < self->run_count; i++) {
        free (self->runs [i].dir);
        free (self->runs [i].why);
        lc_result_destroy (&self->runs [i].result);
    }
    free (self->runs);
    for (size_t i = 0; i < self->group_count; i++) {
        free (self->groups [i].name);
        free (self->groups [i].gaps);
    }
    free (self->groups);
    free (self);
    *self_p = NULL;
}

//  Reads one run directory's summary.json
static void
s_add_run (lc_compare_t *self, const char *dir)
{
    self->runs = lc_realloc (self->runs, self->run_count + 1, sizeof *self->runs);
    s_run_t *run = &self->runs [self->run_count++];
    memset (run, 0, sizeof *run);
    run->dir = lc_strdup (dir);
    //  The reader says why on stderr; the run is listed either way
    int rc = lc_result_load (dir, self->program, &run->result);
    if (rc == 1)
        run->why = lc_strdup ("no summary.json: not analyzed (run 'lclock analyze' on it)");
    else
    if (rc < 0)
        run->why = lc_strdup ("summary.json unreadable (see stderr)");
}

static bool
s_is_run_dir (const char *dir)
{
    DIR *handle = opendir (dir);
    if (!handle)
        return false;
    bool run = false;
    struct dirent *entry;
    while (!run && (entry = readdir (handle))) {
        size_t length = strlen (entry->d_name);
        run = strcmp (entry->d_name, LC_RESULT_FILE) == 0
           || (strncmp (entry->d_name, "machine-", 8) == 0 && length > 12
               && strcmp (entry->d_name + length - 4, ".csv") == 0);
    }
    closedir (handle);
    return run;
}

static int
s_compare_names (const struct dirent **a, const struct dirent **b)
{
    return strverscmp ((*a)->d_name, (*b)->d_name);     //  trial-2 before trial-10
}

static int
s_dirs_only (const struct dirent *entry)
{
    return entry->d_name [0] != '.';
}

//  Adds path if it is a run directory, else searches the folders in it
static size_t
s_search (lc_compare_t *self, const char *path, int depth)
{
    struct stat info;
    if (stat (path, &info) || !S_ISDIR (info.st_mode) || depth > S_DEPTH_MAX)
        return 0;
    if (s_is_run_dir (path)) {
        s_add_run (self, path);
        return 1;
    }
    struct dirent **entries;
    int count = scandir (path, &entries, s_dirs_only, s_compare_names);
    size_t found = 0;
    for (int i = 0; i < count; i++) {
        char child [S_PATH_MAX];
        if (snprintf (child, sizeof child, "%s/%s", path, entries [i]->d_name)
            < (int) sizeof child)
            found += s_search (self, child, depth + 1);
        free (entries [i]);
    }
    if (count >= 0)
        free (entries);
    return found;
}

size_t
lc_compare_add (lc_compare_t *self, const char *path)
{
    assert (self && !self->finished);
    char trimmed [S_PATH_MAX];
    snprintf (trimmed, sizeof trimmed, "%s", path);
    size_t length = strlen (trimmed);
    while (length > 1 && trimmed [length - 1] == '/')
        trimmed [--length] = 0;
    return s_search (self, trimmed, 0);
}

//  The condition of a run: its label, else its settings in words
static void
s_condition_name (const lc_result_t *result, char *name, size_t size)
{
    const lc_runinfo_t *requested = result->requested;
    if (requested && requested->label) {
        snprintf (name, size, "%s", requested->label);
        return;
    }
    int used = snprintf (name, size, "%zu machines", result->count);
    if (requested && requested->rates) {
        used += snprintf (name + used, size - used, ", rates ");
        for (uint32_t i = 0; i < requested->machines && used < (int) size; i++)
            used += snprintf (name + used, size - used, "%s%u", i ? "," : "",
                              requested->rates [i]);
    }
    else
    if (requested && used < (int) size)
        used += snprintf (name + used, size - used, ", rate %u-%u", requested->rate_min,
                          requested->rate_max);
    if (used < (int) size)
        snprintf (name + used, size - used, ", roll %u, %g s, speed %g", result->roll,
                  result->duration, result->speed);
}

static size_t
s_group_of (lc_compare_t *self, const char *name)
{
    for (size_t i = 0; i < self->group_count; i++)
        if (strcmp (self->groups [i].name, name) == 0)
            return i;
    self->groups = lc_realloc (self->groups, self->group_count + 1, sizeof *self->groups);
    s_group_t *group = &self->groups [self->group_count];
    memset (group, 0, sizeof *group);
    group->name = lc_strdup (name);
    return self->group_count++;
}

static uint32_t
s_fastest (const lc_result_t *result)
{
    uint32_t fastest = 0;
    for (size_t i = 0; i < result->count; i++)
        if (result->machines [i].fig.rate > fastest)
            fastest = result->machines [i].fig.rate;
    return fastest;
}

//  Per machine, by rate gap, over the group's good runs
static void
s_group_gaps (lc_compare_t *self, size_t index)
{
    s_group_t *group = &self->groups [index];
    uint32_t widest = 0;
    size_t machines = 0;
    for (size_t r = 0; r < self->run_count; r++) {
        const s_run_t *run = &self->runs [r];
        if (run->group != index || !run->result || !run->result->checks_ok)
            continue;
        uint32_t fastest = s_fastest (run->result);
        for (size_t i = 0; i < run->result->count; i++) {
            uint32_t gap = fastest - run->result->machines [i].fig.rate;
            widest = gap > widest ? gap : widest;
        }
        machines += run->result->count;
    }
    if (machines == 0)
        return;
    double *values = lc_calloc (machines, sizeof *values);
    for (uint32_t gap = 0; gap <= widest; gap++) {
        s_gap_t entry = { gap, 0, { { 0 } } };
        for (size_t f = 0; f < S_MACHINE_FIGURES; f++) {
            size_t n = 0;
            for (size_t r = 0; r < self->run_count; r++) {
                const s_run_t *run = &self->runs [r];
                if (run->group != index || !run->result || !run->result->checks_ok)
                    continue;
                uint32_t fastest = s_fastest (run->result);
                for (size_t i = 0; i < run->result->count; i++)
                    if (fastest - run->result->machines [i].fig.rate == gap)
                        values [n++] = s_machine_figures [f].get (&run->result->machines [i].fig);
            }
            entry.machines = n;
            entry.figures [f] = lc_compare_spread (values, n);
        }
        if (entry.machines == 0)
            continue;
        group->gaps = lc_realloc (group->gaps, group->gap_count + 1, sizeof *group->gaps);
        group->gaps [group->gap_count++] = entry;
    }
    free (values);
}

static void
s_group_figures (lc_compare_t *self, size_t index)
{
    s_group_t *group = &self->groups [index];
    double *values = lc_calloc (self->run_count, sizeof *values);
    for (size_t f = 0; f < S_FIGURES; f++) {
        size_t n = 0;
        for (size_t r = 0; r < self->run_count; r++) {
            const s_run_t *run = &self->runs [r];
            if (run->group == index && run->result && run->result->checks_ok)
                values [n++] = s_figures [f].get (run->result);
        }
        group->figures [f] = lc_compare_spread (values, n);
    }
    free (values);
    s_group_gaps (self, index);
}

void
lc_compare_finish (lc_compare_t *self)
{
    assert (!self->finished);
    self->finished = true;
    char name [S_NAME_MAX];
    for (size_t r = 0; r < self->run_count; r++) {
        s_run_t *run = &self->runs [r];
        if (!run->result)
            continue;
        s_condition_name (run->result, name, sizeof name);
        run->group = s_group_of (self, name);
        s_group_t *group = &self->groups [run->group];
        group->runs++;
        group->ok += run->result->checks_ok;
        if (!group->first)
            group->first = run->result;
    }
    for (size_t g = 0; g < self->group_count; g++)
        s_group_figures (self, g);
}

size_t
lc_compare_runs (lc_compare_t *self)
{
    size_t read = 0;
    for (size_t r = 0; r < self->run_count; r++)
        read += self->runs [r].result != NULL;
    return read;
}

size_t
lc_compare_failed (lc_compare_t *self)
{
    size_t failed = 0;
    for (size_t r = 0; r < self->run_count; r++)
        failed += self->runs [r].result && !self->runs [r].result->checks_ok;
    return failed;
}

size_t
lc_compare_unreadable (lc_compare_t *self)
{
    return self->run_count - lc_compare_runs (self);
}

//  --------------------------------------------------------------------------
//  comparison.json

static json_t *
s_spread_json (const lc_spread_t *spread)
{
    return json_pack ("{s:I,s:o,s:o,s:o,s:o}", "n", (json_int_t) spread->n,
                      "mean", lc_json_round (spread->mean), "sd", lc_json_round (spread->sd),
                      "min", lc_json_round (spread->min), "max", lc_json_round (spread->max));
}

//  What was asked of the condition's runs (its first run's run.json, or
//  what the first run's summary says)
static json_t *
s_settings_json (const lc_result_t *first)
{
    const lc_runinfo_t *requested = first->requested;
    json_t *rates = json_null ();
    if (requested && requested->rates) {
        rates = json_array ();
        for (uint32_t i = 0; i < requested->machines; i++)
            json_array_append_new (rates, json_integer (requested->rates [i]));
    }
    char rate [32] = "";
    if (requested)
        snprintf (rate, sizeof rate, requested->rate_min == requested->rate_max
                  ? "%u" : "%u-%u", requested->rate_min, requested->rate_max);
    return json_pack ("{s:I,s:o,s:o,s:I,s:o,s:o,s:o}",
        "machines", (json_int_t) first->count,
        "rate", requested ? json_string (rate) : json_null (),
        "rates", rates,
        "roll", (json_int_t) first->roll,
        "p_internal", lc_json_round (lc_runinfo_p_internal (first->roll)),
        "speed", lc_json_round (first->speed),
        "duration", lc_json_round (first->duration));
}

static json_t *
s_group_json (const lc_compare_t *self, size_t index)
{
    const s_group_t *group = &self->groups [index];
    json_t *figures = json_object ();
    for (size_t f = 0; f < S_FIGURES; f++)
        json_object_set_new (figures, s_figures [f].key, s_spread_json (&group->figures [f]));
    json_t *gaps = json_array ();
    for (size_t g = 0; g < group->gap_count; g++) {
        json_t *entry = json_pack ("{s:I,s:I}", "gap", (json_int_t) group->gaps [g].gap,
                                   "machines", (json_int_t) group->gaps [g].machines);
        for (size_t f = 0; f < S_MACHINE_FIGURES; f++)
            json_object_set_new (entry, s_machine_figures [f].key,
                                 s_spread_json (&group->gaps [g].figures [f]));
        json_array_append_new (gaps, entry);
    }
    json_t *seeds = json_array ();
    for (size_t r = 0; r < self->run_count; r++)
        if (self->runs [r].result && self->runs [r].group == index
        &&  self->runs [r].result->checks_ok)
            json_array_append_new (seeds, lc_json_uint (self->runs [r].result->seed));
    return json_pack ("{s:s,s:I,s:I,s:I,s:o,s:o,s:o,s:o}",
        "name", group->name, "runs", (json_int_t) group->runs,
        "compared", (json_int_t) group->ok,
        "failed", (json_int_t) (group->runs - group->ok),
        "settings", s_settings_json (group->first), "seeds", seeds,
        "figures", figures, "by_gap", gaps);
}

//  One run: its condition, checks, figures and each machine's, so that a
//  notebook can hold a model against every run
static json_t *
s_run_json (const lc_compare_t *self, const s_run_t *run)
{
    const lc_result_t *result = run->result;
    json_t *figures = json_object ();
    for (size_t f = 0; f < S_FIGURES; f++)
        json_object_set_new (figures, s_figures [f].key,
                             lc_json_round (s_figures [f].get (result)));
    json_t *machines = json_array ();
    uint32_t fastest = s_fastest (result);
    for (size_t i = 0; i < result->count; i++) {
        const lc_figures_t *fig = &result->machines [i].fig;
        json_t *machine = json_pack ("{s:I,s:I,s:I,s:o,s:o,s:o,s:o}",
            "machine", (json_int_t) fig->machine, "rate", (json_int_t) fig->rate,
            "gap", (json_int_t) (fastest - fig->rate), "ticks", lc_json_uint (fig->ticks),
            "final_clock", lc_json_uint (fig->final_clock),
            "recv", lc_json_uint (fig->events [LC_EV_RECV]),
            "send", lc_json_uint (fig->events [LC_EV_SEND]));
        json_object_set_new (machine, "queue_max", lc_json_uint (fig->queue.max));
        json_object_set_new (machine, "queue_final", lc_json_uint (fig->queue.final));
        json_object_set_new (machine, "drift_max", lc_json_uint (fig->drift.max));
        for (size_t f = 0; f < S_MACHINE_FIGURES; f++)
            json_object_set_new (machine, s_machine_figures [f].key,
                                 lc_json_round (s_machine_figures [f].get (fig)));
        json_array_append_new (machines, machine);
    }
    const char *first_failure = result->listed_count ? result->listed [0].text : NULL;
    return json_pack ("{s:s,s:s,s:b,s:o,s:o,s:o,s:o,s:o}",
        "dir", run->dir, "condition", self->groups [run->group].name,
        "ok", result->checks_ok, "failures", lc_json_uint (result->failures),
        "first_failure", lc_json_text_or_null (first_failure),
        "seed", lc_json_uint (result->seed), "figures", figures, "machines", machines);
}

json_t *
lc_compare_json (lc_compare_t *self)
{
    assert (self->finished);
    json_t *conditions = json_array ();
    for (size_t g = 0; g < self->group_count; g++)
        json_array_append_new (conditions, s_group_json (self, g));
    json_t *runs = json_array ();
    json_t *unreadable = json_array ();
    for (size_t r = 0; r < self->run_count; r++) {
        const s_run_t *run = &self->runs [r];
        if (run->result)
            json_array_append_new (runs, s_run_json (self, run));
        else
            json_array_append_new (unreadable, json_pack ("{s:s,s:s}", "dir", run->dir,
                                                          "why", run->why));
    }
    json_t *keys = json_array ();
    for (size_t f = 0; f < S_FIGURES; f++)
        json_array_append_new (keys, json_pack ("{s:s,s:s}", "key", s_figures [f].key,
                                                "title", s_figures [f].title));
    return json_pack ("{s:s,s:I,s:I,s:I,s:o,s:o,s:o,s:o}",
        "version", LCLOCK_VERSION,
        "runs_read", (json_int_t) lc_compare_runs (self),
        "runs_failed", (json_int_t) lc_compare_failed (self),
        "runs_unreadable", (json_int_t) lc_compare_unreadable (self),
        "figures", keys, "conditions", conditions, "runs", runs,
        "unreadable", unreadable);
}

//  --------------------------------------------------------------------------
//  comparison.md and the table

//  A figure for people: digits significant digits, whole numbers from
//  10^digits on (never an exponent)
static const char *
s_number (double value, int digits, char *text, size_t size)
{
    if (fabs (value) >= pow (10, digits))
        snprintf (text, size, "%.0f", value);
    else
        snprintf (text, size, "%.*g", digits, value);
    return text;
}

//  "mean ± sd", "mean" alone for one run, "-" for none
static const char *
s_spread_text (const lc_spread_t *spread, const char *between, char *text, size_t size)
{
    char mean [32], sd [32];
    if (spread->n == 0)
        snprintf (text, size, "-");
    else
    if (spread->n == 1)
        snprintf (text, size, "%s", s_number (spread->mean, 3, mean, sizeof mean));
    else
        snprintf (text, size, "%s%s%s", s_number (spread->mean, 3, mean, sizeof mean),
                  between, s_number (spread->sd, 2, sd, sizeof sd));
    return text;
}

static void
s_md_spread (FILE *out, const lc_spread_t *spread)
{
    char text [80];
    fprintf (out, " %s |", s_spread_text (spread, " ± ", text, sizeof text));
}

static void
s_md_settings (FILE *out, const s_group_t *group)
{
    const lc_result_t *first = group->first;
    const lc_runinfo_t *requested = first->requested;
    fprintf (out, "| %s | %zu |", group->name, first->count);
    if (requested && requested->rates) {
        for (uint32_t i = 0; i < requested->machines; i++)
            fprintf (out, "%s%u", i ? "," : " ", requested->rates [i]);
        fprintf (out, " (fixed) |");
    }
    else
    if (requested)
        fprintf (out, " %u-%u |", requested->rate_min, requested->rate_max);
    else
        fprintf (out, " ? |");
    fprintf (out, " %u (%.2f) | %g | %g | %zu | %zu |\n", first->roll,
             lc_runinfo_p_internal (first->roll), first->duration, first->speed,
             group->ok, group->runs - group->ok);
}

static void
s_md_figure_table (lc_compare_t *self, FILE *out, size_t from, size_t to)
{
    fprintf (out, "| condition |");
    for (size_t f = from; f < to; f++)
        fprintf (out, " %s |", s_figures [f].title);
    fprintf (out, "\n|---|");
    for (size_t f = from; f < to; f++)
        fprintf (out, "---|");
    fprintf (out, "\n");
    for (size_t g = 0; g < self->group_count; g++) {
        fprintf (out, "| %s |", self->groups [g].name);
        for (size_t f = from; f < to; f++)
            s_md_spread (out, &self->groups [g].figures [f]);
        fprintf (out, "\n");
    }
    fprintf (out, "\n");
}

static void
s_md_gaps (lc_compare_t *self, FILE *out)
{
    fprintf (out, "## Per machine, by rate gap\n\nEach machine of each compared run, "
             "grouped by its gap: the fastest rate of its run minus its own. Mean ± sd "
             "over the machines.\n\n| condition | gap | machines |");
    for (size_t f = 0; f < S_MACHINE_FIGURES; f++)
        fprintf (out, " %s |", s_machine_figures [f].title);
    fprintf (out, "\n|---|---|---|");
    for (size_t f = 0; f < S_MACHINE_FIGURES; f++)
        fprintf (out, "---|");
    fprintf (out, "\n");
    for (size_t g = 0; g < self->group_count; g++)
        for (size_t k = 0; k < self->groups [g].gap_count; k++) {
            const s_gap_t *gap = &self->groups [g].gaps [k];
            fprintf (out, "| %s | %u | %zu |", self->groups [g].name, gap->gap,
                     gap->machines);
            for (size_t f = 0; f < S_MACHINE_FIGURES; f++)
                s_md_spread (out, &gap->figures [f]);
            fprintf (out, "\n");
        }
    fprintf (out, "\n");
}

static void
s_md_left_out (lc_compare_t *self, FILE *out)
{
    if (lc_compare_failed (self) + lc_compare_unreadable (self) == 0) {
        fprintf (out, "Every run found was read and passed its checks.\n\n");
        return;
    }
    fprintf (out, "## Left out\n\n");
    for (size_t r = 0; r < self->run_count; r++) {
        const s_run_t *run = &self->runs [r];
        if (!run->result)
            fprintf (out, "- `%s`: %s\n", run->dir, run->why);
        else
        if (!run->result->checks_ok)
            fprintf (out, "- `%s` (%s): checks FAILED, %llu failure(s)%s%s\n", run->dir,
                     self->groups [run->group].name,
                     (unsigned long long) run->result->failures,
                     run->result->listed_count ? ", first: " : "",
                     run->result->listed_count ? run->result->listed [0].text : "");
    }
    fprintf (out, "\n");
}

int
lc_compare_markdown (lc_compare_t *self, FILE *out, bool plots)
{
    assert (self->finished);
    fprintf (out, "# lclock comparison\n\n%zu runs read, %zu with failed checks "
             "(left out), %zu unreadable (left out). Figures: mean ± sd over the "
             "runs of a condition (sample sd); message age in model ms. "
             "docs/compare.md defines each.\n\n", lc_compare_runs (self),
             lc_compare_failed (self), lc_compare_unreadable (self));
    fprintf (out, "## Conditions\n\n| condition | machines | rate | roll (P(internal)) "
             "| duration (model s) | speed | runs compared | runs failed |\n"
             "|---|---|---|---|---|---|---|---|\n");
    for (size_t g = 0; g < self->group_count; g++)
        s_md_settings (out, &self->groups [g]);
    fprintf (out, "\n## Clocks\n\n");
    s_md_figure_table (self, out, 0, 6);
    fprintf (out, "## Queues, messages, timing\n\n");
    s_md_figure_table (self, out, 6, S_FIGURES);
    s_md_gaps (self, out);
    s_md_left_out (self, out);
    if (plots) {
        fprintf (out, "## Plots\n\n");
        for (size_t f = 0; f < S_FIGURES; f++)
            fprintf (out, "- %s: [compare-%s.png](compare-%s.png), "
                     "[compare-%s.svg](compare-%s.svg)\n", s_figures [f].title,
                     s_figures [f].key, s_figures [f].key, s_figures [f].key,
                     s_figures [f].key);
        fprintf (out, "- mean jump by rate gap: [compare-gap-jump.png](compare-gap-jump.png), "
                 "[compare-gap-jump.svg](compare-gap-jump.svg)\n");
    }
    return ferror (out) ? -1 : 0;
}

void
lc_compare_table (lc_compare_t *self, FILE *out)
{
    fprintf (out, "%-24s %4s %4s %13s %11s %11s %12s %12s %13s\n", "condition", "runs",
             "left", "mean_jump", "max_jump", "share_+1", "drift_max", "queue_max",
             "age_median");
    static const size_t columns [] = { 0, 1, 2, 4, 7, 12 };
    for (size_t g = 0; g < self->group_count; g++) {
        const s_group_t *group = &self->groups [g];
        fprintf (out, "%-24.24s %4zu %4zu", group->name, group->ok, group->runs - group->ok);
        for (size_t c = 0; c < sizeof columns / sizeof columns [0]; c++) {
            char cell [80];
            s_spread_text (&group->figures [columns [c]], "±", cell, sizeof cell);
            fprintf (out, " %*s", c == 0 || c == 5 ? 13 : c < 3 ? 11 : 12, cell);
        }
        fprintf (out, "\n");
    }
    for (size_t r = 0; r < self->run_count; r++) {
        const s_run_t *run = &self->runs [r];
        if (!run->result)
            fprintf (out, "left out: %s: %s\n", run->dir, run->why);
        else
        if (!run->result->checks_ok)
            fprintf (out, "left out: %s (%s): checks FAILED\n", run->dir,
                     self->groups [run->group].name);
    }
    fprintf (out, "compared: %zu runs in %zu conditions (%zu left out)\n",
             lc_compare_runs (self) - lc_compare_failed (self), self->group_count,
             lc_compare_failed (self) + lc_compare_unreadable (self));
}

//  --------------------------------------------------------------------------
//  Plots

static void
s_plot_figure (lc_compare_t *self, FILE *gp, size_t f, const char *dir, const char *ext)
{
    fprintf (gp, "set output '%s/compare-%s.%s'\nset title '%s (mean ± sd over runs)'\n"
             "set ylabel '%s'\n", dir, s_figures [f].key, ext, s_figures [f].title,
             s_figures [f].title);
    fprintf (gp, "$d << EOD\n");
    for (size_t g = 0; g < self->group_count; g++) {
        const lc_spread_t *spread = &self->groups [g].figures [f];
        fprintf (gp, "\"%s\" %.9g %.9g\n", self->groups [g].name,
                 spread->n ? spread->mean : 0, spread->n > 1 ? spread->sd : 0);
    }
    fprintf (gp, "EOD\nplot $d using 0:2:3:xtic(1) with boxerrorbars notitle "
             "lc rgb '#4477aa'\n");
}

static void
s_plot_gaps (lc_compare_t *self, FILE *gp, const char *dir, const char *ext)
{
    uint32_t widest = 0;
    for (size_t g = 0; g < self->group_count; g++)
        for (size_t k = 0; k < self->groups [g].gap_count; k++)
            if (self->groups [g].gaps [k].gap > widest)
                widest = self->groups [g].gaps [k].gap;
    fprintf (gp, "set output '%s/compare-gap-jump.%s'\nset title 'Mean jump of a "
             "machine by its rate gap to the fastest machine (mean ± sd)'\n"
             "set xlabel 'rate gap'\nset ylabel 'mean jump'\nset xtics 1\n"
             "set key outside right\nset xrange [-0.5:%u.5]\nset style fill empty\nplot ",
             dir, ext, widest);
    for (size_t g = 0; g < self->group_count; g++)
        fprintf (gp, "%s'-' using 1:2:3 with yerrorlines title '%s'", g ? ", " : "",
                 self->groups [g].name);
    fprintf (gp, "\n");
    for (size_t g = 0; g < self->group_count; g++) {
        const s_group_t *group = &self->groups [g];
        for (size_t k = 0; k < group->gap_count; k++) {
            const lc_spread_t *spread = &group->gaps [k].figures [0];
            fprintf (gp, "%u %.9g %.9g\n", group->gaps [k].gap, spread->mean,
                     spread->n > 1 ? spread->sd : 0);
        }
        if (group->gap_count == 0)
            fprintf (gp, "0 NaN 0\n");
        fprintf (gp, "e\n");
    }
}

int
lc_compare_plots (lc_compare_t *self, const char *dir, const char **note)
{
    for (size_t g = 0; g < self->group_count; g++)
        if (strpbrk (self->groups [g].name, "\"'\\")) {
            *note = "no plots: a condition name holds a quote";
            return -1;
        }
    int status;
    char draw [S_PATH_MAX];
    FILE *gp = lc_report_gnuplot_open (dir, draw, sizeof draw, note, &status);
    if (!gp)
        return status;
    for (int svg = 0; svg < 2; svg++) {
        const char *ext = svg ? "svg" : "png";
        fprintf (gp, "reset\nset terminal %s size 1000,600 noenhanced\nset grid ytics\n"
                 "set style fill solid 0.6\nset boxwidth 0.6\nset xtics rotate by -30\n"
                 "set yrange [0:*]\nset xrange [-0.6:%zu.6]\n",
                 svg ? "svg" : "pngcairo", self->group_count ? self->group_count - 1 : 0);
        for (size_t f = 0; f < S_FIGURES; f++)
            s_plot_figure (self, gp, f, ".", ext);
        fprintf (gp, "set xtics norotate\nset autoscale x\n");
        s_plot_gaps (self, gp, ".", ext);
        fprintf (gp, "set output\n");
    }
    return lc_report_gnuplot_close (gp, draw, dir, note);
}

//  --------------------------------------------------------------------------
//  The command

static const char *s_help =
"usage: lclock compare DIR... [--out DIR] [--json] [--no-plots]\n"
"\n"
"Finds the run directories in and under each DIR (each analyzed: its\n"
"summary.json is read), groups them by condition (run.json's label, else\n"
"their settings) and writes comparison.md, comparison.json and plots:\n"
"per condition, mean and sd over its runs of jumps, drift, queues,\n"
"unread messages, final clock spread and message age; per machine, by\n"
"its rate gap to the fastest machine of its run. Runs whose checks failed\n"
"are listed and left out of the means.\n"
"\n"
"  --out DIR    write the outputs into DIR (created if missing; default:\n"
"               the first DIR given)\n"
"  --json       print comparison.json on stdout instead of the table\n"
"  --no-plots   do not run gnuplot\n"
"  -h, --help   print this help and exit\n"
"\n"
"Exit status: 0 compared; 1 some run failed its checks or could not be\n"
"read (compared without it); 2 nothing readable, a bad option, or an\n"
"output could not be written. See docs/compare.md.\n";

typedef struct {
    const char *out;            //  --out, or the first DIR
    bool json;                  //  --json
    bool plots;                 //  not --no-plots
    int first;                  //  index of the first DIR in argv
} s_options_t;

//  Returns -1 to go on, else the exit status
static int
s_parse_options (int argc, char *argv [], s_options_t *options)
{
    static const struct option longs [] = {
        { "out",      required_argument, NULL, 'o' },
        { "json",     no_argument,       NULL, 'j' },
        { "no-plots", no_argument,       NULL, 'n' },
        { "help",     no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    *options = (s_options_t) { NULL, false, true, 0 };
    optind = 1;
    opterr = 0;
    int opt;
    while ((opt = getopt_long (argc, argv, ":h", longs, NULL)) != -1) {
        switch (opt) {
            case 'o': options->out = optarg; break;
            case 'j': options->json = true; break;
            case 'n': options->plots = false; break;
            case 'h':
                fputs (s_help, stdout);
                return LC_EXIT_OK;
            case ':':
                fprintf (stderr, S_PROGRAM ": %s needs a value (try 'lclock compare "
                         "--help')\n", argv [optind - 1]);
                return LC_EXIT_USAGE;
            default:
                fprintf (stderr, S_PROGRAM ": unknown option '%s' (try 'lclock compare "
                         "--help')\n", argv [optind - 1]);
                return LC_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        fprintf (stderr, S_PROGRAM ": expected at least one DIR (try 'lclock compare "
                 "--help')\n");
        return LC_EXIT_USAGE;
    }
    options->first = optind;
    if (!options->out)
        options->out = argv [optind];
    return -1;
}

//  comparison.md, for lc_file_write_whole (a failed write shows at the
//  commit)
typedef struct {
    lc_compare_t *self;
    bool plots;
} s_markdown_t;

static int
s_write_markdown (FILE *file, const void *arg)
{
    const s_markdown_t *markdown = (const s_markdown_t *) arg;
    lc_compare_markdown (markdown->self, file, markdown->plots);
    return 0;
}

static int
s_write (lc_compare_t *self, const s_options_t *options, json_t *json)
{
    char path [S_PATH_MAX];
    if (lc_file_mkdir_p (options->out)) {
        fprintf (stderr, S_PROGRAM ": cannot create --out %s: %s\n", options->out,
                 strerror (errno));
        return -1;
    }
    snprintf (path, sizeof path, "%s/comparison.json", options->out);
    if (lc_result_dump (json, path)) {
        fprintf (stderr, S_PROGRAM ": cannot write %s: %s\n", path, strerror (errno));
        return -1;
    }
    int drawn = 1;              //  0 drawn, 1 not asked or no gnuplot, -1 failed
    if (options->plots) {
        const char *note;
        drawn = lc_compare_plots (self, options->out, &note);
        if (drawn)
            fprintf (stderr, S_PROGRAM ": %s\n", note);
    }
    s_markdown_t markdown = { self, drawn == 0 };
    snprintf (path, sizeof path, "%s/comparison.md", options->out);
    if (lc_file_write_whole (path, s_write_markdown, &markdown)) {
        fprintf (stderr, S_PROGRAM ": cannot write %s: %s\n", path, strerror (errno));
        return -1;
    }
    //  gnuplot there but failing is an output not written, as for analyze
    return drawn < 0 ? -1 : 0;
}

int
lc_compare_main (int argc, char *argv [])
{
    s_options_t options;
    int rc = s_parse_options (argc, argv, &options);
    if (rc >= 0)
        return rc;
    lc_compare_t *self = lc_compare_new (S_PROGRAM);
    for (int i = options.first; i < argc; i++)
        if (lc_compare_add (self, argv [i]) == 0)
            fprintf (stderr, S_PROGRAM ": %s: no run directory in it (none holds "
                     "machine-ID.csv or summary.json)\n", argv [i]);
    lc_compare_finish (self);
    if (lc_compare_runs (self) == 0) {
        fprintf (stderr, S_PROGRAM ": nothing readable to compare\n");
        lc_compare_destroy (&self);
        return LC_EXIT_USAGE;
    }
    json_t *json = lc_compare_json (self);
    rc = s_write (self, &options, json) ? LC_EXIT_USAGE : LC_EXIT_OK;
    if (rc == LC_EXIT_OK) {
        if (options.json) {
            json_dumpf (json, stdout, JSON_INDENT (2) | JSON_SORT_KEYS
                                    | JSON_REAL_PRECISION (16));
            fputc ('\n', stdout);
        }
        else {
            lc_compare_table (self, stdout);
            printf ("comparison: %s/comparison.md\n", options.out);
        }
        if (lc_compare_failed (self) || lc_compare_unreadable (self))
            rc = LC_EXIT_FAILURE;
    }
    json_decref (json);
    lc_compare_destroy (&self);
    return rc;
}
