/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Who is on the other end of a process connection. A hello names a pid;
 * on loopback spp-ctl checks that the connection really is that process's
 * and that the process runs as spp-ctl's user (or root), so that another
 * local user cannot register as the primary or a secondary, and a process
 * cannot pass itself off as another.
 */
#ifndef CTL_PEER_H
#define CTL_PEER_H

#include <stddef.h>

/*
 * 0 when the TCP connection fd may belong to process pid: its peer is not
 * on loopback (not checked), or the kernel's socket tables show the peer's
 * socket owned by spp-ctl's user or root and held by pid. Else -EPERM with
 * the reason in err.
 */
int ctl_peer_check(int fd, long long pid, char *err, size_t errlen);

#endif /* CTL_PEER_H */
