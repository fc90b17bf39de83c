/*  lc_result.h - the result of one analyzed run as one value: the content
    of summary.json.

    `lclock analyze` computes it once from the checks and the figures
    (lc_report_result), writes it as summary.json (lc_result_json), and
    renders the same value as the stdout table and report.md. `lclock
    compare` reads it back from each run's summary.json (lc_result_load).
    This module alone writes and reads summary.json; docs/analysis.md
    lists its keys.
*/
#ifndef LC_RESULT_H_INCLUDED
#define LC_RESULT_H_INCLUDED

#include "lclock.h"
#include "lc_stats.h"
#include "lc_runinfo.h"

#include <jansson.h>

#define LC_RESULT_FILE      "summary.json"

//  A failed check, as listed
typedef struct {
    int rule;                   //  1..LC_RULES
    uint32_t machine;           //  machine id
    uint64_t row;               //  line of its log, 0 when no single row
    char *text;                 //  what is wrong
} lc_result_failure_t;

//  One machine: its figures and what its summary and the checks say
typedef struct {
    lc_figures_t fig;           //  figures (fig.machine, fig.rate included)
    uint64_t seed;              //  its seed: machines given none draw their own
    char *stop_reason;          //  "duration", ..., or NULL (none)
    uint64_t restarts;          //  --resume count
    bool crashed;               //  log without stop, restarted
    uint64_t undelivered;       //  messages to it, unacked: it crashed
    uint64_t cut_off;           //  messages to it, unacked: it had left or
                                //  was cut off
    uint64_t late_acks;         //  messages it logged that their sender
                                //  still listed unacked
    uint64_t lost_with_crash;   //  messages from it lost with its crash
    uint64_t sent;              //  its summary's counters, as it says
    uint64_t send_failed;
    uint64_t unacked;
    uint64_t retransmitted;
    uint64_t duplicates;
    uint64_t rejected;
    uint64_t bad_connections;
    uint64_t untrusted;
} lc_result_machine_t;

typedef struct {
    char *version;              //  lclock version of the analyzer
    char *dir;                  //  the run directory as given
    uint64_t rows;              //  good rows read
    double speed;               //  model seconds per wall second
    double duration;            //  model seconds
    uint32_t roll;              //  K of the roll
    uint64_t seed;              //  the run seed
    char *run_id;               //  the run id of the first machine
    double start_time;          //  epoch seconds of the first row
    double end_time;            //  epoch seconds of the last row
    double start_spread_ms;     //  spread of the first start rows
    double window_from;         //  space-time window, model seconds
    double window_to;
    bool checks_ok;             //  every check holds
    uint64_t failures;          //  failures in total
    uint64_t rule_failures [LC_RULES];  //  failures of rule 1..LC_RULES
    lc_result_failure_t *listed;    //  failures listed (at most
    size_t listed_count;            //  LC_FAILURES_KEPT)
    bool truncated;             //  more failures than listed
    lc_result_machine_t *machines;  //  by id
    size_t count;               //  machines
    lc_figures_t totals;        //  figures of the whole run
    uint64_t undelivered;       //  messages never logged by their
                                //  recipient: undelivered, cut off and
                                //  lost with a crash
    bool plots_drawn;           //  the plots were drawn
    char *plots_note;           //  why not, or NULL
    char **plot_files;          //  files drawn
    size_t plot_file_count;
    char *shiviz;               //  the ShiViz file, or NULL
    lc_runinfo_t *requested;    //  run.json, or NULL
} lc_result_t;

//  Frees everything; sets *self_p to NULL. Safe twice.
void
    lc_result_destroy (lc_result_t **self_p);

//  The result as summary.json (the caller's to json_decref).
json_t *
    lc_result_json (const lc_result_t *self);

//  Reads a summary.json object back, strictly (as lc_runinfo_from_json):
//  errors are `PROGRAM: WHERE: KEY: ...` on stderr. Returns a new result,
//  or NULL after that line.
lc_result_t *
    lc_result_from_json (json_t *object, const char *where, const char *program);

//  Reads DIR/summary.json. Returns 0 with *self_p set; 1 when DIR has none
//  (nothing said: not analyzed); -1 after one line on stderr.
int
    lc_result_load (const char *dir, const char *program, lc_result_t **self_p);

//  Writes json to path (indented, keys sorted). Returns 0, or -1 with
//  errno set.
int
    lc_result_dump (json_t *json, const char *path);

//  The spread of the machines' final clocks: highest minus lowest.
uint64_t
    lc_result_clock_spread (const lc_result_t *self);

#endif
