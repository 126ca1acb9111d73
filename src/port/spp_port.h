/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The port layer: one implementation of "a port" for every process. A port
 * is either an ethdev (phy, vhost, pcap, nullpmd, memif, tap, pipe) or one
 * of the primary's rte_rings read and written directly. Each type has an
 * ops entry for the control path (open, close); the fast path is the two
 * inline functions below, which only count.
 */
#ifndef SPP_PORT_H
#define SPP_PORT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>
#include <rte_vhost.h>

#include "spp_cmd.h"
#include "spp_res.h"
#include "spp_shm.h"

/* What every port of a process needs from its process. */
struct spp_port_env {
	enum spp_proc_kind kind;
	struct spp_shm *shm;
	struct rte_mempool *pool;
	bool vhost_client;
	/*
	 * The grace periods of the process's workers: a port whose device can
	 * go away under it (a vhost VM that disconnects) waits for one before
	 * the device is freed. Set by the forwarder.
	 */
	struct rte_rcu_qsbr *qs;
};

/* vhost: SPP enqueues to the guest's rx queue, dequeues its tx queue */
#define SPP_PORT_GUEST_RXQ 0
#define SPP_PORT_GUEST_TXQ 1
/* frames the vhost library enqueues or dequeues in one call at most */
#define SPP_PORT_VHOST_BURST 32

/* How the fast path moves packets on a port. */
enum spp_port_fp {
	SPP_PORT_FP_ETH = 0, /* an ethdev queue */
	SPP_PORT_FP_RING,    /* one of the primary's rte_rings */
	SPP_PORT_FP_VHOST,   /* a vhost-user device of this process */
};

struct spp_port {
	struct spp_res res;
	/* fast path */
	enum spp_port_fp fp;
	struct rte_ring *ring;
	uint16_t eth_id;
	uint16_t rxq;
	uint16_t txq;
	int vid; /* vhost device id, -1 while no VM is connected */
	struct rte_mempool *pool; /* vhost: where dequeued packets go */
	struct rte_rcu_qsbr *qs;
	/* counters: in the shared area for phy and ring, else local_stats */
	struct spp_port_stats *stats;
	struct spp_port_stats local_stats;
	/* control path */
	const struct spp_port_ops *ops;
	bool owned; /* this process created the device: remove it on close */
	bool primary_setup; /* secondary: the primary configures and starts */
	char devname[RTE_ETH_NAME_MAX_LEN];
};

struct spp_port_ops {
	enum spp_res_type type;
	/* process kinds that may add the type */
	unsigned int procs;
	/*
	 * Make the port usable: find or create the device, configure and
	 * start it. Called on the control thread; may block for a while (a
	 * hot-plug goes through the primary). Returns 0, or -errno with err
	 * saying what went wrong. Required.
	 */
	int (*open)(struct spp_port *port, const struct spp_port_env *env,
		    char *err, size_t errlen);
	/*
	 * Release the port once no worker uses it any more (after an RCU
	 * grace period). May be NULL when there is nothing to release.
	 */
	void (*close)(struct spp_port *port, const struct spp_port_env *env);
};

/*
 * A zeroed port for spp_port_open(), aligned as its counters need (apart
 * cache lines for rx and tx; rte_zmalloc's cache-line alignment is half
 * of it). Free it with rte_free(). NULL when out of memory.
 */
static inline struct spp_port *
spp_port_alloc(void)
{
	return rte_zmalloc("spp_port", sizeof(struct spp_port),
			   __alignof__(struct spp_port));
}

/*
 * Open the port named by res for this process. Returns 0 or -errno: -EINVAL
 * for a type this process can't take, -ENOENT for a port that does not
 * exist, -EIO when the device could not be set up; err says which.
 */
int spp_port_open(struct spp_port *port, const struct spp_res *res,
		  const struct spp_port_env *env, char *err, size_t errlen);
void spp_port_close(struct spp_port *port, const struct spp_port_env *env);

/*
 * Configure an ethdev with nb_rxq rx queues filled from pool and nb_txq tx
 * queues, and start it. Control path. Returns 0 or -errno with err set.
 */
int spp_port_eth_setup(uint16_t eth_id, struct rte_mempool *pool,
		       uint16_t nb_rxq, uint16_t nb_txq, char *err,
		       size_t errlen);

/*
 * Primary: serve the set-up requests of secondaries for devices only the
 * primary may configure (memif), filling their rx queues from pool.
 */
int spp_port_ipc_register(struct rte_mempool *pool);

/*
 * Puts back the head of a single-producer or single-consumer side of ring r
 * whose owner died inside an operation (head ahead of tail, still for
 * 100 ms); a no-op on a ring at rest or in use. Control path only: may sleep
 * up to 100 ms per side.
 */
void spp_port_ring_recover(struct rte_ring *r);

/*
 * Before a server binds a unix socket path: a socket file nobody listens on
 * (left by a process that died) is removed. Returns 0 when the path is free
 * now, -EBUSY when a process listens on it, -EEXIST when it is not a socket;
 * err says which.
 */
int spp_port_claim_socket(const char *path, char *err, size_t errlen);

/* Counters of a port as a JSON-ready struct; for status. */
static inline const struct spp_port_stats *
spp_port_get_stats(const struct spp_port *port)
{
	return port->stats;
}

/* The port named res among ports[0..n-1], or NULL. */
struct spp_port *spp_port_find(struct spp_port *const *ports, unsigned int n,
			       const struct spp_res *res);

/*
 * Whether the port can carry packets now: "up" or "down" (a vhost port
 * without a VM, a memif port without a peer, a phy port without carrier).
 * Rings are always up. Control path.
 */
const char *spp_port_link(const struct spp_port *port);

/*
 * Waking an idle worker when frames come, instead of at the end of its
 * sleep. On the worker's thread, online for RCU (the port stays while it
 * arms and disarms).
 *
 * spp_port_wake_arm(): the fd that gets readable when frames come to the
 * port's rx from now on, with what it takes armed (a vhost guest kicks);
 * SPP_PORT_WAKE_NONE for a port that can get nothing now (a vhost port
 * without a VM); SPP_PORT_WAKE_POLL for a port that must be polled (rings,
 * ethdevs: their interrupts are the primary's) or that has frames already.
 * spp_port_wake_disarm(): after the sleep, back to polling (no kicks).
 */
#define SPP_PORT_WAKE_NONE (-1)
#define SPP_PORT_WAKE_POLL (-2)
int spp_port_wake_arm(struct spp_port *port);
/* Whether the port's type can wake a worker at all (vhost). */
static inline bool
spp_port_wakeable(const struct spp_port *port)
{
	return port->fp == SPP_PORT_FP_VHOST;
}
void spp_port_wake_disarm(struct spp_port *port);

/*
 * Move up to n frames out of (tx false: dequeue) or into (tx true: enqueue,
 * the guest gets copies) a vhost device, in as many library calls as the
 * burst needs; none while no VM is connected. A call that moved fewer than
 * asked found the guest's ring empty or full: asking again at once would
 * only get the few buffers the guest just handed over (DPDK's vhost PMD
 * stops there too). Both sides loop: with one dequeue call, a 64-frame
 * forwarder took 32 frames a pass out of a guest while it put 64 in (PVP at
 * 0.75x testpmd).
 */
static inline uint16_t
spp_port_vhost_burst(struct spp_port *port, bool tx, struct rte_mbuf **pkts,
		     uint16_t n)
{
	int vid = __atomic_load_n(&port->vid, __ATOMIC_ACQUIRE);
	uint16_t nb = 0;

	while (vid >= 0 && nb < n) {
		uint16_t want = RTE_MIN(n - nb, SPP_PORT_VHOST_BURST);
		uint16_t k =
			tx ? rte_vhost_enqueue_burst(vid, SPP_PORT_GUEST_RXQ,
						     pkts + nb, want)
			   : rte_vhost_dequeue_burst(vid, SPP_PORT_GUEST_TXQ,
						     port->pool, pkts + nb,
						     want);

		nb += k;
		if (k < want)
			break;
	}
	return nb;
}

static inline uint16_t
spp_port_rx(struct spp_port *port, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t nb;

	switch (port->fp) {
	case SPP_PORT_FP_RING:
		nb = (uint16_t)rte_ring_sc_dequeue_burst(
			port->ring, (void **)pkts, n, NULL);
		break;
	case SPP_PORT_FP_VHOST:
		nb = spp_port_vhost_burst(port, false, pkts, n);
		break;
	default:
		nb = rte_eth_rx_burst(port->eth_id, port->rxq, pkts, n);
		break;
	}
	/* an empty poll writes nothing: no shared cache line dirtied */
	if (nb != 0)
		port->stats->rx += nb;
	return nb;
}

/* Send n packets; the ones that could not be sent are freed and counted. */
static inline uint16_t
spp_port_tx(struct spp_port *port, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t nb;

	switch (port->fp) {
	case SPP_PORT_FP_RING:
		nb = (uint16_t)rte_ring_sp_enqueue_burst(
			port->ring, (void **)pkts, n, NULL);
		break;
	case SPP_PORT_FP_VHOST:
		/* the guest got copies: what was sent is freed here */
		nb = spp_port_vhost_burst(port, true, pkts, n);
		if (nb != 0)
			rte_pktmbuf_free_bulk(pkts, nb);
		break;
	default:
		nb = rte_eth_tx_burst(port->eth_id, port->txq, pkts, n);
		break;
	}
	port->stats->tx += nb;
	if (unlikely(nb < n)) {
		port->stats->tx_drop += n - nb;
		rte_pktmbuf_free_bulk(pkts + nb, n - nb);
	}
	return nb;
}

#endif /* SPP_PORT_H */
