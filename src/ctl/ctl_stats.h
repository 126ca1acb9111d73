/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Status rounds: one "status" command to every connected process, sent in
 * parallel, for GET /metrics and the web view. Requests that come while a
 * round is under way share it instead of starting another.
 */
#ifndef CTL_STATS_H
#define CTL_STATS_H

#include <jansson.h>

#include "ctl_proc.h"
#include "spp_cmd.h"

/* One process of a round. */
struct ctl_stats_proc {
	char name[CTL_PROC_NAME_LEN]; /* "primary", "nfv:1" */
	enum spp_proc_kind kind;
	unsigned int client_id; /* 0 for the primary */
	long long pid;
	double start_time; /* unix time the process started */
	json_t *status;	   /* the status data; NULL when it did not answer */
	char err[256];	   /* why status is NULL */
};

/* The answers of one round; shared, read only. */
struct ctl_stats_round {
	unsigned int refcnt; /* ctl_stats lock */
	double mono;	     /* CLOCK_MONOTONIC seconds at the end */
	double duration;     /* seconds the round took */
	unsigned int nb_procs;
	struct ctl_stats_proc procs[];
};

/*
 * The answers of a round that started after this call, or of the one under
 * way when this call came. Returns 0 with *round referenced (drop it with
 * ctl_stats_put()), or -ENOMEM.
 */
int ctl_stats_get(struct ctl_stats_round **round);
void ctl_stats_put(struct ctl_stats_round *round);

/* json_integer_value() of obj[key] as a double, 0 when missing. */
double ctl_stats_num(const json_t *obj, const char *key);

#endif /* CTL_STATS_H */
