# SPDX-License-Identifier: BSD-3-Clause
"""What the original SPP's own clients send works unchanged against real
processes: the original CLI's exact REST bodies (a launch with a string
client id, "vlan": {} on every port add and del, the classifier's VID as a
string), its recipes played back through our CLI, and the phy ports that
spp_nfv and the primary's forwarder have from the start."""

import os
import subprocess

from sppenv import BIN, PcapPorts, Spp, feed, wait_for

SPP = os.path.join(BIN, "cli", "spp")
MAC1 = "52:54:00:00:00:01"
MAC2 = "52:54:00:00:00:02"


def cli_ok(spp, *cmds):
    argv = [SPP, "-b", "127.0.0.1:%d" % spp.ctl_port]
    for c in cmds:
        argv += ["-c", c]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=60,
                       stdin=subprocess.DEVNULL)
    assert r.returncode == 0 and r.stderr == "", r.stdout + r.stderr
    return r.stdout


def test_launch_with_string_client_id(spp):
    """The body of the original CLI's "pri; launch nfv 2 ...": client_id
    is a string, flags are null, --proc-type added by the client."""
    body = {"client_id": "2", "proc_name": "spp_nfv",
            "eal": {"--lcores": "1@0,2@1", "--no-pci": None,
                    "--proc-type": "secondary"},
            "app": {"-n": "2", "-s": "127.0.0.1:%d" % spp.sec_port}}
    spp.ok(spp.put("/primary/launch", body), 204)
    wait_for(lambda: spp.has_process("nfv", 2), timeout=30,
             what="launched nfv 2")
    assert spp.nfv_status(2)["client-id"] == 2
    # still refused: a string that is not a number, an id out of range
    for bad in ("two", "0", "1024", "2.0"):
        r = spp.put("/primary/launch", dict(body, client_id=bad))
        assert r.status_code == 400, r.text
        assert "client_id must be an integer 1-1023" in r.json()["error"]
    spp.ok(spp.delete("/nfvs/2"), 204)
    wait_for(lambda: not spp.has_process("nfv", 2), what="nfv 2 gone")
    # a primary on one lcore has no forwarder, and the CLI says so
    assert "forwarder" not in spp.pri_status()
    assert "forwarder: none" in cli_ok(spp, "pri; status")


def test_nfv_has_phy_ports_from_start(netns):
    """phy:0 and phy:1 (veths into two namespaces) are in spp_nfv's ports
    and in the primary's forwarder from the start: the original's CLI
    commands patch them without "add", and ping crosses."""
    vdevs = ["net_pcap%d,iface=%s" % (i, h)
             for i, h in enumerate(netns.host)]
    spp = Spp("compat_phy", vdevs=vdevs, portmask="0x3",
              pri_lcores="0@0,11@1")
    try:
        phys = ["phy:0", "phy:1"]
        assert spp.pri_status()["forwarder"]["ports"] == phys
        spp.start_nfv(1)
        st = spp.nfv_status(1)
        assert st["ports"] == phys
        assert [s["port"] for s in st["port_stats"]] == phys
        # "add" of a phy port that is there: a no-op success
        spp.ok(spp.put("/nfvs/1/ports", {"action": "add", "port": "phy:0"}),
               204)
        spp.fwd("primary", "add phy:1")
        assert spp.nfv_status(1)["ports"] == phys
        assert not netns.ping(count=1)
        cli_ok(spp, "nfv 1; add ring:0", "nfv 1; add ring:1",
               "nfv 1; patch phy:0 ring:0", "nfv 1; patch ring:0 phy:1",
               "nfv 1; patch phy:1 ring:1", "nfv 1; patch ring:1 phy:0",
               "nfv 1; forward")
        assert netns.ping(count=3)
        st = spp.nfv_status(1)
        for p in phys:
            assert spp.port_stats(st, p)["rx"] >= 3
            assert spp.port_stats(st, p)["tx"] >= 3
        rings = spp.pri_status()["ring_ports"]
        assert rings[0]["tx"] >= 3 and rings[1]["tx"] >= 3
        # a phy port may still be deleted and added again
        cli_ok(spp, "nfv 1; stop", "nfv 1; patch reset",
               "nfv 1; del phy:1")
        ports = spp.nfv_status(1)["ports"]
        assert sorted(ports) == ["phy:0", "ring:0", "ring:1"]
        spp.nfv(1, "add phy:1")
        assert spp.nfv_status(1)["ports"] == ports + ["phy:1"]
    finally:
        spp.close()


def vf_recipe_bodies(base, core, ring):
    """The original CLI's requests for a classify recipe on rings ring..
    ring+2, exactly as it sends them."""
    comps = base + "/components"
    none = {"operation": "none", "id": "none", "pcp": "none"}
    return [
        ("POST", comps, {"name": "cls", "core": core, "type": "classifier"}),
        ("POST", comps, {"name": "fwd", "core": core, "type": "forward"}),
        ("PUT", comps + "/cls/ports", {"action": "attach", "dir": "rx",
                                       "port": "ring:%d" % ring,
                                       "vlan": {}}),
        # the releases before 19.11 sent "none" in every field
        ("PUT", comps + "/cls/ports", {"action": "attach", "dir": "tx",
                                       "port": "ring:%d" % (ring + 1),
                                       "vlan": none}),
        ("PUT", comps + "/cls/ports", {"action": "attach", "dir": "tx",
                                       "port": "ring:%d" % (ring + 2),
                                       "vlan": {}}),
        ("PUT", base + "/classifier_table",
         {"action": "add", "type": "vlan", "vlan": "101",
          "mac_address": MAC1, "port": "ring:%d" % (ring + 1)}),
        ("PUT", base + "/classifier_table",
         {"action": "add", "type": "mac", "mac_address": MAC2,
          "port": "ring:%d" % (ring + 2)}),
    ]


def vf_recipe_text(cid, core, ring):
    """The same recipe in the original's recipe syntax."""
    return ["vf %d; component start cls %d classifier" % (cid, core),
            "vf %d; component start fwd %d forward" % (cid, core),
            "vf %d; port add ring:%d rx cls" % (cid, ring),
            "vf %d; port add ring:%d tx cls" % (cid, ring + 1),
            "vf %d; port add ring:%d tx cls" % (cid, ring + 2),
            "vf %d; classifier_table add vlan 101 %s ring:%d" %
            (cid, MAC1, ring + 1),
            "vf %d; classifier_table add mac %s ring:%d" %
            (cid, MAC2, ring + 2)]


def check_vf_recipe(st, core, ring):
    rings = ["ring:%d" % (ring + i) for i in range(3)]
    assert st["ports"] == rings
    comps = {c.get("name"): c for c in st["components"]}
    assert comps["cls"]["core"] == core
    assert comps["cls"]["type"] == "classifier"
    assert [p["port"] for p in comps["cls"]["rx_port"]] == rings[:1]
    assert [p["port"] for p in comps["cls"]["tx_port"]] == rings[1:]
    for p in comps["cls"]["rx_port"] + comps["cls"]["tx_port"]:
        assert p["vlan"]["operation"] == "none"
    assert comps["fwd"]["type"] == "forward"
    assert comps["fwd"]["rx_port"] == [] and comps["fwd"]["tx_port"] == []
    want = [("mac", MAC2, rings[2]), ("vlan", "101/" + MAC1, rings[1])]
    assert sorted((e["type"], e["value"], e["port"])
                  for e in st["classifier_table"]) == sorted(want)


def test_vf_recipe_in_original_syntax(spp, tmp_path):
    """The same classify recipe through the original CLI's raw REST bodies
    (vf 2) and played back through our CLI (vf 3) gives the same state;
    frames fed through vf 2 are classified by VLAN 101 + MAC and by MAC."""
    from scapy.all import Dot1Q, Ether, IP, UDP, Raw
    spp.start_nfv(1)
    spp.start_vf(2)
    spp.start_vf(3, lcores="5@0,6@1")
    for method, path, body in vf_recipe_bodies("/vfs/2", 4, 0):
        r = (spp.post if method == "POST" else spp.put)(path, body)
        spp.ok(r, 204)
    check_vf_recipe(spp.vf_status(2), 4, 0)
    recipe = tmp_path / "vf3.rcp"
    recipe.write_text("# a classify recipe in the original's syntax\n" +
                      "\n".join(vf_recipe_text(3, 6, 3)) + "\n")
    cli_ok(spp, "playback %s" % recipe)
    check_vf_recipe(spp.vf_status(3), 6, 3)
    # the original CLI sends the attach's vlan object back on detach
    spp.ok(spp.put("/vfs/3/components/cls/ports",
                   {"action": "detach", "dir": "tx", "port": "ring:5",
                    "vlan": {"operation": "none", "id": "none",
                             "pcp": "none"}}), 204)
    spp.ok(spp.put("/vfs/3/components/cls/ports",
                   {"action": "detach", "dir": "tx", "port": "ring:4",
                    "vlan": {}}), 204)
    cls = [c for c in spp.vf_status(3)["components"]
           if c.get("name") == "cls"][0]
    assert [p["port"] for p in cls["tx_port"]] == []
    # still refused, nothing changed: a VID that is not a number
    before = spp.vf_status(2)
    r = spp.put("/vfs/2/classifier_table",
                {"action": "add", "type": "vlan", "vlan": "1o1",
                 "mac_address": MAC2, "port": "ring:1"})
    assert r.status_code == 400 and "'vlan'" in r.json()["error"], r.text
    r = spp.put("/vfs/2/classifier_table",
                {"action": "add", "type": "vlan", "vlan": "4096",
                 "mac_address": MAC2, "port": "ring:1"})
    assert r.status_code == 400 and "4096" in r.json()["error"], r.text
    assert spp.vf_status(2)["classifier_table"] == before["classifier_table"]

    def udp(dst, vlan, i):
        eth = Ether(src="02:00:00:00:00:09", dst=dst)
        if vlan is not None:
            eth = eth / Dot1Q(vlan=vlan)
        return (eth / IP(src="10.0.0.1", dst="10.0.0.2") /
                UDP(sport=1000 + i, dport=2000) / Raw(b"x" * (20 + i)))
    tagged = [udp(MAC1, 101, i) for i in range(20)]
    plain = [udp(MAC2, None, i) for i in range(15)]
    other = [udp(MAC1, None, i) for i in range(5)] + \
        [udp("52:54:00:00:00:77", 101, i) for i in range(5)]
    sent = [p for trio in zip(tagged, plain + [None] * 5, other + [None] * 10)
            for p in trio if p is not None]
    pcaps = PcapPorts(80, 81, 82)
    try:
        out = feed(spp, pcaps, [(80, 0)], {1: 81, 2: 82}, {80: sent},
                   len(tagged) + len(plain))
    finally:
        pcaps.cleanup()
    assert [bytes(p) for p in out[1]] == [bytes(p) for p in tagged]
    assert [bytes(p) for p in out[2]] == [bytes(p) for p in plain]


def test_mirror_ports_with_empty_vlan(spp):
    """The original CLI's mirror "port add|del" bodies carry "vlan": {}."""
    spp.start_mirror(4, lcores="7@0,8@1")
    base = "/mirrors/4/components"
    spp.ok(spp.post(base, {"name": "mr", "core": "8", "type": "mirror"}),
           204)
    for port, d in (("ring:0", "rx"), ("ring:1", "tx"), ("ring:2", "tx")):
        spp.ok(spp.put(base + "/mr/ports", {"action": "attach", "port": port,
                                            "dir": d, "vlan": {}}), 204)
    st = spp.mirror_status(4)
    mr = [c for c in st["components"] if c.get("name") == "mr"][0]
    assert mr["core"] == 8
    assert [p["port"] for p in mr["rx_port"]] == ["ring:0"]
    assert [p["port"] for p in mr["tx_port"]] == ["ring:1", "ring:2"]
    spp.ok(spp.put(base + "/mr/ports", {"action": "detach", "port": "ring:2",
                                        "dir": "tx", "vlan": {}}), 204)
    mr = [c for c in spp.mirror_status(4)["components"]
          if c.get("name") == "mr"][0]
    assert [p["port"] for p in mr["tx_port"]] == ["ring:1"]
    # a tag operation still has no meaning on a mirror port
    r = spp.put(base + "/mr/ports", {"action": "attach", "port": "ring:2",
                                     "dir": "tx", "vlan": {
                                         "operation": "add", "id": "10",
                                         "pcp": "0"}})
    assert r.status_code == 400 and "mirror" in r.json()["error"], r.text


def test_vf_status_ports_in_original_order(spp):
    """vf status lists phy, vhost, ring ports in that order, then others,
    whatever order they were attached in."""
    spp.start_vf(2)
    spp.vf(2, "component start m 4 merge", "port add ring:3 rx m",
           "port add ring:1 rx m", "port add vhost:91 rx m",
           "component start f 4 forward", "port add ring:0 rx f",
           "port add vhost:90 tx f")
    try:
        assert spp.vf_status(2)["ports"] == ["vhost:90", "vhost:91", "ring:0",
                                             "ring:1", "ring:3"]
    finally:
        spp.vf(2, "component stop m", "component stop f")
        for s in ("/tmp/sock90", "/tmp/sock91"):
            if os.path.exists(s):
                os.unlink(s)
