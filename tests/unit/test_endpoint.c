/*  test_endpoint.c - which binds this host alone can reach: the machine
    warns about unauthenticated links for every other one, so a wrong
    "local" hides that warning and a wrong "not local" shows it needlessly.
    (lc_endpoint_check and the defaults are tested in test_config.c.)
*/
#include "lc_endpoint.h"

#include <stdarg.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

static void
test_is_local (void **state)
{
    (void) state;
    static const struct {
        const char *endpoint;   //  a bind
        bool local;             //  reachable from this host alone
    } cases [] = {
        { "ipc:///tmp/lc-3",                    true },
        { "ipc://@lc-abstract",                 true },
        { "inproc://lc-3",                      true },
        { "tcp://127.0.0.1:5551",               true },
        { "tcp://127.1.2.3:5551",               true },
        { "tcp://localhost:5551",               true },
        { "tcp://LocalHost:5551",               true },
        { "tcp://[::1]:5551",                   true },
        { "tcp://[0:0:0:0:0:0:0:1]:5551",       true },
        { "tcp://[::ffff:127.0.0.1]:5551",      true },
        //  A source part: the bind is to the host after ';' (ZeroMQ
        //  binds the forms with a source port)
        { "tcp://lo:0;127.0.0.1:5551",          true },
        { "tcp://lo;127.0.0.1:5551",            true },
        { "tcp://eth0:0;[::1]:5551",            true },
        { "tcp://127.0.0.1:0;10.0.0.1:5551",    false },
        { "tcp://127.0.0.1;10.0.0.1:5551",      false },
        { "tcp://localhost;192.168.1.2:5551",   false },
        //  Every interface, another address
        { "tcp://*:5551",                       false },
        { "tcp://0.0.0.0:5551",                 false },
        { "tcp://[::]:5551",                    false },
        { "tcp://10.0.0.1:5551",                false },
        { "tcp://128.0.0.1:5551",               false },
        { "tcp://[::2]:5551",                   false },
        { "tcp://[::ffff:10.0.0.1]:5551",       false },
        { "tcp://[fe80::1]:5551",               false },
        //  Names ZeroMQ takes as interfaces: the text cannot tell which
        { "tcp://eth0:5551",                    false },
        { "tcp://lo:5551",                      false },
        { "tcp://127.example.org:5551",         false },
        { "tcp://localhost.example.org:5551",   false },
        //  Not an address inet_pton reads, or no host at all
        { "tcp://127.1:5551",                   false },
        { "tcp://[::1%lo]:5551",                false },
        { "tcp://127.0.0.1",                    false },
        { "tcp://:5551",                        false },
        //  Other transports, and transports spelt otherwise
        { "ws://127.0.0.1:5551",                false },
        { "pgm://127.0.0.1;239.192.1.1:5555",   false },
        { "IPC:///tmp/lc-3",                    false },
        { "tcp:/127.0.0.1:5551",                false },
        { "",                                   false },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases [0]; i++)
        if (lc_endpoint_is_local (cases [i].endpoint) != cases [i].local)
            fail_msg ("'%s' is %s, expected %s", cases [i].endpoint,
                      cases [i].local ? "not local" : "local",
                      cases [i].local ? "local" : "not local");
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_is_local),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
