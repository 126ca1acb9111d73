/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Component test of the classifier (src/datapath/spp_cls.c): entries, tables
 * and the fast-path lookup on real mbufs, in one EAL process without
 * hugepages. TAP output.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "../unit/unit.h"
#include "comp_eal.h"
#include "spp_cls.h"

static struct rte_mempool *pool;

static const uint8_t MAC_A[6] = {0x52, 0x54, 0x00, 0x01, 0x00, 0x01};
static const uint8_t MAC_B[6] = {0x52, 0x54, 0x00, 0x01, 0x00, 0x02};
static const uint8_t MAC_U[6] = {0x52, 0x54, 0x00, 0x09, 0x09, 0x09};
static const uint8_t MAC_BC[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t MAC_MC[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};

/* A 64-byte frame to dst, tagged with vid unless vid < 0. */
static struct rte_mbuf *
frame(const uint8_t *dst, int vid)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *p;

	if (m == NULL)
		rte_panic("test_cls: mbuf pool empty\n");
	p = (uint8_t *)rte_pktmbuf_append(m, 64);
	if (p == NULL)
		rte_panic("test_cls: no room for a frame\n");
	memset(p, 0xab, 64);
	memcpy(p, dst, 6);
	memset(p + 6, 0x02, 6);
	if (vid >= 0) {
		p[12] = 0x81;
		p[13] = 0x00;
		p[14] = (uint8_t)(vid >> 8);
		p[15] = (uint8_t)vid;
		p[16] = 0x08;
		p[17] = 0x00;
	} else {
		p[12] = 0x08;
		p[13] = 0x00;
	}
	return m;
}

static uint64_t
classify1(const struct spp_cls_table *t, const uint8_t *dst, int vid)
{
	struct rte_mbuf *m = frame(dst, vid);
	uint64_t d;

	spp_cls_classify(t, &m, 1, &d);
	rte_pktmbuf_free(m);
	return d;
}

static void
entry(struct spp_cls_entry *e, int vid, const uint8_t *mac, int ring)
{
	memset(e, 0, sizeof(*e));
	e->vlan = vid < 0 ? SPP_CLS_UNTAGGED : (uint16_t)vid;
	e->dflt = mac == NULL;
	if (mac != NULL)
		memcpy(e->mac, mac, 6);
	e->port.type = SPP_RES_RING;
	e->port.id = (uint16_t)ring;
	e->port.queue = -1;
}

static int
add(struct spp_cls_db *db, int vid, const uint8_t *mac, int ring)
{
	struct spp_cls_entry e;
	char err[128];

	entry(&e, vid, mac, ring);
	return spp_cls_db_add(db, &e, err, sizeof(err));
}

static int
del(struct spp_cls_db *db, int vid, const uint8_t *mac, int ring, char *err)
{
	struct spp_cls_entry e;

	entry(&e, vid, mac, ring);
	return spp_cls_db_del(db, &e, err, 128);
}

static void
rings(struct spp_res *tx, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		tx[i].type = SPP_RES_RING;
		tx[i].id = (uint16_t)i;
		tx[i].queue = -1;
	}
}

static bool
always(const struct spp_res *port, void *arg)
{
	(void)arg;
	return port->id != 7;
}

static void
test_entries(void)
{
	struct spp_cls_db db = {0};
	char err[128];
	json_t *j;
	char *s;

	CHECK(add(&db, -1, MAC_A, 0) == 0, "add mac A ring:0");
	CHECK(add(&db, -1, MAC_A, 1) == -EEXIST, "same MAC again: EEXIST");
	CHECK(add(&db, 101, MAC_A, 1) == 0, "same MAC in vlan 101");
	CHECK(add(&db, 101, NULL, 2) == 0, "vlan 101 default");
	CHECK(add(&db, 101, NULL, 3) == -EEXIST, "second default: EEXIST");
	CHECK(add(&db, -1, NULL, 7) == 0, "untagged default");
	CHECK(add(&db, -1, MAC_B, 0) == 0, "a port may hold several entries");
	CHECK(del(&db, -1, MAC_U, 0, err) == -ENOENT, "del unknown: ENOENT");
	CHECK(del(&db, -1, MAC_A, 1, err) == -ENOENT &&
		      strstr(err, "goes to ring:0") != NULL,
	      "del with the wrong port: ENOENT saying where it goes (%s)", err);
	j = spp_cls_db_json(&db, always, NULL);
	s = json_dumps(j, JSON_COMPACT);
	CHECK_STR(s,
		  "[{\"type\":\"mac\",\"value\":\"52:54:00:01:00:01\","
		  "\"port\":\"ring:0\",\"active\":true},"
		  "{\"type\":\"vlan\",\"value\":\"101/52:54:00:01:00:01\","
		  "\"port\":\"ring:1\",\"active\":true},"
		  "{\"type\":\"vlan\",\"value\":\"101/default\","
		  "\"port\":\"ring:2\",\"active\":true},"
		  "{\"type\":\"mac\",\"value\":\"default\","
		  "\"port\":\"ring:7\",\"active\":false},"
		  "{\"type\":\"mac\",\"value\":\"52:54:00:01:00:02\","
		  "\"port\":\"ring:0\",\"active\":true}]",
		  "status in interface.md's shape (%s)", s);
	free(s);
	json_decref(j);
	CHECK(del(&db, 101, NULL, 2, err) == 0 && db.n == 4,
	      "del vlan 101 default");
	CHECK(add(&db, 101, NULL, 3) == 0, "default free again");
	spp_cls_db_free(&db);
}

static void
test_lookup(void)
{
	struct spp_cls_db db = {0};
	struct spp_cls_table *t;
	struct spp_res tx[4];
	struct rte_mbuf *m;
	char err[128];
	uint64_t d;

	rings(tx, 4);
	CHECK(spp_cls_build(&db, tx, 4, NULL, &t, err, sizeof(err)) == 0,
	      "empty table builds");
	CHECK(classify1(t, MAC_A, -1) == 0 && classify1(t, MAC_BC, -1) == 0 &&
		      classify1(t, MAC_A, 5) == 0,
	      "empty table drops everything");
	spp_cls_free(t);

	add(&db, -1, MAC_A, 0);
	add(&db, -1, MAC_B, 1);
	add(&db, 101, MAC_A, 2);
	add(&db, 101, NULL, 3);
	add(&db, 102, MAC_B, 9); /* not a tx port of this classifier */
	CHECK(spp_cls_build(&db, tx, 4, NULL, &t, err, sizeof(err)) == 0 &&
		      t->nb_macs == 3,
	      "table of 3 MACs (ring:9 is not ours)");
	CHECK(classify1(t, MAC_A, -1) == 1u << 0, "untagged A -> ring:0");
	CHECK(classify1(t, MAC_B, -1) == 1u << 1, "untagged B -> ring:1");
	CHECK(classify1(t, MAC_A, 101) == 1u << 2, "101/A -> ring:2");
	CHECK(classify1(t, MAC_B, 101) == 1u << 3,
	      "101/B unknown -> vlan default ring:3");
	CHECK(classify1(t, MAC_U, -1) == 0,
	      "untagged unknown, no untagged default: drop");
	CHECK(classify1(t, MAC_A, 102) == 0,
	      "102/A: no entry, no default: drop");
	CHECK(classify1(t, MAC_B, 102) == 0,
	      "102/B goes to a port the classifier has not: drop");
	CHECK(classify1(t, MAC_BC, -1) == 0x3,
	      "untagged broadcast -> ring:0, ring:1");
	CHECK(classify1(t, MAC_MC, -1) == 0x3,
	      "untagged multicast -> ring:0, ring:1");
	CHECK(classify1(t, MAC_BC, 101) == 0xc,
	      "101 broadcast -> ring:2, ring:3");
	CHECK(classify1(t, MAC_BC, 0x2065) == 0xc,
	      "VID read from the TCI, PCP ignored (PCP 1, VID 101)");
	spp_cls_free(t);

	add(&db, -1, NULL, 1);
	spp_cls_build(&db, tx, 4, NULL, &t, err, sizeof(err));
	CHECK(classify1(t, MAC_U, -1) == 1u << 1,
	      "untagged unknown -> untagged default ring:1");
	CHECK(classify1(t, MAC_A, 102) == 1u << 1,
	      "102/A unknown, no vlan default -> untagged default");
	CHECK(classify1(t, MAC_U, 101) == 1u << 3,
	      "101 unknown -> its own default first");
	CHECK(classify1(t, MAC_BC, 101) == 0xe,
	      "101 broadcast -> its ports and the untagged default");
	CHECK(classify1(t, MAC_BC, 300) == 0x2,
	      "300 broadcast -> the untagged default only");
	m = frame(MAC_A, -1);
	m->data_len = m->pkt_len = 10;
	spp_cls_classify(t, &m, 1, &d);
	CHECK(d == 0, "runt frame dropped");
	rte_pktmbuf_free(m);
	spp_cls_free(t);
	spp_cls_db_free(&db);
}

/* 4096 MACs on 64 ports (a classifier's most), looked up in bursts of 32. */
static void
test_scale(void)
{
	struct spp_cls_db db = {0};
	struct spp_cls_table *t;
	struct spp_res tx[SPP_CLS_MAX_TX];
	struct rte_mbuf *m[32];
	unsigned int i, k, wrong = 0, fails = 0;
	uint8_t mac[6] = {0x52, 0x54, 0x00, 0, 0, 0};
	char err[128];
	uint64_t d[32];

	rings(tx, SPP_CLS_MAX_TX);
	for (i = 0; i < 4096; i++) {
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		fails += add(&db, (int)(i % 3), mac, (int)(i % 64)) != 0;
	}
	CHECK(fails == 0, "4096 entries added");
	CHECK(spp_cls_build(&db, tx, SPP_CLS_MAX_TX, NULL, &t, err,
			    sizeof(err)) == 0 &&
		      t->nb_macs == 4096,
	      "table of 4096 MACs");
	for (i = 0; i < 4096; i += 32) {
		for (k = 0; k < 32; k++) {
			mac[4] = (uint8_t)((i + k) >> 8);
			mac[5] = (uint8_t)(i + k);
			m[k] = frame(mac, (int)((i + k) % 3));
		}
		spp_cls_classify(t, m, 32, d);
		for (k = 0; k < 32; k++) {
			wrong += d[k] != 1ULL << ((i + k) % 64);
			rte_pktmbuf_free(m[k]);
		}
	}
	CHECK(wrong == 0, "each of 4096 frames to its port (%u wrong)", wrong);
	/* VLAN 1 has entries on every port (i % 3 == 1 meets each i % 64) */
	CHECK(classify1(t, MAC_BC, 1) == UINT64_MAX,
	      "a broadcast in VLAN 1 floods to all 64 ports, bit 63 too");
	spp_cls_free(t);
	spp_cls_db_free(&db);
}

/* -- changes in place ---------------------------------------------------- */

static uint32_t rnd_state = 12345;

static uint32_t
rnd(uint32_t n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 8) % n;
}

static void
nth_mac(uint8_t *mac, unsigned int i)
{
	static const uint8_t base[6] = {0x52, 0x54, 0x00, 0x07, 0, 0};

	memcpy(mac, base, 6);
	mac[4] = (uint8_t)(i >> 8);
	mac[5] = (uint8_t)i;
}

/* frames of every VLAN to every MAC, broadcast and unknown: same result */
static unsigned int
tables_differ(const struct spp_cls_table *a, const struct spp_cls_table *b,
	      unsigned int nb_macs)
{
	static const int vids[] = {-1, 101, 102, 103};
	unsigned int v, i, differ = 0;
	uint8_t mac[6];

	for (v = 0; v < RTE_DIM(vids); v++) {
		for (i = 0; i < nb_macs; i++) {
			nth_mac(mac, i);
			differ += classify1(a, mac, vids[v]) !=
				  classify1(b, mac, vids[v]);
		}
		differ += classify1(a, MAC_BC, vids[v]) !=
			  classify1(b, MAC_BC, vids[v]);
		differ += classify1(a, MAC_U, vids[v]) !=
			  classify1(b, MAC_U, vids[v]);
	}
	return differ;
}

/*
 * 3000 random adds and deletes of MAC, VLAN and default entries (some to a
 * port that is not the classifier's), each applied in place: after every
 * 100, the table classifies as one built from scratch.
 */
static void
test_in_place(void)
{
	enum { MACS = 48, VIDS = 3, SLOTS = (MACS + 1) * VIDS };
	static const int vids[VIDS] = {-1, 101, 102};
	int port_of[SLOTS]; /* ring of the entry in the db, -1 if none */
	struct spp_cls_db db = {0};
	struct spp_cls_table *t, *fresh;
	struct spp_res tx[4];
	struct spp_cls_entry e;
	unsigned int op, slot, differ = 0, checks = 0, fails = 0, done = 0;
	uint8_t mac[6];
	char err[128];

	rings(tx, 4);
	memset(port_of, -1, sizeof(port_of));
	CHECK(spp_cls_build(&db, tx, 4, NULL, &t, err, sizeof(err)) == 0,
	      "an empty table to change in place");
	for (op = 1; op <= 3000; op++) {
		slot = rnd(SLOTS);
		nth_mac(mac, slot % (MACS + 1));
		/* the last MAC of each VLAN stands for its default */
		entry(&e, vids[slot / (MACS + 1)],
		      slot % (MACS + 1) == MACS ? NULL : mac, 0);
		if (port_of[slot] < 0) {
			port_of[slot] = (int)rnd(5); /* ring:4: not a tx */
			e.port.id = (uint16_t)port_of[slot];
			fails += spp_cls_db_add(&db, &e, err, sizeof(err)) != 0;
			fails += spp_cls_apply(t, &e, true, tx, 4, err,
					       sizeof(err)) != 0;
		} else {
			e.port.id = (uint16_t)port_of[slot];
			port_of[slot] = -1;
			fails += spp_cls_db_del(&db, &e, err, sizeof(err)) != 0;
			fails += spp_cls_apply(t, &e, false, tx, 4, err,
					       sizeof(err)) != 0;
		}
		done++;
		if (op % 100 != 0)
			continue;
		if (spp_cls_build(&db, tx, 4, NULL, &fresh, err, sizeof(err)) !=
		    0) {
			fails++;
			continue;
		}
		differ += tables_differ(t, fresh, MACS);
		checks++;
		spp_cls_free(fresh);
	}
	CHECK(fails == 0 && done == 3000, "3000 changes taken (%u failed)",
	      fails);
	CHECK(checks == 30 && differ == 0,
	      "changed in place, the table classifies as a new one (%u of "
	      "%u checks differ)",
	      differ, checks * 4 * (MACS + 2));
	spp_cls_free(t);
	spp_cls_db_free(&db);
}

/* A table has room for SPP_CLS_MIN_CAP MACs; the next one is -ENOSPC. */
static void
test_full(void)
{
	struct spp_cls_db db = {0};
	struct spp_cls_table *t;
	struct spp_cls_entry e;
	struct spp_res tx[1];
	unsigned int i, fails = 0;
	uint8_t mac[6];
	char err[128];

	rings(tx, 1);
	if (spp_cls_build(&db, tx, 1, NULL, &t, err, sizeof(err)) != 0) {
		CHECK(0, "table: %s", err);
		return;
	}
	for (i = 0; i < SPP_CLS_MIN_CAP; i++) {
		nth_mac(mac, i);
		entry(&e, -1, mac, 0);
		fails += spp_cls_apply(t, &e, true, tx, 1, err, sizeof(err)) !=
			 0;
	}
	nth_mac(mac, i);
	entry(&e, -1, mac, 0);
	CHECK(fails == 0 && spp_cls_apply(t, &e, true, tx, 1, err,
					  sizeof(err)) == -ENOSPC,
	      "%u MACs fit in a new table, the next asks for a bigger one",
	      SPP_CLS_MIN_CAP);
	spp_cls_free(t);
}

/*
 * Hitless: a worker on lcore 1 classifies frames to MAC A (ring:0) without
 * a break while the control thread adds 4096 other MACs in place, changes
 * the untagged default and deletes them all again. Not one frame to A may
 * go anywhere else.
 */
struct hitless {
	struct spp_cls_table *t;
	struct rte_rcu_qsbr *qs;
	volatile int stop;
	uint64_t rounds, wrong;
};

static int
hitless_worker(void *arg)
{
	struct hitless *h = arg;
	struct rte_mbuf *m[32];
	uint64_t d[32];
	unsigned int k;

	for (k = 0; k < 32; k++)
		m[k] = frame(MAC_A, -1);
	rte_rcu_qsbr_thread_register(h->qs, 1);
	rte_rcu_qsbr_thread_online(h->qs, 1);
	while (!h->stop) {
		spp_cls_classify(__atomic_load_n(&h->t, __ATOMIC_ACQUIRE), m,
				 32, d);
		for (k = 0; k < 32; k++)
			h->wrong += d[k] != 1u;
		__atomic_store_n(&h->rounds, h->rounds + 1, __ATOMIC_RELAXED);
		rte_rcu_qsbr_quiescent(h->qs, 1);
	}
	rte_rcu_qsbr_thread_offline(h->qs, 1);
	rte_pktmbuf_free_bulk(m, 32);
	return 0;
}

static void
test_hitless(void)
{
	struct spp_cls_db db = {0};
	struct hitless h = {0};
	struct spp_cls_entry e;
	struct spp_res tx[4];
	unsigned int i, fails = 0, rebuilt = 0;
	uint64_t before;
	int ret;
	uint8_t mac[6];
	char err[128];

	if (rte_lcore_count() < 2) {
		CHECK(0, "a second lcore for the worker");
		return;
	}
	rings(tx, 4);
	h.qs = rte_zmalloc("qs", rte_rcu_qsbr_get_memsize(RTE_MAX_LCORE),
			   RTE_CACHE_LINE_SIZE);
	rte_rcu_qsbr_init(h.qs, RTE_MAX_LCORE);
	add(&db, -1, MAC_A, 0);
	if (spp_cls_build(&db, tx, 4, h.qs, &h.t, err, sizeof(err)) != 0) {
		CHECK(0, "table: %s", err);
		return;
	}
	rte_eal_remote_launch(hitless_worker, &h, 1);
	while (__atomic_load_n(&h.rounds, __ATOMIC_RELAXED) == 0)
		;
	for (i = 0; i < 2 * 4096; i++) {
		unsigned int n = i % 4096;
		bool adding = i < 4096;

		nth_mac(mac, n);
		entry(&e, n % 2 ? 101 : -1, mac, 1 + (int)(n % 3));
		if (n == 1024) /* the untagged default comes, then goes */
			entry(&e, -1, NULL, 3);
		if (adding)
			fails += spp_cls_db_add(&db, &e, err, sizeof(err)) != 0;
		else
			fails += spp_cls_db_del(&db, &e, err, sizeof(err)) != 0;
		ret = spp_cls_apply(h.t, &e, adding, tx, 4, err, sizeof(err));
		if (ret == -ENOSPC) { /* as spp_comp: a bigger one, published */
			struct spp_cls_table *old = h.t, *t;

			ret = spp_cls_build(&db, tx, 4, h.qs, &t, err,
					    sizeof(err));
			if (ret == 0) {
				__atomic_store_n(&h.t, t, __ATOMIC_RELEASE);
				rte_rcu_qsbr_synchronize(
					h.qs, RTE_QSBR_THRID_INVALID);
				spp_cls_free(old);
				rebuilt++;
			}
		}
		fails += ret != 0;
	}
	before = __atomic_load_n(&h.rounds, __ATOMIC_RELAXED);
	while (__atomic_load_n(&h.rounds, __ATOMIC_RELAXED) < before + 100)
		;
	h.stop = 1;
	rte_eal_wait_lcore(1);
	CHECK(fails == 0 && rebuilt == 2,
	      "4096 MACs added and deleted in place, the table built again "
	      "%u times when full (%u failed)",
	      rebuilt, fails);
	CHECK(h.rounds > 100 && h.wrong == 0,
	      "the worker's %" PRIu64 " frames to A all went to A meanwhile "
	      "(%" PRIu64 " did not)",
	      h.rounds * 32, h.wrong);
	spp_cls_free(h.t);
	spp_cls_db_free(&db);
	rte_free(h.qs);
}

int
main(void)
{
	if (comp_eal_init("test_cls", "0@0,1@1") < 0) {
		printf("not ok 1 - EAL init\n1..1\n");
		return 1;
	}
	pool = rte_pktmbuf_pool_create("test_cls", 1023, 0, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	CHECK(pool != NULL, "mbuf pool");
	if (pool == NULL)
		return unit_done();
	test_entries();
	test_lookup();
	test_scale();
	test_in_place();
	test_full();
	test_hitless();
	CHECK(rte_mempool_in_use_count(pool) == 0, "no mbuf left in use");
	comp_eal_done();
	return unit_done();
}
