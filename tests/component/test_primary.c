/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Component test of the primary's resources without spp-ctl: the node's
 * shared area, pool and rings, a phy set of null and ring PMDs (with the
 * queues of --port-num), the pipe life cycle through the primary's
 * handlers (add, refusals, frames through the forwarder, a held pipe not
 * deleted), the status document, clear, the stop of the secondaries (none)
 * and the freeing of it all. One EAL process without hugepages. TAP output.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "../unit/unit.h"
#include "comp_eal.h"
#include "spp_pipe.h"
#include "spp_pri_app.h"

#define NB_RINGS 4
#define RING_SIZE 256
#define WORKER 1

static struct spp_pri_app pri;
static struct spp_app app = {.kind = SPP_PROC_PRIMARY,
			     .handlers = spp_pri_app_handlers,
			     .status = spp_pri_app_status,
			     .ctx = &pri.fwd};

/*
 * Run one command on the primary: 0 when it succeeded, else its error code
 * with its message in msg.
 */
static int
pri_exec(const char *line, char *msg, size_t len)
{
	json_t *r = spp_app_exec(&app, line);
	const char *res = "", *text = "";
	int code = 0;

	json_unpack(r, "{s:s,s?i,s?s}", "result", &res, "code", &code,
		    "message", &text);
	snprintf(msg, len, "%s", text);
	if (strcmp(res, "ok") == 0)
		code = 0;
	else if (code == 0)
		code = -1;
	json_decref(r);
	return code;
}

/* The data of "status" (the caller owns it), or NULL. */
static json_t *
pri_status(void)
{
	json_t *r = spp_app_exec(&app, "status");
	json_t *st = json_incref(json_object_get(r, "data"));

	json_decref(r);
	return st;
}

static json_int_t
int_at(json_t *o, const char *k1, const char *k2)
{
	json_t *v = json_object_get(o, k1);

	if (k2 != NULL)
		v = json_object_get(v, k2);
	return json_is_integer(v) ? json_integer_value(v) : -1;
}

/* phy:0 a null PMD, phy:1 a ring PMD, net_null9 outside the port mask. */
static int
make_devices(void)
{
	if (rte_vdev_init("net_null0", NULL) != 0 ||
	    rte_vdev_init("net_ring0", NULL) != 0 ||
	    rte_vdev_init("net_null9", NULL) != 0)
		return -1;
	return 0;
}

static void
test_node(const struct spp_opts *o)
{
	struct spp_node *node = &pri.node;
	char err[256] = "";
	int ret;

	ret = spp_node_create(node, o, err, sizeof(err));
	CHECK(ret == 0 && node->shm != NULL &&
		      node->shm->magic == SPP_SHM_MAGIC &&
		      node->pool->size == SPP_NODE_MBUFS + NB_RINGS * RING_SIZE,
	      "shared area and pool of %u mbufs (%s)",
	      SPP_NODE_MBUFS + NB_RINGS * RING_SIZE, err);
	if (ret != 0)
		exit(unit_done());
	ret = spp_node_create_rings(node, SPP_SHM_MAX_RINGS + 1, RING_SIZE, err,
				    sizeof(err));
	CHECK(ret == -EINVAL && strstr(err, "at most") != NULL,
	      "too many rings refused: %s", err);
	err[0] = '\0';
	ret = spp_node_create_rings(node, NB_RINGS, RING_SIZE, err,
				    sizeof(err));
	CHECK(ret == 0 && node->shm->nb_rings == NB_RINGS &&
		      rte_ring_lookup("spp_ring_3") == node->rings[3] &&
		      rte_ring_get_capacity(node->rings[3]) == RING_SIZE - 1,
	      "ring:0..3 created, %u entries (%s)", RING_SIZE - 1, err);
	err[0] = '\0';
	ret = spp_node_setup_phys(node, o, err, sizeof(err));
	CHECK(ret == 0 && node->shm->nb_phy == 2 &&
		      node->shm->phy[0].eth_id == 0 &&
		      node->shm->phy[1].eth_id == 1,
	      "port mask 0x3: phy:0 and phy:1 (%s)", err);
	CHECK(node->shm->phy[0].nb_rxq == 1 && node->shm->phy[0].nb_txq == 1 &&
		      node->shm->phy[1].nb_rxq == 2 &&
		      node->shm->phy[1].nb_txq == 2,
	      "phy:0 one queue each way, phy:1 the 2 and 2 of --port-num");
}

static void
test_pipe_refusals(void)
{
	char msg[256];

	CHECK(pri_exec("add pipe:0 ring:1 ring:2", msg, sizeof(msg)) == 0,
	      "add pipe:0 ring:1 ring:2 (%s)", msg);
	CHECK(pri.node.shm->pipe[0].active &&
		      pri.node.shm->pipe[0].rx_ring == 1 &&
		      pri.node.shm->pipe[0].tx_ring == 2,
	      "pipe:0 in the shared area");
	CHECK(pri_exec("add pipe:0 ring:1 ring:3", msg, sizeof(msg)) != 0 &&
		      strstr(msg, "pipe:0 already exists") != NULL,
	      "a second pipe:0 refused: %s", msg);
	CHECK(pri_exec("add pipe:1 ring:1 ring:9", msg, sizeof(msg)) != 0 &&
		      strstr(msg, "ring:9 does not exist") != NULL,
	      "a pipe over a ring that does not exist refused: %s", msg);
	CHECK(pri_exec("add pipe:64 ring:1 ring:2", msg, sizeof(msg)) != 0 &&
		      strstr(msg, "0-63") != NULL,
	      "pipe:64 refused: %s", msg);
}

/* Frames into ring:1 come out of pipe:0 and go on to ring:3. */
static void
test_pipe_forward(void)
{
	struct rte_mbuf *m[32];
	unsigned int n = 0;
	uint64_t end;
	char msg[256];

	CHECK(pri_exec("add pipe:0", msg, sizeof(msg)) == 0 &&
		      pri_exec("add ring:3", msg, sizeof(msg)) == 0 &&
		      pri_exec("patch pipe:0 ring:3", msg, sizeof(msg)) == 0 &&
		      pri_exec("forward", msg, sizeof(msg)) == 0,
	      "forwarder: patch pipe:0 ring:3, forward (%s)", msg);
	CHECK(rte_pktmbuf_alloc_bulk(pri.node.pool, m, 10) == 0 &&
		      rte_ring_enqueue_burst(pri.node.rings[1], (void **)m, 10,
					     NULL) == 10,
	      "10 frames on ring:1");
	end = rte_get_tsc_cycles() + 2 * rte_get_tsc_hz();
	while (n < 10 && rte_get_tsc_cycles() < end) {
		n += rte_ring_dequeue_burst(pri.node.rings[3], (void **)m + n,
					    10 - n, NULL);
		rte_delay_us_sleep(1000);
	}
	CHECK(n == 10, "10 frames through pipe:0 to ring:3 (got %u)", n);
	rte_pktmbuf_free_bulk(m, n);
}

static void
test_status(void)
{
	json_t *st = pri_status(), *pipe, *ring, *phy;

	CHECK(st != NULL && json_object_get(st, "client-id") == NULL &&
		      int_at(st, "master-lcore", NULL) == 0 &&
		      json_array_size(json_object_get(st, "lcores")) == 2,
	      "status head: master-lcore, lcores, no client-id");
	CHECK(json_is_object(json_object_get(st, "forwarder")) &&
		      json_array_size(json_object_get(
			      json_object_get(st, "forwarder"), "patches")) ==
			      1,
	      "status: the forwarder with its patch");
	phy = json_array_get(json_object_get(st, "phy_ports"), 1);
	CHECK(json_array_size(json_object_get(st, "phy_ports")) == 2 &&
		      int_at(phy, "id", NULL) == 1 &&
		      int_at(phy, "nof_queues", "rx") == 2 &&
		      int_at(phy, "nof_queues", "tx") == 2,
	      "status: 2 phy ports, phy:1 with 2 and 2 queues");
	ring = json_array_get(json_object_get(st, "ring_ports"), 3);
	CHECK(json_array_size(json_object_get(st, "ring_ports")) == NB_RINGS &&
		      int_at(ring, "capacity", NULL) == RING_SIZE - 1 &&
		      int_at(ring, "tx", NULL) == 10,
	      "status: %d rings, ring:3 of %d with 10 frames sent", NB_RINGS,
	      RING_SIZE - 1);
	pipe = json_array_get(json_object_get(st, "pipes"), 0);
	CHECK(json_array_size(json_object_get(st, "pipes")) == 1 &&
		      int_at(pipe, "id", NULL) == 0 &&
		      int_at(pipe, "rx", NULL) == 1 &&
		      int_at(pipe, "tx", NULL) == 2 &&
		      int_at(pipe, "stats", "rx") == 10,
	      "status: pipe:0 ring:1 ring:2, 10 frames received");
	CHECK(int_at(st, "mbuf_pool", "in_use") == 0 &&
		      strcmp(json_string_value(json_object_get(
				     json_object_get(st, "mbuf_pool"), "name")),
			     "test_pri_pool") == 0,
	      "status: mbuf_pool test_pri_pool, none in use");
	json_decref(st);
}

static void
test_pipe_del(void)
{
	char msg[256], pid[16];

	CHECK(pri_exec("stop", msg, sizeof(msg)) == 0 &&
		      pri_exec("patch reset", msg, sizeof(msg)) == 0 &&
		      pri_exec("del pipe:0", msg, sizeof(msg)) == 0 &&
		      pri_exec("del ring:3", msg, sizeof(msg)) == 0,
	      "forwarder: stop, patch reset, del pipe:0 (the port), del "
	      "ring:3 (%s)",
	      msg);
	CHECK(pri.node.shm->pipe[0].active, "pipe:0 is still there");
	CHECK(spp_pipe_hold(pri.node.shm, 0, msg, sizeof(msg)) == 0,
	      "a port holds pipe:0");
	snprintf(pid, sizeof(pid), "pid %d)", (int)getpid());
	CHECK(pri_exec("del pipe:0", msg, sizeof(msg)) != 0 &&
		      strstr(msg, "is added in 1 SPP port(s)") != NULL &&
		      strstr(msg, pid) != NULL,
	      "a held pipe is not deleted: %s", msg);
	spp_pipe_release(pri.node.shm, 0);
	CHECK(pri_exec("del pipe:0", msg, sizeof(msg)) == 0 &&
		      !pri.node.shm->pipe[0].active,
	      "del pipe:0 once released (%s)", msg);
	CHECK(pri_exec("del pipe:0", msg, sizeof(msg)) != 0 &&
		      strstr(msg, "pipe:0 does not exist") != NULL,
	      "del of a pipe that does not exist: %s", msg);
	CHECK(spp_pipe_hold(pri.node.shm, 0, msg, sizeof(msg)) == -ENOENT,
	      "a deleted pipe cannot be opened: %s", msg);
}

static void
test_clear(void)
{
	char msg[256];

	CHECK(pri.node.shm->ring[3].tx == 10 &&
		      pri_exec("clear", msg, sizeof(msg)) == 0 &&
		      pri.node.shm->ring[3].tx == 0 &&
		      pri.node.shm->ring[1].rx == 0,
	      "clear resets the ring counters");
}

/* On one lcore the primary has no forwarder, but pipes still come and go. */
static void
test_no_forwarder(void)
{
	struct spp_port_env env = {.kind = SPP_PROC_PRIMARY,
				   .shm = pri.node.shm,
				   .pool = pri.node.pool};
	char msg[256];
	json_t *st;

	spp_fwd_fini(&pri.fwd);
	CHECK(spp_fwd_init(&pri.fwd, &env, false, false) == 0,
	      "a primary without a forwarder");
	CHECK(pri_exec("add ring:0", msg, sizeof(msg)) != 0 &&
		      strstr(msg, "no forwarder") != NULL,
	      "add ring:0 refused: %s", msg);
	CHECK(pri_exec("add pipe:5 ring:0 ring:1", msg, sizeof(msg)) == 0,
	      "add pipe:5 all the same (%s)", msg);
	st = pri_status();
	CHECK(json_object_get(st, "forwarder") == NULL &&
		      json_array_size(json_object_get(st, "pipes")) == 1,
	      "status: no forwarder, pipe:5");
	json_decref(st);
}

int
main(void)
{
	char *argv[] = {"spp_primary",
			"-p",
			"0x3",
			"-n",
			"4",
			"-s",
			"127.0.0.1:5555",
			"--ring-size",
			"256",
			"--port-num",
			"1",
			"rxq",
			"2",
			"txq",
			"2",
			"--pool-name",
			"test_pri_pool"};
	struct spp_port_env env = {.kind = SPP_PROC_PRIMARY};
	struct spp_opts o;
	char err[256] = "";

	if (comp_eal_init("test_primary", "0@0,1@1") < 0 ||
	    make_devices() < 0) {
		printf("not ok 1 - EAL init and devices\n1..1\n");
		return 1;
	}
	CHECK(spp_opts_parse(SPP_PROC_PRIMARY, RTE_DIM(argv), argv, &o, err,
			     sizeof(err)) == 0,
	      "primary options (%s)", err);
	test_node(&o);
	env.shm = pri.node.shm;
	env.pool = pri.node.pool;
	CHECK(spp_fwd_init(&pri.fwd, &env, true, false) == 0,
	      "the primary's forwarder on lcore %d", WORKER);
	test_pipe_refusals();
	test_pipe_forward();
	test_status();
	test_pipe_del();
	test_clear();
	test_no_forwarder();
	CHECK(spp_node_stop_secondaries(&pri.node, 100) == 0 &&
		      pri.node.shm->stopping == 1,
	      "stopping: no secondary to wait for");
	spp_fwd_fini(&pri.fwd);
	spp_node_free(&pri.node);
	CHECK(rte_eth_dev_count_avail() == 0 && !pri.node.shm->pipe[5].active &&
		      rte_ring_lookup("spp_ring_0") == NULL &&
		      rte_mempool_lookup("test_pri_pool") == NULL,
	      "freed: pipes, ethdevs, rings, pool");
	comp_eal_done();
	return unit_done();
}
