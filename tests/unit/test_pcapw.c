/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The LZ4 pcap writer: records written, the file decompressed with liblz4
 * and read back byte for byte; rename on close; errors.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lz4frame.h>

#include "spp_pcapw.h"
#include "unit.h"

/* The whole file at path, decompressed; NULL if it is not LZ4 frames. */
static uint8_t *
unlz4(const char *path, size_t *len)
{
	LZ4F_dctx *d;
	FILE *f = fopen(path, "rb");
	uint8_t in[4096], *out = NULL;
	size_t cap = 0, n, used, got, r = 1;

	*len = 0;
	if (f == NULL)
		return NULL;
	LZ4F_createDecompressionContext(&d, LZ4F_VERSION);
	while (r != 0 && (n = fread(in, 1, sizeof(in), f)) > 0) {
		size_t off = 0;

		while (off < n) {
			if (cap - *len < 65536) {
				cap = cap * 2 + 65536;
				out = realloc(out, cap);
			}
			used = n - off;
			got = cap - *len;
			r = LZ4F_decompress(d, out + *len, &got, in + off,
					    &used, NULL);
			if (LZ4F_isError(r)) {
				free(out);
				out = NULL;
				goto done;
			}
			*len += got;
			off += used;
		}
	}
	if (r != 0) { /* frame not finished */
		free(out);
		out = NULL;
	}
done:
	LZ4F_freeDecompressionContext(d);
	fclose(f);
	return out;
}

int
main(void)
{
	char dir[] = "/tmp/spp_test_pcapw.XXXXXX", path[256], tmp[300];
	char err[256];
	uint8_t a[60], b[3000], *data;
	struct iovec iov[2];
	struct spp_pcapw *w;
	struct stat st;
	size_t len, i;
	uint32_t *rec;
	int ret;

	CHECK(mkdtemp(dir) != NULL, "temporary directory");
	snprintf(path, sizeof(path), "%s/x.pcap.lz4", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	for (i = 0; i < sizeof(a); i++)
		a[i] = (uint8_t)i;
	for (i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)(i * 7);
	ret = spp_pcapw_open(&w, path, err, sizeof(err));
	CHECK(ret == 0, "open: %s", ret ? err : "ok");
	CHECK(stat(tmp, &st) == 0 && stat(path, &st) < 0,
	      "written as .tmp until closed");
	iov[0] = (struct iovec){a, sizeof(a)};
	CHECK(spp_pcapw_write(w, 1700000000123456789ULL, 60, iov, 1) == 0,
	      "a 60-byte record");
	/* a frame in two segments */
	iov[0] = (struct iovec){b, 1000};
	iov[1] = (struct iovec){b + 1000, 2000};
	for (i = 0; i < 100; i++)
		spp_pcapw_write(w, 1700000001000000000ULL + i, 3000, iov, 2);
	CHECK(spp_pcapw_bytes(w) == 24 + 16 + 60 + 100 * (16 + 3000),
	      "bytes of pcap counted (%llu)",
	      (unsigned long long)spp_pcapw_bytes(w));
	CHECK(spp_pcapw_close(w, err, sizeof(err)) == 0, "close");
	CHECK(stat(path, &st) == 0 && stat(tmp, &st) < 0,
	      "renamed to its name");
	data = unlz4(path, &len);
	CHECK(data != NULL && len == 24 + 16 + 60 + 100 * 3016,
	      "decompresses to the pcap (%zu bytes)", len);
	if (data != NULL) {
		rec = (uint32_t *)data;
		CHECK(rec[0] == 0xa1b23c4d && rec[4] == 65535 && rec[5] == 1,
		      "nanosecond pcap header, Ethernet");
		rec = (uint32_t *)(data + 24);
		CHECK(rec[0] == 1700000000 && rec[1] == 123456789 &&
			      rec[2] == 60 && rec[3] == 60 &&
			      memcmp(data + 40, a, 60) == 0,
		      "first record: time, lengths, bytes");
		rec = (uint32_t *)(data + 100 + 99 * 3016);
		CHECK(rec[1] == 99 && rec[2] == 3000 &&
			      memcmp(data + 116 + 99 * 3016, b, 3000) == 0,
		      "last record: two segments as one frame");
		free(data);
	}
	unlink(path);

	snprintf(path, sizeof(path), "%s/none/x.pcap.lz4", dir);
	ret = spp_pcapw_open(&w, path, err, sizeof(err));
	CHECK(ret == -ENOENT && strstr(err, "cannot create") != NULL,
	      "a directory that does not exist: %s", err);
	rmdir(dir);
	return unit_done();
}
