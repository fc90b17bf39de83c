/*  lc_runinfo.h - run.json: what a run was asked to be.

    Every launcher (run3.sh, runlan.sh, study.sh through run3.sh, and
    `lclock simulate`) writes run.json into the run directory: the
    requested settings, which the machines' own summaries cannot tell
    (a drawn rate 4 does not say whether `--rate 4` or `--rate 3-4` was
    asked for). This module alone writes and reads the file;
    docs/log-format.md lists its keys. `lclock runinfo` is the shell
    launchers' way to write it.
*/
#ifndef LC_RUNINFO_H_INCLUDED
#define LC_RUNINFO_H_INCLUDED

#include "lclock.h"
#include <jansson.h>

#define LC_RUNINFO_FILE     "run.json"

//  Who wrote the run directory
typedef enum {
    LC_LAUNCHER_RUN3,                   //  launch/run3.sh
    LC_LAUNCHER_RUNLAN,                 //  launch/runlan.sh
    LC_LAUNCHER_STUDY,                  //  launch/study.sh (through run3.sh)
    LC_LAUNCHER_SIMULATE,               //  lclock simulate
    LC_LAUNCHER_COUNT                   //  number of launchers
} lc_launcher_t;

typedef struct {
    char *label;                        //  the run's label (a study's
                                        //  condition), or NULL
    lc_launcher_t launcher;             //  who started the run
    uint32_t machines;                  //  machines in the run
    uint32_t rate_min;                  //  the requested rate spec: the
    uint32_t rate_max;                  //  range, equal when fixed
    uint32_t *rates;                    //  fixed rate of machine 1..machines
                                        //  (machines of them), or NULL
    uint32_t roll;                      //  K of the 1..K roll
    double speed;                       //  model seconds per wall second
    double duration;                    //  model seconds
    bool has_seed;                      //  a run seed was given to every
    uint64_t seed;                      //  machine: this one
    char **hosts;                       //  the hosts the run ran on
    size_t host_count;                  //  entries of hosts
    char *command;                      //  the exact command line, shell-quoted
    char *version;                      //  lclock version that wrote it
    bool curve;                         //  CURVE on every link
    bool simulated;                     //  written by `lclock simulate`
    char *delay;                        //  its delay model, when simulated,
                                        //  else NULL
    int64_t created;                    //  epoch seconds of the writing
} lc_runinfo_t;

//  A new record: version LCLOCK_VERSION, created now, defaults of the
//  model (rate 1-6, roll 10, duration 60, speed 1), no seed, no hosts.
lc_runinfo_t *
    lc_runinfo_new (void);

//  Frees every field and the record; sets *self_p to NULL. Safe twice.
void
    lc_runinfo_destroy (lc_runinfo_t **self_p);

//  Setters that copy their text (NULL clears label, delay).
void
    lc_runinfo_set_label (lc_runinfo_t *self, const char *label);
void
    lc_runinfo_set_command (lc_runinfo_t *self, const char *command);
void
    lc_runinfo_set_delay (lc_runinfo_t *self, const char *delay);
void
    lc_runinfo_add_host (lc_runinfo_t *self, const char *host);
//  Fixed rates of machines 1..count; count must equal self->machines when
//  saved. NULL clears them.
void
    lc_runinfo_set_rates (lc_runinfo_t *self, const uint32_t *rates, size_t count);

//  P(internal event) of a roll 1..K: (K - 3) / K, 0 for K <= 3 (rolls 1,
//  2 and 3 send).
double
    lc_runinfo_p_internal (uint32_t roll);

//  The name of a launcher ("run3", ...), and back (-1 if none).
const char *
    lc_runinfo_launcher_name (lc_launcher_t launcher);
int
    lc_runinfo_launcher_parse (const char *name);

//  The record as a JSON object (the caller's to json_decref): the content
//  of run.json, also embedded in summary.json as `requested`.
json_t *
    lc_runinfo_json (const lc_runinfo_t *self);

//  Reads the object back, strictly: a missing key, a wrong type or a value
//  out of range is an error naming where (the file, and the path to the
//  object inside it) and the key, on stderr as `PROGRAM: WHERE: KEY: ...`.
//  Returns a new record, or NULL after that line.
lc_runinfo_t *
    lc_runinfo_from_json (json_t *object, const char *where, const char *program);

//  Writes DIR/run.json atomically (lc_file_write_whole's temporary file in DIR,
//  then rename).
//  Returns 0, or -1 after one line on stderr naming the file.
int
    lc_runinfo_save (const lc_runinfo_t *self, const char *dir, const char *program);

//  Reads DIR/run.json. Returns 0 with *self_p set; 1 when the directory
//  has no run.json (*self_p NULL, nothing said: a run started by hand);
//  -1 after one line on stderr naming the file and the key.
int
    lc_runinfo_load (const char *dir, const char *program, lc_runinfo_t **self_p);

//  True if label is 1..LC_LABEL_MAX of [A-Za-z0-9._-], not starting with
//  '.' or '-' (a label names directories: runs/STAMP-LABEL, a study's
//  condition folder).
bool
    lc_runinfo_label_ok (const char *label);

//  The words joined by spaces, each quoted so that a POSIX shell reads it
//  back as it is. Returns a new string, the caller's to free.
char *
    lc_runinfo_shell_join (int argc, char *argv []);

//  `lclock runinfo DIR --launcher ... -- COMMAND WORDS` (docs/cli.md).
//  Returns the exit status: 0, or 2 after one line on stderr.
int
    lc_runinfo_main (int argc, char *argv []);

#endif
