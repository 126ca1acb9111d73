/* SPDX-License-Identifier: BSD-3-Clause */
#include "spp_node.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "spp_err.h"
#include "spp_pids.h"
#include "spp_pipe.h"
#include "spp_port.h"
#include "spp_prefix.h"

RTE_LOG_REGISTER(spp_node_logtype, spp.node, INFO);
#define NODE_LOG(level, ...)                                                   \
	rte_log(RTE_LOG_##level, spp_node_logtype, "spp_node: " __VA_ARGS__)

#define NODE_STOP_POLL_MS 50

int
spp_node_create(struct spp_node *node, const struct spp_opts *o, char *err,
		size_t errlen)
{
	unsigned int nb_mbufs = SPP_NODE_MBUFS + o->nb_rings * o->ring_size;

	memset(node, 0, sizeof(*node));
	node->shm = spp_shm_create(o->pool_name);
	if (node->shm != NULL)
		node->pool = rte_pktmbuf_pool_create_by_ops(
			o->pool_name, nb_mbufs, SPP_NODE_MBUF_CACHE, 0,
			RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id(),
			o->pool_ops);
	if (node->pool == NULL)
		SPP_ERR(-ENOMEM,
			"cannot allocate shared memory (%u mbufs): %s; give "
			"more with -m or hugepages",
			nb_mbufs, rte_strerror(rte_errno));
	return 0;
}

int
spp_node_create_rings(struct spp_node *node, unsigned int nb_rings,
		      unsigned int size, char *err, size_t errlen)
{
	char name[RTE_RING_NAMESIZE];
	unsigned int i;

	if (nb_rings > SPP_SHM_MAX_RINGS)
		SPP_ERR(-EINVAL, "%u rings asked, at most %d", nb_rings,
			SPP_SHM_MAX_RINGS);
	for (i = 0; i < nb_rings; i++) {
		snprintf(name, sizeof(name), SPP_RING_NAME_FMT, i);
		node->rings[i] = rte_ring_create(name, size, rte_socket_id(),
						 RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (node->rings[i] == NULL)
			SPP_ERR(-rte_errno, "cannot create ring %s: %s", name,
				rte_strerror(rte_errno));
		node->shm->nb_rings = (uint16_t)(i + 1);
	}
	return 0;
}

static int
node_setup_phy(struct spp_node *node, uint16_t eth_id, unsigned int phy,
	       const struct spp_opts *o, char *err, size_t errlen)
{
	const struct spp_opts_port_num *pn = spp_opts_port_num(o, phy);
	uint16_t nb_rxq = pn ? pn->rxq : 1, nb_txq = pn ? pn->txq : 1;
	char why[256];
	int ret;

	ret = spp_port_eth_setup(eth_id, node->pool, nb_rxq, nb_txq, why,
				 sizeof(why));
	if (ret < 0)
		SPP_ERR(ret, "phy:%u: %s", phy, why);
	rte_eth_promiscuous_enable(eth_id);
	node->shm->phy[phy].eth_id = eth_id;
	node->shm->phy[phy].nb_rxq = nb_rxq;
	node->shm->phy[phy].nb_txq = nb_txq;
	return 0;
}

/* 1 when ethdev eth_id is in the port mask */
static int
node_in_mask(uint64_t portmask, uint16_t eth_id)
{
	return eth_id < 64 && (portmask & (1ULL << eth_id)) != 0;
}

/*
 * tap:N is the primary's net_tapN: one not in the port mask is set up here
 * (one queue each way) for secondaries to use.
 */
static int
node_setup_taps(struct spp_node *node, const struct spp_opts *o, char *err,
		size_t errlen)
{
	char name[RTE_ETH_NAME_MAX_LEN], why[256];
	uint16_t eth_id;
	int ret;

	RTE_ETH_FOREACH_DEV(eth_id)
	{
		if (node_in_mask(o->portmask, eth_id) ||
		    rte_eth_dev_get_name_by_port(eth_id, name) != 0 ||
		    strncmp(name, "net_tap", 7) != 0)
			continue;
		ret = spp_port_eth_setup(eth_id, node->pool, 1, 1, why,
					 sizeof(why));
		if (ret < 0)
			SPP_ERR(ret, "%s: %s", name, why);
		NODE_LOG(INFO, "%s is tap:%s\n", name, name + 7);
	}
	return 0;
}

int
spp_node_setup_phys(struct spp_node *node, const struct spp_opts *o, char *err,
		    size_t errlen)
{
	unsigned int phy = 0;
	uint16_t eth_id;
	int ret;

	RTE_ETH_FOREACH_DEV(eth_id)
	{
		if (!node_in_mask(o->portmask, eth_id))
			continue;
		if (phy == SPP_SHM_MAX_PHY)
			break;
		ret = node_setup_phy(node, eth_id, phy, o, err, errlen);
		if (ret < 0)
			return ret;
		phy++;
	}
	node->shm->nb_phy = (uint16_t)phy;
	ret = node_setup_taps(node, o, err, errlen);
	if (ret < 0)
		return ret;
	if (__builtin_popcountll(o->portmask) != (int)phy)
		NODE_LOG(WARNING,
			 "port mask %#" PRIx64 " names %d ports, %u exist\n",
			 o->portmask, __builtin_popcountll(o->portmask), phy);
	return spp_opts_check_port_num(o, phy, err, errlen);
}

void
spp_node_clear(struct spp_node *node)
{
	unsigned int i;

	for (i = 0; i < node->shm->nb_phy; i++) {
		memset(node->shm->phy[i].q, 0, sizeof(node->shm->phy[i].q));
		rte_eth_stats_reset(node->shm->phy[i].eth_id);
	}
	memset(node->shm->ring, 0, sizeof(node->shm->ring));
}

unsigned int
spp_node_users(const char *prefix, char *list, size_t len)
{
	int32_t pids[SPP_NODE_MAX_PIDS];
	unsigned int n = spp_prefix_users(prefix, pids, SPP_NODE_MAX_PIDS);

	spp_pids_format(pids, RTE_MIN(n, SPP_NODE_MAX_PIDS), list, len);
	return n;
}

int
spp_node_stop_secondaries(struct spp_node *node, unsigned int wait_ms)
{
	const char *prefix = spp_prefix_self();
	char list[SPP_NODE_PIDS_LEN];
	unsigned int n, waited = 0;

	__atomic_store_n(&node->shm->stopping, 1, __ATOMIC_RELEASE);
	n = spp_node_users(prefix, list, sizeof(list));
	if (n > 0)
		NODE_LOG(NOTICE,
			 "stopping: waiting for %u secondary process(es) to "
			 "exit (pid %s)\n",
			 n, list);
	while (n > 0 && waited < wait_ms) {
		usleep(NODE_STOP_POLL_MS * 1000);
		waited += NODE_STOP_POLL_MS;
		n = spp_node_users(prefix, list, sizeof(list));
	}
	if (n == 0) {
		NODE_LOG(INFO, "stopping: %s\n",
			 waited == 0 ? "no secondary attached"
				     : "every secondary has exited");
		return 0;
	}
	NODE_LOG(ERR,
		 "stopping: %u process(es) still map the node's memory after "
		 "%u ms (pid %s): exiting without freeing the shared "
		 "resources they use\n",
		 n, wait_ms, list);
	return -EBUSY;
}

void
spp_node_free(struct spp_node *node)
{
	unsigned int i;
	uint16_t eth_id;

	for (i = 0; i < SPP_SHM_MAX_PIPES; i++)
		if (node->shm->pipe[i].active)
			spp_pipe_del(node, i, true, NULL, 0);
	RTE_ETH_FOREACH_DEV(eth_id)
	{
		rte_eth_dev_stop(eth_id);
		rte_eth_dev_close(eth_id);
	}
	for (i = 0; i < node->shm->nb_rings; i++)
		rte_ring_free(node->rings[i]);
	node->shm->nb_rings = 0;
	rte_mempool_free(node->pool);
	node->pool = NULL;
}
