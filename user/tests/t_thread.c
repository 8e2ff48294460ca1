/*
 * t_thread.c - threads (clone(2) with CLONE_THREAD as used by glibc's
 * pthread_create(3)) and futex(2).
 *
 * Checks thread creation/join, memory shared between threads, per-thread
 * state the kernel must switch (TLS register TPIDR_EL0, FP/SIMD registers),
 * gettid(2), mutex/condvar (built on futex wait/wake), raw futex
 * semantics (EAGAIN, ETIMEDOUT, wake count) and 100 threads.
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include "tap.h"

static long futex(atomic_int *uaddr, int op, int val,
		  const struct timespec *timeout)
{
	return syscall(SYS_futex, uaddr, op, val, timeout, NULL, 0);
}

/* --- create/join, shared memory, ids, TLS, FP registers ---------------- */

#define NT 8

static int shared_slots[NT];       /* written by the threads, read by main */
static pid_t tids[NT], pids[NT];
static __thread int tls_value;     /* one copy per thread */

static void *worker(void *arg)
{
	int idx = (int)(intptr_t)arg;
	double acc = 0;

	tls_value = idx * 1000;
	tids[idx] = gettid();
	pids[idx] = getpid();
	/*
	 * Floating-point work interleaved with yields: the kernel must save
	 * and restore FP/SIMD registers and TPIDR_EL0 (TLS) per thread.
	 */
	for (int i = 1; i <= 2000; i++) {
		acc += (double)idx / i;
		if (i % 100 == 0)
			sched_yield();
	}
	double want = 0;
	for (int i = 1; i <= 2000; i++)
		want += (double)idx / i;
	shared_slots[idx] = idx + 1;
	if (acc != want || tls_value != idx * 1000)
		return (void *)-1L;
	return (void *)(intptr_t)(idx * idx);
}

static void test_create_join(void)
{
	pthread_t th[NT];
	int created = 0, joined_ok = 0;

	tls_value = -1;
	for (int i = 0; i < NT; i++)
		created += pthread_create(&th[i], NULL, worker, (void *)(intptr_t)i) == 0;
	check_eq(created, NT, "pthread_create 8 threads");
	for (int i = 0; i < NT; i++) {
		void *ret;
		if (pthread_join(th[i], &ret) == 0 && (intptr_t)ret == i * i)
			joined_ok++;
	}
	check_eq(joined_ok, NT, "pthread_join returns each thread's value "
		 "(FP registers and TLS preserved across switches)");

	int all = 1;
	for (int i = 0; i < NT; i++)
		all &= shared_slots[i] == i + 1;
	check(all, "threads' writes to shared memory are visible to main",
	      "missing write");
	check_eq(tls_value, -1, "main thread's TLS variable is untouched");

	int distinct = 1, same_pid = 1;
	for (int i = 0; i < NT; i++) {
		same_pid &= pids[i] == getpid();
		distinct &= tids[i] != getpid() && tids[i] > 0;
		for (int j = 0; j < i; j++)
			distinct &= tids[i] != tids[j];
	}
	check(distinct, "gettid differs between threads and from the main thread",
	      "duplicate tid");
	check(same_pid, "getpid is the same in every thread", "differs");
}

/* --- mutex and condition variable -------------------------------------- */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long counter;
static int ready, go;

static void *incrementer(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	ready++;
	pthread_cond_broadcast(&cond);
	while (!go)                     /* wait for main's start signal */
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);

	for (int i = 0; i < 20000; i++) {
		pthread_mutex_lock(&lock);
		long v = counter;       /* non-atomic read-modify-write */
		if (i % 1000 == 0)
			sched_yield();  /* invite contention inside the lock */
		counter = v + 1;
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

static void test_mutex_cond(void)
{
	pthread_t th[4];

	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, incrementer, NULL);
	pthread_mutex_lock(&lock);
	while (ready < 4)
		pthread_cond_wait(&cond, &lock);
	check_eq(ready, 4, "condvar: main woken once all threads are ready");
	go = 1;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	check_eq(counter, 4 * 20000, "mutex: no lost updates from 4 threads");
}

/* --- raw futex ----------------------------------------------------------- */

static atomic_int fword;

static void *futex_waiter(void *arg)
{
	(void)arg;
	while (atomic_load(&fword) == 0)
		futex(&fword, FUTEX_WAIT_PRIVATE, 0, NULL);
	return (void *)1;
}

static void test_futex(void)
{
	struct timespec t0, t1, ts = { 0, 20 * 1000 * 1000 }; /* 20 ms */
	atomic_int word = 5;

	/* futex(2): FUTEX_WAIT returns EAGAIN if *uaddr != val. */
	errno = 0;
	check_errno(futex(&word, FUTEX_WAIT_PRIVATE, 6, NULL), EAGAIN,
		    "FUTEX_WAIT with a stale value gives EAGAIN");

	/* FUTEX_WAIT with a relative timeout and no waker: ETIMEDOUT. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	errno = 0;
	check_errno(futex(&word, FUTEX_WAIT_PRIVATE, 5, &ts), ETIMEDOUT,
		    "FUTEX_WAIT with a 20 ms timeout gives ETIMEDOUT");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ns = (t1.tv_sec - t0.tv_sec) * 1000000000L + (t1.tv_nsec - t0.tv_nsec);
	check(ns >= 20 * 1000 * 1000, "FUTEX_WAIT timeout waited at least 20 ms",
	      "waited %ld ns", ns);

	check_eq(futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL), 0,
		 "FUTEX_WAKE with no waiters returns 0");

	/*
	 * Wake a real waiter.  We retry FUTEX_WAKE until it reports one
	 * woken thread; that proves the waiter was blocked in the kernel
	 * (no sleeps involved).  The waiter re-waits since fword is still 0.
	 */
	pthread_t th;
	long woken = 0;
	pthread_create(&th, NULL, futex_waiter, NULL);
	while ((woken = futex(&fword, FUTEX_WAKE_PRIVATE, 1, NULL)) == 0)
		sched_yield();
	check_eq(woken, 1, "FUTEX_WAKE wakes the blocked waiter");
	atomic_store(&fword, 1);
	futex(&fword, FUTEX_WAKE_PRIVATE, 1, NULL);
	void *ret = NULL;
	pthread_join(th, &ret);
	check(ret == (void *)1, "woken waiter sees the new value and exits",
	      "bad return");
}

/* --- 100 threads ----------------------------------------------------------- */

static void *return_arg_plus_one(void *arg)
{
	return (void *)((intptr_t)arg + 1);
}

static void test_hundred(void)
{
	pthread_t th[100];
	int created = 0, joined = 0;

	for (int i = 0; i < 100; i++)
		created += pthread_create(&th[i], NULL, return_arg_plus_one,
					  (void *)(intptr_t)i) == 0;
	check_eq(created, 100, "100 threads created");
	for (int i = 0; i < 100 && i < created; i++) {
		void *ret;
		joined += pthread_join(th[i], &ret) == 0 && (intptr_t)ret == i + 1;
	}
	check_eq(joined, 100, "100 threads joined with the right values");
}

int main(void)
{
	test_create_join();
	test_mutex_cond();
	test_futex();
	test_hundred();
	return tap_done("t_thread.c");
}
