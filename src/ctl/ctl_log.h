/* SPDX-License-Identifier: BSD-3-Clause */
/* Logging of spp-ctl: one line per event on stderr, "spp-ctl: LEVEL: ...". */
#ifndef CTL_LOG_H
#define CTL_LOG_H

enum ctl_log_level {
	CTL_LOG_ERR,
	CTL_LOG_WARN,
	CTL_LOG_INFO,
};

void ctl_log(enum ctl_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define CTL_ERR(...) ctl_log(CTL_LOG_ERR, __VA_ARGS__)
#define CTL_WARN(...) ctl_log(CTL_LOG_WARN, __VA_ARGS__)
#define CTL_INFO(...) ctl_log(CTL_LOG_INFO, __VA_ARGS__)

#endif /* CTL_LOG_H */
