/*
 * The virtual file system.
 *
 * Every file system provides inode_operations (name-space operations on
 * directories and links) and file_operations (I/O on an open file).  A missing
 * operation answers the errno given at its call site (usually EPERM, ENOTDIR,
 * EINVAL or EOPNOTSUPP, as Linux answers).  There is no dentry cache: file
 * systems keep their inodes in memory (ramfs, devfs) or build them on demand
 * (procfs), and each directory inode knows its parent and its name, which is
 * what ".." and getcwd need.
 *
 * File operations receive user pointers and copy with copy_to_user /
 * copy_from_user (uaccess.h); kernel callers wrap them in
 * kernel_buffers_begin/end.
 *
 * Reference counts: an inode is held by its file system while it is linked
 * and by every open file and every cwd pointing at it (inode_get/inode_put);
 * a file by each fd-table slot and each in-kernel user (file_get/file_put).
 */
#ifndef VFS_H
#define VFS_H
#include <kernel.h>
#include <wait.h>

struct file;
struct inode;
struct stat;
struct file_lock_context;
struct poll_table;

struct timespec_kernel {
    int64_t seconds;
    int64_t nanoseconds;
};

struct inode_operations {
    /* Finds name (not "." or "..") in dir; *result is referenced. */
    int (*lookup)(struct inode *dir, const char *name, size_t length, struct inode **result);
    int (*create)(struct inode *dir, const char *name, size_t length, uint32_t mode,
                  struct inode **result);
    int (*mkdir)(struct inode *dir, const char *name, size_t length, uint32_t mode);
    int (*mknod)(struct inode *dir, const char *name, size_t length, uint32_t mode, uint32_t device);
    int (*symlink)(struct inode *dir, const char *name, size_t length, const char *target);
    int (*link)(struct inode *dir, const char *name, size_t length, struct inode *target);
    int (*unlink)(struct inode *dir, const char *name, size_t length);
    int (*rmdir)(struct inode *dir, const char *name, size_t length);
    int (*rename)(struct inode *old_dir, const char *old_name, size_t old_length,
                  struct inode *new_dir, const char *new_name, size_t new_length, unsigned flags);
    /* Copies the link target (not NUL-terminated) into a kernel buffer. */
    int (*readlink)(struct inode *inode, char *buffer, size_t size);
    /*
     * A "magic" link (/proc/PID/fd/N): the open file it stands for, referenced.
     * Path resolution goes on from that file's inode instead of the link's
     * text, so that even a pipe or an unlinked file can be reached.
     */
    int (*follow_file)(struct inode *link, struct file **target);
    int (*truncate)(struct inode *inode, uint64_t size);
    /* Called when the last reference goes away. */
    void (*release)(struct inode *inode);
};

struct file_operations {
    int (*open)(struct inode *inode, struct file *file);
    ssize_t (*read)(struct file *file, void *user_buffer, size_t length, uint64_t *offset);
    ssize_t (*write)(struct file *file, const void *user_buffer, size_t length, uint64_t *offset);
    /* Emits linux_dirent64 records into a user buffer; returns bytes used. */
    ssize_t (*getdents)(struct file *file, void *user_buffer, size_t length);
    /* Returns POLLIN/POLLOUT/... now; if table, registers on wait queues. */
    unsigned (*poll)(struct file *file, struct poll_table *table);
    long (*ioctl)(struct file *file, unsigned command, uint64_t argument);
    int64_t (*seek)(struct file *file, int64_t offset, int whence);   /* NULL: generic */
    void (*release)(struct file *file);
    /*
     * mmap(2).  map_page: the page holding byte index * PAGE_SIZE, referenced
     * (page_get), a hole filled in; -ENXIO past the end of the file.  It is
     * what makes a file mappable: without it, a file maps as anonymous memory
     * if maps_anonymous (/dev/zero, as on Linux), else not at all (ENODEV).
     */
    int (*map_page)(struct file *file, uint64_t index, void **page);
    /* Optional: may refuse a mapping of length bytes at offset (Linux's
     * f_op->mmap; a packet socket's ring is mapped whole or not at all). */
    int (*mmap)(struct file *file, uint64_t offset, uint64_t length);
    bool maps_anonymous;
};

struct super_block {
    const char *name;          /* file-system type, as /proc/mounts would say */
    /*
     * Pseudo file systems, whose files no path reaches: what /proc/PID/fd
     * calls them, Linux's "pipe" for pipe:[inode number], or, with the
     * inode's name, "anon_inode" for anon_inode:[eventpoll].  NULL otherwise.
     */
    const char *pseudo_name;
    uint32_t device;           /* st_dev */
    /* /proc/PID/fdinfo's mnt_id: each file system is mounted once, numbered from 1 */
    uint32_t mount_id;
    uint64_t next_inode_number;
};

struct inode {
    uint64_t number;
    uint32_t mode;             /* S_IFMT | permissions */
    uint32_t link_count;
    uint32_t uid, gid;
    uint32_t device;           /* st_rdev for device nodes */
    uint64_t size;
    struct timespec_kernel access_time, modify_time, change_time;
    const struct inode_operations *ops;
    const struct file_operations *file_ops;
    struct super_block *super_block;
    uint32_t refcount;
    struct inode *parent;      /* directories: the containing directory */
    /* directories: the name in parent (getcwd); pseudo files: see pseudo_name */
    char name[256];
    struct inode *mounted;     /* directories: root of the file system mounted here */
    struct inode *mountpoint;  /* a file system's root: where it is mounted */
    struct list_node mapped_areas;  /* struct area.file_node of every area
                                     * mapping it (address_space.h) */
    struct file_lock_context *locks;   /* fcntl and flock locks (fs/locks.h), NULL if none */
    /* Linux's i_writecount: > 0, the files open for writing on a regular
     * file; < 0, minus the address spaces running it as their program,
     * which deny writing (ETXTBSY).  Never both. */
    int32_t write_count;
    void *private;
};

struct file {
    struct inode *inode;
    const struct file_operations *ops;
    uint64_t offset;
    uint32_t flags;            /* O_ACCMODE | O_APPEND | O_NONBLOCK ... */
    uint32_t refcount;
    bool counted_writer;       /* holds one of inode->write_count */
    void *private;
    /*
     * A non-directory opened by a path: the directory that held the name it
     * was opened by (referenced) and that name, for /proc/PID/fd and exe.
     * NULL for directories (they know their own name) and pseudo files.
     */
    struct inode *directory;
    char *name;
};

/* get_write_access / deny_write_access: -ETXTBSY when the other kind holds
 * the inode; the matching put gives it back. */
int inode_get_write_access(struct inode *inode);
void inode_put_write_access(struct inode *inode);
int inode_deny_write_access(struct inode *inode);
void inode_allow_write_access(struct inode *inode);

struct inode *inode_new(struct super_block *super_block, uint32_t mode);
void inode_get(struct inode *inode);
void inode_put(struct inode *inode);
void inode_touch(struct inode *inode, bool modified);   /* update times */

struct file *file_new(struct inode *inode, uint32_t flags);   /* refcount 1 */
void file_get(struct file *file);
void file_put(struct file *file);
/* Records where file was opened: name in directory (file takes its own reference). */
int file_set_name(struct file *file, struct inode *directory, const char *name);
/*
 * What /proc/PID/fd/N and /proc/PID/exe show for file, as Linux's d_path:
 * its absolute path (with " (deleted)" once unlinked), or pipe:[N],
 * socket:[N], anon_inode:[eventpoll].  Returns the length (the text is cut
 * to size, not NUL-terminated) or an errno.
 */
int vfs_file_path(struct file *file, char *buffer, size_t size);

/*
 * Path resolution.  dirfd is AT_FDCWD or a directory fd; path is a kernel
 * string.  With follow, a final symlink is followed.  Results are referenced.
 */
int path_lookup(int dirfd, const char *path, bool follow, struct inode **result);
/* Resolves all but the last component; *name points into path. */
int path_lookup_parent(int dirfd, const char *path, struct inode **parent,
                       const char **name, size_t *name_length);
/* Opens path for the kernel (exec, init); returns a file or an errno. */
int vfs_open(const char *path, uint32_t flags, uint32_t mode, struct file **result);
ssize_t kernel_read(struct file *file, void *buffer, size_t length, uint64_t offset);
ssize_t kernel_write(struct file *file, const void *buffer, size_t length, uint64_t offset);
/* Absolute path of a directory inode, for getcwd and /proc. */
int vfs_path_of(struct inode *directory, char *buffer, size_t size);
/* Mounts root_of_new at the directory path (used at boot for /dev, /proc). */
int vfs_mount(const char *path, struct inode *root_of_new);
void vfs_set_root(struct inode *root);
struct inode *vfs_root(void);
/* Current time for inode timestamps (CLOCK_REALTIME). */
struct timespec_kernel vfs_now(void);

/* Per-process tables. */
/* The slots a table holds inside itself, enough for most processes
 * (Linux's NR_OPEN_DEFAULT); it grows on demand up to RLIMIT_NOFILE. */
#define FILES_INITIAL 64
/* init's RLIMIT_NOFILE, which every process inherits unless it changes it. */
#define FILES_DEFAULT_LIMIT 256
/* fs.nr_open (Linux's default): RLIMIT_NOFILE, so a table, goes no higher. */
#define FILES_NR_OPEN (1024 * 1024)
/*
 * A descriptor table.  Invariants: size is FILES_INITIAL or a power of two
 * above it; slots and close_on_exec hold size entries (and size / 64
 * words): the initial_ arrays while size is FILES_INITIAL, else arrays of
 * their own (fd_table.c grows them by doubling, never shrinks them).
 * Descriptors at or above size are closed.  No slot below next_free is
 * free (Linux's next_fd), so finding the lowest free one does not scan
 * the full table each time.
 */
struct files {
    uint32_t refcount;
    int size;
    int next_free;
    struct file **slots;
    uint64_t *close_on_exec;
    struct file *initial_slots[FILES_INITIAL];
    uint64_t initial_close_on_exec[FILES_INITIAL / 64];
};
struct fs_context {
    uint32_t refcount;
    struct inode *cwd;
    uint32_t umask;
};

struct files *files_new(void);
struct files *files_copy(struct files *files);        /* fork without CLONE_FILES */
void files_put(struct files *files);
void files_close_on_exec(struct files *files);
struct file *fd_get(int fd);                           /* referenced, or NULL */
int fd_install(struct file *file, bool close_on_exec); /* lowest free fd, or -EMFILE */
struct fs_context *fs_context_new(struct inode *cwd);
struct fs_context *fs_context_copy(struct fs_context *fs);
void fs_context_put(struct fs_context *fs);

/* Pipes (fs/pipe.c) and poll tables (fs/poll.c). */
int pipe_create(struct file *ends[2], uint32_t flags);
struct poll_table;
void poll_wait(struct poll_table *table, struct wait_queue *queue);

/* The initramfs (newc cpio) unpacked into the root ramfs. */
void initramfs_unpack(const void *archive, size_t size);
struct inode *ramfs_create_root(void);

#endif
