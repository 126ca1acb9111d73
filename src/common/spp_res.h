/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Resource ids ("phy:0", "phy:1nq2", "ring:3", "vhost:0", ...): parsing and
 * formatting.  Pure C, no EAL: used by the processes, spp-ctl and the CLI.
 */
#ifndef SPP_RES_H
#define SPP_RES_H

#include <stddef.h>
#include <stdint.h>

enum spp_res_type {
	SPP_RES_NONE = 0,
	SPP_RES_PHY,
	SPP_RES_RING,
	SPP_RES_VHOST,
	SPP_RES_PCAP,
	SPP_RES_NULLPMD,
	SPP_RES_MEMIF,
	SPP_RES_TAP,
	SPP_RES_PIPE,
	SPP_RES_TYPE_MAX,
};

/* Largest N accepted in TYPE:N, and largest queue id in phy:NnqQ. */
#define SPP_RES_ID_MAX 1023
#define SPP_RES_QUEUE_MAX 127
/* Longest formatted id, "nullpmd:1023" or "phy:1023 nq 127", with NUL. */
#define SPP_RES_NAME_LEN 24

struct spp_res {
	enum spp_res_type type;
	uint16_t id;
	/* Queue of a multi-queue phy port; -1 when not given. */
	int16_t queue;
};

/* Name of a type ("phy", "ring", ...), or NULL for an invalid type. */
const char *spp_res_type_name(enum spp_res_type type);

/* Type for a name, or SPP_RES_NONE if the name is unknown. */
enum spp_res_type spp_res_type_from_name(const char *name, size_t len);

/*
 * Parse a resource id in wire form: "TYPE:N", or "phy:NnqQ" for a queue of
 * a phy port ("phy:N nq Q", the human form of status, is taken too). Returns 0,
 * or -EINVAL with a message in err (if err is not NULL) saying what is wrong.
 */
int spp_res_parse(const char *s, struct spp_res *res, char *err, size_t errlen);

/* Wire form: "ring:1", "phy:0nq1". Returns the length written or -ENOSPC. */
int spp_res_format(const struct spp_res *res, char *buf, size_t len);

/* Human form used in status and the CLI: "ring:1", "phy:0 nq 1". */
int spp_res_format_human(const struct spp_res *res, char *buf, size_t len);

/* 1 when both name the same port and queue. */
int spp_res_equal(const struct spp_res *a, const struct spp_res *b);

#endif /* SPP_RES_H */
