/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a mirror's copy costs, per frame size: a deep copy
 * (rte_pktmbuf_copy, then free) against a clone (rte_pktmbuf_clone, then
 * free), in TSC cycles per frame on one lcore, bursts of 32 as the mirror
 * does. Chooses SPP_MIRROR_DEEP_MAX (spp_comp.h) for copy mode auto.
 *   bench_copy [--json]
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_mbuf.h>

#include "../tests/component/comp_eal.h"

#define BURST 32
#define ROUNDS 20000

static double
bench(struct rte_mempool *pool, uint16_t len, int deep)
{
	struct rte_mbuf *orig[BURST], *c[BURST];
	uint64_t t0, best = UINT64_MAX;
	int r, i, rep;

	for (i = 0; i < BURST; i++) {
		orig[i] = rte_pktmbuf_alloc(pool);
		memset(rte_pktmbuf_append(orig[i], len), i, len);
	}
	for (rep = 0; rep < 5; rep++) {
		t0 = rte_rdtsc_precise();
		for (r = 0; r < ROUNDS; r++) {
			for (i = 0; i < BURST; i++)
				c[i] = deep ? rte_pktmbuf_copy(orig[i], pool, 0,
							       UINT32_MAX)
					    : rte_pktmbuf_clone(orig[i], pool);
			rte_pktmbuf_free_bulk(c, BURST);
		}
		best = RTE_MIN(best, rte_rdtsc_precise() - t0);
	}
	rte_pktmbuf_free_bulk(orig, BURST);
	return (double)best / ROUNDS / BURST;
}

int
main(int argc, char **argv)
{
	static const uint16_t sizes[] = {64, 128, 256, 512, 768, 1024, 1500};
	int json = argc > 1 && strcmp(argv[1], "--json") == 0;
	struct rte_mempool *pool;
	unsigned int i;

	if (comp_eal_init("bench_copy", "0") < 0)
		return 1;
	pool = rte_pktmbuf_pool_create("bench_copy", 4095, 256, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (pool == NULL)
		return 1;
	printf(json ? "[" : "%6s %12s %12s\n", "bytes", "deep cyc/pkt",
	       "clone cyc/pkt");
	for (i = 0; i < RTE_DIM(sizes); i++) {
		double d = bench(pool, sizes[i], 1),
		       c = bench(pool, sizes[i], 0);

		if (json)
			printf("%s{\"bytes\":%u,\"deep\":%.1f,\"clone\":%.1f}",
			       i ? "," : "", sizes[i], d, c);
		else
			printf("%6u %12.1f %12.1f\n", sizes[i], d, c);
	}
	if (json)
		printf("]\n");
	comp_eal_done();
	return 0;
}
