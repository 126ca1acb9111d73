/* SPDX-License-Identifier: BSD-3-Clause */
#include "spp_res.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const res_type_names[SPP_RES_TYPE_MAX] = {
	[SPP_RES_PHY] = "phy",	       [SPP_RES_RING] = "ring",
	[SPP_RES_VHOST] = "vhost",     [SPP_RES_PCAP] = "pcap",
	[SPP_RES_NULLPMD] = "nullpmd", [SPP_RES_MEMIF] = "memif",
	[SPP_RES_TAP] = "tap",	       [SPP_RES_PIPE] = "pipe",
};

const char *
spp_res_type_name(enum spp_res_type type)
{
	if (type <= SPP_RES_NONE || type >= SPP_RES_TYPE_MAX)
		return NULL;
	return res_type_names[type];
}

enum spp_res_type
spp_res_type_from_name(const char *name, size_t len)
{
	int t;

	for (t = SPP_RES_NONE + 1; t < SPP_RES_TYPE_MAX; t++) {
		if (strlen(res_type_names[t]) == len &&
		    memcmp(res_type_names[t], name, len) == 0)
			return (enum spp_res_type)t;
	}
	return SPP_RES_NONE;
}

/*
 * Parse a decimal number without sign, leading '+' or surplus zeros, at most
 * max. Returns the number of digits consumed, or -1.
 */
static int
res_parse_uint(const char *s, unsigned int max, unsigned int *val)
{
	unsigned int v = 0;
	int n = 0;

	while (s[n] >= '0' && s[n] <= '9') {
		if (n > 0 && v == 0)
			return -1; /* leading zero */
		v = v * 10 + (unsigned int)(s[n] - '0');
		if (v > max)
			return -1;
		n++;
	}
	if (n == 0)
		return -1;
	*val = v;
	return n;
}

#define RES_ERR(...)                                                           \
	do {                                                                   \
		if (err != NULL)                                               \
			snprintf(err, errlen, __VA_ARGS__);                    \
		return -EINVAL;                                                \
	} while (0)

int
spp_res_parse(const char *s, struct spp_res *res, char *err, size_t errlen)
{
	const char *whole = s, *colon;
	enum spp_res_type type;
	unsigned int id, queue;
	int n;

	if (s == NULL || *s == '\0')
		RES_ERR("empty port id, expected TYPE:N");
	colon = strchr(s, ':');
	if (colon == NULL)
		RES_ERR("invalid port id '%s', expected TYPE:N", s);
	type = spp_res_type_from_name(s, (size_t)(colon - s));
	if (type == SPP_RES_NONE)
		RES_ERR("unknown port type '%.*s' in '%s' (phy, ring, vhost, "
			"pcap, nullpmd, memif, tap, pipe)",
			(int)(colon - s), s, s);
	n = res_parse_uint(colon + 1, SPP_RES_ID_MAX, &id);
	if (n < 0)
		RES_ERR("invalid port number in '%s', expected 0-%d", s,
			SPP_RES_ID_MAX);
	res->type = type;
	res->id = (uint16_t)id;
	res->queue = -1;
	s = colon + 1 + n;
	if (*s == '\0')
		return 0;
	/* "phy:NnqQ", or the human form of status "phy:N nq Q" */
	if (type == SPP_RES_PHY &&
	    (strncmp(s, "nq", 2) == 0 || strncmp(s, " nq ", 4) == 0)) {
		const char *q = s + (s[0] == ' ' ? 4 : 2);

		n = res_parse_uint(q, SPP_RES_QUEUE_MAX, &queue);
		if (n < 0 || q[n] != '\0')
			RES_ERR("invalid queue in '%s', expected phy:NnqQ or "
				"'phy:N nq Q' with Q 0-%d",
				whole, SPP_RES_QUEUE_MAX);
		res->queue = (int16_t)queue;
		return 0;
	}
	RES_ERR("trailing characters '%s' in port id", s);
}

int
spp_res_format(const struct spp_res *res, char *buf, size_t len)
{
	const char *name = spp_res_type_name(res->type);
	int n;

	if (name == NULL)
		return -EINVAL;
	if (res->queue >= 0)
		n = snprintf(buf, len, "%s:%unq%d", name, res->id, res->queue);
	else
		n = snprintf(buf, len, "%s:%u", name, res->id);
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return n;
}

int
spp_res_format_human(const struct spp_res *res, char *buf, size_t len)
{
	const char *name = spp_res_type_name(res->type);
	int n;

	if (name == NULL)
		return -EINVAL;
	if (res->queue >= 0)
		n = snprintf(buf, len, "%s:%u nq %d", name, res->id,
			     res->queue);
	else
		n = snprintf(buf, len, "%s:%u", name, res->id);
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return n;
}

int
spp_res_equal(const struct spp_res *a, const struct spp_res *b)
{
	return a->type == b->type && a->id == b->id && a->queue == b->queue;
}
