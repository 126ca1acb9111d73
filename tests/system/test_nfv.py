# SPDX-License-Identifier: BSD-3-Clause
"""spp_nfv and the primary driven through spp-ctl's REST API, with real
packets: nullpmd sources and sinks, rings, pcap files, veth "NICs"."""

import os
import random
import time

from scapy.all import IP, UDP, Ether, Raw, rdpcap, wrpcap

from sppenv import Spp, wait_for, src_dst


def ring(status, rid):
    return [r for r in status["ring_ports"] if r["id"] == rid][0]


def test_null_ring_null_counters(spp_nfv):
    spp = spp_nfv
    spp.nfv(1, "add nullpmd:1", "add ring:1", "add nullpmd:2",
            "patch nullpmd:1 ring:1", "patch ring:1 nullpmd:2", "forward")
    st = spp.nfv_status(1)
    assert st["status"] == "running"
    assert st["ports"] == ["nullpmd:1", "ring:1", "nullpmd:2"]
    assert src_dst(st["patches"]) == [
        {"src": "nullpmd:1", "dst": "ring:1"},
        {"src": "ring:1", "dst": "nullpmd:2"}]
    # each patch runs on a worker lcore of the process
    assert all(p["lcore"] in st["lcores"] for p in st["patches"])
    r1 = ring(spp.pri_status(), 1)["rx"]
    wait_for(lambda: ring(spp.pri_status(), 1)["rx"] > r1 + 10000,
             what="ring:1 counters to rise")
    st = spp.nfv_status(1)
    assert spp.port_stats(st, "nullpmd:2")["tx"] > 0
    assert spp.port_stats(st, "ring:1")["tx"] > 0
    # other rings untouched
    assert ring(spp.pri_status(), 0)["tx"] == 0

    spp.nfv(1, "stop")
    assert spp.nfv_status(1)["status"] == "idling"
    time.sleep(0.3)
    a = ring(spp.pri_status(), 1)
    time.sleep(0.5)
    b = ring(spp.pri_status(), 1)
    assert a["rx"] == b["rx"] and a["tx"] == b["tx"]
    # every packet that went into the ring came out of it
    assert b["tx"] == b["rx"]

    # clear (DELETE /primary/status) zeroes the counters
    assert spp.delete("/primary/status").status_code == 204
    assert ring(spp.pri_status(), 1)["rx"] == 0


def test_pcap_to_pcap_same_frames(spp_nfv):
    spp = spp_nfv
    rng = random.Random(7)
    frames = [Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") /
              IP(src="10.0.0.1", dst="10.0.0.2") /
              UDP(sport=1000 + i, dport=2000) /
              Raw(bytes(rng.getrandbits(8) for _ in range(rng.randrange(18, 1400))))
              for i in range(300)]
    rx, tx = "/tmp/spp-rx81.pcap", "/tmp/spp-tx82.pcap"
    wrpcap(rx, frames)
    if os.path.exists(tx):
        os.unlink(tx)
    try:
        spp.nfv(1, "add pcap:81", "add pcap:82", "patch pcap:81 pcap:82",
                "forward")
        wait_for(lambda: spp.port_stats(spp.nfv_status(1), "pcap:82")["tx"]
                 == len(frames), what="all frames through pcap:82")
        # the pcap PMD writes its file out when the port is closed
        spp.nfv(1, "stop", "del pcap:82", "del pcap:81")
        out = rdpcap(tx)
        assert len(out) == len(frames)
        for i, (a, b) in enumerate(zip(frames, out)):
            assert bytes(a) == bytes(b), "frame %d differs" % i
    finally:
        for f in (rx, tx, "/tmp/spp-rx82.pcap", "/tmp/spp-tx81.pcap"):
            if os.path.exists(f):
                os.unlink(f)


def test_ping_through_phy_patches(netns):
    # net_pcap on the host ends of the veths: DPDK's af_packet PMD does not
    # move packets in secondary processes, the pcap PMD does
    spp = Spp("ping", vdevs=["net_pcap0,iface=%s" % netns.host[0],
                             "net_pcap1,iface=%s" % netns.host[1]],
              portmask="0x3")
    try:
        spp.start_nfv(1)
        st = spp.pri_status()
        assert [p["id"] for p in st["phy_ports"]] == [0, 1]
        spp.nfv(1, "add phy:0", "add phy:1", "patch phy:0 phy:1",
                "patch phy:1 phy:0", "forward")
        assert netns.ping(), "ping through SPP failed"
        spp.nfv(1, "patch reset")
        assert spp.nfv_status(1)["patches"] == []
        assert not netns.ping(count=2), "ping works without patches"
        spp.nfv(1, "patch phy:0 phy:1", "patch phy:1 phy:0")
        assert netns.ping(), "ping after re-patching failed"
        st = spp.pri_status()
        assert st["phy_ports"][0]["rx"] > 0 and st["phy_ports"][1]["tx"] > 0
    finally:
        spp.close()


def test_af_packet_refused_in_secondary(netns):
    spp = Spp("afp", vdevs=["net_af_packet0,iface=%s" % netns.host[0]],
              portmask="0x1")
    try:
        spp.start_nfv(1)
        r = spp.put("/nfvs/1/ports", {"action": "add", "port": "phy:0"})
        assert r.status_code == 400
        assert "net_af_packet" in r.json()["error"]
        assert spp.nfv_status(1)["ports"] == []
    finally:
        spp.close()


def test_primary_forwarder():
    spp = Spp("prifwd", pri_lcores="0@0,1@1")
    try:
        st = spp.pri_status()
        assert st["lcores"] == [0, 1]
        for body in ({"action": "add", "port": "nullpmd:5"},
                     {"action": "add", "port": "ring:2"},
                     {"action": "add", "port": "nullpmd:6"}):
            spp.ok(spp.put("/primary/ports", body), 204)
        spp.ok(spp.put("/primary/patches", {"src": "nullpmd:5",
                                             "dst": "ring:2"}), 204)
        spp.ok(spp.put("/primary/patches", {"src": "ring:2",
                                             "dst": "nullpmd:6"}), 204)
        spp.ok(spp.put("/primary/forward", {"action": "start"}), 204)
        wait_for(lambda: ring(spp.pri_status(), 2)["rx"] > 10000,
                 what="primary forwarder moving packets")
        fw = spp.pri_status()["forwarder"]
        assert fw["status"] == "running"
        assert src_dst(fw["patches"]) == [
            {"src": "nullpmd:5", "dst": "ring:2"},
            {"src": "ring:2", "dst": "nullpmd:6"}]
        spp.ok(spp.put("/primary/forward", {"action": "stop"}), 204)
        spp.ok(spp.delete("/primary/patches"), 204)
        assert spp.pri_status()["forwarder"]["patches"] == []
        for p in ("nullpmd:5", "ring:2", "nullpmd:6"):
            spp.ok(spp.put("/primary/ports", {"action": "del", "port": p}),
                   204)
        time.sleep(0.2)
        assert spp.pri_status()["mbuf_pool"]["in_use"] == 0
    finally:
        spp.close()


def test_no_mbuf_leak_after_random_rewiring(spp_nfv):
    """Add, delete and patch ports in random order while traffic flows;
    once everything is idle and drained, every mbuf is back in the pool."""
    spp = spp_nfv
    rng = random.Random(2024)
    ports = ["nullpmd:11", "nullpmd:12", "ring:3", "ring:4"]
    added = set()
    for step in range(60):
        op = rng.choice(["add", "del", "patch", "patch", "forward", "stop",
                         "reset"])
        p = rng.choice(ports)
        if op == "add" and p not in added:
            spp.nfv(1, "add " + p)
            added.add(p)
        elif op == "del" and p in added:
            spp.nfv(1, "del " + p)
            added.discard(p)
        elif op == "patch" and len(added) >= 1:
            q = rng.choice(sorted(added))
            if p in added:
                spp.nfv(1, "patch %s %s" % (p, q))
        elif op == "forward":
            spp.nfv(1, "forward")
        elif op == "stop":
            spp.nfv(1, "stop")
        elif op == "reset":
            spp.nfv(1, "patch reset")
        time.sleep(rng.choice([0, 0.01, 0.05]))
    # drain the rings into a sink, then stop and delete everything
    spp.nfv(1, "stop", "patch reset")
    for p in sorted(added):
        spp.nfv(1, "del " + p)
    spp.nfv(1, "add nullpmd:13", "add ring:3", "add ring:4",
            "patch ring:3 nullpmd:13", "patch ring:4 nullpmd:13", "forward")
    wait_for(lambda: all(ring(spp.pri_status(), i)["count"] == 0
                         for i in (3, 4)), what="rings drained")
    spp.nfv(1, "stop", "del ring:3", "del ring:4", "del nullpmd:13")
    pool = spp.pri_status()["mbuf_pool"]
    assert pool["in_use"] == 0, pool
    assert pool["available"] == pool["size"]


def test_pipe_of_the_primary_is_usable_by_nfv(spp_nfv):
    """A pipe made by the primary is an ethdev every secondary sees: nfv
    sends into pipe:0 (which writes ring:5) and reads ring:5 back."""
    spp = spp_nfv
    spp.ok(spp.put("/primary/ports", {"action": "add", "port": "pipe:0",
                                       "rx": "ring:4", "tx": "ring:5"}), 204)
    spp.nfv(1, "add nullpmd:21", "add pipe:0", "add ring:5",
            "add nullpmd:22", "patch nullpmd:21 pipe:0",
            "patch ring:5 nullpmd:22", "forward")
    wait_for(lambda: spp.port_stats(spp.nfv_status(1), "ring:5")["rx"]
             > 10000, what="frames through pipe:0 into ring:5")
    st = spp.nfv_status(1)
    assert spp.port_stats(st, "pipe:0")["tx"] > 0
    spp.nfv(1, "stop", "patch reset", "del nullpmd:21", "del pipe:0",
            "del ring:5", "del nullpmd:22")
    r = spp.put("/primary/ports", {"action": "del", "port": "pipe:0"})
    spp.ok(r, 204)
    # frames the pipe wrote that nobody read are still in ring:5
    st = spp.pri_status()
    assert st["mbuf_pool"]["in_use"] == [r for r in st["ring_ports"]
                                         if r["id"] == 5][0]["count"]


def test_patches_spread_over_worker_lcores(spp):
    """spp_nfv with two worker lcores: two patches run on one each (the
    least loaded first), a patch to a port another patch goes to runs on
    that patch's lcore, one can be pinned through REST, and both lcores
    move frames."""
    spp.start_nfv(1, lcores="1@0,2@1,11@1")
    spp.nfv(1, "add nullpmd:1", "add nullpmd:2", "add ring:1", "add ring:2",
            "patch nullpmd:1 ring:1", "patch nullpmd:2 ring:2", "forward")
    st = spp.nfv_status(1)
    lc = [p["lcore"] for p in st["patches"]]
    assert sorted(lc) == [2, 11], st["patches"]
    def offered(rid):  # frames sent to ring:rid, kept or dropped full
        r = ring(spp.pri_status(), rid)
        return r["tx"] + r["tx_drop"]

    for rid in (1, 2):
        r0 = offered(rid)
        wait_for(lambda: offered(rid) > r0 + 10000,
                 what="frames to ring:%d from its patch" % rid)
    # ring:1 is sent to from lcore lc[0]: another patch to it runs there
    spp.nfv(1, "add ring:3", "patch ring:3 ring:1")
    assert spp.nfv_status(1)["patches"][2]["lcore"] == lc[0]
    # ... and an lcore given against that is refused, naming the patch
    body = {"src": "ring:3", "dst": "ring:1", "lcore": lc[1]}
    r = spp.put("/nfvs/1/patches", body)
    assert r.status_code == 400 and "nullpmd:1" in r.text, r.text
    body["dst"] = "ring:3"
    spp.ok(spp.put("/nfvs/1/patches", body), 204)
    p = spp.nfv_status(1)["patches"][2]
    assert p == {"src": "ring:3", "dst": "ring:3", "lcore": lc[1],
                 "pinned": True}, p
    busy = {w["lcore"]: w["busy_cycles"]
            for w in spp.nfv_status(1)["workers"]}
    time.sleep(0.5)
    after = {w["lcore"]: w["busy_cycles"]
             for w in spp.nfv_status(1)["workers"]}
    assert all(after[lcore] > busy[lcore] for lcore in (2, 11)), after
    spp.nfv(1, "stop", "patch reset")


def fill_ring(spp, n):
    """nfv 1 plays n frames from pcap:81 into ring:0, where nobody takes
    them; returns ring:0's status once the pcap port is done."""
    from sppenv import PcapPorts, frames
    pcaps = PcapPorts(81)
    try:
        spp.start_nfv(1)
        pcaps.feed(81, frames(n, seed=7))
        spp.nfv(1, "add pcap:81", "add ring:0", "patch pcap:81 ring:0",
                "forward")
        wait_for(lambda: spp.port_stats(spp.nfv_status(1), "pcap:81")
                 ["rx"] >= n, what="%d frames read" % n)
        time.sleep(0.2)
        spp.nfv(1, "stop", "patch reset", "del pcap:81", "del ring:0")
        return ring(spp.pri_status(), 0)
    finally:
        pcaps.cleanup()


def test_ring_size():
    """--ring-size: a ring of 4096 entries holds 3000 frames that a ring
    of the default 1024 cannot (it keeps 1023 and drops the rest)."""
    for size, held in ((None, 1023), (4096, 3000)):
        spp = Spp("ringsize%s" % size, nb_rings=1,
                  pri_args=["--ring-size", str(size)] if size else [])
        try:
            r = fill_ring(spp, 3000)
            assert r["capacity"] == (size or 1024) - 1
            assert r["count"] == held and r["tx"] == held, r
            assert r["tx_drop"] == 3000 - held, r
        finally:
            spp.close()


def test_pipe_held_by_a_killed_process(spp):
    """The primary refuses to delete a pipe an SPP port has open, naming
    the process; once that process is killed (no del, no goodbye), the
    pipe can be deleted."""
    nfv = spp.start_nfv(1)
    spp.ok(spp.put("/primary/ports", {"action": "add", "port": "pipe:0",
                                       "rx": "ring:4", "tx": "ring:5"}), 204)
    spp.nfv(1, "add pipe:0")
    r = spp.put("/primary/ports", {"action": "del", "port": "pipe:0"})
    assert r.status_code == 409, r.text
    assert "pid %d" % nfv.p.pid in r.text, r.text
    nfv.p.kill()
    nfv.p.wait()
    wait_for(lambda: not spp.has_process("nfv", 1), what="nfv 1 gone")
    spp.ok(spp.put("/primary/ports", {"action": "del", "port": "pipe:0"}),
           204)
    assert spp.pri_status()["pipes"] == []
