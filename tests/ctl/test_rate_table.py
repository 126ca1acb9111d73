# SPDX-License-Identifier: BSD-3-Clause
"""spp CLI "status --rate" against spp-ctl and a fake process whose
counters grow by a known amount between readings: the second reading is
shown with each counter's rate (frames/s over the interval) next to it."""

import itertools
import json
import os
import re
import subprocess

from sppfake import REPO

# $SPP_BUILD_DIR: another build (the sanitizer build, tests/sanitize)
SPP = os.path.join(os.environ.get("SPP_BUILD_DIR", str(REPO / "build")),
                   "src", "cli", "spp")


def growing_nfv():
    """status replies whose counters grow by 5000 (ring:0 tx), 100
    (its drops), 5100 (nullpmd:0 rx) and 0.25 s of busy cycles a reading."""
    n = itertools.count()

    def status(_cmd):
        k = next(n)
        return {"result": "ok", "data": {
            "client-id": 1, "master-lcore": 1, "lcores": [1, 2],
            "status": "running", "ports": ["ring:0", "nullpmd:0"],
            "patches": [{"src": "nullpmd:0", "dst": "ring:0"}],
            "port_stats": [
                {"port": "ring:0", "link": "up", "rx": 0, "tx": 5000 * k,
                 "tx_drop": 100 * k},
                {"port": "nullpmd:0", "link": "up", "rx": 5100 * k,
                 "tx": 0, "tx_drop": 0}],
            "tsc_hz": 10 ** 9,
            "workers": [{"lcore": 2, "busy_cycles": 250000000 * k,
                         "idle_cycles": 750000000 * k}]}}
    return {"status": status}


def spp_cli(ctl, cmd):
    r = subprocess.run([SPP, "-b", "127.0.0.1:%d" % ctl.api_port, "-c", cmd],
                       capture_output=True, text=True, timeout=30,
                       stdin=subprocess.DEVNULL)
    assert r.returncode == 0 and r.stderr == "", r.stdout + r.stderr
    return r.stdout


def test_status_rate_table(ctl, procs):
    nfv = procs("nfv", 1, replies=growing_nfv())
    out = spp_cli(ctl, "nfv 1; status --rate")
    assert nfv.commands == ["status", "status"]
    head, rest = out.split("\n", 1)
    m = re.match(r"counters \(per second over the last ([\d.]+) s", head)
    assert m, head
    assert 1.0 <= float(m.group(1)) < 1.5, head
    # each counter of the second reading with its rate next to it, over
    # 1.0-1.5 s (the exact interval is checked with --json)
    cells = {}
    for line in rest.splitlines():
        w = line.split()
        if w and w[0] in ("ring:0", "nullpmd:0"):
            cells[w[0]] = re.findall(r"(\d+) \(([\d.]+)(k?)/s\)", line)
    rx, tx, drop = cells["ring:0"]
    assert tx[0] == "5000" and drop[0] == "100" and rx[0] == "0", cells

    def per_s(c):
        return float(c[1]) * (1000 if c[2] else 1)
    assert 5000 / 1.5 <= per_s(tx) <= 5000, cells
    assert 100 / 1.5 <= per_s(drop) <= 100, cells
    assert per_s(rx) == 0
    assert cells["nullpmd:0"][0][0] == "5100"
    assert 5100 / 1.5 <= per_s(cells["nullpmd:0"][0]) <= 5100, cells
    # the load over the interval, not since the start
    assert "lcore 2: busy 25.0% of 1.0 s" in rest


def test_status_rate_json(ctl, procs):
    procs("nfv", 1, replies=growing_nfv())
    for cmd in ("nfv 1; status --rate --json", "nfv 1; status --json --rate"):
        o = json.loads(spp_cli(ctl, cmd))
        assert set(o) == {"status", "rates", "seconds"}
        tx = o["rates"]["port_stats"][0]["tx"]
        assert abs(tx - 5000 / o["seconds"]) <= 1, o
        assert o["status"]["port_stats"][0]["tx"] > 0
        assert o["rates"]["workers"][0]["busy_cycles"] == 250000000
