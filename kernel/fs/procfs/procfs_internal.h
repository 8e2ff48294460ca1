/*
 * procfs internals (see proc(5)).  Nothing is stored: every inode is built
 * on demand by lookup and freed by its last inode_put, and a file's text is
 * generated when the file is opened, so that successive reads see one
 * consistent snapshot (as Linux's seq_file gives a reader who reads it all).
 *
 * An inode says what it is through its number alone:
 *   number = pid << 8 | slot
 * where pid is 0 for /proc itself and its top-level entries.  Slot 1 is the
 * root, slot 0 a /proc/PID directory, and slot PROCFS_FIRST_ENTRY_SLOT + i
 * entry i of the root table (pid 0) or of the per-process table (pid > 0).
 * Inode numbers are therefore stable, as on Linux, and never 0.
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
 * One name in /proc or in /proc/PID.  A file has show, which writes its
 * text; a symlink has link, which writes its target into buffer and returns
 * the length or an errno.  process is NULL for the entries of /proc.
 */
struct procfs_entry {
    const char *name;
    uint32_t mode;
    int (*show)(struct process *process, struct procfs_text *text);
    int (*link)(struct process *process, char *buffer, size_t size);
};

extern const struct procfs_entry procfs_root_entries[];
extern const size_t procfs_root_entry_count;
extern const struct procfs_entry procfs_process_entries[];
extern const size_t procfs_process_entry_count;
/* /proc/net (net_files.c): the root entry "net" is a directory whose entry i
 * has slot PROCFS_NET_FIRST_SLOT + i (pid 0). */
#define PROCFS_NET_FIRST_SLOT 128
extern const struct procfs_entry procfs_net_entries[];
extern const size_t procfs_net_entry_count;

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
/* CPU time of process's live threads, including the running one's current slice. */
uint64_t procfs_process_cpu_ns(struct process *process);

#endif
