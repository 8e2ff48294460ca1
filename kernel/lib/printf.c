/* vsnprintf and the kernel's printing on top of the console. */
#include <kernel.h>
#include <console.h>

struct output {
    char *buffer;
    size_t size;
    size_t length;     /* characters produced so far, even past size */
};

static void output_char(struct output *out, char c)
{
    if (out->length + 1 < out->size)
        out->buffer[out->length] = c;
    out->length++;
}

static void output_number(struct output *out, uint64_t value, bool negative, int base,
                          bool uppercase, int width, char pad, bool left)
{
    char digits[24];
    int n = 0;
    const char *alphabet = uppercase ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        digits[n++] = alphabet[value % base];
        value /= base;
    } while (value);
    int total = n + (negative ? 1 : 0);
    if (negative && pad == '0')
        output_char(out, '-');
    if (!left)
        for (; width > total; width--)
            output_char(out, pad);
    if (negative && pad != '0')
        output_char(out, '-');
    while (n)
        output_char(out, digits[--n]);
    if (left)
        for (; width > total; width--)
            output_char(out, ' ');
}

int vsnprintf(char *buffer, size_t size, const char *format, va_list args)
{
    struct output out = { buffer, size, 0 };
    for (const char *p = format; *p; p++) {
        if (*p != '%') {
            output_char(&out, *p);
            continue;
        }
        p++;
        bool left = false;
        char pad = ' ';
        int width = 0, longness = 0;
        for (; *p == '-' || *p == '0'; p++) {
            if (*p == '-')
                left = true;
            else
                pad = '0';
        }
        for (; *p >= '0' && *p <= '9'; p++)
            width = width * 10 + (*p - '0');
        for (; *p == 'l' || *p == 'z'; p++)
            longness++;
        switch (*p) {
        case 'd':
        case 'i': {
            int64_t v = longness ? va_arg(args, int64_t) : va_arg(args, int);
            output_number(&out, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, 10, false, width,
                          pad, left);
            break;
        }
        case 'u':
        case 'o':
        case 'x':
        case 'X': {
            uint64_t v = longness ? va_arg(args, uint64_t) : va_arg(args, unsigned int);
            int base = *p == 'u' ? 10 : *p == 'o' ? 8 : 16;
            output_number(&out, v, false, base, *p == 'X', width, pad, left);
            break;
        }
        case 'p':
            output_char(&out, '0');
            output_char(&out, 'x');
            output_number(&out, (uint64_t)va_arg(args, void *), false, 16, false, 16, '0', false);
            break;
        case 'c':
            output_char(&out, (char)va_arg(args, int));
            break;
        case 's': {
            const char *s = va_arg(args, const char *);
            if (!s)
                s = "(null)";
            int length = (int)strlen(s);
            if (!left)
                for (; width > length; width--)
                    output_char(&out, ' ');
            while (*s)
                output_char(&out, *s++);
            if (left)
                for (; width > length; width--)
                    output_char(&out, ' ');
            break;
        }
        case '%':
            output_char(&out, '%');
            break;
        default:
            output_char(&out, '%');
            output_char(&out, *p);
            break;
        }
    }
    if (size)
        buffer[MIN(out.length, size - 1)] = 0;
    return (int)out.length;
}

int snprintf(char *buffer, size_t size, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int n = vsnprintf(buffer, size, format, args);
    va_end(args);
    return n;
}

int vkprintf(const char *format, va_list args)
{
    char buffer[512];
    int n = vsnprintf(buffer, sizeof(buffer), format, args);
    console_write_kernel(buffer, MIN((size_t)n, sizeof(buffer) - 1));
    return n;
}

int kprintf(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int n = vkprintf(format, args);
    va_end(args);
    return n;
}

bool kernel_log_enabled = true;

void kernel_log(const char *format, ...)
{
    if (!kernel_log_enabled)
        return;
    va_list args;
    va_start(args, format);
    vkprintf(format, args);
    va_end(args);
}
