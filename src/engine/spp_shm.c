/* SPDX-License-Identifier: BSD-3-Clause */
#include "spp_shm.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_memzone.h>

struct spp_shm *
spp_shm_create(const char *pool_name)
{
	const struct rte_memzone *mz;
	struct spp_shm *shm;

	mz = rte_memzone_reserve(SPP_SHM_NAME, sizeof(*shm), rte_socket_id(),
				 0);
	if (mz == NULL)
		return NULL;
	shm = mz->addr;
	memset(shm, 0, sizeof(*shm));
	shm->version = SPP_SHM_VERSION;
	shm->size = sizeof(*shm);
	snprintf(shm->pool_name, sizeof(shm->pool_name), "%s", pool_name);
	/* the magic last: a secondary that sees it sees the rest */
	__atomic_store_n(&shm->magic, SPP_SHM_MAGIC, __ATOMIC_RELEASE);
	return shm;
}

int
spp_shm_attach(struct spp_shm **shm, char *err, size_t errlen)
{
	const struct rte_memzone *mz = rte_memzone_lookup(SPP_SHM_NAME);
	struct spp_shm *s;

	if (mz == NULL) {
		snprintf(err, errlen,
			 "no SPP primary: memzone '%s' not found "
			 "(is spp_primary running with the same "
			 "--file-prefix?)",
			 SPP_SHM_NAME);
		return -ENOENT;
	}
	s = mz->addr;
	if (__atomic_load_n(&s->magic, __ATOMIC_ACQUIRE) != SPP_SHM_MAGIC) {
		snprintf(err, errlen, "memzone '%s' is not SPP's (magic %#x)",
			 SPP_SHM_NAME, s->magic);
		return -ENOENT;
	}
	if (s->version != SPP_SHM_VERSION || s->size != sizeof(*s)) {
		snprintf(err, errlen,
			 "the primary's shared area has layout "
			 "version %u (%u bytes), this process "
			 "expects %u (%zu bytes): rebuild both",
			 s->version, s->size, SPP_SHM_VERSION, sizeof(*s));
		return -EPROTO;
	}
	*shm = s;
	return 0;
}

int
spp_shm_attach_pool(struct spp_shm **shm, struct rte_mempool **pool, char *err,
		    size_t errlen)
{
	int ret = spp_shm_attach(shm, err, errlen);

	if (ret < 0)
		return ret;
	*pool = rte_mempool_lookup((*shm)->pool_name);
	if (*pool == NULL) {
		snprintf(err, errlen, "the primary's mbuf pool '%s' not found",
			 (*shm)->pool_name);
		return -ENOENT;
	}
	return 0;
}
