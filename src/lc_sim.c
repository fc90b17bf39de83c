/*  lc_sim.c - N model machines on a virtual clock, pure (docs/simulate.md).

    A discrete-event loop. One binary heap holds each machine's next tick
    (one entry per machine), in the order of the tie rule of lc_sim.h: time,
    then machine id. Messages in flight wait in their recipient's own heap,
    by arrival time and then send order, and enter its buffer when it next
    ticks (all that have arrived by then) or when it stops: a machine's
    buffer matters only at its ticks, so this is the order of lc_sim.h's
    rule (arrivals before ticks at an instant) at the cost of a small heap
    per recipient instead of one large one. Each tick is one lc_model_tick,
    so the rules and the random draws are the ones `lclock machine` uses.
*/
#include "lc_sim.h"
#include "lc_alloc.h"
#include "lc_inbox.h"
#include "lc_model.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define S_NS_PER_SEC    1000000000ULL
#define S_NETWORK_ID    0           //  the network's RNG stream: no machine
                                    //  has id 0


//  A tick or an arrival, in a heap
typedef struct {
    lc_sim_time_t at;           //  when it happens
    uint64_t order;             //  at equal times: ticks by machine id,
                                //  arrivals by send number
    uint32_t machine;           //  tick: index of the machine
    lc_inbox_item_t message;        //  arrival: the message
} s_event_t;

typedef struct {
    s_event_t *items;           //  a binary heap, earliest first
    size_t len;                 //  events in it
    size_t size;                //  slots allocated
} s_heap_t;

typedef struct {
    lc_model_t model;           //  rate, tick, clock, seq, RNG
    uint64_t ticks_due;         //  floor (rate x duration)
    lc_inbox_t inbox;           //  the receive buffer: its length is the
                                //  queue
    s_heap_t inbound;           //  messages on their way to it
    lc_sim_time_t last;         //  its last tick or arrival so far
    lc_sim_totals_t totals;     //  for its summary
} s_machine_t;

struct _lc_sim_t {
    lc_sim_config_t config;     //  settings (rates not kept)
    s_machine_t *machines;      //  machine id is index + 1
    lc_rng_t network;           //  the delay draws
    s_heap_t ticks;             //  each machine's next tick
    uint64_t sends;             //  messages sent so far (their order)
    lc_row_t row;               //  the row being formed (2 KiB: one, kept)
};

//  --------------------------------------------------------------------------
//  Time

lc_sim_time_t
lc_sim_tick_time (uint64_t tick, uint32_t rate)
{
    assert (rate >= 1);
    //  tick / rate whole seconds, then the rest: part x 1e9 < 1e15, exact
    uint64_t whole = tick / rate, part = tick % rate;
    uint64_t part_ns = part * S_NS_PER_SEC;
    lc_sim_time_t t = { (int64_t) (whole * S_NS_PER_SEC + part_ns / rate),
                        (uint32_t) (part_ns % rate), rate };
    return t;
}

lc_sim_time_t
lc_sim_time_add (lc_sim_time_t t, int64_t ns)
{
    t.ns += ns;
    return t;
}

int
lc_sim_time_cmp (lc_sim_time_t a, lc_sim_time_t b)
{
    if (a.ns != b.ns)
        return a.ns < b.ns ? -1 : 1;
    //  rem < den <= LC_RATE_MAX: each product below 2^40
    uint64_t x = (uint64_t) a.rem * b.den, y = (uint64_t) b.rem * a.den;
    return x < y ? -1 : x > y;
}

int64_t
lc_sim_time_us (lc_sim_time_t t)
{
    return LC_SIM_ORIGIN_US + t.ns / 1000;
}

//  --------------------------------------------------------------------------
//  Heaps of events

static bool
s_before (const s_event_t *a, const s_event_t *b)
{
    int cmp = lc_sim_time_cmp (a->at, b->at);
    return cmp < 0 || (cmp == 0 && a->order < b->order);
}

static void
s_push (s_heap_t *heap, const s_event_t *event)
{
    if (heap->len == heap->size) {
        heap->size = heap->size ? heap->size * 2 : 16;
        heap->items = lc_realloc (heap->items, heap->size, sizeof *heap->items);
    }
    size_t at = heap->len++;
    while (at > 0) {
        size_t parent = (at - 1) / 2;
        if (!s_before (event, &heap->items [parent]))
            break;
        heap->items [at] = heap->items [parent];
        at = parent;
    }
    heap->items [at] = *event;
}

static s_event_t
s_pop (s_heap_t *heap)
{
    assert (heap->len);
    s_event_t top = heap->items [0];
    s_event_t last = heap->items [--heap->len];
    size_t at = 0, len = heap->len;
    while (true) {
        size_t child = 2 * at + 1;
        if (child >= len)
            break;
        if (child + 1 < len && s_before (&heap->items [child + 1], &heap->items [child]))
            child++;
        if (!s_before (&heap->items [child], &last))
            break;
        heap->items [at] = heap->items [child];
        at = child;
    }
    if (len)
        heap->items [at] = last;
    return top;
}

//  --------------------------------------------------------------------------
//  The receive buffer

static void
s_arrived (s_machine_t *m, const s_event_t *arrival)
{
    if (lc_sim_time_cmp (arrival->at, m->last) > 0)
        m->last = arrival->at;
}

//  Every message that has arrived at m by time at (all, when at is NULL)
//  into its buffer, in order of arrival and then of sending. A buffer
//  holding LC_QUEUE_MAX messages takes no more, as a machine's does: the
//  rest wait on their way, and are left unread at the stop.
static void
s_take_arrived (s_machine_t *m, const lc_sim_time_t *at)
{
    while (m->inbound.len
       &&  (!at || lc_sim_time_cmp (m->inbound.items [0].at, *at) <= 0)
       &&  lc_inbox_push (&m->inbox, &m->inbound.items [0].message)) {
        s_event_t arrival = s_pop (&m->inbound);
        s_arrived (m, &arrival);
    }
}

//  --------------------------------------------------------------------------
//  Setup

lc_sim_t *
lc_sim_new (const lc_sim_config_t *config)
{
    assert (config->machines >= 1 && config->machines <= LC_MACHINES_MAX);
    assert (config->duration > 0);
    lc_sim_t *self = lc_calloc (1, sizeof *self);
    self->config = *config;
    self->config.rates = NULL;
    self->machines = lc_calloc (config->machines, sizeof *self->machines);
    uint32_t *peers = lc_malloc (config->machines * sizeof *peers);
    for (uint32_t i = 0; i < config->machines; i++) {
        uint32_t id = i + 1;
        size_t count = 0;
        for (uint32_t j = 1; j <= config->machines; j++)
            if (j != id)
                peers [count++] = j;
        uint32_t min = config->rates ? config->rates [i] : config->rate_min;
        uint32_t max = config->rates ? config->rates [i] : config->rate_max;
        s_machine_t *m = &self->machines [i];
        lc_model_init (&m->model, id, config->seed, min, max, config->roll, peers, count);
        m->ticks_due = lc_model_ticks_in (&m->model, config->duration);
        m->totals.rate = m->model.rate;
        m->totals.start_us = LC_SIM_ORIGIN_US;
    }
    free (peers);
    lc_rng_seed (&self->network, config->seed, S_NETWORK_ID);
    return self;
}

void
lc_sim_destroy (lc_sim_t **self_p)
{
    if (self_p && *self_p) {
        lc_sim_t *self = *self_p;
        for (uint32_t i = 0; i < self->config.machines; i++) {
            lc_inbox_reset (&self->machines [i].inbox);
            free (self->machines [i].inbound.items);
        }
        free (self->machines);
        free (self->ticks.items);
        free (self);
        *self_p = NULL;
    }
}

const lc_sim_totals_t *
lc_sim_totals (const lc_sim_t *self, uint32_t id)
{
    assert (id >= 1 && id <= self->config.machines);
    return &self->machines [id - 1].totals;
}

//  --------------------------------------------------------------------------
//  Running

//  The row's common columns from machine m's state
static lc_row_t *
s_row (lc_sim_t *self, s_machine_t *m, lc_event_t event, lc_sim_time_t at)
{
    lc_row_t *row = &self->row;
    row->time_us = lc_sim_time_us (at);
    row->machine = m->model.id;
    row->event = event;
    row->tick = m->model.tick;
    row->clock = m->model.clock;
    row->queue = m->inbox.length;
    row->peer_count = 0;
    row->has_msg = false;
    m->totals.rows++;
    return row;
}

//  A recv or unread row: the message's sender, id and clock
static void
s_row_message (lc_row_t *row, const lc_inbox_item_t *message)
{
    row->peer_count = 1;
    row->peers [0] = (uint16_t) message->sender;
    row->has_msg = true;
    row->msg_sender = message->sender;
    row->msg_seq = message->seq;
    row->msg_clock = message->clock;
}

static void
s_schedule_tick (lc_sim_t *self, s_machine_t *m)
{
    if (m->model.tick >= m->ticks_due)
        return;
    s_event_t event = {
        .at = lc_sim_tick_time (m->model.tick + 1, m->model.rate),
        .order = m->model.id,
        .machine = m->model.id - 1
    };
    s_push (&self->ticks, &event);
}

//  The send event's row lists its recipients; each gets its own delay
static void
s_send (lc_sim_t *self, s_machine_t *m, const lc_model_step_t *step,
        lc_sim_time_t at, lc_row_t *row)
{
    size_t first = step->to_all ? 0 : step->peer;
    size_t count = step->to_all ? m->model.peer_count : 1;
    row->has_msg = true;
    row->msg_sender = m->model.id;
    row->msg_seq = step->seq;
    row->msg_clock = step->clock;
    s_event_t event = { .message = { .sender = m->model.id, .seq = step->seq,
                                     .clock = step->clock } };
    for (size_t i = first; i < first + count; i++) {
        uint32_t to = m->model.peers [i];
        row->peers [row->peer_count++] = (uint16_t) to;
        event.at = lc_sim_time_add (at, lc_delay_draw_ns (&self->config.delay,
                                                          &self->network));
        event.order = self->sends++;
        s_push (&self->machines [to - 1].inbound, &event);
    }
    m->totals.sent += count;
}

static int
s_tick (lc_sim_t *self, s_machine_t *m, lc_sim_time_t at, lc_sim_sink_fn *sink, void *arg)
{
    s_take_arrived (m, &at);
    lc_inbox_item_t message = { 0 };
    bool has_message = m->inbox.length > 0;
    if (has_message)
        message = lc_inbox_pop (&m->inbox);
    lc_model_step_t step = lc_model_tick (&m->model, has_message, message.clock);
    m->last = at;
    lc_row_t *row;
    if (step.kind == LC_STEP_RECV) {
        row = s_row (self, m, LC_EV_RECV, at);
        s_row_message (row, &message);
        m->totals.received++;
    }
    else
    if (step.kind == LC_STEP_INTERNAL)
        row = s_row (self, m, LC_EV_INTERNAL, at);
    else {
        row = s_row (self, m, LC_EV_SEND, at);
        s_send (self, m, &step, at, row);
    }
    s_schedule_tick (self, m);
    return sink (arg, row);
}

//  After the drain: unread rows, then the stop row
static int
s_stop (lc_sim_t *self, s_machine_t *m, lc_sim_time_t end, lc_sim_sink_fn *sink, void *arg)
{
    s_take_arrived (m, NULL);
    //  What a full buffer could not take has arrived all the same
    for (size_t i = 0; i < m->inbound.len; i++)
        s_arrived (m, &m->inbound.items [i]);
    lc_sim_time_t at = lc_sim_time_cmp (m->last, end) > 0 ? m->last : end;
    size_t left = m->inbox.length + m->inbound.len;
    for (size_t i = 0; i < left; i++) {
        lc_row_t *row = s_row (self, m, LC_EV_UNREAD, at);
        if (i < m->inbox.length)
            s_row_message (row, lc_inbox_at (&m->inbox, i));
        else {
            s_event_t arrival = s_pop (&m->inbound);
            s_row_message (row, &arrival.message);
        }
        row->queue = left;
        int rc = sink (arg, row);
        if (rc)
            return rc;
    }
    lc_row_t *row = s_row (self, m, LC_EV_STOP, at);
    row->queue = left;
    m->totals.ticks = m->model.tick;
    m->totals.unread = left;
    m->totals.final_clock = m->model.clock;
    m->totals.stop_us = row->time_us;
    return sink (arg, row);
}

int
lc_sim_run (lc_sim_t *self, lc_sim_sink_fn *sink, void *arg)
{
    uint32_t count = self->config.machines;
    int rc = 0;
    for (uint32_t i = 0; i < count && rc == 0; i++) {
        s_machine_t *m = &self->machines [i];
        lc_sim_time_t zero = { 0, 0, 1 };
        lc_row_t *row = s_row (self, m, LC_EV_START, zero);
        for (size_t p = 0; p < m->model.peer_count; p++)
            row->peers [row->peer_count++] = (uint16_t) m->model.peers [p];
        rc = sink (arg, row);
        s_schedule_tick (self, m);
    }
    while (self->ticks.len && rc == 0) {
        s_event_t event = s_pop (&self->ticks);
        rc = s_tick (self, &self->machines [event.machine], event.at, sink, arg);
    }
    //  The end of the run in whole nanoseconds (a duration of 1e9 s fits)
    lc_sim_time_t end = { llround (self->config.duration * (double) S_NS_PER_SEC), 0, 1 };
    for (uint32_t i = 0; i < count && rc == 0; i++)
        rc = s_stop (self, &self->machines [i], end, sink, arg);
    self->ticks.len = 0;
    return rc;
}
