/* SPDX-License-Identifier: BSD-3-Clause */
/* Listening TCP sockets of spp-ctl. */
#ifndef CTL_NET_H
#define CTL_NET_H

#include <stddef.h>
#include <stdint.h>

/*
 * Open a TCP socket listening on addr (numeric IPv4 or IPv6, or a host
 * name) and port. Returns the socket, or -errno with a message in err.
 */
int ctl_net_listen(const char *addr, uint16_t port, char *err, size_t errlen);

#endif /* CTL_NET_H */
