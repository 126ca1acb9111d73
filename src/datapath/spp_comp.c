/* SPDX-License-Identifier: BSD-3-Clause */
#include "spp_comp.h"
#include "spp_err.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <rte_ether.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_net.h>

#include "spp_capture.h"
#include "spp_worker.h"

RTE_LOG_REGISTER(spp_comp_logtype, spp.comp, INFO);

/* a classifier's tx ports are the bits of its destination masks */
_Static_assert(SPP_COMP_MAX_DIR_PORTS <= SPP_CLS_MAX_TX,
	       "more tx ports than a classifier has bits");
#define COMP_LOG(level, ...)                                                   \
	rte_log(RTE_LOG_##level, spp_comp_logtype, "spp.comp: " __VA_ARGS__)

/* -- fast path ---------------------------------------------------------- */

/*
 * A packet the VLAN operation may write: a copy when its data is shared
 * (a classifier's broadcast, a mirror's clone). NULL when out of mbufs.
 */
static inline struct rte_mbuf *
comp_writable(struct rte_mbuf *m)
{
	struct rte_mbuf *c;

	if (likely(RTE_MBUF_DIRECT(m) && rte_mbuf_refcnt_read(m) == 1))
		return m;
	c = rte_pktmbuf_copy(m, m->pool, 0, UINT32_MAX);
	rte_pktmbuf_free(m);
	return c;
}

/* Apply a port's VLAN operation; 0, or -1 when the packet is gone. */
static inline int
comp_vlan(struct rte_mbuf **mp, const struct spp_comp_port *p)
{
	struct rte_ether_hdr *eh;
	struct rte_vlan_hdr *vh;
	bool tagged;

	eh = rte_pktmbuf_mtod(*mp, struct rte_ether_hdr *);
	tagged = (*mp)->data_len >= sizeof(*eh) + sizeof(*vh) &&
		 eh->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
	if (p->vlan_op == SPP_VLAN_DEL && !tagged)
		return 0;
	*mp = comp_writable(*mp);
	if (*mp == NULL)
		return -1;
	if (p->vlan_op == SPP_VLAN_DEL) {
		if (rte_vlan_strip(*mp) == 0)
			return 0;
	} else if (tagged) {
		eh = rte_pktmbuf_mtod(*mp, struct rte_ether_hdr *);
		vh = (struct rte_vlan_hdr *)(eh + 1);
		vh->vlan_tci = rte_cpu_to_be_16(p->vlan_tci);
		return 0;
	} else {
		(*mp)->vlan_tci = p->vlan_tci;
		if (rte_vlan_insert(mp) == 0)
			return 0;
	}
	rte_pktmbuf_free(*mp);
	return -1;
}

/* VLAN operations of a port over a burst; the failed are gone. */
static inline uint16_t
comp_vlan_burst(struct rte_mbuf **pkts, uint16_t n,
		const struct spp_comp_port *p)
{
	uint16_t i, k = 0;

	if (likely(p->vlan_op == SPP_VLAN_NONE))
		return n;
	for (i = 0; i < n; i++)
		if (comp_vlan(&pkts[i], p) == 0)
			pkts[k++] = pkts[i];
	return k;
}

static inline uint16_t
comp_rx(const struct spp_comp_task *t, const struct spp_comp_port *p,
	struct rte_mbuf **pkts, uint16_t burst)
{
	uint16_t n = spp_port_rx(p->port, pkts, burst), k;

	if (n == 0)
		return 0;
	t->stats->rx += n;
	k = comp_vlan_burst(pkts, n, p);
	t->stats->drop += n - k;
	return k;
}

static inline void
comp_tx(const struct spp_comp_task *t, const struct spp_comp_port *p,
	struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t k = comp_vlan_burst(pkts, n, p);

	t->stats->drop += n - k;
	t->stats->tx += k;
	if (k != 0)
		spp_port_tx(p->port, pkts, k);
}

/* forward (1 rx, 1 tx) and merge (n rx, 1 tx) */
static unsigned int
comp_run_merge(const struct spp_comp_task *t)
{
	struct rte_mbuf *pkts[SPP_COMP_BURST];
	unsigned int moved = 0;
	uint16_t i, n;

	for (i = 0; i < t->nb_rx; i++) {
		n = comp_rx(t, &t->rx[i], pkts, SPP_COMP_BURST);
		if (n == 0)
			continue;
		comp_tx(t, &t->tx[0], pkts, n);
		moved += n;
	}
	return moved;
}

/* n more references to every segment of m: freed n + 1 times */
static inline void
comp_share(struct rte_mbuf *m, int n)
{
	for (; m != NULL; m = m->next)
		rte_mbuf_refcnt_update(m, (int16_t)n);
}

/*
 * classifier (1 rx, n tx): each packet to the ports its table says; one
 * going to several ports is shared (refcount), not copied.
 */
static unsigned int
comp_run_classifier(const struct spp_comp_task *t)
{
	struct rte_mbuf *pkts[SPP_COMP_BURST];
	struct rte_mbuf *out[SPP_CLS_MAX_TX][SPP_COMP_BURST];
	uint16_t nb_out[SPP_CLS_MAX_TX];
	uint64_t dst[SPP_COMP_BURST], used = 0, d;
	uint16_t i, n, drop = 0;
	unsigned int p;

	n = comp_rx(t, &t->rx[0], pkts, SPP_COMP_BURST);
	if (n == 0)
		return 0;
	spp_cls_classify(t->cls, pkts, n, dst);
	for (i = 0; i < n; i++) {
		d = dst[i];
		if (unlikely(d == 0)) {
			rte_pktmbuf_free(pkts[i]);
			drop++;
			continue;
		}
		if (unlikely((d & (d - 1)) != 0))
			comp_share(pkts[i], __builtin_popcountll(d) - 1);
		do {
			p = (unsigned int)__builtin_ctzll(d);
			d &= d - 1;
			if (!(used & 1ULL << p)) {
				used |= 1ULL << p;
				nb_out[p] = 0;
			}
			out[p][nb_out[p]++] = pkts[i];
		} while (d != 0);
	}
	t->stats->drop += drop;
	while (used != 0) {
		p = (unsigned int)__builtin_ctzll(used);
		used &= used - 1;
		comp_tx(t, &t->tx[p], out[p], nb_out[p]);
	}
	return n;
}

/*
 * mirror (1 rx, 2 tx): each frame on to tx 0, a copy of it to tx 1: deep
 * (data copied), shallow (an indirect mbuf on the same data) or auto (deep
 * up to SPP_MIRROR_DEEP_MAX bytes). A copy the pool cannot give is counted
 * as a drop; the original still goes.
 */
static unsigned int
comp_run_mirror(const struct spp_comp_task *t)
{
	struct rte_mbuf *pkts[SPP_COMP_MIRROR_BURST];
	struct rte_mbuf *copies[SPP_COMP_MIRROR_BURST];
	uint32_t deep_max = t->copy == SPP_COPY_DEEP	  ? UINT32_MAX
			    : t->copy == SPP_COPY_SHALLOW ? 0
							  : SPP_MIRROR_DEEP_MAX;
	uint16_t i, n, k = 0;

	n = comp_rx(t, &t->rx[0], pkts, SPP_COMP_MIRROR_BURST);
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		copies[k] =
			m->pkt_len <= deep_max
				? rte_pktmbuf_copy(m, m->pool, 0, UINT32_MAX)
				: rte_pktmbuf_clone(m, m->pool);
		k += copies[k] != NULL;
	}
	t->stats->drop += n - k;
	comp_tx(t, &t->tx[0], pkts, n);
	if (k != 0)
		comp_tx(t, &t->tx[1], copies, k);
	return n;
}

/*
 * What a component type is: its pass over a burst, the rx and tx ports it
 * runs with, what it prepares before a change is published and what it adds
 * to status. Its name and the processes that run it are in spp_cmd.c. A new
 * type is an entry here and one there.
 */
struct comp_type {
	spp_comp_run_fn run;
	uint16_t min_rx, max_rx;
	uint16_t min_tx, max_tx;
	int (*prepare)(struct spp_comp_engine *e, struct spp_comp *c,
		       struct spp_cls_table **t, char *err, size_t errlen);
	void (*status)(const struct spp_comp *c, json_t *o);
};

static int comp_cls_prepare(struct spp_comp_engine *e, struct spp_comp *c,
			    struct spp_cls_table **t, char *err, size_t errlen);
static void comp_mirror_status(const struct spp_comp *c, json_t *o);

static const struct comp_type comp_types[] = {
	[SPP_COMP_FORWARD] = {comp_run_merge, 1, 1, 1, 1, NULL, NULL},
	[SPP_COMP_MERGE] = {comp_run_merge, 1, SPP_COMP_MAX_DIR_PORTS, 1, 1,
			    NULL, NULL},
	[SPP_COMP_CLASSIFIER] = {comp_run_classifier, 1, 1, 1,
				 SPP_COMP_MAX_DIR_PORTS, comp_cls_prepare,
				 NULL},
	[SPP_COMP_MIRROR] = {comp_run_mirror, 1, 1, 2, 2, NULL,
			     comp_mirror_status},
	[SPP_COMP_PATCH] = {comp_run_merge, 1, 1, 1, 1, NULL, NULL},
	/* spp_pcap's: their port and rings are the capture's (ctx) */
	[SPP_COMP_CAPTURE] = {spp_capture_run_receiver, 0, 0, 0, 0, NULL, NULL},
	[SPP_COMP_WRITER] = {spp_capture_run_writer, 0, 0, 0, 0, NULL, NULL},
};

struct comp_worker_arg {
	struct spp_comp_engine *e;
	unsigned int tid;
	unsigned int lcore;
};

/* Back to polling: every rx port of what the lcore runs now. */
static void
comp_wake_disarm(const struct spp_comp_lcore_cfg *cfg)
{
	uint16_t i, k;

	for (i = 0; i < cfg->nb_tasks; i++)
		for (k = 0; k < cfg->tasks[i].nb_rx; k++)
			spp_port_wake_disarm(cfg->tasks[i].rx[k].port);
}

/*
 * The engine's nap (spp_worker.h): when every rx port of the lcore's tasks
 * can wake it (vhost kicks; a vhost port without a VM gets nothing), wait
 * in epoll for them and the lcore's bell. The task list and its ports are
 * used only online: before the wait, and after it as they are then (a port
 * deleted meanwhile is gone; the fds are in an epoll set of this nap only).
 */
static bool
comp_nap(void *arg, struct rte_rcu_qsbr *qs, unsigned int tid)
{
	const struct comp_worker_arg *a = arg;
	struct spp_comp_engine *e = a->e;
	const struct spp_comp_lcore_cfg *cfg =
		__atomic_load_n(&e->cfg[a->lcore], __ATOMIC_ACQUIRE);
	struct epoll_event ev = {.events = EPOLLIN}, got[4];
	struct timespec ts = {
		.tv_sec = SPP_WORKER_WAKE_SLEEP_US / 1000000,
		.tv_nsec = SPP_WORKER_WAKE_SLEEP_US % 1000000 * 1000,
	};
	int ep, fd, woken;
	bool can = true;
	uint64_t rung;
	uint16_t i, k;

	if (!cfg->wakeable || e->bell[a->lcore] < 0)
		return false;
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, e->bell[a->lcore], &ev) < 0)
		can = false;
	for (i = 0; i < cfg->nb_tasks && can; i++) {
		const struct spp_comp_task *t = &cfg->tasks[i];

		for (k = 0; k < t->nb_rx && can; k++) {
			fd = spp_port_wake_arm(t->rx[k].port);
			if (fd !=
			    SPP_PORT_WAKE_NONE) /* POLL: frames are there */
				can = fd >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD,
							   fd, &ev) == 0;
		}
	}
	if (can) {
		if (qs != NULL)
			rte_rcu_qsbr_thread_offline(qs, tid);
		woken = epoll_pwait2(ep, got, RTE_DIM(got), &ts, NULL);
		if (qs != NULL)
			rte_rcu_qsbr_thread_online(qs, tid);
		spp_worker_cycles_add(&e->cycles[a->lcore].naps, 1);
		spp_worker_cycles_add(&e->cycles[a->lcore].woken, woken > 0);
		if (read(e->bell[a->lcore], &rung, sizeof(rung)) < 0)
			rung = 0; /* not rung: nothing to take */
		cfg = __atomic_load_n(&e->cfg[a->lcore], __ATOMIC_ACQUIRE);
	}
	if (ep >= 0)
		close(ep);
	comp_wake_disarm(cfg);
	return can;
}

static struct comp_worker_arg comp_args[RTE_MAX_LCORE];

static int
comp_worker(void *arg)
{
	const struct comp_worker_arg *a = arg;
	struct spp_comp_engine *e = a->e;
	unsigned int lcore = rte_lcore_id();
	struct spp_worker_loop loop;

	spp_worker_loop_init(&loop, e->busy_poll, &e->cycles[lcore]);
	loop.nap = comp_nap;
	loop.nap_arg = arg;
	rte_rcu_qsbr_thread_register(e->qs, a->tid);
	rte_rcu_qsbr_thread_online(e->qs, a->tid);
	while (!__atomic_load_n(&e->quit, __ATOMIC_RELAXED)) {
		const struct spp_comp_lcore_cfg *cfg =
			__atomic_load_n(&e->cfg[lcore], __ATOMIC_ACQUIRE);
		unsigned int moved = 0;
		uint16_t i;

		for (i = 0; i < cfg->nb_tasks; i++)
			moved += cfg->tasks[i].run(&cfg->tasks[i]);
		spp_worker_pass_done(&loop, moved, cfg->nb_tasks != 0, e->qs,
				     a->tid);
	}
	rte_rcu_qsbr_thread_offline(e->qs, a->tid);
	rte_rcu_qsbr_thread_unregister(e->qs, a->tid);
	return 0;
}

/* -- publication -------------------------------------------------------- */

bool
spp_comp_is_worker(const struct spp_comp_engine *e, unsigned int lcore)
{
	unsigned int i;

	for (i = 0; i < e->nb_workers; i++)
		if (e->workers[i] == lcore)
			return true;
	return false;
}

/* A component that has the ports its type needs; else it is idle. */
static bool
comp_ready(const struct spp_comp *c)
{
	const struct comp_type *t = &comp_types[c->type];

	return c->nb_rx >= t->min_rx && c->nb_rx <= t->max_rx &&
	       c->nb_tx >= t->min_tx && c->nb_tx <= t->max_tx;
}

/* Wake lcore's worker from a nap: its work changed. */
static void
comp_ring(const struct spp_comp_engine *e, unsigned int lcore)
{
	uint64_t one = 1;

	if (e->bell[lcore] >= 0 && write(e->bell[lcore], &one, sizeof(one)) < 0)
		COMP_LOG(DEBUG, "lcore %u: bell: %s\n", lcore, strerror(errno));
}

/*
 * Build and publish the task list of one lcore from the components, then
 * free the old one after a grace period.
 */
static int
comp_publish(struct spp_comp_engine *e, unsigned int lcore)
{
	struct spp_comp_lcore_cfg *cfg, *old;
	unsigned int i, k, n = 0;
	bool wakeable = true; /* nothing to poll: the bell wakes it */

	if (!spp_comp_is_worker(e, lcore)) /* kept, never run */
		return 0;
	old = e->cfg[lcore];
	cfg = calloc(1,
		     sizeof(*cfg) + e->nb_comps * sizeof(struct spp_comp_task));
	if (cfg == NULL)
		return -ENOMEM;
	for (i = 0; i < e->nb_comps; i++) {
		struct spp_comp *c = e->comps[i];
		struct spp_comp_task *t = &cfg->tasks[n];

		if (e->paused || c->lcore != lcore || !comp_ready(c))
			continue;
		/* a type without rx ports (a capture) polls on its own */
		wakeable = wakeable && c->nb_rx != 0;
		for (k = 0; k < c->nb_rx; k++)
			wakeable = wakeable && spp_port_wakeable(c->rx[k].port);
		t->run = comp_types[c->type].run;
		t->copy = c->copy;
		t->nb_rx = c->nb_rx;
		t->nb_tx = c->nb_tx;
		memcpy(t->rx, c->rx, sizeof(t->rx));
		memcpy(t->tx, c->tx, sizeof(t->tx));
		t->cls = c->cls;
		t->stats = &c->stats;
		t->ctx = c->ctx;
		n++;
	}
	cfg->nb_tasks = (uint16_t)n;
	cfg->wakeable = wakeable;
	__atomic_store_n(&e->cfg[lcore], cfg, __ATOMIC_RELEASE);
	comp_ring(e, lcore);
	rte_rcu_qsbr_synchronize(e->qs, RTE_QSBR_THRID_INVALID);
	free(old);
	return 0;
}

/*
 * A classifier's table for its tx ports and the entries (built before it is
 * published); the old one is freed after the grace period.
 */
static int
comp_cls_prepare(struct spp_comp_engine *e, struct spp_comp *c,
		 struct spp_cls_table **t, char *err, size_t errlen)
{
	struct spp_res tx[SPP_COMP_MAX_DIR_PORTS];
	unsigned int i;

	for (i = 0; i < c->nb_tx; i++)
		tx[i] = c->tx[i].port->res;
	return spp_cls_build(&e->cls_db, tx, c->nb_tx, e->qs, t, err, errlen);
}

/*
 * Publish a change of component c, after its type prepared what its task
 * reads (a classifier's new table).
 */
static int
comp_commit(struct spp_comp_engine *e, struct spp_comp *c, char *err,
	    size_t errlen)
{
	struct spp_cls_table *old = c->cls, *t = NULL;
	int ret;

	if (comp_types[c->type].prepare != NULL) {
		ret = comp_types[c->type].prepare(e, c, &t, err, errlen);
		if (ret < 0)
			return ret;
		c->cls = t;
	}
	ret = comp_publish(e, c->lcore);
	if (ret < 0) {
		c->cls = old;
		spp_cls_free(t);
		SPP_ERR(ret, "out of memory");
	}
	if (t != NULL)
		spp_cls_free(old);
	return 0;
}

/* -- components ---------------------------------------------------------- */

static struct spp_comp *
comp_find(const struct spp_comp_engine *e, const char *name)
{
	unsigned int i;

	for (i = 0; i < e->nb_comps; i++)
		if (strcmp(e->comps[i]->name, name) == 0)
			return e->comps[i];
	return NULL;
}

static int
comp_start(struct spp_comp_engine *e, const struct spp_cmd *cmd, char *err,
	   size_t errlen)
{
	struct spp_comp *c;
	int ret;

	if (comp_find(e, cmd->comp_name) != NULL)
		SPP_ERR(-EEXIST, "component %s exists", cmd->comp_name);
	if (!spp_comp_is_worker(e, cmd->core))
		SPP_ERR(-EINVAL,
			"lcore %u is not a worker lcore of this process",
			cmd->core);
	if (e->nb_comps == SPP_COMP_MAX)
		SPP_ERR(-ENOSPC, "at most %d components", SPP_COMP_MAX);
	c = rte_zmalloc("spp_comp", sizeof(*c), RTE_CACHE_LINE_SIZE);
	if (c == NULL)
		SPP_ERR(-ENOMEM, "out of memory");
	snprintf(c->name, sizeof(c->name), "%s", cmd->comp_name);
	c->type = cmd->comp_type;
	c->copy = cmd->copy;
	c->lcore = cmd->core;
	e->comps[e->nb_comps++] = c;
	ret = comp_commit(e, c, err, errlen);
	if (ret < 0) {
		e->comps[--e->nb_comps] = NULL;
		rte_free(c);
		return ret;
	}
	COMP_LOG(DEBUG, "%s %s started on lcore %u\n",
		 spp_comp_type_name(c->type), c->name, c->lcore);
	return 0;
}

/* -- ports --------------------------------------------------------------- */

/* The component that has port p in direction dir, or NULL. */
static struct spp_comp *
comp_port_user(const struct spp_comp_engine *e, const struct spp_port *p,
	       enum spp_dir dir, unsigned int *idx)
{
	unsigned int i, k;

	for (i = 0; i < e->nb_comps; i++) {
		struct spp_comp *c = e->comps[i];
		uint16_t n = dir == SPP_DIR_RX ? c->nb_rx : c->nb_tx;
		const struct spp_comp_port *a =
			dir == SPP_DIR_RX ? c->rx : c->tx;

		for (k = 0; k < n; k++)
			if (a[k].port == p) {
				if (idx != NULL)
					*idx = k;
				return c;
			}
	}
	return NULL;
}

/* Close a port no component uses any more (after the grace period). */
static void
comp_port_release(struct spp_comp_engine *e, struct spp_port *p)
{
	unsigned int i;

	if (comp_port_user(e, p, SPP_DIR_RX, NULL) != NULL ||
	    comp_port_user(e, p, SPP_DIR_TX, NULL) != NULL)
		return;
	for (i = 0; e->ports[i] != p; i++)
		;
	if (e->held[i])
		return;
	e->nb_ports--;
	e->ports[i] = e->ports[e->nb_ports];
	e->held[i] = e->held[e->nb_ports];
	e->ports[e->nb_ports] = NULL;
	e->held[e->nb_ports] = false;
	spp_port_close(p, &e->env);
	rte_free(p);
}

/* The port res of the process, opened if it is not open yet. */
static int
comp_port_get(struct spp_comp_engine *e, const struct spp_res *res,
	      struct spp_port **pp, char *err, size_t errlen)
{
	struct spp_port *p = spp_port_find(e->ports, e->nb_ports, res);
	int ret;

	if (p != NULL) {
		*pp = p;
		return 0;
	}
	if (e->nb_ports == SPP_COMP_MAX_PORTS)
		SPP_ERR(-ENOSPC, "at most %d ports", SPP_COMP_MAX_PORTS);
	p = spp_port_alloc();
	if (p == NULL)
		SPP_ERR(-ENOMEM, "out of memory");
	ret = spp_port_open(p, res, &e->env, err, errlen);
	if (ret < 0) {
		rte_free(p);
		return ret;
	}
	e->ports[e->nb_ports++] = p;
	*pp = p;
	return 0;
}

static int
comp_max_ports(enum spp_comp_type t, enum spp_dir dir)
{
	return dir == SPP_DIR_RX ? comp_types[t].max_rx : comp_types[t].max_tx;
}

static int
comp_port_add(struct spp_comp_engine *e, const struct spp_cmd *cmd, char *err,
	      size_t errlen)
{
	const struct spp_res *res = &cmd->res[0];
	struct spp_comp *c = comp_find(e, cmd->comp_name), *user;
	const char *dname = cmd->dir == SPP_DIR_RX ? "rx" : "tx";
	char name[SPP_RES_NAME_LEN];
	struct spp_comp_port *a;
	struct spp_port *p;
	uint16_t *n;
	int ret;

	spp_res_format_human(res, name, sizeof(name));
	if (c == NULL)
		SPP_ERR(-ENOENT, "no component %s", cmd->comp_name);
	n = cmd->dir == SPP_DIR_RX ? &c->nb_rx : &c->nb_tx;
	if (*n >= comp_max_ports(c->type, cmd->dir))
		SPP_ERR(-EINVAL, "%s %s takes at most %d %s port(s)",
			spp_comp_type_name(c->type), c->name,
			comp_max_ports(c->type, cmd->dir), dname);
	p = spp_port_find(e->ports, e->nb_ports, res);
	user = p == NULL ? NULL : comp_port_user(e, p, cmd->dir, NULL);
	if (user != NULL)
		SPP_ERR(-EEXIST, "%s is already the %s port of %s", name, dname,
			user->name);
	ret = comp_port_get(e, res, &p, err, errlen);
	if (ret < 0)
		return ret;
	a = cmd->dir == SPP_DIR_RX ? &c->rx[*n] : &c->tx[*n];
	a->port = p;
	a->vlan_op = cmd->vlan_op;
	a->vlan_tci = (uint16_t)(cmd->vlan_id | cmd->vlan_pcp << 13);
	(*n)++;
	ret = comp_commit(e, c, err, errlen);
	if (ret < 0) {
		(*n)--;
		comp_port_release(e, p);
		return ret;
	}
	COMP_LOG(DEBUG, "%s is %s port %u of %s\n", name, dname, *n - 1,
		 c->name);
	return 0;
}

static int
comp_port_del(struct spp_comp_engine *e, const struct spp_cmd *cmd, char *err,
	      size_t errlen)
{
	struct spp_comp *c = comp_find(e, cmd->comp_name), *user;
	struct spp_comp_port *a, saved;
	char name[SPP_RES_NAME_LEN];
	struct spp_port *p;
	unsigned int k;
	uint16_t *n;
	int ret;

	spp_res_format_human(&cmd->res[0], name, sizeof(name));
	if (c == NULL)
		SPP_ERR(-ENOENT, "no component %s", cmd->comp_name);
	p = spp_port_find(e->ports, e->nb_ports, &cmd->res[0]);
	user = p == NULL ? NULL : comp_port_user(e, p, cmd->dir, &k);
	if (user != c)
		SPP_ERR(-ENOENT, "%s is not a %s port of %s", name,
			cmd->dir == SPP_DIR_RX ? "rx" : "tx", c->name);
	n = cmd->dir == SPP_DIR_RX ? &c->nb_rx : &c->nb_tx;
	a = cmd->dir == SPP_DIR_RX ? c->rx : c->tx;
	/* order kept: tx index matters to mirror (original, copy) */
	saved = a[k];
	memmove(&a[k], &a[k + 1], (*n - k - 1) * sizeof(*a));
	(*n)--;
	ret = comp_commit(e, c, err, errlen);
	if (ret < 0) {
		memmove(&a[k + 1], &a[k], (*n - k) * sizeof(*a));
		a[k] = saved;
		(*n)++;
		return ret;
	}
	COMP_LOG(DEBUG, "%s is no %s port of %s any more\n", name,
		 cmd->dir == SPP_DIR_RX ? "rx" : "tx", c->name);
	comp_port_release(e, p);
	return 0;
}

int
spp_comp_remove(struct spp_comp_engine *e, struct spp_comp *c)
{
	struct spp_port *ports[2 * SPP_COMP_MAX_DIR_PORTS];
	unsigned int i, k, n = 0;

	for (i = 0; i < c->nb_rx; i++)
		ports[n++] = c->rx[i].port;
	/* a port can be both an rx and a tx port of it (a loop): once */
	for (i = 0; i < c->nb_tx; i++) {
		for (k = 0; k < n && ports[k] != c->tx[i].port; k++)
			;
		if (k == n)
			ports[n++] = c->tx[i].port;
	}
	for (i = 0; e->comps[i] != c; i++)
		;
	e->comps[i] = e->comps[--e->nb_comps];
	if (comp_publish(e, c->lcore) < 0) {
		e->comps[e->nb_comps++] = c;
		return -ENOMEM;
	}
	COMP_LOG(DEBUG, "%s stopped\n", c->name);
	spp_cls_free(c->cls);
	rte_free(c);
	for (i = 0; i < n; i++)
		comp_port_release(e, ports[i]);
	return 0;
}

/* The classifier that has port res as a tx port, or NULL. */
static struct spp_comp *
comp_classifier_of(const struct spp_comp_engine *e, const struct spp_res *res)
{
	struct spp_port *p = spp_port_find(e->ports, e->nb_ports, res);
	struct spp_comp *c;

	if (p == NULL)
		return NULL;
	c = comp_port_user(e, p, SPP_DIR_TX, NULL);
	return c != NULL && c->type == SPP_COMP_CLASSIFIER ? c : NULL;
}

/*
 * An entry added to or deleted from the db goes into classifier c's table
 * in place (O(1), workers keep running on it); a full table is built again.
 */
static int
comp_cls_change(struct spp_comp_engine *e, struct spp_comp *c,
		const struct spp_cls_entry *ent, bool add, char *err,
		size_t errlen)
{
	struct spp_res tx[SPP_COMP_MAX_DIR_PORTS];
	unsigned int i;
	int ret;

	if (c->cls != NULL) {
		for (i = 0; i < c->nb_tx; i++)
			tx[i] = c->tx[i].port->res;
		ret = spp_cls_apply(c->cls, ent, add, tx, c->nb_tx, err,
				    errlen);
		if (ret != -ENOSPC)
			return ret;
	}
	return comp_commit(e, c, err, errlen);
}

static int
comp_cls_command(struct spp_comp_engine *e, const struct spp_cmd *cmd,
		 char *err, size_t errlen)
{
	struct spp_comp *c = comp_classifier_of(e, &cmd->res[0]);
	struct spp_cls_entry ent;
	char name[SPP_RES_NAME_LEN];
	int ret;

	spp_cls_entry_from_cmd(cmd, &ent);
	if (cmd->id == SPP_CMD_CLS_ADD) {
		spp_res_format_human(&cmd->res[0], name, sizeof(name));
		if (c == NULL)
			SPP_ERR(-EINVAL,
				"%s is not a tx port of a classifier component",
				name);
		ret = spp_cls_db_add(&e->cls_db, &ent, err, errlen);
		if (ret < 0)
			return ret;
		ret = comp_cls_change(e, c, &ent, true, err, errlen);
		if (ret < 0)
			spp_cls_db_del(&e->cls_db, &ent, NULL, 0);
		return ret;
	}
	ret = spp_cls_db_del(&e->cls_db, &ent, err, errlen);
	if (ret < 0)
		return ret;
	ret = c == NULL ? 0 : comp_cls_change(e, c, &ent, false, err, errlen);
	if (ret < 0)
		spp_cls_db_add(&e->cls_db, &ent, NULL, 0);
	return ret;
}

static int
comp_cmd_start(struct spp_comp_engine *e, const struct spp_cmd *cmd, char *err,
	       size_t errlen)
{
	if (!(spp_comp_type_procs(cmd->comp_type) & e->kind))
		SPP_ERR(-EINVAL, "spp_%s has no %s component",
			spp_proc_kind_name(e->kind),
			spp_comp_type_name(cmd->comp_type));
	return comp_start(e, cmd, err, errlen);
}

static int
comp_cmd_stop(struct spp_comp_engine *e, const struct spp_cmd *cmd, char *err,
	      size_t errlen)
{
	struct spp_comp *c = comp_find(e, cmd->comp_name);

	if (c == NULL)
		SPP_ERR(-ENOENT, "no component %s", cmd->comp_name);
	if (spp_comp_remove(e, c) < 0)
		SPP_ERR(-ENOMEM, "out of memory");
	return 0;
}

static int
comp_cmd_cls(struct spp_comp_engine *e, const struct spp_cmd *cmd, char *err,
	     size_t errlen)
{
	if (e->kind != SPP_PROC_VF)
		SPP_ERR(-EINVAL, "classifier_table is for spp_vf");
	return comp_cls_command(e, cmd, err, errlen);
}

typedef int (*comp_cmd_fn)(struct spp_comp_engine *e, const struct spp_cmd *cmd,
			   char *err, size_t errlen);

/* The commands of the engine, by command id. */
static const comp_cmd_fn comp_commands[SPP_CMD_MAX] = {
	[SPP_CMD_COMPONENT_START] = comp_cmd_start,
	[SPP_CMD_COMPONENT_STOP] = comp_cmd_stop,
	[SPP_CMD_PORT_ADD] = comp_port_add,
	[SPP_CMD_PORT_DEL] = comp_port_del,
	[SPP_CMD_CLS_ADD] = comp_cmd_cls,
	[SPP_CMD_CLS_DEL] = comp_cmd_cls,
};

bool
spp_comp_takes(enum spp_cmd_id id)
{
	return (unsigned int)id < SPP_CMD_MAX && comp_commands[id] != NULL;
}

int
spp_comp_command(struct spp_comp_engine *e, const struct spp_cmd *cmd,
		 char *err, size_t errlen)
{
	if (!spp_comp_takes(cmd->id))
		SPP_ERR(-EINVAL, "not a component command");
	return comp_commands[cmd->id](e, cmd, err, errlen);
}

/* -- components built by a layer over the engine (spp_fwd) ---------------- */

struct spp_port *
spp_comp_port_find(const struct spp_comp_engine *e, const struct spp_res *res)
{
	return spp_port_find(e->ports, e->nb_ports, res);
}

int
spp_comp_port_hold(struct spp_comp_engine *e, const struct spp_res *res,
		   char *err, size_t errlen)
{
	char name[SPP_RES_NAME_LEN];
	struct spp_port *p;
	unsigned int i;
	int ret;

	ret = comp_port_get(e, res, &p, err, errlen);
	if (ret < 0)
		return ret;
	for (i = 0; e->ports[i] != p; i++)
		;
	if (e->held[i]) {
		spp_res_format_human(res, name, sizeof(name));
		SPP_ERR(-EEXIST, "%s is already added", name);
	}
	e->held[i] = true;
	return 0;
}

void
spp_comp_port_unhold(struct spp_comp_engine *e, struct spp_port *p)
{
	unsigned int i;

	for (i = 0; e->ports[i] != p; i++)
		;
	e->held[i] = false;
	comp_port_release(e, p);
}

int
spp_comp_place(struct spp_comp_engine *e, struct spp_comp **cp,
	       const char *name, enum spp_comp_type type, unsigned int lcore,
	       struct spp_port *rx, struct spp_port *tx, void *ctx, char *err,
	       size_t errlen)
{
	struct spp_comp *c = *cp, saved;
	struct spp_port *old_rx = NULL, *old_tx = NULL;
	bool moved;
	int ret;

	if (c == NULL) {
		if (e->nb_comps == SPP_COMP_MAX)
			SPP_ERR(-ENOSPC, "at most %d components", SPP_COMP_MAX);
		c = rte_zmalloc("spp_comp", sizeof(*c), RTE_CACHE_LINE_SIZE);
		if (c == NULL)
			SPP_ERR(-ENOMEM, "out of memory");
		snprintf(c->name, sizeof(c->name), "%s", name);
		c->type = type;
		c->lcore = lcore;
		e->comps[e->nb_comps++] = c;
	} else {
		old_rx = c->nb_rx != 0 ? c->rx[0].port : NULL;
		old_tx = c->nb_tx != 0 ? c->tx[0].port : NULL;
	}
	saved = *c;
	moved = c->lcore != lcore;
	if (moved) {
		/* the old lcore lets it go before the new one takes it */
		c->lcore = RTE_MAX_LCORE;
		ret = comp_publish(e, saved.lcore);
		if (ret < 0)
			goto fail;
		c->lcore = lcore;
	}
	c->nb_rx = rx != NULL;
	c->nb_tx = tx != NULL;
	c->rx[0] = (struct spp_comp_port){.port = rx};
	c->tx[0] = (struct spp_comp_port){.port = tx};
	c->ctx = ctx;
	ret = comp_publish(e, lcore);
	if (ret < 0)
		goto fail;
	*cp = c;
	if (old_rx != NULL && old_rx != rx && old_rx != tx)
		comp_port_release(e, old_rx);
	if (old_tx != NULL && old_tx != rx && old_tx != tx && old_tx != old_rx)
		comp_port_release(e, old_tx);
	return 0;
fail:
	if (*cp == NULL) {
		e->comps[--e->nb_comps] = NULL;
		rte_free(c);
	} else {
		*c = saved;
		if (moved) /* back where it was: the best we can do */
			comp_publish(e, saved.lcore);
	}
	SPP_ERR(-ENOMEM, "out of memory");
}

int
spp_comp_set_paused(struct spp_comp_engine *e, bool paused)
{
	bool was = e->paused;
	unsigned int i;

	e->paused = paused;
	for (i = 0; i < e->nb_workers; i++)
		if (comp_publish(e, e->workers[i]) < 0) {
			e->paused = was;
			while (i-- > 0)
				comp_publish(e, e->workers[i]);
			return -ENOMEM;
		}
	return 0;
}

unsigned int
spp_comp_least_loaded(const struct spp_comp_engine *e)
{
	unsigned int w, i, n, best = RTE_MAX_LCORE, best_n = UINT32_MAX;

	for (w = 0; w < e->nb_workers; w++) {
		for (i = 0, n = 0; i < e->nb_comps; i++)
			n += e->comps[i]->lcore == e->workers[w];
		if (n < best_n) {
			best_n = n;
			best = e->workers[w];
		}
	}
	return best;
}

void
spp_comp_workers_status(const struct spp_comp_engine *e, json_t *obj)
{
	json_t *workers = spp_worker_status(obj);
	unsigned int w;

	for (w = 0; w < e->nb_workers; w++)
		spp_worker_cycles_json(workers, e->workers[w],
				       &e->cycles[e->workers[w]]);
}

/* -- status -------------------------------------------------------------- */

static json_t *
comp_ports_json(const struct spp_comp_port *a, uint16_t n)
{
	static const char *const ops[] = {"none", "add", "del"};
	json_t *arr = json_array();
	char name[SPP_RES_NAME_LEN];
	uint16_t i;

	for (i = 0; i < n; i++) {
		spp_res_format_human(&a[i].port->res, name, sizeof(name));
		json_array_append_new(
			arr, json_pack("{s:s,s:{s:s,s:i,s:i}}", "port", name,
				       "vlan", "operation", ops[a[i].vlan_op],
				       "id", a[i].vlan_tci & 0xfff, "pcp",
				       a[i].vlan_tci >> 13));
	}
	return arr;
}

/* A mirror's copy mode in its status. */
static void
comp_mirror_status(const struct spp_comp *c, json_t *o)
{
	json_object_set_new(o, "copy",
			    json_string(spp_copy_mode_name(c->copy)));
}

/* A component in a status, with what its type adds. */
static json_t *
comp_json(const struct spp_comp *c)
{
	json_t *o = json_pack(
		"{s:i,s:s,s:s,s:o,s:o,s:{s:I,s:I,s:I}}", "core", c->lcore,
		"name", c->name, "type", spp_comp_type_name(c->type), "rx_port",
		comp_ports_json(c->rx, c->nb_rx), "tx_port",
		comp_ports_json(c->tx, c->nb_tx), "stats", "rx",
		(json_int_t)c->stats.rx, "tx", (json_int_t)c->stats.tx, "drop",
		(json_int_t)c->stats.drop);

	if (comp_types[c->type].status != NULL)
		comp_types[c->type].status(c, o);
	return o;
}

static bool
comp_cls_active(const struct spp_res *port, void *arg)
{
	return comp_classifier_of((const struct spp_comp_engine *)arg, port) !=
	       NULL;
}

/* The original's order of the ports in status: phy, vhost, ring, others. */
static int
comp_port_rank(const struct spp_res *r)
{
	switch (r->type) {
	case SPP_RES_PHY:
		return 0;
	case SPP_RES_VHOST:
		return 1;
	case SPP_RES_RING:
		return 2;
	default:
		return 3 + (int)r->type;
	}
}

static int
comp_port_cmp(const void *a, const void *b)
{
	const struct spp_res *x = &(*(const struct spp_port *const *)a)->res;
	const struct spp_res *y = &(*(const struct spp_port *const *)b)->res;
	int rx = comp_port_rank(x), ry = comp_port_rank(y);

	if (rx != ry)
		return rx - ry;
	if (x->id != y->id)
		return (int)x->id - (int)y->id;
	return (int)x->queue - (int)y->queue;
}

void
spp_comp_status(const struct spp_comp_engine *e, json_t *obj)
{
	json_t *ports = json_array(), *comps = json_array();
	json_t *stats = json_array();
	const struct spp_port *sorted[RTE_DIM(e->ports)];
	char name[SPP_RES_NAME_LEN];
	unsigned int i, w;

	memcpy(sorted, e->ports, e->nb_ports * sizeof(sorted[0]));
	qsort(sorted, e->nb_ports, sizeof(sorted[0]), comp_port_cmp);
	for (i = 0; i < e->nb_ports; i++) {
		const struct spp_port *p = sorted[i];
		const struct spp_port_stats *st = spp_port_get_stats(p);

		spp_res_format_human(&p->res, name, sizeof(name));
		json_array_append_new(ports, json_string(name));
		json_array_append_new(stats,
				      json_pack("{s:s,s:s,s:I,s:I,s:I}", "port",
						name, "link", spp_port_link(p),
						"rx", (json_int_t)st->rx, "tx",
						(json_int_t)st->tx, "tx_drop",
						(json_int_t)st->tx_drop));
	}
	for (w = 0; w < e->nb_workers; w++) {
		bool used = false;

		for (i = 0; i < e->nb_comps; i++) {
			const struct spp_comp *c = e->comps[i];

			if (c->lcore != e->workers[w])
				continue;
			used = true;
			json_array_append_new(comps, comp_json(c));
		}
		if (!used)
			json_array_append_new(comps,
					      json_pack("{s:i,s:s}", "core",
							e->workers[w], "type",
							"unuse"));
	}
	json_object_set_new(obj, "ports", ports);
	json_object_set_new(obj, "components", comps);
	json_object_set_new(obj, "port_stats", stats);
	spp_comp_workers_status(e, obj);
	if (e->kind == SPP_PROC_VF)
		json_object_set_new(obj, "classifier_table",
				    spp_cls_db_json(&e->cls_db, comp_cls_active,
						    (void *)(uintptr_t)e));
}

/* -- life ---------------------------------------------------------------- */

int
spp_comp_init(struct spp_comp_engine *e, enum spp_proc_kind kind,
	      const struct spp_port_env *env, bool workers, bool busy_poll)
{
	unsigned int lcore, i;
	size_t sz;
	int ret;

	memset(e, 0, sizeof(*e));
	for (i = 0; i < RTE_MAX_LCORE; i++)
		e->bell[i] = -1;
	e->kind = kind;
	e->env = *env;
	e->busy_poll = busy_poll;
	RTE_LCORE_FOREACH_WORKER(lcore)
	{
		if (workers)
			e->workers[e->nb_workers++] = lcore;
	}
	sz = rte_rcu_qsbr_get_memsize(RTE_MAX(e->nb_workers, 1u));
	e->qs = rte_zmalloc("spp_comp_qs", sz, RTE_CACHE_LINE_SIZE);
	if (e->qs == NULL)
		return -ENOMEM;
	ret = rte_rcu_qsbr_init(e->qs, RTE_MAX(e->nb_workers, 1u));
	if (ret != 0)
		return -rte_errno;
	e->env.qs = e->qs;
	for (i = 0; i < e->nb_workers; i++) {
		lcore = e->workers[i];
		e->cfg[lcore] = calloc(1, sizeof(struct spp_comp_lcore_cfg));
		if (e->cfg[lcore] == NULL)
			return -ENOMEM;
		e->cfg[lcore]->wakeable = true; /* no task yet */
		/* none: the worker only sleeps */
		e->bell[lcore] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	}
	for (i = 0; i < e->nb_workers; i++) {
		lcore = e->workers[i];
		comp_args[lcore].e = e;
		comp_args[lcore].tid = i;
		comp_args[lcore].lcore = lcore;
		ret = rte_eal_remote_launch(comp_worker, &comp_args[lcore],
					    lcore);
		if (ret < 0)
			return ret;
	}
	return 0;
}

void
spp_comp_fini(struct spp_comp_engine *e)
{
	unsigned int i;

	while (e->nb_comps > 0)
		spp_comp_remove(e, e->comps[0]);
	while (e->nb_ports > 0)
		spp_comp_port_unhold(e, e->ports[0]);
	__atomic_store_n(&e->quit, true, __ATOMIC_RELAXED);
	for (i = 0; i < e->nb_workers; i++)
		comp_ring(e, e->workers[i]);
	for (i = 0; i < e->nb_workers; i++) {
		rte_eal_wait_lcore(e->workers[i]);
		free(e->cfg[e->workers[i]]);
		e->cfg[e->workers[i]] = NULL;
		if (e->bell[e->workers[i]] >= 0)
			close(e->bell[e->workers[i]]);
		e->bell[e->workers[i]] = -1;
	}
	rte_free(e->qs);
	e->qs = NULL;
	spp_cls_db_free(&e->cls_db);
}
