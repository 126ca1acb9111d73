/* SPDX-License-Identifier: BSD-3-Clause */
#include "spp_pri_app.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_log.h>

#include "spp_launch.h"
#include "spp_pipe.h"
#include "spp_port.h"
#include "spp_prefix.h"

RTE_LOG_REGISTER(pri_app_logtype, spp.primary, INFO);
#define PRI_APP_LOG(level, ...)                                                \
	rte_log(RTE_LOG_##level, pri_app_logtype, "spp_primary: " __VA_ARGS__)

static struct spp_pri_app *
pri_app_of(const struct spp_app *app)
{
	return container_of(app->ctx, struct spp_pri_app, fwd);
}

static json_t *
pri_app_phy_status(const struct spp_shm *shm, unsigned int i)
{
	const struct spp_shm_phy *p = &shm->phy[i];
	char macs[RTE_ETHER_ADDR_FMT_SIZE];
	struct rte_ether_addr mac;
	struct rte_eth_stats es;
	uint64_t drop = 0;
	unsigned int q;

	memset(&es, 0, sizeof(es));
	rte_eth_stats_get(p->eth_id, &es);
	rte_eth_macaddr_get(p->eth_id, &mac);
	rte_ether_format_addr(macs, sizeof(macs), &mac);
	for (q = 0; q < SPP_SHM_MAX_QUEUES; q++)
		drop += p->q[q].tx_drop;
	return json_pack("{s:i,s:s,s:I,s:I,s:I,s:{s:i,s:i},s:[]}", "id", i,
			 "eth", macs, "rx", (json_int_t)es.ipackets, "tx",
			 (json_int_t)es.opackets, "tx_drop",
			 (json_int_t)(drop + es.oerrors), "nof_queues", "rx",
			 p->nb_rxq, "tx", p->nb_txq, "flow");
}

static json_t *
pri_app_ring_status(const struct spp_node *node, unsigned int i)
{
	const struct spp_port_stats *r = &node->shm->ring[i];

	return json_pack("{s:i,s:I,s:I,s:I,s:I,s:i,s:i}", "id", i, "rx",
			 (json_int_t)r->rx, "rx_drop", (json_int_t)r->rx_drop,
			 "tx", (json_int_t)r->tx, "tx_drop",
			 (json_int_t)r->tx_drop, "count",
			 rte_ring_count(node->rings[i]), "capacity",
			 rte_ring_get_capacity(node->rings[i]));
}

/* rx and tx name the rings; stats counts what crossed the pipe */
static json_t *
pri_app_pipe_status(const struct spp_shm *shm, unsigned int i)
{
	const struct spp_shm_pipe *p = &shm->pipe[i];
	struct rte_eth_stats es;

	memset(&es, 0, sizeof(es));
	rte_eth_stats_get(p->eth_id, &es);
	return json_pack("{s:i,s:i,s:i,s:{s:I,s:I}}", "id", i, "rx", p->rx_ring,
			 "tx", p->tx_ring, "stats", "rx",
			 (json_int_t)es.ipackets, "tx",
			 (json_int_t)es.opackets);
}

void
spp_pri_app_status(const struct spp_app *app, json_t *st)
{
	const struct spp_pri_app *pri = pri_app_of(app);
	const struct spp_node *node = &pri->node;
	const struct rte_mempool *pool = node->pool;
	json_t *phys = json_array(), *rings = json_array();
	json_t *pipes = json_array(), *fwd;
	unsigned int i;

	/* as the original: no forwarder object when there is no forwarder */
	if (spp_fwd_has_workers(&pri->fwd)) {
		fwd = json_object();
		spp_fwd_status(&pri->fwd, fwd);
		json_object_set_new(st, "forwarder", fwd);
	}
	for (i = 0; i < node->shm->nb_phy; i++)
		json_array_append_new(phys, pri_app_phy_status(node->shm, i));
	for (i = 0; i < node->shm->nb_rings; i++)
		json_array_append_new(rings, pri_app_ring_status(node, i));
	for (i = 0; i < SPP_SHM_MAX_PIPES; i++)
		if (node->shm->pipe[i].active)
			json_array_append_new(
				pipes, pri_app_pipe_status(node->shm, i));
	json_object_set_new(st, "phy_ports", phys);
	json_object_set_new(st, "ring_ports", rings);
	json_object_set_new(st, "pipes", pipes);
	json_object_set_new(st, "mbuf_pool",
			    json_pack("{s:s,s:i,s:i,s:i}", "name", pool->name,
				      "size", (int)pool->size, "available",
				      (int)rte_mempool_avail_count(pool),
				      "in_use",
				      (int)rte_mempool_in_use_count(pool)));
}

/*
 * The forwarder's commands, but for a pipe (added and deleted on the
 * primary itself), and refused when the primary runs on one lcore and so
 * has no forwarder.
 */
static int
pri_app_cmd_fwd(struct spp_app *app, const struct spp_cmd *cmd, json_t **data,
		char *err, size_t errlen)
{
	struct spp_pri_app *pri = pri_app_of(app);

	if (cmd->id == SPP_CMD_ADD && cmd->res[0].type == SPP_RES_PIPE &&
	    cmd->nres == 3)
		return spp_pipe_add(&pri->node, cmd->res[0].id, cmd->res[1].id,
				    cmd->res[2].id, err, errlen);
	if (cmd->id == SPP_CMD_DEL && cmd->res[0].type == SPP_RES_PIPE &&
	    spp_fwd_find(&pri->fwd, &cmd->res[0]) == NULL)
		return spp_pipe_del(&pri->node, cmd->res[0].id, false, err,
				    errlen);
	if (!spp_fwd_has_workers(&pri->fwd)) {
		snprintf(err, errlen,
			 "the primary has no forwarder: it runs on one lcore "
			 "(give it two lcores or more to add ports, patch and "
			 "forward)");
		return -EINVAL;
	}
	return spp_app_fwd_handlers[cmd->id](app, cmd, data, err, errlen);
}

static int
pri_app_cmd_clear(struct spp_app *app, const struct spp_cmd *cmd __rte_unused,
		  json_t **data __rte_unused, char *err __rte_unused,
		  size_t errlen __rte_unused)
{
	spp_node_clear(&pri_app_of(app)->node);
	return 0;
}

static int
pri_app_cmd_launch(struct spp_app *app, const struct spp_cmd *cmd,
		   json_t **data __rte_unused, char *err, size_t errlen)
{
	return spp_launch(cmd, app->opts.log_dir, err, errlen);
}

const spp_app_handler_fn spp_pri_app_handlers[SPP_CMD_MAX] = {
	[SPP_CMD_STATUS] = spp_app_cmd_status,
	[SPP_CMD_CLEAR] = pri_app_cmd_clear,
	[SPP_CMD_EXIT] = spp_app_cmd_exit,
	[SPP_CMD_LAUNCH] = pri_app_cmd_launch,
	[SPP_CMD_ADD] = pri_app_cmd_fwd,
	[SPP_CMD_DEL] = pri_app_cmd_fwd,
	[SPP_CMD_PATCH] = pri_app_cmd_fwd,
	[SPP_CMD_PATCH_RESET] = pri_app_cmd_fwd,
	[SPP_CMD_FORWARD] = pri_app_cmd_fwd,
	[SPP_CMD_STOP] = pri_app_cmd_fwd,
};

/*
 * Before the EAL touches anything: a new primary beside live processes of
 * the same node (the secondaries of a primary that died) would overwrite
 * the memory they use. 0, or -EBUSY after saying which they are.
 */
static int
pri_app_check_node_free(int argc, char **argv)
{
	char prefix[256], list[SPP_NODE_PIDS_LEN];
	unsigned int n;

	spp_prefix_of_args(argc, argv, prefix, sizeof(prefix));
	n = spp_node_users(prefix, list, sizeof(list));
	if (n == 0)
		return 0;
	fprintf(stderr,
		"spp_primary: cannot start: %u process(es) of file prefix "
		"'%s' are running (pid %s); stop them first\n",
		n, prefix, list);
	return -EBUSY;
}

/* The node and the forwarder. 0, or -errno after saying what failed. */
static int
pri_app_start(struct spp_pri_app *pri, const struct spp_opts *o)
{
	struct spp_port_env env = {.kind = SPP_PROC_PRIMARY};
	char err[512];
	int ret;

	ret = spp_node_create(&pri->node, o, err, sizeof(err));
	if (ret == 0) {
		ret = spp_port_ipc_register(pri->node.pool);
		if (ret < 0)
			snprintf(err, sizeof(err),
				 "cannot serve set-up requests: %s",
				 rte_strerror(-ret));
	}
	if (ret == 0)
		ret = spp_node_create_rings(&pri->node, o->nb_rings,
					    o->ring_size, err, sizeof(err));
	if (ret == 0)
		ret = spp_node_setup_phys(&pri->node, o, err, sizeof(err));
	env.shm = pri->node.shm;
	env.pool = pri->node.pool;
	if (ret == 0) {
		ret = spp_fwd_init(&pri->fwd, &env, true, o->busy_poll);
		if (ret < 0)
			snprintf(err, sizeof(err),
				 "cannot start the forwarder: %s",
				 strerror(-ret));
	}
	if (ret < 0) {
		fprintf(stderr, "spp_primary: %s\n", err);
		return ret;
	}
	if (spp_fwd_has_workers(&pri->fwd))
		spp_fwd_add_phys(&pri->fwd);
	PRI_APP_LOG(INFO,
		    "%u phy port(s), %u ring(s), %u mbufs, forwarder %s\n",
		    pri->node.shm->nb_phy, pri->node.shm->nb_rings,
		    pri->node.pool->size,
		    !spp_fwd_has_workers(&pri->fwd) ? "off (one lcore)" : "on");
	return 0;
}

int
spp_pri_app_main(int argc, char **argv)
{
	static struct spp_pri_app pri;
	struct spp_app app = {.kind = SPP_PROC_PRIMARY,
			      .handlers = spp_pri_app_handlers,
			      .status = spp_pri_app_status,
			      .ctx = &pri.fwd};
	struct sigaction sa;
	int ret;

	if (pri_app_check_node_free(argc, argv) < 0)
		return 1;
	ret = spp_app_init(&app, argc, argv);
	if (ret != 0)
		return ret < 0 ? 1 : 0;
	/* launched secondaries are not waited for: no zombies */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sa.sa_flags = SA_NOCLDWAIT;
	sigaction(SIGCHLD, &sa, NULL);
	if (pri_app_start(&pri, &app.opts) < 0) {
		rte_eal_cleanup();
		return 1;
	}
	spp_app_signal_flag(&pri.node.shm->stopping);
	spp_app_signals();
	ret = spp_app_run(&app);
	/* the forwarder's worker first: it polls shared rings and ports */
	spp_fwd_fini(&pri.fwd);
	if (spp_node_stop_secondaries(&pri.node, SPP_NODE_STOP_WAIT_MS) < 0)
		return ret < 0 ? 1 : 0;
	spp_node_free(&pri.node);
	spp_prefix_collect();
	rte_eal_cleanup();
	/* the last process of the node: nothing of it stays behind */
	spp_prefix_remove();
	return ret < 0 ? 1 : 0;
}
