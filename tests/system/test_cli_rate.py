# SPDX-License-Identifier: BSD-3-Clause
"""spp CLI "status --rate" of a live spp_nfv: frames/s of a flowing patch,
and zero once it is stopped."""

import json
import os
import subprocess

from sppenv import BIN

SPP = os.path.join(BIN, "cli", "spp")


def rates(spp):
    r = subprocess.run([SPP, "-b", "127.0.0.1:%d" % spp.ctl_port, "-c",
                        "nfv 1; status --rate --json"], capture_output=True,
                       text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert r.returncode == 0 and r.stderr == "", r.stdout + r.stderr
    o = json.loads(r.stdout)
    return {p["port"]: p for p in o["rates"]["port_stats"]}


def test_rate_of_a_live_patch(spp_nfv):
    spp = spp_nfv
    spp.nfv(1, "add nullpmd:0", "add nullpmd:1",
            "patch nullpmd:0 nullpmd:1", "forward")
    try:
        flowing = rates(spp)
    finally:
        spp.nfv(1, "stop")
    assert flowing["nullpmd:1"]["tx"] > 1000, flowing
    assert flowing["nullpmd:0"]["rx"] > 1000, flowing
    stopped = rates(spp)
    assert stopped["nullpmd:1"]["tx"] == 0, stopped
    assert stopped["nullpmd:0"]["rx"] == 0, stopped
