/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the pool's backend costs per mbuf, by mempool ops (spp_primary's
 * --pool-ops): a bulk get and a bulk put of BURST mbufs straight on the
 * backend (no per-lcore cache), best of 5 runs, in TSC cycles per mbuf on
 * one lcore. A frame pays this once when it is freed on another lcore than
 * the one that allocated it (its mbuf goes through the backend); a frame
 * allocated and freed on one lcore stays in that lcore's cache and pays
 * nothing.
 *   bench_pool EAL-ARGS (e.g. --no-huge -m 256 --no-pci -l 1)
 */
#include <stdint.h>
#include <stdio.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#define ROUNDS 20000

static double
pool_cost(struct rte_mempool *mp, unsigned int burst)
{
	void *objs[512];
	uint64_t t0, best = UINT64_MAX;
	int rep, r;

	for (rep = 0; rep < 5; rep++) {
		t0 = rte_rdtsc_precise();
		for (r = 0; r < ROUNDS; r++) {
			if (rte_mempool_generic_get(mp, objs, burst, NULL) < 0)
				return -1;
			rte_mempool_generic_put(mp, objs, burst, NULL);
		}
		best = RTE_MIN(best, rte_rdtsc_precise() - t0);
	}
	return (double)best / ROUNDS / burst;
}

int
main(int argc, char **argv)
{
	static const char *const ops[] = {"ring_mp_mc", "lf_stack"};
	static const unsigned int bursts[] = {32, 128, 512};
	struct rte_mempool *mp;
	unsigned int i, b;

	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "bench_pool: cannot init EAL\n");
		return 1;
	}
	printf("%-12s %8s %8s %8s   (cycles per mbuf, get + put)\n", "ops",
	       "32", "128", "512");
	for (i = 0; i < RTE_DIM(ops); i++) {
		mp = rte_pktmbuf_pool_create_by_ops(ops[i], 16384, 0, 0,
						    RTE_MBUF_DEFAULT_BUF_SIZE,
						    SOCKET_ID_ANY, ops[i]);
		if (mp == NULL) {
			fprintf(stderr, "bench_pool: no pool with ops %s: %s\n",
				ops[i], rte_strerror(rte_errno));
			continue;
		}
		printf("%-12s", ops[i]);
		for (b = 0; b < RTE_DIM(bursts); b++)
			printf(" %8.2f", pool_cost(mp, bursts[b]));
		printf("\n");
		rte_mempool_free(mp);
	}
	rte_eal_cleanup();
	return 0;
}
