/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The process around the primary's node: its command handlers (the
 * forwarder's commands, pipes, clear, launch), its status document, and
 * main() of spp_primary.
 */
#ifndef SPP_PRI_APP_H
#define SPP_PRI_APP_H

#include <jansson.h>

#include "spp_app.h"
#include "spp_fwd.h"
#include "spp_node.h"

/* The primary: what it owns for the node, and its forwarder. */
struct spp_pri_app {
	struct spp_node node;
	struct spp_fwd fwd; /* app->ctx of the primary's struct spp_app */
};

/*
 * The primary's handlers; app->ctx is the fwd of a struct spp_pri_app.
 * "add pipe:N ring:A ring:B" adds a pipe, "del pipe:N" deletes one that
 * is not a port of the forwarder; the forwarder's other commands are
 * refused when the primary has no forwarder (one lcore).
 */
extern const spp_app_handler_fn spp_pri_app_handlers[SPP_CMD_MAX];

/*
 * What the primary adds to the status head: "forwarder" (when it has one),
 * "phy_ports", "ring_ports", "pipes", "mbuf_pool".
 */
void spp_pri_app_status(const struct spp_app *app, json_t *st);

/* main() of spp_primary: 0 on a clean exit, 1 on an error. */
int spp_pri_app_main(int argc, char **argv);

#endif /* SPP_PRI_APP_H */
