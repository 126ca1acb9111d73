/* SPDX-License-Identifier: BSD-3-Clause */
#include "spp_shm.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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
	shm->primary_pid = (int32_t)getpid();
	snprintf(shm->pool_name, sizeof(shm->pool_name), "%s", pool_name);
	/* the magic last: a secondary that sees it sees the rest */
	__atomic_store_n(&shm->magic, SPP_SHM_MAGIC, __ATOMIC_RELEASE);
	return shm;
}

int
spp_shm_pid_take(int32_t *slots, unsigned int n)
{
	int32_t pid = (int32_t)getpid();
	unsigned int i;

	for (i = 0; i < n; i++) {
		int32_t free_slot = 0;

		if (__atomic_compare_exchange_n(&slots[i], &free_slot, pid,
						false, __ATOMIC_ACQ_REL,
						__ATOMIC_RELAXED))
			return 0;
	}
	return -ENOSPC;
}

void
spp_shm_pid_give(int32_t *slots, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		int32_t pid = (int32_t)getpid();

		if (__atomic_compare_exchange_n(&slots[i], &pid, 0, false,
						__ATOMIC_ACQ_REL,
						__ATOMIC_RELAXED))
			return;
	}
}

int
spp_shm_pid_alive(int32_t pid)
{
	char path[64], buf[256], *p;
	FILE *f;
	int alive = 1;

	if (pid <= 0 || (kill(pid, 0) != 0 && errno == ESRCH))
		return 0;
	/* a zombie has exited: only its parent has not reaped it yet */
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return 1;
	if (fgets(buf, sizeof(buf), f) != NULL) {
		p = strrchr(buf, ')');
		if (p != NULL && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'))
			alive = 0;
	}
	fclose(f);
	return alive;
}

unsigned int
spp_shm_pids_live(int32_t *slots, unsigned int n, int32_t *pids,
		  unsigned int max)
{
	unsigned int i, live = 0;

	for (i = 0; i < n; i++) {
		int32_t pid = __atomic_load_n(&slots[i], __ATOMIC_ACQUIRE);

		if (pid == 0)
			continue;
		if (!spp_shm_pid_alive(pid)) {
			__atomic_compare_exchange_n(&slots[i], &pid, 0, false,
						    __ATOMIC_ACQ_REL,
						    __ATOMIC_RELAXED);
			continue;
		}
		if (live < max)
			pids[live] = pid;
		live++;
	}
	return live;
}

int
spp_shm_primary_leaving(const struct spp_shm *shm)
{
	return __atomic_load_n(&shm->stopping, __ATOMIC_ACQUIRE) != 0 ||
	       !spp_shm_pid_alive(shm->primary_pid);
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
