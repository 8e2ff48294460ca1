/* Paths passed by user programs, copied into kernel buffers. */
#include <fs_internal.h>
#include <page.h>
#include <uaccess.h>

/*
 * Returns the length, or EFAULT, or ENAMETOOLONG when the path (with its
 * NUL) does not fit in PATH_MAX bytes, as Linux's getname answers.
 */
long path_from_user(const char *user_path, char **result)
{
    char *buffer = kmalloc(PATH_MAX);
    if (!buffer)
        return -ENOMEM;
    long length = string_from_user(buffer, user_path, PATH_MAX);
    if (length < 0) {
        kfree(buffer);
        return length;
    }
    *result = buffer;
    return length;
}
