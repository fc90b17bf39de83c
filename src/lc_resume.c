/*  lc_resume.c - a machine's state back from its own log, for --resume.
*/
#include "lc_resume.h"
#include "lc_alloc.h"
#include "lc_log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int
s_compare (const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;
    return x < y ? -1 : x > y;
}

//  Removes a last line without its newline. Returns 0, or -1 (errno set).
static int
s_cut_torn_line (const char *path, lc_resume_t *resume)
{
    FILE *file = fopen (path, "r");
    if (!file)
        return -1;
    fseek (file, 0, SEEK_END);
    long size = ftell (file);
    long keep = size;
    while (keep > 0) {
        fseek (file, keep - 1, SEEK_SET);
        if (fgetc (file) == '\n')
            break;
        keep--;
    }
    fclose (file);
    if (keep == size)
        return 0;
    resume->torn = true;
    resume->torn_bytes = (size_t) (size - keep);
    return truncate (path, keep);
}

//  Index of id among count ascending peers, or -1
static int
s_index (const uint32_t *peers, size_t count, uint32_t id)
{
    const uint32_t *found = bsearch (&id, peers, count, sizeof *peers, s_compare);
    return found ? (int) (found - peers) : -1;
}

//  What a row tells delivery: a recv row logged a peer's message; a send
//  row sent one to each peer it names
static void
s_restore (const lc_row_t *row, lc_delivery_t *delivery, const uint32_t *peers,
           size_t count)
{
    if (row->event == LC_EV_RECV) {
        int idx = s_index (peers, count, row->msg_sender);
        if (idx >= 0)
            lc_delivery_restore_logged (delivery, (size_t) idx, row->msg_seq);
    }
    if (row->event == LC_EV_SEND)
        for (size_t i = 0; i < row->peer_count; i++) {
            int idx = s_index (peers, count, row->peers [i]);
            if (idx >= 0)
                lc_delivery_restore_sent (delivery, (size_t) idx, row->msg_seq,
                                          row->msg_clock);
        }
}

int
lc_resume_read (const char *path, lc_resume_t *resume, lc_delivery_t *delivery,
                const uint32_t *peers, size_t count, char *error, size_t size)
{
    memset (resume, 0, sizeof *resume);
    if (s_cut_torn_line (path, resume)) {
        snprintf (error, size, "%s: %s", path, strerror (errno));
        return -1;
    }
    lc_reader_t *reader = lc_reader_open (path);
    if (!reader) {
        snprintf (error, size, "%s: %s", path, strerror (errno));
        return -1;
    }
    lc_row_t *row = lc_malloc (sizeof *row);
    int rc;
    bool started = false;
    lc_event_t last = LC_EV_COUNT;
    while ((rc = lc_reader_next (reader, row)) == 1) {
        if (!started) {
            started = true;
            resume->t0_wall_us = row->time_us;
        }
        last = row->event;
        resume->tick = row->tick;
        resume->clock = row->clock;
        if (row->event == LC_EV_SEND) {
            if (row->msg_seq > resume->seq)
                resume->seq = row->msg_seq;
            resume->sent += row->peer_count;
        }
        if (row->event == LC_EV_RECV)
            resume->received++;
        s_restore (row, delivery, peers, count);
    }
    if (rc == -1)
        snprintf (error, size, "%s: line %zu: %s", path, lc_reader_line (reader),
                  lc_reader_error (reader));
    else
    if (rc < 0)
        snprintf (error, size, "%s: %s", path, strerror (errno));
    else
    if (!started || last == LC_EV_STOP) {
        snprintf (error, size, "%s %s; nothing to resume", path,
                  started ? "ends with a stop row: the machine finished" : "has no row");
        rc = -1;
    }
    lc_reader_destroy (&reader);
    free (row);
    return rc < 0 ? -1 : 0;
}
