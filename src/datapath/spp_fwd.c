/* SPDX-License-Identifier: BSD-3-Clause */
#include "spp_fwd.h"
#include "spp_err.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_pause.h>

#include "spp_shm.h"
#include "spp_worker.h"

RTE_LOG_REGISTER(spp_fwd_logtype, spp.fwd, INFO);
#define FWD_LOG(level, ...)                                                    \
	rte_log(RTE_LOG_##level, spp_fwd_logtype, "spp.fwd: " __VA_ARGS__)

static inline unsigned int
fwd_run_patches(const struct spp_fwd_cfg *cfg)
{
	struct rte_mbuf *pkts[SPP_FWD_BURST];
	unsigned int moved = 0;
	uint16_t i, nb;

	for (i = 0; i < cfg->nb_patches; i++) {
		const struct spp_fwd_patch *p = &cfg->patches[i];

		nb = spp_port_rx(p->src, pkts, SPP_FWD_BURST);
		if (nb == 0)
			continue;
		spp_port_tx(p->dst, pkts, nb);
		moved += nb;
	}
	return moved;
}

static int
fwd_worker(void *arg)
{
	struct spp_fwd *fwd = arg;
	struct spp_worker_loop loop;

	spp_worker_loop_init(&loop, fwd->busy_poll, &fwd->cycles);
	rte_rcu_qsbr_thread_register(fwd->qs, 0);
	rte_rcu_qsbr_thread_online(fwd->qs, 0);
	while (!__atomic_load_n(&fwd->quit, __ATOMIC_RELAXED)) {
		const struct spp_fwd_cfg *cfg =
			__atomic_load_n(&fwd->cfg, __ATOMIC_ACQUIRE);
		unsigned int moved = 0;

		if (cfg->running)
			moved = fwd_run_patches(cfg);
		/* done with cfg: the control thread may free it now */
		spp_worker_pass_done(&loop, moved, cfg->running, fwd->qs, 0);
	}
	rte_rcu_qsbr_thread_offline(fwd->qs, 0);
	rte_rcu_qsbr_thread_unregister(fwd->qs, 0);
	return 0;
}

static struct spp_fwd_cfg *
fwd_cfg_alloc(uint16_t nb_patches)
{
	return calloc(1, sizeof(struct spp_fwd_cfg) +
				 nb_patches * sizeof(struct spp_fwd_patch));
}

/* Make cfg the worker's configuration and free the old one once unused. */
static void
fwd_publish(struct spp_fwd *fwd, struct spp_fwd_cfg *cfg)
{
	struct spp_fwd_cfg *old = fwd->cfg;

	__atomic_store_n(&fwd->cfg, cfg, __ATOMIC_RELEASE);
	rte_rcu_qsbr_synchronize(fwd->qs, RTE_QSBR_THRID_INVALID);
	free(old);
}

/*
 * Publish the current configuration with its patches filtered and one
 * patch set: patches touching drop_port are left out (if not NULL), and
 * src -> dst replaces src's patch (if src is not NULL).
 */
static int
fwd_rebuild(struct spp_fwd *fwd, const struct spp_port *drop_port,
	    struct spp_port *src, struct spp_port *dst, bool reset)
{
	const struct spp_fwd_cfg *cur = fwd->cfg;
	struct spp_fwd_cfg *cfg = fwd_cfg_alloc(cur->nb_patches + 1);
	uint16_t i, n = 0;

	if (cfg == NULL)
		return -ENOMEM;
	cfg->running = fwd->running;
	for (i = 0; i < cur->nb_patches && !reset; i++) {
		const struct spp_fwd_patch *p = &cur->patches[i];

		if (p->src == drop_port || p->dst == drop_port)
			continue;
		if (p->src == src) { /* rewired in place, order kept */
			cfg->patches[n].src = src;
			cfg->patches[n++].dst = dst;
			src = NULL;
			continue;
		}
		cfg->patches[n++] = *p;
	}
	if (src != NULL) {
		cfg->patches[n].src = src;
		cfg->patches[n++].dst = dst;
	}
	cfg->nb_patches = n;
	fwd_publish(fwd, cfg);
	return 0;
}

int
spp_fwd_init(struct spp_fwd *fwd, const struct spp_port_env *env,
	     unsigned int worker_lcore, bool busy_poll)
{
	size_t sz = rte_rcu_qsbr_get_memsize(1);
	int ret;

	memset(fwd, 0, sizeof(*fwd));
	fwd->env = *env;
	fwd->busy_poll = busy_poll;
	fwd->worker_lcore = worker_lcore;
	fwd->cfg = fwd_cfg_alloc(0);
	fwd->qs = rte_zmalloc("spp_fwd_qs", sz, RTE_CACHE_LINE_SIZE);
	if (fwd->cfg == NULL || fwd->qs == NULL)
		return -ENOMEM;
	ret = rte_rcu_qsbr_init(fwd->qs, 1);
	if (ret != 0)
		return -rte_errno;
	fwd->env.qs = fwd->qs;
	if (worker_lcore == RTE_MAX_LCORE)
		return 0;
	return rte_eal_remote_launch(fwd_worker, fwd, worker_lcore);
}

void
spp_fwd_fini(struct spp_fwd *fwd)
{
	if (fwd->cfg == NULL)
		return;
	spp_fwd_set_running(fwd, false, NULL, 0);
	spp_fwd_patch_reset(fwd);
	__atomic_store_n(&fwd->quit, true, __ATOMIC_RELAXED);
	if (fwd->worker_lcore != RTE_MAX_LCORE)
		rte_eal_wait_lcore(fwd->worker_lcore);
	while (fwd->nb_ports > 0)
		spp_fwd_del(fwd, &fwd->ports[0]->res, NULL, 0);
	free(fwd->cfg);
	fwd->cfg = NULL;
	rte_free(fwd->qs);
	fwd->qs = NULL;
}

struct spp_port *
spp_fwd_find(const struct spp_fwd *fwd, const struct spp_res *res)
{
	return spp_port_find(fwd->ports, fwd->nb_ports, res);
}

int
spp_fwd_add(struct spp_fwd *fwd, const struct spp_res *res, char *err,
	    size_t errlen)
{
	char name[SPP_RES_NAME_LEN];
	struct spp_port *port;
	int ret;

	spp_res_format_human(res, name, sizeof(name));
	if (spp_fwd_find(fwd, res) != NULL) {
		/* phy ports are there from the start: adding one is a no-op */
		if (res->type == SPP_RES_PHY)
			return 0;
		SPP_ERR(-EEXIST, "%s is already added", name);
	}
	if (fwd->nb_ports == SPP_FWD_MAX_PORTS)
		SPP_ERR(-ENOSPC, "cannot add %s: at most %d ports", name,
			SPP_FWD_MAX_PORTS);
	port = spp_port_alloc();
	if (port == NULL)
		SPP_ERR(-ENOMEM, "cannot add %s: out of memory", name);
	ret = spp_port_open(port, res, &fwd->env, err, errlen);
	if (ret < 0) {
		rte_free(port);
		return ret;
	}
	fwd->ports[fwd->nb_ports++] = port;
	return 0;
}

unsigned int
spp_fwd_add_phys(struct spp_fwd *fwd)
{
	struct spp_res res = {.type = SPP_RES_PHY};
	char err[256], name[SPP_RES_NAME_LEN];
	unsigned int i, q, nb_q, added = 0;

	for (i = 0; i < fwd->env.shm->nb_phy; i++) {
		const struct spp_shm_phy *phy = &fwd->env.shm->phy[i];

		nb_q = RTE_MAX(phy->nb_rxq, phy->nb_txq);
		res.id = (uint16_t)i;
		for (q = 0; q < nb_q; q++) {
			res.queue = nb_q > 1 ? (int16_t)q : -1;
			if (spp_fwd_add(fwd, &res, err, sizeof(err)) == 0) {
				added++;
				continue;
			}
			spp_res_format_human(&res, name, sizeof(name));
			FWD_LOG(WARNING, "%s is not in the port list: %s\n",
				name, err);
		}
	}
	return added;
}

int
spp_fwd_del(struct spp_fwd *fwd, const struct spp_res *res, char *err,
	    size_t errlen)
{
	struct spp_port *port = spp_fwd_find(fwd, res);
	char name[SPP_RES_NAME_LEN];
	unsigned int i;
	int ret;

	if (port == NULL) {
		spp_res_format_human(res, name, sizeof(name));
		SPP_ERR(-ENOENT, "%s is not added", name);
	}
	/* the worker stops using the port before it is closed */
	ret = fwd_rebuild(fwd, port, NULL, NULL, false);
	if (ret < 0)
		SPP_ERR(ret, "cannot delete: out of memory");
	for (i = 0; fwd->ports[i] != port; i++)
		;
	fwd->ports[i] = fwd->ports[--fwd->nb_ports];
	fwd->ports[fwd->nb_ports] = NULL;
	spp_port_close(port, &fwd->env);
	rte_free(port);
	return 0;
}

int
spp_fwd_patch(struct spp_fwd *fwd, const struct spp_res *src,
	      const struct spp_res *dst, char *err, size_t errlen)
{
	struct spp_port *s = spp_fwd_find(fwd, src);
	struct spp_port *d = spp_fwd_find(fwd, dst);
	char name[SPP_RES_NAME_LEN];

	if (s == NULL || d == NULL) {
		spp_res_format_human(s == NULL ? src : dst, name, sizeof(name));
		SPP_ERR(-ENOENT, "%s is not added", name);
	}
	if (fwd_rebuild(fwd, NULL, s, d, false) < 0)
		SPP_ERR(-ENOMEM, "cannot patch: out of memory");
	return 0;
}

int
spp_fwd_patch_reset(struct spp_fwd *fwd)
{
	return fwd_rebuild(fwd, NULL, NULL, NULL, true);
}

int
spp_fwd_set_running(struct spp_fwd *fwd, bool running, char *err, size_t errlen)
{
	bool was = fwd->running;

	fwd->running = running;
	if (fwd_rebuild(fwd, NULL, NULL, NULL, false) < 0) {
		fwd->running = was;
		if (err != NULL)
			SPP_ERR(-ENOMEM, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

static json_t *
fwd_res_json(const struct spp_res *res)
{
	char name[SPP_RES_NAME_LEN];

	spp_res_format_human(res, name, sizeof(name));
	return json_string(name);
}

void
spp_fwd_status(const struct spp_fwd *fwd, json_t *obj)
{
	json_t *ports = json_array(), *patches = json_array();
	json_t *stats = json_array(), *workers;
	const struct spp_fwd_cfg *cfg = fwd->cfg;
	unsigned int i;

	for (i = 0; i < fwd->nb_ports; i++) {
		const struct spp_port *p = fwd->ports[i];
		const struct spp_port_stats *st = spp_port_get_stats(p);

		json_array_append_new(ports, fwd_res_json(&p->res));
		json_array_append_new(stats,
				      json_pack("{s:o,s:s,s:I,s:I,s:I}", "port",
						fwd_res_json(&p->res), "link",
						spp_port_link(p), "rx",
						(json_int_t)st->rx, "tx",
						(json_int_t)st->tx, "tx_drop",
						(json_int_t)st->tx_drop));
	}
	for (i = 0; i < cfg->nb_patches; i++)
		json_array_append_new(
			patches,
			json_pack("{s:o,s:o}", "src",
				  fwd_res_json(&cfg->patches[i].src->res),
				  "dst",
				  fwd_res_json(&cfg->patches[i].dst->res)));
	json_object_set_new(obj, "status",
			    json_string(fwd->running ? "running" : "idling"));
	json_object_set_new(obj, "ports", ports);
	json_object_set_new(obj, "patches", patches);
	json_object_set_new(obj, "port_stats", stats);
	workers = spp_worker_status(obj);
	if (fwd->worker_lcore != RTE_MAX_LCORE)
		spp_worker_cycles_json(workers, fwd->worker_lcore,
				       &fwd->cycles);
}
