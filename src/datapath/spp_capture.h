/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The capture of spp_pcap: one receiving lcore takes the frames of one port
 * and hands them, with their time of arrival, through one ring per writer
 * to writer lcores; each writer writes LZ4-compressed pcap files
 * (spp_pcapw), a new one after --fsize bytes of pcap, named
 *   spp_pcap.<YYYYMMDDhhmmss>.<port>.<writer>.<seq>.pcap.lz4
 * With a pass-to port the receiver also sends every frame on to it (the
 * same mbuf, one more reference): a capture point inside a live chain.
 *
 * The receiver and the writers are components of the one engine
 * (spp_comp.h), types capture and writer, each on a worker lcore of its own.
 *
 * Threads: spp_capture_start/stop/status run on the control thread; the
 * receiver and the writers only read the state word and write their own
 * counters. Stop waits until every writer has written what it was given
 * and closed its file.
 */
#ifndef SPP_CAPTURE_H
#define SPP_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>
#include <rte_ring.h>

#include "spp_comp.h"
#include "spp_opts.h"
#include "spp_pcapw.h"
#include "spp_port.h"

#define SPP_CAPTURE_MAX_WRITERS 16
#define SPP_CAPTURE_RING_SIZE 4096
#define SPP_CAPTURE_BURST 32

enum spp_capture_state {
	SPP_CAPTURE_IDLE = 0,
	SPP_CAPTURE_RUNNING,
	SPP_CAPTURE_STOPPING,
};

struct spp_capture_writer {
	unsigned int lcore;
	struct rte_ring *ring; /* of struct spp_capture_item */
	/* the writer's own (read by the control thread when idle) */
	struct spp_pcapw *w;
	unsigned int seq;
	char filename[320];
	uint64_t frames, bytes, files, drop;
	char error[384];
	/* written by the writer, read by the control thread */
	int failed;	     /* -errno once a write failed */
	uint32_t closed_gen; /* the generation whose file it closed */
	struct spp_comp *comp;
};

struct spp_capture {
	/* set up by spp_capture_init */
	struct spp_comp_engine e; /* runs the receiver and the writers */
	struct spp_comp *rx_comp;
	struct spp_port *port, *pass; /* the engine's; pass NULL: none */
	char port_tag[24]; /* "phy0", "ring1", "phy0nq1" in file names */
	char out_dir[256];
	uint64_t fsize;
	unsigned int rx_lcore;
	unsigned int nb_writers;
	struct spp_capture_writer writers[SPP_CAPTURE_MAX_WRITERS];
	/* the file name stamp of the current capture */
	char stamp[16];
	char last_stamp[16]; /* of the previous one: same second, seq goes on */
	/* shared with the lcores */
	uint32_t state; /* enum spp_capture_state */
	uint32_t gen;	/* incremented by every start */
	uint32_t rx_stopped_gen;
	/* the receiver's */
	unsigned int next; /* the writer it hands the next burst to */
	uint64_t rx, ring_drop, passed;
};

/*
 * Open the ports of opts (-c, --pass-to) and launch the receiver on the
 * first worker lcore and a writer on each other one (at least one).
 * Returns 0 or -errno with err saying why.
 */
int spp_capture_init(struct spp_capture *c, const struct spp_opts *opts,
		     const struct spp_port_env *env, char *err, size_t errlen);
void spp_capture_fini(struct spp_capture *c);

/* start: open a first file per writer (errors answered here), run. */
int spp_capture_start(struct spp_capture *c, char *err, size_t errlen);
/*
 * stop: everything received is written and the files closed and renamed
 * before this returns; -errno if a writer failed during the capture.
 */
int spp_capture_stop(struct spp_capture *c, char *err, size_t errlen);

/* "status", "core" (receive and write roles) and counters into obj. */
void spp_capture_status(const struct spp_capture *c, json_t *obj);

/* The passes of the receiver and of a writer (the engine's run functions). */
unsigned int spp_capture_run_receiver(const struct spp_comp_task *t);
unsigned int spp_capture_run_writer(const struct spp_comp_task *t);

#endif /* SPP_CAPTURE_H */
