/*  bench_zmq.c - the floor of libzmq and czmq on this host, for
    launch/bench.sh.

    usage: bench_zmq COUNT GAP_MS

    Two processes, each what a machine with two peers is made of and
    nothing more: czmq's context, a PULL socket bound on loopback, two
    PUSH sockets (the sender's connected to the receiver, the receiver's
    to its own PULL socket, unused), and in the receiver a zloop reading
    the PULL socket. The sender sends COUNT messages, one
    every GAP_MS milliseconds of sleep (so that, as in a run, every
    message finds both processes' threads asleep), each carrying the wall
    time it was handed to ZeroMQ, alternately on its two PUSH sockets;
    the receiver notes the wall time its loop read it. It prints two
    lines, the sender's and the receiver's:

        rss_sender_kb=N
        count=N delay_median_us=X delay_p99_us=X rss_receiver_kb=N

    The median and p99 are ranks ceil (p x N), as launch/bench.sh's.

    The delay is what lclock's own delay figure is held against: ZeroMQ's
    hand-over to its I/O thread, TCP on loopback, the receiver's I/O
    thread and main thread, without lclock's rows and protocol. The peak
    resident memory (VmHWM) of each process is what the two libraries and
    their dependencies cost a process that does nothing else.
*/
#include <czmq.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    int64_t *delays_ns;             //  one per message read
    size_t count;                   //  read so far
    size_t expected;                //  COUNT
    int ends;                       //  end marks read: one per PUSH socket
} s_receiver_t;

#define S_END_MARK  0               //  the time stamp that ends the run
#define S_PUSHES    2               //  PUSH sockets: a machine's two peers

static int64_t
s_wall_ns (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_REALTIME, &ts);
    return (int64_t) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long
s_peak_rss_kb (void)
{
    FILE *file = fopen ("/proc/self/status", "r");
    char line [256];
    long kb = -1;
    while (file && fgets (line, sizeof line, file))
        if (sscanf (line, "VmHWM: %ld", &kb) == 1)
            break;
    if (file)
        fclose (file);
    return kb;
}

static int
s_compare (const void *a, const void *b)
{
    int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return (x > y) - (x < y);
}

//  The index of the value of rank ceil (p x n) among n sorted, n > 0
static size_t
s_rank (double p, size_t n)
{
    size_t rank = (size_t) ceil (p * (double) n);
    return rank > 0? rank - 1: 0;
}

//  The PULL socket on an ephemeral loopback port; returns the port
static zsock_t *
s_pull (int *port)
{
    zsock_t *pull = zsock_new (ZMQ_PULL);
    assert (pull);
    *port = zsock_bind (pull, "tcp://127.0.0.1:*");
    assert (*port > 0);
    return pull;
}

//  The two PUSH sockets of a machine with two peers, both to PORT
static void
s_pushes (zsock_t *push [2], int port)
{
    for (int i = 0; i < 2; i++) {
        push [i] = zsock_new (ZMQ_PUSH);
        assert (push [i]);
        zsock_set_sndhwm (push [i], 0);
        int rc = zsock_connect (push [i], "tcp://127.0.0.1:%d", port);
        assert (rc == 0);
    }
}

static int
s_on_pull (zloop_t *loop, zsock_t *pull, void *arg)
{
    (void) loop;
    s_receiver_t *self = (s_receiver_t *) arg;
    int64_t sent;
    while (zmq_recv (zsock_resolve (pull), &sent, sizeof sent, ZMQ_DONTWAIT) == sizeof sent) {
        if (sent == S_END_MARK)
            self->ends++;
        else
        if (self->count < self->expected)
            self->delays_ns [self->count++] = s_wall_ns () - sent;
    }
    return self->ends == S_PUSHES? -1: 0;
}

//  Sends COUNT time stamps to PORT, GAP_MS apart
static void
s_send (int port, size_t count, long gap_ms)
{
    int own_port;
    zsock_t *pull = s_pull (&own_port);
    zsock_t *push [2];
    s_pushes (push, port);
    struct timespec gap = { gap_ms / 1000, (gap_ms % 1000) * 1000000L };
    for (size_t i = 0; i < count; i++) {
        nanosleep (&gap, NULL);
        int64_t now = s_wall_ns ();
        if (zmq_send (zsock_resolve (push [i % 2]), &now, sizeof now, 0) != sizeof now)
            fprintf (stderr, "bench_zmq: send %zu: %s\n", i, zmq_strerror (zmq_errno ()));
    }
    //  An end mark behind the last message on each connection (the two
    //  are separate TCP connections: no order between them)
    int64_t end = S_END_MARK;
    zmq_send (zsock_resolve (push [0]), &end, sizeof end, 0);
    zmq_send (zsock_resolve (push [1]), &end, sizeof end, 0);
    //  What is queued goes out before the context ends (czmq's linger
    //  is 0 by default)
    zsock_set_linger (push [0], 1000);
    zsock_set_linger (push [1], 1000);
    printf ("rss_sender_kb=%ld\n", s_peak_rss_kb ());
    zsock_destroy (&push [0]);
    zsock_destroy (&push [1]);
    zsock_destroy (&pull);
    zsys_shutdown ();
}

int
main (int argc, char *argv [])
{
    if (argc != 3 || atol (argv [1]) < 1 || atol (argv [2]) < 1) {
        fprintf (stderr, "usage: bench_zmq COUNT GAP_MS\n");
        return 2;
    }
    size_t count = (size_t) atol (argv [1]);
    long gap_ms = atol (argv [2]);
    int ready [2];
    if (pipe (ready) != 0)
        return 1;
    fflush (stdout);
    pid_t sender = fork ();
    if (sender < 0)
        return 1;
    if (sender == 0) {
        //  The sender waits for the receiver's port
        close (ready [1]);
        int port;
        if (read (ready [0], &port, sizeof port) != sizeof port)
            _exit (1);
        s_send (port, count, gap_ms);
        fflush (stdout);
        _exit (0);
    }
    close (ready [0]);
    int port;
    zsock_t *pull = s_pull (&port);
    zsock_t *push [2];
    s_pushes (push, port);      //  to itself: a machine's two links, unused
    s_receiver_t self = { zmalloc (count * sizeof (int64_t)), 0, count, 0 };
    zloop_t *loop = zloop_new ();
    zloop_reader (loop, pull, s_on_pull, &self);
    if (write (ready [1], &port, sizeof port) != sizeof port)
        return 1;
    //  zloop ends on any interrupted poll (the sender's SIGCHLD too)
    while (self.ends < S_PUSHES && !zsys_interrupted)
        zloop_start (loop);
    int status;
    waitpid (sender, &status, 0);
    if (self.count == 0) {
        fprintf (stderr, "bench_zmq: no message arrived\n");
        return 1;
    }
    qsort (self.delays_ns, self.count, sizeof (int64_t), s_compare);
    printf ("count=%zu delay_median_us=%.1f delay_p99_us=%.1f rss_receiver_kb=%ld\n",
            self.count, self.delays_ns [s_rank (0.5, self.count)] / 1000.0,
            self.delays_ns [s_rank (0.99, self.count)] / 1000.0, s_peak_rss_kb ());
    zloop_destroy (&loop);
    zsock_destroy (&push [0]);
    zsock_destroy (&push [1]);
    zsock_destroy (&pull);
    free (self.delays_ns);
    return WIFEXITED (status) && WEXITSTATUS (status) == 0? 0: 1;
}
