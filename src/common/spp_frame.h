/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Message framing on the channel between spp-ctl and the SPP processes:
 * each message is a 4-byte big-endian payload length followed by that many
 * bytes. A message may arrive in any number of reads, and one read may hold
 * several messages. Pure C, no EAL.
 */
#ifndef SPP_FRAME_H
#define SPP_FRAME_H

#include <stddef.h>
#include <stdint.h>

/* Largest payload accepted (16 MiB): a peer announcing more is broken. */
#define SPP_FRAME_MAX (16u << 20)

struct spp_frame_rx {
	char *buf;	 /* bytes received and not yet consumed */
	size_t len;	 /* valid bytes in buf */
	size_t cap;	 /* allocated size of buf */
	size_t consumed; /* bytes of the last message handed out */
	size_t max;	 /* largest payload taken; 0: SPP_FRAME_MAX */
};

void spp_frame_rx_init(struct spp_frame_rx *rx);
void spp_frame_rx_free(struct spp_frame_rx *rx);
/* Forget any partial message (after a reconnect). */
void spp_frame_rx_reset(struct spp_frame_rx *rx);

/*
 * Append bytes to the receive buffer. Returns 0 or -ENOMEM.
 */
int spp_frame_rx_feed(struct spp_frame_rx *rx, const void *data, size_t len);

/*
 * Take the next whole message out of the buffer. On success *msg points to
 * a NUL-terminated copy owned by rx, valid until the next call on rx, and
 * *msglen is its length. Returns 1 when a message was taken, 0 when more
 * bytes are needed, -EMSGSIZE when the peer announced a message larger than
 * rx->max (SPP_FRAME_MAX when 0; the stream is then unusable).
 */
int spp_frame_rx_next(struct spp_frame_rx *rx, char **msg, size_t *msglen);

/*
 * Read from fd until a whole message is available or timeout_ms passes
 * (-1: no timeout). Returns 1 with *msg as for spp_frame_rx_next, 0 when the
 * peer closed the connection, -ETIMEDOUT, -EMSGSIZE or another -errno.
 */
int spp_frame_recv(int fd, struct spp_frame_rx *rx, char **msg, size_t *msglen,
		   int timeout_ms);

/* Write one whole message (blocking). Returns 0 or -errno. */
int spp_frame_send(int fd, const char *data, size_t len);

/* Encode the 4-byte header of a payload of len bytes. */
void spp_frame_header(uint8_t hdr[4], uint32_t len);

#endif /* SPP_FRAME_H */
