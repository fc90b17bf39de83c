/*  lc_alloc.h - the one policy for allocation failure: say so and abort.

    lclock never carries on without memory it asked for: a machine that
    dropped a message or an analyzer that skipped a row for want of memory
    would report a run that did not happen. Each call either returns the
    memory or writes "lclock: out of memory (N bytes)" on stderr and aborts.
*/
#ifndef LC_ALLOC_H_INCLUDED
#define LC_ALLOC_H_INCLUDED

#include <stddef.h>

void *
    lc_malloc (size_t size);
//  count * size bytes, zeroed; the product is checked for overflow
void *
    lc_calloc (size_t count, size_t size);
//  count * size bytes; the product is checked for overflow
void *
    lc_realloc (void *pointer, size_t count, size_t size);
char *
    lc_strdup (const char *text);
//  A ring buffer grown: the count items (of size bytes) that start at head
//  in ring, a buffer of capacity items (a power of two; NULL when 0), moved
//  in order to the start of a new zeroed buffer of new_capacity items,
//  which is returned; ring is freed
void *
    lc_ring_grow (void *ring, size_t size, size_t head, size_t count,
                  size_t capacity, size_t new_capacity);

#endif
