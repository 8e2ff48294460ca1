/*
 * Fuzz target (e), cpio: the initramfs unpacker (kernel/fs/cpio.c) over
 * any archive, into kernel_shim.c's VFS, which checks every name and
 * reference cpio.c hands it.  Input: the archive.
 */
#include "kernel_shim.h"

void *malloc(size_t size);
void free(void *pointer);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    shim_vfs_reset();
    /* A copy of exactly the archive's size, so that ASan sees any read past it. */
    uint8_t *archive = malloc(size ? size : 1);
    memcpy(archive, data, size);
    initramfs_unpack(archive, size);
    free(archive);
    shim_vfs_reset();   /* checks every reference came back */
    return 0;
}
