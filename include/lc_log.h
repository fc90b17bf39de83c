/*  lc_log.h - the CSV event log: one row struct, a writer and a reader.

    The format (docs/log-format.md) is documented once, at the top of
    src/lc_log.c, and mirrored in docs/log-format.md.
*/
#ifndef LC_LOG_H_INCLUDED
#define LC_LOG_H_INCLUDED

#include "lclock.h"

typedef enum {
    LC_EV_START = 0,
    LC_EV_SEND,
    LC_EV_RECV,
    LC_EV_INTERNAL,
    LC_EV_UNREAD,
    LC_EV_STOP,
    LC_EV_UNACKED,
    LC_EV_COUNT                 //  number of event kinds
} lc_event_t;

#define LC_LOG_HEADER   "time,machine,event,tick,clock,queue,peer,msg,msg_clock"
#define LC_ROW_MAX      (64 + LC_PEERS_MAX * 6 + 64)    //  bytes of one row

typedef struct {
    int64_t time_us;            //  wall time, microseconds since the epoch
    uint32_t machine;           //  this machine's id
    lc_event_t event;           //  what happened
    uint64_t tick;              //  tick the event happened in
    uint64_t clock;             //  Lamport clock after the event
    uint64_t queue;             //  receive-buffer length after the event
    size_t peer_count;          //  number of ids in peers
    uint16_t peers [LC_PEERS_MAX];  //  ascending ids (start, send, recv,
                                    //  unread, unacked)
    bool has_msg;               //  msg and msg_clock present
    uint32_t msg_sender;        //  message id SENDER:SEQ, sender part
    uint64_t msg_seq;           //  message id, sequence part
    uint64_t msg_clock;         //  clock the message carried
} lc_row_t;

//  Name of an event kind ("send"), or NULL for an invalid value.
const char *
    lc_event_name (lc_event_t event);

//  Formats one row, newline included, into buf. Returns its length, or -1
//  if buf is too small.
int
    lc_row_format (const lc_row_t *row, char *buf, size_t size);

//  Parses one line (without or with its trailing newline; it is not
//  modified). Returns 0, or -1 with *error set to a static text naming the
//  column that is wrong.
int
    lc_row_parse (const char *line, size_t length, lc_row_t *row,
                  const char **error);

//  Writer: opens path for appending. With exclusive, the file must not
//  exist (errno EEXIST otherwise) and the header is written first.
//  Each row is one write(2): a row is on disk as soon as lc_log_write
//  returns 0 (-1: errno set, the row is not written).
typedef struct _lc_log_t lc_log_t;

lc_log_t *
    lc_log_open (const char *path, bool exclusive);
int
    lc_log_write (lc_log_t *self, const lc_row_t *row);
//  Buffered instead (`lclock simulate`; a machine, which flushes before
//  any message leaves, after every tick and at the end of every handler
//  call, so that a crash loses at most the current tick's rows): rows collect in size
//  bytes (at least LC_ROW_MAX) and go out in one write(2) when the next
//  row might not fit, at lc_log_flush and at lc_log_destroy. lc_log_write
//  then fails only when a flush does. Call once, before the first row.
void
    lc_log_set_buffer (lc_log_t *self, size_t size);
//  Writes out the buffered rows. Returns 0, or -1 (errno set; the
//  buffered rows are dropped).
int
    lc_log_flush (lc_log_t *self);
//  Closes the file; buffered rows are written first, without a word if
//  that fails: call lc_log_flush before to know.
void
    lc_log_destroy (lc_log_t **self_p);

//  Reader: streams rows from a file with a large buffer.
typedef struct _lc_reader_t lc_reader_t;

//  Returns NULL (errno set) if the file cannot be opened or is not a
//  regular file (EINVAL: a FIFO, a device, a directory).
lc_reader_t *
    lc_reader_open (const char *path);
//  A reader of fd, which it then owns (closed even when NULL is returned).
lc_reader_t *
    lc_reader_new (int fd);
//  Returns 1 with *row filled, 0 at end of file, -1 on a malformed row (the
//  line number and reason via lc_reader_line and lc_reader_error; reading
//  may go on after it), -2 on a read error (errno set; stop reading).
int
    lc_reader_next (lc_reader_t *self, lc_row_t *row);
//  1-based line number of the row last returned (the header is line 1).
size_t
    lc_reader_line (lc_reader_t *self);
//  Why the last call returned -1.
const char *
    lc_reader_error (lc_reader_t *self);
void
    lc_reader_destroy (lc_reader_t **self_p);

#endif
