/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Component tests of the datapath: each component type runs on a worker
 * lcore of one EAL process without hugepages and without spp-ctl, its ports
 * rings of a shared area the test makes itself. Frames go in, every output
 * is checked by counts and bytes: nfv's patch, vf's forward, merge,
 * classifier (mac, vlan, default, broadcast) and VLAN add/rewrite/strip,
 * mirror's deep, shallow and auto copies, spp_pcap's capture; then port
 * open and close of the types that need no peer (ring, nullpmd, pcap), and
 * the argv of the primary's launch.
 * TAP output.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "../unit/unit.h"
#include "comp_eal.h"
#include "spp_app.h"
#include "spp_capture.h"
#include "spp_comp.h"
#include "spp_fwd.h"
#include "spp_launch.h"
#include "spp_msg.h"
#include "spp_shm.h"

#define NB_RINGS 16
#define WORKER 1 /* the worker lcore components run on */

static struct rte_mempool *pool;
static struct spp_shm *shm;
static struct rte_ring *rings[NB_RINGS];

static const uint8_t MAC_A[6] = {0x52, 0x54, 0x00, 0x01, 0x00, 0x01};
static const uint8_t MAC_B[6] = {0x52, 0x54, 0x00, 0x01, 0x00, 0x02};
static const uint8_t MAC_U[6] = {0x52, 0x54, 0x00, 0x09, 0x09, 0x09};
static const uint8_t MAC_BC[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* The shared area and rings a primary would have made. */
static int
make_shm(void)
{
	char name[RTE_RING_NAMESIZE];
	unsigned int i;

	shm = calloc(1, sizeof(*shm));
	if (shm == NULL)
		return -ENOMEM;
	shm->nb_rings = NB_RINGS;
	for (i = 0; i < NB_RINGS; i++) {
		snprintf(name, sizeof(name), SPP_RING_NAME_FMT, i);
		rings[i] = rte_ring_create(name, 1024, SOCKET_ID_ANY,
					   RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (rings[i] == NULL)
			return -ENOMEM;
	}
	return 0;
}

static struct spp_port_env
env_of(enum spp_proc_kind kind)
{
	struct spp_port_env env = {.kind = kind, .shm = shm, .pool = pool};

	return env;
}

/*
 * A frame of len bytes to dst, tagged with vid (TCI) unless vid < 0; the
 * payload after the headers is seq then a pattern.
 */
static struct rte_mbuf *
frame(const uint8_t *dst, int vid, uint16_t len, uint32_t seq)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *p;
	uint16_t i, h;

	if (m == NULL)
		return NULL;
	p = (uint8_t *)rte_pktmbuf_append(m, len);
	memcpy(p, dst, 6);
	memset(p + 6, 0x02, 6);
	h = 12;
	if (vid >= 0) {
		p[h++] = 0x81;
		p[h++] = 0x00;
		p[h++] = (uint8_t)(vid >> 8);
		p[h++] = (uint8_t)vid;
	}
	p[h++] = 0x08;
	p[h++] = 0x00;
	memcpy(p + h, &seq, sizeof(seq));
	for (i = h + sizeof(seq); i < len; i++)
		p[i] = (uint8_t)(i * 7 + seq);
	return m;
}

/* Put n frames made by frame() on ring r; returns how many went. */
static unsigned int
put(unsigned int r, const uint8_t *dst, int vid, uint16_t len, unsigned int n)
{
	struct rte_mbuf *m[256];
	unsigned int i, k;

	for (i = 0; i < n; i++)
		m[i] = frame(dst, vid, len, i);
	k = rte_ring_enqueue_burst(rings[r], (void **)m, n, NULL);
	for (i = k; i < n; i++)
		rte_pktmbuf_free(m[i]);
	return k;
}

/* Take what ring r has, waiting until n frames came or 2 s went by. */
static unsigned int
get(unsigned int r, struct rte_mbuf **m, unsigned int n)
{
	uint64_t end = rte_get_tsc_cycles() + 2 * rte_get_tsc_hz();
	unsigned int k = 0;

	while (k < n && rte_get_tsc_cycles() < end) {
		k += rte_ring_dequeue_burst(rings[r], (void **)m + k, n - k,
					    NULL);
		if (k < n)
			rte_delay_us_sleep(1000);
	}
	/* and nothing more than n within a little while */
	rte_delay_us_sleep(20000);
	k += rte_ring_dequeue_burst(rings[r], (void **)m + k, 256 - k, NULL);
	return k;
}

static void
free_all(struct rte_mbuf **m, unsigned int n)
{
	rte_pktmbuf_free_bulk(m, n);
}

/* Whether m holds exactly what frame(dst, vid, len, seq) made. */
static bool
same(struct rte_mbuf *m, const uint8_t *dst, int vid, uint16_t len,
     uint32_t seq)
{
	struct rte_mbuf *e = frame(dst, vid, len, seq);
	bool ok;

	ok = e != NULL && m->pkt_len == len && m->data_len == len &&
	     memcmp(rte_pktmbuf_mtod(m, void *), rte_pktmbuf_mtod(e, void *),
		    len) == 0;
	rte_pktmbuf_free(e);
	return ok;
}

/* All n frames in m are frame(dst, vid, len, 0..n-1), in order. */
static bool
all_same(struct rte_mbuf **m, unsigned int n, const uint8_t *dst, int vid,
	 uint16_t len)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!same(m[i], dst, vid, len, i))
			return false;
	return true;
}

/* Put n frames on ring in and check that ring out gets the same. */
static void
check_through(unsigned int in, unsigned int out, unsigned int n,
	      const char *what)
{
	struct rte_mbuf *m[256];
	unsigned int k;

	put(in, MAC_A, -1, 100, n);
	k = get(out, m, n);
	CHECK(k == n && all_same(m, k, MAC_A, -1, 100),
	      "%s: %u frames of 100 bytes through, unchanged (got %u)", what, n,
	      k);
	free_all(m, k);
}

/* -- spp_vf and spp_mirror components ----------------------------------- */

static int
comp_cmd(struct spp_comp_engine *e, const char *line)
{
	struct spp_cmd cmd;
	char err[256] = "";
	int ret;

	ret = spp_cmd_parse(line, e->kind, &cmd, err, sizeof(err));
	if (ret == 0)
		ret = spp_comp_command(e, &cmd, err, sizeof(err));
	spp_cmd_free(&cmd);
	if (ret < 0)
		printf("# %s: %s\n", line, err);
	return ret;
}

static int
comp_cmds(struct spp_comp_engine *e, const char *const *lines)
{
	int ret = 0;

	for (; *lines != NULL && ret == 0; lines++)
		ret = comp_cmd(e, *lines);
	return ret;
}

/* The stats of component name in the status: rx, tx, drop. */
static bool
comp_stats(const struct spp_comp_engine *e, const char *name, long long rx,
	   long long tx, long long drop)
{
	json_t *st = json_object(), *c;
	json_int_t r = -1, t = -1, d = -1;
	size_t i;

	spp_comp_status(e, st);
	json_array_foreach(json_object_get(st, "components"), i, c)
	{
		const char *n = json_string_value(json_object_get(c, "name"));

		if (n != NULL && strcmp(n, name) == 0)
			json_unpack(json_object_get(c, "stats"),
				    "{s:I,s:I,s:I}", "rx", &r, "tx", &t, "drop",
				    &d);
	}
	json_decref(st);
	if (r != rx || t != tx || d != drop)
		printf("# %s: rx %lld tx %lld drop %lld\n", name, (long long)r,
		       (long long)t, (long long)d);
	return r == rx && t == tx && d == drop;
}

static void
test_forward_merge(struct spp_comp_engine *e)
{
	static const char *const fwd[] = {"component start fw 1 forward",
					  "port add ring:0 rx fw",
					  "port add ring:1 tx fw", NULL};
	static const char *const merge[] = {
		"component start mg 1 merge", "port add ring:2 rx mg",
		"port add ring:3 rx mg", "port add ring:4 tx mg", NULL};
	struct rte_mbuf *m[256];
	unsigned int k, a = 0, b = 0, i;

	CHECK(comp_cmds(e, fwd) == 0, "forward fw: ring:0 -> ring:1");
	check_through(0, 1, 100, "forward");
	CHECK(comp_stats(e, "fw", 100, 100, 0), "forward counts 100 rx, tx");

	CHECK(comp_cmds(e, merge) == 0, "merge mg: ring:2, ring:3 -> ring:4");
	put(2, MAC_A, -1, 64, 10);
	put(3, MAC_B, -1, 1500, 20);
	k = get(4, m, 30);
	for (i = 0; i < k; i++) {
		a += m[i]->pkt_len == 64 && same(m[i], MAC_A, -1, 64, a);
		b += m[i]->pkt_len == 1500 && same(m[i], MAC_B, -1, 1500, b);
	}
	CHECK(k == 30 && a == 10 && b == 20,
	      "merge: 10 + 20 frames out, each in its order (%u, %u of %u)", a,
	      b, k);
	free_all(m, k);
	CHECK(comp_stats(e, "mg", 30, 30, 0), "merge counts 30 rx, tx");
	CHECK(comp_cmd(e, "port add ring:5 tx mg") == -EINVAL,
	      "merge takes one tx port");
	CHECK(comp_cmd(e, "component stop fw") == 0 &&
		      comp_cmd(e, "component stop mg") == 0,
	      "forward and merge stopped");
	put(0, MAC_A, -1, 64, 5);
	CHECK(get(1, m, 0) == 0 && rte_ring_count(rings[0]) == 5,
	      "a stopped forward moves nothing");
	k = rte_ring_dequeue_burst(rings[0], (void **)m, 5, NULL);
	free_all(m, k);
}

/*
 * Each of the classifier's tx rings 6-8 in mask gets the n frames put in,
 * unchanged and in order; the others get nothing.
 */
static bool
cls_out(uint32_t mask, unsigned int n, const uint8_t *dst, int vid,
	uint16_t len)
{
	struct rte_mbuf *m[256];
	unsigned int r, k;
	bool ok = true;

	for (r = 6; r <= 8; r++) {
		k = get(r, m, mask & 1u << r ? n : 0);
		if (k != (mask & 1u << r ? n : 0) ||
		    !all_same(m, k, dst, vid, len)) {
			printf("# ring:%u got %u frames\n", r, k);
			ok = false;
		}
		free_all(m, k);
	}
	return ok;
}

static void
test_classifier(struct spp_comp_engine *e)
{
	static const char *const cls[] = {
		"component start cls 1 classifier",
		"port add ring:5 rx cls",
		"port add ring:6 tx cls",
		"port add ring:7 tx cls",
		"port add ring:8 tx cls",
		"classifier_table add mac 52:54:00:01:00:01 ring:6",
		"classifier_table add vlan 10 52:54:00:01:00:02 ring:7",
		"classifier_table add mac default ring:8",
		NULL};
	struct rte_mbuf *m[256];

	CHECK(comp_cmds(e, cls) == 0,
	      "classifier: A -> ring:6, 10/B -> ring:7, default ring:8");
	put(5, MAC_A, -1, 64, 10);
	CHECK(cls_out(1u << 6, 10, MAC_A, -1, 64), "mac: A -> ring:6 only");
	put(5, MAC_B, 10, 128, 7);
	CHECK(cls_out(1u << 7, 7, MAC_B, 10, 128),
	      "vlan: 10/B -> ring:7 only, tag kept");
	put(5, MAC_U, -1, 64, 5);
	CHECK(cls_out(1u << 8, 5, MAC_U, -1, 64),
	      "default: an unknown MAC -> ring:8 only");
	/* a VLAN without entry or default of its own: the untagged default */
	put(5, MAC_B, 20, 64, 3);
	CHECK(cls_out(1u << 8, 3, MAC_B, 20, 64),
	      "vlan 20 without entry or default -> the untagged default");
	/* untagged broadcast: the untagged ports (A's and the default) */
	put(5, MAC_BC, -1, 64, 4);
	CHECK(cls_out(1u << 6 | 1u << 8, 4, MAC_BC, -1, 64),
	      "broadcast -> ring:6 and ring:8, not the vlan 10 port ring:7");
	CHECK(comp_stats(e, "cls", 10 + 7 + 5 + 3 + 4, 10 + 7 + 5 + 3 + 8, 0),
	      "classifier counts: 29 rx, 33 tx (a broadcast counts 2)");
	CHECK(comp_cmd(e, "classifier_table del mac default ring:8") == 0,
	      "default deleted");
	put(5, MAC_U, -1, 64, 2);
	CHECK(get(8, m, 0) == 0 && comp_stats(e, "cls", 31, 33, 2),
	      "unknown MAC without default: dropped, counted");
	CHECK(comp_cmd(e, "component stop cls") == 0, "classifier stopped");
	CHECK(comp_cmd(e, "classifier_table del mac 52:54:00:01:00:01 "
			  "ring:6") == 0 &&
		      comp_cmd(e, "classifier_table del vlan 10 "
				  "52:54:00:01:00:02 ring:7") == 0,
	      "entries deleted");
}

/* The TCI of a tagged frame, or -1. */
static int
tci_of(struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);

	if (m->data_len < 18 || p[12] != 0x81 || p[13] != 0x00)
		return -1;
	return p[14] << 8 | p[15];
}

/* m is untagged frame(dst, -1, 100, seq) with tag tci inserted. */
static bool
tagged_as(struct rte_mbuf *m, const uint8_t *dst, uint32_t seq, int tci)
{
	struct rte_mbuf *in = frame(dst, -1, 100, seq);
	const uint8_t *a = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint8_t *b = rte_pktmbuf_mtod(in, const uint8_t *);
	bool ok = m->pkt_len == 104 && m->data_len == 104 && tci_of(m) == tci &&
		  memcmp(a, b, 12) == 0 &&
		  memcmp(a + 16, b + 12, 100 - 12) == 0;

	rte_pktmbuf_free(in);
	return ok;
}

/* m is frame(dst, vid, 100, seq) without its tag. */
static bool
stripped_of(struct rte_mbuf *m, const uint8_t *dst, uint32_t seq, int vid)
{
	struct rte_mbuf *in = frame(dst, vid, 100, seq);
	const uint8_t *a = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint8_t *b = rte_pktmbuf_mtod(in, const uint8_t *);
	bool ok = m->pkt_len == 96 && tci_of(m) < 0 && memcmp(a, b, 12) == 0 &&
		  memcmp(a + 12, b + 16, 96 - 12) == 0;

	rte_pktmbuf_free(in);
	return ok;
}

static void
test_vlan(struct spp_comp_engine *e)
{
	static const char *const add[] = {
		"component start va 1 forward", "port add ring:9 rx va",
		"port add ring:10 tx va add_vlantag 100 3", NULL};
	static const char *const del[] = {
		"component start vd 1 forward", "port add ring:11 rx vd",
		"port add ring:12 tx vd del_vlantag", NULL};
	struct rte_mbuf *m[256];
	unsigned int k, i, good = 0;
	int tci = 100 | 3 << 13;

	CHECK(comp_cmds(e, add) == 0, "forward with add_vlantag 100 3 on tx");
	put(9, MAC_A, -1, 100, 8);
	k = get(10, m, 8);
	for (i = 0; i < k; i++)
		good += tagged_as(m[i], MAC_A, i, tci);
	CHECK(k == 8 && good == 8,
	      "add: 8 frames of 100 bytes leave as 104, tagged VID 100 PCP 3, "
	      "the rest unchanged (%u)",
	      good);
	free_all(m, k);
	put(9, MAC_A, 55, 100, 6);
	k = get(10, m, 6);
	for (i = 0, good = 0; i < k; i++)
		good += same(m[i], MAC_A, tci, 100, i);
	CHECK(k == 6 && good == 6,
	      "rewrite: 6 frames of VID 55 leave with VID 100 PCP 3, the rest "
	      "unchanged (%u)",
	      good);
	free_all(m, k);

	CHECK(comp_cmds(e, del) == 0, "forward with del_vlantag on tx");
	put(11, MAC_B, 77, 100, 5);
	k = get(12, m, 5);
	for (i = 0, good = 0; i < k; i++)
		good += stripped_of(m[i], MAC_B, i, 77);
	CHECK(k == 5 && good == 5,
	      "strip: 5 frames of VID 77 leave untagged, 96 bytes (%u)", good);
	free_all(m, k);
	put(11, MAC_B, -1, 100, 4);
	k = get(12, m, 4);
	CHECK(k == 4 && all_same(m, k, MAC_B, -1, 100),
	      "strip: untagged frames pass unchanged");
	free_all(m, k);
	CHECK(comp_stats(e, "va", 14, 14, 0) && comp_stats(e, "vd", 9, 9, 0),
	      "VLAN components count every frame, drop none");
	CHECK(comp_cmd(e, "component stop va") == 0 &&
		      comp_cmd(e, "component stop vd") == 0,
	      "VLAN components stopped");
}

static void
test_components(void)
{
	struct spp_port_env env = env_of(SPP_PROC_VF);
	static struct spp_comp_engine e;

	CHECK(spp_comp_init(&e, SPP_PROC_VF, &env, true, false) == 0,
	      "vf engine started");
	CHECK(comp_cmd(&e, "component start m 1 mirror") < 0,
	      "spp_vf has no mirror component");
	CHECK(comp_cmd(&e, "component start f 0 forward") == -EINVAL,
	      "the main lcore is no worker");
	test_forward_merge(&e);
	test_classifier(&e);
	test_vlan(&e);
	CHECK(e.nb_ports == 0 && e.nb_comps == 0,
	      "no component and no port left");
	spp_comp_fini(&e);
}

/* -- spp_mirror --------------------------------------------------------- */

static void
mirror_case(struct spp_comp_engine *e, const char *mode, uint16_t len,
	    bool want_indirect)
{
	char line[96];
	struct rte_mbuf *o[256], *c[256];
	unsigned int ko, kc, i, indirect = 0;

	snprintf(line, sizeof(line), "component start mr 1 mirror %s", mode);
	CHECK(comp_cmd(e, line) == 0 &&
		      comp_cmd(e, "port add ring:0 rx mr") == 0 &&
		      comp_cmd(e, "port add ring:1 tx mr") == 0 &&
		      comp_cmd(e, "port add ring:2 tx mr") == 0,
	      "mirror %s: ring:0 -> ring:1, copies to ring:2", mode);
	put(0, MAC_A, -1, len, 32);
	ko = get(1, o, 32);
	kc = get(2, c, 32);
	for (i = 0; i < kc; i++)
		indirect += RTE_MBUF_CLONED(c[i]) != 0;
	CHECK(ko == 32 && all_same(o, ko, MAC_A, -1, len),
	      "mirror %s, %u bytes: 32 originals unchanged (%u)", mode, len,
	      ko);
	CHECK(kc == 32 && all_same(c, kc, MAC_A, -1, len),
	      "mirror %s, %u bytes: 32 copies equal (%u)", mode, len, kc);
	CHECK(indirect == (want_indirect ? kc : 0),
	      "mirror %s, %u bytes: %s copies (%u of %u indirect)", mode, len,
	      want_indirect ? "shallow" : "deep", indirect, kc);
	free_all(o, ko);
	free_all(c, kc);
	CHECK(comp_stats(e, "mr", 32, 64, 0), "mirror counts 32 rx, 64 tx");
	CHECK(comp_cmd(e, "component stop mr") == 0, "mirror stopped");
}

static void
test_mirror(void)
{
	struct spp_port_env env = env_of(SPP_PROC_MIRROR);
	static struct spp_comp_engine e;

	CHECK(spp_comp_init(&e, SPP_PROC_MIRROR, &env, true, false) == 0,
	      "mirror engine started");
	CHECK(comp_cmd(&e, "component start f 1 forward") < 0,
	      "spp_mirror has no forward component");
	mirror_case(&e, "deep", 1000, false);
	mirror_case(&e, "shallow", 64, true);
	mirror_case(&e, "auto", 64, false);
	mirror_case(&e, "auto", SPP_MIRROR_DEEP_MAX + 1, true);
	CHECK(rte_mempool_in_use_count(pool) == 0,
	      "every mbuf of the mirror back in the pool");
	spp_comp_fini(&e);
}

/* -- spp_nfv ------------------------------------------------------------ */

static bool
exec_ok(struct spp_app *app, const char *line)
{
	json_t *r = spp_app_exec(app, line);
	const char *res = NULL;
	bool ok;

	json_unpack(r, "{s:s}", "result", &res);
	ok = res != NULL && strcmp(res, "ok") == 0;
	if (!ok) {
		char *s = json_dumps(r, JSON_COMPACT);

		printf("# %s: %s\n", line, s);
		free(s);
	}
	json_decref(r);
	return ok;
}

/* The lcore patch i of an nfv status runs on, -1 if none is said. */
static int
patch_lcore(struct spp_app *app, unsigned int i)
{
	json_t *r = spp_app_exec(app, "status");
	json_t *p = json_array_get(
		json_object_get(json_object_get(r, "data"), "patches"), i);
	int lc = json_is_integer(json_object_get(p, "lcore"))
			 ? (int)json_integer_value(json_object_get(p, "lcore"))
			 : -1;

	json_decref(r);
	return lc;
}

/*
 * Frames put on ring in while the patch from it is rewired to another port
 * on another lcore, and back: every frame comes out of one of outs, none
 * twice, none lost.
 */
static void
check_rewire(struct spp_app *app, unsigned int in, const unsigned int *outs,
	     const char *const *rewires, unsigned int nb_rewires)
{
	struct rte_mbuf *m[256];
	unsigned int sent = 0, got = 0, i, k, o;
	bool ok = true;

	for (i = 0; i < 40; i++) {
		sent += put(in, MAC_A, -1, 64, 50);
		if (i % 10 == 5 && i / 10 < nb_rewires)
			ok &= exec_ok(app, rewires[i / 10]);
		for (o = 0; o < 2; o++) {
			k = rte_ring_dequeue_burst(rings[outs[o]], (void **)m,
						   RTE_DIM(m), NULL);
			got += k;
			free_all(m, k);
		}
		rte_delay_us_sleep(200);
	}
	for (o = 0; o < 2; o++) {
		k = get(outs[o], m, 0);
		got += k;
		free_all(m, k);
	}
	CHECK(ok && sent == 2000 && got == sent,
	      "nfv: %u frames put while the patch moved lcores %u times, %u "
	      "came out, none lost or twice",
	      sent, nb_rewires, got);
}

/*
 * nfv's patches spread over the worker lcores (1 and 2): an unpinned patch
 * goes to the least loaded; patches to one port run on one lcore; an lcore
 * can be given; a patch rewired to a port sent to from another lcore moves
 * there without losing a frame.
 */
static void
test_nfv_lcores(struct spp_app *app)
{
	static const char *const rewires[] = {
		"patch ring:10 ring:13", "patch ring:10 ring:11",
		"patch ring:10 ring:13", "patch ring:10 ring:11"};
	static const unsigned int outs[] = {11, 13};
	unsigned int i;
	int a, b;

	for (i = 9; i <= 14; i++) {
		char line[32];

		snprintf(line, sizeof(line), "add ring:%u", i);
		CHECK(exec_ok(app, line), "nfv: %s", line);
	}
	CHECK(exec_ok(app, "patch ring:9 ring:11") &&
		      exec_ok(app, "patch ring:12 ring:13") &&
		      exec_ok(app, "forward"),
	      "nfv: two patches, forward");
	a = patch_lcore(app, 0);
	b = patch_lcore(app, 1);
	CHECK((a == 1 && b == 2) || (a == 2 && b == 1),
	      "nfv: two patches on two worker lcores (%d, %d)", a, b);
	check_through(9, 11, 100, "nfv patch on the first lcore");
	check_through(12, 13, 100, "nfv patch on the second lcore");
	CHECK(exec_ok(app, "patch ring:14 ring:11") && patch_lcore(app, 2) == a,
	      "nfv: a patch to ring:11 runs where the other one to it does");
	CHECK(!exec_ok(app, b == 1 ? "patch ring:10 ring:11 1"
				   : "patch ring:10 ring:11 2"),
	      "nfv: refused, an lcore given against the patches to ring:11");
	CHECK(!exec_ok(app, "patch ring:10 ring:11 5"),
	      "nfv: refused, lcore 5 is no worker lcore");
	CHECK(exec_ok(app, "patch reset"), "nfv: patch reset");
	CHECK(exec_ok(app, "patch ring:9 ring:11 2") &&
		      exec_ok(app, "patch ring:12 ring:13 1") &&
		      patch_lcore(app, 0) == 2 && patch_lcore(app, 1) == 1,
	      "nfv: patches pinned to lcores 2 and 1");
	CHECK(exec_ok(app, "patch ring:10 ring:13") && patch_lcore(app, 2) == 1,
	      "nfv: ring:10 -> ring:13 on lcore 1 (where ring:13's is)");
	check_rewire(app, 10, outs, rewires, RTE_DIM(rewires));
	CHECK(exec_ok(app, "stop") && exec_ok(app, "patch reset"),
	      "nfv: stop, patch reset");
	for (i = 9; i <= 14; i++) {
		char line[32];

		snprintf(line, sizeof(line), "del ring:%u", i);
		CHECK(exec_ok(app, line), "nfv: %s", line);
	}
}

static void
test_nfv(void)
{
	static struct spp_fwd fwd;
	struct spp_app app = {.kind = SPP_PROC_NFV,
			      .handlers = spp_app_fwd_handlers,
			      .status = spp_app_fwd_status,
			      .ctx = &fwd};
	struct spp_port_env env = env_of(SPP_PROC_NFV);
	json_t *r, *st;

	CHECK(spp_fwd_init(&fwd, &env, true, false) == 0,
	      "nfv forwarder started");
	CHECK(exec_ok(&app, "add ring:14") && exec_ok(&app, "add ring:15") &&
		      exec_ok(&app, "patch ring:14 ring:15") &&
		      exec_ok(&app, "forward"),
	      "nfv: patch ring:14 ring:15, forward");
	check_through(14, 15, 200, "nfv patch");
	r = spp_app_exec(&app, "status");
	st = json_object_get(r, "data");
	CHECK(json_array_size(json_object_get(st, "patches")) == 1 &&
		      json_array_size(json_object_get(st, "port_stats")) == 2 &&
		      strcmp(json_string_value(json_object_get(st, "status")),
			     "running") == 0,
	      "nfv status: running, 1 patch, 2 ports");
	json_decref(r);
	CHECK(shm->ring[14].rx == 200 && shm->ring[15].tx == 200,
	      "ring:14 counts 200 rx, ring:15 200 tx in the shared area");
	CHECK(exec_ok(&app, "stop") && exec_ok(&app, "patch reset") &&
		      exec_ok(&app, "del ring:14") &&
		      exec_ok(&app, "del ring:15"),
	      "nfv: stop, patch reset, del");
	CHECK(!exec_ok(&app, "component start f 1 forward"),
	      "nfv refuses a vf command");
	test_nfv_lcores(&app);
	spp_fwd_fini(&fwd);
}

/* -- port open and close ------------------------------------------------ */

static void
test_ports(void)
{
	struct spp_port_env env = env_of(SPP_PROC_NFV);
	struct spp_port p;
	struct spp_res r = {.queue = -1};
	uint16_t before = rte_eth_dev_count_avail();
	char err[256] = "", path[64];
	int ret;

	r.type = SPP_RES_RING;
	r.id = 2;
	CHECK(spp_port_open(&p, &r, &env, err, sizeof(err)) == 0 &&
		      p.ring == rings[2] && p.fp == SPP_PORT_FP_RING,
	      "ring:2 opens on its ring");
	spp_port_close(&p, &env);
	r.id = NB_RINGS;
	ret = spp_port_open(&p, &r, &env, err, sizeof(err));
	CHECK(ret == -ENOENT && strstr(err, "does not exist") != NULL,
	      "ring:%u does not exist: %s", NB_RINGS, err);

	r.type = SPP_RES_NULLPMD;
	r.id = 917;
	ret = spp_port_open(&p, &r, &env, err, sizeof(err));
	CHECK(ret == 0 && rte_eth_dev_count_avail() == before + 1,
	      "nullpmd:917 opens a net_null device (%d %s)", ret,
	      ret < 0 ? err : "");
	if (ret == 0) {
		struct rte_mbuf *m[8];
		uint16_t n = spp_port_rx(&p, m, 8);

		CHECK(n == 8 && p.stats->rx == 8, "nullpmd gives 8 frames");
		spp_port_tx(&p, m, n);
		CHECK(p.stats->tx == 8, "and takes them");
		spp_port_close(&p, &env);
	}
	CHECK(rte_eth_dev_count_avail() == before, "nullpmd:917 closed");

	r.type = SPP_RES_PCAP;
	r.id = 917;
	ret = spp_port_open(&p, &r, &env, err, sizeof(err));
	CHECK(ret == 0 && rte_eth_dev_count_avail() == before + 1,
	      "pcap:917 opens a net_pcap device (%d %s)", ret,
	      ret < 0 ? err : "");
	if (ret == 0)
		spp_port_close(&p, &env);
	CHECK(rte_eth_dev_count_avail() == before, "pcap:917 closed");
	snprintf(path, sizeof(path), "/tmp/spp-rx%u.pcap", r.id);
	unlink(path);
	snprintf(path, sizeof(path), "/tmp/spp-tx%u.pcap", r.id);
	unlink(path);

	env.kind = SPP_PROC_VF;
	ret = spp_port_open(&p, &r, &env, err, sizeof(err));
	CHECK(ret == -EINVAL && strstr(err, "not supported by vf") != NULL,
	      "spp_vf refuses pcap ports: %s", err);
}

/* -- the primary's launch --------------------------------------------- */

static void
test_launch(void)
{
	char *argv[SPP_LAUNCH_MAX_ARGS], err[256] = "";
	struct spp_cmd cmd;
	int argc, ret;

	ret = spp_cmd_parse("launch 3 spp_nfv -l 1,2 -m 64 -- -n 3 -s "
			    "127.0.0.1:6666",
			    SPP_PROC_PRIMARY, &cmd, err, sizeof(err));
	CHECK(ret == 0, "launch command parsed (%s)", err);
	if (ret != 0)
		return;
	argc = spp_launch_argv(&cmd, "--file-prefix=node", argv);
	CHECK(argc == 12 && strcmp(argv[0], "spp_nfv") == 0 &&
		      strcmp(argv[1], "-l") == 0 &&
		      strcmp(argv[5], "--proc-type=secondary") == 0 &&
		      strcmp(argv[6], "--file-prefix=node") == 0 &&
		      strcmp(argv[7], "--") == 0 &&
		      strcmp(argv[8], "-n") == 0 &&
		      strcmp(argv[11], "127.0.0.1:6666") == 0 &&
		      argv[12] == NULL,
	      "argv: binary, EAL options, secondary of the node, --, "
	      "application options (%d words)",
	      argc);
	spp_cmd_free(&cmd);

	spp_cmd_parse("launch 4 spp_vf --proc-type=auto --file-prefix x -- "
		      "--client-id 4 -s 127.0.0.1:6666",
		      SPP_PROC_PRIMARY, &cmd, err, sizeof(err));
	argc = spp_launch_argv(&cmd, "--file-prefix=node", argv);
	CHECK(argc == 9 && strcmp(argv[1], "--proc-type=auto") == 0 &&
		      strcmp(argv[2], "--file-prefix") == 0 &&
		      strcmp(argv[4], "--") == 0,
	      "a --proc-type or --file-prefix given is kept, not added");
	ret = spp_launch(&cmd, "/tmp", err, sizeof(err));
	CHECK(ret == -EINVAL && strstr(err, "spp_vf is not installed next "
					    "to spp_primary") != NULL,
	      "no binary next to this one: %s", err);
	spp_cmd_free(&cmd);
}

/* -- spp_pcap ----------------------------------------------------------- */

static void
rmtree(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *d;
	DIR *dh = opendir(dir);

	while (dh != NULL && (d = readdir(dh)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		unlink(path);
	}
	if (dh != NULL)
		closedir(dh);
	rmdir(dir);
}

/* Files in dir whose name ends with suffix. */
static unsigned int
count_files(const char *dir, const char *suffix)
{
	struct dirent *d;
	unsigned int n = 0;
	DIR *dh = opendir(dir);
	size_t ls = strlen(suffix);

	while (dh != NULL && (d = readdir(dh)) != NULL) {
		size_t l = strlen(d->d_name);

		n += l > ls && strcmp(d->d_name + l - ls, suffix) == 0;
	}
	if (dh != NULL)
		closedir(dh);
	return n;
}

static void
test_capture(void)
{
	struct spp_port_env env = env_of(SPP_PROC_PCAP);
	static struct spp_capture c;
	struct spp_opts o;
	char dir[] = "/tmp/spp_test_capture.XXXXXX";
	uint64_t end, frames = 0, bytes = 0;
	char err[256] = "";
	unsigned int i;

	if (mkdtemp(dir) == NULL) {
		CHECK(0, "a directory for the capture");
		return;
	}
	memset(&o, 0, sizeof(o));
	o.kind = SPP_PROC_PCAP;
	o.capture.type = SPP_RES_RING;
	o.capture.id = 13;
	o.capture.queue = -1;
	snprintf(o.out_dir, sizeof(o.out_dir), "%s", dir);
	o.fsize = SPP_OPTS_FSIZE_DEFAULT;
	CHECK(spp_capture_init(&c, &o, &env, err, sizeof(err)) == 0,
	      "capture of ring:13 set up (%s)", err);
	CHECK(spp_capture_start(&c, err, sizeof(err)) == 0,
	      "capture started (%s)", err);
	put(13, MAC_A, -1, 200, 50);
	end = rte_get_tsc_cycles() + 2 * rte_get_tsc_hz();
	while (__atomic_load_n(&c.rx, __ATOMIC_RELAXED) < 50 &&
	       rte_get_tsc_cycles() < end)
		rte_delay_us_sleep(1000);
	CHECK(spp_capture_stop(&c, err, sizeof(err)) == 0,
	      "capture stopped (%s)", err);
	for (i = 0; i < c.nb_writers; i++) {
		frames += c.writers[i].frames;
		bytes += c.writers[i].bytes;
	}
	CHECK(c.rx == 50 && frames == 50 && bytes == 50 * 200,
	      "50 frames of 200 bytes received and written (%lu, %lu, %lu)",
	      (unsigned long)c.rx, (unsigned long)frames, (unsigned long)bytes);
	CHECK(count_files(dir, ".pcap.lz4") >= 1, "capture files in %s", dir);
	CHECK(rte_ring_count(rings[13]) == 0, "ring:13 drained");
	spp_capture_fini(&c);
	rmtree(dir);
}

int
main(void)
{
	if (comp_eal_init("test_engine", "0@0,1@1,2@0") < 0) {
		printf("not ok 1 - EAL init\n1..1\n");
		return 1;
	}
	pool = rte_pktmbuf_pool_create("test_engine", 4095, 0, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	CHECK(pool != NULL && make_shm() == 0, "mbuf pool, rings");
	if (pool == NULL || shm == NULL)
		return unit_done();
	test_components();
	test_mirror();
	test_nfv();
	test_ports();
	test_launch();
	test_capture();
	CHECK(rte_mempool_in_use_count(pool) == 0, "no mbuf left in use (%d)",
	      rte_mempool_in_use_count(pool));
	comp_eal_done();
	free(shm);
	return unit_done();
}
