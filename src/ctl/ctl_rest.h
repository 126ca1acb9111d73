/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * REST server of spp-ctl: HTTP with libmicrohttpd, a routing table of
 * (method, path pattern) entries, and helpers for handlers to read the JSON
 * body and to talk to the process the path names.
 */
#ifndef CTL_REST_H
#define CTL_REST_H

#include <stddef.h>

#include <jansson.h>

#include "ctl_auth.h"
#include "ctl_proc.h"
#include "spp_cmd.h"

#define CTL_REST_ERR_LEN 512
#define CTL_REST_MAX_SEGS 8
/* Largest request body accepted. */
#define CTL_REST_BODY_MAX (1u << 20)
/* A keep-alive connection idle this long (seconds) is closed. */
#define CTL_REST_IDLE_S 15u

struct ctl_call;
typedef void (*ctl_handler_t)(struct ctl_call *call);

/* What a route does with the request body. */
enum ctl_body {
	CTL_BODY_IGNORED,
	CTL_BODY_OBJECT, /* a JSON object is required */
};

/*
 * One entry of the routing table. A pattern segment "{id}" is the client id
 * of the secondary of kind `kind` (1-1023); "{*}" is any segment, handed to
 * the handler in params. A route with kind SPP_PROC_PRIMARY and no "{id}"
 * addresses the primary; kind 0 addresses no process.
 */
struct ctl_route {
	const char *method;
	const char *pattern;
	enum spp_proc_kind kind;
	enum ctl_body body;
	ctl_handler_t handler;
	const void *arg;
};

/* One REST request being answered. */
struct ctl_call {
	const struct ctl_route *route;
	const char *params[CTL_REST_MAX_SEGS]; /* "{*}" segments, in order */
	unsigned int client_id;		       /* "{id}" */
	json_t *body;			       /* CTL_BODY_OBJECT */
	const char *raw;		       /* the body as it came */
	size_t raw_len;
	struct ctl_proc *proc; /* the process addressed */
	/* the answer */
	unsigned int status;
	json_t *reply;		  /* 200: the body */
	char *text;		  /* 200: a body that is not JSON, or NULL */
	size_t text_len;	  /* its length */
	const char *content_type; /* its type */
	char err[CTL_REST_ERR_LEN];
};

/* Answer status with {"error": message}. Returns -1, for handlers. */
int ctl_fail(struct ctl_call *call, unsigned int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Answer 200 with body (reference stolen). */
void ctl_ok(struct ctl_call *call, json_t *body);

/*
 * Answer 200 with len bytes of text (a malloc'd buffer, taken over) of a
 * content type other than JSON.
 */
void ctl_ok_text(struct ctl_call *call, char *text, size_t len,
		 const char *content_type);

/*
 * Body helpers: each returns 0, or -1 having answered 400 with what is
 * wrong. A key may name a key of an object in the body: "vlan.id". keys is
 * a NULL-terminated list of keys.
 */
/* Only the keys allowed. */
int ctl_body_keys(struct ctl_call *call, const char *const *keys);
/* Every one of keys is there; a message names all that are missing. */
int ctl_body_required(struct ctl_call *call, const char *const *keys);
/* key is an object with only the keys allowed (not dotted). */
int ctl_body_object(struct ctl_call *call, const char *key,
		    const char *const *keys);
int ctl_body_string(struct ctl_call *call, const char *key, const char **s);
/* A string that goes into a command line as one word: no blank, not empty. */
int ctl_body_word(struct ctl_call *call, const char *key, const char **s);
/*
 * An integer: a JSON integer, or a string holding a decimal one (blanks
 * around it and a sign allowed), as the original's clients send some
 * integers; the range is the caller's to check.
 */
int ctl_body_int(struct ctl_call *call, const char *key, json_int_t *v);
/*
 * The same test of one JSON value: 0 with *i set, -ERANGE for a number too
 * big for json_int_t, -EINVAL for anything else.
 */
int ctl_json_int(const json_t *v, json_int_t *i);
/* A port (resource id) in wire or human form; *res gets the wire form. */
int ctl_body_port(struct ctl_call *call, const char *key, char *res,
		  size_t len);

/* The command a value of "action" (or of another key) maps to. */
struct ctl_action {
	const char *action;
	const char *command;
};

/* Map the value of key with a table ending in {NULL, NULL}. */
int ctl_body_choice(struct ctl_call *call, const char *key,
		    const struct ctl_action *map, const char **command);
/* ctl_body_choice() of "action". */
int ctl_body_action(struct ctl_call *call, const struct ctl_action *map,
		    const char **command);

/*
 * 0 when s (what names it in the message) is one word of a command line,
 * else -1 having answered 400.
 */
int ctl_check_word(struct ctl_call *call, const char *what, const char *s);

/*
 * Send command text to call->proc (checked first against the command table
 * of spp_cmd.h) and answer the REST call from the reply: 204, 200 with the
 * reply's data, or the error the process gave.
 */
void ctl_command(struct ctl_call *call, const char *text);
/* ctl_command() of a line built with printf's format. */
void ctl_commandf(struct ctl_call *call, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

struct ctl_rest_conf {
	int listen_fd;
	const struct ctl_route *routes; /* ends with a NULL method */
	int request_ms;		     /* a request as a whole, answer included */
	const struct ctl_auth *auth; /* TLS and token, or NULL for neither */
};

/*
 * Route one request with the table routes and run its handler, as the HTTP
 * server does; call holds the answer. For tests and the fuzzer.
 */
void ctl_rest_handle(const struct ctl_route *routes, struct ctl_call *call,
		     const char *method, const char *url, const char *body,
		     size_t len, char *allow, size_t allowlen);

/* Start serving HTTP on listen_fd. Returns 0 or -errno. */
int ctl_rest_start(const struct ctl_rest_conf *conf, char *err, size_t errlen);
void ctl_rest_stop(void);

#endif /* CTL_REST_H */
