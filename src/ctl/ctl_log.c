/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static const char *const ctl_log_names[] = {
	[CTL_LOG_ERR] = "error",
	[CTL_LOG_WARN] = "warning",
	[CTL_LOG_INFO] = "info",
};

static pthread_mutex_t ctl_log_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * One line, whatever it holds: a control character (a "%0a" decoded from a
 * request path, bytes a rogue client sent) is written as \xNN, so that
 * nothing logged can start a line of its own.
 */
static void
ctl_log_line(enum ctl_log_level level, const char *fmt, va_list ap)
{
	char line[1024], out[4 * sizeof(line)];
	size_t i, n = 0;

	vsnprintf(line, sizeof(line), fmt, ap);
	for (i = 0; line[i] != '\0'; i++) {
		unsigned char c = (unsigned char)line[i];

		if (c < 0x20 || c == 0x7f || c == '\\')
			n += (size_t)snprintf(out + n, sizeof(out) - n,
					      c == '\\' ? "\\\\" : "\\x%02x",
					      c);
		else
			out[n++] = (char)c;
	}
	out[n] = '\0';
	/* one write per line so that lines of threads do not mix */
	fprintf(stderr, "spp-ctl: %s: %s\n", ctl_log_names[level], out);
}

void
ctl_log(enum ctl_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ctl_log_line(level, fmt, ap);
	va_end(ap);
}

void
ctl_log_limited(struct ctl_log_limit *lim, enum ctl_log_level level,
		const char *fmt, ...)
{
	unsigned long suppressed = 0;
	struct timespec now;
	bool write = false;
	va_list ap;

	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&ctl_log_lock);
	if (now.tv_sec - lim->window >= CTL_LOG_LIMIT_SECONDS) {
		suppressed = lim->suppressed;
		lim->window = now.tv_sec;
		lim->count = 0;
		lim->suppressed = 0;
	}
	if (lim->count < CTL_LOG_LIMIT_BURST) {
		lim->count++;
		write = true;
	} else {
		lim->suppressed++;
	}
	pthread_mutex_unlock(&ctl_log_lock);
	if (suppressed > 0)
		ctl_log(level, "%lu more like the next line in the last %d s",
			suppressed, CTL_LOG_LIMIT_SECONDS);
	if (!write)
		return;
	va_start(ap, fmt);
	ctl_log_line(level, fmt, ap);
	va_end(ap);
}
