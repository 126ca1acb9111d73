/* SPDX-License-Identifier: BSD-3-Clause */
#include "spp_app.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mempool.h>

#include "spp_frame.h"
#include "spp_msg.h"
#include "spp_shm.h"

RTE_LOG_REGISTER(spp_app_logtype, spp.app, INFO);
#define APP_LOG(level, ...)                                                    \
	rte_log(RTE_LOG_##level, spp_app_logtype, "spp: " __VA_ARGS__)

#define APP_RETRY_MS 1000
#define APP_POLL_MS 200
#define APP_REFUSED_RETRY_MS 2000

volatile int spp_app_signaled;
static uint32_t *app_signal_flag;

static void
app_on_signal(int sig)
{
	spp_app_signaled = sig;
	if (app_signal_flag != NULL)
		__atomic_store_n(app_signal_flag, 1, __ATOMIC_RELEASE);
}

void
spp_app_signal_flag(uint32_t *flag)
{
	app_signal_flag = flag;
}

void
spp_app_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = app_on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

json_t *
spp_app_lcores(void)
{
	json_t *a = json_array();
	unsigned int lcore;

	RTE_LCORE_FOREACH(lcore)
	json_array_append_new(a, json_integer(lcore));
	return a;
}

unsigned int
spp_app_first_worker(void)
{
	unsigned int lcore;

	RTE_LCORE_FOREACH_WORKER(lcore)
	return lcore;
	return RTE_MAX_LCORE;
}

json_t *
spp_app_status_head(const struct spp_app *app)
{
	json_t *st = json_object();

	if (app->kind != SPP_PROC_PRIMARY)
		json_object_set_new(st, "client-id",
				    json_integer(app->opts.client_id));
	json_object_set_new(st, "master-lcore",
			    json_integer(rte_get_main_lcore()));
	json_object_set_new(st, "lcores", spp_app_lcores());
	return st;
}

int
spp_app_cmd_status(struct spp_app *app, const struct spp_cmd *cmd __rte_unused,
		   json_t **data, char *err __rte_unused,
		   size_t errlen __rte_unused)
{
	*data = spp_app_status_head(app);
	app->status(app, *data);
	return 0;
}

int
spp_app_cmd_exit(struct spp_app *app, const struct spp_cmd *cmd __rte_unused,
		 json_t **data __rte_unused, char *err __rte_unused,
		 size_t errlen __rte_unused)
{
	app->exit_requested = true;
	return 0;
}

/* -- the forwarder commands of spp_nfv and the primary --------------------- */

void
spp_app_fwd_status(const struct spp_app *app, json_t *st)
{
	spp_fwd_status(app->ctx, st);
}

static int
app_fwd_add(struct spp_app *app, const struct spp_cmd *cmd,
	    json_t **data __rte_unused, char *err, size_t errlen)
{
	return spp_fwd_add(app->ctx, &cmd->res[0], err, errlen);
}

static int
app_fwd_del(struct spp_app *app, const struct spp_cmd *cmd,
	    json_t **data __rte_unused, char *err, size_t errlen)
{
	return spp_fwd_del(app->ctx, &cmd->res[0], err, errlen);
}

static int
app_fwd_patch(struct spp_app *app, const struct spp_cmd *cmd,
	      json_t **data __rte_unused, char *err, size_t errlen)
{
	return spp_fwd_patch(app->ctx, &cmd->res[0], &cmd->res[1],
			     cmd->core == SPP_CMD_LCORE_ANY ? RTE_MAX_LCORE
							    : cmd->core,
			     err, errlen);
}

static int
app_fwd_patch_reset(struct spp_app *app, const struct spp_cmd *cmd __rte_unused,
		    json_t **data __rte_unused, char *err __rte_unused,
		    size_t errlen __rte_unused)
{
	return spp_fwd_patch_reset(app->ctx);
}

/* forward and stop */
static int
app_fwd_run(struct spp_app *app, const struct spp_cmd *cmd,
	    json_t **data __rte_unused, char *err, size_t errlen)
{
	struct spp_fwd *fwd = app->ctx;

	if (cmd->id == SPP_CMD_FORWARD && !spp_fwd_has_workers(fwd)) {
		snprintf(err, errlen,
			 "cannot forward: this process "
			 "has no worker lcore (give it "
			 "two lcores or more)");
		return -EINVAL;
	}
	return spp_fwd_set_running(fwd, cmd->id == SPP_CMD_FORWARD, err,
				   errlen);
}

const spp_app_handler_fn spp_app_fwd_handlers[SPP_CMD_MAX] = {
	[SPP_CMD_STATUS] = spp_app_cmd_status,
	[SPP_CMD_EXIT] = spp_app_cmd_exit,
	[SPP_CMD_ADD] = app_fwd_add,
	[SPP_CMD_DEL] = app_fwd_del,
	[SPP_CMD_PATCH] = app_fwd_patch,
	[SPP_CMD_PATCH_RESET] = app_fwd_patch_reset,
	[SPP_CMD_FORWARD] = app_fwd_run,
	[SPP_CMD_STOP] = app_fwd_run,
};

json_t *
spp_app_exec(struct spp_app *app, const char *line)
{
	struct spp_cmd cmd;
	json_t *data = NULL;
	char err[512] = "";
	int ret;

	ret = spp_cmd_parse(line, app->kind, &cmd, err, sizeof(err));
	if (ret == 0) {
		spp_app_handler_fn h = app->handlers[cmd.id];

		if (h != NULL) {
			ret = h(app, &cmd, &data, err, sizeof(err));
		} else {
			snprintf(err, sizeof(err),
				 "command not supported by %s",
				 spp_proc_kind_name(app->kind));
			ret = -EINVAL;
		}
	}
	if (ret == -ENOTSUP)
		ret = -EINVAL;
	spp_cmd_free(&cmd);
	if (ret < 0) {
		json_decref(data);
		APP_LOG(INFO, "command '%s' failed: %s\n", line, err);
		return spp_msg_error(ret, err[0] ? err : strerror(-ret));
	}
	return spp_msg_ok(data);
}

static int
app_send_json(int fd, json_t *obj)
{
	char *s = json_dumps(obj, JSON_COMPACT);
	int ret;

	if (s == NULL)
		return -ENOMEM;
	ret = spp_frame_send(fd, s, strlen(s));
	free(s);
	return ret;
}

/* Connect to spp-ctl; -errno when it is not there (yet). */
static int
app_connect(const struct spp_opts *o)
{
	struct addrinfo hints, *res = NULL, *ai;
	char port[8];
	int fd = -1, one = 1, ret;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(port, sizeof(port), "%u", o->ctl_port);
	ret = getaddrinfo(o->ctl_host, port, &hints, &res);
	if (ret != 0)
		return -EHOSTUNREACH;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
			    ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return -ECONNREFUSED;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/*
 * Send the hello and read spp-ctl's answer: 0 when accepted, -EPERM with
 * spp-ctl's reason in why when refused.
 */
static int
app_hello(struct spp_app *app, int fd, struct spp_frame_rx *rx, char *why,
	  size_t whylen)
{
	json_t *hello, *ans;
	const char *result = NULL, *message = "no reason given";
	size_t len;
	char *msg;
	int ret;

	hello = spp_msg_hello(app->kind, app->opts.client_id, (int)getpid(),
			      rte_get_main_lcore(), spp_app_lcores());
	ret = app_send_json(fd, hello);
	json_decref(hello);
	if (ret < 0)
		return ret;
	ret = spp_frame_recv(fd, rx, &msg, &len, 10000);
	if (ret <= 0)
		return ret == 0 ? -ECONNRESET : ret;
	ans = json_loads(msg, 0, NULL);
	json_unpack(ans, "{s:s,s?s}", "result", &result, "message", &message);
	if (result != NULL && strcmp(result, "ok") == 0) {
		json_decref(ans);
		return 0;
	}
	snprintf(why, whylen, "%s", message);
	json_decref(ans);
	return -EPERM;
}

/*
 * A secondary whose primary is stopping or gone must exit: its ports and
 * the shared memory go away with the primary. Checked between commands.
 */
static bool
app_must_exit(struct spp_app *app)
{
	if (spp_app_signaled || app->exit_requested)
		return true;
	if (app->shm == NULL || !spp_shm_primary_leaving(app->shm))
		return false;
	APP_LOG(NOTICE, "the primary (pid %d) is %s: stopping and exiting\n",
		(int)app->shm->primary_pid,
		spp_shm_pid_alive(app->shm->primary_pid) ? "stopping" : "gone");
	app->exit_requested = true;
	return true;
}

/* Serve commands on a connected socket until it closes or we must exit. */
static void
app_serve(struct spp_app *app, int fd, struct spp_frame_rx *rx)
{
	json_t *reply;
	size_t len;
	char *msg;
	int ret;

	while (!app_must_exit(app)) {
		ret = spp_frame_recv(fd, rx, &msg, &len, APP_POLL_MS);
		if (ret == -ETIMEDOUT)
			continue;
		if (ret <= 0) {
			APP_LOG(WARNING,
				"connection to spp-ctl %s, "
				"reconnecting\n",
				ret == 0 ? "closed" : strerror(-ret));
			return;
		}
		reply = spp_app_exec(app, msg);
		ret = app_send_json(fd, reply);
		json_decref(reply);
		if (ret < 0) {
			APP_LOG(WARNING, "cannot answer spp-ctl: %s\n",
				strerror(-ret));
			return;
		}
	}
}

int
spp_app_run(struct spp_app *app)
{
	char why[256], last_why[256] = "";
	struct spp_frame_rx rx;
	bool told = false;
	int fd, ret = 0;

	spp_frame_rx_init(&rx);
	while (!app_must_exit(app)) {
		fd = app_connect(&app->opts);
		if (fd < 0) {
			if (!told)
				APP_LOG(INFO, "waiting for spp-ctl at %s:%u\n",
					app->opts.ctl_host, app->opts.ctl_port);
			told = true;
			usleep(APP_POLL_MS * 1000);
			continue;
		}
		told = false;
		spp_frame_rx_reset(&rx);
		ret = app_hello(app, fd, &rx, why, sizeof(why));
		if (ret == -EPERM) {
			/*
			 * Never exit on a refusal: another process may hold
			 * the id only for a while (or pass itself off as
			 * this one). Say why once, and try again.
			 */
			if (strcmp(why, last_why) != 0)
				APP_LOG(ERR,
					"spp-ctl refused this process: %s; "
					"trying again every %d s\n",
					why, APP_REFUSED_RETRY_MS / 1000);
			snprintf(last_why, sizeof(last_why), "%s", why);
			close(fd);
			for (int t = 0;
			     t < APP_REFUSED_RETRY_MS && !app_must_exit(app);
			     t += APP_POLL_MS)
				usleep(APP_POLL_MS * 1000);
			continue;
		}
		last_why[0] = '\0';
		if (ret == 0) {
			APP_LOG(INFO, "connected to spp-ctl at %s:%u\n",
				app->opts.ctl_host, app->opts.ctl_port);
			app_serve(app, fd, &rx);
		}
		close(fd);
		if (!app->exit_requested && !spp_app_signaled)
			usleep(APP_RETRY_MS * 1000 / 4);
	}
	spp_frame_rx_free(&rx);
	return 0;
}

int
spp_app_init(struct spp_app *app, int argc, char **argv)
{
	const char *prog = spp_proc_kind_binary(app->kind);
	enum rte_proc_type_t want = app->kind == SPP_PROC_PRIMARY
					    ? RTE_PROC_PRIMARY
					    : RTE_PROC_SECONDARY;
	char err[256];
	int ret, n;

	n = rte_eal_init(argc, argv);
	if (n < 0) {
		fprintf(stderr, "%s: cannot initialise EAL: %s\n", prog,
			rte_strerror(rte_errno));
		return -EINVAL;
	}
	argv[n] = argv[0];
	ret = spp_opts_parse(app->kind, argc - n, argv + n, &app->opts, err,
			     sizeof(err));
	if (ret == 0 && rte_eal_process_type() != want) {
		snprintf(err, sizeof(err), "must run as a %s process%s",
			 want == RTE_PROC_PRIMARY ? "primary" : "secondary",
			 want == RTE_PROC_PRIMARY ? ""
						  : " (--proc-type secondary)");
		fprintf(stderr, "%s: %s\n", prog, err);
		ret = -EINVAL;
	} else if (ret != 0) {
		if (ret < 0)
			fprintf(stderr, "%s: %s\n", prog, err);
		fprintf(stderr, "usage: %s [EAL options] -- %s", prog,
			spp_opts_usage(app->kind));
	}
	if (ret != 0)
		rte_eal_cleanup();
	return ret;
}

/*
 * The pool's per-lcore caches are shared memory indexed by lcore id: a
 * process killed on these lcores left frames in them. Give them back to
 * the pool before this process's workers start.
 */
static void
app_reclaim_caches(struct rte_mempool *pool)
{
	unsigned int lcore, n = 0;

	RTE_LCORE_FOREACH(lcore)
	{
		struct rte_mempool_cache *c =
			rte_mempool_default_cache(pool, lcore);

		if (c == NULL || c->len == 0)
			continue;
		n += c->len;
		rte_mempool_cache_flush(c, pool);
	}
	if (n > 0)
		APP_LOG(INFO,
			"gave back %u mbuf(s) left in this process's "
			"lcore caches\n",
			n);
}

int
spp_app_init_secondary(struct spp_app *app, struct spp_port_env *env, int argc,
		       char **argv)
{
	char err[256];
	int ret;

	ret = spp_app_init(app, argc, argv);
	if (ret != 0)
		return ret;
	ret = spp_shm_attach_pool(&env->shm, &env->pool, err, sizeof(err));
	if (ret < 0) {
		fprintf(stderr, "%s: %s\n", spp_proc_kind_binary(app->kind),
			err);
		rte_eal_cleanup();
		return ret;
	}
	if (spp_shm_primary_leaving(env->shm)) {
		fprintf(stderr, "%s: the primary is stopping\n",
			spp_proc_kind_binary(app->kind));
		rte_eal_cleanup();
		return -ESHUTDOWN;
	}
	app_reclaim_caches(env->pool);
	app->shm = env->shm;
	env->kind = app->kind;
	env->vhost_client = app->opts.vhost_client;
	return 0;
}
