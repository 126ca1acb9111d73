# SPDX-License-Identifier: BSD-3-Clause
"""Every port type with a real peer on the other side: vhost-user to a
virtio_user "VM", memif to a testpmd client, tap, pipes used by a testpmd
secondary, multi-queue phy ports. Frames go in on one side and must come
out on the other with the same bytes, and the counters must agree."""

import os
import time

import pytest

from sppenv import (DpdkPeer, PcapPorts, Spp, TapNs, frames, ns_python,
                    same_frames, sh, src_dst, vm, wait_for)


def link(spp, target, port):
    return spp.port_stats(spp.fwd_status(target), port)["link"]


def loop_through(spp, target, port, pcaps, sent, src=81, dst=82):
    """pcap:src -> port -> peer (sends it back) -> port -> pcap:dst, on the
    forwarder target; return its status and the frames written to
    pcap:dst."""
    pcaps.feed(src, sent)
    spp.fwd(target, "add pcap:%d" % src, "add pcap:%d" % dst,
            "patch pcap:%d %s" % (src, port),
            "patch %s pcap:%d" % (port, dst), "forward")
    try:
        wait_for(lambda: spp.port_stats(spp.fwd_status(target),
                                        "pcap:%d" % dst)["tx"] >= len(sent),
                 timeout=20, what="frames back through %s" % port)
    except AssertionError:
        raise AssertionError("%s: %s" % (port, spp.fwd_status(target)))
    time.sleep(0.2)
    st = spp.fwd_status(target)
    # the pcap PMD writes its file out when the port is closed
    spp.fwd(target, "stop", "patch reset", "del pcap:%d" % dst,
            "del pcap:%d" % src)
    return st, pcaps.read(dst)


@pytest.fixture(params=["nfv", "primary"])
def fwd(request):
    """(spp, target): spp_nfv 1, or the primary's own forwarder."""
    name = request.node.name[:20].replace("[", "_").replace("]", "")
    if request.param == "nfv":
        spp = Spp(name)
        spp.start_nfv(1)
        target = "nfvs/1"
    else:
        spp = Spp(name, pri_lcores="0@0,1@1")
        target = "primary"
    yield spp, target
    spp.close()


# -- vhost ---------------------------------------------------------------

@pytest.fixture
def pcaps():
    p = PcapPorts(81, 82)
    yield p
    p.cleanup()


def test_vhost_server_vm_loop(fwd, pcaps):
    spp, target = fwd
    spp.fwd(target, "add vhost:11")
    assert os.path.exists("/tmp/sock11")
    assert link(spp, target, "vhost:11") == "down"
    guest = vm("vm11", "/tmp/sock11")
    try:
        guest.wait_ready()
        wait_for(lambda: link(spp, target, "vhost:11") == "up",
                 what="vhost:11 link up")
        sent = frames(300, seed=11)
        st, got = loop_through(spp, target, "vhost:11", pcaps, sent)
        same_frames(sent, got)
        vh = spp.port_stats(st, "vhost:11")
        assert (vh["tx"], vh["rx"], vh["tx_drop"]) == (300, 300, 0), vh
    finally:
        guest.close()
    spp.fwd(target, "del vhost:11")
    # SPP made the socket, SPP removes it
    assert not os.path.exists("/tmp/sock11")


def check_loop(spp, target, port, pcaps, seed, n=200):
    sent = frames(n, seed=seed)
    st, got = loop_through(spp, target, port, pcaps, sent)
    same_frames(sent, got)
    return spp.port_stats(st, port)


def test_vhost_vm_goes_away_and_comes_back(spp, pcaps):
    spp.start_nfv(1)
    spp.nfv(1, "add vhost:12")
    guest = vm("vm12", "/tmp/sock12").wait_ready()
    try:
        wait_for(lambda: link(spp, "nfvs/1", "vhost:12") == "up", what="link up")
        check_loop(spp, "nfvs/1", "vhost:12", pcaps, seed=1)
        guest.close()
        wait_for(lambda: link(spp, "nfvs/1", "vhost:12") == "down",
                 what="link down after the VM left")
        # the VM is rebooted: it connects to the same socket again
        guest = vm("vm12", "/tmp/sock12").wait_ready()
        wait_for(lambda: link(spp, "nfvs/1", "vhost:12") == "up", what="link up")
        vh = check_loop(spp, "nfvs/1", "vhost:12", pcaps, seed=2)
        assert (vh["tx"], vh["rx"], vh["tx_drop"]) == (400, 400, 0), vh
        # del and add again; virtio_user does not reconnect by itself, so
        # the VM is restarted too
        guest.close()
        spp.nfv(1, "del vhost:12")
        assert not os.path.exists("/tmp/sock12")
        spp.nfv(1, "add vhost:12")
        guest = vm("vm12", "/tmp/sock12").wait_ready()
        wait_for(lambda: link(spp, "nfvs/1", "vhost:12") == "up", what="link up")
        vh = check_loop(spp, "nfvs/1", "vhost:12", pcaps, seed=3)
        assert (vh["tx"], vh["rx"]) == (200, 200), vh
    finally:
        guest.close()


def test_vhost_client_mode_reconnects(spp, pcaps):
    spp.start_nfv(1, extra=["--vhost-client"])
    sock = "/tmp/sock13"
    if os.path.exists(sock):
        os.unlink(sock)
    # SPP first: the port is there, down, until the VM's server is up
    spp.nfv(1, "add vhost:13")
    assert link(spp, "nfvs/1", "vhost:13") == "down"
    guest = vm("vm13", sock, server=True)
    try:
        guest.wait_ready()
        wait_for(lambda: link(spp, "nfvs/1", "vhost:13") == "up", timeout=20,
                 what="SPP connected to the VM's socket")
        check_loop(spp, "nfvs/1", "vhost:13", pcaps, seed=4)
        # the VM restarts: SPP reconnects on its own
        guest.close()
        wait_for(lambda: link(spp, "nfvs/1", "vhost:13") == "down",
                 what="link down")
        if os.path.exists(sock):
            os.unlink(sock)
        guest = vm("vm13", sock, server=True).wait_ready()
        wait_for(lambda: link(spp, "nfvs/1", "vhost:13") == "up", timeout=20,
                 what="SPP reconnected to the restarted VM")
        vh = check_loop(spp, "nfvs/1", "vhost:13", pcaps, seed=5)
        assert (vh["tx"], vh["rx"], vh["tx_drop"]) == (400, 400, 0), vh
        spp.nfv(1, "del vhost:13")
    finally:
        guest.close()
        if os.path.exists(sock):
            os.unlink(sock)


def test_vhost_errors(spp):
    spp.start_nfv(1)
    spp.start_nfv(2, lcores="3@0,4@1")
    os.makedirs("/tmp/sock14", exist_ok=True)
    try:
        r = spp.put("/nfvs/1/ports", {"action": "add", "port": "vhost:14"})
        assert r.status_code == 409, r.text
        assert "/tmp/sock14 exists and is not a socket" in r.json()["error"]
    finally:
        os.rmdir("/tmp/sock14")
    spp.nfv(1, "add vhost:14")
    r = spp.put("/nfvs/2/ports", {"action": "add", "port": "vhost:14"})
    assert r.status_code == 409, r.text
    assert "in use" in r.json()["error"]
    assert spp.nfv_status(2)["ports"] == []
    # a peer that never connects: the port is down, what is sent to it is
    # dropped and counted, nothing hangs
    spp.nfv(1, "add nullpmd:1", "patch nullpmd:1 vhost:14", "forward")
    wait_for(lambda: spp.port_stats(spp.nfv_status(1),
                                    "vhost:14")["tx_drop"] > 1000,
             what="drops counted on a vhost port without a VM")
    st = spp.port_stats(spp.nfv_status(1), "vhost:14")
    assert st["link"] == "down" and st["tx"] == 0
    spp.nfv(1, "stop", "del vhost:14")
    assert not os.path.exists("/tmp/sock14")
    # a stale socket file (its process was killed) is taken over
    import socket
    s = socket.socket(socket.AF_UNIX)
    s.bind("/tmp/sock14")
    s.close()
    spp.nfv(2, "add vhost:14")
    assert spp.nfv_status(2)["ports"] == ["vhost:14"]
    spp.nfv(2, "del vhost:14")


# -- memif ---------------------------------------------------------------

def memif_peer(name, mid):
    return DpdkPeer(name, ["net_memif0,role=client,id=%d,"
                           "socket=/tmp/spp-memif.sock,socket-abstract=no" % mid],
                    lcores="0@1,1@0")


def test_memif_peer_loop(fwd, pcaps):
    spp, target = fwd
    spp.fwd(target, "add memif:3")
    assert link(spp, target, "memif:3") == "down"
    peer = memif_peer("memif3", 3).wait_ready()
    try:
        wait_for(lambda: link(spp, target, "memif:3") == "up", timeout=20,
                 what="memif:3 connected")
        check_loop(spp, target, "memif:3", pcaps, seed=6)
        # the peer restarts: it connects again to the same interface
        peer.close()
        wait_for(lambda: link(spp, target, "memif:3") == "down",
                 what="memif:3 down after the peer left")
        peer = memif_peer("memif3", 3).wait_ready()
        wait_for(lambda: link(spp, target, "memif:3") == "up", timeout=20,
                 what="memif:3 connected again")
        mf = check_loop(spp, target, "memif:3", pcaps, seed=7)
        assert (mf["tx"], mf["rx"], mf["tx_drop"]) == (400, 400, 0), mf
        # del and add again
        peer.close()
        spp.fwd(target, "del memif:3", "add memif:3")
        peer = memif_peer("memif3", 3).wait_ready()
        wait_for(lambda: link(spp, target, "memif:3") == "up", timeout=20,
                 what="memif:3 connected after re-add")
        mf = check_loop(spp, target, "memif:3", pcaps, seed=8)
        assert (mf["tx"], mf["rx"]) == (200, 200), mf
        spp.fwd(target, "del memif:3")
    finally:
        peer.close()
    assert not os.path.exists("/tmp/spp-memif.sock")


# -- pipe ----------------------------------------------------------------

def pipe_of(status, pid):
    return [p for p in status["pipes"] if p["id"] == pid][0]


def test_pipe_to_testpmd_secondary(pcaps):
    # testpmd looks its mbuf pool up by its own name when a secondary
    spp = Spp("pipe_tp", pri_args=["--pool-name", "mb_pool_0"])
    tp = None
    try:
        for p, rx, tx in (("pipe:0", "ring:0", "ring:1"),
                          ("pipe:1", "ring:2", "ring:3")):
            spp.ok(spp.put("/primary/ports", {"action": "add", "port": p,
                                              "rx": rx, "tx": tx}), 204)
        # the third-party app: testpmd io between the two pipes, as a
        # secondary of our primary, on lcore ids no other process uses
        tp = DpdkPeer("pipe_tp", lcores="5@0,6@1", secondary_of=spp)
        tp.wait_ready()
        assert "nb forwarding ports=2" in tp.proc.output()
        spp.start_nfv(1)
        for rnd in range(2):
            sent = frames(200, seed=20 + rnd)
            pcaps.feed(81, sent)
            # pcap:81 -> ring:0 = pipe:0 rx -> testpmd -> pipe:1 tx = ring:3
            spp.nfv(1, "add pcap:81", "add pcap:82", "add ring:0",
                    "add ring:3", "patch pcap:81 ring:0",
                    "patch ring:3 pcap:82", "forward")
            wait_for(lambda: spp.port_stats(spp.nfv_status(1),
                                            "pcap:82")["tx"] >= 200,
                     what="frames through testpmd's pipes")
            time.sleep(0.2)
            st = spp.nfv_status(1)
            spp.nfv(1, "stop", "patch reset", "del pcap:82", "del pcap:81",
                    "del ring:0", "del ring:3")
            same_frames(sent, pcaps.read(82))
            # ring counters live in the primary: they add up over rounds
            assert spp.port_stats(st, "ring:0")["tx"] == 200 * (rnd + 1)
            assert spp.port_stats(st, "ring:3")["rx"] == 200 * (rnd + 1)
            pri = spp.pri_status()
            assert pipe_of(pri, 0)["stats"]["rx"] == 200 * (rnd + 1)
            assert pipe_of(pri, 1)["stats"]["tx"] == 200 * (rnd + 1)
        pri = spp.pri_status()
        assert [(p["id"], p["rx"], p["tx"]) for p in pri["pipes"]] == \
            [(0, 0, 1), (1, 2, 3)]
        assert pipe_of(pri, 0)["stats"]["tx"] == 0
        assert pipe_of(pri, 1)["stats"]["rx"] == 0
        # a pipe an SPP process uses is not deleted from under it
        spp.nfv(1, "add pipe:0")
        r = spp.put("/primary/ports", {"action": "del", "port": "pipe:0"})
        assert r.status_code in (400, 409), r.text
        spp.nfv(1, "del pipe:0")
    finally:
        if tp:
            tp.close()
        spp.close()


# -- tap -----------------------------------------------------------------

def test_tap_between_namespaces(tmp_path):
    tag = "%d" % (os.getpid() % 1000)
    taps = ["spptap%sa" % tag, "spptap%sb" % tag]
    spp = Spp("tap", vdevs=["net_tap0,iface=%s" % taps[0],
                            "net_tap1,iface=%s" % taps[1]])
    nsx = None
    try:
        assert spp.pri_status()["phy_ports"] == []
        nsx = TapNs(taps, tag)
        spp.start_nfv(1)
        spp.nfv(1, "add tap:0", "add tap:1", "patch tap:0 tap:1",
                "patch tap:1 tap:0", "forward")
        r = sh("ip netns exec %s ping -c 3 -i 0.2 -W 1 10.98.0.2" % nsx.ns[0],
               check=False)
        assert r.returncode == 0, r.stdout + r.stderr
        # frames with known bytes, from one container to the other
        sent = frames(100, seed=30, dst="ff:ff:ff:ff:ff:ff")
        src = tmp_path / "in.pcap"
        out = tmp_path / "out.pcap"
        from scapy.all import rdpcap, wrpcap
        wrpcap(str(src), sent)
        rx = ns_python(nsx.ns[1], "recv", taps[1], "02:00:00:00:00:01", 100,
                       out, wait=False)
        ns_python(nsx.ns[0], "send", taps[0], src)
        assert rx.wait(timeout=30) == 0
        same_frames(sent, list(rdpcap(str(out))))
        st = spp.nfv_status(1)
        assert spp.port_stats(st, "tap:0")["rx"] >= 100
        assert spp.port_stats(st, "tap:1")["tx"] >= 100
        assert spp.port_stats(st, "tap:1")["tx_drop"] == 0
    finally:
        spp.close()
        if nsx:
            nsx.close()


# -- multi-queue phy -----------------------------------------------------

def test_multi_queue_phy(tmp_path):
    """Two phy ports (tap devices in namespaces) with 2 rx and 2 tx queues
    each; queue 0 of phy:0 is patched to queue 1 of phy:1 and queue 1 to
    queue 0. The kernel spreads the flows over the rx queues; every frame
    must come out, and each tx queue carries what its patch's rx queue
    got."""
    tag = "%d" % (os.getpid() % 1000)
    taps = ["sppmq%sa" % tag, "sppmq%sb" % tag]
    spp = Spp("mq", vdevs=["net_tap0,iface=%s" % taps[0],
                           "net_tap1,iface=%s" % taps[1]], portmask="0x3",
              pri_args=["--port-num", "0", "rxq", "2", "txq", "2",
                        "--port-num", "1", "rxq", "2", "txq", "2"])
    nsx = None
    try:
        phys = spp.pri_status()["phy_ports"]
        assert [p["nof_queues"] for p in phys] == [{"rx": 2, "tx": 2}] * 2
        nsx = TapNs(taps, tag)
        spp.start_nfv(1)
        # the queue form is required on a multi-queue port, and checked
        for bad, why in (("phy:0", "name a queue"),
                         ("phy:0 nq 2", "does not exist")):
            r = spp.put("/nfvs/1/ports", {"action": "add", "port": bad})
            assert r.status_code in (400, 404), r.text
            assert why in r.json()["error"], r.text
        # both spellings: "phy:0 nq 0" (CLI, status) and "phy:0nq1" (wire)
        spp.nfv(1, "add phy:0 nq 0", "add phy:0nq1", "add phy:1 nq 0",
                "add phy:1 nq 1", "patch phy:0nq0 phy:1nq1",
                "patch phy:0nq1 phy:1nq0", "forward")
        st = spp.nfv_status(1)
        assert st["ports"] == ["phy:0 nq 0", "phy:0 nq 1", "phy:1 nq 0",
                               "phy:1 nq 1"]
        assert src_dst(st["patches"]) == [
            {"src": "phy:0 nq 0", "dst": "phy:1 nq 1"},
            {"src": "phy:0 nq 1", "dst": "phy:1 nq 0"}]
        # 200 flows (one UDP source port each), broadcast so that no ARP
        # is needed
        sent = frames(200, seed=42, dst="ff:ff:ff:ff:ff:ff")
        from scapy.all import rdpcap, wrpcap
        src, out = tmp_path / "in.pcap", tmp_path / "out.pcap"
        wrpcap(str(src), sent)
        rx = ns_python(nsx.ns[1], "recv", taps[1], "02:00:00:00:00:01", 200,
                       out, wait=False)
        ns_python(nsx.ns[0], "send", taps[0], src)
        assert rx.wait(timeout=30) == 0
        got = list(rdpcap(str(out)))
        # across queues the order may change; the frames may not
        want = sorted(bytes(f) for f in sent)
        have = sorted(bytes(f) for f in got)
        assert have == want, \
            "%d frames out of %d; %d missing, %d foreign; %s" % (
                len(have), len(want), len(set(want) - set(have)),
                len(set(have) - set(want)),
                spp.nfv_status(1)["port_stats"])
        ps = {p["port"]: p for p in spp.nfv_status(1)["port_stats"]}
        q0, q1 = ps["phy:0 nq 0"]["rx"], ps["phy:0 nq 1"]["rx"]
        assert q0 + q1 >= 200
        # 200 flows: the kernel spreads them over both queues
        assert q0 > 0 and q1 > 0, (q0, q1)
        assert ps["phy:1 nq 1"]["tx"] == q0
        assert ps["phy:1 nq 0"]["tx"] == q1
        spp.nfv(1, "stop")
    finally:
        spp.close()
        if nsx:
            nsx.close()


# -- end to end ----------------------------------------------------------

def test_two_vms_between_namespaces(netns):
    """The original's use case: a host's NIC (phy:0, a veth into namespace
    A) patched by spp_nfv to VM1's vhost:0; VM1 sends everything back, and
    it goes out of phy:1 into namespace B. B's answers take VM2 (vhost:1)
    back to A. Ping works end to end, through both VMs."""
    spp = Spp("two_vms", vdevs=["net_pcap0,iface=%s" % netns.host[0],
                                "net_pcap1,iface=%s" % netns.host[1]],
              portmask="0x3")
    vms = []
    try:
        spp.start_nfv(1)
        spp.nfv(1, "add phy:0", "add phy:1", "add vhost:20", "add vhost:21",
                "patch phy:0 vhost:20", "patch vhost:20 phy:1",
                "patch phy:1 vhost:21", "patch vhost:21 phy:0", "forward")
        vms = [vm("vm20", "/tmp/sock20").wait_ready(),
               vm("vm21", "/tmp/sock21").wait_ready()]
        for p in ("vhost:20", "vhost:21"):
            wait_for(lambda: link(spp, "nfvs/1", p) == "up",
                     what="%s up" % p)
        assert netns.ping(count=5), "no ping through the two VMs"
        ps = {p["port"]: p for p in spp.nfv_status(1)["port_stats"]}
        # every request went through VM1 and every reply through VM2
        assert ps["vhost:20"]["tx"] >= 5 and ps["vhost:21"]["tx"] >= 5
        assert ps["vhost:20"]["rx"] == ps["vhost:20"]["tx"]
        assert ps["vhost:21"]["rx"] == ps["vhost:21"]["tx"]
        assert ps["phy:1"]["tx"] == ps["vhost:20"]["rx"]
        assert ps["phy:0"]["tx"] == ps["vhost:21"]["rx"]
        # VM1 goes away: A can no longer reach B; it comes back: it can
        vms[0].close()
        wait_for(lambda: link(spp, "nfvs/1", "vhost:20") == "down",
                 what="vhost:20 down")
        assert not netns.ping(count=2)
        vms[0] = vm("vm20", "/tmp/sock20").wait_ready()
        wait_for(lambda: link(spp, "nfvs/1", "vhost:20") == "up",
                 what="vhost:20 up again")
        assert netns.ping(count=3), "no ping after VM1 came back"
    finally:
        for v in vms:
            v.close()
        spp.close()
