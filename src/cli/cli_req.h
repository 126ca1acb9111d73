/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The CLI's process commands ("nfv 1; patch phy:0 ring:0") turned into the
 * REST request of spp-ctl that does the same. The command itself is parsed
 * by the one command table (spp_cmd); this module only maps. No network.
 */
#ifndef CLI_REQ_H
#define CLI_REQ_H

#include <stddef.h>

#include <jansson.h>

#include "spp_cmd.h"

/* How the JSON of a successful answer is shown. */
enum cli_req_show {
	CLI_SHOW_NONE = 0,
	CLI_SHOW_PRIMARY,
	CLI_SHOW_NFV,
	CLI_SHOW_COMP, /* spp_vf, spp_mirror */
	CLI_SHOW_PCAP,
};

/* A process a command goes to: "pri", "nfv 1", "vf 2", ... */
struct cli_target {
	enum spp_proc_kind kind;
	unsigned int id; /* 0 for the primary */
};

struct cli_req {
	const char *method; /* "GET", "PUT", "POST", "DELETE" */
	char path[192];	    /* "/v1/nfvs/1/ports" */
	json_t *body;	    /* owned, NULL when none */
	enum cli_req_show show;
};

/*
 * Parse the target of "TARGET; COMMAND": "pri" (or "primary"), or a kind
 * ("nfv", "vf", "mirror", "pcap") and a client id. Returns 0 or -EINVAL
 * with what was expected in err.
 */
int cli_req_target(const char *text, struct cli_target *t, char *err,
		   size_t errlen);

/* "pri", "nfv 1", ... as the user writes it. */
void cli_req_target_name(const struct cli_target *t, char *buf, size_t len);

/* REST path of a process: "/v1/primary", "/v1/nfvs/1", ... */
void cli_req_base(const struct cli_target *t, char *buf, size_t len);

/* Where a process's status is: "/v1/primary/status", "/v1/nfvs/1", ... */
void cli_req_status_path(const struct cli_target *t, char *buf, size_t len);

/*
 * Build the request for one command of a process, in the original CLI's
 * syntax ("launch nfv 2 -l 1,2 -- -n 2 -s ..." for the primary). Returns 0,
 * or -EINVAL / -ENOTSUP with what was wrong or expected in err. On success
 * the request must be released with cli_req_clear().
 */
int cli_req_build(const struct cli_target *t, const char *line,
		  struct cli_req *req, char *err, size_t errlen);

void cli_req_clear(struct cli_req *req);

#endif /* CLI_REQ_H */
