/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * spp_primary: owns the shared resources (mbuf pool, rings, the shared area
 * with the phy port table and counters, the phy ports and pipes), starts
 * secondaries on request, and with two lcores or more forwards like spp_nfv.
 *   spp_primary [EAL options] -- -p PORTMASK -n NUM_RINGS -s IP:PORT
 *               [--port-num P rxq R txq T]... [--log-dir DIR] [--busy-poll]
 */
#include "spp_pri_app.h"

int
main(int argc, char **argv)
{
	return spp_pri_app_main(argc, argv);
}
