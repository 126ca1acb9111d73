/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The exposition is written family by family (all samples of a metric
 * together, as the format requires), each family walking the statuses of
 * one round of ctl_stats. Counters keep the processes' names: rx, tx and
 * tx_drop of a port are spp_port_{rx,tx,tx_dropped}_packets_total.
 */
#include "ctl_metrics.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_stats.h"

#define METRICS_LABELS_LEN 512
#define METRICS_DIM(a) (sizeof(a) / sizeof((a)[0]))

/* -- the text format ------------------------------------------------------ */

static void
metrics_family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/*
 * {k1="v1",k2="v2"} of NULL-terminated key, value pairs into buf, values
 * escaped as the format says (backslash, double quote, line feed).
 */
static const char *
metrics_labels(char *buf, size_t len, ...)
{
	const char *k, *v;
	size_t n = 0;
	va_list ap;

	va_start(ap, len);
	while ((k = va_arg(ap, const char *)) != NULL && n + 8 < len) {
		v = va_arg(ap, const char *);
		n += (size_t)snprintf(buf + n, len - n, "%s%s=\"",
				      n == 0 ? "{" : ",", k);
		for (; *v != '\0' && n + 4 < len; v++) {
			if (*v == '\\' || *v == '"')
				buf[n++] = '\\';
			if (*v == '\n') {
				buf[n++] = '\\';
				buf[n++] = 'n';
				continue;
			}
			buf[n++] = *v;
		}
		buf[n++] = '"';
	}
	va_end(ap);
	if (n == 0)
		buf[0] = '\0';
	else if (n < len)
		snprintf(buf + n, len - n, "}");
	return buf;
}

static void
metrics_sample(FILE *f, const char *name, const char *labels, double v)
{
	if (v == floor(v) && fabs(v) < 1e15)
		fprintf(f, "%s%s %.0f\n", name, labels, v);
	else
		fprintf(f, "%s%s %.17g\n", name, labels, v);
}

/* -- what the statuses hold ------------------------------------------------ */

/* The forwarder part of a status: itself, or the primary's "forwarder". */
static const json_t *
metrics_fwd(const struct ctl_stats_proc *p)
{
	if (p->kind == SPP_PROC_PRIMARY)
		return json_object_get(p->status, "forwarder");
	return p->status;
}

/* Port counters of every process: key of port_stats, and the metric. */
static void
metrics_ports(FILE *f, const struct ctl_stats_round *r, const char *name,
	      const char *key)
{
	char labels[METRICS_LABELS_LEN];
	unsigned int i;
	const json_t *o;
	size_t k;

	for (i = 0; i < r->nb_procs; i++) {
		const struct ctl_stats_proc *p = &r->procs[i];
		const json_t *stats =
			json_object_get(metrics_fwd(p), "port_stats");

		json_array_foreach(stats, k, o)
		{
			const char *port =
				json_string_value(json_object_get(o, "port"));
			double v;

			if (port == NULL)
				continue;
			if (strcmp(key, "link") == 0)
				v = strcmp(json_string_value(
						   json_object_get(o, "link"))
						   ?: "",
					   "up") == 0;
			else
				v = ctl_stats_num(o, key);
			metrics_labels(labels, sizeof(labels), "process",
				       p->name, "port", port, NULL);
			metrics_sample(f, name, labels, v);
		}
	}
}

/* A counter of the primary's array arr (phy_ports, ring_ports, pipes). */
static void
metrics_primary(FILE *f, const struct ctl_stats_round *r, const char *arr,
		const char *prefix, const char *name, const char *key)
{
	char labels[METRICS_LABELS_LEN], res[32];
	const json_t *o, *src;
	unsigned int i;
	size_t k;

	for (i = 0; i < r->nb_procs; i++) {
		if (r->procs[i].kind != SPP_PROC_PRIMARY)
			continue;
		json_array_foreach(json_object_get(r->procs[i].status, arr), k,
				   o)
		{
			snprintf(res, sizeof(res), "%s:%lld", prefix,
				 (long long)ctl_stats_num(o, "id"));
			src = strcmp(arr, "pipes") == 0
				      ? json_object_get(o, "stats")
				      : o;
			/* a phy is a port; rings and pipes are themselves */
			metrics_labels(labels, sizeof(labels),
				       strcmp(prefix, "phy") == 0 ? "port"
								  : prefix,
				       res, NULL);
			metrics_sample(f, name, labels,
				       ctl_stats_num(src, key));
		}
	}
}

/* A string member of obj, "" when missing. */
static const char *
metrics_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key)) ?: "";
}

/*
 * key of the "stats" of the objects of array arr of each process: the
 * "components" of spp_vf and spp_mirror (role NULL), or the "core" entries
 * of spp_pcap with role ("receive", "write").
 */
static void
metrics_stats(FILE *f, const struct ctl_stats_round *r, const char *arr,
	      const char *role, const char *name, const char *key)
{
	char labels[METRICS_LABELS_LEN], lcore[16];
	unsigned int i;
	const json_t *c;
	size_t k;

	for (i = 0; i < r->nb_procs; i++) {
		const struct ctl_stats_proc *p = &r->procs[i];

		json_array_foreach(json_object_get(p->status, arr), k, c)
		{
			if (role != NULL &&
			    strcmp(metrics_str(c, "role"), role) != 0)
				continue;
			snprintf(lcore, sizeof(lcore), "%lld",
				 (long long)ctl_stats_num(c, "core"));
			if (role == NULL)
				metrics_labels(labels, sizeof(labels),
					       "process", p->name, "component",
					       metrics_str(c, "name"), "type",
					       metrics_str(c, "type"), "lcore",
					       lcore, NULL);
			else
				metrics_labels(labels, sizeof(labels),
					       "process", p->name, "lcore",
					       lcore, NULL);
			metrics_sample(
				f, name, labels,
				ctl_stats_num(json_object_get(c, "stats"),
					      key));
		}
	}
}

/* Busy or idle cycles of the workers, in seconds of the TSC. */
static void
metrics_workers(FILE *f, const struct ctl_stats_round *r, const char *name,
		const char *key, bool cycles)
{
	char labels[METRICS_LABELS_LEN], lcore[16];
	unsigned int i;
	const json_t *w;
	double hz;
	size_t k;

	for (i = 0; i < r->nb_procs; i++) {
		const struct ctl_stats_proc *p = &r->procs[i];
		const json_t *st = p->kind == SPP_PROC_PRIMARY ? metrics_fwd(p)
							       : p->status;

		hz = ctl_stats_num(st, "tsc_hz");
		if (hz <= 0)
			continue;
		json_array_foreach(json_object_get(st, "workers"), k, w)
		{
			snprintf(lcore, sizeof(lcore), "%lld",
				 (long long)ctl_stats_num(w, "lcore"));
			metrics_labels(labels, sizeof(labels), "process",
				       p->name, "lcore", lcore, NULL);
			metrics_sample(f, name, labels,
				       ctl_stats_num(w, key) /
					       (cycles ? hz : 1));
		}
	}
}

static void
metrics_processes(FILE *f, const struct ctl_stats_round *r)
{
	char labels[METRICS_LABELS_LEN], id[16], pid[24];
	unsigned int i;

	metrics_family(f, "spp_process_up", "gauge",
		       "1 when the process answered the status command of "
		       "this scrape, 0 when it is connected but did not");
	for (i = 0; i < r->nb_procs; i++) {
		metrics_labels(labels, sizeof(labels), "process",
			       r->procs[i].name, NULL);
		metrics_sample(f, "spp_process_up", labels,
			       r->procs[i].status != NULL);
	}
	metrics_family(f, "spp_process_info", "gauge",
		       "Always 1: the type, client id and pid of a connected "
		       "process");
	for (i = 0; i < r->nb_procs; i++) {
		const struct ctl_stats_proc *p = &r->procs[i];

		snprintf(id, sizeof(id), "%u", p->client_id);
		snprintf(pid, sizeof(pid), "%lld", p->pid);
		metrics_labels(labels, sizeof(labels), "process", p->name,
			       "type", spp_proc_kind_name(p->kind), "client_id",
			       id, "pid", pid, NULL);
		metrics_sample(f, "spp_process_info", labels, 1);
	}
	metrics_family(f, "spp_process_start_time_seconds", "gauge",
		       "When the process started, in seconds since the epoch");
	for (i = 0; i < r->nb_procs; i++) {
		metrics_labels(labels, sizeof(labels), "process",
			       r->procs[i].name, NULL);
		metrics_sample(f, "spp_process_start_time_seconds", labels,
			       r->procs[i].start_time);
	}
	metrics_family(f, "spp_forwarder_running", "gauge",
		       "1 when the forwarder of spp_nfv or of the primary "
		       "forwards (after forward), 0 when stopped");
	for (i = 0; i < r->nb_procs; i++) {
		const char *st = json_string_value(
			json_object_get(metrics_fwd(&r->procs[i]), "status"));

		if (r->procs[i].kind != SPP_PROC_PRIMARY &&
		    r->procs[i].kind != SPP_PROC_NFV)
			continue;
		if (st == NULL)
			continue;
		metrics_labels(labels, sizeof(labels), "process",
			       r->procs[i].name, NULL);
		metrics_sample(f, "spp_forwarder_running", labels,
			       strcmp(st, "running") == 0);
	}
}

/* One family per entry; emit writes the samples. */
struct metrics_port_family {
	const char *name;
	const char *type;
	const char *key;
	const char *help;
};

static const struct metrics_port_family metrics_port_families[] = {
	{"spp_port_up", "gauge", "link",
	 "1 when the link of the port is up (a vhost port with a VM, a "
	 "memif port with a peer, a NIC with carrier), else 0"},
	{"spp_port_rx_packets_total", "counter", "rx",
	 "Frames the process received on the port"},
	{"spp_port_tx_packets_total", "counter", "tx",
	 "Frames the process sent on the port"},
	{"spp_port_tx_dropped_packets_total", "counter", "tx_drop",
	 "Frames the process dropped when sending on the port (full queue "
	 "or ring, link down)"},
};

/* Families of the primary's arrays. */
struct metrics_pri_family {
	const char *name;
	const char *type;
	const char *arr;
	const char *prefix; /* of the resource, also the label's name */
	const char *key;
	const char *help;
};

static const struct metrics_pri_family metrics_pri_families[] = {
	{"spp_phy_rx_packets_total", "counter", "phy_ports", "phy", "rx",
	 "Frames the NIC received (its ethdev counters)"},
	{"spp_phy_tx_packets_total", "counter", "phy_ports", "phy", "tx",
	 "Frames the NIC sent"},
	{"spp_phy_tx_dropped_packets_total", "counter", "phy_ports", "phy",
	 "tx_drop",
	 "Frames dropped on sending to the NIC, by any process, and its "
	 "transmit errors"},
	{"spp_ring_enqueued_packets_total", "counter", "ring_ports", "ring",
	 "tx", "Frames put into the ring, by any process"},
	{"spp_ring_dequeued_packets_total", "counter", "ring_ports", "ring",
	 "rx", "Frames taken from the ring, by any process"},
	{"spp_ring_dropped_packets_total", "counter", "ring_ports", "ring",
	 "tx_drop", "Frames dropped because the ring was full"},
	{"spp_ring_packets", "gauge", "ring_ports", "ring", "count",
	 "Frames in the ring now (its fill level)"},
	{"spp_ring_capacity_packets", "gauge", "ring_ports", "ring", "capacity",
	 "Frames the ring can hold"},
	{"spp_pipe_rx_packets_total", "counter", "pipes", "pipe", "rx",
	 "Frames received from the pipe's rx ring by its users"},
	{"spp_pipe_tx_packets_total", "counter", "pipes", "pipe", "tx",
	 "Frames sent into the pipe's tx ring by its users"},
};

struct metrics_comp_family {
	const char *name;
	const char *key;
	const char *help;
};

static const struct metrics_comp_family metrics_comp_families[] = {
	{"spp_component_rx_packets_total", "rx",
	 "Frames a component of spp_vf or spp_mirror received"},
	{"spp_component_tx_packets_total", "tx",
	 "Frames a component sent (a mirror counts both copies)"},
	{"spp_component_dropped_packets_total", "drop",
	 "Frames a component dropped (no classifier entry, full tx port)"},
};

struct metrics_pcap_family {
	const char *name;
	const char *role;
	const char *key;
	const char *help;
};

static const struct metrics_pcap_family metrics_pcap_families[] = {
	{"spp_pcap_received_packets_total", "receive", "rx",
	 "Frames the receiver of spp_pcap took from the captured port"},
	{"spp_pcap_passed_packets_total", "receive", "passed",
	 "Frames the receiver passed on to its --pass-to port"},
	{"spp_pcap_receive_dropped_packets_total", "receive", "drop",
	 "Frames the receiver dropped because its writers' rings were full"},
	{"spp_pcap_written_packets_total", "write", "frames",
	 "Frames a writer lcore wrote to capture files"},
	{"spp_pcap_written_bytes_total", "write", "bytes",
	 "Bytes of frames a writer lcore wrote (before LZ4 compression)"},
	{"spp_pcap_files_total", "write", "files",
	 "Capture files a writer lcore completed"},
	{"spp_pcap_write_dropped_packets_total", "write", "drop",
	 "Frames a writer lcore could not write"},
};

static void
metrics_pcap_capturing(FILE *f, const struct ctl_stats_round *r)
{
	char labels[METRICS_LABELS_LEN];
	unsigned int i;

	metrics_family(f, "spp_pcap_capturing", "gauge",
		       "1 while spp_pcap captures (after start), else 0");
	for (i = 0; i < r->nb_procs; i++) {
		const char *st = json_string_value(
			json_object_get(r->procs[i].status, "status"));

		if (r->procs[i].kind != SPP_PROC_PCAP || st == NULL)
			continue;
		metrics_labels(labels, sizeof(labels), "process",
			       r->procs[i].name, NULL);
		metrics_sample(f, "spp_pcap_capturing", labels,
			       strcmp(st, "running") == 0);
	}
}

static void
metrics_pool(FILE *f, const struct ctl_stats_round *r, const char *name,
	     const char *key)
{
	char labels[METRICS_LABELS_LEN];
	const json_t *pool;
	unsigned int i;

	for (i = 0; i < r->nb_procs; i++) {
		pool = json_object_get(r->procs[i].status, "mbuf_pool");
		if (r->procs[i].kind != SPP_PROC_PRIMARY || pool == NULL)
			continue;
		metrics_labels(labels, sizeof(labels), "pool",
			       json_string_value(json_object_get(pool, "name"))
				       ?: "",
			       NULL);
		metrics_sample(f, name, labels, ctl_stats_num(pool, key));
	}
}

/* spp-ctl's own: REST requests and command durations. */
static void
metrics_ctl(FILE *f, const struct ctl_stats_round *r)
{
	static const char *const cmd = "spp_ctl_command_duration_seconds";
	char labels[METRICS_LABELS_LEN], code[8], le[32], name[64];
	struct ctl_metrics_counts n;
	unsigned int i, k, b;
	uint64_t cum;

	ctl_metrics_counts(&n);

	metrics_family(f, "spp_ctl_http_requests_total", "counter",
		       "REST requests spp-ctl answered, by HTTP status code "
		       "(this scrape is counted once answered)");
	for (i = 0; i < CTL_METRICS_STATUS_MAX; i++) {
		if (n.requests[i] == 0)
			continue;
		snprintf(code, sizeof(code), "%u", i);
		metrics_labels(labels, sizeof(labels), "code", code, NULL);
		metrics_sample(f, "spp_ctl_http_requests_total", labels,
			       (double)n.requests[i]);
	}
	metrics_family(f, cmd, "histogram",
		       "Time processes took to answer a command of spp-ctl "
		       "(REST commands and scrapes' status), by process type");
	for (k = 0; k < CTL_METRICS_NB_KINDS; k++) {
		const char *type =
			spp_proc_kind_name((enum spp_proc_kind)(1u << k));

		cum = 0;
		for (b = 0; b <= CTL_METRICS_NB_BUCKETS; b++) {
			cum += n.cmd_bucket[k][b];
			if (b < CTL_METRICS_NB_BUCKETS)
				snprintf(le, sizeof(le), "%g",
					 ctl_metrics_buckets[b]);
			else
				snprintf(le, sizeof(le), "+Inf");
			metrics_labels(labels, sizeof(labels), "type", type,
				       "le", le, NULL);
			snprintf(name, sizeof(name), "%s_bucket", cmd);
			metrics_sample(f, name, labels, (double)cum);
		}
		metrics_labels(labels, sizeof(labels), "type", type, NULL);
		snprintf(name, sizeof(name), "%s_sum", cmd);
		metrics_sample(f, name, labels, n.cmd_sum[k]);
		snprintf(name, sizeof(name), "%s_count", cmd);
		metrics_sample(f, name, labels, (double)n.cmd_count[k]);
	}
	metrics_family(f, "spp_ctl_scrape_duration_seconds", "gauge",
		       "Time the status round of this scrape took (one status "
		       "command to every process, in parallel)");
	metrics_sample(f, "spp_ctl_scrape_duration_seconds", "", r->duration);
}

/* The whole exposition of round r into f. */
static void
metrics_write(FILE *f, const struct ctl_stats_round *r)
{
	size_t i;

	metrics_processes(f, r);
	for (i = 0; i < METRICS_DIM(metrics_port_families); i++) {
		const struct metrics_port_family *m = &metrics_port_families[i];

		metrics_family(f, m->name, m->type, m->help);
		metrics_ports(f, r, m->name, m->key);
	}
	for (i = 0; i < METRICS_DIM(metrics_pri_families); i++) {
		const struct metrics_pri_family *m = &metrics_pri_families[i];

		metrics_family(f, m->name, m->type, m->help);
		metrics_primary(f, r, m->arr, m->prefix, m->name, m->key);
	}
	for (i = 0; i < METRICS_DIM(metrics_comp_families); i++) {
		const struct metrics_comp_family *m = &metrics_comp_families[i];

		metrics_family(f, m->name, "counter", m->help);
		metrics_stats(f, r, "components", NULL, m->name, m->key);
	}
	metrics_pcap_capturing(f, r);
	for (i = 0; i < METRICS_DIM(metrics_pcap_families); i++) {
		const struct metrics_pcap_family *m = &metrics_pcap_families[i];

		metrics_family(f, m->name, "counter", m->help);
		metrics_stats(f, r, "core", m->role, m->name, m->key);
	}
	metrics_family(f, "spp_worker_busy_seconds_total", "counter",
		       "Time a worker lcore spent on passes that moved frames "
		       "(TSC cycles over the TSC rate); rate() is its load");
	metrics_workers(f, r, "spp_worker_busy_seconds_total", "busy_cycles",
			true);
	metrics_family(f, "spp_worker_idle_seconds_total", "counter",
		       "Time a worker lcore spent polling without frames or "
		       "backing off");
	metrics_workers(f, r, "spp_worker_idle_seconds_total", "idle_cycles",
			true);
	metrics_family(f, "spp_worker_naps_total", "counter",
		       "Long waits of an idle worker lcore on vhost kicks");
	metrics_workers(f, r, "spp_worker_naps_total", "naps", false);
	metrics_family(f, "spp_worker_naps_woken_total", "counter",
		       "Of those, the ones a frame or a change ended early");
	metrics_workers(f, r, "spp_worker_naps_woken_total", "woken", false);
	metrics_family(f, "spp_mbuf_pool_in_use_mbufs", "gauge",
		       "Mbufs of the shared pool in use (in rings, queues, "
		       "caches and on the way)");
	metrics_pool(f, r, "spp_mbuf_pool_in_use_mbufs", "in_use");
	metrics_family(f, "spp_mbuf_pool_size_mbufs", "gauge",
		       "Mbufs of the shared pool");
	metrics_pool(f, r, "spp_mbuf_pool_size_mbufs", "size");
	metrics_ctl(f, r);
}

void
ctl_metrics_get(struct ctl_call *call)
{
	struct ctl_stats_round *r;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (ctl_stats_get(&r) < 0) {
		ctl_fail(call, 500, "out of memory");
		return;
	}
	f = open_memstream(&text, &len);
	if (f == NULL) {
		ctl_stats_put(r);
		ctl_fail(call, 500, "out of memory");
		return;
	}
	metrics_write(f, r);
	ctl_stats_put(r);
	if (fclose(f) != 0) {
		free(text);
		ctl_fail(call, 500, "out of memory");
		return;
	}
	ctl_ok_text(call, text, len,
		    "text/plain; version=0.0.4; charset=utf-8");
}
