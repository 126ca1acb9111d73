#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The benchmark command: each scenario for SPP and for its anchors
(dpdk-testpmd, OVS-DPDK) on the same kind of ports, back to back, with one
forwarding lcore on one CPU (--cpus MAIN,FWD: control threads on MAIN, the
forwarding lcore / OVS PMD on FWD). Prints a table and writes JSON.

    bench/run.py [--quick] [--only SCENARIO[,SCENARIO]] [--json FILE]
                 [--md FILE] [--cpus MAIN,FWD] [--lat-paths PATH[,PATH]]

Every process it starts is stopped at the end, pass or fail, and the
hugepage files and /var/run/dpdk directories of its prefixes are removed.
Run it through tools/bench.sh (which sets the machine up first).

The parts, in sppbench/ by role: base (settings, probes, sampling, clean-up),
contenders (SPP, testpmd, OVS per scenario), judging (what compares with
what), scenarios (contenders back to back, judged into rows), report (the
table, BENCHMARKS.md). SPP_BENCH_BIN=DIR takes the SPP binaries of another
build."""

import argparse
import json
import os
import signal
import sys

from sppbench.base import (BIN, BUILD, CFG, CLEANUP, LOGDIR, XCORE, log,
                           speed_probe, tsc_hz)
from sppbench.report import machine, machine_line, table, update_md
from sppbench import ctlplane, latency
from sppbench.scenarios import SCENARIOS


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help="0.5 s warm-up and 2 one-second windows (else 1 s "
                    "and 3)")
    ap.add_argument("--only", help="comma-separated scenarios: " +
                    ", ".join(n for n, _ in SCENARIOS))
    ap.add_argument("--lat-paths", default=",".join(latency.LAT_PATHS),
                    help="the latency scenario's paths (default all: %s)" %
                    ", ".join(latency.LAT_PATHS))
    ap.add_argument("--lat-rounds", type=int,
                    help="rounds of the latency scenario's contenders "
                    "(default: 3, --quick 2)")
    ap.add_argument("--json", default=os.path.join(BUILD, "bench.json"),
                    help="where the JSON goes (default build/bench.json)")
    ap.add_argument("--md", help="also put the table into this markdown "
                    "file (BENCHMARKS.md), between its bench-table markers")
    ap.add_argument("--cpus", default="0,1",
                    help="MAIN,FWD: control threads on MAIN, the forwarding"
                    " lcore on FWD (default 0,1)")
    ap.add_argument("--xcore-threshold-ns", type=float, default=90.0,
                    help="one-way hand-over below this is 'near' "
                    "(default 90)")
    ap.add_argument("--xcore-very-far-ns", type=float, default=400.0,
                    help="and from this on 'very-far' (default 400; "
                    "'far' in between)")
    ap.add_argument("--slow-threshold", type=float, default=1.10,
                    help="a figure taken while the forwarding CPU ran the "
                    "speed probe this many times slower than its fastest "
                    "in the run is not compared (default 1.10)")
    a = ap.parse_args()
    CFG.main_cpu, CFG.fwd_cpu = (int(x) for x in a.cpus.split(","))
    if a.quick:
        CFG.warmup, CFG.windows, CFG.rounds = 0.5, 2, 2
    CFG.xcore_threshold_ns = a.xcore_threshold_ns
    CFG.xcore_very_far_ns = a.xcore_very_far_ns
    CFG.slow_threshold = a.slow_threshold
    CFG.lat_paths = a.lat_paths.split(",")
    CFG.lat_rounds = a.lat_rounds or CFG.rounds
    for p in CFG.lat_paths:
        if p not in latency.LAT_PATHS:
            ap.error("unknown latency path %s (have: %s)" % (
                p, ", ".join(latency.LAT_PATHS)))
    names = [n for n, _ in SCENARIOS]
    only = a.only.split(",") if a.only else names
    for n in only:
        if n not in names:
            ap.error("unknown scenario %s (have: %s)" % (n, ", ".join(names)))
    for exe in (XCORE, os.path.join(BIN, "spp_nfv")):
        if not os.access(exe, os.X_OK):
            ap.error("%s missing: build first (tools/setup.sh)" % exe)

    # this script, spp-ctl, ovsdb-server, ... stay on the main CPU; DPDK
    # pins its lcores itself
    os.sched_setaffinity(0, {CFG.main_cpu})
    os.makedirs(LOGDIR, exist_ok=True)

    def on_signal(sig, frame):
        raise KeyboardInterrupt("signal %d" % sig)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    CFG.tsc_hz = tsc_hz()
    for _ in range(3):  # the reference speed, before any load
        speed_probe()
    m = machine()
    log("machine:", machine_line(m))
    rows, errors = [], []
    try:
        for n, fn in SCENARIOS:
            if n not in only:
                continue
            log("scenario", n)
            try:
                rows += fn()
            except Exception as e:
                log("scenario %s failed: %s" % (n, e))
                errors.append({"scenario": n, "error": str(e)})
            CLEANUP.run()
    finally:
        CLEANUP.run()
    settings = {"warmup_s": CFG.warmup, "windows": CFG.windows,
                "max_rounds_cross_core": CFG.rounds,
                "window_s": 1.0, "main_cpu": CFG.main_cpu,
                "fwd_cpu": CFG.fwd_cpu, "frame_bytes": 64,
                "xcore_threshold_ns": CFG.xcore_threshold_ns,
                "xcore_very_far_ns": CFG.xcore_very_far_ns,
                "slow_threshold": CFG.slow_threshold,
                "latency_paths": CFG.lat_paths,
                "latency_rounds": CFG.lat_rounds,
                "spread_threshold": CFG.spread_threshold,
                "speed_base_cycles": CFG.speed_base}
    doc = {"machine": m, "settings": settings, "scenarios": rows,
           "latency": latency.RESULTS, "idle": latency.IDLE,
           "ctlplane": ctlplane.RESULTS,
           "errors": errors}
    os.makedirs(os.path.dirname(os.path.abspath(a.json)), exist_ok=True)
    with open(a.json, "w") as f:
        json.dump(doc, f, indent=1)
    text = "Machine: %s\n\n%s" % (machine_line(m), table(rows, m))
    if latency.RESULTS:
        text += "\n\nRound trip (bench_latency):\n\n" + \
            latency.table(latency.RESULTS) + \
            "\n\nThe forwarding process with no traffic (/proc, 5 s):" \
            "\n\n" + \
            latency.idle_table(latency.IDLE)
    if ctlplane.RESULTS:
        text += "\n\nClassifier entries added one by one over REST:\n\n" + \
            ctlplane.table(ctlplane.RESULTS)
    print(text)
    if errors:
        print("errors: " + "; ".join("%s: %s" % (e["scenario"], e["error"])
                                     for e in errors))
    print("JSON: %s" % a.json)
    if a.md:
        cmd = "tools/bench.sh" + (" --quick" if a.quick else "") + \
            (" --only " + a.only if a.only else "") + \
            (" --lat-paths " + a.lat_paths if a.lat_paths !=
             ",".join(latency.LAT_PATHS) else "") + \
            (" --lat-rounds %d" % a.lat_rounds if a.lat_rounds else "")
        update_md(a.md, "%s\n\n`%s`, warm-up %g s, %d windows of 1 s "
                  "(median)\n\n%s" % (machine_line(m), cmd, CFG.warmup,
                                      CFG.windows, text.split("\n\n", 1)[1]))
    return 1 if errors or any("error" in c for r in rows
                              for c in [r["ours"]] + r["anchors"]) else 0


if __name__ == "__main__":
    sys.exit(main())
