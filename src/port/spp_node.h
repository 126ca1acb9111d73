/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the primary owns for the whole node: the shared area, the mbuf pool,
 * the rings ring:0..N-1, the phy ports (and the taps secondaries use), and
 * the stop of the node's secondaries. The pipes over the rings are
 * spp_pipe.h. Control path only.
 */
#ifndef SPP_NODE_H
#define SPP_NODE_H

#include <stddef.h>

#include <rte_mempool.h>
#include <rte_ring.h>

#include "spp_opts.h"
#include "spp_pids.h"
#include "spp_shm.h"

/* the mbufs of the pool beside those the rings can hold */
#define SPP_NODE_MBUFS 16384
#define SPP_NODE_MBUF_CACHE 256
/* how long spp_node_stop_secondaries() waits by default */
#define SPP_NODE_STOP_WAIT_MS 10000
/* the pids of the node's processes a message lists at most, and its room */
#define SPP_NODE_MAX_PIDS 32u
#define SPP_NODE_PIDS_LEN (SPP_NODE_MAX_PIDS * SPP_PIDS_CHARS)

struct spp_node {
	struct spp_shm *shm;
	struct rte_mempool *pool;
	struct rte_ring *rings[SPP_SHM_MAX_RINGS];
};

/*
 * Reserve the shared area and make the mbuf pool of o (--pool-name,
 * --pool-ops; room for every ring full and SPP_NODE_MBUFS more). Returns
 * 0, or -ENOMEM with err saying how many mbufs did not fit.
 */
int spp_node_create(struct spp_node *node, const struct spp_opts *o, char *err,
		    size_t errlen);

/*
 * Create ring:0..nb_rings-1 of size entries each (single producer, single
 * consumer). Returns 0, or -errno with err naming the ring.
 */
int spp_node_create_rings(struct spp_node *node, unsigned int nb_rings,
			  unsigned int size, char *err, size_t errlen);

/*
 * Set up the ethdevs of o->portmask as phy:0..N-1 in port id order, with
 * the queues of their --port-num, promiscuous; then every net_tapN not in
 * the mask (one queue each way) as tap:N for secondaries. Returns 0, or
 * -errno with err naming the port (a --port-num of a phy port that does
 * not exist is -EINVAL).
 */
int spp_node_setup_phys(struct spp_node *node, const struct spp_opts *o,
			char *err, size_t errlen);

/* Reset the counters of the phy ports and rings ("clear"). */
void spp_node_clear(struct spp_node *node);

/*
 * The live processes other than this one that map the node of file prefix
 * prefix (its primary, its secondaries, SPP's or not): how many, and their
 * pids as a list ("1234, 1235") in list.
 */
unsigned int spp_node_users(const char *prefix, char *list, size_t len);

/*
 * Tell the node's secondaries the primary is stopping and wait up to
 * wait_ms until no other process maps the node's memory. Returns 0, or
 * -EBUSY when some still do (their shared memory must then be left to
 * them, never freed); both logged with the pids.
 */
int spp_node_stop_secondaries(struct spp_node *node, unsigned int wait_ms);

/*
 * Free what the node made, once no other process uses it: every pipe, every
 * ethdev of this process, the rings, the pool.
 */
void spp_node_free(struct spp_node *node);

#endif /* SPP_NODE_H */
