/*  lc_summary.h - the machine summary, machine-ID.json: one struct, one
    writer, one reader.

    The format is documented once, at the top of src/lc_summary.c, and
    mirrored in docs/log-format.md. `lclock machine` writes it (at start
    and at stop) and reads it back on --resume; `lclock analyze` reads it.
*/
#ifndef LC_SUMMARY_H_INCLUDED
#define LC_SUMMARY_H_INCLUDED

#include "lclock.h"
#include <limits.h>

#define LC_SUMMARY_VERSION_MAX  32      //  bytes of `version`, NUL included
#define LC_SUMMARY_FILE_MAX     (1 << 20)   //  bytes of a summary we read:
                                        //  1023 peers with the longest
                                        //  endpoints take about 300 KiB
#define LC_SUMMARY_ERROR_MAX    (PATH_MAX + 256)    //  bytes of an error text

//  Why a machine stopped (`stop_reason`); LC_STOP_NONE is JSON null: the
//  summary written at start, or a machine that crashed after it
typedef enum {
    LC_STOP_NONE = 0,           //  not stopped (null)
    LC_STOP_DURATION,           //  ran to the end
    LC_STOP_SIGNAL,             //  SIGINT or SIGTERM
    LC_STOP_ERROR,              //  a runtime failure
    LC_STOP_START_TIMEOUT,      //  a peer never appeared
    LC_STOP_COUNT               //  number of values
} lc_stop_reason_t;

typedef struct {
    uint32_t id;                        //  the peer's machine id
    char endpoint [LC_ENDPOINT_MAX];    //  where this machine sent to it
} lc_summary_peer_t;

typedef struct {
    uint32_t machine;           //  this machine's id
    char version [LC_SUMMARY_VERSION_MAX];  //  lclock version that wrote it
    uint64_t run_id;            //  hash of the run settings (16 hex digits)
    uint32_t rate;              //  ticks per model second
    double speed;               //  model seconds per wall second
    double duration;            //  model seconds of the run
    uint32_t roll;              //  K of the 1..K roll
    uint64_t seed;              //  the run seed, 0..LC_SEED_MAX
    char bind [LC_ENDPOINT_MAX];    //  endpoint the PULL socket bound
    size_t peer_count;          //  entries of peers
    lc_summary_peer_t *peers;   //  ascending by id; owned (lc_summary_reset)
    bool curve;                 //  links authenticated with CURVE
    bool started;               //  start_time is not null
    int64_t start_us;           //  wall time of the first start row, us
    lc_stop_reason_t stop_reason;   //  LC_STOP_NONE until the stop
    int64_t stop_us;            //  wall time of the stop row (when stopped)
    uint64_t restarts;          //  --resume count
    uint64_t ticks;             //  ticks done
    uint64_t late_ticks;        //  ticks run more than 1 ms after due
    double max_lateness_ms;     //  worst lateness, wall ms
    uint64_t sent;              //  messages queued, one per recipient
    uint64_t send_failed;       //  messages not queued
    uint64_t received;          //  recv rows
    uint64_t unread;            //  unread rows
    uint64_t unacked;           //  unacked rows
    uint64_t retransmitted;     //  messages sent again
    uint64_t duplicates;        //  messages taken in twice, dropped
    uint64_t rejected;          //  delivered messages that failed validation
    uint64_t bad_connections;   //  connections ZeroMQ dropped by itself
    uint64_t untrusted;         //  failed CURVE handshakes
    uint64_t final_clock;       //  Lamport clock at the end
} lc_summary_t;

//  `stop_reason` as written ("duration"), NULL for LC_STOP_NONE.
const char *
    lc_stop_reason_name (lc_stop_reason_t reason);

//  Writes path whole or not at all (lc_file_write_whole: a
//  new temporary file beside it, renamed over it, removed on failure).
//  Returns 0, or -1 with error (size bytes) naming the file and what went
//  wrong.
int
    lc_summary_write (const lc_summary_t *self, const char *path,
                      char *error, size_t size);

//  Reads path (a regular file) into *self, which the caller then frees
//  with lc_summary_reset. Strict: a missing key, a wrong type or a value
//  out of range is an error. Returns 0, or -1 with *self reset and error
//  naming the file and the key.
int
    lc_summary_read (lc_summary_t *self, const char *path,
                     char *error, size_t size);

//  Frees the peers and zeroes *self.
void
    lc_summary_reset (lc_summary_t *self);

#endif
