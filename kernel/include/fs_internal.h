/*
 * What the files of kernel/fs share beyond the VFS contract (vfs.h): file
 * descriptor helpers, path helpers, opening, stat and the generic seek.
 * Nothing outside kernel/fs should need this header.
 */
#ifndef FS_INTERNAL_H
#define FS_INTERNAL_H
#include <vfs.h>
#include <asm/fcntl.h>
#include <linux/fcntl.h>
#include <linux/stat.h>

#define PATH_MAX 4096
#define NAME_MAX 255
/* Linux's limit on symlinks followed in one lookup (MAXSYMLINKS). */
#define SYMLINKS_MAX 40

static inline bool inode_is_directory(const struct inode *inode) { return S_ISDIR(inode->mode); }
static inline bool file_readable(const struct file *file)
{
    return !(file->flags & O_PATH) && (file->flags & O_ACCMODE) != O_WRONLY;
}
static inline bool file_writable(const struct file *file)
{
    return !(file->flags & O_PATH) && (file->flags & O_ACCMODE) != O_RDONLY;
}

/* super_block.c: a new file-system instance with its own st_dev. */
struct super_block *super_block_new(const char *name);
/* The same for a pseudo file system (pipes, sockets): see super_block.pseudo_name. */
struct super_block *pseudo_super_block_new(const char *name, const char *pseudo_name);

/*
 * anon_inode.c: a file with no name in any directory (epoll, eventfd,
 * timerfd), on the one "anon_inodefs" instance, as Linux's anon_inode_getfile.
 * Its inode is mode 0600 with no file type, as fstat shows on Linux, and keeps
 * kind ("[eventfd]") in its name for /proc/PID/fd's "anon_inode:[eventfd]".
 * Returns a file (refcount 1) with private set, or NULL when out of memory.
 */
struct file *anon_inode_file_new(const char *kind, const struct file_operations *ops,
                                 void *private, uint32_t flags);

/* pipe.c: the operations of FIFO inodes (named pipes). */
extern const struct file_operations fifo_file_operations;
/* fcntl F_GETPIPE_SZ and F_SETPIPE_SZ on a pipe or FIFO; -EBADF on other files. */
long pipe_fcntl(struct file *file, unsigned command, uint64_t argument);
/* A pipe size rounded as Linux rounds it (a power-of-two number of pages), 0 if too large. */
uint64_t pipe_round_size(uint64_t size);
/* /proc/sys/fs/pipe-max-size and pipe-user-pages-soft (pipe.c says what they bind). */
extern uint32_t pipe_max_size;
extern uint32_t pipe_user_pages_soft;

/* fd_table.c.  fd_install and fd_install_at take over the caller's reference. */
/* Descriptors are below this: RLIMIT_NOFILE, at most FILES_NR_OPEN. */
int fd_limit(void);
int fd_install_from(int minimum, struct file *file, bool close_on_exec);
/* Puts file at fd, closing what was there (dup2 semantics); -EBADF if out of range. */
int fd_install_at(int fd, struct file *file, bool close_on_exec);
int fd_close(int fd);
bool fd_get_close_on_exec(int fd);
void fd_set_close_on_exec(int fd, bool close_on_exec);

/* path.c */
/*
 * Where a lookup found a non-directory: the directory holding the name
 * (referenced) and the name, what /proc/PID/fd and exe show (directories
 * know their own parent and name).  directory is NULL for a directory.
 */
struct name_location {
    struct inode *directory;
    char name[NAME_MAX + 1];
};
/* path_lookup that also fills in location (released by the caller when set). */
int path_lookup_located(int dirfd, const char *path, bool follow, struct inode **result,
                        struct name_location *location);
/* The directory a lookup of path starts from (referenced), or an errno. */
int path_start(int dirfd, const char *path, struct inode **start);
/* Does path end in a slash after its last component ("a/", not "/")? */
bool path_has_trailing_slash(const char *path);

/* open.c: openat's work, shared with vfs_open. */
int vfs_open_at(int dirfd, const char *path, uint32_t flags, uint32_t mode, struct file **result);

/* user_path.c: copies a user path into a new PATH_MAX buffer (kfree it). */
long path_from_user(const char *user_path, char **result);
/*
 * Looks up a user path for the *at calls: AT_SYMLINK_NOFOLLOW leaves a final
 * symlink alone, and AT_EMPTY_PATH lets an empty path name dirfd itself.
 */
int user_path_lookup(int dirfd, const char *user_path, unsigned at_flags, struct inode **result);

/*
 * poll.c.  A poll table collects one wait entry for current per queue a
 * poll operation names; with queue set (epoll), poll_wait hands each queue
 * to that function instead.
 */
struct poll_table_chunk;
struct poll_table {
    struct poll_table_chunk *chunks;
    void (*queue)(struct poll_table *table, struct wait_queue *queue);
};
/* ppoll/pselect6/epoll_pwait's temporary signal mask, restored on return to user space. */
int poll_install_signal_mask(uint64_t user_mask, uint64_t size);
/*
 * Reads a user struct timespec timeout into a deadline (monotonic ns; 0 when
 * the pointer is NULL or the time too far to come) and immediate (a zero
 * timeout): -EFAULT, or -EINVAL for a negative or unnormalised time.
 */
int poll_read_timeout(uint64_t user_timeout, uint64_t *deadline, bool *immediate);
/* Writes the time left until deadline back over the user's timeout (nothing
 * when either is 0: the value there is still right); -EFAULT or 0. */
int poll_write_time_left(uint64_t user_timeout, uint64_t deadline);

/* stat.c */
struct stat;
void inode_fill_stat(const struct inode *inode, struct stat *stat);

/* seek.c: lseek for files with an end (regular files, directories, devices). */
int64_t generic_seek(struct file *file, int64_t offset, int whence);
/* For pipes, sockets and terminals: lseek and pread answer ESPIPE. */
int64_t no_seek(struct file *file, int64_t offset, int whence);
/* For eventfd and timerfd: lseek succeeds and the position stays 0 (Linux's noop_llseek). */
int64_t seek_stays(struct file *file, int64_t offset, int whence);

#endif
