/*
 * clone(2): fork, vfork and thread creation are all clone with different
 * flags.  Each CLONE_* flag names a thing the child shares instead of copies.
 */
#include <task.h>
#include <page.h>
#include <vfs.h>
#include <signal.h>
#include <syscall.h>
#include <uaccess.h>
#include <address_space.h>
#include <arch/mmio.h>
#include <linux/sched.h>

struct task *task_allocate(void);
void task_free(struct task *task);
struct process *process_allocate(struct process *parent);
void process_attach_task(struct process *process, struct task *task);
void process_free(struct process *process);
void fp_state_save(struct fp_state *state);

static int share_or_copy_resources(struct process *child, struct process *parent, uint64_t flags)
{
    if (flags & CLONE_VM) {
        child->address_space = parent->address_space;
        address_space_get(child->address_space);
    } else {
        child->address_space = address_space_fork(parent->address_space);
    }
    if (flags & CLONE_FILES) {
        child->files = parent->files;
        child->files->refcount++;
    } else {
        child->files = files_copy(parent->files);
    }
    if (flags & CLONE_FS) {
        child->fs = parent->fs;
        child->fs->refcount++;
    } else {
        child->fs = fs_context_copy(parent->fs);
    }
    if (flags & CLONE_SIGHAND)
        child->handlers = parent->handlers, *(uint32_t *)child->handlers += 1;
    else
        child->handlers = signal_handlers_copy(parent->handlers);
    if (!child->address_space || !child->files || !child->fs || !child->handlers)
        return -ENOMEM;
    return 0;
}

static long do_clone(uint64_t flags, uint64_t stack, uint64_t parent_tid, uint64_t tls,
                     uint64_t child_tid)
{
    if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
        return -EINVAL;
    if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
        return -EINVAL;
    struct process *parent = current->process;
    struct task *task = task_allocate();
    if (!task)
        return -EAGAIN;
    struct process *process = parent;
    if (!(flags & CLONE_THREAD)) {
        process = process_allocate((flags & CLONE_PARENT) && parent->parent ? parent->parent
                                                                             : parent);
        if (!process) {
            task_free(task);
            return -ENOMEM;
        }
        process->exit_signal = flags & 0xff;
        int error = share_or_copy_resources(process, parent, flags);
        if (error) {
            process_attach_task(process, task);
            process->live_threads = 0;
            process_free(process);
            task_free(task);
            return error;
        }
    }
    process_attach_task(process, task);

    *task->trap_frame = *current->trap_frame;
    task->trap_frame->x[0] = 0;
    if (stack)
        task->trap_frame->sp = stack;
    task->tls = (flags & CLONE_SETTLS) ? tls : read_sysreg(tpidr_el0);
    fp_state_save(&task->fp);
    task->signal_mask = current->signal_mask;
    if (flags & CLONE_CHILD_CLEARTID)
        task->clear_child_tid = child_tid;
    if (flags & CLONE_PARENT_SETTID)
        PUT_USER((int32_t)task->tid, (int32_t *)parent_tid);
    /* Written by the child when it first runs, in its own address space. */
    if (flags & CLONE_CHILD_SETTID)
        task->set_child_tid = child_tid;
    pid_t id = task->tid;
    struct vfork_completion vfork = { .done = false };
    if (flags & CLONE_VFORK) {
        wait_queue_init(&vfork.queue);
        task->vfork_done = &vfork;
    }
    task_make_runnable(task);
    if (flags & CLONE_VFORK) {
        /* The parent sleeps until the child execs or exits (vfork(2)); signals wait too. */
        while (!vfork.done) {
            struct wait_entry entry;
            wait_queue_add(&vfork.queue, &entry);
            current->state = TASK_SLEEPING;
            schedule();
            wait_entry_remove(&entry);
        }
    }
    return id;
}

static long sys_clone(uint64_t flags, uint64_t stack, uint64_t parent_tid, uint64_t tls,
                      uint64_t child_tid)
{
    return do_clone(flags, stack, parent_tid, tls, child_tid);
}
SYSCALL(__NR_clone, sys_clone);
