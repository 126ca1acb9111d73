# SPDX-License-Identifier: BSD-3-Clause
"""Every C file is formatted as .clang-format (DPDK's style) says."""

import glob
import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
FILES = sorted(glob.glob(os.path.join(ROOT, "src", "*", "*.[ch]")) +
               glob.glob(os.path.join(ROOT, "tests", "*", "*.[ch]")))


@pytest.mark.parametrize("path", FILES,
                         ids=[os.path.relpath(f, ROOT) for f in FILES])
def test_clang_format(path):
    r = subprocess.run(["clang-format", "--dry-run", "-Werror", path],
                       capture_output=True, text=True)
    assert r.returncode == 0, "run clang-format -i %s:\n%s" % (
        path, r.stderr[:2000])
