/* Paths passed by user programs, copied into kernel buffers. */
#include <fs_internal.h>
#include <page.h>
#include <uaccess.h>

/*
 * Returns the length, or EFAULT, or ENAMETOOLONG when the path (with its
 * NUL) does not fit in PATH_MAX bytes, as Linux's getname answers.
 */
long path_from_user(const char *user_path, char **result)
{
    char *buffer = kmalloc(PATH_MAX);
    if (!buffer)
        return -ENOMEM;
    long length = string_from_user(buffer, user_path, PATH_MAX);
    if (length < 0) {
        kfree(buffer);
        return length;
    }
    *result = buffer;
    return length;
}

/* The inode dirfd names: the cwd for AT_FDCWD, else the open file's inode. */
static int dirfd_inode(int dirfd, struct inode **result)
{
    if (dirfd == AT_FDCWD)
        return path_start(AT_FDCWD, ".", result);
    struct file *file = fd_get(dirfd);
    if (!file)
        return -EBADF;
    inode_get(file->inode);
    *result = file->inode;
    file_put(file);
    return 0;
}

int user_path_lookup(int dirfd, const char *user_path, unsigned at_flags, struct inode **result)
{
    char *path;
    long length = path_from_user(user_path, &path);
    if (length < 0)
        return (int)length;
    int error;
    if (length == 0)
        error = (at_flags & AT_EMPTY_PATH) ? dirfd_inode(dirfd, result) : -ENOENT;
    else
        error = path_lookup(dirfd, path, !(at_flags & AT_SYMLINK_NOFOLLOW), result);
    kfree(path);
    return error;
}
