/* SPDX-License-Identifier: BSD-3-Clause */
#include "cli_http.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "spp_err.h"

/* Answers are whole at any size: grown as they come. */
struct http_buf {
	char *data;
	size_t len;
	int oom;
};

static CURL *http_curl;
static const char *http_cacert;	  /* NULL: plain HTTP */
static char http_auth[4200] = ""; /* "Authorization: Bearer TOKEN" */

int
cli_http_secure(const char *cacert, const char *token_file, char *err,
		size_t errlen)
{
	char token[4096];
	FILE *f;
	size_t n;

	http_cacert = cacert;
	if (token_file == NULL)
		return 0;
	f = fopen(token_file, "r");
	if (f == NULL)
		SPP_ERR(-errno, "cannot read %s: %s", token_file,
			strerror(errno));
	n = fread(token, 1, sizeof(token) - 1, f);
	fclose(f);
	token[n] = '\0';
	token[strcspn(token, "\r\n")] = '\0';
	if (token[0] == '\0')
		SPP_ERR(-EINVAL, "%s: no token on its first line", token_file);
	snprintf(http_auth, sizeof(http_auth), "Authorization: Bearer %s",
		 token);
	return 0;
}

int
cli_http_init(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -ENOMEM;
	http_curl = curl_easy_init();
	return http_curl == NULL ? -ENOMEM : 0;
}

void
cli_http_fini(void)
{
	if (http_curl != NULL)
		curl_easy_cleanup(http_curl);
	http_curl = NULL;
	curl_global_cleanup();
}

static size_t
http_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct http_buf *b = userdata;
	size_t n = size * nmemb;
	char *p = realloc(b->data, b->len + n + 1);

	if (p == NULL) {
		b->oom = 1;
		return 0;
	}
	memcpy(p + b->len, ptr, n);
	b->len += n;
	p[b->len] = '\0';
	b->data = p;
	return n;
}

static int
http_errno(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
		return -ECONNREFUSED;
	case CURLE_OPERATION_TIMEDOUT:
		return -ETIMEDOUT;
	default:
		return -EIO;
	}
}

/*
 * One request with a body of len bytes of type ctype (body NULL: none);
 * the answer's body in buf. Returns 0 on an answer of any status.
 */
static int
http_perform(const char *server, const char *method, const char *path,
	     const char *body, size_t len, const char *ctype, long *status,
	     struct http_buf *buf, char *err, size_t errlen)
{
	struct curl_slist *hdrs = NULL;
	char url[512], type[128];
	CURLcode rc;
	int ret = 0;

	*status = 0;
	snprintf(url, sizeof(url), "%s://%s%s",
		 http_cacert != NULL ? "https" : "http", server, path);
	curl_easy_reset(http_curl);
	curl_easy_setopt(http_curl, CURLOPT_URL, url);
	curl_easy_setopt(http_curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(http_curl, CURLOPT_WRITEFUNCTION, http_write);
	curl_easy_setopt(http_curl, CURLOPT_WRITEDATA, buf);
	curl_easy_setopt(http_curl, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(http_curl, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(http_curl, CURLOPT_NOSIGNAL, 1L);
	if (http_cacert != NULL)
		curl_easy_setopt(http_curl, CURLOPT_CAINFO, http_cacert);
	if (http_auth[0] != '\0')
		hdrs = curl_slist_append(hdrs, http_auth);
	if (body != NULL) {
		snprintf(type, sizeof(type), "Content-Type: %s", ctype);
		hdrs = curl_slist_append(hdrs, type);
		curl_easy_setopt(http_curl, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)len);
		curl_easy_setopt(http_curl, CURLOPT_POSTFIELDS, body);
	}
	if (hdrs != NULL)
		curl_easy_setopt(http_curl, CURLOPT_HTTPHEADER, hdrs);
	rc = curl_easy_perform(http_curl);
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "cannot reach spp-ctl at %s: %s", server,
			 buf->oom ? "out of memory" : curl_easy_strerror(rc));
		ret = buf->oom ? -ENOMEM : http_errno(rc);
	} else {
		curl_easy_getinfo(http_curl, CURLINFO_RESPONSE_CODE, status);
	}
	curl_slist_free_all(hdrs);
	return ret;
}

int
cli_http_text(const char *server, const char *method, const char *path,
	      const char *body, size_t len, long *status, char **reply,
	      size_t *reply_len, char *err, size_t errlen)
{
	struct http_buf buf = {NULL, 0, 0};
	int ret;

	ret = http_perform(server, method, path, body, len, "application/yaml",
			   status, &buf, err, errlen);
	if (ret < 0) {
		free(buf.data);
		buf.data = NULL;
		buf.len = 0;
	}
	*reply = buf.data;
	*reply_len = buf.len;
	return ret;
}

int
cli_http_call(const char *server, const char *method, const char *path,
	      const json_t *body, long *status, json_t **reply, char *err,
	      size_t errlen)
{
	struct http_buf buf = {NULL, 0, 0};
	char *text = NULL;
	json_error_t jerr;
	int ret = 0;

	*reply = NULL;
	if (body != NULL) {
		text = json_dumps(body, JSON_COMPACT);
		if (text == NULL)
			SPP_ERR(-ENOMEM, "out of memory");
	}
	ret = http_perform(server, method, path, text,
			   text != NULL ? strlen(text) : 0, "application/json",
			   status, &buf, err, errlen);
	if (ret < 0 || buf.len == 0)
		goto out;
	*reply = json_loadb(buf.data, buf.len, 0, &jerr);
	if (*reply == NULL && *status >= 200 && *status < 300) {
		snprintf(err, errlen,
			 "spp-ctl at %s answered %ld with a body that is not "
			 "JSON: %s",
			 server, *status, jerr.text);
		ret = -EIO;
	}
out:
	free(text);
	free(buf.data);
	return ret;
}

int
cli_http_ok(const char *server, const char *method, const char *path,
	    const json_t *body, json_t **reply, char *err, size_t errlen)
{
	const char *msg;
	long status;
	int ret;

	ret = cli_http_call(server, method, path, body, &status, reply, err,
			    errlen);
	if (ret < 0)
		return ret;
	if (status >= 200 && status < 300)
		return 0;
	msg = json_string_value(json_object_get(*reply, "error"));
	if (msg != NULL)
		snprintf(err, errlen, "%s", msg);
	else
		snprintf(err, errlen, "spp-ctl answered HTTP %ld to %s %s",
			 status, method, path);
	json_decref(*reply);
	*reply = NULL;
	return status < 500 ? -EINVAL : -EIO;
}
