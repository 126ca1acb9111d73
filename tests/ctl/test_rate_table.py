# SPDX-License-Identifier: BSD-3-Clause
"""spp CLI "status --rate" against spp-ctl and a fake process whose
counters grow by a known amount between readings: the second reading is
shown, then the same table with the rates (frames/s) over the interval."""

import itertools
import json
import subprocess

from sppfake import REPO

SPP = str(REPO / "build" / "src" / "cli" / "spp")


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
    counters, rates = out.split("\nper second over the last ")
    assert "ring:0     up                  0  5000      100" in counters
    seconds = float(rates.split()[0])
    assert 1.0 <= seconds < 1.5, rates
    rows = {line.split()[0]: line.split() for line in rates.splitlines()
            if line.startswith("  ring:0") or line.startswith("  nullpmd:0")}
    # PORT LINK [PATCH] RX TX TX_DROP, per second over 1.0-1.5 s (the
    # exact interval is checked with --json)
    assert 5000 / 1.5 <= int(rows["ring:0"][-2]) <= 5000, rows
    assert 100 / 1.5 <= int(rows["ring:0"][-1]) <= 100, rows
    assert 5100 / 1.5 <= int(rows["nullpmd:0"][-3]) <= 5100, rows
    # the load over the interval, not since the start
    assert "lcore 2: busy 25.0% of 1.0 s" in rates


def test_status_rate_json(ctl, procs):
    procs("nfv", 1, replies=growing_nfv())
    for cmd in ("nfv 1; status --rate --json", "nfv 1; status --json --rate"):
        o = json.loads(spp_cli(ctl, cmd))
        assert set(o) == {"status", "rates", "seconds"}
        tx = o["rates"]["port_stats"][0]["tx"]
        assert abs(tx - 5000 / o["seconds"]) <= 1, o
        assert o["status"]["port_stats"][0]["tx"] > 0
        assert o["rates"]["workers"][0]["busy_cycles"] == 250000000
