/*  lc_links.h - a machine's sockets: the PULL it binds, one PUSH per peer,
    and the monitors that see what ZeroMQ does by itself (docs/design.md,
    "PULL bound, one PUSH per peer"; docs/protocol.md, "Validation").

    It reads and validates messages (frames, sizes, version, sender,
    certificate) and sends them; what a message means is the caller's.
    It calls nothing back: the caller polls the sockets it exposes.
*/
#ifndef LC_LINKS_H_INCLUDED
#define LC_LINKS_H_INCLUDED

#include "lclock.h"
#include "lc_cert.h"
#include "lc_wire.h"

#include <czmq.h>

#define LC_LINKS_ERROR_MAX  (LC_ENDPOINT_MAX + 160)     //  bytes of an error

typedef struct _lc_links_t lc_links_t;

//  Binds bind and connects a PUSH to each of the count peers (ids
//  ascending, endpoints [i] where peer i's PULL is). With cert, every link
//  speaks CURVE. Returns NULL with error naming the endpoint if a bind or
//  a connect fails.
lc_links_t *
    lc_links_new (const char *bind, const uint32_t *ids, const char *const *endpoints,
                  size_t count, lc_cert_t *cert, char *error, size_t size);
void
    lc_links_destroy (lc_links_t **self_p);

//  The sockets the caller polls: the PULL and its monitor. The PUSH
//  monitors are read when the caller asks (lc_links_push_event), without
//  waiting: one socket per peer in the loop would cost every pass of it a
//  poll(2) per peer.
zsock_t *
    lc_links_pull (lc_links_t *self);
zsock_t *
    lc_links_pull_monitor (lc_links_t *self);

typedef enum {
    LC_LINKS_NONE = 0,          //  nothing waiting
    LC_LINKS_MESSAGE,           //  a valid message from peer *idx
    LC_LINKS_BAD,               //  a message that failed validation (*reason)
    LC_LINKS_OTHER_VERSION      //  a HELLO of peer *idx, another version
} lc_links_read_t;

//  Takes one message off the PULL socket without waiting.
lc_links_read_t
    lc_links_read (lc_links_t *self, lc_wire_msg_t *msg, size_t *idx,
                   const char **reason);

//  Sends msg to peer idx without waiting. Returns 0 when ZeroMQ took it,
//  -1 when the link has no live connection or no room.
int
    lc_links_send (lc_links_t *self, size_t idx, const lc_wire_msg_t *msg);

//  True if a send to peer idx would be taken now (a live connection with
//  room under its high-water mark).
bool
    lc_links_writable (lc_links_t *self, size_t idx);

typedef enum {
    LC_LINKS_EVENT_NONE = 0,    //  nothing (or nothing that counts)
    LC_LINKS_EVENT_BAD_CONNECTION,  //  a connection closed that never
                                //  carried a valid message
    LC_LINKS_EVENT_UNTRUSTED,   //  a CURVE client not in the trust folder
    LC_LINKS_EVENT_REFUSED,     //  a peer refused our handshake (*reason)
    LC_LINKS_EVENT_LINK_UP      //  a new connection to a peer is ready:
                                //  whatever the old one held is gone
} lc_links_event_t;

//  One event of the PULL socket's monitor. Read every message waiting
//  first: a disconnection is judged by what its connection delivered.
lc_links_event_t
    lc_links_pull_event (lc_links_t *self);

//  One event of the monitor of peer idx's PUSH, or LC_LINKS_EVENT_NONE at
//  once if none waits; reason (size bytes) says what happened.
lc_links_event_t
    lc_links_push_event (lc_links_t *self, size_t idx, char *reason, size_t size);

#endif
