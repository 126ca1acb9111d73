/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_cpu.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ctl_cpu {
	long socket;
	long core;
	long lcore;
};

/* Read one integer from SYSFS/devices/system/cpu/cpuN/topology/NAME. */
static int
ctl_cpu_read(const char *sysfs, long lcore, const char *name, long *val)
{
	char path[4096];
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "%s/devices/system/cpu/cpu%ld/topology/%s",
		 sysfs, lcore, name);
	f = fopen(path, "r");
	if (f == NULL)
		return -errno;
	n = fscanf(f, "%ld", val);
	fclose(f);
	return n == 1 ? 0 : -EINVAL;
}

static int
ctl_cpu_cmp(const void *a, const void *b)
{
	const struct ctl_cpu *x = a, *y = b;

	if (x->socket != y->socket)
		return x->socket < y->socket ? -1 : 1;
	if (x->core != y->core)
		return x->core < y->core ? -1 : 1;
	return x->lcore < y->lcore ? -1 : x->lcore > y->lcore;
}

/* Lcores that have a topology (online ones), in cpus; returns their number. */
static int
ctl_cpu_scan(const char *sysfs, struct ctl_cpu **cpus, char *err, size_t errlen)
{
	struct ctl_cpu *list = NULL, *more;
	char path[4096], *end;
	size_t n = 0, cap = 0;
	struct dirent *de;
	long lcore;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/devices/system/cpu", sysfs);
	dir = opendir(path);
	if (dir == NULL) {
		snprintf(err, errlen, "cannot read %s: %s", path,
			 strerror(errno));
		return -errno;
	}
	while ((de = readdir(dir)) != NULL) {
		if (strncmp(de->d_name, "cpu", 3) != 0 || de->d_name[3] < '0' ||
		    de->d_name[3] > '9')
			continue;
		lcore = strtol(de->d_name + 3, &end, 10);
		if (*end != '\0')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			more = realloc(list, cap * sizeof(*list));
			if (more == NULL) {
				free(list);
				closedir(dir);
				snprintf(err, errlen, "out of memory");
				return -ENOMEM;
			}
			list = more;
		}
		list[n].lcore = lcore;
		if (ctl_cpu_read(sysfs, lcore, "physical_package_id",
				 &list[n].socket) == 0 &&
		    ctl_cpu_read(sysfs, lcore, "core_id", &list[n].core) == 0)
			n++;
	}
	closedir(dir);
	qsort(list, n, sizeof(*list), ctl_cpu_cmp);
	*cpus = list;
	return (int)n;
}

int
ctl_cpu_layout(const char *sysfs, json_t **layout, char *err, size_t errlen)
{
	json_t *sockets = json_array(), *socket = NULL, *cores = NULL;
	json_t *lcores = NULL, *core;
	struct ctl_cpu *cpus = NULL;
	int n, i;

	n = ctl_cpu_scan(sysfs, &cpus, err, errlen);
	if (n < 0) {
		json_decref(sockets);
		return n;
	}
	for (i = 0; i < n; i++) {
		if (i == 0 || cpus[i].socket != cpus[i - 1].socket) {
			cores = json_array();
			socket = json_pack("{sIso}", "socket_id",
					   (json_int_t)cpus[i].socket, "cores",
					   cores);
			json_array_append_new(sockets, socket);
			lcores = NULL;
		}
		if (lcores == NULL || cpus[i].core != cpus[i - 1].core) {
			/* cores and lcores are borrowed from their parent */
			lcores = json_array();
			core = json_pack("{sIso}", "core_id",
					 (json_int_t)cpus[i].core, "lcores",
					 lcores);
			json_array_append_new(cores, core);
		}
		json_array_append_new(lcores, json_integer(cpus[i].lcore));
	}
	free(cpus);
	*layout = sockets;
	return 0;
}
