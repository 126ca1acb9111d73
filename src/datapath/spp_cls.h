/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The classifier of spp_vf: destination MAC per VLAN to tx ports.
 *
 * The control thread keeps the entries (struct spp_cls_db) as the commands
 * give them, indexed by key (each add or delete is O(1)). For each
 * classifier component it builds a table (struct spp_cls_table) from the
 * entries whose port is one of that component's tx ports: an rte_hash from
 * (VLAN, MAC) to the tx index, looked up in bulk, and per VLAN the ports a
 * broadcast or multicast frame goes to and the port an unknown unicast frame
 * goes to. An entry added or deleted later changes the table in place, in
 * O(1) (spp_cls_apply): the hash takes lock-free readers (a worker's lookup
 * of another MAC is never disturbed) and frees a deleted key's slot after an
 * RCU grace period; each VLAN's ports are two 64-bit words, each stored whole.
 * A table whose hash is full, or a classifier whose tx ports change, gets a
 * new table, published with the task list, the old one freed after the
 * grace period (spp_comp).
 *
 * Lookup (interface.md): the exact (VLAN, MAC) entry; else for a broadcast
 * or multicast destination every port registered in the VLAN, plus the
 * untagged default for tagged frames; else the VLAN's default, else the
 * untagged default, else drop. Untagged frames use the table of VLAN
 * "untagged" (the entries of type mac).
 */
#ifndef SPP_CLS_H
#define SPP_CLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "spp_cmd.h"
#include "spp_res.h"

#define SPP_CLS_UNTAGGED 4096 /* VLAN index of untagged frames */
#define SPP_CLS_NB_VLANS 4097
#define SPP_CLS_MAX_ENTRIES 65536
#define SPP_CLS_MAX_TX 64 /* tx ports of one classifier (bits of a mask) */

/* One classifier_table entry, as the control thread keeps it. */
struct spp_cls_entry {
	uint16_t vlan; /* VID, or SPP_CLS_UNTAGGED for type mac */
	bool dflt;     /* "default" instead of a MAC */
	uint8_t mac[RTE_ETHER_ADDR_LEN];
	struct spp_res port;
};

struct spp_cls_db {
	unsigned int n;		 /* live entries */
	unsigned int len, cap;	 /* slots used (with deleted ones), allocated */
	struct spp_cls_entry *a; /* in the order added; deleted: port NONE */
	struct rte_hash *idx;	 /* key -> slot of the live entry */
};

/* Where frames of one VLAN go when their MAC has no entry: tx port bits. */
struct spp_cls_dest {
	uint64_t flood; /* broadcast and multicast */
	uint64_t miss;	/* unknown unicast */
};

#define SPP_CLS_MIN_CAP 1024u /* MACs a new table has room for, at least */

struct spp_cls_ctl;

struct spp_cls_table {
	struct rte_hash *h; /* (VLAN, MAC) -> tx index, lock-free readers */
	unsigned int nb_macs, cap;
	struct rte_rcu_qsbr *qs; /* the workers' (NULL: no reader) */
	struct spp_cls_ctl *ctl; /* the control thread's counts */
	struct spp_cls_dest dest[SPP_CLS_NB_VLANS];
};

/* Entry of a "classifier_table add|del" command. */
void spp_cls_entry_from_cmd(const struct spp_cmd *cmd,
			    struct spp_cls_entry *ent);

/*
 * Add an entry: -EEXIST when its (VLAN, MAC) or the VLAN's default is
 * taken, -ENOSPC when the table is full. Returns 0 or -errno, err saying
 * why.
 */
int spp_cls_db_add(struct spp_cls_db *db, const struct spp_cls_entry *ent,
		   char *err, size_t errlen);
/* Delete an entry: -ENOENT unless the same entry (port included) exists. */
int spp_cls_db_del(struct spp_cls_db *db, const struct spp_cls_entry *ent,
		   char *err, size_t errlen);
void spp_cls_db_free(struct spp_cls_db *db);

/*
 * Build the table of a classifier whose tx ports are tx[0..nb_tx), read
 * by workers that report quiescent states on qs (NULL: no concurrent
 * reader). Returns 0 or -errno (-ENOMEM, or what rte_hash said) with err
 * saying why.
 */
int spp_cls_build(const struct spp_cls_db *db, const struct spp_res *tx,
		  unsigned int nb_tx, struct rte_rcu_qsbr *qs,
		  struct spp_cls_table **out, char *err, size_t errlen);

/*
 * Add (or delete) entry ent in table t in place, while workers use it: O(1).
 * An entry whose port is not one of tx[0..nb_tx) is not this table's: 0.
 * -ENOSPC when the hash has no room: build a new table (twice as big) and
 * publish it instead. A delete must be of an entry the table has.
 */
int spp_cls_apply(struct spp_cls_table *t, const struct spp_cls_entry *ent,
		  bool add, const struct spp_res *tx, unsigned int nb_tx,
		  char *err, size_t errlen);
void spp_cls_free(struct spp_cls_table *t);

/*
 * Status: [{"type":"mac","value":MAC,"port":RES},
 *          {"type":"vlan","value":"VID/MAC","port":RES}], "default" for a
 * default entry; "active" false when the port is not a tx port of a
 * classifier (active(port, arg) says).
 */
json_t *spp_cls_db_json(const struct spp_cls_db *db,
			bool (*active)(const struct spp_res *port, void *arg),
			void *arg);

/* -- fast path ----------------------------------------------------------- */

static inline uint64_t
spp_cls_key(uint16_t vlan, const uint8_t *mac)
{
	uint64_t k = 0;

	memcpy(&k, mac, RTE_ETHER_ADDR_LEN);
	return k | (uint64_t)vlan << 48;
}

/*
 * Destinations of a burst (n <= 64): dst[i] gets the tx port bits of
 * pkts[i], 0 to drop it.
 */
static inline void
spp_cls_classify(const struct spp_cls_table *t, struct rte_mbuf *const *pkts,
		 uint16_t n, uint64_t *dst)
{
	uint64_t keys[RTE_HASH_LOOKUP_BULK_MAX];
	const void *kp[RTE_HASH_LOOKUP_BULK_MAX];
	void *data[RTE_HASH_LOOKUP_BULK_MAX];
	uint16_t vlan[RTE_HASH_LOOKUP_BULK_MAX];
	bool mcast[RTE_HASH_LOOKUP_BULK_MAX];
	uint64_t hits = 0;
	uint16_t i;

	for (i = 0; i < n; i++) {
		const struct rte_ether_hdr *eh =
			rte_pktmbuf_mtod(pkts[i], const struct rte_ether_hdr *);
		const struct rte_vlan_hdr *vh;

		vlan[i] = SPP_CLS_UNTAGGED;
		if (unlikely(pkts[i]->data_len < sizeof(*eh))) {
			vlan[i] = UINT16_MAX; /* runt: dropped */
		} else if (eh->ether_type ==
			   rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN)) {
			if (unlikely(pkts[i]->data_len <
				     sizeof(*eh) + sizeof(*vh))) {
				vlan[i] = UINT16_MAX;
			} else {
				vh = (const struct rte_vlan_hdr *)(eh + 1);
				vlan[i] =
					rte_be_to_cpu_16(vh->vlan_tci) & 0xfff;
			}
		}
		keys[i] = spp_cls_key(vlan[i], eh->dst_addr.addr_bytes);
		kp[i] = &keys[i];
		mcast[i] = rte_is_multicast_ether_addr(&eh->dst_addr);
	}
	if (__atomic_load_n(&t->nb_macs, __ATOMIC_RELAXED) != 0)
		rte_hash_lookup_bulk_data(t->h, kp, n, &hits, data);
	for (i = 0; i < n; i++) {
		if (hits & (1ULL << i)) {
			dst[i] = 1ULL << (uintptr_t)data[i];
			continue;
		}
		if (unlikely(vlan[i] == UINT16_MAX)) {
			dst[i] = 0;
			continue;
		}
		dst[i] = mcast[i] ? t->dest[vlan[i]].flood
				  : t->dest[vlan[i]].miss;
	}
}

#endif /* SPP_CLS_H */
