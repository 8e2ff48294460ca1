/*
 * Safe access to user memory.  Each page of a user range is checked against
 * the address space (faulting in demand-zero and copy-on-write pages the way
 * a user access would) and then reached through the kernel's linear map, so a
 * bad pointer becomes -EFAULT and never a kernel fault.
 */
#include <uaccess.h>
#include <task.h>
#include <address_space.h>

bool kernel_buffers_begin(void)
{
    bool previous = current->kernel_buffers;
    current->kernel_buffers = true;
    return previous;
}

void kernel_buffers_end(bool previous) { current->kernel_buffers = previous; }

/* Kernel address of user address, made accessible for write if asked. */
static void *user_page(uint64_t address, bool write)
{
    struct address_space *space = current->process->address_space;
    if (address >= USER_ADDRESS_LIMIT || !space)
        return NULL;
    void *kernel_address = address_space_lookup(space, address, write);
    if (kernel_address) {
        struct area *area = area_find(space, address);
        if (area && (area->protection & (write ? AREA_WRITE : AREA_READ)))
            return kernel_address;
        if (area && !write && (area->protection & AREA_WRITE))
            return kernel_address;
        return NULL;
    }
    struct area *area = area_find(space, address);
    if (!area || !(area->protection & (write ? AREA_WRITE : (AREA_READ | AREA_WRITE))))
        return NULL;
    if (address_space_fault(space, address, write, false) < 0)
        return NULL;
    return address_space_lookup(space, address, write);
}

typedef void (*chunk_copier_t)(void *kernel, void *user_side, size_t length);

static int walk_user(uint64_t address, size_t length, bool write, void *kernel_buffer,
                     bool to_user)
{
    if (length == 0)
        return 0;
    if (address + length < address || address + length > USER_ADDRESS_LIMIT)
        return -EFAULT;
    uint8_t *buffer = kernel_buffer;
    while (length) {
        size_t chunk = MIN(length, PAGE_SIZE - (address & (PAGE_SIZE - 1)));
        uint8_t *user = user_page(address, write);
        if (!user)
            return -EFAULT;
        if (buffer) {
            if (to_user)
                memcpy(user, buffer, chunk);
            else
                memcpy(buffer, user, chunk);
            buffer += chunk;
        } else if (to_user) {
            memset(user, 0, chunk);
        }
        address += chunk;
        length -= chunk;
    }
    return 0;
}

int copy_from_user(void *destination, const void *user_source, size_t length)
{
    if (current->kernel_buffers) {
        memcpy(destination, user_source, length);
        return 0;
    }
    return walk_user((uint64_t)user_source, length, false, destination, false);
}

int copy_to_user(void *user_destination, const void *source, size_t length)
{
    if (current->kernel_buffers) {
        memcpy(user_destination, source, length);
        return 0;
    }
    return walk_user((uint64_t)user_destination, length, true, (void *)source, true);
}

int clear_user(void *user_destination, size_t length)
{
    if (current->kernel_buffers) {
        memset(user_destination, 0, length);
        return 0;
    }
    return walk_user((uint64_t)user_destination, length, true, NULL, true);
}

int user_range_prepare(const void *user_address, size_t length, bool write)
{
    if (current->kernel_buffers)
        return 0;
    uint64_t address = (uint64_t)user_address;
    if (length == 0)
        return 0;
    if (address + length < address || address + length > USER_ADDRESS_LIMIT)
        return -EFAULT;
    for (uint64_t page = ALIGN_DOWN(address, PAGE_SIZE); page < address + length; page += PAGE_SIZE)
        if (!user_page(MAX(page, address), write))
            return -EFAULT;
    return 0;
}

long string_from_user(char *destination, const char *user_source, size_t limit)
{
    if (current->kernel_buffers) {
        size_t length = strnlen(user_source, limit);
        if (length == limit)
            return -ENAMETOOLONG;
        memcpy(destination, user_source, length + 1);
        return (long)length;
    }
    uint64_t address = (uint64_t)user_source;
    size_t copied = 0;
    while (copied < limit) {
        const char *user = user_page(address + copied, false);
        if (!user)
            return -EFAULT;
        size_t in_page = PAGE_SIZE - ((address + copied) & (PAGE_SIZE - 1));
        for (size_t i = 0; i < in_page && copied < limit; i++, copied++) {
            destination[copied] = user[i];
            if (!user[i])
                return (long)copied;
        }
    }
    return -ENAMETOOLONG;
}
