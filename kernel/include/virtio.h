/*
 * Virtio 1.x devices on the virtio-mmio transport (virtio spec v1.1: 4.2
 * MMIO transport, 2.6 split virtqueues, 3.1 device initialisation).  Only
 * modern (version 2) devices are driven; QEMU offers them with
 * -global virtio-mmio.force-legacy=false.
 *
 * A virtqueue here carries single-descriptor buffers only: every buffer is
 * one contiguous physical range, so no descriptor chains are built and the
 * descriptor index doubles as the buffer's id.
 *
 * Invariants: free descriptors are linked through desc[i].next starting at
 * free_head, free_count of them; tokens[i] is non-NULL exactly while
 * descriptor i is owned by the device; last_used is the used-ring index the
 * driver has consumed up to.
 */
#ifndef VIRTIO_H
#define VIRTIO_H
#include <kernel.h>

/* Device IDs (5 Device Types). */
#define VIRTIO_DEVICE_NET 1

/* Feature bits (6 Reserved Feature Bits). */
#define VIRTIO_F_VERSION_1 32

struct virtq_desc {
    uint64_t address;
    uint32_t length;
    uint16_t flags;
    uint16_t next;
};
#define VIRTQ_DESC_F_NEXT  1
#define VIRTQ_DESC_F_WRITE 2   /* the device writes the buffer */

struct virtq_avail {
    uint16_t flags;
    uint16_t index;
    uint16_t ring[];
};

/* 2.6.10: the device asks not to be notified (it is already working through
 * the available ring, or polls it). */
#define VIRTQ_USED_F_NO_NOTIFY 1

struct virtq_used_element {
    uint32_t id;
    uint32_t length;
};
struct virtq_used {
    uint16_t flags;
    uint16_t index;
    struct virtq_used_element ring[];
};

struct virtio_device;

struct virtqueue {
    struct virtio_device *device;
    uint16_t index, size;
    struct virtq_desc *descriptors;
    struct virtq_avail *available;
    struct virtq_used *used;
    uint16_t free_head, free_count;
    uint16_t last_used;
    void **tokens;
};

/* InterruptStatus bits (4.2.2). */
#define VIRTIO_INTERRUPT_USED_BUFFER   1
#define VIRTIO_INTERRUPT_CONFIG_CHANGE 2

struct virtio_device {
    volatile uint8_t *registers;
    int interrupt;                  /* GIC INTID */
    uint32_t device_id;
    uint64_t features;              /* negotiated */
    /* Called in interrupt context with the InterruptStatus bits, already acknowledged. */
    void (*interrupt_handler)(struct virtio_device *device, uint32_t status);
    void *driver;
};

/*
 * Calls probe for every virtio-mmio slot of the device tree holding a
 * device_id device (empty slots have DeviceID 0); returns how many probes
 * succeeded.  The device stays allocated only when probe returns 0.
 */
int virtio_mmio_probe_all(uint32_t device_id, int (*probe)(struct virtio_device *device));

/*
 * Resets the device and negotiates features (3.1.1 steps 1-6): the driver
 * takes (offered & wanted), less what drop_unusable (if not NULL) removes
 * from it: features that are of use only together, for instance.  Fails
 * with -ENODEV when a required bit is not offered or the device refuses
 * FEATURES_OK.  required must be in wanted and survive drop_unusable.
 */
int virtio_negotiate(struct virtio_device *device, uint64_t wanted, uint64_t required,
                     uint64_t (*drop_unusable)(uint64_t features));
/* Allocates queue index with at most max_size entries and hands it to the device. */
int virtqueue_setup(struct virtio_device *device, struct virtqueue *queue, uint16_t index,
                    uint16_t max_size);
/* 3.1.1 step 8: the device is live; interrupts go to device->interrupt_handler. */
void virtio_driver_ok(struct virtio_device *device);
/* Marks the device broken (FAILED) when setup went wrong after negotiation. */
void virtio_fail(struct virtio_device *device);

/* Reads one field (or byte array) of the device-specific configuration,
 * consistently (ConfigGeneration, 4.2.2). */
void virtio_config_read(struct virtio_device *device, size_t offset, void *buffer,
                        size_t length);

/*
 * Offers one buffer to the device; token comes back from virtqueue_next_used.
 * -ENOSPC when every descriptor is in use.  The device sees it after
 * virtqueue_notify.
 */
int virtqueue_add(struct virtqueue *queue, uint64_t physical, uint32_t length,
                  bool device_writes, void *token);
/* Tells the device about new buffers, unless it asked not to be told. */
void virtqueue_notify(struct virtqueue *queue);
/* The next buffer the device has finished with (and the bytes it wrote), or NULL. */
void *virtqueue_next_used(struct virtqueue *queue, uint32_t *length);
/* Whether the device has finished with buffers virtqueue_next_used has not taken. */
bool virtqueue_has_used(const struct virtqueue *queue);

#endif
