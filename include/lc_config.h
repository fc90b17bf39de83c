/*  lc_config.h - command line + cluster file -> one config struct.

    `lclock machine` options and the cluster file (docs/cli.md) meet
    here: precedence is command line, then the machine's
    section of the cluster file, then the cluster section, then defaults.
    Every error is one line on stderr naming the option, or the file and
    key, and the caller exits with LC_EXIT_USAGE.
*/
#ifndef LC_CONFIG_H_INCLUDED
#define LC_CONFIG_H_INCLUDED

#include "lclock.h"
#include <limits.h>
#include <stdio.h>

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

//  Parses the arguments of `lclock machine` (argv [0] is "machine"), and
//  the cluster file if --cluster is given (docs/cli.md). Returns 0 with
//  *config filled; 1 if --help was asked for and printed on stdout
//  (exit 0); -1 after printing a one-line error on stderr (exit 2), with
//  *config partly filled. Restarts getopt, so it may be called again.
int
    lc_config_parse (lc_config_t *config, int argc, char *argv []);

//  Sets every field to its default (docs/cli.md).
void
    lc_config_defaults (lc_config_t *config);

//  One `machine = ID` section of a cluster file, defaults filled in.
typedef struct {
    uint32_t id;                        //  machine id
    char endpoint [LC_ENDPOINT_MAX];    //  where peers connect to it
    char bind [LC_ENDPOINT_MAX];        //  what it binds: `bind`, else the
                                        //  endpoint, with its host replaced
                                        //  by `*` unless that is an IP address
    char host [LC_HOST_MAX];            //  `host`, else the endpoint's host,
                                        //  else "localhost" (ipc://, inproc://)
    bool has_rate;                      //  `rate` given in this section
    uint32_t rate_min;                  //  its rate range, if has_rate
    uint32_t rate_max;
    bool has_seed;                      //  `seed` given in this section
    uint64_t seed;                      //  its seed, if has_seed
} lc_member_t;

//  A whole cluster file (docs/cli.md), checked.
typedef struct {
    double duration;                    //  `duration`, else the default
    double speed;                       //  `speed`, else the default
    uint32_t roll;                      //  `roll`, else the default
    bool has_rate;                      //  `rate` given for every machine
    uint32_t rate_min;                  //  that rate range, if has_rate
    uint32_t rate_max;
    bool has_seed;                      //  `seed` given
    uint64_t seed;                      //  the run seed, if has_seed
    size_t member_count;                //  number of machine sections
    lc_member_t members [LC_MACHINES_MAX];  //  ascending by id
} lc_cluster_t;

//  Loads and checks a cluster file. Returns a new cluster (the caller's to
//  destroy), or NULL after one line on stderr, `PROGRAM: FILE: ...`, naming
//  the line or the key that is wrong.
lc_cluster_t *
    lc_cluster_load (const char *path, const char *program);

//  Destroys a cluster and sets the pointer to NULL; safe to call twice.
void
    lc_cluster_destroy (lc_cluster_t **self_p);

//  The machine with this id, or NULL.
const lc_member_t *
    lc_cluster_member (const lc_cluster_t *self, uint32_t id);

//  What a LAN launcher needs: `run DURATION SPEED`, then one line
//  `machine ID HOST` per machine, ascending by id.
void
    lc_cluster_print (const lc_cluster_t *self, FILE *out);

//  `lclock cluster FILE`: loads and checks the file, prints it with
//  lc_cluster_print on stdout. Returns the exit status: 0, or 2 after one
//  line on stderr.
int
    lc_cluster_main (int argc, char *argv []);

//  The default bind of a cluster-file endpoint (docs/cli.md): the
//  endpoint itself when its host is an IP address (or it is not tcp://),
//  else the endpoint with its host replaced by `*`. bind holds
//  LC_ENDPOINT_MAX bytes.
void
    lc_config_default_bind (const char *endpoint, char *bind);

#endif
