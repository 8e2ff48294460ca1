/* Buddy allocator for physical pages; see page.h for the invariants. */
#include <page.h>

static struct page *pages;
static uint64_t first_page_number, page_count;
static struct list_node free_lists[PAGE_MAX_ORDER + 1];
static size_t free_pages;

static uint64_t page_number_of(const void *address)
{
    return (virt_to_phys(address) >> PAGE_SHIFT) - first_page_number;
}

static void *address_of(uint64_t index)
{
    return phys_to_virt((index + first_page_number) << PAGE_SHIFT);
}

struct page *page_of(const void *address)
{
    uint64_t index = page_number_of(address);
    ASSERT(index < page_count);
    return &pages[index];
}

void page_allocator_init(uint64_t ram_base, uint64_t ram_size)
{
    extern char kernel_image_end[];
    first_page_number = ram_base >> PAGE_SHIFT;
    page_count = ram_size >> PAGE_SHIFT;
    /* The page array goes right after the kernel image. */
    pages = (struct page *)ALIGN_UP((uint64_t)kernel_image_end, PAGE_SIZE);
    memset(pages, 0, page_count * sizeof(struct page));
    for (uint64_t i = 0; i < page_count; i++)
        pages[i].flags = 0;
    for (int order = 0; order <= PAGE_MAX_ORDER; order++)
        list_init(&free_lists[order]);
    page_allocator_reserve(virt_to_phys(pages),
                           virt_to_phys(pages + page_count));
}

void page_allocator_reserve(uint64_t physical_start, uint64_t physical_end)
{
    uint64_t first = (physical_start >> PAGE_SHIFT);
    uint64_t last = ALIGN_UP(physical_end, PAGE_SIZE) >> PAGE_SHIFT;
    for (uint64_t n = first; n < last; n++)
        if (n >= first_page_number && n - first_page_number < page_count)
            pages[n - first_page_number].flags |= PAGE_RESERVED;
}

static void free_block(uint64_t index, unsigned order)
{
    /* Merge with the buddy while it is free and of the same order. */
    while (order < PAGE_MAX_ORDER) {
        uint64_t buddy = index ^ (1UL << order);
        if (buddy >= page_count || !(pages[buddy].flags & PAGE_FREE) ||
            pages[buddy].order != order)
            break;
        list_remove(&pages[buddy].free_node);
        pages[buddy].flags &= ~PAGE_FREE;
        index = MIN(index, buddy);
        order++;
    }
    pages[index].flags |= PAGE_FREE;
    pages[index].order = (uint8_t)order;
    list_push_back(&free_lists[order], &pages[index].free_node);
}

void page_allocator_ready(void)
{
    for (uint64_t i = 0; i < page_count; i++) {
        if (!(pages[i].flags & PAGE_RESERVED)) {
            free_block(i, 0);
            free_pages++;
        }
    }
}

void *pages_alloc(unsigned order)
{
    unsigned found = order;
    while (found <= PAGE_MAX_ORDER && list_empty(&free_lists[found]))
        found++;
    if (found > PAGE_MAX_ORDER)
        return NULL;
    struct page *page = container_of(free_lists[found].next, struct page, free_node);
    list_remove(&page->free_node);
    page->flags &= ~PAGE_FREE;
    uint64_t index = page - pages;
    /* Split: give the upper halves back. */
    while (found > order) {
        found--;
        uint64_t upper = index + (1UL << found);
        pages[upper].flags |= PAGE_FREE;
        pages[upper].order = (uint8_t)found;
        list_push_back(&free_lists[found], &pages[upper].free_node);
    }
    page->order = (uint8_t)order;
    page->refcount = 1;
    free_pages -= 1UL << order;
    return address_of(index);
}

void pages_free(void *address, unsigned order)
{
    uint64_t index = page_number_of(address);
    ASSERT(index < page_count && !(pages[index].flags & PAGE_FREE));
    pages[index].refcount = 0;
    pages[index].flags &= ~(PAGE_SLAB | PAGE_LARGE);
    pages[index].slab_class = 0;
    free_pages += 1UL << order;
    free_block(index, order);
}

void *pages_alloc_separate(unsigned order)
{
    void *first = pages_alloc(order);
    if (!first)
        return NULL;
    uint64_t index = page_number_of(first);
    for (uint64_t i = 0; i < (1UL << order); i++) {
        pages[index + i].order = 0;
        pages[index + i].refcount = 1;
    }
    return first;
}

void *page_alloc(void) { return pages_alloc(0); }

void *page_alloc_zeroed(void)
{
    void *page = pages_alloc(0);
    if (page)
        memset(page, 0, PAGE_SIZE);
    return page;
}

void page_get(void *address) { page_of(address)->refcount++; }

void page_put(void *address)
{
    struct page *page = page_of(address);
    ASSERT(page->refcount > 0);
    if (--page->refcount == 0)
        pages_free(address, 0);
}

uint32_t page_refcount(void *address) { return page_of(address)->refcount; }
size_t page_free_count(void) { return free_pages; }
size_t page_total_count(void) { return page_count; }
