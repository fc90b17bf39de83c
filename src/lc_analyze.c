/*  lc_analyze.c - placeholder until the analyzer lands (issue 3).
*/
#include "lclock.h"
#include "lc_analyze.h"
#include <stdio.h>

int
lc_analyze_main (int argc, char *argv [])
{
    (void) argc;
    (void) argv;
    fprintf (stderr, "lclock analyze: not built yet\n");
    return LC_EXIT_FAILURE;
}
