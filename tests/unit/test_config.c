/*  test_config.c - `lclock machine` options and cluster files: good ones
    and their config, bad ones and their exact one-line error.
*/
#include "lc_config.h"
#include "lc_value.h"
#include "lc_endpoint.h"

#include <stdarg.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "tmp.h"

#define ARGS_MAX        64      //  arguments of one test command line
#define OUTPUT_MAX      8192    //  bytes of captured stdout or stderr
#define PATH_SIZE       128     //  bytes of a temp file name: TMPDIR up
                                //  to about 100 bytes

//  Output of the last s_run, captured from fd 1 and fd 2
static char s_out [OUTPUT_MAX];
static char s_err [OUTPUT_MAX];

//  Points fd at a new unlinked temp file; returns the saved fd
static int
s_capture_start (int fd, int *file)
{
    char path [LC_TEST_PATH_MAX];
    *file = mkstemp (lc_test_tmp_path (path, sizeof path, "lc_test_config"));
    assert_true (*file >= 0);
    unlink (path);
    int saved = dup (fd);
    assert_true (saved >= 0);
    assert_int_equal (dup2 (*file, fd), fd);
    return saved;
}

static void
s_capture_stop (int fd, int saved, int file, char *buffer)
{
    assert_int_equal (dup2 (saved, fd), fd);
    close (saved);
    assert_int_equal (lseek (file, 0, SEEK_SET), 0);
    ssize_t size = read (file, buffer, OUTPUT_MAX - 1);
    assert_true (size >= 0);
    buffer [size] = 0;
    close (file);
}

//  Runs lc_config_parse (config, ...), or lc_cluster_main without a config;
//  stdout goes to s_out and stderr to s_err.
static int
s_captured (lc_config_t *config, int argc, char *argv [])
{
    fflush (stdout);
    fflush (stderr);
    int out_file, err_file;
    int saved_out = s_capture_start (STDOUT_FILENO, &out_file);
    int saved_err = s_capture_start (STDERR_FILENO, &err_file);
    int rc = config? lc_config_parse (config, argc, argv): lc_cluster_main (argc, argv);
    fflush (stdout);
    fflush (stderr);
    s_capture_stop (STDERR_FILENO, saved_err, err_file, s_err);
    s_capture_stop (STDOUT_FILENO, saved_out, out_file, s_out);
    return rc;
}

//  Runs lc_config_parse on "machine" and the NULL-terminated arguments
//  of args
static int
s_run_argv (lc_config_t *config, const char **args)
{
    char *argv [ARGS_MAX + 1];
    int argc = 0;
    argv [argc++] = "machine";
    for (; *args; args++) {
        assert_true (argc < ARGS_MAX);
        argv [argc++] = (char *) *args;
    }
    argv [argc] = NULL;
    return s_captured (config, argc, argv);
}

//  Runs `lclock cluster ARG`
static int
s_cluster_main (const char *arg)
{
    char *argv [] = { "cluster", (char *) arg, NULL };
    return s_captured (NULL, 2, argv);
}

#define s_run(config, ...) s_run_argv ((config), (const char *[]) { __VA_ARGS__, NULL })

//  Expects the arguments to fail with exactly this one line on stderr
#define s_expect_error(message, ...) do { \
    static lc_config_t config_; \
    int rc_ = s_run (&config_, __VA_ARGS__); \
    if (rc_ != -1 || strcmp (s_err, message "\n") != 0) \
        fail_msg ("line %d: rc %d, stderr\n  '%s'\nexpected\n  '%s'", \
                  __LINE__, rc_, s_err, message); \
    assert_string_equal (s_out, ""); \
} while (0)

//  Writes text to a new temp file; path holds its name
static void
s_write_file (char *path, const char *text)
{
    int fd = mkstemp (lc_test_tmp_path (path, PATH_SIZE, "lc_test_cluster"));
    assert_true (fd >= 0);
    FILE *file = fdopen (fd, "w");
    assert_non_null (file);
    fputs (text, file);
    fclose (file);
}


//  The cluster file of docs/cli.md
static const char *s_spec_cluster =
    "cluster\n"
    "    duration = 60        # model seconds\n"
    "    speed = 1\n"
    "    roll = 10\n"
    "    rate = 1-6           # default for every machine\n"
    "    seed = 42            # optional\n"
    "    machine = 1\n"
    "        endpoint = tcp://192.168.1.10:5551\n"
    "        host = lab1      # where the LAN launcher starts it (optional)\n"
    "    machine = 2\n"
    "        endpoint = tcp://192.168.1.11:5551\n"
    "        rate = 2\n"
    "    machine = 3\n"
    "        endpoint = tcp://lab3.local:5551\n"
    "        bind = tcp://*:5551\n";


//  The model's settings are all their defaults: rate, roll, duration, speed
static void
s_assert_model_defaults (const lc_config_t *config)
{
    assert_int_equal (config->rate_min, LC_DEFAULT_RATE_MIN);
    assert_int_equal (config->rate_max, LC_DEFAULT_RATE_MAX);
    assert_int_equal (config->roll, LC_DEFAULT_ROLL);
    assert_true (config->duration == LC_DEFAULT_DURATION);
    assert_true (config->speed == LC_DEFAULT_SPEED);
}


//  --------------------------------------------------------------------------
//  Good command lines

static void
test_defaults (void **state)
{
    (void) state;
    static lc_config_t config;
    assert_int_equal (s_run (&config, "--id", "1", "--bind", "tcp://*:5551"), 0);
    assert_string_equal (s_err, "");
    assert_int_equal (config.id, 1);
    assert_string_equal (config.bind, "tcp://*:5551");
    assert_string_equal (config.endpoint, "");
    assert_int_equal (config.peer_count, 0);
    s_assert_model_defaults (&config);
    assert_false (config.has_seed);
    assert_string_equal (config.log_dir, LC_DEFAULT_LOG_DIR);
    assert_true (config.start_timeout == LC_DEFAULT_START_TIMEOUT);
    assert_string_equal (config.cert, "");
    assert_string_equal (config.trust, "");
    assert_string_equal (config.cluster, "");
    assert_false (config.resume);
    assert_false (config.quiet);
}

static void
test_every_option (void **state)
{
    (void) state;
    static lc_config_t config;
    int rc = s_run (&config, "--id=65535", "--bind", "tcp://127.0.0.1:5551",
                    "--peer", "3=tcp://127.0.0.1:5553", "--peer=1=ipc:///tmp/lc-1",
                    "--peer", "2=tcp://lab2.local:5552",
                    "--rate", "2-4", "--roll", "3", "--duration", "0.5",
                    "--speed=2.5e1", "--seed", "9223372036854775807",
                    "--log-dir", "/tmp/run", "--start-timeout", "0",
                    "--cert", "a.cert_secret", "--trust", "trusted",
                    "--resume", "--quiet");
    assert_int_equal (rc, 0);
    assert_string_equal (s_err, "");
    assert_int_equal (config.id, 65535);
    assert_string_equal (config.bind, "tcp://127.0.0.1:5551");
    //  Peers ascending by id whatever the order given
    assert_int_equal (config.peer_count, 3);
    assert_int_equal (config.peers [0].id, 1);
    assert_string_equal (config.peers [0].endpoint, "ipc:///tmp/lc-1");
    assert_int_equal (config.peers [1].id, 2);
    assert_string_equal (config.peers [1].endpoint, "tcp://lab2.local:5552");
    assert_int_equal (config.peers [2].id, 3);
    assert_int_equal (config.rate_min, 2);
    assert_int_equal (config.rate_max, 4);
    assert_int_equal (config.roll, 3);
    assert_true (config.duration == 0.5);
    assert_true (config.speed == 25);
    assert_true (config.has_seed);
    assert_true (config.seed == LC_SEED_MAX);
    assert_string_equal (config.log_dir, "/tmp/run");
    assert_true (config.start_timeout == 0);
    assert_string_equal (config.cert, "a.cert_secret");
    assert_string_equal (config.trust, "trusted");
    assert_true (config.resume);
    assert_true (config.quiet);

    //  A fixed rate, the range limits, seed 0
    rc = s_run (&config, "--id", "1", "--bind", "tcp://*:1", "--rate", "1000000",
                "--roll", "1", "--seed", "0", "--speed", "0.000001");
    assert_int_equal (rc, 0);
    assert_int_equal (config.rate_min, LC_RATE_MAX);
    assert_int_equal (config.rate_max, LC_RATE_MAX);
    assert_int_equal (config.roll, LC_ROLL_MIN);
    assert_true (config.has_seed);
    assert_true (config.seed == 0);
    assert_true (config.speed == LC_SPEED_MIN);
    //  Nothing left over from the call before
    assert_false (config.resume);
    assert_int_equal (config.peer_count, 0);
}

static void
test_help (void **state)
{
    (void) state;
    static lc_config_t config;
    assert_int_equal (s_run (&config, "--help"), 1);
    assert_string_equal (s_err, "");
    const char *options [] = {
        "--id", "--cluster", "--bind", "--peer", "--rate", "--roll", "--duration",
        "--speed", "--seed", "--log-dir", "--start-timeout", "--cert", "--trust",
        "--resume", "--quiet", "--help"
    };
    for (size_t i = 0; i < sizeof options / sizeof options [0]; i++) {
        char line [64];
        snprintf (line, sizeof line, "\n  %s ", options [i]);
        if (!strstr (s_out, line))
            fail_msg ("--help does not explain %s", options [i]);
    }
    //  --help wins over what comes after it; -h is the same
    assert_int_equal (s_run (&config, "--id", "1", "-h", "--bogus"), 1);
    assert_non_null (strstr (s_out, "usage: lclock machine"));
}


//  --------------------------------------------------------------------------
//  Bad command lines

static void
test_bad_numbers (void **state)
{
    (void) state;
#define BIND "--id", "1", "--bind", "tcp://*:1"
    const char *rate = "lclock machine: --rate: expected R or MIN-MAX with "
                       "1 <= MIN <= MAX <= 1000000, got '%s'\n";
    const char *bad_rates [] = {
        "abc", "5x", "0", "6-1", "1-1000001", "1000001", "", "1-", "-3", " 3",
        "+3", "1--2", "2-3-4", "0x5", "1.5"
    };
    for (size_t i = 0; i < sizeof bad_rates / sizeof bad_rates [0]; i++) {
        static lc_config_t config;
        char expected [256];
        snprintf (expected, sizeof expected, rate, bad_rates [i]);
        assert_int_equal (s_run (&config, BIND, "--rate", bad_rates [i]), -1);
        assert_string_equal (s_err, expected);
    }
    s_expect_error ("lclock machine: --id: expected a machine id from 1 to 65535, got '0'",
                    "--id", "0", "--bind", "tcp://*:1");
    s_expect_error ("lclock machine: --id: expected a machine id from 1 to 65535, got '65536'",
                    "--id", "65536");
    s_expect_error ("lclock machine: --id: expected a machine id from 1 to 65535, got '5x'",
                    "--id", "5x");
    s_expect_error ("lclock machine: --id: expected a machine id from 1 to 65535, got '-1'",
                    "--id", "-1");
    s_expect_error ("lclock machine: --roll: expected a whole number K from 1 to 1000000, got '0'",
                    BIND, "--roll", "0");
    s_expect_error ("lclock machine: --roll: expected a whole number K from 1 to 1000000, got '1000001'",
                    BIND, "--roll", "1000001");
    const char *bad_durations [] = {
        "0", "-1", "inf", "nan", "1e10", "5x", "", "0x10", "1e-400", " 5"
    };
    for (size_t i = 0; i < sizeof bad_durations / sizeof bad_durations [0]; i++) {
        static lc_config_t config;
        char expected [256];
        snprintf (expected, sizeof expected, "lclock machine: --duration: expected "
                  "model seconds, a number > 0 and <= 1000000000, got '%s'\n",
                  bad_durations [i]);
        assert_int_equal (s_run (&config, BIND, "--duration", bad_durations [i]), -1);
        assert_string_equal (s_err, expected);
    }
    s_expect_error ("lclock machine: --speed: expected a number from 1e-06 to 1e+06, got '0'",
                    BIND, "--speed", "0");
    s_expect_error ("lclock machine: --speed: expected a number from 1e-06 to 1e+06, got '2000000'",
                    BIND, "--speed", "2000000");
    s_expect_error ("lclock machine: --seed: expected a whole number from 0 to "
                    "9223372036854775807, got '9223372036854775808'",
                    BIND, "--seed", "9223372036854775808");
    s_expect_error ("lclock machine: --seed: expected a whole number from 0 to "
                    "9223372036854775807, got '18446744073709551616'",
                    BIND, "--seed", "18446744073709551616");
    s_expect_error ("lclock machine: --seed: expected a whole number from 0 to "
                    "9223372036854775807, got '-1'",
                    BIND, "--seed", "-1");
    s_expect_error ("lclock machine: --start-timeout: expected wall seconds, a number "
                    "from 0 (wait forever) to 1000000000, got '-1'",
                    BIND, "--start-timeout", "-1");
#undef BIND
}

static void
test_bad_endpoints (void **state)
{
    (void) state;
    s_expect_error ("lclock machine: --bind: expected an endpoint TRANSPORT://ADDRESS "
                    "of at most 255 bytes, such as tcp://*:5551, got 'localhost:5551'",
                    "--id", "1", "--bind", "localhost:5551");
    s_expect_error ("lclock machine: --bind: expected an endpoint TRANSPORT://ADDRESS "
                    "of at most 255 bytes, such as tcp://*:5551, got ''",
                    "--id", "1", "--bind", "");
    //  A bad value is quoted on one line, cut after LC_ERROR_VALUE_MAX bytes
    s_expect_error ("lclock machine: --bind: expected an endpoint TRANSPORT://ADDRESS "
                    "of at most 255 bytes, such as tcp://*:5551, got 'tcp://a?b'",
                    "--id", "1", "--bind", "tcp://a\nb");
    char endpoint [LC_ENDPOINT_MAX + 1];
    memset (endpoint, 'a', sizeof endpoint - 1);
    endpoint [sizeof endpoint - 1] = 0;
    memcpy (endpoint, "tcp://", 6);
    s_expect_error ("lclock machine: --bind: expected an endpoint TRANSPORT://ADDRESS "
                    "of at most 255 bytes, such as tcp://*:5551, got 'tcp://"
                    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'",
                    "--id", "1", "--bind", endpoint);
    //  255 bytes is fine (with a port, as every tcp:// endpoint has)
    endpoint [LC_ENDPOINT_MAX - 1] = 0;
    memcpy (endpoint + LC_ENDPOINT_MAX - 3, ":1", 2);
    static lc_config_t config;
    assert_int_equal (s_run (&config, "--id", "1", "--bind", endpoint), 0);
    assert_string_equal (config.bind, endpoint);

    const char *peer = "lclock machine: --peer: expected ID=ENDPOINT with ID from "
                       "1 to 65535 and an ENDPOINT such as tcp://192.168.1.10:5551 "
                       "(no '*', at most 255 bytes), got '%s'\n";
    const char *bad_peers [] = {
        "2", "2=", "=tcp://a:1", "0=tcp://a:1", "65536=tcp://a:1", "x=tcp://a:1",
        "2=tcp://*:5551", "2=a:1", "2= tcp://a:1", "2=tcp://-oProxyCommand=x:1"
    };
    for (size_t i = 0; i < sizeof bad_peers / sizeof bad_peers [0]; i++) {
        char expected [512];
        snprintf (expected, sizeof expected, peer, bad_peers [i]);
        assert_int_equal (s_run (&config, "--id", "1", "--bind", "tcp://*:1",
                                 "--peer", bad_peers [i]), -1);
        assert_string_equal (s_err, expected);
    }

    //  A tcp port is 1..65535 in digits: ZeroMQ would pick a port of its
    //  own for 0 or '*', and does not refuse 99999
    const char *bad_ports [] = {
        "tcp://127.0.0.1:99999", "tcp://127.0.0.1:65536", "tcp://127.0.0.1:0",
        "tcp://*:*", "tcp://lab1", "tcp://lab1:", "tcp://lab1:+5", "tcp://lab1:5x",
        "tcp://[::1]", "tcp://[::1]:123456", "tcp://eth0;10.0.0.1:70000"
    };
    for (size_t i = 0; i < sizeof bad_ports / sizeof bad_ports [0]; i++) {
        char expected [512];
        snprintf (expected, sizeof expected, "lclock machine: --bind: expected a port "
                  "from 1 to 65535 in tcp://HOST:PORT, got '%s'\n", bad_ports [i]);
        assert_int_equal (s_run (&config, "--id", "1", "--bind", bad_ports [i]), -1);
        assert_string_equal (s_err, expected);
        if (bad_ports [i][6] == '*')
            continue;           //  a peer's '*' is refused as such
        char option [LC_ENDPOINT_MAX + 8];
        snprintf (option, sizeof option, "2=%s", bad_ports [i]);
        snprintf (expected, sizeof expected, "lclock machine: --peer: expected a port "
                  "from 1 to 65535 in tcp://HOST:PORT, got '%s'\n", option);
        assert_int_equal (s_run (&config, "--id", "1", "--bind", "tcp://*:1",
                                 "--peer", option), -1);
        assert_string_equal (s_err, expected);
    }
    //  An IPv6 host goes in brackets; the bounds and '*' to bind are fine
    s_expect_error ("lclock machine: --bind: expected an endpoint TRANSPORT://ADDRESS "
                    "of at most 255 bytes, such as tcp://*:5551, got 'tcp://[::1:5551'",
                    "--id", "1", "--bind", "tcp://[::1:5551");
    s_expect_error ("lclock machine: --peer: expected ID=ENDPOINT with ID from 1 to 65535 "
                    "and an ENDPOINT such as tcp://192.168.1.10:5551 (no '*', at most "
                    "255 bytes), got 'x=tcp://a:0'",
                    "--id", "1", "--bind", "tcp://*:1", "--peer", "x=tcp://a:0");
    assert_int_equal (s_run (&config, "--id", "1", "--bind", "tcp://[::1]:65535",
                             "--peer", "2=tcp://[fe80::1]:1", "--peer", "3=tcp://h:5551"), 0);
    assert_string_equal (config.bind, "tcp://[::1]:65535");
    assert_string_equal (config.peers [0].endpoint, "tcp://[fe80::1]:1");
    assert_int_equal (s_run (&config, "--id", "1", "--bind", "tcp://*:5551"), 0);
    assert_int_equal (s_run (&config, "--id", "1", "--bind", "ipc:///tmp/lc-1"), 0);
}

static void
test_bad_usage (void **state)
{
    (void) state;
    s_expect_error ("lclock machine: unknown or ambiguous option '--bogus'; see "
                    "'lclock machine --help'", "--id", "1", "--bogus");
    s_expect_error ("lclock machine: unknown or ambiguous option '--s=1'; see "
                    "'lclock machine --help'", "--id", "1", "--s=1");
    s_expect_error ("lclock machine: unknown option '-x'; see 'lclock machine --help'",
                    "-x");
    s_expect_error ("lclock machine: --rate: needs a value; see 'lclock machine --help'",
                    "--id", "1", "--rate");
    s_expect_error ("lclock machine: --quiet: takes no value, got '--quiet=yes'",
                    "--quiet=yes");
    s_expect_error ("lclock machine: unexpected argument 'extra'; every setting is "
                    "an --option (see 'lclock machine --help')",
                    "--id", "1", "extra", "--bind", "tcp://*:1");
    s_expect_error ("lclock machine: unexpected argument 'extra'; every setting is "
                    "an --option (see 'lclock machine --help')",
                    "--id", "1", "--", "extra");
    s_expect_error ("lclock machine: --seed: given twice; give it once",
                    "--id", "1", "--seed", "1", "--seed", "2");
    s_expect_error ("lclock machine: --id: missing; every machine needs its id "
                    "(1 to 65535), e.g. --id 1", "--bind", "tcp://*:1");
    s_expect_error ("lclock machine: --bind: missing; without --cluster give the "
                    "endpoint to bind, e.g. --bind tcp://*:5551", "--id", "1");
    s_expect_error ("lclock machine: --cert: given without --trust; CURVE needs "
                    "both --cert FILE and --trust DIR",
                    "--id", "1", "--bind", "tcp://*:1", "--cert", "a");
    s_expect_error ("lclock machine: --trust: given without --cert; CURVE needs "
                    "both --cert FILE and --trust DIR",
                    "--id", "1", "--bind", "tcp://*:1", "--trust", "d");
    s_expect_error ("lclock machine: --log-dir: expected a path of 1 to 4095 bytes, got ''",
                    "--id", "1", "--bind", "tcp://*:1", "--log-dir", "");
    //  Flags may repeat
    static lc_config_t config;
    assert_int_equal (s_run (&config, "--id", "1", "--bind", "tcp://*:1",
                             "--quiet", "--quiet"), 0);
}

static void
test_bad_peers (void **state)
{
    (void) state;
    s_expect_error ("lclock machine: --peer: 1 is this machine's own --id; list "
                    "only the other machines",
                    "--peer", "1=tcp://a:1", "--id", "1", "--bind", "tcp://*:1");
    s_expect_error ("lclock machine: --peer: machine 2 given twice; give each peer once",
                    "--id", "1", "--bind", "tcp://*:1",
                    "--peer", "2=tcp://a:1", "--peer", "3=tcp://b:1", "--peer", "2=tcp://c:1");
    s_expect_error ("lclock machine: --peer: machines 2 and 3 have the same endpoint "
                    "'tcp://a:1'; each machine needs its own",
                    "--id", "1", "--bind", "tcp://*:1",
                    "--peer", "3=tcp://a:1", "--peer", "2=tcp://a:1");
}


//  --------------------------------------------------------------------------
//  Cluster files

static void
test_cluster_spec_example (void **state)
{
    (void) state;
    char path [PATH_SIZE];
    s_write_file (path, s_spec_cluster);
    static lc_config_t config;

    assert_int_equal (s_run (&config, "--cluster", path, "--id", "1"), 0);
    assert_string_equal (s_err, "");
    assert_string_equal (config.cluster, path);
    assert_string_equal (config.endpoint, "tcp://192.168.1.10:5551");
    //  An IP address: the endpoint itself is bound
    assert_string_equal (config.bind, "tcp://192.168.1.10:5551");
    assert_int_equal (config.rate_min, 1);
    assert_int_equal (config.rate_max, 6);
    assert_true (config.has_seed);
    assert_true (config.seed == 42);
    assert_true (config.duration == 60);
    assert_int_equal (config.roll, 10);
    assert_int_equal (config.peer_count, 2);
    assert_int_equal (config.peers [0].id, 2);
    assert_string_equal (config.peers [0].endpoint, "tcp://192.168.1.11:5551");
    assert_int_equal (config.peers [1].id, 3);
    assert_string_equal (config.peers [1].endpoint, "tcp://lab3.local:5551");

    //  The machine's rate over the cluster's
    assert_int_equal (s_run (&config, "--cluster", path, "--id", "2"), 0);
    assert_int_equal (config.rate_min, 2);
    assert_int_equal (config.rate_max, 2);
    assert_int_equal (config.peer_count, 2);
    assert_int_equal (config.peers [0].id, 1);
    assert_int_equal (config.peers [1].id, 3);

    //  An explicit bind
    assert_int_equal (s_run (&config, "--cluster", path, "--id", "3"), 0);
    assert_string_equal (config.bind, "tcp://*:5551");
    assert_string_equal (config.endpoint, "tcp://lab3.local:5551");

    //  The command line over the machine's section
    assert_int_equal (s_run (&config, "--cluster", path, "--id", "2", "--rate", "3-5",
                             "--seed", "9", "--bind", "tcp://*:6000",
                             "--log-dir", "logs", "--start-timeout", "5", "--quiet"), 0);
    assert_int_equal (config.rate_min, 3);
    assert_int_equal (config.rate_max, 5);
    assert_true (config.seed == 9);
    assert_string_equal (config.bind, "tcp://*:6000");
    assert_string_equal (config.endpoint, "tcp://192.168.1.11:5551");
    assert_string_equal (config.log_dir, "logs");
    assert_true (config.start_timeout == 5);
    assert_true (config.quiet);

    assert_int_equal (s_run (&config, "--cluster", path, "--id", "4"), -1);
    char expected [256];
    snprintf (expected, sizeof expected, "lclock machine: %s: no machine 4 (--id 4); "
              "add a 'machine = 4' section or fix --id\n", path);
    assert_string_equal (s_err, expected);

    //  `lclock cluster`: a host, else the endpoint's
    assert_int_equal (s_cluster_main (path), LC_EXIT_OK);
    assert_string_equal (s_err, "");
    assert_string_equal (s_out, "run 60 1\nroll 10\nrate 1-6\nseed 42\nmachine 1 lab1\n"
                                "machine 2 192.168.1.11\n"
                                "machine 3 lab3.local\n");
    unlink (path);
}

static void
test_cluster_precedence (void **state)
{
    (void) state;
    char path [PATH_SIZE];
    s_write_file (path,
        "# every default but one machine seed\n"
        "cluster\n"
        "    machine = 7\n"
        "        endpoint = 'tcp://lab7:7000'\n"
        "        seed = 5\n"
        "    machine = 8\n"
        "        endpoint = tcp://[::1]:8000\n"
        "    machine = 9\n"
        "        endpoint = ipc:///tmp/lc-9\n"
        "        host = box9\n");
    static lc_config_t config;
    assert_int_equal (s_run (&config, "--id", "7", "--cluster", path), 0);
    s_assert_model_defaults (&config);
    assert_true (config.has_seed);
    assert_true (config.seed == 5);
    assert_string_equal (config.bind, "tcp://*:7000");
    assert_int_equal (s_run (&config, "--id", "8", "--cluster", path), 0);
    assert_false (config.has_seed);
    assert_string_equal (config.bind, "tcp://[::1]:8000");
    assert_int_equal (s_run (&config, "--id", "9", "--cluster", path), 0);
    assert_string_equal (config.bind, "ipc:///tmp/lc-9");

    //  Run-wide settings come from the file only
    s_expect_error ("lclock machine: --peer: with --cluster the peer list comes from "
                    "the cluster file only; drop --peer or --cluster",
                    "--id", "7", "--cluster", path, "--peer", "1=tcp://a:1");
    s_expect_error ("lclock machine: --duration: with --cluster the duration comes "
                    "from the cluster file only; drop --duration or --cluster",
                    "--id", "7", "--cluster", path, "--duration", "5");
    s_expect_error ("lclock machine: --speed: with --cluster the speed comes "
                    "from the cluster file only; drop --speed or --cluster",
                    "--id", "7", "--cluster", path, "--speed", "5");
    s_expect_error ("lclock machine: --roll: with --cluster the roll comes "
                    "from the cluster file only; drop --roll or --cluster",
                    "--id", "7", "--cluster", path, "--roll", "5");

    //  The launcher's view: defaults, and the host from the endpoint
    assert_int_equal (s_cluster_main (path), LC_EXIT_OK);
    assert_string_equal (s_err, "");
    assert_string_equal (s_out, "run 60 1\nroll 10\nmachine 7 lab7\nmachine 8 ::1\n"
                                "machine 9 box9\n");
    unlink (path);
}

//  Every layer: command line, machine section, cluster section, default
static void
test_cluster_layers (void **state)
{
    (void) state;
    char path [PATH_SIZE];
    s_write_file (path,
        "cluster\n"
        "    duration = 2.5\n"
        "    speed = 4\n"
        "    roll = 3\n"
        "    rate = 3-4\n"
        "    seed = 11\n"
        "    machine = 1\n"
        "        endpoint = tcp://10.0.0.1:5001\n"
        "    machine = 2\n"
        "        endpoint = tcp://10.0.0.2:5002\n"
        "        rate = 5\n"
        "        seed = 22\n"
        "        bind = tcp://10.0.0.2:6002\n");
    static lc_config_t config;
    //  Cluster section over the defaults
    assert_int_equal (s_run (&config, "--id", "1", "--cluster", path), 0);
    assert_true (config.duration == 2.5);
    assert_true (config.speed == 4);
    assert_int_equal (config.roll, 3);
    assert_int_equal (config.rate_min, 3);
    assert_int_equal (config.rate_max, 4);
    assert_true (config.seed == 11);
    assert_string_equal (config.bind, "tcp://10.0.0.1:5001");
    //  Machine section over the cluster section
    assert_int_equal (s_run (&config, "--id", "2", "--cluster", path), 0);
    assert_int_equal (config.rate_min, 5);
    assert_int_equal (config.rate_max, 5);
    assert_true (config.seed == 22);
    assert_string_equal (config.bind, "tcp://10.0.0.2:6002");
    assert_string_equal (config.endpoint, "tcp://10.0.0.2:5002");
    //  Command line over the machine section
    assert_int_equal (s_run (&config, "--id", "2", "--cluster", path, "--rate", "6-7",
                             "--seed", "33", "--bind", "tcp://*:7002"), 0);
    assert_int_equal (config.rate_min, 6);
    assert_int_equal (config.rate_max, 7);
    assert_true (config.seed == 33);
    assert_string_equal (config.bind, "tcp://*:7002");
    assert_string_equal (config.endpoint, "tcp://10.0.0.2:5002");
    assert_true (config.duration == 2.5);
    assert_int_equal (s_cluster_main (path), LC_EXIT_OK);
    assert_string_equal (s_out, "run 2.5 4\nroll 3\nrate 3-4\nseed 11\n"
                                "machine 1 10.0.0.1\nmachine 2 10.0.0.2\n");
    unlink (path);
}

//  `lclock cluster`: each run setting on its own line, the rate as written
static void
test_cluster_print (void **state)
{
    (void) state;
    char path [PATH_SIZE];
    s_write_file (path,
        "cluster\n"
        "    roll = 1\n"
        "    rate = '4'      # quoted: the value is 4\n"
        "    seed = 0\n"
        "    duration = 0.5\n"
        "    machine = 2\n"
        "        endpoint = tcp://10.0.0.2:5002\n"
        "        rate = 1-2\n"
        "        seed = 7\n"
        "    machine = 1\n"
        "        endpoint = tcp://10.0.0.1:5001\n");
    assert_int_equal (s_cluster_main (path), LC_EXIT_OK);
    assert_string_equal (s_err, "");
    assert_string_equal (s_out, "run 0.5 1\nroll 1\nrate 4\nseed 0\n"
                                "machine 1 10.0.0.1\nmachine 2 10.0.0.2\n");
    unlink (path);
}

//  CURVE from the cluster file, and --cert/--trust over it
static void
test_cluster_curve (void **state)
{
    (void) state;
    char path [PATH_SIZE];
    s_write_file (path,
        "cluster\n"
        "    trust = \"/srv/lclock/trust dir\"\n"
        "    machine = 1\n"
        "        endpoint = tcp://10.0.0.1:5001\n"
        "        cert = /srv/lclock/machine-1.cert_secret\n"
        "    machine = 2\n"
        "        endpoint = tcp://10.0.0.2:5002\n"
        "        cert = keys/m2.secret\n");
    static lc_config_t config;
    assert_int_equal (s_run (&config, "--id", "2", "--cluster", path), 0);
    assert_string_equal (s_err, "");
    assert_string_equal (config.cert, "keys/m2.secret");
    assert_string_equal (config.trust, "/srv/lclock/trust dir");
    //  The command line over the file, either alone or both
    assert_int_equal (s_run (&config, "--id", "2", "--cluster", path,
                             "--cert", "here.secret"), 0);
    assert_string_equal (config.cert, "here.secret");
    assert_string_equal (config.trust, "/srv/lclock/trust dir");
    assert_int_equal (s_run (&config, "--id", "1", "--cluster", path,
                             "--trust", "mine"), 0);
    assert_string_equal (config.cert, "/srv/lclock/machine-1.cert_secret");
    assert_string_equal (config.trust, "mine");
    assert_int_equal (s_run (&config, "--id", "1", "--cluster", path,
                             "--trust", "t", "--cert", "c"), 0);
    assert_string_equal (config.cert, "c");
    assert_string_equal (config.trust, "t");
    assert_int_equal (s_cluster_main (path), LC_EXIT_OK);
    assert_string_equal (s_out, "run 60 1\nroll 10\ntrust /srv/lclock/trust dir\n"
                                "cert 1 /srv/lclock/machine-1.cert_secret\n"
                                "cert 2 keys/m2.secret\n"
                                "machine 1 10.0.0.1\nmachine 2 10.0.0.2\n");
    unlink (path);

    //  A file without CURVE: --cert and --trust together, as without one
    s_write_file (path, "cluster\n    machine = 1\n        endpoint = tcp://a:1\n");
    assert_int_equal (s_run (&config, "--id", "1", "--cluster", path,
                             "--cert", "c", "--trust", "t"), 0);
    assert_string_equal (config.cert, "c");
    assert_string_equal (config.trust, "t");
    s_expect_error ("lclock machine: --cert: given without --trust; CURVE needs "
                    "both --cert FILE and --trust DIR",
                    "--id", "1", "--cluster", path, "--cert", "c");
    s_expect_error ("lclock machine: --trust: given without --cert; CURVE needs "
                    "both --cert FILE and --trust DIR",
                    "--id", "1", "--cluster", path, "--trust", "t");
    assert_int_equal (s_cluster_main (path), LC_EXIT_OK);
    assert_string_equal (s_out, "run 60 1\nroll 10\nmachine 1 a\n");
    unlink (path);
}

typedef struct {
    const char *text;           //  a cluster file
    const char *error;          //  its error after "lclock machine: FILE: "
} s_bad_cluster_t;

static const s_bad_cluster_t s_bad_clusters [] = {
    { "cluster\n    machine = 1\n        endpoint = tcp://a:1\n    machine = 2\n"
      "        host = lab2\n",
      "machine 2: endpoint is missing; add the endpoint its peers connect to, "
      "e.g. endpoint = tcp://192.168.1.10:5551" },
    { "cluster\n    machine = 1\n        endpoint = tcp://a:1\n    machine = 1\n"
      "        endpoint = tcp://b:1\n",
      "machine 1: appears twice; machine ids are unique in a run" },
    { "cluster\n    machine = 1\n        endpoint = tcp://a:1\n    machine = 2\n"
      "        endpoint = tcp://a:1\n",
      "machine 2: endpoint: 'tcp://a:1' is machine 1's too; each machine needs its own" },
    { "cluster\n    speeed = 2\n    machine = 1\n        endpoint = tcp://a:1\n",
      "unknown key 'speeed' (expected duration, speed, roll, rate, seed, trust or machine)" },
    { "cluster\n    machine = 1\n        endpoint = tcp://a:1\n        duration = 5\n",
      "machine 1: unknown key 'duration' (expected endpoint, bind, rate, seed, host or cert)" },
    //  CURVE: trust in the cluster section, cert in every machine section
    { "cluster\n    trust = t\n    machine = 1\n        endpoint = tcp://a:1\n"
      "        cert = c1\n    machine = 2\n        endpoint = tcp://b:1\n",
      "machine 2: cert is missing; with trust every machine needs its secret "
      "certificate (CURVE), e.g. cert = keys/machine-2.cert_secret made by "
      "'lclock keygen 2 keys'" },
    { "cluster\n    machine = 1\n        endpoint = tcp://a:1\n    machine = 2\n"
      "        endpoint = tcp://b:1\n        cert = c2\n",
      "trust is missing; machine 2 has a cert, and CURVE needs the folder of every "
      "machine's public certificate too, e.g. trust = keys/trust (or drop every cert)" },
    { "cluster\n    cert = c\n    machine = 1\n        endpoint = tcp://a:1\n",
      "unknown key 'cert' (expected duration, speed, roll, rate, seed, trust or machine)" },
    { "cluster\n    machine = 1\n        endpoint = tcp://a:1\n        trust = t\n",
      "machine 1: unknown key 'trust' (expected endpoint, bind, rate, seed, host or cert)" },
    { "cluster\n    trust =\n    machine = 1\n        endpoint = tcp://a:1\n",
      "trust: expected a path of 1 to 4095 bytes, got ''" },
    { "cluster\n    trust = t\n    machine = 1\n        endpoint = tcp://a:1\n"
      "        cert = c\n        cert = d\n",
      "machine 1: cert: given twice; give it once" },
    { "cluster\n    duration = 0\n    machine = 1\n        endpoint = tcp://a:1\n",
      "duration: expected model seconds, a number > 0 and <= 1000000000, got '0'" },
    { "cluster\n    duration = # no value\n    machine = 1\n        endpoint = tcp://a:1\n",
      "duration: expected model seconds, a number > 0 and <= 1000000000, got '# no value'" },
    { "cluster\n    roll = 10x\n    machine = 1\n        endpoint = tcp://a:1\n",
      "roll: expected a whole number K from 1 to 1000000, got '10x'" },
    { "cluster\n    machine = 1\n        endpoint = tcp://a:1\n        rate = 7-2\n",
      "machine 1: rate: expected R or MIN-MAX with 1 <= MIN <= MAX <= 1000000, got '7-2'" },
    { "cluster\n    machine = 1\n        endpoint = tcp://*:1\n",
      "machine 1: endpoint: expected an endpoint peers can connect to "
      "(TRANSPORT://ADDRESS of at most 255 bytes, no '*'), such as "
      "tcp://192.168.1.10:5551, got 'tcp://*:1'" },
    { "cluster\n    machine = 1\n        endpoint = tcp://a:99999\n",
      "machine 1: endpoint: expected a port from 1 to 65535 in tcp://HOST:PORT, "
      "got 'tcp://a:99999'" },
    { "cluster\n    machine = 1\n        endpoint = tcp://a:1\n        bind = tcp://*:0\n",
      "machine 1: bind: expected a port from 1 to 65535 in tcp://HOST:PORT, "
      "got 'tcp://*:0'" },
    { "cluster\n    machine = 1\n        endpoint = tcp://a:1\n        host = -oProxy\n",
      "machine 1: host: expected a host name of 1 to 255 bytes, no spaces, not "
      "starting with '-', got '-oProxy'" },
    { "cluster\n    machine = 1\n        endpoint = tcp://a:1\n        seed = 1\n"
      "        seed = 2\n",
      "machine 1: seed: given twice; give it once" },
    { "cluster\n    machine = one\n        endpoint = tcp://a:1\n",
      "machine: expected a machine id from 1 to 65535, got 'one'" },
    { "cluster\n    machine\n        endpoint = tcp://a:1\n",
      "machine: expected a machine id from 1 to 65535, got ''" },
    { "cluster\n    seed = 1\n        seed = 2\n    machine = 1\n        endpoint = tcp://a:1\n",
      "seed: has indented lines under it; a key holds one value, on its own line" },
    { "cluster\n    machine = 1\n        endpoint = tcp://a:1\n            port = 1\n",
      "machine 1: endpoint: has indented lines under it; a key holds one value, "
      "on its own line" },
    { "# nothing but a comment\n",
      "no 'cluster' section; the file starts with a line 'cluster'" },
    { "",
      "no 'cluster' section; the file starts with a line 'cluster'" },
    { "clusters\n    machine = 1\n        endpoint = tcp://a:1\n",
      "unknown section 'clusters'; the file holds one 'cluster' section" },
    { "cluster\n    machine = 1\n        endpoint = tcp://a:1\ncluster\n",
      "cluster: appears twice; one file describes one run" },
    { "cluster = big\n    machine = 1\n        endpoint = tcp://a:1\n",
      "cluster: takes no value, got 'big'; the settings go on indented lines under it" },
    { "cluster\n    duration = 5\n",
      "cluster: no machine sections; add one 'machine = ID' section per machine" },
    //  Syntax, checked before zconfig sees it
    { "cluster\n   duration = 5\n",
      "line 2: indent with 4 spaces per level, got '   duration = 5'" },
    { "cluster\n  # a comment\n",
      "line 2: indent with 4 spaces per level, got '  # a comment'" },
    { "cluster\n\tduration = 5\n",
      "line 2: a tab in the indentation; indent with 4 spaces per level, got '?duration = 5'" },
    { "cluster\n        duration = 5\n",
      "line 2: indented deeper than one level below the line above, got '        duration = 5'" },
    { "cluster\n    host = \"lab1\n",
      "line 2: the quoted value has no closing quote, got '    host = \"lab1'" },
    { "cluster\n    host = 'lab1' x\n",
      "line 2: text after the quoted value, got '    host = 'lab1' x'" },
    { "cluster\n    duration 5\n",
      "line 2: expected NAME or NAME = VALUE, got '    duration 5'" },
    { "cluster\n    = 5\n",
      "line 2: expected NAME or NAME = VALUE, got '    = 5'" },
    { "cluster\n    /duration = 5\n",
      "line 2: a name may not start or end with '/', got '    /duration = 5'" },
};

static void
test_bad_clusters (void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof s_bad_clusters / sizeof s_bad_clusters [0]; i++) {
        char path [PATH_SIZE];
        s_write_file (path, s_bad_clusters [i].text);
        static lc_config_t config;
        int rc = s_run (&config, "--id", "1", "--cluster", path);
        char expected [1024];
        snprintf (expected, sizeof expected, "lclock machine: %s: %s\n",
                  path, s_bad_clusters [i].error);
        if (rc != -1 || strcmp (s_err, expected) != 0 || *s_out)
            fail_msg ("cluster file %zu: rc %d, stdout '%s', stderr\n  '%s'"
                      "expected\n  '%s'", i, rc, s_out, s_err, expected);
        unlink (path);
    }
}

static void
test_bad_cluster_files (void **state)
{
    (void) state;
    static lc_config_t config;
    assert_int_equal (s_run (&config, "--id", "1", "--cluster", "/nonexistent/c.zpl"), -1);
    assert_string_equal (s_err, "lclock machine: /nonexistent/c.zpl: cannot open it: "
                                "No such file or directory\n");
    assert_int_equal (s_run (&config, "--id", "1", "--cluster", "/tmp"), -1);
    assert_string_equal (s_err, "lclock machine: /tmp: is a folder; expected a cluster file\n");
    //  Neither a FIFO (its open waited for a writer) nor a device is read
    assert_int_equal (s_run (&config, "--id", "1", "--cluster", "/dev/zero"), -1);
    assert_string_equal (s_err, "lclock machine: /dev/zero: a device, not a regular file; "
                                "expected a cluster file\n");
    char fifo [PATH_SIZE];
    int made = mkstemp (lc_test_tmp_path (fifo, PATH_SIZE, "lc_test_fifo"));
    assert_true (made >= 0);
    close (made);
    unlink (fifo);
    assert_int_equal (mkfifo (fifo, 0600), 0);
    assert_int_equal (s_run (&config, "--id", "1", "--cluster", fifo), -1);
    char said [PATH_SIZE + 128];
    snprintf (said, sizeof said, "lclock machine: %s: a FIFO, not a regular file; "
              "expected a cluster file\n", fifo);
    assert_string_equal (s_err, said);
    unlink (fifo);

    //  A line longer than LC_ZPL_LINE_MAX
    char path [PATH_SIZE];
    char *text = malloc (LC_ZPL_LINE_MAX + 64);
    assert_non_null (text);
    strcpy (text, "cluster\n    host = ");
    size_t length = strlen (text);
    memset (text + length, 'a', LC_ZPL_LINE_MAX);
    strcpy (text + length + LC_ZPL_LINE_MAX, "\n");
    s_write_file (path, text);
    free (text);
    assert_int_equal (s_run (&config, "--id", "1", "--cluster", path), -1);
    char expected [256];
    snprintf (expected, sizeof expected,
              "lclock machine: %s: line 2: longer than 1024 bytes\n", path);
    assert_string_equal (s_err, expected);
    unlink (path);

    //  A NUL byte
    int fd = mkstemp (lc_test_tmp_path (path, PATH_SIZE, "lc_test_cluster"));
    assert_true (fd >= 0);
    assert_int_equal (write (fd, "cluster\n    x\0y\n", 16), 16);
    close (fd);
    assert_int_equal (s_run (&config, "--id", "1", "--cluster", path), -1);
    snprintf (expected, sizeof expected,
              "lclock machine: %s: line 2: a NUL byte; a cluster file is text\n", path);
    assert_string_equal (s_err, expected);
    unlink (path);

    //  `lclock cluster` reports under its own name, exit 2, nothing on stdout
    assert_int_equal (s_cluster_main ("/nonexistent/c.zpl"), LC_EXIT_USAGE);
    assert_string_equal (s_err, "lclock cluster: /nonexistent/c.zpl: cannot open it: "
                                "No such file or directory\n");
    assert_string_equal (s_out, "");
    assert_int_equal (s_cluster_main ("-x"), LC_EXIT_USAGE);
    assert_string_equal (s_err, "lclock cluster: expected FILE (try 'lclock "
                                "cluster --help')\n");
}

static void
test_default_bind (void **state)
{
    (void) state;
    const char *cases [][2] = {
        { "tcp://192.168.1.10:5551",    "tcp://192.168.1.10:5551" },
        { "tcp://lab3.local:5551",      "tcp://*:5551" },
        { "tcp://localhost:5551",       "tcp://*:5551" },
        { "tcp://[::1]:5551",           "tcp://[::1]:5551" },
        { "tcp://[fe80::1]:5551",       "tcp://[fe80::1]:5551" },
        { "tcp://eth0;lab3:5551",       "tcp://*:5551" },
        { "tcp://eth0;10.0.0.3:5551",   "tcp://10.0.0.3:5551" },
        { "tcp://999.1.1.1:5551",       "tcp://*:5551" },
        { "ipc:///tmp/lc-3",            "ipc:///tmp/lc-3" },
        { "inproc://lc-3",              "inproc://lc-3" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases [0]; i++) {
        char bind [LC_ENDPOINT_MAX];
        lc_endpoint_default_bind (cases [i][0], bind);
        if (strcmp (bind, cases [i][1]) != 0)
            fail_msg ("'%s' binds '%s', expected '%s'", cases [i][0], bind, cases [i][1]);
    }
}

static void
test_cluster_load (void **state)
{
    (void) state;
    char path [PATH_SIZE];
    s_write_file (path, s_spec_cluster);
    lc_cluster_t *cluster = lc_cluster_load (path, "test");
    assert_non_null (cluster);
    assert_int_equal (cluster->member_count, 3);
    assert_true (lc_layer_has (&cluster->layer, LC_SETTING_RATE));
    assert_true (lc_layer_has (&cluster->layer, LC_SETTING_SEED));
    const lc_member_t *member = lc_cluster_member (cluster, 2);
    assert_non_null (member);
    assert_true (lc_layer_has (&member->layer, LC_SETTING_RATE));
    assert_int_equal (member->layer.values [LC_SETTING_RATE].rate.min, 2);
    assert_false (lc_layer_has (&member->layer, LC_SETTING_SEED));
    assert_string_equal (lc_member_text (member, LC_SETTING_HOST), "192.168.1.11");
    assert_null (lc_cluster_member (cluster, 4));
    lc_cluster_destroy (&cluster);
    assert_null (cluster);
    lc_cluster_destroy (&cluster);
    unlink (path);
}

//  The bare number parsers and the rate list
static void
test_value_numbers (void **state)
{
    (void) state;
    uint64_t whole;
    assert_int_equal (lc_value_whole ("17", 1, 20, &whole), 0);
    assert_int_equal (whole, 17);
    assert_int_equal (lc_value_whole ("0", 1, 20, &whole), -1);
    assert_int_equal (lc_value_whole ("21", 1, 20, &whole), -1);
    assert_int_equal (lc_value_whole ("+1", 0, 20, &whole), -1);
    assert_int_equal (lc_value_whole ("", 0, 20, &whole), -1);
    double real;
    assert_int_equal (lc_value_real ("2.5e-1", 0, 1, true, &real), 0);
    assert_true (real == 0.25);
    assert_int_equal (lc_value_real ("0", 0, 1, true, &real), -1);
    assert_int_equal (lc_value_real ("0", 0, 1, false, &real), 0);
    assert_int_equal (lc_value_real ("nan", 0, 1, false, &real), -1);
    assert_int_equal (lc_value_real ("-0.5", -1, 1, false, &real), -1);
    uint32_t rates [3];
    assert_int_equal (lc_value_rates ("1,6,6", rates, 3), 3);
    assert_int_equal (rates [0], 1);
    assert_int_equal (rates [2], 6);
    assert_int_equal (lc_value_rates ("1000000", rates, 3), 1);
    static const char *bad [] = { "", "1,", ",1", "1,,2", "0,1", "1000001", "1,2,3,4", "a" };
    for (size_t i = 0; i < sizeof bad / sizeof bad [0]; i++)
        if (lc_value_rates (bad [i], rates, 3) != -1)
            fail_msg ("'%s' was read as a rate list", bad [i]);
    //  The name of an option getopt_long returned, for error messages
    static const struct option options [] = {
        { "trials", required_argument, NULL, 300 },
        { "help",   no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    assert_string_equal (lc_value_option_name (options, 300), "trials");
    assert_string_equal (lc_value_option_name (options, 'h'), "help");
    assert_string_equal (lc_value_option_name (options, 301), "?");
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_defaults),
        cmocka_unit_test (test_every_option),
        cmocka_unit_test (test_help),
        cmocka_unit_test (test_bad_numbers),
        cmocka_unit_test (test_bad_endpoints),
        cmocka_unit_test (test_bad_usage),
        cmocka_unit_test (test_bad_peers),
        cmocka_unit_test (test_cluster_spec_example),
        cmocka_unit_test (test_cluster_precedence),
        cmocka_unit_test (test_cluster_layers),
        cmocka_unit_test (test_cluster_print),
        cmocka_unit_test (test_cluster_curve),
        cmocka_unit_test (test_bad_clusters),
        cmocka_unit_test (test_bad_cluster_files),
        cmocka_unit_test (test_default_bind),
        cmocka_unit_test (test_cluster_load),
        cmocka_unit_test (test_value_numbers),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
