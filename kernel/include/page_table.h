/* Architecture page tables for user address spaces (arch/aarch64/page_table.c). */
#ifndef PAGE_TABLE_H
#define PAGE_TABLE_H
#include <kernel.h>
#include <arch/sysregs.h>

/* The level-3 entry for address; creates missing tables when create. */
uint64_t *page_table_entry(uint64_t *level0, uint64_t address, bool create);
uint64_t page_table_make_entry(void *page, uint32_t protection, bool copy_on_write);
void *page_table_entry_page(uint64_t entry);
typedef void (*page_table_visitor_t)(uint64_t *entry, uint64_t address, void *context);
/* Calls visit for every present level-3 entry in [start, end). */
void page_table_walk(uint64_t *level0, uint64_t start, uint64_t end, page_table_visitor_t visit,
                     void *context);
/* Frees the tables themselves (not the pages they map). */
void page_table_free(uint64_t *level0);
void page_table_activate(uint64_t *level0, uint64_t asid);
void tlb_flush_asid(uint64_t asid);
void tlb_flush_all(void);
void cache_sync_instructions(void *address, size_t length);

#endif
