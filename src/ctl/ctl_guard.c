/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_guard.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "ctl_log.h"

struct guard_conn {
	int fd;
	int64_t start_ms; /* of the request under way */
	bool cut;
	struct guard_conn *next;
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct guard_conn *head;
	int request_ms;
	bool stop;
	bool started;
	pthread_t thread;
} guard = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.wake = PTHREAD_COND_INITIALIZER,
};

static int64_t
guard_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *
guard_watch(void *arg)
{
	struct timespec until;

	(void)arg;
	pthread_mutex_lock(&guard.lock);
	while (!guard.stop) {
		int64_t now = guard_now_ms();
		struct guard_conn *c;

		for (c = guard.head; c != NULL; c = c->next) {
			if (c->cut || now - c->start_ms <= guard.request_ms)
				continue;
			/* the connection's thread sees the end and closes */
			shutdown(c->fd, SHUT_RDWR);
			c->cut = true;
			CTL_WARN_LIMITED("HTTP request took more than %d ms: "
					 "connection closed",
					 guard.request_ms);
		}
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 250 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&guard.wake, &guard.lock, &until);
	}
	pthread_mutex_unlock(&guard.lock);
	return NULL;
}

int
ctl_guard_start(int request_ms)
{
	int ret;

	guard.request_ms = request_ms;
	guard.stop = false;
	ret = pthread_create(&guard.thread, NULL, guard_watch, NULL);
	if (ret != 0)
		return -ret;
	guard.started = true;
	return 0;
}

void
ctl_guard_stop(void)
{
	if (!guard.started)
		return;
	pthread_mutex_lock(&guard.lock);
	guard.stop = true;
	pthread_cond_signal(&guard.wake);
	pthread_mutex_unlock(&guard.lock);
	pthread_join(guard.thread, NULL);
	guard.started = false;
}

void
ctl_guard_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
		 enum MHD_ConnectionNotificationCode code)
{
	const union MHD_ConnectionInfo *info;
	struct guard_conn *c, **pp;

	(void)cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		info = MHD_get_connection_info(
			conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		c = calloc(1, sizeof(*c));
		if (c == NULL || info == NULL) {
			free(c);
			return;
		}
		c->fd = info->connect_fd;
		c->start_ms = guard_now_ms();
		pthread_mutex_lock(&guard.lock);
		c->next = guard.head;
		guard.head = c;
		pthread_mutex_unlock(&guard.lock);
		*socket_context = c;
		return;
	}
	c = *socket_context;
	if (c == NULL)
		return;
	pthread_mutex_lock(&guard.lock);
	for (pp = &guard.head; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	pthread_mutex_unlock(&guard.lock);
	free(c);
	*socket_context = NULL;
}

void
ctl_guard_answered(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *info = MHD_get_connection_info(
		conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct guard_conn *c = info != NULL ? info->socket_context : NULL;

	if (c == NULL)
		return;
	pthread_mutex_lock(&guard.lock);
	c->start_ms = guard_now_ms();
	pthread_mutex_unlock(&guard.lock);
}
