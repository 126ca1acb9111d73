/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Logging of spp-ctl: one line per event on stderr, "spp-ctl: LEVEL: ...",
 * control characters escaped. What outsiders can make happen over and over
 * (frames nobody asked for, refused hellos) is logged through a limit.
 */
#ifndef CTL_LOG_H
#define CTL_LOG_H

#include <stdbool.h>
#include <time.h>

enum ctl_log_level {
	CTL_LOG_ERR,
	CTL_LOG_WARN,
	CTL_LOG_INFO,
};

void ctl_log(enum ctl_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* At most CTL_LOG_LIMIT_BURST lines a CTL_LOG_LIMIT_SECONDS per site. */
#define CTL_LOG_LIMIT_BURST 10
#define CTL_LOG_LIMIT_SECONDS 10

struct ctl_log_limit {
	time_t window;
	unsigned int count;
	unsigned long suppressed;
};

/*
 * ctl_log() within lim's budget; lines over it are counted, and the count
 * is logged before the first line of the next window.
 */
void ctl_log_limited(struct ctl_log_limit *lim, enum ctl_log_level level,
		     const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define CTL_ERR(...) ctl_log(CTL_LOG_ERR, __VA_ARGS__)
#define CTL_WARN(...) ctl_log(CTL_LOG_WARN, __VA_ARGS__)
#define CTL_INFO(...) ctl_log(CTL_LOG_INFO, __VA_ARGS__)
/* A warning of one call site, limited. */
#define CTL_WARN_LIMITED(...)                                                  \
	do {                                                                   \
		static struct ctl_log_limit ctl_lim_;                          \
		ctl_log_limited(&ctl_lim_, CTL_LOG_WARN, __VA_ARGS__);         \
	} while (0)

#endif /* CTL_LOG_H */
