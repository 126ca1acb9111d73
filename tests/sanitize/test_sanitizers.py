# SPDX-License-Identifier: BSD-3-Clause
"""The unit, component and spp-ctl tiers again, on the build with
AddressSanitizer, LeakSanitizer and UndefinedBehaviorSanitizer
(build-asan, made by tools/setup.sh): no test may fail and no sanitizer may
report anything, in the test binaries or in spp-ctl (a leak at its exit
included).

The system tier is not run this way: DPDK's memory lives in hugepages
mapped by several processes, which ASan neither tracks nor can share its
shadow of, so it would check little at twice the time."""

import glob
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
ASAN_BUILD = os.path.join(ROOT, "build-asan")


def test_tiers_under_sanitizers():
    spp_ctl = os.path.join(ASAN_BUILD, "src", "ctl", "spp-ctl")
    assert os.access(spp_ctl, os.X_OK), \
        "%s is not built: run tools/setup.sh" % spp_ctl
    with tempfile.TemporaryDirectory(prefix="spp-asan-") as logs:
        env = dict(os.environ,
                   SPP_BUILD_DIR=ASAN_BUILD, SPP_CTL=spp_ctl,
                   ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:"
                   "log_path=%s/asan" % logs,
                   UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:"
                   "log_path=%s/ubsan" % logs)
        r = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
             "tests/unit/test_unit_c.py", "tests/ctl"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
        reports = {os.path.basename(f): open(f, errors="replace").read()
                   for f in glob.glob(os.path.join(logs, "*"))}
        assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
        assert " passed" in r.stdout.splitlines()[-1]
        assert not reports, "\n".join("%s:\n%s" % (k, v[:3000])
                                      for k, v in reports.items())
