/*
 * The name of an open file as Linux's d_path gives it, for the symlinks
 * /proc/PID/fd/N and /proc/PID/exe (proc(5)).
 */
#include <fs_internal.h>
#include <page.h>

/* What Linux appends to the path of a file whose last name has been removed. */
#define DELETED_SUFFIX " (deleted)"

/* Copies text, cut to size as readlink(2) cuts, and returns the length copied. */
static int copy_cut(char *buffer, size_t size, const char *text, size_t length)
{
    length = MIN(length, size);
    memcpy(buffer, text, length);
    return (int)length;
}

/* pipe:[N], socket:[N] (N the inode number), or anon_inode:[eventpoll] (the inode's name). */
static int pseudo_file_name(struct inode *inode, char *buffer, size_t size)
{
    char text[sizeof(inode->name) + 32];
    const char *kind = inode->super_block->pseudo_name;
    int length = inode->name[0] ? snprintf(text, sizeof(text), "%s:%s", kind, inode->name)
                                : snprintf(text, sizeof(text), "%s:[%lu]", kind, inode->number);
    return copy_cut(buffer, size, text, (size_t)length);
}

/* Appends text at path + length (PATH_MAX bytes in all); the new length or -ENAMETOOLONG. */
static int append(char *path, int length, const char *text)
{
    size_t added = strlen(text);
    if ((size_t)length + added >= PATH_MAX)
        return -ENAMETOOLONG;
    memcpy(path + length, text, added + 1);
    return length + (int)added;
}

int vfs_file_path(struct file *file, char *buffer, size_t size)
{
    struct inode *inode = file->inode;
    if (inode->super_block->pseudo_name)
        return pseudo_file_name(inode, buffer, size);
    if (!file->directory && !inode_is_directory(inode))
        return -ENOENT;   /* a file no path reached */
    char *path = kmalloc(PATH_MAX);
    if (!path)
        return -ENOMEM;
    int length = vfs_path_of(file->directory ? file->directory : inode, path, PATH_MAX);
    if (length >= 0 && file->directory) {
        if (length > 1)
            length = append(path, length, "/");
        if (length >= 0)
            length = append(path, length, file->name);
    }
    if (length >= 0 && inode->link_count == 0)
        length = append(path, length, DELETED_SUFFIX);
    if (length >= 0)
        length = copy_cut(buffer, size, path, (size_t)length);
    kfree(path);
    return length;
}
