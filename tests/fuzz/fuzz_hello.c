/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer: the hello a process sends spp-ctl, on either port. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_proc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	int port;

	for (port = 0; port < 2; port++)
		ctl_proc_hello_check((const char *)data, size, port, err,
				     sizeof(err));
	return 0;
}
