/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>

#include "spp_msg.h"
#include "unit.h"

static int
dumps_is(json_t *j, const char *expect)
{
	char *s = json_dumps(j, JSON_COMPACT);
	int same = s != NULL && strcmp(s, expect) == 0;

	if (!same)
		printf("# got %s\n# expected %s\n", s, expect);
	free(s);
	json_decref(j);
	return same;
}

int
main(void)
{
	json_t *lc = json_pack("[i,i]", 1, 2);

	CHECK(dumps_is(spp_msg_hello(SPP_PROC_NFV, 3, 42, 1, lc),
		       "{\"hello\":1,\"type\":\"nfv\",\"pid\":42,"
		       "\"master-lcore\":1,\"lcores\":[1,2],\"client-id\":3}"),
	      "hello of a secondary has its client-id");
	CHECK(dumps_is(spp_msg_hello(SPP_PROC_PRIMARY, 0, 7, 0,
				     json_pack("[i]", 0)),
		       "{\"hello\":1,\"type\":\"primary\",\"pid\":7,"
		       "\"master-lcore\":0,\"lcores\":[0]}"),
	      "hello of the primary has no client-id");
	CHECK(dumps_is(spp_msg_ok(NULL), "{\"result\":\"ok\"}"), "ok, no data");
	CHECK(dumps_is(spp_msg_ok(json_pack("{s:s}", "status", "idling")),
		       "{\"result\":\"ok\",\"data\":{\"status\":\"idling\"}}"),
	      "ok with data");
	CHECK(dumps_is(spp_msg_error(-ENOENT, "ring:9 is not added"),
		       "{\"result\":\"error\",\"code\":404,\"message\":"
		       "\"ring:9 is not added\"}"),
	      "error of something missing is 404");
	CHECK(spp_msg_errno_code(-EEXIST) == 409, "EEXIST is a conflict");
	CHECK(spp_msg_errno_code(-EBUSY) == 409, "EBUSY is a conflict");
	CHECK(spp_msg_errno_code(-EINVAL) == 400, "EINVAL is a bad request");
	CHECK(spp_msg_errno_code(-EIO) == 400, "a refused command is 400");
	CHECK(spp_msg_errno_code(-ENOMEM) == 500, "ENOMEM is our fault");
	return unit_done();
}
