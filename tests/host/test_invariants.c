/*
 * The run-time invariants (NET_ASSERT, net_assert_context in port.h) fire:
 * each breaks one in a child process, which must die by SIGABRT with the
 * cause on stderr, and each shows the same call passing while the
 * invariant holds.
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tests/host/net_test.h"
#include "ip/ip.h"
#include "netif/net_context.h"
#include "sockets/socket_queue.h"

/* Runs action in a child: true when it aborted and its stderr names cause. */
static bool aborts_with(void (*action)(void), const char *cause)
{
    int output[2];
    CHECK_EQUAL(pipe(output), 0);
    fflush(stdout);
    fflush(stderr);
    pid_t child = fork();
    if (child == 0) {
        dup2(output[1], STDERR_FILENO);
        close(output[0]);
        action();
        _exit(0);
    }
    close(output[1]);
    char text[1024];
    size_t length = 0;
    ssize_t got;
    while (length < sizeof(text) - 1 &&
           (got = read(output[0], text + length, sizeof(text) - 1 - length)) > 0)
        length += (size_t)got;
    text[length] = 0;
    close(output[0]);
    int status = 0;
    waitpid(child, &status, 0);
    if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT))
        fprintf(stderr, "the child did not abort (status %#x), stderr: %s\n", status, text);
    else if (!strstr(text, cause))
        fprintf(stderr, "the child aborted without naming \"%s\": %s\n", cause, text);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT && strstr(text, cause);
}

static struct pbuf *victim;
static struct pbuf_queue queue;

static void put_released_pbuf(void)
{
    victim->ref = 0;                /* what a put too many leaves behind */
    pbuf_put(victim);
}

/* The second put of a pbuf somebody else's put already freed. */
static void test_pbuf_put_on_zero_reference_aborts(void)
{
    stack_setup();
    victim = pbuf_alloc(PBUF_RAW, 10);
    CHECK(aborts_with(put_released_pbuf, "pbuf_put on a pbuf whose reference count is 0"));
    pbuf_put(victim);               /* here ref is still 1: freed, no complaint */
}

static void pop_with_bytes_astray(void)
{
    queue.bytes += 1;               /* a push or pop that miscounted */
    pbuf_put(pbuf_queue_pop(&queue));
}

static void pop_with_count_astray(void)
{
    queue.count = 0;
    pbuf_put(pbuf_queue_pop(&queue));
}

/* The queue's count and bytes must describe its entries: checked at pop. */
static void test_pbuf_queue_miscount_aborts(void)
{
    stack_setup();
    pbuf_queue_init(&queue, 1000);
    struct pbuf *pbuf = pbuf_alloc(PBUF_RAW, 10);
    CHECK(pbuf_queue_push(&queue, pbuf));
    CHECK(aborts_with(pop_with_bytes_astray, "an empty pbuf_queue whose count or bytes are not 0"));
    CHECK(aborts_with(pop_with_count_astray, "pbuf_queue holds an entry its count or bytes do not"));
    struct pbuf *popped = pbuf_queue_pop(&queue);
    CHECK(popped == pbuf);
    CHECK_EQUAL(queue.count, 0);
    CHECK_EQUAL(queue.bytes, 0);
    pbuf_put(popped);
    pbuf_put(pbuf);
}

static struct socket_queue receive_queue;

static void socket_pop_with_bytes_astray(void)
{
    receive_queue.bytes += 1;
    socket_packet_free(socket_queue_pop(&receive_queue));
}

static void socket_pop_with_count_astray(void)
{
    receive_queue.count = 0;
    socket_packet_free(socket_queue_pop(&receive_queue));
}

/* A socket's receive queue keeps the same invariant, checked the same way. */
static void test_socket_queue_miscount_aborts(void)
{
    stack_setup();
    socket_queue_init(&receive_queue);
    struct pbuf *pbuf = pbuf_alloc(PBUF_RAW, 10);
    struct socket_packet info = { .length = 10 };
    CHECK(socket_queue_push(&receive_queue, pbuf, &info, 1000));
    CHECK(aborts_with(socket_pop_with_bytes_astray, "an empty socket_queue whose count or bytes are not 0"));
    CHECK(aborts_with(socket_pop_with_count_astray, "socket_queue holds an entry its count or bytes do not"));
    struct socket_packet *popped = socket_queue_pop(&receive_queue);
    CHECK(popped && popped->pbuf == pbuf);
    CHECK_EQUAL(receive_queue.count, 0);
    CHECK_EQUAL(receive_queue.bytes, 0);
    socket_packet_free(popped);
    pbuf_put(pbuf);
}

static void send_unlocked(void)
{
    net_unlock();
    ip_output(pbuf_alloc(PBUF_TRANSPORT, 8), 0, PEER_ADDRESS, 17, NULL);
}

static void run_timers_unlocked(void)
{
    net_unlock();
    net_host_clock_advance(0);      /* takes the lock itself: no complaint */
    net_timers_run(0);
}

static void inject_unlocked(void)
{
    net_unlock();
    ip_input(eth0, pbuf_alloc(PBUF_RAW, 20));
}

/* IP output, IP input and the timers are the network context's: entered
 * without net_lock, they abort; with it (the test runner holds it) they run. */
static void test_network_context_without_lock_aborts(void)
{
    stack_setup();
    CHECK(net_lock_held());
    CHECK(aborts_with(send_unlocked, "network code entered without net_lock"));
    CHECK(aborts_with(run_timers_unlocked, "network code entered without net_lock"));
    CHECK(aborts_with(inject_unlocked, "network code entered without net_lock"));
    learn_peer();
    CHECK_EQUAL(ip_output(pbuf_alloc(PBUF_TRANSPORT, 8), 0, PEER_ADDRESS, 17, NULL), 0);
    pbuf_put(next_frame());
}

int main(int argc, char **argv)
{
    static const struct net_test tests[] = {
        TEST_ENTRY(test_pbuf_put_on_zero_reference_aborts),
        TEST_ENTRY(test_pbuf_queue_miscount_aborts),
        TEST_ENTRY(test_socket_queue_miscount_aborts),
        TEST_ENTRY(test_network_context_without_lock_aborts),
    };
    return net_test_run_all(tests, ARRAY_SIZE(tests), argc, argv);
}
