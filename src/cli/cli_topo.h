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

struct cli_shell;

/* The dot text of a snapshot (cli_shell_snapshot()). No network. */
void cli_topo_dot(const json_t *snap, FILE *out);

/*
 * Take a snapshot of the current node and write it: to sh->out when file
 * is NULL, else to FILE.dot, or render FILE.svg / FILE.png with dot.
 * Returns 0 or -errno with what went wrong in err.
 */
int cli_topo(struct cli_shell *sh, const char *file, char *err, size_t errlen);

#endif /* CLI_TOPO_H */
