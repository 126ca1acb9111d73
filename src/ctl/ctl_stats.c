/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A round asks every process for its status, one thread per process, so a
 * round takes as long as the slowest answer rather than the sum of them.
 * Commands to one process are serialised by ctl_proc_command(): a round
 * waits behind a command in flight to that process, and a command waits
 * behind at most one status exchange.
 */
#include "ctl_stats.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl_log.h"
#include "spp_time.h"

static struct {
	pthread_mutex_t lock;
	pthread_cond_t done;
	bool running;		      /* a round is under way */
	unsigned long gen;	      /* rounds finished */
	struct ctl_stats_round *last; /* the last one finished */
} stats = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.done = PTHREAD_COND_INITIALIZER,
};

/* The work of one thread of a round. */
struct stats_job {
	struct ctl_proc *proc;
	struct ctl_stats_proc *out;
	pthread_t thread;
	bool started;
};

double
ctl_stats_num(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	if (json_is_integer(v))
		return (double)json_integer_value(v);
	return json_is_real(v) ? json_real_value(v) : 0;
}

/*
 * When pid started, from /proc (spp-ctl runs on the node of its
 * processes); 0 when /proc does not tell (another pid namespace).
 */
static double
stats_start_time(long long pid)
{
	unsigned long long ticks, btime = 0;
	char path[64], buf[1024], *p;
	FILE *f;
	size_t n;
	int i;

	snprintf(path, sizeof(path), "/proc/%lld/stat", pid);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* the name may hold blanks and parentheses: skip to the last ')' */
	p = strrchr(buf, ')');
	/* starttime is field 22; p is at the end of field 2 */
	for (i = 2; p != NULL && i < 22; i++)
		p = strchr(p + 1, ' ');
	if (p == NULL || sscanf(p + 1, "%llu", &ticks) != 1)
		return 0;
	f = fopen("/proc/stat", "r");
	if (f == NULL)
		return 0;
	while (fgets(buf, sizeof(buf), f) != NULL)
		if (sscanf(buf, "btime %llu", &btime) == 1)
			break;
	fclose(f);
	if (btime == 0)
		return 0;
	return (double)btime + (double)ticks / (double)sysconf(_SC_CLK_TCK);
}

static void *
stats_job_run(void *arg)
{
	struct stats_job *job = arg;
	struct ctl_stats_proc *out = job->out;
	json_t *reply;

	if (ctl_proc_command(job->proc, "status", 0, &reply, out->err,
			     sizeof(out->err)) < 0)
		return NULL;
	if (strcmp(json_string_value(json_object_get(reply, "result")), "ok") ==
		    0 &&
	    json_is_object(json_object_get(reply, "data")))
		out->status = json_incref(json_object_get(reply, "data"));
	else
		snprintf(out->err, sizeof(out->err), "%s refused status: %s",
			 ctl_proc_name(job->proc),
			 json_string_value(json_object_get(reply, "message"))
				 ?: "no data");
	json_decref(reply);
	return NULL;
}

static void
stats_free(struct ctl_stats_round *r)
{
	unsigned int i;

	for (i = 0; i < r->nb_procs; i++)
		json_decref(r->procs[i].status);
	free(r);
}

/* Ask every process; returns the round or NULL (out of memory). */
static struct ctl_stats_round *
stats_round(void)
{
	struct ctl_proc **procs;
	struct stats_job *jobs;
	struct ctl_stats_round *r;
	double t0 = spp_mono_s();
	int n, i;

	n = ctl_procs_get(&procs);
	if (n < 0)
		return NULL;
	r = calloc(1, sizeof(*r) + (size_t)n * sizeof(r->procs[0]));
	jobs = calloc(n > 0 ? (size_t)n : 1, sizeof(*jobs));
	for (i = 0; r != NULL && jobs != NULL && i < n; i++) {
		struct ctl_stats_proc *o = &r->procs[i];

		o->kind = ctl_proc_kind(procs[i]);
		o->client_id = ctl_proc_client_id(procs[i]);
		o->pid = ctl_proc_pid(procs[i]);
		if (o->kind == SPP_PROC_PRIMARY)
			snprintf(o->name, sizeof(o->name), "primary");
		else
			snprintf(o->name, sizeof(o->name), "%s:%u",
				 spp_proc_kind_name(o->kind), o->client_id);
		o->start_time = stats_start_time(o->pid);
		if (o->start_time == 0)
			o->start_time = ctl_proc_connected_at(procs[i]);
		jobs[i].proc = procs[i];
		jobs[i].out = o;
		jobs[i].started = pthread_create(&jobs[i].thread, NULL,
						 stats_job_run, &jobs[i]) == 0;
		if (!jobs[i].started)
			stats_job_run(&jobs[i]); /* no thread: ask from here */
	}
	for (i = 0; i < n; i++) {
		if (jobs != NULL && jobs[i].started)
			pthread_join(jobs[i].thread, NULL);
		ctl_proc_put(procs[i]);
	}
	free(procs);
	free(jobs);
	if (r == NULL)
		return NULL;
	if (jobs == NULL) {
		free(r);
		return NULL;
	}
	r->nb_procs = (unsigned int)n;
	r->refcnt = 1;
	r->mono = spp_mono_s();
	r->duration = r->mono - t0;
	return r;
}

void
ctl_stats_put(struct ctl_stats_round *round)
{
	unsigned int left;

	if (round == NULL)
		return;
	pthread_mutex_lock(&stats.lock);
	left = --round->refcnt;
	pthread_mutex_unlock(&stats.lock);
	if (left == 0)
		stats_free(round);
}

int
ctl_stats_get(struct ctl_stats_round **round)
{
	struct ctl_stats_round *r, *old;
	unsigned long gen;

	pthread_mutex_lock(&stats.lock);
	if (stats.running) {
		/* take the answers of the round under way */
		gen = stats.gen;
		while (stats.gen == gen)
			pthread_cond_wait(&stats.done, &stats.lock);
		r = stats.last;
		if (r != NULL)
			r->refcnt++;
		pthread_mutex_unlock(&stats.lock);
		*round = r;
		return r == NULL ? -ENOMEM : 0;
	}
	stats.running = true;
	pthread_mutex_unlock(&stats.lock);

	r = stats_round();
	if (r == NULL)
		CTL_WARN("status round: out of memory");

	pthread_mutex_lock(&stats.lock);
	old = stats.last;
	stats.last = r;
	if (r != NULL)
		r->refcnt++; /* the caller's; stats.last holds the first */
	stats.running = false;
	stats.gen++;
	pthread_cond_broadcast(&stats.done);
	pthread_mutex_unlock(&stats.lock);
	ctl_stats_put(old);
	*round = r;
	return r == NULL ? -ENOMEM : 0;
}
