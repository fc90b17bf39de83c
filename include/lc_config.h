/*  lc_config.h - command line + cluster file -> one config struct.

    `lclock machine` options (SPEC section 2) and the cluster file (SPEC
    section 4) meet here: precedence is command line, then the machine's
    section of the cluster file, then the cluster section, then defaults.
    Every error is one line on stderr naming the option, or the file and
    key, and the caller exits with LC_EXIT_USAGE.
*/
#ifndef LC_CONFIG_H_INCLUDED
#define LC_CONFIG_H_INCLUDED

#include "lclock.h"
#include <limits.h>

typedef struct {
    uint32_t id;                        //  peer's machine id
    char endpoint [LC_ENDPOINT_MAX];    //  where its PULL socket is reached
} lc_peer_t;

typedef struct {
    uint32_t id;                        //  --id: this machine
    char bind [LC_ENDPOINT_MAX];        //  endpoint our PULL socket binds
    char endpoint [LC_ENDPOINT_MAX];    //  where peers reach us (cluster
                                        //  file), else empty
    size_t peer_count;                  //  number of peers
    lc_peer_t peers [LC_PEERS_MAX];     //  peers, ascending by id
    uint32_t rate_min;                  //  tick rate range; equal when the
    uint32_t rate_max;                  //  rate is fixed
    uint32_t roll;                      //  K of the 1..K roll
    double duration;                    //  model seconds to run
    double speed;                       //  model seconds per wall second
    bool has_seed;                      //  seed given (else drawn from OS)
    uint64_t seed;                      //  the run seed
    char log_dir [PATH_MAX];            //  where machine-ID.csv/json go
    double start_timeout;               //  wall seconds; 0 waits forever
    char cert [PATH_MAX];               //  --cert: secret certificate, or ""
    char trust [PATH_MAX];              //  --trust: public certs folder, or ""
    bool resume;                        //  --resume: restart after a crash
    bool quiet;                         //  --quiet: no progress on stderr
    char cluster [PATH_MAX];            //  --cluster FILE, or ""
} lc_config_t;

//  Parses the arguments of `lclock machine` (argv [0] is "machine").
//  Returns 0 with *config filled; 1 if --help was asked for and printed
//  (exit 0); -1 after printing a one-line error on stderr (exit 2).
int
    lc_config_parse (lc_config_t *config, int argc, char *argv []);

//  Sets every field to its default (SPEC section 2).
void
    lc_config_defaults (lc_config_t *config);

#endif
