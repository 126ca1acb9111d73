# SPDX-License-Identifier: BSD-3-Clause
"""spp_vf with real packets, driven through REST. Frames come in and go out
through spp_nfv's pcap ports and the primary's rings."""

import time

from scapy.all import Dot1Q, Ether

from sppenv import PcapPorts, feed, feed_through, frames, same_frames, wait_for


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
        # already tagged (VID 7, PCP 0): the TCI is rewritten, no new tag
        tagged = [Ether(src=f.src, dst=f.dst) / Dot1Q(vlan=7) / f.payload
                  for f in sent]
        same_frames(want, feed_through(spp, pcaps, [(81, 0)], 1,
                                       {81: tagged}))
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


MAC_A = "52:54:00:00:00:0a"
MAC_B = "52:54:00:00:00:0b"
MAC_C = "52:54:00:00:00:0c"
MAC_D = "52:54:00:00:00:0d"
MAC_U = "52:54:00:00:00:99"  # no entry anywhere
BCAST = "ff:ff:ff:ff:ff:ff"
MCAST = "01:00:5e:00:00:01"


def cls_frames(cases, seed):
    """Frames for (dst, vid or None, count) cases, shuffled with their
    case: [(case index, frame)]."""
    import random
    out = []
    for k, (dst, vid, n) in enumerate(cases):
        for f in frames(n, seed=seed + k, dst=dst):
            if vid is not None:
                f = Ether(src=f.src, dst=f.dst) / Dot1Q(vlan=vid) / f.payload
            out.append((k, f))
    random.Random(seed).shuffle(out)
    return out


def strip(f):
    return Ether(src=f.src, dst=f.dst) / f[Dot1Q].payload \
        if Dot1Q in f else f


def classify_through(spp, pcaps, cases, dests, seed, strip_rings=()):
    """Send the cases' frames into ring:0 (the classifier's rx), collect
    ring:1-4, and check each output got exactly the frames of the cases
    that dests (case -> rings) sends there, in order, stripped on
    strip_rings. Returns how many frames went in, out and were dropped."""
    sent = cls_frames(cases, seed)
    want = {r: [] for r in (1, 2, 3, 4)}
    for k, f in sent:
        for r in dests[k]:
            want[r].append(strip(f) if r in strip_rings else f)
    expect = sum(len(v) for v in want.values())
    got = feed(spp, pcaps, [(81, 0)], {1: 82, 2: 83, 3: 84, 4: 85},
               {81: [f for _, f in sent]}, expect)
    for r in want:
        try:
            same_frames(want[r], got[r])
        except AssertionError as e:
            raise AssertionError("ring:%d: %s" % (r, e))
    dropped = sum(1 for k, _ in sent if not dests[k])
    return len(sent), expect, dropped


def test_vf_classifier(spp):
    """Frames to known MACs per VLAN, unknown unicast, broadcast and
    multicast through a classifier with four tx rings (ring:3 strips the
    tag): each output gets exactly its frames, byte for byte, and the
    counters agree; then with defaults; then after deleting entries."""
    spp.start_nfv(1)
    spp.start_vf(2)
    pcaps = PcapPorts(81, 82, 83, 84, 85)
    try:
        # the old type name is accepted, status says classifier
        spp.vf(2, "component start cls1 4 classifier_mac",
               "port add ring:0 rx cls1", "port add ring:1 tx cls1",
               "port add ring:2 tx cls1",
               "port add ring:3 tx cls1 del_vlantag",
               "port add ring:4 tx cls1",
               "classifier_table add mac %s ring:1" % MAC_A,
               "classifier_table add mac %s ring:1" % MAC_B,
               "classifier_table add mac %s ring:2" % MAC_C,
               "classifier_table add vlan 101 %s ring:3" % MAC_A,
               "classifier_table add vlan 101 %s ring:4" % MAC_D)
        st = spp.vf_status(2)
        assert st["components"][0]["type"] == "classifier"
        assert [(e["type"], e["value"], e["port"])
                for e in st["classifier_table"]] == [
            ("mac", MAC_A, "ring:1"), ("mac", MAC_B, "ring:1"),
            ("mac", MAC_C, "ring:2"), ("vlan", "101/" + MAC_A, "ring:3"),
            ("vlan", "101/" + MAC_D, "ring:4")]
        cases = [(MAC_A, None, 30), (MAC_B, None, 20), (MAC_C, None, 25),
                 (MAC_A, 101, 15), (MAC_D, 101, 10), (MAC_B, 101, 5),
                 (MAC_U, None, 7), (BCAST, None, 6), (BCAST, 101, 8),
                 (MAC_A, 202, 4), (MCAST, None, 5), (BCAST, 202, 3)]
        # no default: unknown unicast is dropped; broadcast and multicast
        # go to every port of their VLAN (ring:3 and ring:4 share each
        # tagged broadcast and ring:3 strips its copy: copy-on-write)
        dests = [[1], [1], [2], [3], [4], [], [], [1, 2], [3, 4], [], [1, 2],
                 []]
        n_in, n_out, n_drop = classify_through(spp, pcaps, cases, dests, 60,
                                               strip_rings=(3,))
        st = spp.vf_status(2)
        assert st["components"][0]["stats"] == {
            "rx": n_in, "tx": n_out, "drop": n_drop}
        per_ring = {r: sum(c[2] for c, d in zip(cases, dests) if r in d)
                    for r in (1, 2, 3, 4)}
        for r, n in per_ring.items():
            ps = spp.port_stats(st, "ring:%d" % r)
            assert ps["tx"] == n and ps["tx_drop"] == 0, (r, ps)

        # defaults: the VLAN's first, then the untagged one; a tagged
        # broadcast also reaches the untagged default
        spp.vf(2, "classifier_table add vlan 101 default ring:4",
               "classifier_table add mac default ring:2")
        dests = [[1], [1], [2], [3], [4], [4], [2], [1, 2], [2, 3, 4], [2],
                 [1, 2], [2]]
        classify_through(spp, pcaps, cases, dests, 61, strip_rings=(3,))

        # deleted entries: A untagged falls to the untagged default, D in
        # 101 to 101's default
        spp.vf(2, "classifier_table del mac %s ring:1" % MAC_A,
               "classifier_table del vlan 101 %s ring:4" % MAC_D)
        dests[0] = [2]
        classify_through(spp, pcaps, cases, dests, 62, strip_rings=(3,))
        assert [e["value"] for e in spp.vf_status(2)["classifier_table"]] \
            == [MAC_B, MAC_C, "101/" + MAC_A, "101/default", "default"]

        # a detached port keeps its entries, inactive, until it is back
        spp.vf(2, "port del ring:1 tx cls1")
        tbl = spp.vf_status(2)["classifier_table"]
        assert tbl[0] == {"type": "mac", "value": MAC_B, "port": "ring:1",
                          "active": False}
        spp.vf(2, "component stop cls1")
        time.sleep(0.2)
        assert spp.pri_status()["mbuf_pool"]["in_use"] == 0
    finally:
        pcaps.cleanup()


NS_MAC = "02:00:00:00:00:01"  # the namespace's frames' source
VM_MACS = ["52:54:00:00:01:00", "52:54:00:00:01:01"]


def macswapped(f, vid=None):
    """What a macswap VM answers to f (untagged), tagged with vid by the
    merge input when vid is given."""
    payload = f[Dot1Q].payload if Dot1Q in f else f.payload
    e = Ether(src=f.dst, dst=f.src)
    return e / Dot1Q(vlan=vid) / payload if vid is not None else e / payload


def exchange(spp, node, tmp_path, vid):
    """The namespace sends frames to each VM's MAC (tagged with vid if not
    None), to an unknown MAC and broadcast; each VM answers (macswap).
    Checks that each VM got only its frames (SPP's vhost counters) and that
    the namespace got every answer, byte for byte, in order per VM."""
    from scapy.all import rdpcap, wrpcap

    def tag(fs, v):
        return fs if v is None else [
            Ether(src=f.src, dst=f.dst) / Dot1Q(vlan=v) / f.payload
            for f in fs]
    to = [tag(frames(n, seed=70 + i, dst=VM_MACS[i], size=(60, 1000)), vid)
          for i, n in enumerate((60, 40))]
    unknown = tag(frames(10, seed=72, dst="52:54:00:00:01:99"), vid)
    bcast = tag(frames(5, seed=73, dst="ff:ff:ff:ff:ff:ff"), vid)
    # frames of another VLAN, or untagged on a VLAN network: no entry
    other = tag(frames(6, seed=74, dst=VM_MACS[0]),
                None if vid is not None else 200)
    sent = [f for group in zip(to[0][:40], to[1]) for f in group] + \
        to[0][40:] + unknown + bcast + other
    before = spp.vf_status(2)
    src, out = tmp_path / "in.pcap", tmp_path / "out.pcap"
    wrpcap(str(src), sent)
    rx = node.python("recv", ",".join(VM_MACS), 100, out, wait=False)
    node.python("send", src)
    assert rx.wait(timeout=30) == 0
    got = list(rdpcap(str(out)))
    for i in range(2):
        same_frames([macswapped(f, vid) for f in to[i]],
                    [f for f in got if f.src == VM_MACS[i]])
    st = spp.vf_status(2)

    def delta(port, what):
        return spp.port_stats(st, port)[what] - \
            spp.port_stats(before, port)[what]
    # each VM got its own frames and the broadcasts, nothing else
    assert delta("vhost:0", "tx") == 60 + 5
    assert delta("vhost:1", "tx") == 40 + 5
    assert delta("phy:0", "rx") == len(sent)
    assert delta("phy:0", "tx") == 100 + 2 * 5
    cls = [c for c in st["components"] if c.get("name") == "cls"][0]
    old = [c for c in before["components"] if c.get("name") == "cls"][0]
    assert cls["stats"]["drop"] - old["stats"]["drop"] == 10 + 6


def test_vf_networking_spp(tapnode, tmp_path):
    """networking-spp's wiring for one NIC and two VMs: the NIC is a tap
    in a namespace (phy:0), a classifier to ring:0/ring:2, forwards to
    vhost:0/vhost:1 (virtio_user VMs as vhost-user servers, spp_vf with
    --vhost-client as QEMU needs), forwards back to ring:1/ring:3, a merge
    to phy:0. Then the VLAN network: tag added on the merge inputs,
    stripped on the classifier outputs. (A veth end is not usable here:
    DPDK's af_packet PMD does not move packets in a secondary.)"""
    spp = tapnode.spp
    vms = [tapnode.vm(i, server=True, fwd="macswap") for i in range(2)]
    spp.start_vf(2, extra=["--vhost-client"])
    spp.vf(2, "component start cls 4 classifier",
           "component start mg 4 merge",
           "port add phy:0 rx cls", "port add phy:0 tx mg")
    for v in range(2):
        spp.vf(2, "component start fwd_%d_tx 4 forward" % v,
               "component start fwd_%d_rx 4 forward" % v,
               "port add ring:%d tx cls" % (2 * v),
               "port add ring:%d rx fwd_%d_tx" % (2 * v, v),
               "port add vhost:%d tx fwd_%d_tx" % (v, v),
               "port add vhost:%d rx fwd_%d_rx" % (v, v),
               "port add ring:%d tx fwd_%d_rx" % (2 * v + 1, v),
               "port add ring:%d rx mg" % (2 * v + 1),
               "classifier_table add mac %s ring:%d" %
               (VM_MACS[v], 2 * v))
    # a VM serving its socket starts once SPP has connected to it
    for v in vms:
        v.wait_ready()
    wait_for(lambda: all(spp.port_stats(spp.vf_status(2), "vhost:%d" % v)
                         ["link"] == "up" for v in range(2)),
             timeout=20, what="both VMs connected")
    exchange(spp, tapnode, tmp_path, None)

    # the same network as VLAN 100 (networking-spp's plug on a vlan
    # network): strip on the classifier outputs, tag on merge inputs
    for v in range(2):
        spp.vf(2, "classifier_table del mac %s ring:%d" %
               (VM_MACS[v], 2 * v),
               "port del ring:%d tx cls" % (2 * v),
               "port add ring:%d tx cls del_vlantag" % (2 * v),
               "port del ring:%d rx mg" % (2 * v + 1),
               "port add ring:%d rx mg add_vlantag 100 0" % (2 * v + 1),
               "classifier_table add vlan 100 %s ring:%d" %
               (VM_MACS[v], 2 * v))
    exchange(spp, tapnode, tmp_path, 100)
    for name in ("cls", "mg", "fwd_0_tx", "fwd_0_rx", "fwd_1_tx",
                 "fwd_1_rx"):
        spp.vf(2, "component stop " + name)
    assert spp.vf_status(2)["ports"] == []
    time.sleep(0.2)
    assert spp.pri_status()["mbuf_pool"]["in_use"] == tapnode.in_use


def start_flow_a(tapnode, tmp_path, seed, n=6000, pps=2000):
    """n frames to MAC A sent from the namespace at pps, in the background:
    (the frames, the sender)."""
    from scapy.all import wrpcap
    sent = frames(n, seed=seed, dst=MAC_A, size=(64, 200))
    src = tmp_path / "flow.pcap"
    wrpcap(str(src), sent)
    return sent, tapnode.python("flow", src, pps, wait=False)


def check_flow_a(spp, pcaps, pcap, sent):
    """Every frame of flow A came out of spp_nfv 1's pcap:PCAP once, in
    order, unchanged; the classifier sent out those and nothing else."""
    def out():
        return spp.port_stats(spp.nfv_status(1), "pcap:%d" % pcap)["tx"]
    wait_for(lambda: out() >= len(sent), timeout=20, what="flow A out")
    time.sleep(0.3)
    spp.nfv(1, "stop", "patch reset", "del pcap:%d" % pcap)
    same_frames(sent, pcaps.read(pcap))
    cls = spp.vf_status(2)["components"][0]
    # what else the namespace's kernel sent (if anything) was dropped
    assert cls["name"] == "cls" and cls["stats"]["tx"] == len(sent)


def test_vf_hitless_changes(tapnode, tmp_path):
    """A steady flow to MAC A (namespace -> tap phy:0 -> classifier ->
    ring:1 -> spp_nfv -> pcap) while, again and again, entries for other
    MACs are added and deleted, other components started and stopped on
    the classifier's own lcore, and another tx port of the classifier
    detached and attached (which moves ring:1's index in the table): every
    frame of flow A comes out once, in order, unchanged."""
    spp = tapnode.spp
    pcaps = PcapPorts(82)
    try:
        spp.start_nfv(1)
        spp.start_vf(2)
        spp.vf(2, "component start cls 4 classifier",
               "port add phy:0 rx cls", "port add ring:2 tx cls",
               "port add ring:1 tx cls",
               "classifier_table add mac %s ring:1" % MAC_A)
        spp.nfv(1, "add ring:1", "add pcap:82", "patch ring:1 pcap:82",
                "forward")
        sent, sender = start_flow_a(tapnode, tmp_path, 80)
        changes = 0
        i = 0
        while sender.poll() is None:
            other = "52:54:00:10:%02x:%02x" % (i >> 8 & 0xff, i & 0xff)
            spp.vf(2, "classifier_table add mac %s ring:2" % other,
                   "component start f%d 4 forward" % i,
                   "port add ring:5 rx f%d" % i,
                   "port add ring:6 tx f%d" % i,
                   "classifier_table del mac %s ring:2" % other,
                   "port del ring:2 tx cls", "port add ring:2 tx cls",
                   "component stop f%d" % i)
            changes += 8
            i += 1
        assert sender.returncode == 0
        assert changes >= 40, "only %d changes during the flow" % changes
        print("%d changes during the flow" % changes)
        check_flow_a(spp, pcaps, 82, sent)
    finally:
        pcaps.cleanup()


def cls_put(conn, action, mac, port):
    """classifier_table add or del of vf 2 on a kept-alive
    http.client connection to spp-ctl, as a client doing many would."""
    import json
    conn.request("PUT", "/v1/vfs/2/classifier_table",
                 body=json.dumps({"action": action, "type": "mac",
                                  "mac_address": mac, "port": port}),
                 headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    assert r.status == 204, (action, mac, r.read())
    r.read()


def test_vf_4096_adds_one_by_one_are_hitless(tapnode, tmp_path):
    """An OpenStack host's day: 4096 classifier entries for other MACs
    added one by one through REST on one kept-alive HTTP connection (the
    table is built again twice as big twice on the way), then deleted one
    by one, while a steady flow to MAC A goes namespace -> tap phy:0 ->
    classifier -> ring:1 -> spp_nfv -> pcap: every frame of flow A comes
    out once, in order, unchanged, and the entries all went in."""
    import http.client
    spp = tapnode.spp
    pcaps = PcapPorts(83)
    conn = http.client.HTTPConnection("127.0.0.1", spp.ctl_port, timeout=30)

    def change(action, i):
        cls_put(conn, action, "52:54:00:20:%02x:%02x" % (i >> 8, i & 0xff),
                "ring:%d" % (2 + i % 2))

    try:
        spp.start_nfv(1)
        spp.start_vf(2)
        spp.vf(2, "component start cls 4 classifier",
               "port add phy:0 rx cls", "port add ring:1 tx cls",
               "port add ring:2 tx cls", "port add ring:3 tx cls",
               "classifier_table add mac %s ring:1" % MAC_A)
        spp.nfv(1, "add ring:1", "add pcap:83", "patch ring:1 pcap:83",
                "forward")
        sent, sender = start_flow_a(tapnode, tmp_path, 83)
        during = 0
        for i in range(4096):
            change("add", i)
            during += sender.poll() is None
        table = spp.vf_status(2)["classifier_table"]
        assert len(table) == 4097
        for i in range(4096):
            change("del", i)
            during += sender.poll() is None
        print("%d of the 8192 changes during the flow" % during)
        assert sender.wait(60) == 0
        check_flow_a(spp, pcaps, 83, sent)
        assert [e["value"] for e in spp.vf_status(2)["classifier_table"]] \
            == [MAC_A]
    finally:
        conn.close()
        pcaps.cleanup()


def config_of(st):
    """A vf status without its counters: what a refused command must not
    change."""
    comps = [{k: v for k, v in c.items() if k != "stats"}
             for c in st["components"]]
    return st["ports"], comps, st["classifier_table"]


def test_vf_loop_on_one_ring(spp):
    """A classifier whose rx and tx port are the same ring: 100 frames go
    round and round; stopping it keeps the process and every frame (they
    stay in the ring), and the ring is closed once."""
    from sppenv import PcapPorts
    spp.start_nfv(1)
    spp.start_vf(2)
    pcaps = PcapPorts(81, 82)
    try:
        sent = frames(100, seed=70, dst=MAC_A)
        pcaps.feed(81, sent)
        spp.nfv(1, "add pcap:81", "add ring:0", "patch pcap:81 ring:0",
                "forward")
        wait_for(lambda: spp.port_stats(spp.nfv_status(1), "pcap:81")
                 ["rx"] >= 100, what="100 frames in ring:0")
        spp.nfv(1, "stop", "patch reset", "del pcap:81", "del ring:0")
        # the entry before the rx port: no frame arrives without one
        spp.vf(2, "component start cls1 4 classifier",
               "port add ring:0 tx cls1",
               "classifier_table add mac %s ring:0" % MAC_A,
               "port add ring:0 rx cls1")
        wait_for(lambda: spp.vf_status(2)["components"][0]["stats"]["tx"]
                 >= 10000, what="frames going round")
        spp.vf(2, "component stop cls1")
        st = spp.vf_status(2)
        assert st["ports"] == [] and st["components"] == [
            {"core": 4, "type": "unuse"}]
        comp = spp.pri_status()
        assert [r for r in comp["ring_ports"] if r["id"] == 0][0][
            "count"] == 100
        # the frames sent, unchanged, in their order round the loop
        got = feed(spp, pcaps, [], {0: 82}, {}, 100)[0]
        k = [bytes(f) for f in sent].index(bytes(got[0]))
        same_frames(sent[k:] + sent[:k], got)
    finally:
        pcaps.cleanup()


def test_vf_rest_errors(spp):
    """Every refusal of a real spp_vf through REST: the code of
    interface.md, a message that says why, and nothing changed."""
    spp.start_vf(2, lcores="3@0,4@1,5@1")
    spp.vf(2, "component start cls1 4 classifier", "port add ring:0 rx cls1",
           "port add ring:1 tx cls1", "port add ring:2 tx cls1",
           "component start fwd1 5 forward", "port add ring:3 rx fwd1",
           "port add ring:4 tx fwd1", "component start mg1 4 merge",
           "classifier_table add mac %s ring:1" % MAC_A,
           "classifier_table add vlan 10 default ring:2")
    before = config_of(spp.vf_status(2))
    cases = [
        ("component start cls1 4 forward", 409, "exists"),
        ("component start x1 3 forward", 400, "not a worker lcore"),
        ("component start x1 9 forward", 400, "not a worker lcore"),
        ("component start x1 4 mirror", 400, "mirror"),
        ("component start x1 4 bogus", 400, "type"),
        ("component stop nope", 404, "nope"),
        ("port add ring:5 rx nope", 404, "nope"),
        ("port add ring:5 rx fwd1", 400, "at most 1 rx"),
        ("port add ring:5 tx fwd1", 400, "at most 1 tx"),
        ("port add ring:0 rx mg1", 409, "already the rx port of cls1"),
        ("port add ring:1 tx mg1", 409, "already the tx port of cls1"),
        ("port add ring:99 rx mg1", 404, "ring:99"),
        ("port add ring:5 rx mg1 add_vlantag 4096 0", 400, "4096"),
        ("port add ring:5 rx mg1 add_vlantag 10 8", 400, "8"),
        ("port del ring:4 rx fwd1", 404, "not a rx port of fwd1"),
        ("port del ring:0 rx fwd1", 404, "not a rx port of fwd1"),
        ("classifier_table add mac %s ring:2" % MAC_A, 409,
         "already goes to ring:1"),
        ("classifier_table add vlan 10 default ring:1", 409,
         "already goes to ring:2"),
        ("classifier_table add mac %s ring:4" % MAC_B, 400,
         "ring:4 is not a tx port of a classifier"),
        ("classifier_table add mac %s ring:7" % MAC_B, 400,
         "ring:7 is not a tx port of a classifier"),
        ("classifier_table del mac %s ring:1" % MAC_B, 404,
         "no classifier entry"),
        ("classifier_table del mac %s ring:2" % MAC_A, 404,
         "goes to ring:1, not ring:2"),
        ("classifier_table add mac 52:54:00:zz:00:01 ring:1", 400, "MAC"),
        ("classifier_table add vlan 4096 %s ring:1" % MAC_A, 400, "4096"),
    ]
    for cmd, code, why in cases:
        r = spp.vf_request(2, cmd)
        assert r.status_code == code, (cmd, r.status_code, r.text)
        assert why.lower() in r.text.lower(), (cmd, r.text)
        assert config_of(spp.vf_status(2)) == before, cmd
    # a process that is not there, a body that is not JSON
    assert spp.get("/vfs/9").status_code == 404
    r = spp.post("/vfs/9/components",
                 {"name": "x", "core": 4, "type": "forward"})
    assert r.status_code == 404
    r = spp.post("/vfs/2/components", data="{not json")
    assert r.status_code == 400
    r = spp.put("/vfs/2/classifier_table", {"action": "add", "type": "mac"})
    assert r.status_code == 400 and "mac_address" in r.text
    assert config_of(spp.vf_status(2)) == before


def random_changes(spp, cid, kind, types, seed, steps=300):
    """steps random component, port and table commands to process kind
    (vfs or mirrors) cid while frames flow in through ring:0 and out
    through ring:4; refusals are fine, a 500 (the process gone) is not.
    Then everything is stopped and drained: every mbuf is back."""
    import random
    rng = random.Random(seed)
    comps = ["c1", "c2", "c3"]
    core = spp.vf_status(cid)["components"][0]["core"] if kind == "vfs" \
        else spp.mirror_status(cid)["components"][0]["core"]
    spp.nfv(1, "add nullpmd:0", "add ring:0", "patch nullpmd:0 ring:0",
            "add ring:4", "add nullpmd:1", "patch ring:4 nullpmd:1",
            "forward")
    codes = {}
    for _ in range(steps):
        c = rng.choice(comps)
        port = "ring:%d" % rng.randrange(5)
        op = rng.random()
        if op < 0.15:
            cmd = "component start %s %d %s" % (c, core, rng.choice(types))
        elif op < 0.25:
            cmd = "component stop " + c
        elif op < 0.7:
            cmd = "port %s %s %s %s" % (
                rng.choice(["add", "add", "del"]), port,
                rng.choice(["rx", "tx"]), c)
            if kind == "vfs" and cmd.startswith("port add"):
                cmd += rng.choice(["", "", " add_vlantag 10 1",
                                   " del_vlantag"])
        elif kind == "vfs":
            cmd = "classifier_table %s %s %s %s" % (
                rng.choice(["add", "del"]),
                rng.choice(["mac", "mac", "vlan 10"]),
                rng.choice(["default", "00:00:00:00:00:00",
                            "52:54:00:00:00:01"]), port)
        else:
            continue
        r = spp.vf_request(cid, cmd, kind=kind)
        codes[r.status_code] = codes.get(r.status_code, 0) + 1
        assert r.status_code in (204, 400, 404, 409), (cmd, r.status_code,
                                                       r.text)
    assert codes.get(204, 0) > steps // 5, codes
    st = (spp.vf_status if kind == "vfs" else spp.mirror_status)(cid)
    for comp in st["components"]:
        if "name" in comp:
            spp.vf_request(cid, "component stop " + comp["name"], kind=kind)
    spp.nfv(1, "stop", "patch reset", "del nullpmd:0")
    spp.nfv(1, *["add ring:%d" % i for i in (1, 2, 3)],
            *["patch ring:%d nullpmd:1" % i for i in range(5)], "forward")
    wait_for(lambda: all(r["count"] == 0 for r in
                         spp.pri_status()["ring_ports"][:5]),
             what="rings drained")
    spp.nfv(1, "stop", "patch reset",
            *["del ring:%d" % i for i in range(5)], "del nullpmd:1")
    time.sleep(0.2)
    assert spp.pri_status()["mbuf_pool"]["in_use"] == 0


def test_vf_random_changes(spp):
    """300 random commands to spp_vf while frames flow: it never goes
    away, and no mbuf is left behind."""
    spp.start_nfv(1)
    spp.start_vf(2)
    random_changes(spp, 2, "vfs", ["forward", "merge", "classifier"], 41)
    assert spp.has_process("vf", 2)


def test_mirror_random_changes(spp):
    """The same for spp_mirror and its copy modes."""
    spp.start_nfv(1)
    spp.start_mirror(3)
    random_changes(spp, 3, "mirrors", ["mirror", "mirror deep",
                                        "mirror shallow"], 42)
    assert spp.has_process("mirror", 3)


def test_vf_64_vms_4096_macs(spp):
    """One spp_vf classifier with 64 vhost tx ports (64 VMs: two testpmds
    of 32 virtio_user ports) and 4096 MACs, 64 a VM, added one by one
    through REST on a kept-alive connection; frames to 586 of the MACs,
    fed through spp_nfv (pcap:81 -> ring:0), each reach the VM of its MAC
    and no other. The time an add takes, first 256 against last 256, is
    printed (not asserted)."""
    import http.client
    from sppenv import VmFleet
    nvm, base = 64, 100
    socks = ["/tmp/sock%d" % (base + v) for v in range(nvm)]
    spp.start_nfv(1)
    spp.start_vf(2)
    pcaps = PcapPorts(81)
    conn = http.client.HTTPConnection("127.0.0.1", spp.ctl_port, timeout=30)
    fleet = None

    def mac(i):
        return "52:54:00:40:%02x:%02x" % (i >> 8, i & 0xff)

    try:
        spp.vf(2, "component start cls 4 classifier", "port add ring:0 rx cls",
               *["port add vhost:%d tx cls" % (base + v)
                 for v in range(nvm)])
        fleet = VmFleet("vf64vm", socks)
        fleet.wait_ready()
        wait_for(lambda: all(p["link"] == "up" for p in
                             spp.vf_status(2)["port_stats"]
                             if p["port"].startswith("vhost")),
                 timeout=60, what="64 VMs connected")
        took = []
        for i in range(4096):
            t = time.monotonic()
            cls_put(conn, "add", mac(i), "vhost:%d" % (base + i % nvm))
            took.append(time.monotonic() - t)
        assert len(spp.vf_status(2)["classifier_table"]) == 4096
        print("classifier add: %.2f ms median of the first 256, %.2f ms of "
              "the last 256" % (1000 * sorted(took[:256])[128],
                                1000 * sorted(took[-256:])[128]))
        # every 7th MAC (all 64 VMs), 1 or 2 frames each: 879 frames, what
        # ring:0 (1023) holds should the classifier be asleep
        sent, want = [], {}
        for i in range(0, 4096, 7):
            for k in range(1 + i % 2):
                sent.append(Ether(src="02:00:00:00:99:01", dst=mac(i)) /
                            bytes(50))
            want[i % nvm] = want.get(i % nvm, 0) + 1 + i % 2
        before = fleet.rx()
        pcaps.feed(81, sent)
        spp.nfv(1, "add pcap:81", "add ring:0", "patch pcap:81 ring:0",
                "forward")

        def delta():
            now = fleet.rx()
            return {v: now.get(v, 0) - before.get(v, 0) for v in range(nvm)
                    if now.get(v, 0) != before.get(v, 0)}
        wait_for(lambda: sum(delta().values()) >= len(sent), timeout=30,
                 what="%d frames in the VMs" % len(sent))
        time.sleep(1.5)  # a frame gone astray would show by now
        assert delta() == want
    finally:
        conn.close()
        if fleet is not None:
            fleet.close()
        pcaps.cleanup()
