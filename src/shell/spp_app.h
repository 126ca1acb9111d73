/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What every SPP DPDK process shares: the connection to spp-ctl (connect,
 * retry, hello, reconnect), the command loop with the one command parser,
 * the replies through each kind's handler table, and the forwarder commands
 * of spp_nfv and the primary.
 */
#ifndef SPP_APP_H
#define SPP_APP_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "spp_cmd.h"
#include "spp_fwd.h"
#include "spp_opts.h"

struct spp_app;
struct spp_shm;

/*
 * The handler of one command: 0 with *data set to the reply data (or left
 * NULL for none), or -errno with err saying what went wrong.
 */
typedef int (*spp_app_handler_fn)(struct spp_app *app,
				  const struct spp_cmd *cmd, json_t **data,
				  char *err, size_t errlen);

/* What a process kind adds to the head of its status (spp_app_cmd_status). */
typedef void (*spp_app_status_fn)(const struct spp_app *app, json_t *st);

struct spp_app {
	enum spp_proc_kind kind;
	struct spp_opts opts;
	/*
	 * The process kind's handlers, indexed by command id (spp_cmd.h);
	 * NULL where the kind does not take the command.
	 */
	const spp_app_handler_fn *handlers;
	/* the kind's part of "status", after spp_app_status_head() */
	spp_app_status_fn status;
	/* what the handlers work on: the forwarder, components, capture */
	void *ctx;
	bool exit_requested;
	/*
	 * A secondary's view of the primary's shared area (NULL in the
	 * primary): when the primary stops or dies, spp_app_run() returns so
	 * that the process stops its workers and exits.
	 */
	struct spp_shm *shm;
};

/*
 * Handlers every kind shares: "status" (spp_app_status_head() and what
 * app->status adds), "exit", and the forwarder's commands of spp_nfv and
 * the primary (add, del, patch, patch reset, forward, stop) on the struct
 * spp_fwd in app->ctx, whose status part is spp_app_fwd_status().
 */
int spp_app_cmd_status(struct spp_app *app, const struct spp_cmd *cmd,
		       json_t **data, char *err, size_t errlen);
int spp_app_cmd_exit(struct spp_app *app, const struct spp_cmd *cmd,
		     json_t **data, char *err, size_t errlen);
void spp_app_fwd_status(const struct spp_app *app, json_t *st);
extern const spp_app_handler_fn spp_app_fwd_handlers[SPP_CMD_MAX];

/* Set by SIGINT/SIGTERM: the process ends at the next chance. */
extern volatile int spp_app_signaled;

/*
 * Initialise the EAL and parse the application options of app->kind into
 * app->opts, checking the process type. Returns 0 to go on, 1 when usage
 * was asked for (exit 0), -EINVAL after printing what is wrong (exit 1).
 */
int spp_app_init(struct spp_app *app, int argc, char **argv);

/*
 * spp_app_init() for a secondary, then attach the primary's shared area and
 * mbuf pool into env (env->kind and vhost_client set from app). Same
 * returns; on -errno the EAL is cleaned up and the reason printed.
 */
int spp_app_init_secondary(struct spp_app *app, struct spp_port_env *env,
			   int argc, char **argv);

/* Install the signal handlers. */
void spp_app_signals(void);
/*
 * A flag the signal handler sets to 1 besides spp_app_signaled: the
 * primary's "stopping", so that its secondaries start leaving at once.
 */
void spp_app_signal_flag(uint32_t *flag);

/*
 * Talk to spp-ctl until an "exit" command, a signal, or (secondaries) the
 * primary stopping or dying; a hello spp-ctl refuses (a client id in use)
 * is tried again every 2 s, its reason logged once. Returns 0.
 */
int spp_app_run(struct spp_app *app);

/*
 * Run one command line and return the reply object (the caller owns it).
 * Exposed for the control loop and tests.
 */
json_t *spp_app_exec(struct spp_app *app, const char *line);

/*
 * The start of every status: "client-id" (not the primary's, as in its
 * hello), "master-lcore", "lcores".
 */
json_t *spp_app_status_head(const struct spp_app *app);

/* The lcores of this process as a JSON array. */
json_t *spp_app_lcores(void);

/* First worker lcore, or RTE_MAX_LCORE when the process has only one. */
unsigned int spp_app_first_worker(void);

#endif /* SPP_APP_H */
