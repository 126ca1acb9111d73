/* SPDX-License-Identifier: BSD-3-Clause */
#include "spp_cls.h"
#include "spp_err.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <rte_errno.h>
#include <rte_hash_crc.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

/* -- entries ------------------------------------------------------------- */

void
spp_cls_entry_from_cmd(const struct spp_cmd *cmd, struct spp_cls_entry *ent)
{
	memset(ent, 0, sizeof(*ent));
	ent->vlan = cmd->cls_type == SPP_CLS_VLAN ? (uint16_t)cmd->cls_vlan
						  : SPP_CLS_UNTAGGED;
	ent->dflt = cmd->cls_default != 0;
	if (!ent->dflt)
		memcpy(ent->mac, cmd->mac, sizeof(ent->mac));
	ent->port = cmd->res[0];
}

/* "MAC", "default", "VID/MAC" or "VID/default" */
static void
cls_value(const struct spp_cls_entry *ent, char *buf, size_t len)
{
	const uint8_t *a = ent->mac;
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	int n = 0;

	/* lower case, as the original and interface.md write them */
	if (ent->dflt)
		snprintf(mac, sizeof(mac), "default");
	else
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
			 a[0], a[1], a[2], a[3], a[4], a[5]);
	if (ent->vlan != SPP_CLS_UNTAGGED)
		n = snprintf(buf, len, "%u/", ent->vlan);
	snprintf(buf + n, len - (size_t)n, "%s", mac);
}

/* The key of an entry in the db's index: a default has no MAC. */
static uint64_t
cls_db_key(const struct spp_cls_entry *ent)
{
	static const uint8_t none[RTE_ETHER_ADDR_LEN];

	return spp_cls_key(ent->vlan, ent->dflt ? none : ent->mac) |
	       (uint64_t)ent->dflt << 63;
}

static bool
cls_live(const struct spp_cls_entry *ent)
{
	return ent->port.type != SPP_RES_NONE;
}

static int
cls_hash_new(struct rte_hash **h, const char *what, unsigned int entries,
	     unsigned int flags, char *err, size_t errlen)
{
	static unsigned int seq;
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters p = {
		.name = name,
		.entries = entries,
		.key_len = sizeof(uint64_t),
		.hash_func = rte_hash_crc,
		.socket_id = (int)rte_socket_id(),
		/* never full before its entries count */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE | flags,
	};

	/* names are global to the DPDK processes of the node */
	snprintf(name, sizeof(name), "%s%d_%u", what, (int)getpid(), seq++);
	*h = rte_hash_create(&p);
	if (*h == NULL)
		SPP_ERR(-rte_errno, "cannot create the classifier hash: %s",
			rte_strerror(rte_errno));
	return 0;
}

/* Index of the live entry with ent's key, or -1. */
static int
cls_find(const struct spp_cls_db *db, const struct spp_cls_entry *ent)
{
	uint64_t key = cls_db_key(ent);
	void *data;

	if (db->idx == NULL || rte_hash_lookup_data(db->idx, &key, &data) < 0)
		return -1;
	return (int)(uintptr_t)data;
}

/*
 * Drop the deleted entries once they are as many as the live ones (each
 * delete is O(1), this O(n) step comes once per n deletes), keeping the
 * order entries were added in, and index the survivors again.
 */
static void
cls_db_compact(struct spp_cls_db *db)
{
	unsigned int i, j = 0;
	uint64_t key;

	if (db->len - db->n < 64 || db->len - db->n < db->n)
		return;
	for (i = 0; i < db->len; i++)
		if (cls_live(&db->a[i]))
			db->a[j++] = db->a[i];
	db->len = j;
	rte_hash_reset(db->idx);
	for (i = 0; i < db->len; i++) {
		key = cls_db_key(&db->a[i]);
		/* room for every entry was there before */
		rte_hash_add_key_data(db->idx, &key, (void *)(uintptr_t)i);
	}
}

static const char *
cls_kind(const struct spp_cls_entry *ent)
{
	return ent->vlan == SPP_CLS_UNTAGGED ? "mac" : "vlan";
}

int
spp_cls_db_add(struct spp_cls_db *db, const struct spp_cls_entry *ent,
	       char *err, size_t errlen)
{
	char value[40], port[SPP_RES_NAME_LEN];
	struct spp_cls_entry *a;
	uint64_t key;
	int i, ret;

	if (db->idx == NULL) {
		ret = cls_hash_new(&db->idx, "clsdb", SPP_CLS_MAX_ENTRIES, 0,
				   err, errlen);
		if (ret < 0)
			return ret;
	}
	i = cls_find(db, ent);
	cls_value(ent, value, sizeof(value));
	if (i >= 0) {
		spp_res_format_human(&db->a[i].port, port, sizeof(port));
		SPP_ERR(-EEXIST, "%s %s already goes to %s", cls_kind(ent),
			value, port);
	}
	if (db->n == SPP_CLS_MAX_ENTRIES)
		SPP_ERR(-ENOSPC, "the classifier table is full (%d entries)",
			SPP_CLS_MAX_ENTRIES);
	if (db->len == db->cap) {
		unsigned int cap = db->cap == 0 ? 64 : 2 * db->cap;

		a = realloc(db->a, cap * sizeof(*a));
		if (a == NULL)
			SPP_ERR(-ENOMEM, "out of memory");
		db->a = a;
		db->cap = cap;
	}
	key = cls_db_key(ent);
	ret = rte_hash_add_key_data(db->idx, &key, (void *)(uintptr_t)db->len);
	if (ret < 0)
		SPP_ERR(ret, "cannot index the classifier entry: %s",
			strerror(-ret));
	db->a[db->len++] = *ent;
	db->n++;
	return 0;
}

int
spp_cls_db_del(struct spp_cls_db *db, const struct spp_cls_entry *ent,
	       char *err, size_t errlen)
{
	char value[40], port[SPP_RES_NAME_LEN], have[SPP_RES_NAME_LEN];
	int i = cls_find(db, ent);
	uint64_t key = cls_db_key(ent);

	cls_value(ent, value, sizeof(value));
	spp_res_format_human(&ent->port, port, sizeof(port));
	if (i < 0)
		SPP_ERR(-ENOENT, "no classifier entry %s %s", cls_kind(ent),
			value);
	if (!spp_res_equal(&db->a[i].port, &ent->port)) {
		spp_res_format_human(&db->a[i].port, have, sizeof(have));
		SPP_ERR(-ENOENT, "%s %s goes to %s, not %s", cls_kind(ent),
			value, have, port);
	}
	/* a tombstone keeps the order: status lists entries as added */
	rte_hash_del_key(db->idx, &key);
	db->a[i].port.type = SPP_RES_NONE;
	db->n--;
	cls_db_compact(db);
	return 0;
}

void
spp_cls_db_free(struct spp_cls_db *db)
{
	free(db->a);
	rte_hash_free(db->idx);
	memset(db, 0, sizeof(*db));
}

json_t *
spp_cls_db_json(const struct spp_cls_db *db,
		bool (*active)(const struct spp_res *port, void *arg),
		void *arg)
{
	char value[40], port[SPP_RES_NAME_LEN];
	json_t *arr = json_array();
	unsigned int i;

	for (i = 0; i < db->len; i++) {
		const struct spp_cls_entry *ent = &db->a[i];

		if (!cls_live(ent))
			continue;
		cls_value(ent, value, sizeof(value));
		spp_res_format_human(&ent->port, port, sizeof(port));
		json_array_append_new(arr,
				      json_pack("{s:s,s:s,s:s,s:b}", "type",
						cls_kind(ent), "value", value,
						"port", port, "active",
						active(&ent->port, arg)));
	}
	return arr;
}

/* -- tables -------------------------------------------------------------- */

/*
 * What the control thread keeps beside a table to change it in place: how
 * many entries of each VLAN go to each tx port (a VLAN floods to the ports
 * that have one) and each VLAN's default port.
 */
struct spp_cls_ctl {
	uint32_t refs[SPP_CLS_NB_VLANS][SPP_CLS_MAX_TX];
	int8_t dflt[SPP_CLS_NB_VLANS]; /* tx index, -1 for none */
};

void
spp_cls_free(struct spp_cls_table *t)
{
	if (t == NULL)
		return;
	rte_hash_free(t->h);
	free(t->ctl);
	rte_free(t);
}

static int
cls_tx_index(const struct spp_res *tx, unsigned int nb_tx,
	     const struct spp_res *port)
{
	unsigned int i;

	for (i = 0; i < nb_tx; i++)
		if (spp_res_equal(&tx[i], port))
			return (int)i;
	return -1;
}

/* dest[v] from the counts, as a worker reads it: one 64-bit store each */
static void
cls_dest_update(struct spp_cls_table *t, unsigned int v)
{
	const struct spp_cls_ctl *c = t->ctl;
	uint64_t flood = 0, miss = 0, udflt = 0;
	unsigned int i;

	for (i = 0; i < SPP_CLS_MAX_TX; i++)
		if (c->refs[v][i] != 0)
			flood |= 1ULL << i;
	if (c->dflt[v] >= 0)
		miss = 1ULL << c->dflt[v];
	/* the untagged default is the last resort of every VLAN */
	if (v != SPP_CLS_UNTAGGED && c->dflt[SPP_CLS_UNTAGGED] >= 0) {
		udflt = 1ULL << c->dflt[SPP_CLS_UNTAGGED];
		flood |= udflt;
		if (miss == 0)
			miss = udflt;
	}
	__atomic_store_n(&t->dest[v].flood, flood, __ATOMIC_RELEASE);
	__atomic_store_n(&t->dest[v].miss, miss, __ATOMIC_RELEASE);
}

static int
cls_table_key(struct spp_cls_table *t, const struct spp_cls_entry *ent, int idx,
	      bool add)
{
	uint64_t key = spp_cls_key(ent->vlan, ent->mac);
	int32_t pos;

	if (!add) {
		pos = rte_hash_del_key(t->h, &key);
		if (pos < 0)
			return pos;
		/* without readers to wait for, the slot is free at once */
		if (t->qs == NULL)
			rte_hash_free_key_with_position(t->h, pos);
		__atomic_store_n(&t->nb_macs, t->nb_macs - 1, __ATOMIC_RELAXED);
		return 0;
	}
	if (t->nb_macs == t->cap)
		return -ENOSPC;
	pos = rte_hash_add_key_data(t->h, &key, (void *)(uintptr_t)idx);
	if (pos < 0)
		return pos;
	__atomic_store_n(&t->nb_macs, t->nb_macs + 1, __ATOMIC_RELEASE);
	return 0;
}

int
spp_cls_apply(struct spp_cls_table *t, const struct spp_cls_entry *ent,
	      bool add, const struct spp_res *tx, unsigned int nb_tx, char *err,
	      size_t errlen)
{
	struct spp_cls_ctl *c = t->ctl;
	int idx = cls_tx_index(tx, nb_tx, &ent->port);
	unsigned int v;
	int ret;

	if (idx < 0)
		return 0; /* not a port of this classifier */
	if (!ent->dflt) {
		ret = cls_table_key(t, ent, idx, add);
		if (ret == -ENOSPC)
			return ret; /* the caller builds a bigger table */
		if (ret < 0)
			SPP_ERR(ret, "cannot change the classifier hash: %s",
				strerror(-ret));
	} else {
		c->dflt[ent->vlan] = add ? (int8_t)idx : -1;
	}
	c->refs[ent->vlan][idx] += add ? 1 : -1;
	cls_dest_update(t, ent->vlan);
	if (ent->dflt && ent->vlan == SPP_CLS_UNTAGGED)
		for (v = 0; v < SPP_CLS_UNTAGGED; v++)
			cls_dest_update(t, v);
	return 0;
}

static int
cls_table_init(struct spp_cls_table *t, unsigned int cap,
	       struct rte_rcu_qsbr *qs, char *err, size_t errlen)
{
	struct rte_hash_rcu_config rcu = {
		.v = qs,
		.mode = RTE_HASH_QSBR_MODE_DQ,
	};
	int ret;

	t->ctl = calloc(1, sizeof(*t->ctl));
	if (t->ctl == NULL)
		SPP_ERR(-ENOMEM, "out of memory for a classifier table");
	memset(t->ctl->dflt, -1, sizeof(t->ctl->dflt));
	t->qs = qs;
	t->cap = cap;
	/* workers look up while the control thread changes it */
	ret = cls_hash_new(&t->h, "cls", cap,
			   RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF, err, errlen);
	if (ret < 0)
		return ret;
	/* a deleted key's slot is reused once no worker can see it */
	if (qs != NULL && rte_hash_rcu_qsbr_add(t->h, &rcu) != 0)
		SPP_ERR(-rte_errno,
			"cannot attach RCU to the classifier hash: %s",
			rte_strerror(rte_errno));
	return 0;
}

int
spp_cls_build(const struct spp_cls_db *db, const struct spp_res *tx,
	      unsigned int nb_tx, struct rte_rcu_qsbr *qs,
	      struct spp_cls_table **out, char *err, size_t errlen)
{
	struct spp_cls_table *t;
	unsigned int i, nb_macs = 0;
	int ret;

	t = rte_zmalloc("spp_cls", sizeof(*t), RTE_CACHE_LINE_SIZE);
	if (t == NULL)
		SPP_ERR(-ENOMEM, "out of memory for a classifier table");
	for (i = 0; i < db->len; i++)
		if (cls_live(&db->a[i]) && !db->a[i].dflt &&
		    cls_tx_index(tx, nb_tx, &db->a[i].port) >= 0)
			nb_macs++;
	/* room to grow: a full table is built again twice as big */
	ret = cls_table_init(t, RTE_MAX(2 * nb_macs, SPP_CLS_MIN_CAP), qs, err,
			     errlen);
	for (i = 0; ret == 0 && i < db->len; i++)
		if (cls_live(&db->a[i]))
			ret = spp_cls_apply(t, &db->a[i], true, tx, nb_tx, err,
					    errlen);
	if (ret < 0) {
		spp_cls_free(t);
		return ret;
	}
	*out = t;
	return 0;
}
