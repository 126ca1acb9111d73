/* SPDX-License-Identifier: BSD-3-Clause */
#include "spp_cmd.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROCS_FWD (SPP_PROC_PRIMARY | SPP_PROC_NFV)
#define PROCS_COMP (SPP_PROC_VF | SPP_PROC_MIRROR)
#define PROCS_ALL                                                              \
	(SPP_PROC_PRIMARY | SPP_PROC_NFV | SPP_PROC_VF | SPP_PROC_MIRROR |     \
	 SPP_PROC_PCAP)
#define CLS_USAGE "mac MAC|default RES | vlan VID MAC|default RES"

/* REST paths under a process's own path */
#define REST_PORTS "/ports"
#define REST_PATCHES "/patches"
#define REST_COMPONENTS "/components"
#define REST_CLS "/classifier_table"

const struct spp_cmd_def spp_cmd_defs[] = {
	{"status", SPP_CMD_STATUS, PROCS_ALL, "", "show status", "GET", NULL},
	{"clear", SPP_CMD_CLEAR, SPP_PROC_PRIMARY, "",
	 "clear port and ring counters", "DELETE", "/status"},
	{"exit", SPP_CMD_EXIT, PROCS_ALL, "", "terminate the process", "DELETE",
	 ""},
	{"add", SPP_CMD_ADD, PROCS_FWD, "RES | pipe:N ring:A ring:B",
	 "add a port", "PUT", REST_PORTS},
	{"del", SPP_CMD_DEL, PROCS_FWD, "RES", "delete a port", "PUT",
	 REST_PORTS},
	{"patch reset", SPP_CMD_PATCH_RESET, PROCS_FWD, "",
	 "remove every patch", "DELETE", REST_PATCHES},
	{"patch", SPP_CMD_PATCH, PROCS_FWD, "SRC DST [LCORE]",
	 "one-way patch from SRC to DST (on worker LCORE)", "PUT",
	 REST_PATCHES},
	{"forward", SPP_CMD_FORWARD, PROCS_FWD, "", "start forwarding", "PUT",
	 NULL},
	{"stop", SPP_CMD_STOP, PROCS_FWD | SPP_PROC_PCAP, "",
	 "stop forwarding or capturing", "PUT", NULL},
	{"start", SPP_CMD_START, SPP_PROC_PCAP, "", "start capturing", "PUT",
	 NULL},
	{"launch", SPP_CMD_LAUNCH, SPP_PROC_PRIMARY,
	 "ID PROC_NAME EAL_ARGS... -- APP_ARGS...", "start a secondary process",
	 "PUT", "/launch"},
	{"component start", SPP_CMD_COMPONENT_START, PROCS_COMP,
	 "NAME CORE TYPE [auto|deep|shallow]",
	 "start a component on a worker lcore (copy mode: mirror)", "POST",
	 REST_COMPONENTS},
	{"component stop", SPP_CMD_COMPONENT_STOP, PROCS_COMP, "NAME",
	 "stop a component and remove it", "DELETE", REST_COMPONENTS "/{*}"},
	{"port add", SPP_CMD_PORT_ADD, PROCS_COMP,
	 "RES rx|tx NAME [add_vlantag VID PCP | del_vlantag]",
	 "attach a port to a component", "PUT", REST_COMPONENTS "/{*}/ports"},
	{"port del", SPP_CMD_PORT_DEL, PROCS_COMP, "RES rx|tx NAME",
	 "detach a port from a component", "PUT", REST_COMPONENTS "/{*}/ports"},
	{"classifier_table add", SPP_CMD_CLS_ADD, SPP_PROC_VF, CLS_USAGE,
	 "add a classifier table entry", "PUT", REST_CLS},
	{"classifier_table del", SPP_CMD_CLS_DEL, SPP_PROC_VF, CLS_USAGE,
	 "delete a classifier table entry", "PUT", REST_CLS},
	{NULL, SPP_CMD_MAX, 0, NULL, NULL, NULL, NULL},
};

/* Component types by enum value, and the kinds that run each. */
static const struct {
	const char *name;
	unsigned int procs;
} comp_types[] = {
	[SPP_COMP_FORWARD] = {"forward", SPP_PROC_VF},
	[SPP_COMP_MERGE] = {"merge", SPP_PROC_VF},
	[SPP_COMP_CLASSIFIER] = {"classifier", SPP_PROC_VF},
	[SPP_COMP_MIRROR] = {"mirror", SPP_PROC_MIRROR},
	[SPP_COMP_PATCH] = {"patch", SPP_PROC_NFV | SPP_PROC_PRIMARY},
	[SPP_COMP_CAPTURE] = {"capture", SPP_PROC_PCAP},
	[SPP_COMP_WRITER] = {"writer", SPP_PROC_PCAP},
};

#define NB_COMP_TYPES (sizeof(comp_types) / sizeof(comp_types[0]))

static const char usage_primary[] =
	"-p PORTMASK -n NUM_RINGS -s IP:PORT [--port-num P rxq R txq T]... "
	"[--ring-size N] [--log-dir DIR] [--pool-name NAME] [--pool-ops OPS]\n"
	"[--busy-poll]\n"
	"  -p PORTMASK   hex mask of the ethdevs to use as phy:N (0x0: none)\n"
	"  -n NUM_RINGS  number of shared rings ring:0..NUM_RINGS-1\n"
	"  --ring-size N entries of each ring, a power of 2 from 64 to 65536 "
	"(default\n"
	"                1024; a ring holds N - 1 frames)\n"
	"  -s IP:PORT    where spp-ctl listens for the primary (port 5555)\n"
	"  --port-num P rxq R txq T  queues of phy port P (default 1 and 1)\n"
	"  --log-dir DIR log files of launched secondaries "
	"(default /tmp/spp/log)\n"
	"  --pool-name NAME name of the shared mbuf pool (default "
	"spp_mbuf_pool;\n"
	"                mb_pool_0 lets dpdk-testpmd run as a secondary)\n"
	"  --pool-ops OPS  lf_stack (default): the pool survives a process "
	"killed\n"
	"                inside a pool operation; ring_mp_mc: ~11 cycles less "
	"per frame\n"
	"                that crosses lcores, but such a kill hangs every "
	"process\n"
	"  --busy-poll   the forwarder polls at full speed, never sleeps\n";

/* the options every secondary but spp_pcap ends with */
#define USAGE_SECONDARY                                                        \
	"  -s IP:PORT     where spp-ctl listens for secondaries (port 6666)\n" \
	"  --vhost-client vhost ports in client mode (QEMU is the server)\n"   \
	"  --busy-poll    poll at full speed, never sleep when idle\n"

static const char usage_nfv[] =
	"-n ID -s IP:PORT [--vhost-client] [--busy-poll]\n"
	"  -n ID          client id, unique on the node "
	"(1-1023)\n" USAGE_SECONDARY;

static const char usage_vf[] =
	"--client-id ID -s IP:PORT [--vhost-client] [--busy-poll]\n"
	"  --client-id ID client id, unique on the node "
	"(1-1023)\n" USAGE_SECONDARY;

static const char usage_pcap[] =
	"--client-id ID -s IP:PORT -c RES [--out-dir DIR] [--fsize BYTES]\n"
	"       [--pass-to RES] [--busy-poll]\n"
	"  --client-id ID client id, unique on the node (1-1023)\n"
	"  -s IP:PORT     where spp-ctl listens for secondaries (port 6666)\n"
	"  -c RES         the port to capture: phy:N, phy:NnqQ or ring:N\n"
	"  --out-dir DIR  where capture files go (default /tmp)\n"
	"  --fsize BYTES  a new file after this many bytes of pcap data\n"
	"                 (default 1073741824, at least 4096)\n"
	"  --pass-to RES  capture without consuming: every frame goes on to\n"
	"                 this port too\n"
	"  --busy-poll    poll at full speed, never sleep when idle\n";

static const struct spp_proc_info proc_kinds[] = {
	{SPP_PROC_PRIMARY,
	 "primary",
	 "spp_primary",
	 "/v1/primary",
	 "/status",
	 "/forward",
	 NULL,
	 {"-p", "-n", "-s"},
	 usage_primary},
	{SPP_PROC_NFV,
	 "nfv",
	 "spp_nfv",
	 "/v1/nfvs/{id}",
	 "",
	 "/forward",
	 "-n",
	 {"-s", "-n", NULL},
	 usage_nfv},
	{SPP_PROC_VF,
	 "vf",
	 "spp_vf",
	 "/v1/vfs/{id}",
	 "",
	 NULL,
	 "--client-id",
	 {"-s", "--client-id", NULL},
	 usage_vf},
	{SPP_PROC_MIRROR,
	 "mirror",
	 "spp_mirror",
	 "/v1/mirrors/{id}",
	 "",
	 NULL,
	 "--client-id",
	 {"-s", "--client-id", NULL},
	 usage_vf},
	{SPP_PROC_PCAP,
	 "pcap",
	 "spp_pcap",
	 "/v1/pcaps/{id}",
	 "",
	 "/capture",
	 "--client-id",
	 {"-s", "--client-id", "-c"},
	 usage_pcap},
};

#define NB_PROC_KINDS (sizeof(proc_kinds) / sizeof(proc_kinds[0]))

const struct spp_proc_info *
spp_proc_info(enum spp_proc_kind kind)
{
	size_t i;

	for (i = 0; i < NB_PROC_KINDS; i++)
		if (proc_kinds[i].kind == kind)
			return &proc_kinds[i];
	return NULL;
}

const char *
spp_proc_kind_name(enum spp_proc_kind kind)
{
	const struct spp_proc_info *p = spp_proc_info(kind);

	return p == NULL ? NULL : p->name;
}

const char *
spp_proc_kind_binary(enum spp_proc_kind kind)
{
	const struct spp_proc_info *p = spp_proc_info(kind);

	return p == NULL ? NULL : p->binary;
}

enum spp_proc_kind
spp_proc_kind_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < NB_PROC_KINDS; i++)
		if (strcmp(proc_kinds[i].name, name) == 0)
			return proc_kinds[i].kind;
	return 0;
}

enum spp_proc_kind
spp_proc_kind_from_binary(const char *binary)
{
	size_t i;

	for (i = 0; i < NB_PROC_KINDS; i++)
		if (strcmp(proc_kinds[i].binary, binary) == 0)
			return proc_kinds[i].kind;
	return 0;
}

/* "{id}" or "{*}" in a path: its place, or NULL */
static const char *
rest_var(const char *path, const char *var)
{
	return path == NULL ? NULL : strstr(path, var);
}

/* path into buf from *used on, var in it replaced by value */
static void
rest_put(char *buf, size_t len, size_t *used, const char *path, const char *var,
	 const char *value)
{
	const char *at = rest_var(path, var);
	int w;

	if (path == NULL || *used >= len)
		return;
	if (at == NULL)
		w = snprintf(buf + *used, len - *used, "%s", path);
	else
		w = snprintf(buf + *used, len - *used, "%.*s%s%s",
			     (int)(at - path), path, value, at + strlen(var));
	if (w > 0)
		*used += (size_t)w;
}

void
spp_proc_rest_path(enum spp_proc_kind kind, unsigned int id, const char *sub,
		   const char *arg, char *buf, size_t len)
{
	const struct spp_proc_info *p = spp_proc_info(kind);
	char ids[16];
	size_t used = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	snprintf(ids, sizeof(ids), "%u", id);
	rest_put(buf, len, &used, p == NULL ? NULL : p->rest, "{id}", ids);
	rest_put(buf, len, &used, sub, "{*}", arg == NULL ? "" : arg);
}

int
spp_cmd_rest(enum spp_cmd_id id, enum spp_proc_kind kind, const char **method,
	     const char **path)
{
	const struct spp_proc_info *p = spp_proc_info(kind);
	const struct spp_cmd_def *def;

	for (def = spp_cmd_defs; def->name != NULL; def++) {
		if (def->id != id || !(def->procs & kind) || p == NULL)
			continue;
		*method = def->rest_method;
		*path = def->rest_path;
		if (*path == NULL)
			*path = id == SPP_CMD_STATUS ? p->rest_status
						     : p->rest_run;
		return 0;
	}
	return -ENOTSUP;
}

const char *
spp_comp_type_name(enum spp_comp_type t)
{
	return (size_t)t < NB_COMP_TYPES ? comp_types[t].name : NULL;
}

unsigned int
spp_comp_type_procs(enum spp_comp_type t)
{
	return (size_t)t < NB_COMP_TYPES ? comp_types[t].procs : 0;
}

enum spp_comp_type
spp_comp_type_from_name(const char *name)
{
	size_t t;

	if (strcmp(name, "classifier_mac") == 0) /* its name before 19.11 */
		return SPP_COMP_CLASSIFIER;
	for (t = SPP_COMP_NONE + 1; t < NB_COMP_TYPES; t++)
		if (strcmp(comp_types[t].name, name) == 0)
			return (enum spp_comp_type)t;
	return SPP_COMP_NONE;
}

int
spp_cmd_tokenize(char *line, char **argv, int max)
{
	int argc = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (*p == '\0')
			return argc;
		if (argc == max)
			return -E2BIG;
		argv[argc++] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n' &&
		       *p != '\r')
			p++;
		if (*p != '\0')
			*p++ = '\0';
	}
}

/*
 * A queue of a phy port is written "phy:N nq Q" in status and in the CLI:
 * its three tokens become the one-word form "phy:NnqQ", in place (the
 * joined word is never longer than the three it replaces).
 */
static void
cmd_join_queues(struct spp_cmd *cmd)
{
	int i, j;

	for (i = 0; i + 2 < cmd->argc; i++) {
		char *end;

		if (strncmp(cmd->argv[i], "phy:", 4) != 0 ||
		    strcmp(cmd->argv[i + 1], "nq") != 0)
			continue;
		end = cmd->argv[i] + strlen(cmd->argv[i]);
		memmove(end, "nq", 2);
		memmove(end + 2, cmd->argv[i + 2],
			strlen(cmd->argv[i + 2]) + 1);
		for (j = i + 1; j + 2 < cmd->argc; j++)
			cmd->argv[j] = cmd->argv[j + 2];
		cmd->argc -= 2;
		cmd->argv[cmd->argc] = NULL;
	}
}

/* Number of words of a command name ("patch reset" has 2). */
static int
cmd_name_words(const char *name)
{
	int n = 1;

	for (; *name != '\0'; name++)
		if (*name == ' ')
			n++;
	return n;
}

static int
cmd_name_matches(const char *name, char **argv, int argc)
{
	int words = cmd_name_words(name);
	const char *p = name;
	int i;

	if (argc < words)
		return 0;
	for (i = 0; i < words; i++) {
		size_t len = strlen(argv[i]);

		if (strncmp(p, argv[i], len) != 0 ||
		    (p[len] != ' ' && p[len] != '\0'))
			return 0;
		p += len + 1;
	}
	return 1;
}

static int
cmd_parse_res(struct spp_cmd *cmd, const char *s, char *err, size_t errlen)
{
	int ret = spp_res_parse(s, &cmd->res[cmd->nres], err, errlen);

	if (ret == 0)
		cmd->nres++;
	return ret;
}

static int
cmd_parse_launch(struct spp_cmd *cmd, char **argv, int argc, char *err,
		 size_t errlen)
{
	char *end;
	unsigned long id;
	int i;

	if (argc < 2) {
		snprintf(err, errlen,
			 "launch needs ID PROC_NAME EAL_ARGS... "
			 "-- APP_ARGS...");
		return -EINVAL;
	}
	id = strtoul(argv[0], &end, 10);
	if (*end != '\0' || argv[0][0] < '0' || argv[0][0] > '9' || id == 0 ||
	    id > SPP_RES_ID_MAX) {
		snprintf(err, errlen, "invalid client id '%s', expected 1-%d",
			 argv[0], SPP_RES_ID_MAX);
		return -EINVAL;
	}
	if (spp_proc_kind_from_binary(argv[1]) == 0 ||
	    spp_proc_kind_from_binary(argv[1]) == SPP_PROC_PRIMARY) {
		snprintf(err, errlen,
			 "unknown process '%s', expected spp_nfv, "
			 "spp_vf, spp_mirror or spp_pcap",
			 argv[1]);
		return -EINVAL;
	}
	cmd->client_id = (unsigned int)id;
	cmd->proc_name = argv[1];
	cmd->eal_argv = argv + 2;
	for (i = 2; i < argc && strcmp(argv[i], "--") != 0; i++)
		;
	if (i == argc) {
		snprintf(err, errlen,
			 "launch needs '--' between the EAL and "
			 "the application options");
		return -EINVAL;
	}
	cmd->eal_argc = i - 2;
	argv[i] = NULL; /* terminates eal_argv */
	cmd->app_argv = argv + i + 1;
	cmd->app_argc = argc - i - 1;
	return 0;
}

/* Words joined as "a, b or c" into buf. */
static void
cmd_join_or(const char *const *words, int n, char *buf, size_t len)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n && used < len; i++) {
		const char *sep = i == n - 1 ? " or " : ", ";

		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 i == 0 ? "" : sep, words[i]);
	}
}

static int
cmd_usage(const struct spp_cmd_def *def, char *err, size_t errlen)
{
	if (def->usage[0] == '\0')
		snprintf(err, errlen, "'%s' takes no argument", def->name);
	else
		snprintf(err, errlen, "usage: %s %s", def->name, def->usage);
	return -EINVAL;
}

/* A decimal 0-max, without sign or leading zero; what names it. */
static int
cmd_parse_uint(const char *s, unsigned int max, const char *what,
	       unsigned int *v, char *err, size_t errlen)
{
	unsigned long n = 0;
	size_t i;

	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++)
		if (n <= max) /* no overflow, and still > max */
			n = n * 10 + (unsigned long)(s[i] - '0');
	if (i == 0 || s[i] != '\0' || (s[0] == '0' && i > 1)) {
		snprintf(err, errlen, "invalid %s '%s', expected 0-%u", what, s,
			 max);
		return -EINVAL;
	}
	if (n > max) {
		snprintf(err, errlen, "%s %s out of range 0-%u", what, s, max);
		return -EINVAL;
	}
	*v = (unsigned int)n;
	return 0;
}

static int
cmd_parse_comp_name(struct spp_cmd *cmd, const char *s, char *err,
		    size_t errlen)
{
	static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "abcdefghijklmnopqrstuvwxyz"
				    "0123456789_-";
	size_t len = strspn(s, chars);

	if (s[len] != '\0') {
		snprintf(err, errlen,
			 "invalid component name '%s': expected letters, "
			 "digits, '_' and '-'",
			 s);
		return -EINVAL;
	}
	if (len >= SPP_COMP_NAME_LEN) {
		snprintf(err, errlen,
			 "component name '%s' is longer than %d characters", s,
			 SPP_COMP_NAME_LEN - 1);
		return -EINVAL;
	}
	cmd->comp_name = s;
	return 0;
}

/* "forward, merge or classifier": the component types of kinds procs. */
static void
cmd_comp_types(unsigned int procs, char *buf, size_t len)
{
	const char *names[NB_COMP_TYPES];
	size_t t;
	int n = 0;

	for (t = SPP_COMP_NONE + 1; t < NB_COMP_TYPES; t++)
		if (comp_types[t].procs & procs)
			names[n++] = comp_types[t].name;
	cmd_join_or(names, n, buf, len);
}

static int
cmd_parse_comp_type(struct spp_cmd *cmd, const char *s, enum spp_proc_kind proc,
		    char *err, size_t errlen)
{
	enum spp_comp_type t = spp_comp_type_from_name(s);
	char list[64];

	cmd_comp_types(proc, list, sizeof(list));
	if (t == SPP_COMP_NONE) {
		snprintf(err, errlen,
			 "unknown component type '%s', expected %s", s, list);
		return -EINVAL;
	}
	if (!(comp_types[t].procs & proc)) {
		snprintf(err, errlen,
			 "component type '%s' is not supported by %s, "
			 "expected %s",
			 s, spp_proc_kind_name(proc), list);
		return -ENOTSUP;
	}
	cmd->comp_type = t;
	return 0;
}

static const char *const copy_modes[] = {
	[SPP_COPY_AUTO] = "auto",
	[SPP_COPY_DEEP] = "deep",
	[SPP_COPY_SHALLOW] = "shallow",
};
#define NB_COPY_MODES (sizeof(copy_modes) / sizeof(copy_modes[0]))

const char *
spp_copy_mode_name(enum spp_copy_mode m)
{
	return (size_t)m < NB_COPY_MODES ? copy_modes[m] : NULL;
}

/* the copy mode of a mirror component */
static int
cmd_parse_copy_mode(struct spp_cmd *cmd, const char *s, char *err,
		    size_t errlen)
{
	size_t m;

	if (cmd->comp_type != SPP_COMP_MIRROR) {
		snprintf(err, errlen,
			 "a copy mode ('%s') is for mirror components only", s);
		return -EINVAL;
	}
	for (m = 0; m < NB_COPY_MODES; m++)
		if (strcmp(s, copy_modes[m]) == 0) {
			cmd->copy = (enum spp_copy_mode)m;
			return 0;
		}
	snprintf(err, errlen,
		 "unknown copy mode '%s', expected auto, deep or shallow", s);
	return -EINVAL;
}

/* component start NAME CORE TYPE [COPY_MODE] */
static int
cmd_parse_comp_start(struct spp_cmd *cmd, const struct spp_cmd_def *def,
		     enum spp_proc_kind proc, char **argv, int argc, char *err,
		     size_t errlen)
{
	int ret;

	if (argc != 3 && argc != 4)
		return cmd_usage(def, err, errlen);
	ret = cmd_parse_comp_name(cmd, argv[0], err, errlen);
	if (ret == 0)
		ret = cmd_parse_uint(argv[1], SPP_CMD_LCORE_MAX, "lcore",
				     &cmd->core, err, errlen);
	if (ret == 0)
		ret = cmd_parse_comp_type(cmd, argv[2], proc, err, errlen);
	if (ret == 0 && argc == 4)
		ret = cmd_parse_copy_mode(cmd, argv[3], err, errlen);
	return ret;
}

/* add_vlantag VID PCP | del_vlantag, after "port add RES DIR NAME" */
static int
cmd_parse_vlan_op(struct spp_cmd *cmd, const struct spp_cmd_def *def,
		  enum spp_proc_kind proc, char **argv, int argc, char *err,
		  size_t errlen)
{
	int add = strcmp(argv[0], "add_vlantag") == 0;
	int ret;

	if (!add && strcmp(argv[0], "del_vlantag") != 0) {
		if (def->id != SPP_CMD_PORT_ADD || !(proc & SPP_PROC_VF))
			return cmd_usage(def, err, errlen);
		snprintf(err, errlen,
			 "expected add_vlantag or del_vlantag, got '%s'",
			 argv[0]);
		return -EINVAL;
	}
	if (def->id != SPP_CMD_PORT_ADD) {
		snprintf(err, errlen, "%s is only for 'port add', not '%s'",
			 argv[0], def->name);
		return -EINVAL;
	}
	if (!(proc & SPP_PROC_VF)) {
		snprintf(err, errlen, "%s is not supported by %s", argv[0],
			 spp_proc_kind_name(proc));
		return -ENOTSUP;
	}
	if (!add) {
		if (argc != 1) {
			snprintf(err, errlen, "del_vlantag takes no argument");
			return -EINVAL;
		}
		cmd->vlan_op = SPP_VLAN_DEL;
		return 0;
	}
	if (argc != 3) {
		snprintf(err, errlen, "add_vlantag needs VID PCP");
		return -EINVAL;
	}
	ret = cmd_parse_uint(argv[1], SPP_VLAN_ID_MAX, "VLAN id", &cmd->vlan_id,
			     err, errlen);
	if (ret == 0)
		ret = cmd_parse_uint(argv[2], SPP_VLAN_PCP_MAX, "VLAN PCP",
				     &cmd->vlan_pcp, err, errlen);
	if (ret == 0)
		cmd->vlan_op = SPP_VLAN_ADD;
	return ret;
}

/* port add|del RES rx|tx NAME [add_vlantag VID PCP | del_vlantag] */
static int
cmd_parse_port(struct spp_cmd *cmd, const struct spp_cmd_def *def,
	       enum spp_proc_kind proc, char **argv, int argc, char *err,
	       size_t errlen)
{
	int ret;

	if (argc < 3)
		return cmd_usage(def, err, errlen);
	ret = cmd_parse_res(cmd, argv[0], err, errlen);
	if (ret < 0)
		return ret;
	if (strcmp(argv[1], "rx") == 0) {
		cmd->dir = SPP_DIR_RX;
	} else if (strcmp(argv[1], "tx") == 0) {
		cmd->dir = SPP_DIR_TX;
	} else {
		snprintf(err, errlen, "expected rx or tx, got '%s'", argv[1]);
		return -EINVAL;
	}
	ret = cmd_parse_comp_name(cmd, argv[2], err, errlen);
	if (ret < 0 || argc == 3)
		return ret;
	return cmd_parse_vlan_op(cmd, def, proc, argv + 3, argc - 3, err,
				 errlen);
}

static int
cmd_hex(int c)
{
	return c <= '9' ? c - '0' : tolower(c) - 'a' + 10;
}

/* XX:XX:XX:XX:XX:XX or "default" */
static int
cmd_parse_mac(struct spp_cmd *cmd, const char *s, char *err, size_t errlen)
{
	const unsigned char *p = (const unsigned char *)s;
	int i;

	if (strcmp(s, "default") == 0) {
		cmd->cls_default = 1;
		return 0;
	}
	for (i = 0; i < 6; i++, p += 3) {
		if (!isxdigit(p[0]) || !isxdigit(p[1]) ||
		    p[2] != (i < 5 ? ':' : '\0')) {
			memset(cmd->mac, 0, sizeof(cmd->mac));
			snprintf(err, errlen,
				 "invalid MAC address '%s', expected "
				 "XX:XX:XX:XX:XX:XX or default",
				 s);
			return -EINVAL;
		}
		cmd->mac[i] = (uint8_t)(cmd_hex(p[0]) << 4 | cmd_hex(p[1]));
	}
	return 0;
}

/* classifier_table add|del mac MAC|default RES, or vlan VID MAC|default RES */
static int
cmd_parse_cls(struct spp_cmd *cmd, const struct spp_cmd_def *def, char **argv,
	      int argc, char *err, size_t errlen)
{
	int ret = 0, i = 1;

	if (argc == 0)
		return cmd_usage(def, err, errlen);
	if (strcmp(argv[0], "mac") == 0) {
		cmd->cls_type = SPP_CLS_MAC;
	} else if (strcmp(argv[0], "vlan") == 0) {
		cmd->cls_type = SPP_CLS_VLAN;
		i = 2;
	} else {
		snprintf(err, errlen, "expected mac or vlan, got '%s'",
			 argv[0]);
		return -EINVAL;
	}
	if (argc != i + 2) {
		snprintf(err, errlen, "usage: %s %s", def->name,
			 i == 1 ? "mac MAC|default RES"
				: "vlan VID MAC|default RES");
		return -EINVAL;
	}
	if (cmd->cls_type == SPP_CLS_VLAN)
		ret = cmd_parse_uint(argv[1], SPP_VLAN_ID_MAX, "VLAN id",
				     &cmd->cls_vlan, err, errlen);
	if (ret == 0)
		ret = cmd_parse_mac(cmd, argv[i], err, errlen);
	if (ret == 0)
		ret = cmd_parse_res(cmd, argv[i + 1], err, errlen);
	return ret;
}

static int
cmd_parse_args(struct spp_cmd *cmd, const struct spp_cmd_def *def,
	       enum spp_proc_kind proc, char **argv, int argc, char *err,
	       size_t errlen)
{
	int ret;

	switch (def->id) {
	case SPP_CMD_ADD:
		if (argc == 3) {
			ret = cmd_parse_res(cmd, argv[0], err, errlen);
			if (ret == 0 && cmd->res[0].type != SPP_RES_PIPE)
				return cmd_usage(def, err, errlen);
			if (ret == 0)
				ret = cmd_parse_res(cmd, argv[1], err, errlen);
			if (ret == 0)
				ret = cmd_parse_res(cmd, argv[2], err, errlen);
			if (ret == 0 && (cmd->res[1].type != SPP_RES_RING ||
					 cmd->res[2].type != SPP_RES_RING)) {
				snprintf(err, errlen,
					 "a pipe is made of two rings: add "
					 "pipe:N ring:A ring:B");
				return -EINVAL;
			}
			return ret;
		}
		/* fallthrough */
	case SPP_CMD_DEL:
		if (argc != 1)
			return cmd_usage(def, err, errlen);
		/* "add pipe:N" alone takes an existing pipe as a port */
		return cmd_parse_res(cmd, argv[0], err, errlen);
	case SPP_CMD_PATCH:
		if (argc != 2 && argc != 3)
			return cmd_usage(def, err, errlen);
		ret = cmd_parse_res(cmd, argv[0], err, errlen);
		if (ret == 0)
			ret = cmd_parse_res(cmd, argv[1], err, errlen);
		cmd->core = SPP_CMD_LCORE_ANY;
		if (ret == 0 && argc == 3)
			ret = cmd_parse_uint(argv[2], SPP_CMD_LCORE_MAX,
					     "lcore", &cmd->core, err, errlen);
		return ret;
	case SPP_CMD_LAUNCH:
		return cmd_parse_launch(cmd, argv, argc, err, errlen);
	case SPP_CMD_COMPONENT_START:
		return cmd_parse_comp_start(cmd, def, proc, argv, argc, err,
					    errlen);
	case SPP_CMD_COMPONENT_STOP:
		if (argc != 1)
			return cmd_usage(def, err, errlen);
		return cmd_parse_comp_name(cmd, argv[0], err, errlen);
	case SPP_CMD_PORT_ADD:
	case SPP_CMD_PORT_DEL:
		return cmd_parse_port(cmd, def, proc, argv, argc, err, errlen);
	case SPP_CMD_CLS_ADD:
	case SPP_CMD_CLS_DEL:
		return cmd_parse_cls(cmd, def, argv, argc, err, errlen);
	default:
		if (argc != 0)
			return cmd_usage(def, err, errlen);
		return 0;
	}
}

/*
 * No command matched. When the first word starts commands of two words
 * ("component start"), say which second words there are.
 */
static int
cmd_unknown(const struct spp_cmd *cmd, char *err, size_t errlen)
{
	const char *words[8];
	const struct spp_cmd_def *def;
	size_t len = strlen(cmd->argv[0]);
	char list[128];
	int n = 0;

	for (def = spp_cmd_defs; def->name != NULL && n < 8; def++)
		if (strncmp(def->name, cmd->argv[0], len) == 0 &&
		    def->name[len] == ' ')
			words[n++] = def->name + len + 1;
	if (n == 0) {
		snprintf(err, errlen, "unknown command '%s'", cmd->argv[0]);
		return -EINVAL;
	}
	cmd_join_or(words, n, list, sizeof(list));
	if (cmd->argc == 1)
		snprintf(err, errlen, "'%s' needs %s", cmd->argv[0], list);
	else
		snprintf(err, errlen, "expected %s after '%s', got '%s'", list,
			 cmd->argv[0], cmd->argv[1]);
	return -EINVAL;
}

int
spp_cmd_parse(const char *line, enum spp_proc_kind proc, struct spp_cmd *cmd,
	      char *err, size_t errlen)
{
	const struct spp_cmd_def *def;
	int words;

	memset(cmd, 0, sizeof(*cmd));
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	cmd->line = strdup(line);
	if (cmd->line == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	cmd->argc = spp_cmd_tokenize(cmd->line, cmd->argv, SPP_CMD_MAX_ARGS);
	if (cmd->argc < 0) {
		snprintf(err, errlen, "too many words, at most %d",
			 SPP_CMD_MAX_ARGS);
		return -EINVAL;
	}
	if (cmd->argc == 0) {
		snprintf(err, errlen, "empty command");
		return -EINVAL;
	}
	cmd_join_queues(cmd);
	/* The table lists longer names ("patch reset") before "patch". */
	for (def = spp_cmd_defs; def->name != NULL; def++) {
		if (!cmd_name_matches(def->name, cmd->argv, cmd->argc))
			continue;
		if (!(def->procs & proc)) {
			snprintf(err, errlen,
				 "command '%s' is not supported "
				 "by %s",
				 def->name, spp_proc_kind_name(proc));
			return -ENOTSUP;
		}
		cmd->id = def->id;
		words = cmd_name_words(def->name);
		return cmd_parse_args(cmd, def, proc, cmd->argv + words,
				      cmd->argc - words, err, errlen);
	}
	return cmd_unknown(cmd, err, errlen);
}

void
spp_cmd_free(struct spp_cmd *cmd)
{
	free(cmd->line);
	cmd->line = NULL;
}
