# SPDX-License-Identifier: BSD-3-Clause
"""Runs the C unit tests (no EAL) built by meson; each binary prints TAP."""

import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
UNIT = os.path.join(ROOT, "build", "tests", "unit")
BINARIES = ["test_res", "test_frame", "test_cmd", "test_opts", "test_msg"]


@pytest.mark.parametrize("name", BINARIES)
def test_c_unit(name):
    path = os.path.join(UNIT, name)
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
