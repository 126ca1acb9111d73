/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Lists of process ids in messages ("pid 1234, 1235"): the users of a pipe,
 * the processes of a node. Pure C, no EAL.
 */
#ifndef SPP_PIDS_H
#define SPP_PIDS_H

#include <stddef.h>
#include <stdint.h>

/* the room spp_pids_format() needs per pid: up to 10 digits and ", " */
#define SPP_PIDS_CHARS 12

/*
 * "1234, 1235" from pids[0..n-1] into buf (len bytes, always terminated;
 * pids that do not fit are left out). Returns buf.
 */
char *spp_pids_format(const int32_t *pids, unsigned int n, char *buf,
		      size_t len);

#endif /* SPP_PIDS_H */
