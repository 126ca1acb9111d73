/* SPDX-License-Identifier: BSD-3-Clause */
#include "spp_pcapw.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lz4frame.h>

#include "spp_err.h"

#define PCAPW_CHUNK (64 * 1024) /* input compressed at a time */
#define PCAPW_MIN(a, b) ((a) < (b) ? (a) : (b))

struct spp_pcapw {
	int fd;
	int error; /* first -errno of a write, then every call fails */
	uint64_t bytes;
	LZ4F_cctx *ctx;
	size_t in_len;
	size_t out_cap;
	char path[4096];
	uint8_t in[PCAPW_CHUNK];
	uint8_t out[]; /* out_cap bytes */
};

static const LZ4F_preferences_t pcapw_prefs = {
	.frameInfo = {.blockSizeID = LZ4F_max64KB,
		      .contentChecksumFlag = LZ4F_contentChecksumEnabled},
};

static int
pcapw_write_all(struct spp_pcapw *w, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(w->fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			w->error = -errno;
			return w->error;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Compress what is in w->in and write it out. */
static int
pcapw_flush(struct spp_pcapw *w)
{
	size_t n;

	if (w->in_len == 0)
		return 0;
	n = LZ4F_compressUpdate(w->ctx, w->out, w->out_cap, w->in, w->in_len,
				NULL);
	w->in_len = 0;
	if (LZ4F_isError(n)) {
		w->error = -EIO;
		return w->error;
	}
	return pcapw_write_all(w, w->out, n);
}

static int
pcapw_append(struct spp_pcapw *w, const void *data, size_t len)
{
	const uint8_t *p = data;
	int ret;

	w->bytes += len;
	while (len > 0) {
		size_t k = PCAPW_MIN(len, PCAPW_CHUNK - w->in_len);

		memcpy(w->in + w->in_len, p, k);
		w->in_len += k;
		p += k;
		len -= k;
		if (w->in_len == PCAPW_CHUNK) {
			ret = pcapw_flush(w);
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

int
spp_pcapw_open(struct spp_pcapw **wp, const char *path, char *err,
	       size_t errlen)
{
	const struct {
		uint32_t magic;
		uint16_t major, minor;
		int32_t zone;
		uint32_t sigfigs, snaplen, linktype;
	} hdr = {0xa1b23c4d, 2, 4, 0, 0, SPP_PCAPW_SNAPLEN, 1};
	size_t cap = LZ4F_compressBound(PCAPW_CHUNK, &pcapw_prefs);
	struct spp_pcapw *w;
	char tmp[4200];
	size_t n;
	int ret;

	if (strlen(path) >= sizeof(w->path))
		SPP_ERR(-ENAMETOOLONG, "file name too long: %s", path);
	w = calloc(1, sizeof(*w) + cap);
	if (w == NULL)
		SPP_ERR(-ENOMEM, "out of memory");
	w->out_cap = cap;
	snprintf(w->path, sizeof(w->path), "%s", path);
	if (LZ4F_isError(
		    LZ4F_createCompressionContext(&w->ctx, LZ4F_VERSION))) {
		free(w);
		SPP_ERR(-ENOMEM, "cannot make an LZ4 context");
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	w->fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (w->fd < 0) {
		ret = -errno;
		LZ4F_freeCompressionContext(w->ctx);
		free(w);
		SPP_ERR(ret, "cannot create %s: %s", tmp, strerror(-ret));
	}
	n = LZ4F_compressBegin(w->ctx, w->out, w->out_cap, &pcapw_prefs);
	ret = LZ4F_isError(n) ? -EIO : pcapw_write_all(w, w->out, n);
	if (ret == 0)
		ret = pcapw_append(w, &hdr, sizeof(hdr));
	if (ret < 0) {
		close(w->fd);
		unlink(tmp);
		LZ4F_freeCompressionContext(w->ctx);
		free(w);
		SPP_ERR(ret, "cannot write %s: %s", tmp, strerror(-ret));
	}
	*wp = w;
	return 0;
}

int
spp_pcapw_write(struct spp_pcapw *w, uint64_t ts_ns, uint32_t orig_len,
		const struct iovec *iov, int iovcnt)
{
	uint32_t caplen =
		orig_len < SPP_PCAPW_SNAPLEN ? orig_len : SPP_PCAPW_SNAPLEN;
	uint32_t rec[4] = {(uint32_t)(ts_ns / 1000000000),
			   (uint32_t)(ts_ns % 1000000000), caplen, orig_len};
	uint32_t left = caplen;
	int i, ret;

	if (w->error != 0)
		return w->error;
	ret = pcapw_append(w, rec, sizeof(rec));
	for (i = 0; ret == 0 && i < iovcnt && left > 0; i++) {
		size_t k = PCAPW_MIN(iov[i].iov_len, (size_t)left);

		ret = pcapw_append(w, iov[i].iov_base, k);
		left -= (uint32_t)k;
	}
	/* fewer bytes than orig_len in the pieces: pad, the record stays
	 * as long as its header says */
	while (ret == 0 && left > 0) {
		static const uint8_t zero[64];
		size_t k = PCAPW_MIN((size_t)left, sizeof(zero));

		ret = pcapw_append(w, zero, k);
		left -= (uint32_t)k;
	}
	return ret;
}

uint64_t
spp_pcapw_bytes(const struct spp_pcapw *w)
{
	return w->bytes;
}

int
spp_pcapw_close(struct spp_pcapw *w, char *err, size_t errlen)
{
	char tmp[4200];
	int ret = w->error;
	size_t n;

	snprintf(tmp, sizeof(tmp), "%s.tmp", w->path);
	if (ret == 0)
		ret = pcapw_flush(w);
	if (ret == 0) {
		n = LZ4F_compressEnd(w->ctx, w->out, w->out_cap, NULL);
		ret = LZ4F_isError(n) ? -EIO : pcapw_write_all(w, w->out, n);
	}
	if (close(w->fd) < 0 && ret == 0)
		ret = -errno;
	if (ret == 0 && rename(tmp, w->path) < 0)
		ret = -errno;
	LZ4F_freeCompressionContext(w->ctx);
	free(w);
	if (ret < 0)
		SPP_ERR(ret, "%s is incomplete: %s", tmp, strerror(-ret));
	return 0;
}
