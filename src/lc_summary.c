/*  lc_summary.c - the machine summary, machine-ID.json: the one place that
    knows its format (docs/log-format.md mirrors it).

    One JSON object, keys in this order, indented by two spaces:

        machine         integer 1..65535
        version         string, the lclock version that wrote it
        run_id          string, 16 lowercase hex digits
        rate            integer 1..LC_RATE_MAX
        speed           number LC_SPEED_MIN..LC_SPEED_MAX
        duration        number above 0, at most LC_DURATION_MAX
        roll            integer LC_ROLL_MIN..LC_ROLL_MAX
        seed            integer 0..2^63-1
        bind            string, an endpoint
        peers           array of { "id": 1..65535, "endpoint": string },
                        ascending ids, at most LC_PEERS_MAX
        curve           true or false
        start_time      wall seconds of the first start row (6 decimals),
                        or null: the machine never started
        stop_time       wall seconds of the stop row, or null (with
                        stop_reason null: not stopped, or crashed)
        stop_reason     "duration", "signal", "error", "start_timeout", null
        restarts, ticks, late_ticks                     integers >= 0
        max_lateness_ms number >= 0, 3 decimals
        sent, send_failed, received, unread, unacked, retransmitted,
        duplicates, rejected, bad_connections, untrusted, final_clock
                                                        integers >= 0

    Every integer is exact up to 2^63-1: the writer prints them itself, and
    the reader takes jansson's 64-bit integers (never "i" of json_pack or
    json_unpack, which is a C int). Reals are printed with the fewest digits
    that read back as the same double. One table below drives both the
    writer and the reader, so the two cannot drift apart.
*/
#include "lc_summary.h"
#include "lc_alloc.h"
#include "lc_file.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>

static const char *s_stop_names [LC_STOP_COUNT] = {
    NULL, "duration", "signal", "error", "start_timeout"
};

const char *
lc_stop_reason_name (lc_stop_reason_t reason)
{
    return (int) reason >= 0 && reason < LC_STOP_COUNT ? s_stop_names [reason] : NULL;
}

//  --------------------------------------------------------------------------
//  The format, as a table

typedef enum {
    S_U32,                      //  uint32_t, min..max
    S_U64,                      //  uint64_t, min..max
    S_REAL,                     //  double, min..max (min exclusive if open)
    S_TEXT,                     //  char [size], not empty
    S_RUN_ID,                   //  uint64_t as 16 hex digits
    S_PEERS,                    //  peer_count + peers
    S_BOOL,                     //  bool
    S_START,                    //  started + start_us
    S_STOP_TIME,                //  stop_us, null when stop_reason is
    S_STOP_REASON,              //  lc_stop_reason_t
    S_LATENESS                  //  double >= 0, printed with 3 decimals
} s_kind_t;

typedef struct {
    const char *key;            //  JSON key
    s_kind_t kind;              //  how it is stored and printed
    size_t offset;              //  of the field in lc_summary_t
    size_t size;                //  S_TEXT: bytes of the field
    uint64_t min;               //  S_U32, S_U64: range
    uint64_t max;
    double real_min;            //  S_REAL: range, real_min itself out of
    double real_max;            //  range when open_min
    bool open_min;
} s_key_t;

#define S_AT(field)     offsetof (lc_summary_t, field)
#define S_INT(name, kind, min, max) \
    { #name, kind, S_AT (name), 0, min, max, 0, 0, false }
#define S_COUNT(name)   S_INT (name, S_U64, 0, INT64_MAX)
#define S_OTHER(name, kind, field) \
    { name, kind, field, 0, 0, 0, 0, 0, false }

static const s_key_t s_keys [] = {
    S_INT (machine, S_U32, LC_ID_MIN, LC_ID_MAX),
    { "version", S_TEXT, S_AT (version), LC_SUMMARY_VERSION_MAX, 0, 0, 0, 0, false },
    S_OTHER ("run_id", S_RUN_ID, 0),
    S_INT (rate, S_U32, LC_RATE_MIN, LC_RATE_MAX),
    { "speed", S_REAL, S_AT (speed), 0, 0, 0, LC_SPEED_MIN, LC_SPEED_MAX, false },
    { "duration", S_REAL, S_AT (duration), 0, 0, 0, 0, LC_DURATION_MAX, true },
    S_INT (roll, S_U32, LC_ROLL_MIN, LC_ROLL_MAX),
    S_INT (seed, S_U64, 0, LC_SEED_MAX),
    { "bind", S_TEXT, S_AT (bind), LC_ENDPOINT_MAX, 0, 0, 0, 0, false },
    S_OTHER ("peers", S_PEERS, 0),
    S_OTHER ("curve", S_BOOL, S_AT (curve)),
    S_OTHER ("start_time", S_START, 0),
    S_OTHER ("stop_time", S_STOP_TIME, 0),
    S_OTHER ("stop_reason", S_STOP_REASON, 0),
    S_COUNT (restarts),
    S_COUNT (ticks),
    S_COUNT (late_ticks),
    S_OTHER ("max_lateness_ms", S_LATENESS, S_AT (max_lateness_ms)),
    S_COUNT (sent),
    S_COUNT (send_failed),
    S_COUNT (received),
    S_COUNT (unread),
    S_COUNT (unacked),
    S_COUNT (retransmitted),
    S_COUNT (duplicates),
    S_COUNT (rejected),
    S_COUNT (bad_connections),
    S_COUNT (untrusted),
    S_COUNT (final_clock),
};
#define S_KEY_COUNT     (sizeof s_keys / sizeof s_keys [0])

//  --------------------------------------------------------------------------
//  Writing

static void
s_put_text (FILE *out, const char *text)
{
    fputc ('"', out);
    //  The plain part at once (a 1024-machine run writes a million peer
    //  endpoints), then the rest character by character
    const unsigned char *plain = (const unsigned char *) text;
    while (*plain >= 0x20 && *plain != '"' && *plain != '\\')
        plain++;
    fwrite (text, 1, (size_t) ((const char *) plain - text), out);
    for (const unsigned char *c = plain; *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf (out, "\\%c", *c);
        else
        if (*c < 0x20)
            fprintf (out, "\\u%04x", *c);
        else
            fputc (*c, out);
    }
    fputc ('"', out);
}

//  The fewest digits that read back as the same double, always with a
//  decimal point or exponent so that JSON readers see a real
static void
s_put_real (FILE *out, double value)
{
    assert (isfinite (value));
    char text [32];
    for (int digits = 15; digits <= 17; digits++) {
        snprintf (text, sizeof text, "%.*g", digits, value);
        if (strtod (text, NULL) == value)
            break;
    }
    fputs (text, out);
    if (!strpbrk (text, ".e"))
        fputs (".0", out);
}

//  A peer id, without printf: a 1024-machine run writes a million of them
static void
s_put_id (FILE *out, uint32_t id)
{
    char digits [16];
    size_t at = sizeof digits;
    do {
        digits [--at] = (char) ('0' + id % 10);
        id /= 10;
    } while (id);
    fwrite (digits + at, 1, sizeof digits - at, out);
}

static void
s_put_time (FILE *out, int64_t time_us)
{
    assert (time_us >= 0);
    fprintf (out, "%" PRId64 ".%06" PRId64, time_us / 1000000, time_us % 1000000);
}

static void
s_put_value (FILE *out, const lc_summary_t *self, const s_key_t *key)
{
    const char *field = (const char *) self + key->offset;
    switch (key->kind) {
        case S_U32:
            fprintf (out, "%" PRIu32, *(const uint32_t *) field);
            break;
        case S_U64:
            assert (*(const uint64_t *) field <= key->max);
            fprintf (out, "%" PRIu64, *(const uint64_t *) field);
            break;
        case S_REAL:
            s_put_real (out, *(const double *) field);
            break;
        case S_TEXT:
            s_put_text (out, field);
            break;
        case S_RUN_ID:
            fprintf (out, "\"%016" PRIx64 "\"", self->run_id);
            break;
        case S_PEERS:
            fputs ("[", out);
            for (size_t i = 0; i < self->peer_count; i++) {
                fputs (i ? ",\n    { \"id\": " : "\n    { \"id\": ", out);
                s_put_id (out, self->peers [i].id);
                fputs (", \"endpoint\": ", out);
                s_put_text (out, self->peers [i].endpoint);
                fputs (" }", out);
            }
            fputs (self->peer_count ? "\n  ]" : "]", out);
            break;
        case S_BOOL:
            fputs (*(const bool *) field ? "true" : "false", out);
            break;
        case S_START:
            if (self->started)
                s_put_time (out, self->start_us);
            else
                fputs ("null", out);
            break;
        case S_STOP_TIME:
            if (self->stop_reason != LC_STOP_NONE)
                s_put_time (out, self->stop_us);
            else
                fputs ("null", out);
            break;
        case S_STOP_REASON:
            if (self->stop_reason != LC_STOP_NONE)
                s_put_text (out, lc_stop_reason_name (self->stop_reason));
            else
                fputs ("null", out);
            break;
        case S_LATENESS:
            fprintf (out, "%.3f", self->max_lateness_ms);
            break;
    }
}

//  The whole file's text, malloc'd; *length its size
static char *
s_format (const lc_summary_t *self, size_t *length)
{
    char *text = NULL;
    FILE *out = open_memstream (&text, length);
    if (!out) {
        fprintf (stderr, "lclock: out of memory\n");
        abort ();
    }
    fputs ("{\n", out);
    for (size_t i = 0; i < S_KEY_COUNT; i++) {
        fprintf (out, "  \"%s\": ", s_keys [i].key);
        s_put_value (out, self, &s_keys [i]);
        fputs (i + 1 < S_KEY_COUNT ? ",\n" : "\n}\n", out);
    }
    if (fclose (out) != 0 || !text) {
        fprintf (stderr, "lclock: out of memory\n");
        abort ();
    }
    return text;
}

static int
s_fail (char *error, size_t size, const char *format, ...)
    __attribute__ ((format (printf, 3, 4)));

static int
s_fail (char *error, size_t size, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    vsnprintf (error, size, format, args);
    va_end (args);
    return -1;
}

typedef struct {
    char *data;
    size_t length;
} s_text_t;

static int
s_write_text (FILE *file, const void *arg)
{
    const s_text_t *text = (const s_text_t *) arg;
    return fwrite (text->data, 1, text->length, file) == text->length ? 0 : -1;
}

int
lc_summary_write (const lc_summary_t *self, const char *path, char *error, size_t size)
{
    s_text_t text;
    text.data = s_format (self, &text.length);
    int rc = lc_file_write_whole (path, s_write_text, &text);
    int saved = errno;
    free (text.data);
    if (rc)
        return s_fail (error, size, "cannot write %s: %s", path, strerror (saved));
    return 0;
}

//  --------------------------------------------------------------------------
//  Reading

//  The file's bytes, NUL-terminated, malloc'd; NULL with error set
static char *
s_slurp (const char *path, size_t *length, char *error, size_t size)
{
    struct stat info;
    const char *why;
    int fd = lc_file_open_regular (path, &info, &why);
    if (fd < 0) {
        s_fail (error, size, "cannot read %s: %s", path, why);
        return NULL;
    }
    if (info.st_size > LC_SUMMARY_FILE_MAX) {
        close (fd);
        s_fail (error, size, "cannot read %s: larger than %d bytes, not a "
                "machine summary", path, LC_SUMMARY_FILE_MAX);
        return NULL;
    }
    char *text = lc_malloc ((size_t) info.st_size + 1);
    size_t got = 0;
    ssize_t done = 1;
    while (got < (size_t) info.st_size && done > 0) {
        done = read (fd, text + got, (size_t) info.st_size - got);
        if (done > 0)
            got += (size_t) done;
        else
        if (done < 0 && errno == EINTR)
            done = 1;
    }
    int saved = errno;
    close (fd);
    if (got < (size_t) info.st_size) {
        s_fail (error, size, "cannot read %s: %s", path,
                done < 0 ? strerror (saved) : "it shrank while it was read");
        free (text);
        return NULL;
    }
    text [got] = 0;
    *length = got;
    return text;
}

//  A JSON integer within min..max
static bool
s_get_integer (json_t *value, uint64_t min, uint64_t max, uint64_t *result)
{
    if (!json_is_integer (value) || json_integer_value (value) < 0)
        return false;
    uint64_t number = (uint64_t) json_integer_value (value);
    if (number < min || number > max)
        return false;
    *result = number;
    return true;
}

static bool
s_get_real (json_t *value, double min, double max, bool open_min, double *result)
{
    if (!json_is_number (value))
        return false;
    double number = json_number_value (value);
    if (!(number >= min && number <= max) || (open_min && number == min))
        return false;
    *result = number;
    return true;
}

static bool
s_get_time (json_t *value, int64_t *time_us)
{
    double seconds;
    if (!s_get_real (value, 0, 1e11, false, &seconds))
        return false;
    *time_us = llround (seconds * 1e6);
    return true;
}

static bool
s_get_text (json_t *value, char *field, size_t size)
{
    const char *text = json_string_value (value);
    size_t length = text ? json_string_length (value) : 0;
    if (!text || length == 0 || length >= size || strlen (text) != length)
        return false;
    memcpy (field, text, length + 1);
    return true;
}

static bool
s_get_run_id (json_t *value, uint64_t *run_id)
{
    const char *text = json_string_value (value);
    if (!text || strlen (text) != 16 || strspn (text, "0123456789abcdef") != 16)
        return false;
    *run_id = strtoull (text, NULL, 16);
    return true;
}

//  The peers array; on failure *what says which entry is wrong
static bool
s_get_peers (json_t *value, lc_summary_t *self, char *what, size_t size)
{
    if (!json_is_array (value) || json_array_size (value) > LC_PEERS_MAX) {
        snprintf (what, size, "an array of at most %d peers", LC_PEERS_MAX);
        return false;
    }
    size_t count = json_array_size (value);
    self->peers = lc_calloc (count, sizeof *self->peers);
    self->peer_count = count;
    for (size_t i = 0; i < count; i++) {
        json_t *peer = json_array_get (value, i);
        uint64_t id;
        if (!json_is_object (peer)
        ||  !s_get_integer (json_object_get (peer, "id"), LC_ID_MIN, LC_ID_MAX, &id)
        ||  (i && id <= self->peers [i - 1].id)
        ||  !s_get_text (json_object_get (peer, "endpoint"), self->peers [i].endpoint,
                         sizeof self->peers [i].endpoint)) {
            snprintf (what, size, "entry %zu: expected { \"id\": 1..65535 ascending, "
                      "\"endpoint\": a non-empty string }", i + 1);
            return false;
        }
        self->peers [i].id = (uint32_t) id;
    }
    return true;
}

static bool
s_get_stop_reason (json_t *value, lc_stop_reason_t *reason)
{
    if (json_is_null (value)) {
        *reason = LC_STOP_NONE;
        return true;
    }
    const char *text = json_string_value (value);
    for (int i = LC_STOP_NONE + 1; text && i < LC_STOP_COUNT; i++)
        if (strcmp (text, s_stop_names [i]) == 0) {
            *reason = (lc_stop_reason_t) i;
            return true;
        }
    return false;
}

//  What a key expects, for its error message
static void
s_expected (const s_key_t *key, char *what, size_t size)
{
    switch (key->kind) {
        case S_U32:
        case S_U64:
            if (key->max == INT64_MAX)
                snprintf (what, size, "an integer %" PRIu64 "..2^63-1", key->min);
            else
                snprintf (what, size, "an integer %" PRIu64 "..%" PRIu64,
                          key->min, key->max);
            break;
        case S_REAL:
            snprintf (what, size, "a number %s %g, at most %g",
                      key->open_min ? "above" : "from", key->real_min, key->real_max);
            break;
        case S_TEXT:
            snprintf (what, size, "a non-empty string of fewer than %zu bytes", key->size);
            break;
        case S_RUN_ID:
            snprintf (what, size, "a string of 16 lowercase hex digits");
            break;
        case S_BOOL:
            snprintf (what, size, "true or false");
            break;
        case S_START:
        case S_STOP_TIME:
            snprintf (what, size, "null or wall seconds since the epoch");
            break;
        case S_STOP_REASON:
            snprintf (what, size, "null, \"duration\", \"signal\", \"error\" or "
                      "\"start_timeout\"");
            break;
        case S_LATENESS:
            snprintf (what, size, "a number >= 0");
            break;
        case S_PEERS:
            break;              //  s_get_peers says it
    }
}

//  One key into self; false with what set if it is wrong
static bool
s_get_value (json_t *value, lc_summary_t *self, const s_key_t *key,
             char *what, size_t size)
{
    char *field = (char *) self + key->offset;
    uint64_t number;
    bool ok = false;
    switch (key->kind) {
        case S_U32:
            ok = s_get_integer (value, key->min, key->max, &number);
            if (ok)
                *(uint32_t *) field = (uint32_t) number;
            break;
        case S_U64:
            ok = s_get_integer (value, key->min, key->max, (uint64_t *) field);
            break;
        case S_REAL:
            ok = s_get_real (value, key->real_min, key->real_max, key->open_min,
                             (double *) field);
            break;
        case S_TEXT:
            ok = s_get_text (value, field, key->size);
            break;
        case S_RUN_ID:
            ok = s_get_run_id (value, &self->run_id);
            break;
        case S_PEERS:
            return s_get_peers (value, self, what, size);
        case S_BOOL:
            ok = json_is_boolean (value);
            if (ok)
                *(bool *) field = json_is_true (value);
            break;
        case S_START:
            self->started = !json_is_null (value);
            ok = !self->started || s_get_time (value, &self->start_us);
            break;
        case S_STOP_TIME:
            //  Read before stop_reason: null here must match null there
            self->stop_us = -1;
            ok = json_is_null (value) || s_get_time (value, &self->stop_us);
            break;
        case S_STOP_REASON:
            ok = s_get_stop_reason (value, &self->stop_reason)
              && (self->stop_reason == LC_STOP_NONE) == (self->stop_us < 0);
            if (!ok) {
                snprintf (what, size, "null exactly when stop_time is null, else "
                          "\"duration\", \"signal\", \"error\" or \"start_timeout\"");
                return false;
            }
            break;
        case S_LATENESS:
            ok = s_get_real (value, 0, INFINITY, false, (double *) field);
            break;
    }
    if (!ok)
        s_expected (key, what, size);
    return ok;
}

int
lc_summary_read (lc_summary_t *self, const char *path, char *error, size_t size)
{
    memset (self, 0, sizeof *self);
    size_t length;
    char *text = s_slurp (path, &length, error, size);
    if (!text)
        return -1;
    json_error_t json_error;
    json_t *root = json_loadb (text, length, JSON_REJECT_DUPLICATES, &json_error);
    free (text);
    if (!root)
        return s_fail (error, size, "cannot read %s: not JSON: %s (line %d)",
                       path, json_error.text, json_error.line);
    int rc = 0;
    if (!json_is_object (root))
        rc = s_fail (error, size, "cannot read %s: not a JSON object", path);
    for (size_t i = 0; rc == 0 && i < S_KEY_COUNT; i++) {
        json_t *value = json_object_get (root, s_keys [i].key);
        char what [160];
        if (!value)
            rc = s_fail (error, size, "%s: key '%s' is missing", path, s_keys [i].key);
        else
        if (!s_get_value (value, self, &s_keys [i], what, sizeof what))
            rc = s_fail (error, size, "%s: key '%s': expected %s", path,
                         s_keys [i].key, what);
    }
    json_decref (root);
    if (rc)
        lc_summary_reset (self);
    else
    if (self->stop_reason == LC_STOP_NONE)
        self->stop_us = 0;
    return rc;
}

void
lc_summary_reset (lc_summary_t *self)
{
    free (self->peers);
    memset (self, 0, sizeof *self);
}
