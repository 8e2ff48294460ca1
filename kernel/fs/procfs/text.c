/* Growable text buffers for generating procfs files. */
#include "procfs_internal.h"
#include <page.h>

static bool reserve(struct procfs_text *text, size_t extra)
{
    if (text->failed)
        return false;
    size_t needed = text->length + extra + 1;   /* vsnprintf writes a NUL */
    if (needed <= text->capacity)
        return true;
    size_t capacity = MAX(text->capacity * 2, MAX(needed, (size_t)256));
    char *data = kmalloc(capacity);
    if (!data) {
        text->failed = true;
        return false;
    }
    if (text->data) {
        memcpy(data, text->data, text->length);
        kfree(text->data);
    }
    text->data = data;
    text->capacity = capacity;
    return true;
}

void procfs_append(struct procfs_text *text, const char *data, size_t length)
{
    if (!reserve(text, length))
        return;
    memcpy(text->data + text->length, data, length);
    text->length += length;
}

void procfs_printf(struct procfs_text *text, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    va_list again;
    va_copy(again, args);
    int length = vsnprintf(NULL, 0, format, args);
    if (reserve(text, (size_t)length)) {
        vsnprintf(text->data + text->length, text->capacity - text->length, format, again);
        text->length += (size_t)length;
    }
    va_end(again);
    va_end(args);
}
