/* SPDX-License-Identifier: BSD-3-Clause */
#include "spp_capture.h"
#include "spp_err.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_memzone.h>
#include <rte_ring.h>

#include "spp_shm.h"

RTE_LOG_REGISTER(spp_capture_logtype, spp.capture, INFO);
#define CAPTURE_LOG(level, ...)                                                \
	rte_log(RTE_LOG_##level, spp_capture_logtype,                          \
		"spp.capture: " __VA_ARGS__)

/* The writers' rings, named after the process: "sppcap<pid>_<writer>". */
#define CAPTURE_RING_FMT "sppcap%d_%u"
#define CAPTURE_MAX_ORPHANS 64

/* What the receiver hands a writer. */
struct capture_item {
	struct rte_mbuf *m;
	uint64_t ts_ns;
};

/* The clock of the frames: wall time at init plus TSC since. */
static uint64_t capture_t0_ns, capture_tsc0, capture_hz;

static inline uint64_t
capture_now_ns(void)
{
	uint64_t d = rte_rdtsc() - capture_tsc0;

	return capture_t0_ns + d / capture_hz * 1000000000ULL +
	       d % capture_hz * 1000000000ULL / capture_hz;
}

struct capture_writer_arg {
	struct spp_capture *c;
	struct spp_capture_writer *w;
	unsigned int idx; /* 1-based, as in file names */
};

static struct capture_writer_arg capture_wargs[SPP_CAPTURE_MAX_WRITERS];

/* -- receiver ------------------------------------------------------------ */

unsigned int
spp_capture_run_receiver(const struct spp_comp_task *t)
{
	struct spp_capture *c = t->ctx;
	struct rte_mbuf *pkts[SPP_CAPTURE_BURST];
	struct capture_item items[SPP_CAPTURE_BURST];
	uint32_t st = __atomic_load_n(&c->state, __ATOMIC_ACQUIRE);
	uint32_t gen = __atomic_load_n(&c->gen, __ATOMIC_ACQUIRE);
	bool run = st == SPP_CAPTURE_RUNNING;
	unsigned int k;
	uint16_t i, n;

	n = run || c->pass != NULL
		    ? spp_port_rx(c->port, pkts, SPP_CAPTURE_BURST)
		    : 0;
	if (n != 0 && run) {
		uint64_t ts = capture_now_ns();
		struct rte_ring *r = c->writers[c->next].ring;

		for (i = 0; i < n; i++) {
			items[i].m = pkts[i];
			items[i].ts_ns = ts;
			/* the writer's reference; the pass port's is the one
			 * rx gave */
			if (c->pass != NULL)
				for (struct rte_mbuf *s = pkts[i]; s != NULL;
				     s = s->next)
					rte_mbuf_refcnt_update(s, 1);
		}
		k = rte_ring_sp_enqueue_burst_elem(r, items, sizeof(items[0]),
						   n, NULL);
		for (i = (uint16_t)k; i < n; i++)
			rte_pktmbuf_free(items[i].m);
		c->ring_drop += n - k;
		c->next = (c->next + 1) % c->nb_writers;
	}
	if (n != 0) {
		c->rx += n;
		if (c->pass != NULL)
			c->passed += spp_port_tx(c->pass, pkts, n);
	}
	if (st == SPP_CAPTURE_STOPPING &&
	    __atomic_load_n(&c->rx_stopped_gen, __ATOMIC_RELAXED) != gen)
		__atomic_store_n(&c->rx_stopped_gen, gen, __ATOMIC_RELEASE);
	return n;
}

/* -- writers ------------------------------------------------------------- */

static void
capture_filename(const struct spp_capture *c, unsigned int idx,
		 unsigned int seq, char *buf, size_t len)
{
	snprintf(buf, len, "%s/spp_pcap.%s.%s.%u.%u.pcap.lz4", c->out_dir,
		 c->stamp, c->port_tag, idx, seq);
}

static void
capture_fail(struct spp_capture_writer *w, unsigned int idx, int ret,
	     const char *why)
{
	snprintf(w->error, sizeof(w->error), "writer %u: %s", idx, why);
	__atomic_store_n(&w->failed, ret, __ATOMIC_RELEASE);
}

/* Close the current file; 0 or -errno (the writer then failed). */
static int
capture_close_file(struct spp_capture_writer *w, unsigned int idx)
{
	char err[360];
	int ret;

	if (w->w == NULL)
		return 0;
	ret = spp_pcapw_close(w->w, err, sizeof(err));
	w->w = NULL;
	if (ret < 0) {
		if (w->failed == 0)
			capture_fail(w, idx, ret, err);
		return ret;
	}
	w->files++;
	return 0;
}

static void
capture_rotate(struct spp_capture *c, struct capture_writer_arg *a)
{
	struct spp_capture_writer *w = a->w;
	char err[360];
	int ret;

	if (capture_close_file(w, a->idx) < 0)
		return;
	capture_filename(c, a->idx, ++w->seq, w->filename, sizeof(w->filename));
	ret = spp_pcapw_open(&w->w, w->filename, err, sizeof(err));
	if (ret < 0) {
		w->w = NULL;
		capture_fail(w, a->idx, ret, err);
	}
}

static void
capture_write(struct spp_capture *c, struct capture_writer_arg *a,
	      const struct capture_item *it)
{
	struct spp_capture_writer *w = a->w;
	struct iovec iov[16];
	const struct rte_mbuf *s;
	char why[360];
	int n = 0, ret;

	if (w->w == NULL || w->failed != 0) {
		w->drop++;
		return;
	}
	for (s = it->m; s != NULL && n < 16; s = s->next)
		iov[n++] = (struct iovec){rte_pktmbuf_mtod(s, void *),
					  s->data_len};
	ret = spp_pcapw_write(w->w, it->ts_ns, it->m->pkt_len, iov, n);
	if (ret < 0) {
		snprintf(why, sizeof(why), "cannot write %s.tmp: %s",
			 w->filename, strerror(-ret));
		capture_fail(w, a->idx, ret, why);
		w->drop++;
		return;
	}
	w->frames++;
	w->bytes += it->m->pkt_len;
	if (spp_pcapw_bytes(w->w) >= c->fsize)
		capture_rotate(c, a);
}

unsigned int
spp_capture_run_writer(const struct spp_comp_task *t)
{
	struct capture_writer_arg *a = t->ctx;
	struct spp_capture *c = a->c;
	struct spp_capture_writer *w = a->w;
	struct capture_item items[SPP_CAPTURE_BURST];
	uint32_t st = __atomic_load_n(&c->state, __ATOMIC_ACQUIRE);
	uint32_t gen = __atomic_load_n(&c->gen, __ATOMIC_ACQUIRE);
	unsigned int i, n;

	n = rte_ring_sc_dequeue_burst_elem(w->ring, items, sizeof(items[0]),
					   SPP_CAPTURE_BURST, NULL);
	for (i = 0; i < n; i++) {
		capture_write(c, a, &items[i]);
		rte_pktmbuf_free(items[i].m);
	}
	/* stopping: once the receiver is done and the ring empty, everything
	 * of this capture is written */
	if (n == 0 && st == SPP_CAPTURE_STOPPING && w->closed_gen != gen &&
	    __atomic_load_n(&c->rx_stopped_gen, __ATOMIC_ACQUIRE) == gen &&
	    rte_ring_empty(w->ring)) {
		capture_close_file(w, a->idx);
		__atomic_store_n(&w->closed_gen, gen, __ATOMIC_RELEASE);
	}
	return n;
}

/* -- control ------------------------------------------------------------- */

int
spp_capture_start(struct spp_capture *c, char *err, size_t errlen)
{
	char why[360];
	struct tm tm;
	time_t now;
	unsigned int i, k;
	int ret;

	if (__atomic_load_n(&c->state, __ATOMIC_RELAXED) != SPP_CAPTURE_IDLE)
		SPP_ERR(-EBUSY, "already capturing");
	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(c->stamp, sizeof(c->stamp), "%Y%m%d%H%M%S", &tm);
	for (i = 0; i < c->nb_writers; i++) {
		struct spp_capture_writer *w = &c->writers[i];

		/* a capture started in the same second as the previous one
		 * goes on with its sequence numbers: no file is overwritten */
		w->seq = strcmp(c->stamp, c->last_stamp) == 0 ? w->seq + 1 : 1;
		w->frames = w->bytes = w->files = w->drop = 0;
		w->failed = 0;
		w->error[0] = '\0';
		capture_filename(c, i + 1, w->seq, w->filename,
				 sizeof(w->filename));
		ret = spp_pcapw_open(&w->w, w->filename, why, sizeof(why));
		if (ret < 0) {
			for (k = 0; k < i; k++) {
				char tmp[330];

				snprintf(tmp, sizeof(tmp), "%s.tmp",
					 c->writers[k].filename);
				spp_pcapw_close(c->writers[k].w, NULL, 0);
				c->writers[k].w = NULL;
				unlink(c->writers[k].filename);
				unlink(tmp);
			}
			w->w = NULL;
			SPP_ERR(-EINVAL, "%s", why);
		}
	}
	memcpy(c->last_stamp, c->stamp, sizeof(c->stamp));
	c->rx = c->ring_drop = c->passed = 0;
	__atomic_store_n(&c->gen, c->gen + 1, __ATOMIC_RELEASE);
	__atomic_store_n(&c->state, SPP_CAPTURE_RUNNING, __ATOMIC_RELEASE);
	return 0;
}

int
spp_capture_stop(struct spp_capture *c, char *err, size_t errlen)
{
	uint64_t deadline = rte_get_timer_cycles() + 30 * rte_get_timer_hz();
	unsigned int i, done;

	if (__atomic_load_n(&c->state, __ATOMIC_RELAXED) != SPP_CAPTURE_RUNNING)
		SPP_ERR(-EINVAL, "not capturing");
	__atomic_store_n(&c->state, SPP_CAPTURE_STOPPING, __ATOMIC_RELEASE);
	do {
		rte_delay_us_sleep(1000);
		done = 0;
		for (i = 0; i < c->nb_writers; i++)
			done += __atomic_load_n(&c->writers[i].closed_gen,
						__ATOMIC_ACQUIRE) == c->gen;
		if (rte_get_timer_cycles() > deadline)
			SPP_ERR(-ETIMEDOUT,
				"the writers did not finish within 30 s");
	} while (done < c->nb_writers);
	__atomic_store_n(&c->state, SPP_CAPTURE_IDLE, __ATOMIC_RELEASE);
	for (i = 0; i < c->nb_writers; i++)
		if (c->writers[i].failed != 0)
			SPP_ERR(c->writers[i].failed, "%s",
				c->writers[i].error);
	return 0;
}

static json_t *
capture_port_json(const struct spp_port *p)
{
	char name[SPP_RES_NAME_LEN];

	spp_res_format_human(&p->res, name, sizeof(name));
	return json_pack("[{s:s}]", "port", name);
}

void
spp_capture_status(const struct spp_capture *c, json_t *obj)
{
	uint32_t st = __atomic_load_n(&c->state, __ATOMIC_ACQUIRE);
	json_t *cores = json_array(), *o;
	const char *error = NULL;
	unsigned int i;

	o = json_pack("{s:i,s:s,s:o,s:{s:I,s:I,s:I}}", "core", c->rx_lcore,
		      "role", "receive", "rx_port", capture_port_json(c->port),
		      "stats", "rx", (json_int_t)c->rx, "drop",
		      (json_int_t)c->ring_drop, "passed",
		      (json_int_t)c->passed);
	if (c->pass != NULL)
		json_object_set_new(o, "tx_port", capture_port_json(c->pass));
	json_array_append_new(cores, o);
	for (i = 0; i < c->nb_writers; i++) {
		const struct spp_capture_writer *w = &c->writers[i];

		o = json_pack(
			"{s:i,s:s,s:s,s:{s:I,s:I,s:I,s:I}}", "core", w->lcore,
			"role", "write", "filename", w->filename, "stats",
			"frames", (json_int_t)w->frames, "bytes",
			(json_int_t)w->bytes, "files", (json_int_t)w->files,
			"drop", (json_int_t)w->drop);
		if (__atomic_load_n(&w->failed, __ATOMIC_ACQUIRE) != 0) {
			json_object_set_new(o, "error", json_string(w->error));
			if (error == NULL)
				error = w->error;
		}
		json_array_append_new(cores, o);
	}
	json_object_set_new(
		obj, "status",
		json_string(st == SPP_CAPTURE_IDLE ? "idle" : "running"));
	json_object_set_new(obj, "core", cores);
	spp_comp_workers_status(&c->e, obj);
	if (error != NULL)
		json_object_set_new(obj, "error", json_string(error));
}

/* -- life ---------------------------------------------------------------- */

struct capture_orphans {
	unsigned int n;
	char names[CAPTURE_MAX_ORPHANS][RTE_RING_NAMESIZE];
};

/* A ring memzone "RG_sppcap<pid>_<i>" whose process no longer exists. */
static void
capture_find_orphan(const struct rte_memzone *mz, void *arg)
{
	struct capture_orphans *o = arg;
	unsigned int i;
	int pid, len = 0;

	if (sscanf(mz->name, "RG_" CAPTURE_RING_FMT "%n", &pid, &i, &len) !=
		    2 ||
	    mz->name[len] != '\0' || spp_shm_pid_alive(pid) ||
	    o->n == CAPTURE_MAX_ORPHANS)
		return;
	snprintf(o->names[o->n++], RTE_RING_NAMESIZE, "%s", mz->name + 3);
}

/*
 * The rings of spp_pcap processes that were killed hold frames of the
 * shared pool: free them and the rings.
 */
static void
capture_reclaim_orphans(void)
{
	struct capture_orphans o = {.n = 0};
	struct capture_item it;
	unsigned int i, frames;
	struct rte_ring *r;

	/* collected first: the walk holds the lock that freeing takes */
	rte_memzone_walk(capture_find_orphan, &o);
	for (i = 0; i < o.n; i++) {
		r = rte_ring_lookup(o.names[i]);
		if (r == NULL)
			continue;
		for (frames = 0;
		     rte_ring_sc_dequeue_elem(r, &it, sizeof(it)) == 0;
		     frames++)
			rte_pktmbuf_free(it.m);
		rte_ring_free(r);
		CAPTURE_LOG(NOTICE,
			    "freed ring %s of a killed spp_pcap and the %u "
			    "frame(s) it held\n",
			    o.names[i], frames);
	}
}

int
spp_capture_init(struct spp_capture *c, const struct spp_opts *opts,
		 const struct spp_port_env *env, char *err, size_t errlen)
{
	char name[RTE_RING_NAMESIZE];
	struct timespec ts;
	unsigned int lcore, i = 0;
	int ret;

	memset(c, 0, sizeof(*c));
	c->fsize = opts->fsize;
	snprintf(c->out_dir, sizeof(c->out_dir), "%s", opts->out_dir);
	spp_res_format(&opts->capture, c->port_tag, sizeof(c->port_tag));
	/* "phy:0nq1" -> "phy0nq1" in file names */
	memmove(strchr(c->port_tag, ':'), strchr(c->port_tag, ':') + 1,
		strlen(strchr(c->port_tag, ':')));
	c->rx_lcore = RTE_MAX_LCORE;
	RTE_LCORE_FOREACH_WORKER(lcore)
	{
		if (c->rx_lcore == RTE_MAX_LCORE)
			c->rx_lcore = lcore;
		else if (c->nb_writers < SPP_CAPTURE_MAX_WRITERS)
			c->writers[c->nb_writers++].lcore = lcore;
	}
	if (c->nb_writers == 0)
		SPP_ERR(-EINVAL,
			"spp_pcap needs 3 lcores or more: the main one, a "
			"receiver and at least one writer");
	ret = spp_comp_init(&c->e, SPP_PROC_PCAP, env, true, opts->busy_poll);
	if (ret < 0) {
		spp_comp_fini(&c->e);
		SPP_ERR(ret, "cannot start the capture lcores: %s",
			strerror(-ret));
	}
	/* the ports are the engine's: its fini closes them */
	ret = spp_comp_port_hold(&c->e, &opts->capture, err, errlen);
	if (ret == 0 && opts->pass_to.type != SPP_RES_NONE) {
		if (spp_res_equal(&opts->pass_to, &opts->capture)) {
			snprintf(err, errlen,
				 "--pass-to is the captured port itself");
			ret = -EINVAL;
		} else {
			ret = spp_comp_port_hold(&c->e, &opts->pass_to, err,
						 errlen);
		}
	}
	if (ret < 0) {
		spp_comp_fini(&c->e);
		return ret;
	}
	c->port = spp_comp_port_find(&c->e, &opts->capture);
	/* NULL without --pass-to */
	c->pass = spp_comp_port_find(&c->e, &opts->pass_to);
	capture_reclaim_orphans();
	for (i = 0; i < c->nb_writers; i++) {
		snprintf(name, sizeof(name), CAPTURE_RING_FMT, (int)getpid(),
			 i);
		c->writers[i].ring = rte_ring_create_elem(
			name, sizeof(struct capture_item),
			SPP_CAPTURE_RING_SIZE, (int)rte_socket_id(),
			RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (c->writers[i].ring == NULL) {
			ret = -rte_errno;
			spp_capture_fini(c);
			SPP_ERR(ret, "cannot create ring %s: %s", name,
				rte_strerror(-ret));
		}
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	capture_tsc0 = rte_rdtsc();
	capture_hz = rte_get_tsc_hz();
	capture_t0_ns =
		(uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	ret = spp_comp_place(&c->e, &c->rx_comp, "receive", SPP_COMP_CAPTURE,
			     c->rx_lcore, NULL, NULL, c, err, errlen);
	for (i = 0; ret == 0 && i < c->nb_writers; i++) {
		capture_wargs[i] = (struct capture_writer_arg){
			.c = c, .w = &c->writers[i], .idx = i + 1};
		snprintf(name, sizeof(name), "write%u", i + 1);
		ret = spp_comp_place(&c->e, &c->writers[i].comp, name,
				     SPP_COMP_WRITER, c->writers[i].lcore, NULL,
				     NULL, &capture_wargs[i], err, errlen);
	}
	if (ret < 0)
		spp_capture_fini(c);
	return ret;
}

void
spp_capture_fini(struct spp_capture *c)
{
	unsigned int i;

	if (__atomic_load_n(&c->state, __ATOMIC_RELAXED) == SPP_CAPTURE_RUNNING)
		spp_capture_stop(c, NULL, 0);
	/* the receiver and writers stop before their rings and ports go */
	spp_comp_fini(&c->e);
	for (i = 0; i < c->nb_writers; i++) {
		struct capture_item it;

		if (c->writers[i].ring == NULL)
			continue;
		while (rte_ring_sc_dequeue_elem(c->writers[i].ring, &it,
						sizeof(it)) == 0)
			rte_pktmbuf_free(it.m);
		rte_ring_free(c->writers[i].ring);
		c->writers[i].ring = NULL;
	}
}
