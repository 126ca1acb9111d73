/* SPDX-License-Identifier: BSD-3-Clause */
#include "spp_pids.h"

#include <stdio.h>
#include <string.h>

char *
spp_pids_format(const int32_t *pids, unsigned int n, char *buf, size_t len)
{
	unsigned int i;
	size_t used = 0;
	int w;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		w = snprintf(buf + used, len - used, "%s%d", i ? ", " : "",
			     (int)pids[i]);
		if (w < 0 || (size_t)w >= len - used) {
			/* no half pid: cut back to the last whole one */
			buf[used] = '\0';
			break;
		}
		used += (size_t)w;
	}
	return buf;
}
