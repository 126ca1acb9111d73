/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The primary's "launch": start a secondary (spp_nfv, spp_vf, ...) from the
 * directory of the running binary, in a session of its own, its output in
 * a log file per process, as a secondary of this node.
 */
#ifndef SPP_LAUNCH_H
#define SPP_LAUNCH_H

#include <stddef.h>

#include "spp_cmd.h"

/* the words spp_launch_argv() adds to those of the command, and NULL */
#define SPP_LAUNCH_MAX_ARGS (SPP_CMD_MAX_ARGS + 8)

/*
 * The argv of the secondary of a launch command: its binary name, the EAL
 * options given, --proc-type=secondary and prefix_opt
 * ("--file-prefix=NAME") unless the options name them, "--", the
 * application options, NULL. argv has room for SPP_LAUNCH_MAX_ARGS
 * pointers (into cmd and prefix_opt); returns argc.
 */
int spp_launch_argv(const struct spp_cmd *cmd, const char *prefix_opt,
		    char **argv);

/*
 * Start the secondary of a launch command (cmd->proc_name next to this
 * binary), its output appended to LOG_DIR/BINARY-ID.log, LOG_DIR made if
 * needed; the node's file prefix is this process's. Returns 0 once it is
 * started, or -errno with err saying what went wrong.
 */
int spp_launch(const struct spp_cmd *cmd, const char *log_dir, char *err,
	       size_t errlen);

#endif /* SPP_LAUNCH_H */
