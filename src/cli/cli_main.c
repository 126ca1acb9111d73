/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * spp: the interactive client of spp-ctl. Line editing, history and TAB
 * completion with libedit; one-shot commands with -c; the commands
 * themselves are in cli_shell.c.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <editline/readline.h>

#include "cli_compl.h"
#include "cli_http.h"
#include "cli_shell.h"

#define MAIN_MAX_COMMANDS 64
#define MAIN_HIST_KEEP 1000

static struct cli_shell main_sh;
static char **main_matches;
static int main_match_idx;

static void
main_usage(FILE *f)
{
	fprintf(f,
		"usage: spp [-b IP[:PORT]]... [--wait-pri] [--config FILE] "
		"[--json] [-c COMMAND]...\n"
		"  -b, --bind-addr IP[:PORT]  spp-ctl node (default "
		"127.0.0.1:7777); repeat for\n"
		"                             several, the first is current\n"
		"  --wait-pri                 wait until the primary is "
		"connected\n"
		"  --config FILE              settings: prompt, json, "
		"launch_wait (key: value)\n"
		"  --json                     status answers as JSON\n"
		"  --cacert FILE              reach spp-ctl over HTTPS, its "
		"certificate checked\n"
		"                             against this CA (PEM)\n"
		"  --token-file FILE          send the token of this file's "
		"first line\n"
		"  -c, --command COMMAND      run the command(s) and exit; "
		"non-zero exit status\n"
		"                             when one fails (e.g. -c 'nfv 1; "
		"status')\n"
		"  -h, --help                 this text\n"
		"Without -c, commands come from the terminal (TAB completes, "
		"'help' lists them)\n"
		"or, one per line, from standard input.\n");
}

/* -- libedit glue -------------------------------------------------------- */

static char *
main_generator(const char *text, int state)
{
	(void)text;
	if (state == 0)
		main_match_idx = 0;
	if (main_matches == NULL || main_matches[main_match_idx] == NULL)
		return NULL;
	return strdup(main_matches[main_match_idx++]);
}

static char **
main_complete(const char *text, int start, int end)
{
	char *line = strndup(rl_line_buffer, (size_t)end);
	char **res;
	int no_space;

	(void)start;
	if (line == NULL)
		return NULL;
	cli_compl_free(main_matches);
	main_matches = cli_compl(&main_sh, line, &no_space);
	free(line);
	if (main_matches == NULL) {
		/* a file name: libedit's own completion */
		rl_attempted_completion_over = 0;
		return NULL;
	}
	rl_attempted_completion_over = 1;
	rl_completion_append_character = no_space ? '\0' : ' ';
	res = rl_completion_matches(text, main_generator);
	return res;
}

static char *
main_hist_path(void)
{
	const char *home = getenv("HOME");
	char *p;

	if (home == NULL || home[0] == '\0')
		return NULL;
	if (asprintf(&p, "%s/.spp_history", home) < 0)
		return NULL;
	return p;
}

/* Lines of earlier sessions: for the arrow keys and "history". */
static void
main_hist_load(const char *path)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	if (path == NULL || (f = fopen(path, "r")) == NULL)
		return;
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		if (line[0] == '\0')
			continue;
		add_history(line);
		cli_shell_remember(&main_sh, line);
	}
	free(line);
	fclose(f);
}

static void
main_hist_save(const char *path, const char *line)
{
	FILE *f;

	if (path == NULL || (f = fopen(path, "a")) == NULL)
		return;
	fprintf(f, "%s\n", line);
	fclose(f);
}

static int
main_interactive(void)
{
	char *hist = main_hist_path();
	char *line;

	rl_readline_name = "spp";
	rl_attempted_completion_function = main_complete;
	rl_completer_word_break_characters = (char *)(uintptr_t) " \t;";
	main_hist_load(hist);
	printf("Welcome to the SPP CLI. Type help or ? to list commands.\n");
	while (!main_sh.quit) {
		line = readline(main_sh.prompt);
		if (line == NULL) {
			putchar('\n');
			break;
		}
		if (line[strspn(line, " \t")] != '\0') {
			add_history(line);
			main_hist_save(hist, line);
			if (strcmp(line, "?") == 0)
				cli_shell_run(&main_sh, "help");
			else
				cli_shell_run(&main_sh, line);
			fflush(stdout);
		}
		free(line);
	}
	free(hist);
	return 0;
}

/* Commands from a pipe or a file on standard input, one per line. */
static int
main_stdin(void)
{
	char *line = NULL;
	size_t cap = 0;
	int failed = 0;

	while (!main_sh.quit && getline(&line, &cap, stdin) >= 0)
		if (cli_shell_run(&main_sh, line) < 0)
			failed = 1;
	free(line);
	return failed;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"bind-addr", required_argument, NULL, 'b'},
		{"wait-pri", no_argument, NULL, 'w'},
		{"config", required_argument, NULL, 'f'},
		{"command", required_argument, NULL, 'c'},
		{"json", no_argument, NULL, 'j'},
		{"cacert", required_argument, NULL, 'A'},
		{"token-file", required_argument, NULL, 'T'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *cmds[MAIN_MAX_COMMANDS], *config = NULL, *cacert = NULL;
	const char *token_file = NULL;
	int ncmds = 0, wait_pri = 0, json = 0, opt, i, ret = 0;
	char err[512];

	cli_shell_init(&main_sh);
	while ((opt = getopt_long(argc, argv, "b:c:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'b':
			if (cli_shell_add_server(&main_sh, optarg, err,
						 sizeof(err)) < 0) {
				fprintf(stderr, "spp: -b: %s\n", err);
				return 2;
			}
			break;
		case 'w':
			wait_pri = 1;
			break;
		case 'f':
			config = optarg;
			break;
		case 'c':
			if (ncmds == MAIN_MAX_COMMANDS) {
				fprintf(stderr, "spp: at most %d -c\n",
					MAIN_MAX_COMMANDS);
				return 2;
			}
			cmds[ncmds++] = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'A':
			cacert = optarg;
			break;
		case 'T':
			token_file = optarg;
			break;
		case 'h':
			main_usage(stdout);
			return 0;
		default:
			main_usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "spp: unexpected argument '%s'\n",
			argv[optind]);
		main_usage(stderr);
		return 2;
	}
	if (main_sh.nservers == 0)
		cli_shell_add_server(&main_sh, "127.0.0.1:7777", err,
				     sizeof(err));
	if (config != NULL &&
	    cli_shell_load_config(&main_sh, config, err, sizeof(err)) < 0) {
		fprintf(stderr, "spp: %s\n", err);
		return 2;
	}
	if (json)
		main_sh.json = 1;
	if (cli_http_init() < 0) {
		fprintf(stderr, "spp: cannot initialize libcurl\n");
		return 1;
	}
	if (cli_http_secure(cacert, token_file, err, sizeof(err)) < 0) {
		fprintf(stderr, "spp: %s\n", err);
		cli_http_fini();
		return 2;
	}
	if (wait_pri) {
		if (isatty(STDERR_FILENO))
			fprintf(stderr, "waiting for the primary on %s ...\n",
				cli_shell_server(&main_sh));
		while (cli_shell_wait_primary(&main_sh, 3600) < 0)
			;
	}
	if (ncmds > 0) {
		for (i = 0; i < ncmds && ret == 0 && !main_sh.quit; i++)
			ret = cli_shell_run(&main_sh, cmds[i]) < 0 ? 1 : 0;
	} else if (isatty(STDIN_FILENO))
		ret = main_interactive();
	else
		ret = main_stdin();
	cli_compl_free(main_matches);
	cli_shell_fini(&main_sh);
	cli_http_fini();
	return ret;
}
