/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cross-core latency probe: a ping-pong of one cache line between lcore 0
 * (CPU A) and lcore 1 (CPU B), as a frame handed over a ring does. Prints
 * the TSC frequency and the one-way hand-over time (half a round trip,
 * median of several short runs), in TSC cycles and ns.
 *   bench_xcore [--json] [--cpus A,B] [--ms MS]
 * A VM's vCPUs may sit on sibling threads, on one die or on two, and the
 * host may move them: the benchmark command runs this before and after
 * each cross-core measurement and prints which mode it saw.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_pause.h>

#define RUNS 7

static volatile uint64_t ping __rte_cache_aligned;
static volatile uint64_t pong __rte_cache_aligned;
static volatile int stop __rte_cache_aligned;

static int
ponger(void *arg)
{
	uint64_t last = 0;

	(void)arg;
	while (!stop) {
		uint64_t v = ping;

		if (v != last) {
			last = v;
			pong = v;
		}
	}
	return 0;
}

/* one run of about ms milliseconds: TSC cycles per round trip */
static double
run(unsigned int ms)
{
	uint64_t hz = rte_get_tsc_hz(), t0, t1, n = 0;
	uint64_t end = rte_rdtsc() + hz / 1000 * ms;

	t0 = rte_rdtsc_precise();
	do {
		uint64_t i;

		for (i = 0; i < 1000; i++) {
			uint64_t v = ++n;

			ping = v;
			while (pong != v)
				;
		}
		t1 = rte_rdtsc_precise();
	} while (t1 < end);
	return (double)(t1 - t0) / (double)n;
}

#define SPEED_WORDS 2048     /* 16 KiB: in L1 */
#define SPEED_ROUNDS 4000000 /* about 5 ms a run */

static uint64_t speed_buf[SPEED_WORDS];

/* one run of the fixed loop: TSC cycles per round */
static double
speed_run(void)
{
	uint64_t a = 1, b = 2, c = 3, d = 4, t0 = rte_rdtsc_precise();
	unsigned int i;

	for (i = 0; i < SPEED_ROUNDS; i++) {
		unsigned int k = i & (SPEED_WORDS - 1);

		a += speed_buf[k];
		b ^= a;
		speed_buf[(k + 7) & (SPEED_WORDS - 1)] = b + c;
		c += d * 3;
		d ^= c >> 3;
	}
	speed_buf[0] += a + b + c + d; /* keeps the loop */
	return (double)(rte_rdtsc_precise() - t0) / SPEED_ROUNDS;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	char lcores[64] = "0@0,1@1";
	char *eal[] = {"bench_xcore",
		       "--no-huge",
		       "-m",
		       "16",
		       "--no-pci",
		       "--no-shconf",
		       "--no-telemetry",
		       "--lcores",
		       lcores,
		       "--log-level",
		       "error",
		       "--file-prefix",
		       "spp_bench_xcore"};
	unsigned int ms = 30, i;
	int json = 0, speed = 0;
	char rundir[PATH_MAX];
	double rt[RUNS], med, hz;

	for (i = 1; i < (unsigned int)argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--cpus") == 0 &&
			 i + 1 < (unsigned)argc) {
			unsigned int a, b;

			if (sscanf(argv[++i], "%u,%u", &a, &b) != 2)
				return 2;
			snprintf(lcores, sizeof(lcores), "0@%u,1@%u", a, b);
		} else if (strcmp(argv[i], "--speed") == 0 &&
			   i + 1 < (unsigned)argc) {
			snprintf(lcores, sizeof(lcores), "0@%s", argv[++i]);
			speed = 1;
		} else if (strcmp(argv[i], "--ms") == 0 &&
			   i + 1 < (unsigned)argc)
			ms = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: bench_xcore [--json] [--cpus "
					"A,B] [--ms MS] | [--json] --speed "
					"CPU\n");
			return 2;
		}
	}
	if (rte_eal_init(RTE_DIM(eal), eal) < 0)
		return 1;
	if (speed) {
		speed_run(); /* warm-up: caches, page faults */
		for (i = 0; i < RUNS; i++)
			rt[i] = speed_run();
		qsort(rt, RUNS, sizeof(rt[0]), cmp);
		if (json)
			printf("{\"speed_cycles\":%.3f,\"min_cycles\":%.3f,"
			       "\"max_cycles\":%.3f}\n",
			       rt[RUNS / 2], rt[0], rt[RUNS - 1]);
		else
			printf("cycles per round %.3f, runs %.3f..%.3f\n",
			       rt[RUNS / 2], rt[0], rt[RUNS - 1]);
		goto out;
	}
	if (rte_eal_remote_launch(ponger, NULL, 1) != 0)
		return 1;
	for (i = 0; i < RUNS; i++)
		rt[i] = run(ms);
	stop = 1;
	rte_eal_mp_wait_lcore();
	qsort(rt, RUNS, sizeof(rt[0]), cmp);
	med = rt[RUNS / 2] / 2; /* one way */
	hz = (double)rte_get_tsc_hz();
	if (json)
		printf("{\"tsc_hz\":%.0f,\"oneway_cycles\":%.1f,"
		       "\"oneway_ns\":%.1f,\"min_cycles\":%.1f,"
		       "\"max_cycles\":%.1f}\n",
		       hz, med, med * 1e9 / hz, rt[0] / 2, rt[RUNS - 1] / 2);
	else
		printf("tsc_hz %.0f one-way %.1f cycles (%.1f ns), "
		       "runs %.1f..%.1f\n",
		       hz, med, med * 1e9 / hz, rt[0] / 2, rt[RUNS - 1] / 2);
out:
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	rmdir(rundir);
	return 0;
}
