/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What every worker loop of SPP does after a pass over its work: report a
 * quiescent state (the control thread may free what the worker no longer
 * sees; qs NULL for a worker without RCU) and, when nothing moved, back off
 * so that several DPDK processes can share a small machine: spin a while,
 * then sleep offline.
 */
#ifndef SPP_WORKER_H
#define SPP_WORKER_H

#include <stdbool.h>

#include <rte_cycles.h>
#include <rte_pause.h>
#include <rte_rcu_qsbr.h>

#define SPP_WORKER_IDLE_SPINS 1024
#define SPP_WORKER_IDLE_SLEEP_US 100
#define SPP_WORKER_STOPPED_SLEEP_US 1000

struct spp_worker_idle {
	unsigned int spins;
	bool busy_poll; /* never sleep while there is work to poll */
};

static inline void
spp_worker_pass_done(struct spp_worker_idle *w, unsigned int moved,
		     bool running, struct rte_rcu_qsbr *qs, unsigned int tid)
{
	if (qs != NULL)
		rte_rcu_qsbr_quiescent(qs, tid);
	if (moved != 0 || (w->busy_poll && running)) {
		w->spins = 0;
		return;
	}
	if (running && ++w->spins < SPP_WORKER_IDLE_SPINS) {
		rte_pause();
		return;
	}
	if (qs != NULL)
		rte_rcu_qsbr_thread_offline(qs, tid);
	rte_delay_us_sleep(running ? SPP_WORKER_IDLE_SLEEP_US
				   : SPP_WORKER_STOPPED_SLEEP_US);
	if (qs != NULL)
		rte_rcu_qsbr_thread_online(qs, tid);
}

#endif /* SPP_WORKER_H */
