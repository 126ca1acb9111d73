/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A pcap file compressed in the LZ4 frame format (what `lz4 -d` reads),
 * written under PATH.tmp and renamed to PATH once complete. Timestamps in
 * nanoseconds (pcap magic 0xa1b23c4d), link type Ethernet. Pure C, no EAL.
 * One writer per thread; nothing is shared.
 */
#ifndef SPP_PCAPW_H
#define SPP_PCAPW_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#define SPP_PCAPW_SNAPLEN 65535

struct spp_pcapw;

/*
 * Create PATH.tmp and write the pcap header. Returns 0, or -errno with err
 * saying what failed (a directory that does not exist, no permission, ...).
 */
int spp_pcapw_open(struct spp_pcapw **w, const char *path, char *err,
		   size_t errlen);

/*
 * Append a record of the pieces iov[0..iovcnt) (the segments of a frame),
 * orig_len bytes long on the wire, received at ts_ns since the epoch; cut
 * at SPP_PCAPW_SNAPLEN. Returns 0 or -errno (-ENOSPC when the disk is
 * full): the file is then unusable, spp_pcapw_close() leaves it as .tmp.
 */
int spp_pcapw_write(struct spp_pcapw *w, uint64_t ts_ns, uint32_t orig_len,
		    const struct iovec *iov, int iovcnt);

/* Bytes of pcap (uncompressed) written so far, header included. */
uint64_t spp_pcapw_bytes(const struct spp_pcapw *w);

/*
 * Finish the LZ4 frame, close the file and rename it to PATH; frees w.
 * Returns 0, or -errno with err saying why (the file stays PATH.tmp).
 */
int spp_pcapw_close(struct spp_pcapw *w, char *err, size_t errlen);

#endif /* SPP_PCAPW_H */
