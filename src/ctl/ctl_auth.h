/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Access to the REST API from a network: optional TLS (libmicrohttpd over
 * GnuTLS, with a certificate and key in PEM files) and an optional token
 * that every request carries as "Authorization: Bearer TOKEN". Both off
 * by default, as on localhost the original had neither.
 */
#ifndef CTL_AUTH_H
#define CTL_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include <microhttpd.h>

struct ctl_auth {
	char *tls_cert; /* PEM text, or NULL: plain HTTP */
	char *tls_key;
	char *token; /* or NULL: no token asked */
};

/*
 * Load the files named (each may be NULL). Returns 0, or -errno with what
 * went wrong in err (a missing file, a cert without its key, an empty
 * token, a libmicrohttpd without TLS).
 */
int ctl_auth_load(struct ctl_auth *a, const char *cert_file,
		  const char *key_file, const char *token_file, char *err,
		  size_t errlen);
void ctl_auth_free(struct ctl_auth *a);

/* true when the request carries the token (or none is asked). */
bool ctl_auth_allowed(const struct ctl_auth *a, struct MHD_Connection *conn);

#endif /* CTL_AUTH_H */
