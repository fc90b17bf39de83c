/*  lc_bench.h - what only the bench build records (launch/bench.sh).

    lclock_bench is lclock with src/lc_bench.c compiled with
    LC_BENCH_RECORD: it writes, beside each machine's log, the wall time at
    which every DATA message went into its receive buffer. lclock itself
    links the other half of the same file, where lc_bench_open returns
    NULL and every call does nothing, so no normal log or run carries it.
    docs/performance.md ("Message delay") says how the figure is made.
*/
#ifndef LC_BENCH_H_INCLUDED
#define LC_BENCH_H_INCLUDED

#include "lclock.h"

typedef struct _lc_bench_t lc_bench_t;

//  Opens LOG_DIR/machine-ID.arrivals for writing: one line per message
//  taken into the buffer, "ARRIVAL_US,SENDER,SEQ" (wall microseconds since
//  the epoch, as the log's time column). NULL in lclock, or if the file
//  cannot be made (said on stderr).
lc_bench_t *
    lc_bench_open (const char *log_dir, uint32_t id);
//  Records that message SENDER:SEQ went into the buffer now (self may be
//  NULL: nothing is recorded).
void
    lc_bench_arrival (lc_bench_t *self, uint32_t sender, uint64_t seq);
//  Writes out what is buffered and closes; safe with NULL.
void
    lc_bench_close (lc_bench_t **self_p);

#endif
