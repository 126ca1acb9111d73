/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_rest.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "ctl_guard.h"
#include "ctl_log.h"
#include "ctl_metrics.h"
#include "ctl_state.h"
#include "spp_res.h"

/* Request body received so far. */
struct rest_req {
	char *buf;
	size_t len;
	size_t cap;
	bool too_big;
};

static struct {
	struct MHD_Daemon *daemon;
	const struct ctl_route *routes;
	const struct ctl_auth *auth; /* NULL: neither TLS nor token */
} rest;

int
ctl_fail(struct ctl_call *call, unsigned int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(call->err, sizeof(call->err), fmt, ap);
	va_end(ap);
	call->status = status;
	return -1;
}

void
ctl_ok(struct ctl_call *call, json_t *body)
{
	json_decref(call->reply);
	call->reply = body;
	call->status = 200;
}

void
ctl_ok_text(struct ctl_call *call, char *text, size_t len,
	    const char *content_type)
{
	free(call->text);
	call->text = text;
	call->text_len = len;
	call->content_type = content_type;
	call->status = 200;
}

static const char *
rest_json_type(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "a number";
	case JSON_REAL:
		return "a real number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

/* Add item to a list of len bytes, *n of them used, after sep unless first. */
static void
rest_list_add(char *list, size_t len, size_t *n, const char *sep,
	      const char *item, bool quote)
{
	if (*n == 0)
		list[0] = '\0';
	if (*n < len)
		*n += (size_t)snprintf(list + *n, len - *n,
				       quote ? "%s'%s'" : "%s%s", *n ? sep : "",
				       item);
}

/* Unknown keys of obj, a body or the object at key prefix ("vlan."). */
static int
rest_keys(struct ctl_call *call, json_t *obj, const char *prefix,
	  const char *const *keys)
{
	const char *key;
	char list[256];
	size_t i, n = 0;
	json_t *v;

	json_object_foreach(obj, key, v)
	{
		for (i = 0; keys[i] != NULL; i++)
			if (strcmp(keys[i], key) == 0)
				break;
		if (keys[i] != NULL)
			continue;
		for (i = 0; keys[i] != NULL; i++)
			rest_list_add(list, sizeof(list), &n, ", ", keys[i],
				      false);
		return ctl_fail(call, 400, "unknown key '%s%s' (expected %s)",
				prefix, key, list);
	}
	return 0;
}

int
ctl_body_keys(struct ctl_call *call, const char *const *keys)
{
	return rest_keys(call, call->body, "", keys);
}

int
ctl_body_object(struct ctl_call *call, const char *key, const char *const *keys)
{
	json_t *v = json_object_get(call->body, key);
	char prefix[64];

	if (v == NULL)
		return ctl_fail(call, 400, "missing key '%s'", key);
	if (!json_is_object(v))
		return ctl_fail(call, 400, "'%s' must be an object, not %s",
				key, rest_json_type(v));
	snprintf(prefix, sizeof(prefix), "%s.", key);
	return rest_keys(call, v, prefix, keys);
}

/*
 * The value of key in the body, "a.b" being key b of object a, or NULL.
 * Returns -1 having answered 400 when a is there but not an object.
 */
static int
rest_lookup(struct ctl_call *call, const char *key, json_t **v)
{
	const char *dot = strchr(key, '.');
	json_t *parent = call->body;
	char first[64];

	*v = NULL;
	if (dot != NULL) {
		snprintf(first, sizeof(first), "%.*s", (int)(dot - key), key);
		parent = json_object_get(call->body, first);
		if (parent != NULL && !json_is_object(parent))
			return ctl_fail(call, 400,
					"'%s' must be an object, not %s", first,
					rest_json_type(parent));
		key = dot + 1;
	}
	*v = parent == NULL ? NULL : json_object_get(parent, key);
	return 0;
}

/* As rest_lookup(), and answer 400 when the key is missing. */
static int
rest_value(struct ctl_call *call, const char *key, json_t **v)
{
	if (rest_lookup(call, key, v) < 0)
		return -1;
	if (*v == NULL)
		return ctl_fail(call, 400, "missing key '%s'", key);
	return 0;
}

int
ctl_body_required(struct ctl_call *call, const char *const *keys)
{
	char list[256];
	size_t i, n = 0;
	int missing = 0;
	json_t *v;

	for (i = 0; keys[i] != NULL; i++) {
		if (rest_lookup(call, keys[i], &v) < 0)
			return -1;
		if (v != NULL)
			continue;
		rest_list_add(list, sizeof(list), &n, ", ", keys[i], true);
		missing++;
	}
	if (missing > 0)
		return ctl_fail(call, 400, "missing key%s %s",
				missing > 1 ? "s" : "", list);
	return 0;
}

int
ctl_body_string(struct ctl_call *call, const char *key, const char **s)
{
	json_t *v;

	if (rest_value(call, key, &v) < 0)
		return -1;
	if (!json_is_string(v))
		return ctl_fail(call, 400, "'%s' must be a string, not %s", key,
				rest_json_type(v));
	*s = json_string_value(v);
	return 0;
}

int
ctl_check_word(struct ctl_call *call, const char *what, const char *s)
{
	if (*s == '\0' || strpbrk(s, " \t\n\v\f\r") != NULL)
		return ctl_fail(call, 400,
				"%s must be one word without blanks, got '%s'",
				what, s);
	return 0;
}

int
ctl_body_word(struct ctl_call *call, const char *key, const char **s)
{
	char what[80];

	if (ctl_body_string(call, key, s) < 0)
		return -1;
	snprintf(what, sizeof(what), "'%s'", key);
	return ctl_check_word(call, what, *s);
}

int
ctl_json_int(const json_t *v, json_int_t *i)
{
	const char *s = json_string_value(v);
	long long n;
	char *end;

	if (json_is_integer(v)) {
		*i = json_integer_value(v);
		return 0;
	}
	if (s == NULL)
		return -EINVAL;
	/* what Python's int() takes of a string, in decimal */
	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)s[*s == '+' || *s == '-']))
		return -EINVAL;
	errno = 0;
	n = strtoll(s, &end, 10);
	while (isspace((unsigned char)*end))
		end++;
	if (*end != '\0')
		return -EINVAL;
	if (errno == ERANGE)
		return -ERANGE;
	*i = (json_int_t)n;
	return 0;
}

int
ctl_body_int(struct ctl_call *call, const char *key, json_int_t *i)
{
	json_t *v;
	int ret;

	if (rest_value(call, key, &v) < 0)
		return -1;
	ret = ctl_json_int(v, i);
	if (ret == -ERANGE)
		return ctl_fail(call, 400, "'%s' is out of range: '%s'", key,
				json_string_value(v));
	if (ret < 0 && json_is_string(v))
		return ctl_fail(call, 400,
				"'%s' must be an integer, not the string '%s'",
				key, json_string_value(v));
	if (ret < 0)
		return ctl_fail(call, 400,
				"'%s' must be an integer (or a string "
				"holding one), not %s",
				key, rest_json_type(v));
	return 0;
}

int
ctl_body_port(struct ctl_call *call, const char *key, char *res, size_t len)
{
	char err[CTL_REST_ERR_LEN];
	struct spp_res r;
	const char *s;

	if (ctl_body_string(call, key, &s) < 0)
		return -1;
	if (spp_res_parse(s, &r, err, sizeof(err)) < 0)
		return ctl_fail(call, 400, "%s: %s", key, err);
	if (spp_res_format(&r, res, len) < 0)
		return ctl_fail(call, 500, "%s: cannot format port", key);
	return 0;
}

int
ctl_body_choice(struct ctl_call *call, const char *key,
		const struct ctl_action *map, const char **command)
{
	char list[128];
	const char *value;
	size_t i, n = 0;

	if (ctl_body_string(call, key, &value) < 0)
		return -1;
	for (i = 0; map[i].action != NULL; i++) {
		if (strcmp(map[i].action, value) == 0) {
			*command = map[i].command;
			return 0;
		}
		rest_list_add(list, sizeof(list), &n, " or ", map[i].action,
			      true);
	}
	return ctl_fail(call, 400, "unknown %s '%s' (expected %s)", key, value,
			list);
}

int
ctl_body_action(struct ctl_call *call, const struct ctl_action *map,
		const char **command)
{
	return ctl_body_choice(call, "action", map, command);
}

/* Answer the REST call from a process's reply. */
static void
rest_from_reply(struct ctl_call *call, json_t *reply, const char *text)
{
	const char *name = ctl_proc_name(call->proc);
	const char *msg;
	json_t *v;

	if (strcmp(json_string_value(json_object_get(reply, "result")), "ok") ==
	    0) {
		v = json_object_get(reply, "data");
		if (v == NULL) {
			call->status = 204;
			return;
		}
		ctl_ok(call, json_incref(v));
		return;
	}
	msg = json_string_value(json_object_get(reply, "message"));
	if (msg == NULL)
		msg = "";
	v = json_object_get(reply, "code");
	if (v == NULL) {
		ctl_fail(call, 400, "%s refused '%s'%s%s", name, text,
			 *msg ? ": " : "", msg);
		return;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 400 ||
	    json_integer_value(v) > 599) {
		ctl_fail(call, 500,
			 "invalid reply from %s: \"code\" is not "
			 "an HTTP error status",
			 name);
		return;
	}
	ctl_fail(call, (unsigned int)json_integer_value(v), "%s",
		 *msg ? msg : "the process refused the command");
}

void
ctl_command(struct ctl_call *call, const char *text)
{
	char err[CTL_REST_ERR_LEN];
	struct spp_cmd cmd;
	json_t *reply;
	int ret, forget;

	ret = spp_cmd_parse(text, call->route->kind, &cmd, err, sizeof(err));
	forget = ret == 0 && cmd.id == SPP_CMD_EXIT;
	if (ret < 0) {
		ctl_fail(call, 400, "%s", err);
		goto out;
	}
	ret = ctl_proc_command(call->proc, text, forget, &reply, err,
			       sizeof(err));
	if (ret == -ENOENT) {
		ctl_fail(call, 404, "%s", err);
		goto out;
	}
	if (ret < 0) {
		ctl_fail(call, 500, "%s", err);
		goto out;
	}
	rest_from_reply(call, reply, text);
	json_decref(reply);
	if (call->status < 300)
		ctl_state_command_done(call->proc, &cmd,
				       cmd.id == SPP_CMD_LAUNCH ? call->body
								: NULL);
out:
	spp_cmd_free(&cmd);
}

void
ctl_commandf(struct ctl_call *call, const char *fmt, ...)
{
	char *text;
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (ret < 0) {
		ctl_fail(call, 500, "out of memory");
		return;
	}
	ctl_command(call, text);
	free(text);
}

/*
 * Match path segments against a pattern. Returns 1 and fills the call's
 * parameters on a match; "{id}" segments are kept raw in *id.
 */
static int
rest_match(const char *pattern, char **segs, int nsegs, struct ctl_call *call,
	   const char **id)
{
	const char *p = pattern + 1, *end;
	int i, nparams = 0;
	size_t len;

	for (i = 0; i < nsegs; i++) {
		if (*p == '\0')
			return 0;
		end = strchr(p, '/');
		len = end ? (size_t)(end - p) : strlen(p);
		if (len == 4 && strncmp(p, "{id}", 4) == 0)
			*id = segs[i];
		else if (len == 3 && strncmp(p, "{*}", 3) == 0)
			call->params[nparams++] = segs[i];
		else if (strlen(segs[i]) != len || strncmp(p, segs[i], len))
			return 0;
		p += len + (end ? 1 : 0);
	}
	return *p == '\0';
}

/* Split "/a/b/c" into segments, in place. Returns their number or -1. */
static int
rest_split(char *path, char **segs)
{
	size_t len = strlen(path);
	int n = 0;
	char *p;

	if (path[0] != '/')
		return -1;
	if (len > 1 && path[len - 1] == '/')
		path[len - 1] = '\0';
	for (p = path + 1; *p != '\0';) {
		if (n == CTL_REST_MAX_SEGS)
			return -1;
		segs[n++] = p;
		p = strchr(p, '/');
		if (p == NULL)
			break;
		*p++ = '\0';
		if (*p == '\0' || *p == '/')
			return -1; /* empty segment */
	}
	return n;
}

/* Client id of a path: decimal, 1-1023, no sign or leading zero. */
static int
rest_client_id(struct ctl_call *call, const char *s)
{
	unsigned long v = 0;
	size_t i;

	for (i = 0; s[i] >= '0' && s[i] <= '9' && v <= SPP_RES_ID_MAX; i++)
		v = v * 10 + (unsigned long)(s[i] - '0');
	if (i == 0 || s[i] != '\0' || s[0] == '0' || v > SPP_RES_ID_MAX)
		return ctl_fail(call, 400,
				"invalid %s id '%s' in path, "
				"expected 1-%d",
				spp_proc_kind_name(call->route->kind), s,
				SPP_RES_ID_MAX);
	call->client_id = (unsigned int)v;
	return 0;
}

static int
rest_parse_body(struct ctl_call *call, const char *buf, size_t len)
{
	json_error_t jerr;

	if (len == 0)
		return ctl_fail(call, 400, "a JSON object body is required");
	call->body = json_loadb(
		buf, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (call->body == NULL)
		return ctl_fail(call, 400,
				"invalid JSON: %s (line %d, "
				"column %d)",
				jerr.text, jerr.line, jerr.column);
	if (!json_is_object(call->body))
		return ctl_fail(call, 400, "body must be a JSON object, not %s",
				rest_json_type(call->body));
	return 0;
}

/* Route a request and run its handler; allow gets the Allow of a 405. */
static void
rest_dispatch(struct ctl_call *call, const char *method, const char *url,
	      const char *body, size_t len, char *allow, size_t allowlen)
{
	char path[1024], *segs[CTL_REST_MAX_SEGS];
	const struct ctl_route *r, *found = NULL;
	const char *id = NULL;
	bool path_known = false;
	size_t n = 0;
	int nsegs;

	snprintf(path, sizeof(path), "%s", url);
	nsegs = strlen(url) < sizeof(path) ? rest_split(path, segs) : -1;
	for (r = rest.routes; nsegs >= 0 && r->method != NULL; r++) {
		memset(call->params, 0, sizeof(call->params));
		id = NULL;
		if (!rest_match(r->pattern, segs, nsegs, call, &id))
			continue;
		if (!strstr(allow, r->method))
			n += (size_t)snprintf(allow + n, allowlen - n, "%s%s",
					      path_known ? ", " : "",
					      r->method);
		path_known = true;
		if (strcmp(r->method, method) == 0) {
			found = r;
			break;
		}
	}
	if (found == NULL) {
		if (path_known)
			ctl_fail(call, 405,
				 "method %s is not allowed on %s "
				 "(allowed: %s)",
				 method, url, allow);
		else
			ctl_fail(call, 404, "no such path: %s", url);
		return;
	}
	call->route = found;
	if (id != NULL && rest_client_id(call, id) < 0)
		return;
	if (found->kind != 0) {
		call->proc = ctl_proc_find(found->kind, call->client_id,
					   call->err, sizeof(call->err));
		if (call->proc == NULL) {
			call->status = 404;
			return;
		}
	}
	call->raw = body;
	call->raw_len = len;
	if (found->body == CTL_BODY_OBJECT &&
	    rest_parse_body(call, body, len) < 0)
		return;
	found->handler(call);
}

static enum MHD_Result
rest_respond(struct MHD_Connection *conn, struct ctl_call *call,
	     const char *allow)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	json_t *err = NULL;
	const char *type = "application/json";
	char *text = NULL;
	size_t len = 0;

	if (call->status == 200 && call->text != NULL) {
		text = call->text;
		len = call->text_len;
		type = call->content_type;
		call->text = NULL;
	} else if (call->status == 200) {
		text = json_dumps(call->reply, JSON_COMPACT | JSON_ENCODE_ANY);
		if (text == NULL)
			ctl_fail(call, 500, "out of memory");
	}
	if (call->status >= 400) {
		err = json_pack("{ss}", "error", call->err);
		text = json_dumps(err, JSON_COMPACT);
		json_decref(err);
	}
	if (text != NULL && len == 0)
		len = strlen(text);
	resp = MHD_create_response_from_buffer(len, text,
					       MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(text);
		return MHD_NO;
	}
	if (text != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
					type);
	if (call->status == 405)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
	if (call->status == 503)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, "1");
	if (call->status == 401)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
					"Bearer");
	ret = MHD_queue_response(conn, call->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static int
rest_req_append(struct rest_req *req, const char *data, size_t len)
{
	size_t cap = req->cap ? req->cap : 1024;
	char *buf;

	if (req->too_big || req->len + len > CTL_REST_BODY_MAX) {
		/* read and forget the rest, then answer 413 */
		req->too_big = true;
		return 0;
	}
	while (cap < req->len + len)
		cap *= 2;
	if (cap != req->cap) {
		buf = realloc(req->buf, cap);
		if (buf == NULL)
			return -ENOMEM;
		req->buf = buf;
		req->cap = cap;
	}
	memcpy(req->buf + req->len, data, len);
	req->len += len;
	return 0;
}

/*
 * A read that pollers repeat every few seconds (Prometheus, the web view):
 * not logged when it succeeds, or the log would be little else.
 */
static bool
rest_polled(const char *method, const char *url)
{
	return strcmp(method, "GET") == 0 &&
	       (strcmp(url, "/metrics") == 0 || strcmp(url, "/") == 0 ||
		strncmp(url, "/ui", 3) == 0);
}

/*
 * Percent-decoding of the request path (and arguments) for libmicrohttpd,
 * whose own decoding turns "%00" into a NUL that cuts the path short
 * ("/v1/nfvs/1%00x" would be routed as "/v1/nfvs/1"). Here "%00" becomes
 * the control character 0x01, which rest_access() refuses with the other
 * control characters.
 */
static size_t
rest_unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	char *in = s, *out = s;

	(void)cls;
	(void)conn;
	while (*in != '\0') {
		if (in[0] == '%' && isxdigit((unsigned char)in[1]) &&
		    isxdigit((unsigned char)in[2])) {
			char hex[3] = {in[1], in[2], '\0'};
			char c = (char)strtol(hex, NULL, 16);

			*out++ = c == '\0' ? '\x01' : c;
			in += 3;
		} else {
			*out++ = *in++;
		}
	}
	*out = '\0';
	return (size_t)(out - s);
}

/* 1 when the decoded path holds a control character (%00, %0a, ...). */
static int
rest_path_has_control(const char *url)
{
	for (; *url != '\0'; url++)
		if ((unsigned char)*url < 0x20 || *url == 0x7f)
			return 1;
	return 0;
}

void
ctl_rest_handle(const struct ctl_route *routes, struct ctl_call *call,
		const char *method, const char *url, const char *body,
		size_t len, char *allow, size_t allowlen)
{
	rest.routes = routes;
	if (rest_path_has_control(url))
		ctl_fail(call, 400,
			 "invalid path: control characters (%%00, %%0a, ...) "
			 "are not allowed");
	else
		rest_dispatch(call, method, url, body, len, allow, allowlen);
}

static enum MHD_Result
rest_access(void *cls, struct MHD_Connection *conn, const char *url,
	    const char *method, const char *version, const char *upload_data,
	    size_t *upload_data_size, void **con_cls)
{
	struct rest_req *req = *con_cls;
	struct ctl_call call = {.status = 500};
	char allow[64] = "";
	enum MHD_Result ret;

	(void)cls;
	(void)version;
	if (req == NULL) {
		req = calloc(1, sizeof(*req));
		*con_cls = req;
		return req == NULL ? MHD_NO : MHD_YES;
	}
	if (*upload_data_size != 0) {
		if (rest_req_append(req, upload_data, *upload_data_size) < 0)
			return MHD_NO;
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (ctl_guard_over(conn))
		ctl_fail(&call, 503,
			 "too many connections (%u are served): try again",
			 CTL_GUARD_MAX_SERVED);
	else if (req->too_big)
		ctl_fail(&call, 413, "request body larger than %u bytes",
			 CTL_REST_BODY_MAX);
	else if (rest.auth != NULL && !ctl_auth_allowed(rest.auth, conn))
		ctl_fail(&call, 401,
			 "missing or wrong token: send the header "
			 "\"Authorization: Bearer TOKEN\"");
	else
		ctl_rest_handle(rest.routes, &call, method, url, req->buf,
				req->len, allow, sizeof(allow));
	if (call.status >= 400)
		CTL_INFO("%s %s: %u %s", method, url, call.status, call.err);
	else if (!rest_polled(method, url))
		CTL_INFO("%s %s: %u", method, url, call.status);
	ret = rest_respond(conn, &call, allow);
	ctl_metrics_request_done(call.status);
	ctl_guard_answered(conn);
	json_decref(call.body);
	json_decref(call.reply);
	free(call.text);
	if (call.proc != NULL)
		ctl_proc_put(call.proc);
	return ret;
}

static void
rest_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
	       enum MHD_RequestTerminationCode toe)
{
	struct rest_req *req = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (req != NULL) {
		free(req->buf);
		free(req);
		*con_cls = NULL;
	}
}

static void
rest_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	size_t len;

	(void)cls;
	vsnprintf(line, sizeof(line), fmt, ap);
	len = strlen(line);
	while (len > 0 && line[len - 1] == '\n')
		line[--len] = '\0';
	CTL_WARN_LIMITED("http: %s", line);
}

int
ctl_rest_start(const struct ctl_rest_conf *conf, char *err, size_t errlen)
{
	unsigned int flags = MHD_USE_THREAD_PER_CONNECTION |
			     MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
	struct MHD_OptionItem tls[3] = {
		{MHD_OPTION_END, 0, NULL},
		{MHD_OPTION_END, 0, NULL},
		{MHD_OPTION_END, 0, NULL},
	};

	rest.routes = conf->routes;
	if (ctl_guard_start(conf->request_ms) < 0) {
		snprintf(err, errlen, "cannot start the HTTP watchdog");
		return -ENOMEM;
	}
	rest.auth = conf->auth;
	if (conf->auth != NULL && conf->auth->tls_cert != NULL) {
		tls[0] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0,
						 conf->auth->tls_cert};
		tls[1] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0,
						 conf->auth->tls_key};
		flags |= MHD_USE_TLS;
	}
	rest.daemon = MHD_start_daemon(
		flags, 0, NULL, NULL, rest_access, NULL,
		MHD_OPTION_EXTERNAL_LOGGER, rest_log, NULL,
		MHD_OPTION_LISTEN_SOCKET, conf->listen_fd,
		MHD_OPTION_NOTIFY_COMPLETED, rest_completed, NULL,
		MHD_OPTION_CONNECTION_LIMIT, CTL_GUARD_MAX_CONNS,
		MHD_OPTION_THREAD_STACK_SIZE, (size_t)(256 << 10),
		MHD_OPTION_CONNECTION_TIMEOUT, CTL_REST_IDLE_S,
		MHD_OPTION_NOTIFY_CONNECTION, ctl_guard_notify, NULL,
		MHD_OPTION_UNESCAPE_CALLBACK, rest_unescape, NULL,
		MHD_OPTION_ARRAY, tls, MHD_OPTION_END);
	if (rest.daemon == NULL) {
		ctl_guard_stop();
		snprintf(err, errlen, "cannot start the HTTP server");
		return -EINVAL;
	}
	return 0;
}

void
ctl_rest_stop(void)
{
	if (rest.daemon != NULL)
		MHD_stop_daemon(rest.daemon);
	rest.daemon = NULL;
	ctl_guard_stop();
}
