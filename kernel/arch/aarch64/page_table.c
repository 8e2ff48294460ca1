/*
 * Four-level translation tables for user address spaces (4 KiB granule,
 * 48-bit VAs: 9 bits per level, 12-bit page offset).
 */
#include <page_table.h>
#include <page.h>
#include <arch/sysregs.h>
#include <arch/mmio.h>

static unsigned index_at(uint64_t address, int level)
{
    return (address >> (39 - 9 * level)) & 511;
}

uint64_t *page_table_entry(uint64_t *level0, uint64_t address, bool create)
{
    uint64_t *table = level0;
    for (int level = 0; level < 3; level++) {
        uint64_t *entry = &table[index_at(address, level)];
        if (!(*entry & PTE_VALID)) {
            if (!create)
                return NULL;
            void *next = page_alloc_zeroed();
            if (!next)
                return NULL;
            *entry = virt_to_phys(next) | PTE_TABLE;
        }
        table = phys_to_virt(*entry & PTE_ADDRESS_MASK);
    }
    return &table[index_at(address, 3)];
}

uint64_t page_table_make_entry(void *page, uint32_t protection, bool copy_on_write)
{
    uint64_t entry = virt_to_phys(page) | PTE_PAGE | PTE_AF | PTE_SH_INNER | PTE_ATTR_NORMAL |
                     PTE_NG | PTE_PXN;
    /* PROT_NONE: present for the kernel's bookkeeping, unreachable from EL0. */
    if (protection & 7)
        entry |= PTE_USER;
    if (!(protection & 4 /* PROT_EXEC */))
        entry |= PTE_UXN;
    if (!(protection & 2 /* PROT_WRITE */) || copy_on_write)
        entry |= PTE_READONLY;
    if (copy_on_write)
        entry |= PTE_COW;
    return entry;
}

void *page_table_entry_page(uint64_t entry)
{
    return phys_to_virt(entry & PTE_ADDRESS_MASK);
}

static void walk(uint64_t *table, int level, uint64_t base, uint64_t start, uint64_t end,
                 page_table_visitor_t visit, void *context)
{
    uint64_t span = 1UL << (39 - 9 * level);
    for (unsigned i = 0; i < 512; i++) {
        uint64_t low = base + i * span, high = low + span;
        if (high <= start || low >= end || !(table[i] & PTE_VALID))
            continue;
        if (level == 3)
            visit(&table[i], low, context);
        else
            walk(phys_to_virt(table[i] & PTE_ADDRESS_MASK), level + 1, low, start, end, visit,
                 context);
    }
}

void page_table_walk(uint64_t *level0, uint64_t start, uint64_t end, page_table_visitor_t visit,
                     void *context)
{
    walk(level0, 0, 0, start, end, visit, context);
}

static void free_tables(uint64_t *table, int level)
{
    if (level < 3) {
        for (unsigned i = 0; i < 512; i++)
            if (table[i] & PTE_VALID)
                free_tables(phys_to_virt(table[i] & PTE_ADDRESS_MASK), level + 1);
    }
    page_put(table);
}

void page_table_free(uint64_t *level0)
{
    free_tables(level0, 0);
}

void tlb_flush_asid(uint64_t asid)
{
    __asm__ volatile("dsb ishst; tlbi aside1, %0; dsb ish; isb" ::"r"((asid & 0xff) << 48)
                     : "memory");
}

void tlb_flush_all(void)
{
    __asm__ volatile("dsb ishst; tlbi vmalle1; dsb ish; isb" ::: "memory");
}

void page_table_activate(uint64_t *level0, uint64_t asid)
{
    write_sysreg(ttbr0_el1, virt_to_phys(level0) | ((asid & 0xff) << 48));
    __asm__ volatile("isb");
}

/* I-cache maintenance after writing instructions into a page. */
void cache_sync_instructions(void *address, size_t length)
{
    uint64_t start = ALIGN_DOWN((uint64_t)address, 64), end = (uint64_t)address + length;
    for (uint64_t line = start; line < end; line += 64)
        __asm__ volatile("dc cvau, %0" ::"r"(line));
    __asm__ volatile("dsb ish; ic ialluis; dsb ish; isb" ::: "memory");
}
