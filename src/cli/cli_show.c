/* SPDX-License-Identifier: BSD-3-Clause */
#include "cli_show.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define SHOW_MAX_COLS 10

/* A table: a header and rows of cells, printed with aligned columns;
 * columns whose header is in right[] are right-aligned (counters).
 */
struct show_table {
	int ncols;
	const char *head[SHOW_MAX_COLS];
	int right[SHOW_MAX_COLS];
	char **cells; /* nrows * ncols */
	int nrows;
};

static void
show_table_init(struct show_table *t, const char *const *head, int ncols,
		int first_right)
{
	int i;

	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	for (i = 0; i < ncols; i++) {
		t->head[i] = head[i];
		t->right[i] = first_right >= 0 && i >= first_right;
	}
}

/* Add a row; ncols cells, each formatted already. */
static void
show_table_row(struct show_table *t, char **cells)
{
	char **p = realloc(t->cells, sizeof(char *) * (size_t)t->ncols *
					     (size_t)(t->nrows + 1));
	int i;

	if (p == NULL)
		return;
	t->cells = p;
	for (i = 0; i < t->ncols; i++)
		p[t->nrows * t->ncols + i] = strdup(cells[i] ? cells[i] : "");
	t->nrows++;
}

static void
show_table_print(FILE *out, struct show_table *t, const char *indent)
{
	size_t w[SHOW_MAX_COLS];
	int r, c;

	for (c = 0; c < t->ncols; c++)
		w[c] = strlen(t->head[c]);
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];

			if (s != NULL && strlen(s) > w[c])
				w[c] = strlen(s);
		}
	for (r = -1; r < t->nrows; r++) {
		fputs(indent, out);
		for (c = 0; c < t->ncols; c++) {
			const char *s =
				r < 0 ? t->head[c] : t->cells[r * t->ncols + c];
			int last = c == t->ncols - 1;

			if (s == NULL)
				s = "";
			if (t->right[c])
				fprintf(out, "%*s", (int)w[c], s);
			else if (last)
				fputs(s, out);
			else
				fprintf(out, "%-*s", (int)w[c], s);
			if (!last)
				fputs("  ", out);
		}
		fputc('\n', out);
	}
	for (r = 0; r < t->nrows * t->ncols; r++)
		free(t->cells[r]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = 0;
}

/* -- values ----------------------------------------------------------- */

static const char *
show_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

static void
show_int(char *buf, size_t len, const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	if (json_is_integer(v))
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
	else if (json_is_string(v)) /* a counter with its rate (cli_rate.c) */
		snprintf(buf, len, "%s", json_string_value(v));
	else
		snprintf(buf, len, "-");
}

/* "1,2,3" from [1,2,3] */
static void
show_list(char *buf, size_t len, const json_t *a)
{
	size_t i, n = 0;
	const json_t *v;

	buf[0] = '\0';
	json_array_foreach(a, i, v)
	{
		if (n >= len)
			break;
		if (json_is_integer(v))
			n += (size_t)snprintf(
				buf + n, len - n, "%s%" JSON_INTEGER_FORMAT,
				i ? "," : "", json_integer_value(v));
		else
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
					      i ? ", " : "",
					      json_string_value(v));
	}
}

static void
show_head(FILE *out, const char *name, const json_t *st)
{
	char lcores[128];
	const char *status = show_str(st, "status");

	show_list(lcores, sizeof(lcores), json_object_get(st, "lcores"));
	fprintf(out,
		"%s%s%s (master lcore %" JSON_INTEGER_FORMAT ", lcores %s)\n",
		name, status[0] ? ": " : "", status,
		json_integer_value(json_object_get(st, "master-lcore")),
		lcores);
}

/*
 * "lcore 2: busy 35.2% of 12.0 s" for each worker lcore of a status: the
 * share of its time spent on passes that moved frames, since it started.
 */
static void
show_workers(FILE *out, const json_t *st, const char *indent)
{
	double hz = (double)json_integer_value(json_object_get(st, "tsc_hz"));
	const json_t *w;
	size_t i;

	json_array_foreach(json_object_get(st, "workers"), i, w)
	{
		double busy = (double)json_integer_value(
			json_object_get(w, "busy_cycles"));
		double all = busy + (double)json_integer_value(
					    json_object_get(w, "idle_cycles"));

		fprintf(out,
			"%slcore %" JSON_INTEGER_FORMAT
			": busy %.1f%% of %.1f s\n",
			indent, json_integer_value(json_object_get(w, "lcore")),
			all > 0 ? 100.0 * busy / all : 0.0,
			hz > 0 ? all / hz : 0.0);
	}
}

/* -- ports and patches (nfv and the primary's forwarder) --------------- */

static const json_t *
show_port_stats(const json_t *st, const char *port)
{
	const json_t *s;
	size_t i;

	json_array_foreach(json_object_get(st, "port_stats"), i,
			   s) if (strcmp(show_str(s, "port"), port) ==
				  0) return s;
	return NULL;
}

/* The patch from port name and where it runs: "-> ring:1 (lcore 2)". */
static void
show_patch_of(const json_t *st, const char *name, char *buf, size_t len)
{
	const json_t *p, *lc;
	size_t i;

	buf[0] = '\0';
	json_array_foreach(json_object_get(st, "patches"), i, p)
	{
		if (strcmp(show_str(p, "src"), name) != 0)
			continue;
		lc = json_object_get(p, "lcore");
		if (json_is_integer(lc))
			snprintf(buf, len, "-> %s (lcore %d)",
				 show_str(p, "dst"),
				 (int)json_integer_value(lc));
		else
			snprintf(buf, len, "-> %s", show_str(p, "dst"));
	}
}

static void
show_forwarder(FILE *out, const json_t *st, const char *indent)
{
	static const char *const head[] = {"PORT", "LINK", "PATCH",
					   "RX",   "TX",   "TX_DROP"};
	char patch[160], rx[24], tx[24], drop[24];
	char *cells[6] = {NULL, NULL, patch, rx, tx, drop};
	const json_t *port, *s;
	struct show_table t;
	size_t i;

	if (json_array_size(json_object_get(st, "ports")) == 0) {
		fprintf(out, "%sno ports\n", indent);
		return;
	}
	show_table_init(&t, head, 6, 3);
	json_array_foreach(json_object_get(st, "ports"), i, port)
	{
		const char *name = json_string_value(port);

		s = show_port_stats(st, name);
		show_patch_of(st, name, patch, sizeof(patch));
		cells[0] = (char *)(uintptr_t)name;
		cells[1] = (char *)(uintptr_t)(s ? show_str(s, "link") : "");
		show_int(rx, sizeof(rx), s, "rx");
		show_int(tx, sizeof(tx), s, "tx");
		show_int(drop, sizeof(drop), s, "tx_drop");
		show_table_row(&t, cells);
	}
	show_table_print(out, &t, indent);
}

static void
show_nfv(FILE *out, const char *name, const json_t *st)
{
	show_head(out, name, st);
	show_forwarder(out, st, "  ");
	show_workers(out, st, "  ");
}

/* -- primary ------------------------------------------------------------ */

static void
show_primary(FILE *out, const json_t *st)
{
	static const char *const phy_head[] = {"PORT", "MAC", "QUEUES",
					       "RX",   "TX",  "TX_DROP"};
	static const char *const ring_head[] = {"RING",	   "COUNT", "RX",
						"RX_DROP", "TX",    "TX_DROP"};
	static const char *const pipe_head[] = {"PIPE", "RX RING", "TX RING",
						"RX", "TX"};
	char c[6][48];
	char *cells[6];
	const json_t *p, *pool = json_object_get(st, "mbuf_pool"), *fwd;
	struct show_table t;
	size_t i;
	int k;

	for (k = 0; k < 6; k++)
		cells[k] = c[k];
	show_head(out, "primary", st);
	if (pool != NULL)
		fprintf(out,
			"  mbuf pool %s: %" JSON_INTEGER_FORMAT
			" in use of %" JSON_INTEGER_FORMAT "\n",
			show_str(pool, "name"),
			json_integer_value(json_object_get(pool, "in_use")),
			json_integer_value(json_object_get(pool, "size")));
	if (json_array_size(json_object_get(st, "phy_ports")) > 0) {
		show_table_init(&t, phy_head, 6, 3);
		json_array_foreach(json_object_get(st, "phy_ports"), i, p)
		{
			const json_t *q = json_object_get(p, "nof_queues");

			snprintf(c[0], sizeof(c[0]),
				 "phy:%" JSON_INTEGER_FORMAT,
				 json_integer_value(json_object_get(p, "id")));
			snprintf(c[1], sizeof(c[1]), "%s", show_str(p, "eth"));
			snprintf(c[2], sizeof(c[2]),
				 "%" JSON_INTEGER_FORMAT
				 "/%" JSON_INTEGER_FORMAT,
				 json_integer_value(json_object_get(q, "rx")),
				 json_integer_value(json_object_get(q, "tx")));
			show_int(c[3], sizeof(c[3]), p, "rx");
			show_int(c[4], sizeof(c[4]), p, "tx");
			show_int(c[5], sizeof(c[5]), p, "tx_drop");
			show_table_row(&t, cells);
		}
		show_table_print(out, &t, "  ");
	}
	if (json_array_size(json_object_get(st, "ring_ports")) > 0) {
		show_table_init(&t, ring_head, 6, 1);
		json_array_foreach(json_object_get(st, "ring_ports"), i, p)
		{
			snprintf(c[0], sizeof(c[0]),
				 "ring:%" JSON_INTEGER_FORMAT,
				 json_integer_value(json_object_get(p, "id")));
			show_int(c[1], sizeof(c[1]), p, "count");
			show_int(c[2], sizeof(c[2]), p, "rx");
			show_int(c[3], sizeof(c[3]), p, "rx_drop");
			show_int(c[4], sizeof(c[4]), p, "tx");
			show_int(c[5], sizeof(c[5]), p, "tx_drop");
			show_table_row(&t, cells);
		}
		show_table_print(out, &t, "  ");
	}
	if (json_array_size(json_object_get(st, "pipes")) > 0) {
		show_table_init(&t, pipe_head, 5, 3);
		json_array_foreach(json_object_get(st, "pipes"), i, p)
		{
			const json_t *s = json_object_get(p, "stats");

			snprintf(c[0], sizeof(c[0]),
				 "pipe:%" JSON_INTEGER_FORMAT,
				 json_integer_value(json_object_get(p, "id")));
			snprintf(c[1], sizeof(c[1]),
				 "ring:%" JSON_INTEGER_FORMAT,
				 json_integer_value(json_object_get(p, "rx")));
			snprintf(c[2], sizeof(c[2]),
				 "ring:%" JSON_INTEGER_FORMAT,
				 json_integer_value(json_object_get(p, "tx")));
			show_int(c[3], sizeof(c[3]), s, "rx");
			show_int(c[4], sizeof(c[4]), s, "tx");
			show_table_row(&t, cells);
		}
		show_table_print(out, &t, "  ");
	}
	fwd = json_object_get(st, "forwarder");
	if (fwd != NULL) {
		fprintf(out, "  forwarder: %s\n", show_str(fwd, "status"));
		show_forwarder(out, fwd, "    ");
		show_workers(out, fwd, "    ");
	} else {
		fprintf(out, "  forwarder: none (the primary runs on one "
			     "lcore)\n");
	}
}

/* -- spp_vf, spp_mirror -------------------------------------------------- */

/* "ring:0, vhost:1 +vlan 101/3" from a component's rx_port or tx_port */
static void
show_comp_ports(char *buf, size_t len, const json_t *ports)
{
	size_t i, n = 0;
	const json_t *p;

	buf[0] = '\0';
	json_array_foreach(ports, i, p)
	{
		const json_t *vlan = json_object_get(p, "vlan");
		const char *op = show_str(vlan, "operation");

		if (n >= len)
			break;
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "",
				      show_str(p, "port"));
		if (n < len && strcmp(op, "add") == 0)
			n += (size_t)snprintf(
				buf + n, len - n,
				" +vlan %" JSON_INTEGER_FORMAT
				"/%" JSON_INTEGER_FORMAT,
				json_integer_value(json_object_get(vlan, "id")),
				json_integer_value(
					json_object_get(vlan, "pcp")));
		else if (n < len && strcmp(op, "del") == 0)
			n += (size_t)snprintf(buf + n, len - n, " -vlan");
	}
}

static void
show_comp(FILE *out, const char *name, const json_t *st)
{
	static const char *const comp_head[] = {"CORE",	    "NAME",	"TYPE",
						"RX PORTS", "TX PORTS", "COPY",
						"RX",	    "TX",	"DROP"};
	static const char *const port_head[] = {"PORT", "LINK", "RX", "TX",
						"TX_DROP"};
	static const char *const cls_head[] = {"TYPE", "VLAN", "MAC", "PORT",
					       "ACTIVE"};
	char c[9][256];
	char *cells[9];
	const json_t *p, *s, *table;
	struct show_table t;
	size_t i;
	int k;

	for (k = 0; k < 9; k++)
		cells[k] = c[k];
	show_head(out, name, st);
	if (json_array_size(json_object_get(st, "components")) == 0)
		fprintf(out, "  no components\n");
	else {
		show_table_init(&t, comp_head, 9, 6);
		json_array_foreach(json_object_get(st, "components"), i, p)
		{
			s = json_object_get(p, "stats");
			show_int(c[0], sizeof(c[0]), p, "core");
			snprintf(c[1], sizeof(c[1]), "%s", show_str(p, "name"));
			snprintf(c[2], sizeof(c[2]), "%s", show_str(p, "type"));
			show_comp_ports(c[3], sizeof(c[3]),
					json_object_get(p, "rx_port"));
			show_comp_ports(c[4], sizeof(c[4]),
					json_object_get(p, "tx_port"));
			snprintf(c[5], sizeof(c[5]), "%s", show_str(p, "copy"));
			show_int(c[6], sizeof(c[6]), s, "rx");
			show_int(c[7], sizeof(c[7]), s, "tx");
			show_int(c[8], sizeof(c[8]), s, "drop");
			show_table_row(&t, cells);
		}
		show_table_print(out, &t, "  ");
	}
	if (json_array_size(json_object_get(st, "port_stats")) > 0) {
		show_table_init(&t, port_head, 5, 2);
		json_array_foreach(json_object_get(st, "port_stats"), i, p)
		{
			snprintf(c[0], sizeof(c[0]), "%s", show_str(p, "port"));
			snprintf(c[1], sizeof(c[1]), "%s", show_str(p, "link"));
			show_int(c[2], sizeof(c[2]), p, "rx");
			show_int(c[3], sizeof(c[3]), p, "tx");
			show_int(c[4], sizeof(c[4]), p, "tx_drop");
			show_table_row(&t, cells);
		}
		show_table_print(out, &t, "  ");
	}
	show_workers(out, st, "  ");
	table = json_object_get(st, "classifier_table");
	if (table == NULL)
		return;
	if (json_array_size(table) == 0) {
		fprintf(out, "  classifier table: empty\n");
		return;
	}
	fprintf(out, "  classifier table:\n");
	show_table_init(&t, cls_head, 5, -1);
	json_array_foreach(table, i, p)
	{
		const char *value = show_str(p, "value");
		const char *slash = strchr(value, '/');

		snprintf(c[0], sizeof(c[0]), "%s", show_str(p, "type"));
		if (slash != NULL) {
			snprintf(c[1], sizeof(c[1]), "%.*s",
				 (int)(slash - value), value);
			snprintf(c[2], sizeof(c[2]), "%s", slash + 1);
		} else {
			snprintf(c[1], sizeof(c[1]), "-");
			snprintf(c[2], sizeof(c[2]), "%s", value);
		}
		snprintf(c[3], sizeof(c[3]), "%s", show_str(p, "port"));
		snprintf(c[4], sizeof(c[4]), "%s",
			 json_is_false(json_object_get(p, "active")) ? "no"
								     : "yes");
		show_table_row(&t, cells);
	}
	show_table_print(out, &t, "    ");
}

/* -- spp_pcap ----------------------------------------------------------- */

static void
show_pcap(FILE *out, const char *name, const json_t *st)
{
	static const char *const head[] = {"CORE",   "ROLE",  "PORT / FILE",
					   "FRAMES", "BYTES", "FILES",
					   "DROP"};
	char c[7][300];
	char *cells[7];
	const json_t *p, *s;
	struct show_table t;
	size_t i;
	int k;

	for (k = 0; k < 7; k++)
		cells[k] = c[k];
	show_head(out, name, st);
	show_table_init(&t, head, 7, 3);
	json_array_foreach(json_object_get(st, "core"), i, p)
	{
		int rx = strcmp(show_str(p, "role"), "receive") == 0;

		s = json_object_get(p, "stats");
		show_int(c[0], sizeof(c[0]), p, "core");
		snprintf(c[1], sizeof(c[1]), "%s", show_str(p, "role"));
		if (rx) {
			const json_t *pass = json_array_get(
				json_object_get(p, "tx_port"), 0);

			snprintf(c[2], sizeof(c[2]), "%s%s%s",
				 show_str(json_array_get(
						  json_object_get(p, "rx_port"),
						  0),
					  "port"),
				 pass ? " -> " : "",
				 pass ? show_str(pass, "port") : "");
			show_int(c[3], sizeof(c[3]), s, "rx");
			snprintf(c[4], sizeof(c[4]), "-");
			snprintf(c[5], sizeof(c[5]), "-");
		} else {
			snprintf(c[2], sizeof(c[2]), "%s",
				 show_str(p, "filename"));
			show_int(c[3], sizeof(c[3]), s, "frames");
			show_int(c[4], sizeof(c[4]), s, "bytes");
			show_int(c[5], sizeof(c[5]), s, "files");
		}
		show_int(c[6], sizeof(c[6]), s, "drop");
		show_table_row(&t, cells);
	}
	show_table_print(out, &t, "  ");
	show_workers(out, st, "  ");
	json_array_foreach(json_object_get(st, "core"), i,
			   p) if (json_object_get(p, "error") != NULL)
		fprintf(out, "  error on lcore %" JSON_INTEGER_FORMAT ": %s\n",
			json_integer_value(json_object_get(p, "core")),
			show_str(p, "error"));
}

void
cli_show_status(FILE *out, enum cli_req_show show, const struct cli_target *t,
		const json_t *st)
{
	char name[32];

	cli_req_target_name(t, name, sizeof(name));
	switch (show) {
	case CLI_SHOW_PRIMARY:
		show_primary(out, st);
		break;
	case CLI_SHOW_NFV:
		show_nfv(out, name, st);
		break;
	case CLI_SHOW_COMP:
		show_comp(out, name, st);
		break;
	case CLI_SHOW_PCAP:
		show_pcap(out, name, st);
		break;
	default:
		cli_show_json(out, st);
		break;
	}
}

/*
 * " (restored 13 commands at T, 1 failed)" when spp-ctl put p's
 * configuration back, then the end of the line.
 */
static void
show_restored(FILE *out, const json_t *p)
{
	const json_t *r = json_object_get(p, "restored");
	size_t failed = json_array_size(json_object_get(r, "failed"));

	if (r != NULL) {
		fprintf(out,
			" (restored %" JSON_INTEGER_FORMAT " commands at %s",
			json_integer_value(json_object_get(r, "commands")),
			show_str(r, "at"));
		if (failed > 0)
			fprintf(out, ", %zu failed", failed);
		fputc(')', out);
	}
	fputc('\n', out);
}

void
cli_show_processes(FILE *out, const char *server, const json_t *procs)
{
	const json_t *p, *primary = NULL;
	int nsec = 0;
	size_t i;

	fprintf(out, "spp-ctl: %s\n", server);
	json_array_foreach(procs, i, p) if (strcmp(show_str(p, "type"),
						   "primary") == 0) primary = p;
	fprintf(out, "primary: %s", primary ? "running" : "not connected");
	show_restored(out, primary);
	json_array_foreach(procs, i, p)
	{
		if (strcmp(show_str(p, "type"), "primary") == 0)
			continue;
		if (nsec++ == 0)
			fprintf(out, "secondaries:\n");
		fprintf(out,
			"  %" JSON_INTEGER_FORMAT ": %s:%" JSON_INTEGER_FORMAT,
			json_integer_value(json_object_get(p, "client-id")),
			show_str(p, "type"),
			json_integer_value(json_object_get(p, "client-id")));
		show_restored(out, p);
	}
	if (nsec == 0)
		fprintf(out, "secondaries: none\n");
}

void
cli_show_json(FILE *out, const json_t *v)
{
	json_dumpf(v, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', out);
}
