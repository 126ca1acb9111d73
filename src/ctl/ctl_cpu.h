/* SPDX-License-Identifier: BSD-3-Clause */
/* CPU topology for GET /v1/cpu_layout. */
#ifndef CTL_CPU_H
#define CTL_CPU_H

#include <stddef.h>

#include <jansson.h>

/*
 * [{"socket_id":S,"cores":[{"core_id":C,"lcores":[L,...]},...]},...] from
 * SYSFS/devices/system/cpu/cpuN/topology, sorted by socket, core and lcore.
 * Returns 0, or -errno with a message in err.
 */
int ctl_cpu_layout(const char *sysfs, json_t **layout, char *err,
		   size_t errlen);

#endif /* CTL_CPU_H */
