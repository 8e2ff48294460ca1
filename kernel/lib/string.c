/* The C string functions the kernel and libfdt use. */
#include <kernel.h>

/* A 64-bit word at any byte address. */
typedef uint64_t unaligned_word __attribute__((aligned(1), may_alias));

/*
 * Word copies whatever the alignment: AArch64 loads and stores need no
 * alignment on Normal memory (SCTLR_EL1.A is clear, arch/sysregs.h), and
 * memcpy never touches device registers.  Network data is seldom aligned
 * on both sides (a TCP payload starts 54 bytes into its frame), and byte
 * copies were the largest cost of a TCP transfer under QEMU's TCG.
 */
void *memcpy(void *destination, const void *source, size_t length)
{
    uint8_t *d = destination;
    const uint8_t *s = source;
    for (; length >= 32; length -= 32, d += 32, s += 32) {
        uint64_t a = ((const unaligned_word *)s)[0], b = ((const unaligned_word *)s)[1];
        uint64_t c = ((const unaligned_word *)s)[2], e = ((const unaligned_word *)s)[3];
        ((unaligned_word *)d)[0] = a;
        ((unaligned_word *)d)[1] = b;
        ((unaligned_word *)d)[2] = c;
        ((unaligned_word *)d)[3] = e;
    }
    for (; length >= 8; length -= 8, d += 8, s += 8)
        *(unaligned_word *)d = *(const unaligned_word *)s;
    while (length--)
        *d++ = *s++;
    return destination;
}

void *memmove(void *destination, const void *source, size_t length)
{
    uint8_t *d = destination;
    const uint8_t *s = source;
    if (d <= s || d >= s + length)
        return memcpy(destination, source, length);
    while (length--)
        d[length] = s[length];
    return destination;
}

void *memset(void *destination, int byte, size_t length)
{
    uint8_t *d = destination;
    if (((uintptr_t)d & 7) == 0) {
        uint64_t word = (uint8_t)byte * 0x0101010101010101UL;
        for (; length >= 8; length -= 8, d += 8)
            *(uint64_t *)d = word;
    }
    while (length--)
        *d++ = (uint8_t)byte;
    return destination;
}

int memcmp(const void *a, const void *b, size_t length)
{
    const uint8_t *x = a, *y = b;
    for (size_t i = 0; i < length; i++)
        if (x[i] != y[i])
            return x[i] - y[i];
    return 0;
}

void *memchr(const void *memory, int byte, size_t length)
{
    const uint8_t *m = memory;
    for (size_t i = 0; i < length; i++)
        if (m[i] == (uint8_t)byte)
            return (void *)(m + i);
    return NULL;
}

size_t strlen(const char *string)
{
    size_t n = 0;
    while (string[n])
        n++;
    return n;
}

size_t strnlen(const char *string, size_t limit)
{
    size_t n = 0;
    while (n < limit && string[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (uint8_t)*a - (uint8_t)*b;
}

int strncmp(const char *a, const char *b, size_t length)
{
    for (; length; length--, a++, b++) {
        if (*a != *b)
            return (uint8_t)*a - (uint8_t)*b;
        if (!*a)
            return 0;
    }
    return 0;
}

char *strchr(const char *string, int character)
{
    for (;; string++) {
        if (*string == (char)character)
            return (char *)string;
        if (!*string)
            return NULL;
    }
}

char *strrchr(const char *string, int character)
{
    const char *found = NULL;
    for (;; string++) {
        if (*string == (char)character)
            found = string;
        if (!*string)
            return (char *)found;
    }
}

size_t strlcpy(char *destination, const char *source, size_t size)
{
    size_t length = strlen(source);
    if (size) {
        size_t n = MIN(length, size - 1);
        memcpy(destination, source, n);
        destination[n] = 0;
    }
    return length;
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

unsigned long strtoul(const char *string, char **end, int base)
{
    const char *p = string;
    unsigned long value = 0;
    while (*p == ' ' || *p == '\t')
        p++;
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = (p[0] == '0') ? 8 : 10;
    }
    while (digit_value(*p) < base)
        value = value * base + digit_value(*p++);
    if (end)
        *end = (char *)p;
    return value;
}

/* Stack protector: libfdt is built with it, and so is the kernel. */
uint64_t __stack_chk_guard = 0x5a17a5e7c0ffee00UL;
_Noreturn void __stack_chk_fail(void)
{
    panic("kernel stack smashing detected");
}
