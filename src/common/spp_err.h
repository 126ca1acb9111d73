/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control path's way to fail: write what went wrong into the caller's
 * err buffer (err, errlen in scope; err may be NULL) and return -errno.
 */
#ifndef SPP_ERR_H
#define SPP_ERR_H

#include <stdio.h>

#define SPP_ERR(ret, ...)                                                      \
	do {                                                                   \
		if (err != NULL)                                               \
			snprintf(err, errlen, __VA_ARGS__);                    \
		return (ret);                                                  \
	} while (0)

#endif /* SPP_ERR_H */
