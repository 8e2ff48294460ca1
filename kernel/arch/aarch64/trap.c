/*
 * Synchronous exceptions: system calls, page faults and the faults that
 * become signals.  A fault in user mode never harms the kernel: it is either
 * resolved (demand paging, copy on write) or turned into a signal to the
 * faulting thread.  A fault in kernel mode is a kernel bug and panics.
 */
#include <task.h>
#include <signal.h>
#include <syscall.h>
#include <address_space.h>
#include <arch/sysregs.h>
#include <arch/mmio.h>
#include <asm-generic/siginfo.h>

void backtrace_print(uint64_t frame_pointer, uint64_t pc);

static void fault_signal(int signal, int code, uint64_t address)
{
    struct signal_info info = { .signal = signal, .code = code, .address = address };
    signal_force(current, &info);
}

static void user_abort(uint64_t esr, uint64_t far, bool instruction)
{
    uint32_t status = esr & 0x3f;           /* DFSC/IFSC */
    bool write = !instruction && (esr & (1u << 6));
    /* Translation (0b0001xx), access flag (0b0010xx) and permission (0b0011xx) faults. */
    if (status >= 0x04 && status <= 0x0f) {
        int error = address_space_fault(current->process->address_space, far, write, instruction);
        if (error == 0)
            return;
        if (error == -ENOMEM) {
            signal_send_simple(current->process, SIGKILL);
            return;
        }
        if (error == -ENXIO) {              /* a file mapping past the file's end */
            fault_signal(SIGBUS, BUS_ADRERR, far);
            return;
        }
        fault_signal(SIGSEGV, error == -EACCES ? SEGV_ACCERR : SEGV_MAPERR, far);
        return;
    }
    if (status == 0x21) {                   /* alignment fault */
        fault_signal(SIGBUS, BUS_ADRALN, far);
        return;
    }
    fault_signal(SIGBUS, BUS_OBJERR, far);
}

void trap_user_sync(struct trap_frame *frame)
{
    uint64_t esr = read_sysreg(esr_el1);
    uint64_t far = read_sysreg(far_el1);
    unsigned class = esr >> ESR_EC_SHIFT;
    switch (class) {
    case ESR_EC_SVC64:
        syscall_dispatch(frame);
        return;
    case ESR_EC_DATA_ABORT_EL0:
        user_abort(esr, far, false);
        return;
    case ESR_EC_INSN_ABORT_EL0:
        user_abort(esr, far, true);
        return;
    case ESR_EC_PC_ALIGN:
        fault_signal(SIGBUS, BUS_ADRALN, far);
        return;
    case ESR_EC_SP_ALIGN:
        fault_signal(SIGBUS, BUS_ADRALN, frame->sp);
        return;
    case ESR_EC_BRK64:
        fault_signal(SIGTRAP, TRAP_BRKPT, frame->pc);
        return;
    default:
        fault_signal(SIGILL, ILL_ILLOPC, frame->pc);
        return;
    }
}

static const char *exception_class_name(unsigned class)
{
    switch (class) {
    case ESR_EC_DATA_ABORT_EL1: return "data abort";
    case ESR_EC_INSN_ABORT_EL1: return "instruction abort";
    case ESR_EC_SP_ALIGN: return "stack alignment fault";
    case ESR_EC_PC_ALIGN: return "PC alignment fault";
    case ESR_EC_BRK64: return "breakpoint";
    case ESR_EC_UNKNOWN: return "undefined instruction";
    default: return "unexpected exception";
    }
}

void trap_kernel_sync(struct trap_frame *frame)
{
    uint64_t esr = read_sysreg(esr_el1);
    uint64_t far = read_sysreg(far_el1);
    unsigned class = esr >> ESR_EC_SHIFT;
    kprintf("\nkernel %s: esr=%lx far=%lx pc=%lx\n", exception_class_name(class), esr, far,
            frame->pc);
    backtrace_print(frame->x[29], frame->pc);
    panic("%s in kernel mode at address %lx", exception_class_name(class), far);
}

void trap_unexpected(struct trap_frame *frame)
{
    panic("unexpected exception: esr=%lx pc=%lx", read_sysreg(esr_el1), frame->pc);
}
