/* SPDX-License-Identifier: BSD-3-Clause */
/* spp-ctl's own counters for GET /metrics: REST requests, command times. */
#include "ctl_metrics.h"

#include <pthread.h>
#include <string.h>

const double ctl_metrics_buckets[CTL_METRICS_NB_BUCKETS] = {
	0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
	0.05,	0.1,	 0.25,	 0.5,	1,	2.5,   5,    10,
};

static struct {
	pthread_mutex_t lock;
	struct ctl_metrics_counts n;
} count = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

void
ctl_metrics_request_done(unsigned int status)
{
	if (status >= CTL_METRICS_STATUS_MAX)
		return;
	pthread_mutex_lock(&count.lock);
	count.n.requests[status]++;
	pthread_mutex_unlock(&count.lock);
}

void
ctl_metrics_command_done(enum spp_proc_kind kind, double seconds)
{
	unsigned int b = 0, k;

	if (kind == 0 || (unsigned int)kind >= 1u << CTL_METRICS_NB_KINDS)
		return;
	k = (unsigned int)__builtin_ctz((unsigned int)kind);
	while (b < CTL_METRICS_NB_BUCKETS && seconds > ctl_metrics_buckets[b])
		b++;
	pthread_mutex_lock(&count.lock);
	count.n.cmd_bucket[k][b]++;
	count.n.cmd_sum[k] += seconds;
	count.n.cmd_count[k]++;
	pthread_mutex_unlock(&count.lock);
}

void
ctl_metrics_counts(struct ctl_metrics_counts *out)
{
	pthread_mutex_lock(&count.lock);
	memcpy(out, &count.n, sizeof(*out));
	pthread_mutex_unlock(&count.lock);
}
