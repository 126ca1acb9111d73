/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The life of a pipe: the primary adds pipe:N over two of its rings (an
 * ethdev of the ring PMD whose rx reads ring:A and tx writes ring:B) and
 * deletes it; every process that opens it as an SPP port holds it by its
 * pid in the shared area while it is open, so that a pipe in use is not
 * deleted under a process and the holds of a process that died do not
 * count. Control path only.
 */
#ifndef SPP_PIPE_H
#define SPP_PIPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spp_node.h"
#include "spp_shm.h"

/*
 * Primary: add pipe:id reading ring:rx_ring and writing ring:tx_ring, its
 * ethdev set up and started. Returns 0, or -EINVAL (id out of range),
 * -ENOENT (no such ring), -EEXIST (the pipe exists), -EIO (the ethdev
 * could not be made) with err saying which.
 */
int spp_pipe_add(struct spp_node *node, unsigned int id, unsigned int rx_ring,
		 unsigned int tx_ring, char *err, size_t errlen);

/*
 * Primary: delete pipe:id, hot-unplugging its ethdev so that the
 * secondaries that attached it detach too. Unless force, a pipe some live
 * process holds is refused with -EBUSY and their pids in err; -ENOENT for
 * a pipe that does not exist. err may be NULL.
 */
int spp_pipe_del(struct spp_node *node, unsigned int id, bool force, char *err,
		 size_t errlen);

/*
 * A port of this process opens pipe:id (hold) or closes it (release). Hold
 * puts the pipe's rings back in order after a holder killed inside a ring
 * operation. Returns 0, or -ENOENT (no such pipe) or -ENOSPC (held by
 * SPP_SHM_PIPE_MAX_USERS ports already) with err saying which.
 */
int spp_pipe_hold(struct spp_shm *shm, unsigned int id, char *err,
		  size_t errlen);
void spp_pipe_release(struct spp_shm *shm, unsigned int id);

/*
 * The ports open on pipe:id, by the pid of their process, in pids[0..max-1];
 * the holds of processes that no longer exist are dropped first. Returns
 * how many.
 */
unsigned int spp_pipe_users(struct spp_shm *shm, unsigned int id, int32_t *pids,
			    unsigned int max);

#endif /* SPP_PIPE_H */
