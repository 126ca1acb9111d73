/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Status answers of spp-ctl printed for people: aligned tables of ports,
 * patches, components and counters. No network; the JSON comes in.
 */
#ifndef CLI_SHOW_H
#define CLI_SHOW_H

#include <stdio.h>

#include <jansson.h>

#include "cli_req.h"

/* The answer of a status request, as its kind is shown. */
void cli_show_status(FILE *out, enum cli_req_show show,
		     const struct cli_target *t, const json_t *st);

/* "status" of the CLI: the node's spp-ctl and its processes. */
void cli_show_processes(FILE *out, const char *server, const json_t *procs);

/* Any JSON, indented, for scripts (--json). */
void cli_show_json(FILE *out, const json_t *v);

#endif /* CLI_SHOW_H */
