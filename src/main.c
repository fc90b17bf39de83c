/*  main.c - `lclock SUBCOMMAND` dispatch, nothing else.
*/
#include "lclock.h"
#include "lc_machine.h"
#include "lc_cert.h"
#include "lc_analyze.h"
#include "lc_config.h"
#include "lc_file.h"
#include "lc_runinfo.h"
#include "lc_compare.h"
#include "lc_simulate.h"
#include "lc_study.h"
#include "lc_diverge.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const char *name;           //  subcommand as typed
    int (*run) (int argc, char *argv []);   //  its entry point
    const char *summary;        //  one line for --help
} s_command_t;

static const s_command_t s_commands [] = {
    { "machine", lc_machine_main, "run one model machine" },
    { "simulate", lc_simulate_main, "run the model on a virtual clock, as a run directory" },
    { "diverge", lc_diverge_main, "where a real run's history parts from the simulated one" },
    { "analyze", lc_analyze_main, "check a run's logs and report on it" },
    { "keygen",  lc_keygen_main,  "write a CURVE certificate pair" },
    { "cluster", lc_cluster_main, "check a cluster file, list its machines' hosts" },
    { "compare", lc_compare_main, "compare runs by condition: mean and sd over trials" },
    { "plan",    lc_study_main,   "check a study file and print its plan (for study.sh)" },
    { "runinfo", lc_runinfo_main, "write a run directory's run.json (for launchers)" },
};

static void
s_usage (FILE *out)
{
    fprintf (out, "usage: lclock COMMAND [OPTIONS]\n\n"
                  "A scale model of a small asynchronous distributed system\n"
                  "with Lamport clocks. Commands:\n");
    for (size_t i = 0; i < sizeof s_commands / sizeof s_commands [0]; i++)
        fprintf (out, "  %-9s %s\n", s_commands [i].name, s_commands [i].summary);
    fprintf (out, "\nOptions:\n"
                  "  -h, --help  print this help and exit\n"
                  "  --version   print the version and exit\n");
    fprintf (out, "\n'lclock COMMAND --help' explains each, 'man lclock-COMMAND' more;\n"
                  "the docs (docs/ of the source, share/doc/lclock installed)\n"
                  "have every format and exit code.\n");
}

static int
s_dispatch (int argc, char *argv [])
{
    if (argc < 2) {
        s_usage (stderr);
        return LC_EXIT_USAGE;
    }
    if (strcmp (argv [1], "--help") == 0 || strcmp (argv [1], "-h") == 0) {
        s_usage (stdout);
        return LC_EXIT_OK;
    }
    if (strcmp (argv [1], "--version") == 0) {
        printf ("lclock %s\n", LCLOCK_VERSION);
        return LC_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof s_commands / sizeof s_commands [0]; i++)
        if (strcmp (argv [1], s_commands [i].name) == 0)
            return s_commands [i].run (argc - 1, argv + 1);
    fprintf (stderr, "lclock: unknown command '%s' (try 'lclock --help')\n", argv [1]);
    return LC_EXIT_USAGE;
}

//  What a command printed must have reached stdout (a full disk, a closed
//  pipe): otherwise exit 2, as for any output that could not be written
int
main (int argc, char *argv [])
{
    int rc = s_dispatch (argc, argv);
    if (lc_file_stdout_checked ()) {
        fprintf (stderr, "lclock: cannot write stdout: %s\n", strerror (errno));
        if (rc < LC_EXIT_USAGE)
            rc = LC_EXIT_USAGE;
    }
    return rc;
}
