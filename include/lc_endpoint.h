/*  lc_endpoint.h - endpoint text: its syntax, the host of a tcp://
    endpoint, the default bind and host of a cluster-file endpoint.
    Pure: no socket is opened, ZeroMQ checks the rest when it binds and
    connects.
*/
#ifndef LC_ENDPOINT_H_INCLUDED
#define LC_ENDPOINT_H_INCLUDED

#include "lclock.h"

//  What is wrong with an endpoint
typedef enum {
    LC_ENDPOINT_OK,             //  nothing
    LC_ENDPOINT_BAD,            //  not TRANSPORT://ADDRESS, too long, or
                                //  the host `*` where peers connect
    LC_ENDPOINT_PORT,           //  tcp:// without a port from LC_PORT_MIN
                                //  to LC_PORT_MAX after its last ':'
} lc_endpoint_fault_t;

//  Checks text as an endpoint: to bind, or (connect true) one peers
//  connect to, which may not have the host `*`. A tcp:// endpoint is
//  [SOURCE;]HOST:PORT, an IPv6 HOST in brackets.
lc_endpoint_fault_t
    lc_endpoint_check (const char *text, bool connect);

//  True if a socket bound to endpoint can be reached from this host
//  alone: ipc://, inproc://, or tcp:// whose host (after a source part
//  "SOURCE;") is "localhost" or a loopback address: 127.0.0.0/8, [::1],
//  [::ffff:127.x.y.z]. False for anything else: `*`, another address, an
//  interface name (even "lo": the text cannot tell), another transport.
bool
    lc_endpoint_is_local (const char *endpoint);

//  The default bind of a cluster-file endpoint (docs/cli.md): the
//  endpoint itself when its host is an IP address (or it is not tcp://),
//  else the endpoint with its host replaced by `*`. A tcp source part
//  ("eth0;") is dropped. bind holds LC_ENDPOINT_MAX bytes.
void
    lc_endpoint_default_bind (const char *endpoint, char *bind);

//  Where the LAN launcher starts a machine without `host`: the endpoint's
//  host without brackets, or "localhost" for ipc://, inproc:// and the
//  like. host holds LC_HOST_MAX bytes.
void
    lc_endpoint_default_host (const char *endpoint, char *host);

#endif
