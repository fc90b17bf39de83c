/*  lc_machine.h - one model machine: sockets, reactor, ticks, start, stop.
*/
#ifndef LC_MACHINE_H_INCLUDED
#define LC_MACHINE_H_INCLUDED

//  `lclock machine ...`: argv [0] is "machine". Returns the exit status.
int
    lc_machine_main (int argc, char *argv []);

#endif
