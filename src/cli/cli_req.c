/* SPDX-License-Identifier: BSD-3-Clause */
#include "cli_req.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spp_err.h"

int
cli_req_target(const char *text, struct cli_target *t, char *err, size_t errlen)
{
	char kind[16], extra[2];
	unsigned int id;
	int n;

	memset(t, 0, sizeof(*t));
	n = sscanf(text, " %15s %u %1s", kind, &id, extra);
	if (n >= 1 &&
	    (strcmp(kind, "pri") == 0 || strcmp(kind, "primary") == 0)) {
		if (n != 1)
			SPP_ERR(-EINVAL, "'%s' takes no id: write 'pri;'",
				kind);
		t->kind = SPP_PROC_PRIMARY;
		return 0;
	}
	if (n < 1)
		SPP_ERR(-EINVAL, "expected pri, nfv ID, vf ID, mirror ID or "
				 "pcap ID before ';'");
	t->kind = spp_proc_kind_from_name(kind);
	if (t->kind == 0 || t->kind == SPP_PROC_PRIMARY)
		SPP_ERR(-EINVAL,
			"unknown process '%s', expected pri, nfv, vf, "
			"mirror or pcap",
			kind);
	if (n < 2 || id == 0 || id > SPP_RES_ID_MAX)
		SPP_ERR(-EINVAL, "'%s' needs a client id 1-%d, as in '%s 1;'",
			kind, SPP_RES_ID_MAX, kind);
	if (n > 2)
		SPP_ERR(-EINVAL, "expected ';' after '%s %u'", kind, id);
	t->id = id;
	return 0;
}

void
cli_req_target_name(const struct cli_target *t, char *buf, size_t len)
{
	if (t->kind == SPP_PROC_PRIMARY)
		snprintf(buf, len, "pri");
	else
		snprintf(buf, len, "%s %u", spp_proc_kind_name(t->kind), t->id);
}

void
cli_req_base(const struct cli_target *t, char *buf, size_t len)
{
	spp_proc_rest_path(t->kind, t->id, "", NULL, buf, len);
}

void
cli_req_status_path(const struct cli_target *t, char *buf, size_t len)
{
	const char *method, *path = "";

	spp_cmd_rest(SPP_CMD_STATUS, t->kind, &method, &path);
	spp_proc_rest_path(t->kind, t->id, path, NULL, buf, len);
}

/* The request of command id to t, arg for a "{*}" in its path. */
static void
req_set(struct cli_req *req, const struct cli_target *t, enum spp_cmd_id id,
	const char *arg, json_t *body)
{
	const char *path = "";

	req->method = NULL;
	spp_cmd_rest(id, t->kind, &req->method, &path);
	spp_proc_rest_path(t->kind, t->id, path, arg, req->path,
			   sizeof(req->path));
	req->body = body;
}

static json_t *
req_port(const struct spp_res *res)
{
	char buf[SPP_RES_NAME_LEN];

	spp_res_format(res, buf, sizeof(buf));
	return json_string(buf);
}

/* -x V, --opt V, --opt=V, a flag, a repeated option -> {"-x":"V",...} */
static int
req_launch_opts(const char *what, char **argv, int argc, json_t **out,
		char *err, size_t errlen)
{
	json_t *opts = json_object();
	json_t *val, *old, *list;
	char name[64];
	const char *eq;
	int i;

	for (i = 0; i < argc; i++) {
		if (argv[i][0] != '-' || argv[i][1] == '\0') {
			json_decref(opts);
			SPP_ERR(-EINVAL,
				"launch: expected an %s option, got '%s'", what,
				argv[i]);
		}
		eq = strchr(argv[i], '=');
		if (eq != NULL && strncmp(argv[i], "--", 2) == 0) {
			snprintf(name, sizeof(name), "%.*s",
				 (int)(eq - argv[i]), argv[i]);
			val = json_string(eq + 1);
		} else {
			snprintf(name, sizeof(name), "%s", argv[i]);
			if (i + 1 < argc && argv[i + 1][0] != '-')
				val = json_string(argv[++i]);
			else
				val = json_null();
		}
		old = json_object_get(opts, name);
		if (old == NULL) {
			json_object_set_new(opts, name, val);
			continue;
		}
		/* a repeated option becomes a list of its values */
		if (json_is_array(old)) {
			json_array_append_new(old, val);
			continue;
		}
		list = json_array();
		json_array_append(list, old);
		json_array_append_new(list, val);
		json_object_set_new(opts, name, list);
	}
	*out = opts;
	return 0;
}

/* "launch TYPE ID EAL... -- APP..." of the original CLI. */
static int
req_launch(const struct cli_target *t, const char *line, struct cli_req *req,
	   char *err, size_t errlen)
{
	char type[32], id[16], rest[4096], cmdline[4200];
	enum spp_proc_kind kind;
	struct spp_cmd cmd;
	json_t *eal = NULL, *app = NULL;
	int n = 0, m = 0, ret;

	rest[0] = '\0';
	if (sscanf(line, " launch %31s %n", type, &n) < 1 || n == 0)
		SPP_ERR(-EINVAL, "usage: launch TYPE ID EAL_ARGS... -- "
				 "APP_ARGS... (TYPE: nfv, vf, mirror, pcap)");
	snprintf(rest, sizeof(rest), "%s", line + n);
	kind = spp_proc_kind_from_name(type);
	if (kind == 0)
		kind = spp_proc_kind_from_binary(type);
	if (kind == 0 || kind == SPP_PROC_PRIMARY)
		SPP_ERR(-EINVAL,
			"launch: unknown process type '%s', expected nfv, vf, "
			"mirror or pcap",
			type);
	/* the primary's own syntax, "launch ID spp_TYPE ...", checked by
	 * the one command table
	 */
	if (sscanf(rest, "%15s %n", id, &m) < 1)
		SPP_ERR(-EINVAL,
			"usage: launch %s ID EAL_ARGS... -- APP_ARGS...", type);
	snprintf(cmdline, sizeof(cmdline), "launch %s spp_%s %s", id,
		 spp_proc_kind_name(kind), rest + m);
	ret = spp_cmd_parse(cmdline, t->kind, &cmd, err, errlen);
	if (ret == 0)
		ret = req_launch_opts("EAL", cmd.eal_argv, cmd.eal_argc, &eal,
				      err, errlen);
	if (ret == 0)
		ret = req_launch_opts("application", cmd.app_argv, cmd.app_argc,
				      &app, err, errlen);
	if (ret == 0)
		req_set(req, t, SPP_CMD_LAUNCH, NULL,
			json_pack("{s:s+, s:i, s:o, s:o}", "proc_name", "spp_",
				  spp_proc_kind_name(kind), "client_id",
				  (int)cmd.client_id, "eal", eal, "app", app));
	else
		json_decref(eal);
	spp_cmd_free(&cmd);
	return ret;
}

static json_t *
req_vlan(const struct spp_cmd *cmd)
{
	if (cmd->vlan_op == SPP_VLAN_ADD)
		return json_pack("{s:s, s:i, s:i}", "operation", "add", "id",
				 (int)cmd->vlan_id, "pcp", (int)cmd->vlan_pcp);
	return json_pack("{s:s}", "operation", "del");
}

static json_t *
req_cls(const struct spp_cmd *cmd)
{
	char mac[18];
	json_t *body;

	if (cmd->cls_default)
		snprintf(mac, sizeof(mac), "default");
	else
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
			 cmd->mac[0], cmd->mac[1], cmd->mac[2], cmd->mac[3],
			 cmd->mac[4], cmd->mac[5]);
	body = json_pack("{s:s, s:s, s:s, s:o}", "action",
			 cmd->id == SPP_CMD_CLS_ADD ? "add" : "del", "type",
			 cmd->cls_type == SPP_CLS_VLAN ? "vlan" : "mac",
			 "mac_address", mac, "port", req_port(&cmd->res[0]));
	if (cmd->cls_type == SPP_CLS_VLAN)
		json_object_set_new(body, "vlan", json_integer(cmd->cls_vlan));
	return body;
}

static enum cli_req_show
req_show(enum spp_proc_kind kind)
{
	switch (kind) {
	case SPP_PROC_PRIMARY:
		return CLI_SHOW_PRIMARY;
	case SPP_PROC_NFV:
		return CLI_SHOW_NFV;
	case SPP_PROC_PCAP:
		return CLI_SHOW_PCAP;
	default:
		return CLI_SHOW_COMP;
	}
}

/* The body of the request of a parsed command, or NULL for none. */
static json_t *
req_body(const struct spp_cmd *cmd)
{
	json_t *body = NULL;

	switch (cmd->id) {
	case SPP_CMD_ADD:
	case SPP_CMD_DEL:
		body = json_pack("{s:s, s:o}", "action",
				 cmd->id == SPP_CMD_ADD ? "add" : "del", "port",
				 req_port(&cmd->res[0]));
		if (cmd->nres == 3) {
			json_object_set_new(body, "rx", req_port(&cmd->res[1]));
			json_object_set_new(body, "tx", req_port(&cmd->res[2]));
		}
		break;
	case SPP_CMD_PATCH:
		body = json_pack("{s:o, s:o}", "src", req_port(&cmd->res[0]),
				 "dst", req_port(&cmd->res[1]));
		if (cmd->core != SPP_CMD_LCORE_ANY)
			json_object_set_new(body, "lcore",
					    json_integer(cmd->core));
		break;
	case SPP_CMD_FORWARD:
	case SPP_CMD_STOP:
	case SPP_CMD_START:
		body = json_pack("{s:s}", "action",
				 cmd->id == SPP_CMD_STOP ? "stop" : "start");
		break;
	case SPP_CMD_COMPONENT_START:
		body = json_pack("{s:s, s:i, s:s}", "name", cmd->comp_name,
				 "core", (int)cmd->core, "type",
				 spp_comp_type_name(cmd->comp_type));
		if (cmd->copy != SPP_COPY_AUTO)
			json_object_set_new(
				body, "copy",
				json_string(spp_copy_mode_name(cmd->copy)));
		break;
	case SPP_CMD_PORT_ADD:
	case SPP_CMD_PORT_DEL:
		body = json_pack("{s:s, s:o, s:s}", "action",
				 cmd->id == SPP_CMD_PORT_ADD ? "attach"
							     : "detach",
				 "port", req_port(&cmd->res[0]), "dir",
				 cmd->dir == SPP_DIR_RX ? "rx" : "tx");
		if (cmd->vlan_op != SPP_VLAN_NONE)
			json_object_set_new(body, "vlan", req_vlan(cmd));
		break;
	case SPP_CMD_CLS_ADD:
	case SPP_CMD_CLS_DEL:
		body = req_cls(cmd);
		break;
	default:
		break;
	}
	return body;
}

/* One parsed command to its request (spp_cmd_rest() says where). */
static void
req_from_cmd(const struct cli_target *t, const struct spp_cmd *cmd,
	     struct cli_req *req)
{
	req_set(req, t, cmd->id, cmd->comp_name, req_body(cmd));
	if (cmd->id == SPP_CMD_STATUS)
		req->show = req_show(t->kind);
}

int
cli_req_build(const struct cli_target *t, const char *line, struct cli_req *req,
	      char *err, size_t errlen)
{
	char first[16];
	struct spp_cmd cmd;
	int ret;

	memset(req, 0, sizeof(*req));
	if (sscanf(line, " %15s", first) == 1 && strcmp(first, "launch") == 0 &&
	    t->kind == SPP_PROC_PRIMARY)
		return req_launch(t, line, req, err, errlen);
	ret = spp_cmd_parse(line, t->kind, &cmd, err, errlen);
	if (ret == 0)
		req_from_cmd(t, &cmd, req);
	spp_cmd_free(&cmd);
	return ret;
}

void
cli_req_clear(struct cli_req *req)
{
	json_decref(req->body);
	req->body = NULL;
}
