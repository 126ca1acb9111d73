/* SPDX-License-Identifier: BSD-3-Clause */
#include "spp_fwd.h"
#include "spp_err.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_log.h>

#include "spp_shm.h"

RTE_LOG_REGISTER(spp_fwd_logtype, spp.fwd, INFO);
#define FWD_LOG(level, ...)                                                    \
	rte_log(RTE_LOG_##level, spp_fwd_logtype, "spp.fwd: " __VA_ARGS__)

int
spp_fwd_init(struct spp_fwd *fwd, const struct spp_port_env *env, bool workers,
	     bool busy_poll)
{
	int ret;

	memset(fwd, 0, sizeof(*fwd));
	ret = spp_comp_init(&fwd->e, env->kind, env, workers, busy_poll);
	if (ret < 0)
		return ret;
	/* forwarding starts stopped: "forward" runs the patches */
	fwd->e.paused = true;
	return 0;
}

void
spp_fwd_fini(struct spp_fwd *fwd)
{
	spp_fwd_patch_reset(fwd);
	spp_comp_fini(&fwd->e);
	fwd->nb_patches = 0;
}

struct spp_port *
spp_fwd_find(const struct spp_fwd *fwd, const struct spp_res *res)
{
	return spp_comp_port_find(&fwd->e, res);
}

int
spp_fwd_add(struct spp_fwd *fwd, const struct spp_res *res, char *err,
	    size_t errlen)
{
	/* phy ports are there from the start: adding one is a no-op */
	if (res->type == SPP_RES_PHY && spp_fwd_find(fwd, res) != NULL)
		return 0;
	return spp_comp_port_hold(&fwd->e, res, err, errlen);
}

unsigned int
spp_fwd_add_phys(struct spp_fwd *fwd)
{
	struct spp_res res = {.type = SPP_RES_PHY};
	char err[256], name[SPP_RES_NAME_LEN];
	unsigned int i, q, nb_q, added = 0;

	for (i = 0; i < fwd->e.env.shm->nb_phy; i++) {
		const struct spp_shm_phy *phy = &fwd->e.env.shm->phy[i];

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

/* Remove patch i (its component first); 0 or -ENOMEM. */
static int
fwd_unpatch(struct spp_fwd *fwd, unsigned int i)
{
	int ret = spp_comp_remove(&fwd->e, fwd->patches[i].comp);

	if (ret < 0)
		return ret;
	fwd->nb_patches--;
	memmove(&fwd->patches[i], &fwd->patches[i + 1],
		(fwd->nb_patches - i) * sizeof(fwd->patches[0]));
	return 0;
}

int
spp_fwd_del(struct spp_fwd *fwd, const struct spp_res *res, char *err,
	    size_t errlen)
{
	struct spp_port *port = spp_fwd_find(fwd, res);
	char name[SPP_RES_NAME_LEN];
	unsigned int i = 0;

	if (port == NULL) {
		spp_res_format_human(res, name, sizeof(name));
		SPP_ERR(-ENOENT, "%s is not added", name);
	}
	/* the workers stop using the port before it is closed */
	while (i < fwd->nb_patches) {
		const struct spp_fwd_patch *p = &fwd->patches[i];

		if (p->src != port && p->dst != port) {
			i++;
			continue;
		}
		if (fwd_unpatch(fwd, i) < 0)
			SPP_ERR(-ENOMEM, "cannot delete: out of memory");
	}
	spp_comp_port_unhold(&fwd->e, port);
	return 0;
}

/* The patch from src, or NULL. */
static struct spp_fwd_patch *
fwd_patch_from(struct spp_fwd *fwd, const struct spp_port *src)
{
	unsigned int i;

	for (i = 0; i < fwd->nb_patches; i++)
		if (fwd->patches[i].src == src)
			return &fwd->patches[i];
	return NULL;
}

/*
 * The lcore a patch to dst must run on (where the other patches to dst
 * run), RTE_MAX_LCORE when it may run anywhere. except: the patch being
 * rewired.
 */
static unsigned int
fwd_dst_lcore(const struct spp_fwd *fwd, const struct spp_port *dst,
	      const struct spp_fwd_patch *except, const struct spp_res **src)
{
	unsigned int i;

	for (i = 0; i < fwd->nb_patches; i++) {
		const struct spp_fwd_patch *p = &fwd->patches[i];

		if (p != except && p->dst == dst) {
			*src = &p->src->res;
			return p->comp->lcore;
		}
	}
	return RTE_MAX_LCORE;
}

int
spp_fwd_patch(struct spp_fwd *fwd, const struct spp_res *src,
	      const struct spp_res *dst, unsigned int lcore, char *err,
	      size_t errlen)
{
	struct spp_port *s = spp_fwd_find(fwd, src);
	struct spp_port *d = spp_fwd_find(fwd, dst);
	char name[SPP_RES_NAME_LEN], other[SPP_RES_NAME_LEN];
	const struct spp_res *other_src = NULL;
	struct spp_fwd_patch *p;
	unsigned int on, was;
	int ret;

	if (s == NULL || d == NULL) {
		spp_res_format_human(s == NULL ? src : dst, name, sizeof(name));
		SPP_ERR(-ENOENT, "%s is not added", name);
	}
	if (lcore != RTE_MAX_LCORE && !spp_comp_is_worker(&fwd->e, lcore))
		SPP_ERR(-EINVAL,
			"lcore %u is not a worker lcore of this process",
			lcore);
	p = fwd_patch_from(fwd, s);
	on = fwd_dst_lcore(fwd, d, p, &other_src);
	if (on != RTE_MAX_LCORE && lcore != RTE_MAX_LCORE && lcore != on) {
		spp_res_format_human(dst, name, sizeof(name));
		spp_res_format_human(other_src, other, sizeof(other));
		SPP_ERR(-EINVAL,
			"%s is sent to from lcore %u (the patch from %s): "
			"patches to one port run on one lcore",
			name, on, other);
	}
	if (on == RTE_MAX_LCORE)
		on = lcore;
	if (on == RTE_MAX_LCORE && p != NULL)
		on = p->comp->lcore; /* a rewired patch stays where it is */
	if (on == RTE_MAX_LCORE)     /* RTE_MAX_LCORE again with no worker */
		on = spp_comp_least_loaded(&fwd->e);
	if (p == NULL && fwd->nb_patches == SPP_FWD_MAX_PATCHES)
		SPP_ERR(-ENOSPC, "at most %d patches", SPP_FWD_MAX_PATCHES);
	spp_res_format_human(src, name, sizeof(name));
	if (p == NULL) {
		p = &fwd->patches[fwd->nb_patches];
		memset(p, 0, sizeof(*p));
	}
	was = p->comp != NULL ? p->comp->lcore : RTE_MAX_LCORE;
	ret = spp_comp_place(&fwd->e, &p->comp, name, SPP_COMP_PATCH, on, s, d,
			     NULL, err, errlen);
	if (ret < 0)
		return ret;
	if (p == &fwd->patches[fwd->nb_patches])
		fwd->nb_patches++;
	p->src = s;
	p->dst = d;
	/* a pinned patch rewired where it runs stays pinned */
	p->pinned = lcore != RTE_MAX_LCORE || (p->pinned && was == on);
	return 0;
}

int
spp_fwd_patch_reset(struct spp_fwd *fwd)
{
	while (fwd->nb_patches > 0)
		if (fwd_unpatch(fwd, fwd->nb_patches - 1) < 0)
			return -ENOMEM;
	return 0;
}

int
spp_fwd_set_running(struct spp_fwd *fwd, bool running, char *err, size_t errlen)
{
	if (spp_comp_set_paused(&fwd->e, !running) < 0) {
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
	json_t *stats = json_array(), *o;
	unsigned int i;

	for (i = 0; i < fwd->e.nb_ports; i++) {
		const struct spp_port *p = fwd->e.ports[i];
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
	for (i = 0; i < fwd->nb_patches; i++) {
		const struct spp_fwd_patch *p = &fwd->patches[i];

		o = json_pack("{s:o,s:o}", "src", fwd_res_json(&p->src->res),
			      "dst", fwd_res_json(&p->dst->res));
		/* a process without a worker keeps patches it never runs */
		if (p->comp->lcore != RTE_MAX_LCORE)
			json_object_set_new(o, "lcore",
					    json_integer(p->comp->lcore));
		if (p->pinned)
			json_object_set_new(o, "pinned", json_true());
		json_array_append_new(patches, o);
	}
	json_object_set_new(obj, "status",
			    json_string(fwd->e.paused ? "idling" : "running"));
	json_object_set_new(obj, "ports", ports);
	json_object_set_new(obj, "patches", patches);
	json_object_set_new(obj, "port_stats", stats);
	spp_comp_workers_status(&fwd->e, obj);
}
