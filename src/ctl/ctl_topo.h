/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Topology files: the whole configuration of a node as one YAML or JSON
 * document, exported (GET /v1/topology) and applied (PUT /v1/topology):
 *
 *   version: 1
 *   processes:
 *   - type: vf
 *     client-id: 2
 *     launch: {proc_name: spp_vf, client_id: 2, eal: {...}, app: {...}}
 *     commands:
 *     - component start fwd1 4 forward
 *     - port add ring:0 rx fwd1
 *
 * A process's "commands" are its configuration as spp-ctl records it
 * (ctl_state.h); "launch" is the body of the PUT /v1/primary/launch that
 * started it, when spp-ctl knows it.
 */
#ifndef CTL_TOPO_H
#define CTL_TOPO_H

#include "ctl_rest.h"

/* GET /v1/topology: JSON; with arg "yaml", YAML. */
void ctl_topo_get(struct ctl_call *call);

/*
 * PUT /v1/topology (body YAML or JSON): make the node match it and answer
 * {"changes":[{"process":"vf 2","command":"..."}],"failed":[...]}; with arg
 * "dry-run", only the plan. A document with an error changes nothing and
 * the answer (400) names its line.
 */
void ctl_topo_put(struct ctl_call *call);

#endif /* CTL_TOPO_H */
