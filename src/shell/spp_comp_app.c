/* SPDX-License-Identifier: BSD-3-Clause */
#include "spp_comp_app.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_lcore.h>

#include "spp_app.h"
#include "spp_comp.h"

static struct spp_comp_engine comp_app_engine;

static void
comp_app_status(const struct spp_app *app, json_t *st)
{
	spp_comp_status(app->ctx, st);
}

static int
comp_app_engine_cmd(struct spp_app *app, const struct spp_cmd *cmd,
		    json_t **data __rte_unused, char *err, size_t errlen)
{
	return spp_comp_command(app->ctx, cmd, err, errlen);
}

static spp_app_handler_fn comp_app_handlers[SPP_CMD_MAX];

/* status, exit and what the engine takes */
static void
comp_app_handlers_init(void)
{
	unsigned int id;

	for (id = 0; id < SPP_CMD_MAX; id++)
		if (spp_comp_takes((enum spp_cmd_id)id))
			comp_app_handlers[id] = comp_app_engine_cmd;
	comp_app_handlers[SPP_CMD_STATUS] = spp_app_cmd_status;
	comp_app_handlers[SPP_CMD_EXIT] = spp_app_cmd_exit;
}

int
spp_comp_app_main(enum spp_proc_kind kind, int argc, char **argv)
{
	struct spp_app app = {.kind = kind,
			      .handlers = comp_app_handlers,
			      .status = comp_app_status,
			      .ctx = &comp_app_engine};
	struct spp_port_env env = {.kind = kind};
	const char *name = spp_proc_kind_binary(kind);
	int ret;

	comp_app_handlers_init();
	ret = spp_app_init_secondary(&app, &env, argc, argv);
	if (ret != 0)
		return ret < 0 ? 1 : 0;
	if (rte_lcore_count() < 2)
		fprintf(stderr,
			"%s: warning: one lcore only, components need "
			"worker lcores\n",
			name);
	ret = spp_comp_init(&comp_app_engine, kind, &env, true,
			    app.opts.busy_poll);
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
