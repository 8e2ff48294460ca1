/* System V IPC (kernel/ipc): what the rest of the kernel calls. */
#ifndef IPC_H
#define IPC_H

struct process;
/* At the exit of process: applies and forgets its SEM_UNDO adjustments. */
void semaphore_undo_exit(struct process *process);

#endif
