/* SPDX-License-Identifier: BSD-3-Clause */
#include "spp_pids.h"
#include "unit.h"

int
main(void)
{
	const int32_t pids[] = {1234, 5, 4194304};
	char buf[3 * SPP_PIDS_CHARS], small[12];

	CHECK_STR(spp_pids_format(pids, 3, buf, sizeof(buf)),
		  "1234, 5, 4194304", "three pids");
	CHECK_STR(spp_pids_format(pids, 1, buf, sizeof(buf)), "1234",
		  "one pid, no separator");
	CHECK_STR(spp_pids_format(pids, 0, buf, sizeof(buf)), "", "none");
	CHECK_STR(spp_pids_format(pids, 3, small, sizeof(small)), "1234, 5",
		  "only the pids that fit whole");
	CHECK_STR(spp_pids_format(pids, 3, small, 4), "",
		  "no half pid when the first does not fit");
	return unit_done();
}
