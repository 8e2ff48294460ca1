/*
 * The entries of /proc/PID (proc(5)): stat, status, cmdline, comm, and the
 * symlinks exe and cwd; the directories fd and fdinfo (descriptor_files.c)
 * and maps (maps_file.c) are listed here too.  Field layouts follow Linux
 * 6.1's fs/proc/array.c, since ps and top parse them by position.
 *
 * Values the kernel does not track (page faults, nice, user/system split
 * of CPU time, which signals are caught or ignored) read 0; CPU time is all
 * counted as user time.
 */
#include "procfs_internal.h"
#include <address_space.h>
#include <clock.h>
#include <tty.h>

/* Linux's RLIMIT_RSS, for the rsslim field. */
#define RLIMIT_RSS_INDEX 5

/* proc(5) states: R running or runnable, S sleeping, T stopped, Z zombie. */
static char process_state(struct process *process)
{
    if (process->zombie)
        return 'Z';
    if (process->stopped)
        return 'T';
    list_for_each(node, &process->threads) {
        struct task *task = container_of(node, struct task, thread_node);
        if (task->state == TASK_RUNNING || task->state == TASK_RUNNABLE)
            return 'R';
    }
    return 'S';
}

static const char *state_name(char state)
{
    switch (state) {
    case 'R': return "R (running)";
    case 'T': return "T (stopped)";
    case 'Z': return "Z (zombie)";
    default: return "S (sleeping)";
    }
}

static uint64_t virtual_size(struct address_space *space)
{
    uint64_t size = 0;
    if (space)
        list_for_each(node, &space->areas) {
            struct area *area = container_of(node, struct area, node);
            size += area->end - area->start;
        }
    return size;
}

static uint64_t resident_pages(struct address_space *space)
{
    return space ? address_space_resident_pages(space) : 0;
}

/* The main thread, whose mask and pending set proc(5) shows; NULL for a zombie. */
static struct task *first_thread(struct process *process)
{
    if (list_empty(&process->threads))
        return NULL;
    return container_of(process->threads.next, struct task, thread_node);
}

static uint64_t blocked_signals(struct process *process)
{
    struct task *task = first_thread(process);
    return task ? task->signal_mask : 0;
}

static uint64_t thread_pending_signals(struct process *process)
{
    struct task *task = first_thread(process);
    return task ? task->pending_signals : 0;
}

static pid_t parent_pid(struct process *process)
{
    return process->parent ? process->parent->pid : 0;
}

/* The 52 fields of proc(5) /proc/PID/stat, in order. */
static int show_stat(struct process *process, struct procfs_text *text)
{
    struct address_space *space = process->address_space;
    uint64_t stack_start = space ? space->stack_start : 0;
    procfs_printf(text, "%d (%s) %c %d %d %d %u %d ", process->pid, process->name,
                  process_state(process), parent_pid(process), process->pgid, process->sid,
                  tty_device_of(process), tty_foreground_group_of(process));
    /* flags minflt cminflt majflt cmajflt */
    procfs_printf(text, "0 0 0 0 0 ");
    /* utime stime cutime cstime priority nice num_threads itrealvalue */
    struct cpu_times own = process_cpu_time(process), children = process->children_cpu_time;
    procfs_printf(text, "%lu %lu %lu %lu 20 0 %d 0 ", ns_to_clock_ticks(own.user_ns),
                  ns_to_clock_ticks(own.system_ns), ns_to_clock_ticks(children.user_ns),
                  ns_to_clock_ticks(children.system_ns), process->live_threads);
    /* starttime vsize rss rsslim */
    procfs_printf(text, "%lu %lu %lu %lu ", ns_to_clock_ticks(process->start_time_ns),
                  virtual_size(space), resident_pages(space),
                  process->limits[RLIMIT_RSS_INDEX].current);
    /* startcode endcode startstack kstkesp kstkeip */
    procfs_printf(text, "0 0 %lu 0 0 ", stack_start);
    /* signal blocked sigignore sigcatch wchan nswap cnswap */
    procfs_printf(text, "%lu %lu 0 0 0 0 0 ", process->pending_signals, blocked_signals(process));
    /* exit_signal processor rt_priority policy delayacct_blkio_ticks guest_time cguest_time */
    procfs_printf(text, "%d 0 0 0 0 0 0 ", process->exit_signal);
    /* start_data end_data start_brk arg_start arg_end env_start env_end */
    procfs_printf(text, "0 0 %lu 0 0 0 0 ", space ? space->heap_start : 0);
    /* exit_code: the wait status, once there is one */
    procfs_printf(text, "%d\n", process->zombie ? process->exit_status : 0);
    return 0;
}

static void print_octal_umask(struct procfs_text *text, uint32_t umask)
{
    procfs_printf(text, "Umask:\t%c%c%c%c\n", '0' + ((umask >> 9) & 7), '0' + ((umask >> 6) & 7),
                  '0' + ((umask >> 3) & 7), '0' + (umask & 7));
}

static int show_status(struct process *process, struct procfs_text *text)
{
    procfs_printf(text, "Name:\t%s\n", process->name);
    if (process->fs)
        print_octal_umask(text, process->fs->umask);
    procfs_printf(text, "State:\t%s\n", state_name(process_state(process)));
    procfs_printf(text, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n",
                  process->pid, process->pid, parent_pid(process));
    /* Real, effective, saved and file-system ids; the last follows the effective one. */
    const struct ids *user = &process->user_ids, *group = &process->group_ids;
    procfs_printf(text, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\nFDSize:\t%d\nGroups:\t",
                  user->real, user->effective, user->saved, user->effective, group->real,
                  group->effective, group->saved, group->effective,
                  process->files ? process->files->size : 0);
    /* Space-separated, then one space more, even for none ("Groups:\t \n"), as Linux 6.1. */
    const struct supplementary_groups *groups = &process->supplementary_groups;
    for (uint32_t index = 0; index < groups->count; index++)
        procfs_printf(text, index ? " %u" : "%u", groups->ids[index]);
    procfs_printf(text, " \n");
    /* Like Linux, only processes with an address space report memory. */
    if (process->address_space) {
        struct address_space *space = process->address_space;
        procfs_printf(text, "VmSize:\t%8lu kB\nVmRSS:\t%8lu kB\n", virtual_size(space) / 1024,
                      resident_pages(space) * (PAGE_SIZE / 1024));
    }
    procfs_printf(text, "Threads:\t%d\n", process->live_threads);
    procfs_printf(text, "SigPnd:\t%016lx\nShdPnd:\t%016lx\nSigBlk:\t%016lx\n",
                  thread_pending_signals(process), process->pending_signals,
                  blocked_signals(process));
    return 0;
}

/* The NUL-separated arguments; empty for a zombie, which has no memory left (Linux). */
static int show_command_line(struct process *process, struct procfs_text *text)
{
    if (!process->zombie && process->command_line)
        procfs_append(text, process->command_line, process->command_line_length);
    return 0;
}

static int show_name(struct process *process, struct procfs_text *text)
{
    procfs_printf(text, "%s\n", process->name);
    return 0;
}

static int link_executable(struct process *process, char *buffer, size_t size)
{
    if (!process->executable)
        return -ENOENT;
    return vfs_file_path(process->executable, buffer, size);
}

/* Opening /proc/PID/exe opens the executable itself, unlinked or not (Linux). */
static int follow_executable(struct process *process, struct file **target)
{
    if (!process->executable)
        return -ENOENT;
    file_get(process->executable);
    *target = process->executable;
    return 0;
}

static int link_working_directory(struct process *process, char *buffer, size_t size)
{
    if (!process->fs)
        return -ENOENT;
    return vfs_path_of(process->fs->cwd, buffer, size);
}

const struct procfs_entry procfs_process_entries[] = {
    PROCFS_FILE("cmdline", show_command_line),
    PROCFS_FILE("comm", show_name),
    PROCFS_LINK("cwd", link_working_directory),
    PROCFS_MAGIC_LINK("exe", link_executable, follow_executable),
    PROCFS_DESCRIPTORS("fd", 0500, PROCFS_DESCRIPTOR_LINKS),
    PROCFS_DESCRIPTORS("fdinfo", 0555, PROCFS_DESCRIPTOR_INFO),
    PROCFS_FILE("maps", procfs_show_maps),
    PROCFS_FILE("stat", show_stat),
    PROCFS_FILE("status", show_status),
};
const size_t procfs_process_entry_count = ARRAY_SIZE(procfs_process_entries);
