/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_net.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int
ctl_net_listen(const char *addr, uint16_t port, char *err, size_t errlen)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_PASSIVE | AI_NUMERICSERV,
	};
	struct addrinfo *res, *ai;
	char service[8];
	int fd = -1, ret, one = 1, saved = 0;

	snprintf(service, sizeof(service), "%u", port);
	ret = getaddrinfo(addr, service, &hints, &res);
	if (ret != 0) {
		snprintf(err, errlen, "cannot resolve '%s': %s", addr,
			 gai_strerror(ret));
		return -EINVAL;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
			    ai->ai_protocol);
		if (fd < 0) {
			saved = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, 64) == 0)
			break;
		saved = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		snprintf(err, errlen, "cannot listen on %s port %u: %s", addr,
			 port, strerror(saved));
		return -saved;
	}
	return fd;
}
