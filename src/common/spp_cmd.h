/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one command table and parser of SPP. Every process parses the command
 * text it gets from spp-ctl with it; spp-ctl and the CLI use the same table
 * to build and check command lines. Pure C, no EAL.
 */
#ifndef SPP_CMD_H
#define SPP_CMD_H

#include <stddef.h>

#include "spp_res.h"

/* Process kinds, as bits so a command can name which ones take it. */
enum spp_proc_kind {
	SPP_PROC_PRIMARY = 1 << 0,
	SPP_PROC_NFV = 1 << 1,
	SPP_PROC_VF = 1 << 2,
	SPP_PROC_MIRROR = 1 << 3,
	SPP_PROC_PCAP = 1 << 4,
};

/* Name of a kind as spp-ctl and REST show it ("primary", "nfv", ...). */
const char *spp_proc_kind_name(enum spp_proc_kind kind);
/* Kind for a name, or 0. */
enum spp_proc_kind spp_proc_kind_from_name(const char *name);
/* Kind for a binary name ("spp_nfv" -> SPP_PROC_NFV), or 0. */
enum spp_proc_kind spp_proc_kind_from_binary(const char *binary);

enum spp_cmd_id {
	SPP_CMD_STATUS,
	SPP_CMD_CLEAR,
	SPP_CMD_EXIT,
	SPP_CMD_ADD,
	SPP_CMD_DEL,
	SPP_CMD_PATCH,
	SPP_CMD_PATCH_RESET,
	SPP_CMD_FORWARD,
	SPP_CMD_STOP,
	SPP_CMD_LAUNCH,
	SPP_CMD_MAX,
};

#define SPP_CMD_MAX_ARGS 128

struct spp_cmd {
	enum spp_cmd_id id;
	/* add/del: port; patch: src, dst; add pipe: pipe, rx ring, tx ring */
	struct spp_res res[3];
	int nres;
	/* launch */
	unsigned int client_id;
	const char *proc_name;
	int eal_argc;
	char **eal_argv; /* NULL-terminated */
	int app_argc;
	char **app_argv; /* NULL-terminated */
	/* storage: the tokens of the line */
	int argc;
	char *argv[SPP_CMD_MAX_ARGS + 1];
	char *line;
};

struct spp_cmd_def {
	const char *name; /* first word(s), e.g. "patch reset" */
	enum spp_cmd_id id;
	unsigned int procs; /* spp_proc_kind bits */
	const char *usage;  /* arguments, for error messages and help */
	const char *help;   /* one line */
};

/* The table, terminated by an entry whose name is NULL. */
extern const struct spp_cmd_def spp_cmd_defs[];

/*
 * Parse one command line for a process of kind proc. Returns 0, or -EINVAL
 * with a message in err naming what was expected, or -ENOTSUP when the
 * command exists but this kind of process does not take it. cmd must be
 * released with spp_cmd_free() whatever the result.
 */
int spp_cmd_parse(const char *line, enum spp_proc_kind proc,
		  struct spp_cmd *cmd, char *err, size_t errlen);
void spp_cmd_free(struct spp_cmd *cmd);

/*
 * Split a line into whitespace-separated tokens, in place. Returns the
 * number of tokens, or -E2BIG when there are more than max.
 */
int spp_cmd_tokenize(char *line, char **argv, int max);

#endif /* SPP_CMD_H */
