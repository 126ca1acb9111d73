/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one command table and parser of SPP. Every process parses the command
 * text it gets from spp-ctl with it; spp-ctl and the CLI use the same table
 * to build and check command lines. Pure C, no EAL.
 */
#ifndef SPP_CMD_H
#define SPP_CMD_H

#include <stddef.h>
#include <stdint.h>

#include "spp_res.h"

/* Process kinds, as bits so a command can name which ones take it. */
enum spp_proc_kind {
	SPP_PROC_PRIMARY = 1 << 0,
	SPP_PROC_NFV = 1 << 1,
	SPP_PROC_VF = 1 << 2,
	SPP_PROC_MIRROR = 1 << 3,
	SPP_PROC_PCAP = 1 << 4,
};

/*
 * The facts about a process kind that the processes, spp-ctl and the CLI
 * share: its names, its REST paths, its application options (those a
 * launch needs, the usage text).
 */
struct spp_proc_info {
	enum spp_proc_kind kind;
	const char *name;   /* "nfv": spp-ctl, REST, the CLI */
	const char *binary; /* "spp_nfv": the program, launch */
	/* its REST path, "{id}" standing for its client id */
	const char *rest; /* "/v1/nfvs/{id}", "/v1/primary" */
	/* under rest: its status ("" or "/status"), start and stop */
	const char *rest_status;
	const char *rest_run; /* "/forward", "/capture"; NULL: none */
	const char *id_opt;   /* "-n", "--client-id"; NULL: no id */
	/* the application options a launch must give (after "--") */
	const char *required[3];
	/* the application options, as "usage: BINARY [EAL options] --" ends */
	const char *usage;
};

/* The facts about a kind, or NULL for no kind. */
const struct spp_proc_info *spp_proc_info(enum spp_proc_kind kind);

/* Name of a kind as spp-ctl and REST show it ("primary", "nfv", ...). */
const char *spp_proc_kind_name(enum spp_proc_kind kind);
/* Binary of a kind ("spp_nfv"), or NULL. */
const char *spp_proc_kind_binary(enum spp_proc_kind kind);
/* Kind for a name, or 0. */
enum spp_proc_kind spp_proc_kind_from_name(const char *name);
/* Kind for a binary name ("spp_nfv" -> SPP_PROC_NFV), or 0. */
enum spp_proc_kind spp_proc_kind_from_binary(const char *binary);

/*
 * The REST path of the process of kind with client id (the primary has
 * none), then sub, "{*}" in sub standing for arg, into buf (len bytes).
 */
void spp_proc_rest_path(enum spp_proc_kind kind, unsigned int id,
			const char *sub, const char *arg, char *buf,
			size_t len);

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
	/* spp_vf, spp_mirror */
	SPP_CMD_COMPONENT_START,
	SPP_CMD_COMPONENT_STOP,
	SPP_CMD_PORT_ADD,
	SPP_CMD_PORT_DEL,
	/* spp_vf */
	SPP_CMD_CLS_ADD,
	SPP_CMD_CLS_DEL,
	/* spp_pcap; its "stop" is SPP_CMD_STOP */
	SPP_CMD_START,
	SPP_CMD_MAX,
};

/* Component types of spp_vf (forward, merge, classifier), spp_mirror. */
enum spp_comp_type {
	SPP_COMP_NONE = 0,
	SPP_COMP_FORWARD,
	SPP_COMP_MERGE,
	SPP_COMP_CLASSIFIER,
	SPP_COMP_MIRROR,
	SPP_COMP_PATCH,	  /* an nfv patch: made by spp_fwd, not by a command */
	SPP_COMP_CAPTURE, /* spp_pcap's receiver and writers: made by */
	SPP_COMP_WRITER,  /* spp_capture, not by a command */
};

/* Direction a port is attached to a component with. */
enum spp_dir {
	SPP_DIR_NONE = 0,
	SPP_DIR_RX,
	SPP_DIR_TX,
};

/* VLAN tag operation of a port of a vf component. */
enum spp_vlan_op {
	SPP_VLAN_NONE = 0,
	SPP_VLAN_ADD,
	SPP_VLAN_DEL,
};

/* How a mirror component copies: "auto" (default), "deep", "shallow". */
enum spp_copy_mode {
	SPP_COPY_AUTO = 0,
	SPP_COPY_DEEP,
	SPP_COPY_SHALLOW,
};

/* "auto", "deep", "shallow"; NULL for an invalid mode. */
const char *spp_copy_mode_name(enum spp_copy_mode m);

/* Kind of a classifier table entry. */
enum spp_cls_type {
	SPP_CLS_MAC = 1,
	SPP_CLS_VLAN,
};

/* Longest component name, with NUL: names have 1-31 of [A-Za-z0-9_-]. */
#define SPP_COMP_NAME_LEN 32
/* Largest lcore of "component start" (RTE_MAX_LCORE - 1). */
#define SPP_CMD_LCORE_MAX 127
/* "patch SRC DST" without an lcore: the process places the patch. */
#define SPP_CMD_LCORE_ANY (SPP_CMD_LCORE_MAX + 1)
#define SPP_VLAN_ID_MAX 4095
#define SPP_VLAN_PCP_MAX 7

/* Names as in commands and status: "forward", "merge", "classifier",
 * "mirror"; NULL for SPP_COMP_NONE or an invalid type.
 */
const char *spp_comp_type_name(enum spp_comp_type t);
/* The process kinds that run a component type (bits), 0 if invalid. */
unsigned int spp_comp_type_procs(enum spp_comp_type t);
/* "classifier_mac" is accepted as an old name of "classifier". 0 if unknown. */
enum spp_comp_type spp_comp_type_from_name(const char *name);

#define SPP_CMD_MAX_ARGS 128

struct spp_cmd {
	enum spp_cmd_id id;
	/*
	 * add/del, port add/del, classifier_table add/del: port; patch: src,
	 * dst; add pipe: pipe, rx ring, tx ring
	 */
	struct spp_res res[3];
	int nres;
	/* launch */
	unsigned int client_id;
	const char *proc_name;
	int eal_argc;
	char **eal_argv; /* NULL-terminated */
	int app_argc;
	char **app_argv; /* NULL-terminated */
	/* component start/stop, port add/del: component name */
	const char *comp_name; /* points into the tokens; <= 31 chars */
	unsigned int core; /* component start, patch: lcore id, 0-127 (ANY) */
	enum spp_comp_type comp_type;
	enum spp_copy_mode copy; /* component start ... mirror [MODE] */
	/* port add/del: the port is res[0] (nres = 1) */
	enum spp_dir dir;
	enum spp_vlan_op vlan_op; /* port add only */
	unsigned int vlan_id;	  /* 0-4095, with SPP_VLAN_ADD */
	unsigned int vlan_pcp;	  /* 0-7, with SPP_VLAN_ADD */
	/* classifier_table add/del: the port is res[0] */
	enum spp_cls_type cls_type;
	unsigned int cls_vlan; /* SPP_CLS_VLAN: 0-4095 */
	int cls_default;       /* 1 for "default" instead of a MAC */
	uint8_t mac[6];	       /* unicast or multicast MAC; zero with default */
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
	/*
	 * The REST request that carries it (spp-ctl's route, the CLI's
	 * request): its method, and its path under the process's REST path,
	 * "{*}" standing for a component's name; NULL: the kind's own
	 * (rest_status for status, rest_run for start and stop).
	 */
	const char *rest_method;
	const char *rest_path;
};

/* The table, terminated by an entry whose name is NULL. */
extern const struct spp_cmd_def spp_cmd_defs[];

/*
 * The method and the path under the process's REST path of the request of
 * command id to a process of kind. Returns 0, or -ENOTSUP when kind does
 * not take the command.
 */
int spp_cmd_rest(enum spp_cmd_id id, enum spp_proc_kind kind,
		 const char **method, const char **path);

/*
 * Parse one command line for a process of kind proc. Returns 0, or -EINVAL
 * with a message in err naming what was expected, or -ENOTSUP when the
 * command exists but this kind of process does not take it, or not with
 * that option or component type (a VLAN tag option or a component of
 * spp_vf given to spp_mirror, a mirror given to spp_vf). cmd must be
 * released with spp_cmd_free() whatever the result.
 *
 * Which port types a process takes is checked by the process, not here.
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
