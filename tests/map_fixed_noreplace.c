/*
 * MAP_FIXED_NOREPLACE (mmap(2), Linux 4.17): MAP_FIXED that fails with
 * EEXIST where anything is mapped, and maps exactly there otherwise.
 * qemu-aarch64 takes the flag as a hint, so tests/test_map_fixed_noreplace.sh
 * compares this program's output on Strata with Linux 6.1's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
    long page = sysconf(_SC_PAGESIZE);
    char *area = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (area == MAP_FAILED)
        return 1;
    memset(area, 0x11, 4 * page);
    errno = 0;
    char *over = mmap(area + 2 * page, 2 * page, PROT_READ,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    printf("over a mapping: %s, errno %s\n", over == MAP_FAILED ? "failed" : "mapped",
           errno == EEXIST ? "EEXIST" : strerror(errno));
    printf("the mapping kept its bytes: %s\n", area[2 * page] == 0x11 ? "yes" : "no");
    errno = 0;
    over = mmap(area + 3 * page, 2 * page, PROT_READ,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    printf("half over a mapping: %s\n", errno == EEXIST ? "EEXIST" : "no EEXIST");
    munmap(area, 4 * page);
    char *hole = mmap(area + page, page, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    printf("into a free hole: %s\n", hole == area + page ? "exactly there" : "elsewhere");
    errno = 0;
    hole = mmap(area + 1, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
                -1, 0);
    printf("unaligned: %s\n", errno == EINVAL ? "EINVAL" : strerror(errno));
    return 0;
}
