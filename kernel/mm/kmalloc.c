/*
 * kmalloc: power-of-two size classes from 16 to 2048 bytes carved out of
 * whole pages (one class per page, free objects linked through their first
 * word); anything larger gets its own run of pages.  kfree finds which from
 * the page's struct page.
 */
#include <page.h>

#define SMALLEST_CLASS_SHIFT 4
#define CLASS_COUNT 8                      /* 16 .. 2048 */

struct size_class {
    struct list_node partial_pages;        /* pages with at least one free object */
};
static struct size_class classes[CLASS_COUNT];
static bool classes_ready;

static unsigned class_for(size_t size)
{
    unsigned c = 0;
    while ((1UL << (c + SMALLEST_CLASS_SHIFT)) < size)
        c++;
    return c;
}

/* The smallest order whose block holds size, or PAGE_MAX_ORDER + 1 when
 * none does (the loop must stop before PAGE_SIZE << order overflows: a
 * size near 2^64 would otherwise loop forever). */
static unsigned order_for(size_t size)
{
    unsigned order = 0;
    while (order <= PAGE_MAX_ORDER && (PAGE_SIZE << order) < size)
        order++;
    return order;
}

void *kmalloc(size_t size)
{
    if (!classes_ready) {
        for (int i = 0; i < CLASS_COUNT; i++)
            list_init(&classes[i].partial_pages);
        classes_ready = true;
    }
    if (size == 0)
        size = 1;
    if (size > (1UL << (SMALLEST_CLASS_SHIFT + CLASS_COUNT - 1))) {
        unsigned order = order_for(size);
        if (order > PAGE_MAX_ORDER)
            return NULL;
        void *memory = pages_alloc(order);
        if (memory)
            page_of(memory)->flags |= PAGE_LARGE;
        return memory;
    }
    unsigned c = class_for(size);
    size_t object_size = 1UL << (c + SMALLEST_CLASS_SHIFT);
    struct size_class *cls = &classes[c];
    if (list_empty(&cls->partial_pages)) {
        uint8_t *memory = page_alloc();
        if (!memory)
            return NULL;
        struct page *page = page_of(memory);
        page->flags |= PAGE_SLAB;
        page->slab_class = (uint16_t)(c + 1);
        page->slab_in_use = 0;
        page->slab_free = NULL;
        for (size_t offset = PAGE_SIZE; offset >= object_size; offset -= object_size) {
            void **object = (void **)(memory + offset - object_size);
            *object = page->slab_free;
            page->slab_free = object;
        }
        list_push_back(&cls->partial_pages, &page->free_node);
    }
    struct page *page = container_of(cls->partial_pages.next, struct page, free_node);
    void **object = page->slab_free;
    page->slab_free = *object;
    page->slab_in_use++;
    if (!page->slab_free)
        list_remove(&page->free_node);
    return object;
}

void *kzalloc(size_t size)
{
    void *memory = kmalloc(size);
    if (memory)
        memset(memory, 0, size);
    return memory;
}

void kfree(void *pointer)
{
    if (!pointer)
        return;
    struct page *page = page_of((void *)ALIGN_DOWN((uint64_t)pointer, PAGE_SIZE));
    if (page->flags & PAGE_LARGE) {
        pages_free(pointer, page->order);
        return;
    }
    ASSERT(page->flags & PAGE_SLAB);
    struct size_class *cls = &classes[page->slab_class - 1];
    if (!page->slab_free)
        list_push_back(&cls->partial_pages, &page->free_node);
    *(void **)pointer = page->slab_free;
    page->slab_free = pointer;
    if (--page->slab_in_use == 0) {
        list_remove(&page->free_node);
        pages_free((void *)ALIGN_DOWN((uint64_t)pointer, PAGE_SIZE), 0);
    }
}
