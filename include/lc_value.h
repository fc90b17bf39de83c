/*  lc_value.h - one value of a setting, from the command line or a
    cluster file: its kinds, the strict parser of each, and the one-line
    error that names where a bad value came from and what was expected.
*/
#ifndef LC_VALUE_H_INCLUDED
#define LC_VALUE_H_INCLUDED

#include "lclock.h"

#include <getopt.h>

#define LC_QUOTE_MAX    (LC_ERROR_VALUE_MAX + 4)    //  bytes of a quoted
                                    //  value: LC_ERROR_VALUE_MAX, "...", NUL

//  What a value is; each kind has one parser and one "expected ..." text
typedef enum {
    LC_KIND_ID,                 //  a machine id
    LC_KIND_RATE,               //  R or MIN-MAX
    LC_KIND_ROLL,               //  K
    LC_KIND_DURATION,           //  model seconds > 0
    LC_KIND_SPEED,              //  model seconds per wall second
    LC_KIND_TIMEOUT,            //  wall seconds >= 0
    LC_KIND_SEED,               //  a run seed
    LC_KIND_BIND,               //  an endpoint to bind
    LC_KIND_CONNECT,            //  an endpoint peers connect to
    LC_KIND_PATH,               //  a file or folder
    LC_KIND_HOST,               //  a host name for the LAN launcher
    LC_KIND_PEER,               //  ID=ENDPOINT
    LC_KIND_FLAG,               //  no value
} lc_kind_t;

//  A parsed value. Text is borrowed from where it was read (argv, the
//  cluster file's tree) and lives as long as that does.
typedef struct {
    const char *text;           //  the text as written; for BIND, CONNECT,
                                //  PATH and HOST the value itself
    union {
        uint32_t whole;         //  ID, ROLL
        uint64_t seed;          //  SEED
        double real;            //  DURATION, SPEED, TIMEOUT
        struct {
            uint32_t min;       //  slowest rate
            uint32_t max;       //  fastest rate, >= min
        } rate;                 //  RATE
        struct {
            uint32_t id;        //  the peer's machine id
            const char *endpoint;   //  where it is reached, in text
        } peer;                 //  PEER
        bool flag;              //  FLAG: given
    };
} lc_value_t;

//  Where a value came from, for error messages
typedef struct {
    const char *program;        //  "lclock machine", "lclock cluster"
    const char *file;           //  the cluster file, or NULL
    uint32_t machine;           //  its machine section, or 0
} lc_where_t;

//  Prints `PROGRAM: [FILE: ][machine ID: ]MESSAGE` as one line on stderr
void
    lc_where_error (const lc_where_t *where, const char *format, ...)
    __attribute__ ((format (printf, 2, 3)));

//  Copies text for an error message into buffer (LC_QUOTE_MAX bytes):
//  control characters become '?' so the message stays on one line, and
//  text longer than LC_ERROR_VALUE_MAX is cut with "...". Returns buffer.
const char *
    lc_value_quote (const char *text, char *buffer, size_t size);

//  Parses text as a value of this kind; returns 0, or -1 if it is not one
int
    lc_value_parse (lc_kind_t kind, const char *text, lc_value_t *value);

//  The number parsers of the kinds above, for values no kind describes
//  (`lclock simulate`'s --machines and --delay). A whole number is decimal
//  digits only, in min..max; a real is a plain decimal with an optional
//  exponent, finite, in [min, max] (above min when min_open). Each returns
//  0 with *value set, or -1.
int
    lc_value_whole (const char *text, uint64_t min, uint64_t max, uint64_t *value);
int
    lc_value_real (const char *text, double min, double max, bool min_open,
                   double *value);
//  A list of rates R1,R2,... (each a whole LC_RATE_MIN..LC_RATE_MAX), at
//  most max of them, into rates. Returns how many, or -1.
int
    lc_value_rates (const char *text, uint32_t *rates, size_t max);

//  Parses text as the value of name (an option or a key); on a bad value
//  prints `NAME: expected WHAT, got 'TEXT'` and returns -1.
int
    lc_value_check (const lc_where_t *where, const char *name, lc_kind_t kind,
                    const char *text, lc_value_t *value);

//  The long name of the option getopt_long returned as code, from options
//  (ended by a NULL name); "?" if none has that code
const char *
    lc_value_option_name (const struct option *options, int code);

#endif
