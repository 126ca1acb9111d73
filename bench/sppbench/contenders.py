# SPDX-License-Identifier: BSD-3-Clause
"""The contenders: SPP, dpdk-testpmd and OVS-DPDK set up on the same kind of
ports for each scenario, each a function returning its figure."""

import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import time
from .base import (BIN, CFG, CLEANUP, COPY, LOGDIR, OVS_BRIDGE, OVS_DIR,
                   OVS_PREFIX, OVS_SCHEMA, OVS_VSWITCHD, Proc, Spp,
                   TESTPMD_PREFIX, busy_cycles, busy_per_frame, log, result,
                   rm_dpdk_files, run_contender, sample_rate, sample_snaps, sh,
                   sppenv, wait_for)
from .judging import STEADY_MODES, comparable_rounds


# -- the processes ----------------------------------------------------------
class BenchSpp(Spp):
    """sppenv.Spp whose close() stops exactly the processes it started; the
    binaries of BIN, the logs in LOGDIR."""

    bin_dir = BIN
    log_dir = LOGDIR

    def __init__(self, name, **kw):
        kw["start_primary"] = False
        super().__init__(name, **kw)

    def close(self):
        for p in reversed(self.procs):
            if p is not self.ctl:
                p.stop()
        self.ctl.stop()
        self.cleanup_dpdk_files()
        if self.state_dir:
            shutil.rmtree(self.state_dir, ignore_errors=True)


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
                 mem=256, lcore_ids=(0, 1), prefix=TESTPMD_PREFIX):
        self.prefix = secondary_of.prefix if secondary_of else prefix
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
        self.proc = Proc("testpmd-" + name, argv, logdir=LOGDIR)
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
    dirs (d, default OVS_DIR), unix sockets only, DPDK with --no-pci, a
    small -m, its own --file-prefix (prefix) and the given vdevs; one PMD
    thread on CPU FWD, the rest on CPU MAIN; a netdev bridge (bridge)."""

    def __init__(self, vdevs, mem=512, d=OVS_DIR, prefix=OVS_PREFIX,
                 bridge=OVS_BRIDGE):
        self.d, self.prefix, self.bridge = d, prefix, bridge
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
            "-vconsole:off"], env=self.env, logdir=LOGDIR))
        wait_for(lambda: os.path.exists(os.path.join(self.d, "db.sock")),
                 what="ovsdb-server")
        self.vsctl("--no-wait", "init")
        extra = "--no-pci -m %d --file-prefix %s %s" % (
            mem, self.prefix, " ".join("--vdev " + v for v in vdevs))
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
            "-vconsole:off"], env=self.env, logdir=LOGDIR)
        self.procs.append(self.vswitchd)
        wait_for(lambda: self.vsctl("get", "Open_vSwitch", ".",
                                    "dpdk_initialized", check=False)
                 .stdout.strip() == "true" or not self.vswitchd.alive(),
                 timeout=60, what="ovs-vswitchd DPDK init")
        if not self.vswitchd.alive():
            raise RuntimeError("ovs-vswitchd died: " + self.logtail())
        self.vsctl("add-br", self.bridge, "--", "set", "bridge", self.bridge,
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
        cmd = ["add-port", self.bridge, name, "--", "set", "Interface", name,
               "type=" + typ, "ofport_request=%d" % ofport]
        cmd += ["options:%s=%s" % kv for kv in options.items()]
        self.vsctl(*cmd)
        st = self.vsctl("get", "Interface", name, "ofport").stdout.strip()
        if st != str(ofport):
            raise RuntimeError("ovs port %s: ofport %s\n%s" %
                               (name, st, self.logtail()))

    def flows(self, flows):
        """Replace the bridge's flows by `flows` (one per line)."""
        self.ofctl("del-flows", self.bridge)
        path = os.path.join(self.d, "flows.txt")
        with open(path, "w") as f:
            f.write("\n".join(flows) + "\n")
        self.ofctl("add-flows", self.bridge, path)

    def tx_packets(self, ofport):
        out = self.ofctl("dump-ports", self.bridge, str(ofport)).stdout
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
                    if self.d not in f.read():
                        continue
                os.kill(pid, signal.SIGKILL)
                log("killed stale ovs pid", pid)
            except (OSError, ValueError):
                pass
        sh(["ip", "link", "del", self.bridge], check=False)
        shutil.rmtree(self.d, ignore_errors=True)
        rm_dpdk_files(self.prefix)

    def close(self):
        if self.vswitchd.alive():
            self.vsctl("--if-exists", "del-br", self.bridge, check=False)
            self.appctl("exit", "--cleanup", check=False)
            try:
                self.vswitchd.p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        for p in reversed(self.procs):
            p.stop()
        sh(["ip", "link", "del", self.bridge], check=False)
        shutil.rmtree(self.d, ignore_errors=True)
        rm_dpdk_files(self.prefix)


def ovs_available():
    return os.access(OVS_VSWITCHD, os.X_OK)


def ovs_missing():
    """The OVS column of a scenario when OVS-DPDK is not installed."""
    return {"who": "OVS", "error": "openvswitch-switch-dpdk not installed"}


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


def pvp_vm(socks, what, name="bench_vm"):
    """The VM on the vhost-user sockets `socks` (the host listens), with
    the --file-prefix spppeer_NAME."""
    v = sppenv.DpdkPeer(
        name, ["virtio_user%d,path=%s,queue_size=1024" % (i, p)
               for i, p in enumerate(socks)],
        lcores="0@%d,1@%d" % (CFG.main_cpu, CFG.main_cpu),
        extra=["--total-num-mbufs=8192"], logdir=LOGDIR)
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
            res, = comparable_rounds(
                [("spp_vf %d" % n, lambda: s4_spp_measure(s, k))],
                want=want if want in STEADY_MODES else None,
                # the classifier busy-polls ring:0 between figures
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
