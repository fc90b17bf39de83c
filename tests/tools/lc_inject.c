/*  lc_inject.c - a bad peer, for the run tests: sends what a machine must
    reject, a bounded number of times, then exits.

    lc_inject MODE ENDPOINT COUNT [SENDER]

    garbage   COUNT raw TCP connections, each writing bytes that are not
              ZMTP, then closing (ENDPOINT tcp://HOST:PORT)
    oversize  COUNT ZeroMQ connections, each sending one message larger
              than the machine's cap (ZeroMQ then drops the connection)
    version   COUNT well-formed DATA messages of another protocol version
    unknown   COUNT well-formed DATA messages from sender SENDER (default
              9999), which is no peer of the machine
    junk      COUNT one-frame messages of junk bytes on one connection
    hello     COUNT HELLOs claiming to be SENDER, with speed 999 (other run
              settings) and an instance of their own
    bye       COUNT BYEs claiming to be SENDER, from an instance of their own
    clock     COUNT DATA claiming to be SENDER's first message, carrying
              clock 2^62 (what no peer may accept)
    frames    COUNT messages of SENDER frames of one byte each

    With LC_INJECT_CERT (a secret certificate) and LC_INJECT_SERVER (the
    target machine's public certificate) in the environment, the ZeroMQ
    modes speak CURVE with that certificate.
*/
#include "lclock.h"
#include "lc_wire.h"

#include <czmq.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define S_LINGER_MS     1000    //  time for queued messages to leave
#define S_SEND_MS       2000    //  a send that cannot be queued gives up
#define S_OVERSIZE      (LC_MAXMSGSIZE * 4)

static int
s_garbage (const char *endpoint, long count)
{
    char host [256];
    int port;
    if (sscanf (endpoint, "tcp://%255[^:]:%d", host, &port) != 2) {
        fprintf (stderr, "lc_inject: garbage wants tcp://HOST:PORT\n");
        return 2;
    }
    //  Starts with 0xff, as a ZMTP 3 greeting does, then breaks it: the
    //  peer must refuse it whichever protocol it guesses
    const char junk [] = "\xff" "\x00\x00\x00\x00\x00\x00\x00\x00\x7e" "GET / HTTP/1.0\r\n\r\n";
    for (long i = 0; i < count; i++) {
        int fd = socket (AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons ((uint16_t) port) };
        if (inet_pton (AF_INET, host, &addr.sin_addr) != 1
        ||  connect (fd, (struct sockaddr *) &addr, sizeof addr) != 0) {
            perror ("lc_inject: connect");
            return 1;
        }
        if (write (fd, junk, sizeof junk - 1) != (ssize_t) sizeof junk - 1)
            perror ("lc_inject: write");
        //  Let the peer read it before the close
        char buf [64];
        struct timeval tv = { 0, 200000 };
        setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        while (read (fd, buf, sizeof buf) > 0)
            ;
        close (fd);
    }
    return 0;
}

//  A send that ZeroMQ cannot queue (a handshake refused, the connection
//  gone: a PUSH with no connection blocks) gives up after S_SEND_MS, and
//  so does every later one on that connection: the injector ends instead
//  of hanging, and says so
static bool s_gave_up = false;

static void
s_send_frame (zsock_t *push, const void *data, size_t size, int flags)
{
    if (s_gave_up)
        return;
    if (zmq_send (zsock_resolve (push), data, size, flags) == -1) {
        fprintf (stderr, "lc_inject: cannot send (%s): giving up\n", zmq_strerror (zmq_errno ()));
        s_gave_up = true;
    }
}

static zsock_t *
s_push (const char *endpoint)
{
    zsock_t *push = zsock_new (ZMQ_PUSH);
    assert (push);
    s_gave_up = false;          //  a new connection: try again
    zsock_set_linger (push, S_LINGER_MS);
    //  One connection only: a refused handshake is not retried, so the
    //  machine sees exactly one bad connection per injector
    zsock_set_reconnect_ivl (push, -1);
    zsock_set_sndtimeo (push, S_SEND_MS);
    const char *cert_path = getenv ("LC_INJECT_CERT");
    const char *server_path = getenv ("LC_INJECT_SERVER");
    if (cert_path && server_path) {
        zcert_t *cert = zcert_load (cert_path);
        zcert_t *server = zcert_load (server_path);
        if (!cert || !server) {
            fprintf (stderr, "lc_inject: cannot load %s or %s\n", cert_path, server_path);
            exit (2);
        }
        zcert_apply (cert, push);
        zsock_set_curve_serverkey (push, zcert_public_txt (server));
        zcert_destroy (&cert);
        zcert_destroy (&server);
    }
    if (zsock_connect (push, "%s", endpoint)) {
        fprintf (stderr, "lc_inject: cannot connect to %s\n", endpoint);
        exit (2);
    }
    return push;
}

static void
s_send_data (zsock_t *push, uint32_t sender, uint8_t version)
{
    lc_wire_msg_t msg = { .type = LC_MSG_DATA, .sender = sender, .seq = 1, .clock = 1 };
    uint8_t header [LC_WIRE_HEADER_SIZE], body [LC_WIRE_BODY_MAX];
    size_t size = lc_wire_encode (&msg, header, body);
    header [2] = version;
    s_send_frame (push, header, sizeof header, ZMQ_SNDMORE);
    s_send_frame (push, body, size, 0);
}

//  Encodes msg and sends it as one lclock message
static void
s_send (zsock_t *push, const lc_wire_msg_t *msg)
{
    uint8_t header [LC_WIRE_HEADER_SIZE], body [LC_WIRE_BODY_MAX];
    size_t size = lc_wire_encode (msg, header, body);
    s_send_frame (push, header, sizeof header, ZMQ_SNDMORE);
    s_send_frame (push, body, size, 0);
}

//  One forged message of a mode that poses as a peer; false for another mode
static bool
s_forge (zsock_t *push, const char *mode, uint32_t sender)
{
    lc_wire_msg_t msg = { .sender = sender, .instance = 0x5eedf00dULL };
    if (streq (mode, "hello")) {
        msg.type = LC_MSG_HELLO;
        msg.settings = (lc_settings_t) { .run_id = 1, .speed = 999, .duration = 60,
                                         .roll = 10 };
    }
    else
    if (streq (mode, "bye"))
        msg.type = LC_MSG_BYE;
    else
    if (streq (mode, "clock")) {
        msg.type = LC_MSG_DATA;
        msg.seq = 1;
        msg.clock = LC_CLOCK_MAX;
    }
    else
        return false;
    s_send (push, &msg);
    return true;
}

//  One message of `frames` one-byte frames
static void
s_frames (zsock_t *push, long frames)
{
    for (long i = 0; i < frames; i++)
        s_send_frame (push, "x", 1, i + 1 < frames ? ZMQ_SNDMORE : 0);
}

int
main (int argc, char *argv [])
{
    if (argc < 4) {
        fprintf (stderr, "usage: lc_inject garbage|oversize|version|unknown|junk|hello|"
                 "bye|clock|frames ENDPOINT COUNT [SENDER|FRAMES]\n");
        return 2;
    }
    const char *mode = argv [1], *endpoint = argv [2];
    long count = atol (argv [3]);
    uint32_t sender = argc > 4 ? (uint32_t) atol (argv [4]) : 9999;
    if (streq (mode, "garbage"))
        return s_garbage (endpoint, count);
    if (streq (mode, "oversize")) {
        static uint8_t big [S_OVERSIZE];
        for (long i = 0; i < count; i++) {
            zsock_t *push = s_push (endpoint);
            s_send_frame (push, big, sizeof big, 0);
            zclock_sleep (100);
            zsock_destroy (&push);
        }
        return 0;
    }
    zsock_t *push = s_push (endpoint);
    for (long i = 0; i < count; i++) {
        if (streq (mode, "version"))
            s_send_data (push, sender, LC_WIRE_VERSION + 1);
        else
        if (streq (mode, "unknown"))
            s_send_data (push, sender, LC_WIRE_VERSION);
        else
        if (streq (mode, "junk"))
            s_send_frame (push, "not an lclock message", strlen ("not an lclock message"), 0);
        else
        if (streq (mode, "frames"))
            s_frames (push, (long) sender);
        else
        if (!s_forge (push, mode, sender)) {
            fprintf (stderr, "lc_inject: unknown mode '%s'\n", mode);
            return 2;
        }
    }
    zsock_destroy (&push);
    return 0;
}
