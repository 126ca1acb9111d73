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

static bool
cls_same_key(const struct spp_cls_entry *a, const struct spp_cls_entry *b)
{
	return a->vlan == b->vlan && a->dflt == b->dflt &&
	       (a->dflt || memcmp(a->mac, b->mac, sizeof(a->mac)) == 0);
}

static int
cls_find(const struct spp_cls_db *db, const struct spp_cls_entry *ent)
{
	unsigned int i;

	for (i = 0; i < db->n; i++)
		if (cls_same_key(&db->a[i], ent))
			return (int)i;
	return -1;
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
	int i = cls_find(db, ent);

	cls_value(ent, value, sizeof(value));
	if (i >= 0) {
		spp_res_format_human(&db->a[i].port, port, sizeof(port));
		SPP_ERR(-EEXIST, "%s %s already goes to %s", cls_kind(ent),
			value, port);
	}
	if (db->n == SPP_CLS_MAX_ENTRIES)
		SPP_ERR(-ENOSPC, "the classifier table is full (%d entries)",
			SPP_CLS_MAX_ENTRIES);
	if (db->n == db->cap) {
		unsigned int cap = db->cap == 0 ? 64 : 2 * db->cap;

		a = realloc(db->a, cap * sizeof(*a));
		if (a == NULL)
			SPP_ERR(-ENOMEM, "out of memory");
		db->a = a;
		db->cap = cap;
	}
	db->a[db->n++] = *ent;
	return 0;
}

int
spp_cls_db_del(struct spp_cls_db *db, const struct spp_cls_entry *ent,
	       char *err, size_t errlen)
{
	char value[40], port[SPP_RES_NAME_LEN], have[SPP_RES_NAME_LEN];
	int i = cls_find(db, ent);

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
	/* order kept: status lists entries as they were added */
	memmove(&db->a[i], &db->a[i + 1],
		(db->n - (unsigned int)i - 1) * sizeof(*db->a));
	db->n--;
	return 0;
}

void
spp_cls_db_free(struct spp_cls_db *db)
{
	free(db->a);
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

	for (i = 0; i < db->n; i++) {
		const struct spp_cls_entry *ent = &db->a[i];

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

void
spp_cls_free(struct spp_cls_table *t)
{
	if (t == NULL)
		return;
	rte_hash_free(t->h);
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

static int
cls_hash_create(struct spp_cls_table *t, unsigned int nb_macs, char *err,
		size_t errlen)
{
	static unsigned int seq;
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters p = {
		.name = name,
		.entries = RTE_MAX(2 * nb_macs, 64u),
		.key_len = sizeof(uint64_t),
		.hash_func = rte_hash_crc,
		.socket_id = (int)rte_socket_id(),
		/* never full before its entries count */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};

	/* names are global to the DPDK processes of the node */
	snprintf(name, sizeof(name), "cls%d_%u", (int)getpid(), seq++);
	t->h = rte_hash_create(&p);
	if (t->h == NULL)
		SPP_ERR(-rte_errno, "cannot create the classifier hash: %s",
			rte_strerror(rte_errno));
	return 0;
}

int
spp_cls_build(const struct spp_cls_db *db, const struct spp_res *tx,
	      unsigned int nb_tx, struct spp_cls_table **out, char *err,
	      size_t errlen)
{
	struct spp_cls_table *t;
	unsigned int i, v;
	int idx, ret;

	t = rte_zmalloc("spp_cls", sizeof(*t), RTE_CACHE_LINE_SIZE);
	if (t == NULL)
		SPP_ERR(-ENOMEM, "out of memory for a classifier table");
	for (i = 0; i < db->n; i++)
		if (!db->a[i].dflt &&
		    cls_tx_index(tx, nb_tx, &db->a[i].port) >= 0)
			t->nb_macs++;
	if (t->nb_macs != 0) {
		ret = cls_hash_create(t, t->nb_macs, err, errlen);
		if (ret < 0) {
			rte_free(t);
			return ret;
		}
	}
	for (i = 0; i < db->n; i++) {
		const struct spp_cls_entry *ent = &db->a[i];
		struct spp_cls_dest *d = &t->dest[ent->vlan];
		uint64_t key;

		idx = cls_tx_index(tx, nb_tx, &ent->port);
		if (idx < 0)
			continue;
		d->flood |= 1u << idx;
		if (ent->dflt) {
			d->miss = 1u << idx;
			continue;
		}
		key = spp_cls_key(ent->vlan, ent->mac);
		ret = rte_hash_add_key_data(t->h, &key, (void *)(uintptr_t)idx);
		if (ret < 0) {
			spp_cls_free(t);
			SPP_ERR(ret, "cannot add to the classifier hash: %s",
				strerror(-ret));
		}
	}
	/* the untagged default is the last resort of every VLAN */
	for (v = 0; v < SPP_CLS_UNTAGGED; v++) {
		t->dest[v].flood |= t->dest[SPP_CLS_UNTAGGED].miss;
		if (t->dest[v].miss == 0)
			t->dest[v].miss = t->dest[SPP_CLS_UNTAGGED].miss;
	}
	*out = t;
	return 0;
}
