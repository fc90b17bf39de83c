/*  lc_json.c - strict reading of the JSON files lclock writes for itself.

    run.json (lc_runinfo.c) and summary.json (lc_result.c) are read back by
    other commands (analyze, compare); a key that is missing or of another
    type is a file that cannot be trusted, said once and precisely.
*/
#include "lc_json.h"
#include "lc_file.h"
#include "lc_alloc.h"

#include <assert.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <sys/stat.h>

#define S_EXPECTED_MAX  128     //  bytes of an "expected ..." text

void
lc_json_fail (lc_json_reader_t *self, const char *key, const char *expected,
              bool present)
{
    if (!self->failed)
        fprintf (stderr, "%s: %s: %s%s%s: %sexpected %s\n", self->program, self->file,
                 self->path, *self->path ? "." : "", key,
                 present ? "" : "missing; ", expected);
    self->failed = true;
}

json_t *
lc_json_get (lc_json_reader_t *self, json_t *object, const char *key,
             json_type type, bool null_ok, const char *expected)
{
    json_t *value = json_object_get (object, key);
    if (value && (json_typeof (value) == type || (null_ok && json_is_null (value))))
        return value;
    lc_json_fail (self, key, expected, value != NULL);
    return NULL;
}

uint64_t
lc_json_whole (lc_json_reader_t *self, json_t *object, const char *key,
               uint64_t min, uint64_t max)
{
    char expected [S_EXPECTED_MAX];
    snprintf (expected, sizeof expected, "a whole number from %" PRIu64 " to %" PRIu64,
              min, max);
    json_t *value = lc_json_get (self, object, key, JSON_INTEGER, false, expected);
    json_int_t number = value ? json_integer_value (value) : 0;
    if (value && (number < 0 || (uint64_t) number < min || (uint64_t) number > max)) {
        lc_json_fail (self, key, expected, true);
        return 0;
    }
    return (uint64_t) number;
}

double
lc_json_real (lc_json_reader_t *self, json_t *object, const char *key,
              double min, double max, bool min_open, bool null_ok)
{
    char expected [S_EXPECTED_MAX];
    if (isinf (min) && isinf (max))
        snprintf (expected, sizeof expected, "a number%s", null_ok ? " or null" : "");
    else
        snprintf (expected, sizeof expected, "a number %s %g and <= %g%s",
                  min_open ? ">" : ">=", min, max, null_ok ? ", or null" : "");
    json_t *value = json_object_get (object, key);
    if (null_ok && json_is_null (value))
        return NAN;
    if (!json_is_number (value)) {
        lc_json_fail (self, key, expected, value != NULL);
        return 0;
    }
    double number = json_number_value (value);
    if (!(number >= min && number <= max) || (min_open && number <= min)) {
        lc_json_fail (self, key, expected, true);
        return 0;
    }
    return number;
}

bool
lc_json_bool (lc_json_reader_t *self, json_t *object, const char *key)
{
    json_t *value = json_object_get (object, key);
    if (!json_is_boolean (value))
        lc_json_fail (self, key, "true or false", value != NULL);
    return json_is_true (value);
}

char *
lc_json_text (lc_json_reader_t *self, json_t *object, const char *key, bool null_ok)
{
    json_t *value = lc_json_get (self, object, key, JSON_STRING, null_ok,
                                 null_ok ? "a string or null" : "a string");
    if (!value || !json_is_string (value))
        return NULL;
    char *copy = lc_strdup (json_string_value (value));
    return copy;
}

json_t *
lc_json_load (const char *path, const char *program)
{
    const char *why;
    int fd = lc_file_open_regular (path, NULL, &why);
    if (fd < 0) {
        fprintf (stderr, "%s: cannot read %s: %s\n", program, path, why);
        return NULL;
    }
    json_error_t error;
    json_t *root = json_loadfd (fd, JSON_REJECT_DUPLICATES, &error);
    close (fd);
    if (!root) {
        fprintf (stderr, "%s: %s: line %d: %s\n", program, path, error.line, error.text);
        return NULL;
    }
    if (!json_is_object (root)) {
        fprintf (stderr, "%s: %s: expected a JSON object\n", program, path);
        json_decref (root);
        return NULL;
    }
    return root;
}

int
lc_json_load_in (const char *dir, const char *name, const char *program,
                 json_t **root, char *path, size_t size)
{
    *root = NULL;
    snprintf (path, size, "%s/%s", dir, name);
    struct stat info;
    if (lstat (path, &info) && errno == ENOENT)
        return 1;
    *root = lc_json_load (path, program);
    return *root ? 0 : -1;
}

json_t *
lc_json_uint (uint64_t value)
{
    return value <= INT64_MAX ? json_integer ((json_int_t) value)
                              : json_real ((double) value);
}

json_t *
lc_json_round (double value)
{
    if (!isfinite (value))
        return json_null ();
    //  Beyond 2^53 there are no decimals to round, and value * 1e6 could
    //  overflow to infinity, which JSON cannot hold
    return json_real (fabs (value) < 0x1p53 ? round (value * 1e6) / 1e6 : value);
}

json_t *
lc_json_text_or_null (const char *text)
{
    return text ? json_string (text) : json_null ();
}

typedef struct {
    const json_t *json;
    size_t flags;
} s_dump_t;

static int
s_dump (FILE *file, const void *arg)
{
    const s_dump_t *dump = (const s_dump_t *) arg;
    return json_dumpf (dump->json, file, dump->flags) || fputc ('\n', file) == EOF ? -1 : 0;
}

int
lc_json_save (const json_t *json, const char *path, size_t flags)
{
    s_dump_t dump = { json, flags };
    return lc_file_write_whole (path, s_dump, &dump);
}
