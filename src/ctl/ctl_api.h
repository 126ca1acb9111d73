/* SPDX-License-Identifier: BSD-3-Clause */
/* The REST API v1 of spp-ctl: its routing table. */
#ifndef CTL_API_H
#define CTL_API_H

#include "ctl_rest.h"

/*
 * The routes of the API, for ctl_rest_start(). sysfs is where the CPU
 * topology is read ("/sys").
 */
const struct ctl_route *ctl_api_init(const char *sysfs);

#endif /* CTL_API_H */
