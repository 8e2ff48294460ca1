/* Things every kernel file needs: fixed-width types, printing, panics, lists. */
#ifndef KERNEL_H
#define KERNEL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <arch/memory_layout.h>

typedef int64_t ssize_t;
typedef int64_t off_t;
typedef int32_t pid_t;

#define ARRAY_SIZE(a)        (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)            ((a) < (b) ? (a) : (b))
#define MAX(a, b)            ((a) > (b) ? (a) : (b))
#define ALIGN_UP(x, a)       (((x) + (a) - 1) & ~((uint64_t)(a) - 1))
#define ALIGN_DOWN(x, a)     ((x) & ~((uint64_t)(a) - 1))
#define container_of(pointer, type, member) \
    ((type *)((char *)(pointer) - offsetof(type, member)))

/* Linux's errno values: the user ABI is Linux's. */
#include <asm-generic/errno.h>

int kprintf(const char *format, ...) __attribute__((format(printf, 1, 2)));
int vkprintf(const char *format, va_list args);
int snprintf(char *buffer, size_t size, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buffer, size_t size, const char *format, va_list args);
/* Kernel messages are printed only when the command line asks for them. */
void kernel_log(const char *format, ...) __attribute__((format(printf, 1, 2)));
extern bool kernel_log_enabled;

_Noreturn void panic(const char *format, ...) __attribute__((format(printf, 1, 2)));
#define ASSERT(condition)                                                      \
    do {                                                                       \
        if (!(condition))                                                      \
            panic("assertion failed: %s at %s:%d", #condition, __FILE__, __LINE__); \
    } while (0)

/* String and memory functions (kernel/lib/string.c); libfdt needs them too. */
void *memcpy(void *destination, const void *source, size_t length);
void *memmove(void *destination, const void *source, size_t length);
void *memset(void *destination, int byte, size_t length);
int memcmp(const void *a, const void *b, size_t length);
void *memchr(const void *memory, int byte, size_t length);
size_t strlen(const char *string);
size_t strnlen(const char *string, size_t limit);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t length);
char *strchr(const char *string, int character);
char *strrchr(const char *string, int character);
size_t strlcpy(char *destination, const char *source, size_t size);
unsigned long strtoul(const char *string, char **end, int base);

#include <list.h>

/*
 * Initialisation hooks run in order of level after the core is up, so that a
 * subsystem (a file system, a driver) adds itself without editing main.c.
 */
typedef void (*initcall_t)(void);
struct initcall {
    int level;
    initcall_t function;
};
/* INIT_LEVEL_THREADS runs after init exists, so kernel threads never take pid 1. */
enum { INIT_LEVEL_CORE = 1, INIT_LEVEL_FS = 2, INIT_LEVEL_DEVICE = 3, INIT_LEVEL_LATE = 4,
       INIT_LEVEL_THREADS = 5 };
#define INITCALL(level_value, fn)                                               \
    static const struct initcall initcall_##fn                                  \
        __attribute__((used, section(".initcalls"))) = { level_value, fn }

#endif
