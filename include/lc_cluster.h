/*  lc_cluster.h - the cluster file (docs/cli.md): one file describes a
    whole run, the same on every host. Loaded and checked here, as one
    layer of settings for the cluster section and one per machine
    section; `lclock cluster FILE` prints what a launcher needs.
*/
#ifndef LC_CLUSTER_H_INCLUDED
#define LC_CLUSTER_H_INCLUDED

#include "lc_setting.h"
#include <czmq.h>

//  One `machine = ID` section
typedef struct {
    uint32_t id;                        //  machine id
    lc_layer_t layer;                   //  its keys; `bind` and `host`
                                        //  always set (defaults filled in)
    char default_bind [LC_ENDPOINT_MAX];    //  the bind without `bind`: the
                                        //  endpoint, with its host replaced
                                        //  by `*` unless that is an IP address
    char default_host [LC_HOST_MAX];    //  the host without `host`: the
                                        //  endpoint's, else "localhost"
} lc_member_t;

//  A whole cluster file, checked
typedef struct {
    zconfig_t *root;                    //  the file's tree: the layers' text
                                        //  points into it
    lc_layer_t layer;                   //  the cluster section's keys
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

//  True if CURVE is on for the run: `trust` and every machine's `cert`
//  are given (lc_cluster_load refuses some but not all)
bool
    lc_cluster_curve (const lc_cluster_t *self);

//  The text of a text setting of a machine (endpoint, bind, host, cert),
//  or NULL
const char *
    lc_member_text (const lc_member_t *member, lc_setting_t setting);

//  What a LAN launcher needs, one line each (docs/cli.md): `run DURATION
//  SPEED`, `roll K`, `rate SPEC` (as written; if given), `seed N` (if
//  given), with CURVE `trust DIR` and `cert ID PATH` per machine, then
//  `machine ID HOST` per machine; machines ascending by id.
void
    lc_cluster_print (const lc_cluster_t *self, FILE *out);

//  `lclock cluster FILE`: loads and checks the file, prints it with
//  lc_cluster_print on stdout. Returns the exit status: 0, or 2 after one
//  line on stderr.
int
    lc_cluster_main (int argc, char *argv []);

#endif
