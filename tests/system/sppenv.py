# SPDX-License-Identifier: BSD-3-Clause
"""Harness of the system tests: real spp-ctl, spp_primary and secondaries
driven through REST, network namespaces with veth pairs as "NICs".

Every process, namespace, veth and hugepage file an object makes is removed
by its close(), pass or fail (the fixtures call it)."""

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BIN = os.path.join(ROOT, "build", "src")
LOGDIR = os.path.join(ROOT, "build", "test-logs")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def cpu_share(pid, seconds=2.0):
    """Share of a CPU process `pid` (all its threads) used over the next
    `seconds`, from /proc."""
    def cpu():
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    a, t0 = cpu(), time.monotonic()
    time.sleep(seconds)
    return (cpu() - a) / (time.monotonic() - t0)


def src_dst(patches):
    """An nfv status's patches as the original had them: src and dst only
    (ours also say the worker lcore each runs on)."""
    return [{"src": p["src"], "dst": p["dst"]} for p in patches]


def wait_for(cond, timeout=10.0, interval=0.1, what="condition"):
    """Poll cond() until it returns a true value; return that value."""
    deadline = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for %s" % what)
        time.sleep(interval)


def sh(cmd, check=True):
    return subprocess.run(cmd, shell=True, check=check, text=True,
                          capture_output=True)


class Proc:
    """A process with its output in a log file."""

    def __init__(self, name, argv, env=None, logdir=None):
        logdir = logdir or LOGDIR
        os.makedirs(logdir, exist_ok=True)
        self.name = name
        self.log = os.path.join(logdir, name + ".log")
        self.logf = open(self.log, "w")
        self.p = subprocess.Popen(argv, stdout=self.logf,
                                  stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, env=env,
                                  start_new_session=True)

    def alive(self):
        return self.p.poll() is None

    def stop(self, timeout=10):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.logf.close()

    def output(self):
        with open(self.log) as f:
            return f.read()


class Spp:
    """spp-ctl plus spp_primary, and the secondaries started later. A
    subclass may take the binaries (bin_dir) and put the logs (log_dir)
    elsewhere."""

    bin_dir = BIN
    log_dir = LOGDIR

    def __init__(self, name, nb_rings=8, vdevs=(), portmask="0x0",
                 pri_lcores="0@0", pri_args=(), start_primary=True,
                 state=False, mem=256):
        """state: spp-ctl keeps its record of the processes in a
        directory of this object's own (self.state_dir, removed by
        close()); else it runs with --no-state, the original's behaviour
        the tests that restart a process with the same client id expect.
        mem: MB of hugepages the primary reserves (-m)."""
        self.name = name
        self.mem = mem          # MB of hugepages the primary reserves
        self.prefix = "spptest_" + name
        self.procs = []
        self.state_dir = (tempfile.mkdtemp(prefix="spp-state-" + name + "-")
                          if state else None)
        self.ctl_port = free_port()
        self.pri_port = free_port()
        self.sec_port = free_port()
        self.base = "http://127.0.0.1:%d/v1" % self.ctl_port
        self.nb_rings = nb_rings
        self.cleanup_dpdk_files()
        self.ctl = self.start_ctl()
        if start_primary:
            try:
                self.start_primary(vdevs, portmask, pri_lcores, pri_args)
            except BaseException:
                # the fixture never gets this object: stop what started
                self.close()
                raise

    # -- processes --------------------------------------------------------
    def ctl_args(self):
        """spp-ctl's options beyond its ports (a subclass adds some)."""
        return (["--state-dir", self.state_dir] if self.state_dir
                else ["--no-state"])

    def start_ctl(self):
        ctl = Proc(self.name + "-spp-ctl",
                   [os.path.join(self.bin_dir, "ctl", "spp-ctl"),
                    "-b", "127.0.0.1", "-p", str(self.pri_port),
                    "-s", str(self.sec_port), "-a", str(self.ctl_port)] +
                   self.ctl_args(),
                   logdir=self.log_dir)
        self.procs.append(ctl)
        wait_for(lambda: self._reachable(), what="spp-ctl REST port")
        return ctl

    def _reachable(self):
        try:
            requests.get(self.base + "/processes", timeout=1)
            return True
        except requests.ConnectionError:
            return False

    def eal(self, lcores, secondary=False, mem=True):
        args = ["--lcores", lcores, "--no-pci", "--file-prefix",
                self.prefix, "--log-level", "lib.eal:warning"]
        if mem:
            args += ["-m", str(self.mem)]
        if secondary:
            args += ["--proc-type", "secondary"]
        return args

    def start_primary(self, vdevs=(), portmask="0x0", lcores="0@0",
                      extra=()):
        argv = [os.path.join(self.bin_dir, "spp_primary")] + self.eal(lcores)
        for v in vdevs:
            argv += ["--vdev", v]
        argv += ["--", "-p", portmask, "-n", str(self.nb_rings),
                 "-s", "127.0.0.1:%d" % self.pri_port,
                 "--log-dir", os.path.join(self.log_dir, self.name)] + list(extra)
        self.primary = Proc(self.name + "-primary", argv,
                            logdir=self.log_dir)
        self.procs.append(self.primary)
        wait_for(lambda: self.has_process("primary") or
                 not self.primary.alive(), timeout=30, what="primary")
        assert self.primary.alive(), self.primary.output()
        return self.primary

    def nfv_argv(self, cid, lcores="1@0,2@1", extra=()):
        return ([os.path.join(self.bin_dir, "spp_nfv")] +
                self.eal(lcores, secondary=True, mem=False) +
                ["--", "-n", str(cid), "-s", "127.0.0.1:%d" % self.sec_port] +
                list(extra))

    def start_nfv(self, cid, lcores="1@0,2@1", extra=(), wait=True):
        p = Proc("%s-nfv%d" % (self.name, cid),
                 self.nfv_argv(cid, lcores, extra), logdir=self.log_dir)
        self.procs.append(p)
        if wait:
            wait_for(lambda: self.has_process("nfv", cid) or not p.alive(),
                     timeout=30, what="nfv %d" % cid)
            assert p.alive(), p.output()
        return p

    def start_vf(self, cid, lcores="3@0,4@1", extra=(), wait=True):
        """spp_vf; its lcore ids differ from nfv's: the mbuf pool's
        per-lcore caches are shared by lcore id across processes."""
        return self.start_comp("vf", cid, lcores, extra, wait)

    def start_mirror(self, cid, lcores="5@0,6@1", extra=(), wait=True):
        """spp_mirror, on lcore ids of its own (see start_vf)."""
        return self.start_comp("mirror", cid, lcores, extra, wait)

    def start_pcap(self, cid, extra, lcores="7@0,8@1,9@0,10@1", wait=True):
        """spp_pcap: lcore 7 talks to spp-ctl, 8 receives, 9 and 10
        write."""
        return self.start_comp("pcap", cid, lcores, extra, wait)

    def capture(self, cid, action, code=204):
        """PUT /pcaps/ID/capture; returns the answer."""
        r = self.put("/pcaps/%d/capture" % cid, {"action": action})
        assert r.status_code == code, r.text
        return r

    def pcap_status(self, cid):
        return self.ok(self.get("/pcaps/%d" % cid), 200)

    def start_comp(self, kind, cid, lcores, extra=(), wait=True):
        argv = ([os.path.join(self.bin_dir, "spp_" + kind)] +
                self.eal(lcores, secondary=True, mem=False) +
                ["--", "--client-id", str(cid), "-s",
                 "127.0.0.1:%d" % self.sec_port] + list(extra))
        p = Proc("%s-%s%d" % (self.name, kind, cid), argv,
                 logdir=self.log_dir)
        self.procs.append(p)
        if wait:
            wait_for(lambda: self.has_process(kind, cid) or not p.alive(),
                     timeout=30, what="%s %d" % (kind, cid))
            assert p.alive(), p.output()
        return p

    def vf(self, cid, *cmds, kind="vfs"):
        """spp_vf commands written as in the CLI, through REST (client ids
        are unique over all secondaries of a node, as in the original):
        'component start NAME CORE TYPE', 'component stop NAME',
        'port add|del RES rx|tx NAME [add_vlantag VID PCP|del_vlantag]',
        'classifier_table add|del mac MAC|default RES',
        'classifier_table add|del vlan VID MAC|default RES'."""
        for c in cmds:
            r = self.vf_request(cid, c, kind)
            self.ok(r, 204)

    def vf_request(self, cid, c, kind="vfs"):
        w = c.split()
        base = "/%s/%d" % (kind, cid)
        if w[:2] == ["component", "start"]:
            body = {"name": w[2], "core": int(w[3]), "type": w[4]}
            if len(w) > 5:
                body["copy"] = w[5]
            return self.post(base + "/components", body)
        if w[:2] == ["component", "stop"]:
            return self.delete(base + "/components/" + w[2])
        if w[0] == "port":
            body = {"action": "attach" if w[1] == "add" else "detach",
                    "port": w[2], "dir": w[3]}
            if len(w) > 5 and w[5] == "add_vlantag":
                body["vlan"] = {"operation": "add", "id": int(w[6]),
                                "pcp": int(w[7])}
            elif len(w) > 5 and w[5] == "del_vlantag":
                body["vlan"] = {"operation": "del", "id": 0, "pcp": 0}
            return self.put(base + "/components/%s/ports" % w[4], body)
        if w[0] == "classifier_table":
            body = {"action": w[1], "type": w[2]}
            if w[2] == "vlan":
                body["vlan"] = int(w[3])
                w = w[:3] + w[4:]
            body["mac_address"] = w[3]
            body["port"] = w[4]
            return self.put(base + "/classifier_table", body)
        raise ValueError(c)

    def vf_status(self, cid):
        return self.ok(self.get("/vfs/%d" % cid), 200)

    def mirror(self, cid, *cmds):
        """spp_mirror commands as in the CLI (see vf()), through REST;
        'component start NAME CORE mirror [auto|deep|shallow]'."""
        self.vf(cid, *cmds, kind="mirrors")

    def mirror_status(self, cid):
        return self.ok(self.get("/mirrors/%d" % cid), 200)

    def has_process(self, kind, cid=None):
        return any(p["type"] == kind and
                   (cid is None or p.get("client-id") == cid)
                   for p in self.processes())

    # -- REST ---------------------------------------------------------------
    def processes(self):
        return requests.get(self.base + "/processes", timeout=5).json()

    def get(self, path):
        return requests.get(self.base + path, timeout=30)

    def put(self, path, body=None, data=None):
        if data is not None:
            return requests.put(self.base + path, data=data, timeout=30)
        return requests.put(self.base + path, json=body, timeout=30)

    def post(self, path, body=None, data=None):
        if data is not None:
            return requests.post(self.base + path, data=data, timeout=30)
        return requests.post(self.base + path, json=body, timeout=30)

    def delete(self, path):
        return requests.delete(self.base + path, timeout=30)

    def ok(self, r, code=None):
        """Assert a REST answer is a success; return its JSON or None."""
        assert r.status_code in ((code,) if code else (200, 204)), \
            "%s %s -> %d %s" % (r.request.method, r.request.url,
                                r.status_code, r.text)
        return r.json() if r.status_code == 200 else None

    def pri_status(self):
        return self.ok(self.get("/primary/status"), 200)

    def drained_in_use(self):
        """The pool's frames in use once nothing moves any more (the
        count stays the same for 0.2 s; at most 10 s)."""
        last = None
        for _ in range(50):
            now = self.pri_status()["mbuf_pool"]["in_use"]
            if now == last:
                return now
            last = now
            time.sleep(0.2)
        return last

    def nfv_status(self, cid):
        return self.ok(self.get("/nfvs/%d" % cid), 200)

    def nfv(self, cid, *cmds):
        """Run nfv commands written as in the CLI: 'add ring:0',
        'patch a b', 'patch reset', 'forward', 'stop', 'del x'."""
        self.fwd("nfvs/%d" % cid, *cmds)

    def fwd(self, target, *cmds):
        """The same commands for any forwarder: target is "nfvs/ID" or
        "primary" (the primary's own forwarder)."""
        for c in cmds:
            w = c.split()
            if w[0] in ("add", "del"):
                r = self.put("/%s/ports" % target,
                             {"action": w[0], "port": " ".join(w[1:])})
            elif w == ["patch", "reset"]:
                r = self.delete("/%s/patches" % target)
            elif w[0] == "patch":
                r = self.put("/%s/patches" % target,
                             {"src": w[1], "dst": w[2]})
            elif w[0] in ("forward", "stop"):
                r = self.put("/%s/forward" % target,
                             {"action": "start" if w[0] == "forward"
                              else "stop"})
            else:
                raise ValueError(c)
            self.ok(r, 204)

    def fwd_status(self, target):
        """status, ports, patches, port_stats of a forwarder."""
        if target == "primary":
            return self.pri_status()["forwarder"]
        return self.ok(self.get("/" + target), 200)

    def port_stats(self, status, port):
        for s in status["port_stats"]:
            if s["port"] == port:
                return s
        raise KeyError(port)

    # -- clean-up -----------------------------------------------------------
    def cleanup_dpdk_files(self):
        for f in glob.glob("/dev/hugepages/%smap_*" % self.prefix):
            os.unlink(f)
        shutil.rmtree("/var/run/dpdk/" + self.prefix, ignore_errors=True)

    def close(self):
        # secondaries first, then the primary, then spp-ctl
        for p in reversed(self.procs):
            if p is not self.ctl:
                p.stop()
        # processes launched by the primary run in their own session
        sh("pkill -f -- '--file-prefix[= ]%s( |$)' || true" % self.prefix,
           check=False)
        time.sleep(0.2)
        sh("pkill -9 -f -- '--file-prefix[= ]%s( |$)' || true" % self.prefix,
           check=False)
        self.ctl.stop()
        self.cleanup_dpdk_files()
        if self.state_dir:
            shutil.rmtree(self.state_dir, ignore_errors=True)


class NetnsPair:
    """Two namespaces, each holding one end of a veth pair; the host ends
    (for SPP's phy ports) are self.host[0] and self.host[1]."""

    def __init__(self, tag, subnet="10.99.%d"):
        self.ns = ["spp%sA" % tag, "spp%sB" % tag]
        self.host = ["spp%sa" % tag, "spp%sb" % tag]
        self.addr = [subnet % 0 + ".1", subnet % 0 + ".2"]
        self.close()
        for i in range(2):
            ns, h = self.ns[i], self.host[i]
            sh("ip netns add %s" % ns)
            sh("ip link add %s type veth peer name %s-ns" % (h, h))
            sh("ip link set %s-ns netns %s" % (h, ns))
            sh("ip netns exec %s ip addr add %s/24 dev %s-ns" %
               (ns, self.addr[i], h))
            sh("ip netns exec %s ip link set %s-ns up" % (ns, h))
            sh("ip netns exec %s ip link set lo up" % ns)
            sh("ip link set %s up" % h)
            # no IPv6 chatter: only the test's own frames cross SPP
            sh("sysctl -qw net.ipv6.conf.%s.disable_ipv6=1" % h, check=False)
            sh("ip netns exec %s sysctl -qw net.ipv6.conf.all.disable_ipv6=1"
               % ns, check=False)

    def ping(self, count=3, timeout=1):
        r = sh("ip netns exec %s ping -c %d -i 0.2 -W %d %s" %
               (self.ns[0], count, timeout, self.addr[1]), check=False)
        return r.returncode == 0

    def close(self):
        for i in range(2):
            sh("ip netns del %s 2>/dev/null" % self.ns[i], check=False)
            sh("ip link del %s 2>/dev/null" % self.host[i], check=False)


class TapNs:
    """The primary's tap devices moved into namespaces of their own, as a
    container's interface would be."""

    def __init__(self, taps, tag):
        self.ns = ["spp%sT%d" % (tag, i) for i in range(len(taps))]
        self.taps = taps
        self.close()
        for i, (ns, tap) in enumerate(zip(self.ns, taps)):
            sh("ip netns add %s" % ns)
            sh("ip link set %s netns %s" % (tap, ns))
            sh("ip netns exec %s sysctl -qw net.ipv6.conf.all.disable_ipv6=1"
               % ns, check=False)
            sh("ip netns exec %s ip addr add 10.98.0.%d/24 dev %s" %
               (ns, i + 1, tap))
            sh("ip netns exec %s ip link set %s up" % (ns, tap))

    def close(self):
        for ns in self.ns:
            sh("ip netns del %s 2>/dev/null" % ns, check=False)


def ns_python(ns, *args, wait=True):
    """nsframes.py in namespace ns: waits for it to end, or with
    wait=False returns the process (a receiver once it said it listens)."""
    argv = ["ip", "netns", "exec", ns, "/usr/bin/python3",
            os.path.join(os.path.dirname(os.path.abspath(__file__)),
                         "nsframes.py")] + [str(a) for a in args]
    if wait:
        return subprocess.run(argv, check=True, capture_output=True)
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    if args[0] == "recv":
        assert p.stdout.readline().strip() == "ready"
    return p


class TapNode:
    """spp-ctl and a primary whose phy:0 is a tap device moved into a
    namespace of its own (a host's NIC and the network behind it), plus the
    VMs started with vm(). close() removes all of it."""

    def __init__(self, name):
        self.tag = "%d" % (os.getpid() % 1000)
        self.tap = "spp%s%s" % (name[:6], self.tag)
        self.vms = []
        self.nsx = None
        self.spp = Spp(name, vdevs=["net_tap0,iface=%s" % self.tap],
                       portmask="0x1")
        try:
            # the tap's rx queue holds mbufs of its own: the baseline
            self.in_use = self.spp.pri_status()["mbuf_pool"]["in_use"]
            self.nsx = TapNs([self.tap], self.tag)
        except BaseException:
            self.close()
            raise
        self.ns = self.nsx.ns[0]

    def vm(self, i, **kw):
        """A VM on /tmp/sockI (see vm())."""
        v = vm("%s%d" % (self.spp.name, i), "/tmp/sock%d" % i, **kw)
        self.vms.append((i, v))
        return v

    def python(self, *args, wait=True):
        """nsframes.py in the namespace, on the tap: 'send', 'flow',
        'recv' with their arguments after the interface."""
        return ns_python(self.ns, args[0], self.tap, *args[1:], wait=wait)

    def close(self):
        self.spp.close()
        for i, v in self.vms:
            v.close()
            if os.path.exists("/tmp/sock%d" % i):
                os.unlink("/tmp/sock%d" % i)
        if self.nsx:
            self.nsx.close()


class DpdkPeer:
    """A DPDK process on the other side of a port: dpdk-testpmd with its
    own --file-prefix (a "VM" on virtio_user, a memif client), or, with
    secondary_of, a secondary of an SPP primary (for pipes)."""

    def __init__(self, name, vdevs=(), lcores="0@0,1@1", secondary_of=None,
                 fwd="io", extra=(), logdir=None):
        self.name = name
        self.prefix = (secondary_of.prefix if secondary_of
                       else "spppeer_" + name)
        self.own_prefix = secondary_of is None
        argv = ["dpdk-testpmd", "--lcores", lcores, "--no-pci",
                "--file-prefix", self.prefix, "--log-level",
                "lib.eal:warning"]
        if secondary_of is None:
            self.cleanup_dpdk_files()
            argv += ["-m", "256", "--single-file-segments"]
        else:
            argv += ["--proc-type", "secondary"]
        for v in vdevs:
            argv += ["--vdev", v]
        argv += ["--", "--forward-mode=" + fwd, "--auto-start",
                 "--no-mlockall", "--stats-period", "100"] + list(extra)
        self.proc = Proc("peer-" + name, argv, logdir=logdir)

    def wait_ready(self, timeout=30):
        """Wait until testpmd forwards. A peer that does not get there is
        stopped before the error is raised: callers often write
        peer = vm(...).wait_ready(), which would lose it otherwise."""
        try:
            # printed once forwarding has started ("Set io packet
            # forwarding mode" comes much earlier, before the ports are
            # configured)
            wait_for(lambda: "nb forwarding ports=" in self.proc.output() or
                     not self.proc.alive(), timeout=timeout,
                     what="%s forwarding" % self.name)
            assert self.proc.alive(), self.proc.output()
        except BaseException:
            self.close()
            raise
        return self

    def cleanup_dpdk_files(self):
        for f in glob.glob("/dev/hugepages/%smap_*" % self.prefix):
            os.unlink(f)
        shutil.rmtree("/var/run/dpdk/" + self.prefix, ignore_errors=True)

    def close(self):
        self.proc.stop()
        if self.own_prefix:
            self.cleanup_dpdk_files()


def vm(name, sock, server=False, lcores="0@1,1@0", fwd="io"):
    """A "VM": testpmd on virtio_user on a vhost-user socket, sending back
    every frame it gets (io mode, one port; "macswap" answers from the
    address it was sent to). With server=True the VM owns the socket (for
    SPP's --vhost-client)."""
    # a 1024-entry vring holds a whole test burst even when the VM's
    # forwarding lcore is not scheduled for a while
    return DpdkPeer(name, ["virtio_user0,path=%s,queue_size=1024%s" %
                           (sock, ",server=1" if server else "")],
                    lcores=lcores, fwd=fwd)


def testpmd_rx(peer):
    """{testpmd port: RX-packets} from its last periodic statistics
    (--stats-period)."""
    import re
    got = {}
    for m in re.finditer(r"NIC statistics for port (\d+)\s+#+\s+"
                         r"RX-packets: +(\d+)", peer.proc.output()):
        got[int(m.group(1))] = int(m.group(2))
    return got


class VmFleet:
    """Many "VMs", one per vhost-user socket of socks: testpmd (rxonly)
    with a virtio_user port per VM, PER_PEER VMs a testpmd (Debian's DPDK
    takes 32 ports a process), each testpmd one forwarding lcore. VM i is
    port i % PER_PEER of testpmd i // PER_PEER. server: the VMs own the
    sockets (SPP's --vhost-client)."""

    PER_PEER = 32

    def __init__(self, name, socks, server=False):
        self.peers = []
        try:
            for j in range(0, len(socks), self.PER_PEER):
                self.peers.append(DpdkPeer("%s%d" % (name, j), [
                    "virtio_user%d,path=%s,queue_size=256%s" %
                    (v, socks[v], ",server=1" if server else "")
                    for v in range(j, min(j + self.PER_PEER, len(socks)))],
                    lcores="0@1,1@0", fwd="rxonly",
                    extra=["--stats-period", "1", "--rxd", "256", "--txd",
                           "256", "--total-num-mbufs", "16384"]))
        except BaseException:
            self.close()
            raise

    def wait_ready(self, timeout=60):
        for p in self.peers:
            p.wait_ready(timeout=timeout)

    def rx(self):
        """{VM: frames it received}, from the testpmds' last statistics."""
        got = {}
        for j, p in enumerate(self.peers):
            for q, n in testpmd_rx(p).items():
                got[self.PER_PEER * j + q] = n
        return got

    def close(self):
        for p in self.peers:
            p.close()


def frames(n, seed, size=(60, 1400), dst="02:00:00:00:00:02"):
    """n distinct UDP frames of random sizes and contents."""
    import random
    from scapy.all import IP, UDP, Ether, Raw
    rng = random.Random(seed)
    return [Ether(src="02:00:00:00:00:01", dst=dst) /
            IP(src="10.0.0.1", dst="10.0.0.2") /
            UDP(sport=1000 + i % 60000, dport=2000) /
            Raw(bytes(rng.getrandbits(8)
                      for _ in range(rng.randrange(size[0] - 42,
                                                   size[1] - 42))))
            for i in range(n)]


class PcapPorts:
    """The files behind pcap:N ports: /tmp/spp-rxN.pcap is read, and
    /tmp/spp-txN.pcap written (complete once the port is deleted)."""

    def __init__(self, *ids):
        self.ids = ids
        self.cleanup()

    @staticmethod
    def rx(i):
        return "/tmp/spp-rx%d.pcap" % i

    @staticmethod
    def tx(i):
        return "/tmp/spp-tx%d.pcap" % i

    def feed(self, i, pkts):
        from scapy.all import wrpcap
        wrpcap(self.rx(i), pkts)

    def read(self, i):
        from scapy.all import rdpcap
        return list(rdpcap(self.tx(i)))

    def cleanup(self):
        for i in self.ids:
            for f in (self.rx(i), self.tx(i)):
                if os.path.exists(f):
                    os.unlink(f)


def feed(spp, pcaps, ins, outs, sent_by_port, expect):
    """nfv 1 plays pcap:S -> ring:R for each (S, R) in ins and collects
    ring:R -> pcap:P for each R: P in outs until expect frames came out;
    returns {R: frames written}."""
    cmds = []
    for ring, pcap in outs.items():
        cmds += ["add pcap:%d" % pcap, "add ring:%d" % ring,
                 "patch ring:%d pcap:%d" % (ring, pcap)]
    for src, ring in ins:
        pcaps.feed(src, sent_by_port[src])
        cmds += ["add pcap:%d" % src, "add ring:%d" % ring,
                 "patch pcap:%d ring:%d" % (src, ring)]
    spp.nfv(1, *cmds, "forward")

    def out():
        st = spp.nfv_status(1)
        return sum(spp.port_stats(st, "pcap:%d" % p)["tx"]
                   for p in outs.values())
    wait_for(lambda: out() >= expect, timeout=20,
             what="%d frames through spp_vf" % expect)
    time.sleep(0.3)  # and not one more
    assert out() == expect
    spp.nfv(1, "stop", "patch reset",
            *["del pcap:%d" % p for p in outs.values()],
            *["del ring:%d" % r for r in outs],
            *["del pcap:%d" % src for src, _ in ins],
            *["del ring:%d" % ring for _, ring in ins])
    return {r: pcaps.read(p) for r, p in outs.items()}


def feed_through(spp, pcaps, ins, out, sent_by_port):
    """feed() with one output ring, to pcap:82: returns its frames."""
    total = sum(len(v) for v in sent_by_port.values())
    return feed(spp, pcaps, ins, {out: 82}, sent_by_port, total)[out]


def same_frames(sent, got):
    """Assert got holds exactly the frames of sent, same bytes, same order."""
    assert len(got) == len(sent), "%d frames out, %d in" % (len(got),
                                                          len(sent))
    for i, (a, b) in enumerate(zip(sent, got)):
        assert bytes(a) == bytes(b), "frame %d differs" % i
