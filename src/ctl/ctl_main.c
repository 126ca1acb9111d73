/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * spp-ctl: the controller of SPP. The primary connects to the -p port, the
 * secondaries to the -s port, REST clients to the -a port.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl_api.h"
#include "ctl_log.h"
#include "ctl_net.h"
#include "ctl_proc.h"
#include "ctl_rest.h"
#include "ctl_state.h"

struct ctl_main_conf {
	const char *bind_addr;
	unsigned int pri_port;
	unsigned int sec_port;
	unsigned int api_port;
	int timeout_ms;
	const char *sysfs;
	const char *tls_cert;
	const char *tls_key;
	const char *token_file;
	const char *state_dir; /* NULL: --no-state */
	int state_lazy_ms;     /* < 0: --state-sync always */
};

/* Default delay of --state-sync lazy, ms. */
#define CTL_MAIN_LAZY_MS 200

static void
ctl_main_usage(FILE *f, const char *prog)
{
	fprintf(f,
		"Usage: %s [-b ADDR] [-p PORT] [-s PORT] [-a PORT] "
		"[--cmd-timeout SEC]\n"
		"\n"
		"  -b, --bind-addr ADDR  address to listen on (127.0.0.1)\n"
		"  -p, --pri-port PORT   port the primary connects to (5555)\n"
		"  -s, --sec-port PORT   port the secondaries connect to "
		"(6666)\n"
		"  -a, --api-port PORT   port of the REST API (7777)\n"
		"  --cmd-timeout SEC     how long a process may take to answer "
		"(10)\n"
		"  --sysfs DIR           where to read the CPU topology "
		"(/sys)\n"
		"  --tls-cert FILE       serve the REST API over HTTPS with "
		"this\n"
		"  --tls-key FILE        certificate and key (PEM)\n"
		"  --token-file FILE     REST requests must send "
		"\"Authorization:\n"
		"                        Bearer TOKEN\", TOKEN the file's "
		"first "
		"line\n"
		"  --state-dir DIR       keep the record of each process's "
		"configuration\n"
		"                        in DIR and put it back into a "
		"process that\n"
		"                        comes back empty (/var/lib/spp)\n"
		"  --no-state            keep no record: a restarted process "
		"stays empty\n"
		"  --state-sync MODE     when a change reaches the record's "
		"file: always\n"
		"                        (before its answer; the default) or "
		"lazy[=MS]\n"
		"                        (at most MS ms later, 200 if not "
		"given)\n"
		"  -h, --help            show this help\n",
		prog);
}

static int
ctl_main_port(const char *opt, const char *s, unsigned int *port)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || v < 1 || v > 65535) {
		fprintf(stderr,
			"spp-ctl: invalid port '%s' for %s "
			"(1-65535)\n",
			s, opt);
		return -EINVAL;
	}
	*port = (unsigned int)v;
	return 0;
}

static int
ctl_main_timeout(const char *s, int *ms)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || end == s || !(v > 0) || v > 3600) {
		fprintf(stderr,
			"spp-ctl: invalid --cmd-timeout '%s' (seconds, "
			"more than 0, at most 3600)\n",
			s);
		return -EINVAL;
	}
	*ms = (int)(v * 1000);
	if (*ms == 0)
		*ms = 1;
	return 0;
}

/* --state-sync always | lazy | lazy=MS (0-60000). */
static int
ctl_main_state_sync(const char *s, int *lazy_ms)
{
	char *end;
	long v;

	if (strcmp(s, "always") == 0) {
		*lazy_ms = -1;
		return 0;
	}
	if (strcmp(s, "lazy") == 0) {
		*lazy_ms = CTL_MAIN_LAZY_MS;
		return 0;
	}
	if (strncmp(s, "lazy=", 5) == 0) {
		errno = 0;
		v = strtol(s + 5, &end, 10);
		if (errno == 0 && *end == '\0' && end != s + 5 && v >= 0 &&
		    v <= 60000) {
			*lazy_ms = (int)v;
			return 0;
		}
	}
	fprintf(stderr,
		"spp-ctl: invalid --state-sync '%s' (always, lazy or "
		"lazy=MS with MS 0-60000)\n",
		s);
	return -EINVAL;
}

/* Returns 0 to run, 1 to exit with success (help), -1 on a usage error. */
static int
ctl_main_args(int argc, char **argv, struct ctl_main_conf *conf)
{
	static const struct option longopts[] = {
		{"bind-addr", required_argument, NULL, 'b'},
		{"pri-port", required_argument, NULL, 'p'},
		{"sec-port", required_argument, NULL, 's'},
		{"api-port", required_argument, NULL, 'a'},
		{"cmd-timeout", required_argument, NULL, 't'},
		{"sysfs", required_argument, NULL, 'y'},
		{"tls-cert", required_argument, NULL, 'C'},
		{"tls-key", required_argument, NULL, 'K'},
		{"token-file", required_argument, NULL, 'T'},
		{"state-dir", required_argument, NULL, 'D'},
		{"no-state", no_argument, NULL, 'N'},
		{"state-sync", required_argument, NULL, 'S'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c, ret = 0, no_state = 0, state_dir = 0, state_sync = 0;

	while ((c = getopt_long(argc, argv, "b:p:s:a:h", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'b':
			conf->bind_addr = optarg;
			break;
		case 'p':
			ret = ctl_main_port("-p", optarg, &conf->pri_port);
			break;
		case 's':
			ret = ctl_main_port("-s", optarg, &conf->sec_port);
			break;
		case 'a':
			ret = ctl_main_port("-a", optarg, &conf->api_port);
			break;
		case 't':
			ret = ctl_main_timeout(optarg, &conf->timeout_ms);
			break;
		case 'y':
			conf->sysfs = optarg;
			break;
		case 'C':
			conf->tls_cert = optarg;
			break;
		case 'K':
			conf->tls_key = optarg;
			break;
		case 'T':
			conf->token_file = optarg;
			break;
		case 'D':
			conf->state_dir = optarg;
			state_dir = 1;
			break;
		case 'N':
			no_state = 1;
			break;
		case 'S':
			ret = ctl_main_state_sync(optarg, &conf->state_lazy_ms);
			state_sync = 1;
			break;
		case 'h':
			ctl_main_usage(stdout, argv[0]);
			return 1;
		default:
			ctl_main_usage(stderr, argv[0]);
			return -1;
		}
		if (ret < 0)
			return -1;
	}
	if (optind < argc) {
		fprintf(stderr, "spp-ctl: unexpected argument '%s'\n",
			argv[optind]);
		ctl_main_usage(stderr, argv[0]);
		return -1;
	}
	if (no_state && state_dir) {
		fprintf(stderr, "spp-ctl: --state-dir and --no-state do not "
				"go together\n");
		return -1;
	}
	if (no_state && state_sync) {
		fprintf(stderr, "spp-ctl: --state-sync and --no-state do not "
				"go together\n");
		return -1;
	}
	if (no_state)
		conf->state_dir = NULL;
	if (conf->pri_port == conf->sec_port ||
	    conf->pri_port == conf->api_port ||
	    conf->sec_port == conf->api_port) {
		fprintf(stderr, "spp-ctl: -p, -s and -a must be different "
				"ports\n");
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct ctl_main_conf conf = {
		.bind_addr = "127.0.0.1",
		.pri_port = 5555,
		.sec_port = 6666,
		.api_port = 7777,
		.timeout_ms = 10000,
		.sysfs = "/sys",
		.state_dir = "/var/lib/spp",
		.state_lazy_ms = -1,
	};
	struct ctl_proc_conf pconf;
	struct ctl_rest_conf rconf;
	struct ctl_auth auth;
	char err[256];
	sigset_t sigs;
	int ret, sig;

	ret = ctl_main_args(argc, argv, &conf);
	if (ret != 0)
		return ret > 0 ? EXIT_SUCCESS : 2;

	/* the signals are taken by sigwait() below, in no other thread */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	if (ctl_auth_load(&auth, conf.tls_cert, conf.tls_key, conf.token_file,
			  err, sizeof(err)) < 0) {
		fprintf(stderr, "spp-ctl: %s\n", err);
		return 2;
	}
	if (ctl_state_open(conf.state_dir, conf.state_lazy_ms, err,
			   sizeof(err)) < 0) {
		fprintf(stderr, "spp-ctl: %s\n", err);
		ctl_auth_free(&auth);
		return EXIT_FAILURE;
	}
	rconf.auth = &auth;
	rconf.routes = ctl_api_init(conf.sysfs);
	/* a request may wait for a process's answer, and 10 s more */
	rconf.request_ms = conf.timeout_ms + 10000;
	rconf.listen_fd = ctl_net_listen(
		conf.bind_addr, (uint16_t)conf.api_port, err, sizeof(err));
	if (rconf.listen_fd < 0) {
		CTL_ERR("%s", err);
		return EXIT_FAILURE;
	}
	pconf = (struct ctl_proc_conf){
		.bind_addr = conf.bind_addr,
		.pri_port = conf.pri_port,
		.sec_port = conf.sec_port,
		.timeout_ms = conf.timeout_ms,
		.setup = ctl_state_enabled() ? ctl_state_setup : NULL,
	};
	if (ctl_procs_start(&pconf, err, sizeof(err)) < 0 ||
	    ctl_rest_start(&rconf, err, sizeof(err)) < 0) {
		CTL_ERR("%s", err);
		ctl_procs_stop();
		close(rconf.listen_fd);
		return EXIT_FAILURE;
	}
	CTL_INFO("listening on %s: primary port %u, secondary port %u, "
		 "REST port %u (%s%s)",
		 conf.bind_addr, conf.pri_port, conf.sec_port, conf.api_port,
		 auth.tls_cert != NULL ? "HTTPS" : "HTTP",
		 auth.token != NULL ? ", token required" : "");

	do {
		ret = sigwait(&sigs, &sig);
	} while (ret != 0);
	CTL_INFO("%s: stopping", strsignal(sig));
	/* commands under way end with their connections */
	ctl_procs_stop();
	ctl_rest_stop();
	/* no command changes the record any more: write what is pending */
	ctl_state_close();
	ctl_auth_free(&auth);
	close(rconf.listen_fd);
	return EXIT_SUCCESS;
}
