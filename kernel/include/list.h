/* Intrusive doubly linked lists; free of kernel dependencies (the network
 * stack's host build uses it too). */
#ifndef LIST_H
#define LIST_H
#include <stdbool.h>
#include <stddef.h>

/*
 * Intrusive doubly linked list.  An empty list's head points at itself; a node
 * that is on no list has both pointers NULL (list_node_init) so that
 * list_remove on it is harmless.
 */
struct list_node {
    struct list_node *next, *prev;
};
#define LIST_HEAD_INIT(name) { &(name), &(name) }
static inline void list_init(struct list_node *head) { head->next = head->prev = head; }
static inline bool list_empty(const struct list_node *head) { return head->next == head; }
static inline void list_insert_before(struct list_node *position, struct list_node *node)
{
    node->next = position;
    node->prev = position->prev;
    position->prev->next = node;
    position->prev = node;
}
static inline void list_push_back(struct list_node *head, struct list_node *node)
{
    list_insert_before(head, node);
}
static inline void list_remove(struct list_node *node)
{
    if (!node->next)
        return;
    node->prev->next = node->next;
    node->next->prev = node->prev;
    node->next = node->prev = NULL;
}
#define list_for_each(iterator, head) \
    for (struct list_node *iterator = (head)->next; iterator != (head); iterator = iterator->next)
#define list_for_each_safe(iterator, head)                                         \
    for (struct list_node *iterator = (head)->next, *iterator##_next = iterator->next; \
         iterator != (head); iterator = iterator##_next, iterator##_next = iterator->next)

#endif
