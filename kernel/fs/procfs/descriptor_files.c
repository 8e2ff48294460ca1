/*
 * The entries of /proc/PID/fd and /proc/PID/fdinfo (proc(5)): what each open
 * descriptor is, and its position and flags, in Linux 6.1's words
 * (fs/proc/fd.c), since lsof-like tools and test suites parse them.
 *
 * /proc/PID/fd/N is a "magic" link (follow_file): opening it opens the very
 * file again, be it unlinked or a pipe, as on Linux; a socket or an epoll
 * answers ENXIO (open.c).
 */
#include "procfs_internal.h"

struct file *procfs_descriptor_file(struct process *process, int fd)
{
    if (!process->files || fd < 0 || fd >= process->files->size)
        return NULL;
    return process->files->slots[fd];
}

uint32_t procfs_descriptor_link_mode(struct file *file)
{
    uint32_t mode = S_IFLNK;
    if (file_readable(file))
        mode |= S_IRUSR | S_IXUSR;
    if (file_writable(file))
        mode |= S_IWUSR | S_IXUSR;
    return mode;
}

int procfs_descriptor_link(struct process *process, int fd, char *buffer, size_t size)
{
    struct file *file = procfs_descriptor_file(process, fd);
    return file ? vfs_file_path(file, buffer, size) : -ENOENT;
}

static bool close_on_exec(struct process *process, int fd)
{
    return process->files->close_on_exec[fd / 64] & (1UL << (fd % 64));
}

/*
 * pos, flags (the status flags in octal, O_CLOEXEC added for a close-on-exec
 * descriptor), mnt_id and ino, as Linux's seq_show prints them.
 */
int procfs_descriptor_info(struct process *process, int fd, struct procfs_text *text)
{
    struct file *file = procfs_descriptor_file(process, fd);
    if (!file)
        return -ENOENT;
    uint32_t flags = file->flags | (close_on_exec(process, fd) ? O_CLOEXEC : 0);
    procfs_printf(text, "pos:\t%lu\nflags:\t0%o\nmnt_id:\t%u\nino:\t%lu\n", file->offset, flags,
                  file->inode->super_block->mount_id, file->inode->number);
    return 0;
}
