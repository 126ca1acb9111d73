/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The record of each process's configuration (ctl_state.h). With
 * --no-state only the launch options are kept, in memory, for export.
 *
 * On disk: DIR/state.json, {"version":1,"processes":{"vf 1":{"type":"vf",
 * "client-id":1,"commands":[...],"launch":{...}}}}, replaced as a whole by
 * rename() of a file written and fsync'ed beside it, so that a crash at any
 * moment leaves either the old record or the new one.
 *
 * When it is written (--state-sync): "always", before the answer of the
 * command that changed it; "lazy", by the flusher thread at most lazy_ms
 * after the first change not on disk, all changes made meanwhile in one
 * write, and at ctl_state_close(). Even when lazy, a change that leaves a
 * process without configuration, forgets a process or records launch
 * options is written before its answer: a restarted spp-ctl would
 * otherwise put a stale record back into a live process that is empty on
 * purpose (ctl_state_setup() believes only a process that has a
 * configuration); and so is the configuration a process comes with to a
 * restarted spp-ctl (rare, and the record on disk may be far from it).
 * Every write goes through state_write().
 *
 * Locking: state.lock guards the document and the flusher's fields, and is
 * held only while they are read or changed. state.order is held from the
 * status a command's result is read from to the record written from it, so
 * that records are written in the order the statuses were taken; it is
 * taken before state.lock. state.file is held while the file is written,
 * taken after state.lock (or without it, by the flusher), so that a write
 * of an older document never replaces a newer one. The setup hook holds
 * neither while it replays.
 */
#include "ctl_state.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ctl_log.h"
#include "spp_res.h"

#define STATE_VERSION 1
#define STATE_LINE_LEN 256

/* A lazy write that failed is tried again after at least this long. */
#define STATE_RETRY_MS 1000

static struct {
	pthread_mutex_t lock;
	pthread_mutex_t order;
	pthread_mutex_t file;
	char *dir;     /* NULL: nothing is kept */
	json_t *procs; /* "vf 1" -> {"type","client-id","commands","launch"} */
	json_t *restored; /* "vf 1" -> {"at","commands","failed"}, not saved */
	/* the flusher (lazy_ms >= 0); under state.lock */
	int lazy_ms;	     /* < 0: every change written at once */
	pthread_cond_t wake; /* the flusher waits on it */
	pthread_t flusher;
	bool flusher_running;
	bool stopping;	       /* ctl_state_close(): write and stop */
	bool pending;	       /* changes not yet taken by a write */
	struct timespec due;   /* when pending ones are written (monotonic) */
	uint64_t gen;	       /* changes of procs, counted */
	uint64_t written;      /* the last gen that is on disk */
	uint64_t disk_gen;     /* the same, under state.file */
	unsigned int failures; /* lazy writes failed in a row */
} state = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.order = PTHREAD_MUTEX_INITIALIZER,
	.file = PTHREAD_MUTEX_INITIALIZER,
	.lazy_ms = -1,
};

bool
ctl_state_enabled(void)
{
	return state.dir != NULL;
}

/* -- canonical configuration lines -------------------------------------- */

static void
state_res(const struct spp_res *r, char *buf, size_t len)
{
	if (spp_res_format(r, buf, len) < 0)
		snprintf(buf, len, "?");
}

/*
 * A configuration line of cmd in canonical form; -EINVAL when cmd is not
 * one that a configuration is made of.
 */
static int
state_format(enum spp_proc_kind kind, const struct spp_cmd *c, char *buf,
	     size_t len)
{
	char a[SPP_RES_NAME_LEN], b[SPP_RES_NAME_LEN], d[SPP_RES_NAME_LEN];
	char mac[24], vlan[48] = "";
	const uint8_t *m = c->mac;

	switch (c->id) {
	case SPP_CMD_ADD:
		state_res(&c->res[0], a, sizeof(a));
		if (c->nres == 3) {
			state_res(&c->res[1], b, sizeof(b));
			state_res(&c->res[2], d, sizeof(d));
			snprintf(buf, len, "add %s %s %s", a, b, d);
		} else {
			snprintf(buf, len, "add %s", a);
		}
		return 0;
	case SPP_CMD_PATCH:
		state_res(&c->res[0], a, sizeof(a));
		state_res(&c->res[1], b, sizeof(b));
		if (c->core != SPP_CMD_LCORE_ANY) /* the user's lcore */
			snprintf(buf, len, "patch %s %s %u", a, b, c->core);
		else
			snprintf(buf, len, "patch %s %s", a, b);
		return 0;
	case SPP_CMD_FORWARD:
		snprintf(buf, len, "forward");
		return 0;
	case SPP_CMD_START:
		snprintf(buf, len, "start");
		return 0;
	case SPP_CMD_COMPONENT_START:
		snprintf(buf, len, "component start %s %u %s%s%s", c->comp_name,
			 c->core, spp_comp_type_name(c->comp_type),
			 kind == SPP_PROC_MIRROR ? " " : "",
			 kind == SPP_PROC_MIRROR ? spp_copy_mode_name(c->copy)
						 : "");
		return 0;
	case SPP_CMD_PORT_ADD:
		state_res(&c->res[0], a, sizeof(a));
		if (c->vlan_op == SPP_VLAN_ADD)
			snprintf(vlan, sizeof(vlan), " add_vlantag %u %u",
				 c->vlan_id, c->vlan_pcp);
		else if (c->vlan_op == SPP_VLAN_DEL)
			snprintf(vlan, sizeof(vlan), " del_vlantag");
		snprintf(buf, len, "port add %s %s %s%s", a,
			 c->dir == SPP_DIR_RX ? "rx" : "tx", c->comp_name,
			 vlan);
		return 0;
	case SPP_CMD_CLS_ADD:
		state_res(&c->res[0], a, sizeof(a));
		if (c->cls_default)
			snprintf(mac, sizeof(mac), "default");
		else
			snprintf(mac, sizeof(mac),
				 "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1],
				 m[2], m[3], m[4], m[5]);
		if (c->cls_type == SPP_CLS_VLAN)
			snprintf(vlan, sizeof(vlan), "vlan %u", c->cls_vlan);
		else
			snprintf(vlan, sizeof(vlan), "mac");
		snprintf(buf, len, "classifier_table add %s %s %s", vlan, mac,
			 a);
		return 0;
	default:
		return -EINVAL;
	}
}

/* Where a line goes in the canonical order. */
struct state_key {
	int rank;
	char group[STATE_LINE_LEN]; /* sorted by; a component's name */
	size_t seq;		    /* in a component: the order given */
	json_t *line;
};

static int
state_key_cmp(const void *x, const void *y)
{
	const struct state_key *a = x, *b = y;
	int c;

	if (a->rank != b->rank)
		return a->rank - b->rank;
	c = strcmp(a->group, b->group);
	if (c != 0)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/*
 * Primary and nfv: pipes, ports, patches (in the order given, which is the
 * order of their status), then forward. vf and mirror: the components by
 * name (their status lists them by core), each followed by its ports in
 * the order given (the order of the tx ports of a classifier and a
 * mirror), then the classifier table sorted.
 */
static void
state_key_of(const struct spp_cmd *c, const char *line, size_t seq,
	     struct state_key *k)
{
	k->seq = 0;
	snprintf(k->group, sizeof(k->group), "%s", line);
	switch (c->id) {
	case SPP_CMD_ADD:
		k->rank = c->nres == 3 ? 0 : 1;
		k->group[0] = '\0';
		k->seq = seq;
		break;
	case SPP_CMD_PATCH:
		k->rank = 2;
		k->group[0] = '\0';
		k->seq = seq;
		break;
	case SPP_CMD_FORWARD:
	case SPP_CMD_START:
		k->rank = 3;
		break;
	case SPP_CMD_COMPONENT_START:
	case SPP_CMD_PORT_ADD:
		k->rank = 0;
		snprintf(k->group, sizeof(k->group), "%s", c->comp_name);
		k->seq = c->id == SPP_CMD_PORT_ADD ? seq + 1 : 0;
		break;
	default:
		k->rank = 1;
		break;
	}
}

int
ctl_state_canon(enum spp_proc_kind kind, json_t *lines, size_t *bad, char *err,
		size_t errlen)
{
	size_t i, n = json_array_size(lines);
	struct state_key *keys;
	char buf[STATE_LINE_LEN];
	struct spp_cmd cmd;
	const char *s;
	json_t *out;
	int ret = 0;

	keys = calloc(n > 0 ? n : 1, sizeof(*keys));
	if (keys == NULL) {
		snprintf(err, errlen, "out of memory");
		*bad = 0;
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		s = json_string_value(json_array_get(lines, i));
		if (s == NULL) {
			snprintf(err, errlen, "a command must be a string");
			ret = -EINVAL;
			break;
		}
		ret = spp_cmd_parse(s, kind, &cmd, err, errlen);
		if (ret == 0 &&
		    state_format(kind, &cmd, buf, sizeof(buf)) < 0) {
			snprintf(err, errlen,
				 "'%s' is not a command that builds a "
				 "configuration",
				 s);
			ret = -EINVAL;
		}
		if (ret == 0) {
			state_key_of(&cmd, buf, i, &keys[i]);
			keys[i].line = json_string(buf);
		}
		spp_cmd_free(&cmd);
		if (ret < 0)
			break;
	}
	if (ret < 0) {
		*bad = i;
		ret = -EINVAL;
		goto out;
	}
	qsort(keys, n, sizeof(*keys), state_key_cmp);
	out = json_array();
	for (i = 0; i < n; i++) {
		json_array_append(out, keys[i].line);
		/* the same line twice is the same configuration */
		if (i > 0 && json_equal(keys[i].line, keys[i - 1].line))
			json_array_remove(out, json_array_size(out) - 1);
	}
	json_array_clear(lines);
	json_array_extend(lines, out);
	json_decref(out);
out:
	for (i = 0; i < n; i++)
		json_decref(keys[i].line);
	free(keys);
	return ret;
}

int
ctl_state_undo(enum spp_proc_kind kind, const char *line, char *buf, size_t len)
{
	char a[SPP_RES_NAME_LEN], err[128];
	struct spp_cmd c;
	int ret;

	ret = spp_cmd_parse(line, kind, &c, err, sizeof(err));
	if (ret < 0)
		goto out;
	switch (c.id) {
	case SPP_CMD_ADD:
		state_res(&c.res[0], a, sizeof(a));
		snprintf(buf, len, "del %s", a);
		break;
	case SPP_CMD_PATCH:
		snprintf(buf, len, "patch reset");
		break;
	case SPP_CMD_FORWARD:
	case SPP_CMD_START:
		snprintf(buf, len, "stop");
		break;
	case SPP_CMD_COMPONENT_START:
		snprintf(buf, len, "component stop %s", c.comp_name);
		break;
	case SPP_CMD_PORT_ADD:
		state_res(&c.res[0], a, sizeof(a));
		snprintf(buf, len, "port del %s %s %s", a,
			 c.dir == SPP_DIR_RX ? "rx" : "tx", c.comp_name);
		break;
	case SPP_CMD_CLS_ADD:
		/* "classifier_table add ..." -> "classifier_table del ..." */
		snprintf(buf, len, "classifier_table del%s",
			 strstr(line, " add") + 4);
		break;
	default:
		ret = -EINVAL;
	}
out:
	spp_cmd_free(&c);
	return ret;
}

/* -- from a status ------------------------------------------------------- */

/* Append "fmt" with a port in human form turned into the wire form. */
static int
state_add_port_line(json_t *out, const char *prefix, const json_t *port,
		    const char *suffix, char *err, size_t errlen)
{
	char wire[SPP_RES_NAME_LEN];
	struct spp_res r;
	const char *s = json_string_value(port);

	if (s == NULL) {
		snprintf(err, errlen, "a port of the status is not a string");
		return -EINVAL;
	}
	if (spp_res_parse(s, &r, err, errlen) < 0 ||
	    spp_res_format(&r, wire, sizeof(wire)) < 0)
		return -EINVAL;
	if (r.type == SPP_RES_PHY && strcmp(prefix, "add ") == 0)
		return 0; /* a forwarder has its phy ports from the start */
	json_array_append_new(out,
			      json_sprintf("%s%s%s", prefix, wire, suffix));
	return 0;
}

/* 1 when key of o is the string value. */
static bool
state_is(const json_t *o, const char *key, const char *value)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL && strcmp(s, value) == 0;
}

/* ports, patches and status of a forwarder (nfv, the primary's). */
static int
state_of_fwd(const json_t *st, json_t *out, char *err, size_t errlen)
{
	const json_t *v, *src;
	char dst[SPP_RES_NAME_LEN + 24];
	struct spp_res r;
	size_t i;

	json_array_foreach(json_object_get(st, "ports"), i, v)
	{
		if (state_add_port_line(out, "add ", v, "", err, errlen) < 0)
			return -EINVAL;
	}
	json_array_foreach(json_object_get(st, "patches"), i, v)
	{
		src = json_object_get(v, "src");
		if (json_string_value(json_object_get(v, "dst")) == NULL ||
		    spp_res_parse(json_string_value(json_object_get(v, "dst")),
				  &r, err, errlen) < 0)
			return -EINVAL;
		dst[0] = ' ';
		state_res(&r, dst + 1, sizeof(dst) - 1);
		/* a patch the user put on an lcore goes back there */
		if (json_is_true(json_object_get(v, "pinned")) &&
		    json_is_integer(json_object_get(v, "lcore")))
			snprintf(dst + strlen(dst), sizeof(dst) - strlen(dst),
				 " %" JSON_INTEGER_FORMAT,
				 json_integer_value(
					 json_object_get(v, "lcore")));
		if (state_add_port_line(out, "patch ", src, dst, err, errlen) <
		    0)
			return -EINVAL;
	}
	if (state_is(st, "status", "running"))
		json_array_append_new(out, json_string("forward"));
	return 0;
}

/* The ports of a component, dir "rx" or "tx", with their VLAN options. */
static int
state_of_comp_ports(const json_t *ports, const char *dir, const char *name,
		    json_t *out, char *err, size_t errlen)
{
	char suffix[96], vlan[48];
	const json_t *v, *tag;
	const char *op;
	size_t i;

	json_array_foreach(ports, i, v)
	{
		tag = json_object_get(v, "vlan");
		op = json_string_value(json_object_get(tag, "operation"));
		vlan[0] = '\0';
		if (op != NULL && strcmp(op, "add") == 0)
			snprintf(vlan, sizeof(vlan),
				 " add_vlantag %" JSON_INTEGER_FORMAT
				 " %" JSON_INTEGER_FORMAT,
				 json_integer_value(json_object_get(tag, "id")),
				 json_integer_value(
					 json_object_get(tag, "pcp")));
		else if (op != NULL && strcmp(op, "del") == 0)
			snprintf(vlan, sizeof(vlan), " del_vlantag");
		snprintf(suffix, sizeof(suffix), " %s %s%s", dir, name, vlan);
		if (state_add_port_line(out, "port add ",
					json_object_get(v, "port"), suffix, err,
					errlen) < 0)
			return -EINVAL;
	}
	return 0;
}

/* components and classifier table of spp_vf and spp_mirror. */
static int
state_of_comps(const json_t *st, json_t *out, char *err, size_t errlen)
{
	const char *name, *type, *copy, *value, *slash;
	const json_t *c, *e;
	size_t i;

	json_array_foreach(json_object_get(st, "components"), i, c)
	{
		name = json_string_value(json_object_get(c, "name"));
		type = json_string_value(json_object_get(c, "type"));
		copy = json_string_value(json_object_get(c, "copy"));
		if (name == NULL || type == NULL)
			continue; /* a worker without a component */
		json_array_append_new(
			out,
			json_sprintf(
				"component start %s %" JSON_INTEGER_FORMAT
				" %s%s%s",
				name,
				json_integer_value(json_object_get(c, "core")),
				type, copy != NULL ? " " : "",
				copy != NULL ? copy : ""));
		if (state_of_comp_ports(json_object_get(c, "rx_port"), "rx",
					name, out, err, errlen) < 0 ||
		    state_of_comp_ports(json_object_get(c, "tx_port"), "tx",
					name, out, err, errlen) < 0)
			return -EINVAL;
	}
	json_array_foreach(json_object_get(st, "classifier_table"), i, e)
	{
		type = json_string_value(json_object_get(e, "type"));
		value = json_string_value(json_object_get(e, "value"));
		if (type == NULL || value == NULL) {
			snprintf(err, errlen,
				 "a classifier_table entry of the status "
				 "lacks its type or value");
			return -EINVAL;
		}
		slash = strchr(value, '/');
		if (strcmp(type, "vlan") == 0 && slash != NULL)
			json_array_append_new(
				out,
				json_sprintf("classifier_table add vlan "
					     "%.*s %s %s",
					     (int)(slash - value), value,
					     slash + 1,
					     json_string_value(json_object_get(
						     e, "port"))));
		else
			json_array_append_new(
				out,
				json_sprintf("classifier_table add mac "
					     "%s %s",
					     value,
					     json_string_value(json_object_get(
						     e, "port"))));
	}
	return 0;
}

json_t *
ctl_state_of_status(enum spp_proc_kind kind, const json_t *status, char *err,
		    size_t errlen)
{
	json_t *out = json_array(), *v;
	size_t i, bad;
	int ret = 0;

	switch (kind) {
	case SPP_PROC_PRIMARY:
		json_array_foreach(json_object_get(status, "pipes"), i, v)
		{
			json_array_append_new(
				out,
				json_sprintf("add pipe:%" JSON_INTEGER_FORMAT
					     " ring:%" JSON_INTEGER_FORMAT
					     " ring:%" JSON_INTEGER_FORMAT,
					     json_integer_value(
						     json_object_get(v, "id")),
					     json_integer_value(
						     json_object_get(v, "rx")),
					     json_integer_value(json_object_get(
						     v, "tx"))));
		}
		v = json_object_get(status, "forwarder");
		if (v != NULL)
			ret = state_of_fwd(v, out, err, errlen);
		break;
	case SPP_PROC_NFV:
		ret = state_of_fwd(status, out, err, errlen);
		break;
	case SPP_PROC_VF:
	case SPP_PROC_MIRROR:
		ret = state_of_comps(status, out, err, errlen);
		break;
	case SPP_PROC_PCAP:
		if (state_is(status, "status", "running"))
			json_array_append_new(out, json_string("start"));
		break;
	}
	if (ret == 0)
		ret = ctl_state_canon(kind, out, &bad, err, errlen);
	if (ret < 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}

json_t *
ctl_state_live(struct ctl_proc *p, char *err, size_t errlen)
{
	json_t *reply, *cmds = NULL;
	const char *result;

	if (ctl_proc_command(p, "status", 0, &reply, err, errlen) < 0)
		return NULL;
	result = json_string_value(json_object_get(reply, "result"));
	if (strcmp(result, "ok") != 0)
		snprintf(err, errlen, "%s refused 'status'", ctl_proc_name(p));
	else
		cmds = ctl_state_of_status(ctl_proc_kind(p),
					   json_object_get(reply, "data"), err,
					   errlen);
	json_decref(reply);
	return cmds;
}

/* -- the file ------------------------------------------------------------ */

/* Put text in the record's file: tmp, fsync, rename, fsync the dir. */
static int
state_write_file(const char *text)
{
	char path[4096], tmp[4096 + 8];
	size_t len = strlen(text), off = 0;
	ssize_t n;
	int fd, dfd, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", state.dir, CTL_STATE_FILE);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	while (off < len) {
		n = write(fd, text + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		off += (size_t)n;
	}
	if (ret == 0 && fsync(fd) < 0)
		ret = -errno;
	close(fd);
	if (ret == 0 && rename(tmp, path) < 0)
		ret = -errno;
	if (ret < 0) {
		unlink(tmp);
		return ret;
	}
	/* the rename itself survives a crash once the directory is synced */
	dfd = open(state.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

/*
 * Write the record as it is now: the one place the file is written.
 * state.lock held; the flusher (unlocked true) lets it go during the write
 * so that commands are not held up by the disk. Returns how many changes
 * this write put on disk (0: a newer write had them already) or -errno.
 */
static int64_t
state_write(bool unlocked)
{
	static struct ctl_log_limit lim;
	uint64_t gen = state.gen;
	int64_t ret = 0;
	json_t *doc;
	char *text;

	doc = json_pack("{s:i,s:O}", "version", STATE_VERSION, "processes",
			state.procs);
	text = json_dumps(doc, JSON_INDENT(1) | JSON_SORT_KEYS);
	json_decref(doc);
	if (unlocked)
		pthread_mutex_unlock(&state.lock);
	pthread_mutex_lock(&state.file);
	if (text == NULL)
		ret = -ENOMEM;
	else if (gen > state.disk_gen)
		ret = state_write_file(text);
	if (ret == 0 && gen > state.disk_gen) {
		ret = (int64_t)(gen - state.disk_gen);
		state.disk_gen = gen;
	}
	pthread_mutex_unlock(&state.file);
	if (unlocked)
		pthread_mutex_lock(&state.lock);
	free(text);
	if (ret < 0) {
		ctl_log_limited(&lim, CTL_LOG_ERR,
				"cannot write the record %s/%s: %s%s",
				state.dir, CTL_STATE_FILE, strerror((int)-ret),
				state.lazy_ms >= 0 ? " (tried again later)"
						   : "");
		return ret;
	}
	if (gen > state.written)
		state.written = gen;
	return ret;
}

/*
 * The document changed; state.lock held. urgent: written before the
 * answer even when lazy (see the top of the file).
 */
static void
state_save(bool urgent)
{
	if (state.dir == NULL)
		return;
	state.gen++;
	if (urgent || !state.flusher_running) {
		state_write(false);
		return;
	}
	if (!state.pending) {
		state.pending = true;
		clock_gettime(CLOCK_MONOTONIC, &state.due);
		state.due.tv_sec += state.lazy_ms / 1000;
		state.due.tv_nsec += (long)(state.lazy_ms % 1000) * 1000000L;
		if (state.due.tv_nsec >= 1000000000L) {
			state.due.tv_sec++;
			state.due.tv_nsec -= 1000000000L;
		}
		pthread_cond_signal(&state.wake);
	}
}

static bool
state_due(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > state.due.tv_sec ||
	       (now.tv_sec == state.due.tv_sec &&
		now.tv_nsec >= state.due.tv_nsec);
}

/* The flusher thread: writes what is pending when it is due. */
static void *
state_flusher(void *arg)
{
	int64_t ret;

	(void)arg;
	pthread_mutex_lock(&state.lock);
	for (;;) {
		if (!state.pending) {
			if (state.stopping)
				break;
			pthread_cond_wait(&state.wake, &state.lock);
			continue;
		}
		if (!state.stopping && !state_due()) {
			pthread_cond_timedwait(&state.wake, &state.lock,
					       &state.due);
			continue;
		}
		state.pending = false;
		ret = state_write(true);
		if (ret >= 0 && state.failures > 0)
			CTL_INFO("record written again after %u failed "
				 "write%s",
				 state.failures,
				 state.failures == 1 ? "" : "s");
		if (ret >= 0) {
			state.failures = 0;
			if (ret > 0)
				CTL_INFO("record written: %" PRId64
					 " change%s in one write",
					 ret, ret == 1 ? "" : "s");
			continue;
		}
		state.failures++;
		if (state.stopping)
			break; /* logged; nothing more can be done */
		if (!state.pending) {
			/* try again, not sooner than STATE_RETRY_MS */
			state.pending = true;
			clock_gettime(CLOCK_MONOTONIC, &state.due);
			state.due.tv_sec += (state.lazy_ms > STATE_RETRY_MS
						     ? state.lazy_ms
						     : STATE_RETRY_MS) /
					    1000;
		}
	}
	pthread_mutex_unlock(&state.lock);
	return NULL;
}

void
ctl_state_close(void)
{
	bool running;

	pthread_mutex_lock(&state.lock);
	running = state.flusher_running;
	state.stopping = true;
	pthread_cond_signal(&state.wake);
	pthread_mutex_unlock(&state.lock);
	if (!running)
		return;
	pthread_join(state.flusher, NULL);
	pthread_mutex_lock(&state.lock);
	state.flusher_running = false;
	if (state.written != state.gen && state.dir != NULL)
		state_write(false); /* a change made as the flusher stopped */
	pthread_mutex_unlock(&state.lock);
}

static int
state_start_flusher(char *err, size_t errlen)
{
	pthread_condattr_t attr;
	int ret;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&state.wake, &attr);
	pthread_condattr_destroy(&attr);
	ret = pthread_create(&state.flusher, NULL, state_flusher, NULL);
	if (ret != 0) {
		snprintf(err, errlen, "cannot start the record's writer: %s",
			 strerror(ret));
		return -ret;
	}
	state.flusher_running = true;
	return 0;
}

int
ctl_state_open(const char *dir, int lazy_ms, char *err, size_t errlen)
{
	char path[4096];
	json_error_t jerr;
	json_t *doc, *procs;

	state.procs = json_object();
	state.restored = json_object();
	if (dir == NULL)
		return 0;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errlen,
			 "cannot make the state directory %s: %s (give "
			 "--state-dir DIR, or --no-state to keep no record)",
			 dir, strerror(errno));
		return -errno;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, CTL_STATE_FILE);
	if (access(dir, W_OK) < 0 ||
	    (access(path, W_OK | R_OK) < 0 && errno != ENOENT)) {
		snprintf(err, errlen,
			 "cannot use the record %s: %s (give --state-dir DIR, "
			 "or --no-state to keep no record)",
			 path, strerror(errno));
		return -errno;
	}
	doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL && access(path, F_OK) == 0) {
		snprintf(err, errlen,
			 "cannot read the record %s: %s (line %d); move it "
			 "away to start with an empty record",
			 path, jerr.text, jerr.line);
		return -EINVAL;
	}
	procs = json_object_get(doc, "processes");
	if (doc != NULL && (!json_is_object(procs) ||
			    json_integer_value(json_object_get(
				    doc, "version")) != STATE_VERSION)) {
		snprintf(err, errlen,
			 "cannot read the record %s: not a version %d record",
			 path, STATE_VERSION);
		json_decref(doc);
		return -EINVAL;
	}
	if (procs != NULL)
		json_object_update(state.procs, procs);
	json_decref(doc);
	state.dir = strdup(dir);
	if (state.dir == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	state.lazy_ms = lazy_ms;
	if (lazy_ms >= 0 && state_start_flusher(err, errlen) < 0)
		return -EAGAIN;
	if (lazy_ms >= 0)
		CTL_INFO("record of the processes' configuration: %s (%zu "
			 "process%s), written at most %d ms after a change",
			 path, json_object_size(state.procs),
			 json_object_size(state.procs) == 1 ? "" : "es",
			 lazy_ms);
	else
		CTL_INFO("record of the processes' configuration: %s (%zu "
			 "process%s)",
			 path, json_object_size(state.procs),
			 json_object_size(state.procs) == 1 ? "" : "es");
	return 0;
}

/* -- recording ----------------------------------------------------------- */

/* The entry of a process, made if missing; state.lock held. */
static json_t *
state_entry(enum spp_proc_kind kind, unsigned int id, const char *name)
{
	json_t *e = json_object_get(state.procs, name);

	if (e != NULL)
		return e;
	e = json_pack("{s:s,s:[]}", "type", spp_proc_kind_name(kind),
		      "commands");
	if (kind != SPP_PROC_PRIMARY)
		json_object_set_new(e, "client-id", json_integer(id));
	json_object_set_new(state.procs, name, e);
	return e;
}

/*
 * Record cmds (reference stolen) as p's configuration; state.lock held.
 * urgent: on disk before this returns, even when lazy.
 */
static void
state_record(struct ctl_proc *p, json_t *cmds, bool urgent)
{
	json_t *e = state_entry(ctl_proc_kind(p), ctl_proc_client_id(p),
				ctl_proc_name(p));

	if (json_equal(json_object_get(e, "commands"), cmds)) {
		json_decref(cmds);
		return;
	}
	json_object_set_new(e, "commands", cmds);
	state_save(urgent || json_array_size(cmds) == 0);
}

void
ctl_state_forget(const char *name)
{
	pthread_mutex_lock(&state.lock);
	json_object_del(state.restored, name);
	if (json_object_del(state.procs, name) == 0) {
		CTL_INFO("%s: record forgotten", name);
		state_save(true);
	}
	pthread_mutex_unlock(&state.lock);
}

json_t *
ctl_state_names(void)
{
	json_t *names = json_array(), *v;
	const char *name;

	pthread_mutex_lock(&state.lock);
	json_object_foreach(state.procs, name, v)
	{
		json_array_append_new(names, json_string(name));
	}
	pthread_mutex_unlock(&state.lock);
	return names;
}

/* Where line goes among the sorted classifier lines that end cmds. */
static size_t
state_cls_pos(const json_t *cmds, const char *line, bool *found)
{
	static const char cls[] = "classifier_table ";
	size_t lo = 0, hi = json_array_size(cmds), mid;
	const char *s;
	int c;

	*found = false;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		s = json_string_value(json_array_get(cmds, mid));
		/* the components and their ports come first */
		c = s == NULL || strncmp(s, cls, sizeof(cls) - 1) != 0
			    ? -1
			    : strcmp(s, line);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * A classifier entry added or deleted is one line of spp_vf's record: put
 * in or taken out in place, without reading the whole status back (which
 * grows with the table). Only when no other command reached p since this
 * one, and the record holds the line exactly when it should; else -1, and
 * the status is read as for other commands. state.order held.
 */
static int
state_cls_change(struct ctl_proc *p, const struct spp_cmd *cmd)
{
	char line[STATE_LINE_LEN];
	struct spp_cmd add;
	json_t *cmds;
	bool found;
	size_t i;
	int ret = -1;

	if (ctl_proc_kind(p) != SPP_PROC_VF ||
	    (cmd->id != SPP_CMD_CLS_ADD && cmd->id != SPP_CMD_CLS_DEL) ||
	    ctl_proc_replies(p) != ctl_proc_my_last_reply())
		return -1;
	add = *cmd;
	add.id = SPP_CMD_CLS_ADD;
	if (state_format(SPP_PROC_VF, &add, line, sizeof(line)) < 0)
		return -1;
	pthread_mutex_lock(&state.lock);
	cmds = json_object_get(json_object_get(state.procs, ctl_proc_name(p)),
			       "commands");
	if (json_is_array(cmds)) {
		i = state_cls_pos(cmds, line, &found);
		if (cmd->id == SPP_CMD_CLS_ADD && !found)
			ret = json_array_insert_new(cmds, i, json_string(line));
		else if (cmd->id == SPP_CMD_CLS_DEL && found)
			ret = json_array_remove(cmds, i);
	}
	if (ret == 0)
		state_save(json_array_size(cmds) == 0);
	pthread_mutex_unlock(&state.lock);
	return ret;
}

void
ctl_state_command_done(struct ctl_proc *p, const struct spp_cmd *cmd,
		       const json_t *body)
{
	char err[256], name[CTL_PROC_NAME_LEN];
	enum spp_proc_kind kind;
	json_t *cmds, *e;

	if (state.procs == NULL)
		return; /* ctl_state_open() was not called (fuzzers) */
	switch (cmd->id) {
	case SPP_CMD_STATUS:
	case SPP_CMD_CLEAR:
		return;
	case SPP_CMD_EXIT:
		ctl_state_forget(ctl_proc_name(p));
		return;
	case SPP_CMD_LAUNCH:
		kind = spp_proc_kind_from_binary(cmd->proc_name);
		if (kind == 0 || body == NULL)
			return;
		snprintf(name, sizeof(name), "%s %u", spp_proc_kind_name(kind),
			 cmd->client_id);
		pthread_mutex_lock(&state.lock);
		e = state_entry(kind, cmd->client_id, name);
		if (!json_equal(json_object_get(e, "launch"), body)) {
			json_object_set_new(e, "launch", json_deep_copy(body));
			state_save(true);
		}
		pthread_mutex_unlock(&state.lock);
		return;
	default:
		break;
	}
	if (state.dir == NULL)
		return; /* launch options are kept for export, nothing else */
	pthread_mutex_lock(&state.order);
	if (state_cls_change(p, cmd) == 0) {
		pthread_mutex_unlock(&state.order);
		return;
	}
	cmds = ctl_state_live(p, err, sizeof(err));
	if (cmds == NULL) {
		CTL_WARN("%s: configuration not recorded: %s", ctl_proc_name(p),
			 err);
	} else {
		pthread_mutex_lock(&state.lock);
		state_record(p, cmds, false);
		pthread_mutex_unlock(&state.lock);
	}
	pthread_mutex_unlock(&state.order);
}

json_t *
ctl_state_launch(enum spp_proc_kind kind, unsigned int id)
{
	char name[CTL_PROC_NAME_LEN];
	json_t *l;

	snprintf(name, sizeof(name), "%s %u", spp_proc_kind_name(kind), id);
	pthread_mutex_lock(&state.lock);
	l = json_incref(
		json_object_get(json_object_get(state.procs, name), "launch"));
	pthread_mutex_unlock(&state.lock);
	return l;
}

/* -- putting it back ----------------------------------------------------- */

/* Send the recorded lines to p; returns {"at","commands","failed"}. */
static json_t *
state_replay(struct ctl_proc *p, const json_t *lines)
{
	json_t *failed = json_array(), *reply, *v;
	const char *line, *msg;
	char err[256], at[32];
	size_t i, ok = 0;
	time_t now;
	int ret;

	json_array_foreach(lines, i, v)
	{
		line = json_string_value(v);
		ret = ctl_proc_command(p, line, 0, &reply, err, sizeof(err));
		if (ret == 0 &&
		    strcmp(json_string_value(json_object_get(reply, "result")),
			   "ok") == 0) {
			ok++;
		} else {
			msg = ret < 0 ? err
				      : json_string_value(json_object_get(
						reply, "message"));
			CTL_WARN("%s: cannot put back '%s': %s",
				 ctl_proc_name(p), line, msg ? msg : "refused");
			json_array_append_new(failed,
					      json_pack("{s:s,s:s}", "command",
							line, "error",
							msg ? msg : "refused"));
		}
		json_decref(reply);
		if (ret < 0)
			break; /* the process is gone */
	}
	now = time(NULL);
	strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	CTL_INFO("%s: restored %zu command%s of its record%s", ctl_proc_name(p),
		 ok, ok == 1 ? "" : "s",
		 json_array_size(failed) > 0 ? " (some failed, see above)"
					     : "");
	return json_pack("{s:s,s:I,s:o}", "at", at, "commands", (json_int_t)ok,
			 "failed", failed);
}

void
ctl_state_setup(struct ctl_proc *p)
{
	const char *name = ctl_proc_name(p);
	json_t *live, *rec, *restored;
	char err[256];

	if (state.dir == NULL)
		return;
	live = ctl_state_live(p, err, sizeof(err));
	if (live == NULL) {
		CTL_WARN("%s: cannot read its configuration: %s", name, err);
		return;
	}
	pthread_mutex_lock(&state.lock);
	json_object_del(state.restored, name);
	rec = json_deep_copy(json_object_get(json_object_get(state.procs, name),
					     "commands"));
	if (json_array_size(live) > 0 || json_array_size(rec) == 0) {
		/* it kept its configuration (spp-ctl restarted): believe it */
		if (json_array_size(live) > 0)
			CTL_INFO("%s came with a configuration of %zu "
				 "command%s: recorded as it is",
				 name, json_array_size(live),
				 json_array_size(live) == 1 ? "" : "s");
		if (json_array_size(live) > 0 || rec != NULL)
			state_record(p, live, true);
		else
			json_decref(live);
		pthread_mutex_unlock(&state.lock);
		json_decref(rec);
		return;
	}
	pthread_mutex_unlock(&state.lock);
	json_decref(live);
	CTL_INFO("%s came back empty: putting back %zu command%s of its "
		 "record",
		 name, json_array_size(rec),
		 json_array_size(rec) == 1 ? "" : "s");
	restored = state_replay(p, rec);
	json_decref(rec);
	pthread_mutex_lock(&state.lock);
	json_object_set_new(state.restored, name, restored);
	pthread_mutex_unlock(&state.lock);
}

void
ctl_state_annotate(json_t *procs)
{
	char name[CTL_PROC_NAME_LEN];
	const char *type;
	json_t *o, *r;
	size_t i;

	pthread_mutex_lock(&state.lock);
	json_array_foreach(procs, i, o)
	{
		type = json_string_value(json_object_get(o, "type"));
		if (json_object_get(o, "client-id") != NULL)
			snprintf(name, sizeof(name), "%s %" JSON_INTEGER_FORMAT,
				 type,
				 json_integer_value(
					 json_object_get(o, "client-id")));
		else
			snprintf(name, sizeof(name), "%s", type);
		r = json_object_get(state.restored, name);
		if (r != NULL)
			json_object_set(o, "restored", r);
	}
	pthread_mutex_unlock(&state.lock);
}
