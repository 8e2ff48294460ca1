/*
 * The entries of /proc itself (proc(5)): self, uptime, meminfo, stat,
 * loadavg, mounts, filesystems, and the directories net and sys.  Formats follow Linux 6.1.
 *
 * The kernel does not count idle time; it is estimated as the time since
 * boot not spent running any process's threads.  Load averages are not
 * tracked and read 0.00.
 */
#include "procfs_internal.h"
#include <clock.h>
#include <page.h>
#include <uaccess.h>

static int link_self(struct process *unused, char *buffer, size_t size)
{
    char pid[12];
    int length = snprintf(pid, sizeof(pid), "%d", current->process->pid);
    memcpy(buffer, pid, MIN((size_t)length, size));
    return (int)MIN((size_t)length, size);
}

/* CPU time used by every task since boot, exited ones included. */
static uint64_t busy_ns(void)
{
    return cpu_times_total(cpu_time_all());
}

static uint64_t idle_ns(uint64_t uptime, uint64_t busy)
{
    return uptime > busy ? uptime - busy : 0;
}

/* "uptime idle", in seconds with two decimals. */
static int show_uptime(struct process *unused, struct procfs_text *text)
{
    uint64_t uptime = clock_monotonic_ns();
    uint64_t idle = idle_ns(uptime, busy_ns());
    uint64_t centiseconds = NANOSECONDS_PER_SECOND / 100;
    procfs_printf(text, "%lu.%02lu %lu.%02lu\n", uptime / NANOSECONDS_PER_SECOND,
                  uptime / centiseconds % 100, idle / NANOSECONDS_PER_SECOND,
                  idle / centiseconds % 100);
    return 0;
}

/* Linux pads each name to 16 columns and each value to 8. */
static void meminfo_line(struct procfs_text *text, const char *name, uint64_t pages)
{
    procfs_printf(text, "%-16s%8lu kB\n", name, pages * (PAGE_SIZE / 1024));
}

/* All memory is RAM the page allocator manages: no swap, no reclaimable cache. */
static int show_meminfo(struct process *unused, struct procfs_text *text)
{
    uint64_t total = page_total_count(), free = page_free_count();
    meminfo_line(text, "MemTotal:", total);
    meminfo_line(text, "MemFree:", free);
    meminfo_line(text, "MemAvailable:", free);
    meminfo_line(text, "Buffers:", 0);
    meminfo_line(text, "Cached:", 0);
    meminfo_line(text, "SwapCached:", 0);
    meminfo_line(text, "SwapTotal:", 0);
    meminfo_line(text, "SwapFree:", 0);
    return 0;
}

static int count_tasks(bool runnable_only)
{
    int count = 0;
    list_for_each(process_node, &all_processes) {
        struct process *process = container_of(process_node, struct process, all_node);
        list_for_each(node, &process->threads) {
            struct task *task = container_of(node, struct task, thread_node);
            if (!runnable_only || task->state == TASK_RUNNING || task->state == TASK_RUNNABLE)
                count++;
        }
    }
    return count;
}

/* One CPU: the "cpu" total and "cpu0" lines are the same. */
static int show_stat(struct process *unused, struct procfs_text *text)
{
    uint64_t uptime = clock_monotonic_ns();
    struct cpu_times busy = cpu_time_all();
    uint64_t user = ns_to_clock_ticks(busy.user_ns), system = ns_to_clock_ticks(busy.system_ns);
    uint64_t idle = ns_to_clock_ticks(idle_ns(uptime, cpu_times_total(busy)));
    procfs_printf(text, "cpu  %lu 0 %lu %lu 0 0 0 0 0 0\n", user, system, idle);
    procfs_printf(text, "cpu0 %lu 0 %lu %lu 0 0 0 0 0 0\n", user, system, idle);
    procfs_printf(text, "btime %lu\n",
                  (clock_realtime_ns() - uptime) / NANOSECONDS_PER_SECOND);
    procfs_printf(text, "procs_running %d\nprocs_blocked 0\n", count_tasks(true));
    return 0;
}

/* "load1 load5 load15 runnable/total last-pid" */
static int show_loadavg(struct process *unused, struct procfs_text *text)
{
    pid_t last_pid = 0;
    list_for_each(node, &all_processes)
        last_pid = MAX(last_pid, container_of(node, struct process, all_node)->pid);
    procfs_printf(text, "0.00 0.00 0.00 %d/%d %d\n", count_tasks(true), count_tasks(false),
                  last_pid);
    return 0;
}

/*
 * The mount table.  The VFS keeps no list of mounts, but every mount is on a
 * directory and records itself there (inode->mounted); the kernel mounts
 * only on directories of the root (/dev, /proc), so those are what is
 * searched.
 */
#define MOUNTS_MAX 16

struct mount {
    struct inode *root;
    char path[NAME_MAX + 2];
};

/* Reads the root directory's names through its getdents, as the kernel (not the user). */
static int mounts_collect(struct mount *mounts, size_t *count)
{
    mounts[0].root = vfs_root();
    strlcpy(mounts[0].path, "/", sizeof(mounts[0].path));
    *count = 1;
    struct file *file;
    int error = vfs_open("/", O_RDONLY | O_DIRECTORY, 0, &file);
    if (error)
        return error;
    uint8_t *buffer = kmalloc(PAGE_SIZE);
    if (!buffer) {
        file_put(file);
        return -ENOMEM;
    }
    for (;;) {
        bool previous = kernel_buffers_begin();
        ssize_t used = file->ops->getdents(file, buffer, PAGE_SIZE);
        kernel_buffers_end(previous);
        if (used <= 0)
            break;
        for (ssize_t at = 0; at < used;) {
            const struct linux_dirent64 *dirent = (const void *)(buffer + at);
            const char *name = dirent->d_name;
            at += dirent->d_reclen;
            if (!strcmp(name, ".") || !strcmp(name, "..") || *count == MOUNTS_MAX)
                continue;
            struct inode *directory;
            if (vfs_root()->ops->lookup(vfs_root(), name, strlen(name), &directory))
                continue;
            if (directory->mounted) {
                mounts[*count].root = directory->mounted;
                snprintf(mounts[*count].path, sizeof(mounts[*count].path), "/%s", name);
                (*count)++;
            }
            inode_put(directory);
        }
    }
    kfree(buffer);
    file_put(file);
    return 0;
}

/* "device mountpoint type options 0 0"; memory file systems name their type as the device. */
static int show_mounts(struct process *unused, struct procfs_text *text)
{
    struct mount mounts[MOUNTS_MAX];
    size_t count;
    int error = mounts_collect(mounts, &count);
    if (error)
        return error;
    for (size_t i = 0; i < count; i++) {
        const char *type = mounts[i].root->super_block->name;
        procfs_printf(text, "%s %s %s rw 0 0\n", type, mounts[i].path, type);
    }
    return 0;
}

/*
 * The file-system types in use, each once.  All of them keep their data in
 * memory, so each is marked "nodev" as Linux marks such types.
 */
static int show_filesystems(struct process *unused, struct procfs_text *text)
{
    struct mount mounts[MOUNTS_MAX];
    size_t count;
    int error = mounts_collect(mounts, &count);
    if (error)
        return error;
    for (size_t i = 0; i < count; i++) {
        const char *type = mounts[i].root->super_block->name;
        bool listed = false;
        for (size_t j = 0; j < i; j++)
            listed |= !strcmp(mounts[j].root->super_block->name, type);
        if (!listed)
            procfs_printf(text, "nodev\t%s\n", type);
    }
    return 0;
}

static const struct procfs_entry procfs_root_entries[] = {
    PROCFS_FILE("filesystems", show_filesystems),
    PROCFS_FILE("loadavg", show_loadavg),
    PROCFS_FILE("meminfo", show_meminfo),
    PROCFS_FILE("mounts", show_mounts),
    PROCFS_DIRECTORY("net", &procfs_net_directory),
    PROCFS_LINK("self", link_self),
    PROCFS_FILE("stat", show_stat),
    PROCFS_DIRECTORY("sys", &procfs_sys_directory),
    PROCFS_FILE("uptime", show_uptime),
};
const struct procfs_directory procfs_root_directory = {
    procfs_root_entries, ARRAY_SIZE(procfs_root_entries), PROCFS_FIRST_ENTRY_SLOT,
};
