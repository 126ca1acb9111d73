/* SPDX-License-Identifier: BSD-3-Clause */
#include "spp_cmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROCS_FWD (SPP_PROC_PRIMARY | SPP_PROC_NFV)
#define PROCS_ALL                                                              \
	(SPP_PROC_PRIMARY | SPP_PROC_NFV | SPP_PROC_VF | SPP_PROC_MIRROR |     \
	 SPP_PROC_PCAP)

const struct spp_cmd_def spp_cmd_defs[] = {
	{"status", SPP_CMD_STATUS, PROCS_ALL, "", "show status"},
	{"clear", SPP_CMD_CLEAR, SPP_PROC_PRIMARY, "",
	 "clear port and ring counters"},
	{"exit", SPP_CMD_EXIT, PROCS_ALL, "", "terminate the process"},
	{"add", SPP_CMD_ADD, PROCS_FWD, "RES | pipe:N ring:A ring:B",
	 "add a port"},
	{"del", SPP_CMD_DEL, PROCS_FWD, "RES", "delete a port"},
	{"patch reset", SPP_CMD_PATCH_RESET, PROCS_FWD, "",
	 "remove every patch"},
	{"patch", SPP_CMD_PATCH, PROCS_FWD, "SRC DST",
	 "one-way patch from SRC to DST"},
	{"forward", SPP_CMD_FORWARD, PROCS_FWD, "", "start forwarding"},
	{"stop", SPP_CMD_STOP, PROCS_FWD, "", "stop forwarding"},
	{"launch", SPP_CMD_LAUNCH, SPP_PROC_PRIMARY,
	 "ID PROC_NAME EAL_ARGS... -- APP_ARGS...",
	 "start a secondary process"},
	{NULL, SPP_CMD_MAX, 0, NULL, NULL},
};

static const struct {
	enum spp_proc_kind kind;
	const char *name;
	const char *binary;
} proc_kinds[] = {
	{SPP_PROC_PRIMARY, "primary", "spp_primary"},
	{SPP_PROC_NFV, "nfv", "spp_nfv"},
	{SPP_PROC_VF, "vf", "spp_vf"},
	{SPP_PROC_MIRROR, "mirror", "spp_mirror"},
	{SPP_PROC_PCAP, "pcap", "spp_pcap"},
};

#define NB_PROC_KINDS (sizeof(proc_kinds) / sizeof(proc_kinds[0]))

const char *
spp_proc_kind_name(enum spp_proc_kind kind)
{
	size_t i;

	for (i = 0; i < NB_PROC_KINDS; i++)
		if (proc_kinds[i].kind == kind)
			return proc_kinds[i].name;
	return NULL;
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

static int
cmd_parse_args(struct spp_cmd *cmd, const struct spp_cmd_def *def, char **argv,
	       int argc, char *err, size_t errlen)
{
	int ret;

	switch (def->id) {
	case SPP_CMD_ADD:
		if (argc == 3) {
			ret = cmd_parse_res(cmd, argv[0], err, errlen);
			if (ret == 0 && cmd->res[0].type != SPP_RES_PIPE)
				goto usage;
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
			goto usage;
		/* "add pipe:N" alone takes an existing pipe as a port */
		return cmd_parse_res(cmd, argv[0], err, errlen);
	case SPP_CMD_PATCH:
		if (argc != 2)
			goto usage;
		ret = cmd_parse_res(cmd, argv[0], err, errlen);
		if (ret == 0)
			ret = cmd_parse_res(cmd, argv[1], err, errlen);
		return ret;
	case SPP_CMD_LAUNCH:
		return cmd_parse_launch(cmd, argv, argc, err, errlen);
	default:
		if (argc != 0)
			goto usage;
		return 0;
	}
usage:
	if (def->usage[0] == '\0')
		snprintf(err, errlen, "'%s' takes no argument", def->name);
	else
		snprintf(err, errlen, "usage: %s %s", def->name, def->usage);
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
		return cmd_parse_args(cmd, def, cmd->argv + words,
				      cmd->argc - words, err, errlen);
	}
	snprintf(err, errlen, "unknown command '%s'", cmd->argv[0]);
	return -EINVAL;
}

void
spp_cmd_free(struct spp_cmd *cmd)
{
	free(cmd->line);
	cmd->line = NULL;
}
