/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_peer.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/*
 * An address and port as /proc/net/tcp{,6} writes them: the address's
 * 32-bit words in host order, in hex, then the port.
 */
static void
peer_proc_addr(const struct sockaddr_storage *sa, char *out, size_t len)
{
	if (sa->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		snprintf(out, len, "%08X:%04X",
			 (unsigned int)in->sin_addr.s_addr,
			 ntohs(in->sin_port));
	} else {
		const struct sockaddr_in6 *in6 = (const void *)sa;
		uint32_t w[4];

		memcpy(w, &in6->sin6_addr, sizeof(w));
		snprintf(out, len, "%08X%08X%08X%08X:%04X", w[0], w[1], w[2],
			 w[3], ntohs(in6->sin6_port));
	}
}

static bool
peer_is_loopback(const struct sockaddr_storage *sa)
{
	if (sa->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->ss_family == AF_INET6) {
		const struct in6_addr *a =
			&((const struct sockaddr_in6 *)sa)->sin6_addr;

		return IN6_IS_ADDR_LOOPBACK(a) ||
		       (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
	}
	return false;
}

/* The uid and inode of the socket local -> remote in the kernel's table. */
static int
peer_find_socket(const char *table, const char *local, const char *remote,
		 unsigned int *uid, unsigned long *inode)
{
	char line[512], l[64], r[64];
	int found = -ENOENT;
	FILE *f = fopen(table, "r");

	if (f == NULL)
		return -errno;
	while (found != 0 && fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, " %*s %63s %63s %*s %*s %*s %*s %u %*s %lu", l,
			   r, uid, inode) == 4 &&
		    strcmp(l, local) == 0 && strcmp(r, remote) == 0)
			found = 0;
	}
	fclose(f);
	return found;
}

/* 1 when process pid has the socket inode open. */
static int
peer_pid_holds(long long pid, unsigned long inode)
{
	char dir[64], path[320], link[64], want[64];
	struct dirent *d;
	int found = 0;
	DIR *fds;

	snprintf(dir, sizeof(dir), "/proc/%lld/fd", pid);
	snprintf(want, sizeof(want), "socket:[%lu]", inode);
	fds = opendir(dir);
	if (fds == NULL)
		return 0;
	while (!found && (d = readdir(fds)) != NULL) {
		ssize_t n;

		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		found = strcmp(link, want) == 0;
	}
	closedir(fds);
	return found;
}

int
ctl_peer_check(int fd, long long pid, char *err, size_t errlen)
{
	struct sockaddr_storage peer, local;
	socklen_t plen = sizeof(peer), llen = sizeof(local);
	char paddr[64], laddr[64];
	unsigned long inode = 0;
	unsigned int uid = 0;
	int ret;

	if (getpeername(fd, (struct sockaddr *)&peer, &plen) != 0 ||
	    getsockname(fd, (struct sockaddr *)&local, &llen) != 0) {
		snprintf(err, errlen, "cannot tell who is connected: %s",
			 strerror(errno));
		return -EPERM;
	}
	if (!peer_is_loopback(&peer))
		return 0;
	peer_proc_addr(&peer, paddr, sizeof(paddr));
	peer_proc_addr(&local, laddr, sizeof(laddr));
	/* the peer's side of the connection: local = peer, remote = us */
	ret = peer_find_socket(peer.ss_family == AF_INET ? "/proc/net/tcp"
							 : "/proc/net/tcp6",
			       paddr, laddr, &uid, &inode);
	if (ret < 0) {
		snprintf(err, errlen,
			 "cannot find the connection's socket in the "
			 "kernel's tables: %s",
			 strerror(-ret));
		return -EPERM;
	}
	if (uid != 0 && uid != geteuid()) {
		snprintf(err, errlen,
			 "the connection belongs to uid %u: SPP processes "
			 "run as spp-ctl's user or root",
			 uid);
		return -EPERM;
	}
	if (!peer_pid_holds(pid, inode)) {
		snprintf(err, errlen,
			 "the connection is not pid %lld's: a process "
			 "says hello with its own pid",
			 pid);
		return -EPERM;
	}
	return 0;
}
