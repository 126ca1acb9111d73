/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The patch panel of spp_nfv and of the primary's forwarder: a set of ports
 * and one-way patches between them, moved while forwarding is on. A layer
 * over the one engine (spp_comp.h): each patch is a component of type patch
 * (one rx, one tx) on one of the worker lcores, so the patches of a process
 * spread over all its workers; the engine publishes, frees after grace
 * periods and runs the worker loop.
 *
 * Threads: every spp_fwd_* function runs on the control thread.
 */
#ifndef SPP_FWD_H
#define SPP_FWD_H

#include <stdbool.h>

#include <jansson.h>
#include <rte_rcu_qsbr.h>

#include "spp_comp.h"
#include "spp_port.h"

#define SPP_FWD_MAX_PORTS SPP_COMP_MAX_PORTS
#define SPP_FWD_MAX_PATCHES SPP_COMP_MAX

/* A one-way patch: a component of type patch of the engine. */
struct spp_fwd_patch {
	struct spp_port *src;
	struct spp_port *dst;
	struct spp_comp *comp;
	bool pinned; /* its lcore was given by the user */
};

struct spp_fwd {
	/* its ports are the forwarder's ports; forwarding is on while the
	 * engine is not paused */
	struct spp_comp_engine e;
	unsigned int nb_patches; /* in the order they were made */
	struct spp_fwd_patch patches[SPP_FWD_MAX_PATCHES];
};

/*
 * Set up the forwarder on the engine, with a worker on every worker lcore of
 * the process; none when workers is false or the process has none (commands
 * then work but nothing moves: spp_fwd_has_workers() false). Its kind is
 * env->kind. Returns 0 or -errno.
 */
int spp_fwd_init(struct spp_fwd *fwd, const struct spp_port_env *env,
		 bool workers, bool busy_poll);
/* Stop the workers, delete every port. */
void spp_fwd_fini(struct spp_fwd *fwd);

/* Whether the forwarder has a worker lcore to run its patches on. */
static inline bool
spp_fwd_has_workers(const struct spp_fwd *fwd)
{
	return fwd->e.nb_workers > 0;
}

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
/*
 * Patch src to dst on worker lcore (RTE_MAX_LCORE: the engine places it).
 * Patches to one port run on one lcore, as a port is sent to from one
 * lcore only: a patch to a port other patches go to runs where they do,
 * and an lcore given against that is refused. An unpinned patch goes to the
 * least loaded lcore.
 */
int spp_fwd_patch(struct spp_fwd *fwd, const struct spp_res *src,
		  const struct spp_res *dst, unsigned int lcore, char *err,
		  size_t errlen);
int spp_fwd_patch_reset(struct spp_fwd *fwd);
int spp_fwd_set_running(struct spp_fwd *fwd, bool running, char *err,
			size_t errlen);

/* Find a port of the forwarder, or NULL. */
struct spp_port *spp_fwd_find(const struct spp_fwd *fwd,
			      const struct spp_res *res);

/*
 * Add "status", "ports", "patches" and "port_stats" to obj as in the nfv
 * status shape of interface.md; each patch also says its "lcore" and, when
 * the user chose it, "pinned".
 */
void spp_fwd_status(const struct spp_fwd *fwd, json_t *obj);

#endif /* SPP_FWD_H */
