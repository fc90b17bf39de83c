/*  lc_inbox.h - the machine's receive buffer: a FIFO of the messages taken
    off the network, whose length is the queue length (docs/model.md).
*/
#ifndef LC_INBOX_H_INCLUDED
#define LC_INBOX_H_INCLUDED

#include "lclock.h"

typedef struct {
    uint32_t sender;            //  sender id
    uint32_t peer;              //  the sender's index among the peers
    uint64_t seq;               //  the sender's send sequence number
    uint64_t clock;             //  clock it carried
} lc_inbox_item_t;

typedef struct {
    lc_inbox_item_t *ring;      //  capacity slots, a power of two
    size_t capacity;            //  slots allocated
    size_t head;                //  index of the oldest message
    size_t length;              //  messages held: the queue length
} lc_inbox_t;

//  Appends an item. False, with nothing taken, when LC_QUEUE_MAX messages
//  are held already.
bool
    lc_inbox_push (lc_inbox_t *self, const lc_inbox_item_t *item);
//  Takes the oldest item; the inbox must not be empty.
lc_inbox_item_t
    lc_inbox_pop (lc_inbox_t *self);
//  The i-th oldest item, i < length.
const lc_inbox_item_t *
    lc_inbox_at (const lc_inbox_t *self, size_t i);
//  Frees the ring; the inbox is empty again.
void
    lc_inbox_reset (lc_inbox_t *self);

#endif
