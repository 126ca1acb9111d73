# SPDX-License-Identifier: BSD-3-Clause
"""Idle workers back off so several DPDK processes share a small machine;
--busy-poll turns that off. Measured as CPU time used over a wall-clock
interval, from /proc."""

import os
import time

from sppenv import Proc


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_share(proc, seconds=2.0):
    a = cpu_seconds(proc.p.pid)
    time.sleep(seconds)
    return (cpu_seconds(proc.p.pid) - a) / seconds


def idle_forwarding(spp, cid):
    # forwarding on, but nothing arrives on the source
    spp.nfv(cid, "add ring:6", "add ring:7", "patch ring:6 ring:7",
            "forward")


def test_idle_worker_sleeps(spp):
    nfv = spp.start_nfv(1)
    idle_forwarding(spp, 1)
    share = cpu_share(nfv)
    assert share < 0.3, "idle nfv used %.0f%% of a core" % (share * 100)


def test_busy_poll_keeps_polling(spp):
    nfv = spp.start_nfv(1, extra=["--busy-poll"])
    idle_forwarding(spp, 1)
    share = cpu_share(nfv)
    assert share > 0.6, "busy-polling nfv used only %.0f%% of a core" % (
        share * 100)


def test_bad_options_are_refused(spp):
    p = Proc(spp.name + "-badnfv",
             spp.nfv_argv(1, extra=["--frobnicate"]))
    p.p.wait(timeout=30)
    p.stop()
    assert p.p.returncode != 0
    out = p.output()
    assert "unknown option '--frobnicate'" in out and "usage" in out
    assert not spp.has_process("nfv", 1)
