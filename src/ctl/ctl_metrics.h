/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GET /metrics: the counters of every process in the Prometheus text
 * exposition format 0.0.4 (docs/metrics.md), and spp-ctl's own counters.
 */
#ifndef CTL_METRICS_H
#define CTL_METRICS_H

#include "ctl_rest.h"
#include "spp_cmd.h"

/* Count a REST request answered with status. Any thread. */
void ctl_metrics_request_done(unsigned int status);
/* A command to a process of kind took seconds. Any thread. */
void ctl_metrics_command_done(enum spp_proc_kind kind, double seconds);

/* The handler of GET /metrics. */
void ctl_metrics_get(struct ctl_call *call);

#endif /* CTL_METRICS_H */
