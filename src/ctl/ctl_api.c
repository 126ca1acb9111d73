/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The REST API v1 of spp-ctl (shared/docs/interface.md): the routing table
 * and the handlers that turn a request into a command line.
 */
#include "ctl_api.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_cpu.h"
#include "ctl_launch.h"
#include "spp_res.h"

static const char *ctl_api_sysfs = "/sys";

static void
ctl_api_processes(struct ctl_call *call)
{
	ctl_ok(call, ctl_procs_list());
}

static void
ctl_api_cpu_usage(struct ctl_call *call)
{
	ctl_ok(call, ctl_procs_cpu_usage());
}

static void
ctl_api_cpu_layout(struct ctl_call *call)
{
	json_t *layout;

	if (ctl_cpu_layout(ctl_api_sysfs, &layout, call->err,
			   sizeof(call->err)) < 0) {
		call->status = 500;
		return;
	}
	ctl_ok(call, layout);
}

/* A command without argument: arg is its text. */
static void
ctl_api_simple(struct ctl_call *call)
{
	ctl_command(call, call->route->arg);
}

/* {"action": ...} -> the command of the action map in arg. */
static void
ctl_api_action(struct ctl_call *call)
{
	static const char *const keys[] = {"action", NULL};
	const char *command;

	if (ctl_body_keys(call, keys) < 0 ||
	    ctl_body_action(call, call->route->arg, &command) < 0)
		return;
	ctl_command(call, command);
}

static const struct ctl_action ctl_api_forward_actions[] = {
	{"start", "forward"},
	{"stop", "stop"},
	{NULL, NULL},
};

static const struct ctl_action ctl_api_port_actions[] = {
	{"add", "add"},
	{"del", "del"},
	{NULL, NULL},
};

/*
 * {"action":"add"|"del","port":RES} -> "add RES" / "del RES"; where arg is
 * set (the primary), a pipe is added with "rx" and "tx" rings.
 */
static void
ctl_api_ports(struct ctl_call *call)
{
	static const char *const keys[] = {"action", "port", NULL};
	static const char *const pipe_keys[] = {"action", "port", "rx", "tx",
						NULL};
	char port[SPP_RES_NAME_LEN], rx[SPP_RES_NAME_LEN];
	char tx[SPP_RES_NAME_LEN], line[128];
	bool pipes = call->route->arg != NULL;
	const char *command;

	if (ctl_body_keys(call, pipes ? pipe_keys : keys) < 0 ||
	    ctl_body_action(call, ctl_api_port_actions, &command) < 0 ||
	    ctl_body_port(call, "port", port, sizeof(port)) < 0)
		return;
	if (!pipes || (json_object_get(call->body, "rx") == NULL &&
		       json_object_get(call->body, "tx") == NULL)) {
		snprintf(line, sizeof(line), "%s %s", command, port);
		ctl_command(call, line);
		return;
	}
	if (strcmp(command, "add") != 0 || strncmp(port, "pipe:", 5) != 0) {
		ctl_fail(call, 400,
			 "'rx' and 'tx' are only for adding a "
			 "pipe: {\"action\":\"add\",\"port\":"
			 "\"pipe:N\",\"rx\":\"ring:A\","
			 "\"tx\":\"ring:B\"}");
		return;
	}
	if (ctl_body_port(call, "rx", rx, sizeof(rx)) < 0 ||
	    ctl_body_port(call, "tx", tx, sizeof(tx)) < 0)
		return;
	snprintf(line, sizeof(line), "add %s %s %s", port, rx, tx);
	ctl_command(call, line);
}

/* {"src":RES,"dst":RES} -> "patch SRC DST" */
static void
ctl_api_patches(struct ctl_call *call)
{
	static const char *const keys[] = {"src", "dst", NULL};
	char src[SPP_RES_NAME_LEN], dst[SPP_RES_NAME_LEN], line[64];

	if (ctl_body_keys(call, keys) < 0 ||
	    ctl_body_port(call, "src", src, sizeof(src)) < 0 ||
	    ctl_body_port(call, "dst", dst, sizeof(dst)) < 0)
		return;
	snprintf(line, sizeof(line), "patch %s %s", src, dst);
	ctl_command(call, line);
}

static void
ctl_api_launch(struct ctl_call *call)
{
	char *line;

	line = ctl_launch_line(call);
	if (line == NULL)
		return;
	ctl_command(call, line);
	free(line);
}

/* Answer 400 with the message in arg. */
static void
ctl_api_refuse(struct ctl_call *call)
{
	ctl_fail(call, 400, "%s", (const char *)call->route->arg);
}

static const char ctl_api_no_flow[] = "flow rules are not supported yet";

#define PRI SPP_PROC_PRIMARY
#define OBJ CTL_BODY_OBJECT
#define NONE CTL_BODY_IGNORED

/* The status and exit of a secondary kind, at /v1/KINDS/ID. */
#define CTL_API_SECONDARY(path, kind)                                          \
	{"GET", path "/{id}", kind, NONE, ctl_api_simple, "status"},           \
	{                                                                      \
		"DELETE", path "/{id}", kind, NONE, ctl_api_simple, "exit"     \
	}

static const struct ctl_route ctl_api_routes[] = {
	{"GET", "/v1/processes", 0, NONE, ctl_api_processes, NULL},
	{"GET", "/v1/cpu_layout", 0, NONE, ctl_api_cpu_layout, NULL},
	{"GET", "/v1/cpu_usage", 0, NONE, ctl_api_cpu_usage, NULL},

	{"GET", "/v1/primary/status", PRI, NONE, ctl_api_simple, "status"},
	{"DELETE", "/v1/primary/status", PRI, NONE, ctl_api_simple, "clear"},
	{"PUT", "/v1/primary/forward", PRI, OBJ, ctl_api_action,
	 ctl_api_forward_actions},
	{"PUT", "/v1/primary/ports", PRI, OBJ, ctl_api_ports, "pipes"},
	{"PUT", "/v1/primary/patches", PRI, OBJ, ctl_api_patches, NULL},
	{"DELETE", "/v1/primary/patches", PRI, NONE, ctl_api_simple,
	 "patch reset"},
	{"PUT", "/v1/primary/launch", PRI, OBJ, ctl_api_launch, NULL},
	{"DELETE", "/v1/primary", PRI, NONE, ctl_api_simple, "exit"},
	{"POST", "/v1/primary/flow_rules/port_id/{*}/validate", 0, NONE,
	 ctl_api_refuse, ctl_api_no_flow},
	{"POST", "/v1/primary/flow_rules/port_id/{*}", 0, NONE, ctl_api_refuse,
	 ctl_api_no_flow},
	{"DELETE", "/v1/primary/flow_rules/port_id/{*}", 0, NONE,
	 ctl_api_refuse, ctl_api_no_flow},
	{"DELETE", "/v1/primary/flow_rules/{*}/port_id/{*}", 0, NONE,
	 ctl_api_refuse, ctl_api_no_flow},

	CTL_API_SECONDARY("/v1/nfvs", SPP_PROC_NFV),
	{"PUT", "/v1/nfvs/{id}/forward", SPP_PROC_NFV, OBJ, ctl_api_action,
	 ctl_api_forward_actions},
	{"PUT", "/v1/nfvs/{id}/ports", SPP_PROC_NFV, OBJ, ctl_api_ports, NULL},
	{"PUT", "/v1/nfvs/{id}/patches", SPP_PROC_NFV, OBJ, ctl_api_patches,
	 NULL},
	{"DELETE", "/v1/nfvs/{id}/patches", SPP_PROC_NFV, NONE, ctl_api_simple,
	 "patch reset"},

	CTL_API_SECONDARY("/v1/vfs", SPP_PROC_VF),
	CTL_API_SECONDARY("/v1/mirrors", SPP_PROC_MIRROR),
	CTL_API_SECONDARY("/v1/pcaps", SPP_PROC_PCAP),

	{NULL, NULL, 0, NONE, NULL, NULL},
};

const struct ctl_route *
ctl_api_init(const char *sysfs)
{
	ctl_api_sysfs = sysfs;
	return ctl_api_routes;
}
