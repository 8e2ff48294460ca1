/*
 * execve: load an ELF executable (ET_EXEC, or ET_DYN for static-pie and
 * PIE) with the interpreter its PT_INTERP names, or a "#!" script, and build
 * the initial stack the way Linux does (argc, argv, envp, auxv; see the
 * System V ABI and getauxval(3)).
 */
#include <task.h>
#include <vfs.h>
#include <page.h>
#include <uaccess.h>
#include <address_space.h>
#include <page_table.h>
#include <signal.h>
#include <syscall.h>
#include <random.h>
#include <arch/mmio.h>
#include <elf_loader.h>
#include <linux/elf.h>
#include <linux/fcntl.h>
#include <linux/auxvec.h>
#include <linux/limits.h>
#include <asm/hwcap.h>

#define ARGUMENTS_MAX (256 * 1024)      /* bytes of argv + envp strings */
#define SCRIPT_LINE_MAX 256

/* argv and envp copied into the kernel before the old image is destroyed. */
struct exec_strings {
    char *buffer;
    size_t used;
    int argument_count, environment_count;
};

static int strings_add(struct exec_strings *strings, const char *text, size_t length)
{
    if (strings->used + length + 1 > ARGUMENTS_MAX)
        return -E2BIG;
    memcpy(strings->buffer + strings->used, text, length);
    strings->buffer[strings->used + length] = 0;
    strings->used += length + 1;
    return 0;
}

static int strings_add_user_vector(struct exec_strings *strings, const char *const *vector,
                                   int *count)
{
    if (!vector)
        return 0;
    for (;;) {
        const char *pointer;
        if (GET_USER(pointer, vector + *count) < 0)
            return -EFAULT;
        if (!pointer)
            return 0;
        if (strings->used >= ARGUMENTS_MAX)
            return -E2BIG;
        long length = string_from_user(strings->buffer + strings->used, pointer,
                                       ARGUMENTS_MAX - strings->used);
        if (length == -ENAMETOOLONG)
            return -E2BIG;
        if (length < 0)
            return (int)length;
        strings->used += length + 1;
        (*count)++;
    }
}

/* Puts the interpreter (and its optional argument) and the script path in front of argv. */
static int strings_prepend_interpreter(struct exec_strings *strings, const char *interpreter,
                                       const char *argument, const char *script)
{
    /* argv[0] of the script is replaced by the script's path, as Linux does. */
    size_t first = strlen(strings->buffer) + 1;
    size_t rest = strings->used - (strings->argument_count ? first : 0);
    char *old = kmalloc(ARGUMENTS_MAX);
    if (!old)
        return -ENOMEM;
    memcpy(old, strings->buffer + (strings->argument_count ? first : 0), rest);
    int old_arguments = strings->argument_count ? strings->argument_count - 1 : 0;
    strings->used = 0;
    strings->argument_count = 0;
    int error = strings_add(strings, interpreter, strlen(interpreter));
    strings->argument_count++;
    if (!error && argument) {
        error = strings_add(strings, argument, strlen(argument));
        strings->argument_count++;
    }
    if (!error) {
        error = strings_add(strings, script, strlen(script));
        strings->argument_count++;
    }
    if (!error && strings->used + rest > ARGUMENTS_MAX)
        error = -E2BIG;
    if (!error) {
        memcpy(strings->buffer + strings->used, old, rest);
        strings->used += rest;
        strings->argument_count += old_arguments;
    }
    kfree(old);
    return error;
}

static uint64_t hardware_capabilities(void)
{
    uint64_t isar0 = read_sysreg(id_aa64isar0_el1), pfr0 = read_sysreg(id_aa64pfr0_el1);
    uint64_t caps = 0;
    if (((pfr0 >> 16) & 0xf) != 0xf)
        caps |= HWCAP_FP;
    if (((pfr0 >> 20) & 0xf) != 0xf)
        caps |= HWCAP_ASIMD;
    if (((isar0 >> 4) & 0xf) >= 1)
        caps |= HWCAP_AES;
    if (((isar0 >> 4) & 0xf) >= 2)
        caps |= HWCAP_PMULL;
    if ((isar0 >> 8) & 0xf)
        caps |= HWCAP_SHA1;
    if ((isar0 >> 12) & 0xf)
        caps |= HWCAP_SHA2;
    if ((isar0 >> 16) & 0xf)
        caps |= HWCAP_CRC32;
    if (((isar0 >> 20) & 0xf) >= 2)
        caps |= HWCAP_ATOMICS;
    return caps;
}

static int open_executable(const char *path, struct file **result)
{
    struct inode *inode;
    int error = path_lookup(AT_FDCWD, path, true, &inode);
    if (error)
        return error;
    /* execve(2): EACCES unless a regular file with an execute bit. */
    bool runnable = (inode->mode & 0170000) == 0100000 && (inode->mode & 0111) != 0;
    inode_put(inode);
    if (!runnable)
        return -EACCES;
    return vfs_open(path, 0 /* O_RDONLY */, 0, result);
}

/*
 * Loads the program interpreter (ld.so) named by PT_INTERP into space.  It
 * must be runnable as the program must (EACCES otherwise); a file that is
 * not an aarch64 ELF gives ELIBBAD, as on Linux, which also ignores an
 * interpreter's own PT_INTERP.
 */
static int load_interpreter(struct address_space *space, const char *path,
                            struct elf_image *image)
{
    struct file *file;
    int error = open_executable(path, &file);
    if (error)
        return error;
    Elf64_Ehdr header;
    Elf64_Phdr *segments = NULL;
    if (kernel_read(file, &header, sizeof(header), 0) != sizeof(header) ||
        !elf_header_valid(&header))
        error = -ELIBBAD;
    if (!error)
        error = elf_read_program_headers(file, &header, &segments);
    if (!error)
        error = elf_load(space, file, &header, segments, true, image);
    kfree(segments);
    file_put(file);
    return error;
}

static int push_bytes(uint64_t *stack_pointer, const void *data, size_t length)
{
    *stack_pointer -= length;
    return copy_to_user((void *)*stack_pointer, data, length);
}

/* Builds argc/argv/envp/auxv on the new stack (in the now current address space). */
static int build_stack(struct exec_strings *strings, struct elf_image *image,
                       uint64_t interpreter_base, const char *executable,
                       uint64_t *stack_pointer_out)
{
    uint64_t sp = USER_STACK_TOP;
    uint8_t random[16];
    random_bytes(random, sizeof(random));
    int error = push_bytes(&sp, executable, strlen(executable) + 1);
    uint64_t executable_address = sp;
    if (!error)
        error = push_bytes(&sp, "aarch64", 8);
    uint64_t platform_address = sp;
    if (!error)
        error = push_bytes(&sp, random, sizeof(random));
    uint64_t random_address = sp;
    if (!error)
        error = push_bytes(&sp, strings->buffer, strings->used);
    uint64_t strings_address = sp;
    if (error)
        return error;

    const struct ids *user = &current->process->user_ids, *group = &current->process->group_ids;
    uint64_t auxv[][2] = {
        { AT_HWCAP, hardware_capabilities() }, { AT_PAGESZ, PAGE_SIZE }, { AT_CLKTCK, 100 },
        { AT_PHDR, image->program_headers },   { AT_PHENT, sizeof(Elf64_Phdr) },
        { AT_PHNUM, image->program_header_count }, { AT_BASE, interpreter_base }, { AT_FLAGS, 0 },
        { AT_ENTRY, image->entry }, { AT_UID, user->real }, { AT_EUID, user->effective },
        { AT_GID, group->real }, { AT_EGID, group->effective },
        /* Linux's secure-exec rule for a binary without set-id bits. */
        { AT_SECURE, user->effective != user->real || group->effective != group->real },
        { AT_RANDOM, random_address }, { AT_HWCAP2, 0 },
        { AT_EXECFN, executable_address }, { AT_PLATFORM, platform_address }, { AT_NULL, 0 },
    };
    int pointer_count = 1 + strings->argument_count + 1 + strings->environment_count + 1;
    size_t table_bytes = pointer_count * 8 + sizeof(auxv);
    sp = ALIGN_DOWN(sp - table_bytes, 16);
    uint64_t *table = kmalloc(table_bytes);
    if (!table)
        return -ENOMEM;
    size_t n = 0;
    table[n++] = strings->argument_count;
    uint64_t address = strings_address;
    for (int i = 0; i < strings->argument_count + strings->environment_count; i++) {
        if (i == strings->argument_count)
            table[n++] = 0;
        table[n++] = address;
        address += strlen(strings->buffer + (address - strings_address)) + 1;
    }
    if (strings->environment_count == 0)
        table[n++] = 0;
    table[n++] = 0;
    memcpy(&table[n], auxv, sizeof(auxv));
    error = copy_to_user((void *)sp, table, table_bytes);
    kfree(table);
    *stack_pointer_out = sp;
    return error;
}

static void record_command_line(struct process *process, struct exec_strings *strings,
                                const char *path)
{
    size_t length = 0;
    for (int i = 0; i < strings->argument_count; i++)
        length += strlen(strings->buffer + length) + 1;
    kfree(process->command_line);
    process->command_line = kmalloc(length ? length : 1);
    process->command_line_length = process->command_line ? length : 0;
    if (process->command_line)
        memcpy(process->command_line, strings->buffer, length);
    const char *base = strrchr(path, '/');
    strlcpy(process->name, base ? base + 1 : path, sizeof(process->name));
}

/* Kills the other threads of the process: execve leaves only the caller. */
void process_kill_other_threads(void);

static int do_execve(const char *path, struct exec_strings *strings, struct trap_frame *frame)
{
    char *current_path = kmalloc(4096);
    if (!current_path)
        return -ENOMEM;
    strlcpy(current_path, path, 4096);
    struct file *file = NULL;
    Elf64_Ehdr header;
    int error;
    for (int depth = 0;; depth++) {
        error = open_executable(current_path, &file);
        if (error)
            goto fail;
        /* No writer while it is read and run: ETXTBSY otherwise (do_open_execat). */
        error = inode_deny_write_access(file->inode);
        if (error) {
            file_put(file);
            file = NULL;
            goto fail;
        }
        char line[SCRIPT_LINE_MAX];
        ssize_t got = kernel_read(file, line, sizeof(line) - 1, 0);
        if (got >= 2 && line[0] == '#' && line[1] == '!') {
            /* "#!interpreter [argument]": one optional argument, as on Linux. */
            line[got] = 0;
            char *end = strchr(line, '\n');
            if (end)
                *end = 0;
            char *interpreter = line + 2;
            while (*interpreter == ' ' || *interpreter == '\t')
                interpreter++;
            char *argument = interpreter;
            while (*argument && *argument != ' ' && *argument != '\t')
                argument++;
            if (*argument) {
                *argument++ = 0;
                while (*argument == ' ' || *argument == '\t')
                    argument++;
                char *tail = argument + strlen(argument);
                while (tail > argument && (tail[-1] == ' ' || tail[-1] == '\t'))
                    *--tail = 0;
            }
            inode_allow_write_access(file->inode);
            file_put(file);
            file = NULL;
            error = depth >= 4 ? -ELOOP : (*interpreter ? 0 : -ENOEXEC);
            if (!error)
                error = strings_prepend_interpreter(strings, interpreter,
                                                    *argument ? argument : NULL, current_path);
            if (error)
                goto fail;
            strlcpy(current_path, interpreter, 4096);
            continue;
        }
        if (got < (ssize_t)sizeof(header) ||
            kernel_read(file, &header, sizeof(header), 0) != sizeof(header) ||
            !elf_header_valid(&header)) {
            error = -ENOEXEC;
            goto fail;
        }
        break;
    }

    struct address_space *space = address_space_new();
    if (!space) {
        error = -ENOMEM;
        goto fail;
    }
    /* A dynamically linked program starts in its interpreter, which finds
     * the program through AT_PHDR and AT_ENTRY and loads its libraries. */
    struct elf_image image, interpreter = { 0 };
    Elf64_Phdr *segments = NULL;
    char *interpreter_path = kmalloc(PATH_MAX);
    error = interpreter_path ? elf_read_program_headers(file, &header, &segments) : -ENOMEM;
    if (!error)
        error = elf_read_interpreter_path(file, &header, segments, interpreter_path, PATH_MAX);
    if (!error)
        error = elf_load(space, file, &header, segments, false, &image);
    if (!error && interpreter_path[0])
        error = load_interpreter(space, interpreter_path, &interpreter);
    kfree(segments);
    kfree(interpreter_path);
    if (!error)
        error = area_map(space, USER_STACK_TOP - USER_STACK_MAX, USER_STACK_TOP,
                         AREA_READ | AREA_WRITE, AREA_STACK);
    if (error) {
        address_space_put(space);
        goto fail;
    }

    /* Point of no return: the old image goes. */
    struct process *process = current->process;
    process_kill_other_threads();
    struct address_space *old = process->address_space;
    process->address_space = space;
    /* The space keeps exec's denial of writing for as long as it runs the program. */
    space->program = file->inode;
    inode_get(space->program);
    space->heap_start = space->heap_end = image.brk;
    space->stack_start = USER_STACK_TOP - USER_STACK_MAX;
    address_space_activate(space);
    if (old)
        address_space_put(old);
    task_complete_vfork(current);
    files_close_on_exec(process->files);
    signal_handlers_reset_for_exec(process->handlers);
    /* execve(2): the effective ids are copied to the saved ones. */
    process->user_ids.saved = process->user_ids.effective;
    process->group_ids.saved = process->group_ids.effective;
    /* /proc/PID/exe: the file loaded, the interpreter for a script (Linux's exe_file). */
    if (process->executable)
        file_put(process->executable);
    process->executable = file;
    /* comm and AT_EXECFN name what execve was given, the script for a script (Linux). */
    record_command_line(process, strings, path);
    kfree(current_path);

    uint64_t stack_pointer;
    error = build_stack(strings, &image, interpreter.bias, path, &stack_pointer);
    if (error) {
        signal_send_simple(process, SIGSEGV);
        return 0;
    }
    memset(frame, 0, sizeof(*frame));
    frame->sp = stack_pointer;
    frame->pc = interpreter.entry ? interpreter.entry : image.entry;
    frame->pstate = 0;             /* EL0t, interrupts unmasked */
    current->tls = 0;
    write_sysreg(tpidr_el0, 0);
    struct fp_state zero = { 0 };
    void fp_state_restore(struct fp_state * state);
    fp_state_restore(&zero);
    return 0;

fail:
    if (file) {
        inode_allow_write_access(file->inode);
        file_put(file);
    }
    kfree(current_path);
    return error;
}

static long sys_execve(uint64_t user_path, uint64_t user_arguments, uint64_t user_environment)
{
    char *path = kmalloc(4096);
    struct exec_strings strings = { .buffer = kmalloc(ARGUMENTS_MAX) };
    long error = (!path || !strings.buffer) ? -ENOMEM : 0;
    if (!error)
        error = string_from_user(path, (const char *)user_path, 4096);
    if (error >= 0)
        error = strings_add_user_vector(&strings, (const char *const *)user_arguments,
                                        &strings.argument_count);
    if (error >= 0)
        error = strings_add_user_vector(&strings, (const char *const *)user_environment,
                                        &strings.environment_count);
    if (error >= 0)
        error = do_execve(path, &strings, current->trap_frame);
    kfree(path);
    kfree(strings.buffer);
    return error;
}
SYSCALL(__NR_execve, sys_execve);

int execve_kernel(const char *path, char *const arguments[], char *const environment[])
{
    struct exec_strings strings = { .buffer = kmalloc(ARGUMENTS_MAX) };
    if (!strings.buffer)
        return -ENOMEM;
    int error = 0;
    for (; arguments[strings.argument_count] && !error; strings.argument_count++)
        error = strings_add(&strings, arguments[strings.argument_count],
                            strlen(arguments[strings.argument_count]));
    for (; environment[strings.environment_count] && !error; strings.environment_count++)
        error = strings_add(&strings, environment[strings.environment_count],
                            strlen(environment[strings.environment_count]));
    if (!error)
        error = do_execve(path, &strings, current->trap_frame);
    kfree(strings.buffer);
    return error;
}
