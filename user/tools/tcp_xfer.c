/*
 * tcp_xfer: TCP transfers checked by SHA-256, for the real-peer tests
 * (tests/test_net_tcp_transfers.sh, _impaired.sh, _connections.sh).  Built
 * static for the guest and natively for the host; the host's usual peer is
 * tools/peers/tcp_xfer.py, which speaks the same protocol with Python's own
 * SHA-256, so that each side checks the other's hashing too.
 *
 *   tcp_xfer client ADDRESS PORT OP:SIZE...
 *       one connection per OP:SIZE, in order: S (we send SIZE random bytes)
 *       or R (the server sends them); prints one line per transfer,
 *       "client S 65536 sha256 HEX ok" (or "... FAILED: why"); exit 0 if all ok
 *   tcp_xfer server [-q] PORT COUNT
 *       serve COUNT connections, any number at once (poll); prints READY once
 *       listening, a line per connection "server S 65536 sha256 HEX" (not
 *       with -q), and at the end "served COUNT connections, N failed"
 *   tcp_xfer selftest
 *       checks the SHA-256 against FIPS 180-2's examples
 *
 * Protocol, one transfer per connection.  The client sends a 9-byte request:
 * the op ('S' or 'R') and SIZE as 8 bytes big-endian.  'S': the client then
 * sends SIZE bytes; the server answers with their SHA-256 as 64 hex digits
 * and '\n', and closes.  'R': the server sends SIZE bytes, then their
 * SHA-256 the same way, and closes.  Whoever receives the data compares the
 * hash it computed with the one the sender computed.  The server closes
 * first, so its side goes through TIME-WAIT.  The data are a xorshift64*
 * stream seeded from getrandom: random, and cheap to make in a slow guest.
 */
#define _GNU_SOURCE /* accept4 */
#include "sha256.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#define CHUNK 65536
#define REQUEST_SIZE 9
#define HASH_LINE 65            /* 64 hex digits and '\n' */
#define MAX_CONNECTIONS 200     /* open at once; Strata's RLIMIT_NOFILE is 256 */
#define BACKLOG 128

static int usage(void)
{
	fprintf(stderr, "usage: tcp_xfer client ADDRESS PORT OP:SIZE...   (OP: S send, R receive)\n"
			"       tcp_xfer server [-q] PORT COUNT\n"
			"       tcp_xfer selftest\n");
	return 2;
}

static uint64_t random_state;

/* CHUNK-sized buffers of xorshift64* output (Vigna 2016). */
static void fill_random(uint8_t *buffer, size_t length)
{
	for (size_t i = 0; i < length; i += 8) {
		random_state ^= random_state >> 12;
		random_state ^= random_state << 25;
		random_state ^= random_state >> 27;
		uint64_t value = random_state * 0x2545F4914F6CDD1DULL;
		memcpy(buffer + i, &value, length - i < 8 ? length - i : 8);
	}
}

static void seed_random(void)
{
	if (getrandom(&random_state, sizeof random_state, 0) != sizeof random_state || !random_state)
		random_state = 0x9E3779B97F4A7C15ULL;
}

static bool parse_size(const char *text, uint64_t *size)
{
	char *end;
	errno = 0;
	unsigned long long value = strtoull(text, &end, 10);
	if (errno || end == text || *end)
		return false;
	*size = value;
	return true;
}

static int port_number(const char *text)
{
	int port = atoi(text);
	return port > 0 && port <= 65535 ? port : -1;
}

/* ---- client: blocking, one connection per transfer ---- */

/* Exactly length bytes, written or read (false on error or end of stream). */
static bool move_all(int s, void *data, size_t length, bool sending)
{
	uint8_t *p = data;
	while (length) {
		ssize_t n = sending ? write(s, p, length) : read(s, p, length);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n, length -= (size_t)n;
	}
	return true;
}

static uint8_t chunk[CHUNK];

/* One transfer; the reason on failure, NULL when the hashes agree. */
static const char *transfer(int s, char op, uint64_t size, char mine[65])
{
	uint8_t request[REQUEST_SIZE] = { (uint8_t)op };
	for (int i = 0; i < 8; i++)
		request[1 + i] = (uint8_t)(size >> (56 - 8 * i));
	if (!move_all(s, request, sizeof request, true))
		return "sending the request";
	struct sha256 hash;
	sha256_init(&hash);
	for (uint64_t done = 0; done < size;) {
		size_t length = size - done < CHUNK ? (size_t)(size - done) : CHUNK;
		if (op == 'S') {
			fill_random(chunk, length);
			if (!move_all(s, chunk, length, true))
				return "sending the data";
		} else {
			ssize_t n = read(s, chunk, length);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				return n ? "reading the data" : "end of stream before all the data";
			length = (size_t)n;
		}
		sha256_update(&hash, chunk, length);
		done += length;
	}
	sha256_hex(&hash, mine);
	char theirs[HASH_LINE + 1] = "";
	if (!move_all(s, theirs, HASH_LINE, false) || theirs[64] != '\n')
		return "reading the peer's hash";
	char extra;
	if (read(s, &extra, 1) != 0)
		return "no end of stream after the hash";
	theirs[64] = 0;
	return strcmp(mine, theirs) ? "the peer's SHA-256 differs" : NULL;
}

static int client(const char *address, int port, char **transfers, int count)
{
	struct sockaddr_in there = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	if (port < 0 || inet_pton(AF_INET, address, &there.sin_addr) != 1)
		return usage();
	int failures = 0;
	for (int i = 0; i < count; i++) {
		char op = transfers[i][0];
		uint64_t size;
		if ((op != 'S' && op != 'R') || transfers[i][1] != ':' ||
		    !parse_size(transfers[i] + 2, &size))
			return usage();
		char mine[65] = "-";
		const char *failure = "socket/connect";
		int s = socket(AF_INET, SOCK_STREAM, 0);
		if (s >= 0 && connect(s, (struct sockaddr *)&there, sizeof there) == 0)
			failure = transfer(s, op, size, mine);
		int saved = errno;
		if (s >= 0)
			close(s);
		if (failure) {
			printf("client %c %llu sha256 %s FAILED: %s (%s)\n", op,
			       (unsigned long long)size, mine, failure, strerror(saved));
			failures++;
		} else {
			printf("client %c %llu sha256 %s ok\n", op, (unsigned long long)size, mine);
		}
		fflush(stdout);
	}
	return failures ? 1 : 0;
}

/* ---- server: non-blocking, many connections at once ---- */

enum phase { REQUEST, RECEIVING, SENDING, HASH };

struct connection {
	int fd;
	enum phase phase;
	char op;
	uint8_t request[REQUEST_SIZE];
	uint64_t size, done;    /* REQUEST: request bytes read; else data bytes moved */
	struct sha256 hash;
	char line[HASH_LINE + 1];
	uint8_t *pending;       /* SENDING: generated bytes not yet accepted by write */
	size_t pending_offset, pending_length;
};

static bool quiet;
static int served, failed;

static void finish(struct connection *c, bool ok)
{
	if (ok && !quiet)
		printf("server %c %llu sha256 %.64s\n", c->op, (unsigned long long)c->size, c->line);
	if (!ok) {
		printf("server %c %llu FAILED in phase %d after %llu bytes (%s)\n", c->op ? c->op : '-',
		       (unsigned long long)c->size, (int)c->phase, (unsigned long long)c->done,
		       strerror(errno));
		failed++;
	}
	fflush(stdout);
	close(c->fd);
	free(c->pending);
	memset(c, 0, sizeof *c);
	c->fd = -1;
	served++;
}

static void start_hash_line(struct connection *c)
{
	sha256_hex(&c->hash, c->line);
	c->line[64] = '\n';
	c->phase = HASH;
	c->done = 0;
}

/* Moves c along as far as its socket allows; false when it must end in failure. */
static bool advance(struct connection *c, bool *finished)
{
	for (;;) {
		ssize_t n;
		switch (c->phase) {
		case REQUEST:
			n = read(c->fd, c->request + c->done, REQUEST_SIZE - c->done);
			if (n <= 0)
				return n < 0 && errno == EAGAIN;
			if ((c->done += (size_t)n) < REQUEST_SIZE)
				break;
			c->op = (char)c->request[0];
			c->size = 0;
			for (int i = 0; i < 8; i++)
				c->size = c->size << 8 | c->request[1 + i];
			if (c->op != 'S' && c->op != 'R')
				return false;
			c->done = 0;
			sha256_init(&c->hash);
			c->phase = c->op == 'S' ? RECEIVING : SENDING;
			if (c->op == 'R' && !(c->pending = malloc(CHUNK)))
				return false;
			if (c->size == 0)
				start_hash_line(c);
			break;
		case RECEIVING: {
			uint64_t left = c->size - c->done;
			n = read(c->fd, chunk, left < CHUNK ? (size_t)left : CHUNK);
			if (n <= 0)
				return n < 0 && errno == EAGAIN;
			sha256_update(&c->hash, chunk, (size_t)n);
			if ((c->done += (size_t)n) == c->size)
				start_hash_line(c);
			break;
		}
		case SENDING:
			if (c->pending_offset == c->pending_length) {
				uint64_t left = c->size - c->done;
				c->pending_length = left < CHUNK ? (size_t)left : CHUNK;
				c->pending_offset = 0;
				fill_random(c->pending, c->pending_length);
				sha256_update(&c->hash, c->pending, c->pending_length);
			}
			n = write(c->fd, c->pending + c->pending_offset,
				  c->pending_length - c->pending_offset);
			if (n < 0)
				return errno == EAGAIN;
			c->pending_offset += (size_t)n;
			if ((c->done += (size_t)n) == c->size)
				start_hash_line(c);
			break;
		case HASH:
			n = write(c->fd, c->line + c->done, HASH_LINE - c->done);
			if (n < 0)
				return errno == EAGAIN;
			if ((c->done += (size_t)n) == HASH_LINE) {
				*finished = true;
				return true;
			}
			break;
		}
	}
}

static int server(int port, int count)
{
	int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int on = 1;
	struct sockaddr_in here = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	if (port < 0 || count < 0)
		return usage();
	if (listener < 0 || setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0 ||
	    bind(listener, (struct sockaddr *)&here, sizeof here) < 0 || listen(listener, BACKLOG) < 0) {
		perror("tcp_xfer: server socket/bind/listen");
		return 1;
	}
	printf("READY\n");
	fflush(stdout);
	static struct connection connections[MAX_CONNECTIONS];
	static struct pollfd fds[MAX_CONNECTIONS + 1];
	static int which[MAX_CONNECTIONS + 1];   /* fds[k] is connections[which[k]] */
	for (int i = 0; i < MAX_CONNECTIONS; i++)
		connections[i].fd = -1;
	int accepted = 0;
	while (served < count) {
		/* Only live connections: nfds past RLIMIT_NOFILE is EINVAL (poll(2)). */
		int n = 0;
		if (accepted < count)
			fds[n++] = (struct pollfd){ .fd = listener, .events = POLLIN };
		int first_connection = n;
		for (int i = 0; i < MAX_CONNECTIONS; i++) {
			struct connection *c = &connections[i];
			if (c->fd < 0)
				continue;
			which[n] = i;
			fds[n++] = (struct pollfd){
				.fd = c->fd,
				.events = c->phase == REQUEST || c->phase == RECEIVING ? POLLIN : POLLOUT,
			};
		}
		if (poll(fds, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("tcp_xfer: poll");
			return 1;
		}
		for (int k = first_connection; k < n; k++) {
			struct connection *c = &connections[which[k]];
			if (!fds[k].revents)
				continue;
			bool finished = false;
			if (!advance(c, &finished))
				finish(c, false);
			else if (finished)
				finish(c, true);
		}
		if (first_connection && (fds[0].revents & POLLIN)) {
			for (int i = 0; i < MAX_CONNECTIONS && accepted < count; i++) {
				if (connections[i].fd >= 0)
					continue;
				int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK);
				if (fd < 0)
					break;
				connections[i].fd = fd;
				accepted++;
			}
		}
	}
	close(listener);
	printf("served %d connections, %d failed\n", served, failed);
	return failed ? 1 : 0;
}

/* FIPS 180-2 appendix B: "abc", the two-block message, and a million 'a's. */
static int selftest(void)
{
	static const struct {
		const char *message;
		size_t repeat;
		const char *digest;
	} cases[] = {
		{ "abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
		{ "a", 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
		{ "", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	};
	int failures = 0;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct sha256 hash;
		char hex[65];
		sha256_init(&hash);
		for (size_t r = 0; r < cases[i].repeat; r++)
			sha256_update(&hash, cases[i].message, strlen(cases[i].message));
		sha256_hex(&hash, hex);
		bool ok = strcmp(hex, cases[i].digest) == 0;
		printf("sha256 example %zu %s\n", i + 1, ok ? "ok" : "FAILED");
		failures += !ok;
	}
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	seed_random();
	if (argc >= 5 && strcmp(argv[1], "client") == 0)
		return client(argv[2], port_number(argv[3]), argv + 4, argc - 4);
	if (argc >= 2 && strcmp(argv[1], "server") == 0) {
		int first = 2;
		if (argc > 2 && strcmp(argv[2], "-q") == 0)
			quiet = true, first = 3;
		if (argc != first + 2)
			return usage();
		return server(port_number(argv[first]), atoi(argv[first + 1]));
	}
	if (argc == 2 && strcmp(argv[1], "selftest") == 0)
		return selftest();
	return usage();
}
