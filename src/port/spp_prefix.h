/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The files of one DPDK node (one --file-prefix): who still uses them, and
 * removing them when the last process has gone. Control path only.
 */
#ifndef SPP_PREFIX_H
#define SPP_PREFIX_H

#include <stddef.h>
#include <stdint.h>

/* The file prefix EAL arguments give ("rte" when none), into prefix. */
void spp_prefix_of_args(int argc, char *const *argv, char *prefix, size_t len);

/*
 * The pids of the live processes other than this one that map the EAL
 * configuration of prefix (its primary, its secondaries, SPP's or not) into
 * pids[0..max-1]. Returns how many there are.
 */
unsigned int spp_prefix_users(const char *prefix, int32_t *pids,
			      unsigned int max);

/* The prefix of this process, once the EAL is up. */
const char *spp_prefix_self(void);

/*
 * After rte_eal_init(): the hugepage files this process maps for the node,
 * kept so that spp_prefix_remove() can delete them once the EAL has let
 * them go. Returns how many, or -errno.
 */
int spp_prefix_collect(void);

/*
 * After rte_eal_cleanup() of the last process of the node: delete the
 * hugepage files collected and the EAL's runtime directory of the prefix.
 */
void spp_prefix_remove(void);

#endif /* SPP_PREFIX_H */
