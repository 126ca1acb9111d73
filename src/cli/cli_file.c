/* SPDX-License-Identifier: BSD-3-Clause */
#include "cli_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli_http.h"
#include "cli_shell.h"
#include "spp_err.h"

/* Largest topology file sent (spp-ctl's body limit). */
#define FILE_MAX (1u << 20)

/* The "error" of spp-ctl's answer, or what the status was. */
static void
file_answer_error(const char *text, long status, char *err, size_t errlen)
{
	json_t *o = text != NULL ? json_loads(text, 0, NULL) : NULL;
	const char *msg = json_string_value(json_object_get(o, "error"));

	if (msg != NULL)
		snprintf(err, errlen, "%s", msg);
	else
		snprintf(err, errlen, "spp-ctl answered HTTP %ld", status);
	json_decref(o);
}

int
cli_file_export(struct cli_shell *sh, const char *path, char *err,
		size_t errlen)
{
	size_t n = strlen(path), len;
	int json = n > 5 && strcmp(path + n - 5, ".json") == 0;
	char *text;
	long status;
	FILE *f;
	int ret;

	ret = cli_http_text(cli_shell_server(sh), "GET",
			    json ? "/v1/topology" : "/v1/topology/yaml", NULL,
			    0, &status, &text, &len, err, errlen);
	if (ret < 0)
		return ret;
	if (status != 200) {
		file_answer_error(text, status, err, errlen);
		free(text);
		return -EIO;
	}
	f = fopen(path, "w");
	if (f == NULL) {
		free(text);
		SPP_ERR(-errno, "cannot write %s: %s", path, strerror(errno));
	}
	if (len > 0 && fwrite(text, 1, len, f) != len)
		ret = -EIO;
	if (json && ret == 0 && fputc('\n', f) == EOF)
		ret = -EIO;
	if (fclose(f) != 0 || ret < 0) {
		free(text);
		SPP_ERR(-EIO, "cannot write %s", path);
	}
	free(text);
	fprintf(sh->out, "topology of %s written to %s\n", cli_shell_server(sh),
		path);
	return 0;
}

/* The file at path, NUL-terminated, in *text (*len bytes). */
static int
file_read(const char *path, char **text, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	size_t n;
	char *buf;

	if (f == NULL)
		SPP_ERR(-errno, "cannot read %s: %s", path, strerror(errno));
	buf = malloc(FILE_MAX + 1);
	if (buf == NULL) {
		fclose(f);
		SPP_ERR(-ENOMEM, "out of memory");
	}
	n = fread(buf, 1, FILE_MAX + 1, f);
	if (ferror(f) || n > FILE_MAX) {
		fclose(f);
		free(buf);
		SPP_ERR(-EFBIG, "cannot read %s: %s", path,
			n > FILE_MAX ? "larger than 1 MiB" : "read error");
	}
	fclose(f);
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

static void
file_print_changes(FILE *out, const json_t *list, const char *prefix)
{
	const json_t *c;
	const char *e;
	size_t i;

	json_array_foreach(list, i, c)
	{
		e = json_string_value(json_object_get(c, "error"));
		fprintf(out, "%s%s: %s%s%s\n", prefix,
			json_string_value(json_object_get(c, "process")),
			json_string_value(json_object_get(c, "command")),
			e != NULL ? ": " : "", e != NULL ? e : "");
	}
}

int
cli_file_apply(struct cli_shell *sh, const char *path, int dry, char *err,
	       size_t errlen)
{
	json_t *ans, *changes, *failed;
	char *text = NULL, *reply;
	size_t len = 0, rlen;
	long status;
	int ret;

	ret = file_read(path, &text, &len, err, errlen);
	if (ret < 0)
		return ret;
	ret = cli_http_text(cli_shell_server(sh), "PUT",
			    dry ? "/v1/topology/dry-run" : "/v1/topology", text,
			    len, &status, &reply, &rlen, err, errlen);
	free(text);
	if (ret < 0)
		return ret;
	if (status != 200) {
		/* "line N: ..." of the file */
		char msg[512];

		file_answer_error(reply, status, msg, sizeof(msg));
		snprintf(err, errlen, "%s: %s", path, msg);
		free(reply);
		return status < 500 ? -EINVAL : -EIO;
	}
	ans = json_loadb(reply, rlen, 0, NULL);
	free(reply);
	changes = json_object_get(ans, "changes");
	failed = json_object_get(ans, "failed");
	if (!json_is_array(changes) || !json_is_array(failed)) {
		json_decref(ans);
		SPP_ERR(-EIO, "spp-ctl's answer has no changes");
	}
	if (json_array_size(changes) == 0 && json_array_size(failed) == 0)
		fprintf(sh->out, "nothing to change: the node matches %s\n",
			path);
	else if (dry)
		fprintf(sh->out, "plan (nothing done, --dry-run):\n");
	file_print_changes(sh->out, changes, "  ");
	if (json_array_size(failed) > 0) {
		file_print_changes(sh->errs, failed, "failed: ");
		snprintf(err, errlen, "%zu of the changes failed",
			 json_array_size(failed));
		ret = -EIO;
	}
	json_decref(ans);
	return ret;
}
