/* SPDX-License-Identifier: BSD-3-Clause */
#include "spp_comp_app.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_lcore.h>

#include "spp_app.h"
#include "spp_comp.h"

static struct spp_comp_engine comp_app_engine;

static int
comp_app_command(struct spp_app *app, const struct spp_cmd *cmd, json_t **data,
		 char *err, size_t errlen)
{
	switch (cmd->id) {
	case SPP_CMD_STATUS:
		*data = spp_app_status_head(app);
		spp_comp_status(&comp_app_engine, *data);
		return 0;
	case SPP_CMD_EXIT:
		return -ENOTSUP; /* the shared handler */
	default:
		return spp_comp_command(&comp_app_engine, cmd, err, errlen);
	}
}

int
spp_comp_app_main(enum spp_proc_kind kind, int argc, char **argv)
{
	struct spp_app app = {.kind = kind, .command = comp_app_command};
	struct spp_port_env env = {.kind = kind};
	const char *name = spp_proc_kind_binary(kind);
	int ret;

	ret = spp_app_init_secondary(&app, &env, argc, argv);
	if (ret != 0)
		return ret < 0 ? 1 : 0;
	if (rte_lcore_count() < 2)
		fprintf(stderr,
			"%s: warning: one lcore only, components need "
			"worker lcores\n",
			name);
	ret = spp_comp_init(&comp_app_engine, kind, &env, app.opts.busy_poll);
	if (ret < 0) {
		fprintf(stderr, "%s: cannot start the workers: %s\n", name,
			strerror(-ret));
		rte_eal_cleanup();
		return 1;
	}
	spp_app_signals();
	ret = spp_app_run(&app);
	spp_comp_fini(&comp_app_engine);
	rte_eal_cleanup();
	return ret < 0 ? 1 : 0;
}
