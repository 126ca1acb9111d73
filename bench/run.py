#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The benchmark command: each scenario for SPP and for its anchors
(dpdk-testpmd, OVS-DPDK) on the same kind of ports, back to back, with one
forwarding lcore on one CPU (--cpus MAIN,FWD: control threads on MAIN, the
forwarding lcore / OVS PMD on FWD). Prints a table and writes JSON.

    bench/run.py [--quick] [--only SCENARIO[,SCENARIO]] [--json FILE]
                 [--md FILE] [--cpus MAIN,FWD]

Every process it starts is stopped at the end, pass or fail, and the
hugepage files and /var/run/dpdk directories of its prefixes are removed.
Run it through tools/bench.sh (which sets the machine up first)."""

import argparse
import datetime
import glob
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "system"))
import sppenv  # noqa: E402
from sppenv import Proc, Spp, wait_for  # noqa: E402

BUILD = os.path.join(ROOT, "build")
LOGDIR = os.path.join(BUILD, "bench-logs")
sppenv.LOGDIR = LOGDIR          # Proc() logs go there, not to test-logs
# SPP_BENCH_BIN: the SPP binaries of another build (e.g. to compare)
sppenv.BIN = os.environ.get("SPP_BENCH_BIN", sppenv.BIN)
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

STEADY_MODES = ("near", "far", "very-far")


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


def disturbed(res):
    """Why the figure res is not to be compared (the host slowed the
    forwarding CPU around it, or its windows vary by more than
    CFG.spread_threshold: something changed during it), or None. The
    probes around a figure do not see every slow-down during it, and a
    figure with steady windows may still sit between two slowed probes:
    either is enough."""
    if slowed(res):
        return "CPU slowed %.2fx" % slowdown(res)
    x = spread(res)
    if x is not None and x > CFG.spread_threshold:
        return "windows vary by %.0f%%" % (100 * x)
    return None


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


# -- the processes ----------------------------------------------------------
class BenchSpp(Spp):
    """sppenv.Spp whose close() stops exactly the processes it started."""

    def __init__(self, name, **kw):
        kw["start_primary"] = False
        super().__init__(name, **kw)

    def close(self):
        for p in reversed(self.procs):
            if p is not self.ctl:
                p.stop()
        self.ctl.stop()
        self.cleanup_dpdk_files()


def spp_node(name, nb_rings=8, pri_lcores=None, pri_args=(), vdevs=(),
             portmask="0x0"):
    """spp-ctl and spp_primary (pinned to the main CPU unless told)."""
    s = BenchSpp(name, nb_rings=nb_rings)
    CLEANUP.push("spp " + name, s.close)
    s.start_primary(vdevs=vdevs, portmask=portmask,
                    lcores=pri_lcores or "0@%d" % CFG.main_cpu,
                    extra=list(pri_args))
    return s


def spp_done(s):
    CLEANUP.pop(s.close)


class TestPmd:
    """dpdk-testpmd, io forwarding on its lcore 1 (CPU FWD), main lcore on
    CPU MAIN, stats printed every second; Tx-pps of a port is measured by
    testpmd itself between two prints (TSC)."""

    def __init__(self, name, vdevs=(), secondary_of=None, args=(),
                 mem=256, lcore_ids=(0, 1)):
        self.prefix = secondary_of.prefix if secondary_of else TESTPMD_PREFIX
        self.own = secondary_of is None
        argv = ["dpdk-testpmd", "--lcores", "%d@%d,%d@%d" % (
                    lcore_ids[0], CFG.main_cpu, lcore_ids[1], CFG.fwd_cpu),
                "--no-pci", "--file-prefix", self.prefix,
                "--log-level", "lib.eal:warning"]
        if self.own:
            rm_dpdk_files(self.prefix)
            argv += ["-m", str(mem)]
        else:
            argv += ["--proc-type", "secondary"]
        for v in vdevs:
            argv += ["--vdev", v]
        argv += ["--", "--forward-mode=io", "--auto-start", "--no-mlockall",
                 "--stats-period", "1"] + list(args)
        self.proc = Proc("testpmd-" + name, argv)
        CLEANUP.push("testpmd " + name, self.close)
        wait_for(lambda: "nb forwarding ports=" in self.proc.output() or
                 not self.proc.alive(), timeout=30, what="testpmd start")
        if not self.proc.alive():
            raise RuntimeError("testpmd died:\n" + self.proc.output()[-3000:])

    def blocks(self, port):
        out = self.proc.output()
        return [(int(m.group(1)), int(m.group(2))) for m in re.finditer(
            r"NIC statistics for port %d\s.*?TX-packets:\s+(\d+).*?"
            r"Tx-pps:\s+(\d+)" % port, out, re.S)]

    def rate(self, port, warmup=None, windows=None):
        """Median Tx-pps of `port` over `windows` prints after warmup,
        counted from now (the first print after this call may straddle
        it; the very first print of testpmd has no rate)."""
        warmup = CFG.warmup if warmup is None else warmup
        windows = CFG.windows if windows is None else windows
        skip = len(self.blocks(port)) + 1 + int(round(warmup))
        wait_for(lambda: len(self.blocks(port)) >= skip + windows or
                 not self.proc.alive(), timeout=warmup + windows + 15,
                 what="testpmd stats")
        b = self.blocks(port)[skip:skip + windows]
        if len(b) < windows:
            raise RuntimeError("testpmd: no stats\n" +
                               self.proc.output()[-3000:])
        rates = [float(pps) for _, pps in b]
        return statistics.median(rates), rates

    def close(self):
        self.proc.stop()
        if self.own:
            rm_dpdk_files(self.prefix)


class Ovs:
    """ovsdb-server and ovs-vswitchd-dpdk of our own: private db/run/log
    dirs (OVS_DIR), unix sockets only, DPDK with --no-pci, a small -m, its
    own --file-prefix and the given vdevs; one PMD thread on CPU FWD, the
    rest on CPU MAIN; a netdev bridge."""

    def __init__(self, vdevs, mem=512):
        self.d = OVS_DIR
        self.env = dict(os.environ, OVS_RUNDIR=self.d, OVS_LOGDIR=self.d,
                        OVS_DBDIR=self.d, OVS_SYSCONFDIR=self.d)
        self.procs = []
        self.kill_stale()
        os.makedirs(self.d)
        CLEANUP.push("ovs", self.close)
        db = os.path.join(self.d, "conf.db")
        sh(["ovsdb-tool", "create", db, OVS_SCHEMA])
        self.db = "unix:" + os.path.join(self.d, "db.sock")
        self.procs.append(Proc("ovsdb-server", [
            "taskset", "-c", str(CFG.main_cpu), "ovsdb-server", db,
            "--remote=punix:" + os.path.join(self.d, "db.sock"),
            "--unixctl=" + os.path.join(self.d, "ovsdb.ctl"),
            "--pidfile=" + os.path.join(self.d, "ovsdb.pid"),
            "--log-file=" + os.path.join(self.d, "ovsdb.log"),
            "-vconsole:off"], env=self.env))
        wait_for(lambda: os.path.exists(os.path.join(self.d, "db.sock")),
                 what="ovsdb-server")
        self.vsctl("--no-wait", "init")
        extra = "--no-pci -m %d --file-prefix %s %s" % (
            mem, OVS_PREFIX, " ".join("--vdev " + v for v in vdevs))
        self.vsctl("--no-wait", "set", "Open_vSwitch", ".",
                   "other_config:dpdk-init=true",
                   "other_config:dpdk-extra=" + extra,
                   "other_config:pmd-cpu-mask=0x%x" % (1 << CFG.fwd_cpu))
        self.ctl = os.path.join(self.d, "vswitchd.ctl")
        self.vswitchd = Proc("ovs-vswitchd", [
            "taskset", "-c", str(CFG.main_cpu), OVS_VSWITCHD, self.db,
            "--unixctl=" + self.ctl,
            "--pidfile=" + os.path.join(self.d, "vswitchd.pid"),
            "--log-file=" + os.path.join(self.d, "vswitchd.log"),
            "-vconsole:off"], env=self.env)
        self.procs.append(self.vswitchd)
        wait_for(lambda: self.vsctl("get", "Open_vSwitch", ".",
                                    "dpdk_initialized", check=False)
                 .stdout.strip() == "true" or not self.vswitchd.alive(),
                 timeout=60, what="ovs-vswitchd DPDK init")
        if not self.vswitchd.alive():
            raise RuntimeError("ovs-vswitchd died: " + self.logtail())
        self.vsctl("add-br", OVS_BRIDGE, "--", "set", "bridge", OVS_BRIDGE,
                   "datapath_type=netdev")

    def logtail(self):
        try:
            with open(os.path.join(self.d, "vswitchd.log")) as f:
                return f.read()[-3000:]
        except OSError:
            return "(no log)"

    def vsctl(self, *args, check=True):
        return sh(["ovs-vsctl", "--timeout=30", "--db=" + self.db] +
                  list(args), check=check, env=self.env)

    def ofctl(self, *args, check=True):
        return sh(["ovs-ofctl"] + list(args), check=check, env=self.env)

    def appctl(self, *args, check=True):
        return sh(["ovs-appctl", "-t", self.ctl] + list(args), check=check,
                  env=self.env)

    def add_port(self, name, ofport, typ="dpdk", **options):
        cmd = ["add-port", OVS_BRIDGE, name, "--", "set", "Interface", name,
               "type=" + typ, "ofport_request=%d" % ofport]
        cmd += ["options:%s=%s" % kv for kv in options.items()]
        self.vsctl(*cmd)
        st = self.vsctl("get", "Interface", name, "ofport").stdout.strip()
        if st != str(ofport):
            raise RuntimeError("ovs port %s: ofport %s\n%s" %
                               (name, st, self.logtail()))

    def flows(self, flows):
        """Replace the bridge's flows by `flows` (one per line)."""
        self.ofctl("del-flows", OVS_BRIDGE)
        path = os.path.join(self.d, "flows.txt")
        with open(path, "w") as f:
            f.write("\n".join(flows) + "\n")
        self.ofctl("add-flows", OVS_BRIDGE, path)

    def tx_packets(self, ofport):
        out = self.ofctl("dump-ports", OVS_BRIDGE, str(ofport)).stdout
        m = re.search(r"port\s+%d:.*?tx pkts=(\d+)" % ofport, out, re.S)
        return int(m.group(1))

    def pmd_stats(self):
        out = self.appctl("dpif-netdev/pmd-stats-show").stdout
        pmd = out.split("main thread")[0]
        st = {}
        for key, pat in (("packets", r"packets received:\s+(\d+)"),
                         ("cyc_pkt", r"avg cycles per packet:\s+([\d.]+)"),
                         ("proc_cyc_pkt",
                          r"avg processing cycles per packet:\s+([\d.]+)"),
                         ("emc_hits", r"emc hits:\s+(\d+)"),
                         ("smc_hits", r"smc hits:\s+(\d+)"),
                         ("megaflow_hits", r"megaflow hits:\s+(\d+)"),
                         ("upcalls", r"miss with success upcall:\s+(\d+)"),
                         ("idle_pct", r"idle cycles:\s+\d+\s+\(([\d.]+)%")):
            m = re.search(pat, pmd)
            st[key] = float(m.group(1)) if m else None
        return st

    def measure(self, out_port):
        """pps out of out_port (dump-ports deltas), cycles per packet of
        the PMD (pmd-stats-show over the same windows)."""
        time.sleep(CFG.warmup)
        self.appctl("dpif-netdev/pmd-stats-clear")
        pps, rates = sample_rate(lambda: self.tx_packets(out_port),
                                 warmup=0)
        st = self.pmd_stats()
        return pps, rates, st

    def kill_stale(self):
        """What a killed earlier run may have left: our pidfiles only."""
        for pf in ("vswitchd.pid", "ovsdb.pid"):
            try:
                with open(os.path.join(self.d, pf)) as f:
                    pid = int(f.read().strip())
                with open("/proc/%d/cmdline" % pid) as f:
                    if OVS_DIR not in f.read():
                        continue
                os.kill(pid, signal.SIGKILL)
                log("killed stale ovs pid", pid)
            except (OSError, ValueError):
                pass
        sh(["ip", "link", "del", OVS_BRIDGE], check=False)
        shutil.rmtree(self.d, ignore_errors=True)
        rm_dpdk_files(OVS_PREFIX)

    def close(self):
        if self.vswitchd.alive():
            self.vsctl("--if-exists", "del-br", OVS_BRIDGE, check=False)
            self.appctl("exit", "--cleanup", check=False)
            try:
                self.vswitchd.p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        for p in reversed(self.procs):
            p.stop()
        sh(["ip", "link", "del", OVS_BRIDGE], check=False)
        shutil.rmtree(self.d, ignore_errors=True)
        rm_dpdk_files(OVS_PREFIX)


def ovs_available():
    return os.access(OVS_VSWITCHD, os.X_OK)


def ovs_missing():
    """The OVS column of a scenario when OVS-DPDK is not installed."""
    return {"who": "OVS", "error": "openvswitch-switch-dpdk not installed"}


# -- scenarios --------------------------------------------------------------
def ratio(ours, anchor):
    return round(ours["mpps"] / anchor["mpps"], 3) if anchor.get("mpps") \
        else None


def row(name, desc, ours, anchors, targets=None, cross_core=False,
        notes="", compare_modes=None):
    """compare_modes (default: cross_core): the anchors cross cores too,
    so a ratio is judged only when both ran in the same steady mode."""
    r = {"scenario": name, "desc": desc, "ours": ours, "anchors": anchors,
         "ratios": {a["who"]: ratio(ours, a) for a in anchors
                    if "mpps" in a},
         "targets": targets or {}, "cross_core": cross_core,
         "notes": notes}
    r["met"] = {k: (r["ratios"].get(k) is not None and
                    r["ratios"][k] >= v) for k, v in r["targets"].items()}
    # a ratio of figures taken in different core-to-core modes, or with
    # the forwarding CPU slowed by the host, says more about the machine
    # than about the contenders
    why = {}
    for a in anchors:
        if "mpps" not in a or "mpps" not in ours:
            continue
        if (cross_core if compare_modes is None else compare_modes) and \
                (mode_of(a) != mode_of(ours) or
                 mode_of(ours) not in STEADY_MODES):
            why[a["who"]] = "modes differ or changed"
        else:
            bad = next((x for x in (ours, a) if disturbed(x)), None)
            if bad is not None:
                why[a["who"]] = "%s: %s" % (bad["who"], disturbed(bad))
    r["not_comparable"] = sorted(why)
    r["not_comparable_why"] = why
    for k in why:
        r["met"].pop(k, None)
    return r


def mode_of(res):
    return res.get("xcore", {}).get("mode")


def failed(who, e):
    log("%s failed: %s" % (who, e))
    return {"who": who, "error": str(e).splitlines()[0][:200]}


OUR_PREFIXES = ("spptest_bench_", TESTPMD_PREFIX, OVS_PREFIX,
                "spp_bench_", VM_PREFIX)


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


def s1_spp():
    s = spp_node("bench_s1", nb_rings=2)
    try:
        s.start_nfv(1, lcores="1@%d,2@%d" % (CFG.main_cpu, CFG.fwd_cpu),
                    extra=["--busy-poll"])
        s.nfv(1, "add nullpmd:0", "add nullpmd:1",
              "patch nullpmd:0 nullpmd:1", "forward")

        def snap():
            st = s.nfv_status(1)
            return (s.port_stats(st, "nullpmd:1")["tx"],
                    busy_cycles(st, 2))
        pps, rates, a, b, _ = sample_snaps(snap)
        s.nfv(1, "stop")
        return result("spp_nfv", pps, rates,
                      busy_cyc_pkt=busy_per_frame(a, b))
    finally:
        spp_done(s)


# net_null1 has no rx: only the 0 -> 1 direction carries frames, as in
# SPP's one patch (SPP does not poll nullpmd:1 at all; testpmd and OVS poll
# an always empty rx queue, a few cycles per burst)
NULL_VDEVS = ["net_null0", "net_null1,no-rx=1"]


def s1_testpmd():
    t = TestPmd("s1", NULL_VDEVS)
    try:
        pps, rates = t.rate(1)
        return result("testpmd", pps, rates)
    finally:
        CLEANUP.pop(t.close)


def ovs_to_null(vdevs, src, flows):
    """OVS with ethdev src (net_...) as port 1 and net_null1 as port 2,
    the flows, measured out of port 2. Each frame is received once, so the
    PMD's own cycles per packet are per frame."""
    o = Ovs(vdevs)
    try:
        o.add_port(src[len("net_"):], 1, **{"dpdk-devargs": src})
        o.add_port("null1", 2, **{"dpdk-devargs": "net_null1"})
        o.flows(flows)
        pps, rates, st = o.measure(2)
        return result("OVS", pps, rates, cyc=st["cyc_pkt"], pmd_stats=st,
                      cyc_pkt_tsc=round(CFG.tsc_hz / pps, 1),
                      busy_cyc_pkt=st["proc_cyc_pkt"])
    finally:
        CLEANUP.pop(o.close)


def s1_ovs():
    return ovs_to_null(NULL_VDEVS, "net_null0",
                       ["in_port=1,actions=output:2"])


def scen_nullpmd():
    # single core, but the host may slow the CPU down during a figure:
    # rounds until no contender's figure was taken on a slowed CPU
    ours, *anchors = comparable_rounds(
        [("spp_nfv", s1_spp), ("testpmd", s1_testpmd)] +
        ([("OVS", s1_ovs)] if ovs_available() else []), cross_core=False)
    if not ovs_available():
        anchors.append(ovs_missing())
    return [row("1 nullpmd", "nullpmd:0 -> nullpmd:1, 64 B, one lcore",
                ours, anchors, targets={"testpmd": 0.95, "OVS": 4.0})]


# scenario 2: ring:0 -> ring:1 on the forwarding CPU; the primary's own
# forwarder (lcore 3, on the main CPU) is the generator (nullpmd:0 ->
# ring:0) and the sink (ring:1 -> nullpmd:1). Frames the generator cannot
# put into a full ring:0 are dropped by it and not counted.
def ring_node(name):
    s = spp_node(name, nb_rings=2,
                 pri_lcores="0@%d,3@%d" % (CFG.main_cpu, CFG.main_cpu),
                 pri_args=["--pool-name", "mb_pool_0", "--busy-poll"])
    return s


def ring_gen(s, loop=False):
    """Generator and sink (loop=False), or: fill ring:0 from nullpmd:0,
    then only send what comes back on ring:1 into ring:0 again, so that a
    fixed population of at most 2046 mbufs circulates and the other CPU
    costs the same as the forwarder (no mbuf allocated or freed)."""
    if not loop:
        s.fwd("primary", "add nullpmd:0", "add nullpmd:1", "add ring:0",
              "add ring:1", "patch nullpmd:0 ring:0",
              "patch ring:1 nullpmd:1", "forward")
        return
    s.fwd("primary", "add nullpmd:0", "add ring:0", "add ring:1",
          "patch nullpmd:0 ring:0", "patch ring:1 ring:0", "forward")
    time.sleep(0.3)
    s.fwd("primary", "del nullpmd:0")


def ring_measure(s, nfv=False):
    """pps through the forwarder, and where frames were lost: the
    generator drops what does not fit into ring:0 (the forwarder is the
    bottleneck), the forwarder what does not fit into ring:1 (the sink
    is); with nfv, spp_nfv 1's busy cycles per frame."""
    def snap():
        st = s.fwd_status("primary")
        f = s.nfv_status(1) if nfv else None
        return (s.port_stats(st, "ring:1")["rx"],
                s.port_stats(st, "ring:0")["tx_drop"],
                s.port_stats(st, "ring:1")["tx_drop"]) + \
            ((s.port_stats(f, "ring:0")["rx"], busy_cycles(f, 2)) if nfv
             else ())
    pps, rates, a, b, dt = sample_snaps(snap)
    busy = {"busy_cyc_pkt": busy_per_frame(a[3:], b[3:])} if nfv else {}
    return pps, rates, {
        **busy,
        "gen_drop_mpps": round((b[1] - a[1]) / dt / 1e6, 2),
        # ring:1 tx_drop is shared by the forwarder's tx (ring counters
        # live in the primary)
        "fwd_drop_mpps": round((b[2] - a[2]) / dt / 1e6, 2)}


def s2_spp(loop=False):
    s = ring_node("bench_s2")
    try:
        s.start_nfv(1, lcores="1@%d,2@%d" % (CFG.main_cpu, CFG.fwd_cpu),
                    extra=["--busy-poll"])
        s.nfv(1, "add ring:0", "add ring:1", "patch ring:0 ring:1",
              "forward")
        ring_gen(s, loop)
        pps, rates, drops = ring_measure(s, nfv=True)
        s.fwd("primary", "stop")
        s.nfv(1, "stop")
        return result("spp_nfv", pps, rates, **drops)
    finally:
        spp_done(s)


def s2_testpmd(loop=False):
    s = ring_node("bench_s2t")
    try:
        # pipe:0 = ethdev 0 of the node: rx reads ring:0, tx writes ring:1
        s.ok(s.put("/primary/ports", {"action": "add", "port": "pipe:0",
                                      "rx": "ring:0", "tx": "ring:1"}), 204)
        t = TestPmd("s2", secondary_of=s, lcore_ids=(4, 5),
                    args=["--portmask=0x1", "--port-topology=loop"])
        try:
            ring_gen(s, loop)
            pps, rates, drops = ring_measure(s)
            s.fwd("primary", "stop")
            return result("testpmd", pps, rates, **drops)
        finally:
            CLEANUP.pop(t.close)
    finally:
        spp_done(s)


# scenario 3: PVP. nullpmd:0 -> vhost -> the VM -> vhost -> nullpmd:1 on
# one forwarding lcore (CPU FWD). The VM is testpmd on two virtio_user
# ports (its own prefix, --single-file-segments), io forwarding port 0 ->
# port 1, both its lcores on the main CPU: with two CPUs it shares that CPU
# with the control threads (idle while the figures are taken). The host
# copies every frame twice (into the guest's buffers, out of them); the
# guest only moves descriptors. Frames the VM's ring has no room for are
# dropped by the host and not counted.
PVP_VHOST = (20, 21)          # SPP's vhost:N listens on /tmp/sockN
PVP_SOCKS = ["/tmp/sock%d" % i for i in PVP_VHOST]


def pvp_vm(socks, what):
    """The VM on the vhost-user sockets `socks` (the host listens)."""
    v = sppenv.DpdkPeer(
        "bench_vm", ["virtio_user%d,path=%s,queue_size=1024" % (i, p)
                     for i, p in enumerate(socks)],
        lcores="0@%d,1@%d" % (CFG.main_cpu, CFG.main_cpu),
        extra=["--total-num-mbufs=8192"])
    CLEANUP.push("VM of " + what, v.close)
    return v.wait_ready()


def pvp_socks_gone():
    for p in PVP_SOCKS:
        if os.path.exists(p):
            os.unlink(p)


def s3_spp():
    pvp_socks_gone()
    s = spp_node("bench_s3", nb_rings=2)
    try:
        s.start_nfv(1, lcores="1@%d,2@%d" % (CFG.main_cpu, CFG.fwd_cpu),
                    extra=["--busy-poll"])
        v0, v1 = ("vhost:%d" % i for i in PVP_VHOST)
        s.nfv(1, "add nullpmd:0", "add nullpmd:1", "add " + v0,
              "add " + v1)
        vm = pvp_vm(PVP_SOCKS, "spp_nfv")
        try:
            s.nfv(1, "patch nullpmd:0 " + v0, "patch %s nullpmd:1" % v1,
                  "forward")
            def snap():
                st = s.nfv_status(1)
                return (s.port_stats(st, v0)["tx"],
                        s.port_stats(st, v0)["tx_drop"],
                        s.port_stats(st, v1)["rx"],
                        s.port_stats(st, "nullpmd:1")["tx"],
                        busy_cycles(st, 2))
            pps, rates, a, b, dt = sample_snaps(snap, lambda x: x[3])
            s.nfv(1, "stop")
            # where frames were lost: the VM's rx ring full (dropped by
            # SPP), or in the VM (taken by it, not given back)
            return result("spp_nfv", pps, rates, **{
                "busy_cyc_pkt": busy_per_frame(a[3:], b[3:]),
                "to_vm_drop_mpps": round((b[1] - a[1]) / dt / 1e6, 2),
                "in_vm_drop_mpps": round(
                    ((b[0] - a[0]) - (b[2] - a[2])) / dt / 1e6, 2)})
        finally:
            CLEANUP.pop(vm.close)
    finally:
        spp_done(s)
        pvp_socks_gone()


def s3_testpmd():
    pvp_socks_gone()
    # paired io streams 0 -> 1, 2 -> 3 (and the empty 1 -> 0, 3 -> 2)
    t = TestPmd("s3", ["net_null0",
                       "net_vhost0,iface=%s,queues=1" % PVP_SOCKS[0],
                       "net_vhost1,iface=%s,queues=1" % PVP_SOCKS[1],
                       "net_null1,no-rx=1"], mem=512,
                args=["--total-num-mbufs=16384"])
    try:
        vm = pvp_vm(PVP_SOCKS, "testpmd")
        try:
            pps, rates = t.rate(3)
            return result("testpmd", pps, rates)
        finally:
            CLEANUP.pop(vm.close)
    finally:
        CLEANUP.pop(t.close)
        pvp_socks_gone()


def s3_ovs():
    o = Ovs(NULL_VDEVS, mem=1024)
    try:
        o.add_port("null0", 1, **{"dpdk-devargs": "net_null0"})
        o.add_port("vhu0", 2, typ="dpdkvhostuser")
        o.add_port("vhu1", 3, typ="dpdkvhostuser")
        o.add_port("null1", 4, **{"dpdk-devargs": "net_null1"})
        o.flows(["in_port=1,actions=output:2",
                 "in_port=3,actions=output:4"])
        vm = pvp_vm([os.path.join(OVS_DIR, "vhu0"),
                     os.path.join(OVS_DIR, "vhu1")], "OVS")
        try:
            pps, rates, st = o.measure(4)
            # the PMD's own "cycles per packet" counts each frame twice
            # (received from null0, then from vhu1): TSC / pps instead,
            # and its processing cycles twice per frame for busy ones
            return result("OVS", pps, rates, pmd_stats=st,
                          busy_cyc_pkt=round(2 * st["proc_cyc_pkt"], 1)
                          if st["proc_cyc_pkt"] else None)
        finally:
            CLEANUP.pop(vm.close)
    finally:
        CLEANUP.pop(o.close)


def scen_pvp():
    ours, *anchors = comparable_rounds(
        [("spp_nfv", s3_spp), ("testpmd", s3_testpmd)] +
        ([("OVS", s3_ovs)] if ovs_available() else []))
    if not ovs_available():
        anchors.append(ovs_missing())
    return [row("3 vhost PVP",
                "nullpmd:0 -> vhost -> VM (virtio_user testpmd io, main "
                "CPU) -> vhost -> nullpmd:1, 64 B, one lcore; cycles = "
                "TSC of the forwarding CPU / delivered frame",
                ours, anchors, targets={"testpmd": 0.95, "OVS": 2.0},
                cross_core=True)]


def comparable_rounds(contenders, want=None, cross_core=True, speed=True):
    """Run the contenders [(who, fn)] back to back, up to CFG.rounds
    rounds, and keep the first round whose figures compare: none taken
    with the forwarding CPU slowed by the host, and for cross-core figures
    (which depend on the VM's core-to-core mode) all in one steady mode
    (`want`, if given: the mode of figures this round is compared with).
    Else the last round in which every figure is clean on its own (a
    steady mode, CPU not slowed), else the last round. Returns the kept
    round's results, each with every round's figures in "rounds"."""
    def clean(x):
        return not disturbed(x) and \
            (not cross_core or mode_of(x) in STEADY_MODES)

    def agree(rr):
        modes = {mode_of(x) for x in rr}
        return all(clean(x) for x in rr) and \
            (not cross_core or len(modes) == 1 and
             (want is None or modes == {want}))

    rounds = []
    for _ in range(CFG.rounds):
        res = [run_contender(who, fn, speed) for who, fn in contenders]
        rounds.append(res)
        if agree(res):
            break
        log("figures do not compare (modes %s%s; %s): another round" % (
            ", ".join(sorted(str(mode_of(x)) for x in res)),
            "; want " + want if want else "",
            ", ".join("%s %s" % (x["who"], disturbed(x) or "steady")
                      for x in res)))
    keep = next((rr for rr in reversed(rounds) if agree(rr)), None) or \
        next((rr for rr in reversed(rounds)
              if all(clean(x) for x in rr)), rounds[-1])
    for r in keep:
        r["rounds"] = [{"mpps": x.get("mpps"), "mode": mode_of(x),
                        "cpu_slowdown": slowdown(x),
                        "disturbed": disturbed(x)}
                       for rr in rounds for x in rr if x["who"] == r["who"]]
    return keep


def scen_ring():
    rows = []
    for loop in (False, True):
        ours, *anchors = comparable_rounds([
            ("spp_nfv", lambda: s2_spp(loop)),
            ("testpmd", lambda: s2_testpmd(loop))])
        rows.append(row(
            "2 ring" + (" loop" if loop else ""),
            "ring:0 -> ring:1, 64 B; on the other CPU the primary's "
            "forwarder " + ("returns ring:1 into ring:0 (fixed population "
                            "of mbufs)" if loop else
                            "is generator (nullpmd:0 -> ring:0) and sink "
                            "(ring:1 -> nullpmd:1)"),
            ours, anchors, targets={"testpmd": 0.9}, cross_core=True))
    return rows


# scenario 4: spp_vf's classifier on one lcore with 1, 64 and 4096 MACs in
# its table, against OVS-DPDK with one OpenFlow rule per MAC. The source
# is a pcap PMD replaying forever (infinite_rx=1) a file of VF_FRAMES
# 64-byte frames whose destination MACs go round the table in a shuffled
# order, so every entry is hit; the sink a null PMD. OVS polls the pcap
# port itself (port 1 -> port 2). spp_vf cannot: DPDK's pcap PMD replays
# forever only in the process that set its rx queue up (the primary); in
# a secondary its rx reads the file once (4096 frames, then nothing). So
# the primary's forwarder (lcore 3, main CPU) replays phy:0 (the pcap) into
# ring:0 and spp_vf's classifier (CPU FWD) takes ring:0 -> phy:1 (null):
# frames cross cores, as in scenario 2. The table sizes are also compared
# on one core, in a loop (s4_loop_spp).
VF_FRAMES = 4096
VF_MACS = (1, 64, 4096)

def vf_macs(n):
    return ["52:54:00:%02x:%02x:%02x" % (i >> 16, (i >> 8) & 0xff, i & 0xff)
            for i in range(n)]


def write_pcap(path, dsts, nframes=VF_FRAMES, size=64, seed=4):
    """nframes UDP frames of `size` bytes (FCS not included, as a null
    PMD's), destinations going round dsts, shuffled."""
    import random
    from scapy.all import IP, UDP, Ether, Raw, wrpcap
    order = [dsts[i % len(dsts)] for i in range(nframes)]
    random.Random(seed).shuffle(order)
    hdr = 14 + 20 + 8
    pkts = [Ether(src="02:00:00:00:00:01", dst=d) /
            IP(src="10.0.0.1", dst="10.0.0.2") /
            UDP(sport=1000 + i % 50000, dport=2000) /
            Raw(b"\0" * (size - hdr)) for i, d in enumerate(order)]
    wrpcap(path, pkts)

    def rm():
        if os.path.exists(path):
            os.unlink(path)
    CLEANUP.push("pcap file " + path, rm)
    return rm


def pcap_vdev(path, i=0):
    return "net_pcap%d,rx_pcap=%s,infinite_rx=1" % (i, path)


def table_add(s, cid, macs, port):
    """classifier_table add mac MAC port for every MAC, on one HTTP
    connection (one REST request per entry, as the CLI would)."""
    import requests
    with requests.Session() as http:
        for mac in macs:
            r = http.put(s.base + "/vfs/%d/classifier_table" % cid,
                         json={"action": "add", "type": "mac",
                               "mac_address": mac, "port": port},
                         timeout=30)
            s.ok(r, 204)


def vf_pcap(n):
    return "/tmp/sppbench_vf%d.pcap" % n


def s4_spp_measure(s, k):
    """The primary's forwarder replays phy:k into ring:0 while the
    classifier (rx ring:0, tx phy:NULL) runs."""
    s.fwd("primary", "add phy:%d" % k, "patch phy:%d ring:0" % k, "forward")

    def snap():
        st = s.vf_status(2)
        return (s.port_stats(st, "phy:%d" % len(VF_MACS))["tx"],
                busy_cycles(st, 4),
                s.port_stats(s.fwd_status("primary"), "ring:0")["tx_drop"])
    try:
        pps, rates, a, b, dt = sample_snaps(snap)
    finally:
        s.fwd("primary", "stop", "patch reset", "del phy:%d" % k)
    # frames the generator could not put into a full ring:0: the
    # classifier was the bottleneck (none: the generator was)
    return result("spp_vf", pps, rates, busy_cyc_pkt=busy_per_frame(a, b),
                  gen_drop_mpps=round((b[2] - a[2]) / dt / 1e6, 2))


def s4_spp():
    """spp_vf with 1, 64, then 4096 entries (the table grows; one node):
    {n: result}. Every REST command to a process takes ~40 ms here (the
    spp-ctl channel), so 4096 entries take minutes to add: they are added
    once, not per table size or round."""
    null = len(VF_MACS)
    s = spp_node("bench_s4", nb_rings=2,
                 pri_lcores="0@%d,3@%d" % (CFG.main_cpu, CFG.main_cpu),
                 pri_args=["--busy-poll"],
                 vdevs=[pcap_vdev(vf_pcap(n), k)
                        for k, n in enumerate(VF_MACS)] +
                 ["net_null%d" % null],
                 portmask="0x%x" % ((1 << (null + 1)) - 1))
    out = {}
    try:
        s.fwd("primary", "add ring:0")
        s.start_vf(2, lcores="3@%d,4@%d" % (CFG.main_cpu, CFG.fwd_cpu),
                   extra=["--busy-poll"])
        s.vf(2, "component start cls1 4 classifier",
             "port add phy:%d tx cls1" % null, "port add ring:0 rx cls1")
        have = 0
        for k, n in enumerate(VF_MACS):
            t0 = time.monotonic()
            table_add(s, 2, vf_macs(n)[have:], "phy:%d" % null)
            log("spp_vf: %d entries added in %.1f s" %
                (n - have, time.monotonic() - t0))
            have = n
            # the sizes are compared with each other: same mode as the
            # first one if the machine allows
            want = out[VF_MACS[0]]["xcore"]["mode"] if out else None
            res, = comparable_rounds([("spp_vf %d" % n,
                                      lambda: s4_spp_measure(s, k))],
                                    want=want if want in STEADY_MODES
                                    else None,
                                    # the classifier busy-polls ring:0
                                    # between figures
                                    speed=False)
            res["who"] = "spp_vf"
            out[n] = res
        st = [c for c in s.vf_status(2)["components"]
              if c.get("name") == "cls1"][0]["stats"]
        s.vf(2, "component stop cls1")
        if st["drop"]:
            for r in out.values():
                r["error"] = "classifier dropped %d frames" % st["drop"]
        return out
    finally:
        spp_done(s)


# The same classifier with its table sizes on one lcore and no other CPU
# involved: frames go round a loop, rx ring:0 -> classifier -> tx ring:0
# (all entries point at ring:0), 4096 of them in a ring of 8192
# (--ring-size), put there once by spp_nfv from a pcap file. No generator
# and no core-to-core transfer set the rate, so the table sizes compare
# steadily; each frame also pays a ring dequeue and enqueue, and the
# figures are not comparable with OVS's (pcap rx and null tx).
VF_LOOP_RING = 8192


def ring0_count(s):
    return [r for r in s.pri_status()["ring_ports"] if r["id"] == 0][0][
        "count"]


def s4_loop_seed(s, n):
    """Empty ring:0, then put the VF_FRAMES frames of the n-MAC file in."""
    pcap = 80
    s.nfv(1, "add ring:0", "add nullpmd:0", "patch ring:0 nullpmd:0",
          "forward")
    wait_for(lambda: ring0_count(s) == 0, what="ring:0 empty")
    s.nfv(1, "stop", "patch reset", "del nullpmd:0")
    shutil.copy(vf_pcap(n), "/tmp/spp-rx%d.pcap" % pcap)
    try:
        s.nfv(1, "add pcap:%d" % pcap, "patch pcap:%d ring:0" % pcap,
              "forward")
        wait_for(lambda: s.port_stats(s.nfv_status(1), "pcap:%d" % pcap)
                 ["rx"] >= VF_FRAMES, what="the loop seeded")
        s.nfv(1, "stop", "patch reset", "del pcap:%d" % pcap, "del ring:0")
    finally:
        for f in ("/tmp/spp-rx%d.pcap", "/tmp/spp-tx%d.pcap"):
            if os.path.exists(f % pcap):
                os.unlink(f % pcap)
    held = ring0_count(s)
    if held != VF_FRAMES:
        raise RuntimeError("ring:0 holds %d frames, not %d" % (
            held, VF_FRAMES))


def s4_loop_spp():
    """{n: result} of the loop for each table size (the table grows)."""
    s = spp_node("bench_s4l", nb_rings=1,
                 pri_args=["--ring-size", str(VF_LOOP_RING)])
    out = {}
    try:
        s.start_nfv(1, lcores="1@%d,2@%d" % (CFG.main_cpu, CFG.main_cpu))
        s.start_vf(2, lcores="3@%d,4@%d" % (CFG.main_cpu, CFG.fwd_cpu),
                   extra=["--busy-poll"])
        have = 0
        for n in VF_MACS:
            s4_loop_seed(s, n)
            # the entries before the rx port: every frame has one
            s.vf(2, "component start cls1 4 classifier",
                 "port add ring:0 tx cls1")
            table_add(s, 2, vf_macs(n)[have:], "ring:0")
            have = n
            s.vf(2, "port add ring:0 rx cls1")

            def snap():
                st = s.vf_status(2)
                c = [c for c in st["components"]
                     if c.get("name") == "cls1"][0]["stats"]
                return c["tx"], busy_cycles(st, 4), c["drop"]
            try:
                def measure():
                    pps, rates, a, b, _ = sample_snaps(snap)
                    if b[2] != a[2]:
                        raise RuntimeError("the classifier dropped %d "
                                           "frames" % (b[2] - a[2]))
                    return result("spp_vf", pps, rates,
                                  busy_cyc_pkt=busy_per_frame(a, b))
                out[n] = run_contender("spp_vf loop %d" % n, measure,
                                       speed=False)
            finally:
                s.vf(2, "component stop cls1")
        return out
    finally:
        spp_done(s)


def s4_ovs(n):
    return ovs_to_null([pcap_vdev(vf_pcap(n)), "net_null1,no-rx=1"],
                       "net_pcap0",
                       ["dl_dst=%s,actions=output:2" % m for m in vf_macs(n)])


def scen_vf():
    rms = [write_pcap(vf_pcap(n), vf_macs(n)) for n in VF_MACS]
    try:
        try:
            ours = s4_spp()
        except Exception as e:
            ours = {n: failed("spp_vf %d" % n, e) for n in VF_MACS}
        try:
            loop = s4_loop_spp()
        except Exception as e:
            loop = {n: failed("spp_vf loop %d" % n, e) for n in VF_MACS}
        anchors = {}
        for n in VF_MACS:
            if ovs_available():
                anchors[n] = run_contender("OVS %d" % n, lambda: s4_ovs(n))
            else:
                anchors[n] = ovs_missing()
            anchors[n]["who"] = "OVS"
    finally:
        for rm in rms:
            CLEANUP.pop(rm)
    rows = []
    for n in VF_MACS:
        note, targets, r = "", {}, ours[n]
        if n == VF_MACS[-1]:
            targets = {"OVS": 3.0}
            note = cyc_ratio_note(ours, "busy_cyc_pkt", None)
        # the generator drops what ring:0 cannot take: few drops mean the
        # classifier kept up and the generator set the rate
        if "gen_drop_mpps" in r and r["gen_drop_mpps"] < 0.05 * r["mpps"]:
            note += ("; " if note else "") + "ring:0 nearly never full " \
                "(%.2f Mpps dropped by the generator): the generator on " \
                "the other CPU, not the classifier, set the rate (busy " \
                "cycles are what the classifier spent)" % r["gen_drop_mpps"]
        rows.append(row(
            "4 vf %d MAC%s" % (n, "" if n == 1 else "s"),
            "spp_vf classifier ring:0 -> phy:3 (null PMD), %d table "
            "entries; the primary's forwarder on the other CPU replays "
            "a pcap PMD with %d 64 B frames to the %d MACs into ring:0; "
            "OVS: the same pcap port -> a null port on its PMD, one rule "
            "dl_dst=MAC,actions=output:2 per MAC" % (n, VF_FRAMES, n),
            r, [anchors[n]], targets=targets, cross_core=True, notes=note,
            # OVS reads the pcap port itself: no core-to-core mode of its
            # own to match
            compare_modes=False))
    for n in VF_MACS:
        rows.append(row(
            "4 vf loop %d MAC%s" % (n, "" if n == 1 else "s"),
            "spp_vf classifier rx ring:0 -> tx ring:0 on one lcore, %d "
            "table entries, %d frames to the %d MACs going round a ring "
            "of %d" % (n, VF_FRAMES, n, VF_LOOP_RING), loop[n], [],
            notes=cyc_ratio_note(loop, "cyc_pkt", 1.3)
            if n == VF_MACS[-1] else ""))
    return rows


def cyc_ratio_note(res, key, target):
    """The cycles/pkt (`key`) of the largest table over the 1-entry one,
    of the results {n: result}: judged against target (single-core
    figures), or for information (target None: cross-core figures, with
    their modes)."""
    first, last = res[VF_MACS[0]], res[VF_MACS[-1]]
    if "error" in first or "error" in last or not first.get(key) or \
            not last.get(key):
        return ""
    x = last[key] / first[key]
    last["cyc_ratio_to_1mac"] = round(x, 3)
    if disturbed(first) or disturbed(last):
        verdict = "not comparable: %s" % "; ".join(
            "%d MAC%s %s" % (n, "" if n == 1 else "s", disturbed(res[n]))
            for n in (VF_MACS[0], VF_MACS[-1]) if disturbed(res[n]))
    elif target is None:
        verdict = "for information, the target is judged on the loop; " \
            "core-to-core mode %s, then %s" % tuple(
                c["xcore"]["mode"] for c in (first, last))
    else:
        verdict = "target <= %gx %s" % (target,
                                        "met" if x <= target else "MISSED")
    return "spp_vf %s %d MACs / 1 MAC: %.2fx (%s)" % (
        "cycles/pkt" if key == "cyc_pkt" else "busy cycles/pkt",
        VF_MACS[-1], x, verdict)


# scenario 5: spp_mirror on one lcore: phy:0 (net_null0 of the primary,
# frames of SIZE bytes) -> tx phy:1 + a copy to phy:2; the anchor is
# spp_nfv's plain patch phy:0 -> phy:1 on the same ports (no copy)
def bench_copy():
    try:
        return {r["bytes"]: r for r in
                json.loads(sh([COPY, "--json"], timeout=120).stdout)}
    except Exception as e:
        log("bench_copy failed:", e)
        return {}


def phy_rx(s, port=0):
    return [p for p in s.pri_status()["phy_ports"] if p["id"] == port][0]["rx"]


def scen_mirror():
    rows = []
    costs = bench_copy()
    for size in (64, 1500):
        s = spp_node("bench_s5", nb_rings=2,
                     vdevs=["net_null0,size=%d" % size, "net_null1",
                            "net_null2"], portmask="0x7")
        try:
            def nfv():
                s.start_nfv(1, lcores="1@%d,2@%d" % (CFG.main_cpu,
                                                     CFG.fwd_cpu),
                            extra=["--busy-poll"])
                s.nfv(1, "add phy:0", "add phy:1", "patch phy:0 phy:1",
                      "forward")
                pps, rates = sample_rate(lambda: phy_rx(s))
                s.nfv(1, "stop", "patch reset", "del phy:0", "del phy:1")
                return result("nfv patch", pps, rates)
            anchor = run_contender("nfv patch", nfv)
            s.start_mirror(3, lcores="5@%d,6@%d" % (CFG.main_cpu,
                                                    CFG.fwd_cpu),
                           extra=["--busy-poll"])
            for mode in ("deep", "shallow", "auto"):
                def mirror():
                    s.mirror(3, "component start mr1 6 mirror " + mode,
                             "port add phy:0 rx mr1",
                             "port add phy:1 tx mr1",
                             "port add phy:2 tx mr1")
                    try:
                        pps, rates = sample_rate(lambda: phy_rx(s))
                    finally:
                        s.mirror(3, "component stop mr1")
                    return result("spp_mirror " + mode, pps, rates)
                ours = run_contender("mirror " + mode, mirror)
                c = costs.get(size, {})
                note = ""
                if c and "error" not in ours and "error" not in anchor:
                    note = ("copy %.0f cyc/pkt over the plain patch; "
                            "bench_copy: deep %.0f, clone %.0f" % (
                                ours["cyc_pkt"] - anchor["cyc_pkt"],
                                c["deep"], c["clone"]))
                r = row("5 mirror %s %dB" % (mode, size),
                        "spp_mirror phy:0 -> phy:1 + copy to phy:2 (%s), "
                        "%d B frames of a null PMD" % (mode, size),
                        ours, [dict(anchor)], notes=note)
                r["bench_copy"] = c
                rows.append(r)
        finally:
            spp_done(s)
    return rows


# scenario 6: spp_pcap capturing phy:0 (net_null0 of the primary, 64 B
# frames) into LZ4-compressed files on a tmpfs of our own: one receiver
# lcore (8, CPU FWD) and two writer lcores, 9 on CPU MAIN and 10 on CPU
# FWD; frames/s and MB/s written per writer from GET /v1/pcaps/ID, and the
# compressed MB/s from the files' sizes (files are deleted as they
# complete, --fsize PCAP_FSIZE, so the tmpfs stays small)
PCAP_DIR = "/tmp/sppbench-pcap"
PCAP_FSIZE = 16 << 20


def tmpfs(path, size="512m"):
    """Mount a tmpfs on path; returns its unmounter (also on CLEANUP)."""
    os.makedirs(path, exist_ok=True)
    sh(["mount", "-t", "tmpfs", "-o", "size=" + size, "sppbench", path])

    def umount():
        sh(["umount", path], check=False)
        try:
            os.rmdir(path)
        except OSError as e:
            log("tmpfs %s left: %s" % (path, e))
    CLEANUP.push("tmpfs " + path, umount)
    return umount


class Reaper:
    """Compressed bytes per writer: sizes of the files in the out dir
    (complete ones are counted, then deleted)."""

    def __init__(self, d):
        self.d, self.done = d, {}

    def poll(self):
        cur = {}
        for f in os.listdir(self.d):
            # spp_pcap.STAMP.PORT.WRITER.SEQ.pcap.lz4[.tmp]
            w = int(f.split(".")[3])
            path = os.path.join(self.d, f)
            try:
                size = os.path.getsize(path)
            except OSError:
                continue    # renamed meanwhile: counted next time
            if f.endswith(".tmp"):
                cur[w] = cur.get(w, 0) + size
            else:
                self.done[w] = self.done.get(w, 0) + size
                os.unlink(path)
        return {w: self.done.get(w, 0) + cur.get(w, 0)
                for w in set(self.done) | set(cur)}


def scen_pcap():
    umount = tmpfs(PCAP_DIR)
    try:
        s = spp_node("bench_s6", nb_rings=2, vdevs=["net_null0"],
                     portmask="0x1")
        try:
            lcores = "7@%d,8@%d,9@%d,10@%d" % (
                CFG.main_cpu, CFG.fwd_cpu, CFG.main_cpu, CFG.fwd_cpu)
            s.start_pcap(4, ["-c", "phy:0", "--out-dir", PCAP_DIR,
                             "--fsize", str(PCAP_FSIZE)], lcores=lcores)
            reaper = Reaper(PCAP_DIR)

            def snap():
                st = s.pcap_status(4)
                comp = reaper.poll()
                t = time.monotonic()
                ws = {c["core"]: c["stats"] for c in st["core"]
                      if c["role"] == "write"}
                rx = [c["stats"] for c in st["core"]
                      if c["role"] == "receive"][0]
                return t, ws, rx, comp

            def capture():
                s.capture(4, "start")
                try:
                    end = time.monotonic() + CFG.warmup
                    while time.monotonic() < end:
                        reaper.poll()
                        time.sleep(0.1)
                    pts = [snap()]
                    for _ in range(CFG.windows):
                        end = time.monotonic() + 1.0
                        while time.monotonic() < end:
                            reaper.poll()
                            time.sleep(0.1)
                        pts.append(snap())
                finally:
                    s.capture(4, "stop")
                    reaper.poll()
                return pts
            # no speed probe: at the stop the writer on CPU FWD still
            # compresses and writes what it holds, and a probe after it
            # would measure that (no anchor to compare with anyway)
            pts, xc, sp = probes_around(capture, speed=False)
            busy = foreign_load()
        finally:
            spp_done(s)
    finally:
        CLEANUP.pop(umount)
    rows = []
    cores = sorted(pts[0][1])
    rx_rates = [(b[2]["rx"] - a[2]["rx"]) / (b[0] - a[0])
                for a, b in zip(pts, pts[1:])]
    drop_rates = [(b[2]["drop"] - a[2]["drop"]) / (b[0] - a[0])
                  for a, b in zip(pts, pts[1:])]
    for i, core in enumerate(cores):
        def rates(key, src=1):
            return [(b[src][core][key] - a[src][core][key]) / (b[0] - a[0])
                    for a, b in zip(pts, pts[1:])]
        fr = rates("frames")
        by = rates("bytes")
        w = i + 1       # writers count from 1 in the file names
        comp = [(b[3].get(w, 0) - a[3].get(w, 0)) / (b[0] - a[0])
                for a, b in zip(pts, pts[1:])]
        cpu = int(lcores.split(",")[2 + i].split("@")[1])
        r = result("spp_pcap writer %d" % core, statistics.median(fr), fr,
                   mb_s=round(statistics.median(by) / 1e6, 1),
                   compressed_mb_s=round(statistics.median(comp) / 1e6, 1),
                   cpu=cpu, xcore=xc, cpu_speed=sp)
        if busy:
            r["foreign_load"] = busy
        rows.append(row(
            "6 pcap writer lcore %d (CPU %d)" % (core, cpu),
            "spp_pcap -c phy:0 (net_null0, 64 B), receiver lcore 8 on CPU "
            "%d, writers 9 on CPU %d and 10 on CPU %d, LZ4 files on a "
            "tmpfs" % (CFG.fwd_cpu, CFG.main_cpu, CFG.fwd_cpu), r, [],
            cross_core=True,
            notes="%.1f MB/s of frames written (pcap, uncompressed), "
            "%.2f MB/s compressed; receiver %.2f Mpps, of which %.2f Mpps "
            "dropped (writer rings full); cycles/pkt = TSC/pps with the "
            "CPU shared (upper bound)" % (
                r["mb_s"], r["compressed_mb_s"],
                statistics.median(rx_rates) / 1e6,
                statistics.median(drop_rates) / 1e6)))
    return rows


SCENARIOS = [
    ("nullpmd", scen_nullpmd),
    ("ring", scen_ring),
    ("pvp", scen_pvp),
    ("vf", scen_vf),
    ("mirror", scen_mirror),
    ("pcap", scen_pcap),
]


# -- output -----------------------------------------------------------------
def machine():
    m = {"date": datetime.datetime.now().astimezone().isoformat(
        timespec="seconds"), "kernel": platform.release()}
    lscpu = sh(["lscpu"], check=False).stdout
    for key, pat in (("cpu", r"Model name:\s+(.*)"),
                     ("cpus", r"^CPU\(s\):\s+(\d+)"),
                     ("hypervisor", r"Hypervisor vendor:\s+(.*)")):
        mm = re.search(pat, lscpu, re.M)
        m[key] = mm.group(1).strip() if mm else None
    m["dpdk"] = sh(["pkg-config", "--modversion", "libdpdk"],
                   check=False).stdout.strip()
    if ovs_available():
        v = sh([OVS_VSWITCHD, "--version"], check=False).stdout
        mm = re.search(r"\) (\S+)", v)
        m["ovs"] = mm.group(1) if mm else None
    m["tsc_hz"] = CFG.tsc_hz
    return m


def fmt(x, spec="%.2f"):
    return "-" if x is None else spec % x


def cell_mpps(c):
    return "%s %s" % (c["who"], "ERROR" if "error" in c else
                      fmt(c["mpps"]))


def cell_cycles(c):
    """TSC cycles per frame, and the busy ones where the contender counts
    them (SPP's workers, OVS's processing cycles)."""
    t = fmt(c["cyc_pkt"], "%.1f")
    if c.get("busy_cyc_pkt") is not None:
        t += " (busy %.1f)" % c["busy_cyc_pkt"]
    return t


def table(rows, m):
    head = ("| scenario | Mpps | ours / anchor (target) | cycles/pkt | "
            "core-to-core |\n|---|---|---|---|---|\n")
    lines = []
    for r in rows:
        allc = [r["ours"]] + r["anchors"]
        mpps = " · ".join(cell_mpps(c) for c in allc)
        rat = []
        for a in r["anchors"]:
            x = r["ratios"].get(a["who"])
            t = r["targets"].get(a["who"])
            s = "%s %s" % (fmt(x, "%.2fx"), a["who"])
            if a["who"] in r.get("not_comparable", ()):
                s += " (%s: not comparable)" % r.get(
                    "not_comparable_why", {}).get(a["who"], "modes differ")
            elif t is not None and x is not None:
                s += " (>= %gx %s)" % (t, "met" if x >= t else "MISSED")
            rat.append(s)
        cyc = " · ".join("-" if "error" in c else cell_cycles(c)
                         for c in allc)
        modes, ns = [], []
        for c in allc:
            xc = c.get("xcore")
            modes.append(xc["mode"] if xc else "-")
            if xc:
                ns += [x for x in (xc["ns_before"], xc["ns_after"]) if x]
        if len(set(modes)) == 1:
            modes = modes[:1]
        xcs = " · ".join(modes)
        if ns:
            xcs += " (%.0f-%.0f ns)" % (min(ns), max(ns))
        if not r["cross_core"]:
            xcs = "single core; probe: " + xcs
        dist = ["%s %s" % (c["who"], disturbed(c)) for c in allc
                if "error" not in c and disturbed(c)]
        if dist:
            xcs += "; " + ", ".join(dist)
        lines.append("| %s | %s | %s | %s | %s |" % (
            r["scenario"], mpps, " · ".join(rat) or "-", cyc, xcs))
    notes = ["- %s: %s" % (r["scenario"], r["notes"]) for r in rows
             if r.get("notes")]
    busy = [r["scenario"] for r in rows
            if any(c.get("foreign_load") for c in [r["ours"]] + r["anchors"])]
    if busy:
        notes.append("- other DPDK processes or a test run shared the CPUs "
                     "during: " + ", ".join(busy))
    return head + "\n".join(lines) + "\n" + \
        ("\n" + "\n".join(notes) + "\n" if notes else "")


def machine_line(m):
    return ("%s, %s CPUs%s, kernel %s, DPDK %s%s, TSC %.3f GHz, %s" % (
        m["cpu"], m["cpus"], " (%s guest)" % m["hypervisor"]
        if m.get("hypervisor") else "", m["kernel"], m["dpdk"],
        ", OVS %s" % m["ovs"] if m.get("ovs") else "", m["tsc_hz"] / 1e9,
        m["date"]))


def update_md(path, text):
    begin, end = "<!-- bench-table:begin -->", "<!-- bench-table:end -->"
    with open(path) as f:
        md = f.read()
    if begin not in md or end not in md:
        raise RuntimeError("%s has no %s ... %s block" % (path, begin, end))
    pre, rest = md.split(begin, 1)
    post = rest.split(end, 1)[1]
    with open(path, "w") as f:
        f.write(pre + begin + "\n" + text + end + post)


# -- main -------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help="0.5 s warm-up and 2 one-second windows (else 1 s "
                    "and 3)")
    ap.add_argument("--only", help="comma-separated scenarios: " +
                    ", ".join(n for n, _ in SCENARIOS))
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
    names = [n for n, _ in SCENARIOS]
    only = a.only.split(",") if a.only else names
    for n in only:
        if n not in names:
            ap.error("unknown scenario %s (have: %s)" % (n, ", ".join(names)))
    for exe in (XCORE, os.path.join(sppenv.BIN, "spp_nfv")):
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
                "spread_threshold": CFG.spread_threshold,
                "speed_base_cycles": CFG.speed_base}
    doc = {"machine": m, "settings": settings, "scenarios": rows,
           "errors": errors}
    os.makedirs(os.path.dirname(os.path.abspath(a.json)), exist_ok=True)
    with open(a.json, "w") as f:
        json.dump(doc, f, indent=1)
    text = "Machine: %s\n\n%s" % (machine_line(m), table(rows, m))
    print(text)
    if errors:
        print("errors: " + "; ".join("%s: %s" % (e["scenario"], e["error"])
                                     for e in errors))
    print("JSON: %s" % a.json)
    if a.md:
        cmd = "tools/bench.sh" + (" --quick" if a.quick else "") + \
            (" --only " + a.only if a.only else "")
        update_md(a.md, "%s\n\n`%s`, warm-up %g s, %d windows of 1 s "
                  "(median)\n\n%s" % (machine_line(m), cmd, CFG.warmup,
                                      CFG.windows, table(rows, m)))
    return 1 if errors or any("error" in c for r in rows
                              for c in [r["ours"]] + r["anchors"]) else 0


if __name__ == "__main__":
    sys.exit(main())
