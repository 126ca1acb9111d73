/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TAB completion of the CLI: command words, process ids, port ids and
 * component names, the live ones taken from the current spp-ctl node.
 */
#ifndef CLI_COMPL_H
#define CLI_COMPL_H

struct cli_shell;

/*
 * Candidates for the word that ends at the end of line (line is what is
 * before the cursor): a NULL-terminated array of malloc'd strings that
 * start with that word, or NULL when the word is a file name (record,
 * playback, topo) and the line editor should complete files. *no_space is
 * set when the candidates are prefixes ("ring:") that take no space after.
 */
char **cli_compl(struct cli_shell *sh, const char *line, int *no_space);

void cli_compl_free(char **list);

#endif /* CLI_COMPL_H */
