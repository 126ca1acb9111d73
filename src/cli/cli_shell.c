/* SPDX-License-Identifier: BSD-3-Clause */
#include "cli_shell.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_file.h"
#include "cli_http.h"
#include "cli_rate.h"
#include "cli_show.h"
#include "cli_topo.h"
#include "spp_err.h"

#define SHELL_ERR_LEN 1024
#define SHELL_MAX_DEPTH 8

struct shell_cmd {
	const char *name;
	int (*run)(struct cli_shell *sh, char *args);
	const char *usage;
	const char *help;
};

static const struct shell_cmd shell_cmds[];

/* -- output ------------------------------------------------------------- */

static int
shell_fail(struct cli_shell *sh, int ret, const char *what, const char *why)
{
	fprintf(sh->errs, "error: %s%s%s\n", what, what[0] ? ": " : "", why);
	fflush(sh->errs);
	return ret;
}

static char *
shell_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* -- servers ------------------------------------------------------------ */

static int
shell_norm_addr(const char *addr, char *out, size_t len, char *err,
		size_t errlen)
{
	const char *colon = strrchr(addr, ':');
	char *end;
	long port = 7777;

	if (addr[0] == '\0' || strchr(addr, ' ') != NULL)
		SPP_ERR(-EINVAL, "invalid address '%s', expected IP[:PORT]",
			addr);
	if (colon != NULL) {
		port = strtol(colon + 1, &end, 10);
		if (*end != '\0' || colon[1] == '\0' || port < 1 ||
		    port > 65535)
			SPP_ERR(-EINVAL,
				"invalid port in '%s', expected IP[:PORT] "
				"with PORT 1-65535",
				addr);
		if (colon == addr)
			SPP_ERR(-EINVAL, "missing IP in '%s'", addr);
		snprintf(out, len, "%.*s:%ld", (int)(colon - addr), addr, port);
	} else
		snprintf(out, len, "%s:%ld", addr, port);
	return 0;
}

int
cli_shell_add_server(struct cli_shell *sh, const char *addr, char *err,
		     size_t errlen)
{
	char norm[CLI_SHELL_ADDR_LEN];
	int i, ret;

	ret = shell_norm_addr(addr, norm, sizeof(norm), err, errlen);
	if (ret < 0)
		return ret;
	for (i = 0; i < sh->nservers; i++)
		if (strcmp(sh->servers[i], norm) == 0)
			SPP_ERR(-EEXIST, "%s is already server %d", norm,
				i + 1);
	if (sh->nservers == CLI_SHELL_MAX_SERVERS)
		SPP_ERR(-ENOSPC, "at most %d servers", CLI_SHELL_MAX_SERVERS);
	snprintf(sh->servers[sh->nservers], CLI_SHELL_ADDR_LEN, "%s", norm);
	return sh->nservers++;
}

const char *
cli_shell_server(const struct cli_shell *sh)
{
	return sh->servers[sh->cur];
}

json_t *
cli_shell_get(struct cli_shell *sh, const char *path, char *err, size_t errlen)
{
	json_t *reply = NULL;

	if (cli_http_ok(cli_shell_server(sh), "GET", path, NULL, &reply, err,
			errlen) < 0)
		return NULL;
	return reply;
}

/* Is a process with that client id (any kind) or the primary there? */
static int
shell_has_process(const json_t *procs, const char *type, unsigned int id)
{
	const json_t *p;
	size_t i;

	json_array_foreach(procs, i, p)
	{
		const char *t = json_string_value(json_object_get(p, "type"));

		if (t == NULL)
			continue;
		if (type != NULL && strcmp(t, type) != 0)
			continue;
		if (type != NULL && strcmp(type, "primary") == 0)
			return 1;
		if ((unsigned int)json_integer_value(
			    json_object_get(p, "client-id")) == id)
			return 1;
	}
	return 0;
}

/* Poll the processes until present (or gone, with want 0). */
static int
shell_wait_process(struct cli_shell *sh, const char *type, unsigned int id,
		   int want, int seconds)
{
	char err[SHELL_ERR_LEN];
	int i, found = !want;
	json_t *procs;

	for (i = 0; i < seconds * 10; i++) {
		procs = cli_shell_get(sh, "/v1/processes", err, sizeof(err));
		found = procs != NULL && shell_has_process(procs, type, id);
		json_decref(procs);
		if (found == want)
			return 0;
		usleep(100 * 1000);
	}
	return -ETIMEDOUT;
}

int
cli_shell_wait_primary(struct cli_shell *sh, int seconds)
{
	return shell_wait_process(sh, "primary", 0, 1, seconds);
}

json_t *
cli_shell_snapshot(struct cli_shell *sh, char *err, size_t errlen)
{
	json_t *procs, *snap, *st, *p;
	struct cli_target t;
	char path[64], name[32], perr[SHELL_ERR_LEN];
	size_t i;

	procs = cli_shell_get(sh, "/v1/processes", err, errlen);
	if (procs == NULL)
		return NULL;
	snap = json_pack("{s:o, s:{}}", "processes", procs, "status");
	json_array_foreach(procs, i, p)
	{
		t.kind = spp_proc_kind_from_name(
			json_string_value(json_object_get(p, "type")));
		t.id = (unsigned int)json_integer_value(
			json_object_get(p, "client-id"));
		if (t.kind == 0)
			continue;
		cli_req_status_path(&t, path, sizeof(path));
		cli_req_target_name(&t, name, sizeof(name));
		/* a process that goes away meanwhile is left out */
		st = cli_shell_get(sh, path, perr, sizeof(perr));
		if (st != NULL)
			json_object_set_new(json_object_get(snap, "status"),
					    name, st);
	}
	return snap;
}

/* -- recording and history ---------------------------------------------- */

static void
shell_record_stop(struct cli_shell *sh)
{
	if (sh->record == NULL)
		return;
	fclose(sh->record);
	sh->record = NULL;
	fprintf(sh->out, "recorded %u command%s to %s\n", sh->nrecorded,
		sh->nrecorded == 1 ? "" : "s", sh->record_path);
}

/* -- process commands: "TARGET; COMMAND" ------------------------------- */

/*
 * Drop a trailing flag (or its other spelling alt, may be NULL) from a
 * status command (cmd trimmed); 1 when it was there.
 */
static int
shell_take_flag(char *cmd, const char *flag, const char *alt)
{
	char *p = cmd + strlen(cmd);

	if (strncmp(cmd, "status", 6) != 0)
		return 0;
	while (p > cmd && !isspace((unsigned char)p[-1]))
		p--;
	if (p == cmd ||
	    (strcmp(p, flag) != 0 && (alt == NULL || strcmp(p, alt) != 0)))
		return 0;
	*p = '\0';
	while (p > cmd && isspace((unsigned char)p[-1]))
		*--p = '\0';
	return 1;
}

static int
shell_proc(struct cli_shell *sh, char *target_text, char *cmd)
{
	char err[SHELL_ERR_LEN], what[SHELL_ERR_LEN], name[32];
	struct cli_target t;
	struct cli_req req;
	json_t *reply = NULL;
	int ret, json, rate;

	snprintf(what, sizeof(what), "%s; %s", shell_trim(target_text),
		 shell_trim(cmd));
	ret = cli_req_target(target_text, &t, err, sizeof(err));
	if (ret < 0)
		return shell_fail(sh, ret, what, err);
	cmd = shell_trim(cmd);
	cli_req_target_name(&t, name, sizeof(name));
	if (cmd[0] == '\0') {
		snprintf(err, sizeof(err),
			 "expected a command after '%s;' (try 'help %s')", name,
			 t.kind == SPP_PROC_PRIMARY
				 ? "pri"
				 : spp_proc_kind_name(t.kind));
		return shell_fail(sh, -EINVAL, what, err);
	}
	/* "status [--rate] [--json]", in either order */
	rate = shell_take_flag(cmd, "--rate", NULL);
	json = shell_take_flag(cmd, "--json", "json") || sh->json;
	rate = rate || shell_take_flag(cmd, "--rate", NULL);
	ret = cli_req_build(&t, cmd, &req, err, sizeof(err));
	if (ret < 0)
		return shell_fail(sh, ret, what, err);
	if (rate && req.show != CLI_SHOW_NONE) {
		ret = cli_rate_show(sh->out, cli_shell_server(sh), &req, &t,
				    1.0, json, err, sizeof(err));
		cli_req_clear(&req);
		return ret < 0 ? shell_fail(sh, ret, what, err) : 0;
	}
	ret = cli_http_ok(cli_shell_server(sh), req.method, req.path, req.body,
			  &reply, err, sizeof(err));
	cli_req_clear(&req);
	if (ret < 0)
		return shell_fail(sh, ret, what, err);
	if (req.show != CLI_SHOW_NONE && reply != NULL) {
		if (json)
			cli_show_json(sh->out, reply);
		else
			cli_show_status(sh->out, req.show, &t, reply);
	}
	json_decref(reply);
	/* a launched process takes a moment to connect: commands that
	 * follow in a recipe need it there
	 */
	if (strncmp(cmd, "launch", 6) == 0 && sh->launch_wait > 0) {
		char kind[16];
		unsigned int id;

		if (sscanf(cmd, "launch %15s %u", kind, &id) == 2 &&
		    shell_wait_process(sh, NULL, id, 1, sh->launch_wait) < 0) {
			snprintf(err, sizeof(err),
				 "launched, but client id %u did not connect "
				 "to spp-ctl within %d s (see its log in the "
				 "primary's --log-dir)",
				 id, sh->launch_wait);
			return shell_fail(sh, -ETIMEDOUT, what, err);
		}
	}
	return 0;
}

/* -- top-level commands ------------------------------------------------- */

static int
shell_status(struct cli_shell *sh, char *args)
{
	char err[SHELL_ERR_LEN];
	json_t *procs;

	if (args[0] != '\0' && strcmp(args, "--json") != 0 &&
	    strcmp(args, "json") != 0)
		return shell_fail(sh, -EINVAL, "status",
				  "takes no argument but --json; for a "
				  "process write 'nfv 1; status'");
	procs = cli_shell_get(sh, "/v1/processes", err, sizeof(err));
	if (procs == NULL)
		return shell_fail(sh, -EIO, "status", err);
	if (args[0] != '\0' || sh->json)
		cli_show_json(sh->out, procs);
	else
		cli_show_processes(sh->out, cli_shell_server(sh), procs);
	json_decref(procs);
	return 0;
}

static int
shell_server(struct cli_shell *sh, char *args)
{
	char err[SHELL_ERR_LEN], addr[CLI_SHELL_ADDR_LEN], verb[8], extra[2];
	char norm[CLI_SHELL_ADDR_LEN];
	char *end;
	long n;
	int i, ret;

	if (args[0] == '\0') {
		for (i = 0; i < sh->nservers; i++)
			fprintf(sh->out, "%d: %s%s\n", i + 1, sh->servers[i],
				i == sh->cur ? " *" : "");
		return 0;
	}
	n = strtol(args, &end, 10);
	if (*end == '\0') {
		if (n < 1 || n > sh->nservers) {
			snprintf(err, sizeof(err),
				 "no server %s: there are %d (see 'server')",
				 args, sh->nservers);
			return shell_fail(sh, -ENOENT, "server", err);
		}
		sh->cur = (int)n - 1;
		fprintf(sh->out, "switched to server %ld: %s\n", n,
			cli_shell_server(sh));
		return 0;
	}
	if (sscanf(args, "%7s %127s %1s", verb, addr, extra) != 2 ||
	    (strcmp(verb, "add") != 0 && strcmp(verb, "del") != 0))
		return shell_fail(sh, -EINVAL, "server",
				  "usage: server [N | add IP[:PORT] | del "
				  "IP[:PORT]]");
	if (strcmp(verb, "add") == 0) {
		ret = cli_shell_add_server(sh, addr, err, sizeof(err));
		if (ret < 0)
			return shell_fail(sh, ret, "server add", err);
		fprintf(sh->out, "added server %d: %s\n", ret + 1,
			sh->servers[ret]);
		return 0;
	}
	ret = shell_norm_addr(addr, norm, sizeof(norm), err, sizeof(err));
	if (ret < 0)
		return shell_fail(sh, ret, "server del", err);
	for (i = 0; i < sh->nservers; i++)
		if (strcmp(sh->servers[i], norm) == 0)
			break;
	if (i == sh->nservers) {
		snprintf(err, sizeof(err), "no server %s", norm);
		return shell_fail(sh, -ENOENT, "server del", err);
	}
	if (i == sh->cur) {
		snprintf(err, sizeof(err),
			 "%s is the current server; switch to another first",
			 norm);
		return shell_fail(sh, -EBUSY, "server del", err);
	}
	memmove(sh->servers[i], sh->servers[i + 1],
		(size_t)(sh->nservers - i - 1) * CLI_SHELL_ADDR_LEN);
	sh->nservers--;
	if (sh->cur > i)
		sh->cur--;
	fprintf(sh->out, "deleted server %s\n", norm);
	return 0;
}

static int
shell_record(struct cli_shell *sh, char *args)
{
	time_t now = time(NULL);
	char when[64];

	if (args[0] == '\0') {
		if (sh->record == NULL)
			return shell_fail(sh, -EINVAL, "record",
					  "usage: record FILE (record alone "
					  "stops recording)");
		shell_record_stop(sh);
		return 0;
	}
	shell_record_stop(sh);
	sh->record = fopen(args, "w");
	if (sh->record == NULL)
		return shell_fail(sh, -errno, "record", strerror(errno));
	snprintf(sh->record_path, sizeof(sh->record_path), "%s", args);
	sh->nrecorded = 0;
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime(&now));
	fprintf(sh->record, "# recorded by spp on %s\n", when);
	fflush(sh->record);
	fprintf(sh->out, "recording to %s (record alone stops)\n", args);
	return 0;
}

static int
shell_playback(struct cli_shell *sh, char *args)
{
	char what[PATH_MAX + 32], *line = NULL, *s;
	size_t cap = 0;
	unsigned int lineno = 0;
	int ret = 0;
	FILE *f;

	if (args[0] == '\0')
		return shell_fail(sh, -EINVAL, "playback",
				  "usage: playback FILE");
	if (sh->depth >= SHELL_MAX_DEPTH)
		return shell_fail(sh, -ELOOP, "playback",
				  "recipes nested too deep");
	shell_record_stop(sh);
	f = fopen(args, "r");
	if (f == NULL) {
		snprintf(what, sizeof(what), "playback %s", args);
		return shell_fail(sh, -errno, what, strerror(errno));
	}
	sh->depth++;
	while (getline(&line, &cap, f) >= 0 && !sh->quit) {
		lineno++;
		s = shell_trim(line);
		if (s[0] == '\0' || s[0] == '#')
			continue;
		fprintf(sh->out, "%s%s\n", sh->prompt, s);
		fflush(sh->out);
		ret = cli_shell_run(sh, s);
		if (ret < 0) {
			fprintf(sh->errs,
				"error: %s:%u: stopped at '%s' (%u lines "
				"done)\n",
				args, lineno, s, lineno - 1);
			break;
		}
	}
	sh->depth--;
	free(line);
	fclose(f);
	return ret;
}

static int
shell_history(struct cli_shell *sh, char *args)
{
	int i;

	(void)args;
	for (i = 0; i < sh->nhist; i++)
		fprintf(sh->out, "%5d  %s\n", i + 1, sh->hist[i]);
	return 0;
}

/* DELETE a process and wait until spp-ctl no longer lists it. */
static int
shell_bye_one(struct cli_shell *sh, const struct cli_target *t)
{
	char path[64], name[32], err[SHELL_ERR_LEN];
	json_t *reply = NULL;
	int ret;

	cli_req_base(t, path, sizeof(path));
	cli_req_target_name(t, name, sizeof(name));
	ret = cli_http_ok(cli_shell_server(sh), "DELETE", path, NULL, &reply,
			  err, sizeof(err));
	json_decref(reply);
	if (ret < 0)
		return shell_fail(sh, ret, name, err);
	if (shell_wait_process(sh, spp_proc_kind_name(t->kind), t->id, 0, 10) <
	    0)
		return shell_fail(sh, -ETIMEDOUT, name,
				  "asked to exit but still connected after "
				  "10 s");
	fprintf(sh->out, "%s: exited\n", name);
	return 0;
}

static int
shell_bye(struct cli_shell *sh, char *args)
{
	char err[SHELL_ERR_LEN], what[16], extra[2];
	unsigned int id = 0;
	struct cli_target t;
	json_t *procs, *p;
	int n, ret = 0, found = 0;
	size_t i;

	n = sscanf(args, "%15s %u %1s", what, &id, extra);
	if (n <= 0) {
		sh->quit = 1;
		return 0;
	}
	if ((strcmp(what, "sec") != 0 && strcmp(what, "all") != 0) || n > 2 ||
	    (n == 2 && strcmp(what, "sec") != 0))
		return shell_fail(sh, -EINVAL, "bye",
				  "usage: bye [sec [ID] | all]");
	procs = cli_shell_get(sh, "/v1/processes", err, sizeof(err));
	if (procs == NULL)
		return shell_fail(sh, -EIO, "bye", err);
	json_array_foreach(procs, i, p)
	{
		t.kind = spp_proc_kind_from_name(
			json_string_value(json_object_get(p, "type")));
		t.id = (unsigned int)json_integer_value(
			json_object_get(p, "client-id"));
		if (t.kind == 0 || t.kind == SPP_PROC_PRIMARY ||
		    (n == 2 && t.id != id))
			continue;
		found = 1;
		if (shell_bye_one(sh, &t) < 0)
			ret = -EIO;
	}
	json_decref(procs);
	if (n == 2 && !found) {
		snprintf(err, sizeof(err), "no secondary with client id %u",
			 id);
		return shell_fail(sh, -ENOENT, "bye sec", err);
	}
	if (strcmp(what, "all") == 0 && ret == 0) {
		t.kind = SPP_PROC_PRIMARY;
		t.id = 0;
		ret = shell_bye_one(sh, &t);
		if (ret == 0)
			sh->quit = 1;
	}
	return ret;
}

static int
shell_exit(struct cli_shell *sh, char *args)
{
	if (args[0] != '\0')
		return shell_fail(sh, -EINVAL, "exit",
				  "takes no argument (to stop processes: "
				  "bye sec, bye all)");
	sh->quit = 1;
	return 0;
}

static int
shell_config(struct cli_shell *sh, char *args)
{
	char key[32], val[64];
	int n;

	val[0] = '\0';
	n = sscanf(args, "%31s %63[^\n]", key, val);
	if (n <= 0) {
		fprintf(sh->out, "prompt: \"%s\"\njson: %s\nlaunch_wait: %d\n",
			sh->prompt, sh->json ? "on" : "off", sh->launch_wait);
		return 0;
	}
	if (n == 1)
		return shell_fail(sh, -EINVAL, "config",
				  "usage: config [KEY VALUE] (keys: prompt, "
				  "json, launch_wait)");
	if (strcmp(key, "prompt") == 0) {
		char *v = shell_trim(val);
		size_t len = strlen(v);

		if (len >= 2 && v[0] == '"' && v[len - 1] == '"') {
			v[len - 1] = '\0';
			v++;
		}
		snprintf(sh->prompt, sizeof(sh->prompt), "%s", v);
	} else if (strcmp(key, "json") == 0) {
		if (strcmp(val, "on") != 0 && strcmp(val, "off") != 0)
			return shell_fail(sh, -EINVAL, "config json",
					  "expected on or off");
		sh->json = strcmp(val, "on") == 0;
	} else if (strcmp(key, "launch_wait") == 0) {
		char *end;
		long s = strtol(val, &end, 10);

		if (*end != '\0' || s < 0 || s > 600)
			return shell_fail(sh, -EINVAL, "config launch_wait",
					  "expected seconds, 0-600");
		sh->launch_wait = (int)s;
	} else {
		char err[96];

		snprintf(err, sizeof(err),
			 "unknown key '%s' (keys: prompt, json, launch_wait)",
			 key);
		return shell_fail(sh, -EINVAL, "config", err);
	}
	return 0;
}

static int
shell_topo(struct cli_shell *sh, char *args)
{
	const char *file = args[0] != '\0' ? args : NULL;
	char err[SHELL_ERR_LEN];
	json_t *snap;
	int ret;

	ret = cli_topo_check(file, err, sizeof(err));
	if (ret == 0) {
		snap = cli_shell_snapshot(sh, err, sizeof(err));
		ret = snap == NULL
			      ? -EIO
			      : cli_topo(snap, sh->out, file, err, sizeof(err));
		json_decref(snap);
	}
	if (ret < 0)
		return shell_fail(sh, ret, "topo", err);
	return 0;
}

static int
shell_export(struct cli_shell *sh, char *args)
{
	char err[SHELL_ERR_LEN];
	int ret;

	if (args[0] == '\0' || strpbrk(args, " \t") != NULL)
		return shell_fail(sh, -EINVAL, "export", "usage: export FILE");
	ret = cli_file_export(sh, args, err, sizeof(err));
	if (ret < 0)
		return shell_fail(sh, ret, "export", err);
	return 0;
}

static int
shell_apply(struct cli_shell *sh, char *args)
{
	char err[SHELL_ERR_LEN], *file = NULL, *w, *save = NULL;
	int ret, dry = 0;

	for (w = strtok_r(args, " \t", &save); w != NULL;
	     w = strtok_r(NULL, " \t", &save)) {
		if (strcmp(w, "--dry-run") == 0)
			dry = 1;
		else if (file == NULL)
			file = w;
		else
			file = "";
	}
	if (file == NULL || file[0] == '\0')
		return shell_fail(sh, -EINVAL, "apply",
				  "usage: apply FILE [--dry-run]");
	ret = cli_file_apply(sh, file, dry, err, sizeof(err));
	if (ret < 0)
		return shell_fail(sh, ret, "apply", err);
	return 0;
}

static void
shell_help_kind(struct cli_shell *sh, enum spp_proc_kind kind)
{
	const struct spp_cmd_def *d;
	const char *name =
		kind == SPP_PROC_PRIMARY ? "pri" : spp_proc_kind_name(kind);

	fprintf(sh->out, "commands of %s%s (as in '%s%s; status'):\n", name,
		kind == SPP_PROC_PRIMARY ? "" : " ID", name,
		kind == SPP_PROC_PRIMARY ? "" : " 1");
	for (d = spp_cmd_defs; d->name != NULL; d++) {
		char syn[160];

		if (!(d->procs & kind))
			continue;
		if (d->id == SPP_CMD_LAUNCH)
			snprintf(syn, sizeof(syn), "%s",
				 "launch TYPE ID EAL_ARGS... -- APP_ARGS...");
		else
			snprintf(syn, sizeof(syn), "%s%s%s", d->name,
				 d->usage[0] ? " " : "", d->usage);
		fprintf(sh->out, "  %-56s %s\n", syn, d->help);
	}
	if (kind == SPP_PROC_PRIMARY)
		fprintf(sh->out, "  TYPE: nfv, vf, mirror, pcap; e.g. 'pri; "
				 "launch nfv 2 -l 1,2 -m 512 -- -n 2 -s "
				 "127.0.0.1:6666'\n");
	fprintf(sh->out, "  status --json prints spp-ctl's JSON\n");
	fprintf(sh->out, "  status --rate reads the status twice, 1 s apart, "
			 "and adds the rates (frames/s)\n");
}

static int
shell_help(struct cli_shell *sh, char *args)
{
	const struct shell_cmd *c;
	enum spp_proc_kind kind;
	char err[128];

	if (args[0] == '\0') {
		fprintf(sh->out,
			"commands (help COMMAND for one; help pri, nfv, vf, "
			"mirror, pcap for the commands of a process):\n");
		fprintf(sh->out, "  %-40s %s\n", "pri; COMMAND",
			"a command of the primary");
		fprintf(sh->out, "  %-40s %s\n",
			"nfv|vf|mirror|pcap ID; COMMAND",
			"a command of a secondary");
		for (c = shell_cmds; c->name != NULL; c++) {
			char syn[96];

			snprintf(syn, sizeof(syn), "%s%s%s", c->name,
				 c->usage[0] ? " " : "", c->usage);
			fprintf(sh->out, "  %-40s %s\n", syn, c->help);
		}
		return 0;
	}
	if (strcmp(args, "pri") == 0 || strcmp(args, "pri;") == 0)
		kind = SPP_PROC_PRIMARY;
	else
		kind = spp_proc_kind_from_name(args);
	if (kind != 0) {
		shell_help_kind(sh, kind);
		return 0;
	}
	for (c = shell_cmds; c->name != NULL; c++)
		if (strcmp(c->name, args) == 0) {
			fprintf(sh->out, "%s%s%s\n  %s\n", c->name,
				c->usage[0] ? " " : "", c->usage, c->help);
			return 0;
		}
	snprintf(err, sizeof(err), "no command '%s' (try 'help')", args);
	return shell_fail(sh, -ENOENT, "help", err);
}

static const struct shell_cmd shell_cmds[] = {
	{"status", shell_status, "[--json]",
	 "spp-ctl, the primary and the secondaries of the node"},
	{"server", shell_server, "[N | add IP[:PORT] | del IP[:PORT]]",
	 "list the spp-ctl nodes, switch to node N, add or remove one"},
	{"topo", shell_topo, "[FILE.dot | FILE.svg | FILE.png]",
	 "the node's processes, ports, patches, components and VMs as a "
	 "graphviz graph (dot on the screen without FILE; svg and png need "
	 "graphviz's dot)"},
	{"export", shell_export, "FILE",
	 "write the node's processes (with their launch options) and "
	 "configuration to a topology file (YAML; JSON if FILE ends in "
	 ".json)"},
	{"apply", shell_apply, "FILE [--dry-run]",
	 "make the node match a topology file: launch what is missing, add "
	 "what is missing, remove what is not in it; print the changes "
	 "(--dry-run: only the plan)"},
	{"record", shell_record, "[FILE]",
	 "record the commands that follow into a recipe file (alone: stop)"},
	{"playback", shell_playback, "FILE",
	 "run the commands of a recipe file (# comments), stop at the first "
	 "error"},
	{"history", shell_history, "", "the commands entered so far"},
	{"config", shell_config, "[KEY VALUE]",
	 "show or set prompt, json (on|off), launch_wait (seconds)"},
	{"bye", shell_bye, "[sec [ID] | all]",
	 "leave; bye sec: stop the secondaries (or one); bye all: stop the "
	 "secondaries and the primary, and leave"},
	{"exit", shell_exit, "", "leave the CLI; the processes keep running"},
	{"help", shell_help, "[COMMAND | pri | nfv | vf | mirror | pcap]",
	 "help on the commands"},
	{NULL, NULL, NULL, NULL},
};

const char *const cli_shell_commands[] = {
	"status",  "server", "topo", "export", "apply", "record", "playback",
	"history", "config", "bye",  "exit",   "help",	NULL,
};

/* -- lines -------------------------------------------------------------- */

void
cli_shell_remember(struct cli_shell *sh, const char *line)
{
	char **p = realloc(sh->hist, sizeof(char *) * (size_t)(sh->nhist + 1));

	if (p == NULL)
		return;
	sh->hist = p;
	sh->hist[sh->nhist] = strdup(line);
	if (sh->hist[sh->nhist] != NULL)
		sh->nhist++;
}

/* Commands about the CLI itself are not part of a recipe. */
static int
shell_recordable(const char *line)
{
	static const char *const skip[] = {
		"record", "playback", "history", "help", "exit",   "bye",
		"server", "config",   "status",	 "topo", "export", NULL};
	const char *semi;
	char first[16];
	int i;

	if (sscanf(line, "%15s", first) != 1)
		return 0;
	semi = strchr(line, ';');
	if (semi != NULL)
		return sscanf(semi + 1, "%15s", first) != 1 ||
		       strcmp(first, "status") != 0;
	for (i = 0; skip[i] != NULL; i++)
		if (strcmp(first, skip[i]) == 0)
			return 0;
	return 1;
}

int
cli_shell_run(struct cli_shell *sh, const char *text)
{
	char *line = strdup(text), *s, *semi, *args;
	const struct shell_cmd *c;
	char word[32];
	size_t n;
	int ret = 0;

	if (line == NULL)
		return shell_fail(sh, -ENOMEM, "", "out of memory");
	s = shell_trim(line);
	if (s[0] == '\0' || s[0] == '#')
		goto out;
	if (sh->depth == 0)
		cli_shell_remember(sh, s);
	semi = strchr(s, ';');
	if (semi != NULL) {
		*semi = '\0';
		ret = shell_proc(sh, s, semi + 1);
		*semi = ';';
		goto done;
	}
	n = strcspn(s, " \t");
	snprintf(word, sizeof(word), "%.*s", (int)n, s);
	args = shell_trim(s + n);
	for (c = shell_cmds; c->name != NULL; c++)
		if (strcmp(c->name, word) == 0) {
			ret = c->run(sh, args);
			goto done;
		}
	if (spp_proc_kind_from_name(word) != 0 || strcmp(word, "pri") == 0) {
		char err[128];

		snprintf(err, sizeof(err),
			 "expected ';' after the process, as in '%s%s; status'",
			 word, strcmp(word, "pri") == 0 ? "" : " 1");
		ret = shell_fail(sh, -EINVAL, s, err);
		goto out;
	}
	{
		char err[160];

		snprintf(err, sizeof(err),
			 "unknown command '%s' (try 'help'; a process "
			 "command is written 'nfv 1; %s')",
			 word, word);
		ret = shell_fail(sh, -EINVAL, "", err);
	}
	goto out;
done:
	if (ret == 0 && sh->record != NULL && sh->depth == 0 &&
	    shell_recordable(s)) {
		fprintf(sh->record, "%s\n", s);
		fflush(sh->record);
		sh->nrecorded++;
	}
out:
	free(line);
	return ret;
}

/* -- config file -------------------------------------------------------- */

int
cli_shell_load_config(struct cli_shell *sh, const char *path, char *err,
		      size_t errlen)
{
	char *line = NULL, *s, *colon, *v, *end, set[256];
	unsigned int lineno = 0;
	size_t cap = 0;
	FILE *f = fopen(path, "r");
	int ret = 0;

	if (f == NULL)
		SPP_ERR(-errno, "config %s: %s", path, strerror(errno));
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		s = shell_trim(line);
		if (s[0] == '\0' || s[0] == '#')
			continue;
		colon = strchr(s, ':');
		if (colon == NULL) {
			snprintf(err, errlen,
				 "config %s:%u: expected 'key: value'", path,
				 lineno);
			ret = -EINVAL;
			break;
		}
		*colon = '\0';
		v = shell_trim(colon + 1);
		/* the original's form: key: {val: V, desc: ...} */
		if (v[0] == '{' && (end = strstr(v, "val:")) != NULL) {
			v = shell_trim(end + 4);
			end = strchr(v, ',');
			if (end == NULL)
				end = strchr(v, '}');
			if (end != NULL)
				*end = '\0';
			v = shell_trim(v);
		}
		s = shell_trim(s);
		if (strcmp(s, "prompt") != 0 && strcmp(s, "json") != 0 &&
		    strcmp(s, "launch_wait") != 0) {
			fprintf(sh->errs,
				"warning: config %s:%u: key '%s' is not used "
				"by this spp\n",
				path, lineno, s);
			continue;
		}
		snprintf(set, sizeof(set), "%s %s", s, v);
		if (shell_config(sh, set) < 0) {
			snprintf(err, errlen, "config %s:%u: bad value for %s",
				 path, lineno, s);
			ret = -EINVAL;
			break;
		}
	}
	free(line);
	fclose(f);
	return ret;
}

void
cli_shell_init(struct cli_shell *sh)
{
	memset(sh, 0, sizeof(*sh));
	snprintf(sh->prompt, sizeof(sh->prompt), "spp > ");
	sh->out = stdout;
	sh->errs = stderr;
	sh->launch_wait = 30;
}

void
cli_shell_fini(struct cli_shell *sh)
{
	int i;

	shell_record_stop(sh);
	for (i = 0; i < sh->nhist; i++)
		free(sh->hist[i]);
	free(sh->hist);
	sh->hist = NULL;
	sh->nhist = 0;
}
