/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The JSON messages a process sends to spp-ctl (docs/protocol.md): the
 * hello and the replies to commands. Pure C with jansson, no EAL.
 */
#ifndef SPP_MSG_H
#define SPP_MSG_H

#include <jansson.h>

#include "spp_cmd.h"

/*
 * {"hello":1,"type":KIND,"pid":PID,"master-lcore":M,"lcores":[...]}, plus
 * "client-id" for a secondary. Takes the reference to lcores.
 */
json_t *spp_msg_hello(enum spp_proc_kind kind, unsigned int client_id, int pid,
		      unsigned int main_lcore, json_t *lcores);

/* {"result":"ok"} or {"result":"ok","data":DATA}; takes data (may be NULL). */
json_t *spp_msg_ok(json_t *data);

/*
 * {"result":"error","code":HTTP,"message":MSG} for a command that failed
 * with -errno err: -ENOENT is 404, -EEXIST and -EBUSY 409, -ENOMEM 500,
 * anything else 400.
 */
json_t *spp_msg_error(int err, const char *msg);

/* The HTTP status of an -errno, as above. */
int spp_msg_errno_code(int err);

#endif /* SPP_MSG_H */
