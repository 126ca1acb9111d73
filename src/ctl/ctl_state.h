/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The record of what the commands built in each process (by kind and client
 * id), kept on disk, and put back into a process that comes back empty.
 *
 * A process's configuration is written as the command lines that build it
 * from nothing, in a canonical form and order (ctl_state_of_status()): the
 * record is that list, taken from the process's own status after each
 * command that succeeded, so it never grows with the history. The same
 * lists are the processes of a topology file (ctl_topo.c).
 */
#ifndef CTL_STATE_H
#define CTL_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "ctl_proc.h"
#include "spp_cmd.h"

/* Name of the record's file in the state directory. */
#define CTL_STATE_FILE "state.json"

/*
 * Keep the record in dir (made if missing) and read what is there; with dir
 * NULL nothing is kept (--no-state). lazy_ms < 0: every change is on disk
 * before its command is answered (--state-sync always); else changes are
 * written by a thread of their own at most lazy_ms later, those made
 * meanwhile in one write (--state-sync lazy=MS), but for those that leave
 * a process without configuration, forget one, record launch options or
 * record the configuration a process connects with.
 * Returns 0 or -errno with a message in err; a file that cannot be read is
 * an error, so that it is not replaced.
 */
int ctl_state_open(const char *dir, int lazy_ms, char *err, size_t errlen);
bool ctl_state_enabled(void);

/*
 * At exit, once no command can change the record: write what is pending
 * and stop the writer's thread (lazy only; else nothing to do).
 */
void ctl_state_close(void);

/*
 * The setup hook of the registry (struct ctl_proc_conf): a process that
 * connects empty gets its record back; one that connects with a
 * configuration has it recorded.
 */
void ctl_state_setup(struct ctl_proc *p);

/*
 * A command cmd to p succeeded: record what it changed. body is the REST
 * body of a launch (its options are kept for export), else NULL.
 */
void ctl_state_command_done(struct ctl_proc *p, const struct spp_cmd *cmd,
			    const json_t *body);

/* Add "restored" to the processes of a /v1/processes list that got one. */
void ctl_state_annotate(json_t *procs);

/*
 * The configuration in a status of a process of kind: a new array of
 * command lines in canonical form and order, or NULL with a message in err.
 */
json_t *ctl_state_of_status(enum spp_proc_kind kind, const json_t *status,
			    char *err, size_t errlen);

/* The configuration of p, asked with "status"; as ctl_state_of_status(). */
json_t *ctl_state_live(struct ctl_proc *p, char *err, size_t errlen);

/*
 * Put command lines (an array of strings) of a process of kind into
 * canonical form and order, in place. Returns 0, or -EINVAL with the index
 * of the first line that is not a configuration command in *bad and the
 * reason in err.
 */
int ctl_state_canon(enum spp_proc_kind kind, json_t *lines, size_t *bad,
		    char *err, size_t errlen);

/*
 * The line that undoes a configuration line of a process of kind ("add
 * ring:0" -> "del ring:0"; every patch -> "patch reset"), in buf.
 */
int ctl_state_undo(enum spp_proc_kind kind, const char *line, char *buf,
		   size_t len);

/*
 * The names ("vf 2") of the processes with a record, a new array; and
 * forget one's record (as its exit through the API would).
 */
json_t *ctl_state_names(void);
void ctl_state_forget(const char *name);

/* The launch options recorded for a secondary (a new reference), or NULL. */
json_t *ctl_state_launch(enum spp_proc_kind kind, unsigned int id);

#endif /* CTL_STATE_H */
