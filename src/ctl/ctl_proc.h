/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Registry of the SPP processes connected to spp-ctl (docs/protocol.md):
 * accepts their connections, checks the hello, notices when an idle one
 * goes away, and sends one command at a time to each.
 */
#ifndef CTL_PROC_H
#define CTL_PROC_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "spp_cmd.h"

/* Longest name of a process as messages show it ("mirror 1023"). */
#define CTL_PROC_NAME_LEN 32

struct ctl_proc;

/*
 * Run in a thread of its own once a process has said hello, before any
 * other command reaches the process: ctl_proc_command() of other threads
 * waits until it returns, while its own commands go through. It must not
 * drop the reference to p it is given.
 */
typedef void (*ctl_proc_setup_t)(struct ctl_proc *p);

struct ctl_proc_conf {
	const char *bind_addr;
	unsigned int pri_port;
	unsigned int sec_port;
	int timeout_ms;		/* reply and hello timeout */
	ctl_proc_setup_t setup; /* or NULL */
};

/*
 * Listen on the primary and secondary ports and start the thread that
 * accepts processes and watches idle ones. Returns 0 or -errno with a
 * message in err.
 */
int ctl_procs_start(const struct ctl_proc_conf *conf, char *err, size_t errlen);
/* Stop that thread and close every connection. */
void ctl_procs_stop(void);

/*
 * The connected process of a kind: the primary (id ignored) or the
 * secondary with client id id. Returns it with a reference the caller drops
 * with ctl_proc_put(), or NULL with a message in err.
 */
struct ctl_proc *ctl_proc_find(enum spp_proc_kind kind, unsigned int id,
			       char *err, size_t errlen);
void ctl_proc_put(struct ctl_proc *p);

/* "primary", "nfv 1". */
const char *ctl_proc_name(const struct ctl_proc *p);

/*
 * 1 when a secondary with client id id is connected (whatever its type),
 * with a message in err; else 0.
 */
int ctl_proc_id_in_use(unsigned int id, char *err, size_t errlen);

/*
 * Send one command and wait for the reply, serialised with the other
 * commands to p. On 0, *reply is the reply object, with a "result" of "ok"
 * or "error"; the caller releases it. Errors, with a message in err:
 * -ENOENT the process is no longer connected; -ETIMEDOUT it did not answer
 * in time, -ECONNRESET it went away, -EPROTO its reply is not a reply (the
 * connection is closed after the first two). When forget is set and the
 * reply is ok, the process is dropped from the registry (after "exit").
 */
int ctl_proc_command(struct ctl_proc *p, const char *text, int forget,
		     json_t **reply, char *err, size_t errlen);

/*
 * How many replies p has given, and how many it had given when it answered
 * the last command of the calling thread: equal when no other command has
 * reached p since.
 */
uint64_t ctl_proc_replies(struct ctl_proc *p);
uint64_t ctl_proc_my_last_reply(void);

/*
 * The connected processes, primary first, then by client id, each with a
 * reference the caller drops with ctl_proc_put(); the caller frees the
 * array. Returns their number, or -ENOMEM.
 */
int ctl_procs_get(struct ctl_proc ***list);
enum spp_proc_kind ctl_proc_kind(const struct ctl_proc *p);
/* 0 for the primary. */
unsigned int ctl_proc_client_id(const struct ctl_proc *p);
/* The pid of the hello. */
long long ctl_proc_pid(const struct ctl_proc *p);
/* When it said hello, in seconds since the epoch. */
double ctl_proc_connected_at(const struct ctl_proc *p);

/*
 * Check a hello (len bytes, not NUL-terminated) as it would be on the
 * primary's port or the secondaries'. Returns 0 or -EINVAL with the reason
 * in err. For the fuzzer; the registry uses the same check.
 */
int ctl_proc_hello_check(const char *msg, size_t len, int primary_port,
			 char *err, size_t errlen);

/* [{"type":"primary"},{"type":"nfv","client-id":1},...] */
json_t *ctl_procs_list(void);
/* [{"proc-type":"primary","master-lcore":0,"lcores":[0]},...] */
json_t *ctl_procs_cpu_usage(void);

#endif /* CTL_PROC_H */
