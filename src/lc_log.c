/*  lc_log.c - the CSV event log writer and reader.

    The one place that knows the format (docs/log-format.md). A header line,
    then one row per event in the order events happened:

        time,machine,event,tick,clock,queue,peer,msg,msg_clock
        1764090123.456789,2,start,0,0,0,1;3,,
        1764090123.956850,2,send,2,2,0,1;3,2:1,2
        1764090124.206840,2,recv,3,5,1,3,3:1,4

    time        wall seconds since the epoch, exactly 6 decimals
    machine     this machine's id, 1..65535
    event       start, send, recv, internal, unread, unacked, stop
    tick        tick of the event (start: 0, or the last tick before a
                resume; unread/unacked/stop: the last tick)
    clock       Lamport clock after the event
    queue       receive-buffer length after the event
    peer        start: all peer ids; send: recipients it was queued for
                (may be empty when every send failed); recv/unread: the
                sender; unacked: the recipient that never acknowledged it
                as logged. Ids ascending, joined by ';'
    msg         send/recv/unread/unacked: SENDER:SEQ; empty otherwise
    msg_clock   send/unacked: the clock carried; recv/unread: the clock the
                message carried; empty otherwise

    No field contains a comma or a quote. Each row is written with a single
    write(2) so that a crash loses at most the row being formed; a write
    that fails halfway is cut back to the row before, so a full disk
    leaves no torn row. A writer can buffer rows instead
    (lc_log_set_buffer): the simulator, which writes millions of rows and
    has no crash to survive, and the machine, which writes the rows of one
    handler call at once, before any message leaves.
*/
#include "lc_log.h"
#include "lc_alloc.h"
#include "lc_file.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define S_READ_BUFFER   (1 << 16)   //  reader buffer; a row (LC_ROW_MAX) is
                                    //  far smaller, and the analyzer keeps
                                    //  one reader per machine open

//  Names with their lengths: the reader matches one against every row
#define S_EVENT(name)   { name, sizeof name - 1 }
static const struct {
    const char *name;           //  as written in the event column
    size_t length;              //  strlen (name)
} s_events [LC_EV_COUNT] = {
    S_EVENT ("start"), S_EVENT ("send"), S_EVENT ("recv"),
    S_EVENT ("internal"), S_EVENT ("unread"), S_EVENT ("stop"),
    S_EVENT ("unacked")
};

const char *
lc_event_name (lc_event_t event)
{
    if ((int) event < 0 || event >= LC_EV_COUNT)
        return NULL;
    return s_events [event].name;
}

//  --------------------------------------------------------------------------
//  Formatting

static char *
s_put_uint (char *out, uint64_t value)
{
    char digits [24];
    int len = 0;
    do {
        digits [len++] = (char) ('0' + value % 10);
        value /= 10;
    } while (value);
    while (len)
        *out++ = digits [--len];
    return out;
}

int
lc_row_format (const lc_row_t *row, char *buf, size_t size)
{
    const char *name = lc_event_name (row->event);
    if (!name || row->time_us < 0 || size < 128 + row->peer_count * 6)
        return -1;
    char *out = buf;
    out = s_put_uint (out, (uint64_t) row->time_us / 1000000);
    *out++ = '.';
    uint64_t micro = (uint64_t) row->time_us % 1000000;
    for (int64_t div = 100000; div; div /= 10)
        *out++ = (char) ('0' + (micro / div) % 10);
    *out++ = ',';
    out = s_put_uint (out, row->machine);
    *out++ = ',';
    size_t name_len = strlen (name);
    memcpy (out, name, name_len);
    out += name_len;
    *out++ = ',';
    out = s_put_uint (out, row->tick);
    *out++ = ',';
    out = s_put_uint (out, row->clock);
    *out++ = ',';
    out = s_put_uint (out, row->queue);
    *out++ = ',';
    for (size_t i = 0; i < row->peer_count; i++) {
        if (i)
            *out++ = ';';
        out = s_put_uint (out, row->peers [i]);
    }
    *out++ = ',';
    if (row->has_msg) {
        out = s_put_uint (out, row->msg_sender);
        *out++ = ':';
        out = s_put_uint (out, row->msg_seq);
    }
    *out++ = ',';
    if (row->has_msg)
        out = s_put_uint (out, row->msg_clock);
    *out++ = '\n';
    return (int) (out - buf);
}

//  --------------------------------------------------------------------------
//  Parsing: a cursor over one line, one column at a time

typedef struct {
    const char *pos;            //  next byte to read
    const char *end;            //  end of the line (newline excluded)
} s_cursor_t;

//  Reads an unsigned decimal ending at stop (',' ';' ':' '.' or end of
//  line). Empty, non-digit or overflowing text is an error.
static int
s_get_uint (s_cursor_t *cur, char stop, uint64_t max, uint64_t *value)
{
    const char *p = cur->pos;
    uint64_t result = 0;
    if (p >= cur->end || *p < '0' || *p > '9')
        return -1;
    while (p < cur->end && *p >= '0' && *p <= '9') {
        uint64_t digit = (uint64_t) (*p - '0');
        if (result > (max - digit) / 10)
            return -1;
        result = result * 10 + digit;
        p++;
    }
    if (stop == 0) {
        if (p != cur->end)
            return -1;
    }
    else
    if (p >= cur->end || *p != stop)
        return -1;
    else
        p++;
    cur->pos = p;
    *value = result;
    return 0;
}

//  True if the column at the cursor is empty; skips its comma (or, for the
//  last column, requires the end of line).
static bool
s_empty (s_cursor_t *cur, bool last)
{
    if (last)
        return cur->pos == cur->end;
    if (cur->pos < cur->end && *cur->pos == ',') {
        cur->pos++;
        return true;
    }
    return false;
}

static int
s_get_time (s_cursor_t *cur, int64_t *time_us)
{
    uint64_t seconds, micro;
    const char *frac;
    if (s_get_uint (cur, '.', INT64_MAX / 1000000 - 1, &seconds))
        return -1;
    frac = cur->pos;
    if (s_get_uint (cur, ',', 999999, &micro) || cur->pos - frac != 7)
        return -1;
    *time_us = (int64_t) (seconds * 1000000 + micro);
    return 0;
}

static int
s_get_event (s_cursor_t *cur, lc_event_t *event)
{
    const char *comma = memchr (cur->pos, ',', (size_t) (cur->end - cur->pos));
    if (!comma)
        return -1;
    size_t len = (size_t) (comma - cur->pos);
    for (int i = 0; i < LC_EV_COUNT; i++)
        if (s_events [i].length == len
        &&  memcmp (s_events [i].name, cur->pos, len) == 0) {
            *event = (lc_event_t) i;
            cur->pos = comma + 1;
            return 0;
        }
    return -1;
}

//  Peer list: empty, or ids joined by ';', strictly ascending.
static int
s_get_peers (s_cursor_t *cur, lc_row_t *row)
{
    row->peer_count = 0;
    if (s_empty (cur, false))
        return 0;
    while (true) {
        uint64_t id;
        const char *p = cur->pos;
        while (p < cur->end && *p >= '0' && *p <= '9')
            p++;
        char stop = (p < cur->end && *p == ';') ? ';' : ',';
        if (row->peer_count == LC_PEERS_MAX
        ||  s_get_uint (cur, stop, LC_ID_MAX, &id) || id < LC_ID_MIN
        ||  (row->peer_count && id <= row->peers [row->peer_count - 1]))
            return -1;
        row->peers [row->peer_count++] = (uint16_t) id;
        if (stop == ',')
            return 0;
    }
}

int
lc_row_parse (const char *line, size_t length, lc_row_t *row,
              const char **error)
{
    s_cursor_t cur = { line, line + length };
    if (length && line [length - 1] == '\n')
        cur.end--;
    if (cur.end > line && cur.end [-1] == '\r')
        cur.end--;
    uint64_t value;
    *error = "time: expected seconds with 6 decimals";
    if (s_get_time (&cur, &row->time_us))
        return -1;
    *error = "machine: expected an id 1..65535";
    if (s_get_uint (&cur, ',', LC_ID_MAX, &value) || value < LC_ID_MIN)
        return -1;
    row->machine = (uint32_t) value;
    *error = "event: expected start, send, recv, internal, unread, unacked or stop";
    if (s_get_event (&cur, &row->event))
        return -1;
    *error = "tick: expected a whole number";
    if (s_get_uint (&cur, ',', UINT64_MAX, &row->tick))
        return -1;
    *error = "clock: expected a whole number";
    if (s_get_uint (&cur, ',', LC_CLOCK_MAX, &row->clock))
        return -1;
    *error = "queue: expected a whole number";
    if (s_get_uint (&cur, ',', UINT64_MAX, &row->queue))
        return -1;
    *error = "peer: expected ascending ids joined by ';'";
    if (s_get_peers (&cur, row))
        return -1;

    lc_event_t ev = row->event;
    bool with_msg = ev == LC_EV_SEND || ev == LC_EV_RECV || ev == LC_EV_UNREAD
                 || ev == LC_EV_UNACKED;
    row->has_msg = with_msg;
    if (!with_msg) {
        *error = "msg: must be empty for this event";
        if (!s_empty (&cur, false))
            return -1;
        *error = "msg_clock: must be empty for this event";
        if (!s_empty (&cur, true))
            return -1;
        row->msg_sender = 0;
        row->msg_seq = 0;
        row->msg_clock = 0;
        *error = "peer: must be empty for this event";
        if (ev != LC_EV_START && row->peer_count)
            return -1;
        return 0;
    }
    *error = "msg: expected SENDER:SEQ";
    if (s_get_uint (&cur, ':', LC_ID_MAX, &value) || value < LC_ID_MIN)
        return -1;
    row->msg_sender = (uint32_t) value;
    if (s_get_uint (&cur, ',', UINT64_MAX, &row->msg_seq) || row->msg_seq == 0)
        return -1;
    *error = "msg_clock: expected a whole number";
    if (s_get_uint (&cur, 0, LC_CLOCK_MAX, &row->msg_clock))
        return -1;
    if (ev == LC_EV_SEND || ev == LC_EV_UNACKED) {
        *error = "msg: a send's or unacked's id must name this machine";
        if (row->msg_sender != row->machine)
            return -1;
        *error = "peer: unacked must name exactly one recipient";
        if (ev == LC_EV_UNACKED && row->peer_count != 1)
            return -1;
    }
    else {
        *error = "peer: recv/unread must name exactly the message's sender";
        if (row->peer_count != 1 || row->peers [0] != row->msg_sender)
            return -1;
    }
    return 0;
}

//  --------------------------------------------------------------------------
//  Writer

struct _lc_log_t {
    int fd;                     //  the log file, opened for append
    char *buf;                  //  buffered rows (lc_log_set_buffer), or NULL
    size_t size;                //  bytes of buf
    size_t fill;                //  bytes of rows waiting in buf
};

lc_log_t *
lc_log_open (const char *path, bool exclusive)
{
    int flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC;
    if (exclusive)
        flags |= O_EXCL;
    int fd = open (path, flags, 0644);
    if (fd < 0)
        return NULL;
    if (exclusive) {
        const char header [] = LC_LOG_HEADER "\n";
        if (write (fd, header, sizeof header - 1) != (ssize_t) sizeof header - 1) {
            int saved = errno;
            close (fd);
            unlink (path);
            errno = saved ? saved : EIO;
            return NULL;
        }
    }
    lc_log_t *self = lc_calloc (1, sizeof *self);
    self->fd = fd;
    return self;
}

void
lc_log_set_buffer (lc_log_t *self, size_t size)
{
    assert (self && !self->buf);
    self->size = size < LC_ROW_MAX ? LC_ROW_MAX : size;
    self->buf = lc_malloc (self->size);
}

//  All of length bytes, or -1 (errno set) with nothing of them left in
//  the file: what a full disk let through is cut back off, so that the log
//  ends with a whole row (if even that fails, the reader reports the torn
//  last line)
static int
s_write_all (int fd, const char *data, size_t length)
{
    size_t done = 0;
    while (done < length) {
        ssize_t rc = write (fd, data + done, length - done);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc <= 0) {
            int saved = rc == 0 ? EIO : errno;
            off_t end = lseek (fd, 0, SEEK_END);
            if (done > 0 && end >= (off_t) done) {
                int cut = ftruncate (fd, end - (off_t) done);
                (void) cut;
            }
            errno = saved;
            return -1;
        }
        done += (size_t) rc;
    }
    return 0;
}

int
lc_log_flush (lc_log_t *self)
{
    size_t fill = self->fill;
    self->fill = 0;
    return fill ? s_write_all (self->fd, self->buf, fill) : 0;
}

int
lc_log_write (lc_log_t *self, const lc_row_t *row)
{
    if (!self->buf) {
        char buf [LC_ROW_MAX];
        int len = lc_row_format (row, buf, sizeof buf);
        if (len < 0) {
            errno = EINVAL;
            return -1;
        }
        return s_write_all (self->fd, buf, (size_t) len);
    }
    if (self->size - self->fill < LC_ROW_MAX && lc_log_flush (self))
        return -1;
    int len = lc_row_format (row, self->buf + self->fill, self->size - self->fill);
    if (len < 0) {
        errno = EINVAL;
        return -1;
    }
    self->fill += (size_t) len;
    return 0;
}

void
lc_log_destroy (lc_log_t **self_p)
{
    if (self_p && *self_p) {
        lc_log_t *self = *self_p;
        if (self->buf)
            lc_log_flush (self);
        close (self->fd);
        free (self->buf);
        free (self);
        *self_p = NULL;
    }
}

//  --------------------------------------------------------------------------
//  Reader

struct _lc_reader_t {
    int fd;                     //  the log file
    char *buf;                  //  read buffer
    size_t start;               //  first unparsed byte in buf
    size_t fill;                //  bytes in buf
    bool eof;                   //  read(2) returned 0
    bool skipping;              //  dropping the rest of an overlong line
    size_t line;                //  line number of the last line returned
    const char *error;          //  why the last call returned -1
};

lc_reader_t *
lc_reader_open (const char *path)
{
    const char *why;
    int fd = lc_file_open_regular (path, NULL, &why);
    return fd < 0 ? NULL : lc_reader_new (fd);
}

lc_reader_t *
lc_reader_new (int fd)
{
    lc_reader_t *self = lc_calloc (1, sizeof *self);
    self->buf = lc_malloc (S_READ_BUFFER);
    self->fd = fd;
    return self;
}

//  Returns the next line (without newline) and its length, or NULL at end
//  of file. A last line without newline is returned as it is; a line that
//  fills the buffer is returned cut, as one line, and the rest dropped.
static const char *
s_next_line (lc_reader_t *self, size_t *length)
{
    while (true) {
        char *base = self->buf + self->start;
        size_t avail = self->fill - self->start;
        char *nl = memchr (base, '\n', avail);
        if (self->skipping) {
            self->start = nl ? self->start + (size_t) (nl - base) + 1 : self->fill;
            self->skipping = !nl;
            if (nl)
                continue;
            base = self->buf + self->start;
            avail = 0;
        }
        if (nl) {
            *length = (size_t) (nl - base);
            self->start += *length + 1;
            return base;
        }
        if (self->eof) {
            if (avail == 0)
                return NULL;
            *length = avail;
            self->start = self->fill;
            return base;
        }
        if (avail == S_READ_BUFFER) {
            //  A line as long as the buffer is never a row
            *length = avail;
            self->start = self->fill;
            self->skipping = true;
            return base;
        }
        memmove (self->buf, base, avail);
        self->start = 0;
        self->fill = avail;
        ssize_t rc = read (self->fd, self->buf + self->fill, S_READ_BUFFER - self->fill);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0)
            return NULL;
        if (rc == 0)
            self->eof = true;
        self->fill += (size_t) rc;
    }
}

int
lc_reader_next (lc_reader_t *self, lc_row_t *row)
{
    size_t length;
    const char *line = s_next_line (self, &length);
    if (!line) {
        if (!self->eof) {
            self->error = "read error";
            return -2;
        }
        return 0;
    }
    self->line++;
    if (self->line == 1) {
        if (length == strlen (LC_LOG_HEADER)
        &&  memcmp (line, LC_LOG_HEADER, length) == 0)
            return lc_reader_next (self, row);
        self->error = "header: expected " LC_LOG_HEADER;
        return -1;
    }
    if (lc_row_parse (line, length, row, &self->error))
        return -1;
    return 1;
}

size_t
lc_reader_line (lc_reader_t *self)
{
    return self->line;
}

const char *
lc_reader_error (lc_reader_t *self)
{
    return self->error;
}

void
lc_reader_destroy (lc_reader_t **self_p)
{
    if (self_p && *self_p) {
        close ((*self_p)->fd);
        free ((*self_p)->buf);
        free (*self_p);
        *self_p = NULL;
    }
}
