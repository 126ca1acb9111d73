/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>

#include "spp_res.h"
#include "unit.h"

static void
check_ok(const char *s, enum spp_res_type type, int id, int queue)
{
	struct spp_res r;
	char buf[SPP_RES_NAME_LEN];
	int ret = spp_res_parse(s, &r, NULL, 0);

	CHECK(ret == 0 && r.type == type && r.id == id && r.queue == queue,
	      "parse '%s'", s);
	spp_res_format(&r, buf, sizeof(buf));
	CHECK_STR(buf, s, "format back '%s'", s);
}

static void
check_bad(const char *s, const char *expect)
{
	struct spp_res r;
	char err[160] = "";
	int ret = spp_res_parse(s, &r, err, sizeof(err));

	CHECK(ret == -EINVAL && strstr(err, expect) != NULL, "reject '%s': %s",
	      s, err);
}

int
main(void)
{
	struct spp_res r = {SPP_RES_PHY, 3, 2};
	char buf[SPP_RES_NAME_LEN];

	check_ok("phy:0", SPP_RES_PHY, 0, -1);
	check_ok("ring:12", SPP_RES_RING, 12, -1);
	check_ok("vhost:1", SPP_RES_VHOST, 1, -1);
	check_ok("pcap:2", SPP_RES_PCAP, 2, -1);
	check_ok("nullpmd:1023", SPP_RES_NULLPMD, 1023, -1);
	check_ok("memif:0", SPP_RES_MEMIF, 0, -1);
	check_ok("tap:1", SPP_RES_TAP, 1, -1);
	check_ok("pipe:4", SPP_RES_PIPE, 4, -1);
	check_ok("phy:1nq3", SPP_RES_PHY, 1, 3);
	{
		struct spp_res r;
		char buf[SPP_RES_NAME_LEN];

		CHECK(spp_res_parse("phy:1 nq 3", &r, NULL, 0) == 0 &&
			      r.type == SPP_RES_PHY && r.id == 1 &&
			      r.queue == 3 &&
			      spp_res_format_human(&r, buf, sizeof(buf)) > 0 &&
			      strcmp(buf, "phy:1 nq 3") == 0,
		      "the human form 'phy:1 nq 3' parses and formats back");
	}

	check_bad("", "empty");
	check_bad("phy", "expected TYPE:N");
	check_bad("foo:1", "unknown port type 'foo'");
	check_bad("ring:", "invalid port number");
	check_bad("ring:-1", "invalid port number");
	check_bad("ring:01", "invalid port number");
	check_bad("ring:1024", "invalid port number");
	check_bad("ring:99999999999999999999", "invalid port number");
	check_bad("ring:1x", "trailing");
	check_bad("ring:1nq1", "trailing");
	check_bad("phy:1nq", "invalid queue");
	check_bad("phy:1nq128", "invalid queue");
	check_bad("phy:1nq1x", "invalid queue");
	check_bad("phy:1  nq 3", "trailing");
	check_bad("phy:1 nq 3 ", "invalid queue");
	check_bad("ring:1 nq 3", "trailing");
	check_bad("Phy:1", "unknown port type");

	spp_res_format_human(&r, buf, sizeof(buf));
	CHECK_STR(buf, "phy:3 nq 2", "human form of a queue");
	CHECK(spp_res_format(&r, buf, 4) == -ENOSPC, "format: short buffer");
	CHECK(spp_res_type_from_name("ring", 4) == SPP_RES_RING, "type name");
	CHECK(spp_res_type_name(SPP_RES_NONE) == NULL, "no name for NONE");
	return unit_done();
}
