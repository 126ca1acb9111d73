/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_log.h"

#include <stdarg.h>
#include <stdio.h>

static const char *const ctl_log_names[] = {
	[CTL_LOG_ERR] = "error",
	[CTL_LOG_WARN] = "warning",
	[CTL_LOG_INFO] = "info",
};

void
ctl_log(enum ctl_log_level level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* one write per line so that lines of threads do not mix */
	fprintf(stderr, "spp-ctl: %s: %s\n", ctl_log_names[level], line);
}
