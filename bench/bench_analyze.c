/*  bench_analyze.c - how fast `lclock analyze` checks and measures a run.

    Generates a synthetic, valid run (the model of docs/model.md, simulated in
    process: exact tick times, 50 us transit, FIFO buffers, roll 10) of
    about 10 million rows over 16 machines in a temporary directory, then
    times lc_analyze_run (checks + figures, no plots, no files written)
    several times and prints the median in rows per second.

    usage: bench_analyze [ROWS [MACHINES [RUNS]]]     (default 10000000 16 5)
    The run directory is removed at the end (LC_BENCH_KEEP=1 keeps it).
    docs/performance.md records the figure.
*/
#include "lc_analyze.h"
#include "lc_log.h"
#include "lc_summary.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define S_ROWS          10000000    //  rows to generate by default
#define S_MACHINES      16          //  machines by default
#define S_RUNS          5           //  timed analyses by default
#define S_RATE_BASE     150         //  rate of machine i: base + step * (i % 4)
#define S_RATE_STEP     10
#define S_ROLL          10          //  roll K
#define S_TRANSIT_US    50          //  wall time a message travels
#define S_GRACE_US      1000000     //  stop rows this long after the end
#define S_T0_US         1764090000000000LL  //  first start, epoch us
#define S_FILE_BUFFER   (1 << 20)   //  stdio buffer per log

//  A message in a machine's FIFO (in transit or in the buffer)
typedef struct {
    int64_t arrival_us;         //  when it reaches the recipient
    uint32_t sender;            //  sender id
    uint64_t seq;               //  sender's sequence number
    uint64_t clock;             //  clock it carries
} s_message_t;

typedef struct {
    uint32_t id;                //  machine id (index + 1)
    uint32_t rate;              //  ticks per model second
    uint64_t ticks;             //  ticks to do
    uint64_t tick;              //  ticks done
    uint64_t clock;             //  Lamport clock
    uint64_t seq;               //  last sequence number
    s_message_t *fifo;          //  ring of messages to this machine
    size_t size;                //  ring slots, a power of two
    size_t head;                //  oldest message
    size_t count;               //  messages in the ring
    size_t arrived;             //  of which have arrived (the buffer)
    FILE *log;                  //  machine-ID.csv
    uint64_t rows;              //  rows written
    uint64_t sent;              //  messages queued, one per recipient
    uint64_t received;          //  recv rows
} s_machine_t;

static uint64_t s_rng = 0x9E3779B97F4A7C15ull;

static uint64_t
s_random (void)
{
    s_rng ^= s_rng << 13;
    s_rng ^= s_rng >> 7;
    s_rng ^= s_rng << 17;
    return s_rng;
}

static int64_t
s_due (const s_machine_t *m, uint64_t tick)
{
    return S_T0_US + (int64_t) (tick * 1000000 / m->rate);
}

static void
s_push (s_machine_t *m, const s_message_t *message)
{
    if (m->count == m->size) {
        size_t size = m->size ? m->size * 2 : 1024;
        s_message_t *fifo = malloc (size * sizeof *fifo);
        if (!fifo) {
            fprintf (stderr, "bench_analyze: out of memory\n");
            exit (1);
        }
        for (size_t i = 0; i < m->count; i++)
            fifo [i] = m->fifo [(m->head + i) & (m->size - 1)];
        free (m->fifo);
        m->fifo = fifo;
        m->size = size;
        m->head = 0;
    }
    m->fifo [(m->head + m->count) & (m->size - 1)] = *message;
    m->count++;
}

static void
s_write (s_machine_t *m, const lc_row_t *row)
{
    char buf [LC_ROW_MAX];
    int len = lc_row_format (row, buf, sizeof buf);
    if (len < 0 || fwrite (buf, 1, (size_t) len, m->log) != (size_t) len) {
        fprintf (stderr, "bench_analyze: cannot write a log: %s\n", strerror (errno));
        exit (1);
    }
    m->rows++;
}

//  Fills the message columns of a recv or unread row of message
static void
s_message_row (lc_row_t *row, lc_event_t event, const s_message_t *message)
{
    row->event = event;
    row->peer_count = 1;
    row->peers [0] = (uint16_t) message->sender;
    row->has_msg = true;
    row->msg_sender = message->sender;
    row->msg_seq = message->seq;
    row->msg_clock = message->clock;
}

//  One tick of machine m at time now
static void
s_tick (s_machine_t *machines, size_t count, s_machine_t *m, int64_t now)
{
    while (m->arrived < m->count
    &&     m->fifo [(m->head + m->arrived) & (m->size - 1)].arrival_us <= now)
        m->arrived++;
    m->tick++;
    lc_row_t row = { .time_us = now, .machine = m->id, .tick = m->tick };
    if (m->arrived) {
        s_message_t *message = &m->fifo [m->head];
        m->head = (m->head + 1) & (m->size - 1);
        m->count--;
        m->arrived--;
        m->clock = (message->clock > m->clock ? message->clock : m->clock) + 1;
        m->received++;
        s_message_row (&row, LC_EV_RECV, message);
        row.clock = m->clock;
        row.queue = m->arrived;
        s_write (m, &row);
        return;
    }
    uint64_t roll = 1 + s_random () % S_ROLL;
    m->clock++;
    row.clock = m->clock;
    row.queue = 0;
    if (roll > 3) {
        row.event = LC_EV_INTERNAL;
        s_write (m, &row);
        return;
    }
    row.event = LC_EV_SEND;
    row.has_msg = true;
    row.msg_sender = m->id;
    row.msg_seq = ++m->seq;
    row.msg_clock = m->clock;
    if (roll == 3) {
        for (size_t i = 0; i < count; i++)
            if (machines [i].id != m->id)
                row.peers [row.peer_count++] = (uint16_t) machines [i].id;
    }
    else {
        uint32_t peer = (uint32_t) (s_random () % (count - 1)) + 1;
        if (peer >= m->id)
            peer++;
        row.peers [row.peer_count++] = (uint16_t) peer;
    }
    s_write (m, &row);
    m->sent += row.peer_count;
    s_message_t message = { now + S_TRANSIT_US, m->id, m->seq, m->clock };
    for (size_t i = 0; i < row.peer_count; i++)
        s_push (&machines [row.peers [i] - 1], &message);
}

static void
s_summary (const char *dir, const s_machine_t *m, double duration, int64_t stop_us)
{
    char path [4096];
    snprintf (path, sizeof path, "%s/machine-%u.json", dir, m->id);
    lc_summary_t summary = {
        .machine = m->id, .run_id = 0xbe7c4, .rate = m->rate, .speed = 1,
        .duration = duration, .roll = S_ROLL, .seed = 1, .started = true,
        .start_us = S_T0_US, .stop_reason = LC_STOP_DURATION, .stop_us = stop_us,
        .ticks = m->ticks, .sent = m->sent, .received = m->received,
        .unread = m->count, .final_clock = m->clock
    };
    snprintf (summary.version, sizeof summary.version, "%s", LCLOCK_VERSION);
    snprintf (summary.bind, sizeof summary.bind, "tcp://127.0.0.1:%u", 20000 + m->id);
    char error [LC_SUMMARY_ERROR_MAX];
    if (lc_summary_write (&summary, path, error, sizeof error)) {
        fprintf (stderr, "bench_analyze: %s\n", error);
        exit (1);
    }
}

//  Writes the run; returns rows written
static uint64_t
s_generate (const char *dir, uint64_t rows, size_t count)
{
    s_machine_t *machines = calloc (count, sizeof *machines);
    uint64_t rate_sum = 0;
    for (size_t i = 0; i < count; i++)
        rate_sum += S_RATE_BASE + S_RATE_STEP * (i % 4);
    double duration = (double) (rows / rate_sum);
    for (size_t i = 0; i < count; i++) {
        s_machine_t *m = &machines [i];
        m->id = (uint32_t) i + 1;
        m->rate = S_RATE_BASE + S_RATE_STEP * (uint32_t) (i % 4);
        m->ticks = (uint64_t) m->rate * (uint64_t) duration;
        char path [4096];
        snprintf (path, sizeof path, "%s/machine-%u.csv", dir, m->id);
        m->log = fopen (path, "w");
        if (!m->log) {
            fprintf (stderr, "bench_analyze: cannot write %s\n", path);
            exit (1);
        }
        setvbuf (m->log, NULL, _IOFBF, S_FILE_BUFFER);
        fprintf (m->log, "%s\n", LC_LOG_HEADER);
        lc_row_t start = { .time_us = S_T0_US, .machine = m->id, .event = LC_EV_START };
        for (size_t j = 0; j < count; j++)
            if (j != i)
                start.peers [start.peer_count++] = (uint16_t) (j + 1);
        s_write (m, &start);
    }
    //  Ticks in global time order: the machine with the earliest next tick
    while (true) {
        s_machine_t *next = NULL;
        int64_t next_due = 0;
        for (size_t i = 0; i < count; i++) {
            s_machine_t *m = &machines [i];
            if (m->tick == m->ticks)
                continue;
            int64_t due = s_due (m, m->tick + 1);
            if (!next || due < next_due) {
                next = m;
                next_due = due;
            }
        }
        if (!next)
            break;
        s_tick (machines, count, next, next_due);
    }
    int64_t stop_us = S_T0_US + (int64_t) (duration * 1e6) + S_GRACE_US;
    uint64_t total = 0;
    for (size_t i = 0; i < count; i++) {
        s_machine_t *m = &machines [i];
        lc_row_t row = { .time_us = stop_us, .machine = m->id, .tick = m->tick,
                         .clock = m->clock, .queue = m->count };
        for (size_t k = 0; k < m->count; k++) {
            s_message_row (&row, LC_EV_UNREAD, &m->fifo [(m->head + k) & (m->size - 1)]);
            s_write (m, &row);
        }
        row.event = LC_EV_STOP;
        row.peer_count = 0;
        row.has_msg = false;
        s_write (m, &row);
        if (fclose (m->log)) {
            fprintf (stderr, "bench_analyze: cannot write a log\n");
            exit (1);
        }
        s_summary (dir, m, duration, stop_us);
        total += m->rows;
        free (m->fifo);
    }
    free (machines);
    return total;
}

static double
s_now (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static int
s_compare (const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

int
main (int argc, char *argv [])
{
    uint64_t rows = argc > 1 ? strtoull (argv [1], NULL, 10) : S_ROWS;
    size_t count = argc > 2 ? (size_t) strtoul (argv [2], NULL, 10) : S_MACHINES;
    int runs = argc > 3 ? atoi (argv [3]) : S_RUNS;
    if (rows == 0 || count < 2 || count > LC_PEERS_MAX + 1 || runs < 1) {
        fprintf (stderr, "usage: bench_analyze [ROWS [MACHINES [RUNS]]]\n");
        return 2;
    }
    char dir [1024];
    const char *tmp = getenv ("TMPDIR");
    snprintf (dir, sizeof dir, "%s/lc_bench_analyze_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp (dir)) {
        fprintf (stderr, "bench_analyze: cannot create a temporary directory\n");
        return 1;
    }
    double started = s_now ();
    uint64_t written = s_generate (dir, rows, count);
    printf ("generated %llu rows over %zu machines in %s (%.1f s)\n",
            (unsigned long long) written, count, dir, s_now () - started);

    double *seconds = calloc ((size_t) runs, sizeof *seconds);
    int status = 0;
    for (int i = 0; i < runs; i++) {
        lc_run_t run;
        double t = s_now ();
        if (lc_analyze_run (dir, 0, 5, NULL, &run)) {
            status = 1;
            break;
        }
        seconds [i] = s_now () - t;
        size_t failures = lc_check_failures (run.check);
        uint64_t read = lc_stats_run (run.stats)->rows;
        lc_analyze_free (&run);
        printf ("run %d: %.3f s, %.0f rows/s, %zu failed checks\n", i + 1,
                seconds [i], (double) read / seconds [i], failures);
        if (failures || read != written)
            status = 1;
    }
    if (status == 0) {
        qsort (seconds, (size_t) runs, sizeof *seconds, s_compare);
        double median = seconds [runs / 2];
        printf ("median of %d: %.3f s, %.2f million rows/s\n", runs, median,
                (double) written / median / 1e6);
    }
    free (seconds);
    if (!getenv ("LC_BENCH_KEEP")) {
        char path [4096];
        for (size_t i = 1; i <= count; i++) {
            snprintf (path, sizeof path, "%s/machine-%zu.csv", dir, i);
            unlink (path);
            snprintf (path, sizeof path, "%s/machine-%zu.json", dir, i);
            unlink (path);
        }
        rmdir (dir);
    }
    return status;
}
