/* SPDX-License-Identifier: BSD-3-Clause */
#include "spp_worker.h"

void
spp_worker_cycles_json(json_t *arr, unsigned int lcore,
		       const struct spp_worker_cycles *c)
{
	json_array_append_new(
		arr,
		json_pack(
			"{s:i,s:I,s:I}", "lcore", (int)lcore, "busy_cycles",
			(json_int_t)__atomic_load_n(&c->busy, __ATOMIC_RELAXED),
			"idle_cycles",
			(json_int_t)__atomic_load_n(&c->idle,
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
