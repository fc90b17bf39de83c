/*  lc_json.h - strict reading of the JSON files lclock writes for itself
    (run.json, summary.json): every key must be there with its type and
    range, and the first one that is not is said in one line,
    `PROGRAM: FILE: PATH.KEY: expected ...`.
*/
#ifndef LC_JSON_H_INCLUDED
#define LC_JSON_H_INCLUDED

#include "lclock.h"
#include <jansson.h>

#define LC_JSON_PATH_MAX    128     //  bytes of a key's path in an error

typedef struct {
    const char *program;        //  prefix of the error line
    const char *file;           //  the file read (or a name for it)
    char path [LC_JSON_PATH_MAX];   //  where in it: "" or "machines[2].jumps"
    bool failed;                //  an error was said; later ones are not
} lc_json_reader_t;

//  Says what is wrong with key (once per reader: the first error is the
//  one to fix), and marks the reader failed.
void
    lc_json_fail (lc_json_reader_t *self, const char *key, const char *expected,
                  bool present);

//  The value of key in object if it has type (null accepted when null_ok),
//  else NULL after the error. expected says what it should hold.
json_t *
    lc_json_get (lc_json_reader_t *self, json_t *object, const char *key,
                 json_type type, bool null_ok, const char *expected);

//  A JSON integer in min..max (0 after an error)
uint64_t
    lc_json_whole (lc_json_reader_t *self, json_t *object, const char *key,
                   uint64_t min, uint64_t max);

//  A JSON number (integer or real) in min..max, above min when min_open;
//  null_ok takes null as NaN (0 after an error)
double
    lc_json_real (lc_json_reader_t *self, json_t *object, const char *key,
                  double min, double max, bool min_open, bool null_ok);

//  true or false
bool
    lc_json_bool (lc_json_reader_t *self, json_t *object, const char *key);

//  A string, copied (the caller's to free); NULL for null (when null_ok)
//  and after an error
char *
    lc_json_text (lc_json_reader_t *self, json_t *object, const char *key,
                  bool null_ok);

//  Loads path as a JSON object, reading it only if it is a regular file.
//  Returns it, or NULL after one line on stderr naming the file.
json_t *
    lc_json_load (const char *path, const char *program);

//  Loads DIR/NAME (path gets its path, size bytes): 0 with *root set, 1
//  when there is no such file (nothing said), -1 after the line on stderr.
int
    lc_json_load_in (const char *dir, const char *name, const char *program,
                     json_t **root, char *path, size_t size);

//  Writers: an integer exact to 2^63 - 1 (a real above), a real rounded to
//  6 decimals (null when not finite), text or null.
json_t *
    lc_json_uint (uint64_t value);
json_t *
    lc_json_round (double value);
json_t *
    lc_json_text_or_null (const char *text);

//  Writes json to path whole or not at all (lc_file_write_whole),
//  with json_dumpf's flags and a final newline. Returns 0, or -1 with errno
//  set and path as it was.
int
    lc_json_save (const json_t *json, const char *path, size_t flags);

#endif
