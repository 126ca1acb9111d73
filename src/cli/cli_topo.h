/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * "topo": the topology of a node (processes, ports, patches, components,
 * VMs on vhost ports) as a graphviz dot graph, rendered to SVG or PNG by
 * graphviz's dot when it is installed.
 */
#ifndef CLI_TOPO_H
#define CLI_TOPO_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

/* The dot text of a snapshot (cli_shell_snapshot()). No network. */
void cli_topo_dot(const json_t *snap, FILE *out);

/*
 * Whether file names an output topo writes (FILE.dot, FILE.svg, FILE.png;
 * NULL: standard output). Returns 0 or -EINVAL with why in err.
 */
int cli_topo_check(const char *file, char *err, size_t errlen);

/*
 * Write the graph of a snapshot (cli_shell_snapshot()): to out when file
 * is NULL, else to FILE.dot, or render FILE.svg / FILE.png with dot (then
 * say so on out). Returns 0 or -errno with what went wrong in err.
 */
int cli_topo(const json_t *snap, FILE *out, const char *file, char *err,
	     size_t errlen);

#endif /* CLI_TOPO_H */
