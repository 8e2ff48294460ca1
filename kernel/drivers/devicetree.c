/* Device-tree queries on top of libfdt. */
#include <devicetree.h>
#include <libfdt.h>

static const void *fdt;

void devicetree_init(const void *tree)
{
    fdt = tree;
}

const void *devicetree_blob(void) { return fdt; }
size_t devicetree_size(void) { return fdt_totalsize(fdt); }

int devicetree_find_compatible(const char *compatible, int start)
{
    return fdt_node_offset_by_compatible(fdt, start, compatible);
}

static uint64_t read_cells(const fdt32_t *cells, int count)
{
    uint64_t value = 0;
    for (int i = 0; i < count; i++)
        value = (value << 32) | fdt32_to_cpu(cells[i]);
    return value;
}

bool devicetree_reg(int node, int index, uint64_t *address, uint64_t *size)
{
    int parent = fdt_parent_offset(fdt, node);
    int address_cells = fdt_address_cells(fdt, parent);
    int size_cells = fdt_size_cells(fdt, parent);
    int length;
    const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &length);
    int stride = address_cells + size_cells;
    if (!reg || address_cells < 1 || (index + 1) * stride * 4 > length)
        return false;
    reg += index * stride;
    *address = read_cells(reg, address_cells);
    if (size)
        *size = read_cells(reg + address_cells, size_cells);
    return true;
}

int devicetree_interrupt(int node, int index)
{
    int length;
    const fdt32_t *cells = fdt_getprop(fdt, node, "interrupts", &length);
    /* The GIC's #interrupt-cells is 3: type, number, flags. */
    if (!cells || (index + 1) * 12 > length)
        return -1;
    uint32_t type = fdt32_to_cpu(cells[index * 3]);
    uint32_t number = fdt32_to_cpu(cells[index * 3 + 1]);
    return (int)(number + (type == 0 ? 32 : 16));
}

const char *devicetree_bootargs(void)
{
    int chosen = fdt_path_offset(fdt, "/chosen");
    const char *arguments = chosen >= 0 ? fdt_getprop(fdt, chosen, "bootargs", NULL) : NULL;
    return arguments ? arguments : "";
}

const char *devicetree_string(int node, const char *property)
{
    return fdt_getprop(fdt, node, property, NULL);
}

static bool chosen_number(const char *name, uint64_t *value)
{
    int chosen = fdt_path_offset(fdt, "/chosen");
    int length;
    const fdt32_t *cells = chosen >= 0 ? fdt_getprop(fdt, chosen, name, &length) : NULL;
    if (!cells || (length != 4 && length != 8))
        return false;
    *value = read_cells(cells, length / 4);
    return true;
}

bool devicetree_initrd(uint64_t *start, uint64_t *end)
{
    return chosen_number("linux,initrd-start", start) && chosen_number("linux,initrd-end", end);
}

bool devicetree_memory(uint64_t *base, uint64_t *size)
{
    int node = fdt_path_offset(fdt, "/memory");
    if (node < 0)
        node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory", 7);
    return node >= 0 && devicetree_reg(node, 0, base, size);
}
