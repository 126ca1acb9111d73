/* SPDX-License-Identifier: BSD-3-Clause */
#include "spp_msg.h"

#include <errno.h>

json_t *
spp_msg_hello(enum spp_proc_kind kind, unsigned int client_id, int pid,
	      unsigned int main_lcore, json_t *lcores)
{
	json_t *h =
		json_pack("{s:i,s:s,s:i,s:i,s:o}", "hello", 1, "type",
			  spp_proc_kind_name(kind), "pid", pid, "master-lcore",
			  (int)main_lcore, "lcores", lcores);

	if (h != NULL && kind != SPP_PROC_PRIMARY)
		json_object_set_new(h, "client-id", json_integer(client_id));
	return h;
}

json_t *
spp_msg_ok(json_t *data)
{
	json_t *r = json_pack("{s:s}", "result", "ok");

	if (data != NULL)
		json_object_set_new(r, "data", data);
	return r;
}

int
spp_msg_errno_code(int err)
{
	switch (err) {
	case -ENOENT:
		return 404;
	case -EEXIST:
	case -EBUSY:
		return 409;
	case -ENOMEM:
		return 500;
	default:
		return 400;
	}
}

json_t *
spp_msg_error(int err, const char *msg)
{
	return json_pack("{s:s,s:i,s:s}", "result", "error", "code",
			 spp_msg_errno_code(err), "message", msg);
}
