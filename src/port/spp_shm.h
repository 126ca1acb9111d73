/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The area the primary shares with every secondary: which ethdev is phy:N,
 * how many rings there are, the pipes, and the counters that more than one
 * process reads. The primary creates it; secondaries check its magic and
 * layout version before they use it.
 */
#ifndef SPP_SHM_H
#define SPP_SHM_H

#include <stdint.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_mempool.h>

#define SPP_SHM_NAME "spp_shm"
#define SPP_SHM_MAGIC 0x53505053u /* "SPPS" */
#define SPP_SHM_VERSION 7
/* default name of the mbuf pool; the primary's --pool-name changes it */
#define SPP_POOL_NAME "spp_mbuf_pool"
#define SPP_POOL_NAME_LEN 32
#define SPP_RING_NAME_FMT "spp_ring_%u"

#define SPP_SHM_MAX_PHY 64
#define SPP_SHM_MAX_QUEUES 16
#define SPP_SHM_MAX_RINGS 1024
#define SPP_SHM_MAX_PIPES 64
#define SPP_SHM_PIPE_MAX_USERS 16 /* SPP ports open on one pipe */

/*
 * Counters of one port (or one queue of a phy port). Each field has one
 * writer: the process whose worker reads (rx) or writes (tx, tx_drop) the
 * port; anyone may read them.
 */
/*
 * A ring's reader and writer are often different processes on different
 * cores: the rx and tx sides must not share what the CPU moves between
 * cores as one. That is a pair of cache lines on x86 (the adjacent-line
 * prefetcher fetches both halves of an aligned 128-byte block): with rx and
 * tx on two lines of one block, a ring loop across the two CPUs of the
 * benchmark machine ran at 43-46 Mpps in the far core-to-core mode, with
 * each side on a block of its own at 174 Mpps (BENCHMARKS.md).
 */
#define SPP_SHM_STATS_ALIGN (2 * RTE_CACHE_LINE_SIZE)

struct spp_port_stats {
	uint64_t rx;
	uint64_t rx_drop;
	uint64_t tx __rte_aligned(SPP_SHM_STATS_ALIGN);
	uint64_t tx_drop;
} __rte_aligned(SPP_SHM_STATS_ALIGN);

struct spp_shm_phy {
	uint16_t eth_id;
	uint16_t nb_rxq;
	uint16_t nb_txq;
	struct spp_port_stats q[SPP_SHM_MAX_QUEUES];
};

struct spp_shm_pipe {
	uint16_t active; /* 1 while the pipe exists */
	uint16_t eth_id;
	uint16_t rx_ring; /* ring:A, read by the pipe's rx */
	uint16_t tx_ring; /* ring:B, written by the pipe's tx */
	/*
	 * The processes with an SPP port open on it, one slot a port (0:
	 * free). By pid, so that the ports of a process that died are not
	 * counted (spp_pipe_users).
	 */
	int32_t user_pid[SPP_SHM_PIPE_MAX_USERS];
};

struct spp_shm {
	uint32_t magic;
	uint32_t version;
	uint32_t size; /* sizeof(struct spp_shm), checked too */
	int32_t primary_pid;
	/*
	 * Set by the primary when it is going away: every secondary then
	 * stops its workers and exits, and the primary frees the shared
	 * resources only once they are gone.
	 */
	uint32_t stopping;
	uint16_t nb_phy;
	uint16_t nb_rings;
	/* the primary's mbuf pool, found by this name */
	char pool_name[SPP_POOL_NAME_LEN];
	struct spp_shm_phy phy[SPP_SHM_MAX_PHY];
	struct spp_shm_pipe pipe[SPP_SHM_MAX_PIPES];
	struct spp_port_stats ring[SPP_SHM_MAX_RINGS];
};

/*
 * Primary: reserve and initialise the area, naming the mbuf pool it shares.
 * NULL with rte_errno set.
 */
struct spp_shm *spp_shm_create(const char *pool_name);

/*
 * Tables of pids in shared memory (the holders of a pipe, spp_pipe.h): this
 * process takes a slot (0, or -ENOSPC when all n are taken) or gives its
 * slot back; spp_shm_pids_live() puts the pids of the holders still alive
 * in pids[0..max-1], frees the slots of processes that are gone (killed
 * without giving theirs back), and returns how many live.
 */
int spp_shm_pid_take(int32_t *slots, unsigned int n);
void spp_shm_pid_give(int32_t *slots, unsigned int n);
unsigned int spp_shm_pids_live(int32_t *slots, unsigned int n, int32_t *pids,
			       unsigned int max);
/* 1 while process pid exists and is not a zombie. */
int spp_shm_pid_alive(int32_t pid);

/*
 * Secondary: 1 when the primary is stopping (it set "stopping") or gone
 * (its process no longer exists): time to stop the workers and exit.
 */
int spp_shm_primary_leaving(const struct spp_shm *shm);

/*
 * Secondary: find the area and check it. Returns 0, or -ENOENT (no primary,
 * or the primary is not SPP's) or -EPROTO (other layout version), with a
 * message in err.
 */
int spp_shm_attach(struct spp_shm **shm, char *err, size_t errlen);

/*
 * Secondary: attach the area and find the primary's mbuf pool. Returns 0,
 * an error of spp_shm_attach(), or -ENOENT when the pool is missing.
 */
int spp_shm_attach_pool(struct spp_shm **shm, struct rte_mempool **pool,
			char *err, size_t errlen);

#endif /* SPP_SHM_H */
