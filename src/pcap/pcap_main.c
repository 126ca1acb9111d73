/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * spp_pcap: captures one port into LZ4-compressed pcap files.
 *   spp_pcap [EAL options] -- --client-id ID -s IP:PORT -c RES
 *            [--out-dir DIR] [--fsize BYTES] [--pass-to RES] [--busy-poll]
 */
#include <errno.h>
#include <stdio.h>

#include <rte_eal.h>

#include "spp_app.h"
#include "spp_capture.h"

static struct spp_capture pcap_capture;

static void
pcap_status(const struct spp_app *app, json_t *st)
{
	spp_capture_status(app->ctx, st);
}

/* start and stop */
static int
pcap_cmd_run(struct spp_app *app, const struct spp_cmd *cmd,
	     json_t **data __rte_unused, char *err, size_t errlen)
{
	if (cmd->id == SPP_CMD_START)
		return spp_capture_start(app->ctx, err, errlen);
	return spp_capture_stop(app->ctx, err, errlen);
}

static const spp_app_handler_fn pcap_handlers[SPP_CMD_MAX] = {
	[SPP_CMD_STATUS] = spp_app_cmd_status,
	[SPP_CMD_EXIT] = spp_app_cmd_exit,
	[SPP_CMD_START] = pcap_cmd_run,
	[SPP_CMD_STOP] = pcap_cmd_run,
};

int
main(int argc, char **argv)
{
	struct spp_app app = {.kind = SPP_PROC_PCAP,
			      .handlers = pcap_handlers,
			      .status = pcap_status,
			      .ctx = &pcap_capture};
	struct spp_port_env env = {.kind = SPP_PROC_PCAP};
	char err[512];
	int ret;

	ret = spp_app_init_secondary(&app, &env, argc, argv);
	if (ret != 0)
		return ret < 0 ? 1 : 0;
	ret = spp_capture_init(&pcap_capture, &app.opts, &env, err,
			       sizeof(err));
	if (ret < 0) {
		fprintf(stderr, "spp_pcap: %s\n", err);
		rte_eal_cleanup();
		return 1;
	}
	spp_app_signals();
	ret = spp_app_run(&app);
	spp_capture_fini(&pcap_capture);
	rte_eal_cleanup();
	return ret < 0 ? 1 : 0;
}
