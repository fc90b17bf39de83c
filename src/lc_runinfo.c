/*  lc_runinfo.c - run.json: what a run was asked to be.

    The one writer and reader of run.json (docs/log-format.md):

        {
          "label": "baseline",            string or null
          "launcher": "run3",             run3, runlan, study, simulate
          "machines": 3,
          "rate": "1-6",                  the requested spec: R or MIN-MAX
          "rates": [1, 6, 6],             fixed per machine, or null
          "roll": 10,
          "p_internal": 0.7,              (roll - 3) / roll, 0 for roll <= 3
          "speed": 10.0,
          "duration": 60.0,
          "seed": 1000,                   integer, or null when each machine
                                          drew its own
          "hosts": ["lab1"],
          "command": "launch/run3.sh --seed 1000",
          "lclock_version": "0.1.0",
          "curve": false,
          "simulated": false,
          "delay": null,                  the delay model when simulated
          "created": 1764090123           epoch seconds
        }

    Integers are JSON integers, exact to 2^63 - 1 (jansson's json_int_t,
    never json_pack's "i", which is an int). The reader is strict: every
    key above must be there with its type and range; keys it does not know
    are left alone, so that later versions may add some.
*/
#include "lc_runinfo.h"
#include "lc_file.h"
#include "lc_alloc.h"
#include "lc_value.h"
#include "lc_json.h"

#include <assert.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define S_PATH_MAX      4096    //  bytes of a path we build
#define S_RATE_TEXT_MAX 32      //  bytes of "MIN-MAX"
#define S_STRING(x)     #x
#define S_EXPAND(x)     S_STRING (x)

static const char *s_launchers [LC_LAUNCHER_COUNT] = {
    [LC_LAUNCHER_RUN3]     = "run3",
    [LC_LAUNCHER_RUNLAN]   = "runlan",
    [LC_LAUNCHER_STUDY]    = "study",
    [LC_LAUNCHER_SIMULATE] = "simulate",
};

static char *
s_strdup (const char *text)
{
    if (!text)
        return NULL;
    return lc_strdup (text);
}

lc_runinfo_t *
lc_runinfo_new (void)
{
    lc_runinfo_t *self = lc_calloc (1, sizeof *self);
    self->launcher = LC_LAUNCHER_RUN3;
    self->machines = 3;
    self->rate_min = LC_DEFAULT_RATE_MIN;
    self->rate_max = LC_DEFAULT_RATE_MAX;
    self->roll = LC_DEFAULT_ROLL;
    self->speed = LC_DEFAULT_SPEED;
    self->duration = LC_DEFAULT_DURATION;
    self->command = s_strdup ("");
    self->version = s_strdup (LCLOCK_VERSION);
    self->created = (int64_t) time (NULL);
    return self;
}

void
lc_runinfo_destroy (lc_runinfo_t **self_p)
{
    assert (self_p);
    lc_runinfo_t *self = *self_p;
    if (!self)
        return;
    free (self->label);
    free (self->rates);
    for (size_t i = 0; i < self->host_count; i++)
        free (self->hosts [i]);
    free (self->hosts);
    free (self->command);
    free (self->version);
    free (self->delay);
    free (self);
    *self_p = NULL;
}

void
lc_runinfo_set_label (lc_runinfo_t *self, const char *label)
{
    free (self->label);
    self->label = s_strdup (label);
}

void
lc_runinfo_set_command (lc_runinfo_t *self, const char *command)
{
    free (self->command);
    self->command = s_strdup (command ? command : "");
}

void
lc_runinfo_set_delay (lc_runinfo_t *self, const char *delay)
{
    free (self->delay);
    self->delay = s_strdup (delay);
}

void
lc_runinfo_add_host (lc_runinfo_t *self, const char *host)
{
    assert (host);
    self->hosts = lc_realloc (self->hosts, self->host_count + 1, sizeof *self->hosts);
    self->hosts [self->host_count++] = s_strdup (host);
}

void
lc_runinfo_set_rates (lc_runinfo_t *self, const uint32_t *rates, size_t count)
{
    free (self->rates);
    self->rates = NULL;
    if (!rates)
        return;
    self->rates = lc_calloc (count, sizeof *self->rates);
    memcpy (self->rates, rates, count * sizeof *rates);
}

double
lc_runinfo_p_internal (uint32_t roll)
{
    return roll > 3 ? (double) (roll - 3) / roll : 0.0;
}

const char *
lc_runinfo_launcher_name (lc_launcher_t launcher)
{
    assert (launcher < LC_LAUNCHER_COUNT);
    return s_launchers [launcher];
}

int
lc_runinfo_launcher_parse (const char *name)
{
    for (int i = 0; i < LC_LAUNCHER_COUNT; i++)
        if (strcmp (name, s_launchers [i]) == 0)
            return i;
    return -1;
}

//  --------------------------------------------------------------------------
//  Writing

static void
s_rate_text (uint32_t min, uint32_t max, char *text, size_t size)
{
    if (min == max)
        snprintf (text, size, "%" PRIu32, min);
    else
        snprintf (text, size, "%" PRIu32 "-%" PRIu32, min, max);
}

json_t *
lc_runinfo_json (const lc_runinfo_t *self)
{
    assert (self);
    char rate [S_RATE_TEXT_MAX];
    s_rate_text (self->rate_min, self->rate_max, rate, sizeof rate);
    json_t *rates = json_null ();
    if (self->rates) {
        rates = json_array ();
        for (uint32_t i = 0; i < self->machines; i++)
            json_array_append_new (rates, json_integer (self->rates [i]));
    }
    json_t *hosts = json_array ();
    for (size_t i = 0; i < self->host_count; i++)
        json_array_append_new (hosts, json_string (self->hosts [i]));
    json_t *object = json_object ();
    json_object_set_new (object, "label", lc_json_text_or_null (self->label));
    json_object_set_new (object, "launcher",
                         json_string (lc_runinfo_launcher_name (self->launcher)));
    json_object_set_new (object, "machines", json_integer (self->machines));
    json_object_set_new (object, "rate", json_string (rate));
    json_object_set_new (object, "rates", rates);
    json_object_set_new (object, "roll", json_integer (self->roll));
    json_object_set_new (object, "p_internal",
                         json_real (lc_runinfo_p_internal (self->roll)));
    json_object_set_new (object, "speed", json_real (self->speed));
    json_object_set_new (object, "duration", json_real (self->duration));
    json_object_set_new (object, "seed", self->has_seed
                         ? json_integer ((json_int_t) self->seed) : json_null ());
    json_object_set_new (object, "hosts", hosts);
    json_object_set_new (object, "command", json_string (self->command));
    json_object_set_new (object, "lclock_version", json_string (self->version));
    json_object_set_new (object, "curve", json_boolean (self->curve));
    json_object_set_new (object, "simulated", json_boolean (self->simulated));
    json_object_set_new (object, "delay", lc_json_text_or_null (self->delay));
    json_object_set_new (object, "created", json_integer ((json_int_t) self->created));
    return object;
}

int
lc_runinfo_save (const lc_runinfo_t *self, const char *dir, const char *program)
{
    assert (self && dir && program);
    assert (self->seed <= LC_SEED_MAX);
    char path [S_PATH_MAX];
    snprintf (path, sizeof path, "%s/%s", dir, LC_RUNINFO_FILE);
    json_t *object = lc_runinfo_json (self);
    errno = 0;
    int rc = lc_json_save (object, path, JSON_INDENT (2) | JSON_PRESERVE_ORDER
                                       | JSON_REAL_PRECISION (16));
    json_decref (object);
    if (rc == 0)
        return 0;
    fprintf (stderr, "%s: cannot write %s: %s\n", program, path,
             errno ? strerror (errno) : "write failed");
    return -1;
}

//  --------------------------------------------------------------------------
//  Reading

#define S_SEED_EXPECTED "a whole number from 0 to 9223372036854775807, or null"

static void
s_read_rates (lc_json_reader_t *reader, json_t *object, lc_runinfo_t *self)
{
    json_t *rates = lc_json_get (reader, object, "rates", JSON_ARRAY, true,
                                 "an array of whole rates, one per machine, or null");
    if (!rates || json_is_null (rates))
        return;
    char expected [128];
    snprintf (expected, sizeof expected, "%" PRIu32 " whole rates (one per machine), "
              "each from %d to %d", self->machines, LC_RATE_MIN, LC_RATE_MAX);
    if (json_array_size (rates) != self->machines) {
        lc_json_fail (reader, "rates", expected, true);
        return;
    }
    self->rates = lc_calloc (self->machines, sizeof *self->rates);
    for (uint32_t i = 0; i < self->machines; i++) {
        json_t *rate = json_array_get (rates, i);
        json_int_t value = json_integer_value (rate);
        if (!json_is_integer (rate) || value < LC_RATE_MIN || value > LC_RATE_MAX) {
            lc_json_fail (reader, "rates", expected, true);
            return;
        }
        self->rates [i] = (uint32_t) value;
    }
}

static void
s_read_hosts (lc_json_reader_t *reader, json_t *object, lc_runinfo_t *self)
{
    json_t *hosts = lc_json_get (reader, object, "hosts", JSON_ARRAY, false,
                                 "an array of host names");
    for (size_t i = 0; hosts && i < json_array_size (hosts); i++) {
        const char *host = json_string_value (json_array_get (hosts, i));
        if (!host) {
            lc_json_fail (reader, "hosts", "an array of host names (strings)", true);
            return;
        }
        lc_runinfo_add_host (self, host);
    }
}

//  The requested rate spec, checked as `lclock machine --rate` checks it
static void
s_read_rate (lc_json_reader_t *reader, json_t *object, lc_runinfo_t *self)
{
    json_t *rate = lc_json_get (reader, object, "rate", JSON_STRING, false,
                                "a rate spec R or MIN-MAX");
    if (!rate || reader->failed)
        return;
    lc_where_t where = { reader->program, reader->file, 0 };
    lc_value_t value;
    if (lc_value_check (&where, "rate", LC_KIND_RATE, json_string_value (rate), &value)) {
        reader->failed = true;
        return;
    }
    self->rate_min = value.rate.min;
    self->rate_max = value.rate.max;
}

static void
s_read_seed (lc_json_reader_t *reader, json_t *object, lc_runinfo_t *self)
{
    json_t *seed = lc_json_get (reader, object, "seed", JSON_INTEGER, true, S_SEED_EXPECTED);
    if (!seed || json_is_null (seed))
        return;
    if (json_integer_value (seed) < 0)
        lc_json_fail (reader, "seed", S_SEED_EXPECTED, true);
    self->has_seed = true;
    self->seed = (uint64_t) json_integer_value (seed);
}

static void
s_read_fields (lc_json_reader_t *reader, json_t *object, lc_runinfo_t *self)
{
    self->label = lc_json_text (reader, object, "label", true);
    char *launcher = lc_json_text (reader, object, "launcher", false);
    int index = launcher ? lc_runinfo_launcher_parse (launcher) : 0;
    if (index < 0)
        lc_json_fail (reader, "launcher", "run3, runlan, study or simulate", true);
    self->launcher = index < 0 ? LC_LAUNCHER_RUN3 : (lc_launcher_t) index;
    free (launcher);
    self->machines = (uint32_t) lc_json_whole (reader, object, "machines", 1,
                                               LC_MACHINES_MAX);
    s_read_rate (reader, object, self);
    if (!reader->failed)
        s_read_rates (reader, object, self);
    self->roll = (uint32_t) lc_json_whole (reader, object, "roll", LC_ROLL_MIN, LC_ROLL_MAX);
    lc_json_real (reader, object, "p_internal", 0, 1, false, false);
    self->speed = lc_json_real (reader, object, "speed", LC_SPEED_MIN, LC_SPEED_MAX,
                                false, false);
    self->duration = lc_json_real (reader, object, "duration", 0, LC_DURATION_MAX,
                                   true, false);
    s_read_seed (reader, object, self);
    s_read_hosts (reader, object, self);
    self->command = lc_json_text (reader, object, "command", false);
    self->version = lc_json_text (reader, object, "lclock_version", false);
    self->curve = lc_json_bool (reader, object, "curve");
    self->simulated = lc_json_bool (reader, object, "simulated");
    self->delay = lc_json_text (reader, object, "delay", !self->simulated);
    self->created = (int64_t) lc_json_whole (reader, object, "created", 0, INT64_MAX);
}

lc_runinfo_t *
lc_runinfo_from_json (json_t *object, const char *where, const char *program)
{
    assert (where && program);
    lc_json_reader_t reader = { program, where, "", false };
    if (!json_is_object (object)) {
        fprintf (stderr, "%s: %s: expected a JSON object\n", program, where);
        return NULL;
    }
    lc_runinfo_t *self = lc_calloc (1, sizeof *self);
    s_read_fields (&reader, object, self);
    if (reader.failed)
        lc_runinfo_destroy (&self);
    return self;
}

int
lc_runinfo_load (const char *dir, const char *program, lc_runinfo_t **self_p)
{
    assert (dir && program && self_p);
    *self_p = NULL;
    char path [S_PATH_MAX];
    json_t *root;
    int rc = lc_json_load_in (dir, LC_RUNINFO_FILE, program, &root, path, sizeof path);
    if (rc)
        return rc;
    *self_p = lc_runinfo_from_json (root, path, program);
    json_decref (root);
    return *self_p ? 0 : -1;
}

//  --------------------------------------------------------------------------
//  lclock runinfo

#define S_PROGRAM   "lclock runinfo"

static const char *s_help =
"usage: lclock runinfo DIR --launcher run3|runlan|study|simulate --machines N\n"
"                      --rate R|MIN-MAX [--rates R1,R2,...] --roll K --speed S\n"
"                      --duration SEC [--seed N] [--label NAME] [--host H]...\n"
"                      [--curve] -- COMMAND WORDS...\n"
"\n"
"Writes DIR/run.json (atomically): what the launcher asked of the run, for\n"
"'lclock analyze' and 'lclock compare' (docs/log-format.md). Values are\n"
"checked with the ranges of 'lclock machine'.\n"
"\n"
"  DIR              the run directory (it must exist)\n"
"  --launcher NAME  who starts the run: run3, runlan, study or simulate\n"
"  --machines N     machines in the run, 1..1024\n"
"  --rate R|MIN-MAX the requested rate spec: R, or MIN-MAX drawn per machine\n"
"  --rates LIST     fixed rates, one per machine, comma separated\n"
"  --roll K         the roll 1..K\n"
"  --speed S        model seconds per wall second\n"
"  --duration SEC   model seconds\n"
"  --seed N         the run seed every machine was given (else: null)\n"
"  --label NAME     the run's label: letters, digits, '.', '_' and '-'\n"
"  --host H         a host the run runs on; once per host\n"
"  --curve          CURVE security is on for the run\n"
"  -- COMMAND...    the launcher's command line, recorded shell-quoted\n"
"\n"
"Exit status: 0 written, 2 a bad option (one line on stderr), 1 the file\n"
"could not be written.\n";

typedef enum {
    S_OPT_LAUNCHER = 256, S_OPT_MACHINES, S_OPT_RATE, S_OPT_RATES, S_OPT_ROLL,
    S_OPT_SPEED, S_OPT_DURATION, S_OPT_SEED, S_OPT_LABEL, S_OPT_HOST, S_OPT_CURVE,
    S_OPT_HELP
} s_opt_t;

//  Options that must be given
static const s_opt_t s_required [] = {
    S_OPT_LAUNCHER, S_OPT_MACHINES, S_OPT_RATE, S_OPT_ROLL, S_OPT_SPEED, S_OPT_DURATION
};

static const struct option s_longs [] = {
    { "launcher", required_argument, NULL, S_OPT_LAUNCHER },
    { "machines", required_argument, NULL, S_OPT_MACHINES },
    { "rate",     required_argument, NULL, S_OPT_RATE },
    { "rates",    required_argument, NULL, S_OPT_RATES },
    { "roll",     required_argument, NULL, S_OPT_ROLL },
    { "speed",    required_argument, NULL, S_OPT_SPEED },
    { "duration", required_argument, NULL, S_OPT_DURATION },
    { "seed",     required_argument, NULL, S_OPT_SEED },
    { "label",    required_argument, NULL, S_OPT_LABEL },
    { "host",     required_argument, NULL, S_OPT_HOST },
    { "curve",    no_argument,       NULL, S_OPT_CURVE },
    { "help",     no_argument,       NULL, S_OPT_HELP },
    { NULL, 0, NULL, 0 }
};

static int
s_usage_error (const char *format, const char *name, const char *value)
{
    fprintf (stderr, S_PROGRAM ": --%s: ", name);
    fprintf (stderr, format, value);
    fprintf (stderr, "\n");
    return -1;
}

bool
lc_runinfo_label_ok (const char *label)
{
    size_t length = strlen (label);
    if (length == 0 || length > LC_LABEL_MAX || label [0] == '.' || label [0] == '-')
        return false;
    return strspn (label, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                          "0123456789._-") == length;
}

//  R1,R2,... into a new array (the caller's to free); NULL if not a list
static uint32_t *
s_parse_rates (const char *text, size_t *count)
{
    uint32_t rates [LC_MACHINES_MAX];
    int parsed = lc_value_rates (text, rates, LC_MACHINES_MAX);
    if (parsed < 1)
        return NULL;
    uint32_t *copy = lc_calloc ((size_t) parsed, sizeof *copy);
    memcpy (copy, rates, (size_t) parsed * sizeof *rates);
    *count = (size_t) parsed;
    return copy;
}

//  One option's value into self; returns 0 or -1 (said)
static int
s_take (lc_runinfo_t *self, int code, const char *text, uint32_t **rates, size_t *rate_count)
{
    const char *name = lc_value_option_name (s_longs, code);
    char option [32];
    snprintf (option, sizeof option, "--%s", name);
    lc_where_t where = { S_PROGRAM, NULL, 0 };
    lc_value_t value;
    uint64_t whole;
    switch (code) {
        case S_OPT_LAUNCHER: {
            int launcher = lc_runinfo_launcher_parse (text);
            if (launcher < 0)
                return s_usage_error ("expected run3, runlan, study or simulate, got '%s'",
                                      name, text);
            self->launcher = (lc_launcher_t) launcher;
            return 0;
        }
        case S_OPT_MACHINES:
            if (lc_value_whole (text, 1, LC_MACHINES_MAX, &whole))
                return s_usage_error ("expected a whole number from 1 to "
                                      S_EXPAND (LC_MACHINES_MAX) ", got '%s'", name, text);
            self->machines = (uint32_t) whole;
            return 0;
        case S_OPT_RATES:
            *rates = s_parse_rates (text, rate_count);
            return *rates ? 0
                 : s_usage_error ("expected whole rates R1,R2,... from 1 to "
                                  S_EXPAND (LC_RATE_MAX) ", got '%s'", name, text);
        case S_OPT_LABEL:
            if (!lc_runinfo_label_ok (text))
                return s_usage_error ("expected 1 to " S_EXPAND (LC_LABEL_MAX)
                                      " letters, digits, '.', '_' or '-' (not first '.' "
                                      "or '-'), got '%s'", name, text);
            lc_runinfo_set_label (self, text);
            return 0;
        case S_OPT_CURVE:
            self->curve = true;
            return 0;
        case S_OPT_RATE:
            if (lc_value_check (&where, option, LC_KIND_RATE, text, &value))
                return -1;
            self->rate_min = value.rate.min;
            self->rate_max = value.rate.max;
            return 0;
        case S_OPT_ROLL:
            if (lc_value_check (&where, option, LC_KIND_ROLL, text, &value))
                return -1;
            self->roll = value.whole;
            return 0;
        case S_OPT_SPEED:
        case S_OPT_DURATION:
            if (lc_value_check (&where, option, code == S_OPT_SPEED
                                ? LC_KIND_SPEED : LC_KIND_DURATION, text, &value))
                return -1;
            *(code == S_OPT_SPEED ? &self->speed : &self->duration) = value.real;
            return 0;
        case S_OPT_SEED:
            if (lc_value_check (&where, option, LC_KIND_SEED, text, &value))
                return -1;
            self->has_seed = true;
            self->seed = value.seed;
            return 0;
        case S_OPT_HOST:
            if (lc_value_check (&where, option, LC_KIND_HOST, text, &value))
                return -1;
            lc_runinfo_add_host (self, text);
            return 0;
    }
    return -1;
}

//  A word as the shell reads it back: as it is when it holds only safe
//  characters, else in single quotes ('\'' for a quote inside)
static void
s_shell_quote (const char *word, char **buffer, size_t *size, size_t *length)
{
    static const char *safe = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                              "0123456789_@%+=:,./-";
    bool plain = *word && strspn (word, safe) == strlen (word);
    size_t need = *length + 4 * strlen (word) + 4;
    if (need > *size) {
        *size = need * 2;
        *buffer = lc_realloc (*buffer, *size, 1);
    }
    char *out = *buffer + *length;
    if (*length)
        *out++ = ' ';
    if (plain)
        out = stpcpy (out, word);
    else {
        *out++ = '\'';
        for (const char *c = word; *c; c++)
            out = *c == '\'' ? stpcpy (out, "'\\''") : (*out = *c, out + 1);
        *out++ = '\'';
    }
    *out = 0;
    *length = (size_t) (out - *buffer);
}

char *
lc_runinfo_shell_join (int argc, char *argv [])
{
    char *buffer = NULL;
    size_t size = 0, length = 0;
    for (int i = 0; i < argc; i++)
        s_shell_quote (argv [i], &buffer, &size, &length);
    return buffer ? buffer : s_strdup ("");
}

//  Reads the options; returns 0, 1 on --help, -1 after an error
static int
s_parse (lc_runinfo_t *self, int argc, char *argv [])
{
    uint32_t *rates = NULL;
    size_t rate_count = 0;
    unsigned long given = 0;
    optind = 0;
    opterr = 0;
    int code;
    int rc = 0;
    while (rc == 0 && (code = getopt_long (argc, argv, "+:h", s_longs, NULL)) != -1) {
        if (code == 'h' || code == S_OPT_HELP) {
            free (rates);
            return 1;
        }
        if (code == ':' || code == '?') {
            fprintf (stderr, S_PROGRAM ": %s '%s' (see 'lclock runinfo --help')\n",
                     code == ':' ? "a value is missing after" : "unknown option",
                     argv [optind - 1]);
            rc = -1;
        }
        else
        if ((given & (1ul << (code - S_OPT_LAUNCHER))) && code != S_OPT_HOST) {
            fprintf (stderr, S_PROGRAM ": --%s: given twice; give it once\n",
                     lc_value_option_name (s_longs, code));
            rc = -1;
        }
        else {
            given |= 1ul << (code - S_OPT_LAUNCHER);
            rc = s_take (self, code, optarg, &rates, &rate_count);
        }
    }
    for (size_t i = 0; rc == 0 && i < sizeof s_required / sizeof s_required [0]; i++)
        if (!(given & (1ul << (s_required [i] - S_OPT_LAUNCHER)))) {
            fprintf (stderr, S_PROGRAM ": --%s: missing; see 'lclock runinfo --help'\n",
                     lc_value_option_name (s_longs, s_required [i]));
            rc = -1;
        }
    if (rc == 0 && rates && rate_count != self->machines) {
        fprintf (stderr, S_PROGRAM ": --rates: %zu rates for --machines %" PRIu32
                 "; give one rate per machine\n", rate_count, self->machines);
        rc = -1;
    }
    if (rc == 0 && rates)
        lc_runinfo_set_rates (self, rates, rate_count);
    free (rates);
    return rc;
}

int
lc_runinfo_main (int argc, char *argv [])
{
    //  DIR comes first; getopt then reads the rest with DIR as argv [0]
    const char *dir = argc > 1 && argv [1][0] != '-' ? argv [1] : NULL;
    if (dir) {
        argc--;
        argv++;
    }
    lc_runinfo_t *self = lc_runinfo_new ();
    int rc = s_parse (self, argc, argv);
    if (rc == 1) {
        fputs (s_help, stdout);
        lc_runinfo_destroy (&self);
        return LC_EXIT_OK;
    }
    if (rc == 0 && !dir) {
        fprintf (stderr, S_PROGRAM ": DIR is missing; it comes first (see "
                 "'lclock runinfo --help')\n");
        rc = -1;
    }
    //  getopt_long stops after "--"; the words after it are the command
    if (rc == 0 && (optind >= argc || strcmp (argv [optind - 1], "--") != 0)) {
        fprintf (stderr, S_PROGRAM ": expected '-- COMMAND WORDS...' after the options "
                 "(the launcher's command line)\n");
        rc = -1;
    }
    struct stat info;
    if (rc == 0 && (stat (dir, &info) || !S_ISDIR (info.st_mode))) {
        fprintf (stderr, S_PROGRAM ": %s: not a directory; make the run directory first\n",
                 dir);
        rc = -1;
    }
    if (rc) {
        lc_runinfo_destroy (&self);
        return LC_EXIT_USAGE;
    }
    char *command = lc_runinfo_shell_join (argc - optind, argv + optind);
    lc_runinfo_set_command (self, command);
    free (command);
    rc = lc_runinfo_save (self, dir, S_PROGRAM) ? LC_EXIT_FAILURE : LC_EXIT_OK;
    lc_runinfo_destroy (&self);
    return rc;
}
