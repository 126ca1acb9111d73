/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The live web view of spp-ctl (docs/ui.md): a page at / and /ui/ that
 * shows the node's topology, laid out by graphviz, with the rates of its
 * links, refreshed from GET /ui/topology.
 */
#ifndef CTL_UI_H
#define CTL_UI_H

#include "ctl_rest.h"

/* GET / and /ui/...: the page and its files. */
void ctl_ui_file(struct ctl_call *call);
/*
 * GET /ui/topology: {"svg": the graph, "details": {id: {"title": T,
 * "rows": [[name, value, rate], ...]}}, "rates_over": seconds, ...}.
 */
void ctl_ui_topology(struct ctl_call *call);

#endif /* CTL_UI_H */
