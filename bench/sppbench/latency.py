# SPDX-License-Identifier: BSD-3-Clause
"""Scenario latency: the round trip of frames through a path, measured by
bench_latency (frames stamped with the TSC on one lcore of the main CPU,
taken back on the same lcore). The forwarder under test runs on the
forwarding CPU. The paths (LAT_PATHS, run.py --lat-paths):

- rings1: the generator is a secondary of the node on pipe:0 (its tx
  writes ring:1, its rx reads ring:0); spp_nfv patches ring:1 -> ring:0,
  or dpdk-testpmd in io mode, a secondary on pipe:1 (rx ring:1, tx
  ring:0);
- vf: the same pipe, spp_vf's classifier rx ring:1, tx ring:0, with 4096
  MACs in its table, all pointing at ring:0; every frame goes to one of
  them (the rings1 rows are spp_nfv on the same ports);
- rings2: spp_nfv patches ring:1 -> ring:2 and ring:2 -> ring:0;
- vhost: the generator is a DPDK primary of its own (a "VM") on two
  virtio_user ports, sending on the first and taking back on the second;
  the host switches vhost-user port 0 -> port 1: spp_nfv (vhost:42 ->
  vhost:43), testpmd io (net_vhost0/1), OVS-DPDK (two dpdkvhostuser
  ports, in_port=1,actions=output:2), OVS with other_config:pmd-maxsleep
  (OVS_MAXSLEEP_US);
- pvp: the generator on pipe:0; spp_nfv patches ring:1 -> vhost:44 and
  vhost:45 -> ring:0; a "VM" (testpmd io on virtio_user0/1, both lcores on
  the main CPU, as in scenario 3) takes vhost:44's frames back to
  vhost:45.

SPP runs with its default idle back-off and with --busy-poll. Each at a low
rate (10 kpps, one frame at a time) and a high one (1 Mpps in bursts of 32).
The figures are the generator's: p50, p99, p99.9 and max in microseconds,
and how many frames came back, after a warm-up of WARMUP s at the rate
whose frames are not counted (a vhost-user port has just connected).
Before the traffic, the CPU the forwarding process takes with the path up
and no traffic (/proc, 5 s; on the vhost path the generator is connected
and sends nothing). Every contender of every path in turn, the whole
round CFG.lat_rounds times (run.py --lat-rounds; default 3, --quick 2).

Its own names throughout (none shared with the throughput scenarios, which
may run from another checkout at the same time): vhost-user sockets
/tmp/sock42-45, DPDK prefixes spp_bench_lat* and spppeer_bench_latvm, OVS
in LAT_OVS["d"] with the prefix spp_bench_latovs and the bridge sppblat0."""

import contextlib
import json
import os
import subprocess
import time

from .base import (BUILD, CFG, CLEANUP, foreign_load, log, rm_dpdk_files,
                   sppenv)
from .contenders import (Ovs, TestPmd, ovs_available, pvp_vm, spp_done,
                         spp_node, table_add, vf_macs)

LATENCY = os.path.join(BUILD, "bench", "bench_latency")
RATES = ((10000, 1), (1000000, 32))
SECONDS = 5
WARMUP = 1.0  # sent first and not counted (bench_latency --warmup)
GEN_LCORE = 9
GEN_PREFIX = "spp_bench_latgen"  # the generator as a primary ("VM")
TPMD_PREFIX = "spp_bench_lattpmd"
LAT_OVS = {"d": "/tmp/spplat-ovs", "prefix": "spp_bench_latovs",
           "bridge": "sppblat0"}
VHOST = (42, 43)  # spp_nfv's vhost:N listens on /tmp/sockN
VHOST_SOCKS = ["/tmp/sock%d" % i for i in VHOST]
PVP_VHOST = (44, 45)
PVP_SOCKS = ["/tmp/sock%d" % i for i in PVP_VHOST]
VF_MACS = 4096
VF_DST = vf_macs(VF_MACS)[1000]
# other_config:pmd-maxsleep values, us: 500 is the example of the change
# that brought it into OVS 3.1, 50 one that keeps more of the latency
OVS_MAXSLEEP_US = (50, 500)
RESULTS = []  # filled by scen_latency(), read by run.py
IDLE = []  # the CPU an idle forwarding process takes, per contender
LAT_PATHS = ["rings1", "vf", "rings2", "vhost", "pvp"]
CFG.lat_paths = list(LAT_PATHS)
CFG.lat_rounds = CFG.rounds


def gen_argv(eal, tx, rx, rate, burst, seconds, extra=()):
    return (["taskset", "-c", str(CFG.main_cpu), LATENCY,
             "--lcores", "%d@%d" % (GEN_LCORE, CFG.main_cpu), "--no-pci",
             "--log-level", "lib.eal:error"] + list(eal) +
            ["--", "--tx", tx, "--rx", rx, "--seconds", str(seconds),
             "--rate", str(rate), "--burst", str(burst), "--json"] +
            (["--warmup", str(WARMUP)] if rate else []) + list(extra))


def run_gen(argv, seconds):
    r = subprocess.run(argv, capture_output=True, text=True,
                       timeout=WARMUP + seconds + 60)
    if r.returncode != 0:
        raise RuntimeError("bench_latency: " + r.stderr[-2000:])
    return json.loads(r.stdout.strip().splitlines()[-1])


def pipe_gen(s, dst=None):
    """The generator as a secondary of node s on pipe:0: a function of
    (rate, burst, seconds) giving its JSON figures."""
    def gen(rate, burst, seconds):
        return run_gen(gen_argv(
            ["--file-prefix", s.prefix, "--proc-type", "secondary"],
            "net_ring_spp_pipe0", "net_ring_spp_pipe0", rate, burst,
            seconds, ["--pool", "mb_pool_0"] +
            (["--dst", dst] if dst else [])), seconds)
    return gen


def vm_gen_argv(socks, rate, burst, seconds):
    rm_dpdk_files(GEN_PREFIX)
    return gen_argv(["--file-prefix", GEN_PREFIX, "-m", "256",
                     "--single-file-segments"] +
                    sum([["--vdev", "virtio_user%d,path=%s,queue_size=1024"
                          % (i, p)] for i, p in enumerate(socks)], []),
                    "virtio_user0", "virtio_user1", rate, burst, seconds)


def vm_gen(socks):
    """The generator as a primary of its own on virtio_user0/1 (the
    vhost-user sockets `socks`, the host listening)."""
    def gen(rate, burst, seconds):
        try:
            return run_gen(vm_gen_argv(socks, rate, burst, seconds),
                           seconds)
        finally:
            rm_dpdk_files(GEN_PREFIX)
    return gen


@contextlib.contextmanager
def idle_vm_gen(socks, seconds):
    """The generator connected to the host's vhost-user sockets, sending
    nothing (--rate 0), for `seconds` in the background."""
    p = subprocess.Popen(vm_gen_argv(socks, 0, 1, seconds),
                         stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)

    def stop():
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        rm_dpdk_files(GEN_PREFIX)
    CLEANUP.push("idle generator", stop)
    try:
        yield p
    finally:
        CLEANUP.pop(stop)


class Path:
    """A path set up for one contender: gen(rate, burst, seconds) measures,
    pid is the forwarding process (for its idle CPU), idle_socks the
    vhost-user sockets an idle generator connects to while that is
    measured (None: nothing to connect)."""

    def __init__(self, gen, pid, idle_socks=None):
        self.gen, self.pid, self.idle_socks = gen, pid, idle_socks


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


def busy_args(busy):
    return ["--busy-poll"] if busy else []


def nfv_lcores():
    return "1@%d,2@%d" % (CFG.main_cpu, CFG.fwd_cpu)


def socks_gone(socks):
    for p in socks:
        if os.path.exists(p):
            os.unlink(p)


@contextlib.contextmanager
def nfv_node(name, busy, socks=()):
    """(node, spp_nfv 1 on the forwarding CPU); the vhost-user sockets
    `socks` removed before and after."""
    socks_gone(socks)
    s = lat_node(name)
    try:
        yield s, s.start_nfv(1, lcores=nfv_lcores(), extra=busy_args(busy))
    finally:
        spp_done(s)
        socks_gone(socks)


@contextlib.contextmanager
def spp_rings(hops, busy):
    with nfv_node("bench_lat", busy) as (s, nfv):
        cmds = ["add ring:0", "add ring:1"]
        if hops == 1:
            cmds += ["patch ring:1 ring:0"]
        else:
            cmds += ["add ring:2", "patch ring:1 ring:2",
                     "patch ring:2 ring:0"]
        s.nfv(1, *(cmds + ["forward"]))
        yield Path(pipe_gen(s), nfv.p.pid)


@contextlib.contextmanager
def testpmd_rings():
    s = lat_node("bench_latt", pipes=2)
    try:
        t = TestPmd("lat", secondary_of=s, lcore_ids=(4, 5),
                    args=["--portmask=0x2", "--port-topology=loop"])
        try:
            yield Path(pipe_gen(s), t.proc.p.pid)
        finally:
            CLEANUP.pop(t.close)
    finally:
        spp_done(s)


@contextlib.contextmanager
def spp_vf_cls(busy):
    """spp_vf's classifier ring:1 -> ring:0 with VF_MACS entries; the
    entries go in before the rx port, so that every frame finds its."""
    s = lat_node("bench_latvf")
    try:
        vf = s.start_vf(2, lcores="3@%d,4@%d" % (CFG.main_cpu, CFG.fwd_cpu),
                        extra=busy_args(busy))
        s.vf(2, "component start cls1 4 classifier",
             "port add ring:0 tx cls1")
        t0 = time.monotonic()
        table_add(s, 2, vf_macs(VF_MACS), "ring:0")
        log("latency: %d classifier entries added in %.1f s" %
            (VF_MACS, time.monotonic() - t0))
        s.vf(2, "port add ring:1 rx cls1")
        yield Path(pipe_gen(s, dst=VF_DST), vf.p.pid)
    finally:
        spp_done(s)


@contextlib.contextmanager
def spp_vhost(busy):
    with nfv_node("bench_latv", busy, VHOST_SOCKS) as (s, nfv):
        a, b = ("vhost:%d" % i for i in VHOST)
        s.nfv(1, "add " + a, "add " + b, "patch %s %s" % (a, b), "forward")
        yield Path(vm_gen(VHOST_SOCKS), nfv.p.pid, VHOST_SOCKS)


@contextlib.contextmanager
def testpmd_vhost():
    socks_gone(VHOST_SOCKS)
    # paired io streams 0 -> 1 (and the empty 1 -> 0)
    t = TestPmd("latv", ["net_vhost%d,iface=%s,queues=1" % (i, p)
                         for i, p in enumerate(VHOST_SOCKS)], mem=512,
                prefix=TPMD_PREFIX)
    try:
        yield Path(vm_gen(VHOST_SOCKS), t.proc.p.pid, VHOST_SOCKS)
    finally:
        CLEANUP.pop(t.close)
        socks_gone(VHOST_SOCKS)


@contextlib.contextmanager
def ovs_vhost(maxsleep):
    """OVS-DPDK with two dpdkvhostuser ports (sockets in its run dir),
    in_port=1,actions=output:2; maxsleep: other_config:pmd-maxsleep in
    microseconds, checked in its log."""
    o = Ovs([], mem=1024, **LAT_OVS)
    try:
        if maxsleep:
            o.vsctl("set", "Open_vSwitch", ".",
                    "other_config:pmd-maxsleep=%d" % maxsleep)
        o.add_port("vhu0", 1, typ="dpdkvhostuser")
        o.add_port("vhu1", 2, typ="dpdkvhostuser")
        o.flows(["in_port=1,actions=output:2"])
        if maxsleep:
            want = "PMD max sleep request is %d usecs" % maxsleep
            sppenv.wait_for(lambda: want in o.logtail(), timeout=10,
                            what="OVS: " + want)
        socks = [os.path.join(LAT_OVS["d"], "vhu%d" % i) for i in (0, 1)]
        yield Path(vm_gen(socks), o.vswitchd.p.pid, socks)
    finally:
        CLEANUP.pop(o.close)


@contextlib.contextmanager
def spp_pvp(busy):
    with nfv_node("bench_latp", busy, PVP_SOCKS) as (s, nfv):
        v0, v1 = ("vhost:%d" % i for i in PVP_VHOST)
        s.nfv(1, "add ring:0", "add ring:1", "add " + v0, "add " + v1)
        vm = pvp_vm(PVP_SOCKS, "latency", name="bench_latvm")
        try:
            s.nfv(1, "patch ring:1 " + v0, "patch %s ring:0" % v1,
                  "forward")
            yield Path(pipe_gen(s), nfv.p.pid)
        finally:
            CLEANUP.pop(vm.close)


def contenders():
    """(path key, path, contender, context manager of its Path)."""
    r1, r2 = "rings, 1 hop", "rings, 2 hops"
    vf = "spp_vf classifier, %d MACs" % VF_MACS
    vh, pvp = "vhost-user, 1 hop", "PVP through a VM"
    out = [("rings1", r1, "SPP default", lambda: spp_rings(1, False)),
           ("rings1", r1, "SPP --busy-poll", lambda: spp_rings(1, True)),
           ("rings1", r1, "testpmd io", testpmd_rings),
           ("vf", vf, "SPP default", lambda: spp_vf_cls(False)),
           ("vf", vf, "SPP --busy-poll", lambda: spp_vf_cls(True)),
           ("rings2", r2, "SPP default", lambda: spp_rings(2, False)),
           ("rings2", r2, "SPP --busy-poll", lambda: spp_rings(2, True)),
           ("vhost", vh, "SPP default", lambda: spp_vhost(False)),
           ("vhost", vh, "SPP --busy-poll", lambda: spp_vhost(True)),
           ("vhost", vh, "testpmd io", testpmd_vhost)]
    if ovs_available():
        out += [("vhost", vh, "OVS", lambda: ovs_vhost(0))]
        out += [("vhost", vh, "OVS pmd-maxsleep=%d" % us,
                 lambda us=us: ovs_vhost(us)) for us in OVS_MAXSLEEP_US]
    out += [("pvp", pvp, "SPP default", lambda: spp_pvp(False)),
            ("pvp", pvp, "SPP --busy-poll", lambda: spp_pvp(True))]
    return [c for c in out if c[0] in CFG.lat_paths]


def idle_cpu(p):
    """The CPU share of the forwarding process with the path up and no
    traffic: 3 s (past SPP's 2 s of short sleeps after traffic), then
    5 s measured."""
    if p.idle_socks is None:
        time.sleep(3)
        return sppenv.cpu_share(p.pid, 5.0)
    with idle_vm_gen(p.idle_socks, 9):
        time.sleep(3)
        return sppenv.cpu_share(p.pid, 5.0)


def measure(rnd, path, who, ctx):
    with ctx() as p:
        idle = idle_cpu(p)
        log("latency: %s, %s with no traffic: %.1f%% of a CPU" % (
            path, who, 100 * idle))
        IDLE.append({"who": who, "path": path, "round": rnd,
                     "idle_cpu_pct": round(100 * idle, 1)})
        for rate, burst in RATES:
            busy = foreign_load()
            g = p.gen(rate, burst, SECONDS)
            # the machine's load: what else shared the two CPUs
            g.update({"who": who, "path": path, "round": rnd,
                      "loadavg_1min": os.getloadavg()[0],
                      "foreign_load": sorted(set(busy) |
                                             set(foreign_load()))})
            log("latency %s, %s, %d pps: p50 %.1f p99 %.1f p99.9 %.1f "
                "max %.1f us, %d/%d back" % (
                    path, who, rate, g["p50_us"], g["p99_us"],
                    g["p999_us"], g["max_us"], g["received"], g["sent"]))
            RESULTS.append(g)


def scen_latency():
    """Adds its figures to RESULTS; no row of the throughput table. A
    contender that fails is logged and the others go on."""
    errors = []
    for rnd in range(1, CFG.lat_rounds + 1):
        for _, path, who, ctx in contenders():
            try:
                measure(rnd, path, who, ctx)
            except Exception as e:
                log("latency %s, %s failed: %s" % (path, who, e))
                errors.append("%s, %s: %s" % (path, who,
                                              str(e).splitlines()[0]))
            CLEANUP.run()
    if errors:
        raise RuntimeError("; ".join(errors))
    return []


def order(results):
    """Rows grouped by path, contender and rate, rounds next to each
    other, in the order the contenders ran."""
    first = {}
    for i, g in enumerate(results):
        first.setdefault((g["path"], g["who"]), i)
    return sorted(results, key=lambda g: (
        min(first[k] for k in first if k[0] == g["path"]),
        first[(g["path"], g["who"])], g.get("rate_pps", 0),
        g.get("round", 1)))


def idle_table(idle):
    lines = ["| path | contender | round | CPU with no traffic |",
             "|---|---|---|---|"]
    for i in order(idle):
        lines.append("| %s | %s | %d | %.1f%% |" % (
            i["path"], i["who"], i.get("round", 1), i["idle_cpu_pct"]))
    return "\n".join(lines)


def table(results):
    """Markdown table of RESULTS."""
    lines = ["| path | contender | rate | round | back | p50 us | p99 us | "
             "p99.9 us | max us |", "|---|---|---|---|---|---|---|---|---|"]
    for g in order(results):
        lines.append("| %s | %s | %s pps x%d | %d | %d/%d | %.1f | %.1f | "
                     "%.1f | %.1f |" % (
                         g["path"], g["who"], "{:,}".format(
                             int(g["rate_pps"])), g["burst"],
                         g.get("round", 1), g["received"], g["sent"],
                         g["p50_us"], g["p99_us"], g["p999_us"],
                         g["max_us"]))
    return "\n".join(lines)
