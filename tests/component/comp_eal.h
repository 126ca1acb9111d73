/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The EAL of a component test: one process, no hugepages, no PCI, no
 * shared files, errors only; lcores as --lcores takes them. comp_eal_done()
 * cleans up and removes the runtime directory the EAL leaves behind.
 */
#ifndef SPP_COMP_EAL_H
#define SPP_COMP_EAL_H

#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>

static inline int
comp_eal_init(const char *name, const char *lcores)
{
	char prefix[64];
	char *eal[] = {(char *)(uintptr_t)name,
		       "--no-huge",
		       "-m",
		       "128",
		       "--no-pci",
		       "--no-shconf",
		       "--no-telemetry",
		       "--lcores",
		       (char *)(uintptr_t)lcores,
		       "--log-level",
		       "error",
		       "--file-prefix",
		       prefix};

	snprintf(prefix, sizeof(prefix), "spp_%s", name);
	return rte_eal_init(RTE_DIM(eal), eal);
}

static inline void
comp_eal_done(void)
{
	char rundir[PATH_MAX];

	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	rmdir(rundir); /* the EAL leaves it, empty */
}

#endif /* SPP_COMP_EAL_H */
