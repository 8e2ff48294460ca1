/* Where new tasks begin: their first context's lr points at one of these. */
    .section .text
    .global task_entry_user
task_entry_user:
    bl      scheduler_task_started
    b       return_to_user

/* A kernel thread: function in x19, argument in x20, user trap frame at sp. */
    .global task_entry_kernel
task_entry_kernel:
    bl      scheduler_task_started
    mov     x0, x20
    blr     x19
    b       return_to_user
