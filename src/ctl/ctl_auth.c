/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_auth.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The whole of a file, NUL-terminated, or NULL with errno set. */
static char *
auth_read(const char *path, size_t max)
{
	FILE *f = fopen(path, "r");
	size_t n;
	char *buf;

	if (f == NULL)
		return NULL;
	buf = malloc(max + 1);
	if (buf == NULL) {
		fclose(f);
		errno = ENOMEM;
		return NULL;
	}
	n = fread(buf, 1, max + 1, f);
	fclose(f);
	if (n > max) {
		free(buf);
		errno = EFBIG;
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

int
ctl_auth_load(struct ctl_auth *a, const char *cert_file, const char *key_file,
	      const char *token_file, char *err, size_t errlen)
{
	const char *bad = NULL;
	size_t n;

	memset(a, 0, sizeof(*a));
	if ((cert_file == NULL) != (key_file == NULL)) {
		snprintf(err, errlen, "--tls-cert and --tls-key go together");
		return -EINVAL;
	}
	if (cert_file != NULL &&
	    MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		snprintf(err, errlen, "this libmicrohttpd has no TLS");
		return -ENOTSUP;
	}
	if (cert_file != NULL) {
		a->tls_cert = auth_read(cert_file, 1 << 20);
		if (a->tls_cert == NULL)
			bad = cert_file;
		a->tls_key = bad ? NULL : auth_read(key_file, 1 << 20);
		if (bad == NULL && a->tls_key == NULL)
			bad = key_file;
	}
	if (bad == NULL && token_file != NULL) {
		a->token = auth_read(token_file, 4096);
		if (a->token == NULL)
			bad = token_file;
	}
	if (bad != NULL) {
		snprintf(err, errlen, "cannot read %s: %s", bad,
			 strerror(errno));
		ctl_auth_free(a);
		return -errno;
	}
	if (a->token != NULL) {
		n = strcspn(a->token, "\r\n");
		a->token[n] = '\0';
		if (n == 0 || strpbrk(a->token, " \t") != NULL) {
			snprintf(err, errlen,
				 "%s: the token is its first line, one word, "
				 "not empty",
				 token_file);
			ctl_auth_free(a);
			return -EINVAL;
		}
	}
	return 0;
}

void
ctl_auth_free(struct ctl_auth *a)
{
	free(a->tls_cert);
	free(a->tls_key);
	free(a->token);
	memset(a, 0, sizeof(*a));
}

/* Equal strings, in a time that does not depend on where they differ. */
static bool
auth_same(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char diff = la != lb;

	for (i = 0; i < la; i++)
		diff |= (unsigned char)a[i] ^
			(unsigned char)b[i % (lb ? lb : 1)];
	return diff == 0 && lb > 0;
}

bool
ctl_auth_allowed(const struct ctl_auth *a, struct MHD_Connection *conn)
{
	const char *h;

	if (a->token == NULL)
		return true;
	h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
					MHD_HTTP_HEADER_AUTHORIZATION);
	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return false;
	return auth_same(h + 7, a->token);
}
