/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * "export FILE" and "apply FILE [--dry-run]": topology files, written and
 * applied by spp-ctl (GET and PUT /v1/topology); the CLI only moves the
 * file and prints the answer.
 */
#ifndef CLI_FILE_H
#define CLI_FILE_H

#include <stddef.h>

struct cli_shell;

/*
 * Write the current node's topology to path: JSON when it ends in
 * ".json", else YAML. Returns 0 or -errno with what went wrong in err.
 */
int cli_file_export(struct cli_shell *sh, const char *path, char *err,
		    size_t errlen);

/*
 * Make the current node match the topology file path (only print the plan
 * when dry) and print what changed. Returns 0, or -errno with what went
 * wrong in err (-EIO when some commands failed; they are printed).
 */
int cli_file_apply(struct cli_shell *sh, const char *path, int dry, char *err,
		   size_t errlen);

#endif /* CLI_FILE_H */
