/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The CLI without a network: every command of the original's syntax to its
 * REST request (method, path, body), the errors of lines that can't be
 * parsed, the status tables and the topology graph.
 */
#include <errno.h>
#include <stdlib.h>

#include "cli_req.h"
#include "cli_show.h"
#include "cli_topo.h"
#include "unit.h"

struct req_case {
	const char *target;
	const char *line;
	const char *method;
	const char *path;
	const char *body; /* JSON, NULL for none */
};

static const struct req_case req_cases[] = {
	{"pri", "status", "GET", "/v1/primary/status", NULL},
	{"pri", "clear", "DELETE", "/v1/primary/status", NULL},
	{"pri", "exit", "DELETE", "/v1/primary", NULL},
	{"pri", "add ring:0", "PUT", "/v1/primary/ports",
	 "{\"action\":\"add\",\"port\":\"ring:0\"}"},
	{"pri", "add pipe:1 ring:2 ring:3", "PUT", "/v1/primary/ports",
	 "{\"action\":\"add\",\"port\":\"pipe:1\",\"rx\":\"ring:2\","
	 "\"tx\":\"ring:3\"}"},
	{"pri", "patch phy:0 ring:0", "PUT", "/v1/primary/patches",
	 "{\"src\":\"phy:0\",\"dst\":\"ring:0\"}"},
	{"pri", "patch reset", "DELETE", "/v1/primary/patches", NULL},
	{"pri", "forward", "PUT", "/v1/primary/forward",
	 "{\"action\":\"start\"}"},
	{"pri", "stop", "PUT", "/v1/primary/forward", "{\"action\":\"stop\"}"},
	{"pri", "launch nfv 2 -l 1,2 -m 512 -- -n 2 -s 127.0.0.1:6666", "PUT",
	 "/v1/primary/launch",
	 "{\"proc_name\":\"spp_nfv\",\"client_id\":2,"
	 "\"eal\":{\"-l\":\"1,2\",\"-m\":\"512\"},"
	 "\"app\":{\"-n\":\"2\",\"-s\":\"127.0.0.1:6666\"}}"},
	{"pri",
	 "launch vf 3 --lcores 3@0,4@1 --vdev net_tap0 --vdev net_tap1 "
	 "--no-pci --file-prefix=spp -- --client-id 3 -s 127.0.0.1:6666 "
	 "--vhost-client",
	 "PUT", "/v1/primary/launch",
	 "{\"proc_name\":\"spp_vf\",\"client_id\":3,"
	 "\"eal\":{\"--lcores\":\"3@0,4@1\",\"--vdev\":[\"net_tap0\","
	 "\"net_tap1\"],\"--no-pci\":null,\"--file-prefix\":\"spp\"},"
	 "\"app\":{\"--client-id\":\"3\",\"-s\":\"127.0.0.1:6666\","
	 "\"--vhost-client\":null}}"},
	{"nfv 1", "status", "GET", "/v1/nfvs/1", NULL},
	{"nfv 1", "add vhost:0", "PUT", "/v1/nfvs/1/ports",
	 "{\"action\":\"add\",\"port\":\"vhost:0\"}"},
	{"nfv 1", "del vhost:0", "PUT", "/v1/nfvs/1/ports",
	 "{\"action\":\"del\",\"port\":\"vhost:0\"}"},
	{"nfv 1", "patch phy:0 nq 1 ring:0", "PUT", "/v1/nfvs/1/patches",
	 "{\"src\":\"phy:0nq1\",\"dst\":\"ring:0\"}"},
	{"nfv 1", "patch ring:0 ring:1 2", "PUT", "/v1/nfvs/1/patches",
	 "{\"src\":\"ring:0\",\"dst\":\"ring:1\",\"lcore\":2}"},
	{"nfv 1", "forward", "PUT", "/v1/nfvs/1/forward",
	 "{\"action\":\"start\"}"},
	{"nfv 12", "exit", "DELETE", "/v1/nfvs/12", NULL},
	{"vf 1", "status", "GET", "/v1/vfs/1", NULL},
	{"vf 1", "component start fwd1 2 forward", "POST",
	 "/v1/vfs/1/components",
	 "{\"name\":\"fwd1\",\"core\":2,\"type\":\"forward\"}"},
	{"vf 1", "component start cls1 3 classifier_mac", "POST",
	 "/v1/vfs/1/components",
	 "{\"name\":\"cls1\",\"core\":3,\"type\":\"classifier\"}"},
	{"vf 1", "component stop fwd1", "DELETE", "/v1/vfs/1/components/fwd1",
	 NULL},
	{"vf 1", "port add phy:0 rx cls1", "PUT",
	 "/v1/vfs/1/components/cls1/ports",
	 "{\"action\":\"attach\",\"port\":\"phy:0\",\"dir\":\"rx\"}"},
	{"vf 1", "port add ring:0 tx fwd1 add_vlantag 101 3", "PUT",
	 "/v1/vfs/1/components/fwd1/ports",
	 "{\"action\":\"attach\",\"port\":\"ring:0\",\"dir\":\"tx\","
	 "\"vlan\":{\"operation\":\"add\",\"id\":101,\"pcp\":3}}"},
	{"vf 1", "port add ring:1 rx fwd2 del_vlantag", "PUT",
	 "/v1/vfs/1/components/fwd2/ports",
	 "{\"action\":\"attach\",\"port\":\"ring:1\",\"dir\":\"rx\","
	 "\"vlan\":{\"operation\":\"del\"}}"},
	{"vf 1", "port del ring:0 tx fwd1", "PUT",
	 "/v1/vfs/1/components/fwd1/ports",
	 "{\"action\":\"detach\",\"port\":\"ring:0\",\"dir\":\"tx\"}"},
	{"vf 1", "classifier_table add vlan 101 52:54:00:01:00:01 ring:0",
	 "PUT", "/v1/vfs/1/classifier_table",
	 "{\"action\":\"add\",\"type\":\"vlan\",\"vlan\":101,"
	 "\"mac_address\":\"52:54:00:01:00:01\",\"port\":\"ring:0\"}"},
	{"vf 1", "classifier_table del mac default ring:2", "PUT",
	 "/v1/vfs/1/classifier_table",
	 "{\"action\":\"del\",\"type\":\"mac\","
	 "\"mac_address\":\"default\",\"port\":\"ring:2\"}"},
	{"mirror 2", "component start mr1 3 mirror", "POST",
	 "/v1/mirrors/2/components",
	 "{\"name\":\"mr1\",\"core\":3,\"type\":\"mirror\"}"},
	{"mirror 2", "component start mr2 3 mirror shallow", "POST",
	 "/v1/mirrors/2/components",
	 "{\"name\":\"mr2\",\"core\":3,\"type\":\"mirror\","
	 "\"copy\":\"shallow\"}"},
	{"mirror 2", "port add ring:1 tx mr1", "PUT",
	 "/v1/mirrors/2/components/mr1/ports",
	 "{\"action\":\"attach\",\"port\":\"ring:1\",\"dir\":\"tx\"}"},
	{"pcap 1", "start", "PUT", "/v1/pcaps/1/capture",
	 "{\"action\":\"start\"}"},
	{"pcap 1", "stop", "PUT", "/v1/pcaps/1/capture",
	 "{\"action\":\"stop\"}"},
	{"pcap 1", "status", "GET", "/v1/pcaps/1", NULL},
	{"pcap 1", "exit", "DELETE", "/v1/pcaps/1", NULL},
};

struct bad_case {
	const char *target;
	const char *line;
	const char *err; /* a part of the message */
};

static const struct bad_case bad_cases[] = {
	{"nfv 1", "patch ring:0", "usage: patch SRC DST"},
	{"nfv 1", "bogus", "unknown command 'bogus'"},
	{"nfv 1", "add ring:x", "ring:x"},
	{"nfv 1", "component start a 2 forward", "not supported by nfv"},
	{"vf 1", "component start a 2 mirror", "not supported by vf"},
	{"vf 1", "port add ring:0 up fwd1", "expected rx or tx"},
	{"vf 1", "port add ring:0 tx fwd1 add_vlantag 101 9", "PCP"},
	{"mirror 1", "port add ring:0 tx m add_vlantag 1 1", "mirror"},
	{"pcap 1", "forward", "not supported by pcap"},
	{"pri", "launch nfv", "usage: launch nfv ID"},
	{"pri", "launch dog 2 -l 1 -- -n 2", "unknown process type 'dog'"},
	{"pri", "launch nfv 2 -l 1,2 -n 2", "'--'"},
	{"pri", "launch nfv 2 -l 1 junk -- -n 2", "expected an EAL option"},
	{"nfv 1", "launch nfv 2 -l 1 -- -n 2", "not supported by nfv"},
};

static const struct {
	const char *text;
	int ok;
	const char *err;
} target_cases[] = {
	{"pri", 1, NULL},
	{" nfv 3 ", 1, NULL},
	{"mirror 1023", 1, NULL},
	{"nfv", 0, "needs a client id"},
	{"nfv 0", 0, "1-1023"},
	{"vf 1024", 0, "1-1023"},
	{"pri 1", 0, "takes no id"},
	{"dog 1", 0, "unknown process 'dog'"},
	{"", 0, "expected pri"},
	{"nfv 1 2", 0, "expected ';'"},
};

static void
test_requests(void)
{
	struct cli_target t;
	struct cli_req req;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(req_cases) / sizeof(req_cases[0]); i++) {
		const struct req_case *c = &req_cases[i];
		json_t *want = c->body ? json_loads(c->body, 0, NULL) : NULL;
		int ret;

		err[0] = '\0';
		ret = cli_req_target(c->target, &t, err, sizeof(err));
		if (ret == 0)
			ret = cli_req_build(&t, c->line, &req, err,
					    sizeof(err));
		CHECK(ret == 0 && strcmp(req.method, c->method) == 0 &&
			      strcmp(req.path, c->path) == 0 &&
			      ((want == NULL && req.body == NULL) ||
			       json_equal(want, req.body)),
		      "%s; %s -> %s %s %s %s", c->target, c->line, c->method,
		      c->path, c->body ? c->body : "", err);
		if (ret == 0 && req.body != NULL && want != NULL &&
		    !json_equal(want, req.body)) {
			char *got = json_dumps(req.body, JSON_COMPACT);

			printf("# got %s\n", got);
			free(got);
		}
		if (ret == 0)
			cli_req_clear(&req);
		json_decref(want);
	}
}

static void
test_bad(void)
{
	struct cli_target t;
	struct cli_req req;
	char err[256];
	size_t i;
	int ret;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];

		err[0] = '\0';
		cli_req_target(c->target, &t, err, sizeof(err));
		ret = cli_req_build(&t, c->line, &req, err, sizeof(err));
		CHECK(ret < 0 && strstr(err, c->err) != NULL,
		      "%s; %s refused: %s", c->target, c->line, err);
		if (ret == 0)
			cli_req_clear(&req);
	}
	for (i = 0; i < sizeof(target_cases) / sizeof(target_cases[0]); i++) {
		err[0] = '\0';
		ret = cli_req_target(target_cases[i].text, &t, err,
				     sizeof(err));
		CHECK(target_cases[i].ok
			      ? ret == 0
			      : ret == -EINVAL &&
					strstr(err, target_cases[i].err) !=
						NULL,
		      "target '%s': %s", target_cases[i].text, err);
	}
}

/* Render with a printer into a string. */
static char *
render(enum cli_req_show show, const char *target, const char *json)
{
	struct cli_target t;
	json_t *st = json_loads(json, 0, NULL);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	cli_req_target(target, &t, NULL, 0);
	cli_show_status(f, show, &t, st);
	fclose(f);
	json_decref(st);
	return text;
}

static void
test_show(void)
{
	char *s;

	s = render(CLI_SHOW_NFV, "nfv 1",
		   "{\"client-id\":1,\"master-lcore\":1,\"lcores\":[1,2],"
		   "\"status\":\"running\",\"ports\":[\"ring:0\",\"vhost:12\"],"
		   "\"patches\":[{\"src\":\"ring:0\",\"dst\":\"vhost:12\"}],"
		   "\"port_stats\":[{\"port\":\"ring:0\",\"link\":\"up\","
		   "\"rx\":1234567,\"tx\":0,\"tx_drop\":0},{\"port\":"
		   "\"vhost:12\",\"link\":\"down\",\"rx\":0,\"tx\":1234567,"
		   "\"tx_drop\":5}],\"tsc_hz\":2000000000,\"workers\":[{"
		   "\"lcore\":2,\"busy_cycles\":3000000000,"
		   "\"idle_cycles\":1000000000}]}");
	printf("%s", s);
	CHECK(strstr(s, "nfv 1: running (master lcore 1, lcores 1,2)\n") !=
		      NULL,
	      "nfv head");
	CHECK(strstr(s, "  lcore 2: busy 75.0% of 2.0 s\n") != NULL,
	      "worker lcore's busy share and time");
	/* columns aligned: counters right-aligned under their header */
	CHECK(strstr(s,
		     "  PORT      LINK  PATCH             RX       TX  "
		     "TX_DROP\n"
		     "  ring:0    up    -> vhost:12  1234567        0        "
		     "0\n"
		     "  vhost:12  down                     0  1234567        "
		     "5\n") != NULL,
	      "nfv port table with patches and counters");
	free(s);
	s = render(CLI_SHOW_NFV, "nfv 1",
		   "{\"client-id\":1,\"status\":\"running\",\"ports\":["
		   "\"ring:0\",\"ring:1\"],\"patches\":[{\"src\":\"ring:0\","
		   "\"dst\":\"ring:1\",\"lcore\":3}],\"port_stats\":[]}");
	printf("%s", s);
	CHECK(strstr(s, "  ring:0        -> ring:1 (lcore 3)") != NULL,
	      "nfv port table: the lcore a patch runs on");
	free(s);

	s = render(CLI_SHOW_COMP, "vf 2",
		   "{\"client-id\":2,\"master-lcore\":3,\"lcores\":[3,4],"
		   "\"ports\":[\"ring:2\"],\"components\":[{\"core\":4,"
		   "\"name\":\"cls1\",\"type\":\"classifier\",\"rx_port\":[{"
		   "\"port\":\"ring:2\",\"vlan\":{\"operation\":\"del\","
		   "\"id\":0,\"pcp\":0}}],\"tx_port\":[{\"port\":\"ring:3\","
		   "\"vlan\":{\"operation\":\"add\",\"id\":10,\"pcp\":2}},{"
		   "\"port\":\"ring:4\",\"vlan\":{\"operation\":\"none\","
		   "\"id\":0,\"pcp\":0}}],\"stats\":{\"rx\":7,\"tx\":6,"
		   "\"drop\":1}}],\"classifier_table\":[{\"type\":\"vlan\","
		   "\"value\":\"10/52:54:00:00:00:01\",\"port\":\"ring:3\","
		   "\"active\":false}]}");
	printf("%s", s);
	CHECK(strstr(s, "cls1  classifier  ring:2 -vlan  ring:3 +vlan 10/2, "
			"ring:4") != NULL,
	      "component ports with VLAN operations");
	CHECK(strstr(s, "vlan  10    52:54:00:00:00:01  ring:3  no") != NULL,
	      "classifier table row with VLAN, MAC and an inactive entry");
	free(s);

	s = render(
		CLI_SHOW_PCAP, "pcap 4",
		"{\"client-id\":4,\"master-lcore\":7,\"lcores\":[7,8,9],"
		"\"status\":\"running\",\"core\":[{\"core\":8,\"role\":"
		"\"receive\",\"rx_port\":[{\"port\":\"phy:0\"}],\"tx_port\":"
		"[{\"port\":\"ring:1\"}],\"stats\":{\"rx\":10,\"drop\":0,"
		"\"passed\":10}},{\"core\":9,\"role\":\"write\",\"filename\":"
		"\"/tmp/a.pcap.lz4\",\"stats\":{\"frames\":10,\"bytes\":640,"
		"\"files\":1,\"drop\":0},\"error\":\"disk full\"}]}");
	printf("%s", s);
	CHECK(strstr(s, "receive  phy:0 -> ring:1") != NULL &&
		      strstr(s, "write    /tmp/a.pcap.lz4") != NULL &&
		      strstr(s, "error on lcore 9: disk full") != NULL,
	      "pcap receiver, writer and error");
	free(s);
}

/* The node's processes, one restored by spp-ctl with a failed command. */
static void
test_show_processes(void)
{
	json_t *procs = json_loads(
		"[{\"type\":\"primary\"},{\"type\":\"nfv\",\"client-id\":1},"
		"{\"type\":\"vf\",\"client-id\":2,\"restored\":{\"at\":"
		"\"2026-12-01T08:41:15Z\",\"commands\":12,\"failed\":[{"
		"\"command\":\"component start a 9 forward\",\"error\":"
		"\"x\"}]}}]",
		0, NULL);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	cli_show_processes(f, "127.0.0.1:7777", procs);
	fclose(f);
	printf("%s", text);
	CHECK(strcmp(text, "spp-ctl: 127.0.0.1:7777\n"
			   "primary: running\n"
			   "secondaries:\n"
			   "  1: nfv:1\n"
			   "  2: vf:2 (restored 12 commands at "
			   "2026-12-01T08:41:15Z, 1 failed)\n") == 0,
	      "processes, one restored");
	free(text);
	json_decref(procs);
}

static void
test_topo(void)
{
	const char *snap_text =
		"{\"processes\":[],\"status\":{"
		"\"pri\":{\"phy_ports\":[{\"id\":0}],\"pipes\":[{\"id\":0,"
		"\"rx\":1,\"tx\":2}],\"forwarder\":{\"ports\":[],"
		"\"patches\":[]}},"
		"\"nfv 1\":{\"ports\":[\"phy:0\",\"vhost:1\"],\"patches\":[{"
		"\"src\":\"phy:0\",\"dst\":\"vhost:1\"}]},"
		"\"vf 2\":{\"components\":[{\"core\":3,\"name\":\"fwd1\","
		"\"type\":\"forward\",\"rx_port\":[{\"port\":\"ring:0\"}],"
		"\"tx_port\":[{\"port\":\"ring:1\",\"vlan\":{\"operation\":"
		"\"add\",\"id\":7,\"pcp\":0}}]}]},"
		"\"pcap 3\":{\"status\":\"idle\",\"core\":[{\"role\":"
		"\"receive\",\"rx_port\":[{\"port\":\"ring:5\"}]}]}}}";
	json_t *snap = json_loads(snap_text, 0, NULL);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	cli_topo_dot(snap, f);
	fclose(f);
	printf("%s", text);
	CHECK(strncmp(text, "digraph spp {", 13) == 0 &&
		      text[strlen(text) - 2] == '}',
	      "a dot digraph");
	CHECK(strstr(text, "\"phy:0\" -> \"vhost:1\" [label=\"nfv 1\"]") !=
		      NULL,
	      "nfv patch edge");
	CHECK(strstr(text, "\"vhost:1\" -> \"vm1\"") != NULL &&
		      strstr(text, "/tmp/sock1") != NULL,
	      "the VM on the vhost port");
	CHECK(strstr(text, "\"ring:0\" -> \"vf 2/fwd1\"") != NULL &&
		      strstr(text, "\"vf 2/fwd1\" -> \"ring:1\" [color=blue, "
				   "label=\"+vlan 7\"]") != NULL,
	      "component edges with the VLAN tag");
	CHECK(strstr(text, "\"ring:5\" -> \"pcap 3\"") != NULL, "capture edge");
	CHECK(strstr(text, "\"ring:1\" -> \"pipe:0\"") != NULL &&
		      strstr(text, "\"pipe:0\" -> \"ring:2\"") != NULL,
	      "pipe rings");
	/* every node once */
	CHECK(strstr(strstr(text, "\"phy:0\" [") + 1, "\"phy:0\" [") == NULL,
	      "a port is one node");
	free(text);
	json_decref(snap);
}

int
main(void)
{
	test_requests();
	test_bad();
	test_show();
	test_show_processes();
	test_topo();
	return unit_done();
}
