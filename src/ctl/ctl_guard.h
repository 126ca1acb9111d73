/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A deadline for each HTTP request as a whole. libmicrohttpd's connection
 * timeout counts idle time only, so a client sending one byte now and then
 * holds a connection (and its thread) for ever; 256 of them took the REST
 * API down. Here a watchdog shuts down the socket of a request that has
 * taken longer than its deadline, from the connection's start or the end of
 * its previous answer.
 */
#ifndef CTL_GUARD_H
#define CTL_GUARD_H

#include <microhttpd.h>

/* Start the watchdog: requests get request_ms. Returns 0 or -errno. */
int ctl_guard_start(int request_ms);
void ctl_guard_stop(void);

/* MHD_OPTION_NOTIFY_CONNECTION callback (cls unused). */
void ctl_guard_notify(void *cls, struct MHD_Connection *conn,
		      void **socket_context,
		      enum MHD_ConnectionNotificationCode code);

/* The answer to conn's request is queued: the next request starts now. */
void ctl_guard_answered(struct MHD_Connection *conn);

#endif /* CTL_GUARD_H */
