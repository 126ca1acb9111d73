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
	      "reject '%s' (%s): %s", line, spp_proc_kind_name(kind), err);
	spp_cmd_free(&cmd);
}

/* Parse a line that must be valid (the error is shown as a TAP comment). */
static int
parse_ok(const char *line, enum spp_proc_kind kind, struct spp_cmd *cmd)
{
	char err[200];
	int ret = parse(line, kind, cmd, err);

	if (ret != 0)
		printf("# '%s': %s\n", line, err);
	return ret == 0;
}

#define VF SPP_PROC_VF
#define MIR SPP_PROC_MIRROR
#define PCAP SPP_PROC_PCAP
#define NFV SPP_PROC_NFV

#define PORT_ADD_USAGE                                                         \
	"usage: port add RES rx|tx NAME [add_vlantag VID PCP | del_vlantag]"
#define CLS_USAGE                                                              \
	"usage: classifier_table add mac MAC|default RES | vlan VID "          \
	"MAC|default RES"
#define VF_TYPES "expected forward, merge or classifier"

static const struct {
	const char *line;
	enum spp_proc_kind kind;
	int ret;
	const char *expect;
} bad_lines[] = {
	/* the first word of two-word commands */
	{"component", VF, -EINVAL, "'component' needs start or stop"},
	{"component restart f", VF, -EINVAL,
	 "expected start or stop after 'component', got 'restart'"},
	{"port", MIR, -EINVAL, "'port' needs add or del"},
	{"port attach ring:0 rx f", VF, -EINVAL,
	 "expected add or del after 'port', got 'attach'"},
	{"classifier_table", VF, -EINVAL,
	 "'classifier_table' needs add or del"},
	{"classifier_table put mac default ring:0", VF, -EINVAL,
	 "expected add or del after 'classifier_table', got 'put'"},
	/* component start */
	{"component start f 2", VF, -EINVAL,
	 "usage: component start NAME CORE TYPE [auto|deep|shallow]"},
	{"component start f 2 forward x", VF, -EINVAL,
	 "a copy mode ('x') is for mirror components only"},
	{"component start f 2 forward deep", VF, -EINVAL,
	 "a copy mode ('deep') is for mirror components only"},
	{"component start m 2 mirror fast", MIR, -EINVAL,
	 "unknown copy mode 'fast', expected auto, deep or shallow"},
	{"component start m 2 mirror deep x", MIR, -EINVAL,
	 "usage: component start NAME CORE TYPE [auto|deep|shallow]"},
	{"component start fwd.1 2 forward", VF, -EINVAL,
	 "invalid component name 'fwd.1': expected letters, digits, '_' and "
	 "'-'"},
	{"component start f\xc3\xa9 2 forward", VF, -EINVAL,
	 "invalid component name"},
	{"component start abcdefghijklmnopqrstuvwxyz012345 2 forward", VF,
	 -EINVAL,
	 "component name 'abcdefghijklmnopqrstuvwxyz012345' is longer than 31 "
	 "characters"},
	{"component start f 128 forward", VF, -EINVAL,
	 "lcore 128 out of range 0-127"},
	{"component start f 99999999999999999999 forward", VF, -EINVAL,
	 "lcore 99999999999999999999 out of range 0-127"},
	{"component start f x forward", VF, -EINVAL,
	 "invalid lcore 'x', expected 0-127"},
	{"component start f -1 forward", VF, -EINVAL,
	 "invalid lcore '-1', expected 0-127"},
	{"component start f +1 forward", VF, -EINVAL, "invalid lcore '+1'"},
	{"component start f 02 forward", VF, -EINVAL, "invalid lcore '02'"},
	{"component start f 2x forward", VF, -EINVAL, "invalid lcore '2x'"},
	{"component start f 2 fwd", VF, -EINVAL,
	 "unknown component type 'fwd', " VF_TYPES},
	{"component start f 2 unuse", VF, -EINVAL,
	 "unknown component type 'unuse'"},
	{"component start f 2 Forward", VF, -EINVAL,
	 "unknown component type 'Forward'"},
	{"component start m 2 mirror", VF, -ENOTSUP,
	 "component type 'mirror' is not supported by vf, " VF_TYPES},
	{"component start f 2 forward", MIR, -ENOTSUP,
	 "component type 'forward' is not supported by mirror, expected "
	 "mirror"},
	{"component start f 2 merge", MIR, -ENOTSUP,
	 "component type 'merge' is not supported by mirror"},
	{"component start c 2 classifier", MIR, -ENOTSUP,
	 "component type 'classifier' is not supported by mirror"},
	{"component start c 2 classifier_mac", MIR, -ENOTSUP,
	 "component type 'classifier_mac' is not supported by mirror"},
	{"component start m 2 mirrors", MIR, -EINVAL,
	 "unknown component type 'mirrors', expected mirror"},
	{"component start f 2 forward", NFV, -ENOTSUP,
	 "command 'component start' is not supported by nfv"},
	{"component start f 2 forward", PCAP, -ENOTSUP,
	 "command 'component start' is not supported by pcap"},
	{"component start f 2 forward", SPP_PROC_PRIMARY, -ENOTSUP,
	 "not supported by primary"},
	/* component stop */
	{"component stop", VF, -EINVAL, "usage: component stop NAME"},
	{"component stop f g", MIR, -EINVAL, "usage: component stop NAME"},
	{"component stop f/g", VF, -EINVAL, "invalid component name 'f/g'"},
	{"component stop f", PCAP, -ENOTSUP,
	 "command 'component stop' is not supported by pcap"},
	/* port add/del */
	{"port add ring:0 rx", VF, -EINVAL, PORT_ADD_USAGE},
	{"port add", MIR, -EINVAL, PORT_ADD_USAGE},
	{"port del ring:0", VF, -EINVAL, "usage: port del RES rx|tx NAME"},
	{"port add ring:x rx f", VF, -EINVAL,
	 "invalid port number in 'ring:x', expected 0-1023"},
	{"port add eth:0 rx f", VF, -EINVAL, "unknown port type 'eth'"},
	{"port add ring:0 rxx f", VF, -EINVAL, "expected rx or tx, got 'rxx'"},
	{"port add ring:0 RX f", MIR, -EINVAL, "expected rx or tx, got 'RX'"},
	{"port del ring:0 in f", VF, -EINVAL, "expected rx or tx, got 'in'"},
	{"port add ring:0 rx f:1", VF, -EINVAL, "invalid component name 'f:1'"},
	{"port add ring:0 rx f add_vlantag 4096 0", VF, -EINVAL,
	 "VLAN id 4096 out of range 0-4095"},
	{"port add ring:0 rx f add_vlantag 1 8", VF, -EINVAL,
	 "VLAN PCP 8 out of range 0-7"},
	{"port add ring:0 rx f add_vlantag x 2", VF, -EINVAL,
	 "invalid VLAN id 'x', expected 0-4095"},
	{"port add ring:0 rx f add_vlantag 1 -1", VF, -EINVAL,
	 "invalid VLAN PCP '-1', expected 0-7"},
	{"port add ring:0 rx f add_vlantag 1", VF, -EINVAL,
	 "add_vlantag needs VID PCP"},
	{"port add ring:0 rx f add_vlantag", VF, -EINVAL,
	 "add_vlantag needs VID PCP"},
	{"port add ring:0 rx f add_vlantag 1 2 3", VF, -EINVAL,
	 "add_vlantag needs VID PCP"},
	{"port add ring:0 rx f del_vlantag 1", VF, -EINVAL,
	 "del_vlantag takes no argument"},
	{"port add ring:0 rx f vlan 1 2", VF, -EINVAL,
	 "expected add_vlantag or del_vlantag, got 'vlan'"},
	{"port del ring:0 rx f del_vlantag", VF, -EINVAL,
	 "del_vlantag is only for 'port add', not 'port del'"},
	{"port del ring:0 tx f add_vlantag 1 2", VF, -EINVAL,
	 "add_vlantag is only for 'port add', not 'port del'"},
	{"port del ring:0 rx f x", VF, -EINVAL,
	 "usage: port del RES rx|tx NAME"},
	{"port add ring:0 tx m add_vlantag 1 2", MIR, -ENOTSUP,
	 "add_vlantag is not supported by mirror"},
	{"port add ring:0 tx m del_vlantag", MIR, -ENOTSUP,
	 "del_vlantag is not supported by mirror"},
	{"port add ring:0 tx m x", MIR, -EINVAL, PORT_ADD_USAGE},
	{"port add ring:0 rx f", NFV, -ENOTSUP,
	 "command 'port add' is not supported by nfv"},
	{"port del ring:0 rx f", PCAP, -ENOTSUP,
	 "command 'port del' is not supported by pcap"},
	/* classifier_table */
	{"classifier_table add", VF, -EINVAL, CLS_USAGE},
	{"classifier_table add mac 52:54:00:01:00:01", VF, -EINVAL,
	 "usage: classifier_table add mac MAC|default RES"},
	{"classifier_table add mac 52:54:00:01:00:01 ring:0 x", VF, -EINVAL,
	 "usage: classifier_table add mac MAC|default RES"},
	{"classifier_table add vlan 101 52:54:00:01:00:01", VF, -EINVAL,
	 "usage: classifier_table add vlan VID MAC|default RES"},
	{"classifier_table del vlan 101", VF, -EINVAL,
	 "usage: classifier_table del vlan VID MAC|default RES"},
	{"classifier_table del mac", VF, -EINVAL,
	 "usage: classifier_table del mac MAC|default RES"},
	{"classifier_table add ip 1 ring:0", VF, -EINVAL,
	 "expected mac or vlan, got 'ip'"},
	{"classifier_table add mac zz ring:0", VF, -EINVAL,
	 "invalid MAC address 'zz', expected XX:XX:XX:XX:XX:XX or default"},
	{"classifier_table add mac 52:54:00:01:00 ring:0", VF, -EINVAL,
	 "invalid MAC address '52:54:00:01:00'"},
	{"classifier_table add mac 52:54:00:01:00:01:02 ring:0", VF, -EINVAL,
	 "invalid MAC address '52:54:00:01:00:01:02'"},
	{"classifier_table add mac 52-54-00-01-00-01 ring:0", VF, -EINVAL,
	 "invalid MAC address '52-54-00-01-00-01'"},
	{"classifier_table add mac 5:54:00:01:00:01 ring:0", VF, -EINVAL,
	 "invalid MAC address '5:54:00:01:00:01'"},
	{"classifier_table add mac 52:54:00:01:00:0g ring:0", VF, -EINVAL,
	 "invalid MAC address '52:54:00:01:00:0g'"},
	{"classifier_table add mac 52:54:00:01:00:011 ring:0", VF, -EINVAL,
	 "invalid MAC address '52:54:00:01:00:011'"},
	{"classifier_table add mac 52:54:00:01:00: ring:0", VF, -EINVAL,
	 "invalid MAC address '52:54:00:01:00:'"},
	{"classifier_table add mac DEFAULT ring:0", VF, -EINVAL,
	 "invalid MAC address 'DEFAULT'"},
	{"classifier_table del mac default ring", VF, -EINVAL,
	 "invalid port id 'ring', expected TYPE:N"},
	{"classifier_table add vlan 4096 default ring:0", VF, -EINVAL,
	 "VLAN id 4096 out of range 0-4095"},
	{"classifier_table add vlan x default ring:0", VF, -EINVAL,
	 "invalid VLAN id 'x', expected 0-4095"},
	{"classifier_table add vlan 1 zz ring:0", VF, -EINVAL,
	 "invalid MAC address 'zz'"},
	{"classifier_table add mac default ring:0", MIR, -ENOTSUP,
	 "command 'classifier_table add' is not supported by mirror"},
	{"classifier_table del vlan 1 default ring:0", MIR, -ENOTSUP,
	 "command 'classifier_table del' is not supported by mirror"},
	{"classifier_table add mac default ring:0", NFV, -ENOTSUP,
	 "not supported by nfv"},
	/* pcap */
	{"start now", PCAP, -EINVAL, "'start' takes no argument"},
	{"stop now", PCAP, -EINVAL, "'stop' takes no argument"},
	{"start", VF, -ENOTSUP, "command 'start' is not supported by vf"},
	{"start", NFV, -ENOTSUP, "command 'start' is not supported by nfv"},
	{"stop", MIR, -ENOTSUP, "command 'stop' is not supported by mirror"},
	{"forward", PCAP, -ENOTSUP,
	 "command 'forward' is not supported by pcap"},
	{"add ring:0", VF, -ENOTSUP, "command 'add' is not supported by vf"},
	{"patch reset", MIR, -ENOTSUP, "not supported by mirror"},
};

static void
check_comp_types(void)
{
	struct spp_cmd cmd;

	CHECK(parse_ok("component start fwd1 2 forward", VF, &cmd) &&
		      cmd.id == SPP_CMD_COMPONENT_START &&
		      strcmp(cmd.comp_name, "fwd1") == 0 && cmd.core == 2 &&
		      cmd.comp_type == SPP_COMP_FORWARD && cmd.nres == 0,
	      "component start forward");
	spp_cmd_free(&cmd);
	CHECK(parse_ok("component start mg_1 0 merge", VF, &cmd) &&
		      cmd.core == 0 && cmd.comp_type == SPP_COMP_MERGE,
	      "component start merge on lcore 0");
	spp_cmd_free(&cmd);
	CHECK(parse_ok("component start cls-1 127 classifier", VF, &cmd) &&
		      cmd.core == 127 && cmd.comp_type == SPP_COMP_CLASSIFIER,
	      "component start classifier on lcore 127");
	spp_cmd_free(&cmd);
	CHECK(parse_ok("component start Cls2 3 classifier_mac", VF, &cmd) &&
		      strcmp(cmd.comp_name, "Cls2") == 0 &&
		      cmd.comp_type == SPP_COMP_CLASSIFIER,
	      "classifier_mac is the old name of classifier");
	spp_cmd_free(&cmd);
	CHECK(parse_ok("component start mir1 4 mirror", MIR, &cmd) &&
		      cmd.comp_type == SPP_COMP_MIRROR && cmd.core == 4 &&
		      cmd.copy == SPP_COPY_AUTO,
	      "component start mirror, copy mode auto by default");
	spp_cmd_free(&cmd);
	CHECK(parse_ok("component start mir1 4 mirror shallow", MIR, &cmd) &&
		      cmd.copy == SPP_COPY_SHALLOW &&
		      strcmp(spp_copy_mode_name(cmd.copy), "shallow") == 0,
	      "component start mirror shallow");
	spp_cmd_free(&cmd);
	CHECK(parse_ok("component start mir1 4 mirror deep", MIR, &cmd) &&
		      cmd.copy == SPP_COPY_DEEP,
	      "component start mirror deep");
	spp_cmd_free(&cmd);
	CHECK(parse_ok("component start abcdefghijklmnopqrstuvwxyz01234 5 "
		       "forward",
		       VF, &cmd) &&
		      strlen(cmd.comp_name) == SPP_COMP_NAME_LEN - 1,
	      "component name of 31 characters");
	spp_cmd_free(&cmd);
	CHECK(parse_ok("component stop fwd1", VF, &cmd) &&
		      cmd.id == SPP_CMD_COMPONENT_STOP &&
		      strcmp(cmd.comp_name, "fwd1") == 0,
	      "component stop (vf)");
	spp_cmd_free(&cmd);
	CHECK(parse_ok("component stop mir1", MIR, &cmd) &&
		      cmd.id == SPP_CMD_COMPONENT_STOP,
	      "component stop (mirror)");
	spp_cmd_free(&cmd);

	CHECK_STR(spp_comp_type_name(SPP_COMP_FORWARD), "forward",
		  "name of forward");
	CHECK_STR(spp_comp_type_name(SPP_COMP_MERGE), "merge", "name of merge");
	CHECK_STR(spp_comp_type_name(SPP_COMP_CLASSIFIER), "classifier",
		  "name of classifier");
	CHECK_STR(spp_comp_type_name(SPP_COMP_MIRROR), "mirror",
		  "name of mirror");
	CHECK(spp_comp_type_name(SPP_COMP_NONE) == NULL &&
		      spp_comp_type_name((enum spp_comp_type)99) == NULL,
	      "no name for none or an invalid type");
	CHECK(spp_comp_type_from_name("forward") == SPP_COMP_FORWARD &&
		      spp_comp_type_from_name("merge") == SPP_COMP_MERGE &&
		      spp_comp_type_from_name("classifier") ==
			      SPP_COMP_CLASSIFIER &&
		      spp_comp_type_from_name("classifier_mac") ==
			      SPP_COMP_CLASSIFIER &&
		      spp_comp_type_from_name("mirror") == SPP_COMP_MIRROR,
	      "types by name");
	CHECK(spp_comp_type_from_name("unuse") == SPP_COMP_NONE &&
		      spp_comp_type_from_name("") == SPP_COMP_NONE &&
		      spp_comp_type_from_name("Forward") == SPP_COMP_NONE,
	      "unknown type names");
}

static void
check_ports(void)
{
	struct spp_cmd cmd;

	CHECK(parse_ok("port add ring:0 rx fwd1", VF, &cmd) &&
		      cmd.id == SPP_CMD_PORT_ADD && cmd.nres == 1 &&
		      cmd.res[0].type == SPP_RES_RING && cmd.res[0].id == 0 &&
		      cmd.dir == SPP_DIR_RX &&
		      strcmp(cmd.comp_name, "fwd1") == 0 &&
		      cmd.vlan_op == SPP_VLAN_NONE,
	      "port add rx");
	spp_cmd_free(&cmd);
	CHECK(parse_ok("port add vhost:1 tx fwd1 add_vlantag 101 3", VF,
		       &cmd) &&
		      cmd.res[0].type == SPP_RES_VHOST &&
		      cmd.dir == SPP_DIR_TX && cmd.vlan_op == SPP_VLAN_ADD &&
		      cmd.vlan_id == 101 && cmd.vlan_pcp == 3,
	      "port add with add_vlantag");
	spp_cmd_free(&cmd);
	CHECK(parse_ok("port add ring:1 rx m add_vlantag 4095 7", VF, &cmd) &&
		      cmd.vlan_id == 4095 && cmd.vlan_pcp == 7,
	      "add_vlantag 4095 7");
	spp_cmd_free(&cmd);
	CHECK(parse_ok("port add ring:1 rx m add_vlantag 0 0", VF, &cmd) &&
		      cmd.vlan_op == SPP_VLAN_ADD && cmd.vlan_id == 0 &&
		      cmd.vlan_pcp == 0,
	      "add_vlantag 0 0");
	spp_cmd_free(&cmd);
	CHECK(parse_ok("port add phy:0nq1 tx cls del_vlantag", VF, &cmd) &&
		      cmd.res[0].type == SPP_RES_PHY && cmd.res[0].queue == 1 &&
		      cmd.vlan_op == SPP_VLAN_DEL,
	      "port add with del_vlantag, a phy queue");
	spp_cmd_free(&cmd);
	CHECK(parse_ok("port add phy:0 nq 1 tx cls del_vlantag", VF, &cmd) &&
		      cmd.res[0].type == SPP_RES_PHY && cmd.res[0].queue == 1 &&
		      cmd.dir == SPP_DIR_TX &&
		      strcmp(cmd.comp_name, "cls") == 0 &&
		      cmd.vlan_op == SPP_VLAN_DEL,
	      "the human form 'phy:0 nq 1' in a command");
	spp_cmd_free(&cmd);
	CHECK(parse_ok("patch phy:0 nq 1 phy:1 nq 2", SPP_PROC_NFV, &cmd) &&
		      cmd.res[0].queue == 1 && cmd.res[1].queue == 2 &&
		      cmd.res[1].id == 1,
	      "two ports in the human queue form");
	spp_cmd_free(&cmd);
	CHECK(parse_ok("port del ring:2 tx fwd1", VF, &cmd) &&
		      cmd.id == SPP_CMD_PORT_DEL && cmd.nres == 1 &&
		      cmd.res[0].id == 2 && cmd.dir == SPP_DIR_TX &&
		      cmd.vlan_op == SPP_VLAN_NONE,
	      "port del");
	spp_cmd_free(&cmd);
	CHECK(parse_ok("port add ring:0 rx mir1", MIR, &cmd) &&
		      cmd.id == SPP_CMD_PORT_ADD && cmd.dir == SPP_DIR_RX,
	      "port add (mirror)");
	spp_cmd_free(&cmd);
	CHECK(parse_ok("port del ring:0 tx mir1", MIR, &cmd) &&
		      cmd.id == SPP_CMD_PORT_DEL && cmd.dir == SPP_DIR_TX,
	      "port del (mirror)");
	spp_cmd_free(&cmd);
}

static void
check_classifier(void)
{
	static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0xab, 0xCD, 0x01};
	static const uint8_t zero[6];
	struct spp_cmd cmd;

	CHECK(parse_ok("classifier_table add mac 52:54:00:ab:CD:01 ring:0", VF,
		       &cmd) &&
		      cmd.id == SPP_CMD_CLS_ADD &&
		      cmd.cls_type == SPP_CLS_MAC && !cmd.cls_default &&
		      memcmp(cmd.mac, mac, 6) == 0 && cmd.nres == 1 &&
		      cmd.res[0].type == SPP_RES_RING,
	      "classifier_table add mac");
	spp_cmd_free(&cmd);
	CHECK(parse_ok("classifier_table del mac default ring:1", VF, &cmd) &&
		      cmd.id == SPP_CMD_CLS_DEL &&
		      cmd.cls_type == SPP_CLS_MAC && cmd.cls_default &&
		      memcmp(cmd.mac, zero, 6) == 0 && cmd.res[0].id == 1,
	      "classifier_table del mac default");
	spp_cmd_free(&cmd);
	CHECK(parse_ok("classifier_table add mac ff:ff:ff:ff:ff:ff ring:2", VF,
		       &cmd) &&
		      cmd.mac[0] == 0xff && cmd.mac[5] == 0xff,
	      "broadcast MAC");
	spp_cmd_free(&cmd);
	CHECK(parse_ok("classifier_table add mac 01:00:5E:00:00:01 ring:2", VF,
		       &cmd) &&
		      cmd.mac[0] == 0x01 && cmd.mac[2] == 0x5e,
	      "multicast MAC, upper case");
	spp_cmd_free(&cmd);
	CHECK(parse_ok("classifier_table add vlan 101 52:54:00:ab:cd:01 "
		       "ring:1",
		       VF, &cmd) &&
		      cmd.id == SPP_CMD_CLS_ADD &&
		      cmd.cls_type == SPP_CLS_VLAN && cmd.cls_vlan == 101 &&
		      memcmp(cmd.mac, mac, 6) == 0 && cmd.res[0].id == 1,
	      "classifier_table add vlan");
	spp_cmd_free(&cmd);
	CHECK(parse_ok("classifier_table del vlan 4095 default vhost:3", VF,
		       &cmd) &&
		      cmd.id == SPP_CMD_CLS_DEL &&
		      cmd.cls_type == SPP_CLS_VLAN && cmd.cls_vlan == 4095 &&
		      cmd.cls_default && cmd.res[0].type == SPP_RES_VHOST,
	      "classifier_table del vlan default");
	spp_cmd_free(&cmd);
	CHECK(parse_ok("classifier_table add vlan 0 default ring:0", VF,
		       &cmd) &&
		      cmd.cls_vlan == 0 && cmd.cls_default,
	      "classifier_table vlan 0");
	spp_cmd_free(&cmd);
}

/* status and exit go to every kind; start and stop to pcap. */
static void
check_kinds(void)
{
	static const enum spp_proc_kind kinds[] = {SPP_PROC_PRIMARY, NFV, VF,
						   MIR, PCAP};
	struct spp_cmd cmd;
	size_t i;
	int ok = 1;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		ok &= parse_ok("status", kinds[i], &cmd) &&
		      cmd.id == SPP_CMD_STATUS;
		spp_cmd_free(&cmd);
		ok &= parse_ok("exit", kinds[i], &cmd) &&
		      cmd.id == SPP_CMD_EXIT;
		spp_cmd_free(&cmd);
	}
	CHECK(ok, "status and exit for every kind");
	CHECK(parse_ok("start", PCAP, &cmd) && cmd.id == SPP_CMD_START,
	      "pcap start");
	spp_cmd_free(&cmd);
	CHECK(parse_ok("stop", PCAP, &cmd) && cmd.id == SPP_CMD_STOP,
	      "pcap stop");
	spp_cmd_free(&cmd);
	CHECK(parse_ok("stop", NFV, &cmd) && cmd.id == SPP_CMD_STOP,
	      "nfv stop");
	spp_cmd_free(&cmd);
}

/* "METHOD PATH" of the request of command id to (kind, 3), arg "c1" */
static const char *
rest_of(enum spp_cmd_id id, enum spp_proc_kind kind)
{
	static char buf[160];
	const char *method, *path;
	char full[128];

	if (spp_cmd_rest(id, kind, &method, &path) < 0)
		return "none";
	spp_proc_rest_path(kind, 3, path, "c1", full, sizeof(full));
	snprintf(buf, sizeof(buf), "%s %s", method, full);
	return buf;
}

/* The REST requests of commands, as spp-ctl routes and the CLI sends them. */
static void
check_rest(void)
{
	static const struct {
		enum spp_cmd_id id;
		enum spp_proc_kind kind;
		const char *request;
	} rest[] = {
		{SPP_CMD_STATUS, SPP_PROC_PRIMARY, "GET /v1/primary/status"},
		{SPP_CMD_STATUS, SPP_PROC_NFV, "GET /v1/nfvs/3"},
		{SPP_CMD_CLEAR, SPP_PROC_PRIMARY, "DELETE /v1/primary/status"},
		{SPP_CMD_EXIT, SPP_PROC_PCAP, "DELETE /v1/pcaps/3"},
		{SPP_CMD_DEL, SPP_PROC_NFV, "PUT /v1/nfvs/3/ports"},
		{SPP_CMD_FORWARD, SPP_PROC_PRIMARY, "PUT /v1/primary/forward"},
		{SPP_CMD_STOP, SPP_PROC_PCAP, "PUT /v1/pcaps/3/capture"},
		{SPP_CMD_PORT_ADD, SPP_PROC_MIRROR,
		 "PUT /v1/mirrors/3/components/c1/ports"},
		{SPP_CMD_COMPONENT_STOP, SPP_PROC_VF,
		 "DELETE /v1/vfs/3/components/c1"},
		{SPP_CMD_CLS_ADD, SPP_PROC_MIRROR, "none"},
		{SPP_CMD_LAUNCH, SPP_PROC_PRIMARY, "PUT /v1/primary/launch"},
	};
	size_t i;

	for (i = 0; i < sizeof(rest) / sizeof(rest[0]); i++)
		CHECK_STR(rest_of(rest[i].id, rest[i].kind), rest[i].request,
			  "REST request: %s", rest[i].request);
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
	CHECK(cmd.core == SPP_CMD_LCORE_ANY, "patch without an lcore: any");
	spp_cmd_free(&cmd);

	ret = parse("patch ring:0 ring:1 3", SPP_PROC_NFV, &cmd, err);
	CHECK(ret == 0 && cmd.id == SPP_CMD_PATCH && cmd.nres == 2 &&
		      cmd.core == 3,
	      "patch on lcore 3");
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
	check_bad("patch phy:0 ring:1 128", SPP_PROC_NFV, -EINVAL, "lcore");
	check_bad("patch phy:0 ring:1 x", SPP_PROC_NFV, -EINVAL, "lcore");
	check_bad("patch phy:0 ring:1 2 3", SPP_PROC_NFV, -EINVAL,
		  "usage: patch SRC DST [LCORE]");
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

	check_comp_types();
	check_ports();
	check_classifier();
	check_kinds();
	for (size_t i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++)
		check_bad(bad_lines[i].line, bad_lines[i].kind,
			  bad_lines[i].ret, bad_lines[i].expect);

	CHECK(spp_proc_kind_from_name("vf") == SPP_PROC_VF, "kind by name");
	CHECK(spp_proc_kind_from_binary("spp_pcap") == SPP_PROC_PCAP,
	      "kind by binary");
	CHECK(strcmp(spp_proc_info(SPP_PROC_MIRROR)->rest,
		     "/v1/mirrors/{id}") == 0 &&
		      strcmp(spp_proc_info(SPP_PROC_NFV)->id_opt, "-n") == 0 &&
		      strcmp(spp_proc_info(SPP_PROC_PCAP)->required[2], "-c") ==
			      0 &&
		      strstr(spp_proc_info(SPP_PROC_MIRROR)->usage,
			     "--client-id ID") != NULL &&
		      spp_proc_info(0) == NULL,
	      "facts of a kind: REST path, id option, launch options, usage");
	check_rest();
	CHECK(strcmp(spp_proc_kind_binary(SPP_PROC_VF), "spp_vf") == 0 &&
		      spp_proc_kind_binary(0) == NULL,
	      "binary of a kind");
	return unit_done();
}
