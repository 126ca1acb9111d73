/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The patch-panel forwarder of spp_nfv and of the primary: a set of ports,
 * one-way patches between them, and one worker lcore that moves packets
 * along the patches while forwarding is on.
 *
 * Threads: every spp_fwd_* function but the worker runs on the control
 * thread, one at a time. The worker sees the configuration through one
 * pointer published with release semantics; a replaced configuration (and a
 * deleted port) is freed only after an RCU grace period (rte_rcu_qsbr), so
 * the worker never sees a half-built table or a closed port.
 */
#ifndef SPP_FWD_H
#define SPP_FWD_H

#include <stdbool.h>

#include <jansson.h>
#include <rte_rcu_qsbr.h>

#include "spp_port.h"
#include "spp_worker.h"

#define SPP_FWD_MAX_PORTS 128
#define SPP_FWD_BURST 64

struct spp_fwd_patch {
	struct spp_port *src;
	struct spp_port *dst;
};

/* What the worker reads: immutable once published. */
struct spp_fwd_cfg {
	bool running;
	uint16_t nb_patches;
	struct spp_fwd_patch patches[];
};

struct spp_fwd {
	/* shared with the worker */
	struct spp_fwd_cfg *cfg;
	struct rte_rcu_qsbr *qs;
	bool quit;
	bool busy_poll;
	unsigned int worker_lcore;	 /* RTE_MAX_LCORE: no worker */
	struct spp_worker_cycles cycles; /* the worker's */
	/* control thread only */
	struct spp_port_env env;
	bool running;
	unsigned int nb_ports;
	struct spp_port *ports[SPP_FWD_MAX_PORTS];
};

/*
 * Set up the forwarder and start its worker on worker_lcore (RTE_MAX_LCORE
 * for none: commands then work but nothing moves). Returns 0 or -errno.
 */
int spp_fwd_init(struct spp_fwd *fwd, const struct spp_port_env *env,
		 unsigned int worker_lcore, bool busy_poll);
/* Stop the worker, delete every port. */
void spp_fwd_fini(struct spp_fwd *fwd);

/*
 * Commands. Adding a phy port that is there already is a no-op success (the
 * original answered so). Each returns 0, or -errno with err saying why: -EINVAL
 * for a value that can't be taken, -ENOENT for something that does not exist,
 * -EEXIST for a conflict.
 */
int spp_fwd_add(struct spp_fwd *fwd, const struct spp_res *res, char *err,
		size_t errlen);
/*
 * Add every phy port of the primary (each queue of a multi-queue port), as
 * the original's forwarders had them from the start. A port this process
 * cannot open (a PMD that moves packets in the primary only) is left out
 * with a warning. Returns how many were added.
 */
unsigned int spp_fwd_add_phys(struct spp_fwd *fwd);
int spp_fwd_del(struct spp_fwd *fwd, const struct spp_res *res, char *err,
		size_t errlen);
int spp_fwd_patch(struct spp_fwd *fwd, const struct spp_res *src,
		  const struct spp_res *dst, char *err, size_t errlen);
int spp_fwd_patch_reset(struct spp_fwd *fwd);
int spp_fwd_set_running(struct spp_fwd *fwd, bool running, char *err,
			size_t errlen);

/* Find a port of the forwarder, or NULL. */
struct spp_port *spp_fwd_find(const struct spp_fwd *fwd,
			      const struct spp_res *res);

/*
 * Add "status", "ports", "patches" and "port_stats" to obj as in the nfv
 * status shape of interface.md.
 */
void spp_fwd_status(const struct spp_fwd *fwd, json_t *obj);

#endif /* SPP_FWD_H */
