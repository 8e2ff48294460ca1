/* Files with no name: see anon_inode_file_new in fs_internal.h. */
#include <fs_internal.h>
#include <kernel.h>

struct file *anon_inode_file_new(const char *kind, const struct file_operations *ops,
                                 void *private, uint32_t flags)
{
    static struct super_block *super_block;
    if (!super_block)
        super_block = pseudo_super_block_new("anon_inodefs", "anon_inode");
    struct inode *inode = super_block ? inode_new(super_block, 0600) : NULL;
    if (!inode)
        return NULL;
    inode->link_count = 1;
    inode->file_ops = ops;
    strlcpy(inode->name, kind, sizeof(inode->name));
    struct file *file = file_new(inode, flags);
    inode_put(inode);
    if (file)
        file->private = private;
    return file;
}
