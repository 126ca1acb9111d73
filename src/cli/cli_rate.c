/* SPDX-License-Identifier: BSD-3-Clause */
#include "cli_rate.h"

#include <math.h>
#include <string.h>
#include <time.h>

#include "cli_http.h"
#include "cli_show.h"
#include "spp_time.h"

/* Members that count frames (or bytes, files) since some start. */
static const char *const rate_counters[] = {
	"rx",	  "tx",	    "rx_drop", "tx_drop", "drop",
	"passed", "frames", "bytes",   "files",	  NULL,
};

/* Members that count cycles: shown as what was done in the interval. */
static const char *const rate_cycles[] = {"busy_cycles", "idle_cycles", NULL};

/* What identifies an object of an array, in the order looked for. */
static const char *const rate_ids[] = {"port", "name",	"core",
				       "id",   "lcore", NULL};

static int
rate_listed(const char *const *list, const char *key)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, key) == 0)
			return 1;
	return 0;
}

/* The object of array a that has the identity of obj, or NULL. */
static const json_t *
rate_match(const json_t *a, const json_t *obj)
{
	const char *const *id;
	const json_t *o, *v;
	size_t i;

	for (id = rate_ids; *id != NULL; id++) {
		v = json_object_get(obj, *id);
		if (v != NULL)
			break;
	}
	if (*id == NULL)
		return NULL;
	json_array_foreach(
		a, i, o) if (json_equal(json_object_get(o, *id), v)) return o;
	return NULL;
}

/* How a status is turned into its rates. */
struct rate_ctx {
	double dt;
	bool text; /* "COUNTER (RATE/s)" strings, else rates as numbers */
};

static json_t *rate_value(const struct rate_ctx *r, const json_t *a,
			  const json_t *b);

/* "177906112 (83.0M/s)" */
static json_t *
rate_text(json_int_t counter, double rate)
{
	static const char *const units[] = {"", "k", "M", "G"};
	unsigned int u = 0;
	char buf[64];

	if (isnan(rate)) {
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT " (-/s)",
			 counter);
		return json_string(buf);
	}
	while (rate >= 1000 && u < 3) {
		rate /= 1000;
		u++;
	}
	snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT " (%.*f%s/s)",
		 counter, u == 0 ? 0 : 1, rate, units[u]);
	return json_string(buf);
}

/*
 * One member of a status: a counter or cycles of a (the same member of the
 * earlier reading, NULL when it has none) and b.
 */
static json_t *
rate_member(const struct rate_ctx *r, const char *key, const json_t *av,
	    const json_t *bv, bool counters)
{
	bool counter = counters && rate_listed(rate_counters, key);
	bool cycles = counters && rate_listed(rate_cycles, key);
	json_int_t d;

	if (!json_is_integer(bv) || !(counter || cycles))
		return rate_value(r, av, bv);
	if (!json_is_integer(av)) {
		/* not in the first reading: no rate */
		if (counter && r->text)
			return rate_text(json_integer_value(bv), NAN);
		return json_null();
	}
	d = json_integer_value(bv) - json_integer_value(av);
	if (d < 0)
		d = 0; /* reset meanwhile */
	if (cycles)
		return json_integer(d);
	if (r->text)
		return rate_text(json_integer_value(bv), (double)d / r->dt);
	return json_integer((json_int_t)llround((double)d / r->dt));
}

static json_t *
rate_object(const struct rate_ctx *r, const json_t *a, const json_t *b)
{
	/* counters of an object with "stats" are in its stats (a pipe's rx
	 * and tx are ring ids) */
	bool counters = !json_is_object(json_object_get(b, "stats"));
	json_t *out = json_object();
	const char *key;
	const json_t *bv;

	json_object_foreach((json_t *)b, key, bv) json_object_set_new(
		out, key,
		rate_member(r, key, json_object_get(a, key), bv, counters));
	return out;
}

static json_t *
rate_value(const struct rate_ctx *r, const json_t *a, const json_t *b)
{
	json_t *out;
	const json_t *o;
	size_t i;

	if (json_is_object(b))
		return rate_object(r, json_is_object(a) ? a : NULL, b);
	if (!json_is_array(b))
		return json_deep_copy(b);
	out = json_array();
	json_array_foreach(b, i, o) json_array_append_new(
		out, json_is_object(o) ? rate_object(r, rate_match(a, o), o)
				       : json_deep_copy(o));
	return out;
}

json_t *
cli_rate_status(const json_t *a, const json_t *b, double dt, bool text)
{
	struct rate_ctx r = {.dt = dt > 0 ? dt : 1, .text = text};

	return rate_value(&r, a, b);
}

int
cli_rate_show(FILE *out, const char *server, const struct cli_req *req,
	      const struct cli_target *t, double interval, int json, char *err,
	      size_t errlen)
{
	json_t *a = NULL, *b = NULL, *rates;
	struct timespec wait;
	double t0, t1;
	int ret;

	t0 = spp_mono_s();
	ret = cli_http_ok(server, req->method, req->path, req->body, &a, err,
			  errlen);
	if (ret < 0)
		return ret;
	wait.tv_sec = (time_t)interval;
	wait.tv_nsec = (long)((interval - (double)wait.tv_sec) * 1e9);
	nanosleep(&wait, NULL);
	t1 = spp_mono_s();
	ret = cli_http_ok(server, req->method, req->path, req->body, &b, err,
			  errlen);
	if (ret < 0) {
		json_decref(a);
		return ret;
	}
	/* the time between the two requests' starts */
	rates = cli_rate_status(a, b, t1 - t0, !json);
	if (json) {
		json_t *o = json_pack("{s:O,s:o,s:f}", "status", b, "rates",
				      rates, "seconds", t1 - t0);

		cli_show_json(out, o);
		json_decref(o);
	} else {
		fprintf(out,
			"counters (per second over the last %.1f s: frames; "
			"bytes and files of pcap writers; the workers' load "
			"over that time)\n",
			t1 - t0);
		cli_show_status(out, req->show, t, rates);
		json_decref(rates);
	}
	json_decref(a);
	json_decref(b);
	return 0;
}
