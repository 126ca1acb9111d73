/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Component test of the classifier (src/datapath/spp_cls.c): entries, tables
 * and the fast-path lookup on real mbufs, in one EAL process without
 * hugepages. TAP output.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_mbuf.h>

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
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, 64);

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

static uint32_t
classify1(const struct spp_cls_table *t, const uint8_t *dst, int vid)
{
	struct rte_mbuf *m = frame(dst, vid);
	uint32_t d;

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
	uint32_t d;

	rings(tx, 4);
	CHECK(spp_cls_build(&db, tx, 4, &t, err, sizeof(err)) == 0,
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
	CHECK(spp_cls_build(&db, tx, 4, &t, err, sizeof(err)) == 0 &&
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
	spp_cls_build(&db, tx, 4, &t, err, sizeof(err));
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

/* 4096 MACs on 32 ports, looked up in bursts of 32. */
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
	uint32_t d[32];

	rings(tx, SPP_CLS_MAX_TX);
	for (i = 0; i < 4096; i++) {
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		fails += add(&db, (int)(i % 3), mac, (int)(i % 32)) != 0;
	}
	CHECK(fails == 0, "4096 entries added");
	CHECK(spp_cls_build(&db, tx, SPP_CLS_MAX_TX, &t, err, sizeof(err)) ==
			      0 &&
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
			wrong += d[k] != 1u << ((i + k) % 32);
			rte_pktmbuf_free(m[k]);
		}
	}
	CHECK(wrong == 0, "each of 4096 frames to its port (%u wrong)", wrong);
	spp_cls_free(t);
	spp_cls_db_free(&db);
}

int
main(void)
{
	if (comp_eal_init("test_cls", "0") < 0) {
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
	CHECK(rte_mempool_in_use_count(pool) == 0, "no mbuf left in use");
	comp_eal_done();
	return unit_done();
}
