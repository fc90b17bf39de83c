/*  lc_cli.c - the command line of `lclock machine` (docs/cli.md):

        --id ID  --cluster FILE  --bind EP  --peer ID=EP (repeatable)
        --rate R|MIN-MAX  --roll K  --duration SEC  --speed S  --seed N
        --log-dir DIR  --start-timeout SEC  --cert FILE --trust DIR
        --run-nonce N  --resume  --quiet  --help

    The options are the settings of lc_setting.c allowed on the command
    line, read with getopt_long into one layer. An option with a value
    given twice is refused, except --peer, which is repeatable. Positional
    arguments are refused. Every error is one line on stderr:
    `lclock machine: --OPTION: ...`.
*/
#include "lc_cli.h"

#include <assert.h>
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#define S_PROGRAM       "lclock machine"    //  prefix of our errors
#define S_OPT_BASE      256     //  getopt values of long options start
                                //  here, above every short option char
#define S_NAME_MAX      32      //  bytes of "--" and the longest option name

static const lc_where_t s_where = { S_PROGRAM, NULL, 0 };


//  Takes one option and its value into self
static int
s_option_take (lc_cli_t *self, lc_setting_t setting, const char *text)
{
    char name [S_NAME_MAX];
    snprintf (name, sizeof name, "--%s", lc_setting_info (setting)->name);
    if (lc_layer_read (&self->layer, setting, &s_where, name, text? text: ""))
        return -1;
    if (setting == LC_SETTING_PEER) {
        if (self->peer_count == LC_PEERS_MAX) {
            lc_where_error (&s_where, "%s: more than %d peers; a run has at most %d "
                            "machines", name, LC_PEERS_MAX, LC_MACHINES_MAX);
            return -1;
        }
        self->peers [self->peer_count++] = self->layer.values [setting];
    }
    return 0;
}

//  The name of the option getopt returned as code
static const char *
s_option_name (int code)
{
    return lc_setting_info (code - S_OPT_BASE)->name;
}

int
lc_cli_read (lc_cli_t *self, int argc, char *argv [])
{
    assert (self);
    assert (argc >= 1);
    memset (&self->layer, 0, sizeof self->layer);
    self->peer_count = 0;
    struct option long_options [LC_SETTING_COUNT + 1];
    size_t count = 0;
    for (int setting = 0; setting < LC_SETTING_COUNT; setting++) {
        const lc_setting_info_t *info = lc_setting_info (setting);
        if (info->scope & LC_SCOPE_COMMAND_LINE)
            long_options [count++] = (struct option) {
                info->name, info->kind == LC_KIND_FLAG? no_argument: required_argument,
                NULL, S_OPT_BASE + setting
            };
    }
    long_options [count] = (struct option) { NULL, 0, NULL, 0 };

    //  optind 0 restarts glibc's scanner; '+' stops at the first argument
    //  that is not an option (never permuting argv); ':' reports a missing
    //  value apart; opterr 0 keeps getopt's own messages off stderr
    optind = 0;
    opterr = 0;
    char quoted [LC_QUOTE_MAX];
    int code;
    while ((code = getopt_long (argc, argv, "+:h", long_options, NULL)) != -1) {
        if (code == 'h' || code == S_OPT_BASE + LC_SETTING_HELP)
            return 1;
        if (code == ':') {
            lc_where_error (&s_where, "--%s: needs a value; see 'lclock machine --help'",
                            s_option_name (optopt));
            return -1;
        }
        if (code == '?') {
            if (optopt >= S_OPT_BASE)
                lc_where_error (&s_where, "--%s: takes no value, got '%s'",
                                s_option_name (optopt),
                                lc_value_quote (argv [optind - 1], quoted, sizeof quoted));
            else
            if (optopt)
                lc_where_error (&s_where, "unknown option '-%c'; see 'lclock machine "
                                "--help'", optopt);
            else
                lc_where_error (&s_where, "unknown or ambiguous option '%s'; see "
                                "'lclock machine --help'",
                                lc_value_quote (argv [optind - 1], quoted, sizeof quoted));
            return -1;
        }
        if (s_option_take (self, code - S_OPT_BASE, optarg))
            return -1;
    }
    if (optind < argc) {
        lc_where_error (&s_where, "unexpected argument '%s'; every setting is an "
                        "--option (see 'lclock machine --help')",
                        lc_value_quote (argv [optind], quoted, sizeof quoted));
        return -1;
    }
    return 0;
}

void
lc_cli_usage (FILE *out)
{
    fprintf (out,
"usage: lclock machine --id ID [--cluster FILE] [--bind EP] [--peer ID=EP]...\n"
"                      [--rate R|MIN-MAX] [--roll K] [--duration SEC] [--speed S]\n"
"                      [--seed N] [--log-dir DIR] [--start-timeout SEC]\n"
"                      [--cert FILE --trust DIR] [--run-nonce N] [--resume]\n"
"                      [--quiet]\n"
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
"                      (a cluster file may give both: its trust and cert keys;\n"
"                      either option then replaces the file's for this machine)\n"
"  --run-nonce N       a number a launcher draws for each run, 0..%" PRIu64 "\n"
"                      (default 0): it goes into the run id, so each run has\n"
"                      its own and a machine of another run is refused\n"
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
             LC_START_TIMEOUT_MAX, LC_DEFAULT_START_TIMEOUT,
             LC_SEED_MAX);
}
