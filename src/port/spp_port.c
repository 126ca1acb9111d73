/* SPDX-License-Identifier: BSD-3-Clause */
#include "spp_port.h"
#include "spp_err.h"
#include "spp_pipe.h"
#include "spp_vhost.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <pcap/pcap.h>
#include <rte_bus_vdev.h>
#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_log.h>

RTE_LOG_REGISTER(spp_port_logtype, spp.port, INFO);
#define PORT_LOG(level, ...)                                                   \
	rte_log(RTE_LOG_##level, spp_port_logtype, "spp_port: " __VA_ARGS__)

#define PORT_NB_RXD 1024
#define PORT_NB_TXD 1024

#define PROCS_ALL                                                              \
	(SPP_PROC_PRIMARY | SPP_PROC_NFV | SPP_PROC_VF | SPP_PROC_MIRROR |     \
	 SPP_PROC_PCAP)
#define PROCS_FWD (SPP_PROC_PRIMARY | SPP_PROC_NFV)

/*
 * Some PMDs (net_af_packet for one) give a secondary process no burst
 * functions: calling them would crash. Refuse such a port up front.
 */
static int
port_check_burst(const struct spp_port *port, char *err, size_t errlen)
{
	char name[SPP_RES_NAME_LEN];
	struct rte_eth_dev_info info;

	if (rte_eth_fp_ops[port->eth_id].rx_pkt_burst != NULL &&
	    rte_eth_fp_ops[port->eth_id].tx_pkt_burst != NULL)
		return 0;
	spp_res_format_human(&port->res, name, sizeof(name));
	memset(&info, 0, sizeof(info));
	rte_eth_dev_info_get(port->eth_id, &info);
	SPP_ERR(-EINVAL,
		"%s: its driver %s does not move packets in a "
		"secondary process; use it from the primary, or "
		"give the primary net_pcap (iface=) or net_tap "
		"ports instead",
		name, info.driver_name ? info.driver_name : "?");
}

static int
port_phy_open(struct spp_port *port, const struct spp_port_env *env, char *err,
	      size_t errlen)
{
	const struct spp_shm_phy *phy;
	char name[SPP_RES_NAME_LEN];
	uint16_t q;

	spp_res_format_human(&port->res, name, sizeof(name));
	if (port->res.id >= env->shm->nb_phy)
		SPP_ERR(-ENOENT,
			"%s does not exist: the primary has %u phy "
			"port(s)",
			name, env->shm->nb_phy);
	phy = &env->shm->phy[port->res.id];
	if (port->res.queue < 0 && (phy->nb_rxq > 1 || phy->nb_txq > 1))
		SPP_ERR(-EINVAL,
			"phy:%u has %u rx and %u tx queues: name a "
			"queue, phy:%u nq Q",
			port->res.id, phy->nb_rxq, phy->nb_txq, port->res.id);
	if (port->res.queue >= 0 && phy->nb_rxq <= 1 && phy->nb_txq <= 1)
		SPP_ERR(-EINVAL,
			"phy:%u has a single queue: use phy:%u "
			"without nq",
			port->res.id, port->res.id);
	q = port->res.queue < 0 ? 0 : (uint16_t)port->res.queue;
	if (q >= RTE_MAX(phy->nb_rxq, phy->nb_txq))
		SPP_ERR(-ENOENT,
			"%s does not exist: phy:%u has queues "
			"0-%u",
			name, port->res.id,
			RTE_MAX(phy->nb_rxq, phy->nb_txq) - 1);
	if (!rte_eth_dev_is_valid_port(phy->eth_id))
		SPP_ERR(-EIO,
			"phy:%u: this process could not attach ethdev %u "
			"(see its log)",
			port->res.id, phy->eth_id);
	port->eth_id = phy->eth_id;
	/* a port with fewer rx than tx queues reads its last rx queue */
	port->rxq = RTE_MIN(q, (uint16_t)(phy->nb_rxq - 1));
	port->txq = RTE_MIN(q, (uint16_t)(phy->nb_txq - 1));
	port->stats = &env->shm->phy[port->res.id].q[q];
	return port_check_burst(port, err, errlen);
}

/*
 * A process killed inside an enqueue (or dequeue) of a single-producer
 * (single-consumer) ring leaves that side's head ahead of its tail for good:
 * the next producer would publish slots nobody wrote (stale mbuf pointers,
 * freed twice), the next consumer would skip frames and leak them. A side
 * whose head and tail differ and stay still for PORT_RING_STILL_MS has no
 * live owner inside an operation (one takes nanoseconds): its head goes back
 * to its tail. What the dead producer was writing is lost; what the dead
 * consumer had taken is read again (it never used it).
 */
#define PORT_RING_STILL_MS 100
#define PORT_RING_SAMPLE_MS 10

static bool
port_ring_side_stuck(const struct rte_ring_headtail *ht)
{
	uint32_t head = ht->head, tail = ht->tail;
	unsigned int waited;

	if (ht->sync_type != RTE_RING_SYNC_ST || head == tail)
		return false;
	for (waited = 0; waited < PORT_RING_STILL_MS;
	     waited += PORT_RING_SAMPLE_MS) {
		rte_delay_us_sleep(PORT_RING_SAMPLE_MS * 1000);
		if (ht->head != head || ht->tail != tail)
			return false;
	}
	return true;
}

void
spp_port_ring_recover(struct rte_ring *r)
{
	struct rte_ring_headtail *side[2] = {&r->prod, &r->cons};
	static const char *const what[2] = {
		"its producer died inside an enqueue: the slots it reserved "
		"are given back",
		"its consumer died inside a dequeue: the frames it had taken "
		"are read again"};
	unsigned int i;
	uint32_t n;

	for (i = 0; i < RTE_DIM(side); i++) {
		if (!port_ring_side_stuck(side[i]))
			continue;
		n = side[i]->head - side[i]->tail;
		__atomic_store_n(&side[i]->head, side[i]->tail,
				 __ATOMIC_RELEASE);
		PORT_LOG(WARNING, "ring %s: %s (%u)\n", r->name, what[i], n);
	}
}

/*
 * rte_dev_probe(), again when it fails with ENOMSG: a hotplug request the
 * primary broadcasts to the secondaries fails whole when the socket file of
 * one killed meanwhile goes away under it (DPDK 22.11, send_msg() getting
 * ENOENT); the next try no longer sees that file.
 */
#define PORT_PROBE_TRIES 5
#define PORT_PROBE_RETRY_MS 100

static int
port_probe(const char *devargs)
{
	int ret = 0, i;

	for (i = 0; i < PORT_PROBE_TRIES; i++) {
		ret = rte_dev_probe(devargs);
		if (ret != -ENOMSG)
			break;
		PORT_LOG(WARNING,
			 "%s: hotplug request lost (a process of the node "
			 "ended meanwhile), trying again\n",
			 devargs);
		rte_delay_us_sleep(PORT_PROBE_RETRY_MS * 1000);
	}
	return ret;
}

static int
port_ring_open(struct spp_port *port, const struct spp_port_env *env, char *err,
	       size_t errlen)
{
	char name[RTE_RING_NAMESIZE];

	if (port->res.id >= env->shm->nb_rings)
		SPP_ERR(-ENOENT,
			"ring:%u does not exist: the primary has "
			"%u ring(s)",
			port->res.id, env->shm->nb_rings);
	snprintf(name, sizeof(name), SPP_RING_NAME_FMT, port->res.id);
	port->ring = rte_ring_lookup(name);
	port->fp = SPP_PORT_FP_RING;
	if (port->ring == NULL)
		SPP_ERR(-ENOENT, "ring:%u: ring '%s' not found", port->res.id,
			name);
	spp_port_ring_recover(port->ring);
	port->stats = &env->shm->ring[port->res.id];
	return 0;
}

int
spp_port_eth_setup(uint16_t eth_id, struct rte_mempool *pool, uint16_t nb_rxq,
		   uint16_t nb_txq, char *err, size_t errlen)
{
	struct rte_eth_conf conf;
	uint16_t nb_rxd = PORT_NB_RXD, nb_txd = PORT_NB_TXD, q;
	int socket = rte_eth_dev_socket_id(eth_id);
	int ret;

	if (socket < 0)
		socket = (int)rte_socket_id();
	memset(&conf, 0, sizeof(conf));
	ret = rte_eth_dev_configure(eth_id, nb_rxq, nb_txq, &conf);
	if (ret < 0)
		SPP_ERR(ret,
			"cannot configure ethdev %u with %u rx and %u tx "
			"queues: %s",
			eth_id, nb_rxq, nb_txq, rte_strerror(-ret));
	ret = rte_eth_dev_adjust_nb_rx_tx_desc(eth_id, &nb_rxd, &nb_txd);
	if (ret < 0)
		SPP_ERR(ret, "cannot set descriptors of ethdev %u: %s", eth_id,
			rte_strerror(-ret));
	for (q = 0; q < nb_rxq; q++) {
		ret = rte_eth_rx_queue_setup(eth_id, q, nb_rxd,
					     (unsigned int)socket, NULL, pool);
		if (ret < 0)
			SPP_ERR(ret,
				"cannot set up rx queue %u of ethdev "
				"%u: %s",
				q, eth_id, rte_strerror(-ret));
	}
	for (q = 0; q < nb_txq; q++) {
		ret = rte_eth_tx_queue_setup(eth_id, q, nb_txd,
					     (unsigned int)socket, NULL);
		if (ret < 0)
			SPP_ERR(ret,
				"cannot set up tx queue %u of ethdev "
				"%u: %s",
				q, eth_id, rte_strerror(-ret));
	}
	ret = rte_eth_dev_start(eth_id);
	if (ret < 0)
		SPP_ERR(ret, "cannot start ethdev %u: %s", eth_id,
			rte_strerror(-ret));
	return 0;
}

/*
 * Some PMDs (net_memif) must be configured and started by the primary, which
 * owns their control channel; a secondary then only moves packets. The
 * primary answers a request "spp_port_setup" naming the device.
 */
#define PORT_IPC_NAME "spp_port_setup"

struct port_ipc_req {
	char devname[RTE_ETH_NAME_MAX_LEN];
	char devargs[160]; /* to create the device when it does not exist */
	uint8_t start;	   /* 1: create, (re)configure and start; 0: stop */
};

struct port_ipc_reply {
	int32_t ret;
	char err[RTE_MP_MAX_PARAM_LEN - sizeof(int32_t)];
};

static struct rte_mempool *port_ipc_pool;

/* An empty message of ours with len bytes of parameters; returns them. */
static void *
port_ipc_msg(struct rte_mp_msg *m, size_t len)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", PORT_IPC_NAME);
	m->len_param = (int)len;
	return m->param;
}

static int
port_ipc_handle(const struct rte_mp_msg *msg, const void *peer)
{
	const struct port_ipc_req *req = (const void *)msg->param;
	struct port_ipc_reply *rep;
	struct rte_mp_msg out;
	uint16_t eth_id;

	rep = port_ipc_msg(&out, sizeof(*rep));
	if (msg->len_param != sizeof(*req) ||
	    memchr(req->devname, '\0', sizeof(req->devname)) == NULL ||
	    memchr(req->devargs, '\0', sizeof(req->devargs)) == NULL) {
		rep->ret = -EINVAL;
		snprintf(rep->err, sizeof(rep->err), "malformed request");
		return rte_mp_reply(&out, peer);
	}
	if (req->start &&
	    rte_eth_dev_get_port_by_name(req->devname, &eth_id) != 0) {
		/*
		 * Local only (no hot-plug broadcast, which an IPC handler
		 * must not wait for): secondaries attach once it is started,
		 * and so see its queues.
		 */
		const char *args = strchr(req->devargs, ',');

		rep->ret = rte_vdev_init(req->devname,
					 args != NULL ? args + 1 : "");
		if (rep->ret < 0)
			snprintf(rep->err, sizeof(rep->err),
				 "cannot create %s: %s", req->devargs,
				 rte_strerror(-rep->ret));
	}
	if (rep->ret < 0)
		; /* answered as is */
	else if (rte_eth_dev_get_port_by_name(req->devname, &eth_id) != 0) {
		rep->ret = -ENOENT;
		snprintf(rep->err, sizeof(rep->err),
			 "the primary has no ethdev %.200s", req->devname);
	} else {
		rte_eth_dev_stop(eth_id);
		rep->ret = req->start
				   ? spp_port_eth_setup(eth_id, port_ipc_pool,
							1, 1, rep->err,
							sizeof(rep->err))
				   : 0;
	}
	return rte_mp_reply(&out, peer);
}

int
spp_port_ipc_register(struct rte_mempool *pool)
{
	port_ipc_pool = pool;
	if (rte_mp_action_register(PORT_IPC_NAME, port_ipc_handle) < 0)
		return -rte_errno;
	return 0;
}

/*
 * From a secondary: have the primary create the device if needed, set it up
 * and start it (start=1), or stop it (start=0).
 */
static int
port_primary_setup(const struct spp_port *port, const char *devargs, int start,
		   char *err, size_t errlen)
{
	struct timespec ts = {.tv_sec = 5};
	const struct port_ipc_reply *rep;
	struct port_ipc_req *req;
	struct rte_mp_reply reply;
	struct rte_mp_msg msg;
	int ret;

	req = port_ipc_msg(&msg, sizeof(*req));
	snprintf(req->devname, sizeof(req->devname), "%s", port->devname);
	snprintf(req->devargs, sizeof(req->devargs), "%s", devargs);
	req->start = (uint8_t)start;
	memset(&reply, 0, sizeof(reply));
	if (rte_mp_request_sync(&msg, &reply, &ts) != 0 ||
	    reply.nb_received != 1) {
		free(reply.msgs);
		SPP_ERR(-EIO,
			"%s: the primary did not answer the set-up "
			"request",
			port->devname);
	}
	rep = (const void *)reply.msgs[0].param;
	ret = rep->ret;
	if (ret < 0)
		snprintf(err, errlen, "%s: %s", port->devname, rep->err);
	free(reply.msgs);
	return ret;
}

/*
 * Create (hot-plug) a virtual device, or take the one of that name that
 * already exists, and set it up with one queue each way.
 */
static int
port_vdev_open(struct spp_port *port, const struct spp_port_env *env,
	       const char *devargs, char *err, size_t errlen)
{
	char rname[SPP_RES_NAME_LEN];
	uint16_t eth_id;
	int ret;

	spp_res_format(&port->res, rname, sizeof(rname));
	if (port->primary_setup) {
		/*
		 * The primary creates and starts it; attaching afterwards
		 * gives this process the started queues.
		 */
		ret = port_primary_setup(port, devargs, 1, err, errlen);
		if (ret < 0)
			return ret;
		if (rte_eth_dev_get_port_by_name(port->devname, &eth_id) != 0)
			port_probe(port->devname);
		if (rte_eth_dev_get_port_by_name(port->devname, &eth_id) != 0)
			SPP_ERR(-EIO,
				"%s: cannot attach %s made by the primary",
				rname, port->devname);
		port->owned = true;
		port->eth_id = eth_id;
		port->stats = &port->local_stats;
		return 0;
	}
	if (rte_eth_dev_get_port_by_name(port->devname, &eth_id) == 0) {
		/* left by a process that did not delete it: take it over */
		PORT_LOG(INFO, "%s: taking over existing device %s\n", rname,
			 port->devname);
	} else {
		ret = port_probe(devargs);
		if (ret < 0)
			SPP_ERR(-EIO, "cannot create %s (%s): %s", rname,
				devargs, rte_strerror(-ret));
		if (rte_eth_dev_get_port_by_name(port->devname, &eth_id) != 0)
			SPP_ERR(-EIO, "%s: device %s created but has no ethdev",
				rname, port->devname);
	}
	port->owned = true;
	port->eth_id = eth_id;
	port->stats = &port->local_stats;
	/* a device taken over is set up anew: stop it first */
	rte_eth_dev_stop(eth_id);
	ret = spp_port_eth_setup(eth_id, env->pool, 1, 1, err, errlen);
	if (ret < 0) {
		spp_port_close(port, env);
		return -EIO;
	}
	return 0;
}

static void
port_vdev_close(struct spp_port *port, const struct spp_port_env *env)
{
	struct rte_eth_dev_info info;
	int ret;

	if (!port->owned)
		return;
	/*
	 * A secondary whose primary is stopping or gone leaves its devices
	 * to the primary: a hot-unplug asks the primary, which may be busy
	 * closing every device (or dead), and waits seconds for an answer.
	 */
	if (rte_eal_process_type() == RTE_PROC_SECONDARY &&
	    spp_shm_primary_leaving(env->shm)) {
		port->owned = false;
		return;
	}
	if (port->primary_setup)
		port_primary_setup(port, "", 0, NULL, 0);
	else
		rte_eth_dev_stop(port->eth_id);
	if (rte_eth_dev_info_get(port->eth_id, &info) != 0 ||
	    info.device == NULL)
		return;
	ret = rte_dev_remove(info.device);
	if (ret < 0)
		PORT_LOG(ERR, "cannot remove device %s: %s\n", port->devname,
			 rte_strerror(-ret));
	port->owned = false;
}

/* A vdev named DRV<N> with the given arguments after its name. */
static int
port_vdev_args_open(struct spp_port *port, const struct spp_port_env *env,
		    const char *drv, const char *args, char *err, size_t errlen)
{
	char devargs[RTE_ETH_NAME_MAX_LEN + 128];

	snprintf(port->devname, sizeof(port->devname), "%s%u", drv,
		 port->res.id);
	snprintf(devargs, sizeof(devargs), "%s%s", port->devname, args);
	return port_vdev_open(port, env, devargs, err, errlen);
}

static int
port_nullpmd_open(struct spp_port *port, const struct spp_port_env *env,
		  char *err, size_t errlen)
{
	return port_vdev_args_open(port, env, "net_null", "", err, errlen);
}

/* An empty pcap file (just the header) for the pcap PMD to read. */
static int
port_pcap_make_empty(const char *path, char *err, size_t errlen)
{
	pcap_dumper_t *d;
	pcap_t *p;

	p = pcap_open_dead(DLT_EN10MB, 65535);
	if (p == NULL)
		SPP_ERR(-ENOMEM, "cannot create %s: out of memory", path);
	d = pcap_dump_open(p, path);
	if (d == NULL) {
		snprintf(err, errlen, "cannot create %s: %s", path,
			 pcap_geterr(p));
		pcap_close(p);
		return -EIO;
	}
	pcap_dump_close(d);
	pcap_close(p);
	return 0;
}

static int
port_pcap_open(struct spp_port *port, const struct spp_port_env *env, char *err,
	       size_t errlen)
{
	char rx[64], tx[64], devargs[RTE_ETH_NAME_MAX_LEN + 160];
	int ret;

	snprintf(rx, sizeof(rx), "/tmp/spp-rx%u.pcap", port->res.id);
	snprintf(tx, sizeof(tx), "/tmp/spp-tx%u.pcap", port->res.id);
	if (access(rx, R_OK) != 0) {
		ret = port_pcap_make_empty(rx, err, errlen);
		if (ret < 0)
			return ret;
	}
	snprintf(port->devname, sizeof(port->devname), "net_pcap%u",
		 port->res.id);
	snprintf(devargs, sizeof(devargs), "%s,rx_pcap=%s,tx_pcap=%s",
		 port->devname, rx, tx);
	return port_vdev_open(port, env, devargs, err, errlen);
}

int
spp_port_claim_socket(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd, ret;

	if (lstat(path, &st) != 0)
		return 0;
	if (!S_ISSOCK(st.st_mode))
		SPP_ERR(-EEXIST, "%s exists and is not a socket: remove it",
			path);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		SPP_ERR(-errno, "cannot check %s: %s", path, strerror(errno));
	ret = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	if (ret == 0)
		SPP_ERR(-EBUSY, "%s is in use: another process listens on it",
			path);
	PORT_LOG(INFO, "removing stale socket %s\n", path);
	if (unlink(path) != 0 && errno != ENOENT)
		SPP_ERR(-errno, "cannot remove stale socket %s: %s", path,
			strerror(errno));
	return 0;
}

#define PORT_MEMIF_SOCK "/tmp/spp-memif.sock"

static int
port_memif_open(struct spp_port *port, const struct spp_port_env *env,
		char *err, size_t errlen)
{
	char args[96];
	int ret;

	/* one socket for every memif port: live means shared, not stale */
	ret = spp_port_claim_socket(PORT_MEMIF_SOCK, err, errlen);
	if (ret < 0 && ret != -EBUSY)
		return ret;
	snprintf(args, sizeof(args),
		 ",role=server,socket=%s,socket-abstract=no,id=%u",
		 PORT_MEMIF_SOCK, port->res.id);
	/* its control channel lives in the primary: a secondary asks it */
	port->primary_setup = rte_eal_process_type() == RTE_PROC_SECONDARY;
	return port_vdev_args_open(port, env, "net_memif", args, err, errlen);
}

/* Ports that exist as ethdevs of the primary, found by name. */
static int
port_named_open(struct spp_port *port, const struct spp_port_env *env,
		char *err, size_t errlen)
{
	char rname[SPP_RES_NAME_LEN];

	RTE_SET_USED(env);
	spp_res_format(&port->res, rname, sizeof(rname));
	if (port->res.type == SPP_RES_TAP)
		snprintf(port->devname, sizeof(port->devname), "net_tap%u",
			 port->res.id);
	else
		/* rte_eth_from_rings() names the ethdev net_ring_NAME */
		snprintf(port->devname, sizeof(port->devname),
			 "net_ring_spp_pipe%u", port->res.id);
	/*
	 * A device the primary made after this process started is not
	 * attached here yet: a probe of its name attaches it.
	 */
	if (rte_eth_dev_get_port_by_name(port->devname, &port->eth_id) != 0 &&
	    rte_eal_process_type() == RTE_PROC_SECONDARY)
		port_probe(port->devname);
	if (rte_eth_dev_get_port_by_name(port->devname, &port->eth_id) != 0)
		SPP_ERR(-ENOENT, "%s does not exist: no ethdev named %s", rname,
			port->devname);
	port->stats = &port->local_stats;
	return port_check_burst(port, err, errlen);
}

struct spp_port *
spp_port_find(struct spp_port *const *ports, unsigned int n,
	      const struct spp_res *res)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (spp_res_equal(&ports[i]->res, res))
			return ports[i];
	return NULL;
}

const char *
spp_port_link(const struct spp_port *port)
{
	struct rte_eth_link link;

	if (port->fp == SPP_PORT_FP_RING)
		return "up";
	if (port->fp == SPP_PORT_FP_VHOST)
		return __atomic_load_n(&port->vid, __ATOMIC_ACQUIRE) >= 0
			       ? "up"
			       : "down";
	memset(&link, 0, sizeof(link));
	if (rte_eth_link_get_nowait(port->eth_id, &link) < 0)
		return "down";
	return link.link_status == RTE_ETH_LINK_UP ? "up" : "down";
}

int
spp_port_wake_arm(struct spp_port *port)
{
	return spp_port_wakeable(port) ? spp_vhost_wake_arm(port)
				       : SPP_PORT_WAKE_POLL;
}

void
spp_port_wake_disarm(struct spp_port *port)
{
	if (spp_port_wakeable(port))
		spp_vhost_wake_disarm(port);
}

/* The PMD leaves its socket file behind when the last port goes. */
static void
port_memif_close(struct spp_port *port, const struct spp_port_env *env)
{
	char err[128];

	port_vdev_close(port, env);
	spp_port_claim_socket(PORT_MEMIF_SOCK, err, sizeof(err));
}

/* A pipe of the primary, held while open (spp_pipe.h). */
static int
port_pipe_open(struct spp_port *port, const struct spp_port_env *env, char *err,
	       size_t errlen)
{
	int ret = spp_pipe_hold(env->shm, port->res.id, err, errlen);

	if (ret < 0)
		return ret;
	ret = port_named_open(port, env, err, errlen);
	if (ret < 0)
		spp_pipe_release(env->shm, port->res.id);
	return ret;
}

static void
port_pipe_close(struct spp_port *port, const struct spp_port_env *env)
{
	spp_pipe_release(env->shm, port->res.id);
}

static const struct spp_port_ops port_ops[SPP_RES_TYPE_MAX] = {
	[SPP_RES_PHY] = {SPP_RES_PHY, PROCS_ALL, port_phy_open, NULL},
	[SPP_RES_RING] = {SPP_RES_RING, PROCS_ALL, port_ring_open, NULL},
	[SPP_RES_VHOST] = {SPP_RES_VHOST,
			   SPP_PROC_PRIMARY | SPP_PROC_NFV | SPP_PROC_VF |
				   SPP_PROC_MIRROR,
			   spp_vhost_open, spp_vhost_close},
	[SPP_RES_PCAP] = {SPP_RES_PCAP, PROCS_FWD, port_pcap_open,
			  port_vdev_close},
	[SPP_RES_NULLPMD] = {SPP_RES_NULLPMD, PROCS_FWD, port_nullpmd_open,
			     port_vdev_close},
	[SPP_RES_MEMIF] = {SPP_RES_MEMIF, PROCS_FWD, port_memif_open,
			   port_memif_close},
	[SPP_RES_TAP] = {SPP_RES_TAP, PROCS_FWD, port_named_open, NULL},
	[SPP_RES_PIPE] = {SPP_RES_PIPE, PROCS_FWD, port_pipe_open,
			  port_pipe_close},
};

int
spp_port_open(struct spp_port *port, const struct spp_res *res,
	      const struct spp_port_env *env, char *err, size_t errlen)
{
	const struct spp_port_ops *ops;
	char name[SPP_RES_NAME_LEN];

	memset(port, 0, sizeof(*port));
	port->res = *res;
	spp_res_format_human(res, name, sizeof(name));
	if (res->type <= SPP_RES_NONE || res->type >= SPP_RES_TYPE_MAX)
		SPP_ERR(-EINVAL, "invalid port type");
	ops = &port_ops[res->type];
	if (!(ops->procs & env->kind))
		SPP_ERR(-EINVAL, "%s: %s ports are not supported by %s", name,
			spp_res_type_name(res->type),
			spp_proc_kind_name(env->kind));
	if (res->queue >= 0 && res->type != SPP_RES_PHY)
		SPP_ERR(-EINVAL, "%s: only phy ports have queues", name);
	port->ops = ops;
	return ops->open(port, env, err, errlen);
}

void
spp_port_close(struct spp_port *port, const struct spp_port_env *env)
{
	if (port->ops != NULL && port->ops->close != NULL)
		port->ops->close(port, env);
	port->ops = NULL;
}
