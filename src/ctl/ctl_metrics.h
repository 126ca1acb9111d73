/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GET /metrics: the counters of every process in the Prometheus text
 * exposition format 0.0.4 (docs/metrics.md), and spp-ctl's own counters.
 */
#ifndef CTL_METRICS_H
#define CTL_METRICS_H

#include <stdint.h>

#include "ctl_rest.h"
#include "spp_cmd.h"

/*
 * spp-ctl's own counters (ctl_metrics_count.c, apart from the exposition
 * so that the registry and the REST layer count without it).
 */
#define CTL_METRICS_STATUS_MAX 600
/* process kinds are bits: SPP_PROC_PRIMARY (1 << 0) to SPP_PROC_PCAP */
#define CTL_METRICS_NB_KINDS 5
#define CTL_METRICS_NB_BUCKETS 16

/* Upper bounds of the command duration buckets, in seconds. */
extern const double ctl_metrics_buckets[CTL_METRICS_NB_BUCKETS];

struct ctl_metrics_counts {
	uint64_t requests[CTL_METRICS_STATUS_MAX]; /* by HTTP status */
	/* by process kind (bit number): per bucket, not cumulative */
	uint64_t cmd_bucket[CTL_METRICS_NB_KINDS][CTL_METRICS_NB_BUCKETS + 1];
	double cmd_sum[CTL_METRICS_NB_KINDS];
	uint64_t cmd_count[CTL_METRICS_NB_KINDS];
};

/* Count a REST request answered with status. Any thread. */
void ctl_metrics_request_done(unsigned int status);
/* A command to a process of kind took seconds. Any thread. */
void ctl_metrics_command_done(enum spp_proc_kind kind, double seconds);
/* A copy of the counters. */
void ctl_metrics_counts(struct ctl_metrics_counts *out);

/* The handler of GET /metrics. */
void ctl_metrics_get(struct ctl_call *call);

#endif /* CTL_METRICS_H */
