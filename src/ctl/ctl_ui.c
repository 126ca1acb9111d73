/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The topology is a graphviz graph built from one status round (ctl_stats,
 * shared with GET /metrics): a cluster per process holding its ports (as
 * that process sees them), components, patches and capture; the primary's
 * rings and NICs inside the primary's cluster, VMs and memif peers outside.
 * A port is linked to the ring, NIC, VM... behind it in the direction the
 * process uses it; every link is ranked from the process to the resource,
 * so that dot (top to bottom) puts the processes in a row above the rings
 * they share. Graphviz's dot lays it out and renders SVG (ctl_dot.c); the
 * page only swaps the SVG in.
 *
 * Rates come from the counters of an earlier round: the newest one at least
 * UI_RATE_MIN_S old, so that two viewers polling out of step do not get
 * rates over a few milliseconds.
 */
#include "ctl_ui.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <graphviz/cgraph.h>

#include "ctl_dot.h"
#include "ctl_stats.h"

struct ctl_ui_file {
	const char *path;
	const char *type;
	const char *data;
	size_t len;
};

#include "ctl_ui_assets.h"

#define UI_HISTORY 16
/* dot lays out a node of 8 processes and 200 ports in about 0.2 s */
#define UI_DOT_TIMEOUT_MS 10000
#define UI_RATE_MIN_S 0.9
#define UI_ID_LEN 160
#define UI_LABEL_LEN 256
/* points of a line of a link's label: "drop 999.9k f/s" at 13 points */
#define UI_LABEL_W 110
#define UI_LABEL_H 16

/* The counters of a past round, by key ("port/nfv:1/ring:0/rx"). */
struct ui_past {
	double mono;
	json_t *counters;
};

static struct {
	pthread_mutex_t lock; /* the history, and cgraph (not thread safe) */
	struct ui_past past[UI_HISTORY];
	unsigned int next;
} ui = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

/* What a graph is built with. */
struct ui_ctx {
	Agraph_t *g;
	json_t *now;	 /* key -> counter, of this round */
	json_t *prev;	 /* of the round rates are taken against, or NULL */
	double dt;	 /* seconds between the two */
	json_t *details; /* element id -> {"title", "rows"} */
};

void
ctl_ui_file(struct ctl_call *call)
{
	const struct ctl_ui_file *f;
	char path[128];
	char *copy;

	if (call->route->arg != NULL)
		snprintf(path, sizeof(path), "%s",
			 (const char *)call->route->arg);
	else
		snprintf(path, sizeof(path), "/ui/%s", call->params[0]);
	for (f = ctl_ui_files; f->path != NULL; f++)
		if (strcmp(f->path, path) == 0)
			break;
	if (f->path == NULL) {
		ctl_fail(call, 404, "no such path: %s", path);
		return;
	}
	copy = malloc(f->len + 1);
	if (copy == NULL) {
		ctl_fail(call, 500, "out of memory");
		return;
	}
	memcpy(copy, f->data, f->len + 1);
	ctl_ok_text(call, copy, f->len, f->type);
}

/* -- rates ----------------------------------------------------------- */

/*
 * Record a counter of this round under the key made of fmt, and return its
 * rate per second, or NAN when there is no earlier value.
 */
static double ui_counter(struct ui_ctx *c, double v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The rate of the counter recorded under key this round, or NAN. */
static double
ui_rate_of(const struct ui_ctx *c, const char *key)
{
	const json_t *now = json_object_get(c->now, key);
	const json_t *old =
		c->prev == NULL ? NULL : json_object_get(c->prev, key);

	/* new, or the counter was reset */
	if (now == NULL || old == NULL ||
	    json_real_value(now) < json_real_value(old))
		return NAN;
	return (json_real_value(now) - json_real_value(old)) / c->dt;
}

static double
ui_counter(struct ui_ctx *c, double v, const char *fmt, ...)
{
	char key[UI_ID_LEN + 32];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(key, sizeof(key), fmt, ap);
	va_end(ap);
	json_object_set_new(c->now, key, json_real(v));
	return ui_rate_of(c, key);
}

/* The past round to take rates against at time mono; ui lock held. */
static const struct ui_past *
ui_past_for(double mono)
{
	const struct ui_past *best = NULL, *oldest = NULL;
	unsigned int i;

	for (i = 0; i < UI_HISTORY; i++) {
		const struct ui_past *p = &ui.past[i];

		if (p->counters == NULL || p->mono >= mono - 0.05)
			continue;
		if (mono - p->mono >= UI_RATE_MIN_S &&
		    (best == NULL || p->mono > best->mono))
			best = p;
		if (oldest == NULL || p->mono < oldest->mono)
			oldest = p;
	}
	return best != NULL ? best : oldest;
}

/* Keep the counters of the round that ended at mono; ui lock held. */
static void
ui_past_add(double mono, json_t *counters)
{
	unsigned int i;

	for (i = 0; i < UI_HISTORY; i++)
		if (ui.past[i].counters != NULL && ui.past[i].mono == mono)
			return; /* a round shared with another request */
	json_decref(ui.past[ui.next].counters);
	ui.past[ui.next].mono = mono;
	ui.past[ui.next].counters = json_incref(counters);
	ui.next = (ui.next + 1) % UI_HISTORY;
}

/* "1.23M f/s"; "-" when unknown. */
static const char *
ui_rate(char *buf, size_t len, double r)
{
	if (isnan(r))
		snprintf(buf, len, "- f/s");
	else if (r < 1e3)
		snprintf(buf, len, "%.0f f/s", r);
	else if (r < 1e6)
		snprintf(buf, len, "%.1fk f/s", r / 1e3);
	else if (r < 1e9)
		snprintf(buf, len, "%.2fM f/s", r / 1e6);
	else
		snprintf(buf, len, "%.2fG f/s", r / 1e9);
	return buf;
}

/* -- details: what a click shows -------------------------------------- */

static json_t *
ui_detail(struct ui_ctx *c, const char *id, const char *title)
{
	json_t *d = json_pack("{s:s,s:[]}", "title", title, "rows");

	json_object_set_new(c->details, id, d);
	return json_object_get(d, "rows");
}

/* A row [name, value, rate] (rate "" for a value that is not a counter). */
static void
ui_row(json_t *rows, const char *name, double v, double rate, bool counter)
{
	char val[32], r[32] = "";

	if (v == floor(v) && fabs(v) < 1e15)
		snprintf(val, sizeof(val), "%.0f", v);
	else
		snprintf(val, sizeof(val), "%.3g", v);
	if (counter)
		ui_rate(r, sizeof(r), rate);
	json_array_append_new(rows, json_pack("[s,s,s]", name, val, r));
}

static void
ui_row_text(json_t *rows, const char *name, const char *text)
{
	json_array_append_new(rows, json_pack("[s,s,s]", name, text, ""));
}

/* -- graph ----------------------------------------------------------- */

/*
 * cgraph's default IDs of named objects are the addresses of their names,
 * and agwrite() writes subgraphs in ID order: the processes' clusters came
 * out in another order at every update, and dot moved the whole picture
 * each second. This discipline numbers names in the order they come (even
 * IDs, as cgraph's named objects; anonymous edges get odd ones). It keeps
 * the names itself: leaving them to cgraph's internal map leaks some of
 * it at agclose() (libcgraph 2.42: about 8 KB an update, measured).
 */
struct ui_ids {
	Agraph_t *g;
	json_t *by_name; /* name -> ID */
	char **names;	 /* of ID 2 (i + 1), cgraph's reference strings */
	size_t nb_names;
	size_t cap;
	IDTYPE anon; /* anonymous objects so far */
};

static void *
ui_id_open(Agraph_t *g, Agdisc_t *disc)
{
	struct ui_ids *s = calloc(1, sizeof(*s));

	(void)disc;
	if (s != NULL) {
		s->g = g;
		s->by_name = json_object();
	}
	return s;
}

static long
ui_id_map(void *state, int objtype, char *str, IDTYPE *id, int createflag)
{
	struct ui_ids *s = state;
	const json_t *known;
	char **more;

	(void)objtype;
	if (s == NULL || s->by_name == NULL)
		return 0;
	if (str == NULL) {
		*id = 2 * s->anon++ + 1;
		return 1;
	}
	known = json_object_get(s->by_name, str);
	if (known != NULL) {
		*id = (IDTYPE)json_integer_value(known);
		return 1;
	}
	if (!createflag)
		return 0;
	if (s->nb_names == s->cap) {
		more = realloc(s->names, (s->cap * 2 + 64) * sizeof(*more));
		if (more == NULL)
			return 0;
		s->names = more;
		s->cap = s->cap * 2 + 64;
	}
	/* agwrite() takes names for strings of cgraph's own */
	s->names[s->nb_names] = agstrdup(s->g, str);
	if (s->names[s->nb_names] == NULL)
		return 0;
	*id = 2 * ++s->nb_names;
	json_object_set_new(s->by_name, str, json_integer((json_int_t)*id));
	return 1;
}

static long
ui_id_alloc(void *state, int objtype, IDTYPE id)
{
	(void)state;
	(void)objtype;
	(void)id;
	return 0; /* no ID chosen by the caller */
}

/* An object is deleted (each named one once, at agclose() at the latest). */
static void
ui_id_free(void *state, int objtype, IDTYPE id)
{
	struct ui_ids *s = state;
	char **name;

	(void)objtype;
	if (s == NULL || id % 2 != 0 || id == 0 || id / 2 > s->nb_names)
		return;
	name = &s->names[id / 2 - 1];
	if (*name != NULL)
		agstrfree(s->g, *name);
	*name = NULL;
}

static char *
ui_id_print(void *state, int objtype, IDTYPE id)
{
	struct ui_ids *s = state;

	(void)objtype;
	if (s == NULL || id % 2 != 0 || id == 0 || id / 2 > s->nb_names)
		return NULL;
	return s->names[id / 2 - 1];
}

static void
ui_id_close(void *state)
{
	struct ui_ids *s = state;

	if (s == NULL)
		return;
	free(s->names);
	json_decref(s->by_name);
	free(s);
}

static void
ui_id_register(void *state, int objtype, void *obj)
{
	(void)state;
	(void)objtype;
	(void)obj;
}

static Agiddisc_t ui_id_disc;
static Agdisc_t ui_disc = {&AgMemDisc, &ui_id_disc, &AgIoDisc};

static Agiddisc_t ui_id_disc = {
	ui_id_open,  ui_id_map,	  ui_id_alloc,	  ui_id_free,
	ui_id_print, ui_id_close, ui_id_register,
};

static void
ui_set(void *obj, const char *name, const char *value)
{
	agsafeset(obj, (char *)name, (char *)value, (char *)"");
}

/* An HTML-like label ("<TABLE>..."), not text. */
static void
ui_set_html(Agraph_t *g, void *obj, const char *name, const char *html)
{
	char *s = agstrdup_html(g, (char *)html);

	agsafeset(obj, (char *)name, s, (char *)"");
	agstrfree(g, s);
}

/*
 * A node whose label changes with the counters keeps one size (w by h
 * inches), so that the layout stays.
 */
static void
ui_fixed(Agnode_t *n, const char *w, const char *h)
{
	ui_set(n, "fixedsize", "true");
	ui_set(n, "width", w);
	ui_set(n, "height", h);
}

static Agnode_t *
ui_node(Agraph_t *g, const char *id, const char *label, const char *shape)
{
	Agnode_t *n = agnode(g, (char *)id, 1);

	ui_set(n, "id", id);
	ui_set(n, "label", label);
	ui_set(n, "shape", shape);
	return n;
}

/*
 * An edge labelled with rate (NAN: not known yet), red with the drop rate
 * when drop > 0; dotted without label when not labelled (an unused port).
 */
static Agedge_t *
ui_edge(struct ui_ctx *c, Agnode_t *from, Agnode_t *to, const char *id,
	double rate, double drop, bool labelled)
{
	char label[UI_LABEL_LEN * 2], a[32], b[40];
	Agedge_t *e = agedge(c->g, from, to, NULL, 1);

	ui_set(e, "id", id);
	if (!labelled) {
		ui_set(e, "style", "dotted");
		ui_set(e, "arrowhead", "none");
		return e;
	}
	ui_rate(a, sizeof(a), rate);
	b[0] = '\0';
	if (drop > 0) {
		snprintf(b, sizeof(b), "drop ");
		ui_rate(b + 5, sizeof(b) - 5, drop);
		ui_set(e, "color", "red");
		ui_set(e, "fontcolor", "red");
	} else {
		ui_set(e, "color", rate > 0 ? "darkgreen" : "gray40");
	}
	if (rate > 0)
		ui_set(e, "penwidth", "2");
	/*
	 * Two lines of a fixed size whatever the figures: dot lays out the
	 * same graph every second as long as nothing but the rates change.
	 */
	snprintf(label, sizeof(label),
		 "<TABLE BORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"0\">"
		 "<TR><TD FIXEDSIZE=\"TRUE\" WIDTH=\"%d\" HEIGHT=\"%d\">%s"
		 "</TD></TR><TR><TD FIXEDSIZE=\"TRUE\" WIDTH=\"%d\" "
		 "HEIGHT=\"%d\">%s</TD></TR></TABLE>",
		 UI_LABEL_W, UI_LABEL_H, a, UI_LABEL_W, UI_LABEL_H, b);
	ui_set_html(c->g, e, "label", label);
	return e;
}

/*
 * An edge of frames from resource res (a ring, a NIC, a VM) to node n, as
 * ui_edge(). It is ranked as if n fed res: the processes stay on one side
 * of the rings they use both ways, and no link loops around a process.
 */
static void
ui_edge_in(struct ui_ctx *c, Agnode_t *res, Agnode_t *n, const char *id,
	   double rate, bool labelled)
{
	Agedge_t *e = ui_edge(c, n, res, id, rate, 0, labelled);

	if (labelled)
		ui_set(e, "dir", "back");
}

/*
 * The cluster of a process, with a node that names it (an empty cluster
 * would not be drawn).
 */
static Agraph_t *
ui_cluster(struct ui_ctx *c, const struct ctl_stats_proc *p, const char *extra)
{
	char name[UI_ID_LEN], label[UI_LABEL_LEN];
	Agraph_t *sg;
	Agnode_t *n;

	snprintf(name, sizeof(name), "cluster_%s", p->name);
	sg = agsubg(c->g, name, 1);
	ui_set(sg, "style", p->status != NULL ? "rounded" : "rounded,dashed");
	ui_set(sg, "color", p->status != NULL ? "steelblue" : "red");
	ui_set(sg, "label", "");
	snprintf(name, sizeof(name), "proc/%s", p->name);
	snprintf(label, sizeof(label), "%s\npid %lld%s%s", p->name, p->pid,
		 extra[0] ? "\n" : "", extra);
	n = ui_node(sg, name, label, "folder");
	ui_set(n, "style", "filled");
	ui_set(n, "fillcolor", p->status != NULL ? "lightsteelblue" : "pink");
	return sg;
}

/* The ring, NIC, VM... behind a port ("res/ring:0"), or NULL (nullpmd). */
static Agnode_t *
ui_resource(struct ui_ctx *c, Agraph_t *pri, const char *port)
{
	char id[UI_ID_LEN], label[UI_LABEL_LEN], res[64];
	const char *shape = "box";
	Agraph_t *in = pri != NULL ? pri : c->g;
	Agnode_t *n;
	size_t len = strcspn(port, " "); /* "phy:0 nq 1" is phy:0 */

	snprintf(res, sizeof(res), "%.*s", (int)len, port);
	snprintf(id, sizeof(id), "res/%s", res);
	n = agnode(c->g, id, 0);
	if (n != NULL)
		return n;
	if (strncmp(res, "ring:", 5) == 0 || strncmp(res, "phy:", 4) == 0 ||
	    strncmp(res, "pipe:", 5) == 0 || strncmp(res, "tap:", 4) == 0) {
		snprintf(label, sizeof(label), "%s", res);
		shape = strncmp(res, "ring:", 5) == 0 ? "cylinder" : "box3d";
	} else if (strncmp(res, "vhost:", 6) == 0) {
		snprintf(label, sizeof(label), "VM\n%s", res);
		in = c->g;
	} else if (strncmp(res, "memif:", 6) == 0) {
		snprintf(label, sizeof(label), "memif peer\n%s", res);
		in = c->g;
	} else {
		return NULL; /* nullpmd, pcap: inside the process */
	}
	n = ui_node(in, id, label, shape);
	ui_set(n, "style", "filled");
	ui_set(n, "fillcolor", "lightyellow");
	return n;
}

/*
 * The VM of a vhost port or the peer of a memif port, as port of process p
 * sees it: there (link up) or not, and the frames each way.
 */
static void
ui_peer(struct ui_ctx *c, Agnode_t *n, const struct ctl_stats_proc *p,
	const char *port, bool up, double from_peer, double to_peer)
{
	bool vm = strncmp(port, "vhost:", 6) == 0;
	char id[UI_ID_LEN], label[UI_LABEL_LEN], r[32];
	json_t *rows;

	snprintf(label, sizeof(label), "%s%s\n%s", up ? "" : "no ",
		 vm ? "VM" : "memif peer", port);
	ui_set(n, "label", label);
	ui_set(n, "style", up ? "filled" : "filled,dashed");
	snprintf(id, sizeof(id), "res/%s", port);
	snprintf(label, sizeof(label), "%s on %s of %s",
		 vm ? "VM" : "memif peer", port, p->name);
	rows = ui_detail(c, id, label);
	ui_row_text(rows, "connected", up ? "yes" : "no");
	ui_row_text(rows, vm ? "from the VM" : "from the peer",
		    ui_rate(r, sizeof(r), from_peer));
	ui_row_text(rows, vm ? "to the VM" : "to the peer",
		    ui_rate(r, sizeof(r), to_peer));
}

/* How a process uses a port: bit 0 receives, bit 1 sends. */
#define UI_RX 1
#define UI_TX 2

/* A port as a process sees it, its counters, and its link. */
static void
ui_port(struct ui_ctx *c, Agraph_t *sg, Agraph_t *pri,
	const struct ctl_stats_proc *p, const json_t *st, unsigned int use)
{
	const char *port = json_string_value(json_object_get(st, "port"));
	const char *link = json_string_value(json_object_get(st, "link"));
	double rx = ctl_stats_num(st, "rx"), tx = ctl_stats_num(st, "tx");
	double drop = ctl_stats_num(st, "tx_drop"), rrx, rtx, rdrop;
	char id[UI_ID_LEN], eid[UI_ID_LEN + 8], title[UI_ID_LEN];
	Agnode_t *n, *res;
	json_t *rows;

	snprintf(id, sizeof(id), "port/%s/%s", p->name, port);
	rrx = ui_counter(c, rx, "%s/rx", id);
	rtx = ui_counter(c, tx, "%s/tx", id);
	rdrop = ui_counter(c, drop, "%s/tx_drop", id);
	n = ui_node(sg, id, port, "box");
	ui_set(n, "style",
	       link != NULL && strcmp(link, "up") != 0 ? "rounded,dashed"
						       : "rounded");
	snprintf(title, sizeof(title), "%s of %s", port, p->name);
	rows = ui_detail(c, id, title);
	ui_row_text(rows, "link", link != NULL ? link : "?");
	ui_row(rows, "rx", rx, rrx, true);
	ui_row(rows, "tx", tx, rtx, true);
	ui_row(rows, "tx_drop", drop, rdrop, true);
	res = ui_resource(c, pri, port);
	if (res == NULL)
		return;
	if (strncmp(port, "vhost:", 6) == 0 || strncmp(port, "memif:", 6) == 0)
		ui_peer(c, res, p, port,
			link != NULL && strcmp(link, "up") == 0, rrx, rtx);
	if (use & UI_RX) {
		snprintf(eid, sizeof(eid), "%s/in", id);
		ui_edge_in(c, res, n, eid, rrx, true);
	}
	if (use & UI_TX) {
		snprintf(eid, sizeof(eid), "%s/out", id);
		ui_edge(c, n, res, eid, rtx, rdrop, true);
	}
	if (use == 0) {
		snprintf(eid, sizeof(eid), "%s/idle", id);
		ui_edge_in(c, res, n, eid, NAN, false);
	}
}

/* Is port in the "port" members of the objects of array arr? */
static bool
ui_listed(const json_t *arr, const char *member, const char *port)
{
	const json_t *o, *q;
	const char *name;
	size_t i, k;

	json_array_foreach(arr, i, o)
	{
		json_array_foreach(json_object_get(o, member), k, q)
		{
			name = json_string_value(json_object_get(q, "port"));
			if (name != NULL && strcmp(name, port) == 0)
				return true;
		}
	}
	return false;
}

/* How a forwarder (patches) or components use port. */
static unsigned int
ui_use(const json_t *st, const char *port)
{
	const json_t *comps = json_object_get(st, "components");
	const json_t *pa;
	unsigned int use = 0;
	size_t i;

	json_array_foreach(json_object_get(st, "patches"), i, pa)
	{
		if (strcmp(json_string_value(json_object_get(pa, "src")) ?: "",
			   port) == 0)
			use |= UI_RX;
		if (strcmp(json_string_value(json_object_get(pa, "dst")) ?: "",
			   port) == 0)
			use |= UI_TX;
	}
	if (ui_listed(comps, "rx_port", port))
		use |= UI_RX;
	if (ui_listed(comps, "tx_port", port))
		use |= UI_TX;
	return use;
}

/*
 * An edge eid between port of process p and node n, at the port's rx rate
 * when the port feeds n (into_n), else at its tx rate.
 */
static void
ui_port_link(struct ui_ctx *c, const struct ctl_stats_proc *p, const char *port,
	     Agnode_t *n, bool into_n, const char *eid)
{
	char id[UI_ID_LEN], key[UI_ID_LEN + 8];
	Agnode_t *pn;
	double rate;

	snprintf(id, sizeof(id), "port/%s/%s", p->name, port);
	pn = agnode(c->g, id, 0);
	if (pn == NULL || n == NULL)
		return;
	snprintf(key, sizeof(key), "%s/%s", id, into_n ? "rx" : "tx");
	rate = ui_rate_of(c, key);
	if (into_n)
		ui_edge(c, pn, n, eid, rate, 0, true);
	else
		ui_edge(c, n, pn, eid, rate, 0, true);
}

/* The links of a component to its rx or tx ports. */
static void
ui_comp_links(struct ui_ctx *c, const struct ctl_stats_proc *p,
	      const json_t *comp, Agnode_t *n, bool rx)
{
	const char *name = json_string_value(json_object_get(comp, "name"));
	char eid[UI_ID_LEN * 2];
	const char *port;
	const json_t *q;
	size_t k;

	json_array_foreach(json_object_get(comp, rx ? "rx_port" : "tx_port"), k,
			   q)
	{
		port = json_string_value(json_object_get(q, "port")) ?: "";
		snprintf(eid, sizeof(eid), "port/%s/%s/%s/%s", p->name, port,
			 rx ? "to" : "from", name);
		ui_port_link(c, p, port, n, rx, eid);
	}
}

/* The ports, patches and components of a forwarder, vf or mirror. */
static void
ui_ports(struct ui_ctx *c, Agraph_t *sg, Agraph_t *pri,
	 const struct ctl_stats_proc *p, const json_t *st)
{
	char id[UI_ID_LEN], eid[UI_ID_LEN * 2], label[UI_LABEL_LEN];
	double rx, tx, drop, rrx, rtx, rdrop;
	const char *port, *src, *dst, *name;
	const json_t *o, *stats;
	Agnode_t *n;
	json_t *rows;
	size_t i;

	json_array_foreach(json_object_get(st, "port_stats"), i, o)
	{
		port = json_string_value(json_object_get(o, "port"));
		if (port != NULL)
			ui_port(c, sg, pri, p, o, ui_use(st, port));
	}
	json_array_foreach(json_object_get(st, "patches"), i, o)
	{
		src = json_string_value(json_object_get(o, "src"));
		dst = json_string_value(json_object_get(o, "dst"));
		if (src == NULL || dst == NULL)
			continue;
		/* every frame received on src goes to dst */
		snprintf(id, sizeof(id), "port/%s/%s", p->name, dst);
		snprintf(eid, sizeof(eid), "patch/%s/%s/%s", p->name, src, dst);
		ui_port_link(c, p, src, agnode(c->g, id, 0), true, eid);
	}
	json_array_foreach(json_object_get(st, "components"), i, o)
	{
		name = json_string_value(json_object_get(o, "name")) ?: "";
		stats = json_object_get(o, "stats");
		rx = ctl_stats_num(stats, "rx");
		tx = ctl_stats_num(stats, "tx");
		drop = ctl_stats_num(stats, "drop");
		snprintf(id, sizeof(id), "comp/%s/%s", p->name, name);
		snprintf(label, sizeof(label), "%s\n%s, lcore %lld", name,
			 json_string_value(json_object_get(o, "type")) ?: "",
			 (long long)ctl_stats_num(o, "core"));
		n = ui_node(sg, id, label, "ellipse");
		rrx = ui_counter(c, rx, "%s/rx", id);
		rtx = ui_counter(c, tx, "%s/tx", id);
		rdrop = ui_counter(c, drop, "%s/drop", id);
		if (rdrop > 0)
			ui_set(n, "color", "red");
		snprintf(label, sizeof(label), "component %s of %s", name,
			 p->name);
		rows = ui_detail(c, id, label);
		ui_row_text(rows, "type",
			    json_string_value(json_object_get(o, "type"))
				    ?: "");
		ui_row(rows, "rx", rx, rrx, true);
		ui_row(rows, "tx", tx, rtx, true);
		ui_row(rows, "drop", drop, rdrop, true);
		ui_comp_links(c, p, o, n, true);
		ui_comp_links(c, p, o, n, false);
	}
}

/* spp_pcap: the captured port, the receiver and the writers' files. */
static void
ui_pcap(struct ui_ctx *c, Agraph_t *sg, Agraph_t *pri,
	const struct ctl_stats_proc *p)
{
	double frames = 0, bytes = 0, files = 0, rx = 0, drop = 0, r;
	char id[UI_ID_LEN], fid[UI_ID_LEN + 16], label[UI_LABEL_LEN];
	const char *port = NULL, *pass = NULL;
	Agnode_t *cap, *out, *res;
	const json_t *o, *st;
	json_t *rows;
	size_t i;

	json_array_foreach(json_object_get(p->status, "core"), i, o)
	{
		st = json_object_get(o, "stats");
		if (strcmp(json_string_value(json_object_get(o, "role")) ?: "",
			   "receive") == 0) {
			port = json_string_value(json_object_get(
				json_array_get(json_object_get(o, "rx_port"),
					       0),
				"port"));
			pass = json_string_value(json_object_get(
				json_array_get(json_object_get(o, "tx_port"),
					       0),
				"port"));
			rx = ctl_stats_num(st, "rx");
			drop = ctl_stats_num(st, "drop");
		} else {
			frames += ctl_stats_num(st, "frames");
			bytes += ctl_stats_num(st, "bytes");
			files += ctl_stats_num(st, "files");
		}
	}
	snprintf(id, sizeof(id), "capture/%s", p->name);
	snprintf(label, sizeof(label), "capture\n%s",
		 json_string_value(json_object_get(p->status, "status"))
			 ?: "?");
	cap = ui_node(sg, id, label, "ellipse");
	snprintf(label, sizeof(label), "capture of %s", p->name);
	rows = ui_detail(c, id, label);
	ui_row_text(rows, "port", port != NULL ? port : "?");
	ui_row(rows, "received", rx, ui_counter(c, rx, "%s/rx", id), true);
	ui_row(rows, "dropped", drop, ui_counter(c, drop, "%s/drop", id), true);
	r = ui_counter(c, frames, "%s/frames", id);
	ui_row(rows, "written", frames, r, true);
	ui_row(rows, "bytes written", bytes,
	       ui_counter(c, bytes, "%s/bytes", id), false);
	ui_row(rows, "files completed", files, 0, false);

	snprintf(fid, sizeof(fid), "files/%s", p->name);
	snprintf(label, sizeof(label), "pcap files\n%.0f done, %.1f MB", files,
		 bytes / 1e6);
	out = ui_node(c->g, fid, label, "note");
	ui_fixed(out, "1.7", "0.5");
	snprintf(fid, sizeof(fid), "%s/written", id);
	ui_edge(c, cap, out, fid, r, 0, true);
	res = port != NULL ? ui_resource(c, pri, port) : NULL;
	if (res != NULL) {
		snprintf(fid, sizeof(fid), "%s/in", id);
		ui_edge_in(c, res, cap, fid, ui_counter(c, rx, "%s/in", id),
			   true);
	}
	res = pass != NULL ? ui_resource(c, pri, pass) : NULL;
	if (res != NULL) {
		double passed = 0;

		json_array_foreach(json_object_get(p->status, "core"), i, o)
			passed +=
			ctl_stats_num(json_object_get(o, "stats"), "passed");
		snprintf(fid, sizeof(fid), "%s/pass", id);
		ui_edge(c, cap, res, fid,
			ui_counter(c, passed, "%s/passed", id), 0, true);
	}
}

/* The primary's rings, NICs and mbuf pool, in its cluster. */
static void
ui_primary(struct ui_ctx *c, Agraph_t *pri, const struct ctl_stats_proc *p)
{
	char id[UI_ID_LEN], label[UI_LABEL_LEN];
	const json_t *o;
	Agnode_t *n;
	json_t *rows;
	size_t i;

	json_array_foreach(json_object_get(p->status, "ring_ports"), i, o)
	{
		double enq = ctl_stats_num(o, "tx"),
		       deq = ctl_stats_num(o, "rx");
		double drop = ctl_stats_num(o, "tx_drop");
		double count = ctl_stats_num(o, "count");
		double cap = ctl_stats_num(o, "capacity");
		long long rid = (long long)ctl_stats_num(o, "id");

		snprintf(id, sizeof(id), "res/ring:%lld", rid);
		n = agnode(c->g, id, 0);
		/* a ring nobody uses and that holds nothing is left out */
		if (n == NULL && count == 0)
			continue;
		snprintf(label, sizeof(label), "ring:%lld", rid);
		n = ui_resource(c, pri, label);
		snprintf(label, sizeof(label), "ring:%lld\n%.0f/%.0f", rid,
			 count, cap);
		ui_set(n, "label", label);
		ui_fixed(n, "1.0", "0.65");
		if (cap > 0 && count >= cap)
			ui_set(n, "fillcolor", "mistyrose");
		snprintf(label, sizeof(label), "ring:%lld of the primary", rid);
		rows = ui_detail(c, id, label);
		ui_row(rows, "enqueued", enq, ui_counter(c, enq, "%s/enq", id),
		       true);
		ui_row(rows, "dequeued", deq, ui_counter(c, deq, "%s/deq", id),
		       true);
		ui_row(rows, "dropped (full)", drop,
		       ui_counter(c, drop, "%s/drop", id), true);
		ui_row(rows, "frames in it", count, 0, false);
		ui_row(rows, "capacity", cap, 0, false);
	}
	json_array_foreach(json_object_get(p->status, "phy_ports"), i, o)
	{
		double rx = ctl_stats_num(o, "rx"), tx = ctl_stats_num(o, "tx");
		double drop = ctl_stats_num(o, "tx_drop");
		long long pid = (long long)ctl_stats_num(o, "id");

		snprintf(label, sizeof(label), "phy:%lld", pid);
		ui_resource(c, pri, label);
		snprintf(id, sizeof(id), "res/phy:%lld", pid);
		snprintf(label, sizeof(label), "phy:%lld (NIC %s)", pid,
			 json_string_value(json_object_get(o, "eth")) ?: "");
		rows = ui_detail(c, id, label);
		ui_row(rows, "rx", rx, ui_counter(c, rx, "%s/rx", id), true);
		ui_row(rows, "tx", tx, ui_counter(c, tx, "%s/tx", id), true);
		ui_row(rows, "tx_drop", drop,
		       ui_counter(c, drop, "%s/drop", id), true);
	}
}

/* Details of a process: pid, start, workers' load. */
static void
ui_proc_detail(struct ui_ctx *c, const struct ctl_stats_proc *p)
{
	const json_t *st = p->kind == SPP_PROC_PRIMARY
				   ? json_object_get(p->status, "forwarder")
				   : p->status;
	const json_t *pool = json_object_get(p->status, "mbuf_pool");
	double busy, idle;
	char id[UI_ID_LEN], name[64], text[64];
	const json_t *w;
	json_t *rows;
	size_t i;

	snprintf(id, sizeof(id), "proc/%s", p->name);
	rows = ui_detail(c, id, p->name);
	snprintf(text, sizeof(text), "%lld", p->pid);
	ui_row_text(rows, "pid", text);
	ui_row_text(rows, "answers", p->status != NULL ? "yes" : p->err);
	if (json_string_value(json_object_get(st, "status")) != NULL)
		ui_row_text(rows, "status",
			    json_string_value(json_object_get(st, "status")));
	if (pool != NULL) {
		ui_row(rows, "mbufs in use", ctl_stats_num(pool, "in_use"), 0,
		       false);
		ui_row(rows, "mbufs", ctl_stats_num(pool, "size"), 0, false);
	}
	json_array_foreach(json_object_get(st, "workers"), i, w)
	{
		snprintf(name, sizeof(name), "lcore %lld busy",
			 (long long)ctl_stats_num(w, "lcore"));
		/* busy over busy and idle cycles between the two rounds */
		busy = ui_counter(c, ctl_stats_num(w, "busy_cycles"), "%s/%s",
				  id, name);
		idle = ui_counter(c, ctl_stats_num(w, "idle_cycles"),
				  "%s/%s idle", id, name);
		if (isnan(busy) || isnan(idle) || busy + idle <= 0)
			snprintf(text, sizeof(text), "-");
		else
			snprintf(text, sizeof(text), "%.1f%%",
				 100 * busy / (busy + idle));
		ui_row_text(rows, name, text);
	}
}

/* The whole graph of round r. */
static void
ui_build(struct ui_ctx *c, const struct ctl_stats_round *r)
{
	char extra[UI_LABEL_LEN];
	Agraph_t *pri = NULL, *sg;
	unsigned int i;

	ui_set(c->g, "rankdir", "TB");
	ui_set(c->g, "fontname", "Helvetica");
	ui_set(c->g, "fontsize", "12");
	ui_set(c->g, "nodesep", "0.4");
	ui_set(c->g, "ranksep", "0.9");
	agattr(c->g, AGNODE, (char *)"fontname", (char *)"Helvetica");
	agattr(c->g, AGNODE, (char *)"fontsize", (char *)"14");
	agattr(c->g, AGEDGE, (char *)"fontname", (char *)"Helvetica");
	agattr(c->g, AGEDGE, (char *)"fontsize", (char *)"13");
	/* the primary first: its cluster holds the rings and NICs */
	for (i = 0; i < r->nb_procs; i++) {
		const struct ctl_stats_proc *p = &r->procs[i];
		const json_t *pool = json_object_get(p->status, "mbuf_pool");

		if (p->kind != SPP_PROC_PRIMARY)
			continue;
		snprintf(extra, sizeof(extra), "mbufs in use %lld of %lld",
			 (long long)ctl_stats_num(pool, "in_use"),
			 (long long)ctl_stats_num(pool, "size"));
		pri = ui_cluster(c, p, p->status != NULL ? extra : "");
		snprintf(extra, sizeof(extra), "proc/%s", p->name);
		ui_fixed(agnode(c->g, extra, 0), "2.6", "0.7");
	}
	for (i = 0; i < r->nb_procs; i++) {
		const struct ctl_stats_proc *p = &r->procs[i];
		const char *st =
			json_string_value(json_object_get(p->status, "status"));

		sg = p->kind == SPP_PROC_PRIMARY
			     ? pri
			     : ui_cluster(c, p, p->status == NULL ? "no answer"
								  : st ?: "");
		ui_proc_detail(c, p);
		if (p->status == NULL)
			continue;
		if (p->kind == SPP_PROC_PRIMARY)
			ui_ports(c, sg, pri, p,
				 json_object_get(p->status, "forwarder"));
		else if (p->kind == SPP_PROC_PCAP)
			ui_pcap(c, sg, pri, p);
		else
			ui_ports(c, sg, pri, p, p->status);
	}
	for (i = 0; i < r->nb_procs; i++)
		if (r->procs[i].kind == SPP_PROC_PRIMARY &&
		    r->procs[i].status != NULL)
			ui_primary(c, pri, &r->procs[i]);
	if (r->nb_procs == 0)
		ui_node(c->g, "none", "no SPP process is connected",
			"plaintext");
}

/*
 * The graph of round r in the DOT language (*dot, malloc'd) and the details
 * into body; ui lock held.
 */
static int
ui_graph(const struct ctl_stats_round *r, json_t *body, char **dot, size_t *len,
	 char *err, size_t errlen)
{
	struct ui_ctx c = {.now = json_object(), .details = json_object()};
	const struct ui_past *past = ui_past_for(r->mono);
	FILE *f = NULL;
	int ret = -ENOMEM;

	*dot = NULL;
	if (past != NULL) {
		c.prev = past->counters;
		c.dt = r->mono - past->mono;
	}
	c.g = agopen((char *)"spp", Agdirected, &ui_disc);
	if (c.g != NULL)
		f = open_memstream(dot, len);
	if (c.g == NULL || f == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	ui_build(&c, r);
	if (agwrite(c.g, f) != 0 || fclose(f) != 0) {
		snprintf(err, errlen, "cannot write the graph");
		f = NULL;
		goto out;
	}
	f = NULL;
	json_object_set(body, "details", c.details);
	json_object_set_new(body, "rates_over",
			    past != NULL ? json_real(c.dt) : json_null());
	ui_past_add(r->mono, c.now);
	ret = 0;
out:
	if (f != NULL)
		fclose(f);
	if (ret < 0) {
		free(*dot);
		*dot = NULL;
	}
	if (c.g != NULL)
		agclose(c.g);
	json_decref(c.now);
	json_decref(c.details);
	return ret;
}

void
ctl_ui_topology(struct ctl_call *call)
{
	struct ctl_stats_round *r;
	size_t len, svg_len;
	char *dot, *svg;
	json_t *body;
	int ret;

	if (ctl_stats_get(&r) < 0) {
		ctl_fail(call, 500, "out of memory");
		return;
	}
	body = json_pack("{s:i,s:f}", "processes", (int)r->nb_procs,
			 "round_seconds", r->duration);
	pthread_mutex_lock(&ui.lock);
	ret = ui_graph(r, body, &dot, &len, call->err, sizeof(call->err));
	pthread_mutex_unlock(&ui.lock);
	ctl_stats_put(r);
	if (ret == 0) {
		/* the layout runs outside the lock: viewers in parallel */
		ret = ctl_dot_svg(dot, len, UI_DOT_TIMEOUT_MS, &svg, &svg_len,
				  call->err, sizeof(call->err));
		free(dot);
	}
	if (ret < 0) {
		json_decref(body);
		call->status = 500;
		return;
	}
	json_object_set_new(body, "svg", json_stringn(svg, svg_len));
	free(svg);
	ctl_ok(call, body);
}
