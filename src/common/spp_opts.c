/* SPDX-License-Identifier: BSD-3-Clause */
#include "spp_opts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OPTS_ERR(...)                                                          \
	do {                                                                   \
		snprintf(err, errlen, __VA_ARGS__);                            \
		return -EINVAL;                                                \
	} while (0)

int
spp_opts_parse_ulong(const char *s, int base, unsigned long long min,
		     unsigned long long max, unsigned long long *val)
{
	unsigned long long v;
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -EINVAL;
	*val = v;
	return 0;
}

int
spp_opts_parse_hostport(const char *s, char *host, size_t hostlen,
			uint16_t *port)
{
	const char *colon = strrchr(s, ':');
	unsigned long long p;

	if (colon == NULL || colon == s || (size_t)(colon - s) >= hostlen)
		return -EINVAL;
	if (spp_opts_parse_ulong(colon + 1, 10, 1, 65535, &p) < 0)
		return -EINVAL;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	*port = (uint16_t)p;
	return 0;
}

const char *
spp_opts_usage(enum spp_proc_kind kind)
{
	const struct spp_proc_info *p = spp_proc_info(kind);

	return p == NULL ? "" : p->usage;
}

/* -c, --out-dir, --fsize, --pass-to of spp_pcap; 1 if opt is none of them */
static int
opts_pcap(const char *opt, const char *val, struct spp_opts *o, char *err,
	  size_t errlen)
{
	char why[128];

	if (strcmp(opt, "-c") == 0 || strcmp(opt, "--pass-to") == 0) {
		struct spp_res *r = opt[1] == 'c' ? &o->capture : &o->pass_to;

		if (spp_res_parse(val, r, why, sizeof(why)) < 0)
			OPTS_ERR("%s: %s", opt, why);
		if (r->type != SPP_RES_PHY && r->type != SPP_RES_RING)
			OPTS_ERR("%s: '%s' is not a phy or ring port", opt,
				 val);
		return 0;
	}
	if (strcmp(opt, "--out-dir") == 0) {
		if (val[0] == '\0' || strlen(val) >= sizeof(o->out_dir) - 64)
			OPTS_ERR("--out-dir: invalid directory '%s'", val);
		snprintf(o->out_dir, sizeof(o->out_dir), "%s", val);
		return 0;
	}
	if (strcmp(opt, "--fsize") == 0) {
		if (spp_opts_parse_ulong(val, 10, SPP_OPTS_FSIZE_MIN,
					 UINT64_MAX >> 1, &o->fsize) < 0)
			OPTS_ERR("--fsize: invalid size '%s' (bytes, at least "
				 "%llu)",
				 val, SPP_OPTS_FSIZE_MIN);
		return 0;
	}
	return 1;
}

/* spp_vf, spp_mirror and spp_pcap name their id --client-id, nfv -n. */
static bool
opts_long_id(enum spp_proc_kind kind)
{
	const struct spp_proc_info *p = spp_proc_info(kind);

	return p != NULL && p->id_opt != NULL &&
	       strcmp(p->id_opt, "--client-id") == 0;
}

/* The value of option argv[*i], moving *i past it. */
static const char *
opts_value(int argc, char *const argv[], int *i)
{
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

static int
opts_port_num(int argc, char *const argv[], int *i, struct spp_opts *o,
	      char *err, size_t errlen)
{
	static const char *const words[] = {NULL, "rxq", NULL, "txq", NULL};
	unsigned long long v[3];
	int k;

	if (o->nb_port_num == SPP_OPTS_MAX_PORT_NUM)
		OPTS_ERR("--port-num given more than %d times",
			 SPP_OPTS_MAX_PORT_NUM);
	for (k = 0; k < 5; k++) {
		const char *s = opts_value(argc, argv, i);

		if (s == NULL)
			OPTS_ERR("--port-num needs P rxq R txq T");
		if (words[k] != NULL) {
			if (strcmp(s, words[k]) != 0)
				OPTS_ERR("--port-num: expected '%s', got '%s'",
					 words[k], s);
			continue;
		}
		if (spp_opts_parse_ulong(s, 10, k == 0 ? 0 : 1,
					 k == 0 ? 63 : SPP_OPTS_MAX_QUEUES,
					 &v[k / 2]) < 0)
			OPTS_ERR("--port-num: invalid %s '%s' (%s)",
				 k == 0 ? "port" : "queue count", s,
				 k == 0 ? "0-63" : "1-16");
	}
	o->port_num[o->nb_port_num].port = (uint16_t)v[0];
	o->port_num[o->nb_port_num].rxq = (uint16_t)v[1];
	o->port_num[o->nb_port_num].txq = (uint16_t)v[2];
	o->nb_port_num++;
	return 0;
}

const struct spp_opts_port_num *
spp_opts_port_num(const struct spp_opts *o, unsigned int phy)
{
	int i;

	for (i = 0; i < o->nb_port_num; i++)
		if (o->port_num[i].port == phy)
			return &o->port_num[i];
	return NULL;
}

int
spp_opts_check_port_num(const struct spp_opts *o, unsigned int nb_phy,
			char *err, size_t errlen)
{
	int i;

	for (i = 0; i < o->nb_port_num; i++)
		if (o->port_num[i].port >= nb_phy)
			OPTS_ERR("--port-num %u: there is no phy:%u (%u phy "
				 "port(s))",
				 o->port_num[i].port, o->port_num[i].port,
				 nb_phy);
	return 0;
}

int
spp_opts_parse(enum spp_proc_kind kind, int argc, char *const argv[],
	       struct spp_opts *o, char *err, size_t errlen)
{
	bool has_p = false, has_n = false, has_s = false;
	unsigned long long v;
	const char *val;
	int i, ret;

	memset(o, 0, sizeof(*o));
	o->kind = kind;
	snprintf(o->log_dir, sizeof(o->log_dir), "/tmp/spp/log");
	snprintf(o->pool_name, sizeof(o->pool_name), "spp_mbuf_pool");
	snprintf(o->pool_ops, sizeof(o->pool_ops), "lf_stack");
	o->ring_size = SPP_OPTS_RING_SIZE_DEFAULT;
	snprintf(o->out_dir, sizeof(o->out_dir), "/tmp");
	o->fsize = SPP_OPTS_FSIZE_DEFAULT;
	for (i = 1; i < argc; i++) {
		const char *opt = argv[i];

		if (opts_long_id(kind)) {
			if (strcmp(opt, "-n") == 0)
				OPTS_ERR("unknown option '-n' (the client id "
					 "is --client-id ID)");
			if (strcmp(opt, "--client-id") == 0)
				opt = "-n";
		}

		if (strcmp(opt, "-h") == 0 || strcmp(opt, "--help") == 0)
			return 1;
		if (strcmp(opt, "--busy-poll") == 0) {
			o->busy_poll = true;
			continue;
		}
		if (kind != SPP_PROC_PRIMARY &&
		    strcmp(opt, "--vhost-client") == 0) {
			o->vhost_client = true;
			continue;
		}
		if (kind == SPP_PROC_PRIMARY &&
		    strcmp(opt, "--port-num") == 0) {
			ret = opts_port_num(argc, argv, &i, o, err, errlen);
			if (ret < 0)
				return ret;
			continue;
		}
		if (kind == SPP_PROC_PCAP &&
		    (strcmp(opt, "-c") == 0 || strcmp(opt, "--out-dir") == 0 ||
		     strcmp(opt, "--fsize") == 0 ||
		     strcmp(opt, "--pass-to") == 0)) {
			val = opts_value(argc, argv, &i);
			if (val == NULL)
				OPTS_ERR("option '%s' needs a value", opt);
			ret = opts_pcap(opt, val, o, err, errlen);
			if (ret < 0)
				return ret;
			continue;
		}
		if (strcmp(opt, "-s") != 0 && strcmp(opt, "-n") != 0 &&
		    strcmp(opt, "--log-dir") != 0 &&
		    (kind != SPP_PROC_PRIMARY ||
		     (strcmp(opt, "-p") != 0 &&
		      strcmp(opt, "--pool-name") != 0 &&
		      strcmp(opt, "--pool-ops") != 0 &&
		      strcmp(opt, "--ring-size") != 0)))
			OPTS_ERR("unknown option '%s'", opt);
		val = opts_value(argc, argv, &i);
		if (val == NULL)
			OPTS_ERR("option '%s' needs a value", opt);
		if (strcmp(opt, "-s") == 0) {
			if (spp_opts_parse_hostport(val, o->ctl_host,
						    sizeof(o->ctl_host),
						    &o->ctl_port) < 0)
				OPTS_ERR("-s: invalid address '%s', expected "
					 "IP:PORT",
					 val);
			has_s = true;
		} else if (strcmp(opt, "-p") == 0) {
			/* base 16 takes "0x3" and "3" alike */
			if (spp_opts_parse_ulong(val, 16, 0, UINT64_MAX, &v) <
			    0)
				OPTS_ERR("-p: invalid port mask '%s', expected "
					 "hex such as 0x3",
					 val);
			o->portmask = v;
			has_p = true;
		} else if (strcmp(opt, "--log-dir") == 0) {
			if (strlen(val) >= sizeof(o->log_dir) || val[0] == '\0')
				OPTS_ERR("--log-dir: invalid directory");
			snprintf(o->log_dir, sizeof(o->log_dir), "%s", val);
		} else if (strcmp(opt, "--pool-name") == 0) {
			/* RTE_MEMPOOL_NAMESIZE is 26 with the terminator */
			if (val[0] == '\0' || strlen(val) > 25)
				OPTS_ERR("--pool-name: '%s' must have 1-25 "
					 "characters",
					 val);
			snprintf(o->pool_name, sizeof(o->pool_name), "%s", val);
		} else if (strcmp(opt, "--pool-ops") == 0) {
			if (strcmp(val, "lf_stack") != 0 &&
			    strcmp(val, "ring_mp_mc") != 0)
				OPTS_ERR("--pool-ops: unknown '%s' (lf_stack "
					 "or ring_mp_mc)",
					 val);
			snprintf(o->pool_ops, sizeof(o->pool_ops), "%s", val);
		} else if (strcmp(opt, "--ring-size") == 0) {
			if (spp_opts_parse_ulong(
				    val, 10, SPP_OPTS_RING_SIZE_MIN,
				    SPP_OPTS_RING_SIZE_MAX, &v) < 0 ||
			    (v & (v - 1)) != 0)
				OPTS_ERR("--ring-size: invalid size '%s' (a "
					 "power of 2 from %d to %d)",
					 val, SPP_OPTS_RING_SIZE_MIN,
					 SPP_OPTS_RING_SIZE_MAX);
			o->ring_size = (unsigned int)v;
		} else if (kind == SPP_PROC_PRIMARY) { /* -n */
			if (spp_opts_parse_ulong(val, 10, 0, SPP_OPTS_MAX_RINGS,
						 &v) < 0)
				OPTS_ERR("-n: invalid number of rings '%s' "
					 "(0-%d)",
					 val, SPP_OPTS_MAX_RINGS);
			o->nb_rings = (unsigned int)v;
			has_n = true;
		} else { /* -n */
			if (spp_opts_parse_ulong(val, 10, 1, 1023, &v) < 0)
				OPTS_ERR("-n: invalid client id '%s' (1-1023)",
					 val);
			o->client_id = (unsigned int)v;
			has_n = true;
		}
	}
	if (kind == SPP_PROC_PRIMARY && !has_p)
		OPTS_ERR("missing option -p PORTMASK");
	if (!has_n)
		OPTS_ERR(kind == SPP_PROC_PRIMARY
				 ? "missing option -n NUM_RINGS"
			 : opts_long_id(kind) ? "missing option --client-id ID"
					      : "missing option -n ID");
	if (!has_s)
		OPTS_ERR("missing option -s IP:PORT");
	if (kind == SPP_PROC_PCAP && o->capture.type == SPP_RES_NONE)
		OPTS_ERR("missing option -c RES (the port to capture)");
	if (kind == SPP_PROC_PCAP && spp_res_equal(&o->capture, &o->pass_to))
		OPTS_ERR("--pass-to: the captured port itself");
	return 0;
}
