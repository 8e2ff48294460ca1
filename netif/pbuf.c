/*
 * Packet buffers and pbuf queues (see pbuf.h for the invariants).
 *
 * A pbuf and its bytes are one allocation: the struct, then the buffer.
 * pbuf_count() counts live pbufs so that tests can check for leaks.
 */
#include "pbuf.h"

static size_t live_pbufs;

size_t pbuf_count(void) { return live_pbufs; }

static struct pbuf *pbuf_allocate_buffer(size_t size)
{
    struct pbuf *pbuf = net_alloc(sizeof(*pbuf) + size);
    if (!pbuf)
        return NULL;
    pbuf->start = (uint8_t *)(pbuf + 1);
    pbuf->end = pbuf->start + size;
    pbuf->ref = 1;
    pbuf->l2_offset = pbuf->l3_offset = pbuf->l4_offset = PBUF_OFFSET_UNSET;
    pbuf->ethertype = 0;
    pbuf->packet_type = PBUF_TO_US;
    pbuf->netif = NULL;
    pbuf->timestamp_ms = 0;
    pbuf->account = NULL;
    pbuf->charge = 0;
    pbuf->checksum_verified = false;
    pbuf->checksum_partial = false;
    pbuf->gso_size = 0;
    live_pbufs++;
    return pbuf;
}

struct pbuf *pbuf_alloc(enum pbuf_layer layer, size_t length)
{
    /* Offsets are 16 bits: no pbuf may be larger than they can address. */
    if (length > 0xffff - (size_t)layer)
        return NULL;
    struct pbuf *pbuf = pbuf_allocate_buffer((size_t)layer + length);
    if (!pbuf)
        return NULL;
    pbuf->data = pbuf->start + layer;
    pbuf->tail = pbuf->data + length;
    return pbuf;
}

void pbuf_get(struct pbuf *pbuf) { pbuf->ref++; }

void pbuf_charge(struct pbuf *pbuf, struct pbuf_account *account)
{
    pbuf->account = account;
    pbuf->charge = (uint32_t)(sizeof(*pbuf) + (size_t)(pbuf->end - pbuf->start));
    account->charged += pbuf->charge;
}

void pbuf_uncharge(struct pbuf *pbuf)
{
    struct pbuf_account *account = pbuf->account;
    if (!account)
        return;
    account->charged -= pbuf->charge;
    pbuf->account = NULL;
    pbuf->charge = 0;
    account->refunded(account);
}

void pbuf_put(struct pbuf *pbuf)
{
    if (!pbuf)
        return;
    NET_ASSERT(pbuf->ref > 0, "pbuf_put on a pbuf whose reference count is 0");
    if (--pbuf->ref)
        return;
    pbuf_uncharge(pbuf);
    live_pbufs--;
    net_free(pbuf);
}

struct pbuf *pbuf_copy(const struct pbuf *pbuf)
{
    struct pbuf *copy = pbuf_allocate_buffer((size_t)(pbuf->end - pbuf->start));
    if (!copy)
        return NULL;
    memcpy(copy->start, pbuf->start, (size_t)(pbuf->end - pbuf->start));
    copy->data = copy->start + (pbuf->data - pbuf->start);
    copy->tail = copy->start + (pbuf->tail - pbuf->start);
    copy->l2_offset = pbuf->l2_offset;
    copy->l3_offset = pbuf->l3_offset;
    copy->l4_offset = pbuf->l4_offset;
    copy->ethertype = pbuf->ethertype;
    copy->packet_type = pbuf->packet_type;
    copy->netif = pbuf->netif;
    copy->timestamp_ms = pbuf->timestamp_ms;
    copy->checksum_verified = pbuf->checksum_verified;
    copy->checksum_partial = pbuf->checksum_partial;
    copy->gso_size = pbuf->gso_size;
    return copy;
}

void *pbuf_push(struct pbuf *pbuf, size_t length)
{
    if (length > pbuf_headroom(pbuf))
        return NULL;
    pbuf->data -= length;
    return pbuf->data;
}

void *pbuf_pull(struct pbuf *pbuf, size_t length)
{
    if (length > pbuf_length(pbuf))
        return NULL;
    pbuf->data += length;
    return pbuf->data;
}

void *pbuf_append(struct pbuf *pbuf, size_t length)
{
    if (length > (size_t)(pbuf->end - pbuf->tail))
        return NULL;
    uint8_t *added = pbuf->tail;
    pbuf->tail += length;
    return added;
}

void pbuf_trim(struct pbuf *pbuf, size_t length)
{
    if (length < pbuf_length(pbuf))
        pbuf->tail = pbuf->data + length;
}

/* Queue entries are separate from pbufs, so one pbuf can be on many queues. */
struct pbuf_queue_entry {
    struct list_node node;
    struct pbuf *pbuf;
    size_t length;      /* as counted in bytes when pushed */
};

void pbuf_queue_init(struct pbuf_queue *queue, size_t limit_bytes)
{
    list_init(&queue->entries);
    queue->count = 0;
    queue->bytes = 0;
    queue->limit_bytes = limit_bytes;
}

/*
 * Full means the bytes already queued reach the limit, as Linux's socket
 * receive queues judge it (sk_rmem_alloc >= sk_rcvbuf): a queue below its
 * limit always accepts one more packet, whatever its size.
 */
bool pbuf_queue_push(struct pbuf_queue *queue, struct pbuf *pbuf)
{
    if (queue->bytes >= queue->limit_bytes)
        return false;
    struct pbuf_queue_entry *entry = net_alloc(sizeof(*entry));
    if (!entry)
        return false;
    pbuf_get(pbuf);
    entry->pbuf = pbuf;
    entry->length = pbuf_length(pbuf);
    list_push_back(&queue->entries, &entry->node);
    queue->count++;
    queue->bytes += pbuf_length(pbuf);
    return true;
}

struct pbuf *pbuf_queue_peek(struct pbuf_queue *queue)
{
    if (list_empty(&queue->entries))
        return NULL;
    return container_of(queue->entries.next, struct pbuf_queue_entry, node)->pbuf;
}

struct pbuf *pbuf_queue_pop(struct pbuf_queue *queue)
{
    if (list_empty(&queue->entries))
        return NULL;
    struct pbuf_queue_entry *entry =
        container_of(queue->entries.next, struct pbuf_queue_entry, node);
    struct pbuf *pbuf = entry->pbuf;
    NET_ASSERT(queue->count > 0 && queue->bytes >= entry->length,
               "pbuf_queue holds an entry its count or bytes do not");
    queue->count--;
    queue->bytes -= entry->length;
    list_remove(&entry->node);
    net_free(entry);
    NET_ASSERT(!list_empty(&queue->entries) || (queue->count == 0 && queue->bytes == 0),
               "an empty pbuf_queue whose count or bytes are not 0");
    return pbuf;
}

void pbuf_queue_clear(struct pbuf_queue *queue)
{
    struct pbuf *pbuf;
    while ((pbuf = pbuf_queue_pop(queue)))
        pbuf_put(pbuf);
}
