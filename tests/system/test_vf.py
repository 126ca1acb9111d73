# SPDX-License-Identifier: BSD-3-Clause
"""spp_vf with real packets, driven through REST. Frames come in and go out
through spp_nfv's pcap ports and the primary's rings."""

import time

from scapy.all import Dot1Q, Ether

from sppenv import PcapPorts, frames, same_frames, wait_for


def feed_through(spp, pcaps, ins, out, sent_by_port):
    """nfv 1 plays pcap:S -> ring:R for each (S, R) in ins and collects
    ring:out -> pcap:82; returns the frames written."""
    cmds = ["add pcap:82", "add ring:%d" % out, "patch ring:%d pcap:82" % out]
    for src, ring in ins:
        pcaps.feed(src, sent_by_port[src])
        cmds += ["add pcap:%d" % src, "add ring:%d" % ring,
                 "patch pcap:%d ring:%d" % (src, ring)]
    spp.nfv(1, *cmds, "forward")
    total = sum(len(v) for v in sent_by_port.values())
    wait_for(lambda: spp.port_stats(spp.nfv_status(1), "pcap:82")["tx"]
             >= total, timeout=20, what="frames through spp_vf")
    time.sleep(0.2)
    spp.nfv(1, "stop", "patch reset", "del pcap:82", "del ring:%d" % out,
            *["del pcap:%d" % src for src, _ in ins],
            *["del ring:%d" % ring for _, ring in ins])
    return pcaps.read(82)


def test_vf_forward_merge_vlan(spp):
    spp.start_nfv(1)
    spp.start_vf(2)
    pcaps = PcapPorts(81, 82, 83)
    try:
        st = spp.vf_status(2)
        assert st["client-id"] == 2 and st["components"] == [
            {"core": 4, "type": "unuse"}]
        # forward ring:0 -> ring:1
        spp.vf(2, "component start fwd1 4 forward",
               "port add ring:0 rx fwd1", "port add ring:1 tx fwd1")
        sent = frames(150, seed=50)
        same_frames(sent, feed_through(spp, pcaps, [(81, 0)], 1,
                                       {81: sent}))
        st = spp.vf_status(2)
        assert st["ports"] == ["ring:0", "ring:1"]
        assert st["components"][0]["name"] == "fwd1"
        assert st["components"][0]["rx_port"] == [
            {"port": "ring:0",
             "vlan": {"operation": "none", "id": 0, "pcp": 0}}]
        # tag on the tx port: every frame leaves with VID 101 PCP 3
        spp.vf(2, "port del ring:1 tx fwd1",
               "port add ring:1 tx fwd1 add_vlantag 101 3")
        sent = frames(50, seed=51)
        got = feed_through(spp, pcaps, [(81, 0)], 1, {81: sent})
        want = []
        for f in sent:
            t = Ether(src=f.src, dst=f.dst) / Dot1Q(vlan=101, prio=3) / \
                f.payload
            want.append(t)
        same_frames(want, got)
        spp.vf(2, "component stop fwd1")
        assert spp.vf_status(2)["ports"] == []
        # merge ring:0 and ring:2 into ring:4, stripping tags on ring:2
        spp.vf(2, "component start mg1 4 merge", "port add ring:0 rx mg1",
               "port add ring:2 rx mg1 del_vlantag",
               "port add ring:4 tx mg1")
        a = frames(60, seed=52)
        b = frames(40, seed=53)
        tagged = [Ether(src=f.src, dst=f.dst) / Dot1Q(vlan=7) / f.payload
                  for f in b]
        got = feed_through(spp, pcaps, [(81, 0), (83, 2)], 4,
                           {81: a, 83: tagged})
        assert sorted(bytes(f) for f in got) == \
            sorted(bytes(f) for f in a + b)
        spp.vf(2, "component stop mg1")
        time.sleep(0.2)
        assert spp.pri_status()["mbuf_pool"]["in_use"] == 0
    finally:
        pcaps.cleanup()
