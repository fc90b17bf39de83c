/*  lc_bench.c - arrival times for the bench build (include/lc_bench.h).

    Compiled twice: into lclock_core without LC_BENCH_RECORD (nothing is
    recorded, lc_bench_open returns NULL), and into lclock_bench with it,
    whose own object comes before the library at link time and so
    replaces this module's empty half. The records go through stdio's
    buffer: the bench measures the machine, not this file's writes.
*/
#include "lc_bench.h"

#include <stdio.h>
#include <stdlib.h>

#ifdef LC_BENCH_RECORD

#include "lc_alloc.h"
#include "lc_schedule.h"

#include <errno.h>
#include <string.h>

struct _lc_bench_t {
    FILE *file;                 //  machine-ID.arrivals
};

lc_bench_t *
lc_bench_open (const char *log_dir, uint32_t id)
{
    char path [4096];
    snprintf (path, sizeof path, "%s/machine-%u.arrivals", log_dir, id);
    FILE *file = fopen (path, "a");
    if (!file) {
        fprintf (stderr, "lclock_bench: cannot create %s: %s\n", path, strerror (errno));
        return NULL;
    }
    lc_bench_t *self = lc_calloc (1, sizeof *self);
    self->file = file;
    return self;
}

void
lc_bench_arrival (lc_bench_t *self, uint32_t sender, uint64_t seq)
{
    if (self)
        fprintf (self->file, "%lld,%u,%llu\n", (long long) lc_wall_us (), sender,
                 (unsigned long long) seq);
}

void
lc_bench_close (lc_bench_t **self_p)
{
    if (self_p && *self_p) {
        fclose ((*self_p)->file);
        free (*self_p);
        *self_p = NULL;
    }
}

#else

lc_bench_t *
lc_bench_open (const char *log_dir, uint32_t id)
{
    (void) log_dir;
    (void) id;
    return NULL;
}

void
lc_bench_arrival (lc_bench_t *self, uint32_t sender, uint64_t seq)
{
    (void) self;
    (void) sender;
    (void) seq;
}

void
lc_bench_close (lc_bench_t **self_p)
{
    (void) self_p;
}

#endif
