/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * spp_port_ring_recover(): a ring whose producer or consumer was killed inside
 * an operation (its head moved, its tail not) is put back so that the next
 * producer publishes no slot nobody wrote and the next consumer skips no
 * frame. The dead process is simulated by moving a head by hand, as a kill
 * between DPDK's head and tail updates leaves it. No EAL: the ring lives in
 * ordinary memory.
 */
#include <stdint.h>
#include <stdlib.h>

#include <rte_ring.h>

#include "../unit/unit.h"
#include "spp_port.h"

#define RING_SIZE 64

static struct rte_ring *
ring_new(unsigned int flags)
{
	ssize_t size = rte_ring_get_memsize(RING_SIZE);
	void *mem = NULL;

	if (size < 0 || posix_memalign(&mem, RTE_CACHE_LINE_SIZE, size) != 0)
		return NULL;
	if (rte_ring_init(mem, "recover", RING_SIZE, flags) != 0) {
		free(mem);
		return NULL;
	}
	return mem;
}

static void
fill(struct rte_ring *r, uintptr_t first, unsigned int n)
{
	uintptr_t v;

	for (v = first; v < first + n; v++)
		rte_ring_enqueue(r, (void *)v);
}

/* dequeues everything; 1 if it is first..first+n-1 in order */
static int
drain_is(struct rte_ring *r, uintptr_t first, unsigned int n)
{
	void *objs[RING_SIZE];
	unsigned int got, i;

	got = rte_ring_dequeue_burst(r, objs, RTE_DIM(objs), NULL);
	if (got != n)
		return 0;
	for (i = 0; i < n; i++)
		if ((uintptr_t)objs[i] != first + i)
			return 0;
	return 1;
}

static void
dead_producer(void)
{
	struct rte_ring *r = ring_new(RING_F_SP_ENQ | RING_F_SC_DEQ);

	CHECK(r != NULL, "a single-producer ring in plain memory");
	if (r == NULL)
		return;
	fill(r, 1, 10);
	/* killed after reserving 4 slots, before writing or publishing */
	r->prod.head += 4;
	spp_port_ring_recover(r);
	CHECK(r->prod.head == r->prod.tail,
	      "the dead producer's reservation is given back");
	fill(r, 11, 1);
	CHECK(drain_is(r, 1, 11),
	      "the consumer gets the 11 frames written, no stale slot");
	free(r);
}

static void
dead_consumer(void)
{
	struct rte_ring *r = ring_new(RING_F_SP_ENQ | RING_F_SC_DEQ);

	CHECK(r != NULL, "a single-consumer ring in plain memory");
	if (r == NULL)
		return;
	fill(r, 100, 8);
	/* killed after taking 3 frames, before publishing the tail */
	r->cons.head += 3;
	spp_port_ring_recover(r);
	CHECK(r->cons.head == r->cons.tail,
	      "the dead consumer's reservation is given back");
	CHECK(drain_is(r, 100, 8),
	      "the next consumer reads all 8 frames, none skipped");
	free(r);
}

static void
untouched(void)
{
	struct rte_ring *st = ring_new(RING_F_SP_ENQ | RING_F_SC_DEQ);
	struct rte_ring *mt = ring_new(0);

	CHECK(st != NULL && mt != NULL, "two rings in plain memory");
	if (st == NULL || mt == NULL) {
		free(st);
		free(mt);
		return;
	}
	fill(st, 1, 5);
	spp_port_ring_recover(st);
	CHECK(drain_is(st, 1, 5), "a ring at rest is left as it is");
	/* multi-producer rings are not this function's: left alone */
	fill(mt, 1, 5);
	mt->prod.head += 2;
	spp_port_ring_recover(mt);
	CHECK(mt->prod.head == mt->prod.tail + 2,
	      "a multi-producer side is not touched");
	free(st);
	free(mt);
}

int
main(void)
{
	dead_producer();
	dead_consumer();
	untouched();
	return unit_done();
}
