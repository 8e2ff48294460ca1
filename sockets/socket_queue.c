/* Socket receive queues of pbuf references; see socket_queue.h. */
#include "socket_queue.h"

void socket_queue_init(struct socket_queue *queue)
{
    list_init(&queue->entries);
    queue->count = queue->bytes = 0;
}

bool socket_queue_push(struct socket_queue *queue, struct pbuf *pbuf,
                       const struct socket_packet *info, size_t limit)
{
    if (queue->count && queue->bytes + info->length > limit)
        return false;
    struct socket_packet *packet = net_alloc(sizeof(*packet));
    if (!packet)
        return false;
    *packet = *info;
    packet->pbuf = pbuf;
    pbuf_get(pbuf);
    list_push_back(&queue->entries, &packet->node);
    queue->count++;
    queue->bytes += packet->length;
    return true;
}

struct socket_packet *socket_queue_peek(struct socket_queue *queue)
{
    if (list_empty(&queue->entries))
        return NULL;
    return container_of(queue->entries.next, struct socket_packet, node);
}

struct socket_packet *socket_queue_pop(struct socket_queue *queue)
{
    struct socket_packet *packet = socket_queue_peek(queue);
    if (!packet)
        return NULL;
    NET_ASSERT(queue->count > 0 && queue->bytes >= packet->length,
               "socket_queue holds an entry its count or bytes do not");
    list_remove(&packet->node);
    queue->count--;
    queue->bytes -= packet->length;
    NET_ASSERT(!list_empty(&queue->entries) || (queue->count == 0 && queue->bytes == 0),
               "an empty socket_queue whose count or bytes are not 0");
    return packet;
}

void socket_packet_free(struct socket_packet *packet)
{
    pbuf_put(packet->pbuf);
    net_free(packet);
}

void socket_queue_clear(struct socket_queue *queue)
{
    struct socket_packet *packet;
    while ((packet = socket_queue_pop(queue)))
        socket_packet_free(packet);
}
