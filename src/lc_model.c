/*  lc_model.c - one model machine's rules, pure (docs/model.md).

    The order of draws is part of the contract between `lclock machine`
    and a simulator of the same run: rate first (at init), then per tick
    with an empty buffer the roll, then, for a roll of 1 or 2 with more
    than two peers, the peer. A tick that takes a message draws nothing.
*/
#include "lc_model.h"

#include <assert.h>
#include <math.h>
#include <string.h>

//  rate x duration is an exact integer in a double for every allowed
//  value; the epsilon absorbs a product such as 3 x 0.1 = 0.30000000000000004
//  falling just below the whole number it stands for
#define S_TICK_EPSILON  1e-9

void
lc_model_init (lc_model_t *self, uint32_t id, uint64_t seed,
               uint32_t rate_min, uint32_t rate_max, uint32_t roll,
               const uint32_t *peers, size_t peer_count)
{
    assert (rate_min >= LC_RATE_MIN && rate_min <= rate_max);
    assert (roll >= LC_ROLL_MIN);
    assert (peer_count <= LC_PEERS_MAX);
    memset (self, 0, sizeof *self);
    self->id = id;
    self->roll = roll;
    self->peer_count = peer_count;
    for (size_t i = 0; i < peer_count; i++) {
        assert (peers [i] != id && (i == 0 || peers [i] > peers [i - 1]));
        self->peers [i] = peers [i];
    }
    lc_rng_seed (&self->rng, seed, id);
    self->rate = (uint32_t) lc_rng_range (&self->rng, rate_min, rate_max);
}

void
lc_model_resume (lc_model_t *self, uint32_t rate, uint64_t seed,
                 uint64_t restarts, uint64_t tick, uint64_t clock, uint64_t seq)
{
    assert (rate >= LC_RATE_MIN && restarts >= 1);
    self->rate = rate;
    lc_rng_seed (&self->rng, seed + restarts, self->id);
    self->tick = tick;
    self->clock = clock;
    self->seq = seq;
}

void
lc_model_skip_to (lc_model_t *self, uint64_t tick)
{
    if (tick > self->tick)
        self->tick = tick;
}

lc_model_step_t
lc_model_tick (lc_model_t *self, bool has_message, uint64_t msg_clock)
{
    lc_model_step_t step = { .tick = ++self->tick };
    if (has_message) {
        step.kind = LC_STEP_RECV;
        step.clock = self->clock = lc_clock_receive (self->clock, msg_clock);
        return step;
    }
    step.roll = lc_rng_range (&self->rng, 1, self->roll);
    lc_action_t action = lc_clock_action (step.roll, self->peer_count, &self->rng);
    step.clock = self->clock = lc_clock_local (self->clock);
    if (action.kind == LC_ACT_INTERNAL) {
        step.kind = LC_STEP_INTERNAL;
        return step;
    }
    step.kind = LC_STEP_SEND;
    step.seq = ++self->seq;
    step.to_all = action.kind == LC_ACT_SEND_ALL;
    if (!step.to_all) {
        step.peer = action.peer;
        step.peer_id = self->peers [action.peer];
    }
    return step;
}

uint64_t
lc_model_ticks_in (const lc_model_t *self, double duration)
{
    return (uint64_t) floor ((double) self->rate * duration + S_TICK_EPSILON);
}
