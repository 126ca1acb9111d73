/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What every worker loop of SPP does after a pass over its work: report a
 * quiescent state (the control thread may free what the worker no longer
 * sees; qs NULL for a worker without RCU), account its cycles as busy or
 * idle, and, when nothing moved, back off so that several DPDK processes can
 * share a small machine.
 *
 * The back-off: a worker that moved frames in the last SPP_WORKER_HOLD_US
 * keeps polling (a light flow, 10 kpps say, then meets no sleeping worker:
 * its latency is busy polling's). Past that, it sleeps offline, 1 us first,
 * each sleep twice the one before, up to SPP_WORKER_NAP_US while frames came
 * in the last SPP_WORKER_DOZE_MS (a ping a second finds it at most 100 us
 * away), up to SPP_WORKER_IDLE_SLEEP_US after: an idle worker wakes 500
 * times a second for one pass. A wake costs about 30 us of CPU on a VM (100
 * us sleeps took 17-26% of a CPU, 2 ms ones take 1.2-1.8%, BENCHMARKS.md).
 * Its thread's timer slack is 1 us (Linux's default, 50 us, would stretch
 * the short sleeps).
 *
 * A loop may have a nap: for the long sleeps (SPP_WORKER_IDLE_SLEEP_US and
 * a stopped worker's), a wait that ends when frames come or the work
 * changes, up to SPP_WORKER_WAKE_SLEEP_US, where everything the worker
 * polls can wake it (the engine's, with vhost kicks: spp_comp.c). An idle
 * worker then wakes 10 times a second, and the first frame after a silence
 * waits for a thread's wake-up instead of the end of a 2 ms sleep.
 */
#ifndef SPP_WORKER_H
#define SPP_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_pause.h>
#include <rte_rcu_qsbr.h>

#define SPP_WORKER_HOLD_US 1000u
#define SPP_WORKER_SLEEP_MIN_US 1u
#define SPP_WORKER_NAP_US 100u
#define SPP_WORKER_DOZE_MS 2000u
#define SPP_WORKER_IDLE_SLEEP_US 2000u
#define SPP_WORKER_STOPPED_SLEEP_US 2000
#define SPP_WORKER_WAKE_SLEEP_US 100000u

/*
 * Where a worker lcore's time goes, in TSC cycles: passes that moved frames
 * (busy) and passes that did not, with their back-off (idle). Like OVS's
 * pmd-stats: busy cycles over the frames moved is what a frame costs,
 * whatever rate the ports around offer. Written by its worker only, read by
 * the control thread; on a cache line of its own.
 */
struct spp_worker_cycles {
	uint64_t busy;
	uint64_t idle;
	uint64_t naps;	/* long sleeps in the loop's nap */
	uint64_t woken; /* of them, ended by frames or a change */
} __rte_cache_aligned;

/* A worker loop's own state, on its stack. */
struct spp_worker_loop {
	bool busy_poll; /* never sleep while there is work to poll */
	struct spp_worker_cycles *cycles;
	uint64_t last;	       /* TSC at the end of the previous pass */
	uint64_t last_work;    /* TSC of the last pass that moved frames */
	uint64_t hold;	       /* SPP_WORKER_HOLD_US in TSC cycles */
	uint64_t doze;	       /* SPP_WORKER_DOZE_MS in TSC cycles */
	unsigned int sleep_us; /* the next sleep */
	/*
	 * The nap: sleep (offline for RCU on qs, tid) until woken or up to
	 * SPP_WORKER_WAKE_SLEEP_US; false when it cannot (something the
	 * worker polls cannot wake it): the loop sleeps us then.
	 */
	bool (*nap)(void *arg, struct rte_rcu_qsbr *qs, unsigned int tid);
	void *nap_arg;
};

/* On the worker's own thread, before its loop. */
void spp_worker_loop_init(struct spp_worker_loop *w, bool busy_poll,
			  struct spp_worker_cycles *cycles);

/* One 64-bit store: the control thread never reads half a counter. */
static inline void
spp_worker_cycles_add(uint64_t *counter, uint64_t n)
{
	__atomic_store_n(counter, *counter + n, __ATOMIC_RELAXED);
}

static inline void
spp_worker_pass_done(struct spp_worker_loop *w, unsigned int moved,
		     bool running, struct rte_rcu_qsbr *qs, unsigned int tid)
{
	uint64_t now = rte_rdtsc();
	unsigned int us;

	spp_worker_cycles_add(moved != 0 ? &w->cycles->busy : &w->cycles->idle,
			      now - w->last);
	w->last = now;
	if (qs != NULL)
		rte_rcu_qsbr_quiescent(qs, tid);
	if (moved != 0) {
		w->last_work = now;
		w->sleep_us = SPP_WORKER_SLEEP_MIN_US;
		return;
	}
	if (running && w->busy_poll)
		return;
	if (running && now - w->last_work < w->hold) {
		rte_pause();
		return;
	}
	us = running ? w->sleep_us : SPP_WORKER_STOPPED_SLEEP_US;
	if (us < SPP_WORKER_IDLE_SLEEP_US || w->nap == NULL ||
	    !w->nap(w->nap_arg, qs, tid)) {
		if (qs != NULL)
			rte_rcu_qsbr_thread_offline(qs, tid);
		rte_delay_us_sleep(us);
		if (qs != NULL)
			rte_rcu_qsbr_thread_online(qs, tid);
	}
	w->sleep_us =
		RTE_MIN(2 * w->sleep_us, now - w->last_work < w->doze
						 ? SPP_WORKER_NAP_US
						 : SPP_WORKER_IDLE_SLEEP_US);
	/* the sleep is idle time, not the next pass's */
	now = rte_rdtsc();
	spp_worker_cycles_add(&w->cycles->idle, now - w->last);
	w->last = now;
}

/*
 * {"lcore":L,"busy_cycles":B,"idle_cycles":I} appended to arr (the
 * "workers" array of a status; its "tsc_hz" gives the cycles' rate).
 */
void spp_worker_cycles_json(json_t *arr, unsigned int lcore,
			    const struct spp_worker_cycles *c);
/* Set "tsc_hz" and an empty "workers" array in obj; returns the array. */
json_t *spp_worker_status(json_t *obj);

#endif /* SPP_WORKER_H */
