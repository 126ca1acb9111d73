/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer: the framing of the process channel. The input is fed in
 * pieces whose sizes come from the input itself; every message taken must
 * be as long as its header said and NUL-terminated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spp_frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spp_frame_rx rx;
	size_t off = 1, len;
	char *msg;
	int ret;

	if (size == 0)
		return 0;
	spp_frame_rx_init(&rx);
	/* the first byte limits the message size, as spp-ctl does */
	rx.max = data[0] & 1 ? 64 : 0;
	while (off < size) {
		size_t piece = 1 + data[off] % 16;

		if (piece > size - off)
			piece = size - off;
		if (spp_frame_rx_feed(&rx, data + off, piece) < 0)
			break;
		off += piece;
		while ((ret = spp_frame_rx_next(&rx, &msg, &len)) == 1)
			if (msg[len] != '\0' || (rx.max != 0 && len > rx.max))
				abort();
		if (ret < 0)
			break;
	}
	spp_frame_rx_free(&rx);
	return 0;
}
