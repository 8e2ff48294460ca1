/* System-call dispatch; see syscall.h. */
#include <syscall.h>
#include <task.h>
#include <arch/trap_frame.h>

#define SYSCALL_TABLE_SIZE 512

extern const struct syscall_registration syscall_registrations_start[];
extern const struct syscall_registration syscall_registrations_end[];
static syscall_handler_t table[SYSCALL_TABLE_SIZE];
static const char *names[SYSCALL_TABLE_SIZE];
bool syscall_trace_enabled;

void syscalls_init(void)
{
    for (const struct syscall_registration *r = syscall_registrations_start;
         r < syscall_registrations_end; r++) {
        if (r->number >= SYSCALL_TABLE_SIZE || table[r->number])
            panic("system call %u (%s) registered twice or out of range", r->number, r->name);
        table[r->number] = r->handler;
        names[r->number] = r->name;
    }
}

void syscall_dispatch(struct trap_frame *frame)
{
    uint64_t number = frame->x[8];
    frame->syscall_number = number;
    frame->orig_x0 = frame->x[0];
    long result = -ENOSYS;
    if (number < SYSCALL_TABLE_SIZE && table[number])
        result = table[number](frame->x[0], frame->x[1], frame->x[2], frame->x[3], frame->x[4],
                               frame->x[5]);
    if (syscall_trace_enabled)
        kprintf("[%d] %s(%lx, %lx, %lx) = %ld\n", current->tid,
                number < SYSCALL_TABLE_SIZE && names[number] ? names[number] : "?",
                frame->orig_x0, frame->x[1], frame->x[2], result);
    frame->x[0] = (uint64_t)result;
}
