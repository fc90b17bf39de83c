/*  lc_value.c - one value of a setting: the strict parser and the
    "expected ..." text of each kind, and the one-line error.

    Values are checked strictly: whole numbers are decimal digits only
    ("5x", "+5", " 5" and "0x5" are refused), reals are plain decimals
    (no sign, no inf, nan or hex), and every value has a range from
    lclock.h. Endpoints are checked by lc_endpoint.c; a tcp:// endpoint
    whose only fault is its port gets its own message.

    Every error is one line on stderr: `PROGRAM: --OPTION: ...` or
    `PROGRAM: FILE: [machine ID: ]KEY: ...`.
*/
#include "lc_value.h"
#include "lc_endpoint.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_ERROR_MAX     (2 * PATH_MAX)  //  bytes of one error line
#define S_WHOLE_DIGITS  20      //  digits of the largest uint64_t
#define S_EXPECTED_MAX  256     //  bytes of an "expected ..." text


void
lc_where_error (const lc_where_t *where, const char *format, ...)
{
    char line [S_ERROR_MAX];
    int size = snprintf (line, sizeof line, "%s: ", where->program);
    if (where->file && size < (int) sizeof line)
        size += snprintf (line + size, sizeof line - size, "%s: ", where->file);
    if (where->machine && size < (int) sizeof line)
        size += snprintf (line + size, sizeof line - size, "machine %" PRIu32 ": ",
                          where->machine);
    if (size < (int) sizeof line) {
        va_list args;
        va_start (args, format);
        vsnprintf (line + size, sizeof line - size, format, args);
        va_end (args);
    }
    fprintf (stderr, "%s\n", line);
}

const char *
lc_value_quote (const char *text, char *buffer, size_t size)
{
    assert (size >= LC_QUOTE_MAX);
    size_t length = 0;
    for (; length < LC_ERROR_VALUE_MAX && text [length]; length++) {
        unsigned char c = (unsigned char) text [length];
        buffer [length] = (c < ' ' || c == 0x7f)? '?': (char) c;
    }
    buffer [length] = 0;
    if (text [length])
        strcat (buffer, "...");
    return buffer;
}

//  Whole number in decimal digits only, <= max
static int
s_parse_whole (const char *text, uint64_t max, uint64_t *value)
{
    size_t length = strspn (text, "0123456789");
    if (length == 0 || text [length] || length > S_WHOLE_DIGITS)
        return -1;
    errno = 0;
    unsigned long long number = strtoull (text, NULL, 10);
    if (errno == ERANGE || number > max)
        return -1;
    *value = number;
    return 0;
}

int
lc_value_whole (const char *text, uint64_t min, uint64_t max, uint64_t *value)
{
    uint64_t number;
    if (s_parse_whole (text, max, &number) || number < min)
        return -1;
    *value = number;
    return 0;
}

//  Whole number in [min, max] that fits 32 bits
static int
s_parse_whole32 (const char *text, uint32_t min, uint32_t max, uint32_t *value)
{
    uint64_t number;
    if (lc_value_whole (text, min, max, &number))
        return -1;
    *value = (uint32_t) number;
    return 0;
}

//  Plain decimal real (digits, '.', exponent), finite, in [min, max];
//  above min when min_open
static int
s_parse_real (const char *text, double min, double max, bool min_open, double *value)
{
    if (!isdigit ((unsigned char) text [0]) && text [0] != '.')
        return -1;
    if (text [strspn (text, "0123456789.eE+-")])
        return -1;              //  no hex, inf or nan
    char *end;
    errno = 0;
    double number = strtod (text, &end);
    if (end == text || *end || errno == ERANGE || !isfinite (number))
        return -1;
    if (number < min || number > max || (min_open && number <= min))
        return -1;
    *value = number;
    return 0;
}

int
lc_value_real (const char *text, double min, double max, bool min_open, double *value)
{
    return s_parse_real (text, min, max, min_open, value);
}

//  The part of text before separator, as a string in buffer; -1 when
//  separator is not there (unless optional) or the part does not fit
static int
s_before (const char *text, char separator, bool optional, char *buffer, size_t size)
{
    const char *found = strchr (text, separator);
    size_t length = found? (size_t) (found - text): strlen (text);
    if ((!found && !optional) || length >= size)
        return -1;
    memcpy (buffer, text, length);
    buffer [length] = 0;
    return 0;
}

static int
s_parse_rate (const char *text, lc_value_t *value)
{
    char min_text [S_WHOLE_DIGITS + 2];
    const char *dash = strchr (text, '-');
    if (s_before (text, '-', true, min_text, sizeof min_text)
    ||  s_parse_whole32 (min_text, LC_RATE_MIN, LC_RATE_MAX, &value->rate.min)
    ||  s_parse_whole32 (dash? dash + 1: text, LC_RATE_MIN, LC_RATE_MAX, &value->rate.max)
    ||  value->rate.min > value->rate.max)
        return -1;
    return 0;
}

int
lc_value_rates (const char *text, uint32_t *rates, size_t max)
{
    size_t count = 0;
    while (true) {
        char word [S_WHOLE_DIGITS + 2];
        if (count == max
        ||  s_before (text, ',', true, word, sizeof word)
        ||  s_parse_whole32 (word, LC_RATE_MIN, LC_RATE_MAX, &rates [count]))
            return -1;
        count++;
        const char *comma = strchr (text, ',');
        if (!comma)
            return (int) count;
        text = comma + 1;
    }
}

//  Splits ID=ENDPOINT: the id into value, *endpoint after the '='; -1
//  when there is no '=' or the id is bad
static int
s_peer_split (const char *text, lc_value_t *value, const char **endpoint)
{
    char id_text [S_WHOLE_DIGITS + 2];
    if (s_before (text, '=', false, id_text, sizeof id_text)
    ||  s_parse_whole32 (id_text, LC_ID_MIN, LC_ID_MAX, &value->peer.id))
        return -1;
    *endpoint = strchr (text, '=') + 1;
    return 0;
}

static int
s_parse_peer (const char *text, lc_value_t *value)
{
    if (s_peer_split (text, value, &value->peer.endpoint))
        return -1;
    return lc_endpoint_check (value->peer.endpoint, true) == LC_ENDPOINT_OK? 0: -1;
}

static int
s_parse_host (const char *text)
{
    if (*text == 0 || *text == '-' || strlen (text) >= LC_HOST_MAX)
        return -1;
    for (const char *c = text; *c; c++)
        if (!isgraph ((unsigned char) *c))
            return -1;
    return 0;
}

int
lc_value_parse (lc_kind_t kind, const char *text, lc_value_t *value)
{
    assert (text);
    value->text = text;
    switch (kind) {
        case LC_KIND_ID:
            return s_parse_whole32 (text, LC_ID_MIN, LC_ID_MAX, &value->whole);
        case LC_KIND_ROLL:
            return s_parse_whole32 (text, LC_ROLL_MIN, LC_ROLL_MAX, &value->whole);
        case LC_KIND_SEED:
            return s_parse_whole (text, LC_SEED_MAX, &value->seed);
        case LC_KIND_RATE:
            return s_parse_rate (text, value);
        case LC_KIND_DURATION:
            return s_parse_real (text, 0, LC_DURATION_MAX, true, &value->real);
        case LC_KIND_SPEED:
            return s_parse_real (text, LC_SPEED_MIN, LC_SPEED_MAX, false, &value->real);
        case LC_KIND_TIMEOUT:
            return s_parse_real (text, 0, LC_START_TIMEOUT_MAX, false, &value->real);
        case LC_KIND_BIND:
        case LC_KIND_CONNECT:
            return lc_endpoint_check (text, kind == LC_KIND_CONNECT) == LC_ENDPOINT_OK? 0: -1;
        case LC_KIND_PATH:
            return (*text == 0 || strlen (text) >= PATH_MAX)? -1: 0;
        case LC_KIND_HOST:
            return s_parse_host (text);
        case LC_KIND_PEER:
            return s_parse_peer (text, value);
        case LC_KIND_FLAG:
            value->flag = true;
            return 0;
    }
    return -1;
}

//  What a value of this kind looks like, for "expected ..." messages
static void
s_expected (lc_kind_t kind, char *buffer, size_t size)
{
    switch (kind) {
        case LC_KIND_ID:
            snprintf (buffer, size, "a machine id from %d to %d", LC_ID_MIN, LC_ID_MAX);
            break;
        case LC_KIND_ROLL:
            snprintf (buffer, size, "a whole number K from %d to %d",
                      LC_ROLL_MIN, LC_ROLL_MAX);
            break;
        case LC_KIND_SEED:
            snprintf (buffer, size, "a whole number from 0 to %" PRIu64, LC_SEED_MAX);
            break;
        case LC_KIND_RATE:
            snprintf (buffer, size, "R or MIN-MAX with %d <= MIN <= MAX <= %d",
                      LC_RATE_MIN, LC_RATE_MAX);
            break;
        case LC_KIND_DURATION:
            snprintf (buffer, size, "model seconds, a number > 0 and <= %.0f",
                      LC_DURATION_MAX);
            break;
        case LC_KIND_SPEED:
            snprintf (buffer, size, "a number from %g to %g", LC_SPEED_MIN, LC_SPEED_MAX);
            break;
        case LC_KIND_TIMEOUT:
            snprintf (buffer, size, "wall seconds, a number from 0 (wait forever) to %.0f",
                      LC_START_TIMEOUT_MAX);
            break;
        case LC_KIND_BIND:
            snprintf (buffer, size, "an endpoint TRANSPORT://ADDRESS of at most "
                      "%d bytes, such as tcp://*:5551", LC_ENDPOINT_MAX - 1);
            break;
        case LC_KIND_CONNECT:
            snprintf (buffer, size, "an endpoint peers can connect to "
                      "(TRANSPORT://ADDRESS of at most %d bytes, no '*'), such as "
                      "tcp://192.168.1.10:5551", LC_ENDPOINT_MAX - 1);
            break;
        case LC_KIND_PATH:
            snprintf (buffer, size, "a path of 1 to %d bytes", PATH_MAX - 1);
            break;
        case LC_KIND_HOST:
            snprintf (buffer, size, "a host name of 1 to %d bytes, no spaces, "
                      "not starting with '-'", LC_HOST_MAX - 1);
            break;
        case LC_KIND_PEER:
            snprintf (buffer, size, "ID=ENDPOINT with ID from %d to %d and an "
                      "ENDPOINT such as tcp://192.168.1.10:5551 (no '*', at most "
                      "%d bytes)", LC_ID_MIN, LC_ID_MAX, LC_ENDPOINT_MAX - 1);
            break;
        case LC_KIND_FLAG:
            snprintf (buffer, size, "no value");
            break;
    }
}

//  True if what is wrong with a value of this kind is the port of its
//  tcp:// endpoint
static bool
s_bad_port (lc_kind_t kind, const char *text)
{
    lc_value_t peer;
    if (kind == LC_KIND_PEER && s_peer_split (text, &peer, &text) == 0)
        kind = LC_KIND_CONNECT;
    return (kind == LC_KIND_BIND || kind == LC_KIND_CONNECT)
        && lc_endpoint_check (text, kind == LC_KIND_CONNECT) == LC_ENDPOINT_PORT;
}

int
lc_value_check (const lc_where_t *where, const char *name, lc_kind_t kind,
                const char *text, lc_value_t *value)
{
    if (lc_value_parse (kind, text, value) == 0)
        return 0;
    char expected [S_EXPECTED_MAX];
    char quoted [LC_QUOTE_MAX];
    if (s_bad_port (kind, text))
        snprintf (expected, sizeof expected, "a port from %d to %d in tcp://HOST:PORT",
                  LC_PORT_MIN, LC_PORT_MAX);
    else
        s_expected (kind, expected, sizeof expected);
    lc_where_error (where, "%s: expected %s, got '%s'", name, expected,
                    lc_value_quote (text, quoted, sizeof quoted));
    return -1;
}

const char *
lc_value_option_name (const struct option *options, int code)
{
    for (const struct option *option = options; option->name; option++)
        if (option->val == code)
            return option->name;
    return "?";
}
