/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>

#include "spp_cmd.h"
#include "unit.h"

static int
parse(const char *line, enum spp_proc_kind kind, struct spp_cmd *cmd, char *err)
{
	int ret = spp_cmd_parse(line, kind, cmd, err, 200);

	return ret;
}

static void
check_bad(const char *line, enum spp_proc_kind kind, int expect_ret,
	  const char *expect)
{
	struct spp_cmd cmd;
	char err[200];
	int ret = parse(line, kind, &cmd, err);

	CHECK(ret == expect_ret && strstr(err, expect) != NULL,
	      "reject '%s': %s", line, err);
	spp_cmd_free(&cmd);
}

int
main(void)
{
	struct spp_cmd cmd;
	char err[200];
	int ret;

	ret = parse("status", SPP_PROC_NFV, &cmd, err);
	CHECK(ret == 0 && cmd.id == SPP_CMD_STATUS, "status");
	spp_cmd_free(&cmd);

	ret = parse("  patch  phy:0 ring:1\n", SPP_PROC_NFV, &cmd, err);
	CHECK(ret == 0 && cmd.id == SPP_CMD_PATCH && cmd.nres == 2 &&
		      cmd.res[0].type == SPP_RES_PHY &&
		      cmd.res[1].type == SPP_RES_RING && cmd.res[1].id == 1,
	      "patch with extra blanks");
	spp_cmd_free(&cmd);

	ret = parse("patch reset", SPP_PROC_PRIMARY, &cmd, err);
	CHECK(ret == 0 && cmd.id == SPP_CMD_PATCH_RESET, "patch reset");
	spp_cmd_free(&cmd);

	ret = parse("add pipe:0 ring:1 ring:2", SPP_PROC_PRIMARY, &cmd, err);
	CHECK(ret == 0 && cmd.id == SPP_CMD_ADD && cmd.nres == 3 &&
		      cmd.res[0].type == SPP_RES_PIPE && cmd.res[2].id == 2,
	      "add pipe");
	spp_cmd_free(&cmd);

	ret = parse("launch 2 spp_nfv -l 1,2 -m 512 -- -n 2 -s 127.0.0.1:6666",
		    SPP_PROC_PRIMARY, &cmd, err);
	CHECK(ret == 0 && cmd.id == SPP_CMD_LAUNCH && cmd.client_id == 2 &&
		      strcmp(cmd.proc_name, "spp_nfv") == 0 &&
		      cmd.eal_argc == 4 && cmd.eal_argv[4] == NULL &&
		      strcmp(cmd.eal_argv[3], "512") == 0 &&
		      cmd.app_argc == 4 &&
		      strcmp(cmd.app_argv[3], "127.0.0.1:6666") == 0 &&
		      cmd.app_argv[4] == NULL,
	      "launch splits EAL and app options");
	spp_cmd_free(&cmd);

	check_bad("", SPP_PROC_NFV, -EINVAL, "empty command");
	check_bad("frobnicate", SPP_PROC_NFV, -EINVAL,
		  "unknown command 'frobnicate'");
	check_bad("patch phy:0", SPP_PROC_NFV, -EINVAL, "usage: patch SRC DST");
	check_bad("patch phy:0 foo:1", SPP_PROC_NFV, -EINVAL,
		  "unknown port type 'foo'");
	check_bad("status now", SPP_PROC_NFV, -EINVAL, "takes no argument");
	check_bad("add", SPP_PROC_NFV, -EINVAL, "usage: add");
	ret = parse("add pipe:1", SPP_PROC_NFV, &cmd, err);
	CHECK(ret == 0 && cmd.nres == 1 && cmd.res[0].type == SPP_RES_PIPE,
	      "add an existing pipe as a port");
	spp_cmd_free(&cmd);
	check_bad("add pipe:1 ring:0 phy:1", SPP_PROC_PRIMARY, -EINVAL,
		  "two rings");
	check_bad("add ring:1 ring:0 ring:1", SPP_PROC_PRIMARY, -EINVAL,
		  "usage: add");
	check_bad("clear", SPP_PROC_NFV, -ENOTSUP, "not supported by nfv");
	check_bad("launch 1 spp_nfv -l 1", SPP_PROC_PRIMARY, -EINVAL, "'--'");
	check_bad("launch 0 spp_nfv -l 1 -- -n 1", SPP_PROC_PRIMARY, -EINVAL,
		  "invalid client id");
	check_bad("launch 1 bash -c x -- y", SPP_PROC_PRIMARY, -EINVAL,
		  "unknown process 'bash'");
	check_bad("launch 1 spp_primary -- y", SPP_PROC_PRIMARY, -EINVAL,
		  "unknown process");

	CHECK(spp_proc_kind_from_name("vf") == SPP_PROC_VF, "kind by name");
	CHECK(spp_proc_kind_from_binary("spp_pcap") == SPP_PROC_PCAP,
	      "kind by binary");
	return unit_done();
}
