/*
 * Fuzz target (d): the sniffer's filter parser (user/sniff/filter_parse.c)
 * and evaluator (filter_match.c), as /bin/sniff uses them: words from the
 * command line, then every captured frame matched, and the frames it keeps
 * decoded (decode_*.c) and dumped in hex, as sniff prints them.
 *
 * Input: the filter's words, each ended by a NUL byte (a word without its
 * NUL is not used), an empty word ending the filter; what follows is a
 * frame.  A filter that parses must have its root and operands inside the
 * node array (filter.h's invariants), and is then run on the frame.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "decode.h"
#include "filter.h"

#define WORDS_MAX 256

static void check_tree(const struct filter *filter)
{
    if (filter->count < 0 || filter->count > FILTER_MAX_NODES || filter->root < -1 ||
        filter->root >= filter->count)
        abort();
    for (int i = 0; i < filter->count; i++) {
        const struct filter_node *node = &filter->nodes[i];
        bool binary = node->kind == FILTER_AND || node->kind == FILTER_OR;
        if ((binary || node->kind == FILTER_NOT) &&
            (node->left < 0 || node->left >= i || (binary && (node->right < 0 || node->right >= i))))
            abort();   /* operands come before their operator, so the tree has no cycle */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char text[65536];
    static struct filter filter;
    char *words[WORDS_MAX];
    int count = 0;
    if (size > sizeof(text))
        return -1;
    memcpy(text, data, size);
    size_t at = 0;
    while (count < WORDS_MAX) {
        char *end = memchr(text + at, '\0', size - at);
        if (!end || end == text + at)
            break;
        words[count++] = text + at;
        at = (size_t)(end - text) + 1;
    }
    if (at < size && text[at] == '\0')
        at++;   /* the empty word */
    char error[256];
    if (!filter_parse(&filter, count, words, error, sizeof(error))) {
        if (!memchr(error, '\0', sizeof(error)) || !error[0])
            abort();   /* a failure says why, in one terminated line */
        return 0;
    }
    check_tree(&filter);
    /* A copy of exactly the frame's size, so that ASan sees any read past it. */
    uint8_t *frame = malloc(size - at ? size - at : 1);
    if (!frame)
        return 0;
    memcpy(frame, text + at, size - at);
    if (filter_match(&filter, frame, size - at)) {
        static FILE *nowhere;
        if (!nowhere)
            nowhere = fopen("/dev/null", "w");
        decode_eth(nowhere, frame, size - at);
        print_hex_dump(nowhere, frame, size - at);
    }
    free(frame);
    return 0;
}
