/*  lc_alloc.c - allocation that never fails quietly.
*/
#include "lc_alloc.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
s_out_of_memory (size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        fprintf (stderr, "lclock: out of memory (%zu x %zu bytes)\n", count, size);
    else
        fprintf (stderr, "lclock: out of memory (%zu bytes)\n", count * size);
    abort ();
}

void *
lc_malloc (size_t size)
{
    void *pointer = malloc (size ? size : 1);
    if (!pointer)
        s_out_of_memory (1, size);
    return pointer;
}

void *
lc_calloc (size_t count, size_t size)
{
    void *pointer = calloc (count ? count : 1, size ? size : 1);
    if (!pointer)
        s_out_of_memory (count, size);
    return pointer;
}

void *
lc_realloc (void *pointer, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        s_out_of_memory (count, size);
    size_t total = count * size;
    void *grown = realloc (pointer, total ? total : 1);
    if (!grown)
        s_out_of_memory (count, size);
    return grown;
}

char *
lc_strdup (const char *text)
{
    char *copy = strdup (text);
    if (!copy)
        s_out_of_memory (1, strlen (text) + 1);
    return copy;
}

void *
lc_ring_grow (void *ring, size_t size, size_t head, size_t count,
              size_t capacity, size_t new_capacity)
{
    assert (count <= capacity && count <= new_capacity);
    assert (head < capacity || count == 0);
    char *grown = lc_calloc (new_capacity, size);
    if (count) {
        //  From head to the end of the buffer, then what wrapped
        size_t first = capacity - head < count ? capacity - head : count;
        memcpy (grown, (char *) ring + head * size, first * size);
        memcpy (grown + first * size, ring, (count - first) * size);
    }
    free (ring);
    return grown;
}
