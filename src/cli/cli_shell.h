/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The commands of the spp CLI: the original's syntax ("status",
 * "nfv 1; patch phy:0 ring:0", "server", "record", "playback", "bye", ...),
 * each ending in a REST request to the current spp-ctl node. The line
 * editor (cli_main.c) and the one-shot mode only feed lines in.
 */
#ifndef CLI_SHELL_H
#define CLI_SHELL_H

#include <limits.h>
#include <stdio.h>

#include <jansson.h>

#include "cli_req.h"

#define CLI_SHELL_MAX_SERVERS 16
#define CLI_SHELL_ADDR_LEN 128

struct cli_shell {
	char servers[CLI_SHELL_MAX_SERVERS][CLI_SHELL_ADDR_LEN]; /* IP:PORT */
	int nservers;
	int cur;  /* index of the current server */
	int json; /* status answers as JSON instead of tables */
	char prompt[64];
	FILE *out;    /* answers */
	FILE *errs;   /* errors */
	FILE *record; /* open while recording */
	char record_path[PATH_MAX];
	unsigned int nrecorded;
	char **hist; /* every line entered, for "history" */
	int nhist;
	int quit;	 /* set by exit and bye */
	int depth;	 /* of nested playback */
	int launch_wait; /* seconds a launch waits for the process */
};

/* Defaults: prompt "spp > ", no server yet, output to stdout/stderr. */
void cli_shell_init(struct cli_shell *sh);
void cli_shell_fini(struct cli_shell *sh);

/*
 * Add a spp-ctl node "IP[:PORT]" (port 7777 by default). Returns its
 * index, or -EINVAL / -EEXIST / -ENOSPC with the reason in err.
 */
int cli_shell_add_server(struct cli_shell *sh, const char *addr, char *err,
			 size_t errlen);

/* "IP:PORT" of the current node. */
const char *cli_shell_server(const struct cli_shell *sh);

/*
 * Run one line; an error is printed to sh->errs. Returns 0, or -errno when
 * the command failed (could not be parsed, or spp-ctl or the process
 * refused it).
 */
int cli_shell_run(struct cli_shell *sh, const char *line);

/* Add a line to the history "history" shows (lines of earlier sessions). */
void cli_shell_remember(struct cli_shell *sh, const char *line);

/* Read a config file of "key: value" lines (the original's config.yml form
 * "key: {val: V, desc: ...}" too). Returns 0 or -errno with err set.
 */
int cli_shell_load_config(struct cli_shell *sh, const char *path, char *err,
			  size_t errlen);

/* Wait until the current node's primary is connected; 0 or -ETIMEDOUT. */
int cli_shell_wait_primary(struct cli_shell *sh, int seconds);

/*
 * GET a path of the current node. Returns the JSON or NULL (with err set).
 * For completion and topo.
 */
json_t *cli_shell_get(struct cli_shell *sh, const char *path, char *err,
		      size_t errlen);

/* Names of the top-level commands, NULL-terminated (completion, help). */
extern const char *const cli_shell_commands[];

/* The status of every process of the current node:
 * {"processes": [...], "primary": {...}, "nfv 1": {...}, ...}.
 * NULL with err set when spp-ctl cannot be reached.
 */
json_t *cli_shell_snapshot(struct cli_shell *sh, char *err, size_t errlen);

#endif /* CLI_SHELL_H */
