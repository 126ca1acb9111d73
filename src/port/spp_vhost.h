/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vhost-user ports on DPDK's vhost library directly (not the vhost PMD): the
 * process that adds the port owns its socket, its vhost-user thread and its
 * virtqueues from start to end, so a port can be deleted and added again,
 * the VM can go away and come back, and the socket file goes with the port.
 */
#ifndef SPP_VHOST_H
#define SPP_VHOST_H

#include <stddef.h>

#include "spp_port.h"

/* Register /tmp/sockN (server, or client with env->vhost_client). */
int spp_vhost_open(struct spp_port *port, const struct spp_port_env *env,
		   char *err, size_t errlen);
/* Unregister the socket; the port is no longer in any worker's table. */
void spp_vhost_close(struct spp_port *port, const struct spp_port_env *env);

/* spp_port_wake_arm()/disarm() of a vhost port: the guest's kick. */
int spp_vhost_wake_arm(struct spp_port *port);
void spp_vhost_wake_disarm(struct spp_port *port);

#endif /* SPP_VHOST_H */
