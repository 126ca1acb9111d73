/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * "status --rate": two readings of a process's status, 1 s apart, shown
 * as the usual tables with each counter's rate next to it.
 */
#ifndef CLI_RATE_H
#define CLI_RATE_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "cli_req.h"

/*
 * The status b taken dt seconds after a, each counter replaced by its rate
 * per second (rounded; 0 for a counter that went back: reset) or, with
 * text, by the string "COUNTER (RATE/s)" that the tables print as it is;
 * the workers' cycles by what they did between the two readings, so that
 * the tables show the load over the interval. Objects of arrays are
 * matched by their "port", "name", "core", "id" or "lcore". Returns a new
 * object, or NULL (out of memory).
 */
json_t *cli_rate_status(const json_t *a, const json_t *b, double dt, bool text);

/*
 * GET the status of req twice, interval seconds apart, from server, and
 * print it with the rates (as JSON {"status": ..., "rates": ...,
 * "seconds": ...} with json). Returns 0 or -errno with err set.
 */
int cli_rate_show(FILE *out, const char *server, const struct cli_req *req,
		  const struct cli_target *t, double interval, int json,
		  char *err, size_t errlen);

#endif /* CLI_RATE_H */
