/*  test_alloc.c - allocation either succeeds or aborts saying so; it never
    returns NULL for the caller to forget.
*/
#include "lc_alloc.h"

#include <stdarg.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

//  Under AddressSanitizer an impossible request would stop the test with
//  ASan's own report; let malloc return NULL as it does without ASan
const char *__asan_default_options (void);
const char *
__asan_default_options (void)
{
    return "allocator_may_return_null=1";
}

static void
test_success (void **state)
{
    (void) state;
    char *text = lc_strdup ("lclock");
    assert_string_equal (text, "lclock");
    uint64_t *zeros = lc_calloc (1000, sizeof *zeros);
    for (int i = 0; i < 1000; i++)
        assert_true (zeros [i] == 0);
    zeros = lc_realloc (zeros, 2000, sizeof *zeros);
    zeros [1999] = 7;
    free (zeros);
    free (text);
    free (lc_malloc (0));           //  never NULL, even for 0 bytes
    free (lc_calloc (0, 8));
}

//  Runs an impossible allocation in a child: it must abort, having said
//  "out of memory" on stderr
static void
s_expect_abort (int which)
{
    int pipe_fds [2];
    assert_int_equal (pipe (pipe_fds), 0);
    pid_t pid = fork ();
    assert_true (pid >= 0);
    if (pid == 0) {
        dup2 (pipe_fds [1], 2);
        if (which == 0)
            lc_calloc (SIZE_MAX / 2, 4);        //  the product overflows
        else
        if (which == 1)
            lc_realloc (NULL, SIZE_MAX / 8, 16);
        else
            lc_malloc (SIZE_MAX - 4096);
        _exit (0);
    }
    close (pipe_fds [1]);
    //  Read to the end: ASan may say something of its own first, in
    //  another write, so one read can miss our line
    char said [4096] = "";
    size_t have = 0;
    ssize_t got;
    while (have < sizeof said - 1
    &&    (got = read (pipe_fds [0], said + have, sizeof said - 1 - have)) > 0)
        have += (size_t) got;
    close (pipe_fds [0]);
    said [have] = 0;
    int status;
    assert_int_equal (waitpid (pid, &status, 0), pid);
    assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGABRT);
    assert_non_null (strstr (said, "lclock: out of memory"));
}

//  A ring's items keep their order when it grows, wrapped or not
static void
test_ring_grow (void **state)
{
    (void) state;
    //  Capacity 8, head 5: items 10..15 at 5, 6, 7, 0, 1, 2 (wrapped)
    int *ring = lc_calloc (8, sizeof *ring);
    for (int i = 0; i < 6; i++)
        ring [(5 + i) & 7] = 10 + i;
    ring = lc_ring_grow (ring, sizeof *ring, 5, 6, 8, 16);
    for (int i = 0; i < 6; i++)
        assert_int_equal (ring [i], 10 + i);
    for (int i = 6; i < 16; i++)
        assert_int_equal (ring [i], 0);
    //  Full and unwrapped: head 0, 16 items
    for (int i = 0; i < 16; i++)
        ring [i] = 100 + i;
    ring = lc_ring_grow (ring, sizeof *ring, 0, 16, 16, 32);
    for (int i = 0; i < 16; i++)
        assert_int_equal (ring [i], 100 + i);
    free (ring);
    //  A ring that had no buffer yet
    ring = lc_ring_grow (NULL, sizeof *ring, 0, 0, 0, 4);
    for (int i = 0; i < 4; i++)
        assert_int_equal (ring [i], 0);
    free (ring);
}

static void
test_failure_aborts (void **state)
{
    (void) state;
    for (int which = 0; which < 3; which++)
        s_expect_abort (which);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_success),
        cmocka_unit_test (test_ring_grow),
        cmocka_unit_test (test_failure_aborts),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
