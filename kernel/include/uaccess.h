/*
 * Copying between the kernel and user memory.  Every user pointer a system
 * call receives goes through these: they check that the range lies below
 * USER_ADDRESS_LIMIT and is mapped with the needed permission (faulting in
 * demand-zero and copy-on-write pages first), and answer -EFAULT otherwise.
 *
 * While a kernel caller has set current->kernel_buffers (see
 * kernel_buffers_begin), the "user" pointers are kernel pointers instead: this
 * lets the same file operations serve exec and other in-kernel readers.
 */
#ifndef UACCESS_H
#define UACCESS_H
#include <kernel.h>

int copy_from_user(void *destination, const void *user_source, size_t length);
int copy_to_user(void *user_destination, const void *source, size_t length);
int clear_user(void *user_destination, size_t length);
/* Copies a NUL-terminated string of at most limit-1 characters.  Returns its
 * length, -EFAULT, or -ENAMETOOLONG when no NUL came within limit bytes. */
long string_from_user(char *destination, const char *user_source, size_t limit);
/* Checks (and faults in) a user range without copying. */
int user_range_prepare(const void *user_address, size_t length, bool write);

bool kernel_buffers_begin(void);
void kernel_buffers_end(bool previous);

#define GET_USER(variable, user_pointer) \
    copy_from_user(&(variable), (user_pointer), sizeof(variable))
#define PUT_USER(value, user_pointer)                                  \
    ({                                                                 \
        __typeof__(*(user_pointer)) put_user_value_ = (value);        \
        copy_to_user((user_pointer), &put_user_value_, sizeof(put_user_value_)); \
    })

#endif
