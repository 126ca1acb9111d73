# SPDX-License-Identifier: BSD-3-Clause
"""Scenario latency: the round trip of frames through a path, measured by
bench_latency (frames stamped with the TSC on one lcore of the main CPU,
taken back on the same lcore). The generator is a secondary of the node on
pipe:0 (its tx writes ring:1, its rx reads ring:0); the path under test
takes ring:1 back to ring:0 on the forwarding CPU:

- rings, 1 hop: spp_nfv patches ring:1 -> ring:0, or dpdk-testpmd in io
  mode, a secondary on pipe:1 (rx ring:1, tx ring:0);
- rings, 2 hops: spp_nfv patches ring:1 -> ring:2 and ring:2 -> ring:0.

SPP runs with its default idle back-off and with --busy-poll. Each at a low
rate (10 kpps, one frame at a time) and a high one (1 Mpps in bursts of 32).
The figures are the generator's: p50, p99, p99.9 and max in microseconds,
and how many frames came back."""

import json
import os
import subprocess
import time

from .base import BUILD, CFG, CLEANUP, log, sppenv
from .contenders import TestPmd, spp_done, spp_node

LATENCY = os.path.join(BUILD, "bench", "bench_latency")
RATES = ((10000, 1), (1000000, 32))
SECONDS = 5
GEN_LCORE = 9
RESULTS = []  # filled by scen_latency(), read by run.py
IDLE = []  # the CPU an idle spp_nfv takes, per contender


def generate(s, rate, burst, seconds):
    """bench_latency on pipe:0 of node s: its JSON figures."""
    r = subprocess.run(
        ["taskset", "-c", str(CFG.main_cpu), LATENCY,
         "--lcores", "%d@%d" % (GEN_LCORE, CFG.main_cpu), "--no-pci",
         "--file-prefix", s.prefix, "--proc-type", "secondary",
         "--log-level", "lib.eal:error", "--",
         "--tx", "net_ring_spp_pipe0", "--rx", "net_ring_spp_pipe0",
         "--pool", "mb_pool_0", "--seconds", str(seconds),
         "--rate", str(rate), "--burst", str(burst), "--json"],
        capture_output=True, text=True, timeout=seconds + 60)
    if r.returncode != 0:
        raise RuntimeError("bench_latency: " + r.stderr[-2000:])
    return json.loads(r.stdout.strip().splitlines()[-1])


def lat_node(name, pipes=1):
    """A node with rings 0-2 and pipe:0 (rx ring:0, tx ring:1) for the
    generator; pipe:1 (rx ring:1, tx ring:0) for a third-party app."""
    s = spp_node(name, nb_rings=3,
                 pri_args=["--pool-name", "mb_pool_0"])
    specs = [("ring:0", "ring:1"), ("ring:1", "ring:0")][:pipes]
    for i, (rx, tx) in enumerate(specs):
        s.ok(s.put("/primary/ports", {"action": "add", "port": "pipe:%d" % i,
                                      "rx": rx, "tx": tx}), 204)
    return s


def measure(who, path, s):
    out = []
    for rate, burst in RATES:
        g = generate(s, rate, burst, SECONDS)
        g.update({"who": who, "path": path})
        log("latency %s, %s, %d pps: p50 %.1f p99 %.1f p99.9 %.1f max "
            "%.1f us, %d/%d back" % (who, path, rate, g["p50_us"],
                                     g["p99_us"], g["p999_us"], g["max_us"],
                                     g["received"], g["sent"]))
        out.append(g)
    return out


def spp_path(hops, busy):
    s = lat_node("bench_lat")
    try:
        nfv = s.start_nfv(1, lcores="1@%d,2@%d" % (CFG.main_cpu,
                                                   CFG.fwd_cpu),
                          extra=["--busy-poll"] if busy else [])
        cmds = ["add ring:0", "add ring:1"]
        if hops == 1:
            cmds += ["patch ring:1 ring:0"]
        else:
            cmds += ["add ring:2", "patch ring:1 ring:2",
                     "patch ring:2 ring:0"]
        s.nfv(1, *(cmds + ["forward"]))
        time.sleep(3)  # past the 2 s of short sleeps after traffic
        idle = sppenv.cpu_share(nfv.p.pid, 5.0)
        log("latency: spp_nfv %s with no traffic: %.1f%% of a CPU" % (
            "--busy-poll" if busy else "default", 100 * idle))
        IDLE.append({"who": "SPP " + ("--busy-poll" if busy else "default"),
                     "path": "rings, %d hop%s" % (hops, "s" if hops > 1
                                                  else ""),
                     "idle_cpu_pct": round(100 * idle, 1)})
        return measure("SPP " + ("--busy-poll" if busy else "default"),
                       "rings, %d hop%s" % (hops, "s" if hops > 1 else ""),
                       s)
    finally:
        spp_done(s)


def testpmd_path():
    s = lat_node("bench_latt", pipes=2)
    try:
        t = TestPmd("lat", secondary_of=s, lcore_ids=(4, 5),
                    args=["--portmask=0x2", "--port-topology=loop"])
        try:
            return measure("testpmd io", "rings, 1 hop", s)
        finally:
            CLEANUP.pop(t.close)
    finally:
        spp_done(s)


def scen_latency():
    """Adds its figures to RESULTS; no row of the throughput table."""
    for fn in (lambda: spp_path(1, False), lambda: spp_path(1, True),
               testpmd_path, lambda: spp_path(2, False),
               lambda: spp_path(2, True)):
        RESULTS.extend(fn())
    return []


def idle_table(idle):
    lines = ["| path | contender | CPU with no traffic |", "|---|---|---|"]
    for i in idle:
        lines.append("| %s | %s | %.1f%% |" % (i["path"], i["who"],
                                               i["idle_cpu_pct"]))
    return "\n".join(lines)


def table(results):
    """Markdown table of RESULTS."""
    lines = ["| path | contender | rate | back | p50 us | p99 us | "
             "p99.9 us | max us |", "|---|---|---|---|---|---|---|---|"]
    for g in results:
        lines.append("| %s | %s | %s pps x%d | %d/%d | %.1f | %.1f | %.1f | "
                     "%.1f |" % (g["path"], g["who"], "{:,}".format(
                         int(g["rate_pps"])), g["burst"], g["received"],
                         g["sent"], g["p50_us"], g["p99_us"], g["p999_us"],
                         g["max_us"]))
    return "\n".join(lines)
