# SPDX-License-Identifier: BSD-3-Clause
"""Runs the C tests built by meson, each printing TAP: the unit tests (no
EAL) and the component tests (one EAL process without hugepages)."""

import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
# $SPP_BUILD_DIR: another build of the same tests (the sanitizer build)
BUILD = os.path.join(os.environ.get("SPP_BUILD_DIR",
                                    os.path.join(ROOT, "build")), "tests")
BINARIES = ["unit/test_res", "unit/test_frame", "unit/test_cmd",
            "unit/test_opts", "unit/test_msg", "unit/test_pids",
            "unit/test_pcapw", "unit/test_cli", "unit/test_rate",
            "component/test_cls", "component/test_engine",
            "component/test_ring_recover", "component/test_primary"]


@pytest.mark.parametrize("name", BINARIES)
def test_c_unit(name):
    path = os.path.join(BUILD, name)
    assert os.access(path, os.X_OK), "%s not built" % path
    r = subprocess.run([path], capture_output=True, text=True, timeout=60)
    lines = r.stdout.splitlines()
    failed = [l for l in lines if l.startswith("not ok")]
    points = [l for l in lines if l.startswith("ok ") or
              l.startswith("not ok")]
    assert points, "no test point ran:\n" + r.stdout + r.stderr
    assert not failed and r.returncode == 0, "\n".join(failed) + r.stderr
    plan = [l for l in lines if l.startswith("1..")]
    assert plan == ["1..%d" % len(points)], "TAP plan does not match"
