# SPDX-License-Identifier: BSD-3-Clause
"""The README's first steps: tools/run.sh brings up a patch panel a
namespace pings through, the CLI unpatches and patches it again, and
tools/run.sh stop leaves nothing behind."""

import glob
import os
import subprocess

from sppenv import ROOT

RUN = os.path.join(ROOT, "tools", "run.sh")
CLI = os.path.join(ROOT, "build", "src", "cli", "spp")


def sh(*argv, check=True):
    return subprocess.run(argv, capture_output=True, text=True, timeout=120,
                          check=check)


def ping():
    return sh("ip", "netns", "exec", "spp-ns1", "ping", "-c", "2", "-i",
              "0.2", "-W", "1", "10.99.0.2", check=False).returncode == 0


def test_run_sh_ping_and_stop():
    try:
        r = sh("bash", RUN)
        assert "through SPP: OK" in r.stdout, r.stdout + r.stderr
        assert ping()
        sh(CLI, "-c", "nfv 1; patch reset")
        assert not ping(), "ping went through without patches"
        sh(CLI, "-c", "nfv 1; patch phy:0 phy:1", "-c",
           "nfv 1; patch phy:1 phy:0")
        assert ping()
        st = sh(CLI, "-c", "nfv 1; status").stdout
        assert "phy:0" in st and "-> phy:1" in st, st
    finally:
        sh("bash", RUN, "stop", check=False)
    netns = sh("ip", "netns", "list").stdout
    assert "spp-ns1" not in netns and "spp-ns2" not in netns
    for dev in ("spp-t1", "spp-t2"):
        assert sh("ip", "link", "show", dev, check=False).returncode != 0
    assert glob.glob("/dev/hugepages/sppmap_*") == []
    left = sh("pgrep", "-f", "file-prefix spp( |$)", check=False).stdout
    assert left == "", "processes left: " + left
