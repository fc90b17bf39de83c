/*  lc_model.h - one model machine's rules, pure: no sockets, no wall
    clock, no files (docs/model.md).

    The state a machine carries from tick to tick (rate, clock, send
    sequence, its RNG stream, its peers) and the one step a tick takes:
    given whether a message waits in the buffer (and the clock it carries),
    the step says what the tick does: take it (recv), an internal event,
    or a send to one peer or to every peer, with the new clock and sequence
    number. `lclock machine` carries the steps out on sockets and a log;
    a simulator carries them out on a virtual clock. Both draw exactly the
    same numbers from the same RNG stream for the same run seed and id:
    the rate at init, then one roll per tick with an empty buffer, and
    with more than two peers one peer pick per roll of 1 or 2.
*/
#ifndef LC_MODEL_H_INCLUDED
#define LC_MODEL_H_INCLUDED

#include "lclock.h"
#include "lc_clock.h"

typedef struct {
    uint32_t id;                //  this machine's id
    uint32_t rate;              //  ticks per model second
    uint32_t roll;              //  K of the 1..K roll
    uint64_t tick;              //  last tick done (0 before the first)
    uint64_t clock;             //  Lamport clock
    uint64_t seq;               //  last send sequence number (0: none yet)
    lc_rng_t rng;               //  this machine's RNG stream
    size_t peer_count;          //  entries of peers
    uint32_t peers [LC_PEERS_MAX];  //  peer ids, ascending
} lc_model_t;

typedef enum {
    LC_STEP_RECV,               //  took one message from the buffer
    LC_STEP_INTERNAL,           //  an internal event
    LC_STEP_SEND                //  a send event (to one peer or to all)
} lc_step_kind_t;

//  What one tick did
typedef struct {
    lc_step_kind_t kind;        //  recv, internal or send
    uint64_t tick;              //  the tick (the model's new tick)
    uint64_t clock;             //  the clock after the event
    uint64_t seq;               //  send: the event's sequence number
    bool to_all;                //  send: to every peer (roll 3)
    size_t peer;                //  send to one: index into the peers
    uint32_t peer_id;           //  send to one: that peer's id
    uint64_t roll;              //  internal, send: the roll drawn (1..K)
} lc_model_step_t;

//  A first start: seeds the stream of (seed, id), draws the rate from
//  rate_min..rate_max (a fixed rate draws nothing), clock, tick and
//  sequence at 0. peers: peer_count ids, ascending, without id.
void
    lc_model_init (lc_model_t *self, uint32_t id, uint64_t seed,
                   uint32_t rate_min, uint32_t rate_max, uint32_t roll,
                   const uint32_t *peers, size_t peer_count);

//  A restart with --resume: the rate of the first start (it is not drawn
//  again), a fresh stream for restart number restarts (1 for the first
//  restart: the stream of seed + restarts, so that the restart does not
//  replay the first start's rolls), and the tick, clock and sequence
//  number the log ends with.
void
    lc_model_resume (lc_model_t *self, uint32_t rate, uint64_t seed,
                     uint64_t restarts, uint64_t tick, uint64_t clock,
                     uint64_t seq);

//  Ticks that fell due while a resumed machine was down are not run:
//  moves the last tick done forward to tick (never back).
void
    lc_model_skip_to (lc_model_t *self, uint64_t tick);

//  One tick. has_message: the buffer is not empty, and the caller takes
//  its first message, which carried msg_clock. Returns what the tick did.
lc_model_step_t
    lc_model_tick (lc_model_t *self, bool has_message, uint64_t msg_clock);

//  Ticks in a run of duration model seconds: floor (rate x duration).
uint64_t
    lc_model_ticks_in (const lc_model_t *self, double duration);

#endif
