/*  lc_setting.h - the settings of one machine: the config struct, the one
    table that says where each setting may be given and which field it
    sets, and layers of values applied onto a config in order.

    A layer is what one source said: the defaults, the cluster section of
    a cluster file, a machine's section, the command line. lc_config.c
    applies them in that order, so a later layer wins (docs/cli.md).
*/
#ifndef LC_SETTING_H_INCLUDED
#define LC_SETTING_H_INCLUDED

#include "lclock.h"
#include "lc_value.h"
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
    uint64_t run_nonce;                 //  --run-nonce: a launcher's number
                                        //  for this run, in the run id (0)
    char log_dir [PATH_MAX];            //  where machine-ID.csv/json go
    double start_timeout;               //  wall seconds; 0 waits forever
    char cert [PATH_MAX];               //  --cert: secret certificate, or ""
    char trust [PATH_MAX];              //  --trust: public certs folder, or ""
    bool resume;                        //  --resume: restart after a crash
    bool quiet;                         //  --quiet: no progress on stderr
    char cluster [PATH_MAX];            //  --cluster FILE, or ""
} lc_config_t;

//  Every setting, in the order the error messages list them
typedef enum {
    LC_SETTING_ID,
    LC_SETTING_CLUSTER,
    LC_SETTING_DURATION,
    LC_SETTING_SPEED,
    LC_SETTING_ROLL,
    LC_SETTING_ENDPOINT,
    LC_SETTING_BIND,
    LC_SETTING_PEER,
    LC_SETTING_RATE,
    LC_SETTING_SEED,
    LC_SETTING_HOST,
    LC_SETTING_LOG_DIR,
    LC_SETTING_START_TIMEOUT,
    LC_SETTING_CERT,
    LC_SETTING_TRUST,
    LC_SETTING_RESUME,
    LC_SETTING_QUIET,
    LC_SETTING_RUN_NONCE,
    LC_SETTING_HELP,
    LC_SETTING_COUNT                    //  number of settings
} lc_setting_t;

//  Where a setting may be given, as bits
#define LC_SCOPE_COMMAND_LINE   (1u << 0)   //  --NAME
#define LC_SCOPE_CLUSTER        (1u << 1)   //  NAME = in the cluster section
#define LC_SCOPE_MACHINE        (1u << 2)   //  NAME = in a machine section

//  One row of the table
typedef struct {
    const char *name;                   //  option name without "--", and key
    lc_kind_t kind;                     //  its value
    unsigned scope;                     //  LC_SCOPE_* bits
    const char *run_wide;               //  with --cluster it comes from the
                                        //  file only: what it sets, else NULL
    bool has_default;                   //  a default applies without it
    lc_value_t fallback;                //  that default
    size_t field;                       //  offset of the lc_config_t field
                                        //  it sets, or LC_SETTING_NO_FIELD
    size_t size;                        //  bytes of that field
    size_t field2;                      //  RATE: the field of MAX; SEED: the
                                        //  bool set when given, if not
                                        //  LC_SETTING_NO_FIELD; else unused
} lc_setting_info_t;

#define LC_SETTING_NO_FIELD     ((size_t) -1)

//  The row of a setting
const lc_setting_info_t *
    lc_setting_info (lc_setting_t setting);

//  The setting called name among those allowed in scope, or -1
int
    lc_setting_find (const char *name, unsigned scope);

//  The names of the settings allowed in scope, in table order, then last
//  (if not NULL), joined as "a, b or c" into buffer
void
    lc_setting_names (unsigned scope, const char *last, char *buffer, size_t size);

//  What one source said
typedef struct {
    unsigned given;                     //  bit (1 << lc_setting_t) per setting
    lc_value_t values [LC_SETTING_COUNT];   //  the value of each one given
} lc_layer_t;

//  The layer of defaults: every setting that has one
void
    lc_layer_defaults (lc_layer_t *self);

//  True if the layer gives this setting
bool
    lc_layer_has (const lc_layer_t *self, lc_setting_t setting);

//  The setting's value in this layer, else its default, else NULL
const lc_value_t *
    lc_layer_value (const lc_layer_t *self, lc_setting_t setting);

//  Checks text as the value of setting, written as name (`--seed` or
//  `seed`), and keeps it. A second value is refused, except for a flag or
//  a peer (the caller keeps every peer). Returns 0, or -1 after one line
//  on stderr.
int
    lc_layer_read (lc_layer_t *self, lc_setting_t setting, const lc_where_t *where,
                   const char *name, const char *text);

//  Sets every field of config that this layer gives; text is copied
void
    lc_layer_apply (const lc_layer_t *self, lc_config_t *config);

#endif
