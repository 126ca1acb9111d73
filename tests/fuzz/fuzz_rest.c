/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer: spp-ctl's REST layer behind the HTTP server: routing, the
 * path's ids, the body checks of every endpoint, launch, and the command
 * line check. The input is "METHOD PATH\nBODY". The process registry is
 * replaced by stubs: every process is connected and answers ok.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_api.h"
#include "ctl_proc.h"
#include "ctl_rest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_proc_storage[64];

struct ctl_proc *
ctl_proc_find(enum spp_proc_kind kind, unsigned int id, char *err,
	      size_t errlen)
{
	(void)kind;
	(void)id;
	(void)err;
	(void)errlen;
	return (struct ctl_proc *)fuzz_proc_storage;
}

void
ctl_proc_put(struct ctl_proc *p)
{
	(void)p;
}

const char *
ctl_proc_name(const struct ctl_proc *p)
{
	(void)p;
	return "nfv 1";
}

int
ctl_proc_id_in_use(unsigned int id, char *err, size_t errlen)
{
	(void)id;
	(void)err;
	(void)errlen;
	return 0;
}

int
ctl_proc_command(struct ctl_proc *p, const char *text, int forget,
		 json_t **reply, char *err, size_t errlen)
{
	(void)p;
	(void)forget;
	(void)err;
	(void)errlen;
	if (strlen(text) == 0)
		abort(); /* a handler sent an empty command line */
	*reply = json_pack("{s:s}", "result", "ok");
	return 0;
}

/* One command at a time, no other client: the record's fast path holds. */
uint64_t
ctl_proc_replies(struct ctl_proc *p)
{
	(void)p;
	return 0;
}

uint64_t
ctl_proc_my_last_reply(void)
{
	return 0;
}

json_t *
ctl_procs_list(void)
{
	return json_array();
}

/* No process for /metrics and the web view's status rounds. */
int
ctl_procs_get(struct ctl_proc ***list)
{
	*list = calloc(1, sizeof(**list));
	return *list == NULL ? -ENOMEM : 0;
}

enum spp_proc_kind
ctl_proc_kind(const struct ctl_proc *p)
{
	(void)p;
	return SPP_PROC_NFV;
}

unsigned int
ctl_proc_client_id(const struct ctl_proc *p)
{
	(void)p;
	return 1;
}

long long
ctl_proc_pid(const struct ctl_proc *p)
{
	(void)p;
	return 1;
}

double
ctl_proc_connected_at(const struct ctl_proc *p)
{
	(void)p;
	return 0;
}

json_t *
ctl_procs_cpu_usage(void)
{
	return json_array();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ctl_route *routes;
	struct ctl_call call = {.status = 500};
	char *in = malloc(size + 1), *nl, *sp, allow[64] = "";
	const char *body = "";
	size_t blen = 0;

	if (in == NULL)
		return 0;
	if (routes == NULL)
		routes = ctl_api_init("/nonexistent");
	memcpy(in, data, size);
	in[size] = '\0';
	nl = strchr(in, '\n');
	if (nl != NULL) {
		*nl = '\0';
		body = nl + 1;
		blen = size - (size_t)(body - in);
	}
	sp = strchr(in, ' ');
	if (sp != NULL) {
		*sp = '\0';
		ctl_rest_handle(routes, &call, in, sp + 1, body, blen, allow,
				sizeof(allow));
		if (call.status < 200 || call.status > 599)
			abort();
	}
	json_decref(call.body);
	json_decref(call.reply);
	free(call.text); /* a body that is not JSON (the web view's files) */
	free(in);
	return 0;
}
