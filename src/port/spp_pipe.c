/* SPDX-License-Identifier: BSD-3-Clause */
#include "spp_pipe.h"

#include <errno.h>
#include <stdio.h>

#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_log.h>

#include "spp_err.h"
#include "spp_pids.h"
#include "spp_port.h"

RTE_LOG_REGISTER(spp_pipe_logtype, spp.pipe, INFO);
#define PIPE_LOG(level, ...)                                                   \
	rte_log(RTE_LOG_##level, spp_pipe_logtype, "spp_pipe: " __VA_ARGS__)

int
spp_pipe_add(struct spp_node *node, unsigned int id, unsigned int rx_ring,
	     unsigned int tx_ring, char *err, size_t errlen)
{
	unsigned int nb_rings = node->shm->nb_rings;
	char name[RTE_ETH_NAME_MAX_LEN];
	struct spp_shm_pipe *p;
	int eth_id, ret;

	if (id >= SPP_SHM_MAX_PIPES)
		SPP_ERR(-EINVAL, "pipe:%u: pipe ids are 0-%d", id,
			SPP_SHM_MAX_PIPES - 1);
	if (rx_ring >= nb_rings || tx_ring >= nb_rings)
		SPP_ERR(-ENOENT, "ring:%u does not exist: there are %u rings",
			rx_ring >= nb_rings ? rx_ring : tx_ring, nb_rings);
	p = &node->shm->pipe[id];
	if (p->active)
		SPP_ERR(-EEXIST, "pipe:%u already exists (ring:%u ring:%u)", id,
			p->rx_ring, p->tx_ring);
	snprintf(name, sizeof(name), "spp_pipe%u", id);
	eth_id = rte_eth_from_rings(name, &node->rings[rx_ring], 1,
				    &node->rings[tx_ring], 1, rte_socket_id());
	if (eth_id < 0)
		SPP_ERR(-EIO, "cannot create pipe:%u: %s", id,
			rte_strerror(rte_errno));
	ret = spp_port_eth_setup((uint16_t)eth_id, node->pool, 1, 1, err,
				 errlen);
	if (ret < 0) {
		rte_eth_dev_close((uint16_t)eth_id);
		return ret;
	}
	p->eth_id = (uint16_t)eth_id;
	p->rx_ring = (uint16_t)rx_ring;
	p->tx_ring = (uint16_t)tx_ring;
	p->active = 1;
	return 0;
}

int
spp_pipe_del(struct spp_node *node, unsigned int id, bool force, char *err,
	     size_t errlen)
{
	int32_t pids[SPP_SHM_PIPE_MAX_USERS];
	char who[SPP_SHM_PIPE_MAX_USERS * SPP_PIDS_CHARS];
	struct rte_eth_dev_info info;
	struct spp_shm_pipe *p;
	unsigned int users;
	int ret = -ENODEV;

	if (id >= SPP_SHM_MAX_PIPES || !node->shm->pipe[id].active)
		SPP_ERR(-ENOENT, "pipe:%u does not exist", id);
	p = &node->shm->pipe[id];
	users = spp_pipe_users(node->shm, id, pids, RTE_DIM(pids));
	if (users != 0 && !force)
		SPP_ERR(-EBUSY,
			"pipe:%u is added in %u SPP port(s) (the primary's "
			"forwarder or a secondary; pid %s): del it there first",
			id, users,
			spp_pids_format(pids, RTE_MIN(users, RTE_DIM(pids)),
					who, sizeof(who)));
	rte_eth_dev_stop(p->eth_id);
	/* a hot-unplug, so that secondaries that attached it detach too */
	if (rte_eth_dev_info_get(p->eth_id, &info) == 0 && info.device != NULL)
		ret = rte_dev_remove(info.device);
	if (ret < 0) {
		PIPE_LOG(WARNING, "pipe:%u: hot-unplug failed (%s), closing\n",
			 id, rte_strerror(-ret));
		rte_eth_dev_close(p->eth_id);
	}
	p->active = 0;
	return 0;
}

/* The rings under a pipe, after a holder of the pipe was killed. */
static void
pipe_recover(const struct spp_shm_pipe *p)
{
	uint16_t ids[2] = {p->rx_ring, p->tx_ring};
	char name[RTE_RING_NAMESIZE];
	struct rte_ring *r;
	unsigned int i;

	for (i = 0; i < RTE_DIM(ids); i++) {
		snprintf(name, sizeof(name), SPP_RING_NAME_FMT, ids[i]);
		r = rte_ring_lookup(name);
		if (r != NULL)
			spp_port_ring_recover(r);
	}
}

int
spp_pipe_hold(struct spp_shm *shm, unsigned int id, char *err, size_t errlen)
{
	struct spp_shm_pipe *p;

	if (id >= SPP_SHM_MAX_PIPES || !shm->pipe[id].active)
		SPP_ERR(-ENOENT,
			"pipe:%u does not exist: add it on the primary first "
			"(add pipe:%u ring:A ring:B)",
			id, id);
	p = &shm->pipe[id];
	if (spp_shm_pid_take(p->user_pid, SPP_SHM_PIPE_MAX_USERS) < 0)
		SPP_ERR(-ENOSPC, "pipe:%u is open in %d SPP ports already", id,
			SPP_SHM_PIPE_MAX_USERS);
	pipe_recover(p);
	return 0;
}

void
spp_pipe_release(struct spp_shm *shm, unsigned int id)
{
	spp_shm_pid_give(shm->pipe[id].user_pid, SPP_SHM_PIPE_MAX_USERS);
}

unsigned int
spp_pipe_users(struct spp_shm *shm, unsigned int id, int32_t *pids,
	       unsigned int max)
{
	return spp_shm_pids_live(shm->pipe[id].user_pid, SPP_SHM_PIPE_MAX_USERS,
				 pids, max);
}
