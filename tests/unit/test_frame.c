/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "spp_frame.h"
#include "unit.h"

static size_t
put_msg(uint8_t *out, const char *s)
{
	size_t n = strlen(s);

	spp_frame_header(out, (uint32_t)n);
	memcpy(out + 4, s, n);
	return n + 4;
}

int
main(void)
{
	struct spp_frame_rx rx;
	uint8_t wire[256];
	size_t len = 0, i, msglen;
	char *msg;
	int ret, sv[2];
	char *big;

	len += put_msg(wire + len, "status");
	len += put_msg(wire + len, "");
	len += put_msg(wire + len, "{\"result\":\"ok\"}");

	/* byte by byte: no message until its last byte arrived */
	spp_frame_rx_init(&rx);
	for (i = 0; i < 9; i++) {
		spp_frame_rx_feed(&rx, wire + i, 1);
		ret = spp_frame_rx_next(&rx, &msg, &msglen);
		if (i < 9)
			CHECK(ret == (i == 9 ? 1 : 0), "partial %zu", i);
	}
	spp_frame_rx_feed(&rx, wire + 9, 1);
	ret = spp_frame_rx_next(&rx, &msg, &msglen);
	CHECK(ret == 1 && msglen == 6 && strcmp(msg, "status") == 0,
	      "first message after its last byte");
	/* rest in one feed: two messages come out of one read */
	spp_frame_rx_feed(&rx, wire + 10, len - 10);
	ret = spp_frame_rx_next(&rx, &msg, &msglen);
	CHECK(ret == 1 && msglen == 0 && msg[0] == '\0', "empty message");
	ret = spp_frame_rx_next(&rx, &msg, &msglen);
	CHECK(ret == 1 && strcmp(msg, "{\"result\":\"ok\"}") == 0,
	      "third message from the same read");
	CHECK(spp_frame_rx_next(&rx, &msg, &msglen) == 0, "buffer drained");

	/* a header announcing too much is refused */
	spp_frame_header(wire, SPP_FRAME_MAX + 1);
	spp_frame_rx_reset(&rx);
	spp_frame_rx_feed(&rx, wire, 4);
	CHECK(spp_frame_rx_next(&rx, &msg, &msglen) == -EMSGSIZE,
	      "oversized message refused");
	spp_frame_rx_free(&rx);

	/* over a socket: a 1 MiB message is whole (no 32 KiB cut) */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	big = malloc(1 << 20);
	memset(big, 'x', 1 << 20);
	big[(1 << 20) - 1] = 'y';
	if (fork() == 0) {
		close(sv[0]);
		spp_frame_send(sv[1], big, 1 << 20);
		spp_frame_send(sv[1], "bye", 3);
		_exit(0);
	}
	close(sv[1]);
	spp_frame_rx_init(&rx);
	ret = spp_frame_recv(sv[0], &rx, &msg, &msglen, 5000);
	CHECK(ret == 1 && msglen == (1 << 20) && msg[msglen - 1] == 'y' &&
		      msg[0] == 'x',
	      "1 MiB message whole");
	ret = spp_frame_recv(sv[0], &rx, &msg, &msglen, 5000);
	CHECK(ret == 1 && strcmp(msg, "bye") == 0, "message after a big one");
	ret = spp_frame_recv(sv[0], &rx, &msg, &msglen, 5000);
	CHECK(ret == 0, "EOF when the peer closed");
	spp_frame_rx_free(&rx);
	free(big);
	close(sv[0]);
	return unit_done();
}
