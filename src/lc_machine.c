/*  lc_machine.c - placeholder; the machine is being written (issue 2).
*/
#include "lclock.h"
#include "lc_machine.h"
#include <stdio.h>

int
lc_machine_main (int argc, char *argv [])
{
    (void) argc; (void) argv;
    fprintf (stderr, "lclock machine: not built yet\n");
    return LC_EXIT_FAILURE;
}

int
lc_keygen_main (int argc, char *argv [])
{
    (void) argc; (void) argv;
    fprintf (stderr, "lclock keygen: not built yet\n");
    return LC_EXIT_FAILURE;
}
