/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What each idle strategy of a worker costs in wake-up latency and in CPU,
 * on this machine, without ports in the way (issue 22's "measure each"):
 * a producer lcore raises an event at a fixed rate (a TSC stamp and a
 * sequence number in a shared cache line, as a frame landing in a ring or
 * a queue; the consumer measures the latest it sees); the consumer lcore waits
 * for it by one strategy:
 *
 *   busy      spins on the sequence number (SPP --busy-poll, testpmd)
 *   backoff   SPP's default: the worker pass of spp_worker.h (polls 1 ms
 *             after the last event, then sleeps 1 us doubling to 100 us,
 *             2 ms after 2 s of silence)
 *   intr      polls 1 ms after the last event, then arms and blocks in
 *             epoll_wait() on an eventfd the producer writes only while
 *             the consumer is armed: what rx interrupts give (l3fwd-power;
 *             a tap queue's fd, a vhost kick fd and an eventfd of ours all
 *             wake a thread this way)
 *   monitor   rte_power_monitor() on the sequence number's line, where the
 *             CPU has it (WAITPKG or MONITORX); reported as missing if not
 *
 * For each: the delay from the producer's stamp to the consumer seeing it
 * (p50, p99, p99.9, max in us) at RATE events a second for SECONDS, and
 * the consumer's CPU share then and over IDLE seconds without events
 * (getrusage of its thread).
 *   bench_wake EAL-ARGS -- [RATE [SECONDS [IDLE]]]
 *   e.g. bench_wake --no-huge -m 64 --no-pci --lcores 0@0,1@1 -- 10000 2 3
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include <rte_cpuflags.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_pause.h>
#include <rte_power_intrinsics.h>

#include "spp_worker.h"

enum wake_mode { WAKE_BUSY, WAKE_BACKOFF, WAKE_INTR, WAKE_MONITOR };
static const char *const wake_names[] = {"busy", "backoff", "intr", "monitor"};

/* What the producer and the consumer share, a line each way. */
#define WAKE_STAMPS 1024
static struct {
	uint64_t seq;
	uint64_t stamp[WAKE_STAMPS]; /* of event seq, at seq % WAKE_STAMPS */
} ev __rte_cache_aligned;
static struct {
	uint32_t armed; /* intr: the consumer sleeps in epoll_wait */
	uint32_t quit;
} ctl __rte_cache_aligned;

static enum wake_mode mode;
static int efd;
static uint64_t *delays; /* TSC cycles, one per event seen */
static uint64_t nb_delays, max_delays;
static double cpu_share;

static double
thread_cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* 1 when a new event was seen (its delay recorded), else 0. */
static inline unsigned int
wake_check(uint64_t *last)
{
	uint64_t s = __atomic_load_n(&ev.seq, __ATOMIC_ACQUIRE);
	uint64_t now, stamp;

	if (s == *last)
		return 0;
	now = rte_rdtsc();
	*last = s;
	stamp = ev.stamp[s % WAKE_STAMPS];
	/* a consumer so late that the stamp was written over: no sample */
	if (__atomic_load_n(&ev.seq, __ATOMIC_ACQUIRE) - s >= WAKE_STAMPS - 1)
		return 1;
	if (nb_delays < max_delays) /* a TSC a little behind: 0 */
		delays[nb_delays++] = now > stamp ? now - stamp : 0;
	return 1;
}

/* monitor: no sleep when the sequence number moved already */
static int
wake_changed(const uint64_t val,
	     const uint64_t opaque[RTE_POWER_MONITOR_OPAQUE_SZ])
{
	return val != opaque[0] ? -1 : 0;
}

/* intr: armed, look once more, then block until the producer writes. */
static void
wake_block(int ep, uint64_t *last)
{
	struct epoll_event e;
	uint64_t v;

	__atomic_store_n(&ctl.armed, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&ev.seq, __ATOMIC_SEQ_CST) == *last &&
	    !__atomic_load_n(&ctl.quit, __ATOMIC_RELAXED))
		epoll_wait(ep, &e, 1, 100);
	__atomic_store_n(&ctl.armed, 0, __ATOMIC_SEQ_CST);
	if (read(efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		perror("bench_wake: read");
}

static int
consumer(void *arg)
{
	struct spp_worker_cycles cycles = {0, 0};
	struct spp_worker_loop loop;
	uint64_t last = __atomic_load_n(&ev.seq, __ATOMIC_ACQUIRE);
	uint64_t hold = rte_get_tsc_hz() / 1000, last_work = 0;
	double cpu0 = thread_cpu_s(), t0 = (double)rte_rdtsc();
	struct epoll_event e = {.events = EPOLLIN};
	int ep = epoll_create1(0);
	unsigned int got;

	RTE_SET_USED(arg);
	epoll_ctl(ep, EPOLL_CTL_ADD, efd, &e);
	spp_worker_loop_init(&loop, mode == WAKE_BUSY, &cycles);
	while (!__atomic_load_n(&ctl.quit, __ATOMIC_RELAXED)) {
		switch (mode) {
		case WAKE_BUSY:
		case WAKE_BACKOFF:
			got = wake_check(&last);
			spp_worker_pass_done(&loop, got, true, NULL, 0);
			break;
		case WAKE_INTR:
			if (wake_check(&last)) {
				last_work = rte_rdtsc();
				break;
			}
			if (rte_rdtsc() - last_work < hold)
				rte_pause();
			else
				wake_block(ep, &last);
			break;
		case WAKE_MONITOR: {
			struct rte_power_monitor_cond pmc = {
				.addr = &ev.seq,
				.size = sizeof(uint64_t),
				.fn = wake_changed,
				.opaque = {last},
			};

			if (wake_check(&last))
				break;
			/* until the line is written or 1 ms went by */
			rte_power_monitor(&pmc, rte_rdtsc() + hold);
			break;
		}
		}
	}
	cpu_share = (thread_cpu_s() - cpu0) /
		    (((double)rte_rdtsc() - t0) / (double)rte_get_tsc_hz());
	close(ep);
	return 0;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double
pct_us(double p)
{
	uint64_t i = (uint64_t)(p * (double)(nb_delays - 1));

	return (double)delays[i] * 1e6 / (double)rte_get_tsc_hz();
}

/* One strategy: events at rate for secs, then idle seconds of nothing. */
static void
run(enum wake_mode m, unsigned int lcore, unsigned int rate, double secs,
    double idle)
{
	uint64_t hz = rte_get_tsc_hz(), gap = hz / rate, next, end;
	uint64_t one = 1, sent = 0;
	double busy_share;

	mode = m;
	nb_delays = 0;
	__atomic_store_n(&ctl.quit, 0, __ATOMIC_RELAXED);
	rte_eal_remote_launch(consumer, NULL, lcore);
	rte_delay_us_sleep(100000);
	next = rte_rdtsc();
	end = next + (uint64_t)(secs * (double)hz);
	while (next < end) {
		while (rte_rdtsc() < next)
			rte_pause();
		ev.stamp[(ev.seq + 1) % WAKE_STAMPS] = rte_rdtsc();
		/* seq_cst: the store is seen before armed is read */
		__atomic_store_n(&ev.seq, ev.seq + 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&ctl.armed, __ATOMIC_SEQ_CST) &&
		    write(efd, &one, sizeof(one)) < 0)
			perror("bench_wake: write");
		sent++;
		next += gap;
	}
	rte_delay_us_sleep(10000);
	__atomic_store_n(&ctl.quit, 1, __ATOMIC_RELAXED);
	if (write(efd, &one, sizeof(one)) < 0)
		perror("bench_wake: write");
	rte_eal_wait_lcore(lcore);
	busy_share = cpu_share;
	qsort(delays, nb_delays, sizeof(delays[0]), cmp_u64);
	printf("%-8s %6u/s %7" PRIu64 " %7" PRIu64 " %8.1f %8.1f %8.1f %9.1f "
	       "%7.1f%%",
	       wake_names[m], rate, sent, nb_delays, pct_us(0.5), pct_us(0.99),
	       pct_us(0.999), pct_us(1.0), 100 * busy_share);
	/* the same consumer with no event at all */
	nb_delays = 0;
	__atomic_store_n(&ctl.quit, 0, __ATOMIC_RELAXED);
	rte_eal_remote_launch(consumer, NULL, lcore);
	rte_delay_us_sleep((unsigned int)(idle * 1e6));
	__atomic_store_n(&ctl.quit, 1, __ATOMIC_RELAXED);
	if (write(efd, &one, sizeof(one)) < 0)
		perror("bench_wake: write");
	rte_eal_wait_lcore(lcore);
	printf(" %7.1f%%\n", 100 * cpu_share);
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	struct rte_cpu_intrinsics intr;
	unsigned int rate = 10000, lcore;
	double secs = 2, idle = 3;
	int n = rte_eal_init(argc, argv);

	if (n < 0) {
		fprintf(stderr, "bench_wake: cannot init EAL\n");
		return 1;
	}
	argc -= n;
	argv += n;
	if (argc > 1)
		rate = (unsigned int)atoi(argv[1]);
	if (argc > 2)
		secs = atof(argv[2]);
	if (argc > 3)
		idle = atof(argv[3]);
	lcore = rte_get_next_lcore(-1, 1, 0);
	if (lcore >= RTE_MAX_LCORE || rate == 0) {
		fprintf(stderr,
			"bench_wake: needs a worker lcore and a rate\n");
		return 1;
	}
	max_delays = (uint64_t)(rate * secs) + 16;
	delays = calloc(max_delays, sizeof(*delays));
	efd = eventfd(0, EFD_NONBLOCK);
	if (delays == NULL || efd < 0) {
		fprintf(stderr, "bench_wake: out of memory or fds\n");
		return 1;
	}
	rte_cpu_get_intrinsics_support(&intr);
	printf("producer lcore %u (cpu %d), consumer lcore %u (cpu %d); "
	       "rte_power_monitor: %s\n",
	       rte_lcore_id(), rte_lcore_to_cpu_id((int)rte_lcore_id()), lcore,
	       rte_lcore_to_cpu_id((int)lcore),
	       intr.power_monitor ? "yes" : "not on this CPU");
	printf("%-8s %8s %7s %7s %8s %8s %8s %9s %8s %8s\n", "mode", "rate",
	       "sent", "seen", "p50 us", "p99 us", "p99.9 us", "max us", "cpu",
	       "idle cpu");
	run(WAKE_BUSY, lcore, rate, secs, idle);
	run(WAKE_BACKOFF, lcore, rate, secs, idle);
	run(WAKE_INTR, lcore, rate, secs, idle);
	if (intr.power_monitor)
		run(WAKE_MONITOR, lcore, rate, secs, idle);
	else
		printf("%-8s not measured: this CPU has neither WAITPKG nor "
		       "MONITORX\n",
		       wake_names[WAKE_MONITOR]);
	free(delays);
	close(efd);
	rte_eal_cleanup();
	return 0;
}
