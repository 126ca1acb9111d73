/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Locking: the registry lock guards the list, the reference counts and the
 * busy flags, and is taken last: nobody takes a process lock while holding
 * it. A process lock is held for a whole command exchange; it guards fd, rx
 * and dead. The watcher thread only try-locks a process, so it never waits
 * behind a command.
 *
 * The watcher waits for a connected process's hang-up (POLLRDHUP), not for
 * its data: a command's reply does not wake it, and a command need not wake
 * it either, unless the watcher left the process out of its poll while the
 * command ran (unwatched). What a process says out of turn is read and
 * dropped before the next command is sent, or with its hang-up.
 */
#include "ctl_proc.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ctl_log.h"
#include "ctl_metrics.h"
#include "ctl_net.h"
#include "ctl_peer.h"
#include "spp_frame.h"
#include "spp_time.h"

/* Connections that have not said hello yet. */
#define CTL_PENDING_MAX 32
/* Largest hello, and largest message of a process (a status) */
#define CTL_HELLO_MAX (64u << 10)
#define CTL_MSG_MAX (8u << 20)
/* Largest "lcores" of a hello, and largest lcore id */
#define CTL_LCORES_MAX 128
#define CTL_LCORE_ID_MAX 1023
/* A process sends its hello as it connects: 2 s at most (less if told) */
#define CTL_HELLO_TIMEOUT_MS(cmd_ms) ((cmd_ms) < 2000 ? (cmd_ms) : 2000)
/* The primary and client ids 1..SPP_RES_ID_MAX. */
#define CTL_PROCS_MAX (SPP_RES_ID_MAX + 1)
/* Reads of 8 KiB at most before a command, of what came unasked */
#define CTL_DRAIN_READS 64

struct ctl_proc {
	pthread_mutex_t lock;
	pthread_cond_t setup_done; /* with lock: in_setup went false */
	bool in_setup;		   /* lock: the setup hook runs */
	pthread_t setup_thread;	   /* lock: the thread that runs it */
	unsigned int refcnt;	   /* registry lock */
	bool busy;		   /* registry lock: a command is in flight */
	bool unwatched;		   /* registry lock: left out while busy */
	bool dead;		   /* set with both locks held */
	uint64_t replies;	   /* lock: replies received */
	int fd;
	struct spp_frame_rx rx;
	enum spp_proc_kind kind;
	unsigned int client_id;
	json_int_t pid;
	json_int_t master_lcore;
	json_t *lcores;
	double connected_at; /* unix time of the hello */
	char name[CTL_PROC_NAME_LEN];
	struct ctl_proc *next;
};

struct ctl_pending {
	int fd; /* -1: free slot */
	bool primary_port;
	struct spp_frame_rx rx;
	int64_t deadline_ms;
};

static struct {
	pthread_mutex_t lock;
	struct ctl_proc *head; /* primary first, then by client id */
	int timeout_ms;
	ctl_proc_setup_t setup;
	int wake[2];
	int pri_fd;
	int sec_fd;
	bool stop;
	bool started;
	pthread_t thread;
	/* only the watcher thread uses these */
	struct ctl_pending pending[CTL_PENDING_MAX];
} reg = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.wake = {-1, -1},
	.pri_fd = -1,
	.sec_fd = -1,
};

static int64_t
proc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Make the watcher thread look at the list again. */
static void
proc_wake(void)
{
	char c = 0;
	ssize_t n;

	n = write(reg.wake[1], &c, 1);
	(void)n; /* a full pipe already wakes it */
}

static void
proc_free(struct ctl_proc *p)
{
	if (p->fd >= 0)
		close(p->fd);
	spp_frame_rx_free(&p->rx);
	json_decref(p->lcores);
	pthread_cond_destroy(&p->setup_done);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

void
ctl_proc_put(struct ctl_proc *p)
{
	unsigned int left;

	pthread_mutex_lock(&reg.lock);
	left = --p->refcnt;
	pthread_mutex_unlock(&reg.lock);
	if (left == 0)
		proc_free(p);
}

const char *
ctl_proc_name(const struct ctl_proc *p)
{
	return p->name;
}

/*
 * Forget a process whose lock the caller holds: shut its connection down
 * (the fd is closed with the last reference) and take it off the list.
 */
static void
proc_drop_locked(struct ctl_proc *p, const char *why)
{
	struct ctl_proc **pp;
	bool listed = false;

	if (p->dead)
		return;
	CTL_INFO("%s (pid %lld) removed: %s", p->name, (long long)p->pid, why);
	shutdown(p->fd, SHUT_RDWR);
	pthread_mutex_lock(&reg.lock);
	p->dead = true;
	for (pp = &reg.head; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			listed = true;
			break;
		}
	}
	/* the list's reference; the caller still holds one */
	if (listed)
		p->refcnt--;
	pthread_mutex_unlock(&reg.lock);
	proc_wake();
}

static void
proc_set_busy(struct ctl_proc *p, bool busy)
{
	bool wake;

	pthread_mutex_lock(&reg.lock);
	p->busy = busy;
	/* the watcher polls the process again once it is told */
	wake = !busy && p->unwatched;
	if (wake)
		p->unwatched = false;
	pthread_mutex_unlock(&reg.lock);
	if (wake)
		proc_wake();
}

/* The process with client id id, or the primary; registry lock held. */
static struct ctl_proc *
proc_lookup(enum spp_proc_kind kind, unsigned int id)
{
	struct ctl_proc *p;

	for (p = reg.head; p != NULL; p = p->next) {
		if (kind == SPP_PROC_PRIMARY && p->kind == SPP_PROC_PRIMARY)
			return p;
		if (kind != SPP_PROC_PRIMARY && p->kind != SPP_PROC_PRIMARY &&
		    p->client_id == id)
			return p;
	}
	return NULL;
}

struct ctl_proc *
ctl_proc_find(enum spp_proc_kind kind, unsigned int id, char *err,
	      size_t errlen)
{
	const char *name = spp_proc_kind_name(kind);
	enum spp_proc_kind found = 0;
	struct ctl_proc *p;

	pthread_mutex_lock(&reg.lock);
	p = proc_lookup(kind, id);
	if (p != NULL) {
		found = p->kind;
		if (found == kind)
			p->refcnt++;
	}
	pthread_mutex_unlock(&reg.lock);
	if (found == kind)
		return p;
	if (kind == SPP_PROC_PRIMARY)
		snprintf(err, errlen, "primary is not connected");
	else if (found == 0)
		snprintf(err, errlen, "%s %u is not connected", name, id);
	else
		snprintf(err, errlen,
			 "%s %u is not connected (client id %u is a %s)", name,
			 id, id, spp_proc_kind_name(found));
	return NULL;
}

int
ctl_proc_id_in_use(unsigned int id, char *err, size_t errlen)
{
	struct ctl_proc *p;
	int ret = 0;

	pthread_mutex_lock(&reg.lock);
	p = proc_lookup(SPP_PROC_NFV, id);
	if (p != NULL) {
		snprintf(err, errlen,
			 "client id %u is in use: %s is "
			 "connected (pid %lld)",
			 id, p->name, (long long)p->pid);
		ret = 1;
	}
	pthread_mutex_unlock(&reg.lock);
	return ret;
}

/* Check that a reply is {"result":"ok"|"error",...}. */
static json_t *
proc_parse_reply(const struct ctl_proc *p, const char *msg, size_t len,
		 char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *reply, *result;
	const char *s;

	reply = json_loadb(msg, len, JSON_REJECT_DUPLICATES, &jerr);
	if (reply == NULL) {
		snprintf(err, errlen, "invalid reply from %s: %s", p->name,
			 jerr.text);
		return NULL;
	}
	result = json_object_get(reply, "result");
	s = json_string_value(result);
	if (s == NULL || (strcmp(s, "ok") != 0 && strcmp(s, "error") != 0)) {
		snprintf(err, errlen,
			 "invalid reply from %s: no \"result\" "
			 "of \"ok\" or \"error\"",
			 p->name);
		json_decref(reply);
		return NULL;
	}
	return reply;
}

/*
 * Throw away the whole messages of p->rx that nobody asked for, starting
 * with ret, the result of the last read. Returns 0 or a -errno of the
 * stream. Process lock held.
 */
static int
proc_drop_unasked(struct ctl_proc *p, int ret, char *msg)
{
	size_t len;

	while (ret == 1) {
		CTL_WARN_LIMITED(
			"%s sent a message nobody asked for, ignored: %.80s",
			p->name, msg);
		ret = spp_frame_rx_next(&p->rx, &msg, &len);
	}
	return ret;
}

static int proc_drain(struct ctl_proc *p);

/* p->replies after the last reply the thread received */
static __thread uint64_t proc_my_last_reply;

uint64_t
ctl_proc_replies(struct ctl_proc *p)
{
	uint64_t n;

	pthread_mutex_lock(&p->lock);
	n = p->replies;
	pthread_mutex_unlock(&p->lock);
	return n;
}

uint64_t
ctl_proc_my_last_reply(void)
{
	return proc_my_last_reply;
}

int
ctl_proc_command(struct ctl_proc *p, const char *text, int forget,
		 json_t **reply, char *err, size_t errlen)
{
	double start = spp_mono_s();
	char *msg = NULL;
	size_t len;
	int ret;

	*reply = NULL;
	pthread_mutex_lock(&p->lock);
	/* the setup hook's commands come first */
	while (p->in_setup && !p->dead &&
	       !pthread_equal(p->setup_thread, pthread_self()))
		pthread_cond_wait(&p->setup_done, &p->lock);
	if (p->dead) {
		snprintf(err, errlen, "%s is not connected", p->name);
		pthread_mutex_unlock(&p->lock);
		return -ENOENT;
	}
	proc_set_busy(p, true);
	/* what came before the command cannot be its reply */
	ret = proc_drain(p);
	if (ret == 0)
		ret = spp_frame_send(p->fd, text, strlen(text));
	if (ret < 0) {
		snprintf(err, errlen, "lost the connection to %s: %s", p->name,
			 strerror(-ret));
		proc_drop_locked(p, "send failed");
		ret = -ECONNRESET;
		goto out;
	}
	ret = spp_frame_recv(p->fd, &p->rx, &msg, &len, reg.timeout_ms);
	if (ret == 1) {
		proc_my_last_reply = ++p->replies;
		*reply = proc_parse_reply(p, msg, len, err, errlen);
		ret = *reply == NULL ? -EPROTO : 0;
	} else if (ret == -ETIMEDOUT) {
		snprintf(err, errlen,
			 "process did not answer: %s gave no "
			 "reply to '%.40s' within %d ms",
			 p->name, text, reg.timeout_ms);
		proc_drop_locked(p, "did not answer");
	} else {
		snprintf(err, errlen,
			 "%s closed the connection without "
			 "answering",
			 p->name);
		proc_drop_locked(p, ret == 0 ? "connection closed"
					     : strerror(-ret));
		ret = -ECONNRESET;
	}
	if (ret == 0 && forget &&
	    strcmp(json_string_value(json_object_get(*reply, "result")),
		   "ok") == 0)
		proc_drop_locked(p, "exited");
out:
	proc_set_busy(p, false);
	pthread_mutex_unlock(&p->lock);
	ctl_metrics_command_done(p->kind, spp_mono_s() - start);
	return ret;
}

int
ctl_procs_get(struct ctl_proc ***list)
{
	struct ctl_proc *p, **l;
	int n = 0;

	pthread_mutex_lock(&reg.lock);
	for (p = reg.head; p != NULL; p = p->next)
		n++;
	l = calloc(n > 0 ? (size_t)n : 1, sizeof(*l));
	if (l == NULL) {
		pthread_mutex_unlock(&reg.lock);
		return -ENOMEM;
	}
	n = 0;
	for (p = reg.head; p != NULL; p = p->next) {
		p->refcnt++;
		l[n++] = p;
	}
	pthread_mutex_unlock(&reg.lock);
	*list = l;
	return n;
}

enum spp_proc_kind
ctl_proc_kind(const struct ctl_proc *p)
{
	return p->kind;
}

unsigned int
ctl_proc_client_id(const struct ctl_proc *p)
{
	return p->client_id;
}

long long
ctl_proc_pid(const struct ctl_proc *p)
{
	return (long long)p->pid;
}

double
ctl_proc_connected_at(const struct ctl_proc *p)
{
	return p->connected_at;
}

/* One object per process, with its CPUs when cpus is set. */
static json_t *
proc_list(const char *type_key, bool cpus)
{
	json_t *list = json_array(), *o;
	struct ctl_proc *p;

	pthread_mutex_lock(&reg.lock);
	for (p = reg.head; p != NULL; p = p->next) {
		o = json_pack("{ss}", type_key, spp_proc_kind_name(p->kind));
		if (p->kind != SPP_PROC_PRIMARY)
			json_object_set_new(o, "client-id",
					    json_integer(p->client_id));
		if (cpus) {
			json_object_set_new(o, "master-lcore",
					    json_integer(p->master_lcore));
			json_object_set_new(o, "lcores",
					    json_deep_copy(p->lcores));
		}
		json_array_append_new(list, o);
	}
	pthread_mutex_unlock(&reg.lock);
	return list;
}

json_t *
ctl_procs_list(void)
{
	return proc_list("type", false);
}

json_t *
ctl_procs_cpu_usage(void)
{
	return proc_list("proc-type", true);
}

/* Answer a hello and, on refusal, hang up. */
static void
proc_hello_answer(int fd, int code, const char *message)
{
	json_t *o;
	char *s;
	int ret;

	if (code == 0)
		o = json_pack("{ss}", "result", "ok");
	else
		o = json_pack("{sssiss}", "result", "error", "code", code,
			      "message", message);
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	ret = s == NULL ? -ENOMEM : spp_frame_send(fd, s, strlen(s));
	if (ret < 0)
		CTL_WARN("cannot answer a hello: %s", strerror(-ret));
	free(s);
}

/* Fields of a hello; returns 0 or -EINVAL with a message in err. */
static int
proc_hello_parse(const char *msg, size_t len, struct ctl_proc *p,
		 bool primary_port, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *h, *v;
	const char *type;
	size_t i;
	int ret = -EINVAL;

	h = json_loadb(msg, len, JSON_REJECT_DUPLICATES, &jerr);
	if (h == NULL) {
		snprintf(err, errlen, "invalid hello: %s", jerr.text);
		return -EINVAL;
	}
	type = json_string_value(json_object_get(h, "type"));
	if (json_integer_value(json_object_get(h, "hello")) != 1 ||
	    !json_is_integer(json_object_get(h, "hello"))) {
		snprintf(err, errlen, "invalid hello: no \"hello\": 1");
		goto out;
	}
	p->kind = type == NULL ? 0 : spp_proc_kind_from_name(type);
	if (p->kind == 0) {
		snprintf(err, errlen,
			 "invalid hello: \"type\" must be one of "
			 "primary, nfv, vf, mirror, pcap");
		goto out;
	}
	if ((p->kind == SPP_PROC_PRIMARY) != primary_port) {
		snprintf(err, errlen, "%s must connect to the %s, not the %s",
			 type,
			 primary_port ? "secondary port (-s)"
				      : "primary port (-p)",
			 primary_port ? "primary port (-p)"
				      : "secondary port (-s)");
		goto out;
	}
	if (p->kind != SPP_PROC_PRIMARY) {
		v = json_object_get(h, "client-id");
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > SPP_RES_ID_MAX) {
			snprintf(err, errlen,
				 "invalid hello: \"client-id\" "
				 "must be an integer 1-%d",
				 SPP_RES_ID_MAX);
			goto out;
		}
		p->client_id = (unsigned int)json_integer_value(v);
		snprintf(p->name, sizeof(p->name), "%s %u", type, p->client_id);
	} else {
		snprintf(p->name, sizeof(p->name), "primary");
	}
	v = json_object_get(h, "pid");
	p->pid = json_integer_value(v);
	if (!json_is_integer(v) || p->pid <= 0) {
		snprintf(err, errlen,
			 "invalid hello: \"pid\" must be a "
			 "positive integer");
		goto out;
	}
	v = json_object_get(h, "master-lcore");
	p->master_lcore = json_integer_value(v);
	if (!json_is_integer(v) || p->master_lcore < 0) {
		snprintf(err, errlen,
			 "invalid hello: \"master-lcore\" must be "
			 "an integer >= 0");
		goto out;
	}
	p->lcores = json_incref(json_object_get(h, "lcores"));
	if (!json_is_array(p->lcores)) {
		snprintf(err, errlen,
			 "invalid hello: \"lcores\" must be an "
			 "array of integers");
		goto out;
	}
	if (json_array_size(p->lcores) > CTL_LCORES_MAX) {
		snprintf(err, errlen, "invalid hello: more than %d \"lcores\"",
			 CTL_LCORES_MAX);
		goto out;
	}
	json_array_foreach(p->lcores, i, v)
	{
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > CTL_LCORE_ID_MAX) {
			snprintf(err, errlen,
				 "invalid hello: \"lcores\" must "
				 "be an array of integers");
			goto out;
		}
	}
	ret = 0;
out:
	json_decref(h);
	return ret;
}

/* Put p on the list unless its place is taken; registry lock held. */
static int
proc_insert(struct ctl_proc *p, char *err, size_t errlen)
{
	struct ctl_proc *old = proc_lookup(p->kind, p->client_id), **pp;

	if (old != NULL) {
		snprintf(err, errlen, "%s is already connected (pid %lld)",
			 old->name, (long long)old->pid);
		return -EEXIST;
	}
	for (pp = &reg.head; *pp != NULL; pp = &(*pp)->next)
		if (p->kind != SPP_PROC_PRIMARY &&
		    (*pp)->kind != SPP_PROC_PRIMARY &&
		    (*pp)->client_id > p->client_id)
			break;
	if (p->kind == SPP_PROC_PRIMARY)
		pp = &reg.head;
	p->next = *pp;
	*pp = p;
	p->refcnt = 1;
	return 0;
}

static void
proc_pending_close(struct ctl_pending *c)
{
	close(c->fd);
	c->fd = -1;
	spp_frame_rx_free(&c->rx);
}

int
ctl_proc_hello_check(const char *msg, size_t len, int primary_port, char *err,
		     size_t errlen)
{
	struct ctl_proc *p = calloc(1, sizeof(*p));
	int ret;

	if (p == NULL)
		return -ENOMEM;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->setup_done, NULL);
	p->fd = -1;
	ret = proc_hello_parse(msg, len, p, primary_port, err, errlen);
	proc_free(p);
	return ret;
}

static void *
proc_setup_run(void *arg)
{
	struct ctl_proc *p = arg;

	pthread_mutex_lock(&p->lock);
	p->setup_thread = pthread_self();
	pthread_mutex_unlock(&p->lock);
	reg.setup(p);
	pthread_mutex_lock(&p->lock);
	p->in_setup = false;
	pthread_cond_broadcast(&p->setup_done);
	pthread_mutex_unlock(&p->lock);
	ctl_proc_put(p);
	return NULL;
}

/*
 * Run the setup hook for p, which just said hello and whose lock the
 * caller holds, in a thread of its own.
 */
static void
proc_setup_start(struct ctl_proc *p)
{
	pthread_attr_t attr;
	pthread_t t;
	int ret;

	pthread_mutex_lock(&reg.lock);
	p->refcnt++;
	pthread_mutex_unlock(&reg.lock);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	ret = pthread_create(&t, &attr, proc_setup_run, p);
	pthread_attr_destroy(&attr);
	if (ret != 0) {
		CTL_ERR("%s: cannot start a thread to set it up: %s", p->name,
			strerror(ret));
		p->in_setup = false;
		pthread_mutex_lock(&reg.lock);
		p->refcnt--; /* the list still holds one */
		pthread_mutex_unlock(&reg.lock);
	}
}

/* A hello arrived on a pending connection: register or refuse it. */
static void
proc_hello(struct ctl_pending *c, const char *msg, size_t len)
{
	struct ctl_proc *p = calloc(1, sizeof(*p));
	struct timespec now;
	char err[256];
	int ret;

	if (p == NULL) {
		proc_hello_answer(c->fd, 500, "out of memory");
		proc_pending_close(c);
		return;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->setup_done, NULL);
	p->fd = -1;
	ret = proc_hello_parse(msg, len, p, c->primary_port, err, sizeof(err));
	if (ret == 0 && ctl_peer_check(c->fd, p->pid, err, sizeof(err)) < 0) {
		CTL_WARN_LIMITED("refused %s (says pid %lld): %s", p->name,
				 (long long)p->pid, err);
		proc_hello_answer(c->fd, 403, err);
		proc_pending_close(c);
		proc_free(p);
		return;
	}
	if (ret < 0) {
		CTL_WARN_LIMITED("refused a process: %s", err);
		proc_hello_answer(c->fd, 400, err);
		proc_pending_close(c);
		proc_free(p);
		return;
	}
	/* hold the process lock so that no command overtakes the answer */
	pthread_mutex_lock(&p->lock);
	p->in_setup = reg.setup != NULL;
	pthread_mutex_lock(&reg.lock);
	ret = proc_insert(p, err, sizeof(err));
	pthread_mutex_unlock(&reg.lock);
	if (ret < 0) {
		pthread_mutex_unlock(&p->lock);
		CTL_WARN_LIMITED("refused %s (pid %lld): %s", p->name,
				 (long long)p->pid, err);
		proc_hello_answer(c->fd, 409, err);
		proc_pending_close(c);
		proc_free(p);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	p->connected_at = (double)now.tv_sec + now.tv_nsec / 1e9;
	p->fd = c->fd;
	p->rx = c->rx; /* bytes after the hello, if any */
	p->rx.max = CTL_MSG_MAX;
	c->fd = -1;
	spp_frame_rx_init(&c->rx);
	proc_hello_answer(p->fd, 0, NULL);
	CTL_INFO("%s connected (pid %lld)", p->name, (long long)p->pid);
	if (p->in_setup)
		proc_setup_start(p);
	pthread_mutex_unlock(&p->lock);
}

static void
proc_accept(int lfd, bool primary_port)
{
	struct timeval tv = {
		.tv_sec = reg.timeout_ms / 1000,
		.tv_usec = (reg.timeout_ms % 1000) * 1000,
	};
	struct ctl_pending *c = NULL;
	int fd, i, one = 1;

	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR)
			CTL_WARN("accept: %s", strerror(errno));
		return;
	}
	/* a process that stops reading must not block spp-ctl for ever */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	/* commands are small request/answer exchanges: no Nagle delay */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	for (i = 0; i < CTL_PENDING_MAX && c == NULL; i++)
		if (reg.pending[i].fd < 0)
			c = &reg.pending[i];
	if (c == NULL) {
		/*
		 * Full: the oldest silent connection goes. A real process
		 * says hello at once, so connections that stay silent
		 * cannot keep it out.
		 */
		c = &reg.pending[0];
		for (i = 1; i < CTL_PENDING_MAX; i++)
			if (reg.pending[i].deadline_ms < c->deadline_ms)
				c = &reg.pending[i];
		CTL_WARN_LIMITED("%d connections without hello: closing the "
				 "oldest",
				 CTL_PENDING_MAX);
		proc_pending_close(c);
	}
	c->fd = fd;
	c->primary_port = primary_port;
	c->deadline_ms = proc_now_ms() + CTL_HELLO_TIMEOUT_MS(reg.timeout_ms);
	spp_frame_rx_init(&c->rx);
	c->rx.max = CTL_HELLO_MAX;
}

/*
 * Read what is there without waiting. Returns 1 with a message, 0 when more
 * is needed, -ECONNRESET at the end of the stream or another -errno.
 */
static int
proc_read_nowait(int fd, struct spp_frame_rx *rx, char **msg, size_t *len)
{
	char buf[8192];
	ssize_t n;
	int ret;

	ret = spp_frame_rx_next(rx, msg, len);
	if (ret != 0)
		return ret;
	n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n == 0)
		return -ECONNRESET;
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	ret = spp_frame_rx_feed(rx, buf, (size_t)n);
	if (ret < 0)
		return ret;
	return spp_frame_rx_next(rx, msg, len);
}

/*
 * Read and drop what p sent unasked and its socket holds now (at most
 * CTL_DRAIN_READS reads). Returns 0, or the -errno of a broken stream; an
 * end of the stream is left to the command that follows. Process lock held.
 */
static int
proc_drain(struct ctl_proc *p)
{
	char buf[8192], *msg = NULL;
	size_t len;
	ssize_t n;
	int i, ret;

	for (i = 0;; i++) {
		ret = spp_frame_rx_next(&p->rx, &msg, &len);
		ret = proc_drop_unasked(p, ret, msg);
		if (ret < 0 || i == CTL_DRAIN_READS)
			return ret;
		n = recv(p->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n <= 0)
			return 0;
		ret = spp_frame_rx_feed(&p->rx, buf, (size_t)n);
		if (ret < 0)
			return ret;
	}
}

static void
proc_pending_input(struct ctl_pending *c)
{
	char *msg;
	size_t len;
	int ret;

	ret = proc_read_nowait(c->fd, &c->rx, &msg, &len);
	if (ret == 1) {
		proc_hello(c, msg, len);
	} else if (ret < 0) {
		if (ret != -ECONNRESET)
			CTL_WARN_LIMITED("connection closed before hello: %s",
					 strerror(-ret));
		proc_pending_close(c);
	}
}

/* An idle process is readable: it went away, or speaks out of turn. */
static void
proc_idle_input(struct ctl_proc *p)
{
	char *msg = NULL;
	size_t len;
	int ret;

	if (pthread_mutex_trylock(&p->lock) != 0)
		return; /* a command is under way: its reader sees it */
	if (!p->dead) {
		/* one read per wake-up, so a chatty process cannot hold us */
		ret = proc_read_nowait(p->fd, &p->rx, &msg, &len);
		ret = proc_drop_unasked(p, ret, msg);
		if (ret < 0)
			proc_drop_locked(p, ret == -ECONNRESET
						    ? "connection closed"
						    : strerror(-ret));
	}
	pthread_mutex_unlock(&p->lock);
}

/* Poll timeout: until the first pending hello is overdue. */
static int
proc_poll_timeout(int64_t now)
{
	int64_t first = -1;
	int i;

	for (i = 0; i < CTL_PENDING_MAX; i++) {
		struct ctl_pending *c = &reg.pending[i];

		if (c->fd < 0)
			continue;
		if (c->deadline_ms <= now) {
			CTL_WARN_LIMITED("no hello within %d ms, closing",
					 reg.timeout_ms);
			proc_pending_close(c);
			continue;
		}
		if (first < 0 || c->deadline_ms < first)
			first = c->deadline_ms;
	}
	return first < 0 ? -1 : (int)(first - now);
}

static void *
proc_watch_thread(void *arg)
{
	struct pollfd pfd[3 + CTL_PENDING_MAX + CTL_PROCS_MAX];
	struct ctl_pending *pend[CTL_PENDING_MAX];
	struct ctl_proc *procs[CTL_PROCS_MAX];
	struct ctl_proc *p;
	int npend, nprocs, n, i, timeout;
	char drain[64];

	(void)arg;
	for (;;) {
		timeout = proc_poll_timeout(proc_now_ms());
		pfd[0] = (struct pollfd){.fd = reg.wake[0], .events = POLLIN};
		pfd[1] = (struct pollfd){.fd = reg.pri_fd, .events = POLLIN};
		pfd[2] = (struct pollfd){.fd = reg.sec_fd, .events = POLLIN};
		n = 3;
		npend = 0;
		for (i = 0; i < CTL_PENDING_MAX; i++) {
			if (reg.pending[i].fd < 0)
				continue;
			pend[npend++] = &reg.pending[i];
			pfd[n++] = (struct pollfd){.fd = reg.pending[i].fd,
						   .events = POLLIN};
		}
		nprocs = 0;
		pthread_mutex_lock(&reg.lock);
		if (reg.stop) {
			pthread_mutex_unlock(&reg.lock);
			break;
		}
		for (p = reg.head; p != NULL; p = p->next) {
			if (p->busy) {
				p->unwatched = true;
				continue;
			}
			p->refcnt++;
			procs[nprocs++] = p;
			pfd[n++] = (struct pollfd){.fd = p->fd,
						   .events = POLLRDHUP};
		}
		pthread_mutex_unlock(&reg.lock);

		if (poll(pfd, (nfds_t)n, timeout) < 0 && errno != EINTR) {
			CTL_ERR("poll: %s", strerror(errno));
			usleep(100 * 1000);
		}
		if (pfd[0].revents)
			while (read(reg.wake[0], drain, sizeof(drain)) > 0)
				;
		if (pfd[1].revents & POLLIN)
			proc_accept(reg.pri_fd, true);
		if (pfd[2].revents & POLLIN)
			proc_accept(reg.sec_fd, false);
		for (i = 0; i < npend; i++)
			if (pfd[3 + i].revents && pend[i]->fd >= 0)
				proc_pending_input(pend[i]);
		for (i = 0; i < nprocs; i++) {
			if (pfd[3 + npend + i].revents)
				proc_idle_input(procs[i]);
			ctl_proc_put(procs[i]);
		}
	}
	return NULL;
}

int
ctl_procs_start(const struct ctl_proc_conf *conf, char *err, size_t errlen)
{
	int i, ret;

	for (i = 0; i < CTL_PENDING_MAX; i++)
		reg.pending[i].fd = -1;
	reg.timeout_ms = conf->timeout_ms;
	reg.setup = conf->setup;
	if (pipe2(reg.wake, O_CLOEXEC | O_NONBLOCK) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -errno;
	}
	reg.pri_fd =
		ctl_net_listen(conf->bind_addr, conf->pri_port, err, errlen);
	if (reg.pri_fd < 0)
		return reg.pri_fd;
	reg.sec_fd =
		ctl_net_listen(conf->bind_addr, conf->sec_port, err, errlen);
	if (reg.sec_fd < 0)
		return reg.sec_fd;
	/* poll may report a connection that is gone when accept runs */
	fcntl(reg.pri_fd, F_SETFL, O_NONBLOCK);
	fcntl(reg.sec_fd, F_SETFL, O_NONBLOCK);
	ret = pthread_create(&reg.thread, NULL, proc_watch_thread, NULL);
	if (ret != 0) {
		snprintf(err, errlen, "cannot start a thread: %s",
			 strerror(ret));
		return -ret;
	}
	reg.started = true;
	return 0;
}

void
ctl_procs_stop(void)
{
	struct ctl_proc *p;
	int i;

	if (reg.started) {
		pthread_mutex_lock(&reg.lock);
		reg.stop = true;
		pthread_mutex_unlock(&reg.lock);
		proc_wake();
		pthread_join(reg.thread, NULL);
		reg.started = false;
	}
	for (i = 0; i < CTL_PENDING_MAX; i++)
		if (reg.pending[i].fd >= 0)
			proc_pending_close(&reg.pending[i]);
	/* commands under way end with the connection */
	for (;;) {
		pthread_mutex_lock(&reg.lock);
		p = reg.head;
		if (p != NULL)
			p->refcnt++;
		pthread_mutex_unlock(&reg.lock);
		if (p == NULL)
			break;
		shutdown(p->fd, SHUT_RDWR);
		pthread_mutex_lock(&p->lock);
		proc_drop_locked(p, "spp-ctl is stopping");
		pthread_mutex_unlock(&p->lock);
		ctl_proc_put(p);
	}
	if (reg.pri_fd >= 0)
		close(reg.pri_fd);
	if (reg.sec_fd >= 0)
		close(reg.sec_fd);
	reg.pri_fd = reg.sec_fd = -1;
}
