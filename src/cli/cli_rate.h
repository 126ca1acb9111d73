/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * "status --rate": two readings of a process's status, the second shown
 * as usual and then the same tables with frames per second in place of the
 * counters.
 */
#ifndef CLI_RATE_H
#define CLI_RATE_H

#include <stdio.h>

#include <jansson.h>

#include "cli_req.h"

/*
 * The status b taken dt seconds after a, with each counter replaced by
 * its rate per second (rounded; 0 for a counter that went back, reset)
 * and the workers' cycles by what they did between the two, so that the
 * tables of cli_show_status() show rates and the load over the interval.
 * Objects of arrays are matched by their "port", "name", "core", "id" or
 * "lcore". Returns a new object, or NULL (out of memory).
 */
json_t *cli_rate_status(const json_t *a, const json_t *b, double dt);

/*
 * GET the status of req twice, interval seconds apart, from server; print
 * the second reading and its rates (as JSON {"status": ..., "rates": ...,
 * "seconds": ...} with json). Returns 0 or -errno with err set.
 */
int cli_rate_show(FILE *out, const char *server, const struct cli_req *req,
		  const struct cli_target *t, double interval, int json,
		  char *err, size_t errlen);

#endif /* CLI_RATE_H */
