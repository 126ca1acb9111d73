/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Topology files (ctl_topo.h). YAML is read and written with libyaml; a
 * JSON document is read by the same parser (YAML takes JSON), so both give
 * the line of what is wrong.
 *
 * Applying a file makes each process's configuration lines (canonical, as
 * ctl_state_of_status() writes them) equal to the file's: the lines both
 * share at the start stay, the process's lines after them are undone in
 * reverse order, and the file's lines after them are run. Every change goes
 * through ctl_command(), the path of a REST command, so it is checked,
 * logged and recorded the same way.
 */
#include "ctl_topo.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <yaml.h>

#include "ctl_launch.h"
#include "ctl_log.h"
#include "ctl_state.h"

#define TOPO_VERSION 1
/* Nesting and size of a document (aliases could blow it up). */
#define TOPO_DEPTH_MAX 16
#define TOPO_NODES_MAX 100000
/* How long a launched process has to connect. */
#define TOPO_LAUNCH_WAIT_MS 30000
#define TOPO_LINE_LEN 512

/* Where each value of a document was, for messages. */
struct topo_lines {
	const json_t **node;
	int *line;
	size_t n;
	size_t cap;
};

static void
topo_line_add(struct topo_lines *l, const json_t *v, int line)
{
	const json_t **node;
	int *lines;
	size_t cap;

	if (l->n == l->cap) {
		cap = l->cap ? l->cap * 2 : 64;
		node = realloc(l->node, cap * sizeof(*node));
		if (node == NULL)
			return;
		l->node = node;
		lines = realloc(l->line, cap * sizeof(*lines));
		if (lines == NULL)
			return;
		l->line = lines;
		l->cap = cap;
	}
	l->node[l->n] = v;
	l->line[l->n++] = line;
}

/* The line of v in the document, or 0. */
static int
topo_line_of(const struct topo_lines *l, const json_t *v)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->node[i] == v)
			return l->line[i];
	return 0;
}

static void
topo_lines_free(struct topo_lines *l)
{
	free(l->node);
	free(l->line);
}

/* -- reading ------------------------------------------------------------- */

/* A plain scalar that reads as an integer. */
static bool
topo_is_int(const char *s, long long *v)
{
	char *end;

	if (!isdigit((unsigned char)s[*s == '-' || *s == '+']))
		return false;
	errno = 0;
	*v = strtoll(s, &end, 10);
	return *end == '\0' && errno == 0;
}

/* A plain scalar: null, a boolean, an integer or a string. */
static json_t *
topo_scalar(const yaml_node_t *n)
{
	const char *s = (const char *)n->data.scalar.value;
	size_t len = n->data.scalar.length;
	long long v;

	if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    strlen(s) == len) {
		if (len == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0)
			return json_null();
		if (strcmp(s, "true") == 0)
			return json_true();
		if (strcmp(s, "false") == 0)
			return json_false();
		if (topo_is_int(s, &v))
			return json_integer(v);
	}
	return json_stringn(s, len);
}

struct topo_reader {
	yaml_document_t doc;
	struct topo_lines *lines;
	size_t nodes;
	char *err;
	size_t errlen;
};

static json_t *
topo_node(struct topo_reader *r, yaml_node_t *n, int depth)
{
	int line = (int)n->start_mark.line + 1;
	yaml_node_item_t *item;
	yaml_node_pair_t *pair;
	yaml_node_t *k;
	json_t *v, *c;
	char *key;

	if (depth > TOPO_DEPTH_MAX || ++r->nodes > TOPO_NODES_MAX) {
		snprintf(r->err, r->errlen,
			 "line %d: the document is nested too deep or too "
			 "big",
			 line);
		return NULL;
	}
	switch (n->type) {
	case YAML_SCALAR_NODE:
		v = topo_scalar(n);
		if (v == NULL)
			snprintf(r->err, r->errlen,
				 "line %d: a string that is not UTF-8", line);
		break;
	case YAML_SEQUENCE_NODE:
		v = json_array();
		for (item = n->data.sequence.items.start;
		     item < n->data.sequence.items.top; item++) {
			c = topo_node(r, yaml_document_get_node(&r->doc, *item),
				      depth + 1);
			if (c == NULL) {
				json_decref(v);
				return NULL;
			}
			json_array_append_new(v, c);
		}
		break;
	case YAML_MAPPING_NODE:
		v = json_object();
		for (pair = n->data.mapping.pairs.start;
		     pair < n->data.mapping.pairs.top; pair++) {
			k = yaml_document_get_node(&r->doc, pair->key);
			if (k->type != YAML_SCALAR_NODE) {
				snprintf(r->err, r->errlen,
					 "line %d: a key must be a string",
					 (int)k->start_mark.line + 1);
				json_decref(v);
				return NULL;
			}
			key = strndup((const char *)k->data.scalar.value,
				      k->data.scalar.length);
			if (key == NULL || json_object_get(v, key) != NULL) {
				snprintf(r->err, r->errlen,
					 "line %d: key '%s' given twice",
					 (int)k->start_mark.line + 1,
					 key ? key : "?");
				free(key);
				json_decref(v);
				return NULL;
			}
			c = topo_node(
				r, yaml_document_get_node(&r->doc, pair->value),
				depth + 1);
			if (c == NULL) {
				free(key);
				json_decref(v);
				return NULL;
			}
			json_object_set_new(v, key, c);
			free(key);
		}
		break;
	default:
		snprintf(r->err, r->errlen, "line %d: an empty node", line);
		return NULL;
	}
	if (v != NULL)
		topo_line_add(r->lines, v, line);
	return v;
}

/* The document of text, or NULL with "line N: ..." in err. */
static json_t *
topo_parse(const char *text, size_t len, struct topo_lines *lines, char *err,
	   size_t errlen)
{
	struct topo_reader r = {
		.lines = lines,
		.err = err,
		.errlen = errlen,
	};
	yaml_parser_t parser;
	yaml_node_t *root;
	json_t *doc = NULL;

	if (!yaml_parser_initialize(&parser)) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &r.doc)) {
		snprintf(err, errlen, "line %zu: %s%s%s",
			 parser.problem_mark.line + 1,
			 parser.problem ? parser.problem : "invalid YAML",
			 parser.context ? " " : "",
			 parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		return NULL;
	}
	root = yaml_document_get_root_node(&r.doc);
	if (root == NULL)
		snprintf(err, errlen, "line 1: the document is empty");
	else
		doc = topo_node(&r, root, 0);
	yaml_document_delete(&r.doc);
	yaml_parser_delete(&parser);
	return doc;
}

/* -- writing ------------------------------------------------------------- */

struct topo_buf {
	char *data;
	size_t len;
	bool oom;
};

static int
topo_write(void *arg, unsigned char *buf, size_t size)
{
	struct topo_buf *b = arg;
	char *p = realloc(b->data, b->len + size + 1);

	if (p == NULL) {
		b->oom = true;
		return 0;
	}
	memcpy(p + b->len, buf, size);
	b->len += size;
	p[b->len] = '\0';
	b->data = p;
	return 1;
}

/* A string that a YAML reader would take for something else if plain. */
static bool
topo_needs_quotes(const char *s)
{
	static const char *const words[] = {"~",   "null", "true", "false",
					    "yes", "no",   "on",   "off",
					    "y",   "n",	   NULL};
	long long v;
	char *end;
	size_t i;

	if (*s == '\0' || topo_is_int(s, &v))
		return true;
	strtod(s, &end);
	if (*end == '\0')
		return true;
	for (i = 0; words[i] != NULL; i++)
		if (strcasecmp(s, words[i]) == 0)
			return true;
	return false;
}

static int
topo_emit_scalar(yaml_emitter_t *e, const char *s, bool quote)
{
	yaml_event_t ev;

	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s,
				     (int)strlen(s), 1, 1,
				     quote ? YAML_SINGLE_QUOTED_SCALAR_STYLE
					   : YAML_ANY_SCALAR_STYLE);
	return yaml_emitter_emit(e, &ev) ? 0 : -EIO;
}

static int
topo_emit(yaml_emitter_t *e, const json_t *v)
{
	const char *key;
	yaml_event_t ev;
	char num[64];
	json_t *c;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
						    YAML_BLOCK_MAPPING_STYLE);
		if (!yaml_emitter_emit(e, &ev))
			return -EIO;
		json_object_foreach((json_t *)v, key, c)
		{
			if (topo_emit_scalar(e, key, topo_needs_quotes(key)) <
				    0 ||
			    topo_emit(e, c) < 0)
				return -EIO;
		}
		yaml_mapping_end_event_initialize(&ev);
		break;
	case JSON_ARRAY:
		yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
						     YAML_BLOCK_SEQUENCE_STYLE);
		if (!yaml_emitter_emit(e, &ev))
			return -EIO;
		json_array_foreach(v, i, c)
		{
			if (topo_emit(e, c) < 0)
				return -EIO;
		}
		yaml_sequence_end_event_initialize(&ev);
		break;
	case JSON_STRING:
		return topo_emit_scalar(
			e, json_string_value(v),
			topo_needs_quotes(json_string_value(v)));
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
		return topo_emit_scalar(e, num, false);
	case JSON_REAL:
		snprintf(num, sizeof(num), "%.17g", json_real_value(v));
		return topo_emit_scalar(e, num, false);
	case JSON_TRUE:
		return topo_emit_scalar(e, "true", false);
	case JSON_FALSE:
		return topo_emit_scalar(e, "false", false);
	default:
		return topo_emit_scalar(e, "null", false);
	}
	return yaml_emitter_emit(e, &ev) ? 0 : -EIO;
}

/* doc as a YAML document (malloc'd, *len bytes), or NULL. */
static char *
topo_yaml(const json_t *doc, size_t *len)
{
	struct topo_buf b = {NULL, 0, false};
	yaml_emitter_t e;
	yaml_event_t ev;
	int ok;

	if (!yaml_emitter_initialize(&e))
		return NULL;
	yaml_emitter_set_output(&e, topo_write, &b);
	yaml_emitter_set_unicode(&e, 1);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	ok = yaml_emitter_emit(&e, &ev);
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	ok = ok && yaml_emitter_emit(&e, &ev);
	ok = ok && topo_emit(&e, doc) == 0;
	yaml_document_end_event_initialize(&ev, 1);
	ok = ok && yaml_emitter_emit(&e, &ev);
	yaml_stream_end_event_initialize(&ev);
	ok = ok && yaml_emitter_emit(&e, &ev);
	yaml_emitter_delete(&e);
	if (!ok || b.oom) {
		free(b.data);
		return NULL;
	}
	*len = b.len;
	return b.data;
}

/* -- export -------------------------------------------------------------- */

void
ctl_topo_get(struct ctl_call *call)
{
	json_t *procs = json_array(), *o, *cmds, *launch, *doc;
	struct ctl_proc **list;
	enum spp_proc_kind kind;
	char err[CTL_REST_ERR_LEN];
	char *text;
	size_t len;
	int i, n, failed = 0;

	n = ctl_procs_get(&list);
	if (n < 0) {
		json_decref(procs);
		ctl_fail(call, 500, "out of memory");
		return;
	}
	for (i = 0; i < n; i++) {
		kind = ctl_proc_kind(list[i]);
		cmds = ctl_state_live(list[i], err, sizeof(err));
		if (cmds == NULL) {
			ctl_fail(call, 500,
				 "cannot read the configuration of "
				 "%s: %s",
				 ctl_proc_name(list[i]), err);
			failed = 1;
			break;
		}
		o = json_pack("{s:s}", "type", spp_proc_kind_name(kind));
		if (kind != SPP_PROC_PRIMARY) {
			json_object_set_new(
				o, "client-id",
				json_integer(ctl_proc_client_id(list[i])));
			launch = ctl_state_launch(kind,
						  ctl_proc_client_id(list[i]));
			if (launch != NULL)
				json_object_set_new(o, "launch", launch);
		}
		json_object_set_new(o, "commands", cmds);
		json_array_append_new(procs, o);
	}
	for (i = 0; i < n; i++)
		ctl_proc_put(list[i]);
	free(list);
	if (failed) {
		json_decref(procs);
		return;
	}
	doc = json_pack("{s:i,s:o}", "version", TOPO_VERSION, "processes",
			procs);
	if (call->route->arg == NULL) {
		ctl_ok(call, doc);
		return;
	}
	text = topo_yaml(doc, &len);
	json_decref(doc);
	if (text == NULL)
		ctl_fail(call, 500, "cannot write YAML");
	else
		ctl_ok_text(call, text, len, "application/yaml");
}

/* -- apply --------------------------------------------------------------- */

/* One process of a topology file. */
struct topo_proc {
	enum spp_proc_kind kind;
	unsigned int id;
	char name[CTL_PROC_NAME_LEN];
	json_t *commands; /* canonical */
	json_t *launch;	  /* the file's, or NULL */
	char *launch_line;
	int line;
};

struct topo_file {
	json_t *doc;
	struct topo_lines lines;
	struct topo_proc *procs;
	size_t n;
};

static void
topo_file_free(struct topo_file *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		json_decref(f->procs[i].commands);
		free(f->procs[i].launch_line);
	}
	free(f->procs);
	topo_lines_free(&f->lines);
	json_decref(f->doc);
}

/* Answer 400 "line N: ..." about v of the file. */
static int topo_bad(struct ctl_call *call, const struct topo_file *f,
		    const json_t *v, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
topo_bad(struct ctl_call *call, const struct topo_file *f, const json_t *v,
	 const char *fmt, ...)
{
	char msg[CTL_REST_ERR_LEN - 16];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ctl_fail(call, 400, "line %d: %s", topo_line_of(&f->lines, v),
			msg);
}

static const char *const topo_doc_keys[] = {"version", "processes", NULL};
static const char *const topo_proc_keys[] = {"type", "client-id", "launch",
					     "commands", NULL};

/* The key of obj that is not one of keys, or NULL. */
static const char *
topo_unknown_key(const json_t *obj, const char *const *keys)
{
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach((json_t *)obj, key, v)
	{
		for (i = 0; keys[i] != NULL; i++)
			if (strcmp(keys[i], key) == 0)
				break;
		if (keys[i] == NULL)
			return key;
	}
	return NULL;
}

/* One entry of "processes" into p. */
static int
topo_check_proc(struct ctl_call *call, const struct topo_file *f,
		const json_t *o, struct topo_proc *p)
{
	const json_t *type = json_object_get(o, "type");
	const json_t *id = json_object_get(o, "client-id");
	const json_t *cmds = json_object_get(o, "commands");
	const char *key, *pname;
	char err[CTL_REST_ERR_LEN];
	json_int_t lid;
	size_t bad;

	p->line = topo_line_of(&f->lines, o);
	if (!json_is_object(o))
		return topo_bad(call, f, o, "a process must be a mapping");
	key = topo_unknown_key(o, topo_proc_keys);
	if (key != NULL)
		return topo_bad(call, f, o,
				"unknown key '%s' (expected type, client-id, "
				"launch, commands)",
				key);
	p->kind = spp_proc_kind_from_name(json_string_value(type) ?: "");
	if (p->kind == 0)
		return topo_bad(call, f, type ?: o,
				"'type' must be primary, nfv, vf, mirror or "
				"pcap");
	if (p->kind == SPP_PROC_PRIMARY) {
		if (id != NULL || json_object_get(o, "launch") != NULL)
			return topo_bad(call, f, o,
					"the primary has no client-id or "
					"launch");
		snprintf(p->name, sizeof(p->name), "primary");
	} else {
		if (!json_is_integer(id) || json_integer_value(id) < 1 ||
		    json_integer_value(id) > SPP_RES_ID_MAX)
			return topo_bad(call, f, id ?: o,
					"'client-id' must be an integer 1-%d",
					SPP_RES_ID_MAX);
		p->id = (unsigned int)json_integer_value(id);
		snprintf(p->name, sizeof(p->name), "%s %u",
			 spp_proc_kind_name(p->kind), p->id);
	}
	p->launch = json_object_get(o, "launch");
	if (p->launch != NULL) {
		pname = json_string_value(
			json_object_get(p->launch, "proc_name"));
		if (!json_is_object(p->launch) || pname == NULL ||
		    spp_proc_kind_from_binary(pname) != p->kind ||
		    ctl_json_int(json_object_get(p->launch, "client_id"),
				 &lid) < 0 ||
		    lid != (json_int_t)p->id)
			return topo_bad(call, f, p->launch,
					"'launch' must be the body of a launch "
					"of spp_%s with client_id %u",
					spp_proc_kind_name(p->kind), p->id);
	}
	if (cmds != NULL && !json_is_array(cmds))
		return topo_bad(call, f, cmds,
				"'commands' must be a list of command lines");
	p->commands = cmds != NULL ? json_copy((json_t *)cmds) : json_array();
	if (ctl_state_canon(p->kind, p->commands, &bad, err, sizeof(err)) < 0)
		return topo_bad(call, f, json_array_get(cmds, bad), "%s: %s",
				p->name, err);
	return 0;
}

/* Two primaries, or two secondaries of the same client id. */
static bool
topo_same_id(const struct topo_proc *a, const struct topo_proc *b)
{
	if (a->kind == SPP_PROC_PRIMARY || b->kind == SPP_PROC_PRIMARY)
		return a->kind == b->kind;
	return a->id == b->id;
}

/* Read and check the document of the body. */
static int
topo_read(struct ctl_call *call, struct topo_file *f)
{
	const json_t *procs, *version, *o;
	char err[CTL_REST_ERR_LEN - 16];
	const char *key;
	size_t i, j;

	if (call->raw_len == 0)
		return ctl_fail(call, 400,
				"a YAML or JSON document is "
				"required");
	f->doc = topo_parse(call->raw, call->raw_len, &f->lines, err,
			    sizeof(err));
	if (f->doc == NULL)
		return ctl_fail(call, 400, "%s", err);
	if (!json_is_object(f->doc))
		return topo_bad(call, f, f->doc,
				"the document must be a mapping with "
				"'version' and 'processes'");
	key = topo_unknown_key(f->doc, topo_doc_keys);
	if (key != NULL)
		return topo_bad(call, f, f->doc,
				"unknown key '%s' (expected version, "
				"processes)",
				key);
	version = json_object_get(f->doc, "version");
	if (version != NULL && (!json_is_integer(version) ||
				json_integer_value(version) != TOPO_VERSION))
		return topo_bad(call, f, version, "'version' must be %d",
				TOPO_VERSION);
	procs = json_object_get(f->doc, "processes");
	if (!json_is_array(procs))
		return topo_bad(call, f, procs ?: f->doc,
				"'processes' must be a list");
	f->procs = calloc(json_array_size(procs) + 1, sizeof(*f->procs));
	if (f->procs == NULL)
		return ctl_fail(call, 500, "out of memory");
	json_array_foreach(procs, i, o)
	{
		f->n = i + 1;
		if (topo_check_proc(call, f, o, &f->procs[i]) < 0)
			return -1;
		for (j = 0; j < i; j++)
			if (topo_same_id(&f->procs[i], &f->procs[j]))
				return topo_bad(call, f, o,
						"%s: given already on line %d "
						"(client ids are unique over "
						"the node)",
						f->procs[i].name,
						f->procs[j].line);
	}
	return 0;
}

/* The file's process of that kind and id, or NULL. */
static const struct topo_proc *
topo_find(const struct topo_file *f, enum spp_proc_kind kind, unsigned int id)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->procs[i].kind == kind &&
		    (kind == SPP_PROC_PRIMARY || f->procs[i].id == id))
			return &f->procs[i];
	return NULL;
}

/* Lines that take a process from cur to want (both canonical). */
static json_t *
topo_diff(enum spp_proc_kind kind, const json_t *cur, const json_t *want)
{
	size_t k = 0, i, nc = json_array_size(cur), nw = json_array_size(want);
	size_t first_patch = nc;
	bool reset = false, reset_done = false;
	char buf[TOPO_LINE_LEN];
	json_t *out = json_array();
	const char *s;

	while (k < nc && k < nw &&
	       json_equal(json_array_get(cur, k), json_array_get(want, k)))
		k++;
	/* "patch reset" undoes every patch: from the first one, then */
	for (i = 0; i < nc; i++) {
		s = json_string_value(json_array_get(cur, i));
		if (strncmp(s, "patch ", 6) != 0)
			continue;
		if (first_patch == nc)
			first_patch = i;
		if (i >= k)
			reset = true;
	}
	if (reset && first_patch < k)
		k = first_patch;
	for (i = nc; i-- > k;) {
		s = json_string_value(json_array_get(cur, i));
		if (ctl_state_undo(kind, s, buf, sizeof(buf)) < 0)
			continue;
		if (strcmp(buf, "patch reset") == 0) {
			if (reset_done)
				continue;
			reset_done = true;
		}
		json_array_append_new(out, json_string(buf));
	}
	for (i = k; i < nw; i++)
		json_array_append(out, json_array_get(want, i));
	return out;
}

/* Run line on p (or the primary) as a REST command would be. */
static int
topo_run(struct ctl_proc *p, enum spp_proc_kind kind, const char *line,
	 json_t *body, char *err, size_t errlen)
{
	struct ctl_route route = {.kind = kind};
	struct ctl_call c = {.route = &route, .proc = p, .status = 500};
	int ret = 0;

	c.body = body;
	ctl_command(&c, line);
	if (c.status >= 300) {
		snprintf(err, errlen, "%s", c.err);
		ret = -EINVAL;
	}
	json_decref(c.reply);
	free(c.text);
	return ret;
}

static void
topo_change(json_t *list, const char *proc, const char *line, const char *err)
{
	json_t *o = json_pack("{s:s,s:s}", "process", proc, "command", line);

	if (err != NULL)
		json_object_set_new(o, "error", json_string(err));
	json_array_append_new(list, o);
}

/* Run (or, dry, only list) lines on p. */
static void
topo_lines_run(struct ctl_proc *p, const char *name, enum spp_proc_kind kind,
	       const json_t *lines, bool dry, json_t *changes, json_t *failed)
{
	char err[CTL_REST_ERR_LEN];
	const char *s;
	json_t *v;
	size_t i;

	json_array_foreach(lines, i, v)
	{
		s = json_string_value(v);
		if (dry || topo_run(p, kind, s, NULL, err, sizeof(err)) == 0)
			topo_change(changes, name, s, NULL);
		else
			topo_change(failed, name, s, err);
	}
}

/* Wait for the launched process of t to connect. */
static struct ctl_proc *
topo_wait(const struct topo_proc *t, char *err, size_t errlen)
{
	struct ctl_proc *p = NULL;
	int waited;

	for (waited = 0; waited < TOPO_LAUNCH_WAIT_MS; waited += 100) {
		p = ctl_proc_find(t->kind, t->id, err, errlen);
		if (p != NULL)
			return p;
		usleep(100 * 1000);
	}
	snprintf(err, errlen, "%s did not connect within %d s of its launch",
		 t->name, TOPO_LAUNCH_WAIT_MS / 1000);
	return NULL;
}

/*
 * Check everything that could refuse the file before a change is made:
 * the primary is there, and each missing process can be launched.
 */
static int
topo_prepare(struct ctl_call *call, struct topo_file *f,
	     struct ctl_proc **primary)
{
	struct ctl_call lc;
	struct topo_proc *t;
	struct ctl_proc *p;
	char err[CTL_REST_ERR_LEN];
	size_t i;

	*primary = ctl_proc_find(SPP_PROC_PRIMARY, 0, err, sizeof(err));
	for (i = 0; i < f->n; i++) {
		t = &f->procs[i];
		if (t->kind == SPP_PROC_PRIMARY && *primary == NULL)
			return ctl_fail(call, 409,
					"line %d: %s: start it first", t->line,
					err);
		if (t->kind == SPP_PROC_PRIMARY)
			continue;
		p = ctl_proc_find(t->kind, t->id, err, sizeof(err));
		if (p != NULL) {
			ctl_proc_put(p);
			continue;
		}
		if (t->launch == NULL)
			return ctl_fail(call, 400,
					"line %d: %s is not running and the "
					"file has no 'launch' for it",
					t->line, t->name);
		if (*primary == NULL)
			return ctl_fail(call, 409,
					"line %d: %s must be launched, but "
					"the primary is not connected",
					t->line, t->name);
		memset(&lc, 0, sizeof(lc));
		lc.body = t->launch;
		t->launch_line = ctl_launch_line(&lc);
		if (t->launch_line == NULL)
			return ctl_fail(call, lc.status, "line %d: %s: %s",
					topo_line_of(&f->lines, t->launch),
					t->name, lc.err);
	}
	return 0;
}

/* Make one process of the file what the file says. */
static void
topo_apply_proc(const struct topo_proc *t, struct ctl_proc *primary, bool dry,
		json_t *changes, json_t *failed)
{
	char err[CTL_REST_ERR_LEN];
	struct ctl_proc *p = NULL;
	json_t *cur, *lines;

	if (t->launch_line != NULL) {
		if (dry) {
			topo_change(changes, "primary", t->launch_line, NULL);
			topo_lines_run(NULL, t->name, t->kind, t->commands,
				       true, changes, failed);
			return;
		}
		if (topo_run(primary, SPP_PROC_PRIMARY, t->launch_line,
			     t->launch, err, sizeof(err)) < 0) {
			topo_change(failed, "primary", t->launch_line, err);
			return;
		}
		topo_change(changes, "primary", t->launch_line, NULL);
		p = topo_wait(t, err, sizeof(err));
	} else {
		p = ctl_proc_find(t->kind, t->id, err, sizeof(err));
	}
	/* a process that came back empty may have had its record put back */
	cur = p != NULL ? ctl_state_live(p, err, sizeof(err)) : NULL;
	if (cur == NULL) {
		topo_change(failed, t->name, "status", err);
		if (p != NULL)
			ctl_proc_put(p);
		return;
	}
	lines = topo_diff(t->kind, cur, t->commands);
	topo_lines_run(p, t->name, t->kind, lines, dry, changes, failed);
	json_decref(lines);
	json_decref(cur);
	ctl_proc_put(p);
}

/*
 * Records of processes the file does not have and that are not running:
 * forgotten, so that such a process, started one day, comes up empty.
 */
static void
topo_forget_others(const struct topo_file *f, const json_t *running, bool dry,
		   json_t *changes)
{
	json_t *names = ctl_state_names(), *v, *r;
	const char *name;
	size_t i, j, k;

	json_array_foreach(names, i, v)
	{
		name = json_string_value(v);
		for (j = 0; j < f->n; j++)
			if (strcmp(f->procs[j].name, name) == 0)
				break;
		json_array_foreach(running, k, r)
		{
			if (json_equal(r, v))
				break;
		}
		if (j < f->n || k < json_array_size(running) ||
		    strcmp(name, "primary") == 0)
			continue;
		if (!dry)
			ctl_state_forget(name);
		topo_change(changes, name, "(its record forgotten)", NULL);
	}
	json_decref(names);
}

void
ctl_topo_put(struct ctl_call *call)
{
	bool dry = call->route->arg != NULL;
	struct topo_file f = {NULL, {NULL, NULL, 0, 0}, NULL, 0};
	json_t *changes = json_array(), *failed = json_array();
	struct ctl_proc **list, *primary = NULL;
	json_t *exit_line = json_pack("[s]", "exit"), *running = json_array();
	char name[CTL_PROC_NAME_LEN];
	enum spp_proc_kind kind;
	int i, n = 0;
	size_t j;

	if (topo_read(call, &f) < 0 || topo_prepare(call, &f, &primary) < 0)
		goto out;
	n = ctl_procs_get(&list);
	if (n < 0) {
		ctl_fail(call, 500, "out of memory");
		goto out;
	}
	/* secondaries the file does not have go first */
	for (i = 0; i < n; i++) {
		kind = ctl_proc_kind(list[i]);
		json_array_append_new(running,
				      json_string(ctl_proc_name(list[i])));
		if (kind != SPP_PROC_PRIMARY &&
		    topo_find(&f, kind, ctl_proc_client_id(list[i])) == NULL) {
			snprintf(name, sizeof(name), "%s",
				 ctl_proc_name(list[i]));
			topo_lines_run(list[i], name, kind, exit_line, dry,
				       changes, failed);
		}
		ctl_proc_put(list[i]);
	}
	free(list);
	topo_forget_others(&f, running, dry, changes);
	/* the primary, then the others in the file's order */
	for (j = 0; j < f.n; j++)
		if (f.procs[j].kind == SPP_PROC_PRIMARY)
			topo_apply_proc(&f.procs[j], primary, dry, changes,
					failed);
	for (j = 0; j < f.n; j++)
		if (f.procs[j].kind != SPP_PROC_PRIMARY)
			topo_apply_proc(&f.procs[j], primary, dry, changes,
					failed);
	CTL_INFO("topology %s: %zu change%s, %zu failed",
		 dry ? "planned" : "applied", json_array_size(changes),
		 json_array_size(changes) == 1 ? "" : "s",
		 json_array_size(failed));
	ctl_ok(call, json_pack("{s:b,s:O,s:O}", "dry-run", dry, "changes",
			       changes, "failed", failed));
out:
	if (primary != NULL)
		ctl_proc_put(primary);
	json_decref(exit_line);
	json_decref(running);
	json_decref(changes);
	json_decref(failed);
	topo_file_free(&f);
}
