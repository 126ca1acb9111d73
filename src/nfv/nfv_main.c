/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * spp_nfv: a secondary process that patches ports one way to another.
 *   spp_nfv [EAL options] -- -n ID -s IP:PORT [--vhost-client] [--busy-poll]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "spp_app.h"
#include "spp_shm.h"

int
main(int argc, char **argv)
{
	static struct spp_fwd fwd;
	struct spp_app app = {.kind = SPP_PROC_NFV,
			      .handlers = spp_app_fwd_handlers,
			      .status = spp_app_fwd_status,
			      .ctx = &fwd};
	struct spp_port_env env = {.kind = SPP_PROC_NFV};
	int ret;

	ret = spp_app_init_secondary(&app, &env, argc, argv);
	if (ret != 0)
		return ret < 0 ? 1 : 0;
	if (spp_app_first_worker() == RTE_MAX_LCORE)
		fprintf(stderr, "spp_nfv: warning: one lcore only, it can "
				"take commands but not forward\n");
	ret = spp_fwd_init(&fwd, &env, true, app.opts.busy_poll);
	if (ret < 0) {
		fprintf(stderr, "spp_nfv: cannot start the forwarder: %s\n",
			strerror(-ret));
		rte_eal_cleanup();
		return 1;
	}
	spp_fwd_add_phys(&fwd);
	spp_app_signals();
	ret = spp_app_run(&app);
	spp_fwd_fini(&fwd);
	rte_eal_cleanup();
	return ret < 0 ? 1 : 0;
}
