/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer: the one command parser, for every kind of process. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spp_cmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum spp_proc_kind kinds[] = {
		SPP_PROC_PRIMARY, SPP_PROC_NFV, SPP_PROC_VF, SPP_PROC_MIRROR,
		SPP_PROC_PCAP};
	char *line = malloc(size + 1), err[512];
	struct spp_cmd cmd;
	size_t k;

	if (line == NULL)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		memset(&cmd, 0, sizeof(cmd));
		spp_cmd_parse(line, kinds[k], &cmd, err, sizeof(err));
		spp_cmd_free(&cmd);
	}
	free(line);
	return 0;
}
