/*  lc_config.h - command line + cluster file -> one config struct.

    `lclock machine` options (lc_cli.h) and the cluster file (lc_cluster.h)
    meet here as layers of settings (lc_setting.h): precedence is command
    line, then the machine's section of the cluster file, then the cluster
    section, then defaults. Every error is one line on stderr naming the
    option, or the file and key, and the caller exits with LC_EXIT_USAGE.
*/
#ifndef LC_CONFIG_H_INCLUDED
#define LC_CONFIG_H_INCLUDED

#include "lclock.h"
#include "lc_setting.h"
#include "lc_cluster.h"

//  Parses the arguments of `lclock machine` (argv [0] is "machine"), and
//  the cluster file if --cluster is given (docs/cli.md). Returns 0 with
//  *config filled; 1 if --help was asked for and printed on stdout
//  (exit 0); -1 after printing a one-line error on stderr (exit 2), with
//  *config partly filled. Restarts getopt, so it may be called again.
//  config is zeroed or was filled by an earlier call (lc_config_defaults).
int
    lc_config_parse (lc_config_t *config, int argc, char *argv []);

//  Sets every field to its default (docs/cli.md). config is zeroed (as
//  lc_calloc gives it) or was filled by an earlier call: its peer_count
//  says how many peers to clear.
void
    lc_config_defaults (lc_config_t *config);

#endif
