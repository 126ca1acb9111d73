/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one engine of every process that moves frames: components (the nfv
 * patch, forward, merge, classifier, mirror) on worker lcores, several per
 * lcore, with ports attached to them at run time. spp_vf and spp_mirror
 * drive it with component commands; spp_nfv and the primary's forwarder
 * through spp_fwd, which makes each patch a component.
 *
 * Threads: every spp_comp_* function but the workers runs on the control
 * thread, one at a time. Each worker lcore sees an immutable list of tasks
 * through one pointer published with release semantics; a replaced list, a
 * replaced classifier table and a deleted port are freed only after an RCU
 * grace period of every worker (rte_rcu_qsbr), so a change never stops,
 * loses or duplicates traffic on the components it does not touch, and no
 * worker sees a half-built table.
 */
#ifndef SPP_COMP_H
#define SPP_COMP_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>
#include <rte_rcu_qsbr.h>

#include "spp_cls.h"
#include "spp_cmd.h"
#include "spp_port.h"
#include "spp_worker.h"

/*
 * Enough for the networking-spp wiring of 64 VMs on one spp_vf (two
 * forwards per VM, a classifier and a merge: 130 components; a vhost and
 * two rings per VM and the NIC: 193 ports), and a classifier with a tx port
 * per VM.
 */
#define SPP_COMP_MAX 160
#define SPP_COMP_MAX_DIR_PORTS 64 /* rx or tx ports of one component */
#define SPP_COMP_MAX_PORTS 256	  /* ports of the process */
/*
 * Frames a component takes from a port at a time. Measured on the
 * benchmark's single-core classifier loop: 64 takes 51-52 cycles a frame
 * where 32 took 52-57 (the per-burst work spread over more frames, as for
 * the forwarder). A mirror keeps 32: its deep copies of 64 frames took
 * 92-94 cycles a 64-byte frame against 87-90 with 32 (two mbufs a frame in
 * flight, the copies' lines pushed each other out), clones gained 1-4.
 */
#define SPP_COMP_BURST 64
#define SPP_COMP_MIRROR_BURST 32
/*
 * Copy mode auto of a mirror: frames up to this length are copied (deep),
 * longer ones cloned (shallow). build/bench/bench_copy measured here, in
 * cycles per frame: deep 63 at 64 bytes, 89 at 512, 97 at 768, 109 at
 * 1024, 131 at 1500; a clone 101 at every size.
 */
#define SPP_MIRROR_DEEP_MAX 768

/* A port as attached to a component, with its VLAN operation. */
struct spp_comp_port {
	struct spp_port *port;
	enum spp_vlan_op vlan_op;
	uint16_t vlan_tci; /* SPP_VLAN_ADD: VID | PCP << 13 */
};

/*
 * Counters of a component, written by its worker only: frames taken from
 * its rx ports, handed to its tx ports (a broadcast to n ports counts n),
 * and dropped by the component itself (no classifier destination, a VLAN
 * operation that failed). What a port could not send is its tx_drop.
 */
struct spp_comp_stats {
	uint64_t rx;
	uint64_t tx;
	uint64_t drop;
};

/* A component as the control thread keeps it (rte_zmalloc'ed). */
struct spp_comp {
	struct spp_comp_stats stats __rte_cache_aligned;
	char name[SPP_COMP_NAME_LEN];
	enum spp_comp_type type;
	unsigned int lcore;
	enum spp_copy_mode copy; /* mirror */
	uint16_t nb_rx, nb_tx;
	struct spp_comp_port rx[SPP_COMP_MAX_DIR_PORTS];
	struct spp_comp_port tx[SPP_COMP_MAX_DIR_PORTS];
	struct spp_cls_table *cls; /* classifier: its table, built from tx */
	void *ctx; /* a type built by a layer over the engine: its state */
};

struct spp_comp_task;
/*
 * One pass of a component over its rx ports: frames moved (0 when none
 * came). Runs on its worker lcore; counts only.
 */
typedef unsigned int (*spp_comp_run_fn)(const struct spp_comp_task *t);

/* What one worker lcore runs: immutable once published. */
struct spp_comp_task {
	spp_comp_run_fn run; /* its type's */
	enum spp_copy_mode copy;
	uint16_t nb_rx, nb_tx;
	struct spp_comp_port rx[SPP_COMP_MAX_DIR_PORTS];
	struct spp_comp_port tx[SPP_COMP_MAX_DIR_PORTS];
	const struct spp_cls_table *cls;
	struct spp_comp_stats *stats;
	void *ctx;
};

struct spp_comp_lcore_cfg {
	/* every rx port of the tasks can wake a napping worker */
	bool wakeable;
	uint16_t nb_tasks;
	struct spp_comp_task tasks[];
};

struct spp_comp_engine {
	/* shared with the workers */
	struct spp_comp_lcore_cfg *cfg[RTE_MAX_LCORE];
	struct spp_worker_cycles cycles[RTE_MAX_LCORE]; /* by lcore id */
	struct rte_rcu_qsbr *qs;
	bool quit;
	bool busy_poll;
	/* an eventfd per worker lcore, written when its work changes: wakes
	 * it from a nap (-1: none) */
	int bell[RTE_MAX_LCORE];
	/* control thread only */
	enum spp_proc_kind kind;
	struct spp_port_env env;
	bool paused; /* nothing published runs (nfv's "stop") */
	unsigned int nb_workers;
	unsigned int workers[RTE_MAX_LCORE]; /* lcore ids */
	unsigned int nb_comps;
	struct spp_comp *comps[SPP_COMP_MAX];
	unsigned int nb_ports;
	struct spp_port *ports[SPP_COMP_MAX_PORTS];
	/* ports[i] was added on its own ("add RES"): kept while unused */
	bool held[SPP_COMP_MAX_PORTS];
	struct spp_cls_db cls_db; /* classifier_table entries (spp_vf) */
};

/*
 * Start a worker on every worker lcore of the process (none when workers is
 * false: commands work, nothing runs). Returns 0 or -errno.
 */
int spp_comp_init(struct spp_comp_engine *e, enum spp_proc_kind kind,
		  const struct spp_port_env *env, bool workers, bool busy_poll);
/* Stop the workers, delete every component and port. */
void spp_comp_fini(struct spp_comp_engine *e);

/*
 * The commands of spp_vf and spp_mirror other than status and exit
 * (component start/stop, port add/del, classifier_table add/del), looked up
 * in the engine's table by command id. Returns 0, or -errno with err saying
 * why.
 */
int spp_comp_command(struct spp_comp_engine *e, const struct spp_cmd *cmd,
		     char *err, size_t errlen);
/* Whether spp_comp_command() takes the command id. */
bool spp_comp_takes(enum spp_cmd_id id);

/*
 * Add "ports", "components", "port_stats" and for spp_vf "classifier_table"
 * to a status.
 */
void spp_comp_status(const struct spp_comp_engine *e, json_t *obj);

/*
 * For a layer that builds components itself rather than from commands (the
 * nfv patches of spp_fwd). Control thread.
 */

/* A port of the process, or NULL. */
struct spp_port *spp_comp_port_find(const struct spp_comp_engine *e,
				    const struct spp_res *res);
/*
 * Open the port res (if it is not open) and keep it open while no component
 * uses it, until spp_comp_port_unhold(). -EEXIST if it is held already.
 */
int spp_comp_port_hold(struct spp_comp_engine *e, const struct spp_res *res,
		       char *err, size_t errlen);
/* No more held: closed once no component uses it (at once if none does). */
void spp_comp_port_unhold(struct spp_comp_engine *e, struct spp_port *p);
/*
 * Make *cp a component of type on lcore, with rx and tx as its one rx and
 * tx port (none where NULL) and ctx as its task's ctx: a new one named name
 * when *cp is NULL, else *cp rewired. A component that moves to another
 * lcore leaves the old one (grace period) before the new one runs it, so no
 * frame is taken twice. 0, or -errno with err set.
 */
int spp_comp_place(struct spp_comp_engine *e, struct spp_comp **cp,
		   const char *name, enum spp_comp_type type,
		   unsigned int lcore, struct spp_port *rx, struct spp_port *tx,
		   void *ctx, char *err, size_t errlen);
/* Stop and free component c. 0, or -ENOMEM (c is kept). */
int spp_comp_remove(struct spp_comp_engine *e, struct spp_comp *c);
/*
 * Stop (paused) or go on running every component, each lcore's at once.
 * 0 or -ENOMEM.
 */
int spp_comp_set_paused(struct spp_comp_engine *e, bool paused);
/*
 * The worker lcore with the fewest components (the first such in lcore
 * order), RTE_MAX_LCORE when the process has no worker.
 */
unsigned int spp_comp_least_loaded(const struct spp_comp_engine *e);
/* Whether lcore is a worker lcore of the engine. */
bool spp_comp_is_worker(const struct spp_comp_engine *e, unsigned int lcore);
/* The "workers" of a status: each worker lcore's busy and idle cycles. */
void spp_comp_workers_status(const struct spp_comp_engine *e, json_t *obj);

#endif /* SPP_COMP_H */
