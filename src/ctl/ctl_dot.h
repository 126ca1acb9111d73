/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Graphviz's dot program as a filter: a graph in the DOT language in, its
 * layout rendered as SVG out. A process per graph: dot's layout of
 * clusters leaks memory in libgvc 2.42 (some 75 KB a layout of the web
 * view's graph), which a long-running spp-ctl cannot afford, and a crash of
 * it cannot take spp-ctl down.
 */
#ifndef CTL_DOT_H
#define CTL_DOT_H

#include <stddef.h>

/*
 * Run "dot -Tsvg" on len bytes of graph. Returns 0 with *svg (malloc'd,
 * NUL-terminated) of *svg_len bytes, or -errno with a message in err:
 * dot is not installed, it failed (with what it said), or it took more
 * than timeout_ms (it is killed).
 */
int ctl_dot_svg(const char *graph, size_t len, int timeout_ms, char **svg,
		size_t *svg_len, char *err, size_t errlen);

#endif /* CTL_DOT_H */
