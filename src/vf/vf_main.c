/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * spp_vf: SR-IOV-like networking in software: forward, merge and classifier
 * components on worker lcores, changed at run time without loss.
 *   spp_vf [EAL options] -- --client-id ID -s IP:PORT [--vhost-client]
 *          [--busy-poll]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_lcore.h>

#include "spp_app.h"
#include "spp_comp.h"
#include "spp_shm.h"

static struct spp_comp_engine vf_engine;

static int
vf_command(struct spp_app *app, const struct spp_cmd *cmd, json_t **data,
	   char *err, size_t errlen)
{
	switch (cmd->id) {
	case SPP_CMD_STATUS:
		*data = json_pack("{s:i,s:i,s:o}", "client-id",
				  app->opts.client_id, "master-lcore",
				  rte_get_main_lcore(), "lcores",
				  spp_app_lcores());
		spp_comp_status(&vf_engine, *data);
		return 0;
	case SPP_CMD_EXIT:
		return -ENOTSUP; /* the shared handler */
	default:
		return spp_comp_command(&vf_engine, cmd, err, errlen);
	}
}

int
main(int argc, char **argv)
{
	struct spp_app app = {.kind = SPP_PROC_VF, .command = vf_command};
	struct spp_port_env env = {.kind = SPP_PROC_VF};
	int ret;

	ret = spp_app_init_secondary(&app, &env, argc, argv);
	if (ret != 0)
		return ret < 0 ? 1 : 0;
	if (rte_lcore_count() < 2)
		fprintf(stderr, "spp_vf: warning: one lcore only, components "
				"need worker lcores\n");
	ret = spp_comp_init(&vf_engine, app.kind, &env, app.opts.busy_poll);
	if (ret < 0) {
		fprintf(stderr, "spp_vf: cannot start the workers: %s\n",
			strerror(-ret));
		rte_eal_cleanup();
		return 1;
	}
	spp_app_signals();
	ret = spp_app_run(&app);
	spp_comp_fini(&vf_engine);
	rte_eal_cleanup();
	return ret < 0 ? 1 : 0;
}
