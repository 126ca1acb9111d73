/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Round-trip latency through a path under test: one lcore sends frames
 * carrying the TSC on ethdev TX at a fixed rate and takes them back on
 * ethdev RX, and reports the distribution of the round trip (p50, p99,
 * p99.9, max) in microseconds. The same TSC stamps and reads, so no clock
 * has to agree with another.
 *
 *   bench_latency EAL-ARGS -- --tx DEV --rx DEV [--rate PPS] [--seconds S]
 *       [--burst N] [--size BYTES] [--dst MAC] [--dst-count N]
 *       [--pool NAME] [--warmup S] [--json]
 *
 * DEV is an ethdev name (virtio_user0, net_ring_spp_pipe0, ...). A primary
 * (its own --file-prefix: a "VM" on virtio_user) configures and starts its
 * ports and makes its own pool; a secondary of an SPP node (--proc-type
 * secondary, e.g. on pipe:N) uses the ports as the primary set them up and
 * the pool --pool NAME (the primary's --pool-name). --dst-count N sends to
 * N destination MACs counting up from --dst (a classifier with N entries).
 * Frames sent in one burst every burst/rate seconds; at a rate above what
 * the path takes, the losses say so. --rate 0 sends nothing for --seconds
 * (the ports stay up: a path connected but idle, to measure what an idle
 * forwarder costs). --warmup S sends at the rate for S seconds first and
 * counts none of the frames stamped before its end, wherever they come back
 * (a port just connected, cold caches, frames an earlier run left in the
 * path); the JSON's warmup_sent and warmup_back say how many there were.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#define LAT_MAGIC 0x5350504cu /* "SPPL" */
#define LAT_ETHER_TYPE 0x88b5 /* local experimental */
#define LAT_RX_BURST 32
#define LAT_MAX_BURST 64
#define LAT_DRAIN_MS 200

struct lat_stamp {
	uint32_t magic;
	uint32_t seq;
	uint64_t tsc;
} __rte_packed;

struct lat_opts {
	char tx[RTE_ETH_NAME_MAX_LEN], rx[RTE_ETH_NAME_MAX_LEN];
	char pool[RTE_MEMPOOL_NAMESIZE];
	double rate, seconds, warmup;
	unsigned int burst, size, dst_count;
	struct rte_ether_addr dst;
	int json;
};

struct lat_run {
	uint16_t tx, rx;
	struct rte_mempool *pool;
	uint64_t sent, tx_fail, received, foreign;
	uint64_t warm_end; /* frames stamped before this TSC are not counted */
	uint64_t warm_sent, warm_back;
	uint64_t *rtt; /* TSC cycles, one per frame back */
	uint64_t cap;
};

static volatile sig_atomic_t lat_stop;

static void
lat_signal(int sig)
{
	(void)sig;
	lat_stop = 1;
}

static void
lat_usage(void)
{
	fprintf(stderr,
		"usage: bench_latency EAL-ARGS -- --tx DEV --rx DEV "
		"[--rate PPS] [--seconds S] [--burst N] [--size BYTES] "
		"[--dst MAC] [--dst-count N] [--pool NAME] [--warmup S] "
		"[--json]\n");
}

static int
lat_parse(int argc, char **argv, struct lat_opts *o)
{
	static const struct option longs[] = {
		{"tx", required_argument, NULL, 't'},
		{"rx", required_argument, NULL, 'r'},
		{"rate", required_argument, NULL, 'R'},
		{"seconds", required_argument, NULL, 'S'},
		{"burst", required_argument, NULL, 'b'},
		{"size", required_argument, NULL, 'z'},
		{"dst", required_argument, NULL, 'd'},
		{"dst-count", required_argument, NULL, 'n'},
		{"pool", required_argument, NULL, 'p'},
		{"warmup", required_argument, NULL, 'w'},
		{"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0}};
	int c;

	memset(o, 0, sizeof(*o));
	o->rate = 10000;
	o->seconds = 5;
	o->burst = 1;
	o->size = 64;
	o->dst_count = 1;
	rte_ether_unformat_addr("02:00:00:00:00:02", &o->dst);
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (c) {
		case 't':
			snprintf(o->tx, sizeof(o->tx), "%s", optarg);
			break;
		case 'r':
			snprintf(o->rx, sizeof(o->rx), "%s", optarg);
			break;
		case 'R':
			o->rate = strtod(optarg, NULL);
			break;
		case 'S':
			o->seconds = strtod(optarg, NULL);
			break;
		case 'b':
			o->burst = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'z':
			o->size = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'd':
			if (rte_ether_unformat_addr(optarg, &o->dst) < 0) {
				fprintf(stderr, "--dst: invalid MAC '%s'\n",
					optarg);
				return -EINVAL;
			}
			break;
		case 'n':
			o->dst_count = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'p':
			snprintf(o->pool, sizeof(o->pool), "%s", optarg);
			break;
		case 'w':
			o->warmup = strtod(optarg, NULL);
			break;
		case 'j':
			o->json = 1;
			break;
		default:
			return -EINVAL;
		}
	}
	if (o->tx[0] == '\0' || o->rx[0] == '\0' || o->rate < 0 ||
	    o->seconds <= 0 || o->warmup < 0 || o->burst == 0 ||
	    o->burst > LAT_MAX_BURST || o->dst_count == 0 ||
	    o->size < sizeof(struct rte_ether_hdr) + sizeof(struct lat_stamp) ||
	    o->size > RTE_MBUF_DEFAULT_DATAROOM) {
		fprintf(stderr, "bench_latency: --tx and --rx are needed; "
				"rate, warmup >= 0; seconds, dst-count > 0; "
				"burst 1-64; "
				"size 26-2048\n");
		return -EINVAL;
	}
	return 0;
}

static int
lat_port(const char *name, uint16_t *id)
{
	char *end;
	unsigned long v = strtoul(name, &end, 10);

	if (*end == '\0' && end != name && rte_eth_dev_is_valid_port(v)) {
		*id = (uint16_t)v;
		return 0;
	}
	if (rte_eth_dev_get_port_by_name(name, id) == 0)
		return 0;
	fprintf(stderr, "bench_latency: no ethdev named %s\n", name);
	return -ENODEV;
}

/* A port of our own (a primary's virtio_user): one queue each way. */
static int
lat_port_setup(uint16_t id, struct rte_mempool *pool)
{
	struct rte_eth_conf conf;
	int ret;

	memset(&conf, 0, sizeof(conf));
	ret = rte_eth_dev_configure(id, 1, 1, &conf);
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(id, 0, 1024, rte_socket_id(), NULL,
					     pool);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(id, 0, 1024, rte_socket_id(),
					     NULL);
	if (ret == 0)
		ret = rte_eth_dev_start(id);
	if (ret < 0)
		fprintf(stderr, "bench_latency: cannot set up ethdev %u: %s\n",
			id, rte_strerror(-ret));
	return ret;
}

static struct rte_mbuf *
lat_frame(const struct lat_opts *o, struct lat_run *r, uint64_t tsc)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(r->pool);
	struct rte_ether_hdr *eh;
	struct lat_stamp *st;
	char *p;

	if (m == NULL)
		return NULL;
	p = rte_pktmbuf_append(m, (uint16_t)o->size);
	memset(p, 0, o->size);
	eh = (struct rte_ether_hdr *)p;
	eh->dst_addr = o->dst;
	/* the last two bytes count up through --dst-count MACs */
	if (o->dst_count > 1) {
		uint16_t last = (uint16_t)(eh->dst_addr.addr_bytes[4] << 8 |
					   eh->dst_addr.addr_bytes[5]);

		last = (uint16_t)(last + r->sent % o->dst_count);
		eh->dst_addr.addr_bytes[4] = (uint8_t)(last >> 8);
		eh->dst_addr.addr_bytes[5] = (uint8_t)last;
	}
	rte_ether_unformat_addr("02:00:00:00:00:01", &eh->src_addr);
	eh->ether_type = rte_cpu_to_be_16(LAT_ETHER_TYPE);
	st = (struct lat_stamp *)(eh + 1);
	st->magic = LAT_MAGIC;
	st->seq = (uint32_t)r->sent;
	st->tsc = tsc;
	return m;
}

/* The stamp of a frame of ours, VLAN-tagged or not; NULL if foreign. */
static const struct lat_stamp *
lat_stamp_of(const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eh =
		rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	size_t off = sizeof(*eh);
	const struct lat_stamp *st;

	if (eh->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN))
		off += sizeof(struct rte_vlan_hdr);
	if (m->data_len < off + sizeof(*st))
		return NULL;
	st = rte_pktmbuf_mtod_offset(m, const struct lat_stamp *, off);
	return st->magic == LAT_MAGIC ? st : NULL;
}

static void
lat_receive(struct lat_run *r)
{
	struct rte_mbuf *pkts[LAT_RX_BURST];
	uint16_t n, i;
	uint64_t now;

	n = rte_eth_rx_burst(r->rx, 0, pkts, LAT_RX_BURST);
	if (n == 0)
		return;
	now = rte_rdtsc();
	for (i = 0; i < n; i++) {
		const struct lat_stamp *st = lat_stamp_of(pkts[i]);

		if (st == NULL) {
			r->foreign++;
			continue;
		}
		if (st->tsc < r->warm_end) {
			r->warm_back++;
			continue;
		}
		if (r->received < r->cap)
			r->rtt[r->received] = now - st->tsc;
		r->received++;
	}
	rte_pktmbuf_free_bulk(pkts, n);
}

static void
lat_run(const struct lat_opts *o, struct lat_run *r)
{
	uint64_t hz = rte_get_tsc_hz();
	uint64_t now = rte_rdtsc();
	uint64_t end = now + (uint64_t)((o->warmup + o->seconds) * (double)hz);
	/* --rate 0: the first send is due after the end, so never */
	uint64_t gap =
		o->rate > 0 ? (uint64_t)((double)hz * o->burst / o->rate) : 0;
	uint64_t next = o->rate > 0 ? now : UINT64_MAX;
	struct rte_mbuf *pkts[LAT_MAX_BURST];
	uint64_t stamp[LAT_MAX_BURST];
	unsigned int i, k;
	uint16_t sent;

	/* without a warm-up every frame of ours counts, also one an earlier
	 * run left in the path */
	r->warm_end =
		o->warmup > 0 ? now + (uint64_t)(o->warmup * (double)hz) : 0;
	while (!lat_stop && (now = rte_rdtsc()) < end) {
		if (now >= next) {
			for (k = 0; k < o->burst; k++) {
				stamp[k] = rte_rdtsc();
				pkts[k] = lat_frame(o, r, stamp[k]);
				if (pkts[k] == NULL)
					break;
				if (stamp[k] < r->warm_end)
					r->warm_sent++;
				else
					r->sent++;
			}
			sent = rte_eth_tx_burst(r->tx, 0, pkts, (uint16_t)k);
			for (i = sent; i < k; i++) {
				rte_pktmbuf_free(pkts[i]);
				/* a warm-up frame not sent is not counted */
				if (stamp[i] < r->warm_end)
					r->warm_sent--;
				else
					r->tx_fail++;
			}
			next += gap;
			/* a late sender does not catch up in a rush */
			if (next < now)
				next = now + gap;
		}
		lat_receive(r);
	}
	end = rte_rdtsc() + hz / 1000 * LAT_DRAIN_MS;
	while (!lat_stop && rte_rdtsc() < end)
		lat_receive(r);
}

static int
lat_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double
lat_us(const struct lat_run *r, uint64_t n, double q)
{
	uint64_t i;

	if (n == 0)
		return 0;
	i = (uint64_t)(q * (double)(n - 1) + 0.5);
	return (double)r->rtt[i] * 1e6 / (double)rte_get_tsc_hz();
}

static void
lat_report(const struct lat_opts *o, struct lat_run *r)
{
	uint64_t n = RTE_MIN(r->received, r->cap), i;
	double sum = 0, mean;

	qsort(r->rtt, n, sizeof(r->rtt[0]), lat_cmp);
	for (i = 0; i < n; i++)
		sum += (double)r->rtt[i];
	mean = n ? sum / (double)n * 1e6 / (double)rte_get_tsc_hz() : 0;
	if (o->json) {
		printf("{\"sent\": %" PRIu64 ", \"received\": %" PRIu64
		       ", \"tx_fail\": %" PRIu64 ", \"foreign\": %" PRIu64
		       ", \"rate_pps\": %.0f, \"burst\": %u, \"size\": %u"
		       ", \"mean_us\": %.3f, \"p50_us\": %.3f"
		       ", \"p99_us\": %.3f, \"p999_us\": %.3f"
		       ", \"max_us\": %.3f, \"warmup_sent\": %" PRIu64
		       ", \"warmup_back\": %" PRIu64 "}\n",
		       r->sent, r->received, r->tx_fail, r->foreign, o->rate,
		       o->burst, o->size, mean, lat_us(r, n, 0.5),
		       lat_us(r, n, 0.99), lat_us(r, n, 0.999),
		       lat_us(r, n, 1.0), r->warm_sent, r->warm_back);
		return;
	}
	printf("sent %" PRIu64 ", back %" PRIu64 ", tx refused %" PRIu64
	       ", foreign %" PRIu64 "\n",
	       r->sent, r->received, r->tx_fail, r->foreign);
	printf("round trip (us): mean %.3f  p50 %.3f  p99 %.3f  p99.9 %.3f  "
	       "max %.3f\n",
	       mean, lat_us(r, n, 0.5), lat_us(r, n, 0.99), lat_us(r, n, 0.999),
	       lat_us(r, n, 1.0));
}

int
main(int argc, char **argv)
{
	struct lat_opts o;
	struct lat_run r;
	int ret;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "bench_latency: cannot init EAL: %s\n",
			rte_strerror(rte_errno));
		return 1;
	}
	argc -= ret;
	argv += ret;
	if (lat_parse(argc, argv, &o) < 0) {
		lat_usage();
		return 1;
	}
	memset(&r, 0, sizeof(r));
	if (lat_port(o.tx, &r.tx) < 0 || lat_port(o.rx, &r.rx) < 0)
		return 1;
	if (rte_eal_process_type() == RTE_PROC_SECONDARY) {
		r.pool = rte_mempool_lookup(o.pool[0] ? o.pool
						      : "spp_mbuf_pool");
		if (r.pool == NULL) {
			fprintf(stderr, "bench_latency: pool %s not found\n",
				o.pool[0] ? o.pool : "spp_mbuf_pool");
			return 1;
		}
	} else {
		r.pool = rte_pktmbuf_pool_create("lat_pool", 8191, 256, 0,
						 RTE_MBUF_DEFAULT_BUF_SIZE,
						 (int)rte_socket_id());
		if (r.pool == NULL || lat_port_setup(r.tx, r.pool) < 0 ||
		    (r.rx != r.tx && lat_port_setup(r.rx, r.pool) < 0))
			return 1;
	}
	r.cap = (uint64_t)(o.rate * o.seconds) + 2 * LAT_MAX_BURST;
	r.rtt = calloc(r.cap, sizeof(r.rtt[0]));
	if (r.rtt == NULL) {
		fprintf(stderr,
			"bench_latency: no memory for %" PRIu64 " samples\n",
			r.cap);
		return 1;
	}
	signal(SIGINT, lat_signal);
	signal(SIGTERM, lat_signal);
	lat_run(&o, &r);
	lat_report(&o, &r);
	free(r.rtt);
	if (rte_eal_process_type() == RTE_PROC_PRIMARY) {
		rte_eth_dev_stop(r.tx);
		rte_eth_dev_close(r.tx);
		if (r.rx != r.tx) {
			rte_eth_dev_stop(r.rx);
			rte_eth_dev_close(r.rx);
		}
	}
	rte_eal_cleanup();
	return 0;
}
