/*  lc_resume.h - what a machine restarted with --resume takes back from its
    own event log (docs/cli.md, "--resume").
*/
#ifndef LC_RESUME_H_INCLUDED
#define LC_RESUME_H_INCLUDED

#include "lclock.h"
#include "lc_delivery.h"

#define LC_RESUME_ERROR_MAX (PATH_MAX + 200)    //  bytes of an error text

typedef struct {
    int64_t t0_wall_us;         //  wall time of the first start row
    uint64_t tick;              //  tick of the last row
    uint64_t clock;             //  clock of the last row
    uint64_t seq;               //  highest send sequence number
    uint64_t sent;              //  messages queued (send rows' recipients)
    uint64_t received;          //  recv rows
    bool torn;                  //  a last line cut short was removed
    size_t torn_bytes;          //  its length
} lc_resume_t;

//  Reads the log at path. A last line cut short by the crash (never a row:
//  rows are written whole) is removed from the file first. Rebuilds both
//  sides of delivery (peers: count ids, ascending, the indexes of
//  delivery): what each peer sent that was logged, and what was sent to
//  each. Returns 0, or -1 with error naming the file: it cannot be read, a
//  row is malformed, it has no row, or it ends with a stop row (the
//  machine finished).
int
    lc_resume_read (const char *path, lc_resume_t *resume, lc_delivery_t *delivery,
                    const uint32_t *peers, size_t count, char *error, size_t size);

#endif
