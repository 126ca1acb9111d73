/* SPDX-License-Identifier: BSD-3-Clause */
/* Time for measuring intervals (no EAL). */
#ifndef SPP_TIME_H
#define SPP_TIME_H

#include <time.h>

/* CLOCK_MONOTONIC in seconds. */
static inline double
spp_mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif /* SPP_TIME_H */
