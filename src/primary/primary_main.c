/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * spp_primary: owns the shared resources (mbuf pool, rings, the shared area
 * with the phy port table and counters, the phy ports and pipes), starts
 * secondaries on request, and with two lcores or more forwards like spp_nfv.
 *   spp_primary [EAL options] -- -p PORTMASK -n NUM_RINGS -s IP:PORT
 *               [--port-num P rxq R txq T]... [--log-dir DIR] [--busy-poll]
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_dev.h>
#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "spp_app.h"
#include "spp_err.h"
#include "spp_launch.h"
#include "spp_prefix.h"
#include "spp_shm.h"

RTE_LOG_REGISTER(pri_logtype, spp.primary, INFO);
#define PRI_LOG(level, ...)                                                    \
	rte_log(RTE_LOG_##level, pri_logtype, "spp_primary: " __VA_ARGS__)

#define PRI_MBUF_CACHE 256
/* how long a stopping primary waits for the node's other processes */
#define PRI_STOP_WAIT_MS 10000
#define PRI_MAX_PIDS 32

struct pri {
	struct spp_shm *shm;
	struct rte_mempool *pool;
	struct rte_ring *rings[SPP_SHM_MAX_RINGS];
	struct spp_fwd fwd; /* the primary's forwarder */
};

static struct pri pri;

static int
pri_create_rings(unsigned int nb_rings, unsigned int size)
{
	char name[RTE_RING_NAMESIZE];
	unsigned int i;

	for (i = 0; i < nb_rings; i++) {
		snprintf(name, sizeof(name), SPP_RING_NAME_FMT, i);
		pri.rings[i] = rte_ring_create(name, size, rte_socket_id(),
					       RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (pri.rings[i] == NULL) {
			PRI_LOG(ERR, "cannot create ring %s: %s\n", name,
				rte_strerror(rte_errno));
			return -rte_errno;
		}
	}
	pri.shm->nb_rings = (uint16_t)nb_rings;
	return 0;
}

static const struct spp_opts_port_num *
pri_port_num(const struct spp_opts *o, unsigned int phy)
{
	int i;

	for (i = 0; i < o->nb_port_num; i++)
		if (o->port_num[i].port == phy)
			return &o->port_num[i];
	return NULL;
}

static int
pri_setup_phy(uint16_t eth_id, unsigned int phy, const struct spp_opts *o)
{
	const struct spp_opts_port_num *pn = pri_port_num(o, phy);
	uint16_t nb_rxq = pn ? pn->rxq : 1, nb_txq = pn ? pn->txq : 1;
	char err[256];
	int ret;

	ret = spp_port_eth_setup(eth_id, pri.pool, nb_rxq, nb_txq, err,
				 sizeof(err));
	if (ret < 0) {
		PRI_LOG(ERR, "phy:%u: %s\n", phy, err);
		return ret;
	}
	rte_eth_promiscuous_enable(eth_id);
	pri.shm->phy[phy].eth_id = eth_id;
	pri.shm->phy[phy].nb_rxq = nb_rxq;
	pri.shm->phy[phy].nb_txq = nb_txq;
	return 0;
}

/*
 * tap:N is the primary's net_tapN: one not in the port mask is set up here
 * (one queue each way) for secondaries to use.
 */
static int
pri_setup_taps(const struct spp_opts *o)
{
	char name[RTE_ETH_NAME_MAX_LEN], err[256];
	uint16_t eth_id;
	int ret;

	RTE_ETH_FOREACH_DEV(eth_id)
	{
		if (eth_id < 64 && (o->portmask & (1ULL << eth_id)))
			continue;
		if (rte_eth_dev_get_name_by_port(eth_id, name) != 0 ||
		    strncmp(name, "net_tap", 7) != 0)
			continue;
		ret = spp_port_eth_setup(eth_id, pri.pool, 1, 1, err,
					 sizeof(err));
		if (ret < 0) {
			PRI_LOG(ERR, "%s: %s\n", name, err);
			return ret;
		}
		PRI_LOG(INFO, "%s is tap:%s\n", name, name + 7);
	}
	return 0;
}

static int
pri_setup_phys(const struct spp_opts *o)
{
	unsigned int phy = 0;
	uint16_t eth_id;
	int ret, i;

	RTE_ETH_FOREACH_DEV(eth_id)
	{
		if (eth_id >= 64 || !(o->portmask & (1ULL << eth_id)))
			continue;
		if (phy == SPP_SHM_MAX_PHY)
			break;
		ret = pri_setup_phy(eth_id, phy, o);
		if (ret < 0)
			return ret;
		phy++;
	}
	pri.shm->nb_phy = (uint16_t)phy;
	ret = pri_setup_taps(o);
	if (ret < 0)
		return ret;
	if (__builtin_popcountll(o->portmask) != (int)phy)
		PRI_LOG(WARNING,
			"port mask %#" PRIx64 " names %d ports, %u "
			"exist\n",
			o->portmask, __builtin_popcountll(o->portmask), phy);
	for (i = 0; i < o->nb_port_num; i++)
		if (o->port_num[i].port >= phy) {
			PRI_LOG(ERR, "--port-num %u: there is no phy:%u\n",
				o->port_num[i].port, o->port_num[i].port);
			return -EINVAL;
		}
	return 0;
}

/* what the primary adds to the status head */
static void
pri_status(const struct spp_app *app __rte_unused, json_t *st)
{
	json_t *fwd = json_object();
	json_t *phys = json_array(), *rings = json_array();
	json_t *pipes = json_array();
	unsigned int i, q;

	/* as the original: no forwarder object when there is no forwarder */
	if (pri.fwd.worker_lcore != RTE_MAX_LCORE) {
		spp_fwd_status(&pri.fwd, fwd);
		json_object_set_new(st, "forwarder", fwd);
	} else {
		json_decref(fwd);
	}
	for (i = 0; i < pri.shm->nb_phy; i++) {
		const struct spp_shm_phy *p = &pri.shm->phy[i];
		struct rte_eth_stats es;
		struct rte_ether_addr mac;
		char macs[RTE_ETHER_ADDR_FMT_SIZE];
		uint64_t drop = 0;

		memset(&es, 0, sizeof(es));
		rte_eth_stats_get(p->eth_id, &es);
		rte_eth_macaddr_get(p->eth_id, &mac);
		rte_ether_format_addr(macs, sizeof(macs), &mac);
		for (q = 0; q < SPP_SHM_MAX_QUEUES; q++)
			drop += p->q[q].tx_drop;
		json_array_append_new(
			phys,
			json_pack("{s:i,s:s,s:I,s:I,s:I,s:{s:i,s:i},s:[]}",
				  "id", i, "eth", macs, "rx",
				  (json_int_t)es.ipackets, "tx",
				  (json_int_t)es.opackets, "tx_drop",
				  (json_int_t)(drop + es.oerrors), "nof_queues",
				  "rx", p->nb_rxq, "tx", p->nb_txq, "flow"));
	}
	for (i = 0; i < pri.shm->nb_rings; i++) {
		const struct spp_port_stats *r = &pri.shm->ring[i];

		json_array_append_new(
			rings,
			json_pack("{s:i,s:I,s:I,s:I,s:I,s:i,s:i}", "id", i,
				  "rx", (json_int_t)r->rx, "rx_drop",
				  (json_int_t)r->rx_drop, "tx",
				  (json_int_t)r->tx, "tx_drop",
				  (json_int_t)r->tx_drop, "count",
				  rte_ring_count(pri.rings[i]), "capacity",
				  rte_ring_get_capacity(pri.rings[i])));
	}
	for (i = 0; i < SPP_SHM_MAX_PIPES; i++) {
		const struct spp_shm_pipe *p = &pri.shm->pipe[i];
		struct rte_eth_stats es;

		if (!p->active)
			continue;
		/* rx and tx name the rings; stats counts what crossed it */
		memset(&es, 0, sizeof(es));
		rte_eth_stats_get(p->eth_id, &es);
		json_array_append_new(
			pipes, json_pack("{s:i,s:i,s:i,s:{s:I,s:I}}", "id", i,
					 "rx", p->rx_ring, "tx", p->tx_ring,
					 "stats", "rx", (json_int_t)es.ipackets,
					 "tx", (json_int_t)es.opackets));
	}
	json_object_set_new(st, "phy_ports", phys);
	json_object_set_new(st, "ring_ports", rings);
	json_object_set_new(st, "pipes", pipes);
	json_object_set_new(
		st, "mbuf_pool",
		json_pack("{s:s,s:i,s:i,s:i}", "name", pri.pool->name, "size",
			  (int)pri.pool->size, "available",
			  (int)rte_mempool_avail_count(pri.pool), "in_use",
			  (int)rte_mempool_in_use_count(pri.pool)));
}

static void
pri_clear(void)
{
	unsigned int i;

	for (i = 0; i < pri.shm->nb_phy; i++) {
		memset(pri.shm->phy[i].q, 0, sizeof(pri.shm->phy[i].q));
		rte_eth_stats_reset(pri.shm->phy[i].eth_id);
	}
	memset(pri.shm->ring, 0, sizeof(pri.shm->ring));
}

static int
pri_add_pipe(const struct spp_cmd *cmd, char *err, size_t errlen)
{
	unsigned int id = cmd->res[0].id, a = cmd->res[1].id,
		     b = cmd->res[2].id;
	struct spp_shm_pipe *p;
	char name[RTE_ETH_NAME_MAX_LEN];
	int eth_id, ret;

	if (id >= SPP_SHM_MAX_PIPES)
		SPP_ERR(-EINVAL, "pipe:%u: pipe ids are 0-%d", id,
			SPP_SHM_MAX_PIPES - 1);
	if (a >= pri.shm->nb_rings || b >= pri.shm->nb_rings)
		SPP_ERR(-ENOENT, "ring:%u does not exist: there are %u rings",
			a >= pri.shm->nb_rings ? a : b, pri.shm->nb_rings);
	p = &pri.shm->pipe[id];
	if (p->active)
		SPP_ERR(-EEXIST, "pipe:%u already exists (ring:%u ring:%u)", id,
			p->rx_ring, p->tx_ring);
	snprintf(name, sizeof(name), "spp_pipe%u", id);
	eth_id = rte_eth_from_rings(name, &pri.rings[a], 1, &pri.rings[b], 1,
				    rte_socket_id());
	if (eth_id < 0)
		SPP_ERR(-EIO, "cannot create pipe:%u: %s", id,
			rte_strerror(rte_errno));
	ret = spp_port_eth_setup((uint16_t)eth_id, pri.pool, 1, 1, err, errlen);
	if (ret < 0) {
		rte_eth_dev_close((uint16_t)eth_id);
		return ret;
	}
	p->eth_id = (uint16_t)eth_id;
	p->rx_ring = (uint16_t)a;
	p->tx_ring = (uint16_t)b;
	p->active = 1;
	return 0;
}

static int
pri_del_pipe(unsigned int id, bool force, char *err, size_t errlen)
{
	int32_t pids[SPP_SHM_PIPE_MAX_USERS];
	struct rte_eth_dev_info info;
	char who[SPP_SHM_PIPE_MAX_USERS * 12];
	struct spp_shm_pipe *p;
	unsigned int i, users;
	int ret = -ENODEV;
	size_t len = 0;

	if (id >= SPP_SHM_MAX_PIPES || !pri.shm->pipe[id].active)
		SPP_ERR(-ENOENT, "pipe:%u does not exist", id);
	p = &pri.shm->pipe[id];
	users = spp_shm_pipe_users(p, pids, RTE_DIM(pids));
	if (users != 0 && !force) {
		who[0] = '\0';
		for (i = 0; i < users && len < sizeof(who); i++)
			len += (size_t)snprintf(who + len, sizeof(who) - len,
						"%s%d", i ? ", " : "",
						(int)pids[i]);
		SPP_ERR(-EBUSY,
			"pipe:%u is added in %u SPP port(s) (the primary's "
			"forwarder or a secondary; pid %s): del it there first",
			id, users, who);
	}
	rte_eth_dev_stop(p->eth_id);
	/* a hot-unplug, so that secondaries that attached it detach too */
	if (rte_eth_dev_info_get(p->eth_id, &info) == 0 && info.device != NULL)
		ret = rte_dev_remove(info.device);
	if (ret < 0) {
		PRI_LOG(WARNING, "pipe:%u: hot-unplug failed (%s), closing\n",
			id, rte_strerror(-ret));
		rte_eth_dev_close(p->eth_id);
	}
	p->active = 0;
	return 0;
}

/*
 * The forwarder's commands, but for a pipe (added and deleted on the
 * primary itself), and refused when the primary runs on one lcore and so
 * has no forwarder.
 */
static int
pri_fwd_command(struct spp_app *app, const struct spp_cmd *cmd, json_t **data,
		char *err, size_t errlen)
{
	if (cmd->id == SPP_CMD_ADD && cmd->res[0].type == SPP_RES_PIPE &&
	    cmd->nres == 3)
		return pri_add_pipe(cmd, err, errlen);
	if (cmd->id == SPP_CMD_DEL && cmd->res[0].type == SPP_RES_PIPE &&
	    spp_fwd_find(&pri.fwd, &cmd->res[0]) == NULL)
		return pri_del_pipe(cmd->res[0].id, false, err, errlen);
	if (pri.fwd.worker_lcore == RTE_MAX_LCORE) {
		snprintf(err, errlen,
			 "the primary has no forwarder: it runs on one lcore "
			 "(give it two lcores or more to add ports, patch and "
			 "forward)");
		return -EINVAL;
	}
	return spp_app_fwd_handlers[cmd->id](app, cmd, data, err, errlen);
}

static int
pri_cmd_clear(struct spp_app *app __rte_unused,
	      const struct spp_cmd *cmd __rte_unused,
	      json_t **data __rte_unused, char *err __rte_unused,
	      size_t errlen __rte_unused)
{
	pri_clear();
	return 0;
}

static int
pri_cmd_launch(struct spp_app *app, const struct spp_cmd *cmd,
	       json_t **data __rte_unused, char *err, size_t errlen)
{
	return spp_launch(cmd, app->opts.log_dir, err, errlen);
}

static const spp_app_handler_fn pri_handlers[SPP_CMD_MAX] = {
	[SPP_CMD_STATUS] = spp_app_cmd_status,
	[SPP_CMD_CLEAR] = pri_cmd_clear,
	[SPP_CMD_EXIT] = spp_app_cmd_exit,
	[SPP_CMD_LAUNCH] = pri_cmd_launch,
	[SPP_CMD_ADD] = pri_fwd_command,
	[SPP_CMD_DEL] = pri_fwd_command,
	[SPP_CMD_PATCH] = pri_fwd_command,
	[SPP_CMD_PATCH_RESET] = pri_fwd_command,
	[SPP_CMD_FORWARD] = pri_fwd_command,
	[SPP_CMD_STOP] = pri_fwd_command,
};

/* "1234, 1235" from pids[0..n-1] (at most PRI_MAX_PIDS of them). */
static void
pri_pid_list(const int32_t *pids, unsigned int n, char *list, size_t len)
{
	size_t used = 0;
	unsigned int i;

	list[0] = '\0';
	for (i = 0; i < RTE_MIN(n, (unsigned int)PRI_MAX_PIDS) && used < len;
	     i++)
		used += (size_t)snprintf(list + used, len - used, "%s%d",
					 i ? ", " : "", (int)pids[i]);
}

/*
 * Tell the secondaries the primary is stopping and wait until no other
 * process maps the node's memory. Returns 0, or -EBUSY when some are still
 * there after PRI_STOP_WAIT_MS (their shared memory must then be left to
 * them, never freed).
 */
static int
pri_stop_secondaries(void)
{
	const char *prefix = spp_prefix_self();
	int32_t pids[PRI_MAX_PIDS];
	unsigned int n, waited = 0;
	char list[PRI_MAX_PIDS * 12];

	__atomic_store_n(&pri.shm->stopping, 1, __ATOMIC_RELEASE);
	n = spp_prefix_users(prefix, pids, PRI_MAX_PIDS);
	if (n == 0) {
		PRI_LOG(INFO, "stopping: no secondary attached\n");
		return 0;
	}
	pri_pid_list(pids, n, list, sizeof(list));
	PRI_LOG(NOTICE,
		"stopping: waiting for %u secondary process(es) to "
		"exit (pid %s)\n",
		n, list);
	while (n > 0 && waited < PRI_STOP_WAIT_MS) {
		usleep(50 * 1000);
		waited += 50;
		n = spp_prefix_users(prefix, pids, PRI_MAX_PIDS);
	}
	if (n == 0) {
		PRI_LOG(INFO, "stopping: every secondary has exited\n");
		return 0;
	}
	pri_pid_list(pids, n, list, sizeof(list));
	PRI_LOG(ERR,
		"stopping: %u process(es) still map the node's memory after "
		"%d s (pid %s): exiting without freeing the shared resources "
		"they use\n",
		n, PRI_STOP_WAIT_MS / 1000, list);
	return -EBUSY;
}

static void
pri_cleanup(void)
{
	unsigned int i;
	uint16_t eth_id;

	spp_fwd_fini(&pri.fwd);
	for (i = 0; i < SPP_SHM_MAX_PIPES; i++)
		if (pri.shm->pipe[i].active)
			pri_del_pipe(i, true, NULL, 0);
	RTE_ETH_FOREACH_DEV(eth_id)
	{
		rte_eth_dev_stop(eth_id);
		rte_eth_dev_close(eth_id);
	}
	for (i = 0; i < pri.shm->nb_rings; i++)
		rte_ring_free(pri.rings[i]);
	rte_mempool_free(pri.pool);
}

int
main(int argc, char **argv)
{
	struct spp_app app = {.kind = SPP_PROC_PRIMARY,
			      .handlers = pri_handlers,
			      .status = pri_status,
			      .ctx = &pri.fwd};
	struct spp_port_env env = {.kind = SPP_PROC_PRIMARY};
	char prefix[256], list[PRI_MAX_PIDS * 12];
	int32_t users[PRI_MAX_PIDS];
	unsigned int nb_mbufs, nb_users;
	struct sigaction sa;
	int ret;

	/*
	 * Before the EAL touches anything: a new primary beside live
	 * processes of the same node (the secondaries of a primary that died)
	 * would overwrite the memory they use.
	 */
	spp_prefix_of_args(argc, argv, prefix, sizeof(prefix));
	nb_users = spp_prefix_users(prefix, users, PRI_MAX_PIDS);
	if (nb_users > 0) {
		pri_pid_list(users, nb_users, list, sizeof(list));
		fprintf(stderr,
			"spp_primary: cannot start: %u process(es) of file "
			"prefix '%s' are running (pid %s); stop them first\n",
			nb_users, prefix, list);
		return 1;
	}
	ret = spp_app_init(&app, argc, argv);
	if (ret != 0)
		return ret < 0 ? 1 : 0;
	/* launched secondaries are not waited for: no zombies */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sa.sa_flags = SA_NOCLDWAIT;
	sigaction(SIGCHLD, &sa, NULL);

	pri.shm = spp_shm_create(app.opts.pool_name);
	nb_mbufs = 16384 + app.opts.nb_rings * app.opts.ring_size;
	pri.pool = rte_pktmbuf_pool_create_by_ops(
		app.opts.pool_name, nb_mbufs, PRI_MBUF_CACHE, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id(),
		app.opts.pool_ops);
	if (pri.shm == NULL || pri.pool == NULL) {
		fprintf(stderr,
			"spp_primary: cannot allocate shared memory "
			"(%u mbufs): %s; give more with -m or "
			"hugepages\n",
			nb_mbufs, rte_strerror(rte_errno));
		rte_eal_cleanup();
		return 1;
	}
	ret = spp_port_ipc_register(pri.pool);
	if (ret < 0) {
		fprintf(stderr,
			"spp_primary: cannot serve set-up requests: "
			"%s\n",
			rte_strerror(-ret));
		rte_eal_cleanup();
		return 1;
	}
	if (pri_create_rings(app.opts.nb_rings, app.opts.ring_size) < 0 ||
	    pri_setup_phys(&app.opts) < 0) {
		rte_eal_cleanup();
		return 1;
	}
	env.shm = pri.shm;
	env.pool = pri.pool;
	ret = spp_fwd_init(&pri.fwd, &env, spp_app_first_worker(),
			   app.opts.busy_poll);
	if (ret < 0) {
		fprintf(stderr, "spp_primary: cannot start the forwarder: %s\n",
			strerror(-ret));
		rte_eal_cleanup();
		return 1;
	}
	if (pri.fwd.worker_lcore != RTE_MAX_LCORE)
		spp_fwd_add_phys(&pri.fwd);
	PRI_LOG(INFO, "%u phy port(s), %u ring(s), %u mbufs, forwarder %s\n",
		pri.shm->nb_phy, pri.shm->nb_rings, nb_mbufs,
		pri.fwd.worker_lcore == RTE_MAX_LCORE ? "off (one lcore)"
						      : "on");
	spp_app_signal_flag(&pri.shm->stopping);
	spp_app_signals();
	ret = spp_app_run(&app);
	/* the forwarder's worker first: it polls shared rings and ports */
	spp_fwd_fini(&pri.fwd);
	if (pri_stop_secondaries() < 0)
		return ret < 0 ? 1 : 0;
	pri_cleanup();
	spp_prefix_collect();
	rte_eal_cleanup();
	/* the last process of the node: nothing of it stays behind */
	spp_prefix_remove();
	return ret < 0 ? 1 : 0;
}
