/*
 * Opening a path: the work of openat(2), shared with vfs_open for the
 * kernel's own opens (exec, init's console).
 */
#include <fs_internal.h>
#include <task.h>

/* O_PATH files name a location only: no I/O, no open or release step. */
static const struct file_operations path_only_file_operations;

static uint32_t creation_mask(void)
{
    if (current && current->process && current->process->fs)
        return current->process->fs->umask;
    return 022;
}

/* Fills in location with directory (taking the caller's reference) and name. */
static void locate(struct name_location *location, struct inode *directory, const char *name,
                   size_t length)
{
    location->directory = directory;
    memcpy(location->name, name, length);
    location->name[length] = '\0';
}

/*
 * O_CREAT: find the last component in its directory and create it when it
 * is missing.  A trailing slash or a last component of "." or ".." can only
 * name a directory, which open never creates: EISDIR (as Linux answers).
 */
static int open_or_create(int dirfd, const char *path, uint32_t flags, uint32_t mode,
                          struct inode **result, struct name_location *location)
{
    location->directory = NULL;
    struct inode *parent;
    const char *name;
    size_t length;
    int error = path_lookup_parent(dirfd, path, &parent, &name, &length);
    if (error)
        return error;
    bool dot_or_dotdot = (length == 1 && name[0] == '.') ||
                         (length == 2 && name[0] == '.' && name[1] == '.');
    if (length == 0 || dot_or_dotdot || path_has_trailing_slash(path)) {
        inode_put(parent);
        return -EISDIR;
    }
    struct inode *inode;
    error = parent->ops && parent->ops->lookup
                ? parent->ops->lookup(parent, name, length, &inode) : -ENOENT;
    if (error == -ENOENT) {
        if (!parent->ops || !parent->ops->create)
            error = -EACCES;
        else if (parent->link_count == 0)
            error = -ENOENT;     /* the directory was removed */
        else
            error = parent->ops->create(parent, name, length,
                                        S_IFREG | (mode & 07777 & ~creation_mask()), &inode);
        if (error) {
            inode_put(parent);
            return error;
        }
        *result = inode;
        locate(location, parent, name, length);
        return 0;
    }
    if (error) {
        inode_put(parent);
        return error;
    }
    /* POSIX: with O_CREAT|O_EXCL an existing name fails, even a symlink. */
    if ((flags & O_EXCL) || S_ISLNK(inode->mode)) {
        inode_put(parent);
        inode_put(inode);
        if (flags & O_EXCL)
            return -EEXIST;
        if (flags & O_NOFOLLOW)
            return -ELOOP;
        return path_lookup_located(dirfd, path, true, result, location);
    }
    while (inode->mounted) {
        struct inode *mounted = inode->mounted;
        inode_get(mounted);
        inode_put(inode);
        inode = mounted;
    }
    *result = inode;
    if (inode_is_directory(inode))
        inode_put(parent);
    else
        locate(location, parent, name, length);
    return 0;
}

/* The checks open(2) makes once it has the inode. */
static int check_open(struct inode *inode, uint32_t flags)
{
    if (flags & O_PATH)
        return (flags & O_DIRECTORY) && !inode_is_directory(inode) ? -ENOTDIR : 0;
    if (S_ISLNK(inode->mode))
        return -ELOOP;          /* O_NOFOLLOW met a symlink */
    /* A socket, or an epoll reached through /proc/PID/fd, cannot be opened (Linux). */
    if (S_ISSOCK(inode->mode) || (inode->super_block->pseudo_name && !S_ISFIFO(inode->mode)))
        return -ENXIO;
    if ((flags & O_DIRECTORY) && !inode_is_directory(inode))
        return -ENOTDIR;
    if (inode_is_directory(inode) &&
        ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_TRUNC | O_CREAT))))
        return -EISDIR;
    return 0;
}

/*
 * A file, not yet opened, on what path names (created with O_CREAT), that
 * knows the name it was found by.
 */
static int file_for_path(int dirfd, const char *path, uint32_t flags, uint32_t mode,
                         struct file **result)
{
    struct inode *inode;
    struct name_location location;
    int error = (flags & O_CREAT)
                    ? open_or_create(dirfd, path, flags, mode, &inode, &location)
                    : path_lookup_located(dirfd, path, !(flags & O_NOFOLLOW), &inode, &location);
    if (error)
        return error;
    error = check_open(inode, flags);
    struct file *file = NULL;
    if (!error) {
        /* Linux keeps none of the open-time flags in the file's status flags. */
        file = file_new(inode, flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC));
        if (!file)
            error = -ENOMEM;
    }
    inode_put(inode);
    if (!error && location.directory)
        error = file_set_name(file, location.directory, location.name);
    if (location.directory)
        inode_put(location.directory);
    if (error && file) {
        file->ops = &path_only_file_operations;   /* no release for a file never opened */
        file_put(file);
    }
    if (!error)
        *result = file;
    return error;
}

int vfs_open_at(int dirfd, const char *path, uint32_t flags, uint32_t mode, struct file **result)
{
    /* O_TMPFILE (unnamed files) is not supported by these file systems. */
    if ((flags & __O_TMPFILE) == __O_TMPFILE)
        return -EOPNOTSUPP;
    if (flags & O_PATH)
        flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    struct file *file;
    int error = file_for_path(dirfd, path, flags, mode, &file);
    if (error)
        return error;
    struct inode *inode = file->inode;
    if (flags & O_PATH) {
        file->ops = &path_only_file_operations;
        *result = file;
        return 0;
    }
    /* A regular file being run cannot be opened for writing (do_dentry_open). */
    if (S_ISREG(inode->mode) && file_writable(file)) {
        error = inode_get_write_access(inode);
        if (error) {
            file->ops = &path_only_file_operations;
            file_put(file);
            return error;
        }
        file->counted_writer = true;
    }
    if (file->ops && file->ops->open) {
        error = file->ops->open(inode, file);
        if (error) {
            /* No release for a file whose open failed. */
            file->ops = &path_only_file_operations;
            file_put(file);
            return error;
        }
    }
    if ((flags & O_TRUNC) && S_ISREG(inode->mode) && file_writable(file) && inode->size) {
        error = inode->ops && inode->ops->truncate ? inode->ops->truncate(inode, 0) : -EINVAL;
        if (error) {
            file_put(file);
            return error;
        }
    }
    *result = file;
    return 0;
}

int vfs_open(const char *path, uint32_t flags, uint32_t mode, struct file **result)
{
    return vfs_open_at(AT_FDCWD, path, flags, mode, result);
}
