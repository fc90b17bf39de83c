/*  lc_clock.c - Lamport's rules and the tick's roll, pure.
*/
#include "lc_clock.h"

uint64_t
lc_clock_local (uint64_t clock)
{
    return clock + 1;
}

uint64_t
lc_clock_receive (uint64_t clock, uint64_t msg_clock)
{
    return (msg_clock > clock ? msg_clock : clock) + 1;
}

//  splitmix64: spreads one 64-bit seed over the xoshiro state
static uint64_t
s_splitmix (uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void
lc_rng_seed (lc_rng_t *rng, uint64_t seed, uint32_t id)
{
    //  Mix the id through splitmix too, so seed+1/id and seed/id+1 differ
    uint64_t id_mix = id;
    uint64_t x = seed ^ s_splitmix (&id_mix);
    for (int i = 0; i < 4; i++)
        rng->s [i] = s_splitmix (&x);
}

static uint64_t
s_rotl (uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t
lc_rng_next (lc_rng_t *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = s_rotl (s [1] * 5, 7) * 9;
    uint64_t t = s [1] << 17;
    s [2] ^= s [0];
    s [3] ^= s [1];
    s [1] ^= s [2];
    s [0] ^= s [3];
    s [2] ^= t;
    s [3] = s_rotl (s [3], 45);
    return result;
}

uint64_t
lc_rng_range (lc_rng_t *rng, uint64_t lo, uint64_t hi)
{
    if (hi <= lo)
        return lo;
    uint64_t span = hi - lo + 1;
    if (span == 0)                  //  the whole 64-bit range
        return lc_rng_next (rng);
    //  Reject the top partial bucket so every value is equally likely
    uint64_t limit = UINT64_MAX - UINT64_MAX % span;
    uint64_t x;
    do
        x = lc_rng_next (rng);
    while (x >= limit);
    return lo + x % span;
}

lc_action_t
lc_clock_action (uint64_t roll, size_t peer_count, lc_rng_t *rng)
{
    lc_action_t action = { LC_ACT_INTERNAL, 0 };
    if (peer_count == 0 || roll < 1 || roll > 3)
        return action;
    if (roll == 3) {
        action.kind = LC_ACT_SEND_ALL;
        return action;
    }
    action.kind = LC_ACT_SEND_ONE;
    if (peer_count == 1)
        action.peer = 0;
    else
    if (peer_count == 2)
        action.peer = (size_t) roll - 1;
    else
        action.peer = (size_t) lc_rng_range (rng, 0, peer_count - 1);
    return action;
}
