/*  lc_study.c - the study file: conditions x trials, and `lclock plan`.

    A study file (docs/study.md) is ZPL, read through lc_zpl like the
    cluster file:

        study
            name = cs262
            trials = 5
            seed = 1000          # trial t uses seed + t - 1, in every condition
            duration = 60
            speed = 10
            condition = baseline
                rate = 1-6
                roll = 10
            condition = slow-one
                rates = 1,6,6
            condition = more-machines
                machines = 10

    Study keys: name (required), trials, seed, and defaults for the
    condition keys: rate, rates, roll, machines, duration, speed, trials.
    A condition's keys override the study's; `rate` and `rates` exclude
    each other at one level, and the nearer one wins. Values are checked
    with lc_value (the ranges of `lclock machine`).

    `lclock plan FILE [--quick] [--simulate] [--out DIR]` prints the plan that
    launch/study.sh carries out, one line per run (docs/study.md):

        study NAME RUNS WALL_SECONDS
        trial CONDITION T SEED MACHINES RATE RATES ROLL DURATION SPEED STATE

    RATES is `-` without fixed rates. STATE, with --out, says what
    DIR/CONDITION/trial-T holds: `done` (analyzed, its run.json has these
    settings and every machine ran to its end), `other` (a run with other
    settings, or real where the plan is simulated or the other way round:
    refuse to mix them), `todo` (anything else); without --out it is
    always `todo`. --simulate plans simulated runs: speed 1 everywhere.
*/
#include "lc_study.h"
#include "lc_zpl.h"
#include "lc_value.h"
#include "lc_result.h"
#include "lc_alloc.h"

#include <assert.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define S_PROGRAM       "lclock plan"
#define S_PATH_MAX      4096    //  bytes of a path we build
#define S_NAME_MAX      (LC_LABEL_MAX + 32)     //  "condition NAME: KEY"
#define S_DEFAULT_MACHINES  3   //  machines of a condition by default
#define S_DEFAULT_SEED  1       //  seed of trial 1 by default
#define S_DEFAULT_TRIALS 1      //  trials of a condition by default

//  What one level (the study section, a condition section) sets
typedef struct {
    bool has_machines, has_rate, has_rates, has_roll, has_duration, has_speed,
         has_trials;
    uint32_t machines;          //  `machines`
    uint32_t rate_min;          //  `rate`
    uint32_t rate_max;
    uint32_t *rates;            //  `rates` (owned)
    size_t rate_count;
    uint32_t roll;              //  `roll`
    double duration;            //  `duration`
    double speed;               //  `speed`
    uint32_t trials;            //  `trials`
} s_level_t;

typedef enum {
    S_KEY_NAME, S_KEY_SEED, S_KEY_MACHINES, S_KEY_RATE, S_KEY_RATES, S_KEY_ROLL,
    S_KEY_DURATION, S_KEY_SPEED, S_KEY_TRIALS, S_KEY_CONDITION, S_KEY_COUNT
} s_key_t;

static const char *s_keys [S_KEY_COUNT] = {
    "name", "seed", "machines", "rate", "rates", "roll", "duration", "speed",
    "trials", "condition"
};

//  Keys each section takes, as bits
#define S_STUDY_KEYS     0x3ff
#define S_CONDITION_KEYS ((1 << S_KEY_MACHINES) | (1 << S_KEY_RATE) | (1 << S_KEY_RATES) \
                        | (1 << S_KEY_ROLL) | (1 << S_KEY_DURATION) | (1 << S_KEY_SPEED) \
                        | (1 << S_KEY_TRIALS))

//  --------------------------------------------------------------------------
//  Reading

//  "KEY" or "condition NAME: KEY", for error lines
static const char *
s_key_name (const char *condition, const char *key, char *name, size_t size)
{
    if (condition)
        snprintf (name, size, "condition %s: %s", condition, key);
    else
        snprintf (name, size, "%s", key);
    return name;
}

static int
s_whole_key (const lc_where_t *where, const char *name, const char *text,
             uint64_t min, uint64_t max, uint64_t *value)
{
    if (lc_value_whole (text, min, max, value) == 0)
        return 0;
    char quoted [LC_QUOTE_MAX];
    lc_where_error (where, "%s: expected a whole number from %" PRIu64 " to %" PRIu64
                    ", got '%s'", name, min, max, lc_value_quote (text, quoted, sizeof quoted));
    return -1;
}

//  One key = value into level; the study's name and seed into self
static int
s_key_read (lc_study_t *self, const lc_where_t *where, const char *condition,
            s_key_t key, const char *text, s_level_t *level)
{
    char name [S_NAME_MAX];
    s_key_name (condition, s_keys [key], name, sizeof name);
    lc_value_t value;
    uint64_t whole;
    switch (key) {
        case S_KEY_NAME:
            if (!lc_runinfo_label_ok (text)) {
                char quoted [LC_QUOTE_MAX];
                lc_where_error (where, "name: expected 1 to %d letters, digits, '.', '_' "
                                "or '-' (not first '.' or '-'), got '%s'", LC_LABEL_MAX,
                                lc_value_quote (text, quoted, sizeof quoted));
                return -1;
            }
            snprintf (self->name, sizeof self->name, "%s", text);
            return 0;
        case S_KEY_SEED:
            if (lc_value_check (where, name, LC_KIND_SEED, text, &value))
                return -1;
            self->seed = value.seed;
            return 0;
        case S_KEY_MACHINES:
            if (s_whole_key (where, name, text, 2, LC_MACHINES_MAX, &whole))
                return -1;
            level->machines = (uint32_t) whole;
            level->has_machines = true;
            return 0;
        case S_KEY_RATE:
            if (lc_value_check (where, name, LC_KIND_RATE, text, &value))
                return -1;
            level->rate_min = value.rate.min;
            level->rate_max = value.rate.max;
            level->has_rate = true;
            return 0;
        case S_KEY_RATES:
            level->rates = lc_calloc (LC_MACHINES_MAX, sizeof *level->rates);
            int parsed = lc_value_rates (text, level->rates, LC_MACHINES_MAX);
            level->rate_count = parsed > 0 ? (size_t) parsed : 0;
            if (parsed < 2) {
                char quoted [LC_QUOTE_MAX];
                lc_where_error (where, "%s: expected fixed rates R1,R2,... (one per "
                                "machine, at least 2, each from %d to %d), got '%s'", name,
                                LC_RATE_MIN, LC_RATE_MAX,
                                lc_value_quote (text, quoted, sizeof quoted));
                return -1;
            }
            level->has_rates = true;
            return 0;
        case S_KEY_ROLL:
            if (lc_value_check (where, name, LC_KIND_ROLL, text, &value))
                return -1;
            level->roll = value.whole;
            level->has_roll = true;
            return 0;
        case S_KEY_DURATION:
        case S_KEY_SPEED:
            if (lc_value_check (where, name, key == S_KEY_SPEED ? LC_KIND_SPEED
                                : LC_KIND_DURATION, text, &value))
                return -1;
            *(key == S_KEY_SPEED ? &level->speed : &level->duration) = value.real;
            *(key == S_KEY_SPEED ? &level->has_speed : &level->has_duration) = true;
            return 0;
        case S_KEY_TRIALS:
            if (s_whole_key (where, name, text, 1, LC_STUDY_TRIALS_MAX, &whole))
                return -1;
            level->trials = (uint32_t) whole;
            level->has_trials = true;
            return 0;
        default:
            return -1;
    }
}

//  The key = value children of a section (not its conditions)
static int
s_section_read (lc_study_t *self, const lc_where_t *where, zconfig_t *section,
                const char *condition, unsigned allowed, s_level_t *level)
{
    unsigned given = 0;
    char name [S_NAME_MAX];
    for (zconfig_t *item = zconfig_child (section); item; item = zconfig_next (item)) {
        const char *key_text = zconfig_name (item);
        int key = 0;
        while (key < S_KEY_COUNT && strcmp (key_text, s_keys [key]) != 0)
            key++;
        if (key == S_KEY_COUNT || !(allowed & (1u << key))) {
            char quoted [LC_QUOTE_MAX];
            lc_where_error (where, "%sunknown key '%s' (expected %s)", condition
                            ? s_key_name (condition, "", name, sizeof name) : "",
                            lc_value_quote (key_text, quoted, sizeof quoted), condition
                            ? "rate, rates, roll, machines, duration, speed or trials"
                            : "name, trials, seed, condition or a condition key");
            return -1;
        }
        if (key == S_KEY_CONDITION)
            continue;
        s_key_name (condition, key_text, name, sizeof name);
        if (given & (1u << key)) {
            lc_where_error (where, "%s: given twice; give it once", name);
            return -1;
        }
        if (zconfig_child (item)) {
            lc_where_error (where, "%s: has indented lines under it; a key holds one "
                            "value, on its own line", name);
            return -1;
        }
        given |= 1u << key;
        if (s_key_read (self, where, condition, (s_key_t) key, zconfig_value (item), level))
            return -1;
    }
    if (level->has_rate && level->has_rates) {
        lc_where_error (where, "%s: rate and rates both given; give one (rates fixes "
                        "each machine's rate)", condition
                        ? s_key_name (condition, "rates", name, sizeof name) : "rates");
        return -1;
    }
    return 0;
}

//  The condition's settings: its own level over the study's, then defaults
static int
s_condition_apply (const lc_where_t *where, const s_level_t *study,
                   const s_level_t *own, lc_condition_t *condition)
{
    condition->rate_min = LC_DEFAULT_RATE_MIN;
    condition->rate_max = LC_DEFAULT_RATE_MAX;
    condition->roll = own->has_roll ? own->roll : study->has_roll ? study->roll
                    : LC_DEFAULT_ROLL;
    condition->duration = own->has_duration ? own->duration : study->has_duration
                        ? study->duration : LC_DEFAULT_DURATION;
    condition->speed = own->has_speed ? own->speed : study->has_speed ? study->speed
                     : LC_DEFAULT_SPEED;
    condition->trials = own->has_trials ? own->trials : study->has_trials ? study->trials
                      : S_DEFAULT_TRIALS;
    //  The nearer of rate and rates wins
    const s_level_t *rates = own->has_rates ? own : own->has_rate ? NULL
                           : study->has_rates ? study : NULL;
    const s_level_t *rate = own->has_rate ? own : own->has_rates ? NULL
                          : study->has_rate ? study : NULL;
    if (rate) {
        condition->rate_min = rate->rate_min;
        condition->rate_max = rate->rate_max;
    }
    condition->machines = own->has_machines ? own->machines : study->has_machines
                        ? study->machines : rates ? (uint32_t) rates->rate_count
                        : S_DEFAULT_MACHINES;
    if (rates) {
        if (rates->rate_count != condition->machines) {
            lc_where_error (where, "condition %s: %zu rates for %u machines; give one "
                            "rate per machine", condition->name, rates->rate_count,
                            condition->machines);
            return -1;
        }
        condition->rates = lc_calloc (rates->rate_count, sizeof *condition->rates);
        memcpy (condition->rates, rates->rates, rates->rate_count * sizeof *rates->rates);
        condition->rate_min = condition->rate_max = rates->rates [0];
        for (size_t i = 1; i < rates->rate_count; i++) {
            condition->rate_min = rates->rates [i] < condition->rate_min
                                ? rates->rates [i] : condition->rate_min;
            condition->rate_max = rates->rates [i] > condition->rate_max
                                ? rates->rates [i] : condition->rate_max;
        }
    }
    return 0;
}

static int
s_condition_read (lc_study_t *self, const lc_where_t *where, zconfig_t *item,
                  const s_level_t *study)
{
    const char *name = zconfig_value (item);
    if (!lc_runinfo_label_ok (name)) {
        char quoted [LC_QUOTE_MAX];
        lc_where_error (where, "condition: expected a name of 1 to %d letters, digits, "
                        "'.', '_' or '-' (not first '.' or '-'), got '%s'", LC_LABEL_MAX,
                        lc_value_quote (name, quoted, sizeof quoted));
        return -1;
    }
    for (size_t i = 0; i < self->condition_count; i++)
        if (strcmp (self->conditions [i].name, name) == 0) {
            lc_where_error (where, "condition %s: appears twice; conditions name "
                            "folders and must differ", name);
            return -1;
        }
    if (self->condition_count == LC_CONDITIONS_MAX) {
        lc_where_error (where, "condition %s: one too many; a study has at most %d",
                        name, LC_CONDITIONS_MAX);
        return -1;
    }
    self->conditions = lc_realloc (self->conditions, self->condition_count + 1,
                                   sizeof *self->conditions);
    lc_condition_t *condition = &self->conditions [self->condition_count++];
    memset (condition, 0, sizeof *condition);
    snprintf (condition->name, sizeof condition->name, "%s", name);
    s_level_t own = { 0 };
    int rc = s_section_read (self, where, item, name, S_CONDITION_KEYS, &own);
    if (rc == 0)
        rc = s_condition_apply (where, study, &own, condition);
    free (own.rates);
    if (rc == 0 && self->seed + condition->trials - 1 > LC_SEED_MAX) {
        lc_where_error (where, "condition %s: seed + trials - 1 is above %" PRIu64
                        "; choose a smaller seed", name, LC_SEED_MAX);
        rc = -1;
    }
    return rc;
}

//  The one `study` section at the top of the file
static zconfig_t *
s_study_section (const lc_where_t *where, zconfig_t *root)
{
    zconfig_t *section = NULL;
    char quoted [LC_QUOTE_MAX];
    for (zconfig_t *item = zconfig_child (root); item; item = zconfig_next (item)) {
        if (strcmp (zconfig_name (item), "study") != 0) {
            lc_where_error (where, "unknown section '%s'; the file holds one 'study' "
                            "section", lc_value_quote (zconfig_name (item), quoted,
                                                        sizeof quoted));
            return NULL;
        }
        if (section) {
            lc_where_error (where, "study: appears twice; one file describes one study");
            return NULL;
        }
        section = item;
    }
    if (!section)
        lc_where_error (where, "no 'study' section; the file starts with a line 'study'");
    return section;
}

static int
s_study_read (lc_study_t *self, const lc_where_t *where, zconfig_t *root)
{
    zconfig_t *section = s_study_section (where, root);
    if (!section)
        return -1;
    s_level_t study = { 0 };
    int rc = s_section_read (self, where, section, NULL, S_STUDY_KEYS, &study);
    if (rc == 0 && !*self->name) {
        lc_where_error (where, "name is missing; add 'name = NAME' (the study's folder "
                        "is studies/NAME)");
        rc = -1;
    }
    for (zconfig_t *item = zconfig_child (section); rc == 0 && item;
         item = zconfig_next (item))
        if (strcmp (zconfig_name (item), "condition") == 0)
            rc = s_condition_read (self, where, item, &study);
    if (rc == 0 && self->condition_count == 0) {
        lc_where_error (where, "study: no condition sections; add one 'condition = NAME' "
                        "section per condition");
        rc = -1;
    }
    free (study.rates);
    return rc;
}

lc_study_t *
lc_study_load (const char *path, const char *program)
{
    assert (path && program);
    lc_where_t where = { program, path, 0 };
    zconfig_t *root = lc_zpl_load (&where, "study file");
    if (!root)
        return NULL;
    lc_study_t *self = lc_calloc (1, sizeof *self);
    self->seed = S_DEFAULT_SEED;
    if (s_study_read (self, &where, root))
        lc_study_destroy (&self);
    zconfig_destroy (&root);
    return self;
}

void
lc_study_destroy (lc_study_t **self_p)
{
    assert (self_p);
    lc_study_t *self = *self_p;
    if (!self)
        return;
    for (size_t i = 0; i < self->condition_count; i++)
        free (self->conditions [i].rates);
    free (self->conditions);
    free (self);
    *self_p = NULL;
}

void
lc_study_quick (lc_study_t *self)
{
    for (size_t i = 0; i < self->condition_count; i++)
        self->conditions [i].duration = fmin (self->conditions [i].duration,
                                              LC_QUICK_DURATION);
}

void
lc_study_simulated (lc_study_t *self)
{
    self->simulated = true;
    for (size_t i = 0; i < self->condition_count; i++)
        self->conditions [i].speed = 1;
}

double
lc_study_wall_seconds (const lc_study_t *self)
{
    double wall = 0;
    if (self->simulated)
        return 0;
    for (size_t i = 0; i < self->condition_count; i++)
        wall += self->conditions [i].trials * self->conditions [i].duration
              / self->conditions [i].speed;
    return wall;
}

//  --------------------------------------------------------------------------
//  The plan

//  A real as short as it reads back exactly (the launcher passes it on)
static const char *
s_real_text (double value, char *text, size_t size)
{
    snprintf (text, size, "%g", value);
    if (strtod (text, NULL) != value)
        snprintf (text, size, "%.17g", value);
    return text;
}

static bool
s_same_rates (const lc_condition_t *condition, const lc_runinfo_t *requested)
{
    if (!condition->rates || !requested->rates)
        return !condition->rates && !requested->rates;
    return memcmp (condition->rates, requested->rates,
                   condition->machines * sizeof *condition->rates) == 0;
}

//  done, other or todo: what DIR/CONDITION/trial-T holds
static const char *
s_state (const lc_study_t *study, const char *out, const lc_condition_t *condition,
         uint32_t trial, uint64_t seed)
{
    char dir [S_PATH_MAX];
    snprintf (dir, sizeof dir, "%s/%s/trial-%u", out, condition->name, trial);
    lc_runinfo_t *requested = NULL;
    if (lc_runinfo_load (dir, S_PROGRAM, &requested) != 0)
        return "todo";
    bool same = requested->label && strcmp (requested->label, condition->name) == 0
             && requested->machines == condition->machines
             && requested->rate_min == condition->rate_min
             && requested->rate_max == condition->rate_max
             && s_same_rates (condition, requested)
             && requested->roll == condition->roll
             && requested->duration == condition->duration
             && requested->speed == condition->speed
             && requested->has_seed && requested->seed == seed
             && requested->simulated == study->simulated;
    lc_runinfo_destroy (&requested);
    if (!same)
        return "other";
    //  Analyzed, and every machine ran to its end (not a Ctrl-C'd run)
    lc_result_t *result = NULL;
    const char *state = "todo";
    if (lc_result_load (dir, S_PROGRAM, &result) == 0) {
        state = "done";
        for (size_t i = 0; i < result->count; i++)
            if (!result->machines [i].stop_reason
            ||  strcmp (result->machines [i].stop_reason, "duration") != 0)
                state = "todo";
    }
    lc_result_destroy (&result);
    return state;
}

static void
s_plan_print (const lc_study_t *self, const char *out, FILE *file)
{
    size_t runs = 0;
    for (size_t i = 0; i < self->condition_count; i++)
        runs += self->conditions [i].trials;
    fprintf (file, "study %s %zu %.0f\n", self->name, runs,
             ceil (lc_study_wall_seconds (self)));
    for (size_t i = 0; i < self->condition_count; i++) {
        const lc_condition_t *condition = &self->conditions [i];
        char rate [32], rates [LC_MACHINES_MAX * 8] = "-", duration [32], speed [32];
        snprintf (rate, sizeof rate, condition->rate_min == condition->rate_max
                  ? "%u" : "%u-%u", condition->rate_min, condition->rate_max);
        for (uint32_t m = 0; condition->rates && m < condition->machines; m++)
            snprintf (rates + (m ? strlen (rates) : 0), sizeof rates - (m ? strlen (rates) : 0),
                      "%s%u", m ? "," : "", condition->rates [m]);
        s_real_text (condition->duration, duration, sizeof duration);
        s_real_text (condition->speed, speed, sizeof speed);
        for (uint32_t t = 1; t <= condition->trials; t++) {
            uint64_t seed = self->seed + t - 1;
            fprintf (file, "trial %s %u %" PRIu64 " %u %s %s %u %s %s %s\n",
                     condition->name, t, seed, condition->machines, rate, rates,
                     condition->roll, duration, speed,
                     out ? s_state (self, out, condition, t, seed) : "todo");
        }
    }
}

static const char *s_help =
"usage: lclock plan FILE [--quick] [--simulate] [--out DIR]\n"
"\n"
"Checks a study file and prints its plan, the runs launch/study.sh makes:\n"
"  study NAME RUNS WALL_SECONDS\n"
"  trial CONDITION T SEED MACHINES RATE RATES ROLL DURATION SPEED STATE\n"
"one trial line per condition and trial, in the file's order (RATES is '-'\n"
"without fixed rates). Trial T uses seed + T - 1 in every condition.\n"
"\n"
"  --quick      shorten every run to at most 5 model seconds\n"
"  --simulate   plan simulated runs (lclock simulate): speed 1, and a trial\n"
"               is done only if it was simulated\n"
"  --out DIR    the study's folder: STATE says what DIR/CONDITION/trial-T\n"
"               holds: done (analyzed, these settings, ran to its end),\n"
"               other (a run with other settings) or todo\n"
"  -h, --help   print this help and exit\n"
"\n"
"Exit status: 0, or 2 after one line on stderr naming the file and the\n"
"key. See docs/study.md.\n";

int
lc_study_main (int argc, char *argv [])
{
    static const struct option longs [] = {
        { "quick", no_argument,       NULL, 'q' },
        { "simulate", no_argument,    NULL, 's' },
        { "out",   required_argument, NULL, 'o' },
        { "help",  no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *out = NULL;
    bool quick = false, simulated = false;
    optind = 1;
    opterr = 0;
    int opt;
    while ((opt = getopt_long (argc, argv, ":h", longs, NULL)) != -1) {
        if (opt == 'h') {
            fputs (s_help, stdout);
            return LC_EXIT_OK;
        }
        if (opt == 'q')
            quick = true;
        else
        if (opt == 's')
            simulated = true;
        else
        if (opt == 'o')
            out = optarg;
        else {
            fprintf (stderr, S_PROGRAM ": %s '%s' (try 'lclock plan --help')\n",
                     opt == ':' ? "a value is missing after" : "unknown option",
                     argv [optind - 1]);
            return LC_EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        fprintf (stderr, S_PROGRAM ": expected one study FILE (try 'lclock plan "
                 "--help')\n");
        return LC_EXIT_USAGE;
    }
    struct stat info;
    if (out && stat (out, &info) == 0 && !S_ISDIR (info.st_mode)) {
        fprintf (stderr, S_PROGRAM ": --out %s: not a folder; give the study's folder "
                 "(it need not exist yet)\n", out);
        return LC_EXIT_USAGE;
    }
    lc_study_t *study = lc_study_load (argv [optind], S_PROGRAM);
    if (!study)
        return LC_EXIT_USAGE;
    if (quick)
        lc_study_quick (study);
    if (simulated)
        lc_study_simulated (study);
    s_plan_print (study, out, stdout);
    lc_study_destroy (&study);
    return LC_EXIT_OK;
}
