# SPDX-License-Identifier: BSD-3-Clause
"""What every part of the benchmark uses: the settings (CFG, filled in by
run.py), paths, logging and commands, the clean-up of everything started,
the probes around a figure (TSC, core-to-core mode, CPU speed, other load)
and the sampling of rates into a contender's figure."""

import argparse
import glob
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "system"))
import sppenv  # noqa: E402
from sppenv import Proc, Spp, wait_for  # noqa: E402,F401

# SPP_BENCH_BIN: the SPP binaries of another build (to compare builds)
BIN = os.environ.get("SPP_BENCH_BIN", sppenv.BIN)
BUILD = os.path.join(ROOT, "build")
LOGDIR = os.path.join(BUILD, "bench-logs")
XCORE = os.path.join(BUILD, "bench", "bench_xcore")
COPY = os.path.join(BUILD, "bench", "bench_copy")
OVS_VSWITCHD = "/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk"
OVS_SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema"
OVS_DIR = "/tmp/sppbench-ovs"
OVS_PREFIX = "sppbench_ovs"
OVS_BRIDGE = "sppbbr0"
TESTPMD_PREFIX = "sppbench_tpmd"
VM_PREFIX = "spppeer_bench_vm"  # sppenv.DpdkPeer("bench_vm")


# settings, filled in by main()
CFG = argparse.Namespace(main_cpu=0, fwd_cpu=1, warmup=1.0, windows=3,
                         rounds=3,
                         xcore_threshold_ns=90.0,
                         xcore_very_far_ns=400.0, tsc_hz=None,
                         slow_threshold=1.10, speed_base=None,
                         spread_threshold=0.10)


def log(*a):
    print("bench:", *a, file=sys.stderr, flush=True)


def sh(cmd, check=True, env=None, timeout=60):
    r = subprocess.run(cmd, shell=isinstance(cmd, str), text=True,
                       capture_output=True, env=env, timeout=timeout)
    if check and r.returncode != 0:
        raise RuntimeError("%s: rc %d: %s%s" % (cmd, r.returncode, r.stdout,
                                                r.stderr))
    return r


def rm_dpdk_files(prefix):
    for f in glob.glob("/dev/hugepages/%smap_*" % prefix):
        os.unlink(f)
    shutil.rmtree("/var/run/dpdk/" + prefix, ignore_errors=True)


# -- clean-up: everything started registers its closer here ----------------
class Cleanup:
    def __init__(self):
        self.stack = []

    def push(self, what, fn):
        self.stack.append((what, fn))

    def pop(self, fn):
        """Run fn now (it is done with) and forget it."""
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][1] is fn:
                del self.stack[i]
                break
        fn()

    def run(self):
        while self.stack:
            what, fn = self.stack.pop()
            try:
                fn()
            except Exception as e:  # go on with the rest
                log("clean-up of %s failed: %s" % (what, e))


CLEANUP = Cleanup()


class Closing:
    """with Closing(obj): obj.close() at the end, and at exit if killed."""

    def __init__(self, obj, what):
        self.obj, self.what = obj, what
        CLEANUP.push(what, obj.close)

    def __enter__(self):
        return self.obj

    def __exit__(self, *exc):
        CLEANUP.pop(self.obj.close)
        return False


# -- measuring ------------------------------------------------------------
def tsc_hz():
    """TSC frequency: DPDK's rte_get_tsc_hz() (through bench_xcore), or
    /proc/cpuinfo's cpu MHz."""
    try:
        return float(json.loads(sh([XCORE, "--json", "--ms", "1"]).stdout)
                     ["tsc_hz"])
    except Exception:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"cpu MHz\s*:\s*([\d.]+)", f.read())
        return float(m.group(1)) * 1e6


def xcore_probe():
    """One-way cache-line hand-over between the two CPUs, and its mode."""
    try:
        r = json.loads(sh([XCORE, "--json", "--cpus", "%d,%d" %
                           (CFG.main_cpu, CFG.fwd_cpu), "--ms", "20"]).stdout)
    except Exception as e:
        return {"mode": "?", "ns": None, "error": str(e)}
    ns = r["oneway_ns"]
    mode = "near" if ns < CFG.xcore_threshold_ns else \
        "far" if ns < CFG.xcore_very_far_ns else "very-far"
    return {"mode": mode,
            "ns": round(ns, 1), "cycles": r["oneway_cycles"]}


def speed_probe():
    """How fast the forwarding CPU runs now: TSC cycles per round of
    bench_xcore's fixed loop (more when the host loads the sibling thread
    of the vCPU); the fastest seen in this run is the reference."""
    try:
        x = json.loads(sh([XCORE, "--json", "--speed", str(CFG.fwd_cpu)])
                       .stdout)["speed_cycles"]
    except Exception as e:
        log("speed probe failed:", e)
        return None
    CFG.speed_base = x if CFG.speed_base is None else min(CFG.speed_base, x)
    return x


def slowdown(res):
    """How much slower than the fastest probe of the run the forwarding
    CPU was around the figure res (1.0: not slowed), or None."""
    sp = res.get("cpu_speed") or {}
    xs = [x for x in (sp.get("before"), sp.get("after")) if x]
    return round(max(xs) / CFG.speed_base, 2) if xs and CFG.speed_base \
        else None


def slowed(res):
    x = slowdown(res)
    return x is not None and x > CFG.slow_threshold


def spread(res):
    """(max - min) / median of the windows of the figure res, or None."""
    w = res.get("windows_mpps") or []
    med = statistics.median(w) if len(w) > 1 else 0
    return (max(w) - min(w)) / med if med else None


def probes_around(fn, speed=True):
    """Run fn() between two pairs of probes (core-to-core mode, speed of
    the forwarding CPU); returns (fn(), mode of the run, speeds). speed
    False: no speed probe (a worker busy-polls on the forwarding CPU
    before and after fn, and the probe would only measure the sharing)."""
    before, sp0 = xcore_probe(), speed_probe() if speed else None
    res = fn()
    after, sp1 = xcore_probe(), speed_probe() if speed else None
    mode = before["mode"] if before["mode"] == after["mode"] else \
        "%s->%s" % (before["mode"], after["mode"])
    return res, {"mode": mode, "ns_before": before["ns"],
                 "ns_after": after["ns"]}, {"before": sp0, "after": sp1}


def sample_rate(read, warmup=None, windows=None):
    """Packets per second of a growing counter read(): after a warm-up,
    `windows` windows of one second; the median window and all of them."""
    warmup = CFG.warmup if warmup is None else warmup
    windows = CFG.windows if windows is None else windows
    time.sleep(warmup)

    def point():
        t0 = time.monotonic()
        c = read()
        return (t0 + time.monotonic()) / 2, c

    pts = [point()]
    for _ in range(windows):
        time.sleep(1.0)
        pts.append(point())
    rates = [(c1 - c0) / (t1 - t0) for (t0, c0), (t1, c1) in
             zip(pts, pts[1:])]
    return statistics.median(rates), rates


def sample_snaps(snap, rate_of=lambda x: x[0]):
    """sample_rate() of rate_of(snap()) (default: its first element), with
    snap() also taken right after the warm-up and after the last window:
    (pps, rates, first snap, last snap, seconds between them), so that
    counters other than the rate cover the same windows."""
    time.sleep(CFG.warmup)
    a = snap()
    t0 = time.monotonic()
    pps, rates = sample_rate(lambda: rate_of(snap()), warmup=0)
    b = snap()
    return pps, rates, a, b, time.monotonic() - t0


def result(who, pps, rates=None, cyc=None, **extra):
    """A contender's figures; cycles/packet default to TSC Hz / pps (the
    forwarding lcore is 100% busy when fed by a null PMD)."""
    r = {"who": who, "mpps": round(pps / 1e6, 3),
         "cyc_pkt": round(cyc if cyc is not None else
                          (CFG.tsc_hz / pps if pps else 0), 1)}
    if rates:
        r["windows_mpps"] = [round(x / 1e6, 3) for x in rates]
    r.update(extra)
    return r


def busy_cycles(st, lcore):
    """The busy TSC cycles so far of worker `lcore` in an SPP status (its
    "workers": passes that moved frames; polling and back-off are idle)."""
    for w in st["workers"]:
        if w["lcore"] == lcore:
            return w["busy_cycles"]
    raise KeyError("lcore %d is not a worker in status" % lcore)


def busy_per_frame(a, b):
    """Busy cycles per frame between two (frames, busy cycles) points."""
    return round((b[1] - a[1]) / (b[0] - a[0]), 1) if b[0] > a[0] else None


def failed(who, e):
    log("%s failed: %s" % (who, e))
    return {"who": who, "error": str(e).splitlines()[0][:200]}


OUR_PREFIXES = ("spptest_bench_", TESTPMD_PREFIX, OVS_PREFIX,
                "spp_bench_", VM_PREFIX, "spppeer_bench_lat")


def foreign_load():
    """Other DPDK processes (not ours) and pytest runs on the machine: they
    share the two CPUs and make figures lower; reported, not stopped."""
    found = []
    for d in glob.glob("/proc/[0-9]*"):
        try:
            with open(d + "/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        args = [a.decode(errors="replace") for a in argv]
        if "--file-prefix" in args:
            i = args.index("--file-prefix")
            pre = args[i + 1] if i + 1 < len(args) else ""
            if not pre.startswith(OUR_PREFIXES):
                found.append(os.path.basename(args[0]) + ":" + pre)
        elif any("pytest" in a for a in args[:3]):
            found.append("pytest")
    return sorted(set(found))


def run_contender(who, fn, speed=True):
    """fn() -> result dict; with the cross-core mode and the forwarding
    CPU's speed around it (see probes_around); errors become a result with
    "error" so the other contenders still run."""
    try:
        busy = foreign_load()
        res, xc, sp = probes_around(fn, speed)
        busy = sorted(set(busy) | set(foreign_load()))
        res["xcore"] = xc
        res["cpu_speed"] = sp
        if busy:
            res["foreign_load"] = busy
            log("%s: other processes were running: %s" %
                (who, " ".join(busy)))
        log("%-10s %8.2f Mpps %6.1f cyc/pkt  xcore %s  CPU x%s" %
            (who, res["mpps"], res["cyc_pkt"], xc["mode"], slowdown(res)))
        return res
    except Exception as e:
        return failed(who, e)
