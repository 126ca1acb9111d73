/* SPDX-License-Identifier: BSD-3-Clause */
#include "spp_vhost.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_log.h>
#include <rte_rcu_qsbr.h>
#include <rte_vhost.h>

#include "spp_err.h"

RTE_LOG_REGISTER(spp_vhost_logtype, spp.vhost, INFO);
#define VHOST_LOG(level, ...)                                                  \
	rte_log(RTE_LOG_##level, spp_vhost_logtype, "spp_vhost: " __VA_ARGS__)

/*
 * The ports of this process by id, for the callbacks of the vhost-user
 * thread. The lock is held through a callback and while the table changes.
 */
static struct spp_port *vhost_ports[SPP_RES_ID_MAX + 1];
static pthread_mutex_t vhost_lock = PTHREAD_MUTEX_INITIALIZER;

static void
vhost_path(unsigned int id, char *path, size_t len)
{
	snprintf(path, len, "/tmp/sock%u", id);
}

/* The port of a vhost device, by its socket path; lock held. */
static struct spp_port *
vhost_port_of(int vid)
{
	char ifname[PATH_MAX];
	unsigned int id;
	char tail;

	if (rte_vhost_get_ifname(vid, ifname, sizeof(ifname)) != 0 ||
	    sscanf(ifname, "/tmp/sock%u%c", &id, &tail) != 1 ||
	    id > SPP_RES_ID_MAX)
		return NULL;
	return vhost_ports[id];
}

static int
vhost_new_device(int vid)
{
	struct spp_port *port;

	pthread_mutex_lock(&vhost_lock);
	port = vhost_port_of(vid);
	if (port != NULL) {
		/* poll mode: the guest need not kick, SPP need not call */
		rte_vhost_enable_guest_notification(vid, SPP_PORT_GUEST_RXQ, 0);
		rte_vhost_enable_guest_notification(vid, SPP_PORT_GUEST_TXQ, 0);
		__atomic_store_n(&port->vid, vid, __ATOMIC_RELEASE);
		VHOST_LOG(INFO, "vhost:%u: VM connected (device %d)\n",
			  port->res.id, vid);
	}
	pthread_mutex_unlock(&vhost_lock);
	return 0;
}

static void
vhost_destroy_device(int vid)
{
	struct spp_port *port;

	pthread_mutex_lock(&vhost_lock);
	port = vhost_port_of(vid);
	if (port != NULL && port->vid == vid) {
		__atomic_store_n(&port->vid, -1, __ATOMIC_RELEASE);
		/*
		 * The library frees the device when this returns: wait until
		 * no worker can still be inside a burst on it.
		 */
		if (port->qs != NULL)
			rte_rcu_qsbr_synchronize(port->qs,
						 RTE_QSBR_THRID_INVALID);
		VHOST_LOG(INFO, "vhost:%u: VM disconnected\n", port->res.id);
	}
	pthread_mutex_unlock(&vhost_lock);
}

static const struct rte_vhost_device_ops vhost_ops = {
	.new_device = vhost_new_device,
	.destroy_device = vhost_destroy_device,
};

int
spp_vhost_open(struct spp_port *port, const struct spp_port_env *env, char *err,
	       size_t errlen)
{
	uint64_t flags = env->vhost_client ? RTE_VHOST_USER_CLIENT : 0;
	char path[32];
	int ret;

	vhost_path(port->res.id, path, sizeof(path));
	if (!env->vhost_client) {
		ret = spp_port_claim_socket(path, err, errlen);
		if (ret < 0)
			return ret;
	}
	port->vid = -1;
	port->pool = env->pool;
	port->qs = env->qs;
	port->stats = &port->local_stats;
	pthread_mutex_lock(&vhost_lock);
	if (vhost_ports[port->res.id] != NULL) {
		pthread_mutex_unlock(&vhost_lock);
		SPP_ERR(-EEXIST, "vhost:%u is already open in this process",
			port->res.id);
	}
	vhost_ports[port->res.id] = port;
	pthread_mutex_unlock(&vhost_lock);
	if (rte_vhost_driver_register(path, flags) != 0) {
		snprintf(err, errlen, "vhost:%u: cannot register %s",
			 port->res.id, path);
		ret = -EIO;
		goto unlist;
	}
	if (rte_vhost_driver_callback_register(path, &vhost_ops) != 0 ||
	    rte_vhost_driver_start(path) != 0) {
		snprintf(err, errlen, "vhost:%u: cannot %s %s", port->res.id,
			 env->vhost_client ? "connect to" : "listen on", path);
		rte_vhost_driver_unregister(path);
		ret = -EIO;
		goto unlist;
	}
	port->fp = SPP_PORT_FP_VHOST;
	return 0;
unlist:
	pthread_mutex_lock(&vhost_lock);
	vhost_ports[port->res.id] = NULL;
	pthread_mutex_unlock(&vhost_lock);
	return ret;
}

void
spp_vhost_close(struct spp_port *port, const struct spp_port_env *env)
{
	char path[32];

	RTE_SET_USED(env);
	vhost_path(port->res.id, path, sizeof(path));
	/*
	 * Unregistering destroys a connected device through the callback,
	 * which takes the lock: leave the table first, then unregister.
	 */
	pthread_mutex_lock(&vhost_lock);
	vhost_ports[port->res.id] = NULL;
	pthread_mutex_unlock(&vhost_lock);
	__atomic_store_n(&port->vid, -1, __ATOMIC_RELEASE);
	if (rte_vhost_driver_unregister(path) != 0)
		VHOST_LOG(ERR, "vhost:%u: cannot unregister %s\n", port->res.id,
			  path);
}

/* Take the kicks the fd counted (nobody else reads it): one read takes
 * the whole count, and only when there is one (the fd is the guest's,
 * maybe blocking). */
static void
vhost_kicks_take(const struct spp_port *port, int fd)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	uint64_t n;

	if (poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN) &&
	    read(fd, &n, sizeof(n)) < 0)
		VHOST_LOG(DEBUG, "vhost:%u: kick fd: %s\n", port->res.id,
			  strerror(errno));
}

int
spp_vhost_wake_arm(struct spp_port *port)
{
	int vid = __atomic_load_n(&port->vid, __ATOMIC_ACQUIRE);
	struct rte_vhost_vring vr;

	if (vid < 0)
		return SPP_PORT_WAKE_NONE;
	if (rte_vhost_get_vhost_vring(vid, SPP_PORT_GUEST_TXQ, &vr) != 0 ||
	    vr.kickfd < 0)
		return SPP_PORT_WAKE_POLL;
	vhost_kicks_take(port, vr.kickfd); /* of an earlier sleep */
	/* from now on the guest kicks when it sends; what it sent before
	 * it saw that is caught by the count below */
	if (rte_vhost_enable_guest_notification(vid, SPP_PORT_GUEST_TXQ, 1) !=
	    0)
		return SPP_PORT_WAKE_POLL;
	if (rte_vhost_rx_queue_count(vid, SPP_PORT_GUEST_TXQ) != 0) {
		rte_vhost_enable_guest_notification(vid, SPP_PORT_GUEST_TXQ, 0);
		return SPP_PORT_WAKE_POLL;
	}
	return vr.kickfd;
}

void
spp_vhost_wake_disarm(struct spp_port *port)
{
	int vid = __atomic_load_n(&port->vid, __ATOMIC_ACQUIRE);

	/* back to poll mode (a device of a VM that came back meanwhile
	 * starts in it anyway) */
	if (vid >= 0)
		rte_vhost_enable_guest_notification(vid, SPP_PORT_GUEST_TXQ, 0);
}
