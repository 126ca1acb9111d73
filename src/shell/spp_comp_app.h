/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The process around the components: spp_vf and spp_mirror are this with
 * their kind (the commands and the rules differ by kind in spp_cmd and
 * spp_comp, not here).
 */
#ifndef SPP_COMP_APP_H
#define SPP_COMP_APP_H

#include "spp_cmd.h"

/* main() of spp_vf / spp_mirror: 0 on a clean exit, 1 on an error. */
int spp_comp_app_main(enum spp_proc_kind kind, int argc, char **argv);

#endif /* SPP_COMP_APP_H */
