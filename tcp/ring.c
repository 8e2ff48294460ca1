/*
 * The byte rings behind the send and receive queues.  TCP's queues are byte
 * streams, not datagrams: tcp_send copies the caller's bytes in, segments
 * are cut from the ring at any offset when sent or retransmitted, and
 * acknowledged bytes are dropped from the front.  Out-of-order data is
 * written beyond the end at its place and counted in once the hole fills.
 */
#include "tcp_private.h"

int tcp_ring_init(struct tcp_ring *ring, size_t size)
{
    uint8_t *data = net_alloc(size);
    if (!data)
        return -ENOMEM;
    net_free(ring->data);
    ring->data = data;
    ring->size = size;
    ring->head = ring->length = 0;
    return 0;
}

void tcp_ring_free(struct tcp_ring *ring)
{
    net_free(ring->data);
    ring->data = NULL;
    ring->size = ring->head = ring->length = 0;
}

size_t tcp_ring_space(const struct tcp_ring *ring)
{
    return ring->size - ring->length;
}

/* Copies length bytes to ring position offset (from head), wrapping. */
static void copy_in(struct tcp_ring *ring, size_t offset, const uint8_t *data, size_t length)
{
    size_t position = (ring->head + offset) % ring->size;
    size_t first = MIN(length, ring->size - position);
    memcpy(ring->data + position, data, first);
    memcpy(ring->data, data + first, length - first);
}

size_t tcp_ring_append(struct tcp_ring *ring, const void *data, size_t length)
{
    length = MIN(length, tcp_ring_space(ring));
    if (length)
        copy_in(ring, ring->length, data, length);
    ring->length += length;
    return length;
}

void tcp_ring_write_beyond(struct tcp_ring *ring, size_t offset, const void *data, size_t length)
{
    if (ring->length + offset + length <= ring->size && length)
        copy_in(ring, ring->length + offset, data, length);
}

void tcp_ring_grow(struct tcp_ring *ring, size_t length)
{
    ring->length = MIN(ring->size, ring->length + length);
}

void tcp_ring_copy_out(const struct tcp_ring *ring, size_t offset, void *data, size_t length)
{
    if (!length)
        return;
    size_t position = (ring->head + offset) % ring->size;
    size_t first = MIN(length, ring->size - position);
    memcpy(data, ring->data + position, first);
    memcpy((uint8_t *)data + first, ring->data, length - first);
}

void tcp_ring_drop(struct tcp_ring *ring, size_t length)
{
    length = MIN(length, ring->length);
    ring->length -= length;
    ring->head = ring->size ? (ring->head + length) % ring->size : 0;
}
