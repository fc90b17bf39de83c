/*  lc_endpoint.c - endpoint text: its syntax, the host of a tcp://
    endpoint, the default bind and host of a cluster-file endpoint.

    An endpoint is ZeroMQ's TRANSPORT://ADDRESS, printable, without
    spaces, shorter than LC_ENDPOINT_MAX. A tcp:// address is
    [SOURCE;]HOST:PORT, HOST a name, an IPv4 address, an IPv6 address in
    brackets (`[::1]`) or, to bind, `*`; PORT is 1..65535 in decimal
    digits. ZeroMQ itself takes `*` and 0 as "a port of its choosing" and
    does not refuse a number above 65535 (`--bind tcp://127.0.0.1:99999`
    listened on another port while the summary said 99999): peers could
    not find such a machine, so these are refused here. Other transports
    (ipc://, inproc://) have no port and go to ZeroMQ as they are.

    A bind is local (lc_endpoint_is_local) when only this host can reach
    it. ZeroMQ binds a tcp:// endpoint to its HOST after any "SOURCE;"
    (tcp://lo:0;127.0.0.1:5551 listens on 127.0.0.1:5551), trying HOST as
    an interface name first, then as a numeric address, never through DNS
    (so it does not bind "localhost", which stays local here as it always
    was). The text cannot tell which interface a name is, so any other
    name counts as not local, as does an address in a form inet_pton does
    not read ("127.1"): the machine then warns that its links are not
    authenticated, the safe way to be wrong.
*/
#include "lc_endpoint.h"

#include <arpa/inet.h>
#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define S_TCP           "tcp://"    //  the one transport with a host
#define S_IPC           "ipc://"    //  a Unix socket: this host alone
#define S_INPROC        "inproc://" //  this process alone
#define S_LOCALHOST     "localhost" //  the one name taken as loopback
#define S_LOOPBACK_NET  127     //  first byte of IPv4 loopback, 127.0.0.0/8
#define S_PORT_DIGITS   5       //  digits of LC_PORT_MAX


//  Finds the host of a tcp:// endpoint: [*start, *start + *length). With
//  a source ("tcp://eth0;host:port") the host is the part after ';'.
//  Returns false for other transports or when there is no ":port".
static bool
s_host (const char *endpoint, const char **start, size_t *length)
{
    if (strncmp (endpoint, S_TCP, strlen (S_TCP)) != 0)
        return false;
    const char *address = endpoint + strlen (S_TCP);
    const char *colon = strrchr (address, ':');
    if (!colon)
        return false;
    const char *semicolon = memchr (address, ';', colon - address);
    *start = semicolon? semicolon + 1: address;
    *length = colon - *start;
    return true;
}

//  Takes the brackets off an IPv6 host ("[::1]" is "::1")
static void
s_unbracket (const char **host, size_t *length)
{
    if (*length >= 2 && (*host) [0] == '[' && (*host) [*length - 1] == ']') {
        (*host)++;
        *length -= 2;
    }
}

//  Reads the host text as an IPv4 or IPv6 address ("[::1]" included)
//  into *address, an IPv4 address as IPv4-mapped IPv6 (::ffff:a.b.c.d).
//  False if it is neither (a name, "*", an address with a zone).
static bool
s_host_address (const char *host, size_t length, struct in6_addr *address)
{
    char text [LC_ENDPOINT_MAX];
    s_unbracket (&host, &length);
    if (length == 0 || length >= sizeof text)
        return false;
    memcpy (text, host, length);
    text [length] = 0;
    struct in_addr ipv4;
    if (inet_pton (AF_INET, text, &ipv4) == 1) {
        memset (address, 0, sizeof *address);
        address->s6_addr [10] = address->s6_addr [11] = 0xff;
        memcpy (address->s6_addr + 12, &ipv4, sizeof ipv4);
        return true;
    }
    return inet_pton (AF_INET6, text, address) == 1;
}

//  True if the host text is an IPv4 or IPv6 address ("[::1]" included)
static bool
s_host_is_ip (const char *host, size_t length)
{
    struct in6_addr address;
    return s_host_address (host, length, &address);
}

bool
lc_endpoint_is_local (const char *endpoint)
{
    if (strncmp (endpoint, S_IPC, strlen (S_IPC)) == 0
    ||  strncmp (endpoint, S_INPROC, strlen (S_INPROC)) == 0)
        return true;
    const char *host;
    size_t length;
    if (!s_host (endpoint, &host, &length))
        return false;
    if (length == strlen (S_LOCALHOST) && strncasecmp (host, S_LOCALHOST, length) == 0)
        return true;
    struct in6_addr address;
    if (!s_host_address (host, length, &address))
        return false;
    return IN6_IS_ADDR_LOOPBACK (&address)
        || (IN6_IS_ADDR_V4MAPPED (&address) && address.s6_addr [12] == S_LOOPBACK_NET);
}

void
lc_endpoint_default_bind (const char *endpoint, char *bind)
{
    assert (strlen (endpoint) < LC_ENDPOINT_MAX);
    const char *host;
    size_t length;
    if (!s_host (endpoint, &host, &length))
        strcpy (bind, endpoint);
    else
    if (s_host_is_ip (host, length))
        //  A source part ("eth0;"), if any, is dropped: binding takes none
        snprintf (bind, LC_ENDPOINT_MAX, S_TCP "%s", host);
    else
        snprintf (bind, LC_ENDPOINT_MAX, S_TCP "*%s", host + length);
}

void
lc_endpoint_default_host (const char *endpoint, char *host_name)
{
    const char *host;
    size_t length;
    if (!s_host (endpoint, &host, &length) || length == 0) {
        snprintf (host_name, LC_HOST_MAX, "localhost");
        return;
    }
    s_unbracket (&host, &length);
    snprintf (host_name, LC_HOST_MAX, "%.*s", (int) length, host);
}

//  The port of a tcp:// endpoint whose host ends at host + length: 0 if
//  it is not LC_PORT_MIN..LC_PORT_MAX in decimal digits
static long
s_port (const char *host, size_t length)
{
    const char *port = host + length + 1;
    size_t digits = strspn (port, "0123456789");
    if (digits == 0 || digits > S_PORT_DIGITS || port [digits])
        return 0;
    long number = strtol (port, NULL, 10);
    return number >= LC_PORT_MIN && number <= LC_PORT_MAX? number: 0;
}

lc_endpoint_fault_t
lc_endpoint_check (const char *text, bool connect)
{
    size_t length = strlen (text);
    if (length == 0 || length >= LC_ENDPOINT_MAX)
        return LC_ENDPOINT_BAD;
    for (size_t i = 0; i < length; i++)
        if (!isgraph ((unsigned char) text [i]))
            return LC_ENDPOINT_BAD;
    const char *separator = strstr (text, "://");
    if (!separator || separator == text || separator [3] == 0)
        return LC_ENDPOINT_BAD;
    for (const char *c = text; c < separator; c++)
        if (!isalnum ((unsigned char) *c))
            return LC_ENDPOINT_BAD;
    if (connect && separator [3] == '*')
        return LC_ENDPOINT_BAD;
    if (strncmp (text, S_TCP, strlen (S_TCP)) != 0)
        return LC_ENDPOINT_OK;
    const char *host;
    if (!s_host (text, &host, &length) || s_port (host, length) == 0)
        return LC_ENDPOINT_PORT;
    if (*host == '[' && (length < 3 || host [length - 1] != ']'))
        return LC_ENDPOINT_BAD;             //  "[::1" or "[]"
    //  No name or address starts with '-'; such a host would reach the
    //  LAN launcher's ssh as an option ("-oProxyCommand=...")
    if (*host == '-')
        return LC_ENDPOINT_BAD;
    return LC_ENDPOINT_OK;
}
