/* SPDX-License-Identifier: BSD-3-Clause */
#include "cli_compl.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_req.h"
#include "cli_shell.h"
#include "spp_cmd.h"

#define COMPL_MAX_WORDS 32
#define COMPL_ERR_LEN 256

/* A growing list of candidates that match a prefix. */
struct compl_list {
	char **v;
	int n;
	const char *prefix;
};

static void
compl_add(struct compl_list *l, const char *s)
{
	char **p;
	int i;

	if (s == NULL || strncmp(s, l->prefix, strlen(l->prefix)) != 0)
		return;
	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return;
	p = realloc(l->v, sizeof(char *) * (size_t)(l->n + 2));
	if (p == NULL)
		return;
	l->v = p;
	l->v[l->n] = strdup(s);
	if (l->v[l->n] != NULL)
		l->n++;
	l->v[l->n] = NULL;
}

static void
compl_addf(struct compl_list *l, const char *fmt, long long v)
{
	char buf[64];

	snprintf(buf, sizeof(buf), fmt, v);
	compl_add(l, buf);
}

static void
compl_words(struct compl_list *l, const char *const *words)
{
	for (; *words != NULL; words++)
		compl_add(l, *words);
}

/* -- live data ----------------------------------------------------------- */

static const char *
compl_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

static json_t *
compl_get(struct cli_shell *sh, const char *path)
{
	char err[COMPL_ERR_LEN];

	return cli_shell_get(sh, path, err, sizeof(err));
}

static json_t *
compl_status(struct cli_shell *sh, const struct cli_target *t)
{
	char path[64];

	cli_req_status_path(t, path, sizeof(path));
	return compl_get(sh, path);
}

/* client ids of one kind, "1;" */
static void
compl_ids(struct cli_shell *sh, struct compl_list *l, const char *kind)
{
	json_t *procs = compl_get(sh, "/v1/processes");
	const json_t *p;
	size_t i;

	json_array_foreach(
		procs, i,
		p) if (kind == NULL ||
		       strcmp(json_string_value(json_object_get(p, "type")),
			      kind) == 0)
		compl_addf(l, kind == NULL ? "%lld" : "%lld;",
			   json_integer_value(json_object_get(p, "client-id")));
	json_decref(procs);
}

/* ports a process has (its "ports"), or every port a command could name */
static void
compl_proc_ports(struct compl_list *l, const json_t *st)
{
	const json_t *fwd = json_object_get(st, "forwarder");
	const json_t *p;
	size_t i;

	json_array_foreach(json_object_get(fwd ? fwd : st, "ports"), i, p)
		compl_add(l, json_string_value(p));
}

static void
compl_node_ports(struct cli_shell *sh, struct compl_list *l, int with_types)
{
	static const char *const types[] = {
		"vhost:", "pcap:", "nullpmd:", "memif:", "pipe:", NULL};
	json_t *pri;
	const json_t *p;
	size_t i;

	pri = compl_get(sh, "/v1/primary/status");
	json_array_foreach(json_object_get(pri, "phy_ports"), i, p) compl_addf(
		l, "phy:%lld", json_integer_value(json_object_get(p, "id")));
	json_array_foreach(json_object_get(pri, "ring_ports"), i, p) compl_addf(
		l, "ring:%lld", json_integer_value(json_object_get(p, "id")));
	json_decref(pri);
	if (with_types)
		compl_words(l, types);
}

/* names of the components of a vf or mirror */
static void
compl_comps(struct compl_list *l, const json_t *st)
{
	const json_t *c;
	size_t i;

	json_array_foreach(json_object_get(st, "components"), i, c)
		compl_add(l, json_string_value(json_object_get(c, "name")));
}

/* worker lcores of a process (its lcores but the master) */
static void
compl_cores(struct compl_list *l, const json_t *st)
{
	json_int_t master =
		json_integer_value(json_object_get(st, "master-lcore"));
	const json_t *c;
	size_t i;

	json_array_foreach(json_object_get(st, "lcores"), i,
			   c) if (json_integer_value(c) != master)
		compl_addf(l, "%lld", json_integer_value(c));
}

/* tx ports of the classifiers: where table entries can point */
static void
compl_cls_ports(struct compl_list *l, const json_t *st)
{
	const json_t *c, *p;
	size_t i, j;

	json_array_foreach(json_object_get(st, "components"), i, c)
	{
		if (strcmp(compl_str(c, "type"), "classifier") != 0)
			continue;
		json_array_foreach(json_object_get(c, "tx_port"), j, p)
			compl_add(l, json_string_value(
					     json_object_get(p, "port")));
	}
}

/* -- grammar ------------------------------------------------------------ */

/* Command words of a kind at position pos, after words w[0..pos-1]. */
static void
compl_cmd_words(struct compl_list *l, enum spp_proc_kind kind, char **w,
		int pos)
{
	const struct spp_cmd_def *d;
	char name[64], *words[4];
	int n, i;

	for (d = spp_cmd_defs; d->name != NULL; d++) {
		if (!(d->procs & kind))
			continue;
		snprintf(name, sizeof(name), "%s", d->name);
		n = spp_cmd_tokenize(name, words, 4);
		if (n <= pos)
			continue;
		for (i = 0; i < pos; i++)
			if (strcmp(words[i], w[i]) != 0)
				break;
		if (i == pos)
			compl_add(l, words[pos]);
	}
}

static void
compl_forwarder(struct cli_shell *sh, struct compl_list *l,
		const struct cli_target *t, char **w, int n)
{
	json_t *st;

	if (strcmp(w[0], "add") == 0 && n == 1) {
		compl_node_ports(sh, l, 1);
		return;
	}
	if ((strcmp(w[0], "del") == 0 && n == 1) ||
	    (strcmp(w[0], "patch") == 0 && (n == 1 || n == 2) &&
	     (n == 1 || strcmp(w[1], "reset") != 0))) {
		if (strcmp(w[0], "patch") == 0 && n == 1)
			compl_add(l, "reset");
		st = compl_status(sh, t);
		compl_proc_ports(l, st);
		json_decref(st);
	}
	if (t->kind == SPP_PROC_PRIMARY && strcmp(w[0], "launch") == 0) {
		static const char *const kinds[] = {"nfv", "vf", "mirror",
						    "pcap", NULL};

		if (n == 1)
			compl_words(l, kinds);
	}
}

static void
compl_comp_args(struct cli_shell *sh, struct compl_list *l,
		const struct cli_target *t, char **w, int n)
{
	static const char *const vf_types[] = {"forward", "merge", "classifier",
					       NULL};
	static const char *const copy[] = {"auto", "deep", "shallow", NULL};
	static const char *const dirs[] = {"rx", "tx", NULL};
	static const char *const tags[] = {"add_vlantag", "del_vlantag", NULL};
	static const char *const cls_kinds[] = {"mac", "vlan", NULL};
	int vf = t->kind == SPP_PROC_VF;
	json_t *st = compl_status(sh, t);

	if (strcmp(w[0], "component") == 0) {
		if (n == 2 && strcmp(w[1], "stop") == 0)
			compl_comps(l, st);
		else if (n == 3 && strcmp(w[1], "start") == 0)
			compl_cores(l, st);
		else if (n == 4 && strcmp(w[1], "start") == 0) {
			if (vf)
				compl_words(l, vf_types);
			else
				compl_add(l, "mirror");
		} else if (n == 5 && !vf)
			compl_words(l, copy);
	} else if (strcmp(w[0], "port") == 0) {
		if (n == 2) {
			compl_node_ports(sh, l, 0);
			compl_proc_ports(l, st);
			compl_add(l, "vhost:");
		} else if (n == 3)
			compl_words(l, dirs);
		else if (n == 4)
			compl_comps(l, st);
		else if (n == 5 && vf && strcmp(w[1], "add") == 0)
			compl_words(l, tags);
	} else if (strcmp(w[0], "classifier_table") == 0) {
		int vlan = n >= 3 && strcmp(w[2], "vlan") == 0;

		if (n == 2)
			compl_words(l, cls_kinds);
		else if (n == (vlan ? 4 : 3))
			compl_add(l, "default");
		else if (n == (vlan ? 5 : 4))
			compl_cls_ports(l, st);
	}
	json_decref(st);
}

/* after "TARGET;" */
static void
compl_proc(struct cli_shell *sh, struct compl_list *l, const char *target,
	   char **w, int n)
{
	char err[COMPL_ERR_LEN];
	struct cli_target t;
	int i;

	if (cli_req_target(target, &t, err, sizeof(err)) < 0)
		return;
	/* the command's own words, as far as they go ("patch reset") */
	compl_cmd_words(l, t.kind, w, n);
	if (n == 0)
		return;
	for (i = 0; i < n; i++)
		if (strcmp(w[i], "status") == 0)
			return;
	if (t.kind == SPP_PROC_PRIMARY || t.kind == SPP_PROC_NFV)
		compl_forwarder(sh, l, &t, w, n);
	else if (t.kind == SPP_PROC_VF || t.kind == SPP_PROC_MIRROR)
		compl_comp_args(sh, l, &t, w, n);
}

static int
compl_top(struct cli_shell *sh, struct compl_list *l, char **w, int n)
{
	static const char *const kinds[] = {"pri;",   "nfv",  "vf",
					    "mirror", "pcap", NULL};
	static const char *const help_kinds[] = {"pri",	   "nfv",  "vf",
						 "mirror", "pcap", NULL};
	static const char *const bye[] = {"sec", "all", NULL};
	static const char *const server[] = {"add", "del", NULL};
	static const char *const config[] = {"prompt", "json", "launch_wait",
					     NULL};

	if (n == 0) {
		compl_words(l, cli_shell_commands);
		compl_words(l, kinds);
		return 0;
	}
	if (strcmp(w[0], "record") == 0 || strcmp(w[0], "playback") == 0 ||
	    strcmp(w[0], "topo") == 0 || strcmp(w[0], "export") == 0 ||
	    strcmp(w[0], "apply") == 0)
		return n == 1 ? -1 : 0; /* a file name */
	if (n == 1 && spp_proc_kind_from_name(w[0]) != 0 &&
	    strcmp(w[0], "primary") != 0)
		compl_ids(sh, l, w[0]);
	else if (n == 1 && strcmp(w[0], "help") == 0) {
		compl_words(l, cli_shell_commands);
		compl_words(l, help_kinds);
	} else if (n == 1 && strcmp(w[0], "bye") == 0)
		compl_words(l, bye);
	else if (n == 2 && strcmp(w[0], "bye") == 0 && strcmp(w[1], "sec") == 0)
		compl_ids(sh, l, NULL);
	else if (n == 1 && strcmp(w[0], "server") == 0)
		compl_words(l, server);
	else if (n == 1 && strcmp(w[0], "config") == 0)
		compl_words(l, config);
	return 0;
}

char **
cli_compl(struct cli_shell *sh, const char *line, int *no_space)
{
	struct compl_list l = {NULL, 0, ""};
	char *copy, *semi, *cmd, *w[COMPL_MAX_WORDS];
	const char *start;
	int n, i, ret = 0;

	*no_space = 0;
	/* the word under completion: after the last blank or ';' */
	start = line + strlen(line);
	while (start > line && !isspace((unsigned char)start[-1]) &&
	       start[-1] != ';')
		start--;
	l.prefix = start;
	copy = strndup(line, (size_t)(start - line));
	if (copy == NULL)
		return NULL;
	semi = strchr(copy, ';');
	if (semi != NULL) {
		*semi = '\0';
		cmd = semi + 1;
		n = spp_cmd_tokenize(cmd, w, COMPL_MAX_WORDS);
		if (n >= 0)
			compl_proc(sh, &l, copy, w, n);
	} else {
		n = spp_cmd_tokenize(copy, w, COMPL_MAX_WORDS);
		if (n >= 0)
			ret = compl_top(sh, &l, w, n);
	}
	free(copy);
	if (ret < 0) {
		cli_compl_free(l.v);
		return NULL;
	}
	if (l.v == NULL) {
		l.v = calloc(1, sizeof(char *));
		return l.v;
	}
	*no_space = 1;
	for (i = 0; i < l.n; i++) {
		size_t len = strlen(l.v[i]);

		if (len == 0 || l.v[i][len - 1] != ':')
			*no_space = 0;
	}
	return l.v;
}

void
cli_compl_free(char **list)
{
	int i;

	if (list == NULL)
		return;
	for (i = 0; list[i] != NULL; i++)
		free(list[i]);
	free(list);
}
