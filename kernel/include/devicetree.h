/* What the kernel learns from the flattened device tree QEMU hands it. */
#ifndef DEVICETREE_H
#define DEVICETREE_H
#include <kernel.h>

void devicetree_init(const void *tree);
const void *devicetree_blob(void);
size_t devicetree_size(void);
/* Next node at or after start (-1 = from the beginning) with this compatible. */
int devicetree_find_compatible(const char *compatible, int start);
/* index-th (address, size) pair of a node's reg, using the parent's cell sizes. */
bool devicetree_reg(int node, int index, uint64_t *address, uint64_t *size);
/* GIC interrupt ID of a node's index-th interrupt (SPI n -> 32+n, PPI n -> 16+n). */
int devicetree_interrupt(int node, int index);
const char *devicetree_bootargs(void);
/* A string property of a node, or NULL. */
const char *devicetree_string(int node, const char *property);
bool devicetree_initrd(uint64_t *start, uint64_t *end);
/* The memory node's first range. */
bool devicetree_memory(uint64_t *base, uint64_t *size);

#endif
