/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * spp_mirror: port mirroring (TAP-as-a-Service): mirror components send
 * each frame on to their tx 0 and a copy to their tx 1.
 *   spp_mirror [EAL options] -- --client-id ID -s IP:PORT [--vhost-client]
 *              [--busy-poll]
 */
#include "spp_comp_app.h"

int
main(int argc, char **argv)
{
	return spp_comp_app_main(SPP_PROC_MIRROR, argc, argv);
}
