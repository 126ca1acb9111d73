/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * spp_vf: SR-IOV-like networking in software: forward, merge and classifier
 * components on worker lcores, changed at run time without loss.
 *   spp_vf [EAL options] -- --client-id ID -s IP:PORT [--vhost-client]
 *          [--busy-poll]
 */
#include "spp_comp_app.h"

int
main(int argc, char **argv)
{
	return spp_comp_app_main(SPP_PROC_VF, argc, argv);
}
