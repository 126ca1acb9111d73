/* SPDX-License-Identifier: BSD-3-Clause */
#include "spp_launch.h"
#include "spp_err.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_log.h>

RTE_LOG_REGISTER(spp_launch_logtype, spp.launch, INFO);
#define LAUNCH_LOG(level, ...)                                                 \
	rte_log(RTE_LOG_##level, spp_launch_logtype, "spp.launch: " __VA_ARGS__)

/* Path of proc in the directory of this binary, where the others are. */
static int
launch_bin_path(const char *proc, char *path, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0)
		return -errno;
	self[n] = '\0';
	snprintf(path, len, "%s/%s", dirname(self), proc);
	return access(path, X_OK) == 0 ? 0 : -errno;
}

static bool
launch_has_opt(char *const *argv, int argc, const char *opt)
{
	size_t len = strlen(opt);
	int i;

	for (i = 0; i < argc; i++)
		if (strncmp(argv[i], opt, len) == 0 &&
		    (argv[i][len] == '\0' || argv[i][len] == '='))
			return true;
	return false;
}

int
spp_launch_argv(const struct spp_cmd *cmd, const char *prefix_opt, char **argv)
{
	int argc = 0, i;

	argv[argc++] = (char *)(uintptr_t)cmd->proc_name;
	for (i = 0; i < cmd->eal_argc; i++)
		argv[argc++] = cmd->eal_argv[i];
	if (!launch_has_opt(cmd->eal_argv, cmd->eal_argc, "--proc-type"))
		argv[argc++] = (char *)(uintptr_t) "--proc-type=secondary";
	if (!launch_has_opt(cmd->eal_argv, cmd->eal_argc, "--file-prefix"))
		argv[argc++] = (char *)(uintptr_t)prefix_opt;
	argv[argc++] = (char *)(uintptr_t) "--";
	for (i = 0; i < cmd->app_argc; i++)
		argv[argc++] = cmd->app_argv[i];
	argv[argc] = NULL;
	return argc;
}

int
spp_launch(const struct spp_cmd *cmd, const char *log_dir, char *err,
	   size_t errlen)
{
	char path[PATH_MAX], logpath[PATH_MAX], prefix[128];
	char *argv[SPP_LAUNCH_MAX_ARGS];
	pid_t pid;
	int fd;

	if (launch_bin_path(cmd->proc_name, path, sizeof(path)) < 0)
		SPP_ERR(-EINVAL,
			"%s is not installed next to spp_primary "
			"(%s)",
			cmd->proc_name, path);
	if (mkdir(log_dir, 0755) < 0 && errno != EEXIST)
		SPP_ERR(-EINVAL, "cannot create log directory %s: %s", log_dir,
			strerror(errno));
	snprintf(logpath, sizeof(logpath), "%s/%s-%u.log", log_dir,
		 cmd->proc_name, cmd->client_id);
	snprintf(prefix, sizeof(prefix), "--file-prefix=%s",
		 strrchr(rte_eal_get_runtime_dir(), '/') + 1);
	spp_launch_argv(cmd, prefix, argv);

	fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		SPP_ERR(-EINVAL, "cannot open log file %s: %s", logpath,
			strerror(errno));
	pid = fork();
	if (pid < 0) {
		close(fd);
		SPP_ERR(-EAGAIN, "cannot start %s: %s", cmd->proc_name,
			strerror(errno));
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		setsid();
		dup2(null, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		close_range(3, ~0U, 0);
		execv(path, argv);
		_exit(127);
	}
	close(fd);
	LAUNCH_LOG(INFO, "launched %s %u, pid %d, log %s\n", cmd->proc_name,
		   cmd->client_id, (int)pid, logpath);
	return 0;
}
