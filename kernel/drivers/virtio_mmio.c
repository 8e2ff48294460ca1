/*
 * The virtio-mmio transport (virtio spec v1.1 section 4.2) and split
 * virtqueues (section 2.6), for modern (Version 2) devices.
 */
#include <virtio.h>
#include <devicetree.h>
#include <interrupt.h>
#include <page.h>
#include <arch/mmio.h>

/* Register offsets (4.2.2). */
enum {
    MMIO_MAGIC = 0x000,
    MMIO_VERSION = 0x004,
    MMIO_DEVICE_ID = 0x008,
    MMIO_DEVICE_FEATURES = 0x010,
    MMIO_DEVICE_FEATURES_SELECT = 0x014,
    MMIO_DRIVER_FEATURES = 0x020,
    MMIO_DRIVER_FEATURES_SELECT = 0x024,
    MMIO_QUEUE_SELECT = 0x030,
    MMIO_QUEUE_SIZE_MAX = 0x034,
    MMIO_QUEUE_SIZE = 0x038,
    MMIO_QUEUE_READY = 0x044,
    MMIO_QUEUE_NOTIFY = 0x050,
    MMIO_INTERRUPT_STATUS = 0x060,
    MMIO_INTERRUPT_ACK = 0x064,
    MMIO_STATUS = 0x070,
    MMIO_QUEUE_DESCRIPTORS = 0x080,     /* low, high at +4 */
    MMIO_QUEUE_DRIVER = 0x090,          /* the available ring */
    MMIO_QUEUE_DEVICE = 0x0a0,          /* the used ring */
    MMIO_CONFIG_GENERATION = 0x0fc,
    MMIO_CONFIG = 0x100,
};
#define VIRTIO_MMIO_MAGIC 0x74726976    /* "virt", little-endian */

/* Device status bits (2.1). */
enum {
    STATUS_ACKNOWLEDGE = 1, STATUS_DRIVER = 2, STATUS_DRIVER_OK = 4,
    STATUS_FEATURES_OK = 8, STATUS_FAILED = 128,
};

#define MAX_DEVICES 32                  /* QEMU's virt machine has 32 slots */
static struct virtio_device *devices[MAX_DEVICES];
static size_t device_count;

static uint32_t read_register(struct virtio_device *device, unsigned offset)
{
    return mmio_read32(device->registers + offset);
}

static void write_register(struct virtio_device *device, unsigned offset, uint32_t value)
{
    mmio_write32(device->registers + offset, value);
}

/*
 * One handler serves every virtio interrupt: the GIC layer passes no
 * argument, so find the devices with something pending.  Acknowledging
 * before the driver looks at its rings means a buffer used meanwhile raises
 * the (level-triggered) line again rather than being missed.
 */
static void virtio_interrupt(void)
{
    for (size_t i = 0; i < device_count; i++) {
        struct virtio_device *device = devices[i];
        uint32_t status = read_register(device, MMIO_INTERRUPT_STATUS);
        if (!status)
            continue;
        write_register(device, MMIO_INTERRUPT_ACK, status);
        if (device->interrupt_handler)
            device->interrupt_handler(device, status);
    }
}

int virtio_mmio_probe_all(uint32_t device_id, int (*probe)(struct virtio_device *device))
{
    int found = 0;
    for (int node = devicetree_find_compatible("virtio,mmio", -1); node >= 0;
         node = devicetree_find_compatible("virtio,mmio", node)) {
        uint64_t base;
        int interrupt = devicetree_interrupt(node, 0);
        if (!devicetree_reg(node, 0, &base, NULL) || interrupt < 0)
            continue;
        volatile uint8_t *registers = phys_to_virt(base);
        if (mmio_read32(registers + MMIO_MAGIC) != VIRTIO_MMIO_MAGIC ||
            mmio_read32(registers + MMIO_DEVICE_ID) != device_id)
            continue;
        if (mmio_read32(registers + MMIO_VERSION) != 2) {
            kernel_log("virtio: device %u at %lx is legacy; start QEMU with "
                       "-global virtio-mmio.force-legacy=false\n", device_id, base);
            continue;
        }
        if (device_count == MAX_DEVICES)
            break;
        struct virtio_device *device = kzalloc(sizeof(*device));
        if (!device)
            break;
        device->registers = registers;
        device->interrupt = interrupt;
        device->device_id = device_id;
        if (probe(device)) {
            kfree(device);
            continue;
        }
        devices[device_count++] = device;
        interrupt_register(interrupt, virtio_interrupt);
        found++;
    }
    return found;
}

int virtio_negotiate(struct virtio_device *device, uint64_t wanted, uint64_t required,
                     uint64_t (*drop_unusable)(uint64_t features))
{
    /* 3.1.1: reset, then ACKNOWLEDGE and DRIVER. */
    write_register(device, MMIO_STATUS, 0);
    while (read_register(device, MMIO_STATUS))
        ;
    write_register(device, MMIO_STATUS, STATUS_ACKNOWLEDGE);
    write_register(device, MMIO_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);

    uint64_t offered = 0;
    for (uint32_t word = 0; word < 2; word++) {
        write_register(device, MMIO_DEVICE_FEATURES_SELECT, word);
        offered |= (uint64_t)read_register(device, MMIO_DEVICE_FEATURES) << (32 * word);
    }
    if ((offered & required) != required) {
        virtio_fail(device);
        return -ENODEV;
    }
    device->features = offered & wanted;
    if (drop_unusable)
        device->features = drop_unusable(device->features);
    for (uint32_t word = 0; word < 2; word++) {
        write_register(device, MMIO_DRIVER_FEATURES_SELECT, word);
        write_register(device, MMIO_DRIVER_FEATURES, (uint32_t)(device->features >> (32 * word)));
    }
    write_register(device, MMIO_STATUS,
                   STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
    /* The device may refuse the subset: it then leaves FEATURES_OK clear. */
    if (!(read_register(device, MMIO_STATUS) & STATUS_FEATURES_OK)) {
        virtio_fail(device);
        return -ENODEV;
    }
    return 0;
}

void virtio_fail(struct virtio_device *device)
{
    write_register(device, MMIO_STATUS, read_register(device, MMIO_STATUS) | STATUS_FAILED);
}

void virtio_driver_ok(struct virtio_device *device)
{
    write_register(device, MMIO_STATUS, read_register(device, MMIO_STATUS) | STATUS_DRIVER_OK);
}

static void write_address(struct virtio_device *device, unsigned offset, const void *address)
{
    uint64_t physical = virt_to_phys(address);
    write_register(device, offset, (uint32_t)physical);
    write_register(device, offset + 4, (uint32_t)(physical >> 32));
}

/*
 * The three parts of a split virtqueue (2.6): descriptors (16-byte aligned),
 * the available ring (2-byte aligned) and the used ring (4-byte aligned).
 * Modern MMIO takes each address separately; one zeroed page block holds
 * them all, at those alignments.
 */
int virtqueue_setup(struct virtio_device *device, struct virtqueue *queue, uint16_t index,
                    uint16_t max_size)
{
    write_register(device, MMIO_QUEUE_SELECT, index);
    if (read_register(device, MMIO_QUEUE_READY))
        return -EBUSY;
    uint32_t size_max = read_register(device, MMIO_QUEUE_SIZE_MAX);
    if (!size_max || !max_size)
        return -ENOENT;
    /* The largest power of two within both limits: split queue sizes are
     * powers of two (2.6). */
    uint32_t size = 1;
    while (size * 2 <= MIN(size_max, (uint32_t)max_size))
        size *= 2;

    size_t descriptors_bytes = 16 * size;
    size_t available_bytes = ALIGN_UP(6 + 2 * size, 4);
    size_t used_bytes = 6 + 8 * size;
    size_t total = descriptors_bytes + available_bytes + used_bytes;
    unsigned order = 0;
    while ((PAGE_SIZE << order) < total)
        order++;
    uint8_t *memory = pages_alloc(order);
    queue->tokens = kzalloc(size * sizeof(void *));
    if (!memory || !queue->tokens) {
        if (memory)
            pages_free(memory, order);
        kfree(queue->tokens);
        return -ENOMEM;
    }
    memset(memory, 0, PAGE_SIZE << order);
    queue->device = device;
    queue->index = index;
    queue->size = (uint16_t)size;
    queue->descriptors = (struct virtq_desc *)memory;
    queue->available = (struct virtq_avail *)(memory + descriptors_bytes);
    queue->used = (struct virtq_used *)(memory + descriptors_bytes + available_bytes);
    queue->last_used = 0;
    queue->free_head = 0;
    queue->free_count = (uint16_t)size;
    for (uint16_t i = 0; i < size; i++)
        queue->descriptors[i].next = (uint16_t)(i + 1);

    write_register(device, MMIO_QUEUE_SIZE, size);
    write_address(device, MMIO_QUEUE_DESCRIPTORS, queue->descriptors);
    write_address(device, MMIO_QUEUE_DRIVER, queue->available);
    write_address(device, MMIO_QUEUE_DEVICE, queue->used);
    write_register(device, MMIO_QUEUE_READY, 1);
    return 0;
}

/*
 * 4.2.2.2: configuration fields are read with accesses of their own width,
 * aligned (a 16-bit field with one 16-bit read); byte arrays byte by byte.
 */
void virtio_config_read(struct virtio_device *device, size_t offset, void *buffer,
                        size_t length)
{
    volatile uint8_t *config = device->registers + MMIO_CONFIG + offset;
    uint32_t generation;
    do {
        generation = read_register(device, MMIO_CONFIG_GENERATION);
        if (length == 2 && !(offset % 2)) {
            uint16_t value = *(volatile uint16_t *)config;
            memcpy(buffer, &value, 2);
        } else if (length == 4 && !(offset % 4)) {
            uint32_t value = *(volatile uint32_t *)config;
            memcpy(buffer, &value, 4);
        } else {
            for (size_t i = 0; i < length; i++)
                ((uint8_t *)buffer)[i] = config[i];
        }
    } while (generation != read_register(device, MMIO_CONFIG_GENERATION));
}

int virtqueue_add(struct virtqueue *queue, uint64_t physical, uint32_t length,
                  bool device_writes, void *token)
{
    if (!queue->free_count)
        return -ENOSPC;
    uint16_t id = queue->free_head;
    struct virtq_desc *descriptor = &queue->descriptors[id];
    queue->free_head = descriptor->next;
    queue->free_count--;
    descriptor->address = physical;
    descriptor->length = length;
    descriptor->flags = device_writes ? VIRTQ_DESC_F_WRITE : 0;
    descriptor->next = 0;
    queue->tokens[id] = token;
    uint16_t slot = queue->available->index % queue->size;
    queue->available->ring[slot] = id;
    /* 2.6.13: the descriptor and ring entry are visible before the index moves. */
    __asm__ volatile("dmb oshst" ::: "memory");
    queue->available->index++;
    return 0;
}

/*
 * 2.6.10.2: the driver may skip notifying while the used ring's flags hold
 * VIRTQ_USED_F_NO_NOTIFY.  QEMU's virtio-net sets it while its transmit
 * handler runs, so a burst of segments costs one MMIO write (a trap into
 * QEMU) instead of one per frame; the handler looks at the ring again
 * before it clears the flag, so nothing added meanwhile is missed.
 */
void virtqueue_notify(struct virtqueue *queue)
{
    /* 2.6.13: the index update is visible before the device is notified,
     * and before the flags are read (a full barrier orders the two). */
    __asm__ volatile("dmb osh" ::: "memory");
    if (*(volatile uint16_t *)&queue->used->flags & VIRTQ_USED_F_NO_NOTIFY)
        return;
    write_register(queue->device, MMIO_QUEUE_NOTIFY, queue->index);
}

bool virtqueue_has_used(const struct virtqueue *queue)
{
    return *(volatile uint16_t *)&queue->used->index != queue->last_used;
}

void *virtqueue_next_used(struct virtqueue *queue, uint32_t *length)
{
    uint16_t device_index = *(volatile uint16_t *)&queue->used->index;
    if (device_index == queue->last_used)
        return NULL;
    /* Read the element only after seeing the index that covers it. */
    __asm__ volatile("dmb oshld" ::: "memory");
    struct virtq_used_element *element = &queue->used->ring[queue->last_used % queue->size];
    queue->last_used++;
    uint32_t id = element->id;
    if (id >= queue->size || !queue->tokens[id])
        return NULL;   /* a device bug: never trust it with our memory */
    void *token = queue->tokens[id];
    queue->tokens[id] = NULL;
    if (length)
        *length = element->length;
    queue->descriptors[id].next = queue->free_head;
    queue->free_head = (uint16_t)id;
    queue->free_count++;
    return token;
}
