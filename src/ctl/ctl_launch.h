/* SPDX-License-Identifier: BSD-3-Clause */
/* PUT /v1/primary/launch: the body checked and turned into a command. */
#ifndef CTL_LAUNCH_H
#define CTL_LAUNCH_H

#include "ctl_rest.h"

/*
 * "launch ID PROC_NAME EAL_ARGS... -- APP_ARGS..." for the body of call, to
 * be freed by the caller; or NULL having answered the call with what is
 * wrong (400, or 409 when the client id is in use).
 */
char *ctl_launch_line(struct ctl_call *call);

#endif /* CTL_LAUNCH_H */
