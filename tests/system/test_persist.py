# SPDX-License-Identifier: BSD-3-Clause
"""Nothing lost on restart (issue 20): spp-ctl records what the commands
built in each process and puts it back into a process that comes back
empty, with real processes and real frames. A process is killed with
SIGKILL while frames flow (from a nullpmd port, endless), started again
with the same client id, and the test sends no command to it: its status
comes back, and frames fed before and after come out the same, byte for
byte."""

import glob
import json
import os
import threading
import time

import pytest
from scapy.all import Dot1Q, Ether

from sppenv import (PcapPorts, Spp, feed, frames, same_frames,
                    wait_for)
from test_pcap import captures, in_time_order, written

# pcap:N files of their own (/tmp/spp-rxN.pcap): other test runs use 8x
P_IN, P_IN2, P_OUT, P_OUT2, P_OUT3 = 61, 62, 63, 64, 65
MAC_A = "52:54:00:00:00:0a"


@pytest.fixture
def spp(request):
    """spp-ctl keeping its record in a directory of its own."""
    s = Spp("persist_" + request.node.name[5:16], state=True)
    yield s
    s.close()


def config_of(st):
    """A vf or mirror status without its counters."""
    comps = [{k: v for k, v in c.items() if k != "stats"}
             for c in st["components"]]
    return st["ports"], comps, st.get("classifier_table")


def record(spp):
    with open(os.path.join(spp.state_dir, "state.json")) as f:
        return json.load(f)["processes"]


def restored(spp, kind, cid):
    for p in spp.processes():
        if p["type"] == kind and p.get("client-id") == cid:
            return p.get("restored")
    return None


def kill(spp, proc, kind, cid):
    """SIGKILL; spp-ctl sees the process gone."""
    proc.p.kill()
    proc.p.wait()
    spp.procs.remove(proc)
    wait_for(lambda: not spp.has_process(kind, cid),
             what="%s %d gone" % (kind, cid))


def flow(spp, src_ring, sinks):
    """nfv 1 sends endless frames of nullpmd:0 into src_ring and throws
    away what comes out of the sink rings."""
    cmds = ["add nullpmd:0", "add ring:%d" % src_ring,
            "patch nullpmd:0 ring:%d" % src_ring]
    for r in sinks:
        cmds += ["add ring:%d" % r, "patch ring:%d nullpmd:0" % r]
    spp.nfv(1, *cmds, "forward")


def unflow(spp, src_ring, sinks):
    """Stop the source, let the sinks drain, take it all away."""
    spp.nfv(1, "patch reset",
            *["patch ring:%d nullpmd:0" % r for r in sinks])

    def drained():
        a = spp.nfv_status(1)
        time.sleep(0.3)
        b = spp.nfv_status(1)
        return all(spp.port_stats(a, "ring:%d" % r)["rx"] ==
                   spp.port_stats(b, "ring:%d" % r)["rx"] for r in sinks)
    wait_for(drained, timeout=20, what="rings drained")
    spp.nfv(1, "stop", "patch reset", "del nullpmd:0",
            "del ring:%d" % src_ring, *["del ring:%d" % r for r in sinks])


def comp_rx(status, name):
    for c in status["components"]:
        if c.get("name") == name:
            return c["stats"]["rx"]
    return 0


VF_CONFIG = [
    "component start cls1 4 classifier", "port add ring:0 rx cls1",
    "port add ring:1 tx cls1", "port add ring:2 tx cls1",
    "classifier_table add mac %s ring:1" % MAC_A,
    "classifier_table add mac default ring:2",
    "component start fwd1 4 forward", "port add ring:1 rx fwd1",
    "port add ring:3 tx fwd1 add_vlantag 101 3",
    "component start mg1 4 merge", "port add ring:2 rx mg1",
    "port add ring:4 rx mg1 del_vlantag", "port add ring:5 tx mg1"]


def vf_frames():
    """Frames to MAC_A and to others into ring:0, tagged ones into
    ring:4."""
    a = frames(40, seed=200, dst=MAC_A)
    o = frames(30, seed=201)
    into0 = [f for pair in zip(a, o) for f in pair] + a[len(o):]
    into4 = [Ether(src=f.src, dst=f.dst) / Dot1Q(vlan=7) / f.payload
             for f in frames(25, seed=202)]
    return into0, into4


def vf_feed(spp, pcaps):
    into0, into4 = vf_frames()
    return feed(spp, pcaps, [(P_IN, 0), (P_IN2, 4)], {3: P_OUT, 5: P_OUT2},
                {P_IN: into0, P_IN2: into4}, len(into0) + len(into4))


def test_vf_killed_under_traffic_comes_back(spp):
    """spp_vf with a classifier, a forward that tags and a merge that
    strips: killed while frames flow, started again, its status is back
    within seconds and frames are classified, tagged and merged as
    before."""
    spp.start_nfv(1)
    vf = spp.start_vf(2)
    pcaps = PcapPorts(P_IN, P_IN2, P_OUT, P_OUT2)
    try:
        spp.vf(2, *VF_CONFIG)
        before = vf_feed(spp, pcaps)
        into0, into4 = vf_frames()
        assert len(before[3]) == 40 and all(
            f[Dot1Q].vlan == 101 and f[Dot1Q].prio == 3 for f in before[3])
        assert len(before[5]) == 30 + 25
        want = config_of(spp.vf_status(2))
        assert len(record(spp)["vf 2"]["commands"]) == len(VF_CONFIG)

        flow(spp, 0, (3, 5))
        wait_for(lambda: comp_rx(spp.vf_status(2), "cls1") > 1000,
                 what="frames through cls1")
        kill(spp, vf, "vf", 2)
        t0 = time.monotonic()
        spp.start_vf(2)
        wait_for(lambda: config_of(spp.vf_status(2)) == want, timeout=10,
                 what="vf 2's configuration back")
        assert time.monotonic() - t0 < 15
        r = restored(spp, "vf", 2)
        assert r["commands"] == len(VF_CONFIG) and r["failed"] == [], r
        # the frames of the endless flow go through the new process
        wait_for(lambda: comp_rx(spp.vf_status(2), "cls1") > 1000,
                 what="frames through the restored cls1")
        unflow(spp, 0, (3, 5))

        after = vf_feed(spp, pcaps)
        same_frames(before[3], after[3])
        assert sorted(bytes(f) for f in after[5]) == \
            sorted(bytes(f) for f in before[5])
        # the record is what it was: nothing was added by the replay
        assert len(record(spp)["vf 2"]["commands"]) == len(VF_CONFIG)
        assert "came back empty: putting back 13 commands" in \
            spp.ctl.output()
    finally:
        pcaps.cleanup()


def test_classifier_changes_recorded_in_place(spp):
    """Classifier entries added and deleted one by one (MAC, VLAN and
    default ones, in random order) change their one line of the record in
    place: the record is always what the status says (GET /v1/topology
    reads it from the status)."""
    import random
    spp.start_vf(2)
    spp.vf(2, "component start cls1 4 classifier", "port add ring:0 rx cls1",
           "port add ring:1 tx cls1", "port add ring:2 tx cls1")
    rng = random.Random(21)
    have = {}
    for i in range(300):
        if have and rng.random() < 0.4:
            key = rng.choice(sorted(have))
            spp.vf(2, "classifier_table del %s %s" % (key, have.pop(key)))
        else:
            vid = rng.choice([None, 5, 300])
            mac = rng.choice(["default", "52:54:00:%02X:%02x:%02x" % (
                rng.randrange(4), rng.randrange(256), rng.randrange(256))])
            key = "mac " + mac if vid is None else "vlan %d %s" % (vid, mac)
            if key.lower() in have:
                continue
            have[key.lower()] = "ring:%d" % rng.choice((1, 2))
            spp.vf(2, "classifier_table add %s %s" % (key, have[key.lower()]))
        if i % 50 == 49:
            topo = spp.ok(spp.get("/topology"), 200)["processes"]
            live = [p["commands"] for p in topo if p["type"] == "vf"][0]
            assert record(spp)["vf 2"]["commands"] == live
    assert len(spp.vf_status(2)["classifier_table"]) == len(have)


def test_nfv_killed_under_traffic_comes_back(spp):
    """spp_nfv 2 with ports, a patch and forwarding on: killed while frames
    flow, started again: ports, patches and forwarding are back and frames
    go through unchanged."""
    spp.start_nfv(1)
    nfv2 = spp.start_nfv(2, lcores="11@0,12@1")
    pcaps = PcapPorts(P_IN, P_OUT)
    try:
        spp.nfv(2, "add ring:0", "add ring:1", "patch ring:0 ring:1",
                "forward")
        sent = frames(80, seed=210)
        before = feed(spp, pcaps, [(P_IN, 0)], {1: P_OUT}, {P_IN: sent}, 80)
        same_frames(sent, before[1])
        st = spp.nfv_status(2)
        want = (st["ports"], st["patches"], st["status"])

        flow(spp, 0, (1,))
        kill(spp, nfv2, "nfv", 2)
        spp.start_nfv(2, lcores="11@0,12@1")
        wait_for(lambda: (lambda s: (s["ports"], s["patches"],
                                     s["status"]))(spp.nfv_status(2)) ==
                 want, timeout=10, what="nfv 2's configuration back")
        assert restored(spp, "nfv", 2)["commands"] == 4
        unflow(spp, 0, (1,))
        after = feed(spp, pcaps, [(P_IN, 0)], {1: P_OUT}, {P_IN: sent}, 80)
        same_frames(sent, after[1])
    finally:
        pcaps.cleanup()


def test_mirror_killed_comes_back_with_copy_modes(spp):
    """spp_mirror with a deep and a shallow component: killed while frames
    flow, started again: both are back with their copy modes, and both
    outputs of each get every frame."""
    spp.start_nfv(1)
    mirror = spp.start_mirror(3)
    pcaps = PcapPorts(P_IN, P_IN2, P_OUT, P_OUT2, P_OUT3, 66)
    cfg = ["component start mr1 6 mirror deep", "port add ring:0 rx mr1",
           "port add ring:1 tx mr1", "port add ring:2 tx mr1",
           "component start mr2 6 mirror shallow", "port add ring:3 rx mr2",
           "port add ring:4 tx mr2", "port add ring:5 tx mr2"]
    a, b = frames(50, seed=220), frames(40, seed=221)

    def through():
        got = feed(spp, pcaps, [(P_IN, 0), (P_IN2, 3)],
                   {1: P_OUT, 2: P_OUT2, 4: P_OUT3, 5: 66},
                   {P_IN: a, P_IN2: b}, 2 * (50 + 40))
        for r, want in ((1, a), (2, a), (4, b), (5, b)):
            same_frames(want, got[r])

    try:
        spp.mirror(3, *cfg)
        through()
        want = config_of(spp.mirror_status(3))[1]
        assert sorted((c["name"], c["copy"]) for c in want) == [
            ("mr1", "deep"), ("mr2", "shallow")]
        flow(spp, 0, (1, 2))
        kill(spp, mirror, "mirror", 3)
        spp.start_mirror(3)
        wait_for(lambda: config_of(spp.mirror_status(3))[1] == want,
                 timeout=10, what="mirror 3's components back")
        assert restored(spp, "mirror", 3)["commands"] == len(cfg)
        unflow(spp, 0, (1, 2))
        through()
    finally:
        pcaps.cleanup()


def test_pcap_killed_capture_restarts(spp, tmp_path):
    """spp_pcap capturing: killed, started again: it captures again, into
    new files, without a start from the test."""
    outdir = str(tmp_path)
    args = ["-c", "ring:0", "--out-dir", outdir]
    spp.start_nfv(1)
    pcap = spp.start_pcap(4, args)
    pcaps = PcapPorts(P_IN)

    def play(sent):
        pcaps.feed(P_IN, sent)
        spp.nfv(1, "add pcap:%d" % P_IN, "add ring:0",
                "patch pcap:%d ring:0" % P_IN, "forward")
        wait_for(lambda: written(spp, 4) >= len(sent), timeout=20,
                 what="frames written")
        spp.nfv(1, "stop", "patch reset", "del pcap:%d" % P_IN,
                "del ring:0")

    try:
        spp.capture(4, "start")
        play(frames(100, seed=230))
        kill(spp, pcap, "pcap", 4)
        first = set(glob.glob(os.path.join(outdir, "*.pcap.lz4*")))
        spp.start_pcap(4, args)
        wait_for(lambda: spp.pcap_status(4)["status"] == "running",
                 timeout=10, what="capture restarted")
        assert restored(spp, "pcap", 4)["commands"] == 1
        sent = frames(120, seed=231)
        play(sent)
        spp.capture(4, "stop")
        files = captures(outdir)
        new = {k: v for k, v in files.items()
               if os.path.join(outdir, k) not in first}
        assert new, sorted(files)
        same_frames(sent, in_time_order(new))
    finally:
        pcaps.cleanup()


def restart_ctl(spp, kill=True):
    """spp-ctl killed (or stopped) and started again on the same ports and
    state directory; the processes reconnect by themselves."""
    if kill:
        spp.ctl.p.kill()
    spp.ctl.stop()
    spp.procs.remove(spp.ctl)
    spp.ctl = spp.start_ctl()


def test_ctl_restarted_alone_keeps_the_record(spp):
    """spp-ctl killed and started again: the processes keep running with
    their configuration, which spp-ctl believes; the record is not replaced
    by an empty one and nothing is replayed."""
    spp.start_nfv(1)
    spp.start_vf(2)
    spp.nfv(1, "add ring:6", "add ring:7", "patch ring:6 ring:7", "forward")
    spp.vf(2, *VF_CONFIG)
    rec = record(spp)
    nfv_st, vf_cfg = spp.nfv_status(1), config_of(spp.vf_status(2))
    restart_ctl(spp)
    wait_for(lambda: spp.has_process("nfv", 1) and spp.has_process("vf", 2),
             timeout=20, what="nfv 1 and vf 2 back at spp-ctl")
    wait_for(lambda: "vf 2 came with a configuration" in spp.ctl.output()
             and "nfv 1 came with a configuration" in spp.ctl.output(),
             what="both recorded")
    assert record(spp) == rec
    assert restored(spp, "vf", 2) is None and restored(spp, "nfv", 1) is None
    assert "putting back" not in spp.ctl.output()
    assert spp.nfv_status(1)["patches"] == nfv_st["patches"]
    assert config_of(spp.vf_status(2)) == vf_cfg


def reboot(spp):
    """Everything killed, spp-ctl started again (its record read), the
    DPDK files gone, the primary started: the secondaries are the
    caller's to start."""
    for p in list(reversed(spp.procs)):
        if p is not spp.ctl:
            p.p.kill()
            p.p.wait()
            spp.procs.remove(p)
    restart_ctl(spp)
    spp.cleanup_dpdk_files()
    spp.start_primary()


def test_reboot_brings_the_topology_back(spp):
    """spp-ctl, the primary and every secondary killed, the DPDK files
    gone (a reboot); all started again by hand, nothing else: the
    configuration is back and frames go through as before."""
    spp.start_nfv(1)
    spp.start_vf(2)
    pcaps = PcapPorts(P_IN, P_IN2, P_OUT, P_OUT2)
    try:
        spp.vf(2, *VF_CONFIG)
        spp.nfv(1, "add ring:6")
        before = vf_feed(spp, pcaps)
        vf_cfg = config_of(spp.vf_status(2))
        nfv_ports = spp.nfv_status(1)["ports"]
        reboot(spp)
        spp.start_nfv(1)
        spp.start_vf(2)
        wait_for(lambda: config_of(spp.vf_status(2)) == vf_cfg, timeout=10,
                 what="vf 2's configuration back")
        wait_for(lambda: spp.nfv_status(1)["ports"] == nfv_ports,
                 timeout=10, what="nfv 1's ports back")
        after = vf_feed(spp, pcaps)
        same_frames(before[3], after[3])
        assert sorted(bytes(f) for f in after[5]) == \
            sorted(bytes(f) for f in before[5])
    finally:
        pcaps.cleanup()


def test_torn_writes_never_leave_an_unreadable_record(spp):
    """spp-ctl killed while it writes its record (a command per few
    milliseconds, each rewriting it), again and again: the record on disk
    always reads, and spp-ctl always starts with it."""
    import random
    spp.start_nfv(1)
    spp.nfv(1, "add ring:6", "add ring:7", "patch ring:6 ring:7")
    path = os.path.join(spp.state_dir, "state.json")
    rng = random.Random(20)
    valid = ([], ["forward"])
    for i in range(12):
        stop = threading.Event()

        def churn():
            k = 0
            while not stop.is_set():
                try:
                    spp.put("/nfvs/1/forward",
                            {"action": "start" if k % 2 else "stop"})
                except Exception:
                    return  # spp-ctl is gone
                k += 1
        t = threading.Thread(target=churn)
        t.start()
        time.sleep(rng.uniform(0.05, 0.4))
        spp.ctl.p.kill()
        spp.ctl.p.wait()
        stop.set()
        t.join()
        with open(path) as f:
            doc = json.load(f)  # never half a file
        cmds = doc["processes"]["nfv 1"]["commands"]
        assert cmds[:3] == ["add ring:6", "add ring:7",
                            "patch ring:6 ring:7"], cmds
        assert cmds[3:] in valid, cmds
        restart_ctl(spp, kill=False)
        wait_for(lambda: spp.has_process("nfv", 1), timeout=20,
                 what="nfv 1 back (round %d)" % i)


def test_vf_back_without_a_core_reports_what_failed(spp):
    """spp_vf started again without one of its worker lcores: the
    component of that core and its ports cannot be put back and are
    reported; the other component comes back."""
    vf = spp.start_vf(2, lcores="3@0,4@1,13@0")
    spp.vf(2, "component start fwd1 4 forward", "port add ring:0 rx fwd1",
           "port add ring:1 tx fwd1", "component start fwd2 13 forward",
           "port add ring:2 rx fwd2", "port add ring:3 tx fwd2")
    kill(spp, vf, "vf", 2)
    spp.start_vf(2, lcores="3@0,13@0")
    wait_for(lambda: restored(spp, "vf", 2), what="vf 2 restored")
    r = restored(spp, "vf", 2)
    assert r["commands"] == 3
    assert [f["command"] for f in r["failed"]] == [
        "component start fwd1 4 forward", "port add ring:0 rx fwd1",
        "port add ring:1 tx fwd1"]
    assert "lcore" in r["failed"][0]["error"] or \
        "core" in r["failed"][0]["error"], r["failed"][0]
    comps = [c for c in spp.vf_status(2)["components"] if "name" in c]
    assert [(c["name"], c["core"], [p["port"] for p in c["rx_port"]],
             [p["port"] for p in c["tx_port"]]) for c in comps] == [
        ("fwd2", 13, ["ring:2"], ["ring:3"])]
    assert "vf 2: cannot put back 'component start fwd1 4 forward'" in \
        spp.ctl.output()


def test_primary_forwarder_and_pipes_come_back(request):
    """The primary's own forwarder (ports, a patch, forwarding on) and a
    pipe: the primary killed (its node's memory gone with it) and started
    again: its status is back, nothing sent by the test."""
    spp = Spp("persist_primary", pri_lcores="0@0,14@1", state=True)
    try:
        spp.ok(spp.put("/primary/ports", {"action": "add", "port": "pipe:0",
                                           "rx": "ring:2", "tx": "ring:3"}),
               204)
        spp.fwd("primary", "add ring:0", "add ring:1", "add pipe:0",
                "patch ring:0 pipe:0", "patch ring:1 ring:0", "forward")

        def config():
            st = spp.pri_status()
            f = st["forwarder"]
            return (f["status"], f["ports"], f["patches"],
                    [(p["id"], p["rx"], p["tx"]) for p in st["pipes"]])
        want = config()
        assert want[0] == "running" and want[3] == [(0, 2, 3)]
        spp.primary.p.kill()
        spp.primary.p.wait()
        spp.procs.remove(spp.primary)
        wait_for(lambda: not spp.has_process("primary"), what="primary gone")
        spp.cleanup_dpdk_files()
        spp.start_primary(lcores="0@0,14@1")
        wait_for(lambda: config() == want, timeout=10,
                 what="the primary's configuration back")
        assert restored(spp, "primary", None)["commands"] == 7
        # its part of a topology file, applied again: nothing to do
        doc = spp.ok(spp.get("/topology"), 200)
        assert doc["processes"] == [{"type": "primary", "commands": [
            "add pipe:0 ring:2 ring:3", "add ring:0", "add ring:1",
            "add pipe:0", "patch ring:0 pipe:0", "patch ring:1 ring:0",
            "forward"]}]
        r = spp.put("/topology", data=json.dumps(doc))
        assert spp.ok(r, 200)["changes"] == []
    finally:
        spp.close()


class LazySpp(Spp):
    """Spp whose spp-ctl writes its record lazily (--state-sync lazy=MS)."""

    lazy_ms = 60000

    def ctl_args(self):
        return super().ctl_args() + ["--state-sync",
                                     "lazy=%d" % self.lazy_ms]


def test_lazy_record_ctl_killed_then_reboot(request):
    """--state-sync lazy with a delay longer than the test: spp-ctl killed
    alone with nothing on disk loses nothing (spp_vf keeps its classifier
    and is believed); stopped with SIGTERM it writes the record; after a
    reboot (everything killed, the DPDK files gone) spp_vf gets it back."""
    spp = LazySpp("persist_lazy", state=True)
    try:
        spp.start_vf(2)
        macs = ["52:54:00:00:01:%02x" % i for i in range(64)]
        spp.vf(2, *VF_CONFIG[:4], *["classifier_table add mac %s ring:%d"
                                    % (m, 1 + i % 2)
                                    for i, m in enumerate(macs)])
        want = config_of(spp.vf_status(2))
        path = os.path.join(spp.state_dir, "state.json")
        assert not os.path.exists(path)
        restart_ctl(spp)  # kill -9
        assert not os.path.exists(path)
        wait_for(lambda: spp.has_process("vf", 2), timeout=20,
                 what="vf 2 back at spp-ctl")
        assert config_of(spp.vf_status(2)) == want
        assert "putting back" not in spp.ctl.output()
        restart_ctl(spp, kill=False)  # SIGTERM: written
        assert len(record(spp)["vf 2"]["commands"]) == 4 + len(macs)
        reboot(spp)
        spp.start_vf(2)
        wait_for(lambda: config_of(spp.vf_status(2)) == want, timeout=10,
                 what="vf 2's configuration back")
        assert restored(spp, "vf", 2)["commands"] == 4 + len(macs)
    finally:
        spp.close()
