/*  lc_clock.h - Lamport's rules and the tick's roll, pure: no sockets, no
    files, no time. docs/model.md.
*/
#ifndef LC_CLOCK_H_INCLUDED
#define LC_CLOCK_H_INCLUDED

#include "lclock.h"

//  Clock after a send or an internal event.
uint64_t
    lc_clock_local (uint64_t clock);

//  Clock after receiving a message that carried msg_clock.
uint64_t
    lc_clock_receive (uint64_t clock, uint64_t msg_clock);

//  The machine's RNG: xoshiro256**, seeded by splitmix64 from a mix of the
//  run seed and the machine id so that machines sharing a seed draw
//  independently.
typedef struct {
    uint64_t s [4];             //  xoshiro256** state
} lc_rng_t;

void
    lc_rng_seed (lc_rng_t *rng, uint64_t seed, uint32_t id);
uint64_t
    lc_rng_next (lc_rng_t *rng);
//  Uniform in lo..hi inclusive, without modulo bias.
uint64_t
    lc_rng_range (lc_rng_t *rng, uint64_t lo, uint64_t hi);

typedef enum {
    LC_ACT_INTERNAL = 0,        //  clock += 1, nothing sent
    LC_ACT_SEND_ONE,            //  send to peers [peer]
    LC_ACT_SEND_ALL             //  send to every peer
} lc_action_kind_t;

typedef struct {
    lc_action_kind_t kind;      //  what the tick does
    size_t peer;                //  index into the ascending peer list,
                                //  for LC_ACT_SEND_ONE
} lc_action_t;

//  What a tick with an empty buffer does, given a roll in 1..K: 1 and 2
//  send to one peer (with exactly two peers, 1 the lower id and 2 the
//  higher; with more, each picks one uniformly with rng; with one, both
//  send to it), 3 sends to all, anything else is internal. With no peers
//  every roll is internal.
lc_action_t
    lc_clock_action (uint64_t roll, size_t peer_count, lc_rng_t *rng);

#endif
