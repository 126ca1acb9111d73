/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Application options of the SPP DPDK processes (what follows "--" on their
 * command line). Pure C, no EAL, so it is unit tested on its own.
 */
#ifndef SPP_OPTS_H
#define SPP_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spp_cmd.h"
#include "spp_res.h"

#define SPP_OPTS_MAX_PORT_NUM 32
#define SPP_OPTS_MAX_QUEUES 16
#define SPP_OPTS_MAX_RINGS 1024
/* entries of each shared ring (--ring-size), a power of 2 */
#define SPP_OPTS_RING_SIZE_DEFAULT 1024
#define SPP_OPTS_RING_SIZE_MIN 64
#define SPP_OPTS_RING_SIZE_MAX 65536

struct spp_opts_port_num {
	uint16_t port; /* phy port index */
	uint16_t rxq;
	uint16_t txq;
};

struct spp_opts {
	enum spp_proc_kind kind;
	/* where spp-ctl listens (-s IP:PORT) */
	char ctl_host[64];
	uint16_t ctl_port;
	/* primary */
	uint64_t portmask;
	unsigned int nb_rings;
	unsigned int ring_size; /* --ring-size: a ring holds ring_size - 1 */
	int nb_port_num;
	struct spp_opts_port_num port_num[SPP_OPTS_MAX_PORT_NUM];
	char log_dir[256];
	/* name of the mbuf pool (--pool-name), at most 25 characters */
	char pool_name[32];
	/* mempool ops of the pool (--pool-ops): lf_stack or ring_mp_mc */
	char pool_ops[16];
	/* secondaries */
	unsigned int client_id;
	bool vhost_client;
	/* every forwarding process: poll at full speed, never sleep */
	bool busy_poll;
	/* spp_pcap */
	struct spp_res capture;	  /* -c RES */
	struct spp_res pass_to;	  /* --pass-to RES; type NONE if not given */
	char out_dir[256];	  /* --out-dir, default /tmp */
	unsigned long long fsize; /* --fsize, bytes of pcap per file */
};

#define SPP_OPTS_FSIZE_DEFAULT (1ULL << 30)
#define SPP_OPTS_FSIZE_MIN 4096ULL

/*
 * Parse argv (argv[0] is the program name) for a process of the given kind.
 * Returns 0, 1 when -h/--help was given (usage is to be printed), or -EINVAL
 * with a message in err.
 */
int spp_opts_parse(enum spp_proc_kind kind, int argc, char *const argv[],
		   struct spp_opts *o, char *err, size_t errlen);

/* The --port-num of phy port phy, or NULL when none was given for it. */
const struct spp_opts_port_num *spp_opts_port_num(const struct spp_opts *o,
						  unsigned int phy);

/*
 * Check every --port-num against the nb_phy phy ports that exist. Returns
 * 0, or -EINVAL with err naming the first that has no port.
 */
int spp_opts_check_port_num(const struct spp_opts *o, unsigned int nb_phy,
			    char *err, size_t errlen);

/* Usage text of the application options of a kind. */
const char *spp_opts_usage(enum spp_proc_kind kind);

/* Parse "IP:PORT" into host and port. Returns 0 or -EINVAL. */
int spp_opts_parse_hostport(const char *s, char *host, size_t hostlen,
			    uint16_t *port);

/*
 * Parse an unsigned decimal (or 0x-prefixed hex when base is 0) number in
 * [min, max], the whole string. Returns 0 or -EINVAL.
 */
int spp_opts_parse_ulong(const char *s, int base, unsigned long long min,
			 unsigned long long max, unsigned long long *val);

#endif /* SPP_OPTS_H */
