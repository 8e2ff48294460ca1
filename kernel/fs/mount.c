/*
 * The mount tree: the root file system, file systems mounted on directories,
 * and the way back up (vfs_path_of, for getcwd and /proc).
 *
 * Invariant: dir->mounted == root exactly when root->mountpoint == dir; each
 * holds a reference on the other, and mounts are never undone.
 */
#include <fs_internal.h>

static struct inode *root_inode;

void vfs_set_root(struct inode *root)
{
    inode_get(root);
    if (root_inode)
        inode_put(root_inode);
    root_inode = root;
}

struct inode *vfs_root(void)
{
    return root_inode;
}

int vfs_mount(const char *path, struct inode *root_of_new)
{
    struct inode *directory;
    int error = path_lookup(AT_FDCWD, path, true, &directory);
    if (error)
        return error;
    if (!inode_is_directory(directory) || !inode_is_directory(root_of_new)) {
        inode_put(directory);
        return -ENOTDIR;
    }
    inode_get(root_of_new);
    directory->mounted = root_of_new;
    root_of_new->mountpoint = directory;   /* keeps the lookup's reference */
    return 0;
}

/*
 * Writes the absolute path of directory, built from the names each
 * directory keeps, and returns its length.  ERANGE when size is too small,
 * as getcwd(3) answers.
 */
int vfs_path_of(struct inode *directory, char *buffer, size_t size)
{
    if (size == 0)
        return -ERANGE;
    char *end = buffer + size - 1;
    char *position = end;
    *position = '\0';
    for (struct inode *inode = directory;;) {
        while (inode != root_inode && inode->mountpoint)
            inode = inode->mountpoint;
        if (inode == root_inode || !inode->parent)
            break;
        size_t length = strlen(inode->name);
        if ((size_t)(position - buffer) < length + 1)
            return -ERANGE;
        position -= length;
        memcpy(position, inode->name, length);
        *--position = '/';
        inode = inode->parent;
    }
    if (position == end) {
        if (size < 2)
            return -ERANGE;
        *--position = '/';
    }
    size_t length = end - position;
    memmove(buffer, position, length + 1);
    return (int)length;
}
