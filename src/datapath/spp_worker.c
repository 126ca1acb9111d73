/* SPDX-License-Identifier: BSD-3-Clause */
#include "spp_worker.h"

#include <sys/prctl.h>

/* the timer slack of a worker's sleeps, in ns */
#define WORKER_TIMER_SLACK_NS 1000

void
spp_worker_loop_init(struct spp_worker_loop *w, bool busy_poll,
		     struct spp_worker_cycles *cycles)
{
	w->busy_poll = busy_poll;
	w->cycles = cycles;
	w->last = rte_rdtsc();
	w->last_work = 0;
	w->hold = rte_get_tsc_hz() / 1000000 * SPP_WORKER_HOLD_US;
	w->doze = rte_get_tsc_hz() / 1000 * SPP_WORKER_DOZE_MS;
	w->sleep_us = SPP_WORKER_SLEEP_MIN_US;
	w->nap = NULL;
	w->nap_arg = NULL;
	/* a sleep of a few us must not last 50 us more */
	prctl(PR_SET_TIMERSLACK, WORKER_TIMER_SLACK_NS, 0, 0, 0);
}

void
spp_worker_cycles_json(json_t *arr, unsigned int lcore,
		       const struct spp_worker_cycles *c)
{
	json_array_append_new(
		arr,
		json_pack(
			"{s:i,s:I,s:I,s:I,s:I}", "lcore", (int)lcore,
			"busy_cycles",
			(json_int_t)__atomic_load_n(&c->busy, __ATOMIC_RELAXED),
			"idle_cycles",
			(json_int_t)__atomic_load_n(&c->idle, __ATOMIC_RELAXED),
			"naps",
			(json_int_t)__atomic_load_n(&c->naps, __ATOMIC_RELAXED),
			"woken",
			(json_int_t)__atomic_load_n(&c->woken,
						    __ATOMIC_RELAXED)));
}

json_t *
spp_worker_status(json_t *obj)
{
	json_t *arr = json_array();

	json_object_set_new(obj, "tsc_hz", json_integer(rte_get_tsc_hz()));
	json_object_set_new(obj, "workers", arr);
	return arr;
}
