# SPDX-License-Identifier: BSD-3-Clause
"""spp_mirror with real packets, driven through REST: each frame on to tx 0
unchanged and in order, an identical copy to tx 1, in every copy mode; a
copy changed downstream leaves the original alone; the monitoring use case
with a VM and a monitor VM."""

import time

import pytest
from scapy.all import Dot1Q, Ether

from sppenv import PcapPorts, Spp, feed, frames, same_frames, wait_for


@pytest.mark.parametrize("mode", ["deep", "shallow", "auto", None])
def test_mirror_copies(spp, mode):
    """Frames of 60 to 1400 bytes (auto copies some, clones others): tx 0
    and tx 1 both get every frame, same bytes, same order; counters agree;
    no mbuf left in use."""
    spp.start_nfv(1)
    spp.start_mirror(3)
    pcaps = PcapPorts(81, 82, 83)
    try:
        spp.mirror(3, "component start mr1 6 mirror" +
                   (" " + mode if mode else ""),
                   "port add ring:0 rx mr1", "port add ring:1 tx mr1",
                   "port add ring:2 tx mr1")
        st = spp.mirror_status(3)
        comp = st["components"][0]
        assert comp["type"] == "mirror" and comp["copy"] == (mode or "auto")
        assert "classifier_table" not in st
        sent = frames(300, seed=90)
        got = feed(spp, pcaps, [(81, 0)], {1: 82, 2: 83}, {81: sent}, 600)
        same_frames(sent, got[1])
        same_frames(sent, got[2])
        st = spp.mirror_status(3)
        assert st["components"][0]["stats"] == {"rx": 300, "tx": 600,
                                                "drop": 0}
        spp.mirror(3, "component stop mr1")
        assert spp.mirror_status(3)["ports"] == []
        time.sleep(0.2)
        assert spp.pri_status()["mbuf_pool"]["in_use"] == 0
    finally:
        pcaps.cleanup()


def test_mirror_several_components():
    """Three mirror components in one spp_mirror, two of them on one lcore
    and one on another, each in its own copy mode, all fed at once: every
    component's two outputs get exactly its input, in order."""
    spp = Spp("mirror_several", nb_rings=9)
    try:
        several_components(spp)
    finally:
        spp.close()


def several_components(spp):
    spp.start_nfv(1)
    spp.start_mirror(3, lcores="5@0,6@1,11@1")
    pcaps = PcapPorts(81, 82, 83, 84, 85, 86, 87, 88, 89)
    try:
        for name, core, mode, rx in (("mr1", 6, "deep", 0),
                                     ("mr2", 6, "shallow", 3),
                                     ("mr3", 11, "auto", 6)):
            spp.mirror(3, "component start %s %d mirror %s" %
                       (name, core, mode),
                       "port add ring:%d rx %s" % (rx, name),
                       "port add ring:%d tx %s" % (rx + 1, name),
                       "port add ring:%d tx %s" % (rx + 2, name))
        st = spp.mirror_status(3)
        assert sorted((c["name"], c["core"], c["copy"])
                      for c in st["components"] if "name" in c) == [
            ("mr1", 6, "deep"), ("mr2", 6, "shallow"), ("mr3", 11, "auto")]
        sent = {81: frames(200, seed=94), 84: frames(150, seed=95),
                87: frames(100, seed=96, size=(60, 1400))}
        got = feed(spp, pcaps, [(81, 0), (84, 3), (87, 6)],
                   {r: 81 + r for r in (1, 2, 4, 5, 7, 8)}, sent,
                   2 * (200 + 150 + 100))
        for rx, src in ((0, 81), (3, 84), (6, 87)):
            same_frames(sent[src], got[rx + 1])
            same_frames(sent[src], got[rx + 2])
        st = spp.mirror_status(3)
        assert {c["name"]: c["stats"] for c in st["components"]
                if "name" in c} == {
            "mr1": {"rx": 200, "tx": 400, "drop": 0},
            "mr2": {"rx": 150, "tx": 300, "drop": 0},
            "mr3": {"rx": 100, "tx": 200, "drop": 0}}
        for name in ("mr1", "mr2", "mr3"):
            spp.mirror(3, "component stop " + name)
        time.sleep(0.2)
        assert spp.pri_status()["mbuf_pool"]["in_use"] == 0
    finally:
        pcaps.cleanup()


@pytest.mark.parametrize("mode", ["deep", "shallow"])
def test_mirror_copy_changed_downstream(spp, mode):
    """The copies (tx 1) go through spp_vf, which tags them (VLAN 10): the
    originals (tx 0) come out untouched, the copies tagged, byte for byte.
    With shallow copies the data is shared, so spp_vf copies before it
    writes."""
    spp.start_nfv(1)
    spp.start_vf(2)
    spp.start_mirror(3)
    pcaps = PcapPorts(81, 82, 83)
    try:
        spp.mirror(3, "component start mr1 6 mirror " + mode,
                   "port add ring:0 rx mr1", "port add ring:1 tx mr1",
                   "port add ring:2 tx mr1")
        spp.vf(2, "component start tag 4 forward", "port add ring:2 rx tag",
               "port add ring:3 tx tag add_vlantag 10 0")
        sent = frames(200, seed=91)
        got = feed(spp, pcaps, [(81, 0)], {1: 82, 3: 83}, {81: sent}, 400)
        same_frames(sent, got[1])
        same_frames([Ether(src=f.src, dst=f.dst) / Dot1Q(vlan=10) /
                     f.payload for f in sent], got[3])
        spp.mirror(3, "component stop mr1")
        spp.vf(2, "component stop tag")
        time.sleep(0.2)
        assert spp.pri_status()["mbuf_pool"]["in_use"] == 0
    finally:
        pcaps.cleanup()


def test_mirror_monitoring(tapnode, tmp_path):
    """The original's monitoring use case: spp_vf carries traffic between a
    namespace (tap phy:0) and a VM (vhost:0); spp_mirror sits on the path
    to the VM and sends a copy of every frame to a monitor VM (vhost:1).
    The VM answers (macswap) and the namespace gets every answer; the
    monitor gets exactly the frames the VM got, which it sends back to be
    compared byte for byte."""
    from scapy.all import rdpcap, wrpcap
    spp = tapnode.spp
    pcaps = PcapPorts(83)
    try:
        spp.start_nfv(1)
        spp.start_vf(2)
        spp.start_mirror(3)
        # namespace -> phy:0 -> ring:0 -> mirror -> ring:1 -> vhost:0 (VM)
        #                                         \\-> ring:2 -> vhost:1
        # VM -> vhost:0 -> phy:0 -> namespace; monitor -> vhost:1 -> ring:3
        spp.vf(2, "component start in 4 forward", "port add phy:0 rx in",
               "port add ring:0 tx in",
               "component start tovm 4 forward", "port add ring:1 rx tovm",
               "port add vhost:0 tx tovm",
               "component start fromvm 4 forward",
               "port add vhost:0 rx fromvm", "port add phy:0 tx fromvm",
               "component start tomon 4 forward", "port add ring:2 rx tomon",
               "port add vhost:1 tx tomon",
               "component start frommon 4 forward",
               "port add vhost:1 rx frommon", "port add ring:3 tx frommon")
        spp.mirror(3, "component start mr1 6 mirror",
                   "port add ring:0 rx mr1", "port add ring:1 tx mr1",
                   "port add ring:2 tx mr1")
        spp.nfv(1, "add ring:3", "add pcap:83", "patch ring:3 pcap:83",
                "forward")
        # the VMs connect to the sockets spp_vf serves now
        vms = [tapnode.vm(0, fwd="macswap"), tapnode.vm(1)]
        for v in vms:
            v.wait_ready()
        wait_for(lambda: all(spp.port_stats(spp.vf_status(2), "vhost:%d" % v)
                             ["link"] == "up" for v in range(2)),
                 timeout=20, what="both VMs connected")
        sent = frames(120, seed=92, dst="52:54:00:00:02:00",
                      size=(60, 1000))
        src, out = tmp_path / "in.pcap", tmp_path / "out.pcap"
        wrpcap(str(src), sent)
        rx = tapnode.python("recv", "52:54:00:00:02:00", 120, out,
                            wait=False)
        tapnode.python("send", src)
        assert rx.wait(timeout=30) == 0
        same_frames([Ether(src=f.dst, dst=f.src) / f.payload for f in sent],
                    list(rdpcap(str(out))))
        wait_for(lambda: spp.port_stats(spp.nfv_status(1), "pcap:83")["tx"]
                 >= 120, timeout=20, what="the monitor's frames")
        time.sleep(0.3)
        spp.nfv(1, "stop", "del pcap:83")
        # the monitor may also see what the namespace's kernel sent
        monitored = [f for f in pcaps.read(83) if f.dst == sent[0].dst]
        same_frames(sent, monitored)
        st = spp.vf_status(2)
        assert spp.port_stats(st, "vhost:0")["tx"] == \
            spp.port_stats(st, "vhost:1")["tx"]
        for name in ("in", "tovm", "fromvm", "tomon", "frommon"):
            spp.vf(2, "component stop " + name)
        spp.mirror(3, "component stop mr1")
        time.sleep(0.2)
        assert spp.pri_status()["mbuf_pool"]["in_use"] == tapnode.in_use
    finally:
        pcaps.cleanup()

def test_mirror_hitless_changes(tapnode, tmp_path):
    """A steady flow (namespace -> tap phy:0 -> mirror -> ring:1 and its
    copy ring:2, both recorded by spp_nfv) while other mirror components
    are started, wired and stopped on the same lcore again and again: both
    outputs get every frame once, in order."""
    from scapy.all import wrpcap
    spp = tapnode.spp
    pcaps = PcapPorts(82, 83)
    try:
        spp.start_nfv(1)
        spp.start_mirror(3)
        spp.mirror(3, "component start mr1 6 mirror",
                   "port add phy:0 rx mr1", "port add ring:1 tx mr1",
                   "port add ring:2 tx mr1")
        spp.nfv(1, "add ring:1", "add pcap:82", "patch ring:1 pcap:82",
                "add ring:2", "add pcap:83", "patch ring:2 pcap:83",
                "forward")
        n, pps = 4000, 2000
        sent = frames(n, seed=93, dst="52:54:00:00:03:00", size=(64, 1200))
        src = tmp_path / "flow.pcap"
        wrpcap(str(src), sent)
        sender = tapnode.python("flow", src, pps, wait=False)
        changes = 0
        while sender.poll() is None:
            spp.mirror(3, "component start mr%d 6 mirror shallow" %
                       (changes + 2),
                       "port add ring:4 rx mr%d" % (changes + 2),
                       "port add ring:5 tx mr%d" % (changes + 2),
                       "port add ring:6 tx mr%d" % (changes + 2),
                       "component stop mr%d" % (changes + 2))
            changes += 5
        assert sender.returncode == 0
        assert changes >= 40, "only %d changes during the flow" % changes

        def out():
            st = spp.nfv_status(1)
            return min(spp.port_stats(st, "pcap:%d" % p)["tx"]
                       for p in (82, 83))
        wait_for(lambda: out() >= n, timeout=20, what="the flow out")
        time.sleep(0.3)
        spp.nfv(1, "stop", "patch reset", "del pcap:82", "del pcap:83")
        for p in (82, 83):
            same_frames(sent, [f for f in pcaps.read(p)
                               if f.dst == sent[0].dst])
    finally:
        pcaps.cleanup()

def test_mirror_rest_errors(spp):
    """spp_mirror's refusals through REST, with nothing changed."""
    spp.start_mirror(3)
    spp.mirror(3, "component start mr1 6 mirror deep",
               "port add ring:0 rx mr1", "port add ring:1 tx mr1",
               "port add ring:2 tx mr1")
    before = spp.mirror_status(3)
    cases = [
        ("component start mr1 6 mirror", 409, "exists"),
        ("component start x 6 forward", 400, "not supported by mirror"),
        ("component start x 6 mirror fast", 400, "unknown copy mode"),
        ("component start x 5 mirror", 400, "not a worker lcore"),
        ("port add ring:3 tx mr1", 400, "at most 2 tx"),
        ("port add ring:3 rx mr1", 400, "at most 1 rx"),
        ("port add ring:3 tx mr1 add_vlantag 10 0", 400, "add_vlantag"),
        ("port del ring:3 tx mr1", 404, "not a tx port of mr1"),
        ("component stop mr9", 404, "mr9"),
    ]
    for cmd, code, why in cases:
        r = spp.vf_request(3, cmd, kind="mirrors")
        assert r.status_code == code, (cmd, r.status_code, r.text)
        assert why in r.text, (cmd, r.text)
    r = spp.put("/mirrors/3/classifier_table",
                {"action": "add", "type": "mac", "port": "ring:1",
                 "mac_address": "52:54:00:00:00:01"})
    assert r.status_code in (404, 405)
    after = spp.mirror_status(3)
    for st in (before, after):
        st.pop("workers")  # counters, like the components' stats
        for c in st["components"]:
            c.pop("stats", None)
    assert after == before
