/* SPDX-License-Identifier: BSD-3-Clause */
/* The CLI's HTTP client of spp-ctl's REST API (libcurl). */
#ifndef CLI_HTTP_H
#define CLI_HTTP_H

#include <stddef.h>

#include <jansson.h>

/* Once per program, before any other call. Returns 0 or -ENOMEM. */
int cli_http_init(void);
void cli_http_fini(void);

/*
 * How to reach spp-ctl over a network (both off by default): HTTPS with
 * the certificate of spp-ctl checked against the CA (or self-signed
 * certificate) in cacert, and a token sent as "Authorization: Bearer" on
 * every request. Either may be NULL. Returns 0, or -errno with err set (a
 * token file that cannot be read or is empty).
 */
int cli_http_secure(const char *cacert, const char *token_file, char *err,
		    size_t errlen);

/*
 * One request to spp-ctl at server ("IP:PORT"). body may be NULL. On an
 * answer of any status returns 0 with the status in *status and the JSON
 * body in *reply (NULL when empty; the caller releases it). A 2xx status
 * with a body that is not JSON, or no answer at all, returns -EIO (or
 * -ECONNREFUSED, -ETIMEDOUT) with what happened in err.
 */
int cli_http_call(const char *server, const char *method, const char *path,
		  const json_t *body, long *status, json_t **reply, char *err,
		  size_t errlen);

/*
 * A request whose body (len bytes, a YAML or JSON document; NULL for
 * none) and answer are text: on an answer of any status returns 0 with
 * the status in *status and the body in *reply (malloc'd, NUL-terminated,
 * *reply_len bytes; NULL when empty). Else as cli_http_call().
 */
int cli_http_text(const char *server, const char *method, const char *path,
		  const char *body, size_t len, long *status, char **reply,
		  size_t *reply_len, char *err, size_t errlen);

/*
 * The same, where only success counts: 0 when the status is 2xx, else
 * -EINVAL (4xx) or -EIO with spp-ctl's own message ("error" of its
 * answer) in err.
 */
int cli_http_ok(const char *server, const char *method, const char *path,
		const json_t *body, json_t **reply, char *err, size_t errlen);

#endif /* CLI_HTTP_H */
