/*  lc_inbox.c - the receive buffer: a ring that grows by doubling, up to
    LC_QUEUE_MAX messages.
*/
#include "lc_inbox.h"
#include "lc_alloc.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

bool
lc_inbox_push (lc_inbox_t *self, const lc_inbox_item_t *item)
{
    if (self->length == self->capacity) {
        if (self->capacity >= LC_QUEUE_MAX)
            return false;
        size_t capacity = self->capacity ? self->capacity * 2 : 64;
        self->ring = lc_ring_grow (self->ring, sizeof *self->ring, self->head,
                                   self->length, self->capacity, capacity);
        self->capacity = capacity;
        self->head = 0;
    }
    self->ring [(self->head + self->length) & (self->capacity - 1)] = *item;
    self->length++;
    return true;
}

lc_inbox_item_t
lc_inbox_pop (lc_inbox_t *self)
{
    assert (self->length);
    lc_inbox_item_t item = self->ring [self->head];
    self->head = (self->head + 1) & (self->capacity - 1);
    self->length--;
    return item;
}

const lc_inbox_item_t *
lc_inbox_at (const lc_inbox_t *self, size_t i)
{
    assert (i < self->length);
    return &self->ring [(self->head + i) & (self->capacity - 1)];
}

void
lc_inbox_reset (lc_inbox_t *self)
{
    free (self->ring);
    memset (self, 0, sizeof *self);
}
