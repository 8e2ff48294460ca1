/*
 * procfs internals (see proc(5)).  Nothing is stored: every inode is built
 * on demand by lookup and freed by its last inode_put, and a file's text is
 * generated when the file is opened, so that successive reads see one
 * consistent snapshot (as Linux's seq_file gives a reader who reads it all).
 *
 * An inode says what it is through its number alone:
 *   number = descriptor << 40 | pid << 8 | slot
 * where pid is 0 for /proc itself, its entries and its subdirectories', and
 * descriptor is 0 but for the entries of /proc/PID/fd and /proc/PID/fdinfo,
 * where it is the descriptor plus one (their slot is their directory's).
 * Slot 1 is the root, slot 0 a /proc/PID directory, and slot
 * PROCFS_FIRST_ENTRY_SLOT + i entry i of the root table (pid 0) or of the
 * per-process table (pid > 0); each subdirectory of /proc (net, sys, ...)
 * gives its entries slots of their own (struct procfs_directory).  Inode
 * numbers are therefore stable, as on Linux, and never 0.
 */
#ifndef PROCFS_INTERNAL_H
#define PROCFS_INTERNAL_H
#include <fs_internal.h>
#include <task.h>

#define PROCFS_DIRECTORY_SLOT 0
#define PROCFS_ROOT_SLOT 1
#define PROCFS_FIRST_ENTRY_SLOT 2

/* Text built with printf-style appends; on allocation failure, failed is set. */
struct procfs_text {
    char *data;
    size_t length, capacity;
    bool failed;
};
void procfs_printf(struct procfs_text *text, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
void procfs_append(struct procfs_text *text, const char *data, size_t length);

/*
 * One name in /proc, in /proc/PID or in a subdirectory of /proc.  A file
 * has show, which writes its text, and store if it is writable (a sysctl):
 * store gets what one write(2) wrote and returns 0 or an errno.  A symlink
 * has link, which writes its target into buffer and returns the length or
 * an errno, and follow_file if it is a "magic" link to an open file (see
 * inode_operations.follow_file).  A directory (under /proc only) has directory, its entries;
 * one of /proc/PID has descriptors instead: an entry per open descriptor.
 * process is NULL for everything but the entries of /proc/PID.
 */
enum procfs_descriptors {
    PROCFS_NO_DESCRIPTORS,
    PROCFS_DESCRIPTOR_LINKS,   /* fd: a symlink per descriptor, to what it is */
    PROCFS_DESCRIPTOR_INFO,    /* fdinfo: a file per descriptor, its position and flags */
};
struct procfs_directory;
struct procfs_entry {
    const char *name;
    uint32_t mode;
    int (*show)(struct process *process, struct procfs_text *text);
    int (*link)(struct process *process, char *buffer, size_t size);
    int (*store)(const char *text, size_t length);
    const struct procfs_directory *directory;
    enum procfs_descriptors descriptors;
    int (*follow_file)(struct process *process, struct file **target);
};
/* Table rows: read-only files, symlinks, directories, and sysctls (root writes). */
#define PROCFS_FILE(name_, show_) { .name = name_, .mode = S_IFREG | 0444, .show = show_ }
#define PROCFS_LINK(name_, link_) { .name = name_, .mode = S_IFLNK | 0777, .link = link_ }
#define PROCFS_MAGIC_LINK(name_, link_, follow_file_) \
    { .name = name_, .mode = S_IFLNK | 0777, .link = link_, .follow_file = follow_file_ }
#define PROCFS_DIRECTORY(name_, directory_) \
    { .name = name_, .mode = S_IFDIR | 0555, .directory = directory_ }
#define PROCFS_SYSCTL(name_, show_, store_) \
    { .name = name_, .mode = S_IFREG | 0644, .show = show_, .store = store_ }
/* /proc/PID/fd (0500 on Linux: only the owner may look) and fdinfo (0555). */
#define PROCFS_DESCRIPTORS(name_, mode_, descriptors_) \
    { .name = name_, .mode = S_IFDIR | (mode_), .descriptors = descriptors_ }

/*
 * A directory of pid 0: entry i has slot first_slot + i.  Invariant: the
 * slot ranges of /proc and of all its subdirectories are disjoint and below
 * 256 (the slots in use are listed here).
 */
struct procfs_directory {
    const struct procfs_entry *entries;
    size_t count;
    unsigned first_slot;
};
extern const struct procfs_directory procfs_root_directory;   /* slots 2-127 */
extern const struct procfs_entry procfs_process_entries[];
extern const size_t procfs_process_entry_count;
/* /proc/net (net_files.c). */
#define PROCFS_NET_FIRST_SLOT 128
extern const struct procfs_directory procfs_net_directory;    /* slots 128-159 */
/* /proc/sys (sys_files.c): slots 160-191, laid out there. */
#define PROCFS_SYS_FIRST_SLOT 160
extern const struct procfs_directory procfs_sys_directory;

/* descriptor_files.c: the open file at fd in process, or NULL. */
struct file *procfs_descriptor_file(struct process *process, int fd);
/* The mode of /proc/PID/fd/N: r-x if fd reads, -wx if it writes (Linux). */
uint32_t procfs_descriptor_link_mode(struct file *file);
int procfs_descriptor_link(struct process *process, int fd, char *buffer, size_t size);
int procfs_descriptor_info(struct process *process, int fd, struct procfs_text *text);

/* maps_file.c: /proc/PID/maps. */
int procfs_show_maps(struct process *process, struct procfs_text *text);

/* struct linux_dirent64, the record getdents64(2) fills in. */
struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;            /* position of the next record */
    uint16_t d_reclen;
    uint8_t d_type;           /* DT_*: the S_IFMT bits shifted down */
    char d_name[];
} __attribute__((packed));

/* USER_HZ: the unit of clock ticks in proc(5) files (sysconf(_SC_CLK_TCK)). */
#define USER_HZ 100
static inline uint64_t ns_to_clock_ticks(uint64_t ns)
{
    return ns / (1000000000UL / USER_HZ);
}

#endif
