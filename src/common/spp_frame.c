/* SPDX-License-Identifier: BSD-3-Clause */
#include "spp_frame.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

void
spp_frame_rx_init(struct spp_frame_rx *rx)
{
	memset(rx, 0, sizeof(*rx));
}

void
spp_frame_rx_free(struct spp_frame_rx *rx)
{
	free(rx->buf);
	spp_frame_rx_init(rx);
}

void
spp_frame_rx_reset(struct spp_frame_rx *rx)
{
	rx->len = 0;
	rx->consumed = 0;
}

/* Drop the message handed out last time, keeping what follows it. */
static void
frame_rx_compact(struct spp_frame_rx *rx)
{
	if (rx->consumed == 0)
		return;
	memmove(rx->buf, rx->buf + rx->consumed, rx->len - rx->consumed);
	rx->len -= rx->consumed;
	rx->consumed = 0;
}

static int
frame_rx_reserve(struct spp_frame_rx *rx, size_t need)
{
	size_t cap = rx->cap ? rx->cap : 4096;
	char *buf;

	if (need <= rx->cap)
		return 0;
	while (cap < need)
		cap *= 2;
	buf = realloc(rx->buf, cap);
	if (buf == NULL)
		return -ENOMEM;
	rx->buf = buf;
	rx->cap = cap;
	return 0;
}

int
spp_frame_rx_feed(struct spp_frame_rx *rx, const void *data, size_t len)
{
	int ret;

	frame_rx_compact(rx);
	/* one spare byte so a message can be NUL-terminated in place */
	ret = frame_rx_reserve(rx, rx->len + len + 1);
	if (ret < 0)
		return ret;
	memcpy(rx->buf + rx->len, data, len);
	rx->len += len;
	return 0;
}

int
spp_frame_rx_next(struct spp_frame_rx *rx, char **msg, size_t *msglen)
{
	const uint8_t *p;
	uint32_t n;
	int ret;

	frame_rx_compact(rx);
	if (rx->len < 4)
		return 0;
	p = (const uint8_t *)rx->buf;
	n = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | p[3];
	if (n > (rx->max != 0 ? rx->max : SPP_FRAME_MAX))
		return -EMSGSIZE;
	if (rx->len < 4 + (size_t)n)
		return 0;
	ret = frame_rx_reserve(rx, rx->len + 1);
	if (ret < 0)
		return ret;
	/*
	 * Move the payload over the header so it can be NUL-terminated
	 * without clobbering the next message's first byte.
	 */
	memmove(rx->buf, rx->buf + 4, n);
	memmove(rx->buf + n + 1, rx->buf + 4 + n, rx->len - 4 - n);
	rx->buf[n] = '\0';
	rx->len -= 3; /* header (4) gone, terminator (1) added */
	rx->consumed = (size_t)n + 1;
	*msg = rx->buf;
	*msglen = n;
	return 1;
}

static int64_t
frame_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
spp_frame_recv(int fd, struct spp_frame_rx *rx, char **msg, size_t *msglen,
	       int timeout_ms)
{
	int64_t deadline = timeout_ms < 0 ? -1 : frame_now_ms() + timeout_ms;
	char tmp[8192];
	ssize_t n;
	int ret;

	for (;;) {
		ret = spp_frame_rx_next(rx, msg, msglen);
		if (ret != 0)
			return ret;
		if (deadline >= 0) {
			struct pollfd pfd = {.fd = fd, .events = POLLIN};
			int64_t left = deadline - frame_now_ms();

			if (left <= 0)
				return -ETIMEDOUT;
			ret = poll(&pfd, 1, (int)left);
			if (ret < 0 && errno == EINTR)
				continue;
			if (ret < 0)
				return -errno;
			if (ret == 0)
				return -ETIMEDOUT;
		}
		n = recv(fd, tmp, sizeof(tmp), 0);
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		ret = spp_frame_rx_feed(rx, tmp, (size_t)n);
		if (ret < 0)
			return ret;
	}
}

void
spp_frame_header(uint8_t hdr[4], uint32_t len)
{
	hdr[0] = (uint8_t)(len >> 24);
	hdr[1] = (uint8_t)(len >> 16);
	hdr[2] = (uint8_t)(len >> 8);
	hdr[3] = (uint8_t)len;
}

/*
 * Header and data go out in one call: sent apart, the data would wait for
 * the header's ACK under Nagle's algorithm, and the peer delays that ACK
 * (40 ms per command on Linux).
 */
int
spp_frame_send(int fd, const char *data, size_t len)
{
	uint8_t hdr[4];
	struct iovec iov[2] = {
		{.iov_base = hdr, .iov_len = sizeof(hdr)},
		{.iov_base = (void *)(uintptr_t)data, .iov_len = len},
	};
	struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
	ssize_t n;

	if (len > SPP_FRAME_MAX)
		return -EMSGSIZE;
	spp_frame_header(hdr, (uint32_t)len);
	while (msg.msg_iovlen > 0) {
		n = sendmsg(fd, &msg, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		/* a partial send: go on from where it stopped */
		while (msg.msg_iovlen > 0 &&
		       (size_t)n >= msg.msg_iov->iov_len) {
			n -= (ssize_t)msg.msg_iov->iov_len;
			msg.msg_iov++;
			msg.msg_iovlen--;
		}
		if (msg.msg_iovlen > 0) {
			msg.msg_iov->iov_base =
				(char *)msg.msg_iov->iov_base + n;
			msg.msg_iov->iov_len -= (size_t)n;
		}
	}
	return 0;
}
