/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_launch.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spp_res.h"

/* Missing items, listed in one message. */
struct ctl_launch_missing {
	char text[256];
	size_t len;
};

static void
ctl_launch_missing(struct ctl_launch_missing *m, const char *item)
{
	size_t room = m->len < sizeof(m->text) ? sizeof(m->text) - m->len : 0;

	m->len += (size_t)snprintf(m->text + m->len, room, "%s%s",
				   m->len ? ", " : "", item);
}

static int
ctl_launch_word(const char *s)
{
	for (; *s != '\0'; s++)
		if (isspace((unsigned char)*s))
			return 0;
	return 1;
}

/* One value of an option: a word, an integer, or nothing (a flag). */
static int
ctl_launch_check_value(struct ctl_call *call, const char *what, const char *key,
		       const json_t *v)
{
	const char *s = json_string_value(v);

	if (json_is_null(v) || json_is_integer(v))
		return 0;
	if (s == NULL)
		return ctl_fail(call, 400,
				"%s option '%s' must be a string, "
				"an integer, null or an array of "
				"them",
				what, key);
	if (!ctl_launch_word(s) || strcmp(s, "--") == 0)
		return ctl_fail(call, 400,
				"%s option '%s' has the invalid "
				"value '%s' (one word, not '--')",
				what, key, s);
	return 0;
}

/* Options of "eal" or "app": {"-x": value or [values], ...}. */
static int
ctl_launch_check_opts(struct ctl_call *call, const char *what,
		      const json_t *opts)
{
	const char *key;
	json_t *v, *e;
	size_t i;

	if (!json_is_object(opts))
		return ctl_fail(call, 400,
				"'%s' must be an object of "
				"options",
				what);
	json_object_foreach((json_t *)opts, key, v)
	{
		if (key[0] != '-' || strcmp(key, "--") == 0 ||
		    !ctl_launch_word(key))
			return ctl_fail(call, 400,
					"%s key '%s' is not an "
					"option (-x or --xxx)",
					what, key);
		if (!json_is_array(v)) {
			if (ctl_launch_check_value(call, what, key, v) < 0)
				return -1;
			continue;
		}
		if (json_array_size(v) == 0)
			return ctl_fail(call, 400,
					"%s option '%s' has an "
					"empty list of values",
					what, key);
		json_array_foreach(v, i, e)
		{
			if (json_is_null(e) ||
			    ctl_launch_check_value(call, what, key, e) < 0)
				return ctl_fail(call, 400,
						"%s option '%s' "
						"must list "
						"strings or "
						"integers",
						what, key);
		}
	}
	return 0;
}

/* An option given with a value: a non-empty string or an integer. */
static int
ctl_launch_has(const json_t *opts, const char *key)
{
	const json_t *v = json_object_get(opts, key);
	const char *s = json_string_value(v);

	return json_is_integer(v) || (s != NULL && *s != '\0');
}

/* 1 when the value of the id option is client_id. */
static int
ctl_launch_same_id(const json_t *v, json_int_t client_id)
{
	const char *s = json_string_value(v);
	char *end;

	/* the value goes into the command line as it is: canonical only */
	if (json_is_integer(v))
		return json_integer_value(v) == client_id;
	return s != NULL && s[0] >= '1' && s[0] <= '9' &&
	       strtoll(s, &end, 10) == client_id && *end == '\0';
}

static void
ctl_launch_put_value(FILE *f, const char *key, const json_t *v)
{
	const char *s = json_string_value(v);

	fprintf(f, " %s", key);
	if (json_is_integer(v))
		fprintf(f, " %" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (s != NULL && *s != '\0')
		fprintf(f, " %s", s);
}

static void
ctl_launch_put_opts(FILE *f, const json_t *opts)
{
	const char *key;
	json_t *v, *e;
	size_t i;

	json_object_foreach((json_t *)opts, key, v)
	{
		if (!json_is_array(v)) {
			ctl_launch_put_value(f, key, v);
			continue;
		}
		json_array_foreach(v, i, e) ctl_launch_put_value(f, key, e);
	}
}

char *
ctl_launch_line(struct ctl_call *call)
{
	static const char *const keys[] = {"proc_name", "client_id", "eal",
					   "app", NULL};
	struct ctl_launch_missing missing = {.len = 0};
	const json_t *name, *id, *eal, *app;
	const struct spp_proc_info *info = NULL;
	size_t i, len;
	json_int_t client_id = 0;
	char opt[64], *line;
	FILE *f;

	if (ctl_body_keys(call, keys) < 0)
		return NULL;
	name = json_object_get(call->body, "proc_name");
	id = json_object_get(call->body, "client_id");
	eal = json_object_get(call->body, "eal");
	app = json_object_get(call->body, "app");
	if (name == NULL) {
		ctl_launch_missing(&missing, "proc_name");
	} else {
		if (json_is_string(name))
			info = spp_proc_info(spp_proc_kind_from_binary(
				json_string_value(name)));
		if (info == NULL || info->id_opt == NULL) {
			ctl_fail(call, 400,
				 "invalid proc_name: expected "
				 "spp_nfv, spp_vf, spp_mirror or "
				 "spp_pcap");
			return NULL;
		}
	}
	if (id == NULL) {
		ctl_launch_missing(&missing, "client_id");
	} else {
		/* the original's CLI sends it as a string: "1" */
		if (ctl_json_int(id, &client_id) < 0 || client_id < 1 ||
		    client_id > SPP_RES_ID_MAX) {
			ctl_fail(call, 400,
				 "client_id must be an integer "
				 "1-%d (or a string holding one)",
				 SPP_RES_ID_MAX);
			return NULL;
		}
	}
	if (eal == NULL)
		ctl_launch_missing(&missing, "eal");
	else if (ctl_launch_check_opts(call, "eal", eal) < 0)
		return NULL;
	else if (!ctl_launch_has(eal, "-l") &&
		 !ctl_launch_has(eal, "--lcores") && !ctl_launch_has(eal, "-c"))
		ctl_launch_missing(&missing, "eal option -l, --lcores or -c");
	if (app == NULL) {
		ctl_launch_missing(&missing, "app");
	} else if (ctl_launch_check_opts(call, "app", app) < 0) {
		return NULL;
	} else {
		for (i = 0; i < 3; i++) {
			const char *req = info != NULL ? info->required[i]
						       : (i == 0 ? "-s" : NULL);

			if (req == NULL || ctl_launch_has(app, req))
				continue;
			snprintf(opt, sizeof(opt), "app option %s", req);
			ctl_launch_missing(&missing, opt);
		}
	}
	if (missing.len > 0) {
		ctl_fail(call, 400, "launch: missing %s", missing.text);
		return NULL;
	}
	if (!ctl_launch_same_id(json_object_get(app, info->id_opt),
				client_id)) {
		ctl_fail(call, 400,
			 "app option %s must be the client_id "
			 "%" JSON_INTEGER_FORMAT,
			 info->id_opt, client_id);
		return NULL;
	}
	if (ctl_proc_id_in_use((unsigned int)client_id, call->err,
			       sizeof(call->err))) {
		call->status = 409;
		return NULL;
	}
	f = open_memstream(&line, &len);
	if (f == NULL) {
		ctl_fail(call, 500, "out of memory");
		return NULL;
	}
	fprintf(f, "launch %" JSON_INTEGER_FORMAT " %s", client_id,
		json_string_value(name));
	ctl_launch_put_opts(f, eal);
	fprintf(f, " --");
	ctl_launch_put_opts(f, app);
	if (fclose(f) != 0) {
		free(line);
		ctl_fail(call, 500, "out of memory");
		return NULL;
	}
	return line;
}
