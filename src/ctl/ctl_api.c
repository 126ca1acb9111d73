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
#include "ctl_metrics.h"
#include "ctl_state.h"
#include "ctl_topo.h"
#include "ctl_ui.h"
#include "spp_res.h"

static const char *ctl_api_sysfs = "/sys";

static void
ctl_api_processes(struct ctl_call *call)
{
	json_t *list = ctl_procs_list();

	ctl_state_annotate(list);
	ctl_ok(call, list);
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
	char tx[SPP_RES_NAME_LEN];
	bool pipes = call->route->arg != NULL;
	const char *command;

	if (ctl_body_keys(call, pipes ? pipe_keys : keys) < 0 ||
	    ctl_body_action(call, ctl_api_port_actions, &command) < 0 ||
	    ctl_body_port(call, "port", port, sizeof(port)) < 0)
		return;
	if (!pipes || (json_object_get(call->body, "rx") == NULL &&
		       json_object_get(call->body, "tx") == NULL)) {
		ctl_commandf(call, "%s %s", command, port);
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
	ctl_commandf(call, "add %s %s %s", port, rx, tx);
}

/*
 * {"src":RES,"dst":RES[,"lcore":N]} -> "patch SRC DST [N]" (the worker lcore
 * the patch runs on; without it the process places it)
 */
static void
ctl_api_patches(struct ctl_call *call)
{
	static const char *const keys[] = {"src", "dst", "lcore", NULL};
	char src[SPP_RES_NAME_LEN], dst[SPP_RES_NAME_LEN], lcore[24] = "";
	json_int_t lc;

	if (ctl_body_keys(call, keys) < 0 ||
	    ctl_body_port(call, "src", src, sizeof(src)) < 0 ||
	    ctl_body_port(call, "dst", dst, sizeof(dst)) < 0)
		return;
	if (json_object_get(call->body, "lcore") != NULL) {
		if (ctl_body_int(call, "lcore", &lc) < 0)
			return;
		snprintf(lcore, sizeof(lcore), " %" JSON_INTEGER_FORMAT, lc);
	}
	ctl_commandf(call, "patch %s %s%s", src, dst, lcore);
}

/*
 * spp_vf and spp_mirror. Values go into the command line as they are, one
 * word each; spp_cmd_parse() in ctl_command() checks them for the kind of
 * the route, so the REST answer names a bad value as the process would.
 */

/*
 * {"name":NAME,"core":CORE,"type":TYPE[,"copy":MODE]} ->
 * "component start NAME CORE TYPE [MODE]" (the copy mode of a mirror)
 */
static void
ctl_api_comp_start(struct ctl_call *call)
{
	static const char *const keys[] = {"name", "core", "type", "copy",
					   NULL};
	static const char *const required[] = {"name", "core", "type", NULL};
	const char *name, *type, *copy = "";
	json_int_t core;

	if (ctl_body_keys(call, keys) < 0 ||
	    ctl_body_required(call, required) < 0 ||
	    ctl_body_word(call, "name", &name) < 0 ||
	    ctl_body_int(call, "core", &core) < 0 ||
	    ctl_body_word(call, "type", &type) < 0 ||
	    (json_object_get(call->body, "copy") != NULL &&
	     ctl_body_word(call, "copy", &copy) < 0))
		return;
	ctl_commandf(call, "component start %s %" JSON_INTEGER_FORMAT " %s%s%s",
		     name, core, type, copy[0] != '\0' ? " " : "", copy);
}

/* The component name of the path, checked by the command parser. */
static int
ctl_api_comp_name(struct ctl_call *call, const char **name)
{
	*name = call->params[0];
	return ctl_check_word(call, "component name", *name);
}

/* DELETE .../components/NAME -> "component stop NAME" */
static void
ctl_api_comp_stop(struct ctl_call *call)
{
	const char *name;

	if (ctl_api_comp_name(call, &name) < 0)
		return;
	ctl_commandf(call, "component stop %s", name);
}

static const struct ctl_action ctl_api_attach_actions[] = {
	{"attach", "port add"},
	{"detach", "port del"},
	{NULL, NULL},
};

static const struct ctl_action ctl_api_vlan_ops[] = {
	{"none", ""},
	{"add", "add_vlantag"},
	{"del", "del_vlantag"},
	{NULL, NULL},
};

/*
 * The options of "vlan":{"operation":OP,"id":VID,"pcp":PCP} into tag:
 * "", " add_vlantag VID PCP" or " del_vlantag". id and pcp are read with
 * "add" only. As in the original, no "vlan", a null one or an empty object
 * is no VLAN operation (its CLI sends "vlan":{} on every port add and del).
 */
static int
ctl_api_vlan_tag(struct ctl_call *call, char *tag, size_t len)
{
	static const char *const keys[] = {"operation", "id", "pcp", NULL};
	static const char *const add_keys[] = {"vlan.id", "vlan.pcp", NULL};
	json_t *vlan = json_object_get(call->body, "vlan");
	json_int_t id, pcp;
	const char *op;

	tag[0] = '\0';
	if (vlan == NULL || json_is_null(vlan) ||
	    (json_is_object(vlan) && json_object_size(vlan) == 0))
		return 0;
	if (ctl_body_object(call, "vlan", keys) < 0 ||
	    ctl_body_choice(call, "vlan.operation", ctl_api_vlan_ops, &op) < 0)
		return -1;
	if (strcmp(op, "add_vlantag") != 0) {
		snprintf(tag, len, "%s%s", *op ? " " : "", op);
		return 0;
	}
	if (ctl_body_required(call, add_keys) < 0 ||
	    ctl_body_int(call, "vlan.id", &id) < 0 ||
	    ctl_body_int(call, "vlan.pcp", &pcp) < 0)
		return -1;
	snprintf(tag, len,
		 " add_vlantag %" JSON_INTEGER_FORMAT " %" JSON_INTEGER_FORMAT,
		 id, pcp);
	return 0;
}

/*
 * PUT .../components/NAME/ports {"action":"attach"|"detach","port":RES,
 * "dir":"rx"|"tx","vlan":{...}} -> "port add|del RES DIR NAME [VLAN]".
 * A detach ignores "vlan" whatever it holds, as the original did: its
 * clients send the attach's object back on detach.
 */
static void
ctl_api_comp_ports(struct ctl_call *call)
{
	static const char *const keys[] = {"action", "port", "dir", "vlan",
					   NULL};
	static const char *const required[] = {"action", "port", "dir", NULL};
	char port[SPP_RES_NAME_LEN], tag[64];
	const char *name, *command, *dir;

	if (ctl_api_comp_name(call, &name) < 0 ||
	    ctl_body_keys(call, keys) < 0 ||
	    ctl_body_required(call, required) < 0 ||
	    ctl_body_action(call, ctl_api_attach_actions, &command) < 0 ||
	    ctl_body_port(call, "port", port, sizeof(port)) < 0 ||
	    ctl_body_word(call, "dir", &dir) < 0)
		return;
	tag[0] = '\0';
	if (strcmp(command, "port add") == 0 &&
	    ctl_api_vlan_tag(call, tag, sizeof(tag)) < 0)
		return;
	ctl_commandf(call, "%s %s %s %s%s", command, port, dir, name, tag);
}

static const struct ctl_action ctl_api_cls_actions[] = {
	{"add", "classifier_table add"},
	{"del", "classifier_table del"},
	{NULL, NULL},
};

static const struct ctl_action ctl_api_cls_types[] = {
	{"mac", "mac"},
	{"vlan", "vlan"},
	{NULL, NULL},
};

/*
 * {"action":"add"|"del","type":"mac"|"vlan","vlan":VID,"mac_address":MAC,
 * "port":RES} -> "classifier_table add|del mac MAC RES" or "... vlan VID
 * MAC RES"
 */
static void
ctl_api_cls(struct ctl_call *call)
{
	static const char *const keys[] = {"action",	  "type", "vlan",
					   "mac_address", "port", NULL};
	static const char *const required[] = {"action", "type", "mac_address",
					       "port", NULL};
	const char *command, *type, *mac;
	char port[SPP_RES_NAME_LEN], vlan[32] = "";
	json_int_t vid;

	if (ctl_body_keys(call, keys) < 0 ||
	    ctl_body_required(call, required) < 0 ||
	    ctl_body_action(call, ctl_api_cls_actions, &command) < 0 ||
	    ctl_body_choice(call, "type", ctl_api_cls_types, &type) < 0 ||
	    ctl_body_word(call, "mac_address", &mac) < 0 ||
	    ctl_body_port(call, "port", port, sizeof(port)) < 0)
		return;
	if (strcmp(type, "vlan") == 0) {
		if (ctl_body_int(call, "vlan", &vid) < 0)
			return;
		snprintf(vlan, sizeof(vlan), " %" JSON_INTEGER_FORMAT, vid);
	} else if (json_object_get(call->body, "vlan") != NULL) {
		ctl_fail(call, 400, "'vlan' is only for type vlan");
		return;
	}
	ctl_commandf(call, "%s %s%s %s %s", command, type, vlan, mac, port);
}

static const struct ctl_action ctl_api_capture_actions[] = {
	{"start", "start"},
	{"stop", "stop"},
	{NULL, NULL},
};

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
#define FWD (SPP_PROC_PRIMARY | SPP_PROC_NFV)
#define COMP (SPP_PROC_VF | SPP_PROC_MIRROR)
#define ALL (FWD | COMP | SPP_PROC_PCAP)
#define OBJ CTL_BODY_OBJECT
#define NONE CTL_BODY_IGNORED

/* The routes of no process kind. */
static const struct ctl_route ctl_api_fixed[] = {
	{"GET", "/v1/processes", 0, NONE, ctl_api_processes, NULL},
	{"GET", "/v1/cpu_layout", 0, NONE, ctl_api_cpu_layout, NULL},
	{"GET", "/v1/cpu_usage", 0, NONE, ctl_api_cpu_usage, NULL},
	{"GET", "/metrics", 0, NONE, ctl_metrics_get, NULL},
	{"GET", "/v1/topology", 0, NONE, ctl_topo_get, NULL},
	{"GET", "/v1/topology/yaml", 0, NONE, ctl_topo_get, "yaml"},
	{"PUT", "/v1/topology", 0, NONE, ctl_topo_put, NULL},
	{"PUT", "/v1/topology/dry-run", 0, NONE, ctl_topo_put, "dry-run"},
	{"GET", "/", 0, NONE, ctl_ui_file, "/ui/index.html"},
	{"GET", "/ui", 0, NONE, ctl_ui_file, "/ui/index.html"},
	{"GET", "/ui/topology", 0, NONE, ctl_ui_topology, NULL},
	{"GET", "/ui/{*}", 0, NONE, ctl_ui_file, NULL},
};

/*
 * What spp-ctl does with the request of a command to each kind that takes
 * it; the method and the path are the command's (spp_cmd_rest()) under the
 * kind's REST path (spp_proc_info()). Commands that share a request (add
 * and del) share a row; per path, the rows are in the order of the methods
 * a 405 lists.
 */
static const struct ctl_api_cmd_route {
	enum spp_cmd_id id;
	unsigned int kinds;
	enum ctl_body body;
	ctl_handler_t handler;
	const void *arg;
} ctl_api_cmds[] = {
	{SPP_CMD_STATUS, ALL, NONE, ctl_api_simple, "status"},
	{SPP_CMD_CLEAR, PRI, NONE, ctl_api_simple, "clear"},
	{SPP_CMD_EXIT, ALL, NONE, ctl_api_simple, "exit"},
	{SPP_CMD_FORWARD, FWD, OBJ, ctl_api_action, ctl_api_forward_actions},
	{SPP_CMD_ADD, PRI, OBJ, ctl_api_ports, "pipes"},
	{SPP_CMD_ADD, SPP_PROC_NFV, OBJ, ctl_api_ports, NULL},
	{SPP_CMD_PATCH, FWD, OBJ, ctl_api_patches, NULL},
	{SPP_CMD_PATCH_RESET, FWD, NONE, ctl_api_simple, "patch reset"},
	{SPP_CMD_LAUNCH, PRI, OBJ, ctl_api_launch, NULL},
	{SPP_CMD_COMPONENT_START, COMP, OBJ, ctl_api_comp_start, NULL},
	{SPP_CMD_COMPONENT_STOP, COMP, NONE, ctl_api_comp_stop, NULL},
	{SPP_CMD_PORT_ADD, COMP, OBJ, ctl_api_comp_ports, NULL},
	{SPP_CMD_CLS_ADD, SPP_PROC_VF, OBJ, ctl_api_cls, NULL},
	{SPP_CMD_START, SPP_PROC_PCAP, OBJ, ctl_api_action,
	 ctl_api_capture_actions},
};

/* Under the primary's path, refused: no process is asked. */
static const char *const ctl_api_flow_rules[][2] = {
	{"POST", "/flow_rules/port_id/{*}/validate"},
	{"POST", "/flow_rules/port_id/{*}"},
	{"DELETE", "/flow_rules/port_id/{*}"},
	{"DELETE", "/flow_rules/{*}/port_id/{*}"},
};

#define CTL_API_DIM(a) (sizeof(a) / sizeof((a)[0]))
/* room for every route the tables above make (46 now) and the end */
#define CTL_API_MAX_ROUTES 64
#define CTL_API_PATTERN_LEN 96

static struct ctl_route ctl_api_routes[CTL_API_MAX_ROUTES];
static char ctl_api_patterns[CTL_API_MAX_ROUTES][CTL_API_PATTERN_LEN];

/* Route n: method on the REST path of kind then sub. */
static struct ctl_route *
ctl_api_route(size_t n, enum spp_proc_kind kind, const char *method,
	      const char *sub)
{
	snprintf(ctl_api_patterns[n], CTL_API_PATTERN_LEN, "%s%s",
		 spp_proc_info(kind)->rest, sub);
	ctl_api_routes[n].method = method;
	ctl_api_routes[n].pattern = ctl_api_patterns[n];
	ctl_api_routes[n].kind = kind;
	return &ctl_api_routes[n];
}

/* The table: the fixed routes, then those of each kind, then flow rules. */
static void
ctl_api_build(void)
{
	const struct ctl_api_cmd_route *c;
	const char *method, *sub;
	struct ctl_route *r;
	size_t n = 0, i;
	unsigned int k;

	for (i = 0; i < CTL_API_DIM(ctl_api_fixed); i++)
		ctl_api_routes[n++] = ctl_api_fixed[i];
	for (k = SPP_PROC_PRIMARY; k <= SPP_PROC_PCAP; k <<= 1)
		for (c = ctl_api_cmds;
		     c < ctl_api_cmds + CTL_API_DIM(ctl_api_cmds); c++) {
			if (!(c->kinds & k) ||
			    spp_cmd_rest(c->id, k, &method, &sub) < 0)
				continue;
			r = ctl_api_route(n++, k, method, sub);
			r->body = c->body;
			r->handler = c->handler;
			r->arg = c->arg;
		}
	for (i = 0; i < CTL_API_DIM(ctl_api_flow_rules); i++) {
		r = ctl_api_route(n++, PRI, ctl_api_flow_rules[i][0],
				  ctl_api_flow_rules[i][1]);
		r->kind = 0;
		r->body = NONE;
		r->handler = ctl_api_refuse;
		r->arg = ctl_api_no_flow;
	}
	ctl_api_routes[n].method = NULL;
}

const struct ctl_route *
ctl_api_init(const char *sysfs)
{
	ctl_api_sysfs = sysfs;
	if (ctl_api_routes[0].method == NULL)
		ctl_api_build();
	return ctl_api_routes;
}
