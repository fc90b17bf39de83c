/*  lc_simulate.h - `lclock simulate`: the model on a virtual clock, written
    as run directories (docs/simulate.md).
*/
#ifndef LC_SIMULATE_H_INCLUDED
#define LC_SIMULATE_H_INCLUDED

#include "lclock.h"

//  argv [0] is "simulate". Returns the exit status: 0 written, 1 a file
//  could not be written, 2 a bad option (each said in one line on stderr).
int
    lc_simulate_main (int argc, char *argv []);

#endif
