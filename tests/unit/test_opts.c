/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>

#include "spp_opts.h"
#include "unit.h"

#define ARGV(...) ((char *const[]){"prog", __VA_ARGS__, NULL})
#define ARGC(...) ((int)(sizeof(ARGV(__VA_ARGS__)) / sizeof(char *)) - 1)
#define PARSE(kind, ...)                                                       \
	spp_opts_parse(kind, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), &o, err,    \
		       sizeof(err))

int
main(void)
{
	struct spp_opts o;
	char err[200];
	int ret;

	ret = PARSE(SPP_PROC_PRIMARY, "-p", "0x3", "-n", "10", "-s",
		    "127.0.0.1:5555");
	CHECK(ret == 0 && o.portmask == 3 && o.nb_rings == 10 &&
		      strcmp(o.ctl_host, "127.0.0.1") == 0 &&
		      o.ctl_port == 5555 && !o.busy_poll,
	      "primary options");
	CHECK(strcmp(o.pool_name, "spp_mbuf_pool") == 0, "default pool name");
	CHECK(o.ring_size == 1024, "default ring size");
	ret = PARSE(SPP_PROC_PRIMARY, "-p", "0", "-n", "2", "-s", "h:1",
		    "--ring-size", "8192");
	CHECK(ret == 0 && o.ring_size == 8192, "--ring-size");
	ret = PARSE(SPP_PROC_PRIMARY, "-p", "0", "-n", "2", "-s", "h:1",
		    "--ring-size", "1000");
	CHECK(ret == -EINVAL && strstr(err, "--ring-size: invalid size '1000' "
					    "(a power of 2 from 64 to 65536)"),
	      "%s", err);
	ret = PARSE(SPP_PROC_PRIMARY, "-p", "0", "-n", "2", "-s", "h:1",
		    "--ring-size", "131072");
	CHECK(ret == -EINVAL && strstr(err, "invalid size '131072'"), "%s",
	      err);
	ret = PARSE(SPP_PROC_PRIMARY, "-p", "0", "-n", "2", "-s", "h:1",
		    "--ring-size", "32");
	CHECK(ret == -EINVAL && strstr(err, "invalid size '32'"), "%s", err);
	ret = PARSE(SPP_PROC_NFV, "-n", "1", "-s", "h:1", "--ring-size", "64");
	CHECK(ret == -EINVAL && strstr(err, "unknown option '--ring-size'"),
	      "%s", err);
	ret = PARSE(SPP_PROC_PRIMARY, "-p", "0", "-n", "1", "-s", "h:1",
		    "--pool-name", "mb_pool_0");
	CHECK(ret == 0 && strcmp(o.pool_name, "mb_pool_0") == 0, "--pool-name");
	CHECK(strcmp(o.pool_ops, "lf_stack") == 0, "the pool is a lf_stack");
	ret = PARSE(SPP_PROC_PRIMARY, "-p", "0", "-n", "1", "-s", "h:1",
		    "--pool-name", "a_name_that_is_much_too_long");
	CHECK(ret == -EINVAL && strstr(err, "1-25 characters"), "%s", err);
	ret = PARSE(SPP_PROC_PRIMARY, "-p", "0", "-n", "1", "-s", "h:1",
		    "--pool-ops", "ring_mp_mc");
	CHECK(ret == 0 && strcmp(o.pool_ops, "ring_mp_mc") == 0,
	      "--pool-ops ring_mp_mc");
	ret = PARSE(SPP_PROC_PRIMARY, "-p", "0", "-n", "1", "-s", "h:1",
		    "--pool-ops", "bucket");
	CHECK(ret == -EINVAL && strstr(err, "unknown 'bucket'"), "%s", err);
	ret = PARSE(SPP_PROC_NFV, "-n", "1", "-s", "h:1", "--pool-name", "x");
	CHECK(ret == -EINVAL && strstr(err, "unknown option '--pool-name'"),
	      "%s", err);
	ret = PARSE(SPP_PROC_PRIMARY, "-p", "0x0", "-n", "0", "-s", "h:1",
		    "--port-num", "1", "rxq", "2", "txq", "4", "--busy-poll",
		    "--log-dir", "/var/log/spp");
	CHECK(ret == 0 && o.nb_port_num == 1 && o.port_num[0].port == 1 &&
		      o.port_num[0].rxq == 2 && o.port_num[0].txq == 4 &&
		      o.busy_poll && strcmp(o.log_dir, "/var/log/spp") == 0,
	      "primary --port-num, --busy-poll, --log-dir");
	CHECK(spp_opts_port_num(&o, 1) == &o.port_num[0] &&
		      spp_opts_port_num(&o, 0) == NULL,
	      "the --port-num of phy:1, none for phy:0");
	CHECK(spp_opts_check_port_num(&o, 2, err, sizeof(err)) == 0,
	      "--port-num 1 with 2 phy ports");
	ret = spp_opts_check_port_num(&o, 1, err, sizeof(err));
	CHECK(ret == -EINVAL && strstr(err, "--port-num 1: there is no phy:1 "
					    "(1 phy port(s))"),
	      "%s", err);
	ret = PARSE(SPP_PROC_NFV, "-n", "3", "-s", "127.0.0.1:6666",
		    "--vhost-client");
	CHECK(ret == 0 && o.client_id == 3 && o.vhost_client, "nfv options");
	CHECK(PARSE(SPP_PROC_NFV, "-h") == 1, "-h asks for usage");
	ret = PARSE(SPP_PROC_VF, "--client-id", "4", "-s", "h:1",
		    "--vhost-client");
	CHECK(ret == 0 && o.client_id == 4 && o.vhost_client, "vf options");
	ret = PARSE(SPP_PROC_VF, "-n", "4", "-s", "h:1");
	CHECK(ret == -EINVAL && strstr(err, "--client-id"), "%s", err);
	ret = PARSE(SPP_PROC_MIRROR, "-s", "h:1");
	CHECK(ret == -EINVAL && strstr(err, "missing option --client-id"), "%s",
	      err);

	/* spp_pcap */
	ret = PARSE(SPP_PROC_PCAP, "--client-id", "5", "-s", "h:1", "-c",
		    "phy:0");
	CHECK(ret == 0 && o.capture.type == SPP_RES_PHY &&
		      o.pass_to.type == SPP_RES_NONE &&
		      strcmp(o.out_dir, "/tmp") == 0 && o.fsize == 1ULL << 30,
	      "pcap defaults: /tmp, 1 GiB, no pass-to");
	ret = PARSE(SPP_PROC_PCAP, "--client-id", "5", "-s", "h:1", "-c",
		    "ring:3", "--out-dir", "/var/cap", "--fsize", "10000",
		    "--pass-to", "ring:4");
	CHECK(ret == 0 && o.capture.type == SPP_RES_RING && o.capture.id == 3 &&
		      o.pass_to.id == 4 && strcmp(o.out_dir, "/var/cap") == 0 &&
		      o.fsize == 10000,
	      "pcap -c, --out-dir, --fsize, --pass-to");
	ret = PARSE(SPP_PROC_PCAP, "--client-id", "5", "-s", "h:1");
	CHECK(ret == -EINVAL && strstr(err, "missing option -c RES"), "%s",
	      err);
	ret = PARSE(SPP_PROC_PCAP, "--client-id", "5", "-s", "h:1", "-c",
		    "vhost:1");
	CHECK(ret == -EINVAL && strstr(err, "not a phy or ring port"), "%s",
	      err);
	ret = PARSE(SPP_PROC_PCAP, "--client-id", "5", "-s", "h:1", "-c",
		    "ring:1", "--fsize", "100");
	CHECK(ret == -EINVAL && strstr(err, "--fsize: invalid size '100'"),
	      "%s", err);
	ret = PARSE(SPP_PROC_PCAP, "--client-id", "5", "-s", "h:1", "-c",
		    "ring:1", "--pass-to", "ring:1");
	CHECK(ret == -EINVAL && strstr(err, "the captured port itself"), "%s",
	      err);
	ret = PARSE(SPP_PROC_VF, "--client-id", "5", "-s", "h:1", "-c",
		    "ring:1");
	CHECK(ret == -EINVAL && strstr(err, "unknown option '-c'"), "%s", err);

	ret = PARSE(SPP_PROC_PRIMARY, "-n", "1", "-s", "h:1");
	CHECK(ret == -EINVAL && strstr(err, "missing option -p"), "%s", err);
	ret = PARSE(SPP_PROC_PRIMARY, "-p", "zz", "-n", "1", "-s", "h:1");
	CHECK(ret == -EINVAL && strstr(err, "invalid port mask 'zz'"), "%s",
	      err);
	ret = PARSE(SPP_PROC_PRIMARY, "-p", "1", "-n", "1", "-s", "h:1",
		    "--port-num", "0", "rxq", "0", "txq", "1");
	CHECK(ret == -EINVAL && strstr(err, "invalid queue count '0'"), "%s",
	      err);
	ret = PARSE(SPP_PROC_PRIMARY, "-p", "1", "-n", "1", "-s", "h:1",
		    "--port-num", "0", "rx", "1", "txq", "1");
	CHECK(ret == -EINVAL && strstr(err, "expected 'rxq'"), "%s", err);
	ret = PARSE(SPP_PROC_PRIMARY, "-p", "1", "-n", "1", "-s", "h:1",
		    "--port-num", "0");
	CHECK(ret == -EINVAL && strstr(err, "needs P rxq R txq T"), "%s", err);
	ret = PARSE(SPP_PROC_NFV, "-n", "0", "-s", "h:1");
	CHECK(ret == -EINVAL && strstr(err, "invalid client id '0'"), "%s",
	      err);
	ret = PARSE(SPP_PROC_NFV, "-n", "1", "-s", "nohost");
	CHECK(ret == -EINVAL && strstr(err, "invalid address 'nohost'"), "%s",
	      err);
	ret = PARSE(SPP_PROC_NFV, "-n", "1", "-s", "h:70000");
	CHECK(ret == -EINVAL && strstr(err, "invalid address"), "%s", err);
	ret = PARSE(SPP_PROC_NFV, "-n", "1");
	CHECK(ret == -EINVAL && strstr(err, "missing option -s"), "%s", err);
	ret = PARSE(SPP_PROC_NFV, "-n", "1", "-s", "h:1", "-p", "0x1");
	CHECK(ret == -EINVAL && strstr(err, "unknown option '-p'"), "%s", err);
	ret = PARSE(SPP_PROC_NFV, "-s", "h:1", "-n");
	CHECK(ret == -EINVAL && strstr(err, "needs a value"), "%s", err);
	return unit_done();
}
