/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_dot.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spp_time.h"

extern char **environ;

/* What comes out of one of dot's pipes. */
struct dot_out {
	char *buf;
	size_t len;
	size_t cap;
};

static int
dot_read(int fd, struct dot_out *o)
{
	char *more;
	ssize_t n;

	if (o->cap - o->len < 4096) {
		more = realloc(o->buf, o->cap * 2 + 8192);
		if (more == NULL)
			return -ENOMEM;
		o->buf = more;
		o->cap = o->cap * 2 + 8192;
	}
	n = read(fd, o->buf + o->len, o->cap - o->len - 1);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : -errno;
	o->len += (size_t)n;
	o->buf[o->len] = '\0';
	return n > 0;
}

static void
dot_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/*
 * Feed graph to dot's stdin while reading its stdout and stderr, until both
 * end. Returns 0 or -errno (-ETIMEDOUT past the deadline).
 */
static int
dot_exchange(int in, int out, int errfd, const char *graph, size_t len,
	     double deadline, struct dot_out *svg, struct dot_out *msg)
{
	size_t sent = 0;
	int ret = 0, left;
	ssize_t n;

	if (len == 0)
		dot_close(&in);
	while (out >= 0 || errfd >= 0) {
		struct pollfd pfd[3] = {
			{.fd = in, .events = POLLOUT},
			{.fd = out, .events = POLLIN},
			{.fd = errfd, .events = POLLIN},
		};

		left = (int)((deadline - spp_mono_s()) * 1000);
		if (left <= 0)
			return -ETIMEDOUT;
		if (poll(pfd, 3, left) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (pfd[0].revents & (POLLOUT | POLLERR | POLLHUP)) {
			n = write(in, graph + sent, len - sent);
			if (n < 0 && errno != EINTR && errno != EAGAIN)
				dot_close(&in); /* dot went: its stderr says */
			if (n > 0)
				sent += (size_t)n;
			if (sent == len)
				dot_close(&in);
		}
		if (pfd[1].revents) {
			ret = dot_read(out, svg);
			if (ret <= 0)
				dot_close(&out);
		}
		if (pfd[2].revents) {
			ret = dot_read(errfd, msg);
			if (ret <= 0)
				dot_close(&errfd);
		}
		if (ret < 0)
			break;
	}
	dot_close(&in);
	dot_close(&out);
	dot_close(&errfd);
	return ret < 0 ? ret : 0;
}

int
ctl_dot_svg(const char *graph, size_t len, int timeout_ms, char **svg,
	    size_t *svg_len, char *err, size_t errlen)
{
	char *const argv[] = {(char *)"dot", (char *)"-Tsvg", NULL};
	int in[2] = {-1, -1}, out[2] = {-1, -1}, errp[2] = {-1, -1};
	struct dot_out o = {0}, msg = {0};
	posix_spawn_file_actions_t fa;
	int ret, status = 0;
	pid_t pid;

	*svg = NULL;
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 ||
	    pipe2(errp, O_CLOEXEC) < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot run dot: %s", strerror(-ret));
		goto out;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
	ret = -posix_spawnp(&pid, "dot", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (ret < 0) {
		snprintf(err, errlen, "cannot run dot (graphviz): %s",
			 strerror(-ret));
		goto out;
	}
	dot_close(&in[0]);
	dot_close(&out[1]);
	dot_close(&errp[1]);
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	ret = dot_exchange(in[1], out[0], errp[0], graph, len,
			   spp_mono_s() + timeout_ms / 1000.0, &o, &msg);
	in[1] = out[0] = errp[0] = -1; /* closed by dot_exchange */
	if (ret == -ETIMEDOUT)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (ret == -ETIMEDOUT) {
		snprintf(err, errlen, "dot took more than %d ms: killed",
			 timeout_ms);
	} else if (ret < 0) {
		snprintf(err, errlen, "dot: %s", strerror(-ret));
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
		   o.len == 0) {
		snprintf(err, errlen, "dot failed: %.200s",
			 msg.len > 0 ? msg.buf : "no output");
		ret = -EIO;
	} else {
		*svg = o.buf;
		*svg_len = o.len;
		o.buf = NULL;
	}
out:
	dot_close(&in[0]);
	dot_close(&in[1]);
	dot_close(&out[0]);
	dot_close(&out[1]);
	dot_close(&errp[0]);
	dot_close(&errp[1]);
	free(o.buf);
	free(msg.buf);
	return ret;
}
