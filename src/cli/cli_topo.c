/* SPDX-License-Identifier: BSD-3-Clause */
#include "cli_topo.h"

#include <errno.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spp_err.h"

extern char **environ;

/* Colors per port type, so a chain reads at a glance. */
static const struct {
	const char *prefix;
	const char *color;
} topo_colors[] = {
	{"phy:", "lightblue"},	 {"ring:", "lightyellow"},
	{"vhost:", "palegreen"}, {"pcap:", "lightpink"},
	{"nullpmd:", "gray90"},	 {"memif:", "wheat"},
	{"tap:", "lightcyan"},	 {"pipe:", "plum"},
};

static const char *
topo_color(const char *port)
{
	size_t i;

	for (i = 0; i < sizeof(topo_colors) / sizeof(topo_colors[0]); i++)
		if (strncmp(port, topo_colors[i].prefix,
			    strlen(topo_colors[i].prefix)) == 0)
			return topo_colors[i].color;
	return "white";
}

static const char *
topo_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

/* Every port seen, once: a node of its own color; a vhost port also gets
 * its VM (whatever is on /tmp/sockN).
 */
static void
topo_port(FILE *out, json_t *seen, const char *port)
{
	unsigned int id;

	if (port[0] == '\0' || json_object_get(seen, port) != NULL)
		return;
	json_object_set_new(seen, port, json_true());
	fprintf(out,
		"  \"%s\" [shape=box, style=\"rounded,filled\", "
		"fillcolor=%s];\n",
		port, topo_color(port));
	if (sscanf(port, "vhost:%u", &id) == 1)
		fprintf(out,
			"  \"vm%u\" [shape=box3d, "
			"label=\"VM\\n/tmp/sock%u\"];\n"
			"  \"%s\" -> \"vm%u\" [dir=both, style=dashed];\n",
			id, id, port, id);
}

/* nfv or the primary's forwarder: ports and one-way patches */
static void
topo_forwarder(FILE *out, json_t *seen, const char *name, const json_t *st)
{
	const json_t *p;
	size_t i;

	json_array_foreach(json_object_get(st, "ports"), i, p)
		topo_port(out, seen, json_string_value(p));
	json_array_foreach(json_object_get(st, "patches"), i, p)
		fprintf(out, "  \"%s\" -> \"%s\" [label=\"%s\"];\n",
			topo_str(p, "src"), topo_str(p, "dst"), name);
}

static void
topo_vlan_label(char *buf, size_t len, const json_t *port)
{
	const json_t *vlan = json_object_get(port, "vlan");
	const char *op = topo_str(vlan, "operation");

	buf[0] = '\0';
	if (strcmp(op, "add") == 0)
		snprintf(buf, len, ", label=\"+vlan %" JSON_INTEGER_FORMAT "\"",
			 json_integer_value(json_object_get(vlan, "id")));
	else if (strcmp(op, "del") == 0)
		snprintf(buf, len, ", label=\"-vlan\"");
}

/* vf and mirror: a node per component inside the process's cluster */
static void
topo_components(FILE *out, json_t *seen, const char *name, const json_t *st)
{
	char label[48];
	const json_t *c, *p;
	size_t i, j;

	fprintf(out, "  subgraph \"cluster_%s\" {\n    label=\"%s\";\n", name,
		name);
	json_array_foreach(json_object_get(st, "components"), i, c)
		fprintf(out,
			"    \"%s/%s\" [shape=ellipse, label=\"%s\\n%s, core "
			"%" JSON_INTEGER_FORMAT "\"];\n",
			name, topo_str(c, "name"), topo_str(c, "name"),
			topo_str(c, "type"),
			json_integer_value(json_object_get(c, "core")));
	fprintf(out, "  }\n");
	json_array_foreach(json_object_get(st, "components"), i, c)
	{
		json_array_foreach(json_object_get(c, "rx_port"), j, p)
		{
			topo_port(out, seen, topo_str(p, "port"));
			topo_vlan_label(label, sizeof(label), p);
			fprintf(out, "  \"%s\" -> \"%s/%s\" [color=blue%s];\n",
				topo_str(p, "port"), name, topo_str(c, "name"),
				label);
		}
		json_array_foreach(json_object_get(c, "tx_port"), j, p)
		{
			topo_port(out, seen, topo_str(p, "port"));
			topo_vlan_label(label, sizeof(label), p);
			fprintf(out, "  \"%s/%s\" -> \"%s\" [color=blue%s];\n",
				name, topo_str(c, "name"), topo_str(p, "port"),
				label);
		}
	}
}

/* pcap: the captured port into the process, which writes files */
static void
topo_pcap(FILE *out, json_t *seen, const char *name, const json_t *st)
{
	const json_t *c, *rx, *pass;
	size_t i;

	fprintf(out, "  \"%s\" [shape=cylinder, label=\"%s\\n%s\"];\n", name,
		name, topo_str(st, "status"));
	json_array_foreach(json_object_get(st, "core"), i, c)
	{
		if (strcmp(topo_str(c, "role"), "receive") != 0)
			continue;
		rx = json_array_get(json_object_get(c, "rx_port"), 0);
		pass = json_array_get(json_object_get(c, "tx_port"), 0);
		topo_port(out, seen, topo_str(rx, "port"));
		fprintf(out, "  \"%s\" -> \"%s\" [color=red];\n",
			topo_str(rx, "port"), name);
		if (pass != NULL) {
			topo_port(out, seen, topo_str(pass, "port"));
			fprintf(out, "  \"%s\" -> \"%s\" [color=red];\n", name,
				topo_str(pass, "port"));
		}
	}
}

void
cli_topo_dot(const json_t *snap, FILE *out)
{
	json_t *seen = json_object();
	const json_t *st, *fwd, *p;
	const char *name;
	size_t i;

	fprintf(out, "digraph spp {\n  rankdir=LR;\n"
		     "  node [fontname=\"Helvetica\"];\n"
		     "  edge [fontname=\"Helvetica\", fontsize=10];\n");
	json_object_foreach(
		(json_t *)(uintptr_t)json_object_get(snap, "status"), name, st)
	{
		if (strcmp(name, "pri") == 0) {
			/* phy ports exist whether patched or not */
			json_array_foreach(json_object_get(st, "phy_ports"), i,
					   p)
			{
				char port[32];

				snprintf(port, sizeof(port),
					 "phy:%" JSON_INTEGER_FORMAT,
					 json_integer_value(
						 json_object_get(p, "id")));
				topo_port(out, seen, port);
			}
			json_array_foreach(json_object_get(st, "pipes"), i, p)
			{
				char pipe[32], a[32], b[32];

				snprintf(pipe, sizeof(pipe),
					 "pipe:%" JSON_INTEGER_FORMAT,
					 json_integer_value(
						 json_object_get(p, "id")));
				snprintf(a, sizeof(a),
					 "ring:%" JSON_INTEGER_FORMAT,
					 json_integer_value(
						 json_object_get(p, "rx")));
				snprintf(b, sizeof(b),
					 "ring:%" JSON_INTEGER_FORMAT,
					 json_integer_value(
						 json_object_get(p, "tx")));
				topo_port(out, seen, pipe);
				topo_port(out, seen, a);
				topo_port(out, seen, b);
				fprintf(out,
					"  \"%s\" -> \"%s\" [style=dotted];\n"
					"  \"%s\" -> \"%s\" [style=dotted];\n",
					a, pipe, pipe, b);
			}
			fwd = json_object_get(st, "forwarder");
			if (fwd != NULL)
				topo_forwarder(out, seen, "pri", fwd);
		} else if (strncmp(name, "nfv ", 4) == 0)
			topo_forwarder(out, seen, name, st);
		else if (strncmp(name, "pcap ", 5) == 0)
			topo_pcap(out, seen, name, st);
		else
			topo_components(out, seen, name, st);
	}
	fprintf(out, "}\n");
	json_decref(seen);
}

/* dot -Tsvg -o FILE, the graph on its standard input */
static int
topo_render(const char *text, const char *format, const char *file, char *err,
	    size_t errlen)
{
	char fmt[16], *argv[6];
	int fds[2], status;
	posix_spawn_file_actions_t fa;
	size_t len = strlen(text), off = 0;
	ssize_t n;
	pid_t pid;
	int ret;

	snprintf(fmt, sizeof(fmt), "-T%s", format);
	argv[0] = (char *)(uintptr_t) "dot";
	argv[1] = fmt;
	argv[2] = (char *)(uintptr_t) "-o";
	argv[3] = (char *)(uintptr_t)file;
	argv[4] = NULL;
	if (pipe(fds) < 0)
		SPP_ERR(-errno, "pipe: %s", strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
	posix_spawn_file_actions_addclose(&fa, fds[1]);
	ret = posix_spawnp(&pid, "dot", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[0]);
	if (ret != 0) {
		close(fds[1]);
		if (ret == ENOENT)
			SPP_ERR(-ENOENT,
				"graphviz's dot is not installed (apt-get "
				"install graphviz), or write FILE.dot");
		SPP_ERR(-ret, "cannot run dot: %s", strerror(ret));
	}
	while (off < len) {
		n = write(fds[1], text + off, len - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fds[1]);
	if (waitpid(pid, &status, 0) < 0)
		SPP_ERR(-errno, "dot: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		SPP_ERR(-EIO, "dot failed to write %s (exit status %d)", file,
			WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}

int
cli_topo_check(const char *file, char *err, size_t errlen)
{
	const char *ext = file != NULL ? strrchr(file, '.') : NULL;

	if (file != NULL && (ext == NULL || (strcmp(ext, ".dot") != 0 &&
					     strcmp(ext, ".svg") != 0 &&
					     strcmp(ext, ".png") != 0)))
		SPP_ERR(-EINVAL,
			"expected FILE.dot, FILE.svg or FILE.png, got "
			"'%s'",
			file);
	return 0;
}

int
cli_topo(const json_t *snap, FILE *out, const char *file, char *err,
	 size_t errlen)
{
	const char *ext = file != NULL ? strrchr(file, '.') : NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *mem;
	int ret;

	ret = cli_topo_check(file, err, errlen);
	if (ret < 0)
		return ret;
	mem = open_memstream(&text, &len);
	if (mem == NULL)
		SPP_ERR(-ENOMEM, "out of memory");
	cli_topo_dot(snap, mem);
	fclose(mem);
	if (file == NULL)
		fputs(text, out);
	else if (strcmp(ext, ".dot") == 0) {
		FILE *f = fopen(file, "w");

		if (f == NULL) {
			snprintf(err, errlen, "%s: %s", file, strerror(errno));
			ret = -errno;
		} else {
			fputs(text, f);
			if (fclose(f) != 0) {
				snprintf(err, errlen, "%s: %s", file,
					 strerror(errno));
				ret = -EIO;
			}
		}
	} else
		ret = topo_render(text, ext + 1, file, err, errlen);
	if (ret == 0 && file != NULL)
		fprintf(out, "wrote %s\n", file);
	free(text);
	return ret;
}
