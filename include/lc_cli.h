/*  lc_cli.h - the command line of `lclock machine`: its options, read
    through the table of settings into one layer, and its usage text.
*/
#ifndef LC_CLI_H_INCLUDED
#define LC_CLI_H_INCLUDED

#include "lc_setting.h"
#include <stdio.h>

//  What the command line said
typedef struct {
    lc_layer_t layer;                   //  every option given once (--peer:
                                        //  the last one)
    size_t peer_count;                  //  --peer options given
    lc_value_t peers [LC_PEERS_MAX];    //  their values, in the order given
} lc_cli_t;

//  Reads the arguments of `lclock machine` (argv [0] is "machine") into
//  self. Returns 0; 1 if --help (or -h) was given; -1 after one line on
//  stderr. Text values point into argv. Restarts getopt, so it may be
//  called again.
int
    lc_cli_read (lc_cli_t *self, int argc, char *argv []);

//  Prints the usage text of `lclock machine`
void
    lc_cli_usage (FILE *out);

#endif
