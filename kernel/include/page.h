/*
 * Physical page allocator: a buddy allocator over the RAM the device tree
 * describes, minus the device tree, the kernel image and the initramfs.
 *
 * Invariants: every page has a struct page.  A free block of 2^order pages is
 * on free_lists[order] through its first page, which has PAGE_FREE set and
 * records the order.  An allocated page has refcount >= 1; page_put frees it
 * when the count reaches zero (copy-on-write pages are shared this way).
 * Addresses handed out are kernel (linear-map) virtual addresses.
 */
#ifndef PAGE_H
#define PAGE_H
#include <kernel.h>

#define PAGE_MAX_ORDER 10

struct page {
    struct list_node free_node;
    uint32_t refcount;
    uint8_t order;
    uint8_t flags;
    uint16_t slab_class;      /* kmalloc size class + 1 for slab pages, else 0 */
    void *slab_free;          /* kmalloc: first free object in this page */
    uint32_t slab_in_use;
};
enum { PAGE_FREE = 1, PAGE_RESERVED = 2, PAGE_SLAB = 4, PAGE_LARGE = 8 };

void page_allocator_init(uint64_t ram_base, uint64_t ram_size);
void page_allocator_reserve(uint64_t physical_start, uint64_t physical_end);
void page_allocator_ready(void);

void *pages_alloc(unsigned order);           /* NULL when out of memory */
/* 2^order contiguous pages, each with its own reference count of 1, so that
 * each is freed by its own page_put (a ring user space maps page by page). */
void *pages_alloc_separate(unsigned order);
void pages_free(void *address, unsigned order);
void *page_alloc(void);
void *page_alloc_zeroed(void);
void page_get(void *address);
void page_put(void *address);
uint32_t page_refcount(void *address);
struct page *page_of(const void *address);
size_t page_free_count(void);
size_t page_total_count(void);

void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *pointer);

#endif
