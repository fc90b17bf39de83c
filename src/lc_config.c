/*  lc_config.c - command line + cluster file -> one config struct.

    `lclock machine` options (docs/cli.md):

        --id ID  --cluster FILE  --bind EP  --peer ID=EP (repeatable)
        --rate R|MIN-MAX  --roll K  --duration SEC  --speed S  --seed N
        --log-dir DIR  --start-timeout SEC  --cert FILE --trust DIR
        --resume  --quiet  --help

    Values are checked strictly: whole numbers are decimal digits only
    ("5x", "+5", " 5" and "0x5" are refused), reals are plain decimals
    (no sign, no inf, nan or hex), and every value has a range from
    lclock.h. An option with a value given twice is refused, except
    --peer, which is repeatable. Positional arguments are refused.

    The cluster file (docs/cli.md) is ZPL, read with czmq's zconfig:

        cluster
            duration = 60        # model seconds
            speed = 1
            roll = 10
            rate = 1-6
            seed = 42
            machine = 1
                endpoint = tcp://192.168.1.10:5551
                host = lab1
            machine = 3
                endpoint = tcp://lab3.local:5551
                bind = tcp://0.0.0.0:5551

    zconfig reports its syntax errors with zclock_log on stdout, in its own
    words, with a timestamp and without the file name, so the text is
    checked here first, line by line, against zconfig's own grammar (4-space
    indents, name characters, `name = value`, quotes; each check is one
    zconfig refuses), and only then given to zconfig, which then never
    fails on it. A NUL byte, which would end zconfig's reading of its line,
    and a line longer than LC_ZPL_LINE_MAX (no value needs one; it bounds
    the line buffer here) are refused.

    Precedence: command line, then the machine's section, then the cluster
    section, then the defaults. With --cluster the run-wide settings
    (duration, speed, roll, peers) come from the file only.

    Every error is one line on stderr: `lclock machine: --OPTION: ...` or
    `lclock machine: FILE: [machine ID: ]KEY: ...`.
*/
#include "lc_config.h"

#include <czmq.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define S_PROGRAM       "lclock machine"    //  prefix of our errors
#define S_OPT_BASE      256     //  getopt values of long options start
                                //  here, above every short option char
#define S_ERROR_MAX     (2 * PATH_MAX)  //  bytes of one error line
#define S_WHOLE_DIGITS  20      //  digits of the largest uint64_t
#define S_NAME_MAX      32      //  bytes of "--" and the longest option name
#define S_EXPECTED_MAX  256     //  bytes of an "expected ..." text


//  --------------------------------------------------------------------------
//  Values: one parser and one "expected ..." text per kind of value

typedef enum {
    S_KIND_ID,                  //  a machine id
    S_KIND_RATE,                //  R or MIN-MAX
    S_KIND_ROLL,                //  K
    S_KIND_DURATION,            //  model seconds > 0
    S_KIND_SPEED,               //  model seconds per wall second
    S_KIND_TIMEOUT,             //  wall seconds >= 0
    S_KIND_SEED,                //  any uint64_t
    S_KIND_BIND,                //  an endpoint to bind
    S_KIND_CONNECT,             //  an endpoint peers connect to
    S_KIND_PATH,                //  a file or folder
    S_KIND_HOST,                //  a host name for the LAN launcher
    S_KIND_PEER,                //  ID=ENDPOINT
    S_KIND_FLAG,                //  no value
} s_kind_t;

typedef struct {
    uint32_t min;               //  slowest rate
    uint32_t max;               //  fastest rate, >= min
} s_rate_t;

typedef union {
    uint32_t whole;             //  S_KIND_ID, S_KIND_ROLL
    uint64_t seed;              //  S_KIND_SEED
    double real;                //  S_KIND_DURATION, _SPEED, _TIMEOUT
    s_rate_t rate;              //  S_KIND_RATE
    const char *text;           //  S_KIND_BIND, _CONNECT, _PATH, _HOST
                                //  (borrowed from argv or zconfig)
    lc_peer_t peer;             //  S_KIND_PEER
    bool flag;                  //  S_KIND_FLAG
} s_value_t;

//  Where a value came from, for error messages
typedef struct {
    const char *program;        //  "lclock machine"
    const char *file;           //  the cluster file, or NULL
    uint32_t machine;           //  its machine section, or 0
} s_where_t;

//  Prints `PROGRAM: [FILE: ][machine ID: ]MESSAGE` as one write
static void
s_error (const s_where_t *where, const char *format, ...)
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

//  Copies text for an error message: control characters become '?' so the
//  message stays on one line, and long text is cut with "...".
static const char *
s_quote (const char *text, char *buffer, size_t size)
{
    assert (size > LC_ERROR_VALUE_MAX + 3);
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

static int
s_parse_rate (const char *text, s_rate_t *rate)
{
    char min_text [S_WHOLE_DIGITS + 2];
    const char *dash = strchr (text, '-');
    const char *max_text = dash? dash + 1: text;
    size_t min_length = dash? (size_t) (dash - text): strlen (text);
    if (min_length >= sizeof min_text)
        return -1;
    memcpy (min_text, text, min_length);
    min_text [min_length] = 0;
    uint64_t min, max;
    if (s_parse_whole (min_text, LC_RATE_MAX, &min)
    ||  s_parse_whole (max_text, LC_RATE_MAX, &max)
    ||  min < LC_RATE_MIN || min > max)
        return -1;
    rate->min = (uint32_t) min;
    rate->max = (uint32_t) max;
    return 0;
}

//  TRANSPORT://ADDRESS, printable, no spaces, shorter than LC_ENDPOINT_MAX;
//  an endpoint to connect to may not have the host `*`.
static int
s_parse_endpoint (const char *text, bool connect)
{
    size_t length = strlen (text);
    if (length == 0 || length >= LC_ENDPOINT_MAX)
        return -1;
    for (size_t i = 0; i < length; i++)
        if (!isgraph ((unsigned char) text [i]))
            return -1;
    const char *separator = strstr (text, "://");
    if (!separator || separator == text || separator [3] == 0)
        return -1;
    for (const char *c = text; c < separator; c++)
        if (!isalnum ((unsigned char) *c))
            return -1;
    if (connect && separator [3] == '*')
        return -1;
    return 0;
}

static int
s_parse_peer (const char *text, lc_peer_t *peer)
{
    char id_text [S_WHOLE_DIGITS + 2];
    const char *equals = strchr (text, '=');
    if (!equals || (size_t) (equals - text) >= sizeof id_text)
        return -1;
    memcpy (id_text, text, equals - text);
    id_text [equals - text] = 0;
    uint64_t id;
    if (s_parse_whole (id_text, LC_ID_MAX, &id) || id < LC_ID_MIN
    ||  s_parse_endpoint (equals + 1, true))
        return -1;
    peer->id = (uint32_t) id;
    strcpy (peer->endpoint, equals + 1);
    return 0;
}

//  Parses text as a value of this kind; returns 0, or -1 if it is not one
static int
s_parse (s_kind_t kind, const char *text, s_value_t *value)
{
    uint64_t whole;
    switch (kind) {
        case S_KIND_ID:
            if (s_parse_whole (text, LC_ID_MAX, &whole) || whole < LC_ID_MIN)
                return -1;
            value->whole = (uint32_t) whole;
            return 0;
        case S_KIND_ROLL:
            if (s_parse_whole (text, LC_ROLL_MAX, &whole) || whole < LC_ROLL_MIN)
                return -1;
            value->whole = (uint32_t) whole;
            return 0;
        case S_KIND_SEED:
            return s_parse_whole (text, LC_SEED_MAX, &value->seed);
        case S_KIND_RATE:
            return s_parse_rate (text, &value->rate);
        case S_KIND_DURATION:
            return s_parse_real (text, 0, LC_DURATION_MAX, true, &value->real);
        case S_KIND_SPEED:
            return s_parse_real (text, LC_SPEED_MIN, LC_SPEED_MAX, false, &value->real);
        case S_KIND_TIMEOUT:
            return s_parse_real (text, 0, LC_START_TIMEOUT_MAX, false, &value->real);
        case S_KIND_BIND:
        case S_KIND_CONNECT:
            if (s_parse_endpoint (text, kind == S_KIND_CONNECT))
                return -1;
            value->text = text;
            return 0;
        case S_KIND_PATH:
            if (*text == 0 || strlen (text) >= PATH_MAX)
                return -1;
            value->text = text;
            return 0;
        case S_KIND_HOST:
            if (*text == 0 || *text == '-' || strlen (text) >= LC_HOST_MAX)
                return -1;
            for (const char *c = text; *c; c++)
                if (!isgraph ((unsigned char) *c))
                    return -1;
            value->text = text;
            return 0;
        case S_KIND_PEER:
            return s_parse_peer (text, &value->peer);
        case S_KIND_FLAG:
            value->flag = true;
            return 0;
    }
    return -1;
}

//  What a value of this kind looks like, for "expected ..." messages
static void
s_expected (s_kind_t kind, char *buffer, size_t size)
{
    switch (kind) {
        case S_KIND_ID:
            snprintf (buffer, size, "a machine id from %d to %d", LC_ID_MIN, LC_ID_MAX);
            break;
        case S_KIND_ROLL:
            snprintf (buffer, size, "a whole number K from %d to %d",
                      LC_ROLL_MIN, LC_ROLL_MAX);
            break;
        case S_KIND_SEED:
            snprintf (buffer, size, "a whole number from 0 to %" PRIu64, LC_SEED_MAX);
            break;
        case S_KIND_RATE:
            snprintf (buffer, size, "R or MIN-MAX with %d <= MIN <= MAX <= %d",
                      LC_RATE_MIN, LC_RATE_MAX);
            break;
        case S_KIND_DURATION:
            snprintf (buffer, size, "model seconds, a number > 0 and <= %.0f",
                      LC_DURATION_MAX);
            break;
        case S_KIND_SPEED:
            snprintf (buffer, size, "a number from %g to %g", LC_SPEED_MIN, LC_SPEED_MAX);
            break;
        case S_KIND_TIMEOUT:
            snprintf (buffer, size, "wall seconds, a number from 0 (wait forever) to %.0f",
                      LC_START_TIMEOUT_MAX);
            break;
        case S_KIND_BIND:
            snprintf (buffer, size, "an endpoint TRANSPORT://ADDRESS of at most "
                      "%d bytes, such as tcp://*:5551", LC_ENDPOINT_MAX - 1);
            break;
        case S_KIND_CONNECT:
            snprintf (buffer, size, "an endpoint peers can connect to "
                      "(TRANSPORT://ADDRESS of at most %d bytes, no '*'), such as "
                      "tcp://192.168.1.10:5551", LC_ENDPOINT_MAX - 1);
            break;
        case S_KIND_PATH:
            snprintf (buffer, size, "a path of 1 to %d bytes", PATH_MAX - 1);
            break;
        case S_KIND_HOST:
            snprintf (buffer, size, "a host name of 1 to %d bytes, no spaces, "
                      "not starting with '-'", LC_HOST_MAX - 1);
            break;
        case S_KIND_PEER:
            snprintf (buffer, size, "ID=ENDPOINT with ID from %d to %d and an "
                      "ENDPOINT such as tcp://192.168.1.10:5551 (no '*', at most "
                      "%d bytes)", LC_ID_MIN, LC_ID_MAX, LC_ENDPOINT_MAX - 1);
            break;
        case S_KIND_FLAG:
            snprintf (buffer, size, "no value");
            break;
    }
}

//  Parses a value named name (an option or a key); prints the error
static int
s_check (const s_where_t *where, const char *name, s_kind_t kind,
         const char *text, s_value_t *value)
{
    if (s_parse (kind, text, value) == 0)
        return 0;
    char expected [S_EXPECTED_MAX];
    char quoted [LC_ERROR_VALUE_MAX + 4];
    s_expected (kind, expected, sizeof expected);
    s_error (where, "%s: expected %s, got '%s'", name, expected,
             s_quote (text, quoted, sizeof quoted));
    return -1;
}


//  --------------------------------------------------------------------------
//  Endpoints: the host part, the default bind

//  Finds the host of a tcp:// endpoint: [*start, *start + *length). With
//  a source ("tcp://eth0;host:port") the host is the part after ';'.
//  Returns false for other transports or when there is no ":port".
static bool
s_endpoint_host (const char *endpoint, const char **start, size_t *length)
{
    const char *prefix = "tcp://";
    if (strncmp (endpoint, prefix, strlen (prefix)) != 0)
        return false;
    const char *address = endpoint + strlen (prefix);
    const char *colon = strrchr (address, ':');
    if (!colon)
        return false;
    const char *semicolon = memchr (address, ';', colon - address);
    *start = semicolon? semicolon + 1: address;
    *length = colon - *start;
    return true;
}

//  True if the host text is an IPv4 or IPv6 address ("[::1]" included)
static bool
s_host_is_ip (const char *host, size_t length)
{
    char text [LC_ENDPOINT_MAX];
    if (length >= 2 && host [0] == '[' && host [length - 1] == ']') {
        host++;
        length -= 2;
    }
    if (length == 0 || length >= sizeof text)
        return false;
    memcpy (text, host, length);
    text [length] = 0;
    unsigned char address [sizeof (struct in6_addr)];
    return inet_pton (AF_INET, text, address) == 1
        || inet_pton (AF_INET6, text, address) == 1;
}

void
lc_config_default_bind (const char *endpoint, char *bind)
{
    assert (strlen (endpoint) < LC_ENDPOINT_MAX);
    const char *host;
    size_t length;
    if (!s_endpoint_host (endpoint, &host, &length))
        strcpy (bind, endpoint);
    else
    if (s_host_is_ip (host, length))
        //  A source part ("eth0;"), if any, is dropped: binding takes none
        snprintf (bind, LC_ENDPOINT_MAX, "tcp://%s", host);
    else
        snprintf (bind, LC_ENDPOINT_MAX, "tcp://*%s", host + length);
}

//  Where the LAN launcher starts a machine without `host`: the endpoint's
//  host without brackets, or "localhost" for ipc://, inproc:// and the like
static void
s_default_host (const char *endpoint, char *host_name)
{
    const char *host;
    size_t length;
    if (!s_endpoint_host (endpoint, &host, &length) || length == 0) {
        snprintf (host_name, LC_HOST_MAX, "localhost");
        return;
    }
    if (length >= 2 && host [0] == '[' && host [length - 1] == ']') {
        host++;
        length -= 2;
    }
    snprintf (host_name, LC_HOST_MAX, "%.*s", (int) length, host);
}


//  --------------------------------------------------------------------------
//  The cluster file

//  Reads the whole file into a new NUL-terminated buffer
static char *
s_read_file (const s_where_t *where, size_t *size_p)
{
    FILE *file = fopen (where->file, "rb");
    if (!file) {
        s_error (where, "cannot open it: %s", strerror (errno));
        return NULL;
    }
    struct stat status;
    if (fstat (fileno (file), &status) == 0 && S_ISDIR (status.st_mode)) {
        s_error (where, "is a folder; expected a cluster file");
        fclose (file);
        return NULL;
    }
    char *text = malloc (LC_CLUSTER_FILE_MAX + 1);
    assert (text);
    size_t size = fread (text, 1, LC_CLUSTER_FILE_MAX + 1, file);
    int error = ferror (file)? errno: 0;
    fclose (file);
    if (error) {
        s_error (where, "cannot read it: %s", strerror (error));
        free (text);
        return NULL;
    }
    if (size > LC_CLUSTER_FILE_MAX) {
        s_error (where, "larger than %d bytes; is it really a cluster file?",
                 LC_CLUSTER_FILE_MAX);
        free (text);
        return NULL;
    }
    text [size] = 0;
    *size_p = size;
    return text;
}

//  A character zconfig accepts in a name
static bool
s_zpl_namechar (char c)
{
    return isalnum ((unsigned char) c) || strchr ("$-_@.&+/", c);
}

//  True if only spaces or a comment follow
static bool
s_zpl_eoln (const char *scan)
{
    while (isspace ((unsigned char) *scan))
        scan++;
    return *scan == 0 || *scan == '#';
}

//  Checks one trimmed line against zconfig's grammar; returns NULL or what
//  is wrong. *level is the line's level, or -1 when it names nothing.
static const char *
s_zpl_line (const char *line, int last_level, int *level)
{
    *level = -1;
    if (line [0] == '#')
        return NULL;
    size_t indent = strspn (line, " ");
    const char *scan = line + indent;
    if (*scan == '\t')
        return "a tab in the indentation; indent with 4 spaces per level";
    if (indent % 4)             //  zconfig refuses a misindented comment too
        return "indent with 4 spaces per level";
    const char *name = scan;
    while (*scan && s_zpl_namechar (*scan))
        scan++;
    if (scan == name) {
        if (s_zpl_eoln (scan))
            return NULL;        //  blank or comment
        return "expected NAME or NAME = VALUE";
    }
    if (*name == '/' || scan [-1] == '/')
        return "a name may not start or end with '/'";
    *level = (int) (indent / 4);
    if (*level > last_level + 1)
        return "indented deeper than one level below the line above";
    while (isspace ((unsigned char) *scan))
        scan++;
    if (*scan != '=')
        return s_zpl_eoln (scan)? NULL: "expected NAME or NAME = VALUE";
    scan++;
    while (isspace ((unsigned char) *scan))
        scan++;
    if (*scan == '"' || *scan == '\'') {
        const char *quote = strchr (scan + 1, *scan);
        if (!quote)
            return "the quoted value has no closing quote";
        if (!s_zpl_eoln (quote + 1))
            return "text after the quoted value";
    }
    return NULL;
}

//  Checks the text line by line, so that zconfig never fails on it
static int
s_zpl_check (const s_where_t *where, const char *text, size_t size)
{
    if (strlen (text) != size) {
        int lineno = 1;
        for (const char *c = text; *c; c++)
            lineno += *c == '\n';
        s_error (where, "line %d: a NUL byte; a cluster file is text", lineno);
        return -1;
    }
    char line [LC_ZPL_LINE_MAX + 1];
    int last_level = -1;
    int lineno = 0;
    while (*text) {
        lineno++;
        size_t length = strcspn (text, "\n");
        if (length > LC_ZPL_LINE_MAX) {
            s_error (where, "line %d: longer than %d bytes", lineno, LC_ZPL_LINE_MAX);
            return -1;
        }
        memcpy (line, text, length);
        line [length] = 0;
        text += length + (text [length] == '\n');
        while (length && isspace ((unsigned char) line [length - 1]))
            line [--length] = 0;

        int level;
        const char *problem = s_zpl_line (line, last_level, &level);
        if (problem) {
            char quoted [LC_ERROR_VALUE_MAX + 4];
            s_error (where, "line %d: %s, got '%s'", lineno, problem,
                     s_quote (line, quoted, sizeof quoted));
            return -1;
        }
        if (level >= 0)
            last_level = level;
    }
    return 0;
}

//  Keys of the cluster section and of a machine section
typedef enum {
    S_KEY_DURATION,
    S_KEY_SPEED,
    S_KEY_ROLL,
    S_KEY_RATE,
    S_KEY_SEED,
    S_KEY_ENDPOINT,
    S_KEY_BIND,
    S_KEY_HOST,
    S_KEY_COUNT                 //  number of keys
} s_key_t;

typedef struct {
    const char *name;           //  as written in the file
    s_kind_t kind;              //  its value
} s_key_info_t;

static const s_key_info_t s_keys [S_KEY_COUNT] = {
    [S_KEY_DURATION] = { "duration", S_KIND_DURATION },
    [S_KEY_SPEED]    = { "speed",    S_KIND_SPEED },
    [S_KEY_ROLL]     = { "roll",     S_KIND_ROLL },
    [S_KEY_RATE]     = { "rate",     S_KIND_RATE },
    [S_KEY_SEED]     = { "seed",     S_KIND_SEED },
    [S_KEY_ENDPOINT] = { "endpoint", S_KIND_CONNECT },
    [S_KEY_BIND]     = { "bind",     S_KIND_BIND },
    [S_KEY_HOST]     = { "host",     S_KIND_HOST },
};

//  Keys allowed in each section, as bits (1 << s_key_t)
#define S_CLUSTER_KEYS  ((1 << S_KEY_DURATION) | (1 << S_KEY_SPEED) \
                       | (1 << S_KEY_ROLL) | (1 << S_KEY_RATE) | (1 << S_KEY_SEED))
#define S_MACHINE_KEYS  ((1 << S_KEY_ENDPOINT) | (1 << S_KEY_BIND) \
                       | (1 << S_KEY_RATE) | (1 << S_KEY_SEED) | (1 << S_KEY_HOST))

//  Reads the key=value children of a section into values; *given gets a
//  bit per key found. The `machine` children of the cluster are skipped.
static int
s_section_read (const s_where_t *where, zconfig_t *section, unsigned allowed,
                const char *expected_keys, s_value_t values [], unsigned *given)
{
    *given = 0;
    for (zconfig_t *item = zconfig_child (section); item; item = zconfig_next (item)) {
        const char *name = zconfig_name (item);
        if (!where->machine && streq (name, "machine"))
            continue;
        int key = 0;
        while (key < S_KEY_COUNT
           && (!(allowed & (1u << key)) || !streq (name, s_keys [key].name)))
            key++;
        if (key == S_KEY_COUNT) {
            char quoted [LC_ERROR_VALUE_MAX + 4];
            s_error (where, "unknown key '%s' (expected %s)",
                     s_quote (name, quoted, sizeof quoted), expected_keys);
            return -1;
        }
        if (*given & (1u << key)) {
            s_error (where, "%s: given twice; give it once", name);
            return -1;
        }
        if (zconfig_child (item)) {
            s_error (where, "%s: has indented lines under it; a key holds "
                     "one value, on its own line", name);
            return -1;
        }
        if (s_check (where, name, s_keys [key].kind, zconfig_value (item), &values [key]))
            return -1;
        *given |= 1u << key;
    }
    return 0;
}

//  Reads one `machine = ID` section into a new member
static int
s_member_read (lc_cluster_t *self, const s_where_t *cluster_where, zconfig_t *item)
{
    s_value_t id;
    if (s_check (cluster_where, "machine", S_KIND_ID, zconfig_value (item), &id))
        return -1;
    s_where_t where = *cluster_where;
    where.machine = id.whole;
    for (size_t i = 0; i < self->member_count; i++)
        if (self->members [i].id == id.whole) {
            s_error (&where, "appears twice; machine ids are unique in a run");
            return -1;
        }
    if (self->member_count == LC_MACHINES_MAX) {
        s_error (&where, "one machine too many; a run has at most %d", LC_MACHINES_MAX);
        return -1;
    }
    s_value_t values [S_KEY_COUNT];
    unsigned given;
    if (s_section_read (&where, item, S_MACHINE_KEYS,
                        "endpoint, bind, rate, seed or host", values, &given))
        return -1;
    if (!(given & (1u << S_KEY_ENDPOINT))) {
        s_error (&where, "endpoint is missing; add the endpoint its peers "
                 "connect to, e.g. endpoint = tcp://192.168.1.10:5551");
        return -1;
    }
    lc_member_t *member = &self->members [self->member_count++];
    memset (member, 0, sizeof *member);
    member->id = id.whole;
    strcpy (member->endpoint, values [S_KEY_ENDPOINT].text);
    if (given & (1u << S_KEY_BIND))
        strcpy (member->bind, values [S_KEY_BIND].text);
    else
        lc_config_default_bind (member->endpoint, member->bind);
    if (given & (1u << S_KEY_HOST))
        strcpy (member->host, values [S_KEY_HOST].text);
    else
        s_default_host (member->endpoint, member->host);
    member->has_rate = (given & (1u << S_KEY_RATE)) != 0;
    if (member->has_rate) {
        member->rate_min = values [S_KEY_RATE].rate.min;
        member->rate_max = values [S_KEY_RATE].rate.max;
    }
    member->has_seed = (given & (1u << S_KEY_SEED)) != 0;
    if (member->has_seed)
        member->seed = values [S_KEY_SEED].seed;
    return 0;
}

static int
s_member_compare (const void *a, const void *b)
{
    uint32_t id_a = ((const lc_member_t *) a)->id;
    uint32_t id_b = ((const lc_member_t *) b)->id;
    return (id_a > id_b) - (id_a < id_b);
}

//  Finds the one `cluster` section at the top of the file
static zconfig_t *
s_cluster_section (const s_where_t *where, zconfig_t *root)
{
    zconfig_t *section = NULL;
    char quoted [LC_ERROR_VALUE_MAX + 4];
    for (zconfig_t *item = zconfig_child (root); item; item = zconfig_next (item)) {
        if (!streq (zconfig_name (item), "cluster")) {
            s_error (where, "unknown section '%s'; the file holds one 'cluster' section",
                     s_quote (zconfig_name (item), quoted, sizeof quoted));
            return NULL;
        }
        if (section) {
            s_error (where, "cluster: appears twice; one file describes one run");
            return NULL;
        }
        section = item;
    }
    if (!section) {
        s_error (where, "no 'cluster' section; the file starts with a line 'cluster'");
        return NULL;
    }
    if (*zconfig_value (section)) {
        s_error (where, "cluster: takes no value, got '%s'; the settings go on "
                 "indented lines under it",
                 s_quote (zconfig_value (section), quoted, sizeof quoted));
        return NULL;
    }
    return section;
}

//  Reads the checked tree into self
static int
s_cluster_read (lc_cluster_t *self, const s_where_t *where, zconfig_t *root)
{
    zconfig_t *section = s_cluster_section (where, root);
    if (!section)
        return -1;
    s_value_t values [S_KEY_COUNT];
    unsigned given;
    if (s_section_read (where, section, S_CLUSTER_KEYS,
                        "duration, speed, roll, rate, seed or machine", values, &given))
        return -1;
    if (given & (1u << S_KEY_DURATION))
        self->duration = values [S_KEY_DURATION].real;
    if (given & (1u << S_KEY_SPEED))
        self->speed = values [S_KEY_SPEED].real;
    if (given & (1u << S_KEY_ROLL))
        self->roll = values [S_KEY_ROLL].whole;
    self->has_rate = (given & (1u << S_KEY_RATE)) != 0;
    if (self->has_rate) {
        self->rate_min = values [S_KEY_RATE].rate.min;
        self->rate_max = values [S_KEY_RATE].rate.max;
    }
    self->has_seed = (given & (1u << S_KEY_SEED)) != 0;
    if (self->has_seed)
        self->seed = values [S_KEY_SEED].seed;

    for (zconfig_t *item = zconfig_child (section); item; item = zconfig_next (item))
        if (streq (zconfig_name (item), "machine")
        &&  s_member_read (self, where, item))
            return -1;
    if (self->member_count == 0) {
        s_error (where, "cluster: no machine sections; add one 'machine = ID' "
                 "section per machine");
        return -1;
    }
    qsort (self->members, self->member_count, sizeof self->members [0], s_member_compare);
    for (size_t i = 0; i < self->member_count; i++)
        for (size_t j = 0; j < i; j++)
            if (streq (self->members [i].endpoint, self->members [j].endpoint)) {
                s_where_t member_where = *where;
                member_where.machine = self->members [i].id;
                s_error (&member_where, "endpoint: '%s' is machine %" PRIu32 "'s "
                         "too; each machine needs its own",
                         self->members [i].endpoint, self->members [j].id);
                return -1;
            }
    return 0;
}

lc_cluster_t *
lc_cluster_load (const char *path, const char *program)
{
    assert (path);
    assert (program);
    s_where_t where = { program, path, 0 };
    size_t size;
    char *text = s_read_file (&where, &size);
    if (!text)
        return NULL;
    if (s_zpl_check (&where, text, size)) {
        free (text);
        return NULL;
    }
    zchunk_t *chunk = zchunk_new (text, size);
    free (text);
    assert (chunk);
    zconfig_t *root = zconfig_chunk_load (chunk);
    zchunk_destroy (&chunk);
    if (!root) {
        //  Not expected after s_zpl_check; zconfig has said why on stdout
        s_error (&where, "not a valid ZPL file (see docs/cli.md)");
        return NULL;
    }
    lc_cluster_t *self = calloc (1, sizeof *self);
    assert (self);
    self->duration = LC_DEFAULT_DURATION;
    self->speed = LC_DEFAULT_SPEED;
    self->roll = LC_DEFAULT_ROLL;
    int rc = s_cluster_read (self, &where, root);
    zconfig_destroy (&root);
    if (rc)
        lc_cluster_destroy (&self);
    return self;
}

void
lc_cluster_destroy (lc_cluster_t **self_p)
{
    assert (self_p);
    free (*self_p);
    *self_p = NULL;
}

const lc_member_t *
lc_cluster_member (const lc_cluster_t *self, uint32_t id)
{
    assert (self);
    for (size_t i = 0; i < self->member_count; i++)
        if (self->members [i].id == id)
            return &self->members [i];
    return NULL;
}

void
lc_cluster_print (const lc_cluster_t *self, FILE *out)
{
    assert (self);
    assert (out);
    fprintf (out, "run %.17g %.17g\n", self->duration, self->speed);
    for (size_t i = 0; i < self->member_count; i++)
        fprintf (out, "machine %" PRIu32 " %s\n", self->members [i].id,
                 self->members [i].host);
}

int
lc_cluster_main (int argc, char *argv [])
{
    if (argc == 2 && (streq (argv [1], "--help") || streq (argv [1], "-h"))) {
        printf ("usage: lclock cluster FILE\n\n"
                "Checks a cluster file as 'lclock machine --cluster' does and prints\n"
                "'run DURATION SPEED', then 'machine ID HOST' per machine, ascending\n"
                "by id (launch/runlan.sh reads it). Exit status 0, or 2 after a\n"
                "one-line error naming the file and the key.\n");
        return LC_EXIT_OK;
    }
    if (argc != 2 || argv [1][0] == '-') {
        fprintf (stderr, "lclock cluster: expected FILE (try 'lclock cluster --help')\n");
        return LC_EXIT_USAGE;
    }
    lc_cluster_t *cluster = lc_cluster_load (argv [1], "lclock cluster");
    if (!cluster)
        return LC_EXIT_USAGE;
    lc_cluster_print (cluster, stdout);
    lc_cluster_destroy (&cluster);
    return LC_EXIT_OK;
}


//  --------------------------------------------------------------------------
//  The command line

typedef enum {
    S_OPT_ID,
    S_OPT_CLUSTER,
    S_OPT_BIND,
    S_OPT_PEER,
    S_OPT_RATE,
    S_OPT_ROLL,
    S_OPT_DURATION,
    S_OPT_SPEED,
    S_OPT_SEED,
    S_OPT_LOG_DIR,
    S_OPT_START_TIMEOUT,
    S_OPT_CERT,
    S_OPT_TRUST,
    S_OPT_RESUME,
    S_OPT_QUIET,
    S_OPT_HELP,
    S_OPT_COUNT                 //  number of options
} s_opt_t;

typedef struct {
    const char *name;           //  long name, without "--"
    s_kind_t kind;              //  its value
    const char *run_wide;       //  with --cluster it comes from the file:
                                //  what it sets, else NULL
} s_option_t;

static const s_option_t s_options [S_OPT_COUNT] = {
    [S_OPT_ID]            = { "id",            S_KIND_ID,       NULL },
    [S_OPT_CLUSTER]       = { "cluster",       S_KIND_PATH,     NULL },
    [S_OPT_BIND]          = { "bind",          S_KIND_BIND,     NULL },
    [S_OPT_PEER]          = { "peer",          S_KIND_PEER,     "peer list" },
    [S_OPT_RATE]          = { "rate",          S_KIND_RATE,     NULL },
    [S_OPT_ROLL]          = { "roll",          S_KIND_ROLL,     "roll" },
    [S_OPT_DURATION]      = { "duration",      S_KIND_DURATION, "duration" },
    [S_OPT_SPEED]         = { "speed",         S_KIND_SPEED,    "speed" },
    [S_OPT_SEED]          = { "seed",          S_KIND_SEED,     NULL },
    [S_OPT_LOG_DIR]       = { "log-dir",       S_KIND_PATH,     NULL },
    [S_OPT_START_TIMEOUT] = { "start-timeout", S_KIND_TIMEOUT,  NULL },
    [S_OPT_CERT]          = { "cert",          S_KIND_PATH,     NULL },
    [S_OPT_TRUST]         = { "trust",         S_KIND_PATH,     NULL },
    [S_OPT_RESUME]        = { "resume",        S_KIND_FLAG,     NULL },
    [S_OPT_QUIET]         = { "quiet",         S_KIND_FLAG,     NULL },
    [S_OPT_HELP]          = { "help",          S_KIND_FLAG,     NULL },
};

//  What the command line said, before the cluster file is merged in
typedef struct {
    unsigned given;             //  bit (1 << s_opt_t) per option seen
    s_value_t values [S_OPT_COUNT]; //  value of each option given
} s_args_t;

static void
s_usage (FILE *out)
{
    fprintf (out,
"usage: lclock machine --id ID [--cluster FILE] [--bind EP] [--peer ID=EP]...\n"
"                      [--rate R|MIN-MAX] [--roll K] [--duration SEC] [--speed S]\n"
"                      [--seed N] [--log-dir DIR] [--start-timeout SEC]\n"
"                      [--cert FILE --trust DIR] [--resume] [--quiet]\n"
"\n"
"Runs one model machine: ticks, a Lamport clock, a receive buffer, ZeroMQ\n"
"links to its peers, and a log of every event in DIR/machine-ID.csv.\n"
"\n"
"  --id ID             this machine's id, %d..%d, unique in the run (required)\n"
"  --cluster FILE      the cluster file naming every machine of the run; this\n"
"                      machine is the one with --id. duration, speed, roll and\n"
"                      the peers then come from the file only\n"
"  --bind EP           endpoint our PULL socket binds, e.g. tcp://*:5551\n"
"                      (required without --cluster)\n"
"  --peer ID=EP        a peer and the endpoint it is reached at, e.g.\n"
"                      2=tcp://127.0.0.1:5552; once per peer (not with --cluster)\n"
"  --rate R|MIN-MAX    ticks per model second, fixed or drawn from MIN..MAX\n"
"                      (%d..%d, default %d-%d)\n"
"  --roll K            each idle tick rolls 1..K: 1 and 2 send to one peer,\n"
"                      3 to all, more is internal (%d..%d, default %d)\n"
"  --duration SEC      model seconds to run, > 0 and <= %.0f (default %g);\n"
"                      wall time is duration / speed\n"
"  --speed S           model seconds per wall second (%g..%g, default %g)\n"
"  --seed N            the run seed, 0..%" PRIu64 " (default: from the OS)\n"
"  --log-dir DIR       where machine-ID.csv and machine-ID.json go\n"
"                      (default '%s', created if missing)\n"
"  --start-timeout SEC wall seconds to wait for every peer, <= %.0f\n"
"                      (default %g; 0 waits forever)\n"
"  --cert FILE         this machine's secret CURVE certificate; with --trust\n"
"  --trust DIR         folder of machine-J.cert, the public certificate of\n"
"                      every machine J; with --cert, CURVE on every link\n"
"  --resume            restart after a crash: append to the existing log\n"
"  --quiet             no progress lines on stderr\n"
"  --help              print this text\n"
"\n"
"Precedence: command line, then the machine's section of the cluster file,\n"
"then the cluster section, then the defaults. Exit status: 0 ran to the end,\n"
"1 runtime failure, 2 usage or configuration error, 3 a peer never appeared.\n"
"docs/cli.md describes the options and the cluster file in full.\n",
             LC_ID_MIN, LC_ID_MAX,
             LC_RATE_MIN, LC_RATE_MAX, LC_DEFAULT_RATE_MIN, LC_DEFAULT_RATE_MAX,
             LC_ROLL_MIN, LC_ROLL_MAX, LC_DEFAULT_ROLL,
             LC_DURATION_MAX, LC_DEFAULT_DURATION,
             LC_SPEED_MIN, LC_SPEED_MAX, LC_DEFAULT_SPEED,
             LC_SEED_MAX,
             LC_DEFAULT_LOG_DIR,
             LC_START_TIMEOUT_MAX, LC_DEFAULT_START_TIMEOUT);
}

void
lc_config_defaults (lc_config_t *config)
{
    assert (config);
    memset (config, 0, sizeof *config);
    config->rate_min = LC_DEFAULT_RATE_MIN;
    config->rate_max = LC_DEFAULT_RATE_MAX;
    config->roll = LC_DEFAULT_ROLL;
    config->duration = LC_DEFAULT_DURATION;
    config->speed = LC_DEFAULT_SPEED;
    config->start_timeout = LC_DEFAULT_START_TIMEOUT;
    snprintf (config->log_dir, sizeof config->log_dir, "%s", LC_DEFAULT_LOG_DIR);
}

//  Takes one option and its value into args (or a peer into config)
static int
s_option_take (s_args_t *args, lc_config_t *config, s_opt_t index, const char *text)
{
    s_where_t where = { S_PROGRAM, NULL, 0 };
    const s_option_t *option = &s_options [index];
    char name [S_NAME_MAX];
    snprintf (name, sizeof name, "--%s", option->name);
    if ((args->given & (1u << index)) && option->kind != S_KIND_PEER
    &&  option->kind != S_KIND_FLAG) {
        s_error (&where, "%s: given twice; give it once", name);
        return -1;
    }
    s_value_t value;
    if (s_check (&where, name, option->kind, text? text: "", &value))
        return -1;
    if (option->kind == S_KIND_PEER) {
        if (config->peer_count == LC_PEERS_MAX) {
            s_error (&where, "%s: more than %d peers; a run has at most %d machines",
                     name, LC_PEERS_MAX, LC_MACHINES_MAX);
            return -1;
        }
        config->peers [config->peer_count++] = value.peer;
    }
    args->given |= 1u << index;
    args->values [index] = value;
    return 0;
}

//  Reads argv into args; returns 0, 1 on --help, -1 on error
static int
s_args_read (s_args_t *args, lc_config_t *config, int argc, char *argv [])
{
    s_where_t where = { S_PROGRAM, NULL, 0 };
    struct option long_options [S_OPT_COUNT + 1];
    for (int index = 0; index < S_OPT_COUNT; index++)
        long_options [index] = (struct option) {
            s_options [index].name,
            s_options [index].kind == S_KIND_FLAG? no_argument: required_argument,
            NULL, S_OPT_BASE + index
        };
    long_options [S_OPT_COUNT] = (struct option) { NULL, 0, NULL, 0 };

    //  optind 0 restarts glibc's scanner; '+' stops at the first argument
    //  that is not an option (never permuting argv); ':' reports a missing
    //  value apart; opterr 0 keeps getopt's own messages off stderr
    optind = 0;
    opterr = 0;
    char quoted [LC_ERROR_VALUE_MAX + 4];
    int code;
    while ((code = getopt_long (argc, argv, "+:h", long_options, NULL)) != -1) {
        if (code == 'h' || code == S_OPT_BASE + S_OPT_HELP)
            return 1;
        if (code == ':') {
            s_error (&where, "--%s: needs a value; see 'lclock machine --help'",
                     s_options [optopt - S_OPT_BASE].name);
            return -1;
        }
        if (code == '?') {
            if (optopt >= S_OPT_BASE)
                s_error (&where, "--%s: takes no value, got '%s'",
                         s_options [optopt - S_OPT_BASE].name,
                         s_quote (argv [optind - 1], quoted, sizeof quoted));
            else
            if (optopt)
                s_error (&where, "unknown option '-%c'; see 'lclock machine --help'",
                         optopt);
            else
                s_error (&where, "unknown or ambiguous option '%s'; see "
                         "'lclock machine --help'",
                         s_quote (argv [optind - 1], quoted, sizeof quoted));
            return -1;
        }
        if (s_option_take (args, config, code - S_OPT_BASE, optarg))
            return -1;
    }
    if (optind < argc) {
        s_error (&where, "unexpected argument '%s'; every setting is an --option "
                 "(see 'lclock machine --help')",
                 s_quote (argv [optind], quoted, sizeof quoted));
        return -1;
    }
    return 0;
}

static int
s_peer_compare (const void *a, const void *b)
{
    uint32_t id_a = ((const lc_peer_t *) a)->id;
    uint32_t id_b = ((const lc_peer_t *) b)->id;
    return (id_a > id_b) - (id_a < id_b);
}

//  Without --cluster: the peers come from --peer, sorted and checked
static int
s_peers_check (lc_config_t *config)
{
    s_where_t where = { S_PROGRAM, NULL, 0 };
    qsort (config->peers, config->peer_count, sizeof config->peers [0], s_peer_compare);
    for (size_t i = 0; i < config->peer_count; i++) {
        const lc_peer_t *peer = &config->peers [i];
        if (peer->id == config->id) {
            s_error (&where, "--peer: %" PRIu32 " is this machine's own --id; "
                     "list only the other machines", peer->id);
            return -1;
        }
        if (i > 0 && peer->id == config->peers [i - 1].id) {
            s_error (&where, "--peer: machine %" PRIu32 " given twice; give each "
                     "peer once", peer->id);
            return -1;
        }
        for (size_t j = 0; j < i; j++)
            if (streq (peer->endpoint, config->peers [j].endpoint)) {
                s_error (&where, "--peer: machines %" PRIu32 " and %" PRIu32
                         " have the same endpoint '%s'; each machine needs its own",
                         config->peers [j].id, peer->id, peer->endpoint);
                return -1;
            }
    }
    return 0;
}

//  With --cluster: merges the file under the command line
static int
s_cluster_merge (lc_config_t *config, const s_args_t *args)
{
    s_where_t where = { S_PROGRAM, NULL, 0 };
    for (int index = 0; index < S_OPT_COUNT; index++)
        if (s_options [index].run_wide && (args->given & (1u << index))) {
            s_error (&where, "--%s: with --cluster the %s comes from the cluster "
                     "file only; drop --%s or --cluster", s_options [index].name,
                     s_options [index].run_wide, s_options [index].name);
            return -1;
        }
    lc_cluster_t *cluster = lc_cluster_load (config->cluster, S_PROGRAM);
    if (!cluster)
        return -1;
    const lc_member_t *self = lc_cluster_member (cluster, config->id);
    if (!self) {
        where.file = config->cluster;
        s_error (&where, "no machine %" PRIu32 " (--id %" PRIu32 "); add a "
                 "'machine = %" PRIu32 "' section or fix --id",
                 config->id, config->id, config->id);
        lc_cluster_destroy (&cluster);
        return -1;
    }
    config->duration = cluster->duration;
    config->speed = cluster->speed;
    config->roll = cluster->roll;
    if (self->has_rate) {
        config->rate_min = self->rate_min;
        config->rate_max = self->rate_max;
    }
    else
    if (cluster->has_rate) {
        config->rate_min = cluster->rate_min;
        config->rate_max = cluster->rate_max;
    }
    if (self->has_seed || cluster->has_seed) {
        config->has_seed = true;
        config->seed = self->has_seed? self->seed: cluster->seed;
    }
    strcpy (config->bind, self->bind);
    strcpy (config->endpoint, self->endpoint);
    config->peer_count = 0;
    for (size_t i = 0; i < cluster->member_count; i++)
        if (cluster->members [i].id != config->id) {
            lc_peer_t *peer = &config->peers [config->peer_count++];
            peer->id = cluster->members [i].id;
            strcpy (peer->endpoint, cluster->members [i].endpoint);
        }
    lc_cluster_destroy (&cluster);
    return 0;
}

//  The command line over what is in config (defaults, cluster file)
static void
s_args_apply (lc_config_t *config, const s_args_t *args)
{
    const s_value_t *values = args->values;
    if (args->given & (1u << S_OPT_BIND))
        strcpy (config->bind, values [S_OPT_BIND].text);
    if (args->given & (1u << S_OPT_RATE)) {
        config->rate_min = values [S_OPT_RATE].rate.min;
        config->rate_max = values [S_OPT_RATE].rate.max;
    }
    if (args->given & (1u << S_OPT_ROLL))
        config->roll = values [S_OPT_ROLL].whole;
    if (args->given & (1u << S_OPT_DURATION))
        config->duration = values [S_OPT_DURATION].real;
    if (args->given & (1u << S_OPT_SPEED))
        config->speed = values [S_OPT_SPEED].real;
    if (args->given & (1u << S_OPT_SEED)) {
        config->has_seed = true;
        config->seed = values [S_OPT_SEED].seed;
    }
    if (args->given & (1u << S_OPT_LOG_DIR))
        strcpy (config->log_dir, values [S_OPT_LOG_DIR].text);
    if (args->given & (1u << S_OPT_START_TIMEOUT))
        config->start_timeout = values [S_OPT_START_TIMEOUT].real;
    if (args->given & (1u << S_OPT_CERT))
        strcpy (config->cert, values [S_OPT_CERT].text);
    if (args->given & (1u << S_OPT_TRUST))
        strcpy (config->trust, values [S_OPT_TRUST].text);
    config->resume = (args->given & (1u << S_OPT_RESUME)) != 0;
    config->quiet = (args->given & (1u << S_OPT_QUIET)) != 0;
}

int
lc_config_parse (lc_config_t *config, int argc, char *argv [])
{
    assert (config);
    assert (argc >= 1);
    s_where_t where = { S_PROGRAM, NULL, 0 };
    lc_config_defaults (config);
    s_args_t args = { 0 };
    int rc = s_args_read (&args, config, argc, argv);
    if (rc == 1) {
        s_usage (stdout);
        return 1;
    }
    if (rc)
        return -1;
    if (!(args.given & (1u << S_OPT_ID))) {
        s_error (&where, "--id: missing; every machine needs its id (%d to %d), "
                 "e.g. --id 1", LC_ID_MIN, LC_ID_MAX);
        return -1;
    }
    config->id = args.values [S_OPT_ID].whole;
    bool cert = (args.given & (1u << S_OPT_CERT)) != 0;
    bool trust = (args.given & (1u << S_OPT_TRUST)) != 0;
    if (cert != trust) {
        s_error (&where, "%s: given without %s; CURVE needs both --cert FILE "
                 "and --trust DIR", cert? "--cert": "--trust", cert? "--trust": "--cert");
        return -1;
    }
    if (args.given & (1u << S_OPT_CLUSTER)) {
        strcpy (config->cluster, args.values [S_OPT_CLUSTER].text);
        if (s_cluster_merge (config, &args))
            return -1;
    }
    else {
        if (!(args.given & (1u << S_OPT_BIND))) {
            s_error (&where, "--bind: missing; without --cluster give the endpoint "
                     "to bind, e.g. --bind tcp://*:5551");
            return -1;
        }
        if (s_peers_check (config))
            return -1;
    }
    s_args_apply (config, &args);
    return 0;
}
