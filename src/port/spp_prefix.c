/* SPDX-License-Identifier: BSD-3-Clause */
#include "spp_prefix.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_log.h>

#include "spp_shm.h"

RTE_LOG_REGISTER(spp_prefix_logtype, spp.prefix, INFO);
#define PREFIX_LOG(level, ...)                                                 \
	rte_log(RTE_LOG_##level, spp_prefix_logtype, "spp.prefix: " __VA_ARGS__)

#define PREFIX_MAX_FILES 4096

static struct {
	char runtime_dir[512];
	unsigned int nb_files;
	char *files[PREFIX_MAX_FILES];
} prefix_files;

/*
 * 1 when the maps of process pid name a file whose path ends with path
 * (/var/run is often a link to /run: the maps show the real path).
 */
static int
prefix_maps_has(const char *pid, const char *path)
{
	char maps[300], line[1024];
	size_t plen = strlen(path);
	int found = 0;
	FILE *f;

	snprintf(maps, sizeof(maps), "/proc/%s/maps", pid);
	f = fopen(maps, "r");
	if (f == NULL)
		return 0;
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		char *p = strchr(line, '/');
		size_t n;

		if (p == NULL)
			continue;
		n = strcspn(p, "\n");
		found = n >= plen && strncmp(p + n - plen, path, plen) == 0;
	}
	fclose(f);
	return found;
}

void
spp_prefix_of_args(int argc, char *const *argv, char *prefix, size_t len)
{
	int i;

	snprintf(prefix, len, "rte");
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--file-prefix") == 0 && i + 1 < argc)
			snprintf(prefix, len, "%s", argv[i + 1]);
		else if (strncmp(argv[i], "--file-prefix=", 14) == 0)
			snprintf(prefix, len, "%s", argv[i] + 14);
	}
}

const char *
spp_prefix_self(void)
{
	const char *p = strrchr(rte_eal_get_runtime_dir(), '/');

	return p != NULL ? p + 1 : "rte";
}

unsigned int
spp_prefix_users(const char *prefix, int32_t *pids, unsigned int max)
{
	char config[300];
	unsigned int n = 0;
	struct dirent *d;
	DIR *proc;

	snprintf(config, sizeof(config), "/dpdk/%s/config", prefix);
	proc = opendir("/proc");
	if (proc == NULL)
		return 0;
	while ((d = readdir(proc)) != NULL) {
		char *end;
		long pid = strtol(d->d_name, &end, 10);

		if (*end != '\0' || pid <= 0 || pid == getpid())
			continue;
		if (!prefix_maps_has(d->d_name, config) ||
		    !spp_shm_pid_alive((int32_t)pid))
			continue;
		if (n < max)
			pids[n] = (int32_t)pid;
		n++;
	}
	closedir(proc);
	return n;
}

int
spp_prefix_collect(void)
{
	char line[1024], want[300];
	FILE *f;

	snprintf(prefix_files.runtime_dir, sizeof(prefix_files.runtime_dir),
		 "%s", rte_eal_get_runtime_dir());
	/* hugepage files are named <prefix>map_<N> in the hugetlbfs mount */
	snprintf(want, sizeof(want), "/%smap_", spp_prefix_self());
	f = fopen("/proc/self/maps", "r");
	if (f == NULL)
		return -errno;
	while (fgets(line, sizeof(line), f) != NULL &&
	       prefix_files.nb_files < PREFIX_MAX_FILES) {
		char *p = strchr(line, '/');
		unsigned int i;

		if (p == NULL || strstr(p, want) == NULL)
			continue;
		p[strcspn(p, "\n")] = '\0';
		for (i = 0; i < prefix_files.nb_files; i++)
			if (strcmp(prefix_files.files[i], p) == 0)
				break;
		if (i == prefix_files.nb_files && (p = strdup(p)) != NULL)
			prefix_files.files[prefix_files.nb_files++] = p;
	}
	fclose(f);
	return (int)prefix_files.nb_files;
}

void
spp_prefix_remove(void)
{
	char path[1024];
	struct dirent *d;
	unsigned int i;
	DIR *dir;

	for (i = 0; i < prefix_files.nb_files; i++) {
		if (unlink(prefix_files.files[i]) != 0 && errno != ENOENT)
			PREFIX_LOG(WARNING, "cannot remove %s: %s\n",
				   prefix_files.files[i], strerror(errno));
		free(prefix_files.files[i]);
	}
	prefix_files.nb_files = 0;
	if (prefix_files.runtime_dir[0] == '\0')
		return;
	dir = opendir(prefix_files.runtime_dir);
	if (dir == NULL)
		return;
	while ((d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", prefix_files.runtime_dir,
			 d->d_name);
		unlink(path);
	}
	closedir(dir);
	rmdir(prefix_files.runtime_dir);
}
