# SPDX-License-Identifier: BSD-3-Clause
"""Scenario ctlplane: how long a control-plane change takes when an
OpenStack host adds VMs one at a time. One spp_vf with a classifier (rx
ring:0, tx ring:1 and ring:2); N classifier_table entries added one by one
through spp-ctl's REST API (PUT /v1/vfs/2/classifier_table), each request
waiting for the answer of the one before, then deleted one by one.

Clients: SPP's own CLI (`spp`, C and libcurl, one kept-alive connection)
reading the commands from its standard input; Python's http.client on one
kept-alive connection; requests.Session (what the networking-spp agent
does). spp-ctl with --no-state, with its record of the processes'
configuration written before each answer (--state-sync always, the
default), which is given a time budget: when it runs out the figures are
those of the changes done so far; and with the record written at most
200 ms after a change (--state-sync lazy), through the CLI and
http.client.

Figures: total seconds, the mean of the first and of the last 200 adds
(ms), and the deletes' total. The CLI is timed per run (all adds in one,
all deletes in another), less the median time it takes to start and stop
with no command; it has no per-add figures."""

import http.client
import json
import os
import statistics
import subprocess
import time

import requests

from .base import BIN, CFG, CLEANUP, log, wait_for
from .contenders import BenchSpp, spp_done

N = 4096
EDGE = 200
BUDGET_S = 30.0
RESULTS = []  # filled by scen_ctlplane(), read by run.py


class SyncSpp(BenchSpp):
    """BenchSpp whose spp-ctl keeps its record with --state-sync SYNC."""

    def __init__(self, name, sync, **kw):
        self.sync = sync
        super().__init__(name, state=True, **kw)

    def ctl_args(self):
        return super().ctl_args() + ["--state-sync", self.sync]


class KeepAlive:
    """PUT with a JSON body on one persistent HTTP/1.1 connection."""

    def __init__(self, port):
        self.c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def put(self, path, body):
        self.c.request("PUT", path, body=json.dumps(body),
                       headers={"Content-Type": "application/json"})
        r = self.c.getresponse()
        r.read()
        return r.status

    def close(self):
        self.c.close()


class Session:
    """The same through requests.Session (keep-alive too)."""

    def __init__(self, port):
        self.s = requests.Session()
        self.base = "http://127.0.0.1:%d" % port

    def put(self, path, body):
        return self.s.put(self.base + path, json=body, timeout=30).status_code

    def close(self):
        self.s.close()


class Cli:
    """build/src/cli/spp, the commands on its standard input."""

    def __init__(self, port):
        self.argv = [os.path.join(BIN, "cli", "spp"),
                     "-b", "127.0.0.1:%d" % port]
        self.idle = statistics.median(self.run([]) for _ in range(3))

    def run(self, lines):
        t = time.perf_counter()
        r = subprocess.run(self.argv, input="".join(lines), text=True,
                           capture_output=True, timeout=600)
        took = time.perf_counter() - t
        if r.returncode != 0 or r.stdout.strip() or r.stderr.strip():
            raise RuntimeError("spp: %s" % (r.stdout + r.stderr)[-500:])
        return took

    def batch(self, action, lo, hi):
        """Changes lo..hi-1 in one run; their mean time each."""
        lines = []
        for i in range(lo, hi):
            e = entry(i, action)
            lines.append("vf 2; classifier_table %s mac %s %s\n" % (
                action, e["mac_address"], e["port"]))
        return max(self.run(lines) - self.idle, 0.0) / (hi - lo)

    def close(self):
        pass


def cli_changes(client, action, n):
    """Per-change times (each the mean of the run) of n changes."""
    return [client.batch(action, 0, n)] * n


def entry(i, action):
    return {"action": action, "type": "mac",
            "mac_address": "52:54:%02x:%02x:%02x:%02x" % (
                i >> 24 & 0xff, i >> 16 & 0xff, i >> 8 & 0xff, i & 0xff),
            "port": "ring:%d" % (1 + i % 2)}


def one_by_one(client, action, n, budget):
    """Times of the changes done within budget seconds."""
    path = "/v1/vfs/2/classifier_table"
    times = []
    start = time.perf_counter()
    for i in range(n):
        t = time.perf_counter()
        code = client.put(path, entry(i, action))
        if code != 204:
            raise RuntimeError("classifier_table %s %d: HTTP %d" %
                               (action, i, code))
        times.append(time.perf_counter() - t)
        if time.perf_counter() - start > budget:
            break
    return times


def mean_ms(times):
    return round(1e3 * sum(times) / len(times), 3) if times else None


def record_of(s):
    """The entries of vf 2's record on disk."""
    with open(os.path.join(s.state_dir, "state.json")) as f:
        cmds = json.load(f)["processes"]["vf 2"]["commands"]
    return sum(c.startswith("classifier_table ") for c in cmds)


def measure(who, client_cls, state):
    """state: False (--no-state), "always" or "lazy" (--state-sync)."""
    if state:
        s = SyncSpp("bench_ctl", state, nb_rings=4)
    else:
        s = BenchSpp("bench_ctl", nb_rings=4, state=False)
    CLEANUP.push("spp bench_ctl", s.close)
    try:
        s.start_primary(lcores="0@%d" % CFG.main_cpu)
        s.start_vf(2, lcores="3@%d,4@%d" % (CFG.main_cpu, CFG.fwd_cpu))
        s.vf(2, "component start cls 4 classifier",
             "port add ring:0 rx cls", "port add ring:1 tx cls",
             "port add ring:2 tx cls")
        client = client_cls(s.ctl_port)
        try:
            if isinstance(client, Cli):
                adds = cli_changes(client, "add", N)
                dels = cli_changes(client, "del", N)
            else:
                adds = one_by_one(client, "add", N, BUDGET_S)
                dels = one_by_one(client, "del", len(adds), BUDGET_S)
        finally:
            client.close()
        left = len(s.vf_status(2)["classifier_table"])
        if left != len(adds) - len(dels):
            raise RuntimeError("%d entries left after %d adds and %d "
                               "deletes" % (left, len(adds), len(dels)))
        if state:
            # what is on disk once the delay is over: all of it
            wait_for(lambda: record_of(s) == left, timeout=5,
                     what="the record on disk")
        edges = not isinstance(client, Cli)
        r = {"who": who, "record": state, "n": len(adds),
             "complete": len(adds) == N,
             "total_s": round(sum(adds), 3),
             "first_ms": mean_ms(adds[:EDGE]) if edges else None,
             "last_ms": mean_ms(adds[-EDGE:]) if edges else None,
             "dels": len(dels), "del_total_s": round(sum(dels), 3),
             "del_last_ms": mean_ms(dels[-EDGE:])}
        log("ctlplane %s, record %s: %d adds in %.3f s (first %d %s ms, "
            "last %d %s ms each), deletes %.3f s" % (
                who, state or "off", r["n"], r["total_s"], EDGE,
                r["first_ms"], EDGE, r["last_ms"], r["del_total_s"]))
        return r
    finally:
        spp_done(s)


def scen_ctlplane():
    """Adds its figures to RESULTS; no row of the throughput table."""
    for who, cls, state in (("spp CLI (libcurl keep-alive)", Cli, False),
                            ("http.client keep-alive", KeepAlive, False),
                            ("requests.Session", Session, False),
                            ("http.client keep-alive", KeepAlive, "always"),
                            ("spp CLI (libcurl keep-alive)", Cli, "lazy"),
                            ("http.client keep-alive", KeepAlive, "lazy")):
        RESULTS.append(measure(who, cls, state))
    return []


def fmt(ms):
    return "-" if ms is None else "%.3f" % ms


def table(results):
    """Markdown table of RESULTS."""
    lines = ["| client | spp-ctl record | adds | total s | first %d ms | "
             "last %d ms | deletes | deletes s |" % (EDGE, EDGE),
             "|---|---|---|---|---|---|---|---|"]
    for r in results:
        lines.append("| %s | %s | %d%s | %.3f | %s | %s | %d | %.3f |" %
                     (r["who"], "--state-sync " + r["record"]
                      if r["record"] else "--no-state",
                      r["n"], "" if r["complete"] else
                      " (%g s budget)" % BUDGET_S, r["total_s"],
                      fmt(r["first_ms"]), fmt(r["last_ms"]), r["dels"],
                      r["del_total_s"]))
    return "\n".join(lines)
