/*  lc_links.c - a machine's sockets and their monitors.

    - The PULL socket, bound. Messages are read raw (zmq_msg_recv, never
      czmq's zmsg_recv/zmsg_decode) so that nothing in czmq parses
      untrusted bytes, and so that each message's connection (ZMQ_SRCFD)
      is known to the monitor's accounting of bad connections. Frames and
      bytes are counted here: ZMQ_MAXMSGSIZE bounds each frame, not a
      multipart message, so frames past LC_WIRE_FRAMES are closed as they
      are read and the message is rejected.
    - One PUSH socket per peer, ZMQ_IMMEDIATE so that a send to a peer with
      no live connection fails at once instead of piling up, every send
      ZMQ_DONTWAIT so that a dead peer never stalls a tick.
    - Socket monitors: failed handshakes are silent in libzmq; a monitor
      is the only way to see them.
*/
#include "lc_links.h"
#include "lc_alloc.h"

#define S_FD_TRACKED    65536       //  connections tracked below this fd

typedef struct {
    zsock_t *push;              //  our PUSH to the peer
    zsock_t *monitor;           //  PAIR reading the PUSH socket's events
    uint32_t id;                //  the peer's machine id
} s_link_t;

struct _lc_links_t {
    zsock_t *pull;              //  our PULL socket, bound
    zsock_t *monitor;           //  PAIR reading the PULL socket's events
    bool curve;                 //  links speak CURVE
    size_t count;               //  peers
    s_link_t *links;            //  one per peer, ascending id
    uint64_t *fd_valid;         //  per PULL connection fd, a bit: set once
                                //  a valid message came through it
};

//  A PAIR socket receiving sock's events (libzmq's monitor protocol v1)
static zsock_t *
s_monitor_new (zsock_t *sock, const char *name, int events)
{
    char *endpoint = zsys_sprintf ("inproc://lc-monitor-%s-%p", name, (void *) sock);
    int rc = zmq_socket_monitor (zsock_resolve (sock), endpoint, events);
    assert (rc == 0);
    zsock_t *monitor = zsock_new_pair (endpoint);
    assert (monitor);
    zstr_free (&endpoint);
    return monitor;
}

//  A PUSH link: short reconnects so a late or restarted peer is found
//  within tens of milliseconds. No ZMTP heartbeats: the delivery protocol
//  gives liveness where it matters, on a link with messages outstanding
//  (they go again when acknowledgements stall, and TCP reports a
//  connection that died under them), and a ping per link per second woke
//  three threads each time: most of an idle machine's CPU, and in a mesh
//  of N machines N x (N - 1) times over (docs/design.md).
static void
s_tune_link (zsock_t *sock)
{
    zsock_set_reconnect_ivl (sock, LC_RECONNECT_MS);
    zsock_set_reconnect_ivl_max (sock, LC_RECONNECT_MAX_MS);
    //  Our handshake with a peer is never cut short: libzmq's 30 s limit
    //  dropped connections to peers too loaded to answer in time (a mesh
    //  of 256 machines forming on two cores), which dialed again, and
    //  never formed
    zsock_set_handshake_ivl (sock, 0);
}

lc_links_t *
lc_links_new (const char *bind, const uint32_t *ids, const char *const *endpoints,
              size_t count, lc_cert_t *cert, char *error, size_t size)
{
    lc_links_t *self = lc_calloc (1, sizeof *self);
    self->fd_valid = lc_calloc (S_FD_TRACKED / 64, sizeof *self->fd_valid);
    self->curve = cert != NULL;
    self->pull = zsock_new (ZMQ_PULL);
    assert (self->pull);
    zsock_set_rcvhwm (self->pull, LC_RCVHWM);
    zsock_set_maxmsgsize (self->pull, LC_MAXMSGSIZE);
    //  A stranger that connects and says nothing is dropped, but only after
    //  LC_HANDSHAKE_MS: a peer's handshake may take long on a loaded host
    zsock_set_handshake_ivl (self->pull, LC_HANDSHAKE_MS);
    //  Every peer connects at once when this machine appears (their
    //  reconnect timers run): a listen backlog shorter than the peers drops
    //  SYNs, and each one dropped costs TCP's 1 s retransmission
    zsock_set_backlog (self->pull, (int) (LC_BACKLOG_BASE + count));
    if (cert)
        lc_cert_apply_server (cert, self->pull);
    self->monitor = s_monitor_new (self->pull, "pull", ZMQ_EVENT_DISCONNECTED
                                   | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH);
    if (zsock_bind (self->pull, "%s", bind) < 0) {
        snprintf (error, size, "--bind %s: cannot bind: %s", bind,
                  zmq_strerror (zmq_errno ()));
        lc_links_destroy (&self);
        return NULL;
    }
    self->count = count;
    self->links = lc_calloc (count, sizeof *self->links);
    for (size_t i = 0; i < count; i++) {
        s_link_t *link = &self->links [i];
        link->id = ids [i];
        link->push = zsock_new (ZMQ_PUSH);
        assert (link->push);
        s_tune_link (link->push);
        zsock_set_immediate (link->push, 1);
        zsock_set_sndhwm (link->push, LC_SNDHWM);
        //  czmq's default linger is 0: queued messages would be dropped
        zsock_set_linger (link->push, LC_LINGER_MS);
        if (cert)
            lc_cert_apply_client (cert, link->push, i);
        //  Read when asked, never waited for
        link->monitor = s_monitor_new (link->push, "push",
                                       ZMQ_EVENT_HANDSHAKE_SUCCEEDED
                                       | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH
                                       | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL);
        zsock_set_rcvtimeo (link->monitor, 0);
        if (zsock_connect (link->push, "%s", endpoints [i]) < 0) {
            snprintf (error, size, "machine %u endpoint %s: cannot connect: %s",
                      ids [i], endpoints [i], zmq_strerror (zmq_errno ()));
            lc_links_destroy (&self);
            return NULL;
        }
    }
    return self;
}

void
lc_links_destroy (lc_links_t **self_p)
{
    lc_links_t *self = *self_p;
    if (!self)
        return;
    for (size_t i = 0; self->links && i < self->count; i++) {
        zsock_destroy (&self->links [i].monitor);
        zsock_destroy (&self->links [i].push);
    }
    zsock_destroy (&self->monitor);
    zsock_destroy (&self->pull);
    free (self->links);
    free (self->fd_valid);
    free (self);
    *self_p = NULL;
}

zsock_t *
lc_links_pull (lc_links_t *self)
{
    return self->pull;
}

zsock_t *
lc_links_pull_monitor (lc_links_t *self)
{
    return self->monitor;
}

//  The peer with this id, or -1: binary search (peers ascend by id)
static int
s_index (lc_links_t *self, uint32_t id)
{
    size_t lo = 0, hi = self->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (self->links [mid].id == id)
            return (int) mid;
        if (self->links [mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

//  --------------------------------------------------------------------------
//  Reading

//  The frames of one message as received: the first LC_WIRE_FRAMES are
//  kept, the rest closed as they come
typedef struct {
    zmq_msg_t parts [LC_WIRE_FRAMES];   //  frames kept
    size_t count;               //  frames received
    size_t bytes;               //  bytes received, all frames
    int fd;                     //  the connection it came through
    unsigned long certified;    //  CURVE: the connection's machine id
} s_frames_t;

//  Receives every frame of the next message; false if none waits
static bool
s_receive (lc_links_t *self, s_frames_t *frames)
{
    void *handle = zsock_resolve (self->pull);
    frames->count = frames->bytes = 0;
    frames->fd = -1;
    frames->certified = 0;
    bool more = true;
    while (more) {
        zmq_msg_t part;
        zmq_msg_init (&part);
        if (zmq_msg_recv (&part, handle, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close (&part);
            assert (frames->count == 0);    //  messages arrive whole
            return false;
        }
        more = zmq_msg_more (&part);
        frames->bytes += zmq_msg_size (&part);
        if (frames->count == 0) {
            frames->fd = zmq_msg_get (&part, ZMQ_SRCFD);
            if (self->curve) {
                const char *who = zmq_msg_gets (&part, "machine");
                frames->certified = who ? strtoul (who, NULL, 10) : 0;
            }
        }
        if (frames->count < LC_WIRE_FRAMES)
            frames->parts [frames->count] = part;
        else
            zmq_msg_close (&part);
        frames->count++;
    }
    return true;
}

lc_links_read_t
lc_links_read (lc_links_t *self, lc_wire_msg_t *msg, size_t *idx, const char **reason)
{
    s_frames_t frames;
    if (!s_receive (self, &frames))
        return LC_LINKS_NONE;
    size_t kept = frames.count < LC_WIRE_FRAMES ? frames.count : LC_WIRE_FRAMES;
    const uint8_t *data [LC_WIRE_FRAMES];
    size_t size [LC_WIRE_FRAMES];
    for (size_t i = 0; i < kept; i++) {
        data [i] = zmq_msg_data (&frames.parts [i]);
        size [i] = zmq_msg_size (&frames.parts [i]);
    }
    int rc = lc_wire_decode (kept, data, size, msg, reason);
    if (frames.count > LC_WIRE_FRAMES) {
        rc = -1;
        *reason = "wrong frame count";
    }
    else
    if (frames.bytes > LC_WIRE_MESSAGE_MAX) {
        rc = -1;
        *reason = "message too large";
    }
    for (size_t i = 0; i < kept; i++)
        zmq_msg_close (&frames.parts [i]);

    int found = rc == -1 ? -1 : s_index (self, msg->sender);
    bool certified = !self->curve || frames.certified == msg->sender;
    if (rc == LC_WIRE_EVERSION && found >= 0 && msg->type == LC_MSG_HELLO && certified) {
        *idx = (size_t) found;
        return LC_LINKS_OTHER_VERSION;
    }
    if (rc != 0)
        return LC_LINKS_BAD;
    if (found < 0) {
        *reason = "unknown sender id";
        return LC_LINKS_BAD;
    }
    if (!certified) {
        *reason = "sender id does not match its certificate";
        return LC_LINKS_BAD;
    }
    if (frames.fd >= 0 && frames.fd < S_FD_TRACKED)
        self->fd_valid [frames.fd / 64] |= (uint64_t) 1 << (frames.fd % 64);
    *idx = (size_t) found;
    return LC_LINKS_MESSAGE;
}

//  --------------------------------------------------------------------------
//  Sending

bool
lc_links_writable (lc_links_t *self, size_t idx)
{
    assert (idx < self->count);
    return (zsock_events (self->links [idx].push) & ZMQ_POLLOUT) != 0;
}

int
lc_links_send (lc_links_t *self, size_t idx, const lc_wire_msg_t *msg)
{
    assert (idx < self->count);
    uint8_t header [LC_WIRE_HEADER_SIZE];
    uint8_t body [LC_WIRE_BODY_MAX];
    size_t body_size = lc_wire_encode (msg, header, body);
    void *handle = zsock_resolve (self->links [idx].push);
    if (zmq_send (handle, header, LC_WIRE_HEADER_SIZE, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
        return -1;
    //  Once the first part is queued the rest of the message is too
    return zmq_send (handle, body, body_size, ZMQ_DONTWAIT) < 0 ? -1 : 0;
}

//  --------------------------------------------------------------------------
//  Monitors

//  Reads one event: its code and value (an fd, or an error number).
//  Returns false if there was none, or it was not a monitor event.
static bool
s_monitor_event (zsock_t *monitor, uint16_t *code, uint32_t *value)
{
    zmsg_t *event = zmsg_recv (monitor);
    if (!event)
        return false;
    zframe_t *frame = zmsg_first (event);
    bool valid = frame && zframe_size (frame) == 6;
    if (valid) {
        const uint8_t *data = zframe_data (frame);
        *code = (uint16_t) (data [0] | data [1] << 8);
        *value = (uint32_t) data [2] | (uint32_t) data [3] << 8
               | (uint32_t) data [4] << 16 | (uint32_t) data [5] << 24;
    }
    zmsg_destroy (&event);
    return valid;
}

lc_links_event_t
lc_links_pull_event (lc_links_t *self)
{
    uint16_t code;
    uint32_t value;
    if (!s_monitor_event (self->monitor, &code, &value))
        return LC_LINKS_EVENT_NONE;
    //  A refused client is also a bad connection, counted at its close
    if (code == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
        return LC_LINKS_EVENT_UNTRUSTED;
    if (code != ZMQ_EVENT_DISCONNECTED || value >= S_FD_TRACKED)
        return LC_LINKS_EVENT_NONE;
    //  The connection never carried one valid message: not ZMTP, an
    //  oversize message, a failed handshake, or a stranger
    uint64_t bit = (uint64_t) 1 << (value % 64);
    bool bad = !(self->fd_valid [value / 64] & bit);
    self->fd_valid [value / 64] &= ~bit;    //  the fd may be reused
    return bad ? LC_LINKS_EVENT_BAD_CONNECTION : LC_LINKS_EVENT_NONE;
}

lc_links_event_t
lc_links_push_event (lc_links_t *self, size_t idx, char *reason, size_t size)
{
    assert (idx < self->count);
    uint16_t code;
    uint32_t value;
    if (!s_monitor_event (self->links [idx].monitor, &code, &value))
        return LC_LINKS_EVENT_NONE;
    if (code == ZMQ_EVENT_HANDSHAKE_SUCCEEDED)
        return LC_LINKS_EVENT_LINK_UP;
    snprintf (reason, size, "machine %u: %s", self->links [idx].id,
              code == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH
              ? "it does not trust our certificate"
              : "the handshake failed (wrong key for it in --trust, or it "
                "does not speak CURVE, or it is not an lclock machine)");
    return LC_LINKS_EVENT_REFUSED;
}
