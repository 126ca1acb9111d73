/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer: resource ids. What parses formats, and formats back to the
 * same resource in both forms (wire and human).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spp_res.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), err[256], out[SPP_RES_NAME_LEN];
	struct spp_res r, again;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (spp_res_parse(s, &r, err, sizeof(err)) == 0) {
		if (spp_res_format(&r, out, sizeof(out)) < 0 ||
		    spp_res_parse(out, &again, err, sizeof(err)) != 0 ||
		    !spp_res_equal(&r, &again))
			abort();
		if (spp_res_format_human(&r, out, sizeof(out)) < 0 ||
		    spp_res_parse(out, &again, err, sizeof(err)) != 0 ||
		    !spp_res_equal(&r, &again))
			abort();
	}
	free(s);
	return 0;
}
