/* File-system instances. */
#include <fs_internal.h>
#include <devices.h>
#include <page.h>

/*
 * Memory file systems have no device: like Linux they take "anonymous"
 * device numbers, major 0, so that each instance has its own st_dev.
 */
static uint32_t next_anonymous_minor = 1;

struct super_block *super_block_new(const char *name)
{
    struct super_block *super_block = kzalloc(sizeof(*super_block));
    if (!super_block)
        return NULL;
    super_block->name = name;
    super_block->mount_id = next_anonymous_minor;
    super_block->device = device_number(0, next_anonymous_minor++);
    return super_block;
}

struct super_block *pseudo_super_block_new(const char *name, const char *pseudo_name)
{
    struct super_block *super_block = super_block_new(name);
    if (super_block)
        super_block->pseudo_name = pseudo_name;
    return super_block;
}
