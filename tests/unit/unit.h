/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A minimal TAP producer for the unit tests (no EAL): each CHECK is one test
 * point, "ok N - what" or "not ok N - what (file:line)".
 */
#ifndef SPP_UNIT_H
#define SPP_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_n, unit_failed;

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		int unit_ok_ = !!(cond); /* evaluated once */                  \
		unit_n++;                                                      \
		printf("%sok %d - ", unit_ok_ ? "" : "not ", unit_n);          \
		printf(__VA_ARGS__);                                           \
		if (!unit_ok_) {                                               \
			unit_failed++;                                         \
			printf(" (%s:%d: %s)", __FILE__, __LINE__, #cond);     \
		}                                                              \
		printf("\n");                                                  \
	} while (0)

#define CHECK_STR(a, b, ...) CHECK(strcmp((a), (b)) == 0, __VA_ARGS__)

static inline int
unit_done(void)
{
	printf("1..%d\n", unit_n);
	return unit_failed ? 1 : 0;
}

#endif
