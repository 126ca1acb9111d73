/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer: the application options of every process. The input is the
 * argument list, one argument per line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spp_opts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_ARGS 64

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum spp_proc_kind kinds[] = {
		SPP_PROC_PRIMARY, SPP_PROC_NFV, SPP_PROC_VF, SPP_PROC_MIRROR,
		SPP_PROC_PCAP};
	char *buf = malloc(size + 1), *argv[FUZZ_MAX_ARGS + 2], err[512];
	struct spp_opts o;
	int argc = 1;
	size_t i, k;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[0] = "spp";
	argv[argc++] = buf;
	for (i = 0; i < size && argc <= FUZZ_MAX_ARGS; i++)
		if (buf[i] == '\n') {
			buf[i] = '\0';
			argv[argc++] = buf + i + 1;
		}
	argv[argc] = NULL;
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		memset(&o, 0, sizeof(o));
		spp_opts_parse(kinds[k], argc, argv, &o, err, sizeof(err));
	}
	free(buf);
	return 0;
}
