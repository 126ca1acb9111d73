/* SPDX-License-Identifier: BSD-3-Clause */
/* cli_rate_status(): the rates of two statuses, as "status --rate" shows. */
#include <jansson.h>

#include "cli_rate.h"
#include "unit.h"

static json_t *
load(const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, 0, &e);

	if (v == NULL)
		fprintf(stderr, "bad test JSON: %s\n", e.text);
	return v;
}

/* The value at PATH of a status, "port_stats.1.tx" */
static const json_t *
at(const json_t *v, const char *path)
{
	char buf[128], *p, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = strtok_r(buf, ".", &save); p != NULL && v != NULL;
	     p = strtok_r(NULL, ".", &save))
		v = json_is_array(v) ? json_array_get(v, strtoul(p, NULL, 10))
				     : json_object_get(v, p);
	return v;
}

static void
test_numbers(void)
{
	/* two seconds apart; the ports come back in another order */
	json_t *a = load(
		"{\"status\":\"running\",\"port_stats\":["
		"{\"port\":\"ring:0\",\"link\":\"up\",\"rx\":100,\"tx\":10,"
		"\"tx_drop\":0},"
		"{\"port\":\"ring:1\",\"link\":\"up\",\"rx\":0,\"tx\":500,"
		"\"tx_drop\":7}],"
		"\"tsc_hz\":1000,\"workers\":[{\"lcore\":2,\"busy_cycles\":100,"
		"\"idle_cycles\":900}]}");
	json_t *b = load(
		"{\"status\":\"running\",\"port_stats\":["
		"{\"port\":\"ring:1\",\"link\":\"up\",\"rx\":0,\"tx\":4500,"
		"\"tx_drop\":3},"
		"{\"port\":\"ring:0\",\"link\":\"down\",\"rx\":2100,\"tx\":11,"
		"\"tx_drop\":0},"
		"{\"port\":\"ring:2\",\"link\":\"up\",\"rx\":5,\"tx\":0,"
		"\"tx_drop\":0}],"
		"\"tsc_hz\":1000,\"workers\":[{\"lcore\":2,\"busy_cycles\":600,"
		"\"idle_cycles\":1400}]}");
	json_t *r = cli_rate_status(a, b, 2.0, false);

	CHECK(json_integer_value(at(r, "port_stats.0.tx")) == 2000,
	      "ring:1 tx: 4000 frames in 2 s, matched by port, not by place");
	CHECK(json_integer_value(at(r, "port_stats.0.tx_drop")) == 0,
	      "a counter that went back (reset) is 0/s");
	CHECK(json_integer_value(at(r, "port_stats.1.rx")) == 1000,
	      "ring:0 rx 1000/s");
	CHECK(json_integer_value(at(r, "port_stats.1.tx")) == 1,
	      "rounded: 0.5/s is 1");
	CHECK_STR(json_string_value(at(r, "port_stats.1.link")), "down",
		  "what is not a counter is the second reading's");
	CHECK(json_is_null(at(r, "port_stats.2.rx")),
	      "a port new in the second reading has no rate (null)");
	CHECK(json_integer_value(at(r, "workers.0.busy_cycles")) == 500 &&
		      json_integer_value(at(r, "workers.0.idle_cycles")) == 500,
	      "cycles are what the worker did between the readings");
	CHECK(json_integer_value(at(r, "tsc_hz")) == 1000, "tsc_hz kept");
	json_decref(r);
	json_decref(a);
	json_decref(b);
}

static void
test_text_and_pipes(void)
{
	json_t *a = load("{\"pipes\":[{\"id\":0,\"rx\":1,\"tx\":2,"
			 "\"stats\":{\"rx\":0,\"tx\":0}}],"
			 "\"ring_ports\":[{\"id\":3,\"count\":5,\"tx\":0}]}");
	json_t *b = load("{\"pipes\":[{\"id\":0,\"rx\":1,\"tx\":2,"
			 "\"stats\":{\"rx\":2500000,\"tx\":999}}],"
			 "\"ring_ports\":[{\"id\":3,\"count\":9,"
			 "\"tx\":1234567890}]}");
	json_t *r = cli_rate_status(a, b, 1.0, true);
	json_t *c;

	CHECK(json_integer_value(at(r, "pipes.0.rx")) == 1 &&
		      json_integer_value(at(r, "pipes.0.tx")) == 2,
	      "a pipe's rx and tx (ring ids) are not counters");
	CHECK_STR(json_string_value(at(r, "pipes.0.stats.rx")),
		  "2500000 (2.5M/s)", "text: the counter, its rate next to it");
	CHECK_STR(json_string_value(at(r, "pipes.0.stats.tx")), "999 (999/s)",
		  "text: below 1000 without unit");
	CHECK_STR(json_string_value(at(r, "ring_ports.0.tx")),
		  "1234567890 (1.2G/s)", "text: G");
	CHECK(json_integer_value(at(r, "ring_ports.0.count")) == 9,
	      "a ring's fill level is not a counter");
	c = cli_rate_status(NULL, b, 1.0, true);
	CHECK_STR(json_string_value(at(c, "ring_ports.0.tx")),
		  "1234567890 (-/s)", "text: no earlier reading, no rate");
	json_decref(c);
	json_decref(r);
	json_decref(a);
	json_decref(b);
}

int
main(void)
{
	test_numbers();
	test_text_and_pipes();
	return unit_done();
}
